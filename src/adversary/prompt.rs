//! The adversary's prompt, built by a pure function: the item's text and evidence, the items
//! that must keep passing, and the task of passing the evidence while meaning something else.

use crate::desired::Item;
use std::fmt::Write;

pub struct AdversaryInput<'a> {
    pub item: &'a Item,
    /// The item's verdict before the attempt.
    pub verdict: &'a str,
    /// The command that proves the item.
    pub evidence: String,
    /// Every other selected item that holds now: the attempt must keep them holding.
    pub keep: Vec<&'a str>,
    pub protect: &'a [String],
}

pub fn build(input: &AdversaryInput<'_>) -> String {
    let item = input.item;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# specctl audit: an adversary attempt on {}\n\nYou are testing a contract, not building a product. The item below is part of a project's \
desired state: its text says what must hold, its evidence checks it, and a coding agent will build exactly to that \
evidence. Find out whether the evidence is loose: whether code that does something the item does not mean can pass it.\n",
        item.id
    );
    out.push_str("## Your task\n\n");
    let _ = writeln!(
        out,
        "- Change the code so that this item's evidence PASSES while the code does something its text does not mean: the least \
implementation a literal-minded implementer could get away with (a constant that satisfies the one example, a label \
nothing else produces, a branch never taken, a result that ignores an input the item names).\n\
- Every item under \"Keep passing\" must keep passing: an attempt that breaks one proves nothing.\n\
- Do not edit the spec, the aspects or the evidence ({}): such edits are undone before the evidence runs, and an \
attempt made of them proves nothing.\n\
- If no such implementation exists because the evidence pins the behaviour, change nothing and say why.\n\
- Your working directory is a scratch copy of the project: nothing you do reaches the real tree. specctl runs the \
evidence itself afterwards; what you report is recorded, not believed. End with one paragraph on what your code does \
that the item does not mean.\n",
        crate::reconcile::prompt::backticked(input.protect)
    );
    let _ = writeln!(
        out,
        "## The item\n\n### {}:{} {} ({})\n",
        item.file, item.line, item.id, input.verdict
    );
    crate::reconcile::prompt::item_text(&mut out, item);
    let _ = writeln!(out, "Evidence: {}\n", input.evidence);
    let _ = writeln!(out, "## Keep passing ({})\n", input.keep.len());
    if input.keep.is_empty() {
        out.push_str("(no other selected item passes now)\n");
    }
    for id in &input.keep {
        let _ = writeln!(out, "- {id}");
    }
    crate::redact::redact(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    #[test]
    fn the_prompt_names_the_item_its_evidence_and_what_must_keep_passing() {
        let mut item = fixture::scenario("specs/d.feature::Double 2", "specs/d.feature");
        item.line = 2;
        let input = AdversaryInput {
            item: &item,
            verdict: "pass",
            evidence: "runner `default`: `./evidence/run.sh {report}`".into(),
            keep: vec!["specs/d.feature::Double 3"],
            protect: &["specs/**".to_string(), "evidence/**".to_string()],
        };
        let p = build(&input);
        assert!(
            p.starts_with("# specctl audit: an adversary attempt on specs/d.feature::Double 2\n"),
            "{p}"
        );
        assert!(
            p.contains("### specs/d.feature:2 specs/d.feature::Double 2 (pass)\n"),
            "{p}"
        );
        assert!(
            p.contains("Evidence: runner `default`: `./evidence/run.sh {report}`\n"),
            "{p}"
        );
        assert!(
            p.contains("## Keep passing (1)\n\n- specs/d.feature::Double 3\n"),
            "{p}"
        );
        assert!(p.contains("(`specs/**`, `evidence/**`)"), "{p}");
        let alone = build(&AdversaryInput {
            keep: vec![],
            ..input
        });
        assert!(
            alone.contains("(no other selected item passes now)"),
            "{alone}"
        );
    }
}
