//! The shared conformance table (`session-conformance`), run against session-actix: the same
//! scenarios and expectations as session-axum's `tests/conformance.rs`.

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test::{self, TestRequest, init_service};
use actix_web::{App, HttpRequest, HttpResponse, web};
use session_actix::{
    CookieLifetime, CrossOriginRefusal, MaybeSessionToken, MaybeUser, RequireSameOrigin,
    SessionRejection, SessionToken, Sessions, User,
};
use session_conformance::{
    CACHEABLE, Observed, ObservedHeader, Route, Scenario, TestStore, TestUser, answers_body,
    token_body,
};

type Store = web::Data<Arc<TestStore>>;

async fn user(User(me): User<TestUser>) -> String {
    format!("user {}", me.name)
}

async fn maybe(user: MaybeUser<TestUser>) -> String {
    match user.into_inner() {
        Some(me) => format!("some {}", me.name),
        None => "none".to_owned(),
    }
}

async fn public() -> &'static str {
    "public"
}

async fn many(
    a: User<TestUser>,
    b: MaybeUser<TestUser>,
    c: User<TestUser>,
    _token: SessionToken<TestUser>,
) -> String {
    let b = b.into_inner().map(|me| me.name).unwrap_or_default();
    format!("{} {} {}", a.name, b, c.name)
}

async fn guarded(User(me): User<TestUser>) -> String {
    format!("guarded {}", me.name)
}

async fn login(
    sessions: Sessions<TestUser>,
    store: Store,
    old: MaybeSessionToken<TestUser>,
) -> Result<HttpResponse, SessionRejection> {
    login_with(&sessions, &store, old, None)
}

/// The login routes: `start()`, or `start_with(lifetime)` for the remember-me routes.
fn login_with(
    sessions: &Sessions<TestUser>,
    store: &Store,
    old: MaybeSessionToken<TestUser>,
    lifetime: Option<CookieLifetime>,
) -> Result<HttpResponse, SessionRejection> {
    if let MaybeSessionToken(Some(old)) = old {
        store.remove(&old);
    }
    let (token, start) = match lifetime {
        Some(lifetime) => sessions.start_with(lifetime)?,
        None => sessions.start()?,
    };
    store.insert(&token, "new");
    let mut res = HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, CACHEABLE))
        .body("logged in");
    sessions.end().apply_to(&mut res);
    start.apply_to(&mut res);
    Ok(res)
}

async fn logout(
    sessions: Sessions<TestUser>,
    store: Store,
    old: MaybeSessionToken<TestUser>,
) -> HttpResponse {
    if let MaybeSessionToken(Some(old)) = old {
        store.remove(&old);
    }
    let mut res = HttpResponse::Ok().body("logged out");
    sessions.end().apply_to(&mut res);
    res
}

async fn refresh(
    sessions: Sessions<TestUser>,
    _user: User<TestUser>,
    token: SessionToken<TestUser>,
) -> HttpResponse {
    refresh_with(&sessions, &token, None)
}

/// The refresh routes: `refresh(&token)`, or `refresh_with(&token, lifetime)` for the
/// remember-me routes.
fn refresh_with(
    sessions: &Sessions<TestUser>,
    token: &SessionToken<TestUser>,
    lifetime: Option<CookieLifetime>,
) -> HttpResponse {
    let refreshed = match lifetime {
        Some(lifetime) => sessions.refresh_with(token, lifetime),
        None => sessions.refresh(token),
    };
    let mut res = HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, CACHEABLE))
        .body("refreshed");
    refreshed.apply_to(&mut res);
    res
}

/// The remember-me routes: `login_with` / `refresh_with` with each route's lifetime.
fn remember_routes(config: &mut web::ServiceConfig) {
    for route in [
        Route::LoginRemember,
        Route::LoginRememberBeyondCap,
        Route::LoginBrowser,
    ] {
        let Some(lifetime) = route.lifetime() else {
            unreachable!("{route:?} has a lifetime")
        };
        config.route(
            route.path(),
            web::route().to(
                move |sessions: Sessions<TestUser>,
                      store: Store,
                      old: MaybeSessionToken<TestUser>| async move {
                    login_with(&sessions, &store, old, Some(lifetime))
                },
            ),
        );
    }
    for route in [Route::RefreshRemember, Route::RefreshBrowser] {
        let Some(lifetime) = route.lifetime() else {
            unreachable!("{route:?} has a lifetime")
        };
        config.route(
            route.path(),
            web::get().to(
                move |sessions: Sessions<TestUser>,
                      _user: User<TestUser>,
                      token: SessionToken<TestUser>| async move {
                    refresh_with(&sessions, &token, Some(lifetime))
                },
            ),
        );
    }
}

async fn api_login(
    sessions: Sessions<TestUser>,
    store: Store,
    old: MaybeSessionToken<TestUser>,
) -> Result<String, SessionRejection> {
    if let MaybeSessionToken(Some(old)) = old {
        store.remove(&old);
    }
    let token = sessions.start_bearer()?;
    store.insert(&token, "new");
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

async fn twice(req: HttpRequest, sessions: Sessions<TestUser>) -> String {
    let a = sessions.user(&req).await;
    let b = sessions.user(&req).await;
    answers_body([a, b].map(|answer| answer.map_err(|r| r.reason())))
}

async fn send<S, B>(
    app: &S,
    route: Route,
    scenario: &Scenario,
) -> Result<ServiceResponse<B>, String>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let method = Method::from_bytes(scenario.method.as_bytes())
        .map_err(|e| format!("{}: bad test method: {e}", scenario.name))?;
    let mut request = TestRequest::default().method(method).uri(route.path());
    for (name, value) in scenario.request_headers() {
        let value = actix_web::http::header::HeaderValue::from_bytes(value)
            .map_err(|e| format!("{}: bad test header: {e}", scenario.name))?;
        request = request.append_header((name, value));
    }
    Ok(test::call_service(app, request.to_request()).await)
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
    let app = init_service(
        App::new()
            .wrap(RequireSameOrigin::new(session_conformance::cross_origin()))
            .app_data(sessions.clone())
            .app_data(web::Data::new(Arc::clone(&store)))
            .route(Route::User.path(), web::get().to(user))
            .route(Route::Maybe.path(), web::get().to(maybe))
            .route(Route::Public.path(), web::route().to(public))
            .route(Route::Many.path(), web::get().to(many))
            .route(Route::Login.path(), web::route().to(login))
            .route(Route::Logout.path(), web::route().to(logout))
            .route(Route::Refresh.path(), web::get().to(refresh))
            .route(Route::Token.path(), web::get().to(token))
            .route(Route::Both.path(), web::get().to(both))
            .route(Route::Twice.path(), web::get().to(twice))
            .route(
                Route::Webhook.path(),
                web::route().to(|| async { "webhook" }),
            )
            .route(Route::ApiLogin.path(), web::route().to(api_login))
            .configure(remember_routes)
            .service(
                web::scope("/guarded")
                    .wrap(sessions.require_user())
                    .route("/account", web::get().to(guarded)),
            ),
    )
    .await;
    assert_eq!(Route::Guarded.path(), "/guarded/account");

    for &earlier in &scenario.before {
        send(&app, earlier, scenario).await?;
    }
    let response = send(&app, scenario.route, scenario).await?;
    let status = response.status().as_u16();
    let refusal = response
        .response()
        .extensions()
        .get::<CrossOriginRefusal>()
        .copied();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| ObservedHeader {
            name: name.as_str().to_owned(),
            value: value.as_bytes().to_vec(),
            sensitive: value.is_sensitive(),
        })
        .collect();
    let body = test::read_body(response).await.to_vec();
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

#[actix_web::test]
async fn session_actix_passes_the_whole_table() {
    run_table(Kind::Async).await;
}

#[actix_web::test]
async fn session_actix_passes_the_whole_table_with_a_sync_loader() {
    run_table(Kind::Sync).await;
}
