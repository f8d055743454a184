//! Reads that complete inside their call (WH-R20): body bytes already buffered are taken
//! on the calling thread, without the I/O runtime, so `WinHttpReadData` and
//! `WinHttpQueryDataAvailable` complete inline as on Windows.
//!
//! Owns: [`read_buffered`] and [`available_buffered`], the synchronous counterparts of
//! [`read_data`](super::request_ops::read_data) and
//! [`query_data_available`](super::request_ops::query_data_available) for the case
//! where nothing has to wait. Invariants: they never wait and never start I/O (the
//! futures they poll are polled once, inside the runtime's context, and are ready when
//! the bytes are buffered); they answer `None` whenever the asynchronous operation would
//! have more to do than copying buffered bytes (a network read, a connection to close
//! with notifications), leaving the request exactly as it was.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::request_ops::{check_response_received, finish_body};
use super::{NoProgress, RequestState};

/// Polls `future` once: its output when it is ready at once.
fn ready_now<F: Future>(runtime: &tokio::runtime::Handle, future: F) -> Option<F::Output> {
    // Timers (the receive timeout around a body read) need the runtime's context.
    let _inside = runtime.enter();
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

/// The body's state for an inline answer: `Some(n)` with the bytes buffered now (0: the
/// body has ended and its connection was released), `None` when an answer would wait
/// or the body's end needs the connection closed with notifications.
fn settle(req: &mut RequestState, runtime: &tokio::runtime::Handle) -> Option<u64> {
    if req.pending_read_error.is_some() {
        // The asynchronous operation reports it.
        return None;
    }
    check_response_received(req).ok()?;
    let Some(exchange) = req.exchange.as_mut() else {
        // The body ended and the connection was released.
        return Some(0);
    };
    exchange.settle().ok()?;
    let now = exchange.available_now().ok()?;
    if now > 0 {
        return Some(now);
    }
    if !exchange.is_body_done() || req.request_asks_close() {
        return None;
    }
    // The end is buffered: release the connection now (pooled at once when reusable).
    ready_now(runtime, finish_body(req, &NoProgress))?;
    Some(0)
}

/// `WinHttpQueryDataAvailable` without waiting: the body bytes buffered now (0: the body
/// has ended), or `None` when the answer needs the network.
pub fn available_buffered(req: &mut RequestState, runtime: &tokio::runtime::Handle) -> Option<u64> {
    settle(req, runtime)
}

/// `WinHttpReadData` without waiting: copies buffered body bytes into `out` (at most its
/// length) and answers how many (0: the body has ended), or `None` (nothing copied)
/// when the read needs the network, `out` is empty, or the body's end needs the
/// connection closed with notifications (the request asked for `Connection: close`).
pub fn read_buffered(
    req: &mut RequestState,
    runtime: &tokio::runtime::Handle,
    out: &mut [u8],
) -> Option<usize> {
    if out.is_empty() {
        return None;
    }
    let now = settle(req, runtime)?;
    if now == 0 {
        return Some(0);
    }
    if req.request_asks_close() {
        return None;
    }
    let exchange = req.exchange.as_mut()?;
    // Buffered bytes: the read copies them without a socket read.
    let n = ready_now(runtime, exchange.read_body(out))?.ok()?;
    if exchange.settle().is_ok() && exchange.is_body_done() {
        // The connection goes back to the pool (or is closed silently).
        let _ = ready_now(runtime, finish_body(req, &NoProgress));
    }
    Some(n)
}
