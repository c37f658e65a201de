//! Bearer tokens (`session_cookie::bearer`) on arbitrary bytes: `parse` never panics and
//! agrees with a plain reference reading of the rules; `find` takes exactly one header;
//! `CookieProxy::load_with_bearer` is the cookie's token and the header's by `resolve`; and a
//! token read is written back by `header_value` to a value that reads the same.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use session_cookie::{CookieProxy, Token, bearer};

static PROXY: LazyLock<CookieProxy<16>> =
    LazyLock::new(CookieProxy::insecure_for_local_development);

/// The rules, read the obvious way: OWS around the value dropped, `Bearer` in any case, one
/// or more spaces, then one canonical token and nothing else.
fn reference<const N: usize>(value: &[u8]) -> Option<Token<N>> {
    if value.len() > bearer::MAX_AUTHORIZATION_BYTES {
        return None;
    }
    let value = std::str::from_utf8(value).ok()?;
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim_start_matches(' ');
    Token::<N>::decode(token).ok()
}

fn check<const N: usize>(value: &[u8]) {
    let parsed = bearer::parse::<N>(value);
    assert_eq!(parsed, reference::<N>(value));
    if let Some(token) = &parsed {
        assert_eq!(
            bearer::parse::<N>(bearer::header_value(token).as_bytes()).as_ref(),
            Some(token)
        );
        assert_eq!(bearer::find::<N, _>([value]).as_ref(), Some(token));
        assert_eq!(bearer::find::<N, _>([value, value]), None);
    }
}

/// Header values, in order.
type Headers<'a> = Vec<&'a [u8]>;

/// Up to 4 `Cookie` headers and up to 3 `Authorization` headers from the input.
fn split(data: &[u8]) -> Result<(Headers<'_>, Headers<'_>)> {
    let mut u = Unstructured::new(data);
    let mut take = |most: u8| -> Result<Headers<'_>> {
        let count = u.int_in_range(0..=most)?;
        (0..count)
            .map(|_| {
                let len = u.arbitrary_len::<u8>()?;
                u.bytes(len)
            })
            .collect()
    };
    let cookies = take(4)?;
    let authorizations = take(3)?;
    Ok((cookies, authorizations))
}

fuzz_target!(|data: &[u8]| {
    check::<16>(data);
    check::<32>(data);
    let Ok((cookies, authorizations)) = split(data) else {
        return;
    };
    for value in &authorizations {
        check::<16>(value);
    }
    let both = PROXY.load_with_bearer(cookies.iter().copied(), authorizations.iter().copied());
    let cookie = PROXY.load_from_values(cookies.iter().copied());
    let header = bearer::find::<16, _>(authorizations.iter().copied());
    assert_eq!(both, bearer::resolve(cookie, header));
});
