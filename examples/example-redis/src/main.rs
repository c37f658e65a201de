//! `cargo run -p example-redis -- --redis redis://127.0.0.1:6379 --addr 127.0.0.1:3000`: the
//! example site of `example-axum` (its routes, pages and handlers: `example_axum::serve`, the
//! sessions page included) with users and sessions in Redis, so that several instances share
//! them. Start as many as you like on one Redis: a login on one instance is a session on all
//! of them, a logout ends it on all.
//!
//! Logs on stderr (`RUST_LOG`, default `info`; `RUST_LOG=info,access=debug` adds one line per
//! request); a failed session loader (Redis down) is an ERROR line with its cause. Stops
//! gracefully on SIGINT (Ctrl-C) and SIGTERM: the requests in flight finish, then it exits
//! with 0.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::ExitCode;

use example_common::{Args, EarlyExit, ShutdownSignals, describe};
use example_redis::SiteStore;
use session_store_redis::redis;

const PACKAGE: &str = "example-redis";
const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";
const USAGE: &str = "usage: [--redis URL] [--addr IP:PORT] [--absolute-lifetime SECS] \
                     [--idle-timeout SECS] [--login-window SECS] [--insecure-dev-cookies] \
                     [--help]";

fn main() -> ExitCode {
    let args = command_line(std::env::args_os().skip(1));
    example_common::run_main(PACKAGE, args, |(redis_url, args)| {
        example_common::block_on_tokio(serve(redis_url, args))
    })
}

async fn serve(redis_url: String, args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // First: from here on SIGINT and SIGTERM stop the site gracefully, never abruptly.
    let signals = ShutdownSignals::register()?;
    let redacted = redact(&redis_url);
    let store = SiteStore::connect(&redis_url, args.session)
        .await
        .map_err(|err| format!("cannot use Redis at {redacted}: {}", describe(&err)))?;
    let about = format!("redis {redacted}");
    example_axum::serve(PACKAGE, store, &args, &about, signals).await?;
    Ok(())
}

/// The Redis URL and the flags the SQL sites share (but `--db` and `--postgres`), with this
/// program's usage line in its errors.
fn command_line(args: impl IntoIterator<Item = OsString>) -> Result<(String, Args), EarlyExit> {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let (redis_url, rest) =
        split_redis_flag(args).map_err(|err| EarlyExit::Invalid(format!("{err}\n{USAGE}")))?;
    let args =
        example_common::parse_args(rest, default_addr).map_err(|err| err.with_usage(USAGE))?;
    Ok((redis_url, args))
}

/// Takes `--redis URL` / `--redis=URL` (the last one wins) out of `args`, refuses `--db` and
/// `--postgres` (whose values would otherwise be taken and ignored: users and sessions live
/// in Redis), and returns the URL and the other arguments.
fn split_redis_flag(
    args: impl IntoIterator<Item = OsString>,
) -> Result<(String, Vec<OsString>), String> {
    let mut url = DEFAULT_REDIS.to_owned();
    let mut rest = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_str().unwrap_or_default();
        let flag = text.split_once('=').map_or(text, |(flag, _)| flag);
        if flag == "--db" || flag == "--postgres" {
            return Err(format!(
                "{flag} does not apply: sessions and users live in Redis (--redis URL)"
            ));
        }
        let value = if text == "--redis" {
            args.next().ok_or("--redis needs a value")?
        } else if let Some(value) = text.strip_prefix("--redis=") {
            value.into()
        } else {
            rest.push(arg);
            continue;
        };
        url = match value.into_string() {
            Ok(value) if !value.is_empty() => value,
            _ => return Err("invalid value for --redis".into()),
        };
    }
    Ok((url, rest))
}

/// The URL as redis-rs reads it, with the password (`redis://user:secret@host`) and a
/// `pass` query value (`redis+unix:///path?pass=secret`) replaced by `***`, and no fragment.
///
/// Parsed, never split by hand: the user info ends at the *last* `@` before the host, so
/// `redis://u:p@ss@h` has the password `p@ss`. A URL that redis-rs would not parse prints as
/// a fixed phrase: where its password is cannot be known.
fn redact(url: &str) -> String {
    const UNPARSED: &str = "(a URL that does not parse as a Redis URL; not shown)";
    let Some(mut parsed) = redis::parse_redis_url(url) else {
        return UNPARSED.to_owned();
    };
    if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
        return UNPARSED.to_owned();
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if key == "pass" { "***".into() } else { value };
                (key.into_owned(), value.into_owned())
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.set_fragment(None);
    parsed.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> Result<(String, Vec<OsString>), String> {
        split_redis_flag(args.iter().map(OsString::from))
    }

    #[test]
    fn redis_flag_both_forms_and_default() {
        assert_eq!(split(&[]).unwrap().0, DEFAULT_REDIS);
        let (url, rest) = split(&["--addr", "127.0.0.1:1", "--redis", "redis://h:1"]).unwrap();
        assert_eq!(url, "redis://h:1");
        assert_eq!(rest, ["--addr", "127.0.0.1:1"]);
        assert_eq!(split(&["--redis=redis://h:2"]).unwrap().0, "redis://h:2");
        assert!(split(&["--redis"]).is_err());
        assert!(split(&["--redis="]).is_err());
        assert!(split(&["--db", "x.db"]).is_err());
        assert!(split(&["--db=x.db"]).is_err());
        for refused in [
            &["--postgres", "postgres://u@h/db"][..],
            &["--postgres=postgres://u@h/db"],
            &["--redis", "redis://h:1", "--postgres"],
        ] {
            let err = split(refused).unwrap_err();
            assert!(
                err.starts_with("--postgres does not apply"),
                "{refused:?}: {err}"
            );
        }
        // Only the flags themselves: a Redis URL that mentions them is a value.
        assert_eq!(split(&["--redis", "--postgres"]).unwrap().0, "--postgres");
        assert!(split(&["--postgresql"]).unwrap().1 == ["--postgresql"]);
    }

    #[test]
    fn errors_carry_this_programs_usage_line() {
        let args = |args: &[&str]| command_line(args.iter().map(OsString::from));
        assert_eq!(args(&["-h"]), Err(EarlyExit::Help(USAGE.to_owned())));
        let invalid = |reason: &str| Err(EarlyExit::Invalid(format!("{reason}\n{USAGE}")));
        assert_eq!(args(&["--redis"]), invalid("--redis needs a value"));
        assert_eq!(
            args(&["--port", "1"]),
            invalid("unknown argument \"--port\"")
        );
        assert_eq!(
            args(&["--postgres", "postgres://u@h/db"]),
            invalid("--postgres does not apply: sessions and users live in Redis (--redis URL)")
        );
        let (url, args) = args(&["--idle-timeout", "60"]).unwrap();
        assert_eq!(url, DEFAULT_REDIS);
        assert_eq!(args.session.idle_timeout.as_secs(), 60);
    }

    #[test]
    fn password_is_redacted() {
        for (url, shown) in [
            ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379"),
            ("redis://me@h:1", "redis://me@h:1"),
            ("redis://:secret@h:1/0", "redis://:***@h:1/0"),
            ("redis://me:secret@h:1", "redis://me:***@h:1"),
            // The user info ends at the last `@`: the password is `p@ss`.
            ("redis://u:p@ss@h", "redis://u:***@h"),
            ("redis://:p@ss@h:1/0", "redis://:***@h:1/0"),
            ("redis://h@x:p@ss@h:1", "redis://h%40x:***@h:1"),
            // A `:` in the password, percent-encoded characters, a fragment.
            ("redis://u:se:cret@h", "redis://u:***@h"),
            ("redis://u%40x:p%40ss@h/2", "redis://u%40x:***@h/2"),
            ("redis://u:p@ss@h/0#p@ss", "redis://u:***@h/0"),
            ("rediss://u:p@ss@h:6380", "rediss://u:***@h:6380"),
            // redis-rs takes a Unix socket's password from `pass`.
            (
                "redis+unix:///run/redis.sock?db=1&pass=p@ss",
                "redis+unix:///run/redis.sock?db=1&pass=***",
            ),
        ] {
            let redacted = redact(url);
            assert_eq!(redacted, shown, "{url}");
            for secret in ["p@ss", "ss@", "secret", "cret", "p%40ss"] {
                assert!(
                    !redacted.contains(secret),
                    "{url} shows {secret:?}: {redacted}"
                );
            }
        }
        // Not a Redis URL (redis-rs refuses it too): nothing of it is shown.
        for url in ["u:p@ss@h", "http://u:p@ss@h", "redis://u:p@ss@[::1", ""] {
            let redacted = redact(url);
            assert!(!redacted.contains("ss"), "{url}: {redacted}");
            assert!(redacted.contains("not shown"), "{url}: {redacted}");
        }
    }
}
