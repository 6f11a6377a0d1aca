//! `no-outcome`: a scenario with no Then step, Background included, whose evidence can pass
//! whatever the code does, since nothing in it checks a result.

use super::{has_kind, written_scenarios};
use crate::audit::{Finding, Rule, Severity};
use crate::desired::Item;
use crate::desired::gherkin::KeywordType;

/// One finding per Scenario written, at its line. An Outline is reported once, not once a
/// row (its rows' steps have the same kinds), with the first selected row as its item.
pub(super) fn check(items: &[&Item]) -> Vec<Finding> {
    written_scenarios(items)
        .into_iter()
        .filter_map(|(item, scenario)| {
            let (has_outcome, starred) = has_kind(scenario, KeywordType::Outcome);
            if has_outcome {
                return None;
            }
            let name = &scenario.scenario_name;
            let message = if scenario.steps.is_empty() {
                format!(
                    "`{name}` has no steps: nothing it does can fail; give it a When and a Then that checks the result"
                )
            } else if starred {
                format!(
                    "`{name}` has no Then step, and its `*` steps are not read as outcomes: nothing it does can fail; write the step that checks the result as a Then"
                )
            } else {
                format!(
                    "`{name}` has no Then step: nothing it does can fail; add a Then that checks the result"
                )
            };
            Some(Finding {
                rule: Rule::NoOutcome,
                severity: Severity::Error,
                item: Some(item.id.clone()),
                file: item.file.clone(),
                line: scenario.scenario_line,
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::fixture;

    fn found(file: &str, text: &str) -> Vec<Finding> {
        let (items, _) = fixture::spec(file, text);
        check(&fixture::refs(&items))
    }

    #[test]
    fn a_scenario_without_then_is_an_error_at_its_line() {
        let text = "Feature: f\n  Scenario: buy\n    Given a shop\n    When I buy\n    And I pay\n\n  Scenario: fine\n    When I buy\n    Then I own it\n";
        assert_eq!(
            found("specs/a.feature", text),
            vec![Finding {
                rule: Rule::NoOutcome,
                severity: Severity::Error,
                item: Some("specs/a.feature::buy".into()),
                file: "specs/a.feature".into(),
                line: 2,
                message: "`buy` has no Then step: nothing it does can fail; add a Then that checks the result".into(),
            }]
        );
    }

    #[test]
    fn an_and_after_then_and_a_background_then_count_as_outcomes() {
        let text = "Feature: f\n  Background:\n    Given a shop\n    Then it is open\n\n  Scenario: buy\n    When I buy\n";
        assert_eq!(found("a.feature", text), vec![]);
        let and =
            "Feature: f\n  Scenario: buy\n    When I buy\n    Then I own it\n    And I paid\n";
        assert_eq!(found("a.feature", and), vec![]);
    }

    #[test]
    fn an_outline_is_reported_once_at_its_line_by_its_first_row() {
        let text = "Feature: f\n  Scenario Outline: buy <n>\n    When I buy <n>\n\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n";
        let got = found("a.feature", text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].line, 2);
        assert_eq!(got[0].item.as_deref(), Some("a.feature::buy 1"));
        assert!(got[0].message.starts_with("`buy <n>` has no Then step"));
    }

    #[test]
    fn star_steps_are_not_read_as_outcomes_and_the_message_says_so() {
        let text = "Feature: f\n  Scenario: starry\n    * I buy\n    * I own it\n";
        let got = found("a.feature", text);
        assert_eq!(got.len(), 1);
        assert!(
            got[0]
                .message
                .contains("its `*` steps are not read as outcomes"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn a_scenario_with_no_steps_says_so() {
        let got = found("a.feature", "Feature: f\n  Scenario: empty\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].message.starts_with("`empty` has no steps"));
    }

    #[test]
    fn every_language_is_judged_by_its_keywords_kinds() {
        let german = "# language: de\nFunktionalität: Laden\n  Szenario: kaufen\n    Angenommen ein Laden\n    Wenn ich kaufe\n    Dann besitze ich es\n\n  Szenario: nur kaufen\n    Angenommen ein Laden\n    Wenn ich kaufe\n    Und ich zahle\n";
        let got = found("specs/laden.feature", german);
        assert_eq!(
            got.iter()
                .map(|f| (f.line, f.item.as_deref()))
                .collect::<Vec<_>>(),
            vec![(8, Some("specs/laden.feature::nur kaufen"))]
        );
        let french = "# language: fr\nFonctionnalité: Boutique\n  Scénario: acheter\n    Soit une boutique\n    Quand j'achète\n    Alors je le possède\n";
        assert_eq!(found("specs/boutique.feature", french), vec![]);
    }
}
