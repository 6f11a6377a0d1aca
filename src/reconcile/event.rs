//! What the loop tells whoever watches it, as typed events: `command/` renders them for a
//! person (one line each) or a machine; the loop itself prints nothing.

use super::delta::Phase;
use super::standing::Tally;
use crate::process::ProcessEnd;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Outside git no turn is snapshotted, so a regression cannot be rolled back.
    NoGit,
    /// An observation finished; `resolved` are the items it found newly holding.
    Observed {
        tally: Tally,
        resolved: Vec<String>,
        after_turn: bool,
    },
    /// An open session goes on where it stood.
    Resumed {
        session: i64,
        after_turn: u32,
        /// The current tier's name; `None` when every tier is spent.
        tier: Option<String>,
        cost_usd: f64,
        /// Turns a killed run left unfinished.
        cut_off: Vec<u32>,
    },
    /// An open session was closed; a new one begins.
    Superseded { session: i64, why: String },
    TurnStarted {
        turn: u32,
        tier: String,
        phase: Phase,
        items: Vec<String>,
    },
    AgentFinished {
        end: ProcessEnd,
        took: Duration,
        cost_usd: Option<f64>,
    },
    /// Edits to protected files were undone.
    ProtectedUndone { paths: Vec<String> },
    /// The turn broke items that held and was rolled back.
    RolledBack { turn: u32, items: Vec<String> },
    /// A tier made no progress (or spent its turns) and the next takes over.
    Escalated { why: String, to: String },
}
