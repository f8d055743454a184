//! Reads that complete inside their call (WI-R18, WI-R21): before `InternetReadFile(Ex)`
//! or `InternetQueryDataAvailable` on an HTTP request goes to the engine, the body bytes
//! already buffered are looked at on the calling thread and reported to the machine
//! (`ProtocolEvent::DataBuffered` / `EndOfData`), which then completes the call inline:
//! `TRUE` at once with no notification, as when Windows serves a read from its buffer.
//!
//! Owns: [`WinInet::prepare_read`] and [`WinInet::prepare_query`]. Invariants: the
//! machine's buffered count is set right before each read or query call to what is
//! really buffered (0 when this path does not apply), so a call never completes inline
//! with bytes the application's buffer (and out count) did not get; only with the
//! request's main lane empty and no operation holding the request.

use std::sync::Arc;

use hinternet_core::{Lane, ObjectId, ProtocolEvent};

use super::executor::{AppBuffer, InetKind, InetObject, Slot};
use super::WinInet;
use crate::executor::inline_reads;
use crate::executor::state::lock;

impl WinInet {
    /// The HTTP request's object and data when its main lane is empty.
    fn idle_request(&self, handle: super::HandleValue) -> Option<(ObjectId, Arc<InetObject>)> {
        let (object, idle) = self.0.engine.inspect(|m| {
            let object = m.resolve(handle)?;
            let o = m.object(object)?;
            Some((object, o.queue(Lane::Main).is_empty()))
        })?;
        if !idle {
            return None;
        }
        let data = self.data(handle)?;
        // A response answered from the URL cache is read by its operation, which drains
        // the cached body.
        if lock(&data.from_cache).is_some() {
            return None;
        }
        matches!(data.kind, InetKind::Request(_)).then_some((object, data))
    }

    fn report_buffered(&self, object: ObjectId, n: u32, end: bool) {
        let _ = self
            .0
            .engine
            .protocol(object, ProtocolEvent::DataBuffered(n));
        if end {
            let _ = self.0.engine.protocol(object, ProtocolEvent::EndOfData);
        }
    }

    /// Before a read into `buffer`: takes the buffered bytes (at most its length) into
    /// it, sets the out count and reports them; `Some(n)` when taken.
    pub(super) fn prepare_read(
        &self,
        handle: super::HandleValue,
        buffer: &Arc<dyn AppBuffer>,
        out: &Slot<u32>,
    ) -> Option<u32> {
        let (object, data) = self.idle_request(handle)?;
        let InetKind::Request(state) = &data.kind else {
            return None;
        };
        let runtime = self.0.engine.executor().io.handle()?;
        let taken = state.try_lock().ok().and_then(|mut req| {
            let mut bytes = vec![0u8; buffer.len()];
            let mut filled = 0;
            // Bounded: each step copies at least one byte or ends.
            while filled < bytes.len() {
                match inline_reads::read_buffered(&mut req, runtime, &mut bytes[filled..]) {
                    Some(0) | None => break,
                    Some(n) => filled += n,
                }
            }
            let ended = req.exchange.is_none();
            (filled > 0 || ended).then(|| {
                bytes.truncate(filled);
                (bytes, ended)
            })
        });
        let Some((bytes, ended)) = taken else {
            self.report_buffered(object, 0, false);
            return None;
        };
        let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        super::ops::record_cache_bytes(&data, &bytes);
        if ended {
            super::ops::commit_cache_fill(&data);
        }
        buffer.write(0, &bytes);
        *lock(out) = Some(n);
        self.report_buffered(object, n, ended);
        Some(n)
    }

    /// Before `InternetQueryDataAvailable`: reports the bytes buffered now (or the end of
    /// the body) and sets the out count.
    pub(super) fn prepare_query(&self, handle: super::HandleValue, out: &Slot<u32>) {
        let Some((object, data)) = self.idle_request(handle) else {
            return;
        };
        let InetKind::Request(state) = &data.kind else {
            return;
        };
        let Some(runtime) = self.0.engine.executor().io.handle() else {
            return;
        };
        let ready = state
            .try_lock()
            .ok()
            .and_then(|mut req| inline_reads::available_buffered(&mut req, runtime));
        match ready {
            Some(n) => {
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                *lock(out) = Some(n);
                self.report_buffered(object, n, n == 0);
            }
            None => self.report_buffered(object, 0, false),
        }
    }
}
