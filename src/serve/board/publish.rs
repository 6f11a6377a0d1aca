//! From watch's typed events to the hub: each board watch renders becomes the page's board,
//! the last observation's transitions kept while the next one runs.

use super::hub::Hub;
use super::view::{self, Moved};
use super::{BoardError, Serving};
use crate::watch::{Shown, WatchEvent};
use std::sync::Arc;

pub struct Publisher {
    hub: Arc<Hub>,
    /// The server's thread until it is found ended.
    thread: Option<std::thread::JoinHandle<Result<(), BoardError>>>,
    moved: Vec<Moved>,
    finished: u64,
}

impl Publisher {
    pub fn new(serving: Serving) -> Publisher {
        Publisher {
            hub: serving.hub,
            thread: Some(serving.thread),
            moved: Vec::new(),
            finished: 0,
        }
    }

    /// Hands the board to the page; the error that stopped the server, the first time it is
    /// found stopped.
    fn board(&mut self, shown: &Shown<'_>) -> Option<BoardError> {
        if !shown.running {
            let now: Vec<_> = shown.outcomes.iter().map(|o| (o.item, o.verdict)).collect();
            self.moved = crate::watch::board::transitions(shown.before, &now);
            self.finished += 1;
        }
        let doc = view::board(
            shown.outcomes,
            &self.moved,
            shown.status,
            shown.running,
            self.finished,
            (shown.errors, shown.warnings),
        );
        self.hub.board(view::text(&doc));
        self.stopped()
    }

    fn stopped(&mut self) -> Option<BoardError> {
        if !self.thread.as_ref()?.is_finished() {
            return None;
        }
        match self.thread.take()?.join() {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(err),
            Err(_) => Some(BoardError::Stopped(std::io::Error::other(
                "its thread panicked",
            ))),
        }
    }

    /// Hands what watch emitted to the page: a board, or news for the sessions view.
    pub fn event(&mut self, event: &WatchEvent<'_>) -> Option<BoardError> {
        match event {
            WatchEvent::Board(shown) => self.board(shown),
            WatchEvent::Reconcile(_) => {
                self.hub.store_changed();
                None
            }
            WatchEvent::NoAgent | WatchEvent::NoReconcile(_) => None,
        }
    }
}
