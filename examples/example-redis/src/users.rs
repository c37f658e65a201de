//! [`Users`]: the site's accounts in Redis (the keys are in the crate docs).

use std::fmt;
use std::sync::Arc;

use example_common::{
    DEMO_PASSWORD, DEMO_USER, HashPermit, User, hash_password, verify_password_hash,
};
use session_store_redis::redis;
use session_store_redis::redis::aio::ConnectionManager;

use crate::SiteError;

/// The hash from user id to user name.
const USERS_BY_ID: &str = "users:by-id";
/// The counter that hands out user ids.
const USERS_NEXT_ID: &str = "users:next-id";

/// Creates a user if `user:{name}` does not exist, atomically (one script): a new id, the
/// hash, and the id-to-name entry. Returns 1 if it created the user, 0 if it existed.
/// KEYS: `user:{name}`, `users:by-id`, `users:next-id`; ARGV: name, password hash.
const CREATE_USER_IF_ABSENT: &str = "
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'id', id, 'password_hash', ARGV[2])
redis.call('HSET', KEYS[2], id, ARGV[1])
return 1
";

/// The accounts, in the Redis the sessions live in, shared by every instance of the site.
///
/// A cheap, cloneable handle around the store's [`ConnectionManager`]. The demo account
/// ([`DEMO_USER`] / [`DEMO_PASSWORD`]) is created if absent, atomically, when the handle is
/// made and again on demand (a Redis without persistence forgets it when restarted).
#[derive(Clone)]
pub(crate) struct Users {
    conn: ConnectionManager,
    /// The demo password's hash, made once at startup, for re-creating the demo account.
    demo_hash: Arc<str>,
}

impl Users {
    /// The accounts behind `conn`; creates the demo account if absent.
    pub(crate) async fn new(conn: ConnectionManager) -> Result<Self, SiteError> {
        let demo_hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
            .await
            .map_err(|err| SiteError::Password(err.into()))??;
        let users = Self {
            conn,
            demo_hash: demo_hash.into(),
        };
        users.create_demo_if_absent().await?;
        Ok(users)
    }

    /// Checks a login: `Ok(Some(user))` if `name` exists, is not disabled and `password`
    /// matches, `Ok(None)` otherwise. `HMGET user:{name}`, then Argon2 on the login gate's
    /// threads (against a dummy hash for an unknown or disabled name, so the time taken does
    /// not tell which names exist), holding `permit` until the hash is done. Re-creates the
    /// demo account first if Redis lost it.
    pub(crate) async fn verify_password(
        &self,
        permit: HashPermit,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, SiteError> {
        let mut account = self.account(name).await?;
        if account.is_none() && name == DEMO_USER {
            self.create_demo_if_absent().await?;
            account = self.account(name).await?;
        }
        let (id, stored) = match account {
            Some(Account {
                id,
                password_hash,
                disabled: false,
            }) => (Some(id), Some(password_hash)),
            _ => (None, None),
        };
        let matches = verify_password_hash(permit, stored, password.to_owned()).await?;
        Ok(id.filter(|_| matches).map(|id| User {
            id,
            name: name.to_owned(),
        }))
    }

    /// The user with this id, if the account still exists and is not disabled:
    /// `HGET users:by-id {id}`, then `HMGET user:{name}` must have the same id (a name
    /// deleted and created again is a new account).
    pub(crate) async fn live_user(&self, id: i64) -> Result<Option<User>, SiteError> {
        let name: Option<String> = redis::cmd("HGET")
            .arg(USERS_BY_ID)
            .arg(id)
            .query_async(&mut self.conn.clone())
            .await?;
        let Some(name) = name else {
            return Ok(None);
        };
        let live = self
            .account(&name)
            .await?
            .is_some_and(|account| account.id == id && !account.disabled);
        Ok(live.then_some(User { id, name }))
    }

    async fn create_demo_if_absent(&self) -> Result<(), SiteError> {
        let _created: i64 = redis::cmd("EVAL")
            .arg(CREATE_USER_IF_ABSENT)
            .arg(3)
            .arg(user_key(DEMO_USER))
            .arg(USERS_BY_ID)
            .arg(USERS_NEXT_ID)
            .arg(DEMO_USER)
            .arg(&*self.demo_hash)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    /// `HMGET user:{name} id password_hash disabled`: the account, if it exists.
    async fn account(&self, name: &str) -> Result<Option<Account>, SiteError> {
        let (id, hash, disabled): (Option<i64>, Option<String>, Option<String>) =
            redis::cmd("HMGET")
                .arg(user_key(name))
                .arg("id")
                .arg("password_hash")
                .arg("disabled")
                .query_async(&mut self.conn.clone())
                .await?;
        Ok(id.zip(hash).map(|(id, password_hash)| Account {
            id,
            password_hash,
            disabled: disabled.is_some_and(|d| d != "0"),
        }))
    }
}

impl fmt::Debug for Users {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Users").finish_non_exhaustive()
    }
}

/// An account as `user:{name}` holds it.
struct Account {
    id: i64,
    password_hash: String,
    /// The `disabled` field is present and not `0`.
    disabled: bool,
}

fn user_key(name: &str) -> String {
    format!("user:{name}")
}
