//! Shared by the integration tests: session-conformance's in-memory store (re-exported), and helpers to
//! send requests to an actix `App` in process.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Arc;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::test::{self, TestRequest};
use session_actix::{Sessions, Token};

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
