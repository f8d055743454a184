//! The fuzz body of `winhttp_server_bytes`: arbitrary server bytes, served by a loopback
//! listener on 127.0.0.1, to a real request through the typed WinHTTP API.
//!
//! [`fuzz_server_bytes`] opens a synchronous session with 100 ms timeouts (and redirects
//! and keep-alive disabled, so no input can send the client anywhere but the listener),
//! sends one request, and runs `ReceiveResponse`, `QueryHeaders` (status, raw headers, a
//! custom header), then `QueryDataAvailable`/`ReadData` to the end. It asserts that nothing
//! panics, that every failed call reports an error from [`ALLOWED_ERRORS`], that no read
//! returns more than its buffer, and that the engine is empty once the handles are closed.
//! Always compiled, so the corpus replay test and the fuzz crate call the same function.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER;
use windows_sys::Win32::Networking::WinHttp as wh;

use super::WinHttp;
use crate::winhttp::exec::VecBuffer;
use crate::winhttp::options::OptionValue;

/// The errors a request against a hostile server may end with.
pub const ALLOWED_ERRORS: [u32; 6] = [
    wh::ERROR_WINHTTP_TIMEOUT,
    wh::ERROR_WINHTTP_CONNECTION_ERROR,
    wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
    wh::ERROR_WINHTTP_HEADER_NOT_FOUND,
    wh::ERROR_WINHTTP_INVALID_HEADER,
    ERROR_INSUFFICIENT_BUFFER,
];

/// Every timeout of the fuzzed request (milliseconds).
const TIMEOUT_MS: u32 = 100;
/// The same, as `WinHttpSetTimeouts` takes it.
const TIMEOUT_MS_INT: i32 = 100;
/// How long the listener waits for the client to connect or to send its head.
const SERVER_WAIT: Duration = Duration::from_millis(500);

fn api() -> Option<&'static WinHttp> {
    static API: OnceLock<Option<WinHttp>> = OnceLock::new();
    API.get_or_init(|| WinHttp::new().ok()).as_ref()
}

fn check(ret: bool, last_error: Option<u32>, call: &str) -> bool {
    if !ret {
        let code = last_error.unwrap_or(0);
        assert!(
            ALLOWED_ERRORS.contains(&code),
            "{call} failed with {code}, not an allowed error"
        );
    }
    ret
}

/// Accepts one connection (bounded wait), reads the request head (bounded), writes `reply`,
/// closes its sending side and drains until the client closes or the wait ends.
fn serve_once(listener: TcpListener, reply: Vec<u8>) {
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    let deadline = Instant::now() + SERVER_WAIT;
    let mut stream: TcpStream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Err(_) => return,
        }
    };
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(SERVER_WAIT));
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    let _ = stream.write_all(&reply);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let drain_until = Instant::now() + SERVER_WAIT;
    while Instant::now() < drain_until {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Feeds `bytes` to a real WinHTTP request; see the module docs. The first byte (when
/// present) picks the verb (`GET`/`HEAD`) and the read buffer size; the rest is what the
/// server sends.
pub fn fuzz_server_bytes(bytes: &[u8]) {
    let (control, reply) = match bytes.split_first() {
        Some((&c, rest)) => (c, rest),
        None => (0, bytes),
    };
    let Some(api) = api() else {
        return;
    };
    let Ok(listener) = TcpListener::bind("127.0.0.1:0") else {
        return;
    };
    let Ok(port) = listener.local_addr().map(|a| a.port()) else {
        return;
    };
    let reply = reply.to_vec();
    let Ok(server) = std::thread::Builder::new()
        .name("fuzz-server".into())
        .spawn(move || serve_once(listener, reply))
    else {
        return;
    };
    let verb = if control & 1 == 0 { "GET" } else { "HEAD" };
    let out_len = [1u32, 7, 64, 4096][usize::from((control >> 1) & 3)];
    let session = api.open(
        Some("fuzz"),
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        None,
        None,
        0,
    );
    assert!(!session.ret.is_null(), "WinHttpOpen: {session:?}");
    let session = session.ret;
    assert!(
        api.set_timeouts(
            session,
            TIMEOUT_MS_INT,
            TIMEOUT_MS_INT,
            TIMEOUT_MS_INT,
            TIMEOUT_MS_INT
        )
        .ret
    );
    let short = OptionValue::Dword(TIMEOUT_MS);
    let option = wh::WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT;
    assert!(api.set_option(session, option, Some(&short), 4).ret);
    let connect = api.connect(session, Some("127.0.0.1"), port).ret;
    assert!(!connect.is_null());
    let request = api
        .open_request(connect, Some(verb), Some("/"), None, None, &[], 0)
        .ret;
    assert!(!request.is_null());
    let disable =
        OptionValue::Dword(wh::WINHTTP_DISABLE_REDIRECTS | wh::WINHTTP_DISABLE_KEEP_ALIVE);
    let option = wh::WINHTTP_OPTION_DISABLE_FEATURE;
    assert!(api.set_option(request, option, Some(&disable), 4).ret);
    exercise(api, request, out_len);
    for handle in [request, connect, session] {
        assert!(api.close_handle(handle).ret, "CloseHandle");
    }
    assert!(api.engine().wait_quiescent(), "engine quiescent");
    assert!(api.engine().is_empty(), "engine empty after close");
    let _ = server.join();
}

fn exercise(api: &WinHttp, request: super::Handle, out_len: u32) {
    let sent = api.send_request(request, None, &[], 0, None);
    if !check(sent.ret, sent.last_error, "SendRequest") {
        return;
    }
    let received = api.receive_response(request);
    if !check(received.ret, received.last_error, "ReceiveResponse") {
        return;
    }
    for (level, name) in [
        (
            wh::WINHTTP_QUERY_STATUS_CODE | wh::WINHTTP_QUERY_FLAG_NUMBER,
            None,
        ),
        (wh::WINHTTP_QUERY_RAW_HEADERS_CRLF, None),
        (wh::WINHTTP_QUERY_CUSTOM, Some("Content-Type")),
    ] {
        let q = api.query_headers(request, level, name, Some(1 << 20), 0, None);
        check(q.ret, q.last_error, "QueryHeaders");
    }
    let buffer = VecBuffer::new(out_len as usize);
    for _ in 0..100_000 {
        let available = api.query_data_available(request);
        if !check(available.ret, available.last_error, "QueryDataAvailable") {
            return;
        }
        let read = api.read_data(request, buffer.clone(), out_len);
        if !check(read.ret, read.last_error, "ReadData") {
            return;
        }
        assert!(read.out <= out_len, "read {} into {out_len}", read.out);
        if read.out == 0 {
            return;
        }
    }
}
