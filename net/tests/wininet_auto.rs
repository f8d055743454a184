//! What WinINet does by itself on HTTP requests (WI-R28, WI-R29), through the typed API
//! against the loopback servers: cookies stored from `Set-Cookie` and sent later (one process jar, shared with
//! `InternetSetCookie`/`InternetGetCookie`) unless `INTERNET_FLAG_NO_COOKIES`; Basic
//! authentication answered with `InternetConnect`'s or `INTERNET_OPTION_USERNAME` /
//! `PASSWORD` credentials unless `INTERNET_FLAG_NO_AUTH` (`SECURITY_FLAG_*` values are
//! windows-sys's WinHTTP ones, which WinINet shares); HTTPS with `INTERNET_FLAG_SECURE`
//! and `https://` URLs, the certificate error codes (12045, 12037, 12038) and
//! `SECURITY_FLAG_IGNORE_*` through `INTERNET_OPTION_SECURITY_FLAGS`.

mod support;

use hinternet_net::wininet::api::{slot, HandleValue, VecBuffer, WinInet};
use hinternet_net::wininet::options::{OptionValue, QueryBuffer};
use hinternet_testservers::http;
use hinternet_testservers::tls::{self, CertKind};
use support::wininet::{finish, next_complete, read_all, recorded_async_root, status_code};
use windows_sys::Win32::Networking::WinHttp as wh;
use windows_sys::Win32::Networking::WinInet as wi;

fn root(api: &WinInet) -> HandleValue {
    api.internet_open(Some("auto"), wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0)
        .ret
}

/// One request `verb path` on `port` with `flags`, `user`/`password` on the connect; the
/// request handle after the send (the send must succeed) and its root.
fn request(
    api: &WinInet,
    port: u16,
    path: &str,
    flags: u32,
    user: Option<&str>,
    password: Option<&str>,
) -> (HandleValue, HandleValue) {
    let r = root(api);
    let c = api.internet_connect(
        r,
        Some("127.0.0.1"),
        port,
        user,
        password,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    assert_ne!(c.ret, HandleValue::NULL, "{:?}", c.last_error);
    let q = api.http_open_request(c.ret, None, Some(path), None, None, &[], flags, 2);
    assert_ne!(q.ret, HandleValue::NULL, "{:?}", q.last_error);
    let s = api.http_send_request(q.ret, None, &[]);
    assert!(s.ret, "send: {:?}", s.last_error);
    (r, q.ret)
}

/// The request head the server saw for GET `/headers` with `flags`, always from the server
/// (`INTERNET_FLAG_RELOAD`: an earlier answer is fresh in the cache for ten minutes).
fn headers_seen(api: &WinInet, port: u16, flags: u32) -> String {
    let flags = flags | wi::INTERNET_FLAG_RELOAD;
    let (r, q) = request(api, port, "/headers", flags, None, None);
    let text = String::from_utf8_lossy(&read_all(api, q)).into_owned();
    api.internet_close_handle(r);
    text
}

#[test]
fn cookies_are_stored_and_sent_unless_no_cookies() {
    let server = http::start();
    let api = WinInet::new();
    let port = server.port();
    // Set-Cookie is stored in the process jar.
    let (r, q) = request(&api, port, "/set-cookie?name=auto&value=42", 0, None, None);
    assert_eq!(read_all(&api, q), b"cookie set");
    api.internet_close_handle(r);
    let url = format!("http://127.0.0.1:{port}/");
    let got = api.internet_get_cookie(Some(&url), None, QueryBuffer::of(256));
    assert!(got.ret, "{:?}", got.last_error);
    assert_eq!(got.out.map(|a| a.text).as_deref(), Ok("auto=42"));
    // Sent on a later request, with InternetSetCookie's cookie too.
    assert!(
        api.internet_set_cookie(Some(&url), None, Some("manual=7"))
            .ret
    );
    let seen = headers_seen(&api, port, 0).to_ascii_lowercase();
    let cookie_line = seen
        .lines()
        .find(|l| l.starts_with("cookie:"))
        .unwrap_or_else(|| panic!("no Cookie header in {seen}"));
    assert!(cookie_line.contains("auto=42"), "{cookie_line}");
    assert!(cookie_line.contains("manual=7"), "{cookie_line}");
    // INTERNET_FLAG_NO_COOKIES: nothing sent and nothing stored.
    let seen = headers_seen(&api, port, wi::INTERNET_FLAG_NO_COOKIES).to_ascii_lowercase();
    assert!(!seen.contains("cookie:"), "{seen}");
    let (r, q) = request(
        &api,
        port,
        "/set-cookie?name=hidden&value=1",
        wi::INTERNET_FLAG_NO_COOKIES,
        None,
        None,
    );
    read_all(&api, q);
    api.internet_close_handle(r);
    let got = api.internet_get_cookie(Some(&url), None, QueryBuffer::of(256));
    let text = got.out.map(|a| a.text).unwrap_or_default();
    assert!(!text.contains("hidden"), "{text}");
    finish(&api);
}

#[test]
fn basic_auth_with_connect_credentials_or_options() {
    let server = http::start();
    let api = WinInet::new();
    let port = server.port();
    // InternetConnect's user and password answer the 401.
    let (r, q) = request(
        &api,
        port,
        "/auth",
        0,
        Some(http::AUTH_USER),
        Some(http::AUTH_PASSWORD),
    );
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(read_all(&api, q), b"welcome");
    api.internet_close_handle(r);
    // No credentials: the 401 reaches the application.
    let (r, q) = request(&api, port, "/auth", 0, None, None);
    assert_eq!(status_code(&api, q), 401);
    api.internet_close_handle(r);
    // INTERNET_FLAG_NO_AUTH: credentials are not used.
    let (r, q) = request(
        &api,
        port,
        "/auth",
        wi::INTERNET_FLAG_NO_AUTH,
        Some(http::AUTH_USER),
        Some(http::AUTH_PASSWORD),
    );
    assert_eq!(status_code(&api, q), 401);
    api.internet_close_handle(r);
    // Wrong credentials: one try, then the 401 is the answer.
    let (r, q) = request(&api, port, "/auth", 0, Some("user"), Some("wrong"));
    assert_eq!(status_code(&api, q), 401);
    api.internet_close_handle(r);
    // INTERNET_OPTION_USERNAME / PASSWORD on the request, then a re-send.
    let (r, q) = request(&api, port, "/auth", 0, None, None);
    assert_eq!(status_code(&api, q), 401);
    read_all(&api, q);
    for (option, value) in [
        (wi::INTERNET_OPTION_USERNAME, http::AUTH_USER),
        (wi::INTERNET_OPTION_PASSWORD, http::AUTH_PASSWORD),
    ] {
        let v = OptionValue::Text(value.to_owned());
        let len = u32::try_from(value.len()).unwrap_or(0);
        assert!(api.internet_set_option(q, option, Some(&v), len).ret);
    }
    assert!(api.http_send_request(q, None, &[]).ret);
    assert_eq!(status_code(&api, q), 200);
    api.internet_close_handle(r);
    // Credentials in an InternetOpenUrl URL.
    let r = root(&api);
    let url = format!(
        "http://{}:{}@127.0.0.1:{port}/auth",
        http::AUTH_USER,
        http::AUTH_PASSWORD
    );
    let h = api.internet_open_url(r, &url, None, 0, 0);
    assert_ne!(h.ret, HandleValue::NULL, "{:?}", h.last_error);
    assert_eq!(status_code(&api, h.ret), 200);
    api.internet_close_handle(r);
    finish(&api);
}

#[test]
fn https_open_url_and_secure_request() {
    let server = tls::start(CertKind::Valid);
    let api = WinInet::new();
    api.add_trusted_root(server.ca_der().to_vec());
    let port = server.handle.port();
    let r = root(&api);
    let url = format!("https://127.0.0.1:{port}/fixed");
    let h = api.internet_open_url(r, &url, None, 0, 0);
    assert_ne!(h.ret, HandleValue::NULL, "{:?}", h.last_error);
    assert_eq!(status_code(&api, h.ret), 200);
    assert_eq!(read_all(&api, h.ret), http::FIXED_BODY);
    let (r2, q) = request(&api, port, "/fixed", wi::INTERNET_FLAG_SECURE, None, None);
    assert_eq!(read_all(&api, q), http::FIXED_BODY);
    api.internet_close_handle(r2);
    api.internet_close_handle(r);
    finish(&api);
}

/// The certificate codes (Wine `netconn_verify_cert`): unknown CA 12045, expired 12037,
/// wrong name 12038; `SECURITY_FLAG_IGNORE_*` set with `InternetSetOption` before the send
/// lets the request through.
#[test]
fn https_certificate_errors_and_ignore_flags() {
    for (kind, trust, code, ignore) in [
        (
            CertKind::Valid,
            false,
            wi::ERROR_INTERNET_INVALID_CA,
            wh::SECURITY_FLAG_IGNORE_UNKNOWN_CA,
        ),
        (
            CertKind::Expired,
            true,
            wi::ERROR_INTERNET_SEC_CERT_DATE_INVALID,
            wh::SECURITY_FLAG_IGNORE_CERT_DATE_INVALID,
        ),
        (
            CertKind::WrongName,
            true,
            wi::ERROR_INTERNET_SEC_CERT_CN_INVALID,
            wh::SECURITY_FLAG_IGNORE_CERT_CN_INVALID,
        ),
    ] {
        let server = tls::start(kind);
        let api = WinInet::new();
        if trust {
            api.add_trusted_root(server.ca_der().to_vec());
        }
        let port = server.handle.port();
        let r = root(&api);
        let url = format!("https://127.0.0.1:{port}/fixed");
        let h = api.internet_open_url(r, &url, None, 0, 0);
        assert_eq!(
            (h.ret, h.last_error),
            (HandleValue::NULL, Some(code)),
            "{kind:?}"
        );
        let c = api.internet_connect(
            r,
            Some("127.0.0.1"),
            port,
            None,
            None,
            wi::INTERNET_SERVICE_HTTP,
            0,
            1,
        );
        let q = api.http_open_request(
            c.ret,
            None,
            Some("/fixed"),
            None,
            None,
            &[],
            wi::INTERNET_FLAG_SECURE,
            2,
        );
        let s = api.http_send_request(q.ret, None, &[]);
        assert_eq!((s.ret, s.last_error), (false, Some(code)), "{kind:?}");
        let v = OptionValue::Dword(ignore);
        let set = api.internet_set_option(q.ret, wi::INTERNET_OPTION_SECURITY_FLAGS, Some(&v), 4);
        assert!(set.ret, "{kind:?}: {:?}", set.last_error);
        let s = api.http_send_request(q.ret, None, &[]);
        assert!(s.ret, "{kind:?} with {ignore:#x}: {:?}", s.last_error);
        assert_eq!(read_all(&api, q.ret), http::FIXED_BODY);
        api.internet_close_handle(r);
        finish(&api);
    }
}

/// The cache flags on real requests: a GET's 200 body is written to the URL cache (its file
/// answers DATAFILE_NAME and InternetLockRequestFile) unless INTERNET_FLAG_NO_CACHE_WRITE;
/// other statuses are not cached; INTERNET_FLAG_PRAGMA_NOCACHE sends `Pragma: no-cache`
/// and `Cache-Control: no-cache`.
#[test]
fn cache_flags_on_requests() {
    let server = http::start();
    let api = WinInet::new();
    let port = server.port();
    let url = format!("http://127.0.0.1:{port}/fixed");
    let (r, q) = request(&api, port, "/fixed", 0, None, None);
    assert_eq!(read_all(&api, q), http::FIXED_BODY);
    let info = api.get_url_cache_entry_info(Some(&url), Some(QueryBuffer::of(4096)), 0);
    assert!(info.ret, "{url}: {:?}", info.last_error);
    let entry = info.out.expect("ok").expect("an entry").info;
    assert_eq!(entry.size, http::FIXED_BODY.len() as u64);
    let file = entry.local_file_name.expect("a file");
    let name =
        api.internet_query_option(q, wi::INTERNET_OPTION_DATAFILE_NAME, QueryBuffer::of(1024));
    assert!(name.ret, "{:?}", name.last_error);
    let lock = api.internet_lock_request_file(q);
    assert!(lock.ret, "{:?}", lock.last_error);
    // The locked entry cannot be deleted until the lock goes.
    let d = api.delete_url_cache_entry(Some(&url));
    assert_eq!(
        (d.ret, d.last_error),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_SHARING_VIOLATION)
        )
    );
    assert!(
        api.internet_unlock_request_file(lock.out.expect("a lock"))
            .ret
    );
    assert!(file.starts_with(hinternet_net::wininet::cache::MEMORY_ROOT));
    api.internet_close_handle(r);
    // NO_CACHE_WRITE: nothing written, and no data file to lock.
    let (r, q) = request(
        &api,
        port,
        "/chunked",
        wi::INTERNET_FLAG_NO_CACHE_WRITE,
        None,
        None,
    );
    read_all(&api, q);
    let chunked = format!("http://127.0.0.1:{port}/chunked");
    assert_eq!(
        api.get_url_cache_entry_info(Some(&chunked), None, 0)
            .last_error,
        Some(windows_sys::Win32::Foundation::ERROR_FILE_NOT_FOUND)
    );
    let l = api.internet_lock_request_file(q);
    assert_eq!(
        l.last_error,
        Some(windows_sys::Win32::Foundation::ERROR_FILE_NOT_FOUND)
    );
    api.internet_close_handle(r);
    // A 404 is not cached.
    let (r, q) = request(&api, port, "/status?code=404", 0, None, None);
    assert_eq!(status_code(&api, q), 404);
    read_all(&api, q);
    let missing = format!("http://127.0.0.1:{port}/status?code=404");
    assert_eq!(
        api.get_url_cache_entry_info(Some(&missing), None, 0)
            .last_error,
        Some(windows_sys::Win32::Foundation::ERROR_FILE_NOT_FOUND)
    );
    api.internet_close_handle(r);
    // PRAGMA_NOCACHE adds the two headers.
    let seen = headers_seen(&api, port, wi::INTERNET_FLAG_PRAGMA_NOCACHE).to_ascii_lowercase();
    assert!(seen.contains("pragma: no-cache"), "{seen}");
    assert!(seen.contains("cache-control: no-cache"), "{seen}");
    let plain = headers_seen(&api, port, 0).to_ascii_lowercase();
    assert!(!plain.contains("pragma:"), "{plain}");
    finish(&api);
}

/// Reading from the cache: a fresh entry answers a GET without a connection (REQUEST_FLAGS
/// has INTERNET_REQFLAG_FROM_CACHE; each root has its own pool, so a network answer would
/// need a new connection), INTERNET_FLAG_RELOAD goes to the network, and
/// INTERNET_FLAG_FROM_CACHE without an entry is ERROR_FILE_NOT_FOUND.
#[test]
fn fresh_entries_answer_from_the_cache() {
    let server = http::start();
    let api = WinInet::new();
    let port = server.port();
    let url = format!("http://127.0.0.1:{port}/fixed");
    let (r, q) = request(&api, port, "/fixed", 0, None, None);
    assert_eq!(read_all(&api, q), http::FIXED_BODY);
    api.internet_close_handle(r);
    // Make the entry fresh for an hour (the test server sends no Expires).
    let info = api
        .get_url_cache_entry_info(Some(&url), Some(QueryBuffer::of(4096)), 0)
        .out
        .expect("ok")
        .expect("entry")
        .info;
    let file = info.local_file_name.clone().expect("file");
    let head = info.header_info.clone().expect("head");
    let later = hinternet_net::wininet::cache::now()
        + 3600 * hinternet_net::wininet::cache::FILETIME_SECOND;
    let c = api.commit_url_cache_entry(hinternet_net::wininet::cache::Commit {
        url: Some(&url),
        local_file: Some(&file),
        expire: later,
        last_modified: 0,
        entry_type: wi::NORMAL_CACHE_ENTRY,
        header_info: Some(&head),
        file_extension: None,
    });
    assert!(c.ret, "{:?}", c.last_error);
    let accepted = server.accepted();
    let (r, q) = request(&api, port, "/fixed", 0, None, None);
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(read_all(&api, q), http::FIXED_BODY);
    let flags = api.internet_query_option(q, wi::INTERNET_OPTION_REQUEST_FLAGS, QueryBuffer::of(4));
    let Some(Ok(hinternet_net::wininet::options::QueryOutcome::Value {
        value: OptionValue::Dword(bits),
        ..
    })) = flags.out
    else {
        panic!("{flags:?}");
    };
    assert_ne!(bits & wi::INTERNET_REQFLAG_FROM_CACHE, 0, "{bits:#x}");
    assert_eq!(
        server.accepted(),
        accepted,
        "no connection for a cached answer"
    );
    api.internet_close_handle(r);
    // RELOAD: the network again.
    let (r, q) = request(&api, port, "/fixed", wi::INTERNET_FLAG_RELOAD, None, None);
    assert_eq!(read_all(&api, q), http::FIXED_BODY);
    assert!(server.accepted() > accepted, "RELOAD connects");
    api.internet_close_handle(r);
    // FROM_CACHE without an entry.
    let r = root(&api);
    let c = api.internet_connect(
        r,
        Some("127.0.0.1"),
        port,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    let q = api.http_open_request(
        c.ret,
        None,
        Some("/nothing-cached"),
        None,
        None,
        &[],
        wi::INTERNET_FLAG_FROM_CACHE,
        2,
    );
    let s = api.http_send_request(q.ret, None, &[]);
    assert_eq!(
        (s.ret, s.last_error),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_FILE_NOT_FOUND)
        )
    );
    api.internet_close_handle(r);
    finish(&api);
}

/// `INTERNET_OPTION_REQUEST_FLAGS` of `q`.
fn request_flags(api: &WinInet, q: HandleValue) -> u32 {
    let flags = api.internet_query_option(q, wi::INTERNET_OPTION_REQUEST_FLAGS, QueryBuffer::of(4));
    let Some(Ok(hinternet_net::wininet::options::QueryOutcome::Value {
        value: OptionValue::Dword(bits),
        ..
    })) = flags.out
    else {
        panic!("{flags:?}");
    };
    bits
}

/// A stale entry (an `Expires` in the past) is revalidated with `If-None-Match` / `If-Modified-Since`
/// from its stored head, and a 304 answers the send from the cache; a network failure
/// fails the send, unless `INTERNET_FLAG_CACHE_IF_NET_FAIL`, which answers from the cache.
#[test]
fn stale_entries_are_revalidated_and_answer_network_failures_when_asked() {
    use hinternet_testservers::script::{self, Step};
    const LAST_MODIFIED: &str = "Tue, 01 Oct 2024 10:00:00 GMT";
    let first = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"v1\"\r\n\
         Last-Modified: {LAST_MODIFIED}\r\nExpires: {LAST_MODIFIED}\r\n\
         Connection: close\r\n\r\nhello"
    );
    let server = script::start(vec![
        vec![Step::ReadHead, Step::Write(first.into_bytes()), Step::Close],
        vec![
            Step::ReadHead,
            Step::Write(
                b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n".to_vec(),
            ),
            Step::Close,
        ],
        vec![Step::ReadHead, Step::Close],
        vec![Step::ReadHead, Step::Close],
    ]);
    let api = WinInet::new();
    let port = server.handle.port();
    let url = format!("http://127.0.0.1:{port}/page");
    // 1: from the network, written to the cache.
    let (r, q) = request(&api, port, "/page", 0, None, None);
    assert_eq!(read_all(&api, q), b"hello");
    assert_eq!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    let entry = api
        .get_url_cache_entry_info(Some(&url), Some(QueryBuffer::of(4096)), 0)
        .out
        .expect("ok")
        .expect("an entry")
        .info;
    let expired = hinternet_net::wininet::cache::filetime_from_http_date(LAST_MODIFIED);
    assert_eq!(
        (entry.size, Some(entry.expire)),
        (5, expired),
        "stale: expired in the past"
    );
    // 2: conditional request, 304, answered from the cache.
    let (r, q) = request(&api, port, "/page", 0, None, None);
    let sent = String::from_utf8_lossy(&server.received(1)).to_ascii_lowercase();
    assert!(sent.contains("if-none-match: \"v1\"\r\n"), "{sent}");
    assert!(
        sent.contains(&format!(
            "if-modified-since: {}\r\n",
            LAST_MODIFIED.to_ascii_lowercase()
        )),
        "{sent}"
    );
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(read_all(&api, q), b"hello");
    assert_ne!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    let after = api
        .get_url_cache_entry_info(Some(&url), Some(QueryBuffer::of(4096)), 0)
        .out
        .expect("ok")
        .expect("the entry is still there")
        .info;
    assert_eq!(after.size, 5, "the 304 did not replace the entry");
    // 3: the server drops the connection without an answer: the send fails.
    let r = root(&api);
    let c = api.internet_connect(
        r,
        Some("127.0.0.1"),
        port,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    let q = api.http_open_request(c.ret, None, Some("/page"), None, None, &[], 0, 2);
    let s = api.http_send_request(q.ret, None, &[]);
    assert_eq!(
        (s.ret, s.last_error),
        (false, Some(wi::ERROR_HTTP_INVALID_SERVER_RESPONSE))
    );
    api.internet_close_handle(r);
    // 4: the same failure with INTERNET_FLAG_CACHE_IF_NET_FAIL: the cached answer.
    let (r, q) = request(
        &api,
        port,
        "/page",
        wi::INTERNET_FLAG_CACHE_IF_NET_FAIL,
        None,
        None,
    );
    assert!(server.wait_for_steps(3, 2, std::time::Duration::from_secs(10)));
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(read_all(&api, q), b"hello");
    assert_ne!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    assert_eq!(server.handle.accepted(), 4);
    finish(&api);
}

/// The entry of `url` in `api`'s cache.
fn cache_entry(api: &WinInet, url: &str) -> hinternet_net::wininet::cache::CacheEntryInfo {
    api.get_url_cache_entry_info(Some(url), Some(QueryBuffer::of(4096)), 0)
        .out
        .expect("ok")
        .expect("an entry")
        .info
}

/// WI-R28: a 304 refreshes the entry it revalidated — the fields it carries (`ETag`,
/// `Cache-Control`, `Date`) replace the stored ones, the expiry is computed again
/// (`max-age`) and the last-sync time is the revalidation's — so the entry answers the
/// next requests from the cache, with no connection to the server, until that new expiry;
/// after it, the entry is revalidated again, with the refreshed `ETag`.
#[test]
fn a_304_refreshes_the_entry_which_answers_from_the_cache_until_its_new_expiry() {
    use hinternet_net::wininet::cache::{now, FILETIME_SECOND};
    use hinternet_testservers::script::{self, Step};
    const MAX_AGE: u64 = 4;
    const EXPIRED: &str = "Tue, 01 Oct 2024 10:00:00 GMT";
    let first = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"v1\"\r\n\
         Expires: {EXPIRED}\r\nConnection: close\r\n\r\nhello"
    )
    .into_bytes();
    let not_modified = format!(
        "HTTP/1.1 304 Not Modified\r\nDate: Wed, 02 Oct 2024 10:00:00 GMT\r\n\
         ETag: \"v2\"\r\nCache-Control: max-age={MAX_AGE}\r\nConnection: close\r\n\r\n"
    );
    let server = script::start(vec![
        vec![Step::ReadHead, Step::Write(first), Step::Close],
        vec![
            Step::ReadHead,
            Step::Write(not_modified.into_bytes()),
            Step::Close,
        ],
        vec![
            Step::ReadHead,
            Step::Write(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n".to_vec()),
            Step::Close,
        ],
    ]);
    let api = WinInet::new();
    let port = server.handle.port();
    let url = format!("http://127.0.0.1:{port}/fresh");
    // 1: from the network; expired in the past, so the entry is stale at once.
    let (r, q) = request(&api, port, "/fresh", 0, None, None);
    assert_eq!(read_all(&api, q), b"hello");
    api.internet_close_handle(r);
    let stored = cache_entry(&api, &url);
    assert_eq!(
        Some(stored.expire),
        hinternet_net::wininet::cache::filetime_from_http_date(EXPIRED)
    );
    // 2: revalidated; the 304 refreshes the entry.
    let before = now();
    let (r, q) = request(&api, port, "/fresh", 0, None, None);
    let sent = String::from_utf8_lossy(&server.received(1)).to_ascii_lowercase();
    assert!(sent.contains("if-none-match: \"v1\"\r\n"), "{sent}");
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(read_all(&api, q), b"hello");
    assert_ne!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    let after = now();
    let refreshed = cache_entry(&api, &url);
    assert!(
        refreshed.expire >= before + MAX_AGE * FILETIME_SECOND
            && refreshed.expire <= after + MAX_AGE * FILETIME_SECOND,
        "expiry {} not max-age after the 304 ({before}..{after})",
        refreshed.expire
    );
    assert!(
        (before..=after).contains(&refreshed.last_sync),
        "last checked {} ({before}..{after})",
        refreshed.last_sync
    );
    let head =
        String::from_utf8_lossy(refreshed.header_info.as_deref().unwrap_or_default()).into_owned();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains("ETag: \"v2\"\r\n"), "{head}");
    assert!(
        head.contains(&format!("Cache-Control: max-age={MAX_AGE}\r\n")),
        "{head}"
    );
    assert!(
        head.contains("Date: Wed, 02 Oct 2024 10:00:00 GMT\r\n"),
        "{head}"
    );
    assert!(head.contains("Content-Length: 5\r\n"), "{head}");
    assert!(!head.contains("ETag: \"v1\""), "{head}");
    assert_eq!(refreshed.size, 5, "the body stays");
    assert_eq!(server.handle.accepted(), 2);
    // 3: fresh now: answered from the cache, the server sees no connection.
    for _ in 0..2 {
        let (r, q) = request(&api, port, "/fresh", 0, None, None);
        assert!(
            now() < refreshed.expire,
            "the machine took longer than max-age"
        );
        assert_eq!(status_code(&api, q), 200);
        assert_eq!(read_all(&api, q), b"hello");
        assert_ne!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
        api.internet_close_handle(r);
    }
    assert_eq!(server.handle.accepted(), 2, "a fresh entry made a request");
    // 4: after the new expiry: revalidated again, with the refreshed ETag.
    let wait = refreshed.expire.saturating_sub(now()) / (FILETIME_SECOND / 1000) + 50;
    std::thread::sleep(std::time::Duration::from_millis(
        wait.min(MAX_AGE * 1000 + 100),
    ));
    let (r, q) = request(&api, port, "/fresh", 0, None, None);
    let sent = String::from_utf8_lossy(&server.received(2)).to_ascii_lowercase();
    assert!(sent.contains("if-none-match: \"v2\"\r\n"), "{sent}");
    assert_eq!(read_all(&api, q), b"hello");
    api.internet_close_handle(r);
    assert_eq!(server.handle.accepted(), 3);
    finish(&api);
}

/// Sends GET `path` with `flags` on a new asynchronous session and waits for the send's
/// REQUEST_COMPLETE; the root, the request, the completion's `(dwResult, dwError)` and the
/// receiver of the session's notifications.
fn async_send(
    api: &WinInet,
    port: u16,
    path: &str,
    flags: u32,
) -> (
    HandleValue,
    HandleValue,
    (u64, u32),
    std::sync::mpsc::Receiver<hinternet_net::wininet::api::Status>,
) {
    use hinternet_net::wininet::api::StatusInfo;
    let (r, _rec, rx) = recorded_async_root(api);
    let c = api.internet_connect(
        r,
        Some("127.0.0.1"),
        port,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    let q = api.http_open_request(c.ret, None, Some(path), None, None, &[], flags, 2);
    let s = api.http_send_request(q.ret, None, &[]);
    assert_eq!(
        (s.ret, s.last_error),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING)
        )
    );
    match next_complete(&rx).info {
        StatusInfo::AsyncResult { result, error } => (r, q.ret, (result, error), rx),
        other => panic!("{other:?}"),
    }
}

/// Reads `q` of an asynchronous session to its end (a read answered from the cache
/// completes inside the call or through REQUEST_COMPLETE; bounded).
fn async_read_all(
    api: &WinInet,
    q: HandleValue,
    rx: &std::sync::mpsc::Receiver<hinternet_net::wininet::api::Status>,
) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..1_000 {
        let buf = VecBuffer::new(64);
        let count = slot();
        let a = api.internet_read_file(q, buf.clone(), count.clone());
        let n = if a.ret {
            a.out
        } else {
            assert_eq!(
                a.last_error,
                Some(windows_sys::Win32::Foundation::ERROR_IO_PENDING)
            );
            let done = next_complete(rx);
            assert_eq!(
                done.info,
                hinternet_net::wininet::api::StatusInfo::AsyncResult {
                    result: 1,
                    error: 0
                }
            );
            count
                .lock()
                .expect("not poisoned")
                .expect("count written at completion")
        };
        if n == 0 {
            return body;
        }
        body.extend(buf.prefix(n as usize));
    }
    panic!("body did not end");
}

#[test]
fn async_stale_entries_answer_a_304_and_a_network_failure_from_the_cache() {
    use hinternet_testservers::script::{self, Step};
    // An Expires in the past: stale at once.
    let first = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"a1\"\r\n\
                  Expires: Tue, 01 Oct 2024 10:00:00 GMT\r\nConnection: close\r\n\r\nasync"
        .to_vec();
    let server = script::start(vec![
        vec![Step::ReadHead, Step::Write(first), Step::Close],
        vec![
            Step::ReadHead,
            Step::Write(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n".to_vec()),
            Step::Close,
        ],
        vec![Step::ReadHead, Step::Close],
    ]);
    let api = WinInet::new();
    let port = server.handle.port();
    let (r, q, done, rx) = async_send(&api, port, "/a", 0);
    assert_eq!(done, (1, 0));
    assert_eq!(async_read_all(&api, q, &rx), b"async");
    api.internet_close_handle(r);
    // The stale entry: If-None-Match, 304, answered from the cache.
    let (r, q, done, rx) = async_send(&api, port, "/a", 0);
    assert_eq!(done, (1, 0));
    let sent = String::from_utf8_lossy(&server.received(1)).to_ascii_lowercase();
    assert!(sent.contains("if-none-match: \"a1\"\r\n"), "{sent}");
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(async_read_all(&api, q, &rx), b"async");
    assert_ne!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    // The connection dropped without an answer, with CACHE_IF_NET_FAIL.
    let (r, q, done, rx) = async_send(&api, port, "/a", wi::INTERNET_FLAG_CACHE_IF_NET_FAIL);
    assert_eq!(done, (1, 0));
    assert_eq!(status_code(&api, q), 200);
    assert_eq!(async_read_all(&api, q, &rx), b"async");
    api.internet_close_handle(r);
    assert_eq!(server.handle.accepted(), 3);
    finish(&api);
}

/// WI-R28, Wine `test_no_cache` / `create_cache_entry`: a response whose `Cache-Control`
/// says `no-cache` or `no-store` (any case, after other directives and blanks) is not
/// written to the cache — no entry, no DATAFILE_NAME — so the next GET of its URL goes to
/// the server again; with `INTERNET_FLAG_NEED_FILE` it is written anyway; a response's
/// `Pragma: no-cache` does not stop the write (Wine does not look at it).
#[test]
fn no_cache_and_no_store_responses_are_not_written_to_the_cache() {
    use hinternet_testservers::script::{self, Step};
    use windows_sys::Win32::Foundation::ERROR_FILE_NOT_FOUND;
    let answer = |head: &str, body: &str| {
        vec![
            Step::ReadHead,
            Step::Write(
                format!(
                    "HTTP/1.1 200 OK\r\n{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            ),
            Step::Close,
        ]
    };
    let no_store = "Cache-Control: junk, \t No-StOrE\r\n";
    let server = script::start(vec![
        answer("Cache-Control: no-cache\r\n", "some content"),
        answer("", ""),
        answer(no_store, "some content"),
        answer(no_store, "kept"),
        answer("Pragma: no-cache\r\n", "pragma"),
    ]);
    let api = WinInet::new();
    let port = server.handle.port();
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");
    let entry_error = |path: &str| {
        api.get_url_cache_entry_info(Some(&url(path)), None, 0)
            .last_error
    };
    let datafile = |q| {
        let name =
            api.internet_query_option(q, wi::INTERNET_OPTION_DATAFILE_NAME, QueryBuffer::of(1024));
        (name.ret, name.last_error)
    };
    // no-cache: read in full, nothing written.
    let (r, q) = request(&api, port, "/no-cache", 0, None, None);
    assert_eq!(read_all(&api, q), b"some content");
    assert_eq!(
        datafile(q),
        (false, Some(wi::ERROR_INTERNET_ITEM_NOT_FOUND))
    );
    api.internet_close_handle(r);
    assert_eq!(entry_error("/no-cache"), Some(ERROR_FILE_NOT_FOUND));
    // The same URL again: the server answers (an empty body this time).
    let (r, q) = request(&api, port, "/no-cache", 0, None, None);
    assert_eq!(read_all(&api, q), b"");
    assert_eq!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    assert_eq!(server.handle.accepted(), 2);
    let second = String::from_utf8_lossy(&server.received(1)).to_ascii_lowercase();
    assert!(!second.contains("if-none-match"), "{second}");
    // no-store, Wine's spelling: nothing written.
    let (r, q) = request(&api, port, "/no-store", 0, None, None);
    assert_eq!(read_all(&api, q), b"some content");
    api.internet_close_handle(r);
    assert_eq!(entry_error("/no-store"), Some(ERROR_FILE_NOT_FOUND));
    // NEED_FILE: written anyway.
    let (r, q) = request(
        &api,
        port,
        "/need-file",
        wi::INTERNET_FLAG_NEED_FILE,
        None,
        None,
    );
    assert_eq!(read_all(&api, q), b"kept");
    assert!(datafile(q).0, "NEED_FILE gives a data file");
    api.internet_close_handle(r);
    assert_eq!(cache_entry(&api, &url("/need-file")).size, 4);
    // Pragma: no-cache in a response: written.
    let (r, q) = request(&api, port, "/pragma", 0, None, None);
    assert_eq!(read_all(&api, q), b"pragma");
    api.internet_close_handle(r);
    assert_eq!(cache_entry(&api, &url("/pragma")).size, 6);
    assert_eq!(server.handle.accepted(), 5);
    finish(&api);
}

/// WI-R28, Wine `HTTP_ProcessExpires`: a response with neither `Cache-Control: max-age`
/// nor `Expires` is committed with an expiry ten minutes after it arrived, so the next
/// GET of its URL is answered from the cache, without a connection;
/// `INTERNET_FLAG_HYPERLINK` reloads it (the server gave no expiry and no last-modified
/// time).
#[test]
fn a_response_without_expiry_is_fresh_for_ten_minutes() {
    use hinternet_net::wininet::cache::{now, DEFAULT_FRESHNESS};
    use hinternet_testservers::script::{self, Step};
    let answer = |body: &str| {
        vec![
            Step::ReadHead,
            Step::Write(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            ),
            Step::Close,
        ]
    };
    let server = script::start(vec![answer("first"), answer("again")]);
    let api = WinInet::new();
    let port = server.handle.port();
    let url = format!("http://127.0.0.1:{port}/plain");
    let before = now();
    let (r, q) = request(&api, port, "/plain", 0, None, None);
    assert_eq!(read_all(&api, q), b"first");
    api.internet_close_handle(r);
    let after = now();
    let entry = cache_entry(&api, &url);
    assert!(
        (before + DEFAULT_FRESHNESS..=after + DEFAULT_FRESHNESS).contains(&entry.expire),
        "expiry {} not ten minutes after the response ({before}..{after})",
        entry.expire
    );
    // Fresh: from the cache, no connection.
    let (r, q) = request(&api, port, "/plain", 0, None, None);
    assert_eq!(read_all(&api, q), b"first");
    assert_ne!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    assert_eq!(server.handle.accepted(), 1, "a fresh entry made a request");
    // HYPERLINK: no expiry or last-modified time from the server, so the network.
    let (r, q) = request(
        &api,
        port,
        "/plain",
        wi::INTERNET_FLAG_HYPERLINK,
        None,
        None,
    );
    assert_eq!(read_all(&api, q), b"again");
    assert_eq!(request_flags(&api, q) & wi::INTERNET_REQFLAG_FROM_CACHE, 0);
    api.internet_close_handle(r);
    assert_eq!(server.handle.accepted(), 2);
    finish(&api);
}
