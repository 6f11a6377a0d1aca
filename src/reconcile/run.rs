//! The reconcile loop: observe, hand the delta to the current agent tier, gate the turn,
//! observe again; until everything holds or a budget runs out. Level-triggered: every pass
//! reads the desired state and runs the evidence afresh.

use super::agent;
use super::delta::{self, Phase};
use super::gates::{self, Protection};
use super::ledger::Ledger;
use super::prompt::{self, PromptInput, PromptItem};
use super::snapshot::Git;
use crate::config::{Config, OnRegression};
use crate::desired::{self, DesiredState, ItemKind};
use crate::observe::{self, Observation, Verdict};
use crate::report::style::Style;
use crate::selection::Selector;
use crate::store::{Store, TurnRow};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;
use tokio::sync::watch;

/// One observation of the selected items, with the desired state it was made against.
pub struct Pass {
    pub desired: DesiredState,
    /// Selected item ids in file order.
    pub order: Vec<String>,
    pub verdicts: BTreeMap<String, Verdict>,
    pub observations: HashMap<String, Observation>,
    pub interrupted: bool,
}

pub async fn observe_pass(
    root: &Path,
    config: &Config,
    selector: &Selector,
    jobs: usize,
    interrupt: watch::Receiver<bool>,
) -> Pass {
    let desired = desired::load(root, config);
    let items: Vec<_> = desired
        .items
        .iter()
        .filter(|i| selector.matches(i))
        .collect();
    let order: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let observed = observe::observe(
        root,
        config,
        &desired.items,
        &items,
        observe::Options {
            jobs,
            interrupt,
            on_progress: None,
        },
    )
    .await;
    if let Ok(mut store) = Store::open(root) {
        let _ = store.record(&observed.observations);
    }
    let verdicts = observed
        .observations
        .iter()
        .map(|o| (o.id.clone(), o.verdict))
        .collect();
    let observations = observed
        .observations
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    Pass {
        desired,
        order,
        verdicts,
        observations,
        interrupted: observed.interrupted,
    }
}

/// The prompt a turn would get for `ids` in `phase`, given this pass.
pub fn prompt_for(
    pass: &Pass,
    config: &Config,
    turn: u32,
    phase: Phase,
    ids: &[String],
    ledger: &Ledger,
    previous: Vec<String>,
) -> String {
    let by_id: HashMap<&str, &desired::Item> = pass
        .desired
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let items: Vec<PromptItem<'_>> = ids
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).copied())
        .map(|item| PromptItem {
            item,
            verdict: pass
                .verdicts
                .get(&item.id)
                .copied()
                .unwrap_or(Verdict::Undefined),
            evidence: evidence_of(config, item),
            excerpt: pass
                .observations
                .get(&item.id)
                .and_then(|o| o.message.clone())
                .unwrap_or_default(),
        })
        .collect();
    let passing: std::collections::HashSet<&str> = pass
        .order
        .iter()
        .filter(|id| pass.verdicts.get(*id).is_some_and(|v| v.holds()))
        .map(String::as_str)
        .collect();
    let all: Vec<&str> = pass.order.iter().map(String::as_str).collect();
    prompt::build(&PromptInput {
        turn,
        phase,
        items,
        ledger,
        do_not_regress: prompt::do_not_regress(&all, &passing),
        passing: passing.len(),
        previous,
        protect: &config.reconcile.protect,
        max_bytes: config.reconcile.max_prompt_bytes,
    })
}

fn evidence_of(config: &Config, item: &desired::Item) -> String {
    match (item.kind, &item.evidence) {
        (ItemKind::Aspect, Some(command)) => format!("`{command}`, run from the project root"),
        (ItemKind::Scenario, Some(name)) => match config.evidence.get(name) {
            Some(runner) => format!("runner `{name}`: `{}`", runner.run),
            None => format!("runner `{name}`, which specctl.yaml does not define"),
        },
        _ => "none yet: no runner proves this item".into(),
    }
}

/// How a reconcile ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Converged {
        turns: u32,
        cost_usd: f64,
    },
    /// A budget ran out with items still not holding.
    Stuck {
        turns: u32,
        cost_usd: f64,
        why: String,
        items: Vec<(String, Verdict, Option<String>)>,
    },
    Invalid,
    Interrupted,
    /// Another reconcile holds the project.
    Busy(String),
    /// The state store could not be read or written.
    Store(String),
}

pub struct Settings<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub selector: &'a Selector,
    pub jobs: usize,
    pub style: Style,
    pub interrupt: watch::Receiver<bool>,
    /// Tell the story on stderr (watch --format json keeps stdout for its documents).
    pub log_to_stderr: bool,
    /// Close any open session and begin a fresh one.
    pub new_session: bool,
}

/// One line of the run's story, on stdout, or on stderr when stdout carries a document.
macro_rules! say {
    ($to_stderr:expr, $($arg:tt)*) => {
        if $to_stderr { eprintln!($($arg)*) } else { println!($($arg)*) }
    };
}

/// The desired state a session reconciles toward: a change to any selected item (its text or
/// its evidence binding) makes a different session.
fn desired_generation(pass: &Pass) -> String {
    let mut g = crate::desired::item::Generation::default();
    let by_id: HashMap<&str, &str> = pass
        .desired
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.generation.as_str()))
        .collect();
    let mut ids: Vec<&String> = pass.order.iter().collect();
    ids.sort();
    for id in ids {
        g.part(id)
            .part(by_id.get(id.as_str()).copied().unwrap_or_default());
    }
    g.finish()
}

/// Only one reconcile at a time on one project: two would fight over the working tree.
pub struct RunLock {
    _file: std::fs::File,
}

impl RunLock {
    pub fn take(root: &Path) -> Result<RunLock, String> {
        use std::io::{Read, Seek, Write};
        use std::os::fd::AsRawFd;
        let dir = root.join(crate::store::DIR);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join("reconcile.lock");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        // SAFETY: flock(2) on a descriptor this function owns.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if !locked {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            return Err(format!(
                "another specctl reconcile (pid {}) is running on this project: wait for it to end, or stop it",
                pid.trim()
            ));
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        Ok(RunLock { _file: file })
    }
}

/// Runs the loop; prints one line per event.
pub async fn reconcile(s: Settings<'_>) -> End {
    let log_to_stderr = s.log_to_stderr;
    let config = s.config;
    let style = s.style;
    let started = Instant::now();
    let _lock = match RunLock::take(s.root) {
        Ok(lock) => lock,
        Err(why) => return End::Busy(why),
    };
    let mut store = match Store::open(s.root) {
        Ok(store) => store,
        Err(err) => return End::Store(err.to_string()),
    };
    let git = Git::discover(s.root);
    if git.is_none() {
        say!(
            log_to_stderr,
            "{} not a git repository: turns are not snapshotted, so a regression cannot be rolled back",
            style.yellow("note:")
        );
    }
    let mut pass = observe_pass(s.root, config, s.selector, s.jobs, s.interrupt.clone()).await;
    if !pass.desired.errors.is_empty() {
        return End::Invalid;
    }
    if pass.interrupted {
        return End::Interrupted;
    }
    say!(log_to_stderr, "observed: {}", summary(&pass));
    crate::failpoint::hit("observed-before-session");

    let generation = desired_generation(&pass);
    let open = match store.open_session() {
        Ok(open) => open,
        Err(err) => return End::Store(err.to_string()),
    };
    let mut session = match open {
        Some(open) if open.desired_generation == generation && !s.new_session => {
            let cut = store.interrupt_running_turns(open.id).unwrap_or_default();
            say!(
                log_to_stderr,
                "resuming session {} after turn {} (tier {}, ${:.4} spent)",
                open.id,
                open.turns,
                config
                    .agents
                    .get(open.tier)
                    .map_or("spent", |a| a.name.as_str()),
                open.cost_usd
            );
            for n in cut {
                say!(
                    log_to_stderr,
                    "  turn {n} was cut off; its changes to the working tree are kept and judged by this observation"
                );
            }
            open
        }
        Some(open) => {
            let why = if s.new_session {
                "--new-session"
            } else {
                "the desired state changed"
            };
            let _ = store.end_session(open.id, "superseded", why);
            say!(
                log_to_stderr,
                "session {} closed ({why}); a new one begins",
                open.id
            );
            match store.start_session(&generation, &Ledger::start(&pass.verdicts)) {
                Ok(session) => session,
                Err(err) => return End::Store(err.to_string()),
            }
        }
        None => match store.start_session(&generation, &Ledger::start(&pass.verdicts)) {
            Ok(session) => session,
            Err(err) => return End::Store(err.to_string()),
        },
    };
    let tiers = &config.agents;
    loop {
        let (turn, cost) = (session.turns, session.cost_usd);
        let Some((phase, ids)) = delta::next(&pass.order, &pass.verdicts) else {
            let _ = store.end_session(session.id, "converged", "every selected item holds");
            return End::Converged {
                turns: turn,
                cost_usd: cost,
            };
        };
        let stop = if session.tier >= tiers.len() {
            Some(format!(
                "every agent tier was spent ({turn} {})",
                if turn == 1 { "turn" } else { "turns" }
            ))
        } else if cost >= config.reconcile.budget_usd {
            Some(format!(
                "the budget of ${:.2} was spent (${cost:.2})",
                config.reconcile.budget_usd
            ))
        } else if started.elapsed() >= config.reconcile.wall_time {
            Some(format!(
                "the wall time of {} ran out",
                humantime::format_duration(config.reconcile.wall_time)
            ))
        } else {
            None
        };
        if let Some(why) = stop {
            let _ = store.end_session(session.id, "stopped", &why);
            return stuck(why, &pass, turn, cost);
        }
        let agent = &tiers[session.tier];
        let turn = turn + 1;
        session.turns = turn;
        session.tier_turns += 1;
        let previous = std::mem::take(&mut session.findings);
        let prompt = prompt_for(&pass, config, turn, phase, &ids, &session.ledger, previous);
        say!(
            log_to_stderr,
            "turn {turn} [{}, {}] {} {}: {}",
            agent.name,
            phase.as_str(),
            ids.len(),
            if ids.len() == 1 { "item" } else { "items" },
            ids.join(", ")
        );
        let refs = format!("session-{}/turn-{turn}", session.id);
        let before = git
            .as_ref()
            .and_then(|g| g.snapshot(&format!("specctl turn {turn}: before")).ok());
        if let (Some(g), Some(b)) = (&git, &before) {
            let _ = g.keep(&format!("{refs}/before"), b);
        }
        let mut row = TurnRow {
            session_id: session.id,
            number: turn,
            tier: agent.name.clone(),
            phase: phase.as_str().into(),
            items: ids.clone(),
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
            before_ref: before.clone(),
            after_ref: None,
        };
        if let Err(err) = store.begin_turn(&session, &row) {
            return End::Store(err.to_string());
        }
        crate::failpoint::hit("turn-started");
        let copy = ProtectedCopy::take(s.root, &pass, config, phase, git.is_none());
        let env = vec![
            ("SPECCTL_TURN".to_string(), turn.to_string()),
            ("SPECCTL_PHASE".to_string(), phase.as_str().to_string()),
        ];
        let items_dir = tempfile::tempdir().ok();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let env: Vec<(String, String)> = match &items_dir {
            Some(dir) => env
                .into_iter()
                .chain(crate::observe::process::items_env(&id_refs, dir.path()))
                .collect(),
            None => env,
        };
        let run = match agent::run(s.root, agent, &row.prompt, env, s.interrupt.clone()).await {
            Ok(run) => run,
            Err(err) => {
                return stuck(
                    format!("cannot run agent `{}`: {err}", agent.name),
                    &pass,
                    turn,
                    cost,
                );
            }
        };
        session.cost_usd += run.report.cost_usd.unwrap_or(0.0);
        let after = git
            .as_ref()
            .and_then(|g| g.snapshot(&format!("specctl turn {turn}: after")).ok());
        if let (Some(g), Some(a)) = (&git, &after) {
            let _ = g.keep(&format!("{refs}/after"), a);
        }
        let interrupted = run.end == observe::verdict::ProcessEnd::Interrupted;
        row.agent_end = Some(describe_end(&run.end));
        row.agent_output = Some(run.output.clone());
        row.agent_summary = Some(run.report.summary.clone());
        row.cost_usd = run.report.cost_usd;
        row.duration_ms = Some(run.duration.as_millis() as u64);
        row.after_ref = after.clone();
        row.state = if interrupted {
            "interrupted".into()
        } else {
            "running".into()
        };
        if let Err(err) = store.record_agent(&session, &row) {
            return End::Store(err.to_string());
        }
        if interrupted {
            return End::Interrupted;
        }
        crate::failpoint::hit("agent-done");
        let cost_note = run
            .report
            .cost_usd
            .map(|c| format!(", ${c:.4}"))
            .unwrap_or_default();
        say!(
            log_to_stderr,
            "  agent {} in {:.1}s{cost_note}",
            describe_end(&run.end),
            run.duration.as_secs_f64()
        );
        let mut findings: Vec<String> = Vec::new();
        match &run.end {
            observe::verdict::ProcessEnd::TimedOut => findings.push(format!(
                "the agent ran past its timeout of {} and was stopped; finish smaller steps",
                humantime::format_duration(agent.timeout)
            )),
            observe::verdict::ProcessEnd::Exited(0) if !run.report.is_error => {}
            end => findings.push(format!(
                "the agent {} ({})",
                describe_end(end),
                run.report.summary.lines().next().unwrap_or("no output")
            )),
        }

        // Gate 1: protected files.
        let desired_files = pass.desired.items.iter().map(|i| i.file.clone()).collect();
        let protection = Protection::new(&config.reconcile.protect, desired_files).ok();
        let violations = match (&git, &before, &after, &protection) {
            (Some(g), Some(b), Some(a), Some(p)) => {
                let changed = g.changed(b, a).unwrap_or_default();
                let v = p.violations(phase, &changed);
                if !v.is_empty() {
                    let _ = g.restore(b, &v);
                }
                v
            }
            _ => copy.map(|c| c.restore_changed()).unwrap_or_default(),
        };
        if !violations.is_empty() {
            say!(
                log_to_stderr,
                "  {} undid edits to protected files: {}",
                style.yellow("gate:"),
                violations.join(", ")
            );
            findings.push(format!(
                "your edits to protected files were undone: {}. Those files state what must hold; change the code instead",
                violations.join(", ")
            ));
        }

        // Observe, then gate 2: regressions.
        let next = observe_pass(s.root, config, s.selector, s.jobs, s.interrupt.clone()).await;
        if next.interrupted {
            return End::Interrupted;
        }
        if !next.desired.errors.is_empty() {
            return End::Invalid;
        }
        let regressed = gates::regressions(&pass.verdicts, &next.verdicts);
        let next = if !regressed.is_empty()
            && config.reconcile.on_regression == OnRegression::Revert
        {
            let rolled_back = match (&git, &before) {
                (Some(g), Some(b)) => g
                    .snapshot("specctl: now")
                    .ok()
                    .and_then(|now| g.restore_all(b, &now).ok())
                    .is_some(),
                _ => false,
            };
            let what = regressed
                .iter()
                .map(|id| describe(&next, id))
                .collect::<Vec<_>>()
                .join("; ");
            if rolled_back {
                say!(
                    log_to_stderr,
                    "  {} turn {turn} broke {}: rolled back",
                    style.red("gate:"),
                    regressed.join(", ")
                );
                findings.insert(0, format!("turn {turn} broke items that passed, so it was rolled back: {what}. Keep them passing"));
                // The tree is as it was before the turn, so its observation still stands.
                pass_clone_verdicts(&pass, next)
            } else {
                findings.insert(
                    0,
                    format!("turn {turn} broke items that passed: {what}. Make them pass again"),
                );
                next
            }
        } else {
            if !regressed.is_empty() {
                findings.insert(
                    0,
                    format!(
                        "turn {turn} broke items that passed: {}",
                        regressed.join(", ")
                    ),
                );
            }
            next
        };

        let (resolved, _) = session.ledger.update(&pass.verdicts, &next.verdicts);
        let progress = match phase {
            Phase::Red => {
                let (counted, rejected) = gates::red_outcome(&ids, &next.verdicts);
                for (id, v) in &rejected {
                    findings.push(format!(
                        "{id} is {v} after your turn; its evidence must run and fail on an assertion about the behaviour"
                    ));
                }
                !counted.is_empty() || !resolved.is_empty()
            }
            Phase::Green => !resolved.is_empty(),
        };
        if phase == Phase::Green {
            for id in ids
                .iter()
                .filter(|id| next.verdicts.get(*id).is_some_and(|v| !v.holds()))
            {
                findings.push(format!("still not holding: {}", describe(&next, id)));
            }
        }
        say!(
            log_to_stderr,
            "  observed: {}{}",
            summary(&next),
            if resolved.is_empty() {
                String::new()
            } else {
                format!("; resolved {}", resolved.join(", "))
            }
        );
        pass = next;
        session.stall = if progress { 0 } else { session.stall + 1 };
        if session.stall >= config.reconcile.stall_turns
            || session.tier_turns >= config.reconcile.max_turns
        {
            let why = if session.stall >= config.reconcile.stall_turns {
                format!(
                    "no progress for {} {}",
                    session.stall,
                    if session.stall == 1 { "turn" } else { "turns" }
                )
            } else {
                format!("{} turns spent", session.tier_turns)
            };
            session.tier += 1;
            session.tier_turns = 0;
            session.stall = 0;
            if let Some(next_tier) = tiers.get(session.tier) {
                say!(
                    log_to_stderr,
                    "  {} {why}: escalating to agent `{}`",
                    style.yellow("escalate:"),
                    next_tier.name
                );
                findings.push(format!(
                    "a stronger agent takes over: the previous one made no progress ({why})"
                ));
            }
        }
        session.findings = findings.clone();
        if let Err(err) = store.finish_turn(&session, turn, &findings) {
            return End::Store(err.to_string());
        }
    }
}

/// After a rollback the tree is as it was when `old` was observed; keep the fresh desired
/// state but the verdicts that belong to that tree.
fn pass_clone_verdicts(old: &Pass, fresh: Pass) -> Pass {
    Pass {
        desired: fresh.desired,
        order: fresh.order,
        verdicts: old.verdicts.clone(),
        observations: old.observations.clone(),
        interrupted: false,
    }
}

fn stuck(why: String, pass: &Pass, turns: u32, cost_usd: f64) -> End {
    let items = pass
        .order
        .iter()
        .filter_map(|id| {
            let v = *pass.verdicts.get(id)?;
            (!v.holds()).then(|| {
                (
                    id.clone(),
                    v,
                    pass.observations.get(id).and_then(|o| o.message.clone()),
                )
            })
        })
        .collect();
    End::Stuck {
        turns,
        cost_usd,
        why,
        items,
    }
}

fn describe(pass: &Pass, id: &str) -> String {
    let verdict = pass.verdicts.get(id).map_or("unobserved", |v| v.as_str());
    match pass.observations.get(id).and_then(|o| o.message.as_deref()) {
        Some(m) => format!("{id} ({verdict}: {})", m.lines().next().unwrap_or_default()),
        None => format!("{id} ({verdict})"),
    }
}

fn describe_end(end: &observe::verdict::ProcessEnd) -> String {
    use observe::verdict::ProcessEnd::*;
    match end {
        Exited(code) => format!("exited with {code}"),
        Signalled(sig) => format!("was killed by signal {sig}"),
        TimedOut => "timed out and its process group was killed".into(),
        NotStarted(why) => format!("could not start ({why})"),
        Interrupted => "was interrupted".into(),
    }
}

fn summary(pass: &Pass) -> String {
    let total = pass.verdicts.len();
    let pass_n = pass
        .verdicts
        .values()
        .filter(|v| **v == Verdict::Pass)
        .count();
    let skipped = pass
        .verdicts
        .values()
        .filter(|v| **v == Verdict::Skipped)
        .count();
    let mut line = format!("{pass_n} passed, {} failed", total - pass_n - skipped);
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    line
}

/// Outside git, the protected files' contents kept in memory for the turn, so edits to them
/// can still be undone.
struct ProtectedCopy {
    root: std::path::PathBuf,
    files: HashMap<String, Vec<u8>>,
    protection: Protection,
    phase: Phase,
}

impl ProtectedCopy {
    fn take(
        root: &Path,
        pass: &Pass,
        config: &Config,
        phase: Phase,
        needed: bool,
    ) -> Option<ProtectedCopy> {
        if !needed {
            return None;
        }
        let desired_files = pass.desired.items.iter().map(|i| i.file.clone()).collect();
        let protection = Protection::new(&config.reconcile.protect, desired_files).ok()?;
        let mut copy = ProtectedCopy {
            root: root.to_path_buf(),
            files: HashMap::new(),
            protection,
            phase,
        };
        for path in copy.protected_now() {
            if let Ok(bytes) = std::fs::read(root.join(&path)) {
                copy.files.insert(path, bytes);
            }
        }
        Some(copy)
    }

    fn protected_now(&self) -> Vec<String> {
        let all: Vec<String> = ignore::WalkBuilder::new(&self.root)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".specctl" && e.file_name() != ".git")
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter_map(|e| {
                e.path()
                    .strip_prefix(&self.root)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .collect();
        self.protection.violations(self.phase, &all)
    }

    /// Puts back every protected file the turn changed, created or removed.
    fn restore_changed(self) -> Vec<String> {
        let mut undone = Vec::new();
        for path in self.protected_now() {
            if !self.files.contains_key(&path) {
                let _ = std::fs::remove_file(self.root.join(&path));
                undone.push(path);
            }
        }
        for (path, bytes) in &self.files {
            let file = self.root.join(path);
            if std::fs::read(&file).ok().as_deref() != Some(bytes.as_slice()) {
                if let Some(parent) = file.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = std::fs::write(&file, bytes);
                undone.push(path.clone());
            }
        }
        undone.sort();
        undone
    }
}
