//! The framework-neutral core of an adapter's rejection.

use core::fmt;
use std::error::Error as StdError;
use std::sync::Arc;

use session_token::GenerateError;

use crate::adapter::LoadError;
use crate::{CrossOriginRefusal, RejectionReason};

/// Why an adapter refused a request or could not start a session: the
/// [`RejectionReason`] and, for failures, their cause.
///
/// Each adapter wraps it in its own type (`session_axum::SessionRejection` is axum's
/// `IntoResponse`, `session_actix::SessionRejection` actix-web's `ResponseError`), which
/// maps [`status_code`](Self::status_code) to its framework's status type and answers with
/// the static [`body`](Self::body) as `text/plain`; everything else is here, once.
///
/// * `Display` is the static body; `Debug` shows only the reason.
/// * The cause (the loader's error, the random number generator's error) is the
///   [`source`](StdError::source), for logs; it may describe the store, so it never goes
///   into a response, `Display` or `Debug`.
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use std::sync::Arc;
/// use session_cookie::RejectionReason;
/// use session_cookie::adapter::Rejection;
///
/// let failed = Rejection::loader_failed(Arc::new(std::io::Error::other("db down")));
/// assert_eq!(failed.reason(), RejectionReason::LoaderFailed);
/// assert_eq!((failed.status_code(), failed.body()), (500, "the session could not be loaded"));
/// assert_eq!(failed.source().map(|e| e.to_string()).as_deref(), Some("db down"));
/// assert!(!format!("{failed} {failed:?}").contains("db down"));
/// ```
#[derive(Clone)]
pub struct Rejection {
    reason: RejectionReason,
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}

impl Rejection {
    /// [`RejectionReason::NoSession`]: 401.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(session_cookie::adapter::Rejection::no_session().status_code(), 401);
    /// ```
    #[must_use]
    pub const fn no_session() -> Self {
        Self {
            reason: RejectionReason::NoSession,
            source: None,
        }
    }

    /// [`RejectionReason::LoaderFailed`]: 500, keeping the loader's error as the source.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use session_cookie::adapter::Rejection;
    ///
    /// let rejection = Rejection::loader_failed(Arc::new(std::fmt::Error));
    /// assert!(std::error::Error::source(&rejection).is_some());
    /// ```
    #[must_use]
    pub fn loader_failed(source: LoadError) -> Self {
        Self {
            reason: RejectionReason::LoaderFailed,
            source: Some(source),
        }
    }

    /// [`RejectionReason::NotConfigured`]: 500.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(session_cookie::adapter::Rejection::not_configured().status_code(), 500);
    /// ```
    #[must_use]
    pub const fn not_configured() -> Self {
        Self {
            reason: RejectionReason::NotConfigured,
            source: None,
        }
    }

    /// [`RejectionReason::StartFailed`]: 500, keeping the random number generator's error as
    /// the source.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::RejectionReason;
    /// use session_cookie::adapter::{PendingCookie, Rejection};
    ///
    /// let proxy = std::sync::Arc::new(session_cookie::CookieProxy::<32>::default());
    /// let started = PendingCookie::start(&proxy).map_err(Rejection::start_failed);
    /// if let Err(rejection) = started {
    ///     assert_eq!(rejection.reason(), RejectionReason::StartFailed);
    /// }
    /// ```
    #[must_use]
    pub fn start_failed(source: GenerateError) -> Self {
        Self {
            reason: RejectionReason::StartFailed,
            source: Some(Arc::new(source)),
        }
    }

    /// [`RejectionReason::CrossOrigin`]: 403, the answer of a cross-origin guard to a
    /// refused request ([`CrossOrigin::check`](crate::CrossOrigin::check)).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::adapter::Rejection;
    /// use session_cookie::{CrossOrigin, CrossOriginRequest, RejectionReason};
    ///
    /// let request = CrossOriginRequest::new(b"POST", b"/logout")
    ///     .with_sec_fetch_site([b"cross-site".as_slice()]);
    /// let refusal = CrossOrigin::new().check(&request).unwrap_err();
    /// let rejection = Rejection::cross_origin(refusal);
    /// assert_eq!(rejection.reason(), RejectionReason::CrossOrigin(refusal));
    /// assert_eq!((rejection.status_code(), rejection.body()), (403, "cross-origin request refused"));
    /// ```
    #[must_use]
    pub const fn cross_origin(refusal: CrossOriginRefusal) -> Self {
        Self {
            reason: RejectionReason::CrossOrigin(refusal),
            source: None,
        }
    }

    /// Why.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::RejectionReason;
    /// use session_cookie::adapter::Rejection;
    ///
    /// assert_eq!(Rejection::no_session().reason(), RejectionReason::NoSession);
    /// ```
    #[must_use]
    pub const fn reason(&self) -> RejectionReason {
        self.reason
    }

    /// The HTTP status code to answer with ([`RejectionReason::status_code`]).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(session_cookie::adapter::Rejection::no_session().status_code(), 401);
    /// ```
    #[must_use]
    pub const fn status_code(&self) -> u16 {
        self.reason.status_code()
    }

    /// The static response body ([`RejectionReason::as_str`]): nothing from the request or
    /// the store.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(session_cookie::adapter::Rejection::no_session().body(), "no valid session");
    /// ```
    #[must_use]
    pub const fn body(&self) -> &'static str {
        self.reason.as_str()
    }
}

impl From<GenerateError> for Rejection {
    /// Same as [`Rejection::start_failed`].
    fn from(source: GenerateError) -> Self {
        Self::start_failed(source)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.body())
    }
}

impl fmt::Debug for Rejection {
    /// The reason only: the source may describe the store, so it is reached through
    /// [`source`](StdError::source), deliberately.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejection")
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

impl StdError for Rejection {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_kept_and_never_shown() {
        let loader = Rejection::loader_failed(Arc::new(std::io::Error::other("secret-db")));
        let start = Rejection::from(GenerateError::from(getrandom::Error::UNSUPPORTED));
        for rejection in [&loader, &start] {
            assert!(rejection.source().is_some());
            let shown = format!("{rejection} {rejection:?} {rejection:#?}");
            assert!(!shown.contains("secret-db"), "{shown}");
            assert!(!shown.to_lowercase().contains("unsupported"), "{shown}");
        }
        assert_eq!(start.reason(), RejectionReason::StartFailed);
        assert_eq!(start.body(), "the session could not be started");
        assert!(Rejection::no_session().source().is_none());
        assert!(Rejection::not_configured().source().is_none());
    }
}
