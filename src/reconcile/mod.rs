//! Reconciliation, shaped as a controller: `decide` picks the next action and `gate` judges
//! a turn (pure, with delta, ledger and prompt); `driver` is the only I/O and emits events.

pub mod agent;
pub mod decide;
pub mod delta;
pub mod driver;
pub mod error;
pub mod event;
pub mod failure;
pub mod gate;
pub mod ledger;
pub mod lock;
pub mod observer;
pub mod pass;
pub mod prompt;
pub mod review;
pub mod session;
pub mod standing;
pub mod workspace;

pub use driver::{End, Settings, reconcile};
pub use error::ReconcileError;
pub use event::Event;
