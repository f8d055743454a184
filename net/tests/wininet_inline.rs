//! WI-R18 / WI-R21: `InternetQueryDataAvailable` and `InternetReadFile` on an HTTP
//! request whose body bytes are already buffered return `TRUE` at once, with no
//! notification, in asynchronous and synchronous sessions.

mod support;

use hinternet_net::wininet::api::{slot, HandleValue, StatusInfo, VecBuffer, WinInet};
use hinternet_testservers::script::{self, Step};
use support::wininet::*;
use windows_sys::Win32::Networking::WinInet as wi;

const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";

fn buffered_reads(async_mode: bool) {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(RESPONSE.to_vec()),
        Step::Hang,
    ]]);
    let api = WinInet::new();
    let flags = if async_mode {
        wi::INTERNET_FLAG_ASYNC
    } else {
        0
    };
    let root = api
        .internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, flags)
        .ret;
    let (cb, rec, rx) = recording();
    api.internet_set_status_callback(root, Some(cb)).ret.ok();
    let c = api
        .internet_connect(
            root,
            Some("127.0.0.1"),
            server.handle.port(),
            None,
            None,
            wi::INTERNET_SERVICE_HTTP,
            0,
            1,
        )
        .ret;
    let r: HandleValue = api
        .http_open_request(c, None, Some("/inline"), None, None, &[], 0, 2)
        .ret;
    let sent = api.http_send_request(r, None, &[]);
    if async_mode {
        let done = next_complete(&rx);
        assert_eq!(
            done.info,
            StatusInfo::AsyncResult {
                result: 1,
                error: 0
            }
        );
    } else {
        assert!(sent.ret);
    }
    assert!(api.engine().wait_quiescent());
    rec.clear();
    let q = api.internet_query_data_available(r, slot());
    assert_eq!((q.ret, q.out), (true, 10));
    let buf = VecBuffer::new(4);
    let a = api.internet_read_file(r, buf.clone(), slot());
    assert_eq!((a.ret, a.out), (true, 4));
    assert_eq!(buf.prefix(4), b"0123");
    let buf = VecBuffer::new(64);
    let a = api.internet_read_file(r, buf.clone(), slot());
    assert_eq!((a.ret, a.out), (true, 6));
    assert_eq!(buf.prefix(6), b"456789");
    // The end: TRUE with 0 bytes.
    let a = api.internet_read_file(r, buf.clone(), slot());
    assert_eq!((a.ret, a.out), (true, 0));
    let q = api.internet_query_data_available(r, slot());
    assert_eq!((q.ret, q.out), (true, 0));
    // WI-R21: served from the buffer, no notification at all.
    assert_eq!(names(&rec.statuses()), Vec::<&str>::new());
    api.internet_close_handle(root);
    drop(server);
    finish(&api);
}

#[test]
fn wi_r18_async_buffered_reads_return_true_at_once_without_notifications() {
    buffered_reads(true);
}

#[test]
fn wi_r18_sync_buffered_reads_return_true_at_once_without_notifications() {
    buffered_reads(false);
}

/// A response whose 15-byte body comes in three parts with pauses between them.
fn three_part_server() -> script::ScriptServer {
    let pause = std::time::Duration::from_millis(500);
    script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n01234".to_vec()),
        Step::Sleep(pause),
        Step::Write(b"56789".to_vec()),
        Step::Sleep(pause),
        Step::Write(b"abcde".to_vec()),
        Step::Hang,
    ]])
}

/// Opens a session, sends GET / to `port` and waits for the response; the request and
/// the recorder's receiver.
fn sent_request(
    api: &WinInet,
    port: u16,
    async_mode: bool,
) -> (
    HandleValue,
    HandleValue,
    std::sync::mpsc::Receiver<hinternet_net::wininet::api::Status>,
) {
    let flags = if async_mode {
        wi::INTERNET_FLAG_ASYNC
    } else {
        0
    };
    let root = api
        .internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, flags)
        .ret;
    let (cb, _rec, rx) = recording();
    api.internet_set_status_callback(root, Some(cb)).ret.ok();
    let c = api
        .internet_connect(
            root,
            Some("127.0.0.1"),
            port,
            None,
            None,
            wi::INTERNET_SERVICE_HTTP,
            0,
            1,
        )
        .ret;
    let r = api
        .http_open_request(c, None, Some("/parts"), None, None, &[], 0, 2)
        .ret;
    let sent = api.http_send_request(r, None, &[]);
    if async_mode {
        assert_eq!(
            next_complete(&rx).info,
            StatusInfo::AsyncResult {
                result: 1,
                error: 0
            }
        );
    } else {
        assert!(sent.ret, "{:?}", sent.last_error);
    }
    assert!(api.engine().wait_quiescent());
    (root, r, rx)
}

#[test]
fn wi_r31_sync_no_wait_read_returns_what_arrived_without_filling_the_buffer() {
    let server = three_part_server();
    let api = WinInet::new();
    let (root, r, _rx) = sent_request(&api, server.handle.port(), false);
    // The first part came with the head: returned at once.
    let buf = VecBuffer::new(15);
    let a = api.internet_read_file_ex(r, buf.clone(), slot(), wi::IRF_NO_WAIT);
    assert_eq!((a.ret, a.last_error, a.out), (true, None, 5));
    assert_eq!(buf.prefix(5), b"01234");
    // Nothing buffered: the first bytes to arrive, not a full buffer (a plain read would
    // wait for all 10 remaining bytes).
    let buf = VecBuffer::new(15);
    let a = api.internet_read_file_ex(r, buf.clone(), slot(), wi::IRF_NO_WAIT);
    assert_eq!((a.ret, a.last_error, a.out), (true, None, 5));
    assert_eq!(buf.prefix(5), b"56789");
    // Without IRF_NO_WAIT the read waits for the rest of the body.
    let buf = VecBuffer::new(15);
    let a = api.internet_read_file_ex(r, buf.clone(), slot(), 0);
    assert_eq!((a.ret, a.out), (true, 5));
    assert_eq!(buf.prefix(5), b"abcde");
    let a = api.internet_read_file_ex(r, buf.clone(), slot(), wi::IRF_NO_WAIT);
    assert_eq!((a.ret, a.out), (true, 0));
    api.internet_close_handle(root);
    drop(server);
    finish(&api);
}

#[test]
fn wi_r31_async_no_wait_read_pends_without_filling_and_the_next_read_takes_the_bytes() {
    let server = three_part_server();
    let api = WinInet::new();
    let (root, r, rx) = sent_request(&api, server.handle.port(), true);
    let buf = VecBuffer::new(15);
    let a = api.internet_read_file_ex(r, buf.clone(), slot(), wi::IRF_NO_WAIT);
    assert_eq!((a.ret, a.last_error, a.out), (true, None, 5));
    assert_eq!(buf.prefix(5), b"01234");
    let mut body = b"01234".to_vec();
    for part in [&b"56789"[..], b"abcde"] {
        // Nothing buffered: FALSE + ERROR_IO_PENDING; the completion fills neither the
        // buffer nor the count (Wine: async_read without a buffer).
        let buf = VecBuffer::new(15);
        let count = slot();
        let a = api.internet_read_file_ex(r, buf.clone(), count.clone(), wi::IRF_NO_WAIT);
        assert_eq!(
            (a.ret, a.last_error),
            (
                false,
                Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING)
            )
        );
        assert_eq!(
            next_complete(&rx).info,
            StatusInfo::AsyncResult {
                result: 1,
                error: 0
            }
        );
        assert_eq!(*count.lock().expect("not poisoned"), None);
        assert_eq!(buf.prefix(15), [0u8; 15]);
        assert!(api.engine().wait_quiescent());
        // The bytes wait in the buffer: the next read returns them at once.
        let buf = VecBuffer::new(15);
        let a = api.internet_read_file_ex(r, buf.clone(), slot(), wi::IRF_NO_WAIT);
        assert_eq!((a.ret, a.last_error, a.out), (true, None, 5));
        assert_eq!(buf.prefix(5), part);
        body.extend(buf.prefix(5));
    }
    assert_eq!(body, b"0123456789abcde");
    let buf = VecBuffer::new(15);
    let a = api.internet_read_file_ex(r, buf.clone(), slot(), wi::IRF_NO_WAIT);
    assert_eq!((a.ret, a.out), (true, 0));
    api.internet_close_handle(root);
    drop(server);
    finish(&api);
}
