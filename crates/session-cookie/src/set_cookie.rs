use core::fmt;

/// A finished `Set-Cookie` header value, for adapters that do not use `http` 1.x types.
///
/// Made by [`CookieProxy::start_value`](crate::CookieProxy::start_value),
/// [`refresh_value`](crate::CookieProxy::refresh_value) and
/// [`end_value`](crate::CookieProxy::end_value). It holds only visible ASCII and spaces, so it
/// is a valid header value for any HTTP library (`HeaderValue::from_str` cannot fail on it).
///
/// It usually carries the session token, so it is treated as a secret: `Debug` prints
/// `SetCookie(..)`, and there is no `Display`.
///
/// It has no `==`: comparing it would compare a token in variable time.
///
/// # For adapter authors
///
/// Write it with [`adapter::apply`](crate::adapter::apply), which holds the rules every
/// adapter follows: drop the response's earlier `Set-Cookie` values for this cookie name,
/// append this one marked sensitive, and make `Cache-Control`
/// [`no-store`](crate::adapter::NO_STORE) unless it already has that directive. An adapter
/// only implements
/// [`ResponseHeaders`](crate::adapter::ResponseHeaders) (a handful of primitive operations)
/// for its library's header map.
///
/// # Examples
///
/// ```
/// use session_cookie::CookieProxy;
///
/// # fn main() -> Result<(), session_cookie::GenerateError> {
/// let proxy = CookieProxy::<32>::default();
/// let (token, set_cookie) = proxy.start_value()?;
/// assert!(set_cookie.as_str().starts_with("__Host-id="));
/// assert!(set_cookie.as_str().contains(token.encode().as_str()));
/// assert_eq!(format!("{set_cookie:?}"), "SetCookie(..)");
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use = "a Set-Cookie value does nothing until it is added to a response"]
pub struct SetCookie {
    value: String,
}

impl SetCookie {
    pub(crate) const fn new(value: String) -> Self {
        Self { value }
    }

    /// The header value as a string.
    ///
    /// # Examples
    ///
    /// ```
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// assert!(proxy.end_value().as_str().starts_with("__Host-id=; Path=/"));
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The header value as bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// assert!(proxy.end_value().as_bytes().starts_with(b"__Host-id=;"));
    /// ```
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.value.as_bytes()
    }

    /// The header value as an owned `String`, without copying.
    ///
    /// # Examples
    ///
    /// ```
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// let value: String = proxy.end_value().into_string();
    /// assert!(value.contains("Max-Age=0"));
    /// ```
    #[must_use]
    pub fn into_string(self) -> String {
        self.value
    }

    /// The value as an `http` 1.x header value, marked sensitive.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> Result<(), session_cookie::GenerateError> {
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// let (_token, set_cookie) = proxy.start_value()?;
    /// let value = set_cookie.into_header_value();
    /// assert!(value.is_sensitive());
    /// assert_eq!(format!("{value:?}"), "Sensitive");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    #[must_use]
    pub fn into_header_value(self) -> http::HeaderValue {
        // The value is visible ASCII and spaces by construction (the template is validated
        // and the token is base64url), so the conversion cannot fail; an empty value, which
        // clients ignore, stands in for the impossible case rather than a panic.
        let mut value = http::HeaderValue::try_from(self.value)
            .unwrap_or_else(|_| http::HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}

impl AsRef<str> for SetCookie {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl AsRef<[u8]> for SetCookie {
    fn as_ref(&self) -> &[u8] {
        self.value.as_bytes()
    }
}

impl From<SetCookie> for String {
    fn from(set_cookie: SetCookie) -> Self {
        set_cookie.value
    }
}

#[cfg(feature = "http")]
impl From<SetCookie> for http::HeaderValue {
    /// Same as [`SetCookie::into_header_value`]: marked sensitive.
    fn from(set_cookie: SetCookie) -> Self {
        set_cookie.into_header_value()
    }
}

impl fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetCookie(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_does_not_leak_value() {
        let set_cookie = SetCookie::new("id=secret; Path=/".to_owned());
        assert_eq!(format!("{set_cookie:?}"), "SetCookie(..)");
        assert_eq!(format!("{set_cookie:#?}"), "SetCookie(..)");
    }
}
