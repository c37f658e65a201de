//! For adapter authors: the plumbing that turns [`CookieProxy`](crate::CookieProxy) and a
//! [`Loader`](crate::Loader) into a web framework's extractors and response parts.
//!
//! Applications do not need this module: they use an adapter (`session-axum`,
//! `session-actix`) or the proxy's own `load`/`start`/`refresh`/`end`. An adapter uses:
//!
//! * [`DynLoader`]: the application's loader with its type erased, so the adapter's
//!   configuration is named by the user type alone; [`LoaderId`] keys a per-request cache;
//!   [`LoadCall`] is one call, answered in place by a [`SyncLoader`](crate::SyncLoader);
//! * [`PendingCookie`]: a started, refreshed or ended session cookie waiting for its
//!   response, written by [`apply()`] (the one `Set-Cookie` rule) through the adapter's
//!   [`ResponseHeaders`] implementation;
//! * [`Rejection`]: why a request was refused or a session could not be started, with its
//!   status code, static body and source; the adapter wraps it in its framework's response
//!   type and maps the status code.
//!
//! # Examples
//!
//! A whole (synchronous, framework-free) adapter in a few lines: look the user up, then
//! answer with the status and body of the rejection.
//!
//! ```
//! use std::convert::Infallible;
//! use session_cookie::adapter::{DynLoader, Rejection};
//! use session_cookie::{CookieProxy, Token};
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//!
//! async fn load_user(token: &Token) -> Result<Option<String>, Infallible> {
//!     Ok((token.as_bytes()[0] == 1).then(|| "ada".to_owned()))
//! }
//!
//! fn user(proxy: &CookieProxy, loader: &DynLoader<String>, cookie: &str) -> Result<String, Rejection> {
//!     let token = proxy.load_from_values([cookie]).ok_or_else(Rejection::no_session)?;
//!     block_on(loader.load_ref(&token))
//!         .map_err(Rejection::loader_failed)?
//!         .ok_or_else(Rejection::no_session)
//! }
//!
//! let proxy = CookieProxy::default();
//! let loader = DynLoader::new(load_user);
//! let cookie = format!("__Host-id={}", Token::from_bytes([1; 32]).encode().as_str());
//! assert_eq!(user(&proxy, &loader, &cookie).ok().as_deref(), Some("ada"));
//! let refused = user(&proxy, &loader, "__Host-id=nope").unwrap_err();
//! assert_eq!((refused.status_code(), refused.body()), (401, "no valid session"));
//! ```

mod apply;
mod dyn_loader;
mod error_chain;
#[cfg(feature = "tracing")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
pub mod log;
mod pending;
mod rejection;

pub use self::apply::{NO_STORE, ResponseHeaders, apply};
pub use self::dyn_loader::{DynLoader, LoadCall, LoadError, LoadFuture, LoaderId};
pub use self::error_chain::ErrorChain;
pub use self::pending::PendingCookie;
pub use self::rejection::Rejection;
