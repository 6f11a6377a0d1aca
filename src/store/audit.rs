//! Audits in the store: each run's mutants and the items they made fail, and the set of
//! items anything has ever seen fail, which `never-red` is judged by.

use super::{Op, Store, StoreError, classify, session::now_ms};
use crate::audit::Audit;
use rusqlite::params;
use std::collections::HashSet;

impl Store {
    /// Records one audit: its summary, every mutant tried, and the items that killed one.
    pub fn record_audit(&mut self, audit: &Audit) -> Result<(), StoreError> {
        let write = |source| classify(&self.path, Op::Write("an audit"), source);
        let summary = serde_json::to_string(&audit.summary()).unwrap_or_default();
        let tx = self.conn.transaction().map_err(write)?;
        tx.execute(
            "INSERT INTO audits (started_at_ms, duration_ms, interrupted, summary) VALUES (?1, ?2, ?3, ?4)",
            params![
                now_ms() - audit.duration_ms as i64,
                audit.duration_ms as i64,
                audit.interrupted,
                summary
            ],
        )
        .map_err(write)?;
        let id = tx.last_insert_rowid();
        {
            let mut mutant = tx
                .prepare_cached(
                    "INSERT INTO audit_mutants (audit_id, file, line, column, original, replacement, operator, status, killed_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(write)?;
            let mut red = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO audit_red (item_id, audit_id) VALUES (?1, ?2)",
                )
                .map_err(write)?;
            for t in &audit.mutants {
                let m = &t.mutant;
                let killed_by = serde_json::to_string(&t.killed_by).unwrap_or_default();
                mutant
                    .execute(params![
                        id,
                        m.file,
                        m.line as i64,
                        m.column as i64,
                        m.original,
                        m.replacement,
                        m.operator.as_str(),
                        t.status.as_str(),
                        killed_by
                    ])
                    .map_err(write)?;
                for item in &t.killed_by {
                    red.execute(params![item, id]).map_err(write)?;
                }
            }
        }
        super::judges::record_attempts(&tx, id, &audit.attempts).map_err(write)?;
        tx.commit().map_err(write)
    }

    /// Every item some observation saw `fail` or some audit's mutant made fail.
    pub fn red_items(&self) -> Result<HashSet<String>, StoreError> {
        let read = |source| classify(&self.path, Op::Read("the items seen failing"), source);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT item_id FROM observations WHERE verdict = 'fail'
                 UNION SELECT item_id FROM audit_red",
            )
            .map_err(read)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(read)?;
        rows.collect::<Result<HashSet<_>, _>>().map_err(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Mutant, Operator, Status, Tested};
    use crate::observe::{Observation, Verdict};

    #[test]
    fn an_item_is_red_once_it_failed_in_a_check_or_killed_a_mutant() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let seen = |id: &str, verdict| Observation {
            id: id.into(),
            generation: "g".into(),
            verdict,
            duration_ms: 1,
            message: None,
        };
        store
            .record(&[
                seen("a", Verdict::Fail),
                seen("b", Verdict::Error),
                seen("c", Verdict::Pass),
            ])
            .unwrap();
        let killed = Tested {
            mutant: Mutant {
                file: "src/m.py".into(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
                start: 0,
                end: 1,
                original: "<".into(),
                replacement: ">=".into(),
                operator: Operator::Comparison,
            },
            status: Status::Killed,
            killed_by: vec!["d".into()],
            covered_by: vec!["d".into()],
            duration_ms: 5,
        };
        let audit = Audit {
            mutants: vec![killed],
            ..Audit::default()
        };
        store.record_audit(&audit).unwrap();
        let red = store.red_items().unwrap();
        assert_eq!(red, HashSet::from(["a".to_string(), "d".to_string()]));
        let last = store.last_audit().unwrap().expect("the audit");
        assert_eq!(
            last.mutants,
            [crate::store::MutantRow {
                file: "src/m.py".into(),
                line: 1,
                column: 1,
                original: "<".into(),
                replacement: ">=".into(),
                operator: "comparison".into(),
                status: "killed".into(),
                killed_by: vec!["d".into()],
            }]
        );
    }
}
