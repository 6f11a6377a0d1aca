//! The Stryker report checked against the real mutation-testing-report-schema, vendored under
//! tests/fixtures/stryker/, by a reading of the JSON Schema keywords that schema uses.

use super::*;
use crate::report::audit::fixture;
use serde_json::{Value, json};

const SCHEMA: &str =
    include_str!("../../../tests/fixtures/stryker/mutation-testing-report-schema.json");
const VALID: &str = include_str!("../../../tests/fixtures/stryker/strict-report-v2.json");
const INVALID: &str =
    include_str!("../../../tests/fixtures/stryker/missing-mutant-location-report.json");

/// What `value` breaks of `schema`, one line a problem; empty where it conforms.
fn violations(value: &Value) -> Vec<String> {
    let root: Value = serde_json::from_str(SCHEMA).unwrap();
    let mut out = Vec::new();
    check(&root, &root, value, "", &mut out);
    out
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/definitions/").unwrap();
        return check(root, &root["definitions"][name], value, path, out);
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let fits = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            other => panic!("the schema uses type {other}, which this reading does not know"),
        };
        if !fits {
            return out.push(format!("{path}: not of type {kind}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        out.push(format!("{path}: {value} is none of {allowed:?}"));
    }
    bounds(schema, value, path, out);
    pattern(schema, value, path, out);
    if let Some(object) = value.as_object() {
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().unwrap();
            if !object.contains_key(key) {
                out.push(format!("{path}: must have required property '{key}'"));
            }
        }
        for (key, item) in object {
            let child = format!("{path}/{key}");
            match schema.get("properties").and_then(|p| p.get(key)) {
                Some(property) => check(root, property, item, &child, out),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(format!("{child}: not allowed")),
                    Some(extra @ Value::Object(_)) => check(root, extra, item, &child, out),
                    _ => {}
                },
            }
        }
    }
    if let Some(array) = value.as_array() {
        if let Some(items) = schema.get("items") {
            for (i, item) in array.iter().enumerate() {
                check(root, items, item, &format!("{path}/{i}"), out);
            }
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true))
            && array
                .iter()
                .enumerate()
                .any(|(i, a)| array[..i].contains(a))
        {
            out.push(format!("{path}: items are not unique"));
        }
    }
}

/// The one `pattern` the schema uses, a version number, read by hand.
fn pattern(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(pattern) = schema.get("pattern").and_then(Value::as_str) else {
        return;
    };
    assert_eq!(
        pattern, r"^([1-2])(\.(([1-9]\d*)|0)){0,2}$",
        "a new pattern to read"
    );
    let version = value.as_str().unwrap_or_default();
    let mut parts = version.split('.');
    let major_ok = matches!(parts.next(), Some("1" | "2"));
    let rest: Vec<&str> = parts.collect();
    let rest_ok = rest.len() <= 2
        && rest.iter().all(|p| {
            *p == "0"
                || (!p.is_empty() && !p.starts_with('0') && p.chars().all(|c| c.is_ascii_digit()))
        });
    if !(major_ok && rest_ok) {
        out.push(format!("{path}: {version:?} does not match {pattern}"));
    }
}

fn bounds(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(n) = value.as_f64() else {
        return;
    };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        out.push(format!("{path}: must be >= {min}"));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        out.push(format!("{path}: must be <= {max}"));
    }
}

#[test]
fn this_reading_of_the_schema_agrees_with_the_upstream_reports() {
    assert_eq!(
        violations(&serde_json::from_str(VALID).unwrap()),
        Vec::<String>::new()
    );
    assert_eq!(
        violations(&serde_json::from_str(INVALID).unwrap()),
        vec!["/files/test.js/mutants/0/location: must have required property 'end'"]
    );
    let mut broken = serde_json::from_str::<Value>(VALID).unwrap();
    broken["files"]["foo.js"]["mutants"][0]["status"] = json!("Unviable");
    broken["thresholds"]["high"] = json!(101);
    broken["schemaVersion"] = json!("3");
    assert_eq!(violations(&broken).len(), 3, "{:?}", violations(&broken));
}

#[test]
fn the_report_conforms_to_the_schema() {
    let report: Value =
        serde_json::from_str(&stryker(&fixture::audit(), &fixture::sources())).unwrap();
    assert_eq!(violations(&report), Vec::<String>::new());
    let empty: Value = serde_json::from_str(&stryker(&Audit::default(), &BTreeMap::new())).unwrap();
    assert_eq!(violations(&empty), Vec::<String>::new());
    assert_eq!(empty["files"], json!({}));
}

#[test]
fn each_mutant_is_at_its_place_with_its_fate() {
    let sources = fixture::sources();
    let report: Value = serde_json::from_str(&stryker(&fixture::audit(), &sources)).unwrap();
    assert_eq!(report["schemaVersion"], "2");
    assert_eq!(report["thresholds"], json!({"high": 80, "low": 60}));
    assert_eq!(report["framework"]["name"], "specctl");
    let file = &report["files"]["src/calc.py"];
    assert_eq!(file["language"], "python");
    assert_eq!(file["source"], sources["src/calc.py"].as_str());
    let mutants = file["mutants"].as_array().unwrap();
    let fates: Vec<(&str, &str)> = mutants
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fates,
        vec![
            ("0", "Survived"),
            ("1", "Killed"),
            ("2", "Timeout"),
            ("3", "RuntimeError")
        ]
    );
    assert_eq!(
        mutants[0],
        json!({
            "id": "0",
            "mutatorName": "comparison",
            "replacement": "<=",
            "location": {"start": {"line": 2, "column": 10}, "end": {"line": 2, "column": 11}},
            "status": "Survived",
            "killedBy": [],
            "coveredBy": ["specs/shop.feature::pay 1", "specs/shop.feature::pay 1 #2"],
            "duration": 120
        })
    );
    assert_eq!(mutants[1]["killedBy"], json!(["specs/shop.feature::pay 1"]));
    assert!(
        mutants[3]["statusReason"]
            .as_str()
            .unwrap()
            .starts_with("every item errored")
    );
    assert_eq!(
        report["testFiles"]["specs/shop.feature"]["tests"],
        json!([
            {"id": "specs/shop.feature::pay 1", "name": "pay 1"},
            {"id": "specs/shop.feature::pay 1 #2", "name": "pay 1 #2"}
        ])
    );
    assert_eq!(
        report["performance"],
        json!({"setup": 0, "initialRun": 800, "mutation": 4200})
    );
}

#[test]
fn the_language_follows_the_extension() {
    let got: Vec<&str> = ["a.py", "a.mjs", "a.tsx", "a.rs", "a.go", "Makefile"]
        .into_iter()
        .map(language)
        .collect();
    assert_eq!(
        got,
        [
            "python",
            "javascript",
            "typescript",
            "rust",
            "go",
            "plaintext"
        ]
    );
}
