//! `specctl list`: the desired state, as a person or a program wants to read it.

use super::{fatal, load, open, outside_the_selection, print, print_problems, something_found};
use crate::InputError;
use crate::cli::{Cli, Format, ListArgs};
use crate::desired::{self, FileRead, Found};
use crate::exit::Exit;
use crate::project::Project;
use crate::report::list_writer::{Entries, ListWriter};
use crate::report::{list, style::Style};
use crate::selection::Selector;
use std::io::{self, Write};
use std::ops::ControlFlow;

pub fn run(cli: &Cli, args: &ListArgs) -> Exit {
    match args.format {
        Format::Json => json(cli, args),
        Format::Human => human(cli, args),
    }
}

fn human(cli: &Cli, args: &ListArgs) -> Exit {
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let state = &loaded.state;
    print(&list::human(&loaded.selected(), Style::stdout(cli.color())));
    print_problems(state, &state.warnings, Style::stderr(cli.color()));
    exit_for(&state.errors)
}

/// The document is written while the files are read, file by file, so memory stays flat
/// however large the project.
fn json(cli: &Cli, args: &ListArgs) -> Exit {
    let (project, selector) = match open(cli, &args.selection) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let found = desired::discover_all(&project.root, &project.config);
    if let Err(exit) = something_found(cli, &project, found.specs.len() + found.aspects.len()) {
        return exit;
    }
    let out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let (errors, written) = stream(&project, &selector, found, out);
    match written {
        // A closed pipe (`specctl list | head`) is not worth a message.
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => fatal(
            Style::stderr(cli.color()),
            &format!("cannot write the list: {err}"),
        ),
        _ => exit_for(&errors),
    }
}

/// Writes list's document to `out` as `found`'s files are read: the selected items of each
/// file as it comes, then the summary, the errors and the warnings. Returns the input errors
/// (those of the files read before a failed write, if one failed) and how writing went.
fn stream(
    project: &Project,
    selector: &Selector,
    found: Found,
    out: impl Write,
) -> (Vec<InputError>, io::Result<()>) {
    let mut errors: Vec<InputError> = project.config_error.iter().cloned().collect();
    let mut writer = match ListWriter::begin(out) {
        Ok(writer) => writer,
        Err(err) => return (errors, Err(err)),
    };
    let mut written = Ok(());
    let config = &project.config;
    let flavor_of = |file: &str| desired::flavor_of(config, file);
    // Each file's items are laid out where it was read, and freed there.
    let lay_out = |read: FileRead| {
        let selected = read.items.iter().filter(|item| selector.matches(item));
        (Entries::of(selected), read.errors)
    };
    desired::read_found(
        &project.root,
        config,
        &found,
        flavor_of,
        lay_out,
        |(entries, file_errors)| {
            errors.extend(file_errors);
            if let Err(err) = writer.entries(&entries) {
                written = Err(err);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        },
    );
    let mut warnings = found.warnings;
    outside_the_selection(&mut errors, &mut warnings, selector);
    let written = written.and_then(|()| writer.finish(&errors, &warnings).map(drop));
    (errors, written)
}

fn exit_for(errors: &[InputError]) -> Exit {
    if errors.is_empty() {
        Exit::Success
    } else {
        Exit::Invalid
    }
}
