//! `cargo xtask <task>`: every check CI runs, runnable locally. No dependencies.
//!
//! `cargo xtask ci` is the one command CI runs (through `.ci/run`). It installs the cargo
//! tools it needs when they are missing, runs each step in order, prints each command and its
//! time, and stops at the first failure.
#![allow(missing_docs)]

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;
/// One named step of `cargo xtask ci`.
type Step = (&'static str, fn() -> Result);

/// cargo-deny release installed when missing (`cargo install --locked`).
const CARGO_DENY: &str = "cargo-deny@0.20.2";
/// cargo-fuzz release installed when missing, for `cargo xtask fuzz`.
const CARGO_FUZZ: &str = "cargo-fuzz@0.13.2";

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
        "ci" => ci(),
        "fmt" => fmt(),
        "lint" => lint(),
        "test" => test(),
        "test-no-std" => test_no_std(),
        "no-std" => no_std(),
        "doc" => doc(),
        "deny" => deny(),
        "advisories" => advisories(),
        "examples" => examples(),
        "e2e" => e2e(),
        "fuzz" => parse_seconds(rest).and_then(fuzz),
        "bench" if rest.iter().any(|a| a == "--e2e") => {
            bench_e2e(rest.iter().any(|a| a == "--quick"))
        }
        "bench" => bench(rest.iter().any(|a| a == "--quick")),
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

fn ci() -> Result {
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
        ("e2e", e2e),
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

fn fmt() -> Result {
    cargo(["fmt", "--all", "--check"])
}

fn lint() -> Result {
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

fn test() -> Result {
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

fn test_no_std() -> Result {
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

fn advisories() -> Result {
    ensure_tool("deny", CARGO_DENY)?;
    cargo(["deny", "--locked", "check", "advisories"])
}

fn examples() -> Result {
    let out = cargo_output(&["run", "--locked", "--quiet", "-p", "example-token"])?;
    eprint!("{out}");
    if !out.contains("decoded back, equal:          true") {
        return Err("example-token did not report a successful round trip".into());
    }
    Ok(())
}

/// Chromium and chromedriver where Debian's `chromium` and `chromium-driver` packages put
/// them (`.ci/run` installs them on a fresh CI machine).
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The sites `e2e` drives: package, test-name filter, variable naming the binary. A site
/// whose package is not in the workspace is left out.
const E2E_SITES: [(&str, &str, &str); 2] = [
    ("example-axum", "axum_", "SESSIONKIT_EXAMPLE_AXUM"),
    ("example-actix", "actix_", "SESSIONKIT_EXAMPLE_ACTIX"),
];

/// Builds the example sites and drives each in headless Chromium (`examples/browser`, whose
/// tests are `#[ignore]`d so that `test` does not run them). Without Chromium or
/// chromedriver: a notice, or a failure under `CI=true`.
fn e2e() -> Result {
    let started = Instant::now();
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).is_file())
        .collect();
    if !missing.is_empty() {
        let what = format!(
            "{} not found (Debian packages chromium, chromium-driver)",
            missing.join(" and ")
        );
        if env::var("CI").is_ok_and(|v| v == "true") {
            return Err(format!("the browser test cannot run under CI: {what}").into());
        }
        eprintln!("note: e2e SKIPPED: {what}");
        return Ok(());
    }
    let metadata = cargo_output(&["metadata", "--no-deps", "--format-version", "1", "--locked"])?;
    let sites: Vec<_> = E2E_SITES
        .into_iter()
        .filter(|(package, ..)| metadata.contains(&format!("\"name\":\"{package}\"")))
        .collect();
    let mut build = vec!["build", "--locked"];
    for (package, ..) in &sites {
        build.extend(["-p", package]);
    }
    cargo(build)?;
    let target = json_string(&metadata, "target_directory")
        .map_or_else(|| project_root().join("target"), PathBuf::from);
    let artifacts = target.join("e2e-artifacts");
    let mut test = Command::new(cargo_bin());
    test.args([
        "test",
        "--locked",
        "-p",
        "example-browser",
        "--test",
        "browser",
    ])
    .args(["--", "--ignored", "--nocapture"])
    .env("SESSIONKIT_E2E_ARTIFACTS", &artifacts);
    for (package, filter, var) in &sites {
        let binary = target
            .join("debug")
            .join(format!("{package}{}", env::consts::EXE_SUFFIX));
        test.arg(filter).env(var, binary);
    }
    run(&mut test)?;
    let names: Vec<&str> = sites.iter().map(|(package, ..)| *package).collect();
    eprintln!(
        "e2e: {} in Chromium in {:.1}s; screenshots in {}",
        names.join(", "),
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    Ok(())
}

/// The value of `"key":"..."` in `cargo metadata`'s compact JSON; `None` if absent or
/// escaped (no JSON parser: xtask has no dependencies).
fn json_string<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!("\"{key}\":\"");
    let rest = &json[json.find(&pattern)? + pattern.len()..];
    let value = &rest[..rest.find('"')?];
    (!value.contains('\\')).then_some(value)
}

fn fuzz(seconds: u64) -> Result {
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

/// Every criterion benchmark of the workspace (the crates' own and `benches/`, the peer
/// comparisons with their allocation counts), then the ratio tables of BENCHMARKS.md.
fn bench(quick: bool) -> Result {
    // Bench targets only: `--benches` would also run the binaries' and libraries' libtest
    // harnesses, which reject criterion's options (`--quick`).
    let mut args = vec!["bench", "--workspace", "--locked", "--bench", "*"];
    if quick {
        args.extend([
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "2",
            "--sample-size",
            "20",
        ]);
    }
    cargo(args)?;
    cargo([
        "run",
        "--locked",
        "--quiet",
        // The bench profile: the artifacts `cargo bench` just built.
        "--profile",
        "bench",
        "-p",
        "sessionkit-benches",
        "--bin",
        "report",
    ])
}

/// The loopback variants (bare: the reference of every ratio).
const E2E_VARIANTS: [&str; 4] = ["bare", "ours", "tower-sessions", "axum-login"];

/// One wrk run: requests/s and latency percentiles (µs).
#[derive(Debug, Clone, Copy, PartialEq)]
struct WrkResult {
    requests_per_sec: f64,
    p50_us: f64,
    p99_us: f64,
}

/// `cargo xtask bench --e2e`: builds `e2e-server`, serves each variant on 127.0.0.1, drives
/// it with wrk (2 threads, 32 connections, `--latency`, the variant's session cookie sent with
/// `-H`) and prints requests/s and p50/p99 beside the bare handler's.
///
/// The variants run in rounds, in turn, the order reversed every other round, and each
/// variant's ratio is the median of its per-round ratios to bare in the same round: on a
/// machine whose speed drifts over minutes, two means taken minutes apart differ by more
/// than the goal (>= 0.97x bare) allows; a drift slower than one round cancels out.
fn bench_e2e(quick: bool) -> Result {
    if !has_program("wrk") {
        let hint = "wrk is not installed (Debian/Ubuntu: `apt-get install -y wrk`)";
        if env::var_os("CI").is_some() {
            return Err(hint.into());
        }
        eprintln!("note: {hint}; skipping the loopback benchmark");
        return Ok(());
    }
    let (rounds, seconds) = if quick { (2, 2) } else { (6, 4) };
    // The bench profile (release + debug info, for `perf`), whose artifacts `cargo xtask
    // bench` shares; its output directory is `target/release`.
    cargo([
        "build",
        "--locked",
        "--profile",
        "bench",
        "-p",
        "sessionkit-benches",
        "--bin",
        "e2e-server",
    ])?;
    let server = target_dir().join("release").join("e2e-server");
    // runs[v][round]
    let mut runs: Vec<Vec<WrkResult>> = vec![Vec::new(); E2E_VARIANTS.len()];
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..E2E_VARIANTS.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for v in order {
            let variant = E2E_VARIANTS[v];
            eprintln!("\n=== e2e round {}/{rounds}: {variant}", round + 1);
            runs[v].push(e2e_run(&server, variant, seconds)?);
        }
    }
    println!(
        "\n| variant (axum 0.8, loopback, wrk -t2 -c32 -d{seconds}s, {rounds} rounds) \
         | requests/s (median) | vs bare (median of per-round ratios) | per-round ratios | p50 | p99 |"
    );
    println!("|---|---:|---:|---|---:|---:|");
    for (variant, results) in E2E_VARIANTS.iter().zip(&runs) {
        let field = |f: fn(&WrkResult) -> f64| median(results.iter().map(f).collect());
        let ratios: Vec<f64> = results
            .iter()
            .zip(&runs[0])
            .map(|(r, bare)| r.requests_per_sec / bare.requests_per_sec)
            .collect();
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.3}")).collect();
        println!(
            "| {variant} | {:.0} | {:.3}x | {} | {:.0} µs | {:.0} µs |",
            field(|r| r.requests_per_sec),
            median(ratios),
            shown.join(", "),
            field(|r| r.p50_us),
            field(|r| r.p99_us),
        );
    }
    Ok(())
}

/// The median (the mean of the middle two for an even count); `NaN` when empty.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Starts `server --variant variant`, warms it up for a second, then measures it with wrk.
fn e2e_run(server: &Path, variant: &str, seconds: u64) -> Result<WrkResult> {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let mut child = Command::new(server)
        .args(["--variant", variant])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let mut addr = None;
    let mut cookie = None;
    while addr.is_none() || cookie.is_none() {
        let Some(line) = lines.next().transpose()? else {
            break;
        };
        if let Some(a) = line.strip_prefix("addr=") {
            addr = Some(a.to_owned());
        } else if let Some(c) = line.strip_prefix("cookie=") {
            cookie = Some(c.to_owned());
        }
    }
    let measured = match (addr, cookie) {
        (Some(addr), Some(cookie)) if addr.starts_with("127.0.0.1:") => {
            let url = format!("http://{addr}/");
            let header = format!("Cookie: {cookie}");
            let wrk = |secs: u64| {
                output(Command::new("wrk").args([
                    "-t2",
                    "-c32",
                    &format!("-d{secs}s"),
                    "--latency",
                    "-H",
                    &header,
                    &url,
                ]))
            };
            wrk(1).and_then(|_| wrk(seconds)).and_then(|out| {
                eprint!("{out}");
                parse_wrk(&out).ok_or_else(|| "could not read wrk's output".into())
            })
        }
        _ => Err(format!("e2e-server --variant {variant} printed no 127.0.0.1 address").into()),
    };
    // Only the server this function started.
    child.kill()?;
    child.wait()?;
    measured
}

/// Requests/s and the 50% / 99% latencies of `wrk --latency` output.
fn parse_wrk(out: &str) -> Option<WrkResult> {
    let mut requests_per_sec = None;
    let mut p50_us = None;
    let mut p99_us = None;
    for line in out.lines() {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(v)) => requests_per_sec = v.parse().ok(),
            (Some("50%"), Some(v)) => p50_us = duration_us(v),
            (Some("99%"), Some(v)) => p99_us = duration_us(v),
            _ => {}
        }
    }
    Some(WrkResult {
        requests_per_sec: requests_per_sec?,
        p50_us: p50_us?,
        p99_us: p99_us?,
    })
}

/// wrk's durations: `812.00us`, `1.23ms`, `2.00s`.
fn duration_us(v: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1_000.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1_000_000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

fn has_program(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from)
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

/// Installs `krate` (`name@version`) with `cargo install --locked` unless `cargo <sub>` runs.
fn ensure_tool(sub: &str, krate: &str) -> Result {
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

fn cargo<I, S>(args: I) -> Result
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(Command::new(cargo_bin()).args(args))
}

fn cargo_output(args: &[&str]) -> Result<String> {
    output(Command::new(cargo_bin()).args(args))
}

/// Runs a command in the project root, echoing it and its time; fails on a non-zero exit.
fn run(cmd: &mut Command) -> Result {
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
fn output(cmd: &mut Command) -> Result<String> {
    let shown = show(cmd);
    eprintln!("$ {shown}");
    let t = Instant::now();
    let out = in_root(cmd)
        .stderr(std::process::Stdio::inherit())
        .output()?;
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

fn cargo_bin() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn project_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

#[cfg(test)]
mod tests {

    #[test]
    fn median_of_odd_even_and_empty() {
        assert!((median(vec![3.0, 1.0, 2.0]) - 2.0).abs() < f64::EPSILON);
        assert!((median(vec![4.0, 1.0, 3.0, 2.0]) - 2.5).abs() < f64::EPSILON);
        assert!(median(Vec::new()).is_nan());
    }

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
    fn json_string_reads_plain_values_only() {
        let json = r#"{"packages":[],"target_directory":"/w/target","x":"a\"b"}"#;
        assert_eq!(json_string(json, "target_directory"), Some("/w/target"));
        assert_eq!(json_string(json, "x"), None);
        assert_eq!(json_string(json, "missing"), None);
    }

    #[test]
    fn parse_wrk_reads_rate_and_percentiles() {
        let out = "Running 10s test @ http://127.0.0.1:4000/\n\
                   \x20 Latency Distribution\n\
                   \x20    50%  245.00us\n\
                   \x20    75%  301.00us\n\
                   \x20    99%    1.23ms\n\
                   Requests/sec: 123456.78\n\
                   Transfer/sec:     14.01MB\n";
        let r = parse_wrk(out).expect("parsed");
        assert!((r.requests_per_sec - 123_456.78).abs() < 1e-6);
        assert!((r.p50_us - 245.0).abs() < 1e-9);
        assert!((r.p99_us - 1230.0).abs() < 1e-6);
        assert_eq!(duration_us("2.00s"), Some(2_000_000.0));
        assert!(parse_wrk("Requests/sec: 1\n").is_none());
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
