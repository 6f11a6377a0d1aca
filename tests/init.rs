//! `specctl init` on small projects as users have them: each runner detected on a project it
//! really runs (behave, pytest-bdd, cucumber-js installed by the suite), `specctl check`
//! after it with no edit, verdicts by value; cucumber-rs and godog by what init writes; and
//! every bad input: an empty folder, only feature files, two runners, a file it cannot read,
//! a specctl.yaml in the way. `--example` is checked and reconciled.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use support::tools::{self, Python};
use support::{Project, Run};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports");

fn fixture(case: &str) -> Project {
    let p = Project::new();
    support::copy_tree(&Path::new(CASES).join(case), p.path());
    p
}

/// The real binary with `bin` first on PATH, as a user with that virtualenv active runs it.
fn run_with_path(p: &Project, bin: &Path, args: &[&str]) -> Run {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = assert_cmd::Command::cargo_bin("specctl")
        .expect("the specctl binary")
        .current_dir(p.path())
        .env("PATH", path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .args(args)
        .output()
        .expect("run specctl");
    Run::from(output)
}

fn init(p: &Project) -> Run {
    let run = p.run(&["init"]);
    assert_eq!(run.code, 0, "init: {}\n{}", run.stdout, run.stderr);
    run
}

fn config(p: &Project) -> String {
    fs::read_to_string(p.path().join("specctl.yaml")).expect("specctl.yaml was written")
}

fn verdicts(run: &Run) -> std::collections::BTreeMap<String, String> {
    support::statuses(&run.json())
}

#[test]
fn behave_is_adopted_and_checked_with_no_edit() {
    let p = fixture("behave-skipped-junit");
    let out = init(&p);
    assert!(
        out.stdout
            .contains("behave in features: 2 feature files (features/steps/ imports behave)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("next: specctl check\n"),
        "{}",
        out.stdout
    );
    assert!(config(&p).contains("--show-skipped --format json --outfile {report}"));
    assert_eq!(
        fs::read_to_string(p.path().join(".gitignore")).unwrap(),
        "# specctl's own state\n.specctl/\n"
    );
    let bin = tools::python(Python::Behave);
    let run = run_with_path(&p, &bin, &["check", "--format", "json"]);
    assert_eq!(
        verdicts(&run),
        support::expect(&[
            ("features/mixed.feature::Runs", "pass"),
            ("features/mixed.feature::Excluded by tag", "pass"),
            ("features/mixed.feature::Skips itself at runtime", "skipped"),
            ("features/mixed.feature::Has an undefined step", "undefined"),
            ("features/allslow.feature::Slow one", "pass"),
        ]),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn pytest_bdd_is_adopted_and_checked_with_no_edit() {
    let p = fixture("pytest-bdd-outline-rows");
    let out = init(&p);
    assert!(
        out.stdout
            .contains("pytest-bdd in .: 1 feature file (test_eat.py imports pytest_bdd)"),
        "{}",
        out.stdout
    );
    assert!(config(&p).contains("run: \"python -m pytest --cucumberjson={report}\""));
    let bin = tools::python(Python::PytestBddLatest);
    let run = run_with_path(&p, &bin, &["check", "--format", "json"]);
    assert_eq!(
        verdicts(&run),
        support::expect(&[
            ("features/eat.feature::Eating cucumbers", "pass"),
            ("features/eat.feature::Eating cucumbers #2", "fail"),
            ("features/eat.feature::Eating cucumbers #3", "pass"),
        ]),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn cucumber_js_is_adopted_and_checked_with_no_edit() {
    let p = fixture("cucumber-js-junit-unnamed-outline");
    p.file(
        "package.json",
        "{\"name\": \"promises\", \"devDependencies\": {\"@cucumber/cucumber\": \"12.9.0\"}}\n",
    );
    std::os::unix::fs::symlink(tools::cucumber_js(), p.path().join("node_modules"))
        .expect("link node_modules");
    let out = init(&p);
    assert!(
        out.stdout
            .contains("cucumber-js in .: 1 feature file (package.json names @cucumber/cucumber)"),
        "{}",
        out.stdout
    );
    assert!(config(&p).contains("report: messages"));
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(
        verdicts(&run),
        support::expect(&[
            ("features/promises.feature::", "pass"),
            ("features/promises.feature:: #2", "fail"),
            (
                "features/promises.feature::callback - returning a promise",
                "pass"
            ),
            (
                "features/promises.feature::callback - returning a promise #2",
                "fail"
            ),
        ]),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn cucumber_rs_and_godog_are_found_by_their_manifests() {
    let p = Project::new();
    p.file(
        "Cargo.toml",
        "[package]\nname = \"shop\"\n\n[dev-dependencies]\ncucumber = \"0.23\"\n\n[[test]]\nname = \"bdd\"\nharness = false\n",
    )
    .file("tests/features/shop.feature", "Feature: Shop\n  Scenario: Buy\n    Given a shop\n")
    .file("go/go.mod", "module shop\n\nrequire github.com/cucumber/godog v0.15.0\n")
    .file("go/features/pay.feature", "Feature: Pay\n  Scenario: Pay\n    Given money\n");
    let out = p.run(&["init", "--print"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let yaml = out.stdout;
    assert!(
        !p.path().join("specctl.yaml").exists(),
        "--print writes nothing"
    );
    let runners: Vec<&str> = yaml
        .lines()
        .filter(|l| l.starts_with("    run: "))
        .collect();
    assert_eq!(
        runners,
        [
            "    run: \"cargo test --quiet --test bdd\"",
            "    run: \"cd go && go test -count=1 ./...\"",
        ],
        "{yaml}"
    );
    assert!(
        yaml.contains("  cucumber-rs:\n") && yaml.contains("  godog-go:\n"),
        "{yaml}"
    );
    assert!(yaml.contains("paths: [\"go/**\"]"), "{yaml}");
    assert!(yaml.contains("paths: [\"tests/features/**\"]"), "{yaml}");
    // What init prints is what it would write: listing it works.
    p.file("specctl.yaml", &yaml);
    let list = p.run(&["list", "--format", "json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let evidence: Vec<String> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["evidence"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(evidence, ["godog-go", "cucumber-rs"]);
}

#[test]
fn two_runners_in_one_project_each_get_their_own_files() {
    let p = fixture("behave-noname-feature");
    support::copy_tree(
        &Path::new(CASES).join("pytest-bdd-outline-rows"),
        &p.path().join("py"),
    );
    let out = p.run(&["init", "--print"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    p.file("specctl.yaml", &out.stdout);
    let list = p.run(&["list", "--format", "json"]);
    let by_runner: Vec<(String, String)> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_string(),
                i["evidence"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        by_runner,
        [
            (
                "features/noname.feature".to_string(),
                "behave-features".to_string()
            ),
            ("features/noname.feature".into(), "behave-features".into()),
            ("features/noname.feature".into(), "behave-features".into()),
            ("features/sub/anon.feature".into(), "behave-features".into()),
            ("py/features/eat.feature".into(), "pytest-bdd".into()),
            ("py/features/eat.feature".into(), "pytest-bdd".into()),
            ("py/features/eat.feature".into(), "pytest-bdd".into()),
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn an_empty_folder_is_an_error_that_says_what_was_looked_for() {
    let p = Project::new();
    let out = p.run(&["init"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no .feature files under"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("`specctl init --example DIR`"),
        "{}",
        out.stderr
    );
    assert!(!p.path().join("specctl.yaml").exists());
    let missing = p.run(&["init", "no-such-folder"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("cannot read the folder no-such-folder"),
        "{}",
        missing.stderr
    );
}

#[test]
fn only_feature_files_are_listed_and_no_runner_is_said() {
    let p = Project::new();
    p.file(
        "features/a.feature",
        "Feature: A\n  Scenario: One\n    Given x\n",
    );
    let out = init(&p);
    assert!(
        out.stderr
            .contains("warning: no runner found: looked for behave"),
        "{}",
        out.stderr
    );
    let list = p.run(&["list", "--format", "json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(list.json()["items"][0]["id"], "features/a.feature::One");
    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(
        verdicts(&check),
        support::expect(&[("features/a.feature::One", "undefined")])
    );
}

#[test]
fn a_file_it_cannot_read_is_a_warning_and_an_existing_config_is_never_overwritten() {
    let p = Project::new();
    p.file(
        "features/a.feature",
        "Feature: A\n  Scenario: One\n    Given x\n",
    )
    .bytes("package.json", b"{\"devDependencies\": \xff}");
    let out = init(&p);
    assert!(
        out.stderr
            .contains("warning: cannot read package.json: it is not UTF-8 text"),
        "{}",
        out.stderr
    );
    let written = config(&p);
    p.file("features/steps/steps.py", "from behave import given\n");
    let again = p.run(&["init"]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("specctl.yaml already exists, and init never overwrites it"),
        "{}",
        again.stderr
    );
    assert!(
        again
            .stderr
            .contains("run: \"behave --no-color --show-skipped"),
        "shows what it would write: {}",
        again.stderr
    );
    assert_eq!(config(&p), written, "the file is untouched");
}

#[test]
fn the_example_is_checked_then_reconciled_by_its_demo_agent() {
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    let out = support::run_in(dir.path(), &["init", "--example", "shop"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("next: cd shop && specctl check"),
        "{}",
        out.stdout
    );
    let check = support::run_in(&shop, &["check", "--format", "json"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let doc: Value = check.json();
    let failing: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] != "pass")
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        failing,
        ["specs/cart.feature::A discount code takes ten percent off"]
    );
    let reconcile = support::run_in(&shop, &["reconcile"]);
    assert_eq!(
        reconcile.code, 0,
        "{}\n{}",
        reconcile.stdout, reconcile.stderr
    );
    assert_eq!(support::run_in(&shop, &["check"]).code, 0);
    let again = support::run_in(dir.path(), &["init", "--example", "shop"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}
