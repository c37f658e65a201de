//! After: the same axum app on session-axum and session-store (in-memory backend).
//!
//! Same routes, same answers as [`axum_before`](crate::axum_before); the visit count lives in
//! the app's own table ([`Visits`]), keyed by the session's handle.

use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::routing::{get, post};
use axum::{Form, Router, http::StatusCode};
use session_axum::{
    CookieProxy, CrossOrigin, EndSession, RefreshSession, RequireSameOriginLayer, SessionToken,
    Sessions, User,
};
use session_store::{Handle, MemoryStore, Policy};

use crate::accounts::{Accounts, Credentials, NewPassword};
use crate::loader::{AppLoader, SignedIn, Visits};

// guide: axum-after-state
#[derive(Clone)]
struct AppState {
    sessions: Sessions<SignedIn>,
    store: MemoryStore<i64>,
    accounts: Accounts,
    visits: Visits,
}

impl FromRef<AppState> for Sessions<SignedIn> {
    fn from_ref(state: &AppState) -> Self {
        state.sessions.clone()
    }
}
// end guide: axum-after-state

fn internal(_: session_store::Error) -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

// guide: axum-after-handlers
async fn login(
    State(app): State<AppState>,
    old: Option<SessionToken<SignedIn>>,
    Form(creds): Form<Credentials>,
) -> Result<(RefreshSession, String), StatusCode> {
    let Some(account) = app.accounts.verify(&creds.username, &creds.password) else {
        return Err(StatusCode::UNAUTHORIZED);
    };
    // What `cycle_id` did (session fixation): a session the request came with ends, and
    // the login gets a new token.
    if let Some(old) = old {
        app.store.revoke(&old).await.map_err(internal)?;
        app.visits.remove(Handle::from_key(&old.hash()));
    }
    let token = app.store.create(account.id).await.map_err(internal)?;
    Ok((
        app.sessions.refresh(&token),
        format!("welcome, {}", account.name),
    ))
}

async fn me(State(app): State<AppState>, User(me): User<SignedIn>) -> String {
    let visits = app.visits.bump(me.session.handle);
    format!("{}, visit {visits}", me.account.name)
}

async fn change_password(
    State(app): State<AppState>,
    User(me): User<SignedIn>,
    token: SessionToken<SignedIn>,
    Form(form): Form<NewPassword>,
) -> Result<(RefreshSession, &'static str), StatusCode> {
    if app
        .accounts
        .set_password(me.account.id, &form.password)
        .is_none()
    {
        return Err(StatusCode::UNAUTHORIZED);
    }
    // What `session_auth_hash` did: the user's other sessions end, now.
    app.store.revoke_others(&token).await.map_err(internal)?;
    // A privilege change: a new token for this session (the old one is dead at once).
    let rotated = app.store.rotate(&token).await.map_err(internal)?;
    let new = rotated.ok_or(StatusCode::UNAUTHORIZED)?; // None: the session ended meanwhile
    app.visits
        .rekey(me.session.handle, Handle::from_key(&new.hash()));
    Ok((app.sessions.refresh(&new), "password changed"))
}

async fn logout(
    State(app): State<AppState>,
    token: Option<SessionToken<SignedIn>>,
) -> Result<(EndSession, &'static str), StatusCode> {
    if let Some(token) = token {
        app.store.revoke(&token).await.map_err(internal)?;
        app.visits.remove(Handle::from_key(&token.hash()));
    }
    Ok((app.sessions.end(), "bye"))
}
// end guide: axum-after-handlers

/// The app, with its sessions in session-store's in-memory backend.
///
/// # Examples
///
/// ```
/// use example_migration::{accounts::Accounts, axum_after};
///
/// let app: axum::Router = axum_after::app(Accounts::with_demo_user());
/// # let _ = app;
/// ```
// guide: axum-after-app
pub fn app(accounts: Accounts) -> Router {
    let policy = Policy::default() // 12 hours absolute
        .with_idle_timeout(Some(Duration::from_secs(30 * 60)));
    let store = MemoryStore::<i64>::in_memory(policy);
    let loader = AppLoader {
        store: store.clone(),
        accounts: accounts.clone(),
    };
    let sessions = Sessions::new(CookieProxy::default(), loader);
    let state = AppState {
        sessions: sessions.clone(),
        store,
        accounts,
        visits: Visits::default(),
    };
    Router::new()
        .route("/me", get(me))
        .route("/password", post(change_password))
        .route_layer(sessions.require_user()) // 401 without a user
        .route("/login", post(login))
        .route("/logout", post(logout))
        .layer(RequireSameOriginLayer::new(CrossOrigin::new())) // 403 to cross-origin posts
        .with_state(state)
}
// end guide: axum-after-app
