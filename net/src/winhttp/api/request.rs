//! The typed WinHTTP request functions: `AddRequestHeaders(Ex)`, `SendRequest`,
//! `WriteData`, `ReceiveResponse`, `QueryDataAvailable`, `ReadData(Ex)`, `QueryHeaders(Ex)`.
//!
//! Each goes through the engine first (handle, kind, protocol state); the I/O ones hand their
//! arguments to the executor as [`CallData`] and, in synchronous sessions, block in the
//! engine until their completion; the header functions read the request's [`RequestView`]
//! (or edit its request head while no operation holds it).

use super::*;

impl WinHttp {
    /// `WinHttpAddRequestHeaders(request, headers, -1, modifiers)`.
    pub fn add_request_headers(
        &self,
        request: Handle,
        headers: &str,
        modifiers: u32,
    ) -> Answer<bool> {
        let reply = self.call(Api::WinHttpAddRequestHeaders, request, CallArg::None, None);
        if !reply.ret {
            return reply;
        }
        match self.with_request(request, |req| {
            req.headers
                .add_request_headers(headers::Api::WinHttp, headers, modifiers)
        }) {
            Some(Ok(())) => reply,
            Some(Err(code)) => fail(code),
            None => fail(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
        }
    }

    /// `WinHttpAddRequestHeadersEx(request, modifiers, flags, 0, headers)`: `(name, value)`
    /// pairs.
    pub fn add_request_headers_ex(
        &self,
        request: Handle,
        modifiers: u32,
        headers: &[(&str, &str)],
    ) -> Answer<bool> {
        let text: Vec<String> = headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        self.add_request_headers(request, &text.join("\r\n"), modifiers)
    }

    /// `WinHttpSendRequest(request, headers, -1, optional, total_length, context)`; the
    /// context, when `Some`, is set as the request's context first.
    pub fn send_request(
        &self,
        request: Handle,
        headers: Option<&str>,
        optional: &[u8],
        total_length: u32,
        context: Option<u64>,
    ) -> Answer<bool> {
        if let Some(h) = headers.filter(|h| !h.is_empty()) {
            if self
                .data(request)
                .and_then(|d| d.request().cloned())
                .is_some()
            {
                let added = self.with_request(request, |req| {
                    req.headers.add_request_headers(
                        headers::Api::WinHttp,
                        h,
                        wh::WINHTTP_ADDREQ_FLAG_ADD,
                    )
                });
                if let Some(Err(code)) = added {
                    return fail(code);
                }
            }
        }
        if let Some(context) = context {
            let _ = self.engine.set_context(request, context);
        }
        let total = u64::from(total_length).max(optional.len() as u64);
        // Always "body to write" for the machine: with the whole body its table moves the
        // request to ReplyReady, where ReceiveResponse completes inside the call without
        // starting I/O, but the executor's receive (redirects, head parsing) is I/O. The
        // WriteData that the table would refuse with 87 is refused here instead.
        let arg = CallArg::BodyToWrite;
        let call = CallData::Send {
            optional: optional.to_vec(),
            total_length: total,
        };
        self.call(Api::WinHttpSendRequest, request, arg, Some(call))
    }

    /// `WinHttpWriteData(request, data, len, &written)`: `out` is the bytes written (sync).
    pub fn write_data(&self, request: Handle, data: &[u8]) -> Answer<bool, u32> {
        if let Some(state) = self.data(request).and_then(|d| d.request().cloned()) {
            let whole = state
                .try_lock()
                .map(|req| {
                    req.phase != crate::executor::state::ResponsePhase::None
                        && req.total_length <= req.optional.len() as u64
                })
                .unwrap_or(false);
            if whole {
                // WH-R27: all data already passed with the send (Windows >= 7: 87).
                return fail(ERROR_INVALID_PARAMETER);
            }
        }
        let call = CallData::Write(data.to_vec());
        match self.call_reply(Api::WinHttpWriteData, request, CallArg::None, call) {
            Some(reply) => with_bytes(&reply),
            None => fail(wh::ERROR_WINHTTP_INTERNAL_ERROR),
        }
    }

    /// `WinHttpReceiveResponse(request, NULL)`.
    pub fn receive_response(&self, request: Handle) -> Answer<bool> {
        self.call(
            Api::WinHttpReceiveResponse,
            request,
            CallArg::None,
            Some(CallData::Receive),
        )
    }

    /// `WinHttpQueryDataAvailable(request, &available)`: `out` is the bytes available (sync).
    pub fn query_data_available(&self, request: Handle) -> Answer<bool, u32> {
        // WH-R20: buffered data (or the body's end) completes the call inline.
        let _ = self.prepare_query(request);
        match self.call_reply(
            Api::WinHttpQueryDataAvailable,
            request,
            CallArg::None,
            CallData::QueryDataAvailable,
        ) {
            Some(reply) => with_bytes(&reply),
            None => fail(wh::ERROR_WINHTTP_INTERNAL_ERROR),
        }
    }

    /// `WinHttpReadData(request, buffer, to_read, &read)`: `out` is the bytes read (sync; the
    /// async count comes with `READ_COMPLETE`).
    pub fn read_data(
        &self,
        request: Handle,
        buffer: Arc<dyn AppBuffer>,
        to_read: u32,
    ) -> Answer<bool, u32> {
        let to_read = to_read.min(u32::try_from(buffer.len()).unwrap_or(u32::MAX));
        // WH-R20: buffered bytes are taken now and the call completes inline.
        let call = match self.prepare_read(request, &buffer, to_read) {
            inline::Prepared::Ready(n) => CallData::ReadTaken(n),
            inline::Prepared::Normal => CallData::Read(buffer, to_read),
        };
        match self.call_reply(
            Api::WinHttpReadData,
            request,
            CallArg::Buffer(to_read),
            call,
        ) {
            Some(reply) => with_bytes(&reply),
            None => fail(wh::ERROR_WINHTTP_INTERNAL_ERROR),
        }
    }

    /// `WinHttpReadDataEx(request, buffer, to_read, &read, 0, 0, NULL)`: as
    /// [`WinHttp::read_data`] (no flag is defined), answering a DWORD error.
    pub fn read_data_ex(
        &self,
        request: Handle,
        buffer: Arc<dyn AppBuffer>,
        to_read: u32,
    ) -> Answer<u32, u32> {
        let a = self.read_data(request, buffer, to_read);
        Answer {
            ret: if a.ret {
                ERROR_SUCCESS
            } else {
                a.last_error.unwrap_or(ERROR_SUCCESS)
            },
            last_error: a.last_error,
            out: a.out,
        }
    }

    /// `WinHttpQueryHeaders(request, level, name, buffer, &len, &index)`: `buffer` is
    /// `Some(capacity in bytes)` or `None` for a NULL buffer with `probe_length`; `index`
    /// `None` is a NULL index pointer.
    pub fn query_headers(
        &self,
        request: Handle,
        level: u32,
        name: Option<&str>,
        buffer: Option<u32>,
        probe_length: u32,
        index: Option<u32>,
    ) -> Answer<bool, QueryHeadersOut> {
        let arg = query_arg(level);
        let reply = self.call(Api::WinHttpQueryHeaders, request, arg, None);
        if !reply.ret {
            return fail(reply.last_error.unwrap_or(ERROR_INVALID_PARAMETER));
        }
        let Some(data) = self.data(request) else {
            return fail(ERROR_INVALID_HANDLE);
        };
        let HandleState::Request { view, .. } = &data.state else {
            return fail(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        };
        let view = lock(view).clone();
        let out = match buffer {
            Some(capacity) => OutBuffer::bytes(capacity),
            None => OutBuffer::probe(probe_length),
        };
        let query = QueryRequest {
            api: headers::Api::WinHttp,
            info_level: level,
            name,
            buffer: out,
            index,
        };
        match headers::query_headers(&view.request, view.response.as_ref(), &view.verb, &query) {
            Ok(a) => ok(QueryHeadersOut {
                value: Some(a.value),
                buffer_length: Some(a.bytes),
                index: a.next_index.or(index),
            }),
            Err(headers::QueryError::InsufficientBuffer { required_bytes }) => Answer {
                ret: false,
                last_error: Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER),
                out: QueryHeadersOut {
                    value: None,
                    buffer_length: Some(required_bytes),
                    index,
                },
            },
            Err(headers::QueryError::Code(code)) => Answer {
                ret: false,
                last_error: Some(code),
                out: QueryHeadersOut {
                    index,
                    ..QueryHeadersOut::default()
                },
            },
        }
    }

    /// `WinHttpQueryHeadersEx`: the `(name, value)` pairs and the next index.
    pub fn query_headers_ex(
        &self,
        request: Handle,
        level: u32,
        name: Option<&str>,
        index: Option<u32>,
    ) -> Answer<u32, Option<headers::ExAnswer>> {
        let arg = query_arg(level);
        let reply = self.call(Api::WinHttpQueryHeaders, request, arg, None);
        let dword = |code: u32| Answer {
            ret: code,
            last_error: None,
            out: None,
        };
        if !reply.ret {
            return dword(reply.last_error.unwrap_or(ERROR_INVALID_PARAMETER));
        }
        let Some(view) = self.data(request).and_then(|d| match &d.state {
            HandleState::Request { view, .. } => Some(lock(view).clone()),
            _ => None,
        }) else {
            return dword(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        };
        match headers::query_headers_ex(&view.request, view.response.as_ref(), level, name, index) {
            Ok(a) => Answer {
                ret: ERROR_SUCCESS,
                last_error: None,
                out: Some(a),
            },
            Err(code) => dword(code),
        }
    }
}
