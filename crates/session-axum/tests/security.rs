//! Security properties: nothing secret in bodies, headers or `Debug`; hostile input is 401,
//! never a panic; only the Cookie header is a source.

#[path = "support/common.rs"]
mod support;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{HeaderValue, Request, StatusCode, header};
use session_axum::{SessionRejection, SessionToken, Sessions, User};
use support::*;

fn app(sessions: Sessions<Me>) -> Router {
    Router::new()
        .route("/hello", get(|User(me): User<Me>| async move { me.name }))
        .route(
            "/maybe",
            get(|u: Option<User<Me>>| async move { u.map(|u| u.0.name).unwrap_or_default() }),
        )
        .route("/token", get(|_: SessionToken<Me>| async { "token" }))
        .with_state(sessions)
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

#[tokio::test]
async fn rejection_body_does_not_echo_cookie() {
    let store = Store::new();
    let app = app(sessions(&store));
    let unknown = session_axum::Token::<32>::generate().unwrap();
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

#[tokio::test]
async fn loader_failure_body_does_not_echo_token_or_error() {
    let store = Store::new();
    let app = app(sessions(&store));
    let token = store.login("ada");
    store.fail(true);
    for path in ["/hello", "/maybe"] {
        let answer = send(&app, request_with_cookie(path, &cookie(&token))).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(answer.body, "the session could not be loaded");
        assert_no_echo(&answer, &[token.encode().as_str(), STORE_SECRET, "hunter2"]);
    }
}

#[tokio::test]
async fn debug_does_not_leak_token() {
    let store = Store::new();
    let sessions = sessions(&store);
    let token = store.login("ada");
    let encoded = token.encode();
    let encoded = encoded.as_str();

    let (started, start) = sessions.start().unwrap();
    let started_encoded = started.encode();
    let refresh = sessions.refresh(&token);
    let end = sessions.end();

    // The token extractor, through the plain function and the extractor.
    let (mut parts, ()) = request_with_cookie("/", &cookie(&token))
        .map(|_| ())
        .into_parts();
    let extracted =
        <SessionToken<Me> as axum::extract::FromRequestParts<Sessions<Me>>>::from_request_parts(
            &mut parts, &sessions,
        )
        .await
        .unwrap();

    // A rejection whose loader error names the token.
    store.fail(true);
    let (mut parts, ()) = request_with_cookie("/", &cookie(&token))
        .map(|_| ())
        .into_parts();
    let rejection: SessionRejection = sessions.user(&mut parts).await.unwrap_err();

    let debugs = [
        format!("{extracted:?} {extracted:#?}"),
        format!("{start:?} {start:#?}"),
        format!("{refresh:?} {refresh:#?}"),
        format!("{end:?}"),
        format!("{sessions:?} {:?}", sessions.require_user()),
        format!("{rejection:?} {rejection:#?}"),
    ];
    for debug in &debugs {
        assert!(!debug.contains(encoded), "{debug}");
        assert!(!debug.contains(started_encoded.as_str()), "{debug}");
        assert!(!debug.contains(STORE_SECRET), "{debug}");
    }
    assert_eq!(format!("{extracted:?}"), "SessionToken(..)");
    assert_eq!(
        format!("{start:?}"),
        r#"StartSession(PendingCookie { name: "__Host-id" })"#
    );
}

#[tokio::test]
async fn set_cookie_values_are_sensitive() {
    let store = Store::new();
    let sessions = sessions(&store);
    let (_token, start) = sessions.start().unwrap();
    let response = axum_core::response::IntoResponse::into_response(start);
    let value = &response.headers()[header::SET_COOKIE];
    assert!(value.is_sensitive());
    assert_eq!(format!("{value:?}"), "Sensitive");
}

#[tokio::test]
async fn hostile_cookie_headers_are_401_not_panics() {
    let store = Store::new();
    let app = app(sessions(&store));
    let token = store.login("ada");
    let huge = format!("a={}; {}", "x".repeat(200_000), cookie(&token));
    let many = "k=v; ".repeat(5_000) + &cookie(&token);
    let values: Vec<HeaderValue> = vec![
        HeaderValue::from_bytes(b"__Host-id=\xff\xfe\xfd").unwrap(),
        HeaderValue::from_bytes(b"\t\x80=\x81; __Host-id=\t\xc0\xaf").unwrap(),
        HeaderValue::from_str(&huge).unwrap(),
        HeaderValue::from_str(&many).unwrap(),
        HeaderValue::from_static("=; ; =; __Host-id"),
        HeaderValue::from_static(""),
    ];
    for value in values {
        for path in ["/hello", "/maybe", "/token"] {
            let request = Request::get(path)
                .header(header::COOKIE, value.clone())
                .body(Body::empty())
                .unwrap();
            let answer = send(&app, request).await;
            assert!(
                matches!(answer.status, StatusCode::OK | StatusCode::UNAUTHORIZED),
                "{path}: {}",
                answer.status
            );
        }
    }
    // Past the limits there is no session, even with a valid token at the end.
    let request = Request::get("/hello")
        .header(header::COOKIE, huge)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_the_cookie_header_is_a_source() {
    let store = Store::new();
    let app = app(sessions(&store));
    let token = store.login("ada");
    let encoded = token.encode();
    let requests = [
        Request::get(format!("/hello?__Host-id={}", encoded.as_str())),
        Request::get("/hello").header(
            header::AUTHORIZATION,
            format!("Bearer {}", encoded.as_str()),
        ),
        Request::get("/hello").header("x-session", encoded.as_str()),
        Request::get("/hello").header(header::SET_COOKIE, cookie(&token)),
    ];
    for request in requests {
        let answer = send(&app, request.body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(store.calls(), 0);
}
