//! `cargo xtask bench`: the criterion benchmarks and their report, and `--e2e`, the loopback
//! benchmark driven by wrk, with its statistics.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::cmd::{Result, cargo, has_program, output, target_dir, under_ci};

/// `cargo xtask bench [--e2e] [--quick]`.
pub(crate) fn bench(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(other) = args
        .iter()
        .find(|a| !matches!(a.as_str(), "--quick" | "--e2e"))
    {
        return Err(format!("usage: cargo xtask bench [--e2e] [--quick] (not `{other}`)").into());
    }
    if args.iter().any(|a| a == "--e2e") {
        loopback(quick)
    } else {
        criterion(quick)
    }
}

/// Every criterion benchmark of the workspace (the crates' own and `benches/`, the peer
/// comparisons with their allocation counts), then the ratio tables of BENCHMARKS.md.
fn criterion(quick: bool) -> Result {
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

/// The store variants (`e2e-server --variant ... --dir DIR`, sessions in a SQLite file), in
/// pairs: (idle timeout, ours, tower-sessions + tower-sessions-sqlx-store). Each pair's ratio
/// is ours over theirs, per round.
const STORE_PAIRS: [(&str, &str, &str); 2] = [
    ("30 min", "ours-sqlite-idle", "tower-sessions-sqlite-idle"),
    ("none", "ours-sqlite", "tower-sessions-sqlite"),
];

/// Authenticated requests whose queries a store variant counts before wrk runs.
const COUNTED: u32 = 200;

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
fn loopback(quick: bool) -> Result {
    if !has_program("wrk") {
        let hint = "wrk is not installed (Debian/Ubuntu: `apt-get install -y wrk`)";
        if under_ci() {
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
            runs[v].push(measure(&server, variant, None, seconds)?.0);
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
    // The stores: a fresh SQLite file per server, in a directory of ours removed afterwards.
    let dir = std::env::temp_dir().join(format!("sessionkit-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let stores = store_rounds(&server, &dir, rounds, seconds);
    let _ = std::fs::remove_dir_all(&dir);
    let stores = stores?;
    println!(
        "\n| idle timeout (axum 0.8, SQLite file, loopback, wrk -t2 -c32 -d{seconds}s, {rounds} rounds) \
         | ours requests/s (median) | tower-sessions requests/s (median) \
         | ours ÷ theirs (median of per-round ratios) | per-round ratios \
         | queries/request ours | theirs | p99 ours | theirs |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|");
    for ((idle, _, _), [ours, theirs]) in STORE_PAIRS.iter().zip(&stores) {
        let field =
            |runs: &[Measured], f: fn(&Measured) -> f64| median(runs.iter().map(f).collect());
        let ratios: Vec<f64> = ours
            .iter()
            .zip(theirs)
            .map(|(o, t)| o.0.requests_per_sec / t.0.requests_per_sec)
            .collect();
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        println!(
            "| {idle} | {:.0} | {:.0} | **{:.2}x** | {} | {:.2} | {:.2} | {:.0} µs | {:.0} µs |",
            field(ours, |m| m.0.requests_per_sec),
            field(theirs, |m| m.0.requests_per_sec),
            median(ratios),
            shown.join(", "),
            field(ours, |m| m.1.unwrap_or(f64::NAN)),
            field(theirs, |m| m.1.unwrap_or(f64::NAN)),
            field(ours, |m| m.0.p99_us),
            field(theirs, |m| m.0.p99_us),
        );
    }
    Ok(())
}

/// A wrk run and, for a store variant, its queries per request.
type Measured = (WrkResult, Option<f64>);

/// The store pairs' rounds: `[pair][ours, theirs][round]`, the order of all four variants
/// reversed every other round.
fn store_rounds(
    server: &Path,
    dir: &Path,
    rounds: usize,
    seconds: u64,
) -> Result<Vec<[Vec<Measured>; 2]>> {
    let mut runs: Vec<[Vec<Measured>; 2]> = STORE_PAIRS
        .iter()
        .map(|_| [Vec::new(), Vec::new()])
        .collect();
    for round in 0..rounds {
        let mut order: Vec<(usize, usize)> = (0..STORE_PAIRS.len())
            .flat_map(|p| [(p, 0), (p, 1)])
            .collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for (p, side) in order {
            let variant = if side == 0 {
                STORE_PAIRS[p].1
            } else {
                STORE_PAIRS[p].2
            };
            eprintln!("\n=== e2e stores round {}/{rounds}: {variant}", round + 1);
            runs[p][side].push(measure(server, variant, Some(dir), seconds)?);
        }
    }
    Ok(runs)
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

/// Starts `server --variant variant [--dir dir]`, warms it up for a second, then measures it
/// with wrk. With `dir` (a store variant), first sends [`COUNTED`] authenticated requests one
/// by one, then reads the server's count of queries (`GET /queries`, which stops counting).
fn measure(server: &Path, variant: &str, dir: Option<&Path>, seconds: u64) -> Result<Measured> {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let mut command = Command::new(server);
    command.args(["--variant", variant]);
    if let Some(dir) = dir {
        command.arg("--dir").arg(dir);
    }
    let mut child = command.stdout(Stdio::piped()).spawn()?;
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
            let queries = match dir {
                Some(_) => count_queries(&addr, &cookie).map(Some),
                None => Ok(None),
            };
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
            queries.and_then(|queries| {
                wrk(1).and_then(|_| wrk(seconds)).and_then(|out| {
                    eprint!("{out}");
                    let result = parse_wrk(&out).ok_or("could not read wrk's output")?;
                    Ok((result, queries))
                })
            })
        }
        _ => Err(format!("e2e-server --variant {variant} printed no 127.0.0.1 address").into()),
    };
    // Only the server this function started.
    child.kill()?;
    child.wait()?;
    measured
}

/// Queries per request of a store variant: [`COUNTED`] authenticated `GET /` (each must
/// answer 200), then the server's count from `GET /queries`.
fn count_queries(addr: &str, cookie: &str) -> Result<f64> {
    for _ in 0..COUNTED {
        let (status, _) = get(addr, "/", cookie)?;
        if status != 200 {
            return Err(format!("GET / with the session cookie answered {status}").into());
        }
    }
    let (status, body) = get(addr, "/queries", "")?;
    let queries: u64 = match status {
        200 => body.trim().parse()?,
        _ => return Err(format!("GET /queries answered {status}").into()),
    };
    Ok(queries as f64 / f64::from(COUNTED))
}

/// One HTTP/1.1 GET on its own connection (`Connection: close`): the status and the body.
fn get(addr: &str, path: &str, cookie: &str) -> Result<(u16, String)> {
    use std::io::{Read as _, Write as _};

    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    parse_response(&response).ok_or_else(|| format!("not an HTTP response: {response:?}").into())
}

/// The status and body of a complete HTTP/1.1 response without chunked encoding.
fn parse_response(response: &str) -> Option<(u16, String)> {
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head
        .strip_prefix("HTTP/1.1 ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some((status, body.to_owned()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert!((median(vec![3.0, 1.0, 2.0]) - 2.0).abs() < f64::EPSILON);
        assert!((median(vec![4.0, 1.0, 3.0, 2.0]) - 2.5).abs() < f64::EPSILON);
        assert!(median(Vec::new()).is_nan());
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
    fn parse_response_reads_status_and_body() {
        let ok = "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n400";
        assert_eq!(parse_response(ok), Some((200, "400".to_owned())));
        let denied = "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(parse_response(denied), Some((401, String::new())));
        assert_eq!(parse_response("garbage"), None);
    }
}
