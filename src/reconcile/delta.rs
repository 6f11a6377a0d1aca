//! The delta: the selected items whose evidence does not hold, and the phase a turn works in.
//! RED first (undefined items need evidence that fails for the right reason), then GREEN.

use crate::observe::Verdict;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Undefined items: write evidence so they fail for the right reason; no production code.
    Red,
    /// Failing items: change the code so they pass; protected files stay as they are.
    Green,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Red => "red",
            Phase::Green => "green",
        }
    }
}

/// The next turn's phase and its items, in the order given; `None` when nothing is left.
/// `unapproved` items fail, but their evidence still waits for the reviewer: RED again.
pub fn next(
    order: &[String],
    verdicts: &BTreeMap<String, Verdict>,
    unapproved: &BTreeSet<String>,
) -> Option<(Phase, Vec<String>)> {
    let pick = |want: &dyn Fn(Verdict) -> bool| -> Vec<String> {
        order
            .iter()
            .filter(|id| verdicts.get(*id).is_some_and(|v| want(*v)))
            .cloned()
            .collect()
    };
    let red: Vec<String> = order
        .iter()
        .filter(|id| match verdicts.get(*id) {
            Some(Verdict::Undefined) => true,
            Some(v) => unapproved.contains(*id) && !v.holds(),
            None => false,
        })
        .cloned()
        .collect();
    if !red.is_empty() {
        return Some((Phase::Red, red));
    }
    let green = pick(&|v| !v.holds());
    (!green.is_empty()).then_some((Phase::Green, green))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn red_before_green_and_nothing_when_all_hold() {
        let order: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut v: BTreeMap<String, Verdict> = [
            ("a", Verdict::Fail),
            ("b", Verdict::Undefined),
            ("c", Verdict::Pass),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
        let none = BTreeSet::new();
        assert_eq!(
            next(&order, &v, &none),
            Some((Phase::Red, vec!["b".to_string()]))
        );
        // A failing item the reviewer has not approved is written again, in RED.
        let unapproved: BTreeSet<String> = ["a".to_string()].into();
        assert_eq!(
            next(&order, &v, &unapproved),
            Some((Phase::Red, vec!["a".to_string(), "b".to_string()]))
        );
        v.insert("b".into(), Verdict::Fail);
        v.insert("c".into(), Verdict::Timeout);
        assert_eq!(
            next(&order, &v, &none),
            Some((
                Phase::Green,
                vec!["a".to_string(), "b".to_string(), "c".to_string()]
            ))
        );
        for id in ["a", "b", "c"] {
            v.insert(id.into(), Verdict::Pass);
        }
        v.insert("c".into(), Verdict::Skipped);
        assert_eq!(next(&order, &v, &none), None);
        assert_eq!(
            next(&order, &v, &unapproved),
            None,
            "a passing item needs no review"
        );
    }
}
