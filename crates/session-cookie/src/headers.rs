//! The `http` 1.x helpers: thin wrappers over the byte-level core.

use http::header::{self, Entry};
use http::{HeaderMap, HeaderValue};
use session_token::Token;

use crate::adapter::{ResponseHeaders, apply};
use crate::{CookieLifetime, CookieProxy, GenerateError, SetCookie};

impl<const N: usize> CookieProxy<N> {
    /// Reads the session token from a request's `Cookie` headers (all of them).
    ///
    /// `None` means no session: no cookie, a malformed one, two different tokens (see
    /// [`DuplicatePolicy`](crate::DuplicatePolicy)) or headers past the limits. The rules are
    /// those of [`load_from_values`](Self::load_from_values). It never allocates.
    ///
    /// A `Some` token is only *well-formed*: ask your store (a [`Loader`](crate::Loader))
    /// whether it names a live session.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, header::COOKIE};
    /// use session_cookie::CookieProxy;
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let mut request = HeaderMap::new();
    /// request.append(COOKIE, HeaderValue::from_static("theme=dark"));
    /// request.append(COOKIE, HeaderValue::from_static(
    ///     "__Host-id=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
    /// ));
    /// let token = proxy.load(&request).expect("a session");
    /// assert_eq!(token.as_bytes(), &[1; 32]);
    ///
    /// assert_eq!(proxy.load(&HeaderMap::new()), None);
    /// ```
    #[must_use]
    pub fn load(&self, headers: &HeaderMap) -> Option<Token<N>> {
        self.load_from_values(
            headers
                .get_all(header::COOKIE)
                .iter()
                .map(HeaderValue::as_bytes),
        )
    }

    /// Starts a new session: generates a token, appends its `Set-Cookie` and returns it.
    ///
    /// Call it on login and store the session under `token.hash()`; if the user had a
    /// session, delete its record (session fixation defence). Earlier `Set-Cookie` values
    /// for this cookie name are dropped; other cookies' are kept. The value is marked
    /// sensitive, and `Cache-Control` becomes `no-store` unless it already has that
    /// directive.
    ///
    /// # Errors
    ///
    /// [`GenerateError`] when the operating system's random number generator fails; `headers`
    /// is then unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderMap, header};
    /// use session_cookie::CookieProxy;
    ///
    /// # fn main() -> Result<(), session_cookie::GenerateError> {
    /// let proxy = CookieProxy::<32>::default();
    /// let mut response = HeaderMap::new();
    /// let token = proxy.start(&mut response)?;
    /// // save_session(token.hash(), user_id)?;
    /// assert!(response[header::SET_COOKIE].is_sensitive());
    /// assert_eq!(response[header::CACHE_CONTROL], "no-store");
    /// assert!(!format!("{response:?}").contains(token.encode().as_str()));
    /// # Ok(()) }
    /// ```
    pub fn start(&self, headers: &mut HeaderMap) -> Result<Token<N>, GenerateError> {
        let (token, set_cookie) = self.start_value()?;
        apply(self, headers, set_cookie);
        Ok(token)
    }

    /// Re-issues `token` with a fresh expiry (sliding sessions).
    ///
    /// It returns nothing because it cannot fail: no token is generated. Like
    /// [`start`](Self::start), it replaces earlier `Set-Cookie` values for this name, marks
    /// the value sensitive and makes `Cache-Control` `no-store` unless it already has that
    /// directive (the response carries the token, so no cache may keep it).
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderMap, header};
    /// use session_cookie::CookieProxy;
    /// use session_token::Token;
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let token = Token::<32>::from_bytes([9; 32]);
    /// let mut response = HeaderMap::new();
    /// proxy.refresh(&mut response, &token);
    /// assert_eq!(response.get_all(header::SET_COOKIE).iter().count(), 1);
    /// ```
    pub fn refresh(&self, headers: &mut HeaderMap, token: &Token<N>) {
        apply(self, headers, self.refresh_value(token));
    }

    /// [`start`](Self::start) with the cookie's lifetime chosen for this login ("remember
    /// me"): see [`start_value_with`](Self::start_value_with).
    ///
    /// # Errors
    ///
    /// [`GenerateError`] when the operating system's random number generator fails; `headers`
    /// is then unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use http::{HeaderMap, header};
    /// use session_cookie::{CookieLifetime, CookieProxy};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = CookieProxy::<32>::default();
    /// let mut response = HeaderMap::new();
    /// let remember = CookieLifetime::Persistent(Duration::from_secs(3600));
    /// let _token = proxy.start_with(&mut response, remember)?;
    /// assert!(response[header::SET_COOKIE].to_str()?.contains("; Max-Age=3600; "));
    /// assert_eq!(response[header::CACHE_CONTROL], "no-store");
    /// # Ok(()) }
    /// ```
    pub fn start_with(
        &self,
        headers: &mut HeaderMap,
        lifetime: CookieLifetime,
    ) -> Result<Token<N>, GenerateError> {
        let (token, set_cookie) = self.start_value_with(lifetime)?;
        apply(self, headers, set_cookie);
        Ok(token)
    }

    /// [`refresh`](Self::refresh) with the cookie's lifetime given: repeat the login's choice
    /// (see [`refresh_value_with`](Self::refresh_value_with)).
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderMap, header};
    /// use session_cookie::{CookieLifetime, CookieProxy, Token};
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let mut response = HeaderMap::new();
    /// proxy.refresh_with(&mut response, &Token::from_bytes([2; 32]), CookieLifetime::BrowserSession);
    /// let value = response[header::SET_COOKIE].to_str().unwrap_or_default();
    /// assert!(value.starts_with("__Host-id=") && !value.contains("Max-Age"));
    /// ```
    pub fn refresh_with(
        &self,
        headers: &mut HeaderMap,
        token: &Token<N>,
        lifetime: CookieLifetime,
    ) {
        apply(self, headers, self.refresh_value_with(token, lifetime));
    }

    /// Ends the session in the browser: appends the removal `Set-Cookie`.
    ///
    /// See [`end_value`](Self::end_value) for its attributes. Earlier `Set-Cookie` values for
    /// this name are dropped, and `Cache-Control` becomes `no-store` as for `start`. Delete
    /// the session record in your store as well.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderMap, header};
    /// use session_cookie::CookieProxy;
    ///
    /// # fn main() -> Result<(), session_cookie::GenerateError> {
    /// let proxy = CookieProxy::<32>::default();
    /// let mut response = HeaderMap::new();
    /// let _token = proxy.start(&mut response)?;
    /// proxy.end(&mut response); // e.g. login then immediate logout
    /// let set_cookies: Vec<_> = response.get_all(header::SET_COOKIE).iter().collect();
    /// assert_eq!(set_cookies.len(), 1);
    /// assert!(set_cookies[0].to_str().unwrap_or_default().starts_with("__Host-id=;"));
    /// # Ok(()) }
    /// ```
    pub fn end(&self, headers: &mut HeaderMap) {
        apply(self, headers, self.end_value());
    }
}

/// The `http` 1.x header map, for [`adapter::apply`](apply): a [`SetCookie`] is appended as
/// [`SetCookie::into_header_value`] (marked sensitive).
impl ResponseHeaders for HeaderMap {
    fn retain_set_cookies(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        if self
            .get_all(header::SET_COOKIE)
            .iter()
            .all(|value| keep(value.as_bytes()))
        {
            return;
        }
        // `HeaderMap` has no per-value retain: take the values out, put the kept ones back.
        let kept: Vec<HeaderValue> = match self.entry(header::SET_COOKIE) {
            Entry::Occupied(entry) => entry
                .remove_entry_mult()
                .1
                .filter(|value| keep(value.as_bytes()))
                .collect(),
            Entry::Vacant(_) => return,
        };
        for value in kept {
            self.append(header::SET_COOKIE, value);
        }
    }

    fn append_set_cookie(&mut self, set_cookie: SetCookie) {
        self.append(header::SET_COOKIE, set_cookie.into_header_value());
    }

    fn cache_controls(&self) -> impl Iterator<Item = &[u8]> {
        self.get_all(header::CACHE_CONTROL)
            .iter()
            .map(HeaderValue::as_bytes)
    }

    fn insert_cache_control(&mut self, value: &'static str) {
        self.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
}
