use core::fmt;
use std::error::Error as StdError;

use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use session_cookie::RejectionReason;
use session_cookie::adapter::Rejection;

/// The rejection of [`User`](crate::User), `Option<User>`,
/// [`SessionToken`](crate::SessionToken) and the [`RequireUser`](crate::RequireUser) and
/// [`RequireSameOrigin`](crate::RequireSameOrigin) guards, and the error of
/// [`Sessions::start`](crate::Sessions::start).
///
/// As a response it is the [`status`](Self::status) with the static
/// [`reason`](Self::reason) text as a `text/plain` body: never the token, never the loader's
/// error. `Debug` shows only the reason. To answer differently (a redirect to the login
/// page, a JSON error), take `Result<User<U>, SessionRejection>` in the handler, or map it
/// in your own extractor:
///
/// # Examples
///
/// ```
/// use axum::response::{IntoResponse, Redirect, Response};
/// use session_axum::{RejectionReason, SessionRejection, User};
///
/// # #[derive(Clone)] struct Me;
/// async fn private(user: Result<User<Me>, SessionRejection>) -> Response {
///     match user {
///         Ok(User(_me)) => "welcome back".into_response(),
///         Err(rejection) if rejection.reason() == RejectionReason::NoSession => {
///             Redirect::to("/login").into_response()
///         }
///         Err(rejection) => {
///             // log `rejection.source()` here
///             rejection.into_response()
///         }
///     }
/// }
/// # let _ = private;
/// ```
#[derive(Clone)]
pub struct SessionRejection(Rejection);

impl SessionRejection {
    /// Why the request was rejected.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::{RejectionReason, SessionRejection};
    ///
    /// fn log(rejection: &SessionRejection) {
    ///     if rejection.reason() == RejectionReason::LoaderFailed {
    ///         eprintln!("session store failed: {:?}", std::error::Error::source(rejection));
    ///     }
    /// }
    /// # let _ = log;
    /// ```
    #[must_use]
    pub const fn reason(&self) -> RejectionReason {
        self.0.reason()
    }

    /// The status code of the response: 401 for no session, 403 for a cross-origin refusal,
    /// 500 for a loader failure or a session that could not be started.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use session_axum::SessionRejection;
    ///
    /// fn is_server_error(rejection: &SessionRejection) -> bool {
    ///     rejection.status() == StatusCode::INTERNAL_SERVER_ERROR
    /// }
    /// # let _ = is_server_error;
    /// ```
    #[must_use]
    pub fn status(&self) -> StatusCode {
        // 401, 403 or 500 (`RejectionReason::status_code`): always valid, the fallback is never
        // taken.
        StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Rejection> for SessionRejection {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for SessionRejection {
    /// The reason only: the source may describe the store, so it is reached through
    /// [`source`](std::error::Error::source), deliberately.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SessionRejection").field(&self.0).finish()
    }
}

impl StdError for SessionRejection {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        #[cfg(feature = "tracing")]
        session_cookie::adapter::log::rejected(self.reason());
        // Static text only: never the cookie, the token or the loader's error.
        (self.status(), self.0.body()).into_response()
    }
}
