//! Outside git: the protected files' contents kept around a turn (in memory, and on disk
//! under `.specctl/copies/` so a resume after `kill -9` can still undo edits to them). It
//! cannot hold the whole tree, so a regression cannot be rolled back.

use super::{Workspace, WorkspaceError};
use crate::reconcile::gate::Protection;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct Copy {
    root: PathBuf,
    protection: Protection,
}

/// The manifest of a kept copy: every path it holds, one a line; each file's bytes sit
/// beside it under `files/`.
const MANIFEST: &str = "paths";

impl Copy {
    pub fn new(root: PathBuf, protection: Protection) -> Copy {
        Copy { root, protection }
    }

    fn copies(&self) -> PathBuf {
        self.root.join(crate::store::DIR).join("copies")
    }

    /// Writes `files` to disk, for a resume to find; returns the copy's name.
    fn persist(&self, label: &str, files: &Files) -> Result<String, WorkspaceError> {
        let name = format!(
            "{}-{}",
            crate::store::session_now_ms(),
            label.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let dir = self.copies().join(&name);
        let failed = |path: &std::path::Path| {
            let path = path.display().to_string();
            move |source| WorkspaceError::Restore { path, source }
        };
        for (path, bytes) in files {
            let file = dir.join("files").join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(failed(parent))?;
            }
            std::fs::write(&file, bytes).map_err(failed(&file))?;
        }
        std::fs::create_dir_all(&dir).map_err(failed(&dir))?;
        let manifest: Vec<&str> = files.keys().map(String::as_str).collect();
        let list = dir.join(MANIFEST);
        std::fs::write(&list, manifest.join("\n")).map_err(failed(&list))?;
        Ok(name)
    }

    /// Every file of the project that some phase may not touch.
    fn covered(&self) -> Vec<String> {
        covered(&self.root, &self.protection)
    }
}

/// Every file of the project at `root` that some phase may not touch, as it is now.
pub(crate) fn covered(root: &std::path::Path, protection: &Protection) -> Vec<String> {
    ignore::WalkBuilder::new(root)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".specctl" && e.file_name() != ".git")
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            e.path()
                .strip_prefix(root)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .filter(|p| protection.covers(p))
        .collect()
}

pub type Files = BTreeMap<String, Vec<u8>>;

/// A copy of the protected files, and its name on disk where it was kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub files: Files,
    pub name: Option<String>,
}

impl Workspace for Copy {
    type Snapshot = Kept;

    fn whole_tree(&self) -> bool {
        false
    }

    fn id(kept: &Kept) -> Option<String> {
        kept.name.clone()
    }

    async fn paths(&self, kept: &Kept) -> Result<Vec<String>, WorkspaceError> {
        Ok(kept.files.keys().cloned().collect())
    }

    fn find(&self, id: &str) -> Result<Kept, WorkspaceError> {
        let dir = self.copies().join(id);
        let read = |path: std::path::PathBuf| {
            std::fs::read(&path).map_err(|source| WorkspaceError::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let manifest = String::from_utf8_lossy(&read(dir.join(MANIFEST))?).into_owned();
        let mut files = Files::new();
        for path in manifest.lines().filter(|l| !l.is_empty()) {
            files.insert(path.to_string(), read(dir.join("files").join(path))?);
        }
        Ok(Kept {
            files,
            name: Some(id.to_string()),
        })
    }

    async fn release(&self, kept: &Kept) {
        if let Some(name) = &kept.name {
            // A copy left behind costs disk only; the next release or `rm -r .specctl/copies`
            // takes it.
            let _ = std::fs::remove_dir_all(self.copies().join(name));
        }
    }

    async fn snapshot(&self, label: &str) -> Result<Kept, WorkspaceError> {
        let files = self.read_covered()?;
        let name = self.persist(label, &files)?;
        Ok(Kept {
            files,
            name: Some(name),
        })
    }

    async fn keep(&self, _name: &str, _snapshot: &Kept) -> Result<(), WorkspaceError> {
        Ok(())
    }

    async fn changed(&self, from: &Kept, to: &Kept) -> Result<Vec<String>, WorkspaceError> {
        let (from, to) = (&from.files, &to.files);
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

    async fn diff(
        &self,
        from: &Kept,
        to: &Kept,
        paths: &[String],
    ) -> Result<String, WorkspaceError> {
        Ok(paths
            .iter()
            .map(|p| {
                let (a, b) = (from.files.get(p), to.files.get(p));
                super::unified(p, a.map(Vec::as_slice), b.map(Vec::as_slice))
            })
            .collect())
    }

    async fn restore(&self, to: &Kept, paths: &[String]) -> Result<(), WorkspaceError> {
        let to = &to.files;
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

impl Copy {
    fn read_covered(&self) -> Result<Files, WorkspaceError> {
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
        let again = copy.find(before.name.as_deref().unwrap()).unwrap();
        assert_eq!(again, before, "a resume reads the same copy back");
        copy.release(&before).await;
        assert!(copy.find(before.name.as_deref().unwrap()).is_err());
    }
}
