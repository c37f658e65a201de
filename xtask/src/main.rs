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
  ci                 every CI check, in order, stopping at the first failure:
                     fmt, lint, test, test-no-std, no-std, doc, deny, examples, e2e
  fmt                cargo fmt --all --check
  lint               clippy on the workspace, all targets and features, -D warnings
  test               workspace tests (nextest when installed) and doc tests
  test-no-std        session-token tests with --no-default-features
  no-std             prove session-token resolves no `std` feature and builds without it
  doc                cargo doc --no-deps with warnings denied
  deny               cargo deny check bans licenses sources (offline-capable checks)
  advisories         cargo deny check advisories (needs network; not part of ci)
  examples           run the examples end to end
  e2e                the example sites in headless Chromium (needs chromium and
                     chromedriver; skipped with a notice without them, unless CI=true)
  fuzz [--seconds N] run every cargo-fuzz target for N seconds each (default 60; nightly)
  bench [--quick]    run the criterion benchmarks (--quick: short warm-up and measurement)
                     and print the ratio tables of BENCHMARKS.md
  bench --e2e [--quick]
                     loopback: serve bare / ours / tower-sessions / axum-login on 127.0.0.1
                     and drive each with wrk (2 threads, 32 connections, 10 s; --quick: 3 s)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprint!("{HELP}");
        return ExitCode::from(2);
    };
    let result = match task.as_str() {
        "ci" => ci::ci(),
        "fmt" => ci::fmt(),
        "lint" => ci::lint(),
        "test" => ci::test(),
        "test-no-std" => ci::test_no_std(),
        "no-std" => ci::no_std(),
        "doc" => ci::doc(),
        "deny" => ci::deny(),
        "advisories" => ci::advisories(),
        "examples" => ci::examples(),
        "e2e" => e2e::run(),
        "fuzz" => fuzz::fuzz(rest),
        "bench" => bench::bench(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("xtask: unknown task `{other}`\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}
