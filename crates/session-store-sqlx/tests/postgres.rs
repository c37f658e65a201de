//! A real PostgreSQL runs the whole store conformance suite, with each kind of user id, plus
//! the "closed pool" outage, and (with `i64` ids) the "server stopped" one.
//!
//! The test starts its own throwaway cluster with `test_util::with_throwaway_cluster` (it runs
//! itself again under Debian's `pg_virtualenv -t`; without PostgreSQL it skips, except under
//! CI, where it fails). Inside, the "server stopped" outage uses
//! `pg_ctlcluster $PGVERSION regress stop|start`.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use session_store_conformance::{Harness, Outage, SCENARIOS, TestUserId, run};
use session_store_sqlx::test_util::with_throwaway_cluster;
use session_store_sqlx::{PgBackend, UserId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[test]
fn postgres_conformance() {
    with_throwaway_cluster("postgres_conformance", inside_pg_virtualenv);
}

/// The run itself, with the cluster's `PG*` variables set.
fn inside_pg_virtualenv() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        migrate_adds_the_persistent_column_to_an_old_table().await;
        // One after another: the "server stopped" scenario stops the one cluster. It runs
        // once (about 15 s: every operation waits out the pool's acquire timeout).
        conformance::<i64>(vec![Outage::ClosedPool, Outage::ServerStopped]).await;
        conformance::<String>(vec![Outage::ClosedPool]).await;
        conformance::<Vec<u8>>(vec![Outage::ClosedPool]).await;
    });
}

/// `migrate` adds the `persistent` column ("remember me") to a table made before it,
/// idempotently, also when several instances migrate at once; old rows load as
/// browser-session cookies.
async fn migrate_adds_the_persistent_column_to_an_old_table() {
    use session_store::{CreateOptions, Policy, Token};
    use session_store_sqlx::PgStore;

    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(PgConnectOptions::new())
        .await
        .expect("connect to the pg_virtualenv cluster");
    sqlx::raw_sql(
        "CREATE TABLE old_sessions (
            token_hash BYTEA PRIMARY KEY CHECK (length(token_hash) = 32),
            user_id BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            label TEXT
        );",
    )
    .execute(&pool)
    .await
    .expect("the old table");
    let old = Token::<32>::generate().expect("OS RNG");
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    )
    .expect("in range");
    sqlx::query("INSERT INTO old_sessions VALUES ($1, 7, $2, $2, $3, 'before')")
        .bind(&old.hash()[..])
        .bind(now)
        .bind(now + 3600)
        .execute(&pool)
        .await
        .expect("an old row");
    let backend = PgBackend::<i64>::new(pool.clone())
        .with_table("old_sessions")
        .expect("a valid table name");
    let (a, b) = tokio::join!(backend.migrate(), backend.migrate());
    a.expect("migrate");
    b.expect("migrate at the same time");
    backend.migrate().await.expect("migrate again");
    let (columns,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.columns \
         WHERE table_name = 'old_sessions' AND column_name = 'persistent'",
    )
    .fetch_one(&pool)
    .await
    .expect("the column count");
    assert_eq!(columns, 1);
    let store = PgStore::<i64>::new(backend, Policy::default());
    let session = store.load(&old).await.expect("load").expect("the old row");
    assert_eq!(session.label.as_deref(), Some("before"));
    assert!(
        !session.persistent,
        "an old row is a browser-session cookie"
    );
    let remembered = store
        .create_with(7, CreateOptions::new().with_persistent(true))
        .await
        .expect("create_with");
    let rotated = store
        .rotate(&remembered)
        .await
        .expect("rotate")
        .expect("live");
    let session = store.load(&rotated).await.expect("load").expect("live");
    assert!(session.persistent);
    sqlx::raw_sql("DROP TABLE old_sessions")
        .execute(&pool)
        .await
        .expect("drop");
    pool.close().await;
    println!("migrate adds the persistent column to an old table: ok");
}

async fn conformance<U: TestUserId + UserId<sqlx::Postgres>>(outages: Vec<Outage>) {
    let real = outages.len();
    let report = run(Postgres::<U> {
        next: AtomicU32::new(0),
        outages,
        user: std::marker::PhantomData,
    })
    .await;
    assert_eq!(report.passed.len(), SCENARIOS + real);
}

/// Each scenario gets a table of its own in the cluster's database.
struct Postgres<U> {
    next: AtomicU32,
    outages: Vec<Outage>,
    user: std::marker::PhantomData<fn() -> U>,
}

async fn open<U: UserId<sqlx::Postgres>>(table: &str) -> PgBackend<U> {
    // PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE from pg_virtualenv.
    let pool = PgPoolOptions::new()
        .max_connections(8)
        // While the server is down, each call gives up after this long.
        .acquire_timeout(Duration::from_secs(1))
        .connect_with(PgConnectOptions::new())
        .await
        .expect("connect to the pg_virtualenv cluster");
    let backend = PgBackend::new(pool)
        .with_table(table)
        .expect("a valid table name");
    backend.migrate().await.expect("migrate");
    backend
}

/// `pg_ctlcluster <version> regress <action>`, tried up to five times a second apart: a start
/// right after a stop can find the old postmaster still releasing its socket and pid file.
fn pg_ctlcluster(action: &str) {
    let version = std::env::var("PGVERSION").expect("PGVERSION from pg_virtualenv");
    let mut last = None;
    for attempt in 0..5 {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        let status = Command::new("pg_ctlcluster")
            .args([version.as_str(), "regress", action])
            .status()
            .expect("run pg_ctlcluster");
        if status.success() {
            return;
        }
        last = Some(status);
    }
    panic!("pg_ctlcluster {action}: {last:?} five times");
}

impl<U: TestUserId + UserId<sqlx::Postgres>> Harness for Postgres<U> {
    type Backend = PgBackend<U>;

    fn name(&self) -> String {
        format!("postgres ({})", std::any::type_name::<U>())
    }

    async fn backend(&self) -> PgBackend<U> {
        let kind = std::any::type_name::<U>()
            .rsplit("::")
            .next()
            .unwrap_or("u")
            .to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        open(&format!("sessions_{kind}_{n}")).await
    }

    fn outages(&self) -> Vec<Outage> {
        self.outages.clone()
    }

    async fn begin_outage(&self, outage: Outage, backend: &PgBackend<U>) {
        match outage {
            Outage::ClosedPool => backend.pool().close().await,
            Outage::ServerStopped => pg_ctlcluster("stop"),
        }
    }

    async fn end_outage(&self, outage: Outage, backend: &PgBackend<U>) -> Option<PgBackend<U>> {
        match outage {
            // A closed pool stays closed: the database comes back as a new pool.
            Outage::ClosedPool => Some(open(backend.table()).await),
            // The same pool reconnects.
            Outage::ServerStopped => {
                pg_ctlcluster("start");
                None
            }
        }
    }
}
