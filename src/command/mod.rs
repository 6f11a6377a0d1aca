//! One file per subcommand: each turns a parsed command line into output and an exit code.

pub mod adversary;
pub mod audit;
pub mod check;
pub mod explain;
pub mod init;
pub mod list;
pub mod log;
pub mod mcp;
pub mod merge;
pub mod plan;
pub mod reconcile;
pub mod status;
pub mod undo;
pub mod watch;

use crate::InputError;
use crate::cli::{Cli, Command, Selection};
use crate::desired::{self, DesiredState, Item};
use crate::exit::Exit;
use crate::partition::{Partition, Run};
use crate::process::Interrupt;
use crate::project::Project;
use crate::report::{diagnostic, style::Style};
use crate::selection::Selector;
use crate::store::{self, Store};

/// Runs the command `cli` names.
pub fn run(cli: &Cli) -> Exit {
    match &cli.command {
        Command::List(args) => list::run(cli, args),
        Command::Check(args) => check::run(cli, args),
        Command::Status(args) => status::run(cli, args),
        Command::Explain(args) => explain::run(cli, args),
        Command::Plan(args) => plan::run(cli, args),
        Command::Reconcile(args) => reconcile::run(cli, args),
        Command::Watch(args) => watch::run(cli, args),
        Command::Log(args) => log::run(cli, args),
        Command::Undo(args) => undo::run(cli, args),
        Command::Init(args) => init::run(cli, args),
        Command::Audit(args) => audit::run(cli, args),
        Command::Mcp => mcp::run(cli),
        Command::Merge(args) => merge::run(cli, args),
    }
}

/// The project, its desired state and the selection, as every command starts.
pub(crate) struct Loaded {
    pub project: Project,
    pub state: DesiredState,
    pub selector: Selector,
    /// `check --partition`: this machine's slice of the selection, by each item's file.
    pub partition: Partition,
}

impl Loaded {
    /// The selected items of this slice.
    pub fn selected(&self) -> Vec<&Item> {
        self.whole()
            .into_iter()
            .filter(|i| self.partition.is_whole() || self.partition.contains(&i.file))
            .collect()
    }

    /// The selected items of every slice: the run that the slices are parts of.
    pub fn whole(&self) -> Vec<&Item> {
        self.state
            .items
            .iter()
            .filter(|i| self.selector.matches(i))
            .collect()
    }

    /// The run this command is (a slice of): the whole selection's ids and generations,
    /// with `extra` parts (an audit's mutants), and this slice.
    pub fn run(&self, extra: impl IntoIterator<Item = String>, partition: Partition) -> Run {
        let parts: Vec<String> = self
            .whole()
            .iter()
            .map(|i| Run::item_part(&i.id, &i.generation))
            .chain(extra)
            .collect();
        Run::new(parts.iter().map(String::as_str), partition)
    }
}

/// Opens the project and reads its desired state; a config error is put first among the
/// input errors. `Err` when nothing can be done at all (no such folder, a bad tag expression).
pub(crate) fn load(cli: &Cli, selection: &Selection) -> Result<Loaded, Exit> {
    let (project, selector) = open(cli, selection)?;
    let mut state = desired::load(&project.root, &project.config);
    if let Some(err) = &project.config_error {
        state.errors.insert(0, err.clone());
    }
    outside_the_selection(&mut state.errors, &mut state.warnings, &selector);
    something_found(cli, &project, state.spec_files + state.aspect_files)?;
    Ok(Loaded {
        project,
        state,
        selector,
        partition: Partition::WHOLE,
    })
}

/// The project and the selection, before anything is read.
pub(crate) fn open(cli: &Cli, selection: &Selection) -> Result<(Project, Selector), Exit> {
    let style = Style::stderr(cli.color());
    let project = Project::open(cli.dir.as_deref()).map_err(|err| fatal(style, &err))?;
    // Before anything is read or run: the names in `redact:` are secrets from here on.
    crate::redact::init(&project.config.redact);
    let selector = selection.selector().map_err(|err| fatal(style, &err))?;
    Ok((project, selector))
}

/// No spec or aspect file at all (`files` found) is an error: a check of nothing must not
/// pass. Empty files are the user's own and valid; a config error says enough by itself.
pub(crate) fn something_found(cli: &Cli, project: &Project, files: usize) -> Result<(), Exit> {
    if files > 0 || project.config_error.is_some() {
        return Ok(());
    }
    let config = &project.config;
    let folders = desired::feature_folders(&project.root);
    let message = desired::no_items(&config.specs, &config.aspects, &folders);
    Err(fatal(Style::stderr(cli.color()), &message))
}

/// An input error in a file the FILTERs do not reach cannot make this run's verdicts wrong:
/// it becomes a warning, so one broken file does not fail a check of the others.
pub(crate) fn outside_the_selection(
    errors: &mut Vec<InputError>,
    warnings: &mut Vec<String>,
    selector: &Selector,
) {
    let (inside, outside): (Vec<_>, Vec<_>) = std::mem::take(errors)
        .into_iter()
        .partition(|e| e.file == crate::config::FILE_NAME || selector.takes_file(&e.file));
    *errors = inside;
    warnings.extend(outside.into_iter().map(|e| {
        format!(
            "{}:{}:{}: {} (outside the selection, so not checked now)",
            e.file, e.line, e.column, e.message
        )
    }));
}

/// As `load`, but invalid input or configuration ends the command (exit 2) after every
/// error is shown: what would run on it could not be trusted.
pub(crate) fn load_valid(cli: &Cli, selection: &Selection) -> Result<Loaded, Exit> {
    let loaded = load(cli, selection)?;
    if loaded.project.config_error.is_some() || !loaded.state.errors.is_empty() {
        print_problems(&loaded.state, &[], Style::stderr(cli.color()));
        return Err(Exit::Invalid);
    }
    Ok(loaded)
}

pub(crate) fn fatal(style: Style, err: &dyn std::fmt::Display) -> Exit {
    eprintln!("{} {err}", style.red(&style.bold("error:")));
    Exit::Invalid
}

/// Warnings and input errors on stderr, each error with its source line.
pub(crate) fn print_problems(state: &DesiredState, warnings: &[String], style: Style) {
    for warning in warnings {
        eprintln!("{} {warning}", style.yellow(&style.bold("warning:")));
    }
    for err in &state.errors {
        eprint!("{}", diagnostic::render(err, style));
    }
    if !state.errors.is_empty() {
        let n = state.errors.len();
        eprintln!(
            "{} {n} {} in the project's input: fix {} and run again",
            style.red(&style.bold("error:")),
            if n == 1 { "error" } else { "errors" },
            if n == 1 { "it" } else { "them" },
        );
    }
}

/// Writes a report to `--output` (then prints only its closing line) or to stdout.
pub(crate) fn deliver(
    cli: &Cli,
    output: Option<&std::path::Path>,
    text: &str,
    closing: &str,
) -> Result<(), Exit> {
    match output {
        Some(path) => {
            if let Err(err) = std::fs::write(path, text) {
                let style = Style::stderr(cli.color());
                return Err(fatal(
                    style,
                    &format!("cannot write {}: {err}", path.display()),
                ));
            }
            print(&format!("{closing}\n"));
        }
        None => print(text),
    }
    Ok(())
}

/// `--jobs`, or the number of cores.
pub(crate) fn jobs(arg: Option<u16>) -> usize {
    arg.map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// Runs `work` on a runtime of its own, with the interrupt that Ctrl-C, SIGTERM and SIGHUP
/// set; returns its result and the signal that stopped it, if one did. Evidence and agents
/// are I/O-bound, so one thread serves them.
pub(crate) fn interruptible<T, F>(
    style: Style,
    work: impl FnOnce(tokio::sync::watch::Receiver<bool>) -> F,
) -> Result<(T, Option<i32>), Exit>
where
    F: std::future::Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| fatal(style, &format!("cannot start the async runtime: {err}")))?;
    Ok(runtime.block_on(async {
        let interrupt = Interrupt::on_signals();
        let out = work(interrupt.receiver()).await;
        (out, interrupt.signal())
    }))
}

/// The project and its store, for the commands that read a reconcile's history (`log`,
/// `undo`): an error when no reconcile has run yet.
pub(crate) fn history(cli: &Cli, style: Style) -> Result<(Project, Store), Exit> {
    let project = Project::open(cli.dir.as_deref()).map_err(|err| fatal(style, &err))?;
    if !project.root.join(store::DIR).join(store::FILE).is_file() {
        return Err(fatal(
            style,
            &"no reconcile has run in this project yet: see `specctl reconcile --help`",
        ));
    }
    crate::redact::init(&project.config.redact);
    let store = Store::open_to_read(&project.root).map_err(|err| fatal(style, &err))?;
    Ok((project, store))
}

/// Writes `text` to stdout; a closed pipe (`specctl list | head`) is not worth a message.
pub(crate) fn print(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

/// A cost an agent reported, as every command shows it; "—" stands where none was.
pub(crate) fn dollars(usd: f64) -> String {
    format!("${usd:.4}")
}
