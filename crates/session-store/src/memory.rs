use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::fmt;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::backend::Backend;
use crate::policy::{Cutoff, Policy};
use crate::session::{Handle, Record};
use crate::store::Store;

/// A [`Store`] over a [`MemoryBackend`]: for tests and prototypes.
///
/// # Examples
///
/// ```
/// use session_store::{MemoryStore, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), session_store::Error> {
/// let store: MemoryStore<String> = MemoryStore::in_memory(Policy::default());
/// let token = store.create("ada".to_owned()).await?;
/// assert!(store.load(&token).await?.is_some());
/// # Ok(()) }
/// ```
pub type MemoryStore<U, const N: usize = 32> = Store<MemoryBackend<U>, N>;

/// Sessions in a `HashMap` behind a mutex, indexed by user too: for tests, prototypes and
/// single-process apps that accept losing every session on restart (feature `memory`).
///
/// Every operation takes the lock once and never holds it across an `.await`, so each is
/// atomic, as the [`Backend`] contract asks. It never fails (`Error = Infallible`). Expired
/// sessions stay in memory until a load finds them or [`Store::purge_expired`] runs: call that
/// now and then.
///
/// # Examples
///
/// ```
/// use session_store::{MemoryBackend, Policy, Store};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), session_store::Error> {
/// let store = Store::<_>::new(MemoryBackend::<Vec<u8>>::new(), Policy::default());
/// let token = store.create(b"user-1".to_vec()).await?;
/// assert_eq!(store.backend().len(), 1);
/// assert!(store.revoke(&token).await?);
/// assert!(store.backend().is_empty());
/// # Ok(()) }
/// ```
pub struct MemoryBackend<U> {
    state: Mutex<State<U>>,
}

struct State<U> {
    sessions: HashMap<[u8; 32], Record<U>>,
    by_user: HashMap<U, HashSet<[u8; 32]>>,
}

impl<U: Eq + Hash + Clone> MemoryBackend<U> {
    /// An empty backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::MemoryBackend;
    ///
    /// assert!(MemoryBackend::<i64>::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                sessions: HashMap::new(),
                by_user: HashMap::new(),
            }),
        }
    }

    /// How many records it holds, expired ones included.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::MemoryBackend;
    ///
    /// assert_eq!(MemoryBackend::<String>::new().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().sessions.len()
    }

    /// Whether it holds no record at all.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::MemoryBackend;
    ///
    /// assert!(MemoryBackend::<u64>::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lock().sessions.is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, State<U>> {
        // Every section below leaves the maps consistent before anything can panic in it
        // (no user code runs under the lock but `Hash`/`Eq`/`Clone` of the user id), so a
        // poisoned lock still guards usable maps.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` under the lock (the `Backend` methods are `async fn`s that call it when
    /// polled, never at the call).
    fn with<T>(&self, f: impl FnOnce(&mut State<U>) -> T) -> Result<T, Infallible> {
        Ok(f(&mut self.lock()))
    }
}

impl<U: Eq + Hash + Clone> State<U> {
    fn link(&mut self, record: Record<U>) {
        self.by_user
            .entry(record.user_id.clone())
            .or_default()
            .insert(record.key);
        self.sessions.insert(record.key, record);
    }

    /// Whether the record under `key` is live at `cutoff`; `None` if there is none.
    fn is_live(&self, key: &[u8; 32], cutoff: Cutoff) -> Option<bool> {
        self.sessions
            .get(key)
            .map(|r| cutoff.is_live(r.expires_at, r.last_seen_at))
    }

    fn unlink_all(&mut self, keys: impl IntoIterator<Item = [u8; 32]>) -> u64 {
        let mut removed = 0;
        for key in keys {
            if self.unlink(&key).is_some() {
                removed += 1;
            }
        }
        removed
    }

    fn unlink(&mut self, key: &[u8; 32]) -> Option<Record<U>> {
        let record = self.sessions.remove(key)?;
        if let Some(keys) = self.by_user.get_mut(&record.user_id) {
            keys.remove(key);
            if keys.is_empty() {
                self.by_user.remove(&record.user_id);
            }
        }
        Some(record)
    }

    fn user_keys(&self, user: &U) -> Vec<[u8; 32]> {
        self.by_user
            .get(user)
            .map(|keys| keys.iter().copied().collect())
            .unwrap_or_default()
    }
}

impl<U: Eq + Hash + Clone> Default for MemoryBackend<U> {
    fn default() -> Self {
        Self::new()
    }
}

impl<U> fmt::Debug for MemoryBackend<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .sessions
            .len();
        f.debug_struct("MemoryBackend").field("len", &len).finish()
    }
}

impl<U, const N: usize> Store<MemoryBackend<U>, N>
where
    U: Eq + Hash + Clone + Send + Sync + 'static,
{
    /// A store over a new, empty [`MemoryBackend`].
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{MemoryStore, Policy};
    ///
    /// let store = MemoryStore::<i64>::in_memory(Policy::default());
    /// assert!(store.backend().is_empty());
    /// ```
    #[must_use]
    pub fn in_memory(policy: Policy) -> Self {
        Self::new(MemoryBackend::new(), policy)
    }
}

impl<U> Backend for MemoryBackend<U>
where
    U: Eq + Hash + Clone + Send + Sync + 'static,
{
    type UserId = U;
    type Error = Infallible;

    async fn insert(&self, record: &Record<U>) -> Result<bool, Infallible> {
        self.with(|state| {
            if state.sessions.contains_key(&record.key) {
                return false;
            }
            state.link(record.clone());
            true
        })
    }

    async fn get(&self, key: &[u8; 32]) -> Result<Option<Record<U>>, Infallible> {
        self.with(|state| state.sessions.get(key).cloned())
    }

    async fn touch(&self, key: &[u8; 32], now: i64) -> Result<bool, Infallible> {
        self.with(|state| match state.sessions.get_mut(key) {
            Some(record) if record.last_seen_at < now => {
                record.last_seen_at = now;
                true
            }
            _ => false,
        })
    }

    async fn rekey(
        &self,
        old: &[u8; 32],
        new: &[u8; 32],
        cutoff: Cutoff,
    ) -> Result<bool, Infallible> {
        self.with(|state| {
            if state.is_live(old, cutoff) != Some(true) || state.sessions.contains_key(new) {
                // A taken new key is as good as impossible (a fresh CSPRNG key); refuse
                // rather than overwrite.
                return false;
            }
            let Some(mut record) = state.unlink(old) else {
                return false;
            };
            record.key = *new;
            record.last_seen_at = cutoff.now;
            state.link(record);
            true
        })
    }

    async fn remove(&self, key: &[u8; 32]) -> Result<bool, Infallible> {
        self.with(|state| state.unlink(key).is_some())
    }

    async fn remove_expired(&self, key: &[u8; 32], cutoff: Cutoff) -> Result<bool, Infallible> {
        self.with(|state| state.is_live(key, cutoff) == Some(false) && state.unlink(key).is_some())
    }

    async fn remove_user(&self, user: &U, keep: Option<&[u8; 32]>) -> Result<u64, Infallible> {
        self.with(|state| {
            let keys = state.user_keys(user);
            state.unlink_all(keys.into_iter().filter(|key| Some(key) != keep))
        })
    }

    async fn remove_handle(&self, user: &U, handle: &Handle) -> Result<bool, Infallible> {
        self.with(|state| {
            let key = state
                .user_keys(user)
                .into_iter()
                .find(|key| handle.matches(key));
            key.is_some_and(|key| state.unlink(&key).is_some())
        })
    }

    async fn list(&self, user: &U, cutoff: Cutoff) -> Result<Vec<Record<U>>, Infallible> {
        self.with(|state| {
            let mut live: Vec<Record<U>> = state
                .user_keys(user)
                .iter()
                .filter_map(|key| state.sessions.get(key))
                .filter(|r| cutoff.is_live(r.expires_at, r.last_seen_at))
                .cloned()
                .collect();
            live.sort_by_key(|r| (r.created_at, r.key));
            live
        })
    }

    async fn purge(&self, cutoff: Cutoff) -> Result<u64, Infallible> {
        self.with(|state| {
            let expired: Vec<[u8; 32]> = state
                .sessions
                .values()
                .filter(|r| !cutoff.is_live(r.expires_at, r.last_seen_at))
                .map(|r| r.key)
                .collect();
            state.unlink_all(expired)
        })
    }
}
