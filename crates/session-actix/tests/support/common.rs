//! Shared by the integration tests: an in-memory store with a call counter, and helpers to
//! send requests to an actix `App` in process.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::test::{self, TestRequest};
use session_actix::{CookieProxy, Loader, Sessions, Token};

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

/// Pending once, then ready: lets the other extractors of the request run in between, as a
/// real store would (and as actix-web does, polling a handler's extractors together).
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
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
        YieldOnce(false).await;
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

pub fn request(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

pub fn request_with_cookie(uri: &str, cookie: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .append_header((header::COOKIE, HeaderValue::from_str(cookie).unwrap()))
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

pub async fn send<S, B>(app: &S, request: TestRequest) -> Answer
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = test::read_body(response).await;
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}
