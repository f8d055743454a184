//! The typed WinHTTP API: the connect progress of a re-send's new connection inside an
//! asynchronous `WinHttpReceiveResponse` (docs/behaviour.md WH-R28, WH-R30, WH-R31,
//! WH-R42): a redirect to another server, and an authentication re-send after the server
//! closed the challenge's connection, report `[RESOLVING_NAME, NAME_RESOLVED]`,
//! `CONNECTING_TO_SERVER`, `CONNECTED_TO_SERVER` before the re-send's `SENDING_REQUEST`; a
//! re-send on the kept-alive connection reports none.

mod support;

use hinternet_net::url::to_wide;
use hinternet_net::winhttp::api::WinHttp;
use hinternet_net::winhttp::options::OptionValue;
use hinternet_testservers::http as server;
use hinternet_testservers::script::{self, Step};
use support::winhttp::*;
use windows_sys::Win32::Networking::WinHttp as wh;

const ALL: u32 = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;

/// An asynchronous GET of `path` on `127.0.0.1:port` (with Basic server credentials set
/// before the send when `credentials`): the status code, the statuses the request saw
/// after `SENDREQUEST_COMPLETE` up to `HEADERS_AVAILABLE`, and every status of the request
/// with its info text.
fn async_receive(
    port: u16,
    path: &str,
    credentials: bool,
) -> (u32, Vec<&'static str>, Vec<(&'static str, String)>) {
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let session = async_session(&api);
    assert!(api
        .set_status_callback(session, Some(rec.callback.clone()), ALL)
        .ret
        .is_ok());
    let connect = api.connect(session, Some("127.0.0.1"), port).ret;
    let request = api
        .open_request(connect, None, Some(path), None, None, &[], 0)
        .ret;
    assert!(!request.is_null());
    if credentials {
        for (option, text) in [
            (wh::WINHTTP_OPTION_USERNAME, server::AUTH_USER),
            (wh::WINHTTP_OPTION_PASSWORD, server::AUTH_PASSWORD),
        ] {
            let value = OptionValue::Wide(to_wide(text));
            let len = u32::try_from(text.len()).expect("short");
            assert!(api.set_option(request, option, Some(&value), len).ret);
        }
    }
    assert!(api.send_request(request, None, &[], 0, None).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    assert!(api.receive_response(request).ret);
    rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    let status = status_code(&api, request);
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    let seen = rec.statuses(request);
    let from = seen
        .iter()
        .position(|s| *s == "SENDREQUEST_COMPLETE")
        .expect("send completed");
    let to = seen
        .iter()
        .position(|s| *s == "HEADERS_AVAILABLE")
        .expect("receive completed");
    let infos = rec
        .all()
        .into_iter()
        .filter(|s| s.handle == request)
        .map(|s| (name(s.status), s.info))
        .collect();
    (status, seen[from + 1..=to].to_vec(), infos)
}

/// The info text of the first `status` after `REDIRECT` (or after the start when none).
fn info_after_redirect(infos: &[(&'static str, String)], status: &str) -> String {
    let from = infos
        .iter()
        .position(|(s, _)| *s == "REDIRECT")
        .unwrap_or(0);
    infos[from..]
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, info)| info.clone())
        .unwrap_or_else(|| panic!("no {status} in {infos:?}"))
}

#[test]
fn a_redirect_to_another_port_reports_its_new_connection_before_the_resend() {
    let origin = server::start();
    let other = server::start();
    let path = format!(
        "/redirect?code=302&to=http://127.0.0.1:{}/fixed",
        other.port()
    );
    let (status, seen, infos) = async_receive(origin.port(), &path, false);
    assert_eq!(status, 200);
    // WH-R28/WH-R31: the 302, REDIRECT; WH-R30: the other port was never resolved on
    // this connect, so its name, then its new connection; then the re-send and the final
    // response.
    assert_eq!(
        seen,
        [
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "REDIRECT",
            "RESOLVING_NAME",
            "NAME_RESOLVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "HEADERS_AVAILABLE",
        ],
        "{infos:#?}"
    );
    // The payloads are the new connection's (name and address as wide strings).
    assert_eq!(
        info_after_redirect(&infos, "RESOLVING_NAME"),
        "\"127.0.0.1\""
    );
    assert_eq!(
        info_after_redirect(&infos, "CONNECTED_TO_SERVER"),
        "\"127.0.0.1\""
    );
    assert_eq!((origin.accepted(), other.accepted()), (1, 1));
}

/// A `401` with a Basic challenge that closes its connection.
const CHALLENGE_THEN_CLOSE: &[u8] = b"HTTP/1.1 401 Unauthorized\r\n\
WWW-Authenticate: Basic realm=\"hinternet\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
/// The same `401`, keeping its connection.
const CHALLENGE: &[u8] = b"HTTP/1.1 401 Unauthorized\r\n\
WWW-Authenticate: Basic realm=\"hinternet\"\r\nContent-Length: 0\r\n\r\n";
/// The answer to the re-send.
const WELCOME: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nwelcome";

#[test]
fn an_authentication_resend_after_the_server_closed_reports_its_new_connection() {
    let server = script::start(vec![
        vec![
            Step::ReadHead,
            Step::Write(CHALLENGE_THEN_CLOSE.to_vec()),
            Step::Close,
        ],
        vec![Step::ReadHead, Step::Write(WELCOME.to_vec()), Step::Hang],
    ]);
    let (status, seen, infos) = async_receive(server.handle.port(), "/auth", true);
    assert_eq!(status, 200);
    // WH-R42: the 401, no REDIRECT; the address is known to the connect (no resolve) but
    // the connection is new (WH-R30); then the re-send and its response.
    assert_eq!(
        seen,
        [
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "CONNECTING_TO_SERVER",
            "CONNECTED_TO_SERVER",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "HEADERS_AVAILABLE",
        ],
        "{infos:#?}"
    );
    assert_eq!(server.handle.accepted(), 2);
    assert!(String::from_utf8_lossy(&server.received(1)).contains("Authorization: Basic "));
}

#[test]
fn an_authentication_resend_on_the_kept_alive_connection_reports_no_connect() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(CHALLENGE.to_vec()),
        Step::ReadHead,
        Step::Write(WELCOME.to_vec()),
        Step::Hang,
    ]]);
    let (status, seen, infos) = async_receive(server.handle.port(), "/auth", true);
    assert_eq!(status, 200);
    // WH-R42 / WH-R30: the re-send goes out on the 401's connection: no connect progress.
    assert_eq!(
        seen,
        [
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "SENDING_REQUEST",
            "REQUEST_SENT",
            "RECEIVING_RESPONSE",
            "RESPONSE_RECEIVED",
            "HEADERS_AVAILABLE",
        ],
        "{infos:#?}"
    );
    assert_eq!(server.handle.accepted(), 1);
}
