//! Generation: distinct, uniformly distributed tokens; RNG failures are errors.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::HashSet;

use session_token::Token;
use session_token::rand_core::{TryCryptoRng, TryRng};

/// A crypto-marked RNG that always fails, like an OS source that is not ready.
struct Broken;

#[derive(Debug, PartialEq)]
struct NotReady;

impl core::fmt::Display for NotReady {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("rng not ready")
    }
}
impl core::error::Error for NotReady {}

impl TryRng for Broken {
    type Error = NotReady;
    fn try_next_u32(&mut self) -> Result<u32, NotReady> {
        Err(NotReady)
    }
    fn try_next_u64(&mut self) -> Result<u64, NotReady> {
        Err(NotReady)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), NotReady> {
        Err(NotReady)
    }
}
impl TryCryptoRng for Broken {}

/// Deterministic stand-in for a seeded crypto RNG: 0, 1, 2, ... (mod 256).
struct Counting(u8);

impl TryRng for Counting {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        unreachable!("tokens are filled with try_fill_bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unreachable!("tokens are filled with try_fill_bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}
impl TryCryptoRng for Counting {}

#[test]
fn a_failing_rng_is_an_error() {
    assert_eq!(Token::<32>::from_rng(&mut Broken).err(), Some(NotReady));
    assert_eq!(Token::<16>::from_rng(&mut Broken).err(), Some(NotReady));
    // Through a trait object too (R: ?Sized).
    let rng: &mut dyn TryCryptoRng<Error = NotReady> = &mut Broken;
    assert!(Token::<64>::from_rng(rng).is_err());
}

#[test]
fn from_rng_takes_exactly_n_bytes() {
    let mut rng = Counting(0);
    let a = Token::<16>::from_rng(&mut rng).unwrap();
    let b = Token::<16>::from_rng(&mut rng).unwrap();
    let expect_a: [u8; 16] = core::array::from_fn(|i| i as u8);
    let expect_b: [u8; 16] = core::array::from_fn(|i| 16 + i as u8);
    assert_eq!(a.as_bytes(), &expect_a);
    assert_eq!(b.as_bytes(), &expect_b);
}

#[cfg(feature = "getrandom")]
mod os {
    use super::*;

    const COUNT: usize = 100_000;

    fn sample() -> Vec<Token> {
        (0..COUNT).map(|_| Token::generate().unwrap()).collect()
    }

    #[test]
    fn generated_tokens_are_distinct() {
        let tokens = sample();
        let set: HashSet<[u8; 32]> = tokens.iter().map(|t| *t.as_bytes()).collect();
        assert_eq!(set.len(), COUNT);
    }

    /// Chi-square test of every symbol position of the encoded form. Positions 0..42 carry 6
    /// random bits (64 symbols); the last carries 4 (16 symbols). Bounds are about 12 standard
    /// deviations above the mean, so a good generator essentially never fails, while a stuck
    /// or biased byte fails by orders of magnitude.
    #[test]
    fn every_symbol_position_is_uniform() {
        let tokens = sample();
        let mut counts = vec![[0u32; 64]; Token::<32>::ENCODED_LEN];
        for t in &tokens {
            for (pos, &c) in t.encode().as_bytes().iter().enumerate() {
                counts[pos][symbol_index(c)] += 1;
            }
        }
        for (pos, hist) in counts.iter().enumerate() {
            let (categories, bound) = if pos == 42 { (16, 80.0) } else { (64, 200.0) };
            let used = hist.iter().filter(|&&n| n > 0).count();
            assert_eq!(used, categories, "position {pos} uses {used} symbols");
            let expected = COUNT as f64 / categories as f64;
            let chi2: f64 = hist
                .iter()
                .filter(|&&n| n > 0)
                .map(|&n| (f64::from(n) - expected).powi(2) / expected)
                .sum();
            assert!(
                chi2 < bound,
                "position {pos}: chi-square {chi2:.1} >= {bound}"
            );
        }
    }

    #[test]
    fn decode_of_encode_of_generate_is_identity() {
        // The Go library's `Decode(Encode(New(32)))` check, at every supported length.
        fn check<const N: usize>() {
            let t = Token::<N>::generate().unwrap();
            assert_eq!(Token::<N>::decode(t.encode().as_str()).unwrap(), t);
        }
        check::<16>();
        check::<32>();
        check::<33>();
        check::<64>();
    }

    fn symbol_index(c: u8) -> usize {
        match c {
            b'A'..=b'Z' => usize::from(c - b'A'),
            b'a'..=b'z' => usize::from(c - b'a') + 26,
            b'0'..=b'9' => usize::from(c - b'0') + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not a base64url symbol: {c}"),
        }
    }
}
