//! The deterministic, free checks a turn passes before anything it did is believed: protected
//! files, regressions, and RED turns that must end in `fail`.

use super::delta::Phase;
use crate::observe::Verdict;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, HashSet};

/// Which paths a turn may not edit. Spec and aspect files are desired state: never an
/// agent's to change, in any phase. The `protect` globs bind GREEN turns, whose job is the
/// code; a RED turn's job is the evidence, which those globs usually cover.
pub struct Protection {
    globs: GlobSet,
    desired_files: HashSet<String>,
}

impl Protection {
    pub fn new(
        protect: &[String],
        desired_files: HashSet<String>,
    ) -> Result<Protection, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for pattern in protect {
            builder.add(Glob::new(pattern)?);
        }
        Ok(Protection {
            globs: builder.build()?,
            desired_files,
        })
    }

    /// The changed paths this phase may not touch.
    pub fn violations(&self, phase: Phase, changed: &[String]) -> Vec<String> {
        changed
            .iter()
            .filter(|p| {
                self.desired_files.contains(*p)
                    || (phase == Phase::Green && self.globs.is_match(p.as_str()))
            })
            .cloned()
            .collect()
    }
}

/// Items that held before the turn and do not now.
pub fn regressions(
    before: &BTreeMap<String, Verdict>,
    after: &BTreeMap<String, Verdict>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(id, now)| !now.holds() && before.get(*id).is_some_and(|v| v.holds()))
        .map(|(id, _)| id.clone())
        .collect()
}

/// A RED turn counts for an item only when it moved from `undefined` to `fail`: evidence that
/// errors or is still missing has not shown the item failing for the right reason.
pub fn red_outcome(
    items: &[String],
    after: &BTreeMap<String, Verdict>,
) -> (Vec<String>, Vec<(String, Verdict)>) {
    let (mut counted, mut rejected) = (Vec::new(), Vec::new());
    for id in items {
        match after.get(id) {
            Some(Verdict::Fail) => counted.push(id.clone()),
            Some(v) => rejected.push((id.clone(), *v)),
            None => rejected.push((id.clone(), Verdict::Undefined)),
        }
    }
    (counted, rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, Verdict)]) -> BTreeMap<String, Verdict> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn green_turns_keep_off_protected_globs_and_every_turn_off_desired_state() {
        let p = Protection::new(
            &["evidence/**".into(), "specs/**".into()],
            ["specs/a.feature".to_string(), "aspects/x.md".to_string()]
                .into_iter()
                .collect(),
        )
        .unwrap();
        let changed: Vec<String> = [
            "src/lib.rs",
            "evidence/steps.py",
            "specs/a.feature",
            "aspects/x.md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            p.violations(Phase::Green, &changed),
            ["evidence/steps.py", "specs/a.feature", "aspects/x.md"]
        );
        assert_eq!(
            p.violations(Phase::Red, &changed),
            ["specs/a.feature", "aspects/x.md"]
        );
    }

    #[test]
    fn a_regression_is_a_holding_item_that_stopped_holding() {
        let before = v(&[
            ("a", Verdict::Pass),
            ("b", Verdict::Fail),
            ("c", Verdict::Skipped),
        ]);
        let after = v(&[
            ("a", Verdict::Error),
            ("b", Verdict::Fail),
            ("c", Verdict::Pass),
        ]);
        assert_eq!(regressions(&before, &after), ["a"]);
    }

    #[test]
    fn red_counts_only_a_move_to_fail() {
        let after = v(&[
            ("a", Verdict::Fail),
            ("b", Verdict::Error),
            ("c", Verdict::Undefined),
        ]);
        let items: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let (counted, rejected) = red_outcome(&items, &after);
        assert_eq!(counted, ["a"]);
        assert_eq!(
            rejected,
            [
                ("b".to_string(), Verdict::Error),
                ("c".to_string(), Verdict::Undefined)
            ]
        );
    }
}
