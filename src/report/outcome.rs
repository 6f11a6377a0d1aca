//! An item with what is known of it (a verdict, or nothing yet), and the counts of a set of
//! them: what every check, status and plan output is built from.

use crate::desired::Item;
use crate::observe::{Observation, Verdict};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    pub item: &'a Item,
    /// `None`: never observed (status) or cut off by Ctrl-C.
    pub verdict: Option<Verdict>,
    pub duration_ms: u64,
    pub message: Option<String>,
    /// The verdict was observed for another generation of the item.
    pub stale: bool,
}

impl<'a> Outcome<'a> {
    pub fn from_observation(item: &'a Item, o: Option<&Observation>) -> Self {
        Outcome {
            item,
            verdict: o.map(|o| o.verdict),
            duration_ms: o.map_or(0, |o| o.duration_ms),
            message: o.and_then(|o| o.message.clone()),
            stale: false,
        }
    }

    /// Holds: passed or skipped, and observed for this very generation.
    pub fn holds(&self) -> bool {
        self.verdict.is_some_and(Verdict::holds) && !self.stale
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub timeout: usize,
    pub undefined: usize,
    pub skipped: usize,
    pub duration_ms: u64,
}

impl Counts {
    pub fn of(outcomes: &[Outcome<'_>], duration_ms: u64) -> Counts {
        let mut c = Counts {
            total: outcomes.len(),
            duration_ms,
            ..Counts::default()
        };
        for o in outcomes {
            match o.verdict {
                Some(Verdict::Pass) => c.pass += 1,
                Some(Verdict::Fail) => c.fail += 1,
                Some(Verdict::Error) => c.error += 1,
                Some(Verdict::Timeout) => c.timeout += 1,
                Some(Verdict::Undefined) => c.undefined += 1,
                Some(Verdict::Skipped) => c.skipped += 1,
                None => {}
            }
        }
        c
    }

    /// The closing line: `N passed, N failed` (`, N skipped` when any), where failed counts
    /// every item that neither passed nor was skipped.
    pub fn closing_line(&self) -> String {
        closing_line(
            self.pass,
            self.total - self.pass - self.skipped,
            self.skipped,
        )
    }
}

/// `N passed, N failed` (`, N skipped` when any): the last line of every human report.
pub fn closing_line(pass: usize, failed: usize, skipped: usize) -> String {
    let mut line = format!("{pass} passed, {failed} failed");
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_counts_every_other_verdict_as_failed() {
        let c = Counts {
            total: 7,
            pass: 3,
            fail: 1,
            error: 1,
            timeout: 0,
            undefined: 1,
            skipped: 1,
            duration_ms: 0,
        };
        assert_eq!(c.closing_line(), "3 passed, 3 failed, 1 skipped");
        let c = Counts {
            total: 2,
            pass: 2,
            ..Counts::default()
        };
        assert_eq!(c.closing_line(), "2 passed, 0 failed");
    }
}
