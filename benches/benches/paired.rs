//! Time per request as a **paired, interleaved** comparison with the bare handler: the
//! in-process ratio figure that a shared, drifting machine cannot skew.
//!
//! `frameworks` (criterion) measures each variant in its own few seconds, one after the
//! other; on a virtual machine whose speed drifts by 10-50% over minutes, two medians taken a
//! minute apart differ by more than the effects the ratio goals ask about. Here both apps of
//! a pair are built up front and measured in alternation: each round times a batch of
//! requests to the bare app and a batch to the variant (the order flips every round), and
//! the figure is the **median of the per-round ratios**, so a drift slower than one round
//! (a few milliseconds) cancels out.
//!
//! `cargo bench -p sessionkit-benches --bench paired [filter]` (a filter that is not a number)
//! prints a Markdown table:
//! median ns/request of each side, the median ratio and its interquartile range. Every
//! variant is paired with the bare handler that gets the same `Cookie` header on the same
//! route, as in the other benches. Requests are built before each batch is timed; responses
//! are dropped inside it.
#![allow(missing_docs)]

use std::time::Instant;

use sessionkit_benches::{actix_apps, axum_apps};

const ROUNDS: usize = 201;
const BATCH: usize = 500;
const WARM_UP: usize = 2000;

fn main() {
    // `cargo bench` passes `--bench`, `cargo xtask bench --quick` criterion's options and
    // their (numeric) values; a lone other argument filters the variants.
    let positional: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--") && a.parse::<f64>().is_err())
        .collect();
    let filter = match positional.as_slice() {
        [filter] => filter.clone(),
        _ => String::new(),
    };
    println!(
        "| framework | variant | bare (same Cookie header, same route) | variant | ratio (median of {ROUNDS} rounds) | ratio IQR |"
    );
    println!("|---|---|---:|---:|---:|---|");
    axum(&filter);
    actix(&filter);
}

/// ns/request of one side, for every round.
#[derive(Default)]
struct Rounds {
    bare: Vec<f64>,
    variant: Vec<f64>,
}

impl Rounds {
    /// Runs the rounds: `time(true, n)` times `n` requests to the bare app, `time(false, n)`
    /// to the variant; each returns ns/request.
    fn run(mut time: impl FnMut(bool, usize) -> f64) -> Self {
        time(true, WARM_UP);
        time(false, WARM_UP);
        let mut rounds = Self::default();
        for round in 0..ROUNDS {
            let bare_first = round % 2 == 0;
            let first = time(bare_first, BATCH);
            let second = time(!bare_first, BATCH);
            let (bare, variant) = if bare_first {
                (first, second)
            } else {
                (second, first)
            };
            rounds.bare.push(bare);
            rounds.variant.push(variant);
        }
        rounds
    }

    fn print(&self, framework: &str, variant: &str) {
        let mut ratios: Vec<f64> = self
            .bare
            .iter()
            .zip(&self.variant)
            .map(|(b, v)| v / b)
            .collect();
        let (q1, median, q3) = quartiles(&mut ratios);
        let bare = quartiles(&mut self.bare.clone()).1;
        let ours = quartiles(&mut self.variant.clone()).1;
        println!(
            "| {framework} | {variant} | {bare:.0} ns | {ours:.0} ns | {median:.3}x | {q1:.3}-{q3:.3} |"
        );
    }
}

fn quartiles(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: usize| values[(values.len() - 1) * q / 4];
    (at(1), at(2), at(3))
}

#[allow(clippy::cast_precision_loss)]
fn per_request(started: Instant, n: usize) -> f64 {
    started.elapsed().as_nanos() as f64 / n as f64
}

fn axum(filter: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    for variant in &axum_apps::VARIANTS {
        let id = format!("axum/{}", variant.id);
        if variant.id.starts_with("bare-") || !id.contains(filter) {
            continue;
        }
        let bare = axum_apps::case(
            &rt,
            axum_apps::bare_for(variant.id).expect("a bare counterpart"),
        );
        let case = variant.build(&rt);
        let rounds = Rounds::run(|use_bare, n| {
            let side = if use_bare { &bare } else { &case };
            let requests: Vec<_> = (0..n).map(|_| side.request()).collect();
            let started = Instant::now();
            for request in requests {
                side.send(&rt, request);
            }
            per_request(started, n)
        });
        rounds.print("axum", variant.id);
    }
}

fn actix(filter: &str) {
    let system = actix_web::rt::System::new();
    for variant in &actix_apps::VARIANTS {
        let id = format!("actix/{}", variant.id);
        if variant.id.starts_with("bare-") || !id.contains(filter) {
            continue;
        }
        // The apps have different types: visit the bare app, and inside it the variant, so
        // both are alive for the rounds.
        let mut outer = Outer {
            system: &system,
            variant: variant.id,
        };
        let bare = actix_apps::bare_for(variant.id).expect("a bare counterpart");
        actix_apps::visit(&system, bare, &mut outer);
    }
}

struct Outer<'s> {
    system: &'s actix_web::rt::SystemRunner,
    variant: &'static str,
}

impl actix_apps::Visit for Outer<'_> {
    fn visit<A: actix_apps::TestApp>(&mut self, bare: &actix_apps::Case<'_, A>) {
        let mut inner = Inner {
            system: self.system,
            bare,
        };
        actix_apps::visit(self.system, self.variant, &mut inner);
    }
}

struct Inner<'s, 'b, B> {
    system: &'s actix_web::rt::SystemRunner,
    bare: &'b actix_apps::Case<'b, B>,
}

impl<B: actix_apps::TestApp> actix_apps::Visit for Inner<'_, '_, B> {
    fn visit<A: actix_apps::TestApp>(&mut self, case: &actix_apps::Case<'_, A>) {
        let system = self.system;
        let bare = self.bare;
        let rounds = Rounds::run(|use_bare, n| {
            if use_bare {
                let requests: Vec<_> = (0..n).map(|_| bare.request()).collect();
                let started = Instant::now();
                for request in requests {
                    bare.send(system, request);
                }
                per_request(started, n)
            } else {
                let requests: Vec<_> = (0..n).map(|_| case.request()).collect();
                let started = Instant::now();
                for request in requests {
                    case.send(system, request);
                }
                per_request(started, n)
            }
        });
        rounds.print("actix", case.id);
    }
}
