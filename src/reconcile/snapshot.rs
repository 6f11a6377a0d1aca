//! Working-tree snapshots as git commits under `refs/specctl/`: untracked files included,
//! the user's index, HEAD and stash untouched, so no turn can lose work and any turn can be
//! undone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("git failed to {what}: {detail}")]
    Git { what: String, detail: String },
    #[error("cannot use a scratch folder for git: {0}")]
    Io(#[from] std::io::Error),
}

/// The git repository a project lives in.
#[derive(Debug, Clone)]
pub struct Git {
    top: PathBuf,
    /// The project root relative to the repository's top, with a trailing `/`, or empty.
    prefix: String,
}

impl Git {
    /// The repository holding `root`, or `None` outside one (or without git).
    pub fn discover(root: &Path) -> Option<Git> {
        let out = Command::new("git")
            .args(["rev-parse", "--show-toplevel", "--show-prefix"])
            .current_dir(root)
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let top = PathBuf::from(lines.next()?);
        let prefix = lines.next().unwrap_or_default().to_string();
        Some(Git { top, prefix })
    }

    fn git(
        &self,
        what: &str,
        args: &[&str],
        index: Option<&Path>,
    ) -> Result<Output, SnapshotError> {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(&self.top)
            .stdin(Stdio::null())
            .env("GIT_AUTHOR_NAME", "specctl")
            .env("GIT_AUTHOR_EMAIL", "specctl@localhost")
            .env("GIT_COMMITTER_NAME", "specctl")
            .env("GIT_COMMITTER_EMAIL", "specctl@localhost");
        if let Some(index) = index {
            cmd.env("GIT_INDEX_FILE", index);
        }
        let out = cmd.output()?;
        if !out.status.success() {
            return Err(SnapshotError::Git {
                what: what.into(),
                detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(out)
    }

    fn text(out: &Output) -> String {
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Records the whole working tree (tracked and untracked, not ignored) as a commit and
    /// returns its id. A scratch index keeps the user's staging area as it was.
    pub fn snapshot(&self, message: &str) -> Result<String, SnapshotError> {
        let scratch = tempfile::Builder::new()
            .prefix("specctl-index-")
            .tempdir()?;
        let index = scratch.path().join("index");
        let user_index = Self::text(&self.git(
            "find the index",
            &["rev-parse", "--git-path", "index"],
            None,
        )?);
        let user_index = self.top.join(user_index);
        if user_index.is_file() {
            // Starting from the user's index lets git skip rehashing unchanged files.
            std::fs::copy(&user_index, &index)?;
        }
        self.git(
            "stage the working tree",
            &["add", "-A", "--", "."],
            Some(&index),
        )?;
        let tree = Self::text(&self.git("write a tree", &["write-tree"], Some(&index))?);
        let parent = self
            .git("read HEAD", &["rev-parse", "-q", "--verify", "HEAD"], None)
            .ok()
            .map(|o| Self::text(&o));
        let mut args = vec!["commit-tree", tree.as_str(), "-m", message];
        if let Some(parent) = parent.as_deref() {
            args.extend(["-p", parent]);
        }
        Ok(Self::text(&self.git("record a snapshot", &args, None)?))
    }

    /// Points `refs/specctl/<name>` at `commit`, so the snapshot is kept from git's gc.
    pub fn keep(&self, name: &str, commit: &str) -> Result<(), SnapshotError> {
        self.git(
            "keep a snapshot",
            &["update-ref", &format!("refs/specctl/{name}"), commit],
            None,
        )
        .map(|_| ())
    }

    /// Paths (relative to the project root) that differ between two snapshots.
    pub fn changed(&self, from: &str, to: &str) -> Result<Vec<String>, SnapshotError> {
        let out = self.git(
            "compare snapshots",
            &[
                "diff-tree",
                "-r",
                "-z",
                "--name-only",
                "--no-renames",
                from,
                to,
            ],
            None,
        )?;
        Ok(out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .filter_map(|p| p.strip_prefix(&self.prefix).map(String::from))
            .collect())
    }

    /// Puts `paths` (relative to the project root) back as they are in `snapshot`: changed
    /// files rewritten, files the snapshot lacks removed.
    pub fn restore(&self, snapshot: &str, paths: &[String]) -> Result<(), SnapshotError> {
        if paths.is_empty() {
            return Ok(());
        }
        let scratch = tempfile::Builder::new()
            .prefix("specctl-index-")
            .tempdir()?;
        let index = scratch.path().join("index");
        self.git("read a snapshot", &["read-tree", snapshot], Some(&index))?;
        let full: Vec<String> = paths
            .iter()
            .map(|p| format!("{}{p}", self.prefix))
            .collect();
        let mut args = vec!["ls-files", "-z", "--"];
        args.extend(full.iter().map(String::as_str));
        let listed = self.git("list a snapshot", &args, Some(&index))?;
        let present: std::collections::HashSet<String> = listed
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        let (keep, remove): (Vec<&String>, Vec<&String>) =
            full.iter().partition(|p| present.contains(*p));
        if !keep.is_empty() {
            let mut args = vec!["checkout-index", "-f", "--"];
            args.extend(keep.iter().map(|s| s.as_str()));
            self.git("restore files", &args, Some(&index))?;
        }
        for path in remove {
            let file = self.top.join(path);
            if file.is_file() || file.is_symlink() {
                std::fs::remove_file(&file)?;
            }
        }
        Ok(())
    }

    /// Makes the working tree what it was at `snapshot`, given the snapshot of now.
    pub fn restore_all(&self, snapshot: &str, now: &str) -> Result<Vec<String>, SnapshotError> {
        let changed = self.changed(snapshot, now)?;
        self.restore(snapshot, &changed)?;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> (tempfile::TempDir, Git) {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let ok = Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .output()
                .unwrap()
                .status
                .success();
            assert!(ok, "git {args:?}");
        };
        run(&["init", "-q"]);
        std::fs::write(dir.path().join("tracked.txt"), "v1\n").unwrap();
        run(&["add", "tracked.txt"]);
        run(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "-m",
            "init",
        ]);
        let git = Git::discover(dir.path()).unwrap();
        (dir, git)
    }

    #[test]
    fn snapshots_keep_untracked_files_and_restore_them_without_touching_the_index() {
        let (dir, git) = repo();
        let p = dir.path();
        std::fs::write(p.join("untracked.txt"), "mine\n").unwrap();
        std::fs::write(p.join("tracked.txt"), "v2 staged\n").unwrap();
        Command::new("git")
            .args(["add", "tracked.txt"])
            .current_dir(p)
            .output()
            .unwrap();
        let status_before = Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(p)
            .output()
            .unwrap()
            .stdout;

        let before = git.snapshot("before").unwrap();
        git.keep("test/before", &before).unwrap();
        std::fs::write(p.join("untracked.txt"), "clobbered\n").unwrap();
        std::fs::remove_file(p.join("tracked.txt")).unwrap();
        std::fs::write(p.join("new.txt"), "agent made this\n").unwrap();
        let after = git.snapshot("after").unwrap();

        let mut changed = git.changed(&before, &after).unwrap();
        changed.sort();
        assert_eq!(changed, ["new.txt", "tracked.txt", "untracked.txt"]);
        git.restore_all(&before, &after).unwrap();
        assert_eq!(
            std::fs::read_to_string(p.join("untracked.txt")).unwrap(),
            "mine\n"
        );
        assert_eq!(
            std::fs::read_to_string(p.join("tracked.txt")).unwrap(),
            "v2 staged\n"
        );
        assert!(!p.join("new.txt").exists());
        let status_after = Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(p)
            .output()
            .unwrap()
            .stdout;
        assert_eq!(
            String::from_utf8_lossy(&status_before),
            String::from_utf8_lossy(&status_after)
        );
        let refs = Command::new("git")
            .args(["for-each-ref", "refs/specctl/"])
            .current_dir(p)
            .output()
            .unwrap()
            .stdout;
        assert!(String::from_utf8_lossy(&refs).contains("refs/specctl/test/before"));
    }

    #[test]
    fn outside_a_repository_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Git::discover(dir.path()).is_none());
    }
}
