//! Fan-out end to end: `check --partition K/N` and `audit --partition K/N` on a real project,
//! every item and mutant in exactly one slice, and `specctl merge` of the slices equal to the
//! unpartitioned run; merge refusing what is not one run's slices, by value.

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use support::Project;

/// A feature file of the shop: its scenarios pass where `total` is right, fail where it is
/// not, and are undefined where a step has no definition.
fn feature(name: &str, totals: &[(u32, u32)], undefined: bool) -> String {
    let mut text = format!("Feature: {name}\n\n  Background:\n    Given an empty cart\n");
    for (count, total) in totals {
        text.push_str(&format!(
            "\n  Scenario: {count} apples in {name}\n    When I add {count} \"apple\" at 50 cents each\n    Then the total is {total} cents\n"
        ));
    }
    if undefined {
        text.push_str(&format!(
            "\n  Scenario: Nobody knows in {name}\n    When I juggle\n    Then the total is 0 cents\n"
        ));
    }
    text
}

/// examples/shop with 9 feature files (passing, failing, undefined scenarios) and 4 aspects
/// (two passing, one failing, one that cannot start).
fn shop() -> Project {
    let p = example();
    for i in 0..9 {
        let totals = [(1, 50), (2, if i % 3 == 0 { 99 } else { 100 }), (3, 150)];
        p.file(
            &format!("specs/area{}/shop{i}.feature", i % 2),
            &feature(&format!("Shop {i}"), &totals, i % 4 == 1),
        );
    }
    for (name, evidence) in [
        ("passes", "true"),
        ("also-passes", "test 1 -eq 1"),
        ("fails", "exit 1"),
        ("cannot-start", "./evidence/missing.sh"),
    ] {
        p.file(
            &format!("aspects/{name}.md"),
            &format!("---\nname: {name}\nevidence: {evidence}\n---\nA property.\n"),
        );
    }
    p
}

/// The document with what differs between two runs of the same thing taken out: times.
fn timeless(mut doc: Value) -> Value {
    if let Some(summary) = doc["summary"].as_object_mut() {
        summary.remove("duration_ms");
        summary.remove("baseline_ms");
    }
    for list in ["items", "mutants"] {
        if let Some(entries) = doc[list].as_array_mut() {
            for entry in entries {
                entry.as_object_mut().map(|e| e.remove("duration_ms"));
            }
        }
    }
    doc
}

fn ids(doc: &Value, list: &str, key: fn(&Value) -> String) -> Vec<String> {
    doc[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {doc}"))
        .iter()
        .map(key)
        .collect()
}

fn item_id(item: &Value) -> String {
    item["id"].as_str().unwrap_or_default().to_string()
}

fn mutant_id(m: &Value) -> String {
    format!(
        "{}:{}:{}:{}",
        m["file"].as_str().unwrap_or_default(),
        m["line"],
        m["column"],
        m["replacement"].as_str().unwrap_or_default()
    )
}

/// Runs each slice of `command` into `<name>-K.json` and returns the files and documents.
fn slices(p: &Project, command: &[&str], name: &str, n: u32) -> (Vec<String>, Vec<Value>) {
    let mut files = Vec::new();
    let mut docs = Vec::new();
    for k in 1..=n {
        // Each machine of a matrix starts from a clean checkout: no store of another slice.
        fresh(p);
        let file = format!("{name}-{k}.json");
        let slice = format!("{k}/{n}");
        let mut args = command.to_vec();
        args.extend(["--partition", &slice, "--format", "json", "--output", &file]);
        let run = p.run(&args);
        // Its exit is the slice's own (0 where all of it holds); the document is the point.
        let text = std::fs::read_to_string(p.path().join(&file))
            .unwrap_or_else(|e| panic!("{args:?} wrote no {file} ({e}): {}", run.stderr));
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["partition"], json!({"k": k, "n": n}));
        files.push(file);
        docs.push(doc);
    }
    (files, docs)
}

fn fresh(p: &Project) {
    let _ = std::fs::remove_dir_all(p.path().join(".specctl"));
}

/// examples/shop as shipped: its audit has 4 mutants and findings.
fn example() -> Project {
    let p = Project::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    support::copy_tree(&example, p.path());
    fresh(&p);
    p
}

/// Asserts that `run` is merge refusing with `message`: exit 2 and that line on stderr.
fn refused(run: &support::Run, message: &str) {
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (2, format!("error: merge: {message}\n").as_str())
    );
}

fn merge(p: &Project, format: &str, files: &[String]) -> support::Run {
    let mut args = vec!["merge", "--format", format];
    args.extend(files.iter().map(String::as_str));
    p.run(&args)
}

#[test]
fn check_slices_hold_every_item_once_and_merge_to_the_whole_run() {
    let p = shop();
    let whole = p.run(&["check", "--format", "json"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole_doc = whole.json();
    assert_eq!(whole_doc["partition"], json!({"k": 1, "n": 1}));
    assert_eq!(whole_doc["desired"].as_str().map(str::len), Some(16));
    assert_eq!(
        whole_doc["summary"],
        json!({"total": 38, "pass": 31, "fail": 4, "error": 1, "timeout": 0, "undefined": 2,
               "skipped": 0, "duration_ms": whole_doc["summary"]["duration_ms"]})
    );
    let every = ids(&whole_doc, "items", item_id);
    let human = p.run(&["check", "--color", "never"]).stdout;
    for n in 1..=5 {
        let (files, docs) = slices(&p, &["check"], &format!("check{n}"), n);
        let mut held: Vec<String> = docs.iter().flat_map(|d| ids(d, "items", item_id)).collect();
        held.sort();
        let mut want = every.clone();
        want.sort();
        assert_eq!(held, want, "the union of {n} slices is every item once");
        for doc in &docs {
            assert_eq!(doc["desired"], whole_doc["desired"], "n = {n}");
        }
        let merged = merge(&p, "json", &files);
        assert_eq!(merged.code, 1, "{}", merged.stderr);
        assert_eq!(
            timeless(merged.json()),
            timeless(whole_doc.clone()),
            "n = {n}"
        );
        let shown = merge(&p, "human", &files);
        assert_eq!((shown.code, &shown.stdout), (1, &human), "n = {n}");
    }
}

#[test]
fn a_file_stays_in_its_slice_and_its_items_stay_together() {
    let p = shop();
    let (_, docs) = slices(&p, &["check"], "a", 3);
    let slice_of = |file: &str| -> Vec<usize> {
        (0..docs.len())
            .filter(|i| {
                docs[*i]["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|item| item["file"] == file)
            })
            .collect()
    };
    assert_eq!(slice_of("specs/area1/shop1.feature").len(), 1);
    let before = slice_of("specs/area0/shop4.feature");
    p.file(
        "specs/area0/zz-new.feature",
        &feature("New", &[(1, 50)], false),
    );
    let (_, docs) = slices(&p, &["check"], "b", 3);
    let after: Vec<usize> = (0..docs.len())
        .filter(|i| {
            docs[*i]["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|item| item["file"] == "specs/area0/shop4.feature")
        })
        .collect();
    assert_eq!(after, before, "adding a file moves no other file");
}

#[test]
fn audit_slices_hold_every_mutant_once_and_merge_to_the_whole_audit() {
    let p = example();
    let whole = p.run(&["audit", "--mutants", "--format", "json"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole_doc = whole.json();
    assert_eq!(whole_doc["partition"], json!({"k": 1, "n": 1}));
    let every = ids(&whole_doc, "mutants", mutant_id);
    assert_eq!(every.len(), 4);
    let rules: Vec<&str> = whole_doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["never-red", "no-action", "survived-mutant"]);
    for n in 1..=4 {
        let (files, docs) = slices(&p, &["audit", "--mutants"], &format!("audit{n}"), n);
        let mut held: Vec<String> = docs
            .iter()
            .flat_map(|d| ids(d, "mutants", mutant_id))
            .collect();
        for doc in &docs {
            assert_eq!(doc["desired"], whole_doc["desired"], "n = {n}");
        }
        held.sort();
        let mut want = every.clone();
        want.sort();
        assert_eq!(held, want, "the union of {n} slices is every mutant once");
        let merged = merge(&p, "json", &files);
        assert_eq!(merged.code, 1, "{}", merged.stderr);
        let (merged, whole) = (timeless(merged.json()), timeless(whole_doc.clone()));
        assert_eq!(merged["findings"], whole["findings"], "n = {n}");
        assert_eq!(merged["mutants"], whole["mutants"], "n = {n}");
        assert_eq!(merged["summary"], whole["summary"], "n = {n}");
        assert_eq!(merged["partition"], json!({"k": 1, "n": 1}));
    }
}

/// Two slices of a check of the shop, as files in it.
fn two_slices(p: &Project) -> Vec<String> {
    slices(p, &["check"], "check", 2).0
}

#[test]
fn merge_names_a_slice_given_twice() {
    let p = shop();
    let files = two_slices(&p);
    let run = merge(&p, "human", &[files[0].clone(), files[0].clone()]);
    refused(
        &run,
        "slice 1/2 is given twice (check-1.json, check-1.json)",
    );
}

#[test]
fn merge_names_the_missing_slices_and_how_to_make_them() {
    let p = shop();
    let (files, _) = slices(&p, &["check"], "c", 4);
    let run = merge(&p, "human", &files[1..3]);
    refused(
        &run,
        "slices 1/4, 4/4 are missing: run `specctl check --partition K/4 --format json` for each and merge them too",
    );
    let run = merge(&p, "human", &files[..3]);
    refused(
        &run,
        "slice 4/4 is missing: run `specctl check --partition 4/4 --format json` and merge it too",
    );
}

#[test]
fn merge_refuses_slices_of_different_desired_states() {
    let p = shop();
    let first = slices(&p, &["check"], "old", 2).0;
    p.file(
        "specs/area0/shop0.feature",
        &feature("Shop 0", &[(1, 50)], false),
    );
    let second = slices(&p, &["check"], "new", 2).0;
    let old: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join(&first[0])).unwrap()).unwrap();
    let new: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join(&second[1])).unwrap()).unwrap();
    let run = merge(&p, "human", &[first[0].clone(), second[1].clone()]);
    refused(
        &run,
        &format!(
            "old-1.json and new-2.json are from different desired states ({} and {}): run every slice on the same commit, with the same FILTERs and --tags",
            old["desired"].as_str().unwrap(),
            new["desired"].as_str().unwrap()
        ),
    );
}

#[test]
fn merge_refuses_slices_counted_in_different_ns() {
    let p = shop();
    let halves = slices(&p, &["check"], "half", 2).0;
    let thirds = slices(&p, &["check"], "third", 3).0;
    let run = merge(&p, "human", &[halves[0].clone(), thirds[1].clone()]);
    refused(
        &run,
        "half-1.json is slice 1/2 and third-2.json slice 2/3: the slices of one run all have the same N",
    );
}

#[test]
fn merge_refuses_a_check_and_an_audit_together_and_formats_of_the_other_kind() {
    let p = shop();
    let checks = two_slices(&p);
    let audit = p.run(&["audit", "--format", "json", "--output", "audit.json"]);
    assert_eq!(audit.code, 1, "{}", audit.stderr);
    let run = merge(&p, "human", &[checks[0].clone(), "audit.json".into()]);
    refused(
        &run,
        "check-1.json is a check document and audit.json an audit document: merge the slices of one command at a time",
    );
    let run = merge(&p, "sarif", &checks);
    refused(
        &run,
        "--format sarif is for audit documents; check documents merge as human, json, junit or github",
    );
    let run = merge(&p, "github", &["audit.json".to_string()]);
    refused(
        &run,
        "--format github is for check documents; audit documents merge as human, json, sarif or stryker",
    );
}

#[test]
fn merge_refuses_what_is_no_run_and_what_is_no_json_at_its_line() {
    let p = shop();
    p.run(&["check", "-q"]);
    let status = p.run(&["status", "--format", "json"]);
    p.file("status.json", &status.stdout);
    let run = merge(&p, "human", &["status.json".to_string()]);
    refused(
        &run,
        "status.json names no run (it has no `desired` and `partition`): only the `--format json` documents of `specctl check` and `specctl audit` merge",
    );
    p.file("broken.json", "{\"version\": 1,\n  \"desired\": oops}\n");
    let run = merge(&p, "human", &["broken.json".to_string()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "  × broken.json:2:14: not a JSON document of `specctl check` or `specctl audit`: expected value
   ╭─[broken.json:2:14]
 1 │ {\"version\": 1,
 2 │   \"desired\": oops}
   ·              ──┬──
   ·                ╰── here
   ╰────
"
    );
    let run = merge(&p, "human", &["nowhere.json".to_string()]);
    refused(
        &run,
        "cannot read nowhere.json: No such file or directory (os error 2)",
    );
    p.file("v2.json", "{\"version\": 2}\n");
    let run = merge(&p, "human", &["v2.json".to_string()]);
    refused(
        &run,
        "v2.json is a version 2 document and this specctl reads version 1: merge with the specctl that wrote it",
    );
}

#[test]
fn a_bad_partition_is_refused_with_what_to_write() {
    let p = shop();
    let refused = |args: &[&str], message: &str| {
        let run = p.run(args);
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (
                2,
                format!("error: {message}\n\nFor more information, try '--help'.\n").as_str()
            )
        );
    };
    refused(
        &["check", "--partition", "5/4"],
        "invalid value '5/4' for '--partition <K/N>': `5/4`: there is no slice 5 of 4, K must be 1 to 4",
    );
    refused(
        &["audit", "--partition", "two"],
        "invalid value 'two' for '--partition <K/N>': `two` is not a slice: write K/N, e.g. 2/4 for the second of four slices",
    );
    let run = p.run(&["audit", "--partition", "1/2", "--adversary", "strong"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "error: the argument '--partition <K/N>' cannot be used with '--adversary <TIER>'\n\nUsage: specctl audit --partition <K/N> [FILTER]...\n\nFor more information, try '--help'.\n"
        )
    );
    refused(
        &["check", "--partition", "0/3"],
        "invalid value '0/3' for '--partition <K/N>': `0/3`: slices are counted from 1, so K must be 1 to N",
    );
}

#[test]
fn merge_exits_as_check_would_and_reports_input_errors_once() {
    let p = shop();
    p.file(
        "specs/broken.feature",
        "Feature: x\n  Scenario: y\n    Given z\n  this line is not gherkin\n",
    );
    let (files, docs) = slices(&p, &["check"], "bad", 2);
    for doc in &docs {
        assert_eq!(doc["errors"].as_array().map(Vec::len), Some(1));
    }
    let run = merge(&p, "json", &files);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["errors"][0]["file"], "specs/broken.feature");
    assert_eq!(doc["errors"].as_array().map(Vec::len), Some(1));

    let q = Project::new();
    q.file("specctl.yaml", "specs: []\n");
    for name in ["a", "b", "c"] {
        q.file(
            &format!("aspects/{name}.md"),
            &format!("---\nname: {name}\nevidence: \"true\"\n---\nHolds.\n"),
        );
    }
    let (files, _) = slices(&q, &["check"], "ok", 2);
    let run = merge(&q, "human", &files);
    assert_eq!(
        (run.code, run.stdout.lines().last()),
        (0, Some("3 passed, 0 failed"))
    );
}

#[test]
fn merge_github_annotates_the_failures_and_writes_the_step_summary() {
    let p = shop();
    let files = two_slices(&p);
    let summary = p.path().join("summary.md");
    let mut args = vec!["merge", "--format", "github"];
    args.extend(files.iter().map(String::as_str));
    let output = assert_cmd::Command::cargo_bin("specctl")
        .unwrap()
        .current_dir(p.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(&args)
        .output()
        .unwrap();
    let run = support::Run::from(output);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 7, "{}", run.stdout);
    assert_eq!(
        errors[5],
        "::error file=aspects/cannot-start.md,line=2,title=aspect%3Acannot-start (error)::the command was not found (exit 127): check the command line and PATH%0A/bin/sh: 1: ./evidence/missing.sh: not found"
    );
    assert_eq!(run.stdout.lines().last(), Some("31 passed, 7 failed"));
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.starts_with("## specctl check\n\n**31 passed, 7 failed**\n"),
        "{summary}"
    );
    let rows = summary
        .lines()
        .filter(|l| l.starts_with("| specs/") || l.starts_with("| aspect:"))
        .count();
    assert_eq!(rows, 7);
}

#[test]
fn merged_human_audit_quotes_the_source_lines() {
    let p = example();
    let (files, _) = slices(&p, &["audit", "--mutants"], "a", 2);
    fresh(&p);
    let whole = p.run(&["audit", "--mutants", "--color", "never"]);
    let merged = merge(&p, "human", &files);
    assert_eq!((merged.code, merged.stdout), (1, whole.stdout));
    let stryker: Value = serde_json::from_str(&merge(&p, "stryker", &files).stdout).unwrap();
    let sources: BTreeMap<String, Value> =
        serde_json::from_value(stryker["files"].clone()).unwrap();
    assert_eq!(sources.keys().collect::<Vec<_>>(), ["src/shop.py"]);
    assert_eq!(
        sources["src/shop.py"]["source"],
        std::fs::read_to_string(p.path().join("src/shop.py")).unwrap()
    );
}

#[test]
fn merge_refuses_slices_whose_items_are_not_the_runs() {
    let p = shop();
    let (files, mut docs) = slices(&p, &["check"], "cut", 2);
    let held = docs[0]["items"].as_array().map_or(0, Vec::len)
        + docs[1]["items"].as_array().map_or(0, Vec::len);
    // An item cut out of slice 1, as a hand-edited or truncated document would have it.
    docs[0]["items"].as_array_mut().unwrap().remove(0);
    p.file(&files[0], &docs[0].to_string());
    let run = merge(&p, "human", &files);
    refused(
        &run,
        &format!(
            "the slices' {} items are not the items of their run ({}): some are there twice, missing or edited; make every slice with the same specctl version and merge its documents unedited",
            held - 1,
            docs[0]["desired"].as_str().unwrap()
        ),
    );
}
