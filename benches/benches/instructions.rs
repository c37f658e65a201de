//! Instructions per request, for every variant of the `frameworks` benchmark, counted by
//! `valgrind --tool=callgrind`: a figure that load on a shared machine cannot move.
//!
//! Without arguments (`cargo bench -p sessionkit-benches --bench instructions`), it runs itself
//! once per variant under
//! `valgrind --tool=callgrind --toggle-collect=*serve_requests*`, so only the requests are
//! counted (not building the app, the peers' logins or the requests), and prints a Markdown
//! table: the instructions callgrind counted inside `serve_requests` divided by the number of
//! requests. A positional argument filters the variants by substring. Without valgrind it
//! prints a notice and exits successfully.
//!
//! With two arguments, `<variant> <requests>`, it serves that many requests of one variant
//! (after a warm-up) and exits: the process valgrind runs.
//!
//! The apps and requests are those of `frameworks` and `allocations`: axum through
//! `router.clone().oneshot(request)` on a current-thread tokio runtime, actix-web through
//! `test::call_service` inside an actix `System`; responses are dropped inside the count.
#![allow(missing_docs)]

use std::path::Path;
use std::process::Command;

use sessionkit_benches::{Keying, actix_apps, axum_apps};
use tower::ServiceExt as _;

const WARM_UP: usize = 64;
const REQUESTS: usize = 1000;

/// (framework, variant): every variant `serve` knows, in table order.
const VARIANTS: [(&str, &str); 19] = [
    ("axum", "bare-no-cookie"),
    ("axum", "bare-cookie"),
    ("axum", "bare-maybe-no-cookie"),
    ("axum", "ours-cookie"),
    ("axum", "ours-rawkey-cookie"),
    ("axum", "ours-no-cookie-401"),
    ("axum", "ours-optional-no-cookie"),
    ("axum", "tower-sessions-cookie"),
    ("axum", "tower-sessions-no-cookie"),
    ("axum", "axum-login-cookie"),
    ("axum", "axum-login-no-cookie"),
    ("actix", "bare-no-cookie"),
    ("actix", "bare-cookie"),
    ("actix", "bare-maybe-no-cookie"),
    ("actix", "ours-cookie"),
    ("actix", "ours-no-cookie-401"),
    ("actix", "ours-optional-no-cookie"),
    ("actix", "actix-session-cookie"),
    ("actix", "actix-session-no-cookie"),
];

fn main() {
    // `cargo bench` passes `--bench`; everything else positional is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.as_slice() {
        [variant, requests] => {
            let requests = requests.parse().expect("a number of requests");
            let (framework, variant) = variant.split_once('/').expect("framework/variant");
            match framework {
                "axum" => axum(variant, requests),
                "actix" => actix(variant, requests),
                other => panic!("unknown framework {other}"),
            }
        }
        [filter] => drive(filter),
        _ => drive(""),
    }
}

/// Runs every variant matching `filter` under callgrind and prints the table.
fn drive(filter: &str) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("note: valgrind not found (apt-get install valgrind); no instruction counts");
        return;
    }
    let exe = std::env::current_exe().expect("the bench executable");
    let dir = std::env::temp_dir().join(format!("sessionkit-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    println!(
        "| framework | variant | instructions/request | vs bare (same Cookie header) | added over bare |"
    );
    println!("|---|---|---:|---:|---:|");
    let mut bare = [0.0_f64; 3]; // [no cookie, cookie, /maybe no cookie], per framework
    for (framework, variant) in VARIANTS {
        let id = format!("{framework}/{variant}");
        if !id.contains(filter) {
            continue;
        }
        let out = dir.join(format!("callgrind.{framework}.{variant}.out"));
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--toggle-collect=*serve_requests*")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&exe)
            .arg(&id)
            .arg(REQUESTS.to_string())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("valgrind runs");
        assert!(status.success(), "{id} under valgrind: {status}");
        #[allow(clippy::cast_precision_loss)]
        let per = total_instructions(&out) as f64 / REQUESTS as f64;
        // The bare counterpart: same Cookie header, and for the optional variant (`/maybe`)
        // the same route.
        let with_cookie = if variant.contains("maybe") || variant.contains("optional") {
            2
        } else {
            usize::from(variant.ends_with("-cookie") && !variant.contains("no-cookie"))
        };
        if variant.starts_with("bare-") {
            bare[with_cookie] = per;
        }
        let base = bare[with_cookie];
        if base > 0.0 {
            println!(
                "| {framework} | {variant} | {per:.0} | {:.2}x | {:+.0} |",
                per / base,
                per - base
            );
        } else {
            println!("| {framework} | {variant} | {per:.0} | | |");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `summary:` (or `totals:`) line of a callgrind output file: instructions collected.
fn total_instructions(out: &Path) -> u64 {
    let text = std::fs::read_to_string(out).expect("callgrind's output");
    text.lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .expect("a summary line")
}

/// The measured part: every request sent, every response dropped. Never inlined, so that
/// callgrind's `--toggle-collect` finds it by name.
#[inline(never)]
fn serve_requests<R>(requests: Vec<R>, mut send: impl FnMut(R)) {
    for request in requests {
        send(request);
    }
}

fn axum(variant: &str, requests: usize) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let (_, cookie) = axum_apps::ours(Keying::Sha256);
    let (router, path, cookie, status) = match variant {
        "bare-no-cookie" => (axum_apps::bare(), "/", None, 200),
        "bare-cookie" => (axum_apps::bare(), "/", Some(cookie), 200),
        "bare-maybe-no-cookie" => (axum_apps::bare(), "/maybe", None, 200),
        "ours-cookie" => (axum_apps::ours(Keying::Sha256).0, "/", Some(cookie), 200),
        "ours-rawkey-cookie" => (axum_apps::ours(Keying::Raw).0, "/", Some(cookie), 200),
        "ours-no-cookie-401" => (axum_apps::ours(Keying::Sha256).0, "/", None, 401),
        "ours-optional-no-cookie" => (axum_apps::ours(Keying::Sha256).0, "/maybe", None, 200),
        "tower-sessions-cookie" => {
            let (router, cookie) = rt.block_on(axum_apps::tower_sessions());
            (router, "/", Some(cookie), 200)
        }
        "tower-sessions-no-cookie" => (rt.block_on(axum_apps::tower_sessions()).0, "/", None, 200),
        "axum-login-cookie" => {
            let (router, cookie) = rt.block_on(axum_apps::axum_login());
            (router, "/", Some(cookie), 200)
        }
        "axum-login-no-cookie" => (rt.block_on(axum_apps::axum_login()).0, "/", None, 200),
        other => panic!("unknown axum variant {other}"),
    };
    let send = |request: http::Request<axum::body::Body>| {
        let response = rt
            .block_on(router.clone().oneshot(request))
            .expect("infallible");
        assert_eq!(response.status().as_u16(), status, "axum/{variant}");
    };
    let build = |n: usize| -> Vec<_> {
        (0..n)
            .map(|_| axum_apps::request(path, cookie.as_deref()))
            .collect()
    };
    build(WARM_UP).into_iter().for_each(send);
    serve_requests(build(requests), send);
}

fn actix(variant: &str, requests: usize) {
    let system = actix_web::rt::System::new();
    macro_rules! serve {
        ($app:expr, $path:literal, $cookie:expr, $status:literal) => {{
            let app = &$app;
            let cookie: Option<&str> = $cookie;
            let send = |request: actix_http::Request| {
                let response = system.block_on(actix_web::test::call_service(app, request));
                assert_eq!(response.status().as_u16(), $status, "actix/{variant}");
            };
            let build = |n: usize| -> Vec<_> {
                (0..n).map(|_| actix_apps::request($path, cookie)).collect()
            };
            build(WARM_UP).into_iter().for_each(send);
            serve_requests(build(requests), send);
        }};
    }
    match variant {
        "bare-no-cookie" => serve!(system.block_on(actix_apps::bare()), "/", None, 200),
        "bare-cookie" => {
            let (_, cookie) = system.block_on(actix_apps::ours());
            serve!(
                system.block_on(actix_apps::bare()),
                "/",
                Some(&*cookie),
                200
            );
        }
        "bare-maybe-no-cookie" => {
            serve!(system.block_on(actix_apps::bare()), "/maybe", None, 200);
        }
        "ours-cookie" => {
            let (app, cookie) = system.block_on(actix_apps::ours());
            serve!(app, "/", Some(&*cookie), 200);
        }
        "ours-no-cookie-401" => serve!(system.block_on(actix_apps::ours()).0, "/", None, 401),
        "ours-optional-no-cookie" => {
            serve!(system.block_on(actix_apps::ours()).0, "/maybe", None, 200);
        }
        "actix-session-cookie" => {
            let (app, cookie) = system.block_on(actix_apps::actix_session());
            serve!(app, "/", Some(&*cookie), 200);
        }
        "actix-session-no-cookie" => {
            serve!(
                system.block_on(actix_apps::actix_session()).0,
                "/",
                None,
                200
            );
        }
        other => panic!("unknown actix variant {other}"),
    }
}
