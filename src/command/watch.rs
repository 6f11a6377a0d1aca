//! `specctl watch`: keep observing as files change.

use super::{fatal, jobs, load, runtime};
use crate::cli::{Cli, Format, WatchArgs};
use crate::exit::Exit;
use crate::report::style::Style;
use crate::watch::{self, Options, Output};
use std::io::IsTerminal;
use std::time::Duration;

pub fn run(cli: &Cli, args: &WatchArgs) -> Exit {
    let err_style = Style::stderr(cli.color);
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(err) => return fatal(err_style, &err),
    };
    let output = match args.format {
        Format::Json => Output::Json,
        Format::Human if std::io::stdout().is_terminal() => Output::Board,
        Format::Human => Output::Lines,
    };
    runtime.block_on(watch::run(Options {
        root: &loaded.project.root,
        selector: &loaded.selector,
        jobs: jobs(args.jobs),
        output,
        style: Style::stdout(cli.color),
        reconcile: args.reconcile,
        on_busy: args.on_busy,
        debounce: Duration::from_millis(args.debounce),
    }))
}
