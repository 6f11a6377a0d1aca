//! `outline-unused-column`: an Examples column whose `<name>` nothing fills in, so its values
//! change nothing and every row that differs only there tests the same thing.

use super::outline::{Column, Outline, columns, examples_label};
use crate::audit::{Finding, Rule, Severity};

/// One finding per unused column, at its Examples table's header row.
pub(super) fn check(outlines: &[Outline<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for outline in outlines {
        for examples in &outline.scenario.examples {
            let Some(header) = &examples.table_header else {
                continue;
            };
            let kinds = columns(outline.scenario, examples);
            for (cell, kind) in header.cells.iter().zip(kinds) {
                let name = &cell.value;
                let table = examples_label(examples);
                let message = match kind {
                    Column::Used => continue,
                    Column::Unused => format!(
                        "column `{name}` of {table} is used by no step, argument or the scenario's name: its values change nothing; write `<{name}>` where it matters, or drop the column"
                    ),
                    Column::Shadowed => format!(
                        "column `{name}` of {table} repeats an earlier column's name, which fills every `<{name}>` first: its values change nothing; rename it, or drop it"
                    ),
                };
                out.push(Finding {
                    rule: Rule::OutlineUnusedColumn,
                    severity: Severity::Error,
                    item: None,
                    file: outline.file.to_string(),
                    line: header.location.line,
                    message,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::{fixture, outline};

    fn found(text: &str) -> Vec<Finding> {
        let (items, document) = fixture::spec("specs/a.feature", text);
        let documents = [document];
        check(&outline::selected(&fixture::refs(&items), &documents))
    }

    #[test]
    fn an_unused_column_is_an_error_at_its_header_row() {
        let text = "Feature: f\n  Scenario Outline: buy\n    When I buy <n>\n    Then I pay <price>\n\n    Examples: cheap\n      | n | price | note |\n      | 1 | 2     | ok   |\n";
        assert_eq!(
            found(text),
            vec![Finding {
                rule: Rule::OutlineUnusedColumn,
                severity: Severity::Error,
                item: None,
                file: "specs/a.feature".into(),
                line: 7,
                message: "column `note` of Examples `cheap` (line 6) is used by no step, argument or the scenario's name: its values change nothing; write `<note>` where it matters, or drop the column".into(),
            }]
        );
    }

    #[test]
    fn each_unused_column_of_each_table_is_reported() {
        let text = "Feature: f\n  Scenario Outline: buy\n    Then I pay <n>\n\n    Examples:\n      | n | x | y |\n      | 1 | 2 | 3 |\n\n    Examples:\n      | n | n |\n      | 1 | 2 |\n";
        let got: Vec<_> = found(text)
            .into_iter()
            .map(|f| (f.line, f.message))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, 6);
        assert!(
            got[0]
                .1
                .starts_with("column `x` of the Examples at line 5 ")
        );
        assert!(
            got[1]
                .1
                .starts_with("column `y` of the Examples at line 5 ")
        );
        assert_eq!(got[2].0, 10);
        assert!(
            got[2].1.starts_with(
                "column `n` of the Examples at line 9 repeats an earlier column's name"
            ),
            "{}",
            got[2].1
        );
    }

    #[test]
    fn columns_in_the_name_arguments_or_tables_are_used() {
        let text = "Feature: f\n  Scenario Outline: buy <who>\n    When I buy\n      | item   |\n      | <item> |\n    Then I read\n      \"\"\"<kind>\n      paid <sum>\n      \"\"\"\n\n    Examples:\n      | who | item | kind | sum |\n      | me  | tea  | text | 3   |\n";
        assert_eq!(found(text), vec![]);
    }

    #[test]
    fn a_plain_scenario_and_an_unselected_outline_are_not_read() {
        let text = "Feature: f\n  Scenario: plain\n    Then it works\n";
        assert_eq!(found(text), vec![]);
        let outline = "Feature: f\n  Scenario Outline: o\n    Then <n>\n    Examples:\n      | n | x |\n      | 1 | 2 |\n";
        let (_, document) = fixture::spec("a.feature", outline);
        assert_eq!(check(&outline::selected(&[], &[document])), vec![]);
    }
}
