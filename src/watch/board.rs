//! What `watch` shows: on a terminal a live board of every item (the last result kept while
//! the next runs, new failures and fixes called out); piped, one line per transition.

use crate::desired::Item;
use crate::observe::Verdict;
use crate::report::outcome::{Counts, Outcome};
use crate::report::{check, style::Style};
use std::collections::HashMap;
use std::fmt::Write;

/// Items whose verdict moved in an observation: (id, before, now). `ran` holds the items
/// it observed, each with its verdict before (`None`: it had none); no other item can move.
pub fn transitions(
    ran: &HashMap<String, Option<Verdict>>,
    now: &[(&Item, Option<Verdict>)],
) -> Vec<(String, Option<Verdict>, Option<Verdict>)> {
    now.iter()
        .filter_map(|(item, v)| {
            let was = *ran.get(&item.id)?;
            (was != *v && v.is_some()).then(|| (item.id.clone(), was, *v))
        })
        .collect()
}

/// The full board, for a terminal: cleared and redrawn on every change.
pub fn board(
    outcomes: &[Outcome<'_>],
    status: &str,
    moved: &[(String, Option<Verdict>, Option<Verdict>)],
    style: Style,
) -> String {
    let mut out = String::from("\x1b[2J\x1b[H");
    let _ = writeln!(
        out,
        "{} {}\n",
        style.bold("specctl watch"),
        style.dim(status)
    );
    let counts = Counts::of(outcomes, 0);
    out.push_str(&check::human(outcomes, &counts, style, false));
    let fixed: Vec<&str> = moved
        .iter()
        .filter(|(_, _, v)| v.is_some_and(|v| v.holds()))
        .map(|(id, _, _)| id.as_str())
        .collect();
    let broke: Vec<&str> = moved
        .iter()
        .filter(|(_, _, v)| v.is_some_and(|v| !v.holds()))
        .map(|(id, _, _)| id.as_str())
        .collect();
    if !broke.is_empty() {
        let _ = writeln!(out, "{} {}", style.red("new failures:"), broke.join(", "));
    }
    if !fixed.is_empty() {
        let _ = writeln!(out, "{} {}", style.green("fixed:"), fixed.join(", "));
    }
    out
}

/// One line per transition, for a pipe or a log.
pub fn lines(moved: &[(String, Option<Verdict>, Option<Verdict>)], style: Style) -> String {
    let mut out = String::new();
    for (id, was, now) in moved {
        let was = was.map_or("new", |v| v.as_str());
        let now = now.map_or("gone", |v| v.as_str());
        let mark = if now == "pass" || now == "skipped" {
            style.green("✓")
        } else {
            style.red("✗")
        };
        let _ = writeln!(out, "{mark} {id}: {was} → {now}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    fn item(id: &str) -> Item {
        let mut item = fixture::aspect(id, "true");
        item.id = id.into();
        item.file = "aspects/x.md".into();
        item
    }

    #[test]
    fn the_board_redraws_every_item_and_calls_out_what_moved() {
        let (a, c) = (item("a"), item("c"));
        let outcomes = vec![
            Outcome {
                item: &a,
                verdict: Some(Verdict::Fail),
                duration_ms: 1,
                message: Some("broke".into()),
                stale: false,
            },
            Outcome {
                item: &c,
                verdict: Some(Verdict::Pass),
                duration_ms: 1,
                message: None,
                stale: false,
            },
        ];
        let moved = vec![
            ("a".to_string(), Some(Verdict::Pass), Some(Verdict::Fail)),
            ("c".to_string(), Some(Verdict::Fail), Some(Verdict::Pass)),
        ];
        let text = board(
            &outcomes,
            "observation 2, 5 ms",
            &moved,
            Style { color: false },
        );
        assert!(
            text.starts_with("\x1b[2J\x1b[Hspecctl watch observation 2, 5 ms\n\n"),
            "{text:?}"
        );
        assert!(
            text.contains("  ✗ aspects/x.md:2  a  fail\n      broke\n"),
            "{text}"
        );
        assert!(text.contains("  ✓ aspects/x.md:2  c\n"), "{text}");
        assert!(text.contains("new failures: a\nfixed: c\n"), "{text}");
    }

    #[test]
    fn transitions_name_what_moved_and_lines_say_it() {
        let (a, b, c, d) = (item("a"), item("b"), item("c"), item("d"));
        // d was not observed again: its verdict, whatever it is, did not move.
        let before: HashMap<String, Option<Verdict>> = [
            ("a".to_string(), Some(Verdict::Pass)),
            ("b".to_string(), Some(Verdict::Fail)),
            ("c".to_string(), None),
        ]
        .into_iter()
        .collect();
        let now = [
            (&a, Some(Verdict::Fail)),
            (&b, Some(Verdict::Fail)),
            (&c, Some(Verdict::Pass)),
            (&d, Some(Verdict::Pass)),
        ];
        let moved = transitions(&before, &now);
        assert_eq!(
            moved,
            [
                ("a".to_string(), Some(Verdict::Pass), Some(Verdict::Fail)),
                ("c".to_string(), None, Some(Verdict::Pass))
            ]
        );
        assert_eq!(
            lines(&moved, Style { color: false }),
            "✗ a: pass → fail\n✓ c: new → pass\n"
        );
    }
}
