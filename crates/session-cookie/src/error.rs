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
    /// The template is not `HttpOnly`. Without it any script on the site (an injected one
    /// included) can read the session token and send it elsewhere; no session cookie needs
    /// to be readable by script.
    MissingHttpOnly,
    /// The template has no explicit `SameSite`. Browsers differ in what they assume without
    /// one (Chrome treats it as `Lax`, others have sent it on cross-site requests), so the
    /// cross-site behaviour must be chosen: `Lax` (the default template's) or `Strict`, or
    /// `None` for a cookie that must go on cross-site requests.
    MissingSameSite,
    /// The template is not `Secure`. Without it the browser also sends the token over plain
    /// HTTP, where anyone on the network path can read it and take over the session. For
    /// `http://localhost` development, build the proxy with
    /// [`CookieProxy::new_insecure_for_local_development`](crate::CookieProxy::new_insecure_for_local_development)
    /// or [`CookieProxy::insecure_for_local_development`](crate::CookieProxy::insecure_for_local_development).
    MissingSecure,
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
            Self::MissingHttpOnly => {
                "a session cookie must be HttpOnly, so that no script can read the token"
            }
            Self::MissingSameSite => {
                "a session cookie needs an explicit SameSite (Lax, Strict or None)"
            }
            Self::MissingSecure => {
                "a session cookie must be Secure; use the insecure_for_local_development \
                 constructors for plain-HTTP development"
            }
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for ConfigError {}

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
            MissingHttpOnly,
            MissingSameSite,
            MissingSecure,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
            }
        }
    }
}
