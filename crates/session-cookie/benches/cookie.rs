//! `session-cookie` against what other Rust stacks do, in one run.
//!
//! * `load`: this crate's byte-level reader vs `cookie::Cookie::split_parse` + a name lookup
//!   (+ `Token::decode`) vs a `cookie::CookieJar` filled the way axum-extra and tower-cookies
//!   fill it (split on `;`, `Cookie::parse_encoded` of an owned copy, `add_original`), on a
//!   realistic header and on a 4 KiB one.
//! * `set-cookie`: formatting `start`/`refresh`/`end` values vs building and formatting a
//!   `cookie::Cookie`.
//!
//! `cargo bench -p session-cookie --bench cookie` (or `cargo xtask bench`).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use cookie::{Cookie, CookieJar, SameSite};
use criterion::{Criterion, criterion_group, criterion_main};
use http::header::COOKIE;
use http::{HeaderMap, HeaderValue};
use session_cookie::{CookieProxy, DuplicatePolicy};
use session_token::Token;

const NAME: &str = "__Host-id";

fn token() -> Token {
    Token::from_bytes(*b"0123456789abcdefghijklmnopqrstuv")
}

/// Five cookies, ~300 bytes, the session in the middle.
fn realistic() -> String {
    format!(
        "_ga=GA1.1.1827394561.1716212345; theme=dark; {NAME}={}; \
         _ga_Q1W2E3R4T5=GS1.1.1716212345.3.1.1716213456.0.0.0; \
         prefs=%7B%22lang%22%3A%22en-GB%22%2C%22tz%22%3A%22Europe%2FLondon%22%2C%22density%22%3A%22compact%22%2C%22beta%22%3Atrue%7D",
        token().encode().as_str()
    )
}

/// ~4 KiB: 71 cookies of ~57 bytes, the session in the middle.
fn four_kib() -> String {
    let filler = |i: usize| {
        format!(
            "c{i:02}=v{}",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn"
        )
    };
    let mut pairs: Vec<String> = (0..70).map(filler).collect();
    pairs.insert(35, format!("{NAME}={}", token().encode().as_str()));
    let header = pairs.join("; ");
    assert!((3900..=4200).contains(&header.len()), "{}", header.len());
    header
}

fn request(header: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(COOKIE, HeaderValue::from_str(header).unwrap());
    map
}

/// `split_parse` + lookup: the cheapest way to read one cookie with the `cookie` crate.
fn split_parse_lookup(headers: &HeaderMap) -> Option<Token> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == NAME)
        .and_then(|c| Token::decode(c.value()).ok())
}

/// What axum-extra's `CookieJar::from_headers` and tower-cookies do, then a lookup.
fn cookie_jar(headers: &HeaderMap) -> Option<Token> {
    let mut jar = CookieJar::new();
    for value in headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for part in value.split(';') {
            if let Ok(cookie) = Cookie::parse_encoded(part.to_owned()) {
                jar.add_original(cookie);
            }
        }
    }
    jar.get(NAME).and_then(|c| Token::decode(c.value()).ok())
}

fn load(c: &mut Criterion) {
    let proxy = CookieProxy::<32>::default();
    let first_wins = proxy
        .clone()
        .with_duplicate_policy(DuplicatePolicy::FirstWins);
    for (label, header) in [("realistic-300B", realistic()), ("4KiB", four_kib())] {
        let headers = request(&header);
        let expected = Some(token());
        assert_eq!(proxy.load(&headers), expected);
        assert_eq!(first_wins.load(&headers), expected);
        assert_eq!(split_parse_lookup(&headers), expected);
        assert_eq!(cookie_jar(&headers), expected);

        let mut g = c.benchmark_group(format!("load-{label}"));
        g.bench_function("session_cookie::load", |b| {
            b.iter(|| black_box(proxy.load(black_box(&headers))));
        });
        g.bench_function("session_cookie::load (FirstWins)", |b| {
            b.iter(|| black_box(first_wins.load(black_box(&headers))));
        });
        g.bench_function("cookie::split_parse+lookup", |b| {
            b.iter(|| black_box(split_parse_lookup(black_box(&headers))));
        });
        g.bench_function("cookie::CookieJar", |b| {
            b.iter(|| black_box(cookie_jar(black_box(&headers))));
        });
        g.finish();
    }
}

fn set_cookie(c: &mut Criterion) {
    let proxy = CookieProxy::<32>::default();
    let token = token();
    let mut g = c.benchmark_group("set-cookie");
    g.bench_function("session_cookie::refresh_value", |b| {
        b.iter(|| black_box(proxy.refresh_value(black_box(&token))));
    });
    g.bench_function("session_cookie::start_value (incl. getrandom)", |b| {
        b.iter(|| black_box(proxy.start_value().unwrap()));
    });
    g.bench_function("session_cookie::end_value", |b| {
        b.iter(|| black_box(proxy.end_value()));
    });
    g.bench_function("cookie::Cookie build+to_string", |b| {
        b.iter(|| {
            let encoded = black_box(&token).encode();
            let cookie = Cookie::build((NAME, encoded.as_str()))
                .path("/")
                .secure(true)
                .http_only(true)
                .same_site(SameSite::Lax)
                .build();
            black_box(cookie.to_string())
        });
    });
    g.bench_function("cookie::Cookie removal to_string", |b| {
        b.iter(|| {
            let mut cookie = Cookie::build((NAME, ""))
                .path("/")
                .secure(true)
                .http_only(true)
                .same_site(SameSite::Lax)
                .build();
            cookie.make_removal();
            black_box(cookie.to_string())
        });
    });
    g.bench_function("session_cookie::start on HeaderMap", |b| {
        b.iter(|| {
            let mut headers = HeaderMap::new();
            black_box(proxy.start(&mut headers).unwrap());
            black_box(headers)
        });
    });
    g.bench_function("session_cookie::end on HeaderMap", |b| {
        b.iter(|| {
            let mut headers = HeaderMap::new();
            proxy.end(&mut headers);
            black_box(headers)
        });
    });
    g.finish();
}

criterion_group!(benches, load, set_cookie);
criterion_main!(benches);
