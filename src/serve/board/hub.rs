//! Where the watch loop hands the board to the page: the newest board document, kept for each
//! client that connects, and a broadcast of every change to the clients already listening.

use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// What the page is told.
#[derive(Debug, Clone, PartialEq)]
pub enum News {
    /// A new board document (JSON).
    Board(Arc<str>),
    /// The store changed (a turn, a session, an audit): views that read it fetch again.
    Store,
}

/// How many messages a slow client may fall behind before it is sent the newest board
/// instead of what it missed.
const BACKLOG: usize = 64;

pub struct Hub {
    latest: Mutex<Arc<str>>,
    tx: broadcast::Sender<News>,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        let (tx, _) = broadcast::channel(BACKLOG);
        Arc::new(Hub {
            latest: Mutex::new(Arc::from(STARTING)),
            tx,
        })
    }

    /// A new board: kept for clients that connect later, sent to those listening.
    pub fn board(&self, text: String) {
        let text: Arc<str> = Arc::from(text);
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = text.clone();
        // No client listening is not an error: the board is kept for the next one.
        let _ = self.tx.send(News::Board(text));
    }

    pub fn store_changed(&self) {
        let _ = self.tx.send(News::Store);
    }

    pub fn latest(&self) -> Arc<str> {
        self.latest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<News> {
        self.tx.subscribe()
    }
}

/// The board before watch has shown anything.
const STARTING: &str = r#"{"version":1,"observation":0,"status":"starting…","running":true,"summary":{"total":0,"pass":0,"fail":0,"error":0,"timeout":0,"undefined":0,"skipped":0,"duration_ms":0},"files":[],"changed":[],"errors":[],"warnings":[]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_client_gets_the_newest_board_and_a_listener_every_change() {
        let hub = Hub::new();
        let v: serde_json::Value = serde_json::from_str(&hub.latest()).unwrap();
        assert_eq!(v["status"], "starting…");
        let mut rx = hub.subscribe();
        hub.board("{\"n\":1}".into());
        hub.store_changed();
        assert_eq!(&*hub.latest(), "{\"n\":1}");
        assert_eq!(rx.try_recv().unwrap(), News::Board(Arc::from("{\"n\":1}")));
        assert_eq!(rx.try_recv().unwrap(), News::Store);
    }
}
