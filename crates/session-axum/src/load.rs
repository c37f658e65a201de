//! The loader behind a trait object, and the per-request cache of its answer.

use core::future::Future;
use core::pin::Pin;
use std::sync::Arc;

use http::request::Parts;
use session_cookie::{CookieProxy, Loader, Token};

use crate::rejection::{LoadError, SessionRejection};

/// The loader's future, boxed so that [`Sessions`](crate::Sessions) is named by the user
/// type alone (an `async fn` loader has a type no one can write).
pub(crate) type LoadFuture<'a, U> =
    Pin<Box<dyn Future<Output = Result<Option<U>, LoadError>> + Send + 'a>>;

/// [`Loader`] with its future boxed and its error shared.
pub(crate) trait ErasedLoader<U, const N: usize>: Send + Sync {
    fn load<'a>(&'a self, token: &'a Token<N>) -> LoadFuture<'a, U>;
}

impl<L, const N: usize> ErasedLoader<L::User, N> for L
where
    L: Loader<N> + Send + Sync,
    L::User: 'static,
{
    fn load<'a>(&'a self, token: &'a Token<N>) -> LoadFuture<'a, L::User> {
        Box::pin(async move {
            Loader::load(self, token)
                .await
                .map_err(|e| Arc::new(e) as LoadError)
        })
    }
}

/// What the loader said for this request, kept in the request's extensions.
///
/// `owner` is the loader that answered: two `Sessions` with the same user type (two cookies)
/// must not read each other's entry.
struct Loaded<U, const N: usize> {
    owner: Arc<dyn ErasedLoader<U, N>>,
    outcome: Result<Option<U>, LoadError>,
}

impl<U: Clone, const N: usize> Clone for Loaded<U, N> {
    fn clone(&self) -> Self {
        Self {
            owner: Arc::clone(&self.owner),
            outcome: self.outcome.clone(),
        }
    }
}

/// The user of the request's session: from the cache, else from the cookie and the loader
/// (at most once per request), else `None` without calling the loader when there is no
/// well-formed token.
pub(crate) async fn user<U, const N: usize>(
    proxy: &CookieProxy<N>,
    loader: &Arc<dyn ErasedLoader<U, N>>,
    parts: &mut Parts,
) -> Result<Option<U>, SessionRejection>
where
    U: Clone + Send + Sync + 'static,
{
    let cached = parts
        .extensions
        .get::<Loaded<U, N>>()
        .filter(|hit| same(&hit.owner, loader))
        .map(|hit| hit.outcome.clone());
    let outcome = match cached {
        Some(outcome) => outcome,
        None => {
            let outcome = match proxy.load(&parts.headers) {
                None => Ok(None),
                Some(token) => loader.load(&token).await,
            };
            parts.extensions.insert(Loaded {
                owner: Arc::clone(loader),
                outcome: outcome.clone(),
            });
            outcome
        }
    };
    outcome.map_err(SessionRejection::loader_failed)
}

fn same<U, const N: usize>(
    a: &Arc<dyn ErasedLoader<U, N>>,
    b: &Arc<dyn ErasedLoader<U, N>>,
) -> bool {
    // Addresses only: vtable pointers of the same type may differ between codegen units.
    core::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}
