//! `evidence-cannot-fail`: an aspect, or an exit-code runner, whose command exits 0 whatever
//! the code does (`true`, a bare `echo`, `… || true`), so its verdict is always pass.

use super::shell::always_succeeds;
use crate::audit::{Finding, Rule, Severity};
use crate::config::{self, Config, ReportFormat};
use crate::desired::Item;
use std::collections::BTreeSet;

/// Findings at each such aspect's line, and at specctl.yaml for each such runner that proves
/// a selected scenario. A runner that reads a report gives verdicts from it, not from its
/// exit code, so its command is not judged.
pub(super) fn check(items: &[&Item], config: &Config) -> Vec<Finding> {
    let mut out: Vec<Finding> = items
        .iter()
        .filter_map(|item| {
            let aspect = item.aspect()?;
            always_succeeds(&aspect.command).then(|| Finding {
                rule: Rule::EvidenceCannotFail,
                severity: Severity::Error,
                item: Some(item.id.clone()),
                file: item.file.clone(),
                line: item.line,
                message: format!(
                    "the evidence of aspect `{}` always exits 0 (`{}`): nothing the code does can make it fail; run a check that exits non-zero when the aspect does not hold",
                    item.name, aspect.command
                ),
            })
        })
        .collect();
    let used: BTreeSet<&str> = items.iter().filter_map(|i| i.runner()).collect();
    for name in used {
        let Some(runner) = config.evidence.get(name) else {
            continue;
        };
        if runner.report != ReportFormat::ExitCode || !always_succeeds(&runner.run) {
            continue;
        }
        out.push(Finding {
            rule: Rule::EvidenceCannotFail,
            severity: Severity::Error,
            item: None,
            file: config::FILE_NAME.to_string(),
            line: runner.line.max(1),
            message: format!(
                "runner `{name}` always exits 0 (`{}`), and with `report: exit-code` that exit code is the verdict of every scenario it proves: none can fail; remove what forces success, or give it a report",
                runner.run.trim()
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture::{aspect, scenario, scenario_mut};

    fn aspects(commands: &[&str]) -> Vec<Finding> {
        let items: Vec<Item> = commands
            .iter()
            .enumerate()
            .map(|(i, c)| aspect(&format!("a{i}"), c))
            .collect();
        check(&items.iter().collect::<Vec<_>>(), &Config::default())
    }

    #[test]
    fn an_aspect_that_always_exits_0_is_an_error_at_its_line() {
        assert_eq!(
            aspects(&["pytest || true"]),
            vec![Finding {
                rule: Rule::EvidenceCannotFail,
                severity: Severity::Error,
                item: Some("aspect:a0".into()),
                file: "aspects/a0.md".into(),
                line: 2,
                message: "the evidence of aspect `a0` always exits 0 (`pytest || true`): nothing the code does can make it fail; run a check that exits non-zero when the aspect does not hold".into(),
            }]
        );
        let fired = aspects(&[
            "true",
            ":",
            "exit 0",
            "echo ok",
            "pytest; exit 0",
            "sh -c 'true'",
        ]);
        assert_eq!(fired.len(), 6, "{fired:?}");
    }

    #[test]
    fn an_aspect_that_can_fail_is_not_reported() {
        let commands = [
            "evidence/check.sh",
            "test -f x",
            "pytest",
            "grep -q foo src || exit 1",
            "echo x | grep y",
        ];
        assert_eq!(aspects(&commands), vec![]);
    }

    fn runner_findings(yaml: &str, runner: &str) -> Vec<Finding> {
        let config = Config::parse(yaml).unwrap();
        let mut item = scenario("specs/a.feature::s", "specs/a.feature");
        scenario_mut(&mut item).runner = Some(runner.into());
        check(&[&item], &config)
    }

    #[test]
    fn an_exit_code_runner_that_always_exits_0_is_an_error_at_its_line_in_specctl_yaml() {
        let yaml = "evidence:\n  default: {run: \"behave || true\"}\n";
        let got = runner_findings(yaml, "default");
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].file.as_str(), got[0].line, got[0].item.as_deref()),
            ("specctl.yaml", 2, None)
        );
        assert!(
            got[0]
                .message
                .starts_with("runner `default` always exits 0 (`behave || true`)"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn a_runner_with_a_report_or_proving_nothing_selected_is_not_judged() {
        let yaml = "evidence:\n  default: {run: \"behave --junit {report} || true\", report: junit}\n  idle: {run: \"true\"}\n  real: {run: behave}\n";
        assert_eq!(runner_findings(yaml, "default"), vec![]);
        // `idle` is only judged once a selected scenario is proven by it.
        assert_eq!(runner_findings(yaml, "idle").len(), 1);
        assert_eq!(runner_findings(yaml, "real"), vec![]);
        assert_eq!(runner_findings(yaml, "missing"), vec![]);
    }
}
