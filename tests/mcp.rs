//! `specctl mcp` through a real client: the official MCP Python SDK (PyPI `mcp`, pinned in
//! tests/fixtures/runners/python/mcp.txt), driven by tests/fixtures/mcp/client.py.

mod support;

use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use support::Project;
use support::greeting::{EVIDENCE, FEATURE};
use support::tools::{self, Python};

const CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mcp/client.py");

fn greeting() -> Project {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: ./evidence/run.sh {report}\n    report: junit\n",
    )
    .file("specs/greet.feature", FEATURE)
    .file("evidence/run.sh", EVIDENCE)
    .file("src/greeting", "hi\n")
    .file("src/farewell", "bye\n");
    std::fs::set_permissions(
        p.path().join("evidence/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    p
}

/// What the client saw in `case` against `specctl -C project mcp`.
fn client(project: &Project, case: &str) -> Value {
    let bin = tools::python(Python::Mcp);
    let out = Command::new(bin.join("python"))
        .args([CLIENT, env!("CARGO_BIN_EXE_specctl")])
        .arg(project.path())
        .arg(case)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "client {case}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn verdicts(doc: &Value) -> Vec<(String, String)> {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_client_sees_six_tools_each_with_its_input_schema() {
    let seen = client(&greeting(), "tools");
    assert_eq!(seen["server"], "specctl");
    assert_eq!(
        seen["tools"],
        json!(["audit", "check", "explain", "list", "plan", "status"])
    );
    assert_eq!(seen["schemas"]["check"], json!(["filters", "tags"]));
    assert_eq!(
        seen["schemas"]["audit"],
        json!(["filters", "mutants", "tags"])
    );
    assert_eq!(seen["schemas"]["explain"], json!(["id"]));
}

#[test]
fn each_tool_answers_with_the_cli_s_document() {
    let p = greeting();
    let seen = client(&p, "every-tool");
    let check = &seen["check"]["result"];
    assert_eq!(
        verdicts(check),
        [
            ("specs/greet.feature::Say hello".into(), "fail".into()),
            ("specs/greet.feature::Say bye".into(), "pass".into()),
        ]
    );
    assert_eq!(check["items"][0]["message"], "expected hello, got hi");
    assert_eq!(
        (
            check["summary"]["pass"].as_u64(),
            check["summary"]["fail"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // The same observation and store as `specctl check`: status reads what check recorded.
    assert_eq!(verdicts(&seen["status"]["result"]), verdicts(check));
    assert_eq!(
        seen["list"]["result"]["items"][1]["steps"],
        json!([{"keyword": "Given ", "text": "a leaving visitor"}, {"keyword": "Then ", "text": "the farewell is \"bye\""}])
    );
    let plan = &seen["plan"]["result"];
    assert_eq!(plan["phase"], "green");
    assert_eq!(
        plan["turn_items"],
        json!(["specs/greet.feature::Say hello"])
    );
    assert!(
        plan["prompt"]
            .as_str()
            .unwrap()
            .contains("expected hello, got hi")
    );
    let audit = &seen["audit"]["result"];
    let rules: Vec<&str> = audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // "Say hello" was seen failing by the check just run; "Say bye" never was.
    assert_eq!(rules, ["no-action", "no-action", "never-red"]);
    assert_eq!(audit["findings"][2]["item"], "specs/greet.feature::Say bye");
    let explain = &seen["explain"]["result"];
    assert_eq!(explain["item"]["line"], 2);
    assert_eq!(explain["last"]["status"], "fail");
    assert_eq!(explain["last"]["message"], "expected hello, got hi");
    assert_eq!(
        explain["text"],
        "```gherkin\nScenario: Say hello\n  Given a visitor\n  Then the greeting is \"hello\"\n```"
    );
    assert_eq!(
        explain["evidence"],
        "runner `default`: `./evidence/run.sh {report}`"
    );
    let history: Vec<&str> = explain["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    // Observed by the `check` call, then by `plan` (which observes once before it plans).
    assert_eq!(history, ["fail", "fail"], "{explain}");
    // It never edits a file.
    assert_eq!(
        std::fs::read_to_string(p.path().join("src/greeting")).unwrap(),
        "hi\n"
    );
}

#[test]
fn bad_arguments_are_errors_with_the_message_a_person_would_get() {
    let seen = client(&greeting(), "bad-arguments");
    // A protocol error, or a tool result flagged as an error: the client sees the message.
    let error = |case: &str| {
        let c = &seen[case];
        c["error"]
            .as_str()
            .or(c["text"].as_str().filter(|_| c["is_error"] == true))
            .unwrap_or_default()
            .to_string()
    };
    assert!(error("wrong type").contains("invalid type"), "{seen}");
    assert!(error("missing id").contains("missing field `id`"), "{seen}");
    assert_eq!(
        error("no such item"),
        "error: no item `specs/nope.feature::X`: run `specctl list` for the ids there are"
    );
    assert!(error("bad tags").starts_with("error: "), "{seen}");
    assert!(error("bad tags").contains("@a and"), "{seen}");
}

#[test]
fn a_cancelled_check_ends_the_evidence_it_started() {
    let p = Project::new();
    p.file(
        "specctl.yaml",
        "evidence:\n  default:\n    run: ./evidence/slow.sh\n    report: exit-code\n",
    )
    .file(
        "specs/slow.feature",
        "Feature: Slow\n  Scenario: Wait\n    Then it waits\n",
    )
    .file(
        "evidence/slow.sh",
        "#!/bin/sh\necho $$ > evidence-started.part && mv evidence-started.part evidence-started\nexec sleep 300\n",
    );
    std::fs::set_permissions(
        p.path().join("evidence/slow.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let seen = client(&p, "cancel");
    assert_eq!(seen["evidence_gone"], true, "{seen}");
    assert_eq!(seen["listed_after"], 1, "{seen}");
}

/// The statuses of a `check` document, as the tool answered it to the agent.
fn statuses(answer: &str) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(answer)
        .unwrap_or_else(|e| panic!("the check tool's answer is its JSON document ({e}): {answer}"));
    verdicts(&doc)
}

#[test]
fn the_real_claude_runs_its_own_loop_on_specctl_s_tools() {
    // Claude Code 2.1.197, given specctl as an MCP server, against the scripted model: it
    // calls check, reads and fixes the code, calls check again, and ends when all holds.
    let p = greeting();
    let root = p.path().display().to_string();
    let server = support::model_server::ModelServer::start(json!([
        {"tool": {"name": "mcp__specctl__check", "input": {}}},
        {"read": format!("{root}/src/greeting")},
        {"write": {"path": format!("{root}/src/greeting"), "content": "hello\n"}},
        {"tool": {"name": "mcp__specctl__check", "input": {}}},
        {"text": "Everything holds."},
    ]));
    let config = json!({"mcpServers": {"specctl": {
        "command": env!("CARGO_BIN_EXE_specctl"),
        "args": ["-C", root, "mcp"],
    }}});
    let home = tempfile::tempdir().unwrap();
    let config_file = home.path().join("mcp.json");
    std::fs::write(&config_file, config.to_string()).unwrap();
    let out = Command::new(tools::agent_clis().join("claude"))
        .args([
            "-p",
            "Make every item of this project hold. Use specctl's check tool to see what fails.",
            "--output-format",
            "json",
            "--model",
            "haiku",
            "--permission-mode",
            "acceptEdits",
            "--allowedTools",
            "mcp__specctl",
            "--mcp-config",
        ])
        .arg(&config_file)
        .current_dir(p.path())
        .env("HOME", home.path())
        .env("ANTHROPIC_BASE_URL", server.url())
        .env("ANTHROPIC_API_KEY", "sk-test")
        .env("CLAUDE_CODE_MAX_RETRIES", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .output()
        .unwrap();
    let result: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "claude printed no JSON result ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(result["result"], "Everything holds.", "{result}");
    assert_eq!(result["num_turns"], 5, "{result}");
    assert_eq!(
        std::fs::read_to_string(p.path().join("src/greeting")).unwrap(),
        "hello\n"
    );
    // What specctl's tool told the agent, before and after the fix, as the model received it.
    let requests = server.requests();
    let results = |step: u64| -> Vec<String> {
        let r = requests.iter().find(|r| r["step"] == step).unwrap();
        serde_json::from_value(r["results"].clone()).unwrap()
    };
    let hello = "specs/greet.feature::Say hello".to_string();
    let bye = "specs/greet.feature::Say bye".to_string();
    assert_eq!(
        statuses(&results(2)[0]),
        [(hello.clone(), "fail".into()), (bye.clone(), "pass".into())]
    );
    assert_eq!(
        statuses(&results(5)[3]),
        [(hello.clone(), "pass".into()), (bye.clone(), "pass".into())]
    );
    // The tool's check went through the project's store, as `specctl check` does.
    let status = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(["-C", &root, "status", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        verdicts(&doc),
        [(hello, "pass".into()), (bye, "pass".into())]
    );
}
