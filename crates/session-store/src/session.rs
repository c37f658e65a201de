use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use session_cookie::CookieLifetime;

/// A non-secret name for one session, to show in a "your devices" list and to revoke that
/// one session with [`Store::revoke_handle`](crate::Store::revoke_handle).
///
/// It is the first 16 bytes of the session's storage key (`Token::hash()`): never the token,
/// never the whole key. Knowing it does not let anyone load the session, and revoking by it
/// only works for the session's own user. Its text form is 32 lowercase hex digits, one form
/// only ([`FromStr`] rejects anything else), fit for a URL or a form field.
///
/// # Examples
///
/// ```
/// use session_store::Handle;
///
/// let handle = Handle::from_key(&[0xab; 32]);
/// let text = handle.to_string();
/// assert_eq!(text, "abababababababababababababababab");
/// assert_eq!(text.parse::<Handle>(), Ok(handle));
/// assert!("ABABABABABABABABABABABABABABABAB".parse::<Handle>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle([u8; Handle::LEN]);

impl Handle {
    /// Its length in bytes.
    pub const LEN: usize = 16;

    /// The handle of the session stored under `key` (its first [`LEN`](Self::LEN) bytes).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::Handle;
    ///
    /// let mut key = [0; 32];
    /// key[0] = 1;
    /// assert_eq!(Handle::from_key(&key).as_bytes()[0], 1);
    /// ```
    #[must_use]
    pub fn from_key(key: &[u8; 32]) -> Self {
        let mut bytes = [0; Self::LEN];
        bytes.copy_from_slice(&key[..Self::LEN]);
        Self(bytes)
    }

    /// Whether this is the handle of the session stored under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::Handle;
    ///
    /// let key = [7; 32];
    /// assert!(Handle::from_key(&key).matches(&key));
    /// assert!(!Handle::from_key(&key).matches(&[8; 32]));
    /// ```
    #[must_use]
    pub fn matches(&self, key: &[u8; 32]) -> bool {
        key[..Self::LEN] == self.0
    }

    /// The raw bytes, for a backend's query (a prefix of the storage key).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::Handle;
    ///
    /// assert_eq!(Handle::from_key(&[2; 32]).as_bytes(), &[2; 16]);
    /// ```
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({self})")
    }
}

impl FromStr for Handle {
    type Err = ParseHandleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.as_bytes();
        if digits.len() != 2 * Self::LEN {
            return Err(ParseHandleError);
        }
        let mut bytes = [0; Self::LEN];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
        }
        Ok(Self(bytes))
    }
}

fn hex_digit(c: u8) -> Result<u8, ParseHandleError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        _ => Err(ParseHandleError),
    }
}

/// The text is not a [`Handle`]: not exactly 32 lowercase hex digits. It never echoes the
/// input.
///
/// # Examples
///
/// ```
/// use session_store::{Handle, ParseHandleError};
///
/// assert_eq!("nope".parse::<Handle>(), Err(ParseHandleError));
/// assert_eq!(ParseHandleError.to_string(), "not a session handle");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseHandleError;

impl fmt::Display for ParseHandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a session handle")
    }
}

impl std::error::Error for ParseHandleError {}

/// A stored session as a [`Backend`](crate::Backend) keeps it: one row.
///
/// Backends store and return these fields as they are; the store decides what they mean.
/// Its `Debug` shows the [`Handle`], not the key.
///
/// # Examples
///
/// ```
/// use session_store::{Handle, Record};
///
/// let record = Record {
///     key: [1; 32],
///     user_id: 42_i64,
///     created_at: 1_000,
///     last_seen_at: 1_000,
///     expires_at: 44_200,
///     label: None,
///     persistent: true,
/// };
/// assert_eq!(record.handle(), Handle::from_key(&[1; 32]));
/// assert!(!format!("{record:?}").contains("[1, 1"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Record<U> {
    /// The storage key: `Token::hash()` of the session's token (SHA-256), never the token.
    pub key: [u8; 32],
    /// The user the session belongs to.
    pub user_id: U,
    /// When the session was created (unix seconds).
    pub created_at: i64,
    /// When a load last recorded activity (unix seconds); written at most once per touch
    /// interval.
    pub last_seen_at: i64,
    /// The absolute deadline: `created_at` plus the absolute lifetime (unix seconds).
    pub expires_at: i64,
    /// What the application said about the session when it was created, such as the user
    /// agent; at most [`MAX_LABEL_BYTES`](crate::MAX_LABEL_BYTES).
    pub label: Option<String>,
    /// Whether the session's cookie is persistent ("remember me": it outlives the browser
    /// session, with a `Max-Age`) rather than a browser-session cookie. Chosen at creation
    /// ([`CreateOptions::with_persistent`](crate::CreateOptions::with_persistent)), kept by
    /// rotation. A backend that stores no such flag for an old record reads `false`.
    pub persistent: bool,
}

impl<U> Record<U> {
    /// The session's [`Handle`].
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Handle, Record};
    ///
    /// let record = Record { key: [9; 32], user_id: "ada", created_at: 0, last_seen_at: 0,
    ///                       expires_at: 1, label: None, persistent: false };
    /// assert_eq!(record.handle().to_string(), "09".repeat(16));
    /// ```
    #[must_use]
    pub fn handle(&self) -> Handle {
        Handle::from_key(&self.key)
    }
}

impl<U: fmt::Debug> fmt::Debug for Record<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("handle", &self.handle())
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("expires_at", &self.expires_at)
            .field("label", &self.label)
            .field("persistent", &self.persistent)
            .finish()
    }
}

/// A live session, as the store hands it out: what [`Store::load`](crate::Store::load) (and
/// so the [`Loader`](session_cookie::Loader)) returns for a request, and what
/// [`Store::list`](crate::Store::list) returns per device.
///
/// It carries no token and no storage key; its [`handle`](Self::handle) names it.
///
/// # Examples
///
/// ```
/// use session_store::{MemoryStore, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::<i64>::in_memory(Policy::default());
/// let token = store.create_labeled(7, "Firefox on Linux").await?;
/// let session = store.load(&token).await?.ok_or("no session")?;
/// assert_eq!(session.user_id, 7);
/// assert_eq!(session.label.as_deref(), Some("Firefox on Linux"));
/// assert_eq!(session.expires_at, session.created_at + 12 * 3600);
/// assert_eq!(session.idle_expires_at, Some(session.last_seen_at + 30 * 60));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Session<U> {
    /// The user the session belongs to.
    pub user_id: U,
    /// The session's non-secret name.
    pub handle: Handle,
    /// When the session was created (unix seconds).
    pub created_at: i64,
    /// When activity was last recorded (unix seconds); after a load that touched the session,
    /// the time of that load.
    pub last_seen_at: i64,
    /// The absolute deadline (unix seconds): the session is gone at this instant.
    pub expires_at: i64,
    /// When the session idles out unless it is used again (unix seconds), if the policy has
    /// an idle timeout.
    pub idle_expires_at: Option<i64>,
    /// What the application said about the session when it was created.
    pub label: Option<String>,
    /// Whether its cookie is persistent ("remember me") rather than a browser-session cookie,
    /// as chosen at login; rotation keeps it. Refresh the cookie with
    /// [`cookie_lifetime`](Self::cookie_lifetime) so that the choice is kept.
    pub persistent: bool,
}

impl<U> Session<U> {
    /// The lifetime to write the session's cookie with at `now` (unix seconds; the store's
    /// [`Store::now`](crate::Store::now)), keeping the choice made at login: a persistent
    /// session's cookie gets the time left until the absolute deadline (so it never outlives
    /// the session), a browser-session one gets none. Refresh with it:
    /// `sessions.refresh_with(&token, session.cookie_lifetime(store.now()))` of the adapters.
    ///
    /// At or past the deadline, a persistent session has no time left
    /// (`Persistent(Duration::ZERO)`), which the cookie proxy writes as the removal cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{CookieLifetime, CreateOptions, ManualClock, MemoryStore, Policy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let clock = ManualClock::new(1_000);
    /// let store = MemoryStore::<i64>::in_memory(Policy::new(Duration::from_secs(3600)))
    ///     .with_clock(clock.clone());
    /// let remembered = store.create_with(1, CreateOptions::new().with_persistent(true)).await?;
    /// let forgotten = store.create(1).await?;
    ///
    /// clock.advance(Duration::from_secs(600));
    /// let session = store.load(&remembered).await?.ok_or("no session")?;
    /// assert_eq!(
    ///     session.cookie_lifetime(store.now()),
    ///     CookieLifetime::Persistent(Duration::from_secs(3000)),
    /// );
    /// let session = store.load(&forgotten).await?.ok_or("no session")?;
    /// assert_eq!(session.cookie_lifetime(store.now()), CookieLifetime::BrowserSession);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn cookie_lifetime(&self, now: i64) -> CookieLifetime {
        if !self.persistent {
            return CookieLifetime::BrowserSession;
        }
        let left = u64::try_from(self.expires_at.saturating_sub(now)).unwrap_or(0);
        CookieLifetime::Persistent(Duration::from_secs(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(persistent: bool, expires_at: i64) -> Session<i64> {
        Session {
            user_id: 1,
            handle: Handle::from_key(&[0; 32]),
            created_at: 0,
            last_seen_at: 0,
            expires_at,
            idle_expires_at: None,
            label: None,
            persistent,
        }
    }

    #[test]
    fn cookie_lifetime_counts_down_to_the_deadline() {
        let secs = |s| CookieLifetime::Persistent(Duration::from_secs(s));
        let remembered = session(true, 100);
        assert_eq!(remembered.cookie_lifetime(0), secs(100));
        assert_eq!(remembered.cookie_lifetime(99), secs(1));
        assert_eq!(remembered.cookie_lifetime(100), secs(0), "at the deadline");
        assert_eq!(
            remembered.cookie_lifetime(1_000),
            secs(0),
            "past it: never negative"
        );
        assert_eq!(
            remembered.cookie_lifetime(i64::MIN),
            secs(i64::MAX.unsigned_abs())
        );
        let far = session(true, i64::MAX);
        assert_eq!(far.cookie_lifetime(i64::MIN), secs(i64::MAX.unsigned_abs()));
        assert_eq!(
            session(false, 100).cookie_lifetime(0),
            CookieLifetime::BrowserSession
        );
        assert_eq!(
            session(false, 100).cookie_lifetime(500),
            CookieLifetime::BrowserSession
        );
    }
}
