//! specctl.yaml: every key optional with a default, every unknown key an error at its line.
//! The typed form here is what the rest of specctl reads; nothing else parses the file.

use crate::InputError;
use crate::yaml;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub const FILE_NAME: &str = "specctl.yaml";
/// The default bound on a prompt's size; excerpts are trimmed first, never the spec text.
pub const DEFAULT_MAX_PROMPT_BYTES: usize = 24 * 1024;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Folders or globs of `.feature` files, relative to the project root.
    pub specs: Vec<String>,
    /// Folders or globs of aspect `.md` files, relative to the project root.
    pub aspects: Vec<String>,
    /// Named runners that prove scenarios; `default` proves every untagged one.
    pub evidence: BTreeMap<String, Runner>,
    /// Agent tiers, cheapest first.
    pub agents: Vec<AgentTier>,
    pub reconcile: Reconcile,
    /// Names of environment variables whose values are secret, beyond those whose names hold
    /// TOKEN, SECRET, PASSWORD or KEY.
    pub redact: Vec<String>,
    pub audit: Audit,
    pub store: StoreSettings,
}

/// Observations kept per item by default, besides every change of verdict.
pub const KEEP: usize = 100;

/// `store:`, how much of the past `.specctl/state.db` keeps.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreSettings {
    /// Observations kept per item, newest first; older ones go, except each change of verdict,
    /// which is kept for good (the history `explain` shows).
    pub keep: usize,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings { keep: KEEP }
    }
}

/// `audit:`, what `specctl audit --mutants` changes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Audit {
    /// Globs of the source files to mutate; empty: the selected items' evidence `inputs`.
    pub mutate: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            specs: vec!["specs".into()],
            aspects: vec!["aspects".into()],
            evidence: BTreeMap::new(),
            agents: Vec::new(),
            reconcile: Reconcile::default(),
            redact: Vec::new(),
            audit: Audit::default(),
            store: StoreSettings::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runner {
    /// The command line, run by `sh -c` from the project root, with `{report}`,
    /// `{report_dir}` and `{features}` filled in.
    #[serde(deserialize_with = "non_empty")]
    pub run: String,
    #[serde(default)]
    pub report: ReportFormat,
    #[serde(default = "default_runner_timeout", deserialize_with = "duration")]
    pub timeout: Duration,
    #[serde(default)]
    pub inputs: Vec<String>,
    /// Globs of feature files whose scenarios this runner proves, unless a tag names another.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The line of specctl.yaml that names the runner (0 where it was not read from one),
    /// so a finding about it points there.
    #[serde(skip)]
    pub line: usize,
}

impl Runner {
    /// Whether the command runs behave (`behave …`, `…/bin/behave …`, `python -m behave …`):
    /// behave reads `'''` doc strings, so the files it proves may hold them.
    pub fn runs_behave(&self) -> bool {
        let words: Vec<&str> = self
            .run
            .split_whitespace()
            .map(|w| w.trim_matches(['\'', '"']))
            .collect();
        words.iter().any(|w| w.rsplit('/').next() == Some("behave"))
            || words.windows(2).any(|w| w == ["-m", "behave"])
    }
}

/// Which runner's `paths:` claim a feature file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathsClaim<'a> {
    /// No runner's `paths:` match it.
    None,
    One(&'a str),
    /// Several runners' `paths:` match it: the project must say which proves it.
    Several(Vec<&'a str>),
}

impl Config {
    /// The runner whose `paths:` globs match `file` (relative to the root).
    pub fn paths_claim(&self, file: &str) -> PathsClaim<'_> {
        let claiming: Vec<&str> = self
            .evidence
            .iter()
            .filter(|(_, r)| {
                r.paths.iter().any(|p| {
                    // `./features/**` names what `features/**` names, as under `specs:`.
                    let p = p.trim_start_matches("./");
                    globset::Glob::new(p).is_ok_and(|g| g.compile_matcher().is_match(file))
                })
            })
            .map(|(name, _)| name.as_str())
            .collect();
        match claiming.as_slice() {
            [] => PathsClaim::None,
            [one] => PathsClaim::One(one),
            _ => PathsClaim::Several(claiming),
        }
    }

    /// The runner that proves `file`'s untagged scenarios: its `paths:` runner, else `default`.
    pub fn file_runner(&self, file: &str) -> Option<&str> {
        self.claimed_runner(&self.paths_claim(file))
    }

    /// [`Config::file_runner`] for a claim already made, so a file's globs are matched once.
    pub fn claimed_runner<'a>(&'a self, claim: &PathsClaim<'a>) -> Option<&'a str> {
        match claim {
            PathsClaim::One(name) => Some(name),
            PathsClaim::Several(_) => None,
            PathsClaim::None => self.evidence.contains_key("default").then_some("default"),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    Junit,
    CucumberJson,
    /// Cucumber Messages, NDJSON: the official format, exact to the pickle.
    Messages,
    /// The runner's exit code is the verdict of every scenario it proves: the only format
    /// that works with any command, hence the default.
    #[default]
    ExitCode,
}

impl ReportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Junit => "junit",
            ReportFormat::CucumberJson => "cucumber-json",
            ReportFormat::Messages => "messages",
            ReportFormat::ExitCode => "exit-code",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentTier {
    #[serde(deserialize_with = "non_empty")]
    pub name: String,
    #[serde(default)]
    pub kind: AgentKind,
    #[serde(deserialize_with = "non_empty")]
    pub run: String,
    #[serde(default = "default_agent_timeout", deserialize_with = "duration")]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgentKind {
    Claude,
    Codex,
    Aider,
    #[default]
    Command,
}

impl AgentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Claude => "claude",
            AgentKind::Codex => "codex",
            AgentKind::Aider => "aider",
            AgentKind::Command => "command",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reconcile {
    pub max_turns: u32,
    pub stall_turns: u32,
    pub budget_usd: f64,
    pub protect: Vec<String>,
    pub on_regression: OnRegression,
    /// How long a whole reconcile may run.
    #[serde(deserialize_with = "duration")]
    pub wall_time: Duration,
    /// The bound on a prompt's size: failure excerpts are trimmed first, never the spec text.
    pub max_prompt_bytes: usize,
    /// The agent tier that reviews each RED turn's new evidence before it counts.
    pub review: Option<String>,
}

impl Default for Reconcile {
    fn default() -> Self {
        Self {
            max_turns: 10,
            stall_turns: 2,
            budget_usd: 5.0,
            protect: vec!["specs/**".into(), "aspects/**".into(), "evidence/**".into()],
            on_regression: OnRegression::Revert,
            wall_time: Duration::from_secs(60 * 60),
            max_prompt_bytes: DEFAULT_MAX_PROMPT_BYTES,
            review: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnRegression {
    #[default]
    Revert,
    Keep,
}

fn default_runner_timeout() -> Duration {
    Duration::from_secs(5 * 60)
}

fn default_agent_timeout() -> Duration {
    Duration::from_secs(20 * 60)
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    yaml::parse_duration(&text).map_err(serde::de::Error::custom)
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    if text.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "this command is empty: give the command line to run",
        ));
    }
    Ok(text)
}

impl Config {
    /// Reads `root/specctl.yaml`; a missing file is the default configuration.
    pub fn load(root: &Path) -> Result<Config, InputError> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(err) => {
                    let (line, column) = crate::input_error::position_of_byte(
                        err.as_bytes(),
                        err.utf8_error().valid_up_to(),
                    );
                    return Err(InputError::new(
                        FILE_NAME,
                        line,
                        column,
                        "specctl.yaml is not valid UTF-8: save it as UTF-8",
                    ));
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(err) => {
                return Err(InputError::new(
                    FILE_NAME,
                    1,
                    1,
                    format!("cannot read specctl.yaml: {err}"),
                ));
            }
        };
        Config::parse(&text).map_err(|e| e.with_source(Some(text.into())))
    }

    /// Parses the text of a specctl.yaml.
    pub fn parse(text: &str) -> Result<Config, InputError> {
        // A file of only comments is a valid, empty configuration, but not a valid YAML map.
        let empty = text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---");
        if empty {
            return Ok(Config::default());
        }
        let mut config: Config = yaml::from_str(text, FILE_NAME, 0)?;
        config.validate(text)?;
        config.validate_tiers(text)?;
        for (name, runner) in &mut config.evidence {
            runner.line = line_of(text, &format!("{name}:"), 1);
        }
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), InputError> {
        let mut seen = std::collections::HashSet::new();
        for agent in &self.agents {
            if !seen.insert(agent.name.as_str()) {
                let line = line_of(text, &format!("name: {}", agent.name), 2);
                return Err(InputError::new(
                    FILE_NAME,
                    line,
                    1,
                    format!(
                        "agent `{}` is defined twice: give each tier its own name",
                        agent.name
                    ),
                ));
            }
        }
        check_aider_prompt(&self.agents, text)?;
        for (name, runner) in &self.evidence {
            if runner.report != ReportFormat::ExitCode
                && !runner.run.contains("{report}")
                && !runner.run.contains("{report_dir}")
            {
                let line = line_of(text, &format!("{name}:"), 1);
                return Err(InputError::new(
                    FILE_NAME,
                    line,
                    1,
                    format!(
                        "runner `{name}` reads a {} report but its `run` names no place for it: put {{report}} (a file) or {{report_dir}} (a folder) where the runner takes its report path",
                        runner.report.as_str()
                    ),
                ));
            }
        }
        for name in self.evidence.keys() {
            if name.is_empty() || name.chars().any(char::is_whitespace) {
                let line = line_of(text, &format!("{name}:"), 1);
                return Err(InputError::new(
                    FILE_NAME,
                    line,
                    1,
                    format!(
                        "evidence name `{name}` cannot hold spaces: scenarios name it in an `@evidence:NAME` tag"
                    ),
                ));
            }
        }
        let runner_paths = self.evidence.values().flat_map(|r| &r.paths);
        for pattern in self.reconcile.protect.iter().chain(runner_paths) {
            if let Err(err) = globset::Glob::new(pattern) {
                let line = line_of(text, pattern, 1);
                return Err(InputError::new(
                    FILE_NAME,
                    line,
                    1,
                    format!("`{pattern}` is not a valid glob: {err}"),
                ));
            }
        }
        if self.reconcile.max_turns == 0 {
            let line = line_of(text, "max_turns:", 1);
            return Err(InputError::new(
                FILE_NAME,
                line,
                1,
                "`max_turns` must be at least 1",
            ));
        }
        if self.reconcile.stall_turns == 0 {
            let line = line_of(text, "stall_turns:", 1);
            return Err(InputError::new(
                FILE_NAME,
                line,
                1,
                "`stall_turns` must be at least 1",
            ));
        }
        Ok(())
    }
}

impl Config {
    /// The tier names the rest of the file refers to must be tiers of `agents`.
    fn validate_tiers(&self, text: &str) -> Result<(), InputError> {
        let Some(review) = &self.reconcile.review else {
            return Ok(());
        };
        if self.tier(review).is_some() {
            return Ok(());
        }
        let line = line_of(text, "review:", 1);
        Err(InputError::new(
            FILE_NAME,
            line,
            1,
            format!(
                "`review: {review}` names no agent tier: name one of {} under `agents:`",
                self.tier_names()
            ),
        ))
    }

    /// The agent tier called `name`.
    pub fn tier(&self, name: &str) -> Option<&AgentTier> {
        self.agents.iter().find(|t| t.name == name)
    }

    /// The tiers' names, for an error that says which there are.
    pub fn tier_names(&self) -> String {
        if self.agents.is_empty() {
            return "the tiers (there are none yet)".into();
        }
        self.agents
            .iter()
            .map(|t| format!("`{}`", t.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Aider takes each line of stdin as a message of its own: a prompt must reach it whole, as
/// a file.
fn check_aider_prompt(agents: &[AgentTier], text: &str) -> Result<(), InputError> {
    for agent in agents {
        if agent.kind == AgentKind::Aider && !agent.run.contains("{prompt_file}") {
            let line = line_of(text, &format!("name: {}", agent.name), 1);
            let line = line_after(text, line, "run:");
            return Err(InputError::new(
                FILE_NAME,
                line,
                1,
                format!(
                    "agent `{}` is kind aider but its `run` has no {{prompt_file}}: aider reads each line of stdin as its own message, so give it the prompt as a file, e.g. `aider --message-file {{prompt_file}} --yes-always --no-auto-commits`",
                    agent.name
                ),
            ));
        }
    }
    Ok(())
}

/// The first line at or after `from` that holds `needle` (else `from`): a tier's `run:`.
fn line_after(text: &str, from: usize, needle: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| i + 1)
}

/// The line of the `nth` occurrence of `needle`, for checks made after deserializing.
fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth.saturating_sub(1))
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn behave_is_known_by_its_command() {
        let runner = |run: &str| Runner {
            run: run.into(),
            report: ReportFormat::Junit,
            timeout: Duration::from_secs(1),
            inputs: vec![],
            paths: vec![],
            line: 0,
        };
        assert!(runner("behave --junit {report_dir}").runs_behave());
        assert!(runner("'/opt/venv/bin/behave' -f json -o {report}").runs_behave());
        assert!(runner("cd a && python3 -m behave").runs_behave());
        assert!(!runner("pytest --cucumberjson={report}").runs_behave());
        assert!(!runner("./behave-wrapper.sh").runs_behave());
    }

    #[test]
    fn a_bad_paths_glob_is_an_error_and_messages_is_a_format() {
        let err = Config::parse("evidence:\n  a:\n    run: x\n    paths: [\"a/[\"]\n").unwrap_err();
        assert!(
            err.message.starts_with("`a/[` is not a valid glob"),
            "{}",
            err.message
        );
        let c =
            Config::parse("evidence:\n  a:\n    run: x {report}\n    report: messages\n").unwrap();
        assert_eq!(c.evidence["a"].report, ReportFormat::Messages);
    }

    use super::*;

    #[test]
    fn the_store_keeps_a_hundred_unless_told_and_a_typo_is_an_error_at_its_line() {
        assert_eq!(Config::default().store.keep, 100);
        assert_eq!(Config::parse("store:\n  keep: 5\n").unwrap().store.keep, 5);
        let err = Config::parse("store:\n  kept: 5\n").unwrap_err();
        assert_eq!(err.line, 2, "{}", err.message);
        assert!(
            err.message.contains("unknown field `kept`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_absent_or_empty_file_is_the_default() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        assert_eq!(Config::parse("# nothing yet\n").unwrap(), Config::default());
        let c = Config::default();
        assert_eq!(c.specs, vec!["specs"]);
        assert_eq!(c.reconcile.max_turns, 10);
        assert_eq!(c.reconcile.on_regression, OnRegression::Revert);
    }

    #[test]
    fn a_full_file_reads_every_key() {
        let c = Config::parse(
            "specs: [features]\naspects: [props]\nevidence:\n  default:\n    run: behave --junit --junit-directory {report_dir} {features}\n    report: junit\n    timeout: 5m\n    inputs: [\"src/**\"]\nagents:\n  - name: fast\n    kind: claude\n    run: claude -p\n    timeout: 20m\nreconcile:\n  max_turns: 3\n  stall_turns: 1\n  budget_usd: 1.5\n  protect: [\"specs/**\"]\n  on_regression: keep\n",
        )
        .unwrap();
        assert_eq!(c.specs, vec!["features"]);
        let runner = &c.evidence["default"];
        assert_eq!(runner.report, ReportFormat::Junit);
        assert_eq!(runner.timeout, Duration::from_secs(300));
        assert_eq!(runner.inputs, vec!["src/**"]);
        assert_eq!(c.agents[0].kind, AgentKind::Claude);
        assert_eq!(c.reconcile.on_regression, OnRegression::Keep);
        assert_eq!(c.reconcile.budget_usd, 1.5);
    }

    #[test]
    fn a_misspelt_key_is_an_error_at_its_line() {
        let err =
            Config::parse("specs: [specs]\nevidence:\n  default:\n    run: x\n    tmeout: 5m\n")
                .unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.column),
            ("specctl.yaml", 5, 5)
        );
        assert_eq!(
            err.message,
            "unknown field `tmeout`, expected one of run, report, timeout, inputs, paths"
        );
        let err = Config::parse("spec: [specs]\n").unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn defaults_fill_a_runner() {
        let c = Config::parse("evidence:\n  default:\n    run: ./check\n").unwrap();
        assert_eq!(c.evidence["default"].report, ReportFormat::ExitCode);
        assert_eq!(c.evidence["default"].timeout, Duration::from_secs(300));
    }

    #[test]
    fn bad_values_are_errors_at_their_line() {
        let err = Config::parse("evidence:\n  default:\n    run: ''\n").unwrap_err();
        assert_eq!(err.line, 3);
        let err =
            Config::parse("evidence:\n  default:\n    run: x\n    report: xml\n").unwrap_err();
        assert_eq!(err.line, 4);
        let err =
            Config::parse("evidence:\n  bdd:\n    run: behave\n    report: junit\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.starts_with(
                "runner `bdd` reads a junit report but its `run` names no place for it"
            )
        );
        let err = Config::parse("reconcile:\n  stall_turns: 0\n").unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (2, "`stall_turns` must be at least 1")
        );
        let err = Config::parse("agents:\n  - name: a\n    run: x\n  - name: a\n    run: y\n")
            .unwrap_err();
        assert_eq!(err.line, 4);
    }

    #[test]
    fn an_aider_tier_must_take_its_prompt_as_a_file() {
        let text = "agents:\n  - name: fast\n    kind: claude\n    run: claude -p\n  - name: local\n    kind: aider\n    run: aider --yes-always\n";
        let err = Config::parse(text).unwrap_err();
        assert_eq!((err.line, err.column), (7, 1));
        assert_eq!(
            err.message,
            "agent `local` is kind aider but its `run` has no {prompt_file}: aider reads each line of stdin as its own message, so give it the prompt as a file, e.g. `aider --message-file {prompt_file} --yes-always --no-auto-commits`"
        );
        let ok = text.replace("aider --yes-always", "aider --message-file {prompt_file}");
        assert_eq!(Config::parse(&ok).unwrap().agents[1].kind, AgentKind::Aider);
    }
}
