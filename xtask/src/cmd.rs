//! Running commands from the project root, echoed and timed; cargo and the cargo tools.

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub(crate) type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Whether this run is under CI: `CI` is set to anything but empty, `0` or `false` (in any
/// case). Under CI a check that cannot run (a missing browser, `wrk`) fails instead of being
/// skipped with a notice. `.ci/run` sets `CI=true`.
pub(crate) fn under_ci() -> bool {
    env::var_os("CI").is_some_and(|value| ci_is_on(&value))
}

/// The rule of [`under_ci`] on the value of `CI`.
fn ci_is_on(value: &OsStr) -> bool {
    !(value.is_empty() || value == "0" || value.eq_ignore_ascii_case("false"))
}

/// Runs `cargo <args>` (see [`run`]).
pub(crate) fn cargo<I, S>(args: I) -> Result
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(Command::new(cargo_bin()).args(args))
}

/// Runs `cargo <args>` and returns its stdout (see [`output`]).
pub(crate) fn cargo_output(args: &[&str]) -> Result<String> {
    output(Command::new(cargo_bin()).args(args))
}

/// `cargo clippy <args> --locked -- -D warnings`.
pub(crate) fn clippy(args: &[&str]) -> Result {
    cargo(
        ["clippy"]
            .iter()
            .chain(args)
            .chain(&["--locked", "--", "-D", "warnings"]),
    )
}

/// cargo-nextest release installed when missing (`cargo install --locked`).
const CARGO_NEXTEST: &str = "cargo-nextest@0.9.143";

/// `cargo nextest run --locked --no-fail-fast <args>`: the one test runner, locally and in
/// CI, installed first when missing. It does not run doc tests: pair it with [`doctest`].
pub(crate) fn nextest(args: &[&str]) -> Result {
    run(&mut nextest_command(args)?)
}

/// The command of [`nextest`], for a caller that adds arguments or variables.
pub(crate) fn nextest_command(args: &[&str]) -> Result<Command> {
    ensure_tool("nextest", CARGO_NEXTEST)?;
    let mut cmd = Command::new(cargo_bin());
    cmd.args(["nextest", "run", "--locked", "--no-fail-fast"])
        .args(args);
    Ok(cmd)
}

/// `cargo test --doc <args>`: the doc tests, which nextest cannot run.
pub(crate) fn doctest(args: &[&str]) -> Result {
    cargo(["test", "--doc", "--locked"].iter().chain(args))
}

/// Installs `krate` (`name@version`) with `cargo install --locked` unless `cargo <sub>` runs.
pub(crate) fn ensure_tool(sub: &str, krate: &str) -> Result {
    if has_cargo_subcommand(sub) {
        return Ok(());
    }
    eprintln!("note: `cargo {sub}` is missing; installing {krate}");
    cargo(["install", "--locked", krate])
}

fn has_cargo_subcommand(sub: &str) -> bool {
    Command::new(cargo_bin())
        .args([sub, "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `program` is a file in one of the `PATH` directories.
pub(crate) fn has_program(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs a command in the project root, echoing it and its time; fails on a non-zero exit.
pub(crate) fn run(cmd: &mut Command) -> Result {
    let shown = show(cmd);
    eprintln!("$ {shown}");
    let t = Instant::now();
    let status = in_root(cmd).status()?;
    eprintln!("  ({shown}: {:.1}s)", t.elapsed().as_secs_f64());
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed: {status}").into())
    }
}

/// Like [`run`], but captures stdout (stderr still streams).
pub(crate) fn output(cmd: &mut Command) -> Result<String> {
    let shown = show(cmd);
    eprintln!("$ {shown}");
    let t = Instant::now();
    let out = in_root(cmd).stderr(Stdio::inherit()).output()?;
    eprintln!("  ({shown}: {:.1}s)", t.elapsed().as_secs_f64());
    if out.status.success() {
        Ok(String::from_utf8(out.stdout)?)
    } else {
        Err(format!("`{shown}` failed: {}", out.status).into())
    }
}

fn in_root(cmd: &mut Command) -> &mut Command {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(project_root());
    }
    cmd
}

/// The command as a shell line: `cargo` for `$CARGO`, `(cd dir)` when not in the root.
fn show(cmd: &Command) -> String {
    let program = cmd.get_program().to_string_lossy();
    let mut s = if program == cargo_bin() {
        String::from("cargo")
    } else {
        program.into_owned()
    };
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    if let Some(dir) = cmd.get_current_dir() {
        let rel = dir.strip_prefix(project_root()).unwrap_or(dir);
        if rel != Path::new("") {
            s = format!("(cd {}) {s}", rel.display());
        }
    }
    s
}

/// The cargo that runs xtask (`$CARGO`), not whichever `cargo` is first on `PATH`.
pub(crate) fn cargo_bin() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

pub(crate) fn project_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

/// The main workspace's target directory (`CARGO_TARGET_DIR` or `target/`).
pub(crate) fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_on_unless_empty_zero_or_false() {
        for on in ["true", "1", "yes", "TRUE", "woodpecker"] {
            assert!(ci_is_on(OsStr::new(on)), "{on}");
        }
        for off in ["", "0", "false", "False", "FALSE"] {
            assert!(!ci_is_on(OsStr::new(off)), "{off:?}");
        }
    }
}
