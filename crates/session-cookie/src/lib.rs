#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod apply;
mod dyn_loader;
mod error;
#[cfg(feature = "http")]
mod headers;
mod load;
mod loader;
mod proxy;
mod rejection;
mod set_cookie;
mod template;

pub use crate::apply::ResponseHeaders;
pub use crate::dyn_loader::{DynLoader, LoadError, LoadFuture, LoaderId};
pub use crate::error::{ConfigError, Error};
pub use crate::load::{DuplicatePolicy, MAX_COOKIE_BYTES, MAX_COOKIE_PAIRS};
pub use crate::loader::{Loader, LoaderFn};
pub use crate::proxy::CookieProxy;
pub use crate::rejection::RejectionReason;
pub use crate::set_cookie::{NO_STORE, SetCookie};

// Re-exported so users name the same versions this crate uses.
pub use cookie;
pub use session_token;
pub use session_token::Token;
