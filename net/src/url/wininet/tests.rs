use super::*;
use crate::url::to_wide;

fn w(s: &str) -> Vec<u16> {
    to_wide(s)
}

fn text(c: &Component, url: &[u16]) -> String {
    String::from_utf16_lossy(&c.text(url).expect("component present"))
}

#[test]
fn crack_fragment_is_extra_info_and_userless_pointers_are_null() {
    let url = w("http://www.winehq.org/site/about#hi");
    let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.scheme, INTERNET_SCHEME_HTTP);
    assert_eq!(got.port, 80);
    assert_eq!(text(&got.host_name, &url), "www.winehq.org");
    assert_eq!(text(&got.url_path, &url), "/site/about");
    assert_eq!(text(&got.extra_info, &url), "#hi");
    assert_eq!(got.user_name, Component::Absent);
    assert_eq!(got.password, Component::Absent);
}

#[test]
fn crack_path_includes_query_when_extra_not_requested() {
    let url = w("http://www.myserver.com/myscript.php?arg=1");
    let mut req = CrackRequest::uniform(ComponentRequest::NotWanted);
    req.host_name = ComponentRequest::Pointer;
    req.url_path = ComponentRequest::Pointer;
    let got = internet_crack_url(&url, 0, &req).expect("cracks");
    assert_eq!(text(&got.url_path, &url), "/myscript.php?arg=1");
    req.extra_info = ComponentRequest::Pointer;
    let got = internet_crack_url(&url, 0, &req).expect("cracks");
    assert_eq!(text(&got.url_path, &url), "/myscript.php");
    assert_eq!(text(&got.extra_info, &url), "?arg=1");
}

#[test]
fn crack_w_lengths_from_wine() {
    let url = w("http://192.168.0.22/CFIDE/main.cfm?CFSVR=IDE&ACTION=IDE_DEFAULT");
    let got = internet_crack_url(
        &url,
        0,
        &CrackRequest::uniform(ComponentRequest::Buffer(50)),
    )
    .expect("cracks");
    let lens = [
        &got.scheme_name,
        &got.host_name,
        &got.user_name,
        &got.password,
        &got.url_path,
        &got.extra_info,
    ]
    .map(|c| c.reported_len());
    assert_eq!(
        lens,
        [Some(4), Some(12), Some(0), Some(0), Some(15), Some(29)]
    );
    let mut req = CrackRequest::uniform(ComponentRequest::NotWanted);
    req.host_name = ComponentRequest::Buffer(20);
    req.url_path = ComponentRequest::Buffer(50);
    let got = internet_crack_url(&url, 0, &req).expect("cracks");
    assert_eq!(got.url_path.reported_len(), Some(44));
    assert_eq!(got.scheme_name.reported_len(), None);
    let bare = w("http://x.org");
    let got = internet_crack_url(
        &bare,
        0,
        &CrackRequest::uniform(ComponentRequest::Buffer(20)),
    )
    .expect("cracks");
    assert_eq!(got.url_path, Component::Copied(Vec::new()));
    assert_eq!(got.host_name, Component::Copied(w("x.org")));
}

#[test]
fn crack_unknown_and_opaque_schemes() {
    let url = w("about://host/blank");
    let got = internet_crack_url(
        &url,
        0,
        &CrackRequest::uniform(ComponentRequest::Buffer(32)),
    )
    .expect("cracks");
    assert_eq!(got.scheme, INTERNET_SCHEME_UNKNOWN);
    assert_eq!(got.scheme_name, Component::Copied(w("about")));
    assert_eq!(got.host_name, Component::Copied(w("host")));
    assert_eq!(got.url_path, Component::Copied(w("/blank")));
    let opaque = w("about:blank");
    let got = internet_crack_url(&opaque, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.host_name, Component::Absent);
    assert_eq!(text(&got.url_path, &opaque), "blank");
    assert_eq!(got.port, 0);
    let ftp = w("ftp://u:p@ftp.example.test/pub/file.txt");
    let got = internet_crack_url(&ftp, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!((got.scheme, got.port), (INTERNET_SCHEME_FTP, 21));
    assert_eq!(text(&got.password, &ftp), "p");
    let gopher = w("gopher://g.example.test:7070/1");
    let got = internet_crack_url(&gopher, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!((got.scheme, got.port), (INTERNET_SCHEME_GOPHER, 7070));
}

#[test]
fn crack_errors_and_nul_termination() {
    for (bad, code) in [
        ("", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
        ("file.txt", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
        ("www.winehq.org", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
        ("http://", ERROR_INTERNET_INVALID_URL),
        ("http://host:99999/", ERROR_INTERNET_INVALID_URL),
    ] {
        let err = internet_crack_url(&w(bad), 0, &CrackRequest::all_pointers());
        assert_eq!(err.map_err(|e| e.code()).err(), Some(code), "{bad:?}");
    }
    // The length is a maximum: the URL stops at a NUL.
    let mut with_nul = w("http://x.org");
    with_nul.push(0);
    let got = internet_crack_url(
        &with_nul,
        0,
        &CrackRequest::uniform(ComponentRequest::Buffer(64)),
    )
    .expect("cracks");
    assert_eq!(got.host_name.reported_len(), Some(5));
    let mut nul_path = w("http://x.org");
    nul_path.push(0);
    nul_path.extend(w("/x"));
    let got = internet_crack_url(
        &nul_path,
        0,
        &CrackRequest::uniform(ComponentRequest::Buffer(64)),
    )
    .expect("cracks");
    assert_eq!(got.url_path.reported_len(), Some(0));
}

/// One row of Wine's `crack_url_tests` (wininet/tests/url.c, passes on Windows): pointer
/// mode offsets/lengths (`None` = NULL pointer) and the buffer-mode strings.
struct Row {
    url: &'static str,
    scheme: (Option<usize>, usize),
    n_scheme: INTERNET_SCHEME,
    host: (Option<usize>, usize),
    port: u16,
    path: (Option<usize>, usize),
    extra: (Option<usize>, usize),
    buffers: [&'static str; 4],
}

/// Builds a [`Row`]: the four pointer-mode spans are scheme, host, path, extra.
const fn row(
    url: &'static str,
    n_scheme: INTERNET_SCHEME,
    port: u16,
    spans: [(Option<usize>, usize); 4],
    buffers: [&'static str; 4],
) -> Row {
    let [scheme, host, path, extra] = spans;
    Row {
        url,
        scheme,
        n_scheme,
        host,
        port,
        path,
        extra,
        buffers,
    }
}

const HTTP: INTERNET_SCHEME = INTERNET_SCHEME_HTTP;
const FILE: INTERNET_SCHEME = INTERNET_SCHEME_FILE;
const UNKNOWN: INTERNET_SCHEME = INTERNET_SCHEME_UNKNOWN;
const RES: INTERNET_SCHEME = INTERNET_SCHEME_RES;
const GOPHER: INTERNET_SCHEME = INTERNET_SCHEME_GOPHER;

#[rustfmt::skip]
    const CRACK_TABLE: &[Row] = &[
    row("http://www.winehq.org/site/about#hi", HTTP, 80, [(Some(0), 4), (Some(7), 14), (Some(21), 11), (Some(32), 3)], ["http", "www.winehq.org", "/site/about", "#hi"]),
    row("http://www.myserver.com/myscript.php?arg=1", HTTP, 80, [(Some(0), 4), (Some(7), 16), (Some(23), 13), (Some(36), 6)], ["http", "www.myserver.com", "/myscript.php", "?arg=1"]),
    row("http://www.winehq.org?test=123", HTTP, 80, [(Some(0), 4), (Some(7), 14), (Some(21), 0), (Some(21), 9)], ["http", "www.winehq.org", "", "?test=123"]),
    row("http://www.winehq.org/myscript.php;test=123", HTTP, 80, [(Some(0), 4), (Some(7), 14), (Some(21), 22), (None, 0)], ["http", "www.winehq.org", "/myscript.php;test=123", ""]),
    row("HtTp://www.winehq.org/scheme", HTTP, 80, [(Some(0), 4), (Some(7), 14), (Some(21), 7), (None, 0)], ["HtTp", "www.winehq.org", "/scheme", ""]),
    row("http://www.winehq.org", HTTP, 80, [(Some(0), 4), (Some(7), 14), (Some(21), 0), (None, 0)], ["http", "www.winehq.org", "", ""]),
    row("file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 55), (None, 0)], ["file", "", "C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml", ""]),
    row("fide:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", UNKNOWN, 0, [(Some(0), 4), (Some(7), 0), (Some(7), 55), (None, 0)], ["fide", "", "/C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", ""]),
    row("file://C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 54), (None, 0)], ["file", "", "C:\\Program%20Files\\Atmel\\AVR%20Tools\\STK500\\STK500.xml", ""]),
    row("file://C:/Program%20Files/Atmel/..", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 27), (None, 0)], ["file", "", "C:\\Program%20Files\\Atmel\\..\\", ""]),
    row("file://C:/Program%20Files/Atmel/../Asdf.xml", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 36), (None, 0)], ["file", "", "C:\\Program%20Files\\Atmel\\..\\Asdf.xml", ""]),
    row("file:///C:/Program%20Files/Atmel/..", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 28), (None, 0)], ["file", "", "C:\\Program Files\\Atmel\\..\\", ""]),
    row("file:///C:/Program%20Files/Atmel/../Asdf.xml", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 37), (None, 0)], ["file", "", "C:\\Program Files\\Atmel\\..\\Asdf.xml", ""]),
    row("file://C:/Program%20Files/Atmel/.", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 26), (None, 0)], ["file", "", "C:\\Program%20Files\\Atmel\\.\\", ""]),
    row("file://C:/Program%20Files/Atmel/./Asdf.xml", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 35), (None, 0)], ["file", "", "C:\\Program%20Files\\Atmel\\.\\Asdf.xml", ""]),
    row("file:///C:/Program%20Files/Atmel/.", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 27), (None, 0)], ["file", "", "C:\\Program Files\\Atmel\\.\\", ""]),
    row("file:///C:/Program%20Files/Atmel/./Asdf.xml", FILE, 0, [(Some(0), 4), (None, 0), (Some(7), 36), (None, 0)], ["file", "", "C:\\Program Files\\Atmel\\.\\Asdf.xml", ""]),
    row("C:\\file.txt", UNKNOWN, 0, [(Some(0), 1), (None, 0), (Some(2), 9), (None, 0)], ["C", "", "\\file.txt", ""]),
    row("res://IELib.dll/test.htm", RES, 0, [(Some(0), 3), (Some(6), 9), (Some(15), 9), (None, 0)], ["res", "IELib.dll", "/test.htm", ""]),
    row("gopher://www.winehq.org/site/about#hi", GOPHER, 0, [(Some(0), 6), (Some(9), 14), (Some(23), 11), (Some(34), 3)], ["gopher", "www.winehq.org", "/site/about", "#hi"]),
    ];

#[test]
fn crack_table_from_wine() {
    let pointer = |(offset, len): (Option<usize>, usize)| match offset {
        Some(offset) => Component::InUrl { offset, len },
        None => Component::Absent,
    };
    for row in CRACK_TABLE {
        let url = w(row.url);
        let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers())
            .unwrap_or_else(|e| panic!("{}: {e:?}", row.url));
        assert_eq!(got.scheme, row.n_scheme, "{}", row.url);
        assert_eq!(got.port, row.port, "{}", row.url);
        assert_eq!(got.scheme_name, pointer(row.scheme), "{} scheme", row.url);
        assert_eq!(got.host_name, pointer(row.host), "{} host", row.url);
        assert_eq!(got.user_name, Component::Absent, "{} user", row.url);
        assert_eq!(got.password, Component::Absent, "{} password", row.url);
        assert_eq!(got.url_path, pointer(row.path), "{} path", row.url);
        assert_eq!(got.extra_info, pointer(row.extra), "{} extra", row.url);

        let capacity = u32::try_from(url.len()).expect("short") + 1;
        let got = internet_crack_url(
            &url,
            0,
            &CrackRequest::uniform(ComponentRequest::Buffer(capacity)),
        )
        .expect("cracks");
        let [scheme, host, path, extra] = row.buffers;
        assert_eq!(got.scheme_name, Component::Copied(w(scheme)), "{}", row.url);
        assert_eq!(got.host_name, Component::Copied(w(host)), "{}", row.url);
        assert_eq!(got.user_name, Component::Copied(Vec::new()), "{}", row.url);
        assert_eq!(got.url_path, Component::Copied(w(path)), "{}", row.url);
        assert_eq!(got.extra_info, Component::Copied(w(extra)), "{}", row.url);
    }
}

#[test]
fn crack_long_url_and_short_buffers() {
    let long_path: String = std::iter::once('/')
        .chain(std::iter::repeat_n('x', 5998))
        .collect();
    let url = w(&format!("http://www.winehq.org{long_path}"));
    let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(
        got.url_path,
        Component::InUrl {
            offset: 21,
            len: 5999
        }
    );
    let long_extra: String = std::iter::once('#')
        .chain(std::iter::repeat_n('x', 5998))
        .collect();
    let url = w(&format!("http://www.winehq.org/path/{long_extra}"));
    let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
    assert_eq!(got.url_path, Component::InUrl { offset: 21, len: 6 });
    assert_eq!(
        got.extra_info,
        Component::InUrl {
            offset: 27,
            len: 5999
        }
    );
    let mut small = CrackRequest::uniform(ComponentRequest::NotWanted);
    small.extra_info = ComponentRequest::Buffer(100);
    let err = internet_crack_url(&url, 0, &small).expect_err("too small");
    assert_eq!(
        err.code(),
        windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER
    );
    let mut small = CrackRequest::uniform(ComponentRequest::NotWanted);
    small.scheme = ComponentRequest::Buffer(4);
    assert_eq!(
        internet_crack_url(&url, 0, &small)
            .map_err(|e| e.code())
            .err(),
        Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER)
    );
}

fn comps<'a>(
    scheme: Option<&'a [u16]>,
    host: Option<&'a [u16]>,
    user: Option<&'a [u16]>,
    pass: Option<&'a [u16]>,
    path: Option<&'a [u16]>,
) -> UrlComponents<'a> {
    UrlComponents {
        scheme_name: scheme,
        scheme: INTERNET_SCHEME_HTTP,
        host_name: host,
        port: 80,
        user_name: user,
        password: pass,
        url_path: path,
        extra_info: None,
    }
}

#[test]
fn create_url_expectations_from_wine() {
    let (http, host, user, pass, path) = (
        w("http"),
        w("www.winehq.org"),
        w("username"),
        w("password"),
        w("/site/about"),
    );
    let full = comps(
        Some(&http),
        Some(&host),
        Some(&user),
        Some(&pass),
        Some(&path),
    );
    assert_eq!(
        internet_create_url(&full, 0, 0, false),
        Err(CreateUrlError::InsufficientBuffer { required: 51 })
    );
    assert_eq!(
        internet_create_url(&full, 0, 49, true),
        Err(CreateUrlError::InsufficientBuffer { required: 51 })
    );
    let url = internet_create_url(
        &UrlComponents {
            scheme_name: None,
            ..full
        },
        0,
        51,
        true,
    )
    .expect("nScheme used");
    assert_eq!(url, w("http://username:password@www.winehq.org/site/about"));
    let ignored = UrlComponents { scheme: -3, ..full };
    assert_eq!(
        internet_create_url(&ignored, 0, 51, true).map(|u| u.len()),
        Ok(50)
    );
    assert_eq!(
        internet_create_url(
            &UrlComponents {
                password: None,
                ..full
            },
            0,
            42,
            true
        ),
        Ok(w("http://username@www.winehq.org/site/about"))
    );
    assert_eq!(
        internet_create_url(
            &UrlComponents {
                user_name: None,
                ..full
            },
            0,
            42,
            true
        ),
        Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        internet_create_url(
            &UrlComponents {
                user_name: None,
                password: None,
                ..full
            },
            0,
            42,
            true
        ),
        Ok(w("http://www.winehq.org/site/about"))
    );
    let nhttp = w("nhttp");
    assert_eq!(
        internet_create_url(
            &UrlComponents {
                scheme_name: Some(&nhttp),
                ..full
            },
            ICU_ESCAPE,
            100,
            true
        ),
        Ok(w("nhttp://username:password@www.winehq.org:80/site/about"))
    );
    let url = internet_create_url(&UrlComponents { port: 42, ..full }, ICU_ESCAPE, 100, true)
        .expect("creates");
    assert_eq!(
        url,
        w("http://username:password@www.winehq.org:42/site/about")
    );
    assert_eq!(url.len(), 53);
    let https = w("https");
    assert_eq!(
        internet_create_url(
            &UrlComponents {
                scheme_name: Some(&https),
                port: 443,
                ..full
            },
            ICU_ESCAPE,
            100,
            true
        ),
        Ok(w("https://username:password@www.winehq.org/site/about"))
    );
}

#[test]
fn create_url_opaque_and_port_cases() {
    let (about, blank, host, http, winehq, localhost, root, extra) = (
        w("about"),
        w("blank"),
        w("host"),
        w("http"),
        w("www.winehq.org"),
        w("localhost"),
        w("/"),
        w("?test=123"),
    );
    let blank_url = UrlComponents {
        scheme_name: Some(&about),
        url_path: Some(&blank),
        ..UrlComponents::default()
    };
    assert_eq!(
        internet_create_url(&blank_url, ICU_ESCAPE, 64, true),
        Ok(w("about:blank"))
    );
    let with_host = UrlComponents {
        host_name: Some(&host),
        ..blank_url
    };
    assert_eq!(
        internet_create_url(&with_host, ICU_ESCAPE, 64, true),
        Ok(w("about://host/blank"))
    );
    let bare = UrlComponents {
        scheme_name: Some(&about),
        port: 8080,
        ..UrlComponents::default()
    };
    assert_eq!(
        internet_create_url(&bare, ICU_ESCAPE, 64, true),
        Ok(w("about:"))
    );
    let max_port = UrlComponents {
        scheme_name: Some(&http),
        host_name: Some(&winehq),
        port: 65535,
        ..UrlComponents::default()
    };
    assert_eq!(
        internet_create_url(&max_port, ICU_ESCAPE, 64, true),
        Ok(w("http://www.winehq.org:65535"))
    );
    let query = UrlComponents {
        scheme_name: Some(&http),
        host_name: Some(&localhost),
        port: 80,
        url_path: Some(&root),
        extra_info: Some(&extra),
        ..UrlComponents::default()
    };
    assert_eq!(
        internet_create_url(&query, ICU_ESCAPE, 256, true),
        Ok(w("http://localhost/?test=123"))
    );
    let spaced = w("/a b");
    let escaped = UrlComponents {
        url_path: Some(&spaced),
        ..query
    };
    assert_eq!(
        internet_create_url(&escaped, ICU_ESCAPE, 256, true),
        Ok(w("http://localhost/a%20b?test=123"))
    );
}

#[test]
fn canonicalize_sizes_and_flags() {
    let url = "http://swupmf.adobe.com/manifest/50/win/AdobeUpdater.upd";
    let canon = internet_canonicalize_url(url, 0).expect("canonicalizes");
    assert_eq!(canon, url);
    let len = url.len() as u32;
    assert_eq!(
        fit_result(&canon, 1, true),
        Err(CreateUrlError::InsufficientBuffer { required: len + 1 })
    );
    assert_eq!(
        fit_result(&canon, len, true),
        Err(CreateUrlError::InsufficientBuffer { required: len + 1 })
    );
    assert_eq!(fit_result(&canon, len + 1, true), Ok(len));
    assert_eq!(fit_result(&canon, len + 2, true), Ok(len));
    assert_eq!(
        fit_result(&canon, len + 1, false),
        Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        internet_canonicalize_url(
            "file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml",
            ICU_DECODE | ICU_NO_ENCODE
        )
        .as_deref(),
        Ok("file://C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml")
    );
    assert_eq!(
        internet_canonicalize_url("http://www.winehq.org/index.php?x= ", ICU_BROWSER_MODE)
            .as_deref(),
        Ok("http://www.winehq.org/index.php?x=")
    );
}

#[test]
fn canonicalize_meta_and_encoding_flags() {
    let c = |u: &str, f: u32| internet_canonicalize_url(u, f).expect("canonicalizes");
    assert_eq!(c("http://h/a/./b/../c", 0), "http://h/a/c");
    assert_eq!(c("http://h/a/./b/../c", ICU_NO_META), "http://h/a/./b/../c");
    assert_eq!(c("http://h/../../x", 0), "http://h/x");
    assert_eq!(c("http://h", 0), "http://h/");
    assert_eq!(c("http://h/a b<c>", 0), "http://h/a%20b%3Cc%3E");
    assert_eq!(
        c("http://h/a b<c>", ICU_ENCODE_SPACES_ONLY),
        "http://h/a%20b<c>"
    );
    assert_eq!(c("http://h/a b", ICU_NO_ENCODE), "http://h/a b");
    assert_eq!(c("http://h/a%20b", ICU_DECODE), "http://h/a%20b");
    assert_eq!(
        c("http://h/a%20b", ICU_DECODE | ICU_NO_ENCODE),
        "http://h/a b"
    );
    assert_eq!(c("http://h/100%", 0), "http://h/100%");
    assert_eq!(
        c("http://h/a%+fb", ICU_DECODE | ICU_NO_ENCODE),
        "http://h/a%+fb",
        "a sign is not a hex digit"
    );
    assert_eq!(
        c("http://h/%e2%82%ac", ICU_DECODE | ICU_NO_ENCODE),
        "http://h/\u{20ac}",
        "UTF-8 sequences decode"
    );
    assert_eq!(c("http://h/100%", ICU_ENCODE_PERCENT), "http://h/100%25");
    assert_eq!(
        c("http://h/a b?q=x y", ICU_BROWSER_MODE),
        "http://h/a%20b?q=x y"
    );
    assert_eq!(c("http://h/é", 0), "http://h/%C3%A9");
    assert_eq!(
        internet_canonicalize_url("   ", 0),
        Err(ERROR_INVALID_PARAMETER)
    );
}

#[test]
fn combine_resolves_rfc3986_references() {
    let base = "http://a/b/c/d;p?q";
    let r = |rel: &str| internet_combine_url(base, rel, 0).expect("combines");
    // RFC 3986 §5.4.1 normal examples.
    assert_eq!(r("g"), "http://a/b/c/g");
    assert_eq!(r("./g"), "http://a/b/c/g");
    assert_eq!(r("g/"), "http://a/b/c/g/");
    assert_eq!(r("/g"), "http://a/g");
    assert_eq!(r("//g"), "http://g/");
    assert_eq!(r("?y"), "http://a/b/c/d;p?y");
    assert_eq!(r("g?y"), "http://a/b/c/g?y");
    assert_eq!(r("#s"), "http://a/b/c/d;p?q#s");
    assert_eq!(r(""), "http://a/b/c/d;p?q");
    assert_eq!(r(".."), "http://a/b/");
    assert_eq!(r("../g"), "http://a/b/g");
    assert_eq!(r("../../g"), "http://a/g");
    assert_eq!(r("../../../g"), "http://a/g");
    assert_eq!(r("https://other/x"), "https://other/x");
    assert_eq!(
        internet_combine_url("http://a/b", "c d", 0).as_deref(),
        Ok("http://a/c%20d")
    );
    assert_eq!(
        internet_combine_url("http://a/b", "../x", ICU_NO_META).as_deref(),
        Ok("http://a/../x")
    );
    assert_eq!(
        internet_combine_url("relative/base", "x", 0),
        Err(ERROR_INTERNET_INVALID_URL)
    );
    assert_eq!(
        internet_combine_url("about:blank", "#top", 0).as_deref(),
        Ok("about:blank#top")
    );
}
