//! A mutant's fate from the verdicts before and after it: killed only by an item that went
//! from pass to `fail`, the right reason; a crash on every item proves nothing.

use super::Status;
use crate::observe::{Observation, Verdict};
use std::collections::BTreeMap;

/// The status of a mutant and the items that killed it, from the baseline verdicts and the
/// observation of the mutated copy.
pub(crate) fn classify(
    baseline: &BTreeMap<String, Verdict>,
    after: &[Observation],
) -> (Status, Vec<String>) {
    let passed = |id: &str| baseline.get(id) == Some(&Verdict::Pass);
    let killed_by: Vec<String> = after
        .iter()
        .filter(|o| o.verdict == Verdict::Fail && passed(&o.id))
        .map(|o| o.id.clone())
        .collect();
    if !killed_by.is_empty() {
        return (Status::Killed, killed_by);
    }
    if after.iter().any(|o| o.verdict == Verdict::Timeout) {
        return (Status::Timeout, killed_by);
    }
    let judged: Vec<&Observation> = after.iter().filter(|o| passed(&o.id)).collect();
    if !judged.is_empty() && judged.iter().all(|o| o.verdict == Verdict::Error) {
        return (Status::Unviable, killed_by);
    }
    (Status::Survived, killed_by)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(id: &str, verdict: Verdict) -> Observation {
        Observation {
            id: id.into(),
            generation: String::new(),
            verdict,
            duration_ms: 0,
            message: None,
        }
    }

    fn baseline(pairs: &[(&str, Verdict)]) -> BTreeMap<String, Verdict> {
        pairs.iter().map(|(id, v)| (id.to_string(), *v)).collect()
    }

    #[test]
    fn a_pass_that_turns_fail_kills_and_names_the_item() {
        let before = baseline(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        let after = [seen("a", Verdict::Pass), seen("b", Verdict::Fail)];
        assert_eq!(
            classify(&before, &after),
            (Status::Killed, vec!["b".to_string()])
        );
    }

    #[test]
    fn an_error_on_every_item_is_unviable_not_killed() {
        let before = baseline(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        let after = [seen("a", Verdict::Error), seen("b", Verdict::Error)];
        assert_eq!(classify(&before, &after), (Status::Unviable, vec![]));
    }

    #[test]
    fn an_error_on_some_items_while_others_pass_survives() {
        let before = baseline(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        let after = [seen("a", Verdict::Error), seen("b", Verdict::Pass)];
        assert_eq!(classify(&before, &after), (Status::Survived, vec![]));
    }

    #[test]
    fn a_timeout_without_a_kill_is_timeout() {
        let before = baseline(&[("a", Verdict::Pass)]);
        let after = [seen("a", Verdict::Timeout)];
        assert_eq!(classify(&before, &after), (Status::Timeout, vec![]));
    }

    #[test]
    fn a_fail_of_an_item_that_was_skipped_before_kills_nothing() {
        let before = baseline(&[("a", Verdict::Skipped), ("b", Verdict::Pass)]);
        let after = [seen("a", Verdict::Fail), seen("b", Verdict::Pass)];
        assert_eq!(classify(&before, &after), (Status::Survived, vec![]));
    }

    #[test]
    fn a_kill_beats_a_timeout_elsewhere() {
        let before = baseline(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        let after = [seen("a", Verdict::Timeout), seen("b", Verdict::Fail)];
        assert_eq!(classify(&before, &after).0, Status::Killed);
    }
}
