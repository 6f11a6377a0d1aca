//! Cucumber Messages (NDJSON, cucumber-js `--format message`), read into cases: each finished
//! test case traced back through its pickle to the file and line that define it.

use super::{Case, Report, ReportError, Writer, step_message};
use crate::observe::verdict::CaseOutcome;
use serde_json::Value;
use std::collections::HashMap;

/// What a test step runs: a pickle step (its text) or a hook.
enum Runs {
    Step(String),
    Hook,
}

/// Everything the envelopes say, keyed by the ids that join them.
#[derive(Default)]
struct Envelopes {
    /// Scenario and Examples-row ids of every Gherkin document, with their lines.
    lines: HashMap<String, usize>,
    pickles: HashMap<String, Value>,
    /// testCase id → (pickle id, test step id → what it runs).
    cases: HashMap<String, (String, HashMap<String, Runs>)>,
    /// testCaseStarted ids in the order they started, with their testCase.
    started: Vec<(String, String)>,
    /// testCaseStarted id → step results, in order.
    results: HashMap<String, Vec<(String, Value)>>,
    /// testCaseStarted id → willBeRetried.
    finished: HashMap<String, bool>,
}

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let mut all = Envelopes::default();
    let mut seen = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let envelope: Value = serde_json::from_str(line).map_err(|e| {
            ReportError(format!(
                "line {} is not a JSON message: {e} (is this a Cucumber Messages NDJSON file?)",
                n + 1
            ))
        })?;
        if !envelope.is_object() {
            return Err(ReportError(format!("line {} is not a JSON object", n + 1)));
        }
        all.take(envelope);
        seen += 1;
    }
    if seen == 0 {
        return Err(ReportError("the report holds no message".into()));
    }
    let cases = all
        .started
        .iter()
        .filter(|(id, _)| all.finished.get(id.as_str()) != Some(&true))
        .filter_map(|(id, test_case)| all.case(id, test_case))
        .collect();
    Ok(Report::new(cases, Writer::Unknown))
}

impl Envelopes {
    fn take(&mut self, envelope: Value) {
        let Value::Object(map) = envelope else { return };
        for (kind, body) in map {
            match kind.as_str() {
                "gherkinDocument" => collect_lines(&body["feature"], &mut self.lines),
                "pickle" => {
                    let id = text(&body["id"]);
                    self.pickles.insert(id, body);
                }
                "testCase" => {
                    let steps = array(&body["testSteps"])
                        .iter()
                        .map(|s| (text(&s["id"]), runs(s)))
                        .collect();
                    self.cases
                        .insert(text(&body["id"]), (text(&body["pickleId"]), steps));
                }
                "testCaseStarted" => self
                    .started
                    .push((text(&body["id"]), text(&body["testCaseId"]))),
                "testStepFinished" => self
                    .results
                    .entry(text(&body["testCaseStartedId"]))
                    .or_default()
                    .push((text(&body["testStepId"]), body["testStepResult"].clone())),
                "testCaseFinished" => {
                    let retried = body["willBeRetried"].as_bool() == Some(true);
                    self.finished
                        .insert(text(&body["testCaseStartedId"]), retried);
                }
                _ => {}
            }
        }
    }

    /// The case one attempt of a test case reports: its pickle's place, its steps' worst result.
    fn case(&self, started: &str, test_case: &str) -> Option<Case> {
        let (pickle_id, steps) = self.cases.get(test_case)?;
        let pickle = self.pickles.get(pickle_id)?;
        // Newer messages give the pickle's line; older ones only its nodes: a row's pickle
        // names the Outline, then the row, and the row's line is the item's.
        let line = pickle["location"]["line"]
            .as_u64()
            .map(|l| l as usize)
            .or_else(|| {
                array(&pickle["astNodeIds"])
                    .iter()
                    .rev()
                    .find_map(|id| self.lines.get(id.as_str().unwrap_or_default()))
                    .copied()
            });
        let results = self.results.get(started).map(Vec::as_slice).unwrap_or(&[]);
        let (outcome, message) = if results.len() < steps.len() {
            // A step that never reported cannot be taken for one that passed.
            let why = if self.finished.contains_key(started) {
                format!(
                    "the report has results for {} of this scenario's {} test steps",
                    results.len(),
                    steps.len()
                )
            } else {
                "the run ended before this scenario finished".to_string()
            };
            match outcome_of(results, steps, pickle) {
                (CaseOutcome::Passed | CaseOutcome::Skipped, _) => {
                    (CaseOutcome::Errored, Some(why))
                }
                failed => failed,
            }
        } else if self.finished.contains_key(started) {
            outcome_of(results, steps, pickle)
        } else {
            (
                CaseOutcome::Errored,
                Some("the run ended before this scenario finished".to_string()),
            )
        };
        let mut case = Case::new(text(&pickle["name"]), outcome);
        case.file = Some(text(&pickle["uri"]));
        case.line = line;
        case.steps = array(&pickle["steps"])
            .iter()
            .map(|s| text(&s["text"]))
            .collect();
        case.message = message;
        Some(case)
    }
}

/// The worst result wins: a failed hook is an error, a failed step a failure, an ambiguous
/// step an error, undefined or pending steps make the case undefined.
fn outcome_of(
    results: &[(String, Value)],
    steps: &HashMap<String, Runs>,
    pickle: &Value,
) -> (CaseOutcome, Option<String>) {
    let texts: HashMap<String, String> = array(&pickle["steps"])
        .iter()
        .map(|s| (text(&s["id"]), text(&s["text"])))
        .collect();
    let label = |step_id: &str| match steps.get(step_id) {
        Some(Runs::Step(pickle_step)) => texts.get(pickle_step).cloned().unwrap_or_default(),
        Some(Runs::Hook) | None => "a hook".to_string(),
    };
    let mut undefined = None;
    let mut skipped = false;
    for (step_id, result) in results {
        let status = result["status"].as_str().unwrap_or("UNKNOWN");
        let error = result["message"]
            .as_str()
            .or(result["exception"]["message"].as_str())
            .unwrap_or_default();
        let hook = !matches!(steps.get(step_id.as_str()), Some(Runs::Step(_)));
        match status {
            "PASSED" => {}
            "FAILED" if hook => {
                return (
                    CaseOutcome::Errored,
                    Some(step_message(
                        &format!("hook failed: {}", label(step_id)),
                        error,
                    )),
                );
            }
            "FAILED" if crashed(result) => {
                return (
                    CaseOutcome::Errored,
                    Some(step_message(&format!("crashed: {}", label(step_id)), error)),
                );
            }
            "FAILED" => {
                return (
                    CaseOutcome::Failed,
                    Some(step_message(&label(step_id), error)),
                );
            }
            "AMBIGUOUS" => {
                return (
                    CaseOutcome::Errored,
                    Some(step_message(&label(step_id), "ambiguous step definitions")),
                );
            }
            "UNDEFINED" | "PENDING" => {
                undefined.get_or_insert_with(|| {
                    format!("{}: {}", label(step_id), status.to_ascii_lowercase())
                });
            }
            "SKIPPED" => skipped = true,
            other => {
                return (
                    CaseOutcome::Errored,
                    Some(format!("{}: the runner says {other}", label(step_id))),
                );
            }
        }
    }
    match (undefined, skipped) {
        (Some(m), _) => (CaseOutcome::Undefined, Some(m)),
        (None, true) => (CaseOutcome::Skipped, None),
        (None, false) => (CaseOutcome::Passed, None),
    }
}

/// Whether a failed step raised one of JavaScript's own runtime errors (`null.x`, a function
/// that does not exist): a crash before any assertion, not a failed one. An assertion
/// library's error, or any error the step throws itself, is a failure.
fn crashed(result: &Value) -> bool {
    const ENGINE: [&str; 6] = [
        "TypeError",
        "ReferenceError",
        "RangeError",
        "SyntaxError",
        "EvalError",
        "URIError",
    ];
    result["exception"]["type"]
        .as_str()
        .is_some_and(|t| ENGINE.contains(&t))
}

fn runs(step: &Value) -> Runs {
    match step["pickleStepId"].as_str() {
        Some(id) => Runs::Step(id.to_string()),
        None => Runs::Hook,
    }
}

/// The ids and lines of every Scenario and Examples row under a Feature or Rule.
fn collect_lines(node: &Value, into: &mut HashMap<String, usize>) {
    for child in array(&node["children"]) {
        if child["rule"].is_object() {
            collect_lines(&child["rule"], into);
        }
        let scenario = &child["scenario"];
        if !scenario.is_object() {
            continue;
        }
        insert_line(scenario, into);
        for examples in array(&scenario["examples"]) {
            array(&examples["tableBody"])
                .iter()
                .for_each(|row| insert_line(row, into));
        }
    }
}

fn insert_line(node: &Value, into: &mut HashMap<String, usize>) {
    if let (Some(id), Some(line)) = (node["id"].as_str(), node["location"]["line"].as_u64()) {
        into.insert(id.to_string(), line as usize);
    }
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One Outline with two rows (the second fails, after a retry) and a scenario whose
    /// Before hook fails, as cucumber-js writes them.
    const NDJSON: &str = r#"{"meta":{"protocolVersion":"27.0.0"}}
{"source":{"uri":"specs/shop.feature","data":"...","mediaType":"text/x.cucumber.gherkin+plain"}}
{"gherkinDocument":{"uri":"specs/shop.feature","feature":{"name":"Shop","children":[{"scenario":{"id":"s1","location":{"line":3,"column":3},"name":"Add <a>","examples":[{"name":"","tableBody":[{"id":"r1","location":{"line":7,"column":7}},{"id":"r2","location":{"line":8,"column":7}}]}]}},{"rule":{"children":[{"scenario":{"id":"s2","location":{"line":12,"column":5},"name":"Hooked","examples":[]}}]}}]}}}
{"pickle":{"id":"p1","uri":"specs/shop.feature","name":"Add 1","astNodeIds":["s1","r1"],"steps":[{"id":"ps1","text":"I add 1","astNodeIds":["x"]}]}}
{"pickle":{"id":"p2","uri":"specs/shop.feature","name":"Add 2","astNodeIds":["s1","r2"],"steps":[{"id":"ps2","text":"I add 2","astNodeIds":["x"]}]}}
{"pickle":{"id":"p3","uri":"specs/shop.feature","name":"Hooked","astNodeIds":["s2"],"steps":[{"id":"ps3","text":"a step","astNodeIds":["y"]}]}}
{"testCase":{"id":"t1","pickleId":"p1","testSteps":[{"id":"ts1","pickleStepId":"ps1"}]}}
{"testCase":{"id":"t2","pickleId":"p2","testSteps":[{"id":"ts2","pickleStepId":"ps2"}]}}
{"testCase":{"id":"t3","pickleId":"p3","testSteps":[{"id":"h1","hookId":"hook"},{"id":"ts3","pickleStepId":"ps3"}]}}
{"testCaseStarted":{"id":"c1","testCaseId":"t1","attempt":0}}
{"testStepFinished":{"testCaseStartedId":"c1","testStepId":"ts1","testStepResult":{"status":"PASSED"}}}
{"testCaseFinished":{"testCaseStartedId":"c1","willBeRetried":false}}
{"testCaseStarted":{"id":"c2","testCaseId":"t2","attempt":0}}
{"testStepFinished":{"testCaseStartedId":"c2","testStepId":"ts2","testStepResult":{"status":"PASSED"}}}
{"testCaseFinished":{"testCaseStartedId":"c2","willBeRetried":true}}
{"testCaseStarted":{"id":"c3","testCaseId":"t2","attempt":1}}
{"testStepFinished":{"testCaseStartedId":"c3","testStepId":"ts2","testStepResult":{"status":"FAILED","message":"AssertionError: 2 != 3\n    at stack"}}}
{"testCaseFinished":{"testCaseStartedId":"c3","willBeRetried":false}}
{"testCaseStarted":{"id":"c4","testCaseId":"t3","attempt":0}}
{"testStepFinished":{"testCaseStartedId":"c4","testStepId":"h1","testStepResult":{"status":"FAILED","message":"db down"}}}
{"testStepFinished":{"testCaseStartedId":"c4","testStepId":"ts3","testStepResult":{"status":"SKIPPED"}}}
{"testCaseFinished":{"testCaseStartedId":"c4","willBeRetried":false}}
"#;

    #[test]
    fn cases_carry_the_pickle_uri_and_the_row_line_and_only_the_last_attempt_counts() {
        let report = parse(NDJSON).unwrap();
        let got: Vec<_> = report
            .cases
            .iter()
            .map(|c| (c.file.as_deref().unwrap(), c.line.unwrap(), c.outcome))
            .collect();
        assert_eq!(
            got,
            [
                ("specs/shop.feature", 7, CaseOutcome::Passed),
                ("specs/shop.feature", 8, CaseOutcome::Failed),
                ("specs/shop.feature", 12, CaseOutcome::Errored),
            ]
        );
        assert_eq!(
            report.cases[1].message.as_deref(),
            Some("I add 2\nAssertionError: 2 != 3\n    at stack")
        );
        assert_eq!(
            report.cases[2].message.as_deref(),
            Some("hook failed: a hook\ndb down")
        );
        assert_eq!(report.cases[0].steps, ["I add 1"]);
    }

    /// One scenario of one step, started: what a test adds its step's result to.
    const ONE_STEP: &str = r#"{"pickle":{"id":"p","uri":"a.feature","name":"A","astNodeIds":["s"],"steps":[{"id":"ps","text":"x"}]}}
{"testCase":{"id":"t","pickleId":"p","testSteps":[{"id":"ts","pickleStepId":"ps"}]}}
{"testCaseStarted":{"id":"c","testCaseId":"t","attempt":0}}
"#;

    /// As cucumber-js 12 writes them: `null.x` in one step, `assert.strictEqual(1, 2)` in
    /// another, a plain `throw new Error(…)` in a third.
    #[test]
    fn an_engine_error_in_a_step_is_a_crash_and_an_assertion_a_failure() {
        let base = ONE_STEP;
        let with = |result: &str| {
            let finished = format!(
                "{{\"testStepFinished\":{{\"testCaseStartedId\":\"c\",\"testStepId\":\"ts\",\"testStepResult\":{result}}}}}"
            );
            let text = format!(
                "{base}{finished}\n{{\"testCaseFinished\":{{\"testCaseStartedId\":\"c\"}}}}\n"
            );
            let case = parse(&text).unwrap().cases.remove(0);
            (case.outcome, case.message.unwrap_or_default())
        };
        let crash = with(
            r#"{"status":"FAILED","message":"TypeError: Cannot read properties of null (reading 'x')\n    at World.<anonymous> (s.js:3:37)","exception":{"type":"TypeError","message":"Cannot read properties of null (reading 'x')"}}"#,
        );
        assert_eq!(crash.0, CaseOutcome::Errored);
        assert!(
            crash.1.starts_with("crashed: x\nTypeError: Cannot read"),
            "{}",
            crash.1
        );
        let assertion = with(
            r#"{"status":"FAILED","message":"AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n1 !== 2\n","exception":{"type":"AssertionError","message":"Expected values to be strictly equal"}}"#,
        );
        assert_eq!(assertion.0, CaseOutcome::Failed);
        let thrown = with(
            r#"{"status":"FAILED","message":"Error: out of stock","exception":{"type":"Error","message":"out of stock"}}"#,
        );
        assert_eq!(thrown.0, CaseOutcome::Failed);
        // Older cucumber-js writes no exception: a failure, as before.
        let bare = with(r#"{"status":"FAILED","message":"TypeError: x"}"#);
        assert_eq!(bare.0, CaseOutcome::Failed);
    }

    #[test]
    fn undefined_pending_skipped_and_unfinished_cases() {
        let base = ONE_STEP;
        let with = |status: &str| {
            format!(
                "{base}{{\"testStepFinished\":{{\"testCaseStartedId\":\"c\",\"testStepId\":\"ts\",\"testStepResult\":{{\"status\":\"{status}\"}}}}}}\n{{\"testCaseFinished\":{{\"testCaseStartedId\":\"c\"}}}}\n"
            )
        };
        let outcome = |text: &str| parse(text).unwrap().cases[0].outcome;
        assert_eq!(outcome(&with("UNDEFINED")), CaseOutcome::Undefined);
        assert_eq!(outcome(&with("PENDING")), CaseOutcome::Undefined);
        assert_eq!(outcome(&with("SKIPPED")), CaseOutcome::Skipped);
        assert_eq!(outcome(&with("AMBIGUOUS")), CaseOutcome::Errored);
        assert_eq!(outcome(&with("UNKNOWN")), CaseOutcome::Errored);
        let missing = format!("{base}{{\"testCaseFinished\":{{\"testCaseStartedId\":\"c\"}}}}\n");
        let case = &parse(&missing).unwrap().cases[0];
        assert_eq!(case.outcome, CaseOutcome::Errored);
        assert_eq!(
            case.message.as_deref(),
            Some("the report has results for 0 of this scenario's 1 test steps")
        );
        let unfinished = parse(base).unwrap();
        assert_eq!(unfinished.cases[0].outcome, CaseOutcome::Errored);
        assert_eq!(
            unfinished.cases[0].message.as_deref(),
            Some("the run ended before this scenario finished")
        );
    }

    #[test]
    fn garbage_is_refused_with_its_line() {
        assert_eq!(
            parse("{\"meta\":{}}\nnot json\n")
                .unwrap_err()
                .0
                .split(':')
                .next(),
            Some("line 2 is not a JSON message")
        );
        assert!(parse("").is_err());
        assert!(parse("[1]\n").is_err());
    }
}
