//! `specctl audit`: is the contract adequate? Static rules over the items, mutants of the
//! code they cover, and the findings a person judges at their lines.

pub mod attempt;
mod classify;
pub mod document;
mod error;
pub mod finding;
pub(crate) mod judge;
pub mod mutant;
pub mod mutate;
pub mod rules;
pub mod run;
pub(crate) mod scratch;
pub(crate) mod sources;
pub mod specs;

pub use attempt::{Attempt, Outcome};
pub use document::{Audit, Summary};
pub use error::AuditError;
pub use finding::{Finding, Rule, Severity};
pub use mutant::{Mutant, Operator, Status, Tested};
