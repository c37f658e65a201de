//! Bearer tokens (`Authorization: Bearer <token>`): the opt-in and the start for API clients.
//! The rules are `session_cookie::bearer`'s.

use session_cookie::Token;
use session_cookie::adapter::Rejection;

use super::Sessions;
use crate::SessionRejection;

impl<U, const N: usize> Sessions<U, N> {
    /// Accepts the session token from an `Authorization: Bearer <token>` header too, for API
    /// and mobile clients: the same token and the same loader as the cookie.
    ///
    /// Off by default: without it an `Authorization` header is ignored. With it,
    /// [`User`](crate::User), [`MaybeUser`](crate::MaybeUser),
    /// [`SessionToken`](crate::SessionToken), [`MaybeSessionToken`](crate::MaybeSessionToken),
    /// the [`RequireUser`](crate::RequireUser) guard and [`user`](Self::user) read both, by
    /// the rules of [`session_cookie::bearer`]: exactly one header, the `Bearer` scheme in any
    /// case, one well-formed token and nothing else; a header that breaks them gives no token
    /// (a cookie beside it still counts); a cookie and a header with **different** tokens are
    /// no session. A request without either header costs what it did.
    ///
    /// Bearer requests need no cross-origin check (the header is not sent by browsers on
    /// their own); the [`RequireSameOrigin`](crate::RequireSameOrigin) middleware still looks
    /// at every request the same way, credentials unseen: clients that are not browsers pass
    /// it, a browser application on another origin needs to be a trusted origin.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, http::StatusCode, test, web};
    /// use session_actix::session_cookie::bearer;
    /// use session_actix::{CookieProxy, Sessions, Token, User};
    ///
    /// async fn load_user(token: &Token) -> Result<Option<String>, std::io::Error> {
    ///     Ok((token.as_bytes() == &[7; 32]).then(|| "ada".to_owned()))
    /// }
    ///
    /// # #[actix_web::main]
    /// # async fn main() {
    /// let sessions: Sessions<String> =
    ///     Sessions::new(CookieProxy::default(), load_user).with_bearer();
    /// let app = test::init_service(
    ///     App::new()
    ///         .app_data(sessions)
    ///         .route("/api/me", web::get().to(|User(me): User<String>| async move { me })),
    /// )
    /// .await;
    ///
    /// let token = Token::from_bytes([7; 32]);
    /// let request = test::TestRequest::get()
    ///     .uri("/api/me")
    ///     .insert_header(("authorization", bearer::header_value(&token)))
    ///     .to_request();
    /// assert_eq!(test::call_service(&app, request).await.status(), StatusCode::OK);
    ///
    /// let request = test::TestRequest::get()
    ///     .uri("/api/me")
    ///     .insert_header(("authorization", "Basic dXNlcjpwYXNz"))
    ///     .to_request();
    /// assert_eq!(test::call_service(&app, request).await.status(), StatusCode::UNAUTHORIZED);
    /// # }
    /// ```
    #[must_use]
    pub fn with_bearer(mut self) -> Self {
        self.bearer = true;
        self
    }

    /// Whether `Authorization: Bearer` is accepted ([`with_bearer`](Self::with_bearer)).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::{CookieProxy, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// assert!(!sessions.accepts_bearer());
    /// assert!(sessions.with_bearer().accepts_bearer());
    /// ```
    #[must_use]
    pub const fn accepts_bearer(&self) -> bool {
        self.bearer
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
    /// use actix_web::{HttpResponse, http::header};
    /// use session_actix::{SessionRejection, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// async fn api_login(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    ///     // check the credentials first, then:
    ///     let token = sessions.start_bearer()?;
    ///     let _key = token.hash(); // db.insert_session(key, user_id).await
    ///     Ok(HttpResponse::Ok()
    ///         .insert_header((header::CACHE_CONTROL, "no-store"))
    ///         .content_type("application/json")
    ///         .body(format!(r#"{{"token":"{}"}}"#, token.encode().as_str())))
    /// }
    /// # let _ = api_login;
    /// ```
    pub fn start_bearer(&self) -> Result<Token<N>, SessionRejection> {
        Token::generate().map_err(|e| Rejection::start_failed(e).into())
    }
}
