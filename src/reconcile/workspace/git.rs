//! Working-tree snapshots as git commits under `refs/specctl/`: untracked files included,
//! the user's index, HEAD and stash untouched, so no turn can lose work and any turn can be
//! undone. git runs through `crate::process`: its own process group, a timeout, the interrupt.

use super::WorkspaceError;
use crate::process::{self, Exec, ExecOutput, Registry};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::watch;

/// How long one git command may take: a snapshot of a large tree hashes every changed file.
const GIT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const IDENTITY: [(&str, &str); 4] = [
    ("GIT_AUTHOR_NAME", "specctl"),
    ("GIT_AUTHOR_EMAIL", "specctl@localhost"),
    ("GIT_COMMITTER_NAME", "specctl"),
    ("GIT_COMMITTER_EMAIL", "specctl@localhost"),
];

/// The git repository a project lives in.
#[derive(Debug, Clone)]
pub struct Git {
    top: PathBuf,
    /// The project root relative to the repository's top, with a trailing `/`, or empty.
    prefix: String,
    interrupt: watch::Receiver<bool>,
    registry: Option<Registry>,
}

impl Git {
    /// The repository holding `root`; `None` outside one, or where git is not installed. Any
    /// other failure (a repository git refuses, a broken install) is an error: running on as
    /// if there were no repository would drop the snapshots unannounced.
    pub async fn discover(
        root: &Path,
        interrupt: watch::Receiver<bool>,
    ) -> Result<Option<Git>, WorkspaceError> {
        let job = Exec {
            program: "git",
            args: &["rev-parse", "--show-toplevel", "--show-prefix"],
            cwd: root,
            // git's own words are matched here, so in the one language they are known in.
            env: &[("LC_ALL", "C")],
            timeout: GIT_TIMEOUT,
            registry: None,
        };
        let what = "find the repository";
        let out = match process::exec(job, interrupt.clone()).await {
            Ok(out) => out,
            Err(process::ExecError::NotStarted { .. }) => return Ok(None),
            Err(source) => {
                return Err(WorkspaceError::Exec {
                    what: what.into(),
                    source,
                });
            }
        };
        if out.code != Some(0) {
            if out.stderr.contains("not a git repository") {
                return Ok(None);
            }
            return Err(WorkspaceError::Git {
                what: what.into(),
                detail: out.stderr,
            });
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let Some(top) = lines.next().map(PathBuf::from) else {
            return Ok(None);
        };
        let prefix = lines.next().unwrap_or_default().to_string();
        Ok(Some(Git {
            top,
            prefix,
            interrupt,
            registry: None,
        }))
    }

    /// The same repository, its git commands recorded in `registry` while they run.
    pub fn recorded_in(self, registry: Registry) -> Git {
        Git {
            registry: Some(registry),
            ..self
        }
    }

    async fn git(
        &self,
        what: &str,
        args: &[&str],
        index: Option<&Path>,
    ) -> Result<ExecOutput, WorkspaceError> {
        let index_text = index.map(|i| i.to_string_lossy().into_owned());
        let mut env: Vec<(&str, &str)> = IDENTITY.to_vec();
        if let Some(index) = &index_text {
            env.push(("GIT_INDEX_FILE", index));
        }
        let job = Exec {
            program: "git",
            args,
            cwd: &self.top,
            env: &env,
            timeout: GIT_TIMEOUT,
            registry: self.registry.as_ref(),
        };
        let out = process::exec(job, self.interrupt.clone())
            .await
            .map_err(|source| WorkspaceError::Exec {
                what: what.into(),
                source,
            })?;
        if out.code != Some(0) {
            return Err(WorkspaceError::Git {
                what: what.into(),
                detail: out.stderr,
            });
        }
        Ok(out)
    }

    /// The paths of a `-z` listing that lie in the project, relative to its root.
    fn in_project(&self, listing: &[u8]) -> Vec<String> {
        nul_separated(listing)
            .filter_map(|p| p.strip_prefix(&self.prefix).map(String::from))
            .collect()
    }

    fn text(out: &ExecOutput) -> String {
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Records the whole working tree (tracked and untracked, not ignored) as a commit and
    /// returns its id. A scratch index keeps the user's staging area as it was.
    pub async fn snapshot(&self, message: &str) -> Result<String, WorkspaceError> {
        let scratch = crate::process::scratch::tempdir("specctl-index-")?;
        let index = scratch.path().join("index");
        let user_index = Self::text(
            &self
                .git(
                    "find the index",
                    &["rev-parse", "--git-path", "index"],
                    None,
                )
                .await?,
        );
        let user_index = self.top.join(user_index);
        if user_index.is_file() {
            // Starting from the user's index lets git skip rehashing unchanged files.
            std::fs::copy(&user_index, &index)?;
        }
        self.git(
            "stage the working tree",
            &["add", "-A", "--", "."],
            Some(&index),
        )
        .await?;
        let tree = Self::text(
            &self
                .git("write a tree", &["write-tree"], Some(&index))
                .await?,
        );
        // A repository without a commit yet has no HEAD, and the snapshot no parent.
        let parent = match self
            .git("read HEAD", &["rev-parse", "-q", "--verify", "HEAD"], None)
            .await
        {
            Ok(out) => Some(Self::text(&out)),
            Err(WorkspaceError::Git { .. }) => None,
            Err(err) => return Err(err),
        };
        let mut args = vec!["commit-tree", tree.as_str(), "-m", message];
        if let Some(parent) = parent.as_deref() {
            args.extend(["-p", parent]);
        }
        Ok(Self::text(
            &self.git("record a snapshot", &args, None).await?,
        ))
    }

    /// Points `refs/specctl/<name>` at `commit`, so the snapshot is kept from git's gc.
    pub async fn keep(&self, name: &str, commit: &str) -> Result<(), WorkspaceError> {
        self.git(
            "keep a snapshot",
            &["update-ref", &format!("refs/specctl/{name}"), commit],
            None,
        )
        .await
        .map(|_| ())
    }

    /// Paths (relative to the project root) that differ between two snapshots.
    pub async fn changed(&self, from: &str, to: &str) -> Result<Vec<String>, WorkspaceError> {
        let out = self
            .git(
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
            )
            .await?;
        Ok(self.in_project(&out.stdout))
    }

    /// The changes to `paths` (relative to the project root) between two snapshots, as a
    /// unified diff; none when `paths` is empty.
    pub async fn diff(
        &self,
        from: &str,
        to: &str,
        paths: &[String],
    ) -> Result<String, WorkspaceError> {
        if paths.is_empty() {
            return Ok(String::new());
        }
        let full: Vec<String> = paths
            .iter()
            .map(|p| format!("{}{p}", self.prefix))
            .collect();
        let mut args = vec![
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            from,
            to,
            "--",
        ];
        args.extend(full.iter().map(String::as_str));
        let out = self.git("compare snapshots", &args, None).await?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Every path (relative to the project root) that `snapshot` holds.
    pub async fn paths(&self, snapshot: &str) -> Result<Vec<String>, WorkspaceError> {
        let args = [
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-tree",
            snapshot,
        ];
        let out = self.git("list a snapshot", &args, None).await?;
        Ok(self.in_project(&out.stdout))
    }

    /// Puts `paths` (relative to the project root) back as they are in `snapshot`: changed
    /// files rewritten, files the snapshot lacks removed.
    pub async fn restore(&self, snapshot: &str, paths: &[String]) -> Result<(), WorkspaceError> {
        if paths.is_empty() {
            return Ok(());
        }
        let scratch = crate::process::scratch::tempdir("specctl-index-")?;
        let index = scratch.path().join("index");
        self.git("read a snapshot", &["read-tree", snapshot], Some(&index))
            .await?;
        let full: Vec<String> = paths
            .iter()
            .map(|p| format!("{}{p}", self.prefix))
            .collect();
        let mut args = vec!["ls-files", "-z", "--"];
        args.extend(full.iter().map(String::as_str));
        let listed = self.git("list a snapshot", &args, Some(&index)).await?;
        let present: std::collections::HashSet<String> = nul_separated(&listed.stdout).collect();
        let (keep, remove): (Vec<&String>, Vec<&String>) =
            full.iter().partition(|p| present.contains(*p));
        if !keep.is_empty() {
            let mut args = vec!["checkout-index", "-f", "--"];
            args.extend(keep.iter().map(|s| s.as_str()));
            self.git("restore files", &args, Some(&index)).await?;
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
    pub async fn restore_all(
        &self,
        snapshot: &str,
        now: &str,
    ) -> Result<Vec<String>, WorkspaceError> {
        let changed = self.changed(snapshot, now).await?;
        self.restore(snapshot, &changed).await?;
        Ok(changed)
    }
}

/// The paths of a NUL-separated (`-z`) git listing, repository-relative.
fn nul_separated(listing: &[u8]) -> impl Iterator<Item = String> + '_ {
    listing
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn never() -> watch::Receiver<bool> {
        watch::channel(false).1
    }

    async fn repo() -> (tempfile::TempDir, Git) {
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
        let git = Git::discover(dir.path(), never()).await.unwrap().unwrap();
        (dir, git)
    }

    #[tokio::test]
    async fn snapshots_keep_untracked_files_and_restore_them_without_touching_the_index() {
        let (dir, git) = repo().await;
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

        let before = git.snapshot("before").await.unwrap();
        git.keep("test/before", &before).await.unwrap();
        std::fs::write(p.join("untracked.txt"), "clobbered\n").unwrap();
        std::fs::remove_file(p.join("tracked.txt")).unwrap();
        std::fs::write(p.join("new.txt"), "agent made this\n").unwrap();
        let after = git.snapshot("after").await.unwrap();

        let mut changed = git.changed(&before, &after).await.unwrap();
        changed.sort();
        assert_eq!(changed, ["new.txt", "tracked.txt", "untracked.txt"]);
        git.restore_all(&before, &after).await.unwrap();
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

    #[tokio::test]
    async fn outside_a_repository_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Git::discover(dir.path(), never()).await.unwrap().is_none());
    }
}
