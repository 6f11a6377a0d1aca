//! The static rules of `specctl audit`: pure functions over the selected items, their parsed
//! spec files and specctl.yaml, each catching a contract that a useless implementation meets.

mod duplicate_scenario;
mod evidence_cannot_fail;
mod never_red;
mod no_action;
mod no_outcome;
mod outline;
mod outline_duplicate_row;
mod outline_unused_column;
mod shell;

pub use never_red::never_red;

use super::finding::{self, Finding};
use crate::config::Config;
use crate::desired::gherkin::{Document, KeywordType};
use crate::desired::{Item, Scenario};
use std::collections::HashSet;

/// Every static finding over `items`, in reading order. `documents` are the parsed spec files
/// (root-relative path, syntax tree) the scenario items come from.
pub fn check(items: &[&Item], documents: &[(String, Document)], config: &Config) -> Vec<Finding> {
    let outlines = outline::selected(items, documents);
    let mut findings = Vec::new();
    findings.extend(no_outcome::check(items));
    findings.extend(no_action::check(items));
    findings.extend(outline_unused_column::check(&outlines));
    findings.extend(outline_duplicate_row::check(&outlines, items));
    findings.extend(duplicate_scenario::check(items));
    findings.extend(evidence_cannot_fail::check(items, config));
    finding::sort(&mut findings);
    findings
}

/// One scenario item for each Scenario (Outline) written: an Outline's rows share their
/// steps' kinds, so the rules that read only kinds judge it once, by its first selected row.
fn written_scenarios<'a>(items: &[&'a Item]) -> Vec<(&'a Item, &'a Scenario)> {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter_map(|item| item.scenario().map(|s| (*item, s)))
        .filter(|(item, s)| seen.insert((item.file.as_str(), s.scenario_line)))
        .collect()
}

/// Whether some step is of `kind`, and whether some is a `*` step, which has no kind.
fn has_kind(scenario: &Scenario, kind: KeywordType) -> (bool, bool) {
    let has = scenario.steps.iter().any(|s| s.kind == kind);
    let starred = scenario
        .steps
        .iter()
        .any(|s| s.kind == KeywordType::Unknown);
    (has, starred)
}

/// The fixtures the rules' tests share.
#[cfg(test)]
mod fixture {
    use crate::desired::Item;
    use crate::desired::gherkin::{self, Document, Flavor};

    /// A feature file's items and its syntax tree, as the audit command hands them over.
    pub(super) fn spec(file: &str, text: &str) -> (Vec<Item>, (String, Document)) {
        let items = crate::desired::item::fixture::spec(file, text);
        let document = gherkin::parse_with(text, Flavor::for_file(file)).unwrap();
        (items, (file.to_string(), document))
    }

    pub(super) fn refs(items: &[Item]) -> Vec<&Item> {
        items.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Rule;

    #[test]
    fn check_gathers_every_rule_in_reading_order() {
        let text = "Feature: f\n  Scenario: looks\n    Given a shop\n\n  Scenario: looks again\n    Given a shop\n";
        let (items, document) = fixture::spec("specs/a.feature", text);
        let mut all = fixture::refs(&items);
        let aspect = crate::desired::item::fixture::aspect("pure", "true");
        all.push(&aspect);
        let found = check(&all, &[document], &Config::default());
        let got: Vec<_> = found
            .iter()
            .map(|f| (f.rule, f.file.as_str(), f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (Rule::EvidenceCannotFail, "aspects/pure.md", 2),
                (Rule::NoOutcome, "specs/a.feature", 2),
                (Rule::NoAction, "specs/a.feature", 2),
                (Rule::NoOutcome, "specs/a.feature", 5),
                (Rule::NoAction, "specs/a.feature", 5),
                (Rule::DuplicateScenario, "specs/a.feature", 5),
            ]
        );
    }
}
