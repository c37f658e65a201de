//! The example site's axum glue, generic over its store: the routes, the handlers and the
//! server loop. `main.rs` runs it on the SQLite [`Store`](example_common::Store); the Redis
//! example (`examples/example-redis`) runs the same site on its own store. Any
//! [`SiteStore`] will do.
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`. Only the random token travels in the
//! cookie; the store keeps `token.hash()`.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{SiteStore, page_anonymous, page_me, page_signed_in};
use session_axum::{CookieProxy, EndSession, SessionToken, Sessions, User};

/// The account type every store loads for a session.
pub type Account = example_common::User;

/// The router's state: the store, the session configuration, and the package name that
/// prefixes log lines.
#[derive(Debug)]
pub struct App<S> {
    store: S,
    sessions: Sessions<Account>,
    package: &'static str,
}

impl<S: Clone> Clone for App<S> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            sessions: self.sessions.clone(),
            package: self.package,
        }
    }
}

impl<S> FromRef<App<S>> for Sessions<Account> {
    fn from_ref(app: &App<S>) -> Self {
        app.sessions.clone()
    }
}

/// The site's routes on `store`, with `proxy` as the session cookie; `package` prefixes the
/// lines logged on store errors (`<package>: create_session failed: ...`).
///
/// # Examples
///
/// ```no_run
/// use std::net::SocketAddr;
/// use example_common::{SessionConfig, Store};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = Store::open("site.db".as_ref(), SessionConfig::default())?;
/// let addr = SocketAddr::from(([127, 0, 0, 1], 3000));
/// let proxy = example_common::cookie_proxy("my-site", addr, false);
/// let app: axum::Router = example_axum::router("my-site", store, proxy);
/// # Ok(()) }
/// ```
pub fn router<S: SiteStore>(package: &'static str, store: S, proxy: CookieProxy) -> Router {
    let app = App {
        sessions: Sessions::new(proxy, store.clone()),
        store,
        package,
    };
    Router::new()
        .route("/", get(index))
        .route("/login", post(login::<S>))
        .route("/me", get(me))
        .route("/logout", post(logout::<S>))
        .with_state(app)
}

/// Serves the site on `addr` until the process ends, with the cookie of
/// [`cookie_proxy`](example_common::cookie_proxy)`(package, addr, secure_cookies)`. Prints, in order, the loopback notice
/// of [`cookie_proxy`](example_common::cookie_proxy) (on a loopback address), then
/// `<package>: <about_store>`, `<package>: sign in as demo / demo` and
/// `<package>: listening on http://ADDR` (the bound address: with port 0, the real port).
///
/// # Errors
///
/// Binding or serving failed.
pub async fn serve<S: SiteStore>(
    package: &'static str,
    addr: SocketAddr,
    secure_cookies: bool,
    store: S,
    about_store: &str,
) -> std::io::Result<()> {
    let proxy = example_common::cookie_proxy(package, addr, secure_cookies);
    let app = router(package, store, proxy);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    println!("{package}: {about_store}");
    println!("{package}: sign in as demo / demo");
    println!("{package}: listening on http://{addr}");
    axum::serve(listener, app).await
}

/// `GET /`: the login form, or "Signed in as NAME" with a logout button.
pub async fn index(user: Option<User<Account>>) -> Html<String> {
    Html(match user {
        Some(user) => page_signed_in(&user.name),
        None => page_anonymous(None),
    })
}

/// `GET /me`: the private page; 401 without a session.
pub async fn me(user: User<Account>) -> Html<String> {
    Html(page_me(&user.name))
}

/// The login form's fields.
#[derive(Debug, serde::Deserialize)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

/// `POST /login`: 303 to `/me` with a new session cookie, or 401 with the form.
pub async fn login<S: SiteStore>(
    State(app): State<App<S>>,
    old: Option<SessionToken<Account>>,
    axum::Form(form): axum::Form<Credentials>,
) -> Response {
    let account = match app
        .store
        .verify_password(&form.username, &form.password)
        .await
    {
        Ok(Some(account)) => account,
        Ok(None) => {
            let page = page_anonymous(Some("Wrong username or password."));
            return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
        }
        Err(err) => return server_error(app.package, "verify_password", &err),
    };
    // Session fixation defence: forget whatever session the request carried, then issue a
    // brand-new token.
    if let Some(old) = old {
        if let Err(err) = app.store.delete_session(old.token()).await {
            return server_error(app.package, "delete_session", &err);
        }
    }
    let (token, start) = match app.sessions.start() {
        Ok(started) => started,
        Err(err) => return err.into_response(),
    };
    if let Err(err) = app.store.create_session(&token, account.id).await {
        return server_error(app.package, "create_session", &err);
    }
    (start, Redirect::to("/me")).into_response()
}

/// `POST /logout`: deletes the session the request carried (if any), 303 to `/` with a
/// removal cookie.
///
/// # Errors
///
/// A bare 500 if the store fails.
pub async fn logout<S: SiteStore>(
    State(app): State<App<S>>,
    token: Option<SessionToken<Account>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.store
            .delete_session(token.token())
            .await
            .map_err(|err| server_error(app.package, "delete_session", &err))?;
    }
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// Logs the store error with its cause (neither contains a token: the stores only see
/// hashes) and answers a bare 500.
fn server_error(package: &str, what: &str, err: &(dyn std::error::Error + 'static)) -> Response {
    match err.source() {
        Some(cause) => eprintln!("{package}: {what} failed: {err}: {cause}"),
        None => eprintln!("{package}: {what} failed: {err}"),
    }
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
