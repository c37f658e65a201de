//! Token generation against the other ways Rust code makes session identifiers, in one group:
//! `Token::generate` (OS CSPRNG) vs `getrandom::fill`, `rand`'s `ThreadRng` (a userspace
//! ChaCha12 reseeded from the OS) and `uuid::Uuid::new_v4` (122 random bits).
//!
//! Encode/decode against the `base64` engine and cookie loading against `cookie::CookieJar`
//! and `split_parse` are the crates' own benchmarks (`crates/session-token/benches/token.rs`,
//! `crates/session-cookie/benches/cookie.rs`), run by the same `cargo xtask bench`.
//!
//! `cargo bench -p sessionkit-benches --bench token_peers`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::Rng as _;
use session_token::Token;

fn generate(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate-32-peers");
    g.bench_function("session_token::Token::generate", |b| {
        b.iter(|| black_box(Token::<32>::generate().expect("the OS RNG")));
    });
    g.bench_function("getrandom::fill", |b| {
        b.iter(|| {
            let mut buf = [0u8; 32];
            getrandom::fill(&mut buf).expect("the OS RNG");
            black_box(buf)
        });
    });
    g.bench_function("rand::rng (ThreadRng) fill_bytes", |b| {
        let mut rng = rand::rng();
        b.iter(|| {
            let mut buf = [0u8; 32];
            rng.fill_bytes(&mut buf);
            black_box(buf)
        });
    });
    g.bench_function("uuid::Uuid::new_v4 (16 bytes)", |b| {
        b.iter(|| black_box(uuid::Uuid::new_v4()));
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = generate
}
criterion_main!(benches);
