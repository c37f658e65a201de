//! `cargo run -p example-actix`: a small real site on sessionkit + actix-web + the ready
//! session store of `session-store-sqlx` (a SQLite file, or PostgreSQL with `--postgres
//! URL`); the same site as `example-axum`, with actix-web glue.
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`, and the "your sessions" page:
//! `GET /sessions` (401 without a session), `POST /sessions/revoke`, `POST
//! /sessions/revoke-others`, `POST /sessions/revoke-all`. Sessions live in the database under
//! `token.hash()`, labelled with the browser's User-Agent; only the random token travels in
//! the cookie. A state-changing request from another origin (cross-site request forgery,
//! login CSRF included) is refused with 403.
//!
//! For clients without cookies, a JSON API on the same sessions (`example_common::api`):
//! `POST /api/login` answers `{"token":"..."}` and no cookie, `GET /api/me` and the pages
//! take `Authorization: Bearer <token>` (`Sessions::with_bearer`), `POST /api/logout`
//! deletes the session.
//!
//! Logs on stderr (`RUST_LOG`, default `info`; `RUST_LOG=info,access=debug` adds one line per
//! request); a failed session loader is an ERROR line with its cause. Stops gracefully on
//! SIGINT (Ctrl-C) and SIGTERM: the requests in flight finish, then it exits with 0.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, CacheControl, CacheDirective, ContentType};
use actix_web::middleware::{self, Next};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use example_common::{
    API_CONTENT_TYPE, Args, Credentials, DRAIN_TIMEOUT, LoginGate, PURGE_INTERVAL, Refusal,
    RequestLine, RevokeForm, Revoked, ShutdownRequested, ShutdownSignals, SiteDb, describe,
    me_json, page_home, page_login_failed, page_me, token_json,
};
use session_actix::session_cookie::bearer;
use session_actix::{
    MaybeSessionToken, MaybeUser, RequireSameOrigin, SessionResponseExt as _, SessionToken,
    Sessions, Token, User,
};

const PACKAGE: &str = "example-actix";

/// The account type the store loads for a session.
type Account = example_common::User;

fn main() -> ExitCode {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3001));
    let args = example_common::parse_args(std::env::args_os().skip(1), default_addr);
    // What `#[actix_web::main]` expands to, without the `macros` feature.
    example_common::run_main(PACKAGE, args, |args| {
        actix_web::rt::System::new().block_on(serve(args))
    })
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // First: from here on SIGINT and SIGTERM stop the site gracefully, never abruptly. Ours,
    // not actix-web's: actix-web drains on SIGTERM but stops at once on SIGINT (Ctrl-C).
    let signals = ShutdownSignals::register()?;
    let db = SiteDb::open(&args.database, args.session).await?;
    db.spawn_purge(PURGE_INTERVAL);
    let proxy = example_common::cookie_proxy(PACKAGE, args.insecure_dev_cookies);
    // The cookie, and `Authorization: Bearer` for the API's clients.
    let sessions = Sessions::<Account>::new(proxy, db.clone()).with_bearer();
    let db = web::Data::new(db);
    // One gate for every worker: the hash bound and the throttles are per process.
    let logins = web::Data::new(LoginGate::new(args.logins)?);
    let server = HttpServer::new(move || {
        App::new()
            // Innermost: a dead session's cookie goes; inside the guard, so a refused request
            // changes no cookie.
            .wrap(middleware::from_fn(forget_ended_session))
            // Cross-site request forgery, login CSRF included: a state-changing request from
            // another origin is a 403 before any route, those added later included.
            .wrap(RequireSameOrigin::default())
            // Outermost (the last `wrap`): counts the requests in flight for the shutdown, and
            // logs one line per request, the refused ones included.
            .wrap(middleware::from_fn(track_request))
            // The `Sessions` itself, not `web::Data`: the extractors look for this type.
            .app_data(sessions.clone())
            .app_data(db.clone())
            .app_data(logins.clone())
            .configure(routes)
    })
    .shutdown_timeout(DRAIN_TIMEOUT.as_secs())
    .bind(args.addr)?;
    let addr = server.addrs().first().copied().unwrap_or(args.addr);
    example_common::announce(PACKAGE, &args.database.describe(), addr);
    // `shutdown_signal` replaces actix-web's own signal handling; its stop is graceful.
    example_common::serve_until_signalled(signals, |shutdown| {
        let handle = Arc::new(OnceLock::new());
        let server = server
            .shutdown_signal(drained(shutdown, Arc::clone(&handle)))
            .run();
        let _ = handle.set(server.handle());
        server
    })
    .await?;
    Ok(())
}

/// The requests being handled (between the outermost middleware's call and its response).
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// One request in [`IN_FLIGHT`], until dropped (also when the request is cancelled).
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The stop signal actix-server gets: `shutdown`, then no more accepting and no request in
/// flight. actix-server 2.6 (the last release for Rust 1.85) can lose a request in flight
/// in its own graceful stop: its accept thread exits and closes a worker's connection channel,
/// and a worker that sees that before the stop command ends at once, dropping its connections
/// (actix/actix-net#945, fixed in releases that need Rust 1.88). So the site drains first,
/// and lets actix-server stop only idle workers; [`serve_until_signalled`]'s
/// [`DRAIN_TIMEOUT`] bounds the wait.
///
/// [`serve_until_signalled`]: example_common::serve_until_signalled
async fn drained(shutdown: ShutdownRequested, server: Arc<OnceLock<ServerHandle>>) {
    shutdown.await;
    if let Some(server) = server.get() {
        server.pause().await;
    }
    while IN_FLIGHT.load(Ordering::SeqCst) > 0 {
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Counts the request in [`IN_FLIGHT`], and writes its DEBUG line
/// (`RUST_LOG=info,access=debug`).
async fn track_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let _in_flight = InFlight::enter();
    let line = RequestLine::start(request.method().as_str(), request.path());
    let result = next.call(request).await;
    let status = match &result {
        Ok(response) => response.status(),
        Err(err) => err.as_response_error().status_code(),
    };
    line.finish(status.as_u16());
    result
}

/// A browser whose session has ended (signed out from another device, "sign out
/// everywhere", expired) forgets its cookie on its next request: when the request carries a
/// well-formed session token that loads no user, and the handler sets no session cookie of
/// its own (a login, a logout), the response also removes the cookie. Not when an
/// `Authorization: Bearer` token of another session came with it (see below). The loader's
/// answer is cached for the handler: still one query per request.
async fn forget_ended_session(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let sessions = request.app_data::<Sessions<Account>>().cloned();
    let ended = match &sessions {
        Some(sessions) => {
            // Only the cookie's own session: with a bearer token of another session the
            // request has none (the two disagree), but the cookie may well be live.
            let headers = request.headers();
            let cookies = headers.get_all(header::COOKIE).map(|v| v.as_bytes());
            let other_bearer = |cookie: &Token| {
                bearer::find(headers.get_all(header::AUTHORIZATION).map(|v| v.as_bytes()))
                    .is_some_and(|bearer| bearer != *cookie)
            };
            sessions
                .proxy()
                .load_from_values(cookies)
                .is_some_and(|cookie| !other_bearer(&cookie))
                && matches!(sessions.user(request.request()).await, Ok(None))
        }
        None => false,
    };
    let response = next.call(request).await?;
    match sessions {
        Some(sessions) if ended && !response.headers().contains_key(header::SET_COOKIE) => {
            let (request, response) = response.into_parts();
            let response = response.end_session(sessions.end());
            Ok(ServiceResponse::new(request, response))
        }
        _ => Ok(response),
    }
}

/// The site's routes. Resources, not `App::route`: another method on a known path is then a
/// 405, not a 404. HEAD as well as GET, as axum's `get` does.
fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/").get(index).head(index))
        .service(web::resource("/login").post(login))
        .service(web::resource("/me").get(me).head(me))
        .service(web::resource("/logout").post(logout))
        .service(
            web::resource("/sessions")
                .get(sessions_page)
                .head(sessions_page),
        )
        .service(web::resource("/sessions/revoke").post(revoke))
        .service(web::resource("/sessions/revoke-others").post(revoke_others))
        .service(web::resource("/sessions/revoke-all").post(revoke_all))
        .service(web::resource("/api/login").post(api_login))
        .service(web::resource("/api/me").get(api_me))
        .service(web::resource("/api/logout").post(api_logout));
}

/// The home page; never stored by a cache (with a session it is a personal page).
async fn index(MaybeUser(user): MaybeUser<Account>) -> HttpResponse {
    personal(page_home(user.as_ref()))
}

/// The private page; never stored by a cache.
async fn me(User(user): User<Account>) -> HttpResponse {
    personal(page_me(&user.name))
}

/// 303 to `/me` with a new session cookie (persistent if "Keep me signed in" was checked,
/// else a browser-session cookie), or 401 with the form; 429 or 503 with `Retry-After` when
/// the login gate refuses.
async fn login(
    request: HttpRequest,
    db: web::Data<SiteDb>,
    logins: web::Data<LoginGate>,
    sessions: Sessions<Account>,
    MaybeSessionToken(old): MaybeSessionToken<Account>,
    web::Form(form): web::Form<Credentials>,
) -> HttpResponse {
    let unauthorized = || html(StatusCode::UNAUTHORIZED, page_login_failed());
    let account = match check_credentials(&request, &db, &logins, &form, unauthorized).await {
        Ok(account) => account,
        Err(answer) => return answer,
    };
    // Session fixation defence: the session the request carried ends, a new one starts.
    let old = old.as_ref().map(|old| old.token());
    // "Keep me signed in": a persistent cookie for the session's absolute lifetime, else a
    // browser-session cookie.
    match db
        .sign_in_with(&account, old, user_agent(&request), form.remember)
        .await
    {
        Ok((token, lifetime)) => see_other("/me")
            .finish()
            .refresh_session(sessions.refresh_with(&token, lifetime)),
        Err(err) => server_error("sign_in", &err),
    }
}

async fn logout(
    db: web::Data<SiteDb>,
    sessions: Sessions<Account>,
    MaybeSessionToken(token): MaybeSessionToken<Account>,
) -> HttpResponse {
    if let Some(token) = token {
        if let Err(err) = db.sessions().revoke(token.token()).await {
            return server_error("revoke", &err);
        }
    }
    see_other("/").finish().end_session(sessions.end())
}

/// Every session of the user, the current one marked; never stored by a cache.
async fn sessions_page(
    db: web::Data<SiteDb>,
    User(user): User<Account>,
    current: SessionToken<Account>,
) -> HttpResponse {
    match db.sessions_page(&user, current.token(), None).await {
        Ok(page) => personal(page),
        Err(err) => server_error("list", &err),
    }
}

/// Ends one of the user's sessions by its handle: 303 back to the page (or, for the current
/// session, to `/` without the cookie); 404 with the page for a handle that names no session
/// of this user, 400 for one that is not a handle.
async fn revoke(
    db: web::Data<SiteDb>,
    sessions: Sessions<Account>,
    User(user): User<Account>,
    current: SessionToken<Account>,
    web::Form(form): web::Form<RevokeForm>,
) -> HttpResponse {
    let Ok(handle) = form.handle() else {
        return HttpResponse::BadRequest().body("not a session handle");
    };
    match db.revoke_handle(&user, current.token(), &handle).await {
        Ok(Revoked::Other) => see_other("/sessions").finish(),
        Ok(Revoked::Current) => see_other("/").finish().end_session(sessions.end()),
        Ok(Revoked::NotFound) => {
            let notice = Some("No such session of yours: nothing was signed out.");
            match db.sessions_page(&user, current.token(), notice).await {
                Ok(page) => {
                    let mut response = personal(page);
                    *response.status_mut() = StatusCode::NOT_FOUND;
                    response
                }
                Err(err) => server_error("list", &err),
            }
        }
        Err(err) => server_error("revoke_handle", &err),
    }
}

/// Ends every other session of the user, 303 back to the page.
async fn revoke_others(
    db: web::Data<SiteDb>,
    _user: User<Account>,
    current: SessionToken<Account>,
) -> HttpResponse {
    match db.sessions().revoke_others(current.token()).await {
        Ok(_) => see_other("/sessions").finish(),
        Err(err) => server_error("revoke_others", &err),
    }
}

/// Ends every session of the user, this one included ("sign out everywhere"), 303 to `/`
/// with a removal cookie.
async fn revoke_all(
    db: web::Data<SiteDb>,
    sessions: Sessions<Account>,
    User(user): User<Account>,
) -> HttpResponse {
    match db.sessions().revoke_user(&user.id).await {
        Ok(_) => see_other("/").finish().end_session(sessions.end()),
        Err(err) => server_error("revoke_user", &err),
    }
}

fn html(status: StatusCode, page: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(page)
}

/// A 200 HTML page with `Cache-Control: no-store`: a page that shows who is signed in.
fn personal(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(page)
}

/// `POST /api/login`: the form's credentials, through the same gate; `200` with
/// `{"token":"..."}` and no cookie (the client sends it back as `Authorization: Bearer`),
/// `401` for wrong credentials. The session the request carried, if any, ends.
async fn api_login(
    request: HttpRequest,
    db: web::Data<SiteDb>,
    logins: web::Data<LoginGate>,
    MaybeSessionToken(old): MaybeSessionToken<Account>,
    web::Form(form): web::Form<Credentials>,
) -> HttpResponse {
    let unauthorized = || HttpResponse::Unauthorized().body("wrong username or password");
    let account = match check_credentials(&request, &db, &logins, &form, unauthorized).await {
        Ok(account) => account,
        Err(answer) => return answer,
    };
    let old = old.as_ref().map(|old| old.token());
    match db.sign_in(&account, old, user_agent(&request)).await {
        Ok(token) => json(token_json(&token)),
        Err(err) => server_error("sign_in", &err),
    }
}

/// `GET /api/me`: `{"name":"..."}`, never stored by a cache; 401 without a session.
async fn api_me(User(user): User<Account>) -> HttpResponse {
    json(me_json(&user))
}

/// `POST /api/logout`: deletes the request's session in the store (a bearer session has no
/// cookie to remove), `204`; 401 without a session.
async fn api_logout(
    db: web::Data<SiteDb>,
    _user: User<Account>,
    token: SessionToken<Account>,
) -> HttpResponse {
    match db.sessions().revoke(token.token()).await {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(err) => server_error("revoke", &err),
    }
}

/// A 200 JSON answer with `Cache-Control: no-store`: it names the user or carries a token.
fn json(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, API_CONTENT_TYPE))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(body)
}

/// A refused login: 429 or 503, `Retry-After`, and the login form under the reason.
/// The login gate and the password check, shared by the form and the API: the account, or
/// the answer to give (429 or 503 from the gate, `unauthorized()` for wrong credentials, 500
/// for a failed check).
async fn check_credentials(
    request: &HttpRequest,
    db: &SiteDb,
    logins: &LoginGate,
    form: &Credentials,
    unauthorized: impl FnOnce() -> HttpResponse,
) -> Result<Account, HttpResponse> {
    // No peer address (not a TCP connection): one key for all such requests.
    let client = request
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |peer| peer.ip());
    let permit = logins
        .admit(client, &form.username)
        .await
        .map_err(|refusal| refused(&refusal))?;
    match db
        .verify_password(permit, &form.username, &form.password)
        .await
    {
        Ok(Some(account)) => Ok(account),
        Ok(None) => Err(unauthorized()),
        Err(err) => Err(server_error("verify_password", &err)),
    }
}

/// The request's User-Agent, the label of the session it signs in.
fn user_agent(request: &HttpRequest) -> Option<&[u8]> {
    request
        .headers()
        .get(header::USER_AGENT)
        .map(header::HeaderValue::as_bytes)
}

fn refused(refusal: &Refusal) -> HttpResponse {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header((header::RETRY_AFTER, refusal.retry_after_secs()))
        .body(refusal.page())
}

/// A `303 See Other` to `location`; one session helper may follow (see `SessionResponseExt`).
fn see_other(location: &'static str) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::SeeOther();
    builder.insert_header((header::LOCATION, location));
    builder
}

/// Logs the store error with its cause and answers a bare 500.
fn server_error(what: &str, err: &dyn std::error::Error) -> HttpResponse {
    log_failure(what, err);
    HttpResponse::InternalServerError().finish()
}

/// The ERROR line of a 500: what failed, and the error with its cause.
fn log_failure(what: &str, err: &dyn std::error::Error) {
    tracing::error!(operation = %what, error = %describe(err), "request failed");
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::COOKIE;
    use actix_web::test::{TestRequest, call_service, init_service};
    use example_common::{Database, LoginLimits, SessionConfig};

    /// Without a `Sessions` configuration (a wiring mistake), logout and login are a 500,
    /// never a silent "no token" that would skip deleting the session on the server.
    #[test]
    fn missing_configuration_is_a_500_not_a_skipped_delete() {
        actix_web::rt::System::new().block_on(async {
            let dir =
                std::env::temp_dir().join(format!("example-actix-unwired-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let database = Database::Sqlite(dir.join("site.db"));
            let db = SiteDb::open(&database, SessionConfig::default())
                .await
                .unwrap();
            let logins = LoginGate::new(LoginLimits::default()).unwrap();
            let app = init_service(
                App::new()
                    .app_data(web::Data::new(db))
                    .app_data(web::Data::new(logins))
                    .configure(routes),
            )
            .await;
            let token = session_actix::Token::<32>::generate().unwrap();
            let cookie = format!("__Host-id={}", token.encode().as_str());
            for (path, body) in [("/logout", ""), ("/login", "username=demo&password=demo")] {
                let request = TestRequest::post()
                    .uri(path)
                    .insert_header((COOKIE, cookie.as_str()))
                    .insert_header(ContentType::form_url_encoded())
                    .set_payload(body)
                    .to_request();
                let res = call_service(&app, request).await;
                assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            }
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}
