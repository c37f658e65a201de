//! The loader behind a trait object, and the per-request cache of its answer.

use core::future::Future;
use core::pin::Pin;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpMessage as _, HttpRequest};
use futures_util::future::{FutureExt as _, Shared};
use session_cookie::{CookieProxy, Loader, Token};

use crate::rejection::{LoadError, SessionRejection};

/// What the loader answers, with its error shared.
pub(crate) type Outcome<U> = Result<Option<U>, LoadError>;

/// The loader's future, boxed so that [`Sessions`](crate::Sessions) is named by the user
/// type alone (an `async fn` loader has a type no one can write). It owns the token and a
/// handle to the loader, so it borrows nothing from the request.
pub(crate) type LoadFuture<U> = Pin<Box<dyn Future<Output = Outcome<U>> + Send>>;

/// [`Loader`] with its future boxed (once) and its error shared.
pub(crate) trait ErasedLoader<U, const N: usize>: Send + Sync {
    fn load_owned(self: Arc<Self>, token: Token<N>) -> LoadFuture<U>;
}

impl<L, const N: usize> ErasedLoader<L::User, N> for L
where
    L: Loader<N> + Send + Sync + 'static,
    L::User: 'static,
{
    fn load_owned(self: Arc<Self>, token: Token<N>) -> LoadFuture<L::User> {
        Box::pin(async move {
            Loader::load(&*self, &token)
                .await
                .map_err(|e| Arc::new(e) as LoadError)
        })
    }
}

/// One loader call, awaited by every extractor of the request that asks.
///
/// actix-web starts all of a handler's extractors before polling them together, so the
/// first one to ask stores the call here *before* it runs, and the others await the same
/// call instead of starting their own.
type SharedLoad<U> = Shared<LoadFuture<U>>;

/// The loader call for this request, kept in the request's extensions.
///
/// `owner` is the loader that answers: two `Sessions` with the same user type (two cookies)
/// must not read each other's entry.
struct Loaded<U, const N: usize> {
    owner: Arc<dyn ErasedLoader<U, N>>,
    load: SharedLoad<U>,
}

/// The user of the request's session: the cached call, else a new one (at most one per
/// request), else `None` without calling the loader when there is no well-formed token.
///
/// Everything that touches the request happens before the returned future is first polled,
/// so no `RefCell` borrow of the extensions is held across an `.await`, and the future
/// borrows nothing.
pub(crate) fn user<U, const N: usize>(
    proxy: &CookieProxy<N>,
    loader: &Arc<dyn ErasedLoader<U, N>>,
    req: &HttpRequest,
) -> impl Future<Output = Result<Option<U>, SessionRejection>> + 'static
where
    U: Clone + Send + Sync + 'static,
{
    let load = call(proxy, loader, req);
    async move {
        match load {
            None => Ok(None),
            Some(load) => load.await.map_err(SessionRejection::loader_failed),
        }
    }
}

fn call<U, const N: usize>(
    proxy: &CookieProxy<N>,
    loader: &Arc<dyn ErasedLoader<U, N>>,
    req: &HttpRequest,
) -> Option<SharedLoad<U>>
where
    U: Clone + Send + Sync + 'static,
{
    let cached = req
        .extensions()
        .get::<Loaded<U, N>>()
        .filter(|hit| same(&hit.owner, loader))
        .map(|hit| hit.load.clone());
    if cached.is_some() {
        return cached;
    }
    let values = req.headers().get_all(header::COOKIE).map(|v| v.as_bytes());
    let token = proxy.load_from_values(values)?;
    let load = Arc::clone(loader).load_owned(token).shared();
    req.extensions_mut().insert(Loaded {
        owner: Arc::clone(loader),
        load: load.clone(),
    });
    Some(load)
}

fn same<U, const N: usize>(
    a: &Arc<dyn ErasedLoader<U, N>>,
    b: &Arc<dyn ErasedLoader<U, N>>,
) -> bool {
    // Addresses only: vtable pointers of the same type may differ between codegen units.
    core::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}
