use std::error::Error as StdError;
use std::fmt;

/// Why a [`Store`](crate::Store) operation failed.
///
/// The `Display` text is a short fixed phrase per [`ErrorKind`]; the backend's own error (a
/// database error, "pool closed", a refused connection) is its
/// [`source()`](std::error::Error::source), for the log. The store only ever handles
/// `Token::hash()`, so no error can carry a token.
///
/// # Examples
///
/// ```
/// use session_store::{ErrorKind, MemoryStore, Policy};
/// use session_store::session_token::Token;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::<i64>::in_memory(Policy::default());
/// let token = Token::<32>::generate()?;
/// store.insert(&token, 1, None).await?;
/// let err = store.insert(&token, 2, None).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::AlreadyExists);
/// assert_eq!(err.to_string(), "session store: a session with this key exists already");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

/// The kind of an [`Error`].
///
/// # Examples
///
/// ```
/// use session_store::ErrorKind;
///
/// assert_ne!(ErrorKind::Backend, ErrorKind::Random);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The backend failed: unreachable, closed, a failed statement. The source says why.
    Backend,
    /// The operating system's random number generator failed while generating a token;
    /// there is no weaker fallback.
    Random,
    /// A session with this storage key exists already; nothing was written.
    AlreadyExists,
}

impl Error {
    /// What went wrong.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Error, ErrorKind};
    ///
    /// let err = Error::backend(std::io::Error::other("connection refused"));
    /// assert_eq!(err.kind(), ErrorKind::Backend);
    /// ```
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// A [`ErrorKind::Backend`] error caused by `source`: for loaders written around a store
    /// (one query joining the session and the user) that want to return this error type.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::error::Error as _;
    /// use session_store::Error;
    ///
    /// let err = Error::backend(std::io::Error::other("connection refused"));
    /// assert_eq!(err.to_string(), "session store: the backend failed");
    /// assert_eq!(err.source().map(|s| s.to_string()).as_deref(), Some("connection refused"));
    /// ```
    pub fn backend(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self {
            kind: ErrorKind::Backend,
            source: Some(source.into()),
        }
    }

    pub(crate) fn random(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self {
            kind: ErrorKind::Random,
            source: Some(source.into()),
        }
    }

    pub(crate) const fn already_exists() -> Self {
        Self {
            kind: ErrorKind::AlreadyExists,
            source: None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            ErrorKind::Backend => "session store: the backend failed",
            ErrorKind::Random => "session store: the random number generator failed",
            ErrorKind::AlreadyExists => "session store: a session with this key exists already",
        })
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_send_sync_static() {
        fn assert_bounds<T: StdError + Send + Sync + 'static>() {}
        assert_bounds::<Error>();
    }

    #[test]
    fn display_is_fixed_and_source_is_kept() {
        let err = Error::random(std::io::Error::other("no entropy"));
        assert_eq!(
            err.to_string(),
            "session store: the random number generator failed"
        );
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("no entropy")
        );
        assert!(Error::already_exists().source().is_none());
    }
}
