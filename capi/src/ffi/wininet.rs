//! WinINet exports that need no handle: `InternetCrackUrlW/A`, `InternetCreateUrlW/A`,
//! `InternetCanonicalizeUrlW/A`, `InternetCombineUrlW/A`, `InternetTimeFromSystemTime(W/A)`
//! and `InternetTimeToSystemTime(W/A)` (the unsuffixed time functions are the ANSI ones, as
//! in `wininet.dll`).
//!
//! Invariants: each runs inside the panic boundary; a failure returns FALSE with the
//! Windows code in the last error; a success leaves the last error alone (WinINet does not
//! reset it). `…A` functions take and return UTF-8 (see [`crate::strings`]) and count bytes.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

use hinternet_net::time::{internet_time_from_system_time, internet_time_to_system_time};
use hinternet_net::url::to_wide;
use hinternet_net::url::wininet::{fit_result, internet_canonicalize_url, internet_combine_url};
use hinternet_net::url::CreateUrlError;
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, FALSE, SYSTEMTIME, TRUE,
};
use windows_sys::Win32::Networking::WinInet::{URL_COMPONENTSA, URL_COMPONENTSW};

use super::raw;
use super::urls::{self, Api};
use crate::export;
use crate::last_error;
use crate::panic_boundary::{guard, Family};
use crate::strings::{decode_ansi, wide_to_string};

/// Runs a WinINet body: `Ok` → TRUE; `Err(code)` → FALSE and `code`.
fn wininet_bool(body: impl FnOnce() -> Result<(), u32>) -> BOOL {
    guard(Family::WinInet, FALSE, || match body() {
        Ok(()) => TRUE,
        Err(code) => {
            last_error::set(code);
            FALSE
        }
    })
}

/// ANSI text to a Rust string (UTF-8; undecodable bytes become U+FFFD).
fn ansi_to_string(bytes: &[u8]) -> String {
    wide_to_string(&decode_ansi(bytes).wide)
}

/// Hands a canonicalised/combined URL back in WCHARs: no buffer → 87; too small → 122 and
/// the required size (NUL included); success → the length without NUL.
///
/// # Safety
/// `len_ptr` valid; `out` NULL or valid for `*len_ptr` WCHARs.
unsafe fn deliver_w(result: &str, out: *mut u16, len_ptr: *mut u32) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let capacity = unsafe { raw::read(len_ptr) }.ok_or(ERROR_INVALID_PARAMETER)?;
    match fit_result(result, capacity, !out.is_null()) {
        Ok(len) => {
            // SAFETY: `fit_result` checked that the text and its NUL fit in `out`.
            unsafe {
                raw::copy_z(out, &to_wide(result));
                raw::write(len_ptr, len);
            }
            Ok(())
        }
        Err(CreateUrlError::InsufficientBuffer { required }) => {
            // SAFETY: forwarded contract.
            unsafe { raw::write(len_ptr, required) };
            Err(ERROR_INSUFFICIENT_BUFFER)
        }
        Err(CreateUrlError::Code(code)) => Err(code),
    }
}

/// As [`deliver_w`], in bytes of UTF-8.
///
/// # Safety
/// `len_ptr` valid; `out` NULL or valid for `*len_ptr` bytes.
unsafe fn deliver_a(result: &str, out: *mut u8, len_ptr: *mut u32) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let capacity = unsafe { raw::read(len_ptr) }.ok_or(ERROR_INVALID_PARAMETER)?;
    if out.is_null() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    match crate::strings::fit(result.len(), capacity, true) {
        Ok(len) => {
            // SAFETY: `fit` checked that the text and its NUL fit in `out`.
            unsafe {
                raw::copy_z(out, result.as_bytes());
                raw::write(len_ptr, len);
            }
            Ok(())
        }
        Err((code, required)) => {
            // SAFETY: forwarded contract.
            unsafe { raw::write(len_ptr, required) };
            Err(code)
        }
    }
}

/// `InternetTimeFromSystemTime[A]` body.
///
/// # Safety
/// `pst` NULL or readable; `out` NULL or writable for `size` bytes.
unsafe fn time_from_a(
    pst: *const SYSTEMTIME,
    rfc: u32,
    out: *mut u8,
    size: u32,
) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let time = unsafe { raw::read(pst) }.ok_or(ERROR_INVALID_PARAMETER)?;
    if out.is_null() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let text = internet_time_from_system_time(&time.into(), rfc, size, false)?;
    // Out-of-range fields make the text longer than a real date's 29 bytes.
    if text.len() >= size as usize {
        return Err(ERROR_INSUFFICIENT_BUFFER);
    }
    // SAFETY: text + NUL fit in the `size` bytes of `out` (checked above).
    unsafe { raw::copy_z(out, text.as_bytes()) };
    Ok(())
}

/// `InternetTimeToSystemTime[A]` body.
///
/// # Safety
/// `text` NULL or NUL-terminated; `pst` NULL or writable.
unsafe fn time_to_a(text: *const u8, pst: *mut SYSTEMTIME) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let text = unsafe { raw::string_z(text) }.ok_or(ERROR_INVALID_PARAMETER)?;
    if pst.is_null() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let time = internet_time_to_system_time(&ansi_to_string(&text))?;
    // SAFETY: forwarded contract (non-NULL checked).
    unsafe { raw::write(pst, SYSTEMTIME::from(time)) };
    Ok(())
}

export! {
    /// `BOOL InternetCrackUrlW(LPCWSTR lpszUrl, DWORD dwUrlLength, DWORD dwFlags,
    /// LPURL_COMPONENTSW lpUrlComponents)`. `dwUrlLength` 0 (or -1) means NUL-terminated.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCrackUrlW(
        lpszUrl: *const u16,
        dwUrlLength: u32,
        dwFlags: u32,
        lpUrlComponents: *mut URL_COMPONENTSW,
    ) -> BOOL {
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe {
            urls::crack_w(Api::WinInet, lpszUrl, dwUrlLength, dwFlags, lpUrlComponents)
        })
    }

    /// `BOOL InternetCrackUrlA(LPCSTR lpszUrl, DWORD dwUrlLength, DWORD dwFlags,
    /// LPURL_COMPONENTSA lpUrlComponents)`: byte offsets and sizes.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCrackUrlA(
        lpszUrl: *const u8,
        dwUrlLength: u32,
        dwFlags: u32,
        lpUrlComponents: *mut URL_COMPONENTSA,
    ) -> BOOL {
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe { urls::crack_a(lpszUrl, dwUrlLength, dwFlags, lpUrlComponents) })
    }

    /// `BOOL InternetCreateUrlW(LPURL_COMPONENTSW lpUrlComponents, DWORD dwFlags,
    /// LPWSTR lpszUrl, LPDWORD lpdwUrlLength)`: capacity in WCHARs, the required size on
    /// `ERROR_INSUFFICIENT_BUFFER` in bytes.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCreateUrlW(
        lpUrlComponents: *const URL_COMPONENTSW,
        dwFlags: u32,
        lpszUrl: *mut u16,
        lpdwUrlLength: *mut u32,
    ) -> BOOL {
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe {
            urls::create_w(Api::WinInet, lpUrlComponents, dwFlags, lpszUrl, lpdwUrlLength)
        })
    }

    /// `BOOL InternetCreateUrlA(LPURL_COMPONENTSA lpUrlComponents, DWORD dwFlags,
    /// LPSTR lpszUrl, LPDWORD lpdwUrlLength)`: sizes in bytes.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCreateUrlA(
        lpUrlComponents: *const URL_COMPONENTSA,
        dwFlags: u32,
        lpszUrl: *mut u8,
        lpdwUrlLength: *mut u32,
    ) -> BOOL {
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe { urls::create_a(lpUrlComponents, dwFlags, lpszUrl, lpdwUrlLength) })
    }

    /// `BOOL InternetCanonicalizeUrlW(LPCWSTR lpszUrl, LPWSTR lpszBuffer,
    /// LPDWORD lpdwBufferLength, DWORD dwFlags)`: sizes in WCHARs.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCanonicalizeUrlW(
        lpszUrl: *const u16,
        lpszBuffer: *mut u16,
        lpdwBufferLength: *mut u32,
        dwFlags: u32,
    ) -> BOOL {
        wininet_bool(|| {
            // SAFETY: forwarded contract.
            let url = unsafe { raw::string_z(lpszUrl) }.ok_or(ERROR_INVALID_PARAMETER)?;
            if lpdwBufferLength.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let result = internet_canonicalize_url(&wide_to_string(&url), dwFlags)?;
            // SAFETY: forwarded contract.
            unsafe { deliver_w(&result, lpszBuffer, lpdwBufferLength) }
        })
    }

    /// `BOOL InternetCanonicalizeUrlA(LPCSTR lpszUrl, LPSTR lpszBuffer,
    /// LPDWORD lpdwBufferLength, DWORD dwFlags)`: sizes in bytes.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCanonicalizeUrlA(
        lpszUrl: *const u8,
        lpszBuffer: *mut u8,
        lpdwBufferLength: *mut u32,
        dwFlags: u32,
    ) -> BOOL {
        wininet_bool(|| {
            // SAFETY: forwarded contract.
            let url = unsafe { raw::string_z(lpszUrl) }.ok_or(ERROR_INVALID_PARAMETER)?;
            if lpdwBufferLength.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let result = internet_canonicalize_url(&ansi_to_string(&url), dwFlags)?;
            // SAFETY: forwarded contract.
            unsafe { deliver_a(&result, lpszBuffer, lpdwBufferLength) }
        })
    }

    /// `BOOL InternetCombineUrlW(LPCWSTR lpszBaseUrl, LPCWSTR lpszRelativeUrl,
    /// LPWSTR lpszBuffer, LPDWORD lpdwBufferLength, DWORD dwFlags)`: sizes in WCHARs.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCombineUrlW(
        lpszBaseUrl: *const u16,
        lpszRelativeUrl: *const u16,
        lpszBuffer: *mut u16,
        lpdwBufferLength: *mut u32,
        dwFlags: u32,
    ) -> BOOL {
        wininet_bool(|| {
            // SAFETY: forwarded contract.
            let (base, relative) = unsafe { (raw::string_z(lpszBaseUrl), raw::string_z(lpszRelativeUrl)) };
            let (Some(base), Some(relative)) = (base, relative) else {
                return Err(ERROR_INVALID_PARAMETER);
            };
            if lpdwBufferLength.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let result =
                internet_combine_url(&wide_to_string(&base), &wide_to_string(&relative), dwFlags)?;
            // SAFETY: forwarded contract.
            unsafe { deliver_w(&result, lpszBuffer, lpdwBufferLength) }
        })
    }

    /// `BOOL InternetCombineUrlA(LPCSTR lpszBaseUrl, LPCSTR lpszRelativeUrl,
    /// LPSTR lpszBuffer, LPDWORD lpdwBufferLength, DWORD dwFlags)`: sizes in bytes.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetCombineUrlA(
        lpszBaseUrl: *const u8,
        lpszRelativeUrl: *const u8,
        lpszBuffer: *mut u8,
        lpdwBufferLength: *mut u32,
        dwFlags: u32,
    ) -> BOOL {
        wininet_bool(|| {
            // SAFETY: forwarded contract.
            let (base, relative) = unsafe { (raw::string_z(lpszBaseUrl), raw::string_z(lpszRelativeUrl)) };
            let (Some(base), Some(relative)) = (base, relative) else {
                return Err(ERROR_INVALID_PARAMETER);
            };
            if lpdwBufferLength.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let result =
                internet_combine_url(&ansi_to_string(&base), &ansi_to_string(&relative), dwFlags)?;
            // SAFETY: forwarded contract.
            unsafe { deliver_a(&result, lpszBuffer, lpdwBufferLength) }
        })
    }

    /// `BOOL InternetTimeFromSystemTimeW(const SYSTEMTIME *pst, DWORD dwRFC,
    /// LPWSTR lpszTime, DWORD cbTime)`: `cbTime` in bytes, at least
    /// `INTERNET_RFC1123_BUFSIZE * sizeof(WCHAR)`.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetTimeFromSystemTimeW(
        pst: *const SYSTEMTIME,
        dwRFC: u32,
        lpszTime: *mut u16,
        cbTime: u32,
    ) -> BOOL {
        wininet_bool(|| {
            // SAFETY: forwarded contract.
            let time = unsafe { raw::read(pst) }.ok_or(ERROR_INVALID_PARAMETER)?;
            if lpszTime.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let text = to_wide(&internet_time_from_system_time(
                &time.into(),
                dwRFC,
                cbTime,
                true,
            )?);
            // Out-of-range fields make the text longer than a real date's 29 WCHARs.
            if (text.len() + 1).saturating_mul(2) > cbTime as usize {
                return Err(ERROR_INSUFFICIENT_BUFFER);
            }
            // SAFETY: text + NUL fit in the `cbTime` bytes of `lpszTime` (checked above).
            unsafe { raw::copy_z(lpszTime, &text) };
            Ok(())
        })
    }

    /// `BOOL InternetTimeFromSystemTimeA(const SYSTEMTIME *pst, DWORD dwRFC, LPSTR lpszTime,
    /// DWORD cbTime)`.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetTimeFromSystemTimeA(
        pst: *const SYSTEMTIME,
        dwRFC: u32,
        lpszTime: *mut u8,
        cbTime: u32,
    ) -> BOOL {
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe { time_from_a(pst, dwRFC, lpszTime, cbTime) })
    }

    /// `InternetTimeFromSystemTime`: the ANSI function under its unsuffixed name.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetTimeFromSystemTime(
        pst: *const SYSTEMTIME,
        dwRFC: u32,
        lpszTime: *mut u8,
        cbTime: u32,
    ) -> BOOL {
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe { time_from_a(pst, dwRFC, lpszTime, cbTime) })
    }

    /// `BOOL InternetTimeToSystemTimeW(LPCWSTR lpszTime, SYSTEMTIME *pst, DWORD dwReserved)`.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetTimeToSystemTimeW(
        lpszTime: *const u16,
        pst: *mut SYSTEMTIME,
        dwReserved: u32,
    ) -> BOOL {
        let _ = dwReserved;
        wininet_bool(|| {
            // SAFETY: forwarded contract.
            let text = unsafe { raw::string_z(lpszTime) }.ok_or(ERROR_INVALID_PARAMETER)?;
            if pst.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let time = internet_time_to_system_time(&wide_to_string(&text))?;
            // SAFETY: forwarded contract (non-NULL checked).
            unsafe { raw::write(pst, SYSTEMTIME::from(time)) };
            Ok(())
        })
    }

    /// `BOOL InternetTimeToSystemTimeA(LPCSTR lpszTime, SYSTEMTIME *pst, DWORD dwReserved)`.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetTimeToSystemTimeA(lpszTime: *const u8, pst: *mut SYSTEMTIME, dwReserved: u32) -> BOOL {
        let _ = dwReserved;
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe { time_to_a(lpszTime, pst) })
    }

    /// `InternetTimeToSystemTime`: the ANSI function under its unsuffixed name.
    ///
    /// # Safety
    /// Windows' contract.
    fn InternetTimeToSystemTime(lpszTime: *const u8, pst: *mut SYSTEMTIME, dwReserved: u32) -> BOOL {
        let _ = dwReserved;
        // SAFETY: forwarded contract.
        wininet_bool(|| unsafe { time_to_a(lpszTime, pst) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUGE: SYSTEMTIME = SYSTEMTIME {
        wYear: 65535,
        wMonth: 12,
        wDayOfWeek: 6,
        wDay: 65535,
        wHour: 65535,
        wMinute: 65535,
        wSecond: 65535,
        wMilliseconds: 0,
    };

    /// Regression (fuzz-found heap corruption): a date longer than 29 characters must fit
    /// in `cbTime` or fail with `ERROR_INSUFFICIENT_BUFFER`, never overflow.
    #[test]
    fn long_dates_fit_or_fail_without_overflow() {
        let mut a = [0xAAu8; 80];
        // SAFETY: `a` holds 80 bytes; 30 are offered.
        let ok = unsafe { InternetTimeFromSystemTimeA(&HUGE, 0, a.as_mut_ptr(), 30) };
        assert_eq!(ok, FALSE);
        assert_eq!(last_error::get(), ERROR_INSUFFICIENT_BUFFER);
        assert!(a.iter().all(|&b| b == 0xAA));
        // SAFETY: 64 of the 80 bytes are offered.
        assert_eq!(
            unsafe { InternetTimeFromSystemTimeA(&HUGE, 0, a.as_mut_ptr(), 64) },
            TRUE
        );
        let len = a.iter().position(|&b| b == 0).expect("NUL-terminated");
        assert!(len > 29 && len < 64);
        assert!(a[64..].iter().all(|&b| b == 0xAA));

        let mut w = [0xAAAAu16; 80];
        // SAFETY: `w` holds 160 bytes; 60 are offered.
        let ok = unsafe { InternetTimeFromSystemTimeW(&HUGE, 0, w.as_mut_ptr(), 60) };
        assert_eq!(ok, FALSE);
        assert_eq!(last_error::get(), ERROR_INSUFFICIENT_BUFFER);
        assert!(w.iter().all(|&c| c == 0xAAAA));
    }
}
