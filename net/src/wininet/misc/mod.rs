//! The small WinINet calls with no handle life of their own: connection state, connection
//! checks, `InternetAttemptConnect`, `InternetErrorDlg` without UI, request-file locks and
//! `InternetGetLastResponseInfo` sizing.
//!
//! Everything here is a decision over values the caller passes in: the interface list
//! (read from `/sys/class/net` by [`interfaces_from_sysfs`] in production, built by hand in
//! tests), the request's state, the last response text. Network probes are the executor's:
//! [`check_connection`] says what to try and [`check_connection_result`] turns the outcome
//! into Windows' answer.
//!
//! Invariants: no I/O except [`interfaces_from_sysfs`], which only reads the directory it is
//! given; no panic on any input; every failure a Windows code.

use std::collections::HashMap;
use std::path::Path;

use windows_sys::Win32::Foundation::{
    ERROR_CANCELLED, ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER, ERROR_NOT_CONNECTED, ERROR_SUCCESS,
};
use windows_sys::Win32::Networking::WinInet::*;

use super::cache::UrlCache;
use super::options::{QueryBuffer, QueryFailure};
use super::Charset;

/// One network interface as the connected-state decision sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// The interface name (`eth0`).
    pub name: String,
    /// Whether it is up (`operstate` `up`, or `unknown` with carrier).
    pub up: bool,
    /// Whether it is a loopback interface.
    pub loopback: bool,
}

/// The interfaces under `root` (normally `/sys/class/net`): `operstate` `up` counts as up,
/// as does `unknown` with `carrier` 1 (tunnels and some virtual NICs); `type` 772
/// (`ARPHRD_LOOPBACK`) or the name `lo` is loopback. Unreadable entries are skipped.
pub fn interfaces_from_sysfs(root: &Path) -> Vec<Interface> {
    let Ok(dir) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let mut interfaces: Vec<Interface> = dir
        .flatten()
        .map(|entry| {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let operstate = read(&path.join("operstate"));
            let carrier = read(&path.join("carrier"));
            let kind = read(&path.join("type"));
            Interface {
                up: operstate == "up" || (operstate == "unknown" && carrier == "1"),
                loopback: kind == "772" || name == "lo",
                name,
            }
        })
        .collect();
    interfaces.sort_by(|a, b| a.name.cmp(&b.name));
    interfaces
}

/// The connection name `InternetGetConnectedStateEx` reports for a LAN connection (Wine's).
pub const LAN_CONNECTION_NAME: &str = "LAN Connection";

/// What `InternetGetConnectedState` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectedState {
    /// The return value.
    pub connected: bool,
    /// `*lpdwFlags`: always `INTERNET_RAS_INSTALLED` (Wine tests check it), plus
    /// `INTERNET_CONNECTION_LAN` when a non-loopback interface is up, or
    /// `INTERNET_CONNECTION_OFFLINE` in offline mode.
    pub flags: u32,
}

/// `InternetGetConnectedState(&flags, 0)` on Linux: connected over the LAN when a
/// non-loopback interface is up; `offline` (the process' offline mode) answers not connected
/// with `INTERNET_CONNECTION_OFFLINE`. `INTERNET_CONNECTION_CONFIGURED` is not reported: on
/// Windows it goes with modem connections (Wine `test_InternetGetConnectedStateExA`), which
/// this port never has.
pub fn connected_state(interfaces: &[Interface], offline: bool) -> ConnectedState {
    let mut flags = INTERNET_RAS_INSTALLED;
    if offline {
        return ConnectedState {
            connected: false,
            flags: flags | INTERNET_CONNECTION_OFFLINE,
        };
    }
    let connected = interfaces.iter().any(|i| i.up && !i.loopback);
    if connected {
        flags |= INTERNET_CONNECTION_LAN;
    }
    ConnectedState { connected, flags }
}

/// What `InternetGetConnectedStateEx` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectedStateEx {
    /// The state and flags.
    pub state: ConnectedState,
    /// What to write to `lpszConnectionName` (with its terminator), or `None` to leave the
    /// buffer untouched (NULL buffer or length 0).
    pub name: Option<String>,
}

/// `InternetGetConnectedStateEx(&flags, name, name_len, reserved)`: `reserved` ≠ 0 → 87
/// (Wine `test_InternetGetConnectedStateExW`); the name is [`LAN_CONNECTION_NAME`] cut to
/// `name_len - 1` characters (1 → an empty string, 0 → untouched), and empty when not
/// connected (FALSE with the last error `ERROR_SUCCESS`).
pub fn connected_state_ex(
    interfaces: &[Interface],
    offline: bool,
    name_len: Option<u32>,
    reserved: u32,
) -> Result<ConnectedStateEx, u32> {
    if reserved != 0 {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let state = connected_state(interfaces, offline);
    let full = if state.connected {
        LAN_CONNECTION_NAME
    } else {
        ""
    };
    let name = name_len.filter(|&n| n > 0).map(|n| {
        let keep = usize::try_from(n - 1).unwrap_or(usize::MAX);
        full.chars().take(keep).collect()
    });
    Ok(ConnectedStateEx { state, name })
}

/// What the executor should try for `InternetCheckConnection`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckPlan {
    /// NULL URL: answer TRUE without probing (Wine; Windows would consult its server list).
    AssumeConnected,
    /// Open a TCP connection to this host and port, then close it.
    Connect {
        /// Host name or address literal.
        host: String,
        /// Port (the URL's, or the scheme's default).
        port: u16,
    },
}

/// `InternetCheckConnection(url, flags, reserved)`: the probe to run. A URL without a host
/// → `ERROR_NOT_CONNECTED` (Wine: a URL that does not crack fails that way). With or without
/// `FLAG_ICC_FORCE_CONNECTION` the probe is a TCP connect to the URL's port (Wine pings
/// without the flag; a shim cannot run `ping`, so both use the connect).
pub fn check_connection(url: Option<&str>, _flags: u32) -> Result<CheckPlan, u32> {
    let Some(url) = url else {
        return Ok(CheckPlan::AssumeConnected);
    };
    let parsed = url::Url::parse(url).map_err(|_| ERROR_NOT_CONNECTED)?;
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or(ERROR_NOT_CONNECTED)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let default = match parsed.scheme() {
        "https" => 443,
        "ftp" => 21,
        "gopher" => 70,
        _ => 80,
    };
    Ok(CheckPlan::Connect {
        host: host.to_owned(),
        port: parsed.port().unwrap_or(default),
    })
}

/// The answer of `InternetCheckConnection` once the probe ran: failure →
/// `ERROR_NOT_CONNECTED`.
pub fn check_connection_result(probe_succeeded: bool) -> Result<(), u32> {
    if probe_succeeded {
        Ok(())
    } else {
        Err(ERROR_NOT_CONNECTED)
    }
}

/// `InternetAttemptConnect(reserved)`: `ERROR_SUCCESS` (there is no dial-up to attempt).
pub fn attempt_connect(_reserved: u32) -> u32 {
    ERROR_SUCCESS
}

/// The `hRequest` argument of `InternetErrorDlg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogRequest {
    /// NULL.
    None,
    /// A value that is not a valid handle.
    Invalid,
    /// A valid handle that is not an HTTP request.
    OtherHandle,
    /// An HTTP request whose last status code is this (0 before a response).
    Request {
        /// The response status code.
        status: u32,
    },
}

/// `InternetErrorDlg(hwnd, request, error, flags, data)` without a user interface: the
/// answer a dialog that is never shown gives, per Wine's `test_InternetErrorDlg` table (which
/// passes on Windows 10) and `dialogs.c`:
///
/// * no window and no `FLAGS_ERROR_UI_FLAGS_NO_UI` → `ERROR_INVALID_HANDLE`; an invalid
///   request handle → `ERROR_INVALID_HANDLE`; a handle that is not a request → `ERROR_SUCCESS`;
/// * certificate errors, mixed security, script and redirect confirmations, `INSERT_CDROM`,
///   `CLIENT_AUTH_CERT_NEEDED` → `ERROR_CANCELLED` (the last two, and `INCORRECT_PASSWORD`,
///   need a request: 87 without one);
/// * `HTTP_TO_HTTPS_ON_REDIR`, `POST_IS_NON_SECURE` → `ERROR_SUCCESS`;
///   `HTTPS_TO_HTTP_ON_REDIR`, `CHG_POST_IS_NON_SECURE` → `ERROR_SUCCESS` with `NO_UI`, else
///   `ERROR_CANCELLED`;
/// * `ERROR_HTTP_COOKIE_NEEDS_CONFIRMATION` → `ERROR_HTTP_COOKIE_DECLINED` with `NO_UI`;
/// * `INCORRECT_PASSWORD` (or 0 with `FLAGS_ERROR_UI_FILTER_FOR_ERRORS`): a 401/407 response
///   would need the password dialog, which a user never fills here → `ERROR_CANCELLED`;
///   any other status → `ERROR_SUCCESS`;
/// * any other code → `ERROR_SUCCESS` with `FLAGS_ERROR_UI_FILTER_FOR_ERRORS`, else
///   `ERROR_CANCELLED`.
///
/// `ERROR_INTERNET_FORCE_RETRY` (credentials entered) never comes back: nobody enters any.
pub fn error_dlg(has_window: bool, request: DialogRequest, error: u32, flags: u32) -> u32 {
    let no_ui = flags & FLAGS_ERROR_UI_FLAGS_NO_UI != 0;
    let filter = flags & FLAGS_ERROR_UI_FILTER_FOR_ERRORS != 0;
    if !has_window && !no_ui {
        return ERROR_INVALID_HANDLE;
    }
    let status = match request {
        DialogRequest::Invalid => return ERROR_INVALID_HANDLE,
        DialogRequest::OtherHandle => return ERROR_SUCCESS,
        DialogRequest::None => None,
        DialogRequest::Request { status } => Some(status),
    };
    let cancelled_unless = |ok: bool| if ok { ERROR_SUCCESS } else { ERROR_CANCELLED };
    match error {
        ERROR_SUCCESS | ERROR_INTERNET_INCORRECT_PASSWORD => {
            if error == ERROR_SUCCESS && !filter {
                return ERROR_SUCCESS;
            }
            match status {
                None => ERROR_INVALID_PARAMETER,
                Some(401 | 407) => ERROR_CANCELLED,
                Some(_) => ERROR_SUCCESS,
            }
        }
        ERROR_INTERNET_CLIENT_AUTH_CERT_NEEDED | ERROR_INTERNET_INSERT_CDROM
            if status.is_none() =>
        {
            ERROR_INVALID_PARAMETER
        }
        ERROR_INTERNET_CLIENT_AUTH_CERT_NEEDED
        | ERROR_INTERNET_SEC_CERT_ERRORS
        | ERROR_INTERNET_SEC_CERT_CN_INVALID
        | ERROR_INTERNET_SEC_CERT_DATE_INVALID
        | ERROR_INTERNET_INVALID_CA
        | ERROR_INTERNET_SEC_CERT_REV_FAILED
        | ERROR_INTERNET_SEC_CERT_REVOKED
        | ERROR_INTERNET_SEC_CERT_WEAK_SIGNATURE
        | ERROR_INTERNET_INSERT_CDROM
        | ERROR_HTTP_REDIRECT_NEEDS_CONFIRMATION
        | ERROR_INTERNET_BAD_AUTO_PROXY_SCRIPT
        | ERROR_INTERNET_UNABLE_TO_DOWNLOAD_SCRIPT
        | ERROR_INTERNET_MIXED_SECURITY
        | ERROR_INTERNET_HTTPS_HTTP_SUBMIT_REDIR => ERROR_CANCELLED,
        ERROR_HTTP_COOKIE_NEEDS_CONFIRMATION => {
            if no_ui {
                ERROR_HTTP_COOKIE_DECLINED
            } else {
                ERROR_CANCELLED
            }
        }
        ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR | ERROR_INTERNET_CHG_POST_IS_NON_SECURE => {
            cancelled_unless(no_ui)
        }
        ERROR_INTERNET_HTTP_TO_HTTPS_ON_REDIR | ERROR_INTERNET_POST_IS_NON_SECURE => ERROR_SUCCESS,
        _ => cancelled_unless(filter),
    }
}

/// The outstanding `InternetLockRequestFile` locks. The caller owns one per process.
#[derive(Debug, Default)]
pub struct RequestFileLocks {
    next: u64,
    locks: HashMap<u64, RequestFileLock>,
}

/// One lock: the file it keeps, how many times it was taken, and, when the file is a
/// committed cache entry, its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFileLock {
    /// The locked file (the request's `DATAFILE_NAME`).
    pub file: String,
    /// The cache entry locked with it (released by the last unlock).
    pub cache_url: Option<String>,
    /// Outstanding `InternetLockRequestFile` calls on this file.
    pub count: u32,
}

impl RequestFileLocks {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// `InternetLockRequestFile(request, &lock)`: the request's data file (`datafile`, its
    /// `DATAFILE_NAME`) is kept until the matching [`RequestFileLocks::unlock`], even after the
    /// request handle is closed. Locking the same file again returns the same handle and
    /// counts (Wine `InternetLockRequestFile_test`: `lock == lock2`, the file stays until the
    /// second unlock). When `url` names a committed cache entry with that file, the entry is
    /// locked too (as `RetrieveUrlCacheEntryFile` does, so a delete waits). No file →
    /// `ERROR_FILE_NOT_FOUND`. Returns the lock handle (never 0).
    pub fn lock(
        &mut self,
        cache: &mut UrlCache,
        url: &str,
        datafile: Option<&str>,
    ) -> Result<u64, u32> {
        let file = datafile.ok_or(ERROR_FILE_NOT_FOUND)?;
        if let Some((&handle, lock)) = self.locks.iter_mut().find(|(_, l)| l.file == file) {
            lock.count = lock.count.saturating_add(1);
            return Ok(handle);
        }
        let entry_file = cache
            .get_entry_info(
                Some(url),
                Charset::Ansi,
                Some(QueryBuffer::of(u32::MAX)),
                false,
                0,
            )
            .ok()
            .flatten()
            .and_then(|s| s.info.local_file_name);
        let cache_url = (entry_file.as_deref() == Some(file))
            .then(|| {
                cache
                    .retrieve_entry_file(Some(url), Charset::Ansi, QueryBuffer::of(u32::MAX))
                    .ok()
                    .map(|_| url.to_owned())
            })
            .flatten();
        self.next = self.next.wrapping_add(1).max(1);
        while self.locks.contains_key(&self.next) {
            self.next = self.next.wrapping_add(1).max(1);
        }
        self.locks.insert(
            self.next,
            RequestFileLock {
                file: file.to_owned(),
                cache_url,
                count: 1,
            },
        );
        Ok(self.next)
    }

    /// `InternetUnlockRequestFile(lock)`: releases one lock; the last one frees the file (and
    /// its cache entry lock). An unknown handle → `ERROR_INVALID_HANDLE`.
    pub fn unlock(&mut self, cache: &mut UrlCache, handle: u64) -> Result<(), u32> {
        let lock = self.locks.get_mut(&handle).ok_or(ERROR_INVALID_HANDLE)?;
        lock.count = lock.count.saturating_sub(1);
        if lock.count > 0 {
            return Ok(());
        }
        if let Some(lock) = self.locks.remove(&handle) {
            if let Some(url) = lock.cache_url {
                // The entry may have been deleted meanwhile; the lock is gone either way.
                let _ = cache.unlock_entry_file(Some(&url), 0);
            }
        }
        Ok(())
    }

    /// The lock behind a handle.
    pub fn get(&self, handle: u64) -> Option<&RequestFileLock> {
        self.locks.get(&handle)
    }

    /// Whether any lock keeps `file` (then deleting it must fail with
    /// `ERROR_SHARING_VIOLATION`).
    pub fn is_locked(&self, file: &str) -> bool {
        self.locks.values().any(|l| l.file == file)
    }
}

/// The last response of the calling thread, as `InternetGetLastResponseInfo` reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastResponse {
    /// `*lpdwError`: the error the text belongs to (e.g. an FTP reply code, 0 = none).
    pub error: u32,
    /// The server's text (FTP reply lines, CRLF-separated).
    pub text: String,
}

/// A successful `InternetGetLastResponseInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseText {
    /// The text to write (the shim adds the terminator).
    pub text: String,
    /// `*lpdwBufferLength` after the call: characters without the terminator.
    pub length: u32,
}

/// `InternetGetLastResponseInfo{A,W}(&error, buffer, &length)`: `*lpdwError` is always
/// `last.error` (the first value); lengths are in characters of the entry point's set. A
/// NULL length → 87; a NULL or too small buffer → `ERROR_INSUFFICIENT_BUFFER` with the
/// size needed including the terminator; success → the length without it.
pub fn last_response_info(
    last: &LastResponse,
    charset: Charset,
    buffer: QueryBuffer,
) -> (u32, Result<ResponseText, QueryFailure>) {
    let Some(capacity) = buffer.length else {
        return (
            last.error,
            Err(QueryFailure {
                code: ERROR_INVALID_PARAMETER,
                length: None,
            }),
        );
    };
    let chars = charset.char_len(&last.text);
    let required = chars.saturating_add(1);
    if !buffer.has_buffer || capacity < required {
        return (
            last.error,
            Err(QueryFailure {
                code: ERROR_INSUFFICIENT_BUFFER,
                length: Some(required),
            }),
        );
    }
    (
        last.error,
        Ok(ResponseText {
            text: last.text.clone(),
            length: chars,
        }),
    )
}

#[cfg(test)]
mod tests;
