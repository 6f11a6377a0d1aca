//! Human output of `check` and `status`: items grouped by feature file, a mark and the
//! verdict for each, the message under each failure, and the closing `N passed, N failed`.

use super::outcome::{Counts, Outcome};
use super::style::Style;
use crate::observe::Verdict;
use std::fmt::Write;

pub fn human(outcomes: &[Outcome<'_>], counts: &Counts, style: Style, quiet: bool) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for o in outcomes {
        if quiet && o.holds() {
            continue;
        }
        let item = o.item;
        super::group::header(&mut out, &mut current, item, style);
        let name = super::group::name(item);
        let (mark, word) = mark(o, style);
        let _ = writeln!(
            out,
            "  {mark} {}  {name}{word}",
            style.dim(&format!("{}:{}", item.file, item.line))
        );
        if !o.holds()
            && let Some(message) = &o.message
        {
            for line in message.lines() {
                let _ = writeln!(out, "      {}", style.dim(line));
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let breakdown: Vec<String> = [
        (counts.fail, "fail"),
        (counts.error, "error"),
        (counts.timeout, "timeout"),
        (counts.undefined, "undefined"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    if !breakdown.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!("not holding: {}", breakdown.join(", ")))
        );
    }
    let line = counts.closing_line();
    let _ = writeln!(
        out,
        "{}",
        if counts.total == counts.pass + counts.skipped {
            style.green(&line)
        } else {
            style.red(&line)
        }
    );
    out
}

fn mark(o: &Outcome<'_>, style: Style) -> (String, String) {
    let stale = if o.stale {
        style.yellow(" (stale: the item changed since)")
    } else {
        String::new()
    };
    match o.verdict {
        Some(Verdict::Pass) => (style.green("✓"), stale),
        Some(Verdict::Skipped) => (style.dim("-"), format!("  {}{stale}", style.dim("skipped"))),
        Some(Verdict::Undefined) => (
            style.yellow("?"),
            format!("  {}{stale}", style.yellow("undefined")),
        ),
        Some(v) => (
            style.red("✗"),
            format!("  {}{stale}", style.red(v.as_str())),
        ),
        None => (
            style.yellow("·"),
            format!("  {}", style.yellow("not observed yet")),
        ),
    }
}
