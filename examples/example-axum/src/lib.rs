//! The example site's axum glue, over any [`SiteData`]: its routes, handlers and middleware
//! ([`router`]) and its server ([`serve`]). `example-axum` runs it on the users and sessions
//! of [`SiteDb`] (SQLite or PostgreSQL), `example-redis` on its own store in Redis: one site,
//! whatever keeps its data.
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`, and the "your sessions" page:
//! `GET /sessions` (401 without a session; every session of the user, the current one
//! marked, with its user agent), `POST /sessions/revoke` (one session, by its handle),
//! `POST /sessions/revoke-others`, `POST /sessions/revoke-all`. Sessions are labelled with
//! the browser's User-Agent; only the random token travels in the cookie. A request whose
//! session has ended (signed out elsewhere, expired) gets a removal cookie with its answer.
//! A state-changing request from another origin (cross-site request forgery, login CSRF
//! included) is refused with 403.
//!
//! For clients without cookies, a JSON API on the same sessions (`example_common::api`):
//! `POST /api/login` answers `{"token":"..."}` and no cookie, `GET /api/me` and the pages
//! take `Authorization: Bearer <token>` (`Sessions::with_bearer`), `POST /api/logout`
//! deletes the session.

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
    API_CONTENT_TYPE, Args, Credentials, HashPermit, LoginGate, Refusal, RequestLine, RevokeForm,
    Revoked, ShutdownSignals, SiteDb, SiteSessions as _, StoreError, me_json, page_home,
    page_login_failed, page_me, token_json,
};
use session_axum::session_cookie::adapter::ErrorChain;
use session_axum::session_cookie::bearer;
use session_axum::{
    CookieLifetime, CookieProxy, EndSession, Loader, RequireSameOriginLayer, SessionToken,
    Sessions, Token, User,
};
use session_store::{Backend, Store};

/// `Cache-Control: no-store`, for the pages that show who is signed in.
const NO_STORE: [(HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// What the site keeps: its sessions (the ready store of `session-store`, over any backend
/// keyed by the users' `i64` ids) and its accounts. As a [`Loader`] it resolves a session
/// token to the signed-in user ([`account`](Self::account) names the account in what it
/// loads), so that a deleted or disabled account has no session.
///
/// # Examples
///
/// [`SiteDb`] is the SQL sites' `SiteData`:
///
/// ```
/// use example_axum::SiteData;
/// use example_common::{Database, SessionConfig, SiteDb};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("site-data-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let db = SiteDb::open(&Database::Sqlite(dir.join("site.db")), SessionConfig::default()).await?;
/// let permit = example_common::LoginGate::new(Default::default())?.hash_permit().await;
/// let demo = SiteData::verify_password(&db, permit, "demo", "demo").await?.ok_or("bad login")?;
/// let token = SiteData::sessions(&db).create(demo.id).await?;
/// let signed_in = session_axum::Loader::load(&db, &token).await?.ok_or("no session")?;
/// assert_eq!(SiteDb::account(&signed_in), &demo);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
pub trait SiteData:
    Loader<User: Clone + Send + Sync + 'static> + Clone + Send + Sync + 'static
{
    /// The sessions' backend.
    type Backend: Backend<UserId = i64>;

    /// The session store: create, list and revoke sessions with it.
    fn sessions(&self) -> &Store<Self::Backend>;

    /// Checks a login: `Ok(Some(user))` if `name` exists, is not disabled and `password`
    /// matches, `Ok(None)` otherwise; the password hash runs through `permit` (from
    /// [`LoginGate::admit`]).
    ///
    /// # Errors
    ///
    /// The store failed (not: the password was wrong).
    fn verify_password(
        &self,
        permit: HashPermit,
        name: &str,
        password: &str,
    ) -> impl Future<Output = Result<Option<example_common::User>, Self::Error>> + Send;

    /// The account of a signed-in request, in what the loader returned for it.
    fn account(signed_in: &Self::User) -> &example_common::User;
}

impl SiteData for SiteDb {
    type Backend = example_common::SqlBackend;

    fn sessions(&self) -> &Store<Self::Backend> {
        SiteDb::sessions(self)
    }

    async fn verify_password(
        &self,
        permit: HashPermit,
        name: &str,
        password: &str,
    ) -> Result<Option<example_common::User>, StoreError> {
        SiteDb::verify_password(self, permit, name, password).await
    }

    fn account(signed_in: &example_common::User) -> &example_common::User {
        signed_in
    }
}

/// The handlers' state: the site's data, the session configuration that the `User` and
/// `SessionToken` extractors find through `FromRef`, and the login gate.
#[derive(Clone)]
struct App<D: SiteData> {
    data: D,
    sessions: Sessions<D::User>,
    logins: LoginGate,
}

impl<D: SiteData> FromRef<App<D>> for Sessions<D::User> {
    fn from_ref(app: &App<D>) -> Self {
        app.sessions.clone()
    }
}

/// The site's routes over `data`, with the session cookie `proxy` and the login gate
/// `logins`, behind the cross-origin guard and the access log (see the crate docs). Serve it
/// with `into_make_service_with_connect_info::<SocketAddr>()`: the login throttle reads the
/// peer address.
///
/// # Examples
///
/// ```
/// use example_common::{Database, LoginGate, SessionConfig, SiteDb};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("router-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let db = SiteDb::open(&Database::Sqlite(dir.join("site.db")), SessionConfig::default()).await?;
/// let proxy = example_common::cookie_proxy("example-axum", false);
/// let app: axum::Router = example_axum::router(db, proxy, LoginGate::new(Default::default())?);
/// # let _ = app;
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
pub fn router<D: SiteData>(data: D, proxy: CookieProxy, logins: LoginGate) -> Router {
    let app = App {
        // The cookie, and `Authorization: Bearer` for the API's clients.
        sessions: Sessions::new(proxy, data.clone()).with_bearer(),
        data,
        logins,
    };
    Router::new()
        .route("/", get(index::<D>))
        .route("/login", post(login::<D>))
        .route("/me", get(me::<D>))
        .route("/logout", post(logout::<D>))
        .route("/sessions", get(sessions_page::<D>))
        .route("/sessions/revoke", post(revoke::<D>))
        .route("/sessions/revoke-others", post(revoke_others::<D>))
        .route("/sessions/revoke-all", post(revoke_all::<D>))
        .route("/api/login", post(api_login::<D>))
        .route("/api/me", get(api_me::<D>))
        .route("/api/logout", post(api_logout::<D>))
        // Inside the guard: a refused request changes no cookie.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            forget_ended_session::<D>,
        ))
        .with_state(app)
        // Cross-site request forgery, login CSRF included: a state-changing request from
        // another origin is a 403 before any route. Last, so it covers every route above;
        // a route added below it would not be covered.
        .layer(RequireSameOriginLayer::default())
        // Outermost: one line per request, the refused ones included.
        .layer(middleware::from_fn(log_request))
}

/// Serves the site of `package` (such as `example-axum`) on `data` at `args.addr` until
/// SIGINT or SIGTERM (`signals`, registered by the caller before it opened its store),
/// with the session cookie of [`cookie_proxy`](example_common::cookie_proxy)`(package,
/// args.insecure_dev_cookies)` and the login limits `args.logins`. Prints that function's
/// cookie notice, then the lines of [`announce`](example_common::announce) with
/// `about_store` (such as `database PATH` or `redis URL`).
///
/// On SIGINT or SIGTERM it stops accepting, lets the requests in flight finish (see
/// [`serve_until_signalled`](example_common::serve_until_signalled)) and returns `Ok`.
///
/// # Errors
///
/// Starting the login gate's threads, binding or serving failed.
///
/// # Examples
///
/// ```no_run
/// use example_common::{ShutdownSignals, SiteDb};
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // `no_run`: it serves until Ctrl-C.
/// let signals = ShutdownSignals::register()?;
/// let args = example_common::parse_args(std::env::args_os().skip(1), ([127, 0, 0, 1], 3000).into())?;
/// let db = SiteDb::open(&args.database, args.session).await?;
/// example_axum::serve("example-axum", db, &args, &args.database.describe(), signals).await?;
/// # Ok(()) }
/// ```
pub async fn serve<D: SiteData>(
    package: &str,
    data: D,
    args: &Args,
    about_store: &str,
    signals: ShutdownSignals,
) -> std::io::Result<()> {
    let proxy = example_common::cookie_proxy(package, args.insecure_dev_cookies);
    let router = router(data, proxy, LoginGate::new(args.logins)?);
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    example_common::announce(package, about_store, listener.local_addr()?);
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

/// A browser whose session has ended (signed out from another device or instance, "sign
/// out everywhere", expired) forgets its cookie on its next request: when the request
/// carries a well-formed session token that loads no user, and the handler sets no session
/// cookie of its own (a login, a logout), the response also removes the cookie. Not when an
/// `Authorization: Bearer` token of another session came with it: such a request has no
/// session (the two disagree), but the cookie may well be live. The loader's answer is cached
/// for the handler: still one load per request.
async fn forget_ended_session<D: SiteData>(
    State(app): State<App<D>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(cookie) = app.sessions.proxy().load(request.headers()) else {
        return next.run(request).await;
    };
    let bearer = bearer::find(request.headers().get_all(header::AUTHORIZATION));
    if bearer.is_some_and(|bearer| bearer != cookie) {
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
async fn index<D: SiteData>(user: Option<User<D::User>>) -> impl IntoResponse {
    let account = user.as_deref().map(D::account);
    (NO_STORE, Html(page_home(account)))
}

/// `GET /me`: the private page, never stored by a cache; 401 without a session.
async fn me<D: SiteData>(User(user): User<D::User>) -> impl IntoResponse {
    (NO_STORE, Html(page_me(&D::account(&user).name)))
}

/// `POST /login`: 303 to `/me` with a new session cookie, or 401 with the form; 429 or 503
/// with `Retry-After` when the login gate refuses. The new session is labelled with the
/// request's `User-Agent`, for the sessions page; its cookie is persistent (`Max-Age`: the
/// store's absolute lifetime) if the form's "Keep me signed in" was checked, else a
/// browser-session cookie.
async fn login<D: SiteData>(
    State(app): State<App<D>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    old: Option<SessionToken<D::User>>,
    Form(form): Form<Credentials>,
) -> Response {
    // "Keep me signed in": a persistent cookie for the session's absolute lifetime, else a
    // browser-session cookie.
    match sign_in(&app, peer, &headers, old, &form, form.remember).await {
        Ok(Some((token, lifetime))) => {
            let cookie = app.sessions.refresh_with(&token, lifetime);
            (cookie, Redirect::to("/me")).into_response()
        }
        Ok(None) => (StatusCode::UNAUTHORIZED, Html(page_login_failed())).into_response(),
        Err(answer) => answer,
    }
}

/// `POST /logout`: deletes the session the request carried (if any; on every instance at
/// once), 303 to `/` with a removal cookie.
async fn logout<D: SiteData>(
    State(app): State<App<D>>,
    token: Option<SessionToken<D::User>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.data
            .sessions()
            .revoke(token.token())
            .await
            .map_err(|err| server_error("revoke", &err))?;
    }
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// `GET /sessions`: every session of the user, the current one marked; never stored by a
/// cache; 401 without a session.
async fn sessions_page<D: SiteData>(
    State(app): State<App<D>>,
    User(user): User<D::User>,
    current: SessionToken<D::User>,
) -> Response {
    let account = D::account(&user);
    match app
        .data
        .sessions()
        .sessions_page(account, current.token(), None)
        .await
    {
        Ok(page) => (NO_STORE, Html(page)).into_response(),
        Err(err) => server_error("list", &err),
    }
}

/// `POST /sessions/revoke`: ends one of the user's sessions by its handle, 303 back to the
/// page (or, for the current session, to `/` without the cookie); 404 with the page for a
/// handle that names no session of this user, 400 for one that is not a handle.
async fn revoke<D: SiteData>(
    State(app): State<App<D>>,
    User(user): User<D::User>,
    current: SessionToken<D::User>,
    Form(form): Form<RevokeForm>,
) -> Response {
    let Ok(handle) = form.handle() else {
        return (StatusCode::BAD_REQUEST, "not a session handle").into_response();
    };
    let account = D::account(&user);
    let sessions = app.data.sessions();
    match sessions
        .sign_out_handle(account, current.token(), &handle)
        .await
    {
        Ok(Revoked::Other) => Redirect::to("/sessions").into_response(),
        Ok(Revoked::Current) => (app.sessions.end(), Redirect::to("/")).into_response(),
        Ok(Revoked::NotFound) => {
            let notice = Some("No such session of yours: nothing was signed out.");
            match sessions
                .sessions_page(account, current.token(), notice)
                .await
            {
                Ok(page) => (StatusCode::NOT_FOUND, NO_STORE, Html(page)).into_response(),
                Err(err) => server_error("list", &err),
            }
        }
        Err(err) => server_error("revoke_handle", &err),
    }
}

/// `POST /sessions/revoke-others`: ends every other session of the user, 303 back to the
/// page.
async fn revoke_others<D: SiteData>(
    State(app): State<App<D>>,
    _user: User<D::User>,
    current: SessionToken<D::User>,
) -> Response {
    match app.data.sessions().revoke_others(current.token()).await {
        Ok(_) => Redirect::to("/sessions").into_response(),
        Err(err) => server_error("revoke_others", &err),
    }
}

/// `POST /sessions/revoke-all`: ends every session of the user, this one included ("sign out
/// everywhere"), 303 to `/` with a removal cookie.
async fn revoke_all<D: SiteData>(State(app): State<App<D>>, User(user): User<D::User>) -> Response {
    match app.data.sessions().revoke_user(&D::account(&user).id).await {
        Ok(_) => (app.sessions.end(), Redirect::to("/")).into_response(),
        Err(err) => server_error("revoke_user", &err),
    }
}

/// `POST /api/login`: the form's credentials, through the same gate; `200` with
/// `{"token":"..."}` and no cookie (the client sends it back as `Authorization: Bearer`),
/// `401` for wrong credentials. The session the request carried, if any, ends.
async fn api_login<D: SiteData>(
    State(app): State<App<D>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    old: Option<SessionToken<D::User>>,
    Form(form): Form<Credentials>,
) -> Response {
    match sign_in(&app, peer, &headers, old, &form, false).await {
        Ok(Some((token, _))) => (NO_STORE, JSON, token_json(&token)).into_response(),
        Ok(None) => (StatusCode::UNAUTHORIZED, "wrong username or password").into_response(),
        Err(answer) => answer,
    }
}

/// `GET /api/me`: `{"name":"..."}`, never stored by a cache; 401 without a session.
async fn api_me<D: SiteData>(User(user): User<D::User>) -> impl IntoResponse {
    (NO_STORE, JSON, me_json(D::account(&user)))
}

/// `POST /api/logout`: deletes the request's session in the store (a bearer session has no
/// cookie to remove), `204`; 401 without a session.
async fn api_logout<D: SiteData>(
    State(app): State<App<D>>,
    _user: User<D::User>,
    token: SessionToken<D::User>,
) -> Response {
    match app.data.sessions().revoke(token.token()).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => server_error("revoke", &err),
    }
}

/// `Content-Type: application/json`, for the API's answers.
const JSON: [(HeaderName, &str); 1] = [(header::CONTENT_TYPE, API_CONTENT_TYPE)];

/// A login (`POST /login` and `POST /api/login`): the form through the login gate and the
/// password check, then a new session for the account. Session fixation defence: the
/// session the request carried (`old`) ends. The new one is labelled with the request's
/// `User-Agent` for the sessions page, and persistent if `remember`. `Ok(Some)` holds its
/// token and the lifetime to write its cookie with, `Ok(None)` means wrong credentials, `Err`
/// the answer to give instead: 429 or 503 from the gate, 500 when the store failed.
async fn sign_in<D: SiteData>(
    app: &App<D>,
    peer: SocketAddr,
    headers: &HeaderMap,
    old: Option<SessionToken<D::User>>,
    form: &Credentials,
    remember: bool,
) -> Result<Option<(Token, CookieLifetime)>, Response> {
    let permit = app
        .logins
        .admit(peer.ip(), &form.username)
        .await
        .map_err(|refusal| refused(&refusal))?;
    let account = app
        .data
        .verify_password(permit, &form.username, &form.password)
        .await
        .map_err(|err| server_error("verify_password", &err))?;
    let Some(account) = account else {
        return Ok(None);
    };
    let old = old.as_ref().map(|old| old.token());
    let agent = headers.get(header::USER_AGENT).map(HeaderValue::as_bytes);
    let signed_in = app
        .data
        .sessions()
        .sign_in_with(&account, old, agent, remember);
    match signed_in.await {
        Ok(signed_in) => Ok(Some(signed_in)),
        Err(err) => Err(server_error("sign_in", &err)),
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

/// Logs the store error with its causes (an ERROR line: what failed, and the error with its
/// whole chain) and answers a bare 500.
fn server_error(what: &str, err: &(dyn std::error::Error + 'static)) -> Response {
    tracing::error!(operation = %what, error = %ErrorChain(err), "request failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
