//! Outside git: the protected files' contents kept in memory around a turn, so edits to them
//! can still be undone. It cannot hold the whole tree, so a regression cannot be rolled back.

use super::{Workspace, WorkspaceError};
use crate::reconcile::gate::Protection;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct Copy {
    root: PathBuf,
    protection: Protection,
}

impl Copy {
    pub fn new(root: PathBuf, protection: Protection) -> Copy {
        Copy { root, protection }
    }

    /// Every file of the project that some phase may not touch.
    fn covered(&self) -> Vec<String> {
        ignore::WalkBuilder::new(&self.root)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".specctl" && e.file_name() != ".git")
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter_map(|e| {
                e.path()
                    .strip_prefix(&self.root)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .filter(|p| self.protection.covers(p))
            .collect()
    }
}

pub type Files = BTreeMap<String, Vec<u8>>;

impl Workspace for Copy {
    type Snapshot = Files;

    fn whole_tree(&self) -> bool {
        false
    }

    fn id(_: &Files) -> Option<String> {
        None
    }

    async fn snapshot(&self, _label: &str) -> Result<Files, WorkspaceError> {
        let mut files = Files::new();
        for path in self.covered() {
            let bytes =
                std::fs::read(self.root.join(&path)).map_err(|source| WorkspaceError::Read {
                    path: path.clone(),
                    source,
                })?;
            files.insert(path, bytes);
        }
        Ok(files)
    }

    async fn keep(&self, _name: &str, _snapshot: &Files) -> Result<(), WorkspaceError> {
        Ok(())
    }

    async fn changed(&self, from: &Files, to: &Files) -> Result<Vec<String>, WorkspaceError> {
        let mut changed: Vec<String> = from
            .keys()
            .chain(to.keys())
            .filter(|p| from.get(*p) != to.get(*p))
            .cloned()
            .collect();
        changed.sort();
        changed.dedup();
        Ok(changed)
    }

    async fn restore(&self, to: &Files, paths: &[String]) -> Result<(), WorkspaceError> {
        for path in paths {
            let file = self.root.join(path);
            let failed = |source| WorkspaceError::Restore {
                path: path.clone(),
                source,
            };
            match to.get(path) {
                Some(bytes) => {
                    if let Some(parent) = file.parent() {
                        std::fs::create_dir_all(parent).map_err(failed)?;
                    }
                    std::fs::write(&file, bytes).map_err(failed)?;
                }
                None if file.is_file() || file.is_symlink() => {
                    std::fs::remove_file(&file).map_err(failed)?
                }
                None => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn protected_edits_are_seen_and_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("evidence")).unwrap();
        std::fs::write(root.join("evidence/run.sh"), "exit 1\n").unwrap();
        std::fs::write(root.join("code.txt"), "v1\n").unwrap();
        let protection = Protection::new(&["evidence/**".into()], Default::default()).unwrap();
        let copy = Copy::new(root.to_path_buf(), protection);
        let before = copy.snapshot("before").await.unwrap();
        std::fs::write(root.join("evidence/run.sh"), "exit 0\n").unwrap();
        std::fs::write(root.join("evidence/new.sh"), "true\n").unwrap();
        std::fs::write(root.join("code.txt"), "v2\n").unwrap();
        let after = copy.snapshot("after").await.unwrap();
        let changed = copy.changed(&before, &after).await.unwrap();
        assert_eq!(changed, ["evidence/new.sh", "evidence/run.sh"]);
        copy.restore(&before, &changed).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("evidence/run.sh")).unwrap(),
            "exit 1\n"
        );
        assert!(!root.join("evidence/new.sh").exists());
        assert_eq!(
            std::fs::read_to_string(root.join("code.txt")).unwrap(),
            "v2\n"
        );
        assert!(!copy.whole_tree());
    }
}
