//! What the extractors do that the shared conformance table (`tests/conformance.rs`) cannot
//! say as a row: the rejection's accessors and source, two configurations on one request,
//! `Send + Sync`, and why `MaybeUser` exists beside actix-web's `Option`. Statuses, bodies,
//! loader calls and caching are rows of the table.

#[path = "support/common.rs"]
mod support;

use std::error::Error as _;

use actix_web::http::StatusCode;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, web};
use session_actix::test_util::SessionTestRequestExt as _;
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

    let req = TestRequest::default()
        .session_cookie(&other, &token)
        .session_cookie(&host, &token)
        .to_http_request();
    assert_eq!(name(other.user(&req).await.unwrap()), Some("ada".into()));
    assert_eq!(name(host.user(&req).await.unwrap()), Some("ada".into()));
    assert_eq!(store.calls(), 3, "each configuration calls its own loader");
}

#[actix_web::test]
async fn with_and_without_bearer_do_not_share_a_cache_entry() {
    let store = Store::new();
    let (ada, bob) = (store.login("ada"), store.login("bob"));
    let cookies = Sessions::new_sync(session_conformance::proxy(), store.sync_loader());
    let both = cookies.clone().with_bearer();
    assert!(
        !cookies.accepts_bearer(),
        "with_bearer leaves the clone it came from alone"
    );
    let req = TestRequest::default()
        .session_cookie(&cookies, &ada)
        .bearer_token(&bob)
        .to_http_request();
    let name = |user: Option<Me>| user.map(|me| me.name);
    assert_eq!(name(cookies.user(&req).await.unwrap()), Some("ada".into()));
    // Cookie and header disagree: no session, whatever the cookie-only entry says.
    assert_eq!(both.user(&req).await.unwrap(), None);
    assert_eq!(both.token(&req), None);
    assert_eq!(name(cookies.user(&req).await.unwrap()), Some("ada".into()));
    assert_eq!(store.calls(), 1);

    // A fixed map, no store: the same token by cookie or by header.
    let fixed = Sessions::fixed(session_conformance::proxy(), [(ada.clone(), 7_u8)]).with_bearer();
    for request in [
        TestRequest::default().session_cookie(&fixed, &ada),
        TestRequest::default().bearer_token(&ada),
    ] {
        assert_eq!(
            fixed.user(&request.to_http_request()).await.unwrap(),
            Some(7)
        );
    }
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
