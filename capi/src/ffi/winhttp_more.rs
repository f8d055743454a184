//! The WinHTTP exports beyond the handle lifecycle: `WinHttpReadDataEx`,
//! `WinHttpQueryHeadersEx`, the proxy
//! configuration functions (`WinHttpGetDefaultProxyConfiguration`,
//! `WinHttpSetDefaultProxyConfiguration`, `WinHttpGetIEProxyConfigForCurrentUser`,
//! `WinHttpGetProxyForUrl`, `WinHttpDetectAutoProxyConfigUrl`), and the marshalling of the
//! structured `WinHttpQueryOption` values (`WINHTTP_PROXY_INFO`, `WINHTTP_CONNECTION_INFO`).
//!
//! Invariants: strings Windows returns in `GlobalAlloc` memory are allocated through
//! [`super::global_memory`] (the host's `global_alloc`, else the library's allocator freed by
//! `hinternet_global_free`); when a later string of the same call cannot be allocated, the
//! earlier ones are released and the call fails with `ERROR_NOT_ENOUGH_MEMORY`, leaving the
//! caller's structure untouched. Certificate values (`SERVER_CERT_CONTEXT`,
//! `SERVER_CERT_CHAIN_CONTEXT`, `SECURITY_CERTIFICATE_STRUCT`) answer `ERROR_NOT_SUPPORTED`: a
//! `CERT_CONTEXT` is a crypt32 object that only a Windows (or Wine) crypt32 can create and
//! free, and a non-Windows host has none; the typed API keeps the DER chain for a later
//! hinternet-specific accessor.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::{offset_of, size_of};
use std::net::SocketAddr;
use std::sync::Arc;

use hinternet_net::winhttp::options::{ConnectionInfo, ProxyInfo};
use hinternet_net::winhttp::proxy::AutoProxyOptions;
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, FALSE, TRUE,
};
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_INTERNAL_ERROR, WINHTTP_AUTOPROXY_OPTIONS, WINHTTP_CONNECTION_INFO,
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG, WINHTTP_EXTENDED_HEADER,
    WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, WINHTTP_HEADER_NAME, WINHTTP_PROXY_INFO,
    WINHTTP_QUERY_CUSTOM,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6};

use super::global_memory::{optional_wide, release};
use super::raw;
use super::winhttp_handles::{CallerBuffer, HINTERNET};
use crate::export;
use crate::instance::winhttp;
use crate::last_error;
use crate::panic_boundary::{guard, Family};
use crate::strings::wide_to_string;

/// `sizeof(WINHTTP_CONNECTION_INFO)` on x64.
pub const CONNECTION_INFO_SIZE: usize = size_of::<WINHTTP_CONNECTION_INFO>();

#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(size_of::<WINHTTP_EXTENDED_HEADER>() == 16);
    assert!(offset_of!(WINHTTP_EXTENDED_HEADER, Anonymous2) == 8);
    assert!(size_of::<WINHTTP_CONNECTION_INFO>() == 264);
    assert!(offset_of!(WINHTTP_CONNECTION_INFO, LocalAddress) == 8);
    assert!(offset_of!(WINHTTP_CONNECTION_INFO, RemoteAddress) == 136);
    assert!(size_of::<WINHTTP_CURRENT_USER_IE_PROXY_CONFIG>() == 32);
    assert!(offset_of!(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG, lpszAutoConfigUrl) == 8);
    assert!(offset_of!(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG, lpszProxy) == 16);
    assert!(offset_of!(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG, lpszProxyBypass) == 24);
    assert!(size_of::<WINHTTP_AUTOPROXY_OPTIONS>() == 32);
    assert!(offset_of!(WINHTTP_AUTOPROXY_OPTIONS, lpszAutoConfigUrl) == 8);
    assert!(offset_of!(WINHTTP_AUTOPROXY_OPTIONS, dwReserved) == 24);
    assert!(offset_of!(WINHTTP_AUTOPROXY_OPTIONS, fAutoLogonIfChallenged) == 28);
};

/// A `WINHTTP_PROXY_INFO` with its strings in global memory (all or nothing).
pub fn proxy_info_struct(info: &ProxyInfo) -> Result<WINHTTP_PROXY_INFO, u32> {
    let proxy = optional_wide(info.proxy.as_deref())?;
    let bypass = match optional_wide(info.bypass.as_deref()) {
        Ok(p) => p,
        Err(code) => {
            release(proxy);
            return Err(code);
        }
    };
    Ok(WINHTTP_PROXY_INFO {
        dwAccessType: info.access_type,
        lpszProxy: proxy,
        lpszProxyBypass: bypass,
    })
}

/// Windows' `SOCKADDR_STORAGE` bytes (128) of `addr`: `AF_INET` (2) or `AF_INET6` (23) with
/// the port in network order.
fn sockaddr_storage(addr: &SocketAddr) -> [u8; 128] {
    let mut out = [0u8; 128];
    match addr {
        SocketAddr::V4(v4) => {
            out[..2].copy_from_slice(&AF_INET.to_le_bytes());
            out[2..4].copy_from_slice(&v4.port().to_be_bytes());
            out[4..8].copy_from_slice(&v4.ip().octets());
        }
        SocketAddr::V6(v6) => {
            out[..2].copy_from_slice(&AF_INET6.to_le_bytes());
            out[2..4].copy_from_slice(&v6.port().to_be_bytes());
            out[4..8].copy_from_slice(&v6.flowinfo().to_be_bytes());
            out[8..24].copy_from_slice(&v6.ip().octets());
            out[24..28].copy_from_slice(&v6.scope_id().to_le_bytes());
        }
    }
    out
}

/// The bytes of a `WINHTTP_CONNECTION_INFO` (`cbSize` = its size).
pub fn connection_info_bytes(info: &ConnectionInfo) -> [u8; CONNECTION_INFO_SIZE] {
    let mut out = [0u8; CONNECTION_INFO_SIZE];
    out[..4].copy_from_slice(&(CONNECTION_INFO_SIZE as u32).to_le_bytes());
    let local = offset_of!(WINHTTP_CONNECTION_INFO, LocalAddress);
    let remote = offset_of!(WINHTTP_CONNECTION_INFO, RemoteAddress);
    out[local..local + 128].copy_from_slice(&sockaddr_storage(&info.local));
    out[remote..remote + 128].copy_from_slice(&sockaddr_storage(&info.remote));
    out
}

/// Runs a BOOL body: `Err(code)` → FALSE and `code`; `Ok` → TRUE (WinHTTP sets
/// `ERROR_SUCCESS` on success of these functions, as the typed API answers).
fn bool_body(body: impl FnOnce() -> Result<Option<u32>, u32>) -> BOOL {
    guard(Family::WinHttp, FALSE, || match body() {
        Ok(code) => {
            if let Some(code) = code {
                last_error::set(code);
            }
            TRUE
        }
        Err(code) => {
            last_error::set(code);
            FALSE
        }
    })
}

/// A typed answer as the body's result.
fn answered<O>(answer: &hinternet_net::winhttp_api::Answer<bool, O>) -> Result<Option<u32>, u32> {
    if answer.ret {
        Ok(answer.last_error)
    } else {
        Err(answer.last_error.unwrap_or(ERROR_WINHTTP_INTERNAL_ERROR))
    }
}

export! {
    /// `DWORD WinHttpReadDataEx(HINTERNET hRequest, LPVOID lpBuffer,
    /// DWORD dwNumberOfBytesToRead, LPDWORD lpdwNumberOfBytesRead, ULONGLONG ullFlags,
    /// DWORD cbProperty, PVOID pvProperty)`: as `WinHttpReadData`, answering the error as a
    /// DWORD (`ERROR_SUCCESS`, `ERROR_IO_PENDING` in asynchronous sessions, or the failure).
    /// No flag or property is defined: non-zero ones are `ERROR_INVALID_PARAMETER`.
    ///
    /// # Safety
    /// As `WinHttpReadData`.
    fn WinHttpReadDataEx(
        hRequest: HINTERNET,
        lpBuffer: *mut c_void,
        dwNumberOfBytesToRead: u32,
        lpdwNumberOfBytesRead: *mut u32,
        ullFlags: u64,
        cbProperty: u32,
        pvProperty: *mut c_void,
    ) -> u32 {
        guard(Family::WinHttp, ERROR_WINHTTP_INTERNAL_ERROR, || {
            let api = match winhttp() {
                Ok(api) => api,
                Err(code) => return code,
            };
            let request = match super::winhttp_handles::handle_value(hRequest) {
                Ok(h) => h,
                Err(code) => return code,
            };
            if lpBuffer.is_null() || ullFlags != 0 || cbProperty != 0 || !pvProperty.is_null() {
                return ERROR_INVALID_PARAMETER;
            }
            let buffer = Arc::new(CallerBuffer::new(lpBuffer.cast(), dwNumberOfBytesToRead as usize));
            let answer = api.read_data_ex(request, buffer, dwNumberOfBytesToRead);
            if answer.ret == 0 {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(lpdwNumberOfBytesRead, answer.out) };
            }
            answer.ret
        })
    }

    /// `DWORD WinHttpQueryHeadersEx(HINTERNET hRequest, DWORD dwInfoLevel, ULONGLONG ullFlags,
    /// UINT uiCodePage, PDWORD pdwIndex, PWINHTTP_HEADER_NAME pHeaderName, PVOID pBuffer,
    /// PDWORD pdwBufferLength, PWINHTTP_EXTENDED_HEADER *ppHeaders, PDWORD pdwHeadersCount)`:
    /// the `WINHTTP_EXTENDED_HEADER` array and its strings are laid out in `pBuffer`
    /// (`*ppHeaders` points at it); a NULL or short buffer is `ERROR_INSUFFICIENT_BUFFER`
    /// with the bytes needed in `*pdwBufferLength`. With
    /// `WINHTTP_EXTENDED_HEADER_FLAG_UNICODE` names and values are UTF-16, otherwise they
    /// are UTF-8 whatever `uiCodePage` says (the ANSI code page of this library); the same
    /// holds for `pHeaderName` (read for `WINHTTP_QUERY_CUSTOM`). Other flags, or a NULL
    /// `pdwBufferLength`, `ppHeaders` or `pdwHeadersCount`, are `ERROR_INVALID_PARAMETER`.
    ///
    /// # Safety
    /// `pBuffer` NULL or writable for `*pdwBufferLength` bytes; the out pointers NULL or
    /// writable; `pHeaderName` NULL or holding a NUL-terminated name of the flag's set.
    fn WinHttpQueryHeadersEx(
        hRequest: HINTERNET,
        dwInfoLevel: u32,
        ullFlags: u64,
        uiCodePage: u32,
        pdwIndex: *mut u32,
        pHeaderName: *mut WINHTTP_HEADER_NAME,
        pBuffer: *mut c_void,
        pdwBufferLength: *mut u32,
        ppHeaders: *mut *mut WINHTTP_EXTENDED_HEADER,
        pdwHeadersCount: *mut u32,
    ) -> u32 {
        let _ = uiCodePage;
        guard(Family::WinHttp, ERROR_WINHTTP_INTERNAL_ERROR, || {
            let run = || -> Result<u32, u32> {
                let api = winhttp()?;
                let request = super::winhttp_handles::handle_value(hRequest)?;
                let wide = ullFlags & u64::from(WINHTTP_EXTENDED_HEADER_FLAG_UNICODE) != 0;
                if ullFlags & !u64::from(WINHTTP_EXTENDED_HEADER_FLAG_UNICODE) != 0
                    || pdwBufferLength.is_null()
                    || ppHeaders.is_null()
                    || pdwHeadersCount.is_null()
                {
                    return Err(ERROR_INVALID_PARAMETER);
                }
                let name = if dwInfoLevel & 0xFFFF == WINHTTP_QUERY_CUSTOM {
                    // SAFETY: forwarded contract (the union holds a pointer of the flag's set).
                    let header = unsafe { raw::read(pHeaderName.cast_const()) };
                    // SAFETY: forwarded contract (NUL-terminated).
                    header.and_then(|h| unsafe {
                        if wide {
                            raw::string_z(h.pwszName).map(|w| wide_to_string(&w))
                        } else {
                            raw::string_z(h.pszName)
                                .map(|a| crate::strings::wide_to_string(&crate::strings::decode_ansi(&a).wide))
                        }
                    })
                } else {
                    None
                };
                // SAFETY: forwarded contract.
                let (capacity, index) = unsafe { (raw::read(pdwBufferLength).unwrap_or(0), raw::read(pdwIndex)) };
                let answer = api.query_headers_ex(request, dwInfoLevel, name.as_deref(), index);
                let Some(found) = answer.out.as_ref().filter(|_| answer.ret == 0) else {
                    return Ok(answer.ret);
                };
                let bytes = extended_headers_layout(&found.headers, wide, pBuffer.addr());
                let required = u32::try_from(bytes.len()).map_err(|_| ERROR_INSUFFICIENT_BUFFER)?;
                // SAFETY: forwarded contract (non-NULL checked above).
                unsafe { raw::write(pdwBufferLength, required) };
                if pBuffer.is_null() || capacity < required {
                    return Ok(ERROR_INSUFFICIENT_BUFFER);
                }
                // SAFETY: `required` bytes fit in the caller's buffer; the out pointers are
                // non-NULL (checked above) or NULL-checked by `write`.
                unsafe {
                    core::ptr::copy_nonoverlapping(bytes.as_ptr(), pBuffer.cast::<u8>(), bytes.len());
                    raw::write(ppHeaders, pBuffer.cast::<WINHTTP_EXTENDED_HEADER>());
                    raw::write(pdwHeadersCount, crate::strings::dword_len(found.headers.len()));
                    if let Some(next) = found.next_index {
                        raw::write(pdwIndex, next);
                    }
                }
                Ok(answer.ret)
            };
            match run() {
                Ok(code) | Err(code) => code,
            }
        })
    }

    /// `BOOL WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *pProxyInfo)`: the
    /// strings are `GlobalAlloc` memory the caller frees (`GlobalFree`, or
    /// `hinternet_global_free` without host hooks). NULL is 87.
    ///
    /// # Safety
    /// `pProxyInfo` NULL or writable.
    fn WinHttpGetDefaultProxyConfiguration(pProxyInfo: *mut WINHTTP_PROXY_INFO) -> BOOL {
        bool_body(|| {
            let api = winhttp()?;
            if pProxyInfo.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let answer = api.get_default_proxy_configuration();
            let result = answered(&answer)?;
            let info = proxy_info_struct(&answer.out)?;
            // SAFETY: forwarded contract (non-NULL checked).
            unsafe { raw::write(pProxyInfo, info) };
            Ok(result)
        })
    }

    /// `BOOL WinHttpSetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *pProxyInfo)`.
    ///
    /// # Safety
    /// `pProxyInfo` NULL or a readable structure whose strings are NULL or NUL-terminated.
    fn WinHttpSetDefaultProxyConfiguration(pProxyInfo: *mut WINHTTP_PROXY_INFO) -> BOOL {
        bool_body(|| {
            let api = winhttp()?;
            // SAFETY: forwarded contract.
            let info = unsafe { raw::read(pProxyInfo.cast_const()) }.ok_or(ERROR_INVALID_PARAMETER)?;
            // SAFETY: forwarded contract.
            let (proxy, bypass) = unsafe {
                (
                    raw::string_z(info.lpszProxy.cast_const()).map(|w| w.into_owned()),
                    raw::string_z(info.lpszProxyBypass.cast_const()).map(|w| w.into_owned()),
                )
            };
            let info = ProxyInfo { access_type: info.dwAccessType, proxy, bypass };
            answered(&api.set_default_proxy_configuration(&info))
        })
    }

    /// `BOOL WinHttpGetIEProxyConfigForCurrentUser(
    /// WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *pProxyConfig)`: from the usual Unix proxy
    /// variables, else auto-detect with no strings; strings in `GlobalAlloc` memory.
    ///
    /// # Safety
    /// `pProxyConfig` NULL or writable.
    fn WinHttpGetIEProxyConfigForCurrentUser(
        pProxyConfig: *mut WINHTTP_CURRENT_USER_IE_PROXY_CONFIG,
    ) -> BOOL {
        bool_body(|| {
            let api = winhttp()?;
            if pProxyConfig.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let answer = api.get_ie_proxy_config_for_current_user();
            let result = answered(&answer)?;
            let config = &answer.out;
            let url = optional_wide(config.auto_config_url.as_deref())?;
            let proxy = optional_wide(config.proxy.as_deref()).inspect_err(|_| release(url))?;
            let bypass = optional_wide(config.bypass.as_deref()).inspect_err(|_| {
                release(url);
                release(proxy);
            })?;
            let value = WINHTTP_CURRENT_USER_IE_PROXY_CONFIG {
                fAutoDetect: BOOL::from(config.auto_detect),
                lpszAutoConfigUrl: url,
                lpszProxy: proxy,
                lpszProxyBypass: bypass,
            };
            // SAFETY: forwarded contract (non-NULL checked).
            unsafe { raw::write(pProxyConfig, value) };
            Ok(result)
        })
    }

    /// `BOOL WinHttpDetectAutoProxyConfigUrl(DWORD dwAutoDetectFlags,
    /// LPWSTR *ppwstrAutoConfigUrl)`: no DHCP or DNS source is reachable, so a valid call
    /// fails with `ERROR_WINHTTP_AUTODETECTION_FAILED` (the typed API's answer); a URL found
    /// would be `GlobalAlloc` memory.
    ///
    /// # Safety
    /// `ppwstrAutoConfigUrl` NULL or writable.
    fn WinHttpDetectAutoProxyConfigUrl(dwAutoDetectFlags: u32, ppwstrAutoConfigUrl: *mut *mut u16) -> BOOL {
        bool_body(|| {
            let api = winhttp()?;
            if ppwstrAutoConfigUrl.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let answer = api.detect_auto_proxy_config_url(dwAutoDetectFlags);
            let result = answered(&answer)?;
            let wide: Option<Vec<u16>> = answer.out.as_deref().map(|u| u.encode_utf16().collect());
            let url = optional_wide(wide.as_deref())?;
            // SAFETY: forwarded contract (non-NULL checked).
            unsafe { raw::write(ppwstrAutoConfigUrl, url) };
            Ok(result)
        })
    }

    /// `BOOL WinHttpGetProxyForUrl(HINTERNET hSession, LPCWSTR lpcwszUrl,
    /// WINHTTP_AUTOPROXY_OPTIONS *pAutoProxyOptions, WINHTTP_PROXY_INFO *pProxyInfo)`:
    /// decided without a network source (the documented PAC/WPAD errors); the proxy strings
    /// are `GlobalAlloc` memory. A non-NULL `lpvReserved` or non-zero `dwReserved` is 87.
    ///
    /// # Safety
    /// `lpcwszUrl` NULL or NUL-terminated; `pAutoProxyOptions` NULL or readable (its URL NULL
    /// or NUL-terminated); `pProxyInfo` NULL or writable.
    fn WinHttpGetProxyForUrl(
        hSession: HINTERNET,
        lpcwszUrl: *const u16,
        pAutoProxyOptions: *mut WINHTTP_AUTOPROXY_OPTIONS,
        pProxyInfo: *mut WINHTTP_PROXY_INFO,
    ) -> BOOL {
        bool_body(|| {
            let api = winhttp()?;
            let session = super::winhttp_handles::handle_value(hSession)?;
            // SAFETY: forwarded contract.
            let url = unsafe { raw::string_z(lpcwszUrl) }.map(|w| wide_to_string(&w));
            // SAFETY: forwarded contract.
            let options = unsafe { raw::read(pAutoProxyOptions.cast_const()) };
            if options.is_some_and(|o| !o.lpvReserved.is_null() || o.dwReserved != 0)
                || pProxyInfo.is_null()
            {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let options = options.map(|o| AutoProxyOptions {
                flags: o.dwFlags,
                auto_detect_flags: o.dwAutoDetectFlags,
                // SAFETY: forwarded contract.
                auto_config_url: unsafe { raw::string_z(o.lpszAutoConfigUrl) }
                    .map(|w| wide_to_string(&w)),
            });
            let answer = api.get_proxy_for_url(session, url.as_deref(), options.as_ref());
            let result = answered(&answer)?;
            if let Some(info) = &answer.out {
                let value = proxy_info_struct(info)?;
                // SAFETY: forwarded contract (non-NULL checked).
                unsafe { raw::write(pProxyInfo, value) };
            }
            Ok(result)
        })
    }
}

/// The `WinHttpQueryHeadersEx` layout of `headers` in a buffer at `base`: the
/// `WINHTTP_EXTENDED_HEADER` array, then every name and value NUL-terminated (UTF-16 when
/// `wide`, else UTF-8), each pointer aimed into the same buffer.
pub fn extended_headers_layout(headers: &[(String, String)], wide: bool, base: usize) -> Vec<u8> {
    let head = headers.len() * size_of::<WINHTTP_EXTENDED_HEADER>();
    let mut strings: Vec<u8> = Vec::new();
    let mut array: Vec<u8> = Vec::with_capacity(head);
    let push = |text: &str, strings: &mut Vec<u8>| -> usize {
        let at = base + head + strings.len();
        if wide {
            for unit in text.encode_utf16().chain(Some(0)) {
                strings.extend_from_slice(&unit.to_le_bytes());
            }
        } else {
            strings.extend_from_slice(text.as_bytes());
            strings.push(0);
        }
        at
    };
    for (name, value) in headers {
        let name_at = push(name, &mut strings);
        let value_at = push(value, &mut strings);
        array.extend_from_slice(&(name_at as u64).to_le_bytes());
        array.extend_from_slice(&(value_at as u64).to_le_bytes());
    }
    array.extend(strings);
    array
}

/// Writes a `WINHTTP_PROXY_INFO` with global-memory strings into a caller buffer of
/// `capacity` bytes (`WinHttpQueryOption`).
///
/// # Safety
/// `buffer` NULL or writable for `capacity` bytes.
pub unsafe fn write_proxy_option(
    buffer: *mut c_void,
    capacity: u32,
    info: &ProxyInfo,
) -> Result<(), u32> {
    if buffer.is_null() || (capacity as usize) < size_of::<WINHTTP_PROXY_INFO>() {
        return Err(ERROR_INSUFFICIENT_BUFFER);
    }
    let value = proxy_info_struct(info)?;
    // SAFETY: the structure fits (checked above).
    unsafe { raw::write(buffer.cast::<WINHTTP_PROXY_INFO>(), value) };
    Ok(())
}

/// Writes a `WINHTTP_CONNECTION_INFO` into a caller buffer of `capacity` bytes.
///
/// # Safety
/// `buffer` NULL or writable for `capacity` bytes.
pub unsafe fn write_connection_option(
    buffer: *mut c_void,
    capacity: u32,
    info: &ConnectionInfo,
) -> Result<(), u32> {
    if buffer.is_null() || (capacity as usize) < CONNECTION_INFO_SIZE {
        return Err(ERROR_INSUFFICIENT_BUFFER);
    }
    let bytes = connection_info_bytes(info);
    // SAFETY: the structure fits (checked above); caller memory never overlaps ours.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer.cast::<u8>(), bytes.len()) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_info_uses_windows_address_families() {
        let info = ConnectionInfo {
            local: "127.0.0.1:4000".parse().expect("literal address"),
            remote: "[::1]:80".parse().expect("literal address"),
        };
        let bytes = connection_info_bytes(&info);
        assert_eq!(&bytes[..4], &264u32.to_le_bytes());
        assert_eq!(&bytes[8..10], &2u16.to_le_bytes());
        assert_eq!(&bytes[10..12], &4000u16.to_be_bytes());
        assert_eq!(&bytes[12..16], &[127, 0, 0, 1]);
        assert_eq!(&bytes[136..138], &23u16.to_le_bytes());
        assert_eq!(&bytes[138..140], &80u16.to_be_bytes());
        assert_eq!(bytes[136 + 8 + 15], 1);
    }

    #[test]
    fn extended_headers_point_into_the_buffer() {
        let headers = vec![
            ("A".to_owned(), "1".to_owned()),
            ("Bc".to_owned(), "".to_owned()),
        ];
        let bytes = extended_headers_layout(&headers, false, 0x1000);
        assert_eq!(bytes.len(), 32 + 2 + 2 + 3 + 1);
        assert_eq!(&bytes[..8], &0x1020u64.to_le_bytes());
        assert_eq!(&bytes[8..16], &0x1022u64.to_le_bytes());
        assert_eq!(&bytes[16..24], &0x1024u64.to_le_bytes());
        assert_eq!(&bytes[24..32], &0x1027u64.to_le_bytes());
        assert_eq!(&bytes[32..], b"A\x001\x00Bc\x00\x00");
        let wide = extended_headers_layout(&headers[..1], true, 0);
        assert_eq!(&wide[16..], &[b'A', 0, 0, 0, b'1', 0, 0, 0]);
    }

    #[test]
    fn null_out_pointers_are_invalid_parameter() {
        // SAFETY: NULL pointers are checked before use.
        unsafe {
            assert_eq!(
                WinHttpGetDefaultProxyConfiguration(core::ptr::null_mut()),
                FALSE
            );
            assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
            assert_eq!(
                WinHttpGetIEProxyConfigForCurrentUser(core::ptr::null_mut()),
                FALSE
            );
            assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
            assert_eq!(
                WinHttpDetectAutoProxyConfigUrl(1, core::ptr::null_mut()),
                FALSE
            );
            assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
        }
    }
}
