//! `no-action`: a scenario with no When step, Background included: it checks a state, not a
//! behaviour, so an implementation that only sets that state up passes it.

use super::{has_kind, written_scenarios};
use crate::audit::{Finding, Rule, Severity};
use crate::desired::Item;
use crate::desired::gherkin::KeywordType;

/// One finding per Scenario written, at its line; an Outline once, by its first selected row,
/// as for `no-outcome`.
pub(super) fn check(items: &[&Item]) -> Vec<Finding> {
    written_scenarios(items)
        .into_iter()
        .filter_map(|(item, scenario)| {
            let (has_action, starred) = has_kind(scenario, KeywordType::Action);
            if has_action {
                return None;
            }
            let name = &scenario.scenario_name;
            let stars = if starred {
                ", and its `*` steps are not read as actions"
            } else {
                ""
            };
            Some(Finding {
                rule: Rule::NoAction,
                severity: Severity::Warning,
                item: Some(item.id.clone()),
                file: item.file.clone(),
                line: scenario.scenario_line,
                message: format!(
                    "`{name}` has no When step{stars}: it checks a state, not a behaviour; add the When that does what its Then checks"
                ),
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
    fn a_scenario_without_when_is_a_warning_at_its_line() {
        let text = "Feature: f\n  Scenario: state\n    Given a shop\n    Then it is open\n\n  Scenario: fine\n    When I buy\n    Then I own it\n";
        assert_eq!(
            found("specs/a.feature", text),
            vec![Finding {
                rule: Rule::NoAction,
                severity: Severity::Warning,
                item: Some("specs/a.feature::state".into()),
                file: "specs/a.feature".into(),
                line: 2,
                message: "`state` has no When step: it checks a state, not a behaviour; add the When that does what its Then checks".into(),
            }]
        );
    }

    #[test]
    fn a_when_in_the_background_or_after_and_counts() {
        let background = "Feature: f\n  Background:\n    When I open the shop\n\n  Scenario: open\n    Then it is open\n";
        assert_eq!(found("a.feature", background), vec![]);
        let and = "Feature: f\n  Scenario: buy\n    Given a shop\n    When I pick\n    And I buy\n    Then I own it\n";
        assert_eq!(found("a.feature", and), vec![]);
    }

    #[test]
    fn an_outline_is_reported_once_and_star_steps_are_named() {
        let text = "Feature: f\n  Scenario Outline: own <n>\n    * I own <n>\n    Then I have <n>\n\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n";
        let got = found("a.feature", text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            (got[0].line, got[0].item.as_deref()),
            (2, Some("a.feature::own 1"))
        );
        assert!(
            got[0].message.starts_with(
                "`own <n>` has no When step, and its `*` steps are not read as actions"
            ),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn every_language_is_judged_by_its_keywords_kinds() {
        let french = "# language: fr\nFonctionnalité: Boutique\n  Scénario: regarder\n    Soit une boutique\n    Alors elle est ouverte\n\n  Scénario: acheter\n    Quand j'achète\n    Alors je le possède\n";
        let got = found("specs/boutique.feature", french);
        assert_eq!(
            got.iter()
                .map(|f| (f.line, f.item.as_deref()))
                .collect::<Vec<_>>(),
            vec![(3, Some("specs/boutique.feature::regarder"))]
        );
    }
}
