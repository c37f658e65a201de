//! Bearer tokens (`Authorization: Bearer <token>`): the opt-in and the start for API clients.
//! The rules are `session_cookie::bearer`'s.

use std::sync::Arc;

use http::{HeaderMap, HeaderValue, header};
use session_cookie::adapter::Rejection;
use session_cookie::{CookieProxy, Token};

use super::{Inner, Sessions};
use crate::SessionRejection;

impl<U, const N: usize> Sessions<U, N> {
    /// Accepts the session token from an `Authorization: Bearer <token>` header too, for API
    /// and mobile clients: the same token and the same loader as the cookie.
    ///
    /// Off by default: without it an `Authorization` header is ignored. With it,
    /// [`User`](crate::User), `Option<User>`, [`SessionToken`](crate::SessionToken), the
    /// [`RequireUser`](crate::RequireUser) guard and [`user`](Self::user) read both, by the
    /// rules of [`session_cookie::bearer`]: exactly one header, the `Bearer` scheme in any
    /// case, one well-formed token and nothing else; a header that breaks them gives no token
    /// (a cookie beside it still counts); a cookie and a header with **different** tokens are
    /// no session. A request without either header costs what it did.
    ///
    /// Bearer requests need no cross-origin check (the header is not sent by browsers on
    /// their own); the [`RequireSameOrigin`](crate::RequireSameOrigin) guard still looks at
    /// every request the same way, credentials unseen: clients that are not browsers pass it,
    /// a browser application on another origin needs to be a trusted origin.
    ///
    /// # Examples
    ///
    /// ```
    /// use axum::{Router, body::Body, routing::get};
    /// use http::{Request, StatusCode, header};
    /// use session_axum::{CookieProxy, Sessions, Token, User};
    /// use session_axum::session_cookie::bearer;
    /// use tower::ServiceExt as _;
    ///
    /// async fn load_user(token: &Token) -> Result<Option<String>, std::io::Error> {
    ///     Ok((token.as_bytes() == &[7; 32]).then(|| "ada".to_owned()))
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sessions: Sessions<String> =
    ///     Sessions::new(CookieProxy::default(), load_user).with_bearer();
    /// let app = Router::new()
    ///     .route("/api/me", get(|User(me): User<String>| async move { me }))
    ///     .with_state(sessions);
    ///
    /// let token = Token::from_bytes([7; 32]);
    /// let request = Request::get("/api/me")
    ///     .header(header::AUTHORIZATION, bearer::header_value(&token))
    ///     .body(Body::empty())?;
    /// assert_eq!(app.clone().oneshot(request).await?.status(), StatusCode::OK);
    ///
    /// let request = Request::get("/api/me")
    ///     .header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")
    ///     .body(Body::empty())?;
    /// assert_eq!(app.oneshot(request).await?.status(), StatusCode::UNAUTHORIZED);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn with_bearer(self) -> Self {
        let inner = Arc::unwrap_or_clone(self.inner);
        Self {
            inner: Arc::new(Inner {
                bearer: true,
                ..inner
            }),
        }
    }

    /// Whether `Authorization: Bearer` is accepted ([`with_bearer`](Self::with_bearer)).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert!(!sessions.accepts_bearer());
    /// assert!(sessions.with_bearer().accepts_bearer());
    /// ```
    #[must_use]
    pub fn accepts_bearer(&self) -> bool {
        self.inner.bearer
    }

    /// Starts a session for an API client: a new token, **for the response body**, and no
    /// cookie. Send it as [`token.encode()`](Token::encode) (in JSON, say) in a response
    /// with `Cache-Control: no-store`; the client sends it back as `Authorization: Bearer
    /// <token>`, which this configuration reads only with [`with_bearer`](Self::with_bearer).
    ///
    /// As with [`start`](Self::start): store the session under `token.hash()` before
    /// answering, and delete the client's previous session record. Ending a bearer session is
    /// deleting that record; there is no cookie to remove.
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
    /// use http::header;
    /// use session_axum::{SessionRejection, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn api_login(
    ///     State(sessions): State<Sessions<Me>>,
    /// ) -> Result<([(header::HeaderName, &'static str); 2], String), SessionRejection> {
    ///     // check the credentials first, then:
    ///     let token = sessions.start_bearer()?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id).await
    ///     let json = format!(r#"{{"token":"{}"}}"#, token.encode().as_str());
    ///     Ok(([(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "application/json")], json))
    /// }
    /// # let _ = api_login;
    /// ```
    pub fn start_bearer(&self) -> Result<Token<N>, SessionRejection> {
        Token::generate().map_err(|e| Rejection::start_failed(e).into())
    }
}

impl<U, const N: usize> Clone for Inner<U, N> {
    fn clone(&self) -> Self {
        Self {
            proxy: Arc::clone(&self.proxy),
            loader: self.loader.clone(),
            bearer: self.bearer,
        }
    }
}

/// The token of a request's `Cookie` and `Authorization` headers, by
/// [`CookieProxy::load_with_bearer`].
pub(super) fn token<const N: usize>(
    proxy: &CookieProxy<N>,
    headers: &HeaderMap,
) -> Option<Token<N>> {
    let values = |name| headers.get_all(name).into_iter().map(HeaderValue::as_bytes);
    proxy.load_with_bearer(values(header::COOKIE), values(header::AUTHORIZATION))
}
