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

/// The table as this crate created it before the `persistent` column ("remember me").
const OLD_SCHEMA: &str = "CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    label TEXT
);";

/// `migrate` adds the column to a table made before it, idempotently; old rows load as
/// browser-session cookies, new ones keep the choice.
#[tokio::test]
async fn migrate_adds_the_persistent_column_to_an_old_table() {
    use session_store::{CookieLifetime, CreateOptions, ManualClock, Policy, Token};
    use session_store_sqlx::SqliteStore;

    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::raw_sql(OLD_SCHEMA).execute(&pool).await.unwrap();
    let old = Token::<32>::from_bytes([1; 32]);
    sqlx::query("INSERT INTO sessions VALUES ($1, 7, 1000, 1000, 5000, 'before')")
        .bind(&old.hash()[..])
        .execute(&pool)
        .await
        .unwrap();
    let backend = SqliteBackend::<i64>::new(pool.clone());
    backend.migrate().await.unwrap();
    backend.migrate().await.unwrap();
    let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info('sessions')")
        .fetch_all(&pool)
        .await
        .unwrap();
    let persistent = columns.iter().filter(|(name,)| name == "persistent");
    assert_eq!(persistent.count(), 1, "added once: {columns:?}");

    let clock = ManualClock::new(1_100);
    let store = SqliteStore::<i64>::new(backend, Policy::default()).with_clock(clock);
    let session = store.load(&old).await.unwrap().unwrap();
    assert_eq!(
        (session.user_id, session.label.as_deref()),
        (7, Some("before"))
    );
    assert!(
        !session.persistent,
        "an old row is a browser-session cookie"
    );
    assert_eq!(
        session.cookie_lifetime(1_100),
        CookieLifetime::BrowserSession
    );
    let remembered = store
        .create_with(7, CreateOptions::new().with_persistent(true))
        .await
        .unwrap();
    let session = store.load(&remembered).await.unwrap().unwrap();
    assert!(session.persistent);
    let rotated = store.rotate(&remembered).await.unwrap().unwrap();
    assert!(store.load(&rotated).await.unwrap().unwrap().persistent);
}

/// A new table has the column from the start; `migrate` then adds nothing.
#[tokio::test]
async fn a_new_table_has_the_persistent_column() {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let backend = SqliteBackend::<String>::new(pool.clone());
    assert!(
        backend
            .schema()
            .contains("persistent BOOLEAN NOT NULL DEFAULT FALSE")
    );
    backend.migrate().await.unwrap();
    let (sql,): (String,) = sqlx::query_as("SELECT sql FROM sqlite_master WHERE name = 'sessions'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        sql.contains("persistent BOOLEAN NOT NULL DEFAULT FALSE"),
        "{sql}"
    );
}
