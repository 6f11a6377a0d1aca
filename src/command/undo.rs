//! `specctl undo`: put the working tree back as it was before a reconcile turn, keeping the
//! tree of now, so nothing is lost either way.

use super::{fatal, history, interruptible};
use crate::cli::{Cli, UndoArgs};
use crate::exit::Exit;
use crate::reconcile::ReconcileError;
use crate::reconcile::driver::end_survivors;
use crate::reconcile::lock::RunLock;
use crate::reconcile::workspace::{Git, WorkspaceError};
use crate::report::style::Style;
use crate::store::{Store, TurnRow};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(cli: &Cli, args: &UndoArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let (project, store) = match history(cli, err_style) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let (session, turn) = match pick(&store, args) {
        Ok(picked) => picked,
        Err(why) => return fatal(err_style, &why),
    };
    let Some(before) = turn.before_ref.clone() else {
        return fatal(
            err_style,
            &format!("turn {} has no snapshot to restore", turn.number),
        );
    };
    if !args.yes && !confirmed(turn.number, session) {
        return match std::io::stdin().is_terminal() {
            true => {
                eprintln!("nothing changed");
                Exit::Failure
            }
            false => fatal(
                err_style,
                &"undo changes your working tree: pass --yes to confirm (there is no terminal to ask on)",
            ),
        };
    }
    let root = &project.root;
    // undo changes the tree as a turn does: never beside a running reconcile, and never
    // beside an agent a killed one left running.
    let _lock = match RunLock::take(root) {
        Ok(lock) => lock,
        Err(err) => return fatal(err_style, &err),
    };
    let restored = interruptible(err_style, |interrupt| async move {
        let ended = end_survivors(root).await?;
        if !ended.is_empty() {
            eprintln!(
                "note: ended {} process group(s) a killed reconcile left running",
                ended.len()
            );
        }
        let Some(git) = Git::discover(root, interrupt).await? else {
            return Ok(None);
        };
        Ok::<_, ReconcileError>(Some(restore(&git, &before).await?))
    });
    match restored {
        Ok((Ok(Some((kept, changed))), _)) => {
            println!(
                "restored the working tree to before turn {} of session {session} ({} {} changed); the tree you had is kept as refs/specctl/{kept}",
                turn.number,
                changed.len(),
                if changed.len() == 1 { "file" } else { "files" }
            );
            for path in changed {
                println!("  {path}");
            }
            Exit::Success
        }
        Ok((Ok(None), _)) => fatal(
            err_style,
            &"not a git repository: reconcile kept no snapshots here, so there is nothing to restore",
        ),
        Ok((Err(err), _)) => fatal(err_style, &err),
        Err(exit) => exit,
    }
}

/// The session and turn `args` name (by default the newest session's last turn).
fn pick(store: &Store, args: &UndoArgs) -> Result<(i64, TurnRow), String> {
    let session = store
        .session(args.session)
        .map_err(|e| e.to_string())?
        .ok_or("no such reconcile session")?;
    let turns = store.turns(session.id).map_err(|e| e.to_string())?;
    let count = turns.len();
    let turn = match args.turn {
        Some(n) => turns.into_iter().find(|t| t.number == n),
        None => turns.into_iter().last(),
    };
    let turn =
        turn.ok_or_else(|| format!("session {} has no such turn (it has {count})", session.id))?;
    Ok((session.id, turn))
}

/// Asks on the terminal; false without one, or when the answer is not yes.
fn confirmed(turn: u32, session: i64) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!(
        "restore the working tree to how it was before turn {turn} of session {session}? the tree of now is kept [y/N] "
    );
    let mut answer = String::new();
    // A terminal that cannot be written or read gives no yes.
    if std::io::stderr().flush().is_err() || std::io::stdin().lock().read_line(&mut answer).is_err()
    {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes")
}

/// Keeps the tree of now, then restores `before`; returns the kept ref and the paths changed.
async fn restore(git: &Git, before: &str) -> Result<(String, Vec<String>), WorkspaceError> {
    let now = git
        .snapshot("specctl undo: the tree before the undo")
        .await?;
    let kept = format!("undo-{}", crate::store::session_now_ms());
    git.keep(&kept, &now).await?;
    let changed = git.restore_all(before, &now).await?;
    Ok((kept, changed))
}
