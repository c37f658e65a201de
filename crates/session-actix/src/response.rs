//! Writing the session cookie: on an `HttpResponse` (all of session-cookie's rules) and on
//! an `HttpResponseBuilder` (append only: a builder cannot read or remove its headers).

use core::fmt;
use std::error::Error as StdError;
use std::sync::Arc;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, Responder, ResponseError};
use session_cookie::{CookieProxy, NO_STORE, ResponseHeaders, SetCookie, Token};

use crate::rejection::static_text;

/// actix's (`http` 0.2) header map, for [`CookieProxy::apply`], which holds the rules:
/// the primitives only.
struct Headers<'a>(&'a mut HeaderMap);

impl ResponseHeaders for Headers<'_> {
    type Value = HeaderValue;

    fn value_bytes(value: &HeaderValue) -> &[u8] {
        value.as_bytes()
    }

    fn set_cookies(&self) -> impl Iterator<Item = &HeaderValue> {
        self.0.get_all(header::SET_COOKIE)
    }

    fn remove_set_cookies(&mut self) -> impl Iterator<Item = HeaderValue> {
        self.0.remove(header::SET_COOKIE)
    }

    fn append_set_cookie(&mut self, value: HeaderValue) {
        self.0.append(header::SET_COOKIE, value);
    }

    fn sensitive_value(set_cookie: SetCookie) -> HeaderValue {
        // Visible ASCII and spaces by construction (validated template, base64url token), so
        // the conversion cannot fail; an empty value, which clients ignore, stands in for the
        // impossible case rather than a panic.
        let mut value = HeaderValue::try_from(set_cookie.into_string())
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }

    fn has_cache_control(&self) -> bool {
        self.0.contains_key(header::CACHE_CONTROL)
    }

    fn insert_cache_control(&mut self, value: &'static str) {
        self.0
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
}

/// session-cookie's rule ([`CookieProxy::apply`]) on a finished response.
fn put<const N: usize, B>(
    proxy: &CookieProxy<N>,
    res: &mut HttpResponse<B>,
    set_cookie: SetCookie,
) {
    proxy.apply(&mut Headers(res.headers_mut()), set_cookie);
}

/// On a builder: append only (it cannot be read, and its `extensions` panic once it is
/// spent, so nothing is remembered across calls).
fn append(builder: &mut HttpResponseBuilder, set_cookie: SetCookie) {
    builder.append_header((header::SET_COOKIE, Headers::sensitive_value(set_cookie)));
    builder.append_header((header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE)));
}

/// An empty `200 OK` carrying the cookie: what the helpers are as a [`Responder`] alone.
fn respond(apply: impl FnOnce(&mut HttpResponse)) -> HttpResponse {
    let mut res = HttpResponse::Ok().finish();
    apply(&mut res);
    res
}

/// Sets the cookie of a new session. Made by [`Sessions::start`](crate::Sessions::start),
/// which returns the token first so you can store `token.hash()` before answering.
///
/// Apply it to the response in one of two ways:
///
/// * on the finished [`HttpResponse`] with [`apply_to`](Self::apply_to): earlier
///   `Set-Cookie`s for the session name are dropped (other cookies are kept), so the
///   response carries exactly one for it, the last one applied; the value is marked
///   sensitive, and `Cache-Control: no-store` is added unless the response has a
///   `Cache-Control`;
/// * on an [`HttpResponseBuilder`] with
///   [`start_session`](SessionResponseExt::start_session): the `Set-Cookie` is appended
///   (marked sensitive) with `Cache-Control: no-store`. A builder's headers cannot be read
///   or removed, so apply **one** session helper per builder; to end one session and start
///   another on the same response, use `apply_to`.
///
/// It is also a [`Responder`] on its own (an empty `200`). It holds the token, so its
/// `Debug` is redacted.
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, http::header};
/// use session_actix::{SessionResponseExt as _, Sessions, StartSessionError};
///
/// # #[derive(Clone)] struct Me;
/// async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, StartSessionError> {
///     // password checked; delete the old session record if the request had one
///     let (token, start) = sessions.start()?;
///     let _key = token.hash(); // db.insert_session(key, user_id).await
///     Ok(HttpResponse::SeeOther()
///         .insert_header((header::LOCATION, "/"))
///         .start_session(&start)
///         .finish())
/// }
/// # let _ = login;
/// ```
#[must_use = "a session starts only when this is applied to the response"]
pub struct StartSession<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
    set_cookie: SetCookie,
}

impl<const N: usize> StartSession<N> {
    /// `set_cookie` is the new token's, from [`CookieProxy::start_value`].
    pub(crate) const fn new(proxy: Arc<CookieProxy<N>>, set_cookie: SetCookie) -> Self {
        Self { proxy, set_cookie }
    }

    /// Sets the cookie on `res`, replacing an earlier `Set-Cookie` for the session name.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{Sessions, StartSessionError};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, StartSessionError> {
    ///     let (token, start) = sessions.start()?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id).await
    ///     let mut res = HttpResponse::Ok().body("welcome");
    ///     sessions.end().apply_to(&mut res); // ... then changed our mind:
    ///     start.apply_to(&mut res); // one Set-Cookie for the name: the new session
    ///     Ok(res)
    /// }
    /// # let _ = login;
    /// ```
    pub fn apply_to<B>(&self, res: &mut HttpResponse<B>) {
        put(&self.proxy, res, self.set_cookie.clone());
    }
}

impl<const N: usize> Responder for StartSession<N> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        respond(|res| self.apply_to(res))
    }
}

impl<const N: usize> fmt::Debug for StartSession<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StartSession(..)")
    }
}

/// Re-issues the session cookie with a fresh expiry (sliding sessions). Made by
/// [`Sessions::refresh`](crate::Sessions::refresh).
///
/// Same header rules as [`StartSession`]; `Debug` is redacted.
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
///     HttpResponse::Ok().refresh_session(&sessions.refresh(&token)).body("page")
/// }
/// # let _ = page;
/// ```
#[must_use = "the cookie is refreshed only when this is applied to the response"]
pub struct RefreshSession<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
    token: Token<N>,
}

impl<const N: usize> RefreshSession<N> {
    pub(crate) const fn new(proxy: Arc<CookieProxy<N>>, token: Token<N>) -> Self {
        Self { proxy, token }
    }

    /// Sets the cookie on `res`, replacing an earlier `Set-Cookie` for the session name.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionToken, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn page(sessions: Sessions<Me>, token: SessionToken<Me>) -> HttpResponse {
    ///     let mut res = HttpResponse::Ok().body("page");
    ///     sessions.refresh(&token).apply_to(&mut res);
    ///     res
    /// }
    /// # let _ = page;
    /// ```
    pub fn apply_to<B>(&self, res: &mut HttpResponse<B>) {
        put(&self.proxy, res, self.proxy.refresh_value(&self.token));
    }
}

impl<const N: usize> Responder for RefreshSession<N> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        respond(|res| self.apply_to(res))
    }
}

impl<const N: usize> fmt::Debug for RefreshSession<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshSession(..)")
    }
}

/// Removes the session cookie. Made by [`Sessions::end`](crate::Sessions::end).
///
/// Delete the session record in your store as well. Same header rules as
/// [`StartSession`].
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, http::header};
/// use session_actix::{SessionResponseExt as _, SessionToken, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(sessions: Sessions<Me>, token: Option<SessionToken<Me>>) -> HttpResponse {
///     if let Some(token) = token {
///         let _key = token.hash(); // db.delete_session(key).await
///     }
///     HttpResponse::SeeOther()
///         .insert_header((header::LOCATION, "/"))
///         .end_session(&sessions.end())
///         .finish()
/// }
/// # let _ = logout;
/// ```
#[must_use = "the cookie is removed only when this is applied to the response"]
pub struct EndSession<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
}

impl<const N: usize> EndSession<N> {
    pub(crate) const fn new(proxy: Arc<CookieProxy<N>>) -> Self {
        Self { proxy }
    }

    /// Sets the removal cookie on `res`, replacing an earlier `Set-Cookie` for the session
    /// name.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::Sessions;
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn logout(sessions: Sessions<Me>) -> HttpResponse {
    ///     let mut res = HttpResponse::Ok().body("bye");
    ///     sessions.end().apply_to(&mut res);
    ///     res
    /// }
    /// # let _ = logout;
    /// ```
    pub fn apply_to<B>(&self, res: &mut HttpResponse<B>) {
        put(&self.proxy, res, self.proxy.end_value());
    }
}

impl<const N: usize> Responder for EndSession<N> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        respond(|res| self.apply_to(res))
    }
}

impl<const N: usize> fmt::Debug for EndSession<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndSession")
            .field("name", &self.proxy.name())
            .finish()
    }
}

/// The session helpers on an [`HttpResponseBuilder`], chainable.
///
/// Each appends the `Set-Cookie` (marked sensitive) and `Cache-Control: no-store`. A builder's headers can be neither read nor removed, so:
///
/// * apply **one** session helper per builder (two would send two `Set-Cookie`s for the
///   name); to replace one with another, use `apply_to` on the finished `HttpResponse`;
/// * set your own `Cache-Control` with `insert_header` *after* the helper if you need a
///   different one (it replaces `no-store`).
///
/// # Examples
///
/// ```
/// use actix_web::HttpResponse;
/// use session_actix::{SessionResponseExt as _, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(sessions: Sessions<Me>) -> HttpResponse {
///     HttpResponse::Ok().end_session(&sessions.end()).body("bye")
/// }
/// # let _ = logout;
/// ```
pub trait SessionResponseExt {
    /// Sets the cookie of a new session (see [`StartSession`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionResponseExt as _, Sessions, StartSessionError};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, StartSessionError> {
    ///     let (_token, start) = sessions.start()?;
    ///     Ok(HttpResponse::Ok().start_session(&start).body("welcome"))
    /// }
    /// # let _ = login;
    /// ```
    fn start_session<const N: usize>(&mut self, start: &StartSession<N>) -> &mut Self;

    /// Re-issues the session cookie (see [`RefreshSession`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionResponseExt as _, SessionToken, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn page(sessions: Sessions<Me>, token: SessionToken<Me>) -> HttpResponse {
    ///     HttpResponse::Ok().refresh_session(&sessions.refresh(&token)).body("page")
    /// }
    /// # let _ = page;
    /// ```
    fn refresh_session<const N: usize>(&mut self, refresh: &RefreshSession<N>) -> &mut Self;

    /// Removes the session cookie (see [`EndSession`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionResponseExt as _, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn logout(sessions: Sessions<Me>) -> HttpResponse {
    ///     HttpResponse::Ok().end_session(&sessions.end()).finish()
    /// }
    /// # let _ = logout;
    /// ```
    fn end_session<const N: usize>(&mut self, end: &EndSession<N>) -> &mut Self;
}

impl SessionResponseExt for HttpResponseBuilder {
    fn start_session<const N: usize>(&mut self, start: &StartSession<N>) -> &mut Self {
        append(self, start.set_cookie.clone());
        self
    }

    fn refresh_session<const N: usize>(&mut self, refresh: &RefreshSession<N>) -> &mut Self {
        append(self, refresh.proxy.refresh_value(&refresh.token));
        self
    }

    fn end_session<const N: usize>(&mut self, end: &EndSession<N>) -> &mut Self {
        append(self, end.proxy.end_value());
        self
    }
}

/// A session could not be started: no token could be generated (the operating system's
/// random number generator failed). Answered with `500` and a static body.
///
/// The cause is the [`source`](std::error::Error::source).
///
/// # Examples
///
/// ```
/// use session_actix::{Sessions, StartSession, StartSessionError};
///
/// # #[derive(Clone)] struct Me;
/// fn begin(sessions: &Sessions<Me>) -> Result<StartSession, StartSessionError> {
///     let (_token, start) = sessions.start()?; // `?` in a handler: a 500 response
///     Ok(start)
/// }
/// # let _ = begin;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartSessionError {
    inner: session_cookie::Error,
}

impl StartSessionError {
    /// The error of `session-cookie`, whose source is the RNG's.
    ///
    /// # Examples
    ///
    /// ```
    /// fn os_code(err: &session_actix::StartSessionError) -> Option<i32> {
    ///     err.cookie_error().token_error().getrandom().raw_os_error()
    /// }
    /// # let _ = os_code;
    /// ```
    #[must_use]
    pub const fn cookie_error(&self) -> session_cookie::Error {
        self.inner
    }

    /// `500 Internal Server Error`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    ///
    /// fn status(err: &session_actix::StartSessionError) -> StatusCode {
    ///     err.status()
    /// }
    /// # let _ = status;
    /// ```
    #[must_use]
    pub fn status(&self) -> StatusCode {
        // session-cookie's code (500) is always a valid status; the fallback is never taken.
        StatusCode::from_u16(self.inner.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<session_cookie::Error> for StartSessionError {
    fn from(inner: session_cookie::Error) -> Self {
        Self { inner }
    }
}

impl fmt::Display for StartSessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.inner.response_text())
    }
}

impl StdError for StartSessionError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.inner)
    }
}

impl ResponseError for StartSessionError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        static_text(self.status(), self.inner.response_text())
    }
}
