//! One request/response exchange on a connection, as separate async steps.
//!
//! The executor drives an [`Exchange`] step by step and sends WinHTTP notifications between
//! the steps: [`send_head`](Exchange::send_head) (SENDING_REQUEST → REQUEST_SENT),
//! [`write_body`](Exchange::write_body) / [`finish_body`](Exchange::finish_body) (WriteData),
//! [`read_head`](Exchange::read_head) (RECEIVING_RESPONSE → RESPONSE_RECEIVED),
//! [`query_data_available`](Exchange::query_data_available) and
//! [`read_body`](Exchange::read_body) (ReadData), then [`into_reusable`](Exchange::into_reusable)
//! to give a clean connection back to the pool, or [`into_connection`](Exchange::into_connection)
//! for a websocket upgrade.
//!
//! Invariants: interim responses (1xx but 101) are skipped, at most
//! [`MAX_INTERIM_RESPONSES`] of them; one whole head read is bounded by the receive timeout
//! (a trickling server cannot stretch it); a read never yields more than the caller's buffer;
//! after any error the connection is never reusable.

use std::time::Duration;

use crate::error::{NetError, NetResult, TimeoutPhase};
use crate::http::body::{response_framing, BodyDecoder, BodyFraming};
use crate::http::conn::{with_timeout, Connection};
use crate::http::request::{ChunkedEncoder, RequestHead, UploadFraming};
use crate::http::response::{
    contains_head_end, parse_head, ResponseHead, MAX_HEAD_BYTES, MAX_INTERIM_RESPONSES,
};

/// What [`Exchange::await_continue`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContinueOutcome {
    /// The server sent `100 Continue`: send the body.
    Continue,
    /// The server answered with a final response already (read it with
    /// [`Exchange::read_head`]); the body should not be sent.
    FinalResponse,
    /// Nothing came within the wait: send the body anyway (RFC 9110 §10.1.1).
    NoReply,
}

#[derive(Debug)]
struct Upload {
    framing: UploadFraming,
    sent: u64,
    chunked: Option<ChunkedEncoder>,
    app_framed: bool,
}

/// One request/response exchange; see the module docs.
#[derive(Debug)]
pub struct Exchange {
    conn: Connection,
    method: String,
    upload: Option<Upload>,
    head: Option<ResponseHead>,
    decoder: Option<BodyDecoder>,
    failed: bool,
    response_bytes: bool,
    /// Buffered bytes already searched for the end of a head (so a trickling server costs
    /// linear, not quadratic, work).
    head_scanned: usize,
}

impl Exchange {
    /// Starts an exchange for a request with verb `method` on `conn`.
    pub fn new(conn: Connection, method: &str) -> Self {
        Exchange {
            conn,
            method: method.to_owned(),
            upload: None,
            head: None,
            decoder: None,
            failed: false,
            response_bytes: false,
            head_scanned: 0,
        }
    }

    /// The connection (its peer address, certificates, reuse flag).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection, to change its timeouts between steps.
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    fn note<T>(&mut self, result: NetResult<T>) -> NetResult<T> {
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    /// Writes the request head; returns the bytes written (for REQUEST_SENT).
    pub async fn send_head(&mut self, head: &RequestHead<'_>) -> NetResult<usize> {
        let wire = self.note(head.serialize())?;
        let result = self.conn.write_all(&wire).await;
        self.note(result)?;
        self.upload = Some(Upload {
            framing: head.framing,
            sent: 0,
            chunked: (head.framing == UploadFraming::Chunked).then(ChunkedEncoder::new),
            app_framed: false,
        });
        Ok(wire.len())
    }

    /// Writes upload data (framed as a chunk for a chunked upload); returns the data bytes
    /// written. Data beyond a declared `Content-Length`, after the last chunk, or for a
    /// request without a body is refused (`ERROR_INVALID_PARAMETER`) and nothing is written,
    /// so no stray bytes can be taken by the server for another request.
    pub async fn write_body(&mut self, data: &[u8]) -> NetResult<usize> {
        let Some(upload) = self.upload.as_mut() else {
            return Err(NetError::InvalidParameter("request head not sent"));
        };
        let sent = upload.sent.saturating_add(data.len() as u64);
        let wire = match (&upload.chunked, upload.framing) {
            (Some(encoder), _) if encoder.is_finished() && !data.is_empty() => {
                return Err(NetError::InvalidParameter("upload already finished"))
            }
            (Some(encoder), _) => encoder.encode(data),
            (None, UploadFraming::ContentLength(declared)) if sent > declared => {
                return Err(NetError::InvalidParameter("more data than Content-Length"))
            }
            (None, UploadFraming::None) if !data.is_empty() => {
                return Err(NetError::InvalidParameter("the request declared no body"))
            }
            (None, _) => data.to_vec(),
        };
        upload.sent = sent;
        if wire.is_empty() {
            return Ok(0);
        }
        let result = self.conn.write_all(&wire).await;
        self.note(result)?;
        Ok(data.len())
    }

    /// Writes upload data exactly as given, for an upload the application frames itself
    /// (WinHTTP's chunked uploads: the application sends `Transfer-Encoding: chunked` and
    /// writes the chunk framing with `WriteData`). The exchange cannot tell where such an
    /// upload ends, so its connection is never reused.
    pub async fn write_unframed(&mut self, data: &[u8]) -> NetResult<usize> {
        let Some(upload) = self.upload.as_mut() else {
            return Err(NetError::InvalidParameter("request head not sent"));
        };
        upload.app_framed = true;
        upload.sent = upload.sent.saturating_add(data.len() as u64);
        if data.is_empty() {
            return Ok(0);
        }
        let result = self.conn.write_all(data).await;
        self.note(result)?;
        Ok(data.len())
    }

    /// Ends the upload: the last chunk for a chunked upload, nothing otherwise.
    pub async fn finish_body(&mut self) -> NetResult<()> {
        let Some(encoder) = self.upload.as_mut().and_then(|u| u.chunked.as_mut()) else {
            return Ok(());
        };
        let last = encoder.finish();
        let result = self.conn.write_all(last).await;
        self.note(result)
    }

    fn upload_complete(&self) -> bool {
        match &self.upload {
            None => false,
            Some(u) if u.app_framed => false,
            Some(u) => match u.framing {
                UploadFraming::None => u.sent == 0,
                UploadFraming::ContentLength(n) => u.sent == n,
                UploadFraming::Chunked => u.chunked.is_some_and(|e| e.is_finished()),
            },
        }
    }

    /// Takes the next head from the buffer if complete; skips interim responses. Returns the
    /// status of the final head once stored (or 100 when `stop_at_100` and one was skipped),
    /// `None` while more bytes are needed.
    fn take_buffered_head(
        &mut self,
        interim_seen: &mut usize,
        stop_at_100: bool,
    ) -> NetResult<Option<u16>> {
        loop {
            let buffered = self.conn.buffered();
            let resume = self.head_scanned.saturating_sub(2).min(buffered.len());
            let looks_like_status = b"HTTP/".starts_with(&buffered[..buffered.len().min(5)]);
            if looks_like_status
                && buffered.len() < MAX_HEAD_BYTES
                && !contains_head_end(&buffered[resume..])
            {
                self.head_scanned = buffered.len();
                return Ok(None);
            }
            let Some((head, used)) = parse_head(buffered)? else {
                self.head_scanned = buffered.len();
                return Ok(None);
            };
            self.head_scanned = 0;
            if head.is_interim() {
                self.conn.consume(used);
                *interim_seen += 1;
                if *interim_seen > MAX_INTERIM_RESPONSES {
                    return Err(NetError::InvalidServerResponse(
                        "too many interim responses",
                    ));
                }
                if stop_at_100 && head.status == 100 {
                    return Ok(Some(100));
                }
                continue;
            }
            let framing = response_framing(&self.method, &head)?;
            self.conn.consume(used);
            let status = head.status;
            self.decoder = Some(BodyDecoder::new(framing));
            self.head = Some(head);
            return Ok(Some(status));
        }
    }

    async fn read_head_inner(&mut self) -> NetResult<()> {
        let mut interim_seen = 0usize;
        // Each pass reads at least one byte or ends; the head limit ends it within 64 KiB.
        loop {
            if !self.conn.buffered().is_empty() {
                self.response_bytes = true;
            }
            if self.take_buffered_head(&mut interim_seen, false)?.is_some() {
                return Ok(());
            }
            if self.conn.fill().await? == 0 {
                return Err(NetError::InvalidServerResponse(
                    "connection closed before a complete response head",
                ));
            }
        }
    }

    /// Reads the response head (skipping interim responses) under one receive timeout for
    /// the whole head; returns it. Calling it again returns the same head.
    pub async fn read_head(&mut self) -> NetResult<&ResponseHead> {
        if self.head.is_none() {
            let limit = self.conn_receive_limit();
            let result = with_timeout(limit, TimeoutPhase::Receive, self.read_head_inner()).await;
            self.note(result)?;
        }
        self.head
            .as_ref()
            .ok_or(NetError::InvalidServerResponse("no response head"))
    }

    fn conn_receive_limit(&self) -> Option<Duration> {
        self.conn.receive_timeout()
    }

    /// After sending a head with `Expect: 100-continue`: waits up to `wait` for the server's
    /// `100 Continue` or its final answer.
    pub async fn await_continue(&mut self, wait: Duration) -> NetResult<ContinueOutcome> {
        if self.head.is_some() {
            return Ok(ContinueOutcome::FinalResponse);
        }
        let mut interim_seen = 0usize;
        let wait_loop = async {
            loop {
                match self.take_buffered_head(&mut interim_seen, true)? {
                    Some(100) => return Ok(ContinueOutcome::Continue),
                    Some(_) => return Ok(ContinueOutcome::FinalResponse),
                    None => {}
                }
                if self.conn.fill().await? == 0 {
                    return Err(NetError::InvalidServerResponse(
                        "connection closed before a complete response head",
                    ));
                }
            }
        };
        let result = match tokio::time::timeout(wait, wait_loop).await {
            Ok(result) => result,
            Err(_) => Ok(ContinueOutcome::NoReply),
        };
        self.note(result)
    }

    /// Whether no byte of a response arrived before the head read failed: on a connection
    /// taken from the pool this means the server closed it just as it was reused, and the
    /// executor may resend the request on a new connection (as WinHTTP does).
    pub fn nothing_received(&self) -> bool {
        self.head.is_none() && !self.response_bytes && self.conn.buffered().is_empty()
    }

    /// The response head, once read.
    pub fn head(&self) -> Option<&ResponseHead> {
        self.head.as_ref()
    }

    /// Body bytes that can be read now without any socket read (0 before the head, at the
    /// end of the body, or while the next chunk header is incomplete).
    pub fn available_now(&self) -> NetResult<u64> {
        match &self.decoder {
            Some(decoder) if !decoder.is_done() => decoder.available(self.conn.buffered()),
            _ => Ok(0),
        }
    }

    /// Whether the head was read and the whole body has been consumed.
    pub fn is_body_done(&self) -> bool {
        self.decoder.as_ref().is_some_and(BodyDecoder::is_done)
    }

    /// The body framing, once the head is read.
    pub fn body_framing(&self) -> Option<BodyFraming> {
        self.decoder.as_ref().map(BodyDecoder::framing)
    }

    async fn ensure_head(&mut self) -> NetResult<()> {
        if self.head.is_none() {
            self.read_head().await?;
        }
        Ok(())
    }

    /// Consumes buffered framing that precedes any further body data (see
    /// [`BodyDecoder::skip_framing`]), so [`is_body_done`](Self::is_body_done) sees a body
    /// whose end is already buffered. No I/O.
    pub fn settle(&mut self) -> NetResult<()> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        let result = decoder.skip_framing(self.conn.buffered());
        let used = self.note(result)?;
        self.conn.consume(used);
        Ok(())
    }

    async fn available_inner(&mut self) -> NetResult<u64> {
        loop {
            self.settle()?;
            let decoder = self
                .decoder
                .as_mut()
                .ok_or(NetError::InvalidServerResponse("no head"))?;
            let available = decoder.available(self.conn.buffered())?;
            if available > 0 || decoder.is_done() {
                return Ok(available);
            }
            if self.conn.fill().await? == 0 {
                let decoder = self
                    .decoder
                    .as_mut()
                    .ok_or(NetError::InvalidServerResponse("no head"))?;
                decoder.on_eof()?;
                return Ok(0);
            }
        }
    }

    /// `QueryDataAvailable`: body bytes that can be read without waiting; waits (under the
    /// receive timeout) until at least one is there or the body ends (then 0).
    pub async fn query_data_available(&mut self) -> NetResult<u64> {
        self.ensure_head().await?;
        let limit = self.conn_receive_limit();
        let result = with_timeout(limit, TimeoutPhase::Receive, self.available_inner()).await;
        self.note(result)
    }

    async fn read_body_inner(&mut self, out: &mut [u8]) -> NetResult<usize> {
        loop {
            let decoder = self
                .decoder
                .as_mut()
                .ok_or(NetError::InvalidServerResponse("no head"))?;
            if decoder.is_done() {
                return Ok(0);
            }
            let buffered = self.conn.buffered();
            let step = decoder.decode(buffered, out.len())?;
            let n = step.data.len();
            out[..n].copy_from_slice(&buffered[step.data]);
            let done = decoder.is_done();
            self.conn.consume(step.consumed);
            if n > 0 {
                return Ok(n);
            }
            if step.consumed > 0 || done {
                continue;
            }
            if self.conn.fill().await? == 0 {
                let decoder = self
                    .decoder
                    .as_mut()
                    .ok_or(NetError::InvalidServerResponse("no head"))?;
                decoder.on_eof()?;
                return Ok(0);
            }
        }
    }

    /// `ReadData`: copies body bytes into `out` (never more than `out.len()`); 0 means the
    /// body is complete (or `out` is empty). Waits under the receive timeout.
    pub async fn read_body(&mut self, out: &mut [u8]) -> NetResult<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        self.ensure_head().await?;
        let limit = self.conn_receive_limit();
        let result = with_timeout(limit, TimeoutPhase::Receive, self.read_body_inner(out)).await;
        self.note(result)
    }

    /// Reads and discards the rest of the body (before reusing the connection, or before a
    /// redirect's next request). Stops after `max_bytes`; the connection is then not reused.
    pub async fn drain(&mut self, max_bytes: u64) -> NetResult<()> {
        let mut scratch = vec![0u8; 16 * 1024];
        let mut drained = 0u64;
        while drained <= max_bytes {
            let n = self.read_body(&mut scratch).await?;
            if n == 0 {
                return Ok(());
            }
            drained += n as u64;
        }
        self.failed = true;
        Ok(())
    }

    /// Whether the connection can serve another request: the response is complete, the
    /// server allows keep-alive, the body was not close-delimited, no stray bytes follow it,
    /// the upload was complete, it was not an upgrade, and no step failed.
    pub fn is_reusable(&self) -> bool {
        let (Some(head), Some(decoder)) = (&self.head, &self.decoder) else {
            return false;
        };
        !self.failed
            && head.status != 101
            && head.keep_alive()
            && decoder.is_done()
            && decoder.framing() != BodyFraming::CloseDelimited
            && self.conn.buffered().is_empty()
            && self.upload_complete()
    }

    /// The connection if [`is_reusable`](Self::is_reusable), for the pool; otherwise it is
    /// closed here.
    pub fn into_reusable(self) -> Option<Connection> {
        if self.is_reusable() {
            Some(self.conn)
        } else {
            None
        }
    }

    /// Keeps the connection out of the pool whatever the response says (a proxy's refusal
    /// of a `CONNECT`: the connection leads to the proxy, not through it).
    pub fn forbid_reuse(&mut self) {
        self.failed = true;
    }

    /// The connection whatever its state (e.g. after `101 Switching Protocols`; any bytes
    /// after the head are in [`Connection::take_read_ahead`]).
    pub fn into_connection(self) -> Connection {
        self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::conn::MemoryStream;

    fn run<T>(fut: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
            .block_on(fut)
    }

    #[test]
    fn heads_and_bodies_split_at_every_byte() {
        let wire: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: 1\r\n\
                            Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        for read_chunk in [1usize, 2, 3, 5, 1000] {
            let conn = Connection::from_memory(MemoryStream::new(wire.to_vec(), read_chunk));
            let mut exchange = Exchange::new(conn, "GET");
            let (status, body) = run(async {
                let status = exchange.read_head().await.expect("head").status;
                let mut body = Vec::new();
                let mut buf = [0u8; 2];
                for _ in 0..100 {
                    let n = exchange.read_body(&mut buf).await.expect("body");
                    if n == 0 {
                        break;
                    }
                    body.extend_from_slice(&buf[..n]);
                }
                (status, body)
            });
            assert_eq!(status, 200, "read size {read_chunk}");
            assert_eq!(body, b"abcde", "read size {read_chunk}");
            assert_eq!(exchange.head().and_then(|h| h.header("x-a")), Some("1"));
        }
    }
}
