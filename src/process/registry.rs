//! The process groups a reconcile has running, each recorded (pid and start time) as it
//! starts, in a folder that outlives a `kill -9` of specctl: the next run ends the survivors
//! before it starts another agent.

use super::GRACE;
use super::scratch::start_time;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
}

impl Registry {
    /// The registry kept in `dir` (`.specctl/groups/` of a project).
    pub fn new(dir: PathBuf) -> Registry {
        Registry { dir }
    }

    /// Marks a start before its spawn: a kill -9 of specctl between the spawn and
    /// [`Registry::record`] leaves a group that no record names, but whose processes carry
    /// `MARK=<the returned mark>` in their environment, so the next sweep finds them anyway.
    fn reserve(&self) -> std::io::Result<String> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        std::fs::create_dir_all(&self.dir)?;
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let me = std::process::id();
        let mark = format!("{me}-{}-{n}", start_time(me as i32).unwrap_or(0));
        std::fs::write(self.dir.join(format!("{PENDING}{mark}")), "")?;
        Ok(mark)
    }

    /// The start marked `mark` was recorded (or never spawned): its mark is no longer needed.
    fn settle(&self, mark: &str) {
        let _ = std::fs::remove_file(self.dir.join(format!("{PENDING}{mark}")));
    }

    /// Records the group `pgid` started; an error means it could not be kept track of.
    pub fn record(&self, pgid: i32) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let start = start_time(pgid).unwrap_or(0);
        std::fs::write(self.dir.join(pgid.to_string()), format!("{start}\n"))
    }

    /// The group ended. A record that cannot be removed costs nothing: the next sweep finds
    /// its group gone and drops it.
    pub fn forget(&self, pgid: i32) {
        let _ = std::fs::remove_file(self.dir.join(pgid.to_string()));
    }

    /// Ends every recorded group that still has a live member (TERM, a grace, KILL) and
    /// forgets every record of a group that is gone; returns the groups it had to end. A
    /// registry that cannot be read is an error: nothing may start beside what it would name.
    pub async fn end_survivors(&self) -> std::io::Result<Vec<i32>> {
        let mut ended = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(ended),
            Err(err) => return Err(err),
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if let Some(mark) = name.to_str().and_then(|n| n.strip_prefix(PENDING)) {
                for pgid in marked_groups(mark) {
                    end(pgid).await;
                    ended.push(pgid);
                }
                let _ = std::fs::remove_file(entry.path());
                continue;
            }
            let Some(pgid) = name.to_str().and_then(|n| n.parse::<i32>().ok()) else {
                continue;
            };
            let start = std::fs::read_to_string(entry.path())
                .ok()
                .and_then(|t| t.trim().parse::<u64>().ok());
            if start.is_some_and(|s| still_ours(pgid, s)) {
                end(pgid).await;
                ended.push(pgid);
            }
            if !super::group_alive(pgid) {
                self.forget(pgid);
            }
        }
        ended.sort();
        Ok(ended)
    }
}

/// Spawns `command` (already in a group of its own) recorded in `registry`, when there is
/// one, so that no kill -9 of specctl, however timed, leaves the group running unnoticed. A
/// group that cannot be recorded is killed: nothing may run that a later run could not end.
pub(crate) fn spawn_recorded(
    registry: Option<&Registry>,
    command: &mut tokio::process::Command,
) -> std::io::Result<tokio::process::Child> {
    let Some(registry) = registry else {
        return command.spawn();
    };
    let mark = registry.reserve()?;
    command.env(MARK, &mark);
    let recorded = command.spawn().and_then(|child| {
        if let Some(pgid) = child.id().map(|id| id as i32)
            && let Err(err) = registry.record(pgid)
        {
            super::group::kill_now(pgid);
            return Err(err);
        }
        Ok(child)
    });
    registry.settle(&mark);
    recorded
}

/// The environment entry that marks the processes of a start (see [`Registry::reserve`]).
pub const MARK: &str = "SPECCTL_GROUP_MARK";

/// A reservation's file name: this prefix, then the mark.
const PENDING: &str = "pending-";

/// The groups of the live processes whose environment carries `MARK=mark`.
fn marked_groups(mark: &str) -> Vec<i32> {
    let needle = format!("{MARK}={mark}");
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut groups: Vec<i32> = procs
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
        })
        // SAFETY: getpgid(2) reads a process's group id and touches no memory.
        .map(|pid| unsafe { libc::getpgid(pid) })
        .filter(|pgid| *pgid > 0)
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

/// Whether group `pgid` is still the one recorded: its leader alive with the recorded start
/// time, or the leader gone and members left (a group id is not reused while it has any).
fn still_ours(pgid: i32, start: u64) -> bool {
    match start_time(pgid) {
        Some(now) if now == start => true,
        Some(_) => leader_in_other_group(pgid) && super::group_alive(pgid),
        None => super::group_alive(pgid),
    }
}

/// A reused pid that leads no group of that id is no sign of the old group; its members are.
fn leader_in_other_group(pid: i32) -> bool {
    // SAFETY: getpgid(2) reads a process's group id and touches no memory.
    let pgrp = unsafe { libc::getpgid(pid) };
    pgrp != pid
}

async fn end(pgid: i32) {
    // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory.
    unsafe { libc::kill(-pgid, libc::SIGTERM) };
    let deadline = Instant::now() + GRACE;
    while super::group_alive(pgid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if super::group_alive(pgid) {
        // SAFETY: as above.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let deadline = Instant::now() + GRACE;
        while super::group_alive(pgid) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Registries of concurrent runs, one per run under `base`, each named after the specctl
/// process that owns it: a run ends only what runs that are gone left behind, never what a
/// live run beside it started.
pub struct Owned;

impl Owned {
    /// The registry of this process under `base`.
    pub fn mine(base: &Path) -> Registry {
        let me = std::process::id() as i32;
        let start = start_time(me).unwrap_or(0);
        Registry::new(base.join(format!("run-{me}-{start}")))
    }

    /// Ends every group recorded by a run under `base` whose specctl is gone, and drops its
    /// registry; returns the groups it had to end.
    pub async fn end_orphans(base: &Path) -> std::io::Result<Vec<i32>> {
        let entries = match std::fs::read_dir(base) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err),
        };
        let mut ended = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some((pid, start)) = name.to_str().and_then(super::scratch::run_of) else {
                continue;
            };
            if start_time(pid) == Some(start) {
                continue;
            }
            ended.extend(Registry::new(entry.path()).end_survivors().await?);
            let _ = std::fs::remove_dir_all(entry.path());
        }
        ended.sort();
        Ok(ended)
    }
}

/// The registry of the project at `root`.
pub fn of_project(root: &Path) -> Registry {
    Registry::new(root.join(".specctl").join("groups"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    #[tokio::test]
    async fn a_group_left_running_is_ended_and_an_ended_one_only_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::new(dir.path().join("groups"));
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30; wait"])
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = child.id() as i32;
        registry.record(pgid).unwrap();
        let mut done = std::process::Command::new("true")
            .process_group(0)
            .spawn()
            .unwrap();
        let gone = done.id() as i32;
        done.wait().unwrap();
        registry.record(gone).unwrap();
        assert_eq!(registry.end_survivors().await.unwrap(), [pgid]);
        child.wait().unwrap();
        assert!(
            !super::super::group_alive(pgid),
            "the survivor's group is gone"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("groups"))
                .unwrap()
                .count(),
            0
        );
        assert_eq!(registry.end_survivors().await.unwrap(), Vec::<i32>::new());
    }

    #[tokio::test]
    async fn a_group_spawned_but_never_recorded_is_found_by_its_mark() {
        // specctl killed between the spawn and the record: only the reservation is left.
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::new(dir.path().join("groups"));
        let mark = registry.reserve().unwrap();
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30; wait"])
            .env(MARK, &mark)
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = child.id() as i32;
        assert_eq!(registry.end_survivors().await.unwrap(), [pgid]);
        child.wait().unwrap();
        assert!(
            !super::super::group_alive(pgid),
            "the unrecorded group is gone"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("groups"))
                .unwrap()
                .count(),
            0,
            "the reservation is dropped"
        );
    }
}
