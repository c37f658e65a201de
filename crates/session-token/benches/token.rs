//! session-token against the raw primitives it wraps, in one run:
//! `generate` vs `getrandom::fill`, `encode`/`decode` vs direct `base64` engine calls,
//! `hash` vs `sha2::Sha256::digest`.
//!
//! `cargo bench -p session-token --bench token` (or `cargo xtask bench`).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use session_token::Token;

fn generate(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate-32");
    g.bench_function("session_token::Token::generate", |b| {
        b.iter(|| black_box(Token::<32>::generate().unwrap()));
    });
    g.bench_function("getrandom::fill", |b| {
        b.iter(|| {
            let mut buf = [0u8; 32];
            getrandom::fill(&mut buf).unwrap();
            black_box(buf)
        });
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let token = Token::<32>::from_bytes(*b"0123456789abcdefghijklmnopqrstuv");
    let raw = *token.as_bytes();
    let mut g = c.benchmark_group("encode-32");
    g.bench_function("session_token::Token::encode", |b| {
        b.iter(|| black_box(black_box(&token).encode()));
    });
    g.bench_function("base64::encode_slice", |b| {
        b.iter(|| {
            let mut buf = [0u8; 64];
            let n = URL_SAFE_NO_PAD
                .encode_slice(black_box(&raw), &mut buf)
                .unwrap();
            black_box((buf, n))
        });
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    let token = Token::<32>::from_bytes(*b"0123456789abcdefghijklmnopqrstuv");
    let enc = token.encode();
    let text: &str = enc.as_str();
    let mut g = c.benchmark_group("decode-32");
    g.bench_function("session_token::Token::decode", |b| {
        b.iter(|| black_box(Token::<32>::decode(black_box(text)).unwrap()));
    });
    g.bench_function("base64::decode_slice", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            let n = URL_SAFE_NO_PAD
                .decode_slice(black_box(text), &mut out)
                .unwrap();
            black_box((out, n))
        });
    });
    g.bench_function("session_token::Token::decode (wrong length)", |b| {
        let long = "A".repeat(4096);
        b.iter(|| black_box(Token::<32>::decode(black_box(long.as_str())).is_err()));
    });
    g.finish();
}

fn hash(c: &mut Criterion) {
    use sha2::Digest as _;

    let token = Token::<32>::from_bytes(*b"0123456789abcdefghijklmnopqrstuv");
    let raw = *token.as_bytes();
    let mut g = c.benchmark_group("hash-32");
    g.bench_function("session_token::Token::hash", |b| {
        b.iter(|| black_box(black_box(&token).hash()));
    });
    g.bench_function("sha2::Sha256::digest", |b| {
        b.iter(|| {
            let digest: [u8; 32] = sha2::Sha256::digest(black_box(raw)).into();
            black_box(digest)
        });
    });
    g.finish();
}

criterion_group!(benches, generate, encode, decode, hash);
criterion_main!(benches);
