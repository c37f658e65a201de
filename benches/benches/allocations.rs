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
use sessionkit_benches::{actix_apps, axum_apps};

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
    for case in axum_apps::cases(&rt) {
        let send = |request| case.send(&rt, request);
        for _ in 0..WARM_UP {
            send(case.request());
        }
        let requests: Vec<_> = (0..REQUESTS).map(|_| case.request()).collect();
        let info = allocation_counter::measure(|| requests.into_iter().for_each(send));
        row("axum", case.id, &info);
    }
}

/// Counts one actix-web variant (the apps have different types: a visitor, not a loop).
struct ActixCount<'a>(&'a actix_web::rt::SystemRunner);

impl actix_apps::Visit for ActixCount<'_> {
    fn visit<A: actix_apps::TestApp>(&mut self, case: &actix_apps::Case<'_, A>) {
        let send = |request| case.send(self.0, request);
        for _ in 0..WARM_UP {
            send(case.request());
        }
        let requests: Vec<_> = (0..REQUESTS).map(|_| case.request()).collect();
        let info = allocation_counter::measure(|| requests.into_iter().for_each(send));
        row("actix-web", case.id, &info);
    }
}

fn actix() {
    let system = actix_web::rt::System::new();
    actix_apps::visit_all(&system, &mut ActixCount(&system));
}
