//! The per-object data a WinHTTP executor keeps: session, connect, request and websocket.
//!
//! Ownership and sharing:
//! * a [`SessionState`] is shared (`Arc`) by its connects and requests; what the application
//!   can change while requests run (settings, cookies) sits behind `std::sync::Mutex`es that
//!   are never held across an `.await`; the keep-alive [`Pool`] locks itself;
//! * a [`ConnectState`] is shared by its requests; its only mutable part is the per-connect
//!   name cache (Wine resolves once per connect handle);
//! * a [`RequestState`] and a [`WebSocketState`](super::websocket_ops::WebSocketState) are
//!   owned by their object's operation queue: WinHTTP runs one operation of a request (and
//!   one send plus one receive of a websocket) at a time, so the operations take them by
//!   `&mut` and the embedder decides how it keeps them between operations.
//!
//! Invariants: a request's [`ResponsePhase`] says exactly which of its I/O parts exist — an
//! exchange (the connection with its response decoder) exists from a successful send until
//! the body is finished (then the connection went back to the pool or was closed) or the
//! connection is taken by a websocket upgrade; the response [`HeaderStore`] exists once a
//! head was received and is replaced by each redirect's response.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use windows_sys::Win32::Networking::WinHttp as wh;

use crate::cookies::CookieJar;
use crate::error::NetError;
use crate::headers::HeaderStore;
use crate::http::pool::{Pool, PoolKey};
use crate::http::tls::TlsSettings;
use crate::http::Exchange;

/// Locks `mutex`, using the data even if a panicking thread poisoned it: every value kept
/// behind these locks is replaced or edited in single steps, so it is never half-changed.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A WinHTTP timeout in milliseconds as a limit: 0 and `u32::MAX` (-1) mean no limit.
pub fn limit_from_millis(ms: u32) -> Option<Duration> {
    match ms {
        0 | u32::MAX => None,
        ms => Some(Duration::from_millis(u64::from(ms))),
    }
}

/// The five WinHTTP timeouts (`WinHttpSetTimeouts` plus
/// `WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT`); `None` is no limit. Every one that runs out
/// is reported as `ERROR_WINHTTP_TIMEOUT` (12002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Name resolution.
    pub resolve: Option<Duration>,
    /// TCP connect plus the TLS handshake.
    pub connect: Option<Duration>,
    /// Each socket write.
    pub send: Option<Duration>,
    /// Each body read (and websocket read).
    pub receive: Option<Duration>,
    /// Reading a response head (inside `SendRequest` or `ReceiveResponse`).
    pub receive_response: Option<Duration>,
}

impl Default for Timeouts {
    /// Windows' documented defaults: resolve unlimited, connect 60 s, send 30 s, receive
    /// 30 s, receive-response 90 s.
    fn default() -> Self {
        Timeouts {
            resolve: None,
            connect: Some(Duration::from_secs(60)),
            send: Some(Duration::from_secs(30)),
            receive: Some(Duration::from_secs(30)),
            receive_response: Some(Duration::from_secs(90)),
        }
    }
}

/// How a session reaches servers (`WinHttpOpen`'s access type).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Access {
    /// `WINHTTP_ACCESS_TYPE_NO_PROXY`: direct connections.
    #[default]
    NoProxy,
    /// `WINHTTP_ACCESS_TYPE_DEFAULT_PROXY` left undecided: connects directly.
    /// `WinHttp::open` does not use it: it decides the default configuration when the
    /// session is opened and stores the result as [`Access::NamedProxy`] or
    /// [`Access::NoProxy`].
    DefaultProxy,
    /// `WINHTTP_ACCESS_TYPE_NAMED_PROXY` with the proxy list and bypass list as given.
    NamedProxy {
        /// The proxy list (`host:port` entries).
        proxy: String,
        /// The bypass list, if any.
        bypass: Option<String>,
    },
    /// `WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY` left undecided: connects directly.
    /// `WinHttp::open` decides it when the session is opened
    /// ([`crate::winhttp::proxy::automatic_proxy`]) and stores the result instead.
    AutomaticProxy,
}

impl Access {
    /// As the proxy configuration [`crate::winhttp::proxy::choose_proxy`] reads: only a
    /// named proxy routes anywhere (undecided default and automatic configurations connect
    /// directly).
    pub fn proxy_info(&self) -> crate::winhttp::options::ProxyInfo {
        match self {
            Access::NamedProxy { proxy, bypass } => crate::winhttp::options::ProxyInfo {
                access_type: wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
                proxy: Some(crate::url::to_wide(proxy)),
                bypass: bypass.as_deref().map(crate::url::to_wide),
            },
            _ => crate::winhttp::options::ProxyInfo {
                access_type: wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
                proxy: None,
                bypass: None,
            },
        }
    }

    /// From a `WINHTTP_PROXY_INFO` (`WINHTTP_OPTION_PROXY` set on a session).
    pub fn from_proxy_info(info: &crate::winhttp::options::ProxyInfo) -> Access {
        let text = |w: &Option<Vec<u16>>| w.as_deref().map(String::from_utf16_lossy);
        match (info.access_type, text(&info.proxy)) {
            (wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY, Some(proxy)) => Access::NamedProxy {
                proxy,
                bypass: text(&info.bypass),
            },
            _ => Access::NoProxy,
        }
    }
}

/// `WINHTTP_OPTION_REDIRECT_POLICY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedirectPolicy {
    /// `WINHTTP_OPTION_REDIRECT_POLICY_NEVER`: redirects are returned to the application.
    Never,
    /// `WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP` (the default): an HTTPS → HTTP
    /// redirect fails with `ERROR_WINHTTP_REDIRECT_FAILED`.
    #[default]
    DisallowHttpsToHttp,
    /// `WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS`.
    Always,
}

impl RedirectPolicy {
    /// From the option's DWORD; an unknown value is `None`.
    pub fn from_winhttp(value: u32) -> Option<Self> {
        match value {
            wh::WINHTTP_OPTION_REDIRECT_POLICY_NEVER => Some(RedirectPolicy::Never),
            wh::WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP => {
                Some(RedirectPolicy::DisallowHttpsToHttp)
            }
            wh::WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS => Some(RedirectPolicy::Always),
            _ => None,
        }
    }
}

/// `WINHTTP_OPTION_DISABLE_FEATURE` bits (`WINHTTP_DISABLE_*`), accumulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DisabledFeatures(pub u32);

impl DisabledFeatures {
    /// `WINHTTP_DISABLE_COOKIES`: no `Cookie` header is sent and `Set-Cookie` is not stored.
    pub fn cookies(self) -> bool {
        self.0 & wh::WINHTTP_DISABLE_COOKIES != 0
    }
    /// `WINHTTP_DISABLE_REDIRECTS`: 3xx responses are returned to the application.
    pub fn redirects(self) -> bool {
        self.0 & wh::WINHTTP_DISABLE_REDIRECTS != 0
    }
    /// `WINHTTP_DISABLE_AUTHENTICATION`.
    pub fn authentication(self) -> bool {
        self.0 & wh::WINHTTP_DISABLE_AUTHENTICATION != 0
    }
    /// `WINHTTP_DISABLE_KEEP_ALIVE`: no `Connection: Keep-Alive`, no pooling.
    pub fn keep_alive(self) -> bool {
        self.0 & wh::WINHTTP_DISABLE_KEEP_ALIVE != 0
    }
}

/// Session settings the application may change at any time (options, timeouts).
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// `WinHttpOpen`'s user agent; sent as `User-Agent` unless the request has one.
    pub user_agent: Option<String>,
    /// The access type and proxy.
    pub access: Access,
    /// `WINHTTP_FLAG_ASYNC`: per-read RECEIVING/RECEIVED progress is reported only then.
    pub is_async: bool,
    /// The session's timeouts; a request takes a snapshot when it is created.
    pub timeouts: Timeouts,
    /// The redirect policy new requests start with.
    pub redirect_policy: RedirectPolicy,
    /// `WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS` new requests start with (default 10).
    pub max_redirects: u32,
    /// Disabled features new requests start with.
    pub disabled: DisabledFeatures,
    /// Trust anchors for HTTPS.
    pub tls: TlsSettings,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            user_agent: None,
            access: Access::NoProxy,
            is_async: false,
            timeouts: Timeouts::default(),
            redirect_policy: RedirectPolicy::default(),
            max_redirects: 10,
            disabled: DisabledFeatures::default(),
            tls: TlsSettings::public_roots(),
        }
    }
}

/// A session (`WinHttpOpen`): settings, the keep-alive pool and the cookie jar, shared by
/// its connects and requests.
#[derive(Debug, Default)]
pub struct SessionState {
    /// The settings (locked briefly; never across I/O).
    pub settings: Mutex<SessionSettings>,
    /// Idle keep-alive connections of this session.
    pub pool: Pool,
    /// The session's cookies (WinINet shares one jar among all its sessions: the process
    /// jar of `InternetSetCookie`, [`SessionState::with_cookie_jar`]).
    pub cookies: Arc<Mutex<CookieJar>>,
}

impl SessionState {
    /// A session with `settings`, an empty pool and an empty jar.
    pub fn new(settings: SessionSettings) -> Arc<Self> {
        Arc::new(SessionState {
            settings: Mutex::new(settings),
            pool: Pool::new(),
            cookies: Arc::new(Mutex::new(CookieJar::new())),
        })
    }

    /// A session with `settings` and an empty pool whose cookies are `jar` (shared).
    pub fn with_cookie_jar(settings: SessionSettings, jar: Arc<Mutex<CookieJar>>) -> Arc<Self> {
        Arc::new(SessionState {
            settings: Mutex::new(settings),
            pool: Pool::new(),
            cookies: jar,
        })
    }

    /// A copy of the settings now.
    pub fn settings(&self) -> SessionSettings {
        lock(&self.settings).clone()
    }
}

/// A connect (`WinHttpConnect`): the server and a per-connect name cache.
#[derive(Debug)]
pub struct ConnectState {
    /// The session.
    pub session: Arc<SessionState>,
    /// The server name as the application gave it.
    pub server: String,
    /// The port; 0 (`INTERNET_DEFAULT_PORT`) means 80, or 443 for a secure request.
    pub port: u16,
    resolved: Mutex<HashMap<(String, u16), SocketAddr>>,
}

impl ConnectState {
    /// A connect to `server:port` in `session`.
    pub fn new(session: Arc<SessionState>, server: &str, port: u16) -> Arc<Self> {
        Arc::new(ConnectState {
            session,
            server: server.to_owned(),
            port,
            resolved: Mutex::new(HashMap::new()),
        })
    }

    /// The address this connect already resolved `host:port` to (Wine resolves once per
    /// connect handle, so a later request sends no RESOLVING_NAME).
    pub fn cached_address(&self, host: &str, port: u16) -> Option<SocketAddr> {
        lock(&self.resolved)
            .get(&(host.to_ascii_lowercase(), port))
            .copied()
    }

    /// Remembers the address `host:port` resolved to.
    pub fn cache_address(&self, host: &str, port: u16, addr: SocketAddr) {
        lock(&self.resolved).insert((host.to_ascii_lowercase(), port), addr);
    }
}

/// Where a request goes now (the connect's server, changed by redirects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name.
    pub host: String,
    /// Port (never 0).
    pub port: u16,
    /// TLS (`WINHTTP_FLAG_SECURE`).
    pub secure: bool,
}

impl Target {
    /// The default port of the scheme.
    pub fn default_port(secure: bool) -> u16 {
        if secure {
            wh::INTERNET_DEFAULT_HTTPS_PORT
        } else {
            wh::INTERNET_DEFAULT_HTTP_PORT
        }
    }

    /// The `Host` header value: the port is left out when it is 80 or 443 (Wine's
    /// `add_host_header`).
    pub fn host_header(&self) -> String {
        let default = self.port == wh::INTERNET_DEFAULT_HTTP_PORT
            || self.port == wh::INTERNET_DEFAULT_HTTPS_PORT;
        if default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// `http[s]://host[:port]` (port left out when it is the scheme's default).
    pub fn origin(&self) -> String {
        let scheme = if self.secure { "https" } else { "http" };
        let host = if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == Target::default_port(self.secure) {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }

    /// The pool key of connections to this target.
    pub fn pool_key(&self, proxy: Option<&str>) -> PoolKey {
        PoolKey::new(self.secure, &self.host, self.port, proxy)
    }
}

/// Where a request stands between its operations (Wine's `request_response_state`, reduced
/// to what the operations need).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResponsePhase {
    /// Never sent, or the last send failed.
    #[default]
    None,
    /// The head (and part of the body) went out; `WriteData` may follow; the reply is not
    /// read yet.
    RequestSent,
    /// The whole request went out and the reply head was read inside the send (or reading
    /// it failed with `error`, reported by `ReceiveResponse`).
    ReplyReceived {
        /// Bytes read for the head (RESPONSE_RECEIVED's DWORD).
        head_bytes: u32,
        /// The failure of the read, if it failed.
        error: Option<NetError>,
    },
    /// `ReceiveResponse` completed: headers are available, the body can be read.
    ResponseReceived,
}

/// The response of a request: status and the head as a [`HeaderStore`] (wire case and
/// order, for `QueryHeaders`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeaders {
    /// The status code.
    pub status: u16,
    /// The head.
    pub store: HeaderStore,
}

/// A request (`WinHttpOpenRequest`) and everything its operations keep.
#[derive(Debug)]
pub struct RequestState {
    /// The connect (and through it the session).
    pub connect: Arc<ConnectState>,
    /// The verb (`GET` when the application gave none); a redirect may change it.
    pub verb: String,
    /// Path plus extra info (`/a/b?c`); a redirect changes it.
    pub path: String,
    /// The request line's version (`HTTP/1.1`).
    pub version: String,
    /// `WinHttpOpenRequest` flags (`WINHTTP_FLAG_SECURE`, …).
    pub flags: u32,
    /// `WINHTTP_OPTION_SECURITY_FLAGS` (`SECURITY_FLAG_IGNORE_*`).
    pub security_flags: u32,
    /// Where the request goes now.
    pub target: Target,
    /// The request headers (first line = request line), including the ones added at send.
    pub headers: HeaderStore,
    /// The optional data of the last `SendRequest` (re-sent by a redirect that keeps the
    /// verb; dropped when a redirect turns the request into a GET).
    pub optional: Vec<u8>,
    /// The total length of the last `SendRequest`.
    pub total_length: u64,
    /// The request's timeouts (a snapshot of the session's, then its own options).
    pub timeouts: Timeouts,
    /// The redirect policy.
    pub redirect_policy: RedirectPolicy,
    /// The most redirects followed before `ERROR_WINHTTP_REDIRECT_FAILED`.
    pub max_redirects: u32,
    /// Redirects followed by the current `ReceiveResponse`.
    pub redirect_count: u32,
    /// Disabled features.
    pub disabled: DisabledFeatures,
    /// `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` was set.
    pub upgrade_to_websocket: bool,
    /// The `Sec-WebSocket-Key` of the last send, when upgrading.
    pub websocket_key: Option<String>,
    /// Where the request stands.
    pub phase: ResponsePhase,
    /// The response, once a head was received.
    pub response: Option<ResponseHeaders>,
    /// The exchange on the request's connection (see the module invariants).
    pub(crate) exchange: Option<Exchange>,
    /// Whether the connection of the current exchange is a new one.
    pub(crate) new_connection: bool,
    /// `WINHTTP_OPTION_PROXY` set on the request (`None`: the session's access type).
    pub proxy: Option<crate::winhttp::options::ProxyInfo>,
    /// Credentials and the per-send state of the automatic 401/407 answer.
    pub auth: crate::winhttp::auth::AuthState,
    /// A read error met while taking more bytes without waiting after a read that
    /// returned data: the next read reports it.
    pub(crate) pending_read_error: Option<crate::NetError>,
}

impl RequestState {
    /// A request on `connect`: the session's settings are copied (timeouts are a snapshot,
    /// as WinHTTP does); the target is the connect's server with the port defaulted by
    /// `WINHTTP_FLAG_SECURE` in `flags`.
    pub fn new(
        connect: Arc<ConnectState>,
        verb: Option<&str>,
        path: Option<&str>,
        version: Option<&str>,
        flags: u32,
    ) -> Self {
        let settings = connect.session.settings();
        let secure = flags & wh::WINHTTP_FLAG_SECURE != 0;
        let port = match connect.port {
            0 => Target::default_port(secure),
            port => port,
        };
        let verb = verb.filter(|v| !v.is_empty()).unwrap_or("GET").to_owned();
        let path = match path.filter(|p| !p.is_empty()) {
            Some(p) if p.starts_with('/') => p.to_owned(),
            Some(p) => format!("/{p}"),
            None => "/".to_owned(),
        };
        let version = version
            .filter(|v| !v.is_empty())
            .unwrap_or("HTTP/1.1")
            .to_owned();
        RequestState {
            target: Target {
                host: connect.server.clone(),
                port,
                secure,
            },
            headers: HeaderStore::request(&verb, &path, &version),
            connect,
            verb,
            path,
            version,
            flags,
            security_flags: 0,
            optional: Vec::new(),
            total_length: 0,
            timeouts: settings.timeouts,
            redirect_policy: settings.redirect_policy,
            max_redirects: settings.max_redirects,
            redirect_count: 0,
            disabled: settings.disabled,
            upgrade_to_websocket: false,
            websocket_key: None,
            phase: ResponsePhase::None,
            response: None,
            exchange: None,
            new_connection: false,
            proxy: None,
            auth: Default::default(),
            pending_read_error: None,
        }
    }

    /// The proxy this request goes through now (request option, else the session's named
    /// proxy; the bypass list is honoured), `None` for a direct connection.
    pub fn proxy_route(&self) -> Option<crate::http::proxy::ProxyRoute> {
        let info = match &self.proxy {
            Some(info) => info.clone(),
            None => lock(&self.session().settings).access.proxy_info(),
        };
        let scheme = if self.target.secure { "https" } else { "http" };
        match crate::winhttp::proxy::choose_proxy(
            &info,
            scheme,
            &self.target.host,
            self.target.port,
        ) {
            crate::winhttp::proxy::ProxyChoice::Direct => None,
            crate::winhttp::proxy::ProxyChoice::Proxy { host, port } => {
                Some(crate::http::proxy::ProxyRoute { host, port })
            }
        }
    }

    /// The pool key of this request's connections (its target through its proxy).
    pub fn pool_key(&self) -> PoolKey {
        let proxy = self.proxy_route().map(|r| r.label());
        self.target.pool_key(proxy.as_deref())
    }

    /// The session.
    pub fn session(&self) -> &Arc<SessionState> {
        &self.connect.session
    }

    /// The request's URL now (`WINHTTP_OPTION_URL`).
    pub fn url(&self) -> String {
        format!("{}{}", self.target.origin(), self.path)
    }

    /// The status of the response, once received.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// Whether a connection is held (between a send and the end of the body).
    pub fn has_connection(&self) -> bool {
        self.exchange.is_some()
    }

    /// Whether the connection held came from a new TCP connect (not from the pool).
    pub fn connection_is_new(&self) -> bool {
        self.exchange.is_some() && self.new_connection
    }

    /// Body bytes buffered and readable without a socket read (0 without a connection).
    pub fn bytes_buffered(&self) -> u64 {
        self.exchange
            .as_ref()
            .and_then(|e| e.available_now().ok())
            .unwrap_or(0)
    }

    /// The server's certificate chain (DER, end entity first) of the connection held.
    pub fn peer_certificates(&self) -> Vec<Vec<u8>> {
        self.exchange
            .as_ref()
            .map(|e| {
                e.connection()
                    .peer_certificates()
                    .iter()
                    .map(|c| c.as_ref().to_vec())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The local and remote socket addresses of the connection held (`None` without a
    /// socket connection).
    pub fn connection_addresses(&self) -> Option<crate::winhttp::options::ConnectionInfo> {
        let connection = self.exchange.as_ref()?.connection();
        Some(crate::winhttp::options::ConnectionInfo {
            local: connection.local_addr()?,
            remote: connection.peer_addr()?,
        })
    }

    /// Whether the request headers ask for the connection to close (`Connection: close` or
    /// `Proxy-Connection: close`): only then are CLOSING_CONNECTION / CONNECTION_CLOSED
    /// reported (Wine's `finished_reading`).
    pub fn request_asks_close(&self) -> bool {
        ["Connection", "Proxy-Connection"].iter().any(|name| {
            self.headers
                .values(name)
                .any(|v| v.trim().eq_ignore_ascii_case("close"))
        })
    }
}
