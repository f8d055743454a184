//! `wininet-trace [--sync] URL`: opens `URL` (http, https, ftp, gopher) through the typed
//! WinINet API's `InternetOpenUrl`, prints every status notification as it arrives, then
//! what came back: the status line and headers (HTTP), the listing (an FTP directory or a
//! Gopher menu) or the byte count (a file). Exits 0 on success, 1 with the Windows error
//! name otherwise, 2 on bad usage.

use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use hinternet_net::headers::{OutBuffer, QueryValue};
use hinternet_net::wininet::api::{
    slot, FoundEntry, HandleValue, Status, StatusCallback, StatusInfo, VecBuffer, WinInet,
};
use windows_sys::Win32::Networking::WinInet as wi;

/// How long the asynchronous open may take before the tool gives up.
const WAIT: Duration = Duration::from_secs(120);

fn status_name(status: u32) -> String {
    let name = match status {
        wi::INTERNET_STATUS_RESOLVING_NAME => "RESOLVING_NAME",
        wi::INTERNET_STATUS_NAME_RESOLVED => "NAME_RESOLVED",
        wi::INTERNET_STATUS_CONNECTING_TO_SERVER => "CONNECTING_TO_SERVER",
        wi::INTERNET_STATUS_CONNECTED_TO_SERVER => "CONNECTED_TO_SERVER",
        wi::INTERNET_STATUS_SENDING_REQUEST => "SENDING_REQUEST",
        wi::INTERNET_STATUS_REQUEST_SENT => "REQUEST_SENT",
        wi::INTERNET_STATUS_RECEIVING_RESPONSE => "RECEIVING_RESPONSE",
        wi::INTERNET_STATUS_RESPONSE_RECEIVED => "RESPONSE_RECEIVED",
        wi::INTERNET_STATUS_REDIRECT => "REDIRECT",
        wi::INTERNET_STATUS_CLOSING_CONNECTION => "CLOSING_CONNECTION",
        wi::INTERNET_STATUS_CONNECTION_CLOSED => "CONNECTION_CLOSED",
        wi::INTERNET_STATUS_HANDLE_CREATED => "HANDLE_CREATED",
        wi::INTERNET_STATUS_HANDLE_CLOSING => "HANDLE_CLOSING",
        wi::INTERNET_STATUS_REQUEST_COMPLETE => "REQUEST_COMPLETE",
        _ => return format!("STATUS_{status}"),
    };
    name.to_owned()
}

fn error_name(code: u32) -> Option<&'static str> {
    use windows_sys::Win32::Foundation as f;
    Some(match code {
        f::ERROR_INVALID_PARAMETER => "ERROR_INVALID_PARAMETER",
        f::ERROR_INVALID_HANDLE => "ERROR_INVALID_HANDLE",
        f::ERROR_NO_MORE_FILES => "ERROR_NO_MORE_FILES",
        wi::ERROR_INTERNET_TIMEOUT => "ERROR_INTERNET_TIMEOUT",
        wi::ERROR_INTERNET_INTERNAL_ERROR => "ERROR_INTERNET_INTERNAL_ERROR",
        wi::ERROR_INTERNET_INVALID_URL => "ERROR_INTERNET_INVALID_URL",
        wi::ERROR_INTERNET_UNRECOGNIZED_SCHEME => "ERROR_INTERNET_UNRECOGNIZED_SCHEME",
        wi::ERROR_INTERNET_NAME_NOT_RESOLVED => "ERROR_INTERNET_NAME_NOT_RESOLVED",
        wi::ERROR_INTERNET_EXTENDED_ERROR => "ERROR_INTERNET_EXTENDED_ERROR",
        wi::ERROR_INTERNET_LOGIN_FAILURE => "ERROR_INTERNET_LOGIN_FAILURE",
        wi::ERROR_INTERNET_CANNOT_CONNECT => "ERROR_INTERNET_CANNOT_CONNECT",
        wi::ERROR_INTERNET_CONNECTION_ABORTED => "ERROR_INTERNET_CONNECTION_ABORTED",
        wi::ERROR_INTERNET_CONNECTION_RESET => "ERROR_INTERNET_CONNECTION_RESET",
        wi::ERROR_INTERNET_SEC_CERT_CN_INVALID => "ERROR_INTERNET_SEC_CERT_CN_INVALID",
        wi::ERROR_INTERNET_INVALID_CA => "ERROR_INTERNET_INVALID_CA",
        wi::ERROR_HTTP_INVALID_SERVER_RESPONSE => "ERROR_HTTP_INVALID_SERVER_RESPONSE",
        wi::ERROR_GOPHER_NOT_FILE => "ERROR_GOPHER_NOT_FILE",
        wi::ERROR_GOPHER_INCORRECT_LOCATOR_TYPE => "ERROR_GOPHER_INCORRECT_LOCATOR_TYPE",
        _ => return None,
    })
}

fn fail(code: u32) -> ExitCode {
    eprintln!("error {code} ({})", error_name(code).unwrap_or("unknown"));
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let mut sync = false;
    let mut url = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--sync" => sync = true,
            _ if url.is_none() => url = Some(arg),
            _ => url = None,
        }
    }
    let Some(url) = url else {
        eprintln!("usage: wininet-trace [--sync] URL");
        return ExitCode::from(2);
    };
    let api = WinInet::new();
    let flags = if sync { 0 } else { wi::INTERNET_FLAG_ASYNC };
    let root = api.internet_open(
        Some("wininet-trace"),
        wi::INTERNET_OPEN_TYPE_DIRECT,
        None,
        None,
        flags,
    );
    if root.ret == HandleValue::NULL {
        return fail(root.last_error.unwrap_or(0));
    }
    let (tx, rx) = mpsc::channel::<StatusInfo>();
    let tx = Mutex::new(tx);
    let callback: Arc<StatusCallback> = Arc::new(move |_: &WinInet, s: &Status| {
        println!("  {:<22} {:?}", status_name(s.status), s.info);
        if s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE {
            let _ = crate_lock(&tx).send(s.info.clone());
        }
    });
    let _ = api.internet_set_status_callback(root.ret, Some(callback));
    let opened = api.internet_open_url(root.ret, &url, None, wi::INTERNET_FLAG_RELOAD, 1);
    let handle = if opened.ret != HandleValue::NULL {
        opened.ret
    } else if opened.last_error == Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING) {
        match rx.recv_timeout(WAIT) {
            Ok(StatusInfo::AsyncResult { result, error: 0 }) => {
                HandleValue(u32::try_from(result).unwrap_or(0))
            }
            Ok(StatusInfo::AsyncResult { error, .. }) => return fail(error),
            _ => return fail(wi::ERROR_INTERNET_TIMEOUT),
        }
    } else {
        return fail(opened.last_error.unwrap_or(0));
    };
    let result = report(&api, handle, &rx);
    api.internet_close_handle(root.ret);
    api.engine().wait_quiescent();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => fail(code),
    }
}

fn crate_lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Prints what came back.
fn report(api: &WinInet, handle: HandleValue, rx: &mpsc::Receiver<StatusInfo>) -> Result<(), u32> {
    let raw = api.http_query_info(
        handle,
        wi::HTTP_QUERY_RAW_HEADERS_CRLF,
        None,
        OutBuffer::bytes(1 << 20),
        None,
    );
    if let Some(QueryValue::Text(units)) = raw.out.answer.map(|a| a.value) {
        print!("{}", String::from_utf16_lossy(&units));
    }
    if list(api, handle, rx)? {
        return Ok(());
    }
    let mut total = 0u64;
    // Bounded by the data: each round reads at least one byte or ends.
    loop {
        let buf = VecBuffer::new(64 * 1024);
        let count = slot();
        let r = api.internet_read_file(handle, buf, count.clone());
        let n = if r.ret {
            r.out
        } else if r.last_error == Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING) {
            match rx.recv_timeout(WAIT) {
                Ok(StatusInfo::AsyncResult { error: 0, .. }) => crate_lock(&count).unwrap_or(0),
                Ok(StatusInfo::AsyncResult { error, .. }) => return Err(error),
                _ => return Err(wi::ERROR_INTERNET_TIMEOUT),
            }
        } else {
            return Err(r.last_error.unwrap_or(0));
        };
        if n == 0 {
            break;
        }
        total += u64::from(n);
    }
    println!("{total} bytes");
    Ok(())
}

/// Walks a directory or menu URL with `InternetFindNextFile` (WI-R26), printing each entry;
/// `Ok(false)` when the handle is not a listing (`ERROR_INTERNET_INCORRECT_HANDLE_TYPE`).
/// Bounded by the listing: each round prints one entry or ends.
fn list(api: &WinInet, handle: HandleValue, rx: &mpsc::Receiver<StatusInfo>) -> Result<bool, u32> {
    use windows_sys::Win32::Foundation::{ERROR_IO_PENDING, ERROR_NO_MORE_FILES};
    loop {
        let entry = slot();
        let n = api.internet_find_next_file(handle, entry.clone());
        let found = if n.ret {
            true
        } else {
            match n.last_error {
                Some(ERROR_IO_PENDING) => match rx.recv_timeout(WAIT) {
                    Ok(StatusInfo::AsyncResult { error: 0, .. }) => true,
                    Ok(StatusInfo::AsyncResult {
                        error: ERROR_NO_MORE_FILES,
                        ..
                    }) => false,
                    Ok(StatusInfo::AsyncResult { error, .. }) => return Err(error),
                    _ => return Err(wi::ERROR_INTERNET_TIMEOUT),
                },
                Some(ERROR_NO_MORE_FILES) => false,
                Some(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE) => return Ok(false),
                other => return Err(other.unwrap_or(0)),
            }
        };
        if !found {
            return Ok(true);
        }
        let taken = crate_lock(&entry).take();
        match taken {
            Some(FoundEntry::Ftp(e)) => println!("{:>12} {}", e.size, e.file_name),
            Some(FoundEntry::Gopher(e)) => println!("{:>12} {}", e.gopher_type, e.display_string),
            None => return Err(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }
}
