//! `cargo run -p example-axum`: a small real site on sessionkit + axum + SQLite.
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`. Sessions live in SQLite under
//! `token.hash()`; only the random token travels in the cookie. A state-changing request
//! from another origin (cross-site request forgery, login CSRF included) is refused with 403.
//!
//! Logs on stderr (`RUST_LOG`, default `info`; `RUST_LOG=info,access=debug` adds one line per
//! request); a failed session loader is an ERROR line with its cause. Stops gracefully on
//! SIGINT (Ctrl-C) and SIGTERM: the requests in flight finish, then it exits with 0.

use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::extract::{ConnectInfo, Form, FromRef, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{
    Args, Credentials, LoginGate, LoginLimits, Refusal, RequestLine, ShutdownSignals, Store,
    describe, page_home, page_login_failed, page_me,
};
use session_axum::{EndSession, RequireSameOriginLayer, SessionToken, Sessions, User};

const PACKAGE: &str = "example-axum";

/// `Cache-Control: no-store`, for the pages that show who is signed in.
const NO_STORE: [(HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// The account type the store loads for a session.
type Account = example_common::User;

fn main() -> ExitCode {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let args = example_common::parse_args(std::env::args_os().skip(1), default_addr);
    example_common::run_main(PACKAGE, args, |args| {
        example_common::block_on_tokio(serve(args))
    })
}

/// The handlers' state: the store for login and logout, and the session configuration that
/// the `User` and `SessionToken` extractors find through `FromRef`.
#[derive(Clone)]
struct App {
    store: Store,
    sessions: Sessions<Account>,
    logins: LoginGate,
}

impl FromRef<App> for Sessions<Account> {
    fn from_ref(app: &App) -> Self {
        app.sessions.clone()
    }
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // First: from here on SIGINT and SIGTERM stop the site gracefully, never abruptly.
    let signals = ShutdownSignals::register()?;
    let store = Store::open(&args.db, args.session)?;
    let proxy = example_common::cookie_proxy(PACKAGE, args.insecure_dev_cookies);
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
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let about = format!("database {}", args.db.display());
    example_common::announce(PACKAGE, &about, listener.local_addr()?);
    // The peer address, for the login throttle (`ConnectInfo`).
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    example_common::serve_until_signalled(signals, |shutdown| {
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .into_future()
    })
    .await?;
    Ok(())
}

/// One DEBUG line per request (`RUST_LOG=info,access=debug`).
async fn log_request(request: Request, next: Next) -> Response {
    let line = RequestLine::start(request.method().as_str(), request.uri().path());
    let response = next.run(request).await;
    line.finish(response.status().as_u16());
    response
}

/// `GET /`: the login form, or "Signed in as NAME" with a logout button. Never stored by a
/// cache: the same URL is a personal page with a session.
async fn index(user: Option<User<Account>>) -> impl IntoResponse {
    (NO_STORE, Html(page_home(user.as_deref())))
}

/// `GET /me`: the private page, never stored by a cache; 401 without a session.
async fn me(user: User<Account>) -> impl IntoResponse {
    (NO_STORE, Html(page_me(&user.name)))
}

/// `POST /login`: 303 to `/me` with a new session cookie, or 401 with the form; 429 or 503
/// with `Retry-After` when the login gate refuses.
async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    old: Option<SessionToken<Account>>,
    Form(form): Form<Credentials>,
) -> Response {
    let permit = match app.logins.admit(peer.ip(), &form.username).await {
        Ok(permit) => permit,
        Err(refusal) => return refused(&refusal),
    };
    let account = match app
        .store
        .verify_password(permit, &form.username, &form.password)
        .await
    {
        Ok(Some(account)) => account,
        Ok(None) => return (StatusCode::UNAUTHORIZED, Html(page_login_failed())).into_response(),
        Err(err) => return server_error("verify_password", &err),
    };
    // Session fixation defence: forget whatever session the request carried, then issue a
    // brand-new token.
    if let Some(old) = old {
        if let Err(err) = app.store.delete_session(old.token()).await {
            return server_error("delete_session", &err);
        }
    }
    let (token, start) = match app.sessions.start() {
        Ok(started) => started,
        Err(err) => {
            log_failure("start_session", &err);
            return err.into_response();
        }
    };
    if let Err(err) = app.store.create_session(&token, account.id).await {
        return server_error("create_session", &err);
    }
    (start, Redirect::to("/me")).into_response()
}

/// `POST /logout`: deletes the session the request carried (if any), 303 to `/` with a
/// removal cookie.
async fn logout(
    State(app): State<App>,
    token: Option<SessionToken<Account>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.store
            .delete_session(token.token())
            .await
            .map_err(|err| server_error("delete_session", &err))?;
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

/// Logs the store error with its cause and answers a bare 500.
fn server_error(what: &str, err: &dyn std::error::Error) -> Response {
    log_failure(what, err);
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The ERROR line of a 500: what failed, and the error with its cause.
fn log_failure(what: &str, err: &dyn std::error::Error) {
    tracing::error!(operation = %what, error = %describe(err), "request failed");
}
