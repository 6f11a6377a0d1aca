//! `specctl audit` on a corpus of weak and sound specs side by side, through the real binary:
//! `--mutants --format json` with three real runners (behave, cucumber-js, cucumber-rs), and
//! the static rules in English and French. Every finding is asserted by (rule, file, line) and
//! every mutant by (line, original, replacement, status) and the items that killed it.
//!
//! The projects are in `tests/fixtures/audit/` (its README says what each shows), copied to a
//! temporary folder with only the feature files a test names. `tests/audit.rs` covers
//! aspect evidence; this file covers Gherkin scenarios proved by real runners.

mod support;

use assert_fs::TempDir;
use serde_json::Value;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::tools::{self, Python};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/audit");

// ---------------------------------------------------------------------------------------
// behave

#[test]
fn behave_a_membership_check_lets_the_thresholds_survive_and_a_presence_check_is_never_red() {
    let p = Corpus::new("behave", &["weak.feature", "exists.feature"]).path_first(&behave());
    let a = p.audit(&["--mutants", "--format", "json"]);
    a.report("behave weak");
    assert_eq!(a.code, 1, "{a}");
    assert_eq!(
        findings(&a.doc),
        vec![
            ("never-red", "error", "specs/exists.feature", 3),
            ("survived-mutant", "error", "src/grade.py", 7),
            ("survived-mutant", "error", "src/grade.py", 9),
            ("survived-mutant", "error", "src/grade.py", 10),
            ("survived-mutant", "error", "src/grade.py", 11),
        ],
        "{a}"
    );
    assert_eq!(a.doc["findings"][0]["item"], EXISTS, "{a}");
    let weak = "specs/weak.feature::A high score gets a label";
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(7, "score >= 90", "True", "survived", vec![]),
            m(8, "\"gold\"", "None", "killed", by(&[weak])),
            m(9, "score >= 50", "True", "survived", vec![]),
            m(10, "\"silver\"", "None", "survived", vec![]),
            m(11, "\"bronze\"", "None", "survived", vec![]),
            m(
                14,
                "GRADERS.update(score=grade)",
                "pass",
                "unviable",
                vec![]
            ),
        ],
        "{a}"
    );
    // The runner's `inputs: ["src/**"]` cover src/grade.py for both scenarios.
    for mutant in a.doc["mutants"].as_array().expect("mutants") {
        assert_eq!(
            mutant["covered_by"],
            serde_json::json!([EXISTS, weak]),
            "{a}"
        );
    }
    assert_summary(&a, [6, 1, 4, 0, 1]);
}

#[test]
fn behave_labels_pinned_at_their_boundaries_kill_every_viable_mutant() {
    let p = Corpus::new("behave", &["sound.feature"]).path_first(&behave());
    let a = p.audit(&["--mutants", "--all-mutants", "--format", "json"]);
    a.report("behave sound");
    assert_eq!(a.code, 0, "{a}");
    assert_eq!(findings(&a.doc), vec![], "{a}");
    let rows = |scores: &[u32]| outline_rows("specs/sound.feature", scores);
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(7, "score >= 90", "True", "killed", rows(&[89, 50, 49, 0])),
            m(7, "score >= 90", "False", "killed", rows(&[100, 90])),
            m(7, ">=", "<", "killed", rows(&[100, 90, 89, 50, 49, 0])),
            // Only the example at the edge tells `>= 90` from `> 90`.
            m(7, ">=", ">", "killed", rows(&[90])),
            m(8, "\"gold\"", "None", "killed", rows(&[100, 90])),
            m(9, "score >= 50", "True", "killed", rows(&[49, 0])),
            m(9, "score >= 50", "False", "killed", rows(&[89, 50])),
            m(9, ">=", "<", "killed", rows(&[89, 50, 49, 0])),
            m(9, ">=", ">", "killed", rows(&[50])),
            m(10, "\"silver\"", "None", "killed", rows(&[89, 50])),
            m(11, "\"bronze\"", "None", "killed", rows(&[49, 0])),
            m(
                14,
                "GRADERS.update(score=grade)",
                "pass",
                "unviable",
                vec![]
            ),
        ],
        "{a}"
    );
    assert_summary(&a, [12, 11, 0, 0, 1]);
}

/// The unviable mutant above, applied by hand: behave cannot import the step module, writes
/// no report, and every scenario is `error`, a crash, not a failed Then.
#[test]
fn behave_without_the_registration_every_scenario_is_an_error_which_is_why_it_is_unviable() {
    let p = Corpus::new("behave", &["weak.feature", "exists.feature"]).path_first(&behave());
    let grade = p.read("src/grade.py");
    let line_14 = grade.lines().nth(13).expect("src/grade.py has a line 14");
    assert_eq!(line_14, "GRADERS.update(score=grade)");
    p.write("src/grade.py", &grade.replace(line_14, "pass"));
    let started = Instant::now();
    let run = p.specctl(&["check", "--format", "json"]);
    eprintln!(
        "behave unviable: specctl check took {:?}",
        started.elapsed()
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_eq!(
        support::statuses(&doc),
        support::expect(&[
            (EXISTS, "error"),
            ("specs/weak.feature::A high score gets a label", "error"),
        ]),
        "{}",
        run.stdout
    );
    for item in doc["items"].as_array().expect("items") {
        let message = item["message"].as_str().unwrap_or_default();
        assert!(message.contains("KeyError: 'score'"), "{message}");
    }
}

const EXISTS: &str = "specs/exists.feature::A score is graded at all";

// ---------------------------------------------------------------------------------------
// cucumber-js

#[test]
fn cucumber_js_a_membership_check_lets_the_thresholds_survive() {
    let p = Corpus::new("cucumber-js", &["weak.feature"]).node_modules();
    let a = p.audit(&["--mutants", "--format", "json"]);
    a.report("cucumber-js weak");
    assert_eq!(a.code, 1, "{a}");
    assert_eq!(
        findings(&a.doc),
        vec![
            ("survived-mutant", "error", "src/grade.js", 3),
            ("survived-mutant", "error", "src/grade.js", 6),
            ("survived-mutant", "error", "src/grade.js", 7),
            ("survived-mutant", "error", "src/grade.js", 9),
        ],
        "{a}"
    );
    let weak = "features/weak.feature::A high score gets a label";
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(3, "score >= 90", "true", "survived", vec![]),
            m(4, "'gold'", "undefined", "killed", by(&[weak])),
            m(6, "score >= 50", "true", "survived", vec![]),
            m(7, "'silver'", "undefined", "survived", vec![]),
            m(9, "'bronze'", "undefined", "survived", vec![]),
        ],
        "{a}"
    );
    assert_summary(&a, [5, 1, 4, 0, 0]);
}

/// A step that calls a method on the label crashes (a TypeError) where a mutant returns
/// `undefined`: cucumber-js reports the step FAILED, but a crash is `error`, never a kill,
/// so with that the only scenario, the mutant is `unviable`.
#[test]
fn cucumber_js_a_type_error_in_a_step_is_a_crash_so_its_mutant_is_unviable() {
    let p = Corpus::new("cucumber-js", &[]).node_modules();
    p.write(
        "features/shout.feature",
        "Feature: Shout\n  Scenario: A high score is shouted\n    Given a score of 95\n    When it is graded\n    Then the label shouts \"GOLD\"\n",
    );
    p.write(
        "features/step_definitions/shout_steps.js",
        "const assert = require('node:assert');\nconst { Then } = require('@cucumber/cucumber');\nThen('the label shouts {string}', function (shout) {\n  assert.strictEqual(this.label.toUpperCase(), shout);\n});\n",
    );
    let a = p.audit(&["--mutants", "--format", "json"]);
    a.report("cucumber-js crash");
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(3, "score >= 90", "true", "survived", vec![]),
            m(4, "'gold'", "undefined", "unviable", vec![]),
            m(6, "score >= 50", "true", "survived", vec![]),
            m(7, "'silver'", "undefined", "survived", vec![]),
            m(9, "'bronze'", "undefined", "survived", vec![]),
        ],
        "{a}"
    );
}

#[test]
fn cucumber_js_labels_pinned_at_their_boundaries_kill_every_mutant() {
    let p = Corpus::new("cucumber-js", &["sound.feature"]).node_modules();
    let a = p.audit(&["--mutants", "--all-mutants", "--format", "json"]);
    a.report("cucumber-js sound");
    assert_eq!(a.code, 0, "{a}");
    assert_eq!(findings(&a.doc), vec![], "{a}");
    let rows = |scores: &[u32]| outline_rows("features/sound.feature", scores);
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(3, "score >= 90", "true", "killed", rows(&[89, 50, 49, 0])),
            m(3, "score >= 90", "false", "killed", rows(&[100, 90])),
            m(3, ">=", "<", "killed", rows(&[100, 90, 89, 50, 49, 0])),
            m(3, ">=", ">", "killed", rows(&[90])),
            m(4, "'gold'", "undefined", "killed", rows(&[100, 90])),
            m(6, "score >= 50", "true", "killed", rows(&[49, 0])),
            m(6, "score >= 50", "false", "killed", rows(&[89, 50])),
            m(6, ">=", "<", "killed", rows(&[89, 50, 49, 0])),
            m(6, ">=", ">", "killed", rows(&[50])),
            m(7, "'silver'", "undefined", "killed", rows(&[89, 50])),
            m(9, "'bronze'", "undefined", "killed", rows(&[49, 0])),
        ],
        "{a}"
    );
    assert_summary(&a, [11, 11, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------
// cucumber-rs

/// The cucumber-rs projects share one target folder, so the dependencies compile once. Cargo
/// gives the crate the same artifacts and fingerprint in every copy, wherever it is, and
/// takes a copy whose `src/lib.rs` is older than the last build there for fresh: two copies
/// built in turn would run one's mutant as the other's. Hence one audit at a time here and
/// `--jobs 1`, whose one copy always writes its mutant after its previous build.
static RUST_TARGET: Mutex<()> = Mutex::new(());

#[test]
fn cucumber_rs_a_membership_check_lets_the_thresholds_survive_and_is_never_red() {
    let _target = RUST_TARGET.lock().unwrap_or_else(|e| e.into_inner());
    let p = Corpus::new("cucumber-rs", &["weak.feature"]).cargo();
    let a = p.audit(&["--mutants", "--jobs", "1", "--format", "json"]);
    a.report("cucumber-rs weak");
    assert_eq!(a.code, 1, "{a}");
    assert_eq!(
        findings(&a.doc),
        vec![
            ("never-red", "error", "features/weak.feature", 3),
            ("survived-mutant", "error", "src/lib.rs", 4),
            ("survived-mutant", "error", "src/lib.rs", 6),
        ],
        "{a}"
    );
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(4, "score >= 90", "true", "survived", vec![]),
            m(6, "score >= 50", "true", "survived", vec![]),
        ],
        "{a}"
    );
    assert_summary(&a, [2, 0, 2, 0, 0]);
}

#[test]
fn cucumber_rs_labels_pinned_at_their_boundaries_kill_every_mutant() {
    let _target = RUST_TARGET.lock().unwrap_or_else(|e| e.into_inner());
    let p = Corpus::new("cucumber-rs", &["sound.feature"]).cargo();
    let a = p.audit(&[
        "--mutants",
        "--all-mutants",
        "--jobs",
        "1",
        "--format",
        "json",
    ]);
    a.report("cucumber-rs sound");
    assert_eq!(a.code, 0, "{a}");
    assert_eq!(findings(&a.doc), vec![], "{a}");
    let rows = |scores: &[u32]| outline_rows("features/sound.feature", scores);
    assert_eq!(
        mutants(&a.doc),
        vec![
            m(4, "score >= 90", "true", "killed", rows(&[89, 50, 49, 0])),
            m(4, "score >= 90", "false", "killed", rows(&[100, 90])),
            m(4, ">=", "<", "killed", rows(&[100, 90, 89, 50, 49, 0])),
            m(4, ">=", ">", "killed", rows(&[90])),
            m(6, "score >= 50", "true", "killed", rows(&[49, 0])),
            m(6, "score >= 50", "false", "killed", rows(&[89, 50])),
            m(6, ">=", "<", "killed", rows(&[89, 50, 49, 0])),
            m(6, ">=", ">", "killed", rows(&[50])),
        ],
        "{a}"
    );
    assert_summary(&a, [8, 8, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------
// Static rules

#[test]
fn static_rules_in_english_each_fire_on_the_loose_files_and_none_on_the_sound_ones() {
    let p = Corpus::new("static/en", &["loose.feature", "sound.feature"]);
    let a = p.audit(&[
        "--format",
        "json",
        "specs/loose.feature",
        "aspects/always-passes.md",
    ]);
    a.report("static en loose");
    assert_eq!(a.code, 1, "{a}");
    let loose = "specs/loose.feature";
    assert_eq!(
        findings(&a.doc),
        vec![
            (
                "evidence-cannot-fail",
                "error",
                "aspects/always-passes.md",
                2
            ),
            ("never-red", "info", "aspects/always-passes.md", 2),
            ("no-outcome", "error", loose, 3),
            ("never-red", "info", loose, 3),
            ("no-action", "warning", loose, 7),
            ("never-red", "info", loose, 7),
            ("outline-unused-column", "error", loose, 17),
            ("never-red", "info", loose, 18),
            ("never-red", "info", loose, 19),
            ("outline-duplicate-row", "error", loose, 20),
            ("never-red", "info", loose, 20),
            ("never-red", "info", loose, 22),
            ("duplicate-scenario", "warning", loose, 27),
            ("never-red", "info", loose, 27),
        ],
        "{a}"
    );
    assert_eq!(a.doc["mutants"], serde_json::json!([]), "{a}");

    let a = p.audit(&[
        "--format",
        "json",
        "specs/sound.feature",
        "aspects/checked.md",
    ]);
    a.report("static en sound");
    assert_eq!(a.code, 0, "{a}");
    // Only the reminder that no history has seen these fail yet, one for each item.
    assert_eq!(
        findings(&a.doc),
        vec![
            ("never-red", "info", "aspects/checked.md", 2),
            ("never-red", "info", "specs/sound.feature", 3),
            ("never-red", "info", "specs/sound.feature", 15),
            ("never-red", "info", "specs/sound.feature", 16),
        ],
        "{a}"
    );
}

#[test]
fn static_rules_in_french_each_fire_on_the_loose_file_and_none_on_the_sound_one() {
    let p = Corpus::new("static/fr", &["lache.feature", "rigoureux.feature"]);
    let a = p.audit(&["--format", "json", "specs/lache.feature"]);
    a.report("static fr loose");
    assert_eq!(a.code, 1, "{a}");
    let lache = "specs/lache.feature";
    assert_eq!(
        findings(&a.doc),
        vec![
            ("evidence-cannot-fail", "error", "specctl.yaml", 7),
            ("no-outcome", "error", lache, 4),
            ("never-red", "info", lache, 4),
            ("no-action", "warning", lache, 8),
            ("never-red", "info", lache, 8),
            ("outline-unused-column", "error", lache, 18),
            ("never-red", "info", lache, 19),
            ("never-red", "info", lache, 20),
            ("outline-duplicate-row", "error", lache, 21),
            ("never-red", "info", lache, 21),
            ("never-red", "info", lache, 23),
            ("duplicate-scenario", "warning", lache, 28),
            ("never-red", "info", lache, 28),
            ("never-red", "info", lache, 34),
        ],
        "{a}"
    );
    let duplicate = &a.doc["findings"][11];
    assert_eq!(
        duplicate["item"], "specs/lache.feature::Payer une paire de pommes",
        "{a}"
    );
    assert!(
        duplicate["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`Payer deux pommes` at specs/lache.feature:23"),
        "{a}"
    );

    let a = p.audit(&["--format", "json", "specs/rigoureux.feature"]);
    a.report("static fr sound");
    assert_eq!(a.code, 0, "{a}");
    assert_eq!(
        findings(&a.doc),
        vec![
            ("never-red", "info", "specs/rigoureux.feature", 4),
            ("never-red", "info", "specs/rigoureux.feature", 16),
            ("never-red", "info", "specs/rigoureux.feature", 17),
        ],
        "{a}"
    );
}

// ---------------------------------------------------------------------------------------
// Projects

/// A temporary copy of a corpus project and the environment its runner needs.
struct Corpus {
    dir: TempDir,
    path_first: Vec<PathBuf>,
    env: Vec<(&'static str, OsString)>,
}

impl Corpus {
    /// Copies `tests/fixtures/audit/<project>`, with only the `.feature` files named.
    fn new(project: &str, features: &[&str]) -> Corpus {
        let dir = TempDir::new().expect("a temporary folder");
        let from = Path::new(CORPUS).join(project);
        let copied = copy_with(&from, dir.path(), features);
        let mut names: Vec<&str> = copied.iter().map(String::as_str).collect();
        names.sort_unstable();
        let mut wanted = features.to_vec();
        wanted.sort_unstable();
        assert_eq!(names, wanted, "the feature files of {}", from.display());
        Corpus {
            dir,
            path_first: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Puts `bin` first on the PATH of every command the project runs.
    fn path_first(mut self, bin: &Path) -> Corpus {
        self.path_first.push(bin.to_path_buf());
        self
    }

    /// Links the cucumber-js install into the project as `node_modules`.
    fn node_modules(self) -> Corpus {
        std::os::unix::fs::symlink(tools::cucumber_js(), self.dir.path().join("node_modules"))
            .expect("link node_modules into the project");
        self
    }

    /// The cargo that runs this test, first on PATH, and the target folder every copy
    /// shares; the dependencies are built there before the audit, which then times mutants.
    fn cargo(mut self) -> Corpus {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-rs-target");
        let cargo = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        if let Some(bin) = cargo.parent().filter(|b| !b.as_os_str().is_empty()) {
            self.path_first.push(bin.to_path_buf());
        }
        self.env.push(("AUDIT_RS_TARGET", target.clone().into()));
        let started = Instant::now();
        tools::setup(
            "build the cucumber-rs corpus crate",
            std::process::Command::new(&cargo)
                .args(["test", "--no-run", "--locked", "--offline", "--quiet"])
                .args(["--test", "features", "--target-dir"])
                .arg(&target)
                .current_dir(self.dir.path())
                .env_remove("CARGO_MANIFEST_DIR"),
        );
        eprintln!("cucumber-rs corpus crate built in {:?}", started.elapsed());
        self
    }

    fn read(&self, file: &str) -> String {
        fs::read_to_string(self.dir.path().join(file)).expect("read a project file")
    }

    fn write(&self, file: &str, text: &str) {
        fs::write(self.dir.path().join(file), text).expect("write a project file");
    }

    /// The real binary, in the project, with the runner's environment.
    fn specctl(&self, args: &[&str]) -> support::Run {
        let mut path = self.path_first.clone();
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let mut command = assert_cmd::Command::cargo_bin("specctl").expect("the specctl binary");
        command
            .current_dir(self.dir.path())
            .env("PATH", std::env::join_paths(path).expect("a PATH"))
            // cucumber-rs prints feature paths relative to CARGO_MANIFEST_DIR: let the
            // project's own `cargo test` set it, as it would outside this test.
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_WORKSPACE_DIR")
            .args(args);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        support::Run::from(command.output().expect("run specctl"))
    }

    fn audit(&self, args: &[&str]) -> Audited {
        let started = Instant::now();
        let run = self.specctl(&[&["audit"], args].concat());
        let took = started.elapsed();
        Audited {
            doc: run.json(),
            code: run.code,
            stdout: run.stdout,
            stderr: run.stderr,
            took,
        }
    }
}

/// Copies the tree at `from` to `to` but for the `.feature` files not in `features`;
/// returns the names of the feature files copied.
fn copy_with(from: &Path, to: &Path, features: &[&str]) -> Vec<String> {
    let mut copied = Vec::new();
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let target = to.join(&name);
        if path.is_dir() {
            copied.extend(copy_with(&path, &target, features));
        } else if !name.ends_with(".feature") || features.contains(&name.as_str()) {
            fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if name.ends_with(".feature") {
                copied.push(name);
            }
        }
    }
    copied
}

struct Audited {
    code: i32,
    doc: Value,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl std::fmt::Display for Audited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Audited {
    /// How long the audit took and, with mutants, how many it judged a second.
    fn report(&self, what: &str) {
        let summary = &self.doc["summary"];
        let count = summary["mutants"].as_u64().unwrap_or_default();
        let ms = summary["duration_ms"].as_u64().unwrap_or_default();
        if count == 0 {
            eprintln!("{what}: specctl audit took {:?}", self.took);
        } else {
            let each: u64 = self.doc["mutants"]
                .as_array()
                .expect("a mutants array")
                .iter()
                .map(|m| m["duration_ms"].as_u64().unwrap_or_default())
                .sum();
            eprintln!(
                "{what}: specctl audit took {:?}; {count} mutants in {ms} ms (baseline included): \
                 {:.2} mutants/s; {} ms a mutant's evidence",
                self.took,
                count as f64 * 1000.0 / ms.max(1) as f64,
                each / count
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The document, as values

/// (rule, severity, file, line) of every finding, in the document's order.
fn findings(doc: &Value) -> Vec<(&str, &str, &str, u64)> {
    doc["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default(),
                f["severity"].as_str().unwrap_or_default(),
                f["file"].as_str().unwrap_or_default(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// A mutant as the tests compare it: line, original, replacement, status, killed_by.
type Mutant = (u64, String, String, String, Vec<String>);

fn m(line: u64, original: &str, replacement: &str, status: &str, killed_by: Vec<String>) -> Mutant {
    let mut killed_by = killed_by;
    killed_by.sort();
    (
        line,
        original.to_string(),
        replacement.to_string(),
        status.to_string(),
        killed_by,
    )
}

fn by(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

fn mutants(doc: &Value) -> Vec<Mutant> {
    doc["mutants"]
        .as_array()
        .expect("a mutants array")
        .iter()
        .map(|m| {
            let text = |key: &str| m[key].as_str().unwrap_or_default().to_string();
            let mut killed_by: Vec<String> = m["killed_by"]
                .as_array()
                .expect("killed_by")
                .iter()
                .map(|id| id.as_str().unwrap_or_default().to_string())
                .collect();
            killed_by.sort();
            (
                m["line"].as_u64().unwrap_or_default(),
                text("original"),
                text("replacement"),
                text("status"),
                killed_by,
            )
        })
        .collect()
}

/// The rows of `sound.feature`'s Outline, each score with its label.
const ROWS: [(u32, &str); 6] = [
    (100, "gold"),
    (90, "gold"),
    (89, "silver"),
    (50, "silver"),
    (49, "bronze"),
    (0, "bronze"),
];

/// The item ids of the rows with these scores.
fn outline_rows(file: &str, scores: &[u32]) -> Vec<String> {
    scores
        .iter()
        .map(|score| {
            let (_, label) = ROWS
                .iter()
                .find(|(s, _)| s == score)
                .unwrap_or_else(|| panic!("no row scores {score}"));
            format!("{file}::A score of {score} is {label}")
        })
        .collect()
}

/// summary: [mutants, killed, survived, timeout, unviable].
fn assert_summary(a: &Audited, counts: [u64; 5]) {
    let summary = &a.doc["summary"];
    let keys = ["mutants", "killed", "survived", "timeout", "unviable"];
    let got: Vec<u64> = keys
        .iter()
        .map(|k| summary[*k].as_u64().expect("a count"))
        .collect();
    assert_eq!(got, counts, "summary {keys:?}\n{a}");
    assert_eq!(summary["interrupted"], false, "{a}");
    assert_eq!(a.doc["warnings"], serde_json::json!([]), "{a}");
}

// ---------------------------------------------------------------------------------------
// Tools

fn behave() -> PathBuf {
    tools::python(Python::Behave)
}
