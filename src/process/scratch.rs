//! specctl's own temporary folder: every scratch file of a run (prompts, reports, git
//! indexes) lives under `$TMPDIR/specctl-<uid>/run-<pid>-<start>/`, and each run sweeps the
//! folders of runs that are gone, so a `kill -9` leaves nothing behind for long.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static RUN_DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// The folder of this run, made (and the leftovers of dead runs swept) on first use.
pub fn dir() -> std::io::Result<&'static Path> {
    let made = RUN_DIR.get_or_init(|| make().map_err(|e| e.to_string()));
    match made {
        Ok(path) => Ok(path.as_path()),
        Err(why) => Err(std::io::Error::other(format!(
            "cannot make specctl's temporary folder: {why}"
        ))),
    }
}

/// A fresh folder inside this run's folder, removed when dropped.
pub fn tempdir(prefix: &str) -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix(prefix).tempdir_in(dir()?)
}

/// Where every run's folder lives: one per user, so runs of two users never meet.
pub fn base() -> PathBuf {
    // SAFETY: getuid(2) cannot fail and touches no memory.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir().join(format!("specctl-{uid}"))
}

fn make() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let base = base();
    std::fs::create_dir_all(&base)?;
    // Prompts and reports may hold what the evidence printed: the folder is the user's alone.
    let meta = std::fs::symlink_metadata(&base)?;
    // SAFETY: getuid(2) cannot fail and touches no memory.
    if !meta.is_dir() || meta.uid() != unsafe { libc::getuid() } {
        return Err(std::io::Error::other(format!(
            "{} is not a folder of this user's: remove it, or set TMPDIR elsewhere",
            base.display()
        )));
    }
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o700))?;
    sweep(&base);
    let me = std::process::id();
    let dir = base.join(format!("run-{me}-{}", start_time(me as i32).unwrap_or(0)));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Removes the folders of runs whose process is gone (or is another process by now).
pub fn sweep(base: &Path) -> Vec<PathBuf> {
    let mut swept = Vec::new();
    let Ok(entries) = std::fs::read_dir(base) else {
        return swept;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((pid, start)) = run_of(&name) else {
            continue;
        };
        if start_time(pid) != Some(start) && std::fs::remove_dir_all(entry.path()).is_ok() {
            swept.push(entry.path());
        }
    }
    swept
}

/// The pid and start time in a run folder's name, `run-<pid>-<start>`.
pub(crate) fn run_of(name: &str) -> Option<(i32, u64)> {
    let rest = name.strip_prefix("run-")?;
    let (pid, start) = rest.split_once('-')?;
    Some((pid.parse().ok()?, start.parse().ok()?))
}

/// When process `pid` started, in clock ticks since boot (`/proc/PID/stat` field 22): with
/// the pid, it names one process for good, since a pid is reused but not with its start.
pub fn start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    // After `comm)`: state is field 3, so starttime (22) is the 20th from here.
    rest.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folders_of_dead_runs_are_swept_and_live_ones_kept() {
        let base = tempfile::tempdir().unwrap();
        let me = std::process::id() as i32;
        let live = base
            .path()
            .join(format!("run-{me}-{}", start_time(me).unwrap()));
        let reused = base.path().join(format!("run-{me}-1"));
        let dead = base.path().join("run-999999999-5");
        let other = base.path().join("not-a-run");
        for d in [&live, &reused, &dead, &other] {
            std::fs::create_dir_all(d.join("specctl-prompt-x")).unwrap();
        }
        let mut swept = sweep(base.path());
        swept.sort();
        let mut want = vec![dead.clone(), reused.clone()];
        want.sort();
        assert_eq!(swept, want);
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn this_runs_folder_is_under_the_users_base() {
        let dir = dir().unwrap();
        assert!(dir.starts_with(base()), "{}", dir.display());
        let t = tempdir("specctl-test-").unwrap();
        assert!(t.path().starts_with(dir));
    }
}
