//! Strict base64url without padding (RFC 4648 section 5), for inputs whose length the caller
//! has already fixed.
//!
//! Written here rather than taken from a general-purpose engine because a token is short and
//! of a length known at compile time: the loops below unroll completely once inlined into
//! `Token<N>`, and decoding checks every symbol without a branch per symbol (invalid symbols
//! are collected in one flag), so the work done does not depend on where a bad byte sits.

use crate::DecodeError;

/// Symbol for each 6-bit value.
const ENCODE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte that is not a base64url symbol in [`DECODE`].
const INVALID: u8 = 0x80;

/// 6-bit value for each byte, or [`INVALID`].
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ENCODE[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Writes the encoding of `input` to the front of `out` and returns its length,
/// `encoded_len(input.len())`.
///
/// `out` must hold at least that many bytes; callers size it with [`crate::encoded_len`].
#[inline(always)]
pub(crate) fn encode(input: &[u8], out: &mut [u8]) -> usize {
    let mut groups = input.chunks_exact(3);
    let mut symbols = out.chunks_exact_mut(4);
    let mut written = 0;
    for (group, sym) in (&mut groups).zip(&mut symbols) {
        let n = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        sym[0] = ENCODE[(n >> 18) as usize & 63];
        sym[1] = ENCODE[(n >> 12) as usize & 63];
        sym[2] = ENCODE[(n >> 6) as usize & 63];
        sym[3] = ENCODE[n as usize & 63];
        written += 4;
    }
    let tail = &mut out[written..];
    match *groups.remainder() {
        [a] => {
            tail[0] = ENCODE[usize::from(a >> 2)];
            tail[1] = ENCODE[usize::from(a & 0x03) << 4];
            written + 2
        }
        [a, b] => {
            let n = u32::from(a) << 8 | u32::from(b);
            tail[0] = ENCODE[(n >> 10) as usize & 63];
            tail[1] = ENCODE[(n >> 4) as usize & 63];
            tail[2] = ENCODE[((n << 2) & 63) as usize];
            written + 3
        }
        _ => written,
    }
}

/// Decodes `input`, which must be exactly `encoded_len(out.len())` bytes, into `out`.
///
/// # Errors
///
/// [`DecodeError::Length`] if `input` has any other length, [`DecodeError::Symbol`] if any
/// byte is outside the alphabet, else [`DecodeError::NonCanonical`] if the last symbol has
/// non-zero unused bits.
#[inline(always)]
pub(crate) fn decode(input: &[u8], out: &mut [u8]) -> Result<(), DecodeError> {
    if input.len() != crate::encoded_len(out.len()) {
        return Err(DecodeError::Length);
    }
    let mut invalid = 0u8;
    let mut lookup = |c: u8| {
        let v = DECODE[usize::from(c)];
        invalid |= v;
        u32::from(v & 63)
    };
    let mut groups = input.chunks_exact(4);
    let mut bytes = out.chunks_exact_mut(3);
    for (sym, group) in (&mut groups).zip(&mut bytes) {
        let n = lookup(sym[0]) << 18 | lookup(sym[1]) << 12 | lookup(sym[2]) << 6 | lookup(sym[3]);
        group[0] = (n >> 16) as u8;
        group[1] = (n >> 8) as u8;
        group[2] = n as u8;
    }
    let unused = match (groups.remainder(), bytes.into_remainder()) {
        ([s0, s1], [a]) => {
            let n = lookup(*s0) << 6 | lookup(*s1);
            *a = (n >> 4) as u8;
            n & 0x0f
        }
        ([s0, s1, s2], [a, b]) => {
            let n = lookup(*s0) << 12 | lookup(*s1) << 6 | lookup(*s2);
            *a = (n >> 10) as u8;
            *b = (n >> 2) as u8;
            n & 0x03
        }
        ([], []) => 0,
        // Unreachable after the length check above (a remainder of 1 symbol is no length
        // `encoded_len` produces); an error, never a panic.
        _ => return Err(DecodeError::Length),
    };
    if invalid & INVALID != 0 {
        Err(DecodeError::Symbol)
    } else if unused != 0 {
        Err(DecodeError::NonCanonical)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoded_len;

    fn enc(raw: &[u8]) -> ([u8; 16], usize) {
        let mut buf = [0u8; 16];
        let n = encode(raw, &mut buf);
        (buf, n)
    }

    fn dec(text: &[u8], len: usize) -> Result<([u8; 16], usize), DecodeError> {
        let mut out = [0u8; 16];
        decode(text, &mut out[..len])?;
        Ok((out, len))
    }

    /// RFC 4648 section 10 test vectors, unpadded, plus the two symbols where base64url
    /// differs from base64 (section 5: 62 is `-`, 63 is `_`).
    #[test]
    fn rfc4648_vectors() {
        let vectors: [(&[u8], &str); 10] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xfb, 0xff], "-_8"),
            (&[0xff, 0xff, 0xff], "____"),
            (&[0xf8, 0x3e, 0x0f], "-D4P"),
        ];
        for (raw, text) in vectors {
            let (buf, n) = enc(raw);
            assert_eq!(n, encoded_len(raw.len()));
            assert_eq!(&buf[..n], text.as_bytes(), "encode {raw:?}");
            let (out, len) = dec(text.as_bytes(), raw.len()).unwrap();
            assert_eq!(&out[..len], raw, "decode {text}");
        }
    }

    #[test]
    fn strictness() {
        // Standard alphabet, padding, whitespace: not symbols.
        assert_eq!(dec(b"+/8", 2), Err(DecodeError::Symbol));
        assert_eq!(dec(b"Zg=", 2), Err(DecodeError::Symbol));
        assert_eq!(dec(b"Zm 9", 3), Err(DecodeError::Symbol));
        // Non-zero unused bits: "Zh" would also decode to "f".
        assert_eq!(dec(b"Zh", 1), Err(DecodeError::NonCanonical));
        assert_eq!(dec(b"Zm9", 2), Err(DecodeError::NonCanonical));
        // A bad symbol wins over bad trailing bits.
        assert_eq!(dec(b"+h", 1), Err(DecodeError::Symbol));
        // A length mismatch is an error, not a panic.
        assert_eq!(dec(b"Zm9vY", 4), Err(DecodeError::Length));
    }

    #[test]
    fn decode_table_is_the_inverse_of_encode() {
        for (i, &c) in ENCODE.iter().enumerate() {
            assert_eq!(usize::from(DECODE[usize::from(c)]), i);
        }
        let valid = DECODE.iter().filter(|&&v| v != INVALID).count();
        assert_eq!(valid, 64);
    }
}
