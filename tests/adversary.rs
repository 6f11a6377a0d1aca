//! `specctl audit --adversary TIER`: a scripted adversary (tests/agents/scripted-agent) tries,
//! in a scratch copy, to pass each item's evidence with code that means something else.

mod support;

use std::os::unix::fs::PermissionsExt;
use support::Project;
use support::greeting::AGENT;

const CODE: &str = "echo $(( $1 * 2 ))\n";

/// JUnit for every scenario of specs/double.feature: "Double N" passes when src/double.sh
/// prints the doubled N.
const EVIDENCE: &str = r#"#!/bin/sh
{
  echo "<testsuite>"
  for n in $(sed -n 's/.*Scenario: Double \([0-9]*\).*/\1/p' specs/double.feature); do
    got=$(sh src/double.sh "$n")
    if [ "$got" = "$((n * 2))" ]; then echo "<testcase classname=\"Doubling\" name=\"Double $n\"/>"
    else echo "<testcase classname=\"Doubling\" name=\"Double $n\"><failure message=\"expected $((n * 2)), got $got\"/></testcase>"; fi
  done
  echo "</testsuite>"
} > "$1"
"#;

/// A doubling project with a scenario per number in `examples`, and the adversary tier `cheat`
/// running the scripted agent with `args`.
fn doubling(examples: &[(u32, u32)], args: &str, reconcile: &str) -> (Project, tempfile::TempDir) {
    let log = tempfile::tempdir().unwrap();
    let mut feature = String::from("Feature: Doubling\n");
    for (n, want) in examples {
        feature.push_str(&format!(
            "  Scenario: Double {n}\n    When I double {n}\n    Then I get {want}\n"
        ));
    }
    let p = Project::new();
    p.file(
        "specctl.yaml",
        &format!(
            "evidence:\n  default:\n    run: ./evidence/run.sh {{report}}\n    report: junit\nagents:\n  - name: cheat\n    run: {AGENT} {args}\n    timeout: 10s\nreconcile:\n{reconcile}"
        ),
    )
    .file("specs/double.feature", &feature)
    .file("evidence/run.sh", EVIDENCE)
    .file("src/double.sh", CODE);
    std::fs::set_permissions(
        p.path().join("evidence/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    (p, log)
}

fn audit(p: &Project, log: &tempfile::TempDir, args: &[&str]) -> support::Run {
    let output = assert_cmd::Command::cargo_bin("specctl")
        .unwrap()
        .current_dir(p.path())
        .env("AGENT_LOG", log.path())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    support::Run::from(output)
}

const ADVERSARY_JSON: &[&str] = &["audit", "--adversary", "cheat", "--format", "json"];

fn outcomes(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["adversary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["item"].as_str().unwrap().to_string(),
                a["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_constant_passes_a_spec_whose_only_example_it_satisfies() {
    let (p, log) = doubling(
        &[(2, 4)],
        "constant src/double.sh 'echo 4'",
        "  max_turns: 5\n",
    );
    let plan = audit(&p, &log, &["plan", "--adversary", "cheat"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout
            .starts_with("attempt 1 of 1, on specs/double.feature::Double 2, by cheat ("),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("  Then I get 4\n"), "{}", plan.stdout);

    let run = audit(&p, &log, ADVERSARY_JSON);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "adversary-passes")
        .expect("an adversary-passes finding");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["item"], "specs/double.feature::Double 2");
    assert_eq!(
        (finding["file"].as_str(), finding["line"].as_u64()),
        (Some("specs/double.feature"), Some(2))
    );
    assert_eq!(
        outcomes(&doc),
        [(
            "specs/double.feature::Double 2".to_string(),
            "passes".to_string()
        )]
    );
    let diff = doc["adversary"][0]["diff"].as_str().unwrap();
    assert!(diff.contains("\n-echo $(( $1 * 2 ))\n+echo 4\n"), "{diff}");
    assert_eq!(doc["summary"]["adversary_passes"], 1);
    // The user's tree is never touched; the prompt the adversary read is the one plan showed.
    assert_eq!(
        std::fs::read_to_string(p.path().join("src/double.sh")).unwrap(),
        CODE
    );
    let seen = std::fs::read_to_string(log.path().join("adversary-1.md")).unwrap();
    assert!(plan.stdout.contains(seen.trim_end()), "{seen}");

    let human = audit(&p, &log, &["audit", "--adversary", "cheat"]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .contains("error[adversary-passes]: an adversary made this item's evidence pass"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("the adversary (cheat) passed it with:"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("   +echo 4\n"), "{}", human.stdout);
    assert!(
        human.stderr.contains(
            "adversary: attempt 1 on specs/double.feature::Double 2 [cheat, —]: passes: "
        ),
        "{}",
        human.stderr
    );
    let shown = audit(&p, &log, &["log", "--adversary"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.starts_with(
            "attempt 1 on specs/double.feature::Double 2 by cheat: passes (exited with 0, —, "
        ),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.contains("+echo 4"), "{}", shown.stdout);
    assert!(
        shown
            .stdout
            .contains("# specctl audit: an adversary attempt on"),
        "{}",
        shown.stdout
    );
}

#[test]
fn a_second_example_with_another_value_stops_the_constant() {
    let (p, log) = doubling(
        &[(2, 4), (3, 6)],
        "constant src/double.sh 'echo 4'",
        "  max_turns: 5\n",
    );
    let run = audit(&p, &log, ADVERSARY_JSON);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_eq!(
        outcomes(&doc),
        [
            (
                "specs/double.feature::Double 2".to_string(),
                "broke-others".to_string()
            ),
            (
                "specs/double.feature::Double 3".to_string(),
                "stood-up".to_string()
            ),
        ]
    );
    assert_eq!(
        doc["adversary"][0]["message"],
        "the attempt broke specs/double.feature::Double 3: the other items pin the behaviour"
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "adversary-passes")
    );
}

#[test]
fn an_adversary_that_edits_the_spec_is_undone_and_proves_nothing() {
    let (p, log) = doubling(
        &[(2, 4)],
        "constant specs/double.feature 'no scenario left'",
        "  max_turns: 5\n",
    );
    let before = std::fs::read_to_string(p.path().join("specs/double.feature")).unwrap();
    let run = audit(&p, &log, ADVERSARY_JSON);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_eq!(
        outcomes(&doc),
        [(
            "specs/double.feature::Double 2".to_string(),
            "proves-nothing".to_string()
        )]
    );
    let attempt = &doc["adversary"][0];
    assert_eq!(
        attempt["undone"],
        serde_json::json!(["specs/double.feature"])
    );
    assert_eq!(attempt["diff"], "");
    assert_eq!(
        attempt["message"],
        "the adversary edited only protected files (specs/double.feature), which were undone: an attempt that changes the spec or the evidence proves nothing"
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("specs/double.feature")).unwrap(),
        before
    );
}

#[test]
fn budgets_stop_the_attempts() {
    let (p, log) = doubling(
        &[(2, 4), (3, 6)],
        "constant src/double.sh 'echo 4'",
        "  max_turns: 1\n",
    );
    let doc = audit(
        &p,
        &log,
        &["audit", "--adversary", "cheat", "--format", "json"],
    )
    .json();
    assert_eq!(doc["adversary"][1]["outcome"], "not-tried");
    assert_eq!(
        doc["adversary"][1]["message"],
        "not attempted: the adversary's budget of 1 attempt (reconcile.max_turns) was spent"
    );
    assert_eq!(doc["summary"]["attempts"], 1);

    let (p, log) = doubling(
        &[(2, 4), (3, 6)],
        "claude 0.75 src/double.sh 'echo 4'",
        "  max_turns: 5\n  budget_usd: 0.5\n",
    );
    let yaml = std::fs::read_to_string(p.path().join("specctl.yaml")).unwrap();
    std::fs::write(
        p.path().join("specctl.yaml"),
        yaml.replace("    timeout: 10s\n", "    kind: claude\n    timeout: 10s\n"),
    )
    .unwrap();
    let doc = audit(
        &p,
        &log,
        &["audit", "--adversary", "cheat", "--format", "json"],
    )
    .json();
    assert_eq!(doc["adversary"][0]["cost_usd"], 0.75);
    assert_eq!(
        doc["adversary"][1]["message"],
        "not attempted: the budget of $0.50 was spent ($0.75)"
    );
}

#[test]
fn an_adversary_tier_that_does_not_exist_is_an_error_naming_the_tiers() {
    let (p, log) = doubling(&[(2, 4)], "noop", "  max_turns: 5\n");
    let run = audit(&p, &log, &["audit", "--adversary", "strong"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "--adversary strong names no agent tier: name one of `cheat` (under `agents:` in specctl.yaml)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn ctrl_c_ends_the_adversary_s_process_group_and_judges_nothing() {
    let (p, log) = doubling(&[(2, 4)], "hang", "  max_turns: 5\n");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(["audit", "--adversary", "cheat", "--format", "json"])
        .current_dir(p.path())
        .env("AGENT_LOG", log.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid_file = log.path().join("hang.pid");
    support::wait_for(std::time::Duration::from_secs(20), || pid_file.exists());
    let sleeper = std::fs::read_to_string(&pid_file).expect("the adversary started");
    // SAFETY: kill(2) on a child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["interrupted"], true);
    assert_eq!(doc["adversary"][0]["outcome"], "not-tried");
    assert_eq!(doc["adversary"][0]["message"], "not judged: interrupted");
    assert!(
        !support::alive(sleeper.trim()),
        "the adversary's sleep outlived specctl"
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("src/double.sh")).unwrap(),
        CODE
    );
}
