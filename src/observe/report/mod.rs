//! Runner reports (JUnit XML, Cucumber JSON) read into test cases: what each runner said of
//! each scenario, before anything is matched to items.

pub mod cucumber_json;
pub mod junit;

use super::verdict::CaseOutcome;

/// One test case as a report states it. Runners name cases their own way, so every field
/// that might identify the scenario is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The feature file, where the report says (Cucumber JSON `uri`, cucumber-rs names).
    pub file: Option<String>,
    /// The scenario's or Outline row's line, where the report says.
    pub line: Option<usize>,
    /// JUnit `classname` or Cucumber JSON feature name: the Feature name, sometimes behind a
    /// dotted path (behave: `shop.Shop`).
    pub group: Option<String>,
    /// The case name as reported, row suffixes and all.
    pub name: String,
    pub outcome: CaseOutcome,
    /// The failing step and assertion, as short as the report allows.
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReportError(pub String);

/// Words in a failure that mean the step had no implementation rather than a failed check:
/// behave (`undefined`, StepNotImplementedError), cucumber-js (`....undefined`, `pending`),
/// cucumber-rs (`Step doesn't match any function`, `Step skipped:`).
pub(crate) fn says_undefined(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("step doesn't match any function")
        || lower.contains("stepnotimplementederror")
        || lower.lines().any(|l| {
            let l = l.trim_end();
            l.ends_with(".undefined")
                || l.ends_with(".pending")
                || l.contains(" ... undefined")
                || l.trim_start().starts_with("step skipped:")
        })
}
