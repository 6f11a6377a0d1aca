//! A `.feature` (or `.feature.md`) file becomes scenario items: one per pickle, as the
//! official Gherkin implementations define them, each bound to the runner that proves it.

use super::gherkin::{self, Flavor, Pickle, StepArgument};
use super::item::{DocString, Generation, Item, ItemKind, Scenario, Step, disambiguate_ids};
use crate::InputError;
use crate::config::{Config, PathsClaim};
use std::collections::HashMap;

/// The tag that names a scenario's runner, as in `@evidence:behave`.
pub const EVIDENCE_TAG: &str = "@evidence:";

/// Parses one feature file written in `flavor`. On a syntax error the file yields no items,
/// only its errors, as the official parsers do; a scenario naming an unknown runner is listed
/// and reported.
pub(crate) fn parse(
    file: &str,
    text: &str,
    config: &Config,
    flavor: Flavor,
) -> (Vec<Item>, Vec<InputError>) {
    let document = match gherkin::parse_with(text, flavor) {
        Ok(document) => document,
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|e| InputError::new(file, e.location.line, e.location.column, e.message))
                .collect();
            return (Vec::new(), errors);
        }
    };
    let mut errors = Vec::new();
    let pickles = gherkin::compile(&document);
    // The syntax tree is not needed past here; a 10 MB file's is worth freeing early.
    drop(document);
    let bindings = bindings(config);
    // A file's `paths:` are matched once, not once per scenario.
    let claim = config.paths_claim(file);
    let binding = Binding {
        file,
        config,
        untagged: config.claimed_runner(&claim),
        bindings: &bindings,
    };
    let mut items: Vec<Item> = pickles
        .into_iter()
        .map(|pickle| item(&binding, pickle, &mut errors))
        .collect();
    if let PathsClaim::Several(runners) = &claim
        && let Some(untagged) = items.iter().find(|i| i.runner().is_none())
    {
        errors.push(InputError::new(
            file,
            untagged.line,
            1,
            format!(
                "the `paths:` of runners {} all match this file: narrow them so one does, or tag the scenario @evidence:NAME",
                runners.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    disambiguate_ids(&mut items);
    (items, errors)
}

/// What binds one file's scenarios to runners.
struct Binding<'a> {
    file: &'a str,
    config: &'a Config,
    /// The runner of its untagged scenarios.
    untagged: Option<&'a str>,
    bindings: &'a HashMap<&'a str, String>,
}

fn item(binding: &Binding<'_>, pickle: Pickle, errors: &mut Vec<InputError>) -> Item {
    let (file, bindings) = (binding.file, binding.bindings);
    let evidence = runner_of(binding, &pickle, errors);
    let steps: Vec<Step> = pickle.steps.into_iter().map(step).collect();
    let tags: Vec<String> = pickle.tags.into_iter().map(|t| t.name).collect();
    let binding = evidence
        .as_deref()
        .and_then(|name| bindings.get(name))
        .map(String::as_str);
    let generation = scenario_generation(&pickle.name, &steps, &tags, binding);
    Item {
        id: format!("{file}::{}", pickle.name),
        file: file.to_string(),
        line: pickle.location.line,
        name: pickle.name,
        tags,
        generation,
        kind: ItemKind::Scenario(Scenario {
            steps,
            runner: evidence,
            feature: pickle.feature_name,
            rule: pickle.rule_name,
            keyword: pickle.keyword,
            scenario_line: pickle.scenario_location.line,
            scenario_name: pickle.scenario_name,
            example: pickle
                .examples
                .as_ref()
                .map(|e| (e.examples_index, e.row_index)),
            examples_line: pickle.examples.as_ref().map_or(0, |e| e.examples_line),
            examples_name: pickle.examples.map(|e| e.examples_name).unwrap_or_default(),
        }),
    }
}

/// The runner a scenario names in its most specific `@evidence:` tag, else `default` where
/// one is defined. A tag naming no runner is an error at the tag; the name is kept.
fn runner_of(
    binding: &Binding<'_>,
    pickle: &Pickle,
    errors: &mut Vec<InputError>,
) -> Option<String> {
    let (file, config) = (binding.file, binding.config);
    // Pickle tags run from the Feature's to the Examples', so the last one is the most specific.
    let tagged = pickle.tags.iter().rev().find_map(|t| {
        t.name
            .strip_prefix(EVIDENCE_TAG)
            .map(|name| (name, t.location))
    });
    let Some((name, location)) = tagged else {
        return binding.untagged.map(String::from);
    };
    if !config.evidence.contains_key(name) {
        errors.push(InputError::new(
            file,
            location.line,
            location.column,
            format!(
                "no evidence runner is named `{name}`: define `evidence: {{ {name}: {{ run: ... }} }}` in specctl.yaml, or fix the tag"
            ),
        ));
    }
    Some(name.to_string())
}

/// A step keeps every argument it has: recent Gherkin lets one step carry a data table and a
/// doc string, and a dropped one would go unseen by the generation.
fn step(s: gherkin::PickleStep) -> Step {
    let mut doc_string = None;
    let mut data_table = None;
    for argument in [s.argument, s.extra_argument].into_iter().flatten() {
        match argument {
            StepArgument::DocString {
                content,
                media_type,
                ..
            } => {
                doc_string = Some(DocString {
                    content,
                    media_type,
                })
            }
            StepArgument::DataTable { rows } => data_table = Some(rows),
        }
    }
    Step {
        keyword: s.keyword,
        text: s.text,
        doc_string,
        data_table,
        line: s.location.line,
        kind: s.keyword_type,
    }
}

fn scenario_generation(
    name: &str,
    steps: &[Step],
    tags: &[String],
    binding: Option<&str>,
) -> String {
    let mut g = Generation::default();
    g.part("scenario").part(name);
    for step in steps {
        g.part(&step.keyword).part(&step.text);
        if let Some(doc) = &step.doc_string {
            g.part(doc.media_type.as_deref().unwrap_or_default())
                .part(&doc.content);
        }
        for row in step.data_table.iter().flatten() {
            for cell in row {
                g.part(cell);
            }
            g.part("\u{1e}");
        }
    }
    for tag in tags {
        g.part(tag);
    }
    g.part(binding.unwrap_or_default());
    g.finish()
}

/// What binds a scenario to its runner, as one string per runner name, made once per file.
fn bindings(config: &Config) -> HashMap<&str, String> {
    config
        .evidence
        .iter()
        .map(|(name, r)| {
            let text = [
                name.as_str(),
                r.run.as_str(),
                r.report.as_str(),
                &humantime::format_duration(r.timeout).to_string(),
                &r.inputs.join("\n"),
                &r.paths.join("\n"),
            ]
            .join("\u{1f}");
            (name.as_str(), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loader's own choice of flavor, by file name.
    fn parse(file: &str, text: &str, config: &Config) -> (Vec<Item>, Vec<InputError>) {
        super::parse(file, text, config, Flavor::for_file(file))
    }

    fn config(yaml: &str) -> Config {
        Config::parse(yaml).unwrap()
    }

    const SHOP: &str = "@shop\nFeature: Shop\n  Background:\n    Given a shop\n\n  Scenario: Buy\n    When I buy\n\n  @evidence:slow\n  Scenario Outline: Pay <n>\n    Then I pay <n>\n    Examples:\n      | n |\n      | 1 |\n      | 1 |\n";

    #[test]
    fn pickles_become_items_with_ids_lines_tags_and_runners() {
        let cfg = config("evidence:\n  default: {run: x}\n  slow: {run: y}\n");
        let (items, errors) = parse("specs/shop.feature", SHOP, &cfg);
        assert_eq!(errors, vec![]);
        let ids: Vec<_> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "specs/shop.feature::Buy",
                "specs/shop.feature::Pay 1",
                "specs/shop.feature::Pay 1 #2"
            ]
        );
        let lines: Vec<_> = items.iter().map(|i| i.line).collect();
        assert_eq!(lines, [6, 14, 15]);
        assert_eq!(items[0].tags, vec!["@shop"]);
        assert_eq!(items[1].tags, vec!["@shop", "@evidence:slow"]);
        assert_eq!(items[0].runner(), Some("default"));
        assert_eq!(items[1].runner(), Some("slow"));
        let steps: Vec<_> = items[1]
            .scenario()
            .unwrap()
            .steps
            .iter()
            .map(|s| format!("{}{}", s.keyword, s.text))
            .collect();
        assert_eq!(steps, ["Given a shop", "Then I pay 1"]);
        let src = items[2].scenario().unwrap();
        assert_eq!(
            (src.feature.as_str(), src.scenario_line, src.example),
            ("Shop", 10, Some((0, 1)))
        );
    }

    #[test]
    fn without_a_default_runner_an_untagged_scenario_has_no_evidence() {
        let (items, _) = parse("a.feature", SHOP, &config("evidence:\n  slow: {run: y}\n"));
        assert_eq!(items[0].runner(), None);
    }

    #[test]
    fn a_tag_beats_paths_and_paths_beat_default() {
        let cfg = config(
            "evidence:\n  default: {run: x}\n  slow: {run: y}\n  legacy: {run: z, paths: [\"old/**\"]}\n",
        );
        let (items, errors) = parse("old/shop.feature", SHOP, &cfg);
        assert_eq!(errors, vec![]);
        let runners: Vec<_> = items.iter().map(|i| i.runner()).collect();
        assert_eq!(runners, [Some("legacy"), Some("slow"), Some("slow")]);
        let (items, _) = parse("specs/shop.feature", SHOP, &cfg);
        assert_eq!(items[0].runner(), Some("default"));
        let dotted = config("evidence:\n  legacy: {run: z, paths: [\"./old/**\"]}\n");
        assert_eq!(
            parse("old/shop.feature", SHOP, &dotted).0[0].runner(),
            Some("legacy")
        );
        let two = config(
            "evidence:\n  a: {run: x, paths: [\"**\"]}\n  b: {run: y, paths: [\"old/*\"]}\n  slow: {run: y}\n",
        );
        let (items, errors) = parse("old/shop.feature", SHOP, &two);
        assert_eq!(items[0].runner(), None);
        assert_eq!(errors.len(), 1, "one error for the file: {errors:?}");
        assert_eq!(
            errors[0].message,
            "the `paths:` of runners `a`, `b` all match this file: narrow them so one does, or tag the scenario @evidence:NAME"
        );
    }

    #[test]
    fn an_unknown_runner_is_an_error_at_the_tag() {
        let (items, errors) = parse("a.feature", SHOP, &Config::default());
        assert_eq!(items.len(), 3);
        assert_eq!(
            errors.len(),
            2,
            "one error per item bound to it: {errors:?}"
        );
        assert_eq!((errors[0].line, errors[0].column), (9, 3));
        assert!(
            errors[0]
                .message
                .starts_with("no evidence runner is named `slow`")
        );
    }

    #[test]
    fn the_generation_follows_steps_and_binding() {
        let cfg = config("evidence:\n  default: {run: x}\n  slow: {run: y}\n");
        let g = |text: &str, cfg: &Config| parse("a.feature", text, cfg).0[0].generation.clone();
        let base = g(SHOP, &cfg);
        assert_eq!(base, g(SHOP, &cfg));
        assert_ne!(base, g(&SHOP.replace("Given a shop", "Given a mall"), &cfg));
        assert_ne!(
            base,
            g(
                SHOP,
                &config("evidence:\n  default: {run: z}\n  slow: {run: y}\n")
            )
        );
        // Moving a scenario down a line does not change what it asks for.
        assert_eq!(
            base,
            g(&SHOP.replace("Feature: Shop\n", "Feature: Shop\n\n"), &cfg)
        );
    }

    const BOTH: &str = "Feature: f\n  Scenario: s\n    Given a step\n      | id | name |\n      | 1  | bob  |\n      \"\"\"json\n      hello\n      \"\"\"\n";

    #[test]
    fn a_step_with_a_table_and_a_doc_string_keeps_both() {
        let (items, errors) = parse("a.feature", BOTH, &Config::default());
        assert_eq!(errors, vec![]);
        let steps = &items[0].scenario().unwrap().steps;
        assert_eq!(
            steps[0].data_table,
            Some(vec![
                vec!["id".into(), "name".into()],
                vec!["1".into(), "bob".into()]
            ])
        );
        assert_eq!(
            steps[0].doc_string,
            Some(DocString {
                content: "hello".into(),
                media_type: Some("json".into())
            })
        );
        let json = serde_json::to_value(&items[0]).unwrap();
        assert_eq!(json["steps"][0]["doc_string"]["content"], "hello");
        assert_eq!(json["steps"][0]["doc_string"]["media_type"], "json");
        assert_eq!(
            json["steps"][0]["data_table"],
            serde_json::json!([["id", "name"], ["1", "bob"]])
        );
    }

    #[test]
    fn editing_either_argument_of_a_step_changes_the_generation() {
        let cfg = Config::default();
        let g = |text: &str| parse("a.feature", text, &cfg).0[0].generation.clone();
        let base = g(BOTH);
        assert_eq!(base, g(BOTH));
        assert_ne!(base, g(&BOTH.replace("bob", "ann")), "the table's edit");
        assert_ne!(
            base,
            g(&BOTH.replace("hello", "bye")),
            "the doc string's edit"
        );
        assert_ne!(
            base,
            g(&BOTH.replace("json", "yaml")),
            "the media type's edit"
        );
        let doc_first = "Feature: f\n  Scenario: s\n    Given a step\n      \"\"\"json\n      hello\n      \"\"\"\n      | id | name |\n      | 1  | bob  |\n";
        assert_ne!(g(doc_first), g(&doc_first.replace("bob", "ann")));
        assert_ne!(g(doc_first), g(&doc_first.replace("hello", "bye")));
    }

    #[test]
    fn a_syntax_error_yields_errors_and_no_items() {
        let (items, errors) = parse(
            "a.feature",
            "Feature: x\n  Scenario: y\n    Given z\n  oops\n",
            &Config::default(),
        );
        assert_eq!(items, vec![]);
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![4]);
    }
}
