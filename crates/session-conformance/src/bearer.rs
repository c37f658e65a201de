//! The bearer-token rows: `Authorization: Bearer <token>` for configurations that opted in
//! (`Sessions::with_bearer`), and ignored for those that did not. The rules are
//! `session_cookie::bearer`'s.

use session_cookie::CrossOriginRefusal;

use crate::scenario::{Route, Scenario, SetCookieRule};
use crate::{KnownToken, LOADER_FAILED_BODY, NO_SESSION_BODY};

/// `Bearer <token>` for a known token.
fn bearer(token: KnownToken) -> Vec<u8> {
    format!("Bearer {}", token.encoded()).into_bytes()
}

/// The rows; every one sends its `Authorization` headers as [`Scenario::authorization`].
#[must_use]
#[allow(clippy::too_many_lines)] // a table
pub(crate) fn rows() -> Vec<Scenario> {
    use KnownToken::{Ada, Bob, Failing, Unknown};
    use Route::{ApiLogin, Guarded, Logout, Many, Maybe, Token, User};

    let a = Ada.encoded();
    let ada = Ada.pair();
    let base = |name, route, cookies: Vec<Vec<u8>>, authorization: Vec<Vec<u8>>| Scenario {
        name,
        before: Vec::new(),
        method: "GET",
        route,
        cookies,
        authorization,
        bearer: true,
        max_age_template: false,
        headers: Vec::new(),
        expect_status: 200,
        expect_body: "user ada",
        expect_loader_calls: 1,
        expect_set_cookie: SetCookieRule::None,
        expect_new_bearer: false,
        expect_deleted: Vec::new(),
        expect_kept: Vec::new(),
        expect_refusal: None,
    };
    let header = |name, value: Vec<u8>| base(name, User, vec![], vec![value]);
    let refused = |name, value: Vec<u8>| Scenario {
        expect_status: 401,
        expect_body: NO_SESSION_BODY,
        expect_loader_calls: 0,
        ..header(name, value)
    };
    let text = |value: String| value.into_bytes();

    vec![
        // The header alone.
        header("bearer: header only", bearer(Ada)),
        header("bearer: lowercase scheme", text(format!("bearer {a}"))),
        header("bearer: upper-case scheme", text(format!("BEARER {a}"))),
        header(
            "bearer: two spaces after the scheme",
            text(format!("Bearer  {a}")),
        ),
        refused("bearer: no scheme", text(a.clone())),
        refused("bearer: another scheme", text(format!("Basic {a}"))),
        refused("bearer: the scheme alone", text("Bearer".to_owned())),
        refused(
            "bearer: no space after the scheme",
            text(format!("Bearer{a}")),
        ),
        refused(
            "bearer: a tab after the scheme",
            text(format!("Bearer\t{a}")),
        ),
        refused("bearer: trailing data", text(format!("Bearer {a} x"))),
        refused(
            "bearer: a second credential",
            text(format!("Bearer {a}, Bearer {a}")),
        ),
        refused("bearer: padded token", text(format!("Bearer {a}="))),
        refused(
            "bearer: token of the wrong length",
            text(format!("Bearer {}", &a[..42])),
        ),
        refused(
            "bearer: token of another proxy's length",
            text(format!("Bearer {a}{}", &a[..22])),
        ),
        Scenario {
            expect_status: 401,
            expect_body: NO_SESSION_BODY,
            expect_loader_calls: 0,
            ..base(
                "bearer: two headers",
                User,
                vec![],
                vec![bearer(Ada), bearer(Ada)],
            )
        },
        Scenario {
            expect_status: 401,
            expect_body: NO_SESSION_BODY,
            ..header("bearer: unknown token", bearer(Unknown))
        },
        Scenario {
            expect_status: 500,
            expect_body: LOADER_FAILED_BODY,
            ..header("bearer: loader error", bearer(Failing))
        },
        // Cookie and header together.
        base(
            "bearer: cookie and header, the same token",
            User,
            vec![ada.clone().into_bytes()],
            vec![bearer(Ada)],
        ),
        Scenario {
            expect_status: 401,
            expect_body: NO_SESSION_BODY,
            expect_loader_calls: 0,
            ..base(
                "bearer: cookie and header, different tokens",
                User,
                vec![ada.clone().into_bytes()],
                vec![bearer(Bob)],
            )
        },
        base(
            "bearer: cookie beside another scheme",
            User,
            vec![ada.clone().into_bytes()],
            vec![text("Basic dXNlcjpwYXNz".to_owned())],
        ),
        base(
            "bearer: cookie beside a malformed header",
            User,
            vec![ada.clone().into_bytes()],
            vec![text(format!("Bearer {a} x"))],
        ),
        base("bearer: cookie alone", User, vec![ada.into_bytes()], vec![]),
        // Not opted in: the header is ignored.
        Scenario {
            bearer: false,
            ..refused("bearer: header ignored when not opted in", bearer(Ada))
        },
        Scenario {
            bearer: false,
            expect_status: 401,
            expect_body: NO_SESSION_BODY,
            expect_loader_calls: 0,
            ..base(
                "bearer: token extractor ignores the header when not opted in",
                Token,
                vec![],
                vec![bearer(Ada)],
            )
        },
        // Every extractor and the guard honour it.
        Scenario {
            expect_body: "some ada",
            ..base("bearer: optional user", Maybe, vec![], vec![bearer(Ada)])
        },
        Scenario {
            expect_body: "none",
            expect_loader_calls: 0,
            ..base(
                "bearer: optional user, malformed header",
                Maybe,
                vec![],
                vec![text(format!("Bearer {a} x"))],
            )
        },
        Scenario {
            expect_body: "ada ada ada",
            ..base(
                "bearer: many extractors, one load",
                Many,
                vec![],
                vec![bearer(Ada)],
            )
        },
        Scenario {
            expect_body: "guarded ada",
            ..base("bearer: guarded", Guarded, vec![], vec![bearer(Ada)])
        },
        Scenario {
            expect_status: 401,
            expect_body: NO_SESSION_BODY,
            expect_loader_calls: 0,
            ..base(
                "bearer: guarded, malformed header",
                Guarded,
                vec![],
                vec![text(format!("Basic {a}"))],
            )
        },
        Scenario {
            expect_body: "token Ada",
            expect_loader_calls: 0,
            ..base("bearer: token extractor", Token, vec![], vec![bearer(Ada)])
        },
        // Starting: the token in the body, never a cookie; ending: the app's delete.
        Scenario {
            method: "POST",
            expect_body: "",
            expect_loader_calls: 0,
            expect_new_bearer: true,
            ..base(
                "bearer: start returns the token, no cookie",
                ApiLogin,
                vec![],
                vec![],
            )
        },
        Scenario {
            method: "POST",
            expect_body: "",
            expect_loader_calls: 0,
            expect_new_bearer: true,
            expect_deleted: vec![Ada],
            ..base(
                "bearer: start rotates the presented token",
                ApiLogin,
                vec![],
                vec![bearer(Ada)],
            )
        },
        Scenario {
            before: vec![Logout],
            expect_status: 401,
            expect_body: NO_SESSION_BODY,
            expect_deleted: vec![Ada],
            ..header("bearer: after the app deleted the session", bearer(Ada))
        },
        // The cross-origin guard is credential-blind.
        Scenario {
            method: "POST",
            headers: vec![
                ("host", "app.example.com"),
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            expect_status: 403,
            expect_body: crate::CROSS_ORIGIN_BODY,
            expect_loader_calls: 0,
            expect_kept: vec![Ada],
            expect_refusal: Some(CrossOriginRefusal::SecFetchSite),
            ..base(
                "bearer: a cross-site POST is refused by the guard all the same",
                ApiLogin,
                vec![],
                vec![bearer(Ada)],
            )
        },
        Scenario {
            method: "POST",
            headers: vec![("host", "app.example.com")],
            expect_body: "",
            expect_loader_calls: 0,
            expect_new_bearer: true,
            expect_deleted: vec![Ada],
            ..base(
                "bearer: a POST from an API client (no browser headers) passes the guard",
                ApiLogin,
                vec![],
                vec![bearer(Ada)],
            )
        },
    ]
}
