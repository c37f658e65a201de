//! The deterministic in-memory store behind every harness: token hash -> entry, with a call
//! counter.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use session_cookie::{Loader, SyncLoader};
use session_token::Token;

/// Text the failing loader puts in its error, beside the token: it must never reach a
/// response.
pub const STORE_SECRET: &str = "db at 10.0.0.7 refused: password hunter2";

/// What the loader returns for a live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestUser {
    /// The user's name, which the routes write into their bodies.
    pub name: String,
}

/// The failing loader's error: a careless one that names the store and the token.
#[derive(Debug)]
pub struct StoreError(String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// The tokens the table uses, each with a fixed value and a fixed loader behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownToken {
    /// A live session of `ada`: the loader finds it.
    Ada,
    /// A live session of `bob`: the loader finds it.
    Bob,
    /// A record past its expiry: the loader answers `Ok(None)`.
    Expired,
    /// The loader fails (`Err`) for it, with [`STORE_SECRET`] and the token in the error.
    Failing,
    /// Well-formed, never stored: the loader answers `Ok(None)`.
    Unknown,
}

impl KnownToken {
    /// Every known token.
    pub const ALL: [Self; 5] = [
        Self::Ada,
        Self::Bob,
        Self::Expired,
        Self::Failing,
        Self::Unknown,
    ];

    /// The token (fixed bytes, so runs are reproducible).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::KnownToken;
    /// assert_ne!(KnownToken::Ada.token(), KnownToken::Bob.token());
    /// ```
    #[must_use]
    pub fn token(self) -> Token<32> {
        let byte = match self {
            Self::Ada => 1,
            Self::Bob => 2,
            Self::Expired => 3,
            Self::Failing => 4,
            Self::Unknown => 5,
        };
        Token::from_bytes([byte; 32])
    }

    /// The token in its cookie form.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::KnownToken;
    /// assert_eq!(KnownToken::Ada.encoded().len(), 43);
    /// ```
    #[must_use]
    pub fn encoded(self) -> String {
        self.token().encode().as_str().to_owned()
    }

    /// `__Host-id=<token>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::KnownToken;
    /// assert!(KnownToken::Ada.pair().starts_with("__Host-id="));
    /// ```
    #[must_use]
    pub fn pair(self) -> String {
        cookie_pair(&self.token())
    }
}

/// `__Host-id=<token>`: the `Cookie` pair a browser sends back for `token` under the
/// [`proxy`](crate::proxy) every harness uses.
///
/// # Examples
///
/// ```
/// use session_conformance::{KnownToken, cookie_pair};
/// assert_eq!(cookie_pair(&KnownToken::Ada.token()), KnownToken::Ada.pair());
/// ```
#[must_use]
pub fn cookie_pair(token: &Token<32>) -> String {
    format!("__Host-id={}", token.encode().as_str())
}

#[derive(Debug, Clone)]
enum Entry {
    Live(TestUser),
    Expired,
    Failing,
}

/// Token hash -> entry, seeded with the [`KnownToken`]s, and the number of loader calls.
///
/// # Examples
///
/// ```
/// use session_conformance::{KnownToken, TestStore};
///
/// let store = TestStore::new();
/// assert!(store.contains(&KnownToken::Ada.token()));
/// assert!(!store.contains(&KnownToken::Unknown.token()));
/// assert_eq!(store.calls(), 0);
/// ```
#[derive(Debug)]
pub struct TestStore {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
    calls: AtomicUsize,
    failing: AtomicBool,
}

impl TestStore {
    /// A fresh store with the known entries.
    #[must_use]
    pub fn new() -> Arc<Self> {
        let user = |name: &str| {
            Entry::Live(TestUser {
                name: name.to_owned(),
            })
        };
        let entries = HashMap::from([
            (KnownToken::Ada.token().hash(), user("ada")),
            (KnownToken::Bob.token().hash(), user("bob")),
            (KnownToken::Expired.token().hash(), Entry::Expired),
            (KnownToken::Failing.token().hash(), Entry::Failing),
        ]);
        Arc::new(Self {
            entries: Mutex::new(entries),
            calls: AtomicUsize::new(0),
            failing: AtomicBool::new(false),
        })
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<[u8; 32], Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new session for `name` under a fresh random token, which it returns (what an
    /// adapter's own tests use to log a user in without the table's fixed tokens).
    ///
    /// # Panics
    ///
    /// If the operating system's random number generator fails (test-only code).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::TestStore;
    ///
    /// let store = TestStore::new();
    /// let token = store.login("ada");
    /// assert_eq!(store.name_of(&token).as_deref(), Some("ada"));
    /// ```
    #[must_use]
    pub fn login(&self, name: &str) -> Token<32> {
        let token = Token::generate().expect("the OS random number generator");
        self.insert(&token, name);
        token
    }

    /// From now on, every loader call fails (`fail(true)`) or answers from the entries again
    /// (`fail(false)`); the calls are still counted. The error carries [`STORE_SECRET`] and
    /// the token, like [`KnownToken::Failing`]'s.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::TestStore;
    ///
    /// let store = TestStore::new();
    /// store.fail(true);
    /// store.fail(false);
    /// ```
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Stores a live session for `name` (what the login route does).
    pub fn insert(&self, token: &Token<32>, name: &str) {
        let user = TestUser {
            name: name.to_owned(),
        };
        self.entries().insert(token.hash(), Entry::Live(user));
    }

    /// Deletes a record (what the login and logout routes do with the request's token).
    pub fn remove(&self, token: &Token<32>) {
        self.entries().remove(&token.hash());
    }

    /// Whether a record exists for `token`.
    #[must_use]
    pub fn contains(&self, token: &Token<32>) -> bool {
        self.entries().contains_key(&token.hash())
    }

    /// The name of the live session under `token`, if any.
    #[must_use]
    pub fn name_of(&self, token: &Token<32>) -> Option<String> {
        match self.entries().get(&token.hash()) {
            Some(Entry::Live(user)) => Some(user.name.clone()),
            _ => None,
        }
    }

    /// How many times the loader ran.
    #[must_use]
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The loader for this store.
    #[must_use]
    pub fn loader(self: &Arc<Self>) -> TestLoader {
        TestLoader(Arc::clone(self))
    }

    /// The [`SyncLoader`] for this store.
    #[must_use]
    pub fn sync_loader(self: &Arc<Self>) -> TestSyncLoader {
        TestSyncLoader(Arc::clone(self))
    }
}

/// Pending once, then ready: a real store awaits I/O, and an adapter that polls several
/// extractors together must not start a second call meanwhile.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// The [`Loader`] both harnesses use: counts every call, yields once, then answers from the
/// [`TestStore`].
///
/// # Examples
///
/// ```
/// use session_conformance::{TestLoader, TestStore};
/// fn assert_loader<L: session_cookie::Loader + Send + Sync + 'static>(_: &L) {}
/// assert_loader(&TestStore::new().loader());
/// ```
#[derive(Debug, Clone)]
pub struct TestLoader(Arc<TestStore>);

impl Loader<32> for TestLoader {
    type User = TestUser;
    type Error = StoreError;

    async fn load(&self, token: &Token<32>) -> Result<Option<TestUser>, StoreError> {
        self.0.calls.fetch_add(1, Ordering::SeqCst);
        YieldOnce(false).await;
        self.0.answer(token)
    }
}

/// The same store behind a [`SyncLoader`]: counts every call and answers at once (what
/// the adapters' `Sessions::new_sync` takes), so each harness runs the table through both
/// kinds of loader.
///
/// # Examples
///
/// ```
/// use session_conformance::TestStore;
/// fn assert_sync_loader<L: session_cookie::SyncLoader + Send + Sync + 'static>(_: &L) {}
/// assert_sync_loader(&TestStore::new().sync_loader());
/// ```
#[derive(Debug, Clone)]
pub struct TestSyncLoader(Arc<TestStore>);

impl SyncLoader<32> for TestSyncLoader {
    type User = TestUser;
    type Error = StoreError;

    fn load_sync(&self, token: &Token<32>) -> Result<Option<TestUser>, StoreError> {
        self.0.calls.fetch_add(1, Ordering::SeqCst);
        self.0.answer(token)
    }
}

impl TestStore {
    /// What both loaders answer for `token`.
    fn answer(&self, token: &Token<32>) -> Result<Option<TestUser>, StoreError> {
        let entry = if self.failing.load(Ordering::SeqCst) {
            Some(Entry::Failing)
        } else {
            self.entries().get(&token.hash()).cloned()
        };
        match entry {
            Some(Entry::Live(user)) => Ok(Some(user)),
            Some(Entry::Expired) | None => Ok(None),
            Some(Entry::Failing) => Err(StoreError(format!(
                "{STORE_SECRET}; key {}",
                token.encode().as_str()
            ))),
        }
    }
}
