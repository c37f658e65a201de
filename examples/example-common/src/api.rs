//! The sites' small JSON API for clients that keep no cookies (scripts, mobile apps): the
//! same sessions as the pages, carried as `Authorization: Bearer <token>` (the adapters'
//! `Sessions::with_bearer`).
//!
//! * `POST /api/login` (form-encoded `username` and `password`, through the same
//!   [`LoginGate`](crate::LoginGate) as the form): `200` with [`token_json`], `Cache-Control:
//!   no-store`, and no cookie; `401` for wrong credentials.
//! * `GET /api/me` with the header: `200` with [`me_json`]; `401` without a session.
//! * `POST /api/logout` with the header: deletes the session in the store (there is no
//!   cookie to remove), `204`.
//!
//! The session is a row of the same store as a browser's, so it is listed on the "your
//! sessions" page and ends with "sign out everywhere".

use session_token::Token;

use crate::User;

/// The `Content-Type` of the API's JSON answers.
pub const API_CONTENT_TYPE: &str = "application/json";

/// The body of `POST /api/login`: `{"token":"<token>"}`, the token in its one encoded form
/// (base64url: nothing to escape in JSON).
///
/// # Examples
///
/// ```
/// use session_token::Token;
///
/// let token = Token::<32>::from_bytes([1; 32]);
/// assert_eq!(
///     example_common::token_json(&token),
///     format!(r#"{{"token":"{}"}}"#, token.encode().as_str()),
/// );
/// ```
#[must_use]
pub fn token_json(token: &Token) -> String {
    format!(r#"{{"token":"{}"}}"#, token.encode().as_str())
}

/// The body of `GET /api/me`: `{"name":"<name>"}`, the name escaped as a JSON string.
///
/// # Examples
///
/// ```
/// use example_common::{User, me_json};
///
/// let user = User { id: 1, name: "a\"b\\c\n".to_owned() };
/// assert_eq!(me_json(&user), r#"{"name":"a\"b\\c\u000a"}"#);
/// ```
#[must_use]
pub fn me_json(user: &User) -> String {
    let mut json = String::from(r#"{"name":""#);
    for c in user.name.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            c if u32::from(c) < 0x20 => json.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => json.push(c),
        }
    }
    json.push_str(r#""}"#);
    json
}
