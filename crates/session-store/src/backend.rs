use std::future::Future;

use crate::policy::Cutoff;
use crate::session::{Handle, Record};

/// Where a [`Store`](crate::Store) keeps its sessions: a table of [`Record`]s keyed by the
/// 32-byte storage key (`Token::hash()`).
///
/// A backend is deliberately dumb: the store decides what is live, when to touch and what to
/// rotate, and passes the bounds in (a [`Cutoff`]). Implement it to put sessions somewhere
/// new; `session-store-sqlx` implements it for SQLite and PostgreSQL, and
/// [`MemoryBackend`](crate::MemoryBackend) (feature `memory`) keeps them in a `HashMap`.
///
/// # Contract
///
/// * Every method is **one atomic step** (one SQL statement, one locked section): a
///   concurrent caller sees a record whole or not at all. SQL backends should run exactly one
///   statement per call, so that the number of calls is the number of queries.
/// * [`get`](Self::get) and [`list`](Self::list) never write.
/// * Nothing but [`insert`](Self::insert) creates a record, and it never overwrites one.
/// * Errors are for failures of the backend only (unreachable, closed, a failed statement);
///   "no such record" is `Ok(None)`, `Ok(false)` or `Ok(0)`.
///
/// # Examples
///
/// The store's work, step by step, on the in-memory backend:
///
/// ```
/// use session_store::{Backend, Cutoff, MemoryBackend, Record};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), std::convert::Infallible> {
/// let backend = MemoryBackend::<i64>::new();
/// let record = Record { key: [1; 32], user_id: 7, created_at: 100, last_seen_at: 100,
///                       expires_at: 200, label: None, persistent: false };
/// assert!(backend.insert(&record).await?);
/// assert!(!backend.insert(&record).await?, "never overwritten");
///
/// let cutoff = Cutoff { now: 150, seen_after: 90 };
/// let found = backend.get(&[1; 32]).await?.expect("stored");
/// assert!(cutoff.is_live(found.expires_at, found.last_seen_at));
/// assert!(backend.touch(&[1; 32], 150).await?);
/// assert_eq!(backend.list(&7, cutoff).await?.len(), 1);
/// assert_eq!(backend.purge(Cutoff { now: 200, seen_after: 90 }).await?, 1);
/// # Ok(()) }
/// ```
pub trait Backend: Send + Sync + 'static {
    /// The application's user id: `i64`, `String`, `Vec<u8>`, a UUID, ...
    type UserId: Clone + Send + Sync + 'static;
    /// The backend's failure.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Stores `record` unless a record with its key exists: `Ok(true)` if it was stored,
    /// `Ok(false)` if the key was taken (and nothing was written).
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// let first = Record { key: [1; 32], user_id: "ada".to_owned(), created_at: 0,
    ///                      last_seen_at: 0, expires_at: 10, label: None, persistent: false };
    /// let second = Record { user_id: "eve".to_owned(), ..first.clone() };
    /// assert!(backend.insert(&first).await?);
    /// assert!(!backend.insert(&second).await?);
    /// assert_eq!(backend.get(&[1; 32]).await?, Some(first));
    /// # Ok(()) }
    /// ```
    fn insert(
        &self,
        record: &Record<Self::UserId>,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// The record under `key`, live or not. Never writes.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, MemoryBackend};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::<i64>::new();
    /// assert_eq!(backend.get(&[0; 32]).await?, None);
    /// # Ok(()) }
    /// ```
    fn get(
        &self,
        key: &[u8; 32],
    ) -> impl Future<Output = Result<Option<Record<Self::UserId>>, Self::Error>> + Send;

    /// Sets `last_seen_at` to `now` on the record under `key` if it is older than `now`;
    /// whether a record changed. Never creates a record.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// assert!(!backend.touch(&[1; 32], 50).await?, "no record, none made");
    /// let record = Record { key: [1; 32], user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                       expires_at: 100, label: None, persistent: false };
    /// backend.insert(&record).await?;
    /// assert!(backend.touch(&[1; 32], 50).await?);
    /// assert!(!backend.touch(&[1; 32], 40).await?, "never backwards");
    /// # Ok(()) }
    /// ```
    fn touch(
        &self,
        key: &[u8; 32],
        now: i64,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Moves the record under `old` to the key `new`, with `last_seen_at` set to
    /// `cutoff.now`, if it is live at `cutoff`; everything else stays. Whether it moved.
    ///
    /// One atomic step (an `UPDATE` of the key in place), so that a concurrent
    /// [`remove_user`](Self::remove_user) removes the record under whichever key it has.
    ///
    /// A taken `new` key (a fresh key from a CSPRNG never is) is never overwritten: the
    /// backend answers `Ok(false)` or an error.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, Cutoff, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// let record = Record { key: [1; 32], user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                       expires_at: 100, label: None, persistent: false };
    /// backend.insert(&record).await?;
    /// let cutoff = Cutoff { now: 10, seen_after: i64::MIN };
    /// assert!(backend.rekey(&[1; 32], &[2; 32], cutoff).await?);
    /// assert_eq!(backend.get(&[1; 32]).await?, None);
    /// assert_eq!(backend.get(&[2; 32]).await?.map(|r| r.last_seen_at), Some(10));
    /// # Ok(()) }
    /// ```
    fn rekey(
        &self,
        old: &[u8; 32],
        new: &[u8; 32],
        cutoff: Cutoff,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Deletes the record under `key`; whether there was one.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, MemoryBackend};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// assert!(!MemoryBackend::<i64>::new().remove(&[1; 32]).await?);
    /// # Ok(()) }
    /// ```
    fn remove(&self, key: &[u8; 32]) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Deletes the record under `key` only if it is **not** live at `cutoff` (the lazy
    /// deletion of an expired session); whether one was deleted.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, Cutoff, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// let record = Record { key: [1; 32], user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                       expires_at: 100, label: None, persistent: false };
    /// backend.insert(&record).await?;
    /// let live = Cutoff { now: 99, seen_after: i64::MIN };
    /// assert!(!backend.remove_expired(&[1; 32], live).await?);
    /// let past = Cutoff { now: 100, seen_after: i64::MIN };
    /// assert!(backend.remove_expired(&[1; 32], past).await?);
    /// # Ok(()) }
    /// ```
    fn remove_expired(
        &self,
        key: &[u8; 32],
        cutoff: Cutoff,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Deletes every record of `user`, except the one under `keep` if given; how many.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// for key in [[1; 32], [2; 32], [3; 32]] {
    ///     let record = Record { key, user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                           expires_at: 100, label: None, persistent: false };
    ///     backend.insert(&record).await?;
    /// }
    /// assert_eq!(backend.remove_user(&1, Some(&[2; 32])).await?, 2);
    /// assert!(backend.get(&[2; 32]).await?.is_some());
    /// assert_eq!(backend.remove_user(&1, None).await?, 1);
    /// # Ok(()) }
    /// ```
    fn remove_user(
        &self,
        user: &Self::UserId,
        keep: Option<&[u8; 32]>,
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send;

    /// Deletes the record of `user` whose key starts with `handle`; whether there was one.
    /// A record of another user is never touched.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, Handle, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// let record = Record { key: [1; 32], user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                       expires_at: 100, label: None, persistent: false };
    /// backend.insert(&record).await?;
    /// assert!(!backend.remove_handle(&2, &record.handle()).await?, "not user 2's");
    /// assert!(backend.remove_handle(&1, &record.handle()).await?);
    /// # Ok(()) }
    /// ```
    fn remove_handle(
        &self,
        user: &Self::UserId,
        handle: &Handle,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// The records of `user` that are live at `cutoff`, oldest first (by `created_at`, then
    /// key). Never writes.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, Cutoff, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// for (key, expires_at) in [([1; 32], 100), ([2; 32], 5)] {
    ///     let record = Record { key, user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                           expires_at, label: None, persistent: false };
    ///     backend.insert(&record).await?;
    /// }
    /// let live = backend.list(&1, Cutoff { now: 10, seen_after: i64::MIN }).await?;
    /// assert_eq!(live.len(), 1);
    /// assert_eq!(live[0].key, [1; 32]);
    /// # Ok(()) }
    /// ```
    fn list(
        &self,
        user: &Self::UserId,
        cutoff: Cutoff,
    ) -> impl Future<Output = Result<Vec<Record<Self::UserId>>, Self::Error>> + Send;

    /// Deletes every record that is not live at `cutoff`; how many.
    ///
    /// # Errors
    ///
    /// When the backend fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Backend, Cutoff, MemoryBackend, Record};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), std::convert::Infallible> {
    /// let backend = MemoryBackend::new();
    /// let idle = Record { key: [1; 32], user_id: 1_i64, created_at: 0, last_seen_at: 0,
    ///                     expires_at: 100, label: None, persistent: false };
    /// let active = Record { key: [2; 32], last_seen_at: 50, ..idle.clone() };
    /// backend.insert(&idle).await?;
    /// backend.insert(&active).await?;
    /// assert_eq!(backend.purge(Cutoff { now: 60, seen_after: 30 }).await?, 1);
    /// assert!(backend.get(&[2; 32]).await?.is_some());
    /// # Ok(()) }
    /// ```
    fn purge(&self, cutoff: Cutoff) -> impl Future<Output = Result<u64, Self::Error>> + Send;
}
