//! The code of the migration guide (`docs/migrating.md`): one small app written four times,
//! before and after moving to sessionkit.
//!
//! * [`axum_before`]: tower-sessions 0.14 + axum-login 0.18;
//!   [`axum_after`]: session-axum + session-store.
//! * [`actix_before`]: actix-session 0.11 + actix-identity 0.9;
//!   [`actix_after`]: session-actix + session-store.
//!
//! The after apps share one loader ([`loader::AppLoader`]) and the app's own per-session
//! table ([`loader::Visits`]); all four share the users table ([`accounts`]). The tests
//! (`tests/behaviour.rs`) run each app in process and check that before and after answer
//! the same (login, an authenticated request, logout, 401 after logout, and more), and
//! `tests/guide.rs` checks that every code block of the guide is quoted verbatim from here.
//!
//! # Examples
//!
//! ```
//! use example_migration::{accounts::Accounts, axum_after, axum_before};
//!
//! let before: axum::Router = axum_before::app(Accounts::with_demo_user());
//! let after: axum::Router = axum_after::app(Accounts::with_demo_user());
//! # let _ = (before, after);
//! ```

pub mod accounts;
pub mod actix_after;
pub mod actix_before;
pub mod axum_after;
pub mod axum_before;
pub mod loader;
