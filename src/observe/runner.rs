//! One runner, run once for every scenario it proves in this observation: placeholders
//! filled, the process run, its report read and mapped back to the scenarios.

use super::matching::match_cases;
use super::report::{Case, ReportError, cucumber_json, junit};
use super::verdict::{self, Verdict};
use super::{Observation, trim_message};
use crate::config::{ReportFormat, Runner};
use crate::desired::Item;
use crate::process::ProcessEnd;
use crate::process::{self, Finished, Job, shell_quote};
use std::path::{Path, PathBuf};
use tokio::sync::watch;

/// What one runner invocation observed.
#[derive(Debug, Default)]
pub struct BatchResult {
    pub observations: Vec<Observation>,
    pub warnings: Vec<String>,
    pub interrupted: bool,
}

/// The scenarios one runner proves in this observation.
pub struct Batch<'a> {
    pub name: &'a str,
    /// The selected ones.
    pub items: &'a [Item],
    /// Its other scenarios: a report may mention those too, so they are not warned about.
    pub others: &'a [Item],
    pub registry: Option<&'a crate::process::Registry>,
}

pub async fn run(
    root: &Path,
    runner: &Runner,
    batch: Batch<'_>,
    interrupt: watch::Receiver<bool>,
) -> BatchResult {
    let Batch {
        name,
        items,
        others,
        registry,
    } = batch;
    let scratch = match crate::process::scratch::tempdir("specctl-report-") {
        Ok(dir) => dir,
        Err(err) => {
            let message = format!("cannot make a folder for the runner's report: {err}");
            return all(items, Verdict::Error, &message, 0);
        }
    };
    let report_file = scratch.path().join(match runner.report {
        ReportFormat::CucumberJson => "report.json",
        _ => "report.xml",
    });
    let report_dir = scratch.path().join("reports");
    if let Err(err) = std::fs::create_dir(&report_dir) {
        return all(
            items,
            Verdict::Error,
            &format!("cannot make the report folder: {err}"),
            0,
        );
    }
    let mut features: Vec<&str> = items.iter().map(|i| i.file.as_str()).collect();
    features.dedup();
    let command = expand(&runner.run, &report_file, &report_dir, &features);
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let job = Job {
        command: &command,
        cwd: root,
        env: std::iter::once(("SPECCTL_RUNNER".into(), name.into()))
            .chain(process::items_env(&ids, scratch.path()))
            .collect(),
        timeout: runner.timeout,
        stdin: None,
        registry,
    };
    let finished = process::run(job, interrupt).await;
    judge(
        name,
        runner,
        items,
        others,
        &finished,
        &report_file,
        &report_dir,
    )
}

/// Everything after the process ended: the verdict of each item, from the way it ended, its
/// exit code, or its report.
fn judge(
    name: &str,
    runner: &Runner,
    items: &[Item],
    others: &[Item],
    finished: &Finished,
    report_file: &Path,
    report_dir: &Path,
) -> BatchResult {
    let ms = finished.duration.as_millis() as u64;
    let tail = finished.output.last_lines(15);
    if finished.end == ProcessEnd::Interrupted {
        return BatchResult {
            interrupted: true,
            ..BatchResult::default()
        };
    }
    if let Some((verdict, why)) = verdict::from_process_end(&finished.end) {
        return all(
            items,
            verdict,
            &with_output(&format!("runner `{name}`: {why}"), &tail),
            ms,
        );
    }
    let code = match finished.end {
        ProcessEnd::Exited(code) => code,
        ref other => {
            let message = format!("runner `{name}` ended oddly: {other:?}");
            return all(items, Verdict::Error, &message, ms);
        }
    };
    if runner.report == ReportFormat::ExitCode {
        let verdict = verdict::from_exit_code(code);
        let message = format!("runner `{name}` exited with {code}");
        return all(items, verdict, &with_output(&message, &tail), ms);
    }
    let cases = match read_reports(runner, report_file, report_dir) {
        Ok(cases) => cases,
        Err(ReportError(why)) => {
            let message = format!("runner `{name}` (exit {code}): {why}");
            return all(items, Verdict::Error, &with_output(&message, &tail), ms);
        }
    };
    from_cases(name, items, others, &cases, ms)
}

/// Each item's verdict from the case of the report that names it.
fn from_cases(name: &str, items: &[Item], others: &[Item], cases: &[Case], ms: u64) -> BatchResult {
    let refs: Vec<&Item> = items.iter().chain(others).collect();
    let matched = match_cases(&refs, cases);
    let observations = items
        .iter()
        .zip(&matched.case_of)
        .map(|(item, case)| match case {
            Some(ci) => {
                let case = &cases[*ci];
                Observation::new(
                    item,
                    verdict::from_case(case.outcome),
                    ms,
                    case.message.as_deref().map(trim_message),
                )
            }
            None => Observation::new(
                item,
                Verdict::Undefined,
                ms,
                Some(format!(
                    "runner `{name}` ran but its report does not mention this scenario"
                )),
            ),
        })
        .collect();
    let warnings = matched
        .unmatched
        .iter()
        .map(|&ci| {
            let c = &cases[ci];
            let place = c.group.as_deref().map(|g| format!(" in `{g}`")).unwrap_or_default();
            format!("runner `{name}` reported `{}`{place}, which is no scenario of this project: ignored", c.name)
        })
        .collect();
    BatchResult {
        observations,
        warnings,
        interrupted: false,
    }
}

fn read_reports(
    runner: &Runner,
    report_file: &Path,
    report_dir: &Path,
) -> Result<Vec<Case>, ReportError> {
    let mut files: Vec<PathBuf> = Vec::new();
    if runner.run.contains("{report}") && report_file.is_file() {
        files.push(report_file.to_path_buf());
    }
    if runner.run.contains("{report_dir}") {
        collect_files(report_dir, &mut files);
    }
    if files.is_empty() {
        return Err(ReportError(format!(
            "it wrote no {} report where {} said",
            runner.report.as_str(),
            if runner.run.contains("{report_dir}") {
                "{report_dir}"
            } else {
                "{report}"
            }
        )));
    }
    let mut cases = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file)
            .map_err(|e| ReportError(format!("cannot read its report: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        let parsed = match runner.report {
            ReportFormat::Junit => junit::parse(&text),
            ReportFormat::CucumberJson => cucumber_json::parse(&text),
            ReportFormat::ExitCode => Ok(Vec::new()),
        };
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        cases.extend(parsed.map_err(|ReportError(e)| {
            ReportError(format!("its report {name} is unreadable: {e}"))
        })?);
    }
    Ok(cases)
}

fn collect_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "xml" || e == "json") {
            into.push(path);
        }
    }
}

/// Fills `{report}`, `{report_dir}` and `{features}`, each shell-quoted.
pub(crate) fn expand(run: &str, report: &Path, report_dir: &Path, features: &[&str]) -> String {
    let features: Vec<String> = features.iter().map(|f| shell_quote(f)).collect();
    run.replace("{report_dir}", &shell_quote(&report_dir.to_string_lossy()))
        .replace("{report}", &shell_quote(&report.to_string_lossy()))
        .replace("{features}", &features.join(" "))
}

fn all(items: &[Item], verdict: Verdict, message: &str, ms: u64) -> BatchResult {
    let message = (verdict != Verdict::Pass).then(|| trim_message(message));
    BatchResult {
        observations: items
            .iter()
            .map(|i| Observation::new(i, verdict, ms, message.clone()))
            .collect(),
        warnings: Vec::new(),
        interrupted: false,
    }
}

fn with_output(message: &str, tail: &str) -> String {
    if tail.is_empty() {
        message.to_string()
    } else {
        format!("{message}\n{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_quoted() {
        let cmd = expand(
            "behave --junit-directory {report_dir} {features} > {report}",
            Path::new("/tmp/r/report.xml"),
            Path::new("/tmp/r/reports"),
            &["specs/a.feature", "specs/it's here.feature"],
        );
        assert_eq!(
            cmd,
            "behave --junit-directory /tmp/r/reports specs/a.feature 'specs/it'\\''s here.feature' > /tmp/r/report.xml"
        );
    }
}
