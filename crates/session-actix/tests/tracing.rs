//! The `tracing` feature: a failed loader is logged once per request with its error chain,
//! a rejection at DEBUG, and nothing secret ever (session-conformance's `check_failure_log`).
#![cfg(feature = "tracing")]

use actix_web::http::{StatusCode, header};
use actix_web::test::{TestRequest, call_service, init_service};
use actix_web::{App, HttpResponse, web};
use session_actix::{
    CookieProxy, SessionRejection, SessionResponseExt as _, Sessions, Token, User,
};
use session_conformance::{capture, check_failure_log, failing_loader};

async fn two_users(a: Result<User<String>, SessionRejection>, b: User<String>) -> &'static str {
    let _ = (a, b);
    "unreachable"
}

async fn login(sessions: Sessions<String>) -> Result<HttpResponse, SessionRejection> {
    Ok(HttpResponse::Ok()
        .finish()
        .start_session(sessions.start()?.1))
}

#[actix_web::test]
async fn a_failed_loader_is_logged_once_with_its_chain_and_nothing_secret() {
    let (captured, _guard) = capture();
    let app = init_service(
        App::new()
            .app_data(Sessions::new(CookieProxy::default(), failing_loader))
            .route("/two", web::get().to(two_users))
            .route("/login", web::get().to(login)),
    )
    .await;
    let token = Token::from_bytes([9; 32]).encode();
    let request = TestRequest::get()
        .uri("/two")
        .insert_header((header::COOKIE, format!("__Host-id={}", token.as_str())))
        .to_request();
    let response = call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let login = call_service(&app, TestRequest::get().uri("/login").to_request()).await;
    let set_cookie = login.headers().get(header::SET_COOKIE).unwrap();
    check_failure_log(
        &captured.text(),
        token.as_str(),
        set_cookie.to_str().unwrap(),
    );
}
