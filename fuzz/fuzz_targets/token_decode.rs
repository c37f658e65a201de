//! `Token::decode` on arbitrary bytes: never panics, and whatever it accepts is canonical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use session_token::Token;

fn check<const N: usize>(data: &[u8]) {
    if let Ok(token) = Token::<N>::decode(data) {
        // Accepted input is the one canonical form of the token.
        assert_eq!(token.encode().as_bytes(), data);
    }
}

fuzz_target!(|data: &[u8]| {
    check::<16>(data);
    check::<32>(data);
    check::<33>(data);
    check::<64>(data);
    if let Ok(s) = core::str::from_utf8(data) {
        let _ = s.parse::<Token>();
    }
});
