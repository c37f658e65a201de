use core::fmt;
use core::ops::Deref;

use crate::MAX_ENCODED_LEN;

/// The base64url form of a [`Token`](crate::Token), held in a stack buffer.
///
/// Made by [`Token::encode`](crate::Token::encode); it derefs to `&str`. It is the token in a
/// form a client can send back, so it is treated as a secret too: `Debug` prints `Encoded(..)`,
/// there is no `Display` (write `enc.as_str()` where the value is really meant), and with the
/// `zeroize` feature the buffer is zeroed on drop.
///
/// # Examples
///
/// ```
/// use session_token::Token;
///
/// let token = Token::<16>::from_bytes([0xfb; 16]);
/// let enc = token.encode();
/// assert_eq!(enc.as_str(), "-_v7-_v7-_v7-_v7-_v7-w");
/// assert_eq!(enc.len(), Token::<16>::ENCODED_LEN);
/// assert_eq!(format!("{enc:?}"), "Encoded(..)");
/// ```
#[derive(Clone)]
pub struct Encoded {
    buf: [u8; MAX_ENCODED_LEN],
    len: usize,
}

impl Encoded {
    /// Takes the first `len` bytes of `buf`, which the encoder filled with base64url symbols.
    pub(crate) const fn new(buf: [u8; MAX_ENCODED_LEN], len: usize) -> Self {
        Self { buf, len }
    }

    /// The encoded token as a string slice.
    ///
    /// # Examples
    ///
    /// ```
    /// let enc = session_token::Token::<16>::from_bytes([0; 16]).encode();
    /// assert_eq!(enc.as_str(), "AAAAAAAAAAAAAAAAAAAAAA");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        // The buffer holds only base64url symbols (ASCII), so this never fails.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The encoded token as ASCII bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let enc = session_token::Token::<16>::from_bytes([0; 16]).encode();
    /// assert_eq!(enc.as_bytes(), b"AAAAAAAAAAAAAAAAAAAAAA");
    /// ```
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl Deref for Encoded {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Encoded {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Encoded {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Encoded(..)")
    }
}

#[cfg(feature = "alloc")]
impl From<Encoded> for alloc::string::String {
    fn from(enc: Encoded) -> Self {
        Self::from(enc.as_str())
    }
}

#[cfg(feature = "zeroize")]
impl Drop for Encoded {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

#[cfg(feature = "zeroize")]
impl zeroize::ZeroizeOnDrop for Encoded {}
