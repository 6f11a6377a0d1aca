//! The board's HTTP routes: the page and its assets from the binary, the views' JSON, and the
//! live stream of server-sent events. Every route is a GET: the page changes nothing.

use super::hub::{Hub, News};
use super::read::{self, Diffs};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Clone)]
pub(crate) struct App {
    pub hub: Arc<Hub>,
    pub root: Arc<PathBuf>,
    pub addr: SocketAddr,
    pub diffs: Arc<Diffs>,
}

pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { Html(include_str!("assets/index.html")) }),
        )
        .route(
            "/app.js",
            get(|| asset("text/javascript", include_str!("assets/app.js"))),
        )
        .route(
            "/app.css",
            get(|| asset("text/css", include_str!("assets/app.css"))),
        )
        .route("/api/board", get(board))
        .route("/api/server", get(server))
        .route("/api/item", get(item))
        .route("/api/sessions", get(sessions))
        .route("/api/audit", get(audit))
        .route("/events", get(events))
        .with_state(app)
}

async fn asset(kind: &'static str, body: &'static str) -> Response {
    let kind = format!("{kind}; charset=utf-8");
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

fn json_text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// A view that could not be read, said to the page as `{"error": …}`.
fn problem(status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn board(State(app): State<App>) -> Response {
    json_text(app.hub.latest().to_string())
}

async fn server(State(app): State<App>) -> Response {
    json_text(
        serde_json::json!({
            "version": 1,
            "addr": app.addr.to_string(),
            "loopback": app.addr.ip().is_loopback(),
            "root": app.root.display().to_string(),
            "read_only": true,
        })
        .to_string(),
    )
}

#[derive(serde::Deserialize)]
struct One {
    id: String,
}

/// Runs a blocking read of the files and the store off the server's threads.
async fn blocking<T: Send + 'static>(
    app: &App,
    read: impl FnOnce(&std::path::Path) -> Result<T, super::BoardError> + Send + 'static,
) -> Result<T, Response> {
    let root = app.root.clone();
    match tokio::task::spawn_blocking(move || read(&root)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(problem(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())),
        Err(err) => Err(problem(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())),
    }
}

async fn item(State(app): State<App>, Query(one): Query<One>) -> Response {
    let id = one.id.clone();
    match blocking(&app, move |root| read::item(root, &id)).await {
        Ok(Some(doc)) => json_text(doc.to_string()),
        Ok(None) => problem(
            StatusCode::NOT_FOUND,
            format!("no item `{}`: the board lists the ids there are", one.id),
        ),
        Err(response) => response,
    }
}

async fn sessions(State(app): State<App>) -> Response {
    let found = match blocking(&app, read::sessions).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let doc = app.diffs.document(&app.root, found).await;
    json_text(doc.to_string())
}

async fn audit(State(app): State<App>) -> Response {
    match blocking(&app, read::audit).await {
        Ok(doc) => json_text(doc.to_string()),
        Err(response) => response,
    }
}

/// The live stream: the newest board at once (so a client that reconnects is right), then
/// every change. A client too slow to keep up is sent the newest board instead of what it
/// missed; one that goes away ends only its own stream.
async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let hub = app.hub.clone();
    let first = stream::iter([Ok(board_event(&hub.latest()))]);
    let rest = BroadcastStream::new(hub.subscribe()).map(move |news| {
        let (name, data) = message(news.map_err(|_lagged| ()), &hub);
        Ok(Event::default().event(name).data(data))
    });
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

fn board_event(text: &str) -> Event {
    Event::default().event("board").data(text)
}

/// The event a client is sent for one piece of news: its name and data. `Err`: the client
/// fell behind and missed some; the newest board puts it right.
fn message(news: Result<News, ()>, hub: &Hub) -> (&'static str, String) {
    match news {
        Ok(News::Board(text)) => ("board", text.to_string()),
        Ok(News::Store) => ("store", "{}".to_string()),
        Err(()) => ("board", hub.latest().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_fell_behind_is_sent_the_newest_board() {
        let hub = Hub::new();
        hub.board("{\"n\":2}".into());
        assert_eq!(message(Err(()), &hub), ("board", "{\"n\":2}".to_string()));
        assert_eq!(
            message(Ok(News::Board(Arc::from("{\"n\":1}"))), &hub),
            ("board", "{\"n\":1}".to_string())
        );
        assert_eq!(message(Ok(News::Store), &hub), ("store", "{}".to_string()));
    }

    #[tokio::test]
    async fn a_slow_listener_lags_without_stopping_the_others() {
        let hub = Hub::new();
        let mut slow = BroadcastStream::new(hub.subscribe());
        for n in 0..200 {
            hub.board(format!("{{\"n\":{n}}}"));
        }
        let first = slow.next().await.expect("news");
        assert!(first.is_err(), "a receiver 200 behind has lagged");
        let (name, data) = message(first.map_err(|_| ()), &hub);
        assert_eq!((name, data.as_str()), ("board", "{\"n\":199}"));
        hub.board("{\"n\":200}".into());
        let mut fresh = BroadcastStream::new(hub.subscribe());
        hub.store_changed();
        assert_eq!(fresh.next().await.expect("news").ok(), Some(News::Store));
    }
}
