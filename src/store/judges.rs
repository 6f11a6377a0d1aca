//! What the agents that judge did, in the store: a reviewer's reading of each RED turn, and
//! every adversary attempt of an audit, with their prompts, so `specctl log` can show them.

use super::session::{bad_json, json};
use super::{Op, Store, StoreError, classify};
use crate::audit::Attempt;
use rusqlite::{Row, params};

/// One reviewer's reading of a RED turn.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub session_id: i64,
    pub turn: u32,
    pub tier: String,
    pub prompt: String,
    pub output: String,
    pub agent_end: String,
    /// approve | object | unreadable
    pub answer: String,
    /// What it handed the next RED turn: its objections, or why its answer did not count.
    pub findings: Vec<String>,
    /// Files the reviewer edited, which were put back.
    pub undone: Vec<String>,
    pub cost_usd: Option<f64>,
    pub duration_ms: u64,
}

/// One adversary attempt on one item.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRow {
    pub number: u32,
    pub item_id: String,
    pub tier: String,
    pub prompt: String,
    pub output: String,
    pub agent_end: String,
    /// passes | stood-up | broke-others | proves-nothing | not-tried
    pub outcome: String,
    pub message: String,
    pub diff: String,
    pub undone: Vec<String>,
    pub cost_usd: Option<f64>,
    pub duration_ms: u64,
}

const REVIEW_COLUMNS: &str = "session_id, turn, tier, prompt, output, agent_end, answer, findings, undone, cost_usd, duration_ms";
const ATTEMPT_COLUMNS: &str = "number, item_id, tier, prompt, output, agent_end, outcome, message, diff, undone, cost_usd, duration_ms";

fn review_row(r: &Row<'_>) -> rusqlite::Result<ReviewRow> {
    Ok(ReviewRow {
        session_id: r.get(0)?,
        turn: r.get::<_, i64>(1)?.max(0) as u32,
        tier: r.get(2)?,
        prompt: r.get(3)?,
        output: r.get(4)?,
        agent_end: r.get(5)?,
        answer: r.get(6)?,
        findings: serde_json::from_str(&r.get::<_, String>(7)?).map_err(|e| bad_json(7, e))?,
        undone: serde_json::from_str(&r.get::<_, String>(8)?).map_err(|e| bad_json(8, e))?,
        cost_usd: r.get(9)?,
        duration_ms: r.get::<_, i64>(10)?.max(0) as u64,
    })
}

fn attempt_row(r: &Row<'_>) -> rusqlite::Result<AttemptRow> {
    Ok(AttemptRow {
        number: r.get::<_, i64>(0)?.max(0) as u32,
        item_id: r.get(1)?,
        tier: r.get(2)?,
        prompt: r.get(3)?,
        output: r.get(4)?,
        agent_end: r.get(5)?,
        outcome: r.get(6)?,
        message: r.get(7)?,
        diff: r.get(8)?,
        undone: serde_json::from_str(&r.get::<_, String>(9)?).map_err(|e| bad_json(9, e))?,
        cost_usd: r.get(10)?,
        duration_ms: r.get::<_, i64>(11)?.max(0) as u64,
    })
}

/// Writes an audit's adversary attempts, within the transaction that records the audit.
pub(super) fn record_attempts(
    tx: &rusqlite::Transaction<'_>,
    audit_id: i64,
    attempts: &[Attempt],
) -> rusqlite::Result<()> {
    let sql = format!(
        "INSERT INTO adversary_attempts (audit_id, {ATTEMPT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    );
    let mut insert = tx.prepare_cached(&sql)?;
    for a in attempts {
        insert.execute(params![
            audit_id,
            a.number,
            a.item,
            a.tier,
            a.prompt,
            a.output,
            a.agent_end,
            a.outcome.as_str(),
            a.message,
            a.diff,
            json(&a.undone),
            a.cost_usd,
            a.duration_ms as i64
        ])?;
    }
    Ok(())
}

impl Store {
    /// Records a reviewer's reading of a turn; a turn gated again on resume replaces it.
    pub fn record_review(&mut self, r: &ReviewRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT OR REPLACE INTO reviews ({REVIEW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        );
        self.conn
            .execute(
                &sql,
                params![
                    r.session_id,
                    r.turn,
                    r.tier,
                    r.prompt,
                    r.output,
                    r.agent_end,
                    r.answer,
                    json(&r.findings),
                    json(&r.undone),
                    r.cost_usd,
                    r.duration_ms as i64
                ],
            )
            .map(|_| ())
            .map_err(|e| classify(&self.path, Op::Write("a review"), e))
    }

    /// Every review of a session, by turn.
    pub fn reviews(&self, session_id: i64) -> Result<Vec<ReviewRow>, StoreError> {
        let read = |e| classify(&self.path, Op::Read("the reviews of a session"), e);
        let sql =
            format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE session_id = ?1 ORDER BY turn");
        let mut stmt = self.conn.prepare(&sql).map_err(read)?;
        let rows = stmt.query_map([session_id], review_row).map_err(read)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(read)
    }

    /// The attempts of the newest audit that had any.
    pub fn last_attempts(&self) -> Result<Vec<AttemptRow>, StoreError> {
        let read = |e| classify(&self.path, Op::Read("the adversary's attempts"), e);
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM adversary_attempts
             WHERE audit_id = (SELECT MAX(audit_id) FROM adversary_attempts) ORDER BY number"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(read)?;
        let rows = stmt.query_map([], attempt_row).map_err(read)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviews_and_attempts_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let session = store.start_session("g", "{}").unwrap();
        let review = ReviewRow {
            session_id: session.id,
            turn: 1,
            tier: "strong".into(),
            prompt: "p".into(),
            output: "o".into(),
            agent_end: "exited with 0".into(),
            answer: "object".into(),
            findings: vec!["the reviewer objects: pin it".into()],
            undone: vec!["src/x".into()],
            cost_usd: Some(0.5),
            duration_ms: 7,
        };
        store.record_review(&review).unwrap();
        let approved = ReviewRow {
            answer: "approve".into(),
            findings: vec![],
            ..review.clone()
        };
        store.record_review(&approved).unwrap();
        let attempt = Attempt {
            number: 1,
            item: "specs/a.feature::A".into(),
            tier: "fast".into(),
            outcome: crate::audit::Outcome::Passes,
            message: "m".into(),
            diff: "+x".into(),
            undone: vec![],
            agent_end: "exited with 0".into(),
            cost_usd: None,
            duration_ms: 3,
            prompt: "p".into(),
            output: "o".into(),
        };
        let audit = crate::audit::Audit {
            attempts: vec![attempt],
            ..Default::default()
        };
        store.record_audit(&audit).unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.reviews(session.id).unwrap(), [approved]);
        let want = AttemptRow {
            number: 1,
            item_id: "specs/a.feature::A".into(),
            tier: "fast".into(),
            prompt: "p".into(),
            output: "o".into(),
            agent_end: "exited with 0".into(),
            outcome: "passes".into(),
            message: "m".into(),
            diff: "+x".into(),
            undone: vec![],
            cost_usd: None,
            duration_ms: 3,
        };
        assert_eq!(store.last_attempts().unwrap(), [want]);
    }
}
