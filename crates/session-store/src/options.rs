/// What a new session is created with, beside its user: a label, and whether its cookie is
/// persistent ("remember me"). For [`Store::create_with`](crate::Store::create_with) and
/// [`Store::insert_with`](crate::Store::insert_with).
///
/// `CreateOptions::new()` (or `default()`) is no label and a browser-session cookie: what
/// [`Store::create`](crate::Store::create) does.
///
/// # Examples
///
/// ```
/// use session_store::{CreateOptions, MemoryStore, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::<i64>::in_memory(Policy::default());
/// let remember_me = true; // the login form's "Keep me signed in" checkbox
/// let options = CreateOptions::new().with_label("Firefox on Linux").with_persistent(remember_me);
/// let token = store.create_with(42, options).await?;
/// let session = store.load(&token).await?.ok_or("no session")?;
/// assert!(session.persistent);
/// assert_eq!(session.label.as_deref(), Some("Firefox on Linux"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateOptions<'a> {
    label: Option<&'a str>,
    persistent: bool,
}

impl<'a> CreateOptions<'a> {
    /// No label, a browser-session cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::CreateOptions;
    ///
    /// let options = CreateOptions::new();
    /// assert_eq!((options.label(), options.persistent()), (None, false));
    /// assert_eq!(options, CreateOptions::default());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            label: None,
            persistent: false,
        }
    }

    /// Labels the session, as [`Store::create_labeled`](crate::Store::create_labeled) does:
    /// shown in [`Store::list`](crate::Store::list), at most
    /// [`MAX_LABEL_BYTES`](crate::MAX_LABEL_BYTES) kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::CreateOptions;
    ///
    /// assert_eq!(CreateOptions::new().with_label("a phone").label(), Some("a phone"));
    /// ```
    #[must_use]
    pub const fn with_label(mut self, label: &'a str) -> Self {
        self.label = Some(label);
        self
    }

    /// Whether the session's cookie is persistent ("remember me": kept across browser
    /// restarts, until the session's absolute deadline) or a browser-session cookie
    /// (`false`, the default). The store keeps the choice with the session, rotation keeps
    /// it, and [`Session::cookie_lifetime`](crate::Session::cookie_lifetime) turns it into
    /// the cookie's lifetime on every refresh.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::CreateOptions;
    ///
    /// assert!(CreateOptions::new().with_persistent(true).persistent());
    /// ```
    #[must_use]
    pub const fn with_persistent(mut self, persistent: bool) -> Self {
        self.persistent = persistent;
        self
    }

    /// The label, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::CreateOptions;
    ///
    /// assert_eq!(CreateOptions::new().label(), None);
    /// ```
    #[must_use]
    pub const fn label(&self) -> Option<&'a str> {
        self.label
    }

    /// Whether the cookie is to be persistent.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store::CreateOptions;
    ///
    /// assert!(!CreateOptions::new().persistent());
    /// ```
    #[must_use]
    pub const fn persistent(&self) -> bool {
        self.persistent
    }
}
