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
    /// The agent says its turn failed (claude `is_error`, codex `turn.failed`, aider's
    /// exhausted retries or empty reply).
    pub is_error: bool,
    /// The agent says its model's API failed, in its own words: the failure is the agent's,
    /// not the code's.
    pub api_error: Option<String>,
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
/// Claude Code 2.1 says an API failure as `is_error` on a `success` subtype, its words in
/// `result` ("API Error: 500 …", "Request timed out"); its own limits are error subtypes.
fn claude(output: &str) -> SelfReport {
    let Some(v) = last_object(output) else {
        return SelfReport {
            is_error: true,
            summary: last_lines(output, 5),
            unreadable: Some("claude printed no JSON result object".into()),
            ..SelfReport::default()
        };
    };
    let subtype = v["subtype"].as_str().unwrap_or("success");
    let is_error = v["is_error"].as_bool().unwrap_or(false) || subtype != "success";
    let result = v["result"]
        .as_str()
        .map(|r| last_lines(r, 5))
        .unwrap_or_default();
    let summary = match subtype {
        "success" => result,
        _ if result.is_empty() => format!("claude stopped: {subtype}"),
        _ => format!("claude stopped: {subtype}\n{result}"),
    };
    let api_error = (is_error && subtype == "success").then(|| {
        let first = summary.lines().next().unwrap_or_default();
        match v["api_error_status"].as_u64() {
            Some(status) if !first.contains(&status.to_string()) => {
                format!("{first} (HTTP {status})")
            }
            _ if first.is_empty() => "claude reported an error and no message".to_string(),
            _ => first.to_string(),
        }
    });
    let u = &v["usage"];
    let tokens = [
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    ]
    .iter()
    .map(|k| u[*k].as_u64().unwrap_or(0))
    .fold(0u64, u64::saturating_add);
    SelfReport {
        is_error,
        api_error,
        cost_usd: v["total_cost_usd"].as_f64(),
        num_turns: v["num_turns"].as_u64(),
        session_id: v["session_id"].as_str().map(String::from),
        tokens: (tokens > 0).then_some(tokens),
        summary,
        unreadable: None,
    }
}

/// The last line of `output` that is a JSON object, or the whole output as one.
fn last_object(output: &str) -> Option<Value> {
    output
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
        .find(|v| v.is_object())
        .or_else(|| {
            serde_json::from_str::<Value>(output.trim())
                .ok()
                .filter(Value::is_object)
        })
}

/// `codex exec --json`: one event per line; usage on `turn.completed`, failures on
/// `turn.failed`. Codex 0.171 also sends an `error` event for every retry ("Reconnecting...
/// 1/5 …") and for the error a failed turn ends with, so an `error` fails the turn only when
/// no `turn.completed` follows it. Codex reports tokens, not dollars.
fn codex(output: &str) -> SelfReport {
    let mut report = SelfReport::default();
    let (mut events, mut tokens) = (0, 0u64);
    let mut last_error: Option<String> = None;
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
                tokens = [u["input_tokens"].as_u64(), u["output_tokens"].as_u64()]
                    .into_iter()
                    .flatten()
                    .fold(tokens, u64::saturating_add);
                last_error = None;
            }
            "turn.failed" => {
                let message = v["error"]["message"].as_str().unwrap_or("no message");
                report.is_error = true;
                report.api_error = Some(message.to_string());
                report.summary = format!("codex turn failed: {message}");
            }
            "error" => last_error = v["message"].as_str().map(String::from),
            "item.completed" if v["item"]["type"] == "agent_message" && !report.is_error => {
                report.summary = last_lines(v["item"]["text"].as_str().unwrap_or_default(), 5);
            }
            _ => {}
        }
    }
    if let Some(message) = last_error.filter(|_| !report.is_error) {
        // An error with neither a completed nor a failed turn after it: codex gave up there.
        report.is_error = true;
        report.summary = format!("codex error: {message}");
        report.api_error = Some(message);
    }
    if events == 0 {
        report.is_error = true;
        report.unreadable = Some("codex printed no JSON events".into());
        report.summary = last_lines(output, 5);
    }
    report.tokens = (tokens > 0).then_some(tokens);
    report
}

/// aider prints `Tokens: 4.4k sent, 226 received. Cost: $0.02 message, $0.05 session.` per
/// reply. Aider 0.86 exits 0 when its model failed: after its last retry (a `litellm.…Error`
/// with no reply after it) and after `Empty response received from LLM.`; its cost line then
/// prices the tokens it sent for a reply that never came, so it is not counted.
fn aider(output: &str) -> SelfReport {
    let api_error = aider_api_error(output);
    let cost = output
        .lines()
        .filter_map(|l| l.split("Cost: $").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|n| n.trim_end_matches(',').parse::<f64>().ok())
        .sum::<f64>();
    let costed = output.contains("Cost: $") && api_error.is_none();
    let tokens = output
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Tokens: "))
        .map(|rest| {
            rest.split(", ")
                .filter_map(|part| part.split_whitespace().next())
                .filter_map(aider_count)
                .fold(0u64, u64::saturating_add)
        })
        .fold(0u64, u64::saturating_add);
    SelfReport {
        is_error: api_error.is_some(),
        api_error,
        cost_usd: costed.then_some(cost),
        tokens: (tokens > 0).then_some(tokens),
        summary: last_lines(output, 5),
        ..SelfReport::default()
    }
}

/// Aider's model failure, if its output ends in one: an empty reply, or a litellm error
/// after which no reply was applied or priced.
fn aider_api_error(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().map(str::trim).collect();
    let replied = |from: usize| {
        lines[from..].iter().any(|l| {
            l.starts_with("Applied edit to")
                || (l.starts_with("Tokens: ") && !l.contains(" 0 received"))
        })
    };
    let empty = lines
        .iter()
        .rposition(|l| l.starts_with("Empty response received from LLM"));
    if let Some(i) = empty.filter(|i| !replied(i + 1)) {
        return Some(lines[i].to_string());
    }
    let i = lines
        .iter()
        .rposition(|l| l.starts_with("litellm.") && l.contains("Error"))?;
    let retried = lines[i + 1..].iter().any(|l| l.starts_with("Retrying in"));
    (!retried && !replied(i + 1)).then(|| lines[i].chars().take(300).collect())
}

/// `4.4k` is 4400, `226` is 226, `1.2M` is 1200000.
fn aider_count(word: &str) -> Option<u64> {
    let (number, scale) = match word.chars().last()? {
        'k' => (&word[..word.len() - 1], 1e3),
        'M' => (&word[..word.len() - 1], 1e6),
        _ => (word, 1.0),
    };
    number
        .parse::<f64>()
        .ok()
        .map(|n| (n * scale).round() as u64)
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
                api_error: None,
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
                api_error: None,
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

    /// Output of Claude Code 2.1.197 against the tests' model server.
    #[test]
    fn claude_as_it_really_reports_success_api_errors_and_its_own_limits() {
        let ok = r#"{"type":"result","subtype":"success","is_error":false,"api_error_status":null,"duration_ms":303,"duration_api_ms":105,"num_turns":3,"result":"Done.","stop_reason":"end_turn","session_id":"c6e06b98-6ddd-416f-bf30-2595bf40746e","total_cost_usd":0.00081,"usage":{"input_tokens":360,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":90,"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard"},"permission_denials":[],"terminal_reason":"completed"}"#;
        assert_eq!(
            read(AgentKind::Claude, ok),
            SelfReport {
                is_error: false,
                api_error: None,
                cost_usd: Some(0.00081),
                num_turns: Some(3),
                session_id: Some("c6e06b98-6ddd-416f-bf30-2595bf40746e".into()),
                tokens: Some(450),
                summary: "Done.".into(),
                unreadable: None
            }
        );
        let rate = r#"{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"duration_ms":851,"duration_api_ms":0,"num_turns":1,"result":"API Error: Request rejected (429) · Rate limited","stop_reason":"stop_sequence","session_id":"0b97bfa7","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0}}"#;
        let r = read(AgentKind::Claude, rate);
        assert_eq!(
            (r.is_error, r.api_error.as_deref(), r.cost_usd, r.tokens),
            (
                true,
                Some("API Error: Request rejected (429) · Rate limited"),
                Some(0.0),
                None
            )
        );
        let hang = r#"{"type":"result","subtype":"success","is_error":true,"api_error_status":null,"duration_ms":6700,"num_turns":1,"result":"Request timed out","session_id":"f057","total_cost_usd":0}"#;
        assert_eq!(
            read(AgentKind::Claude, hang).api_error.as_deref(),
            Some("Request timed out")
        );
        let max = r#"{"type":"result","subtype":"error_max_turns","duration_ms":191,"duration_api_ms":48,"is_error":true,"num_turns":2,"stop_reason":"tool_use","session_id":"4a284218","total_cost_usd":0.00027,"usage":{"input_tokens":120,"output_tokens":30}}"#;
        let r = read(AgentKind::Claude, max);
        assert_eq!(
            (
                r.is_error,
                r.api_error,
                r.summary.as_str(),
                r.num_turns,
                r.tokens
            ),
            (
                true,
                None,
                "claude stopped: error_max_turns",
                Some(2),
                Some(150)
            )
        );
    }

    /// Output of Codex CLI 0.171.0 against the tests' model server.
    #[test]
    fn codex_retries_are_not_failures_when_the_turn_completes() {
        let retried = concat!(
            "{\"type\":\"thread.started\",\"thread_id\":\"01a23676-ee10-7560-ac31-a8bfb3dc630d\"}\n",
            "{\"type\":\"turn.started\"}\n",
            "{\"type\":\"error\",\"message\":\"Reconnecting... 1/1 (We’re currently experiencing high demand, which may cause temporary errors.)\"}\n",
            "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"Done.\"}}\n",
            "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":120,\"cached_input_tokens\":0,\"cache_write_input_tokens\":0,\"output_tokens\":30,\"reasoning_output_tokens\":0}}\n",
        );
        let r = read(AgentKind::Codex, retried);
        assert_eq!(
            r,
            SelfReport {
                is_error: false,
                api_error: None,
                cost_usd: None,
                num_turns: Some(1),
                session_id: Some("01a23676-ee10-7560-ac31-a8bfb3dc630d".into()),
                tokens: Some(150),
                summary: "Done.".into(),
                unreadable: None
            }
        );
        let exhausted = concat!(
            "{\"type\":\"thread.started\",\"thread_id\":\"01a23676-f5ee\"}\n",
            "{\"type\":\"turn.started\"}\n",
            "{\"type\":\"error\",\"message\":\"Reconnecting... 1/1 (exceeded retry limit, last status: 429 Too Many Requests)\"}\n",
            "{\"type\":\"error\",\"message\":\"exceeded retry limit, last status: 429 Too Many Requests\"}\n",
            "{\"type\":\"turn.failed\",\"error\":{\"message\":\"exceeded retry limit, last status: 429 Too Many Requests\"}}\n",
        );
        let r = read(AgentKind::Codex, exhausted);
        assert_eq!(
            (r.is_error, r.api_error.as_deref(), r.summary.as_str()),
            (
                true,
                Some("exceeded retry limit, last status: 429 Too Many Requests"),
                "codex turn failed: exceeded retry limit, last status: 429 Too Many Requests"
            )
        );
        // Killed while it waited for the network: the error is where it stood.
        let hung = "{\"type\":\"turn.started\"}\n{\"type\":\"error\",\"message\":\"Reconnecting... waiting for network (Connection failed: error sending request)\"}\n";
        let r = read(AgentKind::Codex, hung);
        assert_eq!(
            r.api_error.as_deref(),
            Some("Reconnecting... waiting for network (Connection failed: error sending request)")
        );
    }

    /// Output of aider 0.86.2 against the tests' model server.
    #[test]
    fn aider_exhausted_retries_and_empty_replies_are_api_failures_without_cost() {
        let ok = "Model: openai/gpt-4o-mini with whole edit format\nsrc/greeting\n@@ -1 +1 @@\n-hi\n+hello\nTokens: 822 sent, 10 received. Cost: $0.00013 message, $0.00013 session.\nApplied edit to src/greeting\n";
        let r = read(AgentKind::Aider, ok);
        assert_eq!(
            (r.is_error, r.api_error, r.cost_usd, r.tokens),
            (false, None, Some(0.00013), Some(832))
        );
        let exhausted = "src/greeting\nlitellm.InternalServerError: InternalServerError: OpenAIException - Internal \nserver error\nThe API provider's servers are down or overloaded.\nRetrying in 0.2 seconds...\nlitellm.InternalServerError: InternalServerError: OpenAIException - Internal \nserver error\nThe API provider's servers are down or overloaded.\n";
        let r = read(AgentKind::Aider, exhausted);
        assert_eq!(
            (r.is_error, r.api_error.as_deref(), r.cost_usd),
            (
                true,
                Some(
                    "litellm.InternalServerError: InternalServerError: OpenAIException - Internal"
                ),
                None
            )
        );
        let recovered = "litellm.InternalServerError: InternalServerError: OpenAIException - Internal \nRetrying in 0.2 seconds...\nDone.\nTokens: 822 sent, 2 received. Cost: $0.00012 message, $0.00012 session.\n";
        assert_eq!(read(AgentKind::Aider, recovered).api_error, None);
        let empty = "src/greeting\nEmpty response received from LLM. Check your provider account?\nTokens: 822 sent, 0 received. Cost: $0.00012 message, $0.00012 session.\n";
        let r = read(AgentKind::Aider, empty);
        assert_eq!(
            (r.api_error.as_deref(), r.cost_usd, r.tokens),
            (
                Some("Empty response received from LLM. Check your provider account?"),
                None,
                Some(822)
            )
        );
        assert_eq!(aider_count("4.4k"), Some(4400));
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
