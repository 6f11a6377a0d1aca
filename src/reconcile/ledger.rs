//! The ledger: each item's story in this reconcile session (open, resolved, regressed),
//! updated from one observation to the next by a pure function.

use crate::observe::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entry {
    /// Did not hold when the session began (or since), and still does not.
    Open,
    /// Did not hold, and now does.
    Resolved,
    /// Held, and now does not.
    Regressed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub entries: BTreeMap<String, Entry>,
}

/// Holding as the loop sees it: a verdict that leaves nothing to do.
fn holds(v: Option<&Verdict>) -> bool {
    v.is_some_and(|v| v.holds())
}

impl Ledger {
    /// The ledger at the start of a session: every item that does not hold is open.
    pub fn start(verdicts: &BTreeMap<String, Verdict>) -> Ledger {
        let entries = verdicts
            .iter()
            .filter(|(_, v)| !v.holds())
            .map(|(id, _)| (id.clone(), Entry::Open))
            .collect();
        Ledger { entries }
    }

    /// The ledger after an observation moved items from `before` to `after`; returns the ids
    /// resolved and regressed by this step.
    pub fn update(
        &mut self,
        before: &BTreeMap<String, Verdict>,
        after: &BTreeMap<String, Verdict>,
    ) -> Moves {
        let moves = moves(before, after);
        for id in &moves.resolved {
            self.entries.insert(id.clone(), Entry::Resolved);
        }
        for id in &moves.regressed {
            self.entries.insert(id.clone(), Entry::Regressed);
        }
        for (id, now) in after {
            if !now.holds() {
                // A regressed item stays regressed until it holds again.
                self.entries.entry(id.clone()).or_insert(Entry::Open);
            }
        }
        moves
    }

    pub fn with(&self, entry: Entry) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|(_, e)| **e == entry)
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

/// The items an observation moved: the ones that did not hold and now do, and the ones that
/// held and now do not. An item missing from `before` did not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moves {
    pub resolved: Vec<String>,
    pub regressed: Vec<String>,
}

pub fn moves(before: &BTreeMap<String, Verdict>, after: &BTreeMap<String, Verdict>) -> Moves {
    let mut moves = Moves::default();
    for (id, now) in after {
        match (holds(before.get(id)), now.holds()) {
            (false, true) => moves.resolved.push(id.clone()),
            (true, false) => moves.regressed.push(id.clone()),
            _ => {}
        }
    }
    // An item that held and has no verdict now is not known to hold: a turn that makes an
    // item unobservable broke it.
    let gone = before
        .iter()
        .filter(|(id, v)| v.holds() && !after.contains_key(*id))
        .map(|(id, _)| id.clone());
    moves.regressed.extend(gone);
    moves.regressed.sort();
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Verdict)]) -> BTreeMap<String, Verdict> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn items_open_resolve_and_regress() {
        let start = map(&[
            ("a", Verdict::Fail),
            ("b", Verdict::Pass),
            ("c", Verdict::Undefined),
        ]);
        let mut ledger = Ledger::start(&start);
        assert_eq!(ledger.with(Entry::Open), ["a", "c"]);

        let next = map(&[
            ("a", Verdict::Pass),
            ("b", Verdict::Fail),
            ("c", Verdict::Fail),
        ]);
        let Moves {
            resolved,
            regressed,
        } = ledger.update(&start, &next);
        assert_eq!(resolved, ["a"]);
        assert_eq!(regressed, ["b"]);
        assert_eq!(ledger.entries["a"], Entry::Resolved);
        assert_eq!(ledger.entries["b"], Entry::Regressed);
        assert_eq!(ledger.entries["c"], Entry::Open);

        let last = map(&[
            ("a", Verdict::Pass),
            ("b", Verdict::Error),
            ("c", Verdict::Pass),
        ]);
        ledger.update(&next, &last);
        assert_eq!(
            ledger.entries["b"],
            Entry::Regressed,
            "still regressed while it does not hold"
        );
        assert_eq!(ledger.with(Entry::Resolved), ["a", "c"]);
    }

    #[test]
    fn an_item_that_held_and_went_unobserved_regressed() {
        let before = map(&[("a", Verdict::Pass), ("b", Verdict::Fail)]);
        let after = map(&[("b", Verdict::Fail)]);
        assert_eq!(
            moves(&before, &after),
            Moves {
                resolved: vec![],
                regressed: vec!["a".into()]
            }
        );
    }

    #[test]
    fn skipped_counts_as_holding() {
        let start = map(&[("a", Verdict::Skipped)]);
        assert!(Ledger::start(&start).entries.is_empty());
    }
}
