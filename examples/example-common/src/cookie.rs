//! The session cookie both example sites use.

use std::net::SocketAddr;

use session_cookie::CookieProxy;

/// Secure defaults (`__Host-id`, Secure, HttpOnly, SameSite=Lax) everywhere but loopback,
/// and on loopback too when `secure_cookies` is set (`--secure-cookies`).
///
/// Over plain http://127.0.0.1 clients disagree about Secure cookies (Chromium keeps them,
/// Safari and many HTTP client cookie stores never send them back), so on a loopback address
/// only the site uses the library's explicit development opt-in and says so on stdout, as
/// `<package>: bound to loopback: ...`. Anywhere else it keeps the defaults, which need
/// HTTPS in front (a TLS-terminating proxy). Chromium keeps Secure and `__Host-` cookies on
/// http://127.0.0.1 (loopback is a secure context), so `secure_cookies` lets a site be tried
/// there with the real defaults; IPv4-mapped loopback (`::ffff:127.0.0.1`) counts as loopback.
///
/// # Examples
///
/// ```
/// use std::net::SocketAddr;
///
/// let loopback = SocketAddr::from(([127, 0, 0, 1], 3000));
/// let local = example_common::cookie_proxy("example-axum", loopback, false);
/// assert_eq!(local.name(), "id");
/// assert!(!local.end_value().as_str().contains("Secure"));
///
/// let forced = example_common::cookie_proxy("example-axum", loopback, true);
/// assert_eq!(forced.name(), "__Host-id");
///
/// let public = example_common::cookie_proxy("example-axum", SocketAddr::from(([0, 0, 0, 0], 3000)), false);
/// assert_eq!(public.name(), "__Host-id");
/// assert!(public.end_value().as_str().contains("Secure"));
/// ```
#[must_use]
pub fn cookie_proxy(package: &str, addr: SocketAddr, secure_cookies: bool) -> CookieProxy {
    if !secure_cookies && addr.ip().to_canonical().is_loopback() {
        println!(
            "{package}: bound to loopback: session cookie without Secure and without \
             the __Host- prefix (CookieProxy::insecure_for_local_development)"
        );
        CookieProxy::insecure_for_local_development()
    } else {
        CookieProxy::default()
    }
}
