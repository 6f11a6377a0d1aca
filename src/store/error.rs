//! What can go wrong with the state store, told apart so each gets the right advice: a
//! corrupt store may be removed (it only holds history); a locked, read-only or full one not.

use rusqlite::ErrorCode;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create {}: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the state store {} is unreadable ({source}); it holds only past observations: remove it and run again",
        path.display()
    )]
    Corrupt {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the state store {} was written by a newer specctl (schema {found}, this one knows {}): upgrade specctl, or remove the file",
        path.display(), super::SCHEMA_VERSION
    )]
    Newer { path: PathBuf, found: i64 },
    #[error(
        "the state store {} was written by an older specctl and cannot be brought up to date where it is read-only: make .specctl/ writable, then run again",
        path.display()
    )]
    Stale { path: PathBuf },
    #[error(
        "the state store {} is locked by another process ({source}): wait for the other specctl to finish, then run again",
        path.display()
    )]
    Locked {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the state store {} cannot be written ({source}): make .specctl/ writable, then run again",
        path.display()
    )]
    ReadOnly {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the state store {} cannot grow: the disk is full ({source}); free some space, then run again",
        path.display()
    )]
    Full {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot read {what} from the state store {}: {source}", path.display())]
    Read {
        path: PathBuf,
        what: &'static str,
        source: rusqlite::Error,
    },
    #[error("cannot record {what} in the state store {}: {source}", path.display())]
    Write {
        path: PathBuf,
        what: &'static str,
        source: rusqlite::Error,
    },
}

/// How a failed store operation is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Opening or migrating: a failure of unknown cause means the file is not a store.
    Open,
    Read(&'static str),
    Write(&'static str),
}

/// The error for `source`, raised by `op` on the store at `path`.
pub(crate) fn classify(path: &Path, op: Op, source: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Locked { path, source }
        }
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path, source },
        // Its folder exists (it was just made), so a store that cannot be opened is one that
        // cannot be opened for writing: a read-only disk or folder.
        Some(ErrorCode::CannotOpen) if op == Op::Open => StoreError::ReadOnly { path, source },
        Some(ErrorCode::DiskFull) => StoreError::Full { path, source },
        // SQLite reports a write that ran out of room as an I/O error; the disk says why.
        Some(ErrorCode::SystemIoFailure) if no_room(&path) => StoreError::Full { path, source },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt { path, source }
        }
        _ => match op {
            Op::Open => StoreError::Corrupt { path, source },
            Op::Read(what) => StoreError::Read { path, what, source },
            Op::Write(what) => StoreError::Write { path, what, source },
        },
    }
}

/// Whether the file system holding `path` has no room left for an ordinary user.
fn no_room(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let dir = path.parent().unwrap_or(path);
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: statvfs(3) fills the struct it is given from a NUL-terminated path.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::statvfs(c.as_ptr(), &mut stat) } == 0;
    // A few blocks left are not room for a WAL frame and its index.
    ok && stat.f_bavail < 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: ErrorCode) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code,
                extended_code: 0,
            },
            None,
        )
    }

    #[test]
    fn each_cause_gets_its_own_advice() {
        let p = Path::new(".specctl/state.db");
        let locked = classify(p, Op::Write("a turn"), sqlite(ErrorCode::DatabaseBusy));
        assert!(matches!(locked, StoreError::Locked { .. }), "{locked}");
        assert!(!locked.to_string().contains("remove it"), "{locked}");
        let ro = classify(p, Op::Write("a turn"), sqlite(ErrorCode::ReadOnly));
        assert!(matches!(ro, StoreError::ReadOnly { .. }), "{ro}");
        let full = classify(p, Op::Write("a turn"), sqlite(ErrorCode::DiskFull));
        assert!(matches!(full, StoreError::Full { .. }), "{full}");
        let corrupt = classify(p, Op::Read("the sessions"), sqlite(ErrorCode::NotADatabase));
        assert!(
            corrupt.to_string().contains("remove it and run again"),
            "{corrupt}"
        );
        let read = classify(p, Op::Read("the sessions"), rusqlite::Error::InvalidQuery);
        assert!(
            matches!(
                read,
                StoreError::Read {
                    what: "the sessions",
                    ..
                }
            ),
            "{read}"
        );
        let write = classify(p, Op::Write("a turn"), rusqlite::Error::InvalidQuery);
        assert!(
            matches!(write, StoreError::Write { what: "a turn", .. }),
            "{write}"
        );
        let cannot = classify(p, Op::Open, sqlite(ErrorCode::CannotOpen));
        assert!(matches!(cannot, StoreError::ReadOnly { .. }), "{cannot}");
        let open = classify(p, Op::Open, rusqlite::Error::InvalidQuery);
        assert!(matches!(open, StoreError::Corrupt { .. }), "{open}");
    }
}
