//! Agents: a tier's command run with the prompt (on stdin or in `{prompt_file}`), in its own
//! process group with a timeout, and its output read per kind. What an agent says of itself
//! is recorded, never trusted: the evidence decides.

use crate::config::{AgentKind, AgentTier};
use crate::process::{self, Job, ProcessEnd, shell_quote};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use tokio::sync::watch;

/// What an agent said about its own turn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelfReport {
    /// The agent says its turn failed (claude `is_error` or an error subtype, codex
    /// `turn.failed`/`error`).
    pub is_error: bool,
    pub cost_usd: Option<f64>,
    pub num_turns: Option<u64>,
    pub session_id: Option<String>,
    pub tokens: Option<u64>,
    /// Its last words, short.
    pub summary: String,
    /// Output that did not have the shape its kind promises.
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TurnRun {
    pub end: ProcessEnd,
    pub report: SelfReport,
    pub duration: Duration,
    pub output: String,
}

/// Runs a tier's command on a turn's prompt: what the driver asks of the agents.
pub(crate) trait Agents {
    async fn run(
        &mut self,
        tier: &AgentTier,
        prompt: &str,
        env: Vec<(String, String)>,
    ) -> std::io::Result<TurnRun>;
}

/// The agents of specctl.yaml: commands run from the project root.
pub struct Commands<'a> {
    pub root: &'a Path,
    pub interrupt: watch::Receiver<bool>,
    pub registry: &'a crate::process::Registry,
}

impl Agents for Commands<'_> {
    async fn run(
        &mut self,
        tier: &AgentTier,
        prompt: &str,
        env: Vec<(String, String)>,
    ) -> std::io::Result<TurnRun> {
        let at = At {
            root: self.root,
            registry: Some(self.registry),
        };
        run(at, tier, prompt, env, self.interrupt.clone()).await
    }
}

/// What every agent run is told in its environment: its turn, its phase (red, green, review,
/// adversary) and its items (in a file under `scratch` when they are many).
pub fn env(turn: u32, phase: &str, ids: &[&str], scratch: &Path) -> Vec<(String, String)> {
    [
        ("SPECCTL_TURN".to_string(), turn.to_string()),
        ("SPECCTL_PHASE".to_string(), phase.to_string()),
    ]
    .into_iter()
    .chain(process::items_env(ids, scratch))
    .collect()
}

/// Where an agent runs: the project root, and where its group is recorded.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub root: &'a Path,
    pub registry: Option<&'a crate::process::Registry>,
}

/// Runs `tier` on `prompt` in the project `at` names.
pub async fn run(
    at: At<'_>,
    tier: &AgentTier,
    prompt: &str,
    env: Vec<(String, String)>,
    interrupt: watch::Receiver<bool>,
) -> std::io::Result<TurnRun> {
    let scratch = crate::process::scratch::tempdir("specctl-prompt-")?;
    let prompt_file = scratch.path().join("prompt.md");
    std::fs::write(&prompt_file, prompt)?;
    let uses_file = tier.run.contains("{prompt_file}");
    let command = tier.run.replace(
        "{prompt_file}",
        &shell_quote(&prompt_file.to_string_lossy()),
    );
    let job = Job {
        command: &command,
        cwd: at.root,
        env,
        timeout: tier.timeout,
        stdin: (!uses_file).then_some(prompt),
        registry: at.registry,
    };
    let finished = process::run(job, interrupt).await;
    let output = finished.output.text();
    Ok(TurnRun {
        report: read(tier.kind, &output),
        end: finished.end,
        duration: finished.duration,
        output,
    })
}

/// Reads an agent's output by its kind.
pub fn read(kind: AgentKind, output: &str) -> SelfReport {
    match kind {
        AgentKind::Claude => claude(output),
        AgentKind::Codex => codex(output),
        AgentKind::Aider => aider(output),
        AgentKind::Command => SelfReport {
            summary: last_lines(output, 5),
            ..SelfReport::default()
        },
    }
}

/// `claude -p --output-format json`: one result object, the last JSON line of the output.
fn claude(output: &str) -> SelfReport {
    let result = output
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
        .find(|v| v.is_object())
        .or_else(|| {
            serde_json::from_str::<Value>(output.trim())
                .ok()
                .filter(Value::is_object)
        });
    let Some(v) = result else {
        return SelfReport {
            is_error: true,
            summary: last_lines(output, 5),
            unreadable: Some("claude printed no JSON result object".into()),
            ..SelfReport::default()
        };
    };
    let subtype = v["subtype"].as_str().unwrap_or("success");
    let mut summary = v["result"]
        .as_str()
        .map(|r| last_lines(r, 5))
        .unwrap_or_default();
    if subtype != "success" {
        summary = format!(
            "claude stopped: {subtype}{}",
            if summary.is_empty() {
                String::new()
            } else {
                format!("\n{summary}")
            }
        );
    }
    SelfReport {
        is_error: v["is_error"].as_bool().unwrap_or(false) || subtype != "success",
        cost_usd: v["total_cost_usd"].as_f64(),
        num_turns: v["num_turns"].as_u64(),
        session_id: v["session_id"].as_str().map(String::from),
        tokens: None,
        summary,
        unreadable: None,
    }
}

/// `codex exec --json`: one event per line; usage on `turn.completed`, failures on
/// `turn.failed` and `error`. Codex reports tokens, not dollars.
fn codex(output: &str) -> SelfReport {
    let mut report = SelfReport::default();
    let mut events = 0;
    let mut tokens = 0u64;
    for line in output.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line.trim()) else {
            continue;
        };
        events += 1;
        match v["type"].as_str().unwrap_or_default() {
            "thread.started" => report.session_id = v["thread_id"].as_str().map(String::from),
            "turn.completed" => {
                report.num_turns = Some(report.num_turns.unwrap_or(0) + 1);
                let u = &v["usage"];
                tokens += u["input_tokens"].as_u64().unwrap_or(0)
                    + u["output_tokens"].as_u64().unwrap_or(0);
            }
            "turn.failed" => {
                report.is_error = true;
                report.summary = format!(
                    "codex turn failed: {}",
                    v["error"]["message"].as_str().unwrap_or("no message")
                );
            }
            "error" => {
                report.is_error = true;
                report.summary = format!(
                    "codex error: {}",
                    v["message"].as_str().unwrap_or("no message")
                );
            }
            "item.completed" if v["item"]["type"] == "agent_message" && !report.is_error => {
                report.summary = last_lines(v["item"]["text"].as_str().unwrap_or_default(), 5);
            }
            _ => {}
        }
    }
    if events == 0 {
        report.is_error = true;
        report.unreadable = Some("codex printed no JSON events".into());
        report.summary = last_lines(output, 5);
    }
    report.tokens = (tokens > 0).then_some(tokens);
    report
}

/// aider prints `Tokens: 4.4k sent, 226 received. Cost: $0.02 message, $0.05 session.`
fn aider(output: &str) -> SelfReport {
    let cost = output
        .lines()
        .filter_map(|l| l.split("Cost: $").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|n| n.trim_end_matches(',').parse::<f64>().ok())
        .sum::<f64>();
    let costed = output.contains("Cost: $");
    SelfReport {
        cost_usd: costed.then_some(cost),
        summary: last_lines(output, 5),
        ..SelfReport::default()
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..]
        .join("\n")
        .chars()
        .take(1000)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_success_error_max_turns_and_no_cost() {
        let ok = r#"{"type":"result","subtype":"success","is_error":false,"duration_ms":2345,"num_turns":4,"result":"Fixed the total.","session_id":"s-1","total_cost_usd":0.0345}"#;
        let r = read(AgentKind::Claude, ok);
        assert_eq!(
            r,
            SelfReport {
                is_error: false,
                cost_usd: Some(0.0345),
                num_turns: Some(4),
                session_id: Some("s-1".into()),
                tokens: None,
                summary: "Fixed the total.".into(),
                unreadable: None
            }
        );
        let err = r#"{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":1,"session_id":"s-2","total_cost_usd":0.001}"#;
        let r = read(AgentKind::Claude, err);
        assert!(r.is_error);
        assert_eq!(r.summary, "claude stopped: error_during_execution");
        let max = r#"{"type":"result","subtype":"error_max_turns","is_error":false,"num_turns":10,"session_id":"s-3","total_cost_usd":0.5}"#;
        let r = read(AgentKind::Claude, &format!("some log line\n{max}\n"));
        assert!(r.is_error);
        assert_eq!((r.num_turns, r.cost_usd), (Some(10), Some(0.5)));
        let no_cost = r#"{"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"ok","session_id":"s-4"}"#;
        assert_eq!(read(AgentKind::Claude, no_cost).cost_usd, None);
        let broken = read(AgentKind::Claude, "{\"type\": \"result\", oops");
        assert!(broken.is_error);
        assert_eq!(
            broken.unreadable.as_deref(),
            Some("claude printed no JSON result object")
        );
    }

    #[test]
    fn codex_events() {
        let ok = concat!(
            "{\"type\":\"thread.started\",\"thread_id\":\"t-1\"}\n",
            "{\"type\":\"turn.started\"}\n",
            "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"thinking\"}}\n",
            "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"Made the cart total hold.\"}}\n",
            "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":24763,\"cached_input_tokens\":24448,\"output_tokens\":122}}\n",
        );
        let r = read(AgentKind::Codex, ok);
        assert_eq!(
            r,
            SelfReport {
                is_error: false,
                cost_usd: None,
                num_turns: Some(1),
                session_id: Some("t-1".into()),
                tokens: Some(24885),
                summary: "Made the cart total hold.".into(),
                unreadable: None
            }
        );
        let failed = "{\"type\":\"thread.started\",\"thread_id\":\"t-2\"}\n{\"type\":\"turn.failed\",\"error\":{\"message\":\"stream disconnected\"}}\n";
        let r = read(AgentKind::Codex, failed);
        assert!(r.is_error);
        assert_eq!(r.summary, "codex turn failed: stream disconnected");
        let r = read(AgentKind::Codex, "not json at all\n");
        assert!(r.is_error);
        assert_eq!(
            r.unreadable.as_deref(),
            Some("codex printed no JSON events")
        );
    }

    #[test]
    fn aider_cost_lines() {
        let out = "Applied edit to src/shop.py\nTokens: 4.4k sent, 226 received. Cost: $0.02 message, $0.05 session.\n";
        let r = read(AgentKind::Aider, out);
        assert_eq!(r.cost_usd, Some(0.02));
        assert!(!r.is_error);
        assert_eq!(read(AgentKind::Aider, "no cost here").cost_usd, None);
    }

    #[test]
    fn a_command_agent_is_plain_text() {
        let r = read(AgentKind::Command, "a\nb\n\nc\n");
        assert_eq!(
            r,
            SelfReport {
                summary: "a\nb\nc".into(),
                ..SelfReport::default()
            }
        );
    }
}
