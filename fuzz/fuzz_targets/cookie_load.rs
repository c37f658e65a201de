//! `CookieProxy::load_from_values` on arbitrary bytes split into several headers: never
//! panics, and whatever it returns was sent, under the proxy's name, in canonical form.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use session_cookie::{CookieProxy, DuplicatePolicy};

/// A proxy and its "first wins" twin, built once: building them is not what is fuzzed, and
/// under the sanitizers it cost more than the load itself.
struct Pair<const N: usize> {
    strict: CookieProxy<N>,
    first_wins: CookieProxy<N>,
}

impl<const N: usize> Pair<N> {
    fn new(proxy: CookieProxy<N>) -> Self {
        let first_wins = proxy.clone().with_duplicate_policy(DuplicatePolicy::FirstWins);
        Self { strict: proxy, first_wins }
    }
}

static DEFAULT_32: LazyLock<Pair<32>> = LazyLock::new(|| Pair::new(CookieProxy::default()));
static DEV_16: LazyLock<Pair<16>> =
    LazyLock::new(|| Pair::new(CookieProxy::insecure_for_local_development()));
static DEV_32: LazyLock<Pair<32>> =
    LazyLock::new(|| Pair::new(CookieProxy::insecure_for_local_development()));

fn check<const N: usize>(pair: &Pair<N>, headers: &[&[u8]]) {
    let (proxy, first_wins) = (&pair.strict, &pair.first_wins);
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

/// Up to 8 headers taken from the input, then the rest as the last one; on the stack.
fn split(data: &[u8]) -> Result<([&[u8]; 9], usize)> {
    let mut u = Unstructured::new(data);
    let count = usize::from(u.int_in_range(0..=8u8)?);
    let mut headers: [&[u8]; 9] = [&[]; 9];
    for header in &mut headers[..count] {
        let len = u.arbitrary_len::<u8>()?;
        *header = u.bytes(len)?;
    }
    headers[count] = u.take_rest();
    Ok((headers, count + 1))
}

fuzz_target!(|data: &[u8]| {
    let Ok((headers, count)) = split(data) else { return };
    let headers = &headers[..count];
    check(&DEFAULT_32, headers);
    check(&DEV_16, headers);
    // Also the whole input as one header.
    check(&DEV_32, &[data]);
});
