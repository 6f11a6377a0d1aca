//! A run's observations recorded while its evidence still runs: a thread of its own opens
//! the store and writes each finished task's observations as they come.

use super::{Recorder, Store, StoreError};
use crate::observe::Observation;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// Records observations sent to it, in the background; [`Writer::finish`] waits for the last.
pub struct Writer {
    sender: Sender<Vec<Observation>>,
    thread: JoinHandle<Result<(), StoreError>>,
}

impl Writer {
    /// Opens the store of the project at `root` on a thread of its own, keeping `keep`
    /// observations per item.
    pub fn start(root: &Path, keep: usize) -> std::io::Result<Writer> {
        let (sender, receiver) = mpsc::channel();
        let root = root.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || write(&root, keep, receiver))?;
        Ok(Writer { sender, thread })
    }

    /// What an observation calls with each task's observations: they are queued here.
    pub fn sink(&self) -> crate::observe::Sink {
        let sender = self.sender.clone();
        Box::new(move |observations| queue(&sender, observations))
    }

    /// Waits until everything sent is recorded (or the first error); every sink must be
    /// dropped first, or this waits for it. A panic of the writer is a bug, and goes on as
    /// the same panic would have on this thread.
    pub fn finish(self) -> Result<(), StoreError> {
        drop(self.sender);
        self.thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

fn queue(sender: &Sender<Vec<Observation>>, observations: &[Observation]) {
    if !observations.is_empty() {
        // A writer that stopped on an error says so in `finish`; what it is sent meanwhile
        // has nowhere to go.
        let _ = sender.send(observations.to_vec());
    }
}

fn write(root: &Path, keep: usize, receiver: Receiver<Vec<Observation>>) -> Result<(), StoreError> {
    let mut store = Store::open(root)?.keeping(keep);
    // The log is folded into the database when the next run opens the store, in its
    // background too, not at a commit that the end of this run would wait for.
    store.no_checkpoint_on_commit()?;
    // One transaction per batch, with whatever else waits by then: the write lock is held
    // only while rows are written, and the last commit is only the last task's rows.
    let keep = store.keep;
    let mut turn = None;
    while let Ok(first) = receiver.recv() {
        store.transaction(|tx| {
            if turn.is_none() {
                turn = Some(super::record::begin(tx)?);
            }
            let mut recorder = Recorder::new(tx, None)?;
            let mut batch = Some(first);
            while let Some(observations) = batch {
                observations.iter().try_for_each(|o| recorder.add(o))?;
                batch = receiver.try_recv().ok();
            }
            Ok(())
        })?;
    }
    match turn {
        Some(turn) => store.transaction(|tx| super::record::end(tx, turn, keep)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Verdict;

    fn obs(id: &str, verdict: Verdict) -> Observation {
        Observation {
            id: id.into(),
            generation: "g".into(),
            verdict,
            duration_ms: 3,
            message: (verdict == Verdict::Fail).then(|| "expected 2".into()),
        }
    }

    #[test]
    fn what_is_sent_is_recorded_by_the_time_it_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(dir.path(), 10).unwrap();
        let sink = writer.sink();
        sink(&[obs("a", Verdict::Pass), obs("b", Verdict::Fail)]);
        sink(&[]);
        sink(&[obs("c", Verdict::Error)]);
        drop(sink);
        writer.finish().unwrap();
        let latest = Store::open(dir.path()).unwrap().latest().unwrap();
        let mut got: Vec<(&str, Verdict, Option<&str>)> = latest
            .iter()
            .map(|(id, s)| (id.as_str(), s.verdict, s.message.as_deref()))
            .collect();
        got.sort_by_key(|(id, _, _)| *id);
        assert_eq!(
            got,
            [
                ("a", Verdict::Pass, None),
                ("b", Verdict::Fail, Some("expected 2")),
                ("c", Verdict::Error, None)
            ]
        );
    }

    #[test]
    fn a_store_that_cannot_be_opened_is_the_error_finish_returns() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".specctl")).unwrap();
        std::fs::write(
            dir.path().join(".specctl/state.db"),
            "not a database, at all....",
        )
        .unwrap();
        let writer = Writer::start(dir.path(), 10).unwrap();
        let sink = writer.sink();
        sink(&[obs("a", Verdict::Pass)]);
        let err = writer.finish().unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn each_batch_is_committed_while_the_run_goes_on() {
        use std::time::{Duration, Instant};
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(dir.path(), 10).unwrap();
        let sink = writer.sink();
        sink(&[obs("a", Verdict::Pass)]);
        // Another process sees the first batch before the run ends.
        let give_up = Instant::now() + Duration::from_secs(30);
        let seen = loop {
            let seen = Store::open_to_read(dir.path()).and_then(|s| s.latest());
            match seen {
                Ok(seen) if !seen.is_empty() => break seen,
                _ if Instant::now() > give_up => panic!("the first batch was never committed"),
                _ => std::thread::yield_now(),
            }
        };
        assert_eq!(seen.keys().collect::<Vec<_>>(), ["a"]);
        sink(&[obs("b", Verdict::Fail)]);
        drop(sink);
        writer.finish().unwrap();
        let latest = Store::open(dir.path()).unwrap().latest().unwrap();
        assert_eq!(latest.len(), 2);
        assert_eq!(latest["b"].verdict, Verdict::Fail);
    }
}
