#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cache;
mod cross_origin;
mod guard;
mod rejection;
mod response;
mod sessions;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod token;
mod user;

/// The workspace README's Rust examples, compiled and run as doc tests of this crate (the
/// one whose dev-dependencies they need), so the front page cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;

pub use crate::cross_origin::{RequireSameOrigin, RequireSameOriginFuture, RequireSameOriginLayer};
pub use crate::guard::{RequireUser, RequireUserLayer};
pub use crate::rejection::SessionRejection;
pub use crate::response::{EndSession, RefreshSession, StartSession};
pub use crate::sessions::Sessions;
pub use crate::token::SessionToken;
pub use crate::user::User;

// Re-exported so applications name the same versions this crate uses.
pub use session_cookie::{
    self, CookieLifetime, CookieProxy, CrossOrigin, CrossOriginRefusal, DuplicatePolicy, Loader,
    RejectionReason, SyncLoader, Token,
};
