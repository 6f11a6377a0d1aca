//! `specctl check`: observe once, record the observation, report it.

use super::{Loaded, interruptible, jobs, load, print_problems};
use crate::cli::{CheckArgs, CheckFormat, Cli};
use crate::desired::Item;
use crate::exit::Exit;
use crate::observe::{self, Observation, Options};
use crate::partition::{Partition, Run};
use crate::project::Project;
use crate::report::outcome::{Counts, Outcome};
use crate::report::{check, github, json, junit, style::Style};
use crate::store::{StoreError, Writer};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Instant;

pub fn run(cli: &Cli, args: &CheckArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let mut loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    loaded.partition = args.partition.unwrap_or(Partition::WHOLE);
    if loaded.project.config_error.is_some() {
        // Evidence named by a broken configuration cannot be trusted to be the right one.
        print_problems(&loaded.state, &[], err_style);
        return Exit::Invalid;
    }
    let started = Instant::now();
    let writer = start_writer(&loaded.project);
    let sink = writer.as_ref().ok().map(Writer::sink);
    let (observed, signal) = match observe_items(cli, args, &loaded, sink) {
        Ok(observed) => observed,
        Err(exit) => return exit,
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let mut warnings = loaded.state.warnings.clone();
    warnings.extend(observed.warnings.iter().cloned());
    if let Err(err) = writer.and_then(Writer::finish) {
        warnings.push(err.to_string());
    }
    let outcomes = outcomes(&loaded.selected(), &observed.observations);
    let counts = Counts::of(&outcomes, duration_ms);
    // Only the JSON document names its run: hashing every item's id for a human report
    // would be a tenth of a small check's own work.
    let run = (args.format == CheckFormat::Json).then(|| loaded.run([], loaded.partition));
    let report = Report {
        outcomes: &outcomes,
        counts: &counts,
        errors: &loaded.state.errors,
        run: run.as_ref(),
    };
    let to = (args.format, args.output.as_deref());
    if let Err(exit) = render(cli, to, &report, &mut warnings) {
        return exit;
    }
    if args.format != CheckFormat::Json {
        print_problems(&loaded.state, &warnings, err_style);
    }
    let code = if observed.interrupted {
        eprintln!(
            "{} interrupted: every evidence process was ended",
            err_style.yellow(&err_style.bold("warning:"))
        );
        Exit::interrupted_by(signal)
    } else {
        exit(&report)
    };
    // The process ends with this command: freeing every item one by one would only delay it.
    std::mem::forget(outcomes);
    std::mem::forget((observed, loaded));
    code
}

/// The store records each task's observations while the others still run; a writer that
/// cannot start is a warning, as a store that cannot be written is.
fn start_writer(project: &Project) -> Result<Writer, StoreError> {
    let root = &project.root;
    Writer::start(root, project.config.store.keep).map_err(|source| StoreError::Create {
        path: root.join(crate::store::DIR),
        source,
    })
}

/// Each selected item with its observation, in the items' order.
fn outcomes<'a>(items: &[&'a Item], observations: &[Observation]) -> Vec<Outcome<'a>> {
    let by_id: HashMap<&str, &Observation> =
        observations.iter().map(|o| (o.id.as_str(), o)).collect();
    items
        .iter()
        .map(|i| Outcome::from_observation(i, by_id.get(i.id.as_str()).copied()))
        .collect()
}

/// What a check found, whole or a slice: what every format renders.
pub(crate) struct Report<'r, 'a> {
    pub outcomes: &'r [Outcome<'a>],
    pub counts: &'r Counts,
    pub errors: &'r [crate::InputError],
    /// The run this check is (a slice of), for the JSON document.
    pub run: Option<&'r Run>,
}

/// The exit of a check that ran to its end: invalid input first, then whether all holds.
pub(crate) fn exit(report: &Report<'_, '_>) -> Exit {
    if !report.errors.is_empty() {
        Exit::Invalid
    } else if report.outcomes.iter().all(Outcome::holds) {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// Renders a check in `format`, to stdout or `output`; `--format github` also appends the
/// summary to $GITHUB_STEP_SUMMARY, where a failure to is a warning.
pub(crate) fn render(
    cli: &Cli,
    (format, output): (CheckFormat, Option<&std::path::Path>),
    report: &Report<'_, '_>,
    warnings: &mut Vec<String>,
) -> Result<(), Exit> {
    let (outcomes, counts) = (report.outcomes, report.counts);
    let color = output.is_none() && Style::stdout(cli.color()).color;
    let duration_ms = counts.duration_ms;
    let text = match format {
        CheckFormat::Human => check::human(outcomes, counts, Style { color }, cli.quiet),
        CheckFormat::Json => {
            let problems = (report.errors, warnings.as_slice());
            json::check(outcomes, counts, problems, report.run) + "\n"
        }
        CheckFormat::Junit => junit::render(outcomes, duration_ms) + "\n",
        CheckFormat::Github => github::annotations(outcomes, counts),
    };
    if format == CheckFormat::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
        && let Err(err) = append(
            std::path::Path::new(&path),
            &github::summary(outcomes, counts),
        )
    {
        warnings.push(format!("cannot append to $GITHUB_STEP_SUMMARY: {err}"));
    }
    super::deliver(cli, output, &text, &counts.closing_line())
}

fn observe_items(
    cli: &Cli,
    args: &CheckArgs,
    loaded: &Loaded,
    on_observed: Option<observe::Sink>,
) -> Result<(observe::Observed, Option<i32>), Exit> {
    let items = loaded.selected();
    let show_progress =
        args.format == CheckFormat::Human && !cli.quiet && std::io::stderr().is_terminal();
    let bar = show_progress.then(progress_bar);
    let on_progress: Option<Box<dyn Fn(usize, usize) + Send + Sync>> = bar.clone().map(|bar| {
        Box::new(move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }) as Box<dyn Fn(usize, usize) + Send + Sync>
    });
    let observed = interruptible(Style::stderr(cli.color()), |interrupt| {
        observe::observe(
            &loaded.project.root,
            &loaded.project.config,
            &loaded.state.items,
            &items,
            Options {
                jobs: jobs(args.jobs),
                interrupt,
                on_progress,
                on_observed,
                registry: None,
            },
        )
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    observed
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} running evidence {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn append(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
