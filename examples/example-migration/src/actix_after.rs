//! After: the same actix-web app on session-actix and session-store (in-memory backend),
//! with the same loader as the axum app.
//!
//! Same routes, same answers as [`actix_before`](crate::actix_before); the visit count lives
//! in the app's own table ([`Visits`]), keyed by the session's handle.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::{App, Error, HttpResponse, web};
use session_actix::{
    CookieProxy, CrossOrigin, MaybeSessionToken, RequireSameOrigin, SessionResponseExt as _,
    Sessions, User,
};
use session_store::{Handle, MemoryStore, Policy};

use crate::accounts::{Accounts, Credentials};
use crate::loader::{AppLoader, SignedIn, Visits};

/// What the handlers share besides the `Sessions`.
#[derive(Debug)]
struct AppState {
    store: MemoryStore<i64>,
    accounts: Accounts,
    visits: Visits,
}

fn internal(_: session_store::Error) -> Error {
    ErrorInternalServerError("session store failed")
}

// guide: actix-after-handlers
async fn login(
    app: web::Data<AppState>,
    sessions: Sessions<SignedIn>,
    old: MaybeSessionToken<SignedIn>,
    web::Form(creds): web::Form<Credentials>,
) -> Result<HttpResponse, Error> {
    let Some(account) = app.accounts.verify(&creds.username, &creds.password) else {
        return Ok(HttpResponse::Unauthorized().body("bad credentials"));
    };
    // What `renew` did (session fixation): a session the request came with ends, and the
    // login gets a new token.
    if let MaybeSessionToken(Some(old)) = old {
        app.store.revoke(&old).await.map_err(internal)?;
        app.visits.remove(Handle::from_key(&old.hash()));
    }
    let token = app.store.create(account.id).await.map_err(internal)?;
    Ok(HttpResponse::Ok()
        .body(format!("welcome, {}", account.name))
        .refresh_session(sessions.refresh(&token)))
}

// Without a session `User` fails: 401 before this runs.
async fn me(app: web::Data<AppState>, User(me): User<SignedIn>) -> HttpResponse {
    let visits = app.visits.bump(me.session.handle);
    HttpResponse::Ok().body(format!("{}, visit {visits}", me.account.name))
}

async fn logout(
    app: web::Data<AppState>,
    sessions: Sessions<SignedIn>,
    token: MaybeSessionToken<SignedIn>,
) -> Result<HttpResponse, Error> {
    if let MaybeSessionToken(Some(token)) = token {
        app.store.revoke(&token).await.map_err(internal)?;
        app.visits.remove(Handle::from_key(&token.hash()));
    }
    Ok(HttpResponse::Ok().body("bye").end_session(sessions.end()))
}
// end guide: actix-after-handlers

/// The sessions and the app's state, made once, outside `HttpServer::new`.
///
/// # Examples
///
/// ```
/// use example_migration::{accounts::Accounts, actix_after};
///
/// let shared = actix_after::Shared::new(Accounts::with_demo_user());
/// // HttpServer::new(move || actix_after::app(shared.clone()))
/// let app = actix_after::app(shared);
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct Shared {
    sessions: Sessions<SignedIn>,
    state: web::Data<AppState>,
}

// guide: actix-after-shared
impl Shared {
    /// The sessions in session-store's in-memory backend, over `accounts`.
    #[must_use]
    pub fn new(accounts: Accounts) -> Self {
        let policy = Policy::default() // 12 hours absolute
            .with_idle_timeout(Some(Duration::from_secs(30 * 60)));
        let store = MemoryStore::<i64>::in_memory(policy);
        let loader = AppLoader {
            store: store.clone(),
            accounts: accounts.clone(),
        };
        let sessions = Sessions::new(CookieProxy::default(), loader);
        let state = web::Data::new(AppState {
            store,
            accounts,
            visits: Visits::default(),
        });
        Self { sessions, state }
    }
}
// end guide: actix-after-shared

/// The app over `shared`.
// guide: actix-after-app
pub fn app(
    shared: Shared,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(shared.sessions)
        .app_data(shared.state)
        .route("/login", web::post().to(login))
        .route("/me", web::get().to(me))
        .route("/logout", web::post().to(logout))
        .wrap(RequireSameOrigin::new(CrossOrigin::new())) // 403 to cross-origin posts
}
// end guide: actix-after-app
