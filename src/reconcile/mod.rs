//! Reconciliation: the delta between desired and observed state handed to an agent, turn by
//! turn, believing only the evidence. delta, ledger and prompt are pure; the rest does I/O.

pub mod agent;
pub mod delta;
pub mod gates;
pub mod ledger;
pub mod prompt;
pub mod run;
pub mod snapshot;
