//! The origin grammar: trusted origins (strict, at configuration time) and the authority of
//! a request's `Origin` (byte-level, per request).

use super::{CrossOriginConfigError, MAX_BYPASS_PATH_BYTES, MAX_ORIGIN_BYTES};

/// The `host[:port]` of a request's `Origin` (`http://` or `https://`, either in any case,
/// then a non-empty authority), compared byte for byte with the request's host by the
/// caller. `None` when the value is not such an origin: another scheme, user info, a path,
/// a query, a fragment, or a byte that cannot appear in an authority.
pub(super) fn authority(origin: &[u8]) -> Option<&[u8]> {
    let rest = strip_prefix_ignore_case(origin, b"https://")
        .or_else(|| strip_prefix_ignore_case(origin, b"http://"))?;
    (!rest.is_empty() && rest.iter().all(|&b| is_authority_byte(b))).then_some(rest)
}

fn strip_prefix_ignore_case<'a>(value: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, rest) = value.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

/// RFC 3986 `authority` bytes without user info: unreserved, percent, sub-delims, `:` and
/// the IP-literal brackets.
const fn is_authority_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'%'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
        )
}

/// A trusted origin is exactly what a browser sends: `http://` or `https://`, a lower-case
/// host (a name, or an IPv6 address in brackets), an optional non-default port, nothing
/// else.
pub(super) fn validate_trusted(origin: &str) -> Result<(), CrossOriginConfigError> {
    if origin.len() > MAX_ORIGIN_BYTES {
        return Err(CrossOriginConfigError::OriginTooLong);
    }
    let (rest, default_port) = if let Some(rest) = origin.strip_prefix("https://") {
        (rest.as_bytes(), b"443".as_slice())
    } else if let Some(rest) = origin.strip_prefix("http://") {
        (rest.as_bytes(), b"80".as_slice())
    } else {
        return Err(CrossOriginConfigError::OriginScheme);
    };
    let host_len = if rest.first() == Some(&b'[') {
        // `[` lower-case hex digits, `:` and `.` (an IPv4 tail) `]`.
        let close = rest
            .iter()
            .position(|&b| b == b']')
            .ok_or(CrossOriginConfigError::OriginHost)?;
        let inside = &rest[1..close];
        if inside.is_empty()
            || !inside
                .iter()
                .all(|&b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b':' | b'.'))
        {
            return Err(CrossOriginConfigError::OriginHost);
        }
        close + 1
    } else {
        rest.iter()
            .position(|&b| !is_host_name_byte(b))
            .unwrap_or(rest.len())
    };
    if host_len == 0 {
        return Err(CrossOriginConfigError::OriginHost);
    }
    let mut tail = &rest[host_len..];
    if let Some(port_and_more) = tail.strip_prefix(b":") {
        let digits = port_and_more
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(port_and_more.len());
        let port = &port_and_more[..digits];
        if !is_port(port) {
            return Err(CrossOriginConfigError::OriginPort);
        }
        if port == default_port {
            return Err(CrossOriginConfigError::OriginDefaultPort);
        }
        tail = &port_and_more[digits..];
    }
    match tail.first() {
        None => Ok(()),
        Some(b'/' | b'?' | b'#' | b'@') => Err(CrossOriginConfigError::OriginNotBare),
        // A letter in upper case, a non-ASCII byte, or a character no host holds.
        Some(_) => Err(CrossOriginConfigError::OriginHost),
    }
}

/// The bytes of a host name as browsers send it: lower-case letters, digits, `-`, `.`, `_`.
const fn is_host_name_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_')
}

/// 1 to 65535, without a leading zero.
fn is_port(digits: &[u8]) -> bool {
    if digits.is_empty() || digits.len() > 5 || digits[0] == b'0' {
        return false;
    }
    let value = digits
        .iter()
        .fold(0_u32, |n, &d| n * 10 + u32::from(d - b'0'));
    value <= 65_535
}

/// `/`, then visible ASCII without `?` or `#`.
pub(super) fn validate_bypass_path(path: &str) -> Result<(), CrossOriginConfigError> {
    let ok = path.len() <= MAX_BYPASS_PATH_BYTES
        && path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#');
    if ok {
        Ok(())
    } else {
        Err(CrossOriginConfigError::BypassPath)
    }
}
