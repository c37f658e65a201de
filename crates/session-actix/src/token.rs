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
/// token (and `500` when the configuration is missing).
///
/// For an optional token (a logout handler) take [`MaybeSessionToken<U>`](MaybeSessionToken),
/// **not** `Option<SessionToken<U>>`: actix-web's `Option` turns every error into `None`,
/// a missing configuration included, so a logout would silently skip deleting the session
/// record while the cookie is removed.
///
/// Like [`Token`], its `Debug` is redacted, and it derefs to the [`Token`].
///
/// # Examples
///
/// ```
/// use actix_web::HttpResponse;
/// use session_actix::{SessionToken, Sessions, User};
///
/// # #[derive(Clone)] struct Me;
/// async fn revoke_others(_me: User<Me>, token: SessionToken<Me>) -> HttpResponse {
///     let _current = token.hash(); // db.delete_other_sessions(current).await
///     HttpResponse::Ok().body("signed out elsewhere")
/// }
/// # let _ = revoke_others;
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

/// Extractor: the optional form of [`SessionToken`], for logout: `MaybeSessionToken(None)`
/// when the request has no well-formed token, and still a `500`
/// ([`RejectionReason::NotConfigured`](crate::RejectionReason::NotConfigured)) when no
/// [`Sessions<U, N>`](Sessions) is registered, where `Option<SessionToken<U>>` would say
/// `None` and the session record would outlive the logout.
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
///     HttpResponse::Ok().body("logged out").end_session(sessions.end())
/// }
/// # let _ = logout;
/// ```
#[derive(Debug, Clone)]
pub struct MaybeSessionToken<U, const N: usize = 32>(pub Option<SessionToken<U, N>>);

impl<U, const N: usize> MaybeSessionToken<U, N> {
    /// The token, if the request has a well-formed one.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::MaybeSessionToken;
    ///
    /// let none: MaybeSessionToken<()> = MaybeSessionToken(None);
    /// assert!(none.into_inner().is_none());
    /// ```
    #[must_use]
    pub fn into_inner(self) -> Option<SessionToken<U, N>> {
        self.0
    }
}

impl<U: 'static, const N: usize> FromRequest for MaybeSessionToken<U, N> {
    type Error = SessionRejection;
    type Future = Ready<Result<Self, SessionRejection>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            Sessions::<U, N>::from_app_data(req)
                .map(|sessions| Self(sessions.token(req).map(SessionToken::new))),
        )
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
