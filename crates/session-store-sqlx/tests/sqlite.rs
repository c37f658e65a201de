//! SQLite on temporary files runs the whole store conformance suite, with each kind of user
//! id, plus the "closed pool" outage.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use session_store_conformance::{Harness, Outage, SCENARIOS, TestUserId, run};
use session_store_sqlx::{SqliteBackend, UserId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

/// Databases in a directory of their own under the system's temporary directory, removed
/// when the run is over.
struct Sqlite<U> {
    dir: PathBuf,
    next: AtomicU32,
    user: std::marker::PhantomData<fn() -> U>,
}

impl<U> Sqlite<U> {
    fn new(name: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "session-store-sqlx-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        Self {
            dir,
            next: AtomicU32::new(0),
            user: std::marker::PhantomData,
        }
    }
}

impl<U> Drop for Sqlite<U> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn open<U: UserId<sqlx::Sqlite>>(options: SqliteConnectOptions) -> SqliteBackend<U> {
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .expect("open the SQLite file");
    let backend = SqliteBackend::new(pool);
    backend.migrate().await.expect("migrate");
    backend
}

impl<U: TestUserId + UserId<sqlx::Sqlite>> Harness for Sqlite<U> {
    type Backend = SqliteBackend<U>;

    fn name(&self) -> String {
        format!("sqlite ({})", std::any::type_name::<U>())
    }

    async fn backend(&self) -> SqliteBackend<U> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let options = SqliteConnectOptions::new()
            .filename(self.dir.join(format!("{n}.db")))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        open(options).await
    }

    fn outages(&self) -> Vec<Outage> {
        vec![Outage::ClosedPool]
    }

    async fn begin_outage(&self, _: Outage, backend: &SqliteBackend<U>) {
        backend.pool().close().await;
    }

    async fn end_outage(&self, _: Outage, backend: &SqliteBackend<U>) -> Option<SqliteBackend<U>> {
        // A closed pool stays closed: the database comes back as a new pool on the same file.
        Some(open((*backend.pool().connect_options()).clone()).await)
    }
}

async fn conformance<U: TestUserId + UserId<sqlx::Sqlite>>(name: &str) {
    let report = run(Sqlite::<U>::new(name)).await;
    assert_eq!(report.passed.len(), SCENARIOS + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i64_user_ids() {
    conformance::<i64>("i64").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_user_ids() {
    conformance::<String>("string").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn byte_user_ids() {
    conformance::<Vec<u8>>("bytes").await;
}

/// The database's own count of changed rows: loads inside the touch interval write nothing,
/// the first load after it writes one row.
#[tokio::test]
async fn loads_write_only_to_touch() {
    use session_store::{ManualClock, Policy};
    use session_store_sqlx::SqliteStore;

    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let backend = SqliteBackend::<i64>::new(pool.clone());
    backend.migrate().await.unwrap();
    let clock = ManualClock::new(1_700_000_000);
    let store = SqliteStore::<i64>::new(backend, Policy::default()).with_clock(clock.clone());
    let changes = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT total_changes()")
            .fetch_one(&pool)
            .await
            .unwrap();
        n
    };
    let token = store.create(1).await.unwrap();
    let before = changes().await;
    for _ in 0..10 {
        assert!(store.load(&token).await.unwrap().is_some());
    }
    assert_eq!(changes().await, before, "reads only");
    clock.advance(Policy::default().effective_touch_interval());
    for _ in 0..10 {
        assert!(store.load(&token).await.unwrap().is_some());
    }
    assert_eq!(changes().await, before + 1, "one touch");
}
