//! `never-red`: an item that nothing (no observation, no mutant) has ever seen fail for the
//! right reason, so nobody knows its evidence can tell a wrong implementation from a right one.

use crate::audit::{Finding, Rule, Severity};
use crate::desired::Item;
use std::collections::HashSet;

/// A finding at each item whose id is not in `red`, the ids anything has seen fail. Without
/// `--mutants` that is a hint (info); with it, no mutant of the item's inputs made it fail,
/// which is an error.
pub fn never_red(items: &[&Item], red: &HashSet<String>, mutants: bool) -> Vec<Finding> {
    items
        .iter()
        .filter(|item| !red.contains(&item.id))
        .map(|item| {
            let (severity, message) = if mutants {
                (
                    Severity::Error,
                    format!(
                        "nothing has seen `{}` fail for the right reason, not even a mutant of the code it covers: its checks pin nothing the code decides; make its Then pin a value the code computes",
                        item.name
                    ),
                )
            } else {
                (
                    Severity::Info,
                    format!(
                        "nothing has seen `{}` fail for the right reason yet: run `specctl audit --mutants` to find out whether it can, or make its Then pin a value",
                        item.name
                    ),
                )
            };
            Finding {
                rule: Rule::NeverRed,
                severity,
                item: Some(item.id.clone()),
                file: item.file.clone(),
                line: item.line,
                message,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture::{aspect, scenario};

    #[test]
    fn items_never_seen_red_are_info_without_mutants_and_errors_with_them() {
        let mut seen = scenario("specs/a.feature::seen", "specs/a.feature");
        seen.line = 3;
        let mut unseen = scenario("specs/a.feature::unseen", "specs/a.feature");
        unseen.line = 7;
        let pure = aspect("pure", "evidence/pure.sh");
        let red: HashSet<String> = ["specs/a.feature::seen".to_string()].into();
        let items = [&seen, &unseen, &pure];

        let info = never_red(&items, &red, false);
        assert_eq!(
            info.iter()
                .map(|f| (f.item.as_deref(), f.file.as_str(), f.line, f.severity))
                .collect::<Vec<_>>(),
            vec![
                (
                    Some("specs/a.feature::unseen"),
                    "specs/a.feature",
                    7,
                    Severity::Info
                ),
                (Some("aspect:pure"), "aspects/pure.md", 2, Severity::Info),
            ]
        );
        assert_eq!(
            info[0].message,
            "nothing has seen `unseen` fail for the right reason yet: run `specctl audit --mutants` to find out whether it can, or make its Then pin a value"
        );

        let errors = never_red(&items, &red, true);
        assert_eq!(errors.len(), 2);
        assert!(
            errors
                .iter()
                .all(|f| f.severity == Severity::Error && f.rule == Rule::NeverRed)
        );
        assert!(
            errors[0].message.contains("not even a mutant"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn every_item_seen_red_gives_nothing() {
        let item = scenario("a.feature::s", "a.feature");
        let red: HashSet<String> = ["a.feature::s".to_string()].into();
        assert_eq!(never_red(&[&item], &red, true), vec![]);
    }
}
