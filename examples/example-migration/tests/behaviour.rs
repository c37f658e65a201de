//! Each app of the guide run in process, before and after, through the same scenarios: the
//! two sides of each framework must answer the same, except where the guide says they differ
//! (and then the test pins the difference).

use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::cookie::Key;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test as actix_test, web};
use axum::Router;
use axum::body::Body;
use tower::ServiceExt as _;

use example_migration::accounts::{Accounts, DEMO_PASSWORD, DEMO_USER};
use example_migration::{actix_after, actix_before, axum_after, axum_before};

const LOGIN: &str = "username=alice&password=wonderland";
const WRONG_LOGIN: &str = "username=alice&password=guess";

/// A browser's cookie jar, for one host: the last value per name; a `Set-Cookie` with an
/// empty value or `Max-Age=0` removes the cookie.
#[derive(Debug, Clone, Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn store(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        let expired = parts.any(|attr| attr.trim().eq_ignore_ascii_case("max-age=0"));
        self.0.retain(|(n, _)| n != name);
        if !value.is_empty() && !expired {
            self.0.push((name.to_owned(), value.to_owned()));
        }
    }

    fn header(&self) -> Option<String> {
        let pairs: Vec<String> = self.0.iter().map(|(n, v)| format!("{n}={v}")).collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A response, as the scenarios compare them.
#[derive(Debug)]
struct Reply {
    status: u16,
    body: String,
    set_cookies: Vec<String>,
}

impl Reply {
    fn answer(&self) -> (u16, &str) {
        (self.status, &self.body)
    }
}

/// A browser on one app: sends a request with its cookies, keeps the cookies it is sent.
trait Client: Sized {
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply;

    fn jar(&mut self) -> &mut Jar;

    /// Another browser on the same app, with no cookies.
    fn device(&self) -> Self;

    async fn get(&mut self, path: &str) -> Reply {
        self.send("GET", path, None, &[]).await
    }

    async fn post(&mut self, path: &str, form: &str) -> Reply {
        self.send("POST", path, Some(form), &[]).await
    }
}

struct AxumClient {
    app: Router,
    jar: Jar,
}

impl AxumClient {
    fn new(app: Router) -> Self {
        Self {
            app,
            jar: Jar::default(),
        }
    }
}

impl Client for AxumClient {
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = axum::http::Request::builder().method(method).uri(path);
        if let Some(cookie) = self.jar.header() {
            request = request.header("cookie", cookie);
        }
        if form.is_some() {
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Body::from(form.unwrap_or_default().to_owned()))
            .expect("a valid request");
        let Ok(response) = self.app.clone().oneshot(request).await;
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().expect("a visible-ASCII Set-Cookie").to_owned())
            .collect();
        for set_cookie in &set_cookies {
            self.jar.store(set_cookie);
        }
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .expect("a body under 64 KiB");
        Reply {
            status,
            body: String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
            set_cookies,
        }
    }

    fn jar(&mut self) -> &mut Jar {
        &mut self.jar
    }

    fn device(&self) -> Self {
        Self::new(self.app.clone())
    }
}

struct ActixClient<S> {
    app: Rc<S>,
    jar: Jar,
}

impl<S> ActixClient<S> {
    fn new(app: S) -> Self {
        Self {
            app: Rc::new(app),
            jar: Jar::default(),
        }
    }
}

impl<S, B> Client for ActixClient<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = actix_test::TestRequest::default().method(method).uri(path);
        if let Some(cookie) = self.jar.header() {
            request = request.insert_header(("cookie", cookie));
        }
        if let Some(form) = form {
            request = request
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(form.to_owned());
        }
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let response = actix_test::call_service(&*self.app, request.to_request()).await;
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .map(|v| v.to_str().expect("a visible-ASCII Set-Cookie").to_owned())
            .collect();
        for set_cookie in &set_cookies {
            self.jar.store(set_cookie);
        }
        let status = response.status().as_u16();
        let body = actix_test::read_body(response).await;
        Reply {
            status,
            body: String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
            set_cookies,
        }
    }

    fn jar(&mut self) -> &mut Jar {
        &mut self.jar
    }

    fn device(&self) -> Self {
        Self {
            app: Rc::clone(&self.app),
            jar: Jar::default(),
        }
    }
}

/// Login, authenticated requests, logout, 401 after logout, and a new login with fresh
/// session data. Returns the cookies the browser held while signed in the first time.
async fn login_me_logout(client: &mut impl Client) -> Jar {
    assert_eq!(client.get("/me").await.status, 401, "no session yet");
    assert_eq!(client.post("/login", WRONG_LOGIN).await.status, 401);
    assert!(
        client.jar().is_empty(),
        "a failed login sets no session cookie"
    );

    assert_eq!(
        client.post("/login", LOGIN).await.answer(),
        (200, "welcome, alice")
    );
    let signed_in = client.jar().clone();
    assert!(!signed_in.is_empty(), "the login set a session cookie");
    assert_eq!(client.get("/me").await.answer(), (200, "alice, visit 1"));
    assert_eq!(client.get("/me").await.answer(), (200, "alice, visit 2"));

    assert_eq!(client.post("/logout", "").await.answer(), (200, "bye"));
    assert!(
        client.jar().is_empty(),
        "logout removed the cookie: {:?}",
        client.jar()
    );
    assert_eq!(client.get("/me").await.status, 401, "401 after logout");
    assert_eq!(
        client.post("/logout", "").await.answer(),
        (200, "bye"),
        "logout twice"
    );

    assert_eq!(
        client.post("/login", LOGIN).await.answer(),
        (200, "welcome, alice")
    );
    assert_eq!(
        client.get("/me").await.answer(),
        (200, "alice, visit 1"),
        "fresh session data"
    );
    signed_in
}

/// The cookies of an ended session sent again (copied before the logout).
async fn replay(client: &impl Client, cookies: Jar) -> u16 {
    let mut thief = client.device();
    *thief.jar() = cookies;
    thief.get("/me").await.status
}

/// A logged-in browser opens a sibling subdomain's page (same site, another origin: the
/// `SameSite` cookie goes along) that posts a form to `/logout`. Returns its status and
/// whether the browser is still signed in.
async fn forged_logout(client: &mut impl Client) -> (u16, bool) {
    assert_eq!(client.post("/login", LOGIN).await.status, 200);
    let forged = client
        .send(
            "POST",
            "/logout",
            Some(""),
            &[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://evil.example.com"),
            ],
        )
        .await;
    (forged.status, client.get("/me").await.status == 200)
}

/// The Set-Cookie of a login, its attributes lower-cased, without the value.
async fn login_cookie(client: &mut impl Client) -> (String, Vec<String>) {
    let reply = client.post("/login", LOGIN).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.set_cookies.len(), 1, "one Set-Cookie");
    let mut parts = reply.set_cookies[0].split(';');
    let name = parts
        .next()
        .and_then(|p| p.split_once('='))
        .map(|(n, _)| n.to_owned())
        .expect("a name=value pair");
    let attrs = parts.map(|a| a.trim().to_ascii_lowercase()).collect();
    (name, attrs)
}

fn has(attrs: &[String], prefix: &str) -> bool {
    attrs.iter().any(|a| a.starts_with(prefix))
}

async fn actix_before() -> ActixClient<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    let accounts = web::Data::new(Accounts::with_demo_user());
    ActixClient::new(actix_test::init_service(actix_before::app(accounts, Key::generate())).await)
}

async fn actix_after() -> ActixClient<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    let shared = actix_after::Shared::new(Accounts::with_demo_user());
    ActixClient::new(actix_test::init_service(actix_after::app(shared)).await)
}

#[tokio::test]
async fn axum_login_authenticated_request_logout_and_401_after() {
    for app in [
        axum_before::app(Accounts::with_demo_user()),
        axum_after::app(Accounts::with_demo_user()),
    ] {
        let mut client = AxumClient::new(app);
        let ended = login_me_logout(&mut client).await;
        // tower-sessions deletes the session in its store: a copied cookie is dead too.
        assert_eq!(replay(&client, ended).await, 401);
    }
}

#[actix_web::test]
async fn actix_login_authenticated_request_logout_and_401_after() {
    let mut before = actix_before().await;
    let ended = login_me_logout(&mut before).await;
    // CookieSessionStore keeps the session in the cookie: logging out removes the cookie
    // from this browser, but a copy of it still signs in.
    assert_eq!(replay(&before, ended).await, 200);

    let mut after = actix_after().await;
    let ended = login_me_logout(&mut after).await;
    assert_eq!(replay(&after, ended).await, 401, "revoked in the store");
}

#[tokio::test]
async fn axum_password_change_signs_out_the_other_sessions() {
    for app in [
        axum_before::app(Accounts::with_demo_user()),
        axum_after::app(Accounts::with_demo_user()),
    ] {
        let mut laptop = AxumClient::new(app);
        let mut phone = laptop.device();
        assert_eq!(laptop.post("/login", LOGIN).await.status, 200);
        assert_eq!(phone.post("/login", LOGIN).await.status, 200);
        assert_eq!(laptop.get("/me").await.answer(), (200, "alice, visit 1"));

        let changed = laptop.post("/password", "password=looking-glass").await;
        assert_eq!(changed.answer(), (200, "password changed"));
        assert_eq!(
            phone.get("/me").await.status,
            401,
            "the other session ended"
        );
        assert_eq!(
            laptop.get("/me").await.answer(),
            (200, "alice, visit 2"),
            "this one kept, with its data"
        );

        let mut fresh = laptop.device();
        assert_eq!(
            fresh.post("/login", LOGIN).await.status,
            401,
            "old password"
        );
        let new_login = format!("username={DEMO_USER}&password=looking-glass");
        assert_eq!(fresh.post("/login", &new_login).await.status, 200);
    }
    assert_ne!(DEMO_PASSWORD, "looking-glass");
}

#[tokio::test]
async fn axum_after_rotates_the_token_on_a_password_change() {
    let mut client = AxumClient::new(axum_after::app(Accounts::with_demo_user()));
    assert_eq!(client.post("/login", LOGIN).await.status, 200);
    let old = client.jar().clone();
    assert_eq!(
        client
            .post("/password", "password=looking-glass")
            .await
            .status,
        200
    );
    assert_ne!(client.jar().header(), old.header(), "a new token");
    assert_eq!(replay(&client, old).await, 401, "the old token is dead");
    assert_eq!(client.get("/me").await.status, 200);
}

#[tokio::test]
async fn axum_forged_logout_from_a_sibling_subdomain() {
    let mut before = AxumClient::new(axum_before::app(Accounts::with_demo_user()));
    assert_eq!(
        forged_logout(&mut before).await,
        (200, false),
        "before: signed out by another site"
    );
    let mut after = AxumClient::new(axum_after::app(Accounts::with_demo_user()));
    assert_eq!(
        forged_logout(&mut after).await,
        (403, true),
        "after: refused"
    );
}

#[actix_web::test]
async fn actix_forged_logout_from_a_sibling_subdomain() {
    let mut before = actix_before().await;
    assert_eq!(
        forged_logout(&mut before).await,
        (200, false),
        "before: signed out by another site"
    );
    let mut after = actix_after().await;
    assert_eq!(
        forged_logout(&mut after).await,
        (403, true),
        "after: refused"
    );
}

#[tokio::test]
async fn axum_cookie_defaults() {
    let (name, attrs) = login_cookie(&mut AxumClient::new(axum_before::app(
        Accounts::with_demo_user(),
    )))
    .await;
    assert_eq!(name, "id");
    for attr in [
        "secure",
        "httponly",
        "samesite=strict",
        "path=/",
        "max-age=1800",
    ] {
        assert!(has(&attrs, attr), "before: {attr} in {attrs:?}");
    }
    assert!(!has(&attrs, "domain"), "before: no domain in {attrs:?}");

    let (name, attrs) = login_cookie(&mut AxumClient::new(axum_after::app(
        Accounts::with_demo_user(),
    )))
    .await;
    assert_eq!(name, "__Host-id");
    for attr in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(has(&attrs, attr), "after: {attr} in {attrs:?}");
    }
    for attr in ["domain", "max-age", "expires"] {
        assert!(!has(&attrs, attr), "after: no {attr} in {attrs:?}");
    }
}

#[actix_web::test]
async fn actix_cookie_defaults() {
    let (name, attrs) = login_cookie(&mut actix_before().await).await;
    assert_eq!(name, "id");
    for attr in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(has(&attrs, attr), "before: {attr} in {attrs:?}");
    }
    for attr in ["domain", "max-age", "expires"] {
        assert!(!has(&attrs, attr), "before: no {attr} in {attrs:?}");
    }

    let (name, attrs) = login_cookie(&mut actix_after().await).await;
    assert_eq!(name, "__Host-id");
    for attr in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(has(&attrs, attr), "after: {attr} in {attrs:?}");
    }
    for attr in ["domain", "max-age", "expires"] {
        assert!(!has(&attrs, attr), "after: no {attr} in {attrs:?}");
    }
}
