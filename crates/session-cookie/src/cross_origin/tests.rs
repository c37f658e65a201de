//! Every rule of `CrossOrigin::check`, and their order: each test pits a rule against the
//! rules after it, so moving one changes an outcome here.

use super::*;

const HOST: &[u8] = b"app.example.com";
const SELF: &[u8] = b"https://app.example.com";
const EVIL: &[u8] = b"https://evil.example";
const TRUSTED: &str = "https://sso.example.com";

fn guard() -> CrossOrigin {
    CrossOrigin::new()
        .with_trusted_origin(TRUSTED)
        .and_then(|g| g.with_insecure_bypass_path("/hook"))
        .unwrap_or_else(|e| unreachable!("{e}"))
}

/// A POST to `/submit` on `app.example.com` with the given browser headers.
fn post<'a>(origin: &'a [&'a [u8]], site: &'a [&'a [u8]]) -> CrossOriginRequest<'a> {
    CrossOriginRequest::new(b"POST", b"/submit")
        .with_host([HOST])
        .with_origin(origin.iter().copied())
        .with_sec_fetch_site(site.iter().copied())
}

use CrossOriginRefusal::{MalformedHeaders, NoHost, NullOrigin, OriginMismatch, SecFetchSite};

#[test]
fn rule_1_safe_methods_pass_before_anything_else() {
    let g = guard();
    for method in [b"GET".as_slice(), b"HEAD", b"OPTIONS"] {
        // Headers that every later rule refuses: two Origins, a cross-site fetch.
        let request = CrossOriginRequest::new(method, b"/submit")
            .with_origin([EVIL, EVIL])
            .with_sec_fetch_site([b"cross-site".as_slice()]);
        assert_eq!(g.check(&request), Ok(()), "{method:?}");
    }
}

#[test]
fn rule_1_other_methods_are_checked_and_methods_are_case_sensitive() {
    let g = guard();
    for method in [
        b"POST".as_slice(),
        b"PUT",
        b"PATCH",
        b"DELETE",
        b"TRACE",
        b"CONNECT",
        b"get",
        b"Get",
        b"PROPFIND",
        b"",
    ] {
        let request = CrossOriginRequest::new(method, b"/submit")
            .with_sec_fetch_site([b"cross-site".as_slice()]);
        assert_eq!(g.check(&request), Err(SecFetchSite), "{method:?}");
    }
}

#[test]
fn rule_2_bypassed_path_passes_before_header_checks() {
    let g = guard();
    let hook = CrossOriginRequest::new(b"POST", b"/hook")
        .with_origin([EVIL, b"null"])
        .with_sec_fetch_site([b"cross-site".as_slice(), b"x"]);
    assert_eq!(g.check(&hook), Ok(()));
    // Exact: no prefix, no trailing slash, no case folding, no percent-decoding.
    for path in [
        b"/hook/".as_slice(),
        b"/hook/x",
        b"/Hook",
        b"/%68ook",
        b"/hoo",
        b"hook",
        b"",
    ] {
        let request =
            CrossOriginRequest::new(b"POST", path).with_sec_fetch_site([b"cross-site".as_slice()]);
        assert_eq!(g.check(&request), Err(SecFetchSite), "{path:?}");
    }
}

#[test]
fn rule_3_the_origin_must_be_readable_before_it_is_trusted() {
    let g = guard();
    let trusted = TRUSTED.as_bytes();
    let long = [b"https://".as_slice(), &[b'a'; MAX_ORIGIN_BYTES]].concat();
    let cases: [&[&[u8]]; 4] = [
        &[trusted, trusted],
        &[trusted, SELF],
        &[b"https://\xc3\xa9.example"],
        &[&long],
    ];
    for origin in cases {
        // Even with a Sec-Fetch-Site that rule 4 would pass.
        let request = post(origin, &[b"same-origin"]);
        assert_eq!(g.check(&request), Err(MalformedHeaders), "{origin:?}");
    }
    // Exactly the limit is readable.
    let at_limit = [b"https://".as_slice(), &[b'a'; MAX_ORIGIN_BYTES - 8]].concat();
    assert_eq!(g.check(&post(&[&at_limit], &[b"same-origin"])), Ok(()));
    // An empty Origin is readable here (rule 6 refuses it).
    assert_eq!(g.check(&post(&[b""], &[b"same-origin"])), Ok(()));
}

#[test]
fn rule_3_trusted_origin_passes_before_sec_fetch_site() {
    let g = guard();
    let trusted = TRUSTED.as_bytes();
    for site in [
        &[][..],
        &[b"cross-site".as_slice()],
        &[b"same-site"],
        &[b"bogus"],
        &[b"cross-site", b"cross-site"],
    ] {
        assert_eq!(g.check(&post(&[trusted], site)), Ok(()), "{site:?}");
    }
    // Byte for byte: case, a default port or a trailing slash make another origin.
    for near in [
        b"https://SSO.example.com".as_slice(),
        b"https://sso.example.com:443",
        b"https://sso.example.com/",
        b"http://sso.example.com",
    ] {
        assert_eq!(
            g.check(&post(&[near], &[b"cross-site"])),
            Err(SecFetchSite),
            "{near:?}"
        );
    }
}

#[test]
fn rule_4_sec_fetch_site_decides_before_origin() {
    let g = guard();
    // same-origin and none pass even when the Origin names another host.
    for site in [b"same-origin".as_slice(), b"none"] {
        assert_eq!(g.check(&post(&[EVIL], &[site])), Ok(()), "{site:?}");
        assert_eq!(g.check(&post(&[b"null"], &[site])), Ok(()), "{site:?}");
        assert_eq!(g.check(&post(&[], &[site])), Ok(()), "{site:?}");
    }
    // cross-site and same-site are refused even when the Origin is this host.
    for site in [b"cross-site".as_slice(), b"same-site"] {
        assert_eq!(g.check(&post(&[SELF], &[site])), Err(SecFetchSite));
        assert_eq!(g.check(&post(&[], &[site])), Err(SecFetchSite));
    }
}

#[test]
fn rule_4_any_other_value_or_several_headers_are_refused() {
    let g = guard();
    let long = vec![b'a'; 10_000];
    for site in [
        &[b"".as_slice()][..],
        &[b"Same-Origin"],
        &[b"same-origin "],
        &[b" same-origin"],
        &[b"same-origin, none"],
        &[b"same-origin\xff"],
        &[b"cross-site\0"],
        &[b"unknown"],
        &[&long],
        &[b"same-origin", b"same-origin"],
        &[b"none", b"cross-site"],
    ] {
        assert_eq!(
            g.check(&post(&[SELF], site)),
            Err(MalformedHeaders),
            "{site:?}"
        );
    }
}

#[test]
fn rule_5_neither_header_passes() {
    let g = guard();
    assert_eq!(g.check(&post(&[], &[])), Ok(()));
    // Whatever the host: there is nothing to compare it with.
    let no_host = CrossOriginRequest::new(b"DELETE", b"/submit");
    assert_eq!(g.check(&no_host), Ok(()));
    let two_hosts = no_host.with_host([HOST, b"other.example"]);
    assert_eq!(g.check(&two_hosts), Ok(()));
}

#[test]
fn rule_6_origin_must_be_the_request_host() {
    let g = guard();
    assert_eq!(g.check(&post(&[SELF], &[])), Ok(()));
    // The scheme is not compared (Host carries none) and is read in any case.
    assert_eq!(g.check(&post(&[b"http://app.example.com"], &[])), Ok(()));
    assert_eq!(g.check(&post(&[b"HTTPS://app.example.com"], &[])), Ok(()));
    for other in [
        EVIL,
        b"https://app.example.com:8443",
        b"https://APP.example.com",
        b"https://example.com",
        b"https://sub.app.example.com",
        b"https://app.example.com.evil.example",
    ] {
        assert_eq!(
            g.check(&post(&[other], &[])),
            Err(OriginMismatch),
            "{other:?}"
        );
    }
    // The port is part of the host.
    let with_port = CrossOriginRequest::new(b"POST", b"/")
        .with_host([b"127.0.0.1:3000".as_slice()])
        .with_origin([b"http://127.0.0.1:3000".as_slice()]);
    assert_eq!(g.check(&with_port), Ok(()));
    let other_port = with_port.with_origin([b"http://127.0.0.1:3001".as_slice()]);
    assert_eq!(g.check(&other_port), Err(OriginMismatch));
    let localhost = with_port.with_origin([b"http://localhost:3000".as_slice()]);
    assert_eq!(g.check(&localhost), Err(OriginMismatch));
}

#[test]
fn rule_6_the_authority_comes_before_host() {
    let g = guard();
    let request = post(&[SELF], &[]).with_host([b"evil.example".as_slice()]);
    assert_eq!(g.check(&request), Err(OriginMismatch));
    let with_authority = request.with_authority(Some(HOST));
    assert_eq!(g.check(&with_authority), Ok(()));
    // Host is not read when there is an authority, even absent or doubled.
    let no_host = CrossOriginRequest::new(b"POST", b"/")
        .with_authority(Some(HOST))
        .with_origin([SELF]);
    assert_eq!(g.check(&no_host), Ok(()));
    assert_eq!(
        g.check(&no_host.with_host([HOST, HOST])),
        Ok(()),
        "doubled Host, authority present"
    );
    let elsewhere = no_host.with_authority(Some(b"evil.example"));
    assert_eq!(g.check(&elsewhere), Err(OriginMismatch));
}

#[test]
fn rule_6_null_unreadable_and_hostless() {
    let g = guard();
    assert_eq!(g.check(&post(&[b"null"], &[])), Err(NullOrigin));
    for bad in [
        b"".as_slice(),
        b"NULL",
        b"app.example.com",
        b"//app.example.com",
        b"https://",
        b"https:/app.example.com",
        b"ftp://app.example.com",
        b"https://app.example.com/",
        b"https://app.example.com/path",
        b"https://app.example.com?q",
        b"https://app.example.com#f",
        b"https://user@app.example.com",
        b"https://app.example.com ",
        b"https://app example.com",
        b"https://app.example.com\t",
        b"https://app.example.com\"",
    ] {
        assert_eq!(
            g.check(&post(&[bad], &[])),
            Err(MalformedHeaders),
            "{bad:?}"
        );
    }
    let no_host = CrossOriginRequest::new(b"POST", b"/").with_origin([SELF]);
    assert_eq!(g.check(&no_host), Err(NoHost));
    assert_eq!(
        g.check(&no_host.with_host([HOST, HOST])),
        Err(MalformedHeaders)
    );
    // null is refused even with no host to compare with.
    assert_eq!(
        g.check(&no_host.with_origin([b"null".as_slice()])),
        Err(NullOrigin)
    );
}

#[test]
fn trusted_origins_are_validated() {
    use CrossOriginConfigError::{
        OriginDefaultPort, OriginHost, OriginNotBare, OriginPort, OriginScheme, OriginTooLong,
    };
    let ok = [
        "https://example.com",
        "http://example.com",
        "https://example.com:8443",
        "http://localhost:8080",
        "http://127.0.0.1:3000",
        "https://[::1]:8443",
        "https://[2001:db8::1]",
        "https://xn--exmple-cua.com",
        "https://my_host.internal",
        "http://example.com:443",
        "https://example.com:80",
        "https://a:65535",
        "https://a:1",
    ];
    for origin in ok {
        assert!(
            CrossOrigin::new().with_trusted_origin(origin).is_ok(),
            "{origin}"
        );
    }
    let long = format!("https://{}", "a".repeat(MAX_ORIGIN_BYTES));
    let cases = [
        ("example.com", OriginScheme),
        ("", OriginScheme),
        ("null", OriginScheme),
        ("HTTPS://example.com", OriginScheme),
        ("ftp://example.com", OriginScheme),
        ("https:/example.com", OriginScheme),
        ("//example.com", OriginScheme),
        ("https://", OriginHost),
        ("https://Example.com", OriginHost),
        ("https://exämple.com", OriginHost),
        ("https://exa mple.com", OriginHost),
        ("https://[]", OriginHost),
        ("https://[::1", OriginHost),
        ("https://[::G]", OriginHost),
        ("https://[::A]", OriginHost),
        ("https://:8080", OriginHost),
        ("https://example.com:", OriginPort),
        ("https://example.com:0", OriginPort),
        ("https://example.com:08080", OriginPort),
        ("https://example.com:65536", OriginPort),
        ("https://example.com:999999", OriginPort),
        ("https://example.com:+80", OriginPort),
        ("https://example.com:443", OriginDefaultPort),
        ("http://example.com:80", OriginDefaultPort),
        ("https://example.com/", OriginNotBare),
        ("https://example.com/app", OriginNotBare),
        ("https://example.com?x", OriginNotBare),
        ("https://example.com#x", OriginNotBare),
        ("https://user@example.com", OriginNotBare),
        ("https://example.com:8443/", OriginNotBare),
        ("https://[::1]/", OriginNotBare),
        ("https://[::1]x", OriginHost),
        ("https://example.com:8443x", OriginHost),
        (long.as_str(), OriginTooLong),
    ];
    for (origin, expected) in cases {
        assert_eq!(
            CrossOrigin::new().with_trusted_origin(origin),
            Err(expected),
            "{origin:?}"
        );
    }
}

#[test]
fn bypass_paths_are_validated() {
    for ok in ["/", "/hook", "/a/b-c_d.e~f", "/%2F", "/sso/callback;x=1"] {
        assert!(
            CrossOrigin::new().with_insecure_bypass_path(ok).is_ok(),
            "{ok}"
        );
    }
    let long = format!("/{}", "a".repeat(MAX_BYPASS_PATH_BYTES));
    for bad in [
        "", "hook", "*", "/hook?x", "/hook#x", "/ho ok", "/hoök", "/hook\n", &long,
    ] {
        assert_eq!(
            CrossOrigin::new().with_insecure_bypass_path(bad),
            Err(CrossOriginConfigError::BypassPath),
            "{bad:?}"
        );
    }
}

#[test]
fn configuration_keeps_one_of_each_in_order() {
    let g = CrossOrigin::new()
        .with_trusted_origin("https://b.example")
        .and_then(|g| g.with_trusted_origin("https://a.example"))
        .and_then(|g| g.with_trusted_origin("https://b.example"))
        .and_then(|g| g.with_insecure_bypass_path("/x"))
        .and_then(|g| g.with_insecure_bypass_path("/x"))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(
        g.trusted_origins().collect::<Vec<_>>(),
        ["https://b.example", "https://a.example"]
    );
    assert_eq!(g.insecure_bypass_paths().collect::<Vec<_>>(), ["/x"]);
}

#[test]
fn refusals_and_errors_have_distinct_static_texts() {
    let refusals = [
        SecFetchSite,
        OriginMismatch,
        NullOrigin,
        NoHost,
        MalformedHeaders,
    ];
    for (i, a) in refusals.iter().enumerate() {
        assert_eq!(a.to_string(), a.as_str());
        for b in &refusals[i + 1..] {
            assert_ne!(a.as_str(), b.as_str());
        }
    }
    use CrossOriginConfigError::*;
    let errors = [
        OriginScheme,
        OriginHost,
        OriginPort,
        OriginDefaultPort,
        OriginNotBare,
        OriginTooLong,
        BypassPath,
    ];
    for (i, a) in errors.iter().enumerate() {
        assert_eq!(a.to_string(), a.as_str());
        for b in &errors[i + 1..] {
            assert_ne!(a.as_str(), b.as_str());
        }
    }
    assert!(
        OriginTooLong
            .as_str()
            .contains(&MAX_ORIGIN_BYTES.to_string())
    );
}

#[test]
fn a_header_iterator_is_read_at_most_twice() {
    let mut pulled = 0;
    let many = core::iter::repeat_with(|| {
        pulled += 1;
        b"x".as_slice()
    });
    let request = CrossOriginRequest::new(b"POST", b"/").with_origin(many.take(1_000_000));
    assert_eq!(request.origin, Field::Several);
    assert_eq!(pulled, 2);
}

#[cfg(feature = "http")]
#[test]
fn from_http_reads_every_value_and_the_authority() {
    let request = http::Request::post("/submit?x=1")
        .header("host", "app.example.com")
        .header("origin", "https://app.example.com")
        .header("sec-fetch-site", "same-origin")
        .header("sec-fetch-site", "cross-site")
        .body(())
        .unwrap_or_else(|e| unreachable!("{e}"));
    let read = CrossOriginRequest::from_http(&request);
    assert_eq!(read.method, b"POST");
    assert_eq!(read.path, b"/submit");
    assert_eq!(read.authority, None);
    assert_eq!(read.host, Field::One(HOST));
    assert_eq!(read.origin, Field::One(SELF));
    assert_eq!(read.sec_fetch_site, Field::Several);
    assert_eq!(guard().check_http(&request), Err(MalformedHeaders));

    let absolute = http::Request::put("https://app.example.com:8443/x")
        .body(())
        .unwrap_or_else(|e| unreachable!("{e}"));
    let read = CrossOriginRequest::from_http(&absolute);
    assert_eq!(read.authority, Some(b"app.example.com:8443".as_slice()));
    assert_eq!(read.host, Field::Absent);
    assert_eq!(read.method, b"PUT");
}
