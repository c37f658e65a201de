//! One request through each framework, in process: the bare handler, our extractor and the
//! peers, with a valid session cookie and again without one. One group per framework, so
//! criterion reports them side by side; `cargo run -p sessionkit-benches --bin report` turns
//! the medians into the ratio table of BENCHMARKS.md.
//!
//! The app is built once; each iteration sends one request built outside the timed part
//! (`iter_batched`): axum through `router.clone().oneshot(request)` on a current-thread
//! tokio runtime, actix-web through `test::call_service` inside an actix `System`.
//!
//! `cargo bench -p sessionkit-benches --bench frameworks` (or `cargo xtask bench`).
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sessionkit_benches::{Keying, actix_apps, axum_apps};
use tower::ServiceExt as _;

fn axum(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let bare = axum_apps::bare();
    let (ours, cookie) = axum_apps::ours(Keying::Sha256);
    let (ours_raw, _) = axum_apps::ours(Keying::Raw);
    let (tower_sessions, ts_cookie) = rt.block_on(axum_apps::tower_sessions());
    let (axum_login, login_cookie) = rt.block_on(axum_apps::axum_login());

    // (id, router, path, cookie, expected status)
    let cases = [
        ("bare-no-cookie", &bare, "/", None, 200),
        ("bare-cookie", &bare, "/", Some(&*cookie), 200),
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
    let mut g = c.benchmark_group("axum");
    for (id, router, path, cookie, status) in cases {
        let response = rt
            .block_on(router.clone().oneshot(axum_apps::request(path, cookie)))
            .expect("infallible");
        assert_eq!(response.status().as_u16(), status, "{id}");
        g.bench_function(id, |b| {
            b.iter_batched(
                || axum_apps::request(path, cookie),
                |request| rt.block_on(router.clone().oneshot(request)),
                BatchSize::SmallInput,
            );
        });
    }
    g.finish();
}

fn actix(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let bare = system.block_on(actix_apps::bare());
    let (ours, cookie) = system.block_on(actix_apps::ours());
    let (session, session_cookie) = system.block_on(actix_apps::actix_session());

    let mut g = c.benchmark_group("actix");
    // The apps have different types: one macro arm per app instead of a table.
    macro_rules! case {
        ($id:literal, $app:expr, $path:literal, $cookie:expr, $status:literal) => {{
            let app = &$app;
            let cookie: Option<&str> = $cookie;
            let response = system.block_on(actix_web::test::call_service(
                app,
                actix_apps::request($path, cookie),
            ));
            assert_eq!(response.status().as_u16(), $status, $id);
            g.bench_function($id, |b| {
                b.iter_batched(
                    || actix_apps::request($path, cookie),
                    |request| system.block_on(actix_web::test::call_service(app, request)),
                    BatchSize::SmallInput,
                );
            });
        }};
    }
    case!("bare-no-cookie", bare, "/", None, 200);
    case!("bare-cookie", bare, "/", Some(&*cookie), 200);
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
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(60);
    targets = axum, actix
}
criterion_main!(benches);
