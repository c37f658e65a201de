//! Differential test: on valid UTF-8 headers, `load` agrees with `cookie::Cookie::split_parse`
//! followed by the same rules (exact name, strict token, duplicate policy).
//!
//! The generated headers use space and tab as their only white space: `cookie` trims all
//! Unicode white space (`str::trim`), while HTTP's OWS is space and tab only (CR, LF and the
//! other controls cannot appear in a header value; `load` treats them as ordinary bytes).

use cookie::Cookie;
use proptest::prelude::*;
use session_cookie::{CookieProxy, DuplicatePolicy, MAX_COOKIE_BYTES, MAX_COOKIE_PAIRS};
use session_token::Token;

const NAME: &str = "__Host-id";

/// Three distinct tokens, so that equal and different duplicates both occur.
fn encoded(i: u8) -> String {
    Token::<32>::from_bytes([i.wrapping_mul(37).wrapping_add(1); 32])
        .encode()
        .as_str()
        .to_owned()
}

/// The reference: `cookie`'s parser, then the documented rules.
fn reference(headers: &[String], policy: DuplicatePolicy) -> Option<Token> {
    let mut found: Option<Token> = None;
    for header in headers {
        for cookie in Cookie::split_parse(header.as_str()).flatten() {
            if cookie.name() != NAME {
                continue;
            }
            let Ok(token) = Token::<32>::decode(cookie.value()) else {
                continue;
            };
            match &found {
                None if policy == DuplicatePolicy::FirstWins => return Some(token),
                None => found = Some(token),
                Some(first) if *first == token => {}
                Some(_) => return None,
            }
        }
    }
    found
}

fn ows() -> impl Strategy<Value = String> {
    "[ \t]{0,2}"
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(NAME.to_owned()),
        1 => prop::sample::select(vec![
            "__host-id", "__Host-idx", "__Host-i", "__Host-%69d", "\"__Host-id\"", "x", "",
            "__Host-id\u{e9}", "__Host\u{2010}id",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_%\\-\u{e9}\u{20ac}\0\"]{0,10}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    let token = (0u8..3).prop_map(encoded);
    prop_oneof![
        6 => token.clone(),
        1 => token.clone().prop_map(|t| format!("\"{t}\"")),
        1 => token.clone().prop_map(|t| format!("{t}=")),
        1 => token.clone().prop_map(|t| t[..42].to_owned()),
        1 => token.clone().prop_map(|t| format!("{t}A")),
        1 => token.clone().prop_map(|t| format!("{} {}", &t[..20], &t[20..])),
        1 => token.prop_map(|t| format!("{}\u{e9}", &t[..41])),
        2 => "[a-zA-Z0-9_=\\-%\"\u{e9}\0]{0,12}",
    ]
}

fn pair() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (ows(), name(), ows(), prop::bool::weighted(0.95), ows(), value(), ows()).prop_map(
            |(a, n, b, eq, c, v, d)| format!("{a}{n}{b}{}{c}{v}{d}", if eq { "=" } else { "" })
        ),
        1 => "[ \t=a-z\"%\u{e9}]{0,8}",
    ]
}

fn header() -> impl Strategy<Value = String> {
    prop::collection::vec(pair(), 0..8).prop_map(|pairs| pairs.join(";"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn load_agrees_with_cookie_split_parse(headers in prop::collection::vec(header(), 0..4)) {
        let bytes: usize = headers.iter().map(String::len).sum();
        let pairs: usize = headers.iter().map(|h| h.split(';').count()).sum();
        prop_assume!(bytes <= MAX_COOKIE_BYTES && pairs <= MAX_COOKIE_PAIRS);
        for policy in [DuplicatePolicy::Reject, DuplicatePolicy::FirstWins] {
            let proxy = CookieProxy::<32>::default().with_duplicate_policy(policy);
            prop_assert_eq!(proxy.load_from_values(&headers), reference(&headers, policy));
        }
    }

    #[test]
    fn load_never_panics_on_arbitrary_bytes(
        headers in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..4),
    ) {
        let proxy = CookieProxy::<32>::default();
        let _ = proxy.load_from_values(&headers);
    }
}

#[test]
fn the_generator_reaches_sessions_and_tossing() {
    // A sanity check that the strategy is not vacuous: these shapes occur in it.
    let t0 = encoded(0);
    let t1 = encoded(1);
    let found = [format!("a=1; {NAME}={t0}")];
    assert!(reference(&found, DuplicatePolicy::Reject).is_some());
    let tossed = [format!("{NAME}={t0}; {NAME}={t1}")];
    assert!(reference(&tossed, DuplicatePolicy::Reject).is_none());
    assert!(reference(&tossed, DuplicatePolicy::FirstWins).is_some());
}
