//! The body operations of a request: `QueryDataAvailable` and `ReadData` (with the end
//! of the body: the connection pooled or closed), split from
//! [`request_ops`](super::request_ops), which re-exports them.
//!
//! Reads answer buffered bytes without waiting; otherwise one network read under the
//! receive timeout, with RECEIVING_RESPONSE/RESPONSE_RECEIVED around it in async sessions
//! only. At the end of the body the connection goes back to the pool when reusable; it is
//! closed otherwise, with CLOSING_CONNECTION/CONNECTION_CLOSED only when the request itself
//! sent `Connection: close` (Wine's `finished_reading`). Invariant: after a failure the
//! request holds no connection.

use std::future::Future;
use std::time::Instant;

use crate::error::{NetError, NetResult};
use crate::http::Exchange;

use super::progress::Progress;
use super::request_ops::{fail, is_async};
use super::state::{RequestState, ResponsePhase};

/// Ends the body: reports the end, then pools the connection when reusable or closes it
/// (with CLOSING_CONNECTION / CONNECTION_CLOSED only when the request asked for close).
pub(crate) async fn finish_body(req: &mut RequestState, progress: &dyn Progress) {
    let Some(exchange) = req.exchange.take() else {
        return;
    };
    progress.end_of_data();
    let asks_close = req.request_asks_close();
    let keep = !asks_close && !req.disabled.keep_alive();
    if keep && exchange.is_reusable() {
        if let Some(conn) = exchange.into_reusable() {
            let key = req.pool_key();
            req.session().pool.checkin(key, conn, Instant::now());
        }
        return;
    }
    let mut conn = exchange.into_connection();
    if asks_close {
        progress.closing_connection();
    }
    conn.shutdown().await;
    drop(conn);
    if asks_close {
        progress.connection_closed();
    }
}

pub(crate) fn check_response_received(req: &RequestState) -> NetResult<()> {
    if req.phase == ResponsePhase::ResponseReceived {
        Ok(())
    } else {
        Err(NetError::IncorrectHandleState(
            "the response has not been received",
        ))
    }
}

/// `WinHttpQueryDataAvailable`: the body bytes readable without waiting; when none are
/// buffered, waits (receive timeout) for one network read. 0 means the body is complete
/// (and the connection was released). Before `ReceiveResponse` completed:
/// `ERROR_WINHTTP_INCORRECT_HANDLE_STATE` (Windows; Wine answers 0).
pub async fn query_data_available(
    req: &mut RequestState,
    progress: &dyn Progress,
) -> NetResult<u64> {
    if let Some(err) = req.pending_read_error.take() {
        return Err(err);
    }
    check_response_received(req)?;
    let notify = is_async(req);
    let Some(exchange) = req.exchange.as_mut() else {
        return Ok(0);
    };
    let now = match exchange.settle().and_then(|()| exchange.available_now()) {
        Ok(now) => now,
        Err(err) => return Err(fail(req, err)),
    };
    if now > 0 {
        progress.data_buffered(now);
        return Ok(now);
    }
    if !exchange.is_body_done() {
        if notify {
            progress.receiving();
        }
        let before = exchange.connection().bytes_received();
        let available = match exchange.query_data_available().await {
            Ok(n) => n,
            Err(err) => return Err(fail(req, err)),
        };
        if notify {
            let got = exchange
                .connection()
                .bytes_received()
                .saturating_sub(before);
            progress.received(u32::try_from(got).unwrap_or(u32::MAX));
        }
        if available > 0 {
            progress.data_buffered(available);
            return Ok(available);
        }
    }
    finish_body(req, progress).await;
    Ok(0)
}

/// `WinHttpReadData`: copies body bytes into `out`, never more than `out.len()`; 0 means
/// the body is complete. Waits (receive timeout) for one network read when nothing is
/// buffered. At the end of the body the connection is released (see the module docs).
pub async fn read_data(
    req: &mut RequestState,
    progress: &dyn Progress,
    out: &mut [u8],
) -> NetResult<usize> {
    if let Some(err) = req.pending_read_error.take() {
        return Err(err);
    }
    check_response_received(req)?;
    let notify = is_async(req);
    let Some(exchange) = req.exchange.as_mut() else {
        return Ok(0);
    };
    if out.is_empty() {
        return Ok(0);
    }
    let waits = match exchange.settle().and_then(|()| exchange.available_now()) {
        Ok(now) => now == 0 && !exchange.is_body_done(),
        Err(err) => return Err(fail(req, err)),
    };
    if waits && notify {
        progress.receiving();
    }
    let before = exchange.connection().bytes_received();
    let n = match exchange.read_body(out).await {
        Ok(n) => n,
        Err(err) => return Err(fail(req, err)),
    };
    if waits && notify {
        let got = exchange
            .connection()
            .bytes_received()
            .saturating_sub(before);
        progress.received(u32::try_from(got).unwrap_or(u32::MAX));
    }
    let settled = exchange.settle();
    if let Err(err) = settled {
        return Err(fail(req, err));
    }
    if n == 0 || exchange.is_body_done() {
        finish_body(req, progress).await;
    } else if let Ok(left) = exchange.available_now() {
        if left > 0 {
            progress.data_buffered(left);
        }
    }
    Ok(n)
}

/// [`read_data`] into a new buffer of at most `buf_len` bytes.
pub async fn read_data_vec(
    req: &mut RequestState,
    progress: &dyn Progress,
    buf_len: usize,
) -> NetResult<Vec<u8>> {
    let mut buf = vec![0u8; buf_len];
    let mut filled = read_data(req, progress, &mut buf).await?;
    // Fewer operations per body (throughput): after the read that waited, take what
    // else arrives without waiting — each further read is polled once and dropped
    // when it would wait (a socket read is cancel-safe). Bounded by the buffer; stops
    // at the end of the body or on an error (reported by the next read).
    let mut rounds = 0;
    while filled > 0 && filled < buf_len && rounds < MAX_EXTRA_READS {
        rounds += 1;
        let more = {
            let mut next = std::pin::pin!(read_data(req, progress, &mut buf[filled..]));
            let waker = std::task::Waker::noop();
            match next
                .as_mut()
                .poll(&mut std::task::Context::from_waker(waker))
            {
                std::task::Poll::Ready(Ok(n)) => Ok(n),
                std::task::Poll::Ready(Err(err)) => Err(err),
                std::task::Poll::Pending => Ok(0),
            }
        };
        let more = match more {
            Ok(n) => n,
            Err(err) => {
                req.pending_read_error = Some(err);
                0
            }
        };
        if more == 0 {
            break;
        }
        filled += more;
    }
    buf.truncate(filled);
    Ok(buf)
}

/// The most reads [`read_data_vec`] adds without waiting to the one that waited.
const MAX_EXTRA_READS: usize = 64;

/// Takes the request's connection for a websocket upgrade: the response must have been
/// received; the exchange (with any bytes read after the head) leaves the request.
pub(crate) fn take_exchange(req: &mut RequestState) -> NetResult<Exchange> {
    check_response_received(req)?;
    req.exchange
        .take()
        .ok_or(NetError::IncorrectHandleState("no connection to upgrade"))
}
