//! `specctl check` against the real runners: behave (PyPI), cucumber-js (npm) and
//! cucumber-rs (the `cucumber_rs_fixture` example), each proving the same feature file
//! (`tests/fixtures/runners/features/shop.feature`) in a temporary project, with a verdict
//! asserted for every scenario and Outline row.
//!
//! behave and cucumber-js come from `support::tools`: installed once, outside the clone, from
//! the committed lock files.

mod support;

use assert_fs::TempDir;
use assert_fs::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::tools::{self, FIXTURES, Python, shell_quote};

/// Every item of `shop.feature` and the verdict its evidence must give.
const EXPECTED: [(&str, &str); 6] = [
    ("specs/shop.feature::Buy an apple", "pass"),
    ("specs/shop.feature::Pay too much", "fail"),
    ("specs/shop.feature::Mystery step", "undefined"),
    ("specs/shop.feature::Add 1 and 2", "pass"),
    ("specs/shop.feature::Add 2 and 2", "fail"),
    ("specs/shop.feature::Add 3 and 4", "pass"),
];

/// What the failing items' messages must mention: the assertion's own text.
const ASSERTIONS: [(&str, &str); 2] = [
    ("specs/shop.feature::Pay too much", "paid 2 instead of 5"),
    ("specs/shop.feature::Add 2 and 2", "sum mismatch: 4 != 5"),
];

#[test]
fn behave_junit() {
    let behave = behave();
    let project = shop_project(&format!(
        "{} --no-color --format plain --junit --junit-directory {{report_dir}} specs",
        shell_quote(&behave)
    ));
    project.copy_steps("behave/steps", "py");
    project.config("junit");
    assert_shop_verdicts("behave junit", &project.check());
}

#[test]
fn behave_json() {
    let behave = behave();
    let project = shop_project(&format!(
        "{} --no-color --format json -o {{report}} --format plain specs",
        shell_quote(&behave)
    ));
    project.copy_steps("behave/steps", "py");
    project.config("cucumber-json");
    assert_shop_verdicts("behave cucumber-json", &project.check());
}

#[test]
fn cucumber_js_junit() {
    let project = cucumber_js_project("--format junit:{report}");
    project.config("junit");
    assert_shop_verdicts("cucumber-js junit", &project.check());
}

#[test]
fn cucumber_js_json() {
    let project = cucumber_js_project("--format json:{report}");
    project.config("cucumber-json");
    assert_shop_verdicts("cucumber-js cucumber-json", &project.check());
}

#[test]
fn cucumber_rs_junit() {
    let fixture = cucumber_rs_fixture();
    let project = shop_project(&format!(
        "FIXTURE_JUNIT={{report}} {}",
        shell_quote(&fixture)
    ));
    project.config("junit");
    assert_shop_verdicts("cucumber-rs junit", &project.check());
}

// ---------------------------------------------------------------------------------------
// Projects

struct Project {
    dir: TempDir,
    run: String,
}

fn shop_project(run: &str) -> Project {
    let dir = TempDir::new().expect("a temporary folder");
    dir.child("specs/shop.feature")
        .write_file(&Path::new(FIXTURES).join("features/shop.feature"))
        .expect("copy shop.feature");
    Project {
        dir,
        run: run.to_string(),
    }
}

fn cucumber_js_project(format: &str) -> Project {
    let node_modules = cucumber_js();
    let project = shop_project(&format!(
        "node_modules/.bin/cucumber-js --require 'specs/steps/*.js' {format} specs"
    ));
    project.copy_steps("cucumber-js/steps", "js");
    std::os::unix::fs::symlink(&node_modules, project.dir.path().join("node_modules"))
        .expect("link node_modules into the project");
    project
}

impl Project {
    /// Copies the `*.EXT` files of a fixtures folder to `specs/steps/`.
    fn copy_steps(&self, from: &str, ext: &str) {
        let from = Path::new(FIXTURES).join(from);
        let mut copied = 0;
        for entry in fs::read_dir(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == ext) {
                let name = path.file_name().expect("a file name").to_string_lossy();
                self.dir
                    .child(format!("specs/steps/{name}"))
                    .write_file(&path)
                    .expect("copy a step file");
                copied += 1;
            }
        }
        assert!(copied > 0, "no *.{ext} step files in {}", from.display());
    }

    fn config(&self, report: &str) {
        // A JSON string is a YAML double-quoted scalar: no escaping surprises in the command.
        let run = serde_json::to_string(&self.run).expect("a JSON string");
        self.dir
            .child("specctl.yaml")
            .write_str(&format!(
                "evidence:\n  default:\n    run: {run}\n    report: {report}\n    timeout: 5m\n"
            ))
            .expect("write specctl.yaml");
    }

    fn check(&self) -> Checked {
        let started = Instant::now();
        let output = assert_cmd::Command::cargo_bin("specctl")
            .expect("the specctl binary")
            .current_dir(self.dir.path())
            // cargo sets these for this test; cucumber-rs would print its feature paths
            // relative to them (`tmp/.tmpXXXX/specs/shop.feature`) instead of the project
            // root, which no harness started from the project would do.
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_WORKSPACE_DIR")
            .args(["check", "--format", "json"])
            .output()
            .expect("run specctl");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("specctl's stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}")
        });
        Checked {
            code: output.status.code(),
            json,
            stderr,
            took: started.elapsed(),
        }
    }
}

struct Checked {
    code: Option<i32>,
    json: Value,
    stderr: String,
    took: Duration,
}

fn assert_shop_verdicts(runner: &str, checked: &Checked) {
    let json = &checked.json;
    let pretty = serde_json::to_string_pretty(json).expect("JSON");
    let items = json["items"].as_array().expect("an items array");
    let mut table = format!("{runner}: specctl check took {:?}\n", checked.took);
    for item in items {
        table.push_str(&format!(
            "  {:<40} {:<9} {}\n",
            item["id"].as_str().unwrap_or("?"),
            item["status"].as_str().unwrap_or("?"),
            item["message"]
                .as_str()
                .unwrap_or("")
                .replace('\n', " ⏎ ")
                .chars()
                .take(110)
                .collect::<String>()
        ));
    }
    eprint!("{table}");

    let observed: BTreeMap<&str, &str> = items
        .iter()
        .map(|item| {
            (
                item["id"].as_str().expect("an item id"),
                item["status"].as_str().expect("an item status"),
            )
        })
        .collect();
    let expected: BTreeMap<&str, &str> = EXPECTED.into_iter().collect();
    assert_eq!(
        observed, expected,
        "{runner}: verdicts differ\n{pretty}\nstderr:\n{}",
        checked.stderr
    );
    assert_eq!(
        items.len(),
        EXPECTED.len(),
        "{runner}: one item per id\n{pretty}"
    );
    assert_eq!(
        checked.code,
        Some(1),
        "{runner}: exit code\n{pretty}\nstderr:\n{}",
        checked.stderr
    );

    let summary = &json["summary"];
    for (key, count) in [
        ("total", 6),
        ("pass", 3),
        ("fail", 2),
        ("error", 0),
        ("timeout", 0),
        ("undefined", 1),
        ("skipped", 0),
    ] {
        assert_eq!(summary[key], count, "{runner}: summary.{key}\n{pretty}");
    }
    assert_eq!(
        json["errors"].as_array().map(Vec::len),
        Some(0),
        "{runner}: errors\n{pretty}"
    );
    // A case the report names but that matches no scenario is warned about.
    let warnings = json["warnings"].as_array().expect("a warnings array");
    assert!(
        warnings.is_empty(),
        "{runner}: unexpected warnings\n{pretty}"
    );

    let message = |id: &str| -> String {
        let item = items.iter().find(|i| i["id"] == id).expect("the item");
        item["message"].as_str().unwrap_or_default().to_string()
    };
    for (id, assertion) in ASSERTIONS {
        assert!(
            message(id).contains(assertion),
            "{runner}: the message of {id} should mention {assertion:?}\n{pretty}"
        );
    }
    assert!(
        message("specs/shop.feature::Mystery step").contains("a mysterious thing happens"),
        "{runner}: the undefined item's message should name the undefined step\n{pretty}"
    );
}

// ---------------------------------------------------------------------------------------
// Tools

fn behave() -> PathBuf {
    tools::python(Python::Behave).join("behave")
}

fn cucumber_js() -> PathBuf {
    tools::cucumber_js()
}

fn cucumber_rs_fixture() -> PathBuf {
    tools::cucumber_rs_fixture()
}
