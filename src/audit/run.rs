//! The mutant run, audit's only evidence I/O: the baseline in a scratch copy while the
//! mutants start in `--jobs` copies, each observed with the usual batching.

use super::classify::classify;
use super::scratch::Slot;
use super::sources::Coverage;
use super::{AuditError, Mutant, Status, Tested};
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

/// What the workers know of the baseline: mutants may run before it is known, but are
/// judged only against it.
#[derive(Clone)]
enum Known {
    Pending,
    /// It held: its verdicts, and the configuration and items with every timeout cut to what
    /// a mutant may take.
    Holds(Arc<Bounded>),
    /// It failed or was interrupted: nothing is judged.
    Stop,
}

struct Bounded {
    verdicts: BTreeMap<String, Verdict>,
    timeout: Duration,
    config: Config,
    all: Vec<Item>,
}

/// What every slot's worker shares.
struct Shared {
    config: Config,
    all: Vec<Item>,
    selected: std::collections::HashSet<String>,
    sources: BTreeMap<String, String>,
    coverage: Coverage,
    queue: Mutex<VecDeque<(usize, Mutant)>>,
    interrupt: watch::Receiver<bool>,
    known: watch::Receiver<Known>,
    registry: Registry,
}

enum Report {
    Tested(usize, Box<Tested>),
    Warning(String),
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

/// One slot's worker: takes the next mutant, applies it, observes, undoes it, and judges it
/// once the baseline is known; stops on Ctrl-C, when the queue is empty, when the baseline
/// does not hold, or when its copy cannot be put back.
async fn work(slot: Slot, shared: Arc<Shared>, tx: mpsc::UnboundedSender<Report>) {
    loop {
        if *shared.interrupt.borrow() || matches!(*shared.known.borrow(), Known::Stop) {
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
        let (observed, cut) = observe_mutant(slot.root(), &shared, started).await;
        let duration_ms = started.elapsed().as_millis() as u64;
        if let Err(err) = slot.restore(&mutant.file, original) {
            // A copy that cannot be put back would judge every later mutant on two changes.
            let _ = tx.send(Report::Warning(format!(
                "{err}: its copy is no longer used"
            )));
            return;
        }
        if observed.interrupted && !cut {
            return;
        }
        let Some(bounded) = baseline_known(&shared).await else {
            return;
        };
        let (status, killed_by) = match cut {
            // Cut off at the mutants' timeout, known only after it started.
            true => (Status::Timeout, Vec::new()),
            false => classify(&bounded.verdicts, &observed.observations),
        };
        let tested = Tested {
            covered_by: shared.coverage.of(&mutant.file),
            mutant,
            status,
            killed_by,
            duration_ms,
        };
        let _ = tx.send(Report::Tested(index, Box::new(tested)));
    }
}

/// The baseline's verdicts once known; `None` when it does not hold.
async fn baseline_known(shared: &Shared) -> Option<Arc<Bounded>> {
    let mut known = shared.known.clone();
    let known = known
        .wait_for(|k| !matches!(k, Known::Pending))
        .await
        .ok()?;
    match &*known {
        Known::Holds(bounded) => Some(bounded.clone()),
        _ => None,
    }
}

/// Observes the mutated copy. A mutant started before the baseline is known runs under the
/// configured timeouts, and is cut off (`true`) once it has run as long as a mutant may.
async fn observe_mutant(
    root: &Path,
    shared: &Shared,
    started: Instant,
) -> (observe::Observed, bool) {
    let known = shared.known.borrow().clone();
    let (config, all) = match &known {
        Known::Holds(b) => (&b.config, &b.all),
        Known::Pending | Known::Stop => (&shared.config, &shared.all),
    };
    let selected: Vec<&Item> = all
        .iter()
        .filter(|i| shared.selected.contains(&i.id))
        .collect();
    let observe = |interrupt| {
        let options = options(1, interrupt, &shared.registry);
        observe::observe(root, config, all, &selected, options)
    };
    if !matches!(known, Known::Pending) {
        return (observe(shared.interrupt.clone()).await, false);
    }
    let (cut, interrupt) = watch::channel(false);
    let observation = observe(interrupt);
    tokio::pin!(observation);
    let mut ctrl_c = shared.interrupt.clone();
    let timed_out = async {
        let bounded = baseline_known(shared).await;
        if let Some(b) = &bounded {
            tokio::time::sleep_until((started + b.timeout).into()).await;
        }
        bounded.is_some()
    };
    tokio::select! {
        observed = &mut observation => (observed, false),
        timed_out = timed_out => {
            let _ = cut.send(true);
            (observation.await, timed_out)
        }
        _ = crate::process::interrupted(&mut ctrl_c) => {
            let _ = cut.send(true);
            (observation.await, false)
        }
    }
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

/// The baseline in one copy of the project while the mutants start in the others (`jobs`
/// copies in all): the machine is never idle for the baseline, and nothing is judged before
/// it holds. Once it does, its copy takes mutants too.
pub async fn run(
    plan: &Plan<'_>,
    sources: &BTreeMap<String, String>,
    mutants: Vec<Mutant>,
    mut on_tested: impl FnMut(&Tested, usize),
) -> Result<Outcome, AuditError> {
    let total = mutants.len();
    let count = plan.jobs.max(1).min(total.max(1));
    let first = Slot::new(plan.root)?;
    let others = (1..count)
        .map(|_| Slot::new(plan.root))
        .collect::<Result<Vec<_>, _>>()?;
    let (tell, known) = watch::channel(Known::Pending);
    let shared = Arc::new(Shared {
        config: plan.config.clone(),
        all: plan.all.to_vec(),
        selected: plan.selected.iter().map(|i| i.id.clone()).collect(),
        sources: sources.clone(),
        coverage: Coverage::new(plan.config, plan.selected),
        queue: Mutex::new(mutants.into_iter().enumerate().collect()),
        interrupt: plan.interrupt.clone(),
        known,
        registry: plan.registry.clone(),
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut workers = tokio::task::JoinSet::new();
    for slot in others {
        workers.spawn(work(slot, shared.clone(), tx.clone()));
    }
    let held = baseline(plan, &first).await;
    let (verdicts, observations, ms) = match held {
        Baseline::Holds {
            verdicts,
            observations,
            ms,
        } => (verdicts, observations, ms),
        stopped => {
            let _ = tell.send(Known::Stop);
            while workers.join_next().await.is_some() {}
            return Ok(match stopped {
                Baseline::Fails(failing) => Outcome::BaselineFails(failing),
                _ => Outcome::Interrupted,
            });
        }
    };
    let timeout = mutant_timeout(ms);
    let (config, all) = bounded(plan.config, plan.all, timeout);
    let _ = tell.send(Known::Holds(Arc::new(Bounded {
        verdicts,
        timeout,
        config,
        all,
    })));
    workers.spawn(work(first, shared.clone(), tx));
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
