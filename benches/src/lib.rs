//! The applications the benchmarks compare, and the one table of variants (id, app, path,
//! cookie, expected status) per framework, shared by the criterion benches
//! (`benches/frameworks.rs`), the allocation counts (`benches/allocations.rs`), the
//! instruction counts (`benches/instructions.rs`) and the loopback server
//! (`src/bin/e2e-server.rs`, apps only): every bench measures the same variants.
//!
//! Every handler answers the same static `hello`; the session variants first touch the
//! user (or the one session value) so that nothing is optimised away. Each session variant
//! comes with the `Cookie` header of a valid session, made through the library's own login
//! path before any measurement.
// A benchmark harness: setup failures panic on purpose, and nothing here is a public API.
#![allow(missing_docs, clippy::missing_panics_doc, clippy::must_use_candidate)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{Future, ready};
use std::hint::black_box;
use std::sync::{Arc, Mutex};

/// The body every handler answers.
pub const HELLO: &str = "hello";

/// The user our loader returns: what an application typically keeps per session.
#[derive(Clone, Debug)]
pub struct Me {
    pub id: u64,
    pub name: Arc<str>,
}

fn ada() -> Me {
    Me {
        id: 1,
        name: Arc::from("ada"),
    }
}

/// The in-memory loader: `Token::hash()` (SHA-256, the storage key the docs ask for) -> user.
#[derive(Clone, Debug, Default)]
pub struct HashedMapLoader {
    map: Arc<HashMap<[u8; 32], Me>>,
}

impl session_axum::Loader for HashedMapLoader {
    type User = Me;
    type Error = Infallible;

    fn load(
        &self,
        token: &session_axum::Token,
    ) -> impl Future<Output = Result<Option<Me>, Infallible>> + Send {
        ready(Ok(self.map.get(&token.hash()).cloned()))
    }
}

/// The same map keyed by the raw token bytes: no SHA-256, to show the library's cost alone.
#[derive(Clone, Debug, Default)]
pub struct RawMapLoader {
    map: Arc<HashMap<[u8; 32], Me>>,
}

impl session_axum::Loader for RawMapLoader {
    type User = Me;
    type Error = Infallible;

    fn load(
        &self,
        token: &session_axum::Token,
    ) -> impl Future<Output = Result<Option<Me>, Infallible>> + Send {
        ready(Ok(self.map.get(token.as_bytes()).cloned()))
    }
}

impl session_axum::SyncLoader for RawMapLoader {
    type User = Me;
    type Error = Infallible;

    fn load_sync(&self, token: &session_axum::Token) -> Result<Option<Me>, Infallible> {
        Ok(self.map.get(token.as_bytes()).cloned())
    }
}

/// A fixed session token (the benchmarks need the same cookie in every run) and its
/// `Cookie` header for our default cookie name.
fn our_session() -> (session_axum::Token, String) {
    let token = session_axum::Token::from_bytes(*b"0123456789abcdefghijklmnopqrstuv");
    let header = format!("__Host-id={}", token.encode().as_str());
    (token, header)
}

/// Which `Cookie` header a variant's requests carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieHeader {
    /// No `Cookie` header.
    Absent,
    /// The app's session cookie alone.
    Lone,
    /// A browser's header: five cookies, ~300 bytes, the session cookie in the middle
    /// ([`realistic_header`]).
    Realistic,
    /// The same header without the session cookie: an anonymous visitor with the site's
    /// other cookies.
    OthersOnly,
}

impl CookieHeader {
    /// The header for a session pair (`name=value`), if any.
    pub fn header(self, session: &str) -> Option<String> {
        match self {
            Self::Absent => None,
            Self::Lone => Some(session.to_owned()),
            Self::Realistic => Some(realistic_header(Some(session))),
            Self::OthersOnly => Some(realistic_header(None)),
        }
    }
}

/// Two analytics cookies, a preference, a percent-encoded JSON blob and, in the middle, the
/// session pair: ~300 bytes, as `session-cookie`'s own `load-realistic-300B` benchmark.
pub fn realistic_header(session: Option<&str>) -> String {
    let session = session.map(|pair| format!("{pair}; ")).unwrap_or_default();
    format!(
        "_ga=GA1.1.1827394561.1716212345; theme=dark; {session}\
         _ga_Q1W2E3R4T5=GS1.1.1716212345.3.1.1716213456.0.0.0; \
         prefs=%7B%22lang%22%3A%22en-GB%22%2C%22tz%22%3A%22Europe%2FLondon%22%2C%22density%22%3A%22compact%22%2C%22beta%22%3Atrue%7D"
    )
}

/// Our `Sessions` of either adapter: `Sessions::new` with the default cookie and a loader
/// that knows `ada` under [`our_session`]'s token.
trait NewSessions {
    fn with<L>(loader: L) -> Self
    where
        L: session_axum::Loader<User = Me> + Send + Sync + 'static;
    fn with_sync<L>(loader: L) -> Self
    where
        L: session_axum::SyncLoader<User = Me> + Send + Sync + 'static;
}

impl NewSessions for session_axum::Sessions<Me> {
    fn with<L>(loader: L) -> Self
    where
        L: session_axum::Loader<User = Me> + Send + Sync + 'static,
    {
        Self::new(session_axum::CookieProxy::default(), loader)
    }

    fn with_sync<L>(loader: L) -> Self
    where
        L: session_axum::SyncLoader<User = Me> + Send + Sync + 'static,
    {
        Self::new_sync(session_axum::CookieProxy::default(), loader)
    }
}

impl NewSessions for session_actix::Sessions<Me> {
    fn with<L>(loader: L) -> Self
    where
        L: session_axum::Loader<User = Me> + Send + Sync + 'static,
    {
        Self::new(session_actix::CookieProxy::default(), loader)
    }

    fn with_sync<L>(loader: L) -> Self
    where
        L: session_axum::SyncLoader<User = Me> + Send + Sync + 'static,
    {
        Self::new_sync(session_actix::CookieProxy::default(), loader)
    }
}

/// The `ours` variants' sessions, keyed as `keying` says, and the `Cookie` header that
/// carries the session.
fn our_sessions<S: NewSessions>(keying: Keying) -> (S, String) {
    let (token, cookie) = our_session();
    let sessions = match keying {
        Keying::Sha256 => S::with(HashedMapLoader {
            map: HashMap::from([(token.hash(), ada())]).into(),
        }),
        Keying::Raw => S::with_sync(RawMapLoader {
            map: HashMap::from([(*token.as_bytes(), ada())]).into(),
        }),
        Keying::RawAsync => S::with(RawMapLoader {
            map: HashMap::from([(*token.as_bytes(), ada())]).into(),
        }),
    };
    (sessions, cookie)
}

/// Which loader map the `ours` variants use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keying {
    /// `Token::hash()` -> user, as the docs recommend.
    Sha256,
    /// Raw token bytes -> user, the loader answering at once (`Sessions::new_sync`, a
    /// [`SyncLoader`](session_axum::SyncLoader)): what an in-memory loader is.
    Raw,
    /// The same map through the async [`Loader`](session_axum::Loader) (`Sessions::new`):
    /// its future boxed per request.
    RawAsync,
}

/// One benchmark variant, a row of [`axum_apps::VARIANTS`] or [`actix_apps::VARIANTS`]:
/// `GET path` to `app` with the `Cookie` header `cookie` around the app's session cookie
/// (for the bare app, ours), answered with `status`.
#[derive(Clone, Copy, Debug)]
pub struct Variant<A> {
    /// The benchmark id (criterion function id, table row): BENCHMARKS.md and `report` read it.
    pub id: &'static str,
    pub app: A,
    pub path: &'static str,
    pub cookie: CookieHeader,
    pub status: u16,
}

impl<A> Variant<A> {
    const fn new(
        id: &'static str,
        app: A,
        path: &'static str,
        cookie: CookieHeader,
        status: u16,
    ) -> Self {
        Self {
            id,
            app,
            path,
            cookie,
            status,
        }
    }

    /// The variant `id` of `variants`; panics on an unknown id.
    fn find<'a>(variants: &'a [Self], framework: &str, id: &str) -> &'a Self {
        variants
            .iter()
            .find(|v| v.id == id)
            .unwrap_or_else(|| panic!("unknown {framework} variant {id}"))
    }

    /// The id of the bare variant that `id` is compared with: the one with the same path
    /// and the same `Cookie` header (a bare variant is its own counterpart). Every bench
    /// and the report divide by it. `None` for an id not in `variants`.
    fn bare_for(variants: &[Self], id: &str) -> Option<&'static str> {
        let variant = variants.iter().find(|v| v.id == id)?;
        variants
            .iter()
            .find(|v| {
                v.id.starts_with("bare-") && v.path == variant.path && v.cookie == variant.cookie
            })
            .map(|v| v.id)
    }
}

/// The peer's app for the store benches (`stores`, and `e2e-server`'s loopback variants):
/// tower-sessions 0.14 over any of its stores, `GET /` reading the user id, `POST /login`
/// writing it. With `idle`, a 30-minute `Expiry::OnInactivity` plus `with_always_save(true)`:
/// without it a session that is only read is never extended, so that is the configuration
/// that keeps an idle timeout.
pub fn tower_sessions_store_app<S>(store: S, idle: bool) -> axum::Router
where
    S: tower_sessions_014::SessionStore + Clone,
{
    use axum::routing::{get, post};
    use tower_sessions_014::cookie::time;
    use tower_sessions_014::{Expiry, Session, SessionManagerLayer};

    let layer = SessionManagerLayer::new(store);
    let layer = if idle {
        layer
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(30)))
            .with_always_save(true)
    } else {
        layer
    };
    axum::Router::new()
        .route(
            "/",
            get(|session: Session| async move {
                let user: Option<i64> = session.get("user_id").await.ok().flatten();
                black_box(user.expect("a signed-in session"));
                HELLO
            }),
        )
        .route(
            "/login",
            post(|session: Session| async move {
                session.insert("user_id", 1_i64).await.map_err(|_| ())?;
                Ok::<_, ()>(HELLO)
            }),
        )
        .layer(layer)
}

/// Queries per request: sqlx's per-statement tracing events, counted by the `stores` bench
/// and the loopback server.
pub mod queries {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    /// Counts sqlx's per-statement events (target `sqlx::query`) while [`COUNTING`] is on;
    /// otherwise says "disabled", so that sqlx does not even format them.
    #[derive(Debug)]
    pub struct QueryCounter;

    pub static COUNTING: AtomicBool = AtomicBool::new(false);
    pub static QUERIES: AtomicU64 = AtomicU64::new(0);

    impl tracing::Subscriber for QueryCounter {
        fn register_callsite(
            &self,
            _: &'static tracing::Metadata<'static>,
        ) -> tracing::subscriber::Interest {
            tracing::subscriber::Interest::sometimes()
        }

        fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
            COUNTING.load(Ordering::Relaxed) && metadata.target() == "sqlx::query"
        }

        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }

        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

        fn event(&self, _: &tracing::Event<'_>) {
            QUERIES.fetch_add(1, Ordering::Relaxed);
        }

        fn enter(&self, _: &tracing::span::Id) {}

        fn exit(&self, _: &tracing::span::Id) {}
    }
}

pub mod axum_apps {
    //! axum 0.8 routers: `/` is the measured route; `/maybe` the optional extractor.

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use http::{Request, StatusCode, header};
    use session_axum::{Sessions, User};
    use tower::ServiceExt as _;

    use super::CookieHeader::{Absent, Lone, OthersOnly, Realistic};
    use super::{HELLO, Keying, Me, Variant, black_box, our_session};

    /// The app of an axum variant.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum AppKind {
        Bare,
        /// Bare with one extractor that reads nothing: axum's own price of any extractor.
        NoopExtractor,
        Ours(Keying),
        TowerSessions,
        AxumLogin,
    }

    /// Every axum variant, in table order: what `frameworks`, `allocations`, `instructions`
    /// and `paired` measure.
    #[rustfmt::skip]
    pub const VARIANTS: [Variant<AppKind>; 17] = [
        Variant::new("bare-no-cookie", AppKind::Bare, "/", Absent, 200),
        Variant::new("bare-cookie", AppKind::Bare, "/", Lone, 200),
        Variant::new("bare-realistic-cookie", AppKind::Bare, "/", Realistic, 200),
        Variant::new("bare-maybe-no-cookie", AppKind::Bare, "/maybe", Absent, 200),
        Variant::new("bare-maybe-others-no-session", AppKind::Bare, "/maybe", OthersOnly, 200),
        Variant::new("noop-extractor-cookie", AppKind::NoopExtractor, "/", Lone, 200),
        Variant::new("ours-cookie", AppKind::Ours(Keying::Sha256), "/", Lone, 200),
        Variant::new("ours-rawkey-cookie", AppKind::Ours(Keying::Raw), "/", Lone, 200),
        Variant::new("ours-rawkey-async-cookie", AppKind::Ours(Keying::RawAsync), "/", Lone, 200),
        Variant::new("ours-rawkey-realistic-cookie", AppKind::Ours(Keying::Raw), "/", Realistic, 200),
        Variant::new("ours-no-cookie-401", AppKind::Ours(Keying::Sha256), "/", Absent, 401),
        Variant::new("ours-optional-no-cookie", AppKind::Ours(Keying::Sha256), "/maybe", Absent, 200),
        Variant::new("ours-optional-others-no-session", AppKind::Ours(Keying::Sha256), "/maybe", OthersOnly, 200),
        Variant::new("tower-sessions-cookie", AppKind::TowerSessions, "/", Lone, 200),
        Variant::new("tower-sessions-no-cookie", AppKind::TowerSessions, "/", Absent, 200),
        Variant::new("axum-login-cookie", AppKind::AxumLogin, "/", Lone, 200),
        Variant::new("axum-login-no-cookie", AppKind::AxumLogin, "/", Absent, 200),
    ];

    /// A variant with its app built: the router, and the `Cookie` header its requests carry.
    #[derive(Clone, Debug)]
    pub struct Case {
        pub id: &'static str,
        pub router: Router,
        pub path: &'static str,
        pub cookie: Option<String>,
        pub status: u16,
    }

    impl Variant<AppKind> {
        /// Builds the app (the peers log in on `rt`).
        pub fn build(&self, rt: &tokio::runtime::Runtime) -> Case {
            let (router, cookie) = match self.app {
                AppKind::Bare => (bare(), our_session().1),
                AppKind::NoopExtractor => (noop_extractor(), our_session().1),
                AppKind::Ours(keying) => ours(keying),
                AppKind::TowerSessions => rt.block_on(tower_sessions()),
                AppKind::AxumLogin => rt.block_on(axum_login()),
            };
            Case {
                id: self.id,
                router,
                path: self.path,
                cookie: self.cookie.header(&cookie),
                status: self.status,
            }
        }
    }

    /// Every variant of [`VARIANTS`], built.
    pub fn cases(rt: &tokio::runtime::Runtime) -> Vec<Case> {
        VARIANTS.iter().map(|v| v.build(rt)).collect()
    }

    /// The variant `id`, built; panics on an unknown id.
    pub fn case(rt: &tokio::runtime::Runtime, id: &str) -> Case {
        Variant::find(&VARIANTS, "axum", id).build(rt)
    }

    /// The bare variant `id` is compared with (same path, same `Cookie` header); `None` for
    /// an id not in [`VARIANTS`].
    pub fn bare_for(id: &str) -> Option<&'static str> {
        Variant::bare_for(&VARIANTS, id)
    }

    impl Case {
        /// A new request of this variant (built outside any measurement).
        pub fn request(&self) -> Request<Body> {
            request(self.path, self.cookie.as_deref())
        }

        /// Sends `request` on `rt`, drops the response and asserts its status.
        #[inline]
        pub fn send(&self, rt: &tokio::runtime::Runtime, request: Request<Body>) {
            let response = rt
                .block_on(self.router.clone().oneshot(request))
                .expect("infallible");
            assert_eq!(response.status().as_u16(), self.status, "axum/{}", self.id);
        }
    }

    /// `GET /` -> `hello`; `GET /maybe` too (the route of the optional variant, so that its
    /// anonymous request has a bare counterpart with the same path).
    pub fn bare() -> Router {
        Router::new()
            .route("/", get(|| async { HELLO }))
            .route("/maybe", get(|| async { HELLO }))
    }

    /// An extractor that reads nothing and never fails.
    #[derive(Debug)]
    pub struct Noop;

    impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Noop {
        type Rejection = std::convert::Infallible;

        async fn from_request_parts(
            _: &mut http::request::Parts,
            _: &S,
        ) -> Result<Self, Self::Rejection> {
            Ok(Self)
        }
    }

    /// `GET /` -> `hello` with one [`Noop`] extractor: what axum charges for a handler that
    /// takes any extractor (the request split into parts, the extractor's future), the
    /// floor under every session extractor.
    pub fn noop_extractor() -> Router {
        Router::new().route("/", get(|_: Noop| async { HELLO }))
    }

    /// `GET /` with our required `User<Me>` extractor, `GET /maybe` with `Option<User<Me>>`;
    /// the loader is an in-memory map. Returns the router and a valid `Cookie` header.
    pub fn ours(keying: Keying) -> (Router, String) {
        let (sessions, cookie): (Sessions<Me>, _) = super::our_sessions(keying);
        let router = Router::new()
            .route(
                "/",
                get(|User(me): User<Me>| async move {
                    black_box(me);
                    HELLO
                }),
            )
            .route(
                "/maybe",
                get(|me: Option<User<Me>>| async move {
                    black_box(me);
                    HELLO
                }),
            )
            .with_state(sessions);
        (router, cookie)
    }

    /// tower-sessions with its `MemoryStore`: `GET /` reads one value (`user`), `POST /login`
    /// writes it. Returns the router and the `Cookie` header of a logged-in session.
    pub async fn tower_sessions() -> (Router, String) {
        use tower_sessions::{MemoryStore, Session, SessionManagerLayer};

        let router = Router::new()
            .route(
                "/",
                get(|session: Session| async move {
                    let user: Option<String> = session.get("user").await.ok().flatten();
                    black_box(user);
                    HELLO
                }),
            )
            .route(
                "/login",
                axum::routing::post(|session: Session| async move {
                    session.insert("user", "ada").await.map_err(|_| ())?;
                    Ok::<_, ()>(HELLO)
                }),
            )
            .layer(SessionManagerLayer::new(MemoryStore::default()));
        let cookie = login(&router).await;
        (router, cookie)
    }

    /// axum-login (on tower-sessions' `MemoryStore`) with an in-memory backend: `GET /` takes
    /// `AuthSession` and reads its user, `POST /login` logs user 1 in.
    pub async fn axum_login() -> (Router, String) {
        use axum_login::{AuthManagerLayerBuilder, AuthSession};
        // axum-login 0.18 is built on tower-sessions 0.14.
        use tower_sessions_014::{MemoryStore, SessionManagerLayer};

        let backend = login_backend::Backend::default();
        let layer =
            AuthManagerLayerBuilder::new(backend, SessionManagerLayer::new(MemoryStore::default()))
                .build();
        let router = Router::new()
            .route(
                "/",
                get(|auth: AuthSession<login_backend::Backend>| async move {
                    black_box(auth.user);
                    HELLO
                }),
            )
            .route(
                "/login",
                axum::routing::post(|mut auth: AuthSession<login_backend::Backend>| async move {
                    let user = auth.backend.users[&1].clone();
                    auth.login(&user).await.map_err(|_| ())?;
                    Ok::<_, ()>(HELLO)
                }),
            )
            .layer(layer);
        let cookie = login(&router).await;
        (router, cookie)
    }

    /// `POST /login` once and turn its `Set-Cookie` into a `Cookie` header.
    pub async fn login(router: &Router) -> String {
        let request = Request::post("/login")
            .body(Body::empty())
            .expect("a valid request");
        let response = router.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        let set_cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("an ASCII Set-Cookie");
        set_cookie
            .split(';')
            .next()
            .expect("a name=value pair")
            .to_owned()
    }

    /// `GET path`, with `cookie` as the `Cookie` header when given.
    ///
    /// The URI is `Uri::from_static`: cloning it (axum does, for `OriginalUri`) is free, as
    /// it is for a URI hyper parsed from its read buffer. A URI parsed from a `&str` would
    /// allocate on its first clone for every path but `/`, which made `/maybe` cost one
    /// allocation more than `/` for a reason that has nothing to do with sessions.
    pub fn request(path: &'static str, cookie: Option<&str>) -> Request<Body> {
        let mut builder = Request::get(http::Uri::from_static(path));
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder.body(Body::empty()).expect("a valid request")
    }

    mod login_backend {
        //! The smallest axum-login backend: users in a `HashMap`, no password check.

        use std::collections::HashMap;
        use std::convert::Infallible;
        use std::sync::Arc;

        use axum_login::{AuthUser, AuthnBackend, UserId};

        #[derive(Clone, Debug)]
        pub(super) struct LoginUser {
            id: u64,
            name: Arc<str>,
            /// What axum-login compares to invalidate sessions (a password hash, usually).
            auth_hash: Arc<[u8]>,
        }

        impl AuthUser for LoginUser {
            type Id = u64;

            fn id(&self) -> u64 {
                self.id
            }

            fn session_auth_hash(&self) -> &[u8] {
                &self.auth_hash
            }
        }

        #[derive(Clone, Debug)]
        pub(super) struct Backend {
            pub(super) users: Arc<HashMap<u64, LoginUser>>,
        }

        impl Default for Backend {
            fn default() -> Self {
                let user = LoginUser {
                    id: 1,
                    name: Arc::from("ada"),
                    auth_hash: Arc::from(&b"0123456789abcdef0123456789abcdef"[..]),
                };
                debug_assert_eq!(&*user.name, "ada");
                Self {
                    users: Arc::new(HashMap::from([(1, user)])),
                }
            }
        }

        impl AuthnBackend for Backend {
            type User = LoginUser;
            type Credentials = ();
            type Error = Infallible;

            async fn authenticate(&self, (): ()) -> Result<Option<LoginUser>, Infallible> {
                Ok(None)
            }

            async fn get_user(&self, id: &UserId<Self>) -> Result<Option<LoginUser>, Infallible> {
                Ok(self.users.get(id).cloned())
            }
        }
    }
}

pub mod actix_apps {
    //! actix-web 4 apps. Build them inside an actix `System` (`init_service`).

    use actix_web::dev::{Service, ServiceResponse};
    use actix_web::http::header;
    use actix_web::{App, test, web};
    use session_actix::{MaybeUser, Sessions, User};

    use super::CookieHeader::{Absent, Lone, OthersOnly, Realistic};
    use super::{HELLO, HashMap, Keying, Me, Variant, black_box, our_session};

    /// The app of an actix-web variant.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum AppKind {
        Bare,
        /// Bare with one extractor that reads nothing: actix-web's own price of any extractor.
        NoopExtractor,
        Ours(Keying),
        ActixSession,
    }

    /// Every actix-web variant, in table order: what `frameworks`, `allocations`,
    /// `instructions` and `paired` measure.
    #[rustfmt::skip]
    pub const VARIANTS: [Variant<AppKind>; 15] = [
        Variant::new("bare-no-cookie", AppKind::Bare, "/", Absent, 200),
        Variant::new("bare-cookie", AppKind::Bare, "/", Lone, 200),
        Variant::new("bare-realistic-cookie", AppKind::Bare, "/", Realistic, 200),
        Variant::new("bare-maybe-no-cookie", AppKind::Bare, "/maybe", Absent, 200),
        Variant::new("bare-maybe-others-no-session", AppKind::Bare, "/maybe", OthersOnly, 200),
        Variant::new("noop-extractor-cookie", AppKind::NoopExtractor, "/", Lone, 200),
        Variant::new("ours-cookie", AppKind::Ours(Keying::Sha256), "/", Lone, 200),
        Variant::new("ours-rawkey-cookie", AppKind::Ours(Keying::Raw), "/", Lone, 200),
        Variant::new("ours-rawkey-async-cookie", AppKind::Ours(Keying::RawAsync), "/", Lone, 200),
        Variant::new("ours-rawkey-realistic-cookie", AppKind::Ours(Keying::Raw), "/", Realistic, 200),
        Variant::new("ours-no-cookie-401", AppKind::Ours(Keying::Sha256), "/", Absent, 401),
        Variant::new("ours-optional-no-cookie", AppKind::Ours(Keying::Sha256), "/maybe", Absent, 200),
        Variant::new("ours-optional-others-no-session", AppKind::Ours(Keying::Sha256), "/maybe", OthersOnly, 200),
        Variant::new("actix-session-cookie", AppKind::ActixSession, "/", Lone, 200),
        Variant::new("actix-session-no-cookie", AppKind::ActixSession, "/", Absent, 200),
    ];

    /// A variant with its app built (borrowed: the app types differ per variant, so the
    /// benches see them through [`Visit`]).
    #[derive(Debug)]
    pub struct Case<'a, A> {
        pub id: &'static str,
        pub app: &'a A,
        pub path: &'static str,
        pub cookie: Option<&'a str>,
        pub status: u16,
    }

    impl<A: TestApp> Case<'_, A> {
        /// A new request of this variant (built outside any measurement).
        pub fn request(&self) -> actix_http::Request {
            request(self.path, self.cookie)
        }

        /// Sends `request` on `system`, drops the response and asserts its status.
        #[inline]
        pub fn send(&self, system: &actix_web::rt::SystemRunner, request: actix_http::Request) {
            let response = system.block_on(test::call_service(self.app, request));
            assert_eq!(response.status().as_u16(), self.status, "actix/{}", self.id);
        }
    }

    /// What a bench does with one built variant.
    pub trait Visit {
        fn visit<A: TestApp>(&mut self, case: &Case<'_, A>);
    }

    impl Variant<AppKind> {
        /// Builds the app inside `system` and hands the case to `visitor`.
        pub fn visit(&self, system: &actix_web::rt::SystemRunner, visitor: &mut impl Visit) {
            match self.app {
                AppKind::Bare => {
                    let app = system.block_on(bare());
                    let header = self.cookie.header(&our_session().1);
                    visitor.visit(&self.case(&app, header.as_deref()));
                }
                AppKind::NoopExtractor => {
                    let app = system.block_on(noop_extractor());
                    let header = self.cookie.header(&our_session().1);
                    visitor.visit(&self.case(&app, header.as_deref()));
                }
                AppKind::Ours(keying) => {
                    let (app, cookie) = system.block_on(ours(keying));
                    let header = self.cookie.header(&cookie);
                    visitor.visit(&self.case(&app, header.as_deref()));
                }
                AppKind::ActixSession => {
                    let (app, cookie) = system.block_on(actix_session());
                    let header = self.cookie.header(&cookie);
                    visitor.visit(&self.case(&app, header.as_deref()));
                }
            }
        }

        fn case<'a, A>(&self, app: &'a A, cookie: Option<&'a str>) -> Case<'a, A> {
            Case {
                id: self.id,
                app,
                path: self.path,
                cookie,
                status: self.status,
            }
        }
    }

    /// Builds every variant of [`VARIANTS`] in turn inside `system` and visits it.
    pub fn visit_all(system: &actix_web::rt::SystemRunner, visitor: &mut impl Visit) {
        for variant in &VARIANTS {
            variant.visit(system, visitor);
        }
    }

    /// Builds the variant `id` inside `system` and visits it; panics on an unknown id.
    pub fn visit(system: &actix_web::rt::SystemRunner, id: &str, visitor: &mut impl Visit) {
        Variant::find(&VARIANTS, "actix", id).visit(system, visitor);
    }

    /// The bare variant `id` is compared with (same path, same `Cookie` header); `None` for
    /// an id not in [`VARIANTS`].
    pub fn bare_for(id: &str) -> Option<&'static str> {
        Variant::bare_for(&VARIANTS, id)
    }

    /// An actix test service, as `test::init_service` returns it.
    pub trait TestApp:
        Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
    {
    }
    impl<S> TestApp for S where
        S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
    {
    }

    /// `GET /` -> `hello`; `GET /maybe` too, registered second as in [`ours`] (actix-web
    /// tries routes in order, so `/maybe` costs a failed match of `/` in both apps).
    pub async fn bare() -> impl TestApp {
        test::init_service(
            App::new()
                .route("/", web::get().to(|| async { HELLO }))
                .route("/maybe", web::get().to(|| async { HELLO })),
        )
        .await
    }

    /// An extractor that reads nothing and never fails.
    #[derive(Debug)]
    pub struct Noop;

    impl actix_web::FromRequest for Noop {
        type Error = actix_web::Error;
        type Future = std::future::Ready<Result<Self, Self::Error>>;

        fn from_request(
            _: &actix_web::HttpRequest,
            _: &mut actix_web::dev::Payload,
        ) -> Self::Future {
            std::future::ready(Ok(Self))
        }
    }

    /// `GET /` -> `hello` with one [`Noop`] extractor: what actix-web charges for a handler
    /// that takes any extractor, the floor under every session extractor.
    pub async fn noop_extractor() -> impl TestApp {
        test::init_service(App::new().route("/", web::get().to(|_: Noop| async { HELLO }))).await
    }

    /// `GET /` with our `User<Me>`, `GET /maybe` with `MaybeUser<Me>`, the same in-memory
    /// loaders as axum. Returns the app and a valid `Cookie` header.
    pub async fn ours(keying: Keying) -> (impl TestApp, String) {
        let (sessions, cookie): (Sessions<Me>, _) = super::our_sessions(keying);
        let app = test::init_service(
            App::new()
                .app_data(sessions)
                .route(
                    "/",
                    web::get().to(|User(me): User<Me>| async move {
                        black_box(me);
                        HELLO
                    }),
                )
                .route(
                    "/maybe",
                    web::get().to(|me: MaybeUser<Me>| async move {
                        black_box(me);
                        HELLO
                    }),
                ),
        )
        .await;
        (app, cookie)
    }

    /// actix-session with a small in-memory server-side store ([`MemoryStore`]): `GET /`
    /// reads one value, `POST /login` writes it. Default middleware settings (a private,
    /// i.e. encrypted, session-key cookie). Returns the app and a logged-in `Cookie` header.
    pub async fn actix_session() -> (impl TestApp, String) {
        use actix_session::{Session, SessionMiddleware};
        use actix_web::cookie::Key;

        let app = test::init_service(
            App::new()
                .wrap(SessionMiddleware::new(
                    MemoryStore::default(),
                    Key::from(&[7; 64]),
                ))
                .route(
                    "/",
                    web::get().to(|session: Session| async move {
                        let user: Option<String> = session.get("user").ok().flatten();
                        black_box(user);
                        HELLO
                    }),
                )
                .route(
                    "/login",
                    web::post().to(|session: Session| async move {
                        session
                            .insert("user", "ada")
                            .map_err(actix_web::error::ErrorInternalServerError)?;
                        Ok::<_, actix_web::Error>(HELLO)
                    }),
                ),
        )
        .await;
        let response =
            test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
        assert!(response.status().is_success());
        let set_cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("an ASCII Set-Cookie");
        let cookie = set_cookie
            .split(';')
            .next()
            .expect("a name=value pair")
            .to_owned();
        (app, cookie)
    }

    /// `GET path`, with `cookie` as the `Cookie` header when given. The URI is
    /// `Uri::from_static`, as in [`axum_apps::request`](super::axum_apps::request).
    pub fn request(path: &'static str, cookie: Option<&str>) -> actix_http::Request {
        let mut req = test::TestRequest::get();
        if let Some(cookie) = cookie {
            req = req.insert_header((header::COOKIE, cookie));
        }
        let mut req = req.to_request();
        req.head_mut().uri = actix_web::http::Uri::from_static(path);
        req
    }

    /// The server-side store actix-session does not ship: session key -> state in a
    /// `HashMap` behind a mutex. Keys are 64 random alphanumerics, like its Redis store.
    #[derive(Clone, Debug, Default)]
    pub struct MemoryStore {
        sessions: super::Arc<super::Mutex<HashMap<String, HashMap<String, String>>>>,
    }

    impl actix_session::storage::SessionStore for MemoryStore {
        async fn load(
            &self,
            key: &actix_session::storage::SessionKey,
        ) -> Result<Option<HashMap<String, String>>, actix_session::storage::LoadError> {
            let sessions = self.sessions.lock().map_err(|_| {
                actix_session::storage::LoadError::Other(anyhow::anyhow!("poisoned"))
            })?;
            Ok(sessions.get(key.as_ref()).cloned())
        }

        async fn save(
            &self,
            state: HashMap<String, String>,
            _ttl: &actix_web::cookie::time::Duration,
        ) -> Result<actix_session::storage::SessionKey, actix_session::storage::SaveError> {
            let key = new_key();
            self.sessions
                .lock()
                .map_err(|_| actix_session::storage::SaveError::Other(anyhow::anyhow!("poisoned")))?
                .insert(key.clone(), state);
            key.try_into()
                .map_err(|e| actix_session::storage::SaveError::Other(anyhow::Error::from(e)))
        }

        async fn update(
            &self,
            key: actix_session::storage::SessionKey,
            state: HashMap<String, String>,
            _ttl: &actix_web::cookie::time::Duration,
        ) -> Result<actix_session::storage::SessionKey, actix_session::storage::UpdateError>
        {
            self.sessions
                .lock()
                .map_err(|_| {
                    actix_session::storage::UpdateError::Other(anyhow::anyhow!("poisoned"))
                })?
                .insert(key.as_ref().to_owned(), state);
            Ok(key)
        }

        async fn update_ttl(
            &self,
            _key: &actix_session::storage::SessionKey,
            _ttl: &actix_web::cookie::time::Duration,
        ) -> Result<(), anyhow::Error> {
            Ok(())
        }

        async fn delete(
            &self,
            key: &actix_session::storage::SessionKey,
        ) -> Result<(), anyhow::Error> {
            self.sessions
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .remove(key.as_ref());
            Ok(())
        }
    }

    /// 64 alphanumerics from the OS CSPRNG (via our token: 48 bytes, base64url).
    fn new_key() -> String {
        let token = session_actix::Token::<48>::generate().expect("the OS RNG");
        token.encode().as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{actix_apps, axum_apps};

    #[test]
    fn every_variant_has_a_bare_counterpart_on_its_route_with_its_cookie() {
        for (id, bare) in [
            ("ours-cookie", "bare-cookie"),
            ("noop-extractor-cookie", "bare-cookie"),
            ("ours-no-cookie-401", "bare-no-cookie"),
            ("ours-optional-no-cookie", "bare-maybe-no-cookie"),
            ("bare-maybe-no-cookie", "bare-maybe-no-cookie"),
            ("ours-rawkey-realistic-cookie", "bare-realistic-cookie"),
            (
                "ours-optional-others-no-session",
                "bare-maybe-others-no-session",
            ),
        ] {
            assert_eq!(axum_apps::bare_for(id), Some(bare), "axum/{id}");
            assert_eq!(actix_apps::bare_for(id), Some(bare), "actix/{id}");
        }
        assert_eq!(
            axum_apps::bare_for("tower-sessions-no-cookie"),
            Some("bare-no-cookie")
        );
        assert_eq!(
            actix_apps::bare_for("actix-session-cookie"),
            Some("bare-cookie")
        );
        assert!(
            axum_apps::VARIANTS
                .iter()
                .all(|v| axum_apps::bare_for(v.id).is_some())
        );
        assert!(
            actix_apps::VARIANTS
                .iter()
                .all(|v| actix_apps::bare_for(v.id).is_some())
        );
        assert_eq!(axum_apps::bare_for("no-such-variant"), None);
    }
}
