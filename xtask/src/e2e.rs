//! `cargo xtask e2e`: the example sites in headless Chromium.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cmd::{self, Result, cargo, cargo_bin, cargo_output, project_root};

/// Chromium and chromedriver where Debian's `chromium` and `chromium-driver` packages put
/// them (`.ci/run` installs them on a fresh CI machine).
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The sites `e2e` drives: package, test-name filter, variable naming the binary. A site
/// whose package is not in the workspace is left out.
const SITES: [(&str, &str, &str); 2] = [
    ("example-axum", "axum_", "SESSIONKIT_EXAMPLE_AXUM"),
    ("example-actix", "actix_", "SESSIONKIT_EXAMPLE_ACTIX"),
];

/// Builds the example sites and drives each in headless Chromium (`example-browser`, whose
/// tests are `#[ignore]`d so that `test` does not run them). Without Chromium or
/// chromedriver: a notice, or a failure under `CI=true`.
pub(crate) fn run() -> Result {
    let started = Instant::now();
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).is_file())
        .collect();
    if !missing.is_empty() {
        let what = format!(
            "{} not found (Debian packages chromium, chromium-driver)",
            missing.join(" and ")
        );
        if env::var("CI").is_ok_and(|v| v == "true") {
            return Err(format!("the browser test cannot run under CI: {what}").into());
        }
        eprintln!("note: e2e SKIPPED: {what}");
        return Ok(());
    }
    let metadata = cargo_output(&["metadata", "--no-deps", "--format-version", "1", "--locked"])?;
    let sites: Vec<_> = SITES
        .into_iter()
        .filter(|(package, ..)| metadata.contains(&format!("\"name\":\"{package}\"")))
        .collect();
    let mut build = vec!["build", "--locked"];
    for (package, ..) in &sites {
        build.extend(["-p", package]);
    }
    cargo(build)?;
    let target = json_string(&metadata, "target_directory")
        .map_or_else(|| project_root().join("target"), PathBuf::from);
    let artifacts = target.join("e2e-artifacts");
    let mut test = Command::new(cargo_bin());
    test.args([
        "test",
        "--locked",
        "-p",
        "example-browser",
        "--test",
        "browser",
    ])
    .args(["--", "--ignored", "--nocapture"])
    .env("SESSIONKIT_E2E_ARTIFACTS", &artifacts);
    for (package, filter, var) in &sites {
        let binary = target
            .join("debug")
            .join(format!("{package}{}", env::consts::EXE_SUFFIX));
        test.arg(filter).env(var, binary);
    }
    cmd::run(&mut test)?;
    let names: Vec<&str> = sites.iter().map(|(package, ..)| *package).collect();
    eprintln!(
        "e2e: {} in Chromium in {:.1}s; screenshots in {}",
        names.join(", "),
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    Ok(())
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
    fn json_string_reads_plain_values_only() {
        let json = r#"{"packages":[],"target_directory":"/w/target","x":"a\"b"}"#;
        assert_eq!(json_string(json, "target_directory"), Some("/w/target"));
        assert_eq!(json_string(json, "x"), None);
        assert_eq!(json_string(json, "missing"), None);
    }
}
