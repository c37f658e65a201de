use std::fmt;
use std::future::Future;
use std::sync::Arc;

use session_cookie::Loader;
use session_token::Token;

use crate::backend::Backend;
use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::options::CreateOptions;
use crate::policy::{Cutoff, Policy};
use crate::session::{Handle, Record, Session};

/// The longest label a session keeps, in bytes; a longer one is cut at a character boundary.
pub const MAX_LABEL_BYTES: usize = 256;

/// How many fresh tokens [`Store::create`] tries before it gives up: a second CSPRNG token
/// colliding with a stored key means the generator is broken, not unlucky.
const CREATE_ATTEMPTS: usize = 3;

/// The session lifecycle over a [`Backend`]: create, load (enforcing the [`Policy`]), touch,
/// rotate, revoke, list and purge.
///
/// A cheap, cloneable handle (`Arc`s inside): put it in your application state, and hand a
/// clone to `Sessions::new` of `session-axum` or `session-actix`, because it implements
/// [`Loader`]. Its user is the [`Session`] record (user id, handle, times); see the crate
/// docs for mapping that to your own user type.
///
/// * Sessions are keyed by `Token::hash()` (SHA-256), never by the token: whoever reads the
///   backend (a backup, a replica, an injection) cannot make a cookie from it.
/// * A load is one [`Backend::get`]; it writes only to touch the session, at most once per
///   [touch interval](Policy::effective_touch_interval), and to delete a session it found
///   expired (lazy deletion).
/// * `N` is the token length in bytes, as in `CookieProxy<N>` (32 by default).
///
/// # Examples
///
/// ```
/// use session_store::{MemoryStore, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), session_store::Error> {
/// let store = MemoryStore::<i64>::in_memory(Policy::default());
///
/// let token = store.create(42).await?;                 // login: set the cookie to `token`
/// let session = store.load(&token).await?;             // each request
/// assert_eq!(session.map(|s| s.user_id), Some(42));
/// assert!(store.revoke(&token).await?);                // logout
/// assert_eq!(store.load(&token).await?, None);
/// # Ok(()) }
/// ```
pub struct Store<B, const N: usize = 32> {
    backend: Arc<B>,
    policy: Policy,
    clock: Arc<dyn Clock>,
}

impl<B: Backend, const N: usize> Store<B, N> {
    /// A store over `backend`, enforcing `policy`, on the [`SystemClock`].
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryBackend, Policy, Store};
    ///
    /// let store: Store<MemoryBackend<i64>> = Store::new(MemoryBackend::new(), Policy::default());
    /// # let _ = store;
    /// ```
    #[must_use]
    pub fn new(backend: B, policy: Policy) -> Self {
        Self {
            backend: Arc::new(backend),
            policy,
            clock: Arc::new(SystemClock),
        }
    }

    /// Replaces the time source, e.g. with a [`ManualClock`](crate::ManualClock) in tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{ManualClock, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let clock = ManualClock::new(1_700_000_000);
    /// let policy = Policy::new(Duration::from_secs(3600));
    /// let store = MemoryStore::<i64>::in_memory(policy).with_clock(clock.clone());
    /// let token = store.create(1).await?;
    /// clock.advance(Duration::from_secs(3600));
    /// assert_eq!(store.load(&token).await?, None, "gone at exactly the absolute lifetime");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The policy this store enforces.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// assert_eq!(store.policy(), &Policy::default());
    /// ```
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The backend, for what the store does not do (a pool for your own queries, a count).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// assert_eq!(store.backend().len(), 0);
    /// ```
    #[must_use]
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The store's clock reading, in unix seconds.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{ManualClock, MemoryStore, Policy};
    ///
    /// let store = MemoryStore::<i64>::in_memory(Policy::default()).with_clock(ManualClock::new(9));
    /// assert_eq!(store.now(), 9);
    /// ```
    #[must_use]
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// What "live" means now: the bounds to put in a query of your own (see the crate docs,
    /// "One round trip").
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{ManualClock, MemoryStore, Policy};
    ///
    /// let policy = Policy::default().with_idle_timeout(Some(Duration::from_secs(600)));
    /// let store = MemoryStore::<i64>::in_memory(policy).with_clock(ManualClock::new(1_000));
    /// assert_eq!(store.cutoff().seen_after, 400);
    /// ```
    #[must_use]
    pub fn cutoff(&self) -> Cutoff {
        self.policy.cutoff(self.now())
    }

    /// Creates a session for `user`: generates a token, stores only its hash, and returns the
    /// token for the cookie (`sessions.refresh(&token)` of the adapters writes it).
    ///
    /// Call it on login, after [`revoke`](Self::revoke) for any token the request carried
    /// (session fixation defence), or use [`rotate`](Self::rotate) instead. A key is never
    /// overwritten: if the first token's key were taken, another token is drawn.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Random`](crate::ErrorKind::Random) if the OS random number generator
    /// fails, [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend does.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let store = MemoryStore::<String>::in_memory(Policy::default());
    /// let a = store.create("ada".to_owned()).await?;
    /// let b = store.create("ada".to_owned()).await?;
    /// assert_ne!(a, b, "one token per session");
    /// assert_eq!(store.list(&"ada".to_owned()).await?.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, user: B::UserId) -> Result<Token<N>, Error> {
        self.create_with(user, CreateOptions::new()).await
    }

    /// [`create`](Self::create), with a label shown in [`list`](Self::list), such as the
    /// user agent or "Firefox on Linux". At most [`MAX_LABEL_BYTES`] are kept.
    ///
    /// # Errors
    ///
    /// As [`create`](Self::create).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MAX_LABEL_BYTES, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// store.create_labeled(1, &"é".repeat(200)).await?;
    /// let label = store.list(&1).await?.remove(0).label.unwrap_or_default();
    /// assert!(label.len() <= MAX_LABEL_BYTES && label.chars().all(|c| c == 'é'));
    /// # Ok(()) }
    /// ```
    pub async fn create_labeled(&self, user: B::UserId, label: &str) -> Result<Token<N>, Error> {
        self.create_with(user, CreateOptions::new().with_label(label))
            .await
    }

    /// [`create`](Self::create), with [`CreateOptions`]: a label, and whether the session's
    /// cookie is persistent ("remember me", chosen per login).
    ///
    /// The store keeps the choice with the session; write the cookie with the lifetime
    /// [`Policy::cookie_lifetime`] gives for it (`sessions.refresh_with(&token, lifetime)` of
    /// the adapters), and on later refreshes with
    /// [`Session::cookie_lifetime`](crate::Session::cookie_lifetime).
    ///
    /// # Errors
    ///
    /// As [`create`](Self::create).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{CookieLifetime, CreateOptions, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let remember_me = true; // from the login form
    /// let token = store.create_with(1, CreateOptions::new().with_persistent(remember_me)).await?;
    /// let lifetime = store.policy().cookie_lifetime(remember_me);
    /// assert_eq!(lifetime, CookieLifetime::Persistent(store.policy().absolute_lifetime()));
    /// assert!(store.load(&token).await?.ok_or("no session")?.persistent);
    /// # Ok(()) }
    /// ```
    pub async fn create_with(
        &self,
        user: B::UserId,
        options: CreateOptions<'_>,
    ) -> Result<Token<N>, Error> {
        for _ in 0..CREATE_ATTEMPTS {
            let token = Token::<N>::generate().map_err(Error::random)?;
            if self.insert_record(&token, user.clone(), options).await? {
                return Ok(token);
            }
        }
        Err(Error::already_exists())
    }

    /// Stores a session for `user` under `token.hash()`, for a token generated elsewhere
    /// (`sessions.start()` of the adapters). Never overwrites: if a session with this key
    /// exists, nothing is written and the result is an
    /// [`ErrorKind::AlreadyExists`](crate::ErrorKind::AlreadyExists) error.
    ///
    /// Only ever pass a token the server just generated: storing a token the client sent is
    /// session fixation.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AlreadyExists`](crate::ErrorKind::AlreadyExists), or
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{ErrorKind, MemoryStore, Policy};
    /// use session_store::session_token::Token;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let token = Token::<32>::generate()?; // or: let (token, start) = sessions.start()?;
    /// store.insert(&token, 7, Some("curl/8.5")).await?;
    /// let again = store.insert(&token, 8, None).await;
    /// assert_eq!(again.map_err(|e| e.kind()), Err(ErrorKind::AlreadyExists));
    /// assert_eq!(store.load(&token).await?.map(|s| s.user_id), Some(7), "not overwritten");
    /// # Ok(()) }
    /// ```
    pub async fn insert(
        &self,
        token: &Token<N>,
        user: B::UserId,
        label: Option<&str>,
    ) -> Result<(), Error> {
        let options = CreateOptions::new();
        let options = match label {
            Some(label) => options.with_label(label),
            None => options,
        };
        self.insert_with(token, user, options).await
    }

    /// [`insert`](Self::insert), with [`CreateOptions`]: a label, and whether the session's
    /// cookie is persistent. For a token from the adapters' `start_with(lifetime)`: pass the
    /// same choice here.
    ///
    /// # Errors
    ///
    /// As [`insert`](Self::insert).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{CreateOptions, MemoryStore, Policy};
    /// use session_store::session_token::Token;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let token = Token::<32>::generate()?; // or: sessions.start_with(lifetime)?
    /// store.insert_with(&token, 7, CreateOptions::new().with_persistent(true)).await?;
    /// assert!(store.load(&token).await?.ok_or("no session")?.persistent);
    /// # Ok(()) }
    /// ```
    pub async fn insert_with(
        &self,
        token: &Token<N>,
        user: B::UserId,
        options: CreateOptions<'_>,
    ) -> Result<(), Error> {
        if self.insert_record(token, user, options).await? {
            Ok(())
        } else {
            Err(Error::already_exists())
        }
    }

    async fn insert_record(
        &self,
        token: &Token<N>,
        user_id: B::UserId,
        options: CreateOptions<'_>,
    ) -> Result<bool, Error> {
        let now = self.now();
        let record = Record {
            key: token.hash(),
            user_id,
            created_at: now,
            last_seen_at: now,
            expires_at: self.policy.expires_at(now),
            label: options.label().map(clip_label),
            persistent: options.persistent(),
        };
        self.backend.insert(&record).await.map_err(Error::backend)
    }

    /// The live session stored under `token.hash()`, or `Ok(None)` when there is none, it is
    /// past its absolute lifetime, or it has been idle too long. What the [`Loader`] impl
    /// runs on every authenticated request.
    ///
    /// One read; a write only to record activity, at most once per touch interval, or to
    /// delete the session it found expired. Never creates a session.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{ManualClock, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let clock = ManualClock::new(1_000);
    /// let policy = Policy::default().with_idle_timeout(Some(Duration::from_secs(600)));
    /// let store = MemoryStore::<i64>::in_memory(policy).with_clock(clock.clone());
    /// let token = store.create(1).await?;
    /// clock.advance(Duration::from_secs(599));
    /// assert!(store.load(&token).await?.is_some(), "touched: idle counts from now");
    /// clock.advance(Duration::from_secs(600));
    /// assert_eq!(store.load(&token).await?, None, "idle for the whole timeout");
    /// assert!(store.backend().is_empty(), "deleted when found expired");
    /// # Ok(()) }
    /// ```
    pub async fn load(&self, token: &Token<N>) -> Result<Option<Session<B::UserId>>, Error> {
        let key = token.hash();
        let cutoff = self.cutoff();
        let Some(mut record) = self.backend.get(&key).await.map_err(Error::backend)? else {
            return Ok(None);
        };
        if !cutoff.is_live(record.expires_at, record.last_seen_at) {
            self.backend
                .remove_expired(&key, cutoff)
                .await
                .map_err(Error::backend)?;
            return Ok(None);
        }
        if self.policy.touch_due(record.last_seen_at, cutoff.now)
            && self
                .backend
                .touch(&key, cutoff.now)
                .await
                .map_err(Error::backend)?
        {
            record.last_seen_at = cutoff.now;
        }
        Ok(Some(self.session(record)))
    }

    /// Records activity on the session under `token.hash()` if `last_seen_at` (as your own
    /// query read it) is at least one touch interval old; whether it wrote.
    ///
    /// Only for loaders that read the session themselves, in one query joined with the user
    /// (see the crate docs, "One round trip"); [`load`](Self::load) touches on its own.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{ManualClock, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let clock = ManualClock::new(1_000);
    /// let store = MemoryStore::<i64>::in_memory(Policy::default()).with_clock(clock.clone());
    /// let token = store.create(1).await?;
    /// assert!(!store.touch(&token, 1_000).await?, "within the interval: no write");
    /// clock.advance(Duration::from_secs(60));
    /// assert!(store.touch(&token, 1_000).await?);
    /// # Ok(()) }
    /// ```
    pub async fn touch(&self, token: &Token<N>, last_seen_at: i64) -> Result<bool, Error> {
        let now = self.now();
        if !self.policy.touch_due(last_seen_at, now) {
            return Ok(false);
        }
        self.backend
            .touch(&token.hash(), now)
            .await
            .map_err(Error::backend)
    }

    /// Replaces the session's token: a new token for the same session (same user, label,
    /// absolute deadline and cookie persistence), and the old token is dead at once. `Ok(None)` if `token` names no
    /// live session.
    ///
    /// Use it when privileges change (login over an existing session, sudo mode, a password
    /// change), then set the cookie to the new token.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Random`](crate::ErrorKind::Random) if the OS random number generator
    /// fails, [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend does.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let old = store.create(1).await?;
    /// let new = store.rotate(&old).await?.ok_or("not live")?;
    /// assert_eq!(store.load(&old).await?, None);
    /// assert_eq!(store.load(&new).await?.map(|s| s.user_id), Some(1));
    /// assert_eq!(store.rotate(&old).await?, None);
    /// # Ok(()) }
    /// ```
    pub async fn rotate(&self, token: &Token<N>) -> Result<Option<Token<N>>, Error> {
        let new = Token::<N>::generate().map_err(Error::random)?;
        let moved = self
            .backend
            .rekey(&token.hash(), &new.hash(), self.cutoff())
            .await
            .map_err(Error::backend)?;
        Ok(moved.then_some(new))
    }

    /// Ends the session under `token.hash()` (logout); whether there was one.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let token = store.create(1).await?;
    /// assert!(store.revoke(&token).await?);
    /// assert!(!store.revoke(&token).await?);
    /// # Ok(()) }
    /// ```
    pub async fn revoke(&self, token: &Token<N>) -> Result<bool, Error> {
        self.backend
            .remove(&token.hash())
            .await
            .map_err(Error::backend)
    }

    /// Ends every session of `user` ("sign out everywhere", a password change); how many.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let phone = store.create(1).await?;
    /// let laptop = store.create(1).await?;
    /// let someone_else = store.create(2).await?;
    /// assert_eq!(store.revoke_user(&1).await?, 2);
    /// assert_eq!(store.load(&phone).await?, None);
    /// assert_eq!(store.load(&laptop).await?, None);
    /// assert!(store.load(&someone_else).await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn revoke_user(&self, user: &B::UserId) -> Result<u64, Error> {
        self.backend
            .remove_user(user, None)
            .await
            .map_err(Error::backend)
    }

    /// Ends every other session of the user whose live session `current` is ("sign out my
    /// other devices"); how many. `Ok(0)` if `current` names no live session: the store then
    /// cannot tell whose sessions to end.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let here = store.create(1).await?;
    /// let there = store.create(1).await?;
    /// assert_eq!(store.revoke_others(&here).await?, 1);
    /// assert!(store.load(&here).await?.is_some());
    /// assert_eq!(store.load(&there).await?, None);
    /// # Ok(()) }
    /// ```
    pub async fn revoke_others(&self, current: &Token<N>) -> Result<u64, Error> {
        let key = current.hash();
        let cutoff = self.cutoff();
        let Some(record) = self.backend.get(&key).await.map_err(Error::backend)? else {
            return Ok(0);
        };
        if !cutoff.is_live(record.expires_at, record.last_seen_at) {
            return Ok(0);
        }
        self.backend
            .remove_user(&record.user_id, Some(&key))
            .await
            .map_err(Error::backend)
    }

    /// The live sessions of `user`, oldest first: for a "where you are signed in" page. Each
    /// has a [`Handle`] to revoke it with [`revoke_handle`](Self::revoke_handle); compare it
    /// with the current request's `Session::handle` to mark "this device".
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let current = store.create_labeled(1, "this laptop").await?;
    /// store.create_labeled(1, "a phone").await?;
    /// let me = store.load(&current).await?.ok_or("no session")?;
    /// for session in store.list(&me.user_id).await? {
    ///     let here = if session.handle == me.handle { " (this device)" } else { "" };
    ///     println!("{}{here}: /sessions/{}/revoke", session.label.unwrap_or_default(), session.handle);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, user: &B::UserId) -> Result<Vec<Session<B::UserId>>, Error> {
        let records = self
            .backend
            .list(user, self.cutoff())
            .await
            .map_err(Error::backend)?;
        Ok(records.into_iter().map(|r| self.session(r)).collect())
    }

    /// Ends the session named by `handle`, only if it belongs to `user`; whether one ended.
    ///
    /// Pass the **signed-in** user's id, never one from the request: a handle is not a
    /// secret, and this check is what stops one user from ending another's session.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Handle, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// let phone = store.create(1).await?;
    /// let handle: Handle = store.list(&1).await?[0].handle.to_string().parse()?;
    /// assert!(!store.revoke_handle(&2, &handle).await?, "user 2 cannot end user 1's session");
    /// assert!(store.revoke_handle(&1, &handle).await?);
    /// assert_eq!(store.load(&phone).await?, None);
    /// # Ok(()) }
    /// ```
    pub async fn revoke_handle(&self, user: &B::UserId, handle: &Handle) -> Result<bool, Error> {
        self.backend
            .remove_handle(user, handle)
            .await
            .map_err(Error::backend)
    }

    /// Deletes every session past its absolute lifetime or idle timeout; how many. Never a
    /// live one.
    ///
    /// Expired sessions are already invisible to every other operation, and a load deletes
    /// the one it finds; this reclaims the rest. Call it now and then (at start-up, from a
    /// timer).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Backend`](crate::ErrorKind::Backend) if the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{ManualClock, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// let clock = ManualClock::new(0);
    /// let store = MemoryStore::<i64>::in_memory(Policy::new(Duration::from_secs(100)))
    ///     .with_clock(clock.clone());
    /// store.create(1).await?;
    /// clock.advance(Duration::from_secs(50));
    /// let live = store.create(1).await?;
    /// clock.advance(Duration::from_secs(50));
    /// assert_eq!(store.purge_expired().await?, 1);
    /// assert!(store.load(&live).await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn purge_expired(&self) -> Result<u64, Error> {
        self.backend
            .purge(self.cutoff())
            .await
            .map_err(Error::backend)
    }

    fn session(&self, record: Record<B::UserId>) -> Session<B::UserId> {
        Session {
            handle: record.handle(),
            idle_expires_at: self.policy.idle_expires_at(record.last_seen_at),
            user_id: record.user_id,
            created_at: record.created_at,
            last_seen_at: record.last_seen_at,
            expires_at: record.expires_at,
            label: record.label,
            persistent: record.persistent,
        }
    }
}

/// `label`, cut to at most [`MAX_LABEL_BYTES`] at a character boundary.
fn clip_label(label: &str) -> String {
    let mut end = label.len().min(MAX_LABEL_BYTES);
    while !label.is_char_boundary(end) {
        end -= 1;
    }
    label[..end].to_owned()
}

impl<B: Backend, const N: usize> Loader<N> for Store<B, N> {
    type User = Session<B::UserId>;
    type Error = Error;

    /// [`Store::load`]: the live session, `Ok(None)` for none, expired or revoked.
    fn load(
        &self,
        token: &Token<N>,
    ) -> impl Future<Output = Result<Option<Session<B::UserId>>, Error>> + Send {
        Self::load(self, token)
    }
}

impl<B, const N: usize> Clone for Store<B, N> {
    fn clone(&self) -> Self {
        Self {
            backend: Arc::clone(&self.backend),
            policy: self.policy,
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<B: fmt::Debug, const N: usize> fmt::Debug for Store<B, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_clipped_at_a_char_boundary() {
        assert_eq!(clip_label("Firefox"), "Firefox");
        let long = "€".repeat(100); // 3 bytes each
        let clipped = clip_label(&long);
        assert_eq!(clipped.len(), 255);
        assert!(clipped.chars().all(|c| c == '€'));
        assert_eq!(clip_label(&"a".repeat(300)).len(), MAX_LABEL_BYTES);
    }
}
