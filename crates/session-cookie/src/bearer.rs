//! Bearer tokens: the session token from `Authorization: Bearer <token>`, for API and mobile
//! clients that do not keep cookies. Opt-in: adapters read the header only for a
//! configuration that asked for it (`Sessions::with_bearer` in `session-axum` and
//! `session-actix`); without it an `Authorization` header is ignored.
//!
//! It is the **same token and the same loader** as the cookie: a session started for an API
//! client is a row in the same store, looked up by the same `Token::hash()`.
//!
//! # The rules
//!
//! **The header** ([`find`], [`parse`]), strictly (RFC 6750 section 2.1, RFC 9110 section
//! 11.4: `credentials = auth-scheme 1*SP token68`):
//!
//! * exactly one `Authorization` header; two or more give no token (which one would the
//!   client mean?);
//! * the scheme `Bearer`, in any case (`bearer`, `BEARER`: auth-schemes are
//!   case-insensitive), followed by one or more spaces (`1*SP`; a tab is not a space there);
//! * then exactly one token in its one canonical form, as the cookie's value
//!   ([`Token::decode`]: the proxy's length, base64url without padding): nothing before the
//!   scheme, nothing after the token (no second credential, no `,`, no parameters). Spaces
//!   and tabs around the whole value are not part of it (RFC 9110 section 5.5) and are
//!   ignored;
//! * anything else (another scheme such as `Basic`, a malformed or mis-sized token, bytes
//!   that are not ASCII) gives **no token from the header**, never an error and never a
//!   panic. A request that also carries the session cookie keeps it: a site behind a proxy's
//!   HTTP Basic authentication sends `Authorization: Basic ...` beside its cookies.
//!
//! **Cookie and header together** ([`resolve`], `CookieProxy::load_with_bearer`): if both
//! carry a well-formed token, the same token is that session; **two different tokens are no
//! session**, as two different tokens under the cookie's name are (see
//! [`DuplicatePolicy`](crate::DuplicatePolicy)): the server cannot tell which one the client
//! means, and picking one would let a planted credential win.
//!
//! **No cross-origin check is needed for bearer requests**: the header is not ambient
//! authority (a browser never attaches it by itself; only code that holds the token can send
//! it, and a cross-origin page needs a CORS preflight to set it), so it cannot be forged by
//! another site the way a cookie request can. The adapters' `RequireSameOrigin` guards stay
//! **credential-blind** all the same: they decide on `Sec-Fetch-Site`, `Origin` and `Host`
//! alone, as for any request. API clients that are not browsers send neither header and are
//! let through; a browser application on another origin that calls the API with a bearer
//! token is refused on unsafe methods until its origin is trusted
//! (`CrossOrigin::with_trusted_origin`) or its paths are bypassed. Exempting requests that
//! carry an `Authorization` header would exempt a malformed one sent beside a cookie too.
//!
//! **Starting** a session for an API client returns the token for the response body (the
//! adapters' `Sessions::start_bearer`), never a `Set-Cookie`: store it under `token.hash()`
//! and send [`Token::encode`] to the client, in a response marked `Cache-Control: no-store`.
//! **Ending** a bearer session is the application deleting its record in the store; there
//! is no cookie to remove. Refreshing is the store extending the record's expiry.
//!
//! # Examples
//!
//! ```
//! use session_cookie::{CookieProxy, Token, bearer};
//!
//! let proxy = CookieProxy::<32>::default();
//! let token = Token::<32>::from_bytes([7; 32]);
//! let header = bearer::header_value(&token);
//! assert_eq!(header, format!("Bearer {}", token.encode().as_str()));
//!
//! // The header alone.
//! assert_eq!(proxy.load_with_bearer::<[&[u8]; 0], _>([], [header.as_bytes()]), Some(token.clone()));
//! // A cookie with another token beside it: ambiguous, no session.
//! let other = format!("__Host-id={}", Token::<32>::from_bytes([8; 32]).encode().as_str());
//! assert_eq!(proxy.load_with_bearer([other.as_bytes()], [header.as_bytes()]), None);
//! // Another scheme beside the cookie: the cookie stands.
//! assert!(proxy.load_with_bearer([other.as_bytes()], [b"Basic dXNlcjpwYXNz"]).is_some());
//! ```

use session_token::Token;

use crate::CookieProxy;

/// The auth-scheme of RFC 6750, as written by [`header_value`]; read in any case.
///
/// # Examples
///
/// ```
/// assert_eq!(session_cookie::bearer::SCHEME, "Bearer");
/// ```
pub const SCHEME: &str = "Bearer";

/// The most bytes of an `Authorization` value that [`parse`] reads: a token of 64 bytes
/// (86 symbols) after the scheme and a few spaces fits many times over; a longer value is
/// refused before it is looked at.
///
/// # Examples
///
/// ```
/// use session_cookie::bearer::{MAX_AUTHORIZATION_BYTES, parse};
///
/// let value = format!("Bearer{}{}", " ".repeat(MAX_AUTHORIZATION_BYTES), "A".repeat(22));
/// assert_eq!(parse::<16>(value.as_bytes()), None);
/// ```
pub const MAX_AUTHORIZATION_BYTES: usize = 1024;

/// The token of one `Authorization` header value, by the rules of this module: `Bearer` in
/// any case, one or more spaces, one canonical token of `N` bytes, nothing else (spaces and
/// tabs around the whole value ignored). `None` for anything else. It never allocates and
/// never panics.
///
/// # Examples
///
/// ```
/// use session_cookie::bearer::parse;
///
/// let t = "AQEBAQEBAQEBAQEBAQEBAQ"; // 16 bytes of 1
/// assert!(parse::<16>(format!("Bearer {t}").as_bytes()).is_some());
/// assert!(parse::<16>(format!("bEaReR  {t}").as_bytes()).is_some());
/// assert!(parse::<16>(format!("Bearer {t} x").as_bytes()).is_none());
/// assert!(parse::<16>(format!("Bearer\t{t}").as_bytes()).is_none());
/// assert!(parse::<16>(t.as_bytes()).is_none());
/// assert!(parse::<32>(format!("Bearer {t}").as_bytes()).is_none()); // wrong length
/// ```
#[must_use]
pub fn parse<const N: usize>(value: &[u8]) -> Option<Token<N>> {
    if value.len() > MAX_AUTHORIZATION_BYTES {
        return None;
    }
    let value = trim_ows(value);
    let (scheme, rest) = value.split_at_checked(SCHEME.len())?;
    if !scheme.eq_ignore_ascii_case(SCHEME.as_bytes()) {
        return None;
    }
    // `1*SP`: at least one space, then the token and nothing else.
    let token = rest.strip_prefix(b" ")?;
    let start = token.iter().position(|&b| b != b' ')?;
    let token = token.get(start..)?;
    if token.len() != Token::<N>::ENCODED_LEN {
        return None;
    }
    Token::<N>::decode(token).ok()
}

/// The token of a request's `Authorization` headers, `values` being every one of them in
/// order: [`parse`] of the value if there is exactly one, `None` if there is none or more
/// than one. It never allocates.
///
/// # Examples
///
/// ```
/// use session_cookie::bearer::find;
///
/// let one = b"Bearer AQEBAQEBAQEBAQEBAQEBAQ".as_slice();
/// assert!(find::<16, _>([one]).is_some());
/// assert!(find::<16, _>([one, one]).is_none());
/// assert!(find::<16, [&[u8]; 0]>([]).is_none());
/// ```
#[must_use]
pub fn find<const N: usize, I>(values: I) -> Option<Token<N>>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut values = values.into_iter();
    let first = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse(first.as_ref())
}

/// The session of a request from what its cookie and its `Authorization` header carry:
/// either one alone, or both when they are the same token (compared in constant time);
/// `None` when both carry a token and the tokens differ.
///
/// # Examples
///
/// ```
/// use session_cookie::{Token, bearer::resolve};
///
/// let a = || Token::<32>::from_bytes([1; 32]);
/// let b = Token::<32>::from_bytes([2; 32]);
/// assert_eq!(resolve(Some(a()), None), Some(a()));
/// assert_eq!(resolve(None, Some(a())), Some(a()));
/// assert_eq!(resolve(Some(a()), Some(a())), Some(a()));
/// assert_eq!(resolve(Some(a()), Some(b)), None);
/// assert_eq!(resolve::<32>(None, None), None);
/// ```
#[must_use]
pub fn resolve<const N: usize>(
    cookie: Option<Token<N>>,
    bearer: Option<Token<N>>,
) -> Option<Token<N>> {
    match (cookie, bearer) {
        (Some(cookie), Some(bearer)) => (cookie == bearer).then_some(cookie),
        (cookie, None) => cookie,
        (None, bearer) => bearer,
    }
}

/// The `Authorization` header value that carries `token`: `Bearer <token>`. For clients and
/// tests; mark the header value sensitive where your HTTP library can.
///
/// # Examples
///
/// ```
/// use session_cookie::{Token, bearer};
///
/// let token = Token::<16>::from_bytes([1; 16]);
/// assert_eq!(bearer::header_value(&token), "Bearer AQEBAQEBAQEBAQEBAQEBAQ");
/// assert_eq!(bearer::parse::<16>(bearer::header_value(&token).as_bytes()), Some(token));
/// ```
#[must_use]
pub fn header_value<const N: usize>(token: &Token<N>) -> String {
    let encoded = token.encode();
    let mut value = String::with_capacity(SCHEME.len() + 1 + encoded.len());
    value.push_str(SCHEME);
    value.push(' ');
    value.push_str(&encoded);
    value
}

impl<const N: usize> CookieProxy<N> {
    /// Reads the session token from a request's `Cookie` headers **and** its `Authorization`
    /// headers, for configurations that accept bearer tokens: the cookie by the rules of
    /// [`load_from_values`](Self::load_from_values), the header by [`find`], the two by
    /// [`resolve`] (the same token, or either alone; two different tokens are no session).
    /// See the [module docs](crate::bearer) for why.
    ///
    /// It never allocates and never panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_cookie::{CookieProxy, Token, bearer};
    ///
    /// let proxy = CookieProxy::<32>::default();
    /// let token = Token::<32>::from_bytes([1; 32]);
    /// let cookie = format!("__Host-id={}", token.encode().as_str());
    /// let header = bearer::header_value(&token);
    /// assert_eq!(proxy.load_with_bearer([&cookie], [&header]), Some(token.clone()));
    /// assert_eq!(proxy.load_with_bearer([&cookie], [&header, &header]), Some(token));
    /// ```
    pub fn load_with_bearer<C, A>(&self, cookies: C, authorizations: A) -> Option<Token<N>>
    where
        C: IntoIterator,
        C::Item: AsRef<[u8]>,
        A: IntoIterator,
        A::Item: AsRef<[u8]>,
    {
        resolve(self.load_from_values(cookies), find(authorizations))
    }
}

/// `value` without the spaces and tabs around it (RFC 9110 section 5.5: not part of a field
/// value). Other bytes, line breaks included, are kept and spoil the value.
fn trim_ows(value: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !is_ows(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |last| last + 1);
    value.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "AQEBAQEBAQEBAQEBAQEBAQ";

    fn ok(value: &str) -> bool {
        parse::<16>(value.as_bytes()).is_some()
    }

    #[test]
    fn the_scheme_in_any_case_then_spaces_then_one_token() {
        for good in [
            format!("Bearer {T}"),
            format!("bearer {T}"),
            format!("BEARER {T}"),
            format!("Bearer   {T}"),
            format!(" \tBearer {T}\t "),
            format!("Bearer {T} "),
        ] {
            assert!(ok(&good), "{good:?}");
        }
        for bad in [
            String::new(),
            "Bearer".to_owned(),
            "Bearer ".to_owned(),
            T.to_owned(),
            format!("Bearer{T}"),
            format!("Bearer\t{T}"),
            format!("Basic {T}"),
            format!("Bearerx {T}"),
            format!("xBearer {T}"),
            format!("Bearer {T}x"),
            format!("Bearer {T},"),
            format!("Bearer {T}, Bearer {T}"),
            format!("Bearer {T} {T}"),
            format!("Bearer {T}="),
            format!("Bearer {T}\r"),
            format!("\nBearer {T}"),
            format!("Bearer \"{T}\""),
            format!("Bearer {}", &T[1..]),
            format!("Bearer {T}A"),
            format!("Bearer token={T}"),
            "Bearer AQEBAQEBAQEBAQEBAQEBAR".to_owned(), // non-zero trailing bits
        ] {
            assert!(!ok(&bad), "{bad:?}");
        }
    }

    #[test]
    fn not_ascii_and_overlong_values_are_no_token() {
        let mut value = format!("Bearer {T}").into_bytes();
        value[3] = 0xe9;
        assert_eq!(parse::<16>(&value), None);
        let spaced = format!("Bearer{}{T}", " ".repeat(MAX_AUTHORIZATION_BYTES));
        assert_eq!(parse::<16>(spaced.as_bytes()), None);
        let spaced = format!("Bearer{}{T}", " ".repeat(MAX_AUTHORIZATION_BYTES - 30));
        assert!(parse::<16>(spaced.as_bytes()).is_some());
    }

    #[test]
    fn exactly_one_header() {
        let one = format!("Bearer {T}");
        assert!(find::<16, _>([&one]).is_some());
        assert!(find::<16, _>([&one, &one]).is_none());
        assert!(find::<16, _>([one.as_str(), "Basic x"]).is_none());
        assert!(find::<16, [&str; 0]>([]).is_none());
    }
}
