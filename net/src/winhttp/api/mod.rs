//! The typed WinHTTP API: one method per WinHTTP function, real arguments, Windows' answers.
//!
//! Owns: [`WinHttp`] (one engine under `Policy::winhttp()`, the [`WinHttpExecutor`] and its
//! [`Runtime`]), [`Answer`] (return value, last error, out values) and [`StatusCallback`].
//!
//! Every handle function goes through the engine first (validity, kind, legality,
//! notifications, close are the machine's: law 8's bad-handle errors, the protocol table's
//! state errors); this module adds only the data (headers, options, bodies). Synchronous
//! sessions block inside the engine until the operation's completion; asynchronous ones
//! return at once and complete on the runtime's delivery threads.
//!
//! Last error convention ([`Answer::last_error`]): `Some(code)` is what `GetLastError`
//! answers after the call (`ERROR_SUCCESS` included where WinHTTP sets it), `None` means
//! the call leaves it unchanged (the websocket functions, which return their error).
//!
//! Files: this one (construction, `Open`, `Connect`, `OpenRequest`, `SetStatusCallback`,
//! `CloseHandle`, time and platform functions, the callback bridge), `request.rs`,
//! `option_calls.rs`, `websocket.rs`, `misc.rs` (authentication, URLs, proxy configuration).
//!
//! Known differences from Windows, kept on purpose for now:
//! * reads and `QueryDataAvailable` complete inside their call (WH-R20) only on
//!   asynchronous handles and when the request asked no `Connection: close` at the body's
//!   end (`inline` module); a synchronous read with buffered bytes still goes through
//!   the runtime (same answer, one more hop);
//! * `SendRequest` is always given to the machine as "body to write", so `ReceiveResponse`
//!   always runs on the runtime (WH-R24's inline `HEADERS_AVAILABLE` after a whole-body
//!   send is not reproduced); `WriteData` after a whole-body send answers 87 here;
//! * a websocket's operations share one lock: a send issued while a receive is pending
//!   waits for that receive;
//! * `AddRequestHeaders`, `SetOption` and `SetTimeouts` on a request whose operation is
//!   running wait for it (they edit the executor's request state);
//! * authentication is Basic only (answered automatically once per target and send, with
//!   credentials set before the send); the default proxy configuration is per [`WinHttp`]
//!   instance, not per process;
//! * `AUTOMATIC_PROXY` sessions decide their proxy at open without per-request PAC
//!   resolution (no auto-detection source is reachable here; see
//!   [`crate::winhttp::proxy::automatic_proxy`]).

use std::sync::{Arc, Mutex};

use hinternet_core::{
    Api, CallArg, CallbackId, CallbackRet, CreateApi, HandleValue, Info, Notification, Outcome,
    Policy, Reply, Ret, WsBufferType,
};
use hinternet_engine::EngineBuilder;
use windows_sys::Win32::Foundation::{
    ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_SUCCESS,
};
use windows_sys::Win32::Networking::WinHttp as wh;

use crate::executor::runtime::{Runtime, RuntimeConfig};
use crate::executor::state::{limit_from_millis, lock, Access};
use crate::executor::websocket_ops::{self, WebSocketState};
use crate::executor::{ConnectState, RequestState, SessionSettings, SessionState};
use crate::headers::{self, OutBuffer, QueryRequest};
use crate::http::tls::TlsSettings;
use crate::winhttp::exec::{
    AppBuffer, CallData, HandleData, HandleState, RequestView, StatusInfo, WinHttpEngine,
    WinHttpExecutor,
};
use crate::winhttp::options::{
    self, ConnectOptions, OptionValue, ProxyInfo, QueryAnswer, QueryError, QueryTarget,
    RequestOptions, SessionOptions, SetTarget, WebSocketOptions,
};
use crate::winhttp::HandleKind as OptKind;
use crate::ws::frame::BufferType;

pub mod fuzz;
mod inline;
pub mod misc;
mod option_calls;
mod request;
mod websocket;

/// A handle value (`HINTERNET`); `HandleValue::NULL` is NULL.
pub type Handle = HandleValue;

/// The application's status callback: `(hInternet, dwContext, dwInternetStatus, info)`.
pub type StatusCallback = Arc<dyn Fn(Handle, u64, u32, &StatusInfo) + Send + Sync>;

/// What a WinHTTP function answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<R, O = ()> {
    /// The return value.
    pub ret: R,
    /// The thread's last error after the call; `None`: unchanged.
    pub last_error: Option<u32>,
    /// The out values (filled buffers, sizes, indexes).
    pub out: O,
}

impl<R, O> Answer<R, O> {
    /// The same answer without its out values.
    pub fn map_out(self) -> Answer<R> {
        Answer {
            ret: self.ret,
            last_error: self.last_error,
            out: (),
        }
    }
}

impl<R> Answer<R> {
    fn new(ret: R, last_error: Option<u32>) -> Self {
        Answer {
            ret,
            last_error,
            out: (),
        }
    }
}

pub(crate) fn fail<O: Default>(code: u32) -> Answer<bool, O> {
    Answer {
        ret: false,
        last_error: Some(code),
        out: O::default(),
    }
}

pub(crate) fn ok<O>(out: O) -> Answer<bool, O> {
    Answer {
        ret: true,
        last_error: Some(ERROR_SUCCESS),
        out,
    }
}

/// The engine's reply as a BOOL answer.
fn bool_answer(reply: &Reply) -> Answer<bool> {
    match reply.ret {
        Ret::Bool(b) => Answer::new(b, reply.last_error),
        _ => Answer::new(false, reply.last_error),
    }
}

/// The out values of `WinHttpQueryHeaders`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryHeadersOut {
    /// The value (text as UTF-16 without the NUL, or a number / `SYSTEMTIME`).
    pub value: Option<headers::QueryValue>,
    /// `*lpdwBufferLength` after the call.
    pub buffer_length: Option<u32>,
    /// `*lpdwIndex` after the call.
    pub index: Option<u32>,
}

/// The out values of `WinHttpQueryOption`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOptionOut {
    /// The value written.
    pub value: Option<OptionValue>,
    /// `*lpdwBufferLength` after the call.
    pub buffer_length: Option<u32>,
}

/// The out values of `WinHttpWebSocketReceive`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WsReceiveOut {
    /// Bytes read (synchronous sessions).
    pub bytes: u32,
    /// The buffer type value (synchronous sessions).
    pub buffer_type: u32,
}

/// The typed WinHTTP API over one engine; see the module docs.
pub struct WinHttp {
    engine: Arc<WinHttpEngine>,
    callbacks: Mutex<Vec<(StatusCallback, CallbackId)>>,
    /// Extra trusted roots given to new sessions (tests' CA).
    extra_roots: Mutex<Vec<rustls::pki_types::CertificateDer<'static>>>,
    /// `WinHttpSetDefaultProxyConfiguration`'s value (process-wide in Windows; per instance
    /// here).
    default_proxy: Mutex<Option<ProxyInfo>>,
}

impl std::fmt::Debug for WinHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WinHttp").finish_non_exhaustive()
    }
}

impl WinHttp {
    /// A WinHTTP instance with the default runtime (one I/O thread, two delivery threads).
    pub fn new() -> std::io::Result<WinHttp> {
        WinHttp::with_runtime(RuntimeConfig::default())
    }

    /// A WinHTTP instance whose runtime is built with `config` (its thread spawner included).
    pub fn with_runtime(config: RuntimeConfig) -> std::io::Result<WinHttp> {
        let runtime = Arc::new(Runtime::new(config)?);
        let engine = Arc::new(
            EngineBuilder::new(Policy::winhttp())
                .executor(WinHttpExecutor::new(runtime))
                .build(),
        );
        engine.executor().attach(&engine);
        Ok(WinHttp {
            engine,
            callbacks: Mutex::new(Vec::new()),
            extra_roots: Mutex::new(Vec::new()),
            default_proxy: Mutex::new(None),
        })
    }

    /// The engine (tests: `wait_quiescent`, `is_empty`).
    pub fn engine(&self) -> &Arc<WinHttpEngine> {
        &self.engine
    }

    /// Trusts `der` (a root certificate) in sessions opened from now on, beside the public
    /// roots.
    pub fn add_trusted_root(&self, der: Vec<u8>) {
        lock(&self.extra_roots).push(der.into());
    }

    pub(crate) fn data(&self, handle: Handle) -> Option<Arc<HandleData>> {
        self.engine.pin(handle).and_then(|p| p.data())
    }

    /// `WinHttpOpen(agent, access_type, proxy, bypass, flags)`.
    pub fn open(
        &self,
        agent: Option<&str>,
        access_type: u32,
        proxy: Option<&str>,
        bypass: Option<&str>,
        flags: u32,
    ) -> Answer<Handle> {
        let access = match access_type {
            wh::WINHTTP_ACCESS_TYPE_NO_PROXY => Access::NoProxy,
            // Both are decided now, as Wine decides DEFAULT_PROXY in WinHttpOpen: a later
            // WinHttpSetDefaultProxyConfiguration changes sessions opened after it.
            wh::WINHTTP_ACCESS_TYPE_DEFAULT_PROXY => {
                Access::from_proxy_info(&self.default_proxy_configuration())
            }
            wh::WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY => {
                let user =
                    crate::winhttp::proxy::ie_proxy_config_from_environment(&misc::environment);
                Access::from_proxy_info(&crate::winhttp::proxy::automatic_proxy(
                    user.as_ref(),
                    &crate::winhttp::proxy::Unreachable,
                    &self.default_proxy_configuration(),
                ))
            }
            wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY => match proxy {
                Some(p) if !p.is_empty() => Access::NamedProxy {
                    proxy: p.to_owned(),
                    bypass: bypass.map(str::to_owned),
                },
                _ => return Answer::new(HandleValue::NULL, Some(ERROR_INVALID_PARAMETER)),
            },
            _ => return Answer::new(HandleValue::NULL, Some(ERROR_INVALID_PARAMETER)),
        };
        let is_async = flags & wh::WINHTTP_FLAG_ASYNC != 0;
        let settings = SessionSettings {
            user_agent: agent.map(str::to_owned),
            access,
            is_async,
            tls: TlsSettings {
                webpki_roots: true,
                extra_roots: lock(&self.extra_roots).clone(),
            },
            ..SessionSettings::default()
        };
        let proxy_info = ProxyInfo {
            access_type,
            proxy: proxy.map(crate::url::to_wide),
            bypass: bypass.map(crate::url::to_wide),
        };
        let session_options =
            SessionOptions::new(agent.map(crate::url::to_wide), proxy_info, flags);
        let mut settings = settings;
        apply_session_timeouts(&mut settings, &session_options);
        let reply = self
            .engine
            .open_with(CreateApi::WinHttpOpen, is_async, |_, _| {
                HandleData::new(
                    HandleState::Session {
                        state: SessionState::new(settings),
                        options: Mutex::new(session_options),
                    },
                    None,
                )
            });
        handle_answer(reply)
    }

    /// `WinHttpConnect(session, server, port, 0)`.
    pub fn connect(&self, session: Handle, server: Option<&str>, port: u16) -> Answer<Handle> {
        let parent = self.data(session);
        let (Some(server), Some(parent)) = (server.filter(|s| !s.is_empty()), parent.clone())
        else {
            // Let the engine answer bad handles first; then a missing server is 87.
            if parent.is_none() {
                return handle_answer(self.engine.create(CreateApi::WinHttpConnect, session, None));
            }
            return Answer::new(HandleValue::NULL, Some(ERROR_INVALID_PARAMETER));
        };
        let HandleState::Session { state, options } = &parent.state else {
            return handle_answer(self.engine.create(CreateApi::WinHttpConnect, session, None));
        };
        let state = ConnectState::new(state.clone(), server, port);
        let options = ConnectOptions::new(&lock(options), u64::from(session.0));
        let mask = parent.callback_mask();
        let parent2 = parent.clone();
        handle_answer(self.engine.create_with(
            CreateApi::WinHttpConnect,
            session,
            None,
            move |_, _| {
                HandleData::new(
                    HandleState::Connect {
                        state,
                        options: Mutex::new(options),
                        session: parent2,
                    },
                    mask,
                )
            },
        ))
    }

    /// `WinHttpOpenRequest(connect, verb, object, version, referrer, accept_types, flags)`
    /// (the WinHTTP function's arguments, one for one).
    #[allow(clippy::too_many_arguments)]
    pub fn open_request(
        &self,
        connect: Handle,
        verb: Option<&str>,
        object: Option<&str>,
        version: Option<&str>,
        referrer: Option<&str>,
        accept_types: &[&str],
        flags: u32,
    ) -> Answer<Handle> {
        let parent = self.data(connect);
        let Some(HandleState::Connect {
            state,
            options,
            session,
        }) = parent.as_ref().map(|p| &p.state)
        else {
            return handle_answer(
                self.engine
                    .create(CreateApi::WinHttpOpenRequest, connect, None),
            );
        };
        let mut req = RequestState::new(state.clone(), verb, object, version, flags);
        if let Some(r) = referrer.filter(|r| !r.is_empty()) {
            let _ = req.headers.push("Referer", r);
        }
        if !accept_types.is_empty() {
            let _ = req.headers.push("Accept", &accept_types.join(", "));
        }
        let HandleState::Session {
            options: session_options,
            ..
        } = &session.state
        else {
            return Answer::new(HandleValue::NULL, Some(wh::ERROR_WINHTTP_INTERNAL_ERROR));
        };
        let request_options = RequestOptions::new(
            &lock(session_options),
            &lock(options),
            flags,
            crate::url::to_wide(&req.url()),
            u64::from(connect.0),
        );
        let view = RequestView::of(&req);
        let mask = parent.as_ref().and_then(|p| p.callback_mask());
        handle_answer(self.engine.create_with(
            CreateApi::WinHttpOpenRequest,
            connect,
            None,
            move |_, _| {
                HandleData::new(
                    HandleState::Request {
                        state: Arc::new(tokio::sync::Mutex::new(req)),
                        view: Mutex::new(view),
                        options: Mutex::new(request_options),
                    },
                    mask,
                )
            },
        ))
    }

    /// Runs `f` on the request state once no operation holds it.
    pub(crate) fn with_request<T>(
        &self,
        handle: Handle,
        f: impl FnOnce(&mut RequestState) -> T,
    ) -> Option<T> {
        let data = self.data(handle)?;
        let HandleState::Request { state, view, .. } = &data.state else {
            return None;
        };
        let mut req = state.blocking_lock();
        let out = f(&mut req);
        *lock(view) = RequestView::of(&req);
        Some(out)
    }

    pub(crate) fn call(
        &self,
        api: Api,
        handle: Handle,
        arg: CallArg,
        call: Option<CallData>,
    ) -> Answer<bool> {
        match self.engine.call(api, handle, arg, call) {
            Ok(reply) => bool_answer(&reply),
            Err(_) => fail(wh::ERROR_WINHTTP_INTERNAL_ERROR),
        }
    }

    fn call_reply(&self, api: Api, handle: Handle, arg: CallArg, call: CallData) -> Option<Reply> {
        self.engine.call(api, handle, arg, Some(call)).ok()
    }

    /// `WinHttpSetStatusCallback(handle, callback, mask, 0)`: answers the previous callback
    /// (`Ok(None)` = NULL) or `Err(last error)` for `WINHTTP_INVALID_STATUS_CALLBACK`.
    pub fn set_status_callback(
        &self,
        handle: Handle,
        callback: Option<StatusCallback>,
        mask: u32,
    ) -> Answer<Result<Option<StatusCallback>, ()>> {
        let id = callback.as_ref().map(|c| self.callback_id(c));
        let reply = match self.engine.set_status_callback(handle, id, mask) {
            Ok(r) => r,
            Err(_) => return Answer::new(Err(()), Some(wh::ERROR_WINHTTP_INTERNAL_ERROR)),
        };
        match reply.ret {
            Ret::Callback(CallbackRet::Previous(prev)) => {
                if let Some(data) = self.data(handle) {
                    data.set_callback_mask(callback.as_ref().map(|_| mask));
                }
                let prev = prev.and_then(|p| {
                    lock(&self.callbacks)
                        .iter()
                        .find(|(_, id)| *id == p)
                        .map(|(f, _)| f.clone())
                });
                Answer::new(Ok(prev), reply.last_error)
            }
            _ => Answer::new(Err(()), reply.last_error),
        }
    }

    fn callback_id(&self, callback: &StatusCallback) -> CallbackId {
        let mut callbacks = lock(&self.callbacks);
        if let Some((_, id)) = callbacks.iter().find(|(f, _)| Arc::ptr_eq(f, callback)) {
            return *id;
        }
        let app = callback.clone();
        let id = self
            .engine
            .register_callback(move |engine, n: &Notification| {
                let data = engine.data(n.object);
                let info = status_info(n, data.as_deref());
                app(n.handle, n.context, n.status, &info);
            });
        callbacks.push((callback.clone(), id));
        id
    }

    /// `WinHttpCloseHandle(handle)`.
    pub fn close_handle(&self, handle: Handle) -> Answer<bool> {
        match self.engine.close(handle) {
            Ok(reply) => bool_answer(&reply),
            Err(_) => fail(wh::ERROR_WINHTTP_INTERNAL_ERROR),
        }
    }

    /// `WinHttpCheckPlatform()`.
    pub fn check_platform(&self) -> bool {
        crate::winhttp::platform::check_platform()
    }

    /// `WinHttpTimeFromSystemTime(time, buffer)`: the RFC 1123 text.
    pub fn time_from_system_time(
        &self,
        time: &crate::time::SystemTime,
    ) -> Answer<bool, Option<String>> {
        match crate::time::win_http_time_from_system_time(time) {
            Ok(text) => ok(Some(text)),
            Err(code) => fail(code),
        }
    }

    /// `WinHttpTimeToSystemTime(text, &time)`.
    pub fn time_to_system_time(&self, text: &str) -> Answer<bool, Option<crate::time::SystemTime>> {
        match crate::time::win_http_time_to_system_time(text) {
            Ok(t) => ok(Some(t)),
            Err(code) => fail(code),
        }
    }
}

impl Drop for WinHttp {
    /// Waits until the engine is quiescent, then (at most [`DROP_WAIT`]) until the delivery
    /// job that applied the last event has let go of the engine, so the engine, the
    /// runtime and their sockets go away here, on the dropping thread, not later on a
    /// delivery thread. Handles the application left open are dropped with the engine
    /// (their tasks are dropped with the runtime).
    fn drop(&mut self) {
        if !self.engine.wait_quiescent() {
            // Dropped inside one of its own callbacks: nothing to wait for here.
            return;
        }
        let deadline = std::time::Instant::now() + DROP_WAIT;
        while Arc::strong_count(&self.engine) > 1 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// The most [`WinHttp`]'s drop waits for the delivery threads to let go of the engine.
pub const DROP_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

fn handle_answer(reply: Result<Reply, hinternet_core::InputError>) -> Answer<Handle> {
    match reply {
        Ok(Reply {
            ret: Ret::Handle(h),
            last_error,
            ..
        }) => Answer::new(h, last_error),
        Ok(reply) => Answer::new(HandleValue::NULL, reply.last_error),
        Err(_) => Answer::new(HandleValue::NULL, Some(wh::ERROR_WINHTTP_INTERNAL_ERROR)),
    }
}

fn with_bytes(reply: &Reply) -> Answer<bool, u32> {
    let a = bool_answer(reply);
    let n = match &reply.outcome {
        Outcome::Returned { result, .. } if a.ret => result.count(),
        _ => 0,
    };
    Answer {
        ret: a.ret,
        last_error: a.last_error,
        out: n,
    }
}

fn dword_answer(reply: Option<Reply>) -> Answer<u32> {
    match reply {
        Some(Reply {
            ret: Ret::Dword(code),
            ..
        }) => Answer::new(code, None),
        Some(Reply {
            ret: Ret::Bool(_),
            last_error,
            ..
        }) => Answer::new(last_error.unwrap_or(ERROR_SUCCESS), None),
        _ => Answer::new(wh::ERROR_WINHTTP_INTERNAL_ERROR, None),
    }
}

fn query_out(answer: Result<QueryAnswer, QueryError>) -> Answer<bool, QueryOptionOut> {
    match answer {
        Ok(a) => ok(QueryOptionOut {
            value: Some(a.value),
            buffer_length: Some(a.size),
        }),
        Err(QueryError::InsufficientBuffer { required }) => Answer {
            ret: false,
            last_error: Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER),
            out: QueryOptionOut {
                value: None,
                buffer_length: Some(required),
            },
        },
        Err(QueryError::Code(code)) => fail(code),
    }
}

/// The machine's argument of a `QueryHeaders` level: request-header queries are legal in
/// every state (WH-R25); any other level, `WINHTTP_QUERY_CUSTOM` included, is judged by the
/// machine's table.
fn query_arg(level: u32) -> CallArg {
    if level & wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS != 0 {
        CallArg::RequestHeaders
    } else {
        CallArg::QueryLevel(level)
    }
}

fn buffer_type_of(value: wh::WINHTTP_WEB_SOCKET_BUFFER_TYPE) -> Option<BufferType> {
    Some(match value {
        wh::WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE => BufferType::BinaryMessage,
        wh::WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE => BufferType::BinaryFragment,
        wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE => BufferType::Utf8Message,
        wh::WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE => BufferType::Utf8Fragment,
        wh::WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE => BufferType::Close,
        _ => return None,
    })
}

fn ws_type(t: BufferType) -> WsBufferType {
    match t {
        BufferType::BinaryMessage => WsBufferType::BinaryMessage,
        BufferType::BinaryFragment => WsBufferType::BinaryFragment,
        BufferType::Utf8Message => WsBufferType::Utf8Message,
        BufferType::Utf8Fragment => WsBufferType::Utf8Fragment,
        BufferType::Close => WsBufferType::Close,
    }
}

/// The session's option timeouts into the executor's settings.
fn apply_session_timeouts(settings: &mut SessionSettings, o: &SessionOptions) {
    settings.timeouts = timeouts_of(&o.timeouts);
}

fn timeouts_of(t: &options::Timeouts) -> crate::executor::state::Timeouts {
    crate::executor::state::Timeouts {
        resolve: limit_from_millis(t.resolve),
        connect: limit_from_millis(t.connect),
        send: limit_from_millis(t.send),
        receive: limit_from_millis(t.receive),
        receive_response: limit_from_millis(t.effective_receive_response()),
    }
}

fn apply_request_timeouts(req: &mut RequestState, t: &options::Timeouts) {
    req.timeouts = timeouts_of(t);
}

/// A request's option store into its executor state.
fn apply_request_options(req: &mut RequestState, o: &RequestOptions) {
    apply_request_timeouts(req, &o.timeouts);
    if let Some(p) = crate::executor::state::RedirectPolicy::from_winhttp(o.redirect_policy) {
        req.redirect_policy = p;
    }
    req.max_redirects = o.max_redirects;
    req.disabled = crate::executor::state::DisabledFeatures(o.disable_flags);
    req.security_flags = o.security_flags;
    req.upgrade_to_websocket = o.websocket_upgrade;
    req.proxy = o.proxy.clone();
    req.auth.server_fallback = crate::winhttp::auth::Credential {
        username: o.username.clone(),
        password: o.password.clone(),
    };
    req.auth.proxy_fallback = crate::winhttp::auth::Credential {
        username: o.proxy_username.clone(),
        password: o.proxy_password.clone(),
    };
}

/// The rich information of a delivered notification (see `winhttp_exec`, payloads).
fn status_info(n: &Notification, data: Option<&HandleData>) -> StatusInfo {
    if let Some(info) = data.and_then(|d| d.pop_payload(n.status)) {
        return info;
    }
    match n.info {
        Info::None => StatusInfo::None,
        Info::Handle(h) => StatusInfo::Handle(h),
        Info::Bytes(b) => StatusInfo::Dword(b),
        Info::AsyncResult { api, error } => StatusInfo::AsyncResult { api, error },
        Info::WebSocketResult {
            result,
            error,
            operation,
        } => StatusInfo::WebSocketResult {
            result,
            error,
            operation,
        },
        Info::WebSocketStatus { bytes, buffer_type } => StatusInfo::WebSocketStatus {
            bytes,
            buffer_type: buffer_type.value(),
            buffer: None,
        },
        Info::InternetResult { result, error } => StatusInfo::AsyncResult {
            api: u32::try_from(result).unwrap_or(u32::MAX),
            error,
        },
    }
}
