//! `specctl list`: the desired state, as a person or a program wants to read it.

use crate::cli::{Cli, Format, ListArgs};
use crate::exit::Exit;
use crate::project::Project;
use crate::report::{diagnostic, json, list, style::Style};
use crate::{desired, selection};
use std::io::Write;

pub fn run(cli: &Cli, args: &ListArgs) -> Exit {
    let err_style = Style::stderr(cli.color);
    let project = match Project::open(cli.dir.as_deref()) {
        Ok(project) => project,
        Err(err) => {
            eprintln!("{} {err}", err_style.red(&err_style.bold("error:")));
            return Exit::Invalid;
        }
    };
    let selector = match selection::Selector::new(&args.selection) {
        Ok(selector) => selector,
        Err(err) => {
            eprintln!("{} {err}", err_style.red(&err_style.bold("error:")));
            return Exit::Invalid;
        }
    };
    let mut state = desired::load(&project.root, &project.config);
    if let Some(err) = project.config_error {
        state.errors.insert(0, err);
    }
    let items: Vec<_> = state.items.iter().filter(|i| selector.matches(i)).collect();

    let text = match args.format {
        Format::Json => json::list(&items, &state.errors, &state.warnings) + "\n",
        Format::Human => list::human(&items, Style::stdout(cli.color)),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        // A closed pipe (`specctl list | head`) is not an error worth a message.
        return if state.errors.is_empty() {
            Exit::Success
        } else {
            Exit::Invalid
        };
    }
    if args.format == Format::Human {
        for warning in &state.warnings {
            eprintln!(
                "{} {warning}",
                err_style.yellow(&err_style.bold("warning:"))
            );
        }
        for err in &state.errors {
            eprint!("{}", diagnostic::render(err, err_style));
        }
        if !state.errors.is_empty() {
            let n = state.errors.len();
            eprintln!(
                "{} {n} {} in the project's input: fix {} and run again",
                err_style.red(&err_style.bold("error:")),
                if n == 1 { "error" } else { "errors" },
                if n == 1 { "it" } else { "them" },
            );
        }
    }
    if state.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Invalid
    }
}
