//! JUnit XML, as behave, cucumber-js and cucumber-rs write it, read into cases.

use super::{Case, ReportError, says_undefined};
use crate::observe::verdict::CaseOutcome;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Reads every `<testcase>` of one JUnit document, however deeply its suites nest.
pub fn parse(xml: &str) -> Result<Vec<Case>, ReportError> {
    let mut reader = Reader::from_str(xml);
    let mut cases = Vec::new();
    let mut current: Option<Partial> = None;
    // Which child of the current testcase collects text: its outcome element or system-out.
    let mut collecting: Option<Target> = None;
    let mut saw_root = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            ReportError(format!(
                "malformed XML at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Start(e) if current.is_none() => {
                saw_root = true;
                if e.local_name().as_ref() == "testcase" {
                    current = Some(Partial::start(&e)?);
                }
            }
            Event::Empty(e) if current.is_none() => {
                saw_root = true;
                if e.local_name().as_ref() == "testcase" {
                    cases.push(Partial::start(&e)?.finish());
                }
            }
            Event::Start(e) => {
                let target = outcome_of(e.local_name().as_ref());
                if let (Some(partial), Some(target)) = (current.as_mut(), target) {
                    partial.child(target, &e)?;
                    collecting = Some(target);
                }
            }
            Event::Empty(e) => {
                if let (Some(partial), Some(target)) =
                    (current.as_mut(), outcome_of(e.local_name().as_ref()))
                {
                    partial.child(target, &e)?;
                }
            }
            Event::Text(t) => collect(&mut current, collecting, &t.xml10_content()),
            Event::CData(t) => collect(&mut current, collecting, &t.into_inner()),
            Event::GeneralRef(r) => {
                let entity = format!("&{};", r.xml10_content());
                let text = quick_xml::escape::unescape(&entity)
                    .map(|c| c.into_owned())
                    .unwrap_or(entity);
                collect(&mut current, collecting, &text);
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "testcase" {
                    if let Some(partial) = current.take() {
                        cases.push(partial.finish());
                    }
                } else if outcome_of(e.local_name().as_ref()).is_some() {
                    collecting = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(ReportError("the report holds no XML element".into()));
    }
    if current.is_some() {
        return Err(ReportError("the report ends inside a <testcase>".into()));
    }
    Ok(cases)
}

/// Text inside a testcase's outcome element or system-out goes to that part of the case.
fn collect(current: &mut Option<Partial>, collecting: Option<Target>, text: &str) {
    if let (Some(partial), Some(target)) = (current.as_mut(), collecting) {
        partial.text(target, text);
    }
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
            message: String::new(),
            body: String::new(),
            system_out: String::new(),
        };
        for attr in e.attributes().flatten() {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| ReportError(format!("bad attribute in <testcase>: {err}")))?
                .into_owned();
            match attr.key.local_name().as_ref() {
                "name" => p.name = value,
                "classname" => p.classname = Some(value),
                "file" => p.file = Some(value),
                "line" => p.line = value.parse().ok(),
                _ => {}
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
        let everything = format!("{}\n{}\n{}", self.message, self.body, self.system_out);
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
        Case {
            file: self.file,
            line: self.line,
            group: self.classname,
            name: self.name,
            outcome,
            message,
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
        let cases = parse(xml).unwrap();
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
        let cases = parse(xml).unwrap();
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
        let cases = parse(xml).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].outcome, CaseOutcome::Passed);
        assert_eq!(
            cases[0].name,
            "Scenario: Buy an apple: features/shop.feature:3:3"
        );
        assert_eq!(cases[1].outcome, CaseOutcome::Undefined);
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse("<testsuite><testcase name=\"a\">").is_err());
        assert!(parse("not xml at all").is_err());
        assert!(parse("<testsuite><testcase name='a'></testsuite>").is_err());
        assert_eq!(parse("<testsuite/>").unwrap(), vec![]);
    }
}
