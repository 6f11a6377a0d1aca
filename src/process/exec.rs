//! A program run with its arguments (no shell) whose whole output is wanted: git, which
//! specctl drives for snapshots. Same process group, timeout and interrupt as evidence.

use super::{ProcessEnd, end_group, end_of, interrupted};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::sync::watch;

/// What to run.
#[derive(Debug, Clone)]
pub struct Exec<'a> {
    pub program: &'a str,
    pub args: &'a [&'a str],
    pub cwd: &'a Path,
    pub env: &'a [(&'a str, &'a str)],
    pub timeout: Duration,
    /// Where the group is recorded while it runs, so a run killed meanwhile can end it.
    pub registry: Option<&'a super::Registry>,
}

/// A program that ran to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("`{program}` could not start: {source}")]
    NotStarted {
        program: String,
        source: std::io::Error,
    },
    #[error("`{program}` ran past {} and was stopped", humantime::format_duration(*timeout))]
    TimedOut { program: String, timeout: Duration },
    #[error("`{program}` was interrupted")]
    Interrupted { program: String },
}

/// Runs `job` to its end and returns all it printed.
pub async fn exec(
    job: Exec<'_>,
    mut interrupt: watch::Receiver<bool>,
) -> Result<ExecOutput, ExecError> {
    let program = job.program.to_string();
    let mut command = tokio::process::Command::new(job.program);
    command
        .args(job.args)
        .current_dir(job.cwd)
        .envs(job.env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child =
        super::registry::spawn_recorded(job.registry, &mut command).map_err(|source| {
            ExecError::NotStarted {
                program: program.clone(),
                source,
            }
        })?;
    let pgid = child.id().map(|id| id as i32);
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let run = async {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (status, _, _) = tokio::join!(
            child.wait(),
            read_all(&mut stdout, &mut out),
            read_all(&mut stderr, &mut err)
        );
        (status, out, err)
    };
    let result = tokio::select! {
        (status, out, err) = run => Ok((status, out, err)),
        _ = tokio::time::sleep(job.timeout) => Err(ExecError::TimedOut { program: program.clone(), timeout: job.timeout }),
        _ = interrupted(&mut interrupt) => Err(ExecError::Interrupted { program: program.clone() }),
    };
    if let Some(pgid) = pgid {
        end_group(pgid, &mut child).await;
        if let Some(registry) = job.registry {
            registry.forget(pgid);
        }
    }
    let _ = child.wait().await;
    let (status, stdout, stderr) = result?;
    let code = match status.map(end_of) {
        Ok(ProcessEnd::Exited(code)) => Some(code),
        Ok(_) => None,
        Err(source) => return Err(ExecError::NotStarted { program, source }),
    };
    Ok(ExecOutput {
        code,
        stdout,
        stderr: String::from_utf8_lossy(&stderr).trim().to_string(),
    })
}

async fn read_all(pipe: &mut Option<impl tokio::io::AsyncRead + Unpin>, into: &mut Vec<u8>) {
    if let Some(pipe) = pipe {
        // A read error ends the output where it stands; the exit code still says how it went.
        let _ = pipe.read_to_end(into).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> watch::Receiver<bool> {
        watch::channel(false).1
    }

    fn job<'a>(program: &'a str, args: &'a [&'a str], timeout_ms: u64) -> Exec<'a> {
        Exec {
            program,
            args,
            cwd: Path::new("."),
            env: &[],
            timeout: Duration::from_millis(timeout_ms),
            registry: None,
        }
    }

    #[tokio::test]
    async fn the_whole_output_and_the_exit_code_come_back() {
        let out = exec(
            job(
                "sh",
                &["-c", "printf 'a\\0b'; echo oops >&2; exit 3"],
                10_000,
            ),
            never(),
        )
        .await
        .unwrap();
        assert_eq!(
            out,
            ExecOutput {
                code: Some(3),
                stdout: b"a\0b".to_vec(),
                stderr: "oops".into()
            }
        );
    }

    #[tokio::test]
    async fn a_hang_times_out_and_a_missing_program_cannot_start() {
        let err = exec(job("sleep", &["30"], 200), never()).await.unwrap_err();
        assert!(matches!(err, ExecError::TimedOut { .. }), "{err}");
        let err = exec(job("no-such-program-here", &[], 1000), never())
            .await
            .unwrap_err();
        assert!(matches!(err, ExecError::NotStarted { .. }), "{err}");
    }

    #[tokio::test]
    async fn an_interrupt_stops_it() {
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(async move { exec(job("sleep", &["30"], 60_000), rx).await });
        tx.send(true).unwrap();
        let err = task.await.unwrap().unwrap_err();
        assert!(matches!(err, ExecError::Interrupted { .. }), "{err}");
    }
}
