//! Sessions opened with `WINHTTP_ACCESS_TYPE_DEFAULT_PROXY` and
//! `WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY` route through the proxy their configuration names,
//! decided when the session is opened: the default configuration
//! (`WinHttpSetDefaultProxyConfiguration`'s value, else `$http_proxy`), and for automatic
//! sessions, with no auto-detection source reachable, the user's static proxy (read from
//! `http_proxy` / `https_proxy` / `no_proxy` on this host), else the default configuration,
//! else direct.
//!
//! One test function: the proxy variables are process-wide, so the scenarios run in order
//! in this binary of their own.

mod support;

use hinternet_net::winhttp::api::WinHttp;
use hinternet_net::winhttp::options::ProxyInfo;
use hinternet_testservers::http as server;
use hinternet_testservers::proxy::ProxyServer;
use support::winhttp::*;
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Networking::WinHttp as wh;

const PROXY_VARIABLES: [&str; 6] = [
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
];

/// A GET of `/fixed` on `origin_port` through a session opened with `access`: the status,
/// the body, and the proxy's request count after it.
fn get(api: &WinHttp, access: u32, origin_port: u16, proxy: &ProxyServer) -> (u32, Vec<u8>, usize) {
    let session = api.open(Some("default-proxy-test"), access, None, None, 0);
    assert_eq!(session.last_error, Some(ERROR_SUCCESS), "{session:?}");
    let connect = api.connect(session.ret, Some("127.0.0.1"), origin_port).ret;
    assert!(!connect.is_null());
    let request = api
        .open_request(connect, None, Some("/fixed"), None, None, &[], 0)
        .ret;
    assert!(!request.is_null());
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    let status = status_code(api, request);
    let body = read_all(api, request);
    for h in [request, connect, session.ret] {
        assert!(api.close_handle(h).ret);
    }
    finish(api);
    (status, body, proxy.requests())
}

#[test]
fn default_and_automatic_sessions_use_the_configured_proxy() {
    for name in PROXY_VARIABLES {
        std::env::remove_var(name);
    }
    let origin = server::start();
    let proxy = ProxyServer::start();
    let proxy_name = format!("127.0.0.1:{}", proxy.handle.port());
    let fixed = server::FIXED_BODY.to_vec();
    let default = wh::WINHTTP_ACCESS_TYPE_DEFAULT_PROXY;
    let automatic = wh::WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY;

    // Nothing configured: both connect directly.
    let api = WinHttp::new().expect("runtime");
    assert_eq!(
        get(&api, default, origin.port(), &proxy),
        (200, fixed.clone(), 0)
    );
    assert_eq!(
        get(&api, automatic, origin.port(), &proxy),
        (200, fixed.clone(), 0)
    );

    // The stored default configuration: both go through the proxy.
    assert!(
        api.set_default_proxy_configuration(&named_proxy(&proxy_name, None))
            .ret
    );
    assert_eq!(
        get(&api, default, origin.port(), &proxy),
        (200, fixed.clone(), 1)
    );
    assert_eq!(
        get(&api, automatic, origin.port(), &proxy),
        (200, fixed.clone(), 2)
    );
    let heads = proxy.heads();
    let first = heads[0].lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("GET http://127.0.0.1:{}/fixed HTTP/1.1", origin.port())
    );

    // Its bypass list is honoured.
    assert!(
        api.set_default_proxy_configuration(&named_proxy(&proxy_name, Some("127.0.0.1")))
            .ret
    );
    assert_eq!(
        get(&api, default, origin.port(), &proxy),
        (200, fixed.clone(), 2)
    );

    // Decided at open: a session opened before the change keeps its configuration.
    assert!(
        api.set_default_proxy_configuration(&named_proxy(&proxy_name, None))
            .ret
    );
    let session = api.open(Some("before"), default, None, None, 0).ret;
    let none = ProxyInfo {
        access_type: wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: None,
        bypass: None,
    };
    assert!(api.set_default_proxy_configuration(&none).ret);
    let connect = api.connect(session, Some("127.0.0.1"), origin.port()).ret;
    let request = api
        .open_request(connect, None, Some("/fixed"), None, None, &[], 0)
        .ret;
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    assert_eq!(read_all(&api, request), fixed);
    assert_eq!(
        proxy.requests(),
        3,
        "the session opened before still uses the proxy"
    );
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
    // ... and one opened after it connects directly.
    assert_eq!(
        get(&api, default, origin.port(), &proxy),
        (200, fixed.clone(), 3)
    );

    // The user's static settings (here from `http_proxy`): automatic sessions use them;
    // `$http_proxy` is also the default configuration when none is stored.
    let api = WinHttp::new().expect("runtime");
    std::env::set_var("http_proxy", format!("http://{proxy_name}/"));
    assert_eq!(
        get(&api, automatic, origin.port(), &proxy),
        (200, fixed.clone(), 4)
    );
    assert_eq!(
        get(&api, default, origin.port(), &proxy),
        (200, fixed.clone(), 5)
    );
    // `no_proxy` bypasses the user's proxy for automatic sessions.
    std::env::set_var("no_proxy", "127.0.0.1");
    assert_eq!(get(&api, automatic, origin.port(), &proxy), (200, fixed, 5));
    for name in PROXY_VARIABLES {
        std::env::remove_var(name);
    }
}
