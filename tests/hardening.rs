//! Hardening: secrets, hostile evidence, hostile agents and hostile paths, each tried and
//! survived, each asserted by value.

mod support;

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use support::greeting::{AGENT, greeting, tier};
use support::{Project, alive};

const TOKEN: &str = "tok_live_5f3a9c1e7b";

fn executable(p: &Project, path: &str, body: &str) {
    p.file(path, &format!("#!/bin/sh\n{body}\n"));
    std::fs::set_permissions(p.path().join(path), std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn specctl(p: &Project, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(args)
        .current_dir(p.path())
        .env("API_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_token_the_evidence_echoes_leaks_into_no_prompt_report_or_store() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: ./leak.sh {report}\n    report: junit\n",
    )
    .file(
        "specs/s.feature",
        "Feature: S\n  Scenario: Leak\n    Given a token\n",
    );
    executable(
        &p,
        "leak.sh",
        r#"echo "using token $API_TOKEN"
printf '<testsuite><testcase classname="S" name="Leak"><failure message="rejected %s">auth %s</failure></testcase></testsuite>' "$API_TOKEN" "$API_TOKEN" > "$1"
exit 1"#,
    );
    let (code, json, _) = specctl(&p, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["items"][0]["message"], "rejected [redacted API_TOKEN]");
    let (_, _, _) = specctl(&p, &["check", "--format", "junit", "--output", "junit.xml"]);
    let (_, plan, _) = specctl(&p, &["plan", "--format", "json"]);
    let junit = std::fs::read_to_string(p.path().join("junit.xml")).unwrap();
    let mut store = Vec::new();
    for f in ["state.db", "state.db-wal"] {
        store.extend(std::fs::read(p.path().join(".specctl").join(f)).unwrap_or_default());
    }
    assert!(!json.contains(TOKEN), "JSON report: {json}");
    assert!(!junit.contains(TOKEN), "JUnit report: {junit}");
    assert!(!plan.contains(TOKEN), "prompt: {plan}");
    assert!(plan.contains("[redacted API_TOKEN]"), "{plan}");
    assert!(
        !String::from_utf8_lossy(&store).contains(TOKEN),
        "the store holds the token"
    );
}

#[test]
fn evidence_that_prints_200_mb_costs_a_few_mb() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: head -c 200000000 /dev/zero | tr '\\0' x; exit 1\n",
    )
    .file(
        "specs/s.feature",
        "Feature: S\n  Scenario: Loud\n    Given noise\n",
    );
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "{} check --format json > out.json",
            env!("CARGO_BIN_EXE_specctl")
        ))
        .current_dir(p.path())
        .status()
        .unwrap();
    assert_eq!(out.code(), Some(1));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(doc["items"][0]["status"], "fail");
    let message = doc["items"][0]["message"].as_str().unwrap();
    assert!(message.len() < 4000, "{}", message.len());
    // Peak memory of the specctl process, from the kernel's accounting of this test's children.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert!(
        usage.ru_maxrss < 150 * 1024,
        "peak RSS of a child: {} KB",
        usage.ru_maxrss
    );
}

#[test]
fn evidence_that_ignores_sigterm_is_killed_and_leaves_nothing() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: ./stubborn.sh\n    timeout: 300ms\n",
    )
    .file(
        "specs/s.feature",
        "Feature: S\n  Scenario: Stubborn\n    Given a hang\n",
    );
    executable(
        &p,
        "stubborn.sh",
        "trap '' TERM\nsleep 300 &\necho $! > child.pid\nwait",
    );
    let (code, json, _) = specctl(&p, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["items"][0]["status"], "timeout");
    let pid = std::fs::read_to_string(p.path().join("child.pid")).unwrap();
    assert!(!alive(&pid), "the child that ignored TERM is still running");
}

#[test]
fn a_report_written_after_exit_or_deleted_is_no_report() {
    for body in [
        // A daemon writes the report once the runner has gone.
        "(sleep 1; echo '<testsuite/>' > \"$1\") &\necho $! > daemon.pid\nexit 0",
        // The runner deletes its own report.
        "echo '<testsuite><testcase classname=\"S\" name=\"Gone\"/></testsuite>' > \"$1\"\nrm \"$1\"\nexit 0",
    ] {
        let p = Project::new();
        p.file(
            "specctl.yaml",
            "evidence:\n  default:\n    run: ./run.sh {report}\n    report: junit\n",
        )
        .file(
            "specs/s.feature",
            "Feature: S\n  Scenario: Gone\n    Given a step\n",
        );
        executable(&p, "run.sh", body);
        let (code, json, _) = specctl(&p, &["check", "--format", "json"]);
        assert_eq!(code, 1);
        let doc: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["items"][0]["status"], "error", "{body}");
        assert!(
            doc["items"][0]["message"]
                .as_str()
                .unwrap()
                .contains("it wrote no junit report"),
            "{json}"
        );
        if let Ok(pid) = std::fs::read_to_string(p.path().join("daemon.pid")) {
            assert!(!alive(&pid), "the late report writer is still running");
        }
    }
}

#[test]
fn exit_zero_with_a_report_full_of_failures_is_failures() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: ./run.sh {report}\n    report: junit\n",
    )
    .file(
        "specs/s.feature",
        "Feature: S\n  Scenario: A\n    Given a\n  Scenario: B\n    Given b\n",
    );
    executable(
        &p,
        "run.sh",
        "echo '<testsuite><testcase classname=\"S\" name=\"A\"><failure message=\"no\"/></testcase><testcase classname=\"S\" name=\"B\"><failure message=\"no\"/></testcase></testsuite>' > \"$1\"\nexit 0",
    );
    let (code, json, _) = specctl(&p, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["summary"]["fail"], 2);
}

#[test]
fn an_agent_that_resets_and_cleans_the_repository_loses_nothing_undo_cannot_restore() {
    let wrecker = format!(
        "  - name: wrecker\n    run: git reset -q --hard && git clean -qfd && {AGENT} noop\n    timeout: 10s\n"
    );
    let g = greeting(&wrecker, "  stall_turns: 1\n  max_turns: 1\n", true);
    std::fs::write(
        g.path().join("notes.txt"),
        "the user's own uncommitted work\n",
    )
    .unwrap();
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        !g.path().join("notes.txt").exists(),
        "the agent did clean the tree"
    );
    let undo = g.run(&["undo", "--yes"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert_eq!(g.read("notes.txt"), "the user's own uncommitted work\n");
}

#[test]
fn an_agent_that_deletes_files_is_rolled_back() {
    let g = greeting(
        &tier("deleter", "write src/greeting hello"),
        "  stall_turns: 1\n  max_turns: 1\n",
        true,
    );
    let agents = format!(
        "  - name: deleter\n    run: rm src/farewell && {AGENT} write src/greeting hello\n    timeout: 10s\n"
    );
    std::fs::write(
        g.path().join("specctl.yaml"),
        format!("evidence:\n  default:\n    run: ./evidence/run.sh {{report}}\n    report: junit\nagents:\n{agents}reconcile:\n  stall_turns: 1\n  max_turns: 1\n"),
    )
    .unwrap();
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("rolled back"), "{}", run.stdout);
    assert_eq!(g.read("src/farewell"), "bye\n");
}

#[test]
fn an_agent_that_wrecks_git_or_prints_broken_json_does_not_crash_specctl() {
    let agents = "  - name: vandal\n    kind: claude\n    run: echo garbage > .git/HEAD; echo '{\"type\",\"result\" oops'\n    timeout: 10s\n";
    let g = greeting(agents, "  stall_turns: 1\n  max_turns: 1\n", true);
    let run = g.run(&["reconcile"]);
    // The tree the turn left cannot be snapshotted, so it cannot be gated: the run stops
    // (exit 2) and says why, rather than believing an unguarded turn.
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains("error: git failed to find the index")
            && run.stderr.contains("nothing it did is believed"),
        "{}",
        run.stderr
    );
    let log = g.run(&["log", "--turn", "1"]);
    assert!(log.stdout.contains("oops"), "{}", log.stdout);
}

#[test]
fn hostile_paths_are_warnings_never_reads_outside_or_panics() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.feature"),
        "Feature: Outside\n  Scenario: Stolen\n    Given x\n",
    )
    .unwrap();
    let p = Project::new();
    p.file(
        "specs/ok.feature",
        "Feature: Ok\n  Scenario: fine\n    Given x\n",
    );
    std::os::unix::fs::symlink(
        outside.path().join("secret.feature"),
        p.path().join("specs/link.feature"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), p.path().join("specs/elsewhere")).unwrap();
    let bad_name =
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"specs/bad\xff.feature");
    std::fs::write(p.path().join(bad_name), "Feature: Bad name\n").unwrap();
    p.file("aspects", "a file where a folder should be\n");
    let (code, json, _) = specctl(&p, &["list", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let doc: Value = serde_json::from_str(&json).unwrap();
    let ids: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["specs/ok.feature::fine"]);
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("specs/link.feature: a link that leads outside the project: not read"),
        "{warnings}"
    );
    assert!(
        warnings.contains(
            "specs/elsewhere/secret.feature: a link that leads outside the project: not read"
        ),
        "{warnings}"
    );
    assert!(
        warnings.contains("the file name is not UTF-8"),
        "{warnings}"
    );
    assert!(
        warnings.contains("`aspects` is a file, not a folder of .md files: skipped"),
        "{warnings}"
    );
}

#[test]
fn a_variable_named_under_redact_is_a_secret_everywhere_too() {
    const CONN: &str = "postgres://shop:hunter22@db.internal/shop";
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "redact: [DB_CONN]\nevidence:\n  default:\n    run: ./leak.sh {report}\n    report: junit\n",
    )
    .file("specs/s.feature", "Feature: S\n  Scenario: Leak\n    Given a database\n");
    executable(
        &p,
        "leak.sh",
        r#"echo "connecting to $DB_CONN"
printf '<testsuite><testcase classname="S" name="Leak"><failure message="cannot reach %s"/></testcase></testsuite>' "$DB_CONN" > "$1"
exit 1"#,
    );
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_specctl"))
            .args(args)
            .current_dir(p.path())
            .env("DB_CONN", CONN)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json = run(&["check", "--format", "json"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        doc["items"][0]["message"],
        "cannot reach [redacted DB_CONN]"
    );
    let plan = run(&["plan", "--format", "json"]);
    assert!(
        plan.contains("[redacted DB_CONN]") && !plan.contains("hunter22"),
        "{plan}"
    );
    let status: Value = serde_json::from_str(&run(&["status", "--format", "json"])).unwrap();
    assert_eq!(
        status["items"][0]["message"],
        "cannot reach [redacted DB_CONN]"
    );
    let mut store = Vec::new();
    for f in ["state.db", "state.db-wal"] {
        store.extend(std::fs::read(p.path().join(".specctl").join(f)).unwrap_or_default());
    }
    assert!(
        !String::from_utf8_lossy(&store).contains("hunter22"),
        "the store holds it"
    );
}
