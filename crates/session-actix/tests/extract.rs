//! `User`, `MaybeUser` and `SessionToken`: statuses, bodies, loader calls and caching.

#[path = "support/common.rs"]
mod support;

use std::error::Error as _;

use actix_web::http::StatusCode;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, HttpRequest, web};
use session_actix::{MaybeUser, RejectionReason, SessionRejection, SessionToken, Sessions, User};
use support::*;

async fn hello(user: User<Me>) -> String {
    format!("hello {}", user.name)
}

async fn maybe(user: MaybeUser<Me>) -> String {
    match user.into_inner() {
        Some(me) => format!("some {}", me.name),
        None => "none".to_owned(),
    }
}

async fn many(a: User<Me>, b: MaybeUser<Me>, c: User<Me>, _t: SessionToken<Me>) -> String {
    let b = b.into_inner().map(|me| me.name).unwrap_or_default();
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

/// Two sequential calls of the plain function in one handler: the cache, not concurrency.
async fn twice(req: HttpRequest, sessions: Sessions<Me>) -> String {
    let a = sessions.user(&req).await.ok().flatten();
    let b = sessions.user(&req).await.ok().flatten();
    format!("{} {}", a.is_some(), b.is_some())
}

macro_rules! app {
    ($sessions:expr) => {
        init_service(
            App::new()
                .app_data($sessions)
                .route("/hello", web::get().to(hello))
                .route("/maybe", web::get().to(maybe))
                .route("/many", web::get().to(many))
                .route("/token", web::get().to(token))
                .route("/maybe-token", web::get().to(maybe_token))
                .route("/public", web::get().to(public))
                .route("/both", web::get().to(both_results))
                .route("/twice", web::get().to(twice)),
        )
        .await
    };
}

#[actix_web::test]
async fn user_with_session_is_extracted() {
    let store = Store::new();
    let token = store.login("ada");
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/hello", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "hello ada");
    assert_eq!(store.calls(), 1);
    assert!(
        answer.set_cookies().is_empty(),
        "extracting never writes a cookie"
    );
}

#[actix_web::test]
async fn no_cookie_is_401_without_calling_the_loader() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let answer = send(&app, request("/hello")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.body, "no valid session");
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(store.calls(), 0);
}

#[actix_web::test]
async fn malformed_cookies_are_401_without_calling_the_loader() {
    let store = Store::new();
    let app = app!(sessions(&store));
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

#[actix_web::test]
async fn a_non_utf8_pair_does_not_hide_the_session() {
    use actix_web::http::header::{COOKIE, HeaderValue};
    let store = Store::new();
    let token = store.login("ada");
    let app = app!(sessions(&store));
    let mut header = b"junk=\xff\xfe; ".to_vec();
    header.extend_from_slice(cookie(&token).as_bytes());
    let request = TestRequest::get()
        .uri("/hello")
        .append_header((COOKIE, HeaderValue::from_bytes(&header).unwrap()));
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "hello ada");
}

#[actix_web::test]
async fn cookies_split_over_two_headers_are_read() {
    let store = Store::new();
    let token = store.login("ada");
    let app = app!(sessions(&store));
    let request = request_with_cookie("/hello", "theme=dark")
        .append_header((actix_web::http::header::COOKIE, cookie(&token).as_str()));
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[actix_web::test]
async fn ambiguous_cookie_is_401_without_calling_the_loader() {
    let store = Store::new();
    let (a, b) = (store.login("ada"), store.login("bob"));
    let app = app!(sessions(&store));
    let header = format!("{}; {}", cookie(&a), cookie(&b));
    let answer = send(&app, request_with_cookie("/hello", &header)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(store.calls(), 0);
}

#[actix_web::test]
async fn unknown_and_expired_tokens_are_401() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let unknown = session_actix::Token::generate().unwrap();
    let answer = send(&app, request_with_cookie("/hello", &cookie(&unknown))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.body, "no valid session");

    let token = store.login("ada");
    store.remove(&token); // expired or revoked: the loader answers Ok(None)
    let answer = send(&app, request_with_cookie("/hello", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(store.calls(), 2);
}

#[actix_web::test]
async fn loader_error_is_500() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/hello", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.body, "the session could not be loaded");
}

#[actix_web::test]
async fn maybe_user() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let token = store.login("ada");
    let unknown = session_actix::Token::generate().unwrap();

    let answer = send(&app, request("/maybe")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "none")
    );
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

#[actix_web::test]
async fn maybe_user_still_rejects_a_loader_failure() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/maybe", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.body, "the session could not be loaded");
}

#[actix_web::test]
async fn loader_runs_once_for_several_extractors_polled_together() {
    let store = Store::new();
    let token = store.login("ada");
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/many", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "ada ada ada");
    assert_eq!(store.calls(), 1);

    let answer = send(&app, request_with_cookie("/twice", &cookie(&token))).await;
    assert_eq!(answer.body, "true true");
    assert_eq!(store.calls(), 2);
}

#[actix_web::test]
async fn a_failure_is_cached_too() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/both", &cookie(&token))).await;
    assert_eq!(answer.body, "Some(LoaderFailed) Some(LoaderFailed)");
    assert_eq!(store.calls(), 1);
}

#[actix_web::test]
async fn each_request_loads_afresh() {
    let store = Store::new();
    let app = app!(sessions(&store));
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

#[actix_web::test]
async fn routes_without_extractors_read_nothing() {
    let store = Store::new();
    let token = store.login("ada");
    store.fail(true);
    let app = app!(sessions(&store));
    let answer = send(&app, request_with_cookie("/public", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "public")
    );
    assert_eq!(store.calls(), 0);
}

#[actix_web::test]
async fn session_token_extractor() {
    let store = Store::new();
    let app = app!(sessions(&store));
    let token = store.login("ada");
    let unknown = session_actix::Token::generate().unwrap();

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
            .route("/maybe", web::get().to(maybe)),
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
