//! A missing configuration: a 500 with an error line naming the call to add; never a panic,
//! never a silent "no user".

#[path = "support/common.rs"]
mod support;

use std::sync::Mutex;

use actix_web::http::StatusCode;
use actix_web::test::init_service;
use actix_web::{App, web};
use session_actix::{MaybeSessionToken, MaybeUser, RejectionReason, SessionToken, Sessions, User};
use support::*;

/// Captures the error lines of the test binary, with the thread that logged them (the tests
/// run in parallel, each on its own thread).
struct Capture(Mutex<Vec<(String, String)>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.level() == log::Level::Error {
            let thread = std::thread::current().name().unwrap_or_default().to_owned();
            let line = record.args().to_string();
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((thread, line));
        }
    }
    fn flush(&self) {}
}

static LOG: Capture = Capture(Mutex::new(Vec::new()));

/// The error lines this test's thread logged.
fn logged() -> Vec<String> {
    let _ = log::set_logger(&LOG);
    log::set_max_level(log::LevelFilter::Trace);
    let me = std::thread::current().name().unwrap_or_default().to_owned();
    let lines = LOG.0.lock().unwrap_or_else(|e| e.into_inner());
    lines
        .iter()
        .filter(|(thread, _)| *thread == me)
        .map(|(_, line)| line.clone())
        .collect()
}

macro_rules! routes {
    ($app:expr) => {
        $app.route(
            "/hello",
            web::get().to(|User(me): User<Me>| async move { me.name }),
        )
        .route(
            "/maybe",
            web::get().to(|u: MaybeUser<Me>| async move { format!("{:?}", u.into_inner()) }),
        )
        .route(
            "/token",
            web::get().to(|_: SessionToken<Me>| async { "token" }),
        )
        .route(
            "/maybe-token",
            web::get().to(|t: MaybeSessionToken<Me>| async move { format!("{}", t.0.is_some()) }),
        )
        .route(
            "/login",
            web::get().to(|_: Sessions<Me>| async { "sessions" }),
        )
    };
}

#[actix_web::test]
async fn every_extractor_answers_500_and_logs_the_missing_call() {
    logged();
    let store = Store::new();
    let token = store.login("ada");
    let app = init_service(routes!(App::new())).await;
    for path in ["/hello", "/maybe", "/token", "/maybe-token", "/login"] {
        let before = logged().len();
        for request in [request(path), request_with_cookie(path, &cookie(&token))] {
            let answer = send(&app, request).await;
            assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            assert_eq!(answer.body, "the session could not be loaded");
        }
        let lines = logged();
        assert_eq!(lines.len(), before + 2, "{path}: {lines:?}");
        let line = lines.last().unwrap();
        assert!(line.contains("App::app_data(sessions.clone())"), "{line}");
        assert!(line.contains("Sessions<"), "{line}");
        assert!(line.contains("TestUser, 32>"), "{line}"); // `Me` is an alias of it
    }
    assert_eq!(store.calls(), 0);
}

/// Why `MaybeSessionToken` exists: a logout handler taking `Option<SessionToken>` sees
/// `None` when the configuration is missing, and would skip deleting the session record.
#[actix_web::test]
async fn option_session_token_hides_a_missing_configuration_maybe_session_token_does_not() {
    let store = Store::new();
    let token = store.login("ada");
    let app = init_service(
        App::new()
            .route(
                "/option",
                web::get()
                    .to(|t: Option<SessionToken<Me>>| async move { format!("{}", t.is_some()) }),
            )
            .route(
                "/maybe",
                web::get()
                    .to(|t: MaybeSessionToken<Me>| async move { format!("{}", t.0.is_some()) }),
            ),
    )
    .await;
    let answer = send(&app, request_with_cookie("/option", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "false")
    );
    let answer = send(&app, request_with_cookie("/maybe", &cookie(&token))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);

    // Configured: `None` without a token, the token with one.
    let app = init_service(App::new().app_data(sessions(&store)).route(
        "/maybe",
        web::get().to(|t: MaybeSessionToken<Me>| async move {
            t.into_inner()
                .map_or_else(String::new, |t| t.encode().as_str().to_owned())
        }),
    ))
    .await;
    let answer = send(&app, request("/maybe")).await;
    assert_eq!((answer.status, answer.body.as_str()), (StatusCode::OK, ""));
    let answer = send(&app, request_with_cookie("/maybe", &cookie(&token))).await;
    assert_eq!(answer.body, token.encode().as_str());
    assert_eq!(
        store.calls(),
        0,
        "the token extractors never ask the loader"
    );
}

#[actix_web::test]
async fn web_data_is_named_in_the_log_line() {
    logged();
    let store = Store::new();
    let app = init_service(routes!(
        App::new().app_data(web::Data::new(sessions(&store)))
    ))
    .await;
    let answer = send(&app, request("/hello")).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    let lines = logged();
    let line = lines
        .iter()
        .rev()
        .find(|l| l.contains("web::Data"))
        .expect("a line about web::Data");
    assert!(line.contains("App::app_data(sessions.clone())"), "{line}");
}

#[actix_web::test]
async fn a_scope_can_carry_the_configuration() {
    let store = Store::new();
    let token = store.login("ada");
    let app =
        init_service(App::new().service(routes!(web::scope("/s").app_data(sessions(&store)))))
            .await;
    let answer = send(&app, request_with_cookie("/s/hello", &cookie(&token))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "ada")
    );
}

#[actix_web::test]
async fn another_user_type_is_another_configuration() {
    #[derive(Clone)]
    struct Other;
    let store = Store::new();
    let req = request("/").app_data(sessions(&store)).to_http_request();
    assert!(Sessions::<Me>::from_app_data(&req).is_ok());
    let err = Sessions::<Other>::from_app_data(&req).unwrap_err();
    assert_eq!(err.reason(), RejectionReason::NotConfigured);
    assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let err = Sessions::<Me, 16>::from_app_data(&req).unwrap_err();
    assert_eq!(err.reason(), RejectionReason::NotConfigured);
}
