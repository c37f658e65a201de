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

pub use crate::cross_origin::{RequireSameOrigin, RequireSameOriginMiddleware};
pub use crate::guard::{RequireUser, RequireUserMiddleware};
pub use crate::rejection::SessionRejection;
pub use crate::response::{EndSession, RefreshSession, SessionResponseExt, StartSession};
pub use crate::sessions::Sessions;
pub use crate::token::{MaybeSessionToken, SessionToken};
pub use crate::user::{MaybeUser, MaybeUserFuture, User, UserFuture};

// Re-exported so applications name the same versions this crate uses.
pub use session_cookie::{
    self, CookieLifetime, CookieProxy, CrossOrigin, CrossOriginRefusal, DuplicatePolicy, Loader,
    RejectionReason, SyncLoader, Token,
};
