//! The shared conformance table (`session-conformance`), run against session-axum: the same
//! scenarios and expectations as session-actix's `tests/conformance.rs`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use http::request::Parts;
use http::{HeaderValue, Request, header};
use session_axum::{
    CookieLifetime, CrossOriginRefusal, EndSession, RequireSameOriginLayer, SessionRejection,
    SessionToken, Sessions, User,
};
use session_conformance::{
    CACHEABLE, Observed, ObservedHeader, Route, Scenario, TestStore, TestUser, answers_body,
    token_body,
};
use tower::ServiceExt as _;

#[derive(Clone)]
struct AppState {
    sessions: Sessions<TestUser>,
    store: Arc<TestStore>,
}

impl FromRef<AppState> for Sessions<TestUser> {
    fn from_ref(state: &AppState) -> Self {
        state.sessions.clone()
    }
}

async fn user(User(me): User<TestUser>) -> String {
    format!("user {}", me.name)
}

async fn maybe(user: Option<User<TestUser>>) -> String {
    match user {
        Some(User(me)) => format!("some {}", me.name),
        None => "none".to_owned(),
    }
}

async fn public() -> &'static str {
    "public"
}

async fn many(
    a: User<TestUser>,
    b: Option<User<TestUser>>,
    c: User<TestUser>,
    _token: SessionToken<TestUser>,
) -> String {
    let b = b.map(|User(me)| me.name).unwrap_or_default();
    format!("{} {} {}", a.name, b, c.name)
}

async fn guarded(User(me): User<TestUser>) -> String {
    format!("guarded {}", me.name)
}

async fn login(
    State(state): State<AppState>,
    old: Option<SessionToken<TestUser>>,
) -> Result<impl IntoResponse, SessionRejection> {
    login_with(state, old, None).await
}

/// The login routes: `start()`, or `start_with(lifetime)` for the remember-me routes.
async fn login_with(
    state: AppState,
    old: Option<SessionToken<TestUser>>,
    lifetime: Option<CookieLifetime>,
) -> Result<impl IntoResponse, SessionRejection> {
    if let Some(old) = old {
        state.store.remove(&old);
    }
    let (token, start) = match lifetime {
        Some(lifetime) => state.sessions.start_with(lifetime)?,
        None => state.sessions.start()?,
    };
    state.store.insert(&token, "new");
    let cacheable = [(header::CACHE_CONTROL, CACHEABLE)];
    Ok((cacheable, state.sessions.end(), start, "logged in"))
}

async fn logout(
    State(state): State<AppState>,
    old: Option<SessionToken<TestUser>>,
) -> (EndSession, &'static str) {
    if let Some(old) = old {
        state.store.remove(&old);
    }
    (state.sessions.end(), "logged out")
}

async fn refresh(
    State(state): State<AppState>,
    _user: User<TestUser>,
    token: SessionToken<TestUser>,
) -> impl IntoResponse {
    refresh_with(&state, &token, None)
}

/// The refresh routes: `refresh(&token)`, or `refresh_with(&token, lifetime)` for the
/// remember-me routes.
fn refresh_with(
    state: &AppState,
    token: &SessionToken<TestUser>,
    lifetime: Option<CookieLifetime>,
) -> impl IntoResponse + use<> {
    let refreshed = match lifetime {
        Some(lifetime) => state.sessions.refresh_with(token, lifetime),
        None => state.sessions.refresh(token),
    };
    let cacheable = [(header::CACHE_CONTROL, CACHEABLE)];
    (cacheable, refreshed, "refreshed")
}

async fn api_login(
    State(state): State<AppState>,
    old: Option<SessionToken<TestUser>>,
) -> Result<String, SessionRejection> {
    if let Some(old) = old {
        state.store.remove(&old);
    }
    let token = state.sessions.start_bearer()?;
    state.store.insert(&token, "new");
    Ok(token.encode().as_str().to_owned())
}

async fn token(token: SessionToken<TestUser>) -> String {
    token_body(&token)
}

async fn both(
    a: Result<User<TestUser>, SessionRejection>,
    b: Result<User<TestUser>, SessionRejection>,
) -> String {
    answers_body([a, b].map(|answer| answer.map(|User(me)| Some(me)).map_err(|r| r.reason())))
}

async fn twice(State(state): State<AppState>, mut parts: Parts) -> String {
    let a = state.sessions.user(&mut parts).await;
    let b = state.sessions.user(&mut parts).await;
    answers_body([a, b].map(|answer| answer.map_err(|r| r.reason())))
}

/// The remember-me routes: `login_with` / `refresh_with` with each route's lifetime.
fn remember_routes() -> Router<AppState> {
    let mut routes = Router::new();
    for route in [
        Route::LoginRemember,
        Route::LoginRememberBeyondCap,
        Route::LoginBrowser,
    ] {
        let Some(lifetime) = route.lifetime() else {
            unreachable!("{route:?} has a lifetime")
        };
        routes = routes.route(
            route.path(),
            any(
                move |State(state): State<AppState>, old: Option<SessionToken<TestUser>>| {
                    login_with(state, old, Some(lifetime))
                },
            ),
        );
    }
    for route in [Route::RefreshRemember, Route::RefreshBrowser] {
        let Some(lifetime) = route.lifetime() else {
            unreachable!("{route:?} has a lifetime")
        };
        routes = routes.route(
            route.path(),
            get(
                move |State(state): State<AppState>,
                      _user: User<TestUser>,
                      token: SessionToken<TestUser>| async move {
                    refresh_with(&state, &token, Some(lifetime))
                },
            ),
        );
    }
    routes
}

async fn send(app: &Router, route: Route, scenario: &Scenario) -> Result<Response, String> {
    let mut request = Request::builder().method(scenario.method).uri(route.path());
    for (name, value) in scenario.request_headers() {
        let value = HeaderValue::from_bytes(value)
            .map_err(|e| format!("{}: bad test header: {e}", scenario.name))?;
        request = request.header(name, value);
    }
    let request = request
        .body(Body::empty())
        .map_err(|e| format!("{}: {e}", scenario.name))?;
    app.clone()
        .oneshot(request)
        .await
        .map_err(|e| format!("{}: {e}", scenario.name))
}

/// Which constructor the harness builds `Sessions` with.
#[derive(Clone, Copy)]
enum Kind {
    /// `Sessions::new` with the async `TestLoader` (it yields once).
    Async,
    /// `Sessions::new_sync` with `TestSyncLoader` (answers in place).
    Sync,
}

async fn run(scenario: &Scenario, kind: Kind) -> Result<(), String> {
    let store = TestStore::new();
    let sessions = match kind {
        Kind::Async => Sessions::new(scenario.proxy(), store.loader()),
        Kind::Sync => Sessions::new_sync(scenario.proxy(), store.sync_loader()),
    };
    let sessions = if scenario.bearer {
        sessions.with_bearer()
    } else {
        sessions
    };
    let guarded_routes = Router::new()
        .route(Route::Guarded.path(), get(guarded))
        .route_layer(sessions.require_user());
    let app: Router = Router::new()
        .route(Route::User.path(), get(user))
        .route(Route::Maybe.path(), get(maybe))
        .route(Route::Public.path(), any(public))
        .route(Route::Many.path(), get(many))
        .route(Route::Login.path(), any(login))
        .route(Route::Logout.path(), any(logout))
        .route(Route::Refresh.path(), get(refresh))
        .route(Route::Token.path(), get(token))
        .route(Route::Both.path(), get(both))
        .route(Route::Twice.path(), get(twice))
        .route(Route::Webhook.path(), any(|| async { "webhook" }))
        .route(Route::ApiLogin.path(), any(api_login))
        .merge(remember_routes())
        .merge(guarded_routes)
        .with_state(AppState {
            sessions,
            store: Arc::clone(&store),
        })
        .layer(RequireSameOriginLayer::new(
            session_conformance::cross_origin(),
        ));

    for &earlier in &scenario.before {
        send(&app, earlier, scenario).await?;
    }
    let response = send(&app, scenario.route, scenario).await?;
    let status = response.status().as_u16();
    let refusal = response.extensions().get::<CrossOriginRefusal>().copied();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| ObservedHeader {
            name: name.as_str().to_owned(),
            value: value.as_bytes().to_vec(),
            sensitive: value.is_sensitive(),
        })
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| format!("{}: {e}", scenario.name))?
        .to_vec();
    scenario.check(
        &Observed {
            status,
            headers,
            body,
            refusal,
        },
        &store,
    )
}

async fn run_table(kind: Kind) {
    let table = session_conformance::scenarios();
    let mut failures = Vec::new();
    for scenario in &table {
        if let Err(error) = run(scenario, kind).await {
            failures.push(error);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn session_axum_passes_the_whole_table() {
    run_table(Kind::Async).await;
}

#[tokio::test]
async fn session_axum_passes_the_whole_table_with_a_sync_loader() {
    run_table(Kind::Sync).await;
}
