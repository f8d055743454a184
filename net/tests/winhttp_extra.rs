//! The typed WinHTTP API: the Ex variants (AddRequestHeadersEx, QueryHeadersEx,
//! ReadDataEx), an async POST with WriteData's WRITE_COMPLETE, websocket Shutdown.

mod support;

use hinternet_net::winhttp::api::WinHttp;
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_testservers::http as server;
use support::winhttp::*;
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Networking::WinHttp as wh;

#[test]
fn ex_variants_answer_like_their_plain_forms() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/headers"), None, None, &[], 0)
        .ret;
    let added = api.add_request_headers_ex(
        request,
        wh::WINHTTP_ADDREQ_FLAG_ADD,
        &[("X-Alpha", "a"), ("X-Beta", "b")],
    );
    assert!(added.ret, "{added:?}");
    // Request headers are answered before the send (FLAG_REQUEST_HEADERS).
    let req = api.query_headers_ex(
        request,
        wh::WINHTTP_QUERY_EX_ALL_HEADERS | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        None,
        None,
    );
    assert_eq!(req.ret, ERROR_SUCCESS);
    let names: Vec<String> = req
        .out
        .expect("headers")
        .headers
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert!(
        names.ends_with(&["X-Alpha".to_owned(), "X-Beta".to_owned()]),
        "{names:?}"
    );
    // Response headers before the response: 12019.
    let early = api.query_headers_ex(request, wh::WINHTTP_QUERY_EX_ALL_HEADERS, None, None);
    assert_eq!(early.ret, wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    let all = api.query_headers_ex(request, wh::WINHTTP_QUERY_EX_ALL_HEADERS, None, None);
    assert_eq!(all.ret, ERROR_SUCCESS);
    assert!(!all.out.expect("headers").headers.is_empty());
    // The server echoes the request headers in the body: the Ex lines went out.
    let buf = VecBuffer::new(4096);
    let mut body = Vec::new();
    for _ in 0..100 {
        let r = api.read_data_ex(request, buf.clone(), 4096);
        assert_eq!(r.ret, ERROR_SUCCESS);
        if r.out == 0 {
            break;
        }
        body.extend(buf.prefix(r.out as usize));
    }
    let body = String::from_utf8_lossy(&body).to_ascii_lowercase();
    assert!(
        body.contains("x-alpha: a") && body.contains("x-beta: b"),
        "{body}"
    );
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[test]
fn async_post_reports_write_complete_with_the_bytes() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let session = api.open(None, 0, None, None, wh::WINHTTP_FLAG_ASYNC).ret;
    api.set_status_callback(
        session,
        Some(rec.callback.clone()),
        wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
    );
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, Some("PUT"), Some("/echo"), None, None, &[], 0)
        .ret;
    assert!(api.send_request(request, None, b"12", 5, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.write_data(request, b"345").ret);
    let info = rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE);
    assert!(matches!(info, StatusInfo::Dword(3)), "{info:?}");
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    let buf = VecBuffer::new(16);
    assert!(api.read_data(request, buf.clone(), 16).ret);
    let StatusInfo::Read { bytes, .. } =
        rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
    else {
        panic!("no read");
    };
    assert_eq!(buf.prefix(bytes as usize), b"12345");
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    let seq = rec.statuses(request);
    let at = seq
        .iter()
        .position(|s| *s == "SENDREQUEST_COMPLETE")
        .expect("send");
    assert_eq!(
        seq[at + 1..at + 5],
        [
            "WRITE_COMPLETE",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "HEADERS_AVAILABLE"
        ]
    );
}

#[test]
fn websocket_shutdown_then_send_is_refused() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/upgrade"), None, None, &[], 0)
        .ret;
    assert!(
        api.set_option(request, wh::WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, None, 0)
            .ret
    );
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    let ws = api.web_socket_complete_upgrade(request, 0).ret;
    assert!(!ws.is_null());
    // A bad buffer type: 87 without touching the machine.
    let bad = api.web_socket_send(ws, 99, b"x");
    assert_eq!(
        bad.ret,
        windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        api.web_socket_shutdown(ws, 1001, b"going").ret,
        ERROR_SUCCESS
    );
    // WH-R39: no send after Shutdown.
    let after = api.web_socket_send(ws, wh::WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, b"x");
    assert_eq!(
        after.ret,
        windows_sys::Win32::Foundation::ERROR_INVALID_OPERATION
    );
    // The echo server answers the close: the receive reports the CLOSE buffer type.
    let buf = VecBuffer::new(128);
    let got = api.web_socket_receive(ws, buf, 128);
    assert_eq!(got.ret, ERROR_SUCCESS);
    assert_eq!(
        got.out.buffer_type,
        wh::WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE as u32
    );
    let status = api.web_socket_query_close_status(ws);
    assert_eq!(status.ret, ERROR_SUCCESS);
    assert_eq!(status.out.map(|s| s.0), Some(1001));
    for h in [ws, request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}
