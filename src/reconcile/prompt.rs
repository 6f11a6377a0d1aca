//! The prompt of one turn, built from scratch by a pure function: the failing items' text,
//! their evidence and a trimmed excerpt of its failure, the ledger, the do-not-regress list,
//! what the previous turn left, and the phase's rules. Passing items appear only as ids.

use super::delta::Phase;
use super::ledger::{Entry, Ledger};
use crate::desired::{Item, ItemKind};
use crate::observe::Verdict;
use std::fmt::Write;

pub struct PromptItem<'a> {
    pub item: &'a Item,
    pub verdict: Verdict,
    /// The command that proves the item, as the agent can run it.
    pub evidence: String,
    /// What the evidence said when it failed.
    pub excerpt: String,
}

pub struct PromptInput<'a> {
    pub turn: u32,
    pub phase: Phase,
    pub items: Vec<PromptItem<'a>>,
    pub ledger: &'a Ledger,
    /// Entries of the do-not-regress list, from [`do_not_regress`]: ids, or whole files.
    pub do_not_regress: Vec<String>,
    /// How many items those entries stand for.
    pub passing: usize,
    /// Findings of the previous turn: what it left failing, what its gates rejected.
    pub previous: Vec<String>,
    pub protect: &'a [String],
    pub max_bytes: usize,
    /// A reviewer reads each RED turn's evidence before it counts.
    pub reviewed: bool,
}

pub fn build(input: &PromptInput<'_>) -> String {
    crate::redact::redact(&fit(input)).into_owned()
}

fn fit(input: &PromptInput<'_>) -> String {
    let full = render(input, None, usize::MAX);
    if full.len() <= input.max_bytes {
        return full;
    }
    // Shrink every excerpt to an equal share of what the rest leaves, then, if need be, the
    // do-not-regress list; the items' own text is never cut.
    let fixed = render(input, Some(0), usize::MAX).len();
    let share = input.max_bytes.saturating_sub(fixed) / input.items.len().max(1);
    let trimmed = render(input, Some(share), usize::MAX);
    if trimmed.len() <= input.max_bytes {
        return trimmed;
    }
    // The most do-not-regress ids that still fit.
    let (mut lo, mut hi) = (0, input.do_not_regress.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if render(input, Some(share), mid).len() <= input.max_bytes {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    render(input, Some(share), lo)
}

fn render(input: &PromptInput<'_>, excerpt_bytes: Option<usize>, keep_ids: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# specctl turn {}: {} phase\n",
        input.turn,
        input.phase.as_str().to_uppercase()
    );
    let _ = writeln!(
        out,
        "You are working in a project whose desired state is written as Gherkin specs and aspects. \
The evidence of the items below does not hold. Your working directory is the project root.\n"
    );
    rules(&mut out, input);
    previous(&mut out, input);
    items(&mut out, input, excerpt_bytes);
    ledger(&mut out, input);
    do_not_regress_list(&mut out, input, keep_ids);
    out
}

/// What the phase allows, and what every turn must keep.
fn rules(out: &mut String, input: &PromptInput<'_>) {
    out.push_str("## Rules\n\n");
    match input.phase {
        Phase::Red => {
            out.push_str(
                "- These items have no working evidence yet (undefined steps, or no test at all). Write the evidence \
(step definitions, tests) so that each item runs and FAILS for the right reason: an assertion about the \
behaviour, not a crash, a missing import or a missing step.\n\
- Change no production code in this phase, and do not edit the spec or aspect files themselves.\n\
- The turn counts only when each item's verdict moves from `undefined` to `fail`.\n",
            );
            if input.reviewed {
                out.push_str(
                    "- A reviewer then reads your evidence against each item's text, and the turn counts only when it approves: \
pin the values the item names (not a type or a membership), make every label or branch it names reachable and checked, \
make sure an implementation that reads the item literally and does nothing more fails, and write no assertion that cannot fail. \
Its objections, if any, are listed above: answer each one.\n",
                );
            }
        }
        Phase::Green => {
            out.push_str("- Change the code so that each item below passes.\n");
            if !input.protect.is_empty() {
                let _ = writeln!(
                    out,
                    "- Do not edit protected paths ({}): such edits are undone and the turn is told so.",
                    backticked(input.protect)
                );
            }
        }
    }
    out.push_str(
        "- Every item on the do-not-regress list must keep passing; a turn that breaks one is rolled back.\n\
- specctl runs the evidence itself after your turn: what you report is recorded, not believed.\n\n",
    );
}

fn previous(out: &mut String, input: &PromptInput<'_>) {
    if !input.previous.is_empty() {
        out.push_str("## What the previous turn left\n\n");
        for finding in &input.previous {
            let _ = writeln!(out, "- {}", finding.replace('\n', "\n  "));
        }
        out.push('\n');
    }
}

/// Each item's text, its evidence and what the evidence said, trimmed to `excerpt_bytes`.
fn items(out: &mut String, input: &PromptInput<'_>, excerpt_bytes: Option<usize>) {
    let _ = writeln!(out, "## Items to make hold ({})\n", input.items.len());
    for p in &input.items {
        let _ = writeln!(
            out,
            "### {}:{} {} ({})\n",
            p.item.file, p.item.line, p.item.id, p.verdict
        );
        item_text(out, p.item);
        let _ = writeln!(out, "Evidence: {}\n", p.evidence);
        let excerpt = match excerpt_bytes {
            None => p.excerpt.clone(),
            Some(n) => trim_middle(&p.excerpt, n),
        };
        if !excerpt.trim().is_empty() {
            let _ = writeln!(
                out,
                "What it said:\n\n```text\n{}\n```\n",
                excerpt.trim_end()
            );
        }
    }
}

fn ledger(out: &mut String, input: &PromptInput<'_>) {
    let open = input.ledger.with(Entry::Open);
    let resolved = input.ledger.with(Entry::Resolved);
    let regressed = input.ledger.with(Entry::Regressed);
    out.push_str("## Ledger of this session\n\n");
    for (label, ids) in [
        ("open", &open),
        ("resolved", &resolved),
        ("regressed", &regressed),
    ] {
        let _ = writeln!(
            out,
            "- {label} ({}): {}",
            ids.len(),
            if ids.is_empty() {
                "none".into()
            } else {
                ids.join(", ")
            }
        );
    }
    out.push('\n');
}

fn do_not_regress_list(out: &mut String, input: &PromptInput<'_>, keep_ids: usize) {
    let n = input.passing;
    let _ = writeln!(
        out,
        "## Do not regress ({n} {} now)\n",
        if n == 1 {
            "item that passes"
        } else {
            "items that pass"
        }
    );
    for id in input.do_not_regress.iter().take(keep_ids) {
        let _ = writeln!(out, "- {id}");
    }
    if keep_ids < input.do_not_regress.len() {
        let _ = writeln!(
            out,
            "- … and {} more: every item that passes now must keep passing",
            input.do_not_regress.len() - keep_ids
        );
    }
}

/// The do-not-regress list, short: a feature file whose every selected scenario passes is
/// one entry, any other passing item is its own id. `all` is every selected id in order.
pub fn do_not_regress(all: &[&str], passing: &std::collections::HashSet<&str>) -> Vec<String> {
    let file_of = |id: &str| id.split_once("::").map(|(f, _)| f.to_string());
    let mut entries = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let Some(file) = file_of(all[i]) else {
            if passing.contains(all[i]) {
                entries.push(all[i].to_string());
            }
            i += 1;
            continue;
        };
        let end = all[i..]
            .iter()
            .position(|id| file_of(id).as_deref() != Some(file.as_str()))
            .map_or(all.len(), |n| i + n);
        let group = &all[i..end];
        if group.len() > 1 && group.iter().all(|id| passing.contains(id)) {
            entries.push(format!("{file} (all {} scenarios)", group.len()));
        } else {
            entries.extend(
                group
                    .iter()
                    .filter(|id| passing.contains(*id))
                    .map(|id| id.to_string()),
            );
        }
        i = end;
    }
    entries
}

/// A scenario's steps with their tables and doc strings, or an aspect's body.
pub(crate) fn item_text(out: &mut String, item: &Item) {
    match &item.kind {
        ItemKind::Scenario(s) => {
            out.push_str("```gherkin\n");
            if !item.tags.is_empty() {
                let _ = writeln!(out, "{}", item.tags.join(" "));
            }
            let _ = writeln!(out, "{}: {}", s.keyword, item.name);
            for step in &s.steps {
                let _ = writeln!(out, "  {}{}", step.keyword, step.text);
                if let Some(doc) = &step.doc_string {
                    let _ = writeln!(
                        out,
                        "    \"\"\"{}",
                        doc.media_type.as_deref().unwrap_or_default()
                    );
                    for line in doc.content.lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                    out.push_str("    \"\"\"\n");
                }
                for row in step.data_table.iter().flatten() {
                    let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                    let _ = writeln!(out, "    | {} |", cells.join(" | "));
                }
            }
            out.push_str("```\n\n");
        }
        ItemKind::Aspect(a) => {
            let _ = writeln!(out, "{}\n", a.body.trim());
        }
    }
}

/// Globs as a prompt names them: `` `a`, `b` ``.
pub(crate) fn backticked(globs: &[String]) -> String {
    globs
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keeps the head and the tail of `text` within `max` bytes, on character boundaries.
fn trim_middle(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    if max < 40 {
        return "(trimmed to keep the prompt small: run `specctl check` to see it)".into();
    }
    let half = (max - 20) / 2;
    let mut head_end = half;
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = text.len() - half;
    while !text.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!(
        "{}\n… trimmed …\n{}",
        &text[..head_end],
        &text[tail_start..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;
    use crate::desired::{DocString, Step};

    fn scenario(id: &str, name: &str, steps: &[(&str, &str)]) -> Item {
        let mut item = fixture::scenario(id, "specs/shop.feature");
        item.line = 7;
        item.name = name.into();
        item.tags = vec!["@shop".into()];
        let s = fixture::scenario_mut(&mut item);
        s.steps = steps
            .iter()
            .map(|(k, t)| Step {
                keyword: k.to_string(),
                text: t.to_string(),
                doc_string: None,
                data_table: None,
                line: 0,
                kind: crate::desired::gherkin::KeywordType::Context,
            })
            .collect();
        s.runner = Some("default".into());
        s.feature = "Shop".into();
        s.scenario_line = 7;
        s.scenario_name = name.into();
        item
    }

    fn input<'a>(
        items: Vec<PromptItem<'a>>,
        ledger: &'a Ledger,
        passing: Vec<&'a str>,
        max: usize,
    ) -> PromptInput<'a> {
        let count = passing.len();
        let passing: Vec<String> = passing.into_iter().map(String::from).collect();
        PromptInput {
            turn: 1,
            phase: Phase::Green,
            items,
            ledger,
            do_not_regress: passing,
            passing: count,
            previous: vec!["the regression of specs/shop.feature::Buy was rolled back".into()],
            protect: &[],
            max_bytes: max,
            reviewed: false,
        }
    }

    #[test]
    fn holds_the_failing_text_and_only_ids_of_passing_items() {
        let mut failing = scenario(
            "specs/shop.feature::Pay",
            "Pay",
            &[("Given ", "a till"), ("Then ", "I pay 5")],
        );
        fixture::scenario_mut(&mut failing).steps[0].doc_string = Some(DocString {
            content: "receipt".into(),
            media_type: None,
        });
        fixture::scenario_mut(&mut failing).steps[1].data_table =
            Some(vec![vec!["coin".into(), "5".into()]]);
        let ledger = Ledger::default();
        let prompt = build(&input(
            vec![PromptItem {
                item: &failing,
                verdict: Verdict::Fail,
                evidence: "behave specs".into(),
                excerpt: "expected 5, paid 2".into(),
            }],
            &ledger,
            vec!["specs/shop.feature::Buy"],
            crate::config::DEFAULT_MAX_PROMPT_BYTES,
        ));
        assert!(
            prompt.contains("### specs/shop.feature:7 specs/shop.feature::Pay (fail)"),
            "{prompt}"
        );
        assert!(prompt.contains("  Given a till\n    \"\"\"\n    receipt\n    \"\"\"\n  Then I pay 5\n    | coin | 5 |\n"), "{prompt}");
        assert!(prompt.contains("Evidence: behave specs\n"));
        assert!(prompt.contains("expected 5, paid 2"));
        assert!(
            prompt.contains(
                "## Do not regress (1 item that passes now)\n\n- specs/shop.feature::Buy\n"
            )
        );
        assert!(prompt.contains("- the regression of specs/shop.feature::Buy was rolled back"));
        assert!(prompt.starts_with("# specctl turn 1: GREEN phase"));
    }

    #[test]
    fn a_size_bound_trims_excerpts_first_never_the_spec_text() {
        let failing = scenario(
            "specs/shop.feature::Pay",
            "Pay",
            &[("Then ", "I pay exactly five coins")],
        );
        let ledger = Ledger::default();
        let huge = "noise line\n".repeat(10_000);
        let prompt = build(&input(
            vec![PromptItem {
                item: &failing,
                verdict: Verdict::Fail,
                evidence: "x".into(),
                excerpt: huge,
            }],
            &ledger,
            vec![],
            4096,
        ));
        assert!(prompt.len() <= 4096, "{}", prompt.len());
        assert!(prompt.contains("  Then I pay exactly five coins"));
        assert!(prompt.contains("… trimmed …"));
    }

    #[test]
    fn a_long_do_not_regress_list_is_cut_last() {
        let failing = scenario("specs/shop.feature::Pay", "Pay", &[("Then ", "I pay")]);
        let ledger = Ledger::default();
        let ids: Vec<String> = (0..2000)
            .map(|i| format!("specs/many.feature::scenario {i}"))
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let prompt = build(&input(
            vec![PromptItem {
                item: &failing,
                verdict: Verdict::Fail,
                evidence: "x".into(),
                excerpt: "boom".into(),
            }],
            &ledger,
            refs,
            8192,
        ));
        assert!(prompt.len() <= 8192, "{}", prompt.len());
        assert!(prompt.contains("more: every item that passes now must keep passing"));
        assert!(prompt.contains("  Then I pay"));
    }

    #[test]
    fn whole_passing_files_are_one_entry() {
        let all = [
            "a.feature::1",
            "a.feature::2",
            "b.feature::1",
            "b.feature::2",
            "aspect:x",
            "aspect:y",
        ];
        let passing: std::collections::HashSet<&str> =
            ["a.feature::1", "a.feature::2", "b.feature::2", "aspect:x"]
                .into_iter()
                .collect();
        assert_eq!(
            do_not_regress(&all, &passing),
            ["a.feature (all 2 scenarios)", "b.feature::2", "aspect:x"]
        );
    }

    #[test]
    fn red_rules_forbid_production_code() {
        let item = scenario(
            "specs/shop.feature::New",
            "New",
            &[("Given ", "something new")],
        );
        let ledger = Ledger::default();
        let mut i = input(
            vec![PromptItem {
                item: &item,
                verdict: Verdict::Undefined,
                evidence: "x".into(),
                excerpt: String::new(),
            }],
            &ledger,
            vec![],
            crate::config::DEFAULT_MAX_PROMPT_BYTES,
        );
        i.phase = Phase::Red;
        let prompt = build(&i);
        assert!(prompt.contains("Change no production code in this phase"));
        assert!(prompt.contains("FAILS for the right reason"));
    }
}
