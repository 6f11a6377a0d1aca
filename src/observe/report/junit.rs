//! JUnit XML, as behave, cucumber-js and cucumber-rs write it, read into cases.

use super::{Case, Report, ReportError, Writer, says_undefined};
use crate::observe::verdict::CaseOutcome;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Reads every `<testcase>` of one JUnit document, however deeply its suites nest.
pub fn parse(xml: &str) -> Result<Report, ReportError> {
    let mut reader = Reader::from_str(xml);
    let mut state = Reading::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            ReportError(format!(
                "malformed XML at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        if matches!(event, Event::Eof) {
            break;
        }
        state.take(event)?;
    }
    if !state.saw_root {
        return Err(ReportError("the report holds no XML element".into()));
    }
    if state.current.is_some() {
        return Err(ReportError("the report ends inside a <testcase>".into()));
    }
    let mut cases = state.cases;
    let writer = state.sniff.writer(&cases);
    if writer == Writer::Pytest {
        // pytest's `file` and `line` are the test function's, in a Python module: nothing
        // about a feature file.
        for case in &mut cases {
            case.file = None;
            case.line = None;
        }
    }
    Ok(Report::new(cases, writer))
}

/// Where the reading of one document stands.
#[derive(Default)]
struct Reading {
    cases: Vec<Case>,
    sniff: Sniff,
    current: Option<Partial>,
    /// Which child of the current testcase collects text: its outcome element or system-out.
    collecting: Option<Target>,
    saw_root: bool,
}

impl Reading {
    fn take(&mut self, event: Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::Start(e) if self.current.is_none() => {
                self.saw_root = true;
                if e.local_name().as_ref() == "testcase" {
                    self.current = Some(self.sniff.case(Partial::start(&e)?));
                } else {
                    self.sniff.suite(&e);
                }
            }
            Event::Empty(e) if self.current.is_none() => {
                self.saw_root = true;
                if e.local_name().as_ref() == "testcase" {
                    let case = self.sniff.case(Partial::start(&e)?).finish();
                    self.cases.push(case);
                } else {
                    self.sniff.suite(&e);
                }
            }
            Event::Start(e) => {
                let target = outcome_of(e.local_name().as_ref());
                if let (Some(partial), Some(target)) = (self.current.as_mut(), target) {
                    partial.child(target, &e)?;
                    self.collecting = Some(target);
                }
            }
            Event::Empty(e) => {
                if let (Some(partial), Some(target)) =
                    (self.current.as_mut(), outcome_of(e.local_name().as_ref()))
                {
                    partial.child(target, &e)?;
                }
            }
            Event::Text(t) => self.collect(&t.xml10_content()),
            Event::CData(t) => self.collect(&t.into_inner()),
            Event::GeneralRef(r) => {
                let entity = format!("&{};", r.xml10_content());
                let text = quick_xml::escape::unescape(&entity)
                    .map(|c| c.into_owned())
                    .unwrap_or(entity);
                self.collect(&text);
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "testcase" {
                    if let Some(partial) = self.current.take() {
                        self.cases.push(partial.finish());
                    }
                } else if outcome_of(e.local_name().as_ref()).is_some() {
                    self.collecting = None;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Text inside a testcase's outcome element or system-out goes to that part of the case.
    fn collect(&mut self, text: &str) {
        if let (Some(partial), Some(target)) = (self.current.as_mut(), self.collecting) {
            partial.text(target, text);
        }
    }
}

/// What tells the runners' JUnit apart: pytest names its suite `pytest`, cucumber-js
/// `Cucumber`, behave gives every case a `status`, cucumber-rs ends names with `path:L:C`.
#[derive(Debug, Default)]
struct Sniff {
    suites: Vec<String>,
    case_status: bool,
}

impl Sniff {
    fn suite(&mut self, e: &BytesStart<'_>) {
        if let Ok(Some(name)) = e.try_get_attribute("name") {
            self.suites
                .push(String::from_utf8_lossy(name.value.as_bytes()).into_owned());
        }
    }

    fn case(&mut self, partial: Partial) -> Partial {
        self.case_status |= partial.status;
        partial
    }

    fn writer(&self, cases: &[Case]) -> Writer {
        let suite = |name: &str| self.suites.iter().any(|s| s == name);
        if cases
            .iter()
            .any(|c| cucumber_rs_position(&c.name).is_some())
        {
            Writer::CucumberRs
        } else if suite("pytest") || suite("pytest tests") {
            Writer::Pytest
        } else if self.case_status {
            Writer::Behave
        } else if suite("Cucumber") {
            Writer::CucumberJs
        } else {
            Writer::Unknown
        }
    }
}

/// cucumber-rs names a case `[Rule: r: ]Scenario: name: path/to/x.feature:LINE:COL`: the
/// file and line it names, where the name has that shape.
pub(crate) fn cucumber_rs_position(name: &str) -> Option<(&str, usize)> {
    let (rest, col) = name.rsplit_once(':')?;
    let (head, line) = rest.rsplit_once(':')?;
    let (_, path) = head.rsplit_once(": ")?;
    col.parse::<usize>().ok()?;
    let line = line.parse().ok()?;
    crate::desired::is_feature_name(path).then_some((path, line))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Failure,
    Error,
    Skipped,
    SystemOut,
}

fn outcome_of(name: &str) -> Option<Target> {
    match name {
        "failure" => Some(Target::Failure),
        "error" => Some(Target::Error),
        "skipped" => Some(Target::Skipped),
        "system-out" | "system-err" => Some(Target::SystemOut),
        _ => None,
    }
}

#[derive(Debug)]
struct Partial {
    name: String,
    classname: Option<String>,
    file: Option<String>,
    line: Option<usize>,
    outcome: Option<Target>,
    /// behave's `status` attribute was there.
    status: bool,
    message: String,
    body: String,
    system_out: String,
}

impl Partial {
    fn start(e: &BytesStart<'_>) -> Result<Partial, ReportError> {
        let mut p = Partial {
            name: String::new(),
            classname: None,
            file: None,
            line: None,
            outcome: None,
            status: false,
            message: String::new(),
            body: String::new(),
            system_out: String::new(),
        };
        for attr in e.attributes().flatten() {
            let key = attr.key.local_name();
            // Only the attributes read are decoded (a case's `time` and `assertions` are not).
            if !matches!(
                key.as_ref(),
                "name" | "classname" | "file" | "line" | "status"
            ) {
                continue;
            }
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| ReportError(format!("bad attribute in <testcase>: {err}")))?
                .into_owned();
            match key.as_ref() {
                "name" => p.name = value,
                "classname" => p.classname = Some(value),
                "file" => p.file = Some(value),
                "line" => p.line = value.parse().ok(),
                _ => p.status = true,
            }
        }
        Ok(p)
    }

    fn child(&mut self, target: Target, e: &BytesStart<'_>) -> Result<(), ReportError> {
        if target == Target::SystemOut {
            return Ok(());
        }
        // The worst outcome wins when a case has several children.
        let rank = |t: Option<Target>| match t {
            Some(Target::Error) => 3,
            Some(Target::Failure) => 2,
            Some(Target::Skipped) => 1,
            _ => 0,
        };
        if rank(Some(target)) >= rank(self.outcome) {
            self.outcome = Some(target);
            for attr in e.attributes().flatten() {
                if attr.key.local_name().as_ref() == "message" {
                    self.message = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| ReportError(format!("bad attribute: {err}")))?
                        .into_owned();
                }
            }
        }
        Ok(())
    }

    fn text(&mut self, target: Target, text: &str) {
        let into = if target == Target::SystemOut {
            &mut self.system_out
        } else {
            &mut self.body
        };
        if into.len() < 64 * 1024 {
            into.push_str(text);
        }
    }

    fn finish(self) -> Case {
        // The failure's own words decide; the captured output only where they say nothing
        // (cucumber-js writes a bare `<failure/>` and lists its steps' states there). Output
        // after a failed step may well name later steps undefined.
        let own = format!("{}\n{}", self.message, self.body);
        let everything = if own.trim().is_empty() || own.trim() == "None" {
            format!("{own}\n{}", self.system_out)
        } else {
            own
        };
        let outcome = match self.outcome {
            None => CaseOutcome::Passed,
            Some(_) if says_undefined(&everything) => CaseOutcome::Undefined,
            Some(Target::Failure) => CaseOutcome::Failed,
            Some(Target::Error) => CaseOutcome::Errored,
            Some(Target::Skipped) => CaseOutcome::Skipped,
            Some(Target::SystemOut) => CaseOutcome::Passed,
        };
        let message = match outcome {
            CaseOutcome::Passed => None,
            _ => Some(short_message(&self.message, &self.body, &self.system_out)),
        };
        // cucumber-rs puts the file and line in the name: they identify the case.
        let (file, line) = match (&self.file, cucumber_rs_position(&self.name)) {
            (None, Some((path, line))) => (Some(path.to_string()), Some(line)),
            _ => (self.file, self.line),
        };
        Case {
            file,
            line,
            group: self.classname,
            name: self.name,
            steps: Vec::new(),
            outcome,
            message,
            writer: Writer::Unknown,
        }
    }
}

/// The message attribute, with the failing step and location lines from the body when they
/// are there (behave's `Failing step:` and `Location:`; cucumber-rs's `✘` lines).
fn short_message(message: &str, body: &str, system_out: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in body.lines().chain(system_out.lines()) {
        let t = line.trim();
        if t.starts_with("Failing step:")
            || t.starts_with("Location:")
            || t.starts_with('✘')
            || t.starts_with("Defined:")
        {
            lines.push(t.to_string());
        }
    }
    let message = message.trim();
    if !message.is_empty() && message != "None" {
        lines.push(message.to_string());
    } else if lines.is_empty() {
        lines.extend(
            body.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .take(6)
                .map(String::from),
        );
    }
    if lines.is_empty() {
        lines.extend(
            system_out
                .lines()
                .map(str::trim)
                .filter(|l| {
                    l.ends_with(".undefined") || l.ends_with(".failed") || l.ends_with(".pending")
                })
                .map(String::from),
        );
    }
    let text = lines.join("\n");
    text.chars().take(1500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behave_cases_with_rows_failures_and_undefined() {
        let xml = r#"<testsuite name="shop.Shop" tests="4">
<testcase classname="shop.Shop" name="Buy an apple" status="passed" time="0.001"><system-out><![CDATA[ok]]></system-out></testcase>
<testcase classname="shop.Shop" name="Add 2 and 2 -- @1.2 " status="failed" time="0.0003"><failure type="AssertionError" message="sum mismatch: 4 != 5">
<![CDATA[
Failing step: Then the result is 5 ... failed in 0.000s
Location: features/shop.feature:26
ASSERT FAILED: sum mismatch: 4 != 5]]>
</failure></testcase>
<testcase classname="shop.Shop" name="Mystery step" status="error"><error type="NoneType" message="None"><![CDATA[Failing step: When a mysterious thing happens ... undefined in 0.000s
Location: features/shop.feature:20
None]]></error></testcase>
<testcase classname="shop.Shop" name="Skipped one" status="skipped"><skipped /></testcase>
</testsuite>"#;
        assert_eq!(parse(xml).unwrap().writer, Writer::Behave);
        let cases = parse(xml).unwrap().cases;
        let outcomes: Vec<_> = cases.iter().map(|c| c.outcome).collect();
        assert_eq!(
            outcomes,
            [
                CaseOutcome::Passed,
                CaseOutcome::Failed,
                CaseOutcome::Undefined,
                CaseOutcome::Skipped
            ]
        );
        assert_eq!(cases[1].name, "Add 2 and 2 -- @1.2 ");
        assert_eq!(cases[1].group.as_deref(), Some("shop.Shop"));
        assert_eq!(
            cases[1].message.as_deref(),
            Some(
                "Failing step: Then the result is 5 ... failed in 0.000s\nLocation: features/shop.feature:26\nsum mismatch: 4 != 5"
            )
        );
    }

    #[test]
    fn cucumber_js_empty_failures_with_undefined_steps() {
        let xml = r#"<?xml version="1.0"?><testsuite name="Cucumber" tests="2">
<testcase classname="Shop" name="Pay too much" time="0.001"><failure type="AssertionError" message="expected to pay 5, paid 2&#xA;&#xA;2 !== 5&#xA;"><![CDATA[AssertionError stack]]></failure>
<system-out><![CDATA[Then I pay 5..............................................................failed]]></system-out></testcase>
<testcase classname="Shop" name="Mystery step" time="0"><failure/>
<system-out><![CDATA[Given a shop.............................................................passed
When a mysterious thing happens..........................................undefined]]></system-out></testcase>
</testsuite>"#;
        assert_eq!(parse(xml).unwrap().writer, Writer::CucumberJs);
        let cases = parse(xml).unwrap().cases;
        assert_eq!(cases[0].outcome, CaseOutcome::Failed);
        assert!(
            cases[0]
                .message
                .as_deref()
                .unwrap()
                .contains("expected to pay 5, paid 2\n\n2 !== 5")
        );
        assert_eq!(cases[1].outcome, CaseOutcome::Undefined);
    }

    #[test]
    fn cucumber_rs_names_and_unmatched_steps() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite id="1" name="Feature: Shop: features/shop.feature" tests="2"><testcase name="Scenario: Buy an apple: features/shop.feature:3:3" time="0.01"/><testcase name="Scenario: Mystery step: features/shop.feature:18:3"><failure type="Step Panicked" message="Step doesn&apos;t match any function"/></testcase></testsuite></testsuites>"#;
        assert_eq!(parse(xml).unwrap().writer, Writer::CucumberRs);
        let cases = parse(xml).unwrap().cases;
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].outcome, CaseOutcome::Passed);
        assert_eq!(
            cases[0].name,
            "Scenario: Buy an apple: features/shop.feature:3:3"
        );
        assert_eq!(cases[1].outcome, CaseOutcome::Undefined);
    }

    #[test]
    fn a_failure_stays_a_failure_whatever_the_output_says_of_later_steps() {
        let xml = r#"<testsuite name="Cucumber"><testcase classname="Shop" name="Pay"><failure message="expected 5, paid 2"/><system-out><![CDATA[Then I pay 5......failed
And a receipt.......undefined]]></system-out></testcase></testsuite>"#;
        assert_eq!(parse(xml).unwrap().cases[0].outcome, CaseOutcome::Failed);
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse("<testsuite><testcase name=\"a\">").is_err());
        assert!(parse("not xml at all").is_err());
        assert!(parse("<testsuite><testcase name='a'></testsuite>").is_err());
        assert_eq!(parse("<testsuite/>").unwrap().cases, vec![]);
        let pytest = r#"<testsuites name="pytest tests"><testsuite name="pytest"><testcase classname="test_eat" name="test_eat[1]" file="test_eat.py" line="3"/></testsuite></testsuites>"#;
        let report = parse(pytest).unwrap();
        assert_eq!(report.writer, Writer::Pytest);
        assert_eq!(
            (report.cases[0].file.as_deref(), report.cases[0].line),
            (None, None)
        );
        assert_eq!(
            parse("<testsuite name=\"x\"/>").unwrap().writer,
            Writer::Unknown
        );
    }
}
