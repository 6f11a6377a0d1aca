//! `specctl check` and `specctl status` end to end: each verdict, each fault of an evidence
//! command, each output format, asserted by value on real temporary projects.

mod support;

use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use support::{Project, alive, expect, statuses};

const SHOP: &str = "Feature: Shop\n  Scenario: Buy\n    Given a shop\n\n  Scenario: Pay\n    Given a till\n\n  Scenario: Mystery\n    Given a fog\n";

fn script(p: &Project, path: &str, body: &str) {
    p.file(path, &format!("#!/bin/sh\n{body}\n"));
    let full = p.path().join(path);
    std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A project whose `default` runner is `run`, reading `report`.
fn project(run: &str, report: &str) -> Project {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        &format!("evidence:\n  default:\n    run: {run}\n    report: {report}\n    timeout: 20s\n"),
    )
    .file("specs/shop.feature", SHOP);
    p
}

const JUNIT: &str = r#"cat > "$1" <<'XML'
<testsuite name="Shop">
<testcase classname="Shop" name="Buy"/>
<testcase classname="Shop" name="Pay"><failure message="expected 5, paid 2">Then I pay 5</failure></testcase>
<testcase classname="Shop" name="Mystery"><skipped/></testcase>
</testsuite>
XML
exit 1"#;

#[test]
fn a_junit_report_gives_each_scenario_its_verdict() {
    let p = project("./run.sh {report}", "junit");
    script(&p, "run.sh", JUNIT);
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/shop.feature::Buy", "pass"),
            ("specs/shop.feature::Pay", "fail"),
            ("specs/shop.feature::Mystery", "skipped"),
        ])
    );
    assert_eq!(doc["items"][1]["message"], "expected 5, paid 2");
    assert_eq!(doc["summary"]["total"], 3);
    assert_eq!(doc["summary"]["pass"], 1);
    assert_eq!(doc["summary"]["fail"], 1);
    assert_eq!(doc["summary"]["skipped"], 1);
}

#[test]
fn all_passing_exits_zero_and_the_human_output_closes_with_the_counts() {
    let p = project("./run.sh {report}", "junit");
    script(
        &p,
        "run.sh",
        r#"printf '<testsuite><testcase classname="Shop" name="Buy"/><testcase classname="Shop" name="Pay"/><testcase classname="Shop" name="Mystery"><skipped/></testcase></testsuite>' > "$1""#,
    );
    let run = p.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().last(),
        Some("2 passed, 0 failed, 1 skipped")
    );
    assert!(
        run.stdout.contains("  ✓ specs/shop.feature:2  Buy\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn one_process_proves_every_scenario_of_a_runner() {
    let p = project("./run.sh {report}", "junit");
    script(&p, "run.sh", &format!("echo run >> runs.log\n{JUNIT}"));
    p.file(
        "specs/more.feature",
        "Feature: More\n  Scenario: Extra\n    Given more\n",
    );
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        std::fs::read_to_string(p.path().join("runs.log")).unwrap(),
        "run\n"
    );
    assert_eq!(
        statuses(&run.json())["specs/more.feature::Extra"],
        "undefined"
    );
}

#[test]
fn an_exit_code_runner_decides_for_all_its_scenarios() {
    let p = project("exit 3", "exit-code");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        statuses(&run.json()),
        expect(&[
            ("specs/shop.feature::Buy", "fail"),
            ("specs/shop.feature::Pay", "fail"),
            ("specs/shop.feature::Mystery", "fail"),
        ])
    );
    assert!(
        run.json()["items"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("runner `default` exited with 3")
    );
}

#[test]
fn a_scenario_no_runner_proves_is_undefined() {
    let p = Project::new();
    p.file("specs/shop.feature", SHOP);
    let run = p.run(&["check", "--format", "json", "specs/shop.feature::Buy"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(
        statuses(&doc),
        expect(&[("specs/shop.feature::Buy", "undefined")])
    );
    assert!(
        doc["items"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("nothing proves this scenario")
    );
}

#[test]
fn aspects_pass_fail_and_time_out_by_their_command() {
    let p = Project::new();
    p.file("aspects/ok.md", "---\nname: ok\nevidence: \"true\"\n---\n")
        .file(
            "aspects/bad.md",
            "---\nname: bad\nevidence: echo nope >&2; exit 4\n---\n",
        )
        .file(
            "aspects/slow.md",
            "---\nname: slow\nevidence: sleep 60\ntimeout: 300ms\n---\n",
        );
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("aspect:ok", "pass"),
            ("aspect:bad", "fail"),
            ("aspect:slow", "timeout")
        ])
    );
    let bad = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "aspect:bad")
        .unwrap();
    assert_eq!(
        bad["message"],
        "`echo nope >&2; exit 4` exited with 4\nnope"
    );
}

// The faults of an evidence command: each is the project's evidence failing, so exit 1, never 2.

#[test]
fn fault_a_runner_command_that_does_not_exist() {
    let p = project("no-such-runner-anywhere {report}", "junit");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Buy"], "error");
    assert!(
        doc["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the command was not found (exit 127)")
    );
}

#[test]
fn fault_a_script_without_its_run_bit() {
    let p = project("./run.sh {report}", "junit");
    p.file("run.sh", "#!/bin/sh\nexit 0\n");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Pay"], "error");
    assert!(
        doc["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is the script executable (chmod +x)?")
    );
}

#[test]
fn fault_a_runner_that_writes_no_report() {
    let p = project("./run.sh {report}", "junit");
    script(&p, "run.sh", "echo all good; exit 0");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Buy"], "error");
    assert_eq!(
        doc["items"][0]["message"],
        "runner `default` (exit 0): it wrote no junit report where {report} said\nall good"
    );
}

#[test]
fn fault_a_malformed_report() {
    let p = project("./run.sh {report}", "junit");
    script(
        &p,
        "run.sh",
        r#"printf '<testsuite><testcase name="Buy">' > "$1""#,
    );
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Buy"], "error");
    assert!(
        doc["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("its report report.xml is unreadable")
    );
}

#[test]
fn fault_a_report_naming_a_scenario_that_does_not_exist_is_ignored_with_a_warning() {
    let p = project("./run.sh {report}", "junit");
    script(
        &p,
        "run.sh",
        r#"printf '<testsuite><testcase classname="Shop" name="Buy"/><testcase classname="Shop" name="Ghost"><failure/></testcase></testsuite>' > "$1""#,
    );
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Buy"], "pass");
    assert_eq!(statuses(&doc)["specs/shop.feature::Pay"], "undefined");
    assert_eq!(
        doc["warnings"],
        json!([
            "runner `default` reported `Ghost` in `Shop`, which is no scenario of this project: ignored"
        ])
    );
}

#[test]
fn fault_a_runner_that_hangs_times_out_and_leaves_nothing_running() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: ./run.sh\n    timeout: 500ms\n",
    )
    .file("specs/shop.feature", SHOP);
    script(
        &p,
        "run.sh",
        "sleep 300 &\necho $! > child.pid\necho $$ > runner.pid\nsleep 300",
    );
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(statuses(&run.json())["specs/shop.feature::Buy"], "timeout");
    for pid_file in ["child.pid", "runner.pid"] {
        let pid = std::fs::read_to_string(p.path().join(pid_file)).unwrap();
        assert!(!alive(&pid), "{pid_file} ({}) is still running", pid.trim());
    }
}

#[test]
fn fault_a_runner_that_forks_a_daemon_holding_stdout() {
    let p = project("./run.sh", "exit-code");
    script(
        &p,
        "run.sh",
        "(sleep 300; echo late) &\necho $! > daemon.pid\necho started\nexit 0",
    );
    let started = std::time::Instant::now();
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(statuses(&run.json())["specs/shop.feature::Buy"], "pass");
    let pid = std::fs::read_to_string(p.path().join("daemon.pid")).unwrap();
    assert!(!alive(&pid), "the daemon ({}) is still running", pid.trim());
    // Not a timing assertion: without ending the group, specctl would wait the daemon's 300 s.
    assert!(started.elapsed() < std::time::Duration::from_secs(120));
}

#[test]
fn fault_a_runner_that_prints_non_utf8() {
    let p = project("./run.sh", "exit-code");
    script(&p, "run.sh", r"printf 'caf\351 \377\376 broken\n'; exit 1");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Buy"], "fail");
    assert_eq!(
        doc["items"][0]["message"],
        "runner `default` exited with 1\ncaf\u{fffd} \u{fffd}\u{fffd} broken"
    );
}

#[test]
fn fault_a_runner_killed_by_a_signal() {
    let p = project("./run.sh", "exit-code");
    script(&p, "run.sh", "kill -SEGV $$");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(statuses(&doc)["specs/shop.feature::Buy"], "error");
    assert!(
        doc["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("killed by signal 11 (SIGSEGV")
    );
}

// Formats, selection, input errors and the store.

#[test]
fn junit_output_has_one_testcase_per_item() {
    let p = project("./run.sh {report}", "junit");
    script(&p, "run.sh", JUNIT);
    let run = p.run(&["check", "--format", "junit", "--output", "out.xml"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "1 passed, 1 failed, 1 skipped\n");
    let xml = std::fs::read_to_string(p.path().join("out.xml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert!(
        xml.contains(
            r#"<testcase name="specs/shop.feature::Pay" classname="specs/shop.feature:5""#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="expected 5, paid 2" type="fail">"#),
        "{xml}"
    );
    assert!(xml.contains("<skipped"), "{xml}");
}

#[test]
fn github_output_annotates_failing_lines_and_writes_a_summary() {
    let p = project("./run.sh {report}", "junit");
    script(&p, "run.sh", JUNIT);
    let summary = p.path().join("summary.md");
    let output = assert_cmd::Command::cargo_bin("specctl")
        .unwrap()
        .current_dir(p.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "::error file=specs/shop.feature,line=5,title=specs/shop.feature%3A%3APay (fail)::expected 5, paid 2\n1 passed, 1 failed, 1 skipped\n"
    );
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(
        md.contains(
            "| specs/shop.feature::Pay | specs/shop.feature:5 | fail | expected 5, paid 2 |"
        ),
        "{md}"
    );
}

#[test]
fn github_output_stops_at_ten_annotations() {
    let p = Project::new();
    let mut feature = String::from("Feature: Many\n");
    for i in 0..12 {
        feature.push_str(&format!("  Scenario: s{i}\n    Given x\n"));
    }
    p.file("specctl.yaml", "evidence:\n  default:\n    run: exit 1\n")
        .file("specs/many.feature", &feature);
    let run = p.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("::error ").count(), 10);
    assert!(
        run.stdout
            .contains("::warning::2 more items do not hold; see the job summary")
    );
}

#[test]
fn filters_and_tags_select_what_runs() {
    let p = Project::new();
    p.file("specctl.yaml", "evidence:\n  default:\n    run: exit 0\n")
        .file("specs/a.feature", "Feature: A\n  @fast\n  Scenario: quick\n    Given x\n  @slow\n  Scenario: long\n    Given y\n")
        .file("aspects/x.md", "---\nname: x\nevidence: \"false\"\n---\n");
    let run = p.run(&["check", "--format", "json", "--tags", "@fast"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        statuses(&run.json()),
        expect(&[("specs/a.feature::quick", "pass")])
    );
    let run = p.run(&["check", "--format", "json", "aspects"]);
    assert_eq!(run.code, 1);
    assert_eq!(statuses(&run.json()), expect(&[("aspect:x", "fail")]));
}

#[test]
fn invalid_input_exits_two_but_valid_items_are_still_observed() {
    let p = Project::new();
    p.file("specctl.yaml", "evidence:\n  default:\n    run: exit 0\n")
        .file(
            "specs/good.feature",
            "Feature: G\n  Scenario: fine\n    Given x\n",
        )
        .file(
            "specs/bad.feature",
            "Feature: B\n  Scenario: y\n    Given z\n  not gherkin\n",
        );
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    let doc = run.json();
    assert_eq!(
        statuses(&doc),
        expect(&[("specs/good.feature::fine", "pass")])
    );
    assert_eq!(doc["errors"][0]["file"], "specs/bad.feature");
    assert_eq!(doc["errors"][0]["line"], 4);
}

#[test]
fn a_broken_config_runs_nothing_and_exits_two() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: touch ran\n    timout: 5s\n",
    )
    .file(
        "specs/good.feature",
        "Feature: G\n  Scenario: fine\n    Given x\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("specctl.yaml:4:5: unknown field `timout`"),
        "{}",
        run.stderr
    );
    assert!(!p.path().join("ran").exists());
}

#[test]
fn status_shows_the_last_observation_and_marks_stale_items() {
    let p = project("./run.sh {report}", "junit");
    script(&p, "run.sh", JUNIT);
    let run = p.run(&["status", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["items"][0]["status"], Value::Null);

    assert_eq!(p.run(&["check"]).code, 1);
    // Running nothing: the runner is gone, status still knows.
    std::fs::remove_file(p.path().join("run.sh")).unwrap();
    let run = p.run(&["status", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(
        statuses(&doc),
        expect(&[
            ("specs/shop.feature::Buy", "pass"),
            ("specs/shop.feature::Pay", "fail"),
            ("specs/shop.feature::Mystery", "skipped"),
        ])
    );
    assert_eq!(doc["items"][0].get("stale"), None);

    p.file(
        "specs/shop.feature",
        &SHOP.replace("Given a shop", "Given a bigger shop"),
    );
    let run = p.run(&["status", "--color", "never"]);
    assert!(
        run.stdout
            .contains("✓ specs/shop.feature:2  Buy (stale: the item changed since)"),
        "{}",
        run.stdout
    );
    let doc = p.run(&["status", "--format", "json"]).json();
    assert_eq!(doc["items"][0]["stale"], true);
    assert_eq!(doc["items"][1].get("stale"), None);
}

#[test]
fn with_one_job_the_runner_starts_before_every_aspect_and_all_is_recorded() {
    // Each evidence notes its start in order.log; one job at a time makes the order exact.
    let p = project("./run.sh {report}", "junit");
    script(
        &p,
        "run.sh",
        r#"echo runner >> order.log
printf '<testsuite><testcase classname="Shop" name="Buy"/><testcase classname="Shop" name="Pay"/><testcase classname="Shop" name="Mystery"/></testsuite>' > "$1""#,
    );
    for name in ["a", "b", "c"] {
        p.file(
            &format!("aspects/{name}.md"),
            &format!("---\nname: {name}\nevidence: echo {name} >> order.log\n---\nBody.\n"),
        );
    }
    p.file(".gitignore", "order.log\n");
    let run = p.run(&["check", "--jobs", "1", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = || std::fs::read_to_string(p.path().join("order.log")).unwrap();
    assert_eq!(started(), "runner\na\nb\nc\n");
    // The report lists items in file order whatever order their evidence ran in.
    let doc = run.json();
    let ids: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "specs/shop.feature::Buy",
            "specs/shop.feature::Pay",
            "specs/shop.feature::Mystery",
            "aspect:a",
            "aspect:b",
            "aspect:c"
        ]
    );
    // Recorded while the evidence ran: status has every verdict without running anything.
    let status = p.run(&["status", "--format", "json"]);
    assert_eq!(
        statuses(&status.json()),
        expect(&[
            ("specs/shop.feature::Buy", "pass"),
            ("specs/shop.feature::Pay", "pass"),
            ("specs/shop.feature::Mystery", "pass"),
            ("aspect:a", "pass"),
            ("aspect:b", "pass"),
            ("aspect:c", "pass"),
        ])
    );
    assert_eq!(started(), "runner\na\nb\nc\n", "status ran nothing");
}
