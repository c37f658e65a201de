//! Remember me, per login: `Sessions::start_with` / `refresh_with` write a persistent cookie
//! (`Max-Age`, capped by the proxy and by the session's absolute deadline) or a
//! browser-session cookie (no `Max-Age`), and a refresh keeps the login's choice, with
//! session-store keeping it per session.

use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::routing::get;
use http::{Request, StatusCode, header};
use session_axum::{
    CookieProxy, RefreshSession, SessionRejection, SessionToken, Sessions, StartSession, User,
};
use session_store::{CreateOptions, ManualClock, MemoryStore, Policy, Session};
use tower::ServiceExt as _;

const T0: i64 = 1_700_000_000;
const ABSOLUTE: u64 = 8 * 3600;

#[derive(Clone)]
struct App {
    store: MemoryStore<i64>,
    sessions: Sessions<Session<i64>>,
}

impl FromRef<App> for Sessions<Session<i64>> {
    fn from_ref(app: &App) -> Self {
        app.sessions.clone()
    }
}

/// Login through the store: `/login/1` ticks "Keep me signed in", `/login/0` does not.
async fn login(
    State(app): State<App>,
    Path(remember): Path<u8>,
) -> Result<RefreshSession, StatusCode> {
    let remember = remember == 1;
    let options = CreateOptions::new().with_persistent(remember);
    let token = app
        .store
        .create_with(42, options)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let lifetime = app.store.policy().cookie_lifetime(remember);
    Ok(app.sessions.refresh_with(&token, lifetime))
}

/// Login with the adapter's token: `start_with`, then the store keeps the same choice.
async fn start(
    State(app): State<App>,
    Path(remember): Path<u8>,
) -> Result<StartSession, SessionRejection> {
    let remember = remember == 1;
    let (token, start) = app
        .sessions
        .start_with(app.store.policy().cookie_lifetime(remember))?;
    let options = CreateOptions::new().with_persistent(remember);
    app.store
        .insert_with(&token, 42, options)
        .await
        .expect("a fresh token is free");
    Ok(start)
}

/// Every page refreshes the cookie with the session's own lifetime.
async fn page(
    State(app): State<App>,
    User(session): User<Session<i64>>,
    token: SessionToken<Session<i64>>,
) -> RefreshSession {
    let lifetime = session.cookie_lifetime(app.store.now());
    app.sessions.refresh_with(&token, lifetime)
}

/// The template's own form, for comparison: `refresh` ignores the login's choice.
async fn plain_refresh(
    State(app): State<App>,
    _: User<Session<i64>>,
    token: SessionToken<Session<i64>>,
) -> RefreshSession {
    app.sessions.refresh(&token)
}

fn app(proxy: CookieProxy) -> (Router, ManualClock) {
    let clock = ManualClock::new(T0);
    let policy = Policy::new(Duration::from_secs(ABSOLUTE)).with_idle_timeout(None);
    let store = MemoryStore::<i64>::in_memory(policy).with_clock(clock.clone());
    let sessions = Sessions::new(proxy, store.clone());
    let router = Router::new()
        .route("/login/{remember}", get(login))
        .route("/start/{remember}", get(start))
        .route("/page", get(page))
        .route("/plain", get(plain_refresh))
        .with_state(App { store, sessions });
    (router, clock)
}

/// The one session `Set-Cookie` of a response to `uri` (sent with `cookie`, if any).
async fn set_cookie(app: &Router, uri: &str, cookie: Option<&str>) -> String {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let request = request.body(axum::body::Body::empty()).expect("a request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let values: Vec<_> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .collect();
    assert_eq!(values.len(), 1, "{uri}: one Set-Cookie");
    assert!(values[0].is_sensitive());
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    values[0].to_str().expect("ASCII").to_owned()
}

fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

fn max_age(set_cookie: &str) -> Option<u64> {
    set_cookie
        .split("; ")
        .find_map(|a| a.strip_prefix("Max-Age="))
        .map(|n| n.parse().expect("Max-Age digits"))
}

#[tokio::test]
async fn both_forms_and_refresh_keeps_the_choice() {
    let (app, clock) = app(session_conformance::proxy());
    for login in ["/login", "/start"] {
        clock.set(T0);
        let remembered = set_cookie(&app, &format!("{login}/1"), None).await;
        let forgotten = set_cookie(&app, &format!("{login}/0"), None).await;
        assert_eq!(
            max_age(&remembered),
            Some(ABSOLUTE),
            "{login}: {remembered}"
        );
        assert!(remembered.ends_with("; Path=/; Max-Age=28800; Secure; HttpOnly; SameSite=Lax"));
        assert_eq!(max_age(&forgotten), None, "{login}: {forgotten}");
        assert!(forgotten.ends_with("; Path=/; Secure; HttpOnly; SameSite=Lax"));

        // Later requests: the persistent cookie counts down to the absolute deadline; the
        // browser-session one stays without Max-Age.
        for elapsed in [1, 600, 3600, ABSOLUTE - 1] {
            clock.set(T0 + i64::try_from(elapsed).expect("small"));
            let again = set_cookie(&app, "/page", Some(&pair(&remembered))).await;
            assert_eq!(pair(&again), pair(&remembered), "the same token");
            assert_eq!(
                max_age(&again),
                Some(ABSOLUTE - elapsed),
                "{login} +{elapsed}"
            );
            let again = set_cookie(&app, "/page", Some(&pair(&forgotten))).await;
            assert_eq!(pair(&again), pair(&forgotten));
            assert_eq!(max_age(&again), None, "{login} +{elapsed}");
        }
    }
}

#[tokio::test]
async fn the_template_max_age_caps_the_persistent_cookie() {
    let (app, clock) = app(session_conformance::proxy_with_max_age());
    let remembered = set_cookie(&app, "/login/1", None).await;
    assert_eq!(max_age(&remembered), Some(7200), "capped at login");
    let forgotten = set_cookie(&app, "/login/0", None).await;
    assert_eq!(
        max_age(&forgotten),
        None,
        "the template's Max-Age is dropped"
    );
    // The template's own form still writes its Max-Age, whatever the login chose.
    let plain = set_cookie(&app, "/plain", Some(&pair(&forgotten))).await;
    assert_eq!(max_age(&plain), Some(7200));
    for (elapsed, expected) in [(3600, 7200), (ABSOLUTE - 7200, 7200), (ABSOLUTE - 60, 60)] {
        clock.set(T0 + i64::try_from(elapsed).expect("small"));
        let again = set_cookie(&app, "/page", Some(&pair(&remembered))).await;
        assert_eq!(max_age(&again), Some(expected), "+{elapsed}");
    }
}

#[tokio::test]
async fn past_the_deadline_there_is_no_session_to_refresh() {
    let (app, clock) = app(session_conformance::proxy());
    let remembered = set_cookie(&app, "/login/1", None).await;
    clock.set(T0 + i64::try_from(ABSOLUTE).expect("small"));
    let request = Request::get("/page")
        .header(header::COOKIE, pair(&remembered))
        .body(axum::body::Body::empty())
        .expect("a request");
    let response = app.oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
}
