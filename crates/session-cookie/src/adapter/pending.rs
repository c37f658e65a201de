//! A session cookie change waiting for its response.

use core::fmt;
use std::sync::Arc;

use session_token::{GenerateError, Token};

use crate::adapter::{ResponseHeaders, apply};
use crate::{CookieLifetime, CookieProxy, SetCookie};

/// A started, refreshed or ended session cookie, waiting to be written into a response.
///
/// What an adapter's response parts (`StartSession`, `RefreshSession`, `EndSession`) hold:
/// the proxy (shared, so the part does not borrow the configuration) and the finished
/// [`SetCookie`]. [`write_to`](Self::write_to) writes it by the one rule, [`apply()`]. It
/// usually carries a token, so `Debug` shows only the cookie name.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "http")] {
/// use std::sync::Arc;
/// use http::{HeaderMap, header};
/// use session_cookie::CookieProxy;
/// use session_cookie::adapter::PendingCookie;
///
/// # fn main() -> Result<(), session_cookie::GenerateError> {
/// let proxy = Arc::new(CookieProxy::<32>::default());
/// let (token, start) = PendingCookie::start(&proxy)?;
/// let mut response = HeaderMap::new();
/// start.write_to(&mut response);
/// assert!(response[header::SET_COOKIE].is_sensitive());
/// assert_eq!(format!("{:?}", PendingCookie::end(&proxy)), r#"PendingCookie { name: "__Host-id" }"#);
/// # let _ = token;
/// # Ok(()) }
/// # }
/// # #[cfg(not(feature = "http"))] fn main() {}
/// ```
#[must_use = "the cookie changes only when this is written into a response"]
pub struct PendingCookie<const N: usize = 32> {
    proxy: Arc<CookieProxy<N>>,
    set_cookie: SetCookie,
}

impl<const N: usize> PendingCookie<N> {
    /// A new session: a fresh token and its `Set-Cookie`
    /// ([`CookieProxy::start_value`]).
    ///
    /// # Errors
    ///
    /// [`GenerateError`] when the operating system's random number generator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use session_cookie::CookieProxy;
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::default());
    /// assert!(PendingCookie::start(&proxy).is_ok());
    /// ```
    pub fn start(proxy: &Arc<CookieProxy<N>>) -> Result<(Token<N>, Self), GenerateError> {
        let (token, set_cookie) = proxy.start_value()?;
        Ok((token, Self::new(proxy, set_cookie)))
    }

    /// `token` re-issued with a fresh expiry ([`CookieProxy::refresh_value`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use session_cookie::{CookieProxy, Token};
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::default());
    /// let refresh = PendingCookie::refresh(&proxy, &Token::from_bytes([1; 32]));
    /// assert_eq!(refresh.cookie_name(), "__Host-id");
    /// ```
    pub fn refresh(proxy: &Arc<CookieProxy<N>>, token: &Token<N>) -> Self {
        Self::new(proxy, proxy.refresh_value(token))
    }

    /// A new session whose cookie has the lifetime chosen for this login ("remember me"):
    /// [`CookieProxy::start_value_with`].
    ///
    /// # Errors
    ///
    /// [`GenerateError`] when the operating system's random number generator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use session_cookie::{CookieLifetime, CookieProxy};
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::default());
    /// assert!(PendingCookie::start_with(&proxy, CookieLifetime::BrowserSession).is_ok());
    /// ```
    pub fn start_with(
        proxy: &Arc<CookieProxy<N>>,
        lifetime: CookieLifetime,
    ) -> Result<(Token<N>, Self), GenerateError> {
        let (token, set_cookie) = proxy.start_value_with(lifetime)?;
        Ok((token, Self::new(proxy, set_cookie)))
    }

    /// `token` re-issued with the given lifetime, the login's choice
    /// ([`CookieProxy::refresh_value_with`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use session_cookie::{CookieLifetime, CookieProxy, Token};
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::default());
    /// let lifetime = CookieLifetime::Persistent(Duration::from_secs(3600));
    /// let refresh = PendingCookie::refresh_with(&proxy, &Token::from_bytes([1; 32]), lifetime);
    /// assert_eq!(refresh.cookie_name(), "__Host-id");
    /// ```
    pub fn refresh_with(
        proxy: &Arc<CookieProxy<N>>,
        token: &Token<N>,
        lifetime: CookieLifetime,
    ) -> Self {
        Self::new(proxy, proxy.refresh_value_with(token, lifetime))
    }

    /// The removal of the session cookie ([`CookieProxy::end_value`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use session_cookie::CookieProxy;
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::default());
    /// assert_eq!(PendingCookie::end(&proxy).cookie_name(), "__Host-id");
    /// ```
    pub fn end(proxy: &Arc<CookieProxy<N>>) -> Self {
        Self::new(proxy, proxy.end_value())
    }

    fn new(proxy: &Arc<CookieProxy<N>>, set_cookie: SetCookie) -> Self {
        Self {
            proxy: Arc::clone(proxy),
            set_cookie,
        }
    }

    /// The session cookie's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use session_cookie::CookieProxy;
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::insecure_for_local_development());
    /// assert_eq!(PendingCookie::end(&proxy).cookie_name(), "id");
    /// ```
    #[must_use]
    pub fn cookie_name(&self) -> &str {
        self.proxy.name()
    }

    /// Writes the cookie into a response's headers by [`apply()`]'s rule.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use std::sync::Arc;
    /// use http::{HeaderMap, HeaderValue, header};
    /// use session_cookie::CookieProxy;
    /// use session_cookie::adapter::PendingCookie;
    ///
    /// let proxy = Arc::new(CookieProxy::<32>::default());
    /// let mut response = HeaderMap::new();
    /// response.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    /// PendingCookie::end(&proxy).write_to(&mut response);
    /// assert_eq!(response[header::CACHE_CONTROL], "private, no-store");
    /// assert_eq!(response.get_all(header::SET_COOKIE).iter().count(), 1);
    /// # }
    /// ```
    pub fn write_to<H: ResponseHeaders>(self, headers: &mut H) {
        apply(&self.proxy, headers, self.set_cookie);
    }
}

impl<const N: usize> fmt::Debug for PendingCookie<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingCookie")
            .field("name", &self.cookie_name())
            .finish()
    }
}
