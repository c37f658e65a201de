//! Scale-out, for real: a `redis-server` on a free loopback port and two instances of the
//! `example-redis` binary on it. A login on one instance is a session on the other, a logout
//! on either ends it on both; with Redis down the instances answer 500 quickly (no hang, no
//! panic), log each failure with its cause, and recover by themselves when it is back.
//!
//! Needs `redis-server` (Debian package `redis-server`; `.ci/run` installs it): skipped with a
//! notice without it, except under CI (`CI` set to anything but empty, `0` or `false`), where
//! it fails.

#[path = "support/redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant};

use example_common::e2e::{self, Site};
use redis_server::RedisServer;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};

const PACKAGE: &str = "example-redis";
/// A request that needs Redis must fail faster than this while Redis is down.
const FAIL_FAST: Duration = Duration::from_secs(2);
/// How long the instances may take to serve again after Redis is back.
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

/// Signs in as demo / demo on `site`: the `NAME=VALUE` pair of the new session cookie.
async fn login(site: &Site) -> String {
    let res = post(site, "/login", "username=demo&password=demo", None).await;
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
    e2e::login_attempts_are_throttled(&instance(&redis)).await;
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

    // Redis holds the token's hash, never the token.
    let (_, value) = cookie.split_once('=').expect("NAME=VALUE");
    let token = session_cookie::Token::<32>::decode(value).expect("a well-formed token");
    let mut conn = redis::Client::open(redis.url())
        .expect("the URL")
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the test's Redis");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("session:*")
        .query_async(&mut conn)
        .await
        .expect("KEYS");
    assert_eq!(keys, [example_redis::RedisStore::session_key(&token)]);
    let stored: String = redis::cmd("GET")
        .arg(&keys[0])
        .query_async(&mut conn)
        .await
        .expect("GET");
    assert!(!stored.contains(value) && !keys[0].contains(value));
    let ttl: i64 = redis::cmd("TTL")
        .arg(&keys[0])
        .query_async(&mut conn)
        .await
        .expect("TTL");
    assert!((12 * 3600 - 60..=12 * 3600).contains(&ttl), "TTL {ttl}");

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
    let left: Vec<String> = redis::cmd("KEYS")
        .arg("session:*")
        .query_async(&mut conn)
        .await
        .expect("KEYS");
    assert!(left.is_empty(), "{left:?}");
    drop(conn);

    // Redis goes away while both instances run.
    let live = login(&b).await;
    assert_eq!(get(&a, "/me", Some(&live)).await.0, StatusCode::OK);
    redis.stop();
    let mut slowest = Duration::ZERO;
    for round in 0..3 {
        for site in [&a, &b] {
            let (status, took) = get(site, "/me", Some(&live)).await;
            assert!(
                status == StatusCode::INTERNAL_SERVER_ERROR
                    || status == StatusCode::SERVICE_UNAVAILABLE,
                "round {round}: /me with Redis down: {status}"
            );
            assert!(took < FAIL_FAST, "round {round}: /me took {took:?}");
            slowest = slowest.max(took);
            let started = Instant::now();
            let res = post(site, "/login", "username=demo&password=demo", None).await;
            let took = started.elapsed();
            assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert!(res.headers().get(SET_COOKIE).is_none());
            assert!(took < FAIL_FAST, "round {round}: /login took {took:?}");
            slowest = slowest.max(took);
            // Pages that need no user do not touch the store.
            assert_eq!(get(site, "/", None).await.0, StatusCode::OK);
            assert_eq!(get(site, "/me", None).await.0, StatusCode::UNAUTHORIZED);
        }
    }
    eprintln!("{test}: with Redis down, the slowest failing request took {slowest:?}");
    // Every 500 is in the log with its cause: the loader's (the adapter's line, at ERROR) and
    // the login's (the site's); never the token.
    let (_, live_token) = live.split_once('=').expect("NAME=VALUE");
    for site in [&a, &b] {
        for parts in [
            [
                "ERROR sessionkit: session loader failed",
                "error=session store: redis error: ",
            ],
            [
                "ERROR example_redis::site: request failed",
                "operation=verify_password error=session store: redis error: ",
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

    // Redis comes back, empty (no persistence); the instances reconnect by themselves.
    redis.restart();
    let restarted = Instant::now();
    for site in [&a, &b] {
        loop {
            let (status, _) = get(site, "/me", Some(&live)).await;
            if status != StatusCode::INTERNAL_SERVER_ERROR {
                // The session went with Redis's data.
                assert_eq!(status, StatusCode::UNAUTHORIZED);
                break;
            }
            assert!(
                restarted.elapsed() < RECOVERY_TIMEOUT,
                "{} still answers 500 {RECOVERY_TIMEOUT:?} after Redis came back",
                site.url("/")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let recovered = restarted.elapsed();
    eprintln!("{test}: both instances served again {recovered:?} after Redis restarted");
    assert_eq!(get(&a, "/", None).await.0, StatusCode::OK);
    // A fresh login works on either instance (the demo account is re-created on demand),
    // and is a session on the other.
    let fresh = login(&b).await;
    assert_eq!(get(&a, "/me", Some(&fresh)).await.0, StatusCode::OK);
    let again = login(&a).await;
    assert_eq!(get(&b, "/me", Some(&again)).await.0, StatusCode::OK);
    assert_ne!(fresh, again);
}
