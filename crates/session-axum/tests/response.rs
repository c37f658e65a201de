//! `StartSession`, `RefreshSession`, `EndSession`: the Set-Cookie a response ends up with.

#[path = "support/common.rs"]
mod support;

use axum::Router;
use axum::extract::State;
use axum::response::AppendHeaders;
use axum::routing::get;
use axum_core::response::IntoResponse;
use http::{HeaderValue, StatusCode, header};
use session_axum::session_cookie::adapter::Rejection;
use session_axum::{
    EndSession, RefreshSession, RejectionReason, SessionRejection, SessionToken, Sessions,
    StartSession, User,
};
use support::*;

type St = State<Sessions<Me>>;

async fn login(State(sessions): St) -> Result<(StartSession, String), SessionRejection> {
    let (token, start) = sessions.start()?;
    Ok((start, token.encode().as_str().to_owned()))
}

async fn refresh(State(sessions): St, _: User<Me>, token: SessionToken<Me>) -> RefreshSession {
    sessions.refresh(&token)
}

async fn logout(State(sessions): St) -> EndSession {
    sessions.end()
}

async fn end_then_start(
    State(sessions): St,
) -> Result<(EndSession, StartSession, String), SessionRejection> {
    let (token, start) = sessions.start()?;
    Ok((sessions.end(), start, token.encode().as_str().to_owned()))
}

async fn start_then_end(
    State(sessions): St,
) -> Result<(StartSession, EndSession, ()), SessionRejection> {
    let (_token, start) = sessions.start()?;
    Ok((start, sessions.end(), ()))
}

async fn with_other_cookie(State(sessions): St) -> impl IntoResponse {
    // `AppendHeaders`: a plain header array *inserts*, replacing every Set-Cookie.
    (
        AppendHeaders([(header::SET_COOKIE, "theme=dark; Path=/")]),
        sessions.end(),
        (),
    )
}

/// The handler's `Cache-Control` is set first, then the session part applies.
async fn cache_control_then_start(
    State(sessions): St,
) -> Result<impl IntoResponse, SessionRejection> {
    let (_token, start) = sessions.start()?;
    Ok(([(header::CACHE_CONTROL, "private, no-store")], start, ()))
}

/// The session part applies first (it is the response), then the handler's `Cache-Control`.
async fn end_then_cache_control(
    State(sessions): St,
) -> ([(header::HeaderName, &'static str); 1], EndSession) {
    (
        [(header::CACHE_CONTROL, "private, no-store")],
        sessions.end(),
    )
}

fn app(sessions: Sessions<Me>) -> Router {
    Router::new()
        .route("/login", get(login))
        .route("/refresh", get(refresh))
        .route("/logout", get(logout))
        .route("/end-then-start", get(end_then_start))
        .route("/start-then-end", get(start_then_end))
        .route("/other-cookie", get(with_other_cookie))
        .route("/cache-control-then-start", get(cache_control_then_start))
        .route("/end-then-cache-control", get(end_then_cache_control))
        .with_state(sessions)
}

const REMOVAL: &str = "__Host-id=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; \
                       Secure; HttpOnly; SameSite=Lax";

#[tokio::test]
async fn start_sets_the_returned_token() {
    let store = Store::new();
    let answer = send(&app(sessions(&store)), request("/login")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let set_cookies = answer.set_cookies();
    assert_eq!(
        set_cookies,
        [format!(
            "__Host-id={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            answer.body
        )]
    );
    assert!(answer.headers[header::SET_COOKIE].is_sensitive());
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_started_session_is_recognised() {
    let store = Store::new();
    let sessions = sessions(&store);
    let app = Router::new()
        .route("/hello", get(|User(me): User<Me>| async move { me.name }))
        .with_state(sessions.clone());
    let (token, start) = sessions.start().unwrap();
    store.insert(&token, "ada");
    let response = start.into_response();
    let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    let pair = set_cookie.split(';').next().unwrap();
    let answer = send(&app, request_with_cookie("/hello", pair)).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "ada")
    );
}

#[tokio::test]
async fn refresh_reissues_the_same_token() {
    let store = Store::new();
    let token = store.login("ada");
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/refresh", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.set_cookies(),
        [format!(
            "{}; Path=/; Secure; HttpOnly; SameSite=Lax",
            cookie(&token)
        )]
    );
}

#[tokio::test]
async fn end_removes_the_cookie() {
    let store = Store::new();
    let answer = send(&app(sessions(&store)), request("/logout")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.set_cookies(), [REMOVAL]);
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn end_then_start_carries_one_set_cookie() {
    let store = Store::new();
    let answer = send(&app(sessions(&store)), request("/end-then-start")).await;
    let set_cookies = answer.session_set_cookies();
    assert_eq!(set_cookies.len(), 1, "{set_cookies:?}");
    assert!(set_cookies[0].starts_with(&format!("__Host-id={};", answer.body)));
    assert_eq!(answer.set_cookies().len(), 1);
}

#[tokio::test]
async fn start_then_end_carries_only_the_removal() {
    let store = Store::new();
    let answer = send(&app(sessions(&store)), request("/start-then-end")).await;
    assert_eq!(answer.set_cookies(), [REMOVAL]);
}

#[tokio::test]
async fn other_cookies_are_kept() {
    let store = Store::new();
    let answer = send(&app(sessions(&store)), request("/other-cookie")).await;
    assert_eq!(answer.set_cookies(), ["theme=dark; Path=/", REMOVAL]);
}

#[tokio::test]
async fn a_no_store_cache_control_of_the_handler_is_kept() {
    let store = Store::new();
    let app = app(sessions(&store));
    for path in ["/cache-control-then-start", "/end-then-cache-control"] {
        let answer = send(&app, request(path)).await;
        let values: Vec<_> = answer
            .headers
            .get_all(header::CACHE_CONTROL)
            .iter()
            .collect();
        assert_eq!(values, ["private, no-store"], "{path}");
        assert_eq!(
            answer.headers.get_all(header::SET_COOKIE).iter().count(),
            1,
            "{path}"
        );
    }
}

#[test]
fn parts_are_responses_on_their_own() {
    let store = Store::new();
    let sessions = sessions(&store);
    let response = sessions.end().into_response();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::SET_COOKIE], REMOVAL);

    let token = store.login("ada");
    let response = sessions.refresh(&token).into_response();
    let value: &HeaderValue = &response.headers()[header::SET_COOKIE];
    assert!(value.is_sensitive());
    assert!(value.to_str().unwrap().starts_with(&cookie(&token)));
}

#[test]
fn start_error_is_a_static_500() {
    use std::error::Error as _;
    let cause = session_axum::session_cookie::GenerateError::from(getrandom::Error::UNSUPPORTED);
    let err = SessionRejection::from(Rejection::start_failed(cause));
    assert_eq!(err.reason(), RejectionReason::StartFailed);
    assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(err.to_string(), "the session could not be started");
    assert!(err.source().is_some());
    let response = err.into_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
}
