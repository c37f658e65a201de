//! Shared by the integration tests: session-conformance's in-memory store (re-exported), and helpers to
//! send requests to a `Router` in process.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode, header};
use session_axum::{Sessions, Token};
use tower::ServiceExt as _;

// The store, its loader and user type are session-conformance's, shared with the other
// adapter's tests, under short local names.
#[allow(unused_imports)] // each test binary uses its own subset
pub use session_conformance::{STORE_SECRET, StoreError, TestStore as Store, TestUser as Me};

pub fn sessions(store: &Arc<Store>) -> Sessions<Me> {
    Sessions::new(session_conformance::proxy(), store.loader())
}

/// `__Host-id=<token>`.
pub fn cookie(token: &Token) -> String {
    session_conformance::cookie_pair(token)
}

pub fn request(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub fn request_with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// Every `Set-Cookie` value, as strings.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The `Set-Cookie` values for the session cookie.
    pub fn session_set_cookies(&self) -> Vec<String> {
        self.set_cookies()
            .into_iter()
            .filter(|v| v.starts_with("__Host-id="))
            .collect()
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}
