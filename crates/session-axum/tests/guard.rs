//! `RequireUserLayer` as a `route_layer`: 401 for a group, loader once, 404 untouched.

#[path = "support/common.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use session_axum::{RequireUserLayer, Sessions, User};
use support::*;

fn app(sessions: &Sessions<Me>, handled: &Arc<AtomicUsize>) -> Router {
    let counter = Arc::clone(handled);
    let private = Router::new()
        .route(
            "/account",
            get(|a: User<Me>, b: Option<User<Me>>| async move {
                format!("{} {}", a.name, b.map(|b| b.0.name).unwrap_or_default())
            }),
        )
        .route(
            "/count",
            get(move || async move {
                counter.fetch_add(1, Ordering::SeqCst);
                "counted"
            }),
        )
        .route_layer(sessions.require_user());
    Router::new()
        .route("/", get(|| async { "public" }))
        .merge(private)
        .with_state(sessions.clone())
}

#[tokio::test]
async fn guard_rejects_without_a_user() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app(&sessions(&store), &handled);
    let unknown = session_axum::Token::generate().unwrap();
    for request in [
        request("/count"),
        request_with_cookie("/count", "__Host-id=nope"),
        request_with_cookie("/count", &cookie(&unknown)),
    ] {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.body, "no valid session");
    }
    assert_eq!(handled.load(Ordering::SeqCst), 0, "the handler never ran");
    assert_eq!(
        store.calls(),
        1,
        "only the well-formed token reached the loader"
    );
}

#[tokio::test]
async fn guard_passes_a_user_and_the_handlers_hit_the_cache() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app(&sessions(&store), &handled);
    let token = store.login("ada");
    let answer = send(&app, request_with_cookie("/account", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "ada ada")
    );
    assert_eq!(store.calls(), 1);

    let answer = send(&app, request_with_cookie("/count", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn guard_answers_500_when_the_loader_fails() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app(&sessions(&store), &handled);
    let token = store.login("ada");
    store.fail(true);
    let answer = send(&app, request_with_cookie("/count", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!answer.body.contains(STORE_SECRET));
    assert_eq!(handled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn guard_leaves_other_routes_alone() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app(&sessions(&store), &handled);
    let answer = send(&app, request("/")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "public")
    );
    let answer = send(&app, request("/missing")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(store.calls(), 0);
}

#[tokio::test]
async fn layer_made_by_hand_works_as_well() {
    let store = Store::new();
    let token = store.login("ada");
    let app: Router = Router::new()
        .route("/", get(|| async { "ok" }))
        .route_layer(RequireUserLayer::new(sessions(&store)));
    assert_eq!(
        send(&app, request("/")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let answer = send(&app, request_with_cookie("/", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
}
