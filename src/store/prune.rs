//! The store's bound: per item, the newest `keep` observations and every change of verdict;
//! the rest goes as it ages, so 10,000 checks leave the store the size 100 do.

use rusqlite::{OptionalExtension, Transaction, params};

/// How often an item is pruned: once in `every(keep)` records (a sixteenth of `keep`), so a
/// check costs a few index reads for one item in `every(keep)`, and an item holds at most
/// `keep + every(keep)` observations besides its changes of verdict.
pub(super) fn every(keep: usize) -> i64 {
    (keep / 16).max(1) as i64
}

/// Drops the observations of `item` older than its newest `keep`, except each that changed
/// the verdict (the item's first among them).
pub(super) fn item(tx: &Transaction<'_>, item: &str, keep: usize) -> rusqlite::Result<()> {
    // `?1 || ''`, not `?1`: SQLite (built with STAT4) prepares a statement again each time a
    // new value is bound to a parameter its planner may weigh, and the item is new each call.
    // The index is used all the same.
    let cutoff: Option<i64> = tx
        .prepare_cached(
            "SELECT id FROM observations WHERE item_id = ?1 || '' ORDER BY id DESC LIMIT 1 OFFSET ?2",
        )?
        .query_row(params![item, keep as i64], |r| r.get(0))
        .optional()?;
    let Some(cutoff) = cutoff else {
        return Ok(());
    };
    let old: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, verdict FROM observations WHERE item_id = ?1 || '' AND id <= ?2 + 0 ORDER BY id",
        )?
        .query_map(params![item, cutoff], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut delete = tx.prepare_cached("DELETE FROM observations WHERE id = ?1")?;
    for pair in old.windows(2) {
        // A row with its predecessor's verdict changed nothing; dropping it leaves every
        // other row's predecessor verdict as it was.
        if pair[0].1 == pair[1].1 {
            delete.execute([pair[1].0])?;
        }
    }
    Ok(())
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
    fn a_thousand_checks_leave_what_ten_leave() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap().keeping(10);
        for _ in 0..1000 {
            store.record(&[obs(Verdict::Pass)]).unwrap();
        }
        assert_eq!(verdicts(&store).len(), 11, "the first and the newest ten");
    }
}
