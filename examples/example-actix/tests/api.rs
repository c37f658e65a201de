//! The JSON API with bearer tokens, end to end over loopback against the real binary
//! (`example_common::e2e::the_api_with_a_bearer_token`, which example-axum runs too).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_with_a_bearer_token() {
    let site =
        example_common::e2e::Site::start(env!("CARGO_BIN_EXE_example-actix"), "example-actix");
    example_common::e2e::the_api_with_a_bearer_token(&site).await;
}
