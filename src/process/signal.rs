//! The signals that stop a run (Ctrl-C, SIGTERM, a closed terminal's SIGHUP) turned into one
//! interrupt that every running process group listens to.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Listens for SIGINT, SIGTERM and SIGHUP while it lives; the first one sets the interrupt.
pub struct Interrupt {
    rx: watch::Receiver<bool>,
    received: Arc<AtomicI32>,
    task: JoinHandle<()>,
}

impl Interrupt {
    /// Starts listening; call it inside the runtime that runs the work.
    pub fn on_signals() -> Interrupt {
        let (tx, rx) = watch::channel(false);
        let received = Arc::new(AtomicI32::new(0));
        let task = tokio::spawn(listen(tx, received.clone()));
        Interrupt { rx, received, task }
    }

    /// What running work watches: it turns true when a signal came.
    pub fn receiver(&self) -> watch::Receiver<bool> {
        self.rx.clone()
    }

    /// The signal that interrupted the run, if one did.
    pub fn signal(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            n => Some(n),
        }
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn listen(tx: watch::Sender<bool>, received: Arc<AtomicI32>) {
    // A signal that cannot be listened to keeps its default action: it still stops specctl,
    // only without the cleanup.
    let mut int = signal(SignalKind::interrupt()).ok();
    let mut term = signal(SignalKind::terminate()).ok();
    let mut hup = signal(SignalKind::hangup()).ok();
    let number = tokio::select! {
        Some(()) = next(&mut int) => libc::SIGINT,
        Some(()) = next(&mut term) => libc::SIGTERM,
        Some(()) = next(&mut hup) => libc::SIGHUP,
        else => return,
    };
    received.store(number, Ordering::SeqCst);
    let _ = tx.send(true);
}

async fn next(stream: &mut Option<Signal>) -> Option<()> {
    match stream {
        Some(stream) => stream.recv().await,
        None => std::future::pending().await,
    }
}
