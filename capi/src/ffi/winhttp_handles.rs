//! The WinHTTP handle exports: `WinHttpOpen` … `WinHttpCloseHandle`, marshalled onto the
//! process-wide typed API ([`crate::instance::winhttp`]).
//!
//! Owns: the `HINTERNET` ↔ handle-value conversion, the bridge from the typed API's status
//! callbacks to the application's `WINHTTP_STATUS_CALLBACK`, and [`CallerBuffer`], the
//! [`AppBuffer`] over an application's read buffer.
//!
//! Invariants:
//! * an `HINTERNET` is the handle value as a pointer-sized integer, never a real pointer; a
//!   value that does not fit the 32-bit handle space is a bad handle (`ERROR_INVALID_HANDLE`);
//! * every export runs inside the panic boundary and sets the last error from the typed
//!   API's [`Answer::last_error`] (`None`: unchanged);
//! * NULL out pointers are checked before any write; out values are written only when the
//!   typed API answered them;
//! * every [`AppBuffer`] handed to the process-wide instance is a [`CallerBuffer`] (only
//!   `WinHttpReadData` and `WinHttpWebSocketReceive` create them, and the instance is
//!   private to this crate), which is what lets `READ_COMPLETE` give the application its own
//!   buffer pointer back;
//! * the websocket functions return their error as a `DWORD` and leave the last error
//!   unchanged, as Windows does; a panic there returns `ERROR_WINHTTP_INTERNAL_ERROR`;
//! * status callbacks are called in this build's convention ([`WinHttpStatusCallback`]),
//!   with `lpvStatusInformation` pointing at what Windows passes: a `DWORD` (length 4), a
//!   NUL-terminated wide string (length in WCHARs including the NUL), a
//!   `WINHTTP_ASYNC_RESULT` (its size), the application's read buffer (the bytes read), an
//!   `HINTERNET` (its size) for `HANDLE_CREATED`/`HANDLE_CLOSING`, NULL (0) otherwise; the
//!   pointed-at value lives until the callback returns.
//!
//! Safety contract of asynchronous reads (as on Windows): the buffer given to an
//! asynchronous `WinHttpReadData` stays valid and untouched by the application until its
//! `READ_COMPLETE` (or the request's `REQUEST_ERROR`/`HANDLE_CLOSING`) has been delivered.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

use core::ffi::c_void;
use std::sync::{Arc, Mutex};

use hinternet_net::headers::QueryValue;
use hinternet_net::winhttp::options::{self, OptionValue, ProxyInfo, ValueKind};
use hinternet_net::winhttp_api::{Answer, Handle, StatusCallback, WinHttp};
use hinternet_net::winhttp_exec::{AppBuffer, StatusInfo};
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOT_SUPPORTED,
    ERROR_SUCCESS, FALSE, SYSTEMTIME, TRUE,
};
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_INTERNAL_ERROR, WINHTTP_ASYNC_RESULT, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT,
    WINHTTP_PROXY_INFO, WINHTTP_WEB_SOCKET_ASYNC_RESULT, WINHTTP_WEB_SOCKET_STATUS,
};

use super::raw;
use crate::abi::WinHttpStatusCallback;
use crate::export;
use crate::instance::winhttp;
use crate::last_error;
use crate::panic_boundary::{guard, Family};
use crate::strings::wide_to_string;

/// `HINTERNET` as this crate passes it: a pointer-sized integer.
pub type HINTERNET = *mut c_void;

/// The handle value of an `HINTERNET`; `Err(ERROR_INVALID_HANDLE)` beyond the 32-bit space.
fn handle_of(h: HINTERNET) -> Result<Handle, u32> {
    let mut handle = Handle::NULL;
    handle.0 = u32::try_from(h.addr()).map_err(|_| ERROR_INVALID_HANDLE)?;
    Ok(handle)
}

/// The handle value of an `HINTERNET` (for the sibling export modules).
pub(crate) fn handle_value(h: HINTERNET) -> Result<Handle, u32> {
    handle_of(h)
}

/// The `HINTERNET` of a handle value (an integer, never dereferenced).
fn hinternet(handle: Handle) -> HINTERNET {
    core::ptr::without_provenance_mut(handle.0 as usize)
}

/// Sets the last error an answer carries (`None`: unchanged).
fn set_error<R, O>(answer: &Answer<R, O>) {
    if let Some(code) = answer.last_error {
        last_error::set(code);
    }
}

/// Runs a BOOL export body against the instance: `Err(code)` → FALSE and `code`.
fn bool_export(body: impl FnOnce(&WinHttp) -> Result<BOOL, u32>) -> BOOL {
    guard(Family::WinHttp, FALSE, || {
        match winhttp().and_then(|api| body(&api)) {
            Ok(ret) => ret,
            Err(code) => {
                last_error::set(code);
                FALSE
            }
        }
    })
}

/// Runs an HINTERNET export body: `Err(code)` → NULL and `code`.
fn handle_export(body: impl FnOnce(&WinHttp) -> Result<Answer<Handle>, u32>) -> HINTERNET {
    guard(Family::WinHttp, core::ptr::null_mut(), || {
        match winhttp().and_then(|api| body(&api)) {
            Ok(answer) => {
                set_error(&answer);
                hinternet(answer.ret)
            }
            Err(code) => {
                last_error::set(code);
                core::ptr::null_mut()
            }
        }
    })
}

/// Runs a websocket export body: the `DWORD` it returns (the last error stays unchanged).
fn dword_export(body: impl FnOnce(&WinHttp) -> Result<u32, u32>) -> u32 {
    guard(
        Family::WinHttp,
        ERROR_WINHTTP_INTERNAL_ERROR,
        || match winhttp().and_then(|api| body(&api)) {
            Ok(code) | Err(code) => code,
        },
    )
}

/// A BOOL answer: its last error set, its return value as BOOL.
fn bool_of<O>(answer: &Answer<bool, O>) -> BOOL {
    set_error(answer);
    if answer.ret {
        TRUE
    } else {
        FALSE
    }
}

/// An optional wide string argument as UTF-8.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn opt_string(p: *const u16) -> Option<String> {
    // SAFETY: forwarded contract.
    unsafe { raw::string_z(p) }.map(|w| wide_to_string(&w))
}

/// The application's read buffer (`lpBuffer`, `dwNumberOfBytesToRead`) as an [`AppBuffer`].
///
/// Safety contract (the application's, as on Windows): the memory is valid for writing `len`
/// bytes from the read call until its completion has been delivered, and the application
/// neither reads nor writes it meanwhile. The executor writes it from one thread at a time.
#[derive(Debug)]
pub struct CallerBuffer {
    ptr: *mut u8,
    len: usize,
}

impl CallerBuffer {
    /// The application's buffer of `len` bytes at `ptr` (see the type's contract).
    pub(crate) fn new(ptr: *mut u8, len: usize) -> CallerBuffer {
        CallerBuffer { ptr, len }
    }
}

// SAFETY: the buffer is plain memory the application lends for the duration of the read
// (contract above); the executor writes it from one thread at a time, and it is never read
// through this type.
unsafe impl Send for CallerBuffer {}
// SAFETY: as above; `&CallerBuffer` only exposes `len` and the contract-bound `write`.
unsafe impl Sync for CallerBuffer {}

impl AppBuffer for CallerBuffer {
    fn len(&self) -> usize {
        self.len
    }

    fn write(&self, offset: usize, bytes: &[u8]) {
        if offset >= self.len {
            return;
        }
        let n = bytes.len().min(self.len - offset);
        // SAFETY: `offset + n <= len` and the application keeps `len` bytes valid and
        // unshared until the completion (the type's contract); library memory never
        // overlaps the application's buffer.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(offset), n) };
    }
}

/// The application's pointer behind an [`AppBuffer`] of the process-wide instance.
fn caller_pointer(buffer: &Arc<dyn AppBuffer>) -> *mut c_void {
    // SAFETY: every AppBuffer the process-wide instance ever receives is a CallerBuffer (the
    // module invariant: only `WinHttpReadData` creates buffers for it), so the data pointer
    // of the Arc points at a live CallerBuffer (the Arc is borrowed).
    unsafe { (*Arc::as_ptr(buffer).cast::<CallerBuffer>()).ptr.cast() }
}

/// The application's callbacks, by function address, with the [`StatusCallback`] that wraps
/// each (the typed API tells callbacks apart by `Arc` identity, so one C function keeps one
/// wrapper).
static CALLBACKS: Mutex<Vec<(usize, StatusCallback)>> = Mutex::new(Vec::new());

/// The wrapper of `f`, created on first use.
fn wrap_callback(f: WinHttpStatusCallback) -> StatusCallback {
    let key = f as usize;
    let mut callbacks = CALLBACKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, wrapper)) = callbacks.iter().find(|(k, _)| *k == key) {
        return wrapper.clone();
    }
    let wrapper: StatusCallback = Arc::new(move |handle, context, status, info| {
        deliver(f, handle, context, status, info);
    });
    callbacks.push((key, wrapper.clone()));
    wrapper
}

/// The C function behind a wrapper (`None` for one this module did not create).
fn unwrap_callback(wrapper: &StatusCallback) -> Option<usize> {
    let callbacks = CALLBACKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    callbacks
        .iter()
        .find(|(_, w)| Arc::ptr_eq(w, wrapper))
        .map(|(k, _)| *k)
}

/// Calls the application's callback with Windows' `lpvStatusInformation` for `info`.
fn deliver(f: WinHttpStatusCallback, handle: Handle, context: u64, status: u32, info: &StatusInfo) {
    let h = hinternet(handle);
    let context = context as usize;
    let call = |p: *mut c_void, len: u32| {
        // SAFETY: the application registered `f` as a WINHTTP_STATUS_CALLBACK of this build's
        // convention; `p` is NULL or points at a value that lives until the call returns.
        unsafe { f(h, context, status, p, len) }
    };
    match info {
        StatusInfo::None => call(core::ptr::null_mut(), 0),
        StatusInfo::Handle(other) => {
            let mut value = hinternet(*other);
            call(
                (&raw mut value).cast(),
                core::mem::size_of::<HINTERNET>() as u32,
            );
        }
        StatusInfo::Text(text) => {
            let mut wide = hinternet_net::url::to_wide(text);
            wide.push(0);
            let len = u32::try_from(wide.len()).unwrap_or(u32::MAX);
            call(wide.as_mut_ptr().cast(), len);
        }
        StatusInfo::Dword(value) => {
            let mut value = *value;
            call((&raw mut value).cast(), 4);
        }
        StatusInfo::Read { buffer, bytes } => call(caller_pointer(buffer), *bytes),
        StatusInfo::AsyncResult { api, error } => {
            let mut result = WINHTTP_ASYNC_RESULT {
                dwResult: *api as usize,
                dwError: *error,
            };
            call(
                (&raw mut result).cast(),
                core::mem::size_of::<WINHTTP_ASYNC_RESULT>() as u32,
            );
        }
        StatusInfo::WebSocketStatus {
            bytes, buffer_type, ..
        } => {
            let mut value = WINHTTP_WEB_SOCKET_STATUS {
                dwBytesTransferred: *bytes,
                eBufferType: *buffer_type as _,
            };
            call(
                (&raw mut value).cast(),
                core::mem::size_of::<WINHTTP_WEB_SOCKET_STATUS>() as u32,
            );
        }
        StatusInfo::WebSocketResult {
            result,
            error,
            operation,
        } => {
            let mut value = WINHTTP_WEB_SOCKET_ASYNC_RESULT {
                AsyncResult: WINHTTP_ASYNC_RESULT {
                    dwResult: *result as usize,
                    dwError: *error,
                },
                Operation: *operation as _,
            };
            call(
                (&raw mut value).cast(),
                core::mem::size_of::<WINHTTP_WEB_SOCKET_ASYNC_RESULT>() as u32,
            );
        }
    }
}

/// `WINHTTP_INVALID_STATUS_CALLBACK`: `(WINHTTP_STATUS_CALLBACK)-1`.
fn invalid_status_callback() -> *const c_void {
    core::ptr::without_provenance(usize::MAX)
}

/// Decodes a `WinHttpSetOption` buffer of `len` (bytes, or WCHARs for strings).
///
/// # Safety
/// `buffer` is NULL or valid for the length Windows' contract gives the option.
unsafe fn option_value(option: u32, buffer: *const c_void, len: u32) -> Option<OptionValue> {
    if buffer.is_null() {
        return None;
    }
    // An unknown option is refused on its number; its buffer is never read.
    let kind = options::spec(option).map_or(ValueKind::NoBuffer, |s| s.kind);
    // Windows reads no more than the option's own size (the typed API judges `len`).
    let read_len = match kind {
        ValueKind::Dword => len.min(4),
        ValueKind::Pointer => len.min(core::mem::size_of::<usize>() as u32),
        ValueKind::Struct(size) => len.min(size),
        ValueKind::NoBuffer => 0,
        ValueKind::Wide | ValueKind::Proxy | ValueKind::Bytes => len,
    };
    match kind {
        ValueKind::Wide => {
            // SAFETY: forwarded contract (a string of `len` WCHARs, or NUL-terminated for -1).
            let text = unsafe { raw::string_n(buffer.cast::<u16>(), len, false) }?;
            Some(OptionValue::Wide(text.into_owned()))
        }
        ValueKind::Proxy if len as usize >= core::mem::size_of::<WINHTTP_PROXY_INFO>() => {
            // SAFETY: forwarded contract: a WINHTTP_PROXY_INFO with NULL or NUL-terminated
            // strings.
            let info = unsafe { raw::read(buffer.cast::<WINHTTP_PROXY_INFO>()) }?;
            // SAFETY: as above.
            let (proxy, bypass) = unsafe {
                (
                    raw::string_z(info.lpszProxy.cast_const()).map(|w| w.into_owned()),
                    raw::string_z(info.lpszProxyBypass.cast_const()).map(|w| w.into_owned()),
                )
            };
            Some(OptionValue::Proxy(ProxyInfo {
                access_type: info.dwAccessType,
                proxy,
                bypass,
            }))
        }
        other => {
            // SAFETY: forwarded contract (`len` bytes, of which `read_len` are read).
            let bytes = unsafe { raw::bytes(buffer.cast::<u8>(), read_len) }?;
            Some(OptionValue::decode(other, bytes))
        }
    }
}

/// Writes a queried option value into the caller's buffer (`capacity` bytes). `false`: a
/// value this layer cannot marshal yet.
///
/// # Safety
/// `buffer` is NULL or valid for writing `capacity` bytes.
unsafe fn write_option(buffer: *mut c_void, capacity: u32, value: &OptionValue) -> Result<(), u32> {
    let fits = |n: usize| n <= capacity as usize && !buffer.is_null();
    // SAFETY (each write below): `buffer` is valid for `capacity` bytes and `fits` checked
    // that the value's bytes are within them.
    match value {
        OptionValue::Dword(v) if fits(4) => unsafe {
            raw::write(buffer.cast::<u32>(), *v);
        },
        OptionValue::Pointer(v) if fits(core::mem::size_of::<usize>()) => unsafe {
            raw::write(buffer.cast::<usize>(), *v as usize);
        },
        OptionValue::Wide(text) if fits((text.len() + 1) * 2) => unsafe {
            raw::copy_z(buffer.cast::<u16>(), text);
        },
        OptionValue::Bytes(bytes) if fits(bytes.len()) => unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer.cast::<u8>(), bytes.len());
        },
        OptionValue::HttpVersion { major, minor } if fits(8) => unsafe {
            raw::write(buffer.cast::<[u32; 2]>(), [*major, *minor]);
        },
        OptionValue::None => {}
        OptionValue::Dword(_)
        | OptionValue::Pointer(_)
        | OptionValue::Wide(_)
        | OptionValue::Bytes(_)
        | OptionValue::HttpVersion { .. } => return Err(ERROR_INSUFFICIENT_BUFFER),
        // SAFETY (both): forwarded contract (`buffer` valid for `capacity` bytes).
        OptionValue::Proxy(info) => unsafe {
            super::winhttp_more::write_proxy_option(buffer, capacity, info)?;
        },
        OptionValue::Connection(info) => unsafe {
            super::winhttp_more::write_connection_option(buffer, capacity, info)?;
        },
        // A CERT_CONTEXT is a crypt32 object a non-Windows host cannot create or free (see
        // `winhttp_more`).
        OptionValue::Certificates(_) => return Err(ERROR_NOT_SUPPORTED),
    }
    Ok(())
}

export! {
    /// `HINTERNET WinHttpOpen(LPCWSTR pszAgentW, DWORD dwAccessType, LPCWSTR pszProxyW,
    /// LPCWSTR pszProxyBypassW, DWORD dwFlags)`.
    ///
    /// # Safety
    /// Each string is NULL or NUL-terminated.
    fn WinHttpOpen(
        pszAgentW: *const u16,
        dwAccessType: u32,
        pszProxyW: *const u16,
        pszProxyBypassW: *const u16,
        dwFlags: u32,
    ) -> HINTERNET {
        handle_export(|api| {
            // SAFETY: forwarded contract.
            let (agent, proxy, bypass) = unsafe {
                (opt_string(pszAgentW), opt_string(pszProxyW), opt_string(pszProxyBypassW))
            };
            Ok(api.open(agent.as_deref(), dwAccessType, proxy.as_deref(), bypass.as_deref(), dwFlags))
        })
    }

    /// `HINTERNET WinHttpConnect(HINTERNET hSession, LPCWSTR pswzServerName,
    /// INTERNET_PORT nServerPort, DWORD dwReserved)`.
    ///
    /// # Safety
    /// `pswzServerName` is NULL or NUL-terminated.
    fn WinHttpConnect(
        hSession: HINTERNET,
        pswzServerName: *const u16,
        nServerPort: u16,
        dwReserved: u32,
    ) -> HINTERNET {
        handle_export(|api| {
            let session = handle_of(hSession)?;
            if dwReserved != 0 {
                return Err(ERROR_INVALID_PARAMETER);
            }
            // SAFETY: forwarded contract.
            let server = unsafe { opt_string(pswzServerName) };
            Ok(api.connect(session, server.as_deref(), nServerPort))
        })
    }

    /// `HINTERNET WinHttpOpenRequest(HINTERNET hConnect, LPCWSTR pwszVerb,
    /// LPCWSTR pwszObjectName, LPCWSTR pwszVersion, LPCWSTR pwszReferrer,
    /// LPCWSTR *ppwszAcceptTypes, DWORD dwFlags)`; the accept types are a NULL-terminated
    /// array (at most 1024 entries are read).
    ///
    /// # Safety
    /// Each string is NULL or NUL-terminated; `ppwszAcceptTypes` is NULL or a NULL-terminated
    /// array of such strings.
    fn WinHttpOpenRequest(
        hConnect: HINTERNET,
        pwszVerb: *const u16,
        pwszObjectName: *const u16,
        pwszVersion: *const u16,
        pwszReferrer: *const u16,
        ppwszAcceptTypes: *const *const u16,
        dwFlags: u32,
    ) -> HINTERNET {
        handle_export(|api| {
            let connect = handle_of(hConnect)?;
            // SAFETY: forwarded contract.
            let (verb, object, version, referrer) = unsafe {
                (
                    opt_string(pwszVerb),
                    opt_string(pwszObjectName),
                    opt_string(pwszVersion),
                    opt_string(pwszReferrer),
                )
            };
            let mut accept = Vec::new();
            if !ppwszAcceptTypes.is_null() {
                for i in 0..1024 {
                    // SAFETY: the array is NULL-terminated (contract); we stop at its NULL.
                    let entry = unsafe { raw::read(ppwszAcceptTypes.add(i)) }.unwrap_or_default();
                    // SAFETY: each entry is NUL-terminated (contract).
                    match unsafe { opt_string(entry) } {
                        Some(text) => accept.push(text),
                        None => break,
                    }
                }
            }
            let accept: Vec<&str> = accept.iter().map(String::as_str).collect();
            Ok(api.open_request(
                connect,
                verb.as_deref(),
                object.as_deref(),
                version.as_deref(),
                referrer.as_deref(),
                &accept,
                dwFlags,
            ))
        })
    }

    /// `BOOL WinHttpAddRequestHeaders(HINTERNET hRequest, LPCWSTR lpszHeaders,
    /// DWORD dwHeadersLength, DWORD dwModifiers)`; `dwHeadersLength` -1: NUL-terminated.
    ///
    /// # Safety
    /// `lpszHeaders` is NULL or valid for its length (or NUL-terminated for -1).
    fn WinHttpAddRequestHeaders(
        hRequest: HINTERNET,
        lpszHeaders: *const u16,
        dwHeadersLength: u32,
        dwModifiers: u32,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            // SAFETY: forwarded contract.
            let headers = unsafe { raw::string_n(lpszHeaders, dwHeadersLength, false) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            Ok(bool_of(&api.add_request_headers(request, &wide_to_string(&headers), dwModifiers)))
        })
    }

    /// `BOOL WinHttpSendRequest(HINTERNET hRequest, LPCWSTR lpszHeaders,
    /// DWORD dwHeadersLength, LPVOID lpOptional, DWORD dwOptionalLength, DWORD dwTotalLength,
    /// DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// `lpszHeaders` NULL or valid for its length (-1: NUL-terminated); `lpOptional` NULL or
    /// valid for `dwOptionalLength` bytes during the call.
    fn WinHttpSendRequest(
        hRequest: HINTERNET,
        lpszHeaders: *const u16,
        dwHeadersLength: u32,
        lpOptional: *const c_void,
        dwOptionalLength: u32,
        dwTotalLength: u32,
        dwContext: usize,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            let headers = if dwHeadersLength == 0 {
                None
            } else {
                // SAFETY: forwarded contract.
                unsafe { raw::string_n(lpszHeaders, dwHeadersLength, false) }
                    .map(|h| wide_to_string(&h))
            };
            // SAFETY: forwarded contract.
            let optional = unsafe { raw::bytes(lpOptional.cast(), dwOptionalLength) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            Ok(bool_of(&api.send_request(
                request,
                headers.as_deref(),
                optional,
                dwTotalLength,
                Some(dwContext as u64),
            )))
        })
    }

    /// `BOOL WinHttpWriteData(HINTERNET hRequest, LPCVOID lpBuffer,
    /// DWORD dwNumberOfBytesToWrite, LPDWORD lpdwNumberOfBytesWritten)`.
    ///
    /// # Safety
    /// `lpBuffer` valid for its length during the call; the out pointer NULL or writable.
    fn WinHttpWriteData(
        hRequest: HINTERNET,
        lpBuffer: *const c_void,
        dwNumberOfBytesToWrite: u32,
        lpdwNumberOfBytesWritten: *mut u32,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            // SAFETY: forwarded contract.
            let data = unsafe { raw::bytes(lpBuffer.cast(), dwNumberOfBytesToWrite) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            let answer = api.write_data(request, data);
            if answer.ret {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(lpdwNumberOfBytesWritten, answer.out) };
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpReceiveResponse(HINTERNET hRequest, LPVOID lpReserved)`; a non-NULL
    /// `lpReserved` is 87.
    ///
    /// # Safety
    /// None beyond the C ABI (`lpReserved` is not dereferenced).
    fn WinHttpReceiveResponse(hRequest: HINTERNET, lpReserved: *mut c_void) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            if !lpReserved.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            Ok(bool_of(&api.receive_response(request)))
        })
    }

    /// `BOOL WinHttpQueryHeaders(HINTERNET hRequest, DWORD dwInfoLevel, LPCWSTR pwszName,
    /// LPVOID lpBuffer, LPDWORD lpdwBufferLength, LPDWORD lpdwIndex)`: lengths in bytes; a
    /// NULL `lpdwBufferLength` is 87; a short buffer is `ERROR_INSUFFICIENT_BUFFER` with the
    /// size needed in `*lpdwBufferLength`.
    ///
    /// # Safety
    /// `pwszName` NULL or NUL-terminated; `lpBuffer` NULL or writable for
    /// `*lpdwBufferLength` bytes; the DWORD pointers NULL or valid.
    fn WinHttpQueryHeaders(
        hRequest: HINTERNET,
        dwInfoLevel: u32,
        pwszName: *const u16,
        lpBuffer: *mut c_void,
        lpdwBufferLength: *mut u32,
        lpdwIndex: *mut u32,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            // SAFETY: forwarded contract.
            let length = unsafe { raw::read(lpdwBufferLength) }.ok_or(ERROR_INVALID_PARAMETER)?;
            // SAFETY: forwarded contract.
            let (name, index) = unsafe { (opt_string(pwszName), raw::read(lpdwIndex)) };
            let buffer = (!lpBuffer.is_null()).then_some(length);
            let answer = api.query_headers(request, dwInfoLevel, name.as_deref(), buffer, length, index);
            if answer.ret {
                // SAFETY (each write): the typed API fitted the value in `length` bytes; the
                // checks below refuse anything that would not fit.
                match &answer.out.value {
                    Some(QueryValue::Text(text)) if (text.len() + 1) * 2 <= length as usize => unsafe {
                        raw::copy_z(lpBuffer.cast::<u16>(), text);
                    },
                    Some(QueryValue::Number(n)) if length >= 4 => unsafe {
                        raw::write(lpBuffer.cast::<u32>(), *n);
                    },
                    Some(QueryValue::Number64(n)) if length >= 8 => unsafe {
                        raw::write(lpBuffer.cast::<u64>(), *n);
                    },
                    Some(QueryValue::SystemTime(t))
                        if length as usize >= core::mem::size_of::<SYSTEMTIME>() => unsafe {
                        raw::write(lpBuffer.cast::<SYSTEMTIME>(), SYSTEMTIME::from(*t));
                    },
                    _ => return Err(ERROR_INSUFFICIENT_BUFFER),
                }
            }
            // SAFETY: forwarded contract (NULL is checked).
            unsafe {
                if let Some(len) = answer.out.buffer_length {
                    raw::write(lpdwBufferLength, len);
                }
                if let Some(i) = answer.out.index {
                    raw::write(lpdwIndex, i);
                }
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpQueryDataAvailable(HINTERNET hRequest, LPDWORD lpdwNumberOfBytesAvailable)`.
    ///
    /// # Safety
    /// The out pointer NULL or writable.
    fn WinHttpQueryDataAvailable(hRequest: HINTERNET, lpdwNumberOfBytesAvailable: *mut u32) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            let answer = api.query_data_available(request);
            if answer.ret {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(lpdwNumberOfBytesAvailable, answer.out) };
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpReadData(HINTERNET hRequest, LPVOID lpBuffer,
    /// DWORD dwNumberOfBytesToRead, LPDWORD lpdwNumberOfBytesRead)`; a NULL buffer is 87.
    ///
    /// # Safety
    /// `lpBuffer` writable for `dwNumberOfBytesToRead` bytes — in an asynchronous session
    /// until the read's `READ_COMPLETE` has been delivered (see the module docs); the out
    /// pointer NULL or writable.
    fn WinHttpReadData(
        hRequest: HINTERNET,
        lpBuffer: *mut c_void,
        dwNumberOfBytesToRead: u32,
        lpdwNumberOfBytesRead: *mut u32,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            if lpBuffer.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let buffer = Arc::new(CallerBuffer {
                ptr: lpBuffer.cast(),
                len: dwNumberOfBytesToRead as usize,
            });
            let answer = api.read_data(request, buffer, dwNumberOfBytesToRead);
            if answer.ret {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(lpdwNumberOfBytesRead, answer.out) };
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpSetOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
    /// DWORD dwBufferLength)`: lengths in bytes, in WCHARs for string options.
    ///
    /// # Safety
    /// `lpBuffer` NULL or valid for `dwBufferLength` (and, for `WINHTTP_PROXY_INFO`, its
    /// strings NULL or NUL-terminated).
    fn WinHttpSetOption(
        hInternet: HINTERNET,
        dwOption: u32,
        lpBuffer: *mut c_void,
        dwBufferLength: u32,
    ) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hInternet)?;
            // SAFETY: forwarded contract.
            let value = unsafe { option_value(dwOption, lpBuffer.cast_const(), dwBufferLength) };
            let answer = api.set_option(handle, dwOption, value.as_ref(), dwBufferLength);
            if let (true, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, Some(OptionValue::Pointer(event))) =
                (answer.ret, dwOption, &value)
            {
                crate::instance::add_unload_event(*event as usize);
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpQueryOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
    /// LPDWORD lpdwBufferLength)`: sizes in bytes; a short buffer is
    /// `ERROR_INSUFFICIENT_BUFFER` with the size needed. `WINHTTP_OPTION_PROXY` writes a
    /// `WINHTTP_PROXY_INFO` whose strings are `GlobalAlloc` memory the caller frees;
    /// `WINHTTP_OPTION_CONNECTION_INFO` a `WINHTTP_CONNECTION_INFO` (Windows' address
    /// families); certificate contexts answer `ERROR_NOT_SUPPORTED` (no crypt32 objects on a
    /// non-Windows host).
    ///
    /// # Safety
    /// `lpBuffer` NULL or writable for `*lpdwBufferLength` bytes; the length pointer NULL or
    /// valid.
    fn WinHttpQueryOption(
        hInternet: HINTERNET,
        dwOption: u32,
        lpBuffer: *mut c_void,
        lpdwBufferLength: *mut u32,
    ) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hInternet)?;
            // SAFETY: forwarded contract.
            let length = unsafe { raw::read(lpdwBufferLength) };
            let asked = if lpBuffer.is_null() { length.map(|_| 0) } else { length };
            let answer = api.query_option(handle, dwOption, asked);
            if answer.ret {
                if let Some(value) = &answer.out.value {
                    // SAFETY: forwarded contract: `lpBuffer` holds `asked` bytes.
                    unsafe { write_option(lpBuffer, asked.unwrap_or(0), value) }?;
                }
            }
            if let Some(len) = answer.out.buffer_length {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(lpdwBufferLength, len) };
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpSetTimeouts(HINTERNET hInternet, int nResolveTimeout,
    /// int nConnectTimeout, int nSendTimeout, int nReceiveTimeout)`.
    ///
    /// # Safety
    /// None beyond the C ABI.
    fn WinHttpSetTimeouts(
        hInternet: HINTERNET,
        nResolveTimeout: i32,
        nConnectTimeout: i32,
        nSendTimeout: i32,
        nReceiveTimeout: i32,
    ) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hInternet)?;
            Ok(bool_of(&api.set_timeouts(
                handle,
                nResolveTimeout,
                nConnectTimeout,
                nSendTimeout,
                nReceiveTimeout,
            )))
        })
    }

    /// `WINHTTP_STATUS_CALLBACK WinHttpSetStatusCallback(HINTERNET hInternet,
    /// WINHTTP_STATUS_CALLBACK lpfnInternetCallback, DWORD dwNotificationFlags,
    /// DWORD_PTR dwReserved)`: the previous callback (NULL for none), or
    /// `WINHTTP_INVALID_STATUS_CALLBACK` on failure.
    ///
    /// # Safety
    /// `lpfnInternetCallback` NULL or a function of this build's convention that stays
    /// callable while any handle may report to it.
    fn WinHttpSetStatusCallback(
        hInternet: HINTERNET,
        lpfnInternetCallback: Option<WinHttpStatusCallback>,
        dwNotificationFlags: u32,
        dwReserved: usize,
    ) -> *const c_void {
        let fail = |code: u32| {
            last_error::set(code);
            invalid_status_callback()
        };
        guard(Family::WinHttp, invalid_status_callback(), || {
            let api = match winhttp() {
                Ok(api) => api,
                Err(code) => return fail(code),
            };
            let handle = match handle_of(hInternet) {
                Ok(h) => h,
                Err(code) => return fail(code),
            };
            if dwReserved != 0 {
                return fail(ERROR_INVALID_PARAMETER);
            }
            let wrapper = lpfnInternetCallback.map(wrap_callback);
            let answer = api.set_status_callback(handle, wrapper, dwNotificationFlags);
            set_error(&answer);
            match answer.ret {
                Ok(Some(previous)) => unwrap_callback(&previous)
                    .map_or(core::ptr::null(), core::ptr::with_exposed_provenance),
                Ok(None) => core::ptr::null(),
                Err(()) => invalid_status_callback(),
            }
        })
    }

    /// `BOOL WinHttpCloseHandle(HINTERNET hInternet)`.
    ///
    /// # Safety
    /// None beyond the C ABI.
    fn WinHttpCloseHandle(hInternet: HINTERNET) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hInternet)?;
            Ok(bool_of(&api.close_handle(handle)))
        })
    }

    /// `BOOL WinHttpQueryAuthSchemes(HINTERNET hRequest, LPDWORD lpdwSupportedSchemes,
    /// LPDWORD lpdwFirstScheme, LPDWORD pdwAuthTarget)`; a NULL out pointer is 87.
    ///
    /// # Safety
    /// The out pointers NULL or writable.
    fn WinHttpQueryAuthSchemes(
        hRequest: HINTERNET,
        lpdwSupportedSchemes: *mut u32,
        lpdwFirstScheme: *mut u32,
        pdwAuthTarget: *mut u32,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            if lpdwSupportedSchemes.is_null() || lpdwFirstScheme.is_null() || pdwAuthTarget.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let answer = api.query_auth_schemes(request);
            if let (true, Some(schemes)) = (answer.ret, &answer.out) {
                // SAFETY: forwarded contract (non-NULL checked above).
                unsafe {
                    raw::write(lpdwSupportedSchemes, schemes.supported);
                    raw::write(lpdwFirstScheme, schemes.first);
                    raw::write(pdwAuthTarget, schemes.target);
                }
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL WinHttpSetCredentials(HINTERNET hRequest, DWORD AuthTargets, DWORD AuthScheme,
    /// LPCWSTR pwszUserName, LPCWSTR pwszPassword, LPVOID pAuthParams)`; a non-NULL
    /// `pAuthParams` is 87.
    ///
    /// # Safety
    /// The strings NULL or NUL-terminated.
    fn WinHttpSetCredentials(
        hRequest: HINTERNET,
        AuthTargets: u32,
        AuthScheme: u32,
        pwszUserName: *const u16,
        pwszPassword: *const u16,
        pAuthParams: *mut c_void,
    ) -> BOOL {
        bool_export(|api| {
            let request = handle_of(hRequest)?;
            if !pAuthParams.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            // SAFETY: forwarded contract.
            let (user, password) = unsafe { (opt_string(pwszUserName), opt_string(pwszPassword)) };
            Ok(bool_of(&api.set_credentials(
                request,
                AuthTargets,
                AuthScheme,
                user.as_deref(),
                password.as_deref(),
            )))
        })
    }

    /// `HINTERNET WinHttpWebSocketCompleteUpgrade(HINTERNET hRequest, DWORD_PTR pContext)`.
    ///
    /// # Safety
    /// None beyond the C ABI.
    fn WinHttpWebSocketCompleteUpgrade(hRequest: HINTERNET, pContext: usize) -> HINTERNET {
        handle_export(|api| {
            let request = handle_of(hRequest)?;
            Ok(api.web_socket_complete_upgrade(request, pContext as u64))
        })
    }

    /// `DWORD WinHttpWebSocketSend(HINTERNET hWebSocket,
    /// WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType, PVOID pvBuffer, DWORD dwBufferLength)`.
    ///
    /// # Safety
    /// `pvBuffer` NULL or valid for `dwBufferLength` bytes during the call.
    fn WinHttpWebSocketSend(
        hWebSocket: HINTERNET,
        eBufferType: i32,
        pvBuffer: *const c_void,
        dwBufferLength: u32,
    ) -> u32 {
        dword_export(|api| {
            let websocket = handle_of(hWebSocket)?;
            // SAFETY: forwarded contract.
            let data = unsafe { raw::bytes(pvBuffer.cast(), dwBufferLength) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            Ok(api.web_socket_send(websocket, eBufferType, data).ret)
        })
    }

    /// `DWORD WinHttpWebSocketReceive(HINTERNET hWebSocket, PVOID pvBuffer,
    /// DWORD dwBufferLength, DWORD *pdwBytesRead, WINHTTP_WEB_SOCKET_BUFFER_TYPE *peBufferType)`.
    ///
    /// # Safety
    /// `pvBuffer` writable for `dwBufferLength` bytes — in an asynchronous session until the
    /// receive's `READ_COMPLETE`; the out pointers NULL or writable.
    fn WinHttpWebSocketReceive(
        hWebSocket: HINTERNET,
        pvBuffer: *mut c_void,
        dwBufferLength: u32,
        pdwBytesRead: *mut u32,
        peBufferType: *mut i32,
    ) -> u32 {
        dword_export(|api| {
            let websocket = handle_of(hWebSocket)?;
            if pvBuffer.is_null() || dwBufferLength == 0 {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let buffer = Arc::new(CallerBuffer {
                ptr: pvBuffer.cast(),
                len: dwBufferLength as usize,
            });
            let answer = api.web_socket_receive(websocket, buffer, dwBufferLength);
            if answer.ret == ERROR_SUCCESS {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe {
                    raw::write(pdwBytesRead, answer.out.bytes);
                    raw::write(peBufferType, answer.out.buffer_type as i32);
                }
            }
            Ok(answer.ret)
        })
    }

    /// `DWORD WinHttpWebSocketShutdown(HINTERNET hWebSocket, USHORT usStatus, PVOID pvReason,
    /// DWORD dwReasonLength)`.
    ///
    /// # Safety
    /// `pvReason` NULL or valid for `dwReasonLength` bytes during the call.
    fn WinHttpWebSocketShutdown(
        hWebSocket: HINTERNET,
        usStatus: u16,
        pvReason: *const c_void,
        dwReasonLength: u32,
    ) -> u32 {
        dword_export(|api| {
            let websocket = handle_of(hWebSocket)?;
            // SAFETY: forwarded contract.
            let reason = unsafe { raw::bytes(pvReason.cast(), dwReasonLength) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            Ok(api.web_socket_shutdown(websocket, usStatus, reason).ret)
        })
    }

    /// `DWORD WinHttpWebSocketClose(HINTERNET hWebSocket, USHORT usStatus, PVOID pvReason,
    /// DWORD dwReasonLength)`.
    ///
    /// # Safety
    /// `pvReason` NULL or valid for `dwReasonLength` bytes during the call.
    fn WinHttpWebSocketClose(
        hWebSocket: HINTERNET,
        usStatus: u16,
        pvReason: *const c_void,
        dwReasonLength: u32,
    ) -> u32 {
        dword_export(|api| {
            let websocket = handle_of(hWebSocket)?;
            // SAFETY: forwarded contract.
            let reason = unsafe { raw::bytes(pvReason.cast(), dwReasonLength) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            Ok(api.web_socket_close(websocket, usStatus, reason).ret)
        })
    }

    /// `DWORD WinHttpWebSocketQueryCloseStatus(HINTERNET hWebSocket, USHORT *pusStatus,
    /// PVOID pvReason, DWORD dwReasonLength, DWORD *pdwReasonLengthConsumed)`: NULL
    /// `pusStatus` or `pdwReasonLengthConsumed` is 87; a reason longer than the buffer is
    /// `ERROR_INSUFFICIENT_BUFFER` with its length in `*pdwReasonLengthConsumed`.
    ///
    /// # Safety
    /// `pvReason` NULL or writable for `dwReasonLength` bytes; the out pointers NULL or
    /// writable.
    fn WinHttpWebSocketQueryCloseStatus(
        hWebSocket: HINTERNET,
        pusStatus: *mut u16,
        pvReason: *mut c_void,
        dwReasonLength: u32,
        pdwReasonLengthConsumed: *mut u32,
    ) -> u32 {
        dword_export(|api| {
            let websocket = handle_of(hWebSocket)?;
            if pusStatus.is_null() || pdwReasonLengthConsumed.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let answer = api.web_socket_query_close_status(websocket);
            let Some((status, reason)) = answer.out else {
                return Ok(answer.ret);
            };
            let length = u32::try_from(reason.len()).unwrap_or(u32::MAX);
            // SAFETY: forwarded contract (non-NULL checked above).
            unsafe { raw::write(pdwReasonLengthConsumed, length) };
            if length > dwReasonLength || (length > 0 && pvReason.is_null()) {
                return Err(ERROR_INSUFFICIENT_BUFFER);
            }
            // SAFETY: forwarded contract: `pvReason` holds `dwReasonLength >= length` bytes.
            unsafe {
                raw::write(pusStatus, status);
                if length > 0 {
                    core::ptr::copy_nonoverlapping(reason.as_ptr(), pvReason.cast::<u8>(), reason.len());
                }
            }
            Ok(ERROR_SUCCESS)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_round_trip_and_wide_values_are_bad_handles() {
        let mut handle = Handle::NULL;
        handle.0 = 0x0001_0002;
        assert_eq!(handle_of(hinternet(handle)), Ok(handle));
        assert_eq!(hinternet(handle).addr(), 0x0001_0002);
        let wide: HINTERNET = core::ptr::without_provenance_mut(1 << 40);
        assert_eq!(handle_of(wide), Err(ERROR_INVALID_HANDLE));
    }

    #[test]
    fn caller_buffer_never_writes_past_its_length() {
        let mut storage = [0u8; 8];
        let buffer = CallerBuffer {
            ptr: storage.as_mut_ptr(),
            len: 4,
        };
        buffer.write(2, b"abcdef");
        buffer.write(4, b"zz");
        buffer.write(usize::MAX, b"zz");
        assert_eq!(&storage, b"\0\0ab\0\0\0\0");
    }

    #[test]
    fn bad_handles_answer_invalid_handle_in_every_family() {
        let bogus: HINTERNET = core::ptr::without_provenance_mut(0x7777);
        // SAFETY: no pointer argument is dereferenced for a bad handle (NULL buffers).
        unsafe {
            assert_eq!(WinHttpCloseHandle(bogus), FALSE);
            assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
            last_error::set(0);
            assert_eq!(
                WinHttpWebSocketClose(bogus, 1000, core::ptr::null(), 0),
                ERROR_INVALID_HANDLE
            );
            assert_eq!(
                last_error::get(),
                0,
                "websocket functions leave the last error"
            );
            assert_eq!(
                WinHttpSetStatusCallback(bogus, None, 0, 0),
                invalid_status_callback()
            );
            assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        }
    }
}
