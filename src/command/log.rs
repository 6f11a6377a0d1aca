//! `specctl log`: the sessions of reconcile and their turns, from the store.

use super::{fatal, history, print};
use crate::cli::{Cli, LogArgs};
use crate::exit::Exit;
use crate::report::style::Style;
use crate::store::{SessionRow, TurnRow};
use std::fmt::Write;

pub fn run(cli: &Cli, args: &LogArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let (_, store) = match history(cli, err_style) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let session = match store.session(args.session) {
        Ok(Some(s)) => s,
        Ok(None) => {
            let what = args
                .session
                .map_or("no reconcile session yet".to_string(), |n| {
                    format!("no session {n}")
                });
            return fatal(err_style, &what);
        }
        Err(err) => return fatal(err_style, &err),
    };
    let turns = match store.turns(session.id) {
        Ok(t) => t,
        Err(err) => return fatal(err_style, &err),
    };
    let style = Style::stdout(cli.color());
    match args.turn {
        None => print(&overview(&session, &turns, style)),
        Some(n) => match turns.iter().find(|t| t.number == n) {
            Some(turn) => print(&detail(turn, style)),
            None => {
                return fatal(
                    err_style,
                    &format!(
                        "session {} has no turn {n} (it has {})",
                        session.id,
                        turns.len()
                    ),
                );
            }
        },
    }
    Exit::Success
}

/// One line for the session and two per turn.
pub fn overview(session: &SessionRow, turns: &[TurnRow], style: Style) -> String {
    let mut out = String::new();
    let reason = session
        .end_reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} ({}{reason}): {} {}, ${:.4} reported",
        style.bold(&format!("session {}", session.id)),
        session.state,
        session.turns,
        if session.turns == 1 { "turn" } else { "turns" },
        session.cost_usd
    );
    for t in turns {
        let _ = writeln!(
            out,
            "  turn {}  {}  {}  {}  {}  {}  {}",
            t.number,
            t.tier,
            t.phase,
            t.state,
            t.agent_end.as_deref().unwrap_or("agent did not finish"),
            self_report(t),
            t.items.join(", ")
        );
        for g in &t.gates {
            let _ = writeln!(
                out,
                "      {}",
                style.dim(g.lines().next().unwrap_or_default())
            );
        }
    }
    out
}

/// What the agent reported of its own turn: cost, its own turns, tokens and session id, each
/// "—" where it reported none (codex reports no dollars; a plain command reports nothing).
pub fn self_report(t: &TurnRow) -> String {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    format!(
        "cost {}  agent turns {}  tokens {}  session {}",
        or_dash(t.cost_usd.map(|c| format!("${c:.4}"))),
        or_dash(t.agent_turns.map(|n| n.to_string())),
        or_dash(t.tokens.map(|n| n.to_string())),
        or_dash(t.agent_session.clone())
    )
}

pub fn detail(t: &TurnRow, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} of session {}: tier {}, {} phase, {}",
        style.bold(&format!("turn {}", t.number)),
        t.session_id,
        t.tier,
        t.phase,
        t.state
    );
    let _ = writeln!(out, "items: {}", t.items.join(", "));
    let _ = writeln!(
        out,
        "agent: {}; {}",
        t.agent_end.as_deref().unwrap_or("did not finish"),
        self_report(t)
    );
    if let Some(b) = &t.before_ref {
        let _ = writeln!(
            out,
            "snapshots: before {b}{}",
            t.after_ref
                .as_deref()
                .map(|a| format!(", after {a}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "\n{}\n\n{}",
        style.bold(&format!(
            "prompt ({} bytes, hash {})",
            t.prompt.len(),
            t.prompt_hash
        )),
        t.prompt.trim_end()
    );
    let _ = writeln!(
        out,
        "\n{}\n\n{}",
        style.bold("agent output"),
        t.agent_output
            .as_deref()
            .unwrap_or("(none recorded)")
            .trim_end()
    );
    let _ = writeln!(out, "\n{}\n", style.bold("gates and findings"));
    if t.gates.is_empty() {
        let _ = writeln!(out, "(none)");
    }
    for g in &t.gates {
        let _ = writeln!(out, "- {}", g.replace('\n', "\n  "));
    }
    out
}
