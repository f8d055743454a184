//! The typed WinINet API's HTTP path against the loopback HTTP server: sync and async
//! `InternetOpenUrl`, connect + request, notification sequences, `HttpQueryInfo`,
//! `HttpSendRequestEx` uploads, bad handles.

mod support;

use hinternet_net::headers::{OutBuffer, QueryValue};
use hinternet_net::wininet::api::{slot, HandleValue, StatusInfo, VecBuffer, WinInet};
use hinternet_testservers::http;
use support::wininet::*;
use windows_sys::Win32::Foundation::{
    ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_IO_PENDING,
};
use windows_sys::Win32::Networking::WinInet as wi;

fn text(v: &QueryValue) -> String {
    match v {
        QueryValue::Text(units) => String::from_utf16_lossy(units),
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn sync_open_url_get_reads_body_and_status() {
    let server = http::start();
    let api = WinInet::new();
    let root = api.internet_open(Some("test"), wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0);
    assert_ne!(root.ret, HandleValue::NULL);
    let url = format!("http://127.0.0.1:{}/fixed", server.port());
    let h = api.internet_open_url(root.ret, &url, None, 0, 0);
    assert_ne!(h.ret, HandleValue::NULL, "{:?}", h.last_error);
    assert_eq!(status_code(&api, h.ret), 200);
    assert_eq!(read_all(&api, h.ret), http::FIXED_BODY);
    assert!(api.internet_close_handle(h.ret).ret);
    assert!(api.internet_close_handle(root.ret).ret);
    finish(&api);
}

#[test]
fn async_open_url_delivers_handle_in_request_complete() {
    let server = http::start();
    let api = WinInet::new();
    let (root, rec, rx) = recorded_async_root(&api);
    let url = format!("http://127.0.0.1:{}/fixed", server.port());
    let h = api.internet_open_url(root, &url, None, 0, 7);
    assert_eq!(h.ret, HandleValue::NULL);
    assert_eq!(h.last_error, Some(ERROR_IO_PENDING));
    let done = next_complete(&rx);
    let StatusInfo::AsyncResult { result, error } = done.info else {
        panic!("{:?}", done.info)
    };
    assert_eq!(error, 0);
    let handle = HandleValue(result as u32);
    assert_ne!(handle, HandleValue::NULL);
    assert_eq!(done.context, 7);
    assert_eq!(
        names(&rec.statuses()),
        ["HANDLE_CREATED", "REQUEST_COMPLETE"],
        "WI-R18: HANDLE_CREATED then REQUEST_COMPLETE carrying the handle"
    );
    assert_eq!(rec.all()[0].info, StatusInfo::Handle(handle));
    // A synchronous-looking read on the async handle: pending, then REQUEST_COMPLETE.
    let buf = VecBuffer::new(64);
    let count = slot();
    let r = api.internet_read_file(handle, buf.clone(), count.clone());
    let n = if r.ret {
        r.out
    } else {
        assert_eq!(r.last_error, Some(ERROR_IO_PENDING));
        let c = next_complete(&rx);
        assert_eq!(
            c.info,
            StatusInfo::AsyncResult {
                result: 1,
                error: 0
            }
        );
        count
            .lock()
            .expect("present")
            .expect("count filled before REQUEST_COMPLETE")
    };
    assert_eq!(buf.prefix(n as usize), http::FIXED_BODY);
    rec.clear();
    assert!(api.internet_close_handle(root).ret);
    finish(&api);
    // The root has context 0: WinINet filters its notifications out; the URL handle's
    // HANDLE_CLOSING comes with its own context and value.
    let closing = rec.all();
    assert_eq!(names(&rec.statuses()), ["HANDLE_CLOSING"]);
    assert_eq!(closing[0].info, StatusInfo::Handle(handle));
    assert_eq!(closing[0].context, 7);
}

#[test]
fn connect_request_sync_with_notifications() {
    let server = http::start();
    let api = WinInet::new();
    let root = api.internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0);
    let (cb, rec, _rx) = recording();
    api.internet_set_status_callback(root.ret, Some(cb))
        .ret
        .ok();
    let c = api.internet_connect(
        root.ret,
        Some("127.0.0.1"),
        server.port(),
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    assert_ne!(c.ret, HandleValue::NULL);
    let r = api.http_open_request(c.ret, Some("GET"), Some("/fixed"), None, None, &[], 0, 2);
    assert_ne!(r.ret, HandleValue::NULL);
    let sent = api.http_send_request(r.ret, Some("X-Test: 1"), &[]);
    assert!(sent.ret, "{:?}", sent.last_error);
    let seq = rec.statuses();
    assert_eq!(
        names(&seq),
        [
            "HANDLE_CREATED",
            "HANDLE_CREATED",
            "RESOLVING_NAME",
            "NAME_RESOLVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
        ]
    );
    let all = rec.all();
    assert_eq!(all[2].info, StatusInfo::Text("127.0.0.1".into()));
    assert_eq!(all[4].info, StatusInfo::Text("127.0.0.1".into()));
    // Request headers answered from the request head (FLAG_REQUEST_HEADERS).
    let q = api.http_query_info(
        r.ret,
        wi::HTTP_QUERY_CUSTOM | wi::HTTP_QUERY_FLAG_REQUEST_HEADERS,
        Some("X-Test"),
        OutBuffer::bytes(256),
        None,
    );
    assert!(q.ret, "{:?}", q.last_error);
    assert_eq!(text(&q.out.answer.expect("present").value), "1");
    // A too-small buffer: ERROR_INSUFFICIENT_BUFFER with the required size.
    let small = api.http_query_info(
        r.ret,
        wi::HTTP_QUERY_STATUS_TEXT,
        None,
        OutBuffer::bytes(2),
        None,
    );
    assert!(!small.ret);
    assert_eq!(
        small.last_error,
        Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER)
    );
    assert_eq!(small.out.required, Some(6)); // "OK" + NUL in UTF-16
                                             // A header the response lacks: 12150.
    let missing = api.http_query_info(
        r.ret,
        wi::HTTP_QUERY_CUSTOM,
        Some("X-Nope"),
        OutBuffer::bytes(256),
        None,
    );
    assert_eq!(missing.last_error, Some(wi::ERROR_HTTP_HEADER_NOT_FOUND));
    assert_eq!(read_all(&api, r.ret), http::FIXED_BODY);
    api.internet_close_handle(root.ret);
    finish(&api);
}

#[test]
fn async_send_request_completes_with_progress_first() {
    let server = http::start();
    let api = WinInet::new();
    let (root, rec, rx) = recorded_async_root(&api);
    let c = api.internet_connect(
        root,
        Some("127.0.0.1"),
        server.port(),
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    let r = api.http_open_request(c.ret, None, Some("/chunked"), None, None, &[], 0, 2);
    rec.clear();
    let sent = api.http_send_request(r.ret, None, &[]);
    assert!(!sent.ret);
    assert_eq!(sent.last_error, Some(ERROR_IO_PENDING));
    let done = next_complete(&rx);
    assert_eq!(
        done.info,
        StatusInfo::AsyncResult {
            result: 1,
            error: 0
        }
    );
    assert_eq!(
        names(&rec.statuses()),
        [
            "RESOLVING_NAME",
            "NAME_RESOLVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "REQUEST_COMPLETE",
        ]
    );
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn send_request_ex_uploads_body() {
    let server = http::start();
    let api = WinInet::new();
    let root = api.internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0);
    let c = api.internet_connect(
        root.ret,
        Some("127.0.0.1"),
        server.port(),
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        0,
    );
    let r = api.http_open_request(c.ret, Some("POST"), Some("/echo"), None, None, &[], 0, 0);
    let s = api.http_send_request_ex(r.ret, None, 10);
    assert!(s.ret, "{:?}", s.last_error);
    let w1 = api.internet_write_file(r.ret, b"hello");
    assert!(w1.ret && w1.out == 5, "{w1:?}");
    let w2 = api.internet_write_file(r.ret, b"world");
    assert!(w2.ret && w2.out == 5);
    let e = api.http_end_request(r.ret);
    assert!(e.ret, "{:?}", e.last_error);
    assert_eq!(read_all(&api, r.ret), b"helloworld");
    let len = api.http_query_info(
        r.ret,
        wi::HTTP_QUERY_CUSTOM,
        Some("X-Echo-Content-Length"),
        OutBuffer::bytes(64),
        None,
    );
    assert_eq!(text(&len.out.answer.expect("present").value), "10");
    api.internet_close_handle(root.ret);
    finish(&api);
}

#[test]
fn bad_handles_and_arguments() {
    let api = WinInet::new();
    let root = api.internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0);
    // NULL / empty server: 87.
    let c = api.internet_connect(
        root.ret,
        None,
        80,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        0,
    );
    assert_eq!(
        (c.ret, c.last_error),
        (HandleValue::NULL, Some(ERROR_INVALID_PARAMETER))
    );
    let c = api.internet_connect(
        root.ret,
        Some(""),
        80,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        0,
    );
    assert_eq!(c.last_error, Some(ERROR_INVALID_PARAMETER));
    // A closed handle.
    assert!(api.internet_close_handle(root.ret).ret);
    let again = api.internet_close_handle(root.ret);
    assert!(!again.ret);
    assert_eq!(again.last_error, Some(ERROR_INVALID_HANDLE));
    let c = api.internet_connect(
        root.ret,
        Some("x"),
        80,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        0,
    );
    assert_eq!(c.ret, HandleValue::NULL);
    assert_eq!(c.last_error, Some(ERROR_INVALID_HANDLE));
    let buf = VecBuffer::new(4);
    let r = api.internet_read_file(HandleValue::NULL, buf, slot());
    assert!(!r.ret);
    assert_eq!(r.last_error, Some(ERROR_INVALID_HANDLE));
    finish(&api);
}

/// Seed 000 on a real pending download: closing the root while `HttpSendRequest` is
/// pending invalidates the subtree, returns TRUE with ERROR_IO_PENDING (the WinINet preset:
/// requests were outstanding), and the pending request completes with REQUEST_COMPLETE
/// before its HANDLE_CLOSING (WI-R7).
#[test]
fn close_root_with_pending_request_completes_before_closing() {
    let server = http::start();
    let api = WinInet::new();
    let (root, rec, rx) = recorded_async_root(&api);
    let c = api.internet_connect(
        root,
        Some("127.0.0.1"),
        server.port(),
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    let r = api.http_open_request(c.ret, None, Some("/slow?ms=300"), None, None, &[], 0, 2);
    let sent = api.http_send_request(r.ret, None, &[]);
    assert_eq!((sent.ret, sent.last_error), (false, Some(ERROR_IO_PENDING)));
    let closed = api.internet_close_handle(root);
    assert!(closed.ret);
    assert_eq!(closed.last_error, Some(ERROR_IO_PENDING));
    // The subtree is invalid at once.
    let q = api.http_add_request_headers(r.ret, "X-A: b", wi::HTTP_ADDREQ_FLAG_ADD);
    assert!(!q.ret);
    let invalid = hinternet_core::Api::HttpAddRequestHeaders.bad_handle_error(false);
    assert_eq!(
        q.last_error,
        Some(invalid),
        "the table's code for an invalidated handle"
    );
    let _ = next_complete(&rx);
    finish(&api);
    let all = rec.all();
    let completes: Vec<usize> = all
        .iter()
        .enumerate()
        .filter(|(_, s)| s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(completes.len(), 1, "{:?}", names(&rec.statuses()));
    let closing_req = all
        .iter()
        .position(|s| {
            s.status == wi::INTERNET_STATUS_HANDLE_CLOSING && s.info == StatusInfo::Handle(r.ret)
        })
        .expect("HANDLE_CLOSING of the request");
    let closing_conn = all
        .iter()
        .position(|s| {
            s.status == wi::INTERNET_STATUS_HANDLE_CLOSING && s.info == StatusInfo::Handle(c.ret)
        })
        .expect("HANDLE_CLOSING of the connect");
    assert!(completes[0] < closing_req, "{:?}", names(&rec.statuses()));
    assert!(closing_req < closing_conn, "children close first");
}

/// WI-R16: a child takes a snapshot of its parent's timeouts when it is created.
#[test]
fn timeouts_are_snapshotted_into_children() {
    use hinternet_net::wininet::options::{OptionValue, QueryBuffer, QueryOutcome};
    let api = WinInet::new();
    let root = api.internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0);
    let set = api.internet_set_option(
        root.ret,
        wi::INTERNET_OPTION_CONNECT_TIMEOUT,
        Some(&OptionValue::Dword(1234)),
        4,
    );
    assert!(set.ret, "{:?}", set.last_error);
    let c = api.internet_connect(
        root.ret,
        Some("127.0.0.1"),
        1,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        0,
    );
    let set = api.internet_set_option(
        root.ret,
        wi::INTERNET_OPTION_CONNECT_TIMEOUT,
        Some(&OptionValue::Dword(99)),
        4,
    );
    assert!(set.ret);
    let value = |h| match api
        .internet_query_option(h, wi::INTERNET_OPTION_CONNECT_TIMEOUT, QueryBuffer::of(4))
        .out
    {
        Some(Ok(QueryOutcome::Value { value, length })) => (value, length),
        other => panic!("{other:?}"),
    };
    assert_eq!(value(c.ret), (OptionValue::Dword(1234), 4));
    assert_eq!(value(root.ret), (OptionValue::Dword(99), 4));
    // The context option goes through the engine.
    let q = api.internet_query_option(c.ret, wi::INTERNET_OPTION_CONTEXT_VALUE, QueryBuffer::of(8));
    assert!(q.ret, "{q:?}");
    // A NULL handle answers the process-wide options.
    let g = api.internet_query_option(
        HandleValue::NULL,
        wi::INTERNET_OPTION_MAX_CONNS_PER_SERVER,
        QueryBuffer::of(4),
    );
    assert!(g.ret, "{g:?}");
    // Too small a buffer.
    let small = api.internet_query_option(
        c.ret,
        wi::INTERNET_OPTION_CONNECT_TIMEOUT,
        QueryBuffer::of(1),
    );
    assert_eq!(
        small.last_error,
        Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER)
    );
    api.internet_close_handle(root.ret);
    finish(&api);
}
