//! End to end: the real `example-axum` binary on an ephemeral loopback port, driven by an
//! HTTP client that keeps cookies (reqwest's cookie store), through the whole flow.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::cookie::CookieStore as _;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// The running site; killed (and its database removed) on drop, even when a test fails.
struct Site {
    child: Child,
    dir: PathBuf,
    base: String,
}

impl Site {
    fn start() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "sessionkit-e2e-axum-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_example-axum"))
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(dir.join("site.db"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // The site prints `listening on http://ADDR`; wait for it, bounded.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => base,
            Err(_) => {
                let _ = child.kill();
                panic!("example-axum did not report its address within 60 s");
            }
        };
        Self { child, dir, base }
    }

    fn url(&self, path: &str) -> String {
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
        .unwrap();
    (client, jar)
}

fn form(user: &str, pass: &str) -> String {
    format!("username={user}&password={pass}")
}

async fn post_form(client: &reqwest::Client, url: &str, body: String) -> reqwest::Response {
    client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The Cookie header the client's store would send to the site.
fn cookie_header(jar: &reqwest::cookie::Jar, site: &Site) -> Option<String> {
    let url = site.base.parse().unwrap();
    jar.cookies(&url).map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow() {
    let site = Site::start();
    let (client, jar) = client();

    // Anonymous: the login form.
    let res = client.get(site.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"action="/login""#), "{body}");
    assert!(body.contains(r#"name="username""#) && body.contains(r#"name="password""#));

    // /me without a session: 401.
    let res = client.get(site.url("/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Bad credentials: 401 with the form, and no session cookie.
    let res = post_form(&client, &site.url("/login"), form("demo", "wrong")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(res.text().await.unwrap().contains(r#"action="/login""#));
    let res = post_form(&client, &site.url("/login"), form("nobody", "demo")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(cookie_header(&jar, &site).is_none());

    // Good credentials: 303 to /me with the session cookie.
    let res = post_form(&client, &site.url("/login"), form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/me");
    let set_cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    let first = cookie_header(&jar, &site).expect("the client stored the session cookie");

    // Signed in: /me and / show the name.
    for _ in 0..2 {
        let res = client.get(site.url("/me")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.text().await.unwrap().contains("demo"));
    }
    let res = client.get(site.url("/")).send().await.unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Signed in as") && body.contains("demo"),
        "{body}"
    );
    assert!(body.contains(r#"action="/logout""#), "{body}");

    // Logout: 303 to / with a removal cookie; the client drops the cookie.
    let res = post_form(&client, &site.url("/logout"), String::new()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/");
    let removal = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(removal.contains("Max-Age=0"), "{removal}");
    assert!(cookie_header(&jar, &site).is_none());
    let res = client.get(site.url("/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Replaying the old token after logout: 401 (the record is gone on the server).
    let bare = reqwest::Client::new();
    let res = bare
        .get(site.url("/me"))
        .header(COOKIE, &first)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Logout without a session is still a 303.
    let res = post_form(&client, &site.url("/logout"), String::new()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Logging in again issues a different token.
    let res = post_form(&client, &site.url("/login"), form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let second = cookie_header(&jar, &site).unwrap();
    assert_ne!(first, second);
    let res = client.get(site.url("/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_cookies_are_401_never_500() {
    let site = Site::start();
    let bare = reqwest::Client::new();
    // The name the site uses, from a real login.
    let (client, jar) = client();
    let res = post_form(&client, &site.url("/login"), form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let good = cookie_header(&jar, &site).unwrap();
    let (name, value) = good.split_once('=').unwrap();

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
        let res = bare
            .get(site.url("/me"))
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "cookie {:?}",
            &cookie[..cookie.len().min(80)]
        );
        let body = res.text().await.unwrap();
        assert!(!body.contains(value), "401 body echoes the token");
    }

    // Two different well-formed tokens under the name (cookie tossing): no session.
    let tossed = format!("{name}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; {good}");
    let res = bare
        .get(site.url("/me"))
        .header(COOKIE, tossed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The genuine cookie alone still works, also in a second Cookie header.
    let res = bare
        .get(site.url("/me"))
        .header(COOKIE, "theme=dark")
        .header(COOKIE, &good)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
