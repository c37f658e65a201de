//! The `Set-Cookie` writing rule, once, over any header map.

use crate::{CookieProxy, SetCookie};

/// The `Cache-Control` value [`apply`] gives responses that set or remove the session cookie
/// unless their `Cache-Control` already has the `no-store` directive: `no-store`, so no cache
/// keeps a token.
///
/// # Examples
///
/// ```
/// assert_eq!(session_cookie::adapter::NO_STORE, "no-store");
/// ```
pub const NO_STORE: &str = "no-store";

/// The few operations on a response's headers that [`apply`] needs.
///
/// Implement it for the header map of an HTTP library that is not `http` 1.x (actix-web 4 is
/// on `http` 0.2); the rule itself (which values to drop, what to mark sensitive, when to
/// add `no-store`) lives in [`apply`], so every adapter writes the same headers. With the
/// `http` feature it is implemented for `http::HeaderMap`.
///
/// Each method is a primitive: no method decides anything about sessions.
///
/// # Examples
///
/// A minimal header map, a list of `(name, value)` pairs:
///
/// ```
/// use session_cookie::CookieProxy;
/// use session_cookie::adapter::{ResponseHeaders, apply};
///
/// #[derive(Default)]
/// struct Headers(Vec<(&'static str, String)>);
///
/// impl ResponseHeaders for Headers {
///     fn retain_set_cookies(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
///         self.0.retain(|(n, v)| *n != "set-cookie" || keep(v.as_bytes()));
///     }
///     fn append_set_cookie(&mut self, set_cookie: session_cookie::SetCookie) {
///         self.0.push(("set-cookie", set_cookie.into_string())); // cannot mark it sensitive
///     }
///     fn cache_controls(&self) -> impl Iterator<Item = &[u8]> {
///         self.0.iter().filter(|(n, _)| *n == "cache-control").map(|(_, v)| v.as_bytes())
///     }
///     fn insert_cache_control(&mut self, value: &'static str) {
///         self.0.retain(|(n, _)| *n != "cache-control");
///         self.0.push(("cache-control", value.to_owned()));
///     }
/// }
///
/// let proxy = CookieProxy::<32>::default();
/// let mut headers = Headers(vec![
///     ("set-cookie", "__Host-id=old; Path=/".to_owned()),
///     ("cache-control", "public, max-age=600".to_owned()),
/// ]);
/// apply(&proxy, &mut headers, proxy.end_value());
/// assert_eq!(headers.0.len(), 2);
/// assert!(headers.0[0].1.starts_with("__Host-id=; Path=/; Max-Age=0"));
/// assert_eq!(headers.0[1], ("cache-control", "no-store".to_owned()));
/// ```
pub trait ResponseHeaders {
    /// Removes every `Set-Cookie` value for which `keep` returns `false`, keeping the others
    /// in their order. `keep` sees the value's raw bytes; it is a pure predicate, so an
    /// implementation may call it more than once per value.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue, header::SET_COOKIE};
    /// use session_cookie::adapter::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append(SET_COOKIE, HeaderValue::from_static("a=1"));
    /// headers.append(SET_COOKIE, HeaderValue::from_static("b=2"));
    /// headers.retain_set_cookies(|value| value.starts_with(b"b="));
    /// assert_eq!(headers.get_all(SET_COOKIE).iter().collect::<Vec<_>>(), ["b=2"]);
    /// # }
    /// ```
    fn retain_set_cookies(&mut self, keep: impl FnMut(&[u8]) -> bool);

    /// Appends `set_cookie` as one `Set-Cookie` header, **marked sensitive** where the
    /// library can (`HeaderValue::set_sensitive(true)`), so it is not logged or compressed
    /// into HPACK tables.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, header::SET_COOKIE};
    /// use session_cookie::CookieProxy;
    /// use session_cookie::adapter::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append_set_cookie(CookieProxy::<32>::default().end_value());
    /// assert!(headers[SET_COOKIE].is_sensitive());
    /// # }
    /// ```
    fn append_set_cookie(&mut self, set_cookie: SetCookie);

    /// The raw values of the response's `Cache-Control` headers, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue, header::CACHE_CONTROL};
    /// use session_cookie::adapter::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// assert_eq!(headers.cache_controls().count(), 0);
    /// headers.insert(CACHE_CONTROL, HeaderValue::from_static("private"));
    /// assert_eq!(headers.cache_controls().collect::<Vec<_>>(), [b"private"]);
    /// # }
    /// ```
    fn cache_controls(&self) -> impl Iterator<Item = &[u8]>;

    /// Sets the `Cache-Control` header to `value`, replacing every value it had.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, header::CACHE_CONTROL};
    /// use session_cookie::adapter::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert_cache_control("no-store");
    /// assert_eq!(headers[CACHE_CONTROL], "no-store");
    /// # }
    /// ```
    fn insert_cache_control(&mut self, value: &'static str);
}

/// Writes `set_cookie` (from [`CookieProxy::start_value`],
/// [`refresh_value`](CookieProxy::refresh_value) or [`end_value`](CookieProxy::end_value))
/// into a response's headers, by the rules every adapter follows:
///
/// 1. earlier `Set-Cookie` values for `proxy`'s cookie name are removed; the others are
///    kept, in order, so the response carries only the session cookie's final state;
/// 2. `set_cookie` is appended, [marked sensitive](ResponseHeaders::append_set_cookie);
/// 3. `Cache-Control` becomes `no-store` ([`NO_STORE`]) unless one of its values already
///    has the `no-store` directive: the response carries a token (or its removal), so no
///    cache may keep it, whatever the handler set (`public, max-age=600` included). A
///    handler's `no-store` with more directives (`no-store, must-revalidate`) is kept.
///
/// The proxy's `http` 1.x helpers (`start`, `refresh`, `end`) and every adapter's response
/// parts are this, on their framework's header map.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "http")] {
/// use http::{HeaderMap, HeaderValue, header};
/// use session_cookie::CookieProxy;
/// use session_cookie::adapter::apply;
///
/// let proxy = CookieProxy::<32>::default();
/// let mut response = HeaderMap::new();
/// response.append(header::SET_COOKIE, HeaderValue::from_static("theme=dark"));
/// response.append(header::SET_COOKIE, HeaderValue::from_static("__Host-id=old; Path=/"));
/// response.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=600"));
/// apply(&proxy, &mut response, proxy.end_value());
///
/// let values: Vec<_> = response.get_all(header::SET_COOKIE).iter().collect();
/// assert_eq!(values.len(), 2);
/// assert_eq!(values[0], "theme=dark");
/// assert!(values[1].is_sensitive());
/// assert_eq!(response[header::CACHE_CONTROL], "no-store");
/// # }
/// ```
pub fn apply<H, const N: usize>(proxy: &CookieProxy<N>, headers: &mut H, set_cookie: SetCookie)
where
    H: ResponseHeaders,
{
    headers.retain_set_cookies(|value| !proxy.is_own_set_cookie(value));
    headers.append_set_cookie(set_cookie);
    if !headers.cache_controls().any(has_no_store) {
        headers.insert_cache_control(NO_STORE);
    }
}

/// `true` if a `Cache-Control` value has the `no-store` directive (RFC 9111 5.2: a
/// comma-separated list; directive names are case-insensitive, spaces around them ignored).
fn has_no_store(value: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|directive| {
        let name = directive.split(|&b| b == b'=').next().unwrap_or_default();
        name.trim_ascii().eq_ignore_ascii_case(NO_STORE.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_store_directive() {
        for yes in [
            "no-store",
            "No-Store",
            " private , no-store",
            "no-store, max-age=0",
            "no-store=1",
        ] {
            assert!(has_no_store(yes.as_bytes()), "{yes}");
        }
        for no in [
            "",
            "public, max-age=600",
            "no-cache",
            "private",
            "no-stored",
            "x-no-store",
            "\"no-store\"",
        ] {
            assert!(!has_no_store(no.as_bytes()), "{no}");
        }
    }
}
