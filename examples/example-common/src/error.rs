use std::fmt;

use session_store_sqlx::sqlx;

/// Why a [`SiteDb`](crate::SiteDb) operation (or a password check) failed.
///
/// The store only ever sees `Token::hash()`, never a token, so no variant can carry one. The
/// `Display` text is a short fixed phrase; the underlying error is available through
/// [`source()`](std::error::Error::source) for logging ([`describe`] shows both).
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed: opening it, creating the schema, a query of the users table.
    Database(sqlx::Error),
    /// The session store failed (its database, or the OS random number generator).
    Sessions(session_store::Error),
    /// Argon2 failed for a reason other than a wrong password (a malformed stored hash,
    /// an RNG failure while salting).
    PasswordHash(argon2::password_hash::Error),
    /// The blocking task that ran a query panicked or was cancelled.
    Task(tokio::task::JoinError),
    /// The password hash thread's job panicked (see
    /// [`HashPermit::run`](crate::HashPermit::run)).
    Worker,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Database(_) => "session store: database error",
            Self::Sessions(_) => "session store: sessions error",
            Self::PasswordHash(_) => "session store: password hashing failed",
            Self::Task(_) => "session store: background task failed",
            Self::Worker => "session store: password hash job failed",
        })
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Database(err) => Some(err),
            Self::Sessions(err) => Some(err),
            Self::PasswordHash(err) => Some(err),
            Self::Task(err) => Some(err),
            Self::Worker => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

impl From<session_store::Error> for StoreError {
    fn from(err: session_store::Error) -> Self {
        Self::Sessions(err)
    }
}

impl From<argon2::password_hash::Error> for StoreError {
    fn from(err: argon2::password_hash::Error) -> Self {
        Self::PasswordHash(err)
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(err: tokio::task::JoinError) -> Self {
        Self::Task(err)
    }
}

/// `error: cause` (or just `error` without a cause), for the log: a store error's own text
/// is a short fixed phrase, its cause says what went wrong. Neither contains a token: the
/// stores only see hashes.
///
/// # Examples
///
/// ```
/// use example_common::{StoreError, describe};
///
/// let err = StoreError::Database(session_store_sqlx::sqlx::Error::RowNotFound);
/// assert_eq!(
///     describe(&err),
///     "session store: database error: no rows returned by a query that expected to return at least one row",
/// );
/// ```
#[must_use]
pub fn describe(err: &dyn std::error::Error) -> String {
    match err.source() {
        Some(cause) => format!("{err}: {cause}"),
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn display_is_fixed_and_source_is_kept() {
        let err = StoreError::from(sqlx::Error::RowNotFound);
        assert_eq!(err.to_string(), "session store: database error");
        assert!(err.source().is_some());
        let err = StoreError::from(argon2::password_hash::Error::SaltInvalid);
        assert_eq!(err.to_string(), "session store: password hashing failed");
        assert!(err.source().is_some());
    }

    #[test]
    fn is_send_sync_static() {
        fn assert_bounds<T: std::error::Error + Send + Sync + 'static>() {}
        assert_bounds::<StoreError>();
    }
}
