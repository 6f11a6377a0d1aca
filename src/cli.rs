//! The command line: clap definitions, documented so that `--help` teaches the tool.

use crate::report::style::ColorChoice;
use crate::watch::OnBusy;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "specctl",
    version,
    about = "Keep code true to its specs: Gherkin scenarios and aspects, proven by their evidence",
    long_about = "specctl reads a project's desired state (Gherkin scenarios in specs/*.feature and \
aspects in aspects/*.md), runs the evidence that proves each item, and reports what does not hold.\n\n\
Exit codes: 0 success, 1 some item does not hold, 2 invalid input or configuration, 129 \
stopped by SIGHUP (a closed terminal), 130 interrupted (Ctrl-C, SIGTERM). Whatever stops it, \
every process specctl started is ended with its whole process group.",
    after_help = "Run `specctl <command> --help` for the details of a command."
)]
pub struct Cli {
    /// Work in DIR (the project root is the nearest folder up from it holding specctl.yaml)
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,

    /// When to use colour (NO_COLOR is honoured with `auto`)
    #[arg(long = "color", value_enum, default_value_t = ColorArg::Auto, global = true)]
    pub color_arg: ColorArg,

    /// Print less: only errors and the summary
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print more (repeat for more still)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the desired state: every scenario and aspect, its source and its evidence
    #[command(
        long_about = "List the desired state: every scenario (one per Examples row of an \
Outline) and every aspect, with its file:line and the evidence that proves it. Runs nothing.\n\n\
--format json writes one document while it reads the files, item by item: `version` first, then \
`items`, then `summary`, `errors` and `warnings` (read the keys by name: their order carries no \
meaning).\n\n\
Exit codes: 0 all input valid; 2 some input is invalid (every error is listed with file, line and \
column, and every valid item is still listed)."
    )]
    List(ListArgs),

    /// Observe once: run every selected item's evidence and report each verdict
    #[command(
        long_about = "Observe once: run the evidence of every selected item (each runner once \
for all the scenarios it proves, each aspect's command once, up to --jobs at a time) and report a \
verdict per item: pass, fail, error, timeout, undefined or skipped. Observations are recorded \
under .specctl/ for `specctl status`.\n\n\
Exit codes: 0 every item passed or was skipped; 1 some item did not; 2 invalid input or \
configuration (valid items are still observed); 130 interrupted."
    )]
    Check(CheckArgs),

    /// Show the last observed state from .specctl/, running nothing
    #[command(
        long_about = "Show the last observed verdict of every selected item, as recorded by \
`specctl check`, without running anything. A verdict observed for an older version of an item (its \
text or evidence changed since) is marked stale.\n\n\
Exit codes: 0 every item was observed for its current version and passed or was skipped; 1 \
otherwise; 2 invalid input."
    )]
    Status(StatusArgs),

    /// One item, whole: its text, its evidence, its last output and its verdict history
    #[command(
        long_about = "One item, whole: its spec text (steps, tables, doc strings) or aspect body, \
the evidence that proves it, its last observed verdict with the output excerpt, and its verdict \
history from the store, newest first. It runs nothing: run `specctl check ID` first to observe \
it anew.",
        after_help = "Examples:\n  specctl explain 'specs/shop.feature::Add 2 and 2'\n  specctl explain aspect:no-secrets --format json\n\n\
Exit status: 0 shown; 2 no such item, or the project or store cannot be read."
    )]
    Explain(ExplainArgs),

    /// Observe, then show the delta and the exact prompt the first agent turn would get
    #[command(
        long_about = "Observe once, then show the delta (every selected item that does not \
hold) and the exact prompt the first agent turn of `specctl reconcile` would get; with \
`reconcile.review` and a RED first turn, the reviewer's prompt too (the turn's diff still to come). \
--adversary TIER shows instead the prompt `specctl audit --adversary TIER` would give each item. \
Never starts an agent.\n\n\
Exit codes: 0 nothing to do; 1 there is a delta; 2 invalid input or configuration."
    )]
    Plan(PlanArgs),

    /// Drive an agent turn by turn until every selected item holds or a budget runs out
    #[command(
        long_about = "Observe, hand only the failing delta to the first agent tier, gate its \
turn (protected files undone, regressions rolled back, RED turns must end in `fail`), observe \
again; repeat until every selected item holds. A tier that makes no progress for `stall_turns` \
turns hands over to the next; every tier spent, or the turn, wall-time or dollar budget spent, \
stops the run. Each turn's working tree is kept under refs/specctl/ in git.\n\n\
Exit codes: 0 converged; 1 stopped with items still not holding; 2 invalid input, or no agent \
configured, or the run's own guarantees could not be kept (a snapshot that cannot be taken, a \
store that cannot be written: the message says which and what to do); 130 interrupted."
    )]
    Reconcile(ReconcileArgs),

    /// Observe at start, then again on every relevant file change, until Ctrl-C
    #[command(
        long_about = "Observe at start, then again whenever a relevant file changes: an \
edited feature file re-runs only its new or changed scenarios, an edited aspect only that aspect, \
any other file the items whose evidence `inputs` match it (every item that declares none). \
Files ignored by .gitignore or .ignore, .specctl/, .git/, build folders and editor swap files \
never trigger. On a terminal a live board; piped, a line per verdict that changed; with \
--format json, one document per observation, a line each.\n\n\
--serve [ADDR] also serves the board as a web page, live over server-sent events: items by \
file with their verdicts and what changed, an item's text, evidence, last output and history, \
reconcile turns with their gates and diffs, audit findings with the surviving mutants. The page \
is in the binary (it works offline) and changes nothing. It binds to 127.0.0.1:7878 unless ADDR \
says otherwise (`127.0.0.1:0` picks a free port) and prints `board: http://ADDR/`; an address \
beyond loopback is warned of.\n\n\
Runs until Ctrl-C, which ends every evidence process group and the board; exit 130."
    )]
    Watch(WatchArgs),

    /// Show reconcile sessions and their turns: for one turn, its prompt, the agent's output,
    /// what the gates did and what the reviewer said
    #[command(
        long_about = "Show the newest reconcile session (or --session N): a line per turn with its \
tier, phase, agent end, cost and items, its gates' findings, and the reviewer's answer where \
`reconcile.review` is set. --turn N shows one turn in full: its prompt, the agent's output, the \
gates, and the reviewer's prompt, output and objections. --adversary shows the newest \
`specctl audit --adversary` run's attempts in full: outcome, diff, prompt, output.\n\n\
Exit codes: 0 shown; 2 no such session or turn, or no store."
    )]
    Log(LogArgs),

    /// Restore the working tree to how it was before a reconcile turn
    #[command(
        long_about = "Restore the working tree to how it was before a reconcile turn (by \
default the last turn of the last session), from the snapshot kept under refs/specctl/. The tree \
you have now is kept too (refs/specctl/undo-…), so an undo can itself be undone. Asks before it \
changes anything; --yes skips the question (needed without a terminal).\n\n\
Exit codes: 0 restored; 1 declined; 2 no such turn, no snapshot, or not a git repository."
    )]
    Undo(UndoArgs),

    /// Adopt an existing project: find its feature files and runner, write specctl.yaml
    #[command(
        long_about = "Adopt an existing project: find its .feature files (leaving out node_modules, target, virtualenvs, hidden folders and what .gitignore excludes) and the runner it already uses (behave, pytest-bdd, cucumber-js, cucumber-rs, godog), then write a commented specctl.yaml whose runners give exact reports, one per base folder with `paths:` where needed, and add .specctl/ to .gitignore. It never overwrites a specctl.yaml: --print shows what it would write. --example writes a small runnable project instead, for someone who has none.\n\n\
Exit codes: 0 written (or printed); 2 nothing to adopt, or a file in the way.",
        after_help = "Examples:\n  specctl init              adopt the project in this folder\n  \
specctl init --print      show the specctl.yaml it would write\n  specctl init --example shop   \
a small project to try specctl on"
    )]
    Init(InitArgs),

    /// Is the contract adequate? Find the specs a useless implementation would satisfy
    #[command(
        long_about = "Judge the specs before anything is built to them. Static rules (no \
evidence runs) find scenarios with no outcome or no action, Examples columns nothing uses, \
duplicate rows and scenarios, and aspects whose evidence cannot fail. With --mutants, specctl \
changes the code the items cover (`audit.mutate` in specctl.yaml, else the evidence `inputs`), \
one small change at a time in a scratch copy of the project, never in your tree, and runs the \
evidence against each: a change no item fails on is a `survived-mutant` at its source line, and \
an item no change makes fail is `never-red`. The unmutated evidence must hold first. \
--adversary TIER asks that agent tier, in a scratch copy, for the least code that makes an item's \
evidence pass while every other passing item keeps passing and the code does something the item \
does not mean: where it manages, `adversary-passes` at the item's line carries its diff. Edits to \
protected files are undone first, so they prove nothing.\n\n\
Exit codes: 0 no finding of severity error; 1 some; 2 invalid input or configuration; 4 the \
baseline does not hold (the message names the items); 130 interrupted (what was learned is \
reported).",
        after_help = "Examples:\n  specctl audit                      the static rules\n  \
specctl audit --mutants            mutate the code, run the evidence against each mutant\n  \
specctl audit --mutants --since main   only the lines changed since main\n  \
specctl audit --adversary strong   an agent tries to pass each item while doing the wrong thing\n  \
specctl audit --format sarif --output audit.sarif   for code scanning"
    )]
    Audit(AuditArgs),

    /// Serve the Model Context Protocol on stdio: list, check, status, plan, audit, explain
    #[command(
        long_about = "Serve the Model Context Protocol on stdio, so an agent running its own loop \
(Claude Code, Codex, …) can ask specctl what is desired, what holds and what to fix next. Tools: \
list, check, status, plan, audit (mutants on request) and explain (one item). Each returns the \
JSON document of the command of that name; `check` and `audit` run the project's evidence exactly \
as the CLI does, and a cancelled call ends what it started. It never runs an agent and never \
edits a file.\n\n\
Exit codes: 0 the client closed the session; 2 the session failed.",
        after_help = "Examples:\n  claude mcp add specctl -- specctl -C /path/to/project mcp\n  \
codex: [mcp_servers.specctl] command = \"specctl\" args = [\"-C\", \"/path/to/project\", \"mcp\"]"
    )]
    Mcp,

    /// Join the JSON documents of one run's slices (`--partition K/N`) into one report
    #[command(
        long_about = "Join the JSON documents that `specctl check --partition K/N --format json` \
(or `specctl audit --partition K/N --format json`) wrote on the machines of a CI matrix into one \
report, every item and mutant counted once, in any format. The documents must be the slices of \
one run: the same desired state (the same items, and for an audit the same mutants), every slice \
1 to N exactly once; merge says which slice is missing or given twice. Runs nothing. Human and \
audit output quote source lines from the project (-C DIR) where its files are there.\n\n\
Exit codes: as `check` (0 every item holds; 1 some does not; 2 some slice had invalid input) or \
`audit` (0 no finding of severity error; 1 some; 130 a slice was cut off by Ctrl-C) would on \
the joined run; 2 the documents are not the slices of one run, or cannot be read.",
        after_help = "Examples:\n  specctl check --partition 1/2 --format json --output check-1.json   (machine 1)\n  \
specctl check --partition 2/2 --format json --output check-2.json   (machine 2)\n  \
specctl merge check-*.json                     one report of both\n  \
specctl merge --format github check-*.json     annotations and the job summary"
    )]
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The JSON documents of every slice of one run, in any order
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Output format: human, json, junit, github for check documents; human, json, sarif,
    /// stryker for audit documents
    #[arg(long, value_enum, default_value_t = MergeFormat::Human)]
    pub format: MergeFormat,

    /// Write the report to FILE instead of standard output (the closing line is still printed)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    /// As `check` or `audit` prints it
    Human,
    /// One versioned JSON document, as one unpartitioned run prints it
    Json,
    /// JUnit XML (check documents)
    Junit,
    /// GitHub Actions annotations and $GITHUB_STEP_SUMMARY (check documents)
    Github,
    /// SARIF 2.1.0 (audit documents)
    Sarif,
    /// The mutation-testing-report-schema document (audit documents)
    Stryker,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The session to show [default: the newest]
    #[arg(long, value_name = "N")]
    pub session: Option<i64>,

    /// Show this turn in full: its prompt, the agent's output, the gates
    #[arg(long, value_name = "N")]
    pub turn: Option<u32>,

    /// Show the newest audit's adversary attempts in full instead: prompts, outputs, diffs
    #[arg(long, conflicts_with_all = ["session", "turn"])]
    pub adversary: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Mutate the source files the items cover and run the evidence against each mutant
    #[arg(long)]
    pub mutants: bool,

    /// With --mutants: only lines changed since the git revision REF
    #[arg(long, value_name = "REF", requires = "mutants")]
    pub since: Option<String>,

    /// With --mutants: every mutant of a line, not only the most severe one
    #[arg(long, requires = "mutants")]
    pub all_mutants: bool,

    /// Ask agent tier TIER, in a scratch copy, for code that passes each item's evidence while
    /// doing something its text does not mean (budgets: reconcile's max_turns, budget_usd,
    /// wall_time)
    #[arg(long, value_name = "TIER")]
    pub adversary: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,

    /// Write the report to FILE instead of standard output (the closing line is still printed)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// How many scratch copies run mutants at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Run only slice K of N (1-based) of the mutants, for one machine of a CI matrix (each
    /// slice runs the baseline); join the slices' `--format json` documents with `specctl merge`
    #[arg(long, value_name = "K/N", conflicts_with = "adversary")]
    pub partition: Option<crate::partition::Partition>,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Each finding at its lines, a surviving mutant as a one-line diff
    Human,
    /// One versioned JSON document: summary, findings, mutants
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// The mutation-testing-report-schema document (mutation-testing-elements shows it)
    Stryker,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project's root folder [default: the current folder, or -C DIR]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Print the specctl.yaml to stdout and write nothing
    #[arg(long, conflicts_with = "example")]
    pub print: bool,

    /// Write a small runnable example project into DIR (new or empty) instead
    #[arg(long)]
    pub example: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The session [default: the newest]
    #[arg(long, value_name = "N")]
    pub session: Option<i64>,

    /// The turn whose before-snapshot to restore [default: the session's last turn]
    #[arg(long, value_name = "N")]
    pub turn: Option<u32>,

    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Output format (human: a live board on a terminal, a line per change when piped)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// After an observation that leaves items not holding, run one reconcile pass
    #[arg(long)]
    pub reconcile: bool,

    /// What a change does while evidence runs
    #[arg(long = "on-busy", value_enum, default_value_t = OnBusyArg::Queue)]
    pub on_busy_arg: OnBusyArg,

    /// How long files must be quiet before an observation starts, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 100)]
    pub debounce: u64,

    /// How many evidence processes may run at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Also serve the board as a live web page (read-only) at ADDR: HOST:PORT, or a PORT on
    /// 127.0.0.1 [default: 127.0.0.1:7878]; an address beyond loopback is said to be so.
    /// FILTERs go before --serve, or after `--`
    #[arg(
        long,
        value_name = "ADDR",
        num_args = 0..=1,
        default_missing_value = crate::serve::board::DEFAULT_ADDR,
        value_parser = board_address,
    )]
    pub serve: Option<std::net::SocketAddr>,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Show the prompts `specctl audit --adversary TIER` would give each item, not a turn's
    #[arg(long, value_name = "TIER")]
    pub adversary: Option<String>,

    /// How many evidence processes may run at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Close the open session (if any) and begin a fresh one instead of resuming it
    #[arg(long)]
    pub new_session: bool,

    /// How many evidence processes may run at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// Write the report to FILE instead of standard output (the closing line is still printed)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// How many evidence processes may run at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Run only slice K of N (1-based), for one machine of a CI matrix: the items of about one
    /// feature file and aspect in N, each file always in the same slice; join the slices'
    /// `--format json` documents with `specctl merge`
    #[arg(long, value_name = "K/N")]
    pub partition: Option<crate::partition::Partition>,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The item's id, as `specctl list` shows it
    #[arg(value_name = "ID")]
    pub id: String,

    /// How many observations of its history to show
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub history: usize,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Grouped by feature, a mark per item, the message under each failure
    Human,
    /// One versioned JSON document
    Json,
    /// JUnit XML: one testcase per item
    Junit,
    /// GitHub Actions annotations at each failing line, and a summary in $GITHUB_STEP_SUMMARY
    Github,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Debug, Args, Default)]
pub struct Selection {
    /// Only items whose file or folder is FILTER, or whose id starts with FILTER
    /// (`specs/shop.feature::Buy`, `aspect:`)
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,

    /// Only items whose tags satisfy a Cucumber tag expression, e.g. "@fast and not @wip"
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnBusyArg {
    /// Let the running observation finish, then run one more
    Queue,
    /// End the running evidence's process groups and start again
    Restart,
}

impl Cli {
    /// `--color`, as the report layer takes it.
    pub fn color(&self) -> ColorChoice {
        match self.color_arg {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

impl MergeFormat {
    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            MergeFormat::Human => "human",
            MergeFormat::Json => "json",
            MergeFormat::Junit => "junit",
            MergeFormat::Github => "github",
            MergeFormat::Sarif => "sarif",
            MergeFormat::Stryker => "stryker",
        }
    }
}

impl WatchArgs {
    pub fn on_busy(&self) -> OnBusy {
        match self.on_busy_arg {
            OnBusyArg::Queue => OnBusy::Queue,
            OnBusyArg::Restart => OnBusy::Restart,
        }
    }
}

/// `--serve`'s address: HOST:PORT (a name is resolved, its first address taken) or a bare
/// PORT, which means 127.0.0.1.
fn board_address(text: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(port) = text.parse::<u16>() {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    let bad = || format!("`{text}` is not an address: give HOST:PORT (127.0.0.1:7878) or a PORT");
    text.to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

impl Selection {
    /// The FILTERs and tag expression, checked, as every command applies them.
    pub fn selector(&self) -> Result<crate::selection::Selector, crate::tag_expr::TagExprError> {
        crate::selection::Selector::new(&self.filters, self.tags.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_alone_serves_on_loopback_port_7878() {
        let parsed = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Watch(w) => w.serve.map(|a| a.to_string()),
            _ => unreachable!("a watch"),
        };
        assert_eq!(
            parsed(&["specctl", "watch", "--serve"]).as_deref(),
            Some("127.0.0.1:7878")
        );
        assert_eq!(
            parsed(&["specctl", "watch", "--serve", "0.0.0.0:9000"]).as_deref(),
            Some("0.0.0.0:9000")
        );
        assert_eq!(parsed(&["specctl", "watch"]), None);
        assert_eq!(
            parsed(&["specctl", "watch", "--serve", "9000"]).as_deref(),
            Some("127.0.0.1:9000")
        );
        let err = Cli::try_parse_from(["specctl", "watch", "--serve", "specs/"])
            .expect_err("an error")
            .to_string();
        assert!(
            err.contains("`specs/` is not an address: give HOST:PORT (127.0.0.1:7878) or a PORT"),
            "{err}"
        );
    }

    #[test]
    fn each_merge_format_is_named_as_format_takes_it() {
        for format in MergeFormat::value_variants() {
            let name = format.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(format.as_str()));
        }
    }
}
