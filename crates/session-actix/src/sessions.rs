use core::fmt;
use core::future::{Future, Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use session_cookie::adapter::{DynLoader, PendingCookie, Rejection};
use session_cookie::{CookieLifetime, CookieProxy, Loader, SyncLoader, Token};

use crate::cache;
mod bearer;
use crate::{EndSession, RefreshSession, RequireUser, SessionRejection, StartSession};

/// The session configuration: the cookie ([`CookieProxy`]) and your store's [`Loader`].
///
/// Build it once, before `HttpServer::new`, and register a clone with
/// **`App::app_data(sessions.clone())`** (the `Sessions` itself, not a `web::Data` of it:
/// it is already two `Arc`s). The extractors find it there by its type, `Sessions<U, N>`.
/// If it is missing, they answer `500` and log an error line that names the call to add;
/// they never panic and never pretend there is no user.
///
/// It is named by the user type `U` (what your loader returns) and the token length `N`,
/// not by the loader's type, so any loader fits, `async fn`s included. A [`Loader`]'s future is
/// boxed once per request that carries a session token; a loader that answers at once
/// ([`SyncLoader`], through [`new_sync`](Self::new_sync)) is called in place. It takes the same
/// [`CookieProxy`] and the same [`Loader`] as `session-axum`: one loader, two frameworks.
///
/// # Examples
///
/// ```
/// use actix_web::{App, web};
/// use session_actix::{CookieProxy, Sessions, Token, User};
///
/// #[derive(Clone)]
/// struct Me { name: String }
///
/// async fn load_user(token: &Token) -> Result<Option<Me>, std::io::Error> {
///     let _key = token.hash(); // look the session up by this key in your store
///     Ok(None)
/// }
///
/// async fn hello(user: User<Me>) -> String { format!("hello {}", user.name) }
///
/// let sessions = Sessions::new(CookieProxy::default(), load_user);
/// // In `HttpServer::new(move || ...)`, once per worker:
/// let app = App::new()
///     .app_data(sessions.clone())
///     .route("/", web::get().to(hello));
/// # let _ = app;
/// ```
pub struct Sessions<U, const N: usize = 32> {
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
    /// use session_actix::{CookieProxy, Sessions, Token};
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
    /// use session_actix::{CookieProxy, Sessions, Token};
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
            proxy: Arc::new(proxy),
            loader,
            bearer: false,
        }
    }

    /// The user of the request's session, as the extractors see it.
    ///
    /// Resolves to `Ok(None)` when there is no valid session. The loader is not called when
    /// the request has no well-formed session token, and at most once per request otherwise:
    /// the call is cached in the request's extensions, and every extractor (and the
    /// [`RequireUser`] guard) awaits the same one. The plain function behind
    /// [`User`](crate::User), for your own extractors and middleware.
    ///
    /// The request is read when this is called; the future borrows nothing from it. Like
    /// actix-web's own request types it is not `Send`: await it on the worker that serves
    /// the request (handlers, extractors and middleware all do), not in a spawned thread.
    ///
    /// # Errors
    ///
    /// A [`SessionRejection`] with reason
    /// [`LoaderFailed`](crate::RejectionReason::LoaderFailed) when the loader failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpRequest;
    /// use session_actix::{SessionRejection, Sessions};
    ///
    /// # #[derive(Clone)] struct Me { admin: bool }
    /// async fn is_admin(sessions: &Sessions<Me>, req: &HttpRequest) -> Result<bool, SessionRejection> {
    ///     Ok(sessions.user(req).await?.is_some_and(|me| me.admin))
    /// }
    /// # let _ = is_admin;
    /// ```
    pub fn user(
        &self,
        req: &HttpRequest,
    ) -> impl Future<Output = Result<Option<U>, SessionRejection>> + 'static {
        self.call(req)
    }

    /// [`user`](Self::user) as its concrete type, for the extractors' named futures.
    pub(crate) fn call(&self, req: &HttpRequest) -> cache::Call<U> {
        cache::call(&self.proxy, &self.loader, self.bearer, req)
    }

    /// A guard middleware: requests without a user get the 401 (or 500) response and never
    /// reach the services it wraps. See [`RequireUser`].
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// let app = App::new().app_data(sessions.clone()).service(
    ///     web::scope("/account")
    ///         .wrap(sessions.require_user())
    ///         .route("", web::get().to(|| async { "private" })),
    /// );
    /// # let _ = app;
    /// ```
    #[must_use]
    pub fn require_user(&self) -> RequireUser<U, N> {
        RequireUser::new(self.clone())
    }
}

impl<U: 'static, const N: usize> Sessions<U, N> {
    /// The `Sessions<U, N>` registered with `App::app_data`.
    ///
    /// # Errors
    ///
    /// [`NotConfigured`](crate::RejectionReason::NotConfigured) (a 500) when there is none;
    /// an error line naming the missing type and the call to add is logged.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{HttpRequest, test::TestRequest};
    /// use session_actix::{CookieProxy, RejectionReason, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// let req = TestRequest::default().app_data(sessions).to_http_request();
    /// assert!(Sessions::<u64>::from_app_data(&req).is_ok());
    ///
    /// let bare = TestRequest::default().to_http_request();
    /// let err = Sessions::<u64>::from_app_data(&bare).unwrap_err();
    /// assert_eq!(err.reason(), RejectionReason::NotConfigured);
    /// ```
    pub fn from_app_data(req: &HttpRequest) -> Result<&Self, SessionRejection> {
        if let Some(sessions) = req.app_data::<Self>() {
            return Ok(sessions);
        }
        let ty = core::any::type_name::<U>();
        if req.app_data::<Data<Self>>().is_some() {
            log::error!(
                "session-actix: found `web::Data<Sessions<{ty}, {N}>>` but the extractors look \
                 for `Sessions<{ty}, {N}>` itself: register it with `App::app_data(sessions.clone())` \
                 instead of `web::Data::new(sessions)`; answering 500"
            );
        } else {
            log::error!(
                "session-actix: no `Sessions<{ty}, {N}>` in the app data: add \
                 `App::app_data(sessions.clone())` (or the same on the scope); answering 500"
            );
        }
        Err(Rejection::not_configured().into())
    }
}

impl<U, const N: usize> Sessions<U, N> {
    /// The session cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert_eq!(sessions.proxy().name(), "__Host-id");
    /// ```
    #[must_use]
    pub fn proxy(&self) -> &CookieProxy<N> {
        &self.proxy
    }

    /// The well-formed session token of a request, if any; the loader is not called.
    ///
    /// The plain function behind [`SessionToken`](crate::SessionToken): every `Cookie`
    /// header's raw bytes go to [`CookieProxy::load_from_values`] (never `req.cookie()`,
    /// which allocates every cookie and gives up on one non-UTF-8 header); with
    /// [`with_bearer`](Self::with_bearer), with the `Authorization` headers' to
    /// [`CookieProxy::load_with_bearer`].
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert!(sessions.token(&TestRequest::default().to_http_request()).is_none());
    /// ```
    #[must_use]
    pub fn token(&self, req: &HttpRequest) -> Option<Token<N>> {
        let values = req.headers().get_all(header::COOKIE).map(|v| v.as_bytes());
        if self.bearer {
            let authorizations = req.headers().get_all(header::AUTHORIZATION);
            return self
                .proxy
                .load_with_bearer(values, authorizations.map(|v| v.as_bytes()));
        }
        self.proxy.load_from_values(values)
    }

    /// Starts a session: a new token, and the helper that sets its cookie on the response.
    ///
    /// Store the session under `token.hash()` **before** answering, and on login delete the
    /// user's previous session record (session fixation defence: a token that existed
    /// before the login never becomes an authenticated session).
    ///
    /// # Errors
    ///
    /// [`SessionRejection`] (a 500 response) when the operating system's random number
    /// generator fails; there is no weaker fallback.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionRejection, SessionResponseExt as _, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    ///     // check the password first, then:
    ///     let (token, start) = sessions.start()?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id).await
    ///     Ok(HttpResponse::Ok().body("welcome").start_session(start))
    /// }
    /// # let _ = login;
    /// ```
    pub fn start(&self) -> Result<(Token<N>, StartSession<N>), SessionRejection> {
        let (token, start) = PendingCookie::start(&self.proxy).map_err(Rejection::start_failed)?;
        Ok((token, StartSession(start)))
    }

    /// The helper that re-issues `token` with a fresh expiry (sliding sessions, with a
    /// `Max-Age` in the cookie template). Extend the record's expiry in your store too.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionResponseExt as _, SessionToken, Sessions, User};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn page(sessions: Sessions<Me>, _user: User<Me>, token: SessionToken<Me>) -> HttpResponse {
    ///     // db.extend_session(token.hash()).await
    ///     HttpResponse::Ok().body("still here").refresh_session(sessions.refresh(&token))
    /// }
    /// # let _ = page;
    /// ```
    pub fn refresh(&self, token: &Token<N>) -> RefreshSession<N> {
        RefreshSession(PendingCookie::refresh(&self.proxy, token))
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
    /// use actix_web::HttpResponse;
    /// use session_actix::{CookieLifetime, SessionRejection, SessionResponseExt as _, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    ///     // check the password first, then:
    ///     let remember = true; // the login form's "Keep me signed in" checkbox
    ///     let lifetime = if remember {
    ///         CookieLifetime::Persistent(Duration::from_secs(30 * 24 * 3600))
    ///     } else {
    ///         CookieLifetime::BrowserSession
    ///     };
    ///     let (token, start) = sessions.start_with(lifetime)?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id, remember).await
    ///     Ok(HttpResponse::Ok().body("welcome").start_session(start))
    /// }
    /// # let _ = login;
    /// ```
    pub fn start_with(
        &self,
        lifetime: CookieLifetime,
    ) -> Result<(Token<N>, StartSession<N>), SessionRejection> {
        let (token, start) =
            PendingCookie::start_with(&self.proxy, lifetime).map_err(Rejection::start_failed)?;
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
    /// use std::time::Duration;
    /// use actix_web::HttpResponse;
    /// use session_actix::{CookieLifetime, SessionResponseExt as _, SessionToken, Sessions, User};
    ///
    /// /// Your loader's user: whether the session was "remember me", and until when it lives.
    /// #[derive(Clone)]
    /// struct Me { remember: bool, seconds_left: u64 }
    ///
    /// async fn page(sessions: Sessions<Me>, User(me): User<Me>, token: SessionToken<Me>) -> HttpResponse {
    ///     let lifetime = if me.remember {
    ///         CookieLifetime::Persistent(Duration::from_secs(me.seconds_left))
    ///     } else {
    ///         CookieLifetime::BrowserSession
    ///     };
    ///     HttpResponse::Ok().body("still here").refresh_session(sessions.refresh_with(&token, lifetime))
    /// }
    /// # let _ = page;
    /// ```
    pub fn refresh_with(&self, token: &Token<N>, lifetime: CookieLifetime) -> RefreshSession<N> {
        RefreshSession(PendingCookie::refresh_with(&self.proxy, token, lifetime))
    }

    /// The helper that removes the session cookie. Delete the record in your store too:
    /// removing the cookie alone does not stop a copied token.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{MaybeSessionToken, SessionResponseExt as _, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn logout(sessions: Sessions<Me>, token: MaybeSessionToken<Me>) -> HttpResponse {
    ///     if let MaybeSessionToken(Some(token)) = token {
    ///         let _key = token.hash(); // db.delete_session(key).await
    ///     }
    ///     HttpResponse::Ok().body("bye").end_session(sessions.end())
    /// }
    /// # let _ = logout;
    /// ```
    pub fn end(&self) -> EndSession<N> {
        EndSession(PendingCookie::end(&self.proxy))
    }
}

/// Extractor: the `Sessions<U, N>` registered with `App::app_data`, cloned (two `Arc`s), for
/// handlers that start, refresh or end sessions. A missing registration is a logged 500 (see
/// [`from_app_data`](Sessions::from_app_data)).
impl<U: 'static, const N: usize> FromRequest for Sessions<U, N> {
    type Error = SessionRejection;
    type Future = Ready<Result<Self, SessionRejection>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_app_data(req).cloned())
    }
}

impl<U, const N: usize> Clone for Sessions<U, N> {
    fn clone(&self) -> Self {
        Self {
            proxy: Arc::clone(&self.proxy),
            loader: self.loader.clone(),
            bearer: self.bearer,
        }
    }
}

impl<U, const N: usize> fmt::Debug for Sessions<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}
