//! Expectations from Wine's `dlls/winhttp/tests/url.c` (WinHttpCrackUrl_test,
//! WinHttpCreateUrl_test), which pass on Windows.
use super::*;

fn w(s: &str) -> Vec<u16> {
    to_wide(s)
}

fn text(c: &Component, url: &[u16]) -> String {
    String::from_utf16_lossy(&c.text(url).expect("component present in this test"))
}

const URL1: &str = "http://username:password@www.winehq.org/site/about?query";

#[test]
fn crack_with_buffers_copies_every_component() {
    let url = w(URL1);
    let mut req = CrackRequest::uniform(ComponentRequest::Buffer(20));
    req.url_path = ComponentRequest::Buffer(40);
    let got = win_http_crack_url(&url, 0, &req).expect("cracks");
    assert_eq!(got.scheme, WINHTTP_INTERNET_SCHEME_HTTP);
    assert_eq!(got.scheme_name, Component::Copied(w("http")));
    assert_eq!(got.user_name, Component::Copied(w("username")));
    assert_eq!(got.password, Component::Copied(w("password")));
    assert_eq!(got.host_name, Component::Copied(w("www.winehq.org")));
    assert_eq!(got.port, 80);
    assert_eq!(got.url_path, Component::Copied(w("/site/about")));
    assert_eq!(got.extra_info, Component::Copied(w("?query")));
}

#[test]
fn crack_short_buffers_report_required_sizes_and_others_their_lengths() {
    let url = w(URL1);
    let mut req = CrackRequest::uniform(ComponentRequest::Buffer(20));
    req.scheme = ComponentRequest::Buffer(1);
    req.host_name = ComponentRequest::Buffer(1);
    req.url_path = ComponentRequest::Buffer(40);
    let err = win_http_crack_url(&url, 0, &req).expect_err("buffers too small");
    assert_eq!(err.code(), ERROR_INSUFFICIENT_BUFFER);
    let CrackError::InsufficientBuffer(out) = err else {
        panic!("not 122: {err:?}")
    };
    assert_eq!(out.scheme_name.reported_len(), Some(5));
    assert_eq!(out.host_name.reported_len(), Some(15));
    assert_eq!(out.url_path.reported_len(), Some(11));
}

#[test]
fn crack_pointer_mode_gives_offsets_into_the_url() {
    let url = w("http://username:password@www.winehq.org/site/about");
    let got = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.scheme_name, Component::InUrl { offset: 0, len: 4 });
    assert_eq!(got.user_name, Component::InUrl { offset: 7, len: 8 });
    assert_eq!(got.password, Component::InUrl { offset: 16, len: 8 });
    assert_eq!(
        got.host_name,
        Component::InUrl {
            offset: 25,
            len: 14
        }
    );
    assert_eq!(
        got.url_path,
        Component::InUrl {
            offset: 39,
            len: 11
        }
    );
    assert_eq!(got.extra_info, Component::InUrl { offset: 50, len: 0 });
    assert_eq!(got.port, 80);
}

#[test]
fn crack_without_user_gives_null_user_and_password() {
    let url = w("http://www.winehq.org");
    let got = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.user_name, Component::Absent);
    assert_eq!(got.password, Component::Absent);
    assert_eq!(got.user_name.reported_len(), Some(0));
    assert_eq!(got.host_name, Component::InUrl { offset: 7, len: 14 });
    assert_eq!(got.url_path, Component::InUrl { offset: 21, len: 0 });
    assert_eq!(got.extra_info, Component::InUrl { offset: 21, len: 0 });
}

#[test]
fn crack_https_default_port_and_lone_question_mark() {
    let url = w("https://www.winehq.org/post?");
    let got = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.scheme, WINHTTP_INTERNET_SCHEME_HTTPS);
    assert_eq!(got.port, 443);
    assert_eq!(got.scheme_name, Component::InUrl { offset: 0, len: 5 });
    assert_eq!(got.url_path, Component::InUrl { offset: 22, len: 5 });
    assert_eq!(got.extra_info, Component::InUrl { offset: 27, len: 1 });
}

#[test]
fn crack_errors_match_windows() {
    let cases = [
        ("HTTP:www.winehq.org", ERROR_WINHTTP_INVALID_URL),
        ("http:/www.winehq.org", ERROR_WINHTTP_INVALID_URL),
        ("www.winehq.org", ERROR_WINHTTP_UNRECOGNIZED_SCHEME),
        ("www", ERROR_WINHTTP_UNRECOGNIZED_SCHEME),
        ("http", ERROR_WINHTTP_UNRECOGNIZED_SCHEME),
        ("", ERROR_WINHTTP_UNRECOGNIZED_SCHEME),
        ("http://", ERROR_WINHTTP_INVALID_URL),
        ("http://winehq.org:65536", ERROR_WINHTTP_INVALID_URL),
        ("ftp://winehq.org/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME),
        ("http://winehq.org:8x/", ERROR_WINHTTP_INVALID_URL),
        ("http://[::1/", ERROR_WINHTTP_INVALID_URL),
    ];
    for (url, code) in cases {
        let err = win_http_crack_url(&w(url), 0, &CrackRequest::all_pointers());
        assert_eq!(err.map_err(|e| e.code()).err(), Some(code), "{url}");
    }
}

#[test]
fn crack_ports_zero_empty_and_explicit() {
    let port =
        |u: &str| win_http_crack_url(&w(u), 0, &CrackRequest::all_pointers()).map(|c| c.port);
    assert_eq!(port("http://winehq.org:0"), Ok(0));
    assert_eq!(port("http://winehq.org:"), Ok(80));
    assert_eq!(port("http://winehq.org:/"), Ok(80));
    assert_eq!(
        port("http://u:p@www.winehq.org:42/site/about?query"),
        Ok(42)
    );
    assert_eq!(
        port("http://u:p@www.winehq.org:80/site/about?query"),
        Ok(80)
    );
    assert_eq!(
        port("https://u:p@www.winehq.org:443/site/about?query"),
        Ok(443)
    );
}

#[test]
fn crack_ipv6_host_keeps_brackets_and_port() {
    let url = w("http://[::1]:8080/x?y");
    let got = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(text(&got.host_name, &url), "[::1]");
    assert_eq!(got.port, 8080);
    assert_eq!(text(&got.url_path, &url), "/x");
}

#[test]
fn crack_query_with_at_sign_is_not_userinfo() {
    let url = w("http://example.net/path?var1=example@example.com&var2=x&var3=y");
    let got = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.user_name, Component::Absent);
    assert_eq!(got.host_name, Component::InUrl { offset: 7, len: 11 });
    assert_eq!(got.url_path, Component::InUrl { offset: 18, len: 5 });
    assert_eq!(
        got.extra_info,
        Component::InUrl {
            offset: 23,
            len: 39
        }
    );
}

#[test]
fn crack_semicolon_stays_in_path() {
    let url = w("http://winehq/post;a");
    let got = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.url_path, Component::InUrl { offset: 13, len: 7 });
    assert_eq!(got.extra_info, Component::InUrl { offset: 20, len: 0 });
}

#[test]
fn crack_path_runs_to_end_when_extra_info_not_wanted() {
    let url = w(
        "https://nba2k19-ws.2ksports.com:19133/nba/v4/Accounts/get_account?x=3789526775265663876",
    );
    let req = CrackRequest {
        scheme: ComponentRequest::Buffer(20),
        host_name: ComponentRequest::Buffer(40),
        user_name: ComponentRequest::NotWanted,
        password: ComponentRequest::NotWanted,
        url_path: ComponentRequest::Buffer(80),
        extra_info: ComponentRequest::NotWanted,
    };
    let got = win_http_crack_url(&url, 0, &req).expect("cracks");
    assert_eq!(got.url_path, Component::Copied(url[37..].to_vec()));
    assert_eq!(got.url_path.reported_len(), Some(50));
    assert_eq!(got.extra_info, Component::NotWanted);
    assert_eq!(got.port, 19133);
}

#[test]
fn crack_decode_needs_buffers() {
    let url = w("http://username:password@www.winehq.org/site/about%20!%22%23$%25&'()*+,-./:;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D%7E");
    let err = win_http_crack_url(&url, ICU_DECODE, &CrackRequest::all_pointers());
    assert_eq!(
        err.map_err(|e| e.code()).err(),
        Some(ERROR_INVALID_PARAMETER)
    );

    let mut req = CrackRequest::uniform(ComponentRequest::Buffer(20));
    req.url_path = ComponentRequest::Buffer(80);
    req.extra_info = ComponentRequest::Buffer(40);
    let got = win_http_crack_url(&url, ICU_DECODE, &req).expect("cracks");
    assert_eq!(
        got.url_path,
        Component::Copied(w("/site/about !\"#$%&'()*+,-./:;<=>"))
    );
    assert_eq!(got.url_path.reported_len(), Some(32));
    assert_eq!(got.extra_info, Component::Copied(w("?@[\\]^_`{|}~")));
}

#[test]
fn crack_escape_encodes_path_but_not_host() {
    let url = w("http://winehq.o g/path with spaces");
    let req = CrackRequest {
        scheme: ComponentRequest::Buffer(20),
        host_name: ComponentRequest::Buffer(20),
        user_name: ComponentRequest::NotWanted,
        password: ComponentRequest::NotWanted,
        url_path: ComponentRequest::Buffer(40),
        extra_info: ComponentRequest::NotWanted,
    };
    let got = win_http_crack_url(&url, ICU_ESCAPE | ICU_DECODE, &req).expect("cracks");
    assert_eq!(got.host_name, Component::Copied(w("winehq.o g")));
    assert_eq!(got.url_path, Component::Copied(w("/path%20with%20spaces")));
}

#[test]
fn crack_zero_capacity_buffer_is_invalid_parameter() {
    let mut req = CrackRequest::uniform(ComponentRequest::NotWanted);
    req.scheme = ComponentRequest::Buffer(0);
    req.user_name = ComponentRequest::Pointer;
    let err = win_http_crack_url(&w("http://www.winehq.org/test"), 0, &req);
    assert_eq!(err, Err(CrackError::Code(ERROR_INVALID_PARAMETER)));
}

#[test]
fn crack_only_some_components() {
    let url = w("http://www.winehq.org/test");
    let mut req = CrackRequest::all_pointers();
    req.scheme = ComponentRequest::NotWanted;
    let got = win_http_crack_url(&url, 0, &req).expect("cracks");
    assert_eq!(got.scheme_name, Component::NotWanted);
    assert_eq!(got.scheme_name.reported_len(), None);
    assert_eq!(got.scheme, WINHTTP_INTERNET_SCHEME_HTTP);
    assert_eq!(text(&got.url_path, &url), "/test");
}

#[test]
fn crack_hostile_inputs_do_not_panic() {
    let mut lone_surrogate = w("http://a/");
    lone_surrogate.push(0xd800);
    let mut inputs: Vec<Vec<u16>> = [
        "http://@",
        "http://:@/",
        "http://a:",
        "http://[]:",
        "https://%zz/%",
    ]
    .iter()
    .map(|u| w(u))
    .collect();
    inputs.push(lone_surrogate);
    for wide in &inputs {
        let _ = win_http_crack_url(
            wide,
            ICU_ESCAPE,
            &CrackRequest::uniform(ComponentRequest::Buffer(8)),
        );
        let _ = win_http_crack_url(
            wide,
            ICU_DECODE,
            &CrackRequest::uniform(ComponentRequest::Buffer(8)),
        );
    }
    let surrogate = inputs.last().expect("pushed above");
    let err = win_http_crack_url(
        surrogate,
        ICU_ESCAPE,
        &CrackRequest::uniform(ComponentRequest::Buffer(64)),
    );
    assert_eq!(
        err.map_err(|e| e.code()).err(),
        Some(ERROR_INVALID_PARAMETER)
    );
    let err = win_http_crack_url(&w("http://@"), 0, &CrackRequest::all_pointers());
    assert_eq!(
        err.map_err(|e| e.code()).err(),
        Some(ERROR_WINHTTP_INVALID_URL)
    );
}

fn full<'a>(
    http: &'a [u16],
    host: &'a [u16],
    user: &'a [u16],
    pass: &'a [u16],
    path: &'a [u16],
    extra: &'a [u16],
) -> UrlComponents<'a> {
    UrlComponents {
        scheme_name: Some(http),
        scheme: WINHTTP_INTERNET_SCHEME_HTTP,
        host_name: Some(host),
        port: 80,
        user_name: Some(user),
        password: Some(pass),
        url_path: Some(path),
        extra_info: Some(extra),
    }
}

#[test]
fn create_url_sizes_and_text() {
    let (http, host, user, pass, path, extra) = (
        w("http"),
        w("www.winehq.org"),
        w("username"),
        w("password"),
        w("/site/about"),
        w("?query"),
    );
    let mut c = full(&http, &host, &user, &pass, &path, &extra);
    assert_eq!(
        win_http_create_url(&c, 0, 0, false),
        Err(CreateUrlError::InsufficientBuffer { required: 57 })
    );
    assert_eq!(
        win_http_create_url(&c, 0, 256, false),
        Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        win_http_create_url(&c, 0, 2, true),
        Err(CreateUrlError::InsufficientBuffer { required: 57 })
    );
    assert_eq!(win_http_create_url(&c, 0, 256, true), Ok(w(URL1)));
    c.scheme_name = None;
    assert_eq!(win_http_create_url(&c, 0, 256, true), Ok(w(URL1)));
    c.scheme = 0;
    assert_eq!(
        win_http_create_url(&c, 0, 256, true).map(|u| u.len()),
        Ok(56)
    );
}

#[test]
fn create_url_user_and_password_rules() {
    let (http, host, user, pass, path, extra) = (
        w("http"),
        w("www.winehq.org"),
        w("username"),
        w("password"),
        w("/site/about"),
        w("?query"),
    );
    let empty: Vec<u16> = Vec::new();
    let base = full(&http, &host, &user, &pass, &path, &extra);
    let with = |user, password| UrlComponents {
        user_name: user,
        password,
        ..base
    };
    assert!(win_http_create_url(&with(Some(&user), None), 0, 256, true).is_ok());
    assert_eq!(
        win_http_create_url(&with(Some(&user), Some(&empty)), 0, 256, true),
        Ok(w("http://username:@www.winehq.org/site/about?query"))
    );
    assert_eq!(
        win_http_create_url(&with(None, Some(&pass)), 0, 256, true),
        Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
    );
    assert!(win_http_create_url(&with(Some(&empty), Some(&pass)), 0, 256, true).is_ok());
    assert_eq!(
        win_http_create_url(&with(None, None), 0, 256, true),
        Ok(w("http://www.winehq.org/site/about?query"))
    );
    assert_eq!(
        win_http_create_url(&with(Some(&empty), Some(&empty)), 0, 256, true),
        Ok(w("http://:@www.winehq.org/site/about?query"))
    );
}

#[test]
fn create_url_scheme_string_wins_and_ports() {
    let (ftp, http, host, user, pass, path, extra) = (
        w("ftp"),
        w("http"),
        w("www.winehq.org"),
        w("username"),
        w("password"),
        w("/site/about"),
        w("?query"),
    );
    let mut c = full(&ftp, &host, &user, &pass, &path, &extra);
    assert_eq!(
        win_http_create_url(&c, 0, 256, true),
        Ok(w(
            "ftp://username:password@www.winehq.org:80/site/about?query"
        ))
    );
    c.scheme_name = Some(&http);
    c.port = 42;
    let url = win_http_create_url(&c, 0, 256, true).expect("creates");
    assert_eq!(
        url,
        w("http://username:password@www.winehq.org:42/site/about?query")
    );
    assert_eq!(url.len(), 59);
    c.scheme_name = None;
    c.scheme = 0;
    c.port = 0;
    let url = win_http_create_url(&c, 0, 256, true).expect("creates");
    assert_eq!(
        url,
        w("http://username:password@www.winehq.org:0/site/about?query")
    );
    assert_eq!(url.len(), 58);
}

#[test]
fn create_url_escape() {
    let (http, host, user, pass, path) = (
        w("http"),
        w("www.winehq.org"),
        w("username"),
        w("password"),
        w("/site/about"),
    );
    let escape = w(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
    let c = full(&http, &host, &user, &pass, &path, &escape);
    let url = win_http_create_url(&c, ICU_ESCAPE, 256, true).expect("creates");
    assert_eq!(
            url,
            w("http://username:password@www.winehq.org/site/about%20!%22%23$%25&'()*+,-./:;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D%7E")
        );
    assert_eq!(url.len(), 113);

    let controls: Vec<u16> = vec![0x0d, 0x1f, 0x20, 0x0a, 0x7f, 0x0d, 0x0a];
    let only_extra = UrlComponents {
        extra_info: Some(&controls),
        ..UrlComponents::default()
    };
    assert_eq!(
        win_http_create_url(&only_extra, ICU_ESCAPE, 256, true),
        Ok(w("http://%0D%1F%20%0A%7F%0D%0A"))
    );
    let only_path = UrlComponents {
        url_path: Some(&controls),
        ..UrlComponents::default()
    };
    assert_eq!(
        win_http_create_url(&only_path, ICU_ESCAPE, 256, true),
        Ok(w("http://%0D%1F%20%0A%7F%0D%0A"))
    );

    let unicode_extra = w("?text=\u{fb00}");
    let c = UrlComponents {
        extra_info: Some(&unicode_extra),
        ..UrlComponents::default()
    };
    assert_eq!(
        win_http_create_url(&c, ICU_ESCAPE, 256, true),
        Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        win_http_create_url(&c, 0, 256, true),
        Ok(w("http://?text=\u{fb00}"))
    );
    let unicode_path = w("/text=\u{fb00}");
    let c = UrlComponents {
        url_path: Some(&unicode_path),
        ..UrlComponents::default()
    };
    assert_eq!(
        win_http_create_url(&c, 0, 256, true),
        Ok(w("http:///text=\u{fb00}"))
    );
}

#[test]
fn create_url_adds_slash_before_relative_path_and_round_trips() {
    let (host, path) = (w("example.com"), w("a/b"));
    let c = UrlComponents {
        host_name: Some(&host),
        port: 8080,
        url_path: Some(&path),
        ..UrlComponents::default()
    };
    let url = win_http_create_url(&c, 0, 256, true).expect("creates");
    assert_eq!(url, w("http://example.com:8080/a/b"));
    let cracked = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(cracked.port, 8080);
    assert_eq!(text(&cracked.host_name, &url), "example.com");
    assert_eq!(text(&cracked.url_path, &url), "/a/b");
}

#[test]
fn create_url_unknown_numeric_scheme_is_invalid() {
    let c = UrlComponents {
        scheme: 99,
        ..UrlComponents::default()
    };
    assert_eq!(
        win_http_create_url(&c, 0, 256, true),
        Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
    );
}
