//! Where a reconcile session stands between turns: its tier, its turns and spend, its
//! ledger, and what the last turn left for the next. decide reads it; the driver persists it.

use super::ledger::Ledger;
use crate::observe::Verdict;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Standing {
    /// Index into the agent tiers; past the last one every tier is spent.
    pub tier: usize,
    /// Turns the current tier has had.
    pub tier_turns: u32,
    /// Turns in a row without an item resolved.
    pub stall: u32,
    /// The current tier's turns in a row whose agent failed (API, crash, hang): not stalls.
    pub agent_failures: u32,
    /// Turns of the whole session.
    pub turns: u32,
    pub cost_usd: f64,
    pub ledger: Ledger,
    /// What the last turn left for the next one: its findings, first among them what the
    /// gates did.
    pub findings: Vec<String>,
    /// Items whose RED evidence fails, but which the reviewer has not approved: they stay in
    /// RED until it does.
    pub unapproved: BTreeSet<String>,
}

/// One observation's verdicts: the selected ids in file order, and each one's verdict. An id
/// without a verdict was not observed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdicts {
    pub order: Vec<String>,
    pub of: BTreeMap<String, Verdict>,
    /// The first line of what the evidence said, where it said something.
    pub said: BTreeMap<String, String>,
}

impl Verdicts {
    pub fn new(order: Vec<String>, of: BTreeMap<String, Verdict>) -> Verdicts {
        Verdicts {
            order,
            of,
            said: BTreeMap::new(),
        }
    }

    /// `id (verdict: what the evidence said)`, as findings name an item.
    pub fn describe(&self, id: &str) -> String {
        let verdict = self.get(id).map_or("unobserved", Verdict::as_str);
        match self.said.get(id) {
            Some(m) => format!("{id} ({verdict}: {m})"),
            None => format!("{id} ({verdict})"),
        }
    }

    pub fn get(&self, id: &str) -> Option<Verdict> {
        self.of.get(id).copied()
    }

    /// Selected ids that have no verdict.
    pub fn unobserved(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|id| !self.of.contains_key(*id))
            .cloned()
            .collect()
    }

    /// How many passed, how many did not hold, how many were skipped.
    pub fn tally(&self) -> Tally {
        let count = |v: Verdict| self.of.values().filter(|x| **x == v).count();
        let (pass, skipped) = (count(Verdict::Pass), count(Verdict::Skipped));
        Tally {
            pass,
            failed: self.of.len() - pass - skipped,
            skipped,
        }
    }
}

/// The counts of one observation, as its closing line shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub pass: usize,
    pub failed: usize,
    pub skipped: usize,
}
