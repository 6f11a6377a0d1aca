//! The adversary's I/O: the baseline in one scratch copy, then each attempt in a fresh copy
//! with a git repository of its own, so what the agent changed is known, undone or shown.

use super::AdversaryError;
use super::judge::{self, Budget, Seen};
use super::prompt::{self, AdversaryInput};
use crate::audit::scratch::Slot;
use crate::audit::{Attempt, Finding, Outcome};
use crate::config::{AgentTier, Config};
use crate::desired::Item;
use crate::observe::{self, Options, Verdict};
use crate::process::{self, ProcessEnd, Registry};
use crate::reconcile::agent::{self, At};
use crate::reconcile::delta::Phase;
use crate::reconcile::gate::Protection;
use crate::reconcile::workspace::Git;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

pub struct Plan<'a> {
    pub root: &'a std::path::Path,
    pub config: &'a Config,
    pub all: &'a [Item],
    pub selected: &'a [&'a Item],
    pub tier: &'a AgentTier,
    pub jobs: usize,
    pub interrupt: watch::Receiver<bool>,
    /// Where the groups it starts are recorded: the audit's own registry.
    pub registry: Registry,
}

/// Every attempt, in the items' order, and the findings of those that passed.
#[derive(Debug, Default)]
pub struct Ran {
    pub attempts: Vec<Attempt>,
    pub findings: Vec<Finding>,
    pub interrupted: bool,
}

/// The items an adversary can attack: those whose evidence runs and passes or fails.
pub fn targets<'a>(selected: &[&'a Item], baseline: &BTreeMap<String, Verdict>) -> Vec<&'a Item> {
    selected
        .iter()
        .filter(|i| matches!(baseline.get(&i.id), Some(Verdict::Pass | Verdict::Fail)))
        .copied()
        .collect()
}

/// The prompt for one item, given the verdicts before any attempt.
pub fn prompt_for(
    config: &Config,
    selected: &[&Item],
    item: &Item,
    baseline: &BTreeMap<String, Verdict>,
) -> String {
    let keep: Vec<&str> = selected
        .iter()
        .filter(|i| i.id != item.id && baseline.get(&i.id).is_some_and(|v| v.holds()))
        .map(|i| i.id.as_str())
        .collect();
    prompt::build(&AdversaryInput {
        item,
        verdict: baseline.get(&item.id).map_or("unobserved", |v| v.as_str()),
        evidence: crate::reconcile::pass::evidence_of(config, item),
        keep,
        protect: &config.reconcile.protect,
    })
}

/// The baseline, then one attempt per target until the budgets or Ctrl-C stop them.
pub async fn run(
    plan: &Plan<'_>,
    mut on_attempt: impl FnMut(&Attempt),
) -> Result<Ran, AdversaryError> {
    let started = Instant::now();
    let first = Slot::new(plan.root)?;
    let baseline = observe_in(plan, &first).await;
    drop(first);
    let mut ran = Ran::default();
    if *plan.interrupt.borrow() {
        ran.interrupted = true;
        return Ok(ran);
    }
    let budget = Budget {
        max_attempts: plan.config.reconcile.max_turns,
        budget_usd: plan.config.reconcile.budget_usd,
        wall_time: plan.config.reconcile.wall_time,
    };
    let mut cost = 0.0;
    for (index, item) in targets(plan.selected, &baseline).into_iter().enumerate() {
        let number = index as u32 + 1;
        let tried = ran.attempts.len() as u32;
        let stop = match *plan.interrupt.borrow() {
            true => Some("interrupted".to_string()),
            false => judge::spent(&budget, tried, cost, started.elapsed()),
        };
        let attempt = match stop {
            Some(why) => not_tried(plan, item, number, why),
            None => match attempt(plan, item, number, &baseline).await {
                Ok(attempt) => attempt,
                // Ctrl-C while git or the copy worked: not an error of either.
                Err(_) if *plan.interrupt.borrow() => {
                    not_tried(plan, item, number, "interrupted".into())
                }
                Err(err) => return Err(err),
            },
        };
        cost += attempt.cost_usd.unwrap_or(0.0);
        ran.interrupted |= *plan.interrupt.borrow();
        ran.findings
            .extend(judge::finding(item, attempt.outcome, &attempt.message));
        on_attempt(&attempt);
        ran.attempts.push(attempt);
    }
    ran.interrupted |= *plan.interrupt.borrow();
    Ok(ran)
}

fn not_tried(plan: &Plan<'_>, item: &Item, number: u32, why: String) -> Attempt {
    Attempt {
        number,
        item: item.id.clone(),
        tier: plan.tier.name.clone(),
        outcome: Outcome::NotTried,
        message: format!("not attempted: {why}"),
        diff: String::new(),
        undone: Vec::new(),
        agent_end: "not started".into(),
        cost_usd: None,
        duration_ms: 0,
        prompt: String::new(),
        output: String::new(),
    }
}

/// The selection's verdicts in `slot`.
async fn observe_in(plan: &Plan<'_>, slot: &Slot) -> BTreeMap<String, Verdict> {
    let options = Options {
        jobs: plan.jobs,
        interrupt: plan.interrupt.clone(),
        on_progress: None,
        on_observed: None,
        registry: Some(Arc::new(plan.registry.clone())),
    };
    let observed =
        observe::observe(slot.root(), plan.config, plan.all, plan.selected, options).await;
    observed
        .observations
        .into_iter()
        .map(|o| (o.id, o.verdict))
        .collect()
}

/// One attempt in a fresh copy: the agent, its protected edits undone, the evidence, the
/// judgement.
async fn attempt(
    plan: &Plan<'_>,
    item: &Item,
    number: u32,
    baseline: &BTreeMap<String, Verdict>,
) -> Result<Attempt, AdversaryError> {
    let slot = Slot::new(plan.root)?;
    let git = repository(plan, &slot).await?;
    let before = git.snapshot("specctl adversary: before").await?;
    let prompt = prompt_for(plan.config, plan.selected, item, baseline);
    let run = run_agent(plan, &slot, item, number, &prompt).await?;
    if run.end == ProcessEnd::Interrupted {
        let mut cut = not_tried(plan, item, number, String::new());
        cut.message = "not judged: interrupted".into();
        cut.agent_end = run.end.describe();
        cut.duration_ms = run.duration.as_millis() as u64;
        cut.cost_usd = run.report.cost_usd;
        cut.prompt = prompt;
        cut.output = run.output;
        return Ok(cut);
    }
    let after = git.snapshot("specctl adversary: after").await?;
    let changed = git.changed(&before, &after).await?;
    let mut desired: HashSet<String> = crate::desired::files(slot.root(), plan.config)
        .into_iter()
        .collect();
    desired.extend(
        changed
            .iter()
            .filter(|p| crate::desired::is_desired_path(plan.config, p))
            .cloned(),
    );
    let protection = Protection::new(&plan.config.reconcile.protect, desired)?;
    let undone = protection.violations(Phase::Green, &changed);
    git.restore(&before, &undone).await?;
    let kept: Vec<String> = changed
        .into_iter()
        .filter(|p| !undone.contains(p))
        .collect();
    let diff = git.diff(&before, &after, &kept).await?;
    let after = observe_in(plan, &slot).await;
    let seen = Seen {
        target: &item.id,
        baseline,
        after: &after,
        kept: &kept,
        undone: &undone,
    };
    let (outcome, message) = match *plan.interrupt.borrow() {
        // The evidence was cut off: its verdicts say nothing.
        true => (Outcome::NotTried, "not judged: interrupted".to_string()),
        false => judge::judge(&seen),
    };
    Ok(Attempt {
        number,
        item: item.id.clone(),
        tier: plan.tier.name.clone(),
        outcome,
        message,
        diff,
        undone,
        agent_end: run.end.describe(),
        cost_usd: run.report.cost_usd,
        duration_ms: run.duration.as_millis() as u64,
        prompt,
        output: run.output,
    })
}

/// A git repository of the copy's own, so the attempt's changes can be listed and undone.
async fn repository(plan: &Plan<'_>, slot: &Slot) -> Result<Git, AdversaryError> {
    let init = process::Exec {
        program: "git",
        args: &["init", "-q"],
        cwd: slot.root(),
        env: &[("LC_ALL", "C")],
        timeout: Duration::from_secs(60),
        registry: Some(&plan.registry),
    };
    let failed = |detail: String| AdversaryError::Init {
        path: slot.root().to_path_buf(),
        detail,
    };
    match process::exec(init, plan.interrupt.clone()).await {
        Ok(out) if out.code == Some(0) => {}
        Ok(out) => return Err(failed(out.stderr)),
        Err(err) => return Err(failed(err.to_string())),
    }
    Git::discover(slot.root(), plan.interrupt.clone())
        .await?
        .map(|git| git.recorded_in(plan.registry.clone()))
        .ok_or_else(|| failed("git does not see the repository it made".into()))
}

async fn run_agent(
    plan: &Plan<'_>,
    slot: &Slot,
    item: &Item,
    number: u32,
    prompt: &str,
) -> Result<agent::TurnRun, AdversaryError> {
    let failed = |source| AdversaryError::Agent {
        tier: plan.tier.name.clone(),
        source,
    };
    let scratch = process::scratch::tempdir("specctl-items-").map_err(failed)?;
    let env = agent::env(number, "adversary", &[item.id.as_str()], scratch.path());
    let at = At {
        root: slot.root(),
        registry: Some(&plan.registry),
    };
    agent::run(at, plan.tier, prompt, env, plan.interrupt.clone())
        .await
        .map_err(failed)
}
