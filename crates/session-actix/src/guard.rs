use core::fmt;
use core::future::{Ready, ready};
use std::rc::Rc;

use actix_web::Error;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use futures_util::future::LocalBoxFuture;

use session_cookie::adapter::Rejection;

use crate::{SessionRejection, Sessions};

/// A middleware that requires a user for a whole group of routes: the Go library's
/// `SetUserContext`, the actix-web way. Made by
/// [`Sessions::require_user`](crate::Sessions::require_user).
///
/// `wrap` a scope or a resource with it. A request without a valid session gets the
/// [`SessionRejection`] response (401, or 500 if the loader failed) and never reaches the
/// wrapped services. Otherwise the loaded user stays cached in the request, so the
/// handlers' [`User`](crate::User) and [`MaybeUser`](crate::MaybeUser) do not call the
/// loader again (as long as the same `Sessions`, or a clone of it, is in the app data).
///
/// On a scope it also guards the scope's default service: an unknown path under the scope
/// answers 401 rather than 404 to a visitor without a session.
///
/// # Examples
///
/// ```
/// use actix_web::{App, web};
/// use session_actix::{CookieProxy, Sessions, Token, User};
///
/// #[derive(Clone)]
/// struct Me { name: String }
/// # async fn load_user(_: &Token) -> Result<Option<Me>, std::io::Error> { Ok(None) }
///
/// async fn account(User(me): User<Me>) -> String { me.name } // loader not called again
///
/// let sessions = Sessions::new(CookieProxy::default(), load_user);
/// let app = App::new()
///     .app_data(sessions.clone())
///     .route("/", web::get().to(|| async { "public" }))
///     .service(
///         web::scope("/private")
///             .wrap(sessions.require_user())
///             .route("/account", web::get().to(account))
///             .route("/settings", web::get().to(|| async { "settings" })),
///     );
/// # let _ = app;
/// ```
pub struct RequireUser<U, const N: usize = 32> {
    sessions: Sessions<U, N>,
}

impl<U, const N: usize> RequireUser<U, N> {
    /// The middleware for `sessions`; the same as [`Sessions::require_user`].
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::{CookieProxy, RequireUser, Sessions, Token};
    ///
    /// # async fn load_user(_: &Token) -> Result<Option<u64>, std::io::Error> { Ok(None) }
    /// let sessions: Sessions<u64> = Sessions::new(CookieProxy::default(), load_user);
    /// let guard = RequireUser::new(sessions);
    /// # let _ = guard;
    /// ```
    #[must_use]
    pub const fn new(sessions: Sessions<U, N>) -> Self {
        Self { sessions }
    }
}

impl<U, const N: usize> Clone for RequireUser<U, N> {
    fn clone(&self) -> Self {
        Self::new(self.sessions.clone())
    }
}

impl<U, const N: usize> fmt::Debug for RequireUser<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireUser")
            .field("sessions", &self.sessions)
            .finish()
    }
}

impl<S, B, U, const N: usize> Transform<S, ServiceRequest> for RequireUser<U, N>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    U: Clone + Send + Sync + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RequireUserMiddleware<S, U, N>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireUserMiddleware {
            service: Rc::new(service),
            sessions: self.sessions.clone(),
        }))
    }
}

/// The service of [`RequireUser`]: answers the [`SessionRejection`] for requests without a
/// user, passes the others to `S`. `wrap` builds it; you name it only in your own
/// middleware stacks.
///
/// # Examples
///
/// ```
/// use session_actix::RequireUserMiddleware;
///
/// fn describe<S>(middleware: &RequireUserMiddleware<S, u64>) -> String {
///     format!("{middleware:?}") // names the cookie, never a token
/// }
/// # let _ = describe::<()>;
/// ```
pub struct RequireUserMiddleware<S, U, const N: usize = 32> {
    service: Rc<S>,
    sessions: Sessions<U, N>,
}

impl<S, U, const N: usize> fmt::Debug for RequireUserMiddleware<S, U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireUserMiddleware")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl<S, B, U, const N: usize> Service<ServiceRequest> for RequireUserMiddleware<S, U, N>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    U: Clone + Send + Sync + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let user = self.sessions.user(req.request());
        Box::pin(async move {
            let rejection = match user.await {
                Ok(Some(_)) => {
                    let res = service.call(req).await?;
                    return Ok(res.map_into_left_body());
                }
                Ok(None) => SessionRejection::from(Rejection::no_session()),
                Err(rejection) => rejection,
            };
            Ok(req.error_response(rejection).map_into_right_body())
        })
    }
}
