//! The store on a real file, through its public API only (plus a second SQLite connection to
//! look at what is on disk).

use std::path::{Path, PathBuf};

use example_common::{DEMO_PASSWORD, DEMO_USER, SessionConfig, Store, User};
use session_cookie::{Loader, Token};

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

    fn inspect(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.0).expect("open the database file")
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

fn open(path: &Path) -> Store {
    Store::open(path, SessionConfig::default()).expect("open the store")
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect("count query")
}

#[test]
fn schema_and_demo_account_are_created_once() {
    let db = TempDb::new("schema");
    let first = open(&db.0);
    let hash: String = db
        .inspect()
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .unwrap();
    drop(first);
    // Reopening (and a second handle at the same time) neither fails nor reseeds.
    let second = open(&db.0);
    let third = open(&db.0);
    let conn = db.inspect();
    assert_eq!(count(&conn, "SELECT count(*) FROM users"), 1);
    let again: String = conn
        .query_row(
            "SELECT password_hash FROM users WHERE name = ?1",
            [DEMO_USER],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(again, hash);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop((second, third));
}

#[tokio::test]
async fn login_session_logout_on_a_file() {
    let db = TempDb::new("flow");
    let store = open(&db.0);
    let user = store
        .verify_password(permit().await, DEMO_USER, DEMO_PASSWORD)
        .await
        .unwrap()
        .expect("the demo account");
    assert_eq!(user.name, DEMO_USER);
    assert_eq!(
        store
            .verify_password(permit().await, DEMO_USER, "wrong")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .verify_password(permit().await, "nobody", "")
            .await
            .unwrap(),
        None
    );

    let token = Token::<32>::generate().unwrap();
    store.create_session(&token, user.id).await.unwrap();

    // Another handle on the same file (a restarted app) sees the session.
    let restarted = open(&db.0);
    assert_eq!(load(&restarted, &token).await, Some(user.clone()));
    // Clones share one connection.
    assert_eq!(load(&store.clone(), &token).await, Some(user));

    assert!(restarted.delete_session(&token).await.unwrap());
    assert_eq!(load(&store, &token).await, None);
    assert_eq!(count(&db.inspect(), "SELECT count(*) FROM sessions"), 0);
}

/// As an adapter calls it: generic over `Loader`.
async fn load<L: Loader<User = User>>(loader: &L, token: &Token) -> Option<User> {
    loader.load(token).await.expect("the store works")
}

#[tokio::test]
async fn unknown_tokens_create_no_rows_on_disk() {
    let db = TempDb::new("unknown");
    let store = open(&db.0);
    for _ in 0..5 {
        assert_eq!(load(&store, &Token::generate().unwrap()).await, None);
    }
    assert_eq!(count(&db.inspect(), "SELECT count(*) FROM sessions"), 0);
}

#[tokio::test]
async fn the_file_holds_the_hash_never_the_token() {
    let db = TempDb::new("hash-only");
    let store = open(&db.0);
    let token = Token::<32>::generate().unwrap();
    store.create_session(&token, 1).await.unwrap();
    assert!(load(&store, &token).await.is_some());

    let key: Vec<u8> = db
        .inspect()
        .query_row("SELECT token_hash FROM sessions", [], |r| r.get(0))
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
    let store = open(&db.0);
    let live = Token::<32>::generate().unwrap();
    store.create_session(&live, 1).await.unwrap();
    // A session that ended long ago (written as the store would have, years back).
    let stale = Token::<32>::generate().unwrap();
    db.inspect()
        .execute(
            "INSERT INTO sessions VALUES (?1, 1, 100, 100, 200)",
            [stale.hash()],
        )
        .unwrap();
    drop(store);
    let _reopened = open(&db.0);
    let conn = db.inspect();
    assert_eq!(count(&conn, "SELECT count(*) FROM sessions"), 1);
    let key: Vec<u8> = conn
        .query_row("SELECT token_hash FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(key, live.hash());
}

#[tokio::test]
async fn a_file_from_before_disabled_accounts_is_upgraded() {
    let db = TempDb::new("upgrade");
    {
        let old = db.inspect();
        old.execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,
                                 password_hash TEXT NOT NULL);",
        )
        .unwrap();
        old.execute(
            "INSERT INTO users (name, password_hash) VALUES (?1, ?2)",
            [
                DEMO_USER,
                &example_common::hash_password(DEMO_PASSWORD).unwrap(),
            ],
        )
        .unwrap();
    }
    let store = open(&db.0);
    let user = store
        .verify_password(permit().await, DEMO_USER, DEMO_PASSWORD)
        .await
        .unwrap()
        .expect("the existing account, enabled");
    let token = Token::<32>::generate().unwrap();
    store.create_session(&token, user.id).await.unwrap();
    assert_eq!(load(&store, &token).await, Some(user));
    db.inspect()
        .execute("UPDATE users SET disabled = 1", [])
        .unwrap();
    assert_eq!(load(&store, &token).await, None);
    // Opening it again leaves the column as it is.
    drop(open(&db.0));
}
