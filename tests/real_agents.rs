//! The real agent CLIs (Claude Code 2.1.197 and Codex CLI 0.171.0 from npm, aider 0.86.2 from
//! PyPI, pinned in tests/fixtures/runners) driven by `specctl reconcile` with the README's own
//! agent lines, against a scripted model server on 127.0.0.1 (tests/fixtures/agents).

mod support;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::greeting::{Greeting, greeting};
use support::model_server::ModelServer;
use support::tools::{self, Python};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cli {
    Claude,
    Codex,
    Aider,
}

impl Cli {
    fn kind(self) -> &'static str {
        match self {
            Cli::Claude => "claude",
            Cli::Codex => "codex",
            Cli::Aider => "aider",
        }
    }

    /// Where its executable is, installed from its registry on first use.
    fn bin(self) -> PathBuf {
        match self {
            Cli::Claude | Cli::Codex => tools::agent_clis(),
            Cli::Aider => tools::python(Python::Aider),
        }
    }
}

/// A tier of the README's `agents:` example, exactly as printed there.
#[derive(serde::Deserialize, Debug)]
struct Tier {
    name: String,
    kind: String,
    run: String,
}

#[derive(serde::Deserialize)]
struct Example {
    agents: Vec<Tier>,
}

/// The README's tier of kind `cli`: the suite runs the very line a user copies.
fn readme_tier(cli: Cli) -> Tier {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("```yaml\nagents:\n")
        .expect("the README shows an `agents:` example in a yaml block")
        + "```yaml\n".len();
    let len = readme[start..].find("```").expect("the yaml block ends");
    let example: Example = serde_saphyr::from_str(&readme[start..start + len])
        .expect("the README's agents example is valid YAML");
    example
        .agents
        .into_iter()
        .find(|t| t.kind == cli.kind())
        .unwrap_or_else(|| panic!("the README shows no `kind: {}` tier", cli.kind()))
}

/// How long the CLI waits on its model before it gives up by itself.
#[derive(Clone, Copy, PartialEq)]
enum Patience {
    /// Its own retries and timeouts turned down, as a user in a hurry would: the outage cases
    /// end in seconds.
    Short,
    /// Longer than the tier's `timeout:`, so what ends a hung model is specctl.
    Long,
}

/// What a user of `cli` sets so that it talks to `server`, with a home of its own.
fn environment(
    cli: Cli,
    bin: &Path,
    server: &ModelServer,
    home: &Path,
    patience: Patience,
) -> Vec<(String, String)> {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut env = vec![
        ("HOME".to_string(), home.display().to_string()),
        ("PATH".to_string(), path),
        ("NO_COLOR".to_string(), "1".to_string()),
    ];
    let mut set = |k: &str, v: String| env.push((k.to_string(), v));
    let short = patience == Patience::Short;
    match cli {
        Cli::Claude => {
            set("ANTHROPIC_BASE_URL", server.url());
            set("ANTHROPIC_API_KEY", "sk-test".into());
            set("CLAUDE_CODE_MAX_RETRIES", "1".into());
            set(
                "API_TIMEOUT_MS",
                if short { "3000" } else { "120000" }.into(),
            );
            set("DISABLE_AUTOUPDATER", "1".into());
            set("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1".into());
        }
        Cli::Codex => {
            let codex_home = home.join("codex");
            std::fs::create_dir_all(&codex_home).unwrap();
            let idle = if short { 3000 } else { 120_000 };
            std::fs::write(
                codex_home.join("config.toml"),
                format!(
                    "model = \"gpt-5-codex\"\nmodel_provider = \"local\"\n\n[model_providers.local]\nname = \"local\"\nbase_url = \"{}/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\nrequest_max_retries = 1\nstream_max_retries = 1\nstream_idle_timeout_ms = {idle}\n",
                    server.url()
                ),
            )
            .unwrap();
            set("CODEX_HOME", codex_home.display().to_string());
            set("OPENAI_API_KEY", "sk-test".into());
        }
        Cli::Aider => {
            set("OPENAI_API_BASE", format!("{}/v1", server.url()));
            set("OPENAI_API_KEY", "sk-test".into());
            set("AIDER_MODEL", "openai/gpt-4o-mini".into());
            set("AIDER_CHECK_UPDATE", "false".into());
            set("AIDER_ANALYTICS", "false".into());
            set("AIDER_SHOW_MODEL_WARNINGS", "false".into());
            set("AIDER_TIMEOUT", if short { "3" } else { "120" }.into());
            // Its retry window, 60 s, down to one retry (tests/fixtures/agents/aider).
            set(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/agents/aider").into(),
            );
        }
    }
    env
}

/// One reconcile of the greeting project by the README's `cli` tier (plus `extra` arguments)
/// against a model server scripted with `steps`.
struct Ran {
    g: Greeting,
    server: ModelServer,
    code: i32,
    /// Its stdout, durations, ports and session ids filtered.
    stdout: String,
    /// `specctl log` after it, filtered the same way.
    log: String,
}

fn reconcile(cli: Cli, steps: Value, extra: &str, timeout: &str, patience: Patience) -> Ran {
    let tier = readme_tier(cli);
    let agents = format!(
        "  - name: {}\n    kind: {}\n    run: {}{extra}\n    timeout: {timeout}\n",
        tier.name, tier.kind, tier.run
    );
    let g = greeting(&agents, "  max_turns: 3\n  stall_turns: 2\n", true);
    let path = g.path().display().to_string();
    let steps: Value = serde_json::from_str(&steps.to_string().replace("@P", &path)).unwrap();
    // Installed (minutes on a fresh machine) before the server starts its idle clock.
    let bin = cli.bin();
    let server = ModelServer::start(steps);
    let home = tempfile::tempdir().unwrap();
    let env = environment(cli, &bin, &server, home.path(), patience);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_specctl"))
            .args(args)
            .current_dir(g.path())
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap()
    };
    let out = run(&["reconcile"]);
    let log = run(&["log"]);
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: filtered(&String::from_utf8_lossy(&out.stdout)),
        log: filtered(&String::from_utf8_lossy(&log.stdout)),
        g,
        server,
    }
}

/// `text` without what changes from run to run: durations, ports, session ids.
fn filtered(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        let kept: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let before = if i > 0 { words[i - 1] } else { "" };
                filter_word(before, w)
            })
            .collect();
        out.push_str(&kept.join(" "));
        out.push('\n');
    }
    out
}

fn filter_word(before: &str, word: &str) -> String {
    let bare = word.trim_end_matches([',', ')', '.']);
    let tail = &word[bare.len()..];
    if before == "session"
        && bare.len() >= 8
        && bare.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    {
        return format!("<id>{tail}");
    }
    if before == "in"
        && bare
            .strip_suffix('s')
            .is_some_and(|n| n.parse::<f64>().is_ok())
    {
        return format!("<t>s{tail}");
    }
    if let Some(at) = word.find("127.0.0.1:") {
        let port_start = at + "127.0.0.1:".len();
        let digits = word[port_start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        return format!(
            "{}PORT{}",
            &word[..port_start],
            &word[port_start + digits..]
        );
    }
    word.to_string()
}

/// The steps of one fix of src/greeting to "hello", as each CLI makes it: Claude Code reads a
/// file before it writes it; codex writes with its shell tool; aider, asked to edit a file not
/// in its chat, first adds it and asks again.
fn fix(cli: Cli) -> Vec<Value> {
    edit(cli, "src/greeting", "hello\n")
}

fn edit(cli: Cli, path: &str, content: &str) -> Vec<Value> {
    let write =
        json!({"write": {"path": format!("@P/{path}"), "relative": path, "content": content}});
    match cli {
        Cli::Claude => vec![json!({"read": format!("@P/{path}")}), write],
        Cli::Codex => vec![write],
        Cli::Aider => vec![write.clone(), write],
    }
}

fn steps(parts: Vec<Vec<Value>>) -> Value {
    Value::Array(parts.into_iter().flatten().collect())
}

fn repeated(step: Value, n: usize) -> Vec<Value> {
    vec![step; n]
}

const TURN: &str = "turn 1 [TIER, green] 1 item: specs/greet.feature::Say hello";

/// The reconcile output of a run that converged in one turn.
/// The reconcile output of a run that converged in one turn, its agent reporting `cost`.
fn converged_stdout(cli: Cli, cost: Option<&str>) -> String {
    format!(
        "observed: 1 passed, 1 failed\n{}\n  agent exited with 0 in <t>s{}\n  observed: 2 passed, 0 failed; resolved specs/greet.feature::Say hello\nconverged after 1 turn (${} reported)\n",
        TURN.replace("TIER", &readme_tier(cli).name),
        cost.map(|c| format!(", ${c}")).unwrap_or_default(),
        cost.unwrap_or("0.0000")
    )
}

// A fix that converges -----------------------------------------------------------------------

fn a_fix_converges(cli: Cli, cost: Option<&str>, log_line: &str) {
    let ran = reconcile(cli, steps(vec![fix(cli)]), "", "2m", Patience::Short);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.log);
    assert_eq!(ran.g.read("src/greeting"), "hello\n");
    assert_eq!(ran.stdout, converged_stdout(cli, cost));
    let tier = readme_tier(cli).name;
    assert_eq!(
        ran.log,
        format!(
            "session 1 (converged: every selected item holds): 1 turn, ${} reported\n  turn 1  {tier}  green  done  exited with 0  {log_line}  specs/greet.feature::Say hello\n",
            cost.unwrap_or("0.0000")
        )
    );
    // Each step the script has for a fix was taken once: the prompt went in whole, as one
    // message (aider given it on stdin would take each of its lines as a message).
    // Claude Code and codex ask once more after their tool's result; aider ends on its edit.
    assert_eq!(
        ran.server.steps_taken(),
        fix(cli).len() + usize::from(cli != Cli::Aider),
        "{:#?}",
        ran.server.requests()
    );
}

#[test]
fn claude_converges() {
    a_fix_converges(
        Cli::Claude,
        Some("0.0008"),
        "cost $0.0008  agent turns 3  tokens 450  session <id>",
    );
}

#[test]
fn codex_converges() {
    a_fix_converges(
        Cli::Codex,
        None,
        "cost —  agent turns 1  tokens 300  session <id>",
    );
}

#[test]
fn aider_converges() {
    a_fix_converges(
        Cli::Aider,
        Some("0.0004"),
        "cost $0.0004  agent turns —  tokens 2220  session —",
    );
}

// A protected edit ---------------------------------------------------------------------------

/// The agent guts the spec, then fixes the code: the spec is put back, the fix stands.
fn a_protected_edit_is_undone(cli: Cli) -> Ran {
    let gutted = "Feature: Greeting\n";
    let ran = reconcile(
        cli,
        steps(vec![edit(cli, "specs/greet.feature", gutted), fix(cli)]),
        "",
        "2m",
        Patience::Short,
    );
    assert_eq!(
        ran.g.read("specs/greet.feature"),
        support::greeting::FEATURE
    );
    assert_eq!(ran.g.read("src/greeting"), "hello\n");
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.log);
    assert!(
        ran.stdout.contains("  gate: undid edits to protected files: specs/greet.feature (the edited versions are kept: `git checkout refs/specctl/session-1/turn-1/after -- PATH`)\n"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.log.contains("      your edits to protected files were undone: specs/greet.feature. Those files state what must hold; change the code instead\n"),
        "{}",
        ran.log
    );
    ran
}

#[test]
fn claude_s_edit_of_a_spec_is_undone() {
    let ran = a_protected_edit_is_undone(Cli::Claude);
    assert_eq!(turn_count(&ran.stdout), 1, "{}", ran.stdout);
}

#[test]
fn codex_s_edit_of_a_spec_is_undone() {
    let ran = a_protected_edit_is_undone(Cli::Codex);
    assert_eq!(turn_count(&ran.stdout), 1, "{}", ran.stdout);
}

#[test]
fn aider_s_edit_of_a_spec_is_undone() {
    // aider ends its turn with the edit it was asked for: the spec in turn 1, the fix in 2.
    let ran = a_protected_edit_is_undone(Cli::Aider);
    assert_eq!(turn_count(&ran.stdout), 2, "{}", ran.stdout);
}

fn turn_count(stdout: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with("turn ")).count()
}

// An outage: HTTP 500, 529, 429, a hang, a garbage body ------------------------------------

/// Every request fails the same way: two turns, each an agent failure said plainly, then the
/// tier is skipped and the run stops; nothing counts as a stall of the code.
fn an_outage_skips_the_tier(
    cli: Cli,
    step: Value,
    timeout: &str,
    patience: Patience,
    why: &str,
) -> Ran {
    an_outage_with(cli, step, "", (timeout, patience), why)
}

/// As [`an_outage_skips_the_tier`], the tier's command line ending in `extra`.
fn an_outage_with(cli: Cli, step: Value, extra: &str, wait: (&str, Patience), why: &str) -> Ran {
    let ran = reconcile(cli, steps(vec![repeated(step, 40)]), extra, wait.0, wait.1);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.log);
    assert_eq!(ran.g.read("src/greeting"), "hi\n");
    let failed: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("  agent failed: "))
        .collect();
    let said = format!("  agent failed: {why} (not a stall of the code)");
    assert_eq!(failed, [said.as_str(), said.as_str()], "{}", ran.stdout);
    let tier = readme_tier(cli).name;
    assert!(
        ran.stdout.contains(&format!(
            "  skip: agent `{tier}` is skipped: its agent failed 2 turns in a row ({why}); no agent tier is left\nstopped after 2 turns"
        )),
        "{}",
        ran.stdout
    );
    let finding = format!(
        "      the agent failed, not the code: {}; this turn does not count as a stall, and 2 such turns in a row skip its tier\n",
        why.trim_end_matches('.')
    );
    assert_eq!(ran.log.matches(&finding).count(), 2, "{}", ran.log);
    ran
}

fn status(code: u16) -> Value {
    json!({ "status": code })
}

const CLAUDE_500: &str = "its model's API failed: API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:PORT).";

#[test]
fn claude_on_http_500() {
    let ran = an_outage_skips_the_tier(Cli::Claude, status(500), "2m", Patience::Short, CLAUDE_500);
    // Claude's own retry (CLAUDE_CODE_MAX_RETRIES=1), then the turn ends: two requests a turn.
    assert_eq!(ran.server.steps_taken(), 4);
    // What claude reports of a failed turn: no dollars spent, one turn, its session.
    assert!(ran.log.contains("  turn 1  fast  green  done  exited with 1  cost $0.0000  agent turns 1  tokens —  session <id>"), "{}", ran.log);
}

#[test]
fn claude_on_http_529() {
    an_outage_skips_the_tier(
        Cli::Claude,
        status(529),
        "2m",
        Patience::Short,
        "its model's API failed: API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:PORT).",
    );
}

#[test]
fn claude_on_http_429() {
    an_outage_skips_the_tier(
        Cli::Claude,
        status(429),
        "2m",
        Patience::Short,
        "its model's API failed: API Error: Request rejected (429) · Rate limited",
    );
}

#[test]
fn claude_on_a_hang() {
    let ran = an_outage_skips_the_tier(
        Cli::Claude,
        json!({"hang": true}),
        "5s",
        Patience::Long,
        "it ran past its timeout of 5s and was stopped",
    );
    assert!(
        ran.stdout
            .contains("  agent timed out and its process group was killed in <t>s\n"),
        "{}",
        ran.stdout
    );
}

#[test]
fn claude_on_a_garbage_body() {
    an_outage_skips_the_tier(
        Cli::Claude,
        json!({"garbage": true}),
        "2m",
        Patience::Short,
        "its model's API failed: API Error: Failed to parse JSON",
    );
}

#[test]
fn codex_on_http_500() {
    let ran = an_outage_skips_the_tier(
        Cli::Codex,
        status(500),
        "2m",
        Patience::Short,
        "its model's API failed: We’re currently experiencing high demand, which may cause temporary errors.",
    );
    // Codex reports no dollars, and nothing else of a turn that never completed.
    assert!(ran.log.contains("  turn 1  strong  green  done  exited with 1  cost —  agent turns —  tokens —  session <id>"), "{}", ran.log);
}

#[test]
fn codex_on_http_529() {
    an_outage_skips_the_tier(
        Cli::Codex,
        status(529),
        "2m",
        Patience::Short,
        "its model's API failed: unexpected status 529 <unknown status code>: Overloaded, url: http://127.0.0.1:PORT/v1/responses",
    );
}

#[test]
fn codex_on_http_429() {
    an_outage_skips_the_tier(
        Cli::Codex,
        status(429),
        "2m",
        Patience::Short,
        "its model's API failed: exceeded retry limit, last status: 429 Too Many Requests",
    );
}

#[test]
fn codex_on_a_hang() {
    an_outage_skips_the_tier(
        Cli::Codex,
        json!({"hang": true}),
        "5s",
        Patience::Long,
        "it ran past its timeout of 5s and was stopped",
    );
}

#[test]
fn codex_on_a_garbage_body() {
    an_outage_skips_the_tier(
        Cli::Codex,
        json!({"garbage": true}),
        "2m",
        Patience::Short,
        "its model's API failed: stream disconnected before completion: stream closed before response.completed",
    );
}

#[test]
fn aider_on_http_500() {
    let ran = an_outage_skips_the_tier(
        Cli::Aider,
        status(500),
        "2m",
        Patience::Short,
        "its model's API failed: litellm.InternalServerError: InternalServerError: OpenAIException - Internal",
    );
    // aider exits 0 after its last retry and prices the request it sent: not counted.
    assert!(
        ran.log
            .contains("  turn 1  local  green  done  exited with 0  cost —"),
        "{}",
        ran.log
    );
}

#[test]
fn aider_on_http_529() {
    an_outage_skips_the_tier(
        Cli::Aider,
        status(529),
        "2m",
        Patience::Short,
        "its model's API failed: litellm.APIError: APIError: OpenAIException - Overloaded",
    );
}

#[test]
fn aider_on_http_429() {
    an_outage_skips_the_tier(
        Cli::Aider,
        status(429),
        "2m",
        Patience::Short,
        "its model's API failed: litellm.RateLimitError: RateLimitError: OpenAIException - Rate limited",
    );
}

#[test]
fn aider_on_a_hang() {
    an_outage_skips_the_tier(
        Cli::Aider,
        json!({"hang": true}),
        "5s",
        Patience::Long,
        "it ran past its timeout of 5s and was stopped",
    );
}

#[test]
fn aider_on_a_garbage_body() {
    an_outage_skips_the_tier(
        Cli::Aider,
        json!({"garbage": true}),
        "2m",
        Patience::Short,
        "its model's API failed: Empty response received from LLM. Check your provider account?",
    );
}

// A few failures, then success ----------------------------------------------------------------

/// One failed request: the CLI's own retry gets the fix, and the turn is a clean one.
fn a_retry_recovers(cli: Cli) -> Ran {
    let ran = reconcile(
        cli,
        steps(vec![vec![status(500)], fix(cli)]),
        "",
        "2m",
        Patience::Short,
    );
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.log);
    assert_eq!(ran.g.read("src/greeting"), "hello\n");
    assert_eq!(turn_count(&ran.stdout), 1, "{}", ran.stdout);
    assert!(!ran.stdout.contains("agent failed"), "{}", ran.stdout);
    assert_eq!(ran.server.requests()[0]["kind"], "status");
    ran
}

#[test]
fn claude_retries_past_a_500() {
    a_retry_recovers(Cli::Claude);
}

#[test]
fn codex_retries_past_a_500() {
    a_retry_recovers(Cli::Codex);
}

#[test]
fn aider_retries_past_a_500() {
    a_retry_recovers(Cli::Aider);
}

#[test]
fn one_failed_turn_is_not_a_stall_and_the_next_turn_converges() {
    // Claude makes two requests a failing turn (its own retry): turn 1 fails, turn 2 fixes.
    let ran = reconcile(
        Cli::Claude,
        steps(vec![repeated(status(529), 2), fix(Cli::Claude)]),
        "",
        "2m",
        Patience::Short,
    );
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.log);
    assert_eq!(turn_count(&ran.stdout), 2, "{}", ran.stdout);
    assert!(ran.stdout.contains("turn 1 [fast, green] 1 item: specs/greet.feature::Say hello\n  agent exited with 1 in <t>s, $0.0000\n  agent failed: its model's API failed: API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:PORT). (not a stall of the code)\n"), "{}", ran.stdout);
    assert!(
        ran.stdout
            .ends_with("converged after 2 turns ($0.0008 reported)\n"),
        "{}",
        ran.stdout
    );
}

// The CLI's own limit ---------------------------------------------------------------------------

#[test]
fn claude_s_own_max_turns_is_the_code_s_turn_not_an_agent_failure() {
    // `--max-turns 1`: claude reads the file, then stops at its limit before it writes.
    let ran = reconcile(
        Cli::Claude,
        steps(vec![fix(Cli::Claude)]),
        " --max-turns 1",
        "2m",
        Patience::Short,
    );
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.log);
    assert!(!ran.stdout.contains("agent failed"), "{}", ran.stdout);
    // Two turns without progress are a stall: the tier is spent, not skipped.
    assert!(!ran.stdout.contains("skip:"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains(
            "stopped after 2 turns ($0.0005 reported): every agent tier was spent (2 turns)\n"
        ),
        "{}",
        ran.stdout
    );
    assert_eq!(
        ran.log
            .matches("      the agent exited with 1 (claude stopped: error_max_turns)\n")
            .count(),
        2,
        "{}",
        ran.log
    );
}

// The tiers as configured -----------------------------------------------------------------------

#[test]
fn plan_shows_each_tier_s_exact_command_line() {
    let tiers: Vec<Tier> = [Cli::Claude, Cli::Codex, Cli::Aider]
        .map(readme_tier)
        .into();
    let agents: String = tiers
        .iter()
        .map(|t| {
            format!(
                "  - name: {}\n    kind: {}\n    run: {}\n",
                t.name, t.kind, t.run
            )
        })
        .collect();
    let g = greeting(&agents, "  max_turns: 3\n", false);
    let out = g.run(&["plan", "--format", "json"]);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let shown: Vec<(String, String)> = doc["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().into(),
                t["run"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = tiers
        .iter()
        .map(|t| (t.name.clone(), t.run.clone()))
        .collect();
    assert_eq!(shown, want);
    let human = g.run(&["plan"]);
    for t in &tiers {
        assert!(human.stdout.contains(&t.run), "{}", human.stdout);
    }
}

#[test]
fn an_aider_tier_without_prompt_file_is_an_error_at_its_line() {
    let g = greeting(
        "  - name: local\n    kind: aider\n    run: aider --yes-always\n",
        "  max_turns: 3\n",
        false,
    );
    let out = g.run(&["plan"]);
    assert_eq!(out.code, 2, "{}", out.stderr);

    assert!(
        out.stderr.contains("specctl.yaml:8:1: agent `local` is kind aider but its `run` has no {prompt_file}: aider reads"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("each line of stdin as its own message"),
        "{}",
        out.stderr
    );
}

// The CLI's own crash ------------------------------------------------------------------------

#[test]
fn codex_refusing_its_arguments_is_an_agent_failure() {
    // The README once printed `codex exec --json --full-auto`: codex 0.171 refuses it.
    let ran = an_outage_with(
        Cli::Codex,
        json!({"text": "Done."}),
        " --full-auto",
        ("2m", Patience::Short),
        "it crashed: codex printed no JSON events (error: unexpected argument '--full-auto' found)",
    );
    assert_eq!(ran.server.steps_taken(), 0, "it never reached the model");
}
