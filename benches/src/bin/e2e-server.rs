//! A loopback server for `cargo xtask bench --e2e`: one of the `frameworks` benchmark's axum
//! routers behind `axum::serve` (HTTP/1.1 over tokio, no TLS), on 127.0.0.1 only.
//!
//! `e2e-server --variant bare|ours|tower-sessions` binds `127.0.0.1:0` and prints two lines
//! before serving: `addr=127.0.0.1:PORT` and `cookie=NAME=VALUE`, the `Cookie` header of a
//! valid session for that variant (for `bare`, our session cookie, which it ignores). It
//! serves until it is killed.
//!
//! The store variants (`--variant ours-sqlite|tower-sessions-sqlite[-idle] --dir DIR`) keep
//! their sessions in a SQLite file `DIR/VARIANT.db` (WAL, made afresh at start), configured as
//! in the `stores` benchmark: `-idle` is our `Policy::default()` (30 minutes idle, touched at
//! most once a minute) against tower-sessions' `Expiry::OnInactivity(30 minutes)` with
//! `with_always_save(true)` (tower-sessions' rolling expiry: without it a session that is only
//! read is never extended); without `-idle`, ours has no idle timeout and theirs is in its
//! default configuration. They count sqlx's per-statement events from start until the first
//! `GET /queries`, which answers the count and stops counting (so the timed run does not pay
//! for sqlx's query logging).
#![allow(missing_docs)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use session_axum::{CookieProxy, Sessions, User};
use session_store::{Policy, Session, Store};
use session_store_sqlx::SqliteBackend;
use sessionkit_benches::queries::{COUNTING, QUERIES, QueryCounter};
use sessionkit_benches::tower_sessions_store_app;
use sessionkit_benches::{HELLO, Keying, axum_apps};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use tower_sessions_sqlx_store::SqliteStore as TheirSqliteStore;

const USAGE: &str = "usage: e2e-server --variant bare|ours|tower-sessions|axum-login \
                     | --variant ours-sqlite|ours-sqlite-idle|tower-sessions-sqlite|tower-sessions-sqlite-idle --dir DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (variant, dir) = match args.as_slice() {
        [flag, v] if flag == "--variant" => (v.clone(), None),
        [flag, v, dir_flag, dir] if flag == "--variant" && dir_flag == "--dir" => {
            (v.clone(), Some(PathBuf::from(dir)))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if tracing::subscriber::set_global_default(QueryCounter).is_err() {
        eprintln!("e2e-server: a tracing subscriber was already set");
        return ExitCode::FAILURE;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("e2e-server: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve(&variant, dir.as_deref())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-server: {e}");
            ExitCode::FAILURE
        }
    }
}

type Error = Box<dyn std::error::Error>;

async fn serve(variant: &str, dir: Option<&Path>) -> Result<(), Error> {
    let (router, cookie) = match (variant, dir) {
        ("bare", None) => (axum_apps::bare(), axum_apps::ours(Keying::Sha256).1),
        ("ours", None) => axum_apps::ours(Keying::Sha256),
        ("tower-sessions", None) => axum_apps::tower_sessions().await,
        ("axum-login", None) => axum_apps::axum_login().await,
        (store_variant, Some(dir)) => {
            let pool = sqlite_pool(&dir.join(format!("{store_variant}.db"))).await?;
            let (router, cookie) = match store_variant {
                "ours-sqlite" => ours(SqliteBackend::<i64>::new(pool), false).await?,
                "ours-sqlite-idle" => ours(SqliteBackend::<i64>::new(pool), true).await?,
                "tower-sessions-sqlite" => theirs(TheirSqliteStore::new(pool), false).await?,
                "tower-sessions-sqlite-idle" => theirs(TheirSqliteStore::new(pool), true).await?,
                other => return Err(format!("unknown store variant `{other}`; {USAGE}").into()),
            };
            // Count from here (the login is not a request of the run) to `GET /queries`.
            QUERIES.store(0, Ordering::SeqCst);
            COUNTING.store(true, Ordering::SeqCst);
            let queries = Router::new().route(
                "/queries",
                get(|| async {
                    COUNTING.store(false, Ordering::SeqCst);
                    QUERIES.load(Ordering::SeqCst).to_string()
                }),
            );
            (router.merge(queries), cookie)
        }
        (other, _) => return Err(format!("unknown variant `{other}`; {USAGE}").into()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "addr={addr}")?;
        writeln!(out, "cookie={cookie}")?;
        out.flush()?;
    }
    axum::serve(listener, router).await?;
    Ok(())
}

/// A fresh SQLite file (WAL, sqlx's defaults otherwise), as in the `stores` benchmark.
async fn sqlite_pool(path: &Path) -> Result<SqlitePool, Error> {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    Ok(SqlitePoolOptions::new().connect_with(options).await?)
}

/// Ours: `User<Session<i64>>` over the store, which is the loader as it is.
async fn ours(backend: SqliteBackend<i64>, idle: bool) -> Result<(Router, String), Error> {
    backend.migrate().await?;
    let policy = if idle {
        Policy::default()
    } else {
        Policy::default().with_idle_timeout(None)
    };
    let store = Store::new(backend, policy);
    let token = store.create(1).await?;
    let sessions: Sessions<Session<i64>> = Sessions::new(CookieProxy::default(), store);
    let router = Router::new()
        .route(
            "/",
            get(|User(session): User<Session<i64>>| async move {
                std::hint::black_box(session.user_id);
                HELLO
            }),
        )
        .with_state(sessions);
    Ok((router, format!("__Host-id={}", token.encode().as_str())))
}

/// Theirs: `Session` reading the user id, `POST /login` writing it.
async fn theirs(store: TheirSqliteStore, idle: bool) -> Result<(Router, String), Error> {
    store.migrate().await?;
    let router = tower_sessions_store_app(store, idle);
    let cookie = axum_apps::login(&router).await;
    Ok((router, cookie))
}
