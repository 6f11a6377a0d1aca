//! A finding of `specctl audit`: a rule, how bad it is, and the line a person must look at.
//! Every stage of audit (static rules, mutants, history) speaks in these.

use serde::{Deserialize, Serialize};

/// What a finding says is wrong with the contract. Each is produced by some rule and named
/// in the JSON, SARIF and human output by [`Rule::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A scenario with no outcome (Then) step: nothing it does can fail.
    NoOutcome,
    /// A scenario with no action (When) step.
    NoAction,
    /// An Examples column that no step, argument or name uses (at the header row).
    OutlineUnusedColumn,
    /// An Examples row equal to an earlier one in the cells that are used (at the row).
    OutlineDuplicateRow,
    /// A scenario whose pickled steps equal an earlier one's (at the later one).
    DuplicateScenario,
    /// An aspect (or exit-code runner) whose evidence always exits 0.
    EvidenceCannotFail,
    /// Nothing has ever seen this item fail for the right reason.
    NeverRed,
    /// A mutant of the code that every item still passes on (at the source line).
    SurvivedMutant,
    /// An adversary agent made the item's evidence pass with code that does something else.
    AdversaryPasses,
}

impl Rule {
    pub const ALL: [Rule; 9] = [
        Rule::NoOutcome,
        Rule::NoAction,
        Rule::OutlineUnusedColumn,
        Rule::OutlineDuplicateRow,
        Rule::DuplicateScenario,
        Rule::EvidenceCannotFail,
        Rule::NeverRed,
        Rule::SurvivedMutant,
        Rule::AdversaryPasses,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::NoOutcome => "no-outcome",
            Rule::NoAction => "no-action",
            Rule::OutlineUnusedColumn => "outline-unused-column",
            Rule::OutlineDuplicateRow => "outline-duplicate-row",
            Rule::DuplicateScenario => "duplicate-scenario",
            Rule::EvidenceCannotFail => "evidence-cannot-fail",
            Rule::NeverRed => "never-red",
            Rule::SurvivedMutant => "survived-mutant",
            Rule::AdversaryPasses => "adversary-passes",
        }
    }

    /// One sentence on what the rule catches, for SARIF's rule list and for people.
    pub fn description(self) -> &'static str {
        match self {
            Rule::NoOutcome => "a scenario with no Then step: nothing it does can fail",
            Rule::NoAction => "a scenario with no When step: it checks a state, not a behaviour",
            Rule::OutlineUnusedColumn => {
                "an Examples column no step, argument or name uses: its values change nothing"
            }
            Rule::OutlineDuplicateRow => {
                "an Examples row identical to an earlier one in the cells that are used"
            }
            Rule::DuplicateScenario => "a scenario whose steps equal an earlier scenario's",
            Rule::EvidenceCannotFail => "evidence that exits 0 whatever the code does",
            Rule::NeverRed => "nothing has ever seen this item fail for the right reason",
            Rule::SurvivedMutant => "the code was changed and every item still passed",
            Rule::AdversaryPasses => {
                "an agent made the item's evidence pass with code its text does not mean"
            }
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered from the worst: `Error` sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding, at the line a person must read: an item's (or an Examples row's) line in its
/// spec, an aspect's, or a source line for a surviving mutant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The item the finding is about; `None` where it is about a source line or a table.
    pub item: Option<String>,
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Findings in the order people read them: by file, then line, then rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.rule, a.item.as_deref()).cmp(&(
            b.file.as_str(),
            b.line,
            b.rule,
            b.item.as_deref(),
        ))
    });
}
