//! The hostile-server catalogue through the typed WinHTTP API, synchronous and asynchronous:
//! each malformed, truncated, reset, stalling or lying server gets the exact Windows error
//! from the exact call, nothing panics, the engine is empty afterwards and the process's file
//! descriptors are back to their baseline.
//!
//! Everything runs in one test function so that no other test of this binary opens sockets
//! while the descriptors are counted.

mod support;

use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use hinternet_net::winhttp::api::{Handle, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_net::winhttp::options::OptionValue;
use hinternet_testservers::script::{self, Step};
use support::fds::{open_descriptors, settle_descriptors};
use support::winhttp::*;
use windows_sys::Win32::Networking::WinHttp as wh;

/// The call of a request's life that failed (or `Done` when none did).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Send,
    Receive,
    Read,
    Upgrade,
    WsReceive,
    Done,
}

struct Case {
    name: &'static str,
    script: Vec<Step>,
    secure: bool,
    websocket: bool,
    expect: (Stage, u32),
}

/// The receive-response timeout the stalling cases run under (milliseconds).
const SHORT_MS: u32 = 300;

fn head_then(reply: &[u8], after: Step) -> Vec<Step> {
    vec![Step::ReadHead, Step::Write(reply.to_vec()), after]
}

fn websocket_then(frames: &[u8]) -> Vec<Step> {
    vec![
        Step::ReadHead,
        Step::AcceptWebSocket,
        Step::Write(frames.to_vec()),
        Step::Hang,
    ]
}

fn catalogue() -> Vec<Case> {
    let bad = wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    let reset = wh::ERROR_WINHTTP_CONNECTION_ERROR;
    let timeout = wh::ERROR_WINHTTP_TIMEOUT;
    let mut megabyte = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..16_384 {
        megabyte.extend_from_slice(format!("X-Filler-{i:05}: {}\r\n", "a".repeat(48)).as_bytes());
    }
    megabyte.extend_from_slice(b"\r\n");
    let case = |name, script, expect| Case {
        name,
        script,
        secure: false,
        websocket: false,
        expect,
    };
    let ws_case = |name, script, expect| Case {
        name,
        script,
        secure: false,
        websocket: true,
        expect,
    };
    vec![
        case(
            "no status line",
            head_then(b"hello there\r\n\r\n", Step::Hang),
            (Stage::Receive, bad),
        ),
        case(
            "garbage status",
            head_then(b"HTTP/1.1 2x0 OK\r\n\r\n", Step::Hang),
            (Stage::Receive, bad),
        ),
        case(
            "bad chunk size",
            head_then(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n0\r\n\r\n",
                Step::Hang,
            ),
            (Stage::Read, bad),
        ),
        case(
            "overflowing chunk size",
            head_then(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nabc\r\n",
                Step::Hang,
            ),
            (Stage::Read, bad),
        ),
        case(
            "1 MB of headers",
            head_then(&megabyte, Step::Hang),
            (Stage::Receive, bad),
        ),
        case(
            "header line without a colon",
            head_then(b"HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", Step::Hang),
            (Stage::Receive, bad),
        ),
        case(
            "reset mid-headers",
            vec![
                Step::ReadHead,
                Step::Write(b"HTTP/1.1 200 OK\r\nX-Half: ".to_vec()),
                Step::Sleep(Duration::from_millis(50)),
                Step::Reset,
            ],
            (Stage::Receive, reset),
        ),
        case(
            "reset mid-body",
            vec![
                Step::ReadHead,
                Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..".to_vec()),
                Step::Sleep(Duration::from_millis(100)),
                Step::Reset,
            ],
            (Stage::Read, reset),
        ),
        case(
            "early close on keep-alive",
            head_then(
                b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..",
                Step::Close,
            ),
            (Stage::Read, reset),
        ),
        case(
            "slowloris head",
            vec![
                Step::ReadHead,
                Step::Trickle(
                    b"HTTP/1.1 200 OK\r\nX-Slow: yes\r\n\r\n".to_vec(),
                    Duration::from_millis(100),
                ),
                Step::Hang,
            ],
            (Stage::Receive, timeout),
        ),
        case(
            "silent server",
            vec![Step::ReadHead, Step::Hang],
            (Stage::Receive, timeout),
        ),
        Case {
            name: "TLS handshake cut off",
            script: vec![Step::ReadSome, Step::Close],
            secure: true,
            websocket: false,
            expect: (Stage::Send, wh::ERROR_WINHTTP_SECURE_CHANNEL_ERROR),
        },
        ws_case(
            "wrong websocket accept key",
            head_then(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
                Step::Hang,
            ),
            (Stage::Upgrade, bad),
        ),
        ws_case(
            "oversized websocket frame",
            websocket_then(&[0x82, 0x7f, 0x40, 0, 0, 0, 0, 0, 0, 0]),
            (Stage::WsReceive, bad),
        ),
        ws_case(
            "masked server frame",
            websocket_then(&[0x82, 0x82, 1, 2, 3, 4, 0x10, 0x20]),
            (Stage::WsReceive, bad),
        ),
        ws_case(
            "invalid UTF-8 text message",
            websocket_then(&[0x81, 0x02, 0xff, 0xfe]),
            (Stage::WsReceive, bad),
        ),
    ]
}

/// Opens session, connect and request for `case` on `port`, with short timeouts.
fn open(api: &WinHttp, case: &Case, port: u16, rec: Option<&Recorder>) -> [Handle; 3] {
    let flags = if rec.is_some() {
        wh::WINHTTP_FLAG_ASYNC
    } else {
        0
    };
    let session = api.open(Some("hostile"), 0, None, None, flags).ret;
    assert!(!session.is_null());
    if let Some(rec) = rec {
        let all = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;
        let set = api.set_status_callback(session, Some(rec.callback.clone()), all);
        assert!(set.ret.is_ok());
    }
    assert!(api.set_timeouts(session, 0, 2000, 2000, 2000).ret);
    let short = OptionValue::Dword(SHORT_MS);
    let set = api.set_option(
        session,
        wh::WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
        Some(&short),
        4,
    );
    assert!(set.ret, "{set:?}");
    let connect = api.connect(session, Some("127.0.0.1"), port).ret;
    assert!(!connect.is_null());
    let secure = if case.secure {
        wh::WINHTTP_FLAG_SECURE
    } else {
        0
    };
    let request = api
        .open_request(connect, None, Some("/"), None, None, &[], secure)
        .ret;
    assert!(!request.is_null());
    if case.websocket {
        let set = api.set_option(request, wh::WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, None, 0);
        assert!(set.ret, "{set:?}");
    }
    [request, connect, session]
}

/// The error of a failed call (its last error, never 0).
fn code_of(last_error: Option<u32>) -> u32 {
    let code = last_error.unwrap_or(0);
    assert_ne!(code, 0, "a failed call sets a last error");
    code
}

fn run_sync(api: &WinHttp, case: &Case, port: u16) -> (Stage, u32) {
    let handles = open(api, case, port, None);
    let request = handles[0];
    let outcome = sync_outcome(api, request, case);
    for h in handles {
        assert!(api.close_handle(h).ret);
    }
    outcome
}

fn sync_outcome(api: &WinHttp, request: Handle, case: &Case) -> (Stage, u32) {
    let sent = api.send_request(request, None, &[], 0, None);
    if !sent.ret {
        return (Stage::Send, code_of(sent.last_error));
    }
    let received = api.receive_response(request);
    if !received.ret {
        return (Stage::Receive, code_of(received.last_error));
    }
    if case.websocket {
        let ws = api.web_socket_complete_upgrade(request, 0);
        if ws.ret.is_null() {
            return (Stage::Upgrade, code_of(ws.last_error));
        }
        let buf = VecBuffer::new(1024);
        let mut outcome = (Stage::Done, 0);
        for _ in 0..100 {
            let got = api.web_socket_receive(ws.ret, buf.clone(), 1024);
            if got.ret != 0 {
                outcome = (Stage::WsReceive, got.ret);
                break;
            }
        }
        assert!(api.close_handle(ws.ret).ret);
        return outcome;
    }
    let buf = VecBuffer::new(4096);
    for _ in 0..10_000 {
        let read = api.read_data(request, buf.clone(), 4096);
        if !read.ret {
            return (Stage::Read, code_of(read.last_error));
        }
        if read.out == 0 {
            break;
        }
    }
    (Stage::Done, 0)
}

/// Waits for `done` or REQUEST_ERROR on `handle`; `Err(code)` for an error.
fn wait(rec: &Recorder, handle: Handle, done: u32) -> Result<StatusInfo, u32> {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (h, status, info) = match rec.rx.recv_timeout(left) {
            Ok(seen) => seen,
            Err(RecvTimeoutError::Timeout) => panic!("no {} on {handle:?}", name(done)),
            Err(RecvTimeoutError::Disconnected) => panic!("recorder gone"),
        };
        if h != handle {
            continue;
        }
        if status == done {
            return Ok(info);
        }
        if status == wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR {
            return Err(match info {
                StatusInfo::AsyncResult { error, .. } => error,
                StatusInfo::WebSocketResult { error, .. } => error,
                other => panic!("REQUEST_ERROR without a result: {other:?}"),
            });
        }
    }
}

fn run_async(api: &WinHttp, case: &Case, port: u16) -> (Stage, u32) {
    let rec = recorder();
    let handles = open(api, case, port, Some(&rec));
    let request = handles[0];
    let outcome = async_outcome(api, &rec, request, case);
    for h in handles {
        assert!(api.close_handle(h).ret);
    }
    outcome
}

fn async_outcome(api: &WinHttp, rec: &Recorder, request: Handle, case: &Case) -> (Stage, u32) {
    let sent = api.send_request(request, None, &[], 0, None);
    if !sent.ret {
        return (Stage::Send, code_of(sent.last_error));
    }
    if let Err(code) = wait(
        rec,
        request,
        wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
    ) {
        return (Stage::Send, code);
    }
    let received = api.receive_response(request);
    if !received.ret {
        return (Stage::Receive, code_of(received.last_error));
    }
    if let Err(code) = wait(rec, request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) {
        return (Stage::Receive, code);
    }
    if case.websocket {
        let ws = api.web_socket_complete_upgrade(request, 0);
        if ws.ret.is_null() {
            return (Stage::Upgrade, code_of(ws.last_error));
        }
        let buf = VecBuffer::new(1024);
        let mut outcome = (Stage::Done, 0);
        for _ in 0..100 {
            let got = api.web_socket_receive(ws.ret, buf.clone(), 1024);
            if got.ret != 0 {
                outcome = (Stage::WsReceive, got.ret);
                break;
            }
            if let Err(code) = wait(rec, ws.ret, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE) {
                outcome = (Stage::WsReceive, code);
                break;
            }
        }
        assert!(api.close_handle(ws.ret).ret);
        return outcome;
    }
    let buf = VecBuffer::new(4096);
    for _ in 0..10_000 {
        let read = api.read_data(request, buf.clone(), 4096);
        if !read.ret {
            return (Stage::Read, code_of(read.last_error));
        }
        match wait(rec, request, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE) {
            Err(code) => return (Stage::Read, code),
            Ok(StatusInfo::Read { bytes: 0, .. }) => break,
            Ok(_) => {}
        }
    }
    (Stage::Done, 0)
}

#[test]
fn hostile_servers_through_the_typed_api_sync_and_async() {
    let baseline = open_descriptors();
    assert!(baseline > 0, "/proc/self/fd is readable");
    let mut failures = Vec::new();
    for asynchronous in [false, true] {
        for case in catalogue() {
            let server = script::start(vec![case.script.clone()]);
            let api = WinHttp::new().expect("runtime");
            let got = if asynchronous {
                run_async(&api, &case, server.handle.port())
            } else {
                run_sync(&api, &case, server.handle.port())
            };
            finish(&api);
            drop(api);
            drop(server);
            let mode = if asynchronous { "async" } else { "sync" };
            if got != case.expect {
                failures.push(format!(
                    "{mode} {}: got {got:?}, want {:?}",
                    case.name, case.expect
                ));
            }
            let now = settle_descriptors(baseline, Duration::from_secs(5));
            if now > baseline {
                failures.push(format!(
                    "{mode} {}: {now} descriptors open after, {baseline} before",
                    case.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
