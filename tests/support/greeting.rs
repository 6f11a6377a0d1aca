//! The greeting project the reconcile and session tests share: two scenarios, one failing
//! until src/greeting says hello, proven by a JUnit-writing shell runner.

use super::{Project, Run};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

pub const AGENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/agents/scripted-agent");

/// Two scenarios: "Say hello" fails (src/greeting says hi), "Say bye" passes.
pub const EVIDENCE: &str = r#"#!/bin/sh
g=$(cat src/greeting 2>/dev/null); f=$(cat src/farewell 2>/dev/null)
{
  echo "<testsuite>"
  if [ "$g" = hello ]; then echo '<testcase classname="Greeting" name="Say hello"/>'
  else echo "<testcase classname=\"Greeting\" name=\"Say hello\"><failure message=\"expected hello, got $g\"/></testcase>"; fi
  if [ "$f" = bye ]; then echo '<testcase classname="Greeting" name="Say bye"/>'
  else echo "<testcase classname=\"Greeting\" name=\"Say bye\"><failure message=\"expected bye, got $f\"/></testcase>"; fi
  if [ -f evidence/extra.sh ]; then . ./evidence/extra.sh; fi
  echo "</testsuite>"
} > "$1"
"#;

pub const FEATURE: &str = "Feature: Greeting\n  Scenario: Say hello\n    Given a visitor\n    Then the greeting is \"hello\"\n\n  Scenario: Say bye\n    Given a leaving visitor\n    Then the farewell is \"bye\"\n";

pub struct Greeting {
    pub project: Project,
    pub log: tempfile::TempDir,
}

pub fn greeting(agents: &str, reconcile: &str, git: bool) -> Greeting {
    let project = Project::new();
    project
        .file(
            "specctl.yaml",
            &format!(
                "evidence:\n  default:\n    run: ./evidence/run.sh {{report}}\n    report: junit\nagents:\n{agents}reconcile:\n{reconcile}"
            ),
        )
        .file("specs/greet.feature", FEATURE)
        .file("evidence/run.sh", EVIDENCE)
        .file("src/greeting", "hi\n")
        .file("src/farewell", "bye\n");
    std::fs::set_permissions(
        project.path().join("evidence/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    if git {
        commit_all(project.path());
    }
    Greeting {
        project,
        log: tempfile::tempdir().unwrap(),
    }
}

/// Runs git in `dir` as a test's own user; the test fails when git does.
pub fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// Makes `dir` a git repository with everything in it committed.
pub fn commit_all(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "init"]);
}

pub fn tier(name: &str, args: &str) -> String {
    format!("  - name: {name}\n    run: {AGENT} {args}\n    timeout: 10s\n")
}

impl Greeting {
    pub fn run(&self, args: &[&str]) -> Run {
        let output = assert_cmd::Command::cargo_bin("specctl")
            .unwrap()
            .current_dir(self.project.path())
            .env("AGENT_LOG", self.log.path())
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        Run::from(output)
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.project.path().join(path)).unwrap_or_default()
    }

    pub fn prompt(&self, turn: u32) -> String {
        std::fs::read_to_string(self.log.path().join(format!("turn-{turn}.md"))).unwrap()
    }

    pub fn turns(&self) -> Vec<String> {
        std::fs::read_to_string(self.log.path().join("turns.log"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn path(&self) -> &Path {
        self.project.path()
    }
}
