//! Audit findings as the page shows them: each at its line, a surviving mutant with its diff
//! against the source as it is now, and the items that should have caught it.

use crate::audit::Finding;
use crate::audit::judge::survivor;
use crate::store::{AuditRow, MutantRow};
use serde_json::{Value, json};

/// What the audit view reads besides the store: the items covering a file and a file's text.
pub struct Sources<'a> {
    pub covered_by: &'a dyn Fn(&str) -> Vec<String>,
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

/// The audit document: the static findings of the contract as it stands, then the newest
/// recorded audit's survivors.
pub fn document(static_findings: &[Finding], audit: Option<&AuditRow>, sources: &Sources) -> Value {
    let mut findings: Vec<Value> = static_findings.iter().map(finding).collect();
    if let Some(a) = audit {
        findings.extend(
            a.mutants
                .iter()
                .filter(|m| m.status == "survived")
                .map(|m| survived(m, sources)),
        );
    }
    // The worst first, so a glance finds the errors; by file and line within each.
    let rank = |f: &Value| match f["severity"].as_str() {
        Some("error") => 0,
        Some("warning") => 1,
        _ => 2,
    };
    findings.sort_by_key(rank);
    // Each at its line: the line itself, as the file has it now.
    for f in &mut findings {
        let (file, line) = (f["file"].as_str(), f["line"].as_u64());
        let text = file.zip(line).and_then(|(file, line)| {
            let source = (sources.read)(file)?;
            let line = usize::try_from(line).ok()?.checked_sub(1)?;
            source.lines().nth(line).map(String::from)
        });
        f["text"] = json!(text);
    }
    let count =
        |status: &str| audit.map(|a| a.mutants.iter().filter(|m| m.status == status).count());
    json!({
        "version": crate::report::json::VERSION,
        "audit": audit.map(|a| json!({
            "id": a.id,
            "started_at_ms": a.started_at_ms,
            "duration_ms": a.duration_ms,
            "interrupted": a.interrupted,
            "mutants": a.mutants.len(),
            "killed": count("killed"),
            "survived": count("survived"),
        })),
        "findings": findings,
    })
}

fn finding(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity,
        "item": f.item,
        "file": f.file,
        "line": f.line,
        "message": f.message,
    })
}

fn survived(m: &MutantRow, sources: &Sources) -> Value {
    let covered = (sources.covered_by)(&m.file);
    let found = survivor(
        &m.file,
        m.line,
        (&m.original, &m.replacement, &m.operator),
        &covered,
    );
    let mut value = finding(&found);
    let source = (sources.read)(&m.file);
    let diff = source.as_deref().and_then(|s| diff(m, s));
    value["should_catch"] = json!(covered);
    value["diff"] = json!(diff);
    if diff.is_none() {
        value["no_diff"] = json!(format!(
            "{} no longer holds `{}` at line {}, column {}: it changed since the audit",
            m.file, m.original, m.line, m.column
        ));
    }
    value
}

/// The mutant as a unified diff of its file; `None` where the file no longer holds the
/// original text at the mutant's place.
pub fn diff(m: &MutantRow, source: &str) -> Option<String> {
    let start = offset(source, m.line, m.column)?;
    let end = start + m.original.len();
    if source.get(start..end)? != m.original {
        return None;
    }
    let mutated = format!("{}{}{}", &source[..start], m.replacement, &source[end..]);
    Some(crate::reconcile::workspace::unified(
        &m.file,
        Some(source.as_bytes()),
        Some(mutated.as_bytes()),
    ))
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let mut at = 0;
    for _ in 1..line {
        at += source[at..].find('\n')? + 1;
    }
    let rest = &source[at..];
    let within = rest
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(rest.len(), |(i, _)| i);
    Some(at + within)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Rule, Severity};

    const GRADE: &str = "def grade(score):\n    if score >= 90:\n        return \"gold\"\n";

    fn mutant(status: &str, column: usize) -> MutantRow {
        MutantRow {
            file: "src/grade.py".into(),
            line: 2,
            column,
            original: ">=".into(),
            replacement: ">".into(),
            operator: "comparison".into(),
            status: status.into(),
            killed_by: vec![],
        }
    }

    #[test]
    fn a_survivor_has_its_diff_and_the_items_that_should_have_caught_it() {
        let audit = AuditRow {
            id: 1,
            started_at_ms: 0,
            duration_ms: 50,
            interrupted: false,
            mutants: vec![mutant("survived", 14), mutant("killed", 14)],
        };
        let stated = Finding {
            rule: Rule::NoOutcome,
            severity: Severity::Error,
            item: Some("specs/a.feature::A".into()),
            file: "specs/a.feature".into(),
            line: 2,
            message: "no Then".into(),
        };
        let sources = Sources {
            covered_by: &|_| vec!["aspect:grade".to_string()],
            read: &|_| Some(GRADE.to_string()),
        };
        let hint = Finding {
            rule: Rule::NeverRed,
            severity: Severity::Info,
            ..stated.clone()
        };
        let doc = document(&[hint, stated], Some(&audit), &sources);
        let findings = doc["findings"].as_array().unwrap();
        let rules: Vec<&str> = findings
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["no-outcome", "survived-mutant", "never-red"]);
        assert_eq!(findings[0]["rule"], "no-outcome");
        assert_eq!(findings[0]["text"], "    if score >= 90:");
        assert_eq!(findings[1]["text"], "    if score >= 90:");
        let s = &findings[1];
        assert_eq!(s["rule"], "survived-mutant");
        assert_eq!(
            (s["file"].as_str(), s["line"].as_u64()),
            (Some("src/grade.py"), Some(2))
        );
        assert_eq!(s["should_catch"], json!(["aspect:grade"]));
        let diff = s["diff"].as_str().unwrap();
        assert!(
            diff.contains("-    if score >= 90:\n+    if score > 90:\n"),
            "{diff}"
        );
        assert_eq!(doc["audit"]["survived"], 1);
        assert_eq!(doc["audit"]["killed"], 1);
    }

    #[test]
    fn a_file_changed_since_the_audit_has_no_diff_and_says_so() {
        assert_eq!(diff(&mutant("survived", 3), GRADE), None);
        let audit = AuditRow {
            id: 1,
            started_at_ms: 0,
            duration_ms: 50,
            interrupted: false,
            mutants: vec![mutant("survived", 3)],
        };
        let sources = Sources {
            covered_by: &|_| vec![],
            read: &|_| Some(GRADE.to_string()),
        };
        let doc = document(&[], Some(&audit), &sources);
        assert_eq!(doc["findings"][0]["diff"], Value::Null);
        assert_eq!(
            doc["findings"][0]["no_diff"],
            "src/grade.py no longer holds `>=` at line 2, column 3: it changed since the audit"
        );
        assert_eq!(document(&[], None, &sources)["audit"], Value::Null);
    }
}
