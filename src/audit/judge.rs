//! Findings from the mutants' fates: a survivor at its source line with the items that
//! should have caught it, and `never-red` for the items no mutant made fail.

use super::{Finding, Rule, Severity, Status, Tested};
use std::collections::BTreeSet;

/// One `survived-mutant` error per surviving mutant.
pub(crate) fn survivors(tested: &[Tested]) -> Vec<Finding> {
    tested
        .iter()
        .filter(|t| t.status == Status::Survived)
        .map(|t| {
            let m = &t.mutant;
            survivor(
                &m.file,
                m.line,
                (&m.original, &m.replacement, m.operator.as_str()),
                &t.covered_by,
            )
        })
        .collect()
}

/// The `survived-mutant` finding for one survivor: `change` is (original, replacement,
/// operator), `covered_by` the items that should have caught it.
pub(crate) fn survivor(
    file: &str,
    line: usize,
    change: (&str, &str, &str),
    covered_by: &[String],
) -> Finding {
    let catchers = if covered_by.is_empty() {
        "no item's evidence `inputs` cover this file".to_string()
    } else {
        format!(
            "these items should have caught it: {}",
            covered_by.join(", ")
        )
    };
    let (original, replacement, operator) = change;
    Finding {
        rule: Rule::SurvivedMutant,
        severity: Severity::Error,
        item: None,
        file: file.to_string(),
        line,
        message: format!(
            "`{original}` -> `{replacement}` ({operator}) and every item still passed; {catchers}"
        ),
    }
}

/// The ids some mutant of this run killed.
pub(crate) fn killers(tested: &[Tested]) -> BTreeSet<String> {
    tested
        .iter()
        .flat_map(|t| t.killed_by.iter().cloned())
        .collect()
}

/// The ids that some tried mutant was covered by: only those can be judged by mutants.
pub(crate) fn judged(tested: &[Tested]) -> BTreeSet<String> {
    tested
        .iter()
        .filter(|t| t.status != Status::Unviable)
        .flat_map(|t| t.covered_by.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Mutant, Operator};

    fn tested(status: Status, killed_by: &[&str], covered_by: &[&str]) -> Tested {
        Tested {
            mutant: Mutant {
                file: "src/shop.py".into(),
                line: 7,
                column: 12,
                end_line: 7,
                end_column: 14,
                start: 0,
                end: 0,
                original: ">=".into(),
                replacement: "<".into(),
                operator: Operator::Comparison,
            },
            status,
            killed_by: killed_by.iter().map(|s| s.to_string()).collect(),
            covered_by: covered_by.iter().map(|s| s.to_string()).collect(),
            duration_ms: 3,
        }
    }

    #[test]
    fn a_survivor_is_an_error_at_its_line_naming_who_should_have_caught_it() {
        let found = survivors(&[
            tested(Status::Survived, &[], &["specs/a.feature::Buy"]),
            tested(
                Status::Killed,
                &["specs/a.feature::Buy"],
                &["specs/a.feature::Buy"],
            ),
            tested(Status::Unviable, &[], &[]),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (
                found[0].rule,
                found[0].severity,
                found[0].file.as_str(),
                found[0].line
            ),
            (Rule::SurvivedMutant, Severity::Error, "src/shop.py", 7)
        );
        assert_eq!(
            found[0].message,
            "`>=` -> `<` (comparison) and every item still passed; these items should have caught it: specs/a.feature::Buy"
        );
    }

    #[test]
    fn killers_and_judged_items_leave_out_unviable_mutants() {
        let all = [
            tested(Status::Killed, &["a"], &["a", "b"]),
            tested(Status::Unviable, &[], &["c"]),
        ];
        assert_eq!(killers(&all), BTreeSet::from(["a".to_string()]));
        assert_eq!(
            judged(&all),
            BTreeSet::from(["a".to_string(), "b".to_string()])
        );
    }
}
