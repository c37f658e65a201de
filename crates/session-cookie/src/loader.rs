use core::future::Future;

use session_token::Token;

/// The application's side of a session: a token in, the session's user (or none) out.
///
/// The one trait the framework adapters call, so an application writes its loader once.
/// It is given only well-formed tokens ([`CookieProxy::load_from_values`](crate::CookieProxy::load_from_values)
/// already rejected anything else).
///
/// # Contract
///
/// * `Ok(Some(user))`: the token names a live session.
/// * `Ok(None)`: **no such session**: unknown, expired or revoked. Adapters answer 401 (or
///   "no user"), as if there were no cookie.
/// * `Err(_)`: the store failed. Adapters answer 500; the error must not contain the token.
/// * **Never create a record for an unknown token.** Sessions are created only by
///   [`CookieProxy::start_value`](crate::CookieProxy::start_value) (or `start`) on login, with a token the server
///   generated; adopting a token the client made up is session fixation.
/// * **Store `token.hash()`, not the token** (feature `sha2` of `session-token`): whoever
///   reads the store (a backup, a replica, an injection) then cannot make a cookie from it.
/// * **Rotate on login**: call `start` for a fresh token and delete the old session's record,
///   so a token planted before login never becomes an authenticated session.
///
/// # Implementing it
///
/// On your own type (the usual choice when the store is a field):
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use std::sync::Mutex;
///
/// use session_cookie::Loader;
/// use session_token::Token;
///
/// struct Store {
///     /// `Token::hash()` -> user name.
///     sessions: Mutex<HashMap<[u8; 32], String>>,
/// }
///
/// impl Loader for Store {
///     type User = String;
///     type Error = Infallible;
///
///     async fn load(&self, token: &Token) -> Result<Option<String>, Infallible> {
///         let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
///         Ok(sessions.get(&token.hash()).cloned())
///     }
/// }
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
///
/// let token = Token::<32>::from_bytes([1; 32]);
/// let store = Store { sessions: Mutex::new(HashMap::from([(token.hash(), "ada".to_owned())])) };
/// assert_eq!(block_on(store.load(&token)), Ok(Some("ada".to_owned())));
/// let unknown = Token::<32>::from_bytes([2; 32]);
/// assert_eq!(block_on(store.load(&unknown)), Ok(None));
/// ```
///
/// (`async fn` in the impl is accepted when its future is `Send`, as here: a `std` mutex
/// guard must not be held across an `.await`.)
///
/// # Functions and closures
///
/// Anything that implements [`LoaderFn`] is a `Loader` too, through a blanket impl: the
/// future must be `Send`, the function `Send + Sync`. Three shapes qualify.
///
/// An `async fn` taking `&Token` (its future may borrow the token):
///
/// ```
/// use session_cookie::Loader;
/// use session_token::Token;
/// # #[derive(Debug)] struct DbError;
/// # impl std::fmt::Display for DbError {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("db") }
/// # }
/// # impl std::error::Error for DbError {}
///
/// async fn load_user(token: &Token) -> Result<Option<u64>, DbError> {
///     let key = token.hash();
///     // db.query("SELECT user_id FROM sessions WHERE key = ? AND expires > now()", key).await
///     Ok((key[0] == 0x72).then_some(42))
/// }
///
/// fn assert_loader<L: Loader<User = u64>>(_: &L) {}
/// assert_loader(&load_user);
/// ```
///
/// A closure that computes what it needs from the token synchronously and returns an
/// `async move` block owning it (clone the handle to your store into the block):
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use std::sync::{Arc, Mutex};
///
/// use session_cookie::Loader;
/// use session_token::Token;
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
///
/// let db: Arc<Mutex<HashMap<[u8; 32], String>>> = Arc::default();
/// let token = Token::<32>::from_bytes([3; 32]);
/// db.lock().unwrap().insert(token.hash(), "grace".to_owned());
///
/// let loader = move |t: &Token| {
///     let key = t.hash();
///     let db = Arc::clone(&db);
///     async move { Ok::<_, Infallible>(db.lock().unwrap().get(&key).cloned()) }
/// };
/// assert_eq!(block_on(Loader::load(&loader, &token)), Ok(Some("grace".to_owned())));
/// ```
///
/// An `async` closure that captures nothing (it may borrow the token):
///
/// ```
/// use session_cookie::Loader;
/// use session_token::Token;
///
/// let loader = async |t: &Token| Ok::<_, std::io::Error>(Some(t.hash()));
/// fn assert_loader<L: Loader>(_: &L) {}
/// assert_loader(&loader);
/// ```
///
/// What does **not** work, checked on Rust 1.95:
///
/// * a plain closure whose `async` block borrows the token
///   (`|t: &Token| async move { t.hash() }`): a closure's return type cannot depend on the
///   lifetime of its argument ("lifetime may not live long enough"). Hash the token before
///   the block, as above, or write an `async fn`;
/// * an `async` closure that captures state, such as the handle to your store
///   (`async move |t: &Token| db.get(..)`): its future borrows the closure, so it does not
///   implement `Fn` ("async closure does not implement `Fn` because it captures state from
///   its environment"), and stable Rust cannot require an `AsyncFn`'s future to be `Send`.
///   Use the plain closure returning an `async move` block, or implement `Loader` on a type.
///
/// ```compile_fail
/// use session_cookie::Loader;
/// use session_token::Token;
///
/// fn assert_loader<L: Loader>(_: &L) {}
/// let borrows = |t: &Token| async move { Ok::<_, std::convert::Infallible>(Some(t.hash())) };
/// assert_loader(&borrows);
/// ```
///
/// ```compile_fail
/// use std::sync::Arc;
/// use session_cookie::Loader;
/// use session_token::Token;
///
/// fn assert_loader<L: Loader>(_: &L) {}
/// let db = Arc::new(0_u8);
/// let captures = async move |t: &Token| {
///     Ok::<_, std::convert::Infallible>(Some(t.hash()[0] ^ *db))
/// };
/// assert_loader(&captures);
/// ```
pub trait Loader<const N: usize = 32> {
    /// What a live session resolves to: a user record, an id, a whole session struct.
    type User;
    /// The store's failure.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Looks `token` up: `Ok(None)` for no such session, `Err` only when the store failed.
    /// Never creates a record.
    ///
    /// # Errors
    ///
    /// The store's error, when the lookup itself failed (not when the session is unknown).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::Loader;
    /// use session_token::Token;
    ///
    /// async fn user_of<L: Loader>(loader: &L, token: &Token) -> Option<L::User> {
    ///     match loader.load(token).await {
    ///         Ok(user) => user,
    ///         Err(_store_failed) => None, // an adapter would answer 500 here
    ///     }
    /// }
    /// ```
    fn load(
        &self,
        token: &Token<N>,
    ) -> impl Future<Output = Result<Option<Self::User>, Self::Error>> + Send;
}

/// A function usable as a [`Loader`]: `Fn(&'a Token<N>) -> impl Future + Send`, for every
/// lifetime `'a`.
///
/// It exists so that the blanket `Loader` impl can accept futures that borrow the token
/// (`async fn load(token: &Token)`, `async |token: &Token| ..` capturing nothing), which a
/// plain `Fn(&Token<N>) -> Fut` bound cannot express. It is implemented for every such function and closure; you never implement it.
///
/// # Examples
///
/// ```
/// use session_cookie::LoaderFn;
/// use session_token::Token;
///
/// async fn load(_: &Token) -> Result<Option<()>, std::io::Error> { Ok(None) }
/// fn assert_loader_fn<F: for<'a> LoaderFn<'a, 32>>(_: F) {}
/// assert_loader_fn(load);
/// ```
pub trait LoaderFn<'a, const N: usize>: Fn(&'a Token<N>) -> Self::Future {
    /// The future the function returns.
    type Future: Future<Output = Self::Outcome> + Send;
    /// What the future resolves to.
    type Outcome;
}

impl<'a, F, Fut, const N: usize> LoaderFn<'a, N> for F
where
    F: Fn(&'a Token<N>) -> Fut,
    Fut: Future + Send,
{
    type Future = Fut;
    type Outcome = Fut::Output;
}

impl<F, U, E, const N: usize> Loader<N> for F
where
    F: for<'a> LoaderFn<'a, N, Outcome = Result<Option<U>, E>> + Send + Sync,
    E: std::error::Error + Send + Sync + 'static,
{
    type User = U;
    type Error = E;

    fn load(&self, token: &Token<N>) -> impl Future<Output = Result<Option<U>, E>> + Send {
        self(token)
    }
}

/// A loader that answers at once, without a future: an in-memory map, a local cache, anything
/// that never waits for I/O.
///
/// The same contract as [`Loader`] (`Ok(None)`: no such session; `Err`: the store failed;
/// never create a record), minus the `.await`. An adapter built with one
/// (`Sessions::new_sync` in `session-axum` and `session-actix`) calls it in place: no future
/// is boxed, so a request costs one heap allocation and a few hundred instructions less
/// than through [`Loader`] (BENCHMARKS.md has the figures). A store that does I/O must
/// implement [`Loader`] instead: a blocking call here would stall the server's worker.
///
/// Implemented for every `Fn(&Token<N>) -> Result<Option<U>, E>` (functions and closures,
/// capturing state or not) and for your own types.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use std::sync::Arc;
///
/// use session_cookie::SyncLoader;
/// use session_token::Token;
///
/// struct Sessions {
///     /// `Token::hash()` -> user name.
///     by_key: HashMap<[u8; 32], String>,
/// }
///
/// impl SyncLoader for Sessions {
///     type User = String;
///     type Error = Infallible;
///
///     fn load_sync(&self, token: &Token) -> Result<Option<String>, Infallible> {
///         Ok(self.by_key.get(&token.hash()).cloned())
///     }
/// }
///
/// let token = Token::<32>::from_bytes([1; 32]);
/// let store = Sessions { by_key: HashMap::from([(token.hash(), "ada".to_owned())]) };
/// assert_eq!(store.load_sync(&token), Ok(Some("ada".to_owned())));
///
/// // A closure over a shared map is one too.
/// let map = Arc::new(HashMap::from([(token.hash(), 7_u64)]));
/// let by_closure = move |t: &Token| Ok::<_, Infallible>(map.get(&t.hash()).copied());
/// assert_eq!(by_closure.load_sync(&token), Ok(Some(7)));
/// assert_eq!(by_closure.load_sync(&Token::from_bytes([2; 32])), Ok(None));
/// ```
pub trait SyncLoader<const N: usize = 32> {
    /// What a live session resolves to: a user record, an id, a whole session struct.
    type User;
    /// The store's failure.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Looks `token` up: `Ok(None)` for no such session, `Err` only when the store failed.
    /// Never creates a record, never blocks on I/O.
    ///
    /// # Errors
    ///
    /// The store's error, when the lookup itself failed (not when the session is unknown).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::SyncLoader;
    /// use session_token::Token;
    ///
    /// fn user_of<L: SyncLoader>(loader: &L, token: &Token) -> Option<L::User> {
    ///     loader.load_sync(token).ok().flatten() // an adapter answers 500 on `Err`
    /// }
    /// let nobody = |_: &Token| Ok::<Option<u64>, std::io::Error>(None);
    /// assert_eq!(user_of(&nobody, &Token::from_bytes([1; 32])), None);
    /// ```
    fn load_sync(&self, token: &Token<N>) -> Result<Option<Self::User>, Self::Error>;
}

impl<F, U, E, const N: usize> SyncLoader<N> for F
where
    F: Fn(&Token<N>) -> Result<Option<U>, E>,
    E: std::error::Error + Send + Sync + 'static,
{
    type User = U;
    type Error = E;

    fn load_sync(&self, token: &Token<N>) -> Result<Option<U>, E> {
        self(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Failed;
    impl std::fmt::Display for Failed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("failed")
        }
    }
    impl std::error::Error for Failed {}

    async fn borrowing(token: &Token<16>) -> Result<Option<u8>, Failed> {
        Ok(Some(token.as_bytes()[0]))
    }

    fn assert_loader<const N: usize, L: Loader<N> + Send + Sync + 'static>(_: &L) {}

    #[test]
    fn async_fn_and_closure_are_loaders() {
        assert_loader::<16, _>(&borrowing);
        let closure = |t: &Token<16>| {
            let first = t.as_bytes()[0];
            async move {
                if first == 0 {
                    Err(Failed)
                } else {
                    Ok(Some(first))
                }
            }
        };
        assert_loader::<16, _>(&closure);
    }
}
