//! The site on axum 0.8: `POST /login`, `POST /logout` and `GET /ws`, behind
//! `RequireSameOriginLayer`.
//!
//! `GET /ws` takes, in this order: the upgrade's own origin check (403), the session
//! (`User`: 401 without one, 500 if the loader fails), the token (to check again later), then
//! `WebSocketUpgrade`. Nothing is upgraded before all of them passed. The socket echoes each
//! text or binary message after asking the loader again, asks the store on a timer while no
//! message comes ([`Site::recheck`]), and closes with [`SESSION_ENDED`](crate::SESSION_ENDED)
//! once the session is gone: on the next message or within the re-check interval.

use std::pin::pin;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use session_axum::session_cookie::CrossOriginRequest;
use session_axum::session_cookie::adapter::Rejection;
use session_axum::{
    CookieProxy, EndSession, RefreshSession, RequireSameOriginLayer, SessionRejection,
    SessionToken, Sessions, Token, User,
};
use session_store::Session;

use crate::{
    CLOSE_TIMEOUT, CloseWith, MAX_MESSAGE_BYTES, Site, SiteLoader, UPGRADE_CHECK_METHOD, Verdict,
};

/// The site's router, state applied: serve it with `axum::serve`.
///
/// The session cookie is the library's default (`__Host-id`, Secure, HttpOnly,
/// SameSite=Lax); browsers keep it on `http://127.0.0.1` and `http://localhost`.
///
/// # Examples
///
/// ```no_run
/// use example_websocket::{DemoStore, Site, axum_site};
/// use session_store::Policy;
///
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// let site = Site::new(DemoStore::in_memory(Policy::default()));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3004").await?;
/// axum::serve(listener, axum_site::router(site)).await
/// # }
/// ```
pub fn router<L: SiteLoader>(site: Site<L>) -> Router {
    let sessions = Sessions::new(CookieProxy::default(), site.loader().clone());
    Router::new()
        .route("/login", post(login::<L>))
        .route("/logout", post(logout::<L>))
        .route("/ws", get(ws::<L>))
        .layer(RequireSameOriginLayer::new(site.cross_origin().clone()))
        .with_state(AppState { site, sessions })
}

/// The router's state: the site and the adapter's configuration, found by `FromRef`.
#[derive(Clone)]
struct AppState<L> {
    site: Site<L>,
    sessions: Sessions<Session<i64>>,
}

impl<L: Clone> FromRef<AppState<L>> for Site<L> {
    fn from_ref(state: &AppState<L>) -> Self {
        state.site.clone()
    }
}

impl<L> FromRef<AppState<L>> for Sessions<Session<i64>> {
    fn from_ref(state: &AppState<L>) -> Self {
        state.sessions.clone()
    }
}

/// `POST /login`: a new session for the demo user, the previous one (if any) revoked.
async fn login<L: SiteLoader>(
    State(site): State<Site<L>>,
    State(sessions): State<Sessions<Session<i64>>>,
    previous: Option<SessionToken<Session<i64>>>,
) -> Result<(RefreshSession, &'static str), (StatusCode, &'static str)> {
    match site.login(previous.as_deref()).await {
        Ok(token) => Ok((sessions.refresh(&token), "signed in")),
        Err(error) => {
            eprintln!("websocket: login failed: {error}");
            Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "the session could not be started",
            ))
        }
    }
}

/// `POST /logout`: the session revoked (its sockets close on their next message, or within
/// the re-check interval), the cookie removed.
async fn logout<L: SiteLoader>(
    State(site): State<Site<L>>,
    State(sessions): State<Sessions<Session<i64>>>,
    token: Option<SessionToken<Session<i64>>>,
) -> Result<(EndSession, &'static str), (StatusCode, &'static str)> {
    match site.logout(token.as_deref()).await {
        Ok(()) => Ok((sessions.end(), "signed out")),
        Err(error) => {
            eprintln!("websocket: logout failed: {error}");
            Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "the session could not be ended",
            ))
        }
    }
}

/// `GET /ws`: the upgrade, once the origin and the session passed.
async fn ws<L: SiteLoader>(
    _origin: SameOriginUpgrade,
    _user: User<Session<i64>>,
    token: SessionToken<Session<i64>>,
    State(site): State<Site<L>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let token = token.into_token();
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve_socket(socket, site, token))
}

/// An extractor that refuses an upgrade from another origin: the site's [`CrossOrigin`]
/// rules applied as for [`UPGRADE_CHECK_METHOD`], answered like the guard (403, body
/// `cross-origin request refused`).
///
/// [`CrossOrigin`]: session_axum::CrossOrigin
struct SameOriginUpgrade;

impl<L: SiteLoader> FromRequestParts<AppState<L>> for SameOriginUpgrade {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<L>,
    ) -> Result<Self, SessionRejection> {
        let headers = &parts.headers;
        let values = |name: &HeaderName| headers.get_all(name).iter().map(HeaderValue::as_bytes);
        let request = CrossOriginRequest::new(UPGRADE_CHECK_METHOD, parts.uri.path().as_bytes())
            .with_authority(parts.uri.authority().map(|a| a.as_str().as_bytes()))
            .with_host(values(&header::HOST))
            .with_origin(values(&header::ORIGIN))
            .with_sec_fetch_site(values(&SEC_FETCH_SITE));
        match state.site.cross_origin().check(&request) {
            Ok(()) => Ok(Self),
            Err(refusal) => Err(Rejection::cross_origin(refusal).into()),
        }
    }
}

/// `http` 1.x has no constant for it.
static SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The socket: each text or binary message is answered (echoed) only after the loader said
/// again that the session is live, and when no message has checked the session for
/// [`Site::recheck`], the timer asks the store ([`Site::peek`]). axum answers pings and the
/// client's close frame itself. The timer lives in this loop: it ends with the socket.
async fn serve_socket<L: SiteLoader>(mut socket: WebSocket, site: Site<L>, token: Token) {
    let recheck = site.recheck();
    let mut timer = pin!(tokio::time::sleep(recheck));
    loop {
        // Both branches are cancel-safe: `recv` polls the stream, `timer` is only borrowed.
        let verdict = tokio::select! {
            received = socket.recv() => {
                let Some(Ok(message)) = received else {
                    return;
                };
                if !matches!(message, Message::Text(_) | Message::Binary(_)) {
                    continue;
                }
                match site.check(&token).await {
                    Verdict::Live => {
                        if socket.send(message).await.is_err() {
                            return;
                        }
                        Verdict::Live
                    }
                    verdict => verdict,
                }
            }
            () = &mut timer => site.peek(&token).await,
        };
        if let Some(close) = verdict.close() {
            return close_socket(socket, close).await;
        }
        // The session was just checked: the next timer check is an interval from now.
        timer.set(tokio::time::sleep(recheck));
    }
}

/// Sends the close frame, then waits (at most [`CLOSE_TIMEOUT`]) for the client's, so that
/// the connection ends cleanly.
async fn close_socket(mut socket: WebSocket, close: CloseWith) {
    let frame = CloseFrame {
        code: close.code,
        reason: Utf8Bytes::from_static(close.reason),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let answered = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    // Past the bound the connection is dropped all the same.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, answered).await;
}
