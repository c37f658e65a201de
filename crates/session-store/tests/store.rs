//! Properties of the store itself; the lifecycle scenarios every backend runs live in
//! `session-store-conformance`.

use std::time::Duration;

use session_store::{Backend, Loader, ManualClock, MemoryBackend, MemoryStore, Policy, Store};
use session_token::Token;

fn store() -> (MemoryStore<i64>, ManualClock) {
    let clock = ManualClock::new(1_700_000_000);
    let store = MemoryStore::in_memory(Policy::default()).with_clock(clock.clone());
    (store, clock)
}

#[tokio::test]
async fn stores_only_the_hash() {
    let (store, _) = store();
    let token: Token = store.create(1).await.unwrap();
    let backend = store.backend();
    let record = backend.get(&token.hash()).await.unwrap().unwrap();
    assert_eq!(record.key, token.hash());
    assert_ne!(&record.key, token.as_bytes());
    assert_eq!(backend.get(token.as_bytes()).await.unwrap(), None);
}

#[tokio::test]
async fn debug_does_not_leak_the_key() {
    let (store, _) = store();
    let token: Token = store.create(1).await.unwrap();
    let record = store.backend().get(&token.hash()).await.unwrap().unwrap();
    let session = store.load(&token).await.unwrap().unwrap();
    let full_key: String = token.hash().iter().map(|b| format!("{b:02x}")).collect();
    for text in [
        format!("{record:?}"),
        format!("{session:?}"),
        format!("{store:?}"),
    ] {
        assert!(!text.contains(&full_key), "{text}");
        assert!(!text.contains(token.encode().as_str()), "{text}");
        assert!(!text.contains(&format!("{:?}", token.hash())), "{text}");
    }
    assert!(full_key.starts_with(&session.handle.to_string()));
}

#[tokio::test]
async fn an_unknown_token_creates_nothing() {
    let (store, _) = store();
    for _ in 0..3 {
        let unknown = Token::<32>::generate().unwrap();
        assert_eq!(store.load(&unknown).await.unwrap(), None);
        assert_eq!(store.rotate(&unknown).await.unwrap(), None);
        assert_eq!(store.revoke_others(&unknown).await.unwrap(), 0);
        assert!(!store.touch(&unknown, 0).await.unwrap());
    }
    assert!(store.backend().is_empty());
}

#[tokio::test]
async fn the_loader_is_the_store() {
    let (store, clock) = store();
    let token: Token = store.create(7).await.unwrap();
    let session = Loader::load(&store, &token).await.unwrap().unwrap();
    assert_eq!(session.user_id, 7);
    clock.advance(Duration::from_secs(12 * 3600));
    assert_eq!(Loader::load(&store, &token).await.unwrap(), None);
}

#[test]
fn store_is_send_sync_clone_and_its_loader_future_is_send() {
    fn assert_loader<L: Loader + Send + Sync + Clone + 'static>(_: &L) {}
    assert_loader(&store().0);
    fn assert_backend<B: Backend>() {}
    assert_backend::<MemoryBackend<String>>();
    assert_backend::<MemoryBackend<Vec<u8>>>();
}

#[tokio::test]
async fn other_token_lengths() {
    let store: Store<MemoryBackend<i64>, 16> = Store::in_memory(Policy::default());
    let token: Token<16> = store.create(1).await.unwrap();
    assert_eq!(
        store.load(&token).await.unwrap().map(|s| s.user_id),
        Some(1)
    );
}
