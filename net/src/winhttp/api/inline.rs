//! Reads that complete inside their call (WH-R20): before an asynchronous
//! `WinHttpReadData` or `WinHttpQueryDataAvailable` goes to the engine, the body bytes
//! already buffered are looked at on the calling thread and reported to the machine
//! (`ProtocolEvent::DataBuffered` / `EndOfData`), which then completes the call inline,
//! delivering `READ_COMPLETE` / `DATA_AVAILABLE` on the calling thread before it
//! returns (or, above the nesting limit, queues it; the executor then only reports it).
//!
//! Owns: [`WinHttp::prepare_read`] and [`WinHttp::prepare_query`]. Invariants: the
//! machine's buffered count is set right before each read or query call to what is
//! really buffered (0 when this path does not apply), so a call never completes inline
//! with bytes the application's buffer did not get; only with the request's main lane
//! empty and no operation holding the request (a concurrent call on the same handle
//! from another thread is the application's race, as on Windows).

use hinternet_core::{Lane, ObjectId, ProtocolEvent};

use super::*;
use crate::executor::inline_reads;

/// What a read or query call carries after [`WinHttp::prepare_read`] /
/// [`WinHttp::prepare_query`].
pub(super) enum Prepared {
    /// Nothing taken: the executor does the operation.
    Normal,
    /// This many bytes are already in the application's buffer (a read), or buffered
    /// (a query).
    Ready(u32),
}

impl WinHttp {
    /// The request's object and data when its main lane is empty.
    fn idle_request(&self, request: Handle) -> Option<(ObjectId, Arc<HandleData>)> {
        let (object, idle) = self.engine.inspect(|m| {
            let object = m.resolve(request)?;
            let o = m.object(object)?;
            Some((object, o.queue(Lane::Main).is_empty()))
        })?;
        if !idle {
            return None;
        }
        let data = self.data(request)?;
        Some((object, data))
    }

    /// Sets the machine's buffered count to `n` (and the end of the body when `end`).
    fn report_buffered(&self, object: ObjectId, n: u32, end: bool) {
        let _ = self.engine.protocol(object, ProtocolEvent::DataBuffered(n));
        if end {
            let _ = self.engine.protocol(object, ProtocolEvent::EndOfData);
        }
    }

    /// Before an asynchronous `WinHttpReadData` of `to_read` bytes into `buffer`: takes
    /// the buffered bytes into it and reports them, with the `READ_COMPLETE` payload.
    pub(super) fn prepare_read(
        &self,
        request: Handle,
        buffer: &Arc<dyn AppBuffer>,
        to_read: u32,
    ) -> Prepared {
        let Some((object, data)) = self.idle_request(request) else {
            return Prepared::Normal;
        };
        let taken = data.request().and_then(|state| {
            let mut req = state.try_lock().ok()?;
            if !lock(&req.session().settings).is_async {
                return None;
            }
            let mut bytes = vec![0u8; to_read as usize];
            let n = inline_reads::read_buffered(
                &mut req,
                self.engine.executor().runtime().handle(),
                &mut bytes,
            )?;
            bytes.truncate(n);
            Some((bytes, req.exchange.is_none()))
        });
        let Some((bytes, ended)) = taken else {
            self.report_buffered(object, 0, false);
            return Prepared::Normal;
        };
        let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        buffer.write(0, &bytes);
        data.push_payload(
            wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
            StatusInfo::Read {
                buffer: buffer.clone(),
                bytes: n,
            },
        );
        self.report_buffered(object, n, ended);
        Prepared::Ready(n)
    }

    /// Before an asynchronous `WinHttpQueryDataAvailable`: reports the bytes buffered now
    /// (or the end of the body).
    pub(super) fn prepare_query(&self, request: Handle) -> Prepared {
        let Some((object, data)) = self.idle_request(request) else {
            return Prepared::Normal;
        };
        let ready = data.request().and_then(|state| {
            let mut req = state.try_lock().ok()?;
            if !lock(&req.session().settings).is_async {
                return None;
            }
            inline_reads::available_buffered(&mut req, self.engine.executor().runtime().handle())
        });
        match ready {
            Some(n) => {
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                self.report_buffered(object, n, n == 0);
                Prepared::Ready(n)
            }
            None => {
                self.report_buffered(object, 0, false);
                Prepared::Normal
            }
        }
    }
}
