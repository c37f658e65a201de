#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod clock;
mod error;
#[cfg(feature = "memory")]
mod memory;
mod options;
mod policy;
mod session;
mod store;

pub use crate::backend::Backend;
pub use crate::clock::{Clock, ManualClock, SystemClock};
pub use crate::error::{Error, ErrorKind};
#[cfg(feature = "memory")]
#[cfg_attr(docsrs, doc(cfg(feature = "memory")))]
pub use crate::memory::{MemoryBackend, MemoryStore};
pub use crate::options::CreateOptions;
pub use crate::policy::{Cutoff, Policy};
pub use crate::session::{Handle, ParseHandleError, Record, Session};
pub use crate::store::{MAX_LABEL_BYTES, Store};

// Re-exported so users name the same versions this crate uses.
pub use session_cookie::{CookieLifetime, Loader};
pub use session_token;
pub use session_token::Token;
