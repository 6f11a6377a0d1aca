//! One runner, run once for every scenario it proves in this observation: placeholders
//! filled, the process run, its report read and mapped back to the scenarios.

use super::matching::{Found, Naming, match_cases};
use super::report::{Case, Report, ReportError, Writer, cucumber_json, junit, messages};
use super::verdict::CaseOutcome;
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
    pub items: &'a [&'a Item],
    /// Its other scenarios: a report may mention those too, so they are not warned about.
    pub others: &'a [&'a Item],
    /// Every feature file of the project, for telling its paths apart in the report.
    pub files: &'a [&'a str],
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
        files,
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
        ReportFormat::Messages => "report.ndjson",
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
    let read = match finished.end {
        ProcessEnd::Exited(_) if runner.report != ReportFormat::ExitCode => {
            Some(read_aside(runner, &report_file, &report_dir).await)
        }
        _ => None,
    };
    let reports = Reports { root, files, read };
    judge(name, runner, items, others, &finished, reports)
}

/// The runner's reports, read and parsed on a blocking thread: the thread that starts the
/// other evidence is not held up by a report of thousands of cases.
async fn read_aside(runner: &Runner, file: &Path, dir: &Path) -> Result<Vec<Report>, ReportError> {
    let (runner, file, dir) = (runner.clone(), file.to_path_buf(), dir.to_path_buf());
    tokio::task::spawn_blocking(move || read_reports(&runner, &file, &dir))
        .await
        .unwrap_or_else(|err| {
            Err(ReportError(format!(
                "reading it failed unexpectedly: {err}"
            )))
        })
}

/// The runner's reports as read (none when it did not exit, or is judged by its exit code),
/// and the root and files their paths may name.
struct Reports<'a> {
    root: &'a Path,
    files: &'a [&'a str],
    read: Option<Result<Vec<Report>, ReportError>>,
}

/// Everything after the process ended: the verdict of each item, from the way it ended, its
/// exit code, or its report.
fn judge(
    name: &str,
    runner: &Runner,
    items: &[&Item],
    others: &[&Item],
    finished: &Finished,
    reports: Reports<'_>,
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
    let Some(read) = reports.read else {
        let message = format!("runner `{name}` (exit {code}): its report was not read");
        return all(items, Verdict::Error, &message, ms);
    };
    let read = match read {
        Ok(read) => read,
        Err(ReportError(why)) => {
            let message = format!("runner `{name}` (exit {code}): {why}");
            return all(items, Verdict::Error, &with_output(&message, &tail), ms);
        }
    };
    let naming = Naming {
        behave_schema: super::behave_config::outline_schema(reports.root)
            .unwrap_or_else(|| super::matching::BEHAVE_SCHEMA.to_string()),
    };
    let batch = Judged {
        name,
        format: runner.report,
        root: &reports.root.to_string_lossy(),
        naming: &naming,
        files: reports.files,
        ms,
        exit: code,
    };
    from_reports(&batch, items, others, read)
}

/// What the verdicts of one runner's report depend on besides the report.
pub(crate) struct Judged<'a> {
    pub name: &'a str,
    pub format: ReportFormat,
    pub root: &'a str,
    pub naming: &'a Naming,
    /// Every feature file of the project.
    pub files: &'a [&'a str],
    pub ms: u64,
    /// The runner's exit code.
    pub exit: i32,
}

/// Each item's verdict from the case of the report that names it; an item the report is
/// unsure of is an `error` that says why, one it leaves out `undefined` with what would tell.
pub(crate) fn from_reports(
    batch: &Judged<'_>,
    items: &[&Item],
    others: &[&Item],
    reports: Vec<Report>,
) -> BatchResult {
    let writer = reports.first().map_or(Writer::Unknown, |r| r.writer);
    let cases: Vec<Case> = reports.into_iter().flat_map(|r| r.cases).collect();
    let refs: Vec<&Item> = items.iter().chain(others).copied().collect();
    let matched = match_cases(&refs, &cases, batch.files, batch.root, batch.naming);
    let name = batch.name;
    let unexplained = unexplained_failure(batch, &cases);
    let observations = items
        .iter()
        .zip(&matched.found)
        .map(|(item, found)| {
            let (verdict, message) = match found {
                Some(Found::Case(ci)) => match (case_verdict(item, &cases[*ci]), &unexplained) {
                    ((Verdict::Pass, _), Some(why)) => (Verdict::Error, Some(why.clone())),
                    (verdict, _) => verdict,
                },
                Some(Found::Ambiguous(why)) => {
                    (Verdict::Error, Some(format!("runner `{name}`: {why}")))
                }
                None => (
                    Verdict::Undefined,
                    Some(unmentioned(name, batch.format, writer)),
                ),
            };
            Observation::new(item, verdict, batch.ms, message)
        })
        .collect();
    BatchResult {
        observations,
        warnings: strangers(batch, writer, &cases, &matched.unmatched),
        interrupted: false,
    }
}

/// A runner that failed while its report shows nothing but passes and skips has failed at
/// something the report does not name (pytest-bdd 6, which reads no Rules, fails a scenario
/// it misread and reports its steps passed): no pass in such a report is believed.
fn unexplained_failure(batch: &Judged<'_>, cases: &[Case]) -> Option<String> {
    let only_passes = cases
        .iter()
        .all(|c| matches!(c.outcome, CaseOutcome::Passed | CaseOutcome::Skipped));
    (batch.exit != 0 && only_passes).then(|| {
        format!(
            "runner `{}` exited with {} but its report shows no failure: something failed that the report does not name, so no pass in it is believed (the runner's own output says what)",
            batch.name, batch.exit
        )
    })
}

/// The verdict a case gives its item. pytest-bdd reports a scenario that `pytest.skip()`
/// stopped as passed, with the steps after the skip left out: fewer steps than the scenario
/// has, all passed, cannot be told from a pass, so it is no verdict.
fn case_verdict(item: &Item, case: &Case) -> (Verdict, Option<String>) {
    let expected = item.scenario().map_or(0, |s| s.steps.len());
    if case.writer == Writer::Pytest
        && case.outcome == CaseOutcome::Passed
        && case.steps.len() < expected
    {
        let message = format!(
            "the report lists {} of this scenario's {expected} steps, all passed: pytest-bdd reports a scenario stopped by `pytest.skip()` this way, so whether it held is unknown (pytest's JUnit, `--junitxml`, says whether it was skipped)",
            case.steps.len()
        );
        return (Verdict::Error, Some(message));
    }
    let message = case.message.as_deref().map(trim_message);
    (verdict::from_case(case.outcome), message)
}

/// Why a report may leave a scenario out, and the flag or format that would say more.
fn unmentioned(name: &str, format: ReportFormat, writer: Writer) -> String {
    let base = format!("runner `{name}` ran but its report does not mention this scenario");
    let hint = match (writer, format) {
        (Writer::Pytest, ReportFormat::Junit) => {
            "pytest's JUnit names test functions, not scenarios: have pytest-bdd write Cucumber JSON (`--cucumberjson={report}`) and set `report: cucumber-json`"
        }
        (Writer::Pytest, _) => {
            "pytest-bdd's Cucumber JSON leaves out the tests it skips or deselects: was this scenario skipped or deselected?"
        }
        (Writer::Behave, _) => {
            "behave leaves the scenarios it skips out of its reports when `show_skipped` is off (`--no-skipped`, or `show_skipped = false` in behave.ini): add `--show-skipped` to the runner's command to learn whether this one was skipped"
        }
        _ => return base,
    };
    format!("{base}; {hint}")
}

/// Warnings for the cases that name no scenario of this project: one line for a pytest
/// JUnit (every case is a test function), else one per case.
fn strangers(
    batch: &Judged<'_>,
    writer: Writer,
    cases: &[Case],
    unmatched: &[usize],
) -> Vec<String> {
    let name = batch.name;
    if writer == Writer::Pytest && batch.format == ReportFormat::Junit && !unmatched.is_empty() {
        return vec![format!(
            "runner `{name}` wrote pytest's JUnit, whose {} cases are test functions (like `{}`), not scenarios: have pytest-bdd write Cucumber JSON (`--cucumberjson={{report}}`) and set `report: cucumber-json`",
            unmatched.len(),
            cases[unmatched[0]].name
        )];
    }
    unmatched
        .iter()
        .map(|&ci| {
            let c = &cases[ci];
            let place = match (&c.file, c.line, &c.group) {
                (Some(file), Some(line), _) => format!(" at {file}:{line}"),
                (Some(file), None, _) => format!(" in {file}"),
                (None, _, Some(group)) => format!(" in `{group}`"),
                _ => String::new(),
            };
            format!("runner `{name}` reported `{}`{place}, which is no scenario of this project: ignored", c.name)
        })
        .collect()
}

fn read_reports(
    runner: &Runner,
    report_file: &Path,
    report_dir: &Path,
) -> Result<Vec<Report>, ReportError> {
    let mut files: Vec<PathBuf> = Vec::new();
    if runner.run.contains("{report}") && report_file.is_file() {
        files.push(report_file.to_path_buf());
    }
    if runner.run.contains("{report_dir}") {
        collect_files(report_dir, extension_of(runner.report), &mut files);
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
    let mut reports = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file)
            .map_err(|e| ReportError(format!("cannot read its report: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        let parsed = match runner.report {
            ReportFormat::Junit => junit::parse(&text),
            ReportFormat::CucumberJson => cucumber_json::parse(&text),
            ReportFormat::Messages => messages::parse(&text),
            ReportFormat::ExitCode => Ok(Report::default()),
        };
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        reports.push(parsed.map_err(|ReportError(e)| {
            ReportError(format!("its report {name} is unreadable: {e}"))
        })?);
    }
    Ok(reports)
}

/// The file ending of a report format: a runner's other files in the folder are not read as
/// its report.
fn extension_of(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Junit => "xml",
        ReportFormat::CucumberJson => "json",
        ReportFormat::Messages => "ndjson",
        ReportFormat::ExitCode => "",
    }
}

fn collect_files(dir: &Path, extension: &str, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(&path, extension, into);
        } else if path.extension().is_some_and(|e| e == extension) {
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

fn all(items: &[&Item], verdict: Verdict, message: &str, ms: u64) -> BatchResult {
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
    use crate::desired::item::{Step, fixture};

    fn item(name: &str, line: usize, steps: usize) -> Item {
        let mut item = fixture::scenario(&format!("specs/a.feature::{name}"), "specs/a.feature");
        item.line = line;
        fixture::scenario_mut(&mut item).steps = (0..steps)
            .map(|n| Step {
                keyword: "Given ".into(),
                text: format!("step {n}"),
                doc_string: None,
                data_table: None,
                line: 0,
                kind: crate::desired::gherkin::KeywordType::Context,
            })
            .collect();
        item
    }

    fn judged(
        format: ReportFormat,
        exit: i32,
        items: &[Item],
        reports: &[Report],
    ) -> Vec<(Verdict, String)> {
        let naming = Naming::default();
        let batch = Judged {
            name: "bdd",
            format,
            root: "/p",
            naming: &naming,
            files: &[],
            ms: 1,
            exit,
        };
        let items: Vec<&Item> = items.iter().collect();
        from_reports(&batch, &items, &[], reports.to_vec())
            .observations
            .into_iter()
            .map(|o| (o.verdict, o.message.unwrap_or_default()))
            .collect()
    }

    fn passed(line: usize, steps: usize, writer: Writer) -> Report {
        let mut case = Case::new("x", CaseOutcome::Passed);
        case.file = Some("specs/a.feature".into());
        case.line = Some(line);
        case.steps = (0..steps).map(|n| format!("step {n}")).collect();
        Report::new(vec![case], writer)
    }

    #[test]
    fn passes_a_report_cannot_vouch_for_are_errors() {
        let items = [item("a", 3, 3), item("b", 9, 1)];
        // pytest-bdd: a `pytest.skip()` in a step shows as fewer steps, all passed.
        let got = judged(
            ReportFormat::CucumberJson,
            0,
            &items,
            &[passed(3, 2, Writer::Pytest)],
        );
        assert_eq!(got[0].0, Verdict::Error);
        assert!(
            got[0]
                .1
                .starts_with("the report lists 2 of this scenario's 3 steps, all passed")
        );
        assert_eq!(got[1].0, Verdict::Undefined);
        assert!(
            got[1]
                .1
                .ends_with("was this scenario skipped or deselected?"),
            "{}",
            got[1].1
        );
        // Any runner: a failed run whose report holds only passes.
        let got = judged(
            ReportFormat::CucumberJson,
            1,
            &items,
            &[passed(3, 3, Writer::Unknown)],
        );
        assert_eq!(got[0].0, Verdict::Error);
        assert!(
            got[0]
                .1
                .starts_with("runner `bdd` exited with 1 but its report shows no failure")
        );
        assert_eq!(
            got[1],
            (
                Verdict::Undefined,
                "runner `bdd` ran but its report does not mention this scenario".into()
            )
        );
        let got = judged(
            ReportFormat::CucumberJson,
            0,
            &items,
            &[passed(3, 3, Writer::Unknown)],
        );
        assert_eq!(got[0], (Verdict::Pass, String::new()));
    }

    #[test]
    fn what_a_report_leaves_out_says_which_flag_would_tell() {
        let items = [item("a", 3, 1)];
        let behave = judged(
            ReportFormat::Junit,
            0,
            &items,
            &[Report::new(vec![], Writer::Behave)],
        );
        assert!(
            behave[0]
                .1
                .contains("add `--show-skipped` to the runner's command")
        );
        let pytest = judged(
            ReportFormat::Junit,
            0,
            &items,
            &[Report::new(vec![], Writer::Pytest)],
        );
        assert!(pytest[0].1.contains("`--cucumberjson={report}`"));
    }

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
