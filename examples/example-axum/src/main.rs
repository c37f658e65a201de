//! `cargo run -p example-axum`: a small real site on sessionkit + axum + the ready session
//! store of `session-store-sqlx`, in a SQLite file (`--db PATH`, the default) or PostgreSQL
//! (`--postgres URL`).
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`, and the "your sessions" page:
//! `GET /sessions` (401 without a session; every session of the user, the current one
//! marked), `POST /sessions/revoke` (one session, by its handle), `POST
//! /sessions/revoke-others`, `POST /sessions/revoke-all`. Sessions live in the database under
//! `token.hash()`, labelled with the browser's User-Agent; only the random token travels in
//! the cookie. A state-changing request from another origin (cross-site request forgery,
//! login CSRF included) is refused with 403.
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
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{
    Args, Credentials, LoginGate, LoginLimits, PURGE_INTERVAL, Refusal, RequestLine, RevokeForm,
    Revoked, ShutdownSignals, SiteDb, describe, page_home, page_login_failed, page_me,
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

/// The handlers' state: the database for login, logout and the sessions page, and the
/// session configuration that the `User` and `SessionToken` extractors find through
/// `FromRef`.
#[derive(Clone)]
struct App {
    db: SiteDb,
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
    let db = SiteDb::open(&args.database, args.session).await?;
    db.spawn_purge(PURGE_INTERVAL);
    let proxy = example_common::cookie_proxy(PACKAGE, args.insecure_dev_cookies);
    let app = App {
        sessions: Sessions::new(proxy, db.clone()),
        db,
        logins: LoginGate::new(LoginLimits::default())?,
    };
    let router = Router::new()
        .route("/", get(index))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/logout", post(logout))
        .route("/sessions", get(sessions_page))
        .route("/sessions/revoke", post(revoke))
        .route("/sessions/revoke-others", post(revoke_others))
        .route("/sessions/revoke-all", post(revoke_all))
        // Inside the guard: a refused request changes no cookie.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            forget_ended_session,
        ))
        .with_state(app)
        // Cross-site request forgery, login CSRF included: a state-changing request from
        // another origin is a 403 before any route. Last, so it covers every route above;
        // a route added below it would not be covered.
        .layer(RequireSameOriginLayer::default())
        // Outermost: one line per request, the refused ones included.
        .layer(middleware::from_fn(log_request));
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    example_common::announce(PACKAGE, &args.database.describe(), listener.local_addr()?);
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

/// A browser whose session has ended (signed out from another device, "sign out
/// everywhere", expired) forgets its cookie on its next request: when the request carries a
/// well-formed session token that loads no user, and the handler sets no session cookie of
/// its own (a login, a logout), the response also removes the cookie. The loader's answer is
/// cached for the handler: still one query per request.
async fn forget_ended_session(State(app): State<App>, request: Request, next: Next) -> Response {
    if app.sessions.proxy().load(request.headers()).is_none() {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let ended = matches!(app.sessions.user(&mut parts).await, Ok(None));
    let response = next.run(Request::from_parts(parts, body)).await;
    if ended && !response.headers().contains_key(header::SET_COOKIE) {
        return (app.sessions.end(), response).into_response();
    }
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
    headers: HeaderMap,
    old: Option<SessionToken<Account>>,
    Form(form): Form<Credentials>,
) -> Response {
    let permit = match app.logins.admit(peer.ip(), &form.username).await {
        Ok(permit) => permit,
        Err(refusal) => return refused(&refusal),
    };
    let account = match app
        .db
        .verify_password(permit, &form.username, &form.password)
        .await
    {
        Ok(Some(account)) => account,
        Ok(None) => return (StatusCode::UNAUTHORIZED, Html(page_login_failed())).into_response(),
        Err(err) => return server_error("verify_password", &err),
    };
    // Session fixation defence: the session the request carried ends, a new one starts.
    let old = old.as_ref().map(|old| old.token());
    let agent = headers.get(header::USER_AGENT).map(HeaderValue::as_bytes);
    match app.db.sign_in(&account, old, agent).await {
        Ok(token) => (app.sessions.refresh(&token), Redirect::to("/me")).into_response(),
        Err(err) => server_error("sign_in", &err),
    }
}

/// `POST /logout`: deletes the session the request carried (if any), 303 to `/` with a
/// removal cookie.
async fn logout(
    State(app): State<App>,
    token: Option<SessionToken<Account>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.db
            .sessions()
            .revoke(token.token())
            .await
            .map_err(|err| server_error("revoke", &err))?;
    }
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// `GET /sessions`: every session of the user, the current one marked; never stored by a
/// cache; 401 without a session.
async fn sessions_page(
    State(app): State<App>,
    User(user): User<Account>,
    current: SessionToken<Account>,
) -> Response {
    match app.db.sessions_page(&user, current.token(), None).await {
        Ok(page) => (NO_STORE, Html(page)).into_response(),
        Err(err) => server_error("list", &err),
    }
}

/// `POST /sessions/revoke`: ends one of the user's sessions by its handle, 303 back to the
/// page (or, for the current session, to `/` without the cookie); 404 with the page for a
/// handle that names no session of this user, 400 for one that is not a handle.
async fn revoke(
    State(app): State<App>,
    User(user): User<Account>,
    current: SessionToken<Account>,
    Form(form): Form<RevokeForm>,
) -> Response {
    let Ok(handle) = form.handle() else {
        return (StatusCode::BAD_REQUEST, "not a session handle").into_response();
    };
    match app.db.revoke_handle(&user, current.token(), &handle).await {
        Ok(Revoked::Other) => Redirect::to("/sessions").into_response(),
        Ok(Revoked::Current) => (app.sessions.end(), Redirect::to("/")).into_response(),
        Ok(Revoked::NotFound) => {
            let notice = Some("No such session of yours: nothing was signed out.");
            match app.db.sessions_page(&user, current.token(), notice).await {
                Ok(page) => (StatusCode::NOT_FOUND, NO_STORE, Html(page)).into_response(),
                Err(err) => server_error("list", &err),
            }
        }
        Err(err) => server_error("revoke_handle", &err),
    }
}

/// `POST /sessions/revoke-others`: ends every other session of the user, 303 back to the
/// page.
async fn revoke_others(
    State(app): State<App>,
    _user: User<Account>,
    current: SessionToken<Account>,
) -> Response {
    match app.db.sessions().revoke_others(current.token()).await {
        Ok(_) => Redirect::to("/sessions").into_response(),
        Err(err) => server_error("revoke_others", &err),
    }
}

/// `POST /sessions/revoke-all`: ends every session of the user, this one included ("sign out
/// everywhere"), 303 to `/` with a removal cookie.
async fn revoke_all(State(app): State<App>, User(user): User<Account>) -> Response {
    match app.db.sessions().revoke_user(&user.id).await {
        Ok(_) => (app.sessions.end(), Redirect::to("/")).into_response(),
        Err(err) => server_error("revoke_user", &err),
    }
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
