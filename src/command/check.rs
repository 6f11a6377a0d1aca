//! `specctl check`: observe once, record the observation, report it.

use super::{Loaded, interruptible, jobs, load, print_problems};
use crate::cli::{CheckArgs, CheckFormat, Cli};
use crate::exit::Exit;
use crate::observe::{self, Observation, Options};
use crate::report::outcome::{Counts, Outcome};
use crate::report::{check, github, json, junit, style::Style};
use crate::store::Store;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Instant;

pub fn run(cli: &Cli, args: &CheckArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    if loaded.project.config_error.is_some() {
        // Evidence named by a broken configuration cannot be trusted to be the right one.
        print_problems(&loaded.state, &[], err_style);
        return Exit::Invalid;
    }
    let started = Instant::now();
    let (observed, signal) = match observe_items(cli, args, &loaded) {
        Ok(observed) => observed,
        Err(exit) => return exit,
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let mut warnings = loaded.state.warnings.clone();
    warnings.extend(observed.warnings.iter().cloned());
    let recorded = Store::open(&loaded.project.root).and_then(|s| {
        s.keeping(loaded.project.config.store.keep)
            .record(&observed.observations)
    });
    if let Err(err) = recorded {
        warnings.push(err.to_string());
    }
    let items = loaded.selected();
    let by_id: HashMap<&str, &Observation> = observed
        .observations
        .iter()
        .map(|o| (o.id.as_str(), o))
        .collect();
    let outcomes: Vec<Outcome<'_>> = items
        .iter()
        .map(|i| Outcome::from_observation(i, by_id.get(i.id.as_str()).copied()))
        .collect();
    let counts = Counts::of(&outcomes, duration_ms);
    if let Err(exit) = report(cli, args, &loaded, &outcomes, &counts, &mut warnings) {
        return exit;
    }
    if args.format != CheckFormat::Json {
        print_problems(&loaded.state, &warnings, err_style);
    }
    if observed.interrupted {
        eprintln!(
            "{} interrupted: every evidence process was ended",
            err_style.yellow(&err_style.bold("warning:"))
        );
        Exit::interrupted_by(signal)
    } else if !loaded.state.errors.is_empty() {
        Exit::Invalid
    } else if outcomes.iter().all(Outcome::holds) {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// Renders the observation in the chosen format, to stdout or `--output`.
fn report(
    cli: &Cli,
    args: &CheckArgs,
    loaded: &Loaded,
    outcomes: &[Outcome<'_>],
    counts: &Counts,
    warnings: &mut Vec<String>,
) -> Result<(), Exit> {
    let color = args.output.is_none() && Style::stdout(cli.color()).color;
    let duration_ms = counts.duration_ms;
    let text = match args.format {
        CheckFormat::Human => check::human(outcomes, counts, Style { color }, cli.quiet),
        CheckFormat::Json => json::check(outcomes, counts, &loaded.state.errors, warnings) + "\n",
        CheckFormat::Junit => junit::render(outcomes, duration_ms) + "\n",
        CheckFormat::Github => github::annotations(outcomes, counts),
    };
    if args.format == CheckFormat::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
        && let Err(err) = append(
            std::path::Path::new(&path),
            &github::summary(outcomes, counts),
        )
    {
        warnings.push(format!("cannot append to $GITHUB_STEP_SUMMARY: {err}"));
    }
    super::deliver(cli, args.output.as_deref(), &text, &counts.closing_line())
}

fn observe_items(
    cli: &Cli,
    args: &CheckArgs,
    loaded: &Loaded,
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
