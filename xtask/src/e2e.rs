//! `cargo xtask e2e`: the example sites in headless Chromium.

use std::env;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cmd::{self, Result, cargo, cargo_output, nextest_command, project_root, under_ci};

/// Chromium and chromedriver where Debian's `chromium` and `chromium-driver` packages put
/// them (`.ci/run` installs them on a fresh CI machine).
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The sites `e2e` drives: package, test-name filter, variable naming the binary. Every one
/// must be a workspace package: a renamed or removed site fails the task.
const SITES: [(&str, &str, &str); 2] = [
    ("example-axum", "axum_", "SESSIONKIT_EXAMPLE_AXUM"),
    ("example-actix", "actix_", "SESSIONKIT_EXAMPLE_ACTIX"),
];

/// Builds the example sites and drives each in headless Chromium (`example-browser`, whose
/// tests are `#[ignore]`d so that `test` does not run them). Without Chromium or
/// chromedriver: a notice, or a failure under CI.
pub(crate) fn run() -> Result {
    let started = Instant::now();
    // First, so that a site missing from the workspace fails even where Chromium is absent.
    let metadata = cargo_output(&["metadata", "--no-deps", "--format-version", "1", "--locked"])?;
    let missing_sites: Vec<&str> = SITES
        .iter()
        .map(|(package, ..)| *package)
        .filter(|package| !has_package(&metadata, package))
        .collect();
    if !missing_sites.is_empty() {
        return Err(format!(
            "e2e sites not in the workspace: {} (update SITES in xtask/src/e2e.rs)",
            missing_sites.join(", ")
        )
        .into());
    }
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).is_file())
        .collect();
    if !missing.is_empty() {
        let what = format!(
            "{} not found (Debian packages chromium, chromium-driver)",
            missing.join(" and ")
        );
        if under_ci() {
            return Err(format!("the browser test cannot run under CI: {what}").into());
        }
        eprintln!("note: e2e SKIPPED: {what}");
        return Ok(());
    }
    let mut build = vec!["build", "--locked"];
    for (package, ..) in &SITES {
        build.extend(["-p", package]);
    }
    cargo(build)?;
    let target = json_string(&metadata, "target_directory")
        .map_or_else(|| project_root().join("target"), PathBuf::from);
    let artifacts = target.join("e2e-artifacts");
    // nextest, like `test`. `--no-capture` streams each test's output and runs the tests one
    // at a time: one Chromium at a time on a small CI machine.
    let mut test = nextest_command(&[
        "-p",
        "example-browser",
        "--test",
        "browser",
        "--run-ignored",
        "only",
        "--no-capture",
    ])?;
    test.env("SESSIONKIT_E2E_ARTIFACTS", &artifacts);
    for (package, filter, var) in &SITES {
        let binary = target
            .join("debug")
            .join(format!("{package}{}", env::consts::EXE_SUFFIX));
        test.arg(filter).env(var, binary);
    }
    cmd::run(&mut test)?;
    let names: Vec<&str> = SITES.iter().map(|(package, ..)| *package).collect();
    eprintln!(
        "e2e: {} in Chromium in {:.1}s; screenshots in {}",
        names.join(", "),
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    Ok(())
}

/// Whether `cargo metadata`'s compact JSON lists a package `name` (a package's entry starts
/// with its name and version; a dependency's or a target's name is followed by other keys).
fn has_package(json: &str, name: &str) -> bool {
    json.contains(&format!("\"name\":\"{name}\",\"version\":"))
}

/// The value of `"key":"..."` in `cargo metadata`'s compact JSON; `None` if absent or
/// escaped (no JSON parser: xtask has no dependencies).
fn json_string<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!("\"{key}\":\"");
    let rest = &json[json.find(&pattern)? + pattern.len()..];
    let value = &rest[..rest.find('"')?];
    (!value.contains('\\')).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_package_ignores_dependencies_and_targets() {
        let json = r#"{"packages":[{"name":"site","version":"0.1.0","dependencies":[{"name":"dep","source":null}],"targets":[{"name":"bin","src_path":"/x"}]}]}"#;
        assert!(has_package(json, "site"));
        assert!(!has_package(json, "dep"));
        assert!(!has_package(json, "bin"));
        assert!(!has_package(json, "sit"));
    }

    #[test]
    fn json_string_reads_plain_values_only() {
        let json = r#"{"packages":[],"target_directory":"/w/target","x":"a\"b"}"#;
        assert_eq!(json_string(json, "target_directory"), Some("/w/target"));
        assert_eq!(json_string(json, "x"), None);
        assert_eq!(json_string(json, "missing"), None);
    }
}
