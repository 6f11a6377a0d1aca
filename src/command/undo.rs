//! `specctl undo`: put the working tree back as it was before a reconcile turn, keeping the
//! tree of now, so nothing is lost either way.

use super::fatal;
use crate::cli::{Cli, UndoArgs};
use crate::exit::Exit;
use crate::project::Project;
use crate::reconcile::snapshot::Git;
use crate::report::style::Style;
use crate::store::{self, Store};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(cli: &Cli, args: &UndoArgs) -> Exit {
    let err_style = Style::stderr(cli.color);
    let project = match Project::open(cli.dir.as_deref()) {
        Ok(p) => p,
        Err(err) => return fatal(err_style, &err),
    };
    let root = &project.root;
    let Some(git) = Git::discover(root) else {
        return fatal(
            err_style,
            &"not a git repository: reconcile kept no snapshots here, so there is nothing to restore",
        );
    };
    if !root.join(store::DIR).join(store::FILE).is_file() {
        return fatal(err_style, &"no reconcile has run in this project yet");
    }
    let store = match Store::open(root) {
        Ok(s) => s,
        Err(err) => return fatal(err_style, &err),
    };
    let session = match store.session(args.session) {
        Ok(Some(s)) => s,
        Ok(None) => return fatal(err_style, &"no such reconcile session"),
        Err(err) => return fatal(err_style, &err),
    };
    let turns = match store.turns(session.id) {
        Ok(t) => t,
        Err(err) => return fatal(err_style, &err),
    };
    let turn = match args.turn {
        Some(n) => turns.iter().find(|t| t.number == n),
        None => turns.last(),
    };
    let Some(turn) = turn else {
        return fatal(
            err_style,
            &format!(
                "session {} has no such turn (it has {})",
                session.id,
                turns.len()
            ),
        );
    };
    let Some(before) = turn.before_ref.clone() else {
        return fatal(
            err_style,
            &format!("turn {} has no snapshot to restore", turn.number),
        );
    };
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return fatal(
                err_style,
                &"undo changes your working tree: pass --yes to confirm (there is no terminal to ask on)",
            );
        }
        eprint!(
            "restore the working tree to how it was before turn {} of session {}? the tree of now is kept [y/N] ",
            turn.number, session.id
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing changed");
            return Exit::Failure;
        }
    }
    let now = match git.snapshot("specctl undo: the tree before the undo") {
        Ok(now) => now,
        Err(err) => return fatal(err_style, &err),
    };
    let kept = format!("undo-{}", crate::store::session_now_ms());
    if let Err(err) = git.keep(&kept, &now) {
        return fatal(err_style, &err);
    }
    match git.restore_all(&before, &now) {
        Ok(changed) => {
            println!(
                "restored the working tree to before turn {} of session {} ({} {} changed); the tree you had is kept as refs/specctl/{kept}",
                turn.number,
                session.id,
                changed.len(),
                if changed.len() == 1 { "file" } else { "files" }
            );
            for path in changed {
                println!("  {path}");
            }
            Exit::Success
        }
        Err(err) => fatal(err_style, &err),
    }
}
