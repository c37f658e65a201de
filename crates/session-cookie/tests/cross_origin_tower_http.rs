//! Differential test: `CrossOrigin::check` against tower-http 0.7's `CsrfLayer` (Go 1.25's
//! `CrossOriginProtection`, ported), on every combination of a generated corpus of methods,
//! paths, request targets and `Host`, `Origin` and `Sec-Fetch-Site` headers.
//!
//! Both are configured alike: one trusted origin, one bypassed path. For each request the
//! decision (pass or refuse) must be the same, or the difference must be one of the
//! documented [`Difference`]s. A difference is *explained*, not merely tolerated: each
//! `Difference` is a rewrite of the request into what tower-http actually reads (its first
//! `Origin`, an empty header taken as absent, ...), and our check on the rewritten request
//! must give tower-http's decision on the original one. Every difference found is also one
//! where we refuse and tower-http passes: the check is never more permissive.
//!
//! `cargo test -p session-cookie --test cross_origin_tower_http -- --nocapture` prints the
//! tally.
#![cfg(feature = "http")]

use core::convert::Infallible;
use core::future::{Future, Ready, ready};
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::collections::BTreeMap;

use http::{HeaderValue, Method, Request, Response, StatusCode, Uri};
use session_cookie::{CrossOrigin, CrossOriginRequest, MAX_ORIGIN_BYTES};
use tower_http::csrf::CsrfLayer;
use tower_layer::Layer;
use tower_service::Service;

const TRUSTED: &str = "https://sso.example.com";
const BYPASS: &str = "/hook";

/// Why our decision may differ from tower-http's, each with the rewrite that turns a request
/// into what tower-http reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Difference {
    /// Several `Origin`, `Sec-Fetch-Site` or `Host` headers. tower-http reads the first
    /// (`HeaderMap::get`), so a request it would refuse can pass by putting an acceptable
    /// value first. No browser sends several; we refuse the ambiguous request
    /// (`MalformedHeaders`). Rewrite: keep the first value.
    SeveralHeaders,
    /// An empty `Sec-Fetch-Site` or `Origin`. tower-http, like Go (whose `Header.Get` cannot
    /// tell an empty header from a missing one), takes it as absent. No browser sends
    /// either empty; we refuse (`MalformedHeaders`: an empty `Sec-Fetch-Site` is none of the
    /// four values browsers send, an empty `Origin` is not an origin). Rewrite: drop it.
    EmptyHeader,
    /// An `Origin` longer than `MAX_ORIGIN_BYTES`. tower-http has no limit; a browser's
    /// origin is at most 267 bytes, and we refuse a longer one before reading it. Rewrite:
    /// the same origin under a short name (`long.example`, in `Host` too).
    OversizedOrigin,
    /// A non-ASCII `Origin`. tower-http reads it only when its rules get to the `Origin`,
    /// and then cannot parse it; so `Sec-Fetch-Site: same-origin` still passes. Browsers
    /// send origins in ASCII (IDN hosts in punycode); we refuse an unreadable `Origin`
    /// before any rule uses it. Rewrite: an ASCII origin neither side can parse.
    NonAsciiOrigin,
    /// An `Origin` with more than `scheme://host[:port]` (a trailing `/`, a path, a query).
    /// tower-http parses it as a URI and compares its authority with the host; a browser's
    /// `Origin` is a serialized origin, never with a path, and we refuse anything else
    /// (`MalformedHeaders`). Rewrite: the URI's `scheme://authority`.
    OriginNotBare,
}

/// One request of the corpus.
#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    path: &'static str,
    authority: Option<&'static str>,
    host: Vec<Vec<u8>>,
    origin: Vec<Vec<u8>>,
    site: Vec<Vec<u8>>,
}

fn long_name() -> String {
    format!("{}.example", "a".repeat(MAX_ORIGIN_BYTES))
}

fn values(list: &[&[u8]]) -> Vec<Vec<u8>> {
    list.iter().map(|v| v.to_vec()).collect()
}

fn corpus() -> Vec<Case> {
    let long = long_name();
    let long_origin = format!("https://{long}");
    let methods = [
        "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "get", "PROPFIND",
    ];
    let paths = ["/submit", BYPASS];
    let authorities = [None, Some("app.example.com"), Some("evil.example")];
    let hosts: Vec<Vec<Vec<u8>>> = vec![
        values(&[]),
        values(&[b"app.example.com"]),
        values(&[b"app.example.com:8443"]),
        values(&[b"evil.example"]),
        values(&[b"app.example.com", b"evil.example"]),
        values(&[b"evil.example", b"app.example.com"]),
        values(&[long.as_bytes()]),
    ];
    let origins: Vec<Vec<Vec<u8>>> = vec![
        values(&[]),
        values(&[b""]),
        values(&[b"null"]),
        values(&[b"https://app.example.com"]),
        values(&[b"http://app.example.com"]),
        values(&[b"HTTPS://app.example.com"]),
        values(&[b"https://APP.example.com"]),
        values(&[b"https://app.example.com:8443"]),
        values(&[b"https://evil.example"]),
        values(&[TRUSTED.as_bytes()]),
        values(&[b"https://SSO.example.com"]),
        values(&[b"https://sso.example.com:443"]),
        values(&[b"https://app.example.com/"]),
        values(&[b"https://app.example.com/path?x=1"]),
        values(&[b"https://user@app.example.com"]),
        values(&[b"ftp://app.example.com"]),
        values(&[b"app.example.com"]),
        values(&[b"https://\xc3\xa9.example"]),
        values(&[long_origin.as_bytes()]),
        values(&[b"https://app.example.com", b"https://app.example.com"]),
        values(&[TRUSTED.as_bytes(), b"https://evil.example"]),
        values(&[b"https://evil.example", TRUSTED.as_bytes()]),
    ];
    let sites: Vec<Vec<Vec<u8>>> = vec![
        values(&[]),
        values(&[b""]),
        values(&[b"same-origin"]),
        values(&[b"none"]),
        values(&[b"same-site"]),
        values(&[b"cross-site"]),
        values(&[b"Same-Origin"]),
        values(&[b"bogus"]),
        values(&[b"same-origin", b"cross-site"]),
        values(&[b"cross-site", b"same-origin"]),
    ];
    let mut cases = Vec::new();
    for method in methods {
        for path in paths {
            for authority in authorities {
                for host in &hosts {
                    for origin in &origins {
                        for site in &sites {
                            cases.push(Case {
                                method,
                                path,
                                authority,
                                host: host.clone(),
                                origin: origin.clone(),
                                site: site.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
    cases
}

fn request(case: &Case) -> Request<()> {
    let uri = match case.authority {
        Some(authority) => format!("https://{authority}{}", case.path),
        None => case.path.to_owned(),
    };
    let mut builder = Request::builder()
        .method(Method::from_bytes(case.method.as_bytes()).expect("a valid method"))
        .uri(uri);
    for (name, list) in [
        ("host", &case.host),
        ("origin", &case.origin),
        ("sec-fetch-site", &case.site),
    ] {
        for value in list {
            builder = builder.header(name, HeaderValue::from_bytes(value).expect("a valid value"));
        }
    }
    builder.body(()).expect("a valid request")
}

/// tower-http reads `case` as `rewrite(case)` for the differences that apply; returns the
/// rewritten case and the differences that changed it.
fn as_tower_reads(case: &Case) -> (Case, Vec<Difference>) {
    let mut read = case.clone();
    let mut applied = Vec::new();
    let mut apply = |difference, changed: bool| {
        if changed {
            applied.push(difference);
        }
    };

    let several = [&mut read.host, &mut read.origin, &mut read.site]
        .into_iter()
        .fold(false, |changed, list| {
            let several = list.len() > 1;
            list.truncate(1);
            changed | several
        });
    apply(Difference::SeveralHeaders, several);

    let empty = [&mut read.origin, &mut read.site]
        .into_iter()
        .fold(false, |changed, list| {
            let empty = list.first().is_some_and(Vec::is_empty);
            list.retain(|v| !v.is_empty());
            changed | empty
        });
    apply(Difference::EmptyHeader, empty);

    let long = long_name();
    let long_origin = format!("https://{long}");
    let oversized = read
        .origin
        .first()
        .is_some_and(|o| o.len() > MAX_ORIGIN_BYTES);
    if oversized {
        assert_eq!(
            read.origin[0],
            long_origin.as_bytes(),
            "the corpus's one long origin"
        );
        read.origin[0] = b"https://long.example".to_vec();
        for host in &mut read.host {
            if *host == long.as_bytes() {
                *host = b"long.example".to_vec();
            }
        }
    }
    apply(Difference::OversizedOrigin, oversized);

    let non_ascii = read.origin.first().is_some_and(|o| !o.is_ascii());
    if non_ascii {
        read.origin[0] = b"https://not ascii.example".to_vec();
    }
    apply(Difference::NonAsciiOrigin, non_ascii);

    let mut not_bare = false;
    if let Some(origin) = read.origin.first_mut() {
        if let Ok(uri) = Uri::try_from(origin.as_slice()) {
            if let (Some(scheme @ ("http" | "https")), Some(authority)) =
                (uri.scheme_str(), uri.authority())
            {
                let bare_len = scheme.len() + "://".len() + authority.as_str().len();
                if origin.len() > bare_len {
                    let bare = format!("{scheme}://{authority}");
                    // tower-http matches trusted origins on the raw bytes: a not-bare form of
                    // a trusted origin is untrusted there too, so it must stay so here.
                    assert_ne!(bare, TRUSTED, "the corpus has no not-bare trusted origin");
                    *origin = bare.into_bytes();
                    not_bare = true;
                }
            }
        }
    }
    apply(Difference::OriginNotBare, not_bare);

    (read, applied)
}

/// The inner service: 200 for whatever reaches it.
#[derive(Clone)]
struct Answer;

impl Service<Request<()>> for Answer {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(Ok(Response::new(())))
    }
}

fn tower_allows<S>(service: &mut S, request: Request<()>) -> bool
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
{
    let mut cx = Context::from_waker(Waker::noop());
    assert!(service.poll_ready(&mut cx).is_ready());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) if response.status() == StatusCode::OK => true,
        Poll::Ready(Ok(response)) if response.status() == StatusCode::FORBIDDEN => false,
        other => panic!("tower-http answered {other:?}"),
    }
}

#[test]
fn agrees_with_tower_http_csrf_or_differs_as_documented() {
    let ours = CrossOrigin::new()
        .with_trusted_origin(TRUSTED)
        .and_then(|g| g.with_insecure_bypass_path(BYPASS))
        .expect("a valid configuration");
    let mut theirs = CsrfLayer::new()
        .add_trusted_origin(TRUSTED)
        .expect("a valid trusted origin")
        .with_insecure_bypass(|_, uri| uri.path() == BYPASS)
        .layer(Answer);

    let cases = corpus();
    let mut agreements = 0_usize;
    let mut differences: BTreeMap<Vec<Difference>, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for case in &cases {
        let tower = tower_allows(&mut theirs, request(case));
        let ours_original = ours.check_http(&request(case));
        // check_http looks headers up lazily; from_http reads them all first: one decision.
        let built = request(case);
        assert_eq!(
            ours.check(&CrossOriginRequest::from_http(&built)),
            ours_original,
            "{case:?}"
        );
        let (read, applied) = as_tower_reads(case);
        let ours_as_tower_reads = ours.check_http(&request(&read));
        // The rewrites explain tower-http on every request, not only where we differ.
        if ours_as_tower_reads.is_ok() != tower {
            unexplained.push(format!(
                "{case:?}: read as {read:?} ({applied:?}) gives {ours_as_tower_reads:?}, \
                 tower-http passes: {tower}"
            ));
        } else if ours_original.is_ok() == tower {
            agreements += 1;
        } else if tower {
            // We refuse, tower-http passes: stricter, for the reasons in `applied`.
            *differences.entry(applied).or_default() += 1;
        } else {
            unexplained.push(format!(
                "{case:?}: ours passes ({ours_original:?}), tower-http refuses"
            ));
        }
    }

    eprintln!(
        "{} requests: {agreements} same decision, {} different",
        cases.len(),
        cases.len() - agreements
    );
    for (applied, count) in &differences {
        eprintln!("  {count:>6}  {applied:?}");
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    // Every documented difference occurs, alone, somewhere in the corpus: none is stale.
    for difference in [
        Difference::SeveralHeaders,
        Difference::EmptyHeader,
        Difference::OversizedOrigin,
        Difference::NonAsciiOrigin,
        Difference::OriginNotBare,
    ] {
        assert!(
            differences.contains_key(&vec![difference]),
            "{difference:?} never makes a difference on its own"
        );
    }
    assert_eq!(
        agreements + differences.values().sum::<usize>(),
        cases.len()
    );
}
