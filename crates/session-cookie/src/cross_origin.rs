//! Cross-origin request protection: the rules over a request's method and header bytes.

mod error;
mod origin;
#[cfg(test)]
mod tests;

use core::fmt;

pub use self::error::CrossOriginConfigError;

/// The longest `Origin` value the check reads, and the longest trusted origin it accepts:
/// 512 bytes.
///
/// A browser's origin is at most `https://` + a 253-byte host name + `:65535`, 267 bytes. A
/// longer `Origin` header is refused ([`CrossOriginRefusal::MalformedHeaders`]).
///
/// # Examples
///
/// ```
/// use session_cookie::{CrossOrigin, CrossOriginConfigError, MAX_ORIGIN_BYTES};
///
/// let long = format!("https://{}.example", "a".repeat(MAX_ORIGIN_BYTES));
/// assert_eq!(
///     CrossOrigin::new().with_trusted_origin(&long).unwrap_err(),
///     CrossOriginConfigError::OriginTooLong,
/// );
/// ```
pub const MAX_ORIGIN_BYTES: usize = 512;

/// The longest path [`CrossOrigin::with_insecure_bypass_path`] accepts: 2048 bytes.
///
/// # Examples
///
/// ```
/// use session_cookie::{CrossOrigin, MAX_BYPASS_PATH_BYTES};
///
/// let long = format!("/{}", "a".repeat(MAX_BYPASS_PATH_BYTES));
/// assert!(CrossOrigin::new().with_insecure_bypass_path(&long).is_err());
/// ```
pub const MAX_BYPASS_PATH_BYTES: usize = 2048;

/// Cross-origin request protection (CSRF) without tokens: which requests that may change
/// state come from another origin, by the `Sec-Fetch-Site` and `Origin` headers browsers
/// send. Go's `net/http.CrossOriginProtection`, over raw bytes.
///
/// A session cookie is ambient authority: any page the user visits can make the browser
/// send a form to your site, cookie included. [`check`](Self::check) refuses such requests
/// by these rules, in this order:
///
/// 1. `GET`, `HEAD` and `OPTIONS` pass: they must not change state (keep them so).
/// 2. A path given to [`with_insecure_bypass_path`](Self::with_insecure_bypass_path)
///    passes, whatever its method and headers.
/// 3. Several `Origin` headers, or one longer than [`MAX_ORIGIN_BYTES`] or not ASCII, are
///    refused; an `Origin` equal to a [trusted origin](Self::with_trusted_origin) passes.
/// 4. `Sec-Fetch-Site: same-origin` or `none` (the user typed the address, or used a
///    bookmark) passes; `cross-site` and `same-site` are refused, and so are any other
///    value and several headers.
/// 5. With neither `Sec-Fetch-Site` nor `Origin` the request passes: it is not from a
///    browser (curl, a server), or from one too old to send either header.
/// 6. Otherwise (an older browser that sends `Origin` only) the `Origin`'s host and port must
///    equal the request's host, byte for byte: the request-target authority when there is
///    one (HTTP/2's `:authority`, an absolute-form target), else the `Host` header.
///    `Origin: null` (a sandboxed frame, a cross-origin redirect, a privacy-sensitive
///    context) is refused, and so is an `Origin` that is not `scheme://host[:port]`, a
///    request without a host, or one with several `Host` headers.
///
/// The check never allocates and never panics. Configuration ([`with_trusted_origin`],
/// [`with_insecure_bypass_path`]) is validated when it is built and returns a
/// [`CrossOriginConfigError`], never a rule that silently matches nothing.
///
/// What it assumes: safe methods do not change state, and the `Host` (or `:authority`) and
/// `Origin` headers reach the application as the browser sent them (configure a reverse
/// proxy to forward both). `SameSite` cookies are a second, independent layer: see the
/// workspace README.
///
/// [`with_trusted_origin`]: Self::with_trusted_origin
/// [`with_insecure_bypass_path`]: Self::with_insecure_bypass_path
///
/// # Examples
///
/// ```
/// use session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};
///
/// # fn main() -> Result<(), session_cookie::CrossOriginConfigError> {
/// let guard = CrossOrigin::new().with_trusted_origin("https://sso.example.com")?;
///
/// // A form on another site posting to /login, in a current browser.
/// let attack = CrossOriginRequest::new(b"POST", b"/login")
///     .with_host([b"app.example.com".as_slice()])
///     .with_origin([b"https://evil.example".as_slice()])
///     .with_sec_fetch_site([b"cross-site".as_slice()]);
/// assert_eq!(guard.check(&attack), Err(CrossOriginRefusal::SecFetchSite));
///
/// // The site's own form.
/// let own = CrossOriginRequest::new(b"POST", b"/login")
///     .with_host([b"app.example.com".as_slice()])
///     .with_origin([b"https://app.example.com".as_slice()])
///     .with_sec_fetch_site([b"same-origin".as_slice()]);
/// assert_eq!(guard.check(&own), Ok(()));
///
/// // curl: neither header.
/// let curl = CrossOriginRequest::new(b"POST", b"/login")
///     .with_host([b"app.example.com".as_slice()]);
/// assert_eq!(guard.check(&curl), Ok(()));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrossOrigin {
    trusted_origins: Vec<Box<str>>,
    bypass_paths: Vec<Box<str>>,
}

impl CrossOrigin {
    /// The protection with no trusted origin and no bypassed path: what most sites need.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CrossOrigin;
    ///
    /// const GUARD: CrossOrigin = CrossOrigin::new();
    /// assert_eq!(GUARD, CrossOrigin::default());
    /// assert_eq!(GUARD.trusted_origins().count(), 0);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            trusted_origins: Vec::new(),
            bypass_paths: Vec::new(),
        }
    }

    /// Also accepts requests whose `Origin` header is exactly `origin`, such as your own
    /// front end on another host (`https://app.example.com` posting to
    /// `https://api.example.com`) or an identity provider that posts back to you.
    ///
    /// `origin` is what a browser sends: `http://` or `https://`, a lower-case host (an
    /// internationalized name in its `xn--` form, an IPv6 address in brackets), and a port
    /// only when it is not the scheme's default; no path, not even `/`, no query, fragment
    /// or user info. Anything else could never match, so it is an error. Adding the same
    /// origin twice keeps one.
    ///
    /// # Errors
    ///
    /// [`CrossOriginConfigError`] naming the broken part (`Origin*` variants).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginConfigError};
    ///
    /// # fn main() -> Result<(), CrossOriginConfigError> {
    /// let guard = CrossOrigin::new()
    ///     .with_trusted_origin("https://app.example.com")?
    ///     .with_trusted_origin("http://localhost:8080")?;
    /// assert_eq!(guard.trusted_origins().count(), 2);
    ///
    /// let wrong = CrossOrigin::new().with_trusted_origin("https://app.example.com/");
    /// assert_eq!(wrong, Err(CrossOriginConfigError::OriginNotBare));
    /// # Ok(()) }
    /// ```
    pub fn with_trusted_origin(mut self, origin: &str) -> Result<Self, CrossOriginConfigError> {
        origin::validate_trusted(origin)?;
        if !self.trusted_origins.iter().any(|o| **o == *origin) {
            self.trusted_origins.push(origin.into());
        }
        Ok(self)
    }

    /// Lets every request to exactly this path through, unchecked: for endpoints that other
    /// sites must be able to post to, such as a webhook receiver or a single sign-on
    /// callback. They need their own protection (a signature, a token in the body):
    /// without it they are open to cross-site request forgery.
    ///
    /// The match is on the request's path, byte for byte: no prefix, no query, no
    /// percent-decoding, no trailing-slash folding. `path` starts with `/` and holds
    /// visible ASCII only, without `?` or `#`, at most [`MAX_BYPASS_PATH_BYTES`].
    ///
    /// # Errors
    ///
    /// [`CrossOriginConfigError::BypassPath`] when `path` is not such a path.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginConfigError, CrossOriginRequest};
    ///
    /// # fn main() -> Result<(), CrossOriginConfigError> {
    /// let guard = CrossOrigin::new().with_insecure_bypass_path("/webhooks/payments")?;
    /// let hook = CrossOriginRequest::new(b"POST", b"/webhooks/payments")
    ///     .with_sec_fetch_site([b"cross-site".as_slice()]);
    /// assert_eq!(guard.check(&hook), Ok(()));
    ///
    /// let below = CrossOriginRequest::new(b"POST", b"/webhooks/payments/x")
    ///     .with_sec_fetch_site([b"cross-site".as_slice()]);
    /// assert!(guard.check(&below).is_err());
    ///
    /// assert_eq!(
    ///     CrossOrigin::new().with_insecure_bypass_path("webhooks"),
    ///     Err(CrossOriginConfigError::BypassPath),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn with_insecure_bypass_path(mut self, path: &str) -> Result<Self, CrossOriginConfigError> {
        origin::validate_bypass_path(path)?;
        if !self.bypass_paths.iter().any(|p| **p == *path) {
            self.bypass_paths.push(path.into());
        }
        Ok(self)
    }

    /// The trusted origins, in the order they were added.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CrossOrigin;
    ///
    /// # fn main() -> Result<(), session_cookie::CrossOriginConfigError> {
    /// let guard = CrossOrigin::new().with_trusted_origin("https://a.example")?;
    /// assert_eq!(guard.trusted_origins().collect::<Vec<_>>(), ["https://a.example"]);
    /// # Ok(()) }
    /// ```
    pub fn trusted_origins(&self) -> impl Iterator<Item = &str> {
        self.trusted_origins.iter().map(|o| &**o)
    }

    /// The bypassed paths, in the order they were added.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CrossOrigin;
    ///
    /// # fn main() -> Result<(), session_cookie::CrossOriginConfigError> {
    /// let guard = CrossOrigin::new().with_insecure_bypass_path("/hook")?;
    /// assert_eq!(guard.insecure_bypass_paths().collect::<Vec<_>>(), ["/hook"]);
    /// # Ok(()) }
    /// ```
    pub fn insecure_bypass_paths(&self) -> impl Iterator<Item = &str> {
        self.bypass_paths.iter().map(|p| &**p)
    }

    /// Decides whether `request` may go on, by the rules in the [type's
    /// documentation](Self), in their order. It reads only the method, the path, the
    /// request-target authority and the `Host`, `Origin` and `Sec-Fetch-Site` headers; it
    /// never allocates and never panics.
    ///
    /// # Errors
    ///
    /// The [`CrossOriginRefusal`] naming the rule that refused the request. Answer `403
    /// Forbidden` with a static body (the adapters' guards do), and keep the refusal for
    /// your logs.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};
    ///
    /// let guard = CrossOrigin::new();
    /// // An old browser (no Sec-Fetch-Site) posting from another site.
    /// let old = CrossOriginRequest::new(b"POST", b"/logout")
    ///     .with_host([b"app.example.com".as_slice()])
    ///     .with_origin([b"https://evil.example".as_slice()]);
    /// assert_eq!(guard.check(&old), Err(CrossOriginRefusal::OriginMismatch));
    /// // The same browser on the site itself.
    /// let own = old.with_origin([b"https://app.example.com".as_slice()]);
    /// assert_eq!(guard.check(&own), Ok(()));
    /// ```
    pub fn check(&self, request: &CrossOriginRequest<'_>) -> Result<(), CrossOriginRefusal> {
        self.decide(
            request.method,
            request.path,
            || request.origin,
            || request.sec_fetch_site,
            || (request.authority, request.host),
        )
    }

    /// The rules, in order. Each header is asked for only when a rule needs it, so a caller
    /// that looks headers up in a map ([`check_http`](Self::check_http)) does no lookup for a
    /// safe method and none of `Host` when `Sec-Fetch-Site` decides.
    #[inline]
    fn decide<'a>(
        &self,
        method: &[u8],
        path: &[u8],
        origin: impl FnOnce() -> Field<'a>,
        sec_fetch_site: impl FnOnce() -> Field<'a>,
        host: impl FnOnce() -> (Option<&'a [u8]>, Field<'a>),
    ) -> Result<(), CrossOriginRefusal> {
        // 1. Safe methods, byte for byte (methods are case-sensitive; TRACE is not exempt).
        if matches!(method, b"GET" | b"HEAD" | b"OPTIONS") {
            return Ok(());
        }
        // 2. The application's exact paths.
        if self.bypass_paths.iter().any(|p| p.as_bytes() == path) {
            return Ok(());
        }
        // 3. Trusted origins, once the one Origin header is known to be readable.
        let origin = match origin() {
            Field::Absent => None,
            Field::One(value) if value.len() <= MAX_ORIGIN_BYTES && value.is_ascii() => Some(value),
            Field::One(_) | Field::Several => return Err(CrossOriginRefusal::MalformedHeaders),
        };
        if let Some(origin) = origin {
            if self.trusted_origins.iter().any(|t| t.as_bytes() == origin) {
                return Ok(());
            }
        }
        // 4. What the browser says about the initiator.
        match sec_fetch_site() {
            Field::One(b"same-origin" | b"none") => return Ok(()),
            Field::One(b"cross-site" | b"same-site") => {
                return Err(CrossOriginRefusal::SecFetchSite);
            }
            Field::One(_) | Field::Several => return Err(CrossOriginRefusal::MalformedHeaders),
            Field::Absent => {}
        }
        // 5. Neither header: not a browser, or a very old one.
        let Some(origin) = origin else {
            return Ok(());
        };
        // 6. An older browser: the Origin must name the request's own host and port.
        if origin == b"null" {
            return Err(CrossOriginRefusal::NullOrigin);
        }
        let Some(authority) = origin::authority(origin) else {
            return Err(CrossOriginRefusal::MalformedHeaders);
        };
        let request_host = match host() {
            (Some(authority), _) | (None, Field::One(authority)) => authority,
            (None, Field::Absent) => return Err(CrossOriginRefusal::NoHost),
            (None, Field::Several) => return Err(CrossOriginRefusal::MalformedHeaders),
        };
        if authority == request_host {
            Ok(())
        } else {
            Err(CrossOriginRefusal::OriginMismatch)
        }
    }

    /// [`check`](Self::check) on an `http` 1.x request: the same decision as
    /// `self.check(&CrossOriginRequest::from_http(request))`, with each header looked up
    /// only when a rule needs it (none for `GET`).
    ///
    /// # Errors
    ///
    /// The [`CrossOriginRefusal`] of [`check`](Self::check).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRefusal};
    ///
    /// let request = http::Request::post("/login")
    ///     .header("host", "app.example.com")
    ///     .header("sec-fetch-site", "same-site")
    ///     .body(())
    ///     .expect("a valid request");
    /// assert_eq!(
    ///     CrossOrigin::new().check_http(&request),
    ///     Err(CrossOriginRefusal::SecFetchSite),
    /// );
    /// ```
    #[cfg(feature = "http")]
    pub fn check_http<B>(&self, request: &http::Request<B>) -> Result<(), CrossOriginRefusal> {
        use http::header::{HOST, HeaderValue, ORIGIN};

        let headers = request.headers();
        let uri = request.uri();
        let values = |name| Field::of(headers.get_all(name).iter().map(HeaderValue::as_bytes));
        self.decide(
            request.method().as_str().as_bytes(),
            uri.path().as_bytes(),
            || values(&ORIGIN),
            || values(&SEC_FETCH_SITE),
            || {
                let authority = uri.authority().map(|a| a.as_str().as_bytes());
                (authority, values(&HOST))
            },
        )
    }
}

/// How many values a request has for one header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field<'a> {
    Absent,
    One(&'a [u8]),
    Several,
}

impl<'a> Field<'a> {
    fn of(values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut values = values.into_iter();
        match (values.next(), values.next()) {
            (None, _) => Self::Absent,
            (Some(value), None) => Self::One(value),
            (Some(_), Some(_)) => Self::Several,
        }
    }
}

/// What [`CrossOrigin::check`] reads of a request, as raw bytes, so that any framework on
/// any `http` version can fill it (actix-web 4 is on `http` 0.2). Nothing is copied.
///
/// Start from the method and the path, then give the request-target authority (if the
/// request has one) and every value of the `Host`, `Origin` and `Sec-Fetch-Site` headers;
/// an absent header is an empty iterator. Only whether a header has no, one or several
/// values is kept, and the one value.
///
/// # Examples
///
/// ```
/// use session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};
///
/// // Headers as a framework would give them: name, raw value.
/// let headers: [(&str, &[u8]); 3] = [
///     ("host", b"app.example.com"),
///     ("origin", b"https://app.example.com"),
///     ("origin", b"https://evil.example"),
/// ];
/// let values = |name: &'static str| {
///     headers.iter().filter(move |(n, _)| *n == name).map(|(_, v)| *v)
/// };
/// let request = CrossOriginRequest::new(b"POST", b"/transfer")
///     .with_authority(None)
///     .with_host(values("host"))
///     .with_origin(values("origin"))
///     .with_sec_fetch_site(values("sec-fetch-site"));
/// // Two Origin headers: ambiguous, refused.
/// assert_eq!(CrossOrigin::new().check(&request), Err(CrossOriginRefusal::MalformedHeaders));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossOriginRequest<'a> {
    method: &'a [u8],
    path: &'a [u8],
    authority: Option<&'a [u8]>,
    host: Field<'a>,
    origin: Field<'a>,
    sec_fetch_site: Field<'a>,
}

impl<'a> CrossOriginRequest<'a> {
    /// A request with this method (`POST`, case-sensitive) and path (the request target's
    /// path, without the query), no authority and none of the three headers.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRequest};
    ///
    /// // No browser headers at all: a script or a server-side client.
    /// let request = CrossOriginRequest::new(b"DELETE", b"/items/7");
    /// assert_eq!(CrossOrigin::new().check(&request), Ok(()));
    /// ```
    #[must_use]
    pub const fn new(method: &'a [u8], path: &'a [u8]) -> Self {
        Self {
            method,
            path,
            authority: None,
            host: Field::Absent,
            origin: Field::Absent,
            sec_fetch_site: Field::Absent,
        }
    }

    /// The authority of the request target (`host[:port]`), when it has one: HTTP/2's
    /// `:authority`, or an absolute-form HTTP/1.1 target. When it is there, it is the
    /// request's host and `Host` is not read.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRequest};
    ///
    /// let request = CrossOriginRequest::new(b"POST", b"/")
    ///     .with_authority(Some(b"app.example.com"))
    ///     .with_host([b"ignored.example".as_slice()])
    ///     .with_origin([b"https://app.example.com".as_slice()]);
    /// assert_eq!(CrossOrigin::new().check(&request), Ok(()));
    /// ```
    #[must_use]
    pub const fn with_authority(mut self, authority: Option<&'a [u8]>) -> Self {
        self.authority = authority;
        self
    }

    /// Every value of the `Host` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};
    ///
    /// let request = CrossOriginRequest::new(b"POST", b"/")
    ///     .with_host([b"app.example.com:8443".as_slice()])
    ///     .with_origin([b"https://app.example.com".as_slice()]);
    /// // Another port is another origin.
    /// assert_eq!(CrossOrigin::new().check(&request), Err(CrossOriginRefusal::OriginMismatch));
    /// ```
    #[must_use]
    pub fn with_host(mut self, values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        self.host = Field::of(values);
        self
    }

    /// Every value of the `Origin` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRefusal, CrossOriginRequest};
    ///
    /// let request = CrossOriginRequest::new(b"POST", b"/")
    ///     .with_host([b"app.example.com".as_slice()])
    ///     .with_origin([b"null".as_slice()]);
    /// assert_eq!(CrossOrigin::new().check(&request), Err(CrossOriginRefusal::NullOrigin));
    /// ```
    #[must_use]
    pub fn with_origin(mut self, values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        self.origin = Field::of(values);
        self
    }

    /// Every value of the `Sec-Fetch-Site` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRequest};
    ///
    /// // A bookmark or a typed address: the user asked for it.
    /// let request = CrossOriginRequest::new(b"POST", b"/")
    ///     .with_sec_fetch_site([b"none".as_slice()]);
    /// assert_eq!(CrossOrigin::new().check(&request), Ok(()));
    /// ```
    #[must_use]
    pub fn with_sec_fetch_site(mut self, values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        self.sec_fetch_site = Field::of(values);
        self
    }

    /// Reads an `http` 1.x request: its method, its path, its URI's authority and every
    /// `Host`, `Origin` and `Sec-Fetch-Site` header. The body is not touched.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CrossOrigin, CrossOriginRequest};
    ///
    /// let request = http::Request::post("https://app.example.com/login")
    ///     .header("origin", "https://app.example.com")
    ///     .body(())
    ///     .expect("a valid request");
    /// // The absolute-form target's authority is the request's host.
    /// assert_eq!(CrossOrigin::new().check(&CrossOriginRequest::from_http(&request)), Ok(()));
    /// ```
    #[cfg(feature = "http")]
    #[must_use]
    pub fn from_http<B>(request: &'a http::Request<B>) -> Self {
        use http::header::{HOST, HeaderValue, ORIGIN};

        let headers = request.headers();
        let uri = request.uri();
        Self::new(request.method().as_str().as_bytes(), uri.path().as_bytes())
            .with_authority(uri.authority().map(|a| a.as_str().as_bytes()))
            .with_host(headers.get_all(HOST).iter().map(HeaderValue::as_bytes))
            .with_origin(headers.get_all(ORIGIN).iter().map(HeaderValue::as_bytes))
            .with_sec_fetch_site(
                headers
                    .get_all(&SEC_FETCH_SITE)
                    .iter()
                    .map(HeaderValue::as_bytes),
            )
    }
}

/// `http` 1.x has no constant for it.
#[cfg(feature = "http")]
static SEC_FETCH_SITE: http::HeaderName = http::HeaderName::from_static("sec-fetch-site");

/// Why [`CrossOrigin::check`] refused a request: the rule that refused it, for logs.
///
/// It names a rule, never anything from the request. The adapters' guards answer every
/// refusal the same way (`403 Forbidden`, body `cross-origin request refused`) and put the
/// refusal in the response's extensions and in their rejection's reason
/// ([`RejectionReason::CrossOrigin`](crate::RejectionReason::CrossOrigin)).
///
/// # Examples
///
/// ```
/// use session_cookie::CrossOriginRefusal;
///
/// let refusal = CrossOriginRefusal::SecFetchSite;
/// assert_eq!(refusal.to_string(), "Sec-Fetch-Site says the request comes from another origin");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CrossOriginRefusal {
    /// `Sec-Fetch-Site: cross-site` or `same-site`: the browser says another origin (another
    /// site, or a sibling subdomain or port of this one) made the request.
    SecFetchSite,
    /// No `Sec-Fetch-Site`, and the `Origin`'s host and port are not the request's host: an
    /// older browser, on another origin.
    OriginMismatch,
    /// No `Sec-Fetch-Site`, and `Origin: null`: an opaque origin (a sandboxed frame, a
    /// `data:` page, a redirect across origins, a privacy-sensitive context).
    NullOrigin,
    /// No `Sec-Fetch-Site`, an `Origin` to compare, and no host to compare it with (no
    /// request-target authority and no `Host` header).
    NoHost,
    /// A header the check needed cannot be read with certainty: several `Origin`,
    /// `Sec-Fetch-Site` or `Host` headers; an `Origin` longer than [`MAX_ORIGIN_BYTES`],
    /// not ASCII, empty or not `scheme://host[:port]`; a `Sec-Fetch-Site` that is not one
    /// of the four values browsers send. No browser sends these.
    MalformedHeaders,
}

impl CrossOriginRefusal {
    /// A static description of the rule, for logs. It is not the response body: every
    /// refusal answers with the same short text.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::CrossOriginRefusal;
    ///
    /// assert_eq!(CrossOriginRefusal::NullOrigin.as_str(), "Origin is null");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SecFetchSite => "Sec-Fetch-Site says the request comes from another origin",
            Self::OriginMismatch => "Origin is not the request's host",
            Self::NullOrigin => "Origin is null",
            Self::NoHost => "Origin without a request host to compare it with",
            Self::MalformedHeaders => "ambiguous or malformed Origin, Sec-Fetch-Site or Host",
        }
    }
}

impl fmt::Display for CrossOriginRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for CrossOriginRefusal {}
