use core::fmt;
use core::future::{Ready, ready};
use std::sync::Arc;

use actix_web::Error;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{self, HeaderName};
use futures_util::future::{Either, MapOk, TryFutureExt as _};
use session_cookie::adapter::Rejection;
use session_cookie::{CrossOrigin, CrossOriginRequest};

use crate::SessionRejection;

/// A middleware that refuses cross-origin requests that may change state (cross-site
/// request forgery, login CSRF included), by [`CrossOrigin::check`]: the browser's
/// `Sec-Fetch-Site`, else its `Origin` against the request's host. `GET`, `HEAD` and
/// `OPTIONS` always pass.
///
/// A refused request never reaches the wrapped services: the answer is the
/// [`SessionRejection`] for
/// [`RejectionReason::CrossOrigin`](crate::RejectionReason::CrossOrigin), `403 Forbidden`
/// with the static `text/plain` body `cross-origin request refused`. The
/// [`CrossOriginRefusal`](crate::CrossOriginRefusal) (which rule refused) is in the
/// response's extensions, and the response carries the rejection as its error
/// (`res.response().error()`), for an outer middleware to log; it is never in the body.
///
/// `wrap` the whole `App` with it, so every route, those added later included, is
/// covered; it needs no app data and loads no session. Configure trusted origins and
/// bypassed paths on the [`CrossOrigin`] you give to [`new`](Self::new).
///
/// # Examples
///
/// ```
/// use actix_web::{App, web};
/// use session_actix::{CrossOrigin, RequireSameOrigin};
///
/// # fn main() -> Result<(), session_actix::session_cookie::CrossOriginConfigError> {
/// let app = App::new()
///     .wrap(RequireSameOrigin::new(
///         CrossOrigin::new().with_insecure_bypass_path("/webhooks/payments")?,
///     ))
///     .route("/", web::get().to(|| async { "home" }))
///     .route("/login", web::post().to(|| async { "signed in" }))
///     .route("/logout", web::post().to(|| async { "signed out" }))
///     .route("/webhooks/payments", web::post().to(|| async { "ok" })); // signed by the sender
/// # let _ = app;
/// # Ok(()) }
/// ```
///
/// Reading the refusal in an outer middleware, e.g. to log it:
///
/// ```
/// use actix_web::{App, middleware::from_fn, web};
/// use actix_web::body::MessageBody;
/// use actix_web::dev::{ServiceRequest, ServiceResponse};
/// use actix_web::middleware::Next;
/// use session_actix::{CrossOriginRefusal, RequireSameOrigin};
///
/// async fn log_refusals(
///     req: ServiceRequest,
///     next: Next<impl MessageBody>,
/// ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
///     let res = next.call(req).await?;
///     if let Some(refusal) = res.response().extensions().get::<CrossOriginRefusal>() {
///         eprintln!("cross-origin request refused: {refusal}");
///     }
///     Ok(res)
/// }
///
/// let app = App::new()
///     .wrap(RequireSameOrigin::default())
///     .wrap(from_fn(log_refusals))
///     .route("/login", web::post().to(|| async { "signed in" }));
/// # let _ = app;
/// ```
#[derive(Clone, Default)]
pub struct RequireSameOrigin {
    guard: Arc<CrossOrigin>,
}

impl RequireSameOrigin {
    /// The middleware for `guard`. `RequireSameOrigin::default()` is the middleware for
    /// `CrossOrigin::new()`: no trusted origin, no bypassed path.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::{CrossOrigin, RequireSameOrigin};
    ///
    /// # fn main() -> Result<(), session_actix::session_cookie::CrossOriginConfigError> {
    /// // The front end on its own host posts to this API.
    /// let middleware = RequireSameOrigin::new(
    ///     CrossOrigin::new().with_trusted_origin("https://app.example.com")?,
    /// );
    /// # let _ = middleware;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn new(guard: CrossOrigin) -> Self {
        Self {
            guard: Arc::new(guard),
        }
    }
}

impl fmt::Debug for RequireSameOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireSameOrigin")
            .field("guard", &self.guard)
            .finish()
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequireSameOrigin
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RequireSameOriginMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireSameOriginMiddleware {
            service,
            guard: Arc::clone(&self.guard),
        }))
    }
}

/// The service of [`RequireSameOrigin`]: answers `403` to a refused request, passes the
/// others to `S` untouched. `wrap` builds it; you name it only in your own middleware
/// stacks.
///
/// # Examples
///
/// ```
/// use session_actix::RequireSameOriginMiddleware;
///
/// fn describe<S>(middleware: &RequireSameOriginMiddleware<S>) -> String {
///     format!("{middleware:?}") // the configuration: trusted origins, bypassed paths
/// }
/// # let _ = describe::<()>;
/// ```
pub struct RequireSameOriginMiddleware<S> {
    service: S,
    guard: Arc<CrossOrigin>,
}

impl<S> fmt::Debug for RequireSameOriginMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireSameOriginMiddleware")
            .field("guard", &self.guard)
            .finish_non_exhaustive()
    }
}

/// `Sec-Fetch-Site`: `http` 0.2 has no constant for it.
const SEC_FETCH_SITE: &str = "sec-fetch-site";

/// A passing request's response, its body type widened: a function pointer, so that the
/// middleware's future has a name and needs no box.
type MapIntoLeft<B> = fn(ServiceResponse<B>) -> ServiceResponse<EitherBody<B>>;

impl<S, B> Service<ServiceRequest> for RequireSameOriginMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Either<MapOk<S::Future, MapIntoLeft<B>>, Ready<Result<Self::Response, Error>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let head = req.head();
        let values = |name| head.headers.get_all(name).map(|value| value.as_bytes());
        let checked = self.guard.check(
            &CrossOriginRequest::new(head.method.as_str().as_bytes(), head.uri.path().as_bytes())
                .with_authority(head.uri.authority().map(|a| a.as_str().as_bytes()))
                .with_host(values(header::HOST))
                .with_origin(values(header::ORIGIN))
                .with_sec_fetch_site(values(HeaderName::from_static(SEC_FETCH_SITE))),
        );
        match checked {
            Ok(()) => Either::Left(
                self.service
                    .call(req)
                    .map_ok(ServiceResponse::map_into_left_body as MapIntoLeft<B>),
            ),
            Err(refusal) => {
                let mut res =
                    req.error_response(SessionRejection::from(Rejection::cross_origin(refusal)));
                res.response_mut().extensions_mut().insert(refusal);
                Either::Right(ready(Ok(res.map_into_right_body())))
            }
        }
    }
}
