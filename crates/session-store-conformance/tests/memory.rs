//! The in-memory backend runs the whole store conformance suite, with each kind of user id.

use session_store::MemoryBackend;
use session_store_conformance::{Harness, SCENARIOS, TestUserId, run};

struct Memory<U>(std::marker::PhantomData<U>);

impl<U: TestUserId> Harness for Memory<U> {
    type Backend = MemoryBackend<U>;

    fn name(&self) -> String {
        format!("memory ({})", std::any::type_name::<U>())
    }

    async fn backend(&self) -> MemoryBackend<U> {
        MemoryBackend::new()
    }
}

async fn conformance<U: TestUserId>() {
    let report = run(Memory::<U>(std::marker::PhantomData)).await;
    assert_eq!(report.passed.len(), SCENARIOS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i64_user_ids() {
    conformance::<i64>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_user_ids() {
    conformance::<String>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn byte_user_ids() {
    conformance::<Vec<u8>>().await;
}
