//! What can go wrong in a reconcile, typed, and the error policy that decides (as
//! kube-runtime's `error_policy` does) whether the run stops or goes on.

use super::decide::StopReason;
use super::workspace::WorkspaceError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(
        "another specctl reconcile (pid {pid}) is running on this project: wait for it to end, or stop it"
    )]
    Busy { pid: String },
    #[error("cannot take the run lock {path}: {source}")]
    Lock {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "cannot read .specctl/groups/, where a reconcile records what it runs ({0}): nothing may start beside a killed run's agent; make the folder readable"
    )]
    Survivors(#[source] std::io::Error),
    #[error("the desired state became invalid during the run: run `specctl list` to see where")]
    Invalid,
    #[error("interrupted: the agent's and the evidence's process groups were ended")]
    Interrupted,
    #[error("{0}; the turn did not start or was not gated, so nothing it did is believed")]
    Workspace(WorkspaceError),
    #[error("cannot run agent `{tier}`: {source}")]
    Agent {
        tier: String,
        source: std::io::Error,
    },
    #[error(
        "the session's ledger in the store is unreadable ({0}): start afresh with `specctl reconcile --new-session`"
    )]
    Ledger(#[source] serde_json::Error),
    #[error("the `protect` globs in specctl.yaml are invalid: {0}")]
    Protect(#[source] globset::Error),
}

impl From<WorkspaceError> for ReconcileError {
    fn from(err: WorkspaceError) -> Self {
        if err.interrupted() {
            ReconcileError::Interrupted
        } else {
            ReconcileError::Workspace(err)
        }
    }
}

/// What the run does about an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    /// Stop with items not holding, for this reason (exit 1).
    Stuck(StopReason),
    /// Stop: nothing more can be trusted (exit 2, or 130 when interrupted).
    Abort,
}

/// Every error stops the run; the only question is how it is told. An agent that cannot be
/// started leaves the items as they are (stuck, exit 1); anything else means the loop's own
/// guarantees (the store, the snapshots, the lock) cannot be kept, so it aborts.
pub fn error_policy(err: &ReconcileError) -> Policy {
    match err {
        ReconcileError::Agent { tier, source } => Policy::Stuck(StopReason::AgentUnavailable {
            tier: tier.clone(),
            why: source.to_string(),
        }),
        _ => Policy::Abort,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_that_cannot_start_leaves_the_run_stuck_and_the_rest_aborts() {
        let err = ReconcileError::Agent {
            tier: "fast".into(),
            source: std::io::Error::other("no room for the prompt"),
        };
        assert_eq!(
            error_policy(&err),
            Policy::Stuck(StopReason::AgentUnavailable {
                tier: "fast".into(),
                why: "no room for the prompt".into()
            })
        );
        assert_eq!(error_policy(&ReconcileError::Interrupted), Policy::Abort);
        assert_eq!(error_policy(&ReconcileError::Invalid), Policy::Abort);
        let busy = ReconcileError::Busy { pid: "42".into() };
        assert_eq!(error_policy(&busy), Policy::Abort);
        assert!(busy.to_string().contains("(pid 42)"));
    }

    #[test]
    fn bad_protect_globs_are_named() {
        let bad = super::super::gate::Protection::new(&["[".into()], Default::default())
            .map_err(ReconcileError::Protect)
            .expect_err("an invalid glob");
        assert!(
            bad.to_string()
                .starts_with("the `protect` globs in specctl.yaml are invalid"),
            "{bad}"
        );
        assert_eq!(error_policy(&bad), Policy::Abort);
    }
}
