//! `StartSession`, `RefreshSession`, `EndSession`: the Set-Cookie a response ends up with,
//! on an `HttpResponse`, through `apply_to` and through `SessionResponseExt`.

#[path = "support/common.rs"]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, HttpResponse, Responder as _, ResponseError as _, web};
use session_actix::session_cookie::adapter::Rejection;
use session_actix::{
    RejectionReason, SessionRejection, SessionResponseExt as _, SessionToken, Sessions, User,
};
use support::*;

async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    let (token, start) = sessions.start()?;
    Ok(HttpResponse::Ok()
        .body(token.encode().as_str().to_owned())
        .start_session(start))
}

async fn refresh(sessions: Sessions<Me>, _: User<Me>, token: SessionToken<Me>) -> HttpResponse {
    HttpResponse::Ok()
        .finish()
        .refresh_session(sessions.refresh(&token))
}

async fn logout(sessions: Sessions<Me>) -> HttpResponse {
    HttpResponse::Ok().finish().end_session(sessions.end())
}

async fn end_then_start(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    let (token, start) = sessions.start()?;
    let mut res = HttpResponse::Ok().body(token.encode().as_str().to_owned());
    sessions.end().apply_to(&mut res);
    start.apply_to(&mut res);
    Ok(res)
}

async fn start_then_end(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    let (_token, start) = sessions.start()?;
    let mut res = HttpResponse::Ok().finish();
    start.apply_to(&mut res);
    sessions.end().apply_to(&mut res);
    Ok(res)
}

async fn with_other_cookies(sessions: Sessions<Me>) -> HttpResponse {
    let mut res = HttpResponse::Ok()
        .append_header((header::SET_COOKIE, "theme=dark; Path=/"))
        .append_header((header::SET_COOKIE, "__Host-id=stale; Path=/"))
        .append_header((header::SET_COOKIE, "lang=en; Path=/"))
        .finish();
    sessions.end().apply_to(&mut res);
    res
}

async fn own_cache_control(sessions: Sessions<Me>) -> HttpResponse {
    let mut res = HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .finish();
    sessions.end().apply_to(&mut res);
    res
}

/// The handler sets its own `Cache-Control` first, then starts a session: still one
/// `Cache-Control` (an append would send two), and the app's is kept.
async fn cache_control_then_start(
    sessions: Sessions<Me>,
) -> Result<HttpResponse, SessionRejection> {
    let (_token, start) = sessions.start()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .append_header((header::SET_COOKIE, "__Host-id=stale; Path=/"))
        .finish()
        .start_session(start))
}

macro_rules! app {
    ($sessions:expr) => {
        init_service(
            App::new()
                .app_data($sessions)
                .route("/login", web::get().to(login))
                .route("/refresh", web::get().to(refresh))
                .route("/logout", web::get().to(logout))
                .route("/end-then-start", web::get().to(end_then_start))
                .route("/start-then-end", web::get().to(start_then_end))
                .route("/other-cookies", web::get().to(with_other_cookies))
                .route("/own-cache-control", web::get().to(own_cache_control))
                .route(
                    "/cache-control-then-start",
                    web::get().to(cache_control_then_start),
                )
                .route(
                    "/hello",
                    web::get().to(|User(me): User<Me>| async move { me.name }),
                ),
        )
        .await
    };
}

const REMOVAL: &str = "__Host-id=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; \
                       Secure; HttpOnly; SameSite=Lax";

#[actix_web::test]
async fn start_sets_the_returned_token() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/login")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.set_cookies(),
        [format!(
            "__Host-id={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            answer.body
        )]
    );
    assert!(
        answer
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .is_sensitive()
    );
    assert_eq!(
        answer.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
}

#[actix_web::test]
async fn a_started_session_is_recognised() {
    let store = Store::new();
    let sessions = sessions(&store);
    let app = app!(sessions.clone());
    let (token, start) = sessions.start().unwrap();
    store.insert(&token, "ada");
    let mut res = HttpResponse::Ok().finish();
    start.apply_to(&mut res);
    let set_cookie = res.headers().get(header::SET_COOKIE).unwrap().to_str();
    let pair = set_cookie.unwrap().split(';').next().unwrap().to_owned();
    let answer = send(&app, request_with_cookie("/hello", &pair)).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "ada")
    );
}

#[actix_web::test]
async fn refresh_reissues_the_same_token() {
    let store = Store::new();
    let token = store.login("ada");
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/refresh", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.set_cookies(),
        [format!(
            "{}; Path=/; Secure; HttpOnly; SameSite=Lax",
            cookie(&token)
        )]
    );
}

#[actix_web::test]
async fn end_removes_the_cookie() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/logout")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.set_cookies(), [REMOVAL]);
    assert_eq!(
        answer.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
}

#[actix_web::test]
async fn end_then_start_carries_one_set_cookie() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/end-then-start")).await;
    let set_cookies = answer.session_set_cookies();
    assert_eq!(set_cookies.len(), 1, "{set_cookies:?}");
    assert!(set_cookies[0].starts_with(&format!("__Host-id={};", answer.body)));
    assert_eq!(answer.set_cookies().len(), 1);
    assert_eq!(answer.headers.get_all(header::CACHE_CONTROL).count(), 1);
}

#[actix_web::test]
async fn start_then_end_carries_only_the_removal() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/start-then-end")).await;
    assert_eq!(answer.set_cookies(), [REMOVAL]);
}

#[actix_web::test]
async fn other_cookies_are_kept_in_order() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/other-cookies")).await;
    assert_eq!(
        answer.set_cookies(),
        ["theme=dark; Path=/", "lang=en; Path=/", REMOVAL]
    );
}

#[actix_web::test]
async fn a_no_store_cache_control_of_the_handler_is_kept() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/own-cache-control")).await;
    let values: Vec<_> = answer.headers.get_all(header::CACHE_CONTROL).collect();
    assert_eq!(values, [&HeaderValue::from_static("private, no-store")]);

    let answer = send(&app, request("/cache-control-then-start")).await;
    let values: Vec<_> = answer.headers.get_all(header::CACHE_CONTROL).collect();
    assert_eq!(values, [&HeaderValue::from_static("private, no-store")]);
    let set_cookies = answer.set_cookies();
    assert_eq!(
        set_cookies.len(),
        1,
        "the stale one is dropped: {set_cookies:?}"
    );
    assert!(!set_cookies[0].starts_with("__Host-id=stale"));
}

#[actix_web::test]
async fn helpers_are_responders_on_their_own() {
    let store = Store::new();
    let sessions = sessions(&store);
    let req = TestRequest::default().to_http_request();
    let res = sessions.end().respond_to(&req);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get(header::SET_COOKIE).unwrap(), REMOVAL);

    let token = store.login("ada");
    let res = sessions.refresh(&token).respond_to(&req);
    let value = res.headers().get(header::SET_COOKIE).unwrap();
    assert!(value.is_sensitive());
    assert!(value.to_str().unwrap().starts_with(&cookie(&token)));

    let (token, start) = sessions.start().unwrap();
    let res = start.respond_to(&req);
    let value = res.headers().get(header::SET_COOKIE).unwrap();
    assert!(value.is_sensitive());
    assert!(value.to_str().unwrap().starts_with(&cookie(&token)));
}

#[test]
fn debug_of_helpers_is_redacted() {
    let store = Store::new();
    let sessions = sessions(&store);
    let (token, start) = sessions.start().unwrap();
    let encoded = token.encode();
    for debug in [
        format!("{start:?}"),
        format!("{:?}", sessions.refresh(&token)),
        format!("{:?}", sessions.end()),
    ] {
        assert!(!debug.contains(encoded.as_str()), "{debug}");
    }
    assert_eq!(
        format!("{start:?}"),
        r#"StartSession(PendingCookie { name: "__Host-id" })"#
    );
}

#[test]
fn start_error_is_a_static_500() {
    use std::error::Error as _;
    let cause = session_actix::session_cookie::GenerateError::from(getrandom::Error::UNSUPPORTED);
    let err = SessionRejection::from(Rejection::start_failed(cause));
    assert_eq!(err.reason(), RejectionReason::StartFailed);
    assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(err.to_string(), "the session could not be started");
    assert!(err.source().is_some());
    let response = err.error_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
}
