use core::convert::Infallible;
use core::fmt;
use std::error::Error as StdError;
use std::sync::Arc;

use axum_core::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use http::StatusCode;
use session_cookie::{CookieProxy, SetCookie, Token};

/// Response part: sets the cookie of a new session. Made by
/// [`Sessions::start`](crate::Sessions::start), which returns the token first so you can
/// store `token.hash()` before answering.
///
/// Like [`RefreshSession`] and [`EndSession`], it drops the response's earlier
/// `Set-Cookie` for the session name (other cookies are kept), so a handler that ends one
/// session and starts another sends one `Set-Cookie` for the name: the last one applied.
/// In an axum tuple the last element is the response, made first, and the parts before it
/// apply left to right: write `(end, start, body)`, not `(end, start)`. Add other cookies
/// with `AppendHeaders`; a plain `[(SET_COOKIE, ..)]` part replaces every `Set-Cookie`.
/// The value is marked sensitive, and
/// `Cache-Control: no-store` is added unless the response has a `Cache-Control`.
///
/// It holds the token, so its `Debug` is redacted.
///
/// # Examples
///
/// ```
/// use axum::{extract::State, response::Redirect};
/// use session_axum::{EndSession, Sessions, StartSession, StartSessionError};
///
/// # #[derive(Clone)] struct Me;
/// async fn login(
///     State(sessions): State<Sessions<Me>>,
/// ) -> Result<(EndSession, StartSession, Redirect), StartSessionError> {
///     // password checked; delete the old session record if the request had one
///     let (token, start) = sessions.start()?;
///     let _key = token.hash(); // db.insert_session(key, user_id).await
///     // The end of the old cookie is replaced by the new one: one Set-Cookie.
///     Ok((sessions.end(), start, Redirect::to("/")))
/// }
/// # let _ = login;
/// ```
#[must_use = "a session starts only when this is returned in the response"]
pub struct StartSession<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
    set_cookie: SetCookie,
}

impl<const N: usize> StartSession<N> {
    /// `set_cookie` is the new token's, from [`CookieProxy::start_value`].
    pub(crate) const fn new(proxy: Arc<CookieProxy<N>>, set_cookie: SetCookie) -> Self {
        Self { proxy, set_cookie }
    }
}

impl<const N: usize> IntoResponseParts for StartSession<N> {
    type Error = Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Infallible> {
        self.proxy.apply(res.headers_mut(), self.set_cookie);
        Ok(res)
    }
}

impl<const N: usize> IntoResponse for StartSession<N> {
    fn into_response(self) -> Response {
        (self, ()).into_response()
    }
}

impl<const N: usize> fmt::Debug for StartSession<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StartSession(..)")
    }
}

/// Response part: re-issues the session cookie with a fresh expiry (sliding sessions).
/// Made by [`Sessions::refresh`](crate::Sessions::refresh).
///
/// Same header rules as [`StartSession`]; `Debug` is redacted.
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
///     // db.extend_session(token.hash()).await
///     (sessions.refresh(&token), "page")
/// }
/// # let _ = page;
/// ```
#[must_use = "the cookie is refreshed only when this is returned in the response"]
pub struct RefreshSession<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
    token: Token<N>,
}

impl<const N: usize> RefreshSession<N> {
    pub(crate) const fn new(proxy: Arc<CookieProxy<N>>, token: Token<N>) -> Self {
        Self { proxy, token }
    }
}

impl<const N: usize> IntoResponseParts for RefreshSession<N> {
    type Error = Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Infallible> {
        self.proxy.refresh(res.headers_mut(), &self.token);
        Ok(res)
    }
}

impl<const N: usize> IntoResponse for RefreshSession<N> {
    fn into_response(self) -> Response {
        (self, ()).into_response()
    }
}

impl<const N: usize> fmt::Debug for RefreshSession<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshSession(..)")
    }
}

/// Response part: removes the session cookie. Made by
/// [`Sessions::end`](crate::Sessions::end).
///
/// Delete the session record in your store as well. Same header rules as
/// [`StartSession`].
///
/// # Examples
///
/// ```
/// use axum::{extract::State, response::Redirect};
/// use session_axum::{EndSession, SessionToken, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(
///     State(sessions): State<Sessions<Me>>,
///     token: Option<SessionToken<Me>>,
/// ) -> (EndSession, Redirect) {
///     if let Some(token) = token {
///         let _key = token.hash(); // db.delete_session(key).await
///     }
///     (sessions.end(), Redirect::to("/"))
/// }
/// # let _ = logout;
/// ```
#[must_use = "the cookie is removed only when this is returned in the response"]
pub struct EndSession<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
}

impl<const N: usize> EndSession<N> {
    pub(crate) const fn new(proxy: Arc<CookieProxy<N>>) -> Self {
        Self { proxy }
    }
}

impl<const N: usize> IntoResponseParts for EndSession<N> {
    type Error = Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Infallible> {
        self.proxy.end(res.headers_mut());
        Ok(res)
    }
}

impl<const N: usize> IntoResponse for EndSession<N> {
    fn into_response(self) -> Response {
        (self, ()).into_response()
    }
}

impl<const N: usize> fmt::Debug for EndSession<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndSession")
            .field("name", &self.proxy.name())
            .finish()
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
/// use session_axum::{Sessions, StartSession, StartSessionError};
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
    /// fn os_code(err: &session_axum::StartSessionError) -> Option<i32> {
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
    /// use http::StatusCode;
    ///
    /// fn status(err: &session_axum::StartSessionError) -> StatusCode {
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

impl IntoResponse for StartSessionError {
    fn into_response(self) -> Response {
        (self.status(), self.inner.response_text()).into_response()
    }
}
