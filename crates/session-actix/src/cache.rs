//! The per-request cache of the loader's call.

use core::cell::RefCell;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use actix_web::http::header;
use actix_web::{HttpMessage as _, HttpRequest};
use session_cookie::CookieProxy;
use session_cookie::adapter::{DynLoader, LoadCall, LoadError, LoadFuture, LoaderId, Rejection};

use crate::rejection::SessionRejection;

type Outcome<U> = Result<Option<U>, LoadError>;

/// One loader call, driven and awaited by every extractor of the request that asks.
///
/// actix-web starts all of a handler's extractors before polling them together, so the
/// first one to ask stores the call here *before* it runs, and the others await the same
/// call instead of starting their own. Whoever is polled drives the loader's future; the
/// wakers of the others are woken when it finishes, or when a driver is dropped before it
/// finishes (so that another one takes over). One allocation (the `Rc`), against two for
/// `futures_util`'s `Shared` (its `Arc` and its waker slab).
///
/// An `Rc` and a `RefCell`, not an `Arc` and a `Mutex`: a request, its extensions and its
/// extractors' futures stay on the worker thread that serves it (`HttpRequest` is not
/// `Send`), so no count or lock needs to be atomic. A borrow is never held while the
/// application's future runs, so polling it cannot meet a borrow of its own.
pub(crate) struct Slot<U> {
    state: RefCell<State<U>>,
}

enum State<U> {
    /// `future` is `None` only while one of the parties polls it.
    Loading {
        future: Option<LoadFuture<'static, U>>,
        wakers: Vec<Waker>,
    },
    Done(Outcome<U>),
}

/// The loader call for this request, kept in the request's extensions. Only requests
/// whose cookie carries a well-formed token get one: without a token the loader never runs,
/// and reading the cookie again is cheaper than an entry.
///
/// `owner` is the loader that answers: two `Sessions` with the same user type (two cookies)
/// must not read each other's entry.
struct Loaded<U, const N: usize> {
    owner: LoaderId,
    // Whether the token came by the bearer rules: a `Sessions` with and one without them
    // (same loader) may see different tokens in one request.
    bearer: bool,
    entry: Entry<U>,
}

/// A [`SyncLoader`](session_cookie::SyncLoader)'s answer, known before any extractor is
/// polled (no `Rc`, no future); or an async loader's call, shared.
enum Entry<U> {
    Done(Outcome<U>),
    Loading(Rc<Slot<U>>),
}

/// What one extractor awaits: nothing (no token), the answer itself (`None` once taken), or
/// its share of the request's call.
pub(crate) enum Call<U> {
    NoSession,
    Done(Option<Outcome<U>>),
    Shared { slot: Rc<Slot<U>>, finished: bool },
}

// Nothing in a `Call` is ever pinned (the loader's future is behind its own `Box`).
impl<U> Unpin for Call<U> {}

impl<U: Clone> Future for Call<U> {
    type Output = Result<Option<U>, SessionRejection>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (slot, finished) = match self.get_mut() {
            Call::NoSession => return Poll::Ready(Ok(None)),
            Call::Done(outcome) => {
                // Polled again after `Ready` (a breach of the `Future` contract): pending
                // for ever, never an answer of its own.
                return match outcome.take() {
                    Some(outcome) => {
                        Poll::Ready(outcome.map_err(|e| Rejection::loader_failed(e).into()))
                    }
                    None => Poll::Pending,
                };
            }
            Call::Shared { slot, finished } => (slot, finished),
        };
        let outcome = match poll_slot(slot, cx) {
            Poll::Ready(outcome) => outcome,
            Poll::Pending => return Poll::Pending,
        };
        *finished = true;
        Poll::Ready(outcome.map_err(|e| Rejection::loader_failed(e).into()))
    }
}

fn poll_slot<U: Clone>(slot: &Slot<U>, cx: &mut Context<'_>) -> Poll<Outcome<U>> {
    let mut future = {
        let mut state = slot.state.borrow_mut();
        match &mut *state {
            State::Done(outcome) => return Poll::Ready(outcome.clone()),
            State::Loading { future, wakers } => match future.take() {
                Some(future) => future,
                None => {
                    // Another party is polling it further up this thread's stack (a loader
                    // whose future polls this request's extractors); it wakes us when done.
                    register(wakers, cx.waker());
                    return Poll::Pending;
                }
            },
        }
    };
    // No borrow is held while the application's future runs.
    let poll = future.as_mut().poll(cx);
    let mut state = slot.state.borrow_mut();
    match poll {
        Poll::Ready(outcome) => {
            #[cfg(feature = "tracing")]
            if let Err(error) = &outcome {
                session_cookie::adapter::log::loader_failed(error);
            }
            let previous = mem::replace(&mut *state, State::Done(outcome.clone()));
            drop(state);
            if let State::Loading { wakers, .. } = previous {
                wakers.into_iter().for_each(Waker::wake);
            }
            Poll::Ready(outcome)
        }
        Poll::Pending => {
            if let State::Loading {
                future: place,
                wakers,
            } = &mut *state
            {
                *place = Some(future);
                register(wakers, cx.waker());
            }
            Poll::Pending
        }
    }
}

fn register(wakers: &mut Vec<Waker>, waker: &Waker) {
    if !wakers.iter().any(|w| w.will_wake(waker)) {
        wakers.push(waker.clone());
    }
}

impl<U> Drop for Call<U> {
    fn drop(&mut self) {
        let Call::Shared {
            slot,
            finished: false,
        } = self
        else {
            return;
        };
        // This party may have been the one the loader's future would wake: let the others
        // know, so that one of them drives it from now on.
        let wakers = match &mut *slot.state.borrow_mut() {
            State::Loading { wakers, .. } => mem::take(wakers),
            State::Done(_) => return,
        };
        wakers.into_iter().for_each(Waker::wake);
    }
}

/// The request's share of its loader call: the cached call, else a new one (at most one
/// per request), else `NoSession` without calling the loader (and without touching the
/// extensions) when there is no well-formed token.
///
/// Everything that touches the request happens here, before the returned future is first
/// polled, so no `RefCell` borrow of the extensions is held across an `.await`, and the
/// future borrows nothing.
pub(crate) fn call<U, const N: usize>(
    proxy: &CookieProxy<N>,
    loader: &DynLoader<U, N>,
    bearer: bool,
    req: &HttpRequest,
) -> Call<U>
where
    U: Clone + Send + Sync + 'static,
{
    // One header lookup (two with bearer tokens). No `Cookie` header (and no
    // `Authorization` header), no entry: the cache is not looked at (the anonymous path).
    let cookies = req.headers().get_all(header::COOKIE);
    if cookies.as_slice().is_empty()
        && !(bearer && req.headers().contains_key(header::AUTHORIZATION))
    {
        return Call::NoSession;
    }
    let cached = req
        .extensions()
        .get::<Loaded<U, N>>()
        .filter(|hit| hit.owner == loader.id() && hit.bearer == bearer)
        .map(|hit| match &hit.entry {
            Entry::Done(outcome) => Call::Done(Some(outcome.clone())),
            Entry::Loading(slot) => Call::Shared {
                slot: Rc::clone(slot),
                finished: false,
            },
        });
    if let Some(call) = cached {
        return call;
    }
    let cookies = cookies.map(|v| v.as_bytes());
    let token = if bearer {
        let values = req.headers().get_all(header::AUTHORIZATION);
        proxy.load_with_bearer(cookies, values.map(|v| v.as_bytes()))
    } else {
        proxy.load_from_values(cookies)
    };
    let Some(token) = token else {
        return Call::NoSession;
    };
    let (entry, call) = match loader.start(token) {
        LoadCall::Done(outcome) => {
            #[cfg(feature = "tracing")]
            if let Err(error) = &outcome {
                session_cookie::adapter::log::loader_failed(error);
            }
            (Entry::Done(outcome.clone()), Call::Done(Some(outcome)))
        }
        LoadCall::Pending(future) => {
            let slot = Rc::new(Slot {
                state: RefCell::new(State::Loading {
                    future: Some(future),
                    wakers: Vec::new(),
                }),
            });
            let call = Call::Shared {
                slot: Rc::clone(&slot),
                finished: false,
            };
            (Entry::Loading(slot), call)
        }
    };
    req.extensions_mut().insert(Loaded::<U, N> {
        owner: loader.id(),
        bearer,
        entry,
    });
    call
}
