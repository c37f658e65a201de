//! Both sites over loopback with a real WebSocket client (tokio-tungstenite): the same
//! scenarios on axum and on actix-web. Every wait is bounded by [`BOUND`]; nothing asserts
//! on time (the timer tests wait several [`RECHECK`] intervals for nothing to happen, and
//! at most [`BOUND`] for the close frame).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{App, HttpServer};
use example_websocket::{CHECK_FAILED, CloseWith, DemoStore, SESSION_ENDED, Site, SiteLoader};
use example_websocket::{actix_site, axum_site};
use futures_util::{SinkExt as _, StreamExt as _};
use session_axum::Token;
use session_store::{ManualClock, Policy};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The longest any step may take before the test fails as hung: a bound, not a measurement.
const BOUND: Duration = Duration::from_secs(20);

/// The sessions of these tests: an hour at most, ten minutes idle.
const ABSOLUTE: Duration = Duration::from_secs(3600);
const IDLE: Duration = Duration::from_secs(600);

/// The re-check interval of the timer tests: short, so that they wait little.
const RECHECK: Duration = Duration::from_millis(150);

/// The re-check interval of the other tests: longer than any test runs, so that only a
/// message can find the session gone there (they test the message path).
const NO_RECHECK: Duration = Duration::from_secs(3600);

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Debug, Clone, Copy)]
enum Framework {
    Axum,
    Actix,
}

/// A site on a free loopback port, its store on a manual clock, and a switch that makes its
/// loader fail.
struct Fixture {
    addr: SocketAddr,
    clock: ManualClock,
    loader_down: Arc<AtomicBool>,
    server: Server,
}

enum Server {
    Axum(tokio::task::JoinHandle<()>),
    Actix(actix_web::dev::ServerHandle),
}

impl Fixture {
    /// A site whose sockets check their session on messages only (within a test).
    async fn start(framework: Framework) -> Self {
        Self::with_recheck(framework, NO_RECHECK).await
    }

    /// A site whose sockets also check their session every `recheck`.
    async fn with_recheck(framework: Framework, recheck: Duration) -> Self {
        let clock = ManualClock::new(1_700_000_000);
        let policy = Policy::new(ABSOLUTE).with_idle_timeout(Some(IDLE));
        let store = DemoStore::in_memory(policy).with_clock(clock.clone());
        let loader_down = Arc::new(AtomicBool::new(false));
        // The store as the loader, behind a switch.
        let loader = {
            let (store, down) = (store.clone(), Arc::clone(&loader_down));
            move |token: &Token| {
                let (store, down, token) = (store.clone(), Arc::clone(&down), token.clone());
                async move {
                    if down.load(Ordering::SeqCst) {
                        return Err(std::io::Error::other("the store is down"));
                    }
                    store.load(&token).await.map_err(std::io::Error::other)
                }
            }
        };
        let site = Site::new(store).with_loader(loader).with_recheck(recheck);
        let (addr, server) = match framework {
            Framework::Axum => serve_axum(site).await,
            Framework::Actix => serve_actix(site),
        };
        Self {
            addr,
            clock,
            loader_down,
            server,
        }
    }

    async fn stop(self) {
        match self.server {
            Server::Axum(task) => task.abort(),
            Server::Actix(handle) => handle.stop(false).await,
        }
    }

    /// `POST /login`: the session cookie to send back (`name=value`).
    async fn login(&self) -> String {
        let reply = post(self.addr, "/login", &[]).await;
        assert_eq!(reply.status, 200, "login");
        reply.cookie.expect("login sets the session cookie")
    }

    /// `GET /ws` with these headers: the socket, or the status of the refused handshake.
    async fn connect(&self, headers: &[(&str, &str)]) -> Result<Client, u16> {
        let mut request = format!("ws://{}/ws", self.addr)
            .into_client_request()
            .expect("a valid request");
        for (name, value) in headers {
            request.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        match timeout(BOUND, tokio_tungstenite::connect_async(request))
            .await
            .expect("the handshake hung")
        {
            Ok((client, response)) => {
                assert_eq!(response.status(), 101);
                Ok(client)
            }
            Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(error) => panic!("the handshake failed: {error}"),
        }
    }

    /// A signed-in socket.
    async fn signed_in(&self) -> (String, Client) {
        let cookie = self.login().await;
        let client = self
            .connect(&[("cookie", cookie.as_str())])
            .await
            .expect("a session upgrades");
        (cookie, client)
    }
}

async fn serve_axum<L: SiteLoader>(site: Site<L>) -> (SocketAddr, Server) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    let task = tokio::spawn(async move {
        axum::serve(listener, axum_site::router(site))
            .await
            .expect("the axum site serves");
    });
    (addr, Server::Axum(task))
}

fn serve_actix<L: SiteLoader>(site: Site<L>) -> (SocketAddr, Server) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    let server = HttpServer::new(move || {
        App::new().configure(|config| actix_site::configure(&site, config))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .expect("the actix site listens")
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (addr, Server::Actix(handle))
}

/// What the tests read of a plain HTTP response.
struct Reply {
    status: u16,
    /// The first `Set-Cookie`'s `name=value`.
    cookie: Option<String>,
}

/// A `POST` with these headers over its own connection, read to the end (`Connection:
/// close`).
async fn post(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = timeout(BOUND, TcpStream::connect(addr))
        .await
        .expect("connect hung")
        .expect("connect");
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n"
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    timeout(BOUND, stream.read_to_end(&mut response))
        .await
        .expect("the response hung")
        .expect("read");
    let response = String::from_utf8(response).expect("a UTF-8 response");
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let cookie = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .and_then(|(_, value)| value.trim().split(';').next())
        .map(str::to_owned);
    Reply { status, cookie }
}

/// The next frame the client reads; `None` once the connection has ended.
async fn next(client: &mut Client) -> Option<Result<Message, tungstenite::Error>> {
    timeout(BOUND, client.next())
        .await
        .expect("the socket hung")
}

/// Sends `text` and returns what comes back.
async fn send(client: &mut Client, text: &str) -> Option<Result<Message, tungstenite::Error>> {
    client.send(Message::text(text)).await.expect("send");
    next(client).await
}

async fn assert_echo(client: &mut Client, text: &str) {
    match send(client, text).await {
        Some(Ok(Message::Text(echo))) => assert_eq!(echo.as_str(), text),
        other => panic!("expected the echo of {text:?}, got {other:?}"),
    }
}

/// The next message is answered by the close frame `close`, not an echo, and then the
/// connection ends (the client's close frame went back; the stream ends without an error).
async fn assert_closed(client: &mut Client, close: CloseWith) {
    let answer = send(client, "still there?").await;
    assert_close_then_end(answer, client, close).await;
}

/// Sends nothing: the next frame is the close frame `close`, from the server's timer, and then
/// the connection ends.
async fn assert_closed_unprompted(client: &mut Client, close: CloseWith) {
    let frame = next(client).await;
    assert_close_then_end(frame, client, close).await;
}

/// `frame` is the close frame `close`, and after it the connection ends.
async fn assert_close_then_end(
    frame: Option<Result<Message, tungstenite::Error>>,
    client: &mut Client,
    close: CloseWith,
) {
    match frame {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), close.code);
            assert_eq!(frame.reason.as_str(), close.reason);
        }
        other => panic!("expected the close frame {close:?}, got {other:?}"),
    }
    match next(client).await {
        None => {}
        Some(other) => panic!("expected the end of the connection, got {other:?}"),
    }
}

/// Sends nothing and reads nothing for several re-check intervals: the socket stays open.
async fn assert_stays_open(client: &mut Client) {
    if let Ok(frame) = timeout(RECHECK * 5, client.next()).await {
        panic!("expected no frame over five re-check intervals, got {frame:?}");
    }
}

async fn no_cookie_is_401_and_no_upgrade(framework: Framework) {
    let site = Fixture::start(framework).await;
    assert_eq!(site.connect(&[]).await.err(), Some(401));
    // A well-formed token the store does not know: the same.
    let unknown: Token = Token::generate().expect("a token");
    let cookie = format!("__Host-id={}", unknown.encode().as_str());
    assert_eq!(
        site.connect(&[("cookie", cookie.as_str())]).await.err(),
        Some(401)
    );
    site.stop().await;
}

async fn loader_failure_is_500_and_no_upgrade(framework: Framework) {
    let site = Fixture::start(framework).await;
    let cookie = site.login().await;
    site.loader_down.store(true, Ordering::SeqCst);
    assert_eq!(
        site.connect(&[("cookie", cookie.as_str())]).await.err(),
        Some(500)
    );
    site.stop().await;
}

async fn session_upgrades_and_echoes(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (_, mut client) = site.signed_in().await;
    assert_echo(&mut client, "hello").await;
    client
        .send(Message::binary(vec![0, 1, 2]))
        .await
        .expect("send");
    match next(&mut client).await {
        Some(Ok(Message::Binary(echo))) => assert_eq!(&echo[..], [0, 1, 2]),
        other => panic!("expected the binary echo, got {other:?}"),
    }
    assert_echo(&mut client, "again").await;
    site.stop().await;
}

async fn foreign_origin_is_403_and_no_upgrade(framework: Framework) {
    let site = Fixture::start(framework).await;
    let cookie = site.login().await;
    let own = format!("http://{}", site.addr);
    for refused in [
        [
            ("origin", "http://evil.example"),
            ("cookie", cookie.as_str()),
        ],
        [("origin", "null"), ("cookie", cookie.as_str())],
        [
            ("sec-fetch-site", "cross-site"),
            ("cookie", cookie.as_str()),
        ],
        [("sec-fetch-site", "same-site"), ("origin", &own)],
    ] {
        assert_eq!(site.connect(&refused).await.err(), Some(403), "{refused:?}");
    }
    // Refused before the session is looked at: 403 without a cookie too.
    assert_eq!(
        site.connect(&[("origin", "http://evil.example")])
            .await
            .err(),
        Some(403)
    );
    // The site's own pages pass.
    for own in [
        [("origin", own.as_str()), ("cookie", cookie.as_str())],
        [
            ("sec-fetch-site", "same-origin"),
            ("cookie", cookie.as_str()),
        ],
    ] {
        let mut client = site.connect(&own).await.expect("the site's own origin");
        assert_echo(&mut client, "same origin").await;
    }
    site.stop().await;
}

async fn logout_elsewhere_closes_the_socket(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (cookie, mut client) = site.signed_in().await;
    assert_echo(&mut client, "hello").await;
    let reply = post(site.addr, "/logout", &[("cookie", cookie.as_str())]).await;
    assert_eq!(reply.status, 200, "logout");
    assert_closed(&mut client, SESSION_ENDED).await;
    // The cookie no longer upgrades.
    assert_eq!(
        site.connect(&[("cookie", cookie.as_str())]).await.err(),
        Some(401)
    );
    site.stop().await;
}

async fn a_new_login_ends_the_previous_session(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (cookie, mut client) = site.signed_in().await;
    let reply = post(site.addr, "/login", &[("cookie", cookie.as_str())]).await;
    assert_eq!(reply.status, 200, "login again");
    assert_ne!(
        reply.cookie.as_deref(),
        Some(cookie.as_str()),
        "a new token"
    );
    assert_closed(&mut client, SESSION_ENDED).await;
    site.stop().await;
}

async fn the_guard_refuses_cross_origin_posts(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (cookie, mut client) = site.signed_in().await;
    // Login CSRF: a form on another site signing the browser in.
    let reply = post(site.addr, "/login", &[("origin", "http://evil.example")]).await;
    assert_eq!((reply.status, reply.cookie), (403, None));
    // Logout CSRF: the session stays, and so does its socket.
    let forged = [
        ("sec-fetch-site", "cross-site"),
        ("cookie", cookie.as_str()),
    ];
    let reply = post(site.addr, "/logout", &forged).await;
    assert_eq!((reply.status, reply.cookie), (403, None));
    assert_echo(&mut client, "still signed in").await;
    site.stop().await;
}

async fn idle_timeout_closes_the_socket(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (_, mut client) = site.signed_in().await;
    assert_echo(&mut client, "hello").await;
    site.clock.advance(IDLE);
    assert_closed(&mut client, SESSION_ENDED).await;
    site.stop().await;
}

async fn absolute_lifetime_closes_a_busy_socket(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (_, mut client) = site.signed_in().await;
    // A message every 9 minutes keeps the 10-minute idle timeout from running out...
    let step = Duration::from_secs(540);
    let mut elapsed = Duration::ZERO;
    while elapsed + step < ABSOLUTE {
        site.clock.advance(step);
        elapsed += step;
        assert_echo(&mut client, "busy").await;
    }
    // ...but not the hour.
    site.clock.advance(step);
    assert_closed(&mut client, SESSION_ENDED).await;
    site.stop().await;
}

async fn loader_failure_closes_a_live_socket(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (_, mut client) = site.signed_in().await;
    assert_echo(&mut client, "hello").await;
    site.loader_down.store(true, Ordering::SeqCst);
    assert_closed(&mut client, CHECK_FAILED).await;
    site.stop().await;
}

async fn client_close_is_answered(framework: Framework) {
    let site = Fixture::start(framework).await;
    let (_, mut client) = site.signed_in().await;
    assert_echo(&mut client, "hello").await;
    client.close(None).await.expect("close");
    // The server's close frame comes back, then the end of the connection.
    loop {
        match next(&mut client).await {
            Some(Ok(Message::Close(_))) => continue,
            None => break,
            Some(other) => panic!("expected the close handshake, got {other:?}"),
        }
    }
    site.stop().await;
}

async fn logout_closes_a_silent_socket(framework: Framework) {
    let site = Fixture::with_recheck(framework, RECHECK).await;
    let (cookie, mut client) = site.signed_in().await;
    assert_echo(&mut client, "hello").await;
    let reply = post(site.addr, "/logout", &[("cookie", cookie.as_str())]).await;
    assert_eq!(reply.status, 200, "logout");
    assert_closed_unprompted(&mut client, SESSION_ENDED).await;
    site.stop().await;
}

async fn idle_timeout_closes_a_silent_socket(framework: Framework) {
    let site = Fixture::with_recheck(framework, RECHECK).await;
    let (_, mut client) = site.signed_in().await;
    site.clock.advance(IDLE);
    assert_closed_unprompted(&mut client, SESSION_ENDED).await;
    site.stop().await;
}

/// The timer's checks are not activity: an open socket does not keep the idle timeout from
/// running out (the store's touch interval here is 60 s, half the idle timeout capped).
async fn the_timer_does_not_keep_a_silent_session_alive(framework: Framework) {
    let site = Fixture::with_recheck(framework, RECHECK).await;
    let (_, mut client) = site.signed_in().await;
    // Past the touch interval: a load now would record activity.
    site.clock.advance(IDLE - Duration::from_secs(60));
    assert_stays_open(&mut client).await;
    // Idle for the whole timeout since the login, whatever the timer read meanwhile.
    site.clock.advance(Duration::from_secs(60));
    assert_closed_unprompted(&mut client, SESSION_ENDED).await;
    site.stop().await;
}

async fn the_timer_leaves_a_live_silent_socket_open(framework: Framework) {
    let site = Fixture::with_recheck(framework, RECHECK).await;
    let (_, mut client) = site.signed_in().await;
    assert_stays_open(&mut client).await;
    assert_echo(&mut client, "still here").await;
    assert_stays_open(&mut client).await;
    assert_echo(&mut client, "and here").await;
    site.stop().await;
}

/// Each scenario as a test per framework.
macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        mod on_axum {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Framework::Axum).await;
                }
            )*
        }
        mod on_actix {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Framework::Actix).await;
                }
            )*
        }
    };
}

scenarios!(
    no_cookie_is_401_and_no_upgrade,
    loader_failure_is_500_and_no_upgrade,
    session_upgrades_and_echoes,
    foreign_origin_is_403_and_no_upgrade,
    logout_elsewhere_closes_the_socket,
    a_new_login_ends_the_previous_session,
    the_guard_refuses_cross_origin_posts,
    idle_timeout_closes_the_socket,
    absolute_lifetime_closes_a_busy_socket,
    loader_failure_closes_a_live_socket,
    client_close_is_answered,
    logout_closes_a_silent_socket,
    idle_timeout_closes_a_silent_socket,
    the_timer_does_not_keep_a_silent_session_alive,
    the_timer_leaves_a_live_silent_socket_open,
);
