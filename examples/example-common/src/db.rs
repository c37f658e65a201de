//! The sites' database: the users table beside session-store-sqlx's sessions table, in one
//! SQLite file (the default) or one PostgreSQL database (`--postgres URL`), and the loader
//! that reads a session with its user in one query.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use session_cookie::{CookieLifetime, Loader, Token};
use session_store::{Backend, Cutoff, Handle, Record};
use session_store_sqlx::sqlx::postgres::PgPoolOptions;
use session_store_sqlx::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions,
};
use session_store_sqlx::sqlx::{self, SqlitePool};
use session_store_sqlx::{PgBackend, SqliteBackend};

use crate::password::{DEMO_PASSWORD, DEMO_USER, hash_password, verify_password_hash};
use crate::{HashPermit, Revoked, SessionConfig, SiteSessions, StoreError, User};

/// How often [`SiteDb::spawn_purge`] deletes expired sessions, as the sites call it: 10 minutes.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// How long SQLite waits for a lock held by another connection (another process on the same
/// file, such as the other example site) before a statement fails with `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a free PostgreSQL connection, and start-up for the server.
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The users table on SQLite. `AUTOINCREMENT`: an id is never handed out twice, so a new
/// account never inherits a deleted one's sessions; the trigger ends those sessions at once.
const SQLITE_USERS: &str = "
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS users_delete_sessions AFTER DELETE ON users
BEGIN
    DELETE FROM sessions WHERE user_id = OLD.id;
END;
";

/// The users table on PostgreSQL, created under an advisory lock so that several instances
/// may start at once. `BIGSERIAL` never hands out an id twice.
const PG_USERS: &str = "
BEGIN;
SELECT pg_advisory_xact_lock(7310309431834879347);
CREATE TABLE IF NOT EXISTS users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);
COMMIT;
";

/// A request's session and its user in one query, with the store's bounds of "live"
/// (`$2`: now, `$3`: the idle cutoff); a disabled account has no session.
const LOAD_SESSION_USER: &str = "
SELECT users.id, users.name, sessions.last_seen_at
FROM sessions JOIN users ON users.id = sessions.user_id
WHERE sessions.token_hash = $1
  AND sessions.expires_at > $2
  AND sessions.last_seen_at > $3
  AND NOT users.disabled";

/// Where a site keeps its users and sessions: `--db PATH` or `--postgres URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL (`postgres://user:password@host/db`); no TLS.
    Postgres(String),
}

impl Database {
    /// What the site says at start-up about its database: `database PATH` or `postgres URL`
    /// with the URL's password left out.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_common::Database;
    ///
    /// let pg = Database::Postgres("postgres://app:hunter2@db.local/app".into());
    /// assert_eq!(pg.describe(), "postgres postgres://app:***@db.local/app");
    /// assert_eq!(Database::Sqlite("site.db".into()).describe(), "database site.db");
    /// ```
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("database {}", path.display()),
            Self::Postgres(url) => format!("postgres {}", redact_password(url)),
        }
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&redact_password(url))
                .finish(),
        }
    }
}

/// `url` with the password of its userinfo (`user:PASSWORD@`) replaced by `***`.
fn redact_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let Some((user, _password)) = userinfo.split_once(':') else {
        return url.to_owned();
    };
    let scheme = if scheme.is_empty() {
        String::new()
    } else {
        format!("{scheme}://")
    };
    format!("{scheme}{user}:***@{host}{tail}")
}

/// The sessions' [`Backend`]: session-store-sqlx's, on the database the site runs on, with
/// the users' `i64` ids.
#[derive(Debug, Clone)]
pub enum SqlBackend {
    /// SQLite.
    Sqlite(SqliteBackend<i64>),
    /// PostgreSQL.
    Postgres(PgBackend<i64>),
}

/// The ready session store over [`SqlBackend`]: what the sites' handlers call to create,
/// list and revoke sessions.
pub type SessionStore = session_store::Store<SqlBackend>;

/// `$body` with `$b` bound to the backend (or pool) of either database.
macro_rules! on_either {
    ($value:expr, $b:ident => $body:expr) => {
        match $value {
            SqlBackend::Sqlite($b) => $body,
            SqlBackend::Postgres($b) => $body,
        }
    };
}

impl Backend for SqlBackend {
    type UserId = i64;
    type Error = sqlx::Error;

    async fn insert(&self, record: &Record<i64>) -> Result<bool, sqlx::Error> {
        on_either!(self, b => b.insert(record).await)
    }

    async fn get(&self, key: &[u8; 32]) -> Result<Option<Record<i64>>, sqlx::Error> {
        on_either!(self, b => b.get(key).await)
    }

    async fn touch(&self, key: &[u8; 32], now: i64) -> Result<bool, sqlx::Error> {
        on_either!(self, b => b.touch(key, now).await)
    }

    async fn rekey(
        &self,
        old: &[u8; 32],
        new: &[u8; 32],
        cutoff: Cutoff,
    ) -> Result<bool, sqlx::Error> {
        on_either!(self, b => b.rekey(old, new, cutoff).await)
    }

    async fn remove(&self, key: &[u8; 32]) -> Result<bool, sqlx::Error> {
        on_either!(self, b => b.remove(key).await)
    }

    async fn remove_expired(&self, key: &[u8; 32], cutoff: Cutoff) -> Result<bool, sqlx::Error> {
        on_either!(self, b => b.remove_expired(key, cutoff).await)
    }

    async fn remove_user(&self, user: &i64, keep: Option<&[u8; 32]>) -> Result<u64, sqlx::Error> {
        on_either!(self, b => b.remove_user(user, keep).await)
    }

    async fn remove_handle(&self, user: &i64, handle: &Handle) -> Result<bool, sqlx::Error> {
        on_either!(self, b => b.remove_handle(user, handle).await)
    }

    async fn list(&self, user: &i64, cutoff: Cutoff) -> Result<Vec<Record<i64>>, sqlx::Error> {
        on_either!(self, b => b.list(user, cutoff).await)
    }

    async fn purge(&self, cutoff: Cutoff) -> Result<u64, sqlx::Error> {
        on_either!(self, b => b.purge(cutoff).await)
    }
}

/// The example sites' database: the users table and the sessions of the ready store
/// ([`SessionStore`], session-store-sqlx's `sessions` table), in one SQLite file or one
/// PostgreSQL database, through one sqlx pool.
///
/// A cheap, cloneable handle; put it in your application state. It is the sites'
/// [`Loader`]: one query reads the session with its user (a disabled or deleted account has
/// no session), and the store records activity at most once per touch interval.
///
/// * Sessions are keyed by `Token::hash()` (SHA-256), never by the token, so the database
///   (or a backup of it) replays no session.
/// * Login: [`verify_password`](Self::verify_password), then `sessions().create_labeled`;
///   logout: `sessions().revoke`. The "your sessions" page: `sessions().list`,
///   `revoke_handle`, `revoke_others`, `revoke_user`.
/// * Expired sessions are invisible at once; [`purge_expired`](Self::purge_expired) (at
///   start-up, and every [`PURGE_INTERVAL`](crate::PURGE_INTERVAL) with
///   [`spawn_purge`](Self::spawn_purge)) reclaims their rows.
///
/// # Examples
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use example_common::{Database, LoginGate, SessionConfig, SiteDb};
/// use session_cookie::Loader as _;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("site-db-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let db = SiteDb::open(&Database::Sqlite(dir.join("site.db")), SessionConfig::default()).await?;
/// let logins = LoginGate::new(Default::default())?;
///
/// // Login: through the gate, check the password, then a new session labelled with the
/// // user agent.
/// let permit = logins.admit(IpAddr::V4(Ipv4Addr::LOCALHOST), "demo").await?;
/// let user = db.verify_password(permit, "demo", "demo").await?.ok_or("bad login")?;
/// let token = db.sessions().create_labeled(user.id, "curl/8.5").await?;
///
/// // A later request: the loader resolves the cookie's token to the user.
/// assert_eq!(db.load(&token).await?, Some(user.clone()));
/// assert_eq!(db.sessions().list(&user.id).await?.len(), 1);
///
/// // Logout.
/// db.sessions().revoke(&token).await?;
/// assert_eq!(db.load(&token).await?, None);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SiteDb {
    sessions: SessionStore,
}

impl SiteDb {
    /// Opens `database` (a SQLite file is created if missing, with WAL and a busy timeout),
    /// creates the sessions and users tables if missing, seeds the demo account
    /// ([`DEMO_USER`] / [`DEMO_PASSWORD`]) if it does not exist, and purges expired sessions.
    ///
    /// A SQLite file from before the ready store (a `sessions` table without `label`) has its
    /// old sessions table dropped: everyone signs in once more.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database cannot be opened or the schema created;
    /// [`StoreError::PasswordHash`] if hashing the demo password fails.
    pub async fn open(database: &Database, config: SessionConfig) -> Result<Self, StoreError> {
        let backend = match database {
            Database::Sqlite(path) => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    // Readers do not block the writer (the other site may share the file).
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(BUSY_TIMEOUT);
                let pool = SqlitePoolOptions::new().connect_with(options).await?;
                drop_sessions_from_before_the_store(&pool).await?;
                SqlBackend::Sqlite(SqliteBackend::new(pool))
            }
            Database::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .acquire_timeout(PG_ACQUIRE_TIMEOUT)
                    .connect(url)
                    .await?;
                SqlBackend::Postgres(PgBackend::new(pool))
            }
        };
        on_either!(&backend, b => b.migrate().await)?;
        match &backend {
            SqlBackend::Sqlite(b) => create_sqlite_users(b.pool()).await?,
            SqlBackend::Postgres(b) => {
                sqlx::raw_sql(PG_USERS).execute(b.pool()).await?;
            }
        }
        let db = Self {
            sessions: SessionStore::new(backend, config.policy()),
        };
        db.seed_demo().await?;
        // Reclaim what expired while the site was down.
        db.purge_expired().await?;
        Ok(db)
    }

    /// The session store: create, list and revoke sessions.
    #[must_use]
    pub fn sessions(&self) -> &SessionStore {
        &self.sessions
    }

    /// Checks a login: `Ok(Some(user))` if `name` exists, is not disabled and `password`
    /// matches its Argon2 hash, `Ok(None)` otherwise.
    ///
    /// An unknown or disabled name still costs one Argon2 verification (against a dummy
    /// hash), so the response time does not tell which names exist. The hash runs on the
    /// login gate's hash threads through `permit` (from
    /// [`LoginGate::admit`](crate::LoginGate::admit)), which holds its slot until the hash is
    /// done, however soon the caller gives up.
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
        const FIND: &str = "SELECT id, password_hash FROM users WHERE name = $1 AND NOT disabled";
        let row: Option<(i64, String)> = on_either!(self.sessions.backend(), b => {
            sqlx::query_as(FIND).bind(name).fetch_optional(b.pool()).await
        })?;
        let (id, stored) = row.unzip();
        if verify_password_hash(permit, stored, password.to_owned()).await? {
            Ok(id.map(|id| User {
                id,
                name: name.to_owned(),
            }))
        } else {
            Ok(None)
        }
    }

    /// [`SiteSessions::sign_in`] on [`sessions`](Self::sessions): ends `old`, then a new
    /// session labelled with `user_agent`; the new token, for the cookie.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sessions`] if the store fails.
    pub async fn sign_in(
        &self,
        user: &User,
        old: Option<&Token>,
        user_agent: Option<&[u8]>,
    ) -> Result<Token, StoreError> {
        Ok(self.sessions.sign_in(user, old, user_agent).await?)
    }

    /// [`SiteSessions::sign_in_with`] on [`sessions`](Self::sessions): ends `old`, then a
    /// new session labelled with `user_agent`, its cookie persistent if `persistent` ("Keep
    /// me signed in"); the new token and the lifetime to write its cookie with.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sessions`] if the store fails.
    pub async fn sign_in_with(
        &self,
        user: &User,
        old: Option<&Token>,
        user_agent: Option<&[u8]>,
        persistent: bool,
    ) -> Result<(Token, CookieLifetime), StoreError> {
        let signed_in = self
            .sessions
            .sign_in_with(user, old, user_agent, persistent);
        Ok(signed_in.await?)
    }

    /// [`SiteSessions::sessions_page`] on [`sessions`](Self::sessions): the "your sessions"
    /// page of `user`, whose request carried `current`, with `notice` above the table.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sessions`] if the store fails.
    pub async fn sessions_page(
        &self,
        user: &User,
        current: &Token,
        notice: Option<&str>,
    ) -> Result<String, StoreError> {
        Ok(self.sessions.sessions_page(user, current, notice).await?)
    }

    /// [`SiteSessions::sign_out_handle`] on [`sessions`](Self::sessions): "sign out this
    /// session" on the sessions page.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sessions`] if the store fails.
    pub async fn revoke_handle(
        &self,
        user: &User,
        current: &Token,
        handle: &Handle,
    ) -> Result<Revoked, StoreError> {
        Ok(self.sessions.sign_out_handle(user, current, handle).await?)
    }

    /// Deletes every session past its absolute lifetime or its idle timeout; how many.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sessions`] if the statement fails.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        Ok(self.sessions.purge_expired().await?)
    }

    /// Purges expired sessions every `every` from now on, on the current tokio runtime, for
    /// as long as it runs; a failure is logged and retried next time.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn spawn_purge(&self, every: Duration) {
        let db = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            // The first tick is immediate: `open` has just purged.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                match db.purge_expired().await {
                    Ok(purged) => tracing::debug!(purged, "expired sessions purged"),
                    Err(err) => tracing::error!(
                        error = %crate::describe(&err),
                        "purging expired sessions failed"
                    ),
                }
            }
        });
    }

    async fn seed_demo(&self) -> Result<(), StoreError> {
        const EXISTS: &str = "SELECT count(*) FROM users WHERE name = $1";
        // ON CONFLICT: another instance may have seeded it in the meantime.
        const INSERT: &str =
            "INSERT INTO users (name, password_hash) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        let (count,): (i64,) = on_either!(self.sessions.backend(), b => {
            sqlx::query_as(EXISTS).bind(DEMO_USER).fetch_one(b.pool()).await
        })?;
        if count == 0 {
            let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD)).await??;
            on_either!(self.sessions.backend(), b => {
                sqlx::query(INSERT).bind(DEMO_USER).bind(&hash).execute(b.pool()).await.map(drop)
            })?;
        }
        Ok(())
    }
}

/// Creates the users table on SQLite, and adds `disabled` to one from before it existed
/// (every account enabled).
async fn create_sqlite_users(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(SQLITE_USERS).execute(pool).await?;
    let (has_disabled,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('users') WHERE name = 'disabled')",
    )
    .fetch_one(pool)
    .await?;
    if !has_disabled {
        sqlx::raw_sql("ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Drops a `sessions` table of the example's own store from before session-store-sqlx (it has
/// no `label` column): its rows cannot be read by the ready store.
async fn drop_sessions_from_before_the_store(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let (old,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions')
            AND NOT EXISTS (SELECT 1 FROM pragma_table_info('sessions') WHERE name = 'label')",
    )
    .fetch_one(pool)
    .await?;
    if old {
        sqlx::raw_sql("DROP TABLE sessions").execute(pool).await?;
        tracing::info!("dropped the sessions table of an older example store: sign in again");
    }
    Ok(())
}

impl Loader for SiteDb {
    type User = User;
    type Error = StoreError;

    /// The user of the live session stored under `token.hash()`, or `Ok(None)` when there is
    /// none, it is past its absolute lifetime, it has been idle too long, or its account is
    /// disabled or deleted. One query; the store then records activity at most once per
    /// touch interval. Never creates a row.
    async fn load(&self, token: &Token) -> Result<Option<User>, StoreError> {
        let key = token.hash();
        let live = self.sessions.cutoff();
        let row: Option<(i64, String, i64)> = on_either!(self.sessions.backend(), b => {
            sqlx::query_as(LOAD_SESSION_USER)
                .bind(&key[..])
                .bind(live.now)
                .bind(live.seen_after)
                .fetch_optional(b.pool())
                .await
        })?;
        let Some((id, name, last_seen_at)) = row else {
            return Ok(None);
        };
        self.sessions.touch(token, last_seen_at).await?;
        Ok(Some(User { id, name }))
    }
}

impl fmt::Debug for SiteDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteDb")
            .field("sessions", &self.sessions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_left_out_of_urls() {
        for (url, shown) in [
            ("postgres://u:p@h/db", "postgres://u:***@h/db"),
            (
                "postgres://u:p:q@h:5432/db?x=1",
                "postgres://u:***@h:5432/db?x=1",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h/db", "postgres://h/db"),
            ("postgres:///db?host=/run/pg", "postgres:///db?host=/run/pg"),
            ("u:p@h", "u:***@h"),
            (
                "postgres://u:p@h/db?password=@x",
                "postgres://u:***@h/db?password=@x",
            ),
        ] {
            assert_eq!(redact_password(url), shown, "{url}");
        }
        let debug = format!(
            "{:?}",
            Database::Postgres("postgres://u:secret@h/db".into())
        );
        assert!(!debug.contains("secret"), "{debug}");
    }
}
