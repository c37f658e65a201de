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
//! [`Scenario::proxy`]: [`CookieProxy::default`] (`__Host-id`, see [`proxy`]), or the same
//! with a template `Max-Age` ([`proxy_with_max_age`]) for the remember-me rows that need one.
//! The user type is [`TestUser`], and the loader is [`TestLoader`]: known tokens
//! [`KnownToken`] behave as their names say.
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

use core::time::Duration;

use session_cookie::{CookieProxy, CrossOrigin, cookie};

pub use crate::logs::{
    Captured, FAILURE_CHAIN, QueryFailed, capture, check_failure_log, failing_loader,
};
pub use crate::scenario::{
    CACHEABLE, Observed, ObservedHeader, REMEMBER, REMEMBER_BEYOND_CAP, Route, Scenario,
    SetCookieRule, answers_body, scenarios, token_body,
};
pub use crate::store::{
    KnownToken, STORE_SECRET, StoreError, TestLoader, TestStore, TestSyncLoader, TestUser,
    cookie_pair,
};

/// The proxy every harness uses (but for the rows with
/// [`Scenario::max_age_template`]): the production default, `__Host-id`, a browser-session
/// cookie whose persistent lifetimes are capped at 400 days.
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

/// The template `Max-Age` of [`proxy_with_max_age`]: 2 hours.
pub const TEMPLATE_MAX_AGE: Duration = Duration::from_secs(2 * 3600);

/// The proxy of the rows with [`Scenario::max_age_template`]: [`proxy`]'s template with a
/// `Max-Age` of [`TEMPLATE_MAX_AGE`], which is then also the cap of every persistent
/// lifetime. On it `start` and `start_with(CookieLifetime::BrowserSession)` differ.
///
/// # Examples
///
/// ```
/// use session_conformance::{TEMPLATE_MAX_AGE, proxy_with_max_age};
///
/// let proxy = proxy_with_max_age();
/// assert_eq!(proxy.name(), "__Host-id");
/// assert_eq!(proxy.max_age_cap(), TEMPLATE_MAX_AGE);
/// ```
#[must_use]
pub fn proxy_with_max_age() -> CookieProxy<32> {
    let max_age = cookie::time::Duration::try_from(TEMPLATE_MAX_AGE)
        .unwrap_or_else(|e| unreachable!("2 hours fit: {e}"));
    let mut base = proxy().base().clone();
    base.set_max_age(max_age);
    CookieProxy::new(base).unwrap_or_else(|e| unreachable!("a valid template: {e}"))
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

    #[test]
    fn the_max_age_proxy_is_the_default_with_a_max_age() {
        let token = KnownToken::Ada.token();
        let pair = KnownToken::Ada.pair();
        assert_eq!(
            proxy_with_max_age().refresh_value(&token).as_str(),
            format!("{pair}; Path=/; Max-Age=7200; Secure; HttpOnly; SameSite=Lax")
        );
        assert_eq!(proxy_with_max_age().max_age_cap(), TEMPLATE_MAX_AGE);
    }
}
