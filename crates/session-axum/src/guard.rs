use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use axum_core::response::{IntoResponse, Response};
use http::Request;
use tower_layer::Layer;
use tower_service::Service;

use session_cookie::adapter::Rejection;

use crate::{SessionRejection, Sessions};

/// A layer that requires a user for a whole group of routes: the Go library's
/// `SetUserContext`, the axum way. Made by
/// [`Sessions::require_user`](crate::Sessions::require_user).
///
/// Use it with `Router::route_layer`, so it runs only for requests that matched a route (an
/// unknown path stays a 404). A request without a valid session gets the
/// [`SessionRejection`] response (401, or 500 if the loader failed) and never reaches the
/// handler. Otherwise the loaded user stays cached in the request, so the handlers'
/// [`User`](crate::User) extractors do not call the loader again.
///
/// # Examples
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use session_axum::{CookieProxy, Sessions, Token, User};
///
/// #[derive(Clone)]
/// struct Me { name: String }
/// # async fn load_user(_: &Token) -> Result<Option<Me>, std::io::Error> { Ok(None) }
///
/// async fn account(User(me): User<Me>) -> String { me.name } // loader not called again
///
/// let sessions = Sessions::new(CookieProxy::default(), load_user);
/// let private = Router::new()
///     .route("/account", get(account))
///     .route("/settings", get(|| async { "settings" }))
///     .route_layer(sessions.require_user());
/// let app: Router = Router::new()
///     .route("/", get(|| async { "public" }))
///     .merge(private)
///     .with_state(sessions);
/// # let _ = app;
/// ```
pub struct RequireUserLayer<U, const N: usize = 32> {
    sessions: Sessions<U, N>,
}

impl<U, const N: usize> RequireUserLayer<U, N> {
    /// The layer for `sessions`; the same as [`Sessions::require_user`].
    ///
    /// # Examples
    ///
    /// ```
    /// use session_axum::{CookieProxy, RequireUserLayer, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// let layer = RequireUserLayer::new(sessions);
    /// # let _ = layer;
    /// ```
    #[must_use]
    pub const fn new(sessions: Sessions<U, N>) -> Self {
        Self { sessions }
    }
}

impl<U, const N: usize> Clone for RequireUserLayer<U, N> {
    fn clone(&self) -> Self {
        Self::new(self.sessions.clone())
    }
}

impl<U, const N: usize> fmt::Debug for RequireUserLayer<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireUserLayer")
            .field("sessions", &self.sessions)
            .finish()
    }
}

impl<S, U, const N: usize> Layer<S> for RequireUserLayer<U, N> {
    type Service = RequireUser<S, U, N>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireUser {
            inner,
            sessions: self.sessions.clone(),
        }
    }
}

/// The service of [`RequireUserLayer`]: answers the [`SessionRejection`] for requests
/// without a user, passes the others to `S`.
///
/// # Examples
///
/// ```
/// use session_axum::{RequireUser, RequireUserLayer};
/// use tower::Layer;
///
/// fn wrap<S>(layer: &RequireUserLayer<u64>, service: S) -> RequireUser<S, u64> {
///     layer.layer(service)
/// }
/// # let _ = wrap::<()>;
/// ```
pub struct RequireUser<S, U, const N: usize = 32> {
    inner: S,
    sessions: Sessions<U, N>,
}

impl<S: Clone, U, const N: usize> Clone for RequireUser<S, U, N> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            sessions: self.sessions.clone(),
        }
    }
}

impl<S, U, const N: usize> fmt::Debug for RequireUser<S, U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireUser")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl<S, B, U, const N: usize> Service<Request<B>> for RequireUser<S, U, N>
where
    S: Service<Request<B>> + Clone + Send + 'static,
    S::Response: IntoResponse,
    S::Future: Send,
    B: Send + 'static,
    U: Clone + Send + Sync + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The service that was driven to readiness is the one that must be called.
        let ready = self.inner.clone();
        let mut inner = core::mem::replace(&mut self.inner, ready);
        let sessions = self.sessions.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            match sessions.user(&mut parts).await {
                Ok(Some(_)) => {
                    let response = inner.call(Request::from_parts(parts, body)).await?;
                    Ok(response.into_response())
                }
                Ok(None) => Ok(SessionRejection::from(Rejection::no_session()).into_response()),
                Err(rejection) => Ok(rejection.into_response()),
            }
        })
    }
}
