//! The `tracing` feature: a failed loader is logged once per request with its error chain,
//! a rejection at DEBUG, and nothing secret ever (session-conformance's `check_failure_log`).
#![cfg(feature = "tracing")]

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::routing::get;
use http::{Request, StatusCode, header};
use session_axum::{CookieProxy, SessionRejection, Sessions, StartSession, Token, User};
use session_conformance::{capture, check_failure_log, failing_loader};
use tower::ServiceExt as _;

async fn two_users(a: Result<User<String>, SessionRejection>, b: User<String>) -> &'static str {
    let _ = (a, b);
    "unreachable"
}

async fn login(State(sessions): State<Sessions<String>>) -> Result<StartSession, SessionRejection> {
    Ok(sessions.start()?.1)
}

#[tokio::test]
async fn a_failed_loader_is_logged_once_with_its_chain_and_nothing_secret() {
    let (captured, _guard) = capture();
    let app = Router::new()
        .route("/two", get(two_users))
        .route("/login", get(login))
        .with_state(Sessions::new(CookieProxy::default(), failing_loader));
    let token = Token::from_bytes([9; 32]).encode();
    let request = Request::get("/two")
        .header(header::COOKIE, format!("__Host-id={}", token.as_str()))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let login = Request::get("/login").body(Body::empty()).unwrap();
    let login = app.oneshot(login).await.unwrap();
    let set_cookie = login.headers()[header::SET_COOKIE].to_str().unwrap();
    check_failure_log(&captured.text(), token.as_str(), set_cookie);
}
