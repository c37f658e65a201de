//! The adapters' log lines (feature `tracing`), written once so that both frameworks log the
//! same events with the same words, under the target `sessionkit`
//! (`RUST_LOG=sessionkit=debug`).
//!
//! Nothing secret goes in: never the token, the `Cookie` header or a `Set-Cookie` value;
//! the loader's error is logged as it displays itself, so a loader must not put the token in
//! its error.

use crate::RejectionReason;
use crate::adapter::{ErrorChain, LoadError};

/// The loader (the application's store) failed: ERROR, with the whole error chain
/// ([`ErrorChain`]). An adapter calls it where it caches the loader's answer, so it is
/// logged once per request however many extractors ask.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use session_cookie::adapter::{LoadError, log};
///
/// let error: LoadError = Arc::new(std::io::Error::other("db down"));
/// log::loader_failed(&error); // `ERROR sessionkit: session loader failed error=db down`
/// ```
pub fn loader_failed(error: &LoadError) {
    tracing::error!(target: "sessionkit", error = %ErrorChain(&**error), "session loader failed");
}

/// A rejection became a response: DEBUG, with the reason only.
///
/// # Examples
///
/// ```
/// use session_cookie::RejectionReason;
/// use session_cookie::adapter::log;
///
/// log::rejected(RejectionReason::NoSession); // `DEBUG sessionkit: session rejected reason=NoSession`
/// ```
pub fn rejected(reason: RejectionReason) {
    tracing::debug!(target: "sessionkit", ?reason, "session rejected");
}
