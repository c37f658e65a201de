use std::borrow::Cow;

/// A user id type this backend can keep: how it is written into Redis and read back.
///
/// Provided: `i64` and `u64` (decimal digits), `String` (its UTF-8 bytes) and `Vec<u8>` (as
/// they are). For your own id (a UUID, a newtype), implement it: [`encode`](Self::encode)
/// must give every id one byte string of its own, and [`decode`](Self::decode) must read it
/// back.
///
/// The bytes are stored in each session and name the user's index key
/// (`{prefix}u:{bytes}`), so they must not change for a user while they have sessions.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use session_store_redis::UserId;
///
/// assert_eq!(42_i64.encode().as_ref(), b"42");
/// assert_eq!(i64::decode(b"42"), Some(42));
/// assert_eq!(i64::decode(b"4x"), None);
///
/// /// An id of your own: here, a 16-byte UUID kept as its raw bytes.
/// #[derive(Clone, Debug, PartialEq)]
/// struct AccountId([u8; 16]);
///
/// impl UserId for AccountId {
///     fn encode(&self) -> Cow<'_, [u8]> {
///         Cow::Borrowed(&self.0)
///     }
///
///     fn decode(bytes: &[u8]) -> Option<Self> {
///         bytes.try_into().ok().map(AccountId)
///     }
/// }
///
/// let id = AccountId([7; 16]);
/// assert_eq!(AccountId::decode(&id.encode()), Some(id));
/// ```
pub trait UserId: Clone + Send + Sync + 'static {
    /// The id's bytes in Redis: one byte string per id.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::UserId;
    ///
    /// assert_eq!("ada".to_owned().encode().as_ref(), b"ada");
    /// assert_eq!((-7_i64).encode().as_ref(), b"-7");
    /// ```
    fn encode(&self) -> Cow<'_, [u8]>;

    /// The id these bytes encode, or `None` if they encode none (the record is then
    /// reported as malformed).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::UserId;
    ///
    /// assert_eq!(u64::decode(b"7"), Some(7));
    /// assert_eq!(u64::decode(b"07"), None, "one form per id");
    /// assert_eq!(String::decode(b"\xff"), None, "not UTF-8");
    /// ```
    fn decode(bytes: &[u8]) -> Option<Self>;
}

impl UserId for i64 {
    fn encode(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.to_string().into_bytes())
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        canonical_integer(bytes)?.parse().ok()
    }
}

impl UserId for u64 {
    fn encode(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.to_string().into_bytes())
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        canonical_integer(bytes)?.parse().ok()
    }
}

impl UserId for String {
    fn encode(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.as_bytes())
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        String::from_utf8(bytes.to_vec()).ok()
    }
}

impl UserId for Vec<u8> {
    fn encode(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self)
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        Some(bytes.to_vec())
    }
}

/// `bytes` as text if it is an integer as `to_string` writes one: an optional `-`, then
/// digits without a leading zero (but `0` itself). So `+1`, `01` and `-0` decode to nothing,
/// and every id has one form.
fn canonical_integer(bytes: &[u8]) -> Option<&str> {
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let canonical = match digits {
        [] => false,
        [b'0'] => digits.len() == bytes.len(),
        [first, rest @ ..] => {
            first.is_ascii_digit() && *first != b'0' && rest.iter().all(u8::is_ascii_digit)
        }
    };
    canonical.then(|| std::str::from_utf8(bytes).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_in_one_form() {
        for id in [0, 1, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(i64::decode(&id.encode()), Some(id));
        }
        for id in [0, 7, u64::MAX] {
            assert_eq!(u64::decode(&id.encode()), Some(id));
        }
        for other in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b" 1",
            b"1 ",
            b"1e3",
            b"\xff",
        ] {
            assert_eq!(i64::decode(other), None, "{other:?}");
        }
        assert_eq!(u64::decode(b"-1"), None);
        assert_eq!(i64::decode(b"9223372036854775808"), None, "overflow");
    }

    #[test]
    fn strings_and_bytes_round_trip() {
        let name = "ada ü".to_owned();
        assert_eq!(String::decode(&name.encode()), Some(name));
        assert_eq!(String::decode(b"\xff"), None);
        let bytes = vec![0, 255, b'*'];
        assert_eq!(Vec::<u8>::decode(&bytes.encode()), Some(bytes));
    }
}
