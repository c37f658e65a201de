use core::fmt;
use std::error::Error as StdError;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use session_cookie::RejectionReason;
use session_cookie::adapter::Rejection;

/// The error of [`User`](crate::User), [`MaybeUser`](crate::MaybeUser),
/// [`SessionToken`](crate::SessionToken), the [`RequireUser`](crate::RequireUser) and
/// [`RequireSameOrigin`](crate::RequireSameOrigin) guards and
/// [`Sessions::start`](crate::Sessions::start).
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
pub struct SessionRejection(Rejection);

impl SessionRejection {
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
        self.0.reason()
    }

    /// The status code of the response: 401 for no session, 403 for a cross-origin refusal,
    /// 500 for a loader failure, a missing configuration or a session that could not be
    /// started.
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

impl ResponseError for SessionRejection {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// The status with the static body as `text/plain`: nothing from the request or the
    /// store.
    fn error_response(&self) -> HttpResponse {
        #[cfg(feature = "tracing")]
        session_cookie::adapter::log::rejected(self.reason());
        HttpResponse::build(self.status())
            .insert_header((
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ))
            .body(self.0.body())
    }
}
