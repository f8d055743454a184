//! WH-R20: on an asynchronous request, `WinHttpQueryDataAvailable` and `WinHttpReadData`
//! with the body bytes already buffered (or the body ended) complete inside the call:
//! `DATA_AVAILABLE` / `READ_COMPLETE` are delivered on the calling thread before the call
//! returns, with last error 0.

mod support;

use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use hinternet_net::winhttp::api::{StatusCallback, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_testservers::script::{self, Step};
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Networking::WinHttp as wh;

const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";

/// The completion notifications.
const COMPLETIONS: u32 = wh::WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE
    | wh::WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE
    | wh::WINHTTP_CALLBACK_FLAG_DATA_AVAILABLE
    | wh::WINHTTP_CALLBACK_FLAG_READ_COMPLETE
    | wh::WINHTTP_CALLBACK_FLAG_REQUEST_ERROR;

type Log = Arc<Mutex<Vec<(u32, ThreadId, Option<u32>)>>>;

fn logging() -> (StatusCallback, Log) {
    let log: Log = Arc::default();
    let l = log.clone();
    let cb: StatusCallback = Arc::new(move |_, _, status, info: &StatusInfo| {
        let n = match info {
            StatusInfo::Dword(d) => Some(*d),
            StatusInfo::Read { bytes, .. } => Some(*bytes),
            _ => None,
        };
        l.lock()
            .expect("test lock")
            .push((status, std::thread::current().id(), n));
    });
    (cb, log)
}

fn statuses_since(log: &Log, from: usize) -> Vec<(&'static str, bool, Option<u32>)> {
    let me = std::thread::current().id();
    log.lock().expect("test lock")[from..]
        .iter()
        .map(|&(s, t, n)| (support::winhttp::name(s), t == me, n))
        .collect()
}

#[test]
fn buffered_body_reads_complete_inline_on_the_calling_thread() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(RESPONSE.to_vec()),
        Step::Hang,
    ]]);
    let api = WinHttp::new().expect("runtime");
    let rec = support::winhttp::recorder();
    let (cb, log) = logging();
    let session = support::winhttp::async_session(&api);
    let connect = api
        .connect(session, Some("127.0.0.1"), server.handle.port())
        .ret;
    let request = api
        .open_request(connect, None, Some("/inline"), None, None, &[], 0)
        .ret;
    api.set_status_callback(request, Some(rec.callback.clone()), COMPLETIONS);
    assert!(api.send_request(request, None, &[], 0, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    assert!(api.engine().wait_quiescent());
    // From now on the logging callback: every notification must come inside the calls.
    api.set_status_callback(request, Some(cb), COMPLETIONS);
    let q = api.query_data_available(request);
    assert_eq!((q.ret, q.last_error), (true, Some(ERROR_SUCCESS)));
    assert_eq!(
        statuses_since(&log, 0),
        [("DATA_AVAILABLE", true, Some(10))],
        "DATA_AVAILABLE inside the call"
    );
    let buf = VecBuffer::new(4);
    let r = api.read_data(request, buf.clone(), 4);
    assert_eq!((r.ret, r.last_error), (true, Some(ERROR_SUCCESS)));
    assert_eq!(statuses_since(&log, 1), [("READ_COMPLETE", true, Some(4))]);
    assert_eq!(buf.prefix(4), b"0123");
    let buf = VecBuffer::new(64);
    assert!(api.read_data(request, buf.clone(), 64).ret);
    assert_eq!(statuses_since(&log, 2), [("READ_COMPLETE", true, Some(6))]);
    assert_eq!(buf.prefix(6), b"456789");
    // The end of the body: inline too, with 0.
    assert!(api.query_data_available(request).ret);
    assert!(api.read_data(request, buf.clone(), 64).ret);
    assert_eq!(
        statuses_since(&log, 3),
        [
            ("DATA_AVAILABLE", true, Some(0)),
            ("READ_COMPLETE", true, Some(0))
        ]
    );
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    drop(server);
    support::winhttp::finish(&api);
}

#[test]
fn a_read_that_must_wait_still_completes_on_a_worker() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".to_vec()),
        Step::Sleep(std::time::Duration::from_millis(100)),
        Step::Write(b"0123456789".to_vec()),
        Step::Hang,
    ]]);
    let api = WinHttp::new().expect("runtime");
    let rec = support::winhttp::recorder();
    let session = support::winhttp::async_session(&api);
    let connect = api
        .connect(session, Some("127.0.0.1"), server.handle.port())
        .ret;
    let request = api
        .open_request(connect, None, Some("/later"), None, None, &[], 0)
        .ret;
    api.set_status_callback(request, Some(rec.callback.clone()), COMPLETIONS);
    assert!(api.send_request(request, None, &[], 0, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    let buf = VecBuffer::new(64);
    let r = api.read_data(request, buf.clone(), 64);
    // WH-R20: queued, ERROR_IO_PENDING; the bytes come with READ_COMPLETE later.
    assert_eq!(
        (r.ret, r.last_error),
        (true, Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING))
    );
    let StatusInfo::Read { bytes, .. } =
        rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
    else {
        panic!("READ_COMPLETE without its buffer");
    };
    assert_eq!(buf.prefix(bytes as usize), &b"0123456789"[..bytes as usize]);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    drop(server);
    support::winhttp::finish(&api);
}
