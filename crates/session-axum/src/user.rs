use core::ops::{Deref, DerefMut};

use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use session_cookie::adapter::Rejection;

use crate::{SessionRejection, Sessions};

/// Extractor: the user of the request's session, as your loader returned it.
///
/// * no valid session (no cookie, a malformed or ambiguous one, or a token the loader does
///   not know): rejected with `401` and a short static body;
/// * the loader failed: rejected with `500`; the body never contains the token or the
///   loader's error (see [`SessionRejection`]).
///
/// `Option<User<U>>` gives `None` instead of the 401 (a loader failure is still a 500).
///
/// [`Sessions<U, N>`](Sessions) must be reachable from the state with [`FromRef`]. The loader
/// runs at most once per request, whatever the number of `User`, `Option<User>` and
/// [`RequireUser`](crate::RequireUser) asking, and never for requests without a session
/// cookie. `U` is cloned out of the cache for each extractor: wrap large users in an `Arc`.
///
/// # Examples
///
/// ```
/// use session_axum::User;
///
/// #[derive(Clone)]
/// struct Me { name: String }
///
/// async fn hello(user: User<Me>) -> String {
///     format!("hello {}", user.name) // `User` derefs to `Me`
/// }
///
/// async fn home(user: Option<User<Me>>) -> String {
///     match user {
///         Some(User(me)) => format!("welcome back, {}", me.name),
///         None => "please log in".to_owned(),
///     }
/// }
/// # let _ = (hello, home);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct User<U, const N: usize = 32>(pub U);

impl<U, const N: usize> User<U, N> {
    /// The user, by value.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::User;
    ///
    /// let user: User<&str> = User("ada");
    /// assert_eq!(user.into_inner(), "ada");
    /// ```
    #[must_use]
    pub fn into_inner(self) -> U {
        self.0
    }
}

impl<U, const N: usize> Deref for User<U, N> {
    type Target = U;

    fn deref(&self) -> &U {
        &self.0
    }
}

impl<U, const N: usize> DerefMut for User<U, N> {
    fn deref_mut(&mut self) -> &mut U {
        &mut self.0
    }
}

impl<S, U, const N: usize> FromRequestParts<S> for User<U, N>
where
    S: Send + Sync,
    U: Clone + Send + Sync + 'static,
    Sessions<U, N>: FromRef<S>,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let sessions = Sessions::<U, N>::from_ref(state);
        match sessions.user(parts).await? {
            Some(user) => Ok(Self(user)),
            None => Err(Rejection::no_session().into()),
        }
    }
}

impl<S, U, const N: usize> OptionalFromRequestParts<S> for User<U, N>
where
    S: Send + Sync,
    U: Clone + Send + Sync + 'static,
    Sessions<U, N>: FromRef<S>,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let sessions = Sessions::<U, N>::from_ref(state);
        Ok(sessions.user(parts).await?.map(Self))
    }
}
