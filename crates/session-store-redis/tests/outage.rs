//! Redis stopped and started again under load: workers keep loading, creating and listing
//! sessions while the server goes down and comes back. While it is down every call fails
//! with a backend error within a bound (no panic, no hang); once it is back the same store
//! (the same connection manager) works again, and the sessions from before are still there.
//!
//! Skipped with a notice without `redis-server`, except under CI, where it fails.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use session_store::{ErrorKind, Policy, Token};
use session_store_redis::test_util::RedisServer;
use session_store_redis::{RedisBackend, RedisStore};
use tokio::task::JoinSet;

/// The longest one call may take, up or down: a hang fails the test.
const CALL_BUDGET: Duration = Duration::from_secs(10);
/// How long Redis stays down, and how long the load runs in each other phase.
const PHASE: Duration = Duration::from_secs(2);
const WORKERS: usize = 8;

/// The phases, as the workers see them when a call starts and ends.
const UP: u8 = 0;
const STOPPING: u8 = 1;
const DOWN: u8 = 2;
const RESTARTING: u8 = 3;
const RECOVERED: u8 = 4;
const DONE: u8 = 5;

#[derive(Debug, Default)]
struct Tally {
    calls: [u64; 5],
    failures: [u64; 5],
    slowest: Duration,
}

async fn worker(
    store: RedisStore<i64>,
    tokens: Arc<Vec<Token>>,
    phase: Arc<AtomicU8>,
    n: usize,
) -> Tally {
    let mut tally = Tally::default();
    let mut i = n;
    loop {
        let at = phase.load(Ordering::SeqCst);
        if at == DONE {
            return tally;
        }
        let user = i64::try_from(i % 5).unwrap_or(0);
        let started = Instant::now();
        let call = async {
            match i % 3 {
                0 => store.load(&tokens[i % tokens.len()]).await.map(|s| {
                    assert!(s.is_some(), "a session from before the outage");
                }),
                1 => store.create(user).await.map(drop),
                _ => store.list(&user).await.map(drop),
            }
        };
        let outcome = tokio::time::timeout(CALL_BUDGET, call)
            .await
            .unwrap_or_else(|_| panic!("a call hung for {CALL_BUDGET:?} (phase {at})"));
        tally.slowest = tally.slowest.max(started.elapsed());
        // A call counts for a phase if it began and ended in it (one that waits for the
        // reconnect while Redis comes back may well succeed).
        let counted = phase.load(Ordering::SeqCst) == at;
        if counted {
            tally.calls[usize::from(at)] += 1;
        }
        if let Err(err) = outcome {
            assert_eq!(err.kind(), ErrorKind::Backend, "{err}");
            assert!(
                std::error::Error::source(&err).is_some(),
                "the cause is kept"
            );
            if counted {
                tally.failures[usize::from(at)] += 1;
            }
            // Do not spin on a dead server.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        i += WORKERS;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_and_restarted_under_load() {
    let Some(mut server) = RedisServer::start_or_skip("under_load") else {
        return;
    };
    let store: RedisStore<i64> = RedisBackend::connect(&server.url(), Policy::default())
        .await
        .expect("connect")
        .into_store();
    let mut tokens = Vec::new();
    for user in 0..50 {
        tokens.push(store.create(user % 5).await.expect("create"));
    }
    let tokens = Arc::new(tokens);
    let phase = Arc::new(AtomicU8::new(UP));
    let mut workers = JoinSet::new();
    for n in 0..WORKERS {
        workers.spawn(worker(
            store.clone(),
            Arc::clone(&tokens),
            Arc::clone(&phase),
            n,
        ));
    }

    tokio::time::sleep(PHASE).await;
    phase.store(STOPPING, Ordering::SeqCst);
    server = tokio::task::spawn_blocking(move || {
        server.stop();
        server
    })
    .await
    .expect("stop redis-server");
    phase.store(DOWN, Ordering::SeqCst);
    tokio::time::sleep(PHASE).await;

    phase.store(RESTARTING, Ordering::SeqCst);
    let restarted = Instant::now();
    let _server = tokio::task::spawn_blocking(move || {
        server.start();
        server
    })
    .await
    .expect("start redis-server");
    // The store finds Redis again by itself: the first call that works ends the wait.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match store.load(&tokens[0]).await {
            Ok(session) => {
                assert!(session.is_some(), "the session from before the outage");
                break;
            }
            Err(err) => {
                assert!(Instant::now() < deadline, "no recovery within 30 s: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    let recovery = restarted.elapsed();
    phase.store(RECOVERED, Ordering::SeqCst);
    tokio::time::sleep(PHASE).await;
    phase.store(DONE, Ordering::SeqCst);

    let tallies = workers.join_all().await;
    let sum = |f: fn(&Tally) -> u64| tallies.iter().map(f).sum::<u64>();
    let (calls_up, failed_up) = (sum(|t| t.calls[0]), sum(|t| t.failures[0]));
    let (calls_down, failed_down) = (sum(|t| t.calls[2]), sum(|t| t.failures[2]));
    let (calls_after, failed_after) = (sum(|t| t.calls[4]), sum(|t| t.failures[4]));
    let slowest = tallies.iter().map(|t| t.slowest).max().unwrap_or_default();
    println!(
        "up: {calls_up} calls, {failed_up} failed; down: {calls_down} calls, {failed_down} \
         failed; recovered {recovery:.1?} after the restart began; after: {calls_after} calls, \
         {failed_after} failed; slowest call {slowest:.1?}"
    );
    assert!(calls_up > 0 && failed_up == 0, "up: every call works");
    assert!(
        calls_down > 0 && failed_down == calls_down,
        "down: every call fails"
    );
    assert!(
        calls_after > 0 && failed_after == 0,
        "recovered: every call works"
    );
    for token in tokens.iter() {
        assert!(store.load(token).await.expect("load").is_some());
    }
}
