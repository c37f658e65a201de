//! The example site on several instances that share users and sessions in Redis, so that
//! they can run behind a load balancer: the same routes and pages as `example-axum`, plus
//! its "your sessions" page, with the sessions in `session-store`'s ready
//! [`Store`](session_store::Store) over [`session_store_redis::RedisBackend`] and the
//! accounts beside them in the same Redis ([`SiteStore`]). [`example_axum::serve`] runs the
//! site's axum routes on this store (it is an [`example_axum::SiteData`]); `main.rs` adds the
//! command line (`--redis URL`).
//!
//! # Keys
//!
//! * The sessions, as `session-store-redis` keeps them (its README has the details):
//!   `sessionkit:s:{hex(token.hash())}`, a hash whose one field packs the user id, the times,
//!   the "keep me signed in" choice and the label (the `User-Agent` at login), expiring when
//!   the session's absolute lifetime ends or it idles out; `sessionkit:u:{user id}`, the
//!   user's index, for the sessions page and "sign out everywhere". Only the hash is a key: a dump of Redis replays no session. The store
//!   checks both deadlines on every load from the times in the hash (the TTL only reclaims
//!   space) and records activity at most once per touch interval; a logout, a "sign out"
//!   from the sessions page and "sign out everywhere" end the sessions on every instance at
//!   once.
//! * `user:{name}`: a hash with `id`, `password_hash` (Argon2id, PHC string) and, for a
//!   disabled account, `disabled` (any value but `0`); `users:by-id`, a hash from id to name;
//!   `users:next-id` counts ids. The loader checks the account on every load, so deleting it
//!   (`DEL user:{name}`, `HDEL users:by-id {id}`) or disabling it (`HSET user:{name} disabled
//!   1`) ends its sessions on every instance at once, and refuses its logins. The demo
//!   account is created if absent, atomically, at startup and again on demand (a Redis
//!   without persistence forgets it when restarted).
//!
//! # Failure
//!
//! Every Redis error is the loader's `Err` (or the handler's), so the site answers 500 and
//! logs the error with its causes, in bounded time: one `ConnectionManager` with
//! `session_store_redis::manager_config` (connects time out after 1 s, commands after 2 s, a
//! reconnect makes up to 3 quick attempts), so a request while Redis is down fails within
//! about half a second when the connection is refused, and the site finds Redis again by
//! itself once it is back, without a restart.

mod error;
mod site_store;
mod users;

pub use crate::error::SiteError;
pub use crate::site_store::{SignedIn, SiteStore};
