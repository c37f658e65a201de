//! The example site on several instances that share users and sessions in Redis, so that
//! they can run behind a load balancer: the same routes and pages as `example-axum`, on
//! [`RedisStore`] instead of SQLite. [`serve`] runs the site's axum routes on this store;
//! `main.rs` adds the command line (`--redis URL`).
//!
//! # Keys
//!
//! * `session:{hex(token.hash())}`: a string `"{user id} {created} {last seen}"` (unix
//!   seconds). Created with `SET .. NX EX <absolute lifetime>`: never overwritten, and gone on
//!   its own when the absolute lifetime ends. The loader enforces the absolute lifetime from
//!   `created` (the TTL only reclaims the key: a `PERSIST`, or a restore without TTLs, keeps
//!   no session alive) and the idle timeout from `last seen`, which it rewrites at most once
//!   per touch interval (`SET .. XX KEEPTTL`: never recreated after a logout, never extended
//!   past the absolute expiry). Logout is `DEL`, so a replayed token fails on every instance
//!   at once. Only the hash is a key: a dump of Redis replays no session.
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
//! Every Redis error is the loader's `Err`, so the site answers 500, in bounded time: the
//! connection manager times out connects and responses after 500 ms and tries one reconnect
//! per failed request (no backoff), so it finds Redis again as soon as it is back, without a
//! restart of the site.

mod site;
mod store;

pub use crate::site::serve;
pub use crate::store::{CONNECTION_TIMEOUT, RESPONSE_TIMEOUT, RedisStore, RedisStoreError};
