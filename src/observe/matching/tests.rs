use super::*;
use crate::desired::item::Step;
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
    // As if a blank line sat in the table: cucumber-rs's count is off by one from row 2 on.
    s.examples_line = 26;
    item
}

fn with_steps(mut item: Item, steps: &[&str]) -> Item {
    fixture::scenario_mut(&mut item).steps = steps
        .iter()
        .map(|t| Step {
            keyword: "Given ".into(),
            text: (*t).into(),
            doc_string: None,
            data_table: None,
            line: 0,
            kind: crate::desired::gherkin::KeywordType::Context,
        })
        .collect();
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
    let mut case = Case::new(name, CaseOutcome::Passed);
    case.file = file.map(String::from);
    case.line = line;
    case.group = group.map(String::from);
    case
}

fn found_in(items: &[Item], cases: &[Case]) -> Matched {
    let refs: Vec<&Item> = items.iter().collect();
    match_cases(&refs, cases, &[], "/work/p", &Naming::default())
}

/// Which case each item got; `None` for no case or a doubt.
fn matched(cases: &[Case]) -> Vec<Option<usize>> {
    cases_of(&found_in(&shop(), cases))
}

fn cases_of(m: &Matched) -> Vec<Option<usize>> {
    m.found
        .iter()
        .map(|f| match f {
            Some(Found::Case(c)) => Some(*c),
            _ => None,
        })
        .collect()
}

fn doubt(m: &Matched, i: usize) -> &str {
    match &m.found[i] {
        Some(Found::Ambiguous(why)) => why,
        other => panic!("item {i}: expected a doubt, got {other:?}"),
    }
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
    let mut items = shop();
    fixture::scenario_mut(&mut items[3]).rule = Some("Returns are free".into());
    assert_eq!(
        cases_of(&found_in(&items, &cases)),
        [Some(0), Some(2), Some(1), Some(3)]
    );
}

#[test]
fn cucumber_rs_junit_by_path_and_line_even_when_the_row_line_is_computed() {
    let mut cases = [
        case(
            None,
            "Scenario: Buy an apple: specs/shop.feature:3:3",
            Some("specs/shop.feature"),
            Some(3),
        ),
        case(
            None,
            "Scenario: Add 2 and 2: specs/shop.feature:29:5",
            Some("specs/shop.feature"),
            Some(29),
        ),
        case(
            None,
            "Rule: R: Scenario: Buy an apple: specs/other.feature:11:5",
            Some("specs/other.feature"),
            Some(11),
        ),
    ];
    for c in &mut cases {
        c.writer = Writer::CucumberRs;
    }
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
            Some("/work/p/specs/other.feature"),
            Some(11),
        ),
    ];
    assert_eq!(matched(&cases), [None, None, Some(0), Some(1)]);
}

#[test]
fn a_case_naming_no_item_is_unmatched() {
    let m = found_in(&shop(), &[case(Some("Shop"), "Sell a pear", None, None)]);
    assert_eq!(m.unmatched, [0]);
    assert_eq!(m.found, [None, None, None, None]);
    // A file that is not in scope is a stranger too, whatever its line.
    let m = found_in(
        &shop(),
        &[case(None, "Buy an apple", Some("x/y.feature"), Some(3))],
    );
    assert_eq!(m.unmatched, [0]);
}

#[test]
fn rows_that_share_the_outline_line_are_told_apart_by_their_steps_never_by_order() {
    let items = vec![
        with_steps(shop().remove(1), &["the number 1", "I add 2"]),
        with_steps(shop().remove(2), &["the number 2", "I add 2"]),
    ];
    let row = |steps: &[&str], outcome| {
        let mut c = case(
            Some("Shop"),
            "Add <a> and <b>",
            Some("specs/shop.feature"),
            Some(23),
        );
        c.steps = steps.iter().map(|s| s.to_string()).collect();
        c.outcome = outcome;
        c
    };
    // The first row deselected: only the second ran, and failed.
    let m = found_in(
        &items,
        &[row(&["the number 2", "I add 2"], CaseOutcome::Failed)],
    );
    assert_eq!(cases_of(&m), [None, Some(0)]);
    assert_eq!(m.found[0], None);
    // Steps both rows end with cannot tell them apart.
    let m = found_in(&items, &[row(&["I add 2"], CaseOutcome::Failed)]);
    assert!(doubt(&m, 0).contains("run the same steps"), "{m:?}");
    // No steps at all: the rows cannot be told apart, and both say so.
    let m = found_in(&items, &[row(&[], CaseOutcome::Passed)]);
    assert!(doubt(&m, 0).contains("the line of the Outline, to each of its rows"));
    assert!(doubt(&m, 1).contains("the line of the Outline, to each of its rows"));
    // A report that leaves the Background's steps out still names the row.
    let items: Vec<Item> = items
        .into_iter()
        .map(|i| {
            let mut steps = vec!["a shop".to_string()];
            steps.extend(i.scenario().unwrap().steps.iter().map(|s| s.text.clone()));
            let refs: Vec<&str> = steps.iter().map(String::as_str).collect();
            with_steps(i.clone(), &refs)
        })
        .collect();
    let m = found_in(
        &items,
        &[row(&["the number 1", "I add 2"], CaseOutcome::Passed)],
    );
    assert_eq!(cases_of(&m), [Some(0), None]);
}

#[test]
fn a_path_two_files_end_with_is_an_error_for_the_scenarios_it_could_mean() {
    let a = scenario(
        "a/features/login.feature",
        3,
        "Log in",
        "Login",
        "Log in",
        None,
    );
    let b = scenario(
        "b/features/login.feature",
        3,
        "Log in",
        "Login",
        "Log in",
        None,
    );
    let items = vec![a, b];
    let m = found_in(
        &items,
        &[case(
            Some("Login"),
            "Log in",
            Some("features/login.feature"),
            Some(3),
        )],
    );
    for i in 0..2 {
        assert_eq!(
            doubt(&m, i),
            "the report names `features/login.feature`, which could be any of a/features/login.feature, b/features/login.feature: give the feature files distinct names, or have the runner write paths from the project root"
        );
    }
    // Where only one of the files has that scenario there, the path is no doubt.
    let mut items = items;
    items[1].name = "Log out".into();
    let m = found_in(
        &items,
        &[case(
            Some("Login"),
            "Log in",
            Some("features/login.feature"),
            Some(3),
        )],
    );
    assert_eq!(cases_of(&m), [Some(0), None]);
}

#[test]
fn same_names_without_lines_are_an_error_and_cases_that_disagree_too() {
    let mut items = shop();
    items[3] = scenario(
        "specs/shop.feature",
        40,
        "Buy an apple",
        "Shop",
        "Buy an apple",
        None,
    );
    fixture::scenario_mut(&mut items[3]).rule = Some("Second".into());
    let m = found_in(
        &items,
        &[case(Some("shop.Shop"), "Buy an apple", None, None)],
    );
    assert_eq!(
        doubt(&m, 0),
        "the report names a case `Buy an apple` in `shop.Shop` and gives no line, and 2 scenarios have that name (specs/shop.feature:3, specs/shop.feature:40): give them distinct names, or use a report that gives lines"
    );
    assert_eq!(doubt(&m, 0), doubt(&m, 3));
    let mut failed = case(
        Some("Shop"),
        "Buy an apple",
        Some("specs/shop.feature"),
        Some(3),
    );
    failed.outcome = CaseOutcome::Failed;
    let passed = case(
        Some("Shop"),
        "Buy an apple",
        Some("specs/shop.feature"),
        Some(3),
    );
    let m = found_in(&shop(), &[passed.clone(), failed]);
    assert_eq!(
        doubt(&m, 0),
        "the report has 2 cases for this scenario and they disagree (passed, failed)"
    );
    let m = found_in(&shop(), &[passed.clone(), passed]);
    assert_eq!(m.found[0], Some(Found::Case(0)));
}

#[test]
fn a_path_that_names_another_runners_file_is_no_case_of_this_one() {
    let items = shop();
    let refs: Vec<&Item> = items.iter().collect();
    // A runner proves the files bound to it: the end of a path names one of those.
    let all = ["other/shop.feature", "specs/shop.feature"];
    let case = case(Some("Shop"), "Buy an apple", Some("shop.feature"), Some(3));
    let mine = match_cases(
        &refs,
        std::slice::from_ref(&case),
        &all,
        "/work/p",
        &Naming::default(),
    );
    assert_eq!(cases_of(&mine)[0], Some(0));
    // A path that is another runner's file exactly is no case of this one.
    let exact = self::case(
        Some("Shop"),
        "Buy an apple",
        Some("other/shop.feature"),
        Some(3),
    );
    let m = match_cases(&refs, &[exact], &all, "/work/p", &Naming::default());
    assert_eq!(m.found, [None, None, None, None]);
    assert_eq!(m.unmatched, [0]);
}

#[test]
fn an_ambiguous_path_without_a_line_is_an_error_for_the_scenarios_named_so() {
    let a = scenario(
        "a/features/login.feature",
        3,
        "Log in",
        "Login",
        "Log in",
        None,
    );
    let b = scenario(
        "b/features/login.feature",
        3,
        "Log in",
        "Login",
        "Log in",
        None,
    );
    let m = found_in(
        &[a, b],
        &[case(None, "Log in", Some("features/login.feature"), None)],
    );
    assert!(
        doubt(&m, 0).contains("could be any of a/features/login.feature, b/features/login.feature")
    );
    assert!(doubt(&m, 1).contains("could be any of"));
}

#[test]
fn behave_names_an_unnamed_feature_after_its_file() {
    let mut items = shop();
    for item in &mut items {
        fixture::scenario_mut(item).feature = String::new();
    }
    let cases = [case(Some("other.other"), "Buy an apple", None, None)];
    assert_eq!(
        cases_of(&found_in(&items, &cases)),
        [None, None, None, Some(0)]
    );
}
