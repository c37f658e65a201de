//! Helpers for your handlers' tests (feature `test-util`): a [`Sessions`] over a fixed map of
//! tokens to users ([`Sessions::fixed`]: no store, no login round trip), and test requests
//! that carry a session ([`SessionTestRequestExt`]: the cookie, or a bearer token).
//!
//! # Examples
//!
//! ```
//! use actix_web::{App, http::StatusCode, test, web};
//! use session_actix::test_util::SessionTestRequestExt as _;
//! use session_actix::{CookieProxy, Sessions, Token, User};
//!
//! async fn me(User(name): User<String>) -> String { name }
//!
//! # #[actix_web::main]
//! # async fn main() {
//! let ada = Token::from_bytes([1; 32]);
//! let sessions = Sessions::fixed(CookieProxy::default(), [(ada.clone(), "ada".to_owned())]);
//! let app = test::init_service(
//!     App::new().app_data(sessions.clone()).route("/me", web::get().to(me)),
//! )
//! .await;
//!
//! let request = test::TestRequest::get().uri("/me").session_cookie(&sessions, &ada);
//! assert_eq!(test::call_service(&app, request.to_request()).await.status(), StatusCode::OK);
//!
//! let stranger = Token::from_bytes([2; 32]);
//! let request = test::TestRequest::get().uri("/me").session_cookie(&sessions, &stranger);
//! let response = test::call_service(&app, request.to_request()).await;
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! # }
//! ```

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::test::TestRequest;
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
    /// session, and the loader never fails. The same `Sessions<U, N>` your app registers,
    /// so a handler test builds the app with it instead of a store. Add
    /// [`with_bearer`](Self::with_bearer) to test bearer requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use session_actix::test_util::SessionTestRequestExt as _;
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// # #[actix_web::main]
    /// # async fn main() -> Result<(), session_actix::SessionRejection> {
    /// let ada = Token::from_bytes([1; 32]);
    /// let sessions = Sessions::fixed(CookieProxy::default(), [(ada.clone(), 7_u64)]).with_bearer();
    /// let req = TestRequest::default().bearer_token(&ada).to_http_request();
    /// assert_eq!(sessions.user(&req).await?, Some(7));
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

/// Test requests that carry a session: the `Cookie` header a browser would send back, or an
/// `Authorization: Bearer` header (read by a [`Sessions`] with
/// [`with_bearer`](Sessions::with_bearer)). The values are marked sensitive.
///
/// # Examples
///
/// ```
/// use actix_web::test::TestRequest;
/// use session_actix::test_util::SessionTestRequestExt as _;
/// use session_actix::{CookieProxy, Sessions, Token};
///
/// let token = Token::from_bytes([1; 32]);
/// let sessions = Sessions::fixed(CookieProxy::default(), [(token.clone(), ())]);
/// let req = TestRequest::default().session_cookie(&sessions, &token).to_http_request();
/// assert_eq!(sessions.token(&req), Some(token));
/// ```
pub trait SessionTestRequestExt: Sized {
    /// Adds the `Cookie` header that carries `token` under `sessions`' cookie name.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use session_actix::test_util::SessionTestRequestExt as _;
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// let token = Token::from_bytes([1; 32]);
    /// let sessions = Sessions::fixed(CookieProxy::default(), [(token.clone(), "ada")]);
    /// let req = TestRequest::default().session_cookie(&sessions, &token).to_http_request();
    /// assert!(req.headers().get("cookie").is_some_and(|v| v.is_sensitive()));
    /// ```
    #[must_use]
    fn session_cookie<U, const N: usize>(self, sessions: &Sessions<U, N>, token: &Token<N>)
    -> Self;

    /// Adds `Authorization: Bearer <token>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use session_actix::test_util::SessionTestRequestExt as _;
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// let token = Token::from_bytes([1; 32]);
    /// let sessions = Sessions::fixed(CookieProxy::default(), [(token.clone(), "ada")]);
    /// let req = TestRequest::default().bearer_token(&token).to_http_request();
    /// assert_eq!(sessions.token(&req), None); // not opted in
    /// assert_eq!(sessions.with_bearer().token(&req), Some(token));
    /// ```
    #[must_use]
    fn bearer_token<const N: usize>(self, token: &Token<N>) -> Self;
}

impl SessionTestRequestExt for TestRequest {
    fn session_cookie<U, const N: usize>(
        self,
        sessions: &Sessions<U, N>,
        token: &Token<N>,
    ) -> Self {
        sensitive(
            self,
            header::COOKIE,
            &cookie_header(sessions.proxy(), token),
        )
    }

    fn bearer_token<const N: usize>(self, token: &Token<N>) -> Self {
        sensitive(self, header::AUTHORIZATION, &bearer::header_value(token))
    }
}

/// `value` appended under `name`, marked sensitive. The values are a token and a cookie
/// name or the scheme, always valid header values; were one not, the request would go
/// without it (and have no session).
fn sensitive(request: TestRequest, name: HeaderName, value: &str) -> TestRequest {
    match HeaderValue::from_str(value) {
        Ok(mut header) => {
            header.set_sensitive(true);
            request.append_header((name, header))
        }
        Err(_) => request,
    }
}
