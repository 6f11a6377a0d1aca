//! Ending a process group: TERM to every member, a grace period, then KILL; and telling
//! whether any live member is left.

use super::GRACE;
use std::time::{Duration, Instant};

/// TERM to the whole group, up to `GRACE` for it to go, then KILL. The leader is reaped
/// as it goes, since a zombie still counts as a member of its group.
pub async fn end_group(pgid: i32, leader: &mut tokio::process::Child) {
    let _ = leader.try_wait();
    if !group_alive(pgid) {
        return;
    }
    signal_group(pgid, libc::SIGTERM);
    let deadline = Instant::now() + GRACE;
    loop {
        let _ = leader.try_wait();
        if !group_alive(pgid) || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if group_alive(pgid) {
        signal_group(pgid, libc::SIGKILL);
        // KILL cannot be caught, but dying takes the kernel a moment: return once the group
        // is gone, so no caller sees it still there (bounded, for a member stuck in the kernel).
        let deadline = Instant::now() + GRACE;
        while group_alive(pgid) && Instant::now() < deadline {
            let _ = leader.try_wait();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// KILL to the whole group at once: for a group that must not run at all.
pub(crate) fn kill_now(pgid: i32) {
    signal_group(pgid, libc::SIGKILL);
}

fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

/// Whether any live (non-zombie) process is in the group. Zombies count for kill(2), and an
/// init that reaps orphans slowly would make every shutdown wait out the whole grace period,
/// so where /proc is there it is asked instead.
pub fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks that the group exists and may be signalled.
    let exists = unsafe { libc::kill(-pgid, 0) == 0 };
    // Only a group that exists can be all zombies; the common case never reads /proc.
    exists && live_members(pgid).is_none_or(|n| n > 0)
}

fn live_members(pgid: i32) -> Option<usize> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let mut live = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        let pgrp = fields.nth(1).and_then(|f| f.parse::<i32>().ok());
        if pgrp == Some(pgid) && state != Some("Z") {
            live += 1;
        }
    }
    Some(live)
}
