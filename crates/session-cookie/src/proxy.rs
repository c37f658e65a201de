use core::fmt;
use core::time::Duration;

use cookie::{Cookie, SameSite};
use session_token::Token;

use crate::parse::{self, DuplicatePolicy};
use crate::template::{self, Compiled, Transport};
use crate::{ConfigError, CookieLifetime, SetCookie};

/// The session cookie: a validated template (name and attributes) for tokens of `N` bytes.
///
/// The Go library's `CookieProxy{BaseCookie, IDLength}`, with strict parsing, safe defaults,
/// and `refresh`/`end` beside `load`/`start`. Build it once at startup and share it (it is
/// `Send + Sync`; clone it or put it in an `Arc`).
///
/// * [`CookieProxy::default`]: `__Host-id`, `Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`,
///   no `Domain`, a session cookie (no `Max-Age`). Use it in production.
/// * [`CookieProxy::new`]: your own template, validated.
/// * [`CookieProxy::insecure_for_local_development`]: for `http://localhost` only.
///
/// Reading: `load` (`http` 1.x) and [`load_from_values`](Self::load_from_values)
/// (raw header bytes). Writing: `start`, `refresh`,
/// `end` (`http` 1.x) and their [`SetCookie`] forms
/// [`start_value`](Self::start_value), [`refresh_value`](Self::refresh_value),
/// [`end_value`](Self::end_value).
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "http")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use http::{HeaderMap, HeaderValue, header};
/// use session_cookie::CookieProxy;
///
/// let proxy = CookieProxy::<32>::default();
///
/// // Login: a new token in a Set-Cookie.
/// let mut response = HeaderMap::new();
/// let token = proxy.start(&mut response)?;
///
/// // The browser sends it back.
/// let set_cookie = response[header::SET_COOKIE].to_str()?;
/// let pair = set_cookie.split(';').next().unwrap_or_default();
/// let mut request = HeaderMap::new();
/// request.insert(header::COOKIE, HeaderValue::from_str(&format!("theme=dark; {pair}"))?);
/// assert_eq!(proxy.load(&request), Some(token));
/// # Ok(()) }
/// # #[cfg(not(feature = "http"))] fn main() {}
/// ```
#[derive(Clone)]
pub struct CookieProxy<const N: usize = 32> {
    base: Cookie<'static>,
    compiled: Compiled,
    policy: DuplicatePolicy,
}

impl<const N: usize> CookieProxy<N> {
    /// Builds a proxy from a template cookie: its name and attributes are used for every
    /// `Set-Cookie`; its value is ignored.
    ///
    /// The template is checked against RFC 6265bis and RFC 9110, so a proxy never writes a
    /// cookie that browsers would drop or that `end` could not remove:
    ///
    /// * the name is a non-empty RFC 9110 token (no `;`, `=`, spaces, CR/LF, NUL, non-ASCII);
    /// * a `__Host-` name is `Secure`, has no `Domain` and `Path=/`; a `__Secure-` name is
    ///   `Secure`; a prefix in another case (`__host-`) is rejected;
    /// * `Path` is present, starts with `/` and is visible ASCII without `;`; `Domain` is a
    ///   plain host name; both are at most 1024 bytes;
    /// * `SameSite=None` and `Partitioned` need `Secure`;
    /// * `Max-Age`, if any, is between 1 second and 400 days; `Expires` is not a fixed date;
    /// * the name plus the encoded token fit in 4096 bytes;
    /// * it is `HttpOnly` (no script may read a session token), has an explicit `SameSite`
    ///   (browsers disagree on the default) and is `Secure` (never sent over plain HTTP,
    ///   where anyone on the path reads it). For `http://localhost` development only,
    ///   [`new_insecure_for_local_development`](Self::new_insecure_for_local_development)
    ///   accepts a template without `Secure`.
    ///
    /// `Secure`, `HttpOnly` and `SameSite` are written exactly as the template has them.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the first broken rule.
    ///
    /// # Examples
    ///
    /// ```
    /// use cookie::{Cookie, SameSite, time::Duration};
    /// use session_cookie::{ConfigError, CookieProxy};
    ///
    /// # fn main() -> Result<(), ConfigError> {
    /// let base = Cookie::build(("__Secure-sid", ""))
    ///     .path("/")
    ///     .domain("example.com")
    ///     .secure(true)
    ///     .http_only(true)
    ///     .same_site(SameSite::Strict)
    ///     .max_age(Duration::days(30))
    ///     .build();
    /// let proxy = CookieProxy::<32>::new(base)?;
    /// assert_eq!(proxy.name(), "__Secure-sid");
    ///
    /// let bad = Cookie::build(("session id", "")).path("/").build();
    /// assert_eq!(CookieProxy::<32>::new(bad).unwrap_err(), ConfigError::InvalidName);
    ///
    /// let script_readable = Cookie::build(("sid", "")).path("/").secure(true).build();
    /// assert_eq!(CookieProxy::<32>::new(script_readable).unwrap_err(), ConfigError::MissingHttpOnly);
    /// # Ok(()) }
    /// ```
    pub fn new(base: Cookie<'static>) -> Result<Self, ConfigError> {
        Self::compile(base, Transport::HttpsOnly)
    }

    /// Your own template for plain-HTTP development on `http://localhost` **only**: every
    /// rule of [`new`](Self::new) except that `Secure` may be missing, so browsers send the
    /// cookie over unencrypted connections, where anyone on the network path can read and
    /// replay it. Never use it on a deployed server (behind a TLS proxy too: the browser
    /// still speaks HTTPS, so keep `Secure`); gate it on a flag production cannot set.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the first broken rule; never
    /// [`MissingSecure`](ConfigError::MissingSecure).
    ///
    /// # Examples
    ///
    /// ```
    /// use cookie::{Cookie, SameSite};
    /// use session_cookie::{ConfigError, CookieProxy};
    ///
    /// # fn main() -> Result<(), ConfigError> {
    /// let base = Cookie::build(("dev-sid", "")).path("/").http_only(true).same_site(SameSite::Lax).build();
    /// assert_eq!(CookieProxy::<32>::new(base.clone()).unwrap_err(), ConfigError::MissingSecure);
    /// let dev = CookieProxy::<32>::new_insecure_for_local_development(base)?;
    /// assert!(!dev.end_value().as_str().contains("Secure"));
    /// # Ok(()) }
    /// ```
    pub fn new_insecure_for_local_development(base: Cookie<'static>) -> Result<Self, ConfigError> {
        Self::compile(base, Transport::PlainHttpAllowed)
    }

    fn compile(base: Cookie<'static>, transport: Transport) -> Result<Self, ConfigError> {
        let compiled = template::compile(&base, Token::<N>::ENCODED_LEN, transport)?;
        Ok(Self {
            base,
            compiled,
            policy: DuplicatePolicy::Reject,
        })
    }

    /// A proxy for plain-HTTP development on `http://localhost` **only**.
    ///
    /// The cookie is named `id` and is `HttpOnly`, `SameSite=Lax`, `Path=/`, a session
    /// cookie, like the default, but **without `Secure`** and without the `__Host-` prefix
    /// (which requires `Secure`), so browsers send it over unencrypted connections, where
    /// anyone on the network path can read and replay it. Never use it on a deployed server;
    /// gate it on a build or configuration flag that production cannot set.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CookieProxy;
    ///
    /// let dev = cfg!(debug_assertions) && std::env::var_os("APP_LOCAL_DEV").is_some();
    /// let proxy = if dev {
    ///     CookieProxy::<32>::insecure_for_local_development()
    /// } else {
    ///     CookieProxy::<32>::default()
    /// };
    /// # let _ = proxy;
    /// let dev = CookieProxy::<32>::insecure_for_local_development();
    /// assert_eq!(dev.name(), "id");
    /// assert!(!dev.end_value().as_str().contains("Secure"));
    /// ```
    #[must_use]
    pub fn insecure_for_local_development() -> Self {
        let base = Cookie::build(("id", ""))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .build();
        Self::from_known_good(base, Transport::PlainHttpAllowed)
    }

    /// For the two templates written in this crate, [`Default`] and
    /// [`insecure_for_local_development`](Self::insecure_for_local_development). Neither can
    /// fail validation: their name is a plain token, their attributes follow every rule, and
    /// the longest name and token (`__Host-id=` and 86 symbols for `N = 64`) are far under
    /// the 4096-byte limit; `built_in_templates_validate_for_every_len` checks every `N`.
    fn from_known_good(base: Cookie<'static>, transport: Transport) -> Self {
        Self::compile(base, transport)
            .expect("the built-in cookie templates are valid for every token length")
    }

    /// Sets what [`load_from_values`](Self::load_from_values) (and `load`) does when two different tokens arrive under the name.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CookieProxy, DuplicatePolicy};
    ///
    /// let proxy = CookieProxy::<32>::default().with_duplicate_policy(DuplicatePolicy::FirstWins);
    /// assert_eq!(proxy.duplicate_policy(), DuplicatePolicy::FirstWins);
    /// ```
    #[must_use]
    pub const fn with_duplicate_policy(mut self, policy: DuplicatePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The duplicate policy in force; [`DuplicatePolicy::Reject`] unless changed.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CookieProxy, DuplicatePolicy};
    ///
    /// assert_eq!(CookieProxy::<32>::default().duplicate_policy(), DuplicatePolicy::Reject);
    /// ```
    #[must_use]
    pub const fn duplicate_policy(&self) -> DuplicatePolicy {
        self.policy
    }

    /// The cookie name.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(session_cookie::CookieProxy::<32>::default().name(), "__Host-id");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        self.compiled.name()
    }

    /// The template the proxy was built from (its value is not used).
    ///
    /// # Examples
    ///
    /// ```
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// assert_eq!(proxy.base().path(), Some("/"));
    /// assert_eq!(proxy.base().secure(), Some(true));
    /// ```
    #[must_use]
    pub const fn base(&self) -> &Cookie<'static> {
        &self.base
    }

    /// Reads the session token from the raw values of a request's `Cookie` headers.
    ///
    /// The byte-level core of `load`, for libraries that do not use `http` 1.x
    /// (actix-web 4 is on `http` 0.2). Pass *every* `Cookie` header value, in order: HTTP/2
    /// clients may split cookies over several headers.
    ///
    /// The rules:
    ///
    /// * each header is split on `;`; space and tab around pairs, names and values are
    ///   ignored; pairs without `=` or with another name are skipped;
    /// * the name must match byte for byte (case-sensitive, never percent-decoded);
    /// * the value must be a well-formed token exactly as [`Token::decode`] accepts it
    ///   (no quotes, padding, whitespace inside, wrong length or non-canonical form);
    ///   anything else under the name is ignored;
    /// * bytes that are not UTF-8 only spoil the pair they are in;
    /// * two *different* tokens under the name mean no session, unless the proxy's
    ///   [`DuplicatePolicy`] is `FirstWins`; the same token twice is fine;
    /// * at most [`MAX_COOKIE_BYTES`](crate::MAX_COOKIE_BYTES) and
    ///   [`MAX_COOKIE_PAIRS`](crate::MAX_COOKIE_PAIRS) are read; past them the request has
    ///   no session (under `FirstWins`, a token found before them is returned).
    ///
    /// It never allocates and never panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CookieProxy;
    /// use session_token::Token;
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let token = Token::<32>::from_bytes([7; 32]);
    /// let pair = format!("__Host-id={}", token.encode().as_str());
    ///
    /// // Two headers (as HTTP/2 may send them), one with a pair that is not UTF-8.
    /// let headers: [&[u8]; 2] = [b"theme=dark; junk=\xff\xfe", pair.as_bytes()];
    /// assert_eq!(proxy.load_from_values(headers), Some(token));
    ///
    /// // As actix-web hands them over:
    /// // proxy.load_from_values(req.headers().get_all(header::COOKIE).map(|v| v.as_bytes()))
    /// assert_eq!(proxy.load_from_values(["__host-id=x; id=y"]), None);
    /// ```
    pub fn load_from_values<I>(&self, values: I) -> Option<Token<N>>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        parse::find(self.name().as_bytes(), self.policy, values)
    }

    /// Issues a new token and its `Set-Cookie` value (the byte-level form of
    /// `start`).
    ///
    /// The value is `name=token` followed by every template attribute, written explicitly.
    /// Call it on login (and on any privilege change), and delete the user's old session
    /// record: a fresh token defeats session fixation.
    ///
    /// # Errors
    ///
    /// [`GenerateError`](crate::GenerateError) when the operating system's random number
    /// generator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> Result<(), session_cookie::GenerateError> {
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// let (token, set_cookie) = proxy.start_value()?;
    /// assert_eq!(
    ///     set_cookie.as_str(),
    ///     format!("__Host-id={}; Path=/; Secure; HttpOnly; SameSite=Lax", token.encode().as_str()),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn start_value(&self) -> Result<(Token<N>, SetCookie), session_token::GenerateError> {
        let token = Token::<N>::generate()?;
        let set_cookie = self.refresh_value(&token);
        Ok((token, set_cookie))
    }

    /// The `Set-Cookie` value that re-issues `token` with a fresh expiry (the byte-level form
    /// of `refresh`).
    ///
    /// Only useful with a `Max-Age` in the template (sliding sessions): the browser restarts
    /// the cookie's lifetime. Your store must extend the session's own expiry too.
    ///
    /// # Examples
    ///
    /// ```
    /// use cookie::{Cookie, SameSite, time::Duration};
    /// use session_cookie::CookieProxy;
    /// use session_token::Token;
    ///
    /// # fn main() -> Result<(), session_cookie::ConfigError> {
    /// let base = Cookie::build(("__Host-id", "")).path("/").secure(true).http_only(true)
    ///     .same_site(SameSite::Lax).max_age(Duration::hours(2)).build();
    /// let proxy = CookieProxy::<32>::new(base)?;
    /// let token = Token::<32>::from_bytes([1; 32]);
    /// let set_cookie = proxy.refresh_value(&token);
    /// assert!(set_cookie.as_str().ends_with("; Path=/; Max-Age=7200; Secure; HttpOnly; SameSite=Lax"));
    /// # Ok(()) }
    /// ```
    pub fn refresh_value(&self, token: &Token<N>) -> SetCookie {
        let encoded = token.encode();
        let compiled = &self.compiled;
        let mut value =
            String::with_capacity(compiled.prefix.len() + encoded.len() + compiled.suffix.len());
        value.push_str(&compiled.prefix);
        value.push_str(&encoded);
        value.push_str(&compiled.suffix);
        SetCookie::new(value)
    }

    /// [`start_value`](Self::start_value) with the cookie's lifetime chosen for this login
    /// ("remember me") instead of the template's: a persistent cookie with a `Max-Age`, or a
    /// browser-session cookie without one. See [`CookieLifetime`] for the cap and the
    /// rounding; refresh with the same choice
    /// ([`refresh_value_with`](Self::refresh_value_with)).
    ///
    /// # Errors
    ///
    /// [`GenerateError`](crate::GenerateError) when the operating system's random number
    /// generator fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_cookie::{CookieLifetime, CookieProxy};
    ///
    /// # fn main() -> Result<(), session_cookie::GenerateError> {
    /// let proxy = CookieProxy::<32>::default();
    /// let keep_me_signed_in = true; // the login form's checkbox
    /// let lifetime = if keep_me_signed_in {
    ///     CookieLifetime::Persistent(Duration::from_secs(7 * 24 * 3600))
    /// } else {
    ///     CookieLifetime::BrowserSession
    /// };
    /// let (token, set_cookie) = proxy.start_value_with(lifetime)?;
    /// assert_eq!(
    ///     set_cookie.as_str(),
    ///     format!("__Host-id={}; Path=/; Max-Age=604800; Secure; HttpOnly; SameSite=Lax",
    ///             token.encode().as_str()),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn start_value_with(
        &self,
        lifetime: CookieLifetime,
    ) -> Result<(Token<N>, SetCookie), session_token::GenerateError> {
        let token = Token::<N>::generate()?;
        let set_cookie = self.refresh_value_with(&token, lifetime);
        Ok((token, set_cookie))
    }

    /// [`refresh_value`](Self::refresh_value) with the cookie's lifetime given: repeat the
    /// choice made at login, so a persistent cookie stays persistent and a browser-session
    /// cookie stays one. `Max-Age` is at most [`max_age_cap`](Self::max_age_cap); a
    /// persistent lifetime under one second gives the removal value (see
    /// [`CookieLifetime`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use cookie::{Cookie, SameSite, time};
    /// use session_cookie::{CookieLifetime, CookieProxy, Token};
    ///
    /// # fn main() -> Result<(), session_cookie::ConfigError> {
    /// // A template with a Max-Age of 2 hours: the cap of every persistent cookie.
    /// let base = Cookie::build(("__Host-id", "")).path("/").secure(true).http_only(true)
    ///     .same_site(SameSite::Lax).max_age(time::Duration::hours(2)).build();
    /// let proxy = CookieProxy::<32>::new(base)?;
    /// let token = Token::<32>::from_bytes([1; 32]);
    /// let day = CookieLifetime::Persistent(Duration::from_secs(24 * 3600));
    /// assert!(proxy.refresh_value_with(&token, day).as_str().contains("; Max-Age=7200;"));
    /// let browser = proxy.refresh_value_with(&token, CookieLifetime::BrowserSession);
    /// assert!(!browser.as_str().contains("Max-Age"));
    /// let none_left = CookieLifetime::Persistent(Duration::ZERO);
    /// assert_eq!(proxy.refresh_value_with(&token, none_left).as_str(), proxy.end_value().as_str());
    /// # Ok(()) }
    /// ```
    pub fn refresh_value_with(&self, token: &Token<N>, lifetime: CookieLifetime) -> SetCookie {
        SetCookie::new(self.compiled.value_with(&token.encode(), lifetime))
    }

    /// The longest `Max-Age` a [persistent](CookieLifetime::Persistent) cookie gets: the
    /// template's `Max-Age` if it has one, else 400 days (the RFC 6265bis limit).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_cookie::CookieProxy;
    ///
    /// let cap = CookieProxy::<32>::default().max_age_cap();
    /// assert_eq!(cap, Duration::from_secs(400 * 24 * 3600));
    /// ```
    #[must_use]
    pub fn max_age_cap(&self) -> Duration {
        Duration::from_secs(self.compiled.max_age_cap())
    }

    /// The `Set-Cookie` value that removes the session cookie (the byte-level form of
    /// `end`).
    ///
    /// It mirrors the name, `Path`, `Domain`, `Secure`, `HttpOnly`, `SameSite` (and
    /// `Partitioned`) of the template, with an empty value, `Max-Age=0` and an `Expires` in
    /// 1970, so every browser drops the cookie. Delete the session record in your store too:
    /// removing the cookie alone does not stop a copied token from working.
    ///
    /// # Examples
    ///
    /// ```
    /// let proxy = session_cookie::CookieProxy::<32>::default();
    /// assert_eq!(
    ///     proxy.end_value().as_str(),
    ///     "__Host-id=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; \
    ///      Secure; HttpOnly; SameSite=Lax",
    /// );
    /// ```
    pub fn end_value(&self) -> SetCookie {
        SetCookie::new(String::from(&*self.compiled.removal))
    }

    /// `true` if `set_cookie`, a `Set-Cookie` header value, is for this proxy's cookie:
    /// the same name, `Path` and `Domain`, so that the browser would store it in the session
    /// cookie's place. [`adapter::apply`](crate::adapter::apply) drops such values before
    /// appending the new one; a value for the same name in another scope (an app clearing a
    /// tossed cookie, see [`end_value_in`](Self::end_value_in)) is kept.
    ///
    /// Parsed as browsers do (RFC 6265bis 5.6): the name is compared byte for byte after
    /// trimming spaces and tabs; attribute names case-insensitively; the last `Path` and
    /// `Domain` count; a `Domain`'s leading `.` is ignored and it is compared without case.
    pub(crate) fn is_own_set_cookie(&self, set_cookie: &[u8]) -> bool {
        let mut parts = set_cookie.split(|&b| b == b';');
        let pair = parts.next().unwrap_or_default();
        let Some(eq) = pair.iter().position(|&b| b == b'=') else {
            return false;
        };
        if trim_ows(&pair[..eq]) != self.name().as_bytes() {
            return false;
        }
        let (mut path, mut domain) = (None, None);
        for attribute in parts {
            let (key, value) = match attribute.iter().position(|&b| b == b'=') {
                Some(eq) => (trim_ows(&attribute[..eq]), trim_ows(&attribute[eq + 1..])),
                None => (trim_ows(attribute), &[][..]),
            };
            if key.eq_ignore_ascii_case(b"path") {
                path = Some(value);
            } else if key.eq_ignore_ascii_case(b"domain") {
                domain = Some(value.strip_prefix(b".").unwrap_or(value)).filter(|d| !d.is_empty());
            }
        }
        let own_domain = self.compiled.domain.as_deref().map(str::as_bytes);
        path == Some(self.compiled.path.as_bytes())
            && match (domain, own_domain) {
                (None, None) => true,
                (Some(theirs), Some(ours)) => theirs.eq_ignore_ascii_case(ours),
                _ => false,
            }
    }

    /// The `Set-Cookie` value that removes a cookie of this proxy's name in **another
    /// scope**: a parent `Domain` or another `Path` (the flags are the template's).
    ///
    /// What a user stuck behind a *tossed* cookie needs: a sibling subdomain (or a script on
    /// a page under another path) can plant a cookie with the session's name for a parent
    /// domain or a longer path. The browser then sends two different tokens under the name,
    /// and with [`DuplicatePolicy::Reject`] the user has no session until that cookie is
    /// gone; [`end_value`](Self::end_value) cannot remove it, since it lives in another
    /// scope. Send this beside the session's own cookie (add it to the response as it is:
    /// [`adapter::apply`](crate::adapter::apply) keeps it, because its scope differs), for
    /// example on the login page when a request carried two different tokens.
    ///
    /// A `__Host-` cookie cannot be tossed (browsers refuse it with a `Domain` or a `Path`
    /// other than `/`), so this is for names without that prefix.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPath`], [`ConfigError::InvalidDomain`] or
    /// [`ConfigError::AttributeTooLong`], as for a template's `Path` and `Domain`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cookie::{Cookie, SameSite};
    /// use session_cookie::CookieProxy;
    ///
    /// # fn main() -> Result<(), session_cookie::ConfigError> {
    /// let base = Cookie::build(("sid", "")).path("/").secure(true).http_only(true)
    ///     .same_site(SameSite::Lax).build();
    /// let proxy = CookieProxy::<32>::new(base)?;
    /// let clear = proxy.end_value_in(Some("example.com"), "/")?;
    /// assert_eq!(
    ///     clear.as_str(),
    ///     "sid=; Path=/; Domain=example.com; Max-Age=0; \
    ///      Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax",
    /// );
    /// assert!(proxy.end_value_in(None, "no-slash").is_err());
    /// # Ok(()) }
    /// ```
    pub fn end_value_in(&self, domain: Option<&str>, path: &str) -> Result<SetCookie, ConfigError> {
        self.compiled.removal_in(domain, path).map(SetCookie::new)
    }
}

/// `bytes` without the spaces and tabs around it.
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |last| last + 1);
    &bytes[start..end.max(start)]
}

impl<const N: usize> Default for CookieProxy<N> {
    /// `__Host-id`, `Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`, no `Domain`, a session
    /// cookie (no `Max-Age`), [`DuplicatePolicy::Reject`].
    ///
    /// The `__Host-` prefix makes browsers refuse the cookie unless it is `Secure`, host-only
    /// and for `/`, so a sibling subdomain cannot plant or shadow it. It needs HTTPS; see
    /// [`CookieProxy::insecure_for_local_development`] for `http://localhost`.
    fn default() -> Self {
        let base = Cookie::build(("__Host-id", ""))
            .path("/")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Lax)
            .build();
        Self::from_known_good(base, Transport::HttpsOnly)
    }
}

impl<const N: usize> fmt::Debug for CookieProxy<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieProxy")
            .field("name", &self.name())
            .field("token_len", &N)
            .field("attributes", &&*self.compiled.suffix)
            .field("duplicate_policy", &self.policy)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_valid<const N: usize>() {
        for proxy in [
            CookieProxy::<N>::default(),
            CookieProxy::<N>::insecure_for_local_development(),
        ] {
            let rebuilt =
                CookieProxy::<N>::new_insecure_for_local_development(proxy.base().clone()).unwrap();
            assert_eq!(rebuilt.compiled.removal, proxy.compiled.removal);
            assert_eq!(rebuilt.compiled.suffix, proxy.compiled.suffix);
        }
    }

    #[test]
    fn built_in_templates_validate_for_every_len() {
        assert_valid::<16>();
        assert_valid::<32>();
        assert_valid::<33>();
        assert_valid::<64>();
    }

    #[test]
    fn proxy_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<CookieProxy>();
        assert_send_sync::<SetCookie>();
    }

    #[test]
    fn own_set_cookie_edge_cases() {
        let proxy = CookieProxy::<32>::default();
        assert!(!proxy.is_own_set_cookie(b""));
        assert!(!proxy.is_own_set_cookie(b"=x"));
        assert!(!proxy.is_own_set_cookie(b"__Host-id"));
        assert!(!proxy.is_own_set_cookie(b"__HOST-ID=x"));
        assert!(proxy.is_own_set_cookie(b"\t__Host-id\t=\t; Path=/"));
        assert!(proxy.is_own_set_cookie(proxy.end_value().as_bytes()));
        assert!(proxy.is_own_set_cookie(b" __Host-id =abc; Path=/"));
        assert!(proxy.is_own_set_cookie(b"__Host-id=abc; Path=/x; PATH = / ; Domain="));
        assert!(!proxy.is_own_set_cookie(b"__Host-idx=abc; Path=/"));
        assert!(!proxy.is_own_set_cookie(b"theme=__Host-id; Path=/"));
        // Another scope: no Path (the browser's default path), another Path, a Domain.
        assert!(!proxy.is_own_set_cookie(b"__Host-id=abc"));
        assert!(!proxy.is_own_set_cookie(b"__Host-id=abc; Path=/app"));
        assert!(!proxy.is_own_set_cookie(b"__Host-id=abc; Path=/; Domain=example.com"));
    }

    #[test]
    fn own_set_cookie_compares_the_domain_as_browsers_do() {
        let base = Cookie::build(("sid", ""))
            .path("/app")
            .domain("example.com")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Lax)
            .build();
        let proxy = CookieProxy::<32>::new(base).unwrap();
        assert!(proxy.is_own_set_cookie(proxy.end_value().as_bytes()));
        assert!(proxy.is_own_set_cookie(b"sid=x; domain=.Example.COM; path=/app"));
        assert!(!proxy.is_own_set_cookie(b"sid=x; Path=/app"));
        assert!(!proxy.is_own_set_cookie(b"sid=x; Path=/app; Domain=www.example.com"));
        assert!(!proxy.is_own_set_cookie(b"sid=x; Path=/; Domain=example.com"));
    }

    #[test]
    fn removal_in_another_scope_is_validated() {
        let proxy = CookieProxy::<32>::default();
        assert_eq!(
            proxy.end_value_in(None, "/").unwrap().as_str(),
            proxy.end_value().as_str()
        );
        assert_eq!(
            proxy.end_value_in(None, "x").unwrap_err(),
            ConfigError::InvalidPath
        );
        assert_eq!(
            proxy.end_value_in(None, "/a;b").unwrap_err(),
            ConfigError::InvalidPath
        );
        assert_eq!(
            proxy.end_value_in(Some("ex ample.com"), "/").unwrap_err(),
            ConfigError::InvalidDomain
        );
        let long = format!("/{}", "a".repeat(1024));
        assert_eq!(
            proxy.end_value_in(None, &long).unwrap_err(),
            ConfigError::AttributeTooLong
        );
        assert!(
            proxy
                .end_value_in(Some(".example.com"), "/")
                .unwrap()
                .as_str()
                .contains("; Domain=example.com;")
        );
    }
}
