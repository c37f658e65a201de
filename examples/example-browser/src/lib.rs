//! The sessionkit example sites, driven end to end in a real browser.
//!
//! A test crate: `tests/browser.rs` holds the flows, this library the parts they need.
//!
//! * [`Browser`]: headless Chromium under chromedriver, through a minimal W3C WebDriver
//!   client (JSON over HTTP on loopback), closed and killed on drop.
//! * [`Site`]: an example site's binary on an ephemeral loopback port, killed on drop.
//! * [`Attacker`]: another origin's pages that auto-submit forms to a site (cross-site
//!   request forgery), served on a loopback port of their own, stopped on drop.
//! * [`Setup::from_env`]: where the browser and the site binaries are, or why the test
//!   cannot run. `cargo xtask e2e` builds the sites and sets the variables.
//!
//! Every wait is bounded ([`TIMEOUT`]), and every process started here is killed on drop,
//! also when a test panics.

use std::fmt;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Value, json};

/// The error type of this crate: a message with context.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// `Result` with [`Error`].
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

/// The bound on every wait: a process starting, a page loading, a condition holding.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Chromium's flags: headless, and quiet on a closed network (no first-run, sync, component
/// updates, background requests or QUIC probes). The profile directory is added per run.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--password-store=basic",
    "--window-size=1024,768",
];

/// The environment variable naming the Chromium binary (default `/usr/bin/chromium`).
pub const CHROMIUM_VAR: &str = "SESSIONKIT_CHROMIUM";
/// The environment variable naming the chromedriver binary (default `/usr/bin/chromedriver`).
pub const CHROMEDRIVER_VAR: &str = "SESSIONKIT_CHROMEDRIVER";
/// The environment variable naming the directory for screenshots.
pub const ARTIFACTS_VAR: &str = "SESSIONKIT_E2E_ARTIFACTS";

/// What a browser test needs, found by [`Setup::from_env`].
#[derive(Debug, Clone)]
pub struct Setup {
    /// The example site's binary.
    pub site: PathBuf,
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// The chromedriver binary.
    pub chromedriver: PathBuf,
    /// Where screenshots go.
    pub artifacts: PathBuf,
}

impl Setup {
    /// Finds the site binary named by `site_var` (set by `cargo xtask e2e`), Chromium and
    /// chromedriver.
    ///
    /// When something is missing: under CI (`CI` set to anything but empty, `0` or `false`)
    /// that is an error, because CI installs the browser; elsewhere this prints a notice
    /// saying what is missing and how to run the test, and returns `Ok(None)` (the test
    /// passes as skipped).
    ///
    /// # Errors
    ///
    /// Under CI (`CI` set to anything but empty, `0` or `false`), when the site binary,
    /// Chromium or chromedriver is missing.
    pub fn from_env(site_var: &str) -> Result<Option<Self>> {
        let chromium = path_from_env(CHROMIUM_VAR, "/usr/bin/chromium");
        let chromedriver = path_from_env(CHROMEDRIVER_VAR, "/usr/bin/chromedriver");
        let site = std::env::var_os(site_var).map(PathBuf::from);
        let mut missing = Vec::new();
        match &site {
            None => missing.push(format!("{site_var} is not set")),
            Some(path) if !path.is_file() => {
                missing.push(format!("{site_var}={} is not a file", path.display()));
            }
            Some(_) => {}
        }
        for (path, what) in [(&chromium, "Chromium"), (&chromedriver, "chromedriver")] {
            if !path.is_file() {
                missing.push(format!("{what} not found at {}", path.display()));
            }
        }
        let Some(site) = site.filter(|_| missing.is_empty()) else {
            let missing = missing.join("; ");
            if example_common::under_ci() {
                return Err(format!("browser test cannot run under CI: {missing}").into());
            }
            // Straight to stderr: the test harness captures `eprintln!` of passing tests,
            // and a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED browser test: {missing}. Run it with `cargo xtask e2e` \
                 (needs Debian's chromium and chromium-driver packages)."
            );
            return Ok(None);
        };
        let artifacts = std::env::var_os(ARTIFACTS_VAR).map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-artifacts"),
            PathBuf::from,
        );
        Ok(Some(Self {
            site,
            chromium,
            chromedriver,
            artifacts,
        }))
    }
}

fn path_from_env(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// A fresh, empty temporary directory, removed on drop.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("sessionkit-{what}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(Self(dir))
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Kills a child and its process group (it was started as a group leader), then reaps it.
fn kill_group(child: &mut Child) {
    // The group holds what the child started (chromedriver's Chromium and its helpers).
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills every process whose command line mentions `dir` (Linux: from `/proc`).
fn kill_using(dir: &Path) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    let needle = dir.as_os_str().as_encoded_bytes();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline.windows(needle.len()).any(|w| w == needle) {
            let _ = Command::new("kill")
                .args(["-KILL", pid])
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// An example site's binary, running on a loopback port with its own database; killed (and
/// its database removed) on drop.
#[derive(Debug)]
pub struct Site {
    child: Child,
    _dir: TempDir,
    addr: SocketAddr,
    lines: Vec<String>,
}

impl Site {
    /// Starts `binary --addr <bind> --db <temp>/site.db` and waits (bounded) for its
    /// `listening on http://ADDR` line.
    ///
    /// # Errors
    ///
    /// When the binary does not start, exits, or does not report its address in time.
    pub fn start(binary: &Path, bind: SocketAddr, extra_args: &[&str]) -> Result<Self> {
        let dir = TempDir::new("browser-site")?;
        let mut command = Command::new(binary);
        command
            .arg("--addr")
            .arg(bind.to_string())
            .arg("--db")
            .arg(dir.join("site.db"))
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        // From here on, Drop kills the site (and then the directory goes).
        let mut site = Self {
            child,
            _dir: dir,
            addr: bind,
            lines: Vec::new(),
        };
        let stdout = site.child.stdout.take().ok_or("no stdout pipe")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx.recv_timeout(left).map_err(|_| {
                format!(
                    "{} did not report `listening on http://ADDR` within {TIMEOUT:?}",
                    binary.display()
                )
            })?;
            let addr = line
                .split_once("listening on http://")
                .map(|(_, addr)| addr.trim().to_owned());
            site.lines.push(line);
            if let Some(addr) = addr {
                site.addr = addr
                    .parse()
                    .map_err(|e| format!("bad address {addr:?} from the site: {e}"))?;
                return Ok(site);
            }
        }
    }

    /// The address the site listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the site printed on stdout up to its `listening on` line.
    #[must_use]
    pub fn startup_lines(&self) -> &[String] {
        &self.lines
    }

    /// `http://127.0.0.1:PORT{path}`: the site's port on IPv4 loopback, however it was bound.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// Another origin's pages, each a form that submits itself to the site on load, as a page
/// of an attacker would (cross-site request forgery): `GET /login` posts
/// `username=demo&password=demo` (hidden fields) to the site's `/login` (login CSRF), and
/// `GET /logout` posts to its `/logout`. Served on `127.0.0.1:<a port of its own>`, so the
/// same pages have two origins: `http://127.0.0.1:PORT` (same-site with a site on
/// 127.0.0.1: `SameSite` does not hold the cookie back) and `http://localhost:PORT`
/// (cross-site). Stopped on drop.
#[derive(Debug)]
pub struct Attacker {
    addr: SocketAddr,
    served: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Attacker {
    /// Serves the pages, whose forms post to `target` (the site's origin, such as
    /// `http://127.0.0.1:3000`), on a free loopback port.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    pub fn start(target: &str) -> Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let served = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let pages = Arc::new([
            (
                "/login",
                csrf_form(
                    target,
                    "/login",
                    &[("username", "demo"), ("password", "demo")],
                ),
            ),
            ("/logout", csrf_form(target, "/logout", &[])),
        ]);
        let thread = std::thread::spawn({
            let (served, stop) = (Arc::clone(&served), Arc::clone(&stop));
            move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    // A thread per connection: a browser's idle preconnect must not hold up
                    // the next page. Each is bounded by its read timeout.
                    let (pages, served) = (Arc::clone(&pages), Arc::clone(&served));
                    std::thread::spawn(move || {
                        if let Ok(true) = serve_page(stream, &pages[..]) {
                            served.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                }
            }
        });
        Ok(Self {
            addr,
            served,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://{host}:PORT{path}`: `host` is `127.0.0.1` (same-site with a site on
    /// 127.0.0.1) or `localhost` (cross-site).
    #[must_use]
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.addr.port())
    }

    /// How many form pages (`/login`, `/logout`) have been served.
    #[must_use]
    pub fn pages_served(&self) -> usize {
        self.served.load(Ordering::Relaxed)
    }
}

impl Drop for Attacker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An HTML page whose form posts `fields` (hidden) to `{target}{action}` as soon as it loads.
fn csrf_form(target: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(name, value)| format!(r#"<input type="hidden" name="{name}" value="{value}">"#))
        .collect();
    format!(
        "<!doctype html><html><head><title>A page on another origin</title></head><body>\
         <form id=\"csrf\" method=\"post\" action=\"{target}{action}\">{inputs}</form>\
         <script>document.getElementById(\"csrf\").submit();</script></body></html>"
    )
}

/// Answers one request on `stream` (then closes it): the page at its path, or 404. `true`
/// when a page was served.
fn serve_page(mut stream: TcpStream, pages: &[(&str, String)]) -> std::io::Result<bool> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The rest of the head, up to the empty line (a GET has no body).
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let page = pages.iter().find(|(p, _)| *p == path).map(|(_, page)| page);
    let (status, body) = page.map_or(("404 Not Found", "not found"), |page| ("200 OK", page));
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()?;
    Ok(page.is_some())
}

/// A cookie as the browser stores it (WebDriver's cookie object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
    /// The `Path` attribute (or the default path).
    pub path: String,
    /// The host (a host-only cookie) or the `Domain` attribute.
    pub domain: String,
    /// Sent over secure channels only.
    pub secure: bool,
    /// Hidden from scripts.
    pub http_only: bool,
    /// `Strict`, `Lax` or `None`, as the browser reports it.
    pub same_site: Option<String>,
    /// Seconds since the epoch; `None` for a session cookie.
    pub expiry: Option<u64>,
}

impl Cookie {
    fn from_json(value: &Value) -> Result<Self> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let flag = |key: &str| value.get(key).and_then(Value::as_bool).unwrap_or(false);
        Ok(Self {
            name: text("name").ok_or("cookie without a name")?,
            value: text("value").unwrap_or_default(),
            path: text("path").unwrap_or_default(),
            domain: text("domain").unwrap_or_default(),
            secure: flag("secure"),
            http_only: flag("httpOnly"),
            same_site: text("sameSite"),
            expiry: value.get("expiry").and_then(Value::as_u64),
        })
    }
}

/// A WebDriver element reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(String);

/// The W3C WebDriver element identifier key.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Headless Chromium with a fresh, empty profile, under its own chromedriver on a free
/// loopback port. On drop: the WebDriver session is deleted (Chromium exits), chromedriver
/// and everything it started are killed, and the profile is removed.
pub struct Browser {
    http: reqwest::blocking::Client,
    driver: Child,
    endpoint: String,
    session: Option<String>,
    dir: TempDir,
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser")
            .field("endpoint", &self.endpoint)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// Starts chromedriver on `127.0.0.1:<free port>` and a headless Chromium session.
    ///
    /// # Errors
    ///
    /// When chromedriver does not start or become ready within [`TIMEOUT`], or refuses to
    /// start Chromium (the error includes chromedriver's log).
    pub fn start(chromium: &Path, chromedriver: &Path) -> Result<Self> {
        let dir = TempDir::new("browser")?;
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let log = std::fs::File::create(dir.join("chromedriver.log"))?;
        let mut command = Command::new(chromedriver);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chromedriver.display()))?;
        let http = reqwest::blocking::Client::builder()
            .timeout(TIMEOUT)
            .no_proxy()
            .build()?;
        let mut browser = Self {
            http,
            driver,
            endpoint: format!("http://127.0.0.1:{port}"),
            session: None,
            dir,
        };
        browser
            .wait_for_driver()
            .and_then(|()| browser.new_session(chromium))
            .map_err(|e| format!("{e}\nchromedriver log:\n{}", browser.driver_log()))?;
        Ok(browser)
    }

    fn driver_log(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("chromedriver.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    fn wait_for_driver(&mut self) -> Result {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.driver.try_wait()? {
                return Err(format!("chromedriver exited: {status}").into());
            }
            let ready = self
                .http
                .get(format!("{}/status", self.endpoint))
                .timeout(Duration::from_secs(2))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("chromedriver not ready within {TIMEOUT:?}").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn new_session(&mut self, chromium: &Path) -> Result {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|&a| a.to_owned()).collect();
        args.push(format!(
            "--user-data-dir={}",
            self.dir.join("profile").display()
        ));
        let timeout_ms = u64::try_from(TIMEOUT.as_millis()).unwrap_or(u64::MAX);
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "pageLoad": timeout_ms, "script": timeout_ms, "implicit": 0 },
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": args,
                        // No password manager: it would offer to save demo/demo and check
                        // it against a leak service on the (closed) network.
                        "prefs": {
                            "credentials_enable_service": false,
                            "profile.password_manager_enabled": false,
                            "profile.password_manager_leak_detection": false,
                        },
                    },
                },
            },
        });
        let value = self.call(reqwest::Method::POST, "/session", Some(capabilities))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("new session answered without a sessionId: {value}"))?;
        self.session = Some(id.to_owned());
        Ok(())
    }

    /// One WebDriver command; returns the response's `value`.
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{path}", self.endpoint);
        let mut request = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .map_err(|e| format!("WebDriver {method} {path}: {e}"))?;
        let status = response.status();
        let mut json: Value = response
            .json()
            .map_err(|e| format!("WebDriver {method} {path}: {status}, not JSON: {e}"))?;
        let value = json["value"].take();
        if status.is_success() {
            Ok(value)
        } else {
            Err(format!(
                "WebDriver {method} {path}: {status} {}: {}",
                value["error"].as_str().unwrap_or("?"),
                value["message"].as_str().unwrap_or("?")
            )
            .into())
        }
    }

    fn session_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let id = self.session.as_deref().ok_or("no WebDriver session")?;
        self.call(method, &format!("/session/{id}{path}"), body)
    }

    /// Navigates to `url` and waits for the page to load.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails (including a load slower than [`TIMEOUT`]).
    pub fn goto(&self, url: &str) -> Result {
        self.session_call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))?;
        Ok(())
    }

    /// Reloads the page, as the reload button does.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails.
    pub fn refresh(&self) -> Result {
        self.session_call(reqwest::Method::POST, "/refresh", Some(json!({})))?;
        Ok(())
    }

    /// The current page's URL.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails.
    pub fn url(&self) -> Result<String> {
        let value = self.session_call(reqwest::Method::GET, "/url", None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The current page's HTML, as the browser serializes its DOM.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails.
    pub fn source(&self) -> Result<String> {
        let value = self.session_call(reqwest::Method::GET, "/source", None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The first element matching the CSS `selector`.
    ///
    /// # Errors
    ///
    /// When there is none (`no such element`) or the command fails.
    pub fn find(&self, selector: &str) -> Result<Element> {
        let body = json!({ "using": "css selector", "value": selector });
        let value = self
            .session_call(reqwest::Method::POST, "/element", Some(body))
            .map_err(|e| format!("find {selector:?}: {e}"))?;
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| format!("find {selector:?}: no element reference in {value}"))?;
        Ok(Element(id.to_owned()))
    }

    /// Types `text` into `element`.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result {
        let path = format!("/element/{}/value", element.0);
        self.session_call(reqwest::Method::POST, &path, Some(json!({ "text": text })))?;
        Ok(())
    }

    /// Clicks `element`.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails.
    pub fn click(&self, element: &Element) -> Result {
        let path = format!("/element/{}/click", element.0);
        self.session_call(reqwest::Method::POST, &path, Some(json!({})))?;
        Ok(())
    }

    /// The rendered text of `element`.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails.
    pub fn text(&self, element: &Element) -> Result<String> {
        let path = format!("/element/{}/text", element.0);
        let value = self.session_call(reqwest::Method::GET, &path, None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Runs `script` (a function body; `return` gives the result) in the page.
    ///
    /// # Errors
    ///
    /// When the script throws or the command fails.
    pub fn execute(&self, script: &str) -> Result<Value> {
        let body = json!({ "script": script, "args": [] });
        self.session_call(reqwest::Method::POST, "/execute/sync", Some(body))
    }

    /// The HTTP status of the current page's document, from the Navigation Timing entry
    /// (`responseStatus`), or `None` when the browser does not report it.
    ///
    /// # Errors
    ///
    /// When the script fails.
    pub fn status(&self) -> Result<Option<u16>> {
        let value = self.execute(
            "const nav = performance.getEntriesByType('navigation')[0];\
             return nav ? nav.responseStatus : null;",
        )?;
        Ok(value.as_u64().and_then(|s| u16::try_from(s).ok()))
    }

    /// Every cookie the browser's store holds for the current page, `HttpOnly` ones included.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails or answers something else than cookie objects.
    pub fn cookies(&self) -> Result<Vec<Cookie>> {
        let value = self.session_call(reqwest::Method::GET, "/cookie", None)?;
        value
            .as_array()
            .ok_or_else(|| format!("cookies: not a list: {value}"))?
            .iter()
            .map(Cookie::from_json)
            .collect()
    }

    /// A PNG screenshot of the viewport.
    ///
    /// # Errors
    ///
    /// When the WebDriver command fails or the answer is not base64.
    pub fn screenshot_png(&self) -> Result<Vec<u8>> {
        let value = self.session_call(reqwest::Method::GET, "/screenshot", None)?;
        let encoded = value.as_str().ok_or("screenshot: not a string")?;
        Ok(base64::engine::general_purpose::STANDARD.decode(encoded)?)
    }

    /// Polls `condition` every 50 ms until it holds, for at most [`TIMEOUT`].
    ///
    /// # Errors
    ///
    /// When it does not hold in time (the error names `what`), or `condition` fails.
    pub fn wait_until(
        &self,
        what: &str,
        mut condition: impl FnMut(&Self) -> Result<bool>,
    ) -> Result {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if condition(self)? {
                return Ok(());
            }
            if Instant::now() > deadline {
                let url = self.url().unwrap_or_default();
                return Err(
                    format!("timed out after {TIMEOUT:?} waiting for {what} (at {url})").into(),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            // Closes Chromium; bounded, and a failure only means the kill below does it.
            let _ = self
                .http
                .delete(format!("{}/session/{id}", self.endpoint))
                .timeout(Duration::from_secs(10))
                .send();
        }
        kill_group(&mut self.driver);
        // Chromium runs in a process group of its own: kill whatever still uses this
        // run's profile (only after a failed close).
        kill_using(&self.dir.0);
    }
}
