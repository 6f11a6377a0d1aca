//! `specctl list` end to end: real temporary projects, the real binary, values asserted.

mod support;

use serde_json::json;
use support::Project;

const CONFIG: &str =
    "evidence:\n  default:\n    run: ./run-tests {features}\n  slow:\n    run: ./slow\n";

const SHOP: &str = "\
@shop
Feature: Shop
  Background:
    Given a shop with 50 gold

  Scenario: Buy a mine
    When I buy a mine
    Then I have 0 gold

  @evidence:slow
  Scenario Outline: Sell <n> apples
    When I sell <n> apples
      | fruit | count |
      | apple | <n>   |
    Then the till says:
      \"\"\"text
      sold <n>
      \"\"\"

    @big
    Examples:
      | n  |
      | 1  |
      | 1  |
      | 10 |
";

const ASPECT: &str = "---\nname: core-is-pure\nevidence: evidence/check-core.sh\ntimeout: 30s\ninputs: [\"src/core/**\"]\n---\nThe core does no I/O.\n";

fn shop() -> Project {
    let p = Project::new();
    p.file("specctl.yaml", CONFIG)
        .file("specs/shop.feature", SHOP)
        .file("aspects/pure.md", ASPECT);
    p
}

#[test]
fn json_lists_every_item_with_ids_lines_tags_steps_and_evidence() {
    let run = shop().run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"], json!({"total": 5}));
    assert_eq!(doc["errors"], json!([]));
    let items = doc["items"].as_array().unwrap();
    let ids: Vec<_> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "specs/shop.feature::Buy a mine",
            "specs/shop.feature::Sell 1 apples",
            "specs/shop.feature::Sell 1 apples #2",
            "specs/shop.feature::Sell 10 apples",
            "aspect:core-is-pure",
        ]
    );
    let lines: Vec<_> = items.iter().map(|i| i["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [6, 23, 24, 25, 2]);
    let first = &items[0];
    assert_eq!(first["kind"], "scenario");
    assert_eq!(first["file"], "specs/shop.feature");
    assert_eq!(first["name"], "Buy a mine");
    assert_eq!(first["tags"], json!(["@shop"]));
    assert_eq!(first["evidence"], "default");
    assert_eq!(
        first["steps"],
        json!([
            {"keyword": "Given ", "text": "a shop with 50 gold"},
            {"keyword": "When ", "text": "I buy a mine"},
            {"keyword": "Then ", "text": "I have 0 gold"},
        ])
    );
    let row = &items[3];
    assert_eq!(row["tags"], json!(["@shop", "@evidence:slow", "@big"]));
    assert_eq!(row["evidence"], "slow");
    assert_eq!(
        row["steps"][1]["data_table"],
        json!([["fruit", "count"], ["apple", "10"]])
    );
    assert_eq!(
        row["steps"][2]["doc_string"],
        json!({"content": "sold 10", "media_type": "text"})
    );
    let aspect = &items[4];
    assert_eq!(aspect["kind"], "aspect");
    assert_eq!(aspect["file"], "aspects/pure.md");
    assert_eq!(aspect["evidence"], "evidence/check-core.sh");
    assert!(aspect.get("steps").is_none());
    assert!(first.get("status").is_none(), "list reports no verdict");
    assert_eq!(first["generation"].as_str().unwrap().len(), 16);
}

#[test]
fn human_output_groups_by_feature_with_file_line_and_evidence() {
    let run = shop().run(&["list", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn filters_and_tag_expressions_select_items() {
    let p = shop();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        let run = p.run(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["aspects"]), ["aspect:core-is-pure"]);
    assert_eq!(
        ids(&["specs/shop.feature::Sell 10"]),
        ["specs/shop.feature::Sell 10 apples"]
    );
    assert_eq!(
        ids(&["--tags", "@shop and not @big"]),
        ["specs/shop.feature::Buy a mine"]
    );
    assert_eq!(ids(&["nothing/here"]), Vec::<String>::new());
    let run = p.run(&["list", "--tags", "@a and"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("invalid tag expression `@a and` at character 7"),
        "{}",
        run.stderr
    );
}

#[test]
fn dash_c_finds_the_root_from_a_subfolder_and_refuses_a_missing_one() {
    let p = shop();
    p.file("src/core/lib.rs", "");
    let run = p.run(&["-C", "src/core", "list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["summary"]["total"], 5);
    let run = p.run(&["-C", "no/such/folder", "list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot use `no/such/folder` as the project folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn discovery_honours_gitignore_ignore_and_globs() {
    let p = Project::new();
    p.file(".gitignore", "specs/generated/\n")
        .file(".ignore", "specs/draft.feature\n")
        .file(
            "specs/a.feature",
            "Feature: A\n  Scenario: a\n    Given a\n",
        )
        .file(
            "specs/generated/b.feature",
            "Feature: B\n  Scenario: b\n    Given b\n",
        )
        .file(
            "specs/draft.feature",
            "Feature: D\n  Scenario: d\n    Given d\n",
        )
        .file("specs/notes.txt", "Feature: not a feature file\n");
    let run = p.run(&["list", "--format", "json"]);
    let ids: Vec<_> = run.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["specs/a.feature::a"]);

    p.file(
        "specctl.yaml",
        "specs: [\"features/**/*.feature\"]\naspects: [props]\n",
    )
    .file(
        "features/x/y.feature",
        "Feature: Y\n  Scenario: y\n    Given y\n",
    )
    .file("props/p.md", "---\nname: p\nevidence: true\n---\n")
    .file("props/README.md", "# What these are\n");
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: Vec<_> = run.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["features/x/y.feature::y", "aspect:p"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_not_followed() {
    let p = Project::new();
    p.file(
        "specs/a.feature",
        "Feature: A\n  Scenario: a\n    Given a\n",
    );
    std::os::unix::fs::symlink(p.path().join("specs"), p.path().join("specs/loop")).unwrap();
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["summary"]["total"], 1);
    assert_eq!(
        doc["warnings"],
        json!(["specs/loop: a symlink loop, not followed"])
    );
}

#[test]
fn empty_and_comment_only_features_are_valid_and_empty() {
    let p = Project::new();
    p.file("specs/empty.feature", "")
        .file("specs/comments.feature", "# just a note\n\n# another\n");
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["summary"]["total"], 0);
    assert_eq!(run.json()["errors"], json!([]));
}

#[test]
fn a_language_header_switches_keywords() {
    let p = Project::new();
    p.file(
        "specs/fr.feature",
        "# language: fr\nFonctionnalité: Boutique\n  Scénario: Acheter\n    Soit une boutique\n    Quand j'achète\n    Alors j'ai payé\n",
    );
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let item = &run.json()["items"][0];
    assert_eq!(item["id"], "specs/fr.feature::Acheter");
    assert_eq!(
        item["steps"][0],
        json!({"keyword": "Soit ", "text": "une boutique"})
    );
}

#[test]
fn a_large_feature_file_is_listed() {
    let mut text = String::from("Feature: Big\n");
    let mut n = 0;
    while text.len() < 10 * 1024 * 1024 {
        n += 1;
        text.push_str(&format!("  Scenario: s{n}\n    Given step {n} with some padding text\n    When it runs\n    Then it holds\n\n"));
    }
    let p = Project::new();
    p.file("specs/big.feature", &text);
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["summary"]["total"], n);
    assert_eq!(
        doc["items"][n - 1]["id"],
        format!("specs/big.feature::s{n}")
    );
}

/// A project of many files: Outlines, tags, runners, a broken spec, a broken aspect, and two
/// aspects that take the same name; the files differ in size, so they are read out of order.
fn many() -> Project {
    let p = Project::new();
    p.file("specctl.yaml", CONFIG);
    for n in 0..120 {
        let mut text = format!("@area-{n}\nFeature: Area {n}\n  Background:\n    Given area {n}\n");
        let scenarios = if n % 9 == 0 { 60 } else { 1 + n % 4 };
        for s in 0..scenarios {
            text.push_str(&format!(
                "\n  @s{s}\n  Scenario: case {s}\n    When I do {s}\n"
            ));
        }
        text.push_str("\n  @evidence:slow\n  Scenario Outline: row <n>\n    Then <n> holds\n      | cell |\n      | <n>  |\n    Examples:\n      | n |\n      | 1 |\n      | 1 |\n      | 2 |\n");
        if n == 50 {
            text.push_str("  not gherkin\n");
        }
        p.file(&format!("specs/area{n:03}.feature"), &text);
    }
    for n in 0..30 {
        // aspects/a07.md takes a06's name; a20.md has a typo.
        let name = if n == 7 { 6 } else { n };
        let key = if n == 20 { "evidnce" } else { "evidence" };
        p.file(
            &format!("aspects/a{n:02}.md"),
            &format!("---\nname: aspect-{name}\n{key}: evidence/a.sh {n}\n---\nBody {n}.\n"),
        );
    }
    p
}

#[test]
fn the_streamed_document_holds_exactly_the_items_the_loader_reads_in_file_order() {
    let p = many();
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc = run.json();
    let config = specctl::config::Config::load(p.path()).unwrap();
    let state = specctl::desired::load(p.path(), &config);
    let expected: Vec<serde_json::Value> = state
        .items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap())
        .collect();
    assert_eq!(doc["items"].as_array().unwrap(), &expected);
    // 119 good specs of (1..4 or 60) scenarios + 3 Outline rows, and 28 of the 30 aspects.
    let scenarios: usize = (0..120)
        .filter(|n| *n != 50)
        .map(|n| if n % 9 == 0 { 60 } else { 1 + n % 4 } + 3)
        .sum();
    assert_eq!(expected.len(), scenarios + 28);
    assert_eq!(doc["summary"], json!({"total": scenarios + 28}));
    let errors: Vec<(&str, u64)> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["file"].as_str().unwrap(), e["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            ("specs/area050.feature", 28),
            ("aspects/a07.md", 2),
            ("aspects/a20.md", 3)
        ]
    );
    assert_eq!(
        doc["errors"][1]["message"],
        "the aspect name `aspect-6` is already used at aspects/a06.md:2: aspect names are ids, give this one another"
    );
    let ids: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .filter(|id| id.starts_with("aspect:"))
        .collect();
    assert_eq!(ids.len(), 28);
    assert_eq!(
        &ids[5..8],
        ["aspect:aspect-5", "aspect:aspect-6", "aspect:aspect-8"]
    );
    // The same bytes every time, however the reading threads ran.
    for _ in 0..3 {
        assert_eq!(p.run(&["list", "--format", "json"]).stdout, run.stdout);
    }
}

#[test]
fn version_comes_first_and_the_summary_after_the_items() {
    let run = shop().run(&["list", "--format", "json"]);
    let keys: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  \"") && !l.starts_with("    "))
        .map(|l| l.trim_start().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(keys, ["version", "items", "summary", "errors", "warnings"]);
    assert!(run.stdout.ends_with("\n}\n"), "{}", run.stdout);
}

#[test]
fn filters_and_tags_select_from_the_stream_and_errors_outside_them_become_warnings() {
    let p = many();
    let ids = |args: &[&str]| -> (i32, Vec<String>, serde_json::Value) {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        let run = p.run(&all);
        let doc = run.json();
        let ids = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        (run.code, ids, doc)
    };
    let (code, got, doc) = ids(&["specs/area003.feature"]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        [
            "specs/area003.feature::case 0",
            "specs/area003.feature::case 1",
            "specs/area003.feature::case 2",
            "specs/area003.feature::case 3",
            "specs/area003.feature::row 1",
            "specs/area003.feature::row 1 #2",
            "specs/area003.feature::row 2",
        ]
    );
    assert_eq!(doc["summary"]["total"], 7);
    assert_eq!(doc["errors"], json!([]));
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .starts_with("specs/area050.feature:28:3: expected:"),
        "{warnings:?}"
    );
    let (code, got, _) = ids(&["--tags", "@area-9 and @s59"]);
    assert_eq!(code, 2, "the broken files are in the selection");
    assert_eq!(got, ["specs/area009.feature::case 59"]);
    let (code, got, doc) = ids(&["aspect:aspect-6"]);
    assert_eq!(code, 2);
    assert_eq!(got, ["aspect:aspect-6"]);
    assert_eq!(doc["items"][0]["file"], "aspects/a06.md");
    let (code, got, doc) = ids(&["nothing/here"]);
    assert_eq!((code, got.len()), (0, 0));
    assert_eq!(doc["summary"], json!({"total": 0}));
}

#[test]
fn a_reader_that_stops_early_ends_the_list_without_a_word() {
    use std::io::Read;
    let p = many();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("specctl"))
        .args(["list", "--format", "json"])
        .current_dir(p.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The pipe is closed here, with most of the document unwritten.
    let out = child.wait_with_output().unwrap();
    assert!(head.starts_with(b"{\n  \"version\": 1,\n  \"items\": ["));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(
        out.status.code().is_some(),
        "ended by a signal: {:?}",
        out.status
    );
}

#[test]
fn no_spec_or_aspect_file_at_all_is_still_an_error() {
    let p = Project::new();
    p.file("specctl.yaml", CONFIG);
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("no specs or aspects found in specs and aspects"),
        "{}",
        run.stderr
    );
}
