//! A reconcile session in the store: resumed where it stood when its desired state is the
//! same, else closed and a fresh one begun; and its standing read from and written to rows.

use super::error::ReconcileError;
use super::event::Event;
use super::ledger::Ledger;
use super::standing::{Standing, Verdicts};
use crate::config::AgentTier;
use crate::store::{SessionRow, Store};

/// The session the run works in: its row in the store and where it stands.
pub(crate) struct Session {
    pub row: SessionRow,
    pub standing: Standing,
}

impl Session {
    /// The row as the store should hold it now.
    pub fn synced(&mut self) -> Result<&SessionRow, ReconcileError> {
        let s = &self.standing;
        self.row.tier = s.tier;
        self.row.tier_turns = s.tier_turns;
        self.row.stall = s.stall;
        self.row.turns = s.turns;
        self.row.cost_usd = s.cost_usd;
        self.row.ledger = serde_json::to_string(&s.ledger).map_err(ReconcileError::Ledger)?;
        self.row.findings = s.findings.clone();
        Ok(&self.row)
    }
}

fn standing_of(row: &SessionRow) -> Result<Standing, ReconcileError> {
    Ok(Standing {
        tier: row.tier,
        tier_turns: row.tier_turns,
        stall: row.stall,
        turns: row.turns,
        cost_usd: row.cost_usd,
        ledger: serde_json::from_str(&row.ledger).map_err(ReconcileError::Ledger)?,
        findings: row.findings.clone(),
    })
}

/// Resumes the open session when it reconciles toward `generation` (and no fresh one is
/// asked for); otherwise closes it and begins a new one.
pub(crate) fn begin(
    store: &mut Store,
    generation: &str,
    verdicts: &Verdicts,
    new_session: bool,
    tiers: &[AgentTier],
    emit: &mut dyn FnMut(Event),
) -> Result<Session, ReconcileError> {
    match store.open_session()? {
        Some(open) if open.desired_generation == generation && !new_session => {
            let cut_off = store.interrupt_running_turns(open.id)?;
            emit(Event::Resumed {
                session: open.id,
                after_turn: open.turns,
                tier: tiers.get(open.tier).map(|a| a.name.clone()),
                cost_usd: open.cost_usd,
                cut_off,
            });
            let standing = standing_of(&open)?;
            Ok(Session {
                row: open,
                standing,
            })
        }
        open => {
            if let Some(open) = open {
                let why = if new_session {
                    "--new-session"
                } else {
                    "the desired state changed"
                };
                store.end_session(open.id, "superseded", why)?;
                emit(Event::Superseded {
                    session: open.id,
                    why: why.into(),
                });
            }
            let ledger = Ledger::start(&verdicts.of);
            let json = serde_json::to_string(&ledger).map_err(ReconcileError::Ledger)?;
            let row = store.start_session(generation, &json)?;
            let standing = standing_of(&row)?;
            Ok(Session { row, standing })
        }
    }
}
