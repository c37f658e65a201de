//! A [`Loader`] behind a trait object: what an adapter stores in its configuration.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use session_token::Token;

use crate::{Loader, SyncLoader};

/// A loader's error with its type erased, shareable between every place that reports it
/// (a per-request cache, each rejection). It is the application's error, unchanged, behind
/// an `Arc`; it may describe the store (and, if the loader is careless, the token), so log
/// it and never send it in a response.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use session_cookie::adapter::LoadError;
///
/// let err: LoadError = Arc::new(std::io::Error::other("db down"));
/// assert_eq!(err.to_string(), "db down");
/// ```
pub type LoadError = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// The future of [`DynLoader::load`] (`'static`: it owns a handle to the loader and the
/// token, so it borrows nothing from the request) and of [`DynLoader::load_ref`] (borrowing
/// both for `'a`): boxed once, `Send`.
///
/// # Examples
///
/// ```
/// use session_cookie::Token;
/// use session_cookie::adapter::{DynLoader, LoadFuture};
///
/// fn start(loader: &DynLoader<u64>, token: Token) -> LoadFuture<'static, u64> {
///     loader.load(token) // may be stored, shared or spawned: it is 'static
/// }
/// # let _ = start;
/// ```
pub type LoadFuture<'a, U> =
    Pin<Box<dyn Future<Output = Result<Option<U>, LoadError>> + Send + 'a>>;

/// Which loader a [`DynLoader`] is: equal for a loader and its clones, different for two
/// loaders made by two calls of [`DynLoader::new`], for the life of the process.
///
/// `Copy` and free to compare: adapters key their per-request cache by it without holding a
/// handle to the loader.
///
/// # Examples
///
/// ```
/// use session_cookie::Token;
/// use session_cookie::adapter::DynLoader;
///
/// async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
/// let a: DynLoader<u64> = DynLoader::new(load_user);
/// let b: DynLoader<u64> = DynLoader::new(load_user);
/// assert_eq!(a.id(), a.clone().id());
/// assert_ne!(a.id(), b.id());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoaderId(u64);

impl LoaderId {
    /// A new id, never handed out before in this process (a 64-bit counter does not wrap).
    fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Any [`Loader`] whose user type is `U`, behind an `Arc`: named by `U` and `N` alone, so an
/// adapter's configuration type does not name the loader's type (an `async fn` loader has a
/// type no one can write).
///
/// Cloning is cheap (an `Arc`), and clones have the same [`id`](Self::id). Each
/// [`load`](Self::load) or [`load_ref`](Self::load_ref) boxes the loader's future once and
/// erases its error to a [`LoadError`]; nothing else changes: `Ok(None)` is still "no such session", `Err` still
/// "the store failed", and the loader is called exactly once per `load`.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
/// use session_cookie::Token;
/// use session_cookie::adapter::DynLoader;
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
///
/// async fn load_user(token: &Token) -> Result<Option<String>, Infallible> {
///     Ok((token.as_bytes()[0] == 1).then(|| "ada".to_owned()))
/// }
///
/// let loader: DynLoader<String> = DynLoader::new(load_user);
/// let user = block_on(loader.load(Token::from_bytes([1; 32])));
/// assert_eq!(user.ok().flatten().as_deref(), Some("ada"));
/// assert!(block_on(loader.load(Token::from_bytes([2; 32]))).is_ok_and(|u| u.is_none()));
/// ```
pub struct DynLoader<U, const N: usize = 32> {
    inner: Arc<dyn Erased<U, N>>,
    id: LoaderId,
}

/// One call of a [`DynLoader`], as [`start`](DynLoader::start) and
/// [`start_ref`](DynLoader::start_ref) begin it: already answered (a [`SyncLoader`], called
/// in place: nothing boxed), or a future to await (a [`Loader`]).
///
/// # Examples
///
/// ```
/// use session_cookie::Token;
/// use session_cookie::adapter::{DynLoader, LoadCall};
///
/// let loader: DynLoader<u64> = DynLoader::new_sync(|t: &Token| {
///     Ok::<_, std::io::Error>(Some(u64::from(t.as_bytes()[0])))
/// });
/// let token = Token::from_bytes([7; 32]);
/// match loader.start_ref(&token) {
///     LoadCall::Done(outcome) => assert_eq!(outcome.unwrap(), Some(7)),
///     LoadCall::Pending(_future) => unreachable!("a sync loader answers at once"),
/// }
/// ```
pub enum LoadCall<'a, U> {
    /// The loader's answer, its error erased as in [`LoadFuture`].
    Done(Result<Option<U>, LoadError>),
    /// The loader's future, boxed once.
    Pending(LoadFuture<'a, U>),
}

impl<U> LoadCall<'_, U> {
    /// `true` if the loader has already answered ([`Done`](Self::Done)).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::adapter::LoadCall;
    ///
    /// assert!(LoadCall::<'_, u64>::Done(Ok(None)).is_done());
    /// ```
    #[must_use]
    pub const fn is_done(&self) -> bool {
        matches!(self, Self::Done(_))
    }

    /// The answer, awaiting the future if there is one.
    ///
    /// # Errors
    ///
    /// The loader's error, as a [`LoadError`], when the store failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::DynLoader;
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
    /// # }
    ///
    /// async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(Some(1)) }
    /// let loader: DynLoader<u64> = DynLoader::new(load_user);
    /// let token = Token::from_bytes([7; 32]);
    /// assert_eq!(block_on(loader.start_ref(&token).outcome()).unwrap(), Some(1));
    /// ```
    pub async fn outcome(self) -> Result<Option<U>, LoadError> {
        match self {
            Self::Done(outcome) => outcome,
            Self::Pending(future) => future.await,
        }
    }
}

impl<U> fmt::Debug for LoadCall<'_, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Done(_) => "LoadCall::Done(..)",
            Self::Pending(_) => "LoadCall::Pending(..)",
        })
    }
}

/// [`Loader`] with a boxed future (owning or borrowing) and an erased error; or a
/// [`SyncLoader`] (in [`Immediate`]) answering in place.
trait Erased<U, const N: usize>: Send + Sync {
    fn load_owned(self: Arc<Self>, token: Token<N>) -> LoadFuture<'static, U>;
    fn load_ref<'a>(&'a self, token: &'a Token<N>) -> LoadFuture<'a, U>;
    /// `this` is the `Arc` that holds `self`: an async loader's owning future clones it.
    fn start_owned(&self, this: &Arc<dyn Erased<U, N>>, token: Token<N>) -> LoadCall<'static, U>;
    fn start_ref<'a>(&'a self, token: &'a Token<N>) -> LoadCall<'a, U>;
}

fn erase<E: std::error::Error + Send + Sync + 'static>(error: E) -> LoadError {
    Arc::new(error)
}

impl<L, const N: usize> Erased<L::User, N> for L
where
    L: Loader<N> + Send + Sync + 'static,
    L::User: 'static,
{
    fn load_owned(self: Arc<Self>, token: Token<N>) -> LoadFuture<'static, L::User> {
        Box::pin(async move { Loader::load(&*self, &token).await.map_err(erase) })
    }

    fn load_ref<'a>(&'a self, token: &'a Token<N>) -> LoadFuture<'a, L::User> {
        Box::pin(async move { Loader::load(self, token).await.map_err(erase) })
    }

    fn start_owned(
        &self,
        this: &Arc<dyn Erased<L::User, N>>,
        token: Token<N>,
    ) -> LoadCall<'static, L::User> {
        LoadCall::Pending(Arc::clone(this).load_owned(token))
    }

    fn start_ref<'a>(&'a self, token: &'a Token<N>) -> LoadCall<'a, L::User> {
        LoadCall::Pending(self.load_ref(token))
    }
}

/// A [`SyncLoader`] behind the same trait object: its answer is ready before any future
/// exists (the `load*` forms wrap it in a ready one).
struct Immediate<L>(L);

impl<L, const N: usize> Erased<L::User, N> for Immediate<L>
where
    L: SyncLoader<N> + Send + Sync + 'static,
    L::User: Send + 'static,
{
    fn load_owned(self: Arc<Self>, token: Token<N>) -> LoadFuture<'static, L::User> {
        let outcome = self.0.load_sync(&token).map_err(erase);
        Box::pin(core::future::ready(outcome))
    }

    fn load_ref<'a>(&'a self, token: &'a Token<N>) -> LoadFuture<'a, L::User> {
        let outcome = self.0.load_sync(token).map_err(erase);
        Box::pin(core::future::ready(outcome))
    }

    fn start_owned(
        &self,
        _: &Arc<dyn Erased<L::User, N>>,
        token: Token<N>,
    ) -> LoadCall<'static, L::User> {
        LoadCall::Done(self.0.load_sync(&token).map_err(erase))
    }

    fn start_ref<'a>(&'a self, token: &'a Token<N>) -> LoadCall<'a, L::User> {
        LoadCall::Done(self.0.load_sync(token).map_err(erase))
    }
}

impl<U: 'static, const N: usize> DynLoader<U, N> {
    /// Erases `loader`'s type.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::DynLoader;
    ///
    /// async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let loader: DynLoader<u64> = DynLoader::new(load_user);
    /// # let _ = loader;
    /// ```
    #[must_use]
    pub fn new<L>(loader: L) -> Self
    where
        L: Loader<N, User = U> + Send + Sync + 'static,
    {
        Self {
            inner: Arc::new(loader),
            id: LoaderId::next(),
        }
    }

    /// Erases `loader`'s type, for a loader that answers at once ([`SyncLoader`]): the
    /// [`start`](Self::start) and [`start_ref`](Self::start_ref) calls then answer in place,
    /// with no future to box.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use std::convert::Infallible;
    /// use session_cookie::Token;
    /// use session_cookie::adapter::DynLoader;
    ///
    /// let token = Token::from_bytes([1; 32]);
    /// let map = HashMap::from([(token.hash(), "ada".to_owned())]);
    /// let loader: DynLoader<String> =
    ///     DynLoader::new_sync(move |t: &Token| Ok::<_, Infallible>(map.get(&t.hash()).cloned()));
    /// assert!(loader.start_ref(&token).is_done());
    /// ```
    #[must_use]
    pub fn new_sync<L>(loader: L) -> Self
    where
        L: SyncLoader<N, User = U> + Send + Sync + 'static,
        U: Send,
    {
        Self {
            inner: Arc::new(Immediate(loader)),
            id: LoaderId::next(),
        }
    }

    /// Starts one call of the loader for `token`: the answer itself from a [`SyncLoader`]
    /// (nothing boxed), else the `'static` future of [`load`](Self::load).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::{DynLoader, LoadCall};
    ///
    /// async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let loader: DynLoader<u64> = DynLoader::new(load_user);
    /// let call: LoadCall<'static, u64> = loader.start(Token::from_bytes([1; 32]));
    /// assert!(!call.is_done()); // an async loader's future, not awaited yet
    /// ```
    #[must_use = "an async loader runs only when the future is awaited"]
    pub fn start(&self, token: Token<N>) -> LoadCall<'static, U> {
        self.inner.start_owned(&self.inner, token)
    }

    /// [`start`](Self::start) with a future that borrows the loader and the token, as
    /// [`load_ref`](Self::load_ref).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::{DynLoader, LoadCall};
    ///
    /// let loader: DynLoader<u64> = DynLoader::new_sync(|_: &Token| Ok::<_, std::io::Error>(Some(3)));
    /// let token = Token::from_bytes([1; 32]);
    /// assert!(matches!(loader.start_ref(&token), LoadCall::Done(Ok(Some(3)))));
    /// ```
    #[must_use = "an async loader runs only when the future is awaited"]
    pub fn start_ref<'a>(&'a self, token: &'a Token<N>) -> LoadCall<'a, U> {
        self.inner.start_ref(token)
    }

    /// Calls the loader once for `token`.
    ///
    /// The returned future owns a handle to the loader and the token, so it is `'static`:
    /// an adapter can keep it in a per-request cache or share it between extractors.
    ///
    /// # Errors
    ///
    /// The future resolves to the loader's error, as a [`LoadError`], when the store failed
    /// (not when the session is unknown: that is `Ok(None)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::DynLoader;
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
    /// # }
    ///
    /// async fn broken(_: &Token) -> Result<Option<u64>, std::io::Error> {
    ///     Err(std::io::Error::other("db down"))
    /// }
    /// let loader: DynLoader<u64> = DynLoader::new(broken);
    /// let err = block_on(loader.load(Token::from_bytes([1; 32]))).unwrap_err();
    /// assert_eq!(err.to_string(), "db down");
    /// ```
    #[must_use = "the loader runs only when the future is awaited"]
    pub fn load(&self, token: Token<N>) -> LoadFuture<'static, U> {
        Arc::clone(&self.inner).load_owned(token)
    }

    /// Calls the loader once for `token`, with a future that borrows the loader and the
    /// token: the same call as [`load`](Self::load) without its two reference-count updates
    /// (the handle it clones and drops), for adapters that await the call where the loader
    /// and the token live.
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::DynLoader;
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
    /// # }
    ///
    /// async fn load_user(token: &Token) -> Result<Option<u64>, std::io::Error> {
    ///     Ok(Some(u64::from(token.as_bytes()[0])))
    /// }
    /// let loader: DynLoader<u64> = DynLoader::new(load_user);
    /// let token = Token::from_bytes([7; 32]);
    /// assert_eq!(block_on(loader.load_ref(&token)).unwrap(), Some(7));
    /// ```
    #[must_use = "the loader runs only when the future is awaited"]
    pub fn load_ref<'a>(&'a self, token: &'a Token<N>) -> LoadFuture<'a, U> {
        self.inner.load_ref(token)
    }
}

impl<U, const N: usize> DynLoader<U, N> {
    /// This loader's [`LoaderId`]: what an adapter's per-request cache keeps instead of a
    /// clone (no reference count is touched). Two configurations with the same user type
    /// (two cookies, two stores) have different ids, so they never read each other's answer.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Token;
    /// use session_cookie::adapter::DynLoader;
    ///
    /// async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let loader: DynLoader<u64> = DynLoader::new(load_user);
    /// assert_eq!(loader.id(), loader.clone().id());
    /// ```
    #[must_use]
    pub fn id(&self) -> LoaderId {
        self.id
    }
}

impl<U, const N: usize> Clone for DynLoader<U, N> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            id: self.id,
        }
    }
}

impl<U, const N: usize> fmt::Debug for DynLoader<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynLoader").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyn_loader_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        fn assert_send<T: Send + 'static>() {}
        assert_send_sync::<DynLoader<String>>();
        assert_send::<LoadFuture<'static, String>>();
    }
}
