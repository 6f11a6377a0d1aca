//! Observation: running every selected item's evidence once (runners batched, aspects each
//! on their own, up to `--jobs` at a time) and classifying a verdict per item.

pub mod aspect;
mod behave_config;
mod dispatch;
pub mod matching;
pub mod report;
pub mod runner;
pub mod verdict;

use dispatch::Dispatch;

pub use verdict::Verdict;

use crate::config::Config;
use crate::desired::{Item, ItemKind};
use futures_util::{FutureExt, StreamExt, stream::FuturesUnordered};
use serde::Serialize;
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;

/// The verdict of one item in one observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub id: String,
    pub generation: String,
    pub verdict: Verdict,
    pub duration_ms: u64,
    pub message: Option<String>,
}

impl Observation {
    pub fn new(item: &Item, verdict: Verdict, duration_ms: u64, message: Option<String>) -> Self {
        // A report can quote a secret as readily as a log can.
        let message = message.map(|m| crate::redact::redact(&m).into_owned());
        Observation {
            id: item.id.clone(),
            generation: item.generation.clone(),
            verdict,
            duration_ms,
            message,
        }
    }
}

/// Everything one observation found.
#[derive(Debug, Default)]
pub struct Observed {
    /// One per item observed, in the order of the items given.
    pub observations: Vec<Observation>,
    pub warnings: Vec<String>,
    /// Ctrl-C arrived: the items whose evidence was cut off have no observation.
    pub interrupted: bool,
    /// Processes started: one per runner used and one per aspect.
    pub processes: usize,
}

/// Where observations go as each task finishes.
pub type Sink = Box<dyn Fn(&[Observation]) + Send + Sync>;

pub struct Options {
    pub jobs: usize,
    pub interrupt: watch::Receiver<bool>,
    /// Called each time a process finishes, with (finished, total).
    pub on_progress: Option<Box<dyn Fn(usize, usize) + Send + Sync>>,
    /// Called with each task's observations as it finishes (and with those that need no
    /// process, first): a check records them while the rest of its evidence runs.
    pub on_observed: Option<Sink>,
    /// Where a reconcile records the groups it starts, so a run killed meanwhile can end them.
    pub registry: Option<Arc<crate::process::Registry>>,
}

/// Messages are for a terminal: a few lines, never a whole log.
pub fn trim_message(message: &str) -> String {
    const LINES: usize = 20;
    const CHARS: usize = 2000;
    let lines: Vec<&str> = message.lines().collect();
    let mut text = if lines.len() > LINES {
        let mut kept = lines[..LINES - 1].join("\n");
        kept.push_str(&format!("\n… {} more lines", lines.len() - (LINES - 1)));
        kept
    } else {
        message.trim_end().to_string()
    };
    if text.chars().count() > CHARS {
        text = text.chars().take(CHARS).collect::<String>() + "…";
    }
    text
}

/// Observes `items`, the selected part of `all`: scenarios with no runner are `undefined`
/// without running anything. Runners start before aspects; the observations follow `items`.
pub async fn observe(
    root: &Path,
    config: &Config,
    all: &[Item],
    items: &[&Item],
    options: Options,
) -> Observed {
    let mut files: Vec<&str> = all
        .iter()
        .filter(|i| i.is_scenario())
        .map(|i| i.file.as_str())
        .collect();
    files.dedup();
    let context = Context {
        root,
        config,
        options: &options,
        files: &files,
    };
    let mut dispatch = Dispatch::new(options.jobs);
    let mut run = Run::new(&options);
    run.admit(&mut dispatch, config, all, items);
    // Borrowed, not spawned: the items are not copied for each task. One thread serves them
    // all either way (evidence is I/O-bound); a task that panics is a warning, as a spawned
    // task's would be.
    let mut running = FuturesUnordered::new();
    loop {
        while let Some(task) = dispatch.next(running.len()) {
            running.push(AssertUnwindSafe(context.run(task)).catch_unwind());
        }
        match running.next().await {
            Some(result) => run.finished(result),
            None => break,
        }
    }
    run.into_observed(items)
}

/// What one observation has found so far.
struct Run<'o> {
    options: &'o Options,
    observed: Observed,
    by_id: BTreeMap<String, Observation>,
    done: usize,
}

impl<'o> Run<'o> {
    fn new(options: &'o Options) -> Run<'o> {
        Run {
            options,
            observed: Observed::default(),
            by_id: BTreeMap::new(),
            done: 0,
        }
    }

    /// Plans the observation: its tasks join the dispatch, the verdicts that need no process
    /// are in.
    fn admit<'a>(
        &mut self,
        dispatch: &mut Dispatch<Task<'a>>,
        config: &Config,
        all: &'a [Item],
        items: &[&'a Item],
    ) {
        let (tasks, immediate) = plan(config, all, items);
        self.observed.processes += tasks.len();
        for task in tasks {
            let first = matches!(task, Task::Runner(..));
            dispatch.add(task, first);
        }
        self.record(immediate);
    }

    fn finished(&mut self, result: std::thread::Result<runner::BatchResult>) {
        self.done += 1;
        if let Some(progress) = &self.options.on_progress {
            progress(self.done, self.observed.processes);
        }
        let Ok(result) = result else {
            // The task's items get no observation, so nothing counts them as holding.
            self.observed
                .warnings
                .push("an evidence task failed unexpectedly".into());
            return;
        };
        self.observed.interrupted |= result.interrupted;
        self.observed.warnings.extend(result.warnings);
        self.record(result.observations);
    }

    fn record(&mut self, observations: Vec<Observation>) {
        if let Some(on_observed) = &self.options.on_observed
            && !observations.is_empty()
        {
            on_observed(&observations);
        }
        self.by_id
            .extend(observations.into_iter().map(|o| (o.id.clone(), o)));
    }

    fn into_observed(mut self, order: &[&Item]) -> Observed {
        self.observed.observations = order
            .iter()
            .filter_map(|i| self.by_id.remove(&i.id))
            .collect();
        self.observed
    }
}

enum Task<'a> {
    /// A runner, the selected items it proves, and its other items (a report may mention
    /// those too; they are known, so not warned about).
    Runner(String, Vec<&'a Item>, Vec<&'a Item>),
    Aspect(&'a Item),
}

/// What to run: one task per runner in use and per aspect, and the verdicts that need no
/// process (a scenario nothing proves).
fn plan<'a>(
    config: &Config,
    all: &'a [Item],
    items: &[&'a Item],
) -> (Vec<Task<'a>>, Vec<Observation>) {
    let mut by_runner: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    let mut tasks = Vec::new();
    let mut immediate = Vec::new();
    for item in items {
        match &item.kind {
            ItemKind::Aspect(_) => tasks.push(Task::Aspect(item)),
            ItemKind::Scenario(s) => match &s.runner {
                Some(name) if config.evidence.contains_key(name) => {
                    by_runner.entry(name.clone()).or_default().push(item);
                }
                Some(name) => immediate.push(Observation::new(
                    item,
                    Verdict::Undefined,
                    0,
                    Some(format!("no evidence runner is named `{name}` in specctl.yaml")),
                )),
                None => immediate.push(Observation::new(
                    item,
                    Verdict::Undefined,
                    0,
                    Some("nothing proves this scenario: define a `default` runner under `evidence:` in specctl.yaml, or tag it @evidence:NAME".into()),
                )),
            },
        }
    }
    let selected_ids: std::collections::HashSet<&str> =
        items.iter().map(|i| i.id.as_str()).collect();
    for (name, selected) in by_runner {
        let others: Vec<&Item> = all
            .iter()
            .filter(|i| i.runner() == Some(name.as_str()) && !selected_ids.contains(i.id.as_str()))
            .collect();
        tasks.push(Task::Runner(name, selected, others));
    }
    (tasks, immediate)
}

/// What every task of one observation shares.
struct Context<'a> {
    root: &'a Path,
    config: &'a Config,
    options: &'a Options,
    files: &'a [&'a str],
}

impl Context<'_> {
    async fn run(&self, task: Task<'_>) -> runner::BatchResult {
        let interrupt = self.options.interrupt.clone();
        if *interrupt.borrow() {
            return runner::BatchResult {
                interrupted: true,
                ..Default::default()
            };
        }
        let registry = self.options.registry.as_deref();
        match task {
            Task::Runner(name, items, others) => {
                let runner = &self.config.evidence[&name];
                let batch = runner::Batch {
                    name: &name,
                    items: &items,
                    others: &others,
                    files: self.files,
                    registry,
                };
                runner::run(self.root, runner, batch, interrupt).await
            }
            Task::Aspect(item) => match aspect::run(self.root, item, registry, interrupt).await {
                Some(o) => runner::BatchResult {
                    observations: vec![o],
                    ..Default::default()
                },
                None => runner::BatchResult {
                    interrupted: true,
                    ..Default::default()
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    fn never() -> watch::Receiver<bool> {
        watch::channel(false).1
    }

    fn options(jobs: usize) -> Options {
        Options {
            jobs,
            interrupt: never(),
            on_progress: None,
            on_observed: None,
            registry: None,
        }
    }

    /// A scenario proven by `default`, a runner that notes its start in `log`.
    fn runner_project(log: &Path) -> (Config, Vec<Item>) {
        let config = Config::parse(&format!(
            "evidence:\n  default:\n    run: echo runner >> {}\n",
            log.display()
        ))
        .unwrap();
        let mut scenario = fixture::scenario("specs/a.feature::A", "specs/a.feature");
        fixture::scenario_mut(&mut scenario).runner = Some("default".into());
        (config, vec![scenario])
    }

    fn aspects(log: &Path) -> Vec<Item> {
        ["a", "b", "c"]
            .iter()
            .map(|n| fixture::aspect(n, &format!("echo {n} >> {}", log.display())))
            .collect()
    }

    fn started(log: &Path) -> String {
        std::fs::read_to_string(log).unwrap()
    }

    #[tokio::test]
    async fn with_one_job_runners_start_before_aspects() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let (config, mut all) = runner_project(&log);
        all.splice(0..0, aspects(&log));
        let items: Vec<&Item> = all.iter().collect();
        let observed = observe(dir.path(), &config, &all, &items, options(1)).await;
        assert_eq!(started(&log), "runner\na\nb\nc\n");
        // The observations follow the items, not the order they ran in.
        let ids: Vec<&str> = observed
            .observations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["aspect:a", "aspect:b", "aspect:c", "specs/a.feature::A"]
        );
        assert_eq!(observed.processes, 4);
    }

    #[test]
    fn long_messages_are_trimmed_for_a_terminal() {
        let long: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let t = trim_message(&long);
        assert_eq!(t.lines().count(), 20);
        assert!(t.ends_with("… 31 more lines"));
        assert_eq!(trim_message("short\n"), "short");
        assert_eq!(trim_message(&"x".repeat(3000)).chars().count(), 2001);
    }
}
