//! An agent that failed for a reason outside the code (its model's API, its own crash, a
//! hang): told apart from a turn that did not make the code better, and a tier skipped after two. Pure.

use super::agent::SelfReport;
use super::gate::{self, Escalation, Limits};
use super::standing::Standing;
use crate::process::ProcessEnd;
use std::fmt;
use std::time::Duration;

/// Agent failures in a row after which a tier is skipped: one may be a blip, two is an outage
/// that would otherwise burn the budget turn by turn.
pub const SKIP_AFTER: u32 = 2;

/// Why an agent failed, for a reason no edit to the code could change.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentFailure {
    /// Its model's API failed, as the agent said: an HTTP error, retries exhausted, a reply
    /// it could not read, an empty reply.
    Api(String),
    /// The agent itself crashed: a non-zero exit or a signal, or output of the wrong shape.
    Crashed(String),
    /// It ran past its timeout and was stopped.
    Hung(Duration),
}

impl fmt::Display for AgentFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgentFailure::Api(why) => write!(f, "its model's API failed: {why}"),
            AgentFailure::Crashed(why) => write!(f, "it crashed: {why}"),
            AgentFailure::Hung(limit) => write!(
                f,
                "it ran past its timeout of {} and was stopped",
                humantime::format_duration(*limit)
            ),
        }
    }
}

/// What ended an agent's turn, when it was the agent's own failure. A clean exit, the user's
/// interrupt and the CLI's own turn or budget limit are not: there the code had its turn.
pub fn classify(end: &ProcessEnd, report: &SelfReport, timeout: Duration) -> Option<AgentFailure> {
    if let Some(why) = &report.api_error {
        return Some(AgentFailure::Api(why.clone()));
    }
    let said = || {
        report
            .summary
            .lines()
            .next()
            .unwrap_or("no output")
            .to_string()
    };
    match end {
        ProcessEnd::TimedOut => Some(AgentFailure::Hung(timeout)),
        ProcessEnd::Interrupted => None,
        ProcessEnd::NotStarted(why) => {
            Some(AgentFailure::Crashed(format!("could not start ({why})")))
        }
        _ if report.unreadable.is_some() => Some(AgentFailure::Crashed(format!(
            "{} ({})",
            report.unreadable.as_deref().unwrap_or_default(),
            said()
        ))),
        ProcessEnd::Signalled(_) => Some(AgentFailure::Crashed(format!(
            "it {} ({})",
            end.describe(),
            said()
        ))),
        ProcessEnd::Exited(0) => None,
        // A CLI that stopped at its own limit exits non-zero but worked on the code.
        ProcessEnd::Exited(_) if report.summary.starts_with("claude stopped: error_max") => None,
        ProcessEnd::Exited(_) if report.is_error => Some(AgentFailure::Crashed(format!(
            "it {} ({})",
            end.describe(),
            said()
        ))),
        ProcessEnd::Exited(_) => None,
    }
}

/// The finding a failed agent's turn leaves: it says plainly that the agent failed.
pub fn finding(failure: &AgentFailure) -> String {
    let failure = failure.to_string();
    format!(
        "the agent failed, not the code: {}; this turn does not count as a stall, and {SKIP_AFTER} such turns in a row skip its tier",
        failure.trim_end_matches('.')
    )
}

/// A tier handing over to the next: escalated (no progress, turns spent) or skipped (its
/// agent failed [`SKIP_AFTER`] turns in a row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    Escalated(Escalation),
    Skipped(Escalation),
}

/// The standing after a judged turn. A failed agent's turn does not count toward the stall;
/// [`SKIP_AFTER`] in a row skip the tier. Progress the evidence saw counts, whatever the agent said.
pub fn advance(
    standing: &mut Standing,
    failure: Option<&AgentFailure>,
    progress: bool,
    limits: Limits,
) -> Option<Handover> {
    let Some(failure) = failure.filter(|_| !progress) else {
        standing.agent_failures = 0;
        return gate::advance(standing, progress, limits).map(Handover::Escalated);
    };
    standing.agent_failures += 1;
    let why = if standing.agent_failures >= SKIP_AFTER {
        format!(
            "its agent failed {} turns in a row ({failure})",
            standing.agent_failures
        )
    } else if standing.tier_turns >= limits.max_turns {
        format!("{} turns spent", standing.tier_turns)
    } else {
        return None;
    };
    let skipped = standing.agent_failures >= SKIP_AFTER;
    standing.tier += 1;
    standing.tier_turns = 0;
    standing.stall = 0;
    standing.agent_failures = 0;
    let up = Escalation {
        why,
        to: standing.tier,
    };
    Some(if skipped {
        Handover::Skipped(up)
    } else {
        Handover::Escalated(up)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AgentKind;
    use crate::reconcile::agent::read;

    const MINUTE: Duration = Duration::from_secs(60);

    fn limits() -> Limits {
        Limits {
            stall_turns: 2,
            max_turns: 10,
        }
    }

    #[test]
    fn api_errors_crashes_and_hangs_are_the_agents_and_its_own_limits_are_not() {
        // Claude Code 2.1.197 against a server that answered 500 past its retries.
        let api = r#"{"type":"result","subtype":"success","is_error":true,"api_error_status":500,"duration_ms":784,"num_turns":1,"result":"API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:34549).","session_id":"beb22f92","total_cost_usd":0}"#;
        let report = read(AgentKind::Claude, api);
        assert_eq!(
            classify(&ProcessEnd::Exited(1), &report, MINUTE),
            Some(AgentFailure::Api("API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:34549).".into()))
        );
        let max = r#"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":2,"session_id":"4a28","total_cost_usd":0.00027}"#;
        let report = read(AgentKind::Claude, max);
        assert_eq!(classify(&ProcessEnd::Exited(1), &report, MINUTE), None);
        let clean = read(AgentKind::Command, "done\n");
        assert_eq!(
            classify(&ProcessEnd::TimedOut, &clean, MINUTE),
            Some(AgentFailure::Hung(MINUTE))
        );
        assert_eq!(classify(&ProcessEnd::Exited(0), &clean, MINUTE), None);
        assert_eq!(classify(&ProcessEnd::Exited(3), &clean, MINUTE), None);
        assert_eq!(classify(&ProcessEnd::Interrupted, &clean, MINUTE), None);
        assert_eq!(
            classify(&ProcessEnd::Signalled(11), &clean, MINUTE),
            Some(AgentFailure::Crashed(
                "it was killed by signal 11 (done)".into()
            ))
        );
        let broken = read(AgentKind::Claude, "Segmentation fault\n");
        assert_eq!(
            classify(&ProcessEnd::Exited(139), &broken, MINUTE),
            Some(AgentFailure::Crashed(
                "claude printed no JSON result object (Segmentation fault)".into()
            ))
        );
        assert_eq!(
            finding(&AgentFailure::Hung(MINUTE)),
            "the agent failed, not the code: it ran past its timeout of 1m and was stopped; this turn does not count as a stall, and 2 such turns in a row skip its tier"
        );
    }

    #[test]
    fn two_failures_in_a_row_skip_the_tier_and_neither_counts_as_a_stall() {
        let api = AgentFailure::Api("API Error: 529 Overloaded".into());
        let mut s = Standing {
            tier_turns: 1,
            ..Standing::default()
        };
        assert_eq!(advance(&mut s, Some(&api), false, limits()), None);
        assert_eq!((s.stall, s.agent_failures, s.tier), (0, 1, 0));
        s.tier_turns = 2;
        assert_eq!(
            advance(&mut s, Some(&api), false, limits()),
            Some(Handover::Skipped(Escalation {
                why: "its agent failed 2 turns in a row (its model's API failed: API Error: 529 Overloaded)".into(),
                to: 1
            }))
        );
        assert_eq!(
            (s.stall, s.agent_failures, s.tier, s.tier_turns),
            (0, 0, 1, 0)
        );
    }

    #[test]
    fn a_clean_turn_between_failures_starts_the_count_again_and_progress_always_counts() {
        let hung = AgentFailure::Hung(MINUTE);
        let mut s = Standing::default();
        assert_eq!(advance(&mut s, Some(&hung), false, limits()), None);
        assert_eq!(advance(&mut s, None, false, limits()), None);
        assert_eq!((s.stall, s.agent_failures), (1, 0));
        assert_eq!(advance(&mut s, Some(&hung), true, limits()), None);
        assert_eq!((s.stall, s.agent_failures), (0, 0));
        // A stall of the code still escalates as before.
        assert_eq!(advance(&mut s, None, false, limits()), None);
        assert_eq!(
            advance(&mut s, None, false, limits()),
            Some(Handover::Escalated(Escalation {
                why: "no progress for 2 turns".into(),
                to: 1
            }))
        );
        // A failing agent whose tier has spent its turns escalates for that reason.
        let mut s = Standing {
            tier_turns: 10,
            ..Standing::default()
        };
        assert_eq!(
            advance(&mut s, Some(&hung), false, limits()),
            Some(Handover::Escalated(Escalation {
                why: "10 turns spent".into(),
                to: 1
            }))
        );
    }
}
