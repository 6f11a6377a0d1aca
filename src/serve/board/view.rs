//! The board as the page shows it: every item grouped by its file, with its verdict and what
//! moved in the last observation. A pure function of what watch renders on a terminal.

use crate::input_error::InputError;
use crate::observe::Verdict;
use crate::report::outcome::{Counts, Outcome};
use serde::Serialize;

/// An item whose verdict moved in the last observation.
pub type Moved = (String, Option<Verdict>, Option<Verdict>);

#[derive(Debug, Serialize)]
pub struct Board<'a> {
    pub version: u32,
    /// Which observation this is (0 before the first has finished).
    pub observation: u64,
    pub status: &'a str,
    pub running: bool,
    pub summary: Counts,
    pub files: Vec<File<'a>>,
    pub changed: Vec<Change<'a>>,
    pub errors: &'a [InputError],
    pub warnings: &'a [String],
}

/// One feature (or aspect) file and its items, in the order the file has them.
#[derive(Debug, Serialize)]
pub struct File<'a> {
    pub file: &'a str,
    pub items: Vec<Row<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Row<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub line: usize,
    pub kind: &'static str,
    /// `None`: not observed yet.
    pub verdict: Option<Verdict>,
    pub stale: bool,
    pub duration_ms: u64,
    /// The first line of what the evidence said.
    pub message: Option<&'a str>,
    /// What it was before the last observation, where that moved it (`new`: nothing).
    pub was: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Change<'a> {
    pub id: &'a str,
    pub from: Option<Verdict>,
    pub to: Option<Verdict>,
}

/// The board document for the outcomes watch has, the transitions of the last observation
/// (`moved`) and its status line.
pub fn board<'a>(
    outcomes: &'a [Outcome<'a>],
    moved: &'a [Moved],
    status: &'a str,
    running: bool,
    observation: u64,
    problems: (&'a [InputError], &'a [String]),
) -> Board<'a> {
    let mut files: Vec<File<'a>> = Vec::new();
    for o in outcomes {
        let was = moved
            .iter()
            .find(|(id, _, _)| *id == o.item.id)
            .map(|(_, was, _)| was.map_or("new", Verdict::as_str));
        let row = Row {
            id: &o.item.id,
            name: &o.item.name,
            line: o.item.line,
            kind: if o.item.is_scenario() {
                "scenario"
            } else {
                "aspect"
            },
            verdict: o.verdict,
            stale: o.stale,
            duration_ms: o.duration_ms,
            message: o.message.as_deref().and_then(|m| m.lines().next()),
            was,
        };
        match files.iter_mut().find(|f| f.file == o.item.file) {
            Some(file) => file.items.push(row),
            None => files.push(File {
                file: &o.item.file,
                items: vec![row],
            }),
        }
    }
    Board {
        version: crate::report::json::VERSION,
        observation,
        status,
        running,
        summary: Counts::of(outcomes, 0),
        files,
        changed: moved
            .iter()
            .map(|(id, from, to)| Change {
                id,
                from: *from,
                to: *to,
            })
            .collect(),
        errors: problems.0,
        warnings: problems.1,
    }
}

/// The document as the text the page receives.
pub fn text(board: &Board<'_>) -> String {
    // Plain data always serializes.
    serde_json::to_string(board).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    #[test]
    fn items_are_grouped_by_file_and_what_moved_is_marked() {
        let mut a = fixture::aspect("a", "true");
        a.file = "aspects/a.md".into();
        let mut b = fixture::aspect("b", "true");
        b.file = "aspects/b.md".into();
        let mut c = fixture::aspect("c", "true");
        c.file = "aspects/a.md".into();
        let outcome = |item, verdict, message: Option<&str>| Outcome {
            item,
            verdict,
            duration_ms: 4,
            message: message.map(String::from),
            stale: false,
        };
        let outcomes = vec![
            outcome(&a, Some(Verdict::Fail), Some("expected 1\ngot 2")),
            outcome(&b, Some(Verdict::Pass), None),
            outcome(&c, None, None),
        ];
        let moved = vec![(a.id.clone(), Some(Verdict::Pass), Some(Verdict::Fail))];
        let doc = board(&outcomes, &moved, "observation 2", false, 2, (&[], &[]));
        let v: serde_json::Value = serde_json::from_str(&text(&doc)).unwrap();
        let files: Vec<(&str, usize)> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap(),
                    f["items"].as_array().unwrap().len(),
                )
            })
            .collect();
        assert_eq!(files, [("aspects/a.md", 2), ("aspects/b.md", 1)]);
        let first = &v["files"][0]["items"][0];
        assert_eq!(first["verdict"], "fail");
        assert_eq!(first["was"], "pass");
        assert_eq!(first["message"], "expected 1");
        assert_eq!(
            v["files"][0]["items"][1]["verdict"],
            serde_json::Value::Null
        );
        assert_eq!(v["files"][1]["items"][0]["was"], serde_json::Value::Null);
        assert_eq!(
            v["changed"],
            serde_json::json!([{"id": a.id, "from": "pass", "to": "fail"}])
        );
        assert_eq!(v["summary"]["fail"], 1);
        assert_eq!(v["observation"], 2);
    }
}
