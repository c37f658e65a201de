//! Writing `Set-Cookie`: start, refresh, end.

#![cfg(feature = "http")]

use cookie::{Cookie, SameSite, time::Duration};
use http::header::{CACHE_CONTROL, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use session_cookie::CookieProxy;
use session_token::Token;

const EPOCH: &str = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("ASCII").to_owned())
        .collect()
}

fn full_template() -> CookieProxy {
    let base = Cookie::build(("__Secure-sid", "ignored"))
        .path("/app")
        .domain("example.com")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .partitioned(true)
        .max_age(Duration::days(7))
        .build();
    CookieProxy::new(base).expect("a valid template")
}

/// The Go library's proxy test: what `start` sets, sent back, loads the same token.
#[test]
fn start_then_load_round_trips() {
    for proxy in [
        CookieProxy::<32>::default(),
        CookieProxy::insecure_for_local_development(),
        full_template(),
    ] {
        let mut response = HeaderMap::new();
        let token = proxy.start(&mut response).unwrap();
        let set_cookie = &set_cookies(&response)[0];
        // What a browser does: keep the name=value pair, send it back as a Cookie header.
        let parsed = Cookie::parse(set_cookie.as_str()).unwrap();
        let mut request = HeaderMap::new();
        request.insert(
            COOKIE,
            HeaderValue::from_str(&format!("x=1; {}={}", parsed.name(), parsed.value())).unwrap(),
        );
        assert_eq!(proxy.load(&request), Some(token));
    }
}

#[test]
fn start_issues_fresh_tokens() {
    let proxy = CookieProxy::<32>::default();
    let a = proxy.start(&mut HeaderMap::new()).unwrap();
    let b = proxy.start(&mut HeaderMap::new()).unwrap();
    assert_ne!(a, b);
}

#[test]
fn set_cookie_carries_every_template_attribute() {
    let proxy = full_template();
    let token = Token::from_bytes([1; 32]);
    let value = proxy.refresh_value(&token);
    assert_eq!(
        value.as_str(),
        format!(
            "__Secure-sid={}; Path=/app; Domain=example.com; Max-Age=604800; Secure; HttpOnly; \
             SameSite=Strict; Partitioned",
            token.encode().as_str()
        )
    );
    // The cookie crate reads the same attributes back.
    let parsed = Cookie::parse(value.as_str()).unwrap();
    assert_eq!(parsed.path(), Some("/app"));
    assert_eq!(parsed.domain(), Some("example.com"));
    assert_eq!(parsed.max_age(), Some(Duration::days(7)));
    assert_eq!(parsed.secure(), Some(true));
    assert_eq!(parsed.http_only(), Some(true));
    assert_eq!(parsed.same_site(), Some(SameSite::Strict));
    assert_eq!(parsed.partitioned(), Some(true));
}

#[test]
fn default_set_cookie_is_the_safe_default() {
    let (token, value) = CookieProxy::<32>::default().start_value().unwrap();
    assert_eq!(
        value.as_str(),
        format!(
            "__Host-id={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            token.encode().as_str()
        )
    );
}

#[test]
fn end_mirrors_the_template_and_expires_in_1970() {
    let value = full_template().end_value();
    assert_eq!(
        value.as_str(),
        format!(
            "__Secure-sid=; Path=/app; Domain=example.com; Max-Age=0; {EPOCH}; Secure; \
             HttpOnly; SameSite=Strict; Partitioned"
        )
    );
    let parsed = Cookie::parse(value.as_str()).unwrap();
    assert_eq!(parsed.value(), "");
    assert_eq!(parsed.max_age(), Some(Duration::ZERO));
    assert_eq!(
        parsed.expires_datetime().map(|t| t.unix_timestamp()),
        Some(0)
    );

    let dev = CookieProxy::<32>::insecure_for_local_development().end_value();
    assert_eq!(
        dev.as_str(),
        format!("id=; Path=/; Max-Age=0; {EPOCH}; HttpOnly; SameSite=Lax")
    );
}

#[test]
fn set_cookie_values_carrying_tokens_are_sensitive() {
    let proxy = CookieProxy::<32>::default();
    let mut response = HeaderMap::new();
    let token = proxy.start(&mut response).unwrap();
    assert!(
        response
            .get_all(SET_COOKIE)
            .iter()
            .all(HeaderValue::is_sensitive)
    );
    let mut response = HeaderMap::new();
    proxy.refresh(&mut response, &token);
    assert!(
        response
            .get_all(SET_COOKIE)
            .iter()
            .all(HeaderValue::is_sensitive)
    );
}

#[test]
fn debug_does_not_leak_token() {
    let proxy = CookieProxy::<32>::default();
    let mut response = HeaderMap::new();
    let token = proxy.start(&mut response).unwrap();
    let encoded = token.encode().as_str().to_owned();
    proxy.refresh(&mut response, &token);
    let (token2, value) = proxy.start_value().unwrap();
    for debug in [
        format!("{response:?}"),
        format!("{response:#?}"),
        format!("{value:?}"),
        format!("{token:?}"),
        format!("{proxy:?}"),
    ] {
        assert!(!debug.contains(&encoded), "{debug}");
        assert!(!debug.contains(token2.encode().as_str()), "{debug}");
    }
}

#[test]
fn start_refresh_and_end_make_the_response_no_store() {
    let proxy = CookieProxy::<32>::default();
    let mut response = HeaderMap::new();
    proxy.start(&mut response).unwrap();
    assert_eq!(response[CACHE_CONTROL], "no-store");

    let mut response = HeaderMap::new();
    proxy.end(&mut response);
    assert_eq!(response[CACHE_CONTROL], "no-store");

    // A handler's directives that allow storing are replaced; its `no-store` is kept.
    let mut response = HeaderMap::new();
    response.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=600"),
    );
    proxy.start(&mut response).unwrap();
    proxy.end(&mut response);
    let all: Vec<_> = response.get_all(CACHE_CONTROL).iter().collect();
    assert_eq!(all, ["no-store"]);

    let mut response = HeaderMap::new();
    response.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, no-store, max-age=0"),
    );
    proxy.start(&mut response).unwrap();
    let all: Vec<_> = response.get_all(CACHE_CONTROL).iter().collect();
    assert_eq!(all, ["private, no-store, max-age=0"]);

    // refresh carries the token too.
    let mut response = HeaderMap::new();
    proxy.refresh(&mut response, &Token::from_bytes([0; 32]));
    assert_eq!(response[CACHE_CONTROL], "no-store");
}

#[test]
fn a_response_keeps_only_the_final_session_set_cookie() {
    let proxy = CookieProxy::<32>::default();
    let mut response = HeaderMap::new();
    response.append(SET_COOKIE, HeaderValue::from_static("theme=dark; Path=/"));
    let token = proxy.start(&mut response).unwrap();
    response.append(SET_COOKIE, HeaderValue::from_static("lang=en; Path=/"));
    proxy.refresh(&mut response, &token);
    let all = set_cookies(&response);
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[0], "theme=dark; Path=/");
    assert_eq!(all[1], "lang=en; Path=/");
    assert!(all[2].starts_with(&format!("__Host-id={}", token.encode().as_str())));

    // start then end: only the removal is left.
    proxy.end(&mut response);
    let all = set_cookies(&response);
    assert_eq!(all.len(), 3);
    assert_eq!(&all[..2], ["theme=dark; Path=/", "lang=en; Path=/"]);
    assert!(all[2].starts_with("__Host-id=; Path=/; Max-Age=0"));

    // Other cookies' sensitivity is preserved when the values are re-appended.
    let mut response = HeaderMap::new();
    let mut other = HeaderValue::from_static("other=1");
    other.set_sensitive(true);
    response.append(SET_COOKIE, other);
    proxy.end(&mut response);
    proxy.end(&mut response);
    let values: Vec<_> = response.get_all(SET_COOKIE).iter().collect();
    assert_eq!(values.len(), 2);
    assert!(values[0].is_sensitive());
}

#[test]
fn refresh_reissues_the_same_token() {
    let proxy = full_template();
    let token = Token::from_bytes([42; 32]);
    let mut response = HeaderMap::new();
    proxy.refresh(&mut response, &token);
    let value = &set_cookies(&response)[0];
    assert!(value.contains("Max-Age=604800"));
    let parsed = Cookie::parse(value.as_str()).unwrap();
    assert_eq!(Token::<32>::decode(parsed.value()), Ok(token));
}

#[test]
fn set_cookie_values_are_valid_header_values() {
    let proxy = full_template();
    let (_, start) = proxy.start_value().unwrap();
    for value in [start, proxy.end_value()] {
        assert!(value.as_bytes().iter().all(|&b| (0x20..0x7f).contains(&b)));
        assert!(HeaderValue::from_str(value.as_str()).is_ok());
        assert!(value.as_str().starts_with(&format!("{}=", proxy.name())));
    }
}

#[test]
fn byte_forms_match_the_http_helpers() {
    let proxy = CookieProxy::<32>::default();
    let token = Token::from_bytes([5; 32]);
    let mut response = HeaderMap::new();
    proxy.refresh(&mut response, &token);
    assert_eq!(
        response[SET_COOKIE].as_bytes(),
        proxy.refresh_value(&token).as_bytes()
    );
    let mut response = HeaderMap::new();
    proxy.end(&mut response);
    assert_eq!(
        response[SET_COOKIE].as_bytes(),
        proxy.end_value().as_bytes()
    );
    let value: HeaderValue = proxy.end_value().into();
    assert!(value.is_sensitive());
    assert_eq!(
        String::from(proxy.end_value()),
        proxy.end_value().into_string()
    );
}
