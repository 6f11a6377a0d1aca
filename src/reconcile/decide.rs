//! The loop's one decision, as kube-runtime's reconcile returns an `Action`: given where the
//! session stands and what the evidence says, converge, stop, or run a turn. Pure.

use super::delta::{self, Phase};
use super::standing::{Standing, Verdicts};
use std::fmt;
use std::time::Duration;

/// The limits a session runs within, from specctl.yaml.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// How many agent tiers there are.
    pub tiers: usize,
    pub budget_usd: f64,
    pub wall_time: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Every selected item holds.
    Converged,
    /// Items still do not hold, and no turn may run.
    Stop(StopReason),
    /// Hand `items` to agent tier `tier`, in `phase`.
    Turn {
        tier: usize,
        phase: Phase,
        items: Vec<String>,
    },
}

/// Why a session stopped before converging.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// Every tier escalated past, after `turns` turns.
    TiersSpent { turns: u32 },
    /// The agents reported spending the whole dollar budget.
    Dollars { budget: f64, spent: f64 },
    /// The run took its whole wall time.
    WallTime { limit: Duration },
    /// Items with no verdict: nothing can say whether they hold, so nothing may converge.
    Unobserved { items: Vec<String> },
    /// The tier's command could not be run at all.
    AgentUnavailable { tier: String, why: String },
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::TiersSpent { turns } => write!(
                f,
                "every agent tier was spent ({turns} {})",
                if *turns == 1 { "turn" } else { "turns" }
            ),
            StopReason::Dollars { budget, spent } => {
                write!(f, "the budget of ${budget:.2} was spent (${spent:.2})")
            }
            StopReason::WallTime { limit } => write!(
                f,
                "the wall time of {} ran out",
                humantime::format_duration(*limit)
            ),
            StopReason::Unobserved { items } => write!(
                f,
                "no verdict could be had for {}: run `specctl check` to see why",
                items.join(", ")
            ),
            StopReason::AgentUnavailable { tier, why } => {
                write!(f, "cannot run agent `{tier}`: {why}")
            }
        }
    }
}

/// What to do next. `elapsed` is how long the session has run.
pub fn decide(
    standing: &Standing,
    verdicts: &Verdicts,
    budget: &Budget,
    elapsed: Duration,
) -> Action {
    let unobserved = verdicts.unobserved();
    if !unobserved.is_empty() {
        return Action::Stop(StopReason::Unobserved { items: unobserved });
    }
    let Some((phase, items)) = delta::next(&verdicts.order, &verdicts.of, &standing.unapproved)
    else {
        return Action::Converged;
    };
    if standing.tier >= budget.tiers {
        return Action::Stop(StopReason::TiersSpent {
            turns: standing.turns,
        });
    }
    if standing.cost_usd >= budget.budget_usd {
        return Action::Stop(StopReason::Dollars {
            budget: budget.budget_usd,
            spent: standing.cost_usd,
        });
    }
    if elapsed >= budget.wall_time {
        return Action::Stop(StopReason::WallTime {
            limit: budget.wall_time,
        });
    }
    Action::Turn {
        tier: standing.tier,
        phase,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Verdict;

    fn verdicts(pairs: &[(&str, Verdict)]) -> Verdicts {
        Verdicts::new(
            pairs.iter().map(|(id, _)| id.to_string()).collect(),
            pairs.iter().map(|(id, v)| (id.to_string(), *v)).collect(),
        )
    }

    fn budget() -> Budget {
        Budget {
            tiers: 2,
            budget_usd: 5.0,
            wall_time: Duration::from_secs(3600),
        }
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn everything_holding_converges() {
        let v = verdicts(&[("a", Verdict::Pass), ("b", Verdict::Skipped)]);
        assert_eq!(
            decide(&Standing::default(), &v, &budget(), MINUTE),
            Action::Converged
        );
    }

    #[test]
    fn undefined_items_get_a_red_turn_before_failing_ones_get_green() {
        let v = verdicts(&[
            ("a", Verdict::Fail),
            ("b", Verdict::Undefined),
            ("c", Verdict::Pass),
        ]);
        assert_eq!(
            decide(&Standing::default(), &v, &budget(), MINUTE),
            Action::Turn {
                tier: 0,
                phase: Phase::Red,
                items: vec!["b".into()]
            }
        );
        let v = verdicts(&[("a", Verdict::Fail), ("b", Verdict::Timeout)]);
        let standing = Standing {
            tier: 1,
            ..Standing::default()
        };
        assert_eq!(
            decide(&standing, &v, &budget(), MINUTE),
            Action::Turn {
                tier: 1,
                phase: Phase::Green,
                items: vec!["a".into(), "b".into()]
            }
        );
    }

    #[test]
    fn each_budget_stops_the_run_with_its_reason() {
        let v = verdicts(&[("a", Verdict::Fail)]);
        let spent_tiers = Standing {
            tier: 2,
            turns: 7,
            ..Standing::default()
        };
        let stop = decide(&spent_tiers, &v, &budget(), MINUTE);
        assert_eq!(stop, Action::Stop(StopReason::TiersSpent { turns: 7 }));
        let Action::Stop(reason) = stop else {
            unreachable!()
        };
        assert_eq!(reason.to_string(), "every agent tier was spent (7 turns)");

        let spent_dollars = Standing {
            cost_usd: 5.25,
            ..Standing::default()
        };
        let stop = decide(&spent_dollars, &v, &budget(), MINUTE);
        assert_eq!(
            stop,
            Action::Stop(StopReason::Dollars {
                budget: 5.0,
                spent: 5.25
            })
        );

        let stop = decide(&Standing::default(), &v, &budget(), 61 * MINUTE);
        assert_eq!(
            stop,
            Action::Stop(StopReason::WallTime {
                limit: Duration::from_secs(3600)
            })
        );
        let Action::Stop(reason) = stop else {
            unreachable!()
        };
        assert_eq!(reason.to_string(), "the wall time of 1h ran out");
    }

    #[test]
    fn an_unobserved_item_never_counts_as_holding() {
        let mut v = verdicts(&[("a", Verdict::Pass)]);
        v.order.push("b".into());
        assert_eq!(
            decide(&Standing::default(), &v, &budget(), MINUTE),
            Action::Stop(StopReason::Unobserved {
                items: vec!["b".into()]
            })
        );
    }

    #[test]
    fn every_stop_reason_says_what_happened() {
        let unavailable = StopReason::AgentUnavailable {
            tier: "fast".into(),
            why: "no shell".into(),
        };
        assert_eq!(unavailable.to_string(), "cannot run agent `fast`: no shell");
        let dollars = StopReason::Dollars {
            budget: 1.0,
            spent: 1.5,
        };
        assert_eq!(dollars.to_string(), "the budget of $1.00 was spent ($1.50)");
        let one = StopReason::TiersSpent { turns: 1 };
        assert_eq!(one.to_string(), "every agent tier was spent (1 turn)");
        let unobserved = StopReason::Unobserved {
            items: vec!["a".into()],
        };
        assert_eq!(
            unobserved.to_string(),
            "no verdict could be had for a: run `specctl check` to see why"
        );
    }
}
