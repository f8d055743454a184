//! The option catalogue as data: for every `INTERNET_OPTION_*` the typed API serves, which
//! handle kinds (and whether the NULL handle) accept it for query and for set, the value type,
//! the set buffer-length rule and where the value lives ([`Route`]).
//!
//! Invariants: one row per option id; sizes are those of the 64-bit ABI.

use std::mem::size_of;

use windows_sys::Win32::Networking::WinHttp::{
    SECURITY_FLAG_IGNORE_CERT_CN_INVALID, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID,
    SECURITY_FLAG_IGNORE_UNKNOWN_CA,
};
use windows_sys::Win32::Networking::WinInet::*;

use crate::wininet::HandleKind;

/// Size of a pointer (`DWORD_PTR`, `HINTERNET`, a callback) on the 64-bit ABI.
pub const POINTER_SIZE: u32 = 8;

/// Size of a `DWORD`.
pub const DWORD_SIZE: u32 = 4;

/// `sizeof(INTERNET_VERSION_INFO)` and `sizeof(HTTP_VERSION_INFO)`: two `DWORD`s.
pub const VERSION_INFO_SIZE: u32 = 8;

/// `sizeof(INTERNET_CONNECTED_INFO)`: two `DWORD`s.
pub const CONNECTED_INFO_SIZE: u32 = 8;

pub(super) const PROXY_INFO_SIZE: u32 = size_of::<INTERNET_PROXY_INFO>() as u32;
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
    /// The option stores ([`GlobalOptions`](super::GlobalOptions), [`HandleOptions`](super::HandleOptions)).
    Store,
    /// The engine: the status callback (its pointer and A/W flag live with the handle's
    /// notification state), the cache stream handle, certificate texts, per-connection proxy
    /// lists, and the set-only actions ([`EngineAction`](super::EngineAction)).
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
