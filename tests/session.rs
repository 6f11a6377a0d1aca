//! Durable reconcile sessions: `kill -9` at several points of a run, then a resume that
//! converges with the right turn count and nothing of the user's lost; Ctrl-C; two runs at
//! once; `log`; `undo`; a broken store.

mod support;

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::greeting::{AGENT, Greeting, greeting, tier};

const NOTES: &str = "the user's own uncommitted work\n";

/// A reconcile whose only tier fixes the greeting, with the user's uncommitted notes.
fn fixable(agent_args: &str) -> Greeting {
    let g = greeting(
        &tier("fixer", agent_args),
        "  stall_turns: 3\n  max_turns: 3\n",
        true,
    );
    std::fs::write(g.path().join("notes.txt"), NOTES).unwrap();
    g
}

fn reconcile_with_failpoint(g: &Greeting, failpoint: &str) -> Option<i32> {
    Command::new(env!("CARGO_BIN_EXE_specctl"))
        .arg("reconcile")
        .current_dir(g.path())
        .env("SPECCTL_FAILPOINT", failpoint)
        .env("AGENT_LOG", g.log.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .code()
}

fn session(g: &Greeting) -> Value {
    g.run(&["status", "--format", "json"]).json()["session"].clone()
}

fn turn_states(g: &Greeting) -> Vec<String> {
    let out = g.run(&["log"]).stdout;
    out.lines()
        .filter(|l| l.trim_start().starts_with("turn "))
        .map(|l| l.split_whitespace().nth(4).unwrap_or_default().to_string())
        .collect()
}

/// After the crash: resume, converge, and nothing of the user's is lost.
fn resume_converges(g: &Greeting, turns: u64) -> String {
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(g.read("src/greeting"), "hello\n");
    assert_eq!(g.read("notes.txt"), NOTES);
    let s = session(g);
    assert_eq!(s["state"], "converged");
    assert_eq!(s["turns"], turns, "{s}");
    run.stdout
}

#[test]
fn killed_before_the_first_turn_resumes_from_the_start() {
    let g = fixable("write src/greeting hello");
    assert_eq!(
        reconcile_with_failpoint(&g, "observed-before-session"),
        None,
        "killed by SIGKILL"
    );
    let out = resume_converges(&g, 1);
    assert!(out.contains("converged after 1 turn"), "{out}");
}

#[test]
fn killed_before_the_second_turn_resumes_at_turn_two() {
    // Turn 1 does nothing; the crash comes as turn 2 begins, before its agent runs; the
    // resume's next turn is 3, and the fix lands then.
    let agent = format!("{AGENT} write-at 3 src/greeting hello");
    let g = greeting(
        &format!("  - name: fixer\n    run: {agent}\n    timeout: 10s\n"),
        "  stall_turns: 3\n  max_turns: 3\n",
        true,
    );
    std::fs::write(g.path().join("notes.txt"), NOTES).unwrap();
    assert_eq!(reconcile_with_failpoint(&g, "turn-started#2"), None);
    assert_eq!(turn_states(&g), ["done", "running"]);
    let out = resume_converges(&g, 3);
    assert!(out.contains("resuming session 1 after turn 2"), "{out}");
    assert!(out.contains("turn 2 was cut off"), "{out}");
    assert_eq!(turn_states(&g), ["done", "interrupted", "done"]);
}

#[test]
fn killed_during_the_agent_keeps_its_changes_for_the_next_observation() {
    let g = fixable("noop");
    // The marker lives in the agent log folder so each test has its own.
    let agents = format!(
        "  - name: fixer\n    run: {AGENT} kill-specctl-once {} && {AGENT} write src/greeting hello\n    timeout: 10s\n",
        g.log.path().join("killed").display()
    );
    std::fs::write(
        g.path().join("specctl.yaml"),
        format!("evidence:\n  default:\n    run: ./evidence/run.sh {{report}}\n    report: junit\nagents:\n{agents}reconcile:\n  stall_turns: 3\n  max_turns: 3\n"),
    )
    .unwrap();
    let run = g.run(&["reconcile"]);
    assert_ne!(run.code, 0);
    // The agent went on after specctl died and wrote the fix: the resume's observation judges it.
    std::thread::sleep(Duration::from_millis(300));
    let out = resume_converges(&g, 1);
    assert!(out.contains("turn 1 was cut off"), "{out}");
    assert_eq!(turn_states(&g), ["interrupted"]);
}

#[test]
fn killed_during_the_evidence_after_the_agent_resumes_and_converges() {
    let g = fixable("write src/greeting hello");
    // The runner kills specctl (its grandparent) the first time it sees the fix.
    let evidence = std::fs::read_to_string(g.path().join("evidence/run.sh")).unwrap().replacen(
        "#!/bin/sh\n",
        "#!/bin/sh\nif [ \"$(cat src/greeting)\" = hello ] && [ ! -e .killed ]; then : > .killed; kill -9 \"$(awk '{print $4}' /proc/$PPID/stat)\"; sleep 1; fi\n",
        1,
    );
    std::fs::write(g.path().join("evidence/run.sh"), evidence).unwrap();
    std::fs::write(g.path().join(".gitignore"), ".killed\n").unwrap();
    let run = g.run(&["reconcile"]);
    assert_ne!(run.code, 0);
    let out = resume_converges(&g, 1);
    assert!(out.contains("turn 1 was cut off"), "{out}");
}

#[test]
fn killed_during_a_store_write_loses_no_more_than_that_write() {
    for failpoint in [
        "agent-recorded-before-commit",
        "turn-finishing-before-commit",
    ] {
        let g = fixable("write src/greeting hello");
        assert_eq!(reconcile_with_failpoint(&g, failpoint), None, "{failpoint}");
        // The transaction cut off never happened; the store still reads.
        let status = g.run(&["status", "--format", "json"]);
        assert_ne!(status.code, 2, "{failpoint}: {}", status.stderr);
        assert_eq!(status.json()["session"]["turns"], 1, "{failpoint}");
        assert_eq!(turn_states(&g), ["running"], "{failpoint}");
        resume_converges(&g, 1);
    }
}

#[test]
fn ctrl_c_ends_the_agent_records_the_turn_and_exits_130() {
    interrupt_the_agent(libc::SIGINT, 130);
}

#[test]
fn a_closed_terminal_ends_the_agent_records_the_turn_and_exits_129() {
    // SIGHUP, as a closed terminal or a dropped SSH session sends it.
    interrupt_the_agent(libc::SIGHUP, 129);
}

fn interrupt_the_agent(signal: i32, code: i32) {
    let g = greeting(
        &tier("slow", "hang"),
        "  stall_turns: 3\n  max_turns: 3\n",
        true,
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .arg("reconcile")
        .current_dir(g.path())
        .env("AGENT_LOG", g.log.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = g.log.path().join("hang.pid");
    for _ in 0..300 {
        if pid_file.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let agent_child = std::fs::read_to_string(&pid_file).expect("the agent started");
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    assert_eq!(child.wait().unwrap().code(), Some(code));
    let alive = support::alive(&agent_child);
    assert!(!alive, "the agent's child outlived signal {signal}");
    assert_eq!(turn_states(&g), ["interrupted"]);
}

#[test]
fn a_second_reconcile_refuses_while_one_runs_and_check_still_works() {
    let g = greeting(
        &tier("slow", "hang"),
        "  stall_turns: 3\n  max_turns: 3\n",
        true,
    );
    let mut first = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .arg("reconcile")
        .current_dir(g.path())
        .env("AGENT_LOG", g.log.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..300 {
        if g.log.path().join("hang.pid").exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let second = g.run(&["reconcile"]);
    assert_eq!(second.code, 2);
    assert!(
        second.stderr.contains(&format!(
            "another specctl reconcile (pid {}) is running on this project",
            first.id()
        )),
        "{}",
        second.stderr
    );
    let check = g.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(check.json()["summary"]["fail"], 1);
    // undo changes the tree as a turn does: it waits its turn too.
    let undo = g.run(&["undo", "--yes"]);
    assert_eq!(undo.code, 2, "{}", undo.stderr);
    assert!(
        undo.stderr
            .contains(&format!("another specctl reconcile (pid {})", first.id())),
        "{}",
        undo.stderr
    );
    unsafe {
        libc::kill(first.id() as i32, libc::SIGINT);
    }
    assert_eq!(first.wait().unwrap().code(), Some(130));
}

#[test]
fn log_shows_the_turns_and_one_turn_in_full() {
    let g = fixable("write src/greeting hello");
    assert_eq!(g.run(&["reconcile"]).code, 0);
    let log = g.run(&["log"]);
    assert_eq!(log.code, 0);
    assert!(
        log.stdout.starts_with(
            "session 1 (converged: every selected item holds): 1 turn, $0.0000 reported\n"
        ),
        "{}",
        log.stdout
    );
    assert!(
        log.stdout
            .contains("  turn 1  fixer  green  done  exited with 0"),
        "{}",
        log.stdout
    );
    let turn = g.run(&["log", "--turn", "1"]);
    assert_eq!(turn.code, 0);
    assert!(
        turn.stdout.contains("# specctl turn 1: GREEN phase"),
        "{}",
        turn.stdout
    );
    assert!(
        turn.stdout.contains("wrote src/greeting"),
        "{}",
        turn.stdout
    );
    let missing = g.run(&["log", "--turn", "9"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("session 1 has no turn 9 (it has 1)"),
        "{}",
        missing.stderr
    );
}

#[test]
fn undo_restores_the_tree_before_a_turn_and_keeps_the_tree_of_now() {
    let g = fixable("write src/greeting hello");
    assert_eq!(g.run(&["reconcile"]).code, 0);
    assert_eq!(g.read("src/greeting"), "hello\n");
    let refused = g.run(&["undo"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("pass --yes to confirm"),
        "{}",
        refused.stderr
    );
    let undo = g.run(&["undo", "--turn", "1", "--yes"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert!(
        undo.stdout
            .contains("restored the working tree to before turn 1 of session 1 (1 file changed)"),
        "{}",
        undo.stdout
    );
    assert_eq!(g.read("src/greeting"), "hi\n");
    assert_eq!(g.read("notes.txt"), NOTES);
    let refs = Command::new("git")
        .args(["for-each-ref", "--format=%(refname)", "refs/specctl/"])
        .current_dir(g.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&refs.stdout).contains("refs/specctl/undo-"));
}

#[test]
fn a_changed_desired_state_closes_the_session_and_begins_another() {
    let g = greeting(
        &tier("lazy", "noop"),
        "  stall_turns: 1\n  max_turns: 1\n",
        true,
    );
    // Interrupted runs keep their session open: a crash before the first turn.
    std::fs::write(g.path().join("notes.txt"), NOTES).unwrap();
    assert_eq!(reconcile_with_failpoint(&g, "turn-started"), None);
    let text = std::fs::read_to_string(g.path().join("specs/greet.feature")).unwrap();
    std::fs::write(
        g.path().join("specs/greet.feature"),
        text.replace("Given a visitor", "Given a new visitor"),
    )
    .unwrap();
    let run = g.run(&["reconcile"]);
    assert!(
        run.stdout
            .contains("session 1 closed (the desired state changed); a new one begins"),
        "{}",
        run.stdout
    );
    assert_eq!(session(&g)["id"], 2);
    assert!(
        g.read("specs/greet.feature")
            .contains("Given a new visitor"),
        "the user's edit after the crash is theirs, not the cut-off turn's: it stays"
    );
    let forced = g.run(&["reconcile", "--new-session"]);
    assert!(
        forced.stdout.contains("a new one begins") || session(&g)["id"] == 3,
        "{}",
        forced.stdout
    );
}

#[test]
fn a_corrupt_or_truncated_store_is_a_clear_error_with_a_way_out() {
    let g = fixable("write src/greeting hello");
    assert_eq!(g.run(&["check"]).code, 1);
    // A check leaves its writes in the store's log; the next open folds them into the
    // database file, whose bytes are cut below.
    assert_eq!(g.run(&["status"]).code, 1);
    let db = g.path().join(".specctl/state.db");
    let bytes = std::fs::read(&db).unwrap();
    for broken in [
        b"garbage, not a database at all...............................".to_vec(),
        bytes[..bytes.len() / 3].to_vec(),
    ] {
        let _ = std::fs::remove_file(g.path().join(".specctl/state.db-wal"));
        let _ = std::fs::remove_file(g.path().join(".specctl/state.db-shm"));
        std::fs::write(&db, &broken).unwrap();
        let run = g.run(&["status"]);
        if run.code == 0 {
            // A truncated file that SQLite can still open holds fewer pages: no crash, no lie.
            continue;
        }
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(".specctl/state.db"), "{}", run.stderr);
        assert!(
            run.stderr.contains("remove it and run again"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // reconcile opens the store before it starts anything, and says the same.
    std::fs::write(
        &db,
        b"garbage, not a database at all...............................",
    )
    .unwrap();
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("remove it and run again"),
        "{}",
        run.stderr
    );
    assert_eq!(g.read("src/greeting"), "hi\n", "no agent ran");
}
