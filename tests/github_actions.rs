//! examples/github-actions/specctl.yml is a workflow that works: valid YAML, its jobs wired
//! together, every specctl line parsed by the real command line, and its scripts, run as
//! GitHub runs them on a real project, leave the report the whole run would give.

mod support;

use clap::Parser;
use serde_json::{Value, json};
use std::path::Path;
use support::Project;

const SLICES: u32 = 4;

fn workflow() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/github-actions/specctl.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The steps of `job` that run a script.
fn scripts(doc: &Value, job: &str) -> Vec<String> {
    doc["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has no steps"))
        .iter()
        .filter_map(|step| step["run"].as_str().map(str::to_string))
        .collect()
}

/// A script as the machine of slice `k` runs it.
fn on_machine(script: &str, k: u32) -> String {
    script.replace("${{ matrix.k }}", &k.to_string())
}

/// Each specctl command line of a script, cut at the first shell operator.
fn specctl_lines(script: &str) -> Vec<Vec<String>> {
    script
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("specctl "))
        .map(|line| {
            line.split_whitespace()
                .take_while(|w| !["||", "|", "&&", ">", ">>", ";"].contains(w))
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn the_workflow_is_a_matrix_of_slices_joined_by_one_job() {
    let doc = workflow();
    let jobs: Vec<&String> = doc["jobs"].as_object().unwrap().keys().collect();
    assert_eq!(jobs, ["audit", "check", "report"]);
    for job in ["check", "audit"] {
        assert_eq!(
            doc["jobs"][job]["strategy"]["matrix"]["k"],
            json!([1, 2, 3, 4]),
            "{job}"
        );
    }
    assert_eq!(doc["jobs"]["report"]["needs"], json!(["check", "audit"]));
    let mut commands = Vec::new();
    for job in ["check", "audit", "report"] {
        for script in scripts(&doc, job) {
            for line in specctl_lines(&on_machine(&script, 1)) {
                let parsed = specctl::cli::Cli::try_parse_from(&line)
                    .unwrap_or_else(|e| panic!("{job}: `{}` does not parse: {e}", line.join(" ")));
                let name = format!("{:?}", parsed.command);
                commands.push(format!(
                    "{job}: {}",
                    name.split('(').next().unwrap_or_default()
                ));
            }
        }
    }
    assert_eq!(
        commands,
        [
            "check: Check",
            "audit: Audit",
            "report: Merge",
            "report: Merge",
            "report: Merge"
        ]
    );
}

/// Runs `script` as a GitHub step does (bash -eo pipefail), with the built specctl on PATH.
fn step(p: &Project, script: &str, summary: &Path) -> i32 {
    let bin = Path::new(env!("CARGO_BIN_EXE_specctl")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(p.path())
        .env("PATH", path)
        .env("GITHUB_STEP_SUMMARY", summary)
        .env("NO_COLOR", "1")
        .status()
        .unwrap();
    status.code().unwrap_or(-1)
}

#[test]
fn the_workflow_scripts_run_on_a_project_and_report_the_whole_run() {
    let doc = workflow();
    let p = Project::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    support::copy_tree(&example, p.path());
    let summary = p.path().join("summary.md");
    for job in ["check", "audit"] {
        for k in 1..=SLICES {
            for script in scripts(&doc, job) {
                if script.contains("cargo install") {
                    continue;
                }
                // Each machine starts from a clean checkout: no store from another slice.
                let _ = std::fs::remove_dir_all(p.path().join(".specctl"));
                assert_eq!(step(&p, &on_machine(&script, k), &summary), 0, "{job} {k}");
            }
        }
    }
    let report: Vec<String> = scripts(&doc, "report")
        .into_iter()
        .filter(|s| !s.contains("cargo install"))
        .collect();
    assert_eq!(report.len(), 3);
    assert_eq!(step(&p, &report[0], &summary), 0, "every item holds");
    assert_eq!(step(&p, &report[1], &summary), 1, "the audit has findings");
    assert_eq!(step(&p, &report[2], &summary), 0, "SARIF written");
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("## specctl check\n\n**5 passed, 0 failed**\n\nEvery item holds.\n"),
        "{summary}"
    );
    assert!(summary.contains("## specctl audit\n\n```\n"), "{summary}");
    assert!(
        summary.ends_with("4 mutants: 3 killed, 1 survived\n```\n"),
        "{summary}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("audit.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}
