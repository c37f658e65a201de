//! Before: an actix-web app on actix-session 0.11 (its `CookieSessionStore`) and
//! actix-identity 0.9.
//!
//! `POST /login` (form `username`, `password`), `GET /me` (the name and a per-session visit
//! count), `POST /logout`.

use std::time::Duration;

use actix_identity::{Identity, IdentityMiddleware};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::Key;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::ErrorUnauthorized;
use actix_web::{App, Error, HttpMessage as _, HttpRequest, HttpResponse, web};

use crate::accounts::{Accounts, Credentials};

// guide: actix-before-handlers
async fn login(
    req: HttpRequest,
    accounts: web::Data<Accounts>,
    web::Form(creds): web::Form<Credentials>,
) -> Result<HttpResponse, Error> {
    let Some(account) = accounts.verify(&creds.username, &creds.password) else {
        return Ok(HttpResponse::Unauthorized().body("bad credentials"));
    };
    // Stores the id in the session and renews the session key (session fixation).
    Identity::login(&req.extensions(), account.id.to_string())?;
    Ok(HttpResponse::Ok().body(format!("welcome, {}", account.name)))
}

// Without an identity the `Identity` extractor fails: 401 before this runs.
async fn me(
    identity: Identity,
    session: Session,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, Error> {
    let id: i64 = identity.id()?.parse().map_err(ErrorUnauthorized)?;
    let account = accounts
        .get(id)
        .ok_or_else(|| ErrorUnauthorized("no such user"))?;
    let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
    session.insert("visits", visits)?;
    Ok(HttpResponse::Ok().body(format!("{}, visit {visits}", account.name)))
}

async fn logout(identity: Option<Identity>) -> HttpResponse {
    if let Some(identity) = identity {
        identity.logout(); // Session::purge(): the cookie is removed
    }
    HttpResponse::Ok().body("bye")
}
// end guide: actix-before-handlers

/// The app; `key` signs and encrypts the session cookie (make it once, outside
/// `HttpServer::new`).
///
/// # Examples
///
/// ```
/// use actix_web::{cookie::Key, web};
/// use example_migration::{accounts::Accounts, actix_before};
///
/// let (accounts, key) = (web::Data::new(Accounts::with_demo_user()), Key::generate());
/// // HttpServer::new(move || actix_before::app(accounts.clone(), key.clone()))
/// let app = actix_before::app(accounts, key);
/// # let _ = app;
/// ```
// guide: actix-before-app
pub fn app(
    accounts: web::Data<Accounts>,
    key: Key,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let identity = IdentityMiddleware::builder()
        .visit_deadline(Some(Duration::from_secs(30 * 60)))
        .build();
    App::new()
        .app_data(accounts)
        .route("/login", web::post().to(login))
        .route("/me", web::get().to(me))
        .route("/logout", web::post().to(logout))
        .wrap(identity)
        .wrap(SessionMiddleware::new(CookieSessionStore::default(), key))
}
// end guide: actix-before-app
