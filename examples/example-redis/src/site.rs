//! The site's axum glue over [`SiteStore`]: the routes and handlers of `example-axum`, with
//! every store call awaited (Redis is a network round trip), the "your sessions" page, and
//! the package name `example-redis` in the log.

use std::future::IntoFuture as _;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Form, FromRef, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{
    Credentials, LoginGate, LoginLimits, Refusal, RequestLine, RevokeForm, ShutdownSignals,
    page_home, page_login_failed, page_me, page_sessions,
};
use session_axum::{
    EndSession, RefreshSession, RequireSameOriginLayer, SessionToken, Sessions, User,
};
use session_cookie::adapter::ErrorChain;

use crate::{SignedIn, SiteError, SiteStore};

const PACKAGE: &str = "example-redis";

/// `Cache-Control: no-store`, for the pages that show who is signed in.
const NO_STORE: [(HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// The handlers' state: the store, and the session configuration the extractors find through
/// `FromRef`.
#[derive(Clone)]
struct App {
    store: SiteStore,
    sessions: Sessions<SignedIn>,
    logins: LoginGate,
}

impl FromRef<App> for Sessions<SignedIn> {
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
/// `GET /me` (401 without a session), `POST /logout`, and the user's sessions:
/// `GET /sessions` (every active session, this one marked), `POST /sessions/revoke` (one, by
/// its `handle`), `POST /sessions/revoke-others`, `POST /sessions/revoke-all` (401 without a
/// session). A request whose session has ended gets a removal cookie with its answer. A
/// state-changing request from another origin (cross-site request forgery,
/// login CSRF included) is refused with 403.
///
/// On SIGINT or SIGTERM it stops accepting, lets the requests in flight finish (see
/// [`serve_until_signalled`](example_common::serve_until_signalled)) and returns `Ok`.
///
/// # Errors
///
/// Installing the signal handlers, binding or serving failed.
pub async fn serve(
    store: SiteStore,
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
        .route("/sessions", get(sessions))
        .route("/sessions/revoke", post(revoke_one))
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

/// A browser whose session has ended (signed out on another instance or device, "sign out
/// everywhere", expired) forgets its cookie on its next request: when the request carries a
/// well-formed session token that loads no user, and the handler sets no session cookie of
/// its own (a login, a logout), the response also removes the cookie. The loader's answer is
/// cached for the handler: no second Redis round trip. (As example-axum does.)
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

/// The home page; never stored by a cache (with a session it is a personal page).
async fn index(signed_in: Option<User<SignedIn>>) -> impl IntoResponse {
    (
        NO_STORE,
        Html(page_home(signed_in.as_ref().map(|s| &s.user))),
    )
}

/// The private page; never stored by a cache.
async fn me(User(signed_in): User<SignedIn>) -> impl IntoResponse {
    (NO_STORE, Html(page_me(&signed_in.user.name)))
}

/// 303 to `/me` with a new session cookie, or 401 with the form; 429 or 503 with
/// `Retry-After` when the login gate refuses. The new session is labelled with the request's
/// `User-Agent`, for the sessions page.
async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    old: Option<SessionToken<SignedIn>>,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Result<(RefreshSession, Redirect), Response> {
    let permit = app
        .logins
        .admit(peer.ip(), &form.username)
        .await
        .map_err(|refusal| refused(&refusal))?;
    let user = app
        .store
        .verify_password(permit, &form.username, &form.password)
        .await
        .map_err(failed("verify_password"))?;
    let Some(user) = user else {
        return Err((StatusCode::UNAUTHORIZED, Html(page_login_failed())).into_response());
    };
    let sessions = app.store.sessions();
    // Session fixation defence: end whatever session the request carried, then issue a
    // brand-new token.
    if let Some(old) = old {
        sessions
            .revoke(old.token())
            .await
            .map_err(store_failed("revoke"))?;
    }
    let token = match user_agent(&headers) {
        Some(agent) => sessions.create_labeled(user.id, &agent).await,
        None => sessions.create(user.id).await,
    }
    .map_err(store_failed("create_session"))?;
    Ok((app.sessions.refresh(&token), Redirect::to("/me")))
}

/// 303 to `/` with a removal cookie, after ending the session the request carried (a
/// logout on one instance is a logout on all of them).
async fn logout(
    State(app): State<App>,
    token: Option<SessionToken<SignedIn>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.store
            .sessions()
            .revoke(token.token())
            .await
            .map_err(store_failed("revoke"))?;
    }
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// "Your sessions": every active session of the signed-in user, this one marked; never
/// stored by a cache.
async fn sessions(
    State(app): State<App>,
    User(signed_in): User<SignedIn>,
) -> Result<Response, Response> {
    sessions_page(&app, &signed_in, StatusCode::OK, None).await
}

/// "Sign out this session": ends the signed-in user's session named by the form's `handle`,
/// then 303 to `/sessions`, or to `/` with a removal cookie if it was the current session.
/// 404 with the page for a handle that names no live session of this user (another user's:
/// the store checks whose it is), 400 for one that is not a handle.
async fn revoke_one(
    State(app): State<App>,
    User(signed_in): User<SignedIn>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, Response> {
    let handle = form
        .handle()
        .map_err(|_| (StatusCode::BAD_REQUEST, "not a session handle").into_response())?;
    let revoked = app
        .store
        .sessions()
        .revoke_handle(&signed_in.user.id, &handle)
        .await
        .map_err(store_failed("revoke_handle"))?;
    if !revoked {
        let notice = Some("No such session of yours: nothing was signed out.");
        return sessions_page(&app, &signed_in, StatusCode::NOT_FOUND, notice).await;
    }
    if handle == signed_in.session.handle {
        return Ok((app.sessions.end(), Redirect::to("/")).into_response());
    }
    Ok(Redirect::to("/sessions").into_response())
}

/// "Sign out all other sessions": ends every session of the user but this one, then 303 to
/// `/sessions`.
async fn revoke_others(
    State(app): State<App>,
    User(_signed_in): User<SignedIn>,
    token: SessionToken<SignedIn>,
) -> Result<Redirect, Response> {
    app.store
        .sessions()
        .revoke_others(token.token())
        .await
        .map_err(store_failed("revoke_others"))?;
    Ok(Redirect::to("/sessions"))
}

/// "Sign out everywhere": ends every session of the user, this one included, then 303 to `/`
/// with a removal cookie.
async fn revoke_all(
    State(app): State<App>,
    User(signed_in): User<SignedIn>,
) -> Result<(EndSession, Redirect), Response> {
    app.store
        .sessions()
        .revoke_user(&signed_in.user.id)
        .await
        .map_err(store_failed("revoke_user"))?;
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// The sessions page of `signed_in` with `status` and `notice`, not to be cached.
async fn sessions_page(
    app: &App,
    signed_in: &SignedIn,
    status: StatusCode,
    notice: Option<&str>,
) -> Result<Response, Response> {
    let list = app
        .store
        .sessions()
        .list(&signed_in.user.id)
        .await
        .map_err(store_failed("list"))?;
    let page = page_sessions(
        &signed_in.user.name,
        &list,
        &signed_in.session.handle,
        notice,
    );
    Ok((status, NO_STORE, Html(page)).into_response())
}

/// The request's `User-Agent`, as the session's label: invalid UTF-8 replaced, surrounding
/// white space trimmed; `None` when absent or blank. (The store keeps at most 256 bytes;
/// the page escapes it.)
fn user_agent(headers: &HeaderMap) -> Option<String> {
    let agent = headers.get(header::USER_AGENT)?;
    let agent = String::from_utf8_lossy(agent.as_bytes());
    let agent = agent.trim();
    (!agent.is_empty()).then(|| agent.to_owned())
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

/// What a failed site-store call answers: its error logged with its causes, and a bare 500.
fn failed(what: &'static str) -> impl Fn(SiteError) -> Response {
    move |err| {
        log_failure(what, &err);
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

/// What a failed session-store call answers: as [`failed`].
fn store_failed(what: &'static str) -> impl Fn(session_store::Error) -> Response {
    move |err| failed(what)(SiteError::Sessions(err))
}

/// The ERROR line of a 500: what failed, and the error with its whole chain of causes.
fn log_failure(what: &str, err: &(dyn std::error::Error + 'static)) {
    tracing::error!(operation = %what, error = %ErrorChain(err), "request failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_is_the_label() {
        let mut headers = HeaderMap::new();
        assert_eq!(user_agent(&headers), None);
        headers.insert(header::USER_AGENT, HeaderValue::from_static("  "));
        assert_eq!(user_agent(&headers), None);
        headers.insert(header::USER_AGENT, HeaderValue::from_static(" curl/8.5 "));
        assert_eq!(user_agent(&headers).as_deref(), Some("curl/8.5"));
        let odd = HeaderValue::from_bytes(b"Bot \xff/1").expect("obs-text is allowed");
        headers.insert(header::USER_AGENT, odd);
        assert_eq!(user_agent(&headers).as_deref(), Some("Bot \u{fffd}/1"));
    }
}
