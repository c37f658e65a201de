use core::fmt;

/// Why a cookie template was rejected by [`CookieProxy::new`](crate::CookieProxy::new).
///
/// Each reason names the broken rule with a static message. The message never contains
/// anything from the template (no name, path or domain), so it is safe to log and to show.
///
/// # Examples
///
/// ```
/// use cookie::Cookie;
/// use session_cookie::{ConfigError, CookieProxy};
///
/// let base = Cookie::build(("__Host-id", "")).path("/").http_only(true).build();
/// let err = CookieProxy::<32>::new(base).unwrap_err();
/// assert_eq!(err, ConfigError::HostPrefixNeedsSecure);
/// assert_eq!(err.to_string(), "a `__Host-` cookie must be Secure");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigError {
    /// The name is empty or not an RFC 9110 token: it holds a separator (`;`, `=`, `,`,
    /// quotes, parentheses, ...), a space, a control byte (CR, LF, NUL, ...) or non-ASCII.
    InvalidName,
    /// The name starts with `__Host-` or `__Secure-` in another case (`__host-`,
    /// `__SECURE-`): browsers treat prefixes case-insensitively, so write them exactly.
    MiscasedPrefix,
    /// A `__Host-` cookie without `Secure`.
    HostPrefixNeedsSecure,
    /// A `__Host-` cookie with a `Domain`.
    HostPrefixWithDomain,
    /// A `__Host-` cookie whose `Path` is not `/`.
    HostPrefixNeedsRootPath,
    /// A `__Secure-` cookie without `Secure`.
    SecurePrefixNeedsSecure,
    /// The template has no `Path`. Without one, browsers scope the cookie to the directory of
    /// whichever URL set it, and `end` from another URL could not remove it.
    MissingPath,
    /// The `Path` does not start with `/`, or holds a byte that is not visible ASCII
    /// (space, control, non-ASCII) or a `;`.
    InvalidPath,
    /// The `Domain` is not a plain host name: ASCII letters, digits, `-` and `.`, with no
    /// empty label.
    InvalidDomain,
    /// `Path` or `Domain` is longer than 1024 bytes (the RFC 6265bis attribute limit).
    AttributeTooLong,
    /// `SameSite=None` without `Secure`: browsers reject such a cookie.
    SameSiteNoneNeedsSecure,
    /// `Partitioned` without `Secure`: browsers reject such a cookie.
    PartitionedNeedsSecure,
    /// `Max-Age` is over 400 days (the RFC 6265bis cap) or does not fit in seconds.
    MaxAgeTooLong,
    /// `Max-Age` is under one second: the cookie would be deleted as soon as it is set.
    MaxAgeNotPositive,
    /// `Expires` is a fixed date. Every `Set-Cookie` would carry the same date, which goes
    /// stale; use `Max-Age` for a persistent cookie.
    FixedExpires,
    /// The name and the encoded token together are longer than 4096 bytes, the most a
    /// browser stores for one cookie.
    TooLong,
}

impl ConfigError {
    /// A static description of the broken rule; safe to log and to show.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::ConfigError;
    ///
    /// assert_eq!(
    ///     ConfigError::SameSiteNoneNeedsSecure.as_str(),
    ///     "a `SameSite=None` cookie must be Secure",
    /// );
    /// ```
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::InvalidName => {
                "the cookie name must be a non-empty RFC 9110 token (ASCII letters, digits and \
                 !#$%&'*+-.^_`|~)"
            }
            Self::MiscasedPrefix => {
                "the cookie name prefix must be written `__Host-` or `__Secure-`"
            }
            Self::HostPrefixNeedsSecure => "a `__Host-` cookie must be Secure",
            Self::HostPrefixWithDomain => "a `__Host-` cookie must not have a Domain",
            Self::HostPrefixNeedsRootPath => "a `__Host-` cookie must have `Path=/`",
            Self::SecurePrefixNeedsSecure => "a `__Secure-` cookie must be Secure",
            Self::MissingPath => "the cookie template needs an explicit Path (usually `/`)",
            Self::InvalidPath => {
                "the cookie Path must start with `/` and hold only visible ASCII other than `;`"
            }
            Self::InvalidDomain => {
                "the cookie Domain must be a host name of ASCII letters, digits, `-` and `.`"
            }
            Self::AttributeTooLong => "the cookie Path or Domain is longer than 1024 bytes",
            Self::SameSiteNoneNeedsSecure => "a `SameSite=None` cookie must be Secure",
            Self::PartitionedNeedsSecure => "a `Partitioned` cookie must be Secure",
            Self::MaxAgeTooLong => "the cookie Max-Age is over 400 days",
            Self::MaxAgeNotPositive => "the cookie Max-Age is under one second",
            Self::FixedExpires => {
                "the cookie template has a fixed Expires date; use Max-Age for persistent cookies"
            }
            Self::TooLong => "the cookie name and token are longer than 4096 bytes",
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for ConfigError {}

/// A session could not be started: no token could be generated.
///
/// Returned by `CookieProxy::start` and
/// [`CookieProxy::start_value`](crate::CookieProxy::start_value). The cause, the operating
/// system's random number generator failing, is the [`source`](std::error::Error::source).
/// There is no fallback to a weaker source: answer the request with a server error.
///
/// # Examples
///
/// ```
/// use session_cookie::CookieProxy;
///
/// # fn main() -> Result<(), session_cookie::Error> {
/// let proxy = CookieProxy::<32>::default();
/// let (token, set_cookie) = proxy.start_value()?;
/// # let _ = (token, set_cookie);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    inner: session_token::Error,
}

impl Error {
    /// The token generator's error.
    ///
    /// # Examples
    ///
    /// ```
    /// fn os_code(err: &session_cookie::Error) -> Option<i32> {
    ///     err.token_error().getrandom().raw_os_error()
    /// }
    /// ```
    #[must_use]
    pub const fn token_error(&self) -> session_token::Error {
        self.inner
    }

    /// The HTTP status an adapter answers with: `500`, a server-side failure. Shared by the
    /// framework adapters so they cannot disagree.
    ///
    /// # Examples
    ///
    /// ```
    /// fn status(err: &session_cookie::Error) -> u16 {
    ///     err.status_code()
    /// }
    /// # let _ = status;
    /// ```
    #[must_use]
    pub const fn status_code(&self) -> u16 {
        500
    }

    /// The static response body adapters send: `"the session could not be started"`. It
    /// names no cause, so it is safe to show to clients; the cause stays in
    /// [`source`](std::error::Error::source) for logs.
    ///
    /// # Examples
    ///
    /// ```
    /// fn body(err: &session_cookie::Error) -> &'static str {
    ///     err.response_text()
    /// }
    /// # let _ = body;
    /// ```
    #[must_use]
    pub const fn response_text(&self) -> &'static str {
        "the session could not be started"
    }
}

impl From<session_token::Error> for Error {
    fn from(inner: session_token::Error) -> Self {
        Self { inner }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not start a session: no session token could be generated")
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_messages_are_distinct() {
        use ConfigError::*;
        let all = [
            InvalidName,
            MiscasedPrefix,
            HostPrefixNeedsSecure,
            HostPrefixWithDomain,
            HostPrefixNeedsRootPath,
            SecurePrefixNeedsSecure,
            MissingPath,
            InvalidPath,
            InvalidDomain,
            AttributeTooLong,
            SameSiteNoneNeedsSecure,
            PartitionedNeedsSecure,
            MaxAgeTooLong,
            MaxAgeNotPositive,
            FixedExpires,
            TooLong,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
            }
        }
    }

    #[test]
    fn start_error_keeps_its_source() {
        use std::error::Error as _;
        let err = Error::from(session_token::Error::from(getrandom::Error::UNSUPPORTED));
        assert!(err.source().is_some());
        assert!(!err.to_string().is_empty());
    }
}
