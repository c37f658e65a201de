//! After, both frameworks: the one loader (session-store's record, then the account it names)
//! and the app's own table of per-session data, keyed by the session's handle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use session_store::{Handle, Loader, MemoryStore, Session, Token};

use crate::accounts::{Account, Accounts};

// guide: loader
/// What a signed-in request sees: the account and the session it came with.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user's account, read from the app's users table on each request.
    pub account: Account,
    /// The session-store record: user id, handle, times.
    pub session: Session<i64>,
}

/// The loader, one for both frameworks: the live session (the store enforces the idle
/// timeout and the absolute lifetime), then the account it names.
#[derive(Debug, Clone)]
pub struct AppLoader {
    /// The sessions.
    pub store: MemoryStore<i64>,
    /// The users table.
    pub accounts: Accounts,
}

impl Loader for AppLoader {
    type User = SignedIn;
    type Error = session_store::Error;

    async fn load(&self, token: &Token) -> Result<Option<SignedIn>, session_store::Error> {
        let Some(session) = self.store.load(token).await? else {
            return Ok(None); // unknown, expired or revoked: the extractor answers 401
        };
        // The check axum-login's `get_user` + `session_auth_hash` made: the account must still
        // exist (and here, be allowed in). Password changes revoke sessions in the store.
        let Some(account) = self.accounts.get(session.user_id) else {
            return Ok(None);
        };
        Ok(Some(SignedIn { account, session }))
    }
}
// end guide: loader

/// The app's own per-session data, keyed by the session's [`Handle`]: what was a key in the
/// peer's session map (`session.insert("visits", n)`).
///
/// # Examples
///
/// ```
/// use example_migration::loader::Visits;
/// use session_store::Handle;
///
/// let visits = Visits::default();
/// let here = Handle::from_key(&[1; 32]);
/// assert_eq!((visits.bump(here), visits.bump(here)), (1, 2));
/// let rotated = Handle::from_key(&[2; 32]);
/// visits.rekey(here, rotated);
/// assert_eq!(visits.bump(rotated), 3);
/// visits.remove(rotated);
/// assert_eq!(visits.bump(rotated), 1);
/// ```
// guide: visits
#[derive(Debug, Clone, Default)]
pub struct Visits {
    by_session: Arc<Mutex<HashMap<Handle, u32>>>,
}

impl Visits {
    /// Counts one more visit of the session; the new count.
    pub fn bump(&self, session: Handle) -> u32 {
        let mut table = self
            .by_session
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let count = table.entry(session).or_insert(0);
        *count = count.saturating_add(1);
        *count
    }

    /// Moves the session's data to its new handle, after `Store::rotate`.
    pub fn rekey(&self, from: Handle, to: Handle) {
        let mut table = self
            .by_session
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = table.remove(&from) {
            table.insert(to, count);
        }
    }

    /// Deletes the session's data, on logout.
    pub fn remove(&self, session: Handle) {
        let mut table = self
            .by_session
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        table.remove(&session);
    }
}
// end guide: visits
