//! Reconcile sessions and their turns in the store: every input and output of the loop,
//! written as the loop goes, so a run killed anywhere resumes where it stood.

use super::{Op, Store, StoreError, classify};
use rusqlite::{OptionalExtension, Row, params};
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64
}

/// Where a session stands: enough to resume it exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub started_at_ms: i64,
    pub desired_generation: String,
    /// open | converged | stopped | superseded
    pub state: String,
    pub end_reason: Option<String>,
    pub tier: usize,
    pub tier_turns: u32,
    pub stall: u32,
    /// Turns in a row whose agent failed for a reason outside the code.
    pub agent_failures: u32,
    pub turns: u32,
    pub cost_usd: f64,
    /// Wall time spent in the session's runs so far, across resumes.
    pub elapsed_ms: u64,
    /// The session's ledger as the loop wrote it (JSON): the store keeps it, never reads it.
    pub ledger: String,
    /// What the last finished turn left for the next one.
    pub findings: Vec<String>,
    /// Items whose RED evidence waits for the reviewer's approval.
    pub unapproved: Vec<String>,
}

/// One turn: its inputs, what the agent did, and what the gates made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRow {
    pub session_id: i64,
    pub number: u32,
    pub tier: String,
    pub phase: String,
    pub items: Vec<String>,
    pub prompt: String,
    pub prompt_hash: String,
    pub started_at_ms: i64,
    /// running | done | interrupted
    pub state: String,
    pub agent_end: Option<String>,
    pub agent_output: Option<String>,
    pub agent_summary: Option<String>,
    pub cost_usd: Option<f64>,
    /// The agent's own turns, its session id and its tokens, where it reported them.
    pub agent_turns: Option<u64>,
    pub agent_session: Option<String>,
    pub tokens: Option<u64>,
    pub duration_ms: Option<u64>,
    pub gates: Vec<String>,
    pub before_ref: Option<String>,
    pub after_ref: Option<String>,
    /// The verdicts the turn started from (JSON, id to verdict), for gating it on resume.
    pub before_verdicts: String,
    /// When its agent was started; `None`: it never was, so the turn changed nothing.
    pub agent_started_at_ms: Option<i64>,
}

const SESSION_COLUMNS: &str = "id, started_at_ms, desired_generation, state, end_reason, tier, tier_turns, stall, turns, cost_usd, ledger, findings, elapsed_ms, unapproved, agent_failures";
const TURN_COLUMNS: &str = "session_id, number, tier, phase, items, prompt, prompt_hash, started_at_ms, state, agent_end, \
     agent_output, agent_summary, cost_usd, duration_ms, gates, before_ref, after_ref, before_verdicts, agent_started_at_ms, agent_turns, agent_session, tokens";

fn session_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    let ledger: String = r.get(10)?;
    let findings: String = r.get(11)?;
    Ok(SessionRow {
        id: r.get(0)?,
        started_at_ms: r.get(1)?,
        desired_generation: r.get(2)?,
        state: r.get(3)?,
        end_reason: r.get(4)?,
        tier: r.get::<_, i64>(5)?.max(0) as usize,
        tier_turns: r.get::<_, i64>(6)?.max(0) as u32,
        stall: r.get::<_, i64>(7)?.max(0) as u32,
        turns: r.get::<_, i64>(8)?.max(0) as u32,
        cost_usd: r.get(9)?,
        ledger,
        findings: serde_json::from_str(&findings).map_err(|e| bad_json(11, e))?,
        elapsed_ms: r.get::<_, i64>(12)?.max(0) as u64,
        unapproved: serde_json::from_str(&r.get::<_, String>(13)?).map_err(|e| bad_json(13, e))?,
        agent_failures: r.get::<_, i64>(14)?.max(0) as u32,
    })
}

fn turn_row(r: &Row<'_>) -> rusqlite::Result<TurnRow> {
    let items: String = r.get(4)?;
    let gates: String = r.get(14)?;
    Ok(TurnRow {
        session_id: r.get(0)?,
        number: r.get::<_, i64>(1)?.max(0) as u32,
        tier: r.get(2)?,
        phase: r.get(3)?,
        items: serde_json::from_str(&items).map_err(|e| bad_json(4, e))?,
        prompt: r.get(5)?,
        prompt_hash: r.get(6)?,
        started_at_ms: r.get(7)?,
        state: r.get(8)?,
        agent_end: r.get(9)?,
        agent_output: r.get(10)?,
        agent_summary: r.get(11)?,
        cost_usd: r.get(12)?,
        duration_ms: r.get::<_, Option<i64>>(13)?.map(|d| d.max(0) as u64),
        gates: serde_json::from_str(&gates).map_err(|e| bad_json(14, e))?,
        before_ref: r.get(15)?,
        after_ref: r.get(16)?,
        before_verdicts: r.get(17)?,
        agent_started_at_ms: r.get(18)?,
        agent_turns: r.get::<_, Option<i64>>(19)?.map(|n| n.max(0) as u64),
        agent_session: r.get(20)?,
        tokens: r.get::<_, Option<i64>>(21)?.map(|n| n.max(0) as u64),
    })
}

/// A column that should hold JSON and does not: the store is damaged.
pub(super) fn bad_json(column: usize, err: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(err))
}

pub(super) fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Lists of strings always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

impl Store {
    fn failed(&self, op: Op) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| classify(&self.path, op, source)
    }

    /// The session still open, if any.
    pub fn open_session(&self) -> Result<Option<SessionRow>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE state = 'open' ORDER BY id DESC LIMIT 1"),
                [],
                session_row,
            )
            .optional()
            .map_err(self.failed(Op::Read("the open session")))
    }

    /// A session by id, or the newest one.
    pub fn session(&self, id: Option<i64>) -> Result<Option<SessionRow>, StoreError> {
        let sql = match id {
            Some(_) => format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"),
            None => format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE ?1 IS NULL ORDER BY id DESC LIMIT 1"
            ),
        };
        self.conn
            .query_row(&sql, [id], session_row)
            .optional()
            .map_err(self.failed(Op::Read("a session")))
    }

    /// Opens a new session; any session still open is closed as superseded.
    pub fn start_session(
        &mut self,
        desired_generation: &str,
        ledger: &str,
    ) -> Result<SessionRow, StoreError> {
        let path = self.path.clone();
        let write = |source| classify(&path, Op::Write("a new session"), source);
        let now = now_ms();
        let tx = self.conn.transaction().map_err(write)?;
        tx.execute(
            "UPDATE sessions SET state = 'superseded', ended_at_ms = ?1, end_reason = 'a new session began' WHERE state = 'open'",
            [now],
        )
        .map_err(write)?;
        tx.execute(
            "INSERT INTO sessions (started_at_ms, desired_generation, state, ledger) VALUES (?1, ?2, 'open', ?3)",
            params![now, desired_generation, ledger],
        )
        .map_err(write)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(write)?;
        Ok(SessionRow {
            id,
            started_at_ms: now,
            desired_generation: desired_generation.to_string(),
            state: "open".into(),
            end_reason: None,
            tier: 0,
            tier_turns: 0,
            stall: 0,
            agent_failures: 0,
            turns: 0,
            cost_usd: 0.0,
            elapsed_ms: 0,
            ledger: ledger.to_string(),
            findings: Vec::new(),
            unapproved: Vec::new(),
        })
    }

    /// Closes a session: converged, stopped (a budget ran out) or superseded.
    pub fn end_session(&mut self, id: i64, state: &str, reason: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sessions SET state = ?2, end_reason = ?3, ended_at_ms = ?4 WHERE id = ?1",
                params![id, state, reason, now_ms()],
            )
            .map(|_| ())
            .map_err(self.failed(Op::Write("the end of a session")))
    }

    /// Turns a previous run left `running` (it was killed) become `interrupted`; returns
    /// their numbers.
    pub fn interrupt_running_turns(&mut self, session_id: i64) -> Result<Vec<u32>, StoreError> {
        let numbers: Vec<u32> = {
            let mut stmt = self
                .conn
                .prepare("SELECT number FROM turns WHERE session_id = ?1 AND state = 'running' ORDER BY number")
                .map_err(self.failed(Op::Write("the turns a killed run cut off")))?;
            let rows = stmt
                .query_map([session_id], |r| r.get::<_, i64>(0))
                .map_err(self.failed(Op::Write("the turns a killed run cut off")))?;
            rows.map(|n| n.map(|n| n.max(0) as u32))
                .collect::<Result<_, _>>()
                .map_err(self.failed(Op::Read("the turns a killed run cut off")))?
        };
        self.conn
            .execute("UPDATE turns SET state = 'interrupted' WHERE session_id = ?1 AND state = 'running'", [session_id])
            .map_err(self.failed(Op::Write("the turns a killed run cut off")))?;
        Ok(numbers)
    }

    /// A turn starts: its row and the session's turn count, in one transaction.
    pub fn begin_turn(&mut self, session: &SessionRow, turn: &TurnRow) -> Result<(), StoreError> {
        let path = self.path.clone();
        let write = |source| classify(&path, Op::Write("the start of a turn"), source);
        let tx = self.conn.transaction().map_err(write)?;
        tx.execute(
            &format!("INSERT INTO turns ({TURN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"),
            params![
                turn.session_id,
                turn.number,
                turn.tier,
                turn.phase,
                json(&turn.items),
                turn.prompt,
                turn.prompt_hash,
                turn.started_at_ms,
                turn.state,
                turn.agent_end,
                turn.agent_output,
                turn.agent_summary,
                turn.cost_usd,
                turn.duration_ms.map(|d| d as i64),
                json(&turn.gates),
                turn.before_ref,
                turn.after_ref,
                turn.before_verdicts,
                turn.agent_started_at_ms,
                turn.agent_turns.map(|n| n as i64),
                turn.agent_session,
                turn.tokens.map(|n| n as i64)
            ],
        )
        .map_err(write)?;
        save_session(&tx, session).map_err(write)?;
        tx.commit().map_err(write)
    }

    /// The turn's agent is about to start: from here on the tree may hold its edits.
    pub fn agent_started(&mut self, session_id: i64, number: u32) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE turns SET agent_started_at_ms = ?3 WHERE session_id = ?1 AND number = ?2",
                params![session_id, number, now_ms()],
            )
            .map(|_| ())
            .map_err(self.failed(Op::Write("the start of an agent")))
    }

    /// The wall time a session has spent so far, while its agent works.
    pub fn record_elapsed(&mut self, session: &SessionRow) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sessions SET elapsed_ms = ?2 WHERE id = ?1",
                params![session.id, session.elapsed_ms as i64],
            )
            .map(|_| ())
            .map_err(self.failed(Op::Write("the wall time spent")))
    }

    /// What the agent did, and the money it spent, recorded as soon as it is known.
    pub fn record_agent(&mut self, session: &SessionRow, turn: &TurnRow) -> Result<(), StoreError> {
        let path = self.path.clone();
        let write = |source| classify(&path, Op::Write("what the agent did"), source);
        let tx = self.conn.transaction().map_err(write)?;
        tx.execute(
            "UPDATE turns SET agent_end = ?3, agent_output = ?4, agent_summary = ?5, cost_usd = ?6, duration_ms = ?7, after_ref = ?8, state = ?9,
             agent_turns = ?10, agent_session = ?11, tokens = ?12
             WHERE session_id = ?1 AND number = ?2",
            params![
                turn.session_id,
                turn.number,
                turn.agent_end,
                turn.agent_output,
                turn.agent_summary,
                turn.cost_usd,
                turn.duration_ms.map(|d| d as i64),
                turn.after_ref,
                turn.state,
                turn.agent_turns.map(|n| n as i64),
                turn.agent_session,
                turn.tokens.map(|n| n as i64)
            ],
        )
        .map_err(write)?;
        save_session(&tx, session).map_err(write)?;
        crate::failpoint::hit("agent-recorded-before-commit");
        tx.commit().map_err(write)
    }

    /// A turn ends: its gates and the session's new standing, in one transaction.
    pub fn finish_turn(
        &mut self,
        session: &SessionRow,
        number: u32,
        state: &str,
        gates: &[String],
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let write = |source| classify(&path, Op::Write("the end of a turn"), source);
        let tx = self.conn.transaction().map_err(write)?;
        tx.execute(
            "UPDATE turns SET state = ?4, gates = ?3 WHERE session_id = ?1 AND number = ?2",
            params![session.id, number, json(&gates), state],
        )
        .map_err(write)?;
        crate::failpoint::hit("turn-finishing-before-commit");
        save_session(&tx, session).map_err(write)?;
        tx.commit().map_err(write)
    }

    /// Every turn of a session, in order.
    pub fn turns(&self, session_id: i64) -> Result<Vec<TurnRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {TURN_COLUMNS} FROM turns WHERE session_id = ?1 ORDER BY number"
            ))
            .map_err(self.failed(Op::Read("the turns of a session")))?;
        let rows = stmt
            .query_map([session_id], turn_row)
            .map_err(self.failed(Op::Read("the turns of a session")))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(self.failed(Op::Read("the turns of a session")))
    }
}

fn save_session(tx: &rusqlite::Transaction<'_>, s: &SessionRow) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE sessions SET tier = ?2, tier_turns = ?3, stall = ?4, turns = ?5, cost_usd = ?6, ledger = ?7, findings = ?8, elapsed_ms = ?9, unapproved = ?10, agent_failures = ?11 WHERE id = ?1",
        params![s.id, s.tier as i64, s.tier_turns, s.stall, s.turns, s.cost_usd, s.ledger, json(&s.findings), s.elapsed_ms as i64, json(&s.unapproved), s.agent_failures],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_and_its_turns_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let mut session = store.start_session("g1", "{}").unwrap();
        session.turns = 1;
        session.cost_usd = 0.5;
        let turn = TurnRow {
            session_id: session.id,
            number: 1,
            tier: "fast".into(),
            phase: "green".into(),
            items: vec!["a".into()],
            prompt: "fix a".into(),
            prompt_hash: "h".into(),
            started_at_ms: now_ms(),
            state: "running".into(),
            agent_end: None,
            agent_output: None,
            agent_summary: None,
            cost_usd: None,
            agent_turns: Some(3),
            agent_session: Some("s-1".into()),
            tokens: Some(1200),
            duration_ms: None,
            gates: vec![],
            before_ref: Some("abc".into()),
            after_ref: None,
            before_verdicts: "{}".into(),
            agent_started_at_ms: None,
        };
        store.begin_turn(&session, &turn).unwrap();
        drop(store);

        let mut store = Store::open(dir.path()).unwrap();
        let open = store.open_session().unwrap().unwrap();
        assert_eq!((open.id, open.turns, open.cost_usd), (session.id, 1, 0.5));
        assert_eq!(store.interrupt_running_turns(open.id).unwrap(), [1]);
        let turns = store.turns(open.id).unwrap();
        assert_eq!(turns[0].state, "interrupted");
        assert_eq!(turns[0].prompt, "fix a");
        assert_eq!(turns[0].before_ref.as_deref(), Some("abc"));
        assert_eq!(
            (
                turns[0].agent_turns,
                turns[0].agent_session.as_deref(),
                turns[0].tokens
            ),
            (Some(3), Some("s-1"), Some(1200))
        );

        let next = store.start_session("g2", "{}").unwrap();
        assert_eq!(
            store.session(Some(open.id)).unwrap().unwrap().state,
            "superseded"
        );
        assert_eq!(store.open_session().unwrap().unwrap().id, next.id);
        store
            .end_session(next.id, "converged", "every item holds")
            .unwrap();
        assert_eq!(store.open_session().unwrap(), None);
        assert_eq!(store.session(None).unwrap().unwrap().state, "converged");
    }
}
