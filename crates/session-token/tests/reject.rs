//! Every class of malformed input is refused with the right typed error, without panicking.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use session_token::{DecodeError, Token};

fn valid() -> String {
    Token::<32>::from_bytes(*b"0123456789abcdefghijklmnopqrstuv")
        .encode()
        .as_str()
        .to_owned()
}

#[test]
fn the_go_librarys_decode_cases_fail() {
    for bad in ["", " ", "\t", "0", "a"] {
        assert_eq!(
            Token::<32>::decode(bad),
            Err(DecodeError::Length),
            "{bad:?}"
        );
    }
}

#[test]
fn every_wrong_length_is_refused() {
    let base = valid();
    let long = base.repeat(5);
    for len in (0..long.len()).filter(|&l| l != 43) {
        assert_eq!(Token::<32>::decode(&long[..len]), Err(DecodeError::Length));
    }
    // 42 and 44 chars: one short, one extra symbol.
    assert_eq!(Token::<32>::decode(&base[..42]), Err(DecodeError::Length));
    assert_eq!(
        Token::<32>::decode(format!("{base}A")),
        Err(DecodeError::Length)
    );
}

#[test]
fn a_one_mebibyte_input_is_refused_by_length() {
    let huge = vec![b'A'; 1 << 20];
    assert_eq!(Token::<32>::decode(&huge), Err(DecodeError::Length));
    let huge = "A".repeat(1 << 20);
    assert_eq!(huge.parse::<Token>(), Err(DecodeError::Length));
}

#[test]
fn padding_is_refused() {
    let base = valid();
    // Padded forms are longer than the canonical length.
    assert_eq!(
        Token::<32>::decode(format!("{base}=")),
        Err(DecodeError::Length)
    );
    // A pad character in place of a symbol, anywhere.
    for i in 0..43 {
        let mut s = base.clone().into_bytes();
        s[i] = b'=';
        assert_eq!(Token::<32>::decode(&s), Err(DecodeError::Symbol), "at {i}");
    }
}

#[test]
fn standard_alphabet_whitespace_and_controls_are_refused_everywhere() {
    let base = valid();
    for bad in [
        b'+', b'/', b' ', b'\t', b'\r', b'\n', 0, 0x7f, b'.', b'%', b'"', b';',
    ] {
        for i in 0..43 {
            let mut s = base.clone().into_bytes();
            s[i] = bad;
            assert_eq!(
                Token::<32>::decode(&s),
                Err(DecodeError::Symbol),
                "byte {bad:#x} at {i}"
            );
        }
    }
}

#[test]
fn non_ascii_is_refused() {
    let base = valid();
    for bad in [0x80u8, 0xc3, 0xff] {
        let mut s = base.clone().into_bytes();
        s[10] = bad;
        assert_eq!(Token::<32>::decode(&s), Err(DecodeError::Symbol));
    }
    // A multi-byte UTF-8 char keeping the byte length at 43.
    let s = format!("é{}", &base[2..]);
    assert_eq!(s.len(), 43);
    assert_eq!(Token::<32>::decode(&s), Err(DecodeError::Symbol));
}

#[test]
fn non_zero_trailing_bits_are_refused() {
    // 32 bytes = 256 bits in 43 symbols (258 bits): the last symbol's 2 low bits must be 0.
    let base = valid();
    let mut accepted = 0;
    for &c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
        let mut s = base.clone().into_bytes();
        s[42] = c;
        match Token::<32>::decode(&s) {
            Ok(t) => {
                accepted += 1;
                assert_eq!(t.encode().as_bytes(), &s[..]);
            }
            Err(e) => assert_eq!(e, DecodeError::NonCanonical),
        }
    }
    assert_eq!(accepted, 16, "exactly one symbol in four is canonical last");
}

#[test]
fn quoted_values_are_refused() {
    let base = valid();
    let quoted = format!("\"{}\"", &base[..41]);
    assert_eq!(quoted.len(), 43);
    assert_eq!(Token::<32>::decode(&quoted), Err(DecodeError::Symbol));
}

#[test]
fn errors_never_contain_the_input() {
    let base = valid();
    let inputs = [
        format!("{base}="),
        format!("{}+{}", &base[..5], &base[6..]),
        format!("{}B", &base[..42]),
    ];
    for input in inputs {
        let err = Token::<32>::decode(&input).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(&input[..20]), "{text}");
        }
    }
}
