use std::cell::RefCell;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use argon2::password_hash::phc::Output;
use argon2::password_hash::{Error as HashError, PasswordHasher as _};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use rusqlite::{Connection, OptionalExtension as _, params};
use session_cookie::{Loader, Token};

use crate::clock::{Clock, SystemClock, secs};
use crate::{HashPermit, StoreError};

/// The demo account seeded on first start: user name.
pub const DEMO_USER: &str = "demo";
/// The demo account seeded on first start: password.
pub const DEMO_PASSWORD: &str = "demo";

/// How long SQLite waits for a lock held by another connection (another process on the same
/// file, such as the other example app) before a statement fails with `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What an unknown user name is verified against, so that a login for a name that does not
/// exist costs the same Argon2 work as one for a name that does: the hash of a random
/// password nobody kept, with `Argon2::default()` parameters (a test checks that they still
/// match). Its outcome is discarded: an unknown name never signs in.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$SKnJ6NsGfwbuwTJYY24WYA$JFMe4UIj/KdXgpF+nywARC+yYYERvf3Z+SeCSF0EdE4";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions(user_id);
";

/// Session lifetimes, enforced by the store on every load (never trusted to the cookie).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use example_common::SessionConfig;
///
/// let config = SessionConfig {
///     idle_timeout: Duration::from_secs(10 * 60),
///     ..SessionConfig::default()
/// };
/// assert_eq!(config.absolute_lifetime, Duration::from_secs(12 * 60 * 60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// A session ends this long after login, however active it is. Default: 12 hours.
    pub absolute_lifetime: Duration,
    /// A session ends after this long without a request. Default: 30 minutes.
    ///
    /// Activity is recorded at most once per `touch_interval`, so a session may end up to
    /// `touch_interval` earlier than `idle_timeout` after the last request.
    pub idle_timeout: Duration,
    /// The least time between two writes of `last_seen_at` for one session: loads within it
    /// only read. Default: 60 seconds. The store uses at most half of `idle_timeout`, so that
    /// an active session is always recorded before it idles out.
    pub touch_interval: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            absolute_lifetime: Duration::from_secs(12 * 60 * 60),
            idle_timeout: Duration::from_secs(30 * 60),
            touch_interval: Duration::from_secs(60),
        }
    }
}

/// A signed-in user, as the loader returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The row id in `users`.
    pub id: i64,
    /// The login name (not HTML-escaped: escape it when you render it).
    pub name: String,
}

/// The example sites' store: users and sessions in one SQLite file.
///
/// A cheap, cloneable handle (`Arc` inside); put it in your application state.
///
/// * Sessions are keyed by [`Token::hash()`] (SHA-256), never by the token, so the database
///   file (or a backup of it) replays no session.
/// * [`Loader`] is implemented here: the absolute lifetime and the idle timeout are checked in
///   the query, and `last_seen_at` is written at most once per `touch_interval`.
/// * Accounts end their sessions: deleting a user deletes its sessions (`ON DELETE
///   CASCADE`), and a disabled one (`UPDATE users SET disabled = 1 WHERE name = ..`) has
///   none and cannot sign in, from the next request on.
///
/// # Blocking
///
/// rusqlite is synchronous. One [`Connection`] sits behind a `std::sync::Mutex`, and every
/// query of a running site, like Argon2, runs on tokio's blocking pool (`spawn_blocking`), so
/// the methods a handler calls are `async` and need a tokio runtime (axum and actix-web both
/// run on one). A query usually takes microseconds, but a database file locked by another
/// connection makes it wait up to the busy timeout (5 s): on the blocking pool that wait
/// stalls no async worker, so the site keeps answering the pages that need no database (an
/// actix-web worker runs on one thread: inline, one wait would stall all its requests).
/// [`open`](Self::open) and [`purge_expired`](Self::purge_expired) block: call them before the
/// server starts, or from `spawn_blocking`.
///
/// # Examples
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use example_common::{LoginGate, SessionConfig, Store};
/// use session_cookie::{Loader, Token};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = Store::open_in_memory(SessionConfig::default())?;
/// let logins = LoginGate::new(Default::default())?;
///
/// // Login: through the gate, check the password, then store a fresh token's hash.
/// let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// let permit = logins.admit(client, "demo").await?;
/// let user = store.verify_password(permit, "demo", "demo").await?.ok_or("bad login")?;
/// let token = Token::generate()?;
/// store.create_session(&token, user.id).await?;
///
/// // A later request: the loader resolves the cookie's token.
/// assert_eq!(store.load(&token).await?, Some(user));
///
/// // Logout.
/// store.delete_session(&token).await?;
/// assert_eq!(store.load(&token).await?, None);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    config: SessionConfig,
    clock: Arc<dyn Clock>,
}

impl Store {
    /// Opens (or creates) the database at `path`, creates the schema if missing, turns on WAL
    /// and a busy timeout, seeds the demo account ([`DEMO_USER`] / [`DEMO_PASSWORD`]) if it
    /// does not exist, and purges expired sessions.
    ///
    /// Blocking (file I/O and one or two Argon2 hashes): call it before the server starts.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the file cannot be opened or the schema created;
    /// [`StoreError::PasswordHash`] if hashing the demo password fails.
    pub fn open(path: &Path, config: SessionConfig) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        // WAL: readers do not block the writer (and the other example app may share the file).
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        Self::init(conn, config)
    }

    /// A private in-memory database, for tests and demos; it is gone when the last clone of
    /// the store is dropped.
    ///
    /// # Errors
    ///
    /// As [`open`](Self::open).
    pub fn open_in_memory(config: SessionConfig) -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, config)
    }

    fn init(conn: Connection, config: SessionConfig) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Needed for `REFERENCES users(id) ON DELETE CASCADE` to mean anything.
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        // A file from before `users.disabled` existed gets the column (every account enabled).
        let has_disabled: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('users') WHERE name = 'disabled')",
            [],
            |row| row.get(0),
        )?;
        if !has_disabled {
            conn.execute_batch("ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0")?;
        }

        let demo_exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
            [DEMO_USER],
            |row| row.get(0),
        )?;
        if !demo_exists {
            let hash = hash_password(DEMO_PASSWORD)?;
            // OR IGNORE: another process may have seeded it in the meantime.
            conn.execute(
                "INSERT OR IGNORE INTO users (name, password_hash) VALUES (?1, ?2)",
                params![DEMO_USER, hash],
            )?;
        }

        let store = Self {
            conn: Arc::new(Mutex::new(conn)),
            config,
            clock: Arc::new(SystemClock),
        };
        // Reclaim what expired while the site was down.
        store.purge_expired()?;
        Ok(store)
    }

    /// Replaces the time source (the system clock by default), e.g. with a
    /// [`ManualClock`](crate::ManualClock) in tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_common::{ManualClock, SessionConfig, Store};
    ///
    /// # fn main() -> Result<(), example_common::StoreError> {
    /// let clock = ManualClock::new(1_700_000_000);
    /// let store = Store::open_in_memory(SessionConfig::default())?.with_clock(clock.clone());
    /// # let _ = store; Ok(()) }
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The lifetimes this store enforces.
    #[must_use]
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Checks a login: `Ok(Some(user))` if `name` exists, is not disabled and `password`
    /// matches its Argon2 hash, `Ok(None)` otherwise.
    ///
    /// An unknown or disabled name still costs one Argon2 verification (against a dummy
    /// hash), so the response time does not tell which names exist. Runs on the login gate's
    /// hash threads through `permit` (from [`LoginGate::admit`](crate::LoginGate::admit)),
    /// which holds its slot until the hash is done, however soon the caller gives up.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the lookup fails, [`StoreError::PasswordHash`] if the stored
    /// hash is malformed, [`StoreError::Worker`] if the hash job panicked.
    pub async fn verify_password(
        &self,
        permit: HashPermit,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let name = name.to_owned();
        let password = password.to_owned();
        let store = self.clone();
        permit
            .run(move || store.verify_password_blocking(&name, &password))
            .await?
    }

    fn verify_password_blocking(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String)> = self
            .lock()
            .query_row(
                "SELECT id, password_hash FROM users WHERE name = ?1 AND NOT disabled",
                [name],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (stored, user) = match &row {
            Some((id, hash)) => (Some(hash.as_str()), Some(*id)),
            None => (None, None),
        };
        if verify_hash_blocking(stored, password)? {
            Ok(user.map(|id| User {
                id,
                name: name.to_owned(),
            }))
        } else {
            Ok(None)
        }
    }

    /// Records a new session for `user_id` under `token.hash()`, expiring
    /// `absolute_lifetime` from now.
    ///
    /// Call it on login with a token the server just generated
    /// (`CookieProxy::start`), after [`delete_session`](Self::delete_session) for any token
    /// the request carried.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`], including when a session with this key already exists (it is
    /// never overwritten) or `user_id` names no user.
    pub async fn create_session(&self, token: &Token, user_id: i64) -> Result<(), StoreError> {
        let key = token.hash();
        self.off_thread(move |store| {
            let now = store.clock.now();
            let expires_at = now.saturating_add(secs(store.config.absolute_lifetime));
            store.lock().execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
                params![key, user_id, now, expires_at],
            )?;
            Ok(())
        })
        .await
    }

    /// Deletes the session stored under `token.hash()`, if any; returns whether one existed.
    ///
    /// Use it on logout, and on login for the token the request carried (session fixation
    /// defence: a token from before the login never becomes a signed-in session).
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the statement fails.
    pub async fn delete_session(&self, token: &Token) -> Result<bool, StoreError> {
        let key = token.hash();
        self.off_thread(move |store| {
            let deleted = store
                .lock()
                .execute("DELETE FROM sessions WHERE token_hash = ?1", [key])?;
            Ok(deleted > 0)
        })
        .await
    }

    /// Deletes every session past its absolute lifetime or its idle timeout; returns how many.
    ///
    /// Expired rows are already ignored by [`load`](Loader::load); this only reclaims space.
    /// Call it now and then (at startup, from a timer). Blocking: see [`Store`].
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the statement fails.
    pub fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let deleted = self.lock().execute(
            "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at + ?2 <= ?1",
            params![now, secs(self.config.idle_timeout)],
        )?;
        Ok(deleted)
    }

    fn load_blocking(&self, key: [u8; 32]) -> Result<Option<User>, StoreError> {
        let now = self.clock.now();
        let idle = secs(self.config.idle_timeout);
        let conn = self.lock();
        let row = conn
            .query_row(
                "SELECT users.id, users.name, sessions.last_seen_at
                 FROM sessions JOIN users ON users.id = sessions.user_id
                 WHERE sessions.token_hash = ?1
                   AND NOT users.disabled
                   AND sessions.expires_at > ?2
                   AND sessions.last_seen_at + ?3 > ?2",
                params![key, now, idle],
                |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)?)),
            )
            .optional()?;
        let Some((id, name, last_seen_at)) = row else {
            return Ok(None);
        };
        if now.saturating_sub(last_seen_at) >= self.touch_interval() {
            // UPDATE only: a row that vanished meanwhile is not recreated.
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1 AND last_seen_at < ?2",
                params![key, now],
            )?;
        }
        Ok(Some(User { id, name }))
    }

    /// `touch_interval`, capped at half the idle timeout (at least one second).
    fn touch_interval(&self) -> i64 {
        secs(self.config.touch_interval)
            .min(secs(self.config.idle_timeout) / 2)
            .max(1)
    }

    /// Runs `query` with a clone of this store on tokio's blocking pool (see "Blocking" in
    /// [`Store`]).
    async fn off_thread<T: Send + 'static>(
        &self,
        query: impl FnOnce(&Self) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || query(&store)).await?
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held cannot leave a half-applied statement behind
        // (each statement is atomic in SQLite), so the connection is still usable.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Loader for Store {
    type User = User;
    type Error = StoreError;

    /// The user of the live session stored under `token.hash()`, or `Ok(None)` when there is
    /// none, it is past its absolute lifetime, it has been idle too long, or its account is
    /// disabled (a deleted account's sessions are deleted with it). Records activity at most
    /// once per `touch_interval`. Never creates a row.
    async fn load(&self, token: &Token) -> Result<Option<User>, StoreError> {
        let key = token.hash();
        self.off_thread(move |store| store.load_blocking(key)).await
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// An Argon2id (default parameters) PHC string for `password`, with a random salt from the OS:
/// what a store keeps for a user instead of the password.
///
/// Blocking (tens of milliseconds of CPU on purpose): call it at startup or on tokio's
/// blocking pool.
///
/// # Errors
///
/// [`StoreError::PasswordHash`] if hashing fails (the OS RNG failed while salting).
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), example_common::StoreError> {
/// let hash = example_common::hash_password("demo")?;
/// assert!(hash.starts_with("$argon2id$v=19$"));
/// # Ok(()) }
/// ```
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Checks `password` against a PHC string from [`hash_password`] on the login gate's hash
/// threads, through `permit` (from [`LoginGate::admit`](crate::LoginGate::admit)): `Ok(true)`
/// only if `stored` is `Some` and matches.
///
/// `None` (no such user) still costs one Argon2 verification, against a dummy hash, so the
/// response time does not tell which names exist. Any store can look its user up and hand
/// the hash (or `None`) here; [`Store::verify_password`] does the same inline.
///
/// # Errors
///
/// [`StoreError::PasswordHash`] if `stored` is malformed, [`StoreError::Worker`] if the
/// hash job panicked.
///
/// # Examples
///
/// ```
/// use example_common::{LoginGate, hash_password, verify_password_hash};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), example_common::StoreError> {
/// let gate = LoginGate::new(Default::default()).expect("hash threads");
/// let stored = hash_password("demo")?;
/// let permit = gate.hash_permit().await;
/// assert!(verify_password_hash(permit, Some(stored.clone()), "demo".to_owned()).await?);
/// let permit = gate.hash_permit().await;
/// assert!(!verify_password_hash(permit, Some(stored), "Demo".to_owned()).await?);
/// let permit = gate.hash_permit().await;
/// assert!(!verify_password_hash(permit, None, "demo".to_owned()).await?);
/// # Ok(()) }
/// ```
pub async fn verify_password_hash(
    permit: HashPermit,
    stored: Option<String>,
    password: String,
) -> Result<bool, StoreError> {
    permit
        .run(move || verify_hash_blocking(stored.as_deref(), &password))
        .await?
}

/// Verifies `password` against `stored`, or against [`DUMMY_HASH`] when there is none (and
/// then answers `false` whatever the outcome).
fn verify_hash_blocking(stored: Option<&str>, password: &str) -> Result<bool, StoreError> {
    let phc = stored.unwrap_or(DUMMY_HASH);
    let matches = ARGON2_MEMORY
        .with_borrow_mut(|memory| verify_with_memory(memory, password.as_bytes(), phc))?;
    Ok(matches && stored.is_some())
}

thread_local! {
    /// Argon2's working memory (19 MiB with the default parameters), kept by the thread that
    /// verified a password for its next one. Verifications run only on the login gate's hash
    /// threads, so the memory they take is one block of it per thread, whatever the
    /// allocator does: with a fresh 19 MiB per hash, glibc's heap kept hundreds of MiB.
    static ARGON2_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// `Argon2::verify_password` for the PHC string `phc` (its algorithm, version, parameters,
/// salt and output), with `memory` as Argon2's working memory (resized to fit): whether
/// `password` hashes to the same output, compared in constant time.
fn verify_with_memory(
    memory: &mut Vec<Block>,
    password: &[u8],
    phc: &str,
) -> Result<bool, HashError> {
    let hash = PasswordHash::new(phc)?;
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        // As `verify_password` answers: no salt or no output matches no password.
        return Ok(false);
    };
    let version = hash.version.map(Version::try_from).transpose()?;
    let argon2 = Argon2::new(
        Algorithm::try_from(hash.algorithm.as_str())?,
        version.unwrap_or_default(),
        Params::try_from(&hash)?,
    );
    memory.resize(argon2.params().block_count(), Block::default());
    let mut buffer = [0_u8; Output::MAX_LENGTH];
    let computed = buffer
        .get_mut(..expected.len())
        .ok_or(HashError::OutputSize)?;
    argon2.hash_password_into_with_memory(password, salt, computed, memory.as_mut_slice())?;
    // `Output`'s `==` is constant-time.
    Ok(Output::new(computed)? == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

    const T0: i64 = 1_700_000_000;

    fn config() -> SessionConfig {
        SessionConfig {
            absolute_lifetime: Duration::from_secs(3600),
            idle_timeout: Duration::from_secs(600),
            touch_interval: Duration::from_secs(60),
        }
    }

    fn store() -> (Store, ManualClock) {
        let clock = ManualClock::new(T0);
        let store = Store::open_in_memory(config())
            .unwrap()
            .with_clock(clock.clone());
        (store, clock)
    }

    fn demo_id(store: &Store) -> i64 {
        store
            .lock()
            .query_row("SELECT id FROM users WHERE name = 'demo'", [], |r| r.get(0))
            .unwrap()
    }

    fn session_count(store: &Store) -> i64 {
        store
            .lock()
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap()
    }

    fn last_seen(store: &Store, token: &Token) -> i64 {
        store
            .lock()
            .query_row(
                "SELECT last_seen_at FROM sessions WHERE token_hash = ?1",
                [token.hash()],
                |r| r.get(0),
            )
            .unwrap()
    }

    async fn permit() -> HashPermit {
        crate::LoginGate::new(crate::LoginLimits::default())
            .unwrap()
            .hash_permit()
            .await
    }

    fn demo() -> User {
        User {
            id: 1,
            name: DEMO_USER.to_owned(),
        }
    }

    #[tokio::test]
    async fn create_load_delete() {
        let (store, _) = store();
        let token = Token::<32>::generate().unwrap();
        assert_eq!(store.load(&token).await.unwrap(), None);
        store.create_session(&token, demo_id(&store)).await.unwrap();
        assert_eq!(store.load(&token).await.unwrap(), Some(demo()));
        let (created, expires): (i64, i64) = store
            .lock()
            .query_row("SELECT created_at, expires_at FROM sessions", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((created, expires), (T0, T0 + 3600));
        assert!(store.delete_session(&token).await.unwrap());
        assert!(!store.delete_session(&token).await.unwrap());
        assert_eq!(store.load(&token).await.unwrap(), None);
        assert_eq!(session_count(&store), 0);
    }

    #[tokio::test]
    async fn unknown_token_is_none_and_creates_no_row() {
        let (store, _) = store();
        let known = Token::<32>::generate().unwrap();
        store.create_session(&known, demo_id(&store)).await.unwrap();
        for _ in 0..3 {
            let unknown = Token::<32>::generate().unwrap();
            assert_eq!(store.load(&unknown).await.unwrap(), None);
        }
        assert_eq!(session_count(&store), 1);
    }

    #[tokio::test]
    async fn create_never_overwrites() {
        let (store, _) = store();
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        let err = store
            .create_session(&token, demo_id(&store))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err:?}");
        assert_eq!(session_count(&store), 1);
    }

    #[tokio::test]
    async fn session_for_unknown_user_is_refused() {
        let (store, _) = store();
        let token = Token::<32>::generate().unwrap();
        assert!(store.create_session(&token, 999).await.is_err());
        assert_eq!(session_count(&store), 0);
    }

    #[tokio::test]
    async fn absolute_lifetime_ends_an_active_session() {
        let (store, clock) = store();
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        // Active every 5 minutes (inside the 10 minute idle timeout) for the whole hour.
        for _ in 0..11 {
            clock.advance(Duration::from_secs(300));
            assert_eq!(store.load(&token).await.unwrap(), Some(demo()));
        }
        clock.set(T0 + 3599);
        assert_eq!(store.load(&token).await.unwrap(), Some(demo()));
        clock.set(T0 + 3600);
        assert_eq!(store.load(&token).await.unwrap(), None);
        // The row is left alone by load (purge reclaims it), and never resurrected.
        assert_eq!(session_count(&store), 1);
        assert_eq!(store.purge_expired().unwrap(), 1);
        assert_eq!(session_count(&store), 0);
    }

    #[tokio::test]
    async fn idle_timeout_ends_an_unused_session() {
        let (store, clock) = store();
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        clock.set(T0 + 599);
        assert_eq!(store.load(&token).await.unwrap(), Some(demo()));
        // That load touched it: idle is counted from T0 + 599 now.
        clock.set(T0 + 599 + 599);
        assert_eq!(store.load(&token).await.unwrap(), Some(demo()));
        clock.set(T0 + 599 + 599 + 600);
        assert_eq!(store.load(&token).await.unwrap(), None);
        // Expired loads do not touch.
        assert_eq!(last_seen(&store, &token), T0 + 599 + 599);
    }

    #[tokio::test]
    async fn touch_at_most_once_per_interval() {
        let (store, clock) = store();
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        assert_eq!(last_seen(&store, &token), T0);
        for (at, expected) in [
            (T0 + 1, T0),
            (T0 + 59, T0),
            (T0 + 60, T0 + 60),
            (T0 + 61, T0 + 60),
            (T0 + 119, T0 + 60),
            (T0 + 200, T0 + 200),
        ] {
            clock.set(at);
            for _ in 0..3 {
                assert_eq!(store.load(&token).await.unwrap(), Some(demo()));
            }
            assert_eq!(last_seen(&store, &token), expected, "at T0 + {}", at - T0);
        }
        // Count the writes SQLite made: one UPDATE per interval, none per read.
        let before = store.lock().total_changes();
        for _ in 0..10 {
            store.load(&token).await.unwrap();
        }
        assert_eq!(store.lock().total_changes(), before);
    }

    #[tokio::test]
    async fn touch_interval_is_capped_by_idle_timeout() {
        let clock = ManualClock::new(T0);
        let config = SessionConfig {
            idle_timeout: Duration::from_secs(30),
            ..SessionConfig::default()
        };
        let store = Store::open_in_memory(config)
            .unwrap()
            .with_clock(clock.clone());
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        // A request every 20 s keeps a 30 s idle session alive, despite the 60 s interval.
        for step in 1..=10 {
            clock.set(T0 + 20 * step);
            assert_eq!(store.load(&token).await.unwrap(), Some(demo()), "{step}");
        }
    }

    #[tokio::test]
    async fn stores_only_the_hash() {
        let (store, _) = store();
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        let keys: Vec<Vec<u8>> = store
            .lock()
            .prepare("SELECT token_hash FROM sessions")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(keys, vec![token.hash().to_vec()]);
        assert_ne!(keys[0].as_slice(), token.as_bytes());
        assert_ne!(keys[0].as_slice(), token.encode().as_bytes());
        // The schema refuses anything but a 32-byte key.
        let id = demo_id(&store);
        let raw = store.lock().execute(
            "INSERT INTO sessions VALUES (?1, ?2, 0, 0, 0)",
            params![token.encode().as_str(), id],
        );
        assert!(raw.is_err());
    }

    #[tokio::test]
    async fn deleting_a_user_ends_their_sessions() {
        let (store, _) = store();
        let token = Token::<32>::generate().unwrap();
        store.create_session(&token, demo_id(&store)).await.unwrap();
        store.lock().execute("DELETE FROM users", []).unwrap();
        assert_eq!(store.load(&token).await.unwrap(), None);
        assert_eq!(session_count(&store), 0);
    }

    #[tokio::test]
    async fn passwords() {
        let (store, _) = store();
        assert_eq!(
            store
                .verify_password(permit().await, "demo", "demo")
                .await
                .unwrap(),
            Some(demo())
        );
        assert_eq!(
            store
                .verify_password(permit().await, "demo", "Demo")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .verify_password(permit().await, "demo", "")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .verify_password(permit().await, "Demo", "demo")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .verify_password(permit().await, "nobody", "demo")
                .await
                .unwrap(),
            None
        );
    }

    #[test]
    fn password_hash_is_argon2id_phc_with_a_salt() {
        let (store, _) = store();
        let hash: String = store
            .lock()
            .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert_eq!(hash.split('$').count(), 6, "{hash}");
        assert_ne!(hash_password("demo").unwrap(), hash, "salted");
    }

    /// The reused-memory verification answers as the library's `verify_password`, for each
    /// algorithm and version, with memory left over from larger and smaller parameters.
    #[test]
    fn verify_with_memory_agrees_with_argon2() {
        use argon2::PasswordVerifier as _;
        let mut memory = Vec::new();
        for (algorithm, version, m_cost) in [
            (Algorithm::Argon2id, Version::V0x13, 256),
            (Algorithm::Argon2i, Version::V0x10, 64),
            (Algorithm::Argon2d, Version::V0x13, 128),
        ] {
            let params = Params::new(m_cost, 1, 1, None).unwrap();
            let phc = Argon2::new(algorithm, version, params)
                .hash_password(b"right")
                .unwrap()
                .to_string();
            for password in [&b"right"[..], b"wrong", b"", b"righ"] {
                let library = Argon2::default()
                    .verify_password(password, phc.as_str())
                    .is_ok();
                let ours = verify_with_memory(&mut memory, password, &phc).unwrap();
                assert_eq!(ours, library, "{phc} {password:?}");
            }
            assert_eq!(memory.len(), usize::try_from(m_cost).unwrap());
        }
        assert!(verify_with_memory(&mut memory, b"x", "not a PHC string").is_err());
        assert!(verify_with_memory(&mut memory, b"x", DUMMY_HASH).is_ok());
    }

    #[test]
    fn dummy_hash_has_the_current_parameters() {
        let fresh = hash_password("x").unwrap();
        let params = |h: &str| h.rsplitn(3, '$').nth(2).map(str::to_owned);
        assert_eq!(params(DUMMY_HASH), params(&fresh));
        assert!(params(DUMMY_HASH).unwrap().starts_with("$argon2id$v=19$m="));
    }

    #[tokio::test]
    async fn purge_keeps_live_sessions() {
        let (store, clock) = store();
        let live = Token::<32>::generate().unwrap();
        let idle = Token::<32>::generate().unwrap();
        store.create_session(&idle, demo_id(&store)).await.unwrap();
        clock.advance(Duration::from_secs(500));
        store.create_session(&live, demo_id(&store)).await.unwrap();
        clock.advance(Duration::from_secs(100));
        assert_eq!(store.purge_expired().unwrap(), 1);
        assert_eq!(store.load(&live).await.unwrap(), Some(demo()));
        assert_eq!(store.load(&idle).await.unwrap(), None);
    }

    #[test]
    fn store_is_send_sync_and_loader_future_is_send() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<Store>();
        fn assert_loader<L: Loader<User = User, Error = StoreError> + Send + Sync>(_: &L) {}
        assert_loader(&store().0);
    }
}
