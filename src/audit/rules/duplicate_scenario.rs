//! `duplicate-scenario`: a scenario whose pickled steps equal an earlier one's, in any file
//! of the selection: it proves nothing the first does not, and one of them may be a slip.

use crate::audit::{Finding, Rule, Severity};
use crate::desired::gherkin::KeywordType;
use crate::desired::{Item, Scenario};
use std::collections::HashMap;

/// A step as it runs: its kind (not its keyword's words, so `And` and `Given` compare
/// alike), its text, and its arguments.
type StepKey<'a> = (
    KeywordType,
    &'a str,
    Option<(&'a str, Option<&'a str>)>,
    Option<&'a [Vec<String>]>,
);

/// What runs: the steps, and the runner that gives them meaning (the same steps under two
/// runners run two different step definitions).
type Key<'a> = (Option<&'a str>, Vec<StepKey<'a>>);

/// One warning per later scenario, at its line, naming the first with the same steps.
/// Scenarios with no steps are `no-outcome`'s; two rows of one Outline with the same name
/// differ only in unused columns, which `outline-duplicate-row` reports.
pub(super) fn check(items: &[&Item]) -> Vec<Finding> {
    let mut first: HashMap<Key<'_>, (&Item, &Scenario)> = HashMap::new();
    let mut out = Vec::new();
    for item in items {
        let Some(scenario) = item.scenario().filter(|s| !s.steps.is_empty()) else {
            continue;
        };
        let key = (scenario.runner.as_deref(), steps(scenario));
        let Some(&(earlier, earlier_scenario)) = first.get(&key) else {
            first.insert(key, (item, scenario));
            continue;
        };
        if same_outline_row(earlier, earlier_scenario, item, scenario) {
            continue;
        }
        out.push(Finding {
            rule: Rule::DuplicateScenario,
            severity: Severity::Warning,
            item: Some(item.id.clone()),
            file: item.file.clone(),
            line: item.line,
            message: format!(
                "`{}` has the same steps as `{}` at {}:{}: it proves nothing that one does not; make it check something else, or delete one",
                item.name, earlier.name, earlier.file, earlier.line
            ),
        });
    }
    out
}

fn steps(scenario: &Scenario) -> Vec<StepKey<'_>> {
    scenario
        .steps
        .iter()
        .map(|s| {
            (
                s.kind,
                s.text.as_str(),
                s.doc_string
                    .as_ref()
                    .map(|d| (d.content.as_str(), d.media_type.as_deref())),
                s.data_table.as_deref(),
            )
        })
        .collect()
}

fn same_outline_row(a: &Item, a_scenario: &Scenario, b: &Item, b_scenario: &Scenario) -> bool {
    a.file == b.file
        && a_scenario.scenario_line == b_scenario.scenario_line
        && a_scenario.example.is_some()
        && a.name == b.name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::fixture;
    use crate::desired::item::fixture::scenario_mut;

    #[test]
    fn a_later_scenario_with_the_same_steps_is_a_warning_naming_the_first() {
        let a =
            "Feature: a\n  Scenario: buy\n    Given a shop\n    When I buy\n    Then I own it\n";
        let b = "Feature: b\n  Scenario: purchase\n    Given a shop\n    When I buy\n    And I own it\n\n  Scenario: other\n    Given a shop\n    When I buy\n    Then I paid\n";
        let (mut items, _) = fixture::spec("specs/a.feature", a);
        // `And` after a When is an action: not the same steps as `Then I own it`.
        items.extend(fixture::spec("specs/b.feature", b).0);
        assert_eq!(check(&fixture::refs(&items)), vec![]);
        // The Background's steps are part of the pickle.
        let c = "Feature: c\n  Background:\n    Given a shop\n\n  Scenario: again\n    When I buy\n    Then I own it\n";
        items.extend(fixture::spec("specs/c.feature", c).0);
        assert_eq!(
            check(&fixture::refs(&items)),
            vec![Finding {
                rule: Rule::DuplicateScenario,
                severity: Severity::Warning,
                item: Some("specs/c.feature::again".into()),
                file: "specs/c.feature".into(),
                line: 5,
                message: "`again` has the same steps as `buy` at specs/a.feature:2: it proves nothing that one does not; make it check something else, or delete one".into(),
            }]
        );
    }

    #[test]
    fn arguments_and_runners_tell_scenarios_apart() {
        let text = "Feature: f\n  Scenario: a\n    When I send\n      \"\"\"\n      hi\n      \"\"\"\n\n  Scenario: b\n    When I send\n      \"\"\"\n      bye\n      \"\"\"\n\n  Scenario: c\n    When I send\n      | hi |\n\n  Scenario: d\n    When I send\n      | bye |\n";
        let (mut items, _) = fixture::spec("a.feature", text);
        assert_eq!(check(&fixture::refs(&items)), vec![]);
        let twin = "Feature: f\n  Scenario: a\n    Then ok\n\n  Scenario: b\n    Then ok\n";
        let (mut twins, _) = fixture::spec("b.feature", twin);
        scenario_mut(&mut twins[1]).runner = Some("other".into());
        items.extend(twins);
        assert_eq!(check(&fixture::refs(&items)), vec![]);
    }

    #[test]
    fn rows_of_one_outline_are_left_to_the_outline_rules_unless_only_the_name_differs() {
        let repeated = "Feature: f\n  Scenario Outline: buy\n    Then I pay <n>\n\n    Examples:\n      | n | note |\n      | 1 | a    |\n      | 1 | b    |\n";
        let (items, _) = fixture::spec("a.feature", repeated);
        assert_eq!(check(&fixture::refs(&items)), vec![]);
        let named = "Feature: f\n  Scenario Outline: buy <label>\n    Then I pay\n\n    Examples:\n      | label |\n      | cheap |\n      | dear  |\n";
        let (items, _) = fixture::spec("a.feature", named);
        let got = check(&fixture::refs(&items));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            (got[0].line, got[0].item.as_deref()),
            (8, Some("a.feature::buy dear"))
        );
    }

    #[test]
    fn scenarios_without_steps_are_not_duplicates() {
        let text = "Feature: f\n  Scenario: a\n\n  Scenario: b\n";
        let (items, _) = fixture::spec("a.feature", text);
        assert_eq!(check(&fixture::refs(&items)), vec![]);
    }
}
