//! `specctl reconcile`: drive the configured agents until the selected items hold, telling
//! each event of the loop as a line.

use super::{fatal, interruptible, jobs, load_valid};
use crate::cli::{Cli, ReconcileArgs};
use crate::exit::Exit;
use crate::reconcile::{End, Event, ReconcileError, Settings, reconcile};
use crate::report::outcome::closing_line;
use crate::report::style::Style;

pub const NO_AGENT: &str =
    "no agent is configured: `specctl reconcile` hands the failing items to the coding agents \
named in specctl.yaml, cheapest first, for example:

  agents:
    - name: fast
      kind: claude
      run: claude -p --output-format json --model haiku --permission-mode acceptEdits
    - name: strong
      kind: claude
      run: claude -p --output-format json --model opus --permission-mode acceptEdits

kind is claude, codex, aider or command. Any command works: it gets the prompt on stdin, or in the
file named by {prompt_file}. `specctl plan` shows the prompt without running an agent.";

pub fn run(cli: &Cli, args: &ReconcileArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let loaded = match load_valid(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let config = &loaded.project.config;
    if config.agents.is_empty() {
        return fatal(err_style, &NO_AGENT);
    }
    let style = Style::stdout(cli.color());
    let ran = interruptible(err_style, |interrupt| {
        let settings = Settings {
            root: &loaded.project.root,
            config,
            selector: &loaded.selector,
            jobs: jobs(args.jobs),
            interrupt,
            new_session: args.new_session,
        };
        async move { reconcile(settings, &mut |e| println!("{}", line(&e, style))).await }
    });
    match ran {
        Ok((Ok(end), _)) => ended(&end, style),
        Ok((Err(err), signal)) => failed(&err, signal, err_style),
        Err(exit) => exit,
    }
}

/// The closing lines of a run that came to a decision.
pub(crate) fn ended(end: &End, style: Style) -> Exit {
    match end {
        End::Converged { turns: 0, .. } => {
            println!(
                "{}",
                style.green("nothing to do: every selected item holds")
            );
            Exit::Success
        }
        End::Converged { turns, cost_usd } => {
            let word = if *turns == 1 { "turn" } else { "turns" };
            println!(
                "{}",
                style.green(&format!(
                    "converged after {turns} {word} (${cost_usd:.4} reported)"
                ))
            );
            Exit::Success
        }
        End::Stuck {
            turns,
            cost_usd,
            why,
            items,
        } => {
            let word = if *turns == 1 { "turn" } else { "turns" };
            println!(
                "{} after {turns} {word} (${cost_usd:.4} reported): {why}",
                style.red("stopped")
            );
            println!("still not holding:");
            for (id, verdict, message) in items {
                println!("  ✗ {id}  {}", style.red(verdict.as_str()));
                for line in message.as_deref().unwrap_or_default().lines().take(6) {
                    println!("      {}", style.dim(line));
                }
            }
            Exit::Failure
        }
    }
}

/// A run the error policy ended.
pub(crate) fn failed(err: &ReconcileError, signal: Option<i32>, style: Style) -> Exit {
    match err {
        ReconcileError::Interrupted => {
            eprintln!("{} {err}", style.yellow("warning:"));
            Exit::interrupted_by(signal)
        }
        ReconcileError::Invalid => {
            eprintln!("{} {err}", style.red("error:"));
            Exit::Invalid
        }
        _ => fatal(style, err),
    }
}

/// One event as a line of the run's story.
pub(crate) fn line(event: &Event, style: Style) -> String {
    match event {
        Event::NoGit => format!(
            "{} not a git repository: turns are not snapshotted, so a regression cannot be rolled back",
            style.yellow("note:")
        ),
        Event::Observed {
            tally,
            resolved,
            after_turn,
        } => {
            let summary = closing_line(tally.pass, tally.failed, tally.skipped);
            let resolved = if resolved.is_empty() {
                String::new()
            } else {
                format!("; resolved {}", resolved.join(", "))
            };
            let indent = if *after_turn { "  " } else { "" };
            format!("{indent}observed: {summary}{resolved}")
        }
        Event::CutOff { session, turns } => turns
            .iter()
            .map(|n| format!("session {session}: turn {n} was cut off; it is gated now, as a finished turn would be"))
            .collect::<Vec<_>>()
            .join("\n"),
        Event::Resumed {
            session,
            after_turn,
            tier,
            cost_usd,
        } => {
            let tier = tier.as_deref().unwrap_or("spent");
            format!("resuming session {session} after turn {after_turn} (tier {tier}, ${cost_usd:.4} spent)")
        }
        Event::Superseded { session, why } => {
            format!("session {session} closed ({why}); a new one begins")
        }
        Event::TurnStarted {
            turn,
            tier,
            phase,
            items,
        } => format!(
            "turn {turn} [{tier}, {}] {} {}: {}",
            phase.as_str(),
            items.len(),
            if items.len() == 1 { "item" } else { "items" },
            items.join(", ")
        ),
        Event::AgentFinished {
            end,
            took,
            cost_usd,
            failed,
        } => {
            let cost = cost_usd.map(|c| format!(", ${c:.4}")).unwrap_or_default();
            let mut line = format!("  agent {} in {:.1}s{cost}", end.describe(), took.as_secs_f64());
            if let Some(why) = failed {
                line.push_str(&format!(
                    "\n  {} {why} (not a stall of the code)",
                    style.red("agent failed:")
                ));
            }
            line
        }
        gated @ (Event::ProtectedUndone { .. }
        | Event::ProtectedRestored { .. }
        | Event::RolledBack { .. }
        | Event::SurvivorsEnded { .. }
        | Event::Escalated { .. }
        | Event::TierSkipped { .. }) => gate_line(gated, style),
        reviewed @ (Event::Reviewed { .. } | Event::ReviewerUndone { .. }) => {
            review_line(reviewed, style)
        }
    }
}

/// What the reviewer of a RED turn said, and what of its edits was undone.
fn review_line(event: &Event, style: Style) -> String {
    match event {
        Event::Reviewed {
            turn,
            tier,
            answer,
            findings,
            cost_usd,
        } => {
            let cost = cost_usd.map(|c| format!(", ${c:.4}")).unwrap_or_default();
            let head = match *answer {
                "approve" => format!("approved turn {turn}'s evidence"),
                "object" => format!(
                    "objects to turn {turn}'s evidence ({} {}); the next RED turn answers {}",
                    findings.len(),
                    if findings.len() == 1 {
                        "objection"
                    } else {
                        "objections"
                    },
                    if findings.len() == 1 { "it" } else { "them" }
                ),
                _ => format!("gave no answer that counts for turn {turn}"),
            };
            let mut out = format!("  {} [{tier}{cost}] {head}", style.yellow("review:"));
            for f in findings {
                out.push_str(&format!("\n    - {}", f.lines().next().unwrap_or_default()));
            }
            out
        }
        Event::ReviewerUndone { paths } => format!(
            "  {} the reviewer is read-only: undid its edits to {}",
            style.yellow("gate:"),
            paths.join(", ")
        ),
        _ => String::new(),
    }
}

/// What the gates, the escalation and the survivor sweep did.
fn gate_line(event: &Event, style: Style) -> String {
    match event {
        Event::ProtectedUndone { paths, kept } => format!(
            "  {} undid edits to protected files: {}{}",
            style.yellow("gate:"),
            paths.join(", "),
            kept.as_deref()
                .map(|r| format!(" (the edited versions are kept: `git checkout {r} -- PATH`)"))
                .unwrap_or_default()
        ),
        Event::ProtectedRestored { files } => format!(
            "  {} the tree the turn left cannot be snapshotted: put {files} protected {} back as {} before it",
            style.yellow("gate:"),
            if *files == 1 { "file" } else { "files" },
            if *files == 1 { "it was" } else { "they were" }
        ),
        Event::RolledBack {
            turn,
            items,
            paths,
            kept,
        } => format!(
            "  {} turn {turn} broke {}: rolled back {}; its version is kept: `git checkout {kept} -- PATH` brings one back",
            style.red("gate:"),
            items.join(", "),
            paths.join(", ")
        ),
        Event::SurvivorsEnded { groups } => format!(
            "{} ended {} process {} a killed run left running (pgid {})",
            style.yellow("note:"),
            groups.len(),
            if groups.len() == 1 { "group" } else { "groups" },
            groups
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Event::Escalated { why, to } => format!(
            "  {} {why}: escalating to agent `{to}`",
            style.yellow("escalate:")
        ),
        Event::TierSkipped { tier, why, to } => format!(
            "  {} agent `{tier}` is skipped: {why}{}",
            style.yellow("skip:"),
            to.as_deref()
                .map(|t| format!("; agent `{t}` takes over"))
                .unwrap_or_else(|| "; no agent tier is left".into())
        ),
        // `line` sends only the events above here.
        _ => String::new(),
    }
}
