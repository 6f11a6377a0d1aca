//! Which of a file's mutants are tried: at most one a line by default (the most severe),
//! and with `--since`, only those on changed lines.

use crate::audit::Mutant;
use std::collections::{BTreeMap, BTreeSet};

/// For each line, the most severe mutant (by `Operator` order, then the leftmost), in file
/// order. The mutants are expected as `mutants` gives them; any order works.
pub fn one_per_line(mutants: Vec<Mutant>) -> Vec<Mutant> {
    let mut best: BTreeMap<usize, Mutant> = BTreeMap::new();
    for mutant in mutants {
        match best.get(&mutant.line) {
            Some(kept) if rank(kept) <= rank(&mutant) => {}
            _ => {
                best.insert(mutant.line, mutant);
            }
        }
    }
    best.into_values().collect()
}

/// The mutants that touch any of `lines` (1-based): a mutant spanning several lines counts
/// on each. Apply before `one_per_line`, so a line's pick is among the changed ones.
pub fn on_lines(mutants: Vec<Mutant>, lines: &BTreeSet<usize>) -> Vec<Mutant> {
    mutants
        .into_iter()
        .filter(|m| {
            lines
                .range(m.line..=m.end_line.max(m.line))
                .next()
                .is_some()
        })
        .collect()
}

fn rank(mutant: &Mutant) -> (crate::audit::Operator, usize) {
    (mutant.operator, mutant.column)
}
