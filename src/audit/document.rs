//! What one audit found, as a whole: the findings, the mutants and their fates, and the
//! counts every output format (human, JSON, SARIF, Stryker) starts from.

use super::{Attempt, Finding, Outcome, Severity, Status, Tested};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct Audit {
    pub findings: Vec<Finding>,
    /// Every mutant tried, in the order they were made (file, then line).
    pub mutants: Vec<Tested>,
    pub warnings: Vec<String>,
    /// How long the unmutated evidence took; `None` without `--mutants`.
    pub baseline_ms: Option<u64>,
    pub duration_ms: u64,
    /// Ctrl-C arrived: the mutants not tried are left out, what was learned is kept.
    pub interrupted: bool,
    /// Every adversary attempt (`--adversary`), in the items' order.
    pub attempts: Vec<Attempt>,
    /// The run's desired state and slice (`--partition`); `None` for a recorded audit.
    pub run: Option<crate::partition::Run>,
}

/// The counts at the head of every output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub findings: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub mutants: usize,
    pub killed: usize,
    pub survived: usize,
    pub timeout: usize,
    pub unviable: usize,
    pub duration_ms: u64,
    /// The unmutated observation's wall time (the mutants' timeout is a few times it); `None`
    /// (null) without `--mutants` or when no mutant could be made.
    pub baseline_ms: Option<u64>,
    pub interrupted: bool,
    /// Adversary attempts made, and how many of them passed an item's evidence.
    pub attempts: usize,
    pub adversary_passes: usize,
}

impl Audit {
    pub fn summary(&self) -> Summary {
        let severity = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        let status = |s: Status| self.mutants.iter().filter(|m| m.status == s).count();
        Summary {
            findings: self.findings.len(),
            error: severity(Severity::Error),
            warning: severity(Severity::Warning),
            info: severity(Severity::Info),
            mutants: self.mutants.len(),
            killed: status(Status::Killed),
            survived: status(Status::Survived),
            timeout: status(Status::Timeout),
            unviable: status(Status::Unviable),
            duration_ms: self.duration_ms,
            baseline_ms: self.baseline_ms,
            interrupted: self.interrupted,
            attempts: self
                .attempts
                .iter()
                .filter(|a| a.outcome != Outcome::NotTried)
                .count(),
            adversary_passes: self
                .attempts
                .iter()
                .filter(|a| a.outcome == Outcome::Passes)
                .count(),
        }
    }

    /// Whether some finding is of severity error: exit 1.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}
