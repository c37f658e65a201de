//! Helpers for an application's tests (feature `test-util`): a loader over a fixed map of
//! tokens to users, and the `Cookie` header a browser would send for a token. The adapters'
//! `test-util` features build on them (`Sessions::fixed`, request builders); this is the
//! framework-neutral part.
//!
//! For tests only: [`FixedUsers`] keeps tokens themselves (not `Token::hash()`) and looks
//! them up without constant-time care.
//!
//! # Examples
//!
//! ```
//! use session_cookie::test_util::{FixedUsers, cookie_header};
//! use session_cookie::{CookieProxy, SyncLoader, Token};
//!
//! let ada = Token::<32>::from_bytes([1; 32]);
//! let users = FixedUsers::new([(ada.clone(), "ada")]);
//! assert_eq!(users.load_sync(&ada), Ok(Some("ada")));
//!
//! let proxy = CookieProxy::<32>::default();
//! assert_eq!(proxy.load_from_values([cookie_header(&proxy, &ada)]), Some(ada));
//! ```

use core::convert::Infallible;
use core::fmt;
use std::collections::HashMap;

use session_token::Token;

use crate::{CookieProxy, SyncLoader};

/// A [`SyncLoader`] over a fixed map of tokens to users: what a handler test needs instead
/// of a store and a login round trip. A token it was not given is no session (`Ok(None)`);
/// it never fails. `Debug` shows how many users it has, never a token.
///
/// # Examples
///
/// ```
/// use session_cookie::test_util::FixedUsers;
/// use session_cookie::{SyncLoader, Token};
///
/// let users: FixedUsers<&str> = [(Token::from_bytes([1; 32]), "ada")].into_iter().collect();
/// assert_eq!(users.load_sync(&Token::from_bytes([2; 32])), Ok(None));
/// assert_eq!(format!("{users:?}"), "FixedUsers { users: 1 }");
/// ```
#[derive(Clone)]
pub struct FixedUsers<U, const N: usize = 32> {
    users: HashMap<[u8; N], U>,
}

impl<U, const N: usize> FixedUsers<U, N> {
    /// The loader of `users`: each token answers its user (a token given twice, the last).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::test_util::FixedUsers;
    /// use session_cookie::{SyncLoader, Token};
    ///
    /// let token = Token::<16>::from_bytes([1; 16]);
    /// let users = FixedUsers::new([(token.clone(), 7_u64)]);
    /// assert_eq!(users.load_sync(&token), Ok(Some(7)));
    /// ```
    #[must_use]
    pub fn new<I>(users: I) -> Self
    where
        I: IntoIterator<Item = (Token<N>, U)>,
    {
        users.into_iter().collect()
    }

    /// This loader with one more user.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::test_util::FixedUsers;
    /// use session_cookie::{SyncLoader, Token};
    ///
    /// let bob = Token::<32>::from_bytes([2; 32]);
    /// let users = FixedUsers::new([]).with(bob.clone(), "bob");
    /// assert_eq!(users.load_sync(&bob), Ok(Some("bob")));
    /// ```
    #[must_use]
    pub fn with(mut self, token: Token<N>, user: U) -> Self {
        self.users.insert(*token.as_bytes(), user);
        self
    }
}

impl<U, const N: usize> FromIterator<(Token<N>, U)> for FixedUsers<U, N> {
    fn from_iter<I: IntoIterator<Item = (Token<N>, U)>>(users: I) -> Self {
        Self {
            users: users
                .into_iter()
                .map(|(token, user)| (*token.as_bytes(), user))
                .collect(),
        }
    }
}

impl<U: Clone, const N: usize> SyncLoader<N> for FixedUsers<U, N> {
    type User = U;
    type Error = Infallible;

    fn load_sync(&self, token: &Token<N>) -> Result<Option<U>, Infallible> {
        Ok(self.users.get(token.as_bytes()).cloned())
    }
}

impl<U, const N: usize> fmt::Debug for FixedUsers<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedUsers")
            .field("users", &self.users.len())
            .finish()
    }
}

/// The `Cookie` header value a browser sends back for `token` under `proxy`'s cookie:
/// `name=token`. Mark the header value sensitive where your HTTP library can.
///
/// # Examples
///
/// ```
/// use session_cookie::test_util::cookie_header;
/// use session_cookie::{CookieProxy, Token};
///
/// let proxy = CookieProxy::<16>::insecure_for_local_development();
/// let token = Token::from_bytes([1; 16]);
/// assert_eq!(cookie_header(&proxy, &token), "id=AQEBAQEBAQEBAQEBAQEBAQ");
/// ```
#[must_use]
pub fn cookie_header<const N: usize>(proxy: &CookieProxy<N>, token: &Token<N>) -> String {
    let encoded = token.encode();
    let mut value = String::with_capacity(proxy.name().len() + 1 + encoded.len());
    value.push_str(proxy.name());
    value.push('=');
    value.push_str(&encoded);
    value
}
