//! What a backend's test provides: fresh backends, user ids, and (optionally) real outages.

use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;

use session_store::Backend;

/// A user id type the suite can make: `i64`, `String` and `Vec<u8>` are provided, so every
/// backend shows those three are easy.
///
/// # Examples
///
/// ```
/// use session_store_conformance::TestUserId;
///
/// assert_eq!(i64::nth(3), 3);
/// assert_eq!(String::nth(3), "user-3");
/// assert_eq!(Vec::<u8>::nth(3), b"user-3".to_vec());
/// ```
pub trait TestUserId: Clone + Eq + Hash + Debug + Send + Sync + 'static {
    /// The `n`-th distinct user id.
    fn nth(n: u32) -> Self;
}

impl TestUserId for i64 {
    fn nth(n: u32) -> Self {
        i64::from(n)
    }
}

impl TestUserId for String {
    fn nth(n: u32) -> Self {
        format!("user-{n}")
    }
}

impl TestUserId for Vec<u8> {
    fn nth(n: u32) -> Self {
        format!("user-{n}").into_bytes()
    }
}

/// A way a real backend goes down, for the "backend down" scenarios.
///
/// # Examples
///
/// ```
/// use session_store_conformance::Outage;
///
/// assert_eq!(Outage::ServerStopped.name(), "server stopped");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outage {
    /// The connection pool is closed (`Pool::close`): every call fails at once. It comes
    /// back as a new pool over the same data.
    ClosedPool,
    /// The database server is stopped, then started again; the same pool recovers.
    ServerStopped,
}

impl Outage {
    /// How the scenario names it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ClosedPool => "closed pool",
            Self::ServerStopped => "server stopped",
        }
    }
}

/// A backend under test, as its test crate describes it to [`run`](crate::run).
///
/// Scenarios run one at a time; each gets a fresh, empty backend from
/// [`backend`](Self::backend).
///
/// # Examples
///
/// The in-memory backend (it has no real outage, so the suite injects one in front of it):
///
/// ```
/// use session_store::MemoryBackend;
/// use session_store_conformance::Harness;
///
/// struct Memory;
///
/// impl Harness for Memory {
///     type Backend = MemoryBackend<i64>;
///
///     fn name(&self) -> String {
///         "memory (i64)".to_owned()
///     }
///
///     async fn backend(&self) -> MemoryBackend<i64> {
///         MemoryBackend::new()
///     }
/// }
///
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() {
/// let report = session_store_conformance::run(Memory).await;
/// assert!(report.failed.is_empty());
/// # }
/// ```
pub trait Harness: Send + Sync + 'static {
    /// The backend under test; the suite makes its user ids.
    type Backend: Backend<UserId: TestUserId>;

    /// What the report calls it, e.g. `"sqlite (i64)"`.
    fn name(&self) -> String;

    /// A fresh, empty backend (its schema in place).
    fn backend(&self) -> impl Future<Output = Self::Backend> + Send;

    /// The real outages this backend can have; a "backend down" scenario runs for each.
    /// (An injected outage runs for every backend.)
    fn outages(&self) -> Vec<Outage> {
        Vec::new()
    }

    /// Takes `backend` down as `outage` says.
    fn begin_outage(
        &self,
        outage: Outage,
        backend: &Self::Backend,
    ) -> impl Future<Output = ()> + Send {
        let _ = (outage, backend);
        async {}
    }

    /// Ends `outage`: `None` if `backend` recovers by itself (a restarted server), or a new
    /// backend over the same data (a closed pool is closed for good).
    fn end_outage(
        &self,
        outage: Outage,
        backend: &Self::Backend,
    ) -> impl Future<Output = Option<Self::Backend>> + Send {
        let _ = (outage, backend);
        async { None }
    }
}
