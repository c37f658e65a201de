//! The one conformance suite of sessionkit's session-store backends.
//!
//! Every backend (`session-store`'s `MemoryBackend`, `session-store-sqlx`'s SQLite and
//! PostgreSQL) runs the same scenario table through the same public API of
//! [`session_store::Store`], with a controlled clock ([`session_store::ManualClock`] at
//! [`T0`]) and the backend counted ([`Counted`]: queries per request, writes per touch). A
//! backend's test describes itself with a [`Harness`] and calls [`run`]:
//!
//! * the lifecycle: create and load (every field), create-if-absent, only `Token::hash()`
//!   stored, unknown tokens creating nothing;
//! * expiry at exactly the absolute lifetime and the idle timeout, with lazy deletion;
//! * touch throttling: one read per load, one write per touch interval, the interval capped
//!   at half the idle timeout;
//! * rotation, revoke one / all of a user / all others, list, revoke by handle (another
//!   user's handle refused), labels;
//! * remember me: the persistent flag round trips (create, insert, list), rotation keeps it,
//!   and a persistent cookie's `Max-Age` is the time left until the absolute deadline,
//!   capped by the cookie proxy;
//! * purge never deleting a live session;
//! * races: concurrent creates, concurrent inserts of one token, revoke-all racing loads
//!   (each load sees the session whole or gone);
//! * scale: [`MANY`] sessions of one user listed within [`LIST_BUDGET`] and purged within
//!   [`PURGE_BUDGET`];
//! * the backend down: every operation fails with a backend error within [`DOWN_BUDGET`]
//!   (no panic, no hang), and the store works again when the backend is back; injected in
//!   front of every backend, plus each real [`Outage`] the harness supports.
//!
//! [`SCENARIOS`] counts the fixed table; a run adds one "backend down" scenario per real
//! outage.
//!
//! ```
//! use session_store::MemoryBackend;
//! use session_store_conformance::{Harness, SCENARIOS, run};
//!
//! struct Memory;
//!
//! impl Harness for Memory {
//!     type Backend = MemoryBackend<String>;
//!
//!     fn name(&self) -> String {
//!         "memory (String)".to_owned()
//!     }
//!
//!     async fn backend(&self) -> MemoryBackend<String> {
//!         MemoryBackend::new()
//!     }
//! }
//!
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() {
//! let report = run(Memory).await; // panics, after running them all, if any failed
//! assert_eq!(report.passed.len(), SCENARIOS);
//! # }
//! ```

mod counted;
mod harness;
mod scenarios;

use std::any::Any;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::counted::{Calls, Counted, CountedError};
pub use crate::harness::{Harness, Outage, TestUserId};
pub use crate::scenarios::{
    ABSOLUTE, DOWN_BUDGET, IDLE, LIST_BUDGET, MANY, PURGE_BUDGET, T0, TOUCH, standard_policy,
};

/// How many scenarios every backend runs: the table plus the injected outage.
pub const SCENARIOS: usize = 26;

/// The longest a scenario may take before it counts as hung.
pub const SCENARIO_BUDGET: Duration = Duration::from_secs(300);

/// What [`run`] did.
///
/// # Examples
///
/// ```
/// use session_store_conformance::Report;
///
/// let report = Report::default();
/// assert!(report.passed.is_empty() && report.failed.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The harness's name.
    pub backend: String,
    /// The scenarios that passed, with how long each took.
    pub passed: Vec<(String, Duration)>,
    /// The scenarios that failed, with the panic message.
    pub failed: Vec<(String, String)>,
}

/// Runs every scenario against `harness`, one at a time, each on a fresh backend in a task of
/// its own, and prints a line per scenario.
///
/// Call it from a tokio runtime; a multi-threaded one makes the races real
/// (`#[tokio::test(flavor = "multi_thread")]`).
///
/// # Panics
///
/// After running them all, if any scenario failed (panicked or took longer than
/// [`SCENARIO_BUDGET`]), listing each failure.
///
/// # Examples
///
/// See the [crate docs](crate).
pub async fn run<H: Harness>(harness: H) -> Report {
    let harness = Arc::new(harness);
    let mut report = Report {
        backend: harness.name(),
        ..Report::default()
    };
    println!("session-store conformance: {}", report.backend);
    for (name, scenario) in scenarios::table::<H>() {
        let outcome = attempt(scenario(Arc::clone(&harness))).await;
        record(&mut report, name.to_owned(), outcome);
    }
    let mut outages = vec![None];
    outages.extend(harness.outages().into_iter().map(Some));
    for outage in outages {
        let name = format!(
            "backend down ({}): clear errors, no panic, recovery",
            outage.map_or("injected", Outage::name)
        );
        let run = scenarios::backend_down(Arc::clone(&harness), outage);
        let outcome = attempt(run).await;
        record(&mut report, name, outcome);
    }
    let total = report.passed.len() + report.failed.len();
    println!(
        "session-store conformance: {}: {} of {total} scenarios passed",
        report.backend,
        report.passed.len()
    );
    if !report.failed.is_empty() {
        let list: Vec<String> = report
            .failed
            .iter()
            .map(|(name, why)| format!("  {name}: {why}"))
            .collect();
        panic!(
            "{} of {total} scenarios failed on {}:\n{}",
            report.failed.len(),
            report.backend,
            list.join("\n")
        );
    }
    report
}

async fn attempt(
    scenario: impl Future<Output = ()> + Send + 'static,
) -> (Duration, Result<(), String>) {
    let started = Instant::now();
    let task = tokio::spawn(scenario);
    let abort = task.abort_handle();
    let outcome = match tokio::time::timeout(SCENARIO_BUDGET, task).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) if err.is_panic() => Err(panic_text(&err.into_panic())),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => {
            abort.abort();
            Err(format!("took longer than {SCENARIO_BUDGET:?}"))
        }
    };
    (started.elapsed(), outcome)
}

fn record(report: &mut Report, name: String, (took, outcome): (Duration, Result<(), String>)) {
    match outcome {
        Ok(()) => {
            println!("  ok     {name} ({took:.1?})");
            report.passed.push((name, took));
        }
        Err(why) => {
            println!("  FAILED {name} ({took:.1?}): {why}");
            report.failed.push((name, why));
        }
    }
}

fn panic_text(payload: &Box<dyn Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panicked".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use session_store::MemoryBackend;

    struct Memory;

    impl Harness for Memory {
        type Backend = MemoryBackend<i64>;

        fn name(&self) -> String {
            "memory".to_owned()
        }

        async fn backend(&self) -> MemoryBackend<i64> {
            MemoryBackend::new()
        }
    }

    #[test]
    fn scenarios_counts_the_table_and_the_injected_outage() {
        assert_eq!(scenarios::table::<Memory>().len() + 1, SCENARIOS);
    }
}
