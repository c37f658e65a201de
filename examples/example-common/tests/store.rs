//! The sites' database on a real SQLite file, through its public API only (plus a second
//! SQLite connection to look at what is on disk).

use std::path::PathBuf;

use example_common::{DEMO_PASSWORD, DEMO_USER, Database, SessionConfig, SiteDb, User};
use session_cookie::{Loader, Token};
use session_store_sqlx::sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use session_store_sqlx::sqlx::{self, Connection as _};

/// A fresh database path under the temp dir, removed (with its WAL files) on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("example-common-{}-{name}.db", std::process::id()));
        let db = Self(path);
        db.remove();
        db
    }

    fn files(&self) -> [PathBuf; 3] {
        let mut wal = self.0.clone().into_os_string();
        wal.push("-wal");
        let mut shm = self.0.clone().into_os_string();
        shm.push("-shm");
        [self.0.clone(), wal.into(), shm.into()]
    }

    fn remove(&self) {
        for file in self.files() {
            let _ = std::fs::remove_file(file);
        }
    }

    async fn inspect(&self) -> SqliteConnection {
        let options = SqliteConnectOptions::new()
            .filename(&self.0)
            .create_if_missing(true);
        SqliteConnection::connect_with(&options)
            .await
            .expect("open the database file")
    }

    async fn open(&self) -> SiteDb {
        SiteDb::open(&Database::Sqlite(self.0.clone()), SessionConfig::default())
            .await
            .expect("open the database")
    }

    async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(&mut self.inspect().await)
            .await
            .expect("count query");
        n
    }

    async fn execute(&self, sql: &str) -> u64 {
        sqlx::raw_sql(sql)
            .execute(&mut self.inspect().await)
            .await
            .expect("statement")
            .rows_affected()
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

async fn permit() -> example_common::HashPermit {
    example_common::LoginGate::new(example_common::LoginLimits::default())
        .expect("the hash threads")
        .hash_permit()
        .await
}

/// As an adapter calls it: generic over `Loader`.
async fn load<L: Loader<User = User>>(loader: &L, token: &Token) -> Option<User> {
    loader.load(token).await.expect("the store works")
}

#[tokio::test]
async fn schema_and_demo_account_are_created_once() {
    let db = TempDb::new("schema");
    let first = db.open().await;
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users")
        .fetch_one(&mut db.inspect().await)
        .await
        .unwrap();
    drop(first);
    // Reopening (and a second handle at the same time) neither fails nor reseeds.
    let second = db.open().await;
    let third = db.open().await;
    assert_eq!(db.count("SELECT count(*) FROM users").await, 1);
    let (again,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE name = $1")
        .bind(DEMO_USER)
        .fetch_one(&mut db.inspect().await)
        .await
        .unwrap();
    assert_eq!(again, hash);
    assert!(again.starts_with("$argon2id$v=19$"), "{again}");
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut db.inspect().await)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    drop((second, third));
}

#[tokio::test]
async fn login_session_logout_on_a_file() {
    let db = TempDb::new("flow");
    let store = db.open().await;
    let user = store
        .verify_password(permit().await, DEMO_USER, DEMO_PASSWORD)
        .await
        .unwrap()
        .expect("the demo account");
    assert_eq!(user.name, DEMO_USER);
    for (name, password) in [
        (DEMO_USER, "wrong"),
        (DEMO_USER, ""),
        ("nobody", DEMO_PASSWORD),
    ] {
        let checked = store.verify_password(permit().await, name, password).await;
        assert_eq!(checked.unwrap(), None, "{name} / {password}");
    }

    let token = store
        .sessions()
        .create_labeled(user.id, "a browser")
        .await
        .unwrap();
    // Another handle on the same file (a restarted site) sees the session.
    let restarted = db.open().await;
    assert_eq!(load(&restarted, &token).await, Some(user.clone()));
    assert_eq!(load(&store.clone(), &token).await, Some(user.clone()));
    let listed = restarted.sessions().list(&user.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].label.as_deref(), Some("a browser"));

    assert!(restarted.sessions().revoke(&token).await.unwrap());
    assert_eq!(load(&store, &token).await, None);
    assert_eq!(db.count("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn unknown_tokens_create_no_rows_on_disk() {
    let db = TempDb::new("unknown");
    let store = db.open().await;
    for _ in 0..5 {
        assert_eq!(load(&store, &Token::generate().unwrap()).await, None);
    }
    assert_eq!(db.count("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn the_file_holds_the_hash_never_the_token() {
    let db = TempDb::new("hash-only");
    let store = db.open().await;
    let token = store.sessions().create(1).await.unwrap();
    assert!(load(&store, &token).await.is_some());

    let (key,): (Vec<u8>,) = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_one(&mut db.inspect().await)
        .await
        .unwrap();
    assert_eq!(key, token.hash());

    // Every byte SQLite wrote (main file and WAL): the hash is there, the token is not, in
    // neither its raw nor its cookie (base64url) form.
    let mut disk = Vec::new();
    for file in db.files() {
        disk.extend(std::fs::read(file).unwrap_or_default());
    }
    let contains = |needle: &[u8]| disk.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&token.hash()));
    assert!(!contains(token.as_bytes()));
    assert!(!contains(token.encode().as_bytes()));
}

#[tokio::test]
async fn reopening_purges_expired_sessions() {
    let db = TempDb::new("purge");
    let store = db.open().await;
    let live = store.sessions().create(1).await.unwrap();
    // A session that ended long ago (written as the store would have, years back).
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (zeroblob(32), 1, 100, 100, 200)",
    )
    .await;
    drop(store);
    let _reopened = db.open().await;
    assert_eq!(db.count("SELECT count(*) FROM sessions").await, 1);
    let (key,): (Vec<u8>,) = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_one(&mut db.inspect().await)
        .await
        .unwrap();
    assert_eq!(key, live.hash());
}

#[tokio::test]
async fn disabled_and_deleted_accounts_have_no_sessions() {
    let db = TempDb::new("accounts");
    let store = db.open().await;
    let token = store.sessions().create(1).await.unwrap();
    assert!(load(&store, &token).await.is_some());
    assert_eq!(db.execute("UPDATE users SET disabled = 1").await, 1);
    assert_eq!(load(&store, &token).await, None);
    let refused = store.verify_password(permit().await, DEMO_USER, DEMO_PASSWORD);
    assert_eq!(refused.await.unwrap(), None, "a disabled account signs in");
    db.execute("UPDATE users SET disabled = 0").await;
    assert!(load(&store, &token).await.is_some());
    // Deleting the account deletes its sessions (a trigger), and its id is never reused.
    db.execute("DELETE FROM users").await;
    assert_eq!(load(&store, &token).await, None);
    assert_eq!(db.count("SELECT count(*) FROM sessions").await, 0);
    drop(db.open().await);
    assert_eq!(db.count("SELECT id FROM users").await, 2, "a new id");
}

#[tokio::test]
async fn a_file_of_the_old_example_store_is_upgraded() {
    let db = TempDb::new("upgrade");
    // The example's own store before session-store-sqlx, and before `users.disabled`.
    let hash = example_common::hash_password(DEMO_PASSWORD).unwrap();
    db.execute(&format!(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,
                             password_hash TEXT NOT NULL);
         INSERT INTO users (name, password_hash) VALUES ('{DEMO_USER}', '{hash}');
         CREATE TABLE sessions (
             token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
             user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
             created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
             expires_at INTEGER NOT NULL);
         CREATE INDEX sessions_user_id ON sessions(user_id);
         INSERT INTO sessions VALUES (zeroblob(32), 1, 100, 100, 99999999999);"
    ))
    .await;
    let store = db.open().await;
    let user = store
        .verify_password(permit().await, DEMO_USER, DEMO_PASSWORD)
        .await
        .unwrap()
        .expect("the existing account, enabled");
    assert_eq!(
        db.count("SELECT count(*) FROM sessions").await,
        0,
        "old sessions dropped"
    );
    let token = store
        .sessions()
        .create_labeled(user.id, "after the upgrade")
        .await
        .unwrap();
    assert_eq!(load(&store, &token).await, Some(user));
    db.execute("UPDATE users SET disabled = 1").await;
    assert_eq!(load(&store, &token).await, None);
    // Opening it again changes nothing.
    drop(db.open().await);
    assert_eq!(db.count("SELECT count(*) FROM sessions").await, 1);
}
