//! Remember me, per login: `Sessions::start_with` / `refresh_with` write a persistent cookie
//! (`Max-Age`, capped by the proxy and by the time the session has left) or a
//! browser-session cookie (no `Max-Age`), and a refresh keeps the login's choice, which the
//! loader remembers per session.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{self, TestRequest, init_service};
use actix_web::{App, HttpResponse, web};
use session_actix::{
    CookieLifetime, Loader, SessionRejection, SessionResponseExt as _, SessionToken, Sessions,
    Token, User,
};

const LIFETIME: u64 = 8 * 3600;

/// A session as the loader returns it: the login's choice and its absolute deadline.
#[derive(Clone, Copy, Debug)]
struct Remembered {
    persistent: bool,
    expires_at: u64,
}

impl Remembered {
    /// What session-store's `Session::cookie_lifetime(now)` gives.
    fn cookie_lifetime(self, now: u64) -> CookieLifetime {
        if self.persistent {
            CookieLifetime::Persistent(Duration::from_secs(self.expires_at.saturating_sub(now)))
        } else {
            CookieLifetime::BrowserSession
        }
    }
}

/// Sessions by token hash, on a clock the test moves.
#[derive(Clone, Default)]
struct Db {
    sessions: Arc<Mutex<HashMap<[u8; 32], Remembered>>>,
    now: Arc<AtomicU64>,
}

impl Db {
    fn now(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }
}

impl Loader for Db {
    type User = Remembered;
    type Error = std::convert::Infallible;

    async fn load(&self, token: &Token) -> Result<Option<Remembered>, Self::Error> {
        let now = self.now();
        let sessions = self.sessions.lock().expect("the map");
        Ok(sessions
            .get(&token.hash())
            .copied()
            .filter(|s| s.expires_at > now))
    }
}

async fn login(
    sessions: Sessions<Remembered>,
    db: web::Data<Db>,
    remember: web::Path<u8>,
) -> Result<HttpResponse, SessionRejection> {
    let persistent = *remember == 1;
    let session = Remembered {
        persistent,
        expires_at: db.now() + LIFETIME,
    };
    let (token, start) = sessions.start_with(session.cookie_lifetime(db.now()))?;
    db.sessions
        .lock()
        .expect("the map")
        .insert(token.hash(), session);
    Ok(HttpResponse::Ok().finish().start_session(start))
}

async fn page(
    sessions: Sessions<Remembered>,
    db: web::Data<Db>,
    User(session): User<Remembered>,
    token: SessionToken<Remembered>,
) -> HttpResponse {
    let lifetime = session.cookie_lifetime(db.now());
    HttpResponse::Ok()
        .finish()
        .refresh_session(sessions.refresh_with(&token, lifetime))
}

async fn plain(
    sessions: Sessions<Remembered>,
    _: User<Remembered>,
    token: SessionToken<Remembered>,
) -> HttpResponse {
    HttpResponse::Ok()
        .finish()
        .refresh_session(sessions.refresh(&token))
}

macro_rules! app {
    ($proxy:expr, $db:expr) => {
        init_service(
            App::new()
                .app_data(Sessions::new($proxy, $db.clone()))
                .app_data(web::Data::new($db.clone()))
                .route("/login/{remember}", web::get().to(login))
                .route("/page", web::get().to(page))
                .route("/plain", web::get().to(plain)),
        )
        .await
    };
}

/// The one session `Set-Cookie` of the response.
fn set_cookie(response: &actix_web::dev::ServiceResponse) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    let values: Vec<&HeaderValue> = response.headers().get_all(header::SET_COOKIE).collect();
    assert_eq!(values.len(), 1, "one Set-Cookie");
    assert!(values[0].is_sensitive());
    assert_eq!(
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .expect("Cache-Control"),
        "no-store"
    );
    values[0].to_str().expect("ASCII").to_owned()
}

fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

fn max_age(set_cookie: &str) -> Option<u64> {
    set_cookie
        .split("; ")
        .find_map(|a| a.strip_prefix("Max-Age="))
        .map(|n| n.parse().expect("Max-Age digits"))
}

fn get(uri: &str, cookie: Option<&str>) -> actix_http::Request {
    let mut request = TestRequest::get().uri(uri);
    if let Some(cookie) = cookie {
        request = request.insert_header((header::COOKIE, cookie.to_owned()));
    }
    request.to_request()
}

#[actix_web::test]
async fn both_forms_and_refresh_keeps_the_choice() {
    let db = Db::default();
    db.now.store(1_000, Ordering::SeqCst);
    let app = app!(session_conformance::proxy(), db);
    let remembered = set_cookie(&test::call_service(&app, get("/login/1", None)).await);
    let forgotten = set_cookie(&test::call_service(&app, get("/login/0", None)).await);
    assert!(remembered.ends_with("; Path=/; Max-Age=28800; Secure; HttpOnly; SameSite=Lax"));
    assert!(forgotten.ends_with("; Path=/; Secure; HttpOnly; SameSite=Lax"));
    assert_eq!(max_age(&forgotten), None);
    for elapsed in [1, 600, 3600, LIFETIME - 1] {
        db.now.store(1_000 + elapsed, Ordering::SeqCst);
        let request = get("/page", Some(&pair(&remembered)));
        let again = set_cookie(&test::call_service(&app, request).await);
        assert_eq!(pair(&again), pair(&remembered), "the same token");
        assert_eq!(max_age(&again), Some(LIFETIME - elapsed), "+{elapsed}");
        let request = get("/page", Some(&pair(&forgotten)));
        let again = set_cookie(&test::call_service(&app, request).await);
        assert_eq!(pair(&again), pair(&forgotten));
        assert_eq!(max_age(&again), None, "+{elapsed}");
    }
    db.now.store(1_000 + LIFETIME, Ordering::SeqCst);
    let request = get("/page", Some(&pair(&remembered)));
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
}

#[actix_web::test]
async fn the_template_max_age_caps_the_persistent_cookie() {
    let db = Db::default();
    let app = app!(session_conformance::proxy_with_max_age(), db);
    let remembered = set_cookie(&test::call_service(&app, get("/login/1", None)).await);
    assert_eq!(max_age(&remembered), Some(7200), "capped at login");
    let forgotten = set_cookie(&test::call_service(&app, get("/login/0", None)).await);
    assert_eq!(
        max_age(&forgotten),
        None,
        "the template's Max-Age is dropped"
    );
    let request = get("/plain", Some(&pair(&forgotten)));
    let plain = set_cookie(&test::call_service(&app, request).await);
    assert_eq!(
        max_age(&plain),
        Some(7200),
        "refresh alone: the template's form"
    );
    for (elapsed, expected) in [(3600, 7200), (LIFETIME - 7200, 7200), (LIFETIME - 60, 60)] {
        db.now.store(elapsed, Ordering::SeqCst);
        let request = get("/page", Some(&pair(&remembered)));
        let again = set_cookie(&test::call_service(&app, request).await);
        assert_eq!(max_age(&again), Some(expected), "+{elapsed}");
    }
}

#[actix_web::test]
async fn no_time_left_removes_the_cookie() {
    let db = Db::default();
    let app = app!(session_conformance::proxy(), db);
    let remembered = set_cookie(&test::call_service(&app, get("/login/1", None)).await);
    // A stale session copy at its deadline: Persistent(0) is written as the removal.
    let sessions: Sessions<Remembered> = Sessions::new(session_conformance::proxy(), db.clone());
    let token: Token = session_conformance::proxy()
        .load_from_values([pair(&remembered)])
        .expect("a token");
    let response = HttpResponse::Ok()
        .finish()
        .refresh_session(sessions.refresh_with(&token, CookieLifetime::Persistent(Duration::ZERO)));
    let value = response.headers().get(header::SET_COOKIE);
    let value = value.expect("a Set-Cookie").to_str().expect("ASCII");
    assert_eq!(value, session_conformance::proxy().end_value().as_str());
}
