//! `specctl watch`: an observation at start, then one for every relevant file change, with
//! only the affected items re-observed. One ignore matcher decides what is relevant, so
//! specctl never triggers itself.

pub mod affected;
pub mod board;

use crate::config::Config;
use crate::desired::{self, Item};
use crate::input_error::InputError;
use crate::observe::{self, Observation, Verdict};
use crate::reconcile::{self, Event, ReconcileError, Settings};
use crate::report::outcome::Outcome;
use crate::selection::Selector;
use crate::store::Store;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use notify::RecursiveMode;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnBusy {
    /// Let the running observation finish, then run one more.
    Queue,
    /// End the running evidence's process groups and start again.
    Restart,
}

pub struct Options<'a> {
    pub root: &'a Path,
    pub selector: &'a Selector,
    pub jobs: usize,
    pub reconcile: bool,
    pub on_busy: OnBusy,
    pub debounce: Duration,
}

/// What watch tells its renderer.
pub enum WatchEvent<'a> {
    /// The board as it stands: every item with what is known of it, the input errors, and the
    /// verdicts before this observation. `running` while evidence runs, else done.
    Board {
        outcomes: &'a [Outcome<'a>],
        errors: &'a [InputError],
        warnings: &'a [String],
        before: &'a HashMap<String, Verdict>,
        status: &'a str,
        running: bool,
    },
    /// A reconcile pass after an observation left items failing.
    Reconcile(&'a Event),
    /// `--reconcile` without an agent in specctl.yaml.
    NoAgent,
    /// The pass could not run or ended early.
    NoReconcile(&'a ReconcileError),
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch files: {0}")]
    Notify(#[from] notify::Error),
}

type Debouncer = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

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
#[derive(Default)]
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
            (!a.is_scenario(), &a.file, a.line).cmp(&(!b.is_scenario(), &b.file, b.line))
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

/// Runs until Ctrl-C, SIGTERM or SIGHUP sets `stop`.
pub async fn run(
    options: Options<'_>,
    stop: watch::Receiver<bool>,
    emit: &mut dyn FnMut(WatchEvent<'_>),
) -> Result<(), WatchError> {
    let relevance = Relevance::new(options.root);
    let (events_tx, events) = mpsc::unbounded_channel::<Vec<PathBuf>>();
    // The debouncer only merges the several events one save makes; the quiet period that
    // starts an observation is `settle`'s, measured from the last relevant change.
    let debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(10),
        Some(Duration::from_millis(5)),
        move |result: notify_debouncer_full::DebounceEventResult| {
            let Ok(batch) = result else { return };
            let paths: Vec<PathBuf> = batch
                .into_iter()
                .filter(|e| changes_content(&e.event.kind))
                .flat_map(|e| e.event.paths.clone())
                .collect();
            if !paths.is_empty() {
                // The receiver is gone only when watch is ending.
                let _ = events_tx.send(paths);
            }
        },
    )?;
    let mut w = Watcher {
        options,
        relevance,
        events,
        debouncer,
        watched: BTreeSet::new(),
        stop,
        board: Board::default(),
        observations: 0,
    };
    for dir in folders(w.options.root, &w.relevance) {
        w.watch(&dir);
    }
    w.lifetime(emit).await;
    Ok(())
}

/// What a finished observation asks for next.
enum Next {
    /// Wait for a change.
    Idle,
    /// Observe again: everything (`None`) or what these paths affect.
    Again(Option<Vec<String>>),
    /// Stop watching.
    Stop,
}

struct Watcher<'a> {
    options: Options<'a>,
    relevance: Relevance,
    events: mpsc::UnboundedReceiver<Vec<PathBuf>>,
    debouncer: Debouncer,
    watched: BTreeSet<PathBuf>,
    stop: watch::Receiver<bool>,
    board: Board,
    observations: u64,
}

impl Watcher<'_> {
    fn watch(&mut self, dir: &Path) {
        // A folder that vanished before it could be watched has nothing to watch.
        if self
            .debouncer
            .watch(dir, RecursiveMode::NonRecursive)
            .is_ok()
        {
            self.watched.insert(dir.to_path_buf());
        }
    }

    /// Observes at start, then after each settled change, until stopped.
    async fn lifetime(&mut self, emit: &mut dyn FnMut(WatchEvent<'_>)) {
        let mut next = Next::Again(None);
        loop {
            if *self.stop.borrow() {
                return;
            }
            next = match next {
                Next::Stop => return,
                Next::Again(changed) => self.observe(changed, emit).await,
                Next::Idle => match self.wait().await {
                    Some(changed) => Next::Again(Some(changed)),
                    None => return,
                },
            };
        }
    }

    /// The next relevant change, settled; `None` when stopped.
    async fn wait(&mut self) -> Option<Vec<String>> {
        loop {
            tokio::select! {
                Some(paths) = self.events.recv() => {
                    let mut rel = self.relevant(&paths);
                    self.drain(&mut rel);
                    if !rel.is_empty() {
                        self.settle(&mut rel).await;
                        return Some(rel);
                    }
                }
                _ = self.stop.changed() => return None,
            }
        }
    }

    /// One observation of what `changed` affects (everything at start).
    async fn observe(
        &mut self,
        changed: Option<Vec<String>>,
        emit: &mut dyn FnMut(WatchEvent<'_>),
    ) -> Next {
        let shown = (self.board.results.len(), self.board.errors.clone());
        self.board.reload(self.options.root, self.options.selector);
        let to_run = self.affected(changed.as_deref());
        if to_run.is_empty() && changed.is_some() {
            // Nothing to run; a removed scenario or a new syntax error still redraws.
            if (self.board.results.len(), self.board.errors.clone()) != shown {
                self.show(&self.board.verdicts(), "no item to run", false, emit);
            }
            return Next::Idle;
        }
        let before = self.board.verdicts();
        let status = format!("running evidence for {} items…", to_run.len());
        self.show(&before, &status, true, emit);
        let started = Instant::now();
        let (observed, pending) = self.run_evidence(&to_run).await;
        if observed.interrupted {
            if *self.stop.borrow() {
                return Next::Stop;
            }
            // Restarted: what was cut off runs again, with the changes that cut it off.
            let again = Next::Again(changed.map(|mut paths| {
                paths.extend(pending.unwrap_or_default());
                paths
            }));
            return self.settled(again).await;
        }
        self.record(observed);
        let status = format!(
            "observation {}, {} ms",
            self.observations,
            started.elapsed().as_millis()
        );
        self.show(&before, &status, false, emit);
        if let Some(next) = self.reconcile_pass(emit).await {
            return self.settled(next).await;
        }
        match pending {
            Some(paths) => self.settled(Next::Again(Some(paths))).await,
            None => Next::Idle,
        }
    }

    /// Changes to observe wait until the files have been quiet for the debounce period.
    async fn settled(&mut self, next: Next) -> Next {
        match next {
            Next::Again(Some(mut paths)) => {
                self.settle(&mut paths).await;
                Next::Again(Some(paths))
            }
            other => other,
        }
    }

    /// The ids an observation runs: all at start, else what the changed paths affect.
    fn affected(&self, changed: Option<&[String]>) -> Vec<String> {
        let items: Vec<&Item> = self.board.items.iter().collect();
        let ids: BTreeSet<String> = match changed {
            None => items.iter().map(|i| i.id.clone()).collect(),
            Some(paths) => {
                let observed: HashMap<String, String> = self
                    .board
                    .results
                    .iter()
                    .map(|(id, o)| (id.clone(), o.generation.clone()))
                    .collect();
                affected::affected(paths, &observed, &items, &self.board.config)
            }
        };
        items
            .iter()
            .filter(|i| ids.contains(&i.id))
            .map(|i| i.id.clone())
            .collect()
    }

    /// Runs the evidence of `ids`, gathering the changes that arrive meanwhile (and, with
    /// `--on-busy restart`, cutting the run short for them).
    async fn run_evidence(&mut self, ids: &[String]) -> (observe::Observed, Option<Vec<String>>) {
        let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        let all: Vec<Item> = self.board.items.clone();
        let to_run: Vec<&Item> = all
            .iter()
            .filter(|i| wanted.contains(i.id.as_str()))
            .collect();
        let config = self.board.config.clone();
        let (run_tx, run_rx) = watch::channel(false);
        let options = observe::Options {
            jobs: self.options.jobs,
            interrupt: run_rx,
            on_progress: None,
            registry: None,
        };
        let observation = observe::observe(self.options.root, &config, &all, &to_run, options);
        tokio::pin!(observation);
        let mut pending: Option<Vec<String>> = None;
        let observed = loop {
            tokio::select! {
                result = &mut observation => break result,
                Some(paths) = self.events.recv() => {
                    let mut rel = self.relevant(&paths);
                    self.drain(&mut rel);
                    if !rel.is_empty() {
                        pending.get_or_insert_with(Vec::new).extend(rel);
                        if self.options.on_busy == OnBusy::Restart {
                            let _ = run_tx.send(true);
                        }
                    }
                }
                _ = self.stop.changed() => { let _ = run_tx.send(true); }
            }
        };
        (observed, pending)
    }

    fn record(&mut self, observed: observe::Observed) {
        // The store is history for `status`; watch's board is the user's view, and a store
        // that cannot be written is said on the board as a warning.
        if let Err(err) = Store::open(self.options.root).and_then(|s| {
            s.keeping(self.board.config.store.keep)
                .record(&observed.observations)
        }) {
            self.board.warnings.push(err.to_string());
        }
        for o in observed.observations {
            self.board.results.insert(o.id.clone(), o);
        }
        self.board.warnings.extend(observed.warnings);
        self.observations += 1;
    }

    fn show(
        &self,
        before: &HashMap<String, Verdict>,
        status: &str,
        running: bool,
        emit: &mut dyn FnMut(WatchEvent<'_>),
    ) {
        let outcomes = self.board.outcomes();
        emit(WatchEvent::Board {
            outcomes: &outcomes,
            errors: &self.board.errors,
            warnings: &self.board.warnings,
            before,
            status,
            running,
        });
    }

    /// With `--reconcile`, one pass when the observation left items failing; what the agent
    /// wrote is observed once afterwards, not once per write.
    async fn reconcile_pass(&mut self, emit: &mut dyn FnMut(WatchEvent<'_>)) -> Option<Next> {
        let failing = self.board.results.values().any(|o| !o.verdict.holds());
        if !self.options.reconcile || !self.board.errors.is_empty() || !failing {
            return None;
        }
        if self.board.config.agents.is_empty() {
            emit(WatchEvent::NoAgent);
            return None;
        }
        let settings = Settings {
            root: self.options.root,
            config: &self.board.config,
            selector: self.options.selector,
            jobs: self.options.jobs,
            interrupt: self.stop.clone(),
            new_session: false,
        };
        match reconcile::reconcile(settings, &mut |e| emit(WatchEvent::Reconcile(&e))).await {
            // What the pass achieved shows on the next observation's board.
            Ok(_) => {}
            Err(ReconcileError::Interrupted) => return Some(Next::Stop),
            Err(err) => emit(WatchEvent::NoReconcile(&err)),
        }
        let mut rel = Vec::new();
        self.drain(&mut rel);
        let files = self
            .board
            .items
            .iter()
            .map(|i| i.file.clone())
            .chain(rel)
            .collect();
        self.board.results.clear();
        Some(Next::Again(Some(files)))
    }

    fn relevant(&mut self, paths: &[PathBuf]) -> Vec<String> {
        relevant_paths(
            &self.relevance,
            paths,
            &mut self.debouncer,
            &mut self.watched,
        )
    }

    fn drain(&mut self, into: &mut Vec<String>) {
        drain(
            &mut self.events,
            &self.relevance,
            &mut self.debouncer,
            &mut self.watched,
            into,
        );
    }

    async fn settle(&mut self, into: &mut Vec<String>) {
        settle(
            &mut self.events,
            &self.relevance,
            &mut self.debouncer,
            &mut self.watched,
            self.options.debounce,
            into,
        )
        .await;
    }
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
    debouncer: &mut Debouncer,
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
    debouncer: &mut Debouncer,
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
    debouncer: &mut Debouncer,
    watched: &mut BTreeSet<PathBuf>,
    into: &mut Vec<String>,
) {
    while let Ok(paths) = events.try_recv() {
        into.extend(relevant_paths(relevance, &paths, debouncer, watched));
    }
}
