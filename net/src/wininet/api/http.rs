//! The HTTP functions of [`WinInet`]: `HttpOpenRequest`, `HttpAddRequestHeaders`,
//! `HttpSendRequest`, `HttpSendRequestEx`, `InternetWriteFile`, `HttpEndRequest`,
//! `HttpQueryInfo`, `InternetReadFile(Ex)`, `InternetQueryDataAvailable`.
//!
//! Each asks the engine first (handle, kind, protocol state, async completion); the data
//! work (headers, queries, writes) is done only when the engine accepted the call.

use std::sync::Arc;

use hinternet_core::{Api, CallArg, Completion, CreateApi, Outcome, Reply};
use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinInet as wi;

use super::executor::{AppBuffer, InetCall, InetKind, InetObject, Slot};
use super::open_url::new_request;
use super::{fail_bool, fail_handle, handle_answer, Answer, HandleValue, WinInet};
use crate::executor::request_ops;
use crate::executor::state::lock;
use crate::headers::{self, OutBuffer, QueryAnswer, QueryError, QueryRequest};
use crate::wininet::options::HandleOptions;
use crate::wininet::HandleKind as OptKind;

/// The out values of `HttpQueryInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryInfoOut {
    /// The value on success.
    pub answer: Option<QueryAnswer>,
    /// `*lpdwBufferLength` after a failure that sets it (`ERROR_INSUFFICIENT_BUFFER`:
    /// the required size in bytes).
    pub required: Option<u32>,
}

/// The value a finished operation reported: from the blocked call's `Returned`, else the
/// out slot (filled before the completion).
fn returned_count(reply: &Reply, out: &Slot<u32>) -> u32 {
    match reply.outcome {
        Outcome::Returned {
            result: Completion::Bytes(n),
            ..
        } => n,
        _ => lock(out).unwrap_or(0),
    }
}

impl WinInet {
    /// `HttpOpenRequest(connect, verb, object, version, referrer, accept_types, flags,
    /// context)`.
    #[allow(clippy::too_many_arguments)]
    pub fn http_open_request(
        &self,
        connect: HandleValue,
        verb: Option<&str>,
        object: Option<&str>,
        version: Option<&str>,
        referrer: Option<&str>,
        accept_types: &[&str],
        flags: u32,
        context: u64,
    ) -> Answer<HandleValue> {
        let api = CreateApi::HttpOpenRequest;
        let parent = self.data(connect);
        let Some(InetKind::HttpConnect(conn)) = parent.as_ref().map(|p| &p.kind) else {
            return handle_answer(self.0.engine.create(api, connect, Some(context)));
        };
        let Some(parent) = parent.as_ref() else {
            return fail_handle(wi::ERROR_INTERNET_INTERNAL_ERROR);
        };
        let parent_options = lock(&parent.options).clone();
        let mut options = HandleOptions::child(
            &parent_options,
            OptKind::HttpRequest,
            context,
            u64::from(connect.0),
            flags,
        );
        // The request answers with its session's credentials until it is given its own.
        options.username = parent_options.username.clone();
        options.password = parent_options.password.clone();
        let mut req = new_request(conn.clone(), verb, object, version, flags, &options);
        let mut extra = Vec::new();
        if let Some(r) = referrer.filter(|r| !r.is_empty()) {
            extra.push(format!("Referer: {r}"));
        }
        let accept: Vec<&str> = accept_types
            .iter()
            .copied()
            .filter(|a| !a.is_empty())
            .collect();
        if !accept.is_empty() {
            extra.push(format!("Accept: {}", accept.join(", ")));
        }
        for line in extra {
            let _ = req.headers.add_request_headers(
                headers::Api::WinInet,
                &line,
                wi::HTTP_ADDREQ_FLAG_ADD,
            );
        }
        let async_mode = parent.async_mode;
        let reply = self
            .0
            .engine
            .create_with(api, connect, Some(context), move |_, _| {
                InetObject::new(
                    InetKind::Request(Arc::new(tokio::sync::Mutex::new(req))),
                    options,
                    async_mode,
                )
            });
        handle_answer(reply)
    }

    fn request_of(
        &self,
        handle: HandleValue,
    ) -> Option<Arc<tokio::sync::Mutex<crate::executor::RequestState>>> {
        match &self.data(handle)?.kind {
            InetKind::Request(req) => Some(req.clone()),
            _ => None,
        }
    }

    /// `HttpAddRequestHeaders(request, headers, modifiers)`.
    pub fn http_add_request_headers(
        &self,
        request: HandleValue,
        headers: &str,
        modifiers: u32,
    ) -> Answer<bool> {
        let reply = self
            .0
            .engine
            .call(Api::HttpAddRequestHeaders, request, CallArg::None, None);
        let accepted: Answer<bool> = Self::bool_answer(reply);
        if !accepted.ret {
            return accepted;
        }
        let Some(req) = self.request_of(request) else {
            return fail_bool(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
        };
        let mut req = req.blocking_lock();
        match req
            .headers
            .add_request_headers(headers::Api::WinInet, headers, modifiers)
        {
            Ok(()) => accepted,
            Err(code) => fail_bool(code),
        }
    }

    fn add_send_headers(&self, request: HandleValue, headers: Option<&str>) -> Result<(), u32> {
        let Some(h) = headers.filter(|h| !h.is_empty()) else {
            return Ok(());
        };
        // A bad handle is reported by the engine's call that follows.
        let Some(req) = self.request_of(request) else {
            return Ok(());
        };
        let mut req = req.blocking_lock();
        req.headers.add_request_headers(
            headers::Api::WinInet,
            h,
            wi::HTTP_ADDREQ_FLAG_ADD | wi::HTTP_ADDREQ_FLAG_REPLACE,
        )
    }

    /// `HttpSendRequest(request, headers, optional)`: sends and reads the response head
    /// (redirects followed). Async: `FALSE` + `ERROR_IO_PENDING`, then `REQUEST_COMPLETE`.
    pub fn http_send_request(
        &self,
        request: HandleValue,
        headers: Option<&str>,
        optional: &[u8],
    ) -> Answer<bool> {
        if let Err(code) = self.add_send_headers(request, headers) {
            return fail_bool(code);
        }
        if let Some(data) = self.data(request) {
            if let InetKind::Request(req) = &data.kind {
                let flags = lock(&data.options).flags;
                let mut req = req.blocking_lock();
                let prepared =
                    super::open_url::prepare_cache(&mut req, &data, flags, &self.0.url_cache);
                if let Err(code) = prepared {
                    return fail_bool(code);
                }
            }
        }
        let call = InetCall::Send {
            optional: optional.to_vec(),
            total: optional.len() as u64,
            receive: true,
        };
        Self::bool_answer(self.0.engine.call(
            Api::HttpSendRequest,
            request,
            CallArg::None,
            Some(call),
        ))
    }

    /// `HttpSendRequestEx(request, &INTERNET_BUFFERS{ headers, total length })`: sends the
    /// head; the body follows with `InternetWriteFile`, the response with `HttpEndRequest`.
    pub fn http_send_request_ex(
        &self,
        request: HandleValue,
        headers: Option<&str>,
        total_length: u32,
    ) -> Answer<bool> {
        self.http_send_request_ex_with_body(request, headers, total_length, &[])
    }

    /// `HttpSendRequestEx` whose `INTERNET_BUFFERS` also carries initial body bytes
    /// (`lpvBuffer`): they go out right after the head, within the same send (Wine passes
    /// them to the send as its optional data), so the send completes — inline or with
    /// `REQUEST_COMPLETE` — once head and initial bytes are written; the rest of
    /// `total_length` follows with `InternetWriteFile`.
    pub fn http_send_request_ex_with_body(
        &self,
        request: HandleValue,
        headers: Option<&str>,
        total_length: u32,
        initial: &[u8],
    ) -> Answer<bool> {
        if let Err(code) = self.add_send_headers(request, headers) {
            return fail_bool(code);
        }
        if total_length > 0 {
            let length = format!("Content-Length: {total_length}");
            if let Err(code) = self.add_send_headers(request, Some(&length)) {
                return fail_bool(code);
            }
        }
        let call = InetCall::Send {
            optional: initial.to_vec(),
            total: u64::from(total_length),
            receive: false,
        };
        Self::bool_answer(self.0.engine.call(
            Api::HttpSendRequestEx,
            request,
            CallArg::None,
            Some(call),
        ))
    }

    /// `InternetWriteFile(handle, data, &written)`: request body data after
    /// `HttpSendRequestEx`, or an `FtpOpenFile` upload. Completes inside the call.
    pub fn internet_write_file(&self, handle: HandleValue, data: &[u8]) -> Answer<bool, u32> {
        let reply = self
            .0
            .engine
            .call(Api::InternetWriteFile, handle, CallArg::None, None);
        let accepted: Answer<bool, u32> = Self::bool_answer(reply);
        if !accepted.ret {
            return accepted;
        }
        let Some(object) = self.data(handle) else {
            return fail_bool(windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE);
        };
        let bytes = data.to_vec();
        let written = self.0.engine.executor().io.block_on(async move {
            match &object.kind {
                InetKind::Request(req) => {
                    let mut req = req.lock().await;
                    request_ops::write_data(&mut req, &bytes)
                        .await
                        .map_err(|e| e.code())
                }
                InetKind::FtpFile(transfer, _) => match transfer.lock().await.as_mut() {
                    Some(t) => t
                        .write(&bytes)
                        .await
                        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                        .map_err(|e| e.code()),
                    None => Err(wi::ERROR_INTERNET_INCORRECT_HANDLE_STATE),
                },
                _ => Err(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE),
            }
        });
        match written {
            Some(Ok(n)) => Answer {
                ret: true,
                last_error: accepted.last_error,
                out: n,
            },
            Some(Err(code)) => fail_bool(code),
            None => fail_bool(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// `HttpEndRequest(request)`: reads the response of a `HttpSendRequestEx`.
    pub fn http_end_request(&self, request: HandleValue) -> Answer<bool> {
        Self::bool_answer(self.0.engine.call(
            Api::HttpEndRequest,
            request,
            CallArg::None,
            Some(InetCall::End),
        ))
    }

    /// `HttpQueryInfo(request, level, buffer, &length, &index)` in `W` sizes: `name` is the
    /// header name for `HTTP_QUERY_CUSTOM` (passed in the buffer on Windows), `buffer` the
    /// caller's buffer, `index` `*lpdwIndex` (`None`: NULL).
    pub fn http_query_info(
        &self,
        request: HandleValue,
        level: u32,
        name: Option<&str>,
        buffer: OutBuffer,
        index: Option<u32>,
    ) -> Answer<bool, QueryInfoOut> {
        let reply = self.0.engine.call(
            Api::HttpQueryInfo,
            request,
            CallArg::QueryLevel(level),
            None,
        );
        let accepted: Answer<bool, QueryInfoOut> = Self::bool_answer(reply);
        if !accepted.ret {
            return accepted;
        }
        let Some(req) = self.request_of(request) else {
            return fail_bool(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
        };
        let req = req.blocking_lock();
        let query = QueryRequest {
            api: headers::Api::WinInet,
            info_level: level,
            name,
            buffer,
            index,
        };
        let response = req.response.as_ref().map(|r| &r.store);
        match headers::query_headers(&req.headers, response, &req.verb, &query) {
            Ok(answer) => Answer {
                ret: true,
                last_error: accepted.last_error,
                out: QueryInfoOut {
                    answer: Some(answer),
                    required: None,
                },
            },
            Err(QueryError::InsufficientBuffer { required_bytes }) => Answer {
                ret: false,
                last_error: Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER),
                out: QueryInfoOut {
                    answer: None,
                    required: Some(required_bytes),
                },
            },
            Err(QueryError::Code(code)) => fail_bool(code),
        }
    }

    fn read(
        &self,
        api: Api,
        handle: HandleValue,
        buffer: Arc<dyn AppBuffer>,
        out: Slot<u32>,
        no_wait: bool,
    ) -> Answer<bool, u32> {
        let len = u32::try_from(buffer.len()).unwrap_or(u32::MAX);
        // WI-R18 / WI-R21: bytes already buffered are taken now; the call completes inline.
        let call = match self.prepare_read(handle, &buffer, &out) {
            Some(n) => InetCall::ReadTaken(n),
            None if no_wait => InetCall::ReadNoWait(buffer, out.clone()),
            None => InetCall::Read(buffer, out.clone()),
        };
        let reply = self
            .0
            .engine
            .call(api, handle, CallArg::Buffer(len), Some(call));
        match reply {
            Ok(reply) => {
                let ok = matches!(reply.ret, hinternet_core::Ret::Bool(true));
                let n = if ok { returned_count(&reply, &out) } else { 0 };
                Answer {
                    ret: ok,
                    last_error: reply.last_error,
                    out: n,
                }
            }
            Err(_) => fail_bool(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// `InternetReadFile(handle, buffer, len, &read)`: fills `buffer` unless the data ends
    /// (0 bytes: the end). `read` is `lpdwNumberOfBytesRead`: filled before the call
    /// returns (sync, also in `out`) or before `REQUEST_COMPLETE` (async: `FALSE` +
    /// `ERROR_IO_PENDING`).
    pub fn internet_read_file(
        &self,
        handle: HandleValue,
        buffer: Arc<dyn AppBuffer>,
        read: Slot<u32>,
    ) -> Answer<bool, u32> {
        self.read(Api::InternetReadFile, handle, buffer, read, false)
    }

    /// `InternetReadFileEx(handle, &INTERNET_BUFFERS{ buffer }, flags, context)`:
    /// `IRF_ASYNC` / `IRF_SYNC` / `IRF_NO_WAIT` are accepted (only `IRF_*` bits, else
    /// `ERROR_INVALID_PARAMETER`); reads as [`WinInet::internet_read_file`] does, except
    /// with `IRF_NO_WAIT` (WI-R31): buffered bytes are returned at once without waiting
    /// for the rest of the buffer; with none, a synchronous read returns the first bytes
    /// that arrive, and an asynchronous one pends (`FALSE` + `ERROR_IO_PENDING`) until
    /// bytes are there, completes `{1, 0}` without filling `buffer` or `read`, and leaves
    /// the bytes for the next read, which takes them inline.
    pub fn internet_read_file_ex(
        &self,
        handle: HandleValue,
        buffer: Arc<dyn AppBuffer>,
        read: Slot<u32>,
        flags: u32,
    ) -> Answer<bool, u32> {
        let known = wi::IRF_ASYNC | wi::IRF_SYNC | wi::IRF_USE_CONTEXT | wi::IRF_NO_WAIT;
        if flags & !known != 0 {
            return fail_bool(ERROR_INVALID_PARAMETER);
        }
        let no_wait = flags & wi::IRF_NO_WAIT != 0;
        self.read(Api::InternetReadFileEx, handle, buffer, read, no_wait)
    }

    /// `InternetQueryDataAvailable(handle, &available, 0, 0)` (HTTP handles; FTP and
    /// Gopher files answer `ERROR_INTERNET_INVALID_OPERATION`, not implemented).
    /// `available` is `lpdwNumberOfBytesAvailable` (filled before the call returns or
    /// before `REQUEST_COMPLETE`).
    pub fn internet_query_data_available(
        &self,
        handle: HandleValue,
        available: Slot<u32>,
    ) -> Answer<bool, u32> {
        let out = available;
        // WI-R18: buffered data (or the body's end) answers the call inline.
        self.prepare_query(handle, &out);
        let reply = self.0.engine.call(
            Api::InternetQueryDataAvailable,
            handle,
            CallArg::None,
            Some(InetCall::Available(out.clone())),
        );
        match reply {
            Ok(reply) => {
                let ok = matches!(reply.ret, hinternet_core::Ret::Bool(true));
                let n = if ok { returned_count(&reply, &out) } else { 0 };
                Answer {
                    ret: ok,
                    last_error: reply.last_error,
                    out: n,
                }
            }
            Err(_) => fail_bool(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }
}
