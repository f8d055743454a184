//! The websocket operations of a WinHTTP executor: `WinHttpWebSocketCompleteUpgrade`,
//! `Send`, `Receive`, `Shutdown`, `Close` and `QueryCloseStatus`, over a
//! [`WebSocketState`], independent of the engine.
//!
//! The state owns the upgraded connection, the frame [`Decoder`] (fed with the bytes that
//! arrived with the `101` first) and [`Encoder`], the close status and reason sent and
//! received, and the socket phase of WH-R39: [`SocketPhase::Open`] → [`SocketPhase::Shutdown`]
//! (our close frame sent) → [`SocketPhase::Closed`] (`Close` finished), plus the
//! "close frame received" fact ([`WebSocketState::close_received`]).
//!
//! Rules (WH-R39..R41): sending needs OPEN and no close frame received, receiving needs no
//! close frame received and not CLOSED, a second shutdown or a close after CLOSED is
//! `ERROR_INVALID_OPERATION` (4317), and so is a close status query before a close frame
//! arrived. The peer's close frame is delivered by `Receive` as buffer type CLOSE with 0
//! bytes. Pings are answered with pongs inside `Receive`; pongs are ignored.
//!
//! **Cancellation**: dropping a pending [`receive`] (or [`send`]) future is safe and loses
//! nothing. Every await point is cancel-safe: socket reads land in the connection's buffer
//! or not at all, bytes read are moved into the decoder without an await in between, and
//! outgoing frames (data, pongs, close) are queued whole in the state before they are
//! written piecewise, so a dropped write leaves the rest queued for the next operation —
//! a frame is never torn and the next `Receive` gets the bytes the dropped one did not
//! deliver. Closing the socket as Wine does on handle close is dropping the state (the
//! connection closes with it).

use bytes::Bytes;

use crate::error::{NetError, NetResult};
use crate::http::conn::Connection;
use crate::ws::frame::{
    encode_close, random_mask, verify_upgrade, BufferType, Decoder, Encoder, Received,
};

use super::request_ops::take_exchange;
use super::state::RequestState;

/// The largest frame payload accepted from the server (bigger frames fail the receive with
/// `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`, after a close 1009 is sent).
pub const MAX_FRAME_PAYLOAD: u64 = 64 << 20;

/// The most frames `Close` reads while waiting for the peer's close frame.
pub const MAX_FRAMES_BEFORE_CLOSE: usize = 100_000;

/// The socket phase (WH-R39).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketPhase {
    /// Open: send and receive allowed.
    Open,
    /// Our close frame is sent (`Shutdown`, or the first half of `Close`).
    Shutdown,
    /// `Close` finished: both close frames exchanged, the connection shut down.
    Closed,
}

/// A close frame's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseStatus {
    /// The status (1005 when the frame had no body).
    pub status: u16,
    /// The reason bytes (UTF-8, at most 123 bytes).
    pub reason: Vec<u8>,
}

/// One websocket (the object `WinHttpWebSocketCompleteUpgrade` creates); see the module
/// docs.
#[derive(Debug)]
pub struct WebSocketState {
    conn: Connection,
    decoder: Decoder,
    encoder: Encoder,
    /// Frame bytes queued and not yet written.
    outgoing: Vec<u8>,
    phase: SocketPhase,
    close_sent: Option<CloseStatus>,
    close_received: Option<CloseStatus>,
}

/// `WinHttpWebSocketCompleteUpgrade`: checks the received response (101, `Upgrade`,
/// `Connection`, the `Sec-WebSocket-Accept` for the key sent) and takes the request's
/// connection with the bytes that arrived after the head. A request that did not ask for
/// the upgrade, or whose response is not a valid upgrade, is
/// `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`-style failure from `ws::verify_upgrade` or
/// `ERROR_WINHTTP_INCORRECT_HANDLE_STATE` when nothing was received.
pub fn complete_upgrade(req: &mut RequestState) -> NetResult<WebSocketState> {
    let Some(response) = req.response.as_ref() else {
        return Err(NetError::IncorrectHandleState("no response received"));
    };
    let Some(key) = req.websocket_key.as_deref() else {
        return Err(NetError::IncorrectHandleState(
            "the request did not ask for a websocket upgrade",
        ));
    };
    verify_upgrade(response.status, &response.store, key).map_err(NetError::Code)?;
    let exchange = take_exchange(req)?;
    let mut conn = exchange.into_connection();
    let read_ahead: Bytes = conn.take_read_ahead();
    let mut decoder = Decoder::new(MAX_FRAME_PAYLOAD);
    decoder.feed(&read_ahead);
    Ok(WebSocketState {
        conn,
        decoder,
        encoder: Encoder::new(),
        outgoing: Vec::new(),
        phase: SocketPhase::Open,
        close_sent: None,
        close_received: None,
    })
}

impl WebSocketState {
    /// The socket phase.
    pub fn phase(&self) -> SocketPhase {
        self.phase
    }

    /// The close frame we sent, if any.
    pub fn close_sent(&self) -> Option<&CloseStatus> {
        self.close_sent.as_ref()
    }

    /// The peer's close frame, once received.
    pub fn close_received(&self) -> Option<&CloseStatus> {
        self.close_received.as_ref()
    }

    /// Bytes received and not yet delivered (in the decoder or the connection's buffer).
    pub fn bytes_buffered(&self) -> usize {
        self.decoder.buffered() + self.conn.buffered().len()
    }

    /// Writes every queued frame byte (cancel-safe: see the module docs).
    async fn flush_outgoing(&mut self) -> NetResult<()> {
        // Each pass writes at least one byte or fails.
        while !self.outgoing.is_empty() {
            let n = self.conn.write_some(&self.outgoing).await?;
            self.outgoing.drain(..n.min(self.outgoing.len()));
        }
        self.conn.flush().await
    }

    /// Queues our close frame and moves to SHUTDOWN.
    fn queue_close(&mut self, status: u16, reason: &[u8]) -> NetResult<()> {
        let mask = random_mask().map_err(NetError::Code)?;
        let frame = encode_close(status, reason, mask).map_err(NetError::Code)?;
        self.outgoing.extend_from_slice(&frame);
        self.phase = SocketPhase::Shutdown;
        self.close_sent = Some(CloseStatus {
            status,
            reason: reason.to_vec(),
        });
        Ok(())
    }

    /// The next decoded event, reading from the socket as needed.
    async fn next_event(&mut self, buf_len: usize) -> NetResult<Received> {
        loop {
            let mask = random_mask().map_err(NetError::Code)?;
            match self.decoder.poll(buf_len, mask) {
                Ok(Some(Received::Ping { pong })) => {
                    self.outgoing.extend_from_slice(&pong);
                    self.flush_outgoing().await?;
                }
                Ok(Some(Received::Pong)) => {}
                Ok(Some(event)) => return Ok(event),
                Ok(None) => {
                    let n = self.conn.fill().await?;
                    let bytes = self.conn.take_read_ahead();
                    self.decoder.feed(&bytes);
                    if n == 0 {
                        return Err(if self.decoder.is_idle() {
                            NetError::ConnectionError(
                                "the server closed the connection without a close frame".into(),
                            )
                        } else {
                            NetError::InvalidServerResponse("the connection ended inside a frame")
                        });
                    }
                }
                Err(err) => {
                    if let Some(status) = err.close_status {
                        if self.phase == SocketPhase::Open && self.queue_close(status, &[]).is_ok()
                        {
                            let _ = self.flush_outgoing().await;
                        }
                    }
                    return Err(NetError::Code(err.error));
                }
            }
        }
    }
}

/// `WinHttpWebSocketSend`: one frame of `buffer_type` with `data`. Needs OPEN and no close
/// frame received (else `ERROR_INVALID_OPERATION`); a CLOSE type or a fragment changing the
/// message kind is `ERROR_INVALID_PARAMETER` (nothing sent).
pub async fn send(ws: &mut WebSocketState, buffer_type: BufferType, data: &[u8]) -> NetResult<()> {
    if ws.phase != SocketPhase::Open || ws.close_received.is_some() {
        return Err(NetError::InvalidOperation("the websocket is closing"));
    }
    ws.flush_outgoing().await?;
    let mask = random_mask().map_err(NetError::Code)?;
    let frame = ws
        .encoder
        .encode_send(buffer_type, data, mask)
        .map_err(NetError::Code)?;
    ws.outgoing.extend_from_slice(&frame);
    ws.flush_outgoing().await
}

/// `WinHttpWebSocketReceive` with a buffer of `buf_len` bytes: the next data chunk (at most
/// `buf_len` bytes, a `*_FRAGMENT` type while the message goes on), or `(Close, [])` for the
/// peer's close frame (then [`query_close_status`] answers). After a close frame was
/// received, or after CLOSED: `ERROR_INVALID_OPERATION`. A zero `buf_len` is
/// `ERROR_INVALID_PARAMETER`.
pub async fn receive(ws: &mut WebSocketState, buf_len: usize) -> NetResult<(BufferType, Vec<u8>)> {
    if ws.close_received.is_some() || ws.phase == SocketPhase::Closed {
        return Err(NetError::InvalidOperation("no more frames can be received"));
    }
    match ws.next_event(buf_len).await? {
        Received::Data {
            buffer_type,
            payload,
        } => Ok((buffer_type, payload)),
        Received::Close { status, reason } => {
            ws.close_received = Some(CloseStatus { status, reason });
            Ok((BufferType::Close, Vec::new()))
        }
        // next_event handles pings and pongs itself.
        Received::Ping { .. } | Received::Pong => {
            Err(NetError::InvalidServerResponse("unexpected control frame"))
        }
    }
}

/// `WinHttpWebSocketShutdown`: sends our close frame with `status` and `reason` and moves
/// to SHUTDOWN; the application keeps receiving until the peer's close arrives. Only in
/// OPEN (else `ERROR_INVALID_OPERATION`); a reason over 123 bytes, or 1005 with a reason,
/// is `ERROR_INVALID_PARAMETER`.
pub async fn shutdown(ws: &mut WebSocketState, status: u16, reason: &[u8]) -> NetResult<()> {
    if ws.phase != SocketPhase::Open {
        return Err(NetError::InvalidOperation("already shut down"));
    }
    ws.queue_close(status, reason)?;
    ws.flush_outgoing().await
}

/// `WinHttpWebSocketClose`: sends our close frame (unless `Shutdown` did), then receives
/// until the peer's close frame (data frames still arriving are dropped, as a pending
/// receive would be cancelled), then shuts the connection down. After CLOSED:
/// `ERROR_INVALID_OPERATION`.
pub async fn close(ws: &mut WebSocketState, status: u16, reason: &[u8]) -> NetResult<()> {
    match ws.phase {
        SocketPhase::Closed => return Err(NetError::InvalidOperation("already closed")),
        SocketPhase::Open => ws.queue_close(status, reason)?,
        SocketPhase::Shutdown => {}
    }
    ws.flush_outgoing().await?;
    let mut frames = 0usize;
    while ws.close_received.is_none() {
        frames += 1;
        if frames > MAX_FRAMES_BEFORE_CLOSE {
            return Err(NetError::InvalidServerResponse(
                "no close frame from the server",
            ));
        }
        if let Received::Close { status, reason } = ws.next_event(64 * 1024).await? {
            ws.close_received = Some(CloseStatus { status, reason });
        }
    }
    ws.phase = SocketPhase::Closed;
    ws.conn.shutdown().await;
    Ok(())
}

/// `WinHttpWebSocketQueryCloseStatus`: the peer's close status and reason; before a close
/// frame arrived `ERROR_INVALID_OPERATION`.
pub fn query_close_status(ws: &WebSocketState) -> NetResult<CloseStatus> {
    ws.close_received
        .clone()
        .ok_or(NetError::InvalidOperation("no close frame received"))
}
