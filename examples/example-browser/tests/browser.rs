//! The example sites in headless Chromium: the whole login flow under a real browser's
//! cookie rules, checked through the browser's own cookie store; forms forged by pages on
//! other origins (cross-site request forgery), refused; and the "Your sessions" page driven
//! from two independent browser profiles.
//!
//! Ignored by default: they need Chromium, chromedriver and the built sites. `cargo xtask
//! e2e` builds the sites, sets `SESSIONKIT_EXAMPLE_AXUM` / `SESSIONKIT_EXAMPLE_ACTIX` and
//! runs them with `--ignored`. Test names start with the site, so a filter picks a site.

use std::net::SocketAddr;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use example_browser::{Attacker, Browser, Cookie, Result, Setup, Site};

/// Which session cookie the site sets on http://127.0.0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Started with `--insecure-dev-cookies`: the library's development opt-in (`id`, no
    /// Secure).
    DevOptIn,
    /// Started as `cargo run` starts it: the library's defaults (`__Host-id`, Secure) while
    /// the browser talks plain http://127.0.0.1 (Chromium treats loopback as secure).
    SecureDefaults,
}

impl Mode {
    fn bind(self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 0))
    }

    fn site_args(self) -> &'static [&'static str] {
        match self {
            Self::DevOptIn => &["--insecure-dev-cookies"],
            Self::SecureDefaults => &[],
        }
    }

    fn cookie_name(self) -> &'static str {
        match self {
            Self::DevOptIn => "id",
            Self::SecureDefaults => "__Host-id",
        }
    }

    fn secure(self) -> bool {
        self == Self::SecureDefaults
    }
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn axum_site_in_chromium() -> Result {
    whole_flow("axum", "SESSIONKIT_EXAMPLE_AXUM", Mode::DevOptIn)
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn axum_secure_defaults_in_chromium() -> Result {
    whole_flow("axum", "SESSIONKIT_EXAMPLE_AXUM", Mode::SecureDefaults)
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn actix_site_in_chromium() -> Result {
    whole_flow("actix", "SESSIONKIT_EXAMPLE_ACTIX", Mode::DevOptIn)
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn actix_secure_defaults_in_chromium() -> Result {
    whole_flow("actix", "SESSIONKIT_EXAMPLE_ACTIX", Mode::SecureDefaults)
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn axum_refuses_cross_origin_forms_in_chromium() -> Result {
    cross_origin_forms("axum", "SESSIONKIT_EXAMPLE_AXUM")
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn actix_refuses_cross_origin_forms_in_chromium() -> Result {
    cross_origin_forms("actix", "SESSIONKIT_EXAMPLE_ACTIX")
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn axum_sessions_page_in_chromium() -> Result {
    sessions_page("axum", "SESSIONKIT_EXAMPLE_AXUM")
}

#[test]
#[ignore = "drives headless Chromium: run by `cargo xtask e2e`"]
fn actix_sessions_page_in_chromium() -> Result {
    sessions_page("actix", "SESSIONKIT_EXAMPLE_ACTIX")
}

const LOGIN_FORM: &str = r#"form[action="/login"]"#;
const LOGOUT_BUTTON: &str = r#"form[action="/logout"] button[type="submit"]"#;

/// Fills the login form on the current page and submits it with a click.
fn sign_in(browser: &Browser, username: &str, password: &str) -> Result {
    browser.send_keys(&browser.find(r#"input[name="username"]"#)?, username)?;
    browser.send_keys(&browser.find(r#"input[name="password"]"#)?, password)?;
    browser.click(&browser.find(&format!("{LOGIN_FORM} button[type=\"submit\"]"))?)
}

/// Seconds since the epoch, as a cookie's expiry counts them.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn at(browser: &Browser, url: &str, selector: &str) -> Result<bool> {
    Ok(browser.url()? == url && browser.find(selector).is_ok())
}

/// The only cookie in the browser's store, which must be the session cookie.
fn session_cookie(browser: &Browser, mode: Mode) -> Result<Cookie> {
    let mut cookies = browser.cookies()?;
    assert_eq!(cookies.len(), 1, "exactly the session cookie: {cookies:?}");
    let cookie = cookies.remove(0);
    assert_eq!(cookie.name, mode.cookie_name(), "{cookie:?}");
    Ok(cookie)
}

fn whole_flow(site_label: &str, site_var: &str, mode: Mode) -> Result {
    let Some(setup) = Setup::from_env(site_var)? else {
        return Ok(());
    };
    let started = Instant::now();
    let label = match mode {
        Mode::DevOptIn => site_label.to_owned(),
        Mode::SecureDefaults => format!("{site_label}-secure-defaults"),
    };
    let site = Site::start(&setup.site, mode.bind(), mode.site_args())?;
    // The start-up notice names the cookie in use, and the flag.
    let notice = format!("session cookie `{}`", mode.cookie_name());
    assert!(
        site.startup_lines()
            .iter()
            .any(|l| l.contains(&notice) && l.contains("--insecure-dev-cookies")),
        "{label}: no start-up line with {notice:?} and the flag; startup: {:?}",
        site.startup_lines()
    );
    let site_up = started.elapsed();
    let browser = Browser::start(&setup.chromium, &setup.chromedriver)?;
    let browser_up = started.elapsed() - site_up;
    let (home, me, login) = (site.url("/"), site.url("/me"), site.url("/login"));

    // Open `/`: the login form, no cookie.
    browser.goto(&home)?;
    assert_eq!(browser.status()?, Some(200), "{label}: GET /");
    browser.find(LOGIN_FORM)?;
    assert_eq!(browser.cookies()?, [], "{label}: cookies before login");

    // Wrong credentials: the error on the form, 401, and no session cookie.
    sign_in(&browser, "demo", "wrong")?;
    browser.wait_until("the login error", |b| at(b, &login, r#"p[role="alert"]"#))?;
    assert_eq!(browser.status()?, Some(401), "{label}: bad login");
    let alert = browser.text(&browser.find(r#"p[role="alert"]"#)?)?;
    assert_eq!(alert, "Wrong username or password.", "{label}");
    browser.find(LOGIN_FORM)?;
    assert_eq!(browser.cookies()?, [], "{label}: cookies after a bad login");

    // demo / demo: redirected to /me, which shows the name.
    sign_in(&browser, "demo", "demo")?;
    browser.wait_until("/me after login", |b| at(b, &me, "strong"))?;
    assert_eq!(browser.status()?, Some(200), "{label}: /me after login");
    assert_eq!(browser.text(&browser.find("strong")?)?, "demo", "{label}");
    let shot = setup.artifacts.join(format!("{label}-signed-in.png"));
    std::fs::create_dir_all(&setup.artifacts)?;
    std::fs::write(&shot, browser.screenshot_png()?)?;
    eprintln!("{label}: screenshot {}", shot.display());

    // The browser's own store: HttpOnly, SameSite=Lax, Path=/, host-only, a session cookie.
    let first = session_cookie(&browser, mode)?;
    assert!(first.http_only, "{label}: {first:?}");
    assert_eq!(
        first.same_site.as_deref(),
        Some("Lax"),
        "{label}: {first:?}"
    );
    assert_eq!(first.path, "/", "{label}: {first:?}");
    assert_eq!(first.domain, "127.0.0.1", "{label}: host-only: {first:?}");
    assert_eq!(first.secure, mode.secure(), "{label}: {first:?}");
    assert_eq!(first.expiry, None, "{label}: a session cookie: {first:?}");
    assert_eq!(first.value.len(), 43, "{label}: a 32-byte token: {first:?}");
    // HttpOnly: invisible to the page's scripts.
    let script_view = browser.execute("return document.cookie;")?;
    let script_view = script_view.as_str().unwrap_or_default();
    assert!(
        !script_view.contains(&first.value) && !script_view.contains(&format!("{}=", first.name)),
        "{label}: document.cookie shows the session cookie: {script_view:?}"
    );

    // Reload /me: the cookie is kept and sent, the page still shows the name.
    browser.refresh()?;
    assert_eq!(browser.status()?, Some(200), "{label}: /me reloaded");
    assert_eq!(browser.text(&browser.find("strong")?)?, "demo", "{label}");
    assert_eq!(
        session_cookie(&browser, mode)?,
        first,
        "{label}: after reload"
    );

    // The home page knows the user too.
    browser.goto(&home)?;
    assert_eq!(browser.text(&browser.find("strong")?)?, "demo", "{label}");

    // Log out: back on `/` with the login form; the browser dropped the cookie.
    browser.click(&browser.find(LOGOUT_BUTTON)?)?;
    browser.wait_until("the login form after logout", |b| at(b, &home, LOGIN_FORM))?;
    assert_eq!(browser.status()?, Some(200), "{label}: / after logout");
    assert_eq!(browser.cookies()?, [], "{label}: cookies after logout");
    browser.goto(&me)?;
    assert_eq!(browser.status()?, Some(401), "{label}: /me after logout");

    // Log in again with "Keep me signed in" checked: a new token, in a persistent cookie
    // that expires with the session (the site's absolute lifetime, 12 hours by default).
    browser.goto(&home)?;
    browser.click(&browser.find(r#"input[name="remember"]"#)?)?;
    let before = unix_now();
    sign_in(&browser, "demo", "demo")?;
    browser.wait_until("/me after the second login", |b| at(b, &me, "strong"))?;
    let after = unix_now();
    let second = session_cookie(&browser, mode)?;
    assert_ne!(second.value, first.value, "{label}: a new token on login");
    assert!(second.http_only, "{label}: {second:?}");
    let lifetime = example_common::SessionConfig::default()
        .absolute_lifetime
        .as_secs();
    let expires = before + lifetime..=after + lifetime + 1;
    assert!(
        second.expiry.is_some_and(|at| expires.contains(&at)),
        "{label}: a persistent cookie expiring in {expires:?}: {second:?}"
    );

    eprintln!(
        "{label}: whole flow in Chromium passed in {:.1}s (site up in {:.1}s, browser in {:.1}s)",
        started.elapsed().as_secs_f64(),
        site_up.as_secs_f64(),
        browser_up.as_secs_f64(),
    );
    Ok(())
}

/// The body of the guard's 403.
const REFUSED: &str = "cross-origin request refused";

/// Opens the attacker's page at `path` on `host` (see [`Attacker::url`]), whose form submits
/// itself to the same `path` on the site, and waits for the browser to leave it for the
/// site: it must stay on the form's action (not a redirect), refused with the guard's 403.
fn submit_forged_form(
    browser: &Browser,
    site: &Site,
    attacker: &Attacker,
    host: &str,
    path: &str,
    what: &str,
) -> Result {
    browser.goto(&attacker.url(host, path))?;
    let (home, landing) = (site.url("/"), site.url(path));
    browser.wait_until(&format!("the site's answer to {what}"), |b| {
        Ok(b.url()?.starts_with(&home))
    })?;
    let url = browser.url()?;
    assert_eq!(url, landing, "{what}: the site accepted the form");
    assert_eq!(browser.status()?, Some(403), "{what}");
    let source = browser.source()?;
    assert!(source.contains(REFUSED), "{what}: {source}");
    Ok(())
}

/// Cross-site request forgery in a real browser: pages on two other origins, same-site
/// (another port on 127.0.0.1, which `SameSite=Lax` does not stop) and cross-site
/// (`localhost`), submit forms to the site. Login CSRF (hidden demo / demo) is refused and
/// starts no session; logout CSRF while signed in is refused, and the browser's session
/// cookie and `/me` are unchanged. The site's own forms still work.
fn cross_origin_forms(site_label: &str, site_var: &str) -> Result {
    let Some(setup) = Setup::from_env(site_var)? else {
        return Ok(());
    };
    let mode = Mode::SecureDefaults;
    let label = format!("{site_label}-cross-origin");
    let started = Instant::now();
    let site = Site::start(&setup.site, mode.bind(), mode.site_args())?;
    let attacker = Attacker::start(&site.url(""))?;
    let browser = Browser::start(&setup.chromium, &setup.chromedriver)?;
    let (home, me) = (site.url("/"), site.url("/me"));
    let origins = [("same-site", "127.0.0.1"), ("cross-site", "localhost")];

    // Login CSRF, before signing in: refused, and no session cookie appears.
    for (kind, host) in origins {
        let what = format!("{label}: login form from a {kind} page");
        submit_forged_form(&browser, &site, &attacker, host, "/login", &what)?;
        assert_eq!(browser.cookies()?, [], "{what}: cookies");
    }
    browser.goto(&me)?;
    assert_eq!(
        browser.status()?,
        Some(401),
        "{label}: /me after login CSRF"
    );

    // Signed in through the site's own form.
    browser.goto(&home)?;
    sign_in(&browser, "demo", "demo")?;
    browser.wait_until("/me after login", |b| at(b, &me, "strong"))?;
    let signed_in = session_cookie(&browser, mode)?;

    // Logout CSRF: refused; the session cookie and the session survive.
    for (kind, host) in origins {
        let what = format!("{label}: logout form from a {kind} page");
        submit_forged_form(&browser, &site, &attacker, host, "/logout", &what)?;
        assert_eq!(session_cookie(&browser, mode)?, signed_in, "{what}: cookie");
        browser.goto(&me)?;
        assert_eq!(browser.status()?, Some(200), "{what}: /me");
        assert_eq!(browser.text(&browser.find("strong")?)?, "demo", "{what}");
    }
    assert_eq!(
        attacker.pages_served(),
        2 * origins.len(),
        "{label}: forged pages"
    );

    // The site's own logout button still works.
    browser.goto(&home)?;
    browser.click(&browser.find(LOGOUT_BUTTON)?)?;
    browser.wait_until("the login form after logout", |b| at(b, &home, LOGIN_FORM))?;
    assert_eq!(browser.cookies()?, [], "{label}: cookies after logout");

    eprintln!(
        "{label}: forged forms refused in Chromium in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The rows of the "your sessions" page on `browser`'s current page, as the browser renders
/// them: `(handle, current, device)` per row.
fn session_rows(browser: &Browser) -> Result<Vec<(String, bool, String)>> {
    let rows = browser.execute(
        "return Array.from(document.querySelectorAll('tr[data-handle]')).map(row => \
         [row.dataset.handle, row.dataset.current, row.querySelector('td.device').textContent]);",
    )?;
    let rows = rows.as_array().ok_or("the rows: not a list")?;
    rows.iter()
        .map(|row| {
            let text = |i: usize| row[i].as_str().map(str::to_owned);
            match (text(0), text(1), text(2)) {
                (Some(handle), Some(current), Some(device)) => {
                    Ok((handle, current == "true", device))
                }
                _ => Err(format!("a row that is not [handle, current, device]: {row}").into()),
            }
        })
        .collect()
}

/// The number of session rows on `browser`'s current page at `url`, or `None` elsewhere.
fn rows_at(browser: &Browser, url: &str) -> Result<Option<usize>> {
    if browser.url()? != url {
        return Ok(None);
    }
    Ok(Some(session_rows(browser)?.len()))
}

fn screenshot(browser: &Browser, setup: &Setup, name: &str) -> Result {
    let shot = setup.artifacts.join(format!("{name}.png"));
    std::fs::create_dir_all(&setup.artifacts)?;
    std::fs::write(&shot, browser.screenshot_png()?)?;
    eprintln!("{name}: screenshot {}", shot.display());
    Ok(())
}

/// The "Your sessions" page in two independent browser profiles (two Chromiums, each with
/// its own fresh profile and cookie store), both signed in as demo:
///
/// * A's page (reached from the home page's link) lists exactly two sessions, A's own marked
///   "This session", each labelled with the browser's User-Agent (HeadlessChrome); B's page
///   lists the same two handles, B's own marked. Screenshot.
/// * A clicks "Sign out this session" on B's row: A is back on the page, which lists A
///   alone (screenshot), and A is still signed in. B's next page load (`/me`) is 401, and
///   after it B's cookie store holds no session cookie; B's home page shows the login form.
/// * B signs in again (A's page lists two again); A clicks "Sign out everywhere": A lands on
///   the login form without a cookie, and B's next page load is 401 and drops its cookie.
fn sessions_page(site_label: &str, site_var: &str) -> Result {
    let Some(setup) = Setup::from_env(site_var)? else {
        return Ok(());
    };
    let mode = Mode::SecureDefaults;
    let label = format!("{site_label}-sessions");
    let started = Instant::now();
    let site = Site::start(&setup.site, mode.bind(), mode.site_args())?;
    let a = Browser::start(&setup.chromium, &setup.chromedriver)?;
    let b = Browser::start(&setup.chromium, &setup.chromedriver)?;
    let (home, me, page) = (site.url("/"), site.url("/me"), site.url("/sessions"));

    for browser in [&a, &b] {
        browser.goto(&home)?;
        sign_in(browser, "demo", "demo")?;
        browser.wait_until("/me after login", |b| at(b, &me, "strong"))?;
    }
    let (a_cookie, b_cookie) = (session_cookie(&a, mode)?, session_cookie(&b, mode)?);
    assert_ne!(a_cookie.value, b_cookie.value, "{label}: two sessions");

    // A's page, through the home page's link: two sessions, A's own marked.
    a.goto(&home)?;
    a.click(&a.find(r#"a[href="/sessions"]"#)?)?;
    a.wait_until("the sessions page", |b| Ok(rows_at(b, &page)?.is_some()))?;
    assert_eq!(a.status()?, Some(200), "{label}: GET /sessions");
    let rows = session_rows(&a)?;
    assert_eq!(rows.len(), 2, "{label}: A's page: {rows:?}");
    assert_eq!(rows.iter().filter(|r| r.1).count(), 1, "{label}: {rows:?}");
    for (_, _, device) in &rows {
        assert!(
            device.contains("HeadlessChrome"),
            "{label}: device {device:?}"
        );
    }
    let current = a.text(&a.find(r#"tr[data-current="true"] strong"#)?)?;
    assert_eq!(current, "This session", "{label}");
    let a_handle = rows
        .iter()
        .find(|r| r.1)
        .map(|r| r.0.clone())
        .ok_or("A's row")?;
    b.goto(&page)?;
    let rows_b = session_rows(&b)?;
    let mut handles: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut handles_b: Vec<&str> = rows_b.iter().map(|r| r.0.as_str()).collect();
    handles.sort_unstable();
    handles_b.sort_unstable();
    assert_eq!(handles, handles_b, "{label}: B lists the same sessions");
    let b_current: Vec<&str> = rows_b
        .iter()
        .filter(|r| r.1)
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(b_current.len(), 1, "{label}: {rows_b:?}");
    assert_ne!(b_current[0], a_handle, "{label}: B's own row is marked");
    screenshot(&a, &setup, &format!("{label}-two-sessions"))?;

    // A signs out the other session.
    a.click(&a.find(r#"tr[data-current="false"] button[type="submit"]"#)?)?;
    a.wait_until("the page listing A alone", |b| {
        Ok(rows_at(b, &page)? == Some(1))
    })?;
    assert_eq!(a.status()?, Some(200), "{label}: back on the page");
    let rows = session_rows(&a)?;
    assert_eq!(rows[0].0, a_handle, "{label}: {rows:?}");
    assert!(rows[0].1, "{label}: {rows:?}");
    screenshot(&a, &setup, &format!("{label}-other-signed-out"))?;
    assert_eq!(session_cookie(&a, mode)?, a_cookie, "{label}: A's cookie");
    a.goto(&me)?;
    assert_eq!(a.status()?, Some(200), "{label}: A still signed in");

    // B's next page load: 401, and its cookie is gone after it.
    assert_eq!(b.cookies()?.len(), 1, "{label}: B still holds its cookie");
    b.goto(&me)?;
    assert_eq!(b.status()?, Some(401), "{label}: B's next request");
    assert_eq!(
        b.cookies()?,
        [],
        "{label}: B's cookie after its next page load"
    );
    b.goto(&home)?;
    b.find(LOGIN_FORM)?;

    // B signs in again; A signs out everywhere: both end.
    sign_in(&b, "demo", "demo")?;
    b.wait_until("/me after B's second login", |b| at(b, &me, "strong"))?;
    a.goto(&page)?;
    assert_eq!(session_rows(&a)?.len(), 2, "{label}: B is back");
    a.click(&a.find(r#"form[action="/sessions/revoke-all"] button[type="submit"]"#)?)?;
    a.wait_until("the login form after signing out everywhere", |b| {
        at(b, &home, LOGIN_FORM)
    })?;
    assert_eq!(
        a.cookies()?,
        [],
        "{label}: A's cookie after signing out everywhere"
    );
    screenshot(&a, &setup, &format!("{label}-signed-out-everywhere"))?;
    a.goto(&me)?;
    assert_eq!(
        a.status()?,
        Some(401),
        "{label}: A after signing out everywhere"
    );
    assert_eq!(
        b.cookies()?.len(),
        1,
        "{label}: B's (dead) cookie, until its next load"
    );
    b.goto(&me)?;
    assert_eq!(
        b.status()?,
        Some(401),
        "{label}: B after signing out everywhere"
    );
    assert_eq!(
        b.cookies()?,
        [],
        "{label}: B's cookie after signing out everywhere"
    );

    eprintln!(
        "{label}: the sessions page in two Chromium profiles passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
