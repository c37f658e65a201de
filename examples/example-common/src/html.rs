//! The pages every example site serves, byte for byte the same, and the forms' fields.

use std::fmt;
use std::fmt::Write as _;

use serde::Deserialize as _;
use session_store::{Handle, ParseHandleError, Session};

use crate::User;

/// Escapes `text` for HTML element content and quoted attribute values: `&`, `<`, `>`, `"`
/// and `'`.
///
/// # Examples
///
/// ```
/// assert_eq!(
///     example_common::escape_html("<b>\"Tom\" & 'Jerry'</b>"),
///     "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;",
/// );
/// ```
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(256 + body.len());
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n</head>\n<body>\n{body}</body>\n</html>\n"
    );
    out
}

const LOGOUT_FORM: &str =
    "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Log out</button></form>\n";

/// The home page without a session: the login form (`POST /login` with the fields
/// `username` and `password`, and the checkbox "Keep me signed in", `remember`), and `error`
/// above it if given (it is HTML-escaped).
///
/// # Examples
///
/// ```
/// let page = example_common::page_anonymous(Some("Wrong user name or password."));
/// assert!(page.contains(r#"<form method="post" action="/login">"#));
/// assert!(page.contains(r#"<input name="remember" type="checkbox">"#));
/// assert!(page.contains("Wrong user name or password."));
/// ```
#[must_use]
pub fn page_anonymous(error: Option<&str>) -> String {
    let mut body = String::from("<h1>Sign in</h1>\n");
    if let Some(error) = error {
        let _ = writeln!(body, "<p role=\"alert\">{}</p>", escape_html(error));
    }
    body.push_str(
        "<form method=\"post\" action=\"/login\">\n\
         <label>User name <input name=\"username\" autocomplete=\"username\" required></label>\n\
         <label>Password <input name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required></label>\n\
         <label><input name=\"remember\" type=\"checkbox\"> Keep me signed in</label>\n\
         <button type=\"submit\">Sign in</button>\n\
         </form>\n\
         <p>Try <code>demo</code> / <code>demo</code>.</p>\n",
    );
    page("Sign in", &body)
}

/// The fields of the login form of [`page_anonymous`], as `POST /login` receives them
/// (`application/x-www-form-urlencoded`): read it with the framework's form extractor
/// (axum's `Form<Credentials>`, actix-web's `web::Form<Credentials>`). `Debug` leaves the
/// password out.
#[derive(serde::Deserialize)]
pub struct Credentials {
    /// The `username` field.
    pub username: String,
    /// The `password` field.
    pub password: String,
    /// The `remember` checkbox, "Keep me signed in": checked (sent, whatever its value; a
    /// browser sends `on`) asks for a persistent session cookie, unchecked (absent) for a
    /// browser-session cookie.
    #[serde(default, deserialize_with = "checked")]
    pub remember: bool,
}

/// A checkbox field that is present: checked, whatever its value.
fn checked<'de, D: serde::Deserializer<'de>>(field: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(field)?;
    Ok(true)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The home page (`GET /`): [`page_signed_in`] with a session, the login form
/// ([`page_anonymous`]) without one.
///
/// # Examples
///
/// ```
/// use example_common::{User, page_anonymous, page_home, page_signed_in};
///
/// let demo = User { id: 1, name: "demo".into() };
/// assert_eq!(page_home(Some(&demo)), page_signed_in("demo"));
/// assert_eq!(page_home(None), page_anonymous(None));
/// ```
#[must_use]
pub fn page_home(user: Option<&User>) -> String {
    match user {
        Some(user) => page_signed_in(&user.name),
        None => page_anonymous(None),
    }
}

/// The home page after a failed login: the login form under "Wrong username or password."
/// (sent with 401).
///
/// # Examples
///
/// ```
/// let page = example_common::page_login_failed();
/// assert_eq!(page, example_common::page_anonymous(Some("Wrong username or password.")));
/// ```
#[must_use]
pub fn page_login_failed() -> String {
    page_anonymous(Some("Wrong username or password."))
}

/// The home page with a session: "Signed in as NAME", links to the private page and to the
/// "your sessions" page ([`page_sessions`]), and the logout button (`POST /logout`). `name`
/// is HTML-escaped.
///
/// # Examples
///
/// ```
/// let page = example_common::page_signed_in("demo");
/// assert!(page.contains("Signed in as <strong>demo</strong>"));
/// assert!(page.contains(r#"<a href="/sessions">"#));
/// assert!(page.contains(r#"<form method="post" action="/logout">"#));
/// ```
#[must_use]
pub fn page_signed_in(name: &str) -> String {
    let body = format!(
        "<h1>Welcome</h1>\n<p>Signed in as <strong>{}</strong>.</p>\n\
         <p><a href=\"/me\">Your private page</a></p>\n\
         <p><a href=\"/sessions\">Your sessions</a></p>\n{LOGOUT_FORM}",
        escape_html(name)
    );
    page("Welcome", &body)
}

/// The private page (`/me`), only for signed-in users, with the logout button. `name` is
/// HTML-escaped.
///
/// # Examples
///
/// ```
/// let page = example_common::page_me("<script>");
/// assert!(page.contains("&lt;script&gt;"));
/// assert!(!page.contains("<script>"));
/// ```
#[must_use]
pub fn page_me(name: &str) -> String {
    let body = format!(
        "<h1>Private page</h1>\n<p>Only you can see this, <strong>{}</strong>.</p>\n\
         <p><a href=\"/\">Home</a></p>\n{LOGOUT_FORM}",
        escape_html(name)
    );
    page("Private page", &body)
}

/// The fields of the per-session "Sign out this session" form of [`page_sessions`]
/// (`POST /sessions/revoke`, `handle`: the session's non-secret [`Handle`]), for the
/// framework's form extractor.
#[derive(Debug, serde::Deserialize)]
pub struct RevokeForm {
    /// The `handle` field: the [`Handle`] in its text form (32 lowercase hex digits).
    pub handle: String,
}

impl RevokeForm {
    /// The handle the form names.
    ///
    /// # Errors
    ///
    /// [`ParseHandleError`] unless the field is exactly 32 lowercase hex digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_common::RevokeForm;
    ///
    /// let form = RevokeForm { handle: "ab".repeat(16) };
    /// assert_eq!(form.handle().map(|h| h.to_string()), Ok("ab".repeat(16)));
    /// assert!(RevokeForm { handle: "<script>".into() }.handle().is_err());
    /// ```
    pub fn handle(&self) -> Result<Handle, ParseHandleError> {
        self.handle.parse()
    }
}

/// The "your sessions" page (`GET /sessions`): every active session of the signed-in user
/// `name`, oldest first as `sessions` lists them (`Store::list`), each with its user agent
/// (the session's label, HTML-escaped: a User-Agent is whatever the client sent), when it
/// signed in and when it was last seen (UTC). The session whose handle is `current` is
/// marked "This session" (its row has `data-current="true"`); every other row has a "Sign
/// out this session" button (`POST /sessions/revoke` with its `handle`). Under the table:
/// "Sign out all other sessions" (`POST /sessions/revoke-others`), "Sign out everywhere"
/// (`POST /sessions/revoke-all`) and the logout button. `notice`, if given, is shown above
/// the table (HTML-escaped).
///
/// # Examples
///
/// ```
/// use example_common::page_sessions;
/// use session_store::{MemoryStore, Policy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::<i64>::in_memory(Policy::default());
/// let here = store.create_labeled(1, "Firefox <on> Linux").await?;
/// store.create_labeled(1, "curl/8.5").await?;
/// let current = store.load(&here).await?.ok_or("no session")?.handle;
/// let page = page_sessions("demo", &store.list(&1).await?, &current, None);
/// assert!(page.contains("Firefox &lt;on&gt; Linux"));
/// assert_eq!(page.matches("data-current=\"true\"").count(), 1);
/// assert_eq!(page.matches(r#"action="/sessions/revoke""#).count(), 1);
/// # Ok(()) }
/// ```
#[must_use]
pub fn page_sessions<U>(
    name: &str,
    sessions: &[Session<U>],
    current: &Handle,
    notice: Option<&str>,
) -> String {
    let mut body = format!(
        "<h1>Your sessions</h1>\n<p>Signed in as <strong>{}</strong> in {} {}.</p>\n",
        escape_html(name),
        sessions.len(),
        if sessions.len() == 1 {
            "session"
        } else {
            "sessions"
        },
    );
    if let Some(notice) = notice {
        let _ = writeln!(body, "<p role=\"status\">{}</p>", escape_html(notice));
    }
    body.push_str(
        "<table>\n<thead><tr><th>Device</th><th>Signed in</th><th>Last seen</th><th></th>\
         </tr></thead>\n<tbody>\n",
    );
    for session in sessions {
        let is_current = session.handle == *current;
        let label = session.label.as_deref().unwrap_or("unknown device");
        let _ = write!(
            body,
            "<tr data-handle=\"{handle}\" data-current=\"{is_current}\"><td class=\"device\">{}</td>\
             <td>{}</td><td>{}</td><td>",
            escape_html(label),
            utc(session.created_at),
            utc(session.last_seen_at),
            handle = session.handle,
        );
        if is_current {
            body.push_str("<strong>This session</strong>");
        } else {
            let _ = write!(
                body,
                "<form method=\"post\" action=\"/sessions/revoke\">\
                 <input type=\"hidden\" name=\"handle\" value=\"{}\">\
                 <button type=\"submit\">Sign out this session</button></form>",
                session.handle
            );
        }
        body.push_str("</td></tr>\n");
    }
    body.push_str(
        "</tbody>\n</table>\n\
         <form method=\"post\" action=\"/sessions/revoke-others\">\
         <button type=\"submit\">Sign out all other sessions</button></form>\n\
         <form method=\"post\" action=\"/sessions/revoke-all\">\
         <button type=\"submit\">Sign out everywhere</button></form>\n\
         <p><a href=\"/\">Home</a></p>\n",
    );
    body.push_str(LOGOUT_FORM);
    page("Your sessions", &body)
}

/// `unix` seconds as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian calendar).
fn utc(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Days to a civil date: Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_leaves_the_password_out() {
        let form = Credentials {
            username: "demo".into(),
            password: "hunter2".into(),
            remember: false,
        };
        let debug = format!("{form:?}");
        assert!(debug.contains("demo"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn remember_is_the_checkbox() {
        use serde::de::value::{Error, MapDeserializer};
        let read = |fields: &[(&'static str, &'static str)]| {
            let fields = MapDeserializer::<_, Error>::new(fields.iter().copied());
            Credentials::deserialize(fields).map(|form| form.remember)
        };
        let login = [("username", "demo"), ("password", "demo")];
        assert_eq!(read(&login), Ok(false));
        for value in ["on", "", "off"] {
            let fields = [login[0], login[1], ("remember", value)];
            assert_eq!(read(&fields), Ok(true), "remember={value}");
        }
    }

    const NASTY: &str = "<script>alert('x')</script>\"&";

    #[test]
    fn names_are_escaped_everywhere() {
        for page in [
            page_signed_in(NASTY),
            page_me(NASTY),
            page_anonymous(Some(NASTY)),
        ] {
            assert!(!page.contains("<script>"), "{page}");
            assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"));
        }
    }

    #[test]
    fn login_form_has_the_shared_field_names() {
        let page = page_anonymous(None);
        assert!(page.contains("<form method=\"post\" action=\"/login\">"));
        assert!(page.contains("name=\"username\""));
        assert!(page.contains("name=\"password\" type=\"password\""));
        assert!(page.contains("type=\"submit\""));
        assert!(!page.contains("role=\"alert\""));
        assert!(page_anonymous(Some("nope")).contains("<p role=\"alert\">nope</p>"));
    }

    #[test]
    fn signed_in_pages_have_logout() {
        for page in [page_signed_in("demo"), page_me("demo")] {
            assert!(page.contains("<form method=\"post\" action=\"/logout\">"));
        }
        assert!(page_signed_in("demo").contains("Signed in as <strong>demo</strong>"));
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(utc(4_102_444_799), "2099-12-31 23:59:59 UTC");
    }

    #[tokio::test]
    async fn sessions_page_escapes_labels_and_marks_the_current_one() {
        use session_store::{MemoryStore, Policy};
        let store = MemoryStore::<i64>::in_memory(Policy::default());
        let here = store.create_labeled(1, NASTY).await.unwrap();
        store.create(1).await.unwrap();
        let other = store.create_labeled(1, "curl/8.5").await.unwrap();
        let current = store.load(&here).await.unwrap().unwrap().handle;
        let sessions = store.list(&1).await.unwrap();
        let page = page_sessions(NASTY, &sessions, &current, Some(NASTY));
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("in 3 sessions"), "{page}");
        assert!(page.contains("unknown device"), "{page}");
        assert_eq!(page.matches("data-current=\"true\"").count(), 1);
        assert_eq!(page.matches("data-current=\"false\"").count(), 2);
        assert_eq!(page.matches("Sign out this session").count(), 2);
        // The buttons name the other sessions' handles, never a token.
        let other = store.load(&other).await.unwrap().unwrap().handle;
        assert!(page.contains(&format!("name=\"handle\" value=\"{other}\"")));
        assert!(!page.contains(&format!("name=\"handle\" value=\"{current}\"")));
        assert!(!page.contains(here.encode().as_str()));
        for action in ["/sessions/revoke-others", "/sessions/revoke-all", "/logout"] {
            assert!(page.contains(&format!("action=\"{action}\"")), "{action}");
        }
        let one = page_sessions("demo", &sessions[..1], &current, None);
        assert!(one.contains("in 1 session."), "{one}");
        assert!(!one.contains("role=\"status\""));
    }

    #[test]
    fn escape_passes_other_text_through() {
        assert_eq!(escape_html("Zoë 💡 plain"), "Zoë 💡 plain");
    }
}
