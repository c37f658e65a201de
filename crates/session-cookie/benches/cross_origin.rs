//! `CrossOrigin::check`'s cost per request, on the headers a browser really sends with a
//! form post (17 headers, ~1.3 KiB), and tower-http 0.7's `CsrfLayer` on the same requests.
//!
//! * `check (bytes)`: the rules alone, on a `CrossOriginRequest` built beforehand.
//! * `check_http`: what the axum guard does per request: read the method, the URI and the
//!   `Host`, `Origin` and `Sec-Fetch-Site` headers of an `http` 1.x request, then the rules.
//! * `tower-http Csrf::call`: its service with an inner service that answers at once; the
//!   request is cloned outside the timing (`iter_batched`), the response built and the
//!   request dropped inside. `baseline: drop the request` times the drop alone, to subtract.
//!
//! Requests: a current browser on the site (`Sec-Fetch-Site: same-origin`: rule 4), an
//! older browser on the site (no `Sec-Fetch-Site`, `Origin` equal to `Host`: rule 6, the
//! longest path through the rules) and a cross-site form (refused at rule 4).
//!
//! `cargo bench -p session-cookie --bench cross_origin` (or `cargo xtask bench`).
#![allow(missing_docs, clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::{Request, Response};
use session_cookie::{CrossOrigin, CrossOriginRequest};
use tower_http::csrf::CsrfLayer;
use tower_layer::Layer;
use tower_service::Service;

/// A Chrome form post to `/login`, with the browser's own headers; `site` and `origin`
/// vary.
fn browser_post(site: Option<&str>, origin: &str) -> Request<()> {
    let mut builder = Request::post("/login")
        .header("host", "app.example.com")
        .header("connection", "keep-alive")
        .header("content-length", "33")
        .header("cache-control", "max-age=0")
        .header(
            "sec-ch-ua",
            "\"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
        )
        .header("sec-ch-ua-mobile", "?0")
        .header("sec-ch-ua-platform", "\"Linux\"")
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("upgrade-insecure-requests", "1")
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/131.0.0.0 Safari/537.36",
        )
        .header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,\
             image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
        )
        .header("referer", "https://app.example.com/login")
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .header("accept-language", "en-GB,en-US;q=0.9,en;q=0.8")
        .header(
            "cookie",
            "_ga=GA1.1.1827394561.1716212345; theme=dark; \
             __Host-id=MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXY",
        );
    if let Some(site) = site {
        builder = builder
            .header("sec-fetch-site", site)
            .header("sec-fetch-mode", "navigate")
            .header("sec-fetch-user", "?1")
            .header("sec-fetch-dest", "document");
    }
    builder.body(()).unwrap()
}

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

fn call_now<S: Service<Request<()>, Response = Response<()>>>(
    service: &mut S,
    request: Request<()>,
) -> bool {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response.status().is_success(),
        _ => unreachable!("the inner service answers at once"),
    }
}

fn cross_origin(c: &mut Criterion) {
    let guard = CrossOrigin::new();
    let mut tower = CsrfLayer::new().layer(Answer);
    let cases = [
        (
            "same-origin",
            browser_post(Some("same-origin"), "https://app.example.com"),
        ),
        ("old-browser", browser_post(None, "https://app.example.com")),
        (
            "cross-site",
            browser_post(Some("cross-site"), "https://evil.example"),
        ),
    ];
    for (label, request) in &cases {
        assert_eq!(
            guard.check_http(request).is_ok(),
            call_now(&mut tower, request.clone()),
            "{label}"
        );
        let mut g = c.benchmark_group(format!("cross-origin-{label}"));
        let read = CrossOriginRequest::from_http(request);
        g.bench_function("session_cookie::check (bytes)", |b| {
            b.iter(|| guard.check(black_box(&read)));
        });
        g.bench_function("session_cookie::check_http", |b| {
            b.iter(|| guard.check_http(black_box(request)));
        });
        g.bench_function("tower-http Csrf::call", |b| {
            b.iter_batched(
                || request.clone(),
                |request| call_now(&mut tower, request),
                BatchSize::SmallInput,
            );
        });
        // What `Csrf::call` pays that is not its check: the request it owns is dropped.
        g.bench_function("baseline: drop the request", |b| {
            b.iter_batched(|| request.clone(), drop, BatchSize::SmallInput);
        });
        g.finish();
    }
}

criterion_group!(benches, cross_origin);
criterion_main!(benches);
