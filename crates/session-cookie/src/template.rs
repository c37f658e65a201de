//! Validation of the cookie template and the precomputed parts of every `Set-Cookie`.

use core::fmt::Write as _;

use cookie::{Cookie, Expiration, SameSite};

use crate::ConfigError;
use crate::lifetime::{CookieLifetime, MaxAge};

/// The RFC 6265bis cap on `Max-Age`: 400 days, in seconds.
pub(crate) const MAX_AGE_CAP_SECS: i64 = 400 * 24 * 60 * 60;
/// The most a browser stores for one cookie's name plus value (RFC 6265bis).
pub(crate) const MAX_NAME_VALUE_LEN: usize = 4096;
/// The most a browser accepts for one attribute value (RFC 6265bis).
pub(crate) const MAX_ATTRIBUTE_LEN: usize = 1024;

const HOST_PREFIX: &[u8] = b"__Host-";
const SECURE_PREFIX: &[u8] = b"__Secure-";
const EPOCH: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// A validated template, turned into the strings every `Set-Cookie` is made of.
#[derive(Clone)]
pub(crate) struct Compiled {
    /// `name=`: what a `Set-Cookie` starts with.
    pub(crate) prefix: Box<str>,
    /// `; Path=/; Secure; HttpOnly; SameSite=Lax` and the like: what follows the token.
    pub(crate) suffix: Box<str>,
    /// The whole removal `Set-Cookie` value.
    pub(crate) removal: Box<str>,
    /// The `Path` attribute.
    pub(crate) path: Box<str>,
    /// The `Domain` attribute, without a leading `.`, if any.
    pub(crate) domain: Option<Box<str>>,
    /// `; Secure; HttpOnly; SameSite=Lax` and the like: the flags every `Set-Cookie` repeats.
    flags: Box<str>,
    /// `; Path=/app; Domain=example.com`: the scope attributes.
    scope: Box<str>,
    /// The template's `Max-Age` in seconds (1 to [`MAX_AGE_CAP_SECS`]), if any.
    max_age: Option<u64>,
}

impl Compiled {
    /// The cookie name (the prefix without its `=`).
    pub(crate) fn name(&self) -> &str {
        self.prefix.strip_suffix('=').unwrap_or(&self.prefix)
    }

    /// The longest `Max-Age` a persistent cookie gets, in seconds: the template's `Max-Age`
    /// if it has one, else the RFC 6265bis cap (400 days).
    pub(crate) fn max_age_cap(&self) -> u64 {
        self.max_age.unwrap_or(MAX_AGE_CAP_SECS.unsigned_abs())
    }

    /// The `Set-Cookie` value that sets the cookie to `encoded` (a token) for `lifetime`
    /// instead of the template's own `Max-Age`: capped at [`max_age_cap`](Self::max_age_cap),
    /// and the removal value when no time is left.
    pub(crate) fn value_with(&self, encoded: &str, lifetime: CookieLifetime) -> String {
        let max_age = match lifetime.resolve(self.max_age_cap()) {
            MaxAge::Expired => return String::from(&*self.removal),
            MaxAge::None => None,
            MaxAge::Secs(secs) => Some(secs),
        };
        // `; Max-Age=` and at most 8 digits (400 days is 34,560,000 s).
        let len = self.prefix.len() + encoded.len() + self.scope.len() + 18 + self.flags.len();
        let mut value = String::with_capacity(len);
        value.push_str(&self.prefix);
        value.push_str(encoded);
        value.push_str(&self.scope);
        if let Some(secs) = max_age {
            // `write!` to a String cannot fail.
            let _ = write!(value, "; Max-Age={secs}");
        }
        value.push_str(&self.flags);
        value
    }

    /// The removal `Set-Cookie` for this cookie's name and flags in another scope: `Path`
    /// and `Domain` validated as a template's are.
    pub(crate) fn removal_in(
        &self,
        domain: Option<&str>,
        path: &str,
    ) -> Result<String, ConfigError> {
        check_path(path)?;
        let domain = domain.map(|d| d.strip_prefix('.').unwrap_or(d));
        if let Some(domain) = domain {
            check_domain(domain)?;
        }
        Ok(removal(self.name(), &scope(path, domain), &self.flags))
    }
}

/// `; Path=/app; Domain=example.com`: the scope attributes, in a fixed order.
fn scope(path: &str, domain: Option<&str>) -> String {
    let mut scope = format!("; Path={path}");
    if let Some(domain) = domain {
        // `write!` to a String cannot fail.
        let _ = write!(scope, "; Domain={domain}");
    }
    scope
}

/// The removal `Set-Cookie`: empty value, `Max-Age=0` and an `Expires` in 1970.
fn removal(name: &str, scope: &str, flags: &str) -> String {
    format!("{name}={scope}; Max-Age=0; Expires={EPOCH}{flags}")
}

/// RFC 9110 `tchar`: the bytes a cookie name may hold.
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// `true` if `name` starts with `prefix` ignoring ASCII case.
fn starts_with_ignore_case(name: &[u8], prefix: &[u8]) -> bool {
    name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn check_name(name: &str, encoded_len: usize) -> Result<(), ConfigError> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|&b| is_tchar(b)) {
        return Err(ConfigError::InvalidName);
    }
    for prefix in [HOST_PREFIX, SECURE_PREFIX] {
        if starts_with_ignore_case(bytes, prefix) && !bytes.starts_with(prefix) {
            return Err(ConfigError::MiscasedPrefix);
        }
    }
    if bytes.len().saturating_add(encoded_len) > MAX_NAME_VALUE_LEN {
        return Err(ConfigError::TooLong);
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), ConfigError> {
    let bytes = path.as_bytes();
    if bytes.len() > MAX_ATTRIBUTE_LEN {
        return Err(ConfigError::AttributeTooLong);
    }
    let visible = |b: &u8| matches!(b, 0x21..=0x7e) && *b != b';';
    if bytes.first() != Some(&b'/') || !bytes.iter().all(visible) {
        return Err(ConfigError::InvalidPath);
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), ConfigError> {
    if domain.len() > MAX_ATTRIBUTE_LEN {
        return Err(ConfigError::AttributeTooLong);
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if domain.is_empty() || !domain.split('.').all(label_ok) {
        return Err(ConfigError::InvalidDomain);
    }
    Ok(())
}

/// Whether a template may lack `Secure`: only through
/// [`CookieProxy::new_insecure_for_local_development`](crate::CookieProxy::new_insecure_for_local_development).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// `Secure` is required.
    HttpsOnly,
    /// `Secure` may be missing (plain-HTTP development).
    PlainHttpAllowed,
}

/// Validates `base` for tokens of `encoded_len` characters and precomputes the `Set-Cookie`
/// parts.
pub(crate) fn compile(
    base: &Cookie<'_>,
    encoded_len: usize,
    transport: Transport,
) -> Result<Compiled, ConfigError> {
    let name = base.name();
    check_name(name, encoded_len)?;
    let path = base.path().ok_or(ConfigError::MissingPath)?;
    check_path(path)?;
    // `cookie` already drops one leading `.` (RFC 6265bis ignores it).
    let domain = base.domain();
    if let Some(domain) = domain {
        check_domain(domain)?;
    }
    let secure = base.secure() == Some(true);
    let http_only = base.http_only() == Some(true);
    let partitioned = base.partitioned() == Some(true);
    let same_site = base.same_site();

    if name.as_bytes().starts_with(HOST_PREFIX) {
        if !secure {
            return Err(ConfigError::HostPrefixNeedsSecure);
        }
        if domain.is_some() {
            return Err(ConfigError::HostPrefixWithDomain);
        }
        if path != "/" {
            return Err(ConfigError::HostPrefixNeedsRootPath);
        }
    }
    if name.as_bytes().starts_with(SECURE_PREFIX) && !secure {
        return Err(ConfigError::SecurePrefixNeedsSecure);
    }
    if same_site == Some(SameSite::None) && !secure {
        return Err(ConfigError::SameSiteNoneNeedsSecure);
    }
    if partitioned && !secure {
        return Err(ConfigError::PartitionedNeedsSecure);
    }
    if !http_only {
        return Err(ConfigError::MissingHttpOnly);
    }
    if same_site.is_none() {
        return Err(ConfigError::MissingSameSite);
    }
    if !secure && transport == Transport::HttpsOnly {
        return Err(ConfigError::MissingSecure);
    }
    let max_age = match base.max_age() {
        None => None,
        Some(age) if age.whole_seconds() > MAX_AGE_CAP_SECS => {
            return Err(ConfigError::MaxAgeTooLong);
        }
        Some(age) if age.whole_seconds() < 1 => return Err(ConfigError::MaxAgeNotPositive),
        Some(age) => Some(age.whole_seconds().unsigned_abs()),
    };
    if let Some(Expiration::DateTime(_)) = base.expires() {
        return Err(ConfigError::FixedExpires);
    }

    // The attributes every Set-Cookie repeats, in a fixed order. `write!` to a String
    // cannot fail, so its results are ignored.
    let scope = scope(path, domain);
    let mut flags = String::new();
    if secure {
        flags.push_str("; Secure");
    }
    if http_only {
        flags.push_str("; HttpOnly");
    }
    match same_site {
        Some(SameSite::Strict) => flags.push_str("; SameSite=Strict"),
        Some(SameSite::Lax) => flags.push_str("; SameSite=Lax"),
        Some(SameSite::None) => flags.push_str("; SameSite=None"),
        None => {}
    }
    if partitioned {
        flags.push_str("; Partitioned");
    }

    let mut suffix = scope.clone();
    if let Some(secs) = max_age {
        let _ = write!(suffix, "; Max-Age={secs}");
    }
    suffix.push_str(&flags);
    Ok(Compiled {
        prefix: format!("{name}=").into(),
        suffix: suffix.into(),
        removal: removal(name, &scope, &flags).into(),
        path: path.into(),
        domain: domain.map(Into::into),
        flags: flags.into(),
        scope: scope.into(),
        max_age,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tchar_matches_rfc_9110() {
        let expected: Vec<u8> = (0u8..=127)
            .filter(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
            .collect();
        let got: Vec<u8> = (0u8..=255).filter(|&b| is_tchar(b)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn compiled_parts() {
        let base = Cookie::build(("sid", "ignored"))
            .path("/app")
            .domain(".example.com")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(cookie::time::Duration::hours(1))
            .build();
        let c = compile(&base, 43, Transport::HttpsOnly).unwrap();
        assert_eq!(c.name(), "sid");
        assert_eq!(&*c.prefix, "sid=");
        assert_eq!(
            &*c.suffix,
            "; Path=/app; Domain=example.com; Max-Age=3600; Secure; HttpOnly; SameSite=Strict"
        );
        assert_eq!(
            &*c.removal,
            "sid=; Path=/app; Domain=example.com; Max-Age=0; \
             Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn values_with_a_lifetime() {
        use core::time::Duration;

        let base = Cookie::build(("sid", "ignored"))
            .path("/app")
            .domain("example.com")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(cookie::time::Duration::hours(1))
            .build();
        let c = compile(&base, 3, Transport::HttpsOnly).unwrap();
        assert_eq!(c.max_age_cap(), 3600);
        let flags = "; Secure; HttpOnly; SameSite=Strict";
        let persistent = |secs| CookieLifetime::Persistent(Duration::from_secs(secs));
        assert_eq!(
            c.value_with("tok", CookieLifetime::BrowserSession),
            format!("sid=tok; Path=/app; Domain=example.com{flags}")
        );
        assert_eq!(
            c.value_with("tok", persistent(60)),
            format!("sid=tok; Path=/app; Domain=example.com; Max-Age=60{flags}")
        );
        assert_eq!(
            c.value_with("tok", persistent(u64::MAX)),
            format!("sid=tok; Path=/app; Domain=example.com; Max-Age=3600{flags}"),
            "capped by the template's Max-Age"
        );
        assert_eq!(c.value_with("tok", persistent(0)), &*c.removal);
        // The template's own Max-Age, through value_with, is the suffix start_value writes.
        assert_eq!(
            c.value_with("tok", persistent(3600)),
            format!("sid=tok{}", c.suffix)
        );

        let session = Cookie::build(("sid", ""))
            .path("/")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Lax)
            .build();
        let c = compile(&session, 3, Transport::HttpsOnly).unwrap();
        assert_eq!(c.max_age_cap(), 400 * 24 * 3600);
        assert_eq!(
            c.value_with("tok", persistent(u64::MAX)),
            "sid=tok; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=Lax",
            "capped at 400 days"
        );
        assert_eq!(
            c.value_with("tok", CookieLifetime::BrowserSession),
            format!("sid=tok{}", c.suffix)
        );
    }

    #[test]
    fn domain_labels() {
        assert!(check_domain("example.com").is_ok());
        assert!(check_domain("a-b.c1").is_ok());
        for bad in [
            "",
            "a..b",
            "a.",
            "exa mple.com",
            "ex;ample",
            "ex\u{e9}mple.com",
            "a:1",
        ] {
            assert_eq!(
                check_domain(bad),
                Err(ConfigError::InvalidDomain),
                "{bad:?}"
            );
        }
    }
}
