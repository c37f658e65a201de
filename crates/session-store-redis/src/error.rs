use std::error::Error as StdError;
use std::fmt;

/// Why a [`RedisBackend`](crate::RedisBackend) call failed.
///
/// The store wraps it as the source of a `session_store::Error` of kind `Backend`. The
/// `Display` text is a short fixed phrase; Redis's own error is the
/// [`source()`](std::error::Error::source). The backend only ever sends `Token::hash()`, so
/// no error can carry a token.
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use session_store_redis::BackendError;
///
/// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
/// let err = BackendError::from(redis::RedisError::from(refused));
/// assert_eq!(err.to_string(), "session-store-redis: redis failed");
/// assert!(err.source().is_some());
/// assert!(BackendError::Malformed.source().is_none());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BackendError {
    /// Redis failed: unreachable, timed out, reconnecting, or an error reply.
    Redis(redis::RedisError),
    /// A key under the backend's prefix holds something this backend did not write (a field
    /// missing or not a number, a user id that does not decode).
    Malformed,
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Redis(_) => "session-store-redis: redis failed",
            Self::Malformed => "session-store-redis: a stored session is malformed",
        })
    }
}

impl StdError for BackendError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Redis(err) => Some(err),
            Self::Malformed => None,
        }
    }
}

impl From<redis::RedisError> for BackendError {
    fn from(err: redis::RedisError) -> Self {
        Self::Redis(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_send_sync_static() {
        fn assert_bounds<T: StdError + Send + Sync + 'static>() {}
        assert_bounds::<BackendError>();
    }
}
