//! Output for people and machines: human text, the JSON document, JUnit, GitHub annotations,
//! SARIF, the Stryker mutation report, and error diagnostics.

pub mod audit;
pub mod check;
pub mod diagnostic;
mod excerpt;
pub mod github;
pub mod group;
mod item_json;
pub mod json;
pub mod junit;
pub mod list;
pub mod list_writer;
pub mod outcome;
mod pretty;
pub mod sarif;
pub mod stryker;
pub mod style;
