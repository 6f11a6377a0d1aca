//! `outline-duplicate-row`: an Examples row equal to an earlier row of the same Outline in
//! every column that is used, so it runs a scenario already run and proves nothing more.

use super::outline::{Column, Outline, columns};
use crate::audit::{Finding, Rule, Severity};
use crate::desired::Item;
use std::collections::HashMap;

/// What makes two rows the same scenario: their tables' tags (which may bind another runner,
/// so equal values there can be meant) and the values of the used columns, by name.
type Key<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// One finding per repeated row, at its line; compared across all Examples tables of an
/// Outline that carry the same tags.
pub(super) fn check(outlines: &[Outline<'_>], items: &[&Item]) -> Vec<Finding> {
    let mut out = Vec::new();
    for outline in outlines {
        let mut first: HashMap<Key<'_>, usize> = HashMap::new();
        for examples in &outline.scenario.examples {
            let Some(header) = &examples.table_header else {
                continue;
            };
            let used: Vec<(usize, &str)> = columns(outline.scenario, examples)
                .into_iter()
                .zip(&header.cells)
                .enumerate()
                .filter(|(_, (kind, _))| *kind == Column::Used)
                .map(|(i, (_, cell))| (i, cell.value.as_str()))
                .collect();
            let tags: Vec<&str> = examples.tags.iter().map(|t| t.name.as_str()).collect();
            for row in &examples.table_body {
                let mut values: Vec<(&str, &str)> = used
                    .iter()
                    .filter_map(|&(i, name)| row.cells.get(i).map(|c| (name, c.value.as_str())))
                    .collect();
                values.sort_unstable();
                let line = row.location.line;
                let Some(&earlier) = first.get(&(tags.clone(), values.clone())) else {
                    first.insert((tags.clone(), values), line);
                    continue;
                };
                out.push(finding(outline.file, line, earlier, &values, items));
            }
        }
    }
    out
}

fn finding(
    file: &str,
    line: usize,
    earlier: usize,
    values: &[(&str, &str)],
    items: &[&Item],
) -> Finding {
    let item = items
        .iter()
        .find(|i| i.is_scenario() && i.file == file && i.line == line)
        .map(|i| i.id.clone());
    let columns = if values.is_empty() {
        "no column is used, so every row is the same".to_string()
    } else {
        let names: Vec<String> = values.iter().map(|(n, _)| format!("`{n}`")).collect();
        format!("it has the same {}", names.join(", "))
    };
    Finding {
        rule: Rule::OutlineDuplicateRow,
        severity: Severity::Error,
        item,
        file: file.to_string(),
        line,
        message: format!(
            "this row repeats the row at line {earlier} ({columns}): it runs the same scenario again and proves nothing more; change a value, or delete the row"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::{fixture, outline};

    fn found(text: &str) -> Vec<Finding> {
        let (items, document) = fixture::spec("specs/a.feature", text);
        let documents = [document];
        let all = fixture::refs(&items);
        check(&outline::selected(&all, &documents), &all)
    }

    #[test]
    fn a_row_equal_in_the_used_columns_is_an_error_at_it() {
        let text = "Feature: f\n  Scenario Outline: buy\n    When I buy <n>\n    Then I pay <price>\n\n    Examples:\n      | n | price | note |\n      | 1 | 2     | a    |\n      | 2 | 2     | b    |\n      | 1 | 2     | c    |\n";
        assert_eq!(
            found(text),
            vec![Finding {
                rule: Rule::OutlineDuplicateRow,
                severity: Severity::Error,
                item: Some("specs/a.feature::buy #3".into()),
                file: "specs/a.feature".into(),
                line: 10,
                message: "this row repeats the row at line 8 (it has the same `n`, `price`): it runs the same scenario again and proves nothing more; change a value, or delete the row".into(),
            }]
        );
    }

    #[test]
    fn rows_are_compared_across_tables_by_column_name() {
        let text = "Feature: f\n  Scenario Outline: buy\n    Then I pay <price> for <n>\n\n    Examples:\n      | n | price |\n      | 1 | 2     |\n\n    Examples:\n      | price | n |\n      | 2     | 1 |\n      | 3     | 1 |\n";
        let got: Vec<_> = found(text).into_iter().map(|f| f.line).collect();
        assert_eq!(got, vec![11]);
    }

    #[test]
    fn rows_that_differ_in_a_used_column_or_in_their_tables_tags_are_not_repeats() {
        let text = "Feature: f\n  Scenario Outline: buy <n>\n    Then I pay <price>\n\n    Examples:\n      | n | price |\n      | 1 | 2     |\n      | 2 | 2     |\n\n    @slow\n    Examples:\n      | n | price |\n      | 1 | 2     |\n";
        assert_eq!(found(text), vec![]);
    }

    #[test]
    fn with_no_used_column_every_later_row_repeats_the_first() {
        let text = "Feature: f\n  Scenario Outline: buy\n    Then I pay\n\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n";
        let got = found(text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].line, 8);
        assert!(
            got[0]
                .message
                .contains("no column is used, so every row is the same")
        );
    }
}
