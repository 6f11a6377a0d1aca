//! Pickles: the syntax tree compiled into runnable scenarios, as the official compiler does
//! (Backgrounds prepended, each Examples row its own scenario with its placeholders filled).

use super::ast::{Document, FeatureChild, RuleChild, Scenario, Step, TableCell, TableRow};
use super::{ExampleRow, KeywordType, Pickle, PickleStep, StepArgument, Tag};

/// What a scenario inherits from where it sits.
struct Context<'a> {
    language: &'a str,
    feature_name: &'a str,
    rule_name: Option<&'a str>,
    tags: Vec<&'a Tag>,
    background: Vec<&'a Step>,
}

pub(crate) fn compile(doc: &Document) -> Vec<Pickle> {
    let mut pickles = Vec::new();
    let Some(feature) = &doc.feature else {
        return pickles;
    };
    let mut context = Context {
        language: &feature.language,
        feature_name: &feature.name,
        rule_name: None,
        tags: feature.tags.iter().collect(),
        background: Vec::new(),
    };
    for child in &feature.children {
        match child {
            FeatureChild::Background(background) => {
                context.background = background.steps.iter().collect();
            }
            FeatureChild::Scenario(scenario) => compile_scenario(&context, scenario, &mut pickles),
            FeatureChild::Rule(rule) => {
                let mut rule_context = Context {
                    language: context.language,
                    feature_name: context.feature_name,
                    rule_name: Some(&rule.name),
                    tags: context.tags.iter().copied().chain(&rule.tags).collect(),
                    background: context.background.clone(),
                };
                for child in &rule.children {
                    match child {
                        RuleChild::Background(background) => {
                            rule_context.background.extend(&background.steps);
                        }
                        RuleChild::Scenario(scenario) => {
                            compile_scenario(&rule_context, scenario, &mut pickles)
                        }
                    }
                }
            }
        }
    }
    pickles
}

fn compile_scenario(context: &Context<'_>, scenario: &Scenario, pickles: &mut Vec<Pickle>) {
    let new_pickle = |name: String, location, tags: Vec<Tag>, steps, examples| Pickle {
        name,
        language: context.language.to_string(),
        location,
        keyword: scenario.keyword.clone(),
        feature_name: context.feature_name.to_string(),
        rule_name: context.rule_name.map(str::to_string),
        tags,
        steps,
        examples,
        scenario_location: scenario.location,
        scenario_name: scenario.name.clone(),
    };
    let inherited = || context.tags.iter().copied().chain(&scenario.tags);

    if scenario.examples.is_empty() {
        let steps = pickle_steps(context, scenario, None);
        let tags = inherited().cloned().collect();
        pickles.push(new_pickle(
            scenario.name.clone(),
            scenario.location,
            tags,
            steps,
            None,
        ));
        return;
    }

    for (examples_index, examples) in scenario.examples.iter().enumerate() {
        // Examples without a header row yield nothing, as officially.
        let Some(header) = &examples.table_header else {
            continue;
        };
        let placeholders = Placeholders::new(&header.cells);
        for (row_index, row) in examples.table_body.iter().enumerate() {
            let values = Values {
                placeholders: &placeholders,
                row,
            };
            let steps = pickle_steps(context, scenario, Some(&values));
            let tags = inherited().chain(&examples.tags).cloned().collect();
            pickles.push(new_pickle(
                values.fill(&scenario.name),
                row.location,
                tags,
                steps,
                Some(ExampleRow {
                    examples_name: examples.name.clone(),
                    examples_line: examples.location.line,
                    examples_index,
                    row_index,
                }),
            ));
        }
    }
}

fn pickle_steps(
    context: &Context<'_>,
    scenario: &Scenario,
    values: Option<&Values<'_>>,
) -> Vec<PickleStep> {
    let mut last_type = KeywordType::Unknown;
    let mut resolve = |step: &Step| {
        if step.keyword_type != KeywordType::Conjunction {
            last_type = step.keyword_type;
        }
        last_type
    };
    // A scenario without steps gets no Background steps either, as officially.
    let background: &[&Step] = if scenario.steps.is_empty() {
        &[]
    } else {
        &context.background
    };
    let mut steps = Vec::with_capacity(background.len() + scenario.steps.len());
    for step in background {
        let keyword_type = resolve(step);
        steps.push(pickle_step(step, keyword_type, None));
    }
    for step in &scenario.steps {
        let keyword_type = resolve(step);
        steps.push(pickle_step(step, keyword_type, values));
    }
    steps
}

fn pickle_step(step: &Step, keyword_type: KeywordType, values: Option<&Values<'_>>) -> PickleStep {
    let fill = |text: &str| match values {
        Some(values) => values.fill(text),
        None => text.to_string(),
    };
    let doc_string = step.doc_string.as_ref().map(|doc| {
        (
            doc.location,
            StepArgument::DocString {
                content: fill(&doc.content),
                media_type: doc.media_type.as_deref().map(fill),
                delimiter: doc.delimiter.clone(),
            },
        )
    });
    let data_table = step.data_table.as_ref().map(|table| {
        (
            table.location,
            StepArgument::DataTable {
                rows: table
                    .rows
                    .iter()
                    .map(|row| row.cells.iter().map(|cell| fill(&cell.value)).collect())
                    .collect(),
            },
        )
    });
    let (argument, extra_argument) = match (doc_string, data_table) {
        (Some(doc), Some(table)) if table.0.line < doc.0.line => (Some(table.1), Some(doc.1)),
        (Some(doc), Some(table)) => (Some(doc.1), Some(table.1)),
        (doc, table) => (doc.or(table).map(|(_, argument)| argument), None),
    };
    PickleStep {
        keyword: step.keyword.clone(),
        keyword_type,
        text: fill(&step.text),
        location: step.location,
        argument,
        extra_argument,
    }
}

/// `<name>` patterns of an Examples header, built once per table.
struct Placeholders {
    patterns: Vec<String>,
}

impl Placeholders {
    fn new(header: &[TableCell]) -> Self {
        Placeholders {
            patterns: header
                .iter()
                .map(|cell| format!("<{}>", cell.value))
                .collect(),
        }
    }
}

struct Values<'a> {
    placeholders: &'a Placeholders,
    row: &'a TableRow,
}

impl Values<'_> {
    /// Replaces each header's placeholder in turn, header order, like the official compiler:
    /// a value that itself spells a later placeholder is replaced again.
    fn fill(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (pattern, value) in self.placeholders.patterns.iter().zip(&self.row.cells) {
            // Every pattern starts with '<': without one nothing further can match.
            if !out.contains('<') {
                break;
            }
            if let Some(filled) = replace(&out, pattern, &value.value) {
                out = filled;
            }
        }
        out
    }
}

/// `text.replace(pattern, value)` for a `pattern` that starts with `<`, looked for only where
/// a `<` is (a general substring search costs more to set up than these short texts take to
/// scan); `None` when `text` does not hold it.
fn replace(text: &str, pattern: &str, value: &str) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    for (at, _) in text.match_indices('<') {
        if at >= copied && text[at..].starts_with(pattern) {
            out.push_str(&text[copied..at]);
            out.push_str(value);
            copied = at + pattern.len();
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_replaced_as_str_replace_does() {
        for (text, pattern) in [
            ("a <n> b <n>", "<n>"),
            ("<n><n>", "<n>"),
            ("<<n>>", "<n>"),
            ("<a<b> <a<b>", "<a<b>"),
            ("<a<a<b>", "<a<b>"),
            ("no placeholder", "<n>"),
            ("<n", "<n>"),
            ("ü<n>ö", "<n>"),
            ("<>", "<>"),
        ] {
            let expected = text
                .contains(pattern)
                .then(|| text.replace(pattern, "v<n>"));
            assert_eq!(replace(text, pattern, "v<n>"), expected, "{text} {pattern}");
        }
    }
}
