//! What the board reads back from the store: an item's verdicts over time, every session,
//! the newest audit's mutants, and a counter that moves whenever anything was written.

use super::session::{bad_json, now_ms};
use super::{Op, SessionRow, Store, StoreError, classify};
use crate::observe::Verdict;

/// One past observation of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictRow {
    pub observed_at_ms: i64,
    pub generation: String,
    pub verdict: Verdict,
    pub duration_ms: u64,
    pub message: Option<String>,
    /// The reconcile session that observed it, if one did.
    pub session: Option<i64>,
}

/// The newest audit as recorded: when, how long, and each mutant tried.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub started_at_ms: i64,
    pub duration_ms: u64,
    pub interrupted: bool,
    pub mutants: Vec<MutantRow>,
}

/// One mutant an audit tried, and its fate.
#[derive(Debug, Clone, PartialEq)]
pub struct MutantRow {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub original: String,
    pub replacement: String,
    pub operator: String,
    /// killed | survived | timeout | unviable
    pub status: String,
    pub killed_by: Vec<String>,
}

impl Store {
    /// The newest `limit` observations of one item, newest first.
    pub fn history(&self, id: &str, limit: usize) -> Result<Vec<VerdictRow>, StoreError> {
        let read = |source| classify(&self.path, Op::Read("an item's history"), source);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT observed_at_ms, generation, verdict, duration_ms, message, session_id FROM observations
                 WHERE item_id = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(read)?;
        let rows = stmt
            .query_map(rusqlite::params![id, limit as i64], |r| {
                let verdict: String = r.get(2)?;
                Ok(VerdictRow {
                    observed_at_ms: r.get(0)?,
                    generation: r.get(1)?,
                    // A verdict this version does not know is an error, never guessed.
                    verdict: Verdict::parse(&verdict).unwrap_or(Verdict::Error),
                    duration_ms: r.get::<_, i64>(3)?.max(0) as u64,
                    message: r.get(4)?,
                    session: r.get(5)?,
                })
            })
            .map_err(read)?;
        rows.collect::<Result<_, _>>().map_err(read)
    }

    /// The newest `limit` sessions, newest first.
    pub fn sessions(&self, limit: usize) -> Result<Vec<SessionRow>, StoreError> {
        let mut out = Vec::new();
        let ids: Vec<i64> = {
            let read = |source| classify(&self.path, Op::Read("the sessions"), source);
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM sessions ORDER BY id DESC LIMIT ?1")
                .map_err(read)?;
            let rows = stmt
                .query_map([limit as i64], |r| r.get::<_, i64>(0))
                .map_err(read)?;
            rows.collect::<Result<_, _>>().map_err(read)?
        };
        for id in ids {
            out.extend(self.session(Some(id))?);
        }
        Ok(out)
    }

    /// The newest audit and its mutants; `None` before the first.
    pub fn last_audit(&self) -> Result<Option<AuditRow>, StoreError> {
        use rusqlite::OptionalExtension;
        let read = |source| classify(&self.path, Op::Read("the last audit"), source);
        let Some(mut audit) = self
            .conn
            .query_row(
                "SELECT id, started_at_ms, duration_ms, interrupted FROM audits ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(AuditRow {
                        id: r.get(0)?,
                        started_at_ms: r.get(1)?,
                        duration_ms: r.get::<_, i64>(2)?.max(0) as u64,
                        interrupted: r.get(3)?,
                        mutants: Vec::new(),
                    })
                },
            )
            .optional()
            .map_err(read)?
        else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT file, line, column, original, replacement, operator, status, killed_by
                 FROM audit_mutants WHERE audit_id = ?1 ORDER BY file, line, column, id",
            )
            .map_err(read)?;
        let rows = stmt
            .query_map([audit.id], |r| {
                let killed_by: String = r.get(7)?;
                Ok(MutantRow {
                    file: r.get(0)?,
                    line: r.get::<_, i64>(1)?.max(0) as usize,
                    column: r.get::<_, i64>(2)?.max(0) as usize,
                    original: r.get(3)?,
                    replacement: r.get(4)?,
                    operator: r.get(5)?,
                    status: r.get(6)?,
                    killed_by: serde_json::from_str(&killed_by).map_err(|e| bad_json(7, e))?,
                })
            })
            .map_err(read)?;
        audit.mutants = rows.collect::<Result<_, _>>().map_err(read)?;
        Ok(Some(audit))
    }

    /// A number that changes whenever another connection (another specctl, or this one's
    /// next write) has committed to the store: a cheap way to notice news without reading.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|source| classify(&self.path, Op::Read("the store's version"), source))
    }
}

/// How long ago `at_ms` was, in milliseconds (0 for a time in the future).
pub fn age_ms(at_ms: i64) -> u64 {
    (now_ms() - at_ms).max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Observation;

    #[test]
    fn an_items_history_is_newest_first_and_the_version_moves_on_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let reader = Store::open(dir.path()).unwrap();
        let before = reader.data_version().unwrap();
        let seen = |verdict| Observation {
            id: "a".into(),
            generation: "g".into(),
            verdict,
            duration_ms: 3,
            message: None,
        };
        store.record(&[seen(Verdict::Pass)]).unwrap();
        let failed = Observation {
            message: Some("expected hello, got hi".into()),
            ..seen(Verdict::Fail)
        };
        store.record_in(&[failed], Some(7)).unwrap();
        let verdicts: Vec<Verdict> = reader
            .history("a", 10)
            .unwrap()
            .iter()
            .map(|r| r.verdict)
            .collect();
        assert_eq!(verdicts, [Verdict::Fail, Verdict::Pass]);
        let newest = &reader.history("a", 1).unwrap()[0];
        assert_eq!(
            (
                newest.message.as_deref(),
                newest.duration_ms,
                newest.session
            ),
            (Some("expected hello, got hi"), 3, Some(7))
        );
        assert_ne!(reader.data_version().unwrap(), before);
        assert_eq!(reader.last_audit().unwrap(), None);
        store.start_session("g", "{}").unwrap();
        store.start_session("g", "{}").unwrap();
        let states: Vec<String> = reader
            .sessions(5)
            .unwrap()
            .into_iter()
            .map(|s| s.state)
            .collect();
        assert_eq!(states, ["open", "superseded"]);
    }
}
