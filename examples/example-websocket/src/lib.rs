#![doc = include_str!("../README.md")]

pub mod actix_site;
pub mod axum_site;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use session_axum::{CrossOrigin, Loader, Token};
use session_store::{Backend as _, MemoryStore, Session};

/// The demo's session store: `session-store`'s in-memory backend, user ids as `i64`.
///
/// Any `session_store::Store` (SQLite, PostgreSQL, Redis) fits the same way: the sites only
/// create, revoke and load sessions.
///
/// # Examples
///
/// ```
/// use example_websocket::DemoStore;
/// use session_store::Policy;
///
/// let store = DemoStore::in_memory(Policy::default());
/// # let _ = store;
/// ```
pub type DemoStore = MemoryStore<i64>;

/// The one user of the demo: `POST /login` signs this user in.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), session_store::Error> {
/// use example_websocket::{DEMO_USER, DemoStore, Site};
/// use session_store::Policy;
///
/// let site = Site::new(DemoStore::in_memory(Policy::default()));
/// let token = site.login(None).await?;
/// let session = site.store().load(&token).await?.expect("a live session");
/// assert_eq!(session.user_id, DEMO_USER);
/// # Ok(()) }
/// ```
pub const DEMO_USER: i64 = 1;

/// The label of the sessions `POST /login` creates (what a "your sessions" page would show).
///
/// # Examples
///
/// ```
/// assert_eq!(example_websocket::SESSION_LABEL, "websocket demo");
/// ```
pub const SESSION_LABEL: &str = "websocket demo";

/// The method the upgrade request is checked as by [`CrossOrigin::check`]: `CONNECT`.
///
/// A WebSocket handshake over HTTP/1.1 is a `GET`, and `CrossOrigin` lets every `GET`
/// through (so do the adapters' `RequireSameOrigin` guards): a `GET` must not change state.
/// An upgrade does not fit that rule: browsers send cookies on cross-site WebSocket
/// handshakes, CORS does not apply, and the socket that follows acts as the signed-in user
/// (cross-site WebSocket hijacking). The sites therefore check the upgrade as the method the
/// same handshake has over HTTP/2 (extended `CONNECT`, RFC 8441), which is not exempt: the
/// browser's `Sec-Fetch-Site`, else its `Origin` against the request's host. A client that
/// sends neither (not a browser, so no ambient cookie) passes, as with the guards.
///
/// # Examples
///
/// ```
/// use example_websocket::UPGRADE_CHECK_METHOD;
/// use session_axum::session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};
///
/// let hijack = CrossOriginRequest::new(UPGRADE_CHECK_METHOD, b"/ws")
///     .with_host([b"127.0.0.1:3004".as_slice()])
///     .with_origin([b"https://evil.example".as_slice()]);
/// assert_eq!(CrossOrigin::new().check(&hijack), Err(CrossOriginRefusal::OriginMismatch));
///
/// // Checked as the GET it is on the wire, it would have passed.
/// let as_get = CrossOriginRequest::new(b"GET", b"/ws")
///     .with_host([b"127.0.0.1:3004".as_slice()])
///     .with_origin([b"https://evil.example".as_slice()]);
/// assert_eq!(CrossOrigin::new().check(&as_get), Ok(()));
/// ```
pub const UPGRADE_CHECK_METHOD: &[u8] = b"CONNECT";

/// How long a socket the server is closing waits for the client's close frame before it
/// drops the connection anyway: 5 seconds.
///
/// Waiting for it ends the connection cleanly (the client reads the end of the stream, not a
/// reset); the bound keeps a client that never answers from holding the connection open.
///
/// # Examples
///
/// ```
/// assert_eq!(example_websocket::CLOSE_TIMEOUT.as_secs(), 5);
/// ```
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest message a socket accepts, fragments joined: 64 KiB. A larger one ends the
/// socket.
///
/// # Examples
///
/// ```
/// assert_eq!(example_websocket::MAX_MESSAGE_BYTES, 65_536);
/// ```
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// How often an open socket checks its session again when no message has checked it
/// meanwhile: every 30 seconds by default ([`Site::with_recheck`] sets another interval).
///
/// A socket that receives nothing still learns that its session was revoked or expired, at
/// most one interval late. Each check is one store read per open socket, hence not much more
/// often than this.
///
/// # Examples
///
/// ```
/// use example_websocket::{DEFAULT_RECHECK, DemoStore, Site};
/// use session_store::Policy;
///
/// assert_eq!(DEFAULT_RECHECK.as_secs(), 30);
/// let site = Site::new(DemoStore::in_memory(Policy::default()));
/// assert_eq!(site.recheck(), DEFAULT_RECHECK);
/// ```
pub const DEFAULT_RECHECK: Duration = Duration::from_secs(30);

/// The shortest re-check interval: 100 milliseconds. [`Site::with_recheck`] raises a shorter
/// one (zero included) to it, so that a socket never spins on its timer.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use example_websocket::{DemoStore, MIN_RECHECK, Site};
/// use session_store::Policy;
///
/// let site = Site::new(DemoStore::in_memory(Policy::default())).with_recheck(Duration::ZERO);
/// assert_eq!(site.recheck(), MIN_RECHECK);
/// ```
pub const MIN_RECHECK: Duration = Duration::from_millis(100);

/// The close frame a socket gets when its session is over: a status code of RFC 6455
/// (section 7.4.1) and a short static reason, never anything about the session.
///
/// # Examples
///
/// ```
/// use example_websocket::{CHECK_FAILED, SESSION_ENDED};
///
/// assert_eq!((SESSION_ENDED.code, SESSION_ENDED.reason), (1008, "session ended"));
/// assert_eq!((CHECK_FAILED.code, CHECK_FAILED.reason), (1011, "session check failed"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseWith {
    /// The close code: 1008 (policy violation) or 1011 (internal error).
    pub code: u16,
    /// The close reason, at most a few words (a close frame holds 123 bytes of it).
    pub reason: &'static str,
}

/// The session was revoked (logout, "sign out everywhere") or expired: 1008, policy
/// violation.
///
/// # Examples
///
/// ```
/// use example_websocket::{SESSION_ENDED, Verdict};
///
/// assert_eq!(Verdict::Ended.close(), Some(SESSION_ENDED));
/// ```
pub const SESSION_ENDED: CloseWith = CloseWith {
    code: 1008,
    reason: "session ended",
};

/// The store could not answer whether the session is live: 1011, internal error. The socket
/// is closed rather than trusted.
///
/// # Examples
///
/// ```
/// use example_websocket::{CHECK_FAILED, Verdict};
///
/// assert_eq!(Verdict::Failed.close(), Some(CHECK_FAILED));
/// ```
pub const CHECK_FAILED: CloseWith = CloseWith {
    code: 1011,
    reason: "session check failed",
};

/// A loader the sites accept: token in, `session_store::Session<i64>` (or none) out, cheap to
/// clone. A `DemoStore` is one; so is your own loader around it.
///
/// # Examples
///
/// ```
/// use example_websocket::{DemoStore, SiteLoader};
///
/// fn accepts<L: SiteLoader>(_: &L) {}
/// accepts(&DemoStore::in_memory(session_store::Policy::default()));
/// ```
pub trait SiteLoader: Loader<User = Session<i64>> + Clone + Send + Sync + 'static {}

impl<L> SiteLoader for L where L: Loader<User = Session<i64>> + Clone + Send + Sync + 'static {}

/// What the session check found, before a message is answered or when the socket's timer
/// fires.
///
/// # Examples
///
/// ```
/// use example_websocket::Verdict;
///
/// assert_eq!(Verdict::Live.close(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The session is live: answer the message.
    Live,
    /// No such session any more (revoked, expired): close with [`SESSION_ENDED`].
    Ended,
    /// The loader failed: close with [`CHECK_FAILED`].
    Failed,
}

impl Verdict {
    /// The close frame this verdict calls for, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::Verdict;
    ///
    /// assert_eq!(Verdict::Ended.close().map(|c| c.code), Some(1008));
    /// ```
    #[must_use]
    pub const fn close(self) -> Option<CloseWith> {
        match self {
            Self::Live => None,
            Self::Ended => Some(SESSION_ENDED),
            Self::Failed => Some(CHECK_FAILED),
        }
    }
}

/// What both sites share: the session store (login, logout, and the socket's timer check),
/// the loader that decides whether a session is live (at the upgrade, through the adapter's
/// `User` extractor, and again before every message), the re-check interval of open sockets,
/// and the cross-origin rules (the guard on every route, and the explicit check of the
/// upgrade).
///
/// # Examples
///
/// ```
/// use example_websocket::{DemoStore, Site};
/// use session_axum::CrossOrigin;
/// use session_store::Policy;
///
/// # fn main() -> Result<(), session_axum::session_cookie::CrossOriginConfigError> {
/// let site = Site::new(DemoStore::in_memory(Policy::default()))
///     .with_cross_origin(CrossOrigin::new().with_trusted_origin("https://app.example.com")?);
/// let app = example_websocket::axum_site::router(site);
/// # let _ = app;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Site<L = DemoStore> {
    store: DemoStore,
    loader: L,
    guard: Arc<CrossOrigin>,
    recheck: Duration,
}

impl Site {
    /// The site over `store`, which is also its loader; no trusted origin; sockets re-checked
    /// every [`DEFAULT_RECHECK`].
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DemoStore, Site};
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()));
    /// assert_eq!(site.cross_origin().trusted_origins().count(), 0);
    /// ```
    #[must_use]
    pub fn new(store: DemoStore) -> Self {
        Self {
            loader: store.clone(),
            store,
            guard: Arc::new(CrossOrigin::new()),
            recheck: DEFAULT_RECHECK,
        }
    }
}

impl<L: SiteLoader> Site<L> {
    /// The same site with another loader, e.g. one that also reads your user record; login
    /// and logout still go to the store.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DemoStore, Site};
    /// use session_axum::Token;
    /// use session_store::Policy;
    ///
    /// let store = DemoStore::in_memory(Policy::default());
    /// let loader = {
    ///     let store = store.clone();
    ///     move |token: &Token| {
    ///         let (store, token) = (store.clone(), token.clone());
    ///         async move { store.load(&token).await }
    ///     }
    /// };
    /// let site = Site::new(store).with_loader(loader);
    /// # let _ = site;
    /// ```
    #[must_use]
    pub fn with_loader<M: SiteLoader>(self, loader: M) -> Site<M> {
        Site {
            store: self.store,
            loader,
            guard: self.guard,
            recheck: self.recheck,
        }
    }

    /// The same site with these cross-origin rules (trusted origins, bypassed paths), for the
    /// guard and for the upgrade.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DemoStore, Site};
    /// use session_axum::CrossOrigin;
    /// use session_store::Policy;
    ///
    /// # fn main() -> Result<(), session_axum::session_cookie::CrossOriginConfigError> {
    /// let guard = CrossOrigin::new().with_trusted_origin("https://app.example.com")?;
    /// let site = Site::new(DemoStore::in_memory(Policy::default())).with_cross_origin(guard);
    /// assert_eq!(site.cross_origin().trusted_origins().count(), 1);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn with_cross_origin(mut self, guard: CrossOrigin) -> Self {
        self.guard = Arc::new(guard);
        self
    }

    /// The same site with open sockets re-checked every `recheck` (when no message checked
    /// the session meanwhile) instead of every [`DEFAULT_RECHECK`]; an interval shorter than
    /// [`MIN_RECHECK`] is raised to it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use example_websocket::{DemoStore, Site};
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()))
    ///     .with_recheck(Duration::from_secs(10));
    /// assert_eq!(site.recheck(), Duration::from_secs(10));
    /// ```
    #[must_use]
    pub fn with_recheck(mut self, recheck: Duration) -> Self {
        self.recheck = recheck.max(MIN_RECHECK);
        self
    }

    /// How long an open socket goes without a session check before its timer checks again.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DEFAULT_RECHECK, DemoStore, Site};
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()));
    /// assert_eq!(site.recheck(), DEFAULT_RECHECK);
    /// ```
    #[must_use]
    pub fn recheck(&self) -> Duration {
        self.recheck
    }

    /// The session store.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DemoStore, Site};
    /// use session_store::Policy;
    ///
    /// let store = DemoStore::in_memory(Policy::default());
    /// let site = Site::new(store.clone());
    /// assert_eq!(site.store().policy(), store.policy());
    /// ```
    #[must_use]
    pub fn store(&self) -> &DemoStore {
        &self.store
    }

    /// The loader.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DemoStore, Site};
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()));
    /// let _loader: &DemoStore = site.loader();
    /// ```
    #[must_use]
    pub fn loader(&self) -> &L {
        &self.loader
    }

    /// The cross-origin rules.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_websocket::{DemoStore, Site};
    /// use session_axum::CrossOrigin;
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()));
    /// assert_eq!(site.cross_origin(), &CrossOrigin::new());
    /// ```
    #[must_use]
    pub fn cross_origin(&self) -> &CrossOrigin {
        &self.guard
    }

    /// Signs the demo user in: revokes the request's previous session, if it had one (session
    /// fixation defence: a token from before the login never becomes signed in), then creates
    /// a new one. The demo has no password; `example-axum` and `example-actix` show a real
    /// login form.
    ///
    /// # Errors
    ///
    /// The store's error, or the random number generator's (as the store reports it).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// use example_websocket::{DemoStore, Site};
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()));
    /// let first = site.login(None).await?;
    /// let second = site.login(Some(&first)).await?;
    /// assert_eq!(site.store().load(&first).await?, None, "the old session is gone");
    /// assert!(site.store().load(&second).await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn login(&self, previous: Option<&Token>) -> Result<Token, session_store::Error> {
        if let Some(previous) = previous {
            self.store.revoke(previous).await?;
        }
        self.store.create_labeled(DEMO_USER, SESSION_LABEL).await
    }

    /// Signs out: revokes the session of `token`, if any. Every socket opened with it closes
    /// on its next message, or within the re-check interval ([`Site::recheck`]) if it
    /// receives none.
    ///
    /// # Errors
    ///
    /// The store's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// use example_websocket::{DemoStore, Site, Verdict};
    /// use session_store::Policy;
    ///
    /// let site = Site::new(DemoStore::in_memory(Policy::default()));
    /// let token = site.login(None).await?;
    /// site.logout(Some(&token)).await?;
    /// assert_eq!(site.check(&token).await, Verdict::Ended);
    /// # Ok(()) }
    /// ```
    pub async fn logout(&self, token: Option<&Token>) -> Result<(), session_store::Error> {
        if let Some(token) = token {
            self.store.revoke(token).await?;
        }
        Ok(())
    }

    /// Asks the loader again whether the session of `token` is live: what a socket does
    /// before it answers each message. A loader failure is written to stderr (its error,
    /// never the token) and is a [`Verdict::Failed`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// use std::time::Duration;
    /// use example_websocket::{DemoStore, Site, Verdict};
    /// use session_store::{ManualClock, Policy};
    ///
    /// let clock = ManualClock::new(1_700_000_000);
    /// let policy = Policy::new(Duration::from_secs(3600));
    /// let site = Site::new(DemoStore::in_memory(policy).with_clock(clock.clone()));
    /// let token = site.login(None).await?;
    /// assert_eq!(site.check(&token).await, Verdict::Live);
    /// clock.advance(Duration::from_secs(3600)); // the absolute lifetime is over
    /// assert_eq!(site.check(&token).await, Verdict::Ended);
    /// # Ok(()) }
    /// ```
    pub async fn check(&self, token: &Token) -> Verdict {
        match self.loader.load(token).await {
            Ok(Some(_)) => Verdict::Live,
            Ok(None) => Verdict::Ended,
            Err(error) => {
                eprintln!("websocket: the session check failed: {error}");
                Verdict::Failed
            }
        }
    }

    /// Asks the store whether the session of `token` is still live, without recording
    /// activity: what a socket's timer does every [`Site::recheck`] while no message comes.
    ///
    /// Unlike [`Site::check`] (the loader, `Store::load`), it never touches the session: an
    /// open socket is not the user, so a silent socket does not keep the idle timeout from
    /// running out, and its timer then closes it. A store failure is written to stderr (its
    /// error, never the token) and is a [`Verdict::Failed`], as in `check`. It reads the
    /// store, not the loader: what a custom loader adds (say, a disabled user) is seen at the
    /// next message.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), session_store::Error> {
    /// use std::time::Duration;
    /// use example_websocket::{DemoStore, Site, Verdict};
    /// use session_store::{ManualClock, Policy};
    ///
    /// let clock = ManualClock::new(1_700_000_000);
    /// let idle = Duration::from_secs(600);
    /// let policy = Policy::new(Duration::from_secs(3600)).with_idle_timeout(Some(idle));
    /// let site = Site::new(DemoStore::in_memory(policy).with_clock(clock.clone()));
    /// let token = site.login(None).await?;
    /// clock.advance(Duration::from_secs(540));
    /// assert_eq!(site.peek(&token).await, Verdict::Live);
    /// clock.advance(Duration::from_secs(60)); // the peek above was no activity
    /// assert_eq!(site.peek(&token).await, Verdict::Ended);
    /// site.logout(Some(&token)).await?;
    /// assert_eq!(site.peek(&token).await, Verdict::Ended);
    /// # Ok(()) }
    /// ```
    pub async fn peek(&self, token: &Token) -> Verdict {
        let cutoff = self.store.cutoff();
        match self.store.backend().get(&token.hash()).await {
            Ok(Some(record)) if cutoff.is_live(record.expires_at, record.last_seen_at) => {
                Verdict::Live
            }
            Ok(_) => Verdict::Ended,
            Err(error) => {
                eprintln!("websocket: the session check failed: {error}");
                Verdict::Failed
            }
        }
    }
}

impl<L> fmt::Debug for Site<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Site")
            .field("store", &self.store)
            .field("cross_origin", &self.guard)
            .field("recheck", &self.recheck)
            .finish_non_exhaustive()
    }
}
