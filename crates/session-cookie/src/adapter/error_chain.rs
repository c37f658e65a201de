//! An error and its sources on one line, for logs.

use core::fmt;
use std::error::Error as StdError;

/// Displays an error followed by each of its [`source`](StdError::source)s, separated by
/// `": "`: the whole cause of a failure on one log line (`Display` of most errors shows only
/// the outermost one).
///
/// What the adapters log when a loader fails. It shows only what the errors' own `Display`
/// show: a loader must not put the token in its error.
///
/// # Examples
///
/// ```
/// use std::fmt;
/// use session_cookie::adapter::ErrorChain;
///
/// #[derive(Debug)]
/// struct QueryFailed(std::io::Error);
/// impl fmt::Display for QueryFailed {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         f.write_str("session query failed")
///     }
/// }
/// impl std::error::Error for QueryFailed {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
///         Some(&self.0)
///     }
/// }
///
/// let err = QueryFailed(std::io::Error::other("connection refused"));
/// assert_eq!(ErrorChain(&err).to_string(), "session query failed: connection refused");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn StdError + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}
