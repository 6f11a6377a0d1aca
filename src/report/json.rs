//! The versioned JSON documents that `check`, `plan`, `status` and `audit` print (`list`'s is
//! streamed: `list_writer`); `version` comes first, and no other key's place means anything.

use crate::InputError;
use crate::desired::Item;
use serde::Serialize;

pub const VERSION: u32 = 1;

/// The `summary` of `list`'s document (see [`super::list_writer`]).
#[derive(Debug, Serialize)]
pub struct Summary {
    pub total: usize,
}

/// One item with its verdict, as `check` and `status` print it.
#[derive(Debug, Serialize)]
pub struct Observed<'a> {
    #[serde(flatten)]
    pub item: &'a Item,
    pub status: Option<crate::observe::Verdict>,
    pub duration_ms: u64,
    pub message: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

#[derive(Debug, Serialize)]
pub struct CheckDocument<'a> {
    pub version: u32,
    /// `check` (and `merge`) only: the run's desired state and this document's slice.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub run: Option<&'a crate::partition::Run>,
    pub summary: &'a super::outcome::Counts,
    pub items: Vec<Observed<'a>>,
    pub errors: &'a [InputError],
    pub warnings: &'a [String],
}

/// The document for `specctl check` (with its `run`) and `specctl status`.
pub fn check(
    outcomes: &[super::outcome::Outcome<'_>],
    counts: &super::outcome::Counts,
    problems: (&[InputError], &[String]),
    run: Option<&crate::partition::Run>,
) -> String {
    let doc = check_document(outcomes, counts, problems, run);
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The same document on one line, as `watch --format json` prints each observation.
pub fn check_line(
    outcomes: &[super::outcome::Outcome<'_>],
    counts: &super::outcome::Counts,
    problems: (&[InputError], &[String]),
) -> String {
    let doc = check_document(outcomes, counts, problems, None);
    serde_json::to_string(&doc).unwrap_or_default()
}

fn check_document<'a>(
    outcomes: &'a [super::outcome::Outcome<'_>],
    counts: &'a super::outcome::Counts,
    (errors, warnings): (&'a [InputError], &'a [String]),
    run: Option<&'a crate::partition::Run>,
) -> CheckDocument<'a> {
    CheckDocument {
        version: VERSION,
        run,
        summary: counts,
        items: outcomes
            .iter()
            .map(|o| Observed {
                item: o.item,
                status: o.verdict,
                duration_ms: o.duration_ms,
                message: o.message.as_deref(),
                stale: o.stale,
            })
            .collect(),
        errors,
        warnings,
    }
}

/// The document for `specctl audit`. `mutants` is always there, empty without `--mutants`,
/// so a reader needs no case for its absence.
#[derive(Debug, Serialize)]
pub struct AuditDocument<'a> {
    pub version: u32,
    /// The run's desired state (the items and every mutant, before slicing) and the slice.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub run: Option<&'a crate::partition::Run>,
    pub summary: crate::audit::Summary,
    pub findings: &'a [crate::audit::Finding],
    pub mutants: &'a [crate::audit::Tested],
    /// Every adversary attempt, with its outcome and diff.
    pub adversary: &'a [crate::audit::Attempt],
    pub warnings: &'a [String],
}

pub fn audit(audit: &crate::audit::Audit) -> String {
    let doc = AuditDocument {
        version: VERSION,
        run: audit.run.as_ref(),
        summary: audit.summary(),
        findings: &audit.findings,
        mutants: &audit.mutants,
        adversary: &audit.attempts,
        warnings: &audit.warnings,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;
    use serde_json::{Value, json};

    #[test]
    fn the_audit_document_has_summary_findings_mutants_and_warnings() {
        let text = audit(&fixture::audit());
        assert!(
            text.starts_with("{\n  \"version\": 1,\n  \"summary\": {"),
            "{text}"
        );
        let doc: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "adversary",
                "findings",
                "mutants",
                "summary",
                "version",
                "warnings"
            ]
        );
        assert_eq!(doc["version"], 1);
        assert_eq!(
            doc["summary"],
            json!({
                "findings": 7, "error": 5, "warning": 1, "info": 1,
                "mutants": 4, "killed": 1, "survived": 1, "timeout": 1, "unviable": 1,
                "duration_ms": 5000, "baseline_ms": 800, "interrupted": false,
                "attempts": 0, "adversary_passes": 0
            })
        );
        assert_eq!(
            doc["findings"][1],
            json!({
                "rule": "no-outcome",
                "severity": "error",
                "item": "specs/shop.feature::buy",
                "file": "specs/shop.feature",
                "line": 2,
                "message": "`buy` has no Then step: nothing it does can fail; add a Then that checks the result"
            })
        );
        assert_eq!(doc["findings"][6]["item"], Value::Null);
        assert_eq!(
            doc["mutants"][0],
            json!({
                "file": "src/calc.py", "line": 2, "column": 10, "end_line": 2, "end_column": 11,
                "original": "<", "replacement": "<=", "operator": "comparison",
                "status": "survived", "killed_by": [],
                "covered_by": ["specs/shop.feature::pay 1", "specs/shop.feature::pay 1 #2"],
                "duration_ms": 120
            })
        );
        let statuses: Vec<&str> = doc["mutants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["survived", "killed", "timeout", "unviable"]);
        assert_eq!(doc["mutants"][3]["operator"], "statement-removed");
        assert_eq!(
            doc["warnings"],
            json!(["src/old.py is not UTF-8: not mutated"])
        );
    }

    #[test]
    fn without_mutants_the_array_is_there_and_empty() {
        let doc: Value = serde_json::from_str(&audit(&crate::audit::Audit::default())).unwrap();
        assert_eq!(doc["mutants"], json!([]));
        assert_eq!(doc["findings"], json!([]));
        assert_eq!(doc["summary"]["findings"], 0);
        assert_eq!(doc["summary"]["baseline_ms"], Value::Null);
    }
}
