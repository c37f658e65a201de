//! End to end on PostgreSQL: the real `example-axum` binary with `--postgres URL`, through the
//! shared checks (`example_common::e2e`) that do not depend on SQLite, each on a site of its
//! own with a fresh database.
//!
//! The test starts its own throwaway cluster: it runs itself again under Debian's
//! `pg_virtualenv -t` (package `postgresql-common`, with a server from `postgresql`), which
//! creates a cluster in a temporary directory, exports `PGHOST`, `PGPORT`, `PGUSER`,
//! `PGPASSWORD` and `PGDATABASE`, and drops the cluster afterwards. Without `pg_virtualenv`,
//! or when it cannot start a cluster, the test prints why and passes (skips), except under CI
//! (`CI` set to anything but empty, `0` or `false`), where it fails.

use std::path::PathBuf;
use std::process::Command;

use example_common::e2e::{self, Site};
use session_store_sqlx::sqlx::{self, Connection as _, postgres::PgConnection};

const BIN: &str = env!("CARGO_BIN_EXE_example-axum");
const PACKAGE: &str = "example-axum";

/// Set in the run under `pg_virtualenv`: the file to create once the cluster is up.
const CHILD: &str = "EXAMPLE_AXUM_PG_STARTED";

#[test]
fn the_site_on_postgres() {
    match std::env::var_os(CHILD) {
        Some(marker) => inside_pg_virtualenv(marker.into()),
        None => under_pg_virtualenv(),
    }
}

/// Runs this test again under `pg_virtualenv` and reports its outcome.
fn under_pg_virtualenv() {
    let marker =
        std::env::temp_dir().join(format!("example-axum-pg-started-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let exe = std::env::current_exe().expect("the test binary's path");
    let status = Command::new("pg_virtualenv")
        .arg("-t")
        .arg(exe)
        .args([
            "--exact",
            "the_site_on_postgres",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, &marker)
        .status();
    let started = marker.exists();
    let _ = std::fs::remove_file(&marker);
    let why = match status {
        Err(err) => format!(
            "pg_virtualenv could not be run ({err}); install postgresql and postgresql-common"
        ),
        Ok(status) if started => {
            assert!(
                status.success(),
                "example-axum on PostgreSQL failed: {status} (its output is above)"
            );
            return;
        }
        Ok(status) => format!("pg_virtualenv could not start a PostgreSQL cluster ({status})"),
    };
    assert!(
        !example_common::under_ci(),
        "under CI, and PostgreSQL cannot run: {why}"
    );
    eprintln!("SKIPPED example-axum on PostgreSQL: {why}");
}

/// `postgres://USER:PASSWORD@HOST:PORT/database` from the cluster's `PG*` variables.
fn url(database: &str) -> String {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
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

/// The run itself, with the cluster's `PG*` variables set.
fn inside_pg_virtualenv(marker: PathBuf) {
    std::fs::write(&marker, b"started").expect("write the marker file");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let mut admin =
            PgConnection::connect(&url(&std::env::var("PGDATABASE").expect("PGDATABASE")))
                .await
                .expect("connect to the pg_virtualenv cluster");
        for (n, check) in [
            "whole_flow",
            "malformed",
            "cross_origin",
            "sessions",
            "accounts",
        ]
        .into_iter()
        .enumerate()
        {
            // A database per check: each starts from an empty users and sessions table.
            let database = format!("example_axum_e2e_{n}");
            sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
                .execute(&mut admin)
                .await
                .expect("create a database");
            let site = Site::start_with_args(BIN, PACKAGE, ["--postgres", &url(&database)]);
            eprintln!("example-axum on PostgreSQL: {check}");
            match check {
                "whole_flow" => e2e::the_whole_flow(&site).await,
                "malformed" => e2e::malformed_cookies_are_401_never_500(&site).await,
                "cross_origin" => e2e::cross_origin_state_changes_are_refused(&site).await,
                "sessions" => e2e::the_sessions_page_lists_and_signs_out(&site).await,
                "accounts" => e2e::deleting_or_disabling_the_account_ends_its_sessions(&site).await,
                other => panic!("no check {other}"),
            }
            if check == "whole_flow" {
                // The flow ends signed in: its one live session is a row in PostgreSQL.
                let mut conn = PgConnection::connect(&url(&database))
                    .await
                    .expect("connect to the site's database");
                let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM sessions")
                    .fetch_one(&mut conn)
                    .await
                    .expect("count the sessions");
                assert_eq!(rows, 1, "session rows in {database}");
            }
            let password = std::env::var("PGPASSWORD").expect("PGPASSWORD");
            assert!(
                site.log().iter().all(|line| !line.contains(&password)),
                "the site's log shows the database password"
            );
            drop(site);
        }
    });
}
