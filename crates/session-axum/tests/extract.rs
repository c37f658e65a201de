//! `User`, `Option<User>` and `SessionToken`: statuses, bodies, loader calls and caching.

#[path = "support/common.rs"]
mod support;

use std::error::Error as _;

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use session_axum::{RejectionReason, SessionRejection, SessionToken, Sessions, User};
use support::*;

async fn hello(user: User<Me>) -> String {
    format!("hello {}", user.name)
}

async fn maybe(user: Option<User<Me>>) -> String {
    match user {
        Some(User(me)) => format!("some {}", me.name),
        None => "none".to_owned(),
    }
}

async fn many(a: User<Me>, b: Option<User<Me>>, c: User<Me>, _t: SessionToken<Me>) -> String {
    let b = b
        .map(User::into_inner)
        .map(|me| me.name)
        .unwrap_or_default();
    format!("{} {} {}", a.name, b, c.name)
}

async fn token(token: SessionToken<Me>) -> String {
    token.encode().as_str().to_owned()
}

async fn maybe_token(token: Option<SessionToken<Me>>) -> &'static str {
    if token.is_some() { "token" } else { "no token" }
}

async fn public() -> &'static str {
    "public"
}

async fn both_results(
    a: Result<User<Me>, SessionRejection>,
    b: Result<User<Me>, SessionRejection>,
) -> String {
    let a = a.err().map(|r| r.reason());
    let b = b.err().map(|r| r.reason());
    format!("{a:?} {b:?}")
}

fn app(sessions: Sessions<Me>) -> Router {
    Router::new()
        .route("/hello", get(hello))
        .route("/maybe", get(maybe))
        .route("/many", get(many))
        .route("/token", get(token))
        .route("/maybe-token", get(maybe_token))
        .route("/public", get(public))
        .route("/both", get(both_results))
        .with_state(sessions)
}

#[tokio::test]
async fn user_with_session_is_extracted() {
    let store = Store::new();
    let token = store.login("ada");
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/hello", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "hello ada");
    assert_eq!(store.calls(), 1);
    assert!(
        answer.set_cookies().is_empty(),
        "extracting never writes a cookie"
    );
}

#[tokio::test]
async fn no_cookie_is_401_without_calling_the_loader() {
    let store = Store::new();
    let answer = send(&app(sessions(&store)), request("/hello")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.body, "no valid session");
    assert_eq!(store.calls(), 0);
}

#[tokio::test]
async fn malformed_cookies_are_401_without_calling_the_loader() {
    let store = Store::new();
    let app = app(sessions(&store));
    for bad in [
        "__Host-id=",
        "__Host-id=short",
        "__Host-id=\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\"",
        "__Host-id=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        "__host-id=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
        "id=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
        "junk",
        ";;;",
    ] {
        let answer = send(&app, request_with_cookie("/hello", bad)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{bad}");
    }
    assert_eq!(store.calls(), 0);
}

#[tokio::test]
async fn ambiguous_cookie_is_401_without_calling_the_loader() {
    let store = Store::new();
    let (a, b) = (store.login("ada"), store.login("bob"));
    let header = format!("{}; {}", cookie(&a), cookie(&b));
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/hello", &header),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(store.calls(), 0);
}

#[tokio::test]
async fn unknown_token_is_401() {
    let store = Store::new();
    let unknown = session_axum::Token::generate().unwrap();
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/hello", &cookie(&unknown)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.body, "no valid session");
    assert_eq!(store.calls(), 1);
}

#[tokio::test]
async fn expired_session_is_401() {
    let store = Store::new();
    let token = store.login("ada");
    store.remove(&token); // expired or revoked: the loader answers Ok(None)
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/hello", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn loader_error_is_500() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/hello", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.body, "the session could not be loaded");
}

#[tokio::test]
async fn optional_user() {
    let store = Store::new();
    let app = app(sessions(&store));
    let token = store.login("ada");
    let unknown = session_axum::Token::generate().unwrap();

    let answer = send(&app, request("/maybe")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "none")
    );
    assert_eq!(store.calls(), 0);

    let answer = send(&app, request_with_cookie("/maybe", "__Host-id=garbage")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "none")
    );
    assert_eq!(store.calls(), 0);

    let answer = send(&app, request_with_cookie("/maybe", &cookie(&unknown))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "none")
    );

    let answer = send(&app, request_with_cookie("/maybe", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "some ada")
    );
}

#[tokio::test]
async fn optional_user_still_rejects_a_loader_failure() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/maybe", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn loader_runs_once_for_several_extractors() {
    let store = Store::new();
    let token = store.login("ada");
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/many", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "ada ada ada");
    assert_eq!(store.calls(), 1);
}

#[tokio::test]
async fn a_failure_is_cached_too() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/both", &cookie(&token)),
    )
    .await;
    assert_eq!(answer.body, "Some(LoaderFailed) Some(LoaderFailed)");
    assert_eq!(store.calls(), 1);
}

#[tokio::test]
async fn each_request_loads_afresh() {
    let store = Store::new();
    let app = app(sessions(&store));
    let token = store.login("ada");
    for _ in 0..3 {
        send(&app, request_with_cookie("/hello", &cookie(&token))).await;
    }
    assert_eq!(store.calls(), 3);
    store.remove(&token);
    let answer = send(&app, request_with_cookie("/hello", &cookie(&token))).await;
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "nothing outlives the request"
    );
}

#[tokio::test]
async fn routes_without_extractors_read_nothing() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let answer = send(
        &app(sessions(&store)),
        request_with_cookie("/public", &cookie(&token)),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "public")
    );
    assert_eq!(store.calls(), 0);
}

#[tokio::test]
async fn session_token_extractor() {
    let store = Store::new();
    let app = app(sessions(&store));
    let token = store.login("ada");
    let unknown = session_axum::Token::generate().unwrap();

    let answer = send(&app, request_with_cookie("/token", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, token.encode().as_str());

    // Well-formed but unknown: still a token (logout must work for dead sessions).
    let answer = send(&app, request_with_cookie("/token", &cookie(&unknown))).await;
    assert_eq!(answer.status, StatusCode::OK);

    let answer = send(&app, request("/token")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.body, "no valid session");

    let answer = send(&app, request("/maybe-token")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "no token")
    );
    let answer = send(&app, request_with_cookie("/maybe-token", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "token")
    );

    assert_eq!(
        store.calls(),
        0,
        "the token extractor never calls the loader"
    );
}

#[tokio::test]
async fn rejection_accessors() {
    let store = Store::new();
    let sessions = sessions(&store);
    let token = store.login("ada");

    let (mut parts, ()) = request("/").map(|_| ()).into_parts();
    let user = sessions.user(&mut parts).await.unwrap();
    assert_eq!(user, None);

    store.fail(true);
    let (mut parts, ()) = request_with_cookie("/", &cookie(&token))
        .map(|_| ())
        .into_parts();
    let rejection = sessions.user(&mut parts).await.unwrap_err();
    assert_eq!(rejection.reason(), RejectionReason::LoaderFailed);
    assert_eq!(rejection.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(rejection.to_string(), "the session could not be loaded");
    let source = rejection.source().expect("the loader's error");
    assert!(source.downcast_ref::<StoreError>().is_some());
    assert!(source.to_string().contains(STORE_SECRET));

    assert_eq!(
        RejectionReason::NoSession.status_code(),
        StatusCode::UNAUTHORIZED.as_u16()
    );
}

#[tokio::test]
async fn two_configurations_do_not_share_a_cache_entry() {
    let store = Store::new();
    let token = store.login("ada");
    let host = sessions(&store);
    let other = Sessions::new(
        session_axum::CookieProxy::insecure_for_local_development(),
        store.loader(),
    );
    let (mut parts, ()) = request_with_cookie("/", &cookie(&token))
        .map(|_| ())
        .into_parts();
    assert_eq!(
        host.user(&mut parts).await.unwrap().map(|me| me.name),
        Some("ada".into())
    );
    assert_eq!(
        other.user(&mut parts).await.unwrap(),
        None,
        "`id` cookie absent"
    );
    assert_eq!(
        host.user(&mut parts).await.unwrap().map(|me| me.name),
        Some("ada".into())
    );
    // `other` found no cookie, so it stored nothing and `host`'s entry is still there (as in
    // session-actix; before, `other` cached its `None` over it and `host` loaded twice).
    assert_eq!(store.calls(), 1);
}

#[test]
fn public_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Sessions<Me>>();
    assert_send_sync::<User<Me>>();
    assert_send_sync::<SessionToken<Me>>();
    assert_send_sync::<SessionRejection>();
    assert_send_sync::<session_axum::StartSession>();
    assert_send_sync::<session_axum::RefreshSession>();
    assert_send_sync::<session_axum::EndSession>();
    assert_send_sync::<session_axum::RequireUserLayer<Me>>();
}
