//! What an example site needs from its store beyond the loader.

use std::future::Future;

use session_cookie::{Loader, Token};

use crate::{Store, StoreError, User};

/// A store the example sites can run on: the [`Loader`] for every request, plus the three
/// calls of the login and logout handlers.
///
/// [`Store`] (SQLite) implements it; so does the Redis example's store. The site's framework
/// glue is written once against this trait, so only the store differs between them. Errors
/// are the loader's error type: the handlers log them and answer 500.
///
/// # Examples
///
/// A login, as a handler does it, for any store:
///
/// ```
/// use example_common::{SessionConfig, SiteStore, Store};
/// use session_cookie::{Loader, Token};
///
/// async fn login<S: SiteStore>(store: &S) -> Result<Option<Token>, Box<dyn std::error::Error>> {
///     let Some(user) = store.verify_password("demo", "demo").await? else {
///         return Ok(None);
///     };
///     let token = Token::generate()?;
///     store.create_session(&token, user.id).await?;
///     Ok(Some(token))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = Store::open_in_memory(SessionConfig::default())?;
/// let token = login(&store).await?.ok_or("bad login")?;
/// assert!(store.load(&token).await?.is_some());
/// assert!(SiteStore::delete_session(&store, &token).await?);
/// # Ok(()) }
/// ```
pub trait SiteStore: Loader<User = User> + Clone + Send + Sync + 'static {
    /// Checks a login: `Ok(Some(user))` if `name` exists and `password` matches, `Ok(None)`
    /// otherwise. An unknown name costs the same password-hash work as a known one.
    ///
    /// # Errors
    ///
    /// The store failed (not: the password was wrong).
    fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> impl Future<Output = Result<Option<User>, Self::Error>> + Send;

    /// Records a new session for `user_id` under `token.hash()`, with the absolute lifetime
    /// starting now. Never overwrites an existing session: a key that exists is an error.
    ///
    /// # Errors
    ///
    /// The store failed, or a session with this key already exists.
    fn create_session(
        &self,
        token: &Token,
        user_id: i64,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Deletes the session stored under `token.hash()`, if any; returns whether one existed.
    /// On logout, and on login for the token the request carried (session fixation defence).
    ///
    /// # Errors
    ///
    /// The store failed.
    fn delete_session(
        &self,
        token: &Token,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;
}

/// The SQLite store: its own methods, unchanged (the session statements run inline, Argon2 on
/// the blocking pool).
impl SiteStore for Store {
    fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send {
        Self::verify_password(self, name, password)
    }

    async fn create_session(&self, token: &Token, user_id: i64) -> Result<(), StoreError> {
        Self::create_session(self, token, user_id)
    }

    async fn delete_session(&self, token: &Token) -> Result<bool, StoreError> {
        Self::delete_session(self, token)
    }
}
