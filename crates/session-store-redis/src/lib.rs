#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod error;
mod record;
mod scripts;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod user_id;

pub use crate::backend::{DEFAULT_PREFIX, InvalidPrefix, RedisBackend, manager_config};
pub use crate::error::BackendError;
pub use crate::user_id::UserId;

// Re-exported so users name the same versions this crate uses.
pub use redis;
pub use session_store;

/// A [`Store`](session_store::Store) over Redis.
///
/// # Examples
///
/// ```no_run
/// use session_store::Policy;
/// use session_store_redis::{RedisBackend, RedisStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // `no_run`: this needs a Redis server (the crate's tests start one).
/// let backend = RedisBackend::<String>::connect("redis://127.0.0.1", Policy::default()).await?;
/// let store: RedisStore<String> = backend.into_store();
/// let token = store.create("ada".to_owned()).await?;
/// assert!(store.load(&token).await?.is_some());
/// # Ok(()) }
/// ```
pub type RedisStore<U, const N: usize = 32> = session_store::Store<RedisBackend<U>, N>;
