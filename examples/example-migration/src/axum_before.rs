//! Before: an axum app on tower-sessions 0.14 and axum-login 0.18.
//!
//! `POST /login` (form `username`, `password`), `GET /me` (the name and a per-session visit
//! count), `POST /password` (form `password`: signs out the user's other sessions),
//! `POST /logout`.

use std::convert::Infallible;

use axum::routing::{get, post};
use axum::{Form, Router, http::StatusCode};
use axum_login::{AuthManagerLayerBuilder, AuthSession, AuthUser, AuthnBackend, login_required};
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};

use crate::accounts::{Account, Accounts, Credentials, NewPassword};

// guide: axum-before-backend
impl AuthUser for Account {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    // Stored in the session at login, compared on every request: a changed password hash
    // signs out every session that logged in with the old one.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash()
    }
}

/// axum-login's backend over the users table.
#[derive(Debug, Clone)]
pub struct Backend {
    accounts: Accounts,
}

impl AuthnBackend for Backend {
    type User = Account;
    type Credentials = Credentials;
    type Error = Infallible;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<Account>, Infallible> {
        Ok(self.accounts.verify(&creds.username, &creds.password))
    }

    async fn get_user(&self, id: &i64) -> Result<Option<Account>, Infallible> {
        Ok(self.accounts.get(*id))
    }
}
// end guide: axum-before-backend

// guide: axum-before-handlers
async fn login(
    mut auth: AuthSession<Backend>,
    Form(creds): Form<Credentials>,
) -> Result<String, StatusCode> {
    let Ok(Some(account)) = auth.authenticate(creds).await else {
        return Err(StatusCode::UNAUTHORIZED);
    };
    // Stores the user id and auth hash in the session, cycling its id (session fixation).
    auth.login(&account)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(format!("welcome, {}", account.name))
}

async fn me(auth: AuthSession<Backend>) -> Result<String, StatusCode> {
    let account = auth.user.ok_or(StatusCode::UNAUTHORIZED)?; // login_required! ran first
    let visits: u32 = auth
        .session
        .get("visits")
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .unwrap_or(0);
    auth.session
        .insert("visits", visits + 1)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(format!("{}, visit {}", account.name, visits + 1))
}

async fn change_password(
    mut auth: AuthSession<Backend>,
    Form(form): Form<NewPassword>,
) -> Result<&'static str, StatusCode> {
    let id = auth.user.as_ref().ok_or(StatusCode::UNAUTHORIZED)?.id;
    let account = auth
        .backend
        .accounts
        .set_password(id, &form.password)
        .ok_or(StatusCode::UNAUTHORIZED)?;
    // The new hash signs out the other sessions; logging in again keeps this one.
    auth.login(&account)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok("password changed")
}

async fn logout(mut auth: AuthSession<Backend>) -> Result<&'static str, StatusCode> {
    auth.logout() // session.flush(): data deleted in the store, cookie removed
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok("bye")
}
// end guide: axum-before-handlers

/// The app, with its sessions in tower-sessions' `MemoryStore`.
///
/// # Examples
///
/// ```
/// use example_migration::{accounts::Accounts, axum_before};
///
/// let app: axum::Router = axum_before::app(Accounts::with_demo_user());
/// # let _ = app;
/// ```
// guide: axum-before-app
pub fn app(accounts: Accounts) -> Router {
    let sessions = SessionManagerLayer::new(MemoryStore::default())
        .with_expiry(Expiry::OnInactivity(Duration::minutes(30)));
    let auth = AuthManagerLayerBuilder::new(Backend { accounts }, sessions).build();
    Router::new()
        .route("/me", get(me))
        .route("/password", post(change_password))
        .route_layer(login_required!(Backend)) // 401 without a user
        .route("/login", post(login))
        .route("/logout", post(logout))
        .layer(auth)
}
// end guide: axum-before-app
