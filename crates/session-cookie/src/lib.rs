#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod adapter;
pub mod bearer;
mod cross_origin;
mod error;
#[cfg(feature = "http")]
mod headers;
mod lifetime;
mod loader;
mod parse;
mod proxy;
mod rejection;
mod set_cookie;
mod template;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

pub use crate::cross_origin::{
    CrossOrigin, CrossOriginConfigError, CrossOriginRefusal, CrossOriginRequest,
    MAX_BYPASS_PATH_BYTES, MAX_ORIGIN_BYTES,
};
pub use crate::error::ConfigError;
pub use crate::lifetime::CookieLifetime;
pub use crate::loader::{Loader, LoaderFn, SyncLoader};
pub use crate::parse::{DuplicatePolicy, MAX_COOKIE_BYTES, MAX_COOKIE_PAIRS};
pub use crate::proxy::CookieProxy;
pub use crate::rejection::RejectionReason;
pub use crate::set_cookie::SetCookie;

// Re-exported so users name the same versions this crate uses.
pub use cookie;
pub use session_token;
pub use session_token::{GenerateError, Token};
