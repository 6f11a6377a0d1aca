//! `specctl log`: the sessions of reconcile and their turns, from the store.

use super::{fatal, history, print};
use crate::cli::{Cli, LogArgs};
use crate::exit::Exit;
use crate::report::style::Style;
use crate::store::{AttemptRow, ReviewRow, SessionRow, TurnRow};
use std::fmt::Write;

pub fn run(cli: &Cli, args: &LogArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let (_, store) = match history(cli, err_style) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    if args.adversary {
        return match store.last_attempts() {
            Ok(a) if a.is_empty() => fatal(
                err_style,
                &"no audit with --adversary yet: run `specctl audit --adversary TIER`",
            ),
            Ok(a) => {
                print(&attempts(&a, Style::stdout(cli.color())));
                Exit::Success
            }
            Err(err) => fatal(err_style, &err),
        };
    }
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
    let reviews = match store.reviews(session.id) {
        Ok(r) => r,
        Err(err) => return fatal(err_style, &err),
    };
    let style = Style::stdout(cli.color());
    let review_of = |n: u32| reviews.iter().find(|r| r.turn == n);
    match args.turn {
        None => print(&overview(&session, &turns, &reviews, style)),
        Some(n) => match turns.iter().find(|t| t.number == n) {
            Some(turn) => {
                let mut out = detail(turn, style);
                if let Some(r) = review_of(n) {
                    out.push_str(&review_detail(r, style));
                }
                print(&out)
            }
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
pub fn overview(
    session: &SessionRow,
    turns: &[TurnRow],
    reviews: &[ReviewRow],
    style: Style,
) -> String {
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
        if let Some(r) = reviews.iter().find(|r| r.turn == t.number) {
            out.push_str(&review_line(r));
        }
    }
    out
}

/// A review under its turn: who read it, what it said, what it cost.
fn review_line(r: &ReviewRow) -> String {
    let cost = r.cost_usd.map_or("—".to_string(), super::dollars);
    let said = match r.answer.as_str() {
        "approve" => "approved".to_string(),
        "object" => format!(
            "objected ({} {})",
            r.findings.len(),
            if r.findings.len() == 1 {
                "objection"
            } else {
                "objections"
            }
        ),
        _ => "no answer that counts".to_string(),
    };
    let mut out = format!("      review [{}]: {said}, {cost}\n", r.tier);
    if !r.undone.is_empty() {
        let _ = writeln!(
            out,
            "      review: its edits were undone: {}",
            r.undone.join(", ")
        );
    }
    out
}

/// The review of a turn in full: its prompt, the reviewer's output, its answer.
fn review_detail(r: &ReviewRow, style: Style) -> String {
    let mut out = format!(
        "\n{}\n\n{}",
        style.bold(&format!("review by {}: {}", r.tier, r.agent_end)),
        review_line(r).trim_start()
    );
    for f in &r.findings {
        let _ = writeln!(out, "- {}", f.replace('\n', "\n  "));
    }
    let _ = writeln!(
        out,
        "\n{}\n\n{}",
        style.bold(&format!("reviewer prompt ({} bytes)", r.prompt.len())),
        r.prompt.trim_end()
    );
    let _ = writeln!(
        out,
        "\n{}\n\n{}",
        style.bold("reviewer output"),
        r.output.trim_end()
    );
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

/// The newest audit's adversary attempts, each in full.
fn attempts(rows: &[AttemptRow], style: Style) -> String {
    let mut out = String::new();
    for a in rows {
        let cost = a.cost_usd.map_or("—".to_string(), super::dollars);
        let _ = writeln!(
            out,
            "{} on {} by {}: {} ({}, {cost}, {:.1}s)\n{}",
            style.bold(&format!("attempt {}", a.number)),
            a.item_id,
            a.tier,
            a.outcome,
            a.agent_end,
            a.duration_ms as f64 / 1000.0,
            a.message
        );
        if !a.undone.is_empty() {
            let _ = writeln!(out, "undone (protected): {}", a.undone.join(", "));
        }
        for (title, text) in [
            ("diff", a.diff.as_str()),
            ("prompt", a.prompt.as_str()),
            ("adversary output", a.output.as_str()),
        ] {
            if !text.trim().is_empty() {
                let _ = writeln!(out, "\n{}\n\n{}", style.bold(title), text.trim_end());
            }
        }
        out.push('\n');
    }
    out
}
