//! The only I/O of the loop: it carries out what `decide` and `gate` say (snapshots, the
//! agent, observations, the store) behind small traits, and tells what happens as events.

use super::agent::{Agents, Commands, TurnRun};
use super::decide::{Action, Budget, StopReason, decide};
use super::delta::Phase;
use super::error::{Policy, ReconcileError, error_policy};
use super::event::Event;
use super::failure::{self, Handover};
use super::gate::{self, AgentSaid, Gate, Limits, Protection};
use super::lock::RunLock;
use super::observer::{self, Evidence, Observer};
use super::pass::{Pass, prompt_for, review_prompt_for};
use super::review::{self, Answer};
use super::session::{self, Session};
use super::standing::Verdicts;
use super::workspace::{Copy, Git, Workspace};
use crate::config::Config;
use crate::observe::Verdict;
use crate::process::ProcessEnd;
use crate::selection::Selector;
use crate::store::{ReviewRow, Store, TurnRow};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the wall time spent is written down while an agent works.
const ELAPSED_TICK: Duration = Duration::from_secs(1);

pub struct Settings<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub selector: &'a Selector,
    pub jobs: usize,
    pub interrupt: watch::Receiver<bool>,
    /// Close any open session and begin a fresh one.
    pub new_session: bool,
}

/// How a reconcile that ran to a decision ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Converged {
        turns: u32,
        cost_usd: f64,
    },
    /// Items still do not hold, and the run may not go on.
    Stuck {
        turns: u32,
        cost_usd: f64,
        why: StopReason,
        items: Vec<(String, Verdict, Option<String>)>,
    },
}

/// Runs the loop until it converges, a budget stops it, or an error the policy will not
/// survive ends it.
pub async fn reconcile(
    s: Settings<'_>,
    emit: &mut dyn FnMut(Event),
) -> Result<End, ReconcileError> {
    let _lock = RunLock::take(s.root)?;
    let store = Store::open(s.root)?.keeping(s.config.store.keep);
    // One agent per tree: whatever a killed run left running ends before anything starts.
    let registry = Arc::new(crate::process::registry_of(s.root));
    let ended = registry
        .end_survivors()
        .await
        .map_err(ReconcileError::Survivors)?;
    if !ended.is_empty() {
        emit(Event::SurvivorsEnded { groups: ended });
    }
    let git = Git::discover(s.root, s.interrupt.clone())
        .await?
        .map(|git| git.recorded_in((*registry).clone()));
    if git.is_none() {
        emit(Event::NoGit);
    }
    let observer = Evidence {
        root: s.root,
        config: s.config,
        selector: s.selector,
        jobs: s.jobs,
        interrupt: s.interrupt.clone(),
        registry: Some(registry.clone()),
    };
    let agents = Commands {
        root: s.root,
        interrupt: s.interrupt.clone(),
        registry: &registry,
    };
    match git {
        Some(git) => {
            Driver::new(&s, git, agents, observer, store, emit)
                .run()
                .await
        }
        None => {
            let files = desired_files(s.root, s.config);
            let protection = Protection::new(&s.config.reconcile.protect, files)
                .map_err(ReconcileError::Protect)?;
            let copy = Copy::new(s.root.to_path_buf(), protection);
            Driver::new(&s, copy, agents, observer, store, emit)
                .run()
                .await
        }
    }
}

/// Every spec and aspect file there is now, readable or not: desired state no agent may edit.
fn desired_files(root: &Path, config: &Config) -> HashSet<String> {
    crate::desired::files(root, config).into_iter().collect()
}

/// The generation a session is keyed on, from the desired state alone (no evidence runs).
fn desired_generation(s: &Settings<'_>) -> String {
    let desired = crate::desired::load(s.root, s.config);
    let order = desired
        .items
        .iter()
        .filter(|i| s.selector.matches(i))
        .map(|i| i.id.clone())
        .collect();
    Pass::new(desired, order, Default::default()).generation()
}

struct Driver<'a, W, A, O> {
    s: &'a Settings<'a>,
    workspace: W,
    agents: A,
    observer: O,
    store: Store,
    emit: &'a mut dyn FnMut(Event),
}

/// A turn between its start and its judgement (or a cut-off one, on resume).
struct Turn<S> {
    number: u32,
    timeout: Duration,
    phase: Phase,
    items: Vec<String>,
    row: TurnRow,
    before: S,
}

/// A RED turn as its reviewer reads it: the tree it left, the evidence paths it changed
/// that were kept, and its items that now fail.
struct ReviewedTurn<'t, S> {
    turn: &'t Turn<S>,
    after: &'t S,
    kept: &'t [String],
    red: &'t [String],
}

/// What the gates made of a turn.
struct Gated {
    gates: Vec<Gate>,
    rolled_back: bool,
    /// The reviewer's answer on a RED turn's evidence, where one read it.
    review: Option<Answer>,
}

impl<'a, W: Workspace, A: Agents, O: Observer> Driver<'a, W, A, O> {
    fn new(
        s: &'a Settings<'a>,
        workspace: W,
        agents: A,
        observer: O,
        store: Store,
        emit: &'a mut dyn FnMut(Event),
    ) -> Self {
        Driver {
            s,
            workspace,
            agents,
            observer,
            store,
            emit,
        }
    }

    async fn run(mut self) -> Result<End, ReconcileError> {
        let (mut session, mut pass) = self.begin().await?;
        let config = self.s.config;
        let budget = Budget {
            tiers: config.agents.len(),
            budget_usd: config.reconcile.budget_usd,
            wall_time: config.reconcile.wall_time,
        };
        loop {
            let standing = &session.standing;
            let reason = match decide(standing, &pass.verdicts, &budget, session.elapsed()) {
                Action::Converged => {
                    let id = session.row.id;
                    self.store
                        .end_session(id, "converged", "every selected item holds")?;
                    return Ok(End::Converged {
                        turns: standing.turns,
                        cost_usd: standing.cost_usd,
                    });
                }
                Action::Stop(reason) => reason,
                Action::Turn { tier, phase, items } => {
                    match self.turn(&mut session, &pass, tier, phase, items).await {
                        Ok(next) => {
                            pass = next;
                            continue;
                        }
                        Err(err) => match error_policy(&err) {
                            Policy::Stuck(reason) => reason,
                            Policy::Abort => return Err(err),
                        },
                    }
                }
            };
            self.store
                .end_session(session.row.id, "stopped", &reason.to_string())?;
            return Ok(End::Stuck {
                turns: session.standing.turns,
                cost_usd: session.standing.cost_usd,
                why: reason,
                items: pass.not_holding(),
            });
        }
    }

    /// The session and the first observation. A turn a killed run cut off is gated before
    /// anything else, exactly as a finished one; only then is the desired state compared,
    /// so a cut-off turn's edit to a spec is undone rather than taken for a new desire.
    async fn begin(&mut self) -> Result<(Session, Pass), ReconcileError> {
        let mut pass = None;
        let mut open = None;
        if let Some((mut session, cut_off)) = session::open(&mut self.store, self.emit)? {
            for row in cut_off {
                pass = Some(self.gate_cut_off(&mut session, row).await?);
            }
            open = Some(session);
        }
        let kept = match open {
            // Only an open session needs the desired state read before the evidence runs.
            Some(session) => session::keep_or_close(
                &mut self.store,
                session,
                &desired_generation(self.s),
                self.s.new_session,
                &self.s.config.agents,
                self.emit,
            )?,
            None => None,
        };
        let pass = match pass {
            Some(pass) => pass,
            None => self.observe_first().await?,
        };
        crate::failpoint::hit("observed-before-session");
        let session = match kept {
            Some(session) => session,
            None => session::start(&mut self.store, &pass.generation(), &pass.verdicts)?,
        };
        Ok((session, pass))
    }

    async fn observe_first(&mut self) -> Result<Pass, ReconcileError> {
        let pass = self.observer.observe().await?;
        (self.emit)(Event::Observed {
            tally: pass.verdicts.tally(),
            resolved: Vec::new(),
            after_turn: false,
        });
        Ok(pass)
    }

    /// One turn: snapshot, agent, gates, observation, judgement; the pass it leaves.
    async fn turn(
        &mut self,
        session: &mut Session,
        pass: &Pass,
        tier: usize,
        phase: Phase,
        items: Vec<String>,
    ) -> Result<Pass, ReconcileError> {
        let turn = self.start(session, pass, tier, phase, items).await?;
        let (turn, run, after) = self.run_agent(session, turn, tier).await?;
        let failure = failure::classify(&run.end, &run.report, turn.timeout);
        (self.emit)(Event::AgentFinished {
            end: run.end.clone(),
            took: run.duration,
            cost_usd: run.report.cost_usd,
            failed: failure.as_ref().map(ToString::to_string),
        });
        let said = AgentSaid {
            end: &run.end,
            is_error: run.report.is_error,
            summary: &run.report.summary,
            timeout: turn.timeout,
            failure,
        };
        let mut desired = pass.desired_files();
        desired.extend(desired_files(self.s.root, self.s.config));
        let next = self
            .gate_and_judge(session, &turn, &after, (&pass.verdicts, desired), said)
            .await?;
        self.workspace.release(&turn.before).await;
        self.workspace.release(&after).await;
        Ok(next)
    }

    /// A turn a killed run cut off, gated now: its protected edits undone, its regressions
    /// rolled back, its RED items held to `fail`, and its findings handed on.
    async fn gate_cut_off(
        &mut self,
        session: &mut Session,
        row: TurnRow,
    ) -> Result<Pass, ReconcileError> {
        let (Some(before_id), Some(_)) = (row.before_ref.clone(), row.agent_started_at_ms) else {
            // Its agent never started, so the tree holds nothing of the turn's: whatever
            // changed since is someone else's (the user's), and stays.
            let finding = format!(
                "the run was stopped before turn {}'s agent started: that turn changed nothing",
                row.number
            );
            session.standing.findings = vec![finding.clone()];
            let state = "interrupted";
            self.store
                .finish_turn(session.synced()?, row.number, state, &[finding])?;
            return self.observe_first().await;
        };
        let before = self.workspace.find(&before_id)?;
        let after = match &row.after_ref {
            Some(id) => self.workspace.find(id)?,
            None => self.workspace.snapshot("specctl: resume").await?,
        };
        // The killed run may have died before it kept the turn's version: keep it now, since a
        // rollback names it.
        let name = format!("session-{}/turn-{}/after", session.row.id, row.number);
        self.workspace.keep(&name, &after).await?;
        let before_verdicts: BTreeMap<String, Verdict> =
            serde_json::from_str(&row.before_verdicts).map_err(ReconcileError::Ledger)?;
        let turn = Turn {
            number: row.number,
            timeout: self.tier_timeout(&row.tier),
            phase: if row.phase == "red" {
                Phase::Red
            } else {
                Phase::Green
            },
            items: row.items.clone(),
            before,
            row,
        };
        let before = Verdicts::new(turn.items.clone(), before_verdicts);
        let summary = turn.row.agent_summary.clone().unwrap_or_default();
        let said = AgentSaid {
            end: &ProcessEnd::Interrupted,
            is_error: false,
            summary: &summary,
            timeout: turn.timeout,
            failure: None,
        };
        // The turn's own starting state is gone with the killed run: every spec and aspect
        // file there is now is desired state.
        let desired = desired_files(self.s.root, self.s.config);
        let next = self
            .gate_and_judge(session, &turn, &after, (&before, desired), said)
            .await?;
        self.workspace.release(&turn.before).await;
        self.workspace.release(&after).await;
        Ok(next)
    }

    fn tier_timeout(&self, name: &str) -> Duration {
        let tiers = &self.s.config.agents;
        tiers
            .iter()
            .find(|t| t.name == name)
            .map_or(Duration::from_secs(20 * 60), |t| t.timeout)
    }

    async fn start(
        &mut self,
        session: &mut Session,
        pass: &Pass,
        tier: usize,
        phase: Phase,
        items: Vec<String>,
    ) -> Result<Turn<W::Snapshot>, ReconcileError> {
        let tier = &self.s.config.agents[tier];
        let standing = &mut session.standing;
        standing.turns += 1;
        standing.tier_turns += 1;
        let number = standing.turns;
        let previous = std::mem::take(&mut standing.findings);
        let ledger = &standing.ledger;
        let prompt = prompt_for(pass, self.s.config, number, phase, &items, ledger, previous);
        (self.emit)(Event::TurnStarted {
            turn: number,
            tier: tier.name.clone(),
            phase,
            items: items.clone(),
        });
        let label = format!("specctl turn {number}: before");
        let before = self.workspace.snapshot(&label).await?;
        let refs = format!("session-{}/turn-{number}", session.row.id);
        self.workspace
            .keep(&format!("{refs}/before"), &before)
            .await?;
        let row = TurnRow {
            session_id: session.row.id,
            number,
            tier: tier.name.clone(),
            phase: phase.as_str().into(),
            items: items.clone(),
            prompt_hash: crate::desired::item::generation([prompt.as_str()]),
            prompt,
            started_at_ms: crate::store::session_now_ms(),
            state: "running".into(),
            agent_end: None,
            agent_output: None,
            agent_summary: None,
            cost_usd: None,
            agent_turns: None,
            agent_session: None,
            tokens: None,
            duration_ms: None,
            gates: Vec::new(),
            before_ref: W::id(&before),
            after_ref: None,
            before_verdicts: serde_json::to_string(&pass.verdicts.of)
                .map_err(ReconcileError::Ledger)?,
            agent_started_at_ms: None,
        };
        self.store.begin_turn(session.synced()?, &row)?;
        crate::failpoint::hit("turn-started");
        Ok(Turn {
            number,
            timeout: tier.timeout,
            phase,
            items,
            row,
            before,
        })
    }

    async fn run_agent(
        &mut self,
        session: &mut Session,
        mut turn: Turn<W::Snapshot>,
        tier: usize,
    ) -> Result<(Turn<W::Snapshot>, TurnRun, W::Snapshot), ReconcileError> {
        let tier = &self.s.config.agents[tier];
        let failed = |source| ReconcileError::Agent {
            tier: tier.name.clone(),
            source,
        };
        let scratch = crate::process::scratch::tempdir("specctl-items-").map_err(failed)?;
        let ids: Vec<&str> = turn.items.iter().map(String::as_str).collect();
        let env = super::agent::env(turn.number, turn.phase.as_str(), &ids, scratch.path());
        self.store.agent_started(session.row.id, turn.number)?;
        let run = {
            let agent = self.agents.run(tier, &turn.row.prompt, env);
            tokio::pin!(agent);
            // The wall time counts while the agent works: a run killed mid-turn loses at most
            // a tick of it.
            let mut tick = tokio::time::interval(ELAPSED_TICK);
            tick.tick().await;
            loop {
                tokio::select! {
                    run = &mut agent => break run.map_err(failed)?,
                    _ = tick.tick() => self.store.record_elapsed(session.synced()?)?,
                }
            }
        };
        session.standing.cost_usd += run.report.cost_usd.unwrap_or(0.0);
        let number = turn.number;
        // What the agent did is recorded even when the tree it left cannot be snapshotted.
        let after = self
            .workspace
            .snapshot(&format!("specctl turn {number}: after"))
            .await;
        let interrupted = run.end == ProcessEnd::Interrupted;
        let row = &mut turn.row;
        row.agent_end = Some(run.end.describe());
        row.agent_output = Some(run.output.clone());
        row.agent_summary = Some(run.report.summary.clone());
        row.cost_usd = run.report.cost_usd;
        record_report(row, &run);
        row.duration_ms = Some(run.duration.as_millis() as u64);
        row.after_ref = after.as_ref().ok().and_then(W::id);
        row.state = if interrupted {
            "interrupted"
        } else {
            "running"
        }
        .into();
        self.store.record_agent(session.synced()?, row)?;
        if interrupted {
            return Err(ReconcileError::Interrupted);
        }
        let after = match after {
            Ok(after) => after,
            Err(err) => {
                self.undo_without_after(&turn).await;
                return Err(err.into());
            }
        };
        let refs = format!("session-{}/turn-{number}", session.row.id);
        self.workspace
            .keep(&format!("{refs}/after"), &after)
            .await?;
        crate::failpoint::hit("agent-done");
        Ok((turn, run, after))
    }

    /// The gates, then the judgement: protected edits undone, the tree observed, a
    /// regression rolled back, the turn judged and recorded; returns the pass it leaves.
    async fn gate_and_judge(
        &mut self,
        session: &mut Session,
        turn: &Turn<W::Snapshot>,
        after: &W::Snapshot,
        (before, desired): (&Verdicts, HashSet<String>),
        said: AgentSaid<'_>,
    ) -> Result<Pass, ReconcileError> {
        let changed = self.workspace.changed(&turn.before, after).await?;
        let config = self.s.config;
        let mut desired = desired;
        desired.extend(
            changed
                .iter()
                .filter(|p| crate::desired::is_desired_path(config, p))
                .cloned(),
        );
        let protection = Protection::new(&self.s.config.reconcile.protect, desired)
            .map_err(ReconcileError::Protect)?;
        let undone = protection.violations(turn.phase, &changed);
        if !undone.is_empty() {
            self.workspace.restore(&turn.before, &undone).await?;
            let kept = self.workspace.whole_tree().then(|| {
                format!(
                    "refs/specctl/session-{}/turn-{}/after",
                    session.row.id, turn.number
                )
            });
            (self.emit)(Event::ProtectedUndone {
                paths: undone.clone(),
                kept,
            });
        }
        let next = self.observer.observe().await?;
        let policy = self.s.config.reconcile.on_regression;
        let gates = gate::gate(
            turn.phase,
            &protection,
            &changed,
            &turn.items,
            before,
            &next.verdicts,
            policy,
        );
        let rolled_back = self.roll_back(session, turn, &changed, &gates).await?;
        let next = match rolled_back {
            // The tree is as before the turn: observe it as it is now.
            true => self.observer.observe().await?,
            false => next,
        };
        let review = match (turn.phase, &self.s.config.reconcile.review) {
            (Phase::Red, Some(tier)) if !rolled_back => {
                let kept: Vec<String> = changed
                    .iter()
                    .filter(|p| !undone.contains(*p))
                    .cloned()
                    .collect();
                let red = red_items(&turn.items, &gates);
                let reviewed = ReviewedTurn {
                    turn,
                    after,
                    kept: &kept,
                    red: &red,
                };
                self.review(session, reviewed, &next, tier).await?
            }
            _ => None,
        };
        let gated = Gated {
            gates,
            rolled_back,
            review,
        };
        self.judge(session, before, &next, turn, said, &gated)?;
        Ok(next)
    }

    /// The reviewer reads a RED turn's new evidence (`kept`: the paths the turn changed that
    /// were not undone) for the items that now fail (`red`); its own edits are put back, its
    /// answer recorded, and the items it did not approve stay in RED.
    async fn review(
        &mut self,
        session: &mut Session,
        ReviewedTurn {
            turn,
            after,
            kept,
            red,
        }: ReviewedTurn<'_, W::Snapshot>,
        pass: &Pass,
        tier_name: &str,
    ) -> Result<Option<Answer>, ReconcileError> {
        let Some(tier) = self.s.config.tier(tier_name) else {
            return Ok(None);
        };
        if red.is_empty() {
            return Ok(None);
        }
        let diff = self.workspace.diff(&turn.before, after, kept).await?;
        let prompt = review_prompt_for(pass, self.s.config, turn.number, red, Some(&diff));
        let before = self
            .workspace
            .snapshot(&format!("specctl turn {}: before review", turn.number))
            .await?;
        let (run, undone) = self.run_reviewer(tier, &prompt, turn, red, &before).await;
        self.workspace.release(&before).await;
        let run = run?;
        session.standing.cost_usd += run.report.cost_usd.unwrap_or(0.0);
        let answer = match run.end {
            ProcessEnd::Exited(0) if !run.report.is_error => review::read(&run.output),
            ref end => Answer::Unreadable {
                why: format!("the reviewer {}", end.describe()),
            },
        };
        let findings = answer.findings();
        let row = ReviewRow {
            session_id: session.row.id,
            turn: turn.number,
            tier: tier.name.clone(),
            prompt,
            output: run.output.clone(),
            agent_end: run.end.describe(),
            answer: answer.as_str().into(),
            findings: findings.clone(),
            undone: undone?,
            cost_usd: run.report.cost_usd,
            duration_ms: run.duration.as_millis() as u64,
        };
        self.store.record_review(&row)?;
        for id in red {
            match answer.approved() {
                true => session.standing.unapproved.remove(id),
                false => session.standing.unapproved.insert(id.clone()),
            };
        }
        (self.emit)(Event::Reviewed {
            turn: turn.number,
            tier: tier.name.clone(),
            answer: answer.as_str(),
            findings,
            cost_usd: run.report.cost_usd,
        });
        Ok(Some(answer))
    }

    /// Runs the reviewer on `prompt` and undoes whatever it edited since `before`; the run,
    /// and the paths put back.
    async fn run_reviewer(
        &mut self,
        tier: &crate::config::AgentTier,
        prompt: &str,
        turn: &Turn<W::Snapshot>,
        red: &[String],
        before: &W::Snapshot,
    ) -> (
        Result<TurnRun, ReconcileError>,
        Result<Vec<String>, ReconcileError>,
    ) {
        let ids: Vec<&str> = red.iter().map(String::as_str).collect();
        let failed = |source| ReconcileError::Agent {
            tier: tier.name.clone(),
            source,
        };
        let scratch = match crate::process::scratch::tempdir("specctl-items-") {
            Ok(scratch) => scratch,
            // The reviewer never ran, so it edited nothing.
            Err(err) => return (Err(failed(err)), Ok(Vec::new())),
        };
        let env = super::agent::env(turn.number, "review", &ids, scratch.path());
        let run = self.agents.run(tier, prompt, env).await.map_err(failed);
        let undone = self.undo_reviewer(turn, before).await;
        let run = match run {
            Ok(run) if run.end == ProcessEnd::Interrupted => Err(ReconcileError::Interrupted),
            other => other,
        };
        (run, undone)
    }

    /// The reviewer is read-only: every file it changed is put back as it was before it ran.
    async fn undo_reviewer(
        &mut self,
        turn: &Turn<W::Snapshot>,
        before: &W::Snapshot,
    ) -> Result<Vec<String>, ReconcileError> {
        let label = format!("specctl turn {}: after review", turn.number);
        let after = self.workspace.snapshot(&label).await?;
        let edited = self.workspace.changed(before, &after).await;
        self.workspace.release(&after).await;
        let edited = edited?;
        if !edited.is_empty() {
            self.workspace.restore(before, &edited).await?;
            (self.emit)(Event::ReviewerUndone {
                paths: edited.clone(),
            });
        }
        Ok(edited)
    }

    /// The tree the turn left cannot be snapshotted, so what it changed cannot be known: put
    /// every spec and aspect file (and, after a GREEN turn, every protected file) back as it
    /// was before the turn, so a turn that broke the snapshot cannot keep a gutted test. Best
    /// effort: the run stops with the snapshot's error either way.
    async fn undo_without_after(&mut self, turn: &Turn<W::Snapshot>) {
        let config = self.s.config;
        let desired = desired_files(self.s.root, config);
        let Ok(protection) = Protection::new(&config.reconcile.protect, desired) else {
            return;
        };
        let Ok(before) = self.workspace.paths(&turn.before).await else {
            return;
        };
        let mut paths: Vec<String> = before
            .into_iter()
            .chain(super::workspace::covered(self.s.root, &protection))
            .filter(|p| protection.covers(p))
            .filter(|p| turn.phase == Phase::Green || crate::desired::is_desired_path(config, p))
            .collect();
        paths.sort();
        paths.dedup();
        if self.workspace.restore(&turn.before, &paths).await.is_ok() {
            (self.emit)(Event::ProtectedRestored { files: paths.len() });
        }
    }

    /// Carries out the regression gate's rollback where the policy asks for one and the
    /// workspace holds the whole tree: only the paths the turn changed are put back.
    async fn roll_back(
        &mut self,
        session: &Session,
        turn: &Turn<W::Snapshot>,
        changed: &[String],
        gates: &[Gate],
    ) -> Result<bool, ReconcileError> {
        let Some(items) = gates.iter().find_map(|g| match g {
            Gate::Regressed {
                items,
                revert: true,
                ..
            } => Some(items),
            _ => None,
        }) else {
            return Ok(false);
        };
        if !self.workspace.whole_tree() {
            return Ok(false);
        }
        self.workspace.restore(&turn.before, changed).await?;
        let kept = format!(
            "refs/specctl/session-{}/turn-{}/after",
            session.row.id, turn.number
        );
        (self.emit)(Event::RolledBack {
            turn: turn.number,
            items: items.clone(),
            paths: changed.to_vec(),
            kept,
        });
        Ok(true)
    }

    fn judge(
        &mut self,
        session: &mut Session,
        before: &Verdicts,
        next: &Pass,
        turn: &Turn<W::Snapshot>,
        said: AgentSaid<'_>,
        gated: &Gated,
    ) -> Result<(), ReconcileError> {
        let judged_turn_failure = said.failure.clone();
        let judged_turn = gate::Turn {
            number: turn.number,
            phase: turn.phase,
            items: &turn.items,
            agent: said,
            gates: &gated.gates,
            rolled_back: gated.rolled_back,
            review: gated.review.as_ref(),
        };
        let standing = &mut session.standing;
        let judged = gate::judge(&judged_turn, &mut standing.ledger, before, &next.verdicts);
        (self.emit)(Event::Observed {
            tally: next.verdicts.tally(),
            resolved: judged.resolved,
            after_turn: true,
        });
        let mut findings = judged.findings;
        let limits = Limits {
            stall_turns: self.s.config.reconcile.stall_turns,
            max_turns: self.s.config.reconcile.max_turns,
        };
        let failure = judged_turn_failure;
        match failure::advance(standing, failure.as_ref(), judged.progress, limits) {
            Some(Handover::Escalated(up)) => {
                if let Some(to) = self.s.config.agents.get(up.to) {
                    findings.push(format!(
                        "a stronger agent takes over: the previous one made no progress ({})",
                        up.why
                    ));
                    (self.emit)(Event::Escalated {
                        why: up.why,
                        to: to.name.clone(),
                    });
                }
            }
            Some(Handover::Skipped(up)) => {
                let to = self.s.config.agents.get(up.to).map(|t| t.name.clone());
                findings.push(format!("agent `{}` is skipped: {}", turn.row.tier, up.why));
                (self.emit)(Event::TierSkipped {
                    tier: turn.row.tier.clone(),
                    why: up.why,
                    to,
                });
            }
            None => {}
        }
        standing.findings = findings.clone();
        let state = if turn.row.state == "interrupted" {
            "interrupted"
        } else {
            "done"
        };
        self.store
            .finish_turn(session.synced()?, turn.number, state, &findings)?;
        Ok(())
    }
}

/// The turn's items that now fail for the right reason: no `NotRed` gate names them.
fn red_items(items: &[String], gates: &[Gate]) -> Vec<String> {
    items
        .iter()
        .filter(|id| {
            !gates
                .iter()
                .any(|g| matches!(g, Gate::NotRed { item, .. } if item == *id))
        })
        .cloned()
        .collect()
}

/// What the agent said of its own turn, onto its row: its own turns, session id and tokens.
fn record_report(row: &mut TurnRow, run: &TurnRun) {
    row.agent_turns = run.report.num_turns;
    row.agent_session = run.report.session_id.clone();
    row.tokens = run.report.tokens;
}

/// Observes once, for `plan`: the pass and the store's warning if it could not be recorded.
pub async fn observe_for_plan(
    root: &Path,
    config: &Config,
    selector: &Selector,
    jobs: usize,
    interrupt: watch::Receiver<bool>,
) -> (Pass, Option<crate::store::StoreError>) {
    let how = observer::How {
        jobs,
        interrupt,
        registry: None,
    };
    let pass = observer::observe_pass(root, config, selector, how).await;
    let recorded = if pass.interrupted {
        Ok(())
    } else {
        observer::record(root, config.store.keep, &pass)
    };
    (pass, recorded.err())
}

/// Ends what a killed reconcile left running, for a command about to change the tree
/// (`undo`); returns the groups it ended.
pub async fn end_survivors(root: &Path) -> Result<Vec<i32>, ReconcileError> {
    crate::process::registry_of(root)
        .end_survivors()
        .await
        .map_err(ReconcileError::Survivors)
}

#[cfg(test)]
mod tests {
    //! The driver with every I/O edge faked: a tree in memory, an agent that edits it, an
    //! observer that judges it. What the loop does is checked event by event.

    use super::*;
    use crate::config::AgentTier;
    use crate::desired::item::fixture;
    use crate::observe::{Observation, Observed};
    use crate::reconcile::agent::SelfReport;
    use crate::reconcile::workspace::WorkspaceError;
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::rc::Rc;

    type Tree = Rc<RefCell<BTreeMap<String, String>>>;

    struct FakeTree(Tree);

    impl Workspace for FakeTree {
        type Snapshot = BTreeMap<String, String>;
        fn whole_tree(&self) -> bool {
            true
        }
        fn id(_: &Self::Snapshot) -> Option<String> {
            None
        }
        fn find(&self, _: &str) -> Result<Self::Snapshot, WorkspaceError> {
            Ok(self.0.borrow().clone())
        }
        async fn paths(&self, s: &Self::Snapshot) -> Result<Vec<String>, WorkspaceError> {
            Ok(s.keys().cloned().collect())
        }
        async fn snapshot(&self, _: &str) -> Result<Self::Snapshot, WorkspaceError> {
            Ok(self.0.borrow().clone())
        }
        async fn keep(&self, _: &str, _: &Self::Snapshot) -> Result<(), WorkspaceError> {
            Ok(())
        }
        async fn changed(
            &self,
            a: &Self::Snapshot,
            b: &Self::Snapshot,
        ) -> Result<Vec<String>, WorkspaceError> {
            let mut keys: Vec<String> = a.keys().chain(b.keys()).cloned().collect();
            keys.sort();
            keys.dedup();
            Ok(keys.into_iter().filter(|k| a.get(k) != b.get(k)).collect())
        }
        async fn restore(
            &self,
            to: &Self::Snapshot,
            paths: &[String],
        ) -> Result<(), WorkspaceError> {
            let mut tree = self.0.borrow_mut();
            for p in paths {
                match to.get(p) {
                    Some(v) => tree.insert(p.clone(), v.clone()),
                    None => tree.remove(p),
                };
            }
            Ok(())
        }
        async fn diff(
            &self,
            a: &Self::Snapshot,
            b: &Self::Snapshot,
            paths: &[String],
        ) -> Result<String, WorkspaceError> {
            Ok(paths
                .iter()
                .map(|p| {
                    let text = |s: &Self::Snapshot| s.get(p).map(|t| t.as_bytes().to_vec());
                    let (x, y) = (text(a), text(b));
                    crate::reconcile::workspace::unified(p, x.as_deref(), y.as_deref())
                })
                .collect())
        }
    }

    /// An agent that makes the same edits to the tree every turn.
    struct FakeAgent(Tree, Vec<(&'static str, &'static str)>);

    impl Agents for FakeAgent {
        async fn run(
            &mut self,
            _: &AgentTier,
            _: &str,
            _: Vec<(String, String)>,
        ) -> std::io::Result<TurnRun> {
            for (path, text) in &self.1 {
                self.0
                    .borrow_mut()
                    .insert(path.to_string(), text.to_string());
            }
            Ok(TurnRun {
                end: ProcessEnd::Exited(0),
                report: SelfReport::default(),
                duration: Duration::from_millis(5),
                output: String::new(),
            })
        }
    }

    /// "hello" holds when src/greeting says hello; "bye" when src/farewell says bye.
    struct FakeObserver(Tree);

    impl Observer for FakeObserver {
        async fn observe(&mut self) -> Result<Pass, ReconcileError> {
            let items = vec![
                fixture::scenario("s::hello", "s"),
                fixture::scenario("s::bye", "s"),
            ];
            let tree = self.0.borrow();
            let holds = |path: &str, want: &str| tree.get(path).map(String::as_str) == Some(want);
            let verdict = |ok: bool| if ok { Verdict::Pass } else { Verdict::Fail };
            let observations = vec![
                Observation::new(&items[0], verdict(holds("src/greeting", "hello")), 1, None),
                Observation::new(&items[1], verdict(holds("src/farewell", "bye")), 1, None),
            ];
            let desired = crate::desired::DesiredState {
                items,
                ..Default::default()
            };
            let observed = Observed {
                observations,
                ..Default::default()
            };
            Ok(Pass::new(
                desired,
                vec!["s::hello".into(), "s::bye".into()],
                observed,
            ))
        }
    }

    fn run(
        edits: Vec<(&'static str, &'static str)>,
    ) -> (Result<End, ReconcileError>, Vec<Event>, Tree) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::parse(
            "agents:\n  - name: fast\n    run: x\nreconcile:\n  stall_turns: 1\n  max_turns: 1\n",
        )
        .unwrap();
        let selector = Selector::default();
        let s = Settings {
            root: dir.path(),
            config: &config,
            selector: &selector,
            jobs: 1,
            interrupt: watch::channel(false).1,
            new_session: false,
        };
        let tree: Tree = Rc::new(RefCell::new(
            [
                ("src/greeting", "hi"),
                ("src/farewell", "bye"),
                ("evidence/run.sh", "test"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ));
        let mut events = Vec::new();
        let store = Store::open(dir.path()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let end = runtime.block_on(async {
            let mut emit = |e: Event| events.push(e);
            let driver = Driver::new(
                &s,
                FakeTree(tree.clone()),
                FakeAgent(tree.clone(), edits),
                FakeObserver(tree.clone()),
                store,
                &mut emit,
            );
            driver.run().await
        });
        (end, events, tree)
    }

    fn kinds(events: &[Event]) -> Vec<&'static str> {
        events
            .iter()
            .map(|e| match e {
                Event::Observed {
                    after_turn: false, ..
                } => "observed",
                Event::Observed {
                    after_turn: true, ..
                } => "observed after",
                Event::TurnStarted { .. } => "turn",
                Event::AgentFinished { .. } => "agent",
                Event::ProtectedUndone { .. } => "protected undone",
                Event::RolledBack { .. } => "rolled back",
                _ => "other",
            })
            .collect()
    }

    #[test]
    fn a_fix_converges_in_one_turn() {
        let (end, events, _) = run(vec![("src/greeting", "hello")]);
        assert_eq!(
            end.unwrap(),
            End::Converged {
                turns: 1,
                cost_usd: 0.0
            }
        );
        assert_eq!(
            kinds(&events),
            ["observed", "turn", "agent", "observed after"]
        );
        assert_eq!(
            events[3],
            Event::Observed {
                tally: crate::reconcile::standing::Tally {
                    pass: 2,
                    failed: 0,
                    skipped: 0
                },
                resolved: vec!["s::hello".into()],
                after_turn: true
            }
        );
    }

    #[test]
    fn a_protected_edit_is_undone_and_a_regression_rolled_back_through_the_workspace() {
        let (end, events, tree) = run(vec![
            ("evidence/run.sh", "exit 0"),
            ("src/farewell", "ciao"),
        ]);
        let End::Stuck { turns: 1, why, .. } = end.unwrap() else {
            panic!("not stuck after one turn")
        };
        assert_eq!(why, StopReason::TiersSpent { turns: 1 });
        assert_eq!(
            kinds(&events),
            [
                "observed",
                "turn",
                "agent",
                "protected undone",
                "rolled back",
                "observed after"
            ]
        );
        assert_eq!(
            events[4],
            Event::RolledBack {
                turn: 1,
                items: vec!["s::bye".into()],
                paths: vec!["evidence/run.sh".into(), "src/farewell".into()],
                kept: "refs/specctl/session-1/turn-1/after".into()
            }
        );
        let tree = tree.borrow();
        assert_eq!(tree["evidence/run.sh"], "test");
        assert_eq!(tree["src/farewell"], "bye");
    }
}
