//! Writing observations: a row each, and for a share of the items their old rows pruned, so
//! the store stays the size `keep` says however many observations it records.

use super::prune;
use crate::observe::Observation;
use rusqlite::{CachedStatement, Transaction, params};
use std::time::{SystemTime, UNIX_EPOCH};

/// Which items a record prunes. Each record (a check, a watch's observation) is one `turn`
/// further, counted in the store, and an item is pruned on the turns its id falls on, so each
/// one comes round once in `every` records, whatever their sizes and the order its
/// observations arrive in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rotation {
    keep: usize,
    every: i64,
    turn: Option<i64>,
}

impl Rotation {
    pub fn new(keep: usize) -> Rotation {
        Rotation {
            keep,
            every: prune::every(keep),
            turn: None,
        }
    }
}

/// One transaction's inserts.
pub(super) struct Recorder<'t> {
    tx: &'t Transaction<'t>,
    insert: CachedStatement<'t>,
    now: i64,
    session: Option<i64>,
}

impl<'t> Recorder<'t> {
    pub fn new(tx: &'t Transaction<'t>, session: Option<i64>) -> rusqlite::Result<Recorder<'t>> {
        let insert = tx.prepare_cached(
            "INSERT INTO observations (observed_at_ms, item_id, generation, verdict, duration_ms, message, session_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        Ok(Recorder {
            tx,
            insert,
            now,
            session,
        })
    }

    pub fn add(&mut self, o: &Observation, rotation: &mut Rotation) -> rusqlite::Result<()> {
        self.insert.execute(params![
            self.now,
            o.id,
            o.generation,
            o.verdict.as_str(),
            o.duration_ms as i64,
            o.message,
            self.session
        ])?;
        let turn = match rotation.turn {
            Some(turn) => turn,
            None => *rotation.turn.insert(next_turn(self.tx)?),
        };
        if (turn + spread(&o.id)) % rotation.every == 0 {
            prune::item(self.tx, &o.id, rotation.keep)?;
        }
        Ok(())
    }
}

/// This record's turn: one more than the last record's.
fn next_turn(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row(
        "INSERT INTO meta (key, value) VALUES ('records', 1)
         ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
        [],
        |r| r.get(0),
    )
}

/// A stable number for an id (FNV-1a), so an item's pruning turn does not move between runs.
fn spread(id: &str) -> i64 {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash >> 1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ids_spread_is_stable_and_differs_between_ids() {
        assert_eq!(spread("specs/a.feature::A"), spread("specs/a.feature::A"));
        let turns: std::collections::BTreeSet<i64> = (0..64)
            .map(|i| spread(&format!("specs/a.feature::case {i}")) % 4)
            .collect();
        assert_eq!(turns.len(), 4, "64 ids fall on every one of 4 turns");
        assert!(spread("") >= 0 && spread("aspect:x") >= 0);
    }
}
