//! The per-request cache of the loader's call.

use core::future::Future;

use actix_web::http::header;
use actix_web::{HttpMessage as _, HttpRequest};
use futures_util::future::{FutureExt as _, Shared};
use session_cookie::{CookieProxy, DynLoader, LoadFuture};

use crate::rejection::SessionRejection;

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
    owner: DynLoader<U, N>,
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
    loader: &DynLoader<U, N>,
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
    loader: &DynLoader<U, N>,
    req: &HttpRequest,
) -> Option<SharedLoad<U>>
where
    U: Clone + Send + Sync + 'static,
{
    let cached = req
        .extensions()
        .get::<Loaded<U, N>>()
        .filter(|hit| hit.owner.same_loader(loader))
        .map(|hit| hit.load.clone());
    if cached.is_some() {
        return cached;
    }
    let values = req.headers().get_all(header::COOKIE).map(|v| v.as_bytes());
    let token = proxy.load_from_values(values)?;
    let load = loader.load(token).shared();
    req.extensions_mut().insert(Loaded {
        owner: loader.clone(),
        load: load.clone(),
    });
    Some(load)
}
