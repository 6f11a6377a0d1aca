//! `specctl watch` end to end: the real binary watching a temporary project while the test
//! edits files, reading one JSON document per observation.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use support::{Project, expect, statuses};

/// Passes when src/greeting says hello; logs each start and the items it was asked for.
const RUNNER: &str = r#"#!/bin/sh
printf '%s\n---\n' "$SPECCTL_ITEMS" >> "$RUN_LOG"
g=$(cat src/greeting 2>/dev/null)
if [ -f hang ]; then sleep 300 & echo $! > hang.pid; wait; fi
{
  echo "<testsuite>"
  if [ "$g" = hello ]; then echo '<testcase classname="G" name="Hello"/>'
  else echo "<testcase classname=\"G\" name=\"Hello\"><failure message=\"got $g\"/></testcase>"; fi
  echo '<testcase classname="G" name="Bye"/>'
  echo "</testsuite>"
} > "$1"
"#;

const FEATURE: &str = "Feature: G\n  Scenario: Hello\n    Given a greeting\n\n  Scenario: Bye\n    Given a farewell\n";

const AGENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/agents/scripted-agent");

struct Watch {
    child: Child,
    docs: mpsc::Receiver<Value>,
    project: Project,
    log: std::path::PathBuf,
}

fn start(timeout: &str, extra: &[&str]) -> Watch {
    start_with(timeout, "", extra)
}

fn start_with(timeout: &str, more_config: &str, extra: &[&str]) -> Watch {
    let project = Project::new();
    project
        .file(
            "specctl.yaml",
            &format!("evidence:\n  default:\n    run: ./run.sh {{report}}\n    report: junit\n    timeout: {timeout}\n    inputs: [\"src/**\"]\n{more_config}"),
        )
        .file("run.sh", RUNNER)
        .file("specs/g.feature", FEATURE)
        .file("src/greeting", "hi\n")
        .file(".gitignore", "run.log\n");
    std::fs::set_permissions(
        project.path().join("run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let log = project.path().join("run.log");
    let mut args = vec!["watch", "--format", "json"];
    if !extra.contains(&"--debounce") {
        args.extend(["--debounce", "50"]);
    }
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(&args)
        .current_dir(project.path())
        .env("RUN_LOG", &log)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, docs) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                let _ = tx.send(v);
            }
        }
    });
    Watch {
        child,
        docs,
        project,
        log,
    }
}

impl Watch {
    fn next(&self) -> Value {
        self.docs
            .recv_timeout(Duration::from_secs(30))
            .expect("an observation within 30 s")
    }

    fn quiet(&self, for_ms: u64) -> Option<Value> {
        self.docs.recv_timeout(Duration::from_millis(for_ms)).ok()
    }

    fn write(&self, path: &str, text: &str) {
        self.project.file(path, text);
    }

    fn runs(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .split("---\n")
            .filter(|s| !s.is_empty())
            .map(|s| s.trim().replace('\n', ","))
            .collect()
    }

    fn stop(mut self) -> i32 {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

#[test]
fn observes_at_start_then_on_a_change_to_an_input() {
    let w = start("20s", &[]);
    assert_eq!(
        statuses(&w.next()),
        expect(&[
            ("specs/g.feature::Hello", "fail"),
            ("specs/g.feature::Bye", "pass")
        ])
    );
    w.write("src/greeting", "hello\n");
    assert_eq!(
        statuses(&w.next()),
        expect(&[
            ("specs/g.feature::Hello", "pass"),
            ("specs/g.feature::Bye", "pass")
        ])
    );
    // A file no evidence declares as input changes nothing.
    w.write("NOTES.md", "a note\n");
    assert_eq!(w.quiet(800), None);
    assert_eq!(w.runs().len(), 2);
    assert_eq!(w.stop(), 130);
}

#[test]
fn an_edited_spec_reruns_only_its_changed_scenario() {
    let w = start("20s", &[]);
    w.next();
    w.write(
        "specs/g.feature",
        &FEATURE.replace("Given a greeting", "Given a warm greeting"),
    );
    let doc = w.next();
    assert_eq!(doc["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        w.runs(),
        [
            "specs/g.feature::Hello,specs/g.feature::Bye",
            "specs/g.feature::Hello"
        ]
    );
    assert_eq!(w.stop(), 130);
}

#[test]
fn a_spec_saved_mid_edit_shows_its_error_and_the_next_good_save_recovers() {
    let w = start("20s", &[]);
    w.next();
    w.write(
        "specs/g.feature",
        &format!("{FEATURE}  this line is not gherkin\n"),
    );
    let doc = w.next();
    assert_eq!(doc["errors"][0]["file"], "specs/g.feature");
    assert_eq!(doc["errors"][0]["line"], 7);
    // The file's items keep their last verdicts while it is broken.
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/g.feature::Hello", "fail"),
            ("specs/g.feature::Bye", "pass")
        ])
    );
    w.write("specs/g.feature", FEATURE);
    let doc = w.next();
    assert_eq!(doc["errors"], serde_json::json!([]));
    assert_eq!(w.stop(), 130);
}

#[test]
fn the_specs_folder_deleted_and_recreated_and_a_spec_renamed() {
    let w = start("20s", &[]);
    w.next();
    std::fs::remove_dir_all(w.project.path().join("specs")).unwrap();
    let doc = w.next();
    assert_eq!(doc["items"], serde_json::json!([]));
    w.write("specs/g.feature", FEATURE);
    assert_eq!(
        statuses(&w.next()),
        expect(&[
            ("specs/g.feature::Hello", "fail"),
            ("specs/g.feature::Bye", "pass")
        ])
    );
    std::fs::rename(
        w.project.path().join("specs/g.feature"),
        w.project.path().join("specs/greet.feature"),
    )
    .unwrap();
    let mut doc = w.next();
    // A rename may arrive as two batches: wait for the board that has the new file.
    while !statuses(&doc).contains_key("specs/greet.feature::Hello") {
        doc = w.next();
    }
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/greet.feature::Hello", "fail"),
            ("specs/greet.feature::Bye", "pass")
        ])
    );
    assert_eq!(w.stop(), 130);
}

/// The next board for which `until` holds (a new folder and its file may come as two).
fn next_until(w: &Watch, until: impl Fn(&Value) -> bool) -> Value {
    let mut doc = w.next();
    while !until(&doc) {
        doc = w.next();
    }
    doc
}

#[test]
fn new_specs_and_aspects_join_the_board_and_aspect_names_stay_ids() {
    let w = start("20s", &[]);
    w.next();
    w.write(
        "specs/h.feature",
        "Feature: H\n  Scenario: Hi\n    Given a wave\n",
    );
    let doc = next_until(&w, |d| statuses(d).contains_key("specs/h.feature::Hi"));
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/g.feature::Hello", "fail"),
            ("specs/g.feature::Bye", "pass"),
            ("specs/h.feature::Hi", "undefined")
        ])
    );
    // Only the new file's scenario ran: the others were not read again as changed.
    assert_eq!(w.runs().last().unwrap(), "specs/h.feature::Hi");
    let aspect = |name: &str| format!("---\nname: {name}\nevidence: \"true\"\n---\nWhy.\n");
    w.write("aspects/a.md", &aspect("x"));
    let doc = next_until(&w, |d| statuses(d).contains_key("aspect:x"));
    assert_eq!(statuses(&doc)["aspect:x"], "pass");
    w.write("aspects/b.md", &aspect("x"));
    let doc = next_until(&w, |d| {
        d["errors"].as_array().is_some_and(|e| !e.is_empty())
    });
    assert_eq!(doc["errors"][0]["file"], "aspects/b.md");
    assert_eq!(doc["errors"][0]["line"], 2);
    // a.md gives the name up: b.md's aspect is read, though b.md itself did not change.
    w.write("aspects/a.md", &aspect("y"));
    let doc = next_until(&w, |d| statuses(d).contains_key("aspect:y"));
    assert_eq!(doc["errors"], serde_json::json!([]));
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/g.feature::Hello", "fail"),
            ("specs/g.feature::Bye", "pass"),
            ("specs/h.feature::Hi", "undefined"),
            ("aspect:x", "pass"),
            ("aspect:y", "pass")
        ])
    );
    assert_eq!(w.stop(), 130);
}

#[test]
fn a_change_while_evidence_hangs_queues_one_more_observation() {
    let w = start("1s", &[]);
    w.next();
    w.write("hang", "");
    w.write("src/greeting", "hey\n");
    let doc = w.next();
    assert_eq!(statuses(&doc)["specs/g.feature::Hello"], "timeout");
    std::fs::remove_file(w.project.path().join("hang")).unwrap();
    w.write("src/greeting", "hello\n");
    let mut doc = w.next();
    while statuses(&doc)["specs/g.feature::Hello"] != "pass" {
        doc = w.next();
    }
    assert_eq!(w.stop(), 130);
}

#[test]
fn on_busy_restart_ends_the_hanging_evidence_and_starts_again() {
    let w = start("60s", &["--on-busy", "restart"]);
    w.next();
    w.write("hang", "");
    w.write("src/greeting", "hey\n");
    std::thread::sleep(Duration::from_millis(600));
    std::fs::remove_file(w.project.path().join("hang")).unwrap();
    w.write("src/greeting", "hello\n");
    // Each wait is at most 30 s, so reaching "pass" proves the 60 s hang was ended when the
    // second change came (on a slow machine the first change may also show, as "fail").
    let mut doc = w.next();
    while statuses(&doc)["specs/g.feature::Hello"] != "pass" {
        doc = w.next();
    }
    assert_eq!(w.stop(), 130);
}

#[test]
fn a_thousand_files_touched_at_once_are_one_observation() {
    // A longer quiet period than the other tests: a loaded machine may pause a burst briefly.
    let w = start("20s", &["--debounce", "400"]);
    w.next();
    let src = w.project.path().join("src");
    for i in 0..1000 {
        std::fs::write(src.join(format!("f{i}.txt")), "x").unwrap();
    }
    w.next();
    assert_eq!(
        w.quiet(1500),
        None,
        "more than one observation for one burst"
    );
    assert_eq!(w.runs().len(), 2);
    assert_eq!(w.stop(), 130);
}

#[test]
fn ctrl_c_ends_the_running_evidence_and_exits_130() {
    let w = start("60s", &[]);
    w.next();
    w.write("hang", "");
    w.write("src/greeting", "hey\n");
    let pid_file = w.project.path().join("hang.pid");
    let mut waited = 0;
    while !pid_file.exists() && waited < 300 {
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    }
    let pid = std::fs::read_to_string(&pid_file).expect("the evidence started");
    assert_eq!(w.stop(), 130);
    let alive = support::alive(&pid);
    assert!(
        !alive,
        "the evidence's child {} outlived Ctrl-C",
        pid.trim()
    );
}

#[test]
fn with_reconcile_an_agent_turn_follows_a_failing_observation() {
    let agents = format!(
        "agents:\n  - name: fixer\n    run: {AGENT} write src/greeting hello\n    timeout: 10s\n"
    );
    let w = start_with("20s", &agents, &["--reconcile"]);
    assert_eq!(statuses(&w.next())["specs/g.feature::Hello"], "fail");
    // The agent's write is observed once, after its turn.
    let doc = w.next();
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/g.feature::Hello", "pass"),
            ("specs/g.feature::Bye", "pass")
        ])
    );
    assert_eq!(w.quiet(1000), None);
    assert_eq!(
        std::fs::read_to_string(w.project.path().join("src/greeting")).unwrap(),
        "hello\n"
    );
    assert_eq!(w.stop(), 130);
}

#[test]
fn with_reconcile_and_no_agent_watch_says_how_to_configure_one_and_goes_on() {
    let project = Project::new();
    project
        .file(
            "specctl.yaml",
            "evidence:\n  default:\n    run: \"false\"\n",
        )
        .file("specs/g.feature", FEATURE);
    let mut child = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(["watch", "--reconcile", "--format", "json"])
        .current_dir(project.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(30))
        .expect("a line within 30 s");
    assert!(
        first.starts_with("no agent is configured: `specctl reconcile` hands the failing items"),
        "{first}"
    );
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    assert_eq!(
        child.wait().unwrap().code(),
        Some(130),
        "still watching until stopped"
    );
}
