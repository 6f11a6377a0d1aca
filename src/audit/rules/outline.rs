//! An Outline as the outline rules read it: its file, its Examples tables, and which of their
//! columns a step, an argument or the scenario's name fills in.

use crate::desired::Item;
use crate::desired::gherkin::{Document, Examples, FeatureChild, RuleChild, Scenario};
use std::collections::HashSet;

/// A Scenario with Examples, in a spec file that holds some selected item.
pub(super) struct Outline<'a> {
    pub file: &'a str,
    pub scenario: &'a Scenario,
}

/// How one Examples column is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Used,
    /// `<name>` appears nowhere it would be filled in.
    Unused,
    /// An earlier column has the same name: that one fills every `<name>` first.
    Shadowed,
}

/// The Outlines some selected item comes from: the others in the same file are not what this
/// audit was asked about.
pub(super) fn selected<'a>(
    items: &[&Item],
    documents: &'a [(String, Document)],
) -> Vec<Outline<'a>> {
    let chosen: HashSet<(&str, usize)> = items
        .iter()
        .filter_map(|i| i.scenario().map(|s| (i.file.as_str(), s.scenario_line)))
        .collect();
    let mut out = Vec::new();
    for (file, document) in documents {
        for scenario in scenarios(document) {
            if !scenario.examples.is_empty()
                && chosen.contains(&(file.as_str(), scenario.location.line))
            {
                out.push(Outline { file, scenario });
            }
        }
    }
    out
}

/// Every Scenario of a document, those under a Rule included, in file order.
fn scenarios(document: &Document) -> Vec<&Scenario> {
    let mut out = Vec::new();
    for child in document.feature.iter().flat_map(|f| &f.children) {
        match child {
            FeatureChild::Scenario(s) => out.push(s),
            FeatureChild::Rule(rule) => out.extend(rule.children.iter().filter_map(|c| match c {
                RuleChild::Scenario(s) => Some(s),
                RuleChild::Background(_) => None,
            })),
            FeatureChild::Background(_) => {}
        }
    }
    out
}

/// How each header cell of `examples` is used, in header order; empty without a header.
pub(super) fn columns(scenario: &Scenario, examples: &Examples) -> Vec<Column> {
    let Some(header) = &examples.table_header else {
        return Vec::new();
    };
    let templates = templates(scenario);
    let mut seen = HashSet::new();
    header
        .cells
        .iter()
        .map(|cell| {
            if !seen.insert(cell.value.as_str()) {
                return Column::Shadowed;
            }
            let pattern = format!("<{}>", cell.value);
            // A value that spells `<name>` is filled in again, as the official compiler does:
            // a column named only inside another's values may still be used.
            let in_values = examples
                .table_body
                .iter()
                .any(|row| row.cells.iter().any(|c| c.value.contains(&pattern)));
            if in_values || templates.iter().any(|t| t.contains(&pattern)) {
                Column::Used
            } else {
                Column::Unused
            }
        })
        .collect()
}

/// Every text the pickle compiler fills placeholders into: the name, and each step's text,
/// doc string, media type and table cells. Background steps are never filled.
fn templates(scenario: &Scenario) -> Vec<&str> {
    let mut out = vec![scenario.name.as_str()];
    for step in &scenario.steps {
        out.push(&step.text);
        if let Some(doc) = &step.doc_string {
            out.push(&doc.content);
            out.extend(doc.media_type.as_deref());
        }
        for row in step.data_table.iter().flat_map(|t| &t.rows) {
            out.extend(row.cells.iter().map(|c| c.value.as_str()));
        }
    }
    out
}

/// How people name an Examples table in a message: by its name, else by its line.
pub(super) fn examples_label(examples: &Examples) -> String {
    if examples.name.trim().is_empty() {
        format!("the Examples at line {}", examples.location.line)
    } else {
        format!(
            "Examples `{}` (line {})",
            examples.name.trim(),
            examples.location.line
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::fixture;

    #[test]
    fn columns_are_used_by_name_steps_arguments_and_values() {
        let text = "Feature: f\n  Scenario Outline: buy <a>\n    When I buy <b>\n      \"\"\"<c>\n      <d>\n      \"\"\"\n    Then I see\n      | <e> |\n\n    Examples:\n      | a | b | c | d | e | f | a | g | h |\n      | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | <h> |\n";
        let (_, (_, document)) = fixture::spec("a.feature", text);
        let scenario = scenarios(&document)[0];
        use Column::*;
        assert_eq!(
            columns(scenario, &scenario.examples[0]),
            vec![Used, Used, Used, Used, Used, Unused, Shadowed, Unused, Used]
        );
    }

    #[test]
    fn only_outlines_a_selected_item_comes_from_are_read() {
        let text = "Feature: f\n  Scenario Outline: a <n>\n    Then <n>\n    Examples:\n      | n |\n      | 1 |\n\n  Rule: r\n    Scenario Outline: b <n>\n      Then <n>\n      Examples:\n        | n |\n        | 1 |\n\n  Scenario: plain\n    Then x\n";
        let (items, document) = fixture::spec("a.feature", text);
        let documents = [document];
        let all = fixture::refs(&items);
        let lines = |items: &[&Item]| -> Vec<usize> {
            selected(items, &documents)
                .iter()
                .map(|o| o.scenario.location.line)
                .collect()
        };
        assert_eq!(lines(&all), vec![2, 9]);
        assert_eq!(lines(&all[1..]), vec![9]);
    }
}
