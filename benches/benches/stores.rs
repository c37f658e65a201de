//! An authenticated request with the sessions in a database, in process: sessionkit
//! (`session-axum` + `session-store-sqlx`) against tower-sessions 0.14 +
//! tower-sessions-sqlx-store 0.15, on the same SQLite file and (under `pg_virtualenv`) the same
//! PostgreSQL database, with an idle timeout and without.
//!
//! * With an idle timeout: ours is `Policy::default()` (30 minutes idle, `last_seen_at`
//!   written at most once a minute); theirs is `Expiry::OnInactivity(30 minutes)` with
//!   `with_always_save(true)`, the configuration tower-sessions documents for a rolling
//!   expiry: without `always_save` a session that is only read is never extended, so it ends
//!   30 minutes after login however active it is.
//! * Without: ours has no idle timeout; theirs is the default configuration (saved only
//!   when modified).
//!
//! Both apps answer `GET /` with the same body after reading the session's user id; each
//! request carries the cookie of a session made through the library's own login path. The
//! two apps share one sqlx pool, and they are measured in alternation (the order flips every
//! round): the figure is the **median of the per-round ratios** of time per request (theirs
//! over ours, so it reads as our requests/s over theirs), as in `paired`. Queries per request
//! are counted from sqlx's own per-statement `sqlx::query` tracing events, for both.
//!
//! `cargo bench -p sessionkit-benches --bench stores` (SQLite only), or with PostgreSQL too:
//! `pg_virtualenv -t cargo bench -p sessionkit-benches --bench stores`.
#![allow(missing_docs)]

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Request, StatusCode};
use session_axum::{CookieProxy, Sessions, User};
use session_store::{Backend, Policy, Session, Store};
use session_store_sqlx::{PgBackend, SqliteBackend};
use sessionkit_benches::HELLO;
use sessionkit_benches::axum_apps::{login, request};
use sessionkit_benches::queries::{COUNTING, QUERIES, QueryCounter};
use sessionkit_benches::tower_sessions_store_app;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use tower::ServiceExt as _;
use tower_sessions_014::SessionStore;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore as TheirSqliteStore};

const ROUNDS: usize = 31;
const BATCH: usize = 1000;
const WARM_UP: usize = 500;
/// Requests per app whose queries are counted.
const COUNTED: u64 = 500;

fn main() {
    tracing::subscriber::set_global_default(QueryCounter).expect("the only subscriber");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!(
        "| database | idle timeout | ours µs/request | tower-sessions µs/request | our requests/s ÷ theirs (median of {ROUNDS} rounds) | IQR | queries/request ours | theirs |"
    );
    println!("|---|---|---:|---:|---:|---|---:|---:|");
    let dir = std::env::temp_dir().join(format!("sessionkit-bench-stores-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let sqlite = rt.block_on(sqlite_pool(&dir.join("sessions.db")));
    for idle in [true, false] {
        let (ours, theirs) = rt.block_on(async {
            let backend = SqliteBackend::<i64>::new(sqlite.clone())
                .with_table(if idle { "sessions_idle" } else { "sessions" })
                .expect("a table name");
            backend.migrate().await.expect("migrate ours");
            let store = TheirSqliteStore::new(sqlite.clone())
                .with_table_name(if idle {
                    "tower_sessions_idle"
                } else {
                    "tower_sessions"
                })
                .expect("a table name");
            store.migrate().await.expect("migrate theirs");
            (ours(backend, idle).await, theirs(store, idle).await)
        });
        compare(&rt, "SQLite (file, WAL)", idle, &ours, &theirs);
    }
    if std::env::var_os("PGHOST").is_some() {
        let pg = rt.block_on(pg_pool());
        for idle in [true, false] {
            let (ours, theirs) = rt.block_on(async {
                let backend = PgBackend::<i64>::new(pg.clone())
                    .with_table(if idle { "sessions_idle" } else { "sessions" })
                    .expect("a table name");
                backend.migrate().await.expect("migrate ours");
                let store = PostgresStore::new(pg.clone())
                    .with_table_name(if idle { "session_idle" } else { "session" })
                    .expect("a table name");
                store.migrate().await.expect("migrate theirs");
                (ours(backend, idle).await, theirs(store, idle).await)
            });
            compare(&rt, "PostgreSQL (loopback)", idle, &ours, &theirs);
        }
    } else {
        println!(
            "\nPostgreSQL: not measured (no PGHOST); run under `pg_virtualenv -t` to include it."
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn sqlite_pool(path: &std::path::Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .expect("open the SQLite file")
}

async fn pg_pool() -> PgPool {
    // PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, as pg_virtualenv sets them.
    PgPoolOptions::new()
        .connect_with(PgConnectOptions::new())
        .await
        .expect("connect to PostgreSQL")
}

/// One app under measurement: its router and the `Cookie` header of its session.
struct App {
    router: Router,
    cookie: String,
}

/// Ours: `User<Session<i64>>` over the store, which is the loader as it is.
async fn ours<B: Backend<UserId = i64>>(backend: B, idle: bool) -> App {
    let policy = if idle {
        Policy::default()
    } else {
        Policy::default().with_idle_timeout(None)
    };
    let store = Store::<B>::new(backend, policy);
    let token = store.create(1).await.expect("create a session");
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
    App {
        router,
        cookie: format!("__Host-id={}", token.encode().as_str()),
    }
}

/// Theirs: `Session` reading the user id, `POST /login` writing it.
async fn theirs<S: SessionStore + Clone>(store: S, idle: bool) -> App {
    let router = tower_sessions_store_app(store, idle);
    let cookie = login(&router).await;
    App { router, cookie }
}

/// Sends `n` authenticated requests (built before the clock starts); ns/request.
fn time(rt: &tokio::runtime::Runtime, app: &App, n: usize) -> f64 {
    let requests: Vec<Request<Body>> = (0..n).map(|_| request("/", Some(&app.cookie))).collect();
    let started = Instant::now();
    rt.block_on(async {
        for request in requests {
            let response = app
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
        }
    });
    started.elapsed().as_nanos() as f64 / n as f64
}

fn queries_per_request(rt: &tokio::runtime::Runtime, app: &App) -> f64 {
    QUERIES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    time(rt, app, COUNTED as usize);
    COUNTING.store(false, Ordering::SeqCst);
    QUERIES.load(Ordering::SeqCst) as f64 / COUNTED as f64
}

fn compare(rt: &tokio::runtime::Runtime, database: &str, idle: bool, ours: &App, theirs: &App) {
    time(rt, ours, WARM_UP);
    time(rt, theirs, WARM_UP);
    let (mut ours_ns, mut theirs_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (o, t) = if round % 2 == 0 {
            let o = time(rt, ours, BATCH);
            (o, time(rt, theirs, BATCH))
        } else {
            let t = time(rt, theirs, BATCH);
            (time(rt, ours, BATCH), t)
        };
        ours_ns.push(o);
        theirs_ns.push(t);
        ratios.push(t / o);
    }
    let (q_ours, q_theirs) = (
        queries_per_request(rt, ours),
        queries_per_request(rt, theirs),
    );
    let ratio = quartiles(&mut ratios);
    println!(
        "| {database} | {} | {:.1} | {:.1} | **{:.2}x** | {:.2}-{:.2} | {q_ours:.2} | {q_theirs:.2} |",
        if idle { "30 min" } else { "none" },
        quartiles(&mut ours_ns).1 / 1000.0,
        quartiles(&mut theirs_ns).1 / 1000.0,
        ratio.1,
        ratio.0,
        ratio.2,
    );
}

/// (first quartile, median, third quartile).
fn quartiles(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: usize| values[(values.len() - 1) * q / 4];
    (at(1), at(2), at(3))
}
