//! `reconcile.review`: a reviewer tier reads each RED turn's new evidence before the turn
//! counts. Driven by scripted agents (tests/agents/scripted-agent); every outcome by value.

mod support;

use support::greeting::{AGENT, FEATURE, Greeting, greeting};

/// RED evidence for "Say welcome": it fails until src/welcome says welcome.
const WELCOME_EVIDENCE: &str = r#"if [ "$(cat src/welcome 2>/dev/null)" = welcome ]; then echo '<testcase classname="Greeting" name="Say welcome"/>'; else echo '<testcase classname="Greeting" name="Say welcome"><failure message="expected welcome"/></testcase>'; fi
"#;

/// The greeting project with an undefined "Say welcome" scenario, a coding tier that writes
/// its evidence in RED and the code in GREEN, and the reviewer tier `critic` running `review`.
fn welcome(review: &str, reconcile: &str) -> Greeting {
    let agents = format!(
        "  - name: coder\n    run: {AGENT} red-green EVIDENCE src/welcome welcome\n    timeout: 10s\n  - name: critic\n    run: {AGENT} {review}\n    timeout: 10s\n"
    );
    let g = greeting(
        &agents,
        &format!("  review: critic\n  protect: [\"evidence/**\"]\n{reconcile}"),
        true,
    );
    // The evidence the coder writes waits outside the project, beside the prompts.
    let evidence = g.log.path().join("welcome-evidence.sh");
    std::fs::write(&evidence, WELCOME_EVIDENCE).unwrap();
    let yaml = g
        .read("specctl.yaml")
        .replace("EVIDENCE", &evidence.display().to_string());
    std::fs::write(g.path().join("specctl.yaml"), yaml).unwrap();
    // Only the new scenario is left to reconcile.
    std::fs::write(g.path().join("src/greeting"), "hello\n").unwrap();
    std::fs::write(
        g.path().join("specs/greet.feature"),
        format!("{FEATURE}\n  Scenario: Say welcome\n    Then the welcome is \"welcome\"\n"),
    )
    .unwrap();
    g
}

fn phases(g: &Greeting) -> Vec<String> {
    g.turns()
        .iter()
        .filter(|l| !l.contains("phase=review"))
        .map(|l| {
            l.split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .trim_start_matches("phase=")
                .to_string()
        })
        .collect()
}

#[test]
fn a_reviewer_that_objects_twice_then_approves_makes_red_take_three_turns() {
    let g = welcome("review 2", "  stall_turns: 3\n  max_turns: 6\n");
    let plan = g.run(&["plan", "--format", "json"]).json();
    assert_eq!(plan["phase"], "red");
    assert_eq!(plan["review"]["tier"], "critic");
    let preview = plan["review"]["prompt"].as_str().unwrap();
    assert!(
        preview.contains("(the RED turn's changes to the evidence go here)"),
        "{preview}"
    );
    assert!(
        preview.contains("Then the welcome is \"welcome\""),
        "{preview}"
    );

    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(phases(&g), ["red", "red", "red", "green"]);
    assert_eq!(
        run.stdout.lines().last(),
        Some("converged after 4 turns ($0.0000 reported)")
    );
    // The reviewer read the turn's diff and the item's text.
    let review = std::fs::read_to_string(g.log.path().join("review-1.md")).unwrap();
    assert!(
        review.contains("+if [ \"$(cat src/welcome 2>/dev/null)\" = welcome ]"),
        "{review}"
    );
    assert!(
        review.contains("Then the welcome is \"welcome\""),
        "{review}"
    );
    // Each objection is the next RED prompt's first finding, by value.
    for (turn, n) in [(2, 1), (3, 2)] {
        let want = format!(
            "## What the previous turn left\n\n- the reviewer objects at evidence/extra.sh:1: objection {n}: pin the welcome text itself\n"
        );
        assert!(g.prompt(turn).contains(&want), "{}", g.prompt(turn));
    }
    assert!(
        !g.prompt(4).contains("the reviewer objects"),
        "{}",
        g.prompt(4)
    );
    assert!(g.prompt(4).contains("GREEN phase"), "{}", g.prompt(4));
    assert!(
        run.stdout.contains(
            "  review: [critic] objects to turn 1's evidence (1 objection); the next RED turn answers it\n    - the reviewer objects at evidence/extra.sh:1: objection 1: pin the welcome text itself\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  review: [critic] approved turn 3's evidence\n"),
        "{}",
        run.stdout
    );

    let log = g.run(&["log"]);
    assert_eq!(log.code, 0, "{}", log.stderr);
    let reviews: Vec<&str> = log
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("review ["))
        .map(str::trim)
        .collect();
    assert_eq!(
        reviews,
        [
            "review [critic]: objected (1 objection), —",
            "review [critic]: objected (1 objection), —",
            "review [critic]: approved, —",
        ]
    );
    let turn = g.run(&["log", "--turn", "2"]).stdout;
    assert!(turn.contains("review by critic: exited with 0"), "{turn}");
    assert!(
        turn.contains("- the reviewer objects at evidence/extra.sh:1: objection 2: pin the welcome text itself"),
        "{turn}"
    );
    assert!(turn.contains("reviewer prompt ("), "{turn}");
    assert!(
        turn.contains("# specctl review of turn 2: RED evidence"),
        "{turn}"
    );
}

#[test]
fn a_reviewer_that_edits_files_has_its_edits_undone() {
    let g = welcome(
        "review-edit src/greeting hijacked",
        "  stall_turns: 3\n  max_turns: 3\n",
    );
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("  gate: the reviewer is read-only: undid its edits to src/greeting\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        g.read("src/greeting"),
        "hello\n",
        "the reviewer's edit stayed"
    );
    assert_eq!(g.read("evidence/extra.sh"), WELCOME_EVIDENCE);
    assert_eq!(phases(&g), ["red", "green"], "its approval counted");
    let log = g.run(&["log"]).stdout;
    assert!(
        log.contains("      review: its edits were undone: src/greeting\n"),
        "{log}"
    );
}

#[test]
fn the_turn_budget_stops_a_reviewer_that_never_approves() {
    let g = welcome("review 99", "  stall_turns: 5\n  max_turns: 2\n");
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    // Escalation hands the RED turns to the next tier, whose turns still need approval.
    assert_eq!(phases(&g), ["red", "red", "red", "red"]);
    assert!(
        run.stdout
            .contains("escalate: 2 turns spent: escalating to agent `critic`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.lines().find(|l| l.starts_with("stopped after")),
        Some("stopped after 4 turns ($0.0000 reported): every agent tier was spent (4 turns)")
    );
    assert_eq!(g.read("src/welcome"), "", "no GREEN turn ran");
}

#[test]
fn a_review_tier_that_names_no_agent_is_an_error_at_its_line() {
    let g = greeting(
        &support::greeting::tier("coder", "noop"),
        "  max_turns: 2\n  review: strong\n",
        false,
    );
    let run = g.run(&["check"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("`review: strong` names no agent tier: name one of `coder` under `agents:`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("specctl.yaml:11:1"), "{}", run.stderr);
}

#[test]
fn a_reviewer_s_cost_counts_and_an_answer_of_another_shape_approves_nothing() {
    let g = welcome(
        "claude 0.6",
        "  stall_turns: 5\n  max_turns: 5\n  budget_usd: 1.0\n",
    );
    let yaml = g
        .read("specctl.yaml")
        .replace("  - name: critic\n", "  - name: critic\n    kind: claude\n");
    std::fs::write(g.path().join("specctl.yaml"), yaml).unwrap();
    let run = g.run(&["reconcile"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(phases(&g), ["red", "red"]);
    assert!(
        run.stdout.contains(
            "  review: [critic, $0.6000] gave no answer that counts for turn 1\n    - the reviewer gave no answer that could be read (no JSON object with a \"verdict\" in its reply)"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.lines().find(|l| l.starts_with("stopped after")),
        Some("stopped after 2 turns ($1.2000 reported): the budget of $1.00 was spent ($1.20)")
    );
    let log = g.run(&["log"]).stdout;
    assert!(
        log.contains("      review [critic]: no answer that counts, $0.6000\n"),
        "{log}"
    );
}
