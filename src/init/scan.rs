//! The files of a project that `init` looks at: every path (to find feature files and
//! manifests) and, on demand, the text of the few it reads.

use super::InitError;
use std::path::{Path, PathBuf};

/// Folders that hold installed or built code, never a project's own specs.
const SKIPPED: [&str; 8] = [
    "node_modules",
    "target",
    "venv",
    ".venv",
    "env",
    "__pycache__",
    "site-packages",
    ".tox",
];

/// Bigger files are not manifests or test modules worth reading.
const MAX_READ: u64 = 1 << 20;

/// A project's files, root-relative with `/`, sorted.
#[derive(Debug)]
pub(crate) struct Tree {
    root: PathBuf,
    pub files: Vec<String>,
}

impl Tree {
    /// Walks `root`, honouring .gitignore and .ignore, skipping hidden folders, installed
    /// code and virtualenvs (any folder with a `pyvenv.cfg`).
    pub fn scan(root: &Path) -> Result<Tree, InitError> {
        let meta = std::fs::metadata(root).map_err(|source| InitError::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(InitError::NotAFolder(root.to_path_buf()));
        }
        std::fs::read_dir(root).map_err(|source| InitError::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        let walk = ignore::WalkBuilder::new(root)
            .require_git(false)
            .hidden(true)
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                let dir = e.file_type().is_some_and(|t| t.is_dir());
                !(dir
                    && (SKIPPED.contains(&name.as_ref()) || e.path().join("pyvenv.cfg").is_file()))
            })
            .build();
        let mut files: Vec<String> = walk
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter_map(|e| {
                let relative = e.path().strip_prefix(root).ok()?;
                Some(relative.to_str()?.replace('\\', "/"))
            })
            .collect();
        files.sort();
        Ok(Tree {
            root: root.to_path_buf(),
            files,
        })
    }

    /// The text of one file; `Err` says why it could not be read.
    pub fn read(&self, file: &str) -> Result<String, String> {
        let path = self.root.join(file);
        let len = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
        if len > MAX_READ {
            return Err(format!("it is {len} bytes, more than init reads"));
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_code_virtualenvs_hidden_and_ignored_folders_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "features/a.feature",
            "node_modules/x/b.feature",
            "env2/pyvenv.cfg",
            "env2/lib/c.feature",
            ".hidden/d.feature",
            "build/e.feature",
            ".gitignore",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(
                &path,
                if file == ".gitignore" {
                    "build/\n"
                } else {
                    "x"
                },
            )
            .unwrap();
        }
        let tree = Tree::scan(dir.path()).unwrap();
        assert_eq!(tree.files, ["features/a.feature"]);
        assert_eq!(tree.read("features/a.feature").unwrap(), "x");
        assert!(tree.read("missing.txt").is_err());
        assert!(matches!(
            Tree::scan(&dir.path().join("nowhere")),
            Err(InitError::Folder { .. })
        ));
        assert!(matches!(
            Tree::scan(&dir.path().join("features/a.feature")),
            Err(InitError::NotAFolder(_))
        ));
    }
}
