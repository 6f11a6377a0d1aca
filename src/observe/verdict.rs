//! The closed set of verdicts and the pure functions that decide them from what a process did
//! and what its report says. No I/O here: every rule is tested on plain data.

use crate::process::ProcessEnd;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the evidence says about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The evidence ran and the item held.
    Pass,
    /// The evidence ran and the item did not hold.
    Fail,
    /// No verdict could be had: the command could not start, died by a signal, or wrote no
    /// readable report.
    Error,
    /// The evidence ran past its timeout and its process group was killed.
    Timeout,
    /// Nothing proves the item: no runner, not in the report, or undefined/pending steps.
    Undefined,
    /// The runner reported the item skipped.
    Skipped,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Error,
        Verdict::Timeout,
        Verdict::Undefined,
        Verdict::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
            Verdict::Timeout => "timeout",
            Verdict::Undefined => "undefined",
            Verdict::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// Pass and skipped leave nothing to do; every other verdict is part of the delta.
    pub fn holds(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::Skipped)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict every item of a process gets regardless of any report, when the way the
/// process ended already decides it; `None` when the report (or the exit code) must decide.
pub fn from_process_end(end: &ProcessEnd) -> Option<(Verdict, String)> {
    match end {
        ProcessEnd::Exited(126) => Some((
            Verdict::Error,
            "the command could not run (exit 126): is the script executable (chmod +x)?".into(),
        )),
        ProcessEnd::Exited(127) => Some((
            Verdict::Error,
            "the command was not found (exit 127): check the command line and PATH".into(),
        )),
        // The shell that runs every evidence reports a child killed by signal N as 128 + N.
        ProcessEnd::Exited(code @ 129..=159) => Some((
            Verdict::Error,
            format!(
                "the command was killed by signal {} ({}; exit {code})",
                code - 128,
                signal_name(code - 128)
            ),
        )),
        ProcessEnd::Exited(_) => None,
        ProcessEnd::Signalled(signal) => Some((
            Verdict::Error,
            format!(
                "the command was killed by signal {signal} ({})",
                signal_name(*signal)
            ),
        )),
        ProcessEnd::TimedOut => Some((
            Verdict::Timeout,
            "the command ran past its timeout; its process group was killed".into(),
        )),
        ProcessEnd::NotStarted(why) => Some((
            Verdict::Error,
            format!("the command could not start: {why}"),
        )),
        ProcessEnd::Interrupted => Some((Verdict::Error, "interrupted before it finished".into())),
    }
}

/// An exit-code evidence: 0 holds, anything else does not.
pub fn from_exit_code(code: i32) -> Verdict {
    if code == 0 {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

/// What a runner's report says of one test case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOutcome {
    Passed,
    Failed,
    Errored,
    Skipped,
    /// Undefined or pending steps: the runner knows the scenario but nothing implements it.
    Undefined,
}

pub fn from_case(outcome: CaseOutcome) -> Verdict {
    match outcome {
        CaseOutcome::Passed => Verdict::Pass,
        CaseOutcome::Failed => Verdict::Fail,
        CaseOutcome::Errored => Verdict::Error,
        CaseOutcome::Skipped => Verdict::Skipped,
        CaseOutcome::Undefined => Verdict::Undefined,
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_process_end_decides_or_defers() {
        assert_eq!(from_process_end(&ProcessEnd::Exited(0)), None);
        assert_eq!(from_process_end(&ProcessEnd::Exited(1)), None);
        assert_eq!(
            from_process_end(&ProcessEnd::Exited(126)).unwrap().0,
            Verdict::Error
        );
        assert_eq!(
            from_process_end(&ProcessEnd::Exited(127)).unwrap().0,
            Verdict::Error
        );
        assert_eq!(
            from_process_end(&ProcessEnd::Signalled(9)).unwrap().0,
            Verdict::Error
        );
        assert_eq!(
            from_process_end(&ProcessEnd::Signalled(11)).unwrap().1,
            "the command was killed by signal 11 (SIGSEGV)"
        );
        assert_eq!(
            from_process_end(&ProcessEnd::TimedOut).unwrap().0,
            Verdict::Timeout
        );
        assert_eq!(
            from_process_end(&ProcessEnd::NotStarted("x".into()))
                .unwrap()
                .0,
            Verdict::Error
        );
    }

    #[test]
    fn exit_codes_and_cases_map_one_to_one() {
        assert_eq!(from_exit_code(0), Verdict::Pass);
        assert_eq!(from_exit_code(1), Verdict::Fail);
        assert_eq!(from_exit_code(101), Verdict::Fail);
        assert_eq!(from_case(CaseOutcome::Passed), Verdict::Pass);
        assert_eq!(from_case(CaseOutcome::Failed), Verdict::Fail);
        assert_eq!(from_case(CaseOutcome::Errored), Verdict::Error);
        assert_eq!(from_case(CaseOutcome::Skipped), Verdict::Skipped);
        assert_eq!(from_case(CaseOutcome::Undefined), Verdict::Undefined);
    }

    #[test]
    fn only_pass_and_skipped_hold() {
        let holding: Vec<_> = Verdict::ALL.into_iter().filter(|v| v.holds()).collect();
        assert_eq!(holding, [Verdict::Pass, Verdict::Skipped]);
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
    }
}
