#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod dialect;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

#[cfg(feature = "postgres")]
pub use crate::backend::PgBackend;
#[cfg(feature = "sqlite")]
pub use crate::backend::SqliteBackend;
pub use crate::backend::{DEFAULT_TABLE, InvalidTableName, SqlxBackend};
pub use crate::dialect::{Dialect, UserId};

// Re-exported so users name the same versions this crate uses.
pub use session_store;
pub use sqlx;

/// A [`Store`](session_store::Store) over SQLite (feature `sqlite`).
///
/// # Examples
///
/// ```
/// use session_store::Policy;
/// use session_store_sqlx::{SqliteBackend, SqliteStore};
/// use sqlx::sqlite::SqlitePoolOptions;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await?;
/// let backend = SqliteBackend::<String>::new(pool);
/// backend.migrate().await?;
/// let store: SqliteStore<String> = SqliteStore::new(backend, Policy::default());
/// let token = store.create("ada".to_owned()).await?;
/// assert!(store.load(&token).await?.is_some());
/// # Ok(()) }
/// ```
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub type SqliteStore<U, const N: usize = 32> = session_store::Store<SqliteBackend<U>, N>;

/// A [`Store`](session_store::Store) over PostgreSQL (feature `postgres`).
///
/// # Examples
///
/// ```no_run
/// use session_store::Policy;
/// use session_store_sqlx::{PgBackend, PgStore};
/// use sqlx::postgres::PgPoolOptions;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = PgPoolOptions::new().connect("postgres://app@localhost/app").await?;
/// let backend = PgBackend::<i64>::new(pool);
/// backend.migrate().await?;
/// let store: PgStore<i64> = PgStore::new(backend, Policy::default());
/// # let _ = store; Ok(()) }
/// ```
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub type PgStore<U, const N: usize = 32> = session_store::Store<PgBackend<U>, N>;
