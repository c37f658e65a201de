//! Security properties (after actix-session's `tests/opaque_errors.rs`): error bodies are
//! static, never the token, the cookie or the loader's error text; `Display` and `Debug`
//! (which actix-web writes into bodies and logs) are static too; hostile input is a 401,
//! never a panic.

#[path = "support/common.rs"]
mod support;

use std::error::Error as _;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, web};
use session_actix::{MaybeUser, SessionRejection, SessionToken, User};
use support::*;

macro_rules! app {
    ($sessions:expr) => {
        init_service(
            App::new()
                .app_data($sessions)
                .route(
                    "/hello",
                    web::get().to(|User(me): User<Me>| async move { me.name }),
                )
                .route(
                    "/maybe",
                    web::get().to(|u: MaybeUser<Me>| async move {
                        u.into_inner().map(|u| u.name).unwrap_or_default()
                    }),
                )
                .route(
                    "/token",
                    web::get().to(|_: SessionToken<Me>| async { "token" }),
                ),
        )
        .await
    };
}

fn assert_no_echo(answer: &Answer, secrets: &[&str]) {
    for secret in secrets {
        assert!(!answer.body.contains(secret), "body echoes {secret:?}");
        for (name, value) in &answer.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            assert!(!value.contains(secret), "header {name} echoes {secret:?}");
        }
    }
}

#[actix_web::test]
async fn rejection_body_does_not_echo_cookie() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let unknown = session_actix::Token::<32>::generate().unwrap();
    let unknown = unknown.encode();
    let cases = [
        format!("__Host-id={}", unknown.as_str()),
        format!("__Host-id={}xyz", unknown.as_str()),
        "__Host-id=<script>alert(1)</script>".to_owned(),
        format!("__Host-id={0}; __Host-id={0}A", unknown.as_str()),
    ];
    for cookie in &cases {
        for path in ["/hello", "/token"] {
            let answer = send(&app, request_with_cookie(path, cookie)).await;
            if answer.status == StatusCode::OK {
                continue; // a well-formed unknown token is a token for `/token`
            }
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path} {cookie}");
            assert_eq!(answer.body, "no valid session");
            let value = cookie.split_once('=').map(|(_, v)| v).unwrap();
            assert_no_echo(&answer, &[value, unknown.as_str(), "script"]);
        }
    }
}

#[actix_web::test]
async fn loader_failure_body_does_not_echo_token_or_error() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let token = store.login("ada");
    store.fail(true);
    for path in ["/hello", "/maybe"] {
        let answer = send(&app, request_with_cookie(path, &cookie(&token))).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(answer.body, "the session could not be loaded");
        assert_no_echo(&answer, &[token.encode().as_str(), STORE_SECRET, "hunter2"]);
    }
}

#[actix_web::test]
async fn display_and_debug_of_a_rejection_are_static() {
    let store = Store::new();
    let sessions = sessions(&store);
    let token = store.login("ada");
    store.fail(true);
    let req = request_with_cookie("/", &cookie(&token)).to_http_request();
    let rejection: SessionRejection = sessions.user(&req).await.unwrap_err();
    let encoded = token.encode();
    for text in [
        rejection.to_string(),
        format!("{rejection:?}"),
        format!("{rejection:#?}"),
        // What actix-web logs and keeps for an extractor error:
        format!("{:?}", actix_web::Error::from(rejection.clone())),
        actix_web::Error::from(rejection.clone()).to_string(),
    ] {
        assert!(!text.contains(encoded.as_str()), "{text}");
        assert!(!text.contains(STORE_SECRET), "{text}");
    }
    // The cause is there for the application's own logging, deliberately.
    assert!(
        rejection
            .source()
            .unwrap()
            .to_string()
            .contains(STORE_SECRET)
    );
}

#[actix_web::test]
async fn debug_does_not_leak_token() {
    let store = Store::new();
    let sessions = sessions(&store);
    let token = store.login("ada");
    let encoded = token.encode();
    let req = request_with_cookie("/", &cookie(&token)).to_http_request();
    let extracted = sessions.token(&req).unwrap();
    for text in [
        format!("{sessions:?}"),
        format!("{extracted:?}"),
        format!("{:?}", sessions.refresh(&token)),
    ] {
        assert!(!text.contains(encoded.as_str()), "{text}");
    }
}

#[actix_web::test]
async fn hostile_headers_are_401_never_a_panic() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let huge = format!("__Host-id={}", "A".repeat(100_000));
    let many = "a=b; ".repeat(5_000);
    let values: Vec<Vec<u8>> = vec![
        huge.into_bytes(),
        many.into_bytes(),
        b"\xff\xfe\xfd".to_vec(),
        b"__Host-id=\xff\xfe".to_vec(),
        b"=; =; =".to_vec(),
    ];
    for value in values {
        let request = TestRequest::get()
            .uri("/hello")
            .append_header((header::COOKIE, HeaderValue::from_bytes(&value).unwrap()));
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(store.calls(), 0);
}

#[actix_web::test]
async fn only_the_cookie_header_is_a_source() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let token = store.login("ada");
    let encoded = token.encode();
    let pair = cookie(&token);
    for request in [
        TestRequest::get().uri(&format!("/hello?__Host-id={}", encoded.as_str())),
        TestRequest::get()
            .uri("/hello")
            .append_header(("x-session", encoded.as_str())),
        TestRequest::get().uri("/hello").append_header((
            header::AUTHORIZATION,
            format!("Bearer {}", encoded.as_str()),
        )),
        TestRequest::get()
            .uri("/hello")
            .append_header((header::SET_COOKIE, pair.as_str())),
    ] {
        assert_eq!(send(&app, request).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(store.calls(), 0);
}
