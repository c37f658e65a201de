//! Instructions per request, for every variant of the `frameworks` benchmark, counted by
//! `valgrind --tool=callgrind`: a figure that load on a shared machine cannot move.
//!
//! Without arguments (`cargo bench -p sessionkit-benches --bench instructions`), it runs itself
//! once per variant under
//! `valgrind --tool=callgrind --toggle-collect=*serve_requests*`, so only the requests are
//! counted (not building the app, the peers' logins or the requests), and prints a Markdown
//! table: the instructions callgrind counted inside `serve_requests` divided by the number of
//! requests. A positional argument filters the variants by substring. Without valgrind it
//! prints a notice and exits successfully.
//!
//! With two arguments, `<variant> <requests>`, it serves that many requests of one variant
//! (after a warm-up) and exits: the process valgrind runs.
//!
//! The apps and requests are those of `frameworks` and `allocations`: axum through
//! `router.clone().oneshot(request)` on a current-thread tokio runtime, actix-web through
//! `test::call_service` inside an actix `System`; responses are dropped inside the count.
#![allow(missing_docs)]

use std::path::Path;
use std::process::Command;

use sessionkit_benches::{CookieHeader, actix_apps, axum_apps};

const WARM_UP: usize = 64;
const REQUESTS: usize = 1000;

/// (framework, variant): every variant `serve` knows, in table order.
fn variants() -> impl Iterator<Item = (&'static str, &'static str)> {
    let axum = axum_apps::VARIANTS.iter().map(|v| ("axum", v.id));
    let actix = actix_apps::VARIANTS.iter().map(|v| ("actix", v.id));
    let cookie = COOKIE_VARIANTS.iter().map(|(id, _)| ("cookie", *id));
    axum.chain(actix).chain(cookie)
}

/// `session-cookie` alone, no framework: one "request" is one `CookieProxy::load` of the
/// header (an `http` 1.x `HeaderMap` with one `Cookie` value), or one `Token::decode` of the
/// session's 43 symbols. The per-request figures of the library's own parts.
const COOKIE_VARIANTS: [(&str, CookieHeader); 4] = [
    ("load-lone", CookieHeader::Lone),
    ("load-realistic", CookieHeader::Realistic),
    ("load-others-no-session", CookieHeader::OthersOnly),
    ("decode", CookieHeader::Lone),
];

fn main() {
    // `cargo bench` passes `--bench`; everything else positional is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.as_slice() {
        [variant, requests] => {
            let requests = requests.parse().expect("a number of requests");
            let (framework, variant) = variant.split_once('/').expect("framework/variant");
            match framework {
                "axum" => axum(variant, requests),
                "actix" => actix(variant, requests),
                "cookie" => cookie(variant, requests),
                other => panic!("unknown framework {other}"),
            }
        }
        [filter] => drive(filter),
        _ => drive(""),
    }
}

/// Runs every variant matching `filter` under callgrind and prints the table.
fn drive(filter: &str) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("note: valgrind not found (apt-get install valgrind); no instruction counts");
        return;
    }
    let exe = std::env::current_exe().expect("the bench executable");
    let dir = std::env::temp_dir().join(format!("sessionkit-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    println!(
        "| framework | variant | instructions/request | vs bare (same Cookie header) | added over bare |"
    );
    println!("|---|---|---:|---:|---:|");
    // The bare variants' figures, by (framework, id), as they are measured (first in the table).
    let mut bare: std::collections::HashMap<(&str, &str), f64> = std::collections::HashMap::new();
    for (framework, variant) in variants() {
        let id = format!("{framework}/{variant}");
        if !id.contains(filter) {
            continue;
        }
        let out = dir.join(format!("callgrind.{framework}.{variant}.out"));
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--toggle-collect=*serve_requests*")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&exe)
            .arg(&id)
            .arg(REQUESTS.to_string())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("valgrind runs");
        assert!(status.success(), "{id} under valgrind: {status}");
        #[allow(clippy::cast_precision_loss)]
        let per = total_instructions(&out) as f64 / REQUESTS as f64;
        // The bare counterpart: same Cookie header, same route.
        let counterpart = match framework {
            "axum" => axum_apps::bare_for(variant),
            "actix" => actix_apps::bare_for(variant),
            _ => None, // the cookie variants: no framework, no bare handler
        };
        if counterpart == Some(variant) {
            bare.insert((framework, variant), per);
        }
        if let Some(&base) = counterpart.and_then(|c| bare.get(&(framework, c))) {
            println!(
                "| {framework} | {variant} | {per:.0} | {:.2}x | {:+.0} |",
                per / base,
                per - base
            );
        } else {
            println!("| {framework} | {variant} | {per:.0} | | |");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `summary:` (or `totals:`) line of a callgrind output file: instructions collected.
fn total_instructions(out: &Path) -> u64 {
    let text = std::fs::read_to_string(out).expect("callgrind's output");
    text.lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .expect("a summary line")
}

/// The measured part: every request sent, every response dropped. Never inlined, so that
/// callgrind's `--toggle-collect` finds it by name.
#[inline(never)]
fn serve_requests<R>(requests: Vec<R>, mut send: impl FnMut(R)) {
    for request in requests {
        send(request);
    }
}

fn cookie(variant: &str, requests: usize) {
    use session_axum::{CookieProxy, Token};

    let (_, header) = COOKIE_VARIANTS
        .iter()
        .find(|(id, _)| *id == variant)
        .unwrap_or_else(|| panic!("unknown cookie variant {variant}"));
    let token = Token::from_bytes(*b"0123456789abcdefghijklmnopqrstuv");
    let pair = format!("__Host-id={}", token.encode().as_str());
    let value = header.header(&pair).expect("a Cookie header");
    let proxy = CookieProxy::default();
    let maps: Vec<http::HeaderMap> = (0..WARM_UP.max(requests))
        .map(|_| {
            let mut map = http::HeaderMap::new();
            let value = http::HeaderValue::from_str(&value).expect("a valid header");
            map.insert(http::header::COOKIE, value);
            map
        })
        .collect();
    // Checked once, outside the count: the loop below only loads (or decodes).
    let expected = (*header != CookieHeader::OthersOnly).then_some(*token.as_bytes());
    assert_eq!(proxy.load(&maps[0]).map(|t| *t.as_bytes()), expected);
    let encoded = token.encode();
    assert_eq!(
        Token::decode(encoded.as_str()).ok().map(|t| *t.as_bytes()),
        Some(*token.as_bytes())
    );
    // By reference: building and dropping the maps is not counted.
    let send = |map: &http::HeaderMap| {
        if variant == "decode" {
            std::hint::black_box(
                Token::<32>::decode(std::hint::black_box(encoded.as_str())).is_ok(),
            );
        } else {
            std::hint::black_box(proxy.load(std::hint::black_box(map)).is_some());
        }
    };
    maps.iter().take(WARM_UP).for_each(send);
    serve_requests(maps.iter().take(requests).collect(), send);
}

fn axum(variant: &str, requests: usize) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let case = axum_apps::case(&rt, variant);
    let send = |request| case.send(&rt, request);
    let build = |n: usize| -> Vec<_> { (0..n).map(|_| case.request()).collect() };
    build(WARM_UP).into_iter().for_each(send);
    serve_requests(build(requests), send);
}

/// Serves one actix-web variant (the apps have different types: a visitor, not a match).
struct ActixServe<'a> {
    system: &'a actix_web::rt::SystemRunner,
    requests: usize,
}

impl actix_apps::Visit for ActixServe<'_> {
    fn visit<A: actix_apps::TestApp>(&mut self, case: &actix_apps::Case<'_, A>) {
        let send = |request| case.send(self.system, request);
        let build = |n: usize| -> Vec<_> { (0..n).map(|_| case.request()).collect() };
        build(WARM_UP).into_iter().for_each(send);
        serve_requests(build(self.requests), send);
    }
}

fn actix(variant: &str, requests: usize) {
    let system = actix_web::rt::System::new();
    let mut serve = ActixServe {
        system: &system,
        requests,
    };
    actix_apps::visit(&system, variant, &mut serve);
}
