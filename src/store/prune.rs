//! The store's bound: per item, the newest `keep` observations and every change of verdict;
//! the rest goes as it ages, so 10,000 checks leave the store the size 100 do.

use rusqlite::{OptionalExtension, Transaction, params};

/// Drops the observation of `item` that the newest one pushed past the `keep` newest, unless
/// it changed the verdict (or is the item's first). One row an observation, so each check
/// costs a few indexed reads per item, never a scan of the history.
pub(super) fn aged_out(tx: &Transaction<'_>, item: &str, keep: usize) -> rusqlite::Result<()> {
    let old: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, verdict FROM observations WHERE item_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2",
        )?
        .query_row(params![item, keep as i64], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, verdict)) = old else {
        return Ok(());
    };
    let before: Option<String> = tx
        .prepare_cached(
            "SELECT verdict FROM observations WHERE item_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![item, id], |r| r.get(0))
        .optional()?;
    if before.as_deref() == Some(verdict.as_str()) {
        tx.prepare_cached("DELETE FROM observations WHERE id = ?1")?
            .execute([id])?;
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
    fn a_thousand_checks_leave_what_ten_leave() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap().keeping(10);
        for _ in 0..1000 {
            store.record(&[obs(Verdict::Pass)]).unwrap();
        }
        assert_eq!(verdicts(&store).len(), 11, "the first and the newest ten");
    }
}
