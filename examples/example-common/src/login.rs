//! What a login may cost: throttling per account and per client address, and a bound on the
//! password hashes that run at once.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher as _;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::StoreError;

/// How often, at most, the rate limiters forget the keys that are back to a full burst.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// The `Retry-After` of a [`Refusal::Busy`], in seconds.
const BUSY_RETRY_AFTER_SECS: u64 = 2;

/// The limits of a [`LoginGate`].
///
/// # Examples
///
/// ```
/// use example_common::LoginLimits;
///
/// let limits = LoginLimits::default();
/// assert!(limits.concurrent_hashes >= 1);
/// assert_eq!(limits.per_account_burst, 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Password hashes (Argon2, 19 MiB and tens of milliseconds of CPU each) that may run at
    /// once. Default: the number of cores.
    pub concurrent_hashes: usize,
    /// How long a login waits for a hash slot before it is answered 503. Default: 1 s.
    pub hash_wait: Duration,
    /// Login attempts for one user name in a burst. Default: 10.
    pub per_account_burst: u32,
    /// One more attempt for a user name every this long. Default: 6 s (10 a minute).
    pub per_account_period: Duration,
    /// Login attempts from one client address (an IPv6 /64) in a burst. Default: 30.
    pub per_client_burst: u32,
    /// One more attempt from a client address every this long. Default: 2 s (30 a minute).
    pub per_client_period: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            concurrent_hashes: std::thread::available_parallelism().map_or(1, usize::from),
            hash_wait: Duration::from_secs(1),
            per_account_burst: 10,
            per_account_period: Duration::from_secs(6),
            per_client_burst: 30,
            per_client_period: Duration::from_secs(2),
        }
    }
}

impl LoginLimits {
    /// These limits with each burst refilled over `window` instead of a minute: one more
    /// attempt for a user name every `window / per_account_burst`, and from a client address
    /// every `window / per_client_burst` (a burst of zero counts as one). The sites' `--login-window
    /// SECS`; the default limits are `refilled_over(60 s)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use example_common::LoginLimits;
    ///
    /// let hourly = LoginLimits::default().refilled_over(Duration::from_secs(3600));
    /// assert_eq!(hourly.per_account_period, Duration::from_secs(360));
    /// assert_eq!(hourly.per_client_period, Duration::from_secs(120));
    /// assert_eq!(hourly.per_account_burst, 10);
    /// ```
    #[must_use]
    pub fn refilled_over(self, window: Duration) -> Self {
        let period = |burst: u32| window.checked_div(burst.max(1)).unwrap_or(window);
        Self {
            per_account_period: period(self.per_account_burst),
            per_client_period: period(self.per_client_burst),
            ..self
        }
    }
}

/// Why a login was not let through to the password hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many attempts for this user name or from this client address: answer 429.
    Throttled {
        /// When the next attempt is allowed, in whole seconds (at least 1).
        retry_after_secs: u64,
    },
    /// Every hash slot stayed taken for the whole short wait: answer 503.
    Busy,
}

impl Refusal {
    /// The HTTP status: 429 for [`Throttled`](Self::Throttled), 503 for [`Busy`](Self::Busy).
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Throttled { .. } => 429,
            Self::Busy => 503,
        }
    }

    /// The `Retry-After` value, in seconds.
    #[must_use]
    pub fn retry_after_secs(&self) -> u64 {
        match self {
            Self::Throttled { retry_after_secs } => *retry_after_secs,
            Self::Busy => BUSY_RETRY_AFTER_SECS,
        }
    }

    /// The page to answer with: the login form under a short explanation.
    #[must_use]
    pub fn page(&self) -> String {
        crate::page_anonymous(Some(&match self {
            Self::Throttled { retry_after_secs } => {
                format!("Too many sign-in attempts. Try again in {retry_after_secs} seconds.")
            }
            Self::Busy => "The site is busy. Try again in a moment.".to_owned(),
        }))
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Throttled { retry_after_secs } => {
                write!(f, "login throttled: retry after {retry_after_secs} s")
            }
            Self::Busy => f.write_str("login refused: every password hash slot is busy"),
        }
    }
}

impl std::error::Error for Refusal {}

/// A job for the hash threads.
type Job = Box<dyn FnOnce() + Send>;

/// The right to run one password hash, from [`LoginGate::admit`]: [`run`](Self::run) runs it
/// on one of the gate's hash threads and holds the slot until it is done, also when the
/// request that asked is gone meanwhile (a dropped connection frees nothing early).
#[derive(Debug)]
pub struct HashPermit {
    slot: OwnedSemaphorePermit,
    jobs: mpsc::Sender<Job>,
}

impl HashPermit {
    /// Runs `work` (a password hash, and the lookup that goes with it) on one of the gate's
    /// hash threads, and returns its result.
    ///
    /// # Errors
    ///
    /// [`StoreError::Worker`] if `work` panicked (the thread lives on).
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, StoreError> {
        let Self { slot, jobs } = self;
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
            drop(slot);
        });
        // The threads never stop while a sender (this one) exists.
        jobs.send(job).map_err(|_| StoreError::Worker)?;
        result.await.map_err(|_| StoreError::Worker)
    }
}

/// Login throttling and the bound on concurrent password hashes, shared by every request of
/// a site (a cheap, cloneable handle).
///
/// [`admit`](Self::admit) checks, in order: the client address's rate limit, the user name's
/// rate limit (GCRA, `governor`), then waits up to `hash_wait` for one of
/// `concurrent_hashes` slots. So however many logins arrive, at most `concurrent_hashes`
/// Argon2 computations run (about 19 MiB each), and the others are answered at once (429) or
/// after the short wait (503), both with `Retry-After`.
///
/// User names are kept as 64-bit keyed hashes (a per-process random key), so a long name
/// costs no memory. Keys back to a full burst are forgotten at most once a minute.
///
/// The client address is the TCP peer. Behind a reverse proxy that is the proxy's address,
/// so the per-address limit then counts every client together; the per-account limit and
/// the hash bound still hold.
///
/// # Examples
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use example_common::{LoginGate, LoginLimits, Refusal};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let gate = LoginGate::new(LoginLimits { per_account_burst: 2, ..LoginLimits::default() })
///     .expect("hash threads");
/// let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// assert!(gate.admit(client, "demo").await.is_ok());
/// assert!(gate.admit(client, "demo").await.is_ok());
/// let refused = gate.admit(client, "demo").await.unwrap_err();
/// assert!(matches!(refused, Refusal::Throttled { .. }));
/// assert_eq!(refused.status(), 429);
/// # }
/// ```
#[derive(Clone)]
pub struct LoginGate {
    hashes: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    hash_wait: Duration,
    per_account: Arc<DefaultKeyedRateLimiter<u64>>,
    per_client: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    account_keys: RandomState,
    last_sweep: Arc<Mutex<Instant>>,
}

impl LoginGate {
    /// A gate with these limits (zeros count as one), and its `concurrent_hashes` hash
    /// threads, which end when the last clone of the gate and its permits are gone.
    ///
    /// The hashes run on threads of their own, not on tokio's blocking pool: Argon2 takes 19
    /// MiB per hash, and on a pool whose threads come and go glibc's allocator kept a new
    /// 19 MiB block per thread and arena (hundreds of MiB after a few hundred logins); a
    /// fixed set of threads reuses its own.
    ///
    /// # Errors
    ///
    /// The operating system refused a thread.
    pub fn new(limits: LoginLimits) -> std::io::Result<Self> {
        let threads = limits.concurrent_hashes.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || hash_thread(&queue))?;
        }
        Ok(Self {
            hashes: Arc::new(Semaphore::new(threads)),
            jobs,
            hash_wait: limits.hash_wait,
            per_account: Arc::new(RateLimiter::keyed(quota(
                limits.per_account_burst,
                limits.per_account_period,
            ))),
            per_client: Arc::new(RateLimiter::keyed(quota(
                limits.per_client_burst,
                limits.per_client_period,
            ))),
            account_keys: RandomState::new(),
            last_sweep: Arc::new(Mutex::new(Instant::now())),
        })
    }

    /// Lets a login for `username` from `client` through to its password hash, or says why
    /// not. Waits at most `hash_wait`.
    ///
    /// # Errors
    ///
    /// [`Refusal::Throttled`] when the client's or the name's rate limit is spent,
    /// [`Refusal::Busy`] when no hash slot came free within `hash_wait`.
    pub async fn admit(&self, client: IpAddr, username: &str) -> Result<HashPermit, Refusal> {
        self.sweep();
        check(&self.per_client, &client_key(client))?;
        check(&self.per_account, &self.account_keys.hash_one(username))?;
        let permit = tokio::time::timeout(self.hash_wait, self.hashes.clone().acquire_owned());
        match permit.await {
            Ok(Ok(slot)) => Ok(HashPermit {
                slot,
                jobs: self.jobs.clone(),
            }),
            // Timed out, or (never: it is not closed) the semaphore was closed.
            Ok(Err(_)) | Err(_) => Err(Refusal::Busy),
        }
    }

    /// A permit without the rate limits, waiting as long as it takes: for start-up work and
    /// tests, never for a request.
    ///
    /// # Panics
    ///
    /// Never: the gate's semaphore is never closed.
    pub async fn hash_permit(&self) -> HashPermit {
        let slot = self.hashes.clone().acquire_owned().await;
        HashPermit {
            slot: slot.expect("the gate never closes its semaphore"),
            jobs: self.jobs.clone(),
        }
    }

    /// Forgets the keys that are back to a full burst, at most once per [`SWEEP_INTERVAL`].
    fn sweep(&self) {
        let Ok(mut last) = self.last_sweep.try_lock() else {
            return;
        };
        if last.elapsed() < SWEEP_INTERVAL {
            return;
        }
        *last = Instant::now();
        self.per_account.retain_recent();
        self.per_account.shrink_to_fit();
        self.per_client.retain_recent();
        self.per_client.shrink_to_fit();
    }
}

impl fmt::Debug for LoginGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginGate")
            .field("free_hash_slots", &self.hashes.available_permits())
            .field("hash_wait", &self.hash_wait)
            .finish_non_exhaustive()
    }
}

/// A hash thread: runs jobs until every sender is gone. A panicking job is caught (its
/// caller sees [`StoreError::Worker`]) and the thread goes on.
fn hash_thread(queue: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = job else { return };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

fn quota(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// One cell of `limiter` for `key`, or how long until there is one.
fn check<K: Clone + Eq + std::hash::Hash>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), Refusal> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        Refusal::Throttled {
            retry_after_secs: wait.as_secs().saturating_add(1),
        }
    })
}

/// The rate limit key of a client address: IPv4 as it is, IPv6 by its /64 (one host usually
/// holds a whole /64), IPv4-mapped IPv6 as IPv4.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
    }

    fn limits() -> LoginLimits {
        LoginLimits {
            concurrent_hashes: 2,
            hash_wait: Duration::from_millis(50),
            per_account_burst: 3,
            per_account_period: Duration::from_secs(60),
            per_client_burst: 5,
            per_client_period: Duration::from_secs(60),
        }
    }

    #[tokio::test]
    async fn per_account_from_many_addresses() {
        let gate = LoginGate::new(limits()).unwrap();
        for i in 0..3 {
            drop(gate.admit(ip(i), "demo").await.unwrap());
        }
        let refused = gate.admit(ip(9), "demo").await.unwrap_err();
        let Refusal::Throttled { retry_after_secs } = refused else {
            panic!("{refused:?}")
        };
        assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
        assert_eq!(refused.status(), 429);
        // Another name is not affected.
        assert!(gate.admit(ip(9), "other").await.is_ok());
    }

    #[tokio::test]
    async fn per_client_over_many_names() {
        let gate = LoginGate::new(limits()).unwrap();
        for i in 0..5 {
            drop(gate.admit(ip(1), &format!("user-{i}")).await.unwrap());
        }
        let refused = gate.admit(ip(1), "user-9").await.unwrap_err();
        assert!(matches!(refused, Refusal::Throttled { .. }), "{refused:?}");
        // Another address is not affected.
        assert!(gate.admit(ip(2), "user-9").await.is_ok());
    }

    #[tokio::test]
    async fn ipv6_is_limited_by_its_64() {
        let gate = LoginGate::new(limits()).unwrap();
        for i in 0..5_u16 {
            let addr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, i));
            drop(gate.admit(addr, &format!("user-{i}")).await.unwrap());
        }
        let same_64 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0xffff, 1, 2, 3));
        assert!(gate.admit(same_64, "user-9").await.is_err());
        let next_64 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 2, 0, 0, 0, 1));
        assert!(gate.admit(next_64, "user-9").await.is_ok());
        let mapped = Ipv4Addr::new(10, 0, 0, 1).to_ipv6_mapped();
        assert_eq!(
            client_key(IpAddr::V6(mapped)),
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))
        );
    }

    #[tokio::test]
    async fn hash_slots_are_bounded_and_busy_after_the_wait() {
        let gate = LoginGate::new(limits()).unwrap();
        let first = gate.admit(ip(1), "a").await.unwrap();
        let second = gate.admit(ip(2), "b").await.unwrap();
        let started = Instant::now();
        let refused = gate.admit(ip(3), "c").await.unwrap_err();
        assert_eq!(refused, Refusal::Busy);
        assert_eq!((refused.status(), refused.retry_after_secs()), (503, 2));
        assert!(started.elapsed() >= Duration::from_millis(50));
        drop(first);
        let third = gate.admit(ip(3), "c").await.unwrap();
        drop((second, third));
    }

    #[test]
    fn refusal_pages_are_the_login_form() {
        for refusal in [
            Refusal::Busy,
            Refusal::Throttled {
                retry_after_secs: 7,
            },
        ] {
            let page = refusal.page();
            assert!(page.contains(r#"action="/login""#), "{page}");
            assert!(page.contains(r#"role="alert""#), "{page}");
        }
        assert!(
            Refusal::Throttled {
                retry_after_secs: 7
            }
            .page()
            .contains("7 seconds")
        );
    }
}
