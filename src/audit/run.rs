//! The mutant run, audit's only evidence I/O: the baseline in a scratch copy, then every
//! mutant in `--jobs` copies at a time, each observed with the usual batching.

use super::classify::classify;
use super::scratch::Slot;
use super::sources::Coverage;
use super::{AuditError, Mutant, Tested};
use crate::config::Config;
use crate::desired::{Item, ItemKind};
use crate::observe::{self, Observation, Options, Verdict};
use crate::process::Registry;
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// What the run needs from the project.
pub struct Plan<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub all: &'a [Item],
    pub selected: &'a [&'a Item],
    pub jobs: usize,
    pub interrupt: watch::Receiver<bool>,
    /// Where the groups the audit starts are recorded, so the next audit ends any that a
    /// `kill -9` of this one left running. Apart from reconcile's: an audit must never end a
    /// running reconcile's agent.
    pub registry: Registry,
}

/// The unmutated evidence, observed in a copy.
pub(crate) enum Baseline {
    /// Every selected item passed (or was skipped): mutants can be judged against it.
    Holds {
        verdicts: BTreeMap<String, Verdict>,
        observations: Vec<Observation>,
        ms: u64,
    },
    /// These items did not hold unmutated; nothing can be judged.
    Fails(Vec<Observation>),
    Interrupted,
}

/// Every mutant tried, in the order given, and what stopped the run early.
#[derive(Debug, Default)]
pub struct Ran {
    pub tested: Vec<Tested>,
    pub warnings: Vec<String>,
    pub interrupted: bool,
}

/// A mutant's evidence may run a few times as long as the baseline, never less than five
/// seconds more: a slow machine must not pass for a mutant that loops.
pub fn mutant_timeout(baseline_ms: u64) -> Duration {
    let baseline = Duration::from_millis(baseline_ms);
    (baseline * 3).max(baseline + Duration::from_secs(5))
}

/// Observes the selection in `slot`, unmutated.
pub(crate) async fn baseline(plan: &Plan<'_>, slot: &Slot) -> Baseline {
    let started = Instant::now();
    let observed = observe::observe(
        slot.root(),
        plan.config,
        plan.all,
        plan.selected,
        options(plan.jobs, plan.interrupt.clone(), &plan.registry),
    )
    .await;
    let ms = started.elapsed().as_millis() as u64;
    if observed.interrupted {
        return Baseline::Interrupted;
    }
    let failing: Vec<Observation> = observed
        .observations
        .iter()
        .filter(|o| !matches!(o.verdict, Verdict::Pass | Verdict::Skipped))
        .cloned()
        .collect();
    if !failing.is_empty() || observed.observations.len() < plan.selected.len() {
        return Baseline::Fails(failing);
    }
    let verdicts = observed
        .observations
        .iter()
        .map(|o| (o.id.clone(), o.verdict))
        .collect();
    Baseline::Holds {
        verdicts,
        observations: observed.observations,
        ms,
    }
}

fn options(jobs: usize, interrupt: watch::Receiver<bool>, registry: &Registry) -> Options {
    Options {
        jobs,
        interrupt,
        on_progress: None,
        on_observed: None,
        registry: Some(Arc::new(registry.clone())),
    }
}

/// What every slot's worker shares.
struct Shared {
    config: Config,
    all: Vec<Item>,
    selected: std::collections::HashSet<String>,
    baseline: BTreeMap<String, Verdict>,
    sources: BTreeMap<String, String>,
    coverage: Coverage,
    queue: Mutex<VecDeque<(usize, Mutant)>>,
    interrupt: watch::Receiver<bool>,
    registry: Registry,
}

enum Report {
    Tested(usize, Box<Tested>),
    Warning(String),
}

/// Runs every mutant, one slot per worker, calling `on_tested` as each is judged.
pub(crate) async fn mutants(
    plan: &Plan<'_>,
    slots: Vec<Slot>,
    sources: &BTreeMap<String, String>,
    mutants: Vec<Mutant>,
    baseline: &BTreeMap<String, Verdict>,
    timeout: Duration,
    mut on_tested: impl FnMut(&Tested, usize),
) -> Ran {
    let total = mutants.len();
    let (config, all) = bounded(plan.config, plan.all, timeout);
    let shared = Arc::new(Shared {
        config,
        all,
        selected: plan.selected.iter().map(|i| i.id.clone()).collect(),
        baseline: baseline.clone(),
        sources: sources.clone(),
        coverage: Coverage::new(plan.config, plan.selected),
        queue: Mutex::new(mutants.into_iter().enumerate().collect()),
        interrupt: plan.interrupt.clone(),
        registry: plan.registry.clone(),
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut workers = tokio::task::JoinSet::new();
    for slot in slots {
        workers.spawn(work(slot, shared.clone(), tx.clone()));
    }
    drop(tx);
    let mut ran = Ran::default();
    let mut tested: Vec<(usize, Tested)> = Vec::new();
    while let Some(report) = rx.recv().await {
        match report {
            Report::Tested(index, t) => {
                on_tested(&t, total);
                tested.push((index, *t));
            }
            Report::Warning(w) => ran.warnings.push(w),
        }
    }
    while workers.join_next().await.is_some() {}
    tested.sort_by_key(|(index, _)| *index);
    ran.interrupted = *plan.interrupt.borrow();
    ran.tested = tested.into_iter().map(|(_, t)| t).collect();
    ran
}

/// The configuration and items with every timeout cut to `timeout`.
fn bounded(config: &Config, all: &[Item], timeout: Duration) -> (Config, Vec<Item>) {
    let mut config = config.clone();
    for runner in config.evidence.values_mut() {
        runner.timeout = runner.timeout.min(timeout);
    }
    let mut all = all.to_vec();
    for item in &mut all {
        if let ItemKind::Aspect(a) = &mut item.kind {
            a.timeout = Some(a.timeout.map_or(timeout, |t| t.min(timeout)));
        }
    }
    (config, all)
}

/// One slot's worker: takes the next mutant, applies it, observes, undoes it; stops on
/// Ctrl-C, when the queue is empty, or when its copy cannot be put back.
async fn work(slot: Slot, shared: Arc<Shared>, tx: mpsc::UnboundedSender<Report>) {
    let selected: Vec<&Item> = shared
        .all
        .iter()
        .filter(|i| shared.selected.contains(&i.id))
        .collect();
    loop {
        if *shared.interrupt.borrow() {
            return;
        }
        let next = shared.queue.lock().ok().and_then(|mut q| q.pop_front());
        let Some((index, mutant)) = next else { return };
        let Some(original) = shared.sources.get(&mutant.file) else {
            continue;
        };
        if let Err(err) = slot.apply(&mutant, original) {
            let _ = tx.send(Report::Warning(format!("{err}: the mutant was not tried")));
            continue;
        }
        let started = Instant::now();
        let observed = observe::observe(
            slot.root(),
            &shared.config,
            &shared.all,
            &selected,
            options(1, shared.interrupt.clone(), &shared.registry),
        )
        .await;
        let duration_ms = started.elapsed().as_millis() as u64;
        if let Err(err) = slot.restore(&mutant.file, original) {
            // A copy that cannot be put back would judge every later mutant on two changes.
            let _ = tx.send(Report::Warning(format!(
                "{err}: its copy is no longer used"
            )));
            return;
        }
        if observed.interrupted {
            return;
        }
        let (status, killed_by) = classify(&shared.baseline, &observed.observations);
        let covered_by = shared.coverage.of(&mutant.file);
        let tested = Tested {
            mutant,
            status,
            killed_by,
            covered_by,
            duration_ms,
        };
        let _ = tx.send(Report::Tested(index, Box::new(tested)));
    }
}

/// Makes `count` copies of the project (the first may be given already made).
pub(crate) fn slots(root: &Path, first: Slot, count: usize) -> Result<Vec<Slot>, AuditError> {
    let mut slots = vec![first];
    while slots.len() < count {
        slots.push(Slot::new(root)?);
    }
    Ok(slots)
}

/// What a mutant run came to.
pub enum Outcome {
    /// The baseline did not hold: these items did not pass unmutated.
    BaselineFails(Vec<Observation>),
    /// Ctrl-C before the baseline was known.
    Interrupted,
    Ran {
        ran: Ran,
        baseline_ms: u64,
        baseline: Vec<Observation>,
    },
}

/// The baseline, then every mutant: `jobs` copies of the project at a time, each made only
/// once the baseline holds.
pub async fn run(
    plan: &Plan<'_>,
    sources: &BTreeMap<String, String>,
    mutants: Vec<Mutant>,
    on_tested: impl FnMut(&Tested, usize),
) -> Result<Outcome, AuditError> {
    let first = Slot::new(plan.root)?;
    let (verdicts, observations, ms) = match baseline(plan, &first).await {
        Baseline::Holds {
            verdicts,
            observations,
            ms,
        } => (verdicts, observations, ms),
        Baseline::Fails(failing) => return Ok(Outcome::BaselineFails(failing)),
        Baseline::Interrupted => return Ok(Outcome::Interrupted),
    };
    let count = plan.jobs.max(1).min(mutants.len().max(1));
    let slots = slots(plan.root, first, count)?;
    let timeout = mutant_timeout(ms);
    let ran = self::mutants(plan, slots, sources, mutants, &verdicts, timeout, on_tested).await;
    Ok(Outcome::Ran {
        ran,
        baseline_ms: ms,
        baseline: observations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutant_may_run_three_times_the_baseline_and_at_least_five_seconds_more() {
        assert_eq!(mutant_timeout(100), Duration::from_millis(5100));
        assert_eq!(mutant_timeout(10_000), Duration::from_secs(30));
    }
}
