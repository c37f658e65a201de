use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use session_store::{Backend, Cutoff, Handle, Policy, Record, Store};

use crate::error::BackendError;
use crate::scripts::{MAX_TTL, SCRIPTS};
use crate::user_id::UserId;

/// The key prefix [`RedisBackend::new`] uses.
///
/// # Examples
///
/// ```
/// use redis::aio::ConnectionManager;
/// use session_store::Policy;
/// use session_store_redis::{DEFAULT_PREFIX, RedisBackend, manager_config};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = redis::Client::open("redis://127.0.0.1:6379")?;
/// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
/// let backend = RedisBackend::<i64>::new(conn, Policy::default());
/// assert_eq!(backend.prefix(), DEFAULT_PREFIX);
/// assert!(backend.session_key(&[0; 32]).starts_with("sessionkit:s:"));
/// # Ok(()) }
/// ```
pub const DEFAULT_PREFIX: &str = "sessionkit:";

/// How many keys one `SCAN` step of [`purge`](Backend::purge) asks for.
const SCAN_COUNT: u32 = 1000;

/// The [`ConnectionManager`] settings [`RedisBackend::connect`] uses: each connection attempt
/// gives up after 1 s, each command after 2 s, and a reconnect makes up to 3 attempts (with
/// randomized backoff from 100 ms, at most 1 s apart) before the commands waiting on it fail.
/// A call while Redis is down thus fails in bounded time (about half a second when the
/// connection is refused; a few seconds at worst, when connects time out), and the next call
/// after it starts a new reconnect: the manager finds Redis again by itself once it is back.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use session_store_redis::manager_config;
///
/// let config = manager_config();
/// assert_eq!(config.connection_timeout(), Some(Duration::from_secs(1)));
/// assert_eq!(config.response_timeout(), Some(Duration::from_secs(2)));
/// ```
#[must_use]
pub fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2)
        .set_min_delay(Duration::from_millis(100))
        .set_max_delay(Duration::from_secs(1))
}

/// Sessions in Redis (or Valkey), through one [`ConnectionManager`]: the
/// [`Backend`] of [`RedisStore`](crate::RedisStore).
///
/// * **Keys hold `hex(token.hash())`**, never the token: `{prefix}s:{64 hex digits}`, a hash
///   with the user id, the times and the label. A user's sessions are indexed in
///   `{prefix}u:{user id}` (a sorted set), for listing and revoking them.
/// * **TTLs follow the policy** given to [`new`](Self::new): a session's key expires when
///   its absolute lifetime ends or, with an idle timeout, when it idles out, whichever comes
///   first; each touch renews it. Redis reclaims expired sessions itself, and the user's
///   index after its last session. Give the store the same policy
///   ([`into_store`](Self::into_store) does).
/// * **Every operation is one atomic step**: one command, or one Lua script for anything that
///   reads then writes or touches several keys (create-if-absent, touch, rotate, every
///   revocation), so "sign out everywhere" cannot miss a session created, touched or rotated
///   meanwhile. [`purge`](Backend::purge) alone is a `SCAN` in steps, each step atomic.
/// * **Reconnects by itself**: the connection manager replaces a dropped connection; while
///   Redis is down each call fails with [`BackendError::Redis`] (the store's
///   `ErrorKind::Backend`) in bounded time, and the calls after it is back succeed.
/// * Cheap to clone (an `Arc` and the manager's `Arc`).
///
/// Not for Redis Cluster: a user's index and their sessions are separate keys touched by one
/// script. A single Redis or Valkey (with replicas, Sentinel) serves any number of app
/// instances. Tested with Redis 7.
///
/// # Examples
///
/// ```no_run
/// use session_store::Policy;
/// use session_store_redis::{RedisBackend, RedisStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // `no_run`: this needs a Redis server (the crate's tests start one).
/// let backend = RedisBackend::<i64>::connect("redis://127.0.0.1:6379", Policy::default()).await?;
/// let store: RedisStore<i64> = backend.into_store();
/// let token = store.create(42).await?;
/// assert_eq!(store.load(&token).await?.map(|s| s.user_id), Some(42));
/// # Ok(()) }
/// ```
pub struct RedisBackend<U> {
    conn: ConnectionManager,
    prefix: Arc<str>,
    policy: Policy,
    /// The policy's idle timeout in seconds, at most `MAX_TTL`; -1 for none.
    idle: i64,
    user: PhantomData<fn() -> U>,
}

impl<U: UserId> RedisBackend<U> {
    /// Sessions in the Redis behind `conn`, under [`DEFAULT_PREFIX`], with key TTLs that
    /// follow `policy` (give the store the same one).
    ///
    /// Build `conn` with [`manager_config`] (or settings of your own); a lazy manager
    /// (`ConnectionManager::new_lazy_with_config`) lets the app start while Redis is down.
    ///
    /// # Examples
    ///
    /// ```
    /// use redis::aio::ConnectionManager;
    /// use session_store::Policy;
    /// use session_store_redis::{RedisBackend, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// // Lazy: connects on the first command, so this runs without a server.
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let backend = RedisBackend::<String>::new(conn, Policy::default());
    /// assert_eq!(backend.prefix(), "sessionkit:");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn new(conn: ConnectionManager, policy: Policy) -> Self {
        let idle = policy.idle_timeout().map_or(-1, |idle| {
            i64::try_from(idle.as_secs()).map_or(MAX_TTL, |secs| secs.min(MAX_TTL))
        });
        Self {
            conn,
            prefix: Arc::from(DEFAULT_PREFIX),
            policy,
            idle,
            user: PhantomData,
        }
    }

    /// Connects to Redis at `url` (`redis://[user:password@]host[:port][/db]`; `rediss://`
    /// needs one of redis's TLS features in your manifest) with [`manager_config`], and
    /// keeps sessions there as [`new`](Self::new) does.
    ///
    /// # Errors
    ///
    /// [`BackendError::Redis`] if the URL is invalid or Redis cannot be reached now.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use session_store::Policy;
    /// use session_store_redis::RedisBackend;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store_redis::BackendError> {
    /// // `no_run`: this needs a Redis server.
    /// let backend = RedisBackend::<i64>::connect("redis://127.0.0.1/0", Policy::default()).await?;
    /// # let _ = backend; Ok(()) }
    /// ```
    pub async fn connect(url: &str, policy: Policy) -> Result<Self, BackendError> {
        let client = redis::Client::open(url)?;
        let conn = ConnectionManager::new_with_config(client, manager_config()).await?;
        Ok(Self::new(conn, policy))
    }

    /// Keeps the sessions under `prefix` instead of [`DEFAULT_PREFIX`]: to share one Redis
    /// database between applications, or to run tests side by side.
    ///
    /// # Errors
    ///
    /// [`InvalidPrefix`] unless `prefix` is 1 to 64 characters of ASCII letters, digits and
    /// `:`, `_`, `-`, `.` (it goes into a `SCAN` pattern, so glob characters are refused).
    ///
    /// # Examples
    ///
    /// ```
    /// use redis::aio::ConnectionManager;
    /// use session_store::Policy;
    /// use session_store_redis::{RedisBackend, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let backend = RedisBackend::<i64>::new(conn, Policy::default());
    /// let backend = backend.with_prefix("shop:sessions:")?;
    /// assert_eq!(backend.prefix(), "shop:sessions:");
    /// assert!(backend.with_prefix("*").is_err());
    /// # Ok(()) }
    /// ```
    pub fn with_prefix(mut self, prefix: &str) -> Result<Self, InvalidPrefix> {
        let valid = (1..=64).contains(&prefix.len())
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b":_-.".contains(&b));
        if !valid {
            return Err(InvalidPrefix);
        }
        self.prefix = Arc::from(prefix);
        Ok(self)
    }

    /// The key prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// use redis::aio::ConnectionManager;
    /// use session_store::Policy;
    /// use session_store_redis::{RedisBackend, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let backend = RedisBackend::<i64>::new(conn, Policy::default()).with_prefix("app1:")?;
    /// assert_eq!(backend.prefix(), "app1:");
    /// assert_eq!(backend.user_key(&7), b"app1:u:7");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The policy the keys' TTLs follow.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use redis::aio::ConnectionManager;
    /// use session_store::Policy;
    /// use session_store_redis::{RedisBackend, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let policy = Policy::new(Duration::from_secs(8 * 3600));
    /// let backend = RedisBackend::<i64>::new(conn, policy);
    /// assert_eq!(backend.policy(), &policy);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The connection manager, for commands of your own (a clone shares its connection).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use session_store::Policy;
    /// use session_store_redis::RedisBackend;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // `no_run`: this needs a Redis server.
    /// let backend = RedisBackend::<i64>::connect("redis://127.0.0.1", Policy::default()).await?;
    /// let pong: String = redis::cmd("PING").query_async(&mut backend.connection().clone()).await?;
    /// assert_eq!(pong, "PONG");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn connection(&self) -> &ConnectionManager {
        &self.conn
    }

    /// A [`Store`] over this backend, with the backend's policy: the usual way to make one,
    /// so that the store and the keys' TTLs cannot disagree. (`Store::new(backend, policy)`
    /// works too, for another token length; pass the same policy.)
    ///
    /// # Examples
    ///
    /// ```
    /// use redis::aio::ConnectionManager;
    /// use session_store::Policy;
    /// use session_store_redis::{RedisBackend, RedisStore, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let store: RedisStore<i64> = RedisBackend::new(conn, Policy::default()).into_store();
    /// assert_eq!(store.policy(), &Policy::default());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn into_store(self) -> Store<Self> {
        let policy = self.policy;
        Store::new(self, policy)
    }

    /// The Redis key of the session stored under `key` (`Token::hash()`):
    /// `{prefix}s:` and 64 lowercase hex digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use redis::aio::ConnectionManager;
    /// use session_store::{Policy, Token};
    /// use session_store_redis::{RedisBackend, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let backend = RedisBackend::<i64>::new(conn, Policy::default());
    /// let token = Token::<32>::generate()?;
    /// let key = backend.session_key(&token.hash());
    /// assert_eq!(key.len(), "sessionkit:s:".len() + 64);
    /// assert!(key.starts_with("sessionkit:s:"));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn session_key(&self, key: &[u8; 32]) -> String {
        format!("{}s:{}", self.prefix, hex(key))
    }

    /// The Redis key of `user`'s index (a sorted set of their sessions' hex keys):
    /// `{prefix}u:` and the id's [`encode`](UserId::encode)d bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use redis::aio::ConnectionManager;
    /// use session_store::Policy;
    /// use session_store_redis::{RedisBackend, manager_config};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379")?;
    /// let conn = ConnectionManager::new_lazy_with_config(client, manager_config())?;
    /// let backend = RedisBackend::<i64>::new(conn, Policy::default());
    /// assert_eq!(backend.user_key(&42), b"sessionkit:u:42");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn user_key(&self, user: &U) -> Vec<u8> {
        let id = user.encode();
        let mut key = Vec::with_capacity(self.prefix.len() + 2 + id.len());
        key.extend_from_slice(self.prefix.as_bytes());
        key.extend_from_slice(b"u:");
        key.extend_from_slice(&id);
        key
    }

    /// A clone of the manager for one call (commands take it by `&mut`).
    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }
}

impl<U: UserId> Backend for RedisBackend<U> {
    type UserId = U;
    type Error = BackendError;

    async fn insert(&self, r: &Record<U>) -> Result<bool, BackendError> {
        let mut call = SCRIPTS.insert.prepare_invoke();
        call.key(self.session_key(&r.key))
            .key(self.user_key(&r.user_id))
            .arg(hex(&r.key))
            .arg(r.user_id.encode().as_ref())
            .arg(r.created_at)
            .arg(r.last_seen_at)
            .arg(r.expires_at)
            .arg(self.idle)
            .arg(self.prefix.as_ref())
            .arg(if r.label.is_some() { "1" } else { "0" })
            .arg(r.label.as_deref().unwrap_or_default())
            .arg(if r.persistent { "1" } else { "0" });
        let stored: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(stored == 1)
    }

    async fn get(&self, key: &[u8; 32]) -> Result<Option<Record<U>>, BackendError> {
        let fields: Vec<Option<Vec<u8>>> = redis::cmd("HMGET")
            .arg(self.session_key(key))
            .arg(&["user", "created", "seen", "expires", "label", "persistent"])
            .query_async(&mut self.conn())
            .await?;
        let [user, created, seen, expires, label, persistent] =
            <[_; 6]>::try_from(fields).map_err(|_| BackendError::Malformed)?;
        let Some(user) = user else {
            return Ok(None);
        };
        Ok(Some(Record {
            key: *key,
            user_id: U::decode(&user).ok_or(BackendError::Malformed)?,
            created_at: int(created.as_deref())?,
            last_seen_at: int(seen.as_deref())?,
            expires_at: int(expires.as_deref())?,
            label: text(label)?,
            persistent: flag(persistent.as_deref())?,
        }))
    }

    async fn touch(&self, key: &[u8; 32], now: i64) -> Result<bool, BackendError> {
        let mut call = SCRIPTS.touch.prepare_invoke();
        call.key(self.session_key(key))
            .arg(now)
            .arg(hex(key))
            .arg(self.prefix.as_ref())
            .arg(self.idle);
        let touched: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(touched == 1)
    }

    async fn rekey(
        &self,
        old: &[u8; 32],
        new: &[u8; 32],
        cutoff: Cutoff,
    ) -> Result<bool, BackendError> {
        let mut call = SCRIPTS.rekey.prepare_invoke();
        call.key(self.session_key(old))
            .key(self.session_key(new))
            .arg(hex(old))
            .arg(hex(new))
            .arg(cutoff.now)
            .arg(cutoff.seen_after)
            .arg(self.prefix.as_ref())
            .arg(self.idle);
        let moved: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(moved == 1)
    }

    async fn remove(&self, key: &[u8; 32]) -> Result<bool, BackendError> {
        let mut call = SCRIPTS.remove.prepare_invoke();
        call.key(self.session_key(key))
            .arg(hex(key))
            .arg(self.prefix.as_ref());
        let removed: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(removed > 0)
    }

    async fn remove_expired(&self, key: &[u8; 32], cutoff: Cutoff) -> Result<bool, BackendError> {
        let mut call = SCRIPTS.remove_expired.prepare_invoke();
        call.key(self.session_key(key))
            .arg(hex(key))
            .arg(self.prefix.as_ref())
            .arg(cutoff.now)
            .arg(cutoff.seen_after);
        let removed: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(removed == 1)
    }

    async fn remove_user(&self, user: &U, keep: Option<&[u8; 32]>) -> Result<u64, BackendError> {
        let mut call = SCRIPTS.remove_user.prepare_invoke();
        call.key(self.user_key(user))
            .arg(self.prefix.as_ref())
            .arg(user.encode().as_ref())
            .arg(keep.map(hex).unwrap_or_default());
        Ok(call.invoke_async(&mut self.conn()).await?)
    }

    async fn remove_handle(&self, user: &U, handle: &Handle) -> Result<bool, BackendError> {
        let mut call = SCRIPTS.remove_handle.prepare_invoke();
        call.key(self.user_key(user))
            .arg(self.prefix.as_ref())
            .arg(user.encode().as_ref())
            .arg(handle.to_string());
        let removed: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(removed == 1)
    }

    async fn list(&self, user: &U, cutoff: Cutoff) -> Result<Vec<Record<U>>, BackendError> {
        let mut call = SCRIPTS.list.prepare_invoke();
        call.key(self.user_key(user))
            .arg(self.prefix.as_ref())
            .arg(user.encode().as_ref())
            .arg(cutoff.now)
            .arg(cutoff.seen_after);
        let values: Vec<Option<Vec<u8>>> = call.invoke_async(&mut self.conn()).await?;
        let mut records = values
            .chunks(6)
            .map(|row| match row {
                [Some(member), created, seen, expires, label, persistent] => Ok(Record {
                    key: unhex(member).ok_or(BackendError::Malformed)?,
                    user_id: user.clone(),
                    created_at: int(created.as_deref())?,
                    last_seen_at: int(seen.as_deref())?,
                    expires_at: int(expires.as_deref())?,
                    label: text(label.clone())?,
                    persistent: flag(persistent.as_deref())?,
                }),
                _ => Err(BackendError::Malformed),
            })
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by_key(|r| (r.created_at, r.key));
        Ok(records)
    }

    async fn purge(&self, cutoff: Cutoff) -> Result<u64, BackendError> {
        let pattern = format!("{}s:*", self.prefix);
        let mut conn = self.conn();
        let mut cursor = 0_u64;
        let mut purged = 0;
        loop {
            let (next, keys): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT)
                .query_async(&mut conn)
                .await?;
            if !keys.is_empty() {
                let mut call = SCRIPTS.purge.prepare_invoke();
                for key in &keys {
                    call.key(key);
                }
                call.arg(self.prefix.as_ref())
                    .arg(cutoff.now)
                    .arg(cutoff.seen_after);
                let removed: u64 = call.invoke_async(&mut conn).await?;
                purged += removed;
            }
            if next == 0 {
                return Ok(purged);
            }
            cursor = next;
        }
    }
}

impl<U> Clone for RedisBackend<U> {
    fn clone(&self) -> Self {
        Self {
            conn: self.conn.clone(),
            prefix: Arc::clone(&self.prefix),
            policy: self.policy,
            idle: self.idle,
            user: PhantomData,
        }
    }
}

impl<U> fmt::Debug for RedisBackend<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBackend")
            .field("prefix", &self.prefix)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// The prefix given to [`RedisBackend::with_prefix`] is not 1 to 64 characters of ASCII
/// letters, digits, `:`, `_`, `-` and `.`. It never echoes the prefix.
///
/// # Examples
///
/// ```
/// use session_store_redis::InvalidPrefix;
///
/// assert_eq!(InvalidPrefix.to_string(), "not a valid session key prefix");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidPrefix;

impl fmt::Display for InvalidPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid session key prefix")
    }
}

impl std::error::Error for InvalidPrefix {}

/// Lowercase hex, as `Handle` writes it (so a handle is a prefix of its key's hex).
fn hex(bytes: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

/// The 32 bytes of 64 lowercase hex digits.
fn unhex(text: &[u8]) -> Option<[u8; 32]> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if text.len() != 64 {
        return None;
    }
    let mut key = [0; 32];
    for (byte, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(key)
}

/// A stored time: decimal digits.
fn int(field: Option<&[u8]>) -> Result<i64, BackendError> {
    field
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok())
        .ok_or(BackendError::Malformed)
}

/// The stored `persistent` flag: `1`, or absent for a browser-session cookie (and for
/// sessions stored before the field existed).
fn flag(field: Option<&[u8]>) -> Result<bool, BackendError> {
    match field {
        None => Ok(false),
        Some(b"1") => Ok(true),
        Some(_) => Err(BackendError::Malformed),
    }
}

/// A stored label: UTF-8, or absent.
fn text(field: Option<Vec<u8>>) -> Result<Option<String>, BackendError> {
    field
        .map(|bytes| String::from_utf8(bytes).map_err(|_| BackendError::Malformed))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_handles_are_its_prefix() {
        let mut key = [0; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::try_from(i * 8).unwrap_or(0);
        }
        let text = hex(&key);
        assert_eq!(text.len(), 64);
        assert_eq!(unhex(text.as_bytes()), Some(key));
        assert!(text.starts_with(&Handle::from_key(&key).to_string()));
        assert_eq!(unhex(text.to_uppercase().as_bytes()), None);
        assert_eq!(unhex(&text.as_bytes()[1..]), None);
    }

    /// A session stored before the `persistent` field existed (no such field) loads, lists
    /// and rotates as a browser-session cookie; a new one keeps the choice in the field.
    #[tokio::test(flavor = "current_thread")]
    async fn sessions_without_the_persistent_field_are_browser_sessions() {
        use session_store::{CookieLifetime, CreateOptions, Token};

        let Some(server) = crate::test_util::RedisServer::start_or_skip("persistent_field") else {
            return;
        };
        let backend = RedisBackend::<i64>::connect(&server.url(), Policy::default())
            .await
            .expect("connect");
        let store = backend.clone().into_store();
        let old = Token::<32>::generate().expect("OS RNG");
        let now = store.now();
        let mut conn = backend.conn();
        let key = backend.session_key(&old.hash());
        let () = redis::cmd("HSET")
            .arg(&key)
            .arg(&[
                "user",
                "7",
                "created",
                &now.to_string(),
                "seen",
                &now.to_string(),
            ])
            .arg(&["expires", &(now + 3600).to_string()])
            .query_async(&mut conn)
            .await
            .expect("HSET");
        let () = redis::cmd("ZADD")
            .arg(backend.user_key(&7))
            .arg((now + 3600) * 1000) // the instant its key expires, in ms
            .arg(hex(&old.hash()))
            .query_async(&mut conn)
            .await
            .expect("ZADD");
        let session = store
            .load(&old)
            .await
            .expect("load")
            .expect("the old session");
        assert!(!session.persistent);
        assert_eq!(session.cookie_lifetime(now), CookieLifetime::BrowserSession);
        let remembered = store
            .create_with(7, CreateOptions::new().with_persistent(true))
            .await
            .expect("create_with");
        let field: Option<String> = redis::cmd("HGET")
            .arg(backend.session_key(&remembered.hash()))
            .arg("persistent")
            .query_async(&mut conn)
            .await
            .expect("HGET");
        assert_eq!(field.as_deref(), Some("1"));
        let listed = store.list(&7).await.expect("list");
        let flags: Vec<bool> = listed.iter().map(|s| s.persistent).collect();
        assert_eq!(flags.iter().filter(|&&p| p).count(), 1, "{flags:?}");
        assert_eq!(flags.len(), 2);
        let rotated = store.rotate(&old).await.expect("rotate").expect("live");
        let session = store.load(&rotated).await.expect("load").expect("live");
        assert!(!session.persistent, "still a browser-session cookie");
        // A flag this crate never writes is a malformed record, not a guess.
        let () = redis::cmd("HSET")
            .arg(backend.session_key(&rotated.hash()))
            .arg(&["persistent", "yes"])
            .query_async(&mut conn)
            .await
            .expect("HSET");
        assert!(store.load(&rotated).await.is_err());
    }

    #[test]
    fn fields_parse_strictly() {
        assert_eq!(int(Some(b"-12")).ok(), Some(-12));
        assert!(int(Some(b"12x")).is_err());
        assert!(int(None).is_err());
        assert_eq!(text(None).ok(), Some(None));
        assert!(text(Some(vec![0xff])).is_err());
        assert_eq!(flag(None).ok(), Some(false));
        assert_eq!(flag(Some(b"1")).ok(), Some(true));
        assert!(flag(Some(b"0")).is_err());
        assert!(flag(Some(b"true")).is_err());
    }
}
