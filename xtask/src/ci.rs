//! `cargo xtask ci` and its steps, each also a task of its own.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cmd::{
    Result, cargo, cargo_bin, cargo_output, clippy, doctest, ensure_tool, nextest, run, target_dir,
    under_ci,
};
use crate::{e2e, fuzz};

/// One named step of `cargo xtask ci`.
type Step = (&'static str, fn() -> Result);

/// The steps of `cargo xtask ci`, in order; each name is also a task.
pub(crate) const STEPS: [Step; 13] = [
    ("fmt", fmt),
    ("lint", lint),
    ("lint-features", lint_features),
    ("test", test),
    ("test-features", test_features),
    ("no-std", no_std),
    ("doc", doc),
    ("deny", deny),
    ("fuzz-check", fuzz::check),
    ("msrv", msrv),
    ("package", package),
    ("examples", examples),
    ("e2e", e2e::run),
];

/// The core library crates: what `msrv` tests.
const LIBRARIES: [&str; 4] = [
    "session-token",
    "session-cookie",
    "session-axum",
    "session-actix",
];

/// Every crate meant for crates.io: what `package` packages, in one run (each is verified
/// against the others' packages).
const PUBLISHED: [&str; 7] = [
    "session-token",
    "session-cookie",
    "session-axum",
    "session-actix",
    "session-store",
    "session-store-sqlx",
    "session-store-redis",
];

/// Debian's Rust at the workspace's `rust-version` (packages `rustc-web`, `cargo-web`,
/// `libstd-rust-web-dev`, `libstd-rust-web-1.85`, all `1.85.0+dfsg3-1~deb12u3`; `.ci/run`
/// installs them). Called by path, so the rustup toolchain stays first on `PATH` for the rest.
const MSRV_CARGO: &str = "/usr/bin/cargo";
const MSRV_RUSTC: &str = "/usr/bin/rustc";
const MSRV_RUSTDOC: &str = "/usr/bin/rustdoc";
/// The `rustc --version` the step expects, so that another Debian Rust cannot pass for it.
const MSRV_VERSION: &str = "rustc 1.85.0 ";

/// cargo-deny release installed when missing (`cargo install --locked`).
const CARGO_DENY: &str = "cargo-deny@0.20.2";

/// Runs every step in order, each with its time, and stops at the first failure.
pub(crate) fn ci() -> Result {
    let started = Instant::now();
    for (name, step) in STEPS {
        let t = Instant::now();
        eprintln!("\n=== xtask ci: {name}");
        step().map_err(|e| format!("step `{name}` failed: {e}"))?;
        eprintln!(
            "=== {name} passed in {:.1}s (target directory: {:.1} GB)",
            t.elapsed().as_secs_f64(),
            dir_size(&target_dir()) as f64 / 1e9
        );
    }
    eprintln!(
        "\nxtask ci: all steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Bytes in the files under `dir` (symbolic links not followed; unreadable entries count 0):
/// printed after each step, since a cold run's target directory is what fills a CI disk.
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

fn fmt() -> Result {
    cargo(["fmt", "--all", "--check"])
}

fn lint() -> Result {
    clippy(&["--workspace", "--all-targets", "--all-features"])
}

/// What `--workspace` never compiles: building the workspace turns on session-cookie's `http`
/// feature for every member (feature unification), so session-cookie without it, and
/// session-actix as an application builds it (on session-cookie without `http`), need builds
/// of their own.
fn lint_features() -> Result {
    // The byte-level core alone, its tests included (the `http`-only bench is skipped).
    clippy(&[
        "-p",
        "session-cookie",
        "--no-default-features",
        "--all-targets",
    ])?;
    // The library only: a test target would bring in the dev-dependency session-conformance,
    // whose session-cookie has `http` on. Default features, then every feature.
    clippy(&["-p", "session-actix", "--lib"])?;
    clippy(&["-p", "session-actix", "--lib", "--all-features"])
}

fn test() -> Result {
    nextest(&["--workspace"])?;
    doctest(&["--workspace"])
}

/// The tests of the feature sets `test` cannot reach (see [`lint_features`]): session-token
/// `no_std`, session-cookie without `http`; and the adapters' optional `tracing` feature,
/// with `test-util` (which their own tests turn on through a dev-dependency on themselves,
/// so naming it here costs no build of its own).
fn test_features() -> Result {
    for package in ["session-token", "session-cookie"] {
        nextest(&["-p", package, "--no-default-features"])?;
        doctest(&["-p", package, "--no-default-features"])?;
    }
    nextest(&[
        "-p",
        "session-axum",
        "-p",
        "session-actix",
        "--features",
        "session-axum/tracing,session-actix/tracing,session-axum/test-util,session-actix/test-util",
    ])
}

/// The library crates build and pass their tests (doc tests included) with Rust 1.85, the
/// declared `rust-version`: all features, and session-token without default features; the
/// store crates build with it. Its own target directory, so the stable builds stay warm.
fn msrv() -> Result {
    let version = Command::new(MSRV_RUSTC)
        .arg("--version")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if !version.starts_with(MSRV_VERSION) {
        let found = if version.is_empty() {
            "nothing"
        } else {
            version.trim()
        };
        let message = format!(
            "{MSRV_RUSTC} is {found}, not Rust 1.85: apt-get install rustc-web cargo-web \
             libstd-rust-web-dev libstd-rust-web-1.85 (=1.85.0+dfsg3-1~deb12u3; .ci/run does)"
        );
        if under_ci() {
            return Err(message.into());
        }
        eprintln!("note: skipping the MSRV check: {message}");
        return Ok(());
    }
    let mut all = vec!["test", "--locked", "--all-features"];
    for package in LIBRARIES {
        all.extend(["-p", package]);
    }
    let token_alone = [
        "test",
        "--locked",
        "-p",
        "session-token",
        "--no-default-features",
    ];
    // The ready stores promise to build with it too (sqlx 0.8); their tests need servers.
    let stores = [
        "check",
        "--locked",
        "--all-features",
        "-p",
        "session-store",
        "-p",
        "session-store-sqlx",
        "-p",
        "session-store-redis",
    ];
    for args in [&all[..], &token_alone[..], &stores[..]] {
        run(Command::new(MSRV_CARGO)
            .args(args)
            .env("RUSTC", MSRV_RUSTC)
            .env("RUSTDOC", MSRV_RUSTDOC)
            .env("CARGO_TARGET_DIR", target_dir().join("msrv")))?;
    }
    Ok(())
}

/// Each published crate packaged as it would be published and built from its packaged
/// sources alone (`cargo package` verifies each against the others' packages, not the
/// workspace).
fn package() -> Result {
    forget_unpacked_packages()?;
    let mut args = vec!["package", "--locked"];
    for package in PUBLISHED {
        args.extend(["-p", package]);
    }
    cargo(args)
}

/// `cargo package` verifies each crate against the others' packages through a local registry
/// under `target/package`, and unpacks those packages into `$CARGO_HOME/registry/src/-<hash
/// of that path>/` once: a later run from the same checkout path finds the old sources there
/// (same name, same version) and builds against them, so a crate using an item its sibling
/// gained since fails to verify. Those unpacked copies (and their cached `.crate` files) are
/// removed first. Only the local registries' directories (named `-<hash>`, without a host)
/// are touched; a crates.io download of a crate with the same name is left alone.
fn forget_unpacked_packages() -> Result {
    let Some(home) = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
    else {
        return Ok(());
    };
    for kind in ["src", "cache"] {
        let Ok(registries) = fs::read_dir(home.join("registry").join(kind)) else {
            continue;
        };
        for registry in registries.flatten() {
            if !registry.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            for entry in fs::read_dir(registry.path())?.flatten() {
                if is_published_package(&entry.file_name().to_string_lossy()) {
                    let path = entry.path();
                    let removed = if path.is_dir() {
                        fs::remove_dir_all(&path)
                    } else {
                        fs::remove_file(&path)
                    };
                    removed.map_err(|e| format!("removing {}: {e}", path.display()))?;
                }
            }
        }
    }
    Ok(())
}

/// Whether `name` (`<crate>-<version>` or `<crate>-<version>.crate`) is one of ours.
fn is_published_package(name: &str) -> bool {
    PUBLISHED.iter().any(|package| {
        name.strip_prefix(package)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// Feature sets of session-token that must stay free of `std`: none at all, and every
/// optional feature that works without an allocator or an OS crate.
const NO_STD_FEATURE_SETS: [&[&str]; 2] = [&[], &["getrandom", "sha2", "zeroize"]];

/// Building on the host alone proves little: a dependency can pull `std` in silently through
/// a default feature. So read the resolved features of every normal dependency with
/// `cargo tree` and fail on any `std`, then build.
fn no_std() -> Result {
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

fn doc() -> Result {
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

fn deny() -> Result {
    ensure_tool("deny", CARGO_DENY)?;
    cargo(["deny", "--locked", "check", "bans", "licenses", "sources"])
}

/// Not a step of `ci`: it needs the network (the RustSec database on GitHub).
pub(crate) fn advisories() -> Result {
    ensure_tool("deny", CARGO_DENY)?;
    cargo(["deny", "--locked", "check", "advisories"])
}

/// The examples that run to completion on their own; each exits non-zero when its checks fail.
fn examples() -> Result {
    cargo(["run", "--locked", "--quiet", "-p", "example-token"])
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

    #[test]
    fn only_our_packages_are_forgotten() {
        assert!(is_published_package("session-cookie-0.1.0"));
        assert!(is_published_package("session-store-redis-0.2.0.crate"));
        assert!(!is_published_package("session-cookie"));
        assert!(!is_published_package("session-cookie-extra-0.1.0"));
        assert!(!is_published_package("session-store-sqlx-x"));
        assert!(!is_published_package("tower-sessions-0.15.0"));
    }
}
