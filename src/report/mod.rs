//! Output for people and machines: human text, the JSON document, JUnit, GitHub annotations,
//! and error diagnostics.

pub mod check;
pub mod diagnostic;
pub mod github;
pub mod group;
pub mod json;
pub mod junit;
pub mod list;
pub mod outcome;
pub mod style;
