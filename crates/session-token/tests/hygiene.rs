//! Secret-handling properties: nothing prints the value, equality is by content.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use session_token::Token;

fn sample() -> Token {
    Token::from_bytes(*b"a secret token of 32 bytes long!")
}

#[test]
fn debug_does_not_leak_token() {
    let t = sample();
    let enc = t.encode();
    for shown in [format!("{t:?}"), format!("{t:#?}"), format!("{enc:?}")] {
        assert!(!shown.contains(enc.as_str()), "{shown}");
        assert!(!shown.contains(&enc[..8]), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
    assert_eq!(format!("{t:?}"), "Token(..)");
    assert_eq!(format!("{enc:?}"), "Encoded(..)");
    // Inside containers, too.
    assert_eq!(format!("{:?}", Some(&t)), "Some(Token(..))");
}

#[test]
fn equality_is_by_content() {
    let a = sample();
    let b = sample();
    let mut bytes = *a.as_bytes();
    bytes[31] ^= 1;
    let c = Token::from_bytes(bytes);
    bytes = *a.as_bytes();
    bytes[0] ^= 0x80;
    let d = Token::from_bytes(bytes);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_ne!(a, d);
    assert_eq!(a.clone(), a);
}

#[cfg(feature = "sha2")]
#[test]
fn hash_is_sha256_of_the_bytes() {
    // SHA-256 of 16 zero bytes.
    let t = Token::<16>::from_bytes([0; 16]);
    let expected: [u8; 32] = [
        0x37, 0x47, 0x08, 0xff, 0xf7, 0x71, 0x9d, 0xd5, 0x97, 0x9e, 0xc8, 0x75, 0xd5, 0x6c, 0xd2,
        0x28, 0x6f, 0x6d, 0x3c, 0xf7, 0xec, 0x31, 0x7a, 0x3b, 0x25, 0x63, 0x2a, 0xab, 0x28, 0xec,
        0x37, 0xbb,
    ];
    assert_eq!(t.hash(), expected);
    // A different token gives a different key.
    assert_ne!(sample().hash(), expected);
    // FIPS 180-2 appendix B.2: 56 bytes, so the padding needs a second block.
    let t = Token::<56>::from_bytes(*b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    let expected: [u8; 32] = [
        0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60,
        0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb,
        0x06, 0xc1,
    ];
    assert_eq!(t.hash(), expected);
}

/// `hash` builds the padded blocks itself; it must equal the streaming `Sha256::digest` for
/// every length, on both sides of the one-block limit (55 bytes).
#[cfg(feature = "sha2")]
fn hash_matches<const N: usize>(seed: &[u8]) {
    use sha2::Digest as _;

    let raw: [u8; N] = seed[..N].try_into().unwrap();
    let expected: [u8; 32] = sha2::Sha256::digest(raw).into();
    assert_eq!(Token::<N>::from_bytes(raw).hash(), expected, "N = {N}");
}

#[cfg(feature = "sha2")]
macro_rules! hash_every_length {
    ($($n:literal)*) => {
        proptest::proptest! {
            #[test]
            fn hash_is_sha2_digest_for_every_length(
                seed in proptest::collection::vec(proptest::prelude::any::<u8>(), 64),
            ) {
                $( hash_matches::<$n>(&seed); )*
            }
        }
    };
}

#[cfg(feature = "sha2")]
hash_every_length!(16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40
                   41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64);

#[cfg(feature = "alloc")]
#[test]
fn string_conversions_give_the_encoded_form() {
    let t = sample();
    let s = String::from(&t);
    assert_eq!(s, t.encode().as_str());
    assert_eq!(String::from(t.encode()), s);
}

#[test]
fn auto_traits() {
    fn assert_send_sync<T: Send + Sync + Unpin>() {}
    assert_send_sync::<Token>();
    assert_send_sync::<Token<16>>();
    assert_send_sync::<session_token::Encoded>();
    assert_send_sync::<session_token::DecodeError>();
}
