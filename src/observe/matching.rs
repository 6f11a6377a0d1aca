//! Maps a runner's test cases to the scenario items it proves. Each runner names cases its
//! own way (file:line, Feature and scenario names, row suffixes), so several keys are tried.

use super::report::Case;
use crate::desired::Item;
use std::collections::HashMap;

/// `case_of[i]` is the index of the case that reports on `items[i]`; `unmatched` lists the
/// cases that name no item.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Matched {
    pub case_of: Vec<Option<usize>>,
    pub unmatched: Vec<usize>,
}

/// What a case's name says about where it comes from.
#[derive(Debug, Default, PartialEq, Eq)]
struct NameParts {
    file: Option<String>,
    line: Option<usize>,
    /// 0-based (Examples table, row), from behave's ` -- @1.2` or cucumber-js's ` - #1.2`.
    example: Option<(usize, usize)>,
    /// The pickle name, where the case name holds it.
    name: Option<String>,
    /// Text that must end with the pickle name (cucumber-rs: `Rule: r: Scenario: name`).
    name_suffix_of: Option<String>,
    /// The rest of a cucumber-js name: rule, scenario as written and Examples name.
    segments: Vec<String>,
}

pub fn match_cases(items: &[&Item], cases: &[Case]) -> Matched {
    let index = Index::new(items);
    let mut case_of = vec![None; items.len()];
    let mut unmatched = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        let parts = name_parts(&case.name);
        let file = case.file.as_deref().or(parts.file.as_deref());
        let line = case.line.or(parts.line);
        let free = |i: usize| case_of[i].is_none();
        let found = by_file_and_line(items, &index, file, line, &free)
            .or_else(|| by_names(items, &index, case, &parts, file, line, &free));
        match found {
            Some(i) => case_of[i] = Some(ci),
            None => unmatched.push(ci),
        }
    }
    Matched { case_of, unmatched }
}

/// Items by line and by name, so that matching a report of n cases is not n × items.
struct Index<'a> {
    by_line: HashMap<usize, Vec<usize>>,
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(items: &[&'a Item]) -> Self {
        let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            by_line.entry(item.line).or_default().push(i);
            if let Some(s) = item.scenario()
                && s.example.is_none()
                && s.scenario_line != item.line
            {
                by_line.entry(s.scenario_line).or_default().push(i);
            }
            by_name.entry(item.name.as_str()).or_default().push(i);
        }
        Index { by_line, by_name }
    }
}

fn by_file_and_line(
    items: &[&Item],
    index: &Index<'_>,
    file: Option<&str>,
    line: Option<usize>,
    free: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let (file, line) = (file?, line?);
    index.by_line.get(&line)?.iter().copied().find(|&i| {
        let item = items[i];
        free(i)
            && same_file(&item.file, file)
            && (item.line == line
                || item
                    .scenario()
                    .is_some_and(|s| s.example.is_none() && s.scenario_line == line))
    })
}

fn by_names(
    items: &[&Item],
    index: &Index<'_>,
    case: &Case,
    parts: &NameParts,
    file: Option<&str>,
    line: Option<usize>,
    free: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    // Where the name is known exactly, only items of that name can match.
    let exact = match (&parts.name, &parts.name_suffix_of) {
        (Some(name), None) => Some(name.trim_end()),
        (None, None) if parts.example.is_none() => Some(case.name.trim_end()),
        _ => None,
    };
    let fits = |i: &usize| {
        let i = *i;
        free(i)
            && file.is_none_or(|f| same_file(&items[i].file, f))
            && case
                .group
                .as_deref()
                .is_none_or(|g| group_matches(items[i], g))
            && names_match(items[i], parts, &case.name)
    };
    let mut candidates: Vec<usize> = match exact {
        Some(name) => index
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(fits)
            .collect(),
        None => Vec::new(),
    };
    // A name with a rule in front (cucumber-js: `Rule - Scenario`) is not in the index.
    if candidates.is_empty() {
        candidates = (0..items.len()).filter(fits).collect();
    }
    // cucumber-rs computes a row's line from the Examples keyword, so with blank lines in a
    // table it is off: the nearest candidate is the right one.
    match line {
        Some(line) => candidates
            .into_iter()
            .min_by_key(|&i| items[i].line.abs_diff(line)),
        None => candidates.into_iter().next(),
    }
}

fn names_match(item: &Item, parts: &NameParts, raw: &str) -> bool {
    let Some(scenario) = item.scenario() else {
        return false;
    };
    if let Some(example) = parts.example {
        if scenario.example != Some(example) {
            return false;
        }
        return match &parts.name {
            Some(name) => name.trim_end() == item.name,
            None => {
                parts.segments.iter().any(|s| s == &scenario.scenario_name)
                    || parts.segments.is_empty()
            }
        };
    }
    if let Some(text) = &parts.name_suffix_of {
        return text.ends_with(&format!(": {}", item.name)) || text == &item.name;
    }
    let name = parts.name.as_deref().unwrap_or(raw).trim_end();
    name == item.name
        || name
            == format!(
                "{} - {}",
                scenario.rule.as_deref().unwrap_or_default(),
                item.name
            )
}

/// JUnit `classname`: the Feature name (cucumber-js), `<dotted path>.<Feature>` (behave), or
/// the feature file's path when the Feature has no name.
fn group_matches(item: &Item, group: &str) -> bool {
    let Some(scenario) = item.scenario() else {
        return false;
    };
    let feature = scenario.feature.as_str();
    if group == feature || same_file(&item.file, group) {
        return true;
    }
    let Some(prefix) = group
        .strip_suffix(feature)
        .and_then(|p| p.strip_suffix('.'))
    else {
        return false;
    };
    let dotted = item.file.trim_end_matches(".feature").replace('/', ".");
    dotted == prefix
        || dotted
            .strip_suffix(prefix)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn same_file(item_file: &str, reported: &str) -> bool {
    let reported = reported.trim_start_matches("./");
    let reported = reported.strip_prefix("file://").unwrap_or(reported);
    let suffix_of = |long: &str, short: &str| {
        long.strip_suffix(short)
            .is_some_and(|rest| rest.ends_with('/'))
    };
    item_file == reported || suffix_of(reported, item_file) || suffix_of(item_file, reported)
}

fn name_parts(name: &str) -> NameParts {
    // cucumber-rs: `[Rule: r: ]Scenario: name: path/to/x.feature:LINE:COL`
    if let Some((head, line, _col)) = split_position(name)
        && let Some((before, path)) = head.rsplit_once(": ")
        && path.ends_with(".feature")
    {
        return NameParts {
            file: Some(path.to_string()),
            line: Some(line),
            name_suffix_of: Some(before.to_string()),
            ..NameParts::default()
        };
    }
    // behave: `name -- @1.2 Examples name`
    if let Some((head, tail)) = name.rsplit_once(" -- @")
        && let Some(example) = example_index(tail.split(' ').next().unwrap_or_default())
    {
        return NameParts {
            example: Some(example),
            name: Some(head.to_string()),
            ..NameParts::default()
        };
    }
    // cucumber-js: `[rule - ]scenario as written[ - examples name] - #1.2[: pickle name]`
    if let Some((head, tail)) = name.rsplit_once(" - #") {
        let (index, pickle) = match tail.split_once(": ") {
            Some((index, pickle)) => (index, Some(pickle.to_string())),
            None => (tail, None),
        };
        if let Some(example) = example_index(index) {
            return NameParts {
                example: Some(example),
                name: pickle,
                segments: head.split(" - ").map(String::from).collect(),
                ..NameParts::default()
            };
        }
    }
    NameParts {
        name: Some(name.to_string()),
        ..NameParts::default()
    }
}

/// `1.2` → (0, 1).
fn example_index(text: &str) -> Option<(usize, usize)> {
    let (table, row) = text.split_once('.')?;
    let (table, row): (usize, usize) = (table.parse().ok()?, row.parse().ok()?);
    Some((table.checked_sub(1)?, row.checked_sub(1)?))
}

/// `…:LINE:COL` at the end of a name.
fn split_position(name: &str) -> Option<(&str, usize, usize)> {
    let (rest, col) = name.rsplit_once(':')?;
    let (head, line) = rest.rsplit_once(':')?;
    Some((head, line.parse().ok()?, col.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;
    use crate::observe::verdict::CaseOutcome;

    fn scenario(
        file: &str,
        line: usize,
        name: &str,
        feature: &str,
        written: &str,
        example: Option<(usize, usize)>,
    ) -> Item {
        let mut item = fixture::scenario(&format!("{file}::{name}"), file);
        item.line = line;
        item.name = name.into();
        let s = fixture::scenario_mut(&mut item);
        s.runner = Some("default".into());
        s.feature = feature.into();
        s.scenario_line = if example.is_some() { 23 } else { line };
        s.scenario_name = written.into();
        s.example = example;
        item
    }

    fn shop() -> Vec<Item> {
        vec![
            scenario(
                "specs/shop.feature",
                3,
                "Buy an apple",
                "Shop",
                "Buy an apple",
                None,
            ),
            scenario(
                "specs/shop.feature",
                30,
                "Add 1 and 2",
                "Shop",
                "Add <a> and <b>",
                Some((0, 0)),
            ),
            scenario(
                "specs/shop.feature",
                31,
                "Add 2 and 2",
                "Shop",
                "Add <a> and <b>",
                Some((0, 1)),
            ),
            scenario(
                "specs/other.feature",
                11,
                "Buy an apple",
                "Other",
                "Buy an apple",
                None,
            ),
        ]
    }

    fn case(group: Option<&str>, name: &str, file: Option<&str>, line: Option<usize>) -> Case {
        Case {
            file: file.map(String::from),
            line,
            group: group.map(String::from),
            name: name.into(),
            outcome: CaseOutcome::Passed,
            message: None,
        }
    }

    fn matched(cases: &[Case]) -> Vec<Option<usize>> {
        let items = shop();
        let refs: Vec<&Item> = items.iter().collect();
        match_cases(&refs, cases).case_of
    }

    #[test]
    fn behave_junit_by_dotted_path_feature_and_row_suffix() {
        let cases = [
            case(Some("other.Other"), "Buy an apple", None, None),
            case(Some("shop.Shop"), "Add 2 and 2 -- @1.2 ", None, None),
            case(Some("shop.Shop"), "Buy an apple", None, None),
            case(Some("shop.Shop"), "Add 1 and 2 -- @1.1 ", None, None),
        ];
        assert_eq!(matched(&cases), [Some(2), Some(3), Some(1), Some(0)]);
    }

    #[test]
    fn cucumber_js_junit_by_feature_and_row_index() {
        let cases = [
            case(Some("Shop"), "Buy an apple", None, None),
            case(
                Some("Shop"),
                "Add <a> and <b> - #1.2: Add 2 and 2",
                None,
                None,
            ),
            case(
                Some("Shop"),
                "Add <a> and <b> - #1.1: Add 1 and 2",
                None,
                None,
            ),
            case(Some("Other"), "Returns are free - Buy an apple", None, None),
        ];
        let items = shop();
        let mut items = items;
        fixture::scenario_mut(&mut items[3]).rule = Some("Returns are free".into());
        let refs: Vec<&Item> = items.iter().collect();
        assert_eq!(
            match_cases(&refs, &cases).case_of,
            [Some(0), Some(2), Some(1), Some(3)]
        );
    }

    #[test]
    fn cucumber_rs_junit_by_path_and_line_even_when_the_row_line_is_computed() {
        let cases = [
            case(
                None,
                "Scenario: Buy an apple: specs/shop.feature:3:3",
                None,
                None,
            ),
            case(
                None,
                "Scenario: Add 2 and 2: specs/shop.feature:29:5",
                None,
                None,
            ),
            case(
                None,
                "Rule: R: Scenario: Buy an apple: specs/other.feature:11:5",
                None,
                None,
            ),
        ];
        assert_eq!(matched(&cases), [Some(0), None, Some(1), Some(2)]);
    }

    #[test]
    fn cucumber_json_by_uri_and_line() {
        let cases = [
            case(
                Some("Shop"),
                "Add 2 and 2",
                Some("specs/shop.feature"),
                Some(31),
            ),
            case(
                Some("Other"),
                "Buy an apple",
                Some("/abs/project/specs/other.feature"),
                Some(11),
            ),
        ];
        assert_eq!(matched(&cases), [None, None, Some(0), Some(1)]);
    }

    #[test]
    fn a_case_naming_no_item_is_unmatched() {
        let items = shop();
        let refs: Vec<&Item> = items.iter().collect();
        let m = match_cases(&refs, &[case(Some("Shop"), "Sell a pear", None, None)]);
        assert_eq!(m.unmatched, [0]);
        assert_eq!(m.case_of, [None, None, None, None]);
    }
}
