//! What the loop tells whoever watches it, as typed events: `command/` renders them for a
//! person (one line each) or a machine; the loop itself prints nothing.

use super::delta::Phase;
use super::standing::Tally;
use crate::process::ProcessEnd;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Outside git a regression cannot be rolled back (protected files are still guarded).
    NoGit,
    /// An observation finished; `resolved` are the items it found newly holding.
    Observed {
        tally: Tally,
        resolved: Vec<String>,
        after_turn: bool,
    },
    /// Turns of the open session that a killed or interrupted run left ungated: they are
    /// gated now, before anything else.
    CutOff { session: i64, turns: Vec<u32> },
    /// An open session goes on where it stood.
    Resumed {
        session: i64,
        after_turn: u32,
        /// The current tier's name; `None` when every tier is spent.
        tier: Option<String>,
        cost_usd: f64,
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
        /// Why the agent failed for a reason outside the code, when it did.
        failed: Option<String>,
    },
    /// Edits to protected files were undone; the edited versions stay in the turn's snapshot
    /// `kept` (a git ref), where there is one.
    ProtectedUndone {
        paths: Vec<String>,
        kept: Option<String>,
    },
    /// The tree a turn left could not be snapshotted, so every protected file it might have
    /// touched was put back as it was before the turn.
    ProtectedRestored { files: usize },
    /// The turn broke items that held and was rolled back: `paths` (the ones it changed)
    /// were put back; its version of them is kept under `kept`.
    RolledBack {
        turn: u32,
        items: Vec<String>,
        paths: Vec<String>,
        kept: String,
    },
    /// Process groups a killed run left running were ended before anything started.
    SurvivorsEnded { groups: Vec<i32> },
    /// A tier made no progress (or spent its turns) and the next takes over.
    Escalated { why: String, to: String },
    /// The reviewer read a RED turn's evidence: `answer` is approve, object or unreadable.
    Reviewed {
        turn: u32,
        tier: String,
        answer: &'static str,
        findings: Vec<String>,
        cost_usd: Option<f64>,
    },
    /// The reviewer edited files; it is read-only, so they were put back.
    ReviewerUndone { paths: Vec<String> },
    /// A tier's agent failed for reasons outside the code turn after turn: it is skipped;
    /// `to` is the tier that takes over, `None` when none is left.
    TierSkipped {
        tier: String,
        why: String,
        to: Option<String>,
    },
}
