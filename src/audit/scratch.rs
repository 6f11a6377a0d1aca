//! A scratch copy of the project for mutants: made under specctl's own temporary folder
//! (swept after a `kill -9`), so whatever a mutant does, the user's tree is never written.

use super::{AuditError, Mutant};
use std::fs;
use std::path::{Path, PathBuf};

/// Never copied: git's own data, specctl's state, and build output a runner rebuilds.
pub(super) const SKIPPED: [&str; 4] = [".git", ".specctl", "target", "__pycache__"];
/// Linked, not copied: installed packages are large, read-only to evidence, never mutated.
pub(super) const LINKED: [&str; 3] = ["node_modules", ".venv", "venv"];

/// One copy; mutants are applied to it one at a time and undone after each.
pub(crate) struct Slot {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// The modification time the last write was given (see `stamp`).
    stamped: std::cell::Cell<std::time::SystemTime>,
}

impl Slot {
    /// Copies the project at `from` into a fresh scratch folder.
    pub(crate) fn new(from: &Path) -> Result<Slot, AuditError> {
        let dir =
            crate::process::scratch::tempdir("audit-").map_err(|source| AuditError::Copy {
                path: from.to_path_buf(),
                source,
            })?;
        let root = dir.path().join("project");
        copy_tree(from, &root).map_err(|source| AuditError::Copy {
            path: from.to_path_buf(),
            source,
        })?;
        Ok(Slot {
            _dir: dir,
            root,
            // The copies were dated now: the first mutant must be dated a second later.
            stamped: std::cell::Cell::new(std::time::SystemTime::now()),
        })
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `mutant` over its file (whose unmutated text is `original`), and checks the file
    /// now holds the change: a mutant that changed nothing would "survive" for no reason.
    pub(crate) fn apply(&self, mutant: &Mutant, original: &str) -> Result<(), AuditError> {
        let failed = |reason: String| AuditError::Apply {
            file: mutant.file.clone(),
            reason,
        };
        let path = self.own_file(&mutant.file).map_err(failed)?;
        let mutated = mutant
            .apply(original)
            .ok_or_else(|| failed("the mutant does not fit the file as it is now".into()))?;
        fs::write(&path, &mutated).map_err(|e| failed(e.to_string()))?;
        self.stamp(&path).map_err(|e| failed(e.to_string()))?;
        let written = fs::read(&path).map_err(|e| failed(e.to_string()))?;
        if written == original.as_bytes() || written != mutated.as_bytes() {
            return Err(failed(
                "the file did not change when the mutant was written".into(),
            ));
        }
        Ok(())
    }

    /// Puts `file` back as `original`, and checks it is.
    pub(crate) fn restore(&self, file: &str, original: &str) -> Result<(), AuditError> {
        let failed = |reason: String| AuditError::Apply {
            file: file.to_string(),
            reason,
        };
        let path = self.own_file(file).map_err(failed)?;
        fs::write(&path, original).map_err(|e| failed(format!("cannot undo the mutant: {e}")))?;
        self.stamp(&path)
            .map_err(|e| failed(format!("cannot undo the mutant: {e}")))?;
        match fs::read(&path) {
            Ok(bytes) if bytes == original.as_bytes() => Ok(()),
            _ => Err(failed(
                "the file could not be put back after the mutant".into(),
            )),
        }
    }

    /// Gives the file just written a modification time later than now and a whole second
    /// after the last write's: caches that trust a file's size and time in seconds (Python's
    /// `.pyc`) or a time newer than their last build (make, cargo) would otherwise run the
    /// code of the mutant before, when two same-sized writes fall in one second.
    fn stamp(&self, path: &Path) -> std::io::Result<()> {
        let next = self.stamped.get() + std::time::Duration::from_secs(1);
        let time = next.max(std::time::SystemTime::now());
        self.stamped.set(time);
        fs::File::options()
            .write(true)
            .open(path)?
            .set_modified(time)
    }

    /// The copy's own file for `file`: never one reached through a link, which could lead
    /// back into the user's tree.
    fn own_file(&self, file: &str) -> Result<PathBuf, String> {
        let mut path = self.root.clone();
        for part in Path::new(file).components() {
            path.push(part);
            let linked = fs::symlink_metadata(&path).map(|m| m.file_type().is_symlink());
            match linked {
                Ok(false) => {}
                Ok(true) => return Err(format!("{} is a link in the copy", path.display())),
                Err(e) => return Err(format!("{} is not in the copy: {e}", path.display())),
            }
        }
        Ok(path)
    }
}

/// Copies the tree at `from` to `to`: files with their permissions, links as links, the
/// folders of [`SKIPPED`] left out and those of [`LINKED`] linked.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        let kind = entry.file_type()?;
        let (source, target) = (entry.path(), to.join(&name));
        if kind.is_dir() {
            if SKIPPED.contains(&name_str.as_ref()) {
                continue;
            }
            if LINKED.contains(&name_str.as_ref()) {
                std::os::unix::fs::symlink(&source, &target)?;
            } else {
                copy_tree(&source, &target)?;
            }
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&source)?, &target)?;
        } else if kind.is_file() {
            fs::copy(&source, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Operator;

    fn mutant(file: &str, start: usize, original: &str, replacement: &str) -> Mutant {
        Mutant {
            file: file.into(),
            line: 1,
            column: start + 1,
            end_line: 1,
            end_column: start + 1 + original.len(),
            start,
            end: start + original.len(),
            original: original.into(),
            replacement: replacement.into(),
            operator: Operator::Comparison,
        }
    }

    #[test]
    fn a_mutant_changes_the_copy_and_never_the_project() {
        let project = tempfile::tempdir().unwrap();
        fs::create_dir_all(project.path().join("src")).unwrap();
        fs::create_dir_all(project.path().join("node_modules/x")).unwrap();
        fs::create_dir_all(project.path().join(".git")).unwrap();
        let text = "if a == b:\n    pass\n";
        fs::write(project.path().join("src/m.py"), text).unwrap();
        let slot = Slot::new(project.path()).unwrap();
        assert!(!slot.root().join(".git").exists());
        assert!(
            fs::symlink_metadata(slot.root().join("node_modules"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let before = std::time::SystemTime::now();
        slot.apply(&mutant("src/m.py", 5, "==", "!="), text)
            .unwrap();
        assert_eq!(
            fs::read_to_string(slot.root().join("src/m.py")).unwrap(),
            "if a != b:\n    pass\n"
        );
        assert_eq!(
            fs::read_to_string(project.path().join("src/m.py")).unwrap(),
            text
        );
        let mutated_at = fs::metadata(slot.root().join("src/m.py"))
            .unwrap()
            .modified()
            .unwrap();
        slot.restore("src/m.py", text).unwrap();
        let restored_at = fs::metadata(slot.root().join("src/m.py"))
            .unwrap()
            .modified()
            .unwrap();
        // A mutant is dated after the copy and after now, so a build older than it is stale;
        // and same size, written within a second: only the time tells a cache they differ.
        assert!(mutated_at >= before);
        assert!(
            restored_at.duration_since(mutated_at).unwrap() >= std::time::Duration::from_secs(1)
        );
        assert_eq!(
            fs::read_to_string(slot.root().join("src/m.py")).unwrap(),
            text
        );
    }

    #[test]
    fn a_file_behind_a_link_is_never_written() {
        let project = tempfile::tempdir().unwrap();
        fs::create_dir_all(project.path().join("node_modules/lib")).unwrap();
        fs::write(project.path().join("node_modules/lib/i.js"), "a == b").unwrap();
        let slot = Slot::new(project.path()).unwrap();
        let err = slot
            .apply(&mutant("node_modules/lib/i.js", 2, "==", "!="), "a == b")
            .unwrap_err();
        assert!(err.to_string().contains("is a link in the copy"), "{err}");
        assert_eq!(
            fs::read_to_string(project.path().join("node_modules/lib/i.js")).unwrap(),
            "a == b"
        );
    }

    #[test]
    fn a_mutant_that_no_longer_fits_is_refused() {
        let project = tempfile::tempdir().unwrap();
        fs::write(project.path().join("m.py"), "a < b").unwrap();
        let slot = Slot::new(project.path()).unwrap();
        let err = slot
            .apply(&mutant("m.py", 2, "==", "!="), "a < b")
            .unwrap_err();
        assert!(err.to_string().contains("does not fit"), "{err}");
    }
}
