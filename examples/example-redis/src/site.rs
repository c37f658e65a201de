//! The site's axum glue over [`RedisStore`]: the routes and handlers of `example-axum`, with
//! every store call awaited (Redis is a network round trip) and the package name
//! `example-redis` in the log.

use std::future::IntoFuture as _;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Form, FromRef, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{
    Credentials, LoginGate, LoginLimits, Refusal, RequestLine, ShutdownSignals, describe,
    page_home, page_login_failed, page_me,
};
use session_axum::{EndSession, RequireSameOriginLayer, SessionToken, Sessions, User};

use crate::{RedisStore, RedisStoreError};

const PACKAGE: &str = "example-redis";

/// `Cache-Control: no-store`, for the pages that show who is signed in.
const NO_STORE: [(HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// The account type the store loads for a session.
type Account = example_common::User;

/// The handlers' state: the store, and the session configuration the extractors find through
/// `FromRef`.
#[derive(Clone)]
struct App {
    store: RedisStore,
    sessions: Sessions<Account>,
    logins: LoginGate,
}

impl FromRef<App> for Sessions<Account> {
    fn from_ref(app: &App) -> Self {
        app.sessions.clone()
    }
}

/// Serves the site on `addr` until SIGINT or SIGTERM, with the session cookie of
/// [`cookie_proxy`](example_common::cookie_proxy)`("example-redis", insecure_dev_cookies)`.
/// Prints that function's cookie notice, then the lines of
/// [`announce`](example_common::announce) with `about_store` (such as `redis URL`).
///
/// Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
/// `GET /me` (401 without a session), `POST /logout`. A state-changing request from another
/// origin (cross-site request forgery, login CSRF included) is refused with 403.
///
/// On SIGINT or SIGTERM it stops accepting, lets the requests in flight finish (see
/// [`serve_until_signalled`](example_common::serve_until_signalled)) and returns `Ok`.
///
/// # Errors
///
/// Installing the signal handlers, binding or serving failed.
pub async fn serve(
    store: RedisStore,
    addr: SocketAddr,
    insecure_dev_cookies: bool,
    about_store: &str,
) -> std::io::Result<()> {
    // First: from here on SIGINT and SIGTERM stop the site gracefully, never abruptly.
    let signals = ShutdownSignals::register()?;
    let proxy = example_common::cookie_proxy(PACKAGE, insecure_dev_cookies);
    let app = App {
        sessions: Sessions::new(proxy, store.clone()),
        store,
        logins: LoginGate::new(LoginLimits::default())?,
    };
    let router = Router::new()
        .route("/", get(index))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/logout", post(logout))
        .with_state(app)
        // Cross-site request forgery, login CSRF included: a state-changing request from
        // another origin is a 403 before any route. Last, so it covers every route above;
        // a route added below it would not be covered.
        .layer(RequireSameOriginLayer::default())
        // Outermost: one line per request, the refused ones included.
        .layer(middleware::from_fn(log_request));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    example_common::announce(PACKAGE, about_store, listener.local_addr()?);
    // The peer address, for the login throttle (`ConnectInfo`).
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    example_common::serve_until_signalled(signals, |shutdown| {
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .into_future()
    })
    .await
}

/// One DEBUG line per request (`RUST_LOG=info,access=debug`).
async fn log_request(request: Request, next: Next) -> Response {
    let line = RequestLine::start(request.method().as_str(), request.uri().path());
    let response = next.run(request).await;
    line.finish(response.status().as_u16());
    response
}

/// The home page; never stored by a cache (with a session it is a personal page).
async fn index(user: Option<User<Account>>) -> impl IntoResponse {
    (NO_STORE, Html(page_home(user.as_deref())))
}

/// The private page; never stored by a cache.
async fn me(user: User<Account>) -> impl IntoResponse {
    (NO_STORE, Html(page_me(&user.name)))
}

/// 303 to `/me` with a new session cookie, or 401 with the form; 429 or 503 with
/// `Retry-After` when the login gate refuses.
async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    old: Option<SessionToken<Account>>,
    Form(form): Form<Credentials>,
) -> Result<Response, Response> {
    let permit = app
        .logins
        .admit(peer.ip(), &form.username)
        .await
        .map_err(|refusal| refused(&refusal))?;
    let account = app
        .store
        .verify_password(permit, &form.username, &form.password)
        .await
        .map_err(failed("verify_password"))?;
    let Some(account) = account else {
        return Ok((StatusCode::UNAUTHORIZED, Html(page_login_failed())).into_response());
    };
    // Session fixation defence: forget whatever session the request carried, then issue a
    // brand-new token.
    if let Some(old) = old {
        app.store
            .delete_session(old.token())
            .await
            .map_err(failed("delete_session"))?;
    }
    let (token, start) = app.sessions.start().map_err(|err| {
        log_failure("start_session", &err);
        err.into_response()
    })?;
    app.store
        .create_session(&token, account.id)
        .await
        .map_err(failed("create_session"))?;
    Ok((start, Redirect::to("/me")).into_response())
}

/// 303 to `/` with a removal cookie, after deleting the session the request carried (a
/// logout on one instance is a logout on all of them).
async fn logout(
    State(app): State<App>,
    token: Option<SessionToken<Account>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.store
            .delete_session(token.token())
            .await
            .map_err(failed("delete_session"))?;
    }
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// A refused login: 429 or 503, `Retry-After`, and the login form under the reason.
fn refused(refusal: &Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let retry_after = HeaderValue::from(refusal.retry_after_secs());
    (
        status,
        [(header::RETRY_AFTER, retry_after)],
        Html(refusal.page()),
    )
        .into_response()
}

/// What a failed store call answers: its error logged with the cause, and a bare 500.
fn failed(what: &'static str) -> impl Fn(RedisStoreError) -> Response {
    move |err| {
        log_failure(what, &err);
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

/// The ERROR line of a 500: what failed, and the error with its cause.
fn log_failure(what: &str, err: &dyn std::error::Error) {
    tracing::error!(operation = %what, error = %describe(err), "request failed");
}
