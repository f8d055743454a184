//! The typed WinHTTP API's data functions: Basic authentication, CrackUrl/CreateUrl,
//! SystemTime conversions, the proxy configuration set, CheckPlatform.

mod support;

use hinternet_net::url::{to_wide, CrackRequest, UrlComponents};
use hinternet_net::winhttp::api::WinHttp;
use hinternet_net::winhttp::exec::VecBuffer;
use hinternet_net::winhttp::options::ProxyInfo;
use hinternet_net::winhttp::proxy::AutoProxyOptions;
use hinternet_testservers::http as server;
use support::winhttp::*;
use windows_sys::Win32::Foundation::{ERROR_INSUFFICIENT_BUFFER, ERROR_SUCCESS};
use windows_sys::Win32::Networking::WinHttp as wh;

#[test]
fn basic_auth_challenge_schemes_and_credentials() {
    let server = server::start();
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let request = api
        .open_request(connect, None, Some("/auth"), None, None, &[], 0)
        .ret;
    // Before any response: the machine's state check.
    let early = api.query_auth_schemes(request);
    assert!(!early.ret);
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    assert_eq!(status_code(&api, request), 401);
    let schemes = api.query_auth_schemes(request);
    assert!(schemes.ret, "{schemes:?}");
    let schemes = schemes.out.expect("schemes");
    assert_eq!(schemes.first, wh::WINHTTP_AUTH_SCHEME_BASIC);
    assert_eq!(schemes.target, wh::WINHTTP_AUTH_TARGET_SERVER);
    // Basic without a password: 87.
    let bad = api.set_credentials(
        request,
        wh::WINHTTP_AUTH_TARGET_SERVER,
        wh::WINHTTP_AUTH_SCHEME_BASIC,
        Some("user"),
        None,
    );
    assert_eq!(
        bad.last_error,
        Some(windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER)
    );
    let set = api.set_credentials(
        request,
        wh::WINHTTP_AUTH_TARGET_SERVER,
        wh::WINHTTP_AUTH_SCHEME_BASIC,
        Some(server::AUTH_USER),
        Some(server::AUTH_PASSWORD),
    );
    assert!(set.ret, "{set:?}");
    assert!(api.send_request(request, None, &[], 0, None).ret);
    assert!(api.receive_response(request).ret);
    assert_eq!(status_code(&api, request), 200);
    let buf = VecBuffer::new(64);
    let r = api.read_data(request, buf.clone(), 64);
    assert_eq!(buf.prefix(r.out as usize), b"welcome");
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}

#[test]
fn crack_and_create_url_round_trip() {
    let api = WinHttp::new().expect("runtime");
    let url = "https://user:pw@example.com:8443/a/b?c=d";
    let cracked = api.crack_url(url, 0, &CrackRequest::all_pointers());
    assert!(cracked.ret, "{cracked:?}");
    let cracked = cracked.out.expect("cracked");
    let wide = to_wide(url);
    assert_eq!(cracked.port, 8443);
    assert_eq!(cracked.scheme, wh::WINHTTP_INTERNET_SCHEME_HTTPS);
    assert_eq!(
        cracked
            .host_name
            .text(&wide)
            .map(|t| String::from_utf16_lossy(&t)),
        Some("example.com".to_owned())
    );
    let bad = api.crack_url("nonsense", 0, &CrackRequest::all_pointers());
    assert!(!bad.ret);
    let host = to_wide("example.com");
    let path = to_wide("/x");
    let components = UrlComponents {
        scheme: wh::WINHTTP_INTERNET_SCHEME_HTTP,
        host_name: Some(&host),
        port: 80,
        url_path: Some(&path),
        ..UrlComponents::default()
    };
    let probe = api.create_url(&components, 0, 0, false);
    assert_eq!(probe.last_error, Some(ERROR_INSUFFICIENT_BUFFER));
    let needed = probe.out.length.expect("length");
    let created = api.create_url(&components, 0, needed, true);
    assert!(created.ret);
    assert_eq!(
        created.out.url.map(|u| String::from_utf16_lossy(&u)),
        Some("http://example.com/x".to_owned())
    );
    assert_eq!(needed, "http://example.com/x".len() as u32 + 1);
    finish(&api);
}

#[test]
fn system_time_conversions_and_platform() {
    let api = WinHttp::new().expect("runtime");
    let t = api.time_to_system_time("Sun, 06 Nov 1994 08:49:37 GMT");
    assert!(t.ret);
    let t = t.out.expect("time");
    assert_eq!((t.year, t.month, t.day, t.hour), (1994, 11, 6, 8));
    let text = api.time_from_system_time(&t);
    assert_eq!(text.out.as_deref(), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
    assert!(api.check_platform());
}

#[test]
fn proxy_configuration_set() {
    let api = WinHttp::new().expect("runtime");
    let named = ProxyInfo {
        access_type: wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: Some(to_wide("proxy.example:3128")),
        bypass: Some(to_wide("<local>")),
    };
    assert!(api.set_default_proxy_configuration(&named).ret);
    let got = api.get_default_proxy_configuration();
    assert_eq!((got.ret, got.last_error), (true, Some(ERROR_SUCCESS)));
    assert_eq!(got.out, named);
    let bad = ProxyInfo {
        access_type: wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: None,
        bypass: None,
    };
    assert!(!api.set_default_proxy_configuration(&bad).ret);
    assert!(api.get_ie_proxy_config_for_current_user().ret);
    let detect = api.detect_auto_proxy_config_url(wh::WINHTTP_AUTO_DETECT_TYPE_DNS_A);
    assert_eq!(
        detect.last_error,
        Some(wh::ERROR_WINHTTP_AUTODETECTION_FAILED)
    );
    let session = api.open(None, 0, None, None, 0).ret;
    let options = AutoProxyOptions {
        flags: wh::WINHTTP_AUTOPROXY_AUTO_DETECT,
        auto_detect_flags: wh::WINHTTP_AUTO_DETECT_TYPE_DNS_A,
        auto_config_url: None,
    };
    let p = api.get_proxy_for_url(session, Some("http://example.com/"), Some(&options));
    assert_eq!(
        (p.ret, p.last_error),
        (false, Some(wh::ERROR_WINHTTP_AUTODETECTION_FAILED))
    );
    let missing = api.get_proxy_for_url(session, None, Some(&options));
    assert_eq!(
        missing.last_error,
        Some(windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER)
    );
    assert!(api.close_handle(session).ret);
    finish(&api);
}

#[test]
fn receive_response_timeout_default_is_queried_as_infinite() {
    // WH-R11: the query answers ~0u on session and request (the wait itself is 90 s).
    let api = WinHttp::new().expect("runtime");
    let session = api.open(None, 0, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), 9).ret;
    let request = api
        .open_request(connect, None, None, None, None, &[], 0)
        .ret;
    for handle in [session, request] {
        let q = api.query_option(handle, wh::WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, Some(4));
        assert!(q.ret, "{q:?}");
        assert_eq!(
            q.out.value,
            Some(hinternet_net::winhttp::options::OptionValue::Dword(
                u32::MAX
            ))
        );
    }
    for h in [request, connect, session] {
        assert!(api.close_handle(h).ret);
    }
    finish(&api);
}
