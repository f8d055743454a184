//! The WinINet functions without a handle, delegating to [`crate::url`], [`crate::time`],
//! [`crate::wininet::cookies_ex`] and [`crate::wininet::misc`]: URL canonicalisation and
//! combination, time conversions, the process cookie jar, connection state.
//!
//! `InternetCrackUrl` and `InternetCreateUrl` are methods in [`super::cache`] with the URL
//! cache and the other stores.

use windows_sys::Win32::Foundation::ERROR_SUCCESS;

use super::{Answer, WinInet};
use crate::executor::state::lock;
use crate::time::SystemTime;
use crate::wininet::cookies_ex::{self, CookieAnswer};
use crate::wininet::misc::{self, DialogRequest};
use crate::wininet::options::{QueryBuffer, QueryFailure};
use crate::wininet::Charset;

fn from_result<T>(result: Result<T, u32>) -> Answer<bool, Option<T>> {
    match result {
        Ok(v) => Answer {
            ret: true,
            last_error: None,
            out: Some(v),
        },
        Err(code) => Answer {
            ret: false,
            last_error: Some(code),
            out: None,
        },
    }
}

impl WinInet {
    /// `InternetCanonicalizeUrl(url, buffer, &len, flags)`: the canonical URL.
    pub fn internet_canonicalize_url(&self, url: &str, flags: u32) -> Answer<bool, Option<String>> {
        from_result(crate::url::wininet::internet_canonicalize_url(url, flags))
    }

    /// `InternetCombineUrl(base, relative, buffer, &len, flags)`: the combined URL.
    pub fn internet_combine_url(
        &self,
        base: &str,
        relative: &str,
        flags: u32,
    ) -> Answer<bool, Option<String>> {
        from_result(crate::url::wininet::internet_combine_url(
            base, relative, flags,
        ))
    }

    /// `InternetTimeFromSystemTime(time, INTERNET_RFC1123_FORMAT, buffer, size)` (`W`).
    pub fn internet_time_from_system_time(
        &self,
        time: &SystemTime,
        format: u32,
        buffer_bytes: u32,
    ) -> Answer<bool, Option<String>> {
        from_result(crate::time::internet_time_from_system_time(
            time,
            format,
            buffer_bytes,
            true,
        ))
    }

    /// `InternetTimeToSystemTime(text, &time, 0)`.
    pub fn internet_time_to_system_time(&self, text: &str) -> Answer<bool, Option<SystemTime>> {
        from_result(crate::time::internet_time_to_system_time(text))
    }

    /// `InternetSetCookie(url, name, data)` on the process jar.
    pub fn internet_set_cookie(
        &self,
        url: Option<&str>,
        name: Option<&str>,
        data: Option<&str>,
    ) -> Answer<bool> {
        let mut jar = lock(&self.0.cookies);
        match cookies_ex::set_cookie(&mut jar, url, name, data) {
            Ok(()) => Answer {
                ret: true,
                last_error: None,
                out: (),
            },
            Err(code) => Answer {
                ret: false,
                last_error: Some(code),
                out: (),
            },
        }
    }

    /// `InternetGetCookie(url, name, buffer, &size)` (`W` sizes) from the process jar.
    pub fn internet_get_cookie(
        &self,
        url: Option<&str>,
        name: Option<&str>,
        buffer: QueryBuffer,
    ) -> Answer<bool, Result<CookieAnswer, QueryFailure>> {
        let jar = lock(&self.0.cookies);
        let result = cookies_ex::get_cookie(&jar, url, name, Charset::Wide, buffer);
        Answer {
            ret: result.is_ok(),
            last_error: result.as_ref().err().map(|f| f.code),
            out: result,
        }
    }

    /// `InternetAttemptConnect(reserved)`: the DWORD result.
    pub fn internet_attempt_connect(&self, reserved: u32) -> u32 {
        misc::attempt_connect(reserved)
    }

    /// `InternetErrorDlg(hwnd, request, error, flags, data)` without UI: the DWORD result.
    pub fn internet_error_dlg(
        &self,
        has_window: bool,
        request: DialogRequest,
        error: u32,
        flags: u32,
    ) -> u32 {
        misc::error_dlg(has_window, request, error, flags)
    }

    /// `InternetGetConnectedState(&flags, 0)` from the machine's network interfaces.
    pub fn internet_get_connected_state(&self) -> Answer<bool, u32> {
        let interfaces = misc::interfaces_from_sysfs(std::path::Path::new("/sys/class/net"));
        let state = misc::connected_state(&interfaces, false);
        Answer {
            ret: state.connected,
            last_error: (!state.connected).then_some(ERROR_SUCCESS),
            out: state.flags,
        }
    }
}
