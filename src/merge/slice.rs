//! One document to merge, read back into the types `check` and `audit` build theirs from:
//! which run and slice it is, and what it holds.

use super::MergeError;
use crate::InputError;
use crate::audit::{Attempt, Audit, Finding, Tested};
use crate::desired::Item;
use crate::observe::Verdict;
use crate::partition::Run;
use serde::Deserialize;

/// A document of `check --format json` or `audit --format json`, from `file`.
#[derive(Debug)]
pub struct Slice {
    pub file: String,
    pub run: Run,
    pub body: Body,
}

#[derive(Debug)]
pub enum Body {
    Check(CheckSlice),
    Audit(Audit),
}

/// What a check document holds, its summary left behind: merge counts afresh.
#[derive(Debug, Deserialize)]
pub struct CheckSlice {
    pub items: Vec<Observed>,
    #[serde(default)]
    pub errors: Vec<InputError>,
    #[serde(default)]
    pub warnings: Vec<String>,
    pub summary: Took,
}

/// The only part of a summary that cannot be counted again from the items.
#[derive(Debug, Deserialize)]
pub struct Took {
    pub duration_ms: u64,
}

/// An item with its verdict, as the check document shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct Observed {
    #[serde(flatten)]
    pub item: Item,
    pub status: Option<Verdict>,
    #[serde(default)]
    pub duration_ms: u64,
    pub message: Option<String>,
    #[serde(default)]
    pub stale: bool,
}

#[derive(Deserialize)]
struct AuditRead {
    summary: AuditSummary,
    findings: Vec<Finding>,
    mutants: Vec<Tested>,
    #[serde(default)]
    adversary: Vec<Attempt>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct AuditSummary {
    duration_ms: u64,
    baseline_ms: Option<u64>,
    interrupted: bool,
}

/// The head every document to merge starts with.
#[derive(Deserialize)]
struct Head {
    version: u64,
    #[serde(default)]
    desired: Option<String>,
    #[serde(default)]
    partition: Option<crate::partition::Partition>,
    #[serde(default)]
    findings: Option<serde::de::IgnoredAny>,
}

impl Slice {
    /// Reads `text`, the content of `file`.
    pub fn parse(file: &str, text: &str) -> Result<Slice, MergeError> {
        let head: Head = typed(file, text)?;
        if head.version != u64::from(crate::report::json::VERSION) {
            return Err(MergeError::Version {
                file: file.to_string(),
                version: head.version,
            });
        }
        let (Some(desired), Some(partition)) = (head.desired, head.partition) else {
            return Err(MergeError::NotARun {
                file: file.to_string(),
            });
        };
        if partition.k == 0 || partition.k > partition.n {
            let at = InputError::new(file, 1, 1, format!("`{partition}` is not a slice"));
            return Err(MergeError::Parse(at.with_source(Some(text.into()))));
        }
        let body = if head.findings.is_some() {
            let read: AuditRead = typed(file, text)?;
            Body::Audit(Audit {
                findings: read.findings,
                mutants: read.mutants,
                warnings: read.warnings,
                baseline_ms: read.summary.baseline_ms,
                duration_ms: read.summary.duration_ms,
                interrupted: read.summary.interrupted,
                attempts: read.adversary,
                run: None,
            })
        } else {
            Body::Check(typed(file, text)?)
        };
        Ok(Slice {
            file: file.to_string(),
            run: Run { desired, partition },
            body,
        })
    }
}

/// `text` as a `T`, or the error at its line and column.
fn typed<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, MergeError> {
    serde_json::from_str(text).map_err(|err| {
        let message = format!(
            "not a JSON document of `specctl check` or `specctl audit`: {}",
            without_position(&err)
        );
        let at = InputError::new(file, err.line(), err.column(), message);
        MergeError::Parse(at.with_source(Some(text.into())))
    })
}

/// serde_json's message without its " at line L column C", which the position says already.
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_says_its_run_and_its_kind() {
        let check = r#"{"version": 1, "desired": "d", "partition": {"k": 2, "n": 3},
            "summary": {"total": 0, "duration_ms": 5}, "items": [], "errors": [], "warnings": []}"#;
        let slice = Slice::parse("c.json", check).unwrap();
        assert_eq!(
            slice.run,
            Run {
                desired: "d".into(),
                partition: crate::partition::Partition { k: 2, n: 3 }
            }
        );
        assert!(
            matches!(slice.body, Body::Check(CheckSlice { ref items, .. }) if items.is_empty())
        );
        let audit = r#"{"version": 1, "desired": "d", "partition": {"k": 1, "n": 1},
            "summary": {"duration_ms": 9, "baseline_ms": null, "interrupted": false},
            "findings": [], "mutants": [], "adversary": [], "warnings": ["w"]}"#;
        let Body::Audit(audit) = Slice::parse("a.json", audit).unwrap().body else {
            panic!("an audit document is an audit");
        };
        assert_eq!(
            (audit.duration_ms, audit.warnings),
            (9, vec!["w".to_string()])
        );
    }

    #[test]
    fn a_document_of_no_run_or_no_slice_is_refused() {
        let status = r#"{"version": 1, "summary": {"total": 0}, "items": []}"#;
        assert_eq!(
            Slice::parse("s.json", status).unwrap_err().to_string(),
            "merge: s.json names no run (it has no `desired` and `partition`): only the `--format json` documents of `specctl check` and `specctl audit` merge"
        );
        let beyond = r#"{"version": 1, "desired": "d", "partition": {"k": 3, "n": 2}}"#;
        assert_eq!(
            Slice::parse("b.json", beyond).unwrap_err().to_string(),
            "b.json:1:1: `3/2` is not a slice"
        );
        let MergeError::Parse(at) = Slice::parse("t.json", "[1,\n 2").unwrap_err() else {
            panic!("not JSON is a parse error");
        };
        assert_eq!((at.file.as_str(), at.line, at.column), ("t.json", 2, 2));
    }
}
