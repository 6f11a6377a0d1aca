//! Crash points for the durability tests: with `SPECCTL_FAILPOINT=name` (or `name#N` for its
//! Nth hit), the process kills itself with SIGKILL there, exactly as `kill -9` would.

use std::sync::atomic::{AtomicU32, Ordering};

static HITS: AtomicU32 = AtomicU32::new(0);

pub fn hit(name: &str) {
    let Some(want) = std::env::var_os("SPECCTL_FAILPOINT") else {
        return;
    };
    let want = want.to_string_lossy();
    let (point, nth) = match want.split_once('#') {
        Some((point, n)) => (point, n.parse().unwrap_or(1)),
        None => (want.as_ref(), 1),
    };
    if point == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == nth {
        // SAFETY: kill(2) on our own pid; nothing after it runs.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
