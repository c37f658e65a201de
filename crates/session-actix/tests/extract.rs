//! What the extractors do that the shared conformance table (`tests/conformance.rs`) cannot
//! say as a row: the rejection's accessors and source, two configurations on one request,
//! `Send + Sync`, and why `MaybeUser` exists beside actix-web's `Option`. Statuses, bodies,
//! loader calls and caching are rows of the table.

#[path = "support/common.rs"]
mod support;

use std::error::Error as _;

use actix_web::http::StatusCode;
use actix_web::test::init_service;
use actix_web::{App, web};
use session_actix::{MaybeUser, RejectionReason, SessionRejection, SessionToken, Sessions, User};
use support::*;

#[actix_web::test]
async fn rejection_accessors() {
    let store = Store::new();
    let sessions = sessions(&store);
    let token = store.login("ada");

    let req = request("/").to_http_request();
    assert_eq!(sessions.user(&req).await.unwrap(), None);

    store.fail(true);
    let req = request_with_cookie("/", &cookie(&token)).to_http_request();
    let rejection = sessions.user(&req).await.unwrap_err();
    assert_eq!(rejection.reason(), RejectionReason::LoaderFailed);
    assert_eq!(rejection.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(rejection.to_string(), "the session could not be loaded");
    let source = rejection.source().expect("the loader's error");
    assert!(source.downcast_ref::<StoreError>().is_some());
    assert!(source.to_string().contains(STORE_SECRET));
}

#[actix_web::test]
async fn two_configurations_do_not_share_a_cache_entry() {
    let store = Store::new();
    let token = store.login("ada");
    let host = sessions(&store);
    let other = Sessions::new(
        session_actix::CookieProxy::insecure_for_local_development(),
        store.loader(),
    );
    let req = request_with_cookie("/", &cookie(&token)).to_http_request();
    let name = |user: Option<Me>| user.map(|me| me.name);
    assert_eq!(name(host.user(&req).await.unwrap()), Some("ada".into()));
    assert_eq!(other.user(&req).await.unwrap(), None, "`id` cookie absent");
    assert_eq!(name(host.user(&req).await.unwrap()), Some("ada".into()));
    // `other` found no cookie, so it stored nothing and `host`'s entry is still there.
    assert_eq!(store.calls(), 1);

    let other_first = request_with_cookie("/", &format!("id={}", token.encode().as_str()));
    let req = other_first
        .append_header(("cookie", cookie(&token).as_str()))
        .to_http_request();
    assert_eq!(name(other.user(&req).await.unwrap()), Some("ada".into()));
    assert_eq!(name(host.user(&req).await.unwrap()), Some("ada".into()));
    assert_eq!(store.calls(), 3, "each configuration calls its own loader");
}

#[test]
fn public_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Sessions<Me>>();
    assert_send_sync::<User<Me>>();
    assert_send_sync::<MaybeUser<Me>>();
    assert_send_sync::<SessionToken<Me>>();
    assert_send_sync::<session_actix::MaybeSessionToken<Me>>();
    assert_send_sync::<SessionRejection>();
    assert_send_sync::<session_actix::StartSession>();
    assert_send_sync::<session_actix::RefreshSession>();
    assert_send_sync::<session_actix::EndSession>();
    assert_send_sync::<session_actix::RequireUser<Me>>();
}

/// Why `MaybeUser` exists: actix-web's own `Option<T>` turns a loader failure into `None`.
/// If actix-web ever stops doing so, this test says the README can be simplified.
#[actix_web::test]
async fn actix_option_swallows_a_loader_failure_maybe_user_does_not() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let app = init_service(
        App::new()
            .app_data(sessions(&store))
            .route(
                "/option",
                web::get().to(|u: Option<User<Me>>| async move {
                    if u.is_some() { "some" } else { "none" }
                }),
            )
            .route("/maybe", web::get().to(|_: MaybeUser<Me>| async { "" })),
    )
    .await;
    let answer = send(&app, request_with_cookie("/option", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "none")
    );
    let answer = send(&app, request_with_cookie("/maybe", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
}
