//! The typed WinHTTP API against the loopback test servers: sync and async GET with the
//! exact notification sequences, POST with WriteData, QueryHeaders, options, bad handles.

mod support;

use std::sync::Arc;

use hinternet_core::HandleValue;
use hinternet_net::winhttp::api::WinHttp;
use hinternet_net::winhttp::exec::{AppBuffer, StatusInfo, VecBuffer};
use hinternet_testservers::http as server;
use support::winhttp::*;
use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_SUCCESS,
};
use windows_sys::Win32::Networking::WinHttp as wh;

const ALL: u32 = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;

fn text(value: Option<hinternet_net::headers::QueryValue>) -> String {
    match value {
        Some(hinternet_net::headers::QueryValue::Text(t)) => String::from_utf16_lossy(&t),
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn sync_get_returns_the_body_and_the_windows_answers() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let session = api.open(
        Some("test"),
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        None,
        None,
        0,
    );
    assert_eq!(session.last_error, Some(ERROR_SUCCESS));
    let session = session.ret;
    assert!(!session.is_null());
    let prev = api.set_status_callback(session, Some(rec.callback.clone()), ALL);
    assert!(matches!(prev.ret, Ok(None)));
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    assert!(!connect.is_null());
    let request = api
        .open_request(connect, Some("GET"), Some("/fixed"), None, None, &[], 0)
        .ret;
    assert!(!request.is_null());
    let sent = api.send_request(request, None, &[], 0, None);
    assert_eq!((sent.ret, sent.last_error), (true, Some(ERROR_SUCCESS)));
    let received = api.receive_response(request);
    assert_eq!(
        (received.ret, received.last_error),
        (true, Some(ERROR_SUCCESS))
    );
    let status = api.query_headers(
        request,
        wh::WINHTTP_QUERY_STATUS_CODE | wh::WINHTTP_QUERY_FLAG_NUMBER,
        None,
        Some(4),
        0,
        None,
    );
    assert!(status.ret);
    assert_eq!(
        status.out.value,
        Some(hinternet_net::headers::QueryValue::Number(200))
    );
    let mut body = Vec::new();
    for _ in 0..100 {
        let avail = api.query_data_available(request);
        assert!(avail.ret, "{avail:?}");
        if avail.out == 0 {
            break;
        }
        let buf = VecBuffer::new(avail.out as usize);
        let read = api.read_data(request, buf.clone(), avail.out);
        assert_eq!((read.ret, read.last_error), (true, Some(ERROR_SUCCESS)));
        body.extend(buf.prefix(read.out as usize));
    }
    assert_eq!(body, server::FIXED_BODY);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    let seq = rec.statuses(request);
    assert_eq!(
        seq,
        [
            "HANDLE_CREATED",
            "RESOLVING_NAME",
            "NAME_RESOLVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "HANDLE_CLOSING"
        ],
        "{:#?}",
        rec.all()
    );
    let seen = rec.all();
    let resolving = seen
        .iter()
        .find(|s| s.handle == request && s.status == wh::WINHTTP_CALLBACK_STATUS_RESOLVING_NAME)
        .expect("resolving");
    assert_eq!(resolving.info, "\"127.0.0.1\"");
    let sent_bytes = seen
        .iter()
        .find(|s| s.handle == request && s.status == wh::WINHTTP_CALLBACK_STATUS_REQUEST_SENT)
        .and_then(|s| s.dword)
        .expect("request sent bytes");
    assert!(sent_bytes > 20, "{sent_bytes}");
}

#[test]
fn async_get_delivers_the_exact_sequence() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let session = async_session(&api);
    api.set_status_callback(session, Some(rec.callback.clone()), ALL);
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/fixed"), None, None, &[], 0)
        .ret;
    let sent = api.send_request(request, None, &[], 0, Some(0x1234));
    assert_eq!((sent.ret, sent.last_error), (true, Some(ERROR_SUCCESS)));
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    let mut body = Vec::new();
    for _ in 0..100 {
        assert!(api.query_data_available(request).ret);
        let StatusInfo::Dword(n) =
            rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE)
        else {
            panic!("DATA_AVAILABLE without a count");
        };
        let buf = VecBuffer::new(64);
        assert!(api.read_data(request, buf.clone(), n.max(1)).ret);
        let StatusInfo::Read { buffer, bytes } =
            rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
        else {
            panic!("READ_COMPLETE without the buffer");
        };
        assert_eq!(buffer.len(), 64);
        body.extend(buf.prefix(bytes as usize));
        if bytes == 0 {
            break;
        }
    }
    assert_eq!(body, server::FIXED_BODY);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    let seq = rec.statuses(request);
    let mut expected = vec![
        "HANDLE_CREATED",
        "RESOLVING_NAME",
        "NAME_RESOLVED",
        "CONNECTING_TO_SERVER",
        "CONNECTED_TO_SERVER",
        "SENDING_REQUEST",
        "REQUEST_SENT",
        "SENDREQUEST_COMPLETE",
        "RECEIVING_RESPONSE",
        "RESPONSE_RECEIVED",
        "HEADERS_AVAILABLE",
    ];
    // One DATA_AVAILABLE + READ_COMPLETE per read, the last pair with 0 bytes.
    let reads = seq.iter().filter(|s| **s == "READ_COMPLETE").count();
    assert!(reads >= 2, "{seq:?}");
    for _ in 0..reads {
        expected.extend(["DATA_AVAILABLE", "READ_COMPLETE"]);
    }
    expected.push("HANDLE_CLOSING");
    assert_eq!(seq, expected, "{:#?}", rec.all());
    // The context given to SendRequest is the request's from then on.
    let seen = rec.all();
    assert!(seen
        .iter()
        .filter(
            |s| s.handle == request && s.status == wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE
        )
        .all(|s| s.context == 0x1234));
    // The connect and session get their own HANDLE_CREATED / HANDLE_CLOSING once each.
    // WH-R15: the connect's HANDLE_CREATED goes through the session, info the connect.
    assert_eq!(rec.statuses(connect), ["HANDLE_CLOSING"]);
    assert_eq!(rec.statuses(session), ["HANDLE_CREATED", "HANDLE_CLOSING"]);
    let created = seen
        .iter()
        .find(|s| s.handle == session && s.status == wh::WINHTTP_CALLBACK_STATUS_HANDLE_CREATED)
        .expect("created");
    assert_eq!(created.info, format!("handle {:#x}", connect.0));
}

#[test]
fn post_with_write_data_sends_the_body() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, Some("POST"), Some("/echo"), None, None, &[], 0)
        .ret;
    let sent = api.send_request(request, None, b"abc", 9, None);
    assert!(sent.ret, "{sent:?}");
    let w = api.write_data(request, b"defghi");
    assert_eq!((w.ret, w.out), (true, 6));
    assert!(api.receive_response(request).ret);
    let buf = VecBuffer::new(64);
    let mut body = Vec::new();
    for _ in 0..10 {
        let r = api.read_data(request, buf.clone(), 64);
        assert!(r.ret);
        if r.out == 0 {
            break;
        }
        body.extend(buf.prefix(r.out as usize));
    }
    assert_eq!(body, b"abcdefghi");
    let method = api.query_headers(
        request,
        wh::WINHTTP_QUERY_CUSTOM,
        Some("X-Echo-Method"),
        Some(256),
        0,
        None,
    );
    assert_eq!(text(method.out.value), "POST");
    // WriteData after the response: 12019 from the machine.
    let late = api.write_data(request, b"x");
    assert_eq!(
        late.last_error,
        Some(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE)
    );
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[test]
fn query_headers_levels_sizes_and_indexes() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(
            connect,
            None,
            Some("/set-cookie?name=a&value=1"),
            None,
            None,
            &[],
            0,
        )
        .ret;
    // Before the send: response levels are 12019 (WH-R25); request headers answer.
    let early = api.query_headers(
        request,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF,
        None,
        Some(1024),
        0,
        None,
    );
    assert_eq!(
        early.last_error,
        Some(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE)
    );
    assert!(
        api.add_request_headers(request, "X-One: 1\r\nX-Two: 2", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .ret
    );
    let req_raw = api.query_headers(
        request,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        None,
        Some(4096),
        0,
        None,
    );
    let raw = text(req_raw.out.value);
    assert!(
        raw.starts_with("GET /set-cookie?name=a&value=1 HTTP/1.1\r\n"),
        "{raw}"
    );
    assert!(raw.find("X-One: 1").expect("X-One") < raw.find("X-Two: 2").expect("X-Two"));
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    // Size probe: NULL buffer → 122 with the size in bytes including the NUL.
    let probe = api.query_headers(
        request,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF,
        None,
        None,
        0,
        None,
    );
    assert!(!probe.ret);
    assert_eq!(probe.last_error, Some(ERROR_INSUFFICIENT_BUFFER));
    let size = probe.out.buffer_length.expect("size");
    let full = api.query_headers(
        request,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF,
        None,
        Some(size),
        0,
        None,
    );
    assert!(full.ret);
    assert_eq!(full.out.buffer_length, Some(size - 2));
    let raw = text(full.out.value);
    assert!(raw.starts_with("HTTP/1.1 200 OK\r\n"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n"), "{raw:?}");
    // Wire case: hyper sends lower-case names.
    assert!(raw.contains("set-cookie: a=1; Path=/"), "{raw}");
    // Missing header → 12150; index iteration past the end → 12150 too.
    let missing = api.query_headers(
        request,
        wh::WINHTTP_QUERY_CUSTOM,
        Some("X-Nope"),
        Some(64),
        0,
        None,
    );
    assert_eq!(missing.last_error, Some(wh::ERROR_WINHTTP_HEADER_NOT_FOUND));
    let first = api.query_headers(
        request,
        wh::WINHTTP_QUERY_CUSTOM,
        Some("Set-Cookie"),
        Some(256),
        0,
        Some(0),
    );
    assert!(first.ret);
    assert_eq!(first.out.index, Some(1));
    let second = api.query_headers(
        request,
        wh::WINHTTP_QUERY_CUSTOM,
        Some("Set-Cookie"),
        Some(256),
        0,
        Some(1),
    );
    assert_eq!(second.last_error, Some(wh::ERROR_WINHTTP_HEADER_NOT_FOUND));
    assert_eq!(second.out.index, Some(1));
    // Number: Content-Length.
    let len = api.query_headers(
        request,
        wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER,
        None,
        Some(4),
        0,
        None,
    );
    assert!(len.ret, "{len:?}");
    // A level above the max → 87 (the machine's table).
    let bad = api.query_headers(request, wh::WINHTTP_QUERY_MAX + 1, None, Some(64), 0, None);
    assert_eq!(
        bad.last_error,
        Some(windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER)
    );
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[test]
fn bad_handles_get_the_windows_errors() {
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    // A session where a request is needed: 12018; a closed handle: 6.
    let wrong = api.receive_response(session);
    assert_eq!(
        (wrong.ret, wrong.last_error),
        (false, Some(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE))
    );
    let null = api.connect(HandleValue::NULL, Some("127.0.0.1"), 80);
    assert_eq!(null.ret, HandleValue::NULL);
    assert_eq!(null.last_error, Some(ERROR_INVALID_HANDLE));
    assert!(api.close_handle(session).ret);
    let closed = api.close_handle(session);
    assert_eq!(
        (closed.ret, closed.last_error),
        (false, Some(ERROR_INVALID_HANDLE))
    );
    let stale = api.query_option(session, wh::WINHTTP_OPTION_CONNECT_TIMEOUT, Some(4));
    assert_eq!(stale.last_error, Some(ERROR_INVALID_HANDLE));
    finish(&api);
}

#[test]
fn options_timeouts_inheritance_and_context() {
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), 1).ret;
    let before = api
        .open_request(connect, None, None, None, None, &[], 0)
        .ret;
    assert!(api.set_timeouts(session, 1000, 2000, 3000, 4000).ret);
    let after = api
        .open_request(connect, None, None, None, None, &[], 0)
        .ret;
    let dword = |h, o| match api.query_option(h, o, Some(4)).out.value {
        Some(hinternet_net::winhttp::options::OptionValue::Dword(d)) => d,
        other => panic!("{other:?}"),
    };
    // The connect reads the session live; a request took a snapshot when created.
    assert_eq!(dword(connect, wh::WINHTTP_OPTION_CONNECT_TIMEOUT), 2000);
    assert_eq!(dword(before, wh::WINHTTP_OPTION_CONNECT_TIMEOUT), 20_000);
    assert_eq!(dword(after, wh::WINHTTP_OPTION_CONNECT_TIMEOUT), 2000);
    // Connect handles take no SetTimeouts and no set: 12018.
    let t = api.set_timeouts(connect, 1, 1, 1, 1);
    assert_eq!(t.last_error, Some(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
    let v = hinternet_net::winhttp::options::OptionValue::Dword(5);
    let s = api.set_option(connect, wh::WINHTTP_OPTION_CONNECT_TIMEOUT, Some(&v), 4);
    assert_eq!(s.last_error, Some(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
    // Short buffer: 122 with the size.
    let short = api.query_option(after, wh::WINHTTP_OPTION_CONNECT_TIMEOUT, Some(2));
    assert_eq!(short.last_error, Some(ERROR_INSUFFICIENT_BUFFER));
    assert_eq!(short.out.buffer_length, Some(4));
    // Context through the option, read back through the machine.
    let ctx = hinternet_net::winhttp::options::OptionValue::Pointer(0xfeed);
    assert!(
        api.set_option(after, wh::WINHTTP_OPTION_CONTEXT_VALUE, Some(&ctx), 8)
            .ret
    );
    let q = api.query_option(after, wh::WINHTTP_OPTION_CONTEXT_VALUE, Some(8));
    assert_eq!(
        q.out.value,
        Some(hinternet_net::winhttp::options::OptionValue::Pointer(
            0xfeed
        ))
    );
    for h in [before, after, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[test]
fn a_silent_server_times_out_with_12002() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    assert!(api.set_timeouts(session, 0, 2000, 2000, 300).ret);
    let v = hinternet_net::winhttp::options::OptionValue::Dword(300);
    assert!(
        api.set_option(
            session,
            wh::WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
            Some(&v),
            4
        )
        .ret
    );
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/silent"), None, None, &[], 0)
        .ret;
    let started = std::time::Instant::now();
    let sent = api.send_request(request, None, &[], 0, None);
    let received = if sent.ret {
        api.receive_response(request)
    } else {
        sent
    };
    assert_eq!(
        (received.ret, received.last_error),
        (false, Some(wh::ERROR_WINHTTP_TIMEOUT))
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[allow(dead_code)]
fn _buffer_is_app_buffer(b: Arc<VecBuffer>) -> Arc<dyn AppBuffer> {
    b
}
