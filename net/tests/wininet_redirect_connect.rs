//! The typed WinINet API: the connect progress of a redirect's new connection
//! (docs/behaviour.md WI-R20, WI-R22). A redirect to another port of 127.0.0.1 reports, after
//! `REDIRECT`, `RESOLVING_NAME`, `NAME_RESOLVED` (a server the session never used),
//! `CONNECTING_TO_SERVER`, `CONNECTED_TO_SERVER`, then the re-send's `SENDING_REQUEST` …
//! `RESPONSE_RECEIVED` — for a redirect followed by `HttpSendRequest` and for one followed
//! by `HttpEndRequest` after `HttpSendRequestEx` alike (both re-send through the same
//! send path: Wine's `HTTP_HttpEndRequestW` calls `HTTP_HttpSendRequestW` after
//! `HTTP_HandleRedirect`, which switches to the new port's server).

mod support;

use std::sync::mpsc;

use hinternet_net::wininet::api::{HandleValue, Status, StatusInfo, WinInet};
use hinternet_testservers::http as server;
use support::wininet::*;
use windows_sys::Win32::Foundation::ERROR_IO_PENDING;
use windows_sys::Win32::Networking::WinInet as wi;

/// Waits for the next `REQUEST_COMPLETE` and asserts it reports success.
fn complete_ok(rx: &mpsc::Receiver<Status>) {
    let done = next_complete(rx);
    let StatusInfo::AsyncResult { result, error } = done.info else {
        panic!("{:?}", done.info)
    };
    assert_eq!((result, error), (1, 0), "REQUEST_COMPLETE of a success");
}

/// How the request is sent.
#[derive(Clone, Copy, Debug)]
enum Send {
    /// `HttpSendRequest`.
    Plain,
    /// `HttpSendRequestEx` (no body), then `HttpEndRequest`: only the statuses from
    /// `HttpEndRequest` on are kept.
    Ex,
}

/// `GET path` on `127.0.0.1:port`, sent as `send` on a synchronous or asynchronous
/// root whose callback records: the request's statuses (for [`Send::Ex`], from
/// `HttpEndRequest` on), with their infos, and the final status code and body.
fn run(port: u16, path: &str, send: Send, asynchronous: bool) -> (Vec<Status>, u32, Vec<u8>) {
    let api = WinInet::new();
    let (root, rec, rx) = if asynchronous {
        recorded_async_root(&api)
    } else {
        let root = sync_root(&api);
        let (cb, rec, rx) = recording();
        assert!(api.internet_set_status_callback(root, Some(cb)).ret.is_ok());
        (root, rec, rx)
    };
    let connect = api.internet_connect(
        root,
        Some("127.0.0.1"),
        port,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    assert_ne!(connect.ret, HandleValue::NULL, "{:?}", connect.last_error);
    let request =
        api.http_open_request(connect.ret, Some("GET"), Some(path), None, None, &[], 0, 2);
    assert_ne!(request.ret, HandleValue::NULL, "{:?}", request.last_error);
    let request = request.ret;
    // WI-R18: asynchronously FALSE/997 then REQUEST_COMPLETE; synchronously TRUE.
    let expect_done = |answer: hinternet_net::wininet::api::Answer<bool>| {
        if asynchronous {
            assert_eq!(
                (answer.ret, answer.last_error),
                (false, Some(ERROR_IO_PENDING))
            );
            complete_ok(&rx);
        } else {
            assert!(answer.ret, "{:?}", answer.last_error);
        }
    };
    match send {
        Send::Plain => expect_done(api.http_send_request(request, None, &[])),
        Send::Ex => {
            expect_done(api.http_send_request_ex(request, None, 0));
            rec.clear();
            expect_done(api.http_end_request(request));
        }
    }
    let code = status_code(&api, request);
    let body = read_all(&api, request);
    let seen = rec
        .all()
        .into_iter()
        .filter(|s| s.handle == request)
        .collect();
    for h in [request, connect.ret, root] {
        assert!(api.internet_close_handle(h).ret);
    }
    finish(&api);
    (seen, code, body)
}

/// The names of `seen` from `REDIRECT` on, up to the end of the send (its
/// `REQUEST_COMPLETE` when asynchronous; reads come later).
fn from_redirect(seen: &[Status]) -> Vec<&'static str> {
    let all: Vec<u32> = seen.iter().map(|s| s.status).collect();
    let all = names(&all);
    let from = all
        .iter()
        .position(|s| *s == "REDIRECT")
        .unwrap_or_else(|| panic!("no REDIRECT in {all:?}"));
    let to = all
        .iter()
        .position(|s| *s == "REQUEST_COMPLETE")
        .unwrap_or(all.len() - 1);
    all[from..=to].to_vec()
}

/// The info text of the first `status` after `REDIRECT`.
fn text_after_redirect(seen: &[Status], status: u32) -> String {
    let from = seen
        .iter()
        .position(|s| s.status == wi::INTERNET_STATUS_REDIRECT)
        .expect("a REDIRECT");
    match seen[from..]
        .iter()
        .find(|s| s.status == status)
        .map(|s| &s.info)
    {
        Some(StatusInfo::Text(text)) => text.clone(),
        other => panic!("{}: {other:?}", name(status)),
    }
}

/// What every path reports after the 302 to another port: REDIRECT, the new port's
/// resolution and connection, the re-send and its response (then REQUEST_COMPLETE when
/// asynchronous).
const TO_ANOTHER_PORT: [&str; 9] = [
    "REDIRECT",
    "RESOLVING_NAME",
    "NAME_RESOLVED",
    "CONNECTING_TO_SERVER",
    "CONNECTED_TO_SERVER",
    "SENDING_REQUEST",
    "REQUEST_SENT",
    "RECEIVING_RESPONSE",
    "RESPONSE_RECEIVED",
];

/// Sends a redirect to another port as `send`, checks the statuses after REDIRECT, the
/// new connection's payloads, the answer, and that each server was connected once.
fn redirect_to_another_port(send: Send, asynchronous: bool) {
    let origin = server::start();
    let other = server::start();
    let path = format!(
        "/redirect?code=302&to=http://127.0.0.1:{}/fixed",
        other.port()
    );
    let (seen, code, body) = run(origin.port(), &path, send, asynchronous);
    let mut expected = TO_ANOTHER_PORT.to_vec();
    if asynchronous {
        expected.push("REQUEST_COMPLETE");
    }
    let all: Vec<u32> = seen.iter().map(|s| s.status).collect();
    assert_eq!(
        from_redirect(&seen),
        expected,
        "{send:?}: {:?}",
        names(&all)
    );
    if let Send::Ex = send {
        // WI-R20: HttpEndRequest reads the 302 first.
        assert_eq!(
            names(&all[..2]),
            ["RECEIVING_RESPONSE", "RESPONSE_RECEIVED"]
        );
    }
    // The payloads are the new connection's.
    for status in [
        wi::INTERNET_STATUS_RESOLVING_NAME,
        wi::INTERNET_STATUS_NAME_RESOLVED,
        wi::INTERNET_STATUS_CONNECTED_TO_SERVER,
    ] {
        assert_eq!(text_after_redirect(&seen, status), "127.0.0.1");
    }
    assert_eq!((code, body.as_slice()), (200, server::FIXED_BODY));
    assert_eq!((origin.accepted(), other.accepted()), (1, 1));
}

#[test]
fn async_send_request_reports_the_redirects_new_connection() {
    redirect_to_another_port(Send::Plain, true);
}

#[test]
fn async_end_request_reports_the_redirects_new_connection() {
    redirect_to_another_port(Send::Ex, true);
}

#[test]
fn sync_send_request_reports_the_redirects_new_connection() {
    redirect_to_another_port(Send::Plain, false);
}

#[test]
fn sync_end_request_reports_the_redirects_new_connection() {
    redirect_to_another_port(Send::Ex, false);
}

#[test]
fn a_redirect_on_the_kept_alive_connection_reports_no_connect() {
    for (send, asynchronous) in [(Send::Plain, true), (Send::Ex, true), (Send::Ex, false)] {
        let origin = server::start();
        let (seen, code, body) = run(
            origin.port(),
            "/redirect?code=302&to=/fixed",
            send,
            asynchronous,
        );
        let mut expected = vec![
            "REDIRECT",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
        ];
        if asynchronous {
            expected.push("REQUEST_COMPLETE");
        }
        // WI-R20: the connect notifications come for a new connection only.
        let all: Vec<u32> = seen.iter().map(|s| s.status).collect();
        assert_eq!(
            from_redirect(&seen),
            expected,
            "{send:?}: {:?}",
            names(&all)
        );
        assert_eq!((code, body.as_slice()), (200, server::FIXED_BODY));
        assert_eq!(
            origin.accepted(),
            1,
            "{send:?}: the 302's connection is reused"
        );
    }
}
