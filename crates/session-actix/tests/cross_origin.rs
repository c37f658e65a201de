//! What the conformance table cannot say about `RequireSameOrigin`: actix-web specifics.

use actix_web::dev::Service as _;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, web};
use session_actix::{
    CrossOrigin, CrossOriginRefusal, RejectionReason, RequireSameOrigin, SessionRejection,
};

/// `HttpServer::new` wants a `Send + Clone` factory: one middleware, built once, cloned into
/// every worker's `App`.
#[test]
fn the_middleware_can_be_built_once_for_every_worker() {
    fn shareable<T: Send + Sync + Clone + 'static>(_: &T) {}
    shareable(&RequireSameOrigin::new(CrossOrigin::new()));
}

#[actix_web::test]
async fn a_refusal_is_the_responses_error_for_outer_middleware() {
    let app = init_service(
        App::new()
            .wrap(RequireSameOrigin::default())
            .route("/login", web::post().to(|| async { "signed in" })),
    )
    .await;
    let request = TestRequest::post()
        .uri("/login")
        .insert_header(("sec-fetch-site", "cross-site"))
        .to_request();
    let response = app.call(request).await.expect("a response, not an Err");
    assert_eq!(response.status(), 403);
    let error = response
        .response()
        .error()
        .expect("the rejection as the error");
    let rejection = error
        .as_error::<SessionRejection>()
        .expect("a SessionRejection");
    assert_eq!(
        rejection.reason(),
        RejectionReason::CrossOrigin(CrossOriginRefusal::SecFetchSite)
    );
}
