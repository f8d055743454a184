//! The typed WinINet API: [`WinInet`], one engine under `Policy::wininet()` with the
//! network executor, and one method per WinINet function with real arguments and
//! Windows' answers ([`Answer`]: the return value, the thread's last error after the call
//! — `None` where Windows leaves it unchanged — and the out values).
//!
//! - this module: the API object, status callbacks ([`Status`], [`StatusInfo`]), roots,
//!   connects, `InternetOpenUrl`, close, options;
//! - [`http`]: `HttpOpenRequest` … `InternetQueryDataAvailable`, `InternetWriteFile`;
//! - [`ftp`]: the `Ftp*` and `Gopher*` functions, `InternetFindNextFile`,
//!   `InternetGetLastResponseInfo`;
//! - [`pure`]: the functions without a handle (URL, time, cookies, connection state);
//! - [`cache`]: the URL cache, cookie-Ex, request-file locks, `InternetCrackUrl` and
//!   `InternetCreateUrl`;
//! - [`executor`]: the engine's executor and the per-handle data; `ops` and
//!   `open_url` the operation bodies; `io` the threads.
//!
//! Every lifecycle decision (handle validation, the protocol rules, async completion,
//! `InternetCloseHandle` semantics) is the engine's; this layer adds the arguments, the
//! network state and the out values. Strings are Rust strings: the `A`/`W` conversions
//! are the C layer's.

pub mod cache;
pub mod executor;
pub mod ftp;
pub mod http;
mod inline;
mod io;
mod open_url;
mod ops;
pub mod pure;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use hinternet_core::{
    CallArg, CallbackId, CallbackRet, CreateApi, Info, Notification, Outcome, Policy, Reply, Ret,
    Service,
};
use hinternet_engine::{Engine, EngineBuilder};
use windows_sys::Win32::Foundation::{ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinInet as wi;

pub use executor::{
    slot, AppBuffer, FoundEntry, InetCall, InetExecutor, InetObject, Slot, VecBuffer,
};
pub use hinternet_core::HandleValue;

use crate::executor::state::lock;
use crate::executor::{ConnectState, SessionSettings, SessionState};
use crate::ftp::{FtpConfig, FtpSession};
use crate::gopher::{GopherConfig, GopherSession};
use crate::wininet::options::{
    self, GlobalOptions, HandleOptions, OptionValue, ProxyInfo, QueryBuffer, QueryFailure,
    QueryOutcome, QueryTarget, SetOutcome, SetTarget,
};
use crate::wininet::{Charset, HandleKind as OptKind};
use executor::{FtpConnect, InetKind};
use open_url::{open_resource, OpenUrlArgs};

/// What a WinINet function returns: its return value, the thread's last error after the
/// call (`None`: left as it was), and its out values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer<T, O = ()> {
    /// The return value (BOOL, `HINTERNET`, DWORD).
    pub ret: T,
    /// `GetLastError()` after the call; `None` when the call does not set it.
    pub last_error: Option<u32>,
    /// The out values.
    pub out: O,
}

impl<T> Answer<T, ()> {
    fn plain(ret: T, last_error: Option<u32>) -> Self {
        Answer {
            ret,
            last_error,
            out: (),
        }
    }
}

/// A failed BOOL function with `code`.
fn fail_bool<O: Default>(code: u32) -> Answer<bool, O> {
    Answer {
        ret: false,
        last_error: Some(code),
        out: O::default(),
    }
}

/// A failed handle-creating function with `code`.
fn fail_handle<O: Default>(code: u32) -> Answer<HandleValue, O> {
    Answer {
        ret: HandleValue::NULL,
        last_error: Some(code),
        out: O::default(),
    }
}

/// The `lpvStatusInformation` of a notification, as the typed callback sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusInfo {
    /// NULL.
    None,
    /// A handle (`HANDLE_CREATED`, `HANDLE_CLOSING`).
    Handle(HandleValue),
    /// A DWORD (byte counts).
    Bytes(u32),
    /// A string: the server name (`RESOLVING_NAME`), an IP address (`NAME_RESOLVED`,
    /// `CONNECTING_TO_SERVER`, `CONNECTED_TO_SERVER`), the new URL (`REDIRECT`).
    Text(String),
    /// `INTERNET_ASYNC_RESULT { dwResult, dwError }`.
    AsyncResult {
        /// `dwResult`: 1/0, or the handle of an asynchronous `InternetOpenUrl`.
        result: u64,
        /// `dwError`.
        error: u32,
    },
}

/// One delivered notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// `hInternet`.
    pub handle: HandleValue,
    /// `dwContext`.
    pub context: u64,
    /// `dwInternetStatus` (`INTERNET_STATUS_*`).
    pub status: u32,
    /// `lpvStatusInformation`.
    pub info: StatusInfo,
}

/// An application's status callback (`INTERNET_STATUS_CALLBACK`).
pub type StatusCallback = dyn Fn(&WinInet, &Status) + Send + Sync;

pub(crate) struct Inner {
    pub(crate) engine: Arc<Engine<InetExecutor>>,
    globals: Mutex<GlobalOptions>,
    callbacks: Mutex<HashMap<CallbackId, Arc<StatusCallback>>>,
    pending_order: Mutex<()>,
    /// The process cookie jar: `InternetSetCookie`/`InternetGetCookie` and every root's
    /// HTTP session (cookies stored from `Set-Cookie`, sent on later requests).
    pub(crate) cookies: Arc<Mutex<crate::cookies::CookieJar>>,
    pub(crate) url_cache: Arc<Mutex<crate::wininet::cache::UrlCache>>,
    pub(crate) request_locks: Mutex<crate::wininet::misc::RequestFileLocks>,
    extra_roots: Mutex<Vec<rustls::pki_types::CertificateDer<'static>>>,
}

/// The typed WinINet API (see the module docs). Cloning shares the engine.
#[derive(Clone)]
pub struct WinInet(pub(crate) Arc<Inner>);

impl Default for WinInet {
    fn default() -> Self {
        WinInet::new()
    }
}

impl std::fmt::Debug for WinInet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WinInet").finish_non_exhaustive()
    }
}

fn status_info(data: Option<&InetObject>, n: &Notification) -> StatusInfo {
    let text_status = matches!(
        n.status,
        wi::INTERNET_STATUS_RESOLVING_NAME
            | wi::INTERNET_STATUS_NAME_RESOLVED
            | wi::INTERNET_STATUS_CONNECTING_TO_SERVER
            | wi::INTERNET_STATUS_CONNECTED_TO_SERVER
            | wi::INTERNET_STATUS_REDIRECT
    );
    if text_status {
        if let Some(text) = data.and_then(|d| d.payload(n.status)) {
            return StatusInfo::Text(text);
        }
    }
    match n.info {
        Info::None => StatusInfo::None,
        Info::Handle(h) => StatusInfo::Handle(h),
        Info::Bytes(b) => StatusInfo::Bytes(b),
        Info::InternetResult { result, error } => StatusInfo::AsyncResult { result, error },
        Info::AsyncResult { api, error } => StatusInfo::AsyncResult {
            result: u64::from(api),
            error,
        },
        Info::WebSocketResult { .. } | Info::WebSocketStatus { .. } => StatusInfo::None,
    }
}

/// The options' view of a connect handle of `service`.
fn connect_kind(service: Service) -> OptKind {
    match service {
        Service::Http => OptKind::ConnectHttp,
        Service::Ftp => OptKind::ConnectFtp,
        Service::Gopher => OptKind::ConnectGopher,
    }
}

impl WinInet {
    /// A new API object: its own engine (WinINet policy) and executor threads, with the URL
    /// cache in memory.
    pub fn new() -> WinInet {
        WinInet::with_cache(crate::wininet::cache::Storage::Memory)
    }

    /// A new API object whose URL cache keeps its entry bodies in `storage` (a directory,
    /// created if missing, or memory).
    pub fn with_cache(storage: crate::wininet::cache::Storage) -> WinInet {
        WinInet::with_runtime(storage, WinInet::default_runtime())
    }

    /// The runtime configuration [`WinInet::new`] uses: the default one, its threads named
    /// `wininet…`. A host changes its `spawner` and passes it to [`WinInet::with_runtime`].
    pub fn default_runtime() -> crate::executor::runtime::RuntimeConfig {
        crate::executor::runtime::RuntimeConfig {
            name: "wininet".to_owned(),
            ..crate::executor::runtime::RuntimeConfig::default()
        }
    }

    /// A new API object whose URL cache keeps its entry bodies in `storage` and whose
    /// executor threads (I/O and callback delivery) are created by `config.spawner`. When
    /// the threads cannot be created the object still exists, but every network operation
    /// fails with `ERROR_INTERNET_INTERNAL_ERROR`.
    pub fn with_runtime(
        storage: crate::wininet::cache::Storage,
        config: crate::executor::runtime::RuntimeConfig,
    ) -> WinInet {
        let engine = Arc::new(
            EngineBuilder::new(Policy::wininet())
                .executor(InetExecutor::new(config))
                .build(),
        );
        let _ = engine.executor().engine.set(Arc::downgrade(&engine));
        WinInet(Arc::new(Inner {
            engine,
            globals: Mutex::new(GlobalOptions::default()),
            callbacks: Mutex::new(HashMap::new()),
            pending_order: Mutex::new(()),
            cookies: Arc::new(Mutex::new(crate::cookies::CookieJar::new())),
            url_cache: Arc::new(Mutex::new(crate::wininet::cache::UrlCache::new(storage))),
            request_locks: Mutex::new(crate::wininet::misc::RequestFileLocks::new()),
            extra_roots: Mutex::new(Vec::new()),
        }))
    }

    /// Trusts `der` (a root certificate) in roots opened from now on, beside the public
    /// roots (Windows takes them from the certificate store).
    pub fn add_trusted_root(&self, der: Vec<u8>) {
        lock(&self.0.extra_roots).push(der.into());
    }

    /// True when the executor's threads were created (see [`WinInet::with_runtime`]);
    /// false when every network operation of this object fails with
    /// `ERROR_INTERNET_INTERNAL_ERROR`.
    pub fn has_runtime(&self) -> bool {
        self.0.engine.executor().io.handle().is_some()
    }

    /// The engine (tests, diagnostics: `wait_quiescent`, `is_empty`).
    pub fn engine(&self) -> &Engine<InetExecutor> {
        &self.0.engine
    }

    pub(crate) fn data(&self, handle: HandleValue) -> Option<Arc<InetObject>> {
        self.0.engine.pin(handle).and_then(|p| p.data())
    }

    /// The answer of a BOOL call from the engine's reply.
    pub(crate) fn bool_answer<O: Default>(
        reply: Result<Reply, hinternet_core::InputError>,
    ) -> Answer<bool, O> {
        match reply {
            Ok(reply) => Answer {
                ret: matches!(reply.ret, Ret::Bool(true)),
                last_error: reply.last_error,
                out: O::default(),
            },
            Err(_) => fail_bool(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// `InternetOpen(agent, access_type, proxy, bypass, flags)`.
    pub fn internet_open(
        &self,
        agent: Option<&str>,
        access_type: u32,
        proxy: Option<&str>,
        bypass: Option<&str>,
        flags: u32,
    ) -> Answer<HandleValue> {
        let async_mode = flags & wi::INTERNET_FLAG_ASYNC != 0;
        let globals = lock(&self.0.globals).clone();
        let proxy_info = ProxyInfo {
            access_type,
            proxy: proxy.map(str::to_owned),
            bypass: bypass.map(str::to_owned),
        };
        let options = HandleOptions::root(&globals, agent.map(str::to_owned), proxy_info, flags);
        let settings = SessionSettings {
            user_agent: agent.map(str::to_owned),
            is_async: async_mode,
            tls: crate::http::tls::TlsSettings {
                webpki_roots: true,
                extra_roots: lock(&self.0.extra_roots).clone(),
            },
            ..SessionSettings::default()
        };
        let session = SessionState::with_cookie_jar(settings, self.0.cookies.clone());
        let reply = self
            .0
            .engine
            .open_with(CreateApi::InternetOpen, async_mode, move |_, _| {
                InetObject::new(InetKind::Root { session }, options, async_mode)
            });
        handle_answer(reply)
    }

    /// `InternetConnect(root, server, port, user, password, service, flags, context)`:
    /// HTTP, FTP (connects and logs in now, as WinINet does) or Gopher. A NULL or empty
    /// server is `ERROR_INVALID_PARAMETER`; an unknown service too.
    #[allow(clippy::too_many_arguments)]
    pub fn internet_connect(
        &self,
        root: HandleValue,
        server: Option<&str>,
        port: u16,
        user: Option<&str>,
        password: Option<&str>,
        service: u32,
        flags: u32,
        context: u64,
    ) -> Answer<HandleValue> {
        let Some(server) = server.filter(|s| !s.is_empty()) else {
            return fail_handle(ERROR_INVALID_PARAMETER);
        };
        let service = match service {
            wi::INTERNET_SERVICE_HTTP => Service::Http,
            wi::INTERNET_SERVICE_FTP => Service::Ftp,
            wi::INTERNET_SERVICE_GOPHER => Service::Gopher,
            _ => return fail_handle(ERROR_INVALID_PARAMETER),
        };
        let api = CreateApi::InternetConnect(service);
        let Some(parent) = self.data(root) else {
            return handle_answer(self.0.engine.create(api, root, Some(context)));
        };
        let InetKind::Root { session } = &parent.kind else {
            return handle_answer(self.0.engine.create(api, root, Some(context)));
        };
        let parent_options = lock(&parent.options).clone();
        let kind = connect_kind(service);
        let mut options =
            HandleOptions::child(&parent_options, kind, context, u64::from(root.0), flags);
        // INTERNET_OPTION_USERNAME / PASSWORD of a connect answer InternetConnect's (Wine
        // keeps them in the session and uses them for HTTP authentication).
        options.username = user.filter(|u| !u.is_empty()).map(str::to_owned);
        options.password = password.filter(|p| !p.is_empty()).map(str::to_owned);
        let t = options.timeouts;
        let limit = crate::executor::state::limit_from_millis;
        let net = match service {
            Service::Http => {
                InetKind::HttpConnect(ConnectState::new(session.clone(), server, port))
            }
            Service::Gopher => {
                let config = GopherConfig {
                    connect_timeout: limit(t.connect),
                    receive_timeout: limit(t.receive),
                    send_timeout: limit(t.send),
                };
                let port = if port == 0 { 70 } else { port };
                InetKind::GopherConnect(Arc::new(GopherSession::new(server, port, config)))
            }
            Service::Ftp => {
                let config = FtpConfig {
                    connect_timeout: limit(t.connect),
                    receive_timeout: limit(t.receive),
                    send_timeout: limit(t.send),
                };
                let port = if port == 0 { 21 } else { port };
                let (server, user, password) = (
                    server.to_owned(),
                    user.map(str::to_owned),
                    password.map(str::to_owned),
                );
                let login = self.0.engine.executor().io.block_on(async move {
                    FtpSession::connect(&server, port, user.as_deref(), password.as_deref(), config)
                        .await
                });
                match login {
                    Some(Ok(session)) => {
                        ftp::set_last_response(0, session.last_response());
                        InetKind::FtpConnect(Arc::new(FtpConnect {
                            last_response: Mutex::new(session.last_response().to_owned()),
                            session: tokio::sync::Mutex::new(session),
                        }))
                    }
                    Some(Err(e)) => {
                        ftp::set_last_response(e.error.code(), &e.last_response);
                        return fail_handle(e.error.code());
                    }
                    None => return fail_handle(wi::ERROR_INTERNET_INTERNAL_ERROR),
                }
            }
        };
        let async_mode = parent.async_mode;
        let reply = self
            .0
            .engine
            .create_with(api, root, Some(context), move |_, _| {
                InetObject::new(net, options, async_mode)
            });
        handle_answer(reply)
    }

    /// `InternetOpenUrl(root, url, headers, flags, context)` for `http`, `https`, `ftp`
    /// and `gopher` URLs. Synchronous: the resource is opened, then the handle returned.
    /// Asynchronous root: NULL with `ERROR_IO_PENDING`; the handle comes in
    /// `REQUEST_COMPLETE` (`dwResult`), after its `HANDLE_CREATED` (WI-R18).
    pub fn internet_open_url(
        &self,
        root: HandleValue,
        url: &str,
        headers: Option<&str>,
        flags: u32,
        context: u64,
    ) -> Answer<HandleValue> {
        let api = CreateApi::InternetOpenUrl;
        let Some(parent) = self.data(root) else {
            return handle_answer(self.0.engine.create(api, root, Some(context)));
        };
        let InetKind::Root { session } = &parent.kind else {
            return handle_answer(self.0.engine.create(api, root, Some(context)));
        };
        if url.is_empty() {
            return fail_handle(ERROR_INVALID_PARAMETER);
        }
        let parent_options = lock(&parent.options).clone();
        let kind = match url
            .split(':')
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("http" | "https") => OptKind::HttpRequest,
            Some("ftp") => OptKind::FtpFile,
            Some("gopher") => OptKind::GopherFile,
            _ => return fail_handle(wi::ERROR_INTERNET_UNRECOGNIZED_SCHEME),
        };
        let options =
            HandleOptions::child(&parent_options, kind, context, u64::from(root.0), flags);
        let args = OpenUrlArgs {
            url: url.to_owned(),
            headers: headers.map(str::to_owned),
            flags,
            session: session.clone(),
            options,
            async_mode: parent.async_mode,
            cache: self.0.url_cache.clone(),
        };
        if parent.async_mode {
            // The root's main lane takes the pending opens in call order; the order lock
            // makes the arguments' queue order the same.
            let _order = lock(&self.0.pending_order);
            parent.push_open_url(args);
            let reply = self.0.engine.create(api, root, Some(context));
            let pending = matches!(&reply, Ok(r) if matches!(r.outcome, Outcome::Pending { .. }));
            if !pending {
                parent.pop_open_url_back();
            }
            return handle_answer(reply);
        }
        let opened = self
            .0
            .engine
            .executor()
            .io
            .block_on(open_resource(args, None));
        match opened {
            Some(Ok((object, _))) => {
                let reply = self
                    .0
                    .engine
                    .create_with(api, root, Some(context), move |_, _| object);
                handle_answer(reply)
            }
            Some(Err((code, last))) => {
                if !last.is_empty() {
                    ftp::set_last_response(code, &last);
                }
                fail_handle(code)
            }
            None => fail_handle(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// `InternetCloseHandle(handle)`: the engine's semantics (subtree invalidated; pending
    /// operations complete with `REQUEST_COMPLETE` before `HANDLE_CLOSING`; the return
    /// value and last error per the policy preset).
    pub fn internet_close_handle(&self, handle: HandleValue) -> Answer<bool> {
        let data = self.data(handle);
        let answer = Self::bool_answer(self.0.engine.close(handle));
        if answer.ret {
            if let Some(InetKind::FtpFile(transfer, _)) = data.as_deref().map(|d| &d.kind) {
                // WI-R11: the connect is free again when the call returns, even where the
                // handle's destruction waits for its HANDLE_CLOSING (asynchronous
                // sessions). Dropping the transfer clears the session's busy flag; its
                // completion reply is read before the session's next command. A transfer
                // an operation still holds is finished when the handle is destroyed.
                if let Ok(mut slot) = transfer.try_lock() {
                    drop(slot.take());
                }
            }
        }
        answer
    }

    /// `InternetSetStatusCallback(handle, callback)`: the previous callback, or
    /// `INTERNET_INVALID_STATUS_CALLBACK` (`Err(())` in `ret`) with the last error.
    pub fn internet_set_status_callback(
        &self,
        handle: HandleValue,
        callback: Option<Arc<StatusCallback>>,
    ) -> Answer<Result<Option<Arc<StatusCallback>>, ()>> {
        let id = callback.map(|cb| {
            let weak: Weak<Inner> = Arc::downgrade(&self.0);
            let id = self.0.engine.register_callback(move |engine, n| {
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                let api = WinInet(inner);
                let cb = n
                    .callback
                    .and_then(|id| lock(&api.0.callbacks).get(&id).cloned());
                if let Some(cb) = cb {
                    let data = engine.data(n.object);
                    let status = Status {
                        handle: n.handle,
                        context: n.context,
                        status: n.status,
                        info: status_info(data.as_deref(), n),
                    };
                    cb(&api, &status);
                }
            });
            lock(&self.0.callbacks).insert(id, cb);
            id
        });
        match self.0.engine.set_status_callback(handle, id, 0) {
            Ok(reply) => {
                let ret = match reply.ret {
                    Ret::Callback(CallbackRet::Previous(prev)) => {
                        Ok(prev.and_then(|p| lock(&self.0.callbacks).get(&p).cloned()))
                    }
                    _ => Err(()),
                };
                Answer::plain(ret, reply.last_error)
            }
            Err(_) => Answer::plain(Err(()), Some(wi::ERROR_INTERNET_INTERNAL_ERROR)),
        }
    }

    /// `InternetQueryOption(handle, option, buffer, &length)` (`W` sizes): the value and
    /// the length written back, or the failure's length rule. A NULL handle answers the
    /// process-wide options. `CONTEXT_VALUE` is the engine's.
    pub fn internet_query_option(
        &self,
        handle: HandleValue,
        option: u32,
        buffer: QueryBuffer,
    ) -> Answer<bool, Option<Result<QueryOutcome, QueryFailure>>> {
        if handle == HandleValue::NULL {
            let globals = lock(&self.0.globals).clone();
            return query_answer(options::query_option(
                QueryTarget::Global(&globals),
                option,
                Charset::Wide,
                buffer,
            ));
        }
        let reply = self.0.engine.call(
            hinternet_core::Api::InternetQueryOption,
            handle,
            CallArg::Option(option),
            None,
        );
        let accepted: Answer<bool> = Self::bool_answer(reply);
        if !accepted.ret {
            return Answer {
                ret: false,
                last_error: accepted.last_error,
                out: None,
            };
        }
        let Some(data) = self.data(handle) else {
            return fail_bool(ERROR_INVALID_HANDLE);
        };
        let opts = lock(&data.options).clone();
        let outcome =
            options::query_option(QueryTarget::Handle(&opts), option, Charset::Wide, buffer);
        if outcome.is_ok() && option == wi::INTERNET_OPTION_CONTEXT_VALUE {
            if let Ok(Reply {
                outcome: Outcome::Context { context, .. },
                ..
            }) = self.0.engine.query_context(handle)
            {
                return query_answer(Ok(QueryOutcome::Value {
                    value: OptionValue::Pointer(context),
                    length: options::POINTER_SIZE,
                }));
            }
        }
        query_answer(outcome)
    }

    /// `InternetSetOption(handle, option, value, length)`. A NULL or stale handle sets the
    /// process-wide options (WI-R10). `CONTEXT_VALUE` goes to the engine.
    pub fn internet_set_option(
        &self,
        handle: HandleValue,
        option: u32,
        value: Option<&OptionValue>,
        length: u32,
    ) -> Answer<bool> {
        let data = self.data(handle);
        let Some(data) = data.filter(|_| handle != HandleValue::NULL) else {
            let mut globals = lock(&self.0.globals);
            return set_answer(options::set_option(
                SetTarget::Global(&mut globals),
                option,
                value,
                length,
            ));
        };
        let reply = self.0.engine.call(
            hinternet_core::Api::InternetSetOption,
            handle,
            CallArg::Option(option),
            None,
        );
        let accepted: Answer<bool> = Self::bool_answer(reply);
        if !accepted.ret {
            return accepted;
        }
        let result = {
            let mut opts = lock(&data.options);
            options::set_option(SetTarget::Handle(&mut opts), option, value, length)
        };
        // The context lives in the engine (it is what notifications carry).
        if let (Ok(_), wi::INTERNET_OPTION_CONTEXT_VALUE, Some(OptionValue::Pointer(ctx))) =
            (result, option, value)
        {
            return Self::bool_answer(self.0.engine.set_context(handle, *ctx));
        }
        set_answer(result)
    }
}

fn handle_answer(reply: Result<Reply, hinternet_core::InputError>) -> Answer<HandleValue> {
    match reply {
        Ok(reply) => {
            let ret = match reply.ret {
                Ret::Handle(h) => h,
                _ => HandleValue::NULL,
            };
            Answer::plain(ret, reply.last_error)
        }
        Err(_) => fail_handle(wi::ERROR_INTERNET_INTERNAL_ERROR),
    }
}

fn query_answer(
    outcome: Result<QueryOutcome, QueryFailure>,
) -> Answer<bool, Option<Result<QueryOutcome, QueryFailure>>> {
    match outcome {
        Ok(QueryOutcome::Engine) => Answer {
            ret: false,
            last_error: Some(wi::ERROR_INTERNET_INVALID_OPERATION),
            out: Some(Ok(QueryOutcome::Engine)),
        },
        Ok(value) => Answer {
            ret: true,
            last_error: None,
            out: Some(Ok(value)),
        },
        Err(failure) => Answer {
            ret: false,
            last_error: Some(failure.code),
            out: Some(Err(failure)),
        },
    }
}

fn set_answer(result: Result<SetOutcome, u32>) -> Answer<bool> {
    match result {
        Ok(_) => Answer::plain(true, None),
        Err(code) => fail_bool(code),
    }
}
