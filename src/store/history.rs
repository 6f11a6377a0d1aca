//! An item's verdict history: its observations, newest first, as `specctl explain` and the
//! MCP `explain` tool show them.

use super::error::{Op, classify};
use super::{Store, StoreError};
use crate::observe::Verdict;

/// One observation of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub observed_at_ms: i64,
    pub verdict: Verdict,
    pub duration_ms: u64,
    pub message: Option<String>,
    /// The reconcile session that observed it, if one did.
    pub session: Option<i64>,
}

impl Store {
    /// The last `limit` observations of `item`, newest first.
    pub fn history(&self, item: &str, limit: usize) -> Result<Vec<Seen>, StoreError> {
        let corrupt = |source| classify(&self.path, Op::Read("an item's history"), source);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT observed_at_ms, verdict, duration_ms, message, session_id FROM observations
                 WHERE item_id = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(corrupt)?;
        let rows = stmt
            .query_map(rusqlite::params![item, limit as i64], |r| {
                Ok(Seen {
                    observed_at_ms: r.get(0)?,
                    // A verdict this version does not know is an error, never guessed.
                    verdict: Verdict::parse(&r.get::<_, String>(1)?).unwrap_or(Verdict::Error),
                    duration_ms: r.get::<_, i64>(2)?.max(0) as u64,
                    message: r.get(3)?,
                    session: r.get(4)?,
                })
            })
            .map_err(corrupt)?;
        rows.collect::<Result<_, _>>().map_err(corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Observation;

    #[test]
    fn the_history_is_newest_first_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        for (verdict, message) in [
            (Verdict::Fail, Some("expected hello, got hi")),
            (Verdict::Fail, Some("expected hello, got hey")),
            (Verdict::Pass, None),
        ] {
            store
                .record(&[Observation {
                    id: "specs/a.feature::A".into(),
                    generation: "g".into(),
                    verdict,
                    duration_ms: 7,
                    message: message.map(String::from),
                }])
                .unwrap();
        }
        let seen = store.history("specs/a.feature::A", 2).unwrap();
        let got: Vec<(Verdict, Option<&str>, u64, Option<i64>)> = seen
            .iter()
            .map(|s| (s.verdict, s.message.as_deref(), s.duration_ms, s.session))
            .collect();
        assert_eq!(
            got,
            [
                (Verdict::Pass, None, 7, None),
                (Verdict::Fail, Some("expected hello, got hey"), 7, None)
            ]
        );
        assert_eq!(store.history("specs/a.feature::B", 5).unwrap(), []);
    }
}
