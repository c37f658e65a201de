//! The session lifetimes the sites' command line sets, and the signed-in user.

use std::time::Duration;

use session_store::Policy;

/// Session lifetimes, enforced by the store on every load (never trusted to the cookie).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use example_common::SessionConfig;
///
/// let config = SessionConfig {
///     idle_timeout: Duration::from_secs(10 * 60),
///     ..SessionConfig::default()
/// };
/// assert_eq!(config.absolute_lifetime, Duration::from_secs(12 * 60 * 60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// A session ends this long after login, however active it is. Default: 12 hours.
    pub absolute_lifetime: Duration,
    /// A session ends after this long without a request. Default: 30 minutes.
    ///
    /// Activity is recorded at most once per `touch_interval`, so a session may end up to
    /// `touch_interval` earlier than `idle_timeout` after the last request.
    pub idle_timeout: Duration,
    /// The least time between two writes of `last_seen_at` for one session: loads within it
    /// only read. Default: 60 seconds. The store uses at most half of `idle_timeout`, so that
    /// an active session is always recorded before it idles out.
    pub touch_interval: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            absolute_lifetime: Duration::from_secs(12 * 60 * 60),
            idle_timeout: Duration::from_secs(30 * 60),
            touch_interval: Duration::from_secs(60),
        }
    }
}

/// A signed-in user, as the loader returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The row id in `users`.
    pub id: i64,
    /// The login name (not HTML-escaped: escape it when you render it).
    pub name: String,
}

impl SessionConfig {
    /// The same lifetimes as a [`Policy`] of the ready store (`session_store::Store`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use example_common::SessionConfig;
    ///
    /// let policy = SessionConfig::default().policy();
    /// assert_eq!(policy.absolute_lifetime(), Duration::from_secs(12 * 60 * 60));
    /// assert_eq!(policy.idle_timeout(), Some(Duration::from_secs(30 * 60)));
    /// assert_eq!(policy.touch_interval(), Duration::from_secs(60));
    /// ```
    #[must_use]
    pub fn policy(&self) -> Policy {
        Policy::new(self.absolute_lifetime)
            .with_idle_timeout(Some(self.idle_timeout))
            .with_touch_interval(self.touch_interval)
    }
}
