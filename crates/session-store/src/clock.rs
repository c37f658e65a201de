use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a [`Store`](crate::Store) reads "now", in whole seconds since the unix epoch.
///
/// [`SystemClock`] by default; a [`ManualClock`] in tests, so that expiry and touch
/// throttling can be shown without sleeping. Every time in this crate (`created_at`,
/// `expires_at`, ...) is in the same unit.
///
/// # Examples
///
/// A clock of your own (here: one that never moves):
///
/// ```
/// use session_store::Clock;
///
/// struct Frozen(i64);
///
/// impl Clock for Frozen {
///     fn now(&self) -> i64 {
///         self.0
///     }
/// }
///
/// assert_eq!(Frozen(1_700_000_000).now(), 1_700_000_000);
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time, in seconds since the unix epoch.
    fn now(&self) -> i64;
}

/// The operating system's wall clock: what a [`Store`](crate::Store) uses unless told
/// otherwise.
///
/// # Examples
///
/// ```
/// use session_store::{Clock, SystemClock};
///
/// assert!(SystemClock.now() > 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        // A clock before 1970 reads as 1970: every session then simply looks expired.
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, secs)
    }
}

/// A clock that moves only when told to, for tests.
///
/// Clones share one time: keep a clone in the test and give another to the store with
/// [`Store::with_clock`](crate::Store::with_clock).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use session_store::{Clock, ManualClock};
///
/// let clock = ManualClock::new(1_000);
/// let shared = clock.clone();
/// clock.advance(Duration::from_secs(61));
/// assert_eq!(shared.now(), 1_061);
/// clock.set(5);
/// assert_eq!(shared.now(), 5);
/// ```
#[derive(Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock reading `now` (unix seconds).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Clock, ManualClock};
    ///
    /// assert_eq!(ManualClock::new(42).now(), 42);
    /// ```
    #[must_use]
    pub fn new(now: i64) -> Self {
        Self(Arc::new(AtomicI64::new(now)))
    }

    /// Sets the time to `now` (unix seconds), forwards or backwards.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::{Clock, ManualClock};
    ///
    /// let clock = ManualClock::new(0);
    /// clock.set(1_700_000_000);
    /// assert_eq!(clock.now(), 1_700_000_000);
    /// ```
    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward by `by`, in whole seconds (rounded down).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_store::{Clock, ManualClock};
    ///
    /// let clock = ManualClock::new(0);
    /// clock.advance(Duration::from_millis(2_900));
    /// assert_eq!(clock.now(), 2);
    /// ```
    pub fn advance(&self, by: Duration) {
        let by = secs(by);
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(by))
            });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManualClock").field(&self.now()).finish()
    }
}

/// A duration in whole seconds, saturating at `i64::MAX`.
pub(crate) fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
