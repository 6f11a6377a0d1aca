//! `specctl status`: the last observed state from the store, running nothing.

use super::{load, print, print_problems};
use crate::cli::{Cli, Format, StatusArgs};
use crate::config::Config;
use crate::exit::Exit;
use crate::reconcile::ledger::{Entry, Ledger};
use crate::report::outcome::{Counts, Outcome};
use crate::report::{check, json, style::Style};
use crate::store::{self, SessionRow, Store, Stored};
use std::collections::HashMap;

pub fn run(cli: &Cli, args: &StatusArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let root = &loaded.project.root;
    let (latest, session) = if root.join(store::DIR).join(store::FILE).is_file() {
        let read = Store::open_to_read(root).and_then(|s| Ok((s.latest()?, s.session(None)?)));
        match read {
            Ok(read) => read,
            Err(err) => return super::fatal(err_style, &err),
        }
    } else {
        Default::default()
    };
    let items = loaded.selected();
    let outcomes: Vec<Outcome<'_>> = items.iter().map(|item| outcome(item, &latest)).collect();
    let counts = Counts::of(&outcomes, 0);
    let config = &loaded.project.config;
    let state = &loaded.state;
    match args.format {
        Format::Json => {
            let doc = json::check(&outcomes, &counts, (&state.errors, &state.warnings), None);
            let mut doc: serde_json::Value = serde_json::from_str(&doc).unwrap_or_default();
            if let Some(s) = &session {
                doc["session"] = serde_json::json!({
                    "id": s.id,
                    "state": s.state,
                    "turns": s.turns,
                    "tier": config.agents.get(s.tier).map(|a| a.name.clone()),
                    "cost_usd": s.cost_usd,
                    "open": open_items(s),
                });
            }
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ));
        }
        Format::Human => {
            print(&check::human(
                &outcomes,
                &counts,
                Style::stdout(cli.color()),
                cli.quiet,
            ));
            if latest.is_empty() && !items.is_empty() {
                eprintln!("nothing observed yet: run `specctl check`");
            }
            if let Some(s) = &session {
                print(&session_line(s, config));
            }
            print_problems(state, &state.warnings, err_style);
        }
    }
    if !state.errors.is_empty() {
        Exit::Invalid
    } else if outcomes.iter().all(Outcome::holds) {
        Exit::Success
    } else {
        Exit::Failure
    }
}

fn outcome<'a>(item: &'a crate::desired::Item, latest: &HashMap<String, Stored>) -> Outcome<'a> {
    match latest.get(&item.id) {
        Some(s) => Outcome {
            item,
            verdict: Some(s.verdict),
            duration_ms: s.duration_ms,
            message: s.message.clone(),
            stale: s.generation != item.generation,
        },
        None => Outcome {
            item,
            verdict: None,
            duration_ms: 0,
            message: None,
            stale: false,
        },
    }
}

/// The session's open items; `None` when its ledger cannot be read.
fn open_items(s: &SessionRow) -> Option<Vec<String>> {
    serde_json::from_str::<Ledger>(&s.ledger)
        .ok()
        .map(|l| l.with(Entry::Open).into_iter().map(String::from).collect())
}

fn session_line(s: &SessionRow, config: &Config) -> String {
    let tier = config
        .agents
        .get(s.tier)
        .map_or("every tier spent", |a| a.name.as_str());
    let open = match open_items(s) {
        None => "its ledger is unreadable, so its open items are unknown".to_string(),
        Some(open) if open.is_empty() => "0 still open".to_string(),
        Some(open) => format!("{} still open: {}", open.len(), open.join(", ")),
    };
    format!(
        "\nreconcile session {} ({}): {} {}, tier {tier}, ${:.4} reported; {open}\n",
        s.id,
        s.state,
        s.turns,
        if s.turns == 1 { "turn" } else { "turns" },
        s.cost_usd,
    )
}
