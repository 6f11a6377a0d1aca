//! `specctl watch --serve`: the board as a web page, live over server-sent events from the
//! same typed events the terminal renders, its assets in the binary, reading only.

pub mod audit;
pub mod hub;
pub mod item;
pub mod publish;
mod read;
mod routes;
pub mod sessions;
pub mod view;

pub use hub::Hub;
pub use publish::Publisher;

use crate::store::{self, Store, StoreError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where `--serve` without an address serves.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("cannot serve the board on {addr}: {source} (choose another with --serve ADDR)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the board's server: {0}")]
    Start(std::io::Error),
    #[error("the board stopped: {0}")]
    Stopped(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Config(#[from] crate::input_error::InputError),
}

/// A board being served.
pub struct Serving {
    /// The address bound (the port chosen, where `:0` was asked for).
    pub addr: SocketAddr,
    pub hub: Arc<Hub>,
    /// The server's thread: it ends only when the server failed.
    pub thread: std::thread::JoinHandle<Result<(), BoardError>>,
}

/// Binds `addr` at once (so a port in use is an error before watch starts) and serves the
/// board of the project at `root` on a thread of its own until the process ends.
pub fn start(root: &Path, addr: SocketAddr) -> Result<Serving, BoardError> {
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| BoardError::Bind { addr, source })?;
    listener.set_nonblocking(true).map_err(BoardError::Start)?;
    let bound = listener.local_addr().map_err(BoardError::Start)?;
    let hub = Hub::new();
    let app = routes::App {
        hub: hub.clone(),
        root: Arc::new(root.to_path_buf()),
        addr: bound,
        diffs: Arc::default(),
    };
    // Its own runtime: the watch loop's blocking moments (parsing, the store) never hold a
    // page up, and the page never holds up an observation.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("specctl-board")
        .enable_all()
        .build()
        .map_err(BoardError::Start)?;
    let listener = {
        let _in = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(BoardError::Start)?
    };
    let thread = std::thread::Builder::new()
        .name("specctl-board".into())
        .spawn(move || runtime.block_on(serve(listener, app)))
        .map_err(BoardError::Start)?;
    Ok(Serving {
        addr: bound,
        hub,
        thread,
    })
}

async fn serve(listener: tokio::net::TcpListener, app: routes::App) -> Result<(), BoardError> {
    tokio::spawn(notice_store(app.hub.clone(), app.root.clone()));
    axum::serve(listener, routes::router(app))
        .await
        .map_err(BoardError::Stopped)
}

/// Tells the page when anything was written to the store by anyone (a `specctl reconcile` or
/// `specctl audit` beside the watch included), so its views of the store follow.
async fn notice_store(hub: Arc<Hub>, root: Arc<PathBuf>) {
    let opened: Arc<Mutex<Option<Store>>> = Arc::default();
    let mut last = None;
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        tick.tick().await;
        let (opened, root) = (opened.clone(), root.clone());
        let version = tokio::task::spawn_blocking(move || version(&opened, &root))
            .await
            .ok()
            .flatten();
        if version.is_some() && version != last {
            hub.store_changed();
            last = version;
        }
    }
}

/// The store's data version, opening it once it exists; `None` while it cannot be read.
fn version(opened: &Mutex<Option<Store>>, root: &Path) -> Option<i64> {
    let mut opened = opened.lock().unwrap_or_else(|p| p.into_inner());
    if opened.is_none() && root.join(store::DIR).join(store::FILE).is_file() {
        *opened = Store::open_to_read(root).ok();
    }
    opened.as_ref()?.data_version().ok()
}

/// The line that says where the board is, and, off loopback, who can read it.
pub fn announce(addr: SocketAddr) -> Vec<String> {
    let mut lines = vec![format!("board: http://{addr}/")];
    if !addr.ip().is_loopback() {
        lines.push(format!(
            "warning: the board is served on {addr}, beyond this machine: anyone who can reach it can read your specs, verdicts and diffs (it changes nothing)"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_says_where_it_is_and_warns_off_loopback() {
        let local: SocketAddr = DEFAULT_ADDR.parse().unwrap();
        assert_eq!(announce(local), ["board: http://127.0.0.1:7878/"]);
        let open: SocketAddr = "0.0.0.0:7878".parse().unwrap();
        assert_eq!(
            announce(open),
            [
                "board: http://0.0.0.0:7878/".to_string(),
                "warning: the board is served on 0.0.0.0:7878, beyond this machine: anyone who can reach it can read your specs, verdicts and diffs (it changes nothing)".to_string()
            ]
        );
    }

    #[test]
    fn a_port_in_use_is_an_error_naming_the_address() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let err = start(dir.path(), addr).err().expect("an error");
        assert!(
            err.to_string()
                .starts_with(&format!("cannot serve the board on {addr}: ")),
            "{err}"
        );
    }
}
