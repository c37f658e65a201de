//! A throwaway `redis-server` for one test: a free loopback port, no persistence, its own
//! temporary directory; killed (and the directory removed) on drop, also after a panic.
//!
//! Without `redis-server` on PATH the test is skipped with a notice, except under CI (`CI` set
//! to anything but empty, `0` or `false`), where it fails.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long redis-server may take to answer PING after it was started.
const READY_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub(crate) struct RedisServer {
    bin: PathBuf,
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
}

impl RedisServer {
    /// A running server, or `None` (after a notice) when `redis-server` is not installed and
    /// the test does not run under CI (`CI` set to anything but empty, `0` or `false`).
    pub(crate) fn start_or_skip(test: &str) -> Option<Self> {
        let Some(bin) = find_redis_server() else {
            let what = "redis-server not found on PATH (Debian package redis-server)";
            assert!(
                !example_common::under_ci(),
                "{test}: cannot run under CI: {what}"
            );
            eprintln!("note: {test} SKIPPED: {what}");
            return None;
        };
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "sessionkit-redis-{test}-{}-{nanos}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create redis-server's temporary directory");
        let mut server = Self {
            bin,
            child: None,
            dir,
            port: 0,
        };
        // A free port can be taken between our probe and redis-server's bind: try a few.
        for _ in 0..5 {
            server.port = free_port();
            if server.spawn_and_wait() {
                return Some(server);
            }
        }
        panic!("redis-server did not start on a free loopback port (5 tries)");
    }

    /// `redis://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (its data is gone: no persistence).
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    #[allow(
        dead_code,
        reason = "each test file compiles this module; not all restart"
    )]
    pub(crate) fn restart(&mut self) {
        self.stop();
        assert!(
            self.spawn_and_wait(),
            "redis-server did not restart on port {}",
            self.port
        );
    }

    /// Starts redis-server on `self.port` and waits (bounded) for its PONG; `false` if it
    /// exited (the port was taken).
    fn spawn_and_wait(&mut self) -> bool {
        let child = Command::new(&self.bin)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("start {:?}: {err}", self.bin));
        self.child = Some(child);
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(_exited)) = child.try_wait() {
                    self.child = None;
                    return false;
                }
            }
            if ping(self.port) {
                // A PONG from another test's server that won the port race would come while
                // ours is still failing to bind: make sure ours is alive after it.
                std::thread::sleep(Duration::from_millis(50));
                if let Some(child) = self.child.as_mut() {
                    if let Ok(Some(_exited)) = child.try_wait() {
                        self.child = None;
                        return false;
                    }
                }
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        panic!(
            "redis-server on port {} did not answer PING within {READY_TIMEOUT:?}",
            self.port
        );
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
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

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
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
