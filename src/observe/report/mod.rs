//! Runner reports (JUnit XML, Cucumber JSON, Cucumber Messages) read into test cases: what
//! each runner said of each scenario, before anything is matched to items.

pub mod cucumber_json;
pub mod junit;
pub mod messages;

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
    /// The steps' texts as run, placeholders filled in, where the report lists them: the one
    /// thing that tells Outline rows apart when a runner gives them all the Outline's line.
    pub steps: Vec<String>,
    pub outcome: CaseOutcome,
    /// The failing step and assertion, as short as the report allows.
    pub message: Option<String>,
    /// Which runner wrote it: how it counts lines and names cases.
    pub writer: Writer,
}

impl Case {
    pub(crate) fn new(name: impl Into<String>, outcome: CaseOutcome) -> Case {
        Case {
            file: None,
            line: None,
            group: None,
            name: name.into(),
            steps: Vec::new(),
            outcome,
            message: None,
            writer: Writer::Unknown,
        }
    }
}

impl Report {
    /// The report, each case marked with the runner that wrote it.
    pub(crate) fn new(mut cases: Vec<Case>, writer: Writer) -> Report {
        for case in &mut cases {
            case.writer = writer;
        }
        Report { cases, writer }
    }
}

/// Which runner wrote a report, as the report itself shows it: the naming scheme to expect,
/// and what the runner is known to leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Writer {
    Behave,
    CucumberJs,
    CucumberRs,
    /// pytest, with or without pytest-bdd.
    Pytest,
    #[default]
    Unknown,
}

/// One report file, read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub cases: Vec<Case>,
    pub writer: Writer,
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

/// The first lines of an error, under the step that raised it.
pub(crate) fn step_message(step: &str, error: &str) -> String {
    let excerpt: Vec<&str> = error
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(8)
        .collect();
    if excerpt.is_empty() {
        step.to_string()
    } else {
        format!("{step}\n{}", excerpt.join("\n"))
    }
}
