//! Writing the session cookie on a finished `HttpResponse`, by session-cookie's one rule.

use actix_web::body::BoxBody;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder};
use session_cookie::SetCookie;
use session_cookie::adapter::{PendingCookie, ResponseHeaders};

/// actix's (`http` 0.2) header map, for session-cookie's `adapter::apply`, which holds the
/// rules: the primitives only.
struct Headers<'a>(&'a mut HeaderMap);

impl ResponseHeaders for Headers<'_> {
    fn retain_set_cookies(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        self.0
            .retain(|name, value| name != header::SET_COOKIE || keep(value.as_bytes()));
    }

    fn append_set_cookie(&mut self, set_cookie: SetCookie) {
        // Visible ASCII and spaces by construction (validated template, base64url token), so
        // the conversion cannot fail; an empty value, which clients ignore, stands in for the
        // impossible case rather than a panic.
        let mut value = HeaderValue::try_from(set_cookie.into_string())
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        value.set_sensitive(true);
        self.0.append(header::SET_COOKIE, value);
    }

    fn cache_controls(&self) -> impl Iterator<Item = &[u8]> {
        self.0
            .get_all(header::CACHE_CONTROL)
            .map(HeaderValue::as_bytes)
    }

    fn insert_cache_control(&mut self, value: &'static str) {
        self.0
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
}

/// Sets the cookie of a new session. Made by [`Sessions::start`](crate::Sessions::start),
/// which returns the token first so you can store `token.hash()` before answering.
///
/// Write it into the finished [`HttpResponse`] with
/// [`start_session`](SessionResponseExt::start_session) (chainable) or
/// [`apply_to`](Self::apply_to). Like [`RefreshSession`] and [`EndSession`], it drops the
/// response's earlier `Set-Cookie`s for the session name (other cookies are kept), so the
/// response carries exactly one for it, the last one applied; the value is marked sensitive,
/// and `Cache-Control` becomes `no-store` unless the response's already has that directive.
///
/// It is also a [`Responder`] on its own (an empty `200`). It holds the token, so its
/// `Debug` shows only the cookie name.
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, http::header};
/// use session_actix::{SessionRejection, SessionResponseExt as _, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn login(sessions: Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
///     // password checked; delete the old session record if the request had one
///     let (token, start) = sessions.start()?;
///     let _key = token.hash(); // db.insert_session(key, user_id).await
///     // The end of the old cookie is replaced by the new one: one Set-Cookie.
///     Ok(HttpResponse::SeeOther()
///         .insert_header((header::LOCATION, "/"))
///         .finish()
///         .end_session(sessions.end())
///         .start_session(start))
/// }
/// # let _ = login;
/// ```
#[must_use = "a session starts only when this is applied to the response"]
#[derive(Debug)]
pub struct StartSession<const N: usize = 32>(pub(crate) PendingCookie<N>);

/// Re-issues the session cookie with a fresh expiry (sliding sessions). Made by
/// [`Sessions::refresh`](crate::Sessions::refresh).
///
/// Same header rules as [`StartSession`]; its `Debug` shows only the cookie name.
///
/// # Examples
///
/// ```
/// use actix_web::HttpResponse;
/// use session_actix::{SessionResponseExt as _, SessionToken, Sessions, User};
///
/// # #[derive(Clone)] struct Me;
/// async fn page(sessions: Sessions<Me>, _user: User<Me>, token: SessionToken<Me>) -> HttpResponse {
///     // db.extend_session(token.hash()).await
///     HttpResponse::Ok().body("page").refresh_session(sessions.refresh(&token))
/// }
/// # let _ = page;
/// ```
#[must_use = "the cookie is refreshed only when this is applied to the response"]
#[derive(Debug)]
pub struct RefreshSession<const N: usize = 32>(pub(crate) PendingCookie<N>);

/// Removes the session cookie. Made by [`Sessions::end`](crate::Sessions::end).
///
/// Delete the session record in your store as well. Same header rules as
/// [`StartSession`].
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, http::header};
/// use session_actix::{MaybeSessionToken, SessionResponseExt as _, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(sessions: Sessions<Me>, token: MaybeSessionToken<Me>) -> HttpResponse {
///     if let MaybeSessionToken(Some(token)) = token {
///         let _key = token.hash(); // db.delete_session(key).await
///     }
///     HttpResponse::SeeOther()
///         .insert_header((header::LOCATION, "/"))
///         .finish()
///         .end_session(sessions.end())
/// }
/// # let _ = logout;
/// ```
#[must_use = "the cookie is removed only when this is applied to the response"]
#[derive(Debug)]
pub struct EndSession<const N: usize = 32>(pub(crate) PendingCookie<N>);

/// The three parts' `apply_to` (the cookie, by session-cookie's one rule) and actix-web's
/// `Responder` (an empty `200` with the cookie).
macro_rules! response_part {
    ($($part:ident),+) => {$(
        impl<const N: usize> $part<N> {
            /// Writes the cookie into `res`: earlier `Set-Cookie`s for the session name are
            /// dropped (other cookies are kept), the value is appended marked sensitive, and
            /// `Cache-Control` becomes `no-store` unless `res`'s already has that directive.
            ///
            /// # Examples
            ///
            /// ```
            /// use actix_web::HttpResponse;
            /// use session_actix::Sessions;
            ///
            /// # #[derive(Clone)] struct Me;
            /// fn bye(sessions: &Sessions<Me>) -> HttpResponse {
            ///     let mut res = HttpResponse::Ok().body("bye");
            ///     sessions.end().apply_to(&mut res);
            ///     res
            /// }
            /// # let _ = bye;
            /// ```
            pub fn apply_to<B>(self, res: &mut HttpResponse<B>) {
                self.0.write_to(&mut Headers(res.headers_mut()));
            }
        }

        impl<const N: usize> Responder for $part<N> {
            type Body = BoxBody;

            fn respond_to(self, _: &HttpRequest) -> HttpResponse {
                let mut res = HttpResponse::Ok().finish();
                self.apply_to(&mut res);
                res
            }
        }
    )+};
}

response_part!(StartSession, RefreshSession, EndSession);

/// The session helpers on a finished [`HttpResponse`], chainable: each is
/// [`apply_to`](StartSession::apply_to), so every rule holds (one `Set-Cookie` for the
/// session name, the last one applied; `Cache-Control: no-store` unless the response's
/// `Cache-Control` already has that directive, whether it was set before or after).
///
/// They work on the response, not on the `HttpResponseBuilder`: a builder's headers can be
/// neither read nor removed, so it could only append.
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, http::header};
/// use session_actix::{SessionResponseExt as _, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(sessions: Sessions<Me>) -> HttpResponse {
///     HttpResponse::Ok()
///         .insert_header((header::CACHE_CONTROL, "private, no-store"))
///         .body("bye")
///         .end_session(sessions.end())
/// }
/// # let _ = logout;
/// ```
pub trait SessionResponseExt: Sized {
    /// Sets the cookie of a new session ([`StartSession::apply_to`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionRejection, SessionResponseExt as _, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// fn welcome(sessions: &Sessions<Me>) -> Result<HttpResponse, SessionRejection> {
    ///     let (_token, start) = sessions.start()?;
    ///     Ok(HttpResponse::Ok().body("welcome").start_session(start))
    /// }
    /// # let _ = welcome;
    /// ```
    #[must_use]
    fn start_session<const N: usize>(self, start: StartSession<N>) -> Self;

    /// Re-issues the session cookie ([`RefreshSession::apply_to`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionResponseExt as _, SessionToken, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// fn page(sessions: &Sessions<Me>, token: &SessionToken<Me>) -> HttpResponse {
    ///     HttpResponse::Ok().body("page").refresh_session(sessions.refresh(token))
    /// }
    /// # let _ = page;
    /// ```
    #[must_use]
    fn refresh_session<const N: usize>(self, refresh: RefreshSession<N>) -> Self;

    /// Removes the session cookie ([`EndSession::apply_to`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use session_actix::{SessionResponseExt as _, Sessions};
    ///
    /// # #[derive(Clone)] struct Me;
    /// fn bye(sessions: &Sessions<Me>) -> HttpResponse {
    ///     HttpResponse::Ok().body("bye").end_session(sessions.end())
    /// }
    /// # let _ = bye;
    /// ```
    #[must_use]
    fn end_session<const N: usize>(self, end: EndSession<N>) -> Self;
}

impl<B> SessionResponseExt for HttpResponse<B> {
    fn start_session<const N: usize>(mut self, start: StartSession<N>) -> Self {
        start.apply_to(&mut self);
        self
    }

    fn refresh_session<const N: usize>(mut self, refresh: RefreshSession<N>) -> Self {
        refresh.apply_to(&mut self);
        self
    }

    fn end_session<const N: usize>(mut self, end: EndSession<N>) -> Self {
        end.apply_to(&mut self);
        self
    }
}
