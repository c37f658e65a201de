//! Many requests at once: each sees its own user, the loader runs once per request, and
//! nothing is shared between requests by accident.

#[path = "support/common.rs"]
mod support;

use std::collections::HashSet;

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use session_axum::{Sessions, User};
use support::*;

fn app(sessions: Sessions<Me>) -> Router {
    Router::new()
        .route(
            "/me",
            get(|a: User<Me>, b: Option<User<Me>>| async move {
                tokio::task::yield_now().await;
                let b = b.map(|b| b.0.name).unwrap_or_default();
                assert_eq!(
                    a.name, b,
                    "two extractors of one request saw different users"
                );
                a.0.name
            }),
        )
        .with_state(sessions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_share_nothing() {
    const USERS: usize = 64;
    let store = Store::new();
    let app = app(sessions(&store));
    let tokens: Vec<_> = (0..USERS)
        .map(|i| store.login(&format!("user{i}")))
        .collect();

    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..4 {
        for (i, token) in tokens.iter().enumerate() {
            let app_ = app.clone();
            let cookie = cookie(token);
            tasks.spawn(async move {
                let answer = send(&app_, request_with_cookie("/me", &cookie)).await;
                (Some(i), answer.status, answer.body)
            });
            if i % 8 == round {
                // Interleave requests without a session: they must stay anonymous.
                let app = app.clone();
                tasks.spawn(async move {
                    let answer = send(&app, request("/me")).await;
                    (None, answer.status, answer.body)
                });
            }
        }
    }

    let mut seen = HashSet::new();
    let mut with_session = 0;
    while let Some(joined) = tasks.join_next().await {
        let (user, status, body) = joined.unwrap();
        match user {
            Some(i) => {
                assert_eq!(status, StatusCode::OK);
                assert_eq!(body, format!("user{i}"));
                seen.insert(i);
                with_session += 1;
            }
            None => assert_eq!(status, StatusCode::UNAUTHORIZED),
        }
    }
    assert_eq!(seen.len(), USERS);
    assert_eq!(
        store.calls(),
        with_session,
        "one load per request with a session"
    );
}
