//! `specctl check` on real projects, run by their own runners, compared scenario by scenario
//! with what those runners say themselves in the same run.
//!
//! Each project is a tarball in `../shared/real-projects` (see its README), extracted into a
//! temporary folder, given a `specctl.yaml` as its user would write one, and checked with the
//! real binary. The runner's own verdicts come from the runner, not from the report specctl
//! reads: a behave formatter and a pytest plugin (`tests/fixtures/real-projects/`) write, for
//! every scenario and Outline row the runner loaded, the feature's absolute path, the
//! scenario's line (a behave Outline row's own line), the filled-in steps and the outcome.
//! The test maps that truth onto specctl's items itself and compares them by value.
//!
//! The `*_after_init` tests write no `specctl.yaml`: `specctl init` writes it, and
//! `specctl check` runs it unedited. The truth plugins come in through the environment
//! instead (the venv first in `PATH` and `PYTEST_ADDOPTS` for pytest, a `behave` shim first
//! in `PATH` for behave).
//!
//! Where the data is missing the tests say so and pass, unless
//! `SPECCTL_REQUIRE_REAL_PROJECTS=1`.

mod support;

use assert_fs::TempDir;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use support::tools::{self, Python, setup, shell_quote};

/// Where the truth plugins live: put on the runners' PYTHONPATH.
const TRUTH_PLUGINS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real-projects");

/// The folder searched for upward from the manifest directory, as `conformance.rs` does.
const REAL_PROJECTS: &str = "shared/real-projects";

// ---------------------------------------------------------------------------------------
// The projects

/// behave's own suite, a few files of each of its two base folders (`features/`,
/// `issue.features/`, each with its own `steps/` and `environment.py`, so one runner each),
/// with its `behave.ini` as shipped (`show_skipped = false`, `default_tags` leaving out
/// `@xfail` and `@not_implemented`).
const BEHAVE_FILES: [&str; 10] = [
    // Rules and an Outline; one scenario fails here (behave's own expectation of what
    // `--tags-help` prints).
    "features/tags.help.feature",
    // One scenario `@xfail`: skipped by `default_tags`, so not shown.
    "features/scenario_outline.improved.feature",
    // One scenario `@xfail`; scenarios without steps.
    "features/formatter.json.feature",
    // Rules with Outlines of two Examples tables each.
    "features/step_matcher.cucumber_expressions.feature",
    // An Outline.
    "issue.features/issue0226.feature",
    // A Feature tagged `@xfail`: every scenario skipped, the feature not shown at all.
    "issue.features/issue0385.feature",
    // Rules; the Windows scenarios `@xfail`, the others run by active tags (`@use.with_os=…`).
    "issue.features/issue1252.feature",
    // Needs freezegun.
    "issue.features/issue1180.feature",
    // behave's `'''` doc strings, which plain Gherkin does not allow.
    "features/step.execute_steps.feature",
    "issue.features/issue0044.feature",
];

#[test]
fn behave_suite() {
    behave_suite_with("", "behave-v1.3.3 (behave 1.3.3)");
}

/// As a user would run it after specctl's hint: with `--show-skipped`, the scenarios behave
/// skips are in the report, and `skipped`.
#[test]
fn behave_suite_showing_skipped() {
    behave_suite_with(
        "--show-skipped",
        "behave-v1.3.3 (behave 1.3.3, --show-skipped)",
    );
}

fn behave_suite_with(extra: &str, label: &str) {
    let Some(project) = Project::extract("behave-v1.3.3.tar.xz") else {
        return;
    };
    let behave = tools::python(Python::BehaveSuite).join("behave");
    let mut yaml = String::from("specs:\n");
    for file in BEHAVE_FILES {
        writeln!(yaml, "  - {file}").expect("a String");
    }
    yaml.push_str("evidence:\n");
    for (runner, base) in [("features", "features"), ("issues", "issue.features")] {
        let truth = project.truth_file(runner);
        let run = format!(
            "PYTHONDONTWRITEBYTECODE=1 PYTHONPATH={} {} --no-color {extra} -f json -o {{report}} -f specctl_truth_behave:Truth -o {} {{features}}",
            shell_quote(Path::new(TRUTH_PLUGINS)),
            shell_quote(&behave),
            shell_quote(&truth),
        );
        yaml.push_str(&runner_yaml(
            runner,
            &run,
            "cucumber-json",
            &[&format!("{base}/**")],
        ));
    }
    project.write_config(&yaml);
    // Both base folders' steps work in the same `__WORKDIR__` of the project root: behave's
    // suite is not written to run twice at once.
    let checked = project.check(&["--jobs", "1"], &[]);
    let truth = project.read_truth(&["features", "issues"]);
    compare(label, &project, &checked, &truth);
}

#[test]
fn tau_pytest_bdd_latest() {
    tau(Python::TauPytestBddLatest, "pytest-bdd latest");
}

#[test]
fn tau_pytest_bdd_6() {
    tau(Python::TauPytestBdd6, "pytest-bdd 6.1.1");
}

/// tau-pytest-bdd's web and service features need a browser and the network: here they
/// fail under pytest, and specctl must say what pytest says.
fn tau(tools: Python, label: &str) {
    let Some(project) = Project::extract("tau-pytest-bdd.tar.xz") else {
        return;
    };
    // `python -m pytest`: its step modules import `cucumbers` from the project root.
    let run = pytest_command(&project, "default", tools, "python -m pytest");
    let yaml = format!(
        "specs: [tests/features]\nevidence:\n{}",
        runner_yaml("default", &run, "cucumber-json", &[])
    );
    project.write_config(&yaml);
    let checked = project.check(&[], &[]);
    let truth = project.read_truth(&["default"]);
    compare(
        &format!("tau-pytest-bdd ({label})"),
        &project,
        &checked,
        &truth,
    );
}

#[test]
fn vending_machine_pytest_bdd_latest() {
    vending_machine(Python::PytestBddLatest, "pytest-bdd latest");
}

#[test]
fn vending_machine_pytest_bdd_6() {
    vending_machine(Python::PytestBdd6, "pytest-bdd 6.1.1");
}

/// vending-machine-pytest-bdd: two test folders, one feature of `getting_started/` tagged
/// `@skip` (its test module turns the tag into a pytest skip).
fn vending_machine(tools: Python, label: &str) {
    let Some(project) = Project::extract("vending-machine-pytest-bdd.tar.xz") else {
        return;
    };
    let run = pytest_command(&project, "pytest", tools, "pytest");
    let yaml = format!(
        "specs: [\"*/features/*.feature\"]\nevidence:\n{}",
        runner_yaml(
            "pytest",
            &run,
            "cucumber-json",
            &["getting_started/features/**", "vending/features/**"]
        )
    );
    project.write_config(&yaml);
    let checked = project.check(&[], &[]);
    let truth = project.read_truth(&["pytest"]);
    compare(
        &format!("vending-machine-pytest-bdd ({label})"),
        &project,
        &checked,
        &truth,
    );
}

/// pytest (`program`, from the venv of `tools`) with the truth plugin writing the truth of
/// runner `runner`, and pytest-bdd writing Cucumber JSON.
fn pytest_command(project: &Project, runner: &str, tools: Python, program: &str) -> String {
    let bin = tools::python(tools);
    let (exe, args) = program.split_once(' ').unwrap_or((program, ""));
    format!(
        "SPECCTL_TRUTH={} PYTHONDONTWRITEBYTECODE=1 PYTHONPATH={} {} {args} -p specctl_truth_pytest --cucumberjson={{report}}",
        shell_quote(&project.truth_file(runner)),
        shell_quote(Path::new(TRUTH_PLUGINS)),
        shell_quote(&bin.join(exe)),
    )
}

/// One runner under `evidence:`; the command is a JSON string, which YAML reads as a
/// double-quoted scalar.
fn runner_yaml(name: &str, run: &str, report: &str, paths: &[&str]) -> String {
    let run = serde_json::to_string(run).expect("a JSON string");
    let mut yaml = format!("  {name}:\n    run: {run}\n    report: {report}\n    timeout: 5m\n");
    if !paths.is_empty() {
        let paths = serde_json::to_string(paths).expect("a JSON array");
        writeln!(yaml, "    paths: {paths}").expect("a String");
    }
    yaml
}

// ---------------------------------------------------------------------------------------
// The projects after `specctl init`

/// behave's own suite as `specctl init` adopts it (a runner per base folder, bound by
/// `paths:`, with `--show-skipped`), checked on the same files as `behave_suite`.
#[test]
fn behave_suite_after_init() {
    let Some(project) = Project::extract("behave-v1.3.3.tar.xz") else {
        return;
    };
    project.init();
    let behave = tools::python(Python::BehaveSuite).join("behave");
    // Each base folder's runner is its own behave process: the shim gives each its own
    // truth file.
    let shims = project.dir.path().join("shims");
    let truths = project.dir.path().join("truth-behave");
    fs::create_dir(&shims).expect("make the shim folder");
    fs::create_dir(&truths).expect("make the truth folder");
    let shim = shims.join("behave");
    fs::write(
        &shim,
        format!(
            "#!/bin/sh\n\
             # behave with the truth formatter added, one truth file per run.\n\
             truth=$(mktemp {}/truth-XXXXXX) || exit 70\n\
             exec {} -f specctl_truth_behave:Truth -o \"$truth\" \"$@\"\n",
            shell_quote(&truths),
            shell_quote(&behave),
        ),
    )
    .expect("write the behave shim");
    fs::set_permissions(&shim, fs::Permissions::from_mode(0o755)).expect("make the shim runnable");
    let env = [
        ("PATH", path_with(&shims)),
        ("PYTHONPATH", TRUTH_PLUGINS.into()),
        ("PYTHONDONTWRITEBYTECODE", "1".into()),
    ];
    // As in `behave_suite`: both base folders' steps work in the same `__WORKDIR__`.
    let mut args = vec!["--jobs", "1"];
    args.extend(BEHAVE_FILES);
    let checked = project.check(&args, &env);
    let mut files: Vec<(String, PathBuf)> = fs::read_dir(&truths)
        .expect("list the truth folder")
        .map(|e| {
            let path = e.expect("a directory entry").path();
            let name = path.file_name().expect("a file name").to_string_lossy();
            (format!("behave ({name})"), path)
        })
        .collect();
    files.sort();
    // The selection has files of two base folders, so two behave runs.
    assert_eq!(
        files.len(),
        2,
        "behave should have run once per base folder (features/, issue.features/), wrote {files:?}\n{}",
        checked.context()
    );
    let truth = project.read_truth_files(&files);
    compare(
        "behave-v1.3.3 after specctl init (behave 1.3.3)",
        &project,
        &checked,
        &truth,
    );
}

#[test]
fn tau_pytest_bdd_latest_after_init() {
    let Some(project) = Project::extract("tau-pytest-bdd.tar.xz") else {
        return;
    };
    project.init();
    let env = pytest_env(&project, Python::TauPytestBddLatest);
    let checked = project.check(&[], &env);
    let truth = project.read_truth(&["default"]);
    compare(
        "tau-pytest-bdd after specctl init (pytest-bdd latest)",
        &project,
        &checked,
        &truth,
    );
}

#[test]
fn vending_machine_pytest_bdd_latest_after_init() {
    let Some(project) = Project::extract("vending-machine-pytest-bdd.tar.xz") else {
        return;
    };
    project.init();
    let env = pytest_env(&project, Python::PytestBddLatest);
    let checked = project.check(&[], &env);
    let truth = project.read_truth(&["default"]);
    compare(
        "vending-machine-pytest-bdd after specctl init (pytest-bdd latest)",
        &project,
        &checked,
        &truth,
    );
}

/// What init's `python -m pytest --cucumberjson={report}` needs to be the venv's pytest of
/// `tools` with the truth plugin writing runner `default`'s truth.
fn pytest_env(project: &Project, tools: Python) -> Vec<(&'static str, OsString)> {
    vec![
        ("PATH", path_with(&tools::python(tools))),
        ("PYTEST_ADDOPTS", "-p specctl_truth_pytest".into()),
        ("PYTHONPATH", TRUTH_PLUGINS.into()),
        ("SPECCTL_TRUTH", project.truth_file("default").into()),
        ("PYTHONDONTWRITEBYTECODE", "1".into()),
    ]
}

/// This process's `PATH` with `first` before it.
fn path_with(first: &Path) -> OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![first.to_path_buf()];
    paths.extend(std::env::split_paths(&rest));
    std::env::join_paths(paths).expect("a PATH")
}

// ---------------------------------------------------------------------------------------
// Finding and extracting the projects

/// `$SPECCTL_REAL_PROJECTS`, else the first `shared/real-projects` walking up from the
/// manifest directory; `None` (after saying so) where there is none, a panic where
/// `SPECCTL_REQUIRE_REAL_PROJECTS=1`.
fn real_projects() -> Option<PathBuf> {
    let mut looked = Vec::new();
    if let Some(dir) = std::env::var_os("SPECCTL_REAL_PROJECTS") {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return Some(dir);
        }
        looked.push(dir);
    } else {
        let mut dir = Some(Path::new(env!("CARGO_MANIFEST_DIR")));
        while let Some(current) = dir {
            let candidate = current.join(REAL_PROJECTS);
            if candidate.is_dir() {
                return Some(candidate);
            }
            looked.push(candidate);
            dir = current.parent();
        }
    }
    let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
    let missing = format!(
        "the real projects were not found (looked in {}; set SPECCTL_REAL_PROJECTS)",
        looked.join(", ")
    );
    assert!(
        std::env::var("SPECCTL_REQUIRE_REAL_PROJECTS").as_deref() != Ok("1"),
        "{missing}, and SPECCTL_REQUIRE_REAL_PROJECTS=1 requires them"
    );
    eprintln!("skipping: {missing}");
    None
}

struct Project {
    /// Holds the project's folder and, beside it (outside the project), the truth files.
    dir: TempDir,
    /// The project's root: the tarball's one top folder, canonical (the runners write
    /// absolute paths as the OS resolves them).
    root: PathBuf,
}

impl Project {
    fn extract(tarball: &str) -> Option<Project> {
        let tarball = real_projects()?.join(tarball);
        assert!(
            tarball.is_file(),
            "{} is missing from the real projects",
            tarball.display()
        );
        let dir = TempDir::new().expect("a temporary folder");
        let into = dir.path().join("project");
        fs::create_dir(&into).expect("make the extraction folder");
        setup(
            &format!("extract {}", tarball.display()),
            Command::new("tar")
                .arg("-xJf")
                .arg(&tarball)
                .arg("-C")
                .arg(&into),
        );
        let tops: Vec<PathBuf> = fs::read_dir(&into)
            .expect("list the extracted tarball")
            .map(|e| e.expect("a directory entry").path())
            .collect();
        let [top] = tops.as_slice() else {
            panic!(
                "{} should hold one top folder, holds {tops:?}",
                tarball.display()
            );
        };
        let root = top.canonicalize().expect("the project's canonical path");
        Some(Project { dir, root })
    }

    /// Where the truth of runner `name` goes: beside the project, never inside it.
    fn truth_file(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("truth-{name}.json"))
    }

    fn write_config(&self, yaml: &str) {
        fs::write(self.root.join("specctl.yaml"), yaml).expect("write specctl.yaml");
    }

    /// `specctl init` in the project's root: it must succeed, write `specctl.yaml` and add
    /// `.specctl/` to the `.gitignore` the project ships. Prints the `specctl.yaml`.
    fn init(&self) {
        let gitignore = self.root.join(".gitignore");
        let shipped = fs::read_to_string(&gitignore).unwrap_or_else(|e| {
            panic!(
                "{} ships no .gitignore to compare with ({e})",
                self.root.display()
            )
        });
        let output = self
            .specctl()
            .arg("init")
            .output()
            .expect("run specctl init");
        let context = format!(
            "stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "specctl init in {} failed\n{context}",
            self.root.display()
        );
        let yaml = fs::read_to_string(self.root.join("specctl.yaml")).unwrap_or_else(|e| {
            panic!(
                "specctl init wrote no specctl.yaml in {} ({e})\n{context}",
                self.root.display()
            )
        });
        let separator = if shipped.is_empty() || shipped.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        assert_eq!(
            fs::read_to_string(&gitignore).expect("read .gitignore after init"),
            format!("{shipped}{separator}# specctl's own state\n.specctl/\n"),
            "specctl init should add .specctl/ to .gitignore\n{context}"
        );
        eprintln!(
            "specctl init wrote {}:\n{yaml}",
            self.root.join("specctl.yaml").display()
        );
    }

    /// `specctl check --format json` with `extra` arguments and `env` set.
    fn check(&self, extra: &[&str], env: &[(&str, OsString)]) -> Checked {
        let started = Instant::now();
        let output = self
            .specctl()
            .args(["check", "--format", "json"])
            .args(extra)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run specctl");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("specctl's stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}")
        });
        Checked {
            code: output.status.code(),
            json,
            stderr,
            took: started.elapsed(),
        }
    }

    /// The binary, in the project's root, without cargo's variables.
    fn specctl(&self) -> assert_cmd::Command {
        let mut command = assert_cmd::Command::cargo_bin("specctl").expect("the specctl binary");
        command
            .current_dir(&self.root)
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_WORKSPACE_DIR");
        command
    }

    /// The scenarios the runners' truth files name, each file required.
    fn read_truth(&self, runners: &[&str]) -> Vec<Truth> {
        let files: Vec<(String, PathBuf)> = runners
            .iter()
            .map(|r| (r.to_string(), self.truth_file(r)))
            .collect();
        self.read_truth_files(&files)
    }

    /// The scenarios the truth files name, each `(runner, file)` required.
    fn read_truth_files(&self, files: &[(String, PathBuf)]) -> Vec<Truth> {
        let mut all = Vec::new();
        for (runner, path) in files {
            let text = fs::read_to_string(path).unwrap_or_else(|e| {
                panic!(
                    "runner `{runner}` wrote no truth file {} ({e}): did it start?",
                    path.display()
                )
            });
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{text}", path.display()));
            let kind = doc["runner"].as_str().unwrap_or_default().to_string();
            let show_skipped = doc["show_skipped"].as_bool().unwrap_or(false);
            for scenario in doc["scenarios"].as_array().expect("a scenarios array") {
                all.push(Truth::from_json(
                    runner,
                    &kind,
                    show_skipped,
                    scenario,
                    &self.root,
                ));
            }
        }
        all
    }
}

struct Checked {
    code: Option<i32>,
    json: Value,
    stderr: String,
    took: Duration,
}

impl Checked {
    /// specctl's JSON and stderr, for a panic message.
    fn context(&self) -> String {
        let pretty = serde_json::to_string_pretty(&self.json).expect("JSON");
        format!(
            "specctl's JSON:\n{pretty}\nspecctl's stderr:\n{}",
            self.stderr
        )
    }
}

// ---------------------------------------------------------------------------------------
// The runners' own truth

/// One scenario (or Outline row) as the runner itself saw it.
#[derive(Debug)]
struct Truth {
    runner: String,
    /// The feature file, relative to the project root.
    file: String,
    /// behave: the scenario's line, an Outline row's own line; pytest-bdd: the scenario's
    /// line, the same for every row of an Outline.
    line: u64,
    /// pytest-bdd: whether this is an Outline row (the row is then told by its steps).
    row: bool,
    /// The filled-in step texts, Background first; each only to its first line (pytest-bdd
    /// 6 folds a doc string into its step's text).
    steps: Vec<String>,
    /// The runner's own word for the outcome.
    outcome: String,
    /// What the runner's outcome means as a specctl verdict.
    expected: &'static str,
    /// Why, where it is not the obvious one.
    why: &'static str,
}

impl Truth {
    fn from_json(runner: &str, kind: &str, show_skipped: bool, json: &Value, root: &Path) -> Self {
        let absolute = json["file"].as_str().expect("a truth file path");
        let file = Path::new(absolute)
            .strip_prefix(root)
            .unwrap_or_else(|_| {
                panic!(
                    "runner `{runner}` ran {absolute}, outside the project {}",
                    root.display()
                )
            })
            .to_string_lossy()
            .into_owned();
        let steps = json["steps"]
            .as_array()
            .expect("truth steps")
            .iter()
            .map(|s| first_line(s.as_str().expect("a step text")))
            .collect();
        let outcome = json["outcome"].as_str().expect("an outcome").to_string();
        let (expected, why) = match kind {
            "behave" => behave_verdict(&outcome, json, show_skipped),
            "pytest-bdd" => pytest_verdict(&outcome, json),
            other => panic!("unknown truth kind {other:?}"),
        };
        Truth {
            runner: runner.to_string(),
            file,
            line: json["line"].as_u64().expect("a truth line"),
            row: json["example"].as_object().is_some_and(|e| !e.is_empty()),
            steps,
            outcome,
            expected,
            why,
        }
    }
}

/// behave's status as a specctl verdict. An undefined or pending step makes behave call the
/// scenario `error`; specctl calls it `undefined`. A scenario behave skips without showing
/// it (`show_skipped = false`) is in no report: `undefined`.
fn behave_verdict(outcome: &str, json: &Value, show_skipped: bool) -> (&'static str, &'static str) {
    let shown = json["shown"].as_bool().unwrap_or(false);
    let undefined_step = json["step_statuses"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s == "undefined" || s == "pending"));
    match outcome {
        "passed" => ("pass", ""),
        "failed" => ("fail", ""),
        "error" if undefined_step => ("undefined", "an undefined or pending step"),
        "error" | "hook_error" | "cleanup_error" => ("error", ""),
        "skipped" | "untested" if shown && show_skipped => ("skipped", ""),
        "skipped" | "untested" => (
            "undefined",
            "skipped and not shown (show_skipped = false): no report mentions it",
        ),
        other => panic!("behave outcome {other:?} has no verdict in this test"),
    }
}

/// pytest's outcome as a specctl verdict. A test skipped before its steps (a skip mark) is
/// left out of pytest-bdd's Cucumber JSON: `undefined`. A step with no definition fails the
/// test; specctl calls it `undefined`.
fn pytest_verdict(outcome: &str, json: &Value) -> (&'static str, &'static str) {
    let exception = json["exception"].as_str().unwrap_or_default();
    let setup_skipped = json["phases"]["setup"] == "skipped";
    match outcome {
        "passed" => ("pass", ""),
        "failed" if exception == "StepDefinitionNotFoundError" => {
            ("undefined", "a step with no definition")
        }
        "failed" => ("fail", ""),
        "error" => ("error", "pytest: an error in setup or teardown"),
        "skipped" if setup_skipped => (
            "undefined",
            "skipped by a mark: the Cucumber JSON leaves it out",
        ),
        "skipped" => ("skipped", ""),
        "not run" => ("undefined", "collected, never run"),
        other => panic!("pytest outcome {other:?} has no verdict in this test"),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

// ---------------------------------------------------------------------------------------
// Comparing

/// One of specctl's items, as its JSON says.
struct Listed<'a> {
    id: &'a str,
    file: &'a str,
    line: u64,
    steps: Vec<String>,
    status: &'a str,
    message: &'a str,
}

impl<'a> Listed<'a> {
    fn from_json(item: &'a Value) -> Self {
        let steps = item["steps"]
            .as_array()
            .map(|steps| {
                steps
                    .iter()
                    .map(|s| first_line(s["text"].as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        Listed {
            id: item["id"].as_str().expect("an item id"),
            file: item["file"].as_str().expect("an item file"),
            line: item["line"].as_u64().expect("an item line"),
            steps,
            status: item["status"].as_str().unwrap_or("none"),
            message: item["message"].as_str().unwrap_or_default(),
        }
    }
}

/// The item a truth record is about: by file and line (behave, and pytest-bdd's plain
/// scenarios); a pytest-bdd Outline row by file, its steps, and a line below the Outline's.
/// `Err` says why none or several fit.
fn item_of(truth: &Truth, items: &[Listed<'_>]) -> Result<usize, String> {
    let fits: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| {
            item.file == truth.file
                && if truth.row {
                    item.line > truth.line && item.steps == truth.steps
                } else {
                    item.line == truth.line
                }
        })
        .map(|(i, _)| i)
        .collect();
    match fits.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "specctl lists no scenario for {}:{} {:?}",
            truth.file, truth.line, truth.steps
        )),
        several => Err(format!(
            "several items fit {}:{} {:?}: {:?}",
            truth.file,
            truth.line,
            truth.steps,
            several.iter().map(|&i| items[i].id).collect::<Vec<_>>()
        )),
    }
}

/// Prints the table and asserts that every item's verdict is the runner's own.
fn compare(project_name: &str, project: &Project, checked: &Checked, truth: &[Truth]) {
    let context = checked.context();
    let items: Vec<Listed<'_>> = checked.json["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{project_name}: no items array\n{context}"))
        .iter()
        .map(Listed::from_json)
        .collect();

    // Truth onto items; each item told at most once.
    let mut unmatched = Vec::new();
    let mut told: BTreeMap<usize, &Truth> = BTreeMap::new();
    for record in truth {
        match item_of(record, &items) {
            Ok(i) => {
                if let Some(before) = told.insert(i, record) {
                    unmatched.push(format!(
                        "{} is told twice by the runner: {before:?} and {record:?}",
                        items[i].id
                    ));
                }
            }
            Err(why) => unmatched.push(format!("runner `{}`: {why}", record.runner)),
        }
    }

    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let (outcome, expected, why) = match told.get(&i) {
            Some(t) => (t.outcome.as_str(), t.expected, t.why),
            None => ("not run", "undefined", "the runner never mentions it"),
        };
        // `undefined` and `error` must say why.
        let agrees = item.status == expected
            && (!matches!(expected, "undefined" | "error") || !item.message.is_empty());
        rows.push((item, outcome, expected, why, agrees));
    }

    let ran = truth
        .iter()
        .filter(|t| !matches!(t.outcome.as_str(), "skipped" | "untested" | "not run"))
        .count();
    let skipped = truth.len() - ran;
    let agreeing = rows.iter().filter(|r| r.4).count();
    let mut table = format!(
        "\n{project_name}: specctl check took {:.1?} (exit {:?}), in {}\n  \
         specctl lists {} scenarios; the runner ran {ran} and skipped {skipped} ({} known to it); \
         verdicts agree {agreeing}, disagree {}\n",
        checked.took,
        checked.code,
        project.root.display(),
        items.len(),
        truth.len(),
        items.len() - agreeing,
    );
    let mut by_outcome: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for row in &rows {
        let verdict = if row.4 { "agree" } else { "DISAGREE" };
        *by_outcome.entry((row.1, verdict)).or_default() += 1;
    }
    writeln!(table, "  runner's outcomes: {by_outcome:?}").expect("a String");
    writeln!(
        table,
        "  {:<4} {:<70} {:<8} {:<9} {:<9} message",
        "", "item", "runner", "expected", "specctl"
    )
    .expect("a String");
    for (item, outcome, expected, why, agrees) in &rows {
        let message: String = item
            .message
            .replace('\n', " ⏎ ")
            .chars()
            .take(100)
            .collect();
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(" [{why}]")
        };
        writeln!(
            table,
            "  {:<4} {:<70} {:<8} {:<9} {:<9} {message}{why}",
            if *agrees { "ok" } else { "DIFF" },
            format!("{}:{} {}", item.file, item.line, short(item.id)),
            outcome,
            expected,
            item.status,
        )
        .expect("a String");
    }
    for line in &unmatched {
        writeln!(table, "  UNMATCHED {line}").expect("a String");
    }
    eprint!("{table}");

    assert!(
        unmatched.is_empty(),
        "{project_name}: the runner's scenarios do not all map to specctl's items:\n{}\n{context}",
        unmatched.join("\n")
    );
    let disagreeing: Vec<String> = rows
        .iter()
        .filter(|r| !r.4)
        .map(|(item, outcome, expected, _, _)| {
            format!(
                "{}: the runner says {outcome} (so {expected}), specctl says {} ({:?})",
                item.id, item.status, item.message
            )
        })
        .collect();
    assert!(
        disagreeing.is_empty(),
        "{project_name}: {} of {} verdicts disagree with the runner's own:\n{}\n{context}",
        disagreeing.len(),
        rows.len(),
        disagreeing.join("\n")
    );
    assert!(
        !items.is_empty() && !truth.is_empty(),
        "{project_name}: nothing was checked\n{context}"
    );
    assert_eq!(
        checked.json["errors"].as_array().map(Vec::len),
        Some(0),
        "{project_name}: specctl reports input errors\n{context}"
    );
}

/// An item id without its file (the table shows the file already).
fn short(id: &str) -> &str {
    let name = id.split_once("::").map_or(id, |(_, name)| name);
    match name.char_indices().nth(60) {
        Some((at, _)) => &name[..at],
        None => name,
    }
}
