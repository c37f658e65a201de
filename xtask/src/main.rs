//! `cargo xtask <task>`: every check CI runs, runnable locally. No dependencies.
//!
//! `cargo xtask ci` is the one command CI runs (through `.ci/run`). It installs the cargo
//! tools it needs when they are missing, runs each step in order, prints each command and its
//! time, and stops at the first failure.
#![allow(missing_docs)]

mod bench;
mod ci;
mod cmd;
mod e2e;
mod fuzz;

use std::env;
use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task> [options]

tasks:
  ci                 every step below up to e2e, in order, stopping at the first failure
  fmt                cargo fmt --all --check
  lint               clippy on the workspace, all targets and features, -D warnings
  lint-features      clippy on what --workspace never builds: session-cookie without
                     `http`, session-actix's library on its own (default and all features)
  test               workspace tests (cargo-nextest) and doc tests
  test-features      tests and doc tests of session-token and session-cookie with
                     --no-default-features; the adapters' tests with `tracing`
  no-std             prove session-token resolves no `std` feature and builds without it
  doc                cargo doc --no-deps with warnings denied
  deny               cargo deny check bans licenses sources (offline-capable checks)
  fuzz-check         clippy on the fuzz targets (fuzz/, its own workspace) on stable
  msrv               the library crates' tests with Debian's Rust 1.85 (/usr/bin/cargo,
                     rustc-web), the declared rust-version; skipped without it, except
                     under CI
  package            cargo package of the published crates, each built from its package
  examples           run example-token, which exits non-zero when a check fails
  e2e                the example sites in headless Chromium (needs chromium and
                     chromedriver; skipped with a notice without them, except under CI)

  advisories         cargo deny check advisories (needs network; not part of ci)
  fuzz [--seconds N] run every cargo-fuzz target for N seconds each (default 60; nightly)
  bench [--quick]    run the criterion benchmarks (--quick: short warm-up and measurement)
                     and print the ratio tables of BENCHMARKS.md
  bench --e2e [--quick]
                     loopback: serve bare / ours / tower-sessions / axum-login on 127.0.0.1
                     and drive each with wrk (2 threads, 32 connections; 6 rounds of 4 s
                     each; --quick: 2 rounds of 2 s); then the session stores, ours against
                     the peers, with and without an idle timeout: SQLite, PostgreSQL when
                     PGHOST is set (`pg_virtualenv -t cargo xtask bench --e2e`), Redis on a
                     redis-server of its own when installed (each skipped with a notice)

Under CI means: the variable CI is set to anything but empty, 0 or false (.ci/run sets
CI=true). cargo-deny, cargo-nextest and cargo-fuzz are installed when missing.
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprint!("{HELP}");
        return ExitCode::from(2);
    };
    let result = match task.as_str() {
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        "fuzz" => fuzz::fuzz(rest),
        "bench" => bench::bench(rest),
        name => match task_without_options(name) {
            None => {
                eprintln!("xtask: unknown task `{name}`\n\n{HELP}");
                return ExitCode::from(2);
            }
            Some(_) if !rest.is_empty() => {
                eprintln!("xtask: `{name}` takes no options\n\n{HELP}");
                return ExitCode::from(2);
            }
            Some(task) => task(),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `ci`, `advisories` or one step of `ci`, by name.
fn task_without_options(name: &str) -> Option<fn() -> cmd::Result> {
    match name {
        "ci" => Some(ci::ci),
        "advisories" => Some(ci::advisories),
        _ => ci::STEPS
            .iter()
            .find(|(step, _)| *step == name)
            .map(|&(_, task)| task),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_step() {
        for (name, _) in ci::STEPS {
            assert!(HELP.contains(&format!("\n  {name} ")), "{name}");
        }
    }
}
