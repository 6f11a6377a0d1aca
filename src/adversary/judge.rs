//! What an adversary attempt proves, and when the budgets stop the next one. Pure: verdicts
//! and paths in, an outcome and a finding out.

use crate::audit::{Finding, Outcome, Rule, Severity};
use crate::desired::Item;
use crate::observe::Verdict;
use std::collections::BTreeMap;
use std::time::Duration;

/// What an attempt did to the tree and the evidence.
pub struct Seen<'a> {
    /// The item attacked.
    pub target: &'a str,
    /// Every selected item's verdict before any attempt.
    pub baseline: &'a BTreeMap<String, Verdict>,
    /// The verdicts in the copy after the attempt (protected edits undone).
    pub after: &'a BTreeMap<String, Verdict>,
    /// The paths it changed that stayed changed.
    pub kept: &'a [String],
    /// The protected paths it changed, which were put back.
    pub undone: &'a [String],
}

/// The outcome of an attempt and why, for a person.
pub fn judge(seen: &Seen<'_>) -> (Outcome, String) {
    if seen.kept.is_empty() {
        let why = if seen.undone.is_empty() {
            "the adversary changed nothing".to_string()
        } else {
            format!(
                "the adversary edited only protected files ({}), which were undone: an attempt that changes the spec or the evidence proves nothing",
                seen.undone.join(", ")
            )
        };
        return (Outcome::ProvesNothing, why);
    }
    let broken: Vec<&str> = seen
        .baseline
        .iter()
        .filter(|(id, v)| id.as_str() != seen.target && v.holds())
        .filter(|(id, _)| !seen.after.get(*id).is_some_and(|v| v.holds()))
        .map(|(id, _)| id.as_str())
        .collect();
    if !broken.is_empty() {
        return (
            Outcome::BrokeOthers,
            format!(
                "the attempt broke {}: the other items pin the behaviour",
                broken.join(", ")
            ),
        );
    }
    match seen.after.get(seen.target) {
        Some(Verdict::Pass) => (
            Outcome::Passes,
            "an adversary made this item's evidence pass with code that does something its text does not mean, and every other item kept passing: read its diff, then pin the behaviour (another example, a value a constant cannot meet)".into(),
        ),
        Some(Verdict::Fail) => (
            Outcome::StoodUp,
            "its evidence still fails: the item stood up to the attempt".into(),
        ),
        Some(v) => (
            Outcome::ProvesNothing,
            format!("its evidence gave `{v}` after the attempt, not pass or fail: that proves nothing"),
        ),
        None => (
            Outcome::ProvesNothing,
            "its evidence gave no verdict after the attempt".into(),
        ),
    }
}

/// The finding of an attempt that passed, at the item's line.
pub fn finding(item: &Item, outcome: Outcome, message: &str) -> Option<Finding> {
    (outcome == Outcome::Passes).then(|| Finding {
        rule: Rule::AdversaryPasses,
        severity: Severity::Error,
        item: Some(item.id.clone()),
        file: item.file.clone(),
        line: item.line,
        message: message.to_string(),
    })
}

/// The budgets of `reconcile`, counted over the attempts of one audit.
pub struct Budget {
    pub max_attempts: u32,
    pub budget_usd: f64,
    pub wall_time: Duration,
}

/// Why no further attempt may start, if one may not.
pub fn spent(budget: &Budget, attempts: u32, cost_usd: f64, elapsed: Duration) -> Option<String> {
    if attempts >= budget.max_attempts {
        return Some(format!(
            "the adversary's budget of {} {} (reconcile.max_turns) was spent",
            budget.max_attempts,
            if budget.max_attempts == 1 {
                "attempt"
            } else {
                "attempts"
            }
        ));
    }
    if cost_usd >= budget.budget_usd {
        return Some(format!(
            "the budget of ${:.2} was spent (${cost_usd:.2})",
            budget.budget_usd
        ));
    }
    (elapsed >= budget.wall_time).then(|| {
        format!(
            "the wall time of {} ran out",
            humantime::format_duration(budget.wall_time)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, Verdict)]) -> BTreeMap<String, Verdict> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn each_outcome_where_it_belongs() {
        let baseline = v(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        let code = ["src/double.sh".to_string()];
        let spec = ["specs/d.feature".to_string()];
        let seen = |after: &BTreeMap<String, Verdict>, kept: &[String], undone: &[String]| {
            let s = Seen {
                target: "a",
                baseline: &baseline,
                after,
                kept,
                undone,
            };
            judge(&s).0
        };
        let passes = v(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        assert_eq!(seen(&passes, &code, &[]), Outcome::Passes);
        let broke = v(&[("a", Verdict::Pass), ("b", Verdict::Fail)]);
        assert_eq!(seen(&broke, &code, &[]), Outcome::BrokeOthers);
        let stood = v(&[("a", Verdict::Fail), ("b", Verdict::Pass)]);
        assert_eq!(seen(&stood, &code, &[]), Outcome::StoodUp);
        let crashed = v(&[("a", Verdict::Error), ("b", Verdict::Pass)]);
        assert_eq!(seen(&crashed, &code, &[]), Outcome::ProvesNothing);
        assert_eq!(seen(&passes, &[], &spec), Outcome::ProvesNothing);
        let s = Seen {
            target: "a",
            baseline: &baseline,
            after: &passes,
            kept: &[],
            undone: &spec,
        };
        assert_eq!(
            judge(&s).1,
            "the adversary edited only protected files (specs/d.feature), which were undone: an attempt that changes the spec or the evidence proves nothing"
        );
    }

    #[test]
    fn budgets_stop_the_next_attempt() {
        let b = Budget {
            max_attempts: 2,
            budget_usd: 1.0,
            wall_time: Duration::from_secs(60),
        };
        let minute = Duration::from_secs(60);
        assert_eq!(spent(&b, 1, 0.5, Duration::ZERO), None);
        assert_eq!(
            spent(&b, 2, 0.0, Duration::ZERO).as_deref(),
            Some("the adversary's budget of 2 attempts (reconcile.max_turns) was spent")
        );
        assert_eq!(
            spent(&b, 1, 1.5, Duration::ZERO).as_deref(),
            Some("the budget of $1.00 was spent ($1.50)")
        );
        assert_eq!(
            spent(&b, 1, 0.0, minute).as_deref(),
            Some("the wall time of 1m ran out")
        );
    }
}
