//! What the extractors do that the shared conformance table (`tests/conformance.rs`) cannot
//! say as a row: the rejection's accessors and source, two configurations on one request,
//! and `Send + Sync`. Statuses, bodies, loader calls and caching are rows of the table.

#[path = "support/common.rs"]
mod support;

use std::error::Error as _;

use http::StatusCode;
use session_axum::{RejectionReason, SessionRejection, SessionToken, Sessions, User};
use support::*;

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

#[tokio::test]
async fn with_and_without_bearer_do_not_share_a_cache_entry() {
    use session_axum::test_util::SessionRequestExt as _;

    let store = Store::new();
    let (ada, bob) = (store.login("ada"), store.login("bob"));
    let cookies = Sessions::new_sync(session_conformance::proxy(), store.sync_loader());
    let both = cookies.clone().with_bearer();
    assert!(
        !cookies.accepts_bearer(),
        "with_bearer leaves the clone it came from alone"
    );
    let (mut parts, ()) = http::Request::get("/")
        .session_cookie(&cookies, &ada)
        .bearer_token(&bob)
        .body(())
        .unwrap()
        .into_parts();
    let name = |user: Option<Me>| user.map(|me| me.name);
    assert_eq!(
        name(cookies.user(&mut parts).await.unwrap()),
        Some("ada".into())
    );
    // Cookie and header disagree: no session, whatever the cookie-only entry says.
    assert_eq!(both.user(&mut parts).await.unwrap(), None);
    assert_eq!(both.token(&parts.headers), None);
    assert_eq!(
        name(cookies.user(&mut parts).await.unwrap()),
        Some("ada".into())
    );
    assert_eq!(store.calls(), 1);

    // A fixed map, no store: the same token by cookie or by header.
    let fixed = Sessions::fixed(session_conformance::proxy(), [(ada.clone(), 7_u8)]).with_bearer();
    for request in [
        http::Request::get("/").session_cookie(&fixed, &ada),
        http::Request::get("/").bearer_token(&ada),
    ] {
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        assert_eq!(fixed.user(&mut parts).await.unwrap(), Some(7));
    }
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
