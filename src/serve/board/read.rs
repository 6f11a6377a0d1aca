//! What the board's views read, each from the files and the store as they are now: the I/O
//! at the edge of the pure documents in `item`, `sessions` and `audit`.

use super::sessions::{self, Diff};
use super::{BoardError, audit, item};
use crate::config::Config;
use crate::desired::{self, Item};
use crate::reconcile::workspace::Git;
use crate::store::{self, Store};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use tokio::sync::watch;

/// How many sessions and verdicts the page is given at most.
const SESSIONS: usize = 10;
const HISTORY: usize = 30;

/// The store, where one has been written; `None` before the first observation.
fn store(root: &Path) -> Result<Option<Store>, BoardError> {
    if !root.join(store::DIR).join(store::FILE).is_file() {
        return Ok(None);
    }
    Ok(Some(Store::open_to_read(root)?))
}

/// The configuration and items as they are on disk now. A broken specctl.yaml is an error
/// the view shows: read as the defaults, it would name evidence the project does not use.
fn desired(root: &Path) -> Result<(Config, Vec<Item>), BoardError> {
    let config = Config::load(root)?;
    let state = desired::load(root, &config);
    Ok((config, state.items))
}

/// One item's document, `None` when there is no such item.
pub fn item(root: &Path, id: &str) -> Result<Option<Value>, BoardError> {
    let (config, items) = desired(root)?;
    let Some(found) = items.iter().find(|i| i.id == id) else {
        return Ok(None);
    };
    let history = match store(root)? {
        Some(s) => s.history(id, HISTORY)?,
        None => Vec::new(),
    };
    Ok(Some(item::document(found, &config, &history)))
}

/// The audit document: the static rules over the items now, the newest recorded audit.
pub fn audit(root: &Path) -> Result<Value, BoardError> {
    let (config, items) = desired(root)?;
    let selected: Vec<&Item> = items.iter().collect();
    let documents = crate::audit::specs::documents(root, &config, &selected);
    let mut findings = crate::audit::rules::check(&selected, &documents, &config);
    let (last, red) = match store(root)? {
        Some(s) => (s.last_audit()?, s.red_items()?),
        None => Default::default(),
    };
    // As `specctl audit` without --mutants says it: a hint, for what nothing has seen fail.
    findings.extend(crate::audit::rules::never_red(&selected, &red, false));
    crate::audit::finding::sort(&mut findings);
    let coverage = crate::audit::sources::Coverage::new(&config, &selected);
    let sources = audit::Sources {
        covered_by: &|file| coverage.of(file),
        read: &|file| std::fs::read_to_string(root.join(file)).ok(),
    };
    Ok(audit::document(&findings, last.as_ref(), &sources))
}

/// The sessions and their turns, newest session first, without their diffs.
pub fn sessions(root: &Path) -> Result<Vec<(store::SessionRow, Vec<store::TurnRow>)>, BoardError> {
    let Some(s) = store(root)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for session in s.sessions(SESSIONS)? {
        let turns = s.turns(session.id)?;
        out.push((session, turns));
    }
    Ok(out)
}

/// Snapshots never change, so each turn's diff is read from git once.
#[derive(Default)]
pub struct Diffs {
    known: Mutex<HashMap<(String, String), Diff>>,
}

impl Diffs {
    /// The sessions document with each turn's diff from its snapshots.
    pub async fn document(
        &self,
        root: &Path,
        found: Vec<(store::SessionRow, Vec<store::TurnRow>)>,
    ) -> Value {
        // The board never interrupts git: it reads, and a read ends by itself.
        let (_keep, interrupt) = watch::channel(false);
        let git = Git::discover(root, interrupt).await;
        let mut out = Vec::new();
        for (session, turns) in found {
            let mut with = Vec::new();
            for t in turns {
                let diff = match sessions::no_snapshots(&t) {
                    Some(why) => why,
                    None => self.diff(&git, &t).await,
                };
                with.push((t, diff));
            }
            out.push((session, with));
        }
        sessions::document(&out)
    }

    async fn diff(
        &self,
        git: &Result<Option<Git>, crate::reconcile::workspace::WorkspaceError>,
        t: &store::TurnRow,
    ) -> Diff {
        let (Some(before), Some(after)) = (t.before_ref.clone(), t.after_ref.clone()) else {
            return Diff::Missing("the turn has no snapshots".into());
        };
        let key = (before.clone(), after.clone());
        if let Some(known) = self.lock().get(&key) {
            return known.clone();
        }
        let git = match git {
            Ok(Some(git)) => git,
            Ok(None) => {
                return Diff::Missing(
                    "not a git repository: the turn's snapshots are copies of the protected files only"
                        .into(),
                );
            }
            Err(err) => return Diff::Missing(err.to_string()),
        };
        let read = async {
            let paths = git.changed(&before, &after).await?;
            git.diff(&before, &after, &paths).await
        };
        let diff = match read.await {
            Ok(text) => Diff::Text(text),
            Err(err) => return Diff::Missing(err.to_string()),
        };
        self.lock().insert(key, diff.clone());
        diff
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Diff>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_specctl_yaml_is_the_views_error_not_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("specctl.yaml"), "evidence: [\n").unwrap();
        let err = item(dir.path(), "anything").expect_err("an error");
        assert!(err.to_string().starts_with("specctl.yaml:"), "{err}");
        let err = audit(dir.path()).expect_err("an error");
        assert!(matches!(err, BoardError::Config(_)), "{err}");
    }

    #[test]
    fn before_any_store_there_is_no_history_and_no_session() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("aspects")).unwrap();
        std::fs::write(
            dir.path().join("aspects/lean.md"),
            "---\nname: lean\nevidence: \"true\"\n---\nSmall.\n",
        )
        .unwrap();
        let doc = item(dir.path(), "aspect:lean").unwrap().expect("the item");
        assert_eq!(doc["history"], serde_json::json!([]));
        assert_eq!(item(dir.path(), "aspect:other").unwrap(), None);
        assert_eq!(sessions(dir.path()).unwrap(), Vec::new());
        assert!(
            !dir.path().join(store::DIR).exists(),
            "reading made a store"
        );
    }
}
