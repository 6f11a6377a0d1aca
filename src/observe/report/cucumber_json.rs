//! Cucumber JSON (cucumber-js `--format json`, cucumber-rs `writer::Json`, behave's
//! `--format json`) read into cases: the outcome of each scenario from its steps.

use super::{Case, Report, ReportError, Writer, step_message};
use crate::observe::verdict::CaseOutcome;
use serde_json::Value;

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ReportError(format!(
            "malformed JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let features = value
        .as_array()
        .ok_or_else(|| ReportError("expected a JSON array of features".into()))?;
    let mut cases = Vec::new();
    for feature in features {
        let uri = feature["uri"].as_str().map(String::from);
        let feature_name = feature["name"].as_str().map(String::from);
        // cucumber-rs (like Cucumber-Ruby) writes a Background as an element of its own before
        // each scenario: a Background that failed fails the scenario after it.
        let mut background: Option<(CaseOutcome, Option<String>)> = None;
        for element in feature["elements"].as_array().into_iter().flatten() {
            if element["type"].as_str() == Some("background") {
                let (outcome, message) = outcome_of(element);
                background = matches!(outcome, CaseOutcome::Failed | CaseOutcome::Errored)
                    .then(|| (outcome, message.map(|m| format!("in the Background: {m}"))));
                continue;
            }
            // behave writes `"location": "features/shop.feature:31"` instead of uri and line.
            let (file, line) = match element["location"]
                .as_str()
                .and_then(|l| l.rsplit_once(':'))
            {
                Some((file, line)) => (Some(file.to_string()), line.parse().ok()),
                None => (uri.clone(), element["line"].as_u64().map(|l| l as usize)),
            };
            let (outcome, message) = match (outcome_of(element), background.take()) {
                ((CaseOutcome::Passed | CaseOutcome::Skipped, _), Some(failed)) => failed,
                (own, _) => own,
            };
            cases.push(Case {
                file,
                line,
                group: feature_name.clone(),
                name: element["name"].as_str().unwrap_or_default().to_string(),
                steps: step_texts(element),
                outcome,
                message,
                writer: Writer::Unknown,
            });
        }
    }
    Ok(Report::new(cases, writer_of(features)))
}

fn steps_of(element: &Value) -> &[Value] {
    element["steps"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn is_hook(step: &Value) -> bool {
    step["hidden"].as_bool() == Some(true)
        || matches!(step["keyword"].as_str(), Some("Before" | "After"))
}

/// The texts of the steps as run (hooks left out), so Outline rows that share a line can be
/// told apart by their filled-in values.
fn step_texts(element: &Value) -> Vec<String> {
    steps_of(element)
        .iter()
        .filter(|s| !is_hook(s))
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// behave marks its elements with `location`; pytest-bdd's steps carry an empty
/// `match.location` and no hooks; cucumber-js and cucumber-rs name their step definitions.
fn writer_of(features: &[Value]) -> Writer {
    let elements = || {
        features
            .iter()
            .flat_map(|f| f["elements"].as_array().into_iter().flatten())
    };
    if elements().any(|e| e["location"].is_string()) {
        return Writer::Behave;
    }
    let steps = || elements().flat_map(|e| steps_of(e).iter());
    let pytest_like = steps().next().is_some()
        && steps().all(|s| s["match"]["location"].as_str() == Some("") && !is_hook(s));
    if pytest_like {
        Writer::Pytest
    } else {
        Writer::Unknown
    }
}

fn outcome_of(element: &Value) -> (CaseOutcome, Option<String>) {
    // Hooks kept apart from the steps (cucumber-rs's, Cucumber-Ruby's `before`/`after`).
    for (when, hooks) in [("before", &element["before"]), ("after", &element["after"])] {
        let failed = hooks
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| matches!(h["result"]["status"].as_str(), Some("failed" | "error")));
        if let Some(hook) = failed {
            let error = hook["result"]["error_message"].as_str().unwrap_or_default();
            return (
                CaseOutcome::Errored,
                Some(step_message(&format!("a {when} hook failed"), error)),
            );
        }
    }
    let steps = steps_of(element);
    let mut passed = 0;
    let mut undefined: Option<String> = None;
    for step in steps {
        let status = step["result"]["status"].as_str().unwrap_or("");
        let hook = is_hook(step);
        // cucumber-js writes `"Then "`, behave `"Then"`: one space either way.
        let label = format!(
            "{} {}",
            step["keyword"].as_str().unwrap_or_default().trim(),
            step["name"].as_str().unwrap_or_default()
        );
        let error = step["result"]["error_message"].as_str().unwrap_or_default();
        match status {
            "failed" if hook => {
                return (
                    CaseOutcome::Errored,
                    Some(step_message(&format!("hook {}", label.trim()), error)),
                );
            }
            "failed" => return (CaseOutcome::Failed, Some(step_message(label.trim(), error))),
            "ambiguous" => {
                return (
                    CaseOutcome::Errored,
                    Some(step_message(label.trim(), "ambiguous step definitions")),
                );
            }
            "undefined" | "pending" => {
                undefined.get_or_insert_with(|| format!("{}: {status}", label.trim()));
            }
            "passed" => passed += 1,
            _ => {}
        }
    }
    if let Some(m) = undefined {
        return (CaseOutcome::Undefined, Some(m));
    }
    // behave says what became of the scenario as a whole: a scenario its tags leave out
    // has no step results at all (or none), yet is skipped, not passed.
    match element["status"].as_str() {
        Some("failed") => return (CaseOutcome::Failed, None),
        Some("error" | "hook_error" | "cleanup_error") => return (CaseOutcome::Errored, None),
        Some("skipped" | "untested") => return (CaseOutcome::Skipped, None),
        _ => {}
    }
    if passed > 0
        && steps
            .iter()
            .all(|s| s["result"]["status"].as_str() == Some("passed"))
    {
        (CaseOutcome::Passed, None)
    } else if passed == 0 && !steps.is_empty() {
        (CaseOutcome::Skipped, None)
    } else if steps.is_empty() {
        (CaseOutcome::Passed, None)
    } else {
        (CaseOutcome::Skipped, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JS: &str = r#"[{"uri": "features/shop.feature", "name": "Shop", "elements": [
 {"type": "scenario", "name": "Buy an apple", "line": 3, "steps": [
   {"keyword": "Before", "hidden": true, "result": {"status": "passed"}},
   {"keyword": "Given ", "name": "a shop", "line": 4, "result": {"status": "passed"}}]},
 {"type": "scenario", "name": "Add 2 and 2", "line": 31, "steps": [
   {"keyword": "Then ", "name": "the result is 5", "line": 26, "result": {"status": "failed", "error_message": "AssertionError: sum mismatch: 4 != 5\n\n    at stack"}}]},
 {"type": "scenario", "name": "Mystery step", "line": 18, "steps": [
   {"keyword": "When ", "name": "a mysterious thing happens", "result": {"status": "undefined"}},
   {"keyword": "Then ", "name": "x", "result": {"status": "skipped"}}]},
 {"type": "scenario", "name": "Skipped one", "line": 35, "steps": [
   {"keyword": "Given ", "name": "x", "result": {"status": "skipped"}}]}
]}]"#;

    #[test]
    fn cucumber_js_json() {
        assert_eq!(parse(JS).unwrap().writer, Writer::Unknown);
        let cases = parse(JS).unwrap().cases;
        let got: Vec<_> = cases
            .iter()
            .map(|c| (c.file.as_deref().unwrap(), c.line.unwrap(), c.outcome))
            .collect();
        assert_eq!(
            got,
            [
                ("features/shop.feature", 3, CaseOutcome::Passed),
                ("features/shop.feature", 31, CaseOutcome::Failed),
                ("features/shop.feature", 18, CaseOutcome::Undefined),
                ("features/shop.feature", 35, CaseOutcome::Skipped),
            ]
        );
        assert_eq!(
            cases[1].message.as_deref(),
            Some("Then the result is 5\nAssertionError: sum mismatch: 4 != 5\n    at stack")
        );
        assert_eq!(
            cases[2].message.as_deref(),
            Some("When a mysterious thing happens: undefined")
        );
    }

    #[test]
    fn behave_json_uses_locations() {
        let text = r#"[{"keyword": "Feature", "name": "Shop", "location": "features/shop.feature:1", "elements": [
 {"type": "scenario", "name": "Add 2 and 2 -- @1.2 ", "location": "features/shop.feature:31", "status": "failed", "steps": [
   {"keyword": "Then", "name": "the result is 5", "result": {"status": "failed", "error_message": "ASSERT FAILED: sum mismatch"}}]}]}]"#;
        assert_eq!(parse(text).unwrap().writer, Writer::Behave);
        let cases = parse(text).unwrap().cases;
        assert_eq!(cases[0].file.as_deref(), Some("features/shop.feature"));
        let pytest = r#"[{"uri": "features/a.feature", "elements": [{"name": "A", "line": 2, "steps": [{"keyword": "Given", "name": "x", "match": {"location": ""}, "result": {"status": "passed"}}]}]}]"#;
        assert_eq!(parse(pytest).unwrap().writer, Writer::Pytest);
        assert_eq!(cases[0].line, Some(31));
        assert_eq!(cases[0].outcome, CaseOutcome::Failed);
        assert_eq!(
            cases[0].message.as_deref(),
            Some("Then the result is 5\nASSERT FAILED: sum mismatch")
        );
    }

    #[test]
    fn behave_says_a_scenario_without_steps_was_skipped() {
        let text = r#"[{"name": "F", "elements": [
 {"type": "scenario", "name": "Empty", "location": "f.feature:3", "status": "skipped", "steps": []},
 {"type": "scenario", "name": "Half", "location": "f.feature:5", "status": "skipped", "steps": [
   {"keyword": "Given", "name": "x", "result": {"status": "passed"}}, {"keyword": "When", "name": "skip", "result": {"status": "skipped"}}]},
 {"type": "scenario", "name": "Bare", "location": "f.feature:9", "steps": []}]}]"#;
        let outcomes: Vec<_> = parse(text)
            .unwrap()
            .cases
            .iter()
            .map(|c| c.outcome)
            .collect();
        assert_eq!(
            outcomes,
            [
                CaseOutcome::Skipped,
                CaseOutcome::Skipped,
                CaseOutcome::Passed
            ]
        );
    }

    #[test]
    fn a_failed_background_or_hook_kept_apart_fails_the_scenario() {
        let text = r#"[{"uri": "f.feature", "elements": [
 {"type": "background", "line": 2, "steps": [{"keyword": "Given ", "name": "a db", "result": {"status": "failed", "error_message": "db down"}}]},
 {"type": "scenario", "name": "A", "line": 5, "steps": []},
 {"type": "background", "line": 2, "steps": [{"keyword": "Given ", "name": "a db", "result": {"status": "passed"}}]},
 {"type": "scenario", "name": "B", "line": 8, "steps": [{"keyword": "Given ", "name": "x", "result": {"status": "passed"}}]},
 {"type": "scenario", "name": "C", "line": 11, "before": [{"result": {"status": "failed", "error_message": "no browser"}}], "steps": []}]}]"#;
        let cases = parse(text).unwrap().cases;
        let got: Vec<_> = cases.iter().map(|c| c.outcome).collect();
        assert_eq!(
            got,
            [
                CaseOutcome::Failed,
                CaseOutcome::Passed,
                CaseOutcome::Errored
            ]
        );
        assert_eq!(
            cases[0].message.as_deref(),
            Some("in the Background: Given a db\ndb down")
        );
        assert_eq!(
            cases[2].message.as_deref(),
            Some("a before hook failed\nno browser")
        );
    }

    #[test]
    fn failed_hooks_are_errors_and_garbage_is_refused() {
        let text = r#"[{"uri": "a.feature", "elements": [{"name": "x", "line": 2, "steps": [{"keyword": "Before", "hidden": true, "result": {"status": "failed", "error_message": "db down"}}]}]}]"#;
        assert_eq!(parse(text).unwrap().cases[0].outcome, CaseOutcome::Errored);
        assert!(parse("{").is_err());
        assert!(parse("{\"a\": 1}").is_err());
    }
}
