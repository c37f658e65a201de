//! `cargo run -p example-redis -- --redis redis://127.0.0.1:6379 --addr 127.0.0.1:3000`: the
//! example site of `example-axum` (same routes, same pages; its axum glue is `src/site.rs`)
//! with users and sessions in Redis, so that several instances share them. Start as many as
//! you like on one Redis: a login on one instance is a session on all of them, a logout ends
//! it on all.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::ExitCode;

use example_common::{Args, EarlyExit, describe};
use example_redis::RedisStore;

const PACKAGE: &str = "example-redis";
const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";
const USAGE: &str = "usage: [--redis URL] [--addr IP:PORT] [--absolute-lifetime SECS] \
                     [--idle-timeout SECS] [--secure-cookies] [--help]";

fn main() -> ExitCode {
    let args = command_line(std::env::args_os().skip(1));
    example_common::run_main(PACKAGE, args, |(redis_url, args)| {
        example_common::block_on_tokio(serve(redis_url, args))
    })
}

async fn serve(redis_url: String, args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let redacted = redact(&redis_url);
    let store = RedisStore::connect(&redis_url, args.session)
        .await
        .map_err(|err| format!("cannot use Redis at {redacted}: {}", describe(&err)))?;
    let about = format!("redis {redacted}");
    example_redis::serve(store, args.addr, args.secure_cookies, &about).await?;
    Ok(())
}

/// The Redis URL and the flags the SQLite sites share (but `--db`), with this program's usage
/// line in its errors.
fn command_line(args: impl IntoIterator<Item = OsString>) -> Result<(String, Args), EarlyExit> {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let (redis_url, rest) =
        split_redis_flag(args).map_err(|err| EarlyExit::Invalid(format!("{err}\n{USAGE}")))?;
    let args =
        example_common::parse_args(rest, default_addr).map_err(|err| err.with_usage(USAGE))?;
    Ok((redis_url, args))
}

/// Takes `--redis URL` / `--redis=URL` (the last one wins) out of `args`, refuses `--db`,
/// and returns the URL and the other arguments.
fn split_redis_flag(
    args: impl IntoIterator<Item = OsString>,
) -> Result<(String, Vec<OsString>), String> {
    let mut url = DEFAULT_REDIS.to_owned();
    let mut rest = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_str().unwrap_or_default();
        if text == "--db" || text.starts_with("--db=") {
            return Err(
                "--db does not apply: sessions and users live in Redis (--redis URL)".into(),
            );
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

/// The URL without its password (`redis://user:secret@host` prints as `redis://user:***@host`).
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            let masked = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{masked}@{host}")
        }
        None => url.to_owned(),
    }
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
        let (url, args) = args(&["--idle-timeout", "60"]).unwrap();
        assert_eq!(url, DEFAULT_REDIS);
        assert_eq!(args.session.idle_timeout.as_secs(), 60);
    }

    #[test]
    fn password_is_redacted() {
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(redact("redis://:secret@h:1/0"), "redis://:***@h:1/0");
        assert_eq!(redact("redis://me:secret@h:1"), "redis://me:***@h:1");
        assert_eq!(redact("redis://me@h:1"), "redis://me@h:1");
    }
}
