//! A throwaway `redis-server` for one test: a free loopback port, its own temporary
//! directory, an append-only file so that its data survives [`RedisServer::stop`] and
//! [`RedisServer::start`] (the outage scenarios need the sessions from before); stopped and
//! its directory removed on drop, also after a panic. Every wait is bounded.
//!
//! [`RedisServer::start_or_skip`] gives `None` (after printing why) when `redis-server` is
//! not installed or does not start, except under CI (`CI` set to anything but empty, `0` or
//! `false`, as `cargo xtask` reads it), where it panics.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long redis-server may take to answer `PING` after it was started.
const READY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a stopped redis-server may take to exit (it writes its append-only file first).
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct RedisServer {
    bin: PathBuf,
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
}

/// Whether `CI` says this is a CI run: set to anything but empty, `0` or `false` (any case).
fn under_ci() -> bool {
    std::env::var_os("CI")
        .is_some_and(|ci| !(ci.is_empty() || ci == "0" || ci.eq_ignore_ascii_case("false")))
}

impl RedisServer {
    /// A running server, or `None` (after printing why) when redis-server is missing or does
    /// not start, outside CI.
    pub(crate) fn start_or_skip(test: &str) -> Option<Self> {
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
        let dir = std::env::temp_dir().join(format!(
            "session-store-redis-{test}-{}-{nanos}-{}",
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
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server as an operator would (`SHUTDOWN`: it writes its append-only file and
    /// exits), killing it if it has not exited within [`STOP_TIMEOUT`].
    #[allow(
        dead_code,
        reason = "each test file compiles this module; not all stop the server"
    )]
    pub(crate) fn stop(&mut self) {
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

    /// Starts the stopped server again, on the same port, with the data it had.
    ///
    /// # Panics
    ///
    /// If it does not answer `PING` within [`READY_TIMEOUT`].
    #[allow(
        dead_code,
        reason = "each test file compiles this module; not all stop the server"
    )]
    pub(crate) fn start(&mut self) {
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
