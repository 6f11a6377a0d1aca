//! `specctl watch`: an observation at start, then one for every relevant file change, with
//! only the affected items re-observed. One ignore matcher decides what is relevant, so
//! specctl never triggers itself.

pub mod affected;
pub mod board;

use crate::config::Config;
use crate::desired::{self, Item};
use crate::exit::Exit;
use crate::input_error::InputError;
use crate::observe::{self, Observation, Verdict};
use crate::reconcile::run::{End, Settings, reconcile};
use crate::report::outcome::{Counts, Outcome};
use crate::report::{diagnostic, json, style::Style};
use crate::selection::Selector;
use crate::store::Store;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use notify::RecursiveMode;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnBusy {
    /// Let the running observation finish, then run one more
    Queue,
    /// End the running evidence's process groups and start again
    Restart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A live board on a terminal.
    Board,
    /// A line per transition.
    Lines,
    /// One JSON document per observation, a line each.
    Json,
}

pub struct Options<'a> {
    pub root: &'a Path,
    pub selector: &'a Selector,
    pub jobs: usize,
    pub output: Output,
    pub style: Style,
    pub reconcile: bool,
    pub on_busy: OnBusy,
    pub debounce: Duration,
}

/// Paths that never trigger an observation, whatever the ignore files say: specctl's own
/// state, version control, build folders and editors' scratch files.
fn always_ignored(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel.split('/').any(|part| {
        matches!(
            part,
            ".specctl" | ".git" | "target" | "node_modules" | "__pycache__"
        )
    }) || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// The one matcher shared by the watcher: .gitignore and .ignore at the root, plus the
/// paths above.
pub struct Relevance {
    root: PathBuf,
    ignore: Gitignore,
}

impl Relevance {
    pub fn new(root: &Path) -> Relevance {
        let mut builder = GitignoreBuilder::new(root);
        for name in [".gitignore", ".ignore"] {
            let path = root.join(name);
            if path.is_file() {
                let _ = builder.add(path);
            }
        }
        let ignore = builder.build().unwrap_or_else(|_| Gitignore::empty());
        Relevance {
            root: root.to_path_buf(),
            ignore,
        }
    }

    /// The root-relative path when `path` may matter, else `None`.
    pub fn relevant(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let text = rel.to_string_lossy().replace('\\', "/");
        if text.is_empty() || always_ignored(&text) {
            return None;
        }
        let is_dir = path.is_dir();
        if self
            .ignore
            .matched_path_or_any_parents(rel, is_dir)
            .is_ignore()
        {
            return None;
        }
        Some(text)
    }
}

/// Every folder under `root` worth watching: the walk honours the ignore files.
fn folders(root: &Path, relevance: &Relevance) -> Vec<PathBuf> {
    ignore::WalkBuilder::new(root)
        .require_git(false)
        .filter_entry(|e| !always_ignored(&e.file_name().to_string_lossy()))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_dir()))
        .map(|e| e.into_path())
        .filter(|p| p == root || relevance.relevant(p).is_some())
        .collect()
}

/// What watch knows between observations.
struct Board {
    config: Config,
    config_error: Option<InputError>,
    items: Vec<Item>,
    /// The items of each file as last parsed without errors: a file saved mid-edit keeps
    /// its items (and their verdicts) on the board while its errors are shown.
    last_good: HashMap<String, Vec<Item>>,
    errors: Vec<InputError>,
    warnings: Vec<String>,
    results: HashMap<String, Observation>,
}

impl Board {
    fn reload(&mut self, root: &Path, selector: &Selector) {
        match Config::load(root) {
            Ok(config) => {
                self.config = config;
                self.config_error = None;
            }
            Err(err) => self.config_error = Some(err),
        }
        let state = desired::load(root, &self.config);
        let broken: BTreeSet<String> = state.errors.iter().map(|e| e.file.clone()).collect();
        let mut by_file: HashMap<String, Vec<Item>> = HashMap::new();
        for item in state.items {
            by_file.entry(item.file.clone()).or_default().push(item);
        }
        let mut items = Vec::new();
        let mut files: BTreeSet<String> = by_file.keys().cloned().collect();
        files.extend(
            broken
                .iter()
                .filter(|f| self.last_good.contains_key(*f))
                .cloned(),
        );
        for file in files {
            let list = if broken.contains(&file) {
                self.last_good.get(&file).cloned().unwrap_or_default()
            } else {
                let list = by_file.remove(&file).unwrap_or_default();
                self.last_good.insert(file.clone(), list.clone());
                list
            };
            items.extend(list.into_iter().filter(|i| selector.matches(i)));
        }
        // Scenarios first, in file order, then aspects, as every other command lists them.
        items.sort_by(|a, b| {
            (a.kind != desired::ItemKind::Scenario, &a.file, a.line).cmp(&(
                b.kind != desired::ItemKind::Scenario,
                &b.file,
                b.line,
            ))
        });
        let listed: BTreeSet<&str> = items.iter().map(|i| i.file.as_str()).collect();
        self.last_good.retain(|file, _| {
            broken.contains(file) || listed.contains(file.as_str()) || Path::new(file).exists()
        });
        self.items = items;
        self.errors = self
            .config_error
            .iter()
            .cloned()
            .chain(state.errors)
            .collect();
        self.warnings = state.warnings;
        let ids: BTreeSet<&str> = self.items.iter().map(|i| i.id.as_str()).collect();
        self.results.retain(|id, _| ids.contains(id.as_str()));
    }

    fn verdicts(&self) -> HashMap<String, Verdict> {
        self.results
            .iter()
            .map(|(id, o)| (id.clone(), o.verdict))
            .collect()
    }

    fn outcomes(&self) -> Vec<Outcome<'_>> {
        self.items
            .iter()
            .map(|item| {
                let o = self.results.get(&item.id);
                Outcome {
                    item,
                    verdict: o.map(|o| o.verdict),
                    duration_ms: o.map_or(0, |o| o.duration_ms),
                    message: o.and_then(|o| o.message.clone()),
                    stale: o.is_some_and(|o| o.generation != item.generation),
                }
            })
            .collect()
    }
}

/// Runs until Ctrl-C (or SIGTERM); returns the exit code.
pub async fn run(options: Options<'_>) -> Exit {
    let root = options.root;
    let relevance = Relevance::new(root);
    let (events_tx, mut events) = mpsc::unbounded_channel::<Vec<PathBuf>>();
    // The debouncer only merges the several events one save makes; the quiet period that
    // starts an observation is `settle`'s, measured from the last relevant change.
    let mut debouncer = match notify_debouncer_full::new_debouncer(
        Duration::from_millis(10),
        Some(Duration::from_millis(5)),
        move |result: notify_debouncer_full::DebounceEventResult| {
            if let Ok(batch) = result {
                let paths: Vec<PathBuf> = batch
                    .into_iter()
                    .filter(|e| changes_content(&e.event.kind))
                    .flat_map(|e| e.event.paths.clone())
                    .collect();
                if paths.is_empty() {
                    return;
                }
                let _ = events_tx.send(paths);
            }
        },
    ) {
        Ok(d) => d,
        Err(err) => {
            eprintln!("error: cannot watch files: {err}");
            return Exit::Invalid;
        }
    };
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    for dir in folders(root, &relevance) {
        if debouncer.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
            watched.insert(dir);
        }
    }

    let (stop_tx, mut stop) = watch::channel(false);
    let signals = tokio::spawn(crate::command::check::stop_on_signal(stop_tx));
    let mut board = Board {
        config: Config::default(),
        config_error: None,
        items: Vec::new(),
        last_good: HashMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        results: HashMap::new(),
    };
    let mut pending: Option<Vec<String>> = None;
    let mut first = true;
    let mut observations = 0u64;
    loop {
        if *stop.borrow() {
            break;
        }
        if first || pending.is_some() {
            if !first {
                settle(
                    &mut events,
                    &relevance,
                    &mut debouncer,
                    &mut watched,
                    options.debounce,
                    pending.get_or_insert_with(Vec::new),
                )
                .await;
            }
            let changed = if first { None } else { pending.take() };
            first = false;
            let shown = (board.results.len(), board.errors.clone());
            board.reload(root, options.selector);
            let observed_gen: HashMap<String, String> = board
                .results
                .iter()
                .map(|(id, o)| (id.clone(), o.generation.clone()))
                .collect();
            let items: Vec<&Item> = board.items.iter().collect();
            let ids: BTreeSet<String> = match &changed {
                None => items.iter().map(|i| i.id.clone()).collect(),
                Some(paths) => affected::affected(paths, &observed_gen, &items, &board.config),
            };
            let to_run: Vec<&Item> = items
                .iter()
                .copied()
                .filter(|i| ids.contains(&i.id))
                .collect();
            if to_run.is_empty() && changed.is_some() {
                // Nothing to run; a removed scenario or a new syntax error still redraws.
                if (board.results.len(), board.errors.clone()) != shown {
                    render(
                        &options,
                        &board,
                        &board.verdicts(),
                        observations,
                        "no item to run",
                    );
                }
                continue;
            }
            let before = board.verdicts();
            if options.output == Output::Board {
                render(
                    &options,
                    &board,
                    &before,
                    observations,
                    &format!("running evidence for {} items…", to_run.len()),
                );
            }
            let (run_tx, run_rx) = watch::channel(false);
            let started = Instant::now();
            let all: Vec<Item> = board.items.clone();
            let config = board.config.clone();
            let observation = observe::observe(
                root,
                &config,
                &all,
                &to_run,
                observe::Options {
                    jobs: options.jobs,
                    interrupt: run_rx,
                    on_progress: None,
                },
            );
            tokio::pin!(observation);
            let observed = loop {
                tokio::select! {
                    result = &mut observation => break result,
                    Some(paths) = events.recv() => {
                        let mut rel = relevant_paths(&relevance, &paths, &mut debouncer, &mut watched);
                        drain(&mut events, &relevance, &mut debouncer, &mut watched, &mut rel);
                        if !rel.is_empty() {
                            pending.get_or_insert_with(Vec::new).extend(rel);
                            if options.on_busy == OnBusy::Restart {
                                let _ = run_tx.send(true);
                            }
                        }
                    }
                    _ = stop.changed() => { let _ = run_tx.send(true); }
                }
            };
            if observed.interrupted && *stop.borrow() {
                break;
            }
            if observed.interrupted {
                // Restarted: what was cut off runs again, with the changes that cut it off.
                match changed {
                    None => {
                        first = true;
                        pending = None;
                    }
                    Some(paths) => pending.get_or_insert_with(Vec::new).extend(paths),
                }
                continue;
            }
            if let Ok(mut store) = Store::open(root) {
                let _ = store.record(&observed.observations);
            }
            for o in observed.observations {
                board.results.insert(o.id.clone(), o);
            }
            board.warnings.extend(observed.warnings);
            observations += 1;
            let status = format!(
                "observation {observations}, {} ms",
                started.elapsed().as_millis()
            );
            render(&options, &board, &before, observations, &status);

            if options.reconcile
                && board.errors.is_empty()
                && board.results.values().any(|o| !o.verdict.holds())
            {
                if board.config.agents.is_empty() {
                    eprintln!("{}", crate::command::reconcile::NO_AGENT);
                } else {
                    let end = reconcile(Settings {
                        root,
                        config: &board.config,
                        selector: options.selector,
                        jobs: options.jobs,
                        style: options.style,
                        interrupt: stop.clone(),
                        log_to_stderr: options.output == Output::Json,
                        new_session: false,
                    })
                    .await;
                    match &end {
                        End::Interrupted => break,
                        End::Busy(why) | End::Store(why) => {
                            eprintln!("warning: no reconcile pass: {why}")
                        }
                        _ => {}
                    }
                    // What the agent wrote during its turns was observed by the reconcile
                    // itself: one fresh observation now, not one per write.
                    let mut rel = Vec::new();
                    drain(
                        &mut events,
                        &relevance,
                        &mut debouncer,
                        &mut watched,
                        &mut rel,
                    );
                    pending = Some(
                        board
                            .items
                            .iter()
                            .map(|i| i.file.clone())
                            .chain(rel)
                            .collect(),
                    );
                    board.results.clear();
                }
            }
            continue;
        }
        tokio::select! {
            Some(paths) = events.recv() => {
                let mut rel = relevant_paths(&relevance, &paths, &mut debouncer, &mut watched);
                drain(&mut events, &relevance, &mut debouncer, &mut watched, &mut rel);
                if !rel.is_empty() {
                    pending = Some(rel);
                }
            }
            _ = stop.changed() => break,
        }
    }
    signals.abort();
    Exit::Interrupted
}

/// Reading a file (the evidence reads specs and configuration) is not a change; writing,
/// creating, removing, renaming and touching are.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Other => false,
    }
}

/// The relevant paths of a batch; new folders are watched as they appear.
fn relevant_paths(
    relevance: &Relevance,
    paths: &[PathBuf],
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: &mut BTreeSet<PathBuf>,
) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        let Some(rel) = relevance.relevant(path) else {
            continue;
        };
        // A folder that appears (or reappears: a removed one loses its watch) is watched anew.
        if path.is_dir() {
            for dir in folders(path, relevance) {
                if debouncer.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
                    watched.insert(dir);
                }
            }
        }
        out.push(rel);
    }
    out.sort();
    out.dedup();
    out
}

/// Waits until no relevant change has come for `quiet`, gathering what comes meanwhile: a
/// burst (a checkout touching a thousand files) is one observation.
async fn settle(
    events: &mut mpsc::UnboundedReceiver<Vec<PathBuf>>,
    relevance: &Relevance,
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: &mut BTreeSet<PathBuf>,
    quiet: Duration,
    into: &mut Vec<String>,
) {
    while let Ok(Some(paths)) = tokio::time::timeout(quiet, events.recv()).await {
        into.extend(relevant_paths(relevance, &paths, debouncer, watched));
    }
    into.sort();
    into.dedup();
}

/// Takes every batch already waiting, so a burst (a checkout touching a thousand files) is
/// one observation.
fn drain(
    events: &mut mpsc::UnboundedReceiver<Vec<PathBuf>>,
    relevance: &Relevance,
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: &mut BTreeSet<PathBuf>,
    into: &mut Vec<String>,
) {
    while let Ok(paths) = events.try_recv() {
        into.extend(relevant_paths(relevance, &paths, debouncer, watched));
    }
}

fn render(
    options: &Options<'_>,
    board: &Board,
    before: &HashMap<String, Verdict>,
    _n: u64,
    status: &str,
) {
    let outcomes = board.outcomes();
    let now: Vec<(&Item, Option<Verdict>)> = outcomes.iter().map(|o| (o.item, o.verdict)).collect();
    let moved = board::transitions(before, &now);
    let text = match options.output {
        Output::Json => {
            let counts = Counts::of(&outcomes, 0);
            let doc = json::check(&outcomes, &counts, &board.errors, &board.warnings);
            // One document per line.
            serde_json::from_str::<serde_json::Value>(&doc)
                .map(|v| format!("{v}\n"))
                .unwrap_or_default()
        }
        Output::Board => {
            let mut text = board::board(&outcomes, status, &moved, options.style);
            for err in &board.errors {
                text.push_str(&diagnostic::render(err, options.style));
            }
            text
        }
        Output::Lines => {
            let mut text = board::lines(&moved, options.style);
            for err in &board.errors {
                text.push_str(&format!("error: {err}\n"));
            }
            if !status.starts_with("running") {
                text.push_str(&format!("{}\n", Counts::of(&outcomes, 0).closing_line()));
            }
            text
        }
    };
    crate::command::print(&text);
}
