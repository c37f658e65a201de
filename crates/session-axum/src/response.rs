use axum_core::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use core::convert::Infallible;
use session_cookie::adapter::PendingCookie;

/// Response part: sets the cookie of a new session. Made by
/// [`Sessions::start`](crate::Sessions::start), which returns the token first so you can
/// store `token.hash()` before answering.
///
/// Like [`RefreshSession`] and [`EndSession`], it drops the response's earlier
/// `Set-Cookie` for the session name (other cookies are kept), so a handler that ends one
/// session and starts another sends one `Set-Cookie` for the name: the last one applied.
/// In an axum tuple the last element is the response, made first, and the parts before it
/// apply left to right: write `(end, start, body)`, not `(end, start)`. Add other cookies
/// with `AppendHeaders`; a plain `[(SET_COOKIE, ..)]` part replaces every `Set-Cookie`.
/// The value is marked sensitive, and `Cache-Control` becomes `no-store` unless the
/// response's already has that directive, whatever else the handler set.
///
/// It holds the token, so its `Debug` shows only the cookie name.
///
/// # Examples
///
/// ```
/// use axum::{extract::State, response::Redirect};
/// use session_axum::{EndSession, Sessions, StartSession, SessionRejection};
///
/// # #[derive(Clone)] struct Me;
/// async fn login(
///     State(sessions): State<Sessions<Me>>,
/// ) -> Result<(EndSession, StartSession, Redirect), SessionRejection> {
///     // password checked; delete the old session record if the request had one
///     let (token, start) = sessions.start()?;
///     let _key = token.hash(); // db.insert_session(key, user_id).await
///     // The end of the old cookie is replaced by the new one: one Set-Cookie.
///     Ok((sessions.end(), start, Redirect::to("/")))
/// }
/// # let _ = login;
/// ```
#[must_use = "a session starts only when this is returned in the response"]
#[derive(Debug)]
pub struct StartSession<const N: usize = 32>(pub(crate) PendingCookie<N>);

/// Response part: re-issues the session cookie with a fresh expiry (sliding sessions).
/// Made by [`Sessions::refresh`](crate::Sessions::refresh).
///
/// Same header rules as [`StartSession`]; its `Debug` shows only the cookie name.
///
/// # Examples
///
/// ```
/// use axum::extract::State;
/// use session_axum::{RefreshSession, SessionToken, Sessions, User};
///
/// # #[derive(Clone)] struct Me;
/// async fn page(
///     State(sessions): State<Sessions<Me>>,
///     _user: User<Me>,
///     token: SessionToken<Me>,
/// ) -> (RefreshSession, &'static str) {
///     // db.extend_session(token.hash()).await
///     (sessions.refresh(&token), "page")
/// }
/// # let _ = page;
/// ```
#[must_use = "the cookie is refreshed only when this is returned in the response"]
#[derive(Debug)]
pub struct RefreshSession<const N: usize = 32>(pub(crate) PendingCookie<N>);

/// Response part: removes the session cookie. Made by
/// [`Sessions::end`](crate::Sessions::end).
///
/// Delete the session record in your store as well. Same header rules as
/// [`StartSession`].
///
/// # Examples
///
/// ```
/// use axum::{extract::State, response::Redirect};
/// use session_axum::{EndSession, SessionToken, Sessions};
///
/// # #[derive(Clone)] struct Me;
/// async fn logout(
///     State(sessions): State<Sessions<Me>>,
///     token: Option<SessionToken<Me>>,
/// ) -> (EndSession, Redirect) {
///     if let Some(token) = token {
///         let _key = token.hash(); // db.delete_session(key).await
///     }
///     (sessions.end(), Redirect::to("/"))
/// }
/// # let _ = logout;
/// ```
#[must_use = "the cookie is removed only when this is returned in the response"]
#[derive(Debug)]
pub struct EndSession<const N: usize = 32>(pub(crate) PendingCookie<N>);

/// The three parts' axum traits: `IntoResponseParts` (the cookie, by session-cookie's one
/// rule) and `IntoResponse` (an empty `200` with the cookie).
macro_rules! response_part {
    ($($part:ident),+) => {$(
        impl<const N: usize> IntoResponseParts for $part<N> {
            type Error = Infallible;

            fn into_response_parts(
                self,
                mut res: ResponseParts,
            ) -> Result<ResponseParts, Infallible> {
                self.0.write_to(res.headers_mut());
                Ok(res)
            }
        }

        impl<const N: usize> IntoResponse for $part<N> {
            fn into_response(self) -> Response {
                (self, ()).into_response()
            }
        }
    )+};
}

response_part!(StartSession, RefreshSession, EndSession);
