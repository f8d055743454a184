//! Progress notifications arrive when the step happens on the wire, not at the
//! completion (WH-R30, WH-R31, WI-R20, WI-R21): against a loopback server that reads the
//! request and does not answer, the application has already seen the send progress; a
//! name that does not resolve shows RESOLVING_NAME without NAME_RESOLVED.
//!
//! The unresolvable name has a 64-character label (over DNS's 63): the system resolver
//! refuses it before building a query, so the test never contacts a name server.

mod support;

use std::time::{Duration, Instant};

use hinternet_net::winhttp::api::WinHttp;
use hinternet_net::wininet::api::WinInet;
use hinternet_testservers::script::{self, Step};
use windows_sys::Win32::Networking::WinHttp as wh;
use windows_sys::Win32::Networking::WinInet as wi;

const ALL: u32 = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;

/// A host name whose resolution fails locally (see the module docs).
fn unresolvable() -> String {
    format!("{}.invalid", "a".repeat(64))
}

/// Polls `done` until it holds, at most 10 s.
fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

const HEAD_10: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";

#[test]
fn winhttp_send_progress_comes_before_the_server_answers() {
    let server = script::start(vec![vec![Step::ReadHead, Step::Hang]]);
    let api = WinHttp::new().expect("runtime");
    let rec = support::winhttp::recorder();
    let session = support::winhttp::async_session(&api);
    api.set_status_callback(session, Some(rec.callback.clone()), ALL);
    let connect = api
        .connect(session, Some("127.0.0.1"), server.handle.port())
        .ret;
    let request = api
        .open_request(connect, None, Some("/silent"), None, None, &[], 0)
        .ret;
    assert!(api.send_request(request, None, &[], 0, None).ret);
    // REQUEST_SENT with the bytes written, while the server has not written a byte.
    let sent = rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_REQUEST_SENT);
    assert!(server.wait_for_steps(0, 1, Duration::from_secs(10)));
    let written = server.received(0).len();
    assert!(
        matches!(sent, hinternet_net::winhttp::exec::StatusInfo::Dword(n) if n as usize == written)
    );
    assert_eq!(
        rec.statuses(request)[1..],
        [
            "RESOLVING_NAME",
            "NAME_RESOLVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
        ]
    );
    // The server stops: the send ends (the failed read is reported by the receive).
    drop(server);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    support::winhttp::finish(&api);
}

#[test]
fn winhttp_unresolvable_name_shows_resolving_name_only() {
    let api = WinHttp::new().expect("runtime");
    let rec = support::winhttp::recorder();
    let session = support::winhttp::async_session(&api);
    api.set_status_callback(session, Some(rec.callback.clone()), ALL);
    let host = unresolvable();
    let connect = api.connect(session, Some(&host), 80).ret;
    assert!(!connect.is_null());
    let request = api
        .open_request(connect, None, Some("/"), None, None, &[], 0)
        .ret;
    assert!(api.send_request(request, None, &[], 0, None).ret);
    let mut error = None;
    assert!(wait_until(|| {
        error = rec
            .all()
            .into_iter()
            .find(|s| s.handle == request && s.status == wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
        error.is_some()
    }));
    assert_eq!(
        rec.statuses(request)[1..],
        ["RESOLVING_NAME", "REQUEST_ERROR"]
    );
    let info = error.map(|s| s.info).unwrap_or_default();
    assert!(
        info.contains(&format!("error {}", wh::ERROR_WINHTTP_NAME_NOT_RESOLVED)),
        "{info}"
    );
    let resolving = rec
        .all()
        .into_iter()
        .find(|s| s.status == wh::WINHTTP_CALLBACK_STATUS_RESOLVING_NAME)
        .map(|s| s.info)
        .unwrap_or_default();
    assert!(resolving.contains(&host), "{resolving}");
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    support::winhttp::finish(&api);
}

fn inet_request(
    api: &WinInet,
    port: u16,
    host: &str,
) -> (
    support::wininet::Recorder,
    std::sync::mpsc::Receiver<hinternet_net::wininet::api::Status>,
    [hinternet_net::wininet::api::HandleValue; 3],
) {
    let (root, rec, rx) = support::wininet::recorded_async_root(api);
    let c = api
        .internet_connect(
            root,
            Some(host),
            port,
            None,
            None,
            wi::INTERNET_SERVICE_HTTP,
            0,
            1,
        )
        .ret;
    let r = api
        .http_open_request(c, None, Some("/silent"), None, None, &[], 0, 2)
        .ret;
    rec.clear();
    (rec, rx, [root, c, r])
}

fn inet_names(rec: &support::wininet::Recorder) -> Vec<&'static str> {
    support::wininet::names(&rec.statuses())
}

#[test]
fn wininet_send_progress_comes_before_the_server_answers() {
    let server = script::start(vec![vec![Step::ReadHead, Step::Hang]]);
    let api = WinInet::new();
    let (rec, rx, [root, _, r]) = inet_request(&api, server.handle.port(), "127.0.0.1");
    let sent = api.http_send_request(r, None, &[]);
    assert_eq!(
        (sent.ret, sent.last_error),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING)
        )
    );
    assert!(wait_until(|| rec
        .statuses()
        .contains(&wi::INTERNET_STATUS_RECEIVING_RESPONSE)));
    // The server read the request and has not answered.
    assert!(server.wait_for_steps(0, 1, Duration::from_secs(10)));
    assert_eq!(
        inet_names(&rec),
        [
            "RESOLVING_NAME",
            "NAME_RESOLVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
        ]
    );
    // The root is closed while the send waits; the server stops without answering: the
    // send fails, with its REQUEST_COMPLETE before HANDLE_CLOSING (seed 000).
    api.internet_close_handle(root);
    drop(server);
    let done = support::wininet::next_complete(&rx);
    assert!(matches!(
        done.info,
        hinternet_net::wininet::api::StatusInfo::AsyncResult { result: 0, .. }
    ));
    support::wininet::finish(&api);
    let names = inet_names(&rec);
    let complete = names.iter().position(|&n| n == "REQUEST_COMPLETE");
    let closing = names.iter().position(|&n| n == "HANDLE_CLOSING");
    assert!(complete < closing, "{names:?}");
}

#[test]
fn wininet_pending_query_data_available_reports_response_received_first() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(HEAD_10.to_vec()),
        Step::Sleep(Duration::from_millis(200)),
        Step::Write(b"0123456789".to_vec()),
        Step::Hang,
    ]]);
    let api = WinInet::new();
    let (rec, rx, [root, _, r]) = inet_request(&api, server.handle.port(), "127.0.0.1");
    api.http_send_request(r, None, &[]);
    support::wininet::next_complete(&rx);
    rec.clear();
    let q = api.internet_query_data_available(r, hinternet_net::wininet::api::slot());
    assert_eq!(
        (q.ret, q.last_error, q.out),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING),
            0
        )
    );
    let done = support::wininet::next_complete(&rx);
    assert_eq!(
        done.info,
        hinternet_net::wininet::api::StatusInfo::AsyncResult {
            result: 1,
            error: 10
        }
    );
    assert_eq!(
        inet_names(&rec),
        [
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "REQUEST_COMPLETE"
        ]
    );
    api.internet_close_handle(root);
    drop(server);
    support::wininet::finish(&api);
}

#[test]
fn wininet_unresolvable_name_shows_resolving_name_only() {
    let api = WinInet::new();
    let (rec, rx, [root, _, r]) = inet_request(&api, 80, &unresolvable());
    api.http_send_request(r, None, &[]);
    let done = support::wininet::next_complete(&rx);
    assert_eq!(
        done.info,
        hinternet_net::wininet::api::StatusInfo::AsyncResult {
            result: 0,
            error: wi::ERROR_INTERNET_NAME_NOT_RESOLVED
        }
    );
    assert_eq!(inet_names(&rec), ["RESOLVING_NAME", "REQUEST_COMPLETE"]);
    api.internet_close_handle(root);
    support::wininet::finish(&api);
}
