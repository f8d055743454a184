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

mod catalogue;
mod store;

pub use catalogue::*;
pub use store::*;

use windows_sys::Win32::Foundation::{
    ERROR_BAD_ARGUMENTS, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER,
};
use windows_sys::Win32::Networking::WinHttp::{
    SECURITY_FLAG_SECURE, SECURITY_FLAG_STRENGTH_MEDIUM, SECURITY_FLAG_STRENGTH_STRONG,
    SECURITY_FLAG_STRENGTH_WEAK,
};
use windows_sys::Win32::Networking::WinInet::*;

use super::Charset;

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
            // Wine `str_to_buffer` / the USER_AGENT query (test_InternetQueryOptionA, _W):
            // the required size counts bytes with the terminator, the copied length counts
            // characters (WCHARs for W) without it.
            charset.char_len(text)
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
