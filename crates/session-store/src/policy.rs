use std::time::Duration;

use session_cookie::CookieLifetime;

use crate::clock::secs;

/// How long sessions live, enforced by the store on every load (never trusted to the cookie).
///
/// * **Absolute lifetime**: a session ends this long after it was created, however active it
///   is. Rotation keeps the deadline. Default: 12 hours.
/// * **Idle timeout** (optional): a session ends after this long without a load. Default:
///   30 minutes.
/// * **Touch interval**: the least time between two writes of a session's `last_seen_at`;
///   loads within it only read. Default: 60 seconds. The store uses at most half the idle
///   timeout, and at least one second (see [`effective_touch_interval`](Self::effective_touch_interval)),
///   so that an active session is always recorded before it idles out.
///
/// Because activity is recorded at most once per touch interval, a session may idle out up
/// to one touch interval earlier than `idle_timeout` after its very last request. Times are
/// whole seconds; sub-second parts of the durations are dropped.
///
/// A session is live at `now` while `now < created_at + absolute_lifetime` and
/// `now < last_seen_at + idle_timeout`: at exactly the deadline it is gone.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use session_store::Policy;
///
/// let policy = Policy::default()
///     .with_absolute_lifetime(Duration::from_secs(8 * 3600))
///     .with_idle_timeout(Some(Duration::from_secs(15 * 60)));
/// assert_eq!(policy.touch_interval(), Duration::from_secs(60));
///
/// // A short idle timeout caps the touch interval at half of it.
/// let tight = policy.with_idle_timeout(Some(Duration::from_secs(30)));
/// assert_eq!(tight.effective_touch_interval(), Duration::from_secs(15));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    absolute_lifetime: Duration,
    idle_timeout: Option<Duration>,
    touch_interval: Duration,
}

impl Policy {
    /// A policy with the given absolute lifetime, no idle timeout, and the default touch
    /// interval (60 seconds).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// let week = Policy::new(Duration::from_secs(7 * 24 * 3600));
    /// assert_eq!(week.idle_timeout(), None);
    /// ```
    #[must_use]
    pub const fn new(absolute_lifetime: Duration) -> Self {
        Self {
            absolute_lifetime,
            idle_timeout: None,
            touch_interval: Duration::from_secs(60),
        }
    }

    /// Replaces the absolute lifetime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// let policy = Policy::default().with_absolute_lifetime(Duration::from_secs(3600));
    /// assert_eq!(policy.absolute_lifetime(), Duration::from_secs(3600));
    /// ```
    #[must_use]
    pub const fn with_absolute_lifetime(mut self, absolute_lifetime: Duration) -> Self {
        self.absolute_lifetime = absolute_lifetime;
        self
    }

    /// Replaces the idle timeout; `None` turns it off.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::Policy;
    ///
    /// assert_eq!(Policy::default().with_idle_timeout(None).idle_timeout(), None);
    /// ```
    #[must_use]
    pub const fn with_idle_timeout(mut self, idle_timeout: Option<Duration>) -> Self {
        self.idle_timeout = idle_timeout;
        self
    }

    /// Replaces the touch interval.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// let policy = Policy::default().with_touch_interval(Duration::from_secs(300));
    /// // Capped at half the 30-minute idle timeout: far below it, so unchanged.
    /// assert_eq!(policy.effective_touch_interval(), Duration::from_secs(300));
    /// ```
    #[must_use]
    pub const fn with_touch_interval(mut self, touch_interval: Duration) -> Self {
        self.touch_interval = touch_interval;
        self
    }

    /// The absolute lifetime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// assert_eq!(Policy::default().absolute_lifetime(), Duration::from_secs(12 * 3600));
    /// ```
    #[must_use]
    pub const fn absolute_lifetime(&self) -> Duration {
        self.absolute_lifetime
    }

    /// The idle timeout, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// assert_eq!(Policy::default().idle_timeout(), Some(Duration::from_secs(30 * 60)));
    /// ```
    #[must_use]
    pub const fn idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout
    }

    /// The touch interval as configured.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// assert_eq!(Policy::default().touch_interval(), Duration::from_secs(60));
    /// ```
    #[must_use]
    pub const fn touch_interval(&self) -> Duration {
        self.touch_interval
    }

    /// The touch interval the store uses: the configured one, capped at half the idle
    /// timeout, and at least one second.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// let every_request = Policy::default().with_touch_interval(Duration::ZERO);
    /// assert_eq!(every_request.effective_touch_interval(), Duration::from_secs(1));
    /// ```
    #[must_use]
    pub fn effective_touch_interval(&self) -> Duration {
        let mut interval = self.touch_interval.as_secs();
        if let Some(idle) = self.idle_timeout {
            interval = interval.min(idle.as_secs() / 2);
        }
        Duration::from_secs(interval.max(1))
    }

    /// What "live" means at `now`: the bounds a backend's queries compare against.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::Policy;
    ///
    /// let policy = Policy::default().with_idle_timeout(Some(Duration::from_secs(600)));
    /// let cutoff = policy.cutoff(10_000);
    /// assert_eq!((cutoff.now, cutoff.seen_after), (10_000, 9_400));
    /// ```
    #[must_use]
    pub fn cutoff(&self, now: i64) -> Cutoff {
        let seen_after = match self.idle_timeout {
            Some(idle) => now.saturating_sub(secs(idle)),
            None => i64::MIN,
        };
        Cutoff { now, seen_after }
    }

    /// The cookie lifetime of a session created now: with `persistent` ("remember me"), a
    /// persistent cookie for the whole absolute lifetime (whole seconds), else a
    /// browser-session cookie. What to write the cookie with right after
    /// [`Store::create_with`](crate::Store::create_with); later refreshes use
    /// [`Session::cookie_lifetime`](crate::Session::cookie_lifetime), which counts down.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{CookieLifetime, Policy};
    ///
    /// let policy = Policy::new(Duration::from_millis(7_200_500));
    /// let remembered = CookieLifetime::Persistent(Duration::from_secs(7200));
    /// assert_eq!(policy.cookie_lifetime(true), remembered);
    /// assert_eq!(policy.cookie_lifetime(false), CookieLifetime::BrowserSession);
    /// ```
    #[must_use]
    pub const fn cookie_lifetime(&self, persistent: bool) -> CookieLifetime {
        if persistent {
            CookieLifetime::Persistent(Duration::from_secs(self.absolute_lifetime.as_secs()))
        } else {
            CookieLifetime::BrowserSession
        }
    }

    /// The absolute deadline of a session created at `created_at`.
    pub(crate) fn expires_at(&self, created_at: i64) -> i64 {
        created_at.saturating_add(secs(self.absolute_lifetime))
    }

    /// When a session last seen at `last_seen_at` idles out, if there is an idle timeout.
    pub(crate) fn idle_expires_at(&self, last_seen_at: i64) -> Option<i64> {
        self.idle_timeout
            .map(|idle| last_seen_at.saturating_add(secs(idle)))
    }

    /// Whether a session last seen at `last_seen_at` should be touched at `now`.
    pub(crate) fn touch_due(&self, last_seen_at: i64, now: i64) -> bool {
        now.saturating_sub(last_seen_at) >= secs(self.effective_touch_interval())
    }
}

impl Default for Policy {
    /// 12 hours absolute, 30 minutes idle, touched at most once a minute.
    fn default() -> Self {
        Self::new(Duration::from_secs(12 * 60 * 60))
            .with_idle_timeout(Some(Duration::from_secs(30 * 60)))
    }
}

/// The bounds of "live" at one instant, as a backend compares them: a session is live when
/// `expires_at > now` and `last_seen_at > seen_after`.
///
/// Made by [`Policy::cutoff`]; with no idle timeout, `seen_after` is `i64::MIN`. Backends
/// put both numbers into their queries (`WHERE expires_at > $now AND last_seen_at >
/// $seen_after`), so the policy stays in one place and a changed policy applies to existing
/// sessions at once.
///
/// # Examples
///
/// ```
/// use session_store::Cutoff;
///
/// let cutoff = Cutoff { now: 100, seen_after: 40 };
/// assert!(cutoff.is_live(101, 41));
/// assert!(!cutoff.is_live(100, 41), "at the absolute deadline");
/// assert!(!cutoff.is_live(101, 40), "at the idle deadline");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    /// The instant, in unix seconds.
    pub now: i64,
    /// A session last seen at or before this is idle: `now - idle_timeout`.
    pub seen_after: i64,
}

impl Cutoff {
    /// Whether a session with these times is live at this cutoff.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::Cutoff;
    ///
    /// let no_idle_timeout = Cutoff { now: 100, seen_after: i64::MIN };
    /// assert!(no_idle_timeout.is_live(200, 0));
    /// ```
    #[must_use]
    pub const fn is_live(&self, expires_at: i64, last_seen_at: i64) -> bool {
        expires_at > self.now && last_seen_at > self.seen_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touch_interval_is_capped_and_floored() {
        let p = Policy::default().with_idle_timeout(Some(Duration::from_secs(1)));
        assert_eq!(p.effective_touch_interval(), Duration::from_secs(1));
        let p = Policy::default().with_idle_timeout(None);
        assert_eq!(p.effective_touch_interval(), Duration::from_secs(60));
        assert!(!p.touch_due(100, 159));
        assert!(p.touch_due(100, 160));
    }

    #[test]
    fn huge_durations_saturate() {
        let p = Policy::new(Duration::MAX).with_idle_timeout(Some(Duration::MAX));
        assert_eq!(p.expires_at(10), i64::MAX);
        assert_eq!(p.cutoff(10).seen_after, 10 - i64::MAX);
        assert!(p.cutoff(10).is_live(p.expires_at(10), 10));
    }
}
