//! Heap allocations per request, for every variant of the `frameworks` benchmark.
//!
//! The counter is `allocation-counter`'s global allocator (a safe wrapper of `System` that
//! counts per thread), linked into this binary only, so the timed benchmarks run on the plain
//! system allocator. Each variant serves a few warm-up requests, then `REQUESTS` requests
//! (built beforehand) are counted, responses dropped inside the count; the table gives the
//! mean per request. Prints a Markdown table.
//!
//! `cargo bench -p sessionkit-benches --bench allocations` (or `cargo xtask bench`).
#![allow(missing_docs)]

use allocation_counter::AllocationInfo;
use sessionkit_benches::{Keying, actix_apps, axum_apps};
use tower::ServiceExt as _;

const WARM_UP: u64 = 16;
const REQUESTS: u64 = 256;

fn main() {
    println!("| framework | variant | allocations/request | bytes allocated/request |");
    println!("|---|---|---:|---:|");
    axum();
    actix();
}

fn row(framework: &str, id: &str, info: &AllocationInfo) {
    #[allow(clippy::cast_precision_loss)]
    let per = |n: u64| n as f64 / REQUESTS as f64;
    println!(
        "| {framework} | {id} | {:.1} | {:.0} |",
        per(info.count_total),
        per(info.bytes_total)
    );
}

fn axum() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let bare = axum_apps::bare();
    let (ours, cookie) = axum_apps::ours(Keying::Sha256);
    let (ours_raw, _) = axum_apps::ours(Keying::Raw);
    let (tower_sessions, ts_cookie) = rt.block_on(axum_apps::tower_sessions());
    let (axum_login, login_cookie) = rt.block_on(axum_apps::axum_login());
    let cases = [
        ("bare-no-cookie", &bare, "/", None, 200),
        ("bare-cookie", &bare, "/", Some(&*cookie), 200),
        ("bare-maybe-no-cookie", &bare, "/maybe", None, 200),
        ("ours-cookie", &ours, "/", Some(&*cookie), 200),
        ("ours-rawkey-cookie", &ours_raw, "/", Some(&*cookie), 200),
        ("ours-no-cookie-401", &ours, "/", None, 401),
        ("ours-optional-no-cookie", &ours, "/maybe", None, 200),
        (
            "tower-sessions-cookie",
            &tower_sessions,
            "/",
            Some(&*ts_cookie),
            200,
        ),
        ("tower-sessions-no-cookie", &tower_sessions, "/", None, 200),
        (
            "axum-login-cookie",
            &axum_login,
            "/",
            Some(&*login_cookie),
            200,
        ),
        ("axum-login-no-cookie", &axum_login, "/", None, 200),
    ];
    for (id, router, path, cookie, status) in cases {
        let send = |request: http::Request<axum::body::Body>| {
            let response = rt
                .block_on(router.clone().oneshot(request))
                .expect("infallible");
            assert_eq!(response.status().as_u16(), status, "{id}");
        };
        for _ in 0..WARM_UP {
            send(axum_apps::request(path, cookie));
        }
        let requests: Vec<_> = (0..REQUESTS)
            .map(|_| axum_apps::request(path, cookie))
            .collect();
        let info = allocation_counter::measure(|| requests.into_iter().for_each(send));
        row("axum", id, &info);
    }
}

fn actix() {
    let system = actix_web::rt::System::new();
    let bare = system.block_on(actix_apps::bare());
    let (ours, cookie) = system.block_on(actix_apps::ours());
    let (session, session_cookie) = system.block_on(actix_apps::actix_session());
    macro_rules! case {
        ($id:literal, $app:expr, $path:literal, $cookie:expr, $status:literal) => {{
            let app = &$app;
            let cookie: Option<&str> = $cookie;
            let send = |request: actix_http::Request| {
                let response = system.block_on(actix_web::test::call_service(app, request));
                assert_eq!(response.status().as_u16(), $status, $id);
            };
            for _ in 0..WARM_UP {
                send(actix_apps::request($path, cookie));
            }
            let requests: Vec<_> = (0..REQUESTS)
                .map(|_| actix_apps::request($path, cookie))
                .collect();
            let info = allocation_counter::measure(|| requests.into_iter().for_each(send));
            row("actix-web", $id, &info);
        }};
    }
    case!("bare-no-cookie", bare, "/", None, 200);
    case!("bare-cookie", bare, "/", Some(&*cookie), 200);
    case!("bare-maybe-no-cookie", bare, "/maybe", None, 200);
    case!("ours-cookie", ours, "/", Some(&*cookie), 200);
    case!("ours-no-cookie-401", ours, "/", None, 401);
    case!("ours-optional-no-cookie", ours, "/maybe", None, 200);
    case!(
        "actix-session-cookie",
        session,
        "/",
        Some(&*session_cookie),
        200
    );
    case!("actix-session-no-cookie", session, "/", None, 200);
}
