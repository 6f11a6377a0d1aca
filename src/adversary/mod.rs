//! `specctl audit --adversary TIER`: an agent asked, in a scratch copy, for the least code
//! that passes an item's evidence while doing something else; a success is a finding.

mod error;
pub mod judge;
pub mod prompt;
pub mod run;

pub use error::AdversaryError;
pub use run::{Plan, Ran, run};
