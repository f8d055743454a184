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
//! Layout: this file holds the catalogue and the value types; `stores` the per-handle stores
//! and timeouts, `query` the query path, `set` the set path.
//!
//! Invariants: a failed set changes nothing; a query never reports a size smaller than the
//! value it would write; pointer-sized values are 8 bytes (the 64-bit ABI).

use std::mem::size_of;

use windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER;
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

mod query;
mod set;
mod stores;

pub use query::query_option;
pub use set::set_option;
pub use stores::{
    set_timeouts, validate_set_timeouts, ConnectOptions, ConnectionFacts, GlobalOptions,
    QueryTarget, RequestOptions, SessionOptions, SetTarget, Timeouts, WebSocketOptions,
    DEFAULT_RECEIVE_RESPONSE_TIMEOUT_MS, DEFAULT_WEBSOCKET_BUFFER_SIZE,
};

#[cfg(test)]
mod tests;
