//! The application's users table, the same for all four apps: what an app has before and
//! after migrating, untouched by the migration.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use serde::Deserialize;
use subtle::ConstantTimeEq as _;

/// The demo account's name.
pub const DEMO_USER: &str = "alice";
/// The demo account's password.
pub const DEMO_PASSWORD: &str = "wonderland";

/// A user account.
///
/// It keeps the password itself as a stand-in for a password hash, so that the examples
/// need no hashing crate; a real app stores an Argon2 hash (see `examples/example-common`).
/// `Debug` leaves the password out.
///
/// # Examples
///
/// ```
/// use example_migration::accounts::{Accounts, DEMO_PASSWORD, DEMO_USER};
///
/// let accounts = Accounts::with_demo_user();
/// let alice = accounts.verify(DEMO_USER, DEMO_PASSWORD).ok_or("no such account")?;
/// assert_eq!(alice.name, "alice");
/// assert!(!format!("{alice:?}").contains(DEMO_PASSWORD));
/// # Ok::<(), &str>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's id: what a session refers to.
    pub id: i64,
    /// The sign-in name.
    pub name: String,
    password: String,
}

impl Account {
    /// What axum-login's `session_auth_hash` returns in the "before" app: the stored
    /// password hash (here its stand-in).
    pub(crate) fn password_hash(&self) -> &[u8] {
        self.password.as_bytes()
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The users table: accounts by id, shared by clones.
///
/// # Examples
///
/// ```
/// use example_migration::accounts::{Accounts, DEMO_PASSWORD, DEMO_USER};
///
/// let accounts = Accounts::with_demo_user();
/// assert!(accounts.verify(DEMO_USER, "guess").is_none());
/// let alice = accounts.verify(DEMO_USER, DEMO_PASSWORD).ok_or("no such account")?;
/// assert_eq!(accounts.get(alice.id), Some(alice));
/// # Ok::<(), &str>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    by_id: Arc<RwLock<HashMap<i64, Account>>>,
}

impl Accounts {
    /// A table with one account: [`DEMO_USER`] / [`DEMO_PASSWORD`], id 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_migration::accounts::Accounts;
    ///
    /// assert_eq!(Accounts::with_demo_user().get(1).map(|a| a.name), Some("alice".to_owned()));
    /// ```
    #[must_use]
    pub fn with_demo_user() -> Self {
        let alice = Account {
            id: 1,
            name: DEMO_USER.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
        };
        Self {
            by_id: Arc::new(RwLock::new(HashMap::from([(alice.id, alice)]))),
        }
    }

    /// The account named `name`, if `password` is its password.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_migration::accounts::{Accounts, DEMO_PASSWORD};
    ///
    /// assert!(Accounts::with_demo_user().verify("bob", DEMO_PASSWORD).is_none());
    /// ```
    #[must_use]
    pub fn verify(&self, name: &str, password: &str) -> Option<Account> {
        let table = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        let account = table.values().find(|a| a.name == name)?;
        let matches: bool = account
            .password
            .as_bytes()
            .ct_eq(password.as_bytes())
            .into();
        matches.then(|| account.clone())
    }

    /// The account with this id, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_migration::accounts::Accounts;
    ///
    /// assert!(Accounts::with_demo_user().get(2).is_none());
    /// ```
    #[must_use]
    pub fn get(&self, id: i64) -> Option<Account> {
        let table = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        table.get(&id).cloned()
    }

    /// Sets the password of the account with this id; the updated account, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_migration::accounts::{Accounts, DEMO_PASSWORD, DEMO_USER};
    ///
    /// let accounts = Accounts::with_demo_user();
    /// assert!(accounts.set_password(1, "looking-glass").is_some());
    /// assert!(accounts.verify(DEMO_USER, DEMO_PASSWORD).is_none());
    /// assert!(accounts.verify(DEMO_USER, "looking-glass").is_some());
    /// ```
    pub fn set_password(&self, id: i64, password: &str) -> Option<Account> {
        let mut table = self.by_id.write().unwrap_or_else(PoisonError::into_inner);
        let account = table.get_mut(&id)?;
        password.clone_into(&mut account.password);
        Some(account.clone())
    }
}

/// The login form: `username` and `password`, URL-encoded.
///
/// # Examples
///
/// ```
/// use example_migration::accounts::Credentials;
///
/// let form = Credentials { username: "alice".to_owned(), password: "wonderland".to_owned() };
/// assert_eq!(form.username, "alice");
/// ```
#[derive(Clone, Deserialize)]
pub struct Credentials {
    /// The sign-in name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The change-password form: the new `password`, URL-encoded.
///
/// # Examples
///
/// ```
/// use example_migration::accounts::NewPassword;
///
/// let form = NewPassword { password: "looking-glass".to_owned() };
/// assert!(!format!("{form:?}").contains("looking-glass"));
/// ```
#[derive(Clone, Deserialize)]
pub struct NewPassword {
    /// The new password.
    pub password: String,
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPassword").finish_non_exhaustive()
    }
}
