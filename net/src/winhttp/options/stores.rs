//! The option stores: the values each handle kind answers ([`SessionOptions`],
//! [`ConnectOptions`], [`RequestOptions`], [`WebSocketOptions`], [`GlobalOptions`]), the five
//! timeouts with `WinHttpSetTimeouts`' checks, and the query/set targets that name one store.
//!
//! Invariant: a request's timeouts, websocket buffer sizes, context and redirect policy are
//! a snapshot taken when it is created (WH-R13); a connect reads its session live (WH-R12).

use windows_sys::Win32::Foundation::{ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY};
use windows_sys::Win32::Networking::WinHttp::*;

use super::{ConnectionInfo, ProxyInfo, DEFAULT_MAX_REDIRECTS, MIN_WEBSOCKET_SEND_BUFFER_SIZE};
use crate::winhttp::HandleKind;

/// The five timeouts of a session or request, in milliseconds (`WinHttpSetTimeouts` and the
/// `*_TIMEOUT` options). `u32::MAX` is "infinite" (receive-response: Wine treats it as 21 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// `WINHTTP_OPTION_RESOLVE_TIMEOUT`.
    pub resolve: u32,
    /// `WINHTTP_OPTION_CONNECT_TIMEOUT`.
    pub connect: u32,
    /// `WINHTTP_OPTION_SEND_TIMEOUT`.
    pub send: u32,
    /// `WINHTTP_OPTION_RECEIVE_TIMEOUT`.
    pub receive: u32,
    /// `WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT`.
    pub receive_response: u32,
}

/// How long a response head is waited for when the receive-response timeout is `~0u` (the
/// default): 90 s, the default Microsoft documents for
/// `WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT`. Wine waits 21 s instead; that is Wine's own
/// choice (seen only in its source), while the query answering `~0u` is checked against
/// Windows by Wine's tests (WH-R11).
pub const DEFAULT_RECEIVE_RESPONSE_TIMEOUT_MS: u32 = 90_000;

impl Default for Timeouts {
    /// The `WinHttpOpen` defaults (WH-R11): resolve 0, connect 20 s, send 30 s, receive 30 s,
    /// receive-response infinite.
    fn default() -> Self {
        Timeouts {
            resolve: 0,
            connect: 20_000,
            send: 30_000,
            receive: 30_000,
            receive_response: u32::MAX,
        }
    }
}

impl Timeouts {
    pub(super) fn get(&self, option: u32) -> Option<u32> {
        Some(match option {
            WINHTTP_OPTION_RESOLVE_TIMEOUT => self.resolve,
            WINHTTP_OPTION_CONNECT_TIMEOUT => self.connect,
            WINHTTP_OPTION_SEND_TIMEOUT => self.send,
            WINHTTP_OPTION_RECEIVE_TIMEOUT => self.receive,
            WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT => self.receive_response,
            _ => return None,
        })
    }

    pub(super) fn slot(&mut self, option: u32) -> Option<&mut u32> {
        Some(match option {
            WINHTTP_OPTION_RESOLVE_TIMEOUT => &mut self.resolve,
            WINHTTP_OPTION_CONNECT_TIMEOUT => &mut self.connect,
            WINHTTP_OPTION_SEND_TIMEOUT => &mut self.send,
            WINHTTP_OPTION_RECEIVE_TIMEOUT => &mut self.receive,
            WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT => &mut self.receive_response,
            _ => return None,
        })
    }

    /// The receive-response timeout the wire layer uses: the value set, or for `~0u` (the
    /// default, which is also what a query answers) [`DEFAULT_RECEIVE_RESPONSE_TIMEOUT_MS`]
    /// (WH-R11).
    pub fn effective_receive_response(&self) -> u32 {
        if self.receive_response == u32::MAX {
            DEFAULT_RECEIVE_RESPONSE_TIMEOUT_MS
        } else {
            self.receive_response
        }
    }
}

/// `WinHttpSetTimeouts` argument validation, before the handle is looked at: any value below
/// -1 → `ERROR_INVALID_PARAMETER` (WH-R9; Wine `test_timeouts` asserts 87 for -2 in each
/// position, on a connect handle too).
pub fn validate_set_timeouts(
    resolve: i32,
    connect: i32,
    send: i32,
    receive: i32,
) -> Result<(), u32> {
    if [resolve, connect, send, receive].iter().any(|&v| v < -1) {
        return Err(ERROR_INVALID_PARAMETER);
    }
    Ok(())
}

/// `WinHttpSetTimeouts` on a handle of `kind` whose timeouts are `timeouts`: validation
/// ([`validate_set_timeouts`]) first, then only session and request handles accept it (a
/// connect handle → `ERROR_WINHTTP_INCORRECT_HANDLE_TYPE`, WH-R9). As Wine does, -1 becomes
/// 0 for resolve, send and receive, while the connect timeout keeps -1 as `0xFFFFFFFF`; the
/// receive-response timeout is not touched.
pub fn set_timeouts(
    kind: HandleKind,
    timeouts: &mut Timeouts,
    resolve: i32,
    connect: i32,
    send: i32,
    receive: i32,
) -> Result<(), u32> {
    validate_set_timeouts(resolve, connect, send, receive)?;
    if !matches!(kind, HandleKind::Session | HandleKind::Request) {
        return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    let clamp = |v: i32| u32::try_from(v).unwrap_or(0);
    timeouts.resolve = clamp(resolve);
    timeouts.connect = connect as u32; // -1 is kept as 0xFFFFFFFF, as Wine stores it
    timeouts.send = clamp(send);
    timeouts.receive = clamp(receive);
    Ok(())
}

/// Process-wide options (set or queried with a NULL handle). The caller owns the value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GlobalOptions {
    /// `WINHTTP_OPTION_ENABLETRACING`.
    pub enable_tracing: u32,
    /// `WINHTTP_OPTION_HTTP_VERSION` (major, minor); default 1.1.
    pub http_version: Option<(u32, u32)>,
    /// `WINHTTP_OPTION_WORKER_THREAD_COUNT` as set (0 = one per CPU).
    pub worker_thread_count: u32,
    /// What `WINHTTP_OPTION_PROXY` on the NULL handle answers: the default proxy
    /// configuration ([`crate::winhttp::proxy::get_default_proxy_configuration`]).
    pub default_proxy: ProxyInfo,
    /// `WINHTTP_OPTION_EXTENDED_ERROR` on the NULL handle: the calling thread's last mapped
    /// socket error.
    pub extended_error: u32,
}

/// The options of a session handle (`WinHttpOpen` defaults, WH-R11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionOptions {
    /// `WinHttpOpen` flags (`WINHTTP_FLAG_ASYNC`, …).
    pub flags: u32,
    /// The five timeouts; connect handles read these live.
    pub timeouts: Timeouts,
    /// `WINHTTP_OPTION_REDIRECT_POLICY` (default `DISALLOW_HTTPS_TO_HTTP`).
    pub redirect_policy: u32,
    /// `WINHTTP_OPTION_CONTEXT_VALUE`.
    pub context: u64,
    /// `WINHTTP_OPTION_CALLBACK` (the callback pointer bits; 0 = none).
    pub callback: u64,
    /// `WINHTTP_OPTION_USER_AGENT` (`None` = NULL agent).
    pub user_agent: Option<Vec<u16>>,
    /// `WINHTTP_OPTION_PROXY` (from `WinHttpOpen`'s access type and lists).
    pub proxy: ProxyInfo,
    /// `WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE` (default 32768).
    pub websocket_receive_buffer_size: u32,
    /// `WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE` (default 32768).
    pub websocket_send_buffer_size: u32,
    /// `WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS` new requests start with (default 10).
    pub max_redirects: u32,
    /// `WINHTTP_OPTION_SECURE_PROTOCOLS` (0 = the system default).
    pub secure_protocols: u32,
    /// `WINHTTP_OPTION_MAX_CONNS_PER_SERVER`.
    pub max_conns_per_server: u32,
    /// `WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER`.
    pub max_conns_per_1_0_server: u32,
    /// The remaining plain `DWORD` options, by option number (codepage, decompression,
    /// passport, retries, limits, HTTP protocol …).
    pub dwords: Vec<(u32, u32)>,
    /// `WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT` (handle bits).
    pub unload_event: u64,
    /// `WINHTTP_OPTION_HTTP_VERSION` of this session.
    pub http_version: Option<(u32, u32)>,
}

/// The default `WINHTTP_OPTION_WEB_SOCKET_*_BUFFER_SIZE` (WH-R11).
pub const DEFAULT_WEBSOCKET_BUFFER_SIZE: u32 = 32_768;

impl SessionOptions {
    /// A new session's options: `WinHttpOpen(agent, …, flags)` with `proxy` as resolved from
    /// the access type ([`crate::winhttp::proxy`]).
    pub fn new(user_agent: Option<Vec<u16>>, proxy: ProxyInfo, flags: u32) -> Self {
        SessionOptions {
            flags,
            timeouts: Timeouts::default(),
            redirect_policy: WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP,
            context: 0,
            callback: 0,
            user_agent,
            proxy,
            websocket_receive_buffer_size: DEFAULT_WEBSOCKET_BUFFER_SIZE,
            websocket_send_buffer_size: DEFAULT_WEBSOCKET_BUFFER_SIZE,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            secure_protocols: 0,
            max_conns_per_server: u32::MAX,
            max_conns_per_1_0_server: u32::MAX,
            dwords: Vec::new(),
            unload_event: 0,
            http_version: None,
        }
    }
}

/// The options of a connect handle: a snapshot of the session's flags, callback, context and
/// redirect policy at `WinHttpConnect` (WH-R12). Timeouts are not here: a connect handle
/// answers the session's current ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Session flags at connect time (decides sync/async of every request API, WH-R13).
    pub flags: u32,
    /// `WINHTTP_OPTION_CONTEXT_VALUE`.
    pub context: u64,
    /// The callback pointer bits copied from the session.
    pub callback: u64,
    /// Redirect policy copied from the session (requests copy it from here).
    pub redirect_policy: u32,
    /// `WINHTTP_OPTION_PARENT_HANDLE`: the session handle's bits.
    pub parent: u64,
}

impl ConnectOptions {
    /// The snapshot `WinHttpConnect` takes of `session`, whose handle bits are `parent`.
    pub fn new(session: &SessionOptions, parent: u64) -> Self {
        ConnectOptions {
            flags: session.flags,
            context: session.context,
            callback: session.callback,
            redirect_policy: session.redirect_policy,
            parent,
        }
    }
}

/// Live facts of a request's connection that the engine records for the option queries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectionFacts {
    /// Local and remote address, once a connection exists.
    pub info: Option<ConnectionInfo>,
    /// The server's certificate chain (DER, leaf first), after a TLS handshake.
    pub server_certificates: Option<Vec<Vec<u8>>>,
    /// The negotiated cipher strength in bits, after a TLS handshake.
    pub cipher_bits: Option<u32>,
    /// The last socket error mapped to a WinHTTP error (`EXTENDED_ERROR`).
    pub extended_error: u32,
}

/// The options of a request handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOptions {
    /// `WinHttpOpenRequest` flags (`WINHTTP_FLAG_SECURE`, …).
    pub flags: u32,
    /// Timeouts copied from the session at creation; independent afterwards (WH-R13).
    pub timeouts: Timeouts,
    /// Redirect policy copied from the connect handle.
    pub redirect_policy: u32,
    /// `WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS` (default 10).
    pub max_redirects: u32,
    /// `WINHTTP_OPTION_DISABLE_FEATURE` bits, OR-ed on every set.
    pub disable_flags: u32,
    /// `WINHTTP_OPTION_ENABLE_FEATURE`: certificate revocation checking requested.
    pub check_revocation: bool,
    /// `WINHTTP_OPTION_SECURITY_FLAGS` (the settable `IGNORE_*` bits).
    pub security_flags: u32,
    /// `WINHTTP_OPTION_CONTEXT_VALUE` (copied from the connect handle).
    pub context: u64,
    /// The callback pointer bits copied from the connect handle.
    pub callback: u64,
    /// `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` was set.
    pub websocket_upgrade: bool,
    /// `WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE` (copied from the session).
    pub websocket_receive_buffer_size: u32,
    /// `WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE` as set (copied from the session; checked
    /// against [`MIN_WEBSOCKET_SEND_BUFFER_SIZE`] when an upgrade is sent).
    pub websocket_send_buffer_size: u32,
    /// `WINHTTP_OPTION_AUTOLOGON_POLICY`.
    pub autologon_policy: u32,
    /// `WINHTTP_OPTION_CLIENT_CERT_CONTEXT` (certificate pointer bits; `None` = none).
    pub client_cert: Option<u64>,
    /// `WINHTTP_OPTION_PROXY` of this request (`None` = the session's).
    pub proxy: Option<ProxyInfo>,
    /// `WINHTTP_OPTION_USERNAME`.
    pub username: Option<Vec<u16>>,
    /// `WINHTTP_OPTION_PASSWORD`.
    pub password: Option<Vec<u16>>,
    /// `WINHTTP_OPTION_PROXY_USERNAME`.
    pub proxy_username: Option<Vec<u16>>,
    /// `WINHTTP_OPTION_PROXY_PASSWORD`.
    pub proxy_password: Option<Vec<u16>>,
    /// `WINHTTP_OPTION_URL`: the request's current URL (the engine updates it on redirects).
    pub url: Vec<u16>,
    /// `WINHTTP_OPTION_PARENT_HANDLE`: the connect handle's bits.
    pub parent: u64,
    /// The remaining plain `DWORD` options, by option number (a snapshot of the session's
    /// at creation).
    pub dwords: Vec<(u32, u32)>,
    /// `WINHTTP_OPTION_HTTP_VERSION` of this request.
    pub http_version: Option<(u32, u32)>,
    /// What the engine knows of the connection.
    pub connection: ConnectionFacts,
}

impl RequestOptions {
    /// The snapshot `WinHttpOpenRequest` takes (WH-R13): timeouts and websocket buffer sizes
    /// from the session, context, callback and redirect policy from the connect handle,
    /// `max_redirects` and the plain `DWORD` limits. `url` is the request's URL, `parent` the connect handle's bits.
    pub fn new(
        session: &SessionOptions,
        connect: &ConnectOptions,
        flags: u32,
        url: Vec<u16>,
        parent: u64,
    ) -> Self {
        RequestOptions {
            flags,
            timeouts: session.timeouts,
            redirect_policy: connect.redirect_policy,
            max_redirects: session.max_redirects,
            disable_flags: 0,
            check_revocation: false,
            security_flags: 0,
            context: connect.context,
            callback: connect.callback,
            websocket_upgrade: false,
            websocket_receive_buffer_size: session.websocket_receive_buffer_size,
            websocket_send_buffer_size: session.websocket_send_buffer_size,
            autologon_policy: WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM,
            client_cert: None,
            proxy: None,
            username: None,
            password: None,
            proxy_username: None,
            proxy_password: None,
            url,
            parent,
            dwords: session.dwords.clone(),
            http_version: None,
            connection: ConnectionFacts::default(),
        }
    }

    /// Whether a feature is switched off by `WINHTTP_OPTION_DISABLE_FEATURE`
    /// (`WINHTTP_DISABLE_COOKIES`, `_REDIRECTS`, `_AUTHENTICATION`, `_KEEP_ALIVE`).
    pub fn is_disabled(&self, feature: u32) -> bool {
        self.disable_flags & feature != 0
    }

    /// The `WinHttpSendRequest` check of a websocket upgrade: a send buffer smaller than
    /// [`MIN_WEBSOCKET_SEND_BUFFER_SIZE`] → `ERROR_NOT_ENOUGH_MEMORY` (WH-R22).
    pub fn check_upgrade_send(&self) -> Result<(), u32> {
        if self.websocket_upgrade
            && self.websocket_send_buffer_size < MIN_WEBSOCKET_SEND_BUFFER_SIZE
        {
            return Err(ERROR_NOT_ENOUGH_MEMORY);
        }
        Ok(())
    }
}

/// The options of a websocket handle: context from `WinHttpWebSocketCompleteUpgrade`'s
/// argument, the rest from the request (WH-R14).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSocketOptions {
    /// `WINHTTP_OPTION_CONTEXT_VALUE`.
    pub context: u64,
    /// The callback pointer bits copied from the request.
    pub callback: u64,
    /// `WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT` in milliseconds (default 10 s).
    pub close_timeout: u32,
    /// `WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL` in milliseconds.
    pub keepalive_interval: u32,
    /// The send buffer size taken from the request at upgrade.
    pub send_buffer_size: u32,
    /// The receive buffer size taken from the request at upgrade.
    pub receive_buffer_size: u32,
}

impl WebSocketOptions {
    /// The options `WinHttpWebSocketCompleteUpgrade(request, context)` gives the new handle.
    pub fn new(request: &RequestOptions, context: u64) -> Self {
        WebSocketOptions {
            context,
            callback: request.callback,
            close_timeout: 10_000,
            keepalive_interval: 30_000,
            send_buffer_size: request.websocket_send_buffer_size,
            receive_buffer_size: request.websocket_receive_buffer_size,
        }
    }
}

/// The handle a query is made on, with what it reads.
#[derive(Clone, Copy, Debug)]
pub enum QueryTarget<'a> {
    /// The NULL handle.
    Global(&'a GlobalOptions),
    /// A session.
    Session(&'a SessionOptions),
    /// A connect handle and its session (timeouts are read from the session, live).
    Connect {
        /// The connect handle's own options.
        connect: &'a ConnectOptions,
        /// Its session's options.
        session: &'a SessionOptions,
    },
    /// A request.
    Request(&'a RequestOptions),
    /// A websocket.
    WebSocket(&'a WebSocketOptions),
}

impl QueryTarget<'_> {
    pub(super) fn kind(&self) -> Option<HandleKind> {
        match self {
            QueryTarget::Global(_) => None,
            QueryTarget::Session(_) => Some(HandleKind::Session),
            QueryTarget::Connect { .. } => Some(HandleKind::Connect),
            QueryTarget::Request(_) => Some(HandleKind::Request),
            QueryTarget::WebSocket(_) => Some(HandleKind::WebSocket),
        }
    }
}

/// The handle a set is made on.
#[derive(Debug)]
pub enum SetTarget<'a> {
    /// The NULL handle.
    Global(&'a mut GlobalOptions),
    /// A session.
    Session(&'a mut SessionOptions),
    /// A connect handle.
    Connect(&'a mut ConnectOptions),
    /// A request.
    Request(&'a mut RequestOptions),
    /// A websocket.
    WebSocket(&'a mut WebSocketOptions),
}

impl SetTarget<'_> {
    pub(super) fn kind(&self) -> Option<HandleKind> {
        match self {
            SetTarget::Global(_) => None,
            SetTarget::Session(_) => Some(HandleKind::Session),
            SetTarget::Connect(_) => Some(HandleKind::Connect),
            SetTarget::Request(_) => Some(HandleKind::Request),
            SetTarget::WebSocket(_) => Some(HandleKind::WebSocket),
        }
    }
}

pub(super) fn lookup(dwords: &[(u32, u32)], option: u32, default: u32) -> u32 {
    dwords
        .iter()
        .rev()
        .find(|(id, _)| *id == option)
        .map_or(default, |(_, v)| *v)
}

pub(super) fn store(dwords: &mut Vec<(u32, u32)>, option: u32, value: u32) {
    dwords.retain(|(id, _)| *id != option);
    dwords.push((option, value));
}
