use core::fmt;
use std::error::Error as StdError;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use session_cookie::{LoadError, RejectionReason};

/// The error of [`User`](crate::User), [`MaybeUser`](crate::MaybeUser),
/// [`SessionToken`](crate::SessionToken) and the [`RequireUser`](crate::RequireUser) guard.
///
/// As a response ([`ResponseError`]) it is the [`status`](Self::status) with the static
/// [`reason`](Self::reason) text as a `text/plain` body: never the token, never the loader's
/// error. `Display` is that same static text (actix-web writes `Display` into bodies and
/// logs), and `Debug` shows only the reason. To answer differently (a redirect to the login
/// page, a JSON error), take `Result<User<U>, SessionRejection>` in the handler:
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, ResponseError as _, http::header};
/// use session_actix::{RejectionReason, SessionRejection, User};
///
/// # #[derive(Clone)] struct Me;
/// async fn private(user: Result<User<Me>, SessionRejection>) -> HttpResponse {
///     match user {
///         Ok(User(_me)) => HttpResponse::Ok().body("welcome back"),
///         Err(rejection) if rejection.reason() == RejectionReason::NoSession => {
///             HttpResponse::SeeOther().insert_header((header::LOCATION, "/login")).finish()
///         }
///         Err(rejection) => {
///             // log `std::error::Error::source(&rejection)` here
///             rejection.error_response()
///         }
///     }
/// }
/// # let _ = private;
/// ```
#[derive(Clone)]
pub struct SessionRejection {
    reason: RejectionReason,
    source: Option<LoadError>,
}

impl SessionRejection {
    /// `NoSession`: 401.
    pub(crate) const fn no_session() -> Self {
        Self {
            reason: RejectionReason::NoSession,
            source: None,
        }
    }

    /// `LoaderFailed`: 500, keeping the loader's error as the source.
    pub(crate) fn loader_failed(source: LoadError) -> Self {
        Self {
            reason: RejectionReason::LoaderFailed,
            source: Some(source),
        }
    }

    /// `NotConfigured`: 500.
    pub(crate) const fn not_configured() -> Self {
        Self {
            reason: RejectionReason::NotConfigured,
            source: None,
        }
    }

    /// Why the request was rejected.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::{RejectionReason, SessionRejection};
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
        self.reason
    }

    /// The status code of the response: 401 for no session, 500 for a loader failure or a
    /// missing configuration.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use session_actix::SessionRejection;
    ///
    /// fn is_server_error(rejection: &SessionRejection) -> bool {
    ///     rejection.status() == StatusCode::INTERNAL_SERVER_ERROR
    /// }
    /// # let _ = is_server_error;
    /// ```
    #[must_use]
    pub fn status(&self) -> StatusCode {
        // 401 or 500: always valid, so the fallback is never taken.
        StatusCode::from_u16(self.reason.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason.as_str())
    }
}

impl fmt::Debug for SessionRejection {
    /// The reason only: the loader's error may describe the store, so it is reached through
    /// [`source`](std::error::Error::source), deliberately.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRejection")
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

impl StdError for SessionRejection {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

impl ResponseError for SessionRejection {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        static_text(self.status(), self.reason.as_str())
    }
}

/// A response with a static `text/plain` body: nothing from the request or the store.
pub(crate) fn static_text(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        ))
        .body(body)
}
