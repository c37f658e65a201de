use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use session_cookie::adapter::Rejection;

use crate::cache::Call;
use crate::{SessionRejection, Sessions};

/// Extractor: the user of the request's session, as your loader returned it.
///
/// * no valid session (no cookie, a malformed or ambiguous one, or a token the loader does
///   not know): `401` with a short static body;
/// * the loader failed: `500`; the body never contains the token or the loader's error
///   (see [`SessionRejection`]);
/// * no [`Sessions<U, N>`](Sessions) registered with `App::app_data`: `500`, and an error
///   line in the log naming the call to add.
///
/// For an optional user take [`MaybeUser<U>`](MaybeUser), **not** `Option<User<U>>`:
/// actix-web's `Option<T>` turns every error into `None`, so a failing store would look
/// like a logged-out visitor.
///
/// The loader runs at most once per request, whatever the number of `User`, `MaybeUser` and
/// [`RequireUser`](crate::RequireUser) asking, and never for requests without a session
/// cookie. `U` is cloned out of the cache for each extractor: wrap large users in an `Arc`.
///
/// # Examples
///
/// ```
/// use session_actix::User;
///
/// #[derive(Clone)]
/// struct Me { name: String }
///
/// async fn hello(user: User<Me>) -> String {
///     format!("hello {}", user.name) // `User` derefs to `Me`
/// }
/// # let _ = hello;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct User<U, const N: usize = 32>(pub U);

impl<U, const N: usize> User<U, N> {
    /// The user, by value.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::User;
    ///
    /// let user: User<&str> = User("ada");
    /// assert_eq!(user.into_inner(), "ada");
    /// ```
    #[must_use]
    pub fn into_inner(self) -> U {
        self.0
    }
}

impl<U, const N: usize> Deref for User<U, N> {
    type Target = U;

    fn deref(&self) -> &U {
        &self.0
    }
}

impl<U, const N: usize> DerefMut for User<U, N> {
    fn deref_mut(&mut self) -> &mut U {
        &mut self.0
    }
}

impl<U, const N: usize> FromRequest for User<U, N>
where
    U: Clone + Send + Sync + 'static,
{
    type Error = SessionRejection;
    type Future = UserFuture<U, N>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        UserFuture {
            pending: Pending::new::<N>(req),
            _user: PhantomData,
        }
    }
}

/// Extractor: the user of the request's session **if there is one**; a loader failure is
/// still an error.
///
/// The optional form of [`User`]: no valid session gives `MaybeUser(None)` instead of the
/// 401, but a failing loader is still a `500` (and a missing configuration too). Use it
/// instead of `Option<User<U>>`, which actix-web resolves to `None` on *any* error, so a
/// store outage would silently look like "not logged in".
///
/// It derefs to `Option<U>`; [`into_inner`](Self::into_inner) gives the `Option`.
///
/// # Examples
///
/// ```
/// use session_actix::MaybeUser;
///
/// #[derive(Clone)]
/// struct Me { name: String }
///
/// async fn home(user: MaybeUser<Me>) -> String {
///     match user.into_inner() {
///         Some(me) => format!("welcome back, {}", me.name),
///         None => "please log in".to_owned(),
///     }
/// }
/// # let _ = home;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MaybeUser<U, const N: usize = 32>(pub Option<U>);

impl<U, const N: usize> MaybeUser<U, N> {
    /// The user, if any, by value.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_actix::MaybeUser;
    ///
    /// let nobody: MaybeUser<&str> = MaybeUser(None);
    /// assert_eq!(nobody.into_inner(), None);
    /// let user: MaybeUser<&str> = MaybeUser(Some("ada"));
    /// assert_eq!(user.into_inner(), Some("ada"));
    /// ```
    #[must_use]
    pub fn into_inner(self) -> Option<U> {
        self.0
    }
}

impl<U, const N: usize> Deref for MaybeUser<U, N> {
    type Target = Option<U>;

    fn deref(&self) -> &Option<U> {
        &self.0
    }
}

impl<U, const N: usize> DerefMut for MaybeUser<U, N> {
    fn deref_mut(&mut self) -> &mut Option<U> {
        &mut self.0
    }
}

impl<U, const N: usize> From<MaybeUser<U, N>> for Option<U> {
    fn from(user: MaybeUser<U, N>) -> Self {
        user.0
    }
}

impl<U, const N: usize> FromRequest for MaybeUser<U, N>
where
    U: Clone + Send + Sync + 'static,
{
    type Error = SessionRejection;
    type Future = MaybeUserFuture<U, N>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        MaybeUserFuture {
            pending: Pending::new::<N>(req),
            _user: PhantomData,
        }
    }
}

/// The request's share of the loader call, or the configuration error found before it.
enum Pending<U> {
    Call(Call<U>),
    /// `None` once the error has been returned.
    Failed(Option<SessionRejection>),
}

impl<U: Clone + Send + Sync + 'static> Pending<U> {
    fn new<const N: usize>(req: &HttpRequest) -> Self {
        match Sessions::<U, N>::from_app_data(req) {
            Ok(sessions) => Self::Call(sessions.call(req)),
            Err(rejection) => Self::Failed(Some(rejection)),
        }
    }
}

impl<U: Clone> Pending<U> {
    fn poll_user(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<U>, SessionRejection>> {
        match self {
            Self::Call(call) => Pin::new(call).poll(cx),
            Self::Failed(rejection) => Poll::Ready(Err(rejection
                .take()
                .unwrap_or_else(|| Rejection::not_configured().into()))),
        }
    }
}

/// The future of the [`User`] extractor: the request's share of its one loader call,
/// without a box per extractor.
///
/// You never name it unless you wrap the extractor; it resolves to `User<U>` or the
/// [`SessionRejection`] the extractor answers with.
///
/// # Examples
///
/// ```
/// use actix_web::FromRequest;
/// use session_actix::{User, UserFuture};
///
/// # #[derive(Clone)] struct Me;
/// fn is_users_future(_: <User<Me> as FromRequest>::Future) -> Option<UserFuture<Me>> { None }
/// # let _ = is_users_future;
/// ```
pub struct UserFuture<U, const N: usize = 32> {
    pending: Pending<U>,
    _user: PhantomData<fn() -> User<U, N>>,
}

impl<U: Clone, const N: usize> Future for UserFuture<U, N> {
    type Output = Result<User<U, N>, SessionRejection>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .pending
            .poll_user(cx)
            .map(|user| match user? {
                Some(user) => Ok(User(user)),
                None => Err(Rejection::no_session().into()),
            })
    }
}

/// The future of the [`MaybeUser`] extractor; as [`UserFuture`], resolving to
/// `MaybeUser<U>` (or the 500 rejection when the loader failed).
///
/// # Examples
///
/// ```
/// use actix_web::FromRequest;
/// use session_actix::{MaybeUser, MaybeUserFuture};
///
/// # #[derive(Clone)] struct Me;
/// fn is_its_future(_: <MaybeUser<Me> as FromRequest>::Future) -> Option<MaybeUserFuture<Me>> {
///     None
/// }
/// # let _ = is_its_future;
/// ```
pub struct MaybeUserFuture<U, const N: usize = 32> {
    pending: Pending<U>,
    _user: PhantomData<fn() -> MaybeUser<U, N>>,
}

impl<U: Clone, const N: usize> Future for MaybeUserFuture<U, N> {
    type Output = Result<MaybeUser<U, N>, SessionRejection>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .pending
            .poll_user(cx)
            .map(|user| Ok(MaybeUser(user?)))
    }
}

impl<U, const N: usize> fmt::Debug for UserFuture<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserFuture").finish_non_exhaustive()
    }
}

impl<U, const N: usize> fmt::Debug for MaybeUserFuture<U, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MaybeUserFuture").finish_non_exhaustive()
    }
}
