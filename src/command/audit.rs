//! `specctl audit`: the static rules, and with `--mutants` the baseline and every mutant;
//! the findings rendered in the chosen format, recorded so `never-red` learns.

use super::{Loaded, interruptible, jobs, load, print_problems};
use crate::audit::run::{self, Outcome, Plan};
use crate::audit::sources::{self, Sources};
use crate::audit::{Audit, Finding, Status, Tested, judge, specs};
use crate::cli::{AuditArgs, AuditFormat, Cli};
use crate::exit::Exit;
use crate::partition::Partition;
use crate::process::Owned;
use crate::report::style::Style;
use crate::store::Store;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::IsTerminal;
use std::time::Instant;

pub fn run(cli: &Cli, args: &AuditArgs) -> Exit {
    let style = Style::stderr(cli.color());
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let started = Instant::now();
    let groups = groups(&loaded.project.root);
    // A kill -9 of an earlier audit may have left a mutant's evidence running in its copy.
    if let Ok((Err(err), _)) = interruptible(style, |_| Owned::end_orphans(&groups)) {
        eprintln!(
            "{} cannot end what an earlier audit left running: {err}",
            style.yellow(&style.bold("warning:"))
        );
    }
    let mut audit = Audit {
        warnings: loaded.state.warnings.clone(),
        ..Audit::default()
    };
    let items = loaded.selected();
    let root = &loaded.project.root;
    let documents = specs::documents(root, &loaded.project.config, &items);
    audit.findings = crate::audit::rules::check(&items, &documents, &loaded.project.config);
    let mut store = Store::open(root).map(|s| s.keeping(loaded.project.config.store.keep));
    let mut red = red_items(&store, &mut audit.warnings);
    let invalid = loaded.project.config_error.is_some() || !loaded.state.errors.is_empty();
    let mut signal = None;
    let mut sources = Sources::default();
    if args.mutants {
        if invalid {
            // Mutants judged against evidence named by broken input could not be trusted.
            print_problems(&loaded.state, &audit.warnings, style);
            return Exit::Invalid;
        }
        match mutate(cli, args, &loaded, &mut store, &mut audit) {
            Ok((found, stopped_by)) => {
                sources = found;
                signal = stopped_by;
            }
            Err(exit) => return exit,
        }
        red.extend(judge::killers(&audit.mutants));
    }
    if let Some(tier) = &args.adversary {
        match adversary(cli, args, (&loaded, invalid), tier, &mut audit) {
            Ok(stopped_by) => signal = signal.or(stopped_by),
            Err(exit) => return exit,
        }
    }
    never_red(&mut audit, &items, &red, args.mutants);
    audit.duration_ms = started.elapsed().as_millis() as u64;
    if (args.mutants || args.adversary.is_some())
        && let Ok(store) = &mut store
        && let Err(err) = store.record_audit(&audit)
    {
        audit.warnings.push(err.to_string());
    }
    crate::audit::finding::sort(&mut audit.findings);
    if audit.run.is_none() {
        audit.run = Some(loaded.run([], args.partition.unwrap_or(Partition::WHOLE)));
    }
    let to = (args.format, args.output.as_deref());
    let root = &loaded.project.root;
    if let Err(exit) = render(cli, to, &audit, root, &sources.texts) {
        return exit;
    }
    if args.format != AuditFormat::Json {
        print_problems(&loaded.state, &audit.warnings, style);
    }
    exit(&audit, invalid, signal)
}

/// Every item the store has seen fail; none, with a warning, where it cannot say.
fn red_items(
    store: &Result<Store, crate::store::StoreError>,
    warnings: &mut Vec<String>,
) -> HashSet<String> {
    let red = match store {
        Ok(store) => store.red_items().map_err(|err| err.to_string()),
        Err(err) => Err(err.to_string()),
    };
    red.unwrap_or_else(|err| {
        warnings.push(err);
        HashSet::new()
    })
}

/// `--adversary TIER`: its attempts and findings put into `audit`; `Ok` carries the signal
/// that stopped it, if one did.
fn adversary(
    cli: &Cli,
    args: &AuditArgs,
    (loaded, invalid): (&Loaded, bool),
    tier: &str,
    audit: &mut Audit,
) -> Result<Option<i32>, Exit> {
    if invalid {
        // An attempt judged against evidence named by broken input could not be trusted.
        print_problems(&loaded.state, &audit.warnings, Style::stderr(cli.color()));
        return Err(Exit::Invalid);
    }
    let groups = groups(&loaded.project.root);
    super::adversary::attack(cli, loaded, (tier, args.jobs), audit, &groups)
}

/// `never-red` for the selected items nothing has seen fail: an error only for an item some
/// viable mutant was covered by, since only those had a chance to go red.
fn never_red(
    audit: &mut Audit,
    items: &[&crate::desired::Item],
    red: &HashSet<String>,
    mutants: bool,
) {
    let judged = judge::judged(&audit.mutants);
    let (by_mutants, others): (Vec<&crate::desired::Item>, Vec<_>) = items
        .iter()
        .partition(|i| mutants && judged.contains(&i.id));
    audit
        .findings
        .extend(crate::audit::rules::never_red(&by_mutants, red, true));
    audit
        .findings
        .extend(crate::audit::rules::never_red(&others, red, false));
}

/// Finds the sources, makes the mutants, runs the baseline and the mutants. `Err` is the
/// exit when nothing could be judged: invalid input (2), a baseline that fails (4), Ctrl-C.
fn mutate(
    cli: &Cli,
    args: &AuditArgs,
    loaded: &Loaded,
    store: &mut Result<Store, crate::store::StoreError>,
    audit: &mut Audit,
) -> Result<(Sources, Option<i32>), Exit> {
    let style = Style::stderr(cli.color());
    let root = &loaded.project.root;
    let config = &loaded.project.config;
    let items = loaded.selected();
    let fatal = |err: &dyn std::fmt::Display| super::fatal(style, err);
    let found = sources::find(root, config, &items).map_err(|e| fatal(&e))?;
    audit.warnings.extend(found.warnings.iter().cloned());
    let changed = match &args.since {
        Some(reference) => Some(since(root, reference, &found).map_err(|e| fatal(&e))?),
        None => None,
    };
    let mutants = sources::mutants(
        &found,
        args.all_mutants,
        changed.as_ref(),
        &mut audit.warnings,
    );
    let mutants = slice(args, loaded, mutants, audit);
    if mutants.is_empty() && audit.run.as_ref().is_some_and(|r| !r.partition.is_whole()) {
        return Ok((found, None));
    }
    if mutants.is_empty() {
        audit
            .warnings
            .push("no mutant could be made of the sources: nothing was run".into());
        return Ok((found, None));
    }
    let bar = progress(cli, args, mutants.len());
    let counts = std::cell::RefCell::new(BTreeMap::<Status, usize>::new());
    let on_tested = |t: &Tested, total: usize| {
        *counts.borrow_mut().entry(t.status).or_default() += 1;
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.inc(1);
            bar.set_message(tally(&counts.borrow()));
        }
    };
    let all = &loaded.state.items;
    let (texts, selected) = (&found.texts, &items);
    let ((outcome, interrupted), signal) = interruptible(style, |interrupt| async move {
        let plan = Plan {
            root,
            config,
            all,
            selected,
            jobs: jobs(args.jobs),
            interrupt: interrupt.clone(),
            registry: Owned::mine(&groups(root)),
        };
        let outcome = run::run(&plan, texts, mutants, on_tested).await;
        (outcome, *interrupt.borrow())
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let outcome = outcome.map_err(|e| fatal(&e))?;
    learned(store, style, outcome, interrupted, signal, audit)?;
    Ok((found, signal))
}

/// This slice's mutants (`--partition`, by each mutant's place), with the run they are part
/// of put into `audit`: the items and every mutant, before slicing.
fn slice(
    args: &AuditArgs,
    loaded: &Loaded,
    mutants: Vec<crate::audit::Mutant>,
    audit: &mut Audit,
) -> Vec<crate::audit::Mutant> {
    let partition = args.partition.unwrap_or(Partition::WHOLE);
    let keys: Vec<String> = mutants.iter().map(crate::audit::Mutant::key).collect();
    audit.run = Some(loaded.run(keys.iter().cloned(), partition));
    let total = mutants.len();
    let mine: Vec<_> = mutants
        .into_iter()
        .zip(&keys)
        .filter(|(_, key)| partition.is_whole() || partition.contains(key))
        .map(|(m, _)| m)
        .collect();
    if mine.is_empty() && total > 0 {
        audit.warnings.push(format!(
            "slice {partition} holds none of the {total} mutants: only the static rules ran here"
        ));
    }
    mine
}

/// What the mutant run taught, put into `audit`; `Err` is the exit when it taught nothing.
fn learned(
    store: &mut Result<Store, crate::store::StoreError>,
    style: Style,
    outcome: Outcome,
    interrupted: bool,
    signal: Option<i32>,
    audit: &mut Audit,
) -> Result<(), Exit> {
    match outcome {
        Outcome::BaselineFails(failing) => Err(baseline_fails(style, &failing)),
        Outcome::Interrupted => {
            eprintln!(
                "{} interrupted before the baseline held: nothing was judged",
                style.yellow(&style.bold("warning:"))
            );
            Err(Exit::interrupted_by(signal))
        }
        Outcome::Ran {
            ran,
            baseline_ms,
            baseline,
        } => {
            // A store that cannot be opened was warned about already.
            if let Ok(store) = store
                && let Err(err) = store.record(&baseline)
            {
                audit.warnings.push(err.to_string());
            }
            audit.baseline_ms = Some(baseline_ms);
            audit.interrupted = ran.interrupted || interrupted;
            audit.warnings.extend(ran.warnings);
            audit.findings.extend(judge::survivors(&ran.tested));
            audit.mutants = ran.tested;
            Ok(())
        }
    }
}

/// Where the groups audits start are recorded, a registry per run: apart from reconcile's,
/// so an audit never ends a running reconcile's agent, nor another live audit's evidence.
fn groups(root: &std::path::Path) -> std::path::PathBuf {
    root.join(crate::store::DIR).join("audit-groups")
}

fn tally(counts: &BTreeMap<Status, usize>) -> String {
    let n = |s: Status| counts.get(&s).copied().unwrap_or(0);
    format!(
        "{} killed, {} survived, {} timeout, {} unviable",
        n(Status::Killed),
        n(Status::Survived),
        n(Status::Timeout),
        n(Status::Unviable)
    )
}

fn progress(cli: &Cli, args: &AuditArgs, total: usize) -> Option<indicatif::ProgressBar> {
    let show = args.format == AuditFormat::Human && !cli.quiet && std::io::stderr().is_terminal();
    show.then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} mutants {pos}/{len} · {msg} · {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    })
}

/// Exit 4, naming every item that does not hold unmutated.
fn baseline_fails(style: Style, failing: &[crate::observe::Observation]) -> Exit {
    eprintln!(
        "{} the baseline does not hold: every selected item must pass before mutants can be judged",
        style.red(&style.bold("error:"))
    );
    for o in failing {
        eprintln!("  {} {}", o.verdict.as_str(), o.id);
    }
    if failing.is_empty() {
        eprintln!("  some items got no verdict: run `specctl check` to see them");
    }
    eprintln!("run `specctl check` and make it pass, then audit again");
    Exit::BaselineFails
}

/// The lines of the sources changed since `reference`, from git.
fn since(
    root: &std::path::Path,
    reference: &str,
    found: &Sources,
) -> Result<BTreeMap<String, BTreeSet<usize>>, crate::audit::AuditError> {
    let failed = |message: String| crate::audit::AuditError::Since {
        reference: reference.to_string(),
        message,
    };
    let output = std::process::Command::new("git")
        .args([
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            reference,
            "--",
        ])
        .args(found.texts.keys())
        .current_dir(root)
        .output()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!("git says: {}", stderr.trim())));
    }
    Ok(crate::audit::mutate::since::changed_lines(
        &String::from_utf8_lossy(&output.stdout),
    ))
}

/// Renders the audit in `format`, to stdout or `output`; `sources` are the mutated files'
/// texts, and the files the findings point into are read from `root` for the excerpts.
pub(crate) fn render(
    cli: &Cli,
    (format, output): (AuditFormat, Option<&std::path::Path>),
    audit: &Audit,
    root: &std::path::Path,
    sources: &BTreeMap<String, String>,
) -> Result<(), Exit> {
    let texts = texts(root, &audit.findings, sources);
    let color = output.is_none() && Style::stdout(cli.color()).color;
    let text = match format {
        AuditFormat::Human => {
            crate::report::audit::human(audit, &texts, Style { color }, cli.quiet)
        }
        AuditFormat::Json => crate::report::json::audit(audit) + "\n",
        AuditFormat::Sarif => crate::report::sarif::sarif(audit) + "\n",
        AuditFormat::Stryker => crate::report::stryker::stryker(audit, sources) + "\n",
    };
    super::deliver(
        cli,
        output,
        &text,
        &crate::report::audit::summary_line(&audit.summary()),
    )
}

/// The exit of an audit that got as far as its findings.
pub(crate) fn exit(audit: &Audit, invalid: bool, signal: Option<i32>) -> Exit {
    if audit.interrupted {
        Exit::interrupted_by(signal)
    } else if invalid {
        Exit::Invalid
    } else if audit.has_errors() {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// The text of every file a finding points into, and of every mutated source.
fn texts(
    root: &std::path::Path,
    findings: &[Finding],
    sources: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut texts = sources.clone();
    for f in findings {
        if !texts.contains_key(&f.file)
            && let Ok(text) = std::fs::read_to_string(root.join(&f.file))
        {
            texts.insert(f.file.clone(), text);
        }
    }
    texts
}
