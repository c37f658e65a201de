//! A throwaway `redis-server` for tests (feature `test-util`): what this crate's tests and
//! the `example-redis` site's tests start, so that an application's tests can do the same.
//!
//! [`RedisServer::start_or_skip`] starts `redis-server` (found on `PATH`, or in `/usr/bin`,
//! `/usr/sbin`) on a free loopback port, bound to 127.0.0.1 only, in a temporary directory of
//! its own, with an append-only file: its data survives [`RedisServer::stop`] and
//! [`RedisServer::start`], as a production Redis with persistence would. Dropping it kills
//! the server and removes the directory, also after a panic. Every wait is bounded.
//!
//! Without `redis-server` (or when it does not start) the test is skipped: `start_or_skip`
//! prints why and gives `None`, except under CI (`CI` set to anything but empty, `0` or
//! `false`, any case), where it panics, so that a CI run cannot pass by skipping.
//!
//! The calls block the thread (they wait for the process); in an async test, run
//! [`stop`](RedisServer::stop) and [`start`](RedisServer::start) on
//! `tokio::task::spawn_blocking` if other tasks must keep running meanwhile.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long `redis-server` may take to answer `PING` after it was started.
pub const READY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a stopped `redis-server` may take to exit (it writes its append-only file first)
/// before it is killed.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A `redis-server` process of one test, on `127.0.0.1` and a free port. See the
/// [module docs](self).
///
/// # Examples
///
/// ```
/// use session_store::{Policy, Token};
/// use session_store_redis::RedisBackend;
/// use session_store_redis::test_util::RedisServer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // `None` (after a notice) where redis-server is not installed, outside CI.
/// let Some(mut server) = RedisServer::start_or_skip("doc_example") else { return Ok(()) };
/// let store = RedisBackend::<i64>::connect(&server.url(), Policy::default()).await?.into_store();
/// let token: Token = store.create(7).await?;
///
/// server.stop(); // SHUTDOWN, as an operator would
/// assert!(store.load(&token).await.is_err(), "Redis is down: an error, never a None");
/// server.start(); // same port, same data
///
/// // The connection manager finds Redis again by itself; the session is still there.
/// let mut session = None;
/// for _ in 0..50 {
///     if let Ok(found) = store.load(&token).await {
///         session = found;
///         break;
///     }
///     tokio::time::sleep(std::time::Duration::from_millis(100)).await;
/// }
/// assert_eq!(session.map(|s| s.user_id), Some(7));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RedisServer {
    bin: PathBuf,
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
}

impl RedisServer {
    /// A running server for the test named `test` (the name goes into its directory's
    /// name and the notices), or `None` after printing why on stderr when `redis-server` is
    /// not installed or does not start, outside CI.
    ///
    /// # Panics
    ///
    /// Under CI (`CI` set to anything but empty, `0` or `false`) when the server cannot run.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::test_util::RedisServer;
    ///
    /// if let Some(server) = RedisServer::start_or_skip("start_or_skip_example") {
    ///     assert!(server.url().starts_with("redis://127.0.0.1:"));
    /// }
    /// ```
    #[must_use]
    pub fn start_or_skip(test: &str) -> Option<Self> {
        match Self::try_start(test) {
            Ok(server) => Some(server),
            Err(why) if under_ci() => panic!("{test}: redis-server cannot run under CI: {why}"),
            Err(why) => {
                eprintln!("note: {test} SKIPPED: {why}");
                None
            }
        }
    }

    fn try_start(test: &str) -> Result<Self, String> {
        let bin = find_redis_server()
            .ok_or("redis-server not found on PATH (Debian package redis-server)")?;
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name: String = test
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(64)
            .collect();
        let dir = std::env::temp_dir().join(format!(
            "sessionkit-redis-{name}-{}-{nanos}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|err| format!("create {}: {err}", dir.display()))?;
        let mut server = Self {
            bin,
            child: None,
            dir,
            port: 0,
        };
        // A free port can be taken between our probe and redis-server's bind: try a few.
        for _ in 0..5 {
            server.port = free_port()?;
            if server.spawn_and_wait()? {
                return Ok(server);
            }
        }
        Err("redis-server did not start on a free loopback port (5 tries)".to_owned())
    }

    /// `redis://127.0.0.1:PORT`.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::test_util::RedisServer;
    ///
    /// if let Some(server) = RedisServer::start_or_skip("url_example") {
    ///     assert_eq!(server.url(), format!("redis://127.0.0.1:{}", server.port()));
    /// }
    /// ```
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The loopback port it listens on (the same after [`start`](Self::start)).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::test_util::RedisServer;
    ///
    /// if let Some(server) = RedisServer::start_or_skip("port_example") {
    ///     assert_ne!(server.port(), 0);
    /// }
    /// ```
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server as an operator would (`SHUTDOWN`: it writes its append-only file and
    /// exits), killing it if it has not exited within [`STOP_TIMEOUT`]. Nothing if it is
    /// stopped already.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::test_util::RedisServer;
    ///
    /// if let Some(mut server) = RedisServer::start_or_skip("stop_example") {
    ///     server.stop();
    ///     assert!(std::net::TcpStream::connect(("127.0.0.1", server.port())).is_err());
    ///     server.stop(); // stopped already: nothing
    /// }
    /// ```
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        shutdown(self.port);
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Starts the server again (stopping it first if it runs), on the same port, with the
    /// data it had.
    ///
    /// # Panics
    ///
    /// If it cannot be started again, or does not answer `PING` within [`READY_TIMEOUT`].
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_redis::test_util::RedisServer;
    ///
    /// if let Some(mut server) = RedisServer::start_or_skip("start_example") {
    ///     let port = server.port();
    ///     server.stop();
    ///     server.start();
    ///     assert_eq!(server.port(), port);
    ///     assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    /// }
    /// ```
    pub fn start(&mut self) {
        self.stop();
        // Bounded: the port was ours a moment ago, so a failed bind is retried a few times.
        for _ in 0..20 {
            match self.spawn_and_wait() {
                Ok(true) => return,
                Ok(false) => std::thread::sleep(Duration::from_millis(100)),
                Err(why) => panic!("restart redis-server on port {}: {why}", self.port),
            }
        }
        panic!("redis-server did not restart on port {}", self.port);
    }

    /// Starts redis-server on `self.port` and waits (bounded) for its PONG; `Ok(false)` if it
    /// exited (the port was taken).
    fn spawn_and_wait(&mut self) -> Result<bool, String> {
        let child = Command::new(&self.bin)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "yes"])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| format!("start {}: {err}", self.bin.display()))?;
        self.child = Some(child);
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if self.exited() {
                return Ok(false);
            }
            if ping(self.port) {
                // A PONG from another test's server that won the port race would come while
                // ours is still failing to bind: make sure ours is alive after it.
                std::thread::sleep(Duration::from_millis(50));
                return Ok(!self.exited());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        Err(format!(
            "redis-server on port {} did not answer PING within {READY_TIMEOUT:?}",
            self.port
        ))
    }

    /// Whether the child has exited (it is then forgotten).
    fn exited(&mut self) -> bool {
        let gone = self
            .child
            .as_mut()
            .is_none_or(|child| matches!(child.try_wait(), Ok(Some(_)) | Err(_)));
        if gone {
            self.child = None;
        }
        gone
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether `CI` says this is a CI run: set to anything but empty, `0` or `false` (any case),
/// as `cargo xtask` reads it.
fn under_ci() -> bool {
    std::env::var_os("CI")
        .is_some_and(|ci| !(ci.is_empty() || ci == "0" || ci.eq_ignore_ascii_case("false")))
}

fn find_redis_server() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("redis-server"))
        .find(|bin| bin.is_file())
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|addr| addr.port())
        .map_err(|err| format!("bind an ephemeral loopback port: {err}"))
}

/// Sends `SHUTDOWN` to the Redis on `port` and waits (bounded) for it to close the
/// connection. Errors are ignored: the caller waits for the process to exit, then kills it.
fn shutdown(port: u16) {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(b"SHUTDOWN\r\n").is_ok() {
        let mut reply = [0_u8; 64];
        let _ = stream.read(&mut reply);
    }
}

/// Whether a Redis on `port` answers `PING` with `+PONG`.
fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0_u8; 7];
    stream.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}
