//! `RequireUser` as a middleware on a scope: 401 for a group, loader once, other routes
//! untouched.

#[path = "support/common.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::test::init_service;
use actix_web::{App, web};
use session_actix::{MaybeUser, RequireUser, User};
use support::*;

macro_rules! app {
    ($sessions:expr, $handled:expr) => {{
        let sessions = $sessions;
        let counter: Arc<AtomicUsize> = Arc::clone($handled);
        init_service(
            App::new()
                .app_data(sessions.clone())
                .route("/", web::get().to(|| async { "public" }))
                .service(
                    web::scope("/private")
                        .wrap(sessions.require_user())
                        .route(
                            "/account",
                            web::get().to(|a: User<Me>, b: MaybeUser<Me>| async move {
                                let b = b.into_inner().map(|b| b.name).unwrap_or_default();
                                format!("{} {}", a.name, b)
                            }),
                        )
                        .route(
                            "/count",
                            web::get().to(move || {
                                let counter = Arc::clone(&counter);
                                async move {
                                    counter.fetch_add(1, Ordering::SeqCst);
                                    "counted"
                                }
                            }),
                        ),
                ),
        )
        .await
    }};
}

#[actix_web::test]
async fn guard_rejects_without_a_user() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app!(sessions(&store), &handled);
    let unknown = session_actix::Token::generate().unwrap();
    for request in [
        request("/private/count"),
        request_with_cookie("/private/count", "__Host-id=nope"),
        request_with_cookie("/private/count", &cookie(&unknown)),
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

#[actix_web::test]
async fn guard_passes_a_user_and_the_handlers_hit_the_cache() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app!(sessions(&store), &handled);
    let token = store.login("ada");
    let answer = send(
        &app,
        request_with_cookie("/private/account", &cookie(&token)),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "ada ada")
    );
    assert_eq!(store.calls(), 1);

    let answer = send(&app, request_with_cookie("/private/count", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn guard_answers_500_when_the_loader_fails() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app!(sessions(&store), &handled);
    let token = store.login("ada");
    store.fail(true);
    let answer = send(&app, request_with_cookie("/private/count", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.body, "the session could not be loaded");
    assert!(!answer.body.contains(STORE_SECRET));
    assert_eq!(handled.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn guard_leaves_other_routes_alone() {
    let store = Store::new();
    let handled = Arc::default();
    let app = app!(sessions(&store), &handled);
    let answer = send(&app, request("/")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "public")
    );
    let answer = send(&app, request("/missing")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(store.calls(), 0);
}

#[actix_web::test]
async fn middleware_made_by_hand_on_a_resource() {
    let store = Store::new();
    let token = store.login("ada");
    let app = init_service(
        App::new().service(
            web::resource("/")
                .wrap(RequireUser::new(sessions(&store)))
                .route(web::get().to(|| async { "ok" })),
        ),
    )
    .await;
    assert_eq!(
        send(&app, request("/")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let answer = send(&app, request_with_cookie("/", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
}
