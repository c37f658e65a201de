//! A throwaway PostgreSQL cluster for tests (feature `test-util`; not for production code).
//!
//! [`with_throwaway_cluster`] runs a test's body against a cluster of its own: the test runs
//! itself again under Debian's `pg_virtualenv -t` (package `postgresql-common`, with a server
//! from `postgresql`), which creates a cluster in a temporary directory, exports `PGHOST`,
//! `PGPORT`, `PGUSER`, `PGPASSWORD` and `PGDATABASE`, runs the command and drops the cluster.
//! Each cluster gets a loopback port that was free a moment before, so tests in several
//! binaries can start clusters at the same time. Without `pg_virtualenv`, or when it cannot
//! start a cluster, the test prints why and passes (skips), except under CI (`CI` set to
//! anything but empty, `0` or `false`), where it fails.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::process::{self, Command};

/// Set in the run under `pg_virtualenv`: the file to create once the cluster is up.
const STARTED: &str = "SESSION_STORE_SQLX_PG_STARTED";

/// Runs `body` with a throwaway PostgreSQL cluster's `PG*` variables set.
///
/// `test` is the name of the `#[test]` function that calls this, exactly as the test harness
/// knows it (`--exact`): the test binary runs itself again under `pg_virtualenv -t` with only
/// that test, and `body` runs there. In the outer run this returns when the inner one has
/// passed; it panics when the inner run failed (its output comes first), and when
/// PostgreSQL cannot run under CI. Without PostgreSQL outside CI it prints
/// `SKIPPED <test>: <why>` and returns without running `body`.
///
/// # Panics
///
/// When the run under `pg_virtualenv` fails, when PostgreSQL cannot run under CI, or when
/// the test binary's path or the marker file cannot be read or written.
///
/// # Examples
///
/// ```no_run
/// use session_store_sqlx::sqlx::{Connection as _, postgres::PgConnection};
/// use session_store_sqlx::test_util::{postgres_url, with_throwaway_cluster};
///
/// #[test]
/// fn my_store_on_postgres() {
///     with_throwaway_cluster("my_store_on_postgres", || {
///         let runtime = tokio::runtime::Runtime::new().unwrap();
///         runtime.block_on(async {
///             let database = std::env::var("PGDATABASE").unwrap();
///             let connection = PgConnection::connect(&postgres_url(&database)).await.unwrap();
///             connection.close().await.unwrap();
///         });
///     });
/// }
/// # fn main() {}
/// ```
pub fn with_throwaway_cluster(test: &str, body: impl FnOnce()) {
    if let Some(marker) = env::var_os(STARTED) {
        fs::write(&marker, b"started").expect("write the marker file");
        body();
        return;
    }
    let marker = env::temp_dir().join(format!("{test}-pg-started-{}", process::id()));
    let _ = fs::remove_file(&marker);
    let exe = env::current_exe().expect("the test binary's path");
    // pg_virtualenv gives every temporary cluster the first port of its own (empty) list,
    // 5432: two tests starting clusters at once would collide. A port free a moment ago.
    let mut command = Command::new("pg_virtualenv");
    command.arg("-t");
    if let Some(port) = free_port() {
        command.arg("-c").arg(format!("-p {port}"));
    }
    let status = command
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(STARTED, &marker)
        .status();
    let started = marker.exists();
    let _ = fs::remove_file(&marker);
    let why = match status {
        Err(err) => format!(
            "pg_virtualenv could not be run ({err}); install postgresql and postgresql-common"
        ),
        Ok(status) if started => {
            assert!(
                status.success(),
                "{test} on PostgreSQL failed: {status} (its output is above)"
            );
            return;
        }
        Ok(status) => format!("pg_virtualenv could not start a PostgreSQL cluster ({status})"),
    };
    assert!(!under_ci(), "under CI, and PostgreSQL cannot run: {why}");
    eprintln!("SKIPPED {test}: {why}");
}

/// `postgres://USER:PASSWORD@HOST:PORT/database` from the cluster's `PG*` variables (user
/// and password percent-encoded), for code that takes a URL.
///
/// # Panics
///
/// When `PGUSER`, `PGPASSWORD`, `PGHOST` or `PGPORT` is not set: call it inside
/// [`with_throwaway_cluster`]'s body.
///
/// # Examples
///
/// ```no_run
/// // Inside `with_throwaway_cluster`'s body, where the `PG*` variables are set:
/// let url = session_store_sqlx::test_util::postgres_url("app");
/// assert!(url.starts_with("postgres://") && url.ends_with("/app"));
/// ```
#[must_use]
pub fn postgres_url(database: &str) -> String {
    let var = |name: &str| env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    format!(
        "postgres://{}:{}@{}:{}/{database}",
        encode(&var("PGUSER")),
        encode(&var("PGPASSWORD")),
        var("PGHOST"),
        var("PGPORT"),
    )
}

/// Percent-encodes everything but ASCII letters and digits, for a URL's userinfo.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A loopback TCP port nothing listened on a moment ago.
fn free_port() -> Option<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ok()?;
    Some(listener.local_addr().ok()?.port())
}

/// Under CI as xtask defines it: `CI` set to anything but empty, `0` or `false` (any case).
fn under_ci() -> bool {
    env::var_os("CI").is_some_and(|ci: OsString| {
        let ci = ci.to_string_lossy();
        !(ci.is_empty() || ci == "0" || ci.eq_ignore_ascii_case("false"))
    })
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn encode_keeps_letters_and_digits_only() {
        assert_eq!(encode("ab9"), "ab9");
        assert_eq!(encode("a:b@c/d%"), "a%3Ab%40c%2Fd%25");
        assert_eq!(encode(""), "");
    }
}
