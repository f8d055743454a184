//! The typed WinHTTP API: redirects, TLS (test CA, ignore flags), websocket echo and close
//! status, cancellation of a pending websocket receive on close, close from a callback.

mod support;

use std::sync::{Arc, Mutex};

use hinternet_net::winhttp::api::{Handle, StatusCallback, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_net::winhttp::options::OptionValue;
use hinternet_testservers::{http as server, tls};
use support::winhttp::*;
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Networking::WinHttp as wh;

const ALL: u32 = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;

#[test]
fn async_redirect_is_followed_inside_receive_response() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let session = api.open(None, 0, None, None, wh::WINHTTP_FLAG_ASYNC).ret;
    api.set_status_callback(session, Some(rec.callback.clone()), ALL);
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(
            connect,
            None,
            Some("/redirect?code=302&to=/fixed"),
            None,
            None,
            &[],
            0,
        )
        .ret;
    assert!(api.send_request(request, None, &[], 0, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    assert_eq!(status_code(&api, request), 200);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    let seq = rec.statuses(request);
    let from = seq
        .iter()
        .position(|s| *s == "SENDREQUEST_COMPLETE")
        .expect("send");
    // WH-R28/WH-R31: the 302's progress, REDIRECT, the re-send's progress (pooled
    // connection: no connect), then the final response's progress.
    assert_eq!(
        seq[from + 1..],
        [
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "REDIRECT",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "HEADERS_AVAILABLE",
            "HANDLE_CLOSING"
        ],
        "{:#?}",
        rec.all()
    );
    let redirect = rec
        .all()
        .into_iter()
        .find(|s| s.status == wh::WINHTTP_CALLBACK_STATUS_REDIRECT)
        .expect("redirect");
    assert_eq!(
        redirect.info,
        format!("\"http://127.0.0.1:{}/fixed\"", server.port())
    );
}

#[test]
fn redirect_limit_and_disabled_redirects() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let looping = api
        .open_request(connect, None, Some("/loop"), None, None, &[], 0)
        .ret;
    assert!(api.send_request(looping, None, &[], 0, None).ret);
    let r = api.receive_response(looping);
    assert_eq!(
        (r.ret, r.last_error),
        (false, Some(wh::ERROR_WINHTTP_REDIRECT_FAILED))
    );
    let never = api
        .open_request(
            connect,
            None,
            Some("/redirect?code=301&to=/fixed"),
            None,
            None,
            &[],
            0,
        )
        .ret;
    let policy = OptionValue::Dword(wh::WINHTTP_OPTION_REDIRECT_POLICY_NEVER);
    assert!(
        api.set_option(never, wh::WINHTTP_OPTION_REDIRECT_POLICY, Some(&policy), 4)
            .ret
    );
    assert!(api.send_request(never, None, &[], 0, None).ret);
    assert!(api.receive_response(never).ret);
    assert_eq!(status_code(&api, never), 301);
    for h in [looping, never, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

fn tls_get(kind: tls::CertKind, trust: bool, ignore: u32) -> (bool, Option<u32>, Vec<u8>) {
    let server = tls::start(kind);
    let api = WinHttp::new().expect("runtime");
    if trust {
        api.add_trusted_root(server.ca_der().to_vec());
    }
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api
        .connect(session, Some("127.0.0.1"), server.handle.port())
        .ret;
    let request = api
        .open_request(
            connect,
            None,
            Some("/fixed"),
            None,
            None,
            &[],
            wh::WINHTTP_FLAG_SECURE,
        )
        .ret;
    if ignore != 0 {
        let v = OptionValue::Dword(ignore);
        let s = api.set_option(request, wh::WINHTTP_OPTION_SECURITY_FLAGS, Some(&v), 4);
        assert!(s.ret, "{s:?}");
    }
    let sent = api.send_request(request, None, &[], 0, None);
    let mut body = Vec::new();
    let result = if sent.ret {
        let r = api.receive_response(request);
        if r.ret {
            body = read_all(&api, request);
            let cert = api.query_option(request, wh::WINHTTP_OPTION_SERVER_CERT_CONTEXT, Some(8));
            assert!(
                matches!(cert.out.value, Some(OptionValue::Certificates(ref c)) if !c.is_empty()),
                "{cert:?}"
            );
        }
        (r.ret, r.last_error)
    } else {
        (sent.ret, sent.last_error)
    };
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    (result.0, result.1, body)
}

#[test]
fn tls_with_the_test_ca_and_with_ignore_flags() {
    let ok = tls_get(tls::CertKind::Valid, true, 0);
    assert_eq!(ok, (true, Some(ERROR_SUCCESS), server::FIXED_BODY.to_vec()));
    let unknown = tls_get(tls::CertKind::Valid, false, 0);
    assert_eq!(
        (unknown.0, unknown.1),
        (false, Some(wh::ERROR_WINHTTP_SECURE_FAILURE))
    );
    let ignored = tls_get(
        tls::CertKind::Valid,
        false,
        wh::SECURITY_FLAG_IGNORE_UNKNOWN_CA,
    );
    assert_eq!(ignored.2, server::FIXED_BODY);
    let wrong = tls_get(tls::CertKind::WrongName, true, 0);
    assert!(!wrong.0);
    let wrong_ignored = tls_get(
        tls::CertKind::WrongName,
        true,
        wh::SECURITY_FLAG_IGNORE_CERT_CN_INVALID,
    );
    assert_eq!(wrong_ignored.2, server::FIXED_BODY);
}

/// Opens a websocket on `/upgrade`; returns (session, connect, websocket).
fn upgrade(
    api: &WinHttp,
    port: u16,
    flags: u32,
    cb: Option<StatusCallback>,
) -> (Handle, Handle, Handle) {
    let session = api.open(None, 0, None, None, flags).ret;
    if let Some(cb) = cb {
        api.set_status_callback(session, Some(cb), ALL);
    }
    let connect = api.connect(session, Some("127.0.0.1"), port).ret;
    let request = api
        .open_request(connect, None, Some("/upgrade"), None, None, &[], 0)
        .ret;
    let up = api.set_option(request, wh::WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, None, 0);
    assert!(up.ret, "{up:?}");
    (session, connect, request)
}

#[test]
fn sync_websocket_echo_and_close_status() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let (session, connect, request) = upgrade(&api, server.port(), 0, None);
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    assert_eq!(status_code(&api, request), 101);
    let ws = api.web_socket_complete_upgrade(request, 7);
    assert!(!ws.ret.is_null(), "{ws:?}");
    let ws = ws.ret;
    assert!(api.close_handle(request).ret);
    let sent = api.web_socket_send(ws, wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, b"ping");
    assert_eq!(sent.ret, ERROR_SUCCESS);
    let buf = VecBuffer::new(64);
    let got = api.web_socket_receive(ws, buf.clone(), 64);
    assert_eq!(got.ret, ERROR_SUCCESS);
    assert_eq!(got.out.bytes, 4);
    assert_eq!(
        got.out.buffer_type,
        wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE as u32
    );
    assert_eq!(buf.prefix(4), b"ping");
    // Before a close frame: 4317.
    let early = api.web_socket_query_close_status(ws);
    assert_eq!(
        early.ret,
        windows_sys::Win32::Foundation::ERROR_INVALID_OPERATION
    );
    let closed = api.web_socket_close(ws, 1000, b"bye");
    assert_eq!(closed.ret, ERROR_SUCCESS);
    let status = api.web_socket_query_close_status(ws);
    assert_eq!(status.ret, ERROR_SUCCESS);
    assert_eq!(status.out.map(|s| s.0), Some(1000));
    for h in [ws, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[test]
fn closing_a_websocket_cancels_its_pending_receive() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let (session, connect, request) = upgrade(
        &api,
        server.port(),
        wh::WINHTTP_FLAG_ASYNC,
        Some(rec.callback.clone()),
    );
    assert!(api.send_request(request, None, &[], 0, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    let ws = api.web_socket_complete_upgrade(request, 9).ret;
    assert!(!ws.is_null());
    let buf = VecBuffer::new(64);
    // Nothing was sent, so the echo server sends nothing: the receive stays pending.
    assert_eq!(
        api.web_socket_receive(ws, buf.clone(), 64).ret,
        ERROR_SUCCESS
    );
    assert!(api.close_handle(ws).ret);
    let info = rec.wait_for(ws, wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
    let StatusInfo::WebSocketResult {
        error, operation, ..
    } = info
    else {
        panic!("{info:?}");
    };
    assert_eq!(error, wh::ERROR_WINHTTP_OPERATION_CANCELLED);
    assert_eq!(operation, wh::WINHTTP_WEB_SOCKET_RECEIVE_OPERATION as u32);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    assert_eq!(rec.statuses(ws), ["REQUEST_ERROR", "HANDLE_CLOSING"]);
    assert_eq!(buf.prefix(64), vec![0u8; 64], "buffer written after cancel");
}

#[test]
fn a_request_closed_from_inside_its_callback_gets_one_handle_closing() {
    let server = server::start();
    let api = Arc::new(WinHttp::new().expect("runtime"));
    let rec = recorder();
    let weak = Arc::downgrade(&api);
    let inner = rec.callback.clone();
    let closes = Arc::new(Mutex::new(Vec::new()));
    let log = closes.clone();
    let cb: StatusCallback = Arc::new(move |h, ctx, status, info: &StatusInfo| {
        inner(h, ctx, status, info);
        if status == wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE {
            if let Some(api) = weak.upgrade() {
                log.lock().expect("log").push(api.close_handle(h));
            }
        }
    });
    let session = api.open(None, 0, None, None, wh::WINHTTP_FLAG_ASYNC).ret;
    api.set_status_callback(session, Some(cb), ALL);
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/fixed"), None, None, &[], 0)
        .ret;
    assert!(api.send_request(request, None, &[], 0, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING);
    let closes = closes.lock().expect("log").clone();
    assert_eq!(closes.len(), 1);
    assert!(closes[0].ret);
    for h in [connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    let seq = rec.statuses(request);
    assert_eq!(seq.iter().filter(|s| **s == "HANDLE_CLOSING").count(), 1);
    assert_eq!(seq.last(), Some(&"HANDLE_CLOSING"));
}

/// `WINHTTP_OPTION_CONNECTION_INFO`: refused before a connection exists, then the local and
/// remote socket addresses of the request's connection (also after the body is read and the
/// connection went back to the pool).
#[test]
fn connection_info_holds_the_request_connection_addresses() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/fixed"), None, None, &[], 0)
        .ret;
    let before = api.query_option(request, wh::WINHTTP_OPTION_CONNECTION_INFO, Some(264));
    assert_eq!(
        (before.ret, before.last_error),
        (false, Some(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE))
    );
    assert!(api.send_request(request, None, &[], 0, None).ret);
    let check = |when: &str| {
        let q = api.query_option(request, wh::WINHTTP_OPTION_CONNECTION_INFO, Some(264));
        assert!(q.ret, "{when}: {:?}", q.last_error);
        let Some(OptionValue::Connection(info)) = q.out.value else {
            panic!("{when}: {:?}", q.out.value);
        };
        assert_eq!(info.remote, server.addr(), "{when}");
        assert!(info.local.ip().is_loopback(), "{when}: {info:?}");
        assert_ne!(info.local.port(), 0, "{when}");
        assert_ne!(info.local.port(), server.port(), "{when}");
    };
    check("after the send");
    assert!(api.receive_response(request).ret);
    let _ = read_all(&api, request);
    check("after the body");
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}
