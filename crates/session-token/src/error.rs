use core::fmt;

/// Why a string could not be decoded as a [`Token`](crate::Token).
///
/// The error names the rule that was broken and never carries any part of the input, so it is
/// safe to log and to send to clients.
///
/// # Examples
///
/// ```
/// use session_token::{DecodeError, Token};
///
/// assert_eq!(Token::<32>::decode("too short"), Err(DecodeError::Length));
/// assert_eq!(Token::<16>::decode("AAAAAAAAAAAAAAAAAAAA+A"), Err(DecodeError::Symbol));
/// assert_eq!(Token::<16>::decode("AAAAAAAAAAAAAAAAAAAAAB"), Err(DecodeError::NonCanonical));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input is not exactly [`Token::ENCODED_LEN`](crate::Token::ENCODED_LEN) bytes long.
    Length,
    /// The input holds a byte outside the base64url alphabet (`A-Z a-z 0-9 - _`): padding,
    /// `+`, `/`, whitespace, control or non-ASCII bytes.
    Symbol,
    /// The last symbol carries non-zero unused bits, so the input is not the one canonical
    /// encoding of any token.
    NonCanonical,
}

impl DecodeError {
    /// A static description of the error; safe to log and to send to clients.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_token::DecodeError;
    ///
    /// assert_eq!(DecodeError::Length.as_str(), "session token has the wrong length");
    /// ```
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Length => "session token has the wrong length",
            Self::Symbol => "session token contains a byte outside the base64url alphabet",
            Self::NonCanonical => "session token is not in canonical form",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for DecodeError {}

/// The operating system's random number generator failed, so no token was made.
///
/// Returned by [`Token::generate`](crate::Token::generate). There is no fallback to a weaker
/// source: a request that cannot get a strong token should fail.
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), session_token::GenerateError> {
/// let token = session_token::Token::<32>::generate()?;
/// # let _ = token;
/// # Ok(()) }
/// ```
#[cfg(feature = "getrandom")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateError {
    inner: getrandom::Error,
}

#[cfg(feature = "getrandom")]
impl GenerateError {
    /// The underlying error from `getrandom`.
    ///
    /// # Examples
    ///
    /// ```
    /// fn report(err: &session_token::GenerateError) -> Option<i32> {
    ///     err.getrandom().raw_os_error()
    /// }
    /// ```
    #[must_use]
    pub const fn getrandom(&self) -> getrandom::Error {
        self.inner
    }
}

#[cfg(feature = "getrandom")]
impl From<getrandom::Error> for GenerateError {
    fn from(inner: getrandom::Error) -> Self {
        Self { inner }
    }
}

#[cfg(feature = "getrandom")]
impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the operating system's random number generator failed")
    }
}

#[cfg(feature = "getrandom")]
impl core::error::Error for GenerateError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_static_and_distinct() {
        let all = [
            DecodeError::Length,
            DecodeError::Symbol,
            DecodeError::NonCanonical,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
            }
        }
    }

    #[cfg(feature = "getrandom")]
    #[test]
    fn rng_error_keeps_its_source() {
        use core::error::Error as _;
        let err = GenerateError::from(getrandom::Error::new_custom(7));
        assert_eq!(err.getrandom(), getrandom::Error::new_custom(7));
        assert!(err.source().is_some());
    }
}
