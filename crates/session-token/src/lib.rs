#![no_std]
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::alloc_instead_of_core
)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod codec;
mod encoded;
mod error;
mod token;

pub use crate::encoded::Encoded;
pub use crate::error::DecodeError;
#[cfg(feature = "getrandom")]
pub use crate::error::GenerateError;
pub use crate::token::Token;

/// The `rand_core` version whose `TryCryptoRng` [`Token::from_rng`] accepts.
pub use rand_core;

/// The smallest token length in bytes: 128 bits (OWASP, ASVS 5.0 7.2.3).
pub const MIN_LEN: usize = 16;
/// The largest token length in bytes.
pub const MAX_LEN: usize = 64;
/// The longest encoded form: that of a [`MAX_LEN`]-byte token.
pub const MAX_ENCODED_LEN: usize = encoded_len(MAX_LEN);

/// Length of the unpadded base64url form of `n` bytes.
pub(crate) const fn encoded_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}
