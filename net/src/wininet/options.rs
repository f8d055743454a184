//! `InternetQueryOption` / `InternetSetOption` as data and pure checks.
//!
//! This module owns:
//!
//! * the **catalogue** ([`CATALOGUE`], [`spec`]): for every `INTERNET_OPTION_*` the typed API
//!   serves, which handle kinds (and whether the NULL handle) accept it for query and for set,
//!   the value type, the set buffer-length rule, and whether the value lives in the store or
//!   is answered by the engine ([`Route`]: the callback, the cache stream handle, the
//!   certificate texts, and the set-only "actions" such as `SETTINGS_CHANGED`);
//! * the **stores** ([`GlobalOptions`] for the NULL handle, [`HandleOptions`] per handle) with
//!   WinINet's inheritance: `InternetOpen` takes the process-wide timeouts, and every child
//!   takes a snapshot of its parent's timeouts when it is created; later changes on either
//!   side do not propagate (WI-R16). Contexts are never inherited (WI-R13).
//!
//! Check order of a query ([`query_option`]): NULL length pointer → 87; `POLICY` → 87;
//! unknown option → 12009; `MAX_CONNS_*` on a handle → 12016; set-only option → 12009;
//! NULL handle with a per-handle option → 12018 and the length set to 0 (Wine
//! `test_InternetQueryOptionA`); handle kind not accepted → 12018, length untouched; state
//! (no certificate yet → 12016 / 12019, no cache file → 12028); buffer too small or absent →
//! `ERROR_INSUFFICIENT_BUFFER` with the required size (strings: with their terminator; on
//! success the length is without it).
//!
//! Check order of a set ([`set_option`]): unknown option → 12009; `POLICY` → 87;
//! `MAX_CONNS_*` on a handle → 12016; query-only option → 12018 on the NULL handle when the
//! NULL handle cannot query it either, else 12011 (`CALLBACK`: 12011 on a handle, 12018 on
//! NULL, WI-R14); option that is not process-wide on the NULL handle → 12018; handle kind not
//! accepted → 12018 (`REFRESH` on connect/request); NULL buffer → 87; length rule → 12010
//! (`ERROR_INTERNET_BAD_OPTION_LENGTH`) or 87; value check → 87 / 160.
//!
//! Handle lookup is the caller's: for `InternetSetOption` a NULL *or stale* handle is a
//! [`SetTarget::Global`] (WI-R10), for `InternetQueryOption` a stale handle is `ERROR_INVALID_HANDLE`
//! before this module is asked.
//!
//! Invariants: a failed set changes nothing; a query never reports a length smaller than the
//! value it would write; pointer-sized values are 8 bytes (the 64-bit ABI).

use std::mem::size_of;

use windows_sys::Win32::Foundation::{
    ERROR_BAD_ARGUMENTS, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER,
};
use windows_sys::Win32::Networking::WinHttp::{
    SECURITY_FLAG_IGNORE_CERT_CN_INVALID, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID,
    SECURITY_FLAG_IGNORE_UNKNOWN_CA, SECURITY_FLAG_SECURE, SECURITY_FLAG_STRENGTH_MEDIUM,
    SECURITY_FLAG_STRENGTH_STRONG, SECURITY_FLAG_STRENGTH_WEAK,
};
use windows_sys::Win32::Networking::WinInet::*;

use super::{Charset, HandleKind};

/// Size of a pointer (`DWORD_PTR`, `HINTERNET`, a callback) on the 64-bit ABI.
pub const POINTER_SIZE: u32 = 8;

/// Size of a `DWORD`.
pub const DWORD_SIZE: u32 = 4;

/// `sizeof(INTERNET_VERSION_INFO)` and `sizeof(HTTP_VERSION_INFO)`: two `DWORD`s.
pub const VERSION_INFO_SIZE: u32 = 8;

/// `sizeof(INTERNET_CONNECTED_INFO)`: two `DWORD`s.
pub const CONNECTED_INFO_SIZE: u32 = 8;

const PROXY_INFO_SIZE: u32 = size_of::<INTERNET_PROXY_INFO>() as u32;
const CERTIFICATE_INFO_SIZE: u32 = size_of::<INTERNET_CERTIFICATE_INFO>() as u32;

/// The `IGNORE_*` security flags a set keeps; other bits of the value are dropped, as Wine's
/// `HTTPREQ_SetOption` masks them (`SECURITY_SET_MASK`).
pub const SETTABLE_SECURITY_FLAGS: u32 = SECURITY_FLAG_IGNORE_REVOCATION
    | SECURITY_FLAG_IGNORE_UNKNOWN_CA
    | SECURITY_FLAG_IGNORE_CERT_CN_INVALID
    | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID
    | SECURITY_FLAG_IGNORE_WRONG_USAGE;

/// The `INTERNET_ERROR_MASK_*` bits `INTERNET_OPTION_ERROR_MASK` accepts; a value with any
/// other bit (4 = `NEED_MSN_SSPI_PKG`, 16) → 87 (Wine `test_InternetSetOption`).
pub const SETTABLE_ERROR_MASK: u32 = INTERNET_ERROR_MASK_INSERT_CDROM
    | INTERNET_ERROR_MASK_COMBINED_SEC_CERT
    | INTERNET_ERROR_MASK_LOGIN_FAILURE_DISPLAY_ENTITY_BODY;

/// `SECURITY_FLAGS` bit reporting a failed revocation check of the server's certificate.
/// Undocumented (not in windows-sys); the value Wine's `http.c` tests use.
pub const SECURITY_FLAG_CERT_REV_FAILED: u32 = 0x0080_0000;
/// `SECURITY_FLAGS` bit reporting an untrusted certificate authority (undocumented, Wine tests).
pub const SECURITY_FLAG_CERT_INVALID_CA: u32 = 0x0100_0000;
/// `SECURITY_FLAGS` bit reporting a certificate name mismatch (undocumented, Wine tests).
pub const SECURITY_FLAG_CERT_INVALID_CN: u32 = 0x0200_0000;
/// `SECURITY_FLAGS` bit reporting an expired or not yet valid certificate (undocumented,
/// Wine tests).
pub const SECURITY_FLAG_CERT_INVALID_DATE: u32 = 0x0400_0000;

/// A set of handle kinds (and the NULL handle) as a small bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kinds(u8);

impl Kinds {
    /// No handle.
    pub const NONE: Kinds = Kinds(0);
    /// `InternetOpen` handles.
    pub const ROOT: Kinds = Kinds(1);
    /// `InternetConnect` handles (every service).
    pub const CONNECT: Kinds = Kinds(2);
    /// HTTP request handles.
    pub const REQUEST: Kinds = Kinds(4);
    /// FTP find and file handles.
    pub const FTP: Kinds = Kinds(8);
    /// Gopher find and file handles.
    pub const GOPHER: Kinds = Kinds(16);
    /// The NULL handle (process-wide options).
    pub const GLOBAL: Kinds = Kinds(32);
    /// Every handle kind (not the NULL handle).
    pub const ANY: Kinds = Kinds(1 | 2 | 4 | 8 | 16);

    /// Union of two sets.
    pub const fn or(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// Whether `target` is in the set (`None` = the NULL handle).
    pub fn contains(self, target: Option<HandleKind>) -> bool {
        let bit = match target {
            None => Kinds::GLOBAL,
            Some(HandleKind::Root) => Kinds::ROOT,
            Some(k) if k.is_connect() => Kinds::CONNECT,
            Some(HandleKind::HttpRequest) => Kinds::REQUEST,
            Some(HandleKind::FtpFind | HandleKind::FtpFile) => Kinds::FTP,
            Some(_) => Kinds::GOPHER,
        };
        self.0 & bit.0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The C type behind an option's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A `DWORD` (or a `BOOL`).
    Dword,
    /// A pointer-sized value (`DWORD_PTR`, `HINTERNET`, a callback, a `PCCERT_CHAIN_CONTEXT`).
    Pointer,
    /// A string in the entry point's character set.
    Text,
    /// A structure of this many bytes (64-bit layout).
    Struct(u32),
    /// No buffer (`NULL`, 0): the option is an action.
    NoBuffer,
    /// A structure only the engine reads or writes (`INTERNET_PER_CONN_OPTION_LIST`).
    Opaque,
    /// `INTERNET_PROXY_INFO` followed by its two strings: the required length counts them.
    Proxy,
}

/// The buffer-length rule of a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetSize {
    /// Exactly 4 bytes, else `ERROR_INTERNET_BAD_OPTION_LENGTH` (12010): `ERROR_MASK` with
    /// length 20, `MAX_CONNS_PER_SERVER` with 3 and 5 (Wine tests).
    Dword12010,
    /// Exactly 4 bytes, else `ERROR_INVALID_PARAMETER` (security flags, as Wine).
    Dword87,
    /// Exactly a pointer, else `ERROR_INVALID_PARAMETER` (`CONTEXT_VALUE`, WI-R13).
    Pointer87,
    /// Exactly this many bytes, else 12010.
    Exact12010(u32),
    /// Any length (strings: the length is in characters; structures the engine reads).
    Any,
}

/// Who answers an option once the generic checks have passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The option stores ([`GlobalOptions`], [`HandleOptions`]).
    Store,
    /// The engine: the status callback (its pointer and A/W flag live with the handle's
    /// notification state), the cache stream handle, certificate texts, per-connection proxy
    /// lists, and the set-only actions ([`EngineAction`]).
    Engine,
}

/// One entry of the option catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// The `INTERNET_OPTION_*` number.
    pub id: u32,
    /// The constant's name, for traces.
    pub name: &'static str,
    /// The buffer's C type.
    pub kind: ValueKind,
    /// Handle kinds (and NULL) a query is valid on; empty = set-only (or unsupported).
    pub query: Kinds,
    /// Handle kinds (and NULL) a set is valid on; empty = query-only (or unsupported).
    pub set: Kinds,
    /// The set buffer-length rule.
    pub set_size: SetSize,
    /// Who answers.
    pub route: Route,
}

const fn entry(
    id: u32,
    name: &'static str,
    kind: ValueKind,
    query: Kinds,
    set: Kinds,
    set_size: SetSize,
    route: Route,
) -> OptionSpec {
    OptionSpec {
        id,
        name,
        kind,
        query,
        set,
        set_size,
        route,
    }
}

const R: Kinds = Kinds::ROOT;
const C: Kinds = Kinds::CONNECT;
const Q: Kinds = Kinds::REQUEST;
const F: Kinds = Kinds::FTP;
const G: Kinds = Kinds::GOPHER;
const N: Kinds = Kinds::GLOBAL;
const A: Kinds = Kinds::ANY;
const NONE: Kinds = Kinds::NONE;

use Route::{Engine, Store};
use SetSize::{Any, Dword12010, Dword87, Exact12010, Pointer87};
use ValueKind::{Dword, NoBuffer, Opaque, Pointer, Proxy, Struct, Text};

/// The option catalogue. Columns follow Microsoft's option-flag table, corrected where Wine's
/// conformance tests assert what Windows does: timeouts on every handle and on NULL (WI-R16),
/// `USER_AGENT` only on the root, `REQUEST_FLAGS` only on requests, `MAX_CONNS_*` only on
/// NULL, `ERROR_MASK` and `CONTEXT_VALUE` never on NULL, `REFRESH` on NULL and the root only,
/// `SETTINGS_CHANGED` anywhere. `ASYNC`, `ASYNC_PRIORITY`, `KEEP_CONNECTION` and
/// `OFFLINE_MODE` are documented as not implemented: both columns are empty (→ 12009).
#[rustfmt::skip]
pub const CATALOGUE: &[OptionSpec] = &[
    entry(INTERNET_OPTION_CALLBACK, "CALLBACK", Pointer, A, NONE, Any, Engine),
    entry(INTERNET_OPTION_CONNECT_TIMEOUT, "CONNECT_TIMEOUT", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_CONNECT_RETRIES, "CONNECT_RETRIES", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_CONNECT_BACKOFF, "CONNECT_BACKOFF", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_SEND_TIMEOUT, "SEND_TIMEOUT", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_RECEIVE_TIMEOUT, "RECEIVE_TIMEOUT", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_DATA_SEND_TIMEOUT, "DATA_SEND_TIMEOUT", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_DATA_RECEIVE_TIMEOUT, "DATA_RECEIVE_TIMEOUT", Dword, A.or(N), A.or(N), Dword12010, Store),
    entry(INTERNET_OPTION_HANDLE_TYPE, "HANDLE_TYPE", Dword, A, NONE, Any, Store),
    entry(INTERNET_OPTION_READ_BUFFER_SIZE, "READ_BUFFER_SIZE", Dword, C.or(Q).or(F), C.or(Q).or(F), Dword12010, Store),
    entry(INTERNET_OPTION_WRITE_BUFFER_SIZE, "WRITE_BUFFER_SIZE", Dword, C.or(Q).or(F), C.or(Q).or(F), Dword12010, Store),
    entry(INTERNET_OPTION_ASYNC_PRIORITY, "ASYNC_PRIORITY", Dword, NONE, NONE, Any, Store),
    entry(INTERNET_OPTION_PARENT_HANDLE, "PARENT_HANDLE", Pointer, A, NONE, Any, Store),
    entry(INTERNET_OPTION_KEEP_CONNECTION, "KEEP_CONNECTION", Dword, NONE, NONE, Any, Store),
    entry(INTERNET_OPTION_REQUEST_FLAGS, "REQUEST_FLAGS", Dword, Q, NONE, Any, Store),
    entry(INTERNET_OPTION_EXTENDED_ERROR, "EXTENDED_ERROR", Dword, A, NONE, Any, Store),
    entry(INTERNET_OPTION_OFFLINE_MODE, "OFFLINE_MODE", Dword, NONE, NONE, Any, Store),
    entry(INTERNET_OPTION_CACHE_STREAM_HANDLE, "CACHE_STREAM_HANDLE", Pointer, Q, NONE, Any, Engine),
    entry(INTERNET_OPTION_USERNAME, "USERNAME", Text, C.or(Q), C.or(Q), Any, Store),
    entry(INTERNET_OPTION_PASSWORD, "PASSWORD", Text, C.or(Q), C.or(Q), Any, Store),
    entry(INTERNET_OPTION_ASYNC, "ASYNC", Dword, NONE, NONE, Any, Store),
    entry(INTERNET_OPTION_SECURITY_FLAGS, "SECURITY_FLAGS", Dword, Q, Q, Dword87, Store),
    entry(INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT, "SECURITY_CERTIFICATE_STRUCT", Struct(CERTIFICATE_INFO_SIZE), Q, NONE, Any, Engine),
    entry(INTERNET_OPTION_DATAFILE_NAME, "DATAFILE_NAME", Text, Q.or(F).or(G), NONE, Any, Store),
    entry(INTERNET_OPTION_URL, "URL", Text, Q.or(F).or(G), NONE, Any, Store),
    entry(INTERNET_OPTION_SECURITY_CERTIFICATE, "SECURITY_CERTIFICATE", Text, Q, NONE, Any, Engine),
    entry(INTERNET_OPTION_SECURITY_KEY_BITNESS, "SECURITY_KEY_BITNESS", Dword, Q, NONE, Any, Store),
    entry(INTERNET_OPTION_REFRESH, "REFRESH", NoBuffer, NONE, N.or(R), Any, Engine),
    entry(INTERNET_OPTION_PROXY, "PROXY", Proxy, R.or(N), R.or(N), Any, Store),
    entry(INTERNET_OPTION_SETTINGS_CHANGED, "SETTINGS_CHANGED", NoBuffer, NONE, A.or(N), Any, Engine),
    entry(INTERNET_OPTION_VERSION, "VERSION", Struct(VERSION_INFO_SIZE), N, NONE, Any, Store),
    entry(INTERNET_OPTION_USER_AGENT, "USER_AGENT", Text, R, R, Any, Store),
    entry(INTERNET_OPTION_END_BROWSER_SESSION, "END_BROWSER_SESSION", NoBuffer, NONE, N, Any, Engine),
    entry(INTERNET_OPTION_PROXY_USERNAME, "PROXY_USERNAME", Text, C.or(Q), C.or(Q), Any, Store),
    entry(INTERNET_OPTION_PROXY_PASSWORD, "PROXY_PASSWORD", Text, C.or(Q), C.or(Q), Any, Store),
    entry(INTERNET_OPTION_CONTEXT_VALUE, "CONTEXT_VALUE", Pointer, A, A, Pointer87, Store),
    entry(INTERNET_OPTION_CONNECTED_STATE, "CONNECTED_STATE", Dword, N, N, Exact12010(CONNECTED_INFO_SIZE), Store),
    entry(INTERNET_OPTION_MAX_CONNS_PER_SERVER, "MAX_CONNS_PER_SERVER", Dword, N, N, Dword12010, Store),
    entry(INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER, "MAX_CONNS_PER_1_0_SERVER", Dword, N, N, Dword12010, Store),
    entry(INTERNET_OPTION_PER_CONNECTION_OPTION, "PER_CONNECTION_OPTION", Opaque, R.or(N), R.or(N), Any, Engine),
    entry(INTERNET_OPTION_HTTP_VERSION, "HTTP_VERSION", Struct(VERSION_INFO_SIZE), A.or(N), N, Exact12010(VERSION_INFO_SIZE), Store),
    entry(INTERNET_OPTION_ERROR_MASK, "ERROR_MASK", Dword, A, A, Dword12010, Store),
    entry(INTERNET_OPTION_CODEPAGE, "CODEPAGE", Dword, R.or(C).or(Q), R.or(C).or(Q), Dword12010, Store),
    entry(INTERNET_OPTION_REQUEST_PRIORITY, "REQUEST_PRIORITY", Dword, Q, Q, Dword12010, Store),
    entry(INTERNET_OPTION_HTTP_DECODING, "HTTP_DECODING", Dword, NONE, R.or(C).or(Q), Dword12010, Store),
    entry(INTERNET_OPTION_IGNORE_OFFLINE, "IGNORE_OFFLINE", Dword, R.or(Q), R.or(Q), Dword12010, Store),
    entry(INTERNET_OPTION_CLIENT_CERT_CONTEXT, "CLIENT_CERT_CONTEXT", Pointer, NONE, Q, Pointer87, Store),
    entry(INTERNET_OPTION_SERVER_CERT_CHAIN_CONTEXT, "SERVER_CERT_CHAIN_CONTEXT", Pointer, Q, NONE, Any, Engine),
];

/// The catalogue entry of `option`, if the typed API knows it.
pub fn spec(option: u32) -> Option<&'static OptionSpec> {
    CATALOGUE.iter().find(|s| s.id == option)
}

/// `INTERNET_PROXY_INFO` on Rust types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyInfo {
    /// `dwAccessType` (`INTERNET_OPEN_TYPE_*`).
    pub access_type: u32,
    /// `lpszProxy` (`None` = NULL).
    pub proxy: Option<String>,
    /// `lpszProxyBypass` (`None` = NULL).
    pub bypass: Option<String>,
}

/// A decoded option value: what a set passes in and what a query answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    /// A `DWORD`.
    Dword(u32),
    /// Pointer-sized bits.
    Pointer(u64),
    /// A string (the shim converts it to its entry point's character set).
    Text(String),
    /// `INTERNET_PROXY_INFO`.
    Proxy(ProxyInfo),
    /// `INTERNET_VERSION_INFO` / `HTTP_VERSION_INFO`.
    Version {
        /// `dwMajorVersion`.
        major: u32,
        /// `dwMinorVersion`.
        minor: u32,
    },
    /// `INTERNET_CONNECTED_INFO` (a set of `CONNECTED_STATE`).
    ConnectedInfo {
        /// `dwConnectedState` (`INTERNET_STATE_*`).
        state: u32,
        /// `dwFlags` (`ISO_FORCE_DISCONNECTED`).
        flags: u32,
    },
}

impl OptionValue {
    /// Decodes a set buffer of `kind` from its bytes (little-endian, the 64-bit layout) for
    /// the `A` or `W` entry point: strings stop at their terminator or at `length` (in
    /// characters, as `InternetSetOption` counts them; the whole buffer when 0). Returns `None`
    /// when the bytes are too short for the kind — the caller then passes `None` and the
    /// length rule answers — or for kinds that hold pointers the shim must follow itself
    /// (`Proxy`, `Opaque`, certificate structures).
    pub fn decode(
        kind: ValueKind,
        option: u32,
        bytes: &[u8],
        charset: Charset,
        length: u32,
    ) -> Option<OptionValue> {
        let dword_at = |at: usize| {
            bytes
                .get(at..at + 4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_le_bytes)
        };
        match kind {
            ValueKind::Dword if option == INTERNET_OPTION_CONNECTED_STATE => {
                Some(OptionValue::ConnectedInfo {
                    state: dword_at(0)?,
                    flags: dword_at(4)?,
                })
            }
            ValueKind::Dword => dword_at(0).map(OptionValue::Dword),
            ValueKind::Pointer => bytes
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(|b| OptionValue::Pointer(u64::from_le_bytes(b))),
            ValueKind::Text => {
                let limit = usize::try_from(length).unwrap_or(usize::MAX);
                Some(OptionValue::Text(match charset {
                    Charset::Ansi => {
                        let text = if limit == 0 {
                            bytes
                        } else {
                            &bytes[..limit.min(bytes.len())]
                        };
                        let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
                        String::from_utf8_lossy(&text[..end]).into_owned()
                    }
                    Charset::Wide => {
                        let units: Vec<u16> = bytes
                            .chunks_exact(2)
                            .map(|c| u16::from_le_bytes([c[0], c[1]]))
                            .take(if limit == 0 { usize::MAX } else { limit })
                            .take_while(|&u| u != 0)
                            .collect();
                        String::from_utf16_lossy(&units)
                    }
                }))
            }
            ValueKind::Struct(_) => match option {
                INTERNET_OPTION_HTTP_VERSION => Some(OptionValue::Version {
                    major: dword_at(0)?,
                    minor: dword_at(4)?,
                }),
                INTERNET_OPTION_CONNECTED_STATE => Some(OptionValue::ConnectedInfo {
                    state: dword_at(0)?,
                    flags: dword_at(4)?,
                }),
                _ => None,
            },
            ValueKind::NoBuffer | ValueKind::Opaque | ValueKind::Proxy => None,
        }
    }
}

/// A failed `InternetQueryOption`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryFailure {
    /// The Windows error code (`GetLastError`).
    pub code: u32,
    /// What `*lpdwBufferLength` becomes (`None` = left as it was).
    pub length: Option<u32>,
}

impl QueryFailure {
    fn code(code: u32) -> Self {
        QueryFailure { code, length: None }
    }

    fn with_length(code: u32, length: u32) -> Self {
        QueryFailure {
            code,
            length: Some(length),
        }
    }
}

/// A successful `InternetQueryOption`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryOutcome {
    /// The value to write and `*lpdwBufferLength` after the call (strings: without the
    /// terminator).
    Value {
        /// The value.
        value: OptionValue,
        /// The length to report, in bytes.
        length: u32,
    },
    /// Every generic check passed; the engine writes the value ([`Route::Engine`]).
    Engine,
}

/// What a successful `InternetSetOption` asks of the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOutcome {
    /// The value is in the store; nothing else to do.
    Stored,
    /// The engine must act.
    Engine(EngineAction),
}

/// The engine's part of a successful set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineAction {
    /// `SETTINGS_CHANGED`: reread the proxy and connection settings.
    SettingsChanged,
    /// `REFRESH`: reread the proxy settings of this handle (or of the process).
    Refresh,
    /// `END_BROWSER_SESSION`: forget session cookies ([`super::cookies_ex::end_browser_session`])
    /// and session credentials.
    EndBrowserSession,
    /// `PER_CONNECTION_OPTION`: the engine reads the `INTERNET_PER_CONN_OPTION_LIST`.
    PerConnectionOption,
}

/// The timeout-like values every handle carries, in milliseconds (retries: a count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// `INTERNET_OPTION_CONNECT_TIMEOUT`.
    pub connect: u32,
    /// `INTERNET_OPTION_CONNECT_RETRIES`.
    pub connect_retries: u32,
    /// `INTERNET_OPTION_CONNECT_BACKOFF`.
    pub connect_backoff: u32,
    /// `INTERNET_OPTION_SEND_TIMEOUT` (= `CONTROL_SEND_TIMEOUT`).
    pub send: u32,
    /// `INTERNET_OPTION_RECEIVE_TIMEOUT` (= `CONTROL_RECEIVE_TIMEOUT`).
    pub receive: u32,
    /// `INTERNET_OPTION_DATA_SEND_TIMEOUT`.
    pub data_send: u32,
    /// `INTERNET_OPTION_DATA_RECEIVE_TIMEOUT`.
    pub data_receive: u32,
}

impl Default for Timeouts {
    /// Connect 60 s (Wine's `connect_timeout`), 5 retries, no backoff, 30 s for the send and
    /// receive timeouts (an assumption: Windows reads them from the registry).
    fn default() -> Self {
        Timeouts {
            connect: 60_000,
            connect_retries: 5,
            connect_backoff: 0,
            send: 30_000,
            receive: 30_000,
            data_send: 30_000,
            data_receive: 30_000,
        }
    }
}

impl Timeouts {
    fn slot(&mut self, option: u32) -> Option<&mut u32> {
        Some(match option {
            INTERNET_OPTION_CONNECT_TIMEOUT => &mut self.connect,
            INTERNET_OPTION_CONNECT_RETRIES => &mut self.connect_retries,
            INTERNET_OPTION_CONNECT_BACKOFF => &mut self.connect_backoff,
            INTERNET_OPTION_SEND_TIMEOUT => &mut self.send,
            INTERNET_OPTION_RECEIVE_TIMEOUT => &mut self.receive,
            INTERNET_OPTION_DATA_SEND_TIMEOUT => &mut self.data_send,
            INTERNET_OPTION_DATA_RECEIVE_TIMEOUT => &mut self.data_receive,
            _ => return None,
        })
    }

    fn get(&self, option: u32) -> Option<u32> {
        let mut copy = *self;
        copy.slot(option).map(|v| *v)
    }
}

/// Process-wide options (the NULL handle). The caller owns the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalOptions {
    /// Timeouts new `InternetOpen` handles start with.
    pub timeouts: Timeouts,
    /// `MAX_CONNS_PER_SERVER` (Wine's default 2).
    pub max_conns_per_server: u32,
    /// `MAX_CONNS_PER_1_0_SERVER` (Wine's default 4).
    pub max_conns_per_1_0_server: u32,
    /// `CONNECTED_STATE` (`INTERNET_STATE_CONNECTED` by default, as Wine answers).
    pub connected_state: u32,
    /// `HTTP_VERSION` (1.1 by default).
    pub http_version: (u32, u32),
    /// What `PROXY` on NULL answers: the system proxy configuration.
    pub proxy: ProxyInfo,
}

impl Default for GlobalOptions {
    fn default() -> Self {
        GlobalOptions {
            timeouts: Timeouts::default(),
            max_conns_per_server: 2,
            max_conns_per_1_0_server: 4,
            connected_state: INTERNET_STATE_CONNECTED,
            http_version: (1, 1),
            proxy: ProxyInfo {
                access_type: INTERNET_OPEN_TYPE_DIRECT,
                proxy: None,
                bypass: None,
            },
        }
    }
}

/// What the engine knows of a request's TLS connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFacts {
    /// The server's certificate chain, DER, leaf first.
    pub certificates: Vec<Vec<u8>>,
    /// The negotiated cipher strength in bits.
    pub cipher_bits: u32,
}

/// The options of one handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandleOptions {
    /// The handle's kind.
    pub kind: HandleKind,
    /// The flags the handle was created with (`INTERNET_FLAG_*`).
    pub flags: u32,
    /// `CONTEXT_VALUE`: the creating call's `dwContext`, never inherited (WI-R13).
    pub context: u64,
    /// `PARENT_HANDLE`: the parent handle's bits (0 for a root).
    pub parent: u64,
    /// Timeouts: a snapshot of the parent's at creation (WI-R16).
    pub timeouts: Timeouts,
    /// `READ_BUFFER_SIZE`.
    pub read_buffer_size: u32,
    /// `WRITE_BUFFER_SIZE`.
    pub write_buffer_size: u32,
    /// `ERROR_MASK`.
    pub error_mask: u32,
    /// `USER_AGENT` (roots).
    pub user_agent: Option<String>,
    /// `PROXY` (roots).
    pub proxy: ProxyInfo,
    /// `USERNAME`.
    pub username: Option<String>,
    /// `PASSWORD`.
    pub password: Option<String>,
    /// `PROXY_USERNAME`.
    pub proxy_username: Option<String>,
    /// `PROXY_PASSWORD`.
    pub proxy_password: Option<String>,
    /// `SECURITY_FLAGS` as set (the `IGNORE_*` bits).
    pub security_flags: u32,
    /// `REQUEST_PRIORITY`.
    pub request_priority: u32,
    /// `CODEPAGE`.
    pub codepage: u32,
    /// `HTTP_DECODING`.
    pub http_decoding: bool,
    /// `IGNORE_OFFLINE`.
    pub ignore_offline: bool,
    /// `CLIENT_CERT_CONTEXT` (pointer bits).
    pub client_cert: Option<u64>,
    /// `REQUEST_FLAGS` as the engine last set them (`INTERNET_REQFLAG_*`);
    /// `INTERNET_REQFLAG_NO_HEADERS` before a response (WI-R23).
    pub request_flags: u32,
    /// `URL`: the request's current URL.
    pub url: Option<String>,
    /// `DATAFILE_NAME`: the cache file the body is written to, if any.
    pub datafile: Option<String>,
    /// `EXTENDED_ERROR`: the last extended error (FTP reply code, socket error).
    pub extended_error: u32,
    /// The TLS connection, once there is one.
    pub tls: Option<TlsFacts>,
    /// `SECURITY_FLAGS` bits the engine learned about the server: the certificate-error bits
    /// ([`SECURITY_FLAG_CERT_INVALID_CA`] …) of a failed handshake, and the `IGNORE_*` bits a
    /// previous request to the same server used (Windows keeps them per server: a new
    /// request reports them before it is sent, Wine `test_security_flags`).
    pub server_security_flags: u32,
}

impl HandleOptions {
    /// A new `InternetOpen(agent, access, proxy, bypass, flags)` handle: timeouts from the
    /// process-wide ones (Wine `test_InternetQueryOptionA`: a root opened after a NULL-handle
    /// set of `CONNECT_TIMEOUT` reads the new value).
    pub fn root(
        global: &GlobalOptions,
        user_agent: Option<String>,
        proxy: ProxyInfo,
        flags: u32,
    ) -> Self {
        HandleOptions {
            kind: HandleKind::Root,
            flags,
            context: 0,
            parent: 0,
            timeouts: global.timeouts,
            read_buffer_size: 0,
            write_buffer_size: 0,
            error_mask: 0,
            user_agent,
            proxy,
            username: None,
            password: None,
            proxy_username: None,
            proxy_password: None,
            security_flags: 0,
            request_priority: 0,
            codepage: 0,
            http_decoding: false,
            ignore_offline: false,
            client_cert: None,
            request_flags: 0,
            url: None,
            datafile: None,
            extended_error: 0,
            tls: None,
            server_security_flags: 0,
        }
    }

    /// A child of `parent` (whose handle bits are `parent_bits`) created with `context` and
    /// `flags`: the timeouts, buffer sizes, code page and decoding switch are copied now and
    /// independent afterwards (WI-R16); the context is the creating call's (WI-R13). A new
    /// request reports `INTERNET_REQFLAG_NO_HEADERS` until a response arrives (WI-R23).
    pub fn child(
        parent: &HandleOptions,
        kind: HandleKind,
        context: u64,
        parent_bits: u64,
        flags: u32,
    ) -> Self {
        HandleOptions {
            kind,
            flags,
            context,
            parent: parent_bits,
            timeouts: parent.timeouts,
            read_buffer_size: parent.read_buffer_size,
            write_buffer_size: parent.write_buffer_size,
            error_mask: 0,
            user_agent: None,
            proxy: ProxyInfo::default(),
            username: None,
            password: None,
            proxy_username: None,
            proxy_password: None,
            security_flags: 0,
            request_priority: 0,
            codepage: parent.codepage,
            http_decoding: parent.http_decoding,
            ignore_offline: false,
            client_cert: None,
            request_flags: if kind == HandleKind::HttpRequest {
                INTERNET_REQFLAG_NO_HEADERS
            } else {
                0
            },
            url: None,
            datafile: None,
            extended_error: 0,
            tls: None,
            server_security_flags: 0,
        }
    }
}

/// The handle a query is made on.
#[derive(Clone, Copy, Debug)]
pub enum QueryTarget<'a> {
    /// The NULL handle.
    Global(&'a GlobalOptions),
    /// A valid handle.
    Handle(&'a HandleOptions),
}

/// The handle a set is made on.
#[derive(Debug)]
pub enum SetTarget<'a> {
    /// The NULL handle.
    Global(&'a mut GlobalOptions),
    /// A valid handle.
    Handle(&'a mut HandleOptions),
}

/// The caller's buffer for a query: `length` is `None` for a NULL `lpdwBufferLength`,
/// `has_buffer` is false for a NULL `lpBuffer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryBuffer {
    /// `*lpdwBufferLength` on entry, in bytes.
    pub length: Option<u32>,
    /// Whether `lpBuffer` is non-NULL.
    pub has_buffer: bool,
}

impl QueryBuffer {
    /// A non-NULL buffer of `length` bytes.
    pub fn of(length: u32) -> Self {
        QueryBuffer {
            length: Some(length),
            has_buffer: true,
        }
    }

    /// A NULL buffer with `*lpdwBufferLength == length`.
    pub fn null(length: u32) -> Self {
        QueryBuffer {
            length: Some(length),
            has_buffer: false,
        }
    }
}

fn is_max_conns(option: u32) -> bool {
    matches!(
        option,
        INTERNET_OPTION_MAX_CONNS_PER_SERVER | INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER
    )
}

/// `InternetQueryOption{A,W}(handle, option, buffer, &length)`. See the module documentation
/// for the check order.
pub fn query_option(
    target: QueryTarget<'_>,
    option: u32,
    charset: Charset,
    buffer: QueryBuffer,
) -> Result<QueryOutcome, QueryFailure> {
    let capacity = buffer
        .length
        .ok_or(QueryFailure::code(ERROR_INVALID_PARAMETER))?;
    if option == INTERNET_OPTION_POLICY {
        return Err(QueryFailure::code(ERROR_INVALID_PARAMETER));
    }
    let spec = spec(option).ok_or(QueryFailure::code(ERROR_INTERNET_INVALID_OPTION))?;
    let kind = match target {
        QueryTarget::Global(_) => None,
        QueryTarget::Handle(h) => Some(h.kind),
    };
    if kind.is_some() && is_max_conns(option) {
        return Err(QueryFailure::code(ERROR_INTERNET_INVALID_OPERATION));
    }
    if spec.query.is_empty() {
        return Err(QueryFailure::code(ERROR_INTERNET_INVALID_OPTION));
    }
    if !spec.query.contains(kind) {
        return Err(match kind {
            None => QueryFailure::with_length(ERROR_INTERNET_INCORRECT_HANDLE_TYPE, 0),
            Some(_) => QueryFailure::code(ERROR_INTERNET_INCORRECT_HANDLE_TYPE),
        });
    }
    if let QueryTarget::Handle(h) = target {
        check_query_state(h, option)?;
    }
    let fixed = match spec.kind {
        ValueKind::Dword => Some(DWORD_SIZE),
        ValueKind::Pointer => Some(POINTER_SIZE),
        ValueKind::Struct(size) => Some(size),
        ValueKind::Text | ValueKind::NoBuffer | ValueKind::Opaque | ValueKind::Proxy => None,
    };
    if let Some(required) = fixed {
        if capacity < required {
            return Err(QueryFailure::with_length(
                ERROR_INSUFFICIENT_BUFFER,
                required,
            ));
        }
        if !buffer.has_buffer {
            // Enough room claimed but no buffer (WI-R13 for CONTEXT_VALUE).
            return Err(QueryFailure::code(ERROR_INVALID_PARAMETER));
        }
    }
    if spec.route == Route::Engine {
        return Ok(QueryOutcome::Engine);
    }
    let value = match target {
        QueryTarget::Global(global) => global_value(global, option),
        QueryTarget::Handle(h) => handle_value(h, option),
    }
    .ok_or(QueryFailure::code(ERROR_INTERNET_INVALID_OPTION))?;
    let length = match &value {
        OptionValue::Text(text) => {
            let required = charset.byte_len(text).saturating_add(charset.unit());
            if !buffer.has_buffer || capacity < required {
                return Err(QueryFailure::with_length(
                    ERROR_INSUFFICIENT_BUFFER,
                    required,
                ));
            }
            charset.byte_len(text)
        }
        OptionValue::Proxy(info) => {
            let string = |s: &Option<String>| {
                charset
                    .byte_len(s.as_deref().unwrap_or_default())
                    .saturating_add(charset.unit())
            };
            let required = PROXY_INFO_SIZE
                .saturating_add(string(&info.proxy))
                .saturating_add(string(&info.bypass));
            if !buffer.has_buffer || capacity < required {
                return Err(QueryFailure::with_length(
                    ERROR_INSUFFICIENT_BUFFER,
                    required,
                ));
            }
            required
        }
        _ => fixed.unwrap_or(0),
    };
    Ok(QueryOutcome::Value { value, length })
}

/// State checks of a query on a valid handle (WI-R23, Wine `test_cert_string`).
fn check_query_state(h: &HandleOptions, option: u32) -> Result<(), QueryFailure> {
    match option {
        INTERNET_OPTION_SECURITY_CERTIFICATE | INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT
            if h.tls.is_none() =>
        {
            Err(QueryFailure::code(ERROR_INTERNET_INVALID_OPERATION))
        }
        INTERNET_OPTION_SERVER_CERT_CHAIN_CONTEXT if h.tls.is_none() => {
            Err(QueryFailure::code(ERROR_INTERNET_INCORRECT_HANDLE_STATE))
        }
        // Wine `HTTPREQ_QueryOption`: no cache file → 0 and ITEM_NOT_FOUND.
        INTERNET_OPTION_DATAFILE_NAME if h.datafile.is_none() => {
            Err(QueryFailure::with_length(ERROR_INTERNET_ITEM_NOT_FOUND, 0))
        }
        _ => Ok(()),
    }
}

fn global_value(global: &GlobalOptions, option: u32) -> Option<OptionValue> {
    if let Some(v) = global.timeouts.get(option) {
        return Some(OptionValue::Dword(v));
    }
    Some(match option {
        INTERNET_OPTION_MAX_CONNS_PER_SERVER => OptionValue::Dword(global.max_conns_per_server),
        INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER => {
            OptionValue::Dword(global.max_conns_per_1_0_server)
        }
        INTERNET_OPTION_CONNECTED_STATE => OptionValue::Dword(global.connected_state),
        // Wine `test_version`: 1.2.
        INTERNET_OPTION_VERSION => OptionValue::Version { major: 1, minor: 2 },
        INTERNET_OPTION_HTTP_VERSION => OptionValue::Version {
            major: global.http_version.0,
            minor: global.http_version.1,
        },
        INTERNET_OPTION_PROXY => OptionValue::Proxy(global.proxy.clone()),
        _ => return None,
    })
}

fn text(value: &Option<String>) -> OptionValue {
    OptionValue::Text(value.clone().unwrap_or_default())
}

fn handle_value(h: &HandleOptions, option: u32) -> Option<OptionValue> {
    if let Some(v) = h.timeouts.get(option) {
        return Some(OptionValue::Dword(v));
    }
    Some(match option {
        INTERNET_OPTION_HANDLE_TYPE => OptionValue::Dword(h.kind.handle_type()),
        INTERNET_OPTION_CONTEXT_VALUE => OptionValue::Pointer(h.context),
        INTERNET_OPTION_PARENT_HANDLE => OptionValue::Pointer(h.parent),
        INTERNET_OPTION_READ_BUFFER_SIZE => OptionValue::Dword(h.read_buffer_size),
        INTERNET_OPTION_WRITE_BUFFER_SIZE => OptionValue::Dword(h.write_buffer_size),
        INTERNET_OPTION_ERROR_MASK => OptionValue::Dword(h.error_mask),
        INTERNET_OPTION_REQUEST_FLAGS => OptionValue::Dword(h.request_flags),
        INTERNET_OPTION_EXTENDED_ERROR => OptionValue::Dword(h.extended_error),
        INTERNET_OPTION_USER_AGENT => text(&h.user_agent),
        INTERNET_OPTION_PROXY => OptionValue::Proxy(h.proxy.clone()),
        INTERNET_OPTION_USERNAME => text(&h.username),
        INTERNET_OPTION_PASSWORD => text(&h.password),
        INTERNET_OPTION_PROXY_USERNAME => text(&h.proxy_username),
        INTERNET_OPTION_PROXY_PASSWORD => text(&h.proxy_password),
        INTERNET_OPTION_URL => text(&h.url),
        INTERNET_OPTION_DATAFILE_NAME => text(&h.datafile),
        INTERNET_OPTION_SECURITY_FLAGS => OptionValue::Dword(security_flags(h)),
        INTERNET_OPTION_SECURITY_KEY_BITNESS => {
            OptionValue::Dword(h.tls.as_ref().map_or(0, |t| t.cipher_bits))
        }
        INTERNET_OPTION_REQUEST_PRIORITY => OptionValue::Dword(h.request_priority),
        INTERNET_OPTION_CODEPAGE => OptionValue::Dword(h.codepage),
        INTERNET_OPTION_IGNORE_OFFLINE => OptionValue::Dword(u32::from(h.ignore_offline)),
        INTERNET_OPTION_HTTP_VERSION => OptionValue::Version { major: 1, minor: 1 },
        _ => return None,
    })
}

/// What `SECURITY_FLAGS` reports on a request: the `IGNORE_*` bits set, what the engine
/// learned about the server, and `SECURITY_FLAG_SECURE` with the cipher strength only once a
/// TLS connection exists (after a failed handshake Windows reports the certificate-error bits
/// without `SECURE`, Wine `test_security_flags`).
pub fn security_flags(h: &HandleOptions) -> u32 {
    let mut flags = h.security_flags | h.server_security_flags;
    if let Some(tls) = &h.tls {
        flags |= SECURITY_FLAG_SECURE;
        flags |= if tls.cipher_bits >= 128 {
            SECURITY_FLAG_STRENGTH_STRONG
        } else if tls.cipher_bits >= 56 {
            SECURITY_FLAG_STRENGTH_MEDIUM
        } else {
            SECURITY_FLAG_STRENGTH_WEAK
        };
    }
    flags
}

fn check_size(rule: SetSize, len: u32) -> Result<(), u32> {
    let ok_or = |ok: bool, code: u32| if ok { Ok(()) } else { Err(code) };
    match rule {
        SetSize::Dword12010 => ok_or(len == DWORD_SIZE, ERROR_INTERNET_BAD_OPTION_LENGTH),
        SetSize::Dword87 => ok_or(len == DWORD_SIZE, ERROR_INVALID_PARAMETER),
        SetSize::Pointer87 => ok_or(len == POINTER_SIZE, ERROR_INVALID_PARAMETER),
        SetSize::Exact12010(size) => ok_or(len == size, ERROR_INTERNET_BAD_OPTION_LENGTH),
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

fn want_text(value: Option<&OptionValue>) -> Result<String, u32> {
    match value {
        Some(OptionValue::Text(t)) => Ok(t.split('\0').next().unwrap_or_default().to_owned()),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_proxy(value: Option<&OptionValue>) -> Result<ProxyInfo, u32> {
    match value {
        Some(OptionValue::Proxy(p)) => Ok(p.clone()),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

/// `InternetSetOption{A,W}(handle, option, buffer, length)`: `value` is the decoded buffer
/// (`None` = NULL) and `length` the caller's length. On failure nothing changed. See the
/// module documentation for the check order.
pub fn set_option(
    target: SetTarget<'_>,
    option: u32,
    value: Option<&OptionValue>,
    length: u32,
) -> Result<SetOutcome, u32> {
    let spec = spec(option).ok_or(if option == INTERNET_OPTION_POLICY {
        ERROR_INVALID_PARAMETER
    } else {
        ERROR_INTERNET_INVALID_OPTION
    })?;
    let kind = match &target {
        SetTarget::Global(_) => None,
        SetTarget::Handle(h) => Some(h.kind),
    };
    if kind.is_some() && is_max_conns(option) {
        return Err(ERROR_INTERNET_INVALID_OPERATION);
    }
    if spec.set.is_empty() {
        if spec.query.is_empty() {
            return Err(ERROR_INTERNET_INVALID_OPTION);
        }
        if kind.is_none() && !spec.query.contains(None) {
            return Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
        }
        return Err(ERROR_INTERNET_OPTION_NOT_SETTABLE);
    }
    if !spec.set.contains(kind) {
        return Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    }
    if spec.kind == ValueKind::NoBuffer {
        return Ok(SetOutcome::Engine(match option {
            INTERNET_OPTION_REFRESH => EngineAction::Refresh,
            INTERNET_OPTION_END_BROWSER_SESSION => EngineAction::EndBrowserSession,
            _ => EngineAction::SettingsChanged,
        }));
    }
    if value.is_none() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    check_size(spec.set_size, length)?;
    if spec.route == Route::Engine {
        return Ok(SetOutcome::Engine(EngineAction::PerConnectionOption));
    }
    match target {
        SetTarget::Global(global) => set_global(global, option, value)?,
        SetTarget::Handle(h) => set_handle(h, option, value)?,
    }
    Ok(SetOutcome::Stored)
}

fn set_global(
    global: &mut GlobalOptions,
    option: u32,
    value: Option<&OptionValue>,
) -> Result<(), u32> {
    match option {
        INTERNET_OPTION_MAX_CONNS_PER_SERVER | INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER => {
            let v = want_dword(value)?;
            if v == 0 {
                // Wine `test_max_conns`: 0 → ERROR_BAD_ARGUMENTS.
                return Err(ERROR_BAD_ARGUMENTS);
            }
            if option == INTERNET_OPTION_MAX_CONNS_PER_SERVER {
                global.max_conns_per_server = v;
            } else {
                global.max_conns_per_1_0_server = v;
            }
        }
        INTERNET_OPTION_CONNECTED_STATE => match value {
            Some(OptionValue::ConnectedInfo { state, .. }) => global.connected_state = *state,
            _ => return Err(ERROR_INVALID_PARAMETER),
        },
        INTERNET_OPTION_HTTP_VERSION => match value {
            Some(OptionValue::Version { major, minor }) => global.http_version = (*major, *minor),
            _ => return Err(ERROR_INVALID_PARAMETER),
        },
        INTERNET_OPTION_PROXY => global.proxy = want_proxy(value)?,
        _ => {
            let v = want_dword(value)?;
            let slot = global
                .timeouts
                .slot(option)
                .ok_or(ERROR_INTERNET_INVALID_OPTION)?;
            *slot = v;
        }
    }
    Ok(())
}

fn set_handle(h: &mut HandleOptions, option: u32, value: Option<&OptionValue>) -> Result<(), u32> {
    match option {
        INTERNET_OPTION_CONTEXT_VALUE => h.context = want_pointer(value)?,
        INTERNET_OPTION_CLIENT_CERT_CONTEXT => h.client_cert = Some(want_pointer(value)?),
        INTERNET_OPTION_USER_AGENT => h.user_agent = Some(want_text(value)?),
        INTERNET_OPTION_USERNAME => h.username = Some(want_text(value)?),
        INTERNET_OPTION_PASSWORD => h.password = Some(want_text(value)?),
        INTERNET_OPTION_PROXY_USERNAME => h.proxy_username = Some(want_text(value)?),
        INTERNET_OPTION_PROXY_PASSWORD => h.proxy_password = Some(want_text(value)?),
        INTERNET_OPTION_PROXY => h.proxy = want_proxy(value)?,
        _ => {
            let v = want_dword(value)?;
            match option {
                INTERNET_OPTION_ERROR_MASK => {
                    if v & !SETTABLE_ERROR_MASK != 0 {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    h.error_mask = v;
                }
                INTERNET_OPTION_SECURITY_FLAGS => h.security_flags = v & SETTABLE_SECURITY_FLAGS,
                INTERNET_OPTION_READ_BUFFER_SIZE => h.read_buffer_size = v,
                INTERNET_OPTION_WRITE_BUFFER_SIZE => h.write_buffer_size = v,
                INTERNET_OPTION_REQUEST_PRIORITY => h.request_priority = v,
                INTERNET_OPTION_CODEPAGE => h.codepage = v,
                INTERNET_OPTION_HTTP_DECODING => h.http_decoding = v != 0,
                INTERNET_OPTION_IGNORE_OFFLINE => h.ignore_offline = v != 0,
                _ => {
                    let slot = h
                        .timeouts
                        .slot(option)
                        .ok_or(ERROR_INTERNET_INVALID_OPTION)?;
                    *slot = v;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
