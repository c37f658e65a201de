//! Round trips and canonicality for every token length, against an independent reference
//! encoder written from RFC 4648 section 5.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use proptest::prelude::*;
use session_token::{DecodeError, Token};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Bit-by-bit base64url without padding: slow, obviously correct, shares no code with the crate.
fn reference_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(ALPHABET[((acc >> bits) & 63) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (6 - bits)) & 63) as usize] as char);
    }
    out
}

/// The value of each alphabet symbol, indexed by byte.
const INVERSE: [Option<u8>; 256] = {
    let mut inverse = [None; 256];
    let mut i = 0;
    while i < 64 {
        inverse[ALPHABET[i] as usize] = Some(i as u8);
        i += 1;
    }
    inverse
};

/// Bit-by-bit strict decoding, the inverse of `reference_encode`: the error class the crate
/// must give for a string of the right length.
fn reference_decode(text: &[u8], len: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in text {
        let v = INVERSE[usize::from(c)].ok_or(DecodeError::Symbol)?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    assert_eq!(out.len(), len, "reference_decode needs the encoded length");
    if acc != 0 {
        return Err(DecodeError::NonCanonical);
    }
    Ok(out)
}

/// Any string of exactly `len` alphabet symbols.
fn symbols(len: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0..64usize, len)
        .prop_map(|v| v.into_iter().map(|i| ALPHABET[i] as char).collect())
}

fn check_round_trip<const N: usize>(bytes: &[u8]) {
    let raw: [u8; N] = bytes.try_into().unwrap();
    let token = Token::<N>::from_bytes(raw);
    let enc = token.encode();
    assert_eq!(enc.len(), Token::<N>::ENCODED_LEN);
    assert_eq!(enc.as_str(), reference_encode(&raw));
    assert_eq!(Token::<N>::decode(enc.as_str()).unwrap(), token);
    assert_eq!(Token::<N>::decode(enc.as_bytes()).unwrap(), token);
    assert_eq!(enc.as_str().parse::<Token<N>>().unwrap(), token);
}

/// Every accepted string re-encodes to itself; every refused one is refused only for its
/// trailing bits (it is the right length and all symbols are in the alphabet).
fn check_canonical<const N: usize>(s: &str) {
    match Token::<N>::decode(s) {
        Ok(t) => assert_eq!(t.encode().as_str(), s),
        Err(e) => {
            assert_eq!(e, DecodeError::NonCanonical);
            let unused_bits = 6 * Token::<N>::ENCODED_LEN - 8 * N;
            let last = ALPHABET
                .iter()
                .position(|&c| c == *s.as_bytes().last().unwrap());
            assert_ne!(last.unwrap() & ((1 << unused_bits) - 1), 0);
        }
    }
}

macro_rules! every_length {
    ($($n:literal)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(24))]
            #[test]
            fn round_trip_every_length(seed in proptest::collection::vec(any::<u8>(), 64)) {
                $( check_round_trip::<$n>(&seed[..$n]); )*
            }
        }
        #[test]
        fn canonical_every_length() {
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            $(
                runner
                    .run(&symbols(Token::<$n>::ENCODED_LEN), |s| {
                        check_canonical::<$n>(&s);
                        Ok(())
                    })
                    .unwrap();
            )*
        }
    };
}

every_length!(16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40
              41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64);

proptest! {
    #[test]
    fn default_length_round_trip(raw in any::<[u8; 32]>()) {
        check_round_trip::<32>(&raw);
    }

    #[test]
    fn default_length_canonical(s in symbols(43)) {
        check_canonical::<32>(&s);
    }

    /// Arbitrary bytes never panic, and anything accepted is canonical.
    #[test]
    fn arbitrary_input_is_total(input in proptest::collection::vec(any::<u8>(), 0..100)) {
        if let Ok(t) = Token::<32>::decode(&input) {
            let enc = t.encode();
            prop_assert_eq!(enc.as_bytes(), &input[..]);
        }
    }
}

#[test]
fn known_vectors() {
    let t = Token::<16>::from_bytes(*b"any carnal pleas");
    assert_eq!(t.encode().as_str(), "YW55IGNhcm5hbCBwbGVhcw");
    let t = Token::<32>::from_bytes([0xff; 32]);
    assert_eq!(
        t.encode().as_str(),
        "__________________________________________8"
    );
    let t = Token::<48>::from_bytes([0xfb; 48]);
    assert_eq!(t.encode().as_str(), "-_v7".repeat(16));
}

/// Bytes that a decoder might meet: every symbol, plus padding, the standard alphabet's
/// `+` and `/`, whitespace, quotes and non-ASCII.
fn near_symbols(len: usize) -> impl Strategy<Value = Vec<u8>> {
    let bytes: Vec<u8> = ALPHABET
        .iter()
        .copied()
        .chain(*b"=+/ \t\"%\x00\x7f\x80\xff")
        .collect();
    proptest::collection::vec(proptest::sample::select(bytes), len)
}

proptest! {
    /// Differential test against the `base64` crate's strict URL_SAFE_NO_PAD engine
    /// (no padding, trailing bits refused): same strings out, same verdicts in.
    #[test]
    fn agrees_with_the_base64_crate(raw in any::<[u8; 32]>(), input in near_symbols(43)) {
        use base64::Engine as _;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;

        let mut buf = [0u8; 64];
        let n = URL_SAFE_NO_PAD.encode_slice(raw, &mut buf).unwrap();
        let ours = Token::<32>::from_bytes(raw).encode();
        prop_assert_eq!(ours.as_bytes(), &buf[..n]);

        let mut out = [0u8; 32];
        let theirs = URL_SAFE_NO_PAD.decode_slice(&input, &mut out);
        match Token::<32>::decode(&input) {
            Ok(t) => {
                prop_assert_eq!(theirs.ok(), Some(32));
                prop_assert_eq!(t.as_bytes(), &out);
            }
            Err(_) => prop_assert!(theirs.is_err()),
        }
    }
}

/// The error class of the `base64` crate's strict URL_SAFE_NO_PAD engine for a string of the
/// right length: any error but non-zero trailing bits is a byte outside the alphabet (it may
/// name a misplaced `=` as padding or count the symbols short).
fn base64_class(text: &[u8], len: usize) -> Result<Vec<u8>, DecodeError> {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::{DecodeError as E, DecodeSliceError as S};

    let mut out = [0u8; 64];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
        Ok(n) => {
            assert_eq!(n, len);
            Ok(out[..n].to_vec())
        }
        Err(S::DecodeError(E::InvalidLastSymbol { .. })) => Err(DecodeError::NonCanonical),
        Err(S::DecodeError(_)) => Err(DecodeError::Symbol),
        Err(e) => panic!("{e}"),
    }
}

/// Every byte value 0..=255 at every position of a valid token of length `N`: the verdict
/// (and on success the bytes) match both the reference and the `base64` crate.
fn every_byte_everywhere<const N: usize>() {
    let raw: [u8; N] = core::array::from_fn(|i| (i as u8).wrapping_mul(97).wrapping_add(N as u8));
    let valid = Token::<N>::from_bytes(raw).encode();
    for i in 0..valid.len() {
        for b in 0..=u8::MAX {
            let mut text = valid.as_bytes().to_vec();
            text[i] = b;
            let ours = Token::<N>::decode(&text).map(|t| t.as_bytes().to_vec());
            let reference = reference_decode(&text, N);
            assert_eq!(ours, reference, "N = {N}, byte {b:#04x} at {i}");
            assert_eq!(
                ours,
                base64_class(&text, N),
                "N = {N}, byte {b:#04x} at {i}"
            );
        }
    }
}

macro_rules! every_byte_everywhere {
    ($($n:literal)*) => {
        #[test]
        fn every_byte_at_every_position_of_every_length() {
            $( every_byte_everywhere::<$n>(); )*
        }
    };
}

every_byte_everywhere!(16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39
                       40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63
                       64);
