//! A reconcile session in the store: resumed where it stood when its desired state is the
//! same, else closed and a fresh one begun; and its standing read from and written to rows.

use super::error::ReconcileError;
use super::event::Event;
use super::ledger::Ledger;
use super::standing::{Standing, Verdicts};
use crate::config::AgentTier;
use crate::store::{SessionRow, Store, TurnRow};
use std::time::{Duration, Instant};

/// The session the run works in: its row in the store and where it stands.
pub(crate) struct Session {
    pub row: SessionRow,
    pub standing: Standing,
    /// When this run took the session up: its wall time adds to what earlier runs spent.
    clock: Instant,
}

impl Session {
    fn new(row: SessionRow, standing: Standing) -> Session {
        Session {
            row,
            standing,
            clock: Instant::now(),
        }
    }

    /// Wall time the session has run, across every run that took it up.
    pub fn elapsed(&self) -> Duration {
        Duration::from_millis(self.row.elapsed_ms) + self.clock.elapsed()
    }

    /// The row as the store should hold it now.
    pub fn synced(&mut self) -> Result<&SessionRow, ReconcileError> {
        let elapsed = self.elapsed();
        self.row.elapsed_ms = elapsed.as_millis() as u64;
        self.clock = Instant::now();
        let s = &self.standing;
        self.row.tier = s.tier;
        self.row.tier_turns = s.tier_turns;
        self.row.stall = s.stall;
        self.row.agent_failures = s.agent_failures;
        self.row.turns = s.turns;
        self.row.cost_usd = s.cost_usd;
        self.row.ledger = serde_json::to_string(&s.ledger).map_err(ReconcileError::Ledger)?;
        self.row.findings = s.findings.clone();
        self.row.unapproved = s.unapproved.iter().cloned().collect();
        Ok(&self.row)
    }
}

fn standing_of(row: &SessionRow) -> Result<Standing, ReconcileError> {
    Ok(Standing {
        tier: row.tier,
        tier_turns: row.tier_turns,
        stall: row.stall,
        agent_failures: row.agent_failures,
        turns: row.turns,
        cost_usd: row.cost_usd,
        ledger: serde_json::from_str(&row.ledger).map_err(ReconcileError::Ledger)?,
        findings: row.findings.clone(),
        unapproved: row.unapproved.iter().cloned().collect(),
    })
}

/// The open session, if any, with the turns a killed (or interrupted) run left ungated.
pub(crate) fn open(
    store: &mut Store,
    emit: &mut dyn FnMut(Event),
) -> Result<Option<(Session, Vec<TurnRow>)>, ReconcileError> {
    let Some(open) = store.open_session()? else {
        return Ok(None);
    };
    store.interrupt_running_turns(open.id)?;
    // A turn is gated once, and gating always leaves a finding; one interrupted without any
    // (killed, or stopped by Ctrl-C before its gates ran) is gated now.
    let cut_off: Vec<TurnRow> = store
        .turns(open.id)?
        .into_iter()
        .filter(|t| t.state == "interrupted" && t.gates.is_empty())
        .collect();
    if !cut_off.is_empty() {
        emit(Event::CutOff {
            session: open.id,
            turns: cut_off.iter().map(|t| t.number).collect(),
        });
    }
    let standing = standing_of(&open)?;
    Ok(Some((Session::new(open, standing), cut_off)))
}

/// Keeps the open session when it reconciles toward `generation` and no fresh one is asked
/// for; otherwise closes it. Either way says so.
pub(crate) fn keep_or_close(
    store: &mut Store,
    session: Session,
    generation: &str,
    new_session: bool,
    tiers: &[AgentTier],
    emit: &mut dyn FnMut(Event),
) -> Result<Option<Session>, ReconcileError> {
    let row = &session.row;
    if row.desired_generation == generation && !new_session {
        emit(Event::Resumed {
            session: row.id,
            after_turn: row.turns,
            tier: tiers.get(row.tier).map(|a| a.name.clone()),
            cost_usd: row.cost_usd,
        });
        return Ok(Some(session));
    }
    let why = if new_session {
        "--new-session"
    } else {
        "the desired state changed"
    };
    store.end_session(row.id, "superseded", why)?;
    emit(Event::Superseded {
        session: row.id,
        why: why.into(),
    });
    Ok(None)
}

/// A fresh session toward `generation`, its ledger opened from `verdicts`.
pub(crate) fn start(
    store: &mut Store,
    generation: &str,
    verdicts: &Verdicts,
) -> Result<Session, ReconcileError> {
    let ledger = Ledger::start(&verdicts.of);
    let json = serde_json::to_string(&ledger).map_err(ReconcileError::Ledger)?;
    let row = store.start_session(generation, &json)?;
    let standing = standing_of(&row)?;
    Ok(Session::new(row, standing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ledger_the_store_cannot_give_back_is_an_error_with_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let row = store.start_session("g", "not json").unwrap();
        let err = standing_of(&row).expect_err("an error");
        assert!(matches!(err, ReconcileError::Ledger(_)), "{err}");
        assert!(err.to_string().contains("--new-session"), "{err}");
    }
}
