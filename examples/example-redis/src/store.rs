//! [`RedisStore`]: users and sessions in Redis (the keys are in the crate docs).

use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use example_common::{
    Clock, DEMO_PASSWORD, DEMO_USER, HashPermit, SessionConfig, StoreError, SystemClock, User,
    hash_password, verify_password_hash,
};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use session_cookie::{Loader, Token};

/// How long one connection attempt to Redis may take.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_millis(500);
/// How long Redis may take to answer one command.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);

/// The hash from user id to user name.
const USERS_BY_ID: &str = "users:by-id";
/// The counter that hands out user ids.
const USERS_NEXT_ID: &str = "users:next-id";

/// Creates a user if `user:{name}` does not exist, atomically (one script): a new id, the
/// hash, and the id-to-name entry. Returns 1 if it created the user, 0 if it existed.
/// KEYS: `user:{name}`, `users:by-id`, `users:next-id`; ARGV: name, password hash.
const CREATE_USER_IF_ABSENT: &str = "
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'id', id, 'password_hash', ARGV[2])
redis.call('HSET', KEYS[2], id, ARGV[1])
return 1
";

/// Why a [`RedisStore`] operation failed. `Display` is a short fixed phrase; the cause is in
/// [`source()`](std::error::Error::source). No variant carries a token (the store only sees
/// hashes).
#[derive(Debug)]
#[non_exhaustive]
pub enum RedisStoreError {
    /// Redis failed: unreachable, timed out, an error reply.
    Redis(redis::RedisError),
    /// Hashing or checking a password failed (not: the password was wrong).
    Password(StoreError),
    /// `create_session` found a session under this key already (it is never overwritten).
    SessionExists,
    /// `create_session` for a user id that names no user (or a disabled one).
    UnknownUser,
    /// A record in Redis that this store did not write (it does not parse).
    Malformed,
}

impl fmt::Display for RedisStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Redis(_) => "session store: redis error",
            Self::Password(_) => "session store: password hashing failed",
            Self::SessionExists => "session store: a session with this key exists",
            Self::UnknownUser => "session store: no user with this id",
            Self::Malformed => "session store: malformed record",
        })
    }
}

impl std::error::Error for RedisStoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Redis(err) => Some(err),
            Self::Password(err) => Some(err),
            _ => None,
        }
    }
}

impl From<redis::RedisError> for RedisStoreError {
    fn from(err: redis::RedisError) -> Self {
        Self::Redis(err)
    }
}

impl From<StoreError> for RedisStoreError {
    fn from(err: StoreError) -> Self {
        Self::Password(err)
    }
}

/// Users and sessions in Redis, shared by every instance of the site that connects to it.
///
/// A cheap, cloneable handle around one [`ConnectionManager`] (a multiplexed connection that
/// reconnects by itself). See the [crate docs](crate) for the keys.
///
/// # Examples
///
/// ```no_run
/// use example_common::SessionConfig;
/// use example_redis::RedisStore;
/// use session_cookie::{Loader as _, Token};
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379", SessionConfig::default()).await?;
/// let permit = example_common::LoginGate::new(Default::default())?.hash_permit().await;
/// let user = store.verify_password(permit, "demo", "demo").await?.ok_or("bad login")?;
/// let token = Token::generate()?;
/// store.create_session(&token, user.id).await?;
/// assert_eq!(store.load(&token).await?, Some(user));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    config: SessionConfig,
    clock: Arc<dyn Clock>,
    /// The demo password's hash, made once at startup, for re-creating the demo account.
    demo_hash: Arc<str>,
}

impl RedisStore {
    /// Connects to Redis at `url` (such as `redis://127.0.0.1:6379`), with the timeouts
    /// above, and creates the demo account ([`DEMO_USER`] / [`DEMO_PASSWORD`]) if absent.
    ///
    /// # Errors
    ///
    /// [`RedisStoreError::Redis`] if the URL is invalid or Redis cannot be reached;
    /// [`RedisStoreError::Password`] if hashing the demo password fails.
    pub async fn connect(url: &str, config: SessionConfig) -> Result<Self, RedisStoreError> {
        let client = redis::Client::open(url)?;
        let manager = ConnectionManagerConfig::new()
            .set_connection_timeout(CONNECTION_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT)
            // A reconnect is one attempt, no backoff (redis 0.32's backoff starts at 1 s, with
            // jitter): it fails the waiting requests at once, and the next request starts a
            // new one. A dead Redis is a quick 500; a live one is found again on the next
            // request.
            .set_number_of_retries(0);
        let conn = ConnectionManager::new_with_config(client, manager).await?;
        let demo_hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
            .await
            .map_err(|err| RedisStoreError::Password(err.into()))??;
        let store = Self {
            conn,
            config,
            clock: Arc::new(SystemClock),
            demo_hash: demo_hash.into(),
        };
        store.create_demo_if_absent().await?;
        Ok(store)
    }

    /// Replaces the time source (the system clock by default), e.g. with a
    /// [`ManualClock`](example_common::ManualClock) in tests. Redis's own TTLs still run on
    /// Redis's clock.
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

    /// The Redis key of `token`'s session: `session:` and the hex of `token.hash()`.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> Result<(), session_token::GenerateError> {
    /// let token = session_cookie::Token::generate()?;
    /// let key = example_redis::RedisStore::session_key(&token);
    /// assert_eq!(key.len(), "session:".len() + 64);
    /// assert!(!key.contains(token.encode().as_str()));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn session_key(token: &Token) -> String {
        let mut key = String::with_capacity(8 + 64);
        key.push_str("session:");
        for byte in token.hash() {
            let _ = write!(key, "{byte:02x}");
        }
        key
    }

    /// Checks a login: `Ok(Some(user))` if `name` exists, is not disabled and `password`
    /// matches, `Ok(None)` otherwise. `HMGET user:{name}`, then Argon2 on the blocking pool
    /// (against a dummy hash for an unknown or disabled name, so the time taken does not tell
    /// which names exist), holding `permit` until the hash is done. Re-creates the demo
    /// account first if Redis lost it.
    ///
    /// # Errors
    ///
    /// [`RedisStoreError::Redis`] or [`RedisStoreError::Password`] (not: the password was
    /// wrong).
    pub async fn verify_password(
        &self,
        permit: HashPermit,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, RedisStoreError> {
        let mut user = self.user(name).await?;
        if user.is_none() && name == DEMO_USER {
            self.create_demo_if_absent().await?;
            user = self.user(name).await?;
        }
        let (id, stored) = match user {
            Some(Account {
                id,
                password_hash,
                disabled: false,
            }) => (Some(id), Some(password_hash)),
            _ => (None, None),
        };
        let matches = verify_password_hash(permit, stored, password.to_owned()).await?;
        Ok(id.filter(|_| matches).map(|id| User {
            id,
            name: name.to_owned(),
        }))
    }

    /// Records a new session for `user_id` under `token.hash()`:
    /// `SET session:{hex} "{id} {now} {now}" NX EX {absolute lifetime}`. On login, after
    /// [`delete_session`](Self::delete_session) for any token the request carried.
    ///
    /// # Errors
    ///
    /// [`RedisStoreError::SessionExists`] (a session is never overwritten),
    /// [`RedisStoreError::UnknownUser`] (no such account, or it is disabled), or
    /// [`RedisStoreError::Redis`].
    pub async fn create_session(&self, token: &Token, user_id: i64) -> Result<(), RedisStoreError> {
        if self.live_user(user_id).await?.is_none() {
            return Err(RedisStoreError::UnknownUser);
        }
        let now = self.clock.now();
        let value = SessionValue {
            user_id,
            created: now,
            last_seen: now,
        };
        let lifetime = self.config.absolute_lifetime.as_secs().max(1);
        let created: Option<String> = redis::cmd("SET")
            .arg(Self::session_key(token))
            .arg(value.to_string())
            .arg("NX")
            .arg("EX")
            .arg(lifetime)
            .query_async(&mut self.conn.clone())
            .await?;
        created.map(drop).ok_or(RedisStoreError::SessionExists)
    }

    /// Deletes the session stored under `token.hash()`, if any; returns whether one existed.
    /// `DEL session:{hex}`: the token is dead on every instance at once.
    ///
    /// # Errors
    ///
    /// [`RedisStoreError::Redis`].
    pub async fn delete_session(&self, token: &Token) -> Result<bool, RedisStoreError> {
        let deleted: i64 = redis::cmd("DEL")
            .arg(Self::session_key(token))
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(deleted > 0)
    }

    async fn create_demo_if_absent(&self) -> Result<(), RedisStoreError> {
        let _created: i64 = redis::cmd("EVAL")
            .arg(CREATE_USER_IF_ABSENT)
            .arg(3)
            .arg(user_key(DEMO_USER))
            .arg(USERS_BY_ID)
            .arg(USERS_NEXT_ID)
            .arg(DEMO_USER)
            .arg(&*self.demo_hash)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    /// `HMGET user:{name} id password_hash disabled`: the account, if it exists.
    async fn user(&self, name: &str) -> Result<Option<Account>, RedisStoreError> {
        let (id, hash, disabled): (Option<i64>, Option<String>, Option<String>) =
            redis::cmd("HMGET")
                .arg(user_key(name))
                .arg("id")
                .arg("password_hash")
                .arg("disabled")
                .query_async(&mut self.conn.clone())
                .await?;
        Ok(id.zip(hash).map(|(id, password_hash)| Account {
            id,
            password_hash,
            disabled: disabled.is_some_and(|d| d != "0"),
        }))
    }

    /// The user with this id, if the account still exists and is not disabled:
    /// `HGET users:by-id {id}`, then [`user`](Self::user) must have the same id (a name
    /// deleted and created again is a new account).
    async fn live_user(&self, id: i64) -> Result<Option<User>, RedisStoreError> {
        let name: Option<String> = redis::cmd("HGET")
            .arg(USERS_BY_ID)
            .arg(id)
            .query_async(&mut self.conn.clone())
            .await?;
        let Some(name) = name else {
            return Ok(None);
        };
        let live = self
            .user(&name)
            .await?
            .is_some_and(|account| account.id == id && !account.disabled);
        Ok(live.then_some(User { id, name }))
    }

    /// `touch_interval`, capped at half the idle timeout (at least one second), as the
    /// SQLite store does.
    fn touch_interval(&self) -> i64 {
        secs(self.config.touch_interval)
            .min(secs(self.config.idle_timeout) / 2)
            .max(1)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Loader for RedisStore {
    type User = User;
    type Error = RedisStoreError;

    /// The user of the live session stored under `token.hash()`, or `Ok(None)` when there is
    /// none (unknown, logged out), it is past its absolute lifetime (from the creation time
    /// in the record: the key's TTL is only housekeeping, and a `PERSIST` changes nothing),
    /// it has been idle too long, or its account is gone or disabled. A `GET`, the account
    /// (`HGET users:by-id`, `HMGET user:{name}`), and a `SET .. XX KEEPTTL` at most once per
    /// touch interval. Never creates a key.
    async fn load(&self, token: &Token) -> Result<Option<User>, RedisStoreError> {
        let key = Self::session_key(token);
        let mut conn = self.conn.clone();
        let value: Option<String> = redis::cmd("GET").arg(&key).query_async(&mut conn).await?;
        let Some(value) = value else {
            return Ok(None);
        };
        let session = SessionValue::parse(&value).ok_or(RedisStoreError::Malformed)?;
        let now = self.clock.now();
        let age = now.saturating_sub(session.created);
        let idle = now.saturating_sub(session.last_seen);
        if age >= secs(self.config.absolute_lifetime) || idle >= secs(self.config.idle_timeout) {
            // Left to its TTL; every instance reads it as expired meanwhile.
            return Ok(None);
        }
        let Some(user) = self.live_user(session.user_id).await? else {
            return Ok(None);
        };
        if idle >= self.touch_interval() {
            let touched = SessionValue {
                last_seen: now,
                ..session.clone()
            };
            // XX: only if it still exists (a logout meanwhile is not undone); KEEPTTL: the
            // absolute expiry stays where login put it.
            let _: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(touched.to_string())
                .arg("XX")
                .arg("KEEPTTL")
                .query_async(&mut conn)
                .await?;
        }
        Ok(Some(user))
    }
}

/// An account as `user:{name}` holds it.
struct Account {
    id: i64,
    password_hash: String,
    /// The `disabled` field is present and not `0`.
    disabled: bool,
}

/// A session record: `"{user id} {created} {last seen}"` (unix seconds). The name is not
/// kept: the loader reads the account on every load.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SessionValue {
    user_id: i64,
    created: i64,
    last_seen: i64,
}

impl SessionValue {
    fn parse(value: &str) -> Option<Self> {
        let mut parts = value.split(' ');
        let value = Self {
            user_id: parts.next()?.parse().ok()?,
            created: parts.next()?.parse().ok()?,
            last_seen: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(value)
    }
}

impl fmt::Display for SessionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.user_id, self.created, self.last_seen)
    }
}

fn user_key(name: &str) -> String {
    format!("user:{name}")
}

/// A duration in whole seconds, saturating at `i64::MAX`.
fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_value_round_trips() {
        let value = SessionValue {
            user_id: 7,
            created: 1_700_000_000,
            last_seen: 1_700_000_060,
        };
        assert_eq!(value.to_string(), "7 1700000000 1700000060");
        assert_eq!(SessionValue::parse(&value.to_string()), Some(value));
        // The format before the creation time was kept ("{id} {last seen} {name}") does not
        // parse, nor anything else.
        for bad in [
            "", "7", "7 1", "7 1 demo", "7 x 1", "x 1 1", "7 1 1 1", "7 1 1 ",
        ] {
            assert_eq!(SessionValue::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn session_key_is_the_hex_of_the_hash() {
        let token = Token::generate().unwrap();
        let key = RedisStore::session_key(&token);
        let hex: String = token.hash().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(key, format!("session:{hex}"));
    }

    #[test]
    fn error_display_is_fixed() {
        use std::error::Error as _;
        let err = RedisStoreError::SessionExists;
        assert_eq!(
            err.to_string(),
            "session store: a session with this key exists"
        );
        assert!(err.source().is_none());
    }

    #[test]
    fn store_is_a_send_sync_clone_handle() {
        fn assert_handle<S: Clone + Send + Sync + 'static>() {}
        assert_handle::<RedisStore>();
    }
}
