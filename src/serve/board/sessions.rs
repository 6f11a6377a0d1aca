//! Reconcile sessions as the page shows them: each turn with its tier, phase, cost and gates,
//! and the diff between the snapshots taken before and after it.

use crate::store::{SessionRow, TurnRow};
use serde_json::{Value, json};

/// A turn's diff as read from its snapshots, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Diff {
    Text(String),
    Missing(String),
}

/// The sessions document: newest session first, each with its turns in order.
pub fn document(sessions: &[(SessionRow, Vec<(TurnRow, Diff)>)]) -> Value {
    json!({
        "version": crate::report::json::VERSION,
        "sessions": sessions.iter().map(|(s, turns)| json!({
            "id": s.id,
            "state": s.state,
            "end_reason": s.end_reason,
            "turns": s.turns,
            "cost_usd": s.cost_usd,
            "elapsed_ms": s.elapsed_ms,
            "started_at_ms": s.started_at_ms,
            "turn_list": turns.iter().map(|(t, d)| turn(t, d)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn turn(t: &TurnRow, diff: &Diff) -> Value {
    let (text, why) = match diff {
        Diff::Text(text) => (Some(text.as_str()), None),
        Diff::Missing(why) => (None, Some(why.as_str())),
    };
    json!({
        "number": t.number,
        "tier": t.tier,
        "phase": t.phase,
        "state": t.state,
        "items": t.items,
        "agent_end": t.agent_end,
        "agent_summary": t.agent_summary,
        "cost_usd": t.cost_usd,
        "duration_ms": t.duration_ms,
        "gates": t.gates,
        "before": t.before_ref,
        "after": t.after_ref,
        "diff": text,
        "no_diff": why,
    })
}

/// Why a turn has no diff to show, from what its row holds; `None`: both snapshots are there.
pub fn no_snapshots(t: &TurnRow) -> Option<Diff> {
    match (&t.before_ref, &t.after_ref) {
        (Some(_), Some(_)) => None,
        (None, _) => Some(Diff::Missing(
            "no snapshot was taken before this turn".into(),
        )),
        (Some(_), None) => Some(Diff::Missing(
            "the turn has no snapshot after it yet (it is running, or was cut off)".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn_row(before: Option<&str>, after: Option<&str>) -> TurnRow {
        TurnRow {
            state: "done".into(),
            agent_end: Some("exited 0".into()),
            cost_usd: Some(0.25),
            duration_ms: Some(40),
            gates: vec!["green: 1 resolved".into()],
            before_ref: before.map(String::from),
            after_ref: after.map(String::from),
            ..crate::store::turn_fixture(1)
        }
    }

    #[test]
    fn a_turn_carries_its_gates_cost_and_diff_or_says_why_it_has_none() {
        let done = turn_row(Some("b"), Some("a"));
        assert_eq!(no_snapshots(&done), None);
        let running = turn_row(Some("b"), None);
        let why = no_snapshots(&running).expect("a reason");
        assert_eq!(
            why,
            Diff::Missing(
                "the turn has no snapshot after it yet (it is running, or was cut off)".into()
            )
        );
        let session = SessionRow {
            id: 3,
            started_at_ms: 0,
            desired_generation: "g".into(),
            state: "converged".into(),
            end_reason: Some("every item holds".into()),
            tier: 0,
            tier_turns: 1,
            stall: 0,
            turns: 1,
            cost_usd: 0.25,
            elapsed_ms: 90,
            ledger: "{}".into(),
            findings: vec![],
            unapproved: vec![],
            agent_failures: 0,
        };
        let diff = Diff::Text("-hi\n+hello\n".into());
        let doc = document(&[(session, vec![(done, diff), (running, why)])]);
        let s = &doc["sessions"][0];
        assert_eq!(s["id"], 3);
        assert_eq!(s["turn_list"][0]["diff"], "-hi\n+hello\n");
        assert_eq!(s["turn_list"][0]["gates"], json!(["green: 1 resolved"]));
        assert_eq!(s["turn_list"][0]["cost_usd"], 0.25);
        assert_eq!(s["turn_list"][1]["diff"], Value::Null);
        assert_eq!(
            s["turn_list"][1]["no_diff"],
            "the turn has no snapshot after it yet (it is running, or was cut off)"
        );
    }
}
