//! `CrossOrigin::check` and `check_http` make no heap allocation, for every outcome,
//! proven with a counting global allocator (per thread, like `tests/alloc.rs`).

#![cfg(feature = "http")]

use http::Request;
use session_cookie::{CrossOrigin, CrossOriginRequest};

fn request(method: &str, headers: &[(&str, &[u8])]) -> Request<()> {
    let mut builder = Request::builder().method(method).uri("/login");
    for &(name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(()).expect("a valid request")
}

#[test]
fn check_makes_no_heap_allocation() {
    let guard = CrossOrigin::new()
        .with_trusted_origin("https://sso.example.com")
        .and_then(|g| g.with_trusted_origin("https://other.example.com"))
        .and_then(|g| g.with_insecure_bypass_path("/hook"))
        .expect("a valid configuration");
    let host: (&str, &[u8]) = ("host", b"app.example.com");
    let long = [b"https://".as_slice(), &[b'a'; 1000]].concat();
    let cases = [
        request("GET", &[("sec-fetch-site", b"cross-site")]),
        request("POST", &[host, ("sec-fetch-site", b"same-origin")]),
        request("POST", &[host, ("sec-fetch-site", b"cross-site")]),
        request("POST", &[host, ("origin", b"https://app.example.com")]),
        request("POST", &[host, ("origin", b"https://evil.example")]),
        request("POST", &[host, ("origin", b"https://sso.example.com")]),
        request("POST", &[host, ("origin", b"null")]),
        request("POST", &[host, ("origin", &long)]),
        request("POST", &[host, ("origin", b"a"), ("origin", b"b")]),
        request("DELETE", &[("origin", b"https://app.example.com")]),
        request("PUT", &[host]),
    ];
    let mut outcomes = Vec::with_capacity(2 * cases.len());
    for request in &cases {
        let info = allocation_counter::measure(|| {
            outcomes.push(guard.check_http(request));
            outcomes.push(guard.check(&CrossOriginRequest::from_http(request)));
        });
        assert_eq!(info.count_total, 0, "{request:?}: {info:?}");
    }
    // Every outcome was reached: both passes and refusals.
    assert!(outcomes.iter().any(Result::is_ok));
    assert!(outcomes.iter().any(Result::is_err));
}
