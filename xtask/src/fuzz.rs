//! The cargo-fuzz targets in `fuzz/`: checked on stable by `ci`, fuzzed on nightly by
//! `cargo xtask fuzz`.

use std::process::Command;

use crate::cmd::{Result, clippy, ensure_tool, output, project_root, run};

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
    for target in targets {
        run(&mut nightly(&["run", target, "--", &max_time]))?;
    }
    Ok(())
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
    fn parse_seconds_accepts_only_the_flag() {
        assert_eq!(parse_seconds(&[]).ok(), Some(60));
        let args = ["--seconds".to_owned(), "5".to_owned()];
        assert_eq!(parse_seconds(&args).ok(), Some(5));
        assert!(parse_seconds(&["--seconds".to_owned(), "x".to_owned()]).is_err());
        assert!(parse_seconds(&["5".to_owned()]).is_err());
    }
}
