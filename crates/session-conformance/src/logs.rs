//! The log side of the adapters' `tracing` feature: a failing loader with an error chain and
//! a capture of what gets logged.

use std::io::Write;
use std::sync::{Arc, Mutex};

use session_token::Token;

/// The error of [`failing_loader`]: `session query failed`, caused by an I/O error
/// `connection refused`. Neither names the token.
#[derive(Debug)]
pub struct QueryFailed(std::io::Error);

impl std::fmt::Display for QueryFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("session query failed")
    }
}

impl std::error::Error for QueryFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// The whole chain of [`QueryFailed`], as a log line must show it.
pub const FAILURE_CHAIN: &str = "session query failed: connection refused";

/// A loader that always fails with [`QueryFailed`].
///
/// # Errors
///
/// Always [`QueryFailed`].
///
/// # Examples
///
/// ```
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// use session_conformance::{FAILURE_CHAIN, failing_loader};
/// use session_cookie::adapter::ErrorChain;
///
/// let err = block_on(failing_loader(&session_token::Token::from_bytes([1; 32]))).unwrap_err();
/// assert_eq!(ErrorChain(&err).to_string(), FAILURE_CHAIN);
/// ```
pub async fn failing_loader(_: &Token) -> Result<Option<String>, QueryFailed> {
    Err(QueryFailed(std::io::Error::other("connection refused")))
}

/// Everything logged on this thread, DEBUG and up, while the guard of [`capture`] lives.
#[derive(Debug, Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// The log so far, as text.
    ///
    /// # Examples
    ///
    /// ```
    /// let (captured, _guard) = session_conformance::capture();
    /// assert_eq!(captured.text(), "");
    /// ```
    #[must_use]
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `tracing` subscriber for this thread (the adapters' test runtimes are single-threaded)
/// writing into the returned [`Captured`] until the guard is dropped.
///
/// # Examples
///
/// ```
/// let (captured, guard) = session_conformance::capture();
/// drop(guard);
/// assert!(captured.text().is_empty());
/// ```
#[must_use]
pub fn capture() -> (Captured, impl Sized) {
    use tracing_subscriber::util::SubscriberInitExt as _;
    let captured = Captured::default();
    let writer = captured.clone();
    let guard = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    (captured, guard)
}

/// Checks the log of one request whose loader failed (asked by two extractors) and one login
/// whose `Set-Cookie` is `set_cookie`: one ERROR line with [`FAILURE_CHAIN`], a DEBUG line for
/// the rejection, and neither the request's token, the started one, nor the cookie name.
///
/// # Panics
///
/// When any of that does not hold, with the log in the message.
///
/// # Examples
///
/// ```should_panic
/// session_conformance::check_failure_log("", "token", "__Host-id=new; Path=/");
/// ```
pub fn check_failure_log(logs: &str, request_token: &str, set_cookie: &str) {
    let failures: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("session loader failed"))
        .collect();
    assert_eq!(
        failures.len(),
        1,
        "two extractors, one load, one line:\n{logs}"
    );
    assert!(failures[0].contains("ERROR"), "{logs}");
    assert!(failures[0].contains(FAILURE_CHAIN), "{logs}");
    assert!(logs.contains("session rejected"), "{logs}");
    assert!(logs.contains("LoaderFailed"), "{logs}");
    let started = set_cookie.split([';', '=']).nth(1).unwrap_or_default();
    assert!(!started.is_empty(), "{set_cookie}");
    for secret in [request_token, started, "__Host-id="] {
        assert!(!logs.contains(secret), "{secret} in:\n{logs}");
    }
}
