//! Strict base64url without padding (RFC 4648 section 5), for inputs whose length the caller
//! has already fixed.
//!
//! Written here rather than taken from a general-purpose engine because a token is short and
//! of a length known at compile time: the loops below unroll completely once inlined into
//! `Token<N>`.
//!
//! Decoding has no lookup table and no branch per symbol, so the work done does not depend on
//! where a bad byte sits. Each symbol is mapped to its value by range arithmetic on the byte
//! (`A-Z`, `a-z`, `0-9`, `-`, `_`), and every byte outside those ranges sets a flag; this runs
//! on blocks of 16 symbols, written so that the compiler turns each block into a few 128-bit
//! vector instructions (SSE2 on x86-64, NEON on aarch64: baseline on both, no `unsafe`). The
//! values are then packed 8 at a time, 48 bits in a `u64`: fewer instructions than a
//! 256-byte table lookup per symbol (BENCHMARKS.md has the figures).

use crate::DecodeError;

/// Symbol for each 6-bit value.
const ENCODE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Symbols classified at once: one 128-bit vector of bytes.
const BLOCK: usize = 16;

/// The decoder's buffer: the longest encoded token rounded up to whole blocks.
const PADDED_LEN: usize = crate::MAX_ENCODED_LEN.next_multiple_of(BLOCK);

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

/// Maps one byte to its 6-bit value, and to `0xff` if it is not a base64url symbol (else 0).
///
/// Branch-free range arithmetic on the whole byte: a byte `>= 0x80` is in no range.
#[inline(always)]
fn symbol(c: u8) -> (u8, u8) {
    let mask = |b: bool| u8::from(b).wrapping_neg();
    let upper = c.wrapping_sub(b'A');
    let lower = c.wrapping_sub(b'a');
    let digit = c.wrapping_sub(b'0');
    let is_upper = mask(upper < 26);
    let is_lower = mask(lower < 26);
    let is_digit = mask(digit < 10);
    let is_dash = mask(c == b'-');
    let is_underscore = mask(c == b'_');
    let value = (is_upper & upper)
        | (is_lower & lower.wrapping_add(26))
        | (is_digit & digit.wrapping_add(52))
        | (is_dash & 62)
        | (is_underscore & 63);
    let valid = is_upper | is_lower | is_digit | is_dash | is_underscore;
    (value, !valid)
}

/// The 6-bit values (each below 64) of 8 symbols packed into the low 48 bits, the first
/// symbol highest.
#[inline(always)]
fn pack(values: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(values);
    // Little-endian: the first value is the lowest byte. Each step joins neighbours, the
    // earlier one on top: 2 x 6 bits into 12, 2 x 12 into 24, 2 x 24 into 48.
    let v = u64::from_le_bytes(word);
    let pairs = (v & 0x00ff_00ff_00ff_00ff) << 6 | (v >> 8) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs & 0x0000_ffff_0000_ffff) << 12 | (pairs >> 16) & 0x0000_ffff_0000_ffff;
    (quads & 0xffff_ffff) << 24 | quads >> 32
}

/// Decodes `input`, which must be exactly `encoded_len(out.len())` bytes, into `out`.
///
/// # Errors
///
/// [`DecodeError::Length`] if `input` has any other length (or `out` is longer than
/// [`MAX_LEN`](crate::MAX_LEN)), [`DecodeError::Symbol`] if any byte is outside the
/// alphabet, else [`DecodeError::NonCanonical`] if the last symbol has non-zero unused bits.
#[inline(always)]
pub(crate) fn decode(input: &[u8], out: &mut [u8]) -> Result<(), DecodeError> {
    if input.len() != crate::encoded_len(out.len()) || out.len() > crate::MAX_LEN {
        return Err(DecodeError::Length);
    }
    // The symbols, padded with `A` (value 0) to whole blocks; each block is then replaced by
    // its values, and any symbol outside the alphabet leaves a non-zero flag in `bad`.
    let mut values = [b'A'; PADDED_LEN];
    for (v, &c) in values.iter_mut().zip(input) {
        *v = c;
    }
    let mut bad = 0;
    for block in values
        .chunks_exact_mut(BLOCK)
        .take(input.len().div_ceil(BLOCK))
    {
        let mut flags = [0; BLOCK];
        for (v, flag) in block.iter_mut().zip(&mut flags) {
            (*v, *flag) = symbol(*v);
        }
        bad |= u128::from_ne_bytes(flags);
    }
    // 8 values make 6 bytes; after the length check both run out on the same word.
    let mut words = values.chunks_exact(8);
    let mut bytes = out.chunks_exact_mut(6);
    for (six, word) in (&mut bytes).zip(&mut words) {
        six.copy_from_slice(&pack(word).to_be_bytes()[2..]);
    }
    let mut unused = 0;
    if input.len() % 8 != 0 {
        // The last 2..=7 symbols and the padding after them (values 0, in the same block):
        // what does not fill the last 0..=5 bytes is the last symbol's unused bits.
        let tail = bytes.into_remainder();
        if let Some(word) = words.next() {
            let bits = pack(word);
            for (o, &b) in tail.iter_mut().zip(&bits.to_be_bytes()[2..]) {
                *o = b;
            }
            unused = bits & ((1 << (48 - 8 * tail.len())) - 1);
        }
    }
    if bad != 0 {
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

    /// Every byte value: `symbol` is the inverse of `ENCODE` on the alphabet and flags
    /// everything else.
    #[test]
    fn symbol_inverts_encode_and_flags_every_other_byte() {
        for c in 0..=u8::MAX {
            let (value, bad) = symbol(c);
            match ENCODE.iter().position(|&e| e == c) {
                Some(i) => assert_eq!((usize::from(value), bad), (i, 0), "{c:#04x}"),
                None => assert_eq!(bad, 0xff, "{c:#04x}"),
            }
        }
    }

    /// A bad symbol is found in every lane of a block and in every block, however long the
    /// input; and in the tail word the padding never counts as unused bits.
    #[test]
    fn every_position_of_every_length_is_checked() {
        for len in 0..=crate::MAX_LEN {
            let raw: [u8; crate::MAX_LEN] = core::array::from_fn(|i| (i * 37 + 11) as u8);
            let mut text = [0u8; crate::MAX_ENCODED_LEN];
            let n = encode(&raw[..len], &mut text);
            let mut out = [0u8; crate::MAX_LEN];
            assert_eq!(decode(&text[..n], &mut out[..len]), Ok(()), "{len}");
            assert_eq!(out[..len], raw[..len], "{len}");
            for i in 0..n {
                let mut bad = text;
                bad[i] = b'=';
                assert_eq!(
                    decode(&bad[..n], &mut out[..len]),
                    Err(DecodeError::Symbol),
                    "{len} at {i}"
                );
            }
        }
    }
}
