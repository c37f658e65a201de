//! `CrossOrigin::check` (and `check_http`, and `with_trusted_origin`) on arbitrary methods,
//! paths, request targets and `Host`, `Origin` and `Sec-Fetch-Site` headers: never panics,
//! and gives exactly the decision (pass, or the same refusal) of `reference` below, a plain
//! reading of the documented rules written with `str` and slice patterns.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use session_cookie::CrossOriginRefusal::{
    MalformedHeaders, NoHost, NullOrigin, OriginMismatch, SecFetchSite,
};
use session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};

const TRUSTED: &str = "https://sso.example.com";
const BYPASS: &str = "/hook";

/// Values that reach every rule, beside arbitrary bytes.
const DICTIONARY: &[&[u8]] = &[
    b"",
    b"null",
    b"app.example.com",
    b"app.example.com:8443",
    b"https://app.example.com",
    b"http://app.example.com",
    b"HTTPS://app.example.com",
    b"https://app.example.com:8443",
    b"https://app.example.com/",
    b"https://evil.example",
    b"https://sso.example.com",
    b"same-origin",
    b"none",
    b"same-site",
    b"cross-site",
];

struct Case<'a> {
    method: &'a [u8],
    path: &'a [u8],
    authority: Option<&'a [u8]>,
    host: Vec<&'a [u8]>,
    origin: Vec<&'a [u8]>,
    site: Vec<&'a [u8]>,
}

fn value<'a>(u: &mut Unstructured<'a>) -> Result<&'a [u8]> {
    if u.ratio(1, 2)? {
        Ok(DICTIONARY[u.choose_index(DICTIONARY.len())?])
    } else {
        let len = u.arbitrary_len::<u8>()?;
        u.bytes(len)
    }
}

fn values<'a>(u: &mut Unstructured<'a>) -> Result<Vec<&'a [u8]>> {
    let count = u.int_in_range(0..=3u8)?;
    (0..count).map(|_| value(u)).collect()
}

fn case<'a>(u: &mut Unstructured<'a>) -> Result<Case<'a>> {
    let method: &[u8] = match u.int_in_range(0..=7u8)? {
        0 => b"GET",
        1 => b"HEAD",
        2 => b"OPTIONS",
        3 | 4 => b"POST",
        5 => b"DELETE",
        6 => b"get",
        _ => value(u)?,
    };
    let path = if u.ratio(1, 4)? {
        BYPASS.as_bytes()
    } else {
        value(u)?
    };
    let authority = if u.ratio(1, 4)? { Some(value(u)?) } else { None };
    Ok(Case {
        method,
        path,
        authority,
        host: values(u)?,
        origin: values(u)?,
        site: values(u)?,
    })
}

/// The rules of `CrossOrigin`'s documentation, read plainly.
fn reference(case: &Case<'_>) -> core::result::Result<(), CrossOriginRefusal> {
    if ["GET", "HEAD", "OPTIONS"].iter().any(|m| m.as_bytes() == case.method) {
        return Ok(());
    }
    if case.path == BYPASS.as_bytes() {
        return Ok(());
    }
    let origin: Option<&str> = match case.origin.as_slice() {
        [] => None,
        [one] => match std::str::from_utf8(one) {
            Ok(text) if text.is_ascii() && text.len() <= 512 => Some(text),
            _ => return Err(MalformedHeaders),
        },
        _ => return Err(MalformedHeaders),
    };
    if origin == Some(TRUSTED) {
        return Ok(());
    }
    match case.site.as_slice() {
        [] => {}
        [b"same-origin"] | [b"none"] => return Ok(()),
        [b"cross-site"] | [b"same-site"] => return Err(SecFetchSite),
        _ => return Err(MalformedHeaders),
    }
    let Some(origin) = origin else {
        return Ok(());
    };
    if origin == "null" {
        return Err(NullOrigin);
    }
    let lower = origin.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &origin["https://".len()..]
    } else if lower.starts_with("http://") {
        &origin["http://".len()..]
    } else {
        return Err(MalformedHeaders);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:[]".contains(c);
    if rest.is_empty() || !rest.chars().all(allowed) {
        return Err(MalformedHeaders);
    }
    let host: &[u8] = match (case.authority, case.host.as_slice()) {
        (Some(authority), _) => authority,
        (None, [one]) => one,
        (None, []) => return Err(NoHost),
        (None, _) => return Err(MalformedHeaders),
    };
    if rest.as_bytes() == host {
        Ok(())
    } else {
        Err(OriginMismatch)
    }
}

/// The same request as `http` 1.x, when its parts are valid there.
fn http_request(case: &Case<'_>) -> Option<http::Request<()>> {
    let method = http::Method::from_bytes(case.method).ok()?;
    let path = std::str::from_utf8(case.path).ok()?;
    let target = match case.authority {
        Some(authority) => format!("https://{}{path}", std::str::from_utf8(authority).ok()?),
        None => path.to_owned(),
    };
    let uri: http::Uri = target.parse().ok()?;
    // The URI must keep the bytes given: same path, same authority.
    if uri.path().as_bytes() != case.path
        || uri.authority().map(|a| a.as_str().as_bytes()) != case.authority
    {
        return None;
    }
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, list) in [
        ("host", &case.host),
        ("origin", &case.origin),
        ("sec-fetch-site", &case.site),
    ] {
        for value in list {
            request = request.header(name, http::HeaderValue::from_bytes(value).ok()?);
        }
    }
    request.body(()).ok()
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(case) = case(&mut u) else { return };
    let guard = CrossOrigin::new()
        .with_trusted_origin(TRUSTED)
        .and_then(|g| g.with_insecure_bypass_path(BYPASS))
        .expect("a valid configuration");

    let request = CrossOriginRequest::new(case.method, case.path)
        .with_authority(case.authority)
        .with_host(case.host.iter().copied())
        .with_origin(case.origin.iter().copied())
        .with_sec_fetch_site(case.site.iter().copied());
    let decided = guard.check(&request);
    assert_eq!(decided, reference(&case));
    if let Some(http) = http_request(&case) {
        assert_eq!(guard.check_http(&http), decided);
    }

    // Any trusted origin that is accepted is one a browser can send, and it is trusted.
    if let Ok(candidate) = std::str::from_utf8(u.take_rest())
        && let Ok(trusting) = CrossOrigin::new().with_trusted_origin(candidate)
    {
        assert!(candidate.is_ascii() && candidate.len() <= 512);
        assert!(candidate.starts_with("https://") || candidate.starts_with("http://"));
        let cross_site = CrossOriginRequest::new(b"POST", b"/")
            .with_origin([candidate.as_bytes()])
            .with_sec_fetch_site([b"cross-site".as_slice()]);
        assert_eq!(trusting.check(&cross_site), Ok(()));
    }
});
