//! The JSON API with bearer tokens ([`crate::api`]), end to end.

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};

use super::{Site, bare_client, client, cookie_header, form, get, header, post_form, send, text};

/// `POST /api/login` as an API client does: the token from the JSON body.
async fn api_login(site: &Site, user: &str, password: &str) -> String {
    let res = post_form(&bare_client(), site, "/api/login", form(user, password)).await;
    assert_eq!(res.status(), StatusCode::OK, "POST /api/login");
    assert!(
        res.headers().get(SET_COOKIE).is_none(),
        "a bearer login sets no cookie"
    );
    assert_eq!(header(&res, CACHE_CONTROL), "no-store");
    assert_eq!(header(&res, CONTENT_TYPE), crate::API_CONTENT_TYPE);
    let body = text(res).await;
    let token = body
        .strip_prefix(r#"{"token":""#)
        .and_then(|rest| rest.strip_suffix(r#""}"#))
        .unwrap_or_else(|| panic!("not a token answer: {body}"));
    assert_eq!(token.len(), 43, "a 32-byte token, base64url");
    token.to_owned()
}

/// `GET path` with one `Authorization` value (and an optional `Cookie`), no cookie store.
async fn get_with(
    site: &Site,
    path: &str,
    authorization: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = bare_client()
        .get(site.url(path))
        .header(AUTHORIZATION, authorization);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    send(request).await
}

/// The API: a login answers a token in JSON and no cookie; `GET /api/me` with
/// `Authorization: Bearer` answers the user (the scheme in any case) and the HTML pages see
/// the same session; malformed headers, a second credential and a cookie of another session
/// beside the header are 401; `POST /api/logout` deletes the session, after which the token
/// is 401 everywhere. Runs over loopback against the real binary.
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
/// example_common::e2e::the_api_with_a_bearer_token(&site).await;
/// # }
/// ```
pub async fn the_api_with_a_bearer_token(site: &Site) {
    // Wrong credentials: 401, no token, no cookie.
    let res = post_form(&bare_client(), site, "/api/login", form("demo", "wrong")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(SET_COOKIE).is_none());

    // Without a header, or with one that is not exactly `Bearer <token>`: 401.
    let res = send(bare_client().get(site.url("/api/me"))).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let token = api_login(site, "demo", "demo").await;
    let bearer = format!("Bearer {token}");
    for bad in [
        token.clone(),
        format!("Basic {token}"),
        format!("Bearer {token} x"),
        format!("Bearer {token}, {bearer}"),
        format!("Bearer {}", &token[..42]),
        "Bearer".to_owned(),
    ] {
        let res = get_with(site, "/api/me", &bad, None).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "Authorization: {bad}"
        );
    }
    let res = send(
        bare_client()
            .get(site.url("/api/me"))
            .header(AUTHORIZATION, &bearer)
            .header(AUTHORIZATION, &bearer),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "two Authorization headers"
    );

    // The token: the user, as JSON, not cacheable; the scheme in any case.
    for value in [
        bearer.clone(),
        format!("bearer {token}"),
        format!("BEARER  {token}"),
    ] {
        let res = get_with(site, "/api/me", &value, None).await;
        assert_eq!(res.status(), StatusCode::OK, "Authorization: {value}");
        assert_eq!(header(&res, CONTENT_TYPE), crate::API_CONTENT_TYPE);
        assert_eq!(header(&res, CACHE_CONTROL), "no-store");
        assert_eq!(text(res).await, r#"{"name":"demo"}"#);
    }
    // The same session for the HTML pages.
    let res = get_with(site, "/me", &bearer, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(text(res).await.contains("demo"));

    // A browser session beside it: the cookie of another session and the header disagree,
    // so neither counts; the same session by both is fine.
    let (browser, jar) = client();
    let res = post_form(&browser, site, "/login", form("demo", "demo")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_header(&jar, site).expect("the browser's session cookie");
    let res = get_with(site, "/api/me", &bearer, Some(&cookie)).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "cookie and header of two sessions"
    );
    assert!(
        res.headers().get(SET_COOKIE).is_none(),
        "the cookie may be live: not removed because a bearer token of another session came"
    );
    let name = if site.insecure_dev_cookies {
        "id"
    } else {
        "__Host-id"
    };
    let same = format!("{name}={token}");
    let res = get_with(site, "/api/me", &bearer, Some(&same)).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "cookie and header of one session"
    );
    let res = get(&browser, site, "/me").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the browser's own session is untouched"
    );

    // Logout: the session is deleted in the store; the token is 401 from then on.
    let res = send(
        bare_client()
            .post(site.url("/api/logout"))
            .header(AUTHORIZATION, &bearer),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(
        res.headers().get(SET_COOKIE).is_none(),
        "no cookie to remove"
    );
    let res = get_with(site, "/api/me", &bearer, None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = get(&browser, site, "/me").await;
    assert_eq!(res.status(), StatusCode::OK, "other sessions stay");
    let res = send(bare_client().post(site.url("/api/logout"))).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "logout needs a session"
    );
}
