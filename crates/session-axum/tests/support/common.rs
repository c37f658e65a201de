//! Shared by the integration tests: an in-memory store with a call counter, and helpers to
//! send requests to a `Router` in process.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode, header};
use session_axum::{CookieProxy, Loader, Sessions, Token};
use tower::ServiceExt as _;

/// Text the failing loader puts in its error: must never reach a response body.
pub const STORE_SECRET: &str = "db at 10.0.0.7 refused: password hunter2";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub name: String,
}

#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// `Token::hash()` -> user, plus how often the loader ran and a switch to make it fail.
#[derive(Default)]
pub struct Store {
    sessions: Mutex<HashMap<[u8; 32], Me>>,
    calls: AtomicUsize,
    fail: AtomicBool,
}

impl Store {
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// A new session for `name`; returns its token.
    pub fn login(&self, name: &str) -> Token {
        let token = Token::generate().expect("OS RNG");
        self.insert(&token, name);
        token
    }

    pub fn insert(&self, token: &Token, name: &str) {
        self.sessions.lock().unwrap().insert(
            token.hash(),
            Me {
                name: name.to_owned(),
            },
        );
    }

    pub fn contains(&self, token: &Token) -> bool {
        self.sessions.lock().unwrap().contains_key(&token.hash())
    }

    pub fn remove(&self, token: &Token) {
        self.sessions.lock().unwrap().remove(&token.hash());
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn fail(&self, fail: bool) {
        self.fail.store(fail, Ordering::SeqCst);
    }
}

/// The loader: a handle to the store.
#[derive(Clone)]
pub struct StoreLoader(pub Arc<Store>);

impl Loader for StoreLoader {
    type User = Me;
    type Error = StoreError;

    async fn load(&self, token: &Token) -> Result<Option<Me>, StoreError> {
        self.0.calls.fetch_add(1, Ordering::SeqCst);
        // Let other requests run in between, as a real store would.
        tokio::task::yield_now().await;
        if self.0.fail.load(Ordering::SeqCst) {
            let encoded = token.encode();
            // A careless store error that even names the token: it must stay out of bodies.
            return Err(StoreError(format!(
                "{STORE_SECRET}; key {}",
                encoded.as_str()
            )));
        }
        let user = self.0.sessions.lock().unwrap().get(&token.hash()).cloned();
        Ok(user)
    }
}

pub fn sessions(store: &Arc<Store>) -> Sessions<Me> {
    Sessions::new(CookieProxy::default(), StoreLoader(Arc::clone(store)))
}

/// `__Host-id=<token>`.
pub fn cookie(token: &Token) -> String {
    format!("__Host-id={}", token.encode().as_str())
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
