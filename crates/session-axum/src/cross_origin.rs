use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use axum_core::response::{IntoResponse, Response};
use http::Request;
use pin_project_lite::pin_project;
use session_cookie::adapter::Rejection;
use session_cookie::{CrossOrigin, CrossOriginRefusal};
use tower_layer::Layer;
use tower_service::Service;

use crate::SessionRejection;

/// A layer that refuses cross-origin requests that may change state (cross-site request
/// forgery, login CSRF included), by [`CrossOrigin::check`]: the browser's `Sec-Fetch-Site`,
/// else its `Origin` against the request's host. `GET`, `HEAD` and `OPTIONS` always pass.
///
/// A refused request never reaches the routes: the answer is the
/// [`SessionRejection`] for
/// [`RejectionReason::CrossOrigin`](crate::RejectionReason::CrossOrigin), `403 Forbidden`
/// with the static `text/plain` body `cross-origin request refused`. The
/// [`CrossOriginRefusal`] (which rule refused) is in the response's extensions, for an
/// outer layer to log; it is never in the body.
///
/// Put it on the whole router with `Router::layer`, so every route, those added later
/// included, is covered; it needs no state and loads no session. Configure trusted origins
/// and bypassed paths on the [`CrossOrigin`] you give to [`new`](Self::new).
///
/// # Examples
///
/// ```
/// use axum::{Router, routing::{get, post}};
/// use session_axum::{CrossOrigin, RequireSameOriginLayer};
///
/// # fn main() -> Result<(), session_axum::session_cookie::CrossOriginConfigError> {
/// let app: Router = Router::new()
///     .route("/", get(|| async { "home" }))
///     .route("/login", post(|| async { "signed in" }))
///     .route("/logout", post(|| async { "signed out" }))
///     .route("/webhooks/payments", post(|| async { "ok" })) // signed by the sender
///     .layer(RequireSameOriginLayer::new(
///         CrossOrigin::new().with_insecure_bypass_path("/webhooks/payments")?,
///     ));
/// # let _ = app;
/// # Ok(()) }
/// ```
///
/// Reading the refusal in an outer middleware, e.g. to log it:
///
/// ```
/// use axum::{Router, middleware::{self, Next}, extract::Request, response::Response};
/// use axum::routing::post;
/// use session_axum::{CrossOriginRefusal, RequireSameOriginLayer};
///
/// async fn log_refusals(request: Request, next: Next) -> Response {
///     let response = next.run(request).await;
///     if let Some(refusal) = response.extensions().get::<CrossOriginRefusal>() {
///         eprintln!("cross-origin request refused: {refusal}");
///     }
///     response
/// }
///
/// let app: Router = Router::new()
///     .route("/login", post(|| async { "signed in" }))
///     .layer(RequireSameOriginLayer::default())
///     .layer(middleware::from_fn(log_refusals));
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequireSameOriginLayer {
    guard: Arc<CrossOrigin>,
}

impl RequireSameOriginLayer {
    /// The layer for `guard`. `RequireSameOriginLayer::default()` is the layer for
    /// `CrossOrigin::new()`: no trusted origin, no bypassed path.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::{CrossOrigin, RequireSameOriginLayer};
    ///
    /// # fn main() -> Result<(), session_axum::session_cookie::CrossOriginConfigError> {
    /// // The front end on its own host posts to this API.
    /// let layer = RequireSameOriginLayer::new(
    ///     CrossOrigin::new().with_trusted_origin("https://app.example.com")?,
    /// );
    /// # let _ = layer;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn new(guard: CrossOrigin) -> Self {
        Self {
            guard: Arc::new(guard),
        }
    }
}

impl<S> Layer<S> for RequireSameOriginLayer {
    type Service = RequireSameOrigin<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireSameOrigin {
            inner,
            guard: Arc::clone(&self.guard),
        }
    }
}

/// The service of [`RequireSameOriginLayer`]: answers `403` to a refused request, passes
/// the others to `S` untouched. Nothing is allocated for a request that passes.
///
/// # Examples
///
/// ```
/// use session_axum::{RequireSameOrigin, RequireSameOriginLayer};
/// use tower::Layer;
///
/// fn wrap<S>(service: S) -> RequireSameOrigin<S> {
///     RequireSameOriginLayer::default().layer(service)
/// }
/// # let _ = wrap::<()>;
/// ```
#[derive(Debug, Clone)]
pub struct RequireSameOrigin<S> {
    inner: S,
    guard: Arc<CrossOrigin>,
}

impl<S, B> Service<Request<B>> for RequireSameOrigin<S>
where
    S: Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = RequireSameOriginFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let state = match self.guard.check_http(&request) {
            Ok(()) => State::Inner {
                future: self.inner.call(request),
            },
            Err(refusal) => State::Refused { refusal },
        };
        RequireSameOriginFuture { state }
    }
}

/// The 403: the shared rejection's response, with the refusal in its extensions.
fn refused(refusal: CrossOriginRefusal) -> Response {
    let mut response = SessionRejection::from(Rejection::cross_origin(refusal)).into_response();
    response.extensions_mut().insert(refusal);
    response
}

pin_project! {
    /// The future of [`RequireSameOrigin`]: the inner service's, or the refusal, ready.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::RequireSameOriginFuture;
    ///
    /// fn named<F>(future: RequireSameOriginFuture<F>) -> RequireSameOriginFuture<F> {
    ///     future // what `RequireSameOrigin::call` returns
    /// }
    /// # let _ = named::<core::future::Ready<()>>;
    /// ```
    #[derive(Debug)]
    pub struct RequireSameOriginFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProjection]
    #[derive(Debug)]
    enum State<F> {
        // The request passed: the inner service's future.
        Inner {
            #[pin]
            future: F,
        },
        // The request was refused: the 403 is ready.
        Refused {
            refusal: CrossOriginRefusal,
        },
    }
}

impl<F, E> Future for RequireSameOriginFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Inner { future } => future.poll(cx),
            StateProjection::Refused { refusal } => Poll::Ready(Ok(refused(*refusal))),
        }
    }
}
