//! `RedisStore` against a real `redis-server` (one per test, on a free loopback port), with a
//! manual clock for the idle timeout and the touch interval.
//!
//! Skipped with a notice without `redis-server`, except under CI (`CI` set to anything but
//! empty, `0` or `false`), where it fails.

#[path = "support/redis_server.rs"]
mod redis_server;

use std::time::Duration;

use example_common::{ManualClock, SessionConfig, User};
use example_redis::{RedisStore, RedisStoreError};
use redis::aio::MultiplexedConnection;
use redis_server::RedisServer;
use session_cookie::{Loader as _, Token};

const T0: i64 = 1_700_000_000;

fn config() -> SessionConfig {
    SessionConfig {
        absolute_lifetime: Duration::from_secs(3600),
        idle_timeout: Duration::from_secs(600),
        touch_interval: Duration::from_secs(60),
    }
}

async fn permit() -> example_common::HashPermit {
    example_common::LoginGate::new(example_common::LoginLimits::default())
        .expect("the hash threads")
        .hash_permit()
        .await
}

struct Fixture {
    store: RedisStore,
    clock: ManualClock,
    conn: MultiplexedConnection,
    redis: RedisServer,
}

async fn fixture(test: &str) -> Option<Fixture> {
    let redis = RedisServer::start_or_skip(test)?;
    let clock = ManualClock::new(T0);
    let store = RedisStore::connect(&redis.url(), config())
        .await
        .expect("connect")
        .with_clock(clock.clone());
    let conn = redis::Client::open(redis.url())
        .expect("the URL")
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the test's Redis");
    Some(Fixture {
        store,
        clock,
        conn,
        redis,
    })
}

impl Fixture {
    async fn demo(&self) -> User {
        self.store
            .verify_password(permit().await, "demo", "demo")
            .await
            .expect("verify_password")
            .expect("the demo account")
    }

    /// A new session of `user`, created through the store.
    async fn session_of(&self, user: &User) -> Token {
        let token = Token::generate().expect("the OS RNG");
        self.store
            .create_session(&token, user.id)
            .await
            .expect("create_session");
        token
    }

    /// Runs `cmd` on the test's own connection (inspecting Redis behind the store's back).
    async fn query<T: redis::FromRedisValue>(&mut self, cmd: &redis::Cmd) -> T {
        cmd.query_async(&mut self.conn)
            .await
            .expect("a Redis command")
    }

    async fn get(&mut self, key: &str) -> Option<String> {
        self.query(redis::cmd("GET").arg(key)).await
    }

    async fn keys(&mut self, pattern: &str) -> Vec<String> {
        self.query(redis::cmd("KEYS").arg(pattern)).await
    }

    async fn ttl(&mut self, key: &str) -> i64 {
        self.query(redis::cmd("TTL").arg(key)).await
    }
}

#[tokio::test]
async fn passwords_and_the_demo_account() {
    let Some(mut f) = fixture("passwords_and_the_demo_account").await else {
        return;
    };
    let demo = f.demo().await;
    assert_eq!(demo.name, "demo");
    for (name, password) in [
        ("demo", "Demo"),
        ("demo", ""),
        ("Demo", "demo"),
        ("nobody", "demo"),
    ] {
        assert_eq!(
            f.store
                .verify_password(permit().await, name, password)
                .await
                .unwrap(),
            None
        );
    }
    // Connecting again (a second instance) keeps the account and its id.
    let second = RedisStore::connect(&f.redis.url(), config()).await.unwrap();
    assert_eq!(
        second
            .verify_password(permit().await, "demo", "demo")
            .await
            .unwrap(),
        Some(demo.clone())
    );
    // Gone (a Redis restart without persistence): re-created on demand.
    let () = f.query(&redis::cmd("FLUSHALL")).await;
    assert!(
        f.store
            .verify_password(permit().await, "demo", "demo")
            .await
            .unwrap()
            .is_some()
    );
    let hash: String = f
        .query(redis::cmd("HGET").arg("user:demo").arg("password_hash"))
        .await;
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(f.keys("session:*").await.is_empty());
}

#[tokio::test]
async fn sessions_are_keyed_by_the_hash_with_the_absolute_lifetime_as_ttl() {
    let Some(mut f) = fixture("sessions_are_keyed_by_the_hash").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.session_of(&demo).await;
    let key = RedisStore::session_key(&token);
    assert_eq!(f.keys("session:*").await, std::slice::from_ref(&key));
    let value = f.get(&key).await.unwrap();
    assert_eq!(value, format!("{} {T0} {T0}", demo.id));
    assert!(!key.contains(token.encode().as_str()));
    let ttl = f.ttl(&key).await;
    assert!((3590..=3600).contains(&ttl), "{ttl}");
    assert_eq!(f.store.load(&token).await.unwrap(), Some(demo));
}

#[tokio::test]
async fn create_never_overwrites_and_unknown_users_are_refused() {
    let Some(mut f) = fixture("create_never_overwrites").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.session_of(&demo).await;
    f.clock.advance(Duration::from_secs(5));
    let err = f.store.create_session(&token, demo.id).await.unwrap_err();
    assert!(matches!(err, RedisStoreError::SessionExists), "{err:?}");
    let value = f.get(&RedisStore::session_key(&token)).await.unwrap();
    assert!(value.contains(&T0.to_string()), "not overwritten: {value}");
    let other = Token::generate().unwrap();
    let err = f.store.create_session(&other, 999).await.unwrap_err();
    assert!(matches!(err, RedisStoreError::UnknownUser), "{err:?}");
    assert_eq!(f.keys("session:*").await.len(), 1);
}

#[tokio::test]
async fn unknown_tokens_create_nothing_and_logout_deletes() {
    let Some(mut f) = fixture("unknown_tokens_create_nothing").await else {
        return;
    };
    let demo = f.demo().await;
    for _ in 0..3 {
        let unknown = Token::generate().unwrap();
        assert_eq!(f.store.load(&unknown).await.unwrap(), None);
        assert!(!f.store.delete_session(&unknown).await.unwrap());
    }
    assert!(f.keys("session:*").await.is_empty());
    let token = f.session_of(&demo).await;
    assert!(f.store.delete_session(&token).await.unwrap());
    assert_eq!(f.store.load(&token).await.unwrap(), None);
    assert!(f.keys("session:*").await.is_empty());
}

#[tokio::test]
async fn idle_timeout_and_touch_at_most_once_per_interval() {
    let Some(mut f) = fixture("idle_timeout_and_touch").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.session_of(&demo).await;
    let key = RedisStore::session_key(&token);
    let last_seen = |value: Option<String>| -> i64 {
        value.unwrap().split(' ').nth(2).unwrap().parse().unwrap()
    };
    for (at, expected) in [
        (T0 + 1, T0),
        (T0 + 59, T0),
        (T0 + 60, T0 + 60),
        (T0 + 61, T0 + 60),
        (T0 + 119, T0 + 60),
        (T0 + 200, T0 + 200),
    ] {
        f.clock.set(at);
        for _ in 0..3 {
            assert_eq!(f.store.load(&token).await.unwrap(), Some(demo.clone()));
        }
        assert_eq!(
            last_seen(f.get(&key).await),
            expected,
            "at T0 + {}",
            at - T0
        );
    }
    // The touch keeps the TTL (the absolute expiry does not move).
    let ttl = f.ttl(&key).await;
    assert!((3590..=3600).contains(&ttl), "{ttl}");
    // Idle: 600 s after the last recorded activity the session is over, and not touched.
    f.clock.set(T0 + 200 + 599);
    assert_eq!(f.store.load(&token).await.unwrap(), Some(demo.clone()));
    let touched = T0 + 200 + 599;
    f.clock.set(touched + 600);
    assert_eq!(f.store.load(&token).await.unwrap(), None);
    assert_eq!(last_seen(f.get(&key).await), touched);
}

#[tokio::test]
async fn redis_down_is_an_error_not_a_none() {
    let Some(mut f) = fixture("redis_down_is_an_error").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.session_of(&demo).await;
    f.redis.stop();
    let started = std::time::Instant::now();
    let err = f.store.load(&token).await.unwrap_err();
    assert!(matches!(err, RedisStoreError::Redis(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// The absolute lifetime is checked by the loader from the creation time in the record, not
/// only by the key's TTL: a `PERSIST` (or a restore without TTLs) does not make a session
/// immortal.
#[tokio::test]
async fn persist_does_not_make_a_session_immortal() {
    let Some(mut f) = fixture("persist_does_not_make_a_session_immortal").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.session_of(&demo).await;
    let key = RedisStore::session_key(&token);
    let persisted: i64 = f.query(redis::cmd("PERSIST").arg(&key)).await;
    assert_eq!(persisted, 1);
    // Active every 5 minutes (inside the 10 minute idle timeout) up to the last second.
    for at in (300..3600).step_by(300).chain([3599]) {
        f.clock.set(T0 + at);
        assert_eq!(
            f.store.load(&token).await.unwrap(),
            Some(demo.clone()),
            "T0 + {at}"
        );
    }
    f.clock.set(T0 + 3600);
    assert_eq!(f.store.load(&token).await.unwrap(), None);
    assert_eq!(
        f.ttl(&key).await,
        -1,
        "the key is still there, without a TTL"
    );
}

/// Deleting or disabling an account ends its sessions at once, on every instance: the loader
/// checks the account on every load.
#[tokio::test]
async fn deleting_or_disabling_the_account_ends_its_sessions() {
    let Some(mut f) = fixture("deleting_or_disabling_the_account").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.session_of(&demo).await;
    assert_eq!(f.store.load(&token).await.unwrap(), Some(demo.clone()));

    // Disabled: no session, no login; enabled again: the session is back.
    let _: i64 = f
        .query(redis::cmd("HSET").arg("user:demo").arg("disabled").arg(1))
        .await;
    assert_eq!(f.store.load(&token).await.unwrap(), None);
    assert_eq!(
        f.store
            .verify_password(permit().await, "demo", "demo")
            .await
            .unwrap(),
        None
    );
    let _: i64 = f
        .query(redis::cmd("HDEL").arg("user:demo").arg("disabled"))
        .await;
    assert_eq!(f.store.load(&token).await.unwrap(), Some(demo.clone()));

    // Deleted: no session. A new account under the same name (a new id) does not inherit it.
    let _: i64 = f.query(redis::cmd("DEL").arg("user:demo")).await;
    let _: i64 = f
        .query(redis::cmd("HDEL").arg("users:by-id").arg(demo.id))
        .await;
    assert_eq!(f.store.load(&token).await.unwrap(), None);
    let again = f.demo().await;
    assert_ne!(again.id, demo.id);
    assert_eq!(f.store.load(&token).await.unwrap(), None);
    let fresh = f.session_of(&again).await;
    assert_eq!(f.store.load(&fresh).await.unwrap(), Some(again));
}
