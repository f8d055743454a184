//! WI-R18 / WI-R21: `InternetQueryDataAvailable` and `InternetReadFile` on an HTTP
//! request whose body bytes are already buffered return `TRUE` at once, with no
//! notification, in asynchronous and synchronous sessions.

mod wininet_common;

use hinternet_net::wininet_api::{slot, HandleValue, StatusInfo, VecBuffer, WinInet};
use hinternet_testservers::script::{self, Step};
use windows_sys::Win32::Networking::WinInet as wi;
use wininet_common::*;

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
