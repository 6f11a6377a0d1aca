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
    let latest = if root.join(store::DIR).join(store::FILE).is_file() {
        match Store::open(root).and_then(|s| s.latest()) {
            Ok(latest) => latest,
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
        Format::Json => print(
            &(json::check(
                &outcomes,
                &counts,
                &loaded.state.errors,
                &loaded.state.warnings,
            ) + "\n"),
        ),
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
