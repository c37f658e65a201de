//! `cargo run -p example-axum`: a small real site on sessionkit + axum + the ready session
//! store of `session-store-sqlx`, in a SQLite file (`--db PATH`, the default) or PostgreSQL
//! (`--postgres URL`).
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`, and the "your sessions" page:
//! `GET /sessions` (401 without a session; every session of the user, the current one
//! marked), `POST /sessions/revoke` (one session, by its handle), `POST
//! /sessions/revoke-others`, `POST /sessions/revoke-all`. Sessions live in the database under
//! `token.hash()`, labelled with the browser's User-Agent; only the random token travels in
//! the cookie. A state-changing request from another origin (cross-site request forgery,
//! login CSRF included) is refused with 403. The routes and handlers are this package's
//! library (`example_axum::router`, over any `SiteData`: `example-redis` runs them on Redis);
//! this binary opens the database and serves them.
//!
//! Logs on stderr (`RUST_LOG`, default `info`; `RUST_LOG=info,access=debug` adds one line per
//! request); a failed session loader is an ERROR line with its cause. Stops gracefully on
//! SIGINT (Ctrl-C) and SIGTERM: the requests in flight finish, then it exits with 0.

use std::net::SocketAddr;
use std::process::ExitCode;

use example_common::{Args, PURGE_INTERVAL, ShutdownSignals, SiteDb};

const PACKAGE: &str = "example-axum";

fn main() -> ExitCode {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let args = example_common::parse_args(std::env::args_os().skip(1), default_addr);
    example_common::run_main(PACKAGE, args, |args| {
        example_common::block_on_tokio(serve(args))
    })
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // First: from here on SIGINT and SIGTERM stop the site gracefully, never abruptly.
    let signals = ShutdownSignals::register()?;
    let db = SiteDb::open(&args.database, args.session).await?;
    db.spawn_purge(PURGE_INTERVAL);
    let about = args.database.describe();
    example_axum::serve(PACKAGE, db, &args, &about, signals).await?;
    Ok(())
}
