//! A session's record packed in one value, the `r` field of its key's hash, so that a load
//! is one `HGET` answered with one bulk string:
//!
//! ```text
//! 1:{created}:{seen}:{expires}:{flags}:{user id length}:{user id}{label}
//! ```
//!
//! `1` is the layout's version; the times are decimal integers (an optional `-`, then
//! digits), as the store gave them; `flags` is one digit, `1` for a persistent cookie plus
//! `2` if the session has a label; the user id's [`encode`](UserId::encode)d bytes come
//! after their length in decimal, and the label's UTF-8 runs to the end (there is nothing
//! after the user id when the session has no label). The Lua scripts read the same layout
//! (`record` in `scripts.rs`) and rewrite only `seen`.

use session_store::Record;

use crate::error::BackendError;
use crate::user_id::UserId;

/// The hash field that holds the packed record.
pub(crate) const FIELD: &str = "r";

/// The flag bit of a persistent cookie.
const PERSISTENT: u8 = 1;
/// The flag bit of a session with a label.
const LABELED: u8 = 2;

/// `r` packed: the value of its key's [`FIELD`].
pub(crate) fn pack<U: UserId>(r: &Record<U>) -> Vec<u8> {
    let user = r.user_id.encode();
    let label = r.label.as_deref();
    let flags =
        if r.persistent { PERSISTENT } else { 0 } | if label.is_some() { LABELED } else { 0 };
    let head = format!(
        "1:{}:{}:{}:{}:{}:",
        r.created_at,
        r.last_seen_at,
        r.expires_at,
        flags,
        user.len()
    );
    let label = label.unwrap_or_default().as_bytes();
    let mut out = Vec::with_capacity(head.len() + user.len() + label.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(&user);
    out.extend_from_slice(label);
    out
}

/// The parts of a packed record, borrowed from it.
struct Parts<'a> {
    created: i64,
    seen: i64,
    expires: i64,
    persistent: bool,
    user: &'a [u8],
    /// Where the label starts, if there is one.
    label: Option<usize>,
}

/// The parts of `bytes`, or `None` unless it is a record of this layout.
fn parts(bytes: &[u8]) -> Option<Parts<'_>> {
    let rest = bytes.strip_prefix(b"1:")?;
    let (created, rest) = int(rest)?;
    let (seen, rest) = int(rest)?;
    let (expires, rest) = int(rest)?;
    let [flags @ b'0'..=b'3', b':', rest @ ..] = rest else {
        return None;
    };
    let flags = flags - b'0';
    let (len, rest) = field(rest)?;
    if len.is_empty() || !len.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let len: usize = std::str::from_utf8(len).ok()?.parse().ok()?;
    let user = rest.get(..len)?;
    let after = &rest[len..];
    let label = if flags & LABELED == 0 {
        if !after.is_empty() {
            return None;
        }
        None
    } else {
        Some(bytes.len() - after.len())
    };
    Some(Parts {
        created,
        seen,
        expires,
        persistent: flags & PERSISTENT != 0,
        user,
        label,
    })
}

/// The bytes before the next `:`, and those after it.
fn field(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|&b| b == b':')?;
    Some((&bytes[..at], &bytes[at + 1..]))
}

/// A decimal integer (an optional `-`, then digits) ended by `:`, and the bytes after it.
fn int(bytes: &[u8]) -> Option<(i64, &[u8])> {
    let (text, rest) = field(bytes)?;
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((std::str::from_utf8(text).ok()?.parse().ok()?, rest))
}

/// The record packed in `bytes`, stored under `key`; its user id decoded unless `user` is
/// given (the caller knows it, and has checked the stored one matches).
pub(crate) fn unpack<U: UserId>(
    key: [u8; 32],
    mut bytes: Vec<u8>,
    user: Option<&U>,
) -> Result<Record<U>, BackendError> {
    let parts = parts(&bytes).ok_or(BackendError::Malformed)?;
    let user_id = match user {
        Some(user) => user.clone(),
        None => U::decode(parts.user).ok_or(BackendError::Malformed)?,
    };
    let (created_at, last_seen_at, expires_at, persistent, label) = (
        parts.created,
        parts.seen,
        parts.expires,
        parts.persistent,
        parts.label,
    );
    let label = match label {
        None => None,
        Some(start) => {
            // The label is the tail: move it to the front of the reply's own buffer.
            bytes.drain(..start);
            Some(String::from_utf8(bytes).map_err(|_| BackendError::Malformed)?)
        }
    };
    Ok(Record {
        key,
        user_id,
        created_at,
        last_seen_at,
        expires_at,
        label,
        persistent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(label: Option<&str>, persistent: bool) -> Record<String> {
        Record {
            key: [7; 32],
            user_id: "ada:1".to_owned(),
            created_at: -5,
            last_seen_at: 1_700_000_000,
            expires_at: i64::MAX,
            label: label.map(str::to_owned),
            persistent,
        }
    }

    #[test]
    fn round_trips() {
        for label in [None, Some(""), Some("Firefox: 1:2:3 ü")] {
            for persistent in [false, true] {
                let r = record(label, persistent);
                let packed = pack(&r);
                let back = unpack::<String>([7; 32], packed.clone(), None).expect("unpack");
                assert_eq!(back, r);
                let known = "ada:1".to_owned();
                let back = unpack([7; 32], packed, Some(&known)).expect("unpack");
                assert_eq!(back, r);
            }
        }
        let packed = pack(&record(Some("x"), true));
        assert_eq!(
            packed,
            format!("1:-5:1700000000:{}:3:5:ada:1x", i64::MAX).into_bytes()
        );
        let min = Record {
            created_at: i64::MIN,
            ..record(None, false)
        };
        assert_eq!(unpack::<String>([7; 32], pack(&min), None).ok(), Some(min));
    }

    #[test]
    fn anything_else_is_malformed() {
        let cases: &[&[u8]] = &[
            b"",
            b"1",
            b"2:1:1:2:0:1:7",
            b"1:x:1:2:0:1:7",
            b"1:+1:1:2:0:1:7",
            b"1:-:1:2:0:1:7",
            b"1:1:1:99999999999999999999:0:1:7",
            b"1:1:1:2:4:1:7",
            b"1:1:1:2:0:2:7",
            b"1:1:1:2:0::7",
            b"1:1:1:2:0:-1:7",
            b"1:1:1:2:0:1:7x",
            b"1:1:1:2:2:1:7\xff",
            b"1:1:1:2:0:1:",
            b"1:1:1:2:0:2:01",
            b"1:1:1:2",
            b"\xff\xff",
        ];
        for &bytes in cases {
            let result = unpack::<i64>([0; 32], bytes.to_vec(), None);
            assert!(
                matches!(result, Err(BackendError::Malformed)),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        assert_eq!(
            unpack::<i64>([0; 32], b"1:1:1:2:3:1:7ok".to_vec(), None)
                .ok()
                .and_then(|r| r.label),
            Some("ok".to_owned())
        );
    }
}
