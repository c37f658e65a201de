//! The cookie's lifetime chosen per login: a persistent ("remember me") or a browser-session
//! cookie.

use core::time::Duration;

/// How long the browser keeps the session cookie: chosen **per login** (a "Keep me signed in"
/// checkbox), not per configuration.
///
/// Give it to [`CookieProxy::start_value_with`](crate::CookieProxy::start_value_with) and
/// [`refresh_value_with`](crate::CookieProxy::refresh_value_with) (the adapters'
/// `start_with` / `refresh_with`). The template's own `Max-Age` then only caps it:
///
/// * [`BrowserSession`](Self::BrowserSession): no `Max-Age` (even if the template has one);
///   the browser drops the cookie when it ends its session.
/// * [`Persistent`](Self::Persistent): `Max-Age` of the duration in whole seconds (rounded
///   down), at most the proxy's [cap](crate::CookieProxy::max_age_cap): the template's
///   `Max-Age` if it has one, else 400 days (the RFC 6265bis limit browsers apply). A
///   duration under one second means the cookie has no time left: the value written is the
///   removal cookie ([`end_value`](crate::CookieProxy::end_value)), never a token in a
///   cookie that is already dead.
///
/// A refresh must repeat the choice, or a "remember me" cookie turns into a browser-session
/// one (and back). Remember it with the session: `session-store` keeps it in the session
/// record and gives the lifetime to refresh with (`Session::cookie_lifetime`), capped by the
/// time the session has left, so the cookie never outlives the session.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use session_cookie::{CookieLifetime, CookieProxy, Token};
///
/// let proxy = CookieProxy::<32>::default(); // no Max-Age: capped at 400 days
/// let token = Token::<32>::from_bytes([1; 32]);
///
/// let remember = CookieLifetime::Persistent(Duration::from_secs(30 * 24 * 3600));
/// let value = proxy.refresh_value_with(&token, remember);
/// assert!(value.as_str().ends_with("; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax"));
///
/// let value = proxy.refresh_value_with(&token, CookieLifetime::BrowserSession);
/// assert!(!value.as_str().contains("Max-Age"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CookieLifetime {
    /// A browser-session cookie: no `Max-Age`, gone when the browser ends its session.
    BrowserSession,
    /// A persistent cookie: `Max-Age` of this duration (whole seconds), capped by the proxy.
    Persistent(Duration),
}

impl CookieLifetime {
    /// Whether this is a persistent cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use session_cookie::CookieLifetime;
    ///
    /// assert!(CookieLifetime::Persistent(Duration::from_secs(60)).is_persistent());
    /// assert!(!CookieLifetime::BrowserSession.is_persistent());
    /// ```
    #[must_use]
    pub const fn is_persistent(&self) -> bool {
        matches!(self, Self::Persistent(_))
    }

    /// What to write for this lifetime under a cap of `cap_secs` seconds (at least 1).
    pub(crate) fn resolve(self, cap_secs: u64) -> MaxAge {
        match self {
            Self::BrowserSession => MaxAge::None,
            Self::Persistent(duration) => match duration.as_secs().min(cap_secs) {
                0 => MaxAge::Expired,
                secs => MaxAge::Secs(secs),
            },
        }
    }
}

/// A [`CookieLifetime`] resolved against a proxy's cap: what the `Set-Cookie` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MaxAge {
    /// No `Max-Age`.
    None,
    /// `Max-Age` of this many seconds, 1 to the cap.
    Secs(u64),
    /// No time left: the removal cookie.
    Expired,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_against_the_cap() {
        let cap = 3600;
        let persistent = |secs| CookieLifetime::Persistent(Duration::from_secs(secs));
        assert_eq!(CookieLifetime::BrowserSession.resolve(cap), MaxAge::None);
        assert_eq!(persistent(1).resolve(cap), MaxAge::Secs(1));
        assert_eq!(persistent(3599).resolve(cap), MaxAge::Secs(3599));
        assert_eq!(persistent(3600).resolve(cap), MaxAge::Secs(3600));
        assert_eq!(persistent(3601).resolve(cap), MaxAge::Secs(3600));
        assert_eq!(persistent(0).resolve(cap), MaxAge::Expired);
        let max = CookieLifetime::Persistent(Duration::MAX);
        assert_eq!(max.resolve(cap), MaxAge::Secs(3600));
    }

    #[test]
    fn sub_second_parts_round_down() {
        let almost = CookieLifetime::Persistent(Duration::from_millis(999));
        assert_eq!(almost.resolve(10), MaxAge::Expired);
        let more = CookieLifetime::Persistent(Duration::from_millis(2_999));
        assert_eq!(more.resolve(10), MaxAge::Secs(2));
    }
}
