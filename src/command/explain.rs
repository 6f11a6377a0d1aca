//! `specctl explain ID`: one item, whole: its text, its evidence, its last output and its
//! verdict history, from the desired state and the store (it runs nothing).

use super::{fatal, load, print, print_problems};
use crate::cli::{Cli, ExplainArgs, Format, Selection};
use crate::desired::Item;
use crate::exit::Exit;
use crate::report::style::Style;
use crate::store::{self, Store, VerdictRow};
use serde_json::{Value, json};
use std::fmt::Write;

pub fn run(cli: &Cli, args: &ExplainArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let selection = Selection {
        filters: vec![args.id.clone()],
        tags: None,
    };
    let loaded = match load(cli, &selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let items = loaded.selected();
    let Some(item) = items.iter().copied().find(|i| i.id == args.id) else {
        return fatal(
            err_style,
            &format!(
                "no item `{}`: run `specctl list` for the ids there are",
                args.id
            ),
        );
    };
    let root = &loaded.project.root;
    let history = if root.join(store::DIR).join(store::FILE).is_file() {
        match Store::open_to_read(root).and_then(|s| s.history(&item.id, args.history)) {
            Ok(history) => history,
            Err(err) => return fatal(err_style, &err),
        }
    } else {
        Vec::new()
    };
    let evidence = crate::reconcile::pass::evidence_of(&loaded.project.config, item);
    match args.format {
        Format::Json => print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document(item, &evidence, &history)).unwrap_or_default()
        )),
        Format::Human => print(&human(
            item,
            &evidence,
            &history,
            Style::stdout(cli.color()),
        )),
    }
    // What it says of the item may rest on input that is wrong: say so, as `list` does.
    let state = &loaded.state;
    print_problems(state, &state.warnings, err_style);
    if state.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Invalid
    }
}

/// The JSON document: `item` as `list` gives it, its evidence, its last observation and history.
fn document(item: &Item, evidence: &str, history: &[VerdictRow]) -> Value {
    let seen: Vec<Value> = history.iter().map(seen_json).collect();
    let mut text = String::new();
    crate::reconcile::prompt::item_text(&mut text, item);
    json!({
        "version": 1,
        "item": item,
        "text": text.trim_end(),
        "evidence": evidence,
        "last": seen.first(),
        "history": seen,
    })
}

fn seen_json(s: &VerdictRow) -> Value {
    json!({
        "observed_at_ms": s.observed_at_ms,
        "status": s.verdict.as_str(),
        "duration_ms": s.duration_ms,
        "message": s.message,
        "session": s.session,
    })
}

fn human(item: &Item, evidence: &str, history: &[VerdictRow], style: Style) -> String {
    let mut out = format!("{}  {}:{}\n\n", style.bold(&item.id), item.file, item.line);
    crate::reconcile::prompt::item_text(&mut out, item);
    let _ = writeln!(out, "evidence: {evidence}");
    let Some(last) = history.first() else {
        out.push_str("\nnever observed: run `specctl check` to observe it\n");
        return out;
    };
    let _ = writeln!(out, "\nlast: {} at {}", last.verdict.as_str(), when(last));
    for line in last.message.as_deref().unwrap_or_default().lines().take(20) {
        let _ = writeln!(out, "  {}", style.dim(line));
    }
    let _ = writeln!(out, "\nhistory ({}, newest first):", history.len());
    for s in history {
        let said = s
            .message
            .as_deref()
            .and_then(|m| m.lines().next())
            .unwrap_or("");
        let _ = writeln!(out, "  {}  {:<9} {said}", when(s), s.verdict.as_str());
    }
    out
}

fn when(s: &VerdictRow) -> String {
    let at =
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(s.observed_at_ms.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}
