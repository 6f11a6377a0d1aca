//! The reviewer of RED turns, as pure functions: the prompt that puts a turn's new evidence
//! beside the item's text and a checklist, and the reading of the structured answer.

use super::prompt::item_text;
use crate::desired::Item;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// What the reviewer looks for: the gaps a literal-minded implementer walks through.
pub const CHECKLIST: [&str; 4] = [
    "values are pinned: an assertion compares the result with the value the item names, not with a type, a membership or \"something\"",
    "every label, branch or outcome the item names can be produced and is checked",
    "an implementation that reads the item literally and does nothing more (a constant that satisfies the one example, a label nothing produces) fails the evidence",
    "no assertion that cannot fail: no `assert True`, no check of a value the test itself set, no try/except that swallows the failure",
];

/// The answer the prompt asks for, last in the reviewer's reply.
const ANSWER_FORMAT: &str = r#"{"verdict": "approve"}
{"verdict": "object", "objections": [{"file": "evidence/steps.py", "line": 12, "objection": "asserts the total is an int, not that it is 5"}]}"#;

/// One item the reviewed turn wrote evidence for.
pub struct Reviewed<'a> {
    pub item: &'a Item,
    /// The command that proves it.
    pub evidence: String,
    /// What the new evidence said when it failed: the reason the turn claims is the right one.
    pub failure: String,
}

pub struct ReviewInput<'a> {
    pub turn: u32,
    pub items: Vec<Reviewed<'a>>,
    /// The turn's changes to the evidence, as a unified diff.
    pub diff: &'a str,
    pub max_bytes: usize,
}

/// The reviewer's prompt: the items, the diff, the checklist, and the answer's shape.
pub fn prompt(input: &ReviewInput<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# specctl review of turn {}: RED evidence\n\nA coding agent has just written the evidence (tests, step definitions) below, so that \
each item fails for the right reason before any code is written. The loop will build exactly to this evidence, so evidence \
that a wrong implementation passes will be built faithfully and ship wrong. You are the reviewer: read the evidence against \
each item's text. Do not edit any file: your edits are undone. Your working directory is the project root.\n",
        input.turn
    );
    out.push_str("## Checklist\n\n");
    for check in CHECKLIST {
        let _ = writeln!(out, "- {check}");
    }
    let _ = writeln!(out, "\n## Items ({})\n", input.items.len());
    for r in &input.items {
        let _ = writeln!(out, "### {}:{} {}\n", r.item.file, r.item.line, r.item.id);
        item_text(&mut out, r.item);
        let _ = writeln!(out, "Evidence: {}\n", r.evidence);
        let failure = r.failure.trim();
        if !failure.is_empty() {
            let failure = trim(failure, 2000);
            let _ = writeln!(out, "It fails now with:\n\n```text\n{failure}\n```\n");
        }
    }
    out.push_str("## The turn's changes\n\n");
    let room = input.max_bytes.saturating_sub(out.len() + 1200);
    let diff = trim(input.diff.trim_end(), room.max(2000));
    if diff.is_empty() {
        out.push_str("(the turn changed no evidence file)\n\n");
    } else {
        let _ = writeln!(out, "```diff\n{diff}\n```\n");
    }
    let _ = writeln!(
        out,
        "## Your answer\n\nEnd your reply with one JSON object on a line of its own: approve only when every point of the \
checklist holds for every item, else object, each objection with the file and line it is about and what to change.\n\n```json\n{ANSWER_FORMAT}\n```"
    );
    crate::redact::redact(&out).into_owned()
}

/// The prompt `plan` shows before any RED turn ran: the diff is not known yet.
pub fn preview(items: Vec<Reviewed<'_>>, turn: u32, max_bytes: usize) -> String {
    prompt(&ReviewInput {
        turn,
        items,
        diff: "(the RED turn's changes to the evidence go here)",
        max_bytes,
    })
}

fn trim(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n… trimmed: {} more bytes",
        &text[..end],
        text.len() - end
    )
}

/// One objection: what to change, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub line: Option<u32>,
    pub objection: String,
}

impl Objection {
    /// As the next RED prompt's finding.
    pub fn finding(&self) -> String {
        let at = match (&self.file, self.line) {
            (Some(f), Some(l)) => format!(" at {f}:{l}"),
            (Some(f), None) => format!(" at {f}"),
            _ => String::new(),
        };
        format!("the reviewer objects{at}: {}", self.objection.trim())
    }
}

/// What the reviewer answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Answer {
    Approve,
    Object {
        objections: Vec<Objection>,
    },
    /// No answer of the asked shape: the turn cannot count, since nobody approved it.
    Unreadable {
        why: String,
    },
}

impl Answer {
    pub fn approved(&self) -> bool {
        matches!(self, Answer::Approve)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Answer::Approve => "approve",
            Answer::Object { .. } => "object",
            Answer::Unreadable { .. } => "unreadable",
        }
    }

    /// What the next RED turn is told: each objection, or why no answer counted.
    pub fn findings(&self) -> Vec<String> {
        match self {
            Answer::Approve => Vec::new(),
            Answer::Object { objections } => objections.iter().map(Objection::finding).collect(),
            Answer::Unreadable { why } => vec![format!(
                "the reviewer gave no answer that could be read ({why}), so the evidence is not approved yet: keep it pinned to the item's values"
            )],
        }
    }
}

#[derive(Deserialize)]
struct Raw {
    verdict: String,
    #[serde(default)]
    objections: Vec<Objection>,
}

/// Reads the reviewer's answer out of its whole output, whatever its kind: the last JSON
/// object with a `verdict`, in the text or in any string of a JSON line (claude's `result`,
/// codex's agent message), since each CLI wraps the model's words its own way.
pub fn read(output: &str) -> Answer {
    let mut texts = vec![output.to_string()];
    for line in output.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line.trim()) {
            strings(&v, &mut texts);
        }
    }
    let found = texts.iter().rev().find_map(|t| last_answer(t));
    match found {
        None => Answer::Unreadable {
            why: "no JSON object with a \"verdict\" in its reply".into(),
        },
        Some(raw) => match raw.verdict.as_str() {
            "approve" if raw.objections.is_empty() => Answer::Approve,
            "approve" => Answer::Object {
                objections: raw.objections,
            },
            "object" if raw.objections.is_empty() => Answer::Unreadable {
                why: "it objected without saying to what".into(),
            },
            "object" => Answer::Object {
                objections: raw.objections,
            },
            other => Answer::Unreadable {
                why: format!("its verdict `{other}` is neither approve nor object"),
            },
        },
    }
}

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.contains("verdict") => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        serde_json::Value::Object(map) => map.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// The last `{...}` in `text` that parses as an answer.
fn last_answer(text: &str) -> Option<Raw> {
    let mut found = None;
    for (at, _) in text.match_indices('{') {
        let mut stream = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Raw>();
        if let Some(Ok(raw)) = stream.next() {
            found = Some(raw);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    #[test]
    fn an_answer_is_found_in_plain_text_and_inside_a_cli_s_json() {
        assert_eq!(
            read("looks fine\n{\"verdict\": \"approve\"}\n"),
            Answer::Approve
        );
        let objection = Objection {
            file: Some("evidence/steps.py".into()),
            line: Some(12),
            objection: "pin the total".into(),
        };
        let inner = r#"Two problems.\n{"verdict": "object", "objections": [{"file": "evidence/steps.py", "line": 12, "objection": "pin the total"}]}"#;
        let claude = format!(
            "{{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"{}\"}}",
            inner.replace('"', "\\\"")
        );
        assert_eq!(
            read(&claude),
            Answer::Object {
                objections: vec![objection.clone()]
            }
        );
        // The last answer counts: a reviewer that changed its mind approved.
        let twice = "{\"verdict\": \"object\", \"objections\": [{\"objection\": \"x\"}]}\nthen {\"verdict\": \"approve\"}";
        assert_eq!(read(twice), Answer::Approve);
        assert_eq!(
            objection.finding(),
            "the reviewer objects at evidence/steps.py:12: pin the total"
        );
    }

    #[test]
    fn an_answer_of_another_shape_is_unreadable_and_never_approval() {
        for (output, why) in [
            (
                "I approve of this.",
                "no JSON object with a \"verdict\" in its reply",
            ),
            (
                "{\"verdict\": \"object\"}",
                "it objected without saying to what",
            ),
            (
                "{\"verdict\": \"maybe\"}",
                "its verdict `maybe` is neither approve nor object",
            ),
        ] {
            let answer = read(output);
            assert_eq!(answer, Answer::Unreadable { why: why.into() });
            assert!(!answer.approved());
            assert_eq!(answer.as_str(), "unreadable");
        }
        let approve_with_objections =
            read("{\"verdict\": \"approve\", \"objections\": [{\"objection\": \"y\"}]}");
        assert_eq!(approve_with_objections.as_str(), "object");
    }

    #[test]
    fn the_prompt_holds_the_item_the_diff_and_the_checklist() {
        let mut item = fixture::scenario("specs/a.feature::Pay", "specs/a.feature");
        item.line = 3;
        let input = ReviewInput {
            turn: 2,
            items: vec![Reviewed {
                item: &item,
                evidence: "runner `default`: `pytest`".into(),
                failure: "AssertionError: 4 != 5".into(),
            }],
            diff: "+assert total == 5\n",
            max_bytes: 10_000,
        };
        let p = prompt(&input);
        assert!(
            p.starts_with("# specctl review of turn 2: RED evidence\n"),
            "{p}"
        );
        assert!(
            p.contains("### specs/a.feature:3 specs/a.feature::Pay\n"),
            "{p}"
        );
        assert!(p.contains("```diff\n+assert total == 5\n```"), "{p}");
        assert!(p.contains("AssertionError: 4 != 5"), "{p}");
        for check in CHECKLIST {
            assert!(p.contains(check), "{check}");
        }
        assert!(p.contains("{\"verdict\": \"approve\"}"), "{p}");
        let empty = prompt(&ReviewInput { diff: "", ..input });
        assert!(
            empty.contains("(the turn changed no evidence file)"),
            "{empty}"
        );
    }
}
