//! A tokio-tungstenite websocket echo server.
//!
//! Text and binary messages come back unchanged. [`start_recording`] also keeps every
//! message it receives (close frames with their status and reason included) for tests to
//! check what reached the server. After the client's Close the loop keeps
//! polling, so tungstenite's automatic Close reply is flushed before the socket closes.
//! Bounded: at most [`MAX_MESSAGES`] messages, and [`IDLE_LIMIT`] without any.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::{spawn_server, ServerHandle};

/// The most messages one connection echoes.
pub const MAX_MESSAGES: usize = 100_000;
/// How long a connection may stay silent.
pub const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// Echoes messages on `ws` until the peer closes (see the module docs).
pub async fn echo<S>(mut ws: WebSocketStream<S>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(IDLE_LIMIT, ws.next()).await {
            Ok(Some(Ok(message))) => {
                let is_data = matches!(message, Message::Text(_) | Message::Binary(_));
                // Close: tungstenite queued its reply; the next poll flushes it and then
                // reports the end of the stream. Pings are answered the same way.
                if is_data && ws.send(message).await.is_err() {
                    return;
                }
            }
            _ => return,
        }
    }
}

/// What a recording server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
    /// A close frame: `(status, reason)`, `None` when it had no body.
    Close(Option<(u16, String)>),
}

/// A running recording echo server.
#[derive(Debug)]
pub struct RecordingServer {
    /// The server handle (drop to stop).
    pub handle: ServerHandle,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl RecordingServer {
    /// Everything received so far, on all connections, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

async fn echo_recording<S>(mut ws: WebSocketStream<S>, seen: Arc<Mutex<Vec<Seen>>>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    for _ in 0..MAX_MESSAGES {
        let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE_LIMIT, ws.next()).await else {
            return;
        };
        let record = match &message {
            Message::Text(text) => Some(Seen::Text(text.to_string())),
            Message::Binary(data) => Some(Seen::Binary(data.to_vec())),
            Message::Close(frame) => Some(Seen::Close(
                frame
                    .as_ref()
                    .map(|f| (u16::from(f.code), f.reason.to_string())),
            )),
            _ => None,
        };
        if let Some(record) = record {
            seen.lock().unwrap_or_else(|p| p.into_inner()).push(record);
        }
        let is_data = matches!(message, Message::Text(_) | Message::Binary(_));
        if is_data && ws.send(message).await.is_err() {
            return;
        }
    }
}

/// Starts a websocket echo server on 127.0.0.1:0 that records what it receives.
pub fn start_recording() -> RecordingServer {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let handle = spawn_server(
        "ws-recording",
        Arc::new(move |stream, _, _| {
            let log = log.clone();
            Box::pin(async move {
                if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                    echo_recording(ws, log).await;
                }
            })
        }),
    );
    RecordingServer { handle, seen }
}

/// Starts the websocket echo server on 127.0.0.1:0 (`ws://127.0.0.1:PORT/`).
pub fn start() -> ServerHandle {
    spawn_server(
        "ws",
        Arc::new(|stream, _, _| {
            Box::pin(async move {
                if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                    echo(ws).await;
                }
            })
        }),
    )
}
