//! One item as the page shows it: its spec text with the failing step marked (or its aspect
//! body), the command that proves it, what the evidence last said, and its verdicts over time.

use crate::config::Config;
use crate::desired::Item;
use crate::store::{VerdictRow, age_ms};
use serde_json::{Value, json};

/// The step the evidence named as failing, as the reports name it: a line that is the step
/// (Cucumber JSON and Messages: `Then the total is 5`), behave's `Failing step: Then the
/// total is 5 ... failed in 0.001s`, or cucumber-rs's `✘  Then the total is 5`. `None` where
/// no line names a step exactly: the page marks nothing rather than guess.
pub fn failing_step(item: &Item, message: Option<&str>) -> Option<usize> {
    let steps = &item.scenario()?.steps;
    let named: Vec<String> = steps
        .iter()
        .map(|s| format!("{} {}", s.keyword.trim(), s.text))
        .collect();
    message?.lines().find_map(|line| {
        let line = line.trim();
        let line = line.strip_prefix("Failing step:").unwrap_or(line);
        let line = line.trim_start_matches('✘').trim();
        named.iter().position(|n| {
            line == n
                || line
                    .strip_prefix(n.as_str())
                    .is_some_and(|r| r.starts_with(" ..."))
        })
    })
}

/// The command line that proves the item: an aspect's own, a scenario's runner's.
pub fn command<'a>(item: &'a Item, config: &'a Config) -> Option<&'a str> {
    match item.aspect() {
        Some(a) => Some(&a.command),
        None => item
            .runner()
            .and_then(|r| config.evidence.get(r))
            .map(|r| r.run.as_str()),
    }
}

/// The item document: `history` is newest first, as the store gives it.
pub fn document(item: &Item, config: &Config, history: &[VerdictRow]) -> Value {
    let last = history.first();
    let message = last.and_then(|l| l.message.as_deref());
    let failing = last
        .filter(|l| !l.verdict.holds())
        .and_then(|_| failing_step(item, message));
    json!({
        "version": crate::report::json::VERSION,
        "item": item,
        "body": item.aspect().map(|a| a.body.as_str()),
        "body_line": item.aspect().map(|a| a.body_line),
        "command": command(item, config),
        "failing_step": failing,
        "last": last.map(|l| json!({
            "verdict": l.verdict,
            "message": l.message,
            "duration_ms": l.duration_ms,
            "age_ms": age_ms(l.observed_at_ms),
            "stale": l.generation != item.generation,
        })),
        "history": history.iter().map(|h| json!({
            "at_ms": h.observed_at_ms,
            "verdict": h.verdict,
            "duration_ms": h.duration_ms,
            "stale": h.generation != item.generation,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::ItemKind;
    use crate::desired::item::{Step, fixture};
    use crate::observe::Verdict;

    fn step(keyword: &str, text: &str) -> Step {
        Step {
            keyword: keyword.into(),
            text: text.into(),
            doc_string: None,
            data_table: None,
            line: 3,
            kind: crate::desired::gherkin::KeywordType::Outcome,
        }
    }

    fn row(verdict: Verdict, message: Option<&str>) -> VerdictRow {
        VerdictRow {
            observed_at_ms: 1,
            generation: String::new(),
            verdict,
            duration_ms: 7,
            message: message.map(String::from),
            session: None,
        }
    }

    #[test]
    fn the_failing_step_is_the_one_the_message_opens_with_and_nothing_else() {
        let mut item = fixture::scenario("specs/a.feature::A", "specs/a.feature");
        if let ItemKind::Scenario(s) = &mut item.kind {
            s.steps = vec![step("Given ", "a cart"), step("Then ", "the total is 5")];
            s.runner = Some("default".into());
        }
        let said = Some("Then the total is 5\nAssertionError: 4 != 5");
        assert_eq!(failing_step(&item, said), Some(1));
        let behave =
            "Failing step: Then the total is 5 ... failed in 0.001s\nLocation: a.feature:3";
        assert_eq!(failing_step(&item, Some(behave)), Some(1));
        assert_eq!(failing_step(&item, Some("✘  Given a cart")), Some(0));
        assert_eq!(failing_step(&item, Some("expected hello, got hi")), None);
        assert_eq!(failing_step(&item, Some("Then the total is 50")), None);
        assert_eq!(failing_step(&item, None), None);

        let config = Config::default();
        let history = [row(Verdict::Fail, said), row(Verdict::Pass, None)];
        let doc = document(&item, &config, &history);
        assert_eq!(doc["failing_step"], 1);
        assert_eq!(doc["last"]["verdict"], "fail");
        assert_eq!(doc["last"]["stale"], false);
        assert_eq!(doc["history"][1]["verdict"], "pass");
        assert_eq!(doc["command"], Value::Null);
        let passing = document(&item, &config, &[row(Verdict::Pass, said)]);
        assert_eq!(passing["failing_step"], Value::Null);
    }

    #[test]
    fn an_aspect_shows_its_body_and_its_own_command() {
        let mut item = fixture::aspect("lean", "python3 evidence/size.py");
        if let ItemKind::Aspect(a) = &mut item.kind {
            a.body = "The binary stays small.\n".into();
        }
        let doc = document(&item, &Config::default(), &[]);
        assert_eq!(doc["command"], "python3 evidence/size.py");
        assert_eq!(doc["body"], "The binary stays small.\n");
        assert_eq!(doc["last"], Value::Null);
        assert_eq!(doc["history"], json!([]));
    }
}
