//! `specctl init`: adopt a project (or write the example), and say what was found and what
//! to run next.

use super::{fatal, print};
use crate::cli::{Cli, InitArgs};
use crate::exit::Exit;
use crate::init::{self, Adoption, detect::LOOKED_FOR};
use crate::report::style::Style;
use std::path::{Path, PathBuf};

pub fn run(cli: &Cli, args: &InitArgs) -> Exit {
    let style = Style::stderr(cli.color());
    let dir = folder(cli, args);
    if args.example {
        return example(&dir, style);
    }
    let adoption = match init::adopt(&dir) {
        Ok(adoption) => adoption,
        Err(err) => return fatal(style, &err),
    };
    if args.print {
        print(&adoption.yaml);
        return Exit::Success;
    }
    let ignored = match init::write(&dir, &adoption.yaml) {
        Ok(ignored) => ignored,
        Err(err) => return fatal(style, &err),
    };
    summary(&dir, &adoption, ignored, style);
    Exit::Success
}

/// `init DIR`, else `-C DIR`, else the current folder.
fn folder(cli: &Cli, args: &InitArgs) -> PathBuf {
    args.dir
        .clone()
        .or_else(|| cli.dir.clone())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn example(dir: &Path, style: Style) -> Exit {
    match init::write_example(dir) {
        Ok(files) => {
            print(&format!(
                "wrote a small shop to {} ({} files): its cart has no discount codes yet\nnext: cd {} && specctl check   (then `specctl reconcile` to watch the demo agent fix it)\n",
                dir.display(),
                files.len(),
                dir.display()
            ));
            Exit::Success
        }
        Err(err) => fatal(style, &err),
    }
}

/// What was found, what was written, and the next command.
fn summary(dir: &Path, adoption: &Adoption, ignored: bool, style: Style) {
    let d = &adoption.detected;
    let mut out = format!(
        "found {} feature file{}\n",
        d.features.len(),
        if d.features.len() == 1 { "" } else { "s" }
    );
    for runner in &d.runners {
        let base = if runner.base.is_empty() {
            "."
        } else {
            &runner.base
        };
        out.push_str(&format!(
            "  {} in {base}: {} feature file{} ({})\n",
            runner.kind.as_str(),
            runner.features.len(),
            if runner.features.len() == 1 { "" } else { "s" },
            runner.because
        ));
    }
    if !d.unclaimed.is_empty() {
        out.push_str(&format!(
            "  {} feature file{} no runner runs (they will be `undefined`)\n",
            d.unclaimed.len(),
            if d.unclaimed.len() == 1 { "" } else { "s" }
        ));
    }
    let root = dir.join(crate::config::FILE_NAME);
    out.push_str(&format!("wrote {}\n", root.display()));
    if ignored {
        out.push_str("added .specctl/ to .gitignore\n");
    }
    out.push_str("next: specctl check\n");
    print(&out);
    for warning in &d.warnings {
        eprintln!("{} {warning}", style.yellow(&style.bold("warning:")));
    }
    if d.runners.is_empty() {
        eprintln!(
            "{} no runner found: looked for {LOOKED_FOR}; name the command that runs the scenarios under `evidence:` in specctl.yaml",
            style.yellow(&style.bold("warning:"))
        );
    }
}
