//! The embedded state database under `.specctl/`: every observation recorded, so `status`
//! can tell the last known state without running anything.

mod error;
mod session;

mod audit;
mod history;
mod judges;
mod prune;
mod record;
mod writer;

use record::Recorder;
pub use writer::Writer;

pub use error::StoreError;
use error::{Op, classify};

pub use history::{AuditRow, MutantRow, VerdictRow, age_ms};
pub use judges::{AttemptRow, ReviewRow};
#[cfg(test)]
pub(crate) use session::turn_fixture;
pub use session::{SessionRow, TurnRow, now_ms as session_now_ms};

use crate::config::KEEP;
use crate::observe::{Observation, Verdict};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const DIR: &str = ".specctl";
pub const FILE: &str = "state.db";
/// Bumped whenever the schema changes; an older store is migrated, a newer one refused.
pub const SCHEMA_VERSION: i64 = 7;

/// Each step from one schema version to the next, in order; a store is brought forward
/// step by step, never rebuilt.
const MIGRATIONS: [&str; 7] = [
    "CREATE TABLE IF NOT EXISTS observations (
         id INTEGER PRIMARY KEY,
         observed_at_ms INTEGER NOT NULL,
         item_id TEXT NOT NULL,
         generation TEXT NOT NULL,
         verdict TEXT NOT NULL,
         duration_ms INTEGER NOT NULL,
         message TEXT
     );
     CREATE INDEX IF NOT EXISTS observations_by_item ON observations (item_id, id);",
    "ALTER TABLE observations ADD COLUMN session_id INTEGER;
     CREATE TABLE sessions (
         id INTEGER PRIMARY KEY,
         started_at_ms INTEGER NOT NULL,
         ended_at_ms INTEGER,
         desired_generation TEXT NOT NULL,
         state TEXT NOT NULL,
         end_reason TEXT,
         tier INTEGER NOT NULL DEFAULT 0,
         tier_turns INTEGER NOT NULL DEFAULT 0,
         stall INTEGER NOT NULL DEFAULT 0,
         turns INTEGER NOT NULL DEFAULT 0,
         cost_usd REAL NOT NULL DEFAULT 0,
         ledger TEXT NOT NULL DEFAULT '{}',
         findings TEXT NOT NULL DEFAULT '[]'
     );
     CREATE TABLE turns (
         id INTEGER PRIMARY KEY,
         session_id INTEGER NOT NULL REFERENCES sessions (id),
         number INTEGER NOT NULL,
         tier TEXT NOT NULL,
         phase TEXT NOT NULL,
         items TEXT NOT NULL,
         prompt TEXT NOT NULL,
         prompt_hash TEXT NOT NULL,
         started_at_ms INTEGER NOT NULL,
         state TEXT NOT NULL,
         agent_end TEXT,
         agent_output TEXT,
         agent_summary TEXT,
         cost_usd REAL,
         duration_ms INTEGER,
         gates TEXT NOT NULL DEFAULT '[]',
         before_ref TEXT,
         after_ref TEXT,
         UNIQUE (session_id, number)
     );",
    // v3: wall time that counts across resumes; the verdicts a turn started from, so a turn
    // a killed run cut off is gated on resume exactly as a finished one.
    "ALTER TABLE sessions ADD COLUMN elapsed_ms INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE turns ADD COLUMN before_verdicts TEXT NOT NULL DEFAULT '{}';
     ALTER TABLE turns ADD COLUMN agent_started_at_ms INTEGER;",
    // v4: every audit's mutants and which items they made fail, so `never-red` learns from
    // every audit, not only from observations of the user's tree.
    "CREATE TABLE audits (
         id INTEGER PRIMARY KEY,
         started_at_ms INTEGER NOT NULL,
         duration_ms INTEGER NOT NULL,
         interrupted INTEGER NOT NULL,
         summary TEXT NOT NULL
     );
     CREATE TABLE audit_mutants (
         id INTEGER PRIMARY KEY,
         audit_id INTEGER NOT NULL REFERENCES audits (id),
         file TEXT NOT NULL,
         line INTEGER NOT NULL,
         column INTEGER NOT NULL,
         original TEXT NOT NULL,
         replacement TEXT NOT NULL,
         operator TEXT NOT NULL,
         status TEXT NOT NULL,
         killed_by TEXT NOT NULL
     );
     CREATE TABLE audit_red (
         item_id TEXT NOT NULL,
         audit_id INTEGER NOT NULL REFERENCES audits (id),
         PRIMARY KEY (item_id, audit_id)
     );",
    // v5: the agents that judge. A reviewer's reading of each RED turn, the items still
    // waiting for its approval, and every adversary attempt of an audit.
    "ALTER TABLE sessions ADD COLUMN unapproved TEXT NOT NULL DEFAULT '[]';
     CREATE TABLE reviews (
         id INTEGER PRIMARY KEY,
         session_id INTEGER NOT NULL REFERENCES sessions (id),
         turn INTEGER NOT NULL,
         tier TEXT NOT NULL,
         prompt TEXT NOT NULL,
         output TEXT NOT NULL,
         agent_end TEXT NOT NULL,
         answer TEXT NOT NULL,
         findings TEXT NOT NULL,
         undone TEXT NOT NULL,
         cost_usd REAL,
         duration_ms INTEGER NOT NULL,
         UNIQUE (session_id, turn)
     );
     CREATE TABLE adversary_attempts (
         id INTEGER PRIMARY KEY,
         audit_id INTEGER NOT NULL REFERENCES audits (id),
         number INTEGER NOT NULL,
         item_id TEXT NOT NULL,
         tier TEXT NOT NULL,
         prompt TEXT NOT NULL,
         output TEXT NOT NULL,
         agent_end TEXT NOT NULL,
         outcome TEXT NOT NULL,
         message TEXT NOT NULL,
         diff TEXT NOT NULL,
         undone TEXT NOT NULL,
         cost_usd REAL,
         duration_ms INTEGER NOT NULL
     );",
    // v6: what each agent said of its own turn (its own turns, session id, tokens), and the
    // session's agent failures in a row, so a resumed run skips a failing tier as one would.
    "ALTER TABLE turns ADD COLUMN agent_turns INTEGER;
     ALTER TABLE turns ADD COLUMN agent_session TEXT;
     ALTER TABLE turns ADD COLUMN tokens INTEGER;
     ALTER TABLE sessions ADD COLUMN agent_failures INTEGER NOT NULL DEFAULT 0;",
    // v7: observations are appended in time order with no index by item, so a check writes
    // about its own rows, not a page of that index for every item (5 MB a check at 1,100
    // items). Each item's newest row and how many it holds are in `latest`.
    "CREATE TABLE latest (
         item_id TEXT PRIMARY KEY,
         id INTEGER NOT NULL,
         kept INTEGER NOT NULL
     ) WITHOUT ROWID;
     INSERT INTO latest (item_id, id, kept)
         SELECT item_id, MAX(id), COUNT(*) FROM observations GROUP BY item_id;
     DROP INDEX IF EXISTS observations_by_item;",
];

/// The last observation of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub generation: String,
    pub verdict: Verdict,
    pub duration_ms: u64,
    pub message: Option<String>,
    pub observed_at: SystemTime,
}

pub struct Store {
    conn: Connection,
    /// Observations kept per item (besides its changes of verdict).
    keep: usize,
    path: PathBuf,
}

impl Store {
    /// Opens (creating when needed) the store of the project at `root`.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let dir = root.join(DIR);
        std::fs::create_dir_all(&dir).map_err(|source| StoreError::Create {
            path: dir.clone(),
            source,
        })?;
        // The store is machine state: keep it out of the user's commits without asking them.
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "*\n").map_err(|source| StoreError::Create {
                path: ignore,
                source,
            })?;
        }
        let path = dir.join(FILE);
        let corrupt = |source| classify(&path, Op::Open, source);
        let conn = Connection::open(&path).map_err(corrupt)?;
        // Two specctl processes on one project (a watch and a check) take turns.
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(corrupt)?;
        let mut store = Store {
            conn,
            path,
            keep: KEEP,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Opens the store for `status` and `log`, which only read: a store on a read-only disk
    /// (or in a read-only `.specctl/`) is read as it is.
    pub fn open_to_read(root: &Path) -> Result<Store, StoreError> {
        match Store::open(root) {
            Err(StoreError::ReadOnly { .. } | StoreError::Create { .. }) => {
                Store::open_read_only(root)
            }
            other => other,
        }
    }

    fn open_read_only(root: &Path) -> Result<Store, StoreError> {
        use rusqlite::OpenFlags;
        let path = root.join(DIR).join(FILE);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
        let fail = |source| classify(&path, Op::Read("the store's schema"), source);
        let mut last = None;
        // WAL needs its shared-memory file; where it cannot be made, nothing else can write the
        // store either, so it is read as immutable.
        for uri in [
            format!("file:{}?mode=ro", path.display()),
            format!("file:{}?immutable=1", path.display()),
        ] {
            let conn = match Connection::open_with_flags(&uri, flags) {
                Ok(conn) => conn,
                Err(err) => {
                    last = Some(err);
                    continue;
                }
            };
            let found = conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'schema_version'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .optional();
            match found {
                Ok(Some(found)) if found > SCHEMA_VERSION => {
                    return Err(StoreError::Newer { path, found });
                }
                Ok(Some(found)) if found == SCHEMA_VERSION => {
                    return Ok(Store {
                        conn,
                        path,
                        keep: KEEP,
                    });
                }
                Ok(_) => return Err(StoreError::Stale { path }),
                Err(err) => last = Some(err),
            }
        }
        Err(fail(last.unwrap_or(rusqlite::Error::InvalidQuery)))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let corrupt = |source| classify(&path, Op::Open, source);
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(corrupt)?;
        // With WAL, NORMAL cannot corrupt the store; a power cut may lose the last
        // observation, which the next check makes again.
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(corrupt)?;
        self.checkpoint_on_open().map_err(corrupt)?;
        // IMMEDIATE: two processes opening a fresh store migrate it one after the other.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(corrupt)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
        )
        .map_err(corrupt)?;
        let found: i64 = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(corrupt)?
            .unwrap_or(0);
        if found > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: self.path.clone(),
                found,
            });
        }
        for (version, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(migration).map_err(corrupt)?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
                [version as i64 + 1],
            )
            .map_err(corrupt)?;
        }
        tx.commit().map_err(corrupt)
    }

    /// The log of writes is folded into the database when a store is opened, not when it is
    /// closed: a check opens its store while its evidence runs, but closes it after, when the
    /// fsyncs of a checkpoint would be waited for. PASSIVE never waits for a reader; the log
    /// left behind is the last run's writes, and is reset (cut to `journal_size_limit`) by the
    /// next write after a full checkpoint.
    fn checkpoint_on_open(&self) -> rusqlite::Result<()> {
        use rusqlite::config::DbConfig;
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        self.conn
            .pragma_update(None, "journal_size_limit", 1024 * 1024)?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
    }

    /// Commits never fold the log into the database (a writer that runs beside the evidence
    /// leaves that to the next open).
    pub(crate) fn no_checkpoint_on_commit(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|source| classify(&self.path, Op::Open, source))
    }

    /// This store, keeping `keep` observations per item (at least one) besides every change
    /// of verdict.
    pub fn keeping(mut self, keep: usize) -> Store {
        self.keep = keep.max(1);
        self
    }

    /// Records one observation's results in one transaction.
    pub fn record(&mut self, observations: &[Observation]) -> Result<(), StoreError> {
        self.record_in(observations, None)
    }

    /// Records an observation made for a reconcile session.
    pub fn record_in(
        &mut self,
        observations: &[Observation],
        session: Option<i64>,
    ) -> Result<(), StoreError> {
        let keep = self.keep;
        self.transaction(|tx| {
            let turn = record::begin(tx)?;
            let mut recorder = Recorder::new(tx, session)?;
            observations.iter().try_for_each(|o| recorder.add(o))?;
            drop(recorder);
            record::end(tx, turn, keep)
        })
    }

    /// Runs `write` in one write transaction.
    fn transaction(
        &mut self,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let failed = |source| classify(&path, Op::Write("an observation"), source);
        let tx = self.conn.transaction().map_err(failed)?;
        write(&tx).map_err(failed)?;
        tx.commit().map_err(failed)
    }

    /// The newest observation of every item ever observed.
    pub fn latest(&self) -> Result<HashMap<String, Stored>, StoreError> {
        let corrupt = |source| classify(&self.path, Op::Read("the last observations"), source);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT o.item_id, o.generation, o.verdict, o.duration_ms, o.message, o.observed_at_ms
                 FROM latest l JOIN observations o ON o.id = l.id",
            )
            .map_err(corrupt)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .map_err(corrupt)?;
        let mut latest = HashMap::new();
        for row in rows {
            let (id, generation, verdict, duration_ms, message, at) = row.map_err(corrupt)?;
            // A verdict this version does not know is reported as an error, never guessed.
            let verdict = Verdict::parse(&verdict).unwrap_or(Verdict::Error);
            latest.insert(
                id,
                Stored {
                    generation,
                    verdict,
                    duration_ms: duration_ms.max(0) as u64,
                    message,
                    observed_at: UNIX_EPOCH + Duration::from_millis(at.max(0) as u64),
                },
            );
        }
        Ok(latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(id: &str, generation: &str, verdict: Verdict) -> Observation {
        Observation {
            id: id.into(),
            generation: generation.into(),
            verdict,
            duration_ms: 5,
            message: None,
        }
    }

    #[test]
    fn records_and_reads_the_latest_per_item() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store
            .record(&[obs("a", "g1", Verdict::Fail), obs("b", "g1", Verdict::Pass)])
            .unwrap();
        store.record(&[obs("a", "g2", Verdict::Pass)]).unwrap();
        let latest = Store::open(dir.path()).unwrap().latest().unwrap();
        assert_eq!(latest["a"].verdict, Verdict::Pass);
        assert_eq!(latest["a"].generation, "g2");
        assert_eq!(latest["b"].verdict, Verdict::Pass);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".specctl/.gitignore")).unwrap(),
            "*\n"
        );
    }

    #[test]
    fn a_corrupt_store_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        std::fs::write(
            dir.path().join(DIR).join(FILE),
            b"this is not a database at all, not even close....",
        )
        .unwrap();
        let err = Store::open(dir.path()).err().expect("an error");
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("remove it and run again"), "{err}");
    }

    #[test]
    fn a_store_is_read_where_it_cannot_be_written_if_it_is_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path())
            .unwrap()
            .record(&[obs("a", "g1", Verdict::Fail)])
            .unwrap();
        let read = Store::open_read_only(dir.path()).unwrap().latest().unwrap();
        assert_eq!(read["a"].verdict, Verdict::Fail);
        let conn = Connection::open(dir.path().join(DIR).join(FILE)).unwrap();
        conn.execute("UPDATE meta SET value = 2 WHERE key = 'schema_version'", [])
            .unwrap();
        drop(conn);
        let err = Store::open_read_only(dir.path()).err().expect("an error");
        assert!(matches!(err, StoreError::Stale { .. }), "{err}");
        assert!(err.to_string().contains("make .specctl/ writable"), "{err}");
    }

    #[test]
    fn a_store_of_schema_6_keeps_its_history_and_its_latest_in_schema_7() {
        // A v6 store, made as v6 made it: the first six migrations, rows written by hand.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        let conn = Connection::open(dir.path().join(DIR).join(FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
             INSERT INTO meta VALUES ('schema_version', 6);",
        )
        .unwrap();
        for migration in &MIGRATIONS[..6] {
            conn.execute_batch(migration).unwrap();
        }
        for (n, (item, verdict)) in [("a", "fail"), ("b", "pass"), ("a", "pass")]
            .iter()
            .enumerate()
        {
            conn.execute(
                "INSERT INTO observations (observed_at_ms, item_id, generation, verdict, duration_ms)
                 VALUES (?1, ?2, 'g', ?3, 1)",
                rusqlite::params![n as i64, item, verdict],
            )
            .unwrap();
        }
        drop(conn);
        let store = Store::open(dir.path()).unwrap();
        let latest = store.latest().unwrap();
        assert_eq!(latest["a"].verdict, Verdict::Pass);
        assert_eq!(latest["b"].verdict, Verdict::Pass);
        let history: Vec<Verdict> = store
            .history("a", 10)
            .unwrap()
            .iter()
            .map(|r| r.verdict)
            .collect();
        assert_eq!(history, [Verdict::Pass, Verdict::Fail]);
        let (kept, index): (i64, i64) = store
            .conn
            .query_row(
                "SELECT (SELECT kept FROM latest WHERE item_id = 'a'),
                        (SELECT COUNT(*) FROM sqlite_master WHERE name = 'observations_by_item')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (kept, index),
            (2, 0),
            "a's two rows counted, the old index gone"
        );
    }

    #[test]
    fn a_newer_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(DIR).join(FILE)).unwrap();
        conn.execute(
            "UPDATE meta SET value = 99 WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
        drop(conn);
        let err = Store::open(dir.path()).err().expect("an error");
        assert!(matches!(err, StoreError::Newer { found: 99, .. }), "{err}");
    }
}
