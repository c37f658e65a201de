//! `cargo xtask ci` and its steps, each also a task of its own.

use std::process::Command;
use std::time::Instant;

use crate::cmd::{Result, cargo, cargo_bin, cargo_output, ensure_tool, has_cargo_subcommand, run};
use crate::e2e;

/// One named step of `cargo xtask ci`.
type Step = (&'static str, fn() -> Result);

/// cargo-deny release installed when missing (`cargo install --locked`).
const CARGO_DENY: &str = "cargo-deny@0.20.2";

/// Runs every step in order, each with its time, and stops at the first failure.
pub(crate) fn ci() -> Result {
    let started = Instant::now();
    let steps: [Step; 9] = [
        ("fmt", fmt),
        ("lint", lint),
        ("test", test),
        ("test-no-std", test_no_std),
        ("no-std", no_std),
        ("doc", doc),
        ("deny", deny),
        ("examples", examples),
        ("e2e", e2e::run),
    ];
    for (name, step) in steps {
        let t = Instant::now();
        eprintln!("\n=== xtask ci: {name}");
        step().map_err(|e| format!("step `{name}` failed: {e}"))?;
        eprintln!("=== {name} passed in {:.1}s", t.elapsed().as_secs_f64());
    }
    eprintln!(
        "\nxtask ci: all steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub(crate) fn fmt() -> Result {
    cargo(["fmt", "--all", "--check"])
}

pub(crate) fn lint() -> Result {
    cargo([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ])
}

pub(crate) fn test() -> Result {
    if has_cargo_subcommand("nextest") {
        cargo([
            "nextest",
            "run",
            "--workspace",
            "--locked",
            "--no-fail-fast",
        ])?;
    } else {
        eprintln!("note: cargo-nextest not installed; using cargo test");
        cargo([
            "test",
            "--workspace",
            "--locked",
            "--lib",
            "--bins",
            "--tests",
        ])?;
    }
    cargo(["test", "--workspace", "--locked", "--doc"])
}

pub(crate) fn test_no_std() -> Result {
    cargo([
        "test",
        "-p",
        "session-token",
        "--no-default-features",
        "--locked",
    ])
}

/// Feature sets of session-token that must stay free of `std`: none at all, and every
/// optional feature that works without an allocator or an OS crate.
const NO_STD_FEATURE_SETS: [&[&str]; 2] = [&[], &["getrandom", "sha2", "zeroize"]];

/// Building on the host alone proves little: a dependency can pull `std` in silently through
/// a default feature. So read the resolved features of every normal dependency with
/// `cargo tree` and fail on any `std`, then build.
pub(crate) fn no_std() -> Result {
    for features in NO_STD_FEATURE_SETS {
        let joined = features.join(",");
        let mut args = vec![
            "tree",
            "-p",
            "session-token",
            "--no-default-features",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}|{f}",
            "--locked",
        ];
        let mut build = vec![
            "build",
            "-p",
            "session-token",
            "--no-default-features",
            "--locked",
        ];
        if !features.is_empty() {
            args.extend(["--features", &joined]);
            build.extend(["--features", &joined]);
        }
        let tree = cargo_output(&args)?;
        let offenders = std_features(&tree);
        if !offenders.is_empty() {
            return Err(format!(
                "session-token --no-default-features [{joined}] resolves `std` on: {}",
                offenders.join(", ")
            )
            .into());
        }
        let packages = tree.lines().filter(|l| !l.trim().is_empty()).count();
        eprintln!("no_std: {packages} packages, none with a `std` feature ([{joined}])");
        cargo(build)?;
    }
    Ok(())
}

/// Packages in `cargo tree --format "{p}|{f}"` output whose enabled features include `std`.
fn std_features(tree: &str) -> Vec<String> {
    tree.lines()
        .filter_map(|line| {
            let (package, features) = line.split_once('|')?;
            features
                .split(',')
                .any(|f| f.trim() == "std")
                .then(|| package.trim().to_owned())
        })
        .collect()
}

pub(crate) fn doc() -> Result {
    run(Command::new(cargo_bin())
        .args([
            "doc",
            "--workspace",
            "--no-deps",
            "--all-features",
            "--locked",
        ])
        .env("RUSTDOCFLAGS", "-D warnings"))
}

pub(crate) fn deny() -> Result {
    ensure_tool("deny", CARGO_DENY)?;
    cargo(["deny", "--locked", "check", "bans", "licenses", "sources"])
}

/// Not a step of `ci`: it needs the network (the RustSec database on GitHub).
pub(crate) fn advisories() -> Result {
    ensure_tool("deny", CARGO_DENY)?;
    cargo(["deny", "--locked", "check", "advisories"])
}

pub(crate) fn examples() -> Result {
    let out = cargo_output(&["run", "--locked", "--quiet", "-p", "example-token"])?;
    eprint!("{out}");
    if !out.contains("decoded back, equal:          true") {
        return Err("example-token did not report a successful round trip".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_features_finds_std_only() {
        let tree = "session-token v0.1.0 (/x)|\n\
                    subtle v2.6.1|\n\
                    base64 v0.23.1|alloc,std\n\
                    zeroize v1.8.1|alloc\n\
                    digest v0.11.0|std_like,block-buffer\n";
        assert_eq!(std_features(tree), ["base64 v0.23.1"]);
        assert!(std_features("a v1|\nb v2|alloc").is_empty());
    }
}
