//! One aspect's evidence: its command run from the project root, its exit code the verdict.

use super::verdict::{self, Verdict};
use super::{Observation, trim_message};
use crate::desired::Item;
use crate::process::ProcessEnd;
use crate::process::{self, Job};
use std::path::Path;
use std::time::Duration;
use tokio::sync::watch;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Runs the aspect's evidence; `None` when interrupted.
pub async fn run(
    root: &Path,
    item: &Item,
    registry: Option<&crate::process::Registry>,
    interrupt: watch::Receiver<bool>,
) -> Option<Observation> {
    let source = item.aspect()?;
    let job = Job {
        command: &source.command,
        cwd: root,
        env: vec![("SPECCTL_ITEMS".into(), item.id.clone())],
        timeout: source.timeout.unwrap_or(DEFAULT_TIMEOUT),
        stdin: None,
        registry,
    };
    let finished = process::run(job, interrupt).await;
    let ms = finished.duration.as_millis() as u64;
    let tail = finished.output.last_lines(15);
    let (verdict, message) = match verdict::from_process_end(&finished.end) {
        Some(_) if finished.end == ProcessEnd::Interrupted => return None,
        Some((verdict, why)) => (verdict, Some(join(&why, &tail))),
        None => {
            let code = match finished.end {
                ProcessEnd::Exited(code) => code,
                _ => -1,
            };
            let verdict = verdict::from_exit_code(code);
            let message = (verdict == Verdict::Fail)
                .then(|| join(&format!("`{}` exited with {code}", source.command), &tail));
            (verdict, message)
        }
    };
    Some(Observation::new(
        item,
        verdict,
        ms,
        message.as_deref().map(trim_message),
    ))
}

fn join(head: &str, tail: &str) -> String {
    if tail.is_empty() {
        head.to_string()
    } else {
        format!("{head}\n{tail}")
    }
}
