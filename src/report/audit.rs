//! Human output of `specctl audit`: each finding as a person judges it in a minute (the rule,
//! the message, the spec lines or the mutant's diff), then the closing counts.

use super::excerpt::{self, Blocks, Diff};
use super::style::Style;
use crate::audit::{Audit, Finding, Outcome, Rule, Severity, Status, Summary, Tested};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn human(
    audit: &Audit,
    sources: &BTreeMap<String, String>,
    style: Style,
    quiet: bool,
) -> String {
    let mut out = String::new();
    if !quiet {
        // Each file's blocks are read once, however many findings it has.
        let mut blocks: BTreeMap<&str, Blocks> = BTreeMap::new();
        for finding in &audit.findings {
            let source = sources.get(&finding.file).map(String::as_str);
            let blocks = blocks.entry(finding.file.as_str()).or_insert_with(|| {
                source.map_or_else(Blocks::default, |s| Blocks::of(&finding.file, s))
            });
            write_finding(&mut out, audit, finding, source, blocks, style);
            out.push('\n');
        }
    }
    if audit.interrupted {
        let _ = writeln!(
            out,
            "{}",
            style.yellow("interrupted: the mutants not yet tried are left out")
        );
    }
    let line = summary_line(&audit.summary());
    let _ = writeln!(
        out,
        "{}",
        if audit.has_errors() {
            style.red(&line)
        } else {
            style.green(&line)
        }
    );
    out
}

/// `3 findings (2 errors, 1 warning); 12 mutants: 9 killed, 2 survived, 1 unviable`, the
/// mutant part only where there were mutants.
pub fn summary_line(summary: &Summary) -> String {
    let mut line = if summary.findings == 0 {
        "no findings".to_string()
    } else {
        let kinds = counted(&[
            (summary.error, "error", "errors"),
            (summary.warning, "warning", "warnings"),
            (summary.info, "info", "info"),
        ]);
        format!(
            "{} {} ({kinds})",
            summary.findings,
            plural(summary.findings, "finding", "findings")
        )
    };
    if summary.mutants > 0 {
        let fates = counted(&[
            (summary.killed, "killed", "killed"),
            (summary.survived, "survived", "survived"),
            (summary.timeout, "timed out", "timed out"),
            (summary.unviable, "unviable", "unviable"),
        ]);
        let _ = write!(
            line,
            "; {} {}: {fates}",
            summary.mutants,
            plural(summary.mutants, "mutant", "mutants")
        );
    }
    if summary.attempts > 0 {
        let _ = write!(
            line,
            "; {} adversary {}: {} passed",
            summary.attempts,
            plural(summary.attempts, "attempt", "attempts"),
            summary.adversary_passes
        );
    }
    line
}

fn counted(parts: &[(usize, &str, &str)]) -> String {
    parts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", plural(*n, one, many)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn write_finding(
    out: &mut String,
    audit: &Audit,
    finding: &Finding,
    source: Option<&str>,
    blocks: &Blocks,
    style: Style,
) {
    let (word, paint): (&str, fn(Style, &str) -> String) = match finding.severity {
        Severity::Error => ("error", Style::red),
        Severity::Warning => ("warning", Style::yellow),
        Severity::Info => ("info", Style::cyan),
    };
    let _ = writeln!(
        out,
        "{}{}",
        paint(style, &style.bold(&format!("{word}[{}]", finding.rule))),
        style.bold(&format!(": {}", finding.message))
    );
    let survivors = survivors(audit, finding);
    // A surviving mutant's finding shows its change; any other, the block it points at.
    // An info is a note, not something to fix now: its location is enough to find it.
    let lines = match source {
        Some(s) if survivors.is_empty() && finding.severity != Severity::Info => {
            blocks.lines(s, finding.line)
        }
        _ => Vec::new(),
    };
    let diffs: Vec<(&Tested, Option<Diff>)> = survivors
        .iter()
        .map(|t| (*t, source.and_then(|s| excerpt::mutated(s, &t.mutant))))
        .collect();
    let width = gutter_width(finding, &lines, &diffs);
    let pad = " ".repeat(width);
    let column = survivors
        .first()
        .map(|t| format!(":{}", t.mutant.column))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{pad}{} {}:{}{column}",
        style.cyan("-->"),
        finding.file,
        finding.line
    );
    if lines.is_empty() && diffs.is_empty() {
        return;
    }
    let _ = writeln!(out, "{pad} {}", style.cyan("|"));
    let mut previous = None;
    for (number, text) in &lines {
        // Lines left out between two shown, as rustc marks them.
        if previous.is_some_and(|p| p + 1 < *number) {
            let _ = writeln!(out, "{}", style.cyan("..."));
        }
        previous = Some(*number);
        let number = style.cyan(&format!("{number:>width$} |"));
        let _ = writeln!(out, "{number} {text}");
    }
    for (tested, diff) in &diffs {
        write_diff(out, tested, diff.as_ref(), width, style);
    }
    if finding.rule == Rule::AdversaryPasses {
        write_attempt(out, audit, finding, &pad, style);
    }
}

/// The adversary's diff under its finding: the code that passed the item's evidence.
fn write_attempt(out: &mut String, audit: &Audit, finding: &Finding, pad: &str, style: Style) {
    let Some(attempt) = audit
        .attempts
        .iter()
        .find(|a| Some(&a.item) == finding.item.as_ref() && a.outcome == Outcome::Passes)
    else {
        return;
    };
    let _ = writeln!(
        out,
        "{pad} {} the adversary ({}) passed it with:",
        style.cyan("="),
        attempt.tier
    );
    for line in attempt.diff.lines() {
        let painted = match line.chars().next() {
            Some('+') if !line.starts_with("+++") => style.green(line),
            Some('-') if !line.starts_with("---") => style.red(line),
            _ => line.to_string(),
        };
        let _ = writeln!(out, "{pad}   {painted}");
    }
}

/// The surviving mutants a `survived-mutant` finding is about: those at its line.
fn survivors<'a>(audit: &'a Audit, finding: &Finding) -> Vec<&'a Tested> {
    if finding.rule != Rule::SurvivedMutant {
        return Vec::new();
    }
    audit
        .mutants
        .iter()
        .filter(|t| t.status == Status::Survived)
        .filter(|t| t.mutant.file == finding.file && t.mutant.line == finding.line)
        .collect()
}

/// Wide enough for the largest line number shown, as rustc's gutter is.
fn gutter_width(
    finding: &Finding,
    lines: &[(usize, &str)],
    diffs: &[(&Tested, Option<Diff>)],
) -> usize {
    let diff_lines = diffs.iter().map(|(t, d)| {
        d.as_ref()
            .and_then(|d| d.before.iter().chain(&d.after).map(|(n, _)| *n).max())
            .unwrap_or(t.mutant.line)
    });
    lines
        .iter()
        .map(|(n, _)| *n)
        .chain(diff_lines)
        .chain([finding.line])
        .max()
        .unwrap_or(1)
        .to_string()
        .len()
}

/// `- line` / `+ line` as the mutant changed it, and the items that should have noticed.
fn write_diff(out: &mut String, tested: &Tested, diff: Option<&Diff>, width: usize, style: Style) {
    let mut mark = |number: usize, sign: char, text: &str| {
        let line = format!("{sign} {text}");
        let line = line.trim_end();
        let painted = if sign == '-' {
            style.red(line)
        } else {
            style.green(line)
        };
        let _ = writeln!(
            out,
            "{} {painted}",
            style.cyan(&format!("{number:>width$}"))
        );
    };
    match diff {
        Some(diff) => {
            for (n, text) in &diff.before {
                mark(*n, '-', text);
            }
            for (n, text) in &diff.after {
                mark(*n, '+', text);
            }
        }
        // The file changed since the mutant was made: the change alone still says what it was.
        None => {
            mark(tested.mutant.line, '-', &tested.mutant.original);
            mark(tested.mutant.line, '+', &tested.mutant.replacement);
        }
    }
    // The finding's message already names the items that should have caught it.
}

/// A hand-built audit the output formats' tests share: findings of several rules, and one
/// mutant of each fate, over a spec and a Python file.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::audit::{Audit, Finding, Mutant, Operator, Rule, Severity, Status, Tested};
    use std::collections::BTreeMap;

    pub(crate) const SPEC: &str = "Feature: Shop\n  Scenario: buy\n    Given a shop\n    When I buy\n\n  Scenario Outline: pay <n>\n    Given I owe <n>\n    Then I paid\n\n    Examples:\n      | n | note |\n      | 1 | a    |\n      | 1 | b    |\n";
    pub(crate) const CODE: &str =
        "def price(n):\n    if n < 10:\n        return n * 2\n    return n\n";

    pub(crate) fn sources() -> BTreeMap<String, String> {
        [("specs/shop.feature", SPEC), ("src/calc.py", CODE)]
            .into_iter()
            .map(|(f, s)| (f.to_string(), s.to_string()))
            .collect()
    }

    fn finding(
        rule: Rule,
        severity: Severity,
        item: Option<&str>,
        at: (&str, usize),
        message: &str,
    ) -> Finding {
        Finding {
            rule,
            severity,
            item: item.map(str::to_string),
            file: at.0.into(),
            line: at.1,
            message: message.into(),
        }
    }

    /// A one-line mutant of CODE at `line`:`column`, its offsets worked out from there.
    fn tested(
        line: usize,
        column: usize,
        original: &str,
        replacement: &str,
        operator: Operator,
        status: Status,
    ) -> Tested {
        let before: usize = CODE.lines().take(line - 1).map(|l| l.len() + 1).sum();
        let start = before + column - 1;
        Tested {
            mutant: Mutant {
                file: "src/calc.py".into(),
                line,
                column,
                end_line: line,
                end_column: column + original.chars().count(),
                start,
                end: start + original.len(),
                original: original.into(),
                replacement: replacement.into(),
                operator,
            },
            status,
            killed_by: if status == Status::Killed {
                vec!["specs/shop.feature::pay 1".into()]
            } else {
                vec![]
            },
            covered_by: vec![
                "specs/shop.feature::pay 1".into(),
                "specs/shop.feature::pay 1 #2".into(),
            ],
            duration_ms: 120,
        }
    }

    fn findings() -> Vec<Finding> {
        let spec = "specs/shop.feature";
        vec![
            finding(
                Rule::NoOutcome,
                Severity::Error,
                Some("specs/shop.feature::buy"),
                (spec, 2),
                "`buy` has no Then step: nothing it does can fail; add a Then that checks the result",
            ),
            finding(
                Rule::NoAction,
                Severity::Warning,
                Some("specs/shop.feature::pay 1"),
                (spec, 6),
                "`pay <n>` has no When step: it checks a state, not a behaviour; add the When that does what its Then checks",
            ),
            finding(
                Rule::OutlineUnusedColumn,
                Severity::Error,
                None,
                (spec, 11),
                "column `note` of the Examples at line 10 is used by no step, argument or the scenario's name: its values change nothing; write `<note>` where it matters, or drop the column",
            ),
            finding(
                Rule::NeverRed,
                Severity::Info,
                Some("specs/shop.feature::pay 1"),
                (spec, 12),
                "nothing has seen `pay 1` fail for the right reason yet: run `specctl audit --mutants` to find out whether it can, or make its Then pin a value",
            ),
            finding(
                Rule::OutlineDuplicateRow,
                Severity::Error,
                Some("specs/shop.feature::pay 1 #2"),
                (spec, 13),
                "this row repeats the row at line 12 (it has the same `n`): it runs the same scenario again and proves nothing more; change a value, or delete the row",
            ),
            finding(
                Rule::EvidenceCannotFail,
                Severity::Error,
                Some("aspect:pure"),
                ("aspects/pure.md", 2),
                "the evidence of aspect `pure` always exits 0 (`true`): nothing the code does can make it fail; run a check that exits non-zero when the aspect does not hold",
            ),
            finding(
                Rule::SurvivedMutant,
                Severity::Error,
                None,
                ("src/calc.py", 2),
                "`<` became `<=` and every item still passed: no Then tells 9 from 10; add an example at the edge",
            ),
        ]
    }

    pub(crate) fn audit() -> Audit {
        let mut findings = findings();
        crate::audit::finding::sort(&mut findings);
        Audit {
            findings,
            mutants: vec![
                tested(2, 10, "<", "<=", Operator::Comparison, Status::Survived),
                tested(3, 18, "*", "/", Operator::Arithmetic, Status::Killed),
                tested(
                    3,
                    16,
                    "n * 2",
                    "0",
                    Operator::ReturnDefault,
                    Status::Timeout,
                ),
                tested(
                    4,
                    5,
                    "return n",
                    "",
                    Operator::StatementRemoved,
                    Status::Unviable,
                ),
            ],
            warnings: vec!["src/old.py is not UTF-8: not mutated".into()],
            baseline_ms: Some(800),
            duration_ms: 5000,
            interrupted: false,
            attempts: Vec::new(),
            run: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style { color: false };

    #[test]
    fn each_finding_shows_its_rule_message_place_and_lines() {
        let text = human(&fixture::audit(), &fixture::sources(), PLAIN, false);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_scenario_finding_shows_the_scenario_up_to_its_end() {
        let text = human(&fixture::audit(), &fixture::sources(), PLAIN, false);
        let block = "error[no-outcome]: `buy` has no Then step: nothing it does can fail; add a Then that checks the result\n --> specs/shop.feature:2\n  |\n2 |   Scenario: buy\n3 |     Given a shop\n4 |     When I buy\n\n";
        assert!(text.contains(block), "{text}");
    }

    #[test]
    fn a_survived_mutant_shows_its_line_changed_and_who_should_have_caught_it() {
        let text = human(&fixture::audit(), &fixture::sources(), PLAIN, false);
        let block = " --> src/calc.py:2:10\n  |\n2 -     if n < 10:\n2 +     if n <= 10:\n";
        assert!(text.contains(block), "{text}");
        // Without the source, the change alone is shown.
        let text = human(&fixture::audit(), &BTreeMap::new(), PLAIN, false);
        assert!(text.contains("2 - <\n2 + <=\n"), "{text}");
    }

    #[test]
    fn a_finding_without_its_source_is_its_header_and_place() {
        let text = human(&fixture::audit(), &fixture::sources(), PLAIN, false);
        assert!(
            text.contains("error[evidence-cannot-fail]: the evidence of aspect `pure` always exits 0 (`true`): nothing the code does can make it fail; run a check that exits non-zero when the aspect does not hold\n --> aspects/pure.md:2\n\n"),
            "{text}"
        );
    }

    #[test]
    fn the_summary_counts_findings_by_severity_and_mutants_by_fate() {
        let audit = fixture::audit();
        assert_eq!(
            summary_line(&audit.summary()),
            "7 findings (5 errors, 1 warning, 1 info); 4 mutants: 1 killed, 1 survived, 1 timed out, 1 unviable"
        );
        assert_eq!(summary_line(&Audit::default().summary()), "no findings");
        let one = Audit {
            findings: audit.findings[..1].to_vec(),
            ..Audit::default()
        };
        assert_eq!(summary_line(&one.summary()), "1 finding (1 error)");
        let clean = Audit {
            mutants: audit.mutants[1..2].to_vec(),
            ..Audit::default()
        };
        assert_eq!(
            summary_line(&clean.summary()),
            "no findings; 1 mutant: 1 killed"
        );
    }

    #[test]
    fn quiet_prints_only_the_summary_and_an_interruption_is_said() {
        let mut audit = fixture::audit();
        audit.interrupted = true;
        assert_eq!(
            human(&audit, &fixture::sources(), PLAIN, true),
            "interrupted: the mutants not yet tried are left out\n7 findings (5 errors, 1 warning, 1 info); 4 mutants: 1 killed, 1 survived, 1 timed out, 1 unviable\n"
        );
        assert_eq!(
            human(&Audit::default(), &BTreeMap::new(), PLAIN, false),
            "no findings\n"
        );
    }

    #[test]
    fn colour_marks_the_severity_and_the_change() {
        let text = human(
            &fixture::audit(),
            &fixture::sources(),
            Style { color: true },
            false,
        );
        assert!(
            text.contains("\x1b[31m\x1b[1merror[no-outcome]\x1b[0m\x1b[0m"),
            "{text:?}"
        );
        assert!(
            text.contains("\x1b[33m\x1b[1mwarning[no-action]"),
            "{text:?}"
        );
        assert!(
            text.contains("\x1b[32m+     if n <= 10:\x1b[0m"),
            "{text:?}"
        );
        let plain = human(&fixture::audit(), &fixture::sources(), PLAIN, false);
        assert!(!plain.contains('\x1b'));
    }
}
