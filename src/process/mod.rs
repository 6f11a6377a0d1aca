//! Every child process specctl starts (evidence, agents, git) goes through here: its own
//! process group, a timeout, an interrupt, and the whole group ended afterwards.

mod capture;
mod exec;
mod group;
mod quote;
mod registry;
pub mod scratch;
mod signal;

pub use capture::Capture;
pub use exec::{Exec, ExecError, ExecOutput, exec};
pub use group::{end_group, group_alive};
pub use quote::shell_quote;
pub use registry::{Owned, Registry, of_project as registry_of};
pub use signal::Interrupt;

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::sync::watch;

/// How long a process group gets between TERM and KILL.
pub const GRACE: Duration = Duration::from_secs(2);
/// How long output pipes may stay open after the group is gone (a daemon that left the
/// group can hold them forever).
const PIPE_LINGER: Duration = Duration::from_millis(500);

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessEnd {
    Exited(i32),
    Signalled(i32),
    TimedOut,
    /// The process could not be started at all (no shell, no such folder).
    NotStarted(String),
    /// Stopped by Ctrl-C: no verdict is recorded for it.
    Interrupted,
}

impl ProcessEnd {
    /// How it ended, as a sentence's predicate: "exited with 3", "timed out and …".
    pub fn describe(&self) -> String {
        match self {
            ProcessEnd::Exited(code) => format!("exited with {code}"),
            ProcessEnd::Signalled(sig) => format!("was killed by signal {sig}"),
            ProcessEnd::TimedOut => "timed out and its process group was killed".into(),
            ProcessEnd::NotStarted(why) => format!("could not start ({why})"),
            ProcessEnd::Interrupted => "was interrupted".into(),
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// A shell command line, run by `sh -c`.
    pub command: &'a str,
    pub cwd: &'a Path,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    /// Text written to the command's standard input (an agent's prompt); none: /dev/null.
    pub stdin: Option<&'a str>,
    /// Where the group is recorded while it runs, so a run killed meanwhile can end it.
    pub registry: Option<&'a Registry>,
}

#[derive(Debug)]
pub struct Finished {
    pub end: ProcessEnd,
    /// The process group it ran in (its leader's pid), gone by the time `run` returns.
    pub pgid: Option<i32>,
    pub output: Capture,
    pub duration: Duration,
}

/// The pipes of a started job, read in the background.
struct Running {
    child: tokio::process::Child,
    pgid: Option<i32>,
    writer: Option<tokio::task::JoinHandle<()>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
    capture: Arc<Mutex<Capture>>,
}

/// Runs `job` to its end. `interrupt` turning true ends it early (Ctrl-C).
pub async fn run(job: Job<'_>, mut interrupt: watch::Receiver<bool>) -> Finished {
    let started = Instant::now();
    let mut running = match start(&job) {
        Ok(running) => running,
        Err(err) => {
            return Finished {
                end: ProcessEnd::NotStarted(err.to_string()),
                pgid: None,
                output: Capture::default(),
                duration: started.elapsed(),
            };
        }
    };
    let end = tokio::select! {
        status = running.child.wait() => match status {
            Ok(status) => end_of(status),
            Err(err) => ProcessEnd::NotStarted(err.to_string()),
        },
        _ = tokio::time::sleep(job.timeout) => ProcessEnd::TimedOut,
        _ = interrupted(&mut interrupt) => ProcessEnd::Interrupted,
    };
    let output = finish(running).await;
    if let (Some(registry), Some(pgid)) = (job.registry, output.1) {
        registry.forget(pgid);
    }
    Finished {
        end,
        pgid: output.1,
        output: output.0,
        duration: started.elapsed(),
    }
}

fn start(job: &Job<'_>) -> std::io::Result<Running> {
    let mut command = tokio::process::Command::new(shell());
    command
        .arg("-c")
        .arg(job.command)
        .current_dir(job.cwd)
        .envs(job.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(if job.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = registry::spawn_recorded(job.registry, &mut command)?;
    let pgid = child.id().map(|id| id as i32);
    let writer = match (child.stdin.take(), job.stdin) {
        (Some(mut pipe), Some(text)) => {
            let text = text.to_owned();
            // A command that never reads its input must not block the run: the write ends
            // with the pipe when the group is ended.
            Some(tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let _ = pipe.write_all(text.as_bytes()).await;
                let _ = pipe.shutdown().await;
            }))
        }
        _ => None,
    };
    let capture = Arc::new(Mutex::new(Capture::default()));
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(tokio::spawn(drain(out, capture.clone())));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(tokio::spawn(drain(err, capture.clone())));
    }
    Ok(Running {
        child,
        pgid,
        writer,
        readers,
        capture,
    })
}

/// Whatever ended the run, nothing of the group may outlive it: a finished runner's leftover
/// daemons too. Returns what it printed and the group it ran in.
async fn finish(mut running: Running) -> (Capture, Option<i32>) {
    if let Some(pgid) = running.pgid {
        end_group(pgid, &mut running.child).await;
    }
    // The group is gone; reaping the leader cannot block.
    let _ = running.child.wait().await;
    if let Some(writer) = running.writer {
        writer.abort();
    }
    for reader in running.readers {
        let abort = reader.abort_handle();
        if tokio::time::timeout(PIPE_LINGER, reader).await.is_err() {
            abort.abort();
        }
    }
    let output = std::mem::take(&mut *running.capture.lock().unwrap_or_else(|p| p.into_inner()));
    (output, running.pgid)
}

/// The environment entries that name items: `SPECCTL_ITEMS` (one id a line) when short, else
/// `SPECCTL_ITEMS_FILE`, a file in `scratch` holding them, since the kernel refuses an
/// environment string over 128 KiB and a runner of thousands of scenarios would not start.
pub fn items_env(ids: &[&str], scratch: &Path) -> Vec<(String, String)> {
    let joined = ids.join("\n");
    if joined.len() <= 16 * 1024 {
        return vec![("SPECCTL_ITEMS".into(), joined)];
    }
    let file = scratch.join("items.txt");
    match std::fs::write(&file, joined + "\n") {
        Ok(()) => vec![(
            "SPECCTL_ITEMS_FILE".into(),
            file.to_string_lossy().into_owned(),
        )],
        Err(_) => Vec::new(),
    }
}

/// `/bin/sh` by its path: a PATH search costs one failed exec per entry on every spawn.
pub(crate) fn shell() -> &'static str {
    static SHELL: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    SHELL.get_or_init(|| {
        if Path::new("/bin/sh").exists() {
            "/bin/sh"
        } else {
            "sh"
        }
    })
}

pub(crate) async fn interrupted(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|stop| *stop).await.is_err() {
        // The sender is gone, so no interruption can come: wait forever.
        std::future::pending::<()>().await;
    }
}

async fn drain(mut stream: impl tokio::io::AsyncRead + Unpin, capture: Arc<Mutex<Capture>>) {
    // Read into spare capacity: most evidence prints little, and zeroing a pipe's worth of
    // buffer twice per process was a tenth of a check's instructions.
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        buf.clear();
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => capture.lock().unwrap_or_else(|p| p.into_inner()).push(&buf),
        }
    }
}

pub(crate) fn end_of(status: std::process::ExitStatus) -> ProcessEnd {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => ProcessEnd::Exited(code),
        (None, Some(signal)) => ProcessEnd::Signalled(signal),
        (None, None) => ProcessEnd::Exited(-1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(command: &str, timeout_ms: u64) -> Job<'_> {
        Job {
            command,
            cwd: Path::new("."),
            env: vec![],
            timeout: Duration::from_millis(timeout_ms),
            stdin: None,
            registry: None,
        }
    }

    fn never() -> watch::Receiver<bool> {
        watch::channel(false).1
    }

    #[tokio::test]
    async fn exit_codes_and_output_are_captured() {
        let f = run(job("echo out; echo err >&2; exit 3", 10_000), never()).await;
        assert_eq!(f.end, ProcessEnd::Exited(3));
        let text = f.output.text();
        assert!(text.contains("out\n") && text.contains("err\n"), "{text}");
    }

    #[tokio::test]
    async fn a_hanging_command_times_out_and_its_group_dies() {
        let f = run(job("sleep 30 & sleep 30; wait", 300), never()).await;
        assert_eq!(f.end, ProcessEnd::TimedOut);
        assert!(!group_alive(f.pgid.unwrap()), "the group outlived the run");
    }

    #[tokio::test]
    async fn a_daemon_holding_stdout_does_not_hold_specctl() {
        let f = run(
            job("(sleep 30; echo late) & echo early; exit 0", 20_000),
            never(),
        )
        .await;
        assert_eq!(f.end, ProcessEnd::Exited(0));
        assert!(!group_alive(f.pgid.unwrap()), "the daemon outlived the run");
        assert!(f.output.text().contains("early"));
        assert!(!f.output.text().contains("late"));
    }

    #[tokio::test]
    async fn a_command_ignoring_term_is_killed_after_the_grace_period() {
        let f = run(job("trap '' TERM; sleep 30; sleep 30", 200), never()).await;
        assert_eq!(f.end, ProcessEnd::TimedOut);
        assert!(
            f.duration >= GRACE,
            "TERM was ignored, so KILL came after the grace period: {:?}",
            f.duration
        );
        assert!(!group_alive(f.pgid.unwrap()), "the group outlived the run");
    }

    #[test]
    fn a_long_item_list_goes_in_a_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            items_env(&["a", "b"], dir.path()),
            [("SPECCTL_ITEMS".to_string(), "a\nb".to_string())]
        );
        let ids: Vec<String> = (0..5000)
            .map(|i| format!("specs/many.feature::scenario {i}"))
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let env = items_env(&refs, dir.path());
        assert_eq!(env[0].0, "SPECCTL_ITEMS_FILE");
        assert_eq!(
            std::fs::read_to_string(&env[0].1).unwrap().lines().count(),
            5000
        );
    }

    #[tokio::test]
    async fn standard_input_carries_the_given_text() {
        let mut j = job("tr a-z A-Z", 10_000);
        j.stdin = Some("make it hold\n");
        let f = run(j, never()).await;
        assert_eq!(f.end, ProcessEnd::Exited(0));
        assert_eq!(f.output.text(), "MAKE IT HOLD\n");
    }

    #[tokio::test]
    async fn a_signal_is_reported() {
        let f = run(job("kill -9 $$", 10_000), never()).await;
        assert_eq!(f.end, ProcessEnd::Signalled(9));
    }

    #[tokio::test]
    async fn an_interrupt_ends_the_run() {
        let (tx, rx) = watch::channel(false);
        let handle = tokio::spawn(async move {
            run(
                Job {
                    command: "sleep 30",
                    cwd: Path::new("."),
                    env: vec![],
                    timeout: Duration::from_secs(60),
                    stdin: None,
                    registry: None,
                },
                rx,
            )
            .await
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        tx.send(true).unwrap();
        let f = handle.await.unwrap();
        assert_eq!(f.end, ProcessEnd::Interrupted);
    }

    #[tokio::test]
    async fn a_missing_folder_cannot_start() {
        let f = run(
            Job {
                command: "true",
                cwd: Path::new("/no/such/folder"),
                env: vec![],
                timeout: Duration::from_secs(5),
                stdin: None,
                registry: None,
            },
            never(),
        )
        .await;
        assert!(matches!(f.end, ProcessEnd::NotStarted(_)), "{:?}", f.end);
    }
}
