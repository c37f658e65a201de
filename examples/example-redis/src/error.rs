//! [`SiteError`]: why a call of the site's store failed.

use std::fmt;

use example_common::StoreError;
use session_store_redis::redis;

/// Why a [`SiteStore`](crate::SiteStore) call failed. `Display` is a short fixed phrase; the
/// cause is the [`source()`](std::error::Error::source) (the site logs the whole chain). No
/// variant carries a token: the session store only ever sees `Token::hash()`.
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use example_redis::SiteError;
///
/// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
/// let err = SiteError::from(session_store_redis::redis::RedisError::from(refused));
/// assert_eq!(err.to_string(), "example-redis: the user store failed");
/// assert!(err.source().is_some());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SiteError {
    /// Redis could not be reached at startup, or its URL is invalid.
    Connect(redis::RedisError),
    /// The session store failed (Redis down, a malformed session key, the OS RNG).
    Sessions(session_store::Error),
    /// Redis failed on a command of the users' keys.
    Users(redis::RedisError),
    /// Hashing or checking a password failed (not: the password was wrong).
    Password(StoreError),
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect(_) => "example-redis: cannot connect to Redis",
            Self::Sessions(_) => "example-redis: the session store failed",
            Self::Users(_) => "example-redis: the user store failed",
            Self::Password(_) => "example-redis: password hashing failed",
        })
    }
}

impl std::error::Error for SiteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connect(err) | Self::Users(err) => Some(err),
            Self::Sessions(err) => Some(err),
            Self::Password(err) => Some(err),
        }
    }
}

impl From<session_store::Error> for SiteError {
    fn from(err: session_store::Error) -> Self {
        Self::Sessions(err)
    }
}

impl From<redis::RedisError> for SiteError {
    fn from(err: redis::RedisError) -> Self {
        Self::Users(err)
    }
}

impl From<StoreError> for SiteError {
    fn from(err: StoreError) -> Self {
        Self::Password(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_send_sync_static() {
        fn assert_bounds<T: std::error::Error + Send + Sync + 'static>() {}
        assert_bounds::<SiteError>();
    }
}
