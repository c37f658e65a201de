use core::fmt;

use crate::CrossOriginRefusal;

/// Why an adapter's session extractor (or guard, the cross-origin one included) rejected a
/// request, or why a session could not be started: the framework-neutral reason, its status
/// code and its static text.
///
/// Each adapter's `SessionRejection` (axum's `IntoResponse`, actix-web's `ResponseError`)
/// answers with [`status_code`](Self::status_code) and [`as_str`](Self::as_str) as a
/// `text/plain` body, so every framework sends the same status and the same words, and never
/// the token or the store's error.
///
/// # Examples
///
/// ```
/// use session_cookie::RejectionReason;
///
/// let reason = RejectionReason::NoSession;
/// assert_eq!(reason.status_code(), 401);
/// assert_eq!(reason.to_string(), "no valid session");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionReason {
    /// No valid session: no cookie, a malformed or ambiguous one, or a token the loader does
    /// not know (unknown, expired, revoked). Answered with `401 Unauthorized`.
    ///
    /// The cases are deliberately not told apart, so a response never says whether a
    /// forged token came close.
    NoSession,
    /// The loader (the application's store) failed. Answered with
    /// `500 Internal Server Error`; the loader's error is the rejection's
    /// [`source`](std::error::Error::source), for logging, and never goes into the body.
    LoaderFailed,
    /// The adapter found no session configuration for the extractor (a bug in the
    /// application). Answered with `500 Internal Server Error`. Only adapters that look the
    /// configuration up at run time give it (session-actix, in `App::app_data`); in
    /// session-axum a missing configuration is a compile error.
    NotConfigured,
    /// A session could not be started: the operating system's random number generator failed,
    /// so no token could be generated (there is no fallback to a weaker source). Answered with
    /// `500 Internal Server Error`; the generator's error is the rejection's
    /// [`source`](std::error::Error::source).
    StartFailed,
    /// A cross-origin guard refused a request that may change state
    /// ([`CrossOrigin::check`](crate::CrossOrigin::check)); the refusal names the rule, for
    /// logs. Answered with `403 Forbidden` and one body for every rule.
    CrossOrigin(CrossOriginRefusal),
}

impl RejectionReason {
    /// The HTTP status code the rejection answers with: 401 for
    /// [`NoSession`](Self::NoSession), 403 for [`CrossOrigin`](Self::CrossOrigin), 500
    /// otherwise. Adapters turn it into their own `StatusCode` type.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOriginRefusal, RejectionReason};
    ///
    /// assert_eq!(RejectionReason::NoSession.status_code(), 401);
    /// assert_eq!(RejectionReason::CrossOrigin(CrossOriginRefusal::NullOrigin).status_code(), 403);
    /// assert_eq!(RejectionReason::LoaderFailed.status_code(), 500);
    /// assert_eq!(RejectionReason::NotConfigured.status_code(), 500);
    /// assert_eq!(RejectionReason::StartFailed.status_code(), 500);
    /// ```
    #[must_use]
    pub const fn status_code(self) -> u16 {
        match self {
            Self::NoSession => 401,
            Self::CrossOrigin(_) => 403,
            Self::LoaderFailed | Self::NotConfigured | Self::StartFailed => 500,
        }
    }

    /// A static description, which is also the response body: safe to log and to send.
    ///
    /// A store failure and a configuration bug share one text, so a client cannot tell them
    /// apart; every cross-origin refusal has one text too (the refusal's own
    /// [`as_str`](CrossOriginRefusal::as_str) is for logs).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOriginRefusal, RejectionReason};
    ///
    /// assert_eq!(RejectionReason::NoSession.as_str(), "no valid session");
    /// assert_eq!(
    ///     RejectionReason::CrossOrigin(CrossOriginRefusal::SecFetchSite).as_str(),
    ///     "cross-origin request refused",
    /// );
    /// assert_eq!(
    ///     RejectionReason::LoaderFailed.as_str(),
    ///     RejectionReason::NotConfigured.as_str(),
    /// );
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NoSession => "no valid session",
            Self::LoaderFailed | Self::NotConfigured => "the session could not be loaded",
            Self::StartFailed => "the session could not be started",
            Self::CrossOrigin(_) => "cross-origin request refused",
        }
    }
}

impl fmt::Display for RejectionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [RejectionReason; 6] = [
        RejectionReason::NoSession,
        RejectionReason::LoaderFailed,
        RejectionReason::NotConfigured,
        RejectionReason::StartFailed,
        RejectionReason::CrossOrigin(CrossOriginRefusal::SecFetchSite),
        RejectionReason::CrossOrigin(CrossOriginRefusal::MalformedHeaders),
    ];

    #[test]
    fn only_no_session_and_cross_origin_are_client_errors() {
        for reason in ALL {
            let client = matches!(
                reason,
                RejectionReason::NoSession | RejectionReason::CrossOrigin(_)
            );
            assert_eq!((400..500).contains(&reason.status_code()), client);
            assert_eq!(reason.to_string(), reason.as_str());
        }
    }

    #[cfg(feature = "http")]
    #[test]
    fn status_codes_are_valid_http_statuses() {
        for reason in ALL {
            assert!(http::StatusCode::from_u16(reason.status_code()).is_ok());
        }
    }
}
