//! The scenarios, as data, and the one function that checks a response against them.

use core::fmt;
use core::time::Duration;

use session_cookie::{CookieLifetime, CookieProxy, CrossOriginRefusal};
use session_token::Token;

use crate::{
    CROSS_ORIGIN_BODY, ERROR_CONTENT_TYPE, KnownToken, LOADER_FAILED_BODY, NO_SESSION_BODY,
    STORE_SECRET, TestStore, TestUser, proxy,
};

/// The `Cache-Control` the login and refresh handlers ([`Route::Login`], [`Route::Refresh`]
/// and their remember-me forms) set before their session part: a shared cache could store
/// such a response, so the adapters must turn it into `no-store`.
pub const CACHEABLE: &str = "public, max-age=600";

/// The persistent lifetime of [`Route::LoginRemember`] and [`Route::RefreshRemember`]: 30
/// days, under the [`proxy`]'s `Max-Age` cap (400 days), so the cookie's `Max-Age` is exactly
/// this (`2592000`).
///
/// # Examples
///
/// ```
/// use session_conformance::{REMEMBER, proxy};
/// assert!(REMEMBER < proxy().max_age_cap());
/// ```
pub const REMEMBER: Duration = Duration::from_secs(30 * 24 * 3600);

/// The persistent lifetime of [`Route::LoginRememberBeyondCap`]: 500 days, over the
/// [`proxy`]'s `Max-Age` cap, so the cookie's `Max-Age` is the cap (400 days, `34560000`).
///
/// # Examples
///
/// ```
/// use session_conformance::{REMEMBER_BEYOND_CAP, proxy};
/// assert!(REMEMBER_BEYOND_CAP > proxy().max_age_cap());
/// ```
pub const REMEMBER_BEYOND_CAP: Duration = Duration::from_secs(500 * 24 * 3600);

/// The routes every harness mounts, and what their handlers do.
///
/// The whole app is behind the adapter's cross-origin guard, configured with
/// [`cross_origin`](crate::cross_origin). [`Public`](Self::Public), [`Login`](Self::Login)
/// and its remember-me forms, [`Logout`](Self::Logout) and [`Webhook`](Self::Webhook) answer
/// every method; the others `GET`.
///
/// The remember-me routes ([`LoginRemember`](Self::LoginRemember),
/// [`LoginRememberBeyondCap`](Self::LoginRememberBeyondCap),
/// [`LoginBrowser`](Self::LoginBrowser), [`RefreshRemember`](Self::RefreshRemember),
/// [`RefreshBrowser`](Self::RefreshBrowser)) do what [`Login`](Self::Login) and
/// [`Refresh`](Self::Refresh) do, with `Sessions::start_with` / `Sessions::refresh_with` and
/// the route's [`lifetime`](Self::lifetime) instead of `start` / `refresh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `GET /user`: the required user extractor; body `user {name}`.
    User,
    /// `GET /maybe`: the optional user extractor (`Option<User>` in axum, `MaybeUser` in
    /// actix); body `some {name}` or `none`.
    Maybe,
    /// `GET /public`: no extractor; body `public`.
    Public,
    /// `GET /many`: user, optional user, user and the token extractor in one handler; body
    /// `{a} {b} {c}` (the three names).
    Many,
    /// `GET /guarded/account`: behind the adapter's guard (layer, middleware), handler with
    /// the required user extractor; body `guarded {name}`.
    Guarded,
    /// `GET /login`: takes the optional token extractor and deletes that record; starts a
    /// session and stores `new` under it; sets [`CACHEABLE`] as its `Cache-Control` first,
    /// then ends *then* starts on the response (the single-final-`Set-Cookie` rule, and a
    /// response carrying a token is `no-store` whatever the handler set); body `logged in`.
    Login,
    /// `GET /logout`: takes the optional token extractor and deletes that record; ends the
    /// session; body `logged out`.
    Logout,
    /// `GET /refresh`: required user and token extractors; sets [`CACHEABLE`] as its
    /// `Cache-Control` first, then refreshes the token; body `refreshed`.
    Refresh,
    /// `GET /token`: the required token extractor alone; body [`token_body`] of its token.
    Token,
    /// `GET /both`: two `Result`s of the required user extractor in one handler; body
    /// [`answers_body`] of the two.
    Both,
    /// `GET /twice`: the adapter's plain function (`Sessions::user`) called twice, one call
    /// after the other, in one handler; body [`answers_body`] of the two.
    Twice,
    /// `/webhook`, any method: no extractor, the cross-origin guard's bypassed path; body
    /// `webhook`.
    Webhook,
    /// `/api/login`, any method: takes the optional token extractor and deletes that record;
    /// starts a bearer session (`Sessions::start_bearer`), stores `new` under it and answers
    /// with the encoded token as the whole body, no cookie.
    ApiLogin,
    /// `/login/remember`, any method: [`Login`](Self::Login) with
    /// `Sessions::start_with(CookieLifetime::Persistent(`[`REMEMBER`]`))` instead of `start`
    /// (still ending *then* starting, after setting [`CACHEABLE`]); body `logged in`.
    LoginRemember,
    /// `/login/remember-beyond-cap`, any method: [`Login`](Self::Login) with
    /// `Sessions::start_with(CookieLifetime::Persistent(`[`REMEMBER_BEYOND_CAP`]`))`; body
    /// `logged in`.
    LoginRememberBeyondCap,
    /// `/login/browser`, any method: [`Login`](Self::Login) with
    /// `Sessions::start_with(CookieLifetime::BrowserSession)`; body `logged in`.
    LoginBrowser,
    /// `GET /refresh/remember`: [`Refresh`](Self::Refresh) with
    /// `Sessions::refresh_with(&token, CookieLifetime::Persistent(`[`REMEMBER`]`))` instead of
    /// `refresh` (after setting [`CACHEABLE`]); body `refreshed`.
    RefreshRemember,
    /// `GET /refresh/browser`: [`Refresh`](Self::Refresh) with
    /// `Sessions::refresh_with(&token, CookieLifetime::BrowserSession)`; body `refreshed`.
    RefreshBrowser,
}

impl Route {
    /// Every route.
    pub const ALL: [Self; 18] = [
        Self::User,
        Self::Maybe,
        Self::Public,
        Self::Many,
        Self::Guarded,
        Self::Login,
        Self::Logout,
        Self::Refresh,
        Self::Token,
        Self::Both,
        Self::Twice,
        Self::Webhook,
        Self::ApiLogin,
        Self::LoginRemember,
        Self::LoginRememberBeyondCap,
        Self::LoginBrowser,
        Self::RefreshRemember,
        Self::RefreshBrowser,
    ];

    /// The request path.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(session_conformance::Route::Guarded.path(), "/guarded/account");
    /// ```
    #[must_use]
    pub const fn path(self) -> &'static str {
        match self {
            Self::User => "/user",
            Self::Maybe => "/maybe",
            Self::Public => "/public",
            Self::Many => "/many",
            Self::Guarded => "/guarded/account",
            Self::Login => "/login",
            Self::Logout => "/logout",
            Self::Refresh => "/refresh",
            Self::Token => "/token",
            Self::Both => "/both",
            Self::Twice => "/twice",
            Self::Webhook => "/webhook",
            Self::ApiLogin => "/api/login",
            Self::LoginRemember => "/login/remember",
            Self::LoginRememberBeyondCap => "/login/remember-beyond-cap",
            Self::LoginBrowser => "/login/browser",
            Self::RefreshRemember => "/refresh/remember",
            Self::RefreshBrowser => "/refresh/browser",
        }
    }

    /// The cookie lifetime the route's handler passes to `Sessions::start_with` or
    /// `Sessions::refresh_with`; `None` for the routes that use neither.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::{REMEMBER, Route};
    /// use session_cookie::CookieLifetime;
    ///
    /// assert_eq!(Route::LoginRemember.lifetime(), Some(CookieLifetime::Persistent(REMEMBER)));
    /// assert_eq!(Route::RefreshBrowser.lifetime(), Some(CookieLifetime::BrowserSession));
    /// assert_eq!(Route::Login.lifetime(), None);
    /// ```
    #[must_use]
    pub const fn lifetime(self) -> Option<CookieLifetime> {
        match self {
            Self::LoginRemember | Self::RefreshRemember => {
                Some(CookieLifetime::Persistent(REMEMBER))
            }
            Self::LoginRememberBeyondCap => Some(CookieLifetime::Persistent(REMEMBER_BEYOND_CAP)),
            Self::LoginBrowser | Self::RefreshBrowser => Some(CookieLifetime::BrowserSession),
            Self::User
            | Self::Maybe
            | Self::Public
            | Self::Many
            | Self::Guarded
            | Self::Login
            | Self::Logout
            | Self::Refresh
            | Self::Token
            | Self::Both
            | Self::Twice
            | Self::Webhook
            | Self::ApiLogin => None,
        }
    }
}

/// The body of [`Route::Token`]: `token {name}` for a [`KnownToken`] (`token Ada`), `token
/// other` for any other token. It names the token without showing it.
///
/// # Examples
///
/// ```
/// use session_conformance::{KnownToken, token_body};
/// assert_eq!(token_body(&KnownToken::Unknown.token()), "token Unknown");
/// ```
#[must_use]
pub fn token_body(token: &Token<32>) -> String {
    match KnownToken::ALL.iter().find(|known| known.token() == *token) {
        Some(known) => format!("token {known:?}"),
        None => "token other".to_owned(),
    }
}

/// The body of [`Route::Both`] and [`Route::Twice`]: the two answers, each the user's name,
/// `none`, or the rejection's reason as `{:?}` (`LoaderFailed`), separated by a space.
///
/// # Examples
///
/// ```
/// use session_conformance::{TestUser, answers_body};
///
/// let ada = TestUser { name: "ada".to_owned() };
/// assert_eq!(answers_body([Ok(Some(ada)), Err::<_, ()>(())]), "ada ()");
/// ```
#[must_use]
pub fn answers_body<R: fmt::Debug>(answers: [Result<Option<TestUser>, R>; 2]) -> String {
    let [a, b] = answers.map(|answer| match answer {
        Ok(Some(user)) => user.name,
        Ok(None) => "none".to_owned(),
        Err(reason) => format!("{reason:?}"),
    });
    format!("{a} {b}")
}

/// What the response's `Set-Cookie` headers must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetCookieRule {
    /// No `Set-Cookie` at all.
    None,
    /// Exactly one: a fresh token (none of the request's), every template attribute, its
    /// record stored as `new`; sensitive; `Cache-Control: no-store`.
    NewSession,
    /// Exactly one: a fresh token as [`NewSession`](Self::NewSession), for this lifetime:
    /// byte for byte what `start_value_with(lifetime)` gives for that token
    /// (`refresh_value_with(&fresh, lifetime)`: the template's attributes with exactly the
    /// capped `Max-Age` of a persistent lifetime, none for a browser-session one); sensitive;
    /// `Cache-Control: no-store`.
    NewSessionWith(CookieLifetime),
    /// Exactly one: this token re-issued, byte for byte `refresh_value`; sensitive;
    /// `Cache-Control: no-store`.
    Refresh(KnownToken),
    /// Exactly one: this token re-issued for this lifetime, byte for byte
    /// `refresh_value_with(&token, lifetime)`; sensitive; `Cache-Control: no-store`.
    RefreshWith(KnownToken, CookieLifetime),
    /// Exactly one: the removal cookie, byte for byte `end_value`; `Cache-Control: no-store`.
    Removal,
}

/// One request and everything its response must satisfy.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// A unique, descriptive name.
    pub name: &'static str,
    /// Requests sent first, in this order, with the same method and headers, to the same app
    /// and store; their responses are not checked, their loader calls are counted (what
    /// happens across requests).
    pub before: Vec<Route>,
    /// The request method: `GET` but for the cross-origin rows.
    pub method: &'static str,
    /// Where the request goes.
    pub route: Route,
    /// The request's `Cookie` headers, one entry per header, raw bytes (some are not UTF-8).
    pub cookies: Vec<Vec<u8>>,
    /// The request's `Authorization` headers, one entry per header, raw bytes.
    pub authorization: Vec<Vec<u8>>,
    /// Whether the harness's `Sessions` accepts bearer tokens (`Sessions::with_bearer`);
    /// without it the `Authorization` header must be ignored.
    pub bearer: bool,
    /// Whether the harness builds its `Sessions` on
    /// [`proxy_with_max_age`](crate::proxy_with_max_age) (a template `Max-Age`) instead of
    /// [`proxy`](crate::proxy): build it on [`Scenario::proxy`].
    pub max_age_template: bool,
    /// Other request headers, in order (`host`, `origin`, `sec-fetch-site`).
    pub headers: Vec<(&'static str, &'static str)>,
    /// The response status.
    pub expect_status: u16,
    /// The exact response body.
    pub expect_body: &'static str,
    /// How many times the loader must have run.
    pub expect_loader_calls: usize,
    /// The response's `Set-Cookie` headers.
    pub expect_set_cookie: SetCookieRule,
    /// A bearer session was started: the body (instead of
    /// [`expect_body`](Self::expect_body)) is a fresh token, stored as `new`.
    pub expect_new_bearer: bool,
    /// Records the request must have deleted.
    pub expect_deleted: Vec<KnownToken>,
    /// Records the request must have left in place.
    pub expect_kept: Vec<KnownToken>,
    /// The cross-origin refusal the response must carry (in its extensions), if any.
    pub expect_refusal: Option<CrossOriginRefusal>,
}

/// One response header as the harness saw it.
#[derive(Debug, Clone)]
pub struct ObservedHeader {
    /// The name, lower case.
    pub name: String,
    /// The raw value.
    pub value: Vec<u8>,
    /// Whether the framework's header value was marked sensitive.
    pub sensitive: bool,
}

/// A response as the harness saw it, framework types removed.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The status code.
    pub status: u16,
    /// Every header, in order.
    pub headers: Vec<ObservedHeader>,
    /// The body.
    pub body: Vec<u8>,
    /// The [`CrossOriginRefusal`] in the response's extensions.
    pub refusal: Option<CrossOriginRefusal>,
}

impl Observed {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ObservedHeader> + 'a {
        self.headers.iter().filter(move |h| h.name == name)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

impl Scenario {
    /// Every request header, in order: the `Cookie` headers, the `Authorization` headers, then
    /// [`headers`](Self::headers).
    ///
    /// # Examples
    ///
    /// ```
    /// let table = session_conformance::scenarios();
    /// let cross = table.iter().find(|s| s.method == "POST").unwrap();
    /// assert!(cross.request_headers().any(|(name, _)| name == "sec-fetch-site"));
    /// ```
    pub fn request_headers(&self) -> impl Iterator<Item = (&'static str, &[u8])> {
        self.cookies
            .iter()
            .map(|value| ("cookie", value.as_slice()))
            .chain(
                self.authorization
                    .iter()
                    .map(|value| ("authorization", value.as_slice())),
            )
            .chain(
                self.headers
                    .iter()
                    .map(|&(name, value)| (name, value.as_bytes())),
            )
    }

    /// The proxy the harness builds its `Sessions` on for this scenario:
    /// [`proxy_with_max_age`](crate::proxy_with_max_age) if
    /// [`max_age_template`](Self::max_age_template), else [`proxy`](crate::proxy).
    ///
    /// # Examples
    ///
    /// ```
    /// let table = session_conformance::scenarios();
    /// let row = table.iter().find(|s| s.max_age_template).unwrap();
    /// assert_eq!(row.proxy().max_age_cap(), session_conformance::TEMPLATE_MAX_AGE);
    /// ```
    #[must_use]
    pub fn proxy(&self) -> CookieProxy<32> {
        if self.max_age_template {
            crate::proxy_with_max_age()
        } else {
            proxy()
        }
    }

    /// Checks a response (and the store after it) against the scenario.
    ///
    /// Beyond the fields: no body or header other than `Set-Cookie` contains a known token
    /// or [`STORE_SECRET`]; 401, 403 and 500 answers are `text/plain; charset=utf-8`.
    ///
    /// # Errors
    ///
    /// Every broken expectation, one per line, prefixed with the scenario name.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_conformance::{Observed, ObservedHeader, Route, TestStore, scenarios};
    ///
    /// let scenario = scenarios().into_iter().find(|s| s.route == Route::Public).unwrap();
    /// let observed =
    ///     Observed { status: 200, headers: vec![], body: b"public".to_vec(), refusal: None };
    /// assert_eq!(scenario.check(&observed, &TestStore::new()), Ok(()));
    /// ```
    pub fn check(&self, observed: &Observed, store: &TestStore) -> Result<(), String> {
        let mut errors = Vec::new();
        let mut fail = |message: String| errors.push(format!("{}: {message}", self.name));

        if observed.status != self.expect_status {
            fail(format!(
                "status {} (expected {})",
                observed.status, self.expect_status
            ));
        }
        if self.expect_new_bearer {
            check_new_bearer(&observed.body, store, &mut fail);
        } else if observed.body != self.expect_body.as_bytes() {
            fail(format!(
                "body {:?} (expected {:?})",
                String::from_utf8_lossy(&observed.body),
                self.expect_body
            ));
        }
        if store.calls() != self.expect_loader_calls {
            fail(format!(
                "{} loader calls (expected {})",
                store.calls(),
                self.expect_loader_calls
            ));
        }
        if observed.refusal != self.expect_refusal {
            fail(format!(
                "cross-origin refusal {:?} (expected {:?})",
                observed.refusal, self.expect_refusal
            ));
        }
        if matches!(observed.status, 401 | 403 | 500) {
            let content_type: Vec<_> = observed.values("content-type").collect();
            if content_type.len() != 1 || content_type[0].value != ERROR_CONTENT_TYPE.as_bytes() {
                fail(format!("content-type {content_type:?} on an error"));
            }
        }

        let secrets: Vec<Vec<u8>> = KnownToken::ALL
            .iter()
            .map(|t| t.encoded().into_bytes())
            .chain([STORE_SECRET.as_bytes().to_vec()])
            .collect();
        for secret in &secrets {
            let shown = String::from_utf8_lossy(secret).into_owned();
            if contains(&observed.body, secret) {
                fail(format!("body contains {shown:?}"));
            }
            for header in &observed.headers {
                if header.name != "set-cookie" && contains(&header.value, secret) {
                    fail(format!("header {} contains {shown:?}", header.name));
                }
            }
        }

        for token in &self.expect_deleted {
            if store.contains(&token.token()) {
                fail(format!("the record of {token:?} was not deleted"));
            }
        }
        for token in &self.expect_kept {
            if !store.contains(&token.token()) {
                fail(format!("the record of {token:?} was deleted"));
            }
        }

        self.check_set_cookie(observed, store, &mut fail);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }

    fn check_set_cookie(
        &self,
        observed: &Observed,
        store: &TestStore,
        fail: &mut impl FnMut(String),
    ) {
        let set_cookies: Vec<&ObservedHeader> = observed.values("set-cookie").collect();
        let cache_control: Vec<&ObservedHeader> = observed.values("cache-control").collect();
        let proxy = self.proxy();
        let expected = match self.expect_set_cookie {
            SetCookieRule::None => {
                if !set_cookies.is_empty() {
                    fail(format!("{} Set-Cookie (expected none)", set_cookies.len()));
                }
                return;
            }
            SetCookieRule::NewSession | SetCookieRule::NewSessionWith(_) => None,
            SetCookieRule::Refresh(token) => Some(proxy.refresh_value(&token.token())),
            SetCookieRule::RefreshWith(token, lifetime) => {
                Some(proxy.refresh_value_with(&token.token(), lifetime))
            }
            SetCookieRule::Removal => Some(proxy.end_value()),
        };
        if set_cookies.len() != 1 {
            fail(format!("{} Set-Cookie (expected one)", set_cookies.len()));
            return;
        }
        let header = set_cookies[0];
        if cache_control.len() != 1 || cache_control[0].value != b"no-store" {
            fail(format!(
                "Cache-Control {cache_control:?} (expected one no-store)"
            ));
        }
        if let Some(expected) = expected {
            if header.value != expected.as_bytes() {
                fail(format!(
                    "Set-Cookie {:?} (expected {:?})",
                    String::from_utf8_lossy(&header.value),
                    expected.as_str()
                ));
            }
            if self.expect_set_cookie != SetCookieRule::Removal && !header.sensitive {
                fail("the Set-Cookie carrying a token is not marked sensitive".to_owned());
            }
            return;
        }
        // A new session: `__Host-id=<fresh token>` plus the template's attributes, or for a
        // chosen lifetime byte for byte what `start_value_with` gives for that token.
        let value = String::from_utf8_lossy(&header.value);
        let fresh = match self.expect_set_cookie {
            SetCookieRule::NewSessionWith(lifetime) => value
                .strip_prefix("__Host-id=")
                .and_then(|rest| rest.split(';').next())
                .and_then(|encoded| Token::<32>::decode(encoded).ok())
                .filter(|fresh| {
                    header.value == proxy.refresh_value_with(fresh, lifetime).as_bytes()
                }),
            _ => value
                .strip_prefix("__Host-id=")
                .and_then(|rest| rest.strip_suffix("; Path=/; Secure; HttpOnly; SameSite=Lax"))
                .and_then(|encoded| Token::<32>::decode(encoded).ok()),
        };
        let Some(fresh) = fresh else {
            fail(format!(
                "Set-Cookie {value:?} is not a new session cookie (expected {:?})",
                self.expect_set_cookie
            ));
            return;
        };
        if !header.sensitive {
            fail("the Set-Cookie carrying a token is not marked sensitive".to_owned());
        }
        if KnownToken::ALL.iter().any(|t| t.token() == fresh) {
            fail("the new session reuses a token the client could know".to_owned());
        }
        if store.name_of(&fresh).as_deref() != Some("new") {
            fail("the new session's record is not stored".to_owned());
        }
    }
}

/// The body of a started bearer session: a fresh token, stored as `new`.
fn check_new_bearer(body: &[u8], store: &TestStore, fail: &mut impl FnMut(String)) {
    let Ok(fresh) = Token::<32>::decode(body) else {
        fail(format!(
            "body {:?} is not a token",
            String::from_utf8_lossy(body)
        ));
        return;
    };
    if KnownToken::ALL.iter().any(|t| t.token() == fresh) {
        fail("the new session reuses a token the client could know".to_owned());
    }
    if store.name_of(&fresh).as_deref() != Some("new") {
        fail("the new session's record is not stored".to_owned());
    }
}

/// Raw `Cookie` header values.
fn headers<const K: usize>(values: [&[u8]; K]) -> Vec<Vec<u8>> {
    values.iter().map(|v| v.to_vec()).collect()
}

fn one(value: &str) -> Vec<Vec<u8>> {
    vec![value.as_bytes().to_vec()]
}

/// The whole table.
///
/// # Examples
///
/// ```
/// let table = session_conformance::scenarios();
/// let mut names: Vec<_> = table.iter().map(|s| s.name).collect();
/// names.sort_unstable();
/// names.dedup();
/// assert_eq!(names.len(), table.len(), "names are unique");
/// ```
#[must_use]
#[allow(clippy::too_many_lines)] // a table
pub fn scenarios() -> Vec<Scenario> {
    use KnownToken::{Ada, Bob, Expired, Failing, Unknown};
    use Route::{
        Both, Guarded, Login, LoginBrowser, LoginRemember, LoginRememberBeyondCap, Logout, Many,
        Maybe, Public, Refresh, RefreshBrowser, RefreshRemember, Twice, User,
    };

    let ada = Ada.pair();
    let base = |name, route, cookies, status, body, calls| Scenario {
        name,
        before: Vec::new(),
        method: "GET",
        route,
        cookies,
        authorization: Vec::new(),
        bearer: false,
        max_age_template: false,
        headers: Vec::new(),
        expect_status: status,
        expect_body: body,
        expect_loader_calls: calls,
        expect_set_cookie: SetCookieRule::None,
        expect_new_bearer: false,
        expect_deleted: Vec::new(),
        expect_kept: Vec::new(),
        expect_refusal: None,
    };
    let unauthorized =
        |name, route, cookies, calls| base(name, route, cookies, 401, NO_SESSION_BODY, calls);
    let failed = |name, route, cookies| base(name, route, cookies, 500, LOADER_FAILED_BODY, 1);
    let a = Ada.encoded();
    let non_utf8_beside_valid = [b"junk=\xff\xfe; ".as_slice(), ada.as_bytes()].concat();
    // The same bytes as Ada's token, with non-zero trailing bits: not canonical.
    let mut non_canonical = a.clone();
    non_canonical.pop();
    non_canonical.push('F');

    let mut table = vec![
        // The required user.
        unauthorized("user: no cookie", User, vec![], 0),
        base("user: valid", User, one(&ada), 200, "user ada", 1),
        unauthorized("user: empty value", User, one("__Host-id="), 0),
        unauthorized("user: short value", User, one("__Host-id=short"), 0),
        unauthorized("user: quoted", User, one(&format!("__Host-id=\"{a}\"")), 0),
        unauthorized("user: padded", User, one(&format!("{ada}=")), 0),
        unauthorized(
            "user: non-canonical",
            User,
            one(&format!("__Host-id={non_canonical}")),
            0,
        ),
        unauthorized(
            "user: space inside",
            User,
            one(&format!("__Host-id={} {}", &a[..20], &a[21..])),
            0,
        ),
        unauthorized(
            "user: name in another case",
            User,
            one(&format!("__host-id={a}")),
            0,
        ),
        unauthorized("user: another name", User, one(&format!("id={a}")), 0),
        unauthorized("user: junk", User, one("junk"), 0),
        unauthorized("user: only separators", User, one(";;;"), 0),
        unauthorized(
            "user: not UTF-8 under the name",
            User,
            headers([b"__Host-id=\xff\xfe"]),
            0,
        ),
        base(
            "user: a non-UTF-8 pair beside the session",
            User,
            vec![non_utf8_beside_valid],
            200,
            "user ada",
            1,
        ),
        base(
            "user: two headers",
            User,
            headers([b"theme=dark", ada.as_bytes()]),
            200,
            "user ada",
            1,
        ),
        base(
            "user: malformed then valid under the name",
            User,
            one(&format!("__Host-id=junk; {ada}")),
            200,
            "user ada",
            1,
        ),
        base(
            "user: the same token twice",
            User,
            one(&format!("{ada}; {ada}")),
            200,
            "user ada",
            1,
        ),
        unauthorized(
            "user: two different tokens",
            User,
            one(&format!("{ada}; {}", Bob.pair())),
            0,
        ),
        unauthorized(
            "user: two different tokens in two headers",
            User,
            headers([ada.as_bytes(), Bob.pair().as_bytes()]),
            0,
        ),
        unauthorized("user: unknown token", User, one(&Unknown.pair()), 1),
        unauthorized("user: expired session", User, one(&Expired.pair()), 1),
        failed("user: loader error", User, one(&Failing.pair())),
        // The optional user.
        base("maybe: no cookie", Maybe, vec![], 200, "none", 0),
        base(
            "maybe: malformed",
            Maybe,
            one("__Host-id=short"),
            200,
            "none",
            0,
        ),
        base("maybe: valid", Maybe, one(&ada), 200, "some ada", 1),
        base(
            "maybe: unknown token",
            Maybe,
            one(&Unknown.pair()),
            200,
            "none",
            1,
        ),
        base(
            "maybe: expired session",
            Maybe,
            one(&Expired.pair()),
            200,
            "none",
            1,
        ),
        failed("maybe: loader error", Maybe, one(&Failing.pair())),
        // No extractor: nothing is read.
        base(
            "public: failing token",
            Public,
            one(&Failing.pair()),
            200,
            "public",
            0,
        ),
        // Several extractors: one loader call.
        base("many: valid", Many, one(&ada), 200, "ada ada ada", 1),
        unauthorized("many: no cookie", Many, vec![], 0),
        failed("many: loader error", Many, one(&Failing.pair())),
        // The guard.
        unauthorized("guarded: no cookie", Guarded, vec![], 0),
        unauthorized("guarded: malformed", Guarded, one("__Host-id=short"), 0),
        base("guarded: valid", Guarded, one(&ada), 200, "guarded ada", 1),
        unauthorized("guarded: unknown token", Guarded, one(&Unknown.pair()), 1),
        failed("guarded: loader error", Guarded, one(&Failing.pair())),
        // Refresh.
        Scenario {
            expect_set_cookie: SetCookieRule::Refresh(Ada),
            ..base("refresh: valid", Refresh, one(&ada), 200, "refreshed", 1)
        },
        unauthorized("refresh: no cookie", Refresh, vec![], 0),
        // The token extractor: the cookie's rules, never the loader (logout must work for a
        // session the store no longer knows).
        base("token: valid", Route::Token, one(&ada), 200, "token Ada", 0),
        base(
            "token: unknown token",
            Route::Token,
            one(&Unknown.pair()),
            200,
            "token Unknown",
            0,
        ),
        unauthorized("token: no cookie", Route::Token, vec![], 0),
        unauthorized("token: malformed", Route::Token, one("__Host-id=short"), 0),
        unauthorized(
            "token: two different tokens",
            Route::Token,
            one(&format!("{ada}; {}", Bob.pair())),
            0,
        ),
        // One answer per request, failures and `None` included, however it is asked for:
        // two `Result` extractors, then the plain function twice in a row.
        base("both: valid", Both, one(&ada), 200, "ada ada", 1),
        base(
            "both: no cookie",
            Both,
            vec![],
            200,
            "NoSession NoSession",
            0,
        ),
        base(
            "both: unknown token",
            Both,
            one(&Unknown.pair()),
            200,
            "NoSession NoSession",
            1,
        ),
        base(
            "both: loader error",
            Both,
            one(&Failing.pair()),
            200,
            "LoaderFailed LoaderFailed",
            1,
        ),
        base("twice: valid", Twice, one(&ada), 200, "ada ada", 1),
        base("twice: no cookie", Twice, vec![], 200, "none none", 0),
        base(
            "twice: unknown token",
            Twice,
            one(&Unknown.pair()),
            200,
            "none none",
            1,
        ),
        base(
            "twice: loader error",
            Twice,
            one(&Failing.pair()),
            200,
            "LoaderFailed LoaderFailed",
            1,
        ),
    ];

    // Login and logout: the token extractor, never the loader.
    let login = |name, cookies, deleted| Scenario {
        expect_set_cookie: SetCookieRule::NewSession,
        expect_deleted: deleted,
        ..base(name, Login, cookies, 200, "logged in", 0)
    };
    let logout = |name, cookies, deleted| Scenario {
        expect_set_cookie: SetCookieRule::Removal,
        expect_deleted: deleted,
        ..base(name, Logout, cookies, 200, "logged out", 0)
    };
    table.extend([
        login("login: no cookie", vec![], vec![]),
        login("login: rotates an existing session", one(&ada), vec![Ada]),
        login(
            "login: over a malformed cookie",
            one("__Host-id=short"),
            vec![],
        ),
        logout("logout: valid", one(&ada), vec![Ada]),
        logout("logout: no cookie", vec![], vec![]),
        logout(
            "logout: expired session",
            one(&Expired.pair()),
            vec![Expired],
        ),
    ]);

    // Remember me: the lifetime chosen per login, byte for byte, under the same rules as
    // `Login` (end then start: one final Set-Cookie, no-store over CACHEABLE, sensitive); a
    // refresh repeats the choice. One persistent lifetime is under the cap, one over it.
    let login_with = |name, route, cookies, deleted, lifetime| Scenario {
        expect_set_cookie: SetCookieRule::NewSessionWith(lifetime),
        expect_deleted: deleted,
        ..base(name, route, cookies, 200, "logged in", 0)
    };
    let refresh_with = |name, route, lifetime| Scenario {
        expect_set_cookie: SetCookieRule::RefreshWith(Ada, lifetime),
        ..base(name, route, one(&ada), 200, "refreshed", 1)
    };
    let remember = CookieLifetime::Persistent(REMEMBER);
    let browser = CookieLifetime::BrowserSession;
    table.extend([
        login_with(
            "login remember: no cookie",
            LoginRemember,
            vec![],
            vec![],
            remember,
        ),
        login_with(
            "login remember: rotates an existing session",
            LoginRemember,
            one(&ada),
            vec![Ada],
            remember,
        ),
        login_with(
            "login remember beyond the cap: Max-Age is the cap",
            LoginRememberBeyondCap,
            one(&ada),
            vec![Ada],
            CookieLifetime::Persistent(REMEMBER_BEYOND_CAP),
        ),
        login_with(
            "login browser: no cookie",
            LoginBrowser,
            vec![],
            vec![],
            browser,
        ),
        login_with(
            "login browser: rotates an existing session",
            LoginBrowser,
            one(&ada),
            vec![Ada],
            browser,
        ),
        refresh_with("refresh remember: valid", RefreshRemember, remember),
        refresh_with("refresh browser: valid", RefreshBrowser, browser),
        unauthorized("refresh remember: no cookie", RefreshRemember, vec![], 0),
        unauthorized(
            "refresh browser: unknown token",
            RefreshBrowser,
            one(&Unknown.pair()),
            1,
        ),
    ]);
    // On a template with a Max-Age (2 hours): a browser-session cookie drops it (what tells
    // `start_with` / `refresh_with` from `start` / `refresh`), and it caps a persistent one.
    let on_max_age = |scenario| Scenario {
        max_age_template: true,
        ..scenario
    };
    table.extend([
        on_max_age(login_with(
            "login browser over a Max-Age template: no Max-Age",
            LoginBrowser,
            one(&ada),
            vec![Ada],
            browser,
        )),
        on_max_age(login_with(
            "login remember over a Max-Age template: Max-Age is the template's",
            LoginRemember,
            vec![],
            vec![],
            remember,
        )),
        on_max_age(refresh_with(
            "refresh browser over a Max-Age template: no Max-Age",
            RefreshBrowser,
            browser,
        )),
        on_max_age(refresh_with(
            "refresh remember over a Max-Age template: Max-Age is the template's",
            RefreshRemember,
            remember,
        )),
    ]);

    // Across requests: nothing is cached beyond the request that loaded it.
    table.extend([
        Scenario {
            before: vec![User, User],
            ..base(
                "user: each request loads afresh",
                User,
                one(&ada),
                200,
                "user ada",
                3,
            )
        },
        Scenario {
            before: vec![User, Logout],
            expect_deleted: vec![Ada],
            ..unauthorized(
                "user: after a logout in an earlier request",
                User,
                one(&ada),
                2,
            )
        },
    ]);

    table.extend(cross_origin_rows(&ada));
    table.extend(crate::bearer::rows());
    table
}

/// The cross-origin guard ([`cross_origin`](crate::cross_origin)), in front of every route:
/// login and logout CSRF refused with nothing done, the site's own requests and header-less
/// clients served.
#[allow(clippy::too_many_lines)] // a table
fn cross_origin_rows(ada: &str) -> Vec<Scenario> {
    use CrossOriginRefusal::{MalformedHeaders, NullOrigin, OriginMismatch, SecFetchSite};
    use KnownToken::Ada;
    use Route::{Login, LoginRemember, Logout, Public, Webhook};

    const HOST: (&str, &str) = ("host", "app.example.com");
    const SITE_ORIGIN: (&str, &str) = ("origin", "https://app.example.com");
    const EVIL_ORIGIN: (&str, &str) = ("origin", "https://evil.example");
    const SAME_ORIGIN: (&str, &str) = ("sec-fetch-site", "same-origin");
    const CROSS_SITE: (&str, &str) = ("sec-fetch-site", "cross-site");

    let request = |name, method, route, headers: &[(&'static str, &'static str)]| Scenario {
        name,
        before: Vec::new(),
        method,
        route,
        cookies: one(ada),
        authorization: Vec::new(),
        bearer: false,
        max_age_template: false,
        headers: headers.to_vec(),
        expect_status: 200,
        expect_body: "",
        expect_loader_calls: 0,
        expect_set_cookie: SetCookieRule::None,
        expect_new_bearer: false,
        expect_deleted: Vec::new(),
        expect_kept: Vec::new(),
        expect_refusal: None,
    };
    // Refused before any handler: nothing deleted, no cookie, no loader call.
    let refused = |name, method, route, headers, refusal| Scenario {
        expect_status: 403,
        expect_body: CROSS_ORIGIN_BODY,
        expect_kept: vec![Ada],
        expect_refusal: Some(refusal),
        ..request(name, method, route, headers)
    };
    let logged_in = |name, headers| Scenario {
        expect_body: "logged in",
        expect_set_cookie: SetCookieRule::NewSession,
        expect_deleted: vec![Ada],
        ..request(name, "POST", Login, headers)
    };
    let logged_out = |name, headers| Scenario {
        expect_body: "logged out",
        expect_set_cookie: SetCookieRule::Removal,
        expect_deleted: vec![Ada],
        ..request(name, "POST", Logout, headers)
    };

    vec![
        refused(
            "cross-origin: login from another site",
            "POST",
            Login,
            &[HOST, EVIL_ORIGIN, CROSS_SITE],
            SecFetchSite,
        ),
        refused(
            "cross-origin: remember-me login from another site",
            "POST",
            LoginRemember,
            &[HOST, EVIL_ORIGIN, CROSS_SITE],
            SecFetchSite,
        ),
        refused(
            "cross-origin: logout from another site",
            "POST",
            Logout,
            &[HOST, EVIL_ORIGIN, CROSS_SITE],
            SecFetchSite,
        ),
        refused(
            "cross-origin: logout from a sibling subdomain",
            "POST",
            Logout,
            &[
                HOST,
                ("origin", "https://blog.example.com"),
                ("sec-fetch-site", "same-site"),
            ],
            SecFetchSite,
        ),
        refused(
            "cross-origin: PUT from another site",
            "PUT",
            Logout,
            &[HOST, CROSS_SITE],
            SecFetchSite,
        ),
        refused(
            "cross-origin: logout from an old browser on another site",
            "POST",
            Logout,
            &[HOST, EVIL_ORIGIN],
            OriginMismatch,
        ),
        refused(
            "cross-origin: login from an old browser on another port",
            "POST",
            Login,
            &[HOST, ("origin", "https://app.example.com:8443")],
            OriginMismatch,
        ),
        refused(
            "cross-origin: login with Origin null",
            "POST",
            Login,
            &[HOST, ("origin", "null")],
            NullOrigin,
        ),
        refused(
            "cross-origin: login with two Origin headers",
            "POST",
            Login,
            &[HOST, SITE_ORIGIN, EVIL_ORIGIN],
            MalformedHeaders,
        ),
        refused(
            "cross-origin: login with two Sec-Fetch-Site headers",
            "POST",
            Login,
            &[HOST, SAME_ORIGIN, CROSS_SITE],
            MalformedHeaders,
        ),
        Scenario {
            expect_body: "public",
            ..request(
                "cross-origin: GET from another site",
                "GET",
                Public,
                &[HOST, EVIL_ORIGIN, CROSS_SITE],
            )
        },
        logged_in(
            "cross-origin: login from the site itself",
            &[HOST, SITE_ORIGIN, SAME_ORIGIN],
        ),
        logged_in(
            "cross-origin: login from a bookmark (Sec-Fetch-Site: none)",
            &[HOST, ("sec-fetch-site", "none")],
        ),
        logged_in("cross-origin: login from curl (neither header)", &[HOST]),
        logged_in(
            "cross-origin: login from an old browser on the site",
            &[HOST, SITE_ORIGIN],
        ),
        logged_in(
            "cross-origin: login from the trusted origin",
            &[HOST, ("origin", crate::TRUSTED_ORIGIN), CROSS_SITE],
        ),
        Scenario {
            expect_body: "logged in",
            expect_set_cookie: SetCookieRule::NewSessionWith(CookieLifetime::Persistent(REMEMBER)),
            expect_deleted: vec![Ada],
            ..request(
                "cross-origin: remember-me login from the site itself",
                "POST",
                LoginRemember,
                &[HOST, SITE_ORIGIN, SAME_ORIGIN],
            )
        },
        logged_out(
            "cross-origin: logout from the site itself",
            &[HOST, SITE_ORIGIN, SAME_ORIGIN],
        ),
        Scenario {
            expect_body: "webhook",
            expect_kept: vec![Ada],
            ..request(
                "cross-origin: the bypassed path from another site",
                "POST",
                Webhook,
                &[HOST, EVIL_ORIGIN, CROSS_SITE],
            )
        },
    ]
}

#[cfg(test)]
mod tests {
    use session_cookie::SetCookie;

    use super::*;

    #[test]
    fn names_are_unique_and_every_route_is_covered() {
        let table = scenarios();
        let mut names: Vec<_> = table.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len());
        for route in Route::ALL {
            assert!(table.iter().any(|s| s.route == route), "{route:?}");
        }
    }

    #[test]
    fn the_malformed_variants_really_are_malformed() {
        let proxy = proxy();
        // On the routes that ask for a user, the loader runs exactly when there is a token.
        let asks = [
            Route::User,
            Route::Maybe,
            Route::Many,
            Route::Guarded,
            Route::Refresh,
            Route::RefreshRemember,
            Route::RefreshBrowser,
            Route::Both,
            Route::Twice,
        ];
        let found = |s: &Scenario| {
            if s.bearer {
                proxy.load_with_bearer(&s.cookies, &s.authorization)
            } else {
                proxy.load_from_values(&s.cookies)
            }
        };
        for scenario in scenarios().iter().filter(|s| asks.contains(&s.route)) {
            let found = found(scenario);
            let called = scenario.expect_loader_calls > 0;
            assert_eq!(found.is_some(), called, "{}", scenario.name);
        }
        // The token extractor answers exactly when there is a token, and never loads.
        for scenario in scenarios().iter().filter(|s| s.route == Route::Token) {
            let found = found(scenario);
            let answered = scenario.expect_status == 200;
            assert_eq!(found.is_some(), answered, "{}", scenario.name);
            assert_eq!(scenario.expect_loader_calls, 0, "{}", scenario.name);
        }
    }

    #[test]
    fn refusals_are_what_the_guard_decides() {
        use session_cookie::CrossOriginRequest;
        let guard = crate::cross_origin();
        for scenario in scenarios() {
            let values = |name| {
                scenario
                    .request_headers()
                    .filter(move |&(n, _)| n == name)
                    .map(|(_, value)| value)
            };
            let request = CrossOriginRequest::new(
                scenario.method.as_bytes(),
                scenario.route.path().as_bytes(),
            )
            .with_host(values("host"))
            .with_origin(values("origin"))
            .with_sec_fetch_site(values("sec-fetch-site"));
            let decided = guard.check(&request).err();
            assert_eq!(decided, scenario.expect_refusal, "{}", scenario.name);
            assert_eq!(
                decided.is_some(),
                scenario.expect_status == 403,
                "{}",
                scenario.name
            );
        }
    }

    #[test]
    fn remember_me_rows_expect_these_bytes() {
        // What the remember-me rows hold the adapters to, written out: the template's
        // attributes with the Max-Age of 30 days, of the 400-day cap, or none.
        let proxy = proxy();
        let ada = KnownToken::Ada.pair();
        let with = |route: Route| {
            let lifetime = route
                .lifetime()
                .unwrap_or_else(|| unreachable!("{route:?}"));
            proxy.refresh_value_with(&KnownToken::Ada.token(), lifetime)
        };
        let expected = [
            (
                Route::LoginRemember,
                "; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax",
            ),
            (
                Route::LoginRememberBeyondCap,
                "; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=Lax",
            ),
            (
                Route::LoginBrowser,
                "; Path=/; Secure; HttpOnly; SameSite=Lax",
            ),
            (
                Route::RefreshRemember,
                "; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax",
            ),
            (
                Route::RefreshBrowser,
                "; Path=/; Secure; HttpOnly; SameSite=Lax",
            ),
        ];
        for (route, attributes) in expected {
            assert_eq!(
                with(route).as_str(),
                format!("{ada}{attributes}"),
                "{route:?}"
            );
        }
        assert_eq!(proxy.max_age_cap(), Duration::from_secs(34_560_000));
        // On the template with a Max-Age of 2 hours: none for a browser-session cookie, the
        // template's for a persistent one.
        let capped = crate::proxy_with_max_age();
        for (lifetime, attributes) in [
            (
                CookieLifetime::Persistent(REMEMBER),
                "; Path=/; Max-Age=7200; Secure; HttpOnly; SameSite=Lax",
            ),
            (
                CookieLifetime::BrowserSession,
                "; Path=/; Secure; HttpOnly; SameSite=Lax",
            ),
        ] {
            let value = capped.refresh_value_with(&KnownToken::Ada.token(), lifetime);
            assert_eq!(value.as_str(), format!("{ada}{attributes}"), "{lifetime:?}");
        }
        // Every row of a remember-me route expects its route's lifetime.
        for scenario in scenarios() {
            let lifetime = match scenario.expect_set_cookie {
                SetCookieRule::NewSessionWith(lifetime)
                | SetCookieRule::RefreshWith(_, lifetime) => Some(lifetime),
                _ => None,
            };
            if lifetime.is_some() {
                assert_eq!(lifetime, scenario.route.lifetime(), "{}", scenario.name);
            }
        }
    }

    #[test]
    fn a_new_session_with_another_lifetime_fails_the_check() {
        let scenario = scenarios()
            .into_iter()
            .find(|s| s.name == "login remember: no cookie")
            .unwrap_or_else(|| unreachable!());
        let store = TestStore::new();
        let observed = |set_cookie: &SetCookie, sensitive: bool, cache_control: &str| Observed {
            status: 200,
            headers: vec![
                ObservedHeader {
                    name: "cache-control".to_owned(),
                    value: cache_control.as_bytes().to_vec(),
                    sensitive: false,
                },
                ObservedHeader {
                    name: "set-cookie".to_owned(),
                    value: set_cookie.as_str().as_bytes().to_vec(),
                    sensitive,
                },
            ],
            body: b"logged in".to_vec(),
            refusal: None,
        };
        let proxy = proxy();
        let fresh = Token::<32>::from_bytes([7; 32]);
        store.insert(&fresh, "new");
        let good = proxy.refresh_value_with(&fresh, CookieLifetime::Persistent(REMEMBER));
        let check = |observed| scenario.check(&observed, &store);
        assert_eq!(check(observed(&good, true, "no-store")), Ok(()));
        for wrong in [
            proxy.refresh_value(&fresh),
            proxy.refresh_value_with(&fresh, CookieLifetime::BrowserSession),
            proxy.refresh_value_with(&fresh, CookieLifetime::Persistent(REMEMBER_BEYOND_CAP)),
        ] {
            let errors = check(observed(&wrong, true, "no-store")).unwrap_err();
            assert!(errors.contains("not a new session cookie"), "{errors}");
        }
        let errors = check(observed(&good, false, "no-store")).unwrap_err();
        assert!(errors.contains("not marked sensitive"), "{errors}");
        let errors = check(observed(&good, true, CACHEABLE)).unwrap_err();
        assert!(errors.contains("expected one no-store"), "{errors}");
    }

    #[test]
    fn a_refresh_with_another_lifetime_fails_the_check() {
        let scenario = scenarios()
            .into_iter()
            .find(|s| s.name == "refresh browser over a Max-Age template: no Max-Age")
            .unwrap_or_else(|| unreachable!());
        // No loader ran here: only the Set-Cookie part of the check matters.
        let store = TestStore::new();
        let observed = |set_cookie: SetCookie| Observed {
            status: 200,
            headers: vec![
                ObservedHeader {
                    name: "cache-control".to_owned(),
                    value: b"no-store".to_vec(),
                    sensitive: false,
                },
                ObservedHeader {
                    name: "set-cookie".to_owned(),
                    value: set_cookie.as_str().as_bytes().to_vec(),
                    sensitive: true,
                },
            ],
            body: b"refreshed".to_vec(),
            refusal: None,
        };
        let proxy = scenario.proxy();
        let ada = KnownToken::Ada.token();
        let errors = scenario
            .check(&observed(proxy.refresh_value(&ada)), &store)
            .unwrap_err();
        assert!(errors.contains("Set-Cookie"), "{errors}");
        let good = proxy.refresh_value_with(&ada, CookieLifetime::BrowserSession);
        let errors = scenario.check(&observed(good), &store).unwrap_err();
        assert!(!errors.contains("Set-Cookie"), "{errors}");
    }

    #[test]
    fn check_reports_every_broken_expectation() {
        let scenario = scenarios()
            .into_iter()
            .find(|s| s.name == "user: valid")
            .unwrap_or_else(|| unreachable!());
        let store = TestStore::new();
        let observed = Observed {
            status: 500,
            headers: vec![ObservedHeader {
                name: "x-debug".to_owned(),
                value: STORE_SECRET.as_bytes().to_vec(),
                sensitive: false,
            }],
            body: KnownToken::Ada.encoded().into_bytes(),
            refusal: Some(CrossOriginRefusal::NullOrigin),
        };
        let errors = scenario.check(&observed, &store).unwrap_err();
        for needle in [
            "status 500",
            "body",
            "0 loader calls",
            "cross-origin refusal Some(NullOrigin)",
            "content-type",
            "x-debug",
        ] {
            assert!(errors.contains(needle), "{needle}: {errors}");
        }
    }
}
