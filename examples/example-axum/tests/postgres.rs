//! End to end on PostgreSQL: the real `example-axum` binary with `--postgres URL`, through the
//! shared checks (`example_common::e2e`) that do not depend on SQLite, each on a site of its
//! own with a fresh database.
//!
//! The test starts its own throwaway cluster with `session_store_sqlx::test_util`'s
//! `with_throwaway_cluster` (it runs itself again under Debian's `pg_virtualenv -t`; without
//! PostgreSQL it skips, except under CI, where it fails).

use example_common::e2e::{self, Site};
use session_store_sqlx::sqlx::{self, Connection as _, postgres::PgConnection};
use session_store_sqlx::test_util::{postgres_url, with_throwaway_cluster};

const BIN: &str = env!("CARGO_BIN_EXE_example-axum");
const PACKAGE: &str = "example-axum";

#[test]
fn the_site_on_postgres() {
    with_throwaway_cluster("the_site_on_postgres", inside_pg_virtualenv);
}

/// The run itself, with the cluster's `PG*` variables set.
fn inside_pg_virtualenv() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let mut admin = PgConnection::connect(&postgres_url(
            &std::env::var("PGDATABASE").expect("PGDATABASE"),
        ))
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
            let site =
                Site::start_with_args(BIN, PACKAGE, ["--postgres", &postgres_url(&database)]);
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
                let mut conn = PgConnection::connect(&postgres_url(&database))
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
