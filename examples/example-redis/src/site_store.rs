//! [`SiteStore`]: the ready session store on Redis, and the site's accounts beside it.

use std::fmt;

use example_axum::SiteData;
use example_common::{HashPermit, SessionConfig, User};
use session_cookie::Loader;
use session_store::{Clock, Session, Token};
use session_store_redis::redis::aio::ConnectionManager;
use session_store_redis::{RedisBackend, RedisStore, manager_config, redis};

use crate::SiteError;
use crate::users::Users;

/// A signed-in request, as the site's loader returns it: the account and the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The account (its id and name), checked on every request.
    pub user: User,
    /// The session the request's cookie names: its handle marks "this session" on
    /// `/sessions`.
    pub session: Session<i64>,
}

/// Users and sessions in one Redis, shared by every instance of the site.
///
/// * The sessions are `session_store`'s [`Store`](session_store::Store) over
///   [`RedisBackend`] ([`sessions`](Self::sessions)): keys hold `hex(token.hash())`, TTLs
///   follow the policy, a per-user index for "your sessions" and "sign out everywhere".
/// * The accounts are the site's own keys (see the crate docs), read through the same
///   [`ConnectionManager`] (`session_store_redis::manager_config`: it reconnects by itself).
/// * As a [`Loader`] it is the store's load, then the account: a session of an account that
///   was deleted or disabled meanwhile is no session, on every instance at once.
///
/// A cheap, cloneable handle.
///
/// # Examples
///
/// ```no_run
/// use example_axum::SiteData as _;
/// use example_common::SessionConfig;
/// use example_redis::SiteStore;
/// use session_cookie::Loader as _;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // `no_run`: this needs a Redis server (the site's tests start their own).
/// let store = SiteStore::connect("redis://127.0.0.1:6379", SessionConfig::default()).await?;
/// let permit = example_common::LoginGate::new(Default::default())?.hash_permit().await;
/// let user = store.verify_password(permit, "demo", "demo").await?.ok_or("bad login")?;
/// let token = store.sessions().create_labeled(user.id, "curl/8.5").await?;
/// let signed_in = store.load(&token).await?.ok_or("no session")?;
/// assert_eq!(signed_in.user, user);
/// assert_eq!(signed_in.session.label.as_deref(), Some("curl/8.5"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SiteStore {
    sessions: RedisStore<i64>,
    users: Users,
}

impl SiteStore {
    /// Connects to Redis at `url` (such as `redis://127.0.0.1:6379`) with
    /// `session_store_redis::manager_config`, keeps sessions by `config`'s lifetimes, and
    /// creates the demo account if absent.
    ///
    /// # Errors
    ///
    /// [`SiteError::Connect`] if the URL is invalid or Redis cannot be reached;
    /// [`SiteError::Users`] or [`SiteError::Password`] if creating the demo account fails.
    pub async fn connect(url: &str, config: SessionConfig) -> Result<Self, SiteError> {
        let client = redis::Client::open(url).map_err(SiteError::Connect)?;
        let conn = ConnectionManager::new_with_config(client, manager_config())
            .await
            .map_err(SiteError::Connect)?;
        let sessions = RedisBackend::new(conn.clone(), config.policy()).into_store();
        let users = Users::new(conn).await?;
        Ok(Self { sessions, users })
    }

    /// Replaces the session store's time source (the system clock by default), e.g. with a
    /// [`ManualClock`](session_store::ManualClock) in tests. Redis's own TTLs still run on
    /// Redis's clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.sessions = self.sessions.with_clock(clock);
        self
    }
}

impl fmt::Debug for SiteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteStore")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

/// The site of `example-axum` runs on it ([`example_axum::serve`]).
impl SiteData for SiteStore {
    type Backend = RedisBackend<i64>;

    /// The session store: create, list and revoke sessions with it.
    fn sessions(&self) -> &RedisStore<i64> {
        &self.sessions
    }

    /// Checks a login: `Ok(Some(user))` if `name` exists, is not disabled and `password`
    /// matches, `Ok(None)` otherwise. Argon2 runs on the login gate's threads, holding
    /// `permit` until the hash is done, also for an unknown name (against a dummy hash, so
    /// the time taken does not tell which names exist). Re-creates the demo account first
    /// if Redis lost it.
    ///
    /// # Errors
    ///
    /// [`SiteError::Users`] or [`SiteError::Password`] (not: the password was wrong).
    async fn verify_password(
        &self,
        permit: HashPermit,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, SiteError> {
        self.users.verify_password(permit, name, password).await
    }

    fn account(signed_in: &SignedIn) -> &User {
        &signed_in.user
    }
}

impl Loader for SiteStore {
    type User = SignedIn;
    type Error = SiteError;

    /// The live session stored under `token.hash()` (one `HGET`; a touch at most once per
    /// touch interval) and its account (`HGET users:by-id`, `HMGET user:{name}`), or
    /// `Ok(None)` when either is gone: unknown, expired, revoked, or the account deleted or
    /// disabled. Never creates anything.
    async fn load(&self, token: &Token) -> Result<Option<SignedIn>, SiteError> {
        let Some(session) = self.sessions.load(token).await? else {
            return Ok(None);
        };
        let Some(user) = self.users.live_user(session.user_id).await? else {
            return Ok(None);
        };
        Ok(Some(SignedIn { user, session }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_is_a_send_sync_clone_handle() {
        fn assert_handle<S: Clone + Send + Sync + 'static>() {}
        assert_handle::<SiteStore>();
    }
}
