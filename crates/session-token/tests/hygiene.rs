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
}

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
