//! One request through each framework, in process: the bare handler, our extractor and the
//! peers, with a valid session cookie and again without one. One group per framework, so
//! criterion reports them side by side; `cargo run -p sessionkit-benches --bin report` turns
//! the medians into the ratio table of BENCHMARKS.md.
//!
//! The variants are the lib's `axum_apps::VARIANTS` and `actix_apps::VARIANTS`, the same as
//! `allocations` and `instructions` count. Each variant's app is built once; each iteration
//! sends one request built outside the timed part
//! (`iter_batched`): axum through `router.clone().oneshot(request)` on a current-thread
//! tokio runtime, actix-web through `test::call_service` inside an actix `System`.
//!
//! `cargo bench -p sessionkit-benches --bench frameworks` (or `cargo xtask bench`).
#![allow(missing_docs)]

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use sessionkit_benches::{actix_apps, axum_apps};
use tower::ServiceExt as _;

fn axum(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let mut g = c.benchmark_group("axum");
    for case in axum_apps::cases(&rt) {
        case.send(&rt, case.request());
        g.bench_function(case.id, |b| {
            b.iter_batched(
                || case.request(),
                |request| rt.block_on(case.router.clone().oneshot(request)),
                BatchSize::SmallInput,
            );
        });
    }
    g.finish();
}

/// Benches one actix-web variant (the apps have different types: a visitor, not a loop).
struct ActixBench<'a, 'c> {
    system: &'a actix_web::rt::SystemRunner,
    group: BenchmarkGroup<'c, WallTime>,
}

impl actix_apps::Visit for ActixBench<'_, '_> {
    fn visit<A: actix_apps::TestApp>(&mut self, case: &actix_apps::Case<'_, A>) {
        let system = self.system;
        case.send(system, case.request());
        self.group.bench_function(case.id, |b| {
            b.iter_batched(
                || case.request(),
                |request| system.block_on(actix_web::test::call_service(case.app, request)),
                BatchSize::SmallInput,
            );
        });
    }
}

fn actix(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let mut bench = ActixBench {
        system: &system,
        group: c.benchmark_group("actix"),
    };
    actix_apps::visit_all(&system, &mut bench);
    bench.group.finish();
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
