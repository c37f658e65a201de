//! `cargo run -p example-axum`: a small real site on sessionkit + axum + SQLite.
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`. Sessions live in SQLite under
//! `token.hash()`; only the random token travels in the cookie.

use std::error::Error as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{Args, ArgsError, Store, StoreError, page_anonymous, page_me, page_signed_in};
use session_axum::{EndSession, SessionToken, Sessions, User};

/// The account type the store loads for a session.
type Account = example_common::User;

#[derive(Clone)]
struct App {
    store: Store,
    sessions: Sessions<Account>,
}

impl FromRef<App> for Sessions<Account> {
    fn from_ref(app: &App) -> Self {
        app.sessions.clone()
    }
}

fn main() -> ExitCode {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let args = match example_common::parse_args(std::env::args_os().skip(1), default_addr) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!("{}", ArgsError::Help);
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("example-axum: {err}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("example-axum: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("example-axum: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(&args.db, args.session)?;
    let proxy = example_common::cookie_proxy("example-axum", args.addr);
    let app = App {
        sessions: Sessions::new(proxy, store.clone()),
        store,
    };
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    println!("example-axum: database {}", args.db.display());
    println!("example-axum: sign in as demo / demo");
    println!("example-axum: listening on http://{addr}");
    axum::serve(listener, router(app)).await?;
    Ok(())
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/logout", post(logout))
        .with_state(app)
}

async fn index(user: Option<User<Account>>) -> Html<String> {
    Html(match user {
        Some(user) => page_signed_in(&user.name),
        None => page_anonymous(None),
    })
}

async fn me(user: User<Account>) -> Html<String> {
    Html(page_me(&user.name))
}

/// The login form's fields.
#[derive(serde::Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

async fn login(
    State(app): State<App>,
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
        Err(err) => return server_error("verify_password", &err),
    };
    // Session fixation defence: forget whatever session the request carried, then issue a
    // brand-new token.
    if let Some(old) = old {
        if let Err(err) = app.store.delete_session(old.token()) {
            return server_error("delete_session", &err);
        }
    }
    let (token, start) = match app.sessions.start() {
        Ok(started) => started,
        Err(err) => return err.into_response(),
    };
    if let Err(err) = app.store.create_session(&token, account.id) {
        return server_error("create_session", &err);
    }
    (start, Redirect::to("/me")).into_response()
}

async fn logout(
    State(app): State<App>,
    token: Option<SessionToken<Account>>,
) -> Result<(EndSession, Redirect), Response> {
    if let Some(token) = token {
        app.store
            .delete_session(token.token())
            .map_err(|err| server_error("delete_session", &err))?;
    }
    Ok((app.sessions.end(), Redirect::to("/")))
}

/// Logs the store error with its cause (neither contains a token: the store only sees hashes)
/// and answers a bare 500.
fn server_error(what: &str, err: &StoreError) -> Response {
    match err.source() {
        Some(cause) => eprintln!("example-axum: {what} failed: {err}: {cause}"),
        None => eprintln!("example-axum: {what} failed: {err}"),
    }
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
