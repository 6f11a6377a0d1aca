//! `specctl status`: the last observed state from the store, running nothing.

use super::{load, print, print_problems};
use crate::cli::{Cli, Format, StatusArgs};
use crate::exit::Exit;
use crate::report::outcome::{Counts, Outcome};
use crate::report::{check, json, style::Style};
use crate::store::{self, Store};

pub fn run(cli: &Cli, args: &StatusArgs) -> Exit {
    let err_style = Style::stderr(cli.color);
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let root = &loaded.project.root;
    let (latest, session) = if root.join(store::DIR).join(store::FILE).is_file() {
        let read = Store::open(root).and_then(|s| Ok((s.latest()?, s.session(None)?)));
        match read {
            Ok(read) => read,
            Err(err) => return super::fatal(err_style, &err),
        }
    } else {
        Default::default()
    };
    let items = loaded.selected();
    let outcomes: Vec<Outcome<'_>> = items
        .iter()
        .map(|item| match latest.get(&item.id) {
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
        })
        .collect();
    let counts = Counts::of(&outcomes, 0);
    match args.format {
        Format::Json => {
            let doc = json::check(
                &outcomes,
                &counts,
                &loaded.state.errors,
                &loaded.state.warnings,
            );
            let mut doc: serde_json::Value = serde_json::from_str(&doc).unwrap_or_default();
            if let Some(s) = &session {
                doc["session"] = serde_json::json!({
                    "id": s.id,
                    "state": s.state,
                    "turns": s.turns,
                    "tier": loaded.project.config.agents.get(s.tier).map(|a| a.name.clone()),
                    "cost_usd": s.cost_usd,
                    "open": s.ledger.with(crate::reconcile::ledger::Entry::Open),
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
                Style::stdout(cli.color),
                cli.quiet,
            ));
            if latest.is_empty() && !items.is_empty() {
                eprintln!("nothing observed yet: run `specctl check`");
            }
            if let Some(s) = &session {
                let tier = loaded
                    .project
                    .config
                    .agents
                    .get(s.tier)
                    .map_or("every tier spent", |a| a.name.as_str());
                let open = s.ledger.with(crate::reconcile::ledger::Entry::Open);
                print(&format!(
                    "\nreconcile session {} ({}): {} {}, tier {tier}, ${:.4} reported; {} still open{}\n",
                    s.id,
                    s.state,
                    s.turns,
                    if s.turns == 1 { "turn" } else { "turns" },
                    s.cost_usd,
                    open.len(),
                    if open.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", open.join(", "))
                    }
                ));
            }
            print_problems(&loaded.state, &loaded.state.warnings, err_style);
        }
    }
    if !loaded.state.errors.is_empty() {
        Exit::Invalid
    } else if outcomes.iter().all(Outcome::holds) {
        Exit::Success
    } else {
        Exit::Failure
    }
}
