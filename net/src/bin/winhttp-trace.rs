//! `winhttp-trace`: performs one request through the typed WinHTTP API and prints every
//! status callback as it arrives, then the status line, the response headers and the body
//! length. `ws://` / `wss://` URLs open a websocket, send `--send TEXT`, print the reply and
//! close.
//!
//! ```text
//! winhttp-trace [--sync] [-X METHOD] [-H 'Name: value']... [--insecure] [--send TEXT] URL
//! ```
//!
//! Exit status: 0 on a 2xx response (or a clean websocket close), 1 otherwise with the
//! Windows error name on stderr, 2 on bad arguments.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_net::winhttp::api::{Answer, Handle, StatusCallback, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_net::winhttp::names::{error_name, status_name};
use hinternet_net::winhttp::options::OptionValue;
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Networking::WinHttp as wh;

/// How long the tool waits for one asynchronous completion.
const WAIT: Duration = Duration::from_secs(120);
/// The read size.
const CHUNK: u32 = 64 * 1024;

struct Args {
    sync: bool,
    method: String,
    headers: Vec<String>,
    insecure: bool,
    send: String,
    url: String,
}

fn usage() -> ! {
    eprintln!(
        "usage: winhttp-trace [--sync] [-X METHOD] [-H 'Name: value']... [--insecure] \
         [--send TEXT] URL"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        sync: false,
        method: "GET".to_owned(),
        headers: Vec::new(),
        insecure: false,
        send: "hello".to_owned(),
        url: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sync" => args.sync = true,
            "--insecure" | "-k" => args.insecure = true,
            "-X" => args.method = it.next().unwrap_or_else(|| usage()),
            "-H" => args.headers.push(it.next().unwrap_or_else(|| usage())),
            "--send" => args.send = it.next().unwrap_or_else(|| usage()),
            "-h" | "--help" => usage(),
            _ if args.url.is_empty() && !a.starts_with('-') => args.url = a,
            _ => usage(),
        }
    }
    if args.url.is_empty() {
        usage();
    }
    args
}

/// The failure of a step: the Windows error.
struct Failed(&'static str, u32);

/// Drives the calls: in async mode each call is followed by a wait for its completion
/// notification (or `REQUEST_ERROR`).
struct Driver {
    api: WinHttp,
    sync: bool,
    rx: Mutex<mpsc::Receiver<(Handle, u32, StatusInfo)>>,
}

impl Driver {
    fn check(&self, what: &'static str, a: Answer<bool>) -> Result<(), Failed> {
        if a.ret {
            Ok(())
        } else {
            Err(Failed(what, a.last_error.unwrap_or(0)))
        }
    }

    /// Waits (async sessions) for `status` on `handle`; returns its info.
    fn wait(&self, what: &'static str, handle: Handle, status: u32) -> Result<StatusInfo, Failed> {
        if self.sync {
            return Ok(StatusInfo::None);
        }
        let rx = self.rx.lock().map_err(|_| Failed(what, 0))?;
        loop {
            let (h, s, info) = rx
                .recv_timeout(WAIT)
                .map_err(|_| Failed(what, wh::ERROR_WINHTTP_TIMEOUT))?;
            if h != handle {
                continue;
            }
            if s == status {
                return Ok(info);
            }
            if s == wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR {
                let code = match info {
                    StatusInfo::AsyncResult { error, .. } => error,
                    StatusInfo::WebSocketResult { error, .. } => error,
                    _ => 0,
                };
                return Err(Failed(what, code));
            }
        }
    }
}

fn print_notification(handle: Handle, _context: u64, status: u32, info: &StatusInfo) {
    println!("  [{:#06x}] {:<22} {info:?}", handle.0, status_name(status));
}

fn main() {
    let args = parse_args();
    let url = match url::Url::parse(&args.url) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("winhttp-trace: bad URL: {e}");
            std::process::exit(2)
        }
    };
    let api = match WinHttp::new() {
        Ok(api) => api,
        Err(e) => {
            eprintln!("winhttp-trace: cannot start the runtime: {e}");
            std::process::exit(1)
        }
    };
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let callback: StatusCallback = Arc::new(move |h, ctx, status, info: &StatusInfo| {
        print_notification(h, ctx, status, info);
        if let Ok(tx) = tx.lock() {
            let _ = tx.send((h, status, info.clone()));
        }
    });
    let driver = Driver {
        api,
        sync: args.sync,
        rx: Mutex::new(rx),
    };
    let code = match run(&driver, &args, &url, callback) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(Failed(what, code)) => {
            eprintln!(
                "winhttp-trace: {what} failed: {} ({code})",
                error_name(code)
            );
            1
        }
    };
    driver.api.engine().wait_quiescent();
    drop(driver);
    std::process::exit(code);
}

fn run(d: &Driver, args: &Args, url: &url::Url, callback: StatusCallback) -> Result<bool, Failed> {
    let api = &d.api;
    let scheme = url.scheme();
    let secure = matches!(scheme, "https" | "wss");
    let websocket = matches!(scheme, "ws" | "wss");
    if !matches!(scheme, "http" | "https" | "ws" | "wss") {
        return Err(Failed("URL", wh::ERROR_WINHTTP_UNRECOGNIZED_SCHEME));
    }
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let port = url.port_or_known_default().unwrap_or(0);
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let flags = if d.sync { 0 } else { wh::WINHTTP_FLAG_ASYNC };
    let session = api.open(
        Some("winhttp-trace"),
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        None,
        None,
        flags,
    );
    if session.ret.is_null() {
        return Err(Failed("WinHttpOpen", session.last_error.unwrap_or(0)));
    }
    let session = session.ret;
    api.set_status_callback(
        session,
        Some(callback),
        wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
    );
    let result = (|| {
        let connect = api.connect(session, Some(host), port);
        if connect.ret.is_null() {
            return Err(Failed("WinHttpConnect", connect.last_error.unwrap_or(0)));
        }
        let connect = connect.ret;
        let request = api.open_request(
            connect,
            Some(&args.method),
            Some(&path),
            None,
            None,
            &[],
            if secure { wh::WINHTTP_FLAG_SECURE } else { 0 },
        );
        if request.ret.is_null() {
            return Err(Failed(
                "WinHttpOpenRequest",
                request.last_error.unwrap_or(0),
            ));
        }
        let request = request.ret;
        let outcome = request_steps(d, args, request, secure, websocket);
        api.close_handle(request);
        api.close_handle(connect);
        outcome
    })();
    api.close_handle(session);
    result
}

fn request_steps(
    d: &Driver,
    args: &Args,
    request: Handle,
    secure: bool,
    websocket: bool,
) -> Result<bool, Failed> {
    let api = &d.api;
    for h in &args.headers {
        d.check(
            "WinHttpAddRequestHeaders",
            api.add_request_headers(request, h, wh::WINHTTP_ADDREQ_FLAG_ADD),
        )?;
    }
    if secure && args.insecure {
        let ignore = OptionValue::Dword(
            wh::SECURITY_FLAG_IGNORE_UNKNOWN_CA
                | wh::SECURITY_FLAG_IGNORE_CERT_CN_INVALID
                | wh::SECURITY_FLAG_IGNORE_CERT_DATE_INVALID
                | wh::SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE,
        );
        d.check(
            "WinHttpSetOption(SECURITY_FLAGS)",
            api.set_option(request, wh::WINHTTP_OPTION_SECURITY_FLAGS, Some(&ignore), 4),
        )?;
    }
    if websocket {
        d.check(
            "WinHttpSetOption(UPGRADE_TO_WEB_SOCKET)",
            api.set_option(request, wh::WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, None, 0),
        )?;
    }
    d.check(
        "WinHttpSendRequest",
        api.send_request(request, None, &[], 0, None),
    )?;
    d.wait(
        "WinHttpSendRequest",
        request,
        wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
    )?;
    d.check("WinHttpReceiveResponse", api.receive_response(request))?;
    d.wait(
        "WinHttpReceiveResponse",
        request,
        wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
    )?;
    let raw = api.query_headers(
        request,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF,
        None,
        Some(1 << 20),
        0,
        None,
    );
    let head = match raw.out.value {
        Some(hinternet_net::headers::QueryValue::Text(t)) => String::from_utf16_lossy(&t),
        _ => return Err(Failed("WinHttpQueryHeaders", raw.last_error.unwrap_or(0))),
    };
    print!("{head}");
    let status: u32 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if websocket {
        return websocket_steps(d, args, request);
    }
    let mut total: u64 = 0;
    for _ in 0..u32::MAX {
        let buffer = VecBuffer::new(CHUNK as usize);
        let read = api.read_data(request, buffer, CHUNK);
        d.check("WinHttpReadData", read.clone().map_out())?;
        let n = if d.sync {
            read.out
        } else {
            match d.wait(
                "WinHttpReadData",
                request,
                wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
            )? {
                StatusInfo::Read { bytes, .. } => bytes,
                _ => 0,
            }
        };
        if n == 0 {
            break;
        }
        total += u64::from(n);
    }
    println!("body: {total} bytes");
    if !(200..300).contains(&status) {
        eprintln!("winhttp-trace: HTTP status {status}");
    }
    Ok((200..300).contains(&status))
}

fn websocket_steps(d: &Driver, args: &Args, request: Handle) -> Result<bool, Failed> {
    let api = &d.api;
    let ws = api.web_socket_complete_upgrade(request, 1);
    if ws.ret.is_null() {
        return Err(Failed(
            "WinHttpWebSocketCompleteUpgrade",
            ws.last_error.unwrap_or(0),
        ));
    }
    let ws = ws.ret;
    let dword = |what, code: u32| {
        if code == ERROR_SUCCESS {
            Ok(())
        } else {
            Err(Failed(what, code))
        }
    };
    let outcome = (|| {
        dword(
            "WinHttpWebSocketSend",
            api.web_socket_send(
                ws,
                wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
                args.send.as_bytes(),
            )
            .ret,
        )?;
        d.wait(
            "WinHttpWebSocketSend",
            ws,
            wh::WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
        )?;
        let buffer = VecBuffer::new(CHUNK as usize);
        let got = api.web_socket_receive(ws, buffer.clone(), CHUNK);
        dword("WinHttpWebSocketReceive", got.ret)?;
        let n = if d.sync {
            got.out.bytes
        } else {
            match d.wait(
                "WinHttpWebSocketReceive",
                ws,
                wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
            )? {
                StatusInfo::WebSocketStatus { bytes, .. } => bytes,
                _ => 0,
            }
        };
        println!(
            "received: {}",
            String::from_utf8_lossy(&buffer.prefix(n as usize))
        );
        dword(
            "WinHttpWebSocketClose",
            api.web_socket_close(ws, 1000, b"bye").ret,
        )?;
        d.wait(
            "WinHttpWebSocketClose",
            ws,
            wh::WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
        )?;
        let status = api.web_socket_query_close_status(ws);
        match status.out {
            Some((code, reason)) => {
                println!(
                    "close status: {code} {:?}",
                    String::from_utf8_lossy(&reason)
                );
                Ok(code == 1000)
            }
            None => Err(Failed("WinHttpWebSocketQueryCloseStatus", status.ret)),
        }
    })();
    api.close_handle(ws);
    outcome
}
