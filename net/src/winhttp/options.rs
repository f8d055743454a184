//! `WinHttpQueryOption` / `WinHttpSetOption` / `WinHttpSetTimeouts` as data and pure checks.
//!
//! This module owns two things:
//!
//! * the **catalogue** ([`spec`], [`CATALOGUE`]): for every `WINHTTP_OPTION_*` a shim needs,
//!   the handle kinds that accept it for query and for set (and whether the NULL handle does),
//!   the value type, and the buffer-size rule of a set;
//! * the **option stores** ([`SessionOptions`], [`ConnectOptions`], [`RequestOptions`],
//!   [`WebSocketOptions`], [`GlobalOptions`]): the values each handle answers, with WinHTTP's
//!   inheritance — a connect handle has no timeouts of its own and reads the session's live
//!   (WH-R12), a request copies the session's timeouts and websocket buffer sizes and the
//!   connect's context and redirect policy when it is created (WH-R13, [`RequestOptions::new`]).
//!
//! Check order of a query ([`query_option`]), as Wine's `query_option` and the conformance
//! tests give it: NULL length pointer → 87; option unknown → 87; option that can only be set
//! → 87; option not valid for this handle kind → 12018 (Windows; WH-R10); buffer absent or
//! too small → 122 with the required size; state (no connection yet) → 12019 (WH-R29).
//!
//! Check order of a set ([`set_option`]): NULL buffer with a non-zero length → 87;
//! `CONTEXT_VALUE` of a length other than `sizeof(DWORD_PTR)` → 122 (WH-R16); option unknown
//! → 12009; any other option on a connect handle → 12018 (the connect handle has no setter,
//! WH-R10); option that can only be queried → 12011 (`ERROR_WINHTTP_OPTION_NOT_SETTABLE`, as
//! Microsoft documents; Wine answers 12009); option not valid for this handle kind → 12018;
//! the buffer-size rule → 122 or 87; the value check → 87 or 12019.
//!
//! Invariants: a failed set changes nothing; a query never reports a size smaller than the
//! value it would write; pointer-sized values are 8 bytes (the 64-bit ABI).

use std::mem::size_of;

use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY,
};
use windows_sys::Win32::Networking::WinHttp::*;

use super::HandleKind;

/// Size of a pointer (`DWORD_PTR`, `HINTERNET`, `PCCERT_CONTEXT`) on the 64-bit ABI.
pub const POINTER_SIZE: u32 = 8;

/// Size of a `DWORD`.
pub const DWORD_SIZE: u32 = 4;

/// The smallest websocket send buffer an upgrade accepts; a smaller
/// `WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE` makes `WinHttpSendRequest` of the upgrade fail
/// with `ERROR_NOT_ENOUGH_MEMORY` (WH-R22, Wine `MIN_WEBSOCKET_SEND_BUFFER_SIZE`).
pub const MIN_WEBSOCKET_SEND_BUFFER_SIZE: u32 = 16;

/// The default `WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS` of a request (WH-R13).
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

/// The security flags `WINHTTP_OPTION_SECURITY_FLAGS` accepts on a set; any other bit → 87
/// (Wine `request_set_option`).
pub const SETTABLE_SECURITY_FLAGS: u32 = SECURITY_FLAG_IGNORE_CERT_CN_INVALID
    | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID
    | SECURITY_FLAG_IGNORE_UNKNOWN_CA
    | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;

/// A set of handle kinds (and the NULL handle) as a small bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kinds(u8);

impl Kinds {
    /// No handle.
    pub const NONE: Kinds = Kinds(0);
    /// Session handles.
    pub const SESSION: Kinds = Kinds(1);
    /// Connect handles.
    pub const CONNECT: Kinds = Kinds(2);
    /// Request handles.
    pub const REQUEST: Kinds = Kinds(4);
    /// Websocket handles.
    pub const WEBSOCKET: Kinds = Kinds(8);
    /// The NULL handle (process-wide options).
    pub const GLOBAL: Kinds = Kinds(16);
    /// Every handle kind (not the NULL handle).
    pub const ANY: Kinds = Kinds(1 | 2 | 4 | 8);

    /// Union of two sets.
    pub const fn or(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// Whether `target` is in the set (`None` = the NULL handle).
    pub fn contains(self, target: Option<HandleKind>) -> bool {
        let bit = match target {
            None => Kinds::GLOBAL,
            Some(HandleKind::Session) => Kinds::SESSION,
            Some(HandleKind::Connect) => Kinds::CONNECT,
            Some(HandleKind::Request) => Kinds::REQUEST,
            Some(HandleKind::WebSocket) => Kinds::WEBSOCKET,
        };
        self.0 & bit.0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The C type behind an option's buffer, which tells a shim how to decode a set buffer
/// ([`OptionValue::decode`]) and how to encode a query answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A `DWORD`.
    Dword,
    /// A pointer-sized integer or pointer (`DWORD_PTR`, `HINTERNET`, `HANDLE`, a callback or
    /// a `PCCERT_CONTEXT`); the store keeps its bits.
    Pointer,
    /// A wide string; set lengths are in WCHARs, query sizes in bytes (without the NUL on
    /// success, with it when the buffer is too small).
    Wide,
    /// A structure of this many bytes (64-bit layout) that the engine fills.
    Struct(u32),
    /// `WINHTTP_PROXY_INFO`.
    Proxy,
    /// An opaque byte blob of the engine's (statistics).
    Bytes,
    /// No buffer at all (`WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET`).
    NoBuffer,
}

/// The buffer-length rule of a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetSize {
    /// Exactly 4 bytes, else `ERROR_INSUFFICIENT_BUFFER` (Wine for redirect policy, disable
    /// feature, autologon policy, websocket buffer sizes; redirect policy ±1 is tested).
    Dword122,
    /// At least 4 bytes, else `ERROR_INSUFFICIENT_BUFFER` (security flags).
    AtLeastDword122,
    /// Exactly 4 bytes, else `ERROR_INVALID_PARAMETER` (max redirects, enable feature).
    Dword87,
    /// Exactly a pointer, else `ERROR_INSUFFICIENT_BUFFER` (context value, WH-R16).
    Pointer122,
    /// At least a pointer, else `ERROR_INVALID_PARAMETER` (client certificate).
    AtLeastPointer87,
    /// Any length (strings: the length is the WCHAR count; structures).
    Any,
}

/// One entry of the option catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// The `WINHTTP_OPTION_*` number.
    pub id: u32,
    /// The constant's name, for traces.
    pub name: &'static str,
    /// The buffer's C type.
    pub kind: ValueKind,
    /// Handle kinds (and NULL) a query is valid on; empty = set-only.
    pub query: Kinds,
    /// Handle kinds (and NULL) a set is valid on; empty = query-only.
    pub set: Kinds,
    /// The set buffer-length rule.
    pub set_size: SetSize,
}

const S: Kinds = Kinds::SESSION;
const C: Kinds = Kinds::CONNECT;
const R: Kinds = Kinds::REQUEST;
const W: Kinds = Kinds::WEBSOCKET;
const G: Kinds = Kinds::GLOBAL;
const NONE: Kinds = Kinds::NONE;

const fn entry(
    id: u32,
    name: &'static str,
    kind: ValueKind,
    query: Kinds,
    set: Kinds,
    set_size: SetSize,
) -> OptionSpec {
    OptionSpec {
        id,
        name,
        kind,
        query,
        set,
        set_size,
    }
}

use SetSize::{Any, AtLeastDword122, AtLeastPointer87, Dword122, Dword87, Pointer122};
use ValueKind::{Bytes, Dword, NoBuffer, Pointer, Proxy, Struct, Wide};

const CERT_INFO_SIZE: u32 = size_of::<WINHTTP_CERTIFICATE_INFO>() as u32;
/// `sizeof(WINHTTP_CONNECTION_INFO)` on 64-bit: `cbSize`, 4 bytes of padding, two
/// 128-byte `SOCKADDR_STORAGE`s (windows-sys only defines the type with its WinSock feature,
/// which this crate does not enable).
const CONNECTION_INFO_SIZE: u32 = 4 + 4 + 2 * 128;
const PROXY_INFO_SIZE: u32 = size_of::<WINHTTP_PROXY_INFO>() as u32;
const HTTP_VERSION_INFO_SIZE: u32 = size_of::<HTTP_VERSION_INFO>() as u32;

/// The option catalogue. Handle kinds and query/set columns follow Microsoft's option table
/// ("Option Flags", Remarks), corrected where Wine's conformance tests assert the Windows
/// behaviour: a connect handle answers the timeouts (WH-R12) and nothing else but the
/// generic options, the websocket buffer sizes live on sessions and requests (WH-R10), the
/// websocket close timeout and keep-alive interval on websocket handles.
#[rustfmt::skip]
pub const CATALOGUE: &[OptionSpec] = &[
    entry(WINHTTP_OPTION_CALLBACK, "CALLBACK", Pointer, S.or(R), S.or(R), Any),
    entry(WINHTTP_OPTION_RESOLVE_TIMEOUT, "RESOLVE_TIMEOUT", Dword, S.or(C).or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_CONNECT_TIMEOUT, "CONNECT_TIMEOUT", Dword, S.or(C).or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_CONNECT_RETRIES, "CONNECT_RETRIES", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_SEND_TIMEOUT, "SEND_TIMEOUT", Dword, S.or(C).or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_RECEIVE_TIMEOUT, "RECEIVE_TIMEOUT", Dword, S.or(C).or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, "RECEIVE_RESPONSE_TIMEOUT", Dword, S.or(C).or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_HANDLE_TYPE, "HANDLE_TYPE", Dword, Kinds::ANY, NONE, Any),
    entry(WINHTTP_OPTION_READ_BUFFER_SIZE, "READ_BUFFER_SIZE", Dword, R, R, Dword122),
    entry(WINHTTP_OPTION_WRITE_BUFFER_SIZE, "WRITE_BUFFER_SIZE", Dword, R, R, Dword122),
    entry(WINHTTP_OPTION_PARENT_HANDLE, "PARENT_HANDLE", Pointer, S.or(C).or(R), NONE, Any),
    entry(WINHTTP_OPTION_EXTENDED_ERROR, "EXTENDED_ERROR", Dword, G.or(S).or(R), NONE, Any),
    entry(WINHTTP_OPTION_SECURITY_FLAGS, "SECURITY_FLAGS", Dword, R, R, AtLeastDword122),
    entry(WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, "SECURITY_CERTIFICATE_STRUCT", Struct(CERT_INFO_SIZE), R, NONE, Any),
    entry(WINHTTP_OPTION_URL, "URL", Wide, R, NONE, Any),
    entry(WINHTTP_OPTION_SECURITY_KEY_BITNESS, "SECURITY_KEY_BITNESS", Dword, R, NONE, Any),
    entry(WINHTTP_OPTION_PROXY, "PROXY", Proxy, G.or(S).or(R), S.or(R), Any),
    entry(WINHTTP_OPTION_USER_AGENT, "USER_AGENT", Wide, S, S, Any),
    entry(WINHTTP_OPTION_CONTEXT_VALUE, "CONTEXT_VALUE", Pointer, Kinds::ANY, Kinds::ANY, Pointer122),
    entry(WINHTTP_OPTION_CLIENT_CERT_CONTEXT, "CLIENT_CERT_CONTEXT", Pointer, NONE, R, AtLeastPointer87),
    entry(WINHTTP_OPTION_REQUEST_PRIORITY, "REQUEST_PRIORITY", Dword, R, R, Dword122),
    entry(WINHTTP_OPTION_HTTP_VERSION, "HTTP_VERSION", Struct(HTTP_VERSION_INFO_SIZE), G.or(S).or(R), G.or(S).or(R), Any),
    entry(WINHTTP_OPTION_DISABLE_FEATURE, "DISABLE_FEATURE", Dword, NONE, R, Dword122),
    entry(WINHTTP_OPTION_CODEPAGE, "CODEPAGE", Dword, NONE, S, Dword122),
    entry(WINHTTP_OPTION_MAX_CONNS_PER_SERVER, "MAX_CONNS_PER_SERVER", Dword, S, S, Dword122),
    entry(WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER, "MAX_CONNS_PER_1_0_SERVER", Dword, S, S, Dword122),
    entry(WINHTTP_OPTION_AUTOLOGON_POLICY, "AUTOLOGON_POLICY", Dword, NONE, R, Dword122),
    entry(WINHTTP_OPTION_SERVER_CERT_CONTEXT, "SERVER_CERT_CONTEXT", Pointer, R, NONE, Any),
    entry(WINHTTP_OPTION_ENABLE_FEATURE, "ENABLE_FEATURE", Dword, NONE, S.or(R), Dword87),
    entry(WINHTTP_OPTION_WORKER_THREAD_COUNT, "WORKER_THREAD_COUNT", Dword, Kinds::ANY, G, Dword122),
    entry(WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH, "CONFIGURE_PASSPORT_AUTH", Dword, NONE, S, Dword122),
    entry(WINHTTP_OPTION_SECURE_PROTOCOLS, "SECURE_PROTOCOLS", Dword, NONE, S, Dword122),
    entry(WINHTTP_OPTION_ENABLETRACING, "ENABLETRACING", Dword, G, G, Dword122),
    entry(WINHTTP_OPTION_REDIRECT_POLICY, "REDIRECT_POLICY", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, "MAX_HTTP_AUTOMATIC_REDIRECTS", Dword, S.or(R), S.or(R), Dword87),
    entry(WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, "MAX_HTTP_STATUS_CONTINUE", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, "MAX_RESPONSE_HEADER_SIZE", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE, "MAX_RESPONSE_DRAIN_SIZE", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_CONNECTION_INFO, "CONNECTION_INFO", Struct(CONNECTION_INFO_SIZE), R, NONE, Any),
    entry(WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, "UNLOAD_NOTIFY_EVENT", Pointer, NONE, S, Any),
    entry(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, "UPGRADE_TO_WEB_SOCKET", NoBuffer, NONE, R, Any),
    entry(WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, "WEB_SOCKET_CLOSE_TIMEOUT", Dword, W, W, Dword122),
    entry(WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, "WEB_SOCKET_KEEPALIVE_INTERVAL", Dword, W, W, Dword122),
    entry(WINHTTP_OPTION_DECOMPRESSION, "DECOMPRESSION", Dword, NONE, S.or(R), Dword122),
    entry(WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, "WEB_SOCKET_RECEIVE_BUFFER_SIZE", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, "WEB_SOCKET_SEND_BUFFER_SIZE", Dword, S.or(R), S.or(R), Dword122),
    entry(WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, "ENABLE_HTTP_PROTOCOL", Dword, NONE, S.or(R), Dword87),
    entry(WINHTTP_OPTION_HTTP_PROTOCOL_USED, "HTTP_PROTOCOL_USED", Dword, R, NONE, Any),
    entry(WINHTTP_OPTION_CONNECTION_STATS_V0, "CONNECTION_STATS_V0", Bytes, R, NONE, Any),
    entry(WINHTTP_OPTION_CONNECTION_STATS_V1, "CONNECTION_STATS_V1", Bytes, R, NONE, Any),
    entry(WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, "SERVER_CERT_CHAIN_CONTEXT", Pointer, R, NONE, Any),
    entry(WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, "ASSURED_NON_BLOCKING_CALLBACKS", Dword, NONE, S, Dword122),
    entry(WINHTTP_OPTION_REJECT_USERPWD_IN_URL, "REJECT_USERPWD_IN_URL", Dword, NONE, R, Dword122),
    entry(WINHTTP_OPTION_SPN, "SPN", Dword, NONE, R, Dword122),
    entry(WINHTTP_OPTION_USE_GLOBAL_SERVER_CREDENTIALS, "USE_GLOBAL_SERVER_CREDENTIALS", Dword, NONE, S.or(R), Dword122),
    entry(WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE, "RECEIVE_PROXY_CONNECT_RESPONSE", Dword, NONE, S.or(R), Dword122),
    entry(WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE, "IS_PROXY_CONNECT_RESPONSE", Dword, S.or(R), NONE, Any),
    entry(WINHTTP_OPTION_USERNAME, "USERNAME", Wide, R, R, Any),
    entry(WINHTTP_OPTION_PASSWORD, "PASSWORD", Wide, R, R, Any),
    entry(WINHTTP_OPTION_PROXY_USERNAME, "PROXY_USERNAME", Wide, R, R, Any),
    entry(WINHTTP_OPTION_PROXY_PASSWORD, "PROXY_PASSWORD", Wide, R, R, Any),
];

/// The catalogue entry of `option`, if WinHTTP knows it.
pub fn spec(option: u32) -> Option<&'static OptionSpec> {
    CATALOGUE.iter().find(|s| s.id == option)
}

/// A decoded option value: what a set passes in and what a query answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    /// A `DWORD`.
    Dword(u32),
    /// Pointer-sized bits (`DWORD_PTR`, a handle, a callback or certificate pointer).
    Pointer(u64),
    /// A wide string (no NUL).
    Wide(Vec<u16>),
    /// `WINHTTP_PROXY_INFO`.
    Proxy(ProxyInfo),
    /// `HTTP_VERSION_INFO`.
    HttpVersion {
        /// `dwMajorVersion`.
        major: u32,
        /// `dwMinorVersion`.
        minor: u32,
    },
    /// `WINHTTP_CONNECTION_INFO`.
    Connection(ConnectionInfo),
    /// Certificate information for `SECURITY_CERTIFICATE_STRUCT` / `SERVER_CERT_CONTEXT`:
    /// the DER certificates, leaf first, for the shim to wrap in its `CERT_CONTEXT`.
    Certificates(Vec<Vec<u8>>),
    /// Raw bytes (a set buffer that could not be decoded, or engine statistics).
    Bytes(Vec<u8>),
    /// No value (`UPGRADE_TO_WEB_SOCKET`).
    None,
}

impl OptionValue {
    /// Decodes a set buffer of `kind` from its bytes (little-endian); a buffer too short for
    /// its kind stays [`OptionValue::Bytes`], which the size rule rejects before the value is
    /// looked at. `Proxy` and `Struct` buffers hold pointers the shim must follow itself.
    pub fn decode(kind: ValueKind, bytes: &[u8]) -> OptionValue {
        match kind {
            ValueKind::Dword => match bytes.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) {
                Some(b) => OptionValue::Dword(u32::from_le_bytes(b)),
                None => OptionValue::Bytes(bytes.to_vec()),
            },
            ValueKind::Pointer => match bytes.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                Some(b) => OptionValue::Pointer(u64::from_le_bytes(b)),
                None => OptionValue::Bytes(bytes.to_vec()),
            },
            ValueKind::Wide => OptionValue::Wide(
                bytes
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect(),
            ),
            ValueKind::NoBuffer => OptionValue::None,
            ValueKind::Struct(_) | ValueKind::Proxy | ValueKind::Bytes => {
                OptionValue::Bytes(bytes.to_vec())
            }
        }
    }
}

/// `WINHTTP_PROXY_INFO` on Rust types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyInfo {
    /// `dwAccessType` (`WINHTTP_ACCESS_TYPE_*`).
    pub access_type: u32,
    /// `lpszProxy` (`None` = NULL).
    pub proxy: Option<Vec<u16>>,
    /// `lpszProxyBypass` (`None` = NULL).
    pub bypass: Option<Vec<u16>>,
}

/// A socket address of `WINHTTP_CONNECTION_INFO` (the shim writes it as a `SOCKADDR_STORAGE`).
pub type SocketAddress = std::net::SocketAddr;

/// `WINHTTP_CONNECTION_INFO`: the local and remote address of the request's connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// `LocalAddress`.
    pub local: SocketAddress,
    /// `RemoteAddress`.
    pub remote: SocketAddress,
}

/// A failed `WinHttpQueryOption`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// `ERROR_INSUFFICIENT_BUFFER`; `*lpdwBufferLength` is set to `required` bytes.
    InsufficientBuffer {
        /// Bytes needed.
        required: u32,
    },
    /// Any other failure; the length is left as it was.
    Code(u32),
}

impl QueryError {
    /// The Windows error code (`GetLastError`).
    pub fn code(&self) -> u32 {
        match self {
            QueryError::InsufficientBuffer { .. } => ERROR_INSUFFICIENT_BUFFER,
            QueryError::Code(code) => *code,
        }
    }
}

/// A successful `WinHttpQueryOption`: the value to write and the length to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryAnswer {
    /// The value.
    pub value: OptionValue,
    /// `*lpdwBufferLength` after the call, in bytes (strings: without the NUL).
    pub size: u32,
}

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
    fn get(&self, option: u32) -> Option<u32> {
        Some(match option {
            WINHTTP_OPTION_RESOLVE_TIMEOUT => self.resolve,
            WINHTTP_OPTION_CONNECT_TIMEOUT => self.connect,
            WINHTTP_OPTION_SEND_TIMEOUT => self.send,
            WINHTTP_OPTION_RECEIVE_TIMEOUT => self.receive,
            WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT => self.receive_response,
            _ => return None,
        })
    }

    fn slot(&mut self, option: u32) -> Option<&mut u32> {
        Some(match option {
            WINHTTP_OPTION_RESOLVE_TIMEOUT => &mut self.resolve,
            WINHTTP_OPTION_CONNECT_TIMEOUT => &mut self.connect,
            WINHTTP_OPTION_SEND_TIMEOUT => &mut self.send,
            WINHTTP_OPTION_RECEIVE_TIMEOUT => &mut self.receive,
            WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT => &mut self.receive_response,
            _ => return None,
        })
    }

    /// The receive-response timeout the wire layer should use: Wine's 21 s for "infinite".
    pub fn effective_receive_response(&self) -> u32 {
        if self.receive_response == u32::MAX {
            21_000
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
    /// configuration ([`super::proxy::get_default_proxy_configuration`]).
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
    /// the access type ([`super::proxy`]).
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
    fn kind(&self) -> Option<HandleKind> {
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
    fn kind(&self) -> Option<HandleKind> {
        match self {
            SetTarget::Global(_) => None,
            SetTarget::Session(_) => Some(HandleKind::Session),
            SetTarget::Connect(_) => Some(HandleKind::Connect),
            SetTarget::Request(_) => Some(HandleKind::Request),
            SetTarget::WebSocket(_) => Some(HandleKind::WebSocket),
        }
    }
}

fn dword(value: u32) -> Result<QueryAnswer, QueryError> {
    Ok(QueryAnswer {
        value: OptionValue::Dword(value),
        size: DWORD_SIZE,
    })
}

fn pointer(value: u64) -> Result<QueryAnswer, QueryError> {
    Ok(QueryAnswer {
        value: OptionValue::Pointer(value),
        size: POINTER_SIZE,
    })
}

fn lookup(dwords: &[(u32, u32)], option: u32, default: u32) -> u32 {
    dwords
        .iter()
        .rev()
        .find(|(id, _)| *id == option)
        .map_or(default, |(_, v)| *v)
}

fn store(dwords: &mut Vec<(u32, u32)>, option: u32, value: u32) {
    dwords.retain(|(id, _)| *id != option);
    dwords.push((option, value));
}

/// Bytes a wide string answer needs: the text and its NUL.
fn wide_required(text: &[u16]) -> u32 {
    u32::try_from(text.len().saturating_add(1).saturating_mul(2)).unwrap_or(u32::MAX)
}

/// Default values of the plain `DWORD` options kept in the `dwords` lists, as Microsoft
/// documents them (retries 5, informational responses 10, header bound 64 KB, drain bound
/// 1 MB); the deprecated read/write buffer sizes answer what was set, 0 before.
fn dword_default(option: u32) -> u32 {
    match option {
        WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE => 10,
        WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE => 64 * 1024,
        WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE => 1024 * 1024,
        WINHTTP_OPTION_CONNECT_RETRIES => 5,
        _ => 0,
    }
}

/// `WinHttpQueryOption(handle, option, buffer, &len)` where `buffer_len` is `None` for a
/// NULL length pointer and `Some(0)` for a NULL buffer. See the module documentation for
/// the check order.
pub fn query_option(
    target: QueryTarget<'_>,
    option: u32,
    buffer_len: Option<u32>,
) -> Result<QueryAnswer, QueryError> {
    let capacity = buffer_len.ok_or(QueryError::Code(ERROR_INVALID_PARAMETER))?;
    let spec = spec(option).ok_or(QueryError::Code(ERROR_INVALID_PARAMETER))?;
    if spec.query.is_empty() {
        return Err(QueryError::Code(ERROR_INVALID_PARAMETER));
    }
    if !spec.query.contains(target.kind()) {
        return Err(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
    }
    // Fixed-size values: the buffer is checked before the state (Wine `validate_buffer`
    // comes first, so a short buffer reports the size even with no connection yet).
    let fixed = match spec.kind {
        ValueKind::Dword => Some(DWORD_SIZE),
        ValueKind::Pointer => Some(POINTER_SIZE),
        ValueKind::Struct(size) => Some(size),
        ValueKind::Proxy => Some(PROXY_INFO_SIZE),
        ValueKind::Wide | ValueKind::Bytes | ValueKind::NoBuffer => None,
    };
    if let Some(required) = fixed.filter(|&required| capacity < required) {
        return Err(QueryError::InsufficientBuffer { required });
    }
    let answer = answer(target, option)?;
    let required = match &answer.value {
        OptionValue::Wide(text) => wide_required(text),
        _ => answer.size,
    };
    if capacity < required {
        return Err(QueryError::InsufficientBuffer { required });
    }
    Ok(answer)
}

fn wide_answer(text: Option<&[u16]>) -> Result<QueryAnswer, QueryError> {
    let text = text.unwrap_or(&[]).to_vec();
    let size = u32::try_from(text.len().saturating_mul(2)).unwrap_or(u32::MAX);
    Ok(QueryAnswer {
        value: OptionValue::Wide(text),
        size,
    })
}

fn request_answer(request: &RequestOptions, option: u32) -> Result<QueryAnswer, QueryError> {
    let facts = &request.connection;
    match option {
        WINHTTP_OPTION_PARENT_HANDLE => pointer(request.parent),
        WINHTTP_OPTION_SECURITY_FLAGS => {
            let mut flags = request.security_flags;
            if let Some(bits) = facts.cipher_bits {
                flags |= if bits >= 128 {
                    SECURITY_FLAG_STRENGTH_STRONG
                } else if bits >= 56 {
                    SECURITY_FLAG_STRENGTH_MEDIUM
                } else {
                    SECURITY_FLAG_STRENGTH_WEAK
                };
            }
            dword(flags)
        }
        WINHTTP_OPTION_SECURITY_KEY_BITNESS => dword(facts.cipher_bits.unwrap_or(0)),
        WINHTTP_OPTION_SERVER_CERT_CONTEXT
        | WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT
        | WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT => {
            // Without a certificate there is nothing to answer; Windows fails the query on
            // a request that has no TLS connection (the exact code is not asserted by Wine's
            // tests; 12019 is the one WinHTTP uses for "not in that state yet").
            let certs = facts
                .server_certificates
                .clone()
                .ok_or(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_STATE))?;
            let size = match spec(option).map(|s| s.kind) {
                Some(ValueKind::Struct(size)) => size,
                _ => POINTER_SIZE,
            };
            Ok(QueryAnswer {
                value: OptionValue::Certificates(certs),
                size,
            })
        }
        WINHTTP_OPTION_CONNECTION_INFO => {
            let info = facts
                .info
                .ok_or(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_STATE))?;
            Ok(QueryAnswer {
                value: OptionValue::Connection(info),
                size: CONNECTION_INFO_SIZE,
            })
        }
        WINHTTP_OPTION_USERNAME => wide_answer(request.username.as_deref()),
        WINHTTP_OPTION_PASSWORD => wide_answer(request.password.as_deref()),
        WINHTTP_OPTION_PROXY_USERNAME => wide_answer(request.proxy_username.as_deref()),
        WINHTTP_OPTION_PROXY_PASSWORD => wide_answer(request.proxy_password.as_deref()),
        WINHTTP_OPTION_URL => wide_answer(Some(&request.url)),
        WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => dword(request.max_redirects),
        WINHTTP_OPTION_REDIRECT_POLICY => dword(request.redirect_policy),
        WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
            dword(request.websocket_receive_buffer_size)
        }
        WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => dword(request.websocket_send_buffer_size),
        WINHTTP_OPTION_HTTP_PROTOCOL_USED => dword(0),
        WINHTTP_OPTION_EXTENDED_ERROR => dword(facts.extended_error),
        WINHTTP_OPTION_CALLBACK => pointer(request.callback),
        WINHTTP_OPTION_PROXY => Ok(QueryAnswer {
            value: OptionValue::Proxy(request.proxy.clone().unwrap_or_default()),
            size: PROXY_INFO_SIZE,
        }),
        WINHTTP_OPTION_HTTP_VERSION => http_version(request.http_version),
        WINHTTP_OPTION_CONNECTION_STATS_V0 | WINHTTP_OPTION_CONNECTION_STATS_V1 => {
            // The engine does not record TCP statistics.
            Err(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_STATE))
        }
        _ => match request.timeouts.get(option) {
            Some(value) => dword(value),
            None => dword(lookup(&request.dwords, option, dword_default(option))),
        },
    }
}

fn http_version(version: Option<(u32, u32)>) -> Result<QueryAnswer, QueryError> {
    let (major, minor) = version.unwrap_or((1, 1));
    Ok(QueryAnswer {
        value: OptionValue::HttpVersion { major, minor },
        size: HTTP_VERSION_INFO_SIZE,
    })
}

fn session_answer(session: &SessionOptions, option: u32) -> Result<QueryAnswer, QueryError> {
    match option {
        WINHTTP_OPTION_REDIRECT_POLICY => dword(session.redirect_policy),
        WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
            dword(session.websocket_receive_buffer_size)
        }
        WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => dword(session.websocket_send_buffer_size),
        WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => dword(session.max_redirects),
        WINHTTP_OPTION_PARENT_HANDLE => pointer(0),
        WINHTTP_OPTION_SECURE_PROTOCOLS => dword(session.secure_protocols),
        WINHTTP_OPTION_MAX_CONNS_PER_SERVER => dword(session.max_conns_per_server),
        WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER => dword(session.max_conns_per_1_0_server),
        WINHTTP_OPTION_USER_AGENT => wide_answer(session.user_agent.as_deref()),
        WINHTTP_OPTION_CALLBACK => pointer(session.callback),
        WINHTTP_OPTION_PROXY => Ok(QueryAnswer {
            value: OptionValue::Proxy(session.proxy.clone()),
            size: PROXY_INFO_SIZE,
        }),
        WINHTTP_OPTION_HTTP_VERSION => http_version(session.http_version),
        WINHTTP_OPTION_EXTENDED_ERROR => dword(0),
        _ => match session.timeouts.get(option) {
            Some(value) => dword(value),
            None => dword(lookup(&session.dwords, option, dword_default(option))),
        },
    }
}

fn answer(target: QueryTarget<'_>, option: u32) -> Result<QueryAnswer, QueryError> {
    // Options every handle kind answers the same way.
    match (option, target.kind()) {
        (WINHTTP_OPTION_HANDLE_TYPE, Some(kind)) => return dword(kind.handle_type()),
        (WINHTTP_OPTION_WORKER_THREAD_COUNT, Some(_)) => return dword(0),
        _ => {}
    }
    match target {
        QueryTarget::Global(global) => match option {
            WINHTTP_OPTION_ENABLETRACING => dword(global.enable_tracing),
            WINHTTP_OPTION_EXTENDED_ERROR => dword(global.extended_error),
            WINHTTP_OPTION_PROXY => Ok(QueryAnswer {
                value: OptionValue::Proxy(global.default_proxy.clone()),
                size: PROXY_INFO_SIZE,
            }),
            WINHTTP_OPTION_HTTP_VERSION => http_version(global.http_version),
            _ => Err(QueryError::Code(ERROR_INVALID_PARAMETER)),
        },
        QueryTarget::Session(session) => {
            if option == WINHTTP_OPTION_CONTEXT_VALUE {
                return pointer(session.context);
            }
            session_answer(session, option)
        }
        QueryTarget::Connect { connect, session } => match option {
            WINHTTP_OPTION_CONTEXT_VALUE => pointer(connect.context),
            WINHTTP_OPTION_PARENT_HANDLE => pointer(connect.parent),
            WINHTTP_OPTION_CALLBACK => pointer(connect.callback),
            WINHTTP_OPTION_EXTENDED_ERROR => dword(0),
            // Timeouts: the session's current values (WH-R12).
            _ => session
                .timeouts
                .get(option)
                .map_or(Err(QueryError::Code(ERROR_INVALID_PARAMETER)), dword),
        },
        QueryTarget::Request(request) => {
            if option == WINHTTP_OPTION_CONTEXT_VALUE {
                return pointer(request.context);
            }
            request_answer(request, option)
        }
        QueryTarget::WebSocket(socket) => match option {
            WINHTTP_OPTION_CONTEXT_VALUE => pointer(socket.context),
            WINHTTP_OPTION_CALLBACK => pointer(socket.callback),
            WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT => dword(socket.close_timeout),
            WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL => dword(socket.keepalive_interval),
            WINHTTP_OPTION_EXTENDED_ERROR => dword(0),
            _ => Err(QueryError::Code(ERROR_INVALID_PARAMETER)),
        },
    }
}

fn check_size(rule: SetSize, len: u32) -> Result<(), u32> {
    let ok_or = |ok: bool, code: u32| if ok { Ok(()) } else { Err(code) };
    match rule {
        SetSize::Dword122 => ok_or(len == DWORD_SIZE, ERROR_INSUFFICIENT_BUFFER),
        SetSize::AtLeastDword122 => ok_or(len >= DWORD_SIZE, ERROR_INSUFFICIENT_BUFFER),
        SetSize::Dword87 => ok_or(len == DWORD_SIZE, ERROR_INVALID_PARAMETER),
        SetSize::Pointer122 => ok_or(len == POINTER_SIZE, ERROR_INSUFFICIENT_BUFFER),
        SetSize::AtLeastPointer87 => ok_or(len >= POINTER_SIZE, ERROR_INVALID_PARAMETER),
        SetSize::Any => Ok(()),
    }
}

fn want_dword(value: Option<&OptionValue>) -> Result<u32, u32> {
    match value {
        Some(OptionValue::Dword(v)) => Ok(*v),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_pointer(value: Option<&OptionValue>) -> Result<u64, u32> {
    match value {
        Some(OptionValue::Pointer(v)) => Ok(*v),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

/// A wide string set: the buffer length is the WCHAR count; a NUL inside ends the string.
fn want_wide(value: Option<&OptionValue>, len: u32) -> Result<Vec<u16>, u32> {
    match value {
        Some(OptionValue::Wide(text)) => {
            let count = usize::try_from(len).unwrap_or(usize::MAX).min(text.len());
            let text = &text[..count];
            let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
            Ok(text[..end].to_vec())
        }
        None => Ok(Vec::new()),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_proxy(value: Option<&OptionValue>) -> Result<ProxyInfo, u32> {
    match value {
        Some(OptionValue::Proxy(info)) => {
            super::proxy::validate_proxy_info(info)?;
            Ok(info.clone())
        }
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_version(value: Option<&OptionValue>) -> Result<(u32, u32), u32> {
    match value {
        Some(OptionValue::HttpVersion { major, minor }) => Ok((*major, *minor)),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

/// Value checks shared by session and request sets.
fn validate_dword(option: u32, value: u32) -> Result<(), u32> {
    match option {
        // Three policies exist; Wine stores any value, Windows rejects one it does not know
        // (not asserted by Wine's tests — see the report).
        WINHTTP_OPTION_REDIRECT_POLICY if value > WINHTTP_OPTION_REDIRECT_POLICY_LAST => {
            Err(ERROR_INVALID_PARAMETER)
        }
        // Documented: below 15 s (WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE) → 87.
        WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL
            if value < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE =>
        {
            Err(ERROR_INVALID_PARAMETER)
        }
        _ => Ok(()),
    }
}

/// `WinHttpSetOption(handle, option, buffer, len)`: `value` is the decoded buffer (`None` =
/// NULL; see [`OptionValue::decode`]) and `len` the caller's length (bytes, or WCHARs for
/// strings). On failure nothing changed. See the module documentation for the check order.
pub fn set_option(
    target: SetTarget<'_>,
    option: u32,
    value: Option<&OptionValue>,
    len: u32,
) -> Result<(), u32> {
    if value.is_none() && len != 0 {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let kind = target.kind();
    if option == WINHTTP_OPTION_CONTEXT_VALUE && kind.is_some() {
        check_size(SetSize::Pointer122, len)?;
        let context = want_pointer(value)?;
        match target {
            SetTarget::Session(s) => s.context = context,
            SetTarget::Connect(c) => c.context = context,
            SetTarget::Request(r) => r.context = context,
            SetTarget::WebSocket(w) => w.context = context,
            SetTarget::Global(_) => {}
        }
        return Ok(());
    }
    let spec = spec(option).ok_or(ERROR_WINHTTP_INVALID_OPTION)?;
    if kind == Some(HandleKind::Connect) {
        return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    if spec.set.is_empty() {
        return Err(ERROR_WINHTTP_OPTION_NOT_SETTABLE);
    }
    if !spec.set.contains(kind) {
        return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    if option == WINHTTP_OPTION_CLIENT_CERT_CONTEXT {
        // Wine checks the state first and lets a NULL buffer clear the certificate
        // whatever the length (WH-R29).
        if let SetTarget::Request(request) = &target {
            if request.flags & WINHTTP_FLAG_SECURE == 0 {
                return Err(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
            }
        }
    }
    if !(option == WINHTTP_OPTION_CLIENT_CERT_CONTEXT && value.is_none()) {
        check_size(spec.set_size, len)?;
    }
    match target {
        SetTarget::Global(global) => match option {
            WINHTTP_OPTION_ENABLETRACING => global.enable_tracing = want_dword(value)?,
            WINHTTP_OPTION_WORKER_THREAD_COUNT => global.worker_thread_count = want_dword(value)?,
            WINHTTP_OPTION_HTTP_VERSION => global.http_version = Some(want_version(value)?),
            _ => return Err(ERROR_WINHTTP_INVALID_OPTION),
        },
        SetTarget::Session(session) => set_session(session, option, value, len)?,
        SetTarget::Request(request) => set_request(request, option, value, len)?,
        SetTarget::WebSocket(socket) => {
            let v = want_dword(value)?;
            validate_dword(option, v)?;
            match option {
                WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT => socket.close_timeout = v,
                WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL => socket.keepalive_interval = v,
                _ => return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
            }
        }
        SetTarget::Connect(_) => return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
    }
    Ok(())
}

fn set_session(
    session: &mut SessionOptions,
    option: u32,
    value: Option<&OptionValue>,
    len: u32,
) -> Result<(), u32> {
    match option {
        WINHTTP_OPTION_USER_AGENT => session.user_agent = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY => session.proxy = want_proxy(value)?,
        WINHTTP_OPTION_CALLBACK => session.callback = want_pointer(value)?,
        WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT => session.unload_event = want_pointer(value)?,
        WINHTTP_OPTION_HTTP_VERSION => session.http_version = Some(want_version(value)?),
        _ => {
            let v = want_dword(value)?;
            validate_dword(option, v)?;
            match option {
                WINHTTP_OPTION_REDIRECT_POLICY => session.redirect_policy = v,
                WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
                    session.websocket_receive_buffer_size = v
                }
                WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => {
                    session.websocket_send_buffer_size = v
                }
                WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => session.max_redirects = v,
                WINHTTP_OPTION_ENABLE_FEATURE => {
                    // Only the impersonation feature is a session one (Microsoft's table).
                    if v != WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    let old = lookup(&session.dwords, option, 0);
                    store(&mut session.dwords, option, old | v);
                }
                WINHTTP_OPTION_SECURE_PROTOCOLS => session.secure_protocols = v,
                WINHTTP_OPTION_MAX_CONNS_PER_SERVER => session.max_conns_per_server = v,
                WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER => session.max_conns_per_1_0_server = v,
                _ => match session.timeouts.slot(option) {
                    Some(slot) => *slot = v,
                    None => store(&mut session.dwords, option, v),
                },
            }
        }
    }
    Ok(())
}

fn set_request(
    request: &mut RequestOptions,
    option: u32,
    value: Option<&OptionValue>,
    len: u32,
) -> Result<(), u32> {
    match option {
        WINHTTP_OPTION_USERNAME => request.username = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PASSWORD => request.password = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY_USERNAME => request.proxy_username = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY_PASSWORD => request.proxy_password = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY => request.proxy = Some(want_proxy(value)?),
        WINHTTP_OPTION_CALLBACK => request.callback = want_pointer(value)?,
        WINHTTP_OPTION_HTTP_VERSION => request.http_version = Some(want_version(value)?),
        // NULL/0 is the documented call; any buffer is ignored (WH-R37).
        WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET => request.websocket_upgrade = true,
        WINHTTP_OPTION_CLIENT_CERT_CONTEXT => {
            // Only a secure request takes a client certificate (WH-R29); NULL clears it.
            if request.flags & WINHTTP_FLAG_SECURE == 0 {
                return Err(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
            }
            request.client_cert = match value {
                None => None,
                Some(_) => Some(want_pointer(value)?),
            };
        }
        _ => {
            let v = want_dword(value)?;
            validate_dword(option, v)?;
            match option {
                WINHTTP_OPTION_DISABLE_FEATURE => request.disable_flags |= v,
                WINHTTP_OPTION_ENABLE_FEATURE => {
                    if v != WINHTTP_ENABLE_SSL_REVOCATION {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    request.check_revocation = true;
                }
                WINHTTP_OPTION_SECURITY_FLAGS => {
                    if v & !SETTABLE_SECURITY_FLAGS != 0 {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    request.security_flags = v;
                }
                WINHTTP_OPTION_AUTOLOGON_POLICY => request.autologon_policy = v,
                WINHTTP_OPTION_REDIRECT_POLICY => request.redirect_policy = v,
                WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => request.max_redirects = v,
                WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
                    request.websocket_receive_buffer_size = v
                }
                WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => {
                    request.websocket_send_buffer_size = v
                }
                _ => match request.timeouts.slot(option) {
                    Some(slot) => *slot = v,
                    None => store(&mut request.dwords, option, v),
                },
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
