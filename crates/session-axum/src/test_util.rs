//! Helpers for your handlers' tests (feature `test-util`): a [`Sessions`] over a fixed map of
//! tokens to users ([`Sessions::fixed`]: no store, no login round trip), and requests that
//! carry a session ([`SessionRequestExt`]: the cookie, or a bearer token).
//!
//! # Examples
//!
//! ```
//! use axum::{Router, body::Body, routing::get};
//! use http::{Request, StatusCode};
//! use session_axum::test_util::SessionRequestExt as _;
//! use session_axum::{CookieProxy, Sessions, Token, User};
//! use tower::ServiceExt as _;
//!
//! async fn me(User(name): User<String>) -> String { name }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ada = Token::from_bytes([1; 32]);
//! let sessions = Sessions::fixed(CookieProxy::default(), [(ada.clone(), "ada".to_owned())]);
//! let app = Router::new().route("/me", get(me)).with_state(sessions.clone());
//!
//! let request = Request::get("/me").session_cookie(&sessions, &ada).body(Body::empty())?;
//! let response = app.clone().oneshot(request).await?;
//! assert_eq!(response.status(), StatusCode::OK);
//!
//! let stranger = Token::from_bytes([2; 32]);
//! let request = Request::get("/me").session_cookie(&sessions, &stranger).body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), StatusCode::UNAUTHORIZED);
//! # Ok(()) }
//! ```

use http::HeaderValue;
use http::header::{self, HeaderName};
use http::request::Builder;
use session_cookie::bearer;
use session_cookie::test_util::{FixedUsers, cookie_header};
use session_cookie::{CookieProxy, Token};

use crate::Sessions;

impl<U, const N: usize> Sessions<U, N>
where
    U: Clone + Send + Sync + 'static,
{
    /// A configuration whose loader is a fixed map of tokens to users
    /// ([`FixedUsers`](session_cookie::test_util::FixedUsers)): every other token is no
    /// session, and the loader never fails. The same `Sessions<U, N>` your app's state holds,
    /// so a handler test builds the app with it instead of a store. Add
    /// [`with_bearer`](Self::with_bearer) to test bearer requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::request::Parts;
    /// use session_axum::test_util::SessionRequestExt as _;
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let ada = Token::from_bytes([1; 32]);
    /// let sessions = Sessions::fixed(CookieProxy::default(), [(ada.clone(), 7_u64)]).with_bearer();
    /// let (mut parts, ()) = http::Request::get("/").bearer_token(&ada).body(())?.into_parts();
    /// assert_eq!(sessions.user(&mut parts).await?, Some(7));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn fixed<I>(proxy: CookieProxy<N>, users: I) -> Self
    where
        I: IntoIterator<Item = (Token<N>, U)>,
    {
        Self::new_sync(proxy, FixedUsers::new(users))
    }
}

/// Request builders that carry a session: the `Cookie` header a browser would send back, or
/// an `Authorization: Bearer` header (read by a [`Sessions`] with
/// [`with_bearer`](Sessions::with_bearer)). The values are marked sensitive.
///
/// # Examples
///
/// ```
/// use http::{Request, header};
/// use session_axum::test_util::SessionRequestExt as _;
/// use session_axum::{CookieProxy, Sessions, Token};
///
/// # fn main() -> Result<(), http::Error> {
/// let token = Token::from_bytes([1; 32]);
/// let sessions = Sessions::fixed(CookieProxy::default(), [(token.clone(), ())]);
/// let request = Request::get("/").session_cookie(&sessions, &token).body(())?;
/// assert!(request.headers()[header::COOKIE].to_str().is_ok_and(|v| v.starts_with("__Host-id=")));
/// assert_eq!(sessions.token(request.headers()), Some(token));
/// # Ok(()) }
/// ```
pub trait SessionRequestExt: Sized {
    /// Adds the `Cookie` header that carries `token` under `sessions`' cookie name.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::test_util::SessionRequestExt as _;
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # fn main() -> Result<(), http::Error> {
    /// let token = Token::from_bytes([1; 32]);
    /// let sessions = Sessions::fixed(CookieProxy::default(), [(token.clone(), "ada")]);
    /// let request = http::Request::get("/").session_cookie(&sessions, &token).body(())?;
    /// assert_eq!(sessions.token(request.headers()), Some(token));
    /// # Ok(()) }
    /// ```
    #[must_use]
    fn session_cookie<U, const N: usize>(self, sessions: &Sessions<U, N>, token: &Token<N>)
    -> Self;

    /// Adds `Authorization: Bearer <token>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::test_util::SessionRequestExt as _;
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # fn main() -> Result<(), http::Error> {
    /// let token = Token::from_bytes([1; 32]);
    /// let sessions = Sessions::fixed(CookieProxy::default(), [(token.clone(), "ada")]);
    /// let request = http::Request::get("/").bearer_token(&token).body(())?;
    /// assert_eq!(sessions.token(request.headers()), None); // not opted in
    /// assert_eq!(sessions.with_bearer().token(request.headers()), Some(token));
    /// # Ok(()) }
    /// ```
    #[must_use]
    fn bearer_token<const N: usize>(self, token: &Token<N>) -> Self;
}

impl SessionRequestExt for Builder {
    fn session_cookie<U, const N: usize>(
        self,
        sessions: &Sessions<U, N>,
        token: &Token<N>,
    ) -> Self {
        sensitive(self, header::COOKIE, cookie_header(sessions.proxy(), token))
    }

    fn bearer_token<const N: usize>(self, token: &Token<N>) -> Self {
        sensitive(self, header::AUTHORIZATION, bearer::header_value(token))
    }
}

/// `value` under `name`, marked sensitive. Both values are a token and a cookie name or the
/// scheme, always valid; were one not, the builder would keep the error for `body()`.
fn sensitive(builder: Builder, name: HeaderName, value: String) -> Builder {
    match HeaderValue::try_from(value.as_str()) {
        Ok(mut header) => {
            header.set_sensitive(true);
            builder.header(name, header)
        }
        Err(_) => builder.header(name, value),
    }
}
