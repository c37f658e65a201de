//! End to end: the real `example-axum` binary on an ephemeral loopback port, through the flow
//! both example sites share (`example_common::e2e`).

use example_common::e2e::{self, Site};

const BIN: &str = env!("CARGO_BIN_EXE_example-axum");
const PACKAGE: &str = "example-axum";

fn site() -> Site {
    Site::start(BIN, PACKAGE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow() {
    let site = site();
    e2e::the_whole_flow(&site).await;
}

/// The development cookie (`id`, no Secure) only with the flag, not for a loopback address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_with_insecure_dev_cookies() {
    let site = Site::start_with_flags(BIN, PACKAGE, &[example_common::INSECURE_DEV_COOKIES]);
    e2e::the_whole_flow(&site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_cookies_are_401_never_500() {
    let site = site();
    e2e::malformed_cookies_are_401_never_500(&site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_page_answers_while_the_database_is_locked() {
    let site = site();
    e2e::public_page_answers_while_the_database_is_locked(&site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_or_disabling_the_account_ends_its_sessions() {
    let site = site();
    e2e::deleting_or_disabling_the_account_ends_its_sessions(&site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_are_bounded() {
    let site = site();
    let (_, busy, _) = e2e::concurrent_logins_are_bounded(&site).await;
    assert!(busy > 0, "the hash bound was never reached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_attempts_are_throttled() {
    let site = site();
    e2e::login_attempts_are_throttled(&site).await;
}
