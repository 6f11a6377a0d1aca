//! Every kind of bad input: a clear error at file:line:column, exit 2, never a panic, and
//! every valid item still listed.

mod support;

use serde_json::json;
use support::Project;

const GOOD: &str = "Feature: Good\n  Scenario: fine\n    Given it works\n";

/// Runs `list --format json` on a project holding one good feature plus the bad input, and
/// returns the single error it reports as (file, line, column, message).
fn single_error(p: &Project) -> (String, u64, u64, String) {
    p.file("specs/good.feature", GOOD);
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let doc = run.json();
    let ids: Vec<_> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.contains(&"specs/good.feature::fine".to_string()),
        "valid items are still listed: {ids:?}"
    );
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    (
        e["file"].as_str().unwrap().into(),
        e["line"].as_u64().unwrap(),
        e["column"].as_u64().unwrap(),
        e["message"].as_str().unwrap().into(),
    )
}

#[test]
fn invalid_utf8_in_a_feature() {
    let p = Project::new();
    p.bytes("specs/bad.feature", b"Feature: x\n  Scenario: caf\xe9\n");
    assert_eq!(
        single_error(&p),
        (
            "specs/bad.feature".into(),
            2,
            16,
            "invalid UTF-8 here: save the file as UTF-8".into()
        )
    );
}

#[test]
fn a_binary_file_named_feature() {
    let p = Project::new();
    p.bytes("specs/logo.feature", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    let (file, line, _, message) = single_error(&p);
    assert_eq!((file.as_str(), line), ("specs/logo.feature", 3));
    assert_eq!(
        message,
        "this is a binary file (it holds a NUL byte), not text: remove it or rename it"
    );
}

#[test]
fn a_gherkin_syntax_error() {
    let p = Project::new();
    p.file(
        "specs/bad.feature",
        "Feature: x\n  Scenario: y\n    Given z\n  this line is not gherkin\n",
    );
    let (file, line, column, message) = single_error(&p);
    assert_eq!((file.as_str(), line, column), ("specs/bad.feature", 4, 3));
    assert!(
        message.contains("got 'this line is not gherkin'"),
        "{message}"
    );
}

#[test]
fn a_frontmatter_that_never_closes() {
    let p = Project::new();
    p.file(
        "aspects/a.md",
        "---\nname: a\nevidence: true\n\nBody without a closing fence\n",
    );
    assert_eq!(
        single_error(&p),
        (
            "aspects/a.md".into(),
            1,
            1,
            "the frontmatter opened here never closes: end it with a `---` line".into()
        )
    );
}

#[test]
fn yaml_with_a_duplicate_key() {
    let p = Project::new();
    p.file(
        "aspects/a.md",
        "---\nname: a\nevidence: true\nevidence: false\n---\n",
    );
    assert_eq!(
        single_error(&p),
        (
            "aspects/a.md".into(),
            4,
            1,
            "duplicate key `evidence`: a key may appear once; remove one of them".into()
        )
    );
}

#[test]
fn frontmatter_that_is_a_list() {
    let p = Project::new();
    p.file("aspects/a.md", "---\n- name: a\n- evidence: true\n---\n");
    assert_eq!(
        single_error(&p),
        (
            "aspects/a.md".into(),
            2,
            1,
            "expected a map of `key: value` lines here, found a list or a single value".into()
        )
    );
}

#[test]
fn a_timeout_that_is_not_a_duration() {
    let p = Project::new();
    p.file(
        "aspects/a.md",
        "---\nname: a\nevidence: true\ntimeout: soon\n---\n",
    );
    assert_eq!(
        single_error(&p),
        (
            "aspects/a.md".into(),
            4,
            10,
            "invalid duration `soon`: write a number with a unit, such as 30s, 5m or 1h".into()
        )
    );
}

#[test]
fn a_misspelt_aspect_key() {
    let p = Project::new();
    p.file("aspects/a.md", "---\nname: a\nevidnce: true\n---\n");
    assert_eq!(
        single_error(&p),
        (
            "aspects/a.md".into(),
            3,
            1,
            "unknown field `evidnce`, expected one of name, evidence, timeout, inputs".into()
        )
    );
}

#[test]
fn a_misspelt_config_key() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "specs: [specs]\nevidence:\n  default:\n    run: ./t\n    reprot: junit\n",
    );
    assert_eq!(
        single_error(&p),
        (
            "specctl.yaml".into(),
            5,
            5,
            "unknown field `reprot`, expected one of run, report, timeout, inputs, paths".into()
        )
    );
}

#[test]
fn a_duplicate_aspect_name() {
    let p = Project::new();
    p.file("aspects/a.md", "---\nname: same\nevidence: true\n---\n")
        .file("aspects/b.md", "---\n\nname: same\nevidence: true\n---\n");
    assert_eq!(
        single_error(&p),
        (
            "aspects/b.md".into(),
            3,
            1,
            "the aspect name `same` is already used at aspects/a.md:2: aspect names are ids, give this one another".into()
        )
    );
}

#[test]
fn an_evidence_tag_naming_no_runner() {
    let p = Project::new();
    p.file(
        "specs/t.feature",
        "Feature: T\n  @evidence:nope\n  Scenario: tagged\n    Given x\n",
    );
    let (file, line, column, message) = single_error(&p);
    assert_eq!((file.as_str(), line, column), ("specs/t.feature", 2, 3));
    assert!(
        message.starts_with("no evidence runner is named `nope`"),
        "{message}"
    );
}

#[test]
fn every_error_is_listed_at_once() {
    let p = Project::new();
    p.file("specs/good.feature", GOOD)
        .file("specs/bad.feature", "invalid line here\n\nFeature: x\n  Scenario: y\n    Given z\n\nanother invalid line here\n")
        .file("aspects/a.md", "---\nname: a\n");
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 2);
    let errors: Vec<_> = run.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!([e["file"], e["line"], e["column"]]))
        .collect();
    assert_eq!(
        errors,
        [
            json!(["specs/bad.feature", 1, 1]),
            json!(["specs/bad.feature", 7, 1]),
            json!(["aspects/a.md", 1, 1])
        ]
    );
    assert_eq!(run.json()["summary"]["total"], 1);
}

#[test]
fn human_errors_show_the_source_line() {
    let p = Project::new();
    p.file("specs/good.feature", GOOD).file(
        "aspects/a.md",
        "---\nname: a\nevidence: true\ntimeout: soon\n---\nBody\n",
    );
    let run = p.run(&["list", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("specs/good.feature:2  fine  [no evidence]"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.stderr);
}
