//! The `Loader` trait: implemented by types, `async fn`s and closures alike.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use session_cookie::Loader;
use session_token::Token;

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// Keyed by `Token::hash()`, never by the token.
type Sessions = Arc<Mutex<HashMap<[u8; 32], String>>>;

#[derive(Debug)]
struct StoreDown;
impl std::fmt::Display for StoreDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("store unavailable")
    }
}
impl std::error::Error for StoreDown {}

struct Store {
    sessions: Sessions,
    up: bool,
}

impl Loader for Store {
    type User = String;
    type Error = StoreDown;

    async fn load(&self, token: &Token) -> Result<Option<String>, StoreDown> {
        if !self.up {
            return Err(StoreDown);
        }
        let key = token.hash();
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(sessions.get(&key).cloned())
    }
}

async fn by_fn(token: &Token) -> Result<Option<String>, Infallible> {
    Ok((token.as_bytes()[0] == 1).then(|| "fn".to_owned()))
}

/// What adapters do: generic over any loader, requiring a `Send` future.
fn adapter_lookup<L>(loader: &L, token: &Token) -> Result<Option<L::User>, L::Error>
where
    L: Loader + Send + Sync,
{
    fn assert_send<T: Send>(t: T) -> T {
        t
    }
    block_on(assert_send(loader.load(token)))
}

#[test]
fn a_type_can_be_a_loader() {
    let known = Token::from_bytes([1; 32]);
    let sessions: Sessions = Arc::default();
    sessions
        .lock()
        .unwrap()
        .insert(known.hash(), "ada".to_owned());
    let store = Store {
        sessions: Arc::clone(&sessions),
        up: true,
    };
    assert_eq!(
        adapter_lookup(&store, &known).unwrap(),
        Some("ada".to_owned())
    );
    assert_eq!(
        adapter_lookup(&store, &Token::from_bytes([2; 32])).unwrap(),
        None
    );
    let down = Store {
        sessions,
        up: false,
    };
    assert!(adapter_lookup(&down, &known).is_err());
}

#[test]
fn unknown_tokens_create_no_record() {
    let sessions: Sessions = Arc::default();
    let store = Store {
        sessions: Arc::clone(&sessions),
        up: true,
    };
    assert_eq!(
        adapter_lookup(&store, &Token::from_bytes([9; 32])).unwrap(),
        None
    );
    assert!(sessions.lock().unwrap().is_empty());
}

#[test]
fn an_async_fn_is_a_loader() {
    assert_eq!(
        adapter_lookup(&by_fn, &Token::from_bytes([1; 32])).unwrap(),
        Some("fn".to_owned())
    );
    assert_eq!(
        adapter_lookup(&by_fn, &Token::from_bytes([2; 32])).unwrap(),
        None
    );
}

#[test]
fn a_closure_returning_an_owning_future_is_a_loader() {
    let token = Token::from_bytes([5; 32]);
    let sessions: Sessions = Arc::default();
    sessions
        .lock()
        .unwrap()
        .insert(token.hash(), "closure".to_owned());
    let loader = move |t: &Token| {
        let key = t.hash();
        let sessions = Arc::clone(&sessions);
        async move { Ok::<_, Infallible>(sessions.lock().unwrap().get(&key).cloned()) }
    };
    assert_eq!(
        adapter_lookup(&loader, &token).unwrap(),
        Some("closure".to_owned())
    );
}

#[test]
fn a_non_capturing_async_closure_is_a_loader() {
    let loader = async |t: &Token| Ok::<_, Infallible>(Some(t.as_bytes()[0]));
    assert_eq!(
        adapter_lookup(&loader, &Token::from_bytes([7; 32])).unwrap(),
        Some(7)
    );
}

#[test]
fn loaders_for_other_token_lengths() {
    async fn short(t: &Token<16>) -> Result<Option<usize>, Infallible> {
        Ok(Some(t.as_bytes().len()))
    }
    fn lookup16<L: Loader<16>>(l: &L, t: &Token<16>) -> Result<Option<L::User>, L::Error> {
        block_on(l.load(t))
    }
    assert_eq!(
        lookup16(&short, &Token::from_bytes([0; 16])).unwrap(),
        Some(16)
    );
}
