//! A backend wrapper that counts calls (queries) and can play dead.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use session_store::{Backend, Cutoff, Handle, Record};

/// How many times each [`Backend`] method was called: for an SQL backend, one statement each.
///
/// # Examples
///
/// ```
/// use session_store_conformance::Calls;
///
/// let calls = Calls { get: 3, touch: 1, ..Calls::default() };
/// assert_eq!((calls.reads(), calls.writes()), (3, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Calls {
    /// [`Backend::insert`].
    pub insert: u64,
    /// [`Backend::get`].
    pub get: u64,
    /// [`Backend::touch`].
    pub touch: u64,
    /// [`Backend::rekey`].
    pub rekey: u64,
    /// [`Backend::remove`].
    pub remove: u64,
    /// [`Backend::remove_expired`].
    pub remove_expired: u64,
    /// [`Backend::remove_user`].
    pub remove_user: u64,
    /// [`Backend::remove_handle`].
    pub remove_handle: u64,
    /// [`Backend::list`].
    pub list: u64,
    /// [`Backend::purge`].
    pub purge: u64,
}

impl Calls {
    /// Calls that only read (`get`, `list`).
    #[must_use]
    pub const fn reads(&self) -> u64 {
        self.get + self.list
    }

    /// Calls that may write: everything but `get` and `list`.
    #[must_use]
    pub const fn writes(&self) -> u64 {
        self.insert
            + self.touch
            + self.rekey
            + self.remove
            + self.remove_expired
            + self.remove_user
            + self.remove_handle
            + self.purge
    }

    /// Every call: the queries made.
    #[must_use]
    pub const fn total(&self) -> u64 {
        self.reads() + self.writes()
    }

    /// What happened between `earlier` and `self`.
    #[must_use]
    pub const fn since(&self, earlier: &Self) -> Self {
        Self {
            insert: self.insert - earlier.insert,
            get: self.get - earlier.get,
            touch: self.touch - earlier.touch,
            rekey: self.rekey - earlier.rekey,
            remove: self.remove - earlier.remove,
            remove_expired: self.remove_expired - earlier.remove_expired,
            remove_user: self.remove_user - earlier.remove_user,
            remove_handle: self.remove_handle - earlier.remove_handle,
            list: self.list - earlier.list,
            purge: self.purge - earlier.purge,
        }
    }
}

#[derive(Default)]
struct Counters([AtomicU64; 10]);

#[derive(Clone, Copy)]
enum Method {
    Insert,
    Get,
    Touch,
    Rekey,
    Remove,
    RemoveExpired,
    RemoveUser,
    RemoveHandle,
    List,
    Purge,
}

/// The failure of a [`Counted`] backend: the inner backend's, or the injected outage.
#[derive(Debug)]
pub enum CountedError<E> {
    /// The inner backend failed.
    Backend(E),
    /// [`Counted::set_down`] is on.
    Down,
}

impl<E: fmt::Display> fmt::Display for CountedError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Backend(err) => err.fmt(f),
            Self::Down => f.write_str("backend down (injected by the conformance suite)"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for CountedError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Backend(err) => Some(err),
            Self::Down => None,
        }
    }
}

/// A [`Backend`] in front of another that counts every call, and fails every call while
/// [`set_down`](Self::set_down) is on: the suite's instrument for "queries per request" and
/// for outages a backend cannot have for real.
///
/// # Examples
///
/// ```
/// use session_store::{MemoryBackend, Policy, Store};
/// use session_store_conformance::Counted;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), session_store::Error> {
/// let store = Store::<_>::new(Counted::new(MemoryBackend::<i64>::new()), Policy::default());
/// let token = store.create(1).await?;
/// store.load(&token).await?;
/// let calls = store.backend().calls();
/// assert_eq!((calls.insert, calls.get, calls.touch), (1, 1, 0));
/// store.backend().set_down(true);
/// assert!(store.load(&token).await.is_err());
/// # Ok(()) }
/// ```
pub struct Counted<B> {
    inner: B,
    counters: Counters,
    down: AtomicBool,
}

impl<B> Counted<B> {
    /// `inner`, counted, up.
    #[must_use]
    pub fn new(inner: B) -> Self {
        Self {
            inner,
            counters: Counters::default(),
            down: AtomicBool::new(false),
        }
    }

    /// The wrapped backend.
    #[must_use]
    pub const fn inner(&self) -> &B {
        &self.inner
    }

    /// The calls so far.
    #[must_use]
    pub fn calls(&self) -> Calls {
        let c = |m: Method| self.counters.0[m as usize].load(Ordering::SeqCst);
        Calls {
            insert: c(Method::Insert),
            get: c(Method::Get),
            touch: c(Method::Touch),
            rekey: c(Method::Rekey),
            remove: c(Method::Remove),
            remove_expired: c(Method::RemoveExpired),
            remove_user: c(Method::RemoveUser),
            remove_handle: c(Method::RemoveHandle),
            list: c(Method::List),
            purge: c(Method::Purge),
        }
    }

    /// Makes every call fail with [`CountedError::Down`] (`true`) or pass through again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Counts a call to `method` and runs it, unless the backend is down.
    async fn call<T, E, F>(
        &self,
        method: Method,
        run: impl FnOnce() -> F,
    ) -> Result<T, CountedError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        self.counters.0[method as usize].fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(CountedError::Down);
        }
        run().await.map_err(CountedError::Backend)
    }
}

impl<B: fmt::Debug> fmt::Debug for Counted<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counted")
            .field("inner", &self.inner)
            .field("calls", &self.calls())
            .finish()
    }
}

impl<B: Backend> Backend for Counted<B> {
    type UserId = B::UserId;
    type Error = CountedError<B::Error>;

    async fn insert(&self, record: &Record<B::UserId>) -> Result<bool, Self::Error> {
        self.call(Method::Insert, || self.inner.insert(record))
            .await
    }

    async fn get(&self, key: &[u8; 32]) -> Result<Option<Record<B::UserId>>, Self::Error> {
        self.call(Method::Get, || self.inner.get(key)).await
    }

    async fn touch(&self, key: &[u8; 32], now: i64) -> Result<bool, Self::Error> {
        self.call(Method::Touch, || self.inner.touch(key, now))
            .await
    }

    async fn rekey(
        &self,
        old: &[u8; 32],
        new: &[u8; 32],
        cutoff: Cutoff,
    ) -> Result<bool, Self::Error> {
        self.call(Method::Rekey, || self.inner.rekey(old, new, cutoff))
            .await
    }

    async fn remove(&self, key: &[u8; 32]) -> Result<bool, Self::Error> {
        self.call(Method::Remove, || self.inner.remove(key)).await
    }

    async fn remove_expired(&self, key: &[u8; 32], cutoff: Cutoff) -> Result<bool, Self::Error> {
        self.call(Method::RemoveExpired, || {
            self.inner.remove_expired(key, cutoff)
        })
        .await
    }

    async fn remove_user(
        &self,
        user: &B::UserId,
        keep: Option<&[u8; 32]>,
    ) -> Result<u64, Self::Error> {
        self.call(Method::RemoveUser, || self.inner.remove_user(user, keep))
            .await
    }

    async fn remove_handle(&self, user: &B::UserId, handle: &Handle) -> Result<bool, Self::Error> {
        self.call(Method::RemoveHandle, || {
            self.inner.remove_handle(user, handle)
        })
        .await
    }

    async fn list(
        &self,
        user: &B::UserId,
        cutoff: Cutoff,
    ) -> Result<Vec<Record<B::UserId>>, Self::Error> {
        self.call(Method::List, || self.inner.list(user, cutoff))
            .await
    }

    async fn purge(&self, cutoff: Cutoff) -> Result<u64, Self::Error> {
        self.call(Method::Purge, || self.inner.purge(cutoff)).await
    }
}
