//! [`SiteSessions`]: what the sites' login and "your sessions" handlers do with the ready
//! session store, over any backend (session-store-sqlx's, session-store-redis's).

use session_cookie::{CookieLifetime, Token};
use session_store::{Backend, CreateOptions, Handle, Store};

use crate::User;

/// What [`SiteSessions::sign_out_handle`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// Another session of the user: back to the sessions page.
    Other,
    /// The request's own session: the user is signed out here too (end the cookie).
    Current,
    /// No live session of the user has this handle (another user's, expired, or never
    /// one): nothing ended; answer 404.
    NotFound,
}

/// The sites' session operations, on the ready store of any [`Backend`] keyed by the users'
/// `i64` ids: the login's new session, the "your sessions" page and its "sign out this
/// session". Every site calls these, so that their sessions behave the same whatever the
/// store.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use example_common::{Revoked, SiteSessions as _, User};
/// use session_store::{CookieLifetime, MemoryStore, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::<i64>::in_memory(Policy::default());
/// let demo = User { id: 1, name: "demo".into() };
/// let phone = store.sign_in(&demo, None, Some(b"a phone")).await?;
/// let laptop = store.sign_in(&demo, None, Some(b" Firefox <on> Linux ")).await?;
///
/// // "Keep me signed in": a persistent cookie, for the store's absolute lifetime.
/// let (kept, lifetime) = store.sign_in_with(&demo, None, Some(b"a tablet"), true).await?;
/// assert_eq!(lifetime, CookieLifetime::Persistent(Duration::from_secs(12 * 3600)));
/// assert!(store.load(&kept).await?.ok_or("no session")?.persistent);
///
/// let page = store.sessions_page(&demo, &laptop, None).await?;
/// assert!(page.contains("a phone") && page.contains("Firefox &lt;on&gt; Linux"));
///
/// let phone_handle = store.load(&phone).await?.ok_or("no session")?.handle;
/// assert_eq!(store.sign_out_handle(&demo, &laptop, &phone_handle).await?, Revoked::Other);
/// assert_eq!(store.sign_out_handle(&demo, &laptop, &phone_handle).await?, Revoked::NotFound);
/// # Ok(()) }
/// ```
pub trait SiteSessions {
    /// Signs `user` in (their password checked): ends the session `old` the request carried,
    /// if any (session fixation defence: a token from before the login never becomes a
    /// signed-in session), and creates a new one labelled with the request's `User-Agent`
    /// (lossily UTF-8, white space around it trimmed, cut to
    /// `session_store::MAX_LABEL_BYTES`; a blank one is no label), whose cookie is to be a
    /// browser-session cookie. Returns the new token for the cookie (the adapters'
    /// `sessions.refresh(&token)`). [`sign_in_with`](Self::sign_in_with) with `false`.
    ///
    /// A new session, not a rotation of `old`: `old` may be another user's, and a login
    /// starts a full absolute lifetime (`Store::rotate` keeps the session's user and
    /// deadline).
    ///
    /// # Errors
    ///
    /// The store's error.
    fn sign_in(
        &self,
        user: &User,
        old: Option<&Token>,
        user_agent: Option<&[u8]>,
    ) -> impl Future<Output = Result<Token, session_store::Error>> + Send;

    /// [`sign_in`](Self::sign_in), "remember me" chosen per login: with `persistent` (the
    /// login form's "Keep me signed in") the session's cookie is persistent, else a
    /// browser-session cookie; the store keeps the choice with the session. Returns the new
    /// token and the lifetime to write its cookie with (`Policy::cookie_lifetime`: the
    /// store's whole absolute lifetime, or none), for the adapters'
    /// `sessions.refresh_with(&token, lifetime)`.
    ///
    /// # Errors
    ///
    /// The store's error.
    fn sign_in_with(
        &self,
        user: &User,
        old: Option<&Token>,
        user_agent: Option<&[u8]>,
        persistent: bool,
    ) -> impl Future<Output = Result<(Token, CookieLifetime), session_store::Error>> + Send;

    /// The "your sessions" page of `user`, whose request carried `current`
    /// ([`page_sessions`](crate::page_sessions) over `Store::list`), with `notice` above the
    /// table.
    ///
    /// # Errors
    ///
    /// The store's error.
    fn sessions_page(
        &self,
        user: &User,
        current: &Token,
        notice: Option<&str>,
    ) -> impl Future<Output = Result<String, session_store::Error>> + Send;

    /// "Sign out this session" on the sessions page: ends `user`'s session named by
    /// `handle` (never another user's: the store checks whose it is), and says which it was
    /// for the request that carried `current`.
    ///
    /// # Errors
    ///
    /// The store's error.
    fn sign_out_handle(
        &self,
        user: &User,
        current: &Token,
        handle: &Handle,
    ) -> impl Future<Output = Result<Revoked, session_store::Error>> + Send;
}

impl<B> SiteSessions for Store<B>
where
    B: Backend<UserId = i64>,
{
    async fn sign_in(
        &self,
        user: &User,
        old: Option<&Token>,
        user_agent: Option<&[u8]>,
    ) -> Result<Token, session_store::Error> {
        let (token, _) = self.sign_in_with(user, old, user_agent, false).await?;
        Ok(token)
    }

    async fn sign_in_with(
        &self,
        user: &User,
        old: Option<&Token>,
        user_agent: Option<&[u8]>,
        persistent: bool,
    ) -> Result<(Token, CookieLifetime), session_store::Error> {
        if let Some(old) = old {
            self.revoke(old).await?;
        }
        let label = user_agent.and_then(label);
        let mut options = CreateOptions::new().with_persistent(persistent);
        if let Some(label) = &label {
            options = options.with_label(label);
        }
        let token = self.create_with(user.id, options).await?;
        Ok((token, self.policy().cookie_lifetime(persistent)))
    }

    async fn sessions_page(
        &self,
        user: &User,
        current: &Token,
        notice: Option<&str>,
    ) -> Result<String, session_store::Error> {
        let sessions = self.list(&user.id).await?;
        let current = Handle::from_key(&current.hash());
        Ok(crate::page_sessions(
            &user.name, &sessions, &current, notice,
        ))
    }

    async fn sign_out_handle(
        &self,
        user: &User,
        current: &Token,
        handle: &Handle,
    ) -> Result<Revoked, session_store::Error> {
        if !self.revoke_handle(&user.id, handle).await? {
            return Ok(Revoked::NotFound);
        }
        if handle.matches(&current.hash()) {
            Ok(Revoked::Current)
        } else {
            Ok(Revoked::Other)
        }
    }
}

/// A `User-Agent` as a session's label: invalid UTF-8 replaced, surrounding white space
/// trimmed; `None` when blank. (The store keeps at most `MAX_LABEL_BYTES`; the page escapes
/// it.)
fn label(user_agent: &[u8]) -> Option<String> {
    let agent = String::from_utf8_lossy(user_agent);
    let agent = agent.trim();
    (!agent.is_empty()).then(|| agent.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_is_the_label() {
        assert_eq!(label(b""), None);
        assert_eq!(label(b"  "), None);
        assert_eq!(label(b" curl/8.5 ").as_deref(), Some("curl/8.5"));
        assert_eq!(label(b"Bot \xff/1").as_deref(), Some("Bot \u{fffd}/1"));
    }
}
