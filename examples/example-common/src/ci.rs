//! Whether the process runs under CI, by the rule `cargo xtask` uses.

use std::ffi::OsStr;

/// Whether this process runs under CI: `CI` is set to anything but empty, `0` or `false` (in
/// any case), the rule of `cargo xtask` (`.ci/run` sets `CI=true`). Under CI a test that
/// cannot run (no browser, no `redis-server`) fails instead of being skipped with a notice.
///
/// # Examples
///
/// ```
/// if !example_common::under_ci() {
///     eprintln!("note: SKIPPED: the tool this test needs is not installed");
/// }
/// ```
#[must_use]
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| ci_is_on(&value))
}

/// The rule of [`under_ci`] on the value of `CI`.
fn ci_is_on(value: &OsStr) -> bool {
    !(value.is_empty() || value == "0" || value.eq_ignore_ascii_case("false"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_on_unless_empty_zero_or_false() {
        for on in ["true", "1", "yes", "TRUE", "woodpecker", " ", "00"] {
            assert!(ci_is_on(OsStr::new(on)), "{on:?}");
        }
        for off in ["", "0", "false", "False", "FALSE", "fAlSe"] {
            assert!(!ci_is_on(OsStr::new(off)), "{off:?}");
        }
    }
}
