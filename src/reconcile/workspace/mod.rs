//! Where a turn's edits land and how they are kept and undone: a `Workspace` snapshots the
//! tree before and after a turn, says what changed, and puts paths back.

mod copy;
mod git;

pub(crate) use copy::covered;
pub use copy::{Copy, Kept};
pub use git::Git;

use crate::process::ExecError;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("git failed to {what}: {detail}")]
    Git { what: String, detail: String },
    #[error("cannot run git to {what}: {source}")]
    Exec { what: String, source: ExecError },
    #[error("cannot use a scratch folder for a snapshot: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot read {path} to keep a copy of it: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot put back {path}: {source}")]
    Restore {
        path: String,
        source: std::io::Error,
    },
}

impl WorkspaceError {
    /// The run was interrupted while git ran: not a failure of git.
    pub fn interrupted(&self) -> bool {
        matches!(
            self,
            WorkspaceError::Exec {
                source: ExecError::Interrupted { .. },
                ..
            }
        )
    }
}

/// Snapshots of the working tree. The driver is generic over it, so the loop's I/O on the
/// tree is behind one small interface: git's commits, or a plain copy of the protected files.
pub(crate) trait Workspace {
    type Snapshot: Clone;

    /// Whether a snapshot holds the whole tree, so a regression can be rolled back.
    fn whole_tree(&self) -> bool;

    /// The snapshot's name for the store and for `specctl undo`, where it has one.
    fn id(snapshot: &Self::Snapshot) -> Option<String>;

    /// The snapshot a name from `id` stands for (a resume finds a killed run's this way).
    fn find(&self, id: &str) -> Result<Self::Snapshot, WorkspaceError>;

    /// The paths (relative to the project root) a snapshot holds.
    async fn paths(&self, snapshot: &Self::Snapshot) -> Result<Vec<String>, WorkspaceError>;

    /// The snapshot is no longer needed.
    async fn release(&self, _snapshot: &Self::Snapshot) {}

    async fn snapshot(&self, label: &str) -> Result<Self::Snapshot, WorkspaceError>;

    /// Keeps `snapshot` under `name` (refs/specctl/NAME), safe from garbage collection.
    async fn keep(&self, name: &str, snapshot: &Self::Snapshot) -> Result<(), WorkspaceError>;

    async fn changed(
        &self,
        from: &Self::Snapshot,
        to: &Self::Snapshot,
    ) -> Result<Vec<String>, WorkspaceError>;

    /// Puts `paths` back as they are in `to`: rewritten, or removed where `to` lacks them.
    async fn restore(&self, to: &Self::Snapshot, paths: &[String]) -> Result<(), WorkspaceError>;

    /// The changes to `paths` from one snapshot to another, as a unified diff.
    async fn diff(
        &self,
        from: &Self::Snapshot,
        to: &Self::Snapshot,
        paths: &[String],
    ) -> Result<String, WorkspaceError>;
}

/// One file's change as a unified diff (`None`: the file is not there), as git shows it.
pub(crate) fn unified(path: &str, before: Option<&[u8]>, after: Option<&[u8]>) -> String {
    let text = |b: Option<&[u8]>| b.map(|b| String::from_utf8_lossy(b).into_owned());
    let (old, new) = (text(before), text(after));
    if old == new {
        return String::new();
    }
    let (a, b) = (
        if old.is_some() {
            format!("a/{path}")
        } else {
            "/dev/null".into()
        },
        if new.is_some() {
            format!("b/{path}")
        } else {
            "/dev/null".into()
        },
    );
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    let diff = similar::TextDiff::from_lines(&old, &new);
    format!(
        "diff --git a/{path} b/{path}\n{}",
        diff.unified_diff().context_radius(3).header(&a, &b)
    )
}

impl Workspace for Git {
    type Snapshot = String;

    fn whole_tree(&self) -> bool {
        true
    }

    fn id(snapshot: &String) -> Option<String> {
        Some(snapshot.clone())
    }

    fn find(&self, id: &str) -> Result<String, WorkspaceError> {
        Ok(id.to_string())
    }

    async fn paths(&self, snapshot: &String) -> Result<Vec<String>, WorkspaceError> {
        Git::paths(self, snapshot).await
    }

    async fn snapshot(&self, label: &str) -> Result<String, WorkspaceError> {
        Git::snapshot(self, label).await
    }

    async fn keep(&self, name: &str, snapshot: &String) -> Result<(), WorkspaceError> {
        Git::keep(self, name, snapshot).await
    }

    async fn changed(&self, from: &String, to: &String) -> Result<Vec<String>, WorkspaceError> {
        Git::changed(self, from, to).await
    }

    async fn restore(&self, to: &String, paths: &[String]) -> Result<(), WorkspaceError> {
        Git::restore(self, to, paths).await
    }

    async fn diff(
        &self,
        from: &String,
        to: &String,
        paths: &[String],
    ) -> Result<String, WorkspaceError> {
        Git::diff(self, from, to, paths).await
    }
}
