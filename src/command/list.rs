//! `specctl list`: the desired state, as a person or a program wants to read it.

use super::{load, print, print_problems};
use crate::cli::{Cli, Format, ListArgs};
use crate::exit::Exit;
use crate::report::{json, list, style::Style};

pub fn run(cli: &Cli, args: &ListArgs) -> Exit {
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let items = loaded.selected();
    let state = &loaded.state;
    match args.format {
        Format::Json => print(&(json::list(&items, &state.errors, &state.warnings) + "\n")),
        Format::Human => {
            print(&list::human(&items, Style::stdout(cli.color())));
            print_problems(state, &state.warnings, Style::stderr(cli.color()));
        }
    }
    if state.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Invalid
    }
}
