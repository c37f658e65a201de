//! A real `redis-server` (one per test, on a free loopback port) runs the whole store
//! conformance suite, with each kind of user id, plus the "server stopped" outage: Redis is
//! stopped, every operation must fail with a backend error in bounded time, and after Redis
//! is started again the same backend (the same connection manager) must work again, with the
//! sessions from before.
//!
//! Skipped with a notice without `redis-server`, except under CI, where it fails.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use redis::aio::ConnectionManager;
use session_store_conformance::{Harness, Outage, SCENARIOS, TestUserId, run, standard_policy};
use session_store_redis::test_util::RedisServer;
use session_store_redis::{RedisBackend, UserId, manager_config};

/// One server; each scenario gets a prefix of its own in it.
struct Redis<U> {
    server: Mutex<RedisServer>,
    conn: ConnectionManager,
    next: AtomicU32,
    user: std::marker::PhantomData<fn() -> U>,
}

impl<U: TestUserId + UserId> Harness for Redis<U> {
    type Backend = RedisBackend<U>;

    fn name(&self) -> String {
        format!("redis ({})", std::any::type_name::<U>())
    }

    async fn backend(&self) -> RedisBackend<U> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        // TTLs by the standard policy: every scenario ends within them (its clock is a manual
        // one; the TTLs run on Redis's), so no key expires under a scenario.
        RedisBackend::new(self.conn.clone(), standard_policy())
            .with_prefix(&format!("test:{n}:"))
            .expect("a valid prefix")
    }

    fn outages(&self) -> Vec<Outage> {
        vec![Outage::ServerStopped]
    }

    async fn begin_outage(&self, _: Outage, _: &RedisBackend<U>) {
        self.server.lock().expect("the server").stop();
    }

    async fn end_outage(&self, _: Outage, _: &RedisBackend<U>) -> Option<RedisBackend<U>> {
        self.server.lock().expect("the server").start();
        // The same backend: its connection manager reconnects by itself.
        None
    }
}

async fn conformance<U: TestUserId + UserId>(test: &str) {
    let Some(server) = RedisServer::start_or_skip(test) else {
        return;
    };
    let client = redis::Client::open(server.url()).expect("a redis URL");
    let conn = ConnectionManager::new_with_config(client, manager_config())
        .await
        .expect("connect to the test's redis-server");
    let started = Instant::now();
    let report = run(Redis::<U> {
        server: Mutex::new(server),
        conn,
        next: AtomicU32::new(0),
        user: std::marker::PhantomData,
    })
    .await;
    assert_eq!(report.passed.len(), SCENARIOS + 1);
    println!(
        "{}: {} scenarios in {:.1?}",
        report.backend,
        report.passed.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i64_user_ids() {
    conformance::<i64>("i64").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_user_ids() {
    conformance::<String>("string").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn byte_user_ids() {
    conformance::<Vec<u8>>("bytes").await;
}
