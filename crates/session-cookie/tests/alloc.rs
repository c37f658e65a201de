//! `load` makes no heap allocation, proven with a counting global allocator.
//!
//! `allocation_counter` counts per thread, so the other tests of this binary, running in
//! parallel, do not disturb the counts.

#![cfg(feature = "http")]

use http::{HeaderMap, HeaderValue, header::COOKIE};
use session_cookie::{CookieProxy, DuplicatePolicy};
use session_token::Token;

fn request(values: &[String]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for v in values {
        map.append(
            COOKIE,
            HeaderValue::from_str(v).expect("a valid header value"),
        );
    }
    map
}

#[test]
fn load_makes_no_heap_allocation() {
    let token = Token::<32>::from_bytes([3; 32]);
    let pair = format!("__Host-id={}", token.encode().as_str());
    let other = Token::<32>::from_bytes([4; 32]);
    let tossed = format!("__Host-id={}", other.encode().as_str());
    let cases = [
        vec![format!("a=1; b=2; {pair}; c=3; d=4")],
        vec![
            "a=1".to_owned(),
            pair.clone(),
            "junk=%ZZ; =x; a; b=\"".to_owned(),
        ],
        vec![format!("{pair}; {tossed}")],
        vec!["x=1; ".repeat(5_000)],
        vec![],
    ];
    let proxy = CookieProxy::<32>::default();
    let first_wins = proxy
        .clone()
        .with_duplicate_policy(DuplicatePolicy::FirstWins);
    for values in &cases {
        let headers = request(values);
        let mut results = Vec::with_capacity(4);
        let info = allocation_counter::measure(|| {
            results.push(proxy.load(&headers));
            results.push(first_wins.load(&headers));
            results.push(proxy.load_from_values(values));
            results.push(
                first_wins.load_from_values(headers.get_all(COOKIE).iter().map(|v| v.as_bytes())),
            );
        });
        assert_eq!(info.count_total, 0, "{values:?}: {info:?}");
        drop(results);
    }
}

#[test]
fn the_counter_sees_allocations() {
    let info = allocation_counter::measure(|| {
        std::hint::black_box(String::from("allocates"));
    });
    assert_eq!(info.count_total, 1);
}
