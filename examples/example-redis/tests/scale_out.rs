//! Scale-out, for real: a `redis-server` on a free loopback port and two instances of the
//! `example-redis` binary on it. A login on one instance is a session on the other, a logout
//! on either ends it on both; with Redis down the instances answer 500 (no hang, no panic),
//! log each failure with its cause, and recover by themselves when it is back. The sessions
//! page lists and ends the sessions of every instance.
//!
//! Needs `redis-server` (Debian package `redis-server`; `.ci/run` installs it): skipped with a
//! notice without it, except under CI (`CI` set to anything but empty, `0` or `false`), where
//! it fails.

use std::time::{Duration, Instant};

use example_common::e2e::{self, Site};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE, USER_AGENT};
use session_store::{Handle, Token};
use session_store_redis::redis;
use session_store_redis::test_util::RedisServer;

const PACKAGE: &str = "example-redis";
/// How long the instances may take to serve again after Redis is back (a bound on the wait,
/// not a speed requirement).
const RECOVERY_TIMEOUT: Duration = Duration::from_secs(30);

fn instance(redis: &RedisServer) -> Site {
    Site::start_with_args(
        env!("CARGO_BIN_EXE_example-redis"),
        PACKAGE,
        ["--redis", redis.url().as_str()],
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("build the HTTP client")
}

/// `GET path` with `cookie` (if any) as the Cookie header: the status and the time it took.
async fn get(site: &Site, path: &str, cookie: Option<&str>) -> (StatusCode, Duration) {
    let mut request = client().get(site.url(path));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let started = Instant::now();
    let res = request.send().await.expect("the instance answers");
    (res.status(), started.elapsed())
}

/// `POST path` with a form body and `cookie` (if any): the response.
async fn post(site: &Site, path: &str, body: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = client()
        .post(site.url(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.expect("the instance answers")
}

/// `POST path` with a form body, `cookie` and the extra `headers`: the response.
async fn post_with(
    site: &Site,
    path: &str,
    body: &str,
    cookie: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> reqwest::Response {
    let mut request = client()
        .post(site.url(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(COOKIE, cookie)
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.expect("the instance answers")
}

/// Signs in as demo / demo on `site`: the `NAME=VALUE` pair of the new session cookie.
async fn login(site: &Site) -> String {
    login_with(site, "scale-out test").await
}

/// Signs in as demo / demo on `site` with `user_agent` as the `User-Agent`: the `NAME=VALUE`
/// pair of the new session cookie.
async fn login_with(site: &Site, user_agent: &str) -> String {
    let res = client()
        .post(site.url("/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(USER_AGENT, user_agent)
        .body("username=demo&password=demo")
        .send()
        .await
        .expect("the instance answers");
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "login on {}",
        site.url("/")
    );
    let set_cookie = res.headers()[SET_COOKIE]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let pair = set_cookie.split(';').next().expect("NAME=VALUE");
    pair.trim().to_owned()
}

/// The handle the sessions page shows for `cookie`'s session: the first half of its
/// token's hash, in hex.
fn handle_of(cookie: &str) -> String {
    let (_, value) = cookie.split_once('=').expect("NAME=VALUE");
    let token = Token::<32>::decode(value).expect("a well-formed token");
    Handle::from_key(&token.hash()).to_string()
}

/// `GET /sessions` on `site` with `cookie`: 200, not to be cached; the page.
async fn sessions_page(site: &Site, cookie: &str) -> String {
    let res = client()
        .get(site.url("/sessions"))
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("the instance answers");
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "/sessions on {}",
        site.url("/")
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    res.text().await.expect("the page")
}

/// A 303 to `location`; with `ends_cookie`, it also removes the session cookie.
fn assert_redirect(res: &reqwest::Response, location: &str, ends_cookie: bool, what: &str) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{what}");
    assert_eq!(res.headers()["location"], location, "{what}");
    let removal = res
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("Max-Age=0"));
    assert_eq!(removal, ends_cookie, "{what}: {:?}", res.headers());
}

/// `/me` with `cookie` on both instances: `status` on each.
async fn assert_me(sites: [&Site; 2], cookie: &str, status: StatusCode, what: &str) {
    for site in sites {
        assert_eq!(
            get(site, "/me", Some(cookie)).await.0,
            status,
            "{what} on {}",
            site.url("/")
        );
    }
}

/// The sessions page across two instances: two sign-ins on A are listed on B (with their
/// user agents, the current one marked); B signs one out and A refuses its cookie at once
/// (and removes it);
/// "sign out all other sessions" and "sign out everywhere" reach the sessions of both
/// instances; signing out the current session by its handle ends its cookie; every POST is
/// refused from another origin; without a session it is all 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sessions_page_ends_sessions_on_every_instance() {
    let test = "the_sessions_page_ends_sessions_on_every_instance";
    let Some(redis) = RedisServer::start_or_skip(test) else {
        return;
    };
    let a = instance(&redis);
    let b = instance(&redis);
    let both = [&a, &b];

    // Signed in twice on A, as two browsers.
    let first = login_with(&a, "Browser One/1.0 (<b>bold</b>)").await;
    let second = login_with(&a, "Browser Two/2.0").await;
    let (h1, h2) = (handle_of(&first), handle_of(&second));

    // B lists both, the first one's page marking it as the current session, with the
    // (escaped) user agents; only the other session has a "sign out" button.
    let page = sessions_page(&b, &first).await;
    assert!(
        page.contains("Browser One/1.0 (&lt;b&gt;bold&lt;/b&gt;)"),
        "{page}"
    );
    assert!(!page.contains("<b>bold</b>"), "{page}");
    assert!(page.contains("Browser Two/2.0"), "{page}");
    assert!(
        page.contains(&format!("data-handle=\"{h1}\" data-current=\"true\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("data-handle=\"{h2}\" data-current=\"false\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("name=\"handle\" value=\"{h2}\"")),
        "{page}"
    );
    assert!(
        !page.contains(&format!("name=\"handle\" value=\"{h1}\"")),
        "{page}"
    );
    for cookie in [&first, &second] {
        let (_, token) = cookie.split_once('=').expect("NAME=VALUE");
        assert!(!page.contains(token), "the page shows a token");
    }

    // Cross-origin POSTs are refused before they reach the store: both sessions live.
    let cross_site = [
        (ORIGIN, "http://evil.example"),
        (
            reqwest::header::HeaderName::from_static("sec-fetch-site"),
            "cross-site",
        ),
    ];
    let body = format!("handle={h2}");
    for (path, body) in [
        ("/sessions/revoke", body.as_str()),
        ("/sessions/revoke-others", ""),
        ("/sessions/revoke-all", ""),
    ] {
        let res = post_with(&b, path, body, &first, &cross_site).await;
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "{path} from another origin"
        );
    }
    assert_me(both, &first, StatusCode::OK, "after the refused POSTs").await;
    assert_me(both, &second, StatusCode::OK, "after the refused POSTs").await;

    // B signs out the second session: A's request with its cookie is 401 at once, and
    // removes that cookie; the first session's requests change no cookie.
    let res = post_with(&b, "/sessions/revoke", &body, &first, &[]).await;
    assert_redirect(&res, "/sessions", false, "revoke the other session");
    let me = |cookie: &str| {
        client()
            .get(a.url("/me"))
            .header(COOKIE, cookie.to_owned())
            .send()
    };
    let res = me(&second).await.expect("A answers");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let removal = res.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok());
    assert!(
        removal.is_some_and(|v| v.contains("Max-Age=0")),
        "{removal:?}"
    );
    let res = me(&first).await.expect("A answers");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert_me(
        both,
        &second,
        StatusCode::UNAUTHORIZED,
        "the revoked session",
    )
    .await;
    assert_me(both, &first, StatusCode::OK, "the session that revoked it").await;
    let page = sessions_page(&a, &first).await;
    assert!(!page.contains(&h2), "{page}");
    assert!(page.contains(&h1), "{page}");

    // A malformed handle is a 400; one that names no session of this user (the one just
    // ended, or never one) a 404 with the page: nothing ends.
    let res = post_with(
        &a,
        "/sessions/revoke",
        "handle=..%2Fsessionkit",
        &first,
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let unknown = format!("handle={}", "0".repeat(32));
    for body in [body.as_str(), unknown.as_str()] {
        let res = post_with(&a, "/sessions/revoke", body, &first, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{body}");
        assert!(res.headers().get(SET_COOKIE).is_none(), "{body}");
        let page = res.text().await.expect("the page");
        assert!(page.contains("No such session of yours"), "{page}");
    }
    assert_me(both, &first, StatusCode::OK, "after the 404s").await;

    // "Sign out all other sessions" from A ends a session made on B, not this one.
    let third = login_with(&b, "Browser Three/3.0").await;
    let res = post_with(&a, "/sessions/revoke-others", "", &first, &[]).await;
    assert_redirect(&res, "/sessions", false, "revoke-others");
    assert_me(both, &third, StatusCode::UNAUTHORIZED, "another session").await;
    assert_me(both, &first, StatusCode::OK, "the current session").await;

    // Signing out the current session by its handle ends its cookie too.
    let res = post_with(&b, "/sessions/revoke", &format!("handle={h1}"), &first, &[]).await;
    assert_redirect(&res, "/", true, "revoke the current session");
    assert_me(
        both,
        &first,
        StatusCode::UNAUTHORIZED,
        "the current session",
    )
    .await;

    // "Sign out everywhere" from B ends the sessions made on A and B, its own included.
    let on_a = login_with(&a, "Browser Four/4.0").await;
    let on_b = login_with(&b, "Browser Five/5.0").await;
    assert_eq!(
        sessions_page(&a, &on_b)
            .await
            .matches("data-current=")
            .count(),
        2
    );
    let res = post_with(&b, "/sessions/revoke-all", "", &on_b, &[]).await;
    assert_redirect(&res, "/", true, "revoke-all");
    assert_me(both, &on_a, StatusCode::UNAUTHORIZED, "everywhere").await;
    assert_me(both, &on_b, StatusCode::UNAUTHORIZED, "everywhere").await;

    // Without a session: 401 for the page and every button.
    for cookie in [None, Some(on_b.as_str())] {
        assert_eq!(
            get(&a, "/sessions", cookie).await.0,
            StatusCode::UNAUTHORIZED
        );
        for path in [
            "/sessions/revoke",
            "/sessions/revoke-others",
            "/sessions/revoke-all",
        ] {
            let res = post(&b, path, &body, cookie).await;
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "{path} with {cookie:?}"
            );
        }
    }
}

/// The example site's own end-to-end flow, unchanged, on an instance backed by Redis: the
/// same site as example-axum, only the store differs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shared_flow_runs_on_redis() {
    let Some(redis) = RedisServer::start_or_skip("the_shared_flow_runs_on_redis") else {
        return;
    };
    let site = instance(&redis);
    e2e::the_whole_flow(&site).await;
    e2e::malformed_cookies_are_401_never_500(&site).await;
    // On an instance of its own: a fresh login throttle for demo.
    e2e::cross_origin_state_changes_are_refused(&instance(&redis)).await;
    let args = ["--redis", &redis.url(), "--absolute-lifetime", "5400"];
    let site = Site::start_with_args(env!("CARGO_BIN_EXE_example-redis"), PACKAGE, args);
    e2e::keep_me_signed_in_chooses_the_cookie(&site, 5400).await;
}

/// Ctrl-C and SIGTERM: the request in flight finishes (its session is stored in Redis), the
/// exit status is 0.
#[test]
fn a_signal_lets_the_request_in_flight_finish_on_redis() {
    let Some(redis) =
        RedisServer::start_or_skip("a_signal_lets_the_request_in_flight_finish_on_redis")
    else {
        return;
    };
    for signal in [e2e::StopSignal::Int, e2e::StopSignal::Term] {
        e2e::a_signal_lets_the_request_in_flight_finish(instance(&redis), signal);
    }
}

/// The login gate on Redis too: 200 concurrent logins in bounded memory, no 500; throttled
/// attempts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_bounded_and_throttled_on_redis() {
    let Some(redis) = RedisServer::start_or_skip("logins_are_bounded_and_throttled_on_redis")
    else {
        return;
    };
    let site = instance(&redis);
    let (_, busy, _) = e2e::concurrent_logins_are_bounded(&site).await;
    assert!(busy > 0, "the hash bound was never reached");
    let mut args = vec!["--redis".to_owned(), redis.url()];
    args.extend(e2e::THROTTLE_TEST_FLAGS.map(String::from));
    let site = Site::start_with_args(env!("CARGO_BIN_EXE_example-redis"), PACKAGE, args);
    e2e::login_attempts_are_throttled(&site).await;
}

/// The session key of `cookie`'s token, and the token's text (to look for it where it must
/// not be).
fn key_of(cookie: &str) -> (String, String) {
    let (_, value) = cookie.split_once('=').expect("NAME=VALUE");
    let token = Token::<32>::decode(value).expect("a well-formed token");
    let hex: String = token.hash().iter().map(|b| format!("{b:02x}")).collect();
    (format!("sessionkit:s:{hex}"), value.to_owned())
}

async fn keys(conn: &mut redis::aio::MultiplexedConnection, pattern: &str) -> Vec<String> {
    redis::cmd("KEYS")
        .arg(pattern)
        .query_async(conn)
        .await
        .expect("KEYS")
}

/// `GET path` on each instance with `cookie` until it answers something else than 500
/// (bounded by [`RECOVERY_TIMEOUT`]): that status.
async fn first_answer_after_recovery(
    sites: [&Site; 2],
    cookie: &str,
    since: Instant,
) -> [StatusCode; 2] {
    let mut statuses = [StatusCode::INTERNAL_SERVER_ERROR; 2];
    for (site, status) in sites.into_iter().zip(&mut statuses) {
        loop {
            let (answer, _) = get(site, "/me", Some(cookie)).await;
            if answer != StatusCode::INTERNAL_SERVER_ERROR {
                *status = answer;
                break;
            }
            assert!(
                since.elapsed() < RECOVERY_TIMEOUT,
                "{} still answers 500 {RECOVERY_TIMEOUT:?} after Redis came back",
                site.url("/")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_and_survive_a_redis_restart() {
    let test = "two_instances_share_sessions_and_survive_a_redis_restart";
    let Some(mut redis) = RedisServer::start_or_skip(test) else {
        return;
    };
    let a = instance(&redis);
    let b = instance(&redis);
    assert_ne!(a.url("/"), b.url("/"));

    // Log in on A, use the session on B.
    let cookie = login(&a).await;
    assert_eq!(get(&b, "/me", Some(&cookie)).await.0, StatusCode::OK);
    assert_eq!(get(&a, "/me", Some(&cookie)).await.0, StatusCode::OK);

    // Redis holds the token's hash, never the token; the key's TTL is the idle timeout (30
    // minutes by default, shorter than the 12 hour absolute lifetime).
    let (key, value) = key_of(&cookie);
    let mut conn = redis::Client::open(redis.url())
        .expect("the URL")
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the test's Redis");
    assert_eq!(
        keys(&mut conn, "sessionkit:s:*").await,
        std::slice::from_ref(&key)
    );
    let stored: Vec<String> = redis::cmd("HGETALL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .expect("HGETALL");
    assert!(!stored.is_empty());
    for field in &stored {
        assert!(!field.contains(&value), "the token is stored: {stored:?}");
    }
    let ttl: i64 = redis::cmd("TTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .expect("TTL");
    assert!((30 * 60 - 60..=30 * 60).contains(&ttl), "TTL {ttl}");

    // Log out on B: the old token fails on A too, at once.
    let res = post(&b, "/logout", "", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get(&a, "/me", Some(&cookie)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&b, "/me", Some(&cookie)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let left = keys(&mut conn, "sessionkit:s:*").await;
    assert!(left.is_empty(), "{left:?}");
    drop(conn);

    // Redis goes away while both instances run: every request that needs it is a 500 (the
    // client's 30 s timeout would turn a hang into a failure), never a panic.
    let live = login(&b).await;
    assert_eq!(get(&a, "/me", Some(&live)).await.0, StatusCode::OK);
    redis.stop();
    let mut slowest = Duration::ZERO;
    for round in 0..3 {
        for site in [&a, &b] {
            let (status, took) = get(site, "/me", Some(&live)).await;
            assert_eq!(
                status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "round {round}: /me with Redis down"
            );
            slowest = slowest.max(took);
            let started = Instant::now();
            let res = post(site, "/login", "username=demo&password=demo", None).await;
            slowest = slowest.max(started.elapsed());
            assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert!(res.headers().get(SET_COOKIE).is_none());
            // Pages that need no user do not touch the store.
            assert_eq!(get(site, "/", None).await.0, StatusCode::OK);
            assert_eq!(get(site, "/me", None).await.0, StatusCode::UNAUTHORIZED);
        }
    }
    eprintln!("{test}: with Redis down, the slowest failing request took {slowest:?}");
    // Every 500 is in the log with its causes: the loader's (the adapter's line, at ERROR)
    // and the login's (the site's); never the token.
    let (_, live_token) = live.split_once('=').expect("NAME=VALUE");
    for site in [&a, &b] {
        for parts in [
            [
                "ERROR sessionkit: session loader failed",
                "error=example-redis: the session store failed: session store: the backend \
                 failed: session-store-redis: redis failed: ",
            ],
            [
                "ERROR example_axum: request failed",
                "operation=verify_password error=example-redis: the user store failed: ",
            ],
        ] {
            let line = site.wait_for_log(&parts);
            assert!(
                line.is_some(),
                "no log line with {parts:?}: {:#?}",
                site.log()
            );
        }
        site.assert_log_never_shows(live_token);
    }

    // Redis comes back with its data (an append-only file); the instances reconnect by
    // themselves, and the session from before is valid on both.
    redis.start();
    let restarted = Instant::now();
    let statuses = first_answer_after_recovery([&a, &b], &live, restarted).await;
    assert_eq!(statuses, [StatusCode::OK; 2]);
    let recovered = restarted.elapsed();
    eprintln!("{test}: both instances served again {recovered:?} after Redis restarted");

    // Redis loses everything (a restart without persistence): the session is gone on both;
    // a fresh login works on either instance (the demo account is re-created on demand), and
    // is a session on the other.
    let mut conn = redis::Client::open(redis.url())
        .expect("the URL")
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the test's Redis");
    let () = redis::cmd("FLUSHALL")
        .query_async(&mut conn)
        .await
        .expect("FLUSHALL");
    for site in [&a, &b] {
        assert_eq!(
            get(site, "/me", Some(&live)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let fresh = login(&b).await;
    assert_eq!(get(&a, "/me", Some(&fresh)).await.0, StatusCode::OK);
    let again = login(&a).await;
    assert_eq!(get(&b, "/me", Some(&again)).await.0, StatusCode::OK);
    assert_ne!(fresh, again);
}
