use core::fmt;

/// Why [`CrossOrigin::with_trusted_origin`](crate::CrossOrigin::with_trusted_origin) or
/// [`CrossOrigin::with_insecure_bypass_path`](crate::CrossOrigin::with_insecure_bypass_path)
/// refused its argument.
///
/// Each reason names the broken rule with a static message that never repeats the input.
/// A trusted origin must be written exactly as browsers send the `Origin` header, because
/// it is compared byte for byte: anything else would silently never match.
///
/// # Examples
///
/// ```
/// use session_cookie::{CrossOrigin, CrossOriginConfigError};
///
/// let err = CrossOrigin::new().with_trusted_origin("https://example.com:443").unwrap_err();
/// assert_eq!(err, CrossOriginConfigError::OriginDefaultPort);
/// assert_eq!(err.to_string(), "a trusted origin names its scheme's default port; leave it out");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CrossOriginConfigError {
    /// The origin does not start with `http://` or `https://` (lower case): browsers send
    /// no other scheme for a web page, and send it in lower case.
    OriginScheme,
    /// The host is empty, or holds a byte browsers never send in one: upper case (browsers
    /// send host names in lower case), non-ASCII (give an internationalized name in its
    /// `xn--` form), or a character that is not allowed in a host name. An IPv6 address
    /// goes in brackets, in lower case.
    OriginHost,
    /// The port is empty, not a number from 1 to 65535, or written with a leading zero.
    OriginPort,
    /// The port is the scheme's default (`:80` for `http`, `:443` for `https`), which
    /// browsers leave out of `Origin`.
    OriginDefaultPort,
    /// Something follows the host and port: a path (a trailing `/` included), a query, a
    /// fragment; or the origin has user info (`user@`). An origin is only
    /// `scheme://host[:port]`.
    OriginNotBare,
    /// The origin is longer than [`MAX_ORIGIN_BYTES`](crate::MAX_ORIGIN_BYTES).
    OriginTooLong,
    /// A bypassed path does not start with `/`, holds a byte that is not visible ASCII, a
    /// `?` or a `#`, or is longer than
    /// [`MAX_BYPASS_PATH_BYTES`](crate::MAX_BYPASS_PATH_BYTES).
    BypassPath,
}

impl CrossOriginConfigError {
    /// The static message, also `Display`.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CrossOriginConfigError;
    ///
    /// assert_eq!(
    ///     CrossOriginConfigError::OriginScheme.as_str(),
    ///     "a trusted origin starts with http:// or https://",
    /// );
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OriginScheme => "a trusted origin starts with http:// or https://",
            Self::OriginHost => {
                "a trusted origin's host is empty or not in the lower-case ASCII form browsers send"
            }
            Self::OriginPort => "a trusted origin's port is not a number from 1 to 65535",
            Self::OriginDefaultPort => {
                "a trusted origin names its scheme's default port; leave it out"
            }
            Self::OriginNotBare => {
                "a trusted origin is only scheme://host[:port]: no path, query, fragment or user info"
            }
            Self::OriginTooLong => "a trusted origin is longer than 512 bytes",
            Self::BypassPath => {
                "a bypassed path starts with / and holds visible ASCII only, without ? or #"
            }
        }
    }
}

impl fmt::Display for CrossOriginConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for CrossOriginConfigError {}
