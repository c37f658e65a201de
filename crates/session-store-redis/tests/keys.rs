//! What the backend leaves in Redis: key names, TTLs, the per-user index and its cleaning,
//! and what it does with keys it did not write. Each test starts its own `redis-server`.
//!
//! Skipped with a notice without `redis-server`, except under CI, where they fail.

use std::time::Duration;

use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;
use session_store::{ErrorKind, Handle, ManualClock, Policy, Token};
use session_store_redis::test_util::RedisServer;
use session_store_redis::{BackendError, RedisBackend, RedisStore, manager_config};

const T0: i64 = 1_700_000_000;

async fn connect(test: &str) -> Option<(RedisServer, ConnectionManager)> {
    let server = RedisServer::start_or_skip(test)?;
    let client = redis::Client::open(server.url()).expect("a redis URL");
    let conn = ConnectionManager::new_with_config(client, manager_config())
        .await
        .expect("connect to the test's redis-server");
    Some((server, conn))
}

/// One hour absolute, ten minutes idle, touched once a minute.
fn policy() -> Policy {
    Policy::new(Duration::from_secs(3600))
        .with_idle_timeout(Some(Duration::from_secs(600)))
        .with_touch_interval(Duration::from_secs(60))
}

fn store(conn: &ConnectionManager, policy: Policy, clock: &ManualClock) -> RedisStore<i64> {
    RedisBackend::new(conn.clone(), policy)
        .into_store()
        .with_clock(clock.clone())
}

async fn ttl(conn: &ConnectionManager, key: impl AsRef<[u8]>) -> i64 {
    conn.clone().ttl(key.as_ref()).await.expect("TTL")
}

async fn pttl(conn: &ConnectionManager, key: impl AsRef<[u8]>) -> i64 {
    conn.clone().pttl(key.as_ref()).await.expect("PTTL")
}

async fn members(conn: &ConnectionManager, index: &[u8]) -> Vec<String> {
    conn.clone().zrange(index, 0, -1).await.expect("ZRANGE")
}

#[tokio::test]
async fn keys_are_hex_hashes_and_hold_no_token() {
    let Some((_server, conn)) = connect("keys_are_hex_hashes").await else {
        return;
    };
    let store = store(&conn, policy(), &ManualClock::new(T0));
    let token = store.create_labeled(42, "Firefox").await.unwrap();
    let backend = store.backend();
    let session_key = backend.session_key(&token.hash());
    let hex: String = token.hash().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(session_key, format!("sessionkit:s:{hex}"));

    let mut keys: Vec<Vec<u8>> = conn.clone().keys("*").await.unwrap();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            session_key.clone().into_bytes(),
            b"sessionkit:u:42".to_vec()
        ]
    );
    let fields: Vec<(String, String)> = conn.clone().hgetall(&session_key).await.unwrap();
    // One field, the packed record: version, created, seen, expires, flags (2: a label),
    // the user id's length and bytes, then the label.
    let expected = format!("1:{T0}:{T0}:{}:2:2:42Firefox", T0 + 3600);
    assert_eq!(
        fields,
        vec![("r".to_owned(), expected)],
        "the packed record, nothing else"
    );
    assert_eq!(members(&conn, b"sessionkit:u:42").await, vec![hex.clone()]);

    // Neither the token's text nor its bytes appear anywhere: keys, fields, members.
    let encoded = token.encode();
    let mut everything: Vec<Vec<u8>> = keys.clone();
    for (field, value) in fields {
        everything.push(field.into_bytes());
        everything.push(value.into_bytes());
    }
    everything.push(hex.into_bytes());
    for bytes in everything {
        let window = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!window(encoded.as_bytes()), "the encoded token in Redis");
        assert!(!window(token.as_bytes()), "the token's bytes in Redis");
    }
}

#[tokio::test]
async fn ttls_follow_the_policy() {
    let Some((_server, conn)) = connect("ttls_follow_the_policy").await else {
        return;
    };
    let clock = ManualClock::new(T0);
    let store = store(&conn, policy(), &clock);
    let token = store.create(1).await.unwrap();
    let key = store.backend().session_key(&token.hash());
    let index = store.backend().user_key(&1);
    // Idle timeout first: ten minutes.
    assert!((599..=600).contains(&ttl(&conn, &key).await));
    assert!(pttl(&conn, &index).await >= pttl(&conn, &key).await + 900);

    // Each touch renews it; loads within the touch interval leave it alone.
    for t in (300..=3300).step_by(300) {
        clock.set(T0 + t);
        assert!(store.load(&token).await.unwrap().is_some(), "at +{t}");
        let left = ttl(&conn, &key).await;
        let expected = (3600 - t).min(600);
        assert!(
            (expected - 1..=expected).contains(&left),
            "at +{t}: TTL {left}, expected {expected}"
        );
    }
    // Near the absolute deadline, the deadline is first: at +3300, 300 s left.
    assert!((299..=300).contains(&ttl(&conn, &key).await));

    // Rotation moves the key and its TTL; the index holds the new member only.
    clock.set(T0 + 3400);
    let rotated = store.rotate(&token).await.unwrap().expect("live");
    let new_key = store.backend().session_key(&rotated.hash());
    assert!((199..=200).contains(&ttl(&conn, &new_key).await));
    let exists: bool = conn.clone().exists(&key).await.unwrap();
    assert!(!exists, "the old key is gone");
    assert_eq!(members(&conn, &index).await, vec![new_key[13..].to_owned()]);
    assert!(pttl(&conn, &index).await >= pttl(&conn, &new_key).await);

    // Without an idle timeout, the absolute lifetime alone.
    let lasting = self::store(&conn, policy().with_idle_timeout(None), &clock);
    let token = lasting.create(2).await.unwrap();
    let key = lasting.backend().session_key(&token.hash());
    assert!((3599..=3600).contains(&ttl(&conn, &key).await));
}

#[tokio::test]
async fn the_user_index_is_cleaned_and_expires() {
    let Some((_server, conn)) = connect("the_user_index_is_cleaned").await else {
        return;
    };
    // Real time here: keys that live one second, beside ones that live for hours.
    let brief =
        RedisBackend::<i64>::new(conn.clone(), Policy::new(Duration::from_secs(1))).into_store();
    let lasting = RedisBackend::<i64>::new(conn.clone(), Policy::default()).into_store();
    let index = brief.backend().user_key(&7);
    for _ in 0..20 {
        brief.create(7).await.unwrap();
    }
    lasting.create(7).await.unwrap();
    let only_brief = brief.backend().user_key(&8);
    for _ in 0..3 {
        brief.create(8).await.unwrap();
    }
    assert_eq!(members(&conn, &index).await.len(), 21);
    assert!(
        pttl(&conn, &only_brief).await <= 2000,
        "a second after its last key"
    );

    tokio::time::sleep(Duration::from_millis(2500)).await;
    // The brief keys are gone; their members wait for the user's next insert.
    assert_eq!(members(&conn, &index).await.len(), 21);
    assert_eq!(lasting.list(&7).await.unwrap().len(), 1);
    lasting.create(7).await.unwrap();
    assert_eq!(
        members(&conn, &index).await.len(),
        21 - 16 + 1,
        "16 per insert"
    );
    lasting.create(7).await.unwrap();
    assert_eq!(members(&conn, &index).await.len(), 3, "the rest");
    assert_eq!(lasting.list(&7).await.unwrap().len(), 3);
    // A user whose sessions all expired leaves no index behind.
    let exists: bool = conn.clone().exists(&only_brief).await.unwrap();
    assert!(!exists);
}

#[tokio::test]
async fn revocations_check_whose_session_it_is() {
    let Some((_server, conn)) = connect("revocations_check_whose").await else {
        return;
    };
    let store = store(&conn, policy(), &ManualClock::new(T0));
    let ada = store.create(1).await.unwrap();
    let eve = store.create(2).await.unwrap();
    // An index entry that names another user's session (only a tampered index could).
    let ada_key = store.backend().session_key(&ada.hash());
    let _: () = conn
        .clone()
        .zadd(store.backend().user_key(&2), &ada_key[13..], 1e15)
        .await
        .unwrap();
    let handle = Handle::from_key(&ada.hash());
    assert!(!store.revoke_handle(&2, &handle).await.unwrap());
    assert_eq!(store.revoke_user(&2).await.unwrap(), 1, "eve's own only");
    assert!(store.load(&ada).await.unwrap().is_some());
    assert!(store.load(&eve).await.unwrap().is_none());
}

#[tokio::test]
async fn foreign_values_are_errors_not_panics() {
    let Some((_server, conn)) = connect("foreign_values").await else {
        return;
    };
    let store = store(&conn, policy(), &ManualClock::new(T0));
    let cases: [(&str, &[u8]); 6] = [
        ("not a number", b"1:x:1:2:0:1:1"),
        ("a missing part", b"1:1:1:2:0:1"),
        ("another version", b"2:1:1:2:0:1:1"),
        ("a user id too short", b"1:1:1:2:0:3:1"),
        ("not a user id", b"1:1:1:2:0:2:01"),
        ("a label not UTF-8", b"1:1:1:2:2:1:1\xff"),
    ];
    for (what, packed) in cases {
        let token = Token::<32>::generate().unwrap();
        let key = store.backend().session_key(&token.hash());
        let _: () = conn.clone().hset(&key, "r", packed).await.unwrap();
        let err = store.load(&token).await.expect_err(what);
        assert_eq!(err.kind(), ErrorKind::Backend, "{what}");
        let source = std::error::Error::source(&err).expect("the backend's error");
        assert!(
            matches!(
                source.downcast_ref::<BackendError>(),
                Some(BackendError::Malformed)
            ),
            "{what}: {source}"
        );
    }
    // Another type under a session key: Redis's own error.
    let token = Token::<32>::generate().unwrap();
    let key = store.backend().session_key(&token.hash());
    let _: () = conn.clone().set(&key, "a string").await.unwrap();
    let err = store.load(&token).await.expect_err("WRONGTYPE");
    assert_eq!(err.kind(), ErrorKind::Backend);
    assert!(store.revoke(&token).await.is_err());
}
