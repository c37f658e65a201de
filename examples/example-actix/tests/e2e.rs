//! End to end: the real `example-actix` binary on an ephemeral loopback port, through the
//! checks every example site shares (`example_common::e2e`), one test each.

example_common::site_tests!(env!("CARGO_BIN_EXE_example-actix"), "example-actix");
