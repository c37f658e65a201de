use core::convert::Infallible;
use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;

use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use session_cookie::Token;

use session_cookie::adapter::Rejection;

use crate::{SessionRejection, Sessions};

/// Extractor: the raw, well-formed session token of the request, **without** asking the
/// loader whether it names a live session. For logout: delete the record stored under
/// `token.hash()`, then return [`EndSession`](crate::EndSession).
///
/// It reads the cookie of the [`Sessions<U, N>`](Sessions) found in the state, which is why
/// it names the user type `U`. Rejects with `401` when there is no well-formed token;
/// `Option<SessionToken<U>>` gives `None` instead and never rejects.
///
/// Like [`Token`], its `Debug` is redacted, and it derefs to the [`Token`].
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
///     (sessions.end(), "logged out")
/// }
/// # let _ = logout;
/// ```
pub struct SessionToken<U, const N: usize = 32> {
    token: Token<N>,
    _user: PhantomData<fn() -> U>,
}

impl<U, const N: usize> SessionToken<U, N> {
    fn new(token: Token<N>) -> Self {
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
    /// use session_axum::{SessionToken, Token};
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
    /// use session_axum::{SessionToken, Token};
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

impl<S, U, const N: usize> FromRequestParts<S> for SessionToken<U, N>
where
    S: Send + Sync,
    Sessions<U, N>: FromRef<S>,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Sessions::<U, N>::from_ref(state)
            .token(&parts.headers)
            .map(Self::new)
            .ok_or_else(|| Rejection::no_session().into())
    }
}

impl<S, U, const N: usize> OptionalFromRequestParts<S> for SessionToken<U, N>
where
    S: Send + Sync,
    Sessions<U, N>: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(Sessions::<U, N>::from_ref(state)
            .token(&parts.headers)
            .map(Self::new))
    }
}
