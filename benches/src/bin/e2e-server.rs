//! A loopback server for `cargo xtask bench --e2e`: one of the `frameworks` benchmark's axum
//! routers behind `axum::serve` (HTTP/1.1 over tokio, no TLS), on 127.0.0.1 only.
//!
//! `e2e-server --variant bare|ours|tower-sessions|axum-login` binds `127.0.0.1:0` and prints
//! two lines before serving: `addr=127.0.0.1:PORT` and `cookie=NAME=VALUE`, the `Cookie`
//! header of a valid session for that variant (for `bare`, our session cookie, which it
//! ignores). It serves until it is killed.
//!
//! The store variants keep their sessions in a database, configured as in the `stores`
//! benchmark: `-idle` is our `Policy::default()` (30 minutes idle, touched at most once a
//! minute) against the peer's idle timeout of 30 minutes as its docs configure one
//! (tower-sessions: `Expiry::OnInactivity` with `with_always_save(true)`, its rolling expiry:
//! without it a session that is only read is never extended; actix-session: a browser-session
//! cookie with the state's TTL extended on every request); without `-idle`, ours has no idle
//! timeout and the peer is in its default configuration.
//!
//! * `ours-sqlite[-idle]`, `tower-sessions-sqlite[-idle]` with `--dir DIR`: a SQLite file
//!   `DIR/VARIANT.db` (WAL, made afresh at start).
//! * `ours-postgres[-idle]`, `tower-sessions-postgres[-idle]`: the PostgreSQL database that the
//!   `PG*` environment variables name (as `pg_virtualenv` sets them), in a schema of the
//!   variant's own (`ours_postgres_idle`, ...) dropped and made afresh at start.
//! * `ours-redis[-idle]` (axum + session-store-redis), `tower-sessions-redis[-idle]`
//!   (tower-sessions-redis-store on a fred pool of 6, as its docs show), `ours-actix-redis[-idle]`
//!   (actix-web + session-store-redis) and `actix-session-redis[-idle]` (actix-session's
//!   `RedisSessionStore`) with `--redis redis://127.0.0.1:PORT`; emptying Redis between
//!   variants is the caller's business (`xtask` sends `FLUSHALL`). The actix variants are
//!   served by `actix_web::HttpServer` (its default worker count).
//!
//! The SQL variants count sqlx's per-statement events from start until the first
//! `GET /queries`, which answers the count and stops counting (so the timed run does not pay
//! for sqlx's query logging). Redis commands are counted by the caller from Redis itself
//! (`INFO commandstats`).
#![allow(missing_docs)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use session_axum::{CookieProxy, Sessions, User};
use session_store::{Backend, Policy, Session, Store};
use session_store_redis::RedisBackend;
use session_store_sqlx::{PgBackend, SqliteBackend};
use sessionkit_benches::queries::{COUNTING, QUERIES, QueryCounter};
use sessionkit_benches::tower_sessions_store_app;
use sessionkit_benches::{HELLO, Keying, axum_apps};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore as TheirSqliteStore};

const USAGE: &str = "usage: e2e-server --variant bare|ours|tower-sessions|axum-login \
     | --variant ours-sqlite|tower-sessions-sqlite[-idle] --dir DIR \
     | --variant ours-postgres|tower-sessions-postgres[-idle] (PG* variables) \
     | --variant ours-redis|tower-sessions-redis|ours-actix-redis|actix-session-redis[-idle] \
     --redis redis://127.0.0.1:PORT";

/// The command line: `--variant V`, and `--dir DIR` or `--redis URL` where the variant needs it.
#[derive(Debug, Default)]
struct Args {
    variant: String,
    dir: Option<PathBuf>,
    redis: Option<String>,
}

impl Args {
    fn parse(args: &[String]) -> Option<Self> {
        let mut parsed = Self::default();
        let mut rest = args;
        while let [flag, value, tail @ ..] = rest {
            match flag.as_str() {
                "--variant" if parsed.variant.is_empty() => parsed.variant.clone_from(value),
                "--dir" if parsed.dir.is_none() => parsed.dir = Some(PathBuf::from(value)),
                "--redis" if parsed.redis.is_none() => parsed.redis = Some(value.clone()),
                _ => return None,
            }
            rest = tail;
        }
        (rest.is_empty() && !parsed.variant.is_empty()).then_some(parsed)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(args) = Args::parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if tracing::subscriber::set_global_default(QueryCounter).is_err() {
        eprintln!("e2e-server: a tracing subscriber was already set");
        return ExitCode::FAILURE;
    }
    let served = if let Some(idle) = actix_variant(&args.variant) {
        // actix-web runs its own runtimes: a System here, one per worker.
        actix_web::rt::System::new().block_on(serve_actix(&args, idle))
    } else {
        match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(serve(&args)),
            Err(e) => Err(format!("no tokio runtime: {e}").into()),
        }
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-server: {e}");
            ExitCode::FAILURE
        }
    }
}

type Error = Box<dyn std::error::Error>;

/// `Some(idle)` for the actix-web variants.
fn actix_variant(variant: &str) -> Option<bool> {
    match variant {
        "ours-actix-redis" | "actix-session-redis" => Some(false),
        "ours-actix-redis-idle" | "actix-session-redis-idle" => Some(true),
        _ => None,
    }
}

/// The variant without its `-idle` suffix, and whether it had one.
fn split_idle(variant: &str) -> (&str, bool) {
    variant
        .strip_suffix("-idle")
        .map_or((variant, false), |base| (base, true))
}

async fn serve(args: &Args) -> Result<(), Error> {
    let (base, idle) = split_idle(&args.variant);
    let (router, cookie) = match (args.variant.as_str(), &args.dir, &args.redis) {
        ("bare", None, None) => (axum_apps::bare(), axum_apps::ours(Keying::Sha256).1),
        ("ours", None, None) => axum_apps::ours(Keying::Sha256),
        ("tower-sessions", None, None) => axum_apps::tower_sessions().await,
        ("axum-login", None, None) => axum_apps::axum_login().await,
        (_, Some(dir), None) => {
            let pool = sqlite_pool(&dir.join(format!("{}.db", args.variant))).await?;
            let (router, cookie) = match base {
                "ours-sqlite" => {
                    let backend = SqliteBackend::<i64>::new(pool);
                    backend.migrate().await?;
                    ours(backend, idle).await?
                }
                "tower-sessions-sqlite" => {
                    let store = TheirSqliteStore::new(pool);
                    store.migrate().await?;
                    theirs(store, idle).await
                }
                other => return Err(format!("unknown SQLite variant `{other}`; {USAGE}").into()),
            };
            counting_queries(router, cookie)
        }
        (_, None, None) if base.ends_with("-postgres") => {
            let schema = args.variant.replace('-', "_");
            let pool = pg_pool(&schema).await?;
            let (router, cookie) = match base {
                "ours-postgres" => {
                    let backend = PgBackend::<i64>::new(pool);
                    backend.migrate().await?;
                    ours(backend, idle).await?
                }
                "tower-sessions-postgres" => {
                    let store = PostgresStore::new(pool).with_schema_name(&schema)?;
                    store.migrate().await?;
                    theirs(store, idle).await
                }
                other => {
                    return Err(format!("unknown PostgreSQL variant `{other}`; {USAGE}").into());
                }
            };
            counting_queries(router, cookie)
        }
        (_, None, Some(url)) => match base {
            "ours-redis" => ours(redis_backend(url, idle).await?, idle).await?,
            "tower-sessions-redis" => {
                use tower_sessions_redis_store::RedisStore;
                use tower_sessions_redis_store::fred::prelude::{ClientLike as _, Config, Pool};

                // As tower-sessions-redis-store's docs set it up: a fred pool of 6 clients.
                let pool = Pool::new(Config::from_url(url)?, None, None, None, 6)?;
                // The connection task's handle: the pool stays connected while we serve.
                let _connection = pool.connect();
                pool.wait_for_connect().await?;
                theirs(RedisStore::new(pool), idle).await
            }
            other => return Err(format!("unknown Redis variant `{other}`; {USAGE}").into()),
        },
        (other, _, _) => return Err(format!("unknown variant `{other}`; {USAGE}").into()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    announce(listener.local_addr()?, &cookie)?;
    axum::serve(listener, router).await?;
    Ok(())
}

/// Prints the two lines `xtask` reads before it sends anything.
fn announce(addr: std::net::SocketAddr, cookie: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "addr={addr}")?;
    writeln!(out, "cookie={cookie}")?;
    out.flush()?;
    Ok(())
}

/// A SQL variant's router with `GET /queries`; counting starts here (the login is not a
/// request of the run) and stops at the first `GET /queries`.
fn counting_queries(router: Router, cookie: String) -> (Router, String) {
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

/// A pool on the database the `PG*` variables name (sqlx's default pool settings, as in the
/// `stores` benchmark), whose connections see `schema` first; the schema is dropped and made
/// afresh, so every server starts from empty tables.
async fn pg_pool(schema: &str) -> Result<PgPool, Error> {
    let options = PgConnectOptions::new().options([("search_path", schema)]);
    let pool = PgPoolOptions::new().connect_with(options).await?;
    // `schema` is the variant's name with `_` for `-`: `[a-z_]` only, safe to splice.
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&pool)
        .await?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await?;
    Ok(pool)
}

/// Our policy: `Policy::default()` (30 minutes idle, touched at most once a minute), or the
/// same without an idle timeout.
fn policy(idle: bool) -> Policy {
    if idle {
        Policy::default()
    } else {
        Policy::default().with_idle_timeout(None)
    }
}

/// session-store-redis on its own `ConnectionManager`, its keys' TTLs following `policy(idle)`.
async fn redis_backend(url: &str, idle: bool) -> Result<RedisBackend<i64>, Error> {
    Ok(RedisBackend::<i64>::connect(url, policy(idle)).await?)
}

/// Ours on axum: one session for user 1, `User<Session<i64>>` over the store, which is the
/// loader as it is.
async fn ours<B: Backend<UserId = i64>>(backend: B, idle: bool) -> Result<(Router, String), Error> {
    let store = Store::new(backend, policy(idle));
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
    Ok((router, our_cookie(&token)))
}

/// The `Cookie` header of `token` under our default cookie name.
fn our_cookie(token: &session_axum::Token) -> String {
    format!("__Host-id={}", token.encode().as_str())
}

/// Theirs: `Session` reading the user id, `POST /login` writing it; logged in once.
async fn theirs<S: tower_sessions_014::SessionStore + Clone>(
    store: S,
    idle: bool,
) -> (Router, String) {
    let router = tower_sessions_store_app(store, idle);
    let cookie = axum_apps::login(&router).await;
    (router, cookie)
}

/// The actix-web variants: `actix_web::HttpServer` (default workers) on 127.0.0.1.
async fn serve_actix(args: &Args, idle: bool) -> Result<(), Error> {
    use actix_web::{App, HttpServer, web};

    let Some(url) = args.redis.as_deref() else {
        return Err(format!("`{}` needs --redis URL; {USAGE}", args.variant).into());
    };
    if args.dir.is_some() {
        return Err(format!("`{}` takes no --dir; {USAGE}", args.variant).into());
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let (server, cookie) = match split_idle(&args.variant).0 {
        "ours-actix-redis" => {
            use session_actix::{CookieProxy, Sessions, User};

            let store = Store::new(redis_backend(url, idle).await?, policy(idle));
            let token = store.create(1).await?;
            let sessions: Sessions<Session<i64>> = Sessions::new(CookieProxy::default(), store);
            let server = HttpServer::new(move || {
                App::new().app_data(sessions.clone()).route(
                    "/",
                    web::get().to(|User(session): User<Session<i64>>| async move {
                        std::hint::black_box(session.user_id);
                        HELLO
                    }),
                )
            })
            .listen(listener)?
            .run();
            (server, our_cookie(&token))
        }
        "actix-session-redis" => {
            use actix_session::storage::RedisSessionStore;

            let store = RedisSessionStore::new(url).await?;
            let app = move || actix_session_app(store.clone(), idle);
            // Log in through the same app in process: the session lands in the same Redis.
            let login = actix_web::test::init_service(app()).await;
            let request = actix_web::test::TestRequest::post().uri("/login");
            let response = actix_web::test::call_service(&login, request.to_request()).await;
            let cookie = response
                .headers()
                .get(actix_web::http::header::SET_COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .filter(|_| response.status().is_success())
                .map(str::to_owned)
                .ok_or("actix-session's POST /login set no session cookie")?;
            (HttpServer::new(app).listen(listener)?.run(), cookie)
        }
        other => return Err(format!("unknown actix variant `{other}`; {USAGE}").into()),
    };
    announce(addr, &cookie)?;
    server.await?;
    Ok(())
}

/// actix-session over `store`: `GET /` reading the user id (401 without one), `POST /login`
/// writing it. Default middleware settings (a private, i.e. encrypted, session-key cookie);
/// with `idle`, the state's TTL is 30 minutes, extended on every request
/// (`TtlExtensionPolicy::OnEveryRequest`): the idle timeout its docs describe, with the
/// browser-session cookie of its default lifecycle (as ours).
fn actix_session_app(
    store: actix_session::storage::RedisSessionStore,
    idle: bool,
) -> actix_web::App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use actix_session::config::{BrowserSession, TtlExtensionPolicy};
    use actix_session::{Session, SessionMiddleware};
    use actix_web::cookie::{Key, time};
    use actix_web::{App, HttpResponse, web};

    let middleware = SessionMiddleware::builder(store, Key::from(&[7; 64]));
    let middleware = if idle {
        middleware.session_lifecycle(
            BrowserSession::default()
                .state_ttl(time::Duration::minutes(30))
                .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
        )
    } else {
        middleware
    };
    App::new()
        .wrap(middleware.build())
        .route(
            "/",
            web::get().to(|session: Session| async move {
                match session.get::<i64>("user_id").ok().flatten() {
                    Some(user) => {
                        std::hint::black_box(user);
                        HttpResponse::Ok().body(HELLO)
                    }
                    None => HttpResponse::Unauthorized().finish(),
                }
            }),
        )
        .route(
            "/login",
            web::post().to(|session: Session| async move {
                session
                    .insert("user_id", 1_i64)
                    .map_err(actix_web::error::ErrorInternalServerError)?;
                Ok::<_, actix_web::Error>(HELLO)
            }),
        )
}
