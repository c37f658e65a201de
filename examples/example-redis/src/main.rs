//! `cargo run -p example-redis -- --redis redis://127.0.0.1:6379 --addr 127.0.0.1:3000`: the
//! example site of `example-axum` (same routes, same pages, same axum glue) with users and
//! sessions in Redis, so that several instances share them. Start as many as you like on one
//! Redis: a login on one instance is a session on all of them, a logout ends it on all.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::ExitCode;

use example_common::ArgsError;
use example_redis::RedisStore;

const PACKAGE: &str = "example-redis";
const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";
const USAGE: &str = "usage: [--redis URL] [--addr IP:PORT] [--absolute-lifetime SECS] \
                     [--idle-timeout SECS] [--secure-cookies] [--help]";

fn main() -> ExitCode {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let (redis_url, rest) = match split_redis_flag(std::env::args_os().skip(1)) {
        Ok(split) => split,
        Err(err) => {
            eprintln!("{PACKAGE}: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The flags the SQLite sites share (`--db` was refused above).
    let args = match example_common::parse_args(rest, default_addr) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            // The shared error text ends with the SQLite sites' usage line: show ours.
            let text = err.to_string();
            let first = text.lines().next().unwrap_or_default();
            eprintln!("{PACKAGE}: {first}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("{PACKAGE}: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let redacted = redact(&redis_url);
    let serve = async {
        let store = RedisStore::connect(&redis_url, args.session)
            .await
            .map_err(|err| describe(&format!("cannot use Redis at {redacted}"), &err))?;
        example_axum::serve(
            PACKAGE,
            args.addr,
            args.secure_cookies,
            store,
            &format!("redis {redacted}"),
        )
        .await
        .map_err(|err| err.to_string())
    };
    match runtime.block_on(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{PACKAGE}: {err}");
            ExitCode::FAILURE
        }
    }
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

/// `what: error: cause`, for the log.
fn describe(what: &str, err: &dyn std::error::Error) -> String {
    match err.source() {
        Some(cause) => format!("{what}: {err}: {cause}"),
        None => format!("{what}: {err}"),
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
    fn password_is_redacted() {
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(redact("redis://:secret@h:1/0"), "redis://:***@h:1/0");
        assert_eq!(redact("redis://me:secret@h:1"), "redis://me:***@h:1");
        assert_eq!(redact("redis://me@h:1"), "redis://me@h:1");
    }
}
