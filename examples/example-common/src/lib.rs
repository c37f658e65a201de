//! The framework-neutral half of the sessionkit example sites: their database ([`SiteDb`]:
//! the users table beside the ready session store of `session-store-sqlx`, in SQLite or
//! PostgreSQL, and the [`session_cookie::Loader`] that reads both in one query), the HTML
//! pages (the "your sessions" page included), the command line, the session cookie's
//! settings ([`cookie_proxy`]) and the binaries' `main` ([`run_main`]). The axum and
//! actix-web examples add only their framework's glue, so both sites behave the same; the
//! Redis example reuses the same pieces around its own store.
//!
//! * Only `Token::hash()` is stored, never the token.
//! * The absolute lifetime and the idle timeout ([`SessionConfig`]) are enforced by the
//!   store, on every load.
//! * The demo account `demo` / `demo` is created on first start, with an Argon2id hash.
//! * Logins go through a [`LoginGate`]: throttled per account and per client address, and at
//!   most about one Argon2 hash per core at once (the others wait briefly, then get 503).
//! * The sites log on stderr ([`init_logging`], `RUST_LOG`): a failed session loader, a failed
//!   store call, startup; one line per request at DEBUG.
//! * Beside the pages, a small JSON API for clients without cookies (`/api/login`,
//!   `/api/me`, `/api/logout`; [`token_json`], [`me_json`]): the same sessions, carried as
//!   `Authorization: Bearer <token>`.
//! * The sites stop gracefully on SIGINT and SIGTERM ([`serve_until_signalled`]): the requests
//!   in flight finish, the exit status is 0.
//!
//! # Features
//!
//! * `e2e`: the `example_common::e2e` module, the end-to-end test both sites run against their real
//!   binary (an HTTP client with a cookie store: `reqwest`). For dev-dependencies only.

mod api;
mod args;
mod ci;
mod config;
mod cookie;
mod db;
#[cfg(feature = "e2e")]
pub mod e2e;
mod error;
mod html;
mod logging;
mod login;
mod password;
mod run;
mod shutdown;
mod site_sessions;

pub use crate::api::{API_CONTENT_TYPE, me_json, token_json};
pub use crate::args::{Args, ArgsError, DEFAULT_DB, EarlyExit, parse_args};
pub use crate::ci::under_ci;
pub use crate::config::{SessionConfig, User};
pub use crate::cookie::{INSECURE_DEV_COOKIES, cookie_proxy};
pub use crate::db::{Database, PURGE_INTERVAL, SessionStore, SiteDb, SqlBackend};
pub use crate::error::{StoreError, describe};
pub use crate::html::{
    Credentials, RevokeForm, escape_html, page_anonymous, page_home, page_login_failed, page_me,
    page_sessions, page_signed_in,
};
pub use crate::logging::{ACCESS_TARGET, DEFAULT_LOG_FILTER, RequestLine, init_logging};
pub use crate::login::{HashPermit, LoginGate, LoginLimits, Refusal};
pub use crate::password::{DEMO_PASSWORD, DEMO_USER, hash_password, verify_password_hash};
pub use crate::run::{announce, block_on_tokio, run_main};
pub use crate::shutdown::{
    DRAIN_TIMEOUT, ShutdownRequested, ShutdownSignals, serve_until_signalled,
};
pub use crate::site_sessions::{Revoked, SiteSessions};
