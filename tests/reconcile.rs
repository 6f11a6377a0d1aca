//! `specctl reconcile` and `specctl plan` driven by scripted agents (tests/agents/): real
//! executables that read the prompt and make prepared edits. Every outcome by value.

mod support;

use std::process::Command;
use support::Project;
use support::greeting::{AGENT, EVIDENCE, FEATURE, greeting, tier};

#[test]
fn converges_in_one_turn_when_the_agent_fixes_the_code() {
    let g = greeting(
        &tier("fast", "write src/greeting hello"),
        "  max_turns: 5\n",
        true,
    );
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().last(),
        Some("converged after 1 turn ($0.0000 reported)")
    );
    assert_eq!(
        g.turns(),
        ["turn=1 phase=green agent=write src/greeting hello items=specs/greet.feature::Say hello,"]
    );
    assert_eq!(g.read("src/greeting"), "hello\n");
    let refs = Command::new("git")
        .args(["for-each-ref", "--format=%(refname)", "refs/specctl/"])
        .current_dir(g.path())
        .output()
        .unwrap();
    let refs = String::from_utf8_lossy(&refs.stdout);
    assert_eq!(
        refs.lines()
            .filter(|r| r.ends_with("/turn-1/before") || r.ends_with("/turn-1/after"))
            .count(),
        2,
        "{refs}"
    );
}

#[test]
fn the_prompt_holds_the_failing_steps_and_only_the_id_of_a_passing_scenario() {
    let g = greeting(
        &tier("fast", "write src/greeting hello"),
        "  max_turns: 5\n",
        true,
    );
    assert_eq!(g.run(&["reconcile"]).code, 0);
    let prompt = g.prompt(1);
    assert!(
        prompt.contains("### specs/greet.feature:2 specs/greet.feature::Say hello (fail)"),
        "{prompt}"
    );
    assert!(
        prompt.contains("  Given a visitor\n  Then the greeting is \"hello\"\n"),
        "{prompt}"
    );
    assert!(prompt.contains("expected hello, got hi"), "{prompt}");
    assert!(
        prompt.contains("- specs/greet.feature::Say bye\n"),
        "{prompt}"
    );
    assert!(
        !prompt.contains("a leaving visitor"),
        "a passing scenario's steps leaked into the prompt:\n{prompt}"
    );
    assert!(!prompt.contains("the farewell is"), "{prompt}");
}

#[test]
fn plan_prints_the_first_prompt_and_runs_no_agent() {
    let g = greeting(
        &tier("fast", "write src/greeting hello"),
        "  max_turns: 5\n",
        true,
    );
    let run = g.run(&["plan", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["phase"], "green");
    assert_eq!(
        doc["turn_items"],
        serde_json::json!(["specs/greet.feature::Say hello"])
    );
    assert_eq!(doc["delta"][0]["status"], "fail");
    let prompt = doc["prompt"].as_str().unwrap();
    assert!(prompt.contains("  Then the greeting is \"hello\""));
    assert_eq!(doc["prompt_bytes"].as_u64().unwrap() as usize, prompt.len());
    assert_eq!(g.turns(), Vec::<String>::new(), "plan started an agent");
    assert_eq!(g.read("src/greeting"), "hi\n");

    std::fs::write(g.path().join("src/greeting"), "hello\n").unwrap();
    let run = g.run(&["plan"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "nothing to do: every selected item holds\n");
}

#[test]
fn an_agent_that_changes_nothing_stalls_and_escalates() {
    let agents = format!(
        "{}{}",
        tier("fast", "noop"),
        tier("strong", "write src/greeting hello")
    );
    let g = greeting(&agents, "  stall_turns: 2\n  max_turns: 5\n", true);
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let agents: Vec<String> = g
        .turns()
        .iter()
        .map(|l| {
            l.split(" agent=")
                .nth(1)
                .unwrap()
                .split(" items")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(agents, ["noop", "noop", "write src/greeting hello"]);
    assert!(
        run.stdout
            .contains("escalate: no progress for 2 turns: escalating to agent `strong`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.lines().last(),
        Some("converged after 3 turns ($0.0000 reported)")
    );
    assert!(
        g.prompt(3).contains("a stronger agent takes over"),
        "{}",
        g.prompt(3)
    );
}

#[test]
fn an_agent_that_edits_the_evidence_is_rejected_and_the_edit_undone() {
    let cheat = "write evidence/run.sh 'echo \"<testsuite/>\" > \"$1\"'";
    let g = greeting(
        &tier("cheat", cheat),
        "  stall_turns: 2\n  max_turns: 2\n",
        true,
    );
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        g.read("evidence/run.sh"),
        EVIDENCE,
        "the protected edit was not undone"
    );
    assert!(
        run.stdout
            .contains("gate: undid edits to protected files: evidence/run.sh"),
        "{}",
        run.stdout
    );
    assert!(
        g.prompt(2)
            .contains("your edits to protected files were undone: evidence/run.sh"),
        "{}",
        g.prompt(2)
    );
}

#[test]
fn an_agent_that_breaks_a_passing_item_is_rolled_back() {
    // It fixes the greeting but breaks the farewell in the same turn.
    let breaker = format!(
        "  - name: breaker\n    run: {AGENT} write src/greeting hello && {AGENT} write src/farewell ciao\n    timeout: 10s\n"
    );
    let g = greeting(&breaker, "  stall_turns: 1\n  max_turns: 1\n", true);
    std::fs::write(
        g.path().join("notes.txt"),
        "the user's own uncommitted work\n",
    )
    .unwrap();
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("gate: turn 1 broke specs/greet.feature::Say bye: rolled back"),
        "{}",
        run.stdout
    );
    assert_eq!(g.read("src/farewell"), "bye\n");
    assert_eq!(
        g.read("src/greeting"),
        "hi\n",
        "the whole turn is rolled back"
    );
    assert_eq!(g.read("notes.txt"), "the user's own uncommitted work\n");
}

#[test]
fn the_regression_is_the_next_turns_first_finding() {
    let agent = format!(
        "  - name: a\n    run: {AGENT} write-at 1 src/farewell ciao && {AGENT} write-at 2 src/greeting hello\n    timeout: 10s\n"
    );
    let g = greeting(&agent, "  stall_turns: 3\n  max_turns: 3\n", true);
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let second = g.prompt(2);
    let findings = second
        .split("## What the previous turn left\n\n")
        .nth(1)
        .unwrap();
    assert!(
        findings.starts_with("- turn 1 broke items that passed, so it was rolled back: specs/greet.feature::Say bye (fail: expected bye, got ciao)"),
        "{second}"
    );
}

#[test]
fn an_agent_that_hangs_is_killed_at_its_timeout() {
    let hang = format!("  - name: slow\n    run: {AGENT} hang\n    timeout: 500ms\n");
    let g = greeting(&hang, "  stall_turns: 1\n  max_turns: 1\n", true);
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("agent timed out and its process group was killed"),
        "{}",
        run.stdout
    );
    let pid = std::fs::read_to_string(g.log.path().join("hang.pid")).unwrap();
    let alive = support::alive(&pid);
    assert!(
        !alive,
        "the agent's child {} outlived its timeout",
        pid.trim()
    );
}

#[test]
fn the_turn_budget_runs_out_with_exit_one_and_the_stuck_items() {
    let g = greeting(
        &tier("lazy", "noop"),
        "  stall_turns: 10\n  max_turns: 2\n",
        true,
    );
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1);
    assert_eq!(g.turns().len(), 2);
    assert!(
        run.stdout.contains(
            "stopped after 2 turns ($0.0000 reported): every agent tier was spent (2 turns)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  ✗ specs/greet.feature::Say hello  fail\n      expected hello, got hi\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_dollar_budget_runs_out_from_what_the_agent_reports() {
    let agent = format!(
        "  - name: pricey\n    kind: claude\n    run: {AGENT} claude 3.0\n    timeout: 10s\n"
    );
    let g = greeting(
        &agent,
        "  stall_turns: 10\n  max_turns: 10\n  budget_usd: 5.0\n",
        true,
    );
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1);
    assert_eq!(g.turns().len(), 2);
    assert!(
        run.stdout.contains("agent exited with 0 in"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "stopped after 2 turns ($6.0000 reported): the budget of $5.00 was spent ($6.00)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn without_an_agent_reconcile_refuses_to_start() {
    let p = Project::new();
    p.file("specs/a.feature", FEATURE);
    let run = p.run(&["reconcile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: no agent is configured"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("kind: claude"), "{}", run.stderr);
}

#[test]
fn outside_git_it_runs_without_rollback_and_still_guards_protected_files() {
    let cheat = "write specs/greet.feature 'nothing to see'";
    let agents = format!(
        "{}{}",
        tier("cheat", cheat),
        tier("fixer", "write src/greeting hello")
    );
    let g = greeting(&agents, "  stall_turns: 1\n  max_turns: 3\n", false);
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.matches("not a git repository").count(),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(g.read("specs/greet.feature"), FEATURE);
    assert!(
        run.stdout
            .contains("gate: undid edits to protected files: specs/greet.feature"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_red_turn_counts_when_an_undefined_item_now_fails() {
    // "Say welcome" is in no report until the agent writes evidence for it: a RED turn.
    let red = r#"write evidence/extra.sh 'echo "<testcase classname=\"Greeting\" name=\"Say welcome\"><failure message=\"no welcome yet\"/></testcase>"'"#;
    let g = greeting(
        &tier("tester", red),
        "  stall_turns: 1\n  max_turns: 2\n",
        true,
    );
    std::fs::write(
        g.path().join("specs/greet.feature"),
        format!("{FEATURE}\n  Scenario: Say welcome\n    Then the welcome is \"welcome\"\n"),
    )
    .unwrap();
    let plan = g.run(&["plan", "--format", "json"]).json();
    assert_eq!(plan["phase"], "red");
    assert_eq!(
        plan["turn_items"],
        serde_json::json!(["specs/greet.feature::Say welcome"])
    );

    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let phases: Vec<&str> = g
        .turns()
        .iter()
        .map(|l| {
            if l.contains("phase=red") {
                "red"
            } else {
                "green"
            }
        })
        .collect::<Vec<_>>();
    assert_eq!(
        phases,
        ["red", "green"],
        "the RED turn counted, so the next turn is GREEN"
    );
    assert!(g.prompt(1).contains("FAILS for the right reason"));
    assert!(
        g.prompt(2)
            .contains("### specs/greet.feature:10 specs/greet.feature::Say welcome (fail)"),
        "{}",
        g.prompt(2)
    );
    assert!(g.prompt(2).contains("no welcome yet"));
}

#[test]
fn a_new_spec_file_an_agent_writes_is_undone_like_an_edit() {
    // Even with nothing protected by glob, specs are desired state: a new one is no agent's.
    let g = greeting(
        &tier(
            "scribbler",
            "write specs/broken.feature 'this is not gherkin'",
        ),
        "  protect: []\n  stall_turns: 1\n  max_turns: 1\n",
        true,
    );
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("gate: undid edits to protected files: specs/broken.feature"),
        "{}",
        run.stdout
    );
    assert!(!g.path().join("specs/broken.feature").exists());
}

#[test]
fn a_desired_state_that_turns_invalid_mid_run_stops_it_with_exit_two() {
    // Someone (here the evidence, on its second run) saves a broken spec while the run goes
    // on: nothing observed against it can be trusted.
    let g = greeting(
        &tier("idle", "noop"),
        "  stall_turns: 3\n  max_turns: 3\n",
        true,
    );
    let evidence = support::greeting::EVIDENCE.replacen(
        "#!/bin/sh\n",
        "#!/bin/sh\necho run >> .runs; [ \"$(wc -l < .runs)\" -eq 2 ] && echo 'this is not gherkin' > specs/broken.feature\n",
        1,
    );
    std::fs::write(g.path().join("evidence/run.sh"), evidence).unwrap();
    std::fs::write(g.path().join(".gitignore"), ".runs\n").unwrap();
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "error: the desired state became invalid during the run: run `specctl list` to see where\n"
    );
    assert_eq!(
        g.turns().len(),
        2,
        "turn 2 ran on the tree before the broken save was seen"
    );
}
