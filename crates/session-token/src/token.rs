use core::fmt;
use core::str::FromStr;

use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq as _;

use crate::{DecodeError, Encoded, MAX_ENCODED_LEN, MAX_LEN, MIN_LEN, codec};

/// An opaque session token: `N` random bytes, 32 (256 bits) by default.
///
/// `N` must be in `16..=64` ([`MIN_LEN`](crate::MIN_LEN)..=[`MAX_LEN`](crate::MAX_LEN));
/// anything else is a compile error as soon as a token of that length is made.
///
/// A token is a secret, and the type behaves like one:
///
/// * `==` is constant-time (`subtle`), so comparing does not leak how many bytes matched;
/// * `Debug` prints `Token(..)`, never the value, and there is no `Display`;
/// * it is `Clone` but not `Copy`, so copies are explicit;
/// * it does not implement `Hash`: key your store by [`Token::hash`] (feature `sha2`),
///   so a leaked store replays no session;
/// * with the `zeroize` feature its bytes are zeroed on drop.
///
/// # Examples
///
/// ```
/// use session_token::Token;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // `Token::generate()` (feature `getrandom`) takes the bytes from the OS CSPRNG.
/// let token = Token::<32>::from_bytes([42; 32]);
/// let encoded = token.encode(); // 43 base64url chars, on the stack
/// assert_eq!(encoded.len(), Token::<32>::ENCODED_LEN);
///
/// let back: Token = encoded.parse()?;
/// assert_eq!(back, token);
/// assert_eq!(format!("{token:?}"), "Token(..)");
/// # Ok(()) }
/// ```
///
/// Lengths outside `16..=64` do not compile:
///
/// ```compile_fail
/// let short = session_token::Token::<15>::from_bytes([0; 15]);
/// ```
///
/// ```compile_fail
/// let long = session_token::Token::<65>::from_bytes([0; 65]);
/// ```
#[derive(Clone)] // deliberately not Copy
pub struct Token<const N: usize = 32> {
    bytes: [u8; N],
}

impl<const N: usize> Token<N> {
    /// Evaluated wherever a token is made: rejects `N` outside `16..=64` at compile time.
    const VALID_LEN: () = assert!(
        N >= MIN_LEN && N <= MAX_LEN,
        "session_token::Token<N> needs 16 <= N <= 64"
    );

    /// The token's length in bytes, `N`.
    pub const LEN: usize = N;

    /// The length of the encoded form: `ceil(4 * N / 3)`, 43 for the default 32 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_token::Token;
    ///
    /// assert_eq!(Token::<16>::ENCODED_LEN, 22);
    /// assert_eq!(Token::<32>::ENCODED_LEN, 43);
    /// assert_eq!(Token::<64>::ENCODED_LEN, 86);
    /// ```
    pub const ENCODED_LEN: usize = crate::encoded_len(N);

    /// Makes a token from the operating system's CSPRNG (`getrandom`).
    ///
    /// This is the Go library's `sessiontoken.New`, minus its failure mode: an RNG error is
    /// returned, never a short or predictable token.
    ///
    /// # Errors
    ///
    /// Returns [`GenerateError`](crate::GenerateError) when the OS random number generator fails. There is no
    /// fallback to a weaker source.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> Result<(), session_token::GenerateError> {
    /// let a = session_token::Token::<32>::generate()?;
    /// let b = session_token::Token::<32>::generate()?;
    /// assert_ne!(a, b);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "getrandom")]
    #[cfg_attr(docsrs, doc(cfg(feature = "getrandom")))]
    pub fn generate() -> Result<Self, crate::GenerateError> {
        Self::from_fill(getrandom::fill).map_err(crate::GenerateError::from)
    }

    /// Makes a token from a cryptographically secure random number generator.
    ///
    /// For `no_std` targets without an OS generator, and for deterministic tests with a seeded
    /// crypto RNG. The bound is `rand_core::TryCryptoRng`: a generator that does not claim to
    /// be cryptographically secure is rejected at compile time.
    ///
    /// # Errors
    ///
    /// Returns the generator's own error when it fails; no token is made from partial output.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::convert::Infallible;
    /// use session_token::rand_core::{TryCryptoRng, TryRng};
    /// use session_token::Token;
    ///
    /// /// A stand-in for a seeded crypto RNG (e.g. `rand_chacha::ChaCha20Rng`).
    /// struct Fixed(u8);
    /// impl TryRng for Fixed {
    ///     type Error = Infallible;
    ///     fn try_next_u32(&mut self) -> Result<u32, Infallible> { Ok(u32::from(self.0)) }
    ///     fn try_next_u64(&mut self) -> Result<u64, Infallible> { Ok(u64::from(self.0)) }
    ///     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
    ///         dst.fill(self.0);
    ///         Ok(())
    ///     }
    /// }
    /// impl TryCryptoRng for Fixed {}
    ///
    /// let token = Token::<16>::from_rng(&mut Fixed(0))?;
    /// assert_eq!(token.as_bytes(), &[0; 16]);
    /// # Ok::<(), Infallible>(())
    /// ```
    ///
    /// A generator that is not marked `TryCryptoRng` does not compile:
    ///
    /// ```compile_fail
    /// use core::convert::Infallible;
    /// use session_token::rand_core::TryRng;
    ///
    /// struct Counter(u8);
    /// impl TryRng for Counter {
    ///     type Error = Infallible;
    ///     fn try_next_u32(&mut self) -> Result<u32, Infallible> { Ok(0) }
    ///     fn try_next_u64(&mut self) -> Result<u64, Infallible> { Ok(0) }
    ///     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> { Ok(()) }
    /// }
    ///
    /// let token = session_token::Token::<32>::from_rng(&mut Counter(0));
    /// ```
    pub fn from_rng<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, R::Error> {
        Self::from_fill(|buf| rng.try_fill_bytes(buf))
    }

    /// Fills a fresh buffer with `fill`; the token exists only if `fill` succeeded.
    fn from_fill<E>(fill: impl FnOnce(&mut [u8]) -> Result<(), E>) -> Result<Self, E> {
        let () = Self::VALID_LEN;
        let mut token = Self { bytes: [0; N] };
        fill(&mut token.bytes)?;
        Ok(token)
    }

    /// Wraps `N` bytes the caller already has (from a store, a test vector, a custom source).
    ///
    /// # Examples
    ///
    /// ```
    /// let token = session_token::Token::<16>::from_bytes([7; 16]);
    /// assert_eq!(token.as_bytes(), &[7; 16]);
    /// ```
    #[must_use]
    pub const fn from_bytes(bytes: [u8; N]) -> Self {
        let () = Self::VALID_LEN;
        Self { bytes }
    }

    /// The token's raw bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = session_token::Token::<16>::from_bytes([7; 16]);
    /// assert_eq!(token.as_bytes().len(), 16);
    /// ```
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; N] {
        &self.bytes
    }

    /// Encodes the token as base64url without padding (RFC 4648 section 5) into a stack buffer.
    ///
    /// No allocation; the result derefs to `&str` and is exactly [`Self::ENCODED_LEN`] long.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_token::Token;
    ///
    /// let token = Token::<16>::from_bytes(*b"any carnal pleas");
    /// assert_eq!(token.encode().as_str(), "YW55IGNhcm5hbCBwbGVhcw");
    /// ```
    #[must_use]
    pub fn encode(&self) -> Encoded {
        let mut buf = [0; MAX_ENCODED_LEN];
        let len = codec::encode(&self.bytes, &mut buf);
        debug_assert_eq!(len, Self::ENCODED_LEN);
        Encoded::new(buf, len)
    }

    /// Decodes the canonical base64url form of a token (a `&str`, `&[u8]`, `String`, ...).
    ///
    /// Strict and total: the exact length is checked first (an O(1) reject for anything of
    /// another length, however large), then only the canonical form is accepted: no padding,
    /// no `+` or `/`, no whitespace anywhere, no non-ASCII bytes, no non-zero trailing bits.
    /// So every token has exactly one string form, and `decode(s)?.encode() == s`.
    ///
    /// # Errors
    ///
    /// Returns a [`DecodeError`] naming the broken rule; it never contains the input.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_token::{DecodeError, Token};
    ///
    /// let token = Token::<16>::decode("YW55IGNhcm5hbCBwbGVhcw")?;
    /// assert_eq!(token.as_bytes(), b"any carnal pleas");
    ///
    /// assert_eq!(Token::<16>::decode("YW55IGNhcm5hbCBwbGVhcw=="), Err(DecodeError::Length));
    /// assert_eq!(Token::<16>::decode(" W55IGNhcm5hbCBwbGVhcw"), Err(DecodeError::Symbol));
    /// assert_eq!(Token::<16>::decode("YW55IGNhcm5hbCBwbGVhcx"), Err(DecodeError::NonCanonical));
    /// # Ok::<(), DecodeError>(())
    /// ```
    pub fn decode(input: impl AsRef<[u8]>) -> Result<Self, DecodeError> {
        Self::decode_bytes(input.as_ref())
    }

    fn decode_bytes(input: &[u8]) -> Result<Self, DecodeError> {
        let () = Self::VALID_LEN;
        if input.len() != Self::ENCODED_LEN {
            return Err(DecodeError::Length);
        }
        let mut token = Self { bytes: [0; N] };
        codec::decode(input, &mut token.bytes)?;
        Ok(token)
    }

    /// The SHA-256 digest of the token's bytes: the key to store sessions under.
    ///
    /// Store this, never the token: whoever reads the store (a backup, a replica, an injection)
    /// then holds digests that no cookie can be made from. Look a request's token up by its
    /// digest; the digest is public-safe to compare with `==`.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_token::Token;
    ///
    /// let token = Token::<16>::from_bytes([0; 16]);
    /// let key: [u8; 32] = token.hash();
    /// assert_eq!(key[..4], [0x37, 0x47, 0x08, 0xff]);
    /// ```
    #[cfg(feature = "sha2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sha2")))]
    #[must_use]
    pub fn hash(&self) -> [u8; 32] {
        use sha2::Digest as _;
        sha2::Sha256::digest(self.bytes).into()
    }
}

impl<const N: usize> PartialEq for Token<N> {
    /// Constant-time in the token's contents.
    fn eq(&self, other: &Self) -> bool {
        self.bytes[..].ct_eq(&other.bytes[..]).into()
    }
}

impl<const N: usize> Eq for Token<N> {}

impl<const N: usize> fmt::Debug for Token<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

impl<const N: usize> FromStr for Token<N> {
    type Err = DecodeError;

    /// Same as [`Token::decode`].
    fn from_str(s: &str) -> Result<Self, DecodeError> {
        Self::decode_bytes(s.as_bytes())
    }
}

impl<const N: usize> From<[u8; N]> for Token<N> {
    fn from(bytes: [u8; N]) -> Self {
        Self::from_bytes(bytes)
    }
}

#[cfg(feature = "alloc")]
impl<const N: usize> From<&Token<N>> for alloc::string::String {
    /// The encoded form, as an owned `String`.
    fn from(token: &Token<N>) -> Self {
        Self::from(token.encode().as_str())
    }
}

#[cfg(feature = "zeroize")]
impl<const N: usize> Drop for Token<N> {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.bytes);
    }
}

#[cfg(feature = "zeroize")]
impl<const N: usize> zeroize::ZeroizeOnDrop for Token<N> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Failed;

    #[test]
    fn a_failing_source_makes_no_token() {
        let res = Token::<32>::from_fill(|buf: &mut [u8]| {
            buf.fill(0xaa); // partial output must not escape
            Err(Failed)
        });
        assert_eq!(res.err(), Some(Failed));
    }

    #[cfg(feature = "getrandom")]
    #[test]
    fn generate_maps_the_os_error() {
        // `generate` is `from_fill(getrandom::fill)` plus this mapping.
        let res = Token::<32>::from_fill(|_: &mut [u8]| Err(getrandom::Error::UNSUPPORTED))
            .map_err(crate::GenerateError::from);
        assert_eq!(
            res.err().map(|e| e.getrandom()),
            Some(getrandom::Error::UNSUPPORTED)
        );
    }

    #[test]
    fn encoded_len_formula() {
        assert_eq!(Token::<16>::ENCODED_LEN, 22);
        assert_eq!(Token::<32>::ENCODED_LEN, 43);
        assert_eq!(Token::<33>::ENCODED_LEN, 44);
        assert_eq!(Token::<48>::ENCODED_LEN, 64);
        assert_eq!(Token::<64>::ENCODED_LEN, MAX_ENCODED_LEN);
    }
}
