//! `CookieProxy::load_from_values` on arbitrary bytes split into several headers: never
//! panics, and whatever it returns was sent, under the proxy's name, in canonical form.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use session_cookie::{CookieProxy, DuplicatePolicy};

fn check<const N: usize>(proxy: &CookieProxy<N>, headers: &[&[u8]]) {
    let first_wins = proxy.clone().with_duplicate_policy(DuplicatePolicy::FirstWins);
    let strict = proxy.load_from_values(headers.iter().copied());
    let lenient = first_wins.load_from_values(headers.iter().copied());
    if let Some(token) = &strict {
        // An unambiguous session is also what "first wins" finds.
        assert_eq!(lenient.as_ref(), Some(token));
    }
    if let Some(token) = &lenient {
        // The token's canonical form, preceded by the name, appears in some header.
        let encoded = token.encode();
        let sent = headers.iter().any(|h| {
            h.windows(encoded.len()).any(|w| w == encoded.as_bytes())
        });
        assert!(sent);
        let name = proxy.name().as_bytes();
        assert!(headers.iter().any(|h| h.windows(name.len()).any(|w| w == name)));
    }
}

fn split(data: &[u8]) -> Result<Vec<&[u8]>> {
    let mut u = Unstructured::new(data);
    let count = u.int_in_range(0..=8u8)?;
    let mut headers = Vec::with_capacity(usize::from(count) + 1);
    for _ in 0..count {
        let len = u.arbitrary_len::<u8>()?;
        headers.push(u.bytes(len)?);
    }
    headers.push(u.take_rest());
    Ok(headers)
}

fuzz_target!(|data: &[u8]| {
    let Ok(headers) = split(data) else { return };
    check(&CookieProxy::<32>::default(), &headers);
    check(&CookieProxy::<16>::insecure_for_local_development(), &headers);
    // Also the whole input as one header.
    check(&CookieProxy::<32>::insecure_for_local_development(), &[data]);
});
