//! A tokio-tungstenite websocket echo server.
//!
//! Text and binary messages come back unchanged. After the client's Close the loop keeps
//! polling, so tungstenite's automatic Close reply is flushed before the socket closes.
//! Bounded: at most [`MAX_MESSAGES`] messages, and [`IDLE_LIMIT`] without any.

use std::sync::Arc;
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
