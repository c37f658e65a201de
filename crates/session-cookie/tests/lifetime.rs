//! "Remember me" per login: `start_value_with` / `refresh_value_with` write a persistent
//! cookie (`Max-Age`, capped by the proxy) or a browser-session cookie (no `Max-Age`),
//! whatever the template says.

use std::time::Duration;

use cookie::{Cookie, SameSite, time};
use session_cookie::{CookieLifetime, CookieProxy, Token};

const DAY: u64 = 24 * 3600;

fn persistent(secs: u64) -> CookieLifetime {
    CookieLifetime::Persistent(Duration::from_secs(secs))
}

/// A `__Host-id` template with the given `Max-Age` (or none).
fn proxy(max_age: Option<time::Duration>) -> CookieProxy {
    let mut base = Cookie::build(("__Host-id", ""))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax);
    if let Some(max_age) = max_age {
        base = base.max_age(max_age);
    }
    CookieProxy::new(base.build()).expect("a valid template")
}

/// The `Max-Age` attribute of a `Set-Cookie` value, if any (and that it is there once).
fn max_age(value: &str) -> Option<u64> {
    let ages: Vec<u64> = value
        .split("; ")
        .filter_map(|attribute| attribute.strip_prefix("Max-Age="))
        .map(|secs| secs.parse().expect("Max-Age digits"))
        .collect();
    assert!(ages.len() <= 1, "one Max-Age at most: {value}");
    ages.first().copied()
}

#[test]
fn both_forms_without_a_template_max_age() {
    let proxy = proxy(None);
    let (token, value) = proxy.start_value_with(persistent(30 * DAY)).unwrap();
    let encoded = token.encode();
    assert_eq!(
        value.as_str(),
        format!(
            "__Host-id={}; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax",
            encoded.as_str()
        )
    );
    let (token, value) = proxy
        .start_value_with(CookieLifetime::BrowserSession)
        .unwrap();
    assert_eq!(
        value.as_str(),
        format!(
            "__Host-id={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            token.encode().as_str()
        )
    );
    // The browser-session form is what the template alone writes.
    assert_eq!(value.as_str(), proxy.refresh_value(&token).as_str());
}

#[test]
fn both_forms_with_a_template_max_age() {
    let proxy = proxy(Some(time::Duration::days(14)));
    let token = Token::<32>::from_bytes([3; 32]);
    let week = proxy.refresh_value_with(&token, persistent(7 * DAY));
    assert_eq!(max_age(week.as_str()), Some(7 * DAY));
    // Browser session: the template's Max-Age is dropped for this login.
    let browser = proxy.refresh_value_with(&token, CookieLifetime::BrowserSession);
    assert_eq!(max_age(browser.as_str()), None);
    assert_eq!(
        browser.as_str(),
        format!(
            "__Host-id={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            token.encode().as_str()
        )
    );
    // The template's own Max-Age is still what start_value / refresh_value write.
    assert_eq!(
        max_age(proxy.refresh_value(&token).as_str()),
        Some(14 * DAY)
    );
}

#[test]
fn max_age_is_capped_by_the_proxy() {
    let token = Token::<32>::from_bytes([4; 32]);
    let capped = proxy(Some(time::Duration::hours(2)));
    assert_eq!(capped.max_age_cap(), Duration::from_secs(7200));
    for (asked, written) in [
        (1, 1),
        (7199, 7199),
        (7200, 7200),
        (7201, 7200),
        (400 * DAY, 7200),
    ] {
        let value = capped.refresh_value_with(&token, persistent(asked));
        assert_eq!(max_age(value.as_str()), Some(written), "asked {asked}");
    }
    let uncapped = proxy(None);
    assert_eq!(uncapped.max_age_cap(), Duration::from_secs(400 * DAY));
    for asked in [400 * DAY, 400 * DAY + 1, u64::MAX] {
        let value = uncapped.refresh_value_with(&token, persistent(asked));
        assert_eq!(max_age(value.as_str()), Some(400 * DAY), "asked {asked}");
    }
    let forever = CookieLifetime::Persistent(Duration::MAX);
    let value = uncapped.refresh_value_with(&token, forever);
    assert_eq!(max_age(value.as_str()), Some(400 * DAY));
}

#[test]
fn no_time_left_writes_the_removal_never_the_token() {
    for proxy in [proxy(None), proxy(Some(time::Duration::hours(1)))] {
        let token = Token::<32>::from_bytes([5; 32]);
        for nothing_left in [Duration::ZERO, Duration::from_millis(999)] {
            let value = proxy.refresh_value_with(&token, CookieLifetime::Persistent(nothing_left));
            assert_eq!(value.as_str(), proxy.end_value().as_str());
            assert!(!value.as_str().contains(token.encode().as_str()));
        }
        // Sub-second parts round down: 1.999 s is one second.
        let value = proxy.refresh_value_with(
            &token,
            CookieLifetime::Persistent(Duration::from_millis(1_999)),
        );
        assert_eq!(max_age(value.as_str()), Some(1));
        // A start with no time left still issues a token, and removes the cookie.
        let (token, value) = proxy
            .start_value_with(CookieLifetime::Persistent(Duration::ZERO))
            .unwrap();
        assert_eq!(value.as_str(), proxy.end_value().as_str());
        assert!(!value.as_str().contains(token.encode().as_str()));
    }
}

#[test]
fn the_scope_and_flags_are_the_templates() {
    let base = Cookie::build(("sid", ""))
        .path("/app")
        .domain("example.com")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .partitioned(true)
        .build();
    let proxy = CookieProxy::<16>::new(base).unwrap();
    let token = Token::<16>::from_bytes([6; 16]);
    let encoded = token.encode();
    assert_eq!(
        proxy.refresh_value_with(&token, persistent(60)).as_str(),
        format!(
            "sid={}; Path=/app; Domain=example.com; Max-Age=60; Secure; HttpOnly; \
             SameSite=Strict; Partitioned",
            encoded.as_str()
        )
    );
    assert_eq!(
        proxy
            .refresh_value_with(&token, CookieLifetime::BrowserSession)
            .as_str(),
        format!(
            "sid={}; Path=/app; Domain=example.com; Secure; HttpOnly; SameSite=Strict; \
             Partitioned",
            encoded.as_str()
        )
    );
}

#[test]
fn values_round_trip_through_load() {
    let proxy = proxy(None);
    for lifetime in [CookieLifetime::BrowserSession, persistent(DAY)] {
        let (token, value) = proxy.start_value_with(lifetime).unwrap();
        let pair = value.as_str().split(';').next().unwrap();
        assert_eq!(proxy.load_from_values([pair]), Some(token));
    }
}

#[cfg(feature = "http")]
#[test]
fn apply_replaces_an_earlier_value_of_either_form() {
    use http::{HeaderMap, header};
    use session_cookie::adapter::apply;

    let proxy = proxy(None);
    let token = Token::<32>::from_bytes([7; 32]);
    let mut response = HeaderMap::new();
    apply(
        &proxy,
        &mut response,
        proxy.refresh_value_with(&token, persistent(DAY)),
    );
    apply(
        &proxy,
        &mut response,
        proxy.refresh_value_with(&token, CookieLifetime::BrowserSession),
    );
    let values: Vec<_> = response.get_all(header::SET_COOKIE).iter().collect();
    assert_eq!(
        values.len(),
        1,
        "one Set-Cookie for the name: its final state"
    );
    assert!(values[0].is_sensitive());
    assert_eq!(max_age(values[0].to_str().unwrap()), None);
}

#[cfg(feature = "http")]
#[test]
fn http_helpers_write_both_forms() {
    use http::{HeaderMap, header};

    let proxy = proxy(Some(time::Duration::hours(1)));
    let mut response = HeaderMap::new();
    let token = proxy.start_with(&mut response, persistent(DAY)).unwrap();
    let value = response[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert_eq!(
        value,
        proxy.refresh_value_with(&token, persistent(3600)).as_str()
    );
    assert!(response[header::SET_COOKIE].is_sensitive());
    assert_eq!(response[header::CACHE_CONTROL], "no-store");
    // The refresh keeps the choice: the same form, replacing the earlier value.
    proxy.refresh_with(&mut response, &token, CookieLifetime::BrowserSession);
    let values: Vec<_> = response.get_all(header::SET_COOKIE).iter().collect();
    assert_eq!(values.len(), 1);
    assert_eq!(max_age(values[0].to_str().unwrap()), None);
    proxy.refresh_with(&mut response, &token, persistent(0));
    assert_eq!(response[header::SET_COOKIE], proxy.end_value().as_str());
}

#[test]
fn debug_does_not_leak() {
    let lifetime = persistent(60);
    assert_eq!(format!("{lifetime:?}"), "Persistent(60s)");
    let (token, value) = proxy(None).start_value_with(lifetime).unwrap();
    assert_eq!(format!("{value:?}"), "SetCookie(..)");
    assert_eq!(format!("{token:?}"), "Token(..)");
}

proptest::proptest! {
    /// Any lifetime under any template: `Max-Age` within 1..=cap (or the removal), a valid
    /// header value, the token where there is time left.
    #[test]
    fn max_age_never_exceeds_the_cap(
        template in proptest::option::of(1_i64..=400 * 24 * 3600),
        asked_ms in proptest::prelude::any::<u64>(),
        browser_session in proptest::prelude::any::<bool>(),
    ) {
        let proxy = proxy(template.map(time::Duration::seconds));
        let cap = proxy.max_age_cap().as_secs();
        let lifetime = if browser_session {
            CookieLifetime::BrowserSession
        } else {
            CookieLifetime::Persistent(Duration::from_millis(asked_ms))
        };
        let token = Token::<32>::from_bytes([8; 32]);
        let value = proxy.refresh_value_with(&token, lifetime);
        assert!(value.as_bytes().iter().all(|&b| b == b' ' || b.is_ascii_graphic()));
        match lifetime {
            CookieLifetime::BrowserSession => assert_eq!(max_age(value.as_str()), None),
            CookieLifetime::Persistent(_) if asked_ms < 1000 => {
                assert_eq!(value.as_str(), proxy.end_value().as_str());
            }
            CookieLifetime::Persistent(_) => {
                assert_eq!(max_age(value.as_str()), Some((asked_ms / 1000).min(cap)));
                assert!(value.as_str().contains(token.encode().as_str()));
            }
        }
    }
}
