//! The session cookie both example sites use.

use session_cookie::CookieProxy;

/// The flag that turns on the development cookie ([`cookie_proxy`]).
pub const INSECURE_DEV_COOKIES: &str = "--insecure-dev-cookies";

/// The session cookie: the library's secure defaults (`__Host-id`, Secure, HttpOnly,
/// SameSite=Lax) unless `insecure_dev_cookies` (`--insecure-dev-cookies`) asks for the
/// library's development opt-in (`id`, no Secure, no prefix). Prints one start-up line
/// naming the cookie and the flag, as `<package>: session cookie ...`.
///
/// The choice never depends on the address the site binds to: behind a TLS-terminating proxy
/// on the same host (the usual layout) the site binds to 127.0.0.1 and must still send
/// Secure cookies. The defaults work over https, and over plain http://127.0.0.1 or
/// http://localhost in Chromium and Firefox, which treat loopback as a secure context. The
/// development cookie is for plain http where that does not hold (Safari, some HTTP clients,
/// another machine on the network), never behind a proxy or in production.
///
/// # Examples
///
/// ```
/// let secure = example_common::cookie_proxy("example-axum", false);
/// assert_eq!(secure.name(), "__Host-id");
/// assert!(secure.end_value().as_str().contains("Secure"));
///
/// let dev = example_common::cookie_proxy("example-axum", true);
/// assert_eq!(dev.name(), "id");
/// assert!(!dev.end_value().as_str().contains("Secure"));
/// ```
#[must_use]
pub fn cookie_proxy(package: &str, insecure_dev_cookies: bool) -> CookieProxy {
    println!("{package}: {}", cookie_notice(insecure_dev_cookies));
    if insecure_dev_cookies {
        CookieProxy::insecure_for_local_development()
    } else {
        CookieProxy::default()
    }
}

/// The start-up line [`cookie_proxy`] prints (after `<package>: `).
fn cookie_notice(insecure_dev_cookies: bool) -> String {
    if insecure_dev_cookies {
        format!(
            "{INSECURE_DEV_COOKIES}: session cookie `id` WITHOUT Secure and without the \
             __Host- prefix (CookieProxy::insecure_for_local_development): for local \
             development over plain http only, never behind a proxy or in production"
        )
    } else {
        format!(
            "session cookie `__Host-id` (Secure): needs https, or http://127.0.0.1 / \
             http://localhost in Chromium or Firefox; for plain http elsewhere (Safari, HTTP \
             clients, tests) start with {INSECURE_DEV_COOKIES}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_notices_name_the_flag() {
        for insecure in [false, true] {
            let notice = cookie_notice(insecure);
            assert!(notice.contains(INSECURE_DEV_COOKIES), "{notice}");
        }
        assert!(cookie_notice(true).contains("never behind a proxy"));
        assert!(cookie_notice(false).contains("__Host-id"));
    }
}
