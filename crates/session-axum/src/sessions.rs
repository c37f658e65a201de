use core::fmt;
use std::sync::Arc;

use http::HeaderMap;
use http::request::Parts;
use session_cookie::adapter::{DynLoader, PendingCookie, Rejection};
use session_cookie::{CookieLifetime, CookieProxy, Loader, SyncLoader, Token};

use crate::cache;
mod bearer;
use crate::{EndSession, RefreshSession, RequireUserLayer, SessionRejection, StartSession};

/// The session configuration: the cookie ([`CookieProxy`]) and your store's [`Loader`].
///
/// Build it once, put it in the router's state, and make it reachable with
/// [`FromRef`](axum_core::extract::FromRef) (the state itself, or a field of it). The
/// extractors find it there, so forgetting it is a compile error and no layer is needed.
/// Cloning is cheap (two `Arc`s).
///
/// It is named by the user type `U` (what your loader returns) and the token length `N`,
/// not by the loader's type, so any loader fits in a state struct, `async fn`s included.
/// A [`Loader`]'s future is boxed once per request that carries a session token; a loader
/// that answers at once ([`SyncLoader`], through [`new_sync`](Self::new_sync)) is called in
/// place.
///
/// # Examples
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use session_axum::{CookieProxy, Sessions, Token, User};
///
/// #[derive(Clone)]
/// struct Me { name: String }
///
/// async fn load_user(token: &Token) -> Result<Option<Me>, std::io::Error> {
///     let _key = token.hash(); // look the session up by this key in your store
///     Ok(None)
/// }
///
/// #[derive(Clone)]
/// struct AppState { sessions: Sessions<Me> /* , db: Pool, ... */ }
///
/// impl FromRef<AppState> for Sessions<Me> {
///     fn from_ref(state: &AppState) -> Self { state.sessions.clone() }
/// }
///
/// async fn hello(user: User<Me>) -> String { format!("hello {}", user.name) }
///
/// let sessions = Sessions::new(CookieProxy::default(), load_user);
/// let app: Router = Router::new()
///     .route("/", get(hello))
///     .with_state(AppState { sessions });
/// # let _ = app;
/// ```
pub struct Sessions<U, const N: usize = 32> {
    // One `Arc`: `FromRef` hands every extractor its own clone, one count update per request.
    inner: Arc<Inner<U, N>>,
}

struct Inner<U, const N: usize> {
    // Its own `Arc` too: the response parts keep it (they do not name `U`).
    proxy: Arc<CookieProxy<N>>,
    loader: DynLoader<U, N>,
    // `Authorization: Bearer` accepted too ([`Sessions::with_bearer`]).
    bearer: bool,
}

impl<U, const N: usize> Sessions<U, N>
where
    U: Clone + Send + Sync + 'static,
{
    /// Pairs the cookie with your loader.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// async fn load_user(_token: &Token) -> Result<Option<u64>, Infallible> { Ok(None) }
    ///
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert_eq!(sessions.proxy().name(), "__Host-id");
    /// ```
    #[must_use]
    pub fn new<L>(proxy: CookieProxy<N>, loader: L) -> Self
    where
        L: Loader<N, User = U> + Send + Sync + 'static,
    {
        Self::with_dyn_loader(proxy, DynLoader::new(loader))
    }

    /// Pairs the cookie with a loader that answers at once ([`SyncLoader`]: an in-memory map,
    /// a local cache): the same `Sessions<U, N>` and the same extractors as [`new`](Self::new),
    /// but the loader is called in place, with no future boxed per request (one heap
    /// allocation less). A store that does I/O takes [`new`](Self::new) with a [`Loader`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use std::convert::Infallible;
    /// use std::sync::Arc;
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// // `Token::hash()` -> user id, kept in process.
    /// let by_key: Arc<HashMap<[u8; 32], u64>> = Arc::default();
    /// let sessions: Sessions<u64> = Sessions::new_sync(CookieProxy::default(), move |t: &Token| {
    ///     Ok::<_, Infallible>(by_key.get(&t.hash()).copied())
    /// });
    /// assert_eq!(sessions.proxy().name(), "__Host-id");
    /// ```
    #[must_use]
    pub fn new_sync<L>(proxy: CookieProxy<N>, loader: L) -> Self
    where
        L: SyncLoader<N, User = U> + Send + Sync + 'static,
    {
        Self::with_dyn_loader(proxy, DynLoader::new_sync(loader))
    }

    /// The one place a `Sessions` is put together (bearer tokens off).
    fn with_dyn_loader(proxy: CookieProxy<N>, loader: DynLoader<U, N>) -> Self {
        Self {
            inner: Arc::new(Inner {
                proxy: Arc::new(proxy),
                loader,
                bearer: false,
            }),
        }
    }

    /// The user of the request's session, as the extractors see it.
    ///
    /// `Ok(None)` when there is no valid session; the loader is not called when the request
    /// has no well-formed session token, and at most once per request otherwise (the answer
    /// is cached in `parts.extensions`). The plain function behind [`User`](crate::User),
    /// for your own extractors and middleware.
    ///
    /// # Errors
    ///
    /// A [`SessionRejection`] with reason
    /// [`LoaderFailed`](crate::RejectionReason::LoaderFailed) when the loader failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::extract::FromRequestParts;
    /// use http::request::Parts;
    /// use session_axum::{SessionRejection, Sessions};
    ///
    /// # #[derive(Clone)] struct Me { admin: bool }
    /// async fn is_admin(sessions: &Sessions<Me>, parts: &mut Parts) -> Result<bool, SessionRejection> {
    ///     Ok(sessions.user(parts).await?.is_some_and(|me| me.admin))
    /// }
    /// # let _ = is_admin;
    /// ```
    pub async fn user(&self, parts: &mut Parts) -> Result<Option<U>, SessionRejection> {
        let inner = &*self.inner;
        cache::user(&inner.proxy, &inner.loader, inner.bearer, parts).await
    }

    /// A guard layer: requests without a user get the 401 (or 500) rejection and never
    /// reach the routes. See [`RequireUserLayer`].
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// let private: Router = Router::new()
    ///     .route("/account", get(|| async { "private" }))
    ///     .route_layer(sessions.require_user());
    /// # let _ = private;
    /// ```
    #[must_use]
    pub fn require_user(&self) -> RequireUserLayer<U, N> {
        RequireUserLayer::new(self.clone())
    }
}

impl<U, const N: usize> Sessions<U, N> {
    /// The session cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert_eq!(sessions.proxy().name(), "__Host-id");
    /// ```
    #[must_use]
    pub fn proxy(&self) -> &CookieProxy<N> {
        &self.inner.proxy
    }

    /// The well-formed session token of a request, if any; the loader is not called.
    ///
    /// The plain function behind [`SessionToken`](crate::SessionToken): the rules are those
    /// of [`CookieProxy::load`], and with [`with_bearer`](Self::with_bearer) those of
    /// [`CookieProxy::load_with_bearer`].
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderMap;
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert!(sessions.token(&HeaderMap::new()).is_none());
    /// ```
    #[must_use]
    pub fn token(&self, headers: &HeaderMap) -> Option<Token<N>> {
        if self.inner.bearer {
            return bearer::token(&self.inner.proxy, headers);
        }
        self.inner.proxy.load(headers)
    }

    /// Starts a session: a new token, and the response part that sets its cookie.
    ///
    /// Store the session under `token.hash()` **before** returning the response part, and on
    /// login delete the user's previous session record (session fixation defence: a token
    /// that existed before the login never becomes an authenticated session).
    ///
    /// # Errors
    ///
    /// [`SessionRejection`] (a 500 response) when the operating system's random number
    /// generator fails; there is no weaker fallback.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::extract::State;
    /// use session_axum::{Sessions, StartSession, SessionRejection};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn login(
    ///     State(sessions): State<Sessions<Me>>,
    /// ) -> Result<(StartSession, &'static str), SessionRejection> {
    ///     // check the password first, then:
    ///     let (token, start) = sessions.start()?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id).await
    ///     Ok((start, "welcome"))
    /// }
    /// # let _ = login;
    /// ```
    pub fn start(&self) -> Result<(Token<N>, StartSession<N>), SessionRejection> {
        let (token, start) =
            PendingCookie::start(&self.inner.proxy).map_err(Rejection::start_failed)?;
        Ok((token, StartSession(start)))
    }

    /// The response part that re-issues `token` with a fresh expiry (sliding sessions, with
    /// a `Max-Age` in the cookie template). Extend the record's expiry in your store too.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::extract::State;
    /// use session_axum::{RefreshSession, SessionToken, Sessions, User};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn page(
    ///     State(sessions): State<Sessions<Me>>,
    ///     _user: User<Me>,
    ///     token: SessionToken<Me>,
    /// ) -> (RefreshSession, &'static str) {
    ///     (sessions.refresh(&token), "still here")
    /// }
    /// # let _ = page;
    /// ```
    pub fn refresh(&self, token: &Token<N>) -> RefreshSession<N> {
        RefreshSession(PendingCookie::refresh(&self.inner.proxy, token))
    }

    /// [`start`](Self::start) with the cookie's lifetime chosen for this login ("remember
    /// me"): a persistent cookie (`Max-Age`, capped by the proxy's
    /// [`max_age_cap`](CookieProxy::max_age_cap)) or a browser-session cookie (no
    /// `Max-Age`), whatever the template says. Keep the choice with the session and pass it
    /// again to [`refresh_with`](Self::refresh_with).
    ///
    /// # Errors
    ///
    /// [`SessionRejection`] (a 500 response) when the operating system's random number
    /// generator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use axum::extract::State;
    /// use session_axum::{CookieLifetime, SessionRejection, Sessions, StartSession};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn login(
    ///     State(sessions): State<Sessions<Me>>,
    /// ) -> Result<(StartSession, &'static str), SessionRejection> {
    ///     // check the password first, then:
    ///     let remember = true; // the login form's "Keep me signed in" checkbox
    ///     let lifetime = if remember {
    ///         CookieLifetime::Persistent(Duration::from_secs(30 * 24 * 3600))
    ///     } else {
    ///         CookieLifetime::BrowserSession
    ///     };
    ///     let (token, start) = sessions.start_with(lifetime)?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id, remember).await
    ///     Ok((start, "welcome"))
    /// }
    /// # let _ = login;
    /// ```
    pub fn start_with(
        &self,
        lifetime: CookieLifetime,
    ) -> Result<(Token<N>, StartSession<N>), SessionRejection> {
        let (token, start) = PendingCookie::start_with(&self.inner.proxy, lifetime)
            .map_err(Rejection::start_failed)?;
        Ok((token, StartSession(start)))
    }

    /// [`refresh`](Self::refresh) with the cookie's lifetime given: repeat the login's
    /// choice, so that a persistent cookie stays persistent and a browser-session one stays
    /// one. With `session-store`: `session.cookie_lifetime(store.now())`, the time the
    /// session has left.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::extract::State;
    /// use session_axum::{RefreshSession, SessionToken, Sessions, User};
    /// use session_store::{MemoryStore, Session};
    ///
    /// #[derive(Clone)]
    /// struct App { store: MemoryStore<i64>, sessions: Sessions<Session<i64>> }
    ///
    /// async fn page(
    ///     State(app): State<App>,
    ///     User(session): User<Session<i64>>,
    ///     token: SessionToken<Session<i64>>,
    /// ) -> (RefreshSession, String) {
    ///     let lifetime = session.cookie_lifetime(app.store.now());
    ///     (app.sessions.refresh_with(&token, lifetime), format!("user {}", session.user_id))
    /// }
    /// # let _ = page;
    /// ```
    pub fn refresh_with(&self, token: &Token<N>, lifetime: CookieLifetime) -> RefreshSession<N> {
        RefreshSession(PendingCookie::refresh_with(
            &self.inner.proxy,
            token,
            lifetime,
        ))
    }

    /// The response part that removes the session cookie. Delete the record in your store
    /// too: removing the cookie alone does not stop a copied token.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::extract::State;
    /// use session_axum::{EndSession, SessionToken, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn logout(
    ///     State(sessions): State<Sessions<Me>>,
    ///     token: Option<SessionToken<Me>>,
    /// ) -> (EndSession, &'static str) {
    ///     if let Some(token) = token {
    ///         let _key = token.hash(); // db.delete_session(key).await
    ///     }
    ///     (sessions.end(), "bye")
    /// }
    /// # let _ = logout;
    /// ```
    pub fn end(&self) -> EndSession<N> {
        EndSession(PendingCookie::end(&self.inner.proxy))
    }
}

impl<U, const N: usize> Clone for Sessions<U, N> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<U, const N: usize> fmt::Debug for Sessions<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("proxy", &self.inner.proxy)
            .finish_non_exhaustive()
    }
}
