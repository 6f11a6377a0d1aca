//! The `specctl` binary: parse the command line, run the library, exit with its code.
//! Everything else lives in the library so that tests call the same code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = specctl::cli::Cli::parse();
    specctl::command::run(&cli).into()
}

// specctl builds many small strings (items, steps, ids); mimalloc serves those far faster
// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
