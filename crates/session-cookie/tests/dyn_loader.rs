//! `DynLoader`: a loader behind a trait object, as the adapters store it.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use session_cookie::adapter::{DynLoader, LoadCall, LoadFuture};
use session_cookie::{Loader, SyncLoader};
use session_token::Token;

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[derive(Debug)]
struct StoreDown;

impl fmt::Display for StoreDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("store down")
    }
}

impl std::error::Error for StoreDown {}

/// Byte 1: `ada`; byte 2: no session; byte 3: the store fails. Counts its calls.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
}

impl Loader for Counting {
    type User = String;
    type Error = StoreDown;

    async fn load(&self, token: &Token) -> Result<Option<String>, StoreDown> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match token.as_bytes()[0] {
            1 => Ok(Some("ada".to_owned())),
            3 => Err(StoreDown),
            _ => Ok(None),
        }
    }
}

/// A shared handle, so the test can read the counter after erasing the loader.
struct Handle(Arc<Counting>);

impl Loader for Handle {
    type User = String;
    type Error = StoreDown;

    fn load(
        &self,
        token: &Token,
    ) -> impl Future<Output = Result<Option<String>, StoreDown>> + Send {
        self.0.load(token)
    }
}

fn counting() -> (Arc<Counting>, DynLoader<String>) {
    let counting = Arc::new(Counting::default());
    let loader = DynLoader::new(Handle(Arc::clone(&counting)));
    (counting, loader)
}

#[test]
fn ok_some_is_passed_through_and_the_loader_runs_once() {
    let (counting, loader) = counting();
    let user = block_on(loader.load(Token::from_bytes([1; 32]))).unwrap();
    assert_eq!(user.as_deref(), Some("ada"));
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn ok_none_is_passed_through() {
    let (counting, loader) = counting();
    assert!(
        block_on(loader.load(Token::from_bytes([2; 32])))
            .unwrap()
            .is_none()
    );
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn err_is_erased_with_its_message_and_source_type() {
    let (counting, loader) = counting();
    let err = block_on(loader.load(Token::from_bytes([3; 32]))).unwrap_err();
    assert_eq!(err.to_string(), "store down");
    assert!(err.downcast_ref::<StoreDown>().is_some());
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn nothing_runs_until_polled_and_each_load_is_one_call() {
    let (counting, loader) = counting();
    let pending: LoadFuture<'static, String> = loader.load(Token::from_bytes([1; 32]));
    assert_eq!(counting.calls.load(Ordering::SeqCst), 0, "lazy");
    let clone = loader.clone();
    let _ = block_on(pending);
    let _ = block_on(clone.load(Token::from_bytes([2; 32])));
    assert_eq!(counting.calls.load(Ordering::SeqCst), 2);
}

#[test]
fn the_future_outlives_the_loader_handle_and_the_token() {
    let (counting, loader) = counting();
    let future = {
        let token = Token::from_bytes([1; 32]);
        loader.load(token)
    };
    drop(loader);
    fn assert_static_send<T: Send + 'static>(_: &T) {}
    assert_static_send(&future);
    assert_eq!(block_on(future).unwrap().as_deref(), Some("ada"));
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn functions_and_closures_erase_too() {
    async fn by_fn(token: &Token<16>) -> Result<Option<usize>, Infallible> {
        Ok(Some(token.as_bytes().len()))
    }
    let loader: DynLoader<usize, 16> = DynLoader::new(by_fn);
    assert_eq!(
        block_on(loader.load(Token::from_bytes([0; 16]))).unwrap(),
        Some(16)
    );
    let closure = |t: &Token| {
        let first = t.as_bytes()[0];
        async move { Ok::<_, Infallible>(Some(first)) }
    };
    let loader: DynLoader<u8> = DynLoader::new(closure);
    assert_eq!(
        block_on(loader.load(Token::from_bytes([9; 32]))).unwrap(),
        Some(9)
    );
}

#[test]
fn debug_names_nothing_of_the_loader() {
    let (_, loader) = counting();
    assert_eq!(format!("{loader:?}"), "DynLoader { .. }");
}

#[test]
fn load_ref_is_the_same_call_and_lazy() {
    let (counting, loader) = counting();
    let token = Token::from_bytes([1; 32]);
    let pending = loader.load_ref(&token);
    assert_eq!(counting.calls.load(Ordering::SeqCst), 0, "lazy");
    assert_eq!(block_on(pending).unwrap().as_deref(), Some("ada"));
    assert!(
        block_on(loader.load_ref(&Token::from_bytes([2; 32])))
            .unwrap()
            .is_none()
    );
    let err = block_on(loader.load_ref(&Token::from_bytes([3; 32]))).unwrap_err();
    assert!(err.downcast_ref::<StoreDown>().is_some());
    assert_eq!(counting.calls.load(Ordering::SeqCst), 3);
}

#[test]
fn ids_follow_clones_and_differ_between_loaders() {
    let (_, a) = counting();
    let b = a.clone();
    assert_eq!(a.id(), b.id());
    let ids: std::collections::HashSet<_> = (0..1000).map(|_| counting().1.id()).collect();
    assert_eq!(ids.len(), 1000, "every `new` gets its own id");
    assert!(!ids.contains(&a.id()));
    // An id outlives its loader and is never reused by a later one.
    let old = a.id();
    drop((a, b));
    assert!((0..100).all(|_| counting().1.id() != old));
}

/// The same answers as `Counting`, at once.
impl SyncLoader for Counting {
    type User = String;
    type Error = StoreDown;

    fn load_sync(&self, token: &Token) -> Result<Option<String>, StoreDown> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match token.as_bytes()[0] {
            1 => Ok(Some("ada".to_owned())),
            3 => Err(StoreDown),
            _ => Ok(None),
        }
    }
}

struct SyncHandle(Arc<Counting>);

impl SyncLoader for SyncHandle {
    type User = String;
    type Error = StoreDown;

    fn load_sync(&self, token: &Token) -> Result<Option<String>, StoreDown> {
        self.0.load_sync(token)
    }
}

fn counting_sync() -> (Arc<Counting>, DynLoader<String>) {
    let counting = Arc::new(Counting::default());
    let loader = DynLoader::new_sync(SyncHandle(Arc::clone(&counting)));
    (counting, loader)
}

#[test]
fn a_sync_loader_answers_in_place_once_per_start() {
    let (counting, loader) = counting_sync();
    let token = Token::from_bytes([1; 32]);
    match loader.start_ref(&token) {
        LoadCall::Done(outcome) => assert_eq!(outcome.unwrap().as_deref(), Some("ada")),
        LoadCall::Pending(_) => panic!("a sync loader has no future"),
    }
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
    let owned = loader.start(Token::from_bytes([2; 32]));
    assert!(matches!(owned, LoadCall::Done(Ok(None))));
    let err = match loader.start(Token::from_bytes([3; 32])) {
        LoadCall::Done(outcome) => outcome.unwrap_err(),
        LoadCall::Pending(_) => panic!("a sync loader has no future"),
    };
    assert_eq!(err.to_string(), "store down");
    assert!(err.downcast_ref::<StoreDown>().is_some());
    assert_eq!(counting.calls.load(Ordering::SeqCst), 3);
}

#[test]
fn a_sync_loader_through_the_future_forms_is_the_same_single_call() {
    let (counting, loader) = counting_sync();
    let token = Token::from_bytes([1; 32]);
    assert_eq!(
        block_on(loader.load_ref(&token)).unwrap().as_deref(),
        Some("ada")
    );
    let owned: LoadFuture<'static, String> = loader.load(Token::from_bytes([3; 32]));
    assert!(block_on(owned).is_err());
    assert_eq!(counting.calls.load(Ordering::SeqCst), 2);
    assert_ne!(loader.id(), counting_sync().1.id());
}

#[test]
fn an_async_loader_starts_pending_and_lazy() {
    let (counting, loader) = counting();
    let token = Token::from_bytes([1; 32]);
    let call = loader.start_ref(&token);
    assert!(!call.is_done());
    assert_eq!(format!("{call:?}"), "LoadCall::Pending(..)");
    assert_eq!(counting.calls.load(Ordering::SeqCst), 0, "lazy");
    assert_eq!(block_on(call.outcome()).unwrap().as_deref(), Some("ada"));
    let owned: LoadCall<'static, String> = loader.start(Token::from_bytes([3; 32]));
    assert!(block_on(owned.outcome()).is_err());
    assert_eq!(counting.calls.load(Ordering::SeqCst), 2);
}

#[test]
fn sync_functions_and_closures_erase_too() {
    fn by_fn(token: &Token<16>) -> Result<Option<usize>, Infallible> {
        Ok(Some(token.as_bytes().len()))
    }
    let loader: DynLoader<usize, 16> = DynLoader::new_sync(by_fn);
    assert!(matches!(
        loader.start(Token::from_bytes([0; 16])),
        LoadCall::Done(Ok(Some(16)))
    ));
    let map = Arc::new(std::collections::HashMap::from([([9_u8; 32], 'x')]));
    let loader: DynLoader<char> =
        DynLoader::new_sync(move |t: &Token| Ok::<_, Infallible>(map.get(t.as_bytes()).copied()));
    let call = loader.start(Token::from_bytes([9; 32]));
    assert_eq!(format!("{call:?}"), "LoadCall::Done(..)");
    assert!(matches!(call, LoadCall::Done(Ok(Some('x')))));
}
