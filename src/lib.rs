//! specctl keeps code true to its specs: Gherkin scenarios and aspects are desired state,
//! their evidence observes the actual state, and the difference is what is left to do.

pub mod adversary;
pub mod audit;
pub mod cli;
pub mod command;
pub mod config;
pub mod desired;
pub mod exit;
pub mod failpoint;
pub mod init;
pub mod input_error;
pub mod merge;
pub mod observe;
pub mod partition;
pub mod process;
pub mod project;
pub mod reconcile;
pub mod redact;
pub mod report;
pub mod selection;
pub mod serve;
pub mod store;
pub mod tag_expr;
pub mod watch;
mod yaml;

pub use input_error::InputError;
