use core::fmt;
use core::future::{Ready, ready};
use core::marker::PhantomData;
use core::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use session_cookie::Token;

use session_cookie::adapter::Rejection;

use crate::{SessionRejection, Sessions};

/// Extractor: the raw, well-formed session token of the request, **without** asking the
/// loader whether it names a live session. For logout: delete the record stored under
/// `token.hash()`, then end the session with [`Sessions::end`].
///
/// It reads the cookie of the [`Sessions<U, N>`](Sessions) registered with `App::app_data`,
/// which is why it names the user type `U`. Rejects with `401` when there is no well-formed
/// token (and `500` when the configuration is missing). `Option<SessionToken<U>>` gives
/// `None` instead of the 401; actix-web makes a missing configuration `None` too, but the
/// error line is still logged.
///
/// Like [`Token`], its `Debug` is redacted, and it derefs to the [`Token`].
///
/// # Examples
///
/// ```
/// use actix_web::HttpResponse;
/// use session_actix::{SessionResponseExt as _, SessionToken, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(sessions: Sessions<Me>, token: Option<SessionToken<Me>>) -> HttpResponse {
///     if let Some(token) = token {
///         let _key = token.hash(); // db.delete_session(key).await
///     }
///     HttpResponse::Ok().body("logged out").end_session(sessions.end())
/// }
/// # let _ = logout;
/// ```
pub struct SessionToken<U, const N: usize = 32> {
    token: Token<N>,
    _user: PhantomData<fn() -> U>,
}

impl<U, const N: usize> SessionToken<U, N> {
    const fn new(token: Token<N>) -> Self {
        Self {
            token,
            _user: PhantomData,
        }
    }

    /// The token.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::SessionToken;
    ///
    /// # #[derive(Clone)] struct Me;
    /// fn storage_key(token: &SessionToken<Me>) -> [u8; 32] {
    ///     token.token().hash()
    /// }
    /// # let _ = storage_key;
    /// ```
    #[must_use]
    pub const fn token(&self) -> &Token<N> {
        &self.token
    }

    /// The token, by value.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::{SessionToken, Token};
    ///
    /// # #[derive(Clone)] struct Me;
    /// fn keep(token: SessionToken<Me>) -> Token {
    ///     token.into_token()
    /// }
    /// # let _ = keep;
    /// ```
    #[must_use]
    pub fn into_token(self) -> Token<N> {
        self.token
    }
}

impl<U, const N: usize> Deref for SessionToken<U, N> {
    type Target = Token<N>;

    fn deref(&self) -> &Token<N> {
        &self.token
    }
}

impl<U, const N: usize> Clone for SessionToken<U, N> {
    fn clone(&self) -> Self {
        Self::new(self.token.clone())
    }
}

impl<U, const N: usize> fmt::Debug for SessionToken<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

impl<U: 'static, const N: usize> FromRequest for SessionToken<U, N> {
    type Error = SessionRejection;
    type Future = Ready<Result<Self, SessionRejection>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Sessions::<U, N>::from_app_data(req).and_then(|sessions| {
            sessions
                .token(req)
                .map(Self::new)
                .ok_or_else(|| Rejection::no_session().into())
        }))
    }
}
