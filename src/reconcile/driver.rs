//! The only I/O of the loop: it carries out what `decide` and `gate` say (snapshots, the
//! agent, observations, the store) behind small traits, and tells what happens as events.

use super::agent::{Agents, Commands, TurnRun};
use super::decide::{Action, Budget, StopReason, decide};
use super::delta::Phase;
use super::error::{Policy, ReconcileError, error_policy};
use super::event::Event;
use super::gate::{self, AgentSaid, Gate, Limits, Protection};
use super::lock::RunLock;
use super::observer::{self, Evidence, Observer};
use super::pass::{Pass, prompt_for};
use super::session::{self, Session};
use super::workspace::{Copy, Git, Workspace};
use crate::config::{AgentTier, Config};
use crate::observe::Verdict;
use crate::process::ProcessEnd;
use crate::selection::Selector;
use crate::store::{Store, TurnRow};
use std::path::Path;
use std::time::Instant;
use tokio::sync::watch;

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
    let store = Store::open(s.root)?;
    let git = Git::discover(s.root, s.interrupt.clone()).await;
    if git.is_none() {
        emit(Event::NoGit);
    }
    let mut observer = Evidence {
        root: s.root,
        config: s.config,
        selector: s.selector,
        jobs: s.jobs,
        interrupt: s.interrupt.clone(),
    };
    let pass = observer.observe().await?;
    emit(Event::Observed {
        tally: pass.verdicts.tally(),
        resolved: Vec::new(),
        after_turn: false,
    });
    crate::failpoint::hit("observed-before-session");
    let agents = Commands {
        root: s.root,
        interrupt: s.interrupt.clone(),
    };
    match git {
        Some(git) => {
            Driver::new(&s, git, agents, observer, store, emit)
                .run(pass)
                .await
        }
        None => {
            let protection = protection(s.config, &pass)?;
            let copy = Copy::new(s.root.to_path_buf(), protection);
            Driver::new(&s, copy, agents, observer, store, emit)
                .run(pass)
                .await
        }
    }
}

fn protection(config: &Config, pass: &Pass) -> Result<Protection, ReconcileError> {
    Protection::new(&config.reconcile.protect, pass.desired_files())
        .map_err(ReconcileError::Protect)
}

struct Driver<'a, W, A, O> {
    s: &'a Settings<'a>,
    workspace: W,
    agents: A,
    observer: O,
    store: Store,
    emit: &'a mut dyn FnMut(Event),
    started: Instant,
}

/// A turn between its start and its judgement.
struct Turn<S> {
    number: u32,
    tier: AgentTier,
    phase: Phase,
    items: Vec<String>,
    row: TurnRow,
    before: S,
}

/// What the gates made of a turn.
struct Gated {
    gates: Vec<Gate>,
    rolled_back: bool,
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
            started: Instant::now(),
        }
    }

    async fn run(mut self, mut pass: Pass) -> Result<End, ReconcileError> {
        let config = self.s.config;
        let generation = pass.generation();
        let mut session = session::begin(
            &mut self.store,
            &generation,
            &pass.verdicts,
            self.s.new_session,
            &config.agents,
            self.emit,
        )?;
        let budget = Budget {
            tiers: config.agents.len(),
            budget_usd: config.reconcile.budget_usd,
            wall_time: config.reconcile.wall_time,
        };
        loop {
            let standing = &session.standing;
            let reason = match decide(standing, &pass.verdicts, &budget, self.started.elapsed()) {
                Action::Converged => {
                    self.store.end_session(
                        session.row.id,
                        "converged",
                        "every selected item holds",
                    )?;
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
        let (turn, run, after) = self.run_agent(session, turn).await?;
        let changed = self.workspace.changed(&turn.before, &after).await?;
        let protection = protection(self.s.config, pass)?;
        let undone = protection.violations(phase, &changed);
        if !undone.is_empty() {
            self.workspace.restore(&turn.before, &undone).await?;
            (self.emit)(Event::ProtectedUndone { paths: undone });
        }
        let next = self.observer.observe().await?;
        let gates = gate::gate(
            phase,
            &protection,
            &changed,
            &turn.items,
            &pass.verdicts,
            &next.verdicts,
            self.s.config.reconcile.on_regression,
        );
        let rolled_back = self.roll_back(&turn, &gates).await?;
        let next = if rolled_back {
            pass.rolled_back_to(next)
        } else {
            next
        };
        let gated = Gated { gates, rolled_back };
        self.judge(session, pass, &next, &turn, &run, &gated)?;
        Ok(next)
    }

    async fn start(
        &mut self,
        session: &mut Session,
        pass: &Pass,
        tier: usize,
        phase: Phase,
        items: Vec<String>,
    ) -> Result<Turn<W::Snapshot>, ReconcileError> {
        let tier = self.s.config.agents[tier].clone();
        let standing = &mut session.standing;
        standing.turns += 1;
        standing.tier_turns += 1;
        let number = standing.turns;
        let previous = std::mem::take(&mut standing.findings);
        let prompt = prompt_for(
            pass,
            self.s.config,
            number,
            phase,
            &items,
            &standing.ledger,
            previous,
        );
        (self.emit)(Event::TurnStarted {
            turn: number,
            tier: tier.name.clone(),
            phase,
            items: items.clone(),
        });
        let before = self
            .workspace
            .snapshot(&format!("specctl turn {number}: before"))
            .await?;
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
            duration_ms: None,
            gates: Vec::new(),
            before_ref: W::id(&before),
            after_ref: None,
        };
        self.store.begin_turn(session.synced()?, &row)?;
        crate::failpoint::hit("turn-started");
        Ok(Turn {
            number,
            tier,
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
    ) -> Result<(Turn<W::Snapshot>, TurnRun, W::Snapshot), ReconcileError> {
        let failed = |source| ReconcileError::Agent {
            tier: turn.tier.name.clone(),
            source,
        };
        let scratch = tempfile::Builder::new()
            .prefix("specctl-items-")
            .tempdir()
            .map_err(failed)?;
        let ids: Vec<&str> = turn.items.iter().map(String::as_str).collect();
        let env: Vec<(String, String)> = [
            ("SPECCTL_TURN".to_string(), turn.number.to_string()),
            ("SPECCTL_PHASE".to_string(), turn.phase.as_str().to_string()),
        ]
        .into_iter()
        .chain(crate::process::items_env(&ids, scratch.path()))
        .collect();
        let run = self
            .agents
            .run(&turn.tier, &turn.row.prompt, env)
            .await
            .map_err(failed)?;
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
        let after = after?;
        let refs = format!("session-{}/turn-{number}", session.row.id);
        self.workspace
            .keep(&format!("{refs}/after"), &after)
            .await?;
        crate::failpoint::hit("agent-done");
        (self.emit)(Event::AgentFinished {
            end: run.end.clone(),
            took: run.duration,
            cost_usd: run.report.cost_usd,
        });
        Ok((turn, run, after))
    }

    /// Carries out the regression gate's rollback where the policy asks for one and the
    /// workspace holds the whole tree; returns whether the tree is back as before the turn.
    async fn roll_back(
        &mut self,
        turn: &Turn<W::Snapshot>,
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
        let now = self.workspace.snapshot("specctl: now").await?;
        let changed = self.workspace.changed(&turn.before, &now).await?;
        self.workspace.restore(&turn.before, &changed).await?;
        (self.emit)(Event::RolledBack {
            turn: turn.number,
            items: items.clone(),
        });
        Ok(true)
    }

    fn judge(
        &mut self,
        session: &mut Session,
        pass: &Pass,
        next: &Pass,
        turn: &Turn<W::Snapshot>,
        run: &TurnRun,
        gated: &Gated,
    ) -> Result<(), ReconcileError> {
        let said = gate::Turn {
            number: turn.number,
            phase: turn.phase,
            items: &turn.items,
            agent: AgentSaid {
                end: &run.end,
                is_error: run.report.is_error,
                summary: &run.report.summary,
                timeout: turn.tier.timeout,
            },
            gates: &gated.gates,
            rolled_back: gated.rolled_back,
        };
        let standing = &mut session.standing;
        let judged = gate::judge(&said, &mut standing.ledger, &pass.verdicts, &next.verdicts);
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
        if let Some(up) = gate::advance(standing, judged.progress, limits)
            && let Some(to) = self.s.config.agents.get(up.to)
        {
            findings.push(format!(
                "a stronger agent takes over: the previous one made no progress ({})",
                up.why
            ));
            (self.emit)(Event::Escalated {
                why: up.why,
                to: to.name.clone(),
            });
        }
        standing.findings = findings.clone();
        self.store
            .finish_turn(session.synced()?, turn.number, &findings)?;
        Ok(())
    }
}

/// Observes once, for `plan`: the pass and the store's warning if it could not be recorded.
pub async fn observe_for_plan(
    root: &Path,
    config: &Config,
    selector: &Selector,
    jobs: usize,
    interrupt: watch::Receiver<bool>,
) -> (Pass, Option<crate::store::StoreError>) {
    let pass = observer::observe_pass(root, config, selector, jobs, interrupt).await;
    let recorded = if pass.interrupted {
        Ok(())
    } else {
        observer::record(root, &pass)
    };
    (pass, recorded.err())
}
