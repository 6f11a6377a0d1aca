//! What real runners really report, where a name or a path alone is ambiguous: each case a
//! small project under `tests/fixtures/reports/`, run by the real runner (behave, pytest-bdd
//! 6.x and the latest, cucumber-js), with specctl's verdict for every item asserted by value.
//! Where the report cannot say which scenario a case is, the verdict is `error` and says why;
//! where it leaves a scenario out, `undefined` with the flag or format that would tell.

mod support;

use assert_fs::TempDir;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use support::tools::{self, Python, shell_quote};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports");

/// A copy of one fixture project in a temporary folder, with its specctl.yaml.
struct Project {
    dir: TempDir,
}

impl Project {
    fn new(case: &str, config: &str) -> Project {
        let dir = TempDir::new().expect("a temporary folder");
        support::copy_tree(&Path::new(CASES).join(case), dir.path());
        fs::write(dir.path().join("specctl.yaml"), config).expect("write specctl.yaml");
        Project { dir }
    }

    fn link_node_modules(&self) -> &Self {
        std::os::unix::fs::symlink(tools::cucumber_js(), self.dir.path().join("node_modules"))
            .expect("link node_modules into the project");
        self
    }

    fn check(&self) -> Checked {
        let output = support::run_in(self.dir.path(), &["check", "--format", "json"]);
        Checked {
            code: Some(output.code),
            json: output.json(),
            stderr: output.stderr,
        }
    }
}

struct Checked {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

impl Checked {
    fn verdicts(&self) -> BTreeMap<String, String> {
        support::statuses(&self.json)
    }

    fn message(&self, id: &str) -> String {
        self.json["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["id"] == id)
            .and_then(|i| i["message"].as_str())
            .unwrap_or_default()
            .to_string()
    }

    fn warnings(&self) -> Vec<String> {
        self.json["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w.as_str().map(String::from))
            .collect()
    }

    /// Asserts every item's verdict, and that each named item's message says `says`.
    fn expect(&self, what: &str, verdicts: &[(&str, &str)], says: &[(&str, &str)]) {
        let pretty = serde_json::to_string_pretty(&self.json).expect("JSON");
        assert_eq!(
            self.verdicts(),
            support::expect(verdicts),
            "{what}: verdicts\n{pretty}\nstderr:\n{}",
            self.stderr
        );
        for (id, text) in says {
            assert!(
                self.message(id).contains(text),
                "{what}: the message of {id} should say {text:?}\n{pretty}"
            );
        }
        let all_hold = verdicts
            .iter()
            .all(|(_, v)| *v == "pass" || *v == "skipped");
        assert_eq!(
            self.code,
            Some(if all_hold { 0 } else { 1 }),
            "{what}: exit code\n{pretty}\nstderr:\n{}",
            self.stderr
        );
    }
}

/// A specctl.yaml with the given folders and runners (name, command, report, paths).
fn config(specs: &[&str], runners: &[(&str, &str, &str, &[&str])]) -> String {
    let mut text = format!("specs: {}\nevidence:\n", serde_json::json!(specs));
    for (name, run, report, paths) in runners {
        // A JSON string is a YAML double-quoted scalar: no escaping surprises in the command.
        let run = serde_json::to_string(run).expect("a JSON string");
        text.push_str(&format!(
            "  {name}:\n    run: {run}\n    report: {report}\n    timeout: 5m\n"
        ));
        if !paths.is_empty() {
            text.push_str(&format!("    paths: {}\n", serde_json::json!(paths)));
        }
    }
    text
}

fn pytest(version: Python) -> String {
    shell_quote(&tools::python(version).join("pytest"))
}

fn behave() -> String {
    shell_quote(&tools::python(Python::Behave).join("behave"))
}

const PYTEST_BDD: [(Python, &str); 2] = [
    (Python::PytestBdd6, "pytest-bdd 6.1.1"),
    (Python::PytestBddLatest, "pytest-bdd latest"),
];

// ---------------------------------------------------------------------------------------
// pytest-bdd

/// pytest-bdd writes `features/login.feature` for both `a/features/login.feature` and
/// `b/features/login.feature`: whatever order pytest runs them in, both are an error that
/// names the two files; one runner per folder (`paths:`) tells them apart.
#[test]
fn pytest_bdd_same_path_in_two_folders_is_an_error_until_paths_bind_each_folder() {
    for (version, label) in PYTEST_BDD {
        let pytest = pytest(version);
        let ambiguous = "could be any of a/features/login.feature, b/features/login.feature";
        for order in ["b a", "a b"] {
            let run = format!("{pytest} -p no:cacheprovider {order} --cucumberjson={{report}}");
            let project = Project::new(
                "pytest-bdd-same-relpath",
                &config(&["a", "b"], &[("default", &run, "cucumber-json", &[])]),
            );
            project.check().expect(
                &format!("{label}, pytest {order}"),
                &[
                    ("a/features/login.feature::Successful login", "error"),
                    ("a/features/login.feature::Logout", "error"),
                    ("b/features/login.feature::Successful login", "error"),
                    ("b/features/login.feature::Logout", "error"),
                ],
                &[
                    ("a/features/login.feature::Successful login", ambiguous),
                    ("b/features/login.feature::Logout", ambiguous),
                ],
            );
        }
        let in_folder = |folder: &str| {
            format!("cd {folder} && {pytest} -p no:cacheprovider --cucumberjson={{report}}")
        };
        let project = Project::new(
            "pytest-bdd-same-relpath",
            &config(
                &["a", "b"],
                &[
                    ("a", &in_folder("a"), "cucumber-json", &["a/**"]),
                    ("b", &in_folder("b"), "cucumber-json", &["b/**"]),
                ],
            ),
        );
        project.check().expect(
            &format!("{label}, a runner per folder"),
            &[
                ("a/features/login.feature::Successful login", "pass"),
                ("a/features/login.feature::Logout", "pass"),
                ("b/features/login.feature::Successful login", "fail"),
                ("b/features/login.feature::Logout", "pass"),
            ],
            &[],
        );
    }
}

/// Every row gets the Outline's line in pytest-bdd's JSON; with the last row deselected,
/// the rows are told by their filled-in steps and the deselected one is `undefined`.
#[test]
fn pytest_bdd_outline_rows_by_their_steps_with_one_deselected() {
    for (version, label) in PYTEST_BDD {
        let run = format!(
            "{} -p no:cacheprovider test_eat.py -k 'not 5-5-0' --cucumberjson={{report}}",
            pytest(version)
        );
        let project = Project::new(
            "pytest-bdd-outline-rows",
            &config(&["features"], &[("default", &run, "cucumber-json", &[])]),
        );
        project.check().expect(
            label,
            &[
                ("features/eat.feature::Eating cucumbers", "pass"),
                ("features/eat.feature::Eating cucumbers #2", "fail"),
                ("features/eat.feature::Eating cucumbers #3", "undefined"),
            ],
            &[
                (
                    "features/eat.feature::Eating cucumbers #2",
                    "I should have 99 cucumbers",
                ),
                (
                    "features/eat.feature::Eating cucumbers #3",
                    "pytest-bdd's Cucumber JSON leaves out the tests it skips or deselects",
                ),
            ],
        );
    }
}

/// pytest's JUnit names test functions: nothing matches, and the warning says what would.
#[test]
fn pytest_bdd_junit_names_no_scenario_and_says_to_use_cucumber_json() {
    for (version, label) in PYTEST_BDD {
        let run = format!(
            "{} -p no:cacheprovider -k 'not 5-5-0' --junitxml={{report}}",
            pytest(version)
        );
        let project = Project::new(
            "pytest-bdd-junit",
            &config(&["features"], &[("default", &run, "junit", &[])]),
        );
        let checked = project.check();
        let hint = "have pytest-bdd write Cucumber JSON (`--cucumberjson={report}`)";
        checked.expect(
            label,
            &[
                ("features/eat.feature::Eating cucumbers", "undefined"),
                ("features/eat.feature::Eating cucumbers #2", "undefined"),
                ("features/eat.feature::Eating cucumbers #3", "undefined"),
            ],
            &[("features/eat.feature::Eating cucumbers", hint)],
        );
        let warnings = checked.warnings();
        assert_eq!(warnings.len(), 1, "{label}: one warning: {warnings:?}");
        assert!(
            warnings[0].contains(
                "whose 2 cases are test functions (like `test_eating_cucumbers[12-5-7]`)"
            ) && warnings[0].contains(hint),
            "{label}: {warnings:?}"
        );
    }
}

/// A tagged skip is left out of pytest-bdd's JSON (`undefined`, saying so); a skip from
/// inside a step is reported as a pass with the later steps missing (`error`, never `pass`).
#[test]
fn pytest_bdd_skips_are_never_taken_for_passes() {
    for (version, label) in PYTEST_BDD {
        let run = format!(
            "{} -p no:cacheprovider --cucumberjson={{report}}",
            pytest(version)
        );
        let project = Project::new(
            "pytest-bdd-skipped",
            &config(&["features"], &[("default", &run, "cucumber-json", &[])]),
        );
        // pytest-bdd 6 does not read tags on Examples, so it runs the `@skip` row.
        let dropped_row = match version {
            Python::PytestBdd6 => "pass",
            _ => "undefined",
        };
        project.check().expect(
            label,
            &[
                ("features/skip.feature::Runs fine", "pass"),
                ("features/skip.feature::Tagged skip", "undefined"),
                ("features/skip.feature::Skips at runtime", "error"),
                (
                    "features/skip.feature::Outline with skipped examples",
                    "pass",
                ),
                (
                    "features/skip.feature::Outline with skipped examples #2",
                    dropped_row,
                ),
            ],
            &[
                (
                    "features/skip.feature::Tagged skip",
                    "leaves out the tests it skips",
                ),
                (
                    "features/skip.feature::Skips at runtime",
                    "the report lists 2 of this scenario's 3 steps, all passed",
                ),
            ],
        );
    }
}

/// Two scenarios named alike in two Rules: pytest-bdd 6 reads no Rules, fails the first as
/// a broken scenario and reports its steps passed (so its pass is not believed: `error`);
/// the latest binds only the last. The one not run is `undefined`.
#[test]
fn pytest_bdd_same_names_in_two_rules() {
    for (version, label) in PYTEST_BDD {
        let run = format!(
            "{} -p no:cacheprovider --cucumberjson={{report}}",
            pytest(version)
        );
        let project = Project::new(
            "pytest-bdd-same-name-rules",
            &config(&["features"], &[("default", &run, "cucumber-json", &[])]),
        );
        let expected: [(&str, &str); 2] = match version {
            Python::PytestBdd6 => [
                ("features/d.feature::Same", "error"),
                ("features/d.feature::Same #2", "undefined"),
            ],
            _ => [
                ("features/d.feature::Same", "undefined"),
                ("features/d.feature::Same #2", "fail"),
            ],
        };
        let says: &[(&str, &str)] = match version {
            Python::PytestBdd6 => &[(
                "features/d.feature::Same",
                "exited with 1 but its report shows no failure",
            )],
            _ => &[],
        };
        project.check().expect(label, &expected, says);
    }
}

// ---------------------------------------------------------------------------------------
// behave

fn behave_run(format: &str, extra: &str) -> (String, &'static str) {
    match format {
        "junit" => (
            format!(
                "{} --no-color -f plain --junit --junit-directory {{report_dir}} {extra}",
                behave()
            ),
            "junit",
        ),
        _ => (
            format!(
                "{} --no-color -f json -o {{report}} -f plain {extra}",
                behave()
            ),
            "cucumber-json",
        ),
    }
}

/// A custom `scenario_outline_annotation_schema` in behave.ini names the rows in behave's
/// JUnit: specctl reads the schema, so each row gets its own case.
#[test]
fn behave_rows_named_by_a_custom_schema() {
    for format in ["junit", "json"] {
        let (run, report) = behave_run(format, "");
        let project = Project::new(
            "behave-outline-schema",
            &config(&["features"], &[("default", &run, report, &[])]),
        );
        project.check().expect(
            &format!("behave {format}"),
            &[
                ("features/eat.feature::Eating cucumbers", "pass"),
                ("features/eat.feature::Eating cucumbers #2", "fail"),
                ("features/eat.feature::Eating cucumbers #3", "pass"),
            ],
            &[(
                "features/eat.feature::Eating cucumbers #2",
                "should have 99",
            )],
        );
    }
}

/// Two scenarios of one name in two Rules, the first skipped: behave's JUnit gives them one
/// name and no line, so both are an error; its JSON gives lines, so each gets its own.
#[test]
fn behave_same_names_in_two_rules() {
    let first = "features/rules.feature::Same name";
    let second = "features/rules.feature::Same name #2";
    let (run, report) = behave_run("junit", "-t 'not @skip'");
    let project = Project::new(
        "behave-same-name-rules",
        &config(&["features"], &[("default", &run, report, &[])]),
    );
    let ambiguous =
        "2 scenarios have that name (features/rules.feature:5, features/rules.feature:9)";
    project.check().expect(
        "behave junit",
        &[(first, "error"), (second, "error")],
        &[(first, ambiguous), (second, ambiguous)],
    );
    let (run, report) = behave_run("json", "-t 'not @skip'");
    let project = Project::new(
        "behave-same-name-rules",
        &config(&["features"], &[("default", &run, report, &[])]),
    );
    project
        .check()
        .expect("behave json", &[(first, "skipped"), (second, "fail")], &[]);
    let (run, report) = behave_run("json", "-t 'not @skip' --no-skipped");
    let project = Project::new(
        "behave-same-name-rules",
        &config(&["features"], &[("default", &run, report, &[])]),
    );
    project.check().expect(
        "behave json --no-skipped",
        &[(first, "undefined"), (second, "fail")],
        &[(first, "add `--show-skipped`")],
    );
}

/// A Feature with no name: behave's JUnit classname is the file's dotted path, twice.
#[test]
fn behave_unnamed_features_by_their_file() {
    let (run, report) = behave_run("junit", "");
    let project = Project::new(
        "behave-noname-feature",
        &config(&["features"], &[("default", &run, report, &[])]),
    );
    project.check().expect(
        "behave junit",
        &[
            ("features/noname.feature::First", "pass"),
            ("features/noname.feature::Second", "fail"),
            ("features/noname.feature::", "pass"),
            ("features/sub/anon.feature::First", "pass"),
        ],
        &[],
    );
}

/// Without `--show-skipped` behave leaves skipped scenarios out of its JUnit (a feature that
/// is all skipped gets no file at all): `undefined`, saying which flag would tell.
#[test]
fn behave_skipped_scenarios_with_and_without_show_skipped() {
    let ids = [
        "features/mixed.feature::Runs",
        "features/mixed.feature::Excluded by tag",
        "features/mixed.feature::Skips itself at runtime",
        "features/mixed.feature::Has an undefined step",
        "features/allslow.feature::Slow one",
    ];
    for (extra, skipped) in [("--show-skipped", "skipped"), ("--no-skipped", "undefined")] {
        let (run, report) = behave_run("junit", &format!("-t 'not @slow' {extra}"));
        let project = Project::new(
            "behave-skipped-junit",
            &config(&["features"], &[("default", &run, report, &[])]),
        );
        let says: &[(&str, &str)] = match skipped {
            "undefined" => &[
                (ids[1], "add `--show-skipped`"),
                (ids[4], "add `--show-skipped`"),
            ],
            _ => &[(ids[3], "nobody defined this step")],
        };
        project.check().expect(
            &format!("behave junit {extra}"),
            &[
                (ids[0], "pass"),
                (ids[1], skipped),
                (ids[2], skipped),
                (ids[3], "undefined"),
                (ids[4], skipped),
            ],
            says,
        );
    }
}

/// behave reads `'''` doc strings, which plain Gherkin does not: where the runner is behave,
/// specctl reads them too, and the step's doc string is the one behave ran.
#[test]
fn behave_triple_single_quote_doc_strings() {
    let (run, report) = behave_run("json", "");
    let project = Project::new(
        "behave-triple-single-quote",
        &config(&["features"], &[("default", &run, report, &[])]),
    );
    let checked = project.check();
    checked.expect(
        "behave json",
        &[
            ("features/doc.feature::Single-quote doc string", "pass"),
            ("features/doc.feature::Double-quote doc string", "pass"),
        ],
        &[],
    );
    let step = &checked.json["items"][0]["steps"][0];
    assert_eq!(
        step["doc_string"]["content"], "hello from '''\n  indented line",
        "{step}"
    );
}

// ---------------------------------------------------------------------------------------
// cucumber-js

fn cucumber_js(format: &str) -> String {
    format!("node_modules/.bin/cucumber-js --format {format}:{{report}} features")
}

/// cucumber-js's JUnit names an unnamed Outline's rows `#1.1` and keeps ` - ` inside names;
/// two scenarios of one name in a Rule are an error there, told apart by JSON and messages.
#[test]
fn cucumber_js_unnamed_outlines_and_dashes_in_names() {
    let rows = [
        "features/promises.feature::",
        "features/promises.feature:: #2",
    ];
    let callbacks = [
        "features/promises.feature::callback - returning a promise",
        "features/promises.feature::callback - returning a promise #2",
    ];
    for (format, report) in [
        ("junit", "junit"),
        ("json", "cucumber-json"),
        ("message", "messages"),
    ] {
        let project = Project::new(
            "cucumber-js-junit-unnamed-outline",
            &config(
                &["features"],
                &[("default", &cucumber_js(format), report, &[])],
            ),
        );
        project.link_node_modules();
        let (first, second) = match format {
            "junit" => ("error", "error"),
            _ => ("pass", "fail"),
        };
        let says: &[(&str, &str)] = match format {
            "junit" => &[(callbacks[0], "2 scenarios have that name")],
            _ => &[(rows[1], "-1 is not positive")],
        };
        project.check().expect(
            &format!("cucumber-js {format}"),
            &[
                (rows[0], "pass"),
                (rows[1], "fail"),
                (callbacks[0], first),
                (callbacks[1], second),
            ],
            says,
        );
    }
}

/// Cucumber Messages: every status cucumber-js has, and a retried scenario judged by its
/// last attempt.
#[test]
fn cucumber_js_messages_every_status_and_retries() {
    let run = "node_modules/.bin/cucumber-js --retry 1 --format message:{report} features";
    let project = Project::new(
        "cucumber-js-messages",
        &config(&["features"], &[("default", run, "messages", &[])]),
    );
    project.link_node_modules();
    let id = |name: &str| format!("features/statuses.feature::{name}");
    let verdicts: Vec<(String, &str)> = [
        ("Outline 1", "pass"),
        ("Outline -1", "fail"),
        ("Passes", "pass"),
        ("Fails", "fail"),
        ("Undefined", "undefined"),
        ("Pending", "undefined"),
        ("Skipped", "skipped"),
        ("Ambiguous", "error"),
        ("Flaky", "pass"),
    ]
    .into_iter()
    .map(|(name, verdict)| (id(name), verdict))
    .collect();
    let says: Vec<(String, &str)> = [
        ("Fails", "boom"),
        ("Pending", "a pending step: pending"),
        ("Ambiguous", "ambiguous step definitions"),
    ]
    .into_iter()
    .map(|(name, text)| (id(name), text))
    .collect();
    let verdicts: Vec<(&str, &str)> = verdicts.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    let says: Vec<(&str, &str)> = says.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    project
        .check()
        .expect("cucumber-js messages", &verdicts, &says);
}

// ---------------------------------------------------------------------------------------
// cucumber-rs

/// cucumber-rs counts a row's line from the `Examples:` keyword, blank lines or not: with a
/// blank line under the header, its line for the second row is the first row's real line.
/// specctl counts as cucumber-rs does, so each row gets its own case.
#[test]
fn cucumber_rs_rows_under_a_blank_line() {
    let dir = TempDir::new().expect("a temporary folder");
    fs::create_dir_all(dir.path().join("specs")).expect("specs/");
    fs::write(
        dir.path().join("specs/sums.feature"),
        "Feature: Sums\n  Scenario Outline: Add <a> and <b>\n    Given the number <a>\n    When I add <b>\n    Then the result is <c>\n\n    Examples:\n      | a | b | c |\n\n      | 1 | 2 | 3 |\n      | 2 | 2 | 5 |\n      | 3 | 4 | 7 |\n",
    )
    .expect("write the feature");
    let run = format!(
        "FIXTURE_JUNIT={{report}} {}",
        shell_quote(&tools::cucumber_rs_fixture())
    );
    fs::write(
        dir.path().join("specctl.yaml"),
        config(&["specs"], &[("default", &run, "junit", &[])]),
    )
    .expect("write specctl.yaml");
    let project = Project { dir };
    project.check().expect(
        "cucumber-rs junit",
        &[
            ("specs/sums.feature::Add 1 and 2", "pass"),
            ("specs/sums.feature::Add 2 and 2", "fail"),
            ("specs/sums.feature::Add 3 and 4", "pass"),
        ],
        &[("specs/sums.feature::Add 2 and 2", "sum mismatch: 4 != 5")],
    );
}
