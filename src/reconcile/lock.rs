//! One reconcile at a time on one project: two would fight over the working tree. A flock
//! on `.specctl/reconcile.lock`, which holds the holder's pid for the one refused.

use super::error::ReconcileError;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

pub struct RunLock {
    _file: std::fs::File,
}

impl RunLock {
    pub fn take(root: &Path) -> Result<RunLock, ReconcileError> {
        let dir = root.join(crate::store::DIR);
        let path = dir.join("reconcile.lock");
        let failed = |source| ReconcileError::Lock {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(failed)?;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(failed)?;
        // SAFETY: flock(2) on a descriptor this function owns.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if !locked {
            let mut pid = String::new();
            if file.read_to_string(&mut pid).is_err() || pid.trim().is_empty() {
                pid = "unknown".into();
            }
            return Err(ReconcileError::Busy {
                pid: pid.trim().to_string(),
            });
        }
        file.set_len(0).map_err(failed)?;
        file.rewind().map_err(failed)?;
        write!(file, "{}", std::process::id()).map_err(failed)?;
        Ok(RunLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_first_ones_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::take(dir.path()).unwrap();
        let err = RunLock::take(dir.path()).err().expect("refused");
        match err {
            ReconcileError::Busy { pid } => assert_eq!(pid, std::process::id().to_string()),
            other => panic!("{other}"),
        }
        drop(first);
        assert!(RunLock::take(dir.path()).is_ok());
    }

    #[test]
    fn a_lock_that_cannot_be_made_says_where() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".specctl"),
            "a file where the folder should be",
        )
        .unwrap();
        let err = RunLock::take(dir.path()).err().expect("refused");
        assert!(matches!(err, ReconcileError::Lock { .. }), "{err}");
        assert!(err.to_string().contains(".specctl/reconcile.lock"), "{err}");
    }
}
