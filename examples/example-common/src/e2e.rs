//! The end-to-end test both example sites run (feature `e2e`): the real binary on an
//! ephemeral loopback port, driven by an HTTP client that keeps cookies (reqwest's cookie
//! store), through the whole flow. One flow, two sites: their behaviour cannot drift apart.
//!
//! These are test helpers: they panic, with a message, on the first failed check.
//!
//! # Examples
//!
//! A SQLite site's `tests/e2e.rs` is one line, [`site_tests!`](crate::site_tests), which
//! makes one test of each check below. By hand (the path comes from
//! `env!("CARGO_BIN_EXE_example-axum")`):
//!
//! ```no_run
//! use example_common::e2e::{Site, malformed_cookies_are_401_never_500, the_whole_flow};
//!
//! # async fn test() {
//! let site = Site::start("target/debug/example-axum", "example-axum");
//! the_whole_flow(&site).await;
//! malformed_cookies_are_401_never_500(&site).await;
//! # }
//! ```

/// The end-to-end tests of a SQLite site, each on a fresh instance of its binary: a
/// site's whole `tests/e2e.rs` is this macro with the binary's path and its package name.
/// Needs `tokio` (with `macros` and `rt-multi-thread`) among the site's dev-dependencies.
///
/// # Examples
///
/// ```ignore
/// example_common::site_tests!(env!("CARGO_BIN_EXE_example-axum"), "example-axum");
/// ```
#[macro_export]
macro_rules! site_tests {
    ($bin:expr, $package:expr) => {
        $crate::site_tests!(@each $bin, $package;
            the_whole_flow,
            malformed_cookies_are_401_never_500,
            cross_origin_state_changes_are_refused,
            public_page_answers_while_the_database_is_locked,
            deleting_or_disabling_the_account_ends_its_sessions,
            the_sessions_page_lists_and_signs_out,
        );

        /// "Keep me signed in" on an instance whose sessions last 90 minutes: the
        /// persistent cookie's `Max-Age` is that lifetime, the store's.
        #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn keep_me_signed_in_chooses_the_cookie() {
            let flags = ["--absolute-lifetime", "5400"];
            let site = $crate::e2e::Site::start_with_flags($bin, $package, &flags);
            $crate::e2e::keep_me_signed_in_chooses_the_cookie(&site, 5400).await;
        }

        /// On an instance whose login limits refill over a day: no refill mid-test, however
        /// slow the machine.
        #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn login_attempts_are_throttled() {
            let flags = $crate::e2e::THROTTLE_TEST_FLAGS;
            let site = $crate::e2e::Site::start_with_flags($bin, $package, &flags);
            $crate::e2e::login_attempts_are_throttled(&site).await;
        }

        /// The development cookie (`id`, no Secure) only with the flag, not for a loopback
        /// address.
        #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn the_whole_flow_with_insecure_dev_cookies() {
            let flags = [$crate::INSECURE_DEV_COOKIES];
            let site = $crate::e2e::Site::start_with_flags($bin, $package, &flags);
            $crate::e2e::the_whole_flow(&site).await;
        }

        /// Ctrl-C and SIGTERM, each on an instance of its own: the request in flight
        /// finishes, the exit status is 0.
        #[test]
        fn a_signal_lets_the_request_in_flight_finish() {
            for signal in [$crate::e2e::StopSignal::Int, $crate::e2e::StopSignal::Term] {
                let site = $crate::e2e::Site::start($bin, $package);
                $crate::e2e::a_signal_lets_the_request_in_flight_finish(site, signal);
            }
        }

        #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn concurrent_logins_are_bounded() {
            let site = $crate::e2e::Site::start($bin, $package);
            let (_, busy, _) = $crate::e2e::concurrent_logins_are_bounded(&site).await;
            assert!(busy > 0, "the hash bound was never reached");
        }
    };
    (@each $bin:expr, $package:expr; $($check:ident,)*) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let site = $crate::e2e::Site::start($bin, $package);
                $crate::e2e::$check(&site).await;
            }
        )*
    };
}

mod api;

pub use self::api::the_api_with_a_bearer_token;

use std::ffi::{OsStr, OsString};
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::cookie::CookieStore as _;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE};
use session_store_sqlx::sqlx::postgres::PgConnection;
use session_store_sqlx::sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use session_store_sqlx::sqlx::{self, Connection as _};

/// How long a site may take to print its `listening on` line (a cold debug build is slow
/// to hash the demo password).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// The site's `RUST_LOG`: its defaults, one line per request, and the adapters' rejections.
pub const SITE_RUST_LOG: &str = "info,access=debug,sessionkit=debug";

/// The login throttle's window in [`THROTTLE_TEST_FLAGS`]: a day.
///
/// # Examples
///
/// ```
/// assert_eq!(example_common::e2e::THROTTLE_TEST_WINDOW_SECS, 86_400);
/// ```
pub const THROTTLE_TEST_WINDOW_SECS: u64 = 24 * 60 * 60;

/// The flags of a site for [`login_attempts_are_throttled`]: `--login-window` a day, so the
/// bursts refill by one attempt only every 2.4 hours (per user name) and 48 minutes (per
/// client address), never while the test runs. With the default minute, a loaded machine
/// that took 8.5 s for the test's attempts (more than the 6 s of one refill) saw an attempt
/// let through that the test expected refused.
///
/// # Examples
///
/// ```
/// use example_common::e2e::{THROTTLE_TEST_FLAGS, THROTTLE_TEST_WINDOW_SECS};
///
/// assert_eq!(THROTTLE_TEST_FLAGS[1].parse(), Ok(THROTTLE_TEST_WINDOW_SECS));
/// ```
pub const THROTTLE_TEST_FLAGS: [&str; 2] = ["--login-window", "86400"];

/// How long [`Site::wait_for_log`] waits for a line.
const LOG_TIMEOUT: Duration = Duration::from_secs(5);

/// A running example site: the binary on `127.0.0.1:0` with a fresh database in a temporary
/// directory, logging with `RUST_LOG=`[`SITE_RUST_LOG`] (its stderr is kept, see
/// [`log`](Self::log), and copied to the test's). Killed (and the directory removed) on
/// drop, also when a check fails.
#[derive(Debug)]
pub struct Site {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    dir: PathBuf,
    base: String,
    /// Started with `--insecure-dev-cookies`: the session cookie is `id`, without Secure.
    insecure_dev_cookies: bool,
    /// Started with `--postgres URL`: the URL, for [`admin_sql`](Self::admin_sql).
    postgres: Option<String>,
}

impl Site {
    /// Starts the binary at `bin` with `--addr 127.0.0.1:0 --db <temp>` and waits (at most
    /// 60 s) for its line `<package>: listening on http://ADDR`, where `package` is the
    /// binary's package name, such as `example-axum`.
    ///
    /// # Panics
    ///
    /// If the directory or the process cannot be created, or the line does not come in time
    /// (the process exited, or printed something else).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
    /// assert!(site.url("/me").starts_with("http://127.0.0.1:"));
    /// ```
    pub fn start(bin: impl AsRef<OsStr>, package: &str) -> Self {
        Self::start_with_flags(bin, package, &[])
    }

    /// As [`start`](Self::start), with `flags` after `--db <temp>`, such as
    /// `["--insecure-dev-cookies"]`.
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use example_common::e2e::Site;
    ///
    /// let bin = "target/debug/example-axum";
    /// let site = Site::start_with_flags(bin, "example-axum", &["--insecure-dev-cookies"]);
    /// ```
    pub fn start_with_flags(bin: impl AsRef<OsStr>, package: &str, flags: &[&str]) -> Self {
        Self::launch(bin.as_ref(), package, |dir| {
            let mut args = vec!["--db".into(), dir.join("site.db").into_os_string()];
            args.extend(flags.iter().map(OsString::from));
            args
        })
    }

    /// As [`start`](Self::start), but with `args` after `--addr 127.0.0.1:0` instead of
    /// `--db <temp>`: for a site whose store is not a file, such as
    /// `["--redis", "redis://127.0.0.1:PORT"]`. The temporary directory is still made (and
    /// removed on drop), unused by the site.
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use example_common::e2e::Site;
    ///
    /// let redis = "redis://127.0.0.1:6379";
    /// let a = Site::start_with_args("target/debug/example-redis", "example-redis", ["--redis", redis]);
    /// let b = Site::start_with_args("target/debug/example-redis", "example-redis", ["--redis", redis]);
    /// assert_ne!(a.url("/"), b.url("/"));
    /// ```
    pub fn start_with_args<I, A>(bin: impl AsRef<OsStr>, package: &str, args: I) -> Self
    where
        I: IntoIterator<Item = A>,
        A: Into<OsString>,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        Self::launch(bin.as_ref(), package, |_| args)
    }

    fn launch(bin: &OsStr, package: &str, args: impl FnOnce(&Path) -> Vec<OsString>) -> Self {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "sessionkit-e2e-{package}-{}-{nanos}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed),
        ));
        std::fs::create_dir_all(&dir).expect("create the site's temporary directory");
        let args = args(&dir);
        let insecure_dev_cookies = args.iter().any(|arg| arg == crate::INSECURE_DEV_COOKIES);
        let postgres = args
            .iter()
            .position(|arg| arg == "--postgres")
            .and_then(|at| args.get(at + 1))
            .and_then(|url| url.to_str())
            .map(str::to_owned);
        let mut child = Command::new(bin)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", SITE_RUST_LOG)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("start {package} ({bin:?}): {err}"));
        // The log: kept for the checks, and copied to the test's (captured) output.
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr is piped");
        std::thread::spawn({
            let log = Arc::clone(&log);
            move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    eprintln!("[site log] {line}");
                    log.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                }
            }
        });
        // Wait for the line, bounded; keep draining stdout afterwards so the site never
        // blocks on a full pipe. Its lines go to the test's (captured) output.
        let stdout = child.stdout.take().expect("stdout is piped");
        let prefix = format!("{package}: listening on ");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                eprintln!("[site] {line}");
                if let Some(url) = line.strip_prefix(&prefix) {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        let base = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(base) => base,
            Err(err) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&dir);
                match err {
                    mpsc::RecvTimeoutError::Timeout => panic!(
                        "{package} did not print `{package}: listening on http://ADDR` within \
                         {STARTUP_TIMEOUT:?}"
                    ),
                    mpsc::RecvTimeoutError::Disconnected => panic!(
                        "{package} closed its stdout without printing \
                         `{package}: listening on http://ADDR`"
                    ),
                }
            }
        };
        assert!(
            base.starts_with("http://127.0.0.1:"),
            "{package} listens on {base}, not on http://127.0.0.1:PORT"
        );
        Self {
            child,
            log,
            dir,
            base,
            insecure_dev_cookies,
            postgres,
        }
    }

    /// The site's log (its stderr) so far, one entry per line.
    #[must_use]
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits (at most 5 s: a line is written as its request is answered, and read a moment
    /// later) for a line of the site's log that contains every one of `parts`; that line.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
    /// let line = site.wait_for_log(&["DEBUG access: request", "path=/me", "status=401"]);
    /// assert!(line.is_some());
    /// ```
    #[must_use]
    pub fn wait_for_log(&self, parts: &[&str]) -> Option<String> {
        let deadline = std::time::Instant::now() + LOG_TIMEOUT;
        loop {
            let found = self
                .log()
                .into_iter()
                .find(|line| parts.iter().all(|part| line.contains(part)));
            if found.is_some() || std::time::Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asserts that no line of the site's log so far contains `secret` (a token).
    ///
    /// # Panics
    ///
    /// If one does.
    pub fn assert_log_never_shows(&self, secret: &str) {
        assert!(!secret.is_empty());
        if let Some(line) = self.log().iter().find(|line| line.contains(secret)) {
            panic!("the site's log shows a token: {line}");
        }
    }

    /// The site's SQLite file (`<temp>/site.db`; unused by a site started with
    /// [`start_with_args`](Self::start_with_args)).
    #[must_use]
    pub fn db(&self) -> PathBuf {
        self.dir.join("site.db")
    }

    /// Runs `sql` (with `$1`, `$2`, ... bound to `binds`) on the site's database, on a
    /// connection of its own, as an operator's `sqlite3` or `psql` would: the SQLite file
    /// ([`db`](Self::db)), or the PostgreSQL database of a site started with `--postgres
    /// URL`. Returns the rows affected.
    ///
    /// # Panics
    ///
    /// If the database cannot be reached or the statement fails.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn test() {
    /// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
    /// let changed = site.admin_sql("UPDATE users SET disabled = TRUE WHERE name = $1", &["demo"]).await;
    /// assert_eq!(changed, 1);
    /// # }
    /// ```
    pub async fn admin_sql(&self, sql: &str, binds: &[&str]) -> u64 {
        /// `sql` with `binds` bound, run on `$conn`.
        macro_rules! run_on {
            ($conn:expr) => {{
                let mut query = sqlx::query(sql);
                for bind in binds {
                    query = query.bind(*bind);
                }
                query.execute($conn).await.map(|done| done.rows_affected())
            }};
        }
        let result = match &self.postgres {
            Some(url) => {
                let mut conn = PgConnection::connect(url)
                    .await
                    .expect("connect to the site's PostgreSQL database");
                run_on!(&mut conn)
            }
            None => run_on!(&mut self.sqlite().await),
        };
        result.unwrap_or_else(|err| panic!("{sql}: {err}"))
    }

    /// A connection of its own to the site's SQLite file ([`db`](Self::db)), as an operator's
    /// `sqlite3` would open it: to hold a lock behind the site's back.
    ///
    /// # Panics
    ///
    /// If the file cannot be opened.
    pub async fn sqlite(&self) -> SqliteConnection {
        let options = SqliteConnectOptions::new()
            .filename(self.db())
            .busy_timeout(Duration::from_secs(5));
        SqliteConnection::connect_with(&options)
            .await
            .expect("open the site's database")
    }

    /// The site's peak resident memory so far, in KiB (`VmHWM` in `/proc/<pid>/status`, Linux),
    /// or `None` where that cannot be read.
    #[must_use]
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.trim_start_matches("VmHWM:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }

    /// The session cookie's name: `__Host-id`, or `id` with `--insecure-dev-cookies`.
    #[must_use]
    pub fn cookie_name(&self) -> &'static str {
        if self.insecure_dev_cookies {
            "id"
        } else {
            "__Host-id"
        }
    }

    /// The absolute URL of `path` on the site, such as `http://127.0.0.1:PORT/me`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
    /// let me = site.url("/me");
    /// ```
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A client that keeps cookies and does not follow redirects (so 303s can be checked).
fn client() -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("build the HTTP client");
    (client, jar)
}

/// As [`client`], sending `User-Agent: agent`.
fn client_with_agent(agent: &str) -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(agent)
        .build()
        .expect("build the HTTP client");
    (client, jar)
}

/// A client without a cookie store: every Cookie header is set by hand.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("build the HTTP client")
}

fn form(user: &str, pass: &str) -> String {
    format!("username={user}&password={pass}")
}

async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.expect("the site answers")
}

async fn get(client: &reqwest::Client, site: &Site, path: &str) -> reqwest::Response {
    send(client.get(site.url(path))).await
}

async fn get_with_cookie(site: &Site, path: &str, cookie: &str) -> reqwest::Response {
    send(bare_client().get(site.url(path)).header(COOKIE, cookie)).await
}

async fn post_form(
    client: &reqwest::Client,
    site: &Site,
    path: &str,
    body: String,
) -> reqwest::Response {
    let request = client
        .post(site.url(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body);
    send(request).await
}

async fn text(res: reqwest::Response) -> String {
    res.text().await.expect("read the body")
}

fn header(res: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    let value = res
        .headers()
        .get(&name)
        .unwrap_or_else(|| panic!("no {name} header"));
    value.to_str().expect("a visible-ASCII header").to_owned()
}

fn assert_html(res: &reqwest::Response) {
    let content_type = header(res, CONTENT_TYPE);
    assert!(content_type.starts_with("text/html"), "{content_type}");
}

/// The Cookie header the client's store would send to the site.
fn cookie_header(jar: &reqwest::cookie::Jar, site: &Site) -> Option<String> {
    let url = site.base.parse().expect("the site's base URL");
    jar.cookies(&url)
        .map(|v| v.to_str().expect("a visible-ASCII cookie").to_owned())
}

/// The whole flow: anonymous home page, 401s, bad and good logins, the signed-in pages,
/// logout, replay of the logged-out token, logging in again. The session cookie is the
/// library's secure default (`__Host-id`, Secure: the client's cookie store, like Chromium
/// and Firefox, treats http://127.0.0.1 as secure), or `id` without Secure for a site started
/// with `--insecure-dev-cookies`.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// example_common::e2e::the_whole_flow(&site).await;
/// # }
/// ```
pub async fn the_whole_flow(site: &Site) {
    let (client, jar) = client();

    // Anonymous: the login form.
    let res = get(&client, site, "/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_html(&res);
    assert!(res.headers().get(SET_COOKIE).is_none());
    let body = text(res).await;
    assert!(body.contains(r#"action="/login""#), "{body}");
    assert!(body.contains(r#"name="username""#) && body.contains(r#"name="password""#));

    // /me without a session: 401.
    let res = get(&client, site, "/me").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Bad credentials: 401 with the form, and no session cookie.
    let res = post_form(&client, site, "/login", form("demo", "wrong")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert_html(&res);
    let body = text(res).await;
    assert!(body.contains(r#"action="/login""#), "{body}");
    assert!(body.contains("Wrong username or password."), "{body}");
    let res = post_form(&client, site, "/login", form("nobody", "demo")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(cookie_header(&jar, site).is_none());

    // A form without the password field: a client error (the framework's), never a 500
    // and never a session.
    let res = post_form(&client, site, "/login", "username=demo".to_owned()).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(res.headers().get(SET_COOKIE).is_none());

    // The form's routes take POST only; the pages answer HEAD as they answer GET.
    for path in ["/login", "/logout"] {
        let res = get(&client, site, path).await;
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "GET {path}");
    }
    let res = send(client.head(site.url("/"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send(client.head(site.url("/me"))).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = send(client.get(site.url("/nowhere"))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Good credentials: 303 to /me with exactly one session cookie, not cacheable.
    let res = post_form(&client, site, "/login", form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/me");
    assert_eq!(res.headers().get_all(SET_COOKIE).iter().count(), 1);
    assert_eq!(header(&res, CACHE_CONTROL), "no-store");
    let set_cookie = header(&res, SET_COOKIE);
    if site.insecure_dev_cookies {
        assert!(set_cookie.starts_with("id="), "{set_cookie}");
        assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    } else {
        // The secure defaults on loopback too: no choice by the bind address.
        assert!(set_cookie.starts_with("__Host-id="), "{set_cookie}");
        assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    }
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    let first = cookie_header(&jar, site).expect("the client stored the session cookie");

    // Signed in: /me and / show the name, and no cache may keep them.
    for _ in 0..2 {
        let res = get(&client, site, "/me").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_html(&res);
        assert_eq!(header(&res, CACHE_CONTROL), "no-store", "GET /me");
        assert!(text(res).await.contains("demo"));
    }
    let res = get(&client, site, "/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, CACHE_CONTROL), "no-store", "GET / signed in");
    let body = text(res).await;
    assert!(
        body.contains("Signed in as") && body.contains("demo"),
        "{body}"
    );
    assert!(body.contains(r#"action="/logout""#), "{body}");

    // Logout: 303 to / with a removal cookie; the client drops the cookie.
    let res = post_form(&client, site, "/logout", String::new()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/");
    assert_eq!(res.headers().get_all(SET_COOKIE).iter().count(), 1);
    assert_eq!(header(&res, CACHE_CONTROL), "no-store");
    let removal = header(&res, SET_COOKIE);
    assert!(removal.contains("Max-Age=0"), "{removal}");
    assert!(removal.contains("Path=/"), "{removal}");
    assert!(cookie_header(&jar, site).is_none());
    let res = get(&client, site, "/me").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Replaying the old token after logout: 401 (the record is gone on the server).
    let res = get_with_cookie(site, "/me", &first).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = get_with_cookie(site, "/", &first).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(text(res).await.contains(r#"action="/login""#));

    // Logout without a session is still a 303.
    let res = post_form(&client, site, "/logout", String::new()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Logging in again issues a different token.
    let res = post_form(&client, site, "/login", form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let second = cookie_header(&jar, site).expect("the client stored the new session cookie");
    assert_ne!(first, second);
    let res = get(&client, site, "/me").await;
    assert_eq!(res.status(), StatusCode::OK);

    // Logging in while signed in rotates the token and ends the old session (session
    // fixation defence).
    let res = post_form(&client, site, "/login", form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let third = cookie_header(&jar, site).expect("the client stored the rotated cookie");
    assert_ne!(second, third);
    let res = get_with_cookie(site, "/me", &second).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = get(&client, site, "/me").await;
    assert_eq!(res.status(), StatusCode::OK);

    // The log: one line per request (at DEBUG, which the test turns on), with the rejections'
    // reasons; never a token, at any level.
    for parts in [
        [
            "DEBUG access: request",
            "method=POST path=/login status=303",
        ],
        ["DEBUG access: request", "method=GET path=/me status=401"],
        [
            "DEBUG access: request",
            "method=POST path=/logout status=303",
        ],
        ["DEBUG sessionkit: session rejected", "reason=NoSession"],
    ] {
        let line = site.wait_for_log(&parts);
        assert!(
            line.is_some(),
            "no log line with {parts:?}: {:#?}",
            site.log()
        );
    }
    let third = cookie_header(&jar, site).expect("the client's cookie");
    for cookie in [&first, &second, &third] {
        let (_, token) = cookie.split_once('=').expect("NAME=VALUE");
        site.assert_log_never_shows(token);
    }
}

/// Malformed session cookies (empty, short, long, quoted, padded, non-canonical,
/// percent-encoded, the name in another case, junk, a huge header) are 401, never 500, and
/// the 401 body never echoes the token; two different tokens under the name (cookie
/// tossing) are no session; the genuine cookie still works in a second Cookie header.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// example_common::e2e::malformed_cookies_are_401_never_500(&site).await;
/// # }
/// ```
pub async fn malformed_cookies_are_401_never_500(site: &Site) {
    // The name the site uses, from a real login.
    let (client, jar) = client();
    let res = post_form(&client, site, "/login", form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let good = cookie_header(&jar, site).expect("the client stored the session cookie");
    let (name, value) = good.split_once('=').expect("NAME=VALUE");

    let cases = [
        format!("{name}="),
        format!("{name}=x"),
        format!("{name}=\"{value}\""),
        format!("{name}={value}="),
        format!("{name}={}", &value[1..]),
        format!("{name}={value}A"),
        format!(
            "{name}={}",
            value.replace(|c: char| c.is_ascii_alphabetic(), "+")
        ),
        format!("{name}=%41{}", &value[1..]),
        format!("{}={value}", name.to_uppercase()),
        "junk=%ZZ; =x; a; b=\"".to_owned(),
        format!("{name}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        format!("{name}={}", "A".repeat(5000)),
        ";;;;".repeat(1000),
    ];
    for cookie in cases {
        let res = get_with_cookie(site, "/me", &cookie).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "cookie {:?}",
            &cookie[..cookie.len().min(80)]
        );
        let body = text(res).await;
        assert!(!body.contains(value), "401 body echoes the token");
    }

    // Two different well-formed tokens under the name (cookie tossing): no session.
    let tossed = format!("{name}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; {good}");
    let res = get_with_cookie(site, "/me", &tossed).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The genuine cookie alone still works, also in a second Cookie header.
    let res = send(
        bare_client()
            .get(site.url("/me"))
            .header(COOKIE, "theme=dark")
            .header(COOKIE, &good),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// The request headers of a browser on another origin, each a way the guard must refuse a
/// form post from it: `(what, [(name, value), ..])`. `port` is the site's own port.
fn cross_origin_headers(port: u16) -> Vec<(String, Vec<(&'static str, String)>)> {
    let other = port.checked_add(1).unwrap_or(port - 1);
    let evil = "http://evil.example".to_owned();
    vec![
        (
            "a cross-site browser (Sec-Fetch-Site: cross-site)".to_owned(),
            vec![
                ("origin", evil.clone()),
                ("sec-fetch-site", "cross-site".into()),
            ],
        ),
        (
            // Another port on the same host: same-site, so SameSite=Lax sends the cookie.
            format!("a same-site browser on port {other} (Sec-Fetch-Site: same-site)"),
            vec![
                ("origin", format!("http://127.0.0.1:{other}")),
                ("sec-fetch-site", "same-site".into()),
            ],
        ),
        (
            "an old browser on another host (Origin only)".to_owned(),
            vec![("origin", evil)],
        ),
        (
            format!("an old browser on port {other} (Origin only)"),
            vec![("origin", format!("http://127.0.0.1:{other}"))],
        ),
        (
            "an old browser on localhost (Origin only)".to_owned(),
            vec![("origin", format!("http://localhost:{port}"))],
        ),
        (
            "an opaque origin (Origin: null)".to_owned(),
            vec![("origin", "null".into())],
        ),
        (
            "Sec-Fetch-Site: cross-site without Origin".to_owned(),
            vec![("sec-fetch-site", "cross-site".into())],
        ),
    ]
}

/// `POST path` with a form body and extra `headers`, through `client`.
async fn post_form_with(
    client: &reqwest::Client,
    site: &Site,
    path: &str,
    body: String,
    headers: &[(&'static str, String)],
) -> reqwest::Response {
    let mut request = client
        .post(site.url(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    send(request).await
}

/// The guard's refusal: 403, its static body, and no `Set-Cookie`.
async fn assert_refused(res: reqwest::Response, what: &str) {
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "{what}");
    assert!(
        res.headers().get(SET_COOKIE).is_none(),
        "{what}: Set-Cookie"
    );
    assert_eq!(text(res).await, "cross-origin request refused", "{what}");
}

/// Cross-site request forgery is refused on every state-changing route, login CSRF
/// included: a `POST /login` (demo / demo) or `POST /logout` from another origin (a
/// cross-site page, a same-site page on another port, an old browser that sends only
/// `Origin`, an opaque `null` origin) is `403` with the body `cross-origin request refused`
/// and no `Set-Cookie`: no session is started, and a signed-in session survives (`/me` is
/// still `200` with the same cookie). Same-origin browsers (`Origin` equal to the site's,
/// `Sec-Fetch-Site: same-origin`), `Sec-Fetch-Site: none` (typed in the address bar) and
/// clients without either header (curl) still sign in and out; reads pass whatever the
/// headers.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// example_common::e2e::cross_origin_state_changes_are_refused(&site).await;
/// # }
/// ```
pub async fn cross_origin_state_changes_are_refused(site: &Site) {
    let port: u16 = site
        .base
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("the site's port");
    let refused = cross_origin_headers(port);
    let (client, jar) = client();
    let login = || form("demo", "demo");

    // Login CSRF: no session is started.
    for (what, headers) in &refused {
        let res = post_form_with(&client, site, "/login", login(), headers).await;
        assert_refused(res, &format!("POST /login from {what}")).await;
        assert!(
            cookie_header(&jar, site).is_none(),
            "{what}: a session cookie"
        );
    }
    let res = get(&client, site, "/me").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A same-origin browser signs in.
    let same_origin = [
        ("origin", site.base.clone()),
        ("sec-fetch-site", "same-origin".to_owned()),
    ];
    let res = post_form_with(&client, site, "/login", login(), &same_origin).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "same-origin login");
    let signed_in = cookie_header(&jar, site).expect("the client stored the session cookie");

    // Logout CSRF: the session survives, and the cookie is not touched.
    for (what, headers) in &refused {
        let res = post_form_with(&client, site, "/logout", String::new(), headers).await;
        assert_refused(res, &format!("POST /logout from {what}")).await;
        assert_eq!(
            cookie_header(&jar, site).as_ref(),
            Some(&signed_in),
            "{what}"
        );
        let res = get(&client, site, "/me").await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "/me after POST /logout from {what}"
        );
    }
    // Reads are not state changes: they pass whatever their headers say.
    let (what, cross_site) = &refused[0];
    let mut request = client.get(site.url("/me"));
    for (name, value) in cross_site {
        request = request.header(*name, value);
    }
    let res = send(request).await;
    assert_eq!(res.status(), StatusCode::OK, "GET /me from {what}");

    // The same-origin browser signs out.
    let res = post_form_with(&client, site, "/logout", String::new(), &same_origin).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "same-origin logout");
    assert!(cookie_header(&jar, site).is_none());

    // Allowed: `Sec-Fetch-Site: none` (a user's own navigation), an old browser on the
    // site's own origin, and a client without either header.
    let allowed: [(&str, Vec<(&'static str, String)>); 3] = [
        (
            "Sec-Fetch-Site: none",
            vec![("sec-fetch-site", "none".to_owned())],
        ),
        (
            "an old browser on the site's origin (Origin only)",
            vec![("origin", site.base.clone())],
        ),
        ("a client without Origin or Sec-Fetch-Site", Vec::new()),
    ];
    for (what, headers) in &allowed {
        let res = post_form_with(&client, site, "/login", login(), headers).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "POST /login from {what}"
        );
        assert!(
            cookie_header(&jar, site).is_some(),
            "{what}: no session cookie"
        );
        let res = get(&client, site, "/me").await;
        assert_eq!(res.status(), StatusCode::OK, "/me after login from {what}");
        let res = post_form_with(&client, site, "/logout", String::new(), headers).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "POST /logout from {what}"
        );
        assert!(cookie_header(&jar, site).is_none(), "{what}: cookie kept");
        let res = get(&client, site, "/me").await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "/me after logout from {what}"
        );
    }
}

/// How long [`a_signal_lets_the_request_in_flight_finish`] gives the site to act on a step:
/// to read the request's head, to act on the signal.
const SETTLE: Duration = Duration::from_millis(300);

/// How long a site may take to exit once its last request is answered.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A signal that stops a site gracefully.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    /// `SIGINT`, as Ctrl-C sends.
    Int,
    /// `SIGTERM`, as `kill`, systemd and container runtimes send.
    Term,
}

impl StopSignal {
    fn name(self) -> &'static str {
        match self {
            Self::Int => "INT",
            Self::Term => "TERM",
        }
    }
}

/// `signal` while a request is in flight stops the site gracefully: a client sends the head
/// of `POST /login` and half of its body (demo / demo), the site gets `signal`, and it is
/// still running a moment later (it waits for the request, where the default action of the
/// signal would end it at once); then the client sends the rest, the login completes (303,
/// a session cookie: the store and the password hash still work while it drains), and the
/// process exits by itself with status 0.
///
/// Takes the site by value: it is stopped. Linux: the signal is sent with `kill`.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// use example_common::e2e::{Site, StopSignal, a_signal_lets_the_request_in_flight_finish};
///
/// let site = Site::start("target/debug/example-axum", "example-axum");
/// a_signal_lets_the_request_in_flight_finish(site, StopSignal::Term);
/// ```
pub fn a_signal_lets_the_request_in_flight_finish(mut site: Site, signal: StopSignal) {
    use std::io::{Read as _, Write as _};

    let sig = signal.name();
    let authority = site
        .base
        .strip_prefix("http://")
        .expect("an http:// base")
        .to_owned();
    let body = form("demo", "demo");
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let mut stream = std::net::TcpStream::connect(&authority).expect("connect to the site");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("set a read timeout");
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: {authority}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{first_half}",
        body.len()
    )
    .expect("send the request's head and half its body");
    // The site reads the head and waits for the rest of the body: a request in flight.
    std::thread::sleep(SETTLE);

    let pid = site.child.id().to_string();
    let sent = Command::new("kill")
        .args([&format!("-{sig}"), &pid])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -{sig} {pid}: {sent}");
    std::thread::sleep(SETTLE);
    if let Some(status) = site.child.try_wait().expect("the site's status") {
        panic!("the site ended on SIG{sig} with a request in flight: {status}");
    }

    stream
        .write_all(second_half.as_bytes())
        .expect("send the rest of the body");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("the site answers the request in flight, then closes");
    assert!(
        response.starts_with("HTTP/1.1 303"),
        "the request in flight after SIG{sig}: {response}"
    );
    let cookie = format!("\r\nset-cookie: {}=", site.cookie_name());
    assert!(
        response
            .to_ascii_lowercase()
            .contains(&cookie.to_ascii_lowercase()),
        "no session cookie after SIG{sig}: {response}"
    );

    let deadline = std::time::Instant::now() + EXIT_TIMEOUT;
    let status = loop {
        if let Some(status) = site.child.try_wait().expect("the site's status") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the site still runs {EXIT_TIMEOUT:?} after its last request (SIG{sig})"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        status.code(),
        Some(0),
        "the site's exit after SIG{sig}: {status}"
    );
}

/// How long a page that needs no database may take while the database is locked.
const UNSTALLED: Duration = Duration::from_secs(1);

/// With the SQLite file locked by another connection (a write transaction held open, as
/// another process or a long backup would), requests that must write (logouts: a `DELETE`
/// that waits out the store's busy timeout) must not stall the server: a public page (`/`
/// without a cookie) is still answered within a second. Then the lock goes and the waiting
/// requests are answered too.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// example_common::e2e::public_page_answers_while_the_database_is_locked(&site).await;
/// # }
/// ```
pub async fn public_page_answers_while_the_database_is_locked(site: &Site) {
    /// More than the worker threads of either framework on this machine's cores.
    const WAITING: usize = 8;
    let mut lock = site.sqlite().await;
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .expect("take the database's write lock");

    let mut logouts = Vec::new();
    for _ in 0..WAITING {
        let token = session_token::Token::<32>::generate().expect("the OS RNG");
        let cookie = format!("{}={}", site.cookie_name(), token.encode().as_str());
        let request = bare_client()
            .post(site.url("/logout"))
            .header(COOKIE, cookie)
            .send();
        logouts.push(tokio::spawn(request));
    }
    // Let them reach the store and wait on the lock.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = std::time::Instant::now();
    let res = bare_client()
        .get(site.url("/"))
        .timeout(UNSTALLED)
        .send()
        .await;
    let took = started.elapsed();
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut lock)
        .await
        .expect("release the lock");
    let res = res.unwrap_or_else(|err| {
        panic!("GET / with the database locked: no answer within {UNSTALLED:?} ({err})")
    });
    assert_eq!(res.status(), StatusCode::OK);
    eprintln!("GET / with the database locked: answered in {took:?}");

    // The logouts waited for the lock, not for ever.
    for logout in logouts {
        let res = logout
            .await
            .expect("the request task")
            .expect("the logout is answered once the lock is gone");
        assert!(
            res.status() == StatusCode::SEE_OTHER || res.status().is_server_error(),
            "{}",
            res.status()
        );
    }
}

/// Disabling the account (`UPDATE users SET disabled = 1`) ends its sessions at once and
/// refuses its logins; enabled again, it signs in; deleted (`DELETE FROM users`), its
/// sessions end at once. The changes are made on the site's database (SQLite or
/// PostgreSQL) by another connection, as an operator would.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// example_common::e2e::deleting_or_disabling_the_account_ends_its_sessions(&site).await;
/// # }
/// ```
pub async fn deleting_or_disabling_the_account_ends_its_sessions(site: &Site) {
    async fn set_disabled(site: &Site, disabled: bool) {
        let sql = if disabled {
            "UPDATE users SET disabled = TRUE WHERE name = 'demo'"
        } else {
            "UPDATE users SET disabled = FALSE WHERE name = 'demo'"
        };
        assert_eq!(site.admin_sql(sql, &[]).await, 1);
    }
    let (client, _jar) = client();
    let login = || post_form(&client, site, "/login", form("demo", "demo"));

    let res = login().await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&client, site, "/me").await.status(), StatusCode::OK);

    set_disabled(site, true).await;
    assert_eq!(
        get(&client, site, "/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let home = text(get(&client, site, "/").await).await;
    assert!(home.contains(r#"action="/login""#), "signed out: {home}");
    let res = login().await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled account signs in"
    );
    assert!(res.headers().get(SET_COOKIE).is_none());

    set_disabled(site, false).await;
    let res = login().await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&client, site, "/me").await.status(), StatusCode::OK);

    let deleted = site
        .admin_sql("DELETE FROM users WHERE name = 'demo'", &[])
        .await;
    assert_eq!(deleted, 1);
    assert_eq!(
        get(&client, site, "/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = login().await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a deleted account signs in"
    );
}

/// How many logins [`concurrent_logins_are_bounded`] sends at once.
pub const CONCURRENT_LOGINS: usize = 200;

/// The bound on the site's peak resident memory under [`CONCURRENT_LOGINS`] logins, in MiB:
/// 64 MiB, plus 24 MiB per core (the site runs one Argon2 hash of 19 MiB per core at most).
/// Unbounded hashing takes about 3.7 GiB for 200 logins.
#[must_use]
pub fn peak_rss_bound_mib() -> u64 {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    64 + 24 * u64::try_from(cores).unwrap_or(u64::MAX / 48)
}

/// A client that sends from `local`, a loopback address (all of 127.0.0.0/8 is loopback on
/// Linux): a distinct client address for the site, as many clients on a network would be.
fn client_from(local: std::net::Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .local_address(std::net::IpAddr::V4(local))
        .build()
        .expect("build the HTTP client")
}

/// [`CONCURRENT_LOGINS`] logins at once, each from its own loopback address and for its own
/// (unknown) user name, so that no rate limit stops them before the password hash: the site
/// answers every one (401, or 503 with `Retry-After` when it is busy), never 500, and its
/// peak resident memory stays under [`peak_rss_bound_mib`]. Returns the counts of 401s and
/// 503s and the peak in KiB.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// let (rejected, busy, peak_kib) = example_common::e2e::concurrent_logins_are_bounded(&site).await;
/// # }
/// ```
pub async fn concurrent_logins_are_bounded(site: &Site) -> (usize, usize, u64) {
    let before = site.peak_rss_kib().expect("the site's VmHWM");
    let mut logins = Vec::new();
    for i in 0..CONCURRENT_LOGINS {
        let octet = u8::try_from(2 + i).expect("at most 253 logins");
        let client = client_from(std::net::Ipv4Addr::new(127, 0, 0, octet));
        let request = client
            .post(site.url("/login"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&format!("user-{i}"), "guess"))
            .send();
        logins.push(tokio::spawn(request));
    }
    let (mut rejected, mut busy) = (0, 0);
    for login in logins {
        let res = login
            .await
            .expect("the request task")
            .expect("the site answers every login");
        match res.status() {
            StatusCode::UNAUTHORIZED => rejected += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                let retry = header(&res, RETRY_AFTER);
                assert!(
                    retry.parse::<u64>().is_ok_and(|s| s > 0),
                    "Retry-After: {retry}"
                );
                busy += 1;
            }
            other => panic!("a login answered {other}"),
        }
    }
    let peak = site.peak_rss_kib().expect("the site's VmHWM");
    eprintln!(
        "{CONCURRENT_LOGINS} concurrent logins: {rejected} x 401, {busy} x 503; \
         peak RSS {} MiB (before: {} MiB)",
        peak / 1024,
        before / 1024
    );
    let bound = peak_rss_bound_mib();
    assert!(
        peak < bound * 1024,
        "peak RSS {} MiB under {CONCURRENT_LOGINS} concurrent logins (bound: {bound} MiB)",
        peak / 1024
    );
    (rejected, busy, peak)
}

/// Login attempts are throttled per user name (from many addresses: the default 10 in a
/// burst) and per client address (over many names: 30 in a burst); a throttled attempt is 429
/// with `Retry-After` and the login form, costs no password hash, and starts no session.
///
/// The site must run with [`THROTTLE_TEST_FLAGS`] (its limits refill over a day): the check
/// counts attempts, never time, so a refill while it runs would let one more through.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// use example_common::e2e::{Site, THROTTLE_TEST_FLAGS, login_attempts_are_throttled};
///
/// let site = Site::start_with_flags("target/debug/example-axum", "example-axum", &THROTTLE_TEST_FLAGS);
/// login_attempts_are_throttled(&site).await;
/// # }
/// ```
pub async fn login_attempts_are_throttled(site: &Site) {
    /// Attempts past the burst that must all be refused.
    const OVER: u8 = 3;
    async fn attempt(site: &Site, from: std::net::Ipv4Addr, user: &str) -> reqwest::Response {
        let res = post_form(&client_from(from), site, "/login", form(user, "guess")).await;
        assert!(res.headers().get(SET_COOKIE).is_none());
        res
    }
    async fn assert_throttled(res: reqwest::Response) {
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry = header(&res, RETRY_AFTER);
        assert!(
            retry
                .parse::<u64>()
                .is_ok_and(|s| (1..=THROTTLE_TEST_WINDOW_SECS).contains(&s)),
            "Retry-After: {retry}"
        );
        assert!(text(res).await.contains(r#"action="/login""#));
    }

    // One name from many addresses: 10, then no more.
    for i in 0..10 + OVER {
        let res = attempt(site, std::net::Ipv4Addr::new(127, 0, 1, i + 1), "demo").await;
        if i < 10 {
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "attempt {i} for demo"
            );
        } else {
            assert_throttled(res).await;
        }
    }

    // One address over many names: 30, then no more.
    let from = std::net::Ipv4Addr::new(127, 0, 2, 1);
    for i in 0..30 + OVER {
        let res = attempt(site, from, &format!("name-{i}")).await;
        if i < 30 {
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "attempt {i} from {from}"
            );
        } else {
            assert_throttled(res).await;
        }
    }
}

/// "Keep me signed in", chosen per login: the login form has the checkbox (`remember`);
/// checked, the session cookie is persistent, its `Max-Age` the site's absolute session
/// lifetime `absolute_lifetime_secs` (its `--absolute-lifetime`), and it has no `Expires`;
/// unchecked, it is a browser-session cookie (neither `Max-Age` nor `Expires`). Either
/// cookie signs its client in, and the other client's login ends neither.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// use example_common::e2e::{Site, keep_me_signed_in_chooses_the_cookie};
///
/// # async fn test() {
/// let flags = ["--absolute-lifetime", "5400"];
/// let site = Site::start_with_flags("target/debug/example-axum", "example-axum", &flags);
/// keep_me_signed_in_chooses_the_cookie(&site, 5400).await;
/// # }
/// ```
pub async fn keep_me_signed_in_chooses_the_cookie(site: &Site, absolute_lifetime_secs: u64) {
    let page = text(get(&client().0, site, "/").await).await;
    assert!(
        page.contains(r#"<input name="remember" type="checkbox"> Keep me signed in"#),
        "{page}"
    );
    let mut clients = Vec::new();
    for remember in [false, true] {
        let (client, jar) = client();
        let mut body = form("demo", "demo");
        if remember {
            body.push_str("&remember=on");
        }
        let res = post_form(&client, site, "/login", body).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "remember: {remember}");
        assert_eq!(res.headers().get_all(SET_COOKIE).iter().count(), 1);
        let set_cookie = header(&res, SET_COOKIE);
        let attribute = |name: &str| {
            set_cookie
                .split("; ")
                .skip(1)
                .find(|attr| {
                    attr.split('=')
                        .next()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
                .map(str::to_owned)
        };
        assert_eq!(attribute("Expires"), None, "{set_cookie}");
        let max_age = remember.then(|| format!("Max-Age={absolute_lifetime_secs}"));
        assert_eq!(attribute("Max-Age"), max_age, "{set_cookie}");
        assert!(
            cookie_header(&jar, site).is_some(),
            "the client kept {set_cookie}"
        );
        clients.push(client);
    }
    for client in &clients {
        assert_eq!(me_status(client, site).await, StatusCode::OK);
    }
}

/// The rows of a "your sessions" page: `(handle, current, device)` per row, in page order.
fn session_rows(page: &str) -> Vec<(String, bool, String)> {
    page.split("<tr data-handle=\"")
        .skip(1)
        .map(|row| {
            let (handle, rest) = row.split_once('"').expect("a quoted handle");
            let current = rest.starts_with(" data-current=\"true\"");
            let device = rest
                .split_once("<td class=\"device\">")
                .and_then(|(_, cell)| cell.split_once("</td>"))
                .map(|(device, _)| device.to_owned())
                .expect("a device cell");
            (handle.to_owned(), current, device)
        })
        .collect()
}

/// `GET /sessions` through `client`: 200, HTML, `Cache-Control: no-store`; its rows.
async fn sessions_of(client: &reqwest::Client, site: &Site) -> Vec<(String, bool, String)> {
    let res = get(client, site, "/sessions").await;
    assert_eq!(res.status(), StatusCode::OK, "GET /sessions");
    assert_html(&res);
    assert_eq!(header(&res, CACHE_CONTROL), "no-store", "GET /sessions");
    let page = text(res).await;
    assert!(!page.contains("<script>"), "an unescaped label: {page}");
    let rows = session_rows(&page);
    assert_eq!(
        rows.iter().filter(|(_, current, _)| *current).count(),
        1,
        "exactly one current session: {page}"
    );
    rows
}

/// A signed-in client of `name` / `password`, sending `User-Agent: agent`.
async fn signed_in(site: &Site, name: &str, password: &str, agent: &str) -> reqwest::Client {
    let (client, _jar) = client_with_agent(agent);
    let res = post_form(&client, site, "/login", form(name, password)).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{name} signs in as {agent}"
    );
    client
}

/// `POST /sessions/revoke` with `handle=handle` through `client`.
async fn revoke(client: &reqwest::Client, site: &Site, handle: &str) -> reqwest::Response {
    post_form(client, site, "/sessions/revoke", format!("handle={handle}")).await
}

/// Each client's `GET /me` is 401.
async fn assert_signed_out(site: &Site, clients: &[(&str, &reqwest::Client)]) {
    for (who, client) in clients {
        let status = me_status(client, site).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{who}");
    }
}

async fn me_status(client: &reqwest::Client, site: &Site) -> StatusCode {
    get(client, site, "/me").await.status()
}

/// A 303 to `location`; with `ends_session`, its one `Set-Cookie` removes the cookie.
fn assert_see_other(res: &reqwest::Response, location: &str, ends_session: bool, what: &str) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{what}");
    assert_eq!(res.headers()[LOCATION], location, "{what}");
    let cookies: Vec<_> = res.headers().get_all(SET_COOKIE).iter().collect();
    if ends_session {
        assert_eq!(cookies.len(), 1, "{what}: {cookies:?}");
        let removal = cookies[0].to_str().expect("ASCII");
        assert!(removal.contains("Max-Age=0"), "{what}: {removal}");
    } else {
        assert!(cookies.is_empty(), "{what}: {cookies:?}");
    }
}

/// The "your sessions" page: signed out, `GET /sessions` is 401. Signed in as demo from two
/// clients (User-Agents `Agent-A <script>` and `Agent-B`), the page lists exactly those two
/// sessions, the requesting one marked current, each labelled with its User-Agent (HTML-
/// escaped), and not the session of another account (`eve`, added to the users table as an
/// operator would). A posts:
///
/// * `/sessions/revoke` with eve's handle: 404, eve stays signed in; with a malformed handle:
///   400; cross-origin (any of the three forms): 403, nothing ends;
/// * `/sessions/revoke` with B's handle: 303 to `/sessions`, no cookie change; B's next
///   request is 401 and removes its cookie (B sends none after), A's is 200, the page lists
///   A alone; the same handle again: 404;
/// * `/sessions/revoke-others` with two more demo sessions: 303, both 401, A still 200;
/// * `/sessions/revoke-all` with one more demo session: 303 to `/` with a removal cookie; A
///   and the other are 401, eve is still 200.
///
/// Eve then signs out her own session through its handle: 303 to `/` with a removal cookie.
///
/// # Panics
///
/// On the first failed check.
///
/// # Examples
///
/// ```no_run
/// # async fn test() {
/// # let site = example_common::e2e::Site::start("target/debug/example-axum", "example-axum");
/// example_common::e2e::the_sessions_page_lists_and_signs_out(&site).await;
/// # }
/// ```
pub async fn the_sessions_page_lists_and_signs_out(site: &Site) {
    let res = get(&bare_client(), site, "/sessions").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "signed out");

    let hash = crate::hash_password("eve's password").expect("hash a password");
    let sql = "INSERT INTO users (name, password_hash) VALUES ('eve', $1)";
    assert_eq!(site.admin_sql(sql, &[&hash]).await, 1, "add eve");
    let a = signed_in(site, "demo", "demo", "Agent-A <script>").await;
    let b = signed_in(site, "demo", "demo", "Agent-B").await;
    let eve = signed_in(site, "eve", "eve's password", "Agent-E").await;

    // The home page links to the page.
    assert!(
        text(get(&a, site, "/").await)
            .await
            .contains(r#"href="/sessions""#)
    );
    // (Sessions created within the same second may be listed in either order.)
    let mut rows = sessions_of(&a, site).await;
    rows.sort_by(|x, y| x.2.cmp(&y.2));
    let devices: Vec<(bool, &str)> = rows.iter().map(|(_, c, d)| (*c, d.as_str())).collect();
    assert_eq!(
        devices,
        [(true, "Agent-A &lt;script&gt;"), (false, "Agent-B")]
    );
    let b_handle = rows[1].0.clone();
    // B sees the same two sessions, its own marked.
    let rows_b = sessions_of(&b, site).await;
    assert_eq!(rows_b.len(), 2);
    let current_b = rows_b.iter().find(|(_, current, _)| *current);
    assert_eq!(current_b.map(|row| &row.0), Some(&b_handle), "{rows_b:?}");
    let eve_rows = sessions_of(&eve, site).await;
    assert_eq!(eve_rows.len(), 1, "{eve_rows:?}");
    let eve_handle = eve_rows[0].0.clone();
    assert_ne!(eve_handle, b_handle);

    // Another user's handle: refused, nothing ends.
    let res = revoke(&a, site, &eve_handle).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "eve's handle");
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(text(res).await.contains("No such session of yours"));
    assert_eq!(me_status(&eve, site).await, StatusCode::OK);
    for bad in ["nope", "%3Cscript%3E", &b_handle.to_uppercase(), ""] {
        let res = revoke(&a, site, bad).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "handle={bad}");
    }
    // Cross-origin forms are refused before anything ends.
    let evil = [
        ("origin", "http://evil.example".to_owned()),
        ("sec-fetch-site", "cross-site".to_owned()),
    ];
    for (path, body) in [
        ("/sessions/revoke", format!("handle={b_handle}")),
        ("/sessions/revoke-others", String::new()),
        ("/sessions/revoke-all", String::new()),
    ] {
        let res = post_form_with(&a, site, path, body, &evil).await;
        assert_refused(res, &format!("cross-origin POST {path}")).await;
    }
    assert_eq!(me_status(&b, site).await, StatusCode::OK);
    // Signed out, the forms are 401.
    let res = post_form(&bare_client(), site, "/sessions/revoke-all", String::new()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A signs B out.
    let res = revoke(&a, site, &b_handle).await;
    assert_see_other(&res, "/sessions", false, "revoke B");
    // B's next request: 401, and the dead session's cookie is removed; the one after sends
    // none (and so gets no removal again).
    let res = get(&b, site, "/me").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "B");
    assert!(header(&res, SET_COOKIE).contains("Max-Age=0"), "B's cookie");
    let res = get(&b, site, "/").await;
    assert!(
        res.headers().get(SET_COOKIE).is_none(),
        "B sent its cookie again"
    );
    assert!(text(res).await.contains(r#"action="/login""#));
    assert_eq!(me_status(&a, site).await, StatusCode::OK, "A");
    assert_eq!(sessions_of(&a, site).await.len(), 1);
    let res = revoke(&a, site, &b_handle).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "B's handle again");

    // Sign out all other sessions.
    let c = signed_in(site, "demo", "demo", "Agent-C").await;
    let d = signed_in(site, "demo", "demo", "Agent-D").await;
    assert_eq!(sessions_of(&a, site).await.len(), 3);
    let res = post_form(&a, site, "/sessions/revoke-others", String::new()).await;
    assert_see_other(&res, "/sessions", false, "revoke others");
    assert_signed_out(site, &[("C", &c), ("D", &d)]).await;
    let rows = sessions_of(&a, site).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, "Agent-A &lt;script&gt;");

    // Sign out everywhere.
    let e = signed_in(site, "demo", "demo", "Agent-E").await;
    let res = post_form(&a, site, "/sessions/revoke-all", String::new()).await;
    assert_see_other(&res, "/", true, "revoke all");
    assert_signed_out(site, &[("A", &a), ("E", &e)]).await;
    assert_eq!(me_status(&eve, site).await, StatusCode::OK, "eve");

    // Signing out the current session by its handle is a logout.
    let res = revoke(&eve, site, &eve_handle).await;
    assert_see_other(&res, "/", true, "eve's own handle");
    assert_eq!(me_status(&eve, site).await, StatusCode::UNAUTHORIZED, "eve");
}
