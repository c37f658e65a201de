//! The `Set-Cookie` writing rule, once, over any header map.

use crate::{CookieProxy, NO_STORE, SetCookie};

/// The few operations on a response's headers that [`CookieProxy::apply`] needs.
///
/// Implement it for the header map of an HTTP library that is not `http` 1.x (actix-web 4 is
/// on `http` 0.2); the rule itself (which values to drop, what to mark sensitive, when to
/// add `no-store`) lives in [`CookieProxy::apply`], so every adapter writes the same headers.
/// With the `http` feature it is implemented for `http::HeaderMap`.
///
/// Each method is a primitive: no method decides anything about sessions.
///
/// # Examples
///
/// A minimal header map, a list of `(name, value)` pairs:
///
/// ```
/// use session_cookie::{CookieProxy, ResponseHeaders, SetCookie};
///
/// #[derive(Default)]
/// struct Headers(Vec<(&'static str, String)>);
///
/// impl ResponseHeaders for Headers {
///     type Value = String;
///
///     fn value_bytes(value: &String) -> &[u8] {
///         value.as_bytes()
///     }
///     fn set_cookies(&self) -> impl Iterator<Item = &String> {
///         self.0.iter().filter(|(n, _)| *n == "set-cookie").map(|(_, v)| v)
///     }
///     fn remove_set_cookies(&mut self) -> impl Iterator<Item = String> {
///         let (removed, kept) = self.0.drain(..).partition(|(n, _)| *n == "set-cookie");
///         self.0 = kept;
///         removed.into_iter().map(|(_, v): (&str, String)| v).collect::<Vec<_>>().into_iter()
///     }
///     fn append_set_cookie(&mut self, value: String) {
///         self.0.push(("set-cookie", value));
///     }
///     fn sensitive_value(set_cookie: SetCookie) -> String {
///         set_cookie.into_string() // this map cannot mark values sensitive
///     }
///     fn has_cache_control(&self) -> bool {
///         self.0.iter().any(|(n, _)| *n == "cache-control")
///     }
///     fn insert_cache_control(&mut self, value: &'static str) {
///         self.0.retain(|(n, _)| *n != "cache-control");
///         self.0.push(("cache-control", value.to_owned()));
///     }
/// }
///
/// let proxy = CookieProxy::<32>::default();
/// let mut headers = Headers::default();
/// proxy.apply(&mut headers, proxy.end_value());
/// assert_eq!(headers.0.len(), 2);
/// assert_eq!(headers.0[1], ("cache-control", "no-store".to_owned()));
/// ```
pub trait ResponseHeaders {
    /// The map's header value type.
    type Value;

    /// The raw bytes of a header value.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue};
    /// use session_cookie::ResponseHeaders;
    ///
    /// let value = HeaderValue::from_static("id=1");
    /// assert_eq!(<HeaderMap as ResponseHeaders>::value_bytes(&value), b"id=1");
    /// # }
    /// ```
    fn value_bytes(value: &Self::Value) -> &[u8];

    /// Every `Set-Cookie` value of the response, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue, header::SET_COOKIE};
    /// use session_cookie::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append(SET_COOKIE, HeaderValue::from_static("a=1"));
    /// assert_eq!(ResponseHeaders::set_cookies(&headers).count(), 1);
    /// # }
    /// ```
    fn set_cookies(&self) -> impl Iterator<Item = &Self::Value>;

    /// Removes every `Set-Cookie` header and returns their values, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue, header::SET_COOKIE};
    /// use session_cookie::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append(SET_COOKIE, HeaderValue::from_static("a=1"));
    /// headers.append(SET_COOKIE, HeaderValue::from_static("b=2"));
    /// let removed: Vec<_> = headers.remove_set_cookies().collect();
    /// assert_eq!(removed, ["a=1", "b=2"]);
    /// assert!(headers.is_empty());
    /// # }
    /// ```
    fn remove_set_cookies(&mut self) -> impl Iterator<Item = Self::Value>;

    /// Appends one `Set-Cookie` header with `value`, as it is.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue, header::SET_COOKIE};
    /// use session_cookie::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append_set_cookie(HeaderValue::from_static("a=1"));
    /// assert_eq!(headers[SET_COOKIE], "a=1");
    /// # }
    /// ```
    fn append_set_cookie(&mut self, value: Self::Value);

    /// `set_cookie` as a header value of this map, **marked sensitive** where the library
    /// can (`HeaderValue::set_sensitive(true)`), so it is not logged or compressed into
    /// HPACK tables.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::HeaderMap;
    /// use session_cookie::{CookieProxy, ResponseHeaders};
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let value = <HeaderMap as ResponseHeaders>::sensitive_value(proxy.end_value());
    /// assert!(value.is_sensitive());
    /// # }
    /// ```
    fn sensitive_value(set_cookie: SetCookie) -> Self::Value;

    /// `true` if the response has a `Cache-Control` header.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::HeaderMap;
    /// use session_cookie::ResponseHeaders;
    ///
    /// assert!(!HeaderMap::new().has_cache_control());
    /// # }
    /// ```
    fn has_cache_control(&self) -> bool;

    /// Sets the `Cache-Control` header to `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, header::CACHE_CONTROL};
    /// use session_cookie::ResponseHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert_cache_control("no-store");
    /// assert_eq!(headers[CACHE_CONTROL], "no-store");
    /// # }
    /// ```
    fn insert_cache_control(&mut self, value: &'static str);
}

impl<const N: usize> CookieProxy<N> {
    /// Writes `set_cookie` (from [`start_value`](Self::start_value),
    /// [`refresh_value`](Self::refresh_value) or [`end_value`](Self::end_value)) into a
    /// response's headers, by the rules every adapter follows:
    ///
    /// 1. earlier `Set-Cookie` values for which
    ///    [`is_own_set_cookie`](Self::is_own_set_cookie) is `true` are removed; the others
    ///    are kept, in order, so the response carries only the session cookie's final state;
    /// 2. `set_cookie` is appended, [marked sensitive](ResponseHeaders::sensitive_value);
    /// 3. `Cache-Control: no-store` ([`NO_STORE`]) is added unless the response has a
    ///    `Cache-Control`, so no shared cache replays the cookie.
    ///
    /// The `http` 1.x helpers (`start`, `refresh`, `end`) are this on an `http::HeaderMap`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use http::{HeaderMap, HeaderValue, header};
    /// use session_cookie::CookieProxy;
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let mut response = HeaderMap::new();
    /// response.append(header::SET_COOKIE, HeaderValue::from_static("theme=dark"));
    /// response.append(header::SET_COOKIE, HeaderValue::from_static("__Host-id=old; Path=/"));
    /// proxy.apply(&mut response, proxy.end_value());
    ///
    /// let values: Vec<_> = response.get_all(header::SET_COOKIE).iter().collect();
    /// assert_eq!(values.len(), 2);
    /// assert_eq!(values[0], "theme=dark");
    /// assert!(values[1].is_sensitive());
    /// assert_eq!(response[header::CACHE_CONTROL], "no-store");
    /// # }
    /// ```
    pub fn apply<H>(&self, headers: &mut H, set_cookie: SetCookie)
    where
        H: ResponseHeaders + ?Sized,
    {
        let stale = headers
            .set_cookies()
            .any(|v| self.is_own_set_cookie(H::value_bytes(v)));
        if stale {
            let kept: Vec<H::Value> = headers
                .remove_set_cookies()
                .filter(|v| !self.is_own_set_cookie(H::value_bytes(v)))
                .collect();
            for value in kept {
                headers.append_set_cookie(value);
            }
        }
        headers.append_set_cookie(H::sensitive_value(set_cookie));
        if !headers.has_cache_control() {
            headers.insert_cache_control(NO_STORE);
        }
    }
}
