//! `specctl audit --format stryker`: the mutants as a mutation-testing-report-schema (version 2)
//! document, which the mutation-testing-elements HTML viewer shows file by file.

use crate::audit::{Audit, Status, Tested};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: &str = "2";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    schema_version: &'static str,
    thresholds: Thresholds,
    files: BTreeMap<&'a str, FileResult<'a>>,
    test_files: BTreeMap<String, TestFile>,
    framework: Framework,
    #[serde(skip_serializing_if = "Option::is_none")]
    performance: Option<Performance>,
}

#[derive(Serialize)]
struct Thresholds {
    high: u8,
    low: u8,
}

#[derive(Serialize)]
struct FileResult<'a> {
    language: &'static str,
    source: &'a str,
    mutants: Vec<MutantResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MutantResult<'a> {
    id: String,
    mutator_name: &'static str,
    replacement: &'a str,
    location: Location,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_reason: Option<&'static str>,
    killed_by: &'a [String],
    covered_by: &'a [String],
    duration: u64,
}

#[derive(Serialize)]
struct Location {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct TestFile {
    tests: Vec<TestDefinition>,
}

#[derive(Serialize)]
struct TestDefinition {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct Framework {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Performance {
    setup: u64,
    initial_run: u64,
    mutation: u64,
}

/// The report over `audit.mutants`; `sources` holds each mutated file's text as it was
/// before any mutant (the viewer draws each change over it). A mutant's id is its index
/// among the audit's mutants, stable while the same code is mutated the same way.
pub fn stryker(audit: &Audit, sources: &BTreeMap<String, String>) -> String {
    let mut files: BTreeMap<&str, FileResult<'_>> = BTreeMap::new();
    for (index, tested) in audit.mutants.iter().enumerate() {
        let file = tested.mutant.file.as_str();
        files
            .entry(file)
            .or_insert_with(|| FileResult {
                language: language(file),
                source: sources.get(file).map_or("", String::as_str),
                mutants: Vec::new(),
            })
            .mutants
            .push(mutant(index, tested));
    }
    let report = Report {
        schema_version: SCHEMA_VERSION,
        thresholds: Thresholds { high: 80, low: 60 },
        files,
        test_files: test_files(&audit.mutants),
        framework: Framework {
            name: "specctl",
            version: env!("CARGO_PKG_VERSION"),
        },
        performance: audit.baseline_ms.map(|baseline| Performance {
            setup: 0,
            initial_run: baseline,
            mutation: audit.duration_ms.saturating_sub(baseline),
        }),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

fn mutant(index: usize, tested: &Tested) -> MutantResult<'_> {
    let m = &tested.mutant;
    let (status, status_reason) = match tested.status {
        Status::Killed => ("Killed", None),
        Status::Survived => ("Survived", None),
        Status::Timeout => ("Timeout", None),
        // The schema's word for a mutant the code cannot run with.
        Status::Unviable => (
            "RuntimeError",
            Some("every item errored: the mutant does not build, or crashes at once"),
        ),
    };
    MutantResult {
        id: index.to_string(),
        mutator_name: m.operator.as_str(),
        replacement: &m.replacement,
        // The schema's positions start at 1, as ours do; its end is exclusive, as ours is.
        location: Location {
            start: Position {
                line: m.line.max(1),
                column: m.column.max(1),
            },
            end: Position {
                line: m.end_line.max(1),
                column: m.end_column.max(1),
            },
        },
        status,
        status_reason,
        killed_by: &tested.killed_by,
        covered_by: &tested.covered_by,
        duration: tested.duration_ms,
    }
}

/// The items named as killers or coverers, as the viewer's tests: a scenario under its spec
/// file (`<file>::<name>`), an aspect under `aspects`.
fn test_files(mutants: &[Tested]) -> BTreeMap<String, TestFile> {
    let mut ids: Vec<&String> = mutants
        .iter()
        .flat_map(|t| t.killed_by.iter().chain(&t.covered_by))
        .collect();
    ids.sort();
    ids.dedup();
    let mut files: BTreeMap<String, TestFile> = BTreeMap::new();
    for id in ids {
        let (file, name) = id.split_once("::").unwrap_or(("aspects", id.as_str()));
        files
            .entry(file.to_string())
            .or_insert_with(|| TestFile { tests: Vec::new() })
            .tests
            .push(TestDefinition {
                id: id.clone(),
                name: name.to_string(),
            });
    }
    files
}

/// The viewer's highlighting language, by the file's extension.
fn language(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "py" | "pyi" => "python",
        "js" | "mjs" | "cjs" | "jsx" => "javascript",
        "ts" | "mts" | "cts" | "tsx" => "typescript",
        "rs" => "rust",
        "go" => "go",
        _ => "plaintext",
    }
}

#[cfg(test)]
mod tests;
