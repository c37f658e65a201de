use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use session_store::{Backend, Cutoff, Handle, Policy, Record, Store};

use crate::error::BackendError;
use crate::record::{self, FIELD};
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
///   with one field, `r`: the user id, the times, the cookie's kind and the label packed in
///   one value, so that a load is one `HGET` of one bulk string. A user's sessions are
///   indexed in `{prefix}u:{user id}` (a sorted set), for listing and revoking them.
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
            .arg(r.last_seen_at)
            .arg(r.expires_at)
            .arg(self.idle)
            .arg(self.prefix.as_ref())
            .arg(record::pack(r));
        let stored: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(stored == 1)
    }

    async fn get(&self, key: &[u8; 32]) -> Result<Option<Record<U>>, BackendError> {
        let packed: Option<Vec<u8>> = redis::cmd("HGET")
            .arg(self.session_key(key))
            .arg(FIELD)
            .query_async(&mut self.conn())
            .await?;
        packed
            .map(|bytes| record::unpack(*key, bytes, None))
            .transpose()
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
        let values: Vec<Vec<u8>> = call.invoke_async(&mut self.conn()).await?;
        if values.len() % 2 != 0 {
            return Err(BackendError::Malformed);
        }
        let mut records = Vec::with_capacity(values.len() / 2);
        let mut values = values.into_iter();
        while let (Some(member), Some(packed)) = (values.next(), values.next()) {
            let key = unhex(&member).ok_or(BackendError::Malformed)?;
            records.push(record::unpack(key, packed, Some(user))?);
        }
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

    /// The scripts read and rewrite the packed record as `record.rs` writes it: a touch and
    /// a rotation change `seen` alone, byte for byte; a hash without `r` (the layout before
    /// it) is no session; a record that is not the layout is the store's error.
    #[tokio::test(flavor = "current_thread")]
    async fn scripts_keep_the_packed_record() {
        use session_store::Cutoff;

        let Some(server) = crate::test_util::RedisServer::start_or_skip("packed_record") else {
            return;
        };
        let backend = RedisBackend::<String>::connect(&server.url(), Policy::default())
            .await
            .expect("connect");
        let mut conn = backend.conn();
        let stored = |key: [u8; 32]| {
            let mut conn = backend.conn();
            let key = backend.session_key(&key);
            async move {
                let packed: Option<Vec<u8>> = redis::cmd("HGET")
                    .arg(key)
                    .arg(FIELD)
                    .query_async(&mut conn)
                    .await
                    .expect("HGET");
                packed
            }
        };
        let r = Record {
            key: [1; 32],
            user_id: "ada:1:x".to_owned(),
            created_at: 1_000,
            last_seen_at: 1_000,
            expires_at: i64::MAX,
            label: Some("Firefox 1:2".to_owned()),
            persistent: true,
        };
        assert!(backend.insert(&r).await.expect("insert"));
        assert_eq!(stored([1; 32]).await, Some(record::pack(&r)));
        assert!(backend.touch(&[1; 32], 2_000).await.expect("touch"));
        let touched = Record {
            last_seen_at: 2_000,
            ..r.clone()
        };
        assert_eq!(stored([1; 32]).await, Some(record::pack(&touched)));
        assert_eq!(backend.get(&[1; 32]).await.expect("get"), Some(touched));
        let cutoff = Cutoff {
            now: 3_000,
            seen_after: 0,
        };
        assert!(
            backend
                .rekey(&[1; 32], &[2; 32], cutoff)
                .await
                .expect("rekey")
        );
        let moved = Record {
            key: [2; 32],
            last_seen_at: 3_000,
            ..r.clone()
        };
        assert_eq!(stored([2; 32]).await, Some(record::pack(&moved)));
        let listed = backend.list(&r.user_id, cutoff).await.expect("list");
        assert_eq!(listed, vec![moved]);

        // The layout before the packed record: no `r`, so no session.
        let old = backend.session_key(&[3; 32]);
        let () = redis::cmd("HSET")
            .arg(&old)
            .arg(&[
                "user", "ada:1:x", "created", "1", "seen", "1", "expires", "9",
            ])
            .query_async(&mut conn)
            .await
            .expect("HSET");
        assert_eq!(backend.get(&[3; 32]).await.expect("get"), None);
        assert!(!backend.touch(&[3; 32], 5).await.expect("touch"));

        // A record the scripts can read but this user id type cannot decode (not UTF-8), and
        // one with a label that is not UTF-8: errors, in a load and in a listing.
        let () = redis::cmd("HSET")
            .arg(backend.session_key(&[4; 32]))
            .arg(FIELD)
            .arg(&b"1:1:1:9:0:1:\xff"[..])
            .query_async(&mut conn)
            .await
            .expect("HSET");
        assert!(matches!(
            backend.get(&[4; 32]).await,
            Err(BackendError::Malformed)
        ));
        let () = redis::cmd("HSET")
            .arg(backend.session_key(&[2; 32]))
            .arg(FIELD)
            .arg(&b"1:1000:3000:9999999:2:7:ada:1:x\xff"[..])
            .query_async(&mut conn)
            .await
            .expect("HSET");
        assert!(matches!(
            backend.list(&r.user_id, cutoff).await,
            Err(BackendError::Malformed)
        ));
        assert!(matches!(
            backend.get(&[2; 32]).await,
            Err(BackendError::Malformed)
        ));
        // The scripts still find the user in it: revoking by user deletes it.
        assert_eq!(
            backend
                .remove_user(&r.user_id, None)
                .await
                .expect("remove_user"),
            1
        );
        assert_eq!(stored([2; 32]).await, None);
    }
}
