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

/// Where a store variant keeps its sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// A fresh SQLite file per server (`--dir DIR`).
    Sqlite,
    /// The PostgreSQL database the `PG*` variables name, a fresh schema per server.
    Postgres,
    /// The redis-server this run starts (`--redis URL`), emptied before each server.
    Redis,
}

impl Backend {
    const fn label(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite file",
            Self::Postgres => "PostgreSQL",
            Self::Redis => "Redis",
        }
    }
}

/// One comparison of the store benchmark: our variant against a peer's, on the same backend,
/// both with the idle timeout or both without. Its ratio is ours over theirs, per round.
#[derive(Debug, Clone, Copy)]
struct StorePair {
    backend: Backend,
    idle: bool,
    /// Our `e2e-server` variant (the adapter: axum unless the name says actix).
    ours: &'static str,
    /// The peer's variant, and the peer as the table names it.
    theirs: &'static str,
    peer: &'static str,
}

const fn pair(
    backend: Backend,
    idle: bool,
    ours: &'static str,
    theirs: &'static str,
    peer: &'static str,
) -> StorePair {
    StorePair {
        backend,
        idle,
        ours,
        theirs,
        peer,
    }
}

/// Every store comparison, in table order. The Redis peers are two, one per framework: each
/// of our two adapters is also compared with the faster of them, round by round.
#[rustfmt::skip]
const STORE_PAIRS: [StorePair; 8] = [
    pair(Backend::Sqlite, true, "ours-sqlite-idle", "tower-sessions-sqlite-idle", TS_SQLX),
    pair(Backend::Sqlite, false, "ours-sqlite", "tower-sessions-sqlite", TS_SQLX),
    pair(Backend::Postgres, true, "ours-postgres-idle", "tower-sessions-postgres-idle", TS_SQLX),
    pair(Backend::Postgres, false, "ours-postgres", "tower-sessions-postgres", TS_SQLX),
    pair(Backend::Redis, true, "ours-redis-idle", "tower-sessions-redis-idle", TS_REDIS),
    pair(Backend::Redis, true, "ours-actix-redis-idle", "actix-session-redis-idle", ACTIX_REDIS),
    pair(Backend::Redis, false, "ours-redis", "tower-sessions-redis", TS_REDIS),
    pair(Backend::Redis, false, "ours-actix-redis", "actix-session-redis", ACTIX_REDIS),
];

const TS_SQLX: &str = "tower-sessions + tower-sessions-sqlx-store";
const TS_REDIS: &str = "tower-sessions + tower-sessions-redis-store";
const ACTIX_REDIS: &str = "actix-session's RedisSessionStore";

/// Authenticated requests whose queries or Redis commands a store variant counts before wrk
/// runs.
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
///
/// Then the session stores ([`stores`]): ours against the peers on SQLite, PostgreSQL and
/// Redis, with and without an idle timeout, ratio ours/theirs per round.
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
            runs[v].push(measure(&server, variant, &Store::None, seconds)?.0);
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
    stores(&server, rounds, seconds)
}

/// The store comparisons of [`STORE_PAIRS`] whose backend is here: SQLite always (files in a
/// temporary directory of ours, removed afterwards), PostgreSQL when `PGHOST` is set (as
/// `pg_virtualenv -t` sets it), Redis when `redis-server` is installed (one started here on a
/// free loopback port, without persistence, killed at the end).
fn stores(server: &Path, rounds: usize, seconds: u64) -> Result {
    let dir = std::env::temp_dir().join(format!("sessionkit-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let measured = (|| {
        let postgres = std::env::var_os("PGHOST").is_some();
        if !postgres {
            eprintln!(
                "note: no PostgreSQL (PGHOST is not set): skipping the PostgreSQL rows; \
                 `pg_virtualenv -t cargo xtask bench --e2e` runs them on a throwaway cluster"
            );
        }
        let redis = if has_program("redis-server") {
            Some(RedisServer::start(&dir)?)
        } else {
            eprintln!(
                "note: redis-server is not installed (Debian/Ubuntu: `apt-get install -y \
                 redis-server`): skipping the Redis rows"
            );
            None
        };
        let pairs: Vec<StorePair> = STORE_PAIRS
            .into_iter()
            .filter(|p| match p.backend {
                Backend::Sqlite => true,
                Backend::Postgres => postgres,
                Backend::Redis => redis.is_some(),
            })
            .collect();
        let target = Target {
            server,
            dir: &dir,
            redis: redis.as_ref(),
        };
        let runs = store_rounds(&target, &pairs, rounds, seconds)?;
        Ok::<_, Box<dyn std::error::Error>>((pairs, runs))
    })();
    // The redis-server (dropped above, so killed) wrote into `dir` too.
    let _ = std::fs::remove_dir_all(&dir);
    let (pairs, runs) = measured?;
    print_stores(&pairs, &runs, rounds, seconds);
    Ok(())
}

/// The store tables: one row per pair, then each of our Redis variants against the faster
/// Redis peer of the same round.
fn print_stores(pairs: &[StorePair], runs: &Runs, rounds: usize, seconds: u64) {
    let field = |variant: &str, f: fn(&Measured) -> f64| {
        median(
            runs.get(variant)
                .map_or_else(Vec::new, |r| r.iter().map(f).collect()),
        )
    };
    let rate = |m: &Measured| m.0.requests_per_sec;
    println!(
        "\n| store (loopback, wrk -t2 -c32 -d{seconds}s, {rounds} rounds) | framework | idle timeout | peer \
         | ours requests/s (median) | peer requests/s (median) \
         | ours ÷ peer (median of per-round ratios) | per-round ratios \
         | queries (SQL) or commands (Redis) per request, ours | peer | p99 ours | peer |"
    );
    println!("|---|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|");
    for p in pairs {
        let ratios = per_round(runs, p.ours, &[p.theirs]);
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        let framework = if p.ours.contains("actix") {
            "actix-web 4"
        } else {
            "axum 0.8"
        };
        println!(
            "| {} | {framework} | {} | {} | {:.0} | {:.0} | **{:.2}x** | {} | {:.2} | {:.2} | {:.0} µs | {:.0} µs |",
            p.backend.label(),
            if p.idle { "30 min" } else { "none" },
            p.peer,
            field(p.ours, rate),
            field(p.theirs, rate),
            median(ratios),
            shown.join(", "),
            field(p.ours, |m| m.1.unwrap_or(f64::NAN)),
            field(p.theirs, |m| m.1.unwrap_or(f64::NAN)),
            field(p.ours, |m| m.0.p99_us),
            field(p.theirs, |m| m.0.p99_us),
        );
    }
    let redis: Vec<&StorePair> = pairs
        .iter()
        .filter(|p| p.backend == Backend::Redis)
        .collect();
    if redis.is_empty() {
        return;
    }
    println!(
        "\n| Redis, ours against the faster peer of each round | idle timeout \
         | ours ÷ best peer (median of per-round ratios) | per-round ratios |"
    );
    println!("|---|---|---:|---|");
    for p in &redis {
        let peers: Vec<&str> = redis
            .iter()
            .filter(|q| q.idle == p.idle)
            .map(|q| q.theirs)
            .collect();
        let ratios = per_round(runs, p.ours, &peers);
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        println!(
            "| {} | {} | **{:.2}x** | {} |",
            p.ours,
            if p.idle { "30 min" } else { "none" },
            median(ratios),
            shown.join(", "),
        );
    }
}

/// Per round: `ours`' requests/s over the fastest of `peers` in the same round.
fn per_round(runs: &Runs, ours: &str, peers: &[&str]) -> Vec<f64> {
    let Some(ours) = runs.get(ours) else {
        return Vec::new();
    };
    ours.iter()
        .enumerate()
        .map(|(round, o)| {
            let best = peers
                .iter()
                .filter_map(|p| runs.get(*p)?.get(round))
                .map(|t| t.0.requests_per_sec)
                .fold(f64::NAN, f64::max);
            o.0.requests_per_sec / best
        })
        .collect()
}

/// A wrk run and, for a store variant, its queries or Redis commands per request.
type Measured = (WrkResult, Option<f64>);

/// Each store variant's runs, one per round.
type Runs = std::collections::BTreeMap<&'static str, Vec<Measured>>;

/// What a store variant's server needs: the binary, the SQLite directory, the redis-server.
struct Target<'a> {
    server: &'a Path,
    dir: &'a Path,
    redis: Option<&'a RedisServer>,
}

/// The store variants' rounds: every variant of `pairs` once per round, the order reversed
/// every other round.
fn store_rounds(
    target: &Target<'_>,
    pairs: &[StorePair],
    rounds: usize,
    seconds: u64,
) -> Result<Runs> {
    let mut variants: Vec<(Backend, &'static str)> = Vec::new();
    for p in pairs {
        for v in [p.ours, p.theirs] {
            if !variants.iter().any(|&(_, w)| w == v) {
                variants.push((p.backend, v));
            }
        }
    }
    let mut runs = Runs::new();
    for round in 0..rounds {
        let mut order = variants.clone();
        if round % 2 == 1 {
            order.reverse();
        }
        for (backend, variant) in order {
            eprintln!("\n=== e2e stores round {}/{rounds}: {variant}", round + 1);
            let store = match backend {
                Backend::Sqlite => Store::Sql(vec!["--dir".into(), target.dir.into()]),
                Backend::Postgres => Store::Sql(Vec::new()),
                Backend::Redis => {
                    let redis = target.redis.ok_or("no redis-server")?;
                    // Every Redis variant starts from an empty Redis.
                    redis.command(&["FLUSHALL"])?;
                    Store::Redis(redis)
                }
            };
            let measured = measure(target.server, variant, &store, seconds)?;
            runs.entry(variant).or_default().push(measured);
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

/// A variant's store, as [`measure`] serves and counts it.
enum Store<'a> {
    /// Not a store variant: nothing counted.
    None,
    /// A SQL store variant with these arguments: the server counts sqlx's queries.
    Sql(Vec<std::ffi::OsString>),
    /// A Redis store variant: Redis counts the commands.
    Redis(&'a RedisServer),
}

/// Starts `server --variant variant` (with the store's arguments), warms it up for a second,
/// then measures it with wrk. For a store variant, first sends [`COUNTED`] authenticated
/// requests one by one and counts their queries or Redis commands (see [`count_queries`] and
/// [`count_commands`]).
fn measure(server: &Path, variant: &str, store: &Store<'_>, seconds: u64) -> Result<Measured> {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let mut command = Command::new(server);
    command.args(["--variant", variant]);
    match store {
        Store::None => {}
        Store::Sql(args) => {
            command.args(args);
        }
        Store::Redis(redis) => {
            command.args(["--redis", &redis.url()]);
        }
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
            let counted = match store {
                Store::None => Ok(None),
                Store::Sql(_) => count_queries(&addr, &cookie).map(Some),
                Store::Redis(redis) => count_commands(&addr, &cookie, redis).map(Some),
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
            counted.and_then(|counted| {
                wrk(1).and_then(|_| wrk(seconds)).and_then(|out| {
                    eprint!("{out}");
                    let result = parse_wrk(&out).ok_or("could not read wrk's output")?;
                    Ok((result, counted))
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

/// [`COUNTED`] authenticated `GET /`, one by one; each must answer 200.
fn send_counted(addr: &str, cookie: &str) -> Result {
    for _ in 0..COUNTED {
        let (status, _) = get(addr, "/", cookie)?;
        if status != 200 {
            return Err(format!("GET / with the session cookie answered {status}").into());
        }
    }
    Ok(())
}

/// Queries per request of a SQL store variant: [`COUNTED`] authenticated requests, then the
/// server's count from `GET /queries`.
fn count_queries(addr: &str, cookie: &str) -> Result<f64> {
    send_counted(addr, cookie)?;
    let (status, body) = get(addr, "/queries", "")?;
    let queries: u64 = match status {
        200 => body.trim().parse()?,
        _ => return Err(format!("GET /queries answered {status}").into()),
    };
    Ok(queries as f64 / f64::from(COUNTED))
}

/// Redis commands per request of a Redis store variant: `INFO commandstats` before and after
/// [`COUNTED`] authenticated requests (the commands inside scripts included, `INFO` itself
/// left out). The per-command figures go to stderr.
fn count_commands(addr: &str, cookie: &str, redis: &RedisServer) -> Result<f64> {
    let before = commandstats(&redis.command(&["INFO", "commandstats"])?);
    send_counted(addr, cookie)?;
    let after = commandstats(&redis.command(&["INFO", "commandstats"])?);
    let mut total = 0;
    let mut shown = Vec::new();
    for (name, calls) in &after {
        let calls = calls.saturating_sub(before.get(name).copied().unwrap_or(0));
        if calls > 0 && name != "info" {
            total += calls;
            shown.push(format!("{name} {:.2}", calls as f64 / f64::from(COUNTED)));
        }
    }
    eprintln!("Redis commands per request: {}", shown.join(", "));
    Ok(total as f64 / f64::from(COUNTED))
}

/// The `calls` of each command in `INFO commandstats` output (`cmdstat_get:calls=3,...`).
fn commandstats(info: &str) -> std::collections::BTreeMap<String, u64> {
    info.lines()
        .filter_map(|line| {
            let (name, stats) = line.trim().strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = stats
                .split(',')
                .find_map(|kv| kv.strip_prefix("calls="))?
                .parse()
                .ok()?;
            Some((name.to_owned(), calls))
        })
        .collect()
}

/// A redis-server of this run: a free 127.0.0.1 port, no persistence (`--save ''
/// --appendonly no`), killed on drop.
struct RedisServer {
    child: std::process::Child,
    port: u16,
}

impl RedisServer {
    /// Starts redis-server (working directory `dir`) and waits, bounded, for its `PONG`.
    fn start(dir: &Path) -> Result<Self> {
        use std::process::Stdio;

        // A free port can be taken between our probe and redis-server's bind: try a few.
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port();
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .arg("--dir")
                .arg(dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()?;
            let mut server = Self { child, port };
            for _ in 0..100 {
                if server.child.try_wait()?.is_some() {
                    break;
                }
                if server.command(&["PING"]).is_ok_and(|pong| pong == "PONG") {
                    eprintln!("redis-server on 127.0.0.1:{port}");
                    return Ok(server);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            // Dropped: killed if it still runs.
            drop(server);
        }
        Err("redis-server did not start on a free 127.0.0.1 port (5 tries)".into())
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// One command on its own connection; the reply as text (`+OK` -> `OK`, a bulk string's
    /// contents, an integer's digits); a Redis error is an `Err`.
    fn command(&self, args: &[&str]) -> Result<String> {
        use std::io::{BufReader, Write as _};

        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_write_timeout(Some(Duration::from_secs(10)))?;
        stream.write_all(&resp_command(args))?;
        read_reply(&mut BufReader::new(stream))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        // Only the redis-server this run started.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `args` as a RESP array of bulk strings.
fn resp_command(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
    }
    out
}

/// One RESP reply that is a simple string, an error, an integer or a bulk string.
fn read_reply(reader: &mut impl std::io::BufRead) -> Result<String> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let line = line
        .strip_suffix("\r\n")
        .ok_or("a RESP reply ends with CRLF")?;
    match line.split_at_checked(1) {
        Some(("+" | ":", rest)) => Ok(rest.to_owned()),
        Some(("-", rest)) => Err(format!("Redis answered an error: {rest}").into()),
        Some(("$", len)) => {
            let len: usize = len.parse()?;
            let mut body = vec![0; len + 2];
            reader.read_exact(&mut body)?;
            if !body.ends_with(b"\r\n") {
                return Err("a RESP bulk string ends with CRLF".into());
            }
            body.truncate(len);
            Ok(String::from_utf8(body)?)
        }
        _ => Err(format!("an unexpected RESP reply: {line:?}").into()),
    }
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
    fn store_pairs_compare_like_with_like() {
        for p in STORE_PAIRS {
            assert!(p.ours.starts_with("ours-"), "{}", p.ours);
            assert!(!p.theirs.starts_with("ours-"), "{}", p.theirs);
            assert_eq!(p.ours.ends_with("-idle"), p.idle, "{}", p.ours);
            assert_eq!(p.theirs.ends_with("-idle"), p.idle, "{}", p.theirs);
            let store = match p.backend {
                Backend::Sqlite => "-sqlite",
                Backend::Postgres => "-postgres",
                Backend::Redis => "-redis",
            };
            for v in [p.ours, p.theirs] {
                assert!(v.trim_end_matches("-idle").ends_with(store), "{v}");
            }
            assert_eq!(
                p.ours.contains("actix"),
                p.theirs.contains("actix"),
                "{}",
                p.ours
            );
        }
    }

    #[test]
    fn per_round_divides_by_the_fastest_peer_of_each_round() {
        let run = |rate: f64| {
            let wrk = WrkResult {
                requests_per_sec: rate,
                p50_us: 1.0,
                p99_us: 2.0,
            };
            (wrk, None)
        };
        let runs = Runs::from([
            ("ours-redis-idle", vec![run(300.0), run(200.0)]),
            ("tower-sessions-redis-idle", vec![run(100.0), run(200.0)]),
            ("actix-session-redis-idle", vec![run(150.0), run(50.0)]),
        ]);
        let peers = ["tower-sessions-redis-idle", "actix-session-redis-idle"];
        assert_eq!(per_round(&runs, "ours-redis-idle", &peers), vec![2.0, 1.0]);
        assert_eq!(
            per_round(&runs, "ours-redis-idle", &peers[..1]),
            vec![3.0, 1.0]
        );
        assert!(per_round(&runs, "ours-redis", &peers).is_empty());
    }

    #[test]
    fn commandstats_reads_calls_per_command() {
        let info = "# Commandstats\r\n\
                    cmdstat_hmget:calls=200,usec=512,usec_per_call=2.56,rejected_calls=0,failed_calls=0\r\n\
                    cmdstat_info:calls=1,usec=30,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r\n\
                    cmdstat_client|setinfo:calls=2,usec=3,usec_per_call=1.50,rejected_calls=0,failed_calls=0\r\n\
                    garbage\r\n";
        let stats = commandstats(info);
        assert_eq!(stats.get("hmget"), Some(&200));
        assert_eq!(stats.get("info"), Some(&1));
        assert_eq!(stats.get("client|setinfo"), Some(&2));
        assert_eq!(stats.len(), 3);
    }

    #[test]
    fn resp_round_trip() {
        assert_eq!(
            resp_command(&["INFO", "commandstats"]),
            b"*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"
        );
        let read = |bytes: &[u8]| read_reply(&mut std::io::Cursor::new(bytes.to_vec()));
        assert_eq!(read(b"+PONG\r\n").ok().as_deref(), Some("PONG"));
        assert_eq!(read(b":42\r\n").ok().as_deref(), Some("42"));
        assert_eq!(read(b"$5\r\na\r\nbc\r\n").ok().as_deref(), Some("a\r\nbc"));
        assert!(read(b"-ERR unknown command\r\n").is_err());
        assert!(read(b"$5\r\nabc\r\n").is_err());
        assert!(read(b"*1\r\n").is_err());
        assert!(read(b"+PONG").is_err());
        assert!(read(b"").is_err());
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
