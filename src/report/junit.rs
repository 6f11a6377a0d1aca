//! `--format junit`: one testcase per item, one testsuite per file, for CI systems that
//! render JUnit.

use super::outcome::Outcome;
use crate::observe::Verdict;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub fn render(outcomes: &[Outcome<'_>], duration_ms: u64) -> String {
    let mut report = Report::new("specctl");
    report.set_time(Duration::from_millis(duration_ms));
    let mut suites: Vec<TestSuite> = Vec::new();
    for o in outcomes {
        if suites.last().is_none_or(|s| s.name.as_str() != o.item.file) {
            suites.push(TestSuite::new(o.item.file.as_str()));
        }
        let mut status = match o.verdict {
            Some(Verdict::Pass) => TestCaseStatus::success(),
            Some(Verdict::Skipped) => TestCaseStatus::skipped(),
            Some(Verdict::Fail) => TestCaseStatus::non_success(NonSuccessKind::Failure),
            Some(Verdict::Undefined) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_type("undefined");
                s
            }
            Some(Verdict::Error) | Some(Verdict::Timeout) | None => {
                TestCaseStatus::non_success(NonSuccessKind::Error)
            }
        };
        if let Some(v) = o.verdict.filter(|v| *v != Verdict::Pass) {
            status.set_type(v.as_str());
            if let Some(message) = &o.message {
                status.set_message(message.lines().next().unwrap_or_default());
                status.set_description(message.as_str());
            }
        }
        let mut case = TestCase::new(o.item.id.as_str(), status);
        case.set_classname(format!("{}:{}", o.item.file, o.item.line));
        case.set_time(Duration::from_millis(o.duration_ms));
        if let Some(suite) = suites.last_mut() {
            suite.add_test_case(case);
        }
    }
    report.add_test_suites(suites);
    report.to_string().unwrap_or_default()
}
