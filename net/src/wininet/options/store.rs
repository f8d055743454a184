//! The option stores: [`GlobalOptions`] for the NULL handle and [`HandleOptions`] per handle,
//! the decoded [`OptionValue`]s, and WinINet's inheritance (every child snapshots its parent's
//! timeouts at creation, WI-R16; contexts are never inherited, WI-R13).
//!
//! Invariants: a store holds only values that passed the catalogue's checks.

use windows_sys::Win32::Networking::WinInet::*;

use super::catalogue::*;
use crate::wininet::{Charset, HandleKind};

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
    pub(super) fn code(code: u32) -> Self {
        QueryFailure { code, length: None }
    }

    pub(super) fn with_length(code: u32, length: u32) -> Self {
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
    /// `END_BROWSER_SESSION`: forget session cookies ([`end_browser_session`](crate::wininet::cookies_ex::end_browser_session))
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
    pub(super) fn slot(&mut self, option: u32) -> Option<&mut u32> {
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

    pub(super) fn get(&self, option: u32) -> Option<u32> {
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
