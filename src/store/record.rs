//! Writing observations: a row each, appended, and each item's newest row and row count in
//! `latest`, so a record costs about its own rows whatever the history holds.

use super::prune;
use crate::observe::Observation;
use rusqlite::{CachedStatement, Transaction, params};
use std::time::{SystemTime, UNIX_EPOCH};

/// Counts a record (a check, a watch's observation, a reconcile's) as it starts: its turn.
pub(super) fn begin(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row(
        "INSERT INTO meta (key, value) VALUES ('records', 1)
         ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
        [],
        |r| r.get(0),
    )
}

/// Ends the record of `turn`: once in `prune::every(keep)` records, what the items hold
/// beyond `keep` is pruned.
pub(super) fn end(tx: &Transaction<'_>, turn: i64, keep: usize) -> rusqlite::Result<()> {
    if turn % prune::every(keep) == 0 {
        prune::pass(tx, keep)?;
    }
    Ok(())
}

/// One transaction's inserts.
pub(super) struct Recorder<'t> {
    insert: CachedStatement<'t>,
    latest: CachedStatement<'t>,
    now: i64,
    session: Option<i64>,
}

impl<'t> Recorder<'t> {
    pub fn new(tx: &'t Transaction<'t>, session: Option<i64>) -> rusqlite::Result<Recorder<'t>> {
        let insert = tx.prepare_cached(
            "INSERT INTO observations (observed_at_ms, item_id, generation, verdict, duration_ms, message, session_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let latest = tx.prepare_cached(
            "INSERT INTO latest (item_id, id, kept) VALUES (?1, last_insert_rowid(), 1)
             ON CONFLICT (item_id) DO UPDATE SET id = excluded.id, kept = kept + 1",
        )?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        Ok(Recorder {
            insert,
            latest,
            now,
            session,
        })
    }

    pub fn add(&mut self, o: &Observation) -> rusqlite::Result<()> {
        self.insert.execute(params![
            self.now,
            o.id,
            o.generation,
            o.verdict.as_str(),
            o.duration_ms as i64,
            o.message,
            self.session
        ])?;
        self.latest.execute([&o.id])?;
        Ok(())
    }
}
