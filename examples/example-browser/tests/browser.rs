//! The example sites in headless Chromium: the whole login flow under a real browser's
//! cookie rules, checked through the browser's own cookie store; and forms forged by pages
//! on other origins (cross-site request forgery), refused.
//!
//! Ignored by default: they need Chromium, chromedriver and the built sites. `cargo xtask
//! e2e` builds the sites, sets `SESSIONKIT_EXAMPLE_AXUM` / `SESSIONKIT_EXAMPLE_ACTIX` and
//! runs them with `--ignored`. Test names start with the site, so a filter picks a site.

use std::net::SocketAddr;
use std::time::Instant;

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

const LOGIN_FORM: &str = r#"form[action="/login"]"#;
const LOGOUT_BUTTON: &str = r#"form[action="/logout"] button[type="submit"]"#;

/// Fills the login form on the current page and submits it with a click.
fn sign_in(browser: &Browser, username: &str, password: &str) -> Result {
    browser.send_keys(&browser.find(r#"input[name="username"]"#)?, username)?;
    browser.send_keys(&browser.find(r#"input[name="password"]"#)?, password)?;
    browser.click(&browser.find(&format!("{LOGIN_FORM} button[type=\"submit\"]"))?)
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

    // Log in again: a new token.
    browser.goto(&home)?;
    sign_in(&browser, "demo", "demo")?;
    browser.wait_until("/me after the second login", |b| at(b, &me, "strong"))?;
    let second = session_cookie(&browser, mode)?;
    assert_ne!(second.value, first.value, "{label}: a new token on login");
    assert!(second.http_only, "{label}: {second:?}");

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
