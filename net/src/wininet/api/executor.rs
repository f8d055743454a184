//! The WinINet executor: per-handle data ([`InetObject`]), call data ([`InetCall`]) and the
//! [`Executor`] implementation that runs each operation the engine starts on the I/O
//! runtime and reports its end.
//!
//! Owns: the network state of every WinINet handle (the HTTP session, connect and request
//! of [`crate::executor`], the FTP session of [`crate::ftp`], the Gopher session of
//! [`crate::gopher`]), each handle's option store ([`HandleOptions`], timeouts snapshotted
//! from the parent at creation, WI-R16), and the status-information payloads (server
//! names, IP addresses) the typed callback shows for the connect notifications.
//!
//! Invariants:
//! - every started operation is reported exactly once ([`Engine::complete`]), also when
//!   its task cannot be spawned (then with `ERROR_INTERNET_INTERNAL_ERROR`);
//! - an application buffer ([`AppBuffer`]) is written only under the operation's guard and
//!   only while it was not cancelled ([`Executor::cancel`] sets the flag under the same
//!   guard), so nothing is written after a cancellation was reported;
//! - payloads cannot be misattributed: they are kept per object and per status (the latest
//!   one of each status), and the request's connect notifications are emitted by the one
//!   protocol event reported right after they are stored; one send runs at a time on a
//!   request (its main lane), so the latest value is the one of the event being delivered.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use hinternet_core::{Api, Completion, ObjectId, OpId, ProtocolEvent};
use hinternet_engine::{Cancel, Engine, Executor, Start};
use windows_sys::Win32::Foundation::{ERROR_INVALID_PARAMETER, ERROR_NO_MORE_FILES};
use windows_sys::Win32::Networking::WinInet as wi;

use super::io::{Event, Io};
use super::open_url::{run_open_url, OpenUrlArgs};
pub use crate::executor::app_buffer::{AppBuffer, VecBuffer};
use crate::executor::state::lock;
use crate::executor::{ConnectState, LiveSteps, Progress, RequestState, SessionState};
use crate::ftp::{FindData, FtpFind, FtpSession, FtpTransfer, TransferType};
use crate::gopher::{GopherFile, GopherFind, GopherFindData, GopherSession};
use crate::wininet::options::HandleOptions;

/// An out value an operation fills before it completes (for a synchronous call, before the
/// call returns; for an asynchronous one, before its `REQUEST_COMPLETE`).
pub type Slot<T> = Arc<Mutex<Option<T>>>;

/// A new empty [`Slot`].
pub fn slot<T>() -> Slot<T> {
    Arc::new(Mutex::new(None))
}

/// An FTP connect's session: the control connection (one command at a time) and the
/// server's last reply (`InternetGetLastResponseInfo`).
#[derive(Debug)]
pub struct FtpConnect {
    /// The session; `None` once it failed for good.
    pub session: tokio::sync::Mutex<FtpSession>,
    /// The last reply text.
    pub last_response: Mutex<String>,
}

/// What a handle is, with its network state.
pub enum InetKind {
    /// `InternetOpen`.
    Root {
        /// The HTTP session (keep-alive pool, cookies).
        session: Arc<SessionState>,
    },
    /// `InternetConnect(INTERNET_SERVICE_HTTP)`.
    HttpConnect(Arc<ConnectState>),
    /// `InternetConnect(INTERNET_SERVICE_FTP)`: logged in.
    FtpConnect(Arc<FtpConnect>),
    /// `InternetConnect(INTERNET_SERVICE_GOPHER)`.
    GopherConnect(Arc<GopherSession>),
    /// `HttpOpenRequest`, or an `InternetOpenUrl` of an HTTP(S) URL.
    Request(Arc<tokio::sync::Mutex<RequestState>>),
    /// `FtpFindFirstFile`, or an `InternetOpenUrl` of an FTP directory: the entries left.
    FtpFind(Mutex<FtpFind>, Option<Arc<FtpConnect>>),
    /// `FtpOpenFile`, or an `InternetOpenUrl` of an FTP file: the transfer and its session.
    FtpFile(
        Arc<tokio::sync::Mutex<Option<FtpTransfer>>>,
        Arc<FtpConnect>,
    ),
    /// `GopherFindFirstFile`, or an `InternetOpenUrl` of a Gopher menu.
    GopherFind(Mutex<GopherFind>),
    /// `GopherOpenFile`, or an `InternetOpenUrl` of a Gopher file.
    GopherFile(Arc<tokio::sync::Mutex<GopherFile>>),
}

/// The data the WinINet executor attaches to every object.
pub struct InetObject {
    /// The handle's kind and network state.
    pub kind: InetKind,
    /// The handle's options (WI-R16: timeouts are a snapshot of the parent's at creation).
    pub options: Mutex<HandleOptions>,
    /// `INTERNET_FLAG_ASYNC` of its root.
    pub async_mode: bool,
    payloads: Mutex<HashMap<u32, String>>,
    /// The first `FtpFindFirstFile`/`GopherFindFirstFile` entry (returned by the create
    /// call itself, not by `InternetFindNextFile`).
    pub first: Mutex<Option<FoundEntry>>,
    open_url: Mutex<VecDeque<OpenUrlArgs>>,
    pending_creates: Mutex<VecDeque<PendingCreate>>,
    /// The response body being copied into the URL cache, if this request writes it.
    pub(crate) cache_fill: Mutex<Option<CacheFill>>,
    /// The cached response this request is answered with instead of the network.
    pub(crate) from_cache: Mutex<Option<CachedResponse>>,
    /// The cached response that answers the send if the server says 304 to the
    /// conditional request, or if the network fails (`INTERNET_FLAG_CACHE_IF_NET_FAIL`).
    pub(crate) stale: Mutex<Option<StaleEntry>>,
}

/// A cached entry a send may still be answered with (set by the cache preparation, taken
/// by the send): after a 304 to its conditional request when `on_not_modified`, after a
/// network failure when `on_network_failure`.
pub(crate) struct StaleEntry {
    /// The entry's head, file and body.
    pub(crate) cached: CachedResponse,
    /// The cache holding the entry (a 304 refreshes it there).
    pub(crate) cache: Arc<Mutex<crate::wininet::cache::UrlCache>>,
    /// The entry's URL key.
    pub(crate) url: String,
    /// The request was made conditional (`If-Modified-Since` / `If-None-Match`).
    pub(crate) on_not_modified: bool,
    /// `INTERNET_FLAG_CACHE_IF_NET_FAIL`.
    pub(crate) on_network_failure: bool,
}

/// A response answered from the URL cache ([`crate::wininet::cache::CacheRead::Cached`]):
/// the send installs its head without touching the network and the reads drain its body.
pub(crate) struct CachedResponse {
    /// The stored head (`lpHeaderInfo`); `None` once the send has installed it.
    pub(crate) head: Option<String>,
    /// The entry's file (`DATAFILE_NAME`).
    pub(crate) file: String,
    /// The body not read yet.
    pub(crate) body: VecDeque<u8>,
}

/// A response body on its way into the URL cache: set at `HttpSendRequest` when the cache
/// policy writes the response ([`crate::wininet::cache::decide`]), kept only for a 200
/// answer that does not forbid storing ([`crate::wininet::cache::forbids_storing`], unless
/// `need_file`), and committed when the application has read the body to its end (the entry's
/// file then answers `INTERNET_OPTION_DATAFILE_NAME` and `InternetLockRequestFile`).
pub(crate) struct CacheFill {
    /// The API object's cache.
    pub(crate) cache: Arc<Mutex<crate::wininet::cache::UrlCache>>,
    /// The response head (`lpHeaderInfo`), once the response is known to be cacheable.
    pub(crate) head: Option<String>,
    /// The body read so far.
    pub(crate) body: Vec<u8>,
    /// `INTERNET_FLAG_NEED_FILE`: a file even for a response that forbids storing
    /// (`Cache-Control: no-cache` / `no-store`), as Wine's `create_cache_entry` does.
    pub(crate) need_file: bool,
}

/// The network step of an asynchronous FTP or Gopher find or open (WI-R27), queued on its
/// connect: the pending part's start runs it, and it completes the operation with the new
/// handle's data (or the error).
pub(crate) type PendingCreate = Box<
    dyn FnOnce(Reporter) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send,
>;

impl InetObject {
    /// New data of `kind` with `options`.
    pub fn new(kind: InetKind, options: HandleOptions, async_mode: bool) -> InetObject {
        InetObject {
            kind,
            options: Mutex::new(options),
            async_mode,
            payloads: Mutex::new(HashMap::new()),
            first: Mutex::new(None),
            open_url: Mutex::new(VecDeque::new()),
            pending_creates: Mutex::new(VecDeque::new()),
            cache_fill: Mutex::new(None),
            from_cache: Mutex::new(None),
            stale: Mutex::new(None),
        }
    }

    /// Queues the network step of an asynchronous find or open on this connect (the
    /// connect's main lane starts the pending parts one at a time, in call order).
    pub(crate) fn push_pending_create(&self, step: PendingCreate) {
        lock(&self.pending_creates).push_back(step);
    }

    /// Takes back the step pushed last (the create was refused).
    pub(crate) fn pop_pending_create_back(&self) {
        lock(&self.pending_creates).pop_back();
    }

    fn take_pending_create(&self) -> Option<PendingCreate> {
        lock(&self.pending_creates).pop_front()
    }

    /// The payload last stored for `status` (see the module invariants).
    pub fn payload(&self, status: u32) -> Option<String> {
        lock(&self.payloads).get(&status).cloned()
    }

    fn set_payload(&self, status: u32, text: &str) {
        lock(&self.payloads).insert(status, text.to_owned());
    }

    /// Queues the arguments of an asynchronous `InternetOpenUrl` on this root (its start
    /// takes them in order: the root's main lane runs them one at a time, in call order).
    pub(crate) fn push_open_url(&self, args: OpenUrlArgs) {
        lock(&self.open_url).push_back(args);
    }

    /// Takes back the arguments pushed last (the create was refused).
    pub(crate) fn pop_open_url_back(&self) {
        lock(&self.open_url).pop_back();
    }

    fn take_open_url(&self) -> Option<OpenUrlArgs> {
        lock(&self.open_url).pop_front()
    }
}

/// One entry of a find: FTP (`WIN32_FIND_DATA`) or Gopher (`GOPHER_FIND_DATA`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FoundEntry {
    /// An FTP entry.
    Ftp(FindData),
    /// A Gopher entry.
    Gopher(GopherFindData),
}

/// An FTP operation on a connect handle.
#[derive(Debug, Clone)]
pub enum FtpOp {
    /// `FtpCreateDirectory`.
    CreateDirectory(String),
    /// `FtpRemoveDirectory`.
    RemoveDirectory(String),
    /// `FtpSetCurrentDirectory`.
    SetCurrentDirectory(String),
    /// `FtpGetCurrentDirectory`: fills the slot.
    GetCurrentDirectory(Slot<String>),
    /// `FtpDeleteFile`.
    DeleteFile(String),
    /// `FtpRenameFile`.
    Rename(String, String),
    /// `FtpGetFile(remote, local, fail_if_exists, type)`.
    GetFile(String, PathBuf, bool, TransferType),
    /// `FtpPutFile(local, remote, type)`.
    PutFile(PathBuf, String, TransferType),
}

/// The data of one call, handed to the executor when its operation starts.
pub enum InetCall {
    /// `HttpSendRequest`: extra headers were already added; the optional data.
    Send {
        /// `lpOptional`.
        optional: Vec<u8>,
        /// `dwTotalLength` (the optional data's length for `HttpSendRequest`).
        total: u64,
        /// False for `HttpSendRequestEx` (the response is read by `HttpEndRequest`).
        receive: bool,
    },
    /// `HttpEndRequest`.
    End,
    /// `InternetReadFile(Ex)`: the application's buffer and the out count.
    Read(Arc<dyn AppBuffer>, Slot<u32>),
    /// `InternetReadFileEx` with `IRF_NO_WAIT` and nothing buffered (WI-R31): never fills
    /// the buffer to its end. Synchronous: the bytes of the first arrival (or the end).
    /// Asynchronous HTTP: waits for bytes, leaves them buffered and the application's
    /// buffer and count untouched; the next read takes them inline.
    ReadNoWait(Arc<dyn AppBuffer>, Slot<u32>),
    /// `InternetReadFile(Ex)` whose bytes the call already copied into the application's
    /// buffer (and count into its out slot): the executor only reports the count
    /// (WI-R18, when the machine queued it instead of completing it inline).
    ReadTaken(u32),
    /// `InternetQueryDataAvailable`: the out count.
    Available(Slot<u32>),
    /// `InternetFindNextFile`: the out entry.
    FindNext(Slot<FoundEntry>),
    /// An FTP command.
    Ftp(FtpOp),
    /// `GopherGetAttribute(locator, names)`: the out attributes.
    GopherAttribute(
        String,
        Option<String>,
        Slot<Vec<crate::gopher::GopherAttribute>>,
    ),
}

/// The WinINet executor (see the module docs).
pub struct InetExecutor {
    pub(crate) io: Io,
    pub(crate) engine: Arc<OnceLock<Weak<Engine<InetExecutor>>>>,
    guards: Mutex<HashMap<OpId, Arc<Mutex<bool>>>>,
    aborts: Mutex<HashMap<OpId, tokio::task::AbortHandle>>,
}

impl InetExecutor {
    /// A new executor with its threads, built with `config`.
    pub(crate) fn new(config: crate::executor::runtime::RuntimeConfig) -> InetExecutor {
        let engine = Arc::new(OnceLock::new());
        InetExecutor {
            io: Io::start(engine.clone(), config),
            engine,
            guards: Mutex::new(HashMap::new()),
            aborts: Mutex::new(HashMap::new()),
        }
    }

    fn guard(&self, op: OpId) -> Arc<Mutex<bool>> {
        lock(&self.guards)
            .entry(op)
            .or_insert_with(|| Arc::new(Mutex::new(false)))
            .clone()
    }

    fn forget(&self, op: OpId) {
        lock(&self.guards).remove(&op);
        lock(&self.aborts).remove(&op);
    }
}

/// Where an operation reports: the engine directly for a blocking call (handed to the
/// blocked caller), a delivery thread otherwise.
#[derive(Clone)]
pub(crate) struct Reporter {
    engine: Weak<Engine<InetExecutor>>,
    pub(crate) object: ObjectId,
    pub(crate) op: OpId,
    blocking: bool,
}

impl Reporter {
    fn with_engine(&self, f: impl FnOnce(&Engine<InetExecutor>)) {
        if let Some(engine) = self.engine.upgrade() {
            f(&engine);
        }
    }

    /// Reports the end of the operation.
    pub(crate) fn complete(&self, completion: Completion) {
        let (object, op) = (self.object, self.op);
        self.with_engine(|engine| {
            engine.executor().forget(op);
            if self.blocking {
                let _ = engine.complete(object, op, completion);
            } else {
                engine
                    .executor()
                    .io
                    .report(object, Event::Complete(object, op, completion));
            }
        });
    }

    /// Reports the end of an asynchronous `InternetOpenUrl` creating `data`'s handle.
    pub(crate) fn complete_with(&self, completion: Completion, data: Option<InetObject>) {
        let (object, op) = (self.object, self.op);
        self.with_engine(|engine| {
            engine.executor().forget(op);
            let event = match data {
                Some(data) => Event::CompleteWith(object, op, completion, Box::new(data)),
                None => Event::Complete(object, op, completion),
            };
            engine.executor().io.report(object, event);
        });
    }

    fn protocol(&self, event: ProtocolEvent) {
        let object = self.object;
        self.with_engine(|engine| {
            if self.blocking {
                let _ = engine.protocol(object, event);
            } else {
                engine
                    .executor()
                    .io
                    .report(object, Event::Protocol(object, event));
            }
        });
    }
}

/// The progress sink of one HTTP operation: the connect notifications become the
/// machine's `Connecting` protocol event (their texts go to the payload store); the
/// send and receive steps of the operation's progress ([`LiveSteps`]) become
/// `ProtocolEvent::Progress` as they happen (WI-R20, WI-R21); what is not reported is
/// emitted by the machine at the completion (its WinINet progress tables).
pub(crate) struct InetProgress {
    pub(crate) reporter: Option<Reporter>,
    pub(crate) data: Arc<InetObject>,
    resolving: Mutex<Option<(String, Option<String>)>>,
    live: LiveSteps,
}

impl InetProgress {
    pub(crate) fn new(
        reporter: Option<Reporter>,
        data: Arc<InetObject>,
        live: LiveSteps,
    ) -> InetProgress {
        InetProgress {
            reporter,
            data,
            resolving: Mutex::new(None),
            live,
        }
    }

    /// Reports the wire step `status` when it is the operation's next one.
    fn step(&self, status: u32, bytes: u32) {
        if let Some(reporter) = &self.reporter {
            if self.live.take(status) {
                reporter.protocol(ProtocolEvent::Progress { bytes });
            }
        }
    }
}

impl Progress for InetProgress {
    fn resolving(&self, name: &str) {
        *lock(&self.resolving) = Some((name.to_owned(), None));
        // WI-R20: RESOLVING_NAME as the resolution starts (a name that does not resolve
        // shows it without NAME_RESOLVED).
        self.data
            .set_payload(wi::INTERNET_STATUS_RESOLVING_NAME, name);
        if let Some(reporter) = self.reporter.as_ref().filter(|_| self.live.none_reported()) {
            reporter.protocol(ProtocolEvent::Resolving);
        }
    }
    fn resolved(&self, ip: &str) {
        if let Some((_, resolved)) = lock(&self.resolving).as_mut() {
            *resolved = Some(ip.to_owned());
        }
    }
    fn connecting(&self, ip: &str) {
        self.data
            .set_payload(wi::INTERNET_STATUS_CONNECTING_TO_SERVER, ip);
    }
    fn connected(&self, ip: &str) {
        self.data
            .set_payload(wi::INTERNET_STATUS_CONNECTED_TO_SERVER, ip);
        let resolve = match lock(&self.resolving).take() {
            Some((_, resolved)) => {
                self.data.set_payload(
                    wi::INTERNET_STATUS_NAME_RESOLVED,
                    resolved.as_deref().unwrap_or(ip),
                );
                true
            }
            None => false,
        };
        // Law 12: connect progress only before the send's first step (a send retried on a
        // new connection after it is not reported).
        if let Some(reporter) = self.reporter.as_ref().filter(|_| self.live.none_reported()) {
            reporter.protocol(ProtocolEvent::Connecting { resolve });
        }
    }
    fn sending(&self) {
        self.step(wi::INTERNET_STATUS_SENDING_REQUEST, 0);
    }
    fn sent(&self, bytes: u32) {
        self.step(wi::INTERNET_STATUS_REQUEST_SENT, bytes);
        // WI-R20: a send that reads the response goes on reading at once (the layer
        // below reports `receiving` only when the receive proper starts): an
        // application whose server has not answered has seen RECEIVING_RESPONSE.
        self.step(wi::INTERNET_STATUS_RECEIVING_RESPONSE, 0);
    }
    fn receiving(&self) {
        self.step(wi::INTERNET_STATUS_RECEIVING_RESPONSE, 0);
    }
    fn received(&self, bytes: u32) {
        self.step(wi::INTERNET_STATUS_RESPONSE_RECEIVED, bytes);
    }
    fn redirect(&self, url: &str) {
        self.data.set_payload(wi::INTERNET_STATUS_REDIRECT, url);
        if let Some(reporter) = &self.reporter {
            reporter.protocol(ProtocolEvent::Redirect);
            // The machine counts the re-send's steps from the start again.
            self.live.restart();
        }
    }
    fn closing_connection(&self) {}
    fn connection_closed(&self) {}
    fn data_buffered(&self, _: u64) {}
    fn end_of_data(&self) {}
}

impl Executor for InetExecutor {
    type Object = InetObject;
    type Call = InetCall;

    fn start(&self, engine: &Engine<Self>, io: Start<Self>) {
        let reporter = Reporter {
            engine: self.engine.get().cloned().unwrap_or_default(),
            object: io.object,
            op: io.op,
            blocking: io.blocking,
        };
        let internal = Completion::Error(wi::ERROR_INTERNET_INTERNAL_ERROR);
        let Some(data) = io.data.or_else(|| engine.data(io.object)) else {
            reporter.complete(internal);
            return;
        };
        let guard = self.guard(io.op);
        let task: Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>> =
            match (io.api, io.call) {
                (Api::InternetOpenUrl, _) => data.take_open_url().map(|args| {
                    let r = reporter.clone();
                    Box::pin(run_open_url(args, r)) as _
                }),
                (
                    Api::FtpFindFirstFile
                    | Api::FtpOpenFile
                    | Api::GopherFindFirstFile
                    | Api::GopherOpenFile,
                    _,
                ) => data
                    .take_pending_create()
                    .map(|step| step(reporter.clone())),
                (_, Some(call)) => Some(Box::pin(super::ops::run(
                    io.api,
                    data,
                    call,
                    reporter.clone(),
                    guard,
                ))),
                (_, None) => None,
            };
        let Some(task) = task else {
            let code = Completion::Error(ERROR_INVALID_PARAMETER);
            reporter.complete(code);
            return;
        };
        match self.io.spawn(task) {
            Some(abort) => {
                lock(&self.aborts).insert(io.op, abort);
            }
            None => reporter.complete(internal),
        }
    }

    /// An FTP file handle's transfer is dropped at once (its completion reply is read
    /// before the session's next command, so that command sees its own reply); everything
    /// else is dropped.
    fn destroyed(&self, _engine: &Engine<Self>, _object: ObjectId, data: Option<Arc<InetObject>>) {
        let Some(data) = data else {
            return;
        };
        if let InetKind::FtpFile(transfer, connect) = &data.kind {
            // Dropping the transfer here clears the session's busy flag before
            // InternetCloseHandle returns (the next FTP call on the connect must not see
            // the closed handle's transfer, WI-R11); the session reads its completion
            // reply before its next command. Only when an operation still holds the
            // transfer is it finished by a task.
            if let Ok(mut slot) = transfer.try_lock() {
                drop(slot.take());
                return;
            }
            let (transfer, connect) = (transfer.clone(), connect.clone());
            let _ = self.io.spawn(async move {
                let taken = transfer.lock().await.take();
                if let Some(t) = taken {
                    let mut session = connect.session.lock().await;
                    let _ = session.finish(t).await;
                    *lock(&connect.last_response) = session.last_response().to_owned();
                }
            });
        }
    }

    fn cancel(&self, _engine: &Engine<Self>, io: Cancel<Self>) {
        if let Some(guard) = lock(&self.guards).remove(&io.op) {
            *lock(&guard) = true;
        }
        if let Some(abort) = lock(&self.aborts).remove(&io.op) {
            abort.abort();
        }
    }
}

/// The completion of a find that has no more entries.
pub(crate) fn no_more_files() -> Completion {
    Completion::Error(ERROR_NO_MORE_FILES)
}
