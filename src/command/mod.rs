//! One file per subcommand: each turns a parsed command line into output and an exit code.

pub mod list;

use crate::cli::{Cli, Command};
use crate::exit::Exit;

/// Runs the command `cli` names.
pub fn run(cli: &Cli) -> Exit {
    match &cli.command {
        Command::List(args) => list::run(cli, args),
    }
}
