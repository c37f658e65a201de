//! The per-request cache of the loader's answer.

use http::request::Parts;
use http::{HeaderValue, header};
use session_cookie::CookieProxy;
use session_cookie::adapter::{DynLoader, LoadCall, LoadError, LoaderId, Rejection};

use crate::rejection::SessionRejection;

/// What the loader said for this request, kept in the request's extensions.
///
/// `owner` is the loader that answered: two `Sessions` with the same user type (two cookies)
/// must not read each other's entry. An id, not a handle: no reference count per request. Only requests whose cookie carried a well-formed token
/// get an entry: without one the loader never runs, and reading the cookie again is cheaper
/// than an entry.
struct Loaded<U, const N: usize> {
    owner: LoaderId,
    // Whether the token came by the bearer rules: a `Sessions` with and one without them
    // (same loader) may see different tokens in one request.
    bearer: bool,
    outcome: Result<Option<U>, LoadError>,
}

impl<U: Clone, const N: usize> Clone for Loaded<U, N> {
    fn clone(&self) -> Self {
        Self {
            owner: self.owner,
            bearer: self.bearer,
            outcome: self.outcome.clone(),
        }
    }
}

/// The user of the request's session: from the cache, else from the cookie and the loader
/// (at most once per request), else `None` without calling the loader (and without touching
/// the extensions) when there is no well-formed token. With `bearer`, the token comes from
/// the cookie and the `Authorization` header by `CookieProxy::load_with_bearer`.
pub(crate) async fn user<U, const N: usize>(
    proxy: &CookieProxy<N>,
    loader: &DynLoader<U, N>,
    bearer: bool,
    parts: &mut Parts,
) -> Result<Option<U>, SessionRejection>
where
    U: Clone + Send + Sync + 'static,
{
    // One header lookup (two with bearer tokens). No `Cookie` header (and no
    // `Authorization` header), no entry: the cache is not looked at (the anonymous path).
    let cookies = parts.headers.get_all(header::COOKIE);
    if cookies.iter().next().is_none()
        && !(bearer && parts.headers.contains_key(header::AUTHORIZATION))
    {
        return Ok(None);
    }
    let cached = parts
        .extensions
        .get::<Loaded<U, N>>()
        .filter(|hit| hit.owner == loader.id() && hit.bearer == bearer)
        .map(|hit| hit.outcome.clone());
    let outcome = match cached {
        Some(outcome) => outcome,
        None => {
            let cookies = cookies.iter().map(HeaderValue::as_bytes);
            let token = if bearer {
                let values = parts.headers.get_all(header::AUTHORIZATION);
                proxy.load_with_bearer(cookies, values.iter().map(HeaderValue::as_bytes))
            } else {
                proxy.load_from_values(cookies)
            };
            let Some(token) = token else {
                return Ok(None);
            };
            let outcome = match loader.start_ref(&token) {
                LoadCall::Done(outcome) => outcome,
                LoadCall::Pending(future) => future.await,
            };
            #[cfg(feature = "tracing")]
            if let Err(error) = &outcome {
                session_cookie::adapter::log::loader_failed(error);
            }
            parts.extensions.insert(Loaded::<U, N> {
                owner: loader.id(),
                bearer,
                outcome: outcome.clone(),
            });
            outcome
        }
    };
    outcome.map_err(|e| Rejection::loader_failed(e).into())
}
