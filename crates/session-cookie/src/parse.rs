//! Finding the session token in `Cookie` header values: bytes in, no allocation.
//!
//! The algorithm: headers are read in order (each counted against [`MAX_COOKIE_BYTES`]
//! before its pairs are read), and every `;`-separated pair is visited and counted against
//! [`MAX_COOKIE_PAIRS`]. A pair that does not start with `OWS name OWS "=" OWS` (most are
//! told apart by the name's first and last byte) is skipped with a search for the next `;`,
//! sixteen bytes at a time (one vector compare per block, no `unsafe`; most blocks of a
//! header hold no `;`). For the pair that does, the candidate
//! value is the next `Token::<N>::ENCODED_LEN` bytes, and the pair must end right after it
//! (OWS, then `;` or the end of the header); the candidate is then decoded, and if it
//! decodes it holds no `;` (not a base64url symbol), so the session pair is never searched
//! for `;`. A name-matching pair that fails either check has no token and is skipped from
//! its start with the same `;` search. This reads the same tokens as splitting every pair
//! and trimming its value, with the same caps and duplicate rule.

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
/// # Recovering a user stuck behind a tossed cookie
///
/// Under [`Reject`](Self::Reject), a user whose browser holds a tossed cookie has no session
/// until that cookie is gone, and logging in again does not remove it: `start` and `end`
/// write the session cookie's own scope (its `Path` and `Domain`), while the tossed one lives
/// in another (a parent `Domain`, a longer `Path`). Remove it where it lives: send
/// [`CookieProxy::end_value_in`](crate::CookieProxy::end_value_in) for that scope beside the
/// new session's cookie (the response keeps both, since their scopes differ). The `Cookie`
/// header does not say which scope a cookie came from, so clear the likely ones: the parent
/// domains of your host, and the paths your site serves. A `__Host-` name (the default
/// template's) cannot be tossed: browsers refuse it with a `Domain` or a `Path` other than
/// `/`.
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
    /// The first well-formed token wins; later ones are not read.
    ///
    /// **This lets a tossed cookie win.** Browsers send cookies with longer `Path`s first,
    /// then older ones first; "first" is the most specific or the oldest cookie, not the one
    /// your server set. An attacker who tosses a cookie with a longer `Path` (say
    /// `Path=/account`) is sent first on every request under that path, so the user is
    /// silently in the attacker's session there. Use it only when a plain HTTP attacker and
    /// sibling subdomains are ruled out (a `__Host-` name, no untrusted subdomains), and
    /// prefer [`Reject`](Self::Reject) with the recovery above.
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

/// Bytes tested at once: one 128-bit vector.
const BLOCK: usize = 16;

/// Whether `block` holds a `;`: written so that the compiler makes it one vector compare
/// and one mask test (`pcmpeqb` + `pmovmskb` with x86-64's baseline SSE2), no `unsafe`.
#[inline(always)]
fn has_semicolon(block: &[u8; BLOCK]) -> bool {
    let mut any = 0_u8;
    for &b in block {
        any |= u8::from(b == b';');
    }
    any != 0
}

/// The index of the first `;` in the 8 bytes of `word` (little-endian), if any: exact
/// zero-byte detection of `word ^ ";;;;;;;;"` (no borrow between bytes).
#[inline(always)]
fn first_semicolon(word: [u8; 8]) -> Option<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let t = u64::from_le_bytes(word) ^ (0x0101_0101_0101_0101 * b';' as u64);
    let bits = !(((t & LOW7) + LOW7) | t | LOW7);
    (bits != 0).then(|| bits.trailing_zeros() as usize / 8)
}

/// The index of the first `;` in `s`: sixteen bytes at a time (most blocks of a header hold
/// none), then the exact position in the block that does; the last 0..=15 bytes eight, then
/// one at a time. No `unsafe`.
fn find_semicolon(s: &[u8]) -> Option<usize> {
    let mut blocks = s.chunks_exact(BLOCK);
    let mut offset = 0;
    for block in &mut blocks {
        if let Some(block) = block.first_chunk::<BLOCK>().filter(|b| has_semicolon(b)) {
            let (lo, hi) = block.split_at(8);
            let word = |half: &[u8]| half.first_chunk::<8>().copied().unwrap_or_default();
            return first_semicolon(word(lo))
                .or_else(|| first_semicolon(word(hi)).map(|i| i + 8))
                .map(|i| offset + i);
        }
        offset += BLOCK;
    }
    let mut rest = blocks.remainder();
    if let Some((word, tail)) = rest.split_first_chunk::<8>() {
        if let Some(i) = first_semicolon(*word) {
            return Some(offset + i);
        }
        offset += 8;
        rest = tail;
    }
    rest.iter().position(|&b| b == b';').map(|i| offset + i)
}

/// The rest of `s` after its first `;`, or `None` if `s` has none (its first pair is its last).
fn after_semicolon(s: &[u8]) -> Option<&[u8]> {
    find_semicolon(s).and_then(|i| s.get(i + 1..))
}

/// The value of the pair at the start of `s` if that pair is `name`: what follows
/// `OWS name OWS "=" OWS`. The value runs up to the pair's `;` or further (the caller finds
/// where the pair ends). `name` holds no `;` (a validated cookie name), so a match never
/// crosses into the next pair.
fn value_after_name<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let s = trim_start_ows(s);
    // Most pairs are other cookies: their first or last name byte differs, which two byte
    // compares tell before the whole name is compared.
    if s.first() != name.first() || s.get(name.len().wrapping_sub(1)) != name.last() {
        return None;
    }
    let rest = s.strip_prefix(name)?;
    let value = trim_start_ows(rest).strip_prefix(b"=")?;
    Some(trim_start_ows(value))
}

/// Splits off the pair at the start of `s`: its value if the pair is `name` and the value
/// (OWS around it ignored) is token-length, and the rest of `s` after the pair's `;` (`None`
/// if this pair is the last).
///
/// The fast path for the session pair: a token is exactly `Token::<N>::ENCODED_LEN` bytes,
/// so the candidate is that many bytes after `=`, and the pair must end right after it (OWS,
/// then `;` or the end): the value is never scanned for `;`. The returned rest is right
/// only if the candidate decodes (a `;` is not a symbol); if it does not, the caller finds
/// the end of the pair with [`after_semicolon`], as for any other pair. A pair whose value
/// is not token-length has no token and is skipped here with the `;` search.
fn split_pair<'a, const N: usize>(
    s: &'a [u8],
    name: &[u8],
) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let Some(value) = value_after_name(s, name) else {
        return (None, after_semicolon(s));
    };
    if let Some((candidate, tail)) = value.split_at_checked(Token::<N>::ENCODED_LEN) {
        match trim_start_ows(tail) {
            [] => return (Some(candidate), None),
            [b';', rest @ ..] => return (Some(candidate), Some(rest)),
            _ => {}
        }
    }
    (None, after_semicolon(value))
}

/// Reads the token under `name` from `values`, the `Cookie` header values of one request.
///
/// Every pair is still visited (the pair cap counts them all), but only a pair that starts
/// with `name` and `=` is looked at beyond the `;` search, and the session pair itself is
/// not searched for `;` at all (see [`split_pair`]).
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
            pairs_left = pairs_left.checked_sub(1)?;
            let (candidate, next) = split_pair::<N>(current, name);
            rest = next;
            let Some(candidate) = candidate else {
                continue;
            };
            let Ok(token) = Token::<N>::decode(candidate) else {
                // Not a token; the pair may end inside the candidate.
                rest = after_semicolon(current);
                continue;
            };
            match (&found, policy) {
                (None, DuplicatePolicy::FirstWins) => return Some(token),
                (None, _) => found = Some(token),
                // Both tokens come from this request's own header: nothing secret to time, so
                // a plain comparison (`Token`'s `==` is constant-time, and its byte-by-byte
                // loop made the compiler keep `found` in 32 scalars, moved byte by byte on
                // every request; BENCHMARKS.md has the measurement).
                (Some(first), _) if first.as_bytes() == token.as_bytes() => {}
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
    fn block_and_word_tests_agree_with_a_byte_loop() {
        let bytes = [
            b';',
            b'a',
            0x3b ^ 0x80,
            0xbb,
            0x3a,
            0x3c,
            b' ',
            0,
            0xff,
            0x7f,
        ];
        for seed in 0..5000_u32 {
            let block: [u8; BLOCK] = core::array::from_fn(|i| {
                let x = seed.wrapping_mul(2_654_435_761).rotate_left(i as u32 * 3) ^ seed;
                bytes[(x as usize) % bytes.len()]
            });
            assert_eq!(has_semicolon(&block), block.contains(&b';'), "{block:?}");
            for half in block.chunks_exact(8) {
                let word: [u8; 8] = half.try_into().unwrap();
                assert_eq!(
                    first_semicolon(word),
                    half.iter().position(|&b| b == b';'),
                    "{half:?}"
                );
            }
        }
    }

    #[test]
    fn ows_is_space_and_tab_only() {
        assert!(find16(&[b" \tid \t= \tAAAAAAAAAAAAAAAAAAAAAA\t "]).is_some());
        assert!(find16(&[b"\x0bid=AAAAAAAAAAAAAAAAAAAAAA"]).is_none());
        assert!(find16(&[b"id=AAAAAAAAAAAAAAAAAAAAAA\r"]).is_none());
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
