//! `specctl audit` end to end on real temporary projects: the static rules by value, and
//! `--mutants` with Python evidence (aspects), the user's tree untouched whatever happens.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use support::Project;

const GRADE: &str = "\
def grade(score):
    if score >= 90:
        return \"gold\"
    if score >= 50:
        return \"silver\"
    return \"bronze\"
";

/// A project whose one aspect runs `check` (a Python script) against src/grade.py.
fn graded(check: &str) -> Project {
    let p = Project::new();
    p.file("specctl.yaml", "specs: []\n")
        .file("src/grade.py", GRADE)
        .file(
            "aspects/grade.md",
            "---\nname: grade\nevidence: python3 evidence/check.py\ninputs: [\"src/**\"]\n---\nGrades by score.\n",
        )
        .file(
            "evidence/check.py",
            &format!("import sys\nsys.path.insert(0, 'src')\nfrom grade import grade\n{check}"),
        );
    p
}

const PINNED: &str = "\
assert grade(95) == 'gold'
assert grade(90) == 'gold'
assert grade(89) == 'silver'
assert grade(50) == 'silver'
assert grade(49) == 'bronze'
";

const MEMBERSHIP: &str = "assert grade(95) in {'gold', 'silver', 'bronze'}\n";

fn findings(doc: &Value) -> Vec<(String, String, u64)> {
    doc["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn statuses(doc: &Value) -> Vec<(u64, String, String, String)> {
    doc["mutants"]
        .as_array()
        .expect("a mutants array")
        .iter()
        .map(|m| {
            (
                m["line"].as_u64().unwrap_or_default(),
                m["original"].as_str().unwrap_or_default().to_string(),
                m["replacement"].as_str().unwrap_or_default().to_string(),
                m["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Every file of the tree and its bytes, but specctl's own state.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a folder") {
            let path = entry.expect("an entry").path();
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            if rel == ".specctl" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(rel, std::fs::read(&path).expect("read a file"));
            }
        }
    }
    files
}

#[test]
fn a_pinned_check_kills_every_mutant_and_a_membership_check_lets_them_survive() {
    let sound = graded(PINNED);
    let run = sound.run(&["audit", "--mutants", "--format", "json"]);
    let doc = run.json();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let survived: Vec<_> = statuses(&doc)
        .into_iter()
        .filter(|m| m.3 != "killed")
        .collect();
    assert_eq!(survived, vec![], "{}", run.stdout);
    assert!(
        doc["summary"]["killed"].as_u64().unwrap() >= 4,
        "{}",
        run.stdout
    );

    let weak = graded(MEMBERSHIP);
    let run = weak.run(&["audit", "--mutants", "--format", "json"]);
    let doc = run.json();
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let survivors: Vec<(String, String, u64)> = findings(&doc)
        .into_iter()
        .filter(|f| f.0 == "survived-mutant")
        .collect();
    assert!(
        survivors.contains(&("survived-mutant".into(), "src/grade.py".into(), 2)),
        "{}",
        run.stdout
    );
    let on_line_2: Vec<_> = statuses(&doc).into_iter().filter(|m| m.0 == 2).collect();
    assert_eq!(on_line_2.len(), 1, "one mutant a line: {}", run.stdout);
    assert_eq!(on_line_2[0].3, "survived");
}

#[test]
fn a_check_that_only_sees_something_exists_is_never_red() {
    let p = graded("assert grade(95) is not None or grade(95) is None\n");
    let run = p.run(&["audit", "--mutants", "--format", "json"]);
    let doc = run.json();
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let never_red: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "never-red")
        .collect();
    assert_eq!(never_red.len(), 1, "{}", run.stdout);
    assert_eq!(never_red[0]["item"], "aspect:grade");
    assert_eq!(never_red[0]["severity"], "error");
    assert_eq!(never_red[0]["file"], "aspects/grade.md");
    assert_eq!(doc["summary"]["killed"], 0);
}

#[test]
fn without_mutants_never_red_is_info_and_an_item_seen_failing_is_not_reported() {
    let p = graded(PINNED);
    let run = p.run(&["audit", "--format", "json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_eq!(doc["findings"][0]["rule"], "never-red");
    assert_eq!(doc["findings"][0]["severity"], "info");
    assert_eq!(doc["mutants"], serde_json::json!([]));
    // The grade is wrong for a while: check sees the aspect fail, and the store remembers.
    p.file("src/grade.py", &GRADE.replace("\"gold\"", "\"silver\""));
    assert_eq!(p.run(&["check"]).code, 1);
    p.file("src/grade.py", GRADE);
    let run = p.run(&["audit", "--format", "json"]);
    assert_eq!(findings(&run.json()), vec![], "{}", run.stdout);
}

#[test]
fn the_tree_is_byte_identical_after_an_audit() {
    let p = graded(PINNED);
    p.file("src/data.json", "{\"a\": 1}\n");
    let before = snapshot(p.path());
    let run = p.run(&["audit", "--mutants", "--format", "json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(snapshot(p.path()), before);
}

#[test]
fn a_failing_baseline_exits_4_and_names_the_items() {
    let p = graded("assert grade(95) == 'silver'\n");
    let before = snapshot(p.path());
    let run = p.run(&["audit", "--mutants"]);
    assert_eq!(run.code, 4, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("the baseline does not hold"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fail aspect:grade"), "{}", run.stderr);
    assert_eq!(snapshot(p.path()), before);
}

#[test]
fn a_mutant_that_hangs_is_a_timeout_and_the_tree_is_untouched() {
    let p = Project::new();
    p.file("specctl.yaml", "specs: []\n")
        .file(
            "src/count.py",
            "def count(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i\n",
        )
        .file(
            "aspects/count.md",
            "---\nname: count\nevidence: python3 evidence/check.py\ninputs: [\"src/**\"]\n---\nCounts.\n",
        )
        .file(
            "evidence/check.py",
            "import sys\nsys.path.insert(0, 'src')\nfrom count import count\nassert count(3) == 3\n",
        );
    let before = snapshot(p.path());
    let run = p.run(&["audit", "--mutants", "--all-mutants", "--format", "json"]);
    let doc = run.json();
    let forced: Vec<_> = statuses(&doc)
        .into_iter()
        .filter(|m| m.0 == 3 && m.2 == "True")
        .collect();
    assert_eq!(forced.len(), 1, "{}", run.stdout);
    assert_eq!(forced[0].3, "timeout", "{}", run.stdout);
    assert_eq!(snapshot(p.path()), before);
}

#[test]
fn a_source_that_does_not_parse_and_a_binary_one_are_skipped_with_warnings() {
    let p = graded(PINNED);
    p.file("src/broken.py", "def broken(:\n    return 1\n")
        .bytes("src/blob.py", b"\x00\x01\x02binary");
    let run = p.run(&["audit", "--mutants"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("src/broken.py:1"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skipped src/blob.py: it is a binary file"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_inputs_at_all_says_how_to_declare_them() {
    let p = Project::new();
    p.file("specctl.yaml", "specs: []\n").file(
        "aspects/a.md",
        "---\nname: a\nevidence: python3 -c 'pass'\n---\nA.\n",
    );
    let run = p.run(&["audit", "--mutants"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("nothing to mutate"), "{}", run.stderr);
    assert!(
        run.stderr.contains("inputs: [\"src/**\"]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("audit: {mutate:"), "{}", run.stderr);
}

#[test]
fn since_mutates_only_the_lines_changed_since_a_revision() {
    let p = graded(MEMBERSHIP);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(p.path())
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "start"]);
    p.file("src/grade.py", &GRADE.replace("score >= 50", "score >= 40"));
    let run = p.run(&["audit", "--mutants", "--since", "HEAD", "--format", "json"]);
    let doc = run.json();
    let lines: Vec<u64> = statuses(&doc).iter().map(|m| m.0).collect();
    assert_eq!(lines, vec![4], "{}", run.stdout);
    let run = p.run(&["audit", "--mutants", "--since", "no-such-ref"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read the lines changed since `no-such-ref`"),
        "{}",
        run.stderr
    );
}

#[test]
fn sarif_and_stryker_documents_carry_the_findings_and_mutants() {
    let p = graded(MEMBERSHIP);
    let run = p.run(&["audit", "--mutants", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "survived-mutant"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/grade.py"));
    let out = p.path().join("stryker.json");
    let run = p.run(&[
        "audit",
        "--mutants",
        "--format",
        "stryker",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let stryker: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(stryker["schemaVersion"], "2");
    let file = &stryker["files"]["src/grade.py"];
    assert_eq!(file["language"], "python");
    assert_eq!(file["source"], GRADE);
    assert!(
        file["mutants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["status"] == "Survived")
    );
}

/// Waits until `path` holds at least `lines` lines, for as long as the audit runs.
fn wait_for_lines(path: &Path, lines: usize, child: &mut std::process::Child) -> Vec<String> {
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let found: Vec<String> = text.lines().map(str::to_string).collect();
        if found.len() >= lines {
            return found;
        }
        if let Some(status) = child.try_wait().expect("poll the audit") {
            panic!("the audit ended ({status}) before {lines} evidence runs started");
        }
        std::thread::yield_now();
    }
}

/// A project whose evidence records its pid in `AUDIT_LOG` and, on every run after the
/// first (the baseline), hangs: a mutant's evidence is then running until it is ended.
fn hanging_after_baseline() -> (Project, std::path::PathBuf) {
    hanging_after(1)
}

/// As [`hanging_after_baseline`], hanging from the run after the first `quick` ones.
fn hanging_after(quick: usize) -> (Project, std::path::PathBuf) {
    let p = graded(&format!(
        "import os, time\n\
log = os.environ['AUDIT_LOG']\n\
runs = len(open(log).read().splitlines()) if os.path.exists(log) else 0\n\
open(log, 'a').write(f'{{os.getpid()}}\\n')\n\
if runs >= {quick}:\n    time.sleep(120)\n\
assert grade(95) == 'gold'\n"
    ));
    let log = p.path().parent().unwrap().join(format!(
        "audit-log-{}",
        p.path().file_name().unwrap().to_string_lossy()
    ));
    (p, log)
}

fn start_audit(p: &Project, log: &Path) -> std::process::Child {
    start_audit_with(p, log, &[])
}

fn start_audit_with(p: &Project, log: &Path, more: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("specctl"))
        .args(["audit", "--mutants", "--jobs", "1"])
        .args(more)
        .current_dir(p.path())
        .env("AUDIT_LOG", log)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start specctl audit")
}

#[test]
fn ctrl_c_stops_an_audit_cleanly_keeps_the_tree_and_ends_the_evidence() {
    let (p, log) = hanging_after_baseline();
    let before = snapshot(p.path());
    let mut child = start_audit(&p, &log);
    let pids = wait_for_lines(&log, 2, &mut child);
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().expect("the audit ends");
    let _ = std::fs::remove_file(&log);
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !support::alive(&pids[1]),
        "the mutant's evidence still runs"
    );
    assert_eq!(snapshot(p.path()), before);
}

#[test]
fn after_a_kill_9_of_an_audit_the_next_audit_ends_its_evidence_and_the_tree_is_untouched() {
    let (p, log) = hanging_after_baseline();
    let before = snapshot(p.path());
    let mut child = start_audit(&p, &log);
    let pids = wait_for_lines(&log, 2, &mut child);
    child.kill().expect("kill -9 the audit");
    child.wait().expect("reap it");
    assert!(
        support::alive(&pids[1]),
        "the mutant's evidence outlived its audit"
    );
    let run = p.run(&["audit"]);
    let _ = std::fs::remove_file(&log);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !support::alive(&pids[1]),
        "the next audit left the evidence running"
    );
    assert_eq!(snapshot(p.path()), before);
}

#[test]
fn an_interrupted_audit_reports_and_records_the_mutants_it_judged() {
    // The baseline and the first mutant run; the second mutant's evidence hangs.
    let (p, log) = hanging_after(2);
    let mut child = start_audit_with(&p, &log, &["--format", "json"]);
    wait_for_lines(&log, 3, &mut child);
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().expect("the audit ends");
    let _ = std::fs::remove_file(&log);
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
    assert_eq!(doc["summary"]["interrupted"], true);
    let judged = statuses(&doc);
    assert_eq!(judged.len(), 1, "{doc}");
    assert_eq!(judged[0].0, 2, "{doc}");
    // What was learned is kept: the next static audit knows the item has been red.
    let run = p.run(&["audit", "--format", "json"]);
    let never_red: Vec<_> = findings(&run.json())
        .into_iter()
        .filter(|f| f.0 == "never-red")
        .collect();
    let killed = judged[0].3 == "killed";
    assert_eq!(never_red.is_empty(), killed, "{}", run.stdout);
}

#[test]
fn the_scratch_copies_are_removed_after_an_audit() {
    let p = graded(PINNED);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("specctl"))
        .args(["audit", "--mutants"])
        .current_dir(p.path())
        .env("TMPDIR", tmp.path())
        .output()
        .expect("run specctl audit");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut left = Vec::new();
    let mut stack = vec![tmp.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a folder").flatten() {
            if entry.path().is_dir() {
                if entry.file_name().to_string_lossy().starts_with("audit-") {
                    left.push(entry.path());
                }
                stack.push(entry.path());
            }
        }
    }
    assert_eq!(left, Vec::<std::path::PathBuf>::new());
}

#[test]
fn a_mutant_of_the_same_size_is_never_judged_on_the_cached_bytecode_of_the_code_before() {
    // `==` -> `!=` leaves the file's size as it was, and the mutant is written within a
    // second of the baseline that compiled the original into __pycache__.
    let p = Project::new();
    p.file("specctl.yaml", "specs: []\n")
        .file("src/one.py", "def is_one(a):\n    ok = a == 1\n    return ok\n")
        .file(
            "aspects/one.md",
            "---\nname: one\nevidence: python3 evidence/check.py\ninputs: [\"src/**\"]\n---\nOne.\n",
        )
        .file(
            "evidence/check.py",
            "import sys\nsys.path.insert(0, 'src')\nfrom one import is_one\nassert is_one(1) is True\n",
        );
    // Python must write its bytecode cache here, as it does by default.
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("specctl"))
        .args(["audit", "--mutants", "--jobs", "1", "--format", "json"])
        .current_dir(p.path())
        .env_remove("PYTHONDONTWRITEBYTECODE")
        .output()
        .expect("run specctl audit");
    let run = support::Run::from(output);
    let doc = run.json();
    assert_eq!(
        statuses(&doc),
        vec![
            (2, "==".to_string(), "!=".to_string(), "killed".to_string()),
            (
                3,
                "ok".to_string(),
                "None".to_string(),
                "killed".to_string()
            ),
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn values_pinned_away_from_the_edges_let_a_moved_boundary_survive() {
    let p = graded(
        "assert grade(95) == 'gold'\nassert grade(70) == 'silver'\nassert grade(10) == 'bronze'\n",
    );
    let run = p.run(&["audit", "--mutants", "--all-mutants", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let survived: Vec<_> = statuses(&run.json())
        .into_iter()
        .filter(|m| m.3 == "survived")
        .collect();
    assert_eq!(
        survived,
        vec![
            (2, ">=".to_string(), ">".to_string(), "survived".to_string()),
            (4, ">=".to_string(), ">".to_string(), "survived".to_string()),
        ]
    );
}

#[test]
fn inputs_that_match_no_source_and_a_bad_glob_are_clear_errors() {
    let p = graded(PINNED);
    p.file(
        "aspects/grade.md",
        "---\nname: grade\nevidence: python3 evidence/check.py\ninputs: [\"docs/**\"]\n---\nGrades.\n",
    )
    .file("docs/guide.md", "# Guide\n");
    let run = p.run(&["audit", "--mutants"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no source file to mutate matches inputs (docs/**)"),
        "{}",
        run.stderr
    );
    p.file("specctl.yaml", "specs: []\naudit:\n  mutate: [\"src/[\"]\n");
    let run = p.run(&["audit", "--mutants"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`src/[` in audit.mutate is not a valid glob"),
        "{}",
        run.stderr
    );
}

/// A project whose evidence tells the baseline (src/grade.py as written) from a mutant, and
/// notes each start in `AUDIT_LOG`. The baseline waits (up to a minute) until a mutant has
/// started beside it, notes whether one did in `overlap`, then exits with `baseline_exit`;
/// the first mutant to start hangs; the others check the grades.
fn beside_the_baseline(baseline_exit: u8) -> (Project, std::path::PathBuf) {
    const BESIDE: &str = r#"import os, time
ORIGINAL = GRADE
log = os.environ['AUDIT_LOG']
def starts():
    return open(log).read().splitlines()
mutated = open('src/grade.py').read() != ORIGINAL
with open(log, 'a') as f:
    f.write(('mutant' if mutated else 'baseline') + f' {os.getpid()}\n')
if not mutated:
    deadline = time.time() + 60
    while not any(s.startswith('mutant') for s in starts()) and time.time() < deadline:
        time.sleep(0.01)
    open(log + '.overlap', 'w').write(str(any(s.startswith('mutant') for s in starts())))
    sys.exit(EXIT)
if [s for s in starts() if s.startswith('mutant')][0] == f'mutant {os.getpid()}':
    time.sleep(120)
assert grade(95) == 'gold'
assert grade(50) == 'silver'
"#;
    let p = graded(
        &BESIDE
            .replace("GRADE", &format!("{GRADE:?}"))
            .replace("EXIT", &baseline_exit.to_string()),
    );
    let log = p.path().parent().unwrap().join(format!(
        "audit-beside-{}",
        p.path().file_name().unwrap().to_string_lossy()
    ));
    (p, log)
}

/// Where the baseline of [`beside_the_baseline`] says whether a mutant ran beside it.
fn overlap_of(log: &Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.overlap", log.display()))
}

fn audit_with_two_jobs(p: &Project, log: &Path) -> std::process::Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("specctl"))
        .args(["audit", "--mutants", "--jobs", "2", "--format", "json"])
        .current_dir(p.path())
        .env("AUDIT_LOG", log)
        .output()
        .expect("run specctl audit")
}

fn pid_of(log: &Path, who: &str) -> String {
    let text = std::fs::read_to_string(log).expect("the evidence's log");
    let line = text.lines().find(|l| l.starts_with(who)).expect("a start");
    line.split(' ').nth(1).expect("a pid").to_string()
}

#[test]
fn with_two_jobs_a_mutant_runs_beside_the_baseline_and_one_that_hangs_is_cut_at_the_mutants_timeout()
 {
    let (p, log) = beside_the_baseline(0);
    let before = snapshot(p.path());
    let out = audit_with_two_jobs(&p, &log);
    let overlap = std::fs::read_to_string(overlap_of(&log)).unwrap_or_default();
    let hung = pid_of(&log, "mutant");
    let _ = (
        std::fs::remove_file(&log),
        std::fs::remove_file(overlap_of(&log)),
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
    assert_eq!(overlap, "True", "no mutant started while the baseline ran");
    // The first mutant started before the baseline was known, under the configured timeout;
    // it was cut at the mutants' own (a few times the baseline, at least 5 s more).
    assert_eq!(doc["mutants"][0]["status"], "timeout", "{doc}");
    let took = doc["mutants"][0]["duration_ms"].as_u64().unwrap();
    let baseline = doc["summary"]["baseline_ms"].as_u64().unwrap();
    assert!(
        (baseline + 5_000..60_000).contains(&took),
        "{took} ms, baseline {baseline} ms"
    );
    assert!(
        !support::alive(&hung),
        "the cut mutant's evidence still runs"
    );
    // Every other mutant was judged against the baseline as usual.
    let judged: Vec<String> = statuses(&doc).into_iter().skip(1).map(|m| m.3).collect();
    assert!(!judged.is_empty(), "{doc}");
    assert!(
        judged.iter().all(|s| s == "killed" || s == "survived"),
        "{doc}"
    );
    assert_eq!(snapshot(p.path()), before);
}

#[test]
fn a_baseline_that_fails_beside_a_running_mutant_exits_4_and_ends_the_mutant() {
    let (p, log) = beside_the_baseline(1);
    let before = snapshot(p.path());
    let out = audit_with_two_jobs(&p, &log);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    let overlap = std::fs::read_to_string(overlap_of(&log)).unwrap_or_default();
    let hung = pid_of(&log, "mutant");
    let _ = (
        std::fs::remove_file(&log),
        std::fs::remove_file(overlap_of(&log)),
    );
    assert_eq!(overlap, "True", "no mutant started while the baseline ran");
    assert!(stderr.contains("fail aspect:grade"), "{stderr}");
    assert!(
        !support::alive(&hung),
        "the mutant's evidence outlived the audit"
    );
    assert_eq!(snapshot(p.path()), before);
}
