//! Checks the parser and compiler against the official Cucumber Gherkin conformance data:
//! AST and pickles for testdata/good (`.feature` and `.feature.md`), errors for testdata/bad.

use std::collections::HashMap;
use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use specctl::desired::gherkin::{
    self, Background, Document, Examples, FeatureChild, Flavor, Location, Pickle, PickleStep,
    RuleChild, Scenario, Step, StepArgument, TableRow, Tag,
};

const TESTDATA: &str = "shared/conformance/gherkin/testdata";

/// `SPECCTL_GHERKIN_TESTDATA`, else the first `shared/conformance/gherkin/testdata` found
/// walking up from the manifest directory. Also returns where it looked.
fn testdata_dir() -> (Option<PathBuf>, Vec<PathBuf>) {
    if let Some(dir) = std::env::var_os("SPECCTL_GHERKIN_TESTDATA") {
        let dir = PathBuf::from(dir);
        return (dir.is_dir().then(|| dir.clone()), vec![dir]);
    }
    let mut looked = Vec::new();
    let mut dir = Some(Path::new(env!("CARGO_MANIFEST_DIR")));
    while let Some(current) = dir {
        let candidate = current.join(TESTDATA);
        if candidate.is_dir() {
            return (Some(candidate), looked);
        }
        looked.push(candidate);
        dir = current.parent();
    }
    (None, looked)
}

/// The sources of `dir` whose names end in `suffix` (`.feature` or `.feature.md`).
fn features(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| name_of(path).ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn ndjson(path: &Path) -> Vec<Value> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
        })
        .collect()
}

fn sibling(feature: &Path, suffix: &str) -> PathBuf {
    let mut name = feature.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn location_of(value: &Value) -> Location {
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0)
    };
    Location {
        line: field("line"),
        column: field("column"),
    }
}

fn str_of<'a>(value: &'a Value, name: &str) -> &'a str {
    value.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Node id -> (location, keyword) for every AST node that has an id.
fn ast_index(value: &Value, index: &mut HashMap<String, (Location, Option<String>)>) {
    match value {
        Value::Object(map) => {
            if let (Some(id), Some(location)) = (map.get("id"), map.get("location"))
                && let Some(id) = id.as_str()
            {
                let keyword = map
                    .get("keyword")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                index.insert(id.to_string(), (location_of(location), keyword));
            }
            map.values().for_each(|child| ast_index(child, index));
        }
        Value::Array(items) => items.iter().for_each(|child| ast_index(child, index)),
        _ => {}
    }
}

// Our AST in the official message shape, ids left out, to compare with `.ast.ndjson`.

fn location_json(location: Location) -> Value {
    json!({"line": location.line, "column": location.column})
}

fn tags_json(tags: &[Tag]) -> Value {
    tags.iter()
        .map(|tag| json!({"location": location_json(tag.location), "name": tag.name}))
        .collect()
}

fn row_json(row: &TableRow) -> Value {
    let cells: Vec<Value> = row
        .cells
        .iter()
        .map(|cell| json!({"location": location_json(cell.location), "value": cell.value}))
        .collect();
    json!({"cells": cells, "location": location_json(row.location)})
}

fn step_json(step: &Step) -> Value {
    let mut out = json!({
        "keyword": step.keyword,
        "keywordType": format!("{:?}", step.keyword_type),
        "location": location_json(step.location),
        "text": step.text,
    });
    if let Some(table) = &step.data_table {
        out["dataTable"] = json!({
            "location": location_json(table.location),
            "rows": table.rows.iter().map(row_json).collect::<Vec<_>>(),
        });
    }
    if let Some(doc) = &step.doc_string {
        out["docString"] = json!({
            "content": doc.content,
            "delimiter": doc.delimiter,
            "location": location_json(doc.location),
        });
        if let Some(media_type) = &doc.media_type {
            out["docString"]["mediaType"] = json!(media_type);
        }
    }
    out
}

fn background_json(background: &Background) -> Value {
    json!({"background": {
        "description": background.description,
        "keyword": background.keyword,
        "location": location_json(background.location),
        "name": background.name,
        "steps": background.steps.iter().map(step_json).collect::<Vec<_>>(),
    }})
}

fn examples_json(examples: &Examples) -> Value {
    let mut out = json!({
        "description": examples.description,
        "keyword": examples.keyword,
        "location": location_json(examples.location),
        "name": examples.name,
        "tableBody": examples.table_body.iter().map(row_json).collect::<Vec<_>>(),
        "tags": tags_json(&examples.tags),
    });
    if let Some(header) = &examples.table_header {
        out["tableHeader"] = row_json(header);
    }
    out
}

fn scenario_json(scenario: &Scenario) -> Value {
    json!({"scenario": {
        "description": scenario.description,
        "examples": scenario.examples.iter().map(examples_json).collect::<Vec<_>>(),
        "keyword": scenario.keyword,
        "location": location_json(scenario.location),
        "name": scenario.name,
        "steps": scenario.steps.iter().map(step_json).collect::<Vec<_>>(),
        "tags": tags_json(&scenario.tags),
    }})
}

fn document_json(doc: &Document) -> Value {
    let comments: Vec<Value> = doc
        .comments
        .iter()
        .map(|c| json!({"location": location_json(c.location), "text": c.text}))
        .collect();
    let mut out = json!({"comments": comments});
    if let Some(feature) = &doc.feature {
        let children: Vec<Value> = feature
            .children
            .iter()
            .map(|child| match child {
                FeatureChild::Background(background) => background_json(background),
                FeatureChild::Scenario(scenario) => scenario_json(scenario),
                FeatureChild::Rule(rule) => json!({"rule": {
                    "children": rule.children.iter().map(|child| match child {
                        RuleChild::Background(background) => background_json(background),
                        RuleChild::Scenario(scenario) => scenario_json(scenario),
                    }).collect::<Vec<_>>(),
                    "description": rule.description,
                    "keyword": rule.keyword,
                    "location": location_json(rule.location),
                    "name": rule.name,
                    "tags": tags_json(&rule.tags),
                }}),
            })
            .collect();
        out["feature"] = json!({
            "children": children,
            "description": feature.description,
            "language": feature.language,
            "location": location_json(feature.location),
            "name": feature.name,
            "tags": tags_json(&feature.tags),
        });
        // A Markdown feature without a `# Feature:` heading has no keyword: the official
        // message leaves the field out.
        if !feature.keyword.is_empty() {
            out["feature"]["keyword"] = json!(feature.keyword);
        }
    }
    out
}

/// The official JSON without ids and uri, which we do not produce.
fn without_ids(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| *key != "id" && *key != "uri")
                .map(|(key, child)| (key.clone(), without_ids(child)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_ids).collect()),
        other => other.clone(),
    }
}

/// First differing path between two JSON values.
fn json_diff(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            let extra = got.keys().filter(|key| !want.contains_key(*key));
            for key in want.keys().chain(extra) {
                let (a, b) = (
                    want.get(key).unwrap_or(&Value::Null),
                    got.get(key).unwrap_or(&Value::Null),
                );
                if let Some(diff) = json_diff(&format!("{path}.{key}"), a, b) {
                    return Some(diff);
                }
            }
            None
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => want
            .iter()
            .zip(got)
            .enumerate()
            .find_map(|(i, (a, b))| json_diff(&format!("{path}[{i}]"), a, b)),
        _ if expected == actual => None,
        _ => Some(format!(
            "{path}\n    expected: {expected}\n    actual:   {actual}"
        )),
    }
}

struct Diffs<'a> {
    file: &'a str,
    out: Vec<String>,
}

impl Diffs<'_> {
    fn check<T: PartialEq + Debug>(&mut self, what: &str, expected: T, actual: T) {
        if expected != actual {
            self.out.push(format!(
                "{}: {what}\n    expected: {expected:?}\n    actual:   {actual:?}",
                self.file
            ));
        }
    }
}

type DocArg = (String, Option<String>);

/// A pickle step's arguments: the doc string, the table, and which kinds in source order.
type Arguments = (Option<DocArg>, Option<Vec<Vec<String>>>, Vec<&'static str>);

fn expected_arguments(step: &Value) -> Arguments {
    let argument = step.get("argument");
    let index = |kind: &str| {
        argument.and_then(|a| a.get(kind)).map(|arg| {
            arg.get("argumentIndex")
                .and_then(Value::as_u64)
                .unwrap_or(1)
        })
    };
    let mut order: Vec<(u64, &'static str)> = [("docString", "doc"), ("dataTable", "table")]
        .into_iter()
        .filter_map(|(kind, short)| index(kind).map(|i| (i, short)))
        .collect();
    order.sort();
    let doc = argument.and_then(|a| a.get("docString")).map(|doc| {
        (
            str_of(doc, "content").to_string(),
            doc.get("mediaType")
                .and_then(Value::as_str)
                .map(str::to_string),
        )
    });
    let table = argument.and_then(|a| a.get("dataTable")).map(|table| {
        table["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|row| {
                row["cells"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|cell| str_of(cell, "value").to_string())
                    .collect()
            })
            .collect()
    });
    (
        doc,
        table,
        order.into_iter().map(|(_, kind)| kind).collect(),
    )
}

fn actual_arguments(step: &PickleStep) -> Arguments {
    let mut doc = None;
    let mut table = None;
    let mut order = Vec::new();
    for argument in [&step.argument, &step.extra_argument].into_iter().flatten() {
        match argument {
            StepArgument::DocString {
                content,
                media_type,
                ..
            } => {
                doc = Some((content.clone(), media_type.clone()));
                order.push("doc");
            }
            StepArgument::DataTable { rows } => {
                table = Some(rows.clone());
                order.push("table");
            }
        }
    }
    (doc, table, order)
}

fn compare_pickles(
    diffs: &mut Diffs<'_>,
    expected: &[Value],
    actual: &[Pickle],
    ast: &HashMap<String, (Location, Option<String>)>,
) {
    diffs.check("pickle count", expected.len(), actual.len());
    for (i, (want, got)) in expected.iter().zip(actual).enumerate() {
        let p = format!("pickle[{i}]");
        diffs.check(&format!("{p}.name"), str_of(want, "name"), &got.name);
        diffs.check(
            &format!("{p}.language"),
            str_of(want, "language"),
            &got.language,
        );
        diffs.check(
            &format!("{p}.location"),
            location_of(&want["location"]),
            got.location,
        );
        let tags: Vec<&str> = want["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|tag| str_of(tag, "name"))
            .collect();
        let got_tags: Vec<&str> = got.tags.iter().map(|tag| tag.name.as_str()).collect();
        diffs.check(&format!("{p}.tags"), tags, got_tags);
        if let Some((_, Some(keyword))) = want["astNodeIds"][0].as_str().and_then(|id| ast.get(id))
        {
            diffs.check(&format!("{p}.keyword"), keyword.as_str(), &got.keyword);
        }

        let steps = want["steps"].as_array().cloned().unwrap_or_default();
        diffs.check(&format!("{p}.steps count"), steps.len(), got.steps.len());
        for (j, (want_step, got_step)) in steps.iter().zip(&got.steps).enumerate() {
            let s = format!("{p}.steps[{j}]");
            diffs.check(
                &format!("{s}.text"),
                str_of(want_step, "text"),
                &got_step.text,
            );
            diffs.check(
                &format!("{s}.type"),
                str_of(want_step, "type").to_string(),
                format!("{:?}", got_step.keyword_type),
            );
            diffs.check(
                &format!("{s}.argument"),
                expected_arguments(want_step),
                actual_arguments(got_step),
            );
            let ast_step = want_step["astNodeIds"][0]
                .as_str()
                .and_then(|id| ast.get(id));
            if let Some((location, keyword)) = ast_step {
                diffs.check(&format!("{s}.location"), *location, got_step.location);
                if let Some(keyword) = keyword {
                    diffs.check(&format!("{s}.keyword"), keyword.as_str(), &got_step.keyword);
                }
            }
        }
    }
}

fn check_good(file: &Path, failures: &mut Vec<String>) -> bool {
    let name = name_of(file);
    let source = match fs::read_to_string(file) {
        Ok(source) => source,
        Err(e) => {
            failures.push(format!("{name}: cannot read: {e}"));
            return false;
        }
    };
    let doc = match gherkin::parse_with(&source, Flavor::for_file(&name)) {
        Ok(doc) => doc,
        Err(errors) => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            failures.push(format!(
                "{name}: parse failed:\n    {}",
                errors.join("\n    ")
            ));
            return false;
        }
    };
    let pickles = gherkin::compile(&doc);
    let expected: Vec<Value> = ndjson(&sibling(file, ".pickles.ndjson"))
        .into_iter()
        .filter_map(|envelope| envelope.get("pickle").cloned())
        .collect();
    let mut ast = HashMap::new();
    let ast_file = sibling(file, ".ast.ndjson");
    if ast_file.exists() {
        ndjson(&ast_file)
            .iter()
            .for_each(|v| ast_index(v, &mut ast));
    }
    let mut diffs = Diffs {
        file: &name,
        out: Vec::new(),
    };
    if ast_file.exists() {
        let expected_ast = ndjson(&ast_file)
            .first()
            .map(|v| without_ids(&v["gherkinDocument"]))
            .unwrap_or_default();
        if let Some(diff) = json_diff("ast", &expected_ast, &document_json(&doc)) {
            diffs.out.push(format!("{name}: {diff}"));
        }
    }
    compare_pickles(&mut diffs, &expected, &pickles, &ast);
    let ok = diffs.out.is_empty();
    failures.extend(diffs.out);
    ok
}

fn check_bad(file: &Path, failures: &mut Vec<String>) -> bool {
    let name = name_of(file);
    let source = match fs::read_to_string(file) {
        Ok(source) => source,
        Err(e) => {
            failures.push(format!("{name}: cannot read: {e}"));
            return false;
        }
    };
    let expected: Vec<(Location, String)> = ndjson(&sibling(file, ".errors.ndjson"))
        .iter()
        .filter_map(|envelope| envelope.get("parseError"))
        .map(|error| {
            (
                location_of(&error["source"]["location"]),
                str_of(error, "message").to_string(),
            )
        })
        .collect();
    let actual: Vec<(Location, String)> = match gherkin::parse(&source) {
        Ok(_) => {
            failures.push(format!(
                "{name}: parsed without error, expected {expected:?}"
            ));
            return false;
        }
        Err(errors) => errors
            .iter()
            .map(|error| (error.location, error.to_string()))
            .collect(),
    };
    let mut diffs = Diffs {
        file: &name,
        out: Vec::new(),
    };
    diffs.check("error count", expected.len(), actual.len());
    for (i, (want, got)) in expected.iter().zip(&actual).enumerate() {
        diffs.check(&format!("error[{i}].location"), want.0, got.0);
        diffs.check(&format!("error[{i}].message"), &want.1, &got.1);
    }
    let ok = diffs.out.is_empty();
    failures.extend(diffs.out);
    ok
}

#[test]
fn official_conformance_data() {
    let (dir, looked) = testdata_dir();
    let Some(dir) = dir else {
        let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
        let message = format!(
            "gherkin conformance data not found (set SPECCTL_GHERKIN_TESTDATA); looked in: {}",
            looked.join(", ")
        );
        if std::env::var("SPECCTL_REQUIRE_CONFORMANCE").is_ok_and(|v| v == "1") {
            panic!("{message}");
        }
        println!("skipping: {message}");
        return;
    };

    let mut failures = Vec::new();
    let mut count = |files: &[PathBuf], check: fn(&Path, &mut Vec<String>) -> bool| {
        let ok = files
            .iter()
            .filter(|file| check(file, &mut failures))
            .count();
        (ok, files.len())
    };
    let good_classic = count(&features(&dir.join("good"), ".feature"), check_good);
    let good_markdown = count(&features(&dir.join("good"), ".feature.md"), check_good);
    let bad = count(&features(&dir.join("bad"), ".feature"), check_bad);

    println!(
        "good .feature {}/{}, good .feature.md {}/{}, bad {}/{} ({})",
        good_classic.0,
        good_classic.1,
        good_markdown.0,
        good_markdown.1,
        bad.0,
        bad.1,
        dir.display()
    );
    println!(
        "read differently: .feature {}, .feature.md {}, bad {}",
        good_classic.1 - good_classic.0,
        good_markdown.1 - good_markdown.0,
        bad.1 - bad.0
    );
    for failure in &failures {
        println!("{failure}");
    }
    assert!(
        good_classic.1 > 0 && good_markdown.1 > 0 && bad.1 > 0,
        "no conformance files in {}",
        dir.display()
    );
    assert!(
        failures.is_empty(),
        "{} conformance mismatches",
        failures.len()
    );
}
