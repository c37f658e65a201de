//! The session cookie both example sites use.

use std::net::SocketAddr;

use session_cookie::CookieProxy;

/// Secure defaults (`__Host-id`, Secure, HttpOnly, SameSite=Lax) everywhere but loopback.
///
/// Over plain http://127.0.0.1 clients disagree about Secure cookies (Chromium keeps them,
/// Safari and many HTTP client cookie stores never send them back), so on a loopback address
/// only the site uses the library's explicit development opt-in and says so on stdout, as
/// `<package>: bound to loopback: ...`. Anywhere else it keeps the defaults, which need
/// HTTPS in front (a TLS-terminating proxy).
///
/// # Examples
///
/// ```
/// use std::net::SocketAddr;
///
/// let local = example_common::cookie_proxy("example-axum", SocketAddr::from(([127, 0, 0, 1], 3000)));
/// assert_eq!(local.name(), "id");
/// assert!(!local.end_value().as_str().contains("Secure"));
///
/// let public = example_common::cookie_proxy("example-axum", SocketAddr::from(([0, 0, 0, 0], 3000)));
/// assert_eq!(public.name(), "__Host-id");
/// assert!(public.end_value().as_str().contains("Secure"));
/// ```
#[must_use]
pub fn cookie_proxy(package: &str, addr: SocketAddr) -> CookieProxy {
    if addr.ip().is_loopback() {
        println!(
            "{package}: bound to loopback: session cookie without Secure and without \
             the __Host- prefix (CookieProxy::insecure_for_local_development)"
        );
        CookieProxy::insecure_for_local_development()
    } else {
        CookieProxy::default()
    }
}
