//! Named HTTP proxies and Basic authentication through the typed WinHTTP API: a plain GET
//! through the proxy (absolute-form request line), HTTPS through a `CONNECT` tunnel, the
//! bypass list, a proxy that is down (12029), `WINHTTP_OPTION_PROXY` on session and request,
//! and the automatic answer to 401/407 when credentials were set before the send.

mod support;

use base64::Engine as _;
use hinternet_net::url::to_wide;
use hinternet_net::winhttp::api::{Handle, WinHttp};
use hinternet_net::winhttp::exec::VecBuffer;
use hinternet_net::winhttp::options::OptionValue;
use hinternet_testservers::proxy::ProxyServer;
use hinternet_testservers::{http as server, tls};
use support::winhttp::*;
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Networking::WinHttp as wh;

/// `sizeof(WINHTTP_PROXY_INFO)` on the 64-bit ABI.
const PROXY_INFO_LEN: u32 = std::mem::size_of::<wh::WINHTTP_PROXY_INFO>() as u32;

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// Opens session → connect → request for `path` on 127.0.0.1:`port`.
fn open(
    api: &WinHttp,
    access: u32,
    proxy: Option<&str>,
    bypass: Option<&str>,
    port: u16,
    path: &str,
    flags: u32,
) -> [Handle; 3] {
    let session = api.open(Some("proxy-test"), access, proxy, bypass, 0);
    assert_eq!(session.last_error, Some(ERROR_SUCCESS), "{session:?}");
    let connect = api.connect(session.ret, Some("127.0.0.1"), port).ret;
    assert!(!connect.is_null());
    let request = api
        .open_request(connect, None, Some(path), None, None, &[], flags)
        .ret;
    assert!(!request.is_null());
    [request, connect, session.ret]
}

fn close(api: &WinHttp, handles: [Handle; 3]) {
    for h in handles {
        assert!(api.close_handle(h).ret);
    }
    finish(api);
}

fn send_receive(api: &WinHttp, request: Handle) -> (bool, Option<u32>) {
    let sent = api.send_request(request, None, &[], 0, None);
    if !sent.ret {
        return (sent.ret, sent.last_error);
    }
    let received = api.receive_response(request);
    (received.ret, received.last_error)
}

#[test]
fn plain_get_goes_through_the_named_proxy_in_absolute_form() {
    let origin = server::start();
    let proxy = ProxyServer::start();
    let api = WinHttp::new().expect("runtime");
    let proxy_name = format!("127.0.0.1:{}", proxy.handle.port());
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        Some(&proxy_name),
        None,
        origin.port(),
        "/fixed",
        0,
    );
    let [request, _, session] = handles;
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(status_code(&api, request), 200);
    assert_eq!(read_all(&api, request), server::FIXED_BODY);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let first = heads[0].lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("GET http://127.0.0.1:{}/fixed HTTP/1.1", origin.port())
    );
    assert!(
        heads[0].contains(&format!("Host: 127.0.0.1:{}", origin.port())),
        "{heads:?}"
    );
    // WINHTTP_OPTION_PROXY on the session answers what WinHttpOpen was given.
    let q = api.query_option(session, wh::WINHTTP_OPTION_PROXY, Some(64));
    assert!(q.ret, "{q:?}");
    let Some(OptionValue::Proxy(info)) = q.out.value else {
        panic!("no proxy info: {q:?}");
    };
    assert_eq!(info.access_type, wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY);
    assert_eq!(info.proxy, Some(to_wide(&proxy_name)));
    close(&api, handles);
}

#[test]
fn https_goes_through_a_connect_tunnel() {
    let origin = tls::start(tls::CertKind::Valid);
    let proxy = ProxyServer::start();
    let api = WinHttp::new().expect("runtime");
    api.add_trusted_root(origin.ca_der().to_vec());
    let proxy_name = format!("127.0.0.1:{}", proxy.handle.port());
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        Some(&proxy_name),
        None,
        origin.handle.port(),
        "/fixed",
        wh::WINHTTP_FLAG_SECURE,
    );
    let request = handles[0];
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(status_code(&api, request), 200);
    assert_eq!(read_all(&api, request), server::FIXED_BODY);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "only the CONNECT is visible: {heads:?}");
    let authority = format!("127.0.0.1:{}", origin.handle.port());
    assert_eq!(
        heads[0].lines().next().unwrap_or_default(),
        format!("CONNECT {authority} HTTP/1.1")
    );
    assert!(
        heads[0].contains(&format!("Host: {authority}")),
        "{heads:?}"
    );
    assert!(heads[0].contains("User-Agent: proxy-test"), "{heads:?}");
    assert_eq!(origin.handle.accepted(), 1);
    close(&api, handles);
}

#[test]
fn bypass_list_skips_the_proxy() {
    let origin = server::start();
    let proxy = ProxyServer::start();
    let api = WinHttp::new().expect("runtime");
    let proxy_name = format!("127.0.0.1:{}", proxy.handle.port());
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        Some(&proxy_name),
        Some("<local>;127.0.0.1"),
        origin.port(),
        "/fixed",
        0,
    );
    let request = handles[0];
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(read_all(&api, request), server::FIXED_BODY);
    assert_eq!(proxy.requests(), 0);
    assert_eq!(proxy.handle.accepted(), 0);
    assert_eq!(origin.accepted(), 1);
    close(&api, handles);
}

#[test]
fn proxy_down_is_cannot_connect() {
    let origin = server::start();
    // A port nothing listens on: bind, read the port, close.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let api = WinHttp::new().expect("runtime");
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        Some(&format!("127.0.0.1:{port}")),
        None,
        origin.port(),
        "/fixed",
        0,
    );
    let sent = api.send_request(handles[0], None, &[], 0, None);
    assert_eq!(
        (sent.ret, sent.last_error),
        (false, Some(wh::ERROR_WINHTTP_CANNOT_CONNECT))
    );
    assert_eq!(origin.accepted(), 0);
    close(&api, handles);
}

/// Sets `WINHTTP_OPTION_PROXY` on the request (`on_request`) or on the session of a
/// `NO_PROXY` session, checks the query answers it, and that the send goes through it.
fn proxy_option_routes_the_send(on_request: bool) {
    let origin = server::start();
    let proxy = ProxyServer::start();
    let api = WinHttp::new().expect("runtime");
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        None,
        None,
        origin.port(),
        "/fixed",
        0,
    );
    let target = if on_request { handles[0] } else { handles[2] };
    let info = named_proxy(&format!("127.0.0.1:{}", proxy.handle.port()), None);
    let value = OptionValue::Proxy(info.clone());
    let option = wh::WINHTTP_OPTION_PROXY;
    let set = api.set_option(target, option, Some(&value), PROXY_INFO_LEN);
    assert!(set.ret, "{set:?}");
    let q = api.query_option(target, option, Some(64));
    assert_eq!(q.out.value, Some(OptionValue::Proxy(info)));
    assert_eq!(send_receive(&api, handles[0]), (true, Some(ERROR_SUCCESS)));
    assert_eq!(read_all(&api, handles[0]), server::FIXED_BODY);
    assert_eq!(proxy.requests(), 1);
    assert_eq!(origin.accepted(), 1);
    close(&api, handles);
}

#[test]
fn request_proxy_option_overrides_the_session_and_is_queried_back() {
    proxy_option_routes_the_send(true);
}

#[test]
fn session_proxy_option_routes_new_sends() {
    proxy_option_routes_the_send(false);
}

#[test]
fn proxy_407_is_returned_without_credentials_and_answered_with_them() {
    let origin = server::start();
    let expected = basic("puser", "ppass");
    let proxy = ProxyServer::start_with_basic(&expected);
    let api = WinHttp::new().expect("runtime");
    let proxy_name = format!("127.0.0.1:{}", proxy.handle.port());
    // Without credentials: the 407 is the application's to answer.
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        Some(&proxy_name),
        None,
        origin.port(),
        "/fixed",
        0,
    );
    let request = handles[0];
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(status_code(&api, request), 407);
    let schemes = api.query_auth_schemes(request);
    let schemes = schemes.out.expect("schemes");
    assert_eq!(schemes.target, wh::WINHTTP_AUTH_TARGET_PROXY);
    assert_eq!(proxy.requests(), 1);
    // With the proxy user name and password options set before the send, WinHTTP resends
    // with Proxy-Authorization inside ReceiveResponse.
    for (option, text) in [
        (wh::WINHTTP_OPTION_PROXY_USERNAME, "puser"),
        (wh::WINHTTP_OPTION_PROXY_PASSWORD, "ppass"),
    ] {
        let value = OptionValue::Wide(to_wide(text));
        let len = u32::try_from(text.len()).expect("short");
        assert!(api.set_option(request, option, Some(&value), len).ret);
    }
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(status_code(&api, request), 200);
    assert_eq!(read_all(&api, request), server::FIXED_BODY);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 3, "{heads:?}");
    assert!(!heads[1].contains("Proxy-Authorization"), "{heads:?}");
    assert!(
        heads[2].contains(&format!("Proxy-Authorization: {expected}")),
        "{heads:?}"
    );
    close(&api, handles);
}

#[test]
fn connect_407_is_the_response_and_proxy_credentials_open_the_tunnel() {
    let origin = tls::start(tls::CertKind::Valid);
    let expected = basic("puser", "ppass");
    let proxy = ProxyServer::start_with_basic(&expected);
    let api = WinHttp::new().expect("runtime");
    api.add_trusted_root(origin.ca_der().to_vec());
    let proxy_name = format!("127.0.0.1:{}", proxy.handle.port());
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        Some(&proxy_name),
        None,
        origin.handle.port(),
        "/fixed",
        wh::WINHTTP_FLAG_SECURE,
    );
    let request = handles[0];
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(status_code(&api, request), 407);
    assert_eq!(origin.handle.accepted(), 0, "nothing reached the origin");
    let set = api.set_credentials(
        request,
        wh::WINHTTP_AUTH_TARGET_PROXY,
        wh::WINHTTP_AUTH_SCHEME_BASIC,
        Some("puser"),
        Some("ppass"),
    );
    assert!(set.ret, "{set:?}");
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    assert_eq!(status_code(&api, request), 200);
    assert_eq!(read_all(&api, request), server::FIXED_BODY);
    let heads = proxy.heads();
    assert!(heads.iter().all(|h| h.starts_with("CONNECT ")), "{heads:?}");
    assert!(
        heads
            .last()
            .is_some_and(|h| h.contains(&format!("Proxy-Authorization: {expected}"))),
        "{heads:?}"
    );
    close(&api, handles);
}

/// The statuses of a receive: from the one after `SENDREQUEST_COMPLETE` (async) or
/// `REQUEST_SENT` (sync, the first send's) up to `HEADERS_AVAILABLE` or the end.
fn receive_statuses(statuses: &[&'static str]) -> Vec<&'static str> {
    let start = statuses
        .iter()
        .position(|s| *s == "SENDREQUEST_COMPLETE")
        .or_else(|| statuses.iter().position(|s| *s == "REQUEST_SENT"))
        .map_or(0, |at| at + 1);
    let end = statuses
        .iter()
        .position(|s| *s == "HEADERS_AVAILABLE")
        .map_or(statuses.len(), |at| at + 1);
    statuses.get(start..end).unwrap_or_default().to_vec()
}

/// WH-R42: what an asynchronous `WinHttpReceiveResponse` that answers a 401 reports.
const AUTH_RESEND_RECEIVE: [&str; 7] = [
    "RECEIVING_RESPONSE",
    "RESPONSE_RECEIVED",
    "SENDING_REQUEST",
    "REQUEST_SENT",
    "RECEIVING_RESPONSE",
    "RESPONSE_RECEIVED",
    "HEADERS_AVAILABLE",
];

/// A synchronous session with a status callback; returns what `server_auth` returns and
/// the statuses the request saw up to the end of the receive.
fn server_auth(credentials: Option<(&str, &str)>) -> (u32, Vec<u8>, usize) {
    let (status, body, connections, _) = server_auth_seen(credentials);
    (status, body, connections)
}

fn server_auth_seen(credentials: Option<(&str, &str)>) -> (u32, Vec<u8>, usize, Vec<&'static str>) {
    let origin = server::start();
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let handles = open(
        &api,
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        None,
        None,
        origin.port(),
        "/auth",
        0,
    );
    let request = handles[0];
    let all = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;
    let set = api.set_status_callback(request, Some(rec.callback.clone()), all);
    assert!(set.ret.is_ok());
    if let Some((user, password)) = credentials {
        for (option, text) in [
            (wh::WINHTTP_OPTION_USERNAME, user),
            (wh::WINHTTP_OPTION_PASSWORD, password),
        ] {
            let value = OptionValue::Wide(to_wide(text));
            let len = u32::try_from(text.len()).expect("short");
            assert!(api.set_option(request, option, Some(&value), len).ret);
        }
    }
    assert_eq!(send_receive(&api, request), (true, Some(ERROR_SUCCESS)));
    let seen = rec.statuses(request);
    let status = status_code(&api, request);
    let body = read_all(&api, request);
    let connections = origin.accepted();
    close(&api, handles);
    (status, body, connections, seen)
}

#[test]
fn server_401_basic_is_answered_inside_receive_response_with_credentials() {
    let credentials = Some((server::AUTH_USER, server::AUTH_PASSWORD));
    let (status, body, _, seen) = server_auth_seen(credentials);
    assert_eq!((status, body.as_slice()), (200, &b"welcome"[..]));
    // WH-R42: the 401, the answering re-send (no REDIRECT) and its response, as the
    // asynchronous receive reports them but without HEADERS_AVAILABLE (WH-R31).
    assert_eq!(
        receive_statuses(&seen),
        AUTH_RESEND_RECEIVE[..6].to_vec(),
        "{seen:?}"
    );
    // Without credentials: the 401 alone.
    let (status, _, _, seen) = server_auth_seen(None);
    assert_eq!(status, 401);
    assert_eq!(
        receive_statuses(&seen),
        vec!["RECEIVING_RESPONSE", "RESPONSE_RECEIVED"],
        "{seen:?}"
    );
}

#[test]
fn server_401_without_or_with_wrong_credentials_is_returned() {
    let (status, body, _) = server_auth(None);
    assert_eq!((status, body.as_slice()), (401, &b"who are you?"[..]));
    // Basic is tried once per send: wrong credentials give the 401 back.
    let (status, _, _) = server_auth(Some(("user", "wrong")));
    assert_eq!(status, 401);
}

/// An asynchronous session through a named proxy: send, receive and read by completions;
/// returns the status, the body and the statuses the request saw.
fn async_get(
    proxy: Option<&str>,
    port: u16,
    path: &str,
    credentials: Option<(u32, &str, &str)>,
) -> (u32, Vec<u8>, Vec<&'static str>) {
    let api = WinHttp::new().expect("runtime");
    let rec = recorder();
    let access = if proxy.is_some() {
        wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY
    } else {
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY
    };
    let session = api.open(
        Some("proxy-test"),
        access,
        proxy,
        None,
        wh::WINHTTP_FLAG_ASYNC,
    );
    assert_eq!(session.last_error, Some(ERROR_SUCCESS), "{session:?}");
    let session = session.ret;
    let all = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;
    let set = api.set_status_callback(session, Some(rec.callback.clone()), all);
    assert!(set.ret.is_ok());
    let connect = api.connect(session, Some("127.0.0.1"), port).ret;
    let request = api
        .open_request(connect, None, Some(path), None, None, &[], 0)
        .ret;
    assert!(!request.is_null());
    if let Some((target, user, password)) = credentials {
        let (user_option, password_option) = if target == wh::WINHTTP_AUTH_TARGET_PROXY {
            (
                wh::WINHTTP_OPTION_PROXY_USERNAME,
                wh::WINHTTP_OPTION_PROXY_PASSWORD,
            )
        } else {
            (wh::WINHTTP_OPTION_USERNAME, wh::WINHTTP_OPTION_PASSWORD)
        };
        for (option, text) in [(user_option, user), (password_option, password)] {
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
    let mut body = Vec::new();
    let buf = VecBuffer::new(4096);
    for _ in 0..10_000 {
        assert!(api.read_data(request, buf.clone(), 4096).ret);
        let n = match rec.wait_for(request, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE) {
            hinternet_net::winhttp::exec::StatusInfo::Read { bytes, .. } => bytes,
            other => panic!("READ_COMPLETE without a count: {other:?}"),
        };
        if n == 0 {
            break;
        }
        body.extend(buf.prefix(n as usize));
    }
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    (status, body, rec.statuses(request))
}

#[test]
fn async_get_through_the_proxy_and_async_proxy_407_answer() {
    let origin = server::start();
    let proxy = ProxyServer::start();
    let name = format!("127.0.0.1:{}", proxy.handle.port());
    let (status, body, statuses) = async_get(Some(&name), origin.port(), "/fixed", None);
    assert_eq!((status, body.as_slice()), (200, server::FIXED_BODY));
    assert_eq!(proxy.requests(), 1);
    assert!(statuses.contains(&"CONNECTED_TO_SERVER"), "{statuses:?}");

    let expected = basic("puser", "ppass");
    let guarded = ProxyServer::start_with_basic(&expected);
    let name = format!("127.0.0.1:{}", guarded.handle.port());
    let credentials = Some((wh::WINHTTP_AUTH_TARGET_PROXY, "puser", "ppass"));
    let (status, body, statuses) = async_get(Some(&name), origin.port(), "/fixed", credentials);
    assert_eq!((status, body.as_slice()), (200, server::FIXED_BODY));
    // WH-R42: the 407's answer is reported as a re-send, as a 401's is.
    assert_eq!(
        receive_statuses(&statuses),
        AUTH_RESEND_RECEIVE,
        "{statuses:?}"
    );
    let heads = guarded.heads();
    assert_eq!(heads.len(), 2, "a 407 then the answered request: {heads:?}");
    assert!(heads[1].contains(&format!("Proxy-Authorization: {expected}")));
}

#[test]
fn async_server_401_is_answered_inside_receive_response() {
    let origin = server::start();
    let credentials = Some((
        wh::WINHTTP_AUTH_TARGET_SERVER,
        server::AUTH_USER,
        server::AUTH_PASSWORD,
    ));
    let (status, body, statuses) = async_get(None, origin.port(), "/auth", credentials);
    assert_eq!((status, body.as_slice()), (200, &b"welcome"[..]));
    // WH-R42: inside ReceiveResponse, the 401, the answering re-send (no REDIRECT), its
    // response, then HEADERS_AVAILABLE.
    assert_eq!(
        receive_statuses(&statuses),
        AUTH_RESEND_RECEIVE,
        "{statuses:?}"
    );
    let (status, _, _) = async_get(None, origin.port(), "/auth", None);
    assert_eq!(status, 401);
}
