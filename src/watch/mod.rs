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
use std::collections::{BTreeSet, HashMap, HashSet};
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

/// The board as it stands: every item with what is known of it, the input errors, and the
/// items this observation runs, each with its verdict before. `running` while evidence
/// runs, else done.
pub struct Shown<'a> {
    pub outcomes: &'a [Outcome<'a>],
    pub errors: &'a [InputError],
    pub warnings: &'a [String],
    pub before: &'a HashMap<String, Option<Verdict>>,
    pub status: &'a str,
    pub running: bool,
}

/// What watch tells its renderers.
pub enum WatchEvent<'a> {
    Board(Shown<'a>),
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
    /// Every spec and aspect file as last read: a change re-reads only what it touched.
    cache: desired::Cache,
    items: Vec<Item>,
    /// The items of each file that has errors now, as last read without them: a file saved
    /// mid-edit keeps its items (and their verdicts) on the board while its errors are shown.
    last_good: HashMap<String, Vec<Item>>,
    errors: Vec<InputError>,
    warnings: Vec<String>,
    results: HashMap<String, Observation>,
}

impl Board {
    /// Reads what `changed` touched (everything at start, or when specctl.yaml changed).
    fn reload(&mut self, root: &Path, selector: &Selector, changed: Option<&[String]>) {
        let whole = changed.is_none_or(|c| c.iter().any(|p| p == crate::config::FILE_NAME));
        let touched = match changed {
            Some(changed) if !whole => {
                let cache = std::mem::take(&mut self.cache);
                cache.each(|f| {
                    if changed.iter().any(|c| c == f.file) {
                        self.keep_good(f);
                    }
                });
                self.cache = cache;
                Some(self.cache.update(root, &self.config, changed))
            }
            _ => {
                match Config::load(root) {
                    Ok(config) => {
                        self.config = config;
                        self.config_error = None;
                    }
                    Err(err) => self.config_error = Some(err),
                }
                let fresh = desired::Cache::read(root, &self.config);
                // Only a file that has errors now needs its last good items kept.
                let mut broken = HashSet::new();
                fresh.each(|f| {
                    if !f.errors.is_empty() {
                        broken.insert(f.file.to_string());
                    }
                });
                std::mem::replace(&mut self.cache, fresh).each(|f| {
                    if broken.contains(f.file) {
                        self.keep_good(f);
                    }
                });
                None
            }
        };
        // An aspect's name may free or take another file's: aspects are assembled whole.
        match touched {
            Some(files) if files.iter().all(|f| self.spec_only(f)) => {
                self.assemble_files(selector, &files)
            }
            _ => self.assemble(selector),
        }
        self.errors = self.config_error.iter().cloned().collect();
        self.cache
            .each(|f| self.errors.extend(f.errors.iter().cloned()));
        self.warnings = self.cache.warnings().to_vec();
    }

    /// Keeps a clean file's items, in case its next read has errors.
    fn keep_good(&mut self, f: desired::CachedFile<'_>) {
        if f.errors.is_empty() {
            self.last_good.insert(f.file.to_string(), f.items.to_vec());
        }
    }

    /// Whether `file` is (or, gone now, was) a spec file: its change touches no other file.
    fn spec_only(&self, file: &str) -> bool {
        match self.cache.spec(file) {
            Some(_) => true,
            None => {
                !self.cache.holds(file)
                    && !self
                        .items
                        .iter()
                        .any(|i| i.file == file && !i.is_scenario())
            }
        }
    }

    /// What the board shows of one file: its items, or with errors its last good ones.
    fn shown<'b>(
        last_good: &'b mut HashMap<String, Vec<Item>>,
        f: &desired::CachedFile<'b>,
    ) -> &'b [Item] {
        if f.errors.is_empty() {
            last_good.remove(f.file);
            f.items
        } else {
            last_good.get(f.file).map_or(&[][..], Vec::as_slice)
        }
    }

    /// The board's items from every file of the cache.
    fn assemble(&mut self, selector: &Selector) {
        let mut items = Vec::new();
        let mut held = BTreeSet::new();
        let last_good = &mut self.last_good;
        self.cache.each(|f| {
            held.insert(f.file.to_string());
            let shown = Board::shown(last_good, &f);
            items.extend(shown.iter().filter(|i| selector.matches(i)).cloned());
        });
        last_good.retain(|file, _| held.contains(file));
        self.items = items;
        self.sort();
        let ids: HashSet<&str> = self.items.iter().map(|i| i.id.as_str()).collect();
        self.results.retain(|id, _| ids.contains(id.as_str()));
    }

    /// The board's items with those of the spec `files` read again: the others stay as they
    /// are, not copied again (at 10,000 scenarios a copy of every item costs more than the
    /// read of the one file that changed).
    fn assemble_files(&mut self, selector: &Selector, files: &BTreeSet<String>) {
        let mut gone = HashSet::new();
        self.items.retain(|i| {
            let keep = !files.contains(&i.file);
            if !keep {
                gone.insert(i.id.clone());
            }
            keep
        });
        for file in files {
            match self.cache.spec(file) {
                Some(f) => {
                    let shown = Board::shown(&mut self.last_good, &f);
                    let kept = shown.iter().filter(|i| selector.matches(i)).cloned();
                    self.items.extend(kept);
                }
                None => {
                    self.last_good.remove(file);
                }
            }
        }
        self.sort();
        for item in self.items.iter().filter(|i| files.contains(&i.file)) {
            gone.remove(&item.id);
        }
        for id in gone {
            self.results.remove(&id);
        }
    }

    /// Scenarios first, in file order, then aspects, as every other command lists them.
    fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (!a.is_scenario(), &a.file, a.line).cmp(&(!b.is_scenario(), &b.file, b.line))
        });
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
    let (events_tx, events) = mpsc::unbounded_channel::<Batch>();
    // The debouncer only merges the several events one save makes; the quiet period that
    // starts an observation is `settle`'s, measured from the last relevant change.
    let debouncer = notify_debouncer_full::new_debouncer(
        DEBOUNCER_TIMEOUT,
        Some(DEBOUNCER_TICK),
        move |result: notify_debouncer_full::DebounceEventResult| {
            let Ok(events) = result else { return };
            let changes: Vec<_> = events
                .into_iter()
                .filter(|e| changes_content(&e.event.kind))
                .collect();
            let Some(at) = changes.iter().map(|e| e.time).max() else {
                return;
            };
            let paths = changes.into_iter().flat_map(|e| e.event.paths).collect();
            // The receiver is gone only when watch is ending.
            let _ = events_tx.send(Batch { paths, at });
        },
    )?;
    let mut w = Watcher {
        options,
        relevance,
        events,
        debouncer,
        watched: BTreeSet::new(),
        last_change: Instant::now(),
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

/// The debouncer merges the events of one save for this long, checking every tick: a change
/// reaches watch up to their sum after it happened.
const DEBOUNCER_TIMEOUT: Duration = Duration::from_millis(10);
const DEBOUNCER_TICK: Duration = Duration::from_millis(5);

/// The paths of one debounced batch of changes, and when the latest of them happened.
struct Batch {
    paths: Vec<PathBuf>,
    at: Instant,
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
    events: mpsc::UnboundedReceiver<Batch>,
    debouncer: Debouncer,
    watched: BTreeSet<PathBuf>,
    /// When the last relevant change happened: the quiet period is measured from it.
    last_change: Instant,
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
                Some(batch) = self.events.recv() => {
                    let mut rel = self.relevant(batch);
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
        self.board
            .reload(self.options.root, self.options.selector, changed.as_deref());
        let to_run = self.affected(changed.as_deref());
        if to_run.is_empty() && changed.is_some() {
            // Nothing to run; a removed scenario or a new syntax error still redraws.
            if (self.board.results.len(), self.board.errors.clone()) != shown {
                self.show(&HashMap::new(), "no item to run", false, emit);
            }
            return Next::Idle;
        }
        let before: HashMap<String, Option<Verdict>> = to_run
            .iter()
            .map(|id| (id.clone(), self.board.results.get(id).map(|o| o.verdict)))
            .collect();
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
                let results = &self.board.results;
                let observed = |id: &str| results.get(id).map(|o| o.generation.as_str());
                affected::affected(paths, observed, &items, &self.board.config)
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
        // Taken, not cloned, while the evidence runs: gathering changes needs `self` mutable.
        let board = std::mem::take(&mut self.board);
        let (all, config) = (&board.items, &board.config);
        let (observed, pending) = {
            let to_run: Vec<&Item> = all
                .iter()
                .filter(|i| wanted.contains(i.id.as_str()))
                .collect();
            let (run_tx, run_rx) = watch::channel(false);
            let options = observe::Options {
                jobs: self.options.jobs,
                interrupt: run_rx,
                on_progress: None,
                on_observed: None,
                registry: None,
            };
            let observation = observe::observe(self.options.root, config, all, &to_run, options);
            tokio::pin!(observation);
            let mut pending: Option<Vec<String>> = None;
            let observed = loop {
                tokio::select! {
                    result = &mut observation => break result,
                    Some(batch) = self.events.recv() => {
                        let mut rel = self.relevant(batch);
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
        };
        self.board = board;
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
        before: &HashMap<String, Option<Verdict>>,
        status: &str,
        running: bool,
        emit: &mut dyn FnMut(WatchEvent<'_>),
    ) {
        let outcomes = self.board.outcomes();
        emit(WatchEvent::Board(Shown {
            outcomes: &outcomes,
            errors: &self.board.errors,
            warnings: &self.board.warnings,
            before,
            status,
            running,
        }));
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

    fn relevant(&mut self, batch: Batch) -> Vec<String> {
        let rel = relevant_paths(
            &self.relevance,
            &batch.paths,
            &mut self.debouncer,
            &mut self.watched,
        );
        if !rel.is_empty() {
            self.last_change = self.last_change.max(batch.at);
        }
        rel
    }

    /// Takes every batch already waiting, so a burst (a checkout touching a thousand files)
    /// is one observation.
    fn drain(&mut self, into: &mut Vec<String>) {
        while let Ok(batch) = self.events.try_recv() {
            let rel = self.relevant(batch);
            into.extend(rel);
        }
    }

    /// Waits until no relevant change has come for the debounce period, measured from when
    /// the last one happened (not from when the debouncer delivered it), gathering what comes
    /// meanwhile. It waits at least until what happened before it began has been delivered
    /// (an agent's writes, just before a reconcile pass ends), with room for a busy machine.
    async fn settle(&mut self, into: &mut Vec<String>) {
        let delivered =
            Instant::now() + (3 * (DEBOUNCER_TIMEOUT + DEBOUNCER_TICK)).min(self.options.debounce);
        loop {
            let deadline = (self.last_change + self.options.debounce).max(delivered);
            match tokio::time::timeout_at(deadline.into(), self.events.recv()).await {
                Ok(Some(batch)) => {
                    let rel = self.relevant(batch);
                    into.extend(rel);
                }
                Ok(None) | Err(_) => break,
            }
        }
        into.sort();
        into.dedup();
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
