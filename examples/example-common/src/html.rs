//! The pages every example site serves, byte for byte the same, and the login form's fields.

use std::fmt;
use std::fmt::Write as _;

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
/// `username` and `password`), and `error` above it if given (it is HTML-escaped).
///
/// # Examples
///
/// ```
/// let page = example_common::page_anonymous(Some("Wrong user name or password."));
/// assert!(page.contains(r#"<form method="post" action="/login">"#));
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

/// The home page with a session: "Signed in as NAME", a link to the private page and the
/// logout button (`POST /logout`). `name` is HTML-escaped.
///
/// # Examples
///
/// ```
/// let page = example_common::page_signed_in("demo");
/// assert!(page.contains("Signed in as <strong>demo</strong>"));
/// assert!(page.contains(r#"<form method="post" action="/logout">"#));
/// ```
#[must_use]
pub fn page_signed_in(name: &str) -> String {
    let body = format!(
        "<h1>Welcome</h1>\n<p>Signed in as <strong>{}</strong>.</p>\n\
         <p><a href=\"/me\">Your private page</a></p>\n{LOGOUT_FORM}",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_leaves_the_password_out() {
        let form = Credentials {
            username: "demo".into(),
            password: "hunter2".into(),
        };
        let debug = format!("{form:?}");
        assert!(debug.contains("demo"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
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
    fn escape_passes_other_text_through() {
        assert_eq!(escape_html("Zoë 💡 plain"), "Zoë 💡 plain");
    }
}
