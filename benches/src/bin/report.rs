//! Prints the Markdown tables of BENCHMARKS.md from criterion's saved estimates
//! (`target/criterion/<group>/<bench>/new/estimates.json`, written by `cargo xtask bench`):
//! medians, ratios to the bare handler and to each peer, and the goals of issue 6.
//!
//! `cargo run -p sessionkit-benches --bin report` (after the benchmarks ran).
#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::{env, fs};

use sessionkit_benches::{actix_apps, axum_apps};

/// `group -> function id -> median (ns)`.
type Medians = BTreeMap<String, BTreeMap<String, f64>>;

fn main() {
    let dir = criterion_dir();
    let medians = match read(&dir) {
        Ok(m) if !m.is_empty() => m,
        Ok(_) | Err(_) => {
            eprintln!(
                "report: no criterion estimates under {}; run `cargo xtask bench` first",
                dir.display()
            );
            std::process::exit(1);
        }
    };
    println!(
        "The framework tables below divide criterion medians measured seconds apart; on a \
         machine whose speed drifts, quote the ratios of the `paired` bench (printed by \
         `cargo xtask bench` above, or `cargo bench -p sessionkit-benches --bench paired`) \
         instead."
    );
    frameworks(
        &medians,
        "axum",
        &["tower-sessions", "axum-login"],
        axum_apps::bare_for,
    );
    frameworks(&medians, "actix", &["actix-session"], actix_apps::bare_for);
    for (group, reference) in [
        ("generate-32-peers", "session_token::Token::generate"),
        ("generate-32", "session_token::Token::generate"),
        ("encode-32", "session_token::Token::encode"),
        ("decode-32", "session_token::Token::decode"),
        ("hash-32", "session_token::Token::hash"),
        ("load-realistic-300B", "session_cookie::load"),
        ("load-4KiB", "session_cookie::load"),
    ] {
        plain(&medians, group, reference);
    }
}

fn criterion_dir() -> PathBuf {
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("criterion")
}

fn read(dir: &Path) -> std::io::Result<Medians> {
    let mut out = Medians::new();
    for group in fs::read_dir(dir)? {
        let group = group?.path();
        let Ok(benches) = fs::read_dir(&group) else {
            continue;
        };
        for bench in benches {
            let new = bench?.path().join("new");
            let (Ok(meta), Ok(estimates)) = (
                fs::read_to_string(new.join("benchmark.json")),
                fs::read_to_string(new.join("estimates.json")),
            ) else {
                continue;
            };
            if let (Some(g), Some(f), Some(median)) = (
                string_field(&meta, "group_id"),
                string_field(&meta, "function_id"),
                median(&estimates),
            ) {
                out.entry(g).or_default().insert(f, median);
            }
        }
    }
    Ok(out)
}

/// `"key":"value"` in criterion's flat `benchmark.json`.
fn string_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let len = json[start..].find('"')?;
    Some(json[start..start + len].to_owned())
}

/// `median.point_estimate` in criterion's `estimates.json`.
fn median(json: &str) -> Option<f64> {
    let at = json.find("\"median\":")?;
    let rest = &json[at..];
    let start = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let end = rest[start..].find([',', '}'])?;
    rest[start..start + end].parse().ok()
}

fn ns(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} µs", v / 1000.0)
    } else {
        format!("{v:.0} ns")
    }
}

/// The per-framework table: each variant against the bare handler in the same cookie state,
/// the time it adds, and the goals.
fn frameworks(
    medians: &Medians,
    group: &str,
    peers: &[&str],
    bare_for: fn(&str) -> Option<&'static str>,
) {
    let Some(m) = medians.get(group) else {
        return;
    };
    let get = |id: &str| m.get(id).copied();
    let (Some(bare_cookie), Some(bare_none)) = (get("bare-cookie"), get("bare-no-cookie")) else {
        return;
    };
    println!("\n### {group}: medians (criterion group `{group}`)\n");
    println!("| variant | median | vs bare (same Cookie header) | added over bare |");
    println!("|---|---:|---:|---:|");
    let mut ids: Vec<&String> = m.keys().collect();
    ids.sort_by_key(|id| (order(id), (*id).clone()));
    // Each variant against the bare handler on the same route with the same Cookie header
    // (the optional extractor is served on `/maybe`: a route difference is not charged to
    // the library).
    let bare_maybe = get("bare-maybe-no-cookie").unwrap_or(bare_none);
    for id in ids {
        let v = m[id];
        // Ids no longer in the variant table (stale criterion results) are skipped.
        let Some(bare) = bare_for(id).and_then(get) else {
            continue;
        };
        println!(
            "| {id} | {} | {:.2}x | {:+.0} ns |",
            ns(v),
            v / bare,
            v - bare
        );
    }
    let Some(ours) = get("ours-cookie") else {
        return;
    };
    let ours_added = ours - bare_cookie;
    println!("\nAuthenticated request (valid cookie), ours against each peer:\n");
    println!("| peer | peer median | ours / peer | peer's added cost / ours |");
    println!("|---|---:|---:|---:|");
    for peer in peers {
        if let Some(p) = get(&format!("{peer}-cookie")) {
            let added = p - bare_cookie;
            let times = if ours_added > 0.0 {
                format!("{:.1}x", added / ours_added)
            } else {
                "ours adds nothing measurable".to_owned()
            };
            println!("| {peer} | {} | {:.2}x | {times} |", ns(p), ours / p);
        }
    }
    println!("\nGoals ({group}), from these criterion medians:\n");
    println!(
        "- ours authenticated (SHA-256-keyed loader) / bare with the same Cookie header: \
         {:.2}x, {:+.0} ns",
        ours / bare_cookie,
        ours_added
    );
    if let Some(raw) = get("ours-rawkey-cookie") {
        println!(
            "- the same with the in-memory map keyed by raw token bytes (`Sessions::new_sync`): \
             {:.2}x (goal <= 1.15x, issue 17), {:+.0} ns",
            raw / bare_cookie,
            raw - bare_cookie
        );
    }
    let bare_realistic = get("bare-realistic-cookie");
    if let (Some(raw), Some(bare)) = (get("ours-rawkey-realistic-cookie"), bare_realistic) {
        println!(
            "- the same with a browser's 5-cookie, ~300-byte header: {:.2}x, {:+.0} ns",
            raw / bare,
            raw - bare
        );
    }
    if let Some(anon) = get("ours-optional-no-cookie") {
        println!(
            "- anonymous, optional extractor / bare without cookie on the same route: {:.2}x \
             ({:+.0} ns; goal <= 1.05x, issue 17)",
            anon / bare_maybe,
            anon - bare_maybe
        );
    }
    let bare_others = get("bare-maybe-others-no-session");
    if let (Some(anon), Some(bare)) = (get("ours-optional-others-no-session"), bare_others) {
        println!(
            "- the same with the site's other cookies and no session: {:.2}x ({:+.0} ns)",
            anon / bare,
            anon - bare
        );
    }
    if let Some(anon) = get("ours-no-cookie-401") {
        println!(
            "- anonymous, required extractor (401) / bare without cookie: {:.2}x ({:+.0} ns)",
            anon / bare_none,
            anon - bare_none
        );
    }
}

fn order(id: &str) -> u8 {
    match id {
        "bare-no-cookie" => 0,
        "bare-cookie" => 1,
        s if s.starts_with("ours") && !s.contains("no-cookie") => 2,
        s if s.starts_with("ours") => 3,
        s if s.contains("no-cookie") => 5,
        _ => 4,
    }
}

/// A plain group: each entry against `reference` (ours).
fn plain(medians: &Medians, group: &str, reference: &str) {
    let Some(m) = medians.get(group) else {
        return;
    };
    let Some(&ours) = m.get(reference) else {
        return;
    };
    println!("\n### {group}: medians (criterion group `{group}`)\n");
    println!("| function | median | vs `{reference}` |");
    println!("|---|---:|---:|");
    for (id, &v) in m {
        println!("| {id} | {} | {:.2}x |", ns(v), v / ours);
    }
}
