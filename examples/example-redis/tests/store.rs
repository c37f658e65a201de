//! The site's store (`SiteStore`: the ready session store on Redis plus the site's accounts)
//! against a real `redis-server` (one per test, on a free loopback port), at the level of the
//! site: the accounts, and the loader that joins a session to its account. The session
//! lifecycle itself (keys, TTLs, expiry, touch, create-if-absent, revocation, outages) is
//! `session-store-redis`'s, tested there by the store conformance suite and its own tests.
//!
//! Skipped with a notice without `redis-server`, except under CI (`CI` set to anything but
//! empty, `0` or `false`), where it fails.

use std::time::Duration;

use example_axum::SiteData as _;
use example_common::{SessionConfig, User};
use example_redis::{SignedIn, SiteError, SiteStore};
use session_cookie::Loader as _;
use session_store::{ErrorKind, ManualClock, Token};
use session_store_redis::redis;
use session_store_redis::redis::aio::MultiplexedConnection;
use session_store_redis::test_util::RedisServer;

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
    store: SiteStore,
    clock: ManualClock,
    conn: MultiplexedConnection,
    redis: RedisServer,
}

async fn fixture(test: &str) -> Option<Fixture> {
    let redis = RedisServer::start_or_skip(test)?;
    let clock = ManualClock::new(T0);
    let store = SiteStore::connect(&redis.url(), config())
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

    async fn load(&self, token: &Token) -> Option<SignedIn> {
        self.store.load(token).await.expect("the loader")
    }

    /// Runs `cmd` on the test's own connection (inspecting Redis behind the store's back).
    async fn query<T: redis::FromRedisValue>(&mut self, cmd: &redis::Cmd) -> T {
        cmd.query_async(&mut self.conn)
            .await
            .expect("a Redis command")
    }

    async fn keys(&mut self, pattern: &str) -> Vec<String> {
        self.query(redis::cmd("KEYS").arg(pattern)).await
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
    let second = SiteStore::connect(&f.redis.url(), config()).await.unwrap();
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
    // Checking passwords creates no session.
    assert!(f.keys("sessionkit:*").await.is_empty());
}

/// The loader is the store's load, then the account: it gives both, with the label from
/// login, and nothing for a token it does not know or a session whose user id names no
/// account.
#[tokio::test]
async fn the_loader_joins_the_session_to_its_account() {
    let Some(mut f) = fixture("the_loader_joins_the_session_to_its_account").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f
        .store
        .sessions()
        .create_labeled(demo.id, "Firefox on Linux")
        .await
        .unwrap();
    let signed_in = f.load(&token).await.expect("a live session");
    assert_eq!(signed_in.user, demo);
    assert_eq!(signed_in.session.user_id, demo.id);
    assert_eq!(signed_in.session.created_at, T0);
    assert_eq!(signed_in.session.label.as_deref(), Some("Firefox on Linux"));
    let listed = f.store.sessions().list(&demo.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].handle, signed_in.session.handle);

    // The idle timeout is the site's: 600 s without a request ends the session.
    f.clock.advance(Duration::from_secs(599));
    assert!(f.load(&token).await.is_some());
    f.clock.advance(Duration::from_secs(600));
    assert_eq!(f.load(&token).await, None);

    assert_eq!(f.load(&Token::generate().unwrap()).await, None);
    let orphan = f.store.sessions().create(demo.id + 1000).await.unwrap();
    assert_eq!(f.load(&orphan).await, None, "no account with this id");
    // Only hashes are keys: the token appears nowhere in Redis.
    for key in f.keys("*").await {
        assert!(!key.contains(orphan.encode().as_str()), "{key}");
    }
}

/// Deleting or disabling an account ends its sessions at once, on every instance: the loader
/// checks the account on every load.
#[tokio::test]
async fn deleting_or_disabling_the_account_ends_its_sessions() {
    let Some(mut f) = fixture("deleting_or_disabling_the_account").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.store.sessions().create(demo.id).await.unwrap();
    assert_eq!(f.load(&token).await.map(|s| s.user), Some(demo.clone()));

    // Disabled: no session, no login; enabled again: the session is back.
    let _: i64 = f
        .query(redis::cmd("HSET").arg("user:demo").arg("disabled").arg(1))
        .await;
    assert_eq!(f.load(&token).await, None);
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
    assert_eq!(f.load(&token).await.map(|s| s.user), Some(demo.clone()));

    // Deleted: no session. A new account under the same name (a new id) does not inherit it.
    let _: i64 = f.query(redis::cmd("DEL").arg("user:demo")).await;
    let _: i64 = f
        .query(redis::cmd("HDEL").arg("users:by-id").arg(demo.id))
        .await;
    assert_eq!(f.load(&token).await, None);
    let again = f.demo().await;
    assert_ne!(again.id, demo.id);
    assert_eq!(f.load(&token).await, None);
    let fresh = f.store.sessions().create(again.id).await.unwrap();
    assert_eq!(f.load(&fresh).await.map(|s| s.user), Some(again));
}

/// With Redis down the loader and the login fail with an error (the site's 500), never a
/// "no session" or "wrong password"; the session store's error keeps its cause.
#[tokio::test]
async fn redis_down_is_an_error_not_a_none() {
    let Some(mut f) = fixture("redis_down_is_an_error").await else {
        return;
    };
    let demo = f.demo().await;
    let token = f.store.sessions().create(demo.id).await.unwrap();
    f.redis.stop();
    match f.store.load(&token).await {
        Err(SiteError::Sessions(err)) => {
            assert_eq!(err.kind(), ErrorKind::Backend);
            assert!(
                std::error::Error::source(&err).is_some(),
                "the cause is kept"
            );
        }
        other => panic!("the loader with Redis down: {other:?}"),
    }
    let login = f
        .store
        .verify_password(permit().await, "demo", "demo")
        .await;
    assert!(matches!(login, Err(SiteError::Users(_))), "{login:?}");
}
