//! Output for people and machines: human text, the JSON document, and error diagnostics.

pub mod diagnostic;
pub mod json;
pub mod list;
pub mod style;
