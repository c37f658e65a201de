//! Finding the session token in `Cookie` header values: bytes in, no allocation.

use session_token::Token;

/// The most bytes of `Cookie` header values that `load` reads,
/// summed over all `Cookie` headers of a request: 64 KiB.
///
/// Browsers send far less (servers commonly refuse request headers over 8 to 32 KiB). Headers
/// are read in order; the header that would take the total over this limit is not read, and
/// the request has no session, unless [`DuplicatePolicy::FirstWins`](crate::DuplicatePolicy)
/// already found a token before it.
pub const MAX_COOKIE_BYTES: usize = 64 * 1024;

/// The most `;`-separated pairs that `load` looks at, summed over
/// all `Cookie` headers of a request, empty pairs included (each header counts at least one).
///
/// Browsers keep at most a few hundred cookies per site. Reaching the pair after the limit
/// ends the reading as [`MAX_COOKIE_BYTES`] does: no session, unless
/// [`DuplicatePolicy::FirstWins`](crate::DuplicatePolicy) already found a token.
pub const MAX_COOKIE_PAIRS: usize = 1024;

/// What to do when the session cookie's name carries two *different* well-formed tokens.
///
/// A request can legitimately carry the same name twice (cookies set for different paths or
/// by a parent domain). Two different valid tokens usually mean *cookie tossing*: a sibling
/// subdomain or a network attacker has planted its own session cookie beside the user's,
/// hoping the server picks the attacker's session (login CSRF, session fixation).
///
/// # Examples
///
/// ```
/// use session_cookie::{CookieProxy, DuplicatePolicy};
///
/// let proxy = CookieProxy::<32>::default();
/// assert_eq!(proxy.duplicate_policy(), DuplicatePolicy::Reject);
/// let lenient = proxy.with_duplicate_policy(DuplicatePolicy::FirstWins);
/// assert_eq!(lenient.duplicate_policy(), DuplicatePolicy::FirstWins);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DuplicatePolicy {
    /// Two different tokens: the request has no session (the default). The same token twice
    /// is fine. The user is asked to log in again, and the next `start` overwrites the
    /// cookie that has this proxy's name, Path and Domain.
    #[default]
    Reject,
    /// The first well-formed token wins; later ones are not read. Browsers send cookies with
    /// longer Paths first, then older ones first, so "first" is the most specific cookie.
    /// Prefer [`Reject`](Self::Reject) unless users get stuck behind stale cookies that you
    /// cannot remove.
    FirstWins,
}

/// Space or horizontal tab: the optional white space (OWS) of RFC 9110.
const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_start_ows(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_ows(*first) {
            break;
        }
        s = rest;
    }
    s
}

fn trim_end_ows(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., last] = s {
        if !is_ows(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// The index of the first `;` in `s`, eight bytes at a time (SWAR, no `unsafe`).
fn find_semicolon(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const SEMICOLONS: u64 = LO * b';' as u64;
    let mut chunks = s.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        if let Some(bytes) = chunk.first_chunk::<8>() {
            // Bytes equal to `;` become zero; the lowest flagged byte is the first zero
            // (borrows can only flag bytes above a real zero).
            let x = u64::from_le_bytes(*bytes) ^ SEMICOLONS;
            let zeros = x.wrapping_sub(LO) & !x & HI;
            if zeros != 0 {
                return Some(offset + (zeros.trailing_zeros() / 8) as usize);
            }
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b';')
        .map(|i| offset + i)
}

/// The token in one `name=value` pair, if the pair is `name` and its value is a well-formed
/// token. OWS around the name, around `=` and around the value is ignored; nothing is decoded.
fn token_in<const N: usize>(pair: &[u8], name: &[u8]) -> Option<Token<N>> {
    let rest = trim_start_ows(pair).strip_prefix(name)?;
    let value = trim_start_ows(rest).strip_prefix(b"=")?;
    let value = trim_end_ows(trim_start_ows(value));
    // `decode` rejects other lengths first, in O(1).
    Token::decode(value).ok()
}

/// Reads the token under `name` from `values`, the `Cookie` header values of one request.
pub(crate) fn find<const N: usize, I>(
    name: &[u8],
    policy: DuplicatePolicy,
    values: I,
) -> Option<Token<N>>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut bytes_left = MAX_COOKIE_BYTES;
    let mut pairs_left = MAX_COOKIE_PAIRS;
    let mut found: Option<Token<N>> = None;
    for value in values {
        let value = value.as_ref();
        bytes_left = bytes_left.checked_sub(value.len())?;
        let mut rest = Some(value);
        while let Some(current) = rest {
            let pair = match find_semicolon(current) {
                Some(i) => {
                    rest = current.get(i + 1..);
                    &current[..i]
                }
                None => {
                    rest = None;
                    current
                }
            };
            pairs_left = pairs_left.checked_sub(1)?;
            let Some(token) = token_in::<N>(pair, name) else {
                continue;
            };
            match (&found, policy) {
                (None, DuplicatePolicy::FirstWins) => return Some(token),
                (None, _) => found = Some(token),
                (Some(first), _) if *first == token => {}
                (Some(_), _) => return None,
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: &str = "AAAAAAAAAAAAAAAAAAAAAA";
    const T2: &str = "BBBBBBBBBBBBBBBBBBBBBA";

    fn find16(values: &[&[u8]]) -> Option<Token<16>> {
        find::<16, _>(b"id", DuplicatePolicy::Reject, values.iter().copied())
    }

    #[test]
    fn find_semicolon_agrees_with_position() {
        let mut cases: Vec<Vec<u8>> = vec![b"".to_vec(), b";".to_vec(), b"\xbb;".to_vec()];
        for len in 0..40 {
            for at in 0..=len {
                let mut v: Vec<u8> = (0..len)
                    .map(|i| [b'a', 0x3a, 0x3c, 0xbb, 0x3b ^ 0x80][i % 5])
                    .collect();
                v.iter_mut().for_each(|b| {
                    if *b == b';' {
                        *b = b'x'
                    }
                });
                if at < len {
                    v[at] = b';';
                    if at + 3 < len {
                        v[at + 3] = b';';
                    }
                }
                cases.push(v);
            }
        }
        for case in cases {
            assert_eq!(
                find_semicolon(&case),
                case.iter().position(|&b| b == b';'),
                "{case:?}"
            );
        }
    }

    #[test]
    fn ows_is_space_and_tab_only() {
        assert!(token_in::<16>(b" \tid \t= \tAAAAAAAAAAAAAAAAAAAAAA\t ", b"id").is_some());
        assert!(token_in::<16>(b"\x0bid=AAAAAAAAAAAAAAAAAAAAAA", b"id").is_none());
        assert!(token_in::<16>(b"id=AAAAAAAAAAAAAAAAAAAAAA\r", b"id").is_none());
    }

    #[test]
    fn pairs_are_split_on_semicolons_only() {
        let header = format!("a=1,id={T1}");
        assert_eq!(find16(&[header.as_bytes()]), None);
        let header = format!("a=1;id={T1};b");
        assert!(find16(&[header.as_bytes()]).is_some());
    }

    #[test]
    fn reject_and_first_wins() {
        let header = format!("id={T1}; id={T2}");
        assert_eq!(find16(&[header.as_bytes()]), None);
        let first = find::<16, _>(b"id", DuplicatePolicy::FirstWins, [header.as_bytes()]);
        assert_eq!(
            first.map(|t| t.encode().as_str().to_owned()).as_deref(),
            Some(T1)
        );
    }

    #[test]
    fn limits_are_exact() {
        // Exactly MAX_COOKIE_PAIRS pairs, the token in the last one: found.
        let mut header = "x;".repeat(MAX_COOKIE_PAIRS - 1);
        header.push_str("id=");
        header.push_str(T1);
        assert!(find16(&[header.as_bytes()]).is_some());
        // One more pair: over the limit.
        let header = format!("x;{header}");
        assert!(find16(&[header.as_bytes()]).is_none());

        // Exactly MAX_COOKIE_BYTES bytes: found; one more: over the limit.
        let pad = "x".repeat(MAX_COOKIE_BYTES - 4 - T1.len());
        let header = format!("{pad};id={T1}");
        assert_eq!(header.len(), MAX_COOKIE_BYTES);
        assert!(find16(&[header.as_bytes()]).is_some());
        assert!(find16(&[header.as_bytes(), b""]).is_some());
        assert!(find16(&[header.as_bytes(), b"y"]).is_none());
    }
}
