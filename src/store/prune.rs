//! The store's bound: per item, the newest `keep` observations and every change of verdict;
//! the rest goes as it ages, so 10,000 checks leave the store the size 100 do.

use rusqlite::{Transaction, params};
use std::collections::HashMap;

/// How often the store is pruned: once in `every(keep)` records (a sixteenth of `keep`), so an
/// item holds at most `keep + every(keep)` observations besides its changes of verdict.
pub(super) fn every(keep: usize) -> i64 {
    (keep / 16).max(1) as i64
}

/// Drops, of every item that holds more than `keep` observations, those older than its newest
/// `keep` that repeat the verdict before them: the item's first and each change of verdict
/// stay. One walk from the oldest row, which stops once every such item's old rows are seen;
/// rows are appended in time order, so that is about the oldest `every(keep)` records.
pub(super) fn pass(tx: &Transaction<'_>, keep: usize) -> rusqlite::Result<()> {
    // `?1 + 0`: SQLite (built with STAT4) prepares a statement again for each new value of a
    // parameter its planner may weigh.
    let mut old: HashMap<String, i64> = tx
        .prepare_cached("SELECT item_id, kept - (?1 + 0) FROM latest WHERE kept > ?1 + 0")?
        .query_map([keep as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut left: i64 = old.values().sum();
    let mut doomed = Doomed::default();
    let mut before: HashMap<String, String> = HashMap::new();
    let mut walk =
        tx.prepare_cached("SELECT id, item_id, verdict FROM observations ORDER BY id")?;
    let mut rows = walk.query([])?;
    while left > 0
        && let Some(row) = rows.next()?
    {
        let (id, item, verdict) = (
            row.get::<_, i64>(0)?,
            row.get_ref(1)?.as_str()?,
            row.get_ref(2)?.as_str()?,
        );
        let Some(unseen) = old.get_mut(item).filter(|n| **n > 0) else {
            doomed.spare();
            continue;
        };
        *unseen -= 1;
        left -= 1;
        match before.get(item) {
            Some(previous) if previous == verdict => doomed.doom(id, item),
            _ => {
                before.insert(item.to_string(), verdict.to_string());
                doomed.spare();
            }
        }
    }
    drop(rows);
    doomed.delete(tx)
}

/// The rows a pass drops, as runs of ids with no kept row between them.
#[derive(Default)]
struct Doomed {
    runs: Vec<(i64, i64)>,
    open: bool,
    per_item: HashMap<String, i64>,
}

impl Doomed {
    fn doom(&mut self, id: i64, item: &str) {
        match self.runs.last_mut() {
            Some(run) if self.open => run.1 = id,
            _ => self.runs.push((id, id)),
        }
        self.open = true;
        *self.per_item.entry(item.to_string()).or_default() += 1;
    }

    fn spare(&mut self) {
        self.open = false;
    }

    /// Deletes the runs (a range each: the walk saw every row in it), and counts the rows off
    /// their items in `latest`.
    fn delete(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let mut delete =
            tx.prepare_cached("DELETE FROM observations WHERE id BETWEEN ?1 + 0 AND ?2 + 0")?;
        for (first, last) in &self.runs {
            delete.execute([first, last])?;
        }
        let mut count =
            tx.prepare_cached("UPDATE latest SET kept = kept - ?2 WHERE item_id = ?1 || ''")?;
        for (item, dropped) in &self.per_item {
            count.execute(params![item, dropped])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::observe::{Observation, Verdict};
    use crate::store::Store;

    fn obs(verdict: Verdict) -> Observation {
        Observation {
            id: "specs/a.feature::A".into(),
            generation: "g".into(),
            verdict,
            duration_ms: 1,
            message: None,
        }
    }

    fn verdicts(store: &Store) -> Vec<Verdict> {
        let mut seen: Vec<Verdict> = store
            .history("specs/a.feature::A", 1000)
            .unwrap()
            .iter()
            .map(|s| s.verdict)
            .collect();
        seen.reverse();
        seen
    }

    #[test]
    fn the_newest_are_kept_and_every_change_of_verdict_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap().keeping(3);
        // fail ×5, pass ×5, fail ×1: the first fail, the first pass and the last three stay.
        let mut all = vec![Verdict::Fail; 5];
        all.extend([Verdict::Pass; 5]);
        all.push(Verdict::Fail);
        for v in &all {
            store.record(&[obs(*v)]).unwrap();
        }
        assert_eq!(
            verdicts(&store),
            [
                Verdict::Fail,
                Verdict::Pass,
                Verdict::Pass,
                Verdict::Pass,
                Verdict::Fail
            ]
        );
    }

    #[test]
    fn every_item_of_a_batch_comes_round_for_pruning() {
        // 7 items a check and a prune every 4th check: no item may escape its turn.
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap().keeping(64);
        assert_eq!(super::every(64), 4);
        let ids: Vec<String> = (0..7).map(|i| format!("specs/a.feature::{i}")).collect();
        for _ in 0..300 {
            let batch: Vec<Observation> = ids
                .iter()
                .map(|id| Observation {
                    id: id.clone(),
                    ..obs(Verdict::Pass)
                })
                .collect();
            store.record(&batch).unwrap();
        }
        for id in &ids {
            let held = store.history(id, 1000).unwrap().len();
            // The first (its first verdict), the newest 64, and at most 4 awaiting their turn.
            assert!((65..=65 + 4).contains(&held), "{id} holds {held}");
        }
    }

    #[test]
    fn a_flapping_item_keeps_its_changes_between_the_rows_pruned_around_them() {
        // Two items recorded together: `flap` changes verdict every time, `still` never.
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap().keeping(2);
        for n in 0..12 {
            let flap = if n % 2 == 0 {
                Verdict::Pass
            } else {
                Verdict::Fail
            };
            let batch = [
                Observation {
                    id: "flap".into(),
                    ..obs(flap)
                },
                Observation {
                    id: "still".into(),
                    ..obs(Verdict::Pass)
                },
            ];
            store.record(&batch).unwrap();
        }
        let held = |id: &str| store.history(id, 1000).unwrap().len();
        assert_eq!(held("flap"), 12, "every change of verdict stays");
        assert_eq!(held("still"), 3, "its first and its newest two");
        assert_eq!(store.latest().unwrap()["still"].verdict, Verdict::Pass);
        assert_eq!(store.latest().unwrap()["flap"].verdict, Verdict::Fail);
    }

    #[test]
    fn a_thousand_checks_leave_what_ten_leave() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap().keeping(10);
        for _ in 0..1000 {
            store.record(&[obs(Verdict::Pass)]).unwrap();
        }
        assert_eq!(verdicts(&store).len(), 11, "the first and the newest ten");
    }
}
