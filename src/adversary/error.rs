//! What stops an adversary run before any attempt can be judged.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AdversaryError {
    #[error("cannot copy the project for the adversary: {0}")]
    Copy(#[from] crate::audit::AuditError),
    #[error(
        "the adversary's copy needs git to see what it changed: {0}; install git and audit again"
    )]
    Git(#[from] crate::reconcile::workspace::WorkspaceError),
    #[error("git init in {path} failed: {detail}; install git and audit again")]
    Init { path: PathBuf, detail: String },
    #[error("cannot run the adversary `{tier}`: {source}")]
    Agent {
        tier: String,
        source: std::io::Error,
    },
    #[error("a protected glob does not compile: {0}")]
    Protect(#[from] globset::Error),
}
