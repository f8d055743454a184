//! WinHTTP exports that need no handle: `WinHttpCheckPlatform`, `WinHttpCrackUrl`,
//! `WinHttpCreateUrl`, `WinHttpTimeFromSystemTime`, `WinHttpTimeToSystemTime`.
//!
//! Invariants: each runs inside the panic boundary; a success sets the last error to
//! `ERROR_SUCCESS` (as WinHTTP does), a failure returns FALSE with the Windows code.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

use hinternet_net::time::{win_http_time_from_system_time, win_http_time_to_system_time};
use hinternet_net::url::to_wide;
use hinternet_net::winhttp::platform::check_platform;
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{ERROR_INVALID_PARAMETER, FALSE, SYSTEMTIME, TRUE};
use windows_sys::Win32::Networking::WinHttp::{URL_COMPONENTS, WINHTTP_TIME_FORMAT_BUFSIZE};

use super::raw;
use super::urls::{self, Api};
use crate::export;
use crate::last_error;
use crate::panic_boundary::{guard, Family};
use crate::strings::wide_to_string;

/// Runs a WinHTTP body: `Ok` → TRUE and `ERROR_SUCCESS`; `Err(code)` → FALSE and `code`.
fn winhttp_bool(body: impl FnOnce() -> Result<(), u32>) -> BOOL {
    guard(Family::WinHttp, FALSE, || match body() {
        Ok(()) => {
            last_error::set(0);
            TRUE
        }
        Err(code) => {
            last_error::set(code);
            FALSE
        }
    })
}

export! {
    /// `BOOL WinHttpCheckPlatform(void)`: TRUE.
    ///
    /// # Safety
    /// None beyond being called through the C ABI (it takes no arguments).
    fn WinHttpCheckPlatform() -> BOOL {
        guard(Family::WinHttp, FALSE, || if check_platform() { TRUE } else { FALSE })
    }

    /// `BOOL WinHttpCrackUrl(LPCWSTR pwszUrl, DWORD dwUrlLength, DWORD dwFlags,
    /// LPURL_COMPONENTS lpUrlComponents)`. `dwUrlLength` 0 (or -1) means NUL-terminated.
    ///
    /// # Safety
    /// Windows' contract: valid URL and structure, component buffers valid for their lengths.
    fn WinHttpCrackUrl(
        pwszUrl: *const u16,
        dwUrlLength: u32,
        dwFlags: u32,
        lpUrlComponents: *mut URL_COMPONENTS,
    ) -> BOOL {
        // SAFETY: forwarded contract; URL_COMPONENTS and URL_COMPONENTSW have the same layout
        // (asserted in `structs`).
        winhttp_bool(|| unsafe {
            urls::crack_w(Api::WinHttp, pwszUrl, dwUrlLength, dwFlags, lpUrlComponents.cast())
        })
    }

    /// `BOOL WinHttpCreateUrl(LPURL_COMPONENTS lpUrlComponents, DWORD dwFlags, LPWSTR pwszUrl,
    /// LPDWORD pdwUrlLength)`. Sizes in WCHARs.
    ///
    /// # Safety
    /// Windows' contract: valid structure and strings, `pwszUrl` valid for `*pdwUrlLength`.
    fn WinHttpCreateUrl(
        lpUrlComponents: *const URL_COMPONENTS,
        dwFlags: u32,
        pwszUrl: *mut u16,
        pdwUrlLength: *mut u32,
    ) -> BOOL {
        // SAFETY: forwarded contract; same layout as URL_COMPONENTSW (asserted).
        winhttp_bool(|| unsafe {
            urls::create_w(Api::WinHttp, lpUrlComponents.cast(), dwFlags, pwszUrl, pdwUrlLength)
        })
    }

    /// `BOOL WinHttpTimeFromSystemTime(const SYSTEMTIME *pst, LPWSTR pwszTime)`: the buffer
    /// is `WINHTTP_TIME_FORMAT_BUFSIZE` bytes; NULL arguments → 87.
    ///
    /// # Safety
    /// `pst` readable, `pwszTime` writable for `WINHTTP_TIME_FORMAT_BUFSIZE` bytes (or NULL).
    fn WinHttpTimeFromSystemTime(pst: *const SYSTEMTIME, pwszTime: *mut u16) -> BOOL {
        winhttp_bool(|| {
            // SAFETY: forwarded contract.
            let time = unsafe { raw::read(pst) }.ok_or(ERROR_INVALID_PARAMETER)?;
            if pwszTime.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let text = to_wide(&win_http_time_from_system_time(&time.into())?);
            // Out-of-range fields (a 5-digit day or hour) make the text longer than the 29
            // WCHARs of a real date: refuse what the fixed-size buffer cannot hold.
            if text.len() >= (WINHTTP_TIME_FORMAT_BUFSIZE / 2) as usize {
                return Err(ERROR_INVALID_PARAMETER);
            }
            // SAFETY: text + NUL fit in the WINHTTP_TIME_FORMAT_BUFSIZE bytes the contract
            // guarantees (checked above).
            unsafe { raw::copy_z(pwszTime, &text) };
            Ok(())
        })
    }

    /// `BOOL WinHttpTimeToSystemTime(LPCWSTR pwszTime, SYSTEMTIME *pst)`.
    ///
    /// # Safety
    /// `pwszTime` NUL-terminated, `pst` writable (or NULL).
    fn WinHttpTimeToSystemTime(pwszTime: *const u16, pst: *mut SYSTEMTIME) -> BOOL {
        winhttp_bool(|| {
            // SAFETY: forwarded contract.
            let text = unsafe { raw::string_z(pwszTime) }.ok_or(ERROR_INVALID_PARAMETER)?;
            if pst.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let time = win_http_time_to_system_time(&wide_to_string(&text))?;
            // SAFETY: forwarded contract (non-NULL checked).
            unsafe { raw::write(pst, SYSTEMTIME::from(time)) };
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (found by the `capi_exports` fuzz target as heap corruption): 5-digit
    /// fields make the date longer than the fixed buffer; nothing is written past it.
    #[test]
    fn out_of_range_fields_never_overflow_the_fixed_buffer() {
        let time = SYSTEMTIME {
            wYear: 65535,
            wMonth: 1,
            wDayOfWeek: 0,
            wDay: 65535,
            wHour: 65535,
            wMinute: 65535,
            wSecond: 65535,
            wMilliseconds: 0,
        };
        let mut buffer = [0xAAAAu16; 40];
        // SAFETY: `buffer` holds more than WINHTTP_TIME_FORMAT_BUFSIZE bytes.
        let ok = unsafe { WinHttpTimeFromSystemTime(&time, buffer.as_mut_ptr()) };
        assert_eq!(ok, FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
        assert!(buffer.iter().all(|&c| c == 0xAAAA), "nothing written");

        let real = SYSTEMTIME {
            wYear: 2005,
            wMonth: 1,
            wDayOfWeek: 5,
            wDay: 7,
            wHour: 12,
            wMinute: 6,
            wSecond: 35,
            wMilliseconds: 0,
        };
        // SAFETY: as above.
        assert_eq!(
            unsafe { WinHttpTimeFromSystemTime(&real, buffer.as_mut_ptr()) },
            TRUE
        );
        assert_eq!(buffer[29], 0);
        assert!(buffer[30..].iter().all(|&c| c == 0xAAAA));
    }
}
