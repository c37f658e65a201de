//! The one conformance table of sessionkit's framework adapters.
//!
//! Every adapter (`session-axum`, `session-actix`) runs the whole [`scenarios`] table in its
//! tests through a small harness: it builds an app with the [`Route`]s below, all backed by
//! one [`TestStore`], sends each scenario's requests (those in [`Scenario::before`], then the
//! one to [`Scenario::route`]), turns the last response into an [`Observed`], and calls
//! [`Scenario::check`]. The expectations live here, as data, so a behaviour difference
//! between two adapters is a failing test in one of them, never a documentation note.
//!
//! The harness contract (what each route's handler does) is on [`Route`]. The cookie is
//! [`CookieProxy::default`] (`__Host-id`), the user type is [`TestUser`], and the loader is
//! [`TestLoader`]: known tokens [`KnownToken`] behave as their names say.
//!
//! ```
//! use session_conformance::{Route, scenarios};
//!
//! let table = scenarios();
//! assert!(table.iter().any(|s| s.route == Route::Guarded));
//! for scenario in &table {
//!     assert!(!scenario.name.is_empty());
//! }
//! ```

mod bearer;
mod logs;
mod scenario;
mod store;

use session_cookie::{CookieProxy, CrossOrigin};

pub use crate::logs::{
    Captured, FAILURE_CHAIN, QueryFailed, capture, check_failure_log, failing_loader,
};
pub use crate::scenario::{
    CACHEABLE, Observed, ObservedHeader, Route, Scenario, SetCookieRule, answers_body, scenarios,
    token_body,
};
pub use crate::store::{
    KnownToken, STORE_SECRET, StoreError, TestLoader, TestStore, TestSyncLoader, TestUser,
    cookie_pair,
};

/// The proxy every harness uses: the production default, `__Host-id`.
///
/// # Examples
///
/// ```
/// assert_eq!(session_conformance::proxy().name(), "__Host-id");
/// ```
#[must_use]
pub fn proxy() -> CookieProxy<32> {
    CookieProxy::default()
}

/// The one origin [`cross_origin`] trusts.
pub const TRUSTED_ORIGIN: &str = "https://trusted.example.com";

/// The cross-origin guard every harness puts in front of the whole app: it trusts
/// [`TRUSTED_ORIGIN`] and lets [`Route::Webhook`] through.
///
/// # Examples
///
/// ```
/// use session_conformance::{Route, TRUSTED_ORIGIN, cross_origin};
///
/// let guard = cross_origin();
/// assert!(guard.trusted_origins().eq([TRUSTED_ORIGIN]));
/// assert!(guard.insecure_bypass_paths().eq([Route::Webhook.path()]));
/// ```
#[must_use]
pub fn cross_origin() -> CrossOrigin {
    CrossOrigin::new()
        .with_trusted_origin(TRUSTED_ORIGIN)
        .and_then(|guard| guard.with_insecure_bypass_path(Route::Webhook.path()))
        .unwrap_or_else(|e| unreachable!("a valid configuration: {e}"))
}

/// The 401 body of every adapter.
pub const NO_SESSION_BODY: &str = "no valid session";
/// The 500 body of every adapter when the loader fails.
pub const LOADER_FAILED_BODY: &str = "the session could not be loaded";
/// The 403 body of every adapter's cross-origin guard.
pub const CROSS_ORIGIN_BODY: &str = "cross-origin request refused";
/// The `Content-Type` of every 401/403/500 answer.
pub const ERROR_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_bodies_are_session_cookies_reasons() {
        use session_cookie::RejectionReason;
        assert_eq!(RejectionReason::NoSession.as_str(), NO_SESSION_BODY);
        assert_eq!(RejectionReason::LoaderFailed.as_str(), LOADER_FAILED_BODY);
        assert_eq!(RejectionReason::NotConfigured.as_str(), LOADER_FAILED_BODY);
        let refusal = session_cookie::CrossOriginRefusal::NullOrigin;
        assert_eq!(
            RejectionReason::CrossOrigin(refusal).as_str(),
            CROSS_ORIGIN_BODY
        );
    }

    #[test]
    fn default_proxy_is_the_host_cookie() {
        let _: CookieProxy = proxy();
        assert_eq!(proxy().name(), "__Host-id");
    }
}
