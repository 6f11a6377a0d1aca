//! `specctl audit`: is the contract adequate? Static rules over the items, mutants of the
//! code they cover, and the findings a person judges at their lines.

pub mod finding;
pub mod mutant;
pub mod mutate;

pub use finding::{Finding, Rule, Severity};
pub use mutant::{Mutant, Operator, Status, Tested};
pub mod document;

pub use document::{Audit, Summary};
