//! `CookieProxy::new` from arbitrary names and attributes: never panics, and every proxy it
//! accepts writes valid `Set-Cookie` values that load back.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use session_cookie::CookieProxy;
use session_cookie::cookie::time::{Duration, OffsetDateTime};
use session_cookie::cookie::{Cookie, Expiration, SameSite};

fn template(u: &mut Unstructured<'_>) -> Result<Cookie<'static>> {
    let name = String::arbitrary(u)?;
    let mut cookie = Cookie::new(name, String::arbitrary(u)?);
    if let Some(path) = Option::<String>::arbitrary(u)? {
        cookie.set_path(path);
    }
    if let Some(domain) = Option::<String>::arbitrary(u)? {
        cookie.set_domain(domain);
    }
    cookie.set_secure(Option::<bool>::arbitrary(u)?);
    cookie.set_http_only(Option::<bool>::arbitrary(u)?);
    cookie.set_partitioned(Option::<bool>::arbitrary(u)?);
    cookie.set_same_site(match u.int_in_range(0..=3u8)? {
        0 => None,
        1 => Some(SameSite::Strict),
        2 => Some(SameSite::Lax),
        _ => Some(SameSite::None),
    });
    if let Some(secs) = Option::<i64>::arbitrary(u)? {
        let nanos = u.int_in_range(0..=999_999_999i32)?;
        cookie.set_max_age(Duration::new(secs, nanos));
    }
    match u.int_in_range(0..=2u8)? {
        0 => {}
        1 => cookie.set_expires(Expiration::Session),
        _ => {
            let secs = u.int_in_range(0..=4_000_000_000i64)?;
            if let Ok(at) = OffsetDateTime::from_unix_timestamp(secs) {
                cookie.set_expires(at);
            }
        }
    }
    Ok(cookie)
}

fn check<const N: usize>(base: Cookie<'static>) {
    let Ok(proxy) = CookieProxy::<N>::new(base) else { return };
    let (token, start) = proxy.start_value().expect("the OS RNG works");
    let end = proxy.end_value();
    for value in [start.as_bytes(), end.as_bytes()] {
        // Valid in any HTTP library: visible ASCII and spaces only.
        assert!(value.iter().all(|&b| (0x20..0x7f).contains(&b)));
        // For this cookie: `name=` first, so a later value replaces it in a response.
        assert_eq!(value.split(|&b| b == b'=').next(), Some(proxy.name().as_bytes()));
    }
    // The browser's side: the name=value pair, sent back, loads the same token.
    let pair = start.as_str().split(';').next().unwrap_or_default();
    assert_eq!(proxy.load_from_values([pair]), Some(token));
    assert_eq!(proxy.load_from_values([end.as_str().split(';').next().unwrap_or_default()]), None);
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(base) = template(&mut u) else { return };
    check::<16>(base.clone());
    check::<32>(base.clone());
    check::<64>(base);
});
