//! Bearer tokens (`session_cookie::bearer`): the round trip through `header_value`, the
//! forms a client may write, and the cookie-and-header rule, on generated inputs.

use proptest::prelude::*;
use session_cookie::{CookieProxy, Token, bearer};

/// `Bearer` with each letter in the case `mask` gives it.
fn scheme_in_case(mask: u8) -> String {
    bearer::SCHEME
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> i & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn cookie(token: &Token) -> String {
    format!("__Host-id={}", token.encode().as_str())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn header_value_round_trips(bytes in any::<[u8; 32]>()) {
        let token = Token::<32>::from_bytes(bytes);
        let value = bearer::header_value(&token);
        prop_assert_eq!(bearer::parse::<32>(value.as_bytes()), Some(token.clone()));
        prop_assert_eq!(bearer::find::<32, _>([&value]), Some(token));
        // The token of another length is never read.
        prop_assert_eq!(bearer::parse::<16>(value.as_bytes()), None);
        prop_assert_eq!(bearer::parse::<33>(value.as_bytes()), None);
    }

    #[test]
    fn any_case_and_any_number_of_spaces(
        bytes in any::<[u8; 32]>(),
        mask in any::<u8>(),
        spaces in 1_usize..8,
        around in "[ \t]{0,3}",
    ) {
        let token = Token::<32>::from_bytes(bytes);
        let value = format!(
            "{around}{}{}{}{around}",
            scheme_in_case(mask),
            " ".repeat(spaces),
            token.encode().as_str(),
        );
        prop_assert_eq!(bearer::parse::<32>(value.as_bytes()), Some(token));
    }

    #[test]
    fn anything_after_the_token_is_no_token(
        bytes in any::<[u8; 32]>(),
        tail in "[^ \t]{1,4}|[ \t]+[^ \t]{1,4}",
    ) {
        let token = Token::<32>::from_bytes(bytes);
        let value = format!("{}{tail}", bearer::header_value(&token));
        prop_assert_eq!(bearer::parse::<32>(value.as_bytes()), None);
    }

    #[test]
    fn cookie_and_header_agree_or_there_is_no_session(
        a in any::<[u8; 32]>(),
        b in any::<[u8; 32]>(),
    ) {
        let proxy = CookieProxy::<32>::default();
        let (a, b) = (Token::<32>::from_bytes(a), Token::<32>::from_bytes(b));
        let header = bearer::header_value(&b);
        let both = proxy.load_with_bearer([cookie(&a)], [&header]);
        prop_assert_eq!(both, (a == b).then_some(a.clone()));
        prop_assert_eq!(proxy.load_with_bearer([cookie(&a)], [&cookie(&b)]), Some(a.clone()));
        prop_assert_eq!(proxy.load_with_bearer::<[&str; 0], _>([], [&header]), Some(b));
    }

    #[test]
    fn arbitrary_values_never_panic(value in proptest::collection::vec(any::<u8>(), 0..128)) {
        let parsed = bearer::parse::<32>(&value);
        if let Some(token) = parsed {
            // What is read was sent, in its one canonical form.
            let encoded = token.encode();
            prop_assert!(value.windows(encoded.len()).any(|w| w == encoded.as_bytes()));
        }
    }
}

#[test]
fn the_same_token_twice_is_that_session_and_a_tossed_cookie_defers_to_the_header() {
    let proxy = CookieProxy::<32>::default();
    let (a, b) = (Token::from_bytes([1; 32]), Token::from_bytes([2; 32]));
    let header = bearer::header_value(&a);
    assert_eq!(
        proxy.load_with_bearer([cookie(&a)], [&header]),
        Some(a.clone())
    );
    // Two different cookies carry no token of their own (cookie tossing): the header is the
    // only credential left.
    let tossed = format!("{}; {}", cookie(&a), cookie(&b));
    assert_eq!(proxy.load_with_bearer([&tossed], [&header]), Some(a));
    assert_eq!(proxy.load_with_bearer::<_, [&str; 0]>([&tossed], []), None);
}
