//! Scale-out, for real: a `redis-server` on a free loopback port and two instances of the
//! `example-redis` binary on it. A login on one instance is a session on the other, a logout
//! on either ends it on both; with Redis down the instances answer 500 (no hang, no panic),
//! log each failure with its cause, and recover by themselves when it is back.
//!
//! Needs `redis-server` (Debian package `redis-server`; `.ci/run` installs it): skipped with a
//! notice without it, except under CI (`CI` set to anything but empty, `0` or `false`), where
//! it fails.

use std::time::{Duration, Instant};

use example_common::e2e::{self, Site};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE, USER_AGENT};
use session_store::Token;
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
                "ERROR example_redis::site: request failed",
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
