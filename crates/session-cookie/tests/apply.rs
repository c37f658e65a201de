//! `adapter::apply`: the `Set-Cookie` rule on a header map that is not `http` 1.x.

use session_cookie::adapter::{NO_STORE, ResponseHeaders, apply};
use session_cookie::{CookieProxy, SetCookie};
use session_token::Token;

/// A value and whether it was marked sensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Value {
    text: String,
    sensitive: bool,
}

fn plain(text: &str) -> Value {
    Value {
        text: text.to_owned(),
        sensitive: false,
    }
}

/// A header map as a list of `(name, value)`, in insertion order, counting its calls.
#[derive(Debug, Default)]
struct FakeHeaders {
    entries: Vec<(&'static str, Value)>,
    removals: usize,
}

impl FakeHeaders {
    fn with(entries: &[(&'static str, &str)]) -> Self {
        Self {
            entries: entries.iter().map(|(n, v)| (*n, plain(v))).collect(),
            removals: 0,
        }
    }

    fn values(&self, name: &str) -> Vec<Value> {
        self.entries
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn texts(&self, name: &str) -> Vec<String> {
        self.values(name).into_iter().map(|v| v.text).collect()
    }
}

impl ResponseHeaders for FakeHeaders {
    fn retain_set_cookies(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        let before = self.entries.len();
        self.entries
            .retain(|(n, v)| *n != "set-cookie" || keep(v.text.as_bytes()));
        self.removals += before - self.entries.len();
    }

    fn append_set_cookie(&mut self, set_cookie: SetCookie) {
        let value = Value {
            text: set_cookie.into_string(),
            sensitive: true,
        };
        self.entries.push(("set-cookie", value));
    }

    fn cache_controls(&self) -> impl Iterator<Item = &[u8]> {
        self.entries
            .iter()
            .filter(|(n, _)| *n == "cache-control")
            .map(|(_, v)| v.text.as_bytes())
    }

    fn insert_cache_control(&mut self, value: &'static str) {
        self.entries.retain(|(n, _)| *n != "cache-control");
        self.entries.push(("cache-control", plain(value)));
    }
}

#[test]
fn appends_sensitive_and_adds_no_store_on_an_empty_map() {
    let proxy = CookieProxy::<32>::default();
    let mut headers = FakeHeaders::default();
    let (token, set_cookie) = proxy.start_value().unwrap();
    let expected = set_cookie.as_str().to_owned();
    apply(&proxy, &mut headers, set_cookie);

    let set_cookies = headers.values("set-cookie");
    assert_eq!(set_cookies.len(), 1);
    assert_eq!(set_cookies[0].text, expected);
    assert!(set_cookies[0].text.contains(token.encode().as_str()));
    assert!(set_cookies[0].sensitive);
    assert_eq!(headers.texts("cache-control"), [NO_STORE]);
    assert_eq!(headers.removals, 0, "nothing to drop: no removal");
}

#[test]
fn drops_own_and_keeps_foreign_in_order() {
    let proxy = CookieProxy::<32>::default();
    let mut headers = FakeHeaders::with(&[
        ("set-cookie", "a=1"),
        ("set-cookie", "__Host-id=old; Path=/"),
        ("x-other", "kept"),
        ("set-cookie", "b=2"),
        ("set-cookie", " __Host-id =older; path=/ ; Secure"),
        ("set-cookie", "__Host-idx=not-ours; Path=/"),
    ]);
    apply(&proxy, &mut headers, proxy.end_value());

    assert_eq!(
        headers.texts("set-cookie"),
        [
            "a=1".to_owned(),
            "b=2".to_owned(),
            "__Host-idx=not-ours; Path=/".to_owned(),
            proxy.end_value().as_str().to_owned(),
        ]
    );
    let flags: Vec<bool> = headers
        .values("set-cookie")
        .iter()
        .map(|v| v.sensitive)
        .collect();
    assert_eq!(
        flags,
        [false, false, false, true],
        "only the new one is marked"
    );
    assert_eq!(headers.texts("x-other"), ["kept"]);
    assert_eq!(headers.removals, 2);
}

/// An app clearing a tossed cookie of the session's name in another scope: kept, even when
/// the session cookie is written after it.
#[test]
fn the_same_name_in_another_scope_is_kept() {
    let base = cookie::Cookie::build(("sid", ""))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .build();
    let proxy = CookieProxy::<32>::new(base).unwrap();
    let parent = proxy.end_value_in(Some("example.com"), "/").unwrap();
    let deeper = proxy.end_value_in(None, "/app").unwrap();
    let own_scope = proxy.end_value_in(None, "/").unwrap();
    let mut headers = FakeHeaders::default();
    for value in [parent.as_str(), deeper.as_str(), own_scope.as_str()] {
        headers.entries.push(("set-cookie", plain(value)));
    }
    headers.entries.push((
        "set-cookie",
        plain("sid=; Domain=.EXAMPLE.com; Path=/; Max-Age=0"),
    ));
    let token = Token::<32>::from_bytes([4; 32]);
    apply(&proxy, &mut headers, proxy.refresh_value(&token));
    assert_eq!(
        headers.texts("set-cookie"),
        [
            parent.as_str().to_owned(),
            deeper.as_str().to_owned(),
            "sid=; Domain=.EXAMPLE.com; Path=/; Max-Age=0".to_owned(),
            proxy.refresh_value(&token).as_str().to_owned(),
        ],
        "only the value in the session cookie's own scope is replaced"
    );
}

#[test]
fn foreign_only_is_left_untouched() {
    let proxy = CookieProxy::<32>::default();
    let mut headers = FakeHeaders::with(&[("set-cookie", "a=1"), ("set-cookie", "b=2")]);
    apply(&proxy, &mut headers, proxy.end_value());
    assert_eq!(headers.removals, 0);
    assert_eq!(headers.texts("set-cookie")[..2], ["a=1", "b=2"]);
    assert_eq!(headers.values("set-cookie").len(), 3);
}

#[test]
fn keeps_a_cache_control_that_already_forbids_storing() {
    let proxy = CookieProxy::<32>::default();
    let mut headers = FakeHeaders::with(&[("cache-control", "private, No-Store, max-age=0")]);
    apply(&proxy, &mut headers, proxy.end_value());
    assert_eq!(
        headers.texts("cache-control"),
        ["private, No-Store, max-age=0"]
    );
}

/// A handler's cacheable `Cache-Control` must not let a shared cache keep a token.
#[test]
fn a_storable_cache_control_becomes_no_store() {
    let proxy = CookieProxy::<32>::default();
    let token = Token::<32>::from_bytes([7; 32]);
    for storable in [
        &[("cache-control", "public, max-age=600")][..],
        &[
            ("cache-control", "private"),
            ("cache-control", "max-age=60"),
        ],
        &[("cache-control", "no-cache")],
    ] {
        let mut headers = FakeHeaders::with(storable);
        apply(&proxy, &mut headers, proxy.refresh_value(&token));
        assert_eq!(headers.texts("cache-control"), [NO_STORE], "{storable:?}");
    }
}

#[test]
fn applied_twice_leaves_one_final_state() {
    let proxy = CookieProxy::<32>::default();
    let token = Token::<32>::from_bytes([7; 32]);
    let mut headers = FakeHeaders::default();
    apply(&proxy, &mut headers, proxy.end_value());
    apply(&proxy, &mut headers, proxy.refresh_value(&token));
    assert_eq!(
        headers.texts("set-cookie"),
        [proxy.refresh_value(&token).as_str()]
    );
    assert_eq!(headers.texts("cache-control"), [NO_STORE]);
}

/// The `http` 1.x helpers and `apply` on a fake map write the same headers.
#[cfg(feature = "http")]
#[test]
fn http_helpers_agree_with_the_fake_map() {
    use http::header::{CACHE_CONTROL, SET_COOKIE};
    use http::{HeaderMap, HeaderValue};

    let proxy = CookieProxy::<32>::default();
    let token = Token::<32>::from_bytes([3; 32]);
    let mut real = HeaderMap::new();
    real.append(SET_COOKIE, HeaderValue::from_static("a=1"));
    real.append(
        SET_COOKIE,
        HeaderValue::from_static("__Host-id=old; Path=/"),
    );
    real.append(SET_COOKIE, HeaderValue::from_static("b=2"));
    let mut fake = FakeHeaders::with(&[
        ("set-cookie", "a=1"),
        ("set-cookie", "__Host-id=old; Path=/"),
        ("set-cookie", "b=2"),
    ]);
    proxy.refresh(&mut real, &token);
    apply(&proxy, &mut fake, proxy.refresh_value(&token));

    let real_values: Vec<(String, bool)> = real
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| (v.to_str().unwrap().to_owned(), v.is_sensitive()))
        .collect();
    let fake_values: Vec<(String, bool)> = fake
        .values("set-cookie")
        .into_iter()
        .map(|v| (v.text, v.sensitive))
        .collect();
    assert_eq!(real_values, fake_values);
    assert_eq!(real[CACHE_CONTROL], NO_STORE);
}
