//! The cargo-fuzz targets in `fuzz/`: checked on stable by `ci`, fuzzed on nightly by
//! `cargo xtask fuzz`.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use crate::cmd::{Result, clippy, ensure_tool, output, project_root};

/// cargo-fuzz release installed when missing, for `cargo xtask fuzz`.
const CARGO_FUZZ: &str = "cargo-fuzz@0.13.2";

/// The `ci` step: clippy (`-D warnings`) on every fuzz target with the stable toolchain, so
/// the targets cannot rot between fuzzing runs. Only `cargo fuzz`'s sanitizer flags need
/// nightly; libfuzzer-sys's build script (libFuzzer's C++ sources) runs on stable. `fuzz/` is
/// its own workspace with its own lock file, built into `fuzz/target`.
pub(crate) fn check() -> Result {
    clippy(&["--manifest-path", "fuzz/Cargo.toml", "--all-targets"])
}

/// `cargo xtask fuzz [--seconds N]`: every target for N seconds each, on nightly.
pub(crate) fn fuzz(args: &[String]) -> Result {
    let seconds = parse_seconds(args)?;
    ensure_tool("fuzz", CARGO_FUZZ)?;
    let dir = project_root().join("fuzz");
    // `cargo +nightly` only works through rustup's proxy, and `$CARGO` is the real binary:
    // ask rustup for the nightly cargo explicitly.
    let nightly = |args: &[&str]| {
        let mut cmd = Command::new("rustup");
        cmd.current_dir(&dir)
            .args(["run", "nightly", "cargo", "fuzz"])
            .args(args);
        cmd
    };
    let list = output(&mut nightly(&["list"]))?;
    let targets: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if targets.is_empty() {
        return Err("cargo fuzz list found no targets".into());
    }
    let max_time = format!("-max_total_time={seconds}");
    let mut report = Vec::new();
    for target in targets {
        let runs = fuzz_one(&mut nightly(&["run", target, "--", &max_time]))?;
        report.push(format!("{target}: {runs}"));
    }
    eprintln!("\nexecutions per target:");
    for line in report {
        eprintln!("  {line}");
    }
    Ok(())
}

/// Runs one `cargo fuzz run`, passing its output through, and returns libFuzzer's closing
/// `Done N runs in S second(s)` as `N runs in S s (R/s)`.
fn fuzz_one(cmd: &mut Command) -> Result<String> {
    eprintln!("$ {cmd:?}");
    let mut child = cmd.stderr(Stdio::piped()).spawn()?;
    let mut done = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line?;
            eprintln!("{line}");
            if let Some(summary) = parse_done(&line) {
                done = Some(summary);
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("{cmd:?} failed: {status}").into());
    }
    Ok(done.unwrap_or_else(|| "no closing `Done` line from libFuzzer".to_owned()))
}

/// `Done 954943 runs in 31 second(s)` -> `954943 runs in 31 s (30804/s)`.
fn parse_done(line: &str) -> Option<String> {
    let rest = line.strip_prefix("Done ")?;
    let (runs, rest) = rest.split_once(" runs in ")?;
    let seconds = rest.strip_suffix(" second(s)")?;
    let (runs, seconds): (u64, u64) = (runs.parse().ok()?, seconds.parse().ok()?);
    Some(format!(
        "{runs} runs in {seconds} s ({}/s)",
        runs / seconds.max(1)
    ))
}

fn parse_seconds(args: &[String]) -> Result<u64> {
    match args {
        [] => Ok(60),
        [flag, n] if flag == "--seconds" => Ok(n
            .parse()
            .map_err(|_| format!("--seconds takes a whole number, not `{n}`"))?),
        _ => Err("usage: cargo xtask fuzz [--seconds N]".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_done_reads_libfuzzers_closing_line() {
        assert_eq!(
            parse_done("Done 954943 runs in 31 second(s)").as_deref(),
            Some("954943 runs in 31 s (30804/s)")
        );
        assert_eq!(
            parse_done("Done 5 runs in 0 second(s)").as_deref(),
            Some("5 runs in 0 s (5/s)")
        );
        assert_eq!(parse_done("#2 INITED cov: 3"), None);
        assert_eq!(parse_done("Done x runs in 31 second(s)"), None);
    }

    #[test]
    fn parse_seconds_accepts_only_the_flag() {
        assert_eq!(parse_seconds(&[]).ok(), Some(60));
        let args = ["--seconds".to_owned(), "5".to_owned()];
        assert_eq!(parse_seconds(&args).ok(), Some(5));
        assert!(parse_seconds(&["--seconds".to_owned(), "x".to_owned()]).is_err());
        assert!(parse_seconds(&["5".to_owned()]).is_err());
    }
}
