//! Reading the session token from `Cookie` headers.

#![cfg(feature = "http")]

use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, header::COOKIE};
use session_cookie::{CookieProxy, DuplicatePolicy, MAX_COOKIE_BYTES, MAX_COOKIE_PAIRS};
use session_token::Token;

const NAME: &str = "__Host-id";

fn token(byte: u8) -> (Token, String) {
    let token = Token::from_bytes([byte; 32]);
    let encoded = token.encode().as_str().to_owned();
    (token, encoded)
}

fn proxy() -> CookieProxy {
    CookieProxy::default()
}

fn headers(values: &[&[u8]]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for v in values {
        map.append(
            COOKIE,
            HeaderValue::from_bytes(v).expect("a valid header value"),
        );
    }
    map
}

fn load(values: &[&[u8]]) -> Option<Token> {
    let by_map = proxy().load(&headers(values));
    let by_values = proxy().load_from_values(values.iter().copied());
    assert_eq!(by_map, by_values, "load and load_from_values disagree");
    by_map
}

fn load_str(header: &str) -> Option<Token> {
    load(&[header.as_bytes()])
}

#[test]
fn no_cookie_header_is_no_session() {
    assert_eq!(proxy().load(&HeaderMap::new()), None);
    assert_eq!(load(&[]), None);
    assert_eq!(load_str(""), None);
}

#[test]
fn finds_the_session_among_other_cookies() {
    let (t, e) = token(1);
    assert_eq!(load_str(&format!("{NAME}={e}")), Some(t.clone()));
    assert_eq!(load_str(&format!("a=1; {NAME}={e}; b=2")), Some(t.clone()));
    assert_eq!(load_str(&format!("a=1;{NAME}={e};b=2;")), Some(t));
}

#[test]
fn reads_every_cookie_header() {
    let (t, e) = token(2);
    let pair = format!("{NAME}={e}");
    assert_eq!(
        load(&[b"a=1", b"b=2; c=3", pair.as_bytes()]),
        Some(t.clone())
    );
    assert_eq!(load(&[pair.as_bytes(), b"a=1"]), Some(t));
}

#[test]
fn ows_around_pairs_is_trimmed() {
    let (t, e) = token(3);
    for header in [
        format!("  {NAME}={e}  "),
        format!("\t{NAME}={e}\t;a=1"),
        format!("a=1 ;  {NAME} = {e} ; b=2"),
        format!("a=1;\t \t{NAME}\t=\t{e}"),
    ] {
        assert_eq!(load_str(&header), Some(t.clone()), "{header:?}");
    }
}

#[test]
fn malformed_pairs_are_skipped() {
    let (t, e) = token(4);
    let header = format!("junk=%ZZ; =x; a; b=\"; ;;; ==; {NAME}={e}; c=\"unterminated");
    assert_eq!(load_str(&header), Some(t));
}

#[test]
fn non_utf8_pair_does_not_hide_the_session() {
    let (t, e) = token(5);
    let mut header = b"pref=\xff\xfe\x80; x\xc3=1; ".to_vec();
    header.extend_from_slice(format!("{NAME}={e}").as_bytes());
    header.extend_from_slice(b"; tail=\xe2\x82");
    assert_eq!(load(&[&header]), Some(t.clone()));
    // In another header too.
    let pair = format!("{NAME}={e}");
    assert_eq!(load(&[b"\xff=\xff", pair.as_bytes()]), Some(t));
}

#[test]
fn name_match_is_exact_and_case_sensitive() {
    let (_, e) = token(6);
    for name in [
        "__host-id",
        "__HOST-ID",
        "__Host-Id",
        "__Host-idx",
        "x__Host-id",
        "__Host-i",
        "__Host-%69d", // percent-encoded `i`: never decoded
        "__Host%2Did",
        "\"__Host-id\"",
    ] {
        assert_eq!(load_str(&format!("{name}={e}")), None, "{name}");
    }
}

#[test]
fn values_that_are_not_well_formed_tokens_are_ignored() {
    let (t, e) = token(7);
    let long = format!("{e}A"); // 44 chars
    let short = &e[..42];
    let padded = format!("{e}=");
    let quoted = format!("\"{e}\"");
    let inner_space = format!("{} {}", &e[..20], &e[21..]);
    // 32 bytes of 0x07 end in a symbol with zero trailing bits; flip them.
    let trailing_bits = format!("{}{}", &e[..42], if e.ends_with('c') { 'd' } else { 'B' });
    let percent = e.replacen('B', "%42", 1);
    for bad in [
        long.as_str(),
        short,
        padded.as_str(),
        quoted.as_str(),
        inner_space.as_str(),
        trailing_bits.as_str(),
        percent.as_str(),
        "",
    ] {
        assert_eq!(load_str(&format!("{NAME}={bad}")), None, "{bad:?}");
        // Ignored, not poisoning: a valid token elsewhere still wins.
        assert_eq!(
            load_str(&format!("{NAME}={bad}; {NAME}={e}")),
            Some(t.clone()),
            "{bad:?}"
        );
    }
}

#[test]
fn cookie_tossing_two_different_tokens_is_no_session() {
    let (_, a) = token(8);
    let (_, b) = token(9);
    assert_eq!(load_str(&format!("{NAME}={a}; {NAME}={b}")), None);
    let (first, second) = (format!("{NAME}={a}"), format!("{NAME}={b}"));
    assert_eq!(load(&[first.as_bytes(), second.as_bytes()]), None);
}

#[test]
fn the_same_token_twice_is_one_session() {
    let (t, e) = token(10);
    assert_eq!(load_str(&format!("{NAME}={e}; a=1; {NAME}={e}")), Some(t));
}

#[test]
fn first_wins_is_an_opt_in() {
    let (a_token, a) = token(11);
    let (_, b) = token(12);
    let proxy = proxy().with_duplicate_policy(DuplicatePolicy::FirstWins);
    let header = format!("{NAME}=bad; {NAME}={a}; {NAME}={b}");
    assert_eq!(proxy.load_from_values([&header]), Some(a_token));
}

#[test]
fn tokens_of_another_length_are_ignored() {
    let short = Token::<16>::from_bytes([1; 16]);
    let header = format!("{NAME}={}", short.encode().as_str());
    assert_eq!(load_str(&header), None);
    let proxy16 = CookieProxy::<16>::default();
    assert_eq!(proxy16.load_from_values([&header]), Some(short));
}

#[test]
fn hundred_thousand_pairs_return_promptly() {
    let (_, e) = token(13);
    let mut header = "a=b; ".repeat(100_000);
    header.push_str(&format!("{NAME}={e}"));
    let start = Instant::now();
    // Over the pair limit: no session, and little work.
    assert_eq!(proxy().load_from_values([&header]), None);
    // Many headers rather than one.
    let many: Vec<&str> = std::iter::repeat_n("a=b", 100_000).collect();
    assert_eq!(proxy().load_from_values(&many), None);
    // Pathological bytes.
    let semis = ";".repeat(1_000_000);
    assert_eq!(proxy().load_from_values([&semis]), None);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_session_within_normal_limits_is_found() {
    // 180 cookies of ~300 bytes (a browser's per-site maximum), session last.
    let (t, e) = token(14);
    let filler: Vec<String> = (0..180)
        .map(|i| format!("c{i}={}", "v".repeat(280)))
        .collect();
    let header = format!("{}; {NAME}={e}", filler.join("; "));
    assert!(header.len() < MAX_COOKIE_BYTES);
    assert_eq!(load_str(&header), Some(t.clone()));
    // Spread over 180 headers (HTTP/2 style).
    let pair = format!("{NAME}={e}");
    let mut values: Vec<&[u8]> = filler.iter().map(|s| s.as_bytes()).collect();
    values.push(pair.as_bytes());
    assert_eq!(load(&values), Some(t));
}

#[test]
fn limits_are_documented_values() {
    assert_eq!(MAX_COOKIE_BYTES, 65_536);
    assert_eq!(MAX_COOKIE_PAIRS, 1024);
}

#[test]
fn first_wins_returns_before_the_limits() {
    let (t, e) = token(15);
    let header = format!("{NAME}={e}; {}", "a=b; ".repeat(10_000));
    let proxy = proxy().with_duplicate_policy(DuplicatePolicy::FirstWins);
    assert_eq!(proxy.load_from_values([&header]), Some(t));
    // The default policy cannot rule out a second token past the limit.
    assert_eq!(load_str(&header), None);
}

#[test]
fn only_the_cookie_header_is_a_source() {
    let (_, e) = token(16);
    let mut map = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("{NAME}={e}")).unwrap();
    map.insert("x-cookie", value.clone());
    map.insert(http::header::AUTHORIZATION, value.clone());
    map.insert(http::header::SET_COOKIE, value);
    assert_eq!(proxy().load(&map), None);
}

/// Edges of the fast path that reads the session pair without searching it for `;`.
#[test]
fn session_pair_fast_path_edges() {
    let (t1, e1) = token(1);
    let (_, e2) = token(2);
    // The name inside another cookie's value, or as the suffix of another name: not the name.
    assert_eq!(load_str(&format!("x={NAME}={e1}")), None);
    assert_eq!(
        load_str(&format!("x={NAME}={e1}; {NAME}={e2}")),
        Some(token(2).0)
    );
    assert_eq!(load_str(&format!("a{NAME}={e1}")), None);
    assert_eq!(
        load_str(&format!("a{NAME}={e1}; {NAME}={e1}")),
        Some(t1.clone())
    );
    // Another cookie's value holding `;name=<other token>` is a pair of its own (split on `;`).
    assert_eq!(load_str(&format!("{NAME}={e1}; x=1;{NAME}={e2}")), None);
    // A token followed by more than OWS before `;` or the end: not a token; the next pair
    // is still read.
    assert_eq!(load_str(&format!("{NAME}={e1}x")), None);
    assert_eq!(
        load_str(&format!("{NAME}={e1}x; {NAME}={e2}")),
        Some(token(2).0)
    );
    assert_eq!(
        load_str(&format!("{NAME}={e1}x;{NAME}={e2}")),
        Some(token(2).0)
    );
    assert_eq!(
        load_str(&format!("{NAME}={e1} \t;{NAME}={e1} \t")),
        Some(t1.clone())
    );
    // A `;` inside the token-length window ends the pair there: the bytes after it are the
    // next pair, read as such.
    let short = &e1[..10];
    let cut = format!("{NAME}={short};{NAME}={e2}");
    assert_eq!(load_str(&cut), Some(token(2).0));
    let cut = format!("{NAME}={short};{}", &e2[10..]);
    assert_eq!(load_str(&cut), None);
    // An empty value, a value shorter than a token at the end, `=` with no value.
    assert_eq!(load_str(&format!("{NAME}=; {NAME}={e1}")), Some(t1.clone()));
    assert_eq!(load_str(&format!("{NAME}={e1}; {NAME}=")), Some(t1.clone()));
    assert_eq!(load_str(&format!("{NAME}={short}")), None);
    // Non-UTF-8 right after the token is not OWS: not a token.
    let mut bytes = format!("{NAME}={e1}").into_bytes();
    bytes.push(0xff);
    assert_eq!(load(&[&bytes]), None);
}

/// The pair cap still counts every pair, the session pair included, across headers.
#[test]
fn pair_cap_counts_the_session_pair_and_pairs_after_it() {
    let (t1, e1) = token(1);
    let session = format!("{NAME}={e1}");
    // The session first, then exactly MAX_COOKIE_PAIRS - 1 pairs: found.
    let after = "x;".repeat(MAX_COOKIE_PAIRS - 2) + "x";
    assert_eq!(
        load(&[session.as_bytes(), after.as_bytes()]),
        Some(t1.clone())
    );
    // One more pair after the session: over the cap, no session (Reject); FirstWins
    // returned before the cap.
    let after = format!("x;{after}");
    assert_eq!(load(&[session.as_bytes(), after.as_bytes()]), None);
    let first_wins = proxy().with_duplicate_policy(DuplicatePolicy::FirstWins);
    assert_eq!(
        first_wins.load_from_values([session.as_bytes(), after.as_bytes()]),
        Some(t1.clone())
    );
    // The session pair ending the header with `;` adds an empty pair, counted too.
    let session_semi = format!("{session};");
    let after = "x;".repeat(MAX_COOKIE_PAIRS - 3) + "x";
    assert_eq!(
        load(&[session_semi.as_bytes(), after.as_bytes()]),
        Some(t1.clone())
    );
    let after = format!("x;{after}");
    assert_eq!(load(&[session_semi.as_bytes(), after.as_bytes()]), None);
}
