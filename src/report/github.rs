//! `--format github`: workflow-command annotations at each failing item's line, and a
//! Markdown summary for `$GITHUB_STEP_SUMMARY`.

use super::outcome::{Counts, Outcome};
use std::fmt::Write;

/// GitHub shows at most 10 error annotations per step; more are noise.
pub const MAX_ANNOTATIONS: usize = 10;

pub fn annotations(outcomes: &[Outcome<'_>], counts: &Counts) -> String {
    let mut out = String::new();
    let failing: Vec<_> = outcomes.iter().filter(|o| !o.holds()).collect();
    for o in failing.iter().take(MAX_ANNOTATIONS) {
        let verdict = o.verdict.map_or("not observed", |v| v.as_str());
        let message = o.message.as_deref().unwrap_or(verdict);
        let _ = writeln!(
            out,
            "::error file={},line={},title={}::{}",
            property(&o.item.file),
            o.item.line,
            property(&format!("{} ({verdict})", o.item.id)),
            data(message)
        );
    }
    if failing.len() > MAX_ANNOTATIONS {
        let _ = writeln!(
            out,
            "::warning::{} more items do not hold; see the job summary",
            failing.len() - MAX_ANNOTATIONS
        );
    }
    let _ = writeln!(out, "{}", counts.closing_line());
    out
}

pub fn summary(outcomes: &[Outcome<'_>], counts: &Counts) -> String {
    let mut out = String::from("## specctl check\n\n");
    let _ = writeln!(out, "**{}**\n", counts.closing_line());
    let failing: Vec<_> = outcomes.iter().filter(|o| !o.holds()).collect();
    if failing.is_empty() {
        out.push_str("Every item holds.\n");
        return out;
    }
    out.push_str("| item | where | verdict | message |\n| --- | --- | --- | --- |\n");
    for o in failing {
        let message = o
            .message
            .as_deref()
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {}:{} | {} | {} |",
            cell(&o.item.id),
            o.item.file,
            o.item.line,
            o.verdict.map_or("not observed", |v| v.as_str()),
            cell(message)
        );
    }
    out
}

fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(data("a%b\nc\r"), "a%25b%0Ac%0D");
        assert_eq!(
            property("specs/a.feature::x, y"),
            "specs/a.feature%3A%3Ax%2C y"
        );
    }
}
