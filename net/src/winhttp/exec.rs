//! The WinHTTP executor: the engine's [`Executor`] over the async operations of
//! [`executor`](crate::executor), run on the [`Runtime`].
//!
//! Owns: [`WinHttpExecutor`], the per-handle data [`HandleData`] (the executor state of a
//! session, connect, request or websocket, its option store, and the notification payloads),
//! the per-call data [`CallData`] and the rich notification information [`StatusInfo`]; the
//! application buffer [`AppBuffer`] (re-exported here) is
//! [`executor::app_buffer`](crate::executor::app_buffer)'s.
//!
//! How an operation runs: [`Executor::start`] spawns one task on the runtime (never blocks);
//! the task reports its wire progress through a `Progress` implementation, which posts protocol events
//! (`Connecting`, `Progress` for each send/receive step as it happens, `Redirect` and
//! `Resend` as they start, then the re-send's own `Resolving`/`Connecting` on a new
//! connection and its written request as a `Progress`, `ConnectionClosed`) to the
//! object's delivery shard, and ends by
//! posting the completion. The delivery thread applies them with `Engine::protocol` /
//! `Engine::complete` (the engine hands them to a blocked synchronous caller itself).
//! `cancel` aborts the task (WinHTTP cancels only websocket operations, on close).
//!
//! Notification payloads (the machine's `Info` carries no strings or buffers): for every
//! event the executor reports that makes the machine emit a notification needing a payload
//! (the server name and IP for `Connecting`, the byte counts of `REQUEST_SENT` and
//! `RESPONSE_RECEIVED`, the `REDIRECT` URL, the application's buffer of `READ_COMPLETE`),
//! the payload is pushed to a per-object, per-status FIFO *before* the event is applied,
//! and the delivered notification pops the head of its status's FIFO. The machine emits
//! one notification per pushed payload, in push order per status, so a delivered
//! notification gets the payload of the event that produced it. A notification filtered out
//! (no callback, masked) is never delivered and would leave its payload behind, so a
//! payload is pushed only when the object's callback (mirrored in [`HandleData`] from the
//! typed API's `set_status_callback`) would receive that status; each FIFO is bounded
//! ([`PAYLOAD_FIFO_LIMIT`]), dropping the oldest. Known limit: a callback changed between
//! the push and the emission can shift the payloads of that one status.
//!
//! Invariant: a task writes into the application's buffer only while its operation is not
//! cancelled (checked in the delivery job right before the completion is applied).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use hinternet_core::{Api, Completion, HandleKind, ObjectId, OpId, ProtocolEvent, WsBufferType};
use hinternet_engine::{Cancel, Engine, Executor, Start};
use tokio::task::AbortHandle;
use windows_sys::Win32::Networking::WinHttp as wh;

pub use crate::executor::app_buffer::{AppBuffer, VecBuffer};
use crate::executor::request_ops::{self, DefaultRedirects};
use crate::executor::runtime::Runtime;
use crate::executor::state::lock;
use crate::executor::websocket_ops::{self, WebSocketState};
use crate::executor::{ConnectState, LiveSteps, Progress, RequestState, SessionState};
use crate::winhttp::options::{ConnectOptions, RequestOptions, SessionOptions, WebSocketOptions};
use crate::ws::frame::BufferType;

/// The most payloads kept per object and status.
pub const PAYLOAD_FIFO_LIMIT: usize = 64;

/// What the application's status callback receives as `lpvStatusInformation`.
#[derive(Clone)]
pub enum StatusInfo {
    /// NULL.
    None,
    /// A handle (`HANDLE_CREATED`, `HANDLE_CLOSING`).
    Handle(hinternet_core::HandleValue),
    /// A string: the server name (`RESOLVING_NAME`), an IP (`NAME_RESOLVED`,
    /// `CONNECTING_TO_SERVER`, `CONNECTED_TO_SERVER`) or the new URL (`REDIRECT`).
    Text(String),
    /// A DWORD (bytes sent or received, bytes available, header size).
    Dword(u32),
    /// `READ_COMPLETE` of `WinHttpReadData`: the application's buffer and the bytes read.
    Read {
        /// The buffer passed to the read.
        buffer: Arc<dyn AppBuffer>,
        /// Bytes read into it.
        bytes: u32,
    },
    /// `WINHTTP_ASYNC_RESULT`.
    AsyncResult {
        /// `dwResult` (the `API_*` id).
        api: u32,
        /// `dwError`.
        error: u32,
    },
    /// `WINHTTP_WEB_SOCKET_STATUS`, with the receive's buffer for a websocket read.
    WebSocketStatus {
        /// Bytes transferred.
        bytes: u32,
        /// The buffer type value (`WINHTTP_WEB_SOCKET_*_BUFFER_TYPE`).
        buffer_type: u32,
        /// The receive's buffer (websocket `READ_COMPLETE`).
        buffer: Option<Arc<dyn AppBuffer>>,
    },
    /// `WINHTTP_WEB_SOCKET_ASYNC_RESULT`.
    WebSocketResult {
        /// `AsyncResult.dwResult`.
        result: u32,
        /// `AsyncResult.dwError`.
        error: u32,
        /// `WINHTTP_WEB_SOCKET_*_OPERATION`.
        operation: u32,
    },
}

impl std::fmt::Debug for StatusInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusInfo::None => write!(f, "-"),
            StatusInfo::Handle(h) => write!(f, "handle {:#x}", h.0),
            StatusInfo::Text(t) => write!(f, "{t:?}"),
            StatusInfo::Dword(d) => write!(f, "{d}"),
            StatusInfo::Read { bytes, .. } => write!(f, "read {bytes} bytes"),
            StatusInfo::AsyncResult { api, error } => write!(f, "api {api} error {error}"),
            StatusInfo::WebSocketStatus {
                bytes, buffer_type, ..
            } => write!(f, "{bytes} bytes, buffer type {buffer_type}"),
            StatusInfo::WebSocketResult {
                result,
                error,
                operation,
            } => write!(f, "result {result} error {error} operation {operation}"),
        }
    }
}

/// The executor state of one handle (one value per handle, so the size difference of the
/// variants costs nothing worth a box).
#[allow(clippy::large_enum_variant)]
pub enum HandleState {
    /// A session.
    Session {
        /// The executor's session.
        state: Arc<SessionState>,
        /// Its options.
        options: Mutex<SessionOptions>,
    },
    /// A connect.
    Connect {
        /// The executor's connect.
        state: Arc<ConnectState>,
        /// Its options.
        options: Mutex<ConnectOptions>,
        /// Its session's data (timeouts are read from it, live).
        session: Arc<HandleData>,
    },
    /// A request.
    Request {
        /// The executor's request (held by the running operation).
        state: Arc<tokio::sync::Mutex<RequestState>>,
        /// What the synchronous calls read while an operation may run.
        view: Mutex<RequestView>,
        /// Its options.
        options: Mutex<RequestOptions>,
    },
    /// A websocket.
    WebSocket {
        /// The executor's websocket (held by the running operation).
        state: Arc<tokio::sync::Mutex<WebSocketState>>,
        /// The close status received, once known.
        close: Mutex<Option<websocket_ops::CloseStatus>>,
        /// Its options.
        options: Mutex<WebSocketOptions>,
    },
}

/// A request's heads as of its last finished operation (for `QueryHeaders` while another
/// operation runs).
#[derive(Debug, Clone, Default)]
pub struct RequestView {
    /// The request head.
    pub request: crate::headers::HeaderStore,
    /// The response head, once received.
    pub response: Option<crate::headers::HeaderStore>,
    /// The verb.
    pub verb: String,
    /// The URL now.
    pub url: String,
    /// The server's certificates (DER), once connected over TLS.
    pub certificates: Vec<Vec<u8>>,
    /// The local and remote socket addresses of the connection, once one was made
    /// (`WINHTTP_OPTION_CONNECTION_INFO`).
    pub addresses: Option<crate::winhttp::options::ConnectionInfo>,
}

impl RequestView {
    /// The view of `req` now.
    pub fn of(req: &RequestState) -> RequestView {
        RequestView {
            request: req.headers.clone(),
            response: req.response.as_ref().map(|r| r.store.clone()),
            verb: req.verb.clone(),
            url: req.url(),
            certificates: req.peer_certificates(),
            addresses: req.connection_addresses(),
        }
    }
}

/// The payloads waiting for their notifications, and the delivery filter they follow.
#[derive(Default)]
struct Payloads {
    fifo: HashMap<u32, VecDeque<StatusInfo>>,
    /// The mask of the callback installed on the object (`None`: no callback).
    mask: Option<u32>,
}

/// The per-handle data attached in the engine ([`Executor::Object`]).
pub struct HandleData {
    /// The handle's executor state.
    pub state: HandleState,
    payloads: Mutex<Payloads>,
    tasks: Mutex<HashMap<OpId, (AbortHandle, Arc<AtomicBool>)>>,
}

impl HandleData {
    /// Data for `state`; the callback mask is inherited (WinHTTP copies the parent's callback
    /// into a new child).
    pub fn new(state: HandleState, mask: Option<u32>) -> HandleData {
        HandleData {
            state,
            payloads: Mutex::new(Payloads {
                fifo: HashMap::new(),
                mask,
            }),
            tasks: Mutex::new(HashMap::new()),
        }
    }

    /// The installed callback's mask, as the typed API mirrors it.
    pub fn callback_mask(&self) -> Option<u32> {
        lock(&self.payloads).mask
    }

    /// Mirrors `WinHttpSetStatusCallback` (payloads of a removed callback are dropped).
    pub fn set_callback_mask(&self, mask: Option<u32>) {
        let mut p = lock(&self.payloads);
        p.mask = mask;
        if mask.is_none() {
            p.fifo.clear();
        }
    }

    /// Pushes the payload of a notification `status` the machine is about to emit, when the
    /// callback would receive it.
    pub fn push_payload(&self, status: u32, info: StatusInfo) {
        let mut p = lock(&self.payloads);
        if p.mask.is_some_and(|m| m & status != 0) {
            let fifo = p.fifo.entry(status).or_default();
            if fifo.len() >= PAYLOAD_FIFO_LIMIT {
                fifo.pop_front();
            }
            fifo.push_back(info);
        }
    }

    /// The payload of a delivered notification `status`, if one was pushed.
    pub fn pop_payload(&self, status: u32) -> Option<StatusInfo> {
        lock(&self.payloads)
            .fifo
            .get_mut(&status)
            .and_then(VecDeque::pop_front)
    }

    /// The request state, for a request handle.
    pub fn request(&self) -> Option<&Arc<tokio::sync::Mutex<RequestState>>> {
        match &self.state {
            HandleState::Request { state, .. } => Some(state),
            _ => None,
        }
    }

    fn abort_all(&self) {
        for (_, (task, cancelled)) in lock(&self.tasks).drain() {
            cancelled.store(true, Ordering::SeqCst);
            task.abort();
        }
    }
}

/// The arguments of one operation ([`Executor::Call`]).
pub enum CallData {
    /// `WinHttpSendRequest`.
    Send {
        /// The optional data.
        optional: Vec<u8>,
        /// `dwTotalLength`.
        total_length: u64,
    },
    /// `WinHttpWriteData`.
    Write(Vec<u8>),
    /// `WinHttpReceiveResponse`.
    Receive,
    /// `WinHttpQueryDataAvailable`.
    QueryDataAvailable,
    /// `WinHttpReadData`: the buffer and the bytes to read.
    Read(Arc<dyn AppBuffer>, u32),
    /// `WinHttpReadData` whose bytes the call already copied into the application's
    /// buffer (with the `READ_COMPLETE` payload pushed): the executor only reports the
    /// count (WH-R20, when the machine queued it instead of completing it inline).
    ReadTaken(u32),
    /// `WinHttpWebSocketSend`.
    WsSend(BufferType, Vec<u8>),
    /// `WinHttpWebSocketReceive`: the buffer and its length.
    WsReceive(Arc<dyn AppBuffer>, u32),
    /// `WinHttpWebSocketShutdown`.
    WsShutdown(u16, Vec<u8>),
    /// `WinHttpWebSocketClose`.
    WsClose(u16, Vec<u8>),
    /// An operation whose result the typed API computed before the call (`WinHttpGetProxyForUrl`
    /// without a reachable PAC source): the executor only reports it.
    Decided(Completion),
}

/// The engine type of the typed WinHTTP API.
pub type WinHttpEngine = Engine<WinHttpExecutor>;

/// The WinHTTP executor; see the module docs.
pub struct WinHttpExecutor {
    runtime: Arc<Runtime>,
    engine: OnceLock<Weak<WinHttpEngine>>,
}

impl WinHttpExecutor {
    /// An executor running its I/O on `runtime`; [`WinHttpExecutor::attach`] must follow
    /// once the engine exists.
    pub fn new(runtime: Arc<Runtime>) -> WinHttpExecutor {
        WinHttpExecutor {
            runtime,
            engine: OnceLock::new(),
        }
    }

    /// Gives the executor the engine its tasks report to.
    pub fn attach(&self, engine: &Arc<WinHttpEngine>) {
        let _ = self.engine.set(Arc::downgrade(engine));
    }

    /// The runtime.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    fn engine(&self) -> Option<Weak<WinHttpEngine>> {
        self.engine.get().cloned()
    }
}

/// Where an operation's task reports to.
#[derive(Clone)]
struct Reporter {
    runtime: Arc<Runtime>,
    engine: Weak<WinHttpEngine>,
    object: ObjectId,
    op: OpId,
    data: Arc<HandleData>,
    cancelled: Arc<AtomicBool>,
}

impl Reporter {
    fn protocol(&self, event: ProtocolEvent) {
        let engine = self.engine.clone();
        let object = self.object;
        self.runtime.post(
            u64::from(object.0),
            Box::new(move || {
                if let Some(engine) = engine.upgrade() {
                    let _ = engine.protocol(object, event);
                }
            }),
        );
    }

    /// Posts the completion; `before` runs in the delivery job first, unless the operation
    /// was cancelled (then the completion is stale and `before` must not touch the
    /// application's buffer).
    fn complete(&self, completion: Completion, before: impl FnOnce() + Send + 'static) {
        let engine = self.engine.clone();
        let (object, op) = (self.object, self.op);
        let cancelled = self.cancelled.clone();
        let data = self.data.clone();
        self.runtime.post(
            u64::from(object.0),
            Box::new(move || {
                lock(&data.tasks).remove(&op);
                if cancelled.load(Ordering::SeqCst) {
                    return;
                }
                before();
                if let Some(engine) = engine.upgrade() {
                    let _ = engine.complete(object, op, completion);
                }
            }),
        );
    }
}

/// The [`Progress`] of one request operation: turns wire progress into protocol events and
/// payloads (see the module docs).
struct OpProgress {
    reporter: Reporter,
    api: Api,
    /// The server name being resolved (for the `Connecting` payloads).
    name: Mutex<Option<String>>,
    resolved: Mutex<Option<String>>,
    /// A redirect or an authentication re-send was reported and its request is not
    /// written yet: its new connection reports its resolve/connect progress, and its
    /// `REQUEST_SENT` ends the window (WH-R30, WH-R42).
    resend_open: AtomicBool,
    /// The operation's progress steps reported live (`ProtocolEvent::Progress`).
    live: LiveSteps,
}

impl OpProgress {
    fn data(&self) -> &HandleData {
        &self.reporter.data
    }

    /// Reports a redirect or an authentication re-send as it starts (the machine emits
    /// the response so far and, for a redirect, REDIRECT) and opens the re-send's window.
    fn start_resend(&self, event: ProtocolEvent) {
        self.reporter.protocol(event);
        // The machine counts the receive's steps from the start again.
        self.live.restart();
        *lock(&self.name) = None;
        *lock(&self.resolved) = None;
        self.resend_open.store(true, Ordering::SeqCst);
    }

    /// The re-send's request is written: with its byte count the machine emits its
    /// SENDING_REQUEST, REQUEST_SENT (held back for its connect progress).
    fn resend_sent(&self, sent: u32) {
        if !self.resend_open.swap(false, Ordering::SeqCst) {
            return;
        }
        self.data().push_payload(
            wh::WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
            StatusInfo::Dword(sent),
        );
        self.reporter.protocol(ProtocolEvent::Progress { bytes: 0 });
    }

    /// True while connect progress may be reported: for a send before its first step,
    /// for a receive while its re-send's request is not written (law 12).
    fn connect_window(&self) -> bool {
        match self.api {
            Api::WinHttpSendRequest => self.live.none_reported(),
            Api::WinHttpReceiveResponse => self.resend_open.load(Ordering::SeqCst),
            _ => false,
        }
    }

    /// Reports the wire step `status` as it happens when it is the operation's next step
    /// (with its payload, pushed before the event that emits it).
    fn step(&self, status: u32, payload: Option<StatusInfo>) {
        if self.live.take(status) {
            if let Some(info) = payload {
                self.data().push_payload(status, info);
            }
            self.reporter.protocol(ProtocolEvent::Progress { bytes: 0 });
        }
    }
}

impl Progress for OpProgress {
    fn resolving(&self, name: &str) {
        // WH-R30: RESOLVING_NAME as the resolution starts (a name that does not resolve
        // shows it without NAME_RESOLVED); only for a send before its first step or a
        // re-send's new connection (WH-R42).
        if !self.connect_window() {
            return;
        }
        *lock(&self.name) = Some(name.to_owned());
        self.data().push_payload(
            wh::WINHTTP_CALLBACK_STATUS_RESOLVING_NAME,
            StatusInfo::Text(name.to_owned()),
        );
        self.reporter.protocol(ProtocolEvent::Resolving);
    }
    fn resolved(&self, ip: &str) {
        *lock(&self.resolved) = Some(ip.to_owned());
    }
    fn connecting(&self, _ip: &str) {}
    fn connected(&self, ip: &str) {
        // The machine accepts `Connecting` only for a send at the head of the lane before
        // its send progress, or for the new connection of a receive's redirect or
        // re-send before that request is written (law 12); a send retried on a new
        // connection after its first step is not reported.
        if !self.connect_window() {
            return;
        }
        // RESOLVING_NAME went out when the resolution started.
        let resolve = lock(&self.name).take().is_some();
        if resolve {
            let resolved = lock(&self.resolved).take().unwrap_or_else(|| ip.to_owned());
            self.data().push_payload(
                wh::WINHTTP_CALLBACK_STATUS_NAME_RESOLVED,
                StatusInfo::Text(resolved),
            );
        }
        for status in [
            wh::WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER,
            wh::WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
        ] {
            self.data()
                .push_payload(status, StatusInfo::Text(ip.to_owned()));
        }
        self.reporter
            .protocol(ProtocolEvent::Connecting { resolve });
    }
    // WH-R30 / WH-R31: each step is notified as it happens (a step that is not the
    // operation's next one, such as a receive's re-send, is left to the machine).
    fn sending(&self) {
        self.step(wh::WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, None);
    }
    fn sent(&self, bytes: u32) {
        match self.api {
            Api::WinHttpReceiveResponse => self.resend_sent(bytes),
            _ => self.step(
                wh::WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
                Some(StatusInfo::Dword(bytes)),
            ),
        }
    }
    fn receiving(&self) {
        self.step(wh::WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, None);
    }
    fn received(&self, bytes: u32) {
        self.step(
            wh::WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
            Some(StatusInfo::Dword(bytes)),
        );
    }
    fn redirect(&self, url: &str) {
        if self.api == Api::WinHttpReceiveResponse {
            self.data().push_payload(
                wh::WINHTTP_CALLBACK_STATUS_REDIRECT,
                StatusInfo::Text(url.to_owned()),
            );
            self.start_resend(ProtocolEvent::Redirect);
        }
    }
    fn resend(&self) {
        // WH-R42: no notification of its own; the re-send's progress follows.
        if self.api == Api::WinHttpReceiveResponse {
            self.start_resend(ProtocolEvent::Resend);
        }
    }
    fn closing_connection(&self) {}
    fn connection_closed(&self) {
        self.reporter.protocol(ProtocolEvent::ConnectionClosed);
    }
    // Not reported from here: the typed API reports the buffered count synchronously
    // right before each read or query (`winhttp_api::inline`), when it can copy the
    // bytes on the calling thread.
    fn data_buffered(&self, _n: u64) {}
    fn end_of_data(&self) {}
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

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Executor for WinHttpExecutor {
    type Object = HandleData;
    type Call = CallData;

    fn start(&self, _engine: &Engine<Self>, io: Start<Self>) {
        let (Some(data), Some(weak)) = (io.data, self.engine()) else {
            return;
        };
        let cancelled = Arc::new(AtomicBool::new(false));
        let reporter = Reporter {
            runtime: self.runtime.clone(),
            engine: weak,
            object: io.object,
            op: io.op,
            data: data.clone(),
            cancelled: cancelled.clone(),
        };
        let call = io.call;
        let api = io.api;
        // A blocked (synchronous) caller gets no READ_COMPLETE: no payload for it.
        let notify_read = !io.blocking;
        let task = async move {
            match &reporter.data.state {
                HandleState::Request { state, .. } => {
                    request_task(&reporter, api, state.clone(), call, notify_read).await
                }
                HandleState::WebSocket { state, .. } => {
                    websocket_task(&reporter, state.clone(), call, notify_read).await
                }
                _ => {
                    let completion = match call {
                        Some(CallData::Decided(c)) => c,
                        _ => Completion::Error(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
                    };
                    reporter.complete(completion, || {})
                }
            }
        };
        // Registered under the tasks lock so the completion job (which removes it) cannot
        // run before the insertion.
        let mut tasks = lock(&data.tasks);
        let handle = self.runtime.spawn(task);
        tasks.insert(io.op, (handle, cancelled));
    }

    fn cancel(&self, _engine: &Engine<Self>, io: Cancel<Self>) {
        if let Some(data) = io.data {
            if let Some((task, cancelled)) = lock(&data.tasks).remove(&io.op) {
                cancelled.store(true, Ordering::SeqCst);
                task.abort();
            }
        }
    }

    fn destroyed(&self, _engine: &Engine<Self>, _object: ObjectId, data: Option<Arc<HandleData>>) {
        if let Some(data) = data {
            data.abort_all();
        }
    }
}

/// A finished read: the application's buffer and the bytes to copy into it.
type ReadResult = (Arc<dyn AppBuffer>, Vec<u8>);

async fn request_task(
    reporter: &Reporter,
    api: Api,
    state: Arc<tokio::sync::Mutex<RequestState>>,
    call: Option<CallData>,
    notify_read: bool,
) {
    let progress = OpProgress {
        reporter: reporter.clone(),
        api,
        name: Mutex::new(None),
        resolved: Mutex::new(None),
        resend_open: AtomicBool::new(false),
        live: LiveSteps::new(api, HandleKind::WinHttpRequest),
    };
    let mut req = state.lock().await;
    let code = |e: crate::NetError| Completion::Error(e.code());
    let (completion, read): (Completion, Option<ReadResult>) = match (api, call) {
        (
            Api::WinHttpSendRequest,
            Some(CallData::Send {
                optional,
                total_length,
            }),
        ) => match request_ops::send_request(&mut req, &progress, optional, total_length).await {
            Ok(status) => (Completion::Http { status }, None),
            Err(e) => (code(e), None),
        },
        (Api::WinHttpWriteData, Some(CallData::Write(bytes))) => {
            match request_ops::write_data(&mut req, &bytes).await {
                Ok(n) => (Completion::Bytes(n), None),
                Err(e) => (code(e), None),
            }
        }
        (Api::WinHttpReceiveResponse, _) => {
            let result =
                request_ops::receive_response(&mut req, &progress, &DefaultRedirects::default())
                    .await;
            // A re-send whose request was never written reports no SENDING_REQUEST: the
            // failed completion drops it (the machine's `RESENDING`).
            match result {
                Ok(status) => (
                    Completion::Http {
                        status: Some(status),
                    },
                    None,
                ),
                Err(e) => (code(e), None),
            }
        }
        (Api::WinHttpQueryDataAvailable, _) => {
            match request_ops::query_data_available(&mut req, &progress).await {
                Ok(n) => (Completion::Bytes(count(n)), None),
                Err(e) => (code(e), None),
            }
        }
        (Api::WinHttpReadData, Some(CallData::ReadTaken(n))) => (Completion::Bytes(n), None),
        (Api::WinHttpReadData, Some(CallData::Read(buffer, to_read))) => {
            let len = (to_read as usize).min(buffer.len());
            match request_ops::read_data_vec(&mut req, &progress, len).await {
                Ok(bytes) => (
                    Completion::Bytes(count(bytes.len() as u64)),
                    Some((buffer, bytes)),
                ),
                Err(e) => (code(e), None),
            }
        }
        _ => (Completion::Error(wh::ERROR_WINHTTP_INTERNAL_ERROR), None),
    };
    if let HandleState::Request { view, .. } = &reporter.data.state {
        let mut now = RequestView::of(&req);
        let mut view = lock(view);
        if now.certificates.is_empty() && now.url == view.url {
            // The connection went back to the pool; its certificates still answer
            // SERVER_CERT_CONTEXT for this request.
            now.certificates = std::mem::take(&mut view.certificates);
        }
        if now.addresses.is_none() && now.url == view.url {
            // Likewise the addresses of the connection this request used.
            now.addresses = view.addresses;
        }
        *view = now;
    }
    drop(req);
    let data = reporter.data.clone();
    reporter.complete(completion, move || {
        if let Some((buffer, bytes)) = read {
            buffer.write(0, &bytes);
            if !notify_read {
                return;
            }
            data.push_payload(
                wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
                StatusInfo::Read {
                    buffer,
                    bytes: count(bytes.len() as u64),
                },
            );
        }
    });
}

async fn websocket_task(
    reporter: &Reporter,
    state: Arc<tokio::sync::Mutex<WebSocketState>>,
    call: Option<CallData>,
    notify_read: bool,
) {
    let code = |e: crate::NetError| Completion::Error(e.code());
    let mut ws = state.lock().await;
    let mut read: Option<(Arc<dyn AppBuffer>, Vec<u8>, u32)> = None;
    let completion = match call {
        Some(CallData::WsSend(t, bytes)) => match websocket_ops::send(&mut ws, t, &bytes).await {
            Ok(()) => Completion::Bytes(count(bytes.len() as u64)),
            Err(e) => code(e),
        },
        Some(CallData::WsReceive(buffer, len)) => {
            let len = (len as usize).min(buffer.len());
            match websocket_ops::receive(&mut ws, len).await {
                Ok((t, bytes)) => {
                    let n = count(bytes.len() as u64);
                    read = Some((buffer, bytes, ws_type(t).value()));
                    Completion::WebSocket {
                        buffer_type: ws_type(t),
                        bytes: n,
                    }
                }
                Err(e) => code(e),
            }
        }
        Some(CallData::WsShutdown(status, reason)) => {
            match websocket_ops::shutdown(&mut ws, status, &reason).await {
                Ok(()) => Completion::Done,
                Err(e) => code(e),
            }
        }
        Some(CallData::WsClose(status, reason)) => {
            match websocket_ops::close(&mut ws, status, &reason).await {
                // The peer's close frame answered ours: the machine records it (WH-R41) so
                // QueryCloseStatus answers.
                Ok(()) => match ws.close_received() {
                    Some(peer) => Completion::WebSocket {
                        buffer_type: WsBufferType::Close,
                        bytes: count(peer.reason.len() as u64),
                    },
                    None => Completion::Done,
                },
                Err(e) => code(e),
            }
        }
        _ => Completion::Error(wh::ERROR_WINHTTP_INTERNAL_ERROR),
    };
    let received = ws.close_received().cloned();
    drop(ws);
    if let HandleState::WebSocket { close, .. } = &reporter.data.state {
        if received.is_some() {
            *lock(close) = received;
        }
    }
    let data = reporter.data.clone();
    reporter.complete(completion, move || {
        if let Some((buffer, bytes, buffer_type)) = read {
            buffer.write(0, &bytes);
            if !notify_read {
                return;
            }
            data.push_payload(
                wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
                StatusInfo::WebSocketStatus {
                    bytes: count(bytes.len() as u64),
                    buffer_type,
                    buffer: Some(buffer),
                },
            );
        }
    });
}
