//! The site on actix-web 4 with `actix-ws`: `POST /login`, `POST /logout` and `GET /ws`,
//! behind `RequireSameOrigin`.
//!
//! `GET /ws` checks, in this order: the upgrade's own origin (403), the session (`User`: 401
//! without one, 500 if the loader fails), then the handshake (`actix_ws::handle`). Nothing is
//! upgraded before all of them passed. The socket echoes each text or binary message after
//! asking the loader again, asks the store on a timer while no message comes
//! ([`Site::recheck`]), and closes with [`SESSION_ENDED`](crate::SESSION_ENDED) once the
//! session is gone: on the next message or within the re-check interval.

use std::pin::pin;

use actix_web::http::header::{self, HeaderName};
use actix_web::{FromRequest as _, HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason};
use session_actix::session_cookie::CrossOriginRequest;
use session_actix::session_cookie::adapter::Rejection;
use session_actix::{
    CookieProxy, MaybeSessionToken, RequireSameOrigin, SessionRejection, SessionResponseExt as _,
    SessionToken, Sessions, Token, User,
};
use session_store::Session;

use crate::{
    CLOSE_TIMEOUT, CloseWith, MAX_MESSAGE_BYTES, Site, SiteLoader, UPGRADE_CHECK_METHOD, Verdict,
};

/// Adds the site's routes, its `Sessions` and the cross-origin guard to an app: call it from
/// the `HttpServer` factory with `App::configure`.
///
/// The session cookie is the library's default (`__Host-id`, Secure, HttpOnly,
/// SameSite=Lax); browsers keep it on `http://127.0.0.1` and `http://localhost`.
///
/// # Examples
///
/// ```no_run
/// use actix_web::{App, HttpServer};
/// use example_websocket::{DemoStore, Site, actix_site};
/// use session_store::Policy;
///
/// # fn main() -> std::io::Result<()> {
/// let site = Site::new(DemoStore::in_memory(Policy::default()));
/// actix_web::rt::System::new().block_on(async move {
///     HttpServer::new(move || App::new().configure(|config| actix_site::configure(&site, config)))
///         .bind(("127.0.0.1", 3005))?
///         .run()
///         .await
/// })
/// # }
/// ```
pub fn configure<L: SiteLoader>(site: &Site<L>, config: &mut web::ServiceConfig) {
    let sessions: Sessions<Session<i64>> =
        Sessions::new(CookieProxy::default(), site.loader().clone());
    config.service(
        web::scope("")
            .wrap(RequireSameOrigin::new(site.cross_origin().clone()))
            .app_data(sessions)
            .app_data(web::Data::new(site.clone()))
            .route("/login", web::post().to(login::<L>))
            .route("/logout", web::post().to(logout::<L>))
            .route("/ws", web::get().to(ws::<L>)),
    );
}

/// `POST /login`: a new session for the demo user, the previous one (if any) revoked.
async fn login<L: SiteLoader>(
    site: web::Data<Site<L>>,
    sessions: Sessions<Session<i64>>,
    previous: MaybeSessionToken<Session<i64>>,
) -> HttpResponse {
    match site.login(previous.0.as_deref()).await {
        Ok(token) => HttpResponse::Ok()
            .body("signed in")
            .refresh_session(sessions.refresh(&token)),
        Err(error) => {
            eprintln!("websocket: login failed: {error}");
            HttpResponse::InternalServerError().body("the session could not be started")
        }
    }
}

/// `POST /logout`: the session revoked (its sockets close on their next message, or within
/// the re-check interval), the cookie removed.
async fn logout<L: SiteLoader>(
    site: web::Data<Site<L>>,
    sessions: Sessions<Session<i64>>,
    token: MaybeSessionToken<Session<i64>>,
) -> HttpResponse {
    match site.logout(token.0.as_deref()).await {
        Ok(()) => HttpResponse::Ok()
            .body("signed out")
            .end_session(sessions.end()),
        Err(error) => {
            eprintln!("websocket: logout failed: {error}");
            HttpResponse::InternalServerError().body("the session could not be ended")
        }
    }
}

/// `GET /ws`: the upgrade, once the origin and the session passed.
async fn ws<L: SiteLoader>(
    req: HttpRequest,
    body: web::Payload,
    site: web::Data<Site<L>>,
) -> Result<HttpResponse, actix_web::Error> {
    same_origin_upgrade(&site, &req)?;
    User::<Session<i64>>::extract(&req).await?;
    let token = SessionToken::<Session<i64>>::extract(&req)
        .await?
        .into_token();
    let (response, session, messages) = actix_ws::handle(&req, body)?;
    let messages = messages
        .max_frame_size(MAX_MESSAGE_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_BYTES);
    actix_web::rt::spawn(serve_socket(session, messages, Site::clone(&site), token));
    Ok(response)
}

/// Refuses an upgrade from another origin: the site's [`CrossOrigin`] rules applied as for
/// [`UPGRADE_CHECK_METHOD`], answered like the guard (403, body `cross-origin request
/// refused`).
///
/// [`CrossOrigin`]: session_actix::CrossOrigin
fn same_origin_upgrade<L: SiteLoader>(
    site: &Site<L>,
    req: &HttpRequest,
) -> Result<(), SessionRejection> {
    let head = req.head();
    let values = |name: HeaderName| head.headers.get_all(name).map(|value| value.as_bytes());
    let request = CrossOriginRequest::new(UPGRADE_CHECK_METHOD, head.uri.path().as_bytes())
        .with_authority(head.uri.authority().map(|a| a.as_str().as_bytes()))
        .with_host(values(header::HOST))
        .with_origin(values(header::ORIGIN))
        .with_sec_fetch_site(values(HeaderName::from_static("sec-fetch-site")));
    site.cross_origin()
        .check(&request)
        .map_err(|refusal| Rejection::cross_origin(refusal).into())
}

/// The socket: each text or binary message is answered (echoed) only after the loader said
/// again that the session is live, and when no message has checked the session for
/// [`Site::recheck`], the timer asks the store ([`Site::peek`]); pings are answered, a close
/// frame is returned. The timer lives in this loop: it ends with the socket.
async fn serve_socket<L: SiteLoader>(
    mut session: actix_ws::Session,
    mut messages: AggregatedMessageStream,
    site: Site<L>,
    token: Token,
) {
    let recheck = site.recheck();
    let mut timer = pin!(tokio::time::sleep(recheck));
    loop {
        // Both branches are cancel-safe: `recv` polls the stream, `timer` is only borrowed.
        let (sent, verdict) = tokio::select! {
            received = messages.recv() => {
                // `None` or an error: a protocol error (a frame over the limit, a broken
                // frame) or the end of the stream.
                let Some(Ok(message)) = received else {
                    break;
                };
                match message {
                    AggregatedMessage::Ping(bytes) => (session.pong(&bytes).await, None),
                    AggregatedMessage::Pong(_) => (Ok(()), None),
                    AggregatedMessage::Close(reason) => {
                        let _ = session.close(reason).await;
                        return;
                    }
                    AggregatedMessage::Text(text) => match site.check(&token).await {
                        Verdict::Live => (session.text(text).await, Some(Verdict::Live)),
                        verdict => (Ok(()), Some(verdict)),
                    },
                    AggregatedMessage::Binary(bytes) => match site.check(&token).await {
                        Verdict::Live => (session.binary(bytes).await, Some(Verdict::Live)),
                        verdict => (Ok(()), Some(verdict)),
                    },
                }
            }
            () = &mut timer => (Ok(()), Some(site.peek(&token).await)),
        };
        if let Some(close) = verdict.and_then(Verdict::close) {
            return close_socket(session, messages, close).await;
        }
        if sent.is_err() {
            return;
        }
        if verdict.is_some() {
            // The session was just checked: the next timer check is an interval from now.
            timer.set(tokio::time::sleep(recheck));
        }
    }
    let _ = session.close(None).await;
}

/// Sends the close frame, then waits (at most [`CLOSE_TIMEOUT`]) for the client's, so that
/// the connection ends cleanly: the response body (the frames to the client) ends when the
/// last handle to the session is dropped, so one is kept until then.
async fn close_socket(
    session: actix_ws::Session,
    mut messages: AggregatedMessageStream,
    close: CloseWith,
) {
    let open = session.clone();
    let reason = CloseReason {
        code: CloseCode::from(close.code),
        description: Some(close.reason.to_owned()),
    };
    if session.close(Some(reason)).await.is_err() {
        return;
    }
    let answered = async {
        while let Some(Ok(message)) = messages.recv().await {
            if matches!(message, AggregatedMessage::Close(_)) {
                break;
            }
        }
    };
    // Past the bound the connection is dropped all the same.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, answered).await;
    drop(open);
}
