//! The URL cache, cookie-Ex, request-file lock and URL-cracking functions as `WinInet`
//! methods: each call's return value, last error and out values (the decision logic has its
//! own unit tests in `wininet::cache`, `wininet::cookies_ex`, `wininet::misc`, `url`).

mod support;

use hinternet_net::url::{ComponentRequest, CrackRequest, UrlComponents};
use hinternet_net::wininet::api::{HandleValue, WinInet};
use hinternet_net::wininet::cache::{Commit, Storage};
use hinternet_net::wininet::options::QueryBuffer;
use support::wininet::{finish, sync_root};
use windows_sys::Win32::Foundation::{
    ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_OPERATION,
    ERROR_INVALID_PARAMETER, ERROR_NO_MORE_ITEMS, ERROR_SHARING_VIOLATION,
};
use windows_sys::Win32::Networking::WinInet as wi;

const URL: &str = "http://cache.example/dir/page.html";
const URL2: &str = "http://cache.example/other.txt";

/// A fresh cache directory under the system temp dir, removed by the test at its end.
fn cache_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hinternet-wininet-cache-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn commit<'a>(url: &'a str, file: &'a str) -> Commit<'a> {
    Commit {
        url: Some(url),
        local_file: Some(file),
        expire: 0,
        last_modified: 0,
        entry_type: wi::NORMAL_CACHE_ENTRY,
        header_info: Some(b"HTTP/1.1 200 OK\r\n\r\n"),
        file_extension: Some("html"),
    }
}

#[test]
fn url_cache_create_commit_info_retrieve_delete_and_find() {
    let dir = cache_dir("entries");
    let api = WinInet::with_cache(Storage::Directory(dir.clone()));
    let created = api.create_url_cache_entry(Some(URL), Some("html"));
    assert!(created.ret, "{:?}", created.last_error);
    let file = created.out.expect("a file name");
    std::fs::write(&file, b"hello").expect("the cache file is writable");
    assert_eq!(
        api.create_url_cache_entry(None, None).last_error,
        Some(ERROR_INVALID_PARAMETER)
    );
    let c = api.commit_url_cache_entry(commit(URL, &file));
    assert_eq!((c.ret, c.last_error), (true, None));
    // A NULL info buffer: 122 with the size it needs; that size then succeeds.
    let probe = api.get_url_cache_entry_info(Some(URL), Some(QueryBuffer::null(0)), 0);
    assert_eq!(
        (probe.ret, probe.last_error),
        (false, Some(ERROR_INSUFFICIENT_BUFFER))
    );
    let need = probe
        .out
        .err()
        .and_then(|f| f.length)
        .expect("a required size");
    let info = api.get_url_cache_entry_info(Some(URL), Some(QueryBuffer::of(need)), 0);
    assert!(info.ret, "{:?}", info.last_error);
    let entry = info.out.expect("ok").expect("an entry").info;
    assert_eq!(entry.size, 5);
    assert_eq!(entry.local_file_name.as_deref(), Some(file.as_str()));
    assert_eq!(
        api.get_url_cache_entry_info(Some(URL2), None, 0).last_error,
        Some(ERROR_FILE_NOT_FOUND)
    );
    // Retrieve locks: a delete is refused (32) and happens at the last unlock.
    let r = api.retrieve_url_cache_entry_file(Some(URL), QueryBuffer::of(need));
    assert!(r.ret, "{:?}", r.last_error);
    let d = api.delete_url_cache_entry(Some(URL));
    assert_eq!(
        (d.ret, d.last_error),
        (false, Some(ERROR_SHARING_VIOLATION))
    );
    let u = api.unlock_url_cache_entry_file(Some(URL), 0);
    assert_eq!((u.ret, u.last_error), (true, None));
    assert_eq!(
        api.get_url_cache_entry_info(Some(URL), None, 0).last_error,
        Some(ERROR_FILE_NOT_FOUND)
    );
    assert!(
        !std::path::Path::new(&file).exists(),
        "the file went with it"
    );
    // Enumeration over two entries, then the end and closing.
    for url in [URL, URL2] {
        let f = api
            .create_url_cache_entry(Some(url), None)
            .out
            .expect("file");
        assert!(api.commit_url_cache_entry(commit(url, &f)).ret);
    }
    let first = api.find_first_url_cache_entry(None, QueryBuffer::of(4096));
    assert_ne!(first.ret, 0, "{:?}", first.last_error);
    let mut seen = vec![first.out.expect("first").info.source_url];
    let next = api.find_next_url_cache_entry(first.ret, QueryBuffer::of(4096));
    assert!(next.ret, "{:?}", next.last_error);
    seen.push(next.out.expect("second").info.source_url);
    let end = api.find_next_url_cache_entry(first.ret, QueryBuffer::of(4096));
    assert_eq!(
        (end.ret, end.last_error),
        (false, Some(ERROR_NO_MORE_ITEMS))
    );
    seen.sort();
    assert_eq!(seen, [URL, URL2]);
    assert!(api.find_close_url_cache(first.ret).ret);
    assert_eq!(
        api.find_close_url_cache(first.ret).last_error,
        Some(ERROR_INVALID_HANDLE)
    );
    finish(&api);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Wine `test_cookie_attrs` through the API object: an HttpOnly cookie needs
/// INTERNET_COOKIE_HTTPONLY to be set and to be read back.
#[test]
fn cookie_ex_http_only() {
    let api = WinInet::new();
    let url = Some("http://cookie.attrs.com/bar");
    let root = Some("http://cookie.attrs.com/");
    let refused = api.internet_set_cookie_ex(url, None, Some("A=data; httponly"), 0);
    assert_eq!(
        (refused.ret, refused.last_error),
        (wi::COOKIE_STATE_REJECT, Some(ERROR_INVALID_OPERATION))
    );
    let accepted = api.internet_set_cookie_ex(
        url,
        None,
        Some("A=data; httponly"),
        wi::INTERNET_COOKIE_HTTPONLY,
    );
    assert_eq!(accepted.ret, wi::COOKIE_STATE_ACCEPT);
    let hidden = api.internet_get_cookie_ex(root, None, QueryBuffer::of(100), 0);
    assert_eq!(
        (hidden.ret, hidden.last_error),
        (false, Some(ERROR_NO_MORE_ITEMS))
    );
    let shown = api.internet_get_cookie_ex(
        root,
        None,
        QueryBuffer::of(100),
        wi::INTERNET_COOKIE_HTTPONLY,
    );
    assert!(shown.ret, "{:?}", shown.last_error);
    assert_eq!(shown.out.map(|a| a.text).as_deref(), Ok("A=data"));
    finish(&api);
}

#[test]
fn lock_request_file_arguments() {
    let api = WinInet::new();
    let root = sync_root(&api);
    let c = api.internet_connect(
        root,
        Some("127.0.0.1"),
        80,
        None,
        None,
        wi::INTERNET_SERVICE_HTTP,
        0,
        1,
    );
    let req = api.http_open_request(c.ret, None, Some("/"), None, None, &[], 0, 2);
    assert_ne!(req.ret, HandleValue::NULL, "{:?}", req.last_error);
    // No data file yet (nothing was received): ERROR_FILE_NOT_FOUND.
    let l = api.internet_lock_request_file(req.ret);
    assert_eq!((l.ret, l.last_error), (false, Some(ERROR_FILE_NOT_FOUND)));
    assert_eq!(
        api.internet_unlock_request_file(42).last_error,
        Some(ERROR_INVALID_HANDLE)
    );
    api.internet_close_handle(root);
    let stale = api.internet_lock_request_file(req.ret);
    assert_eq!(stale.last_error, Some(ERROR_INVALID_HANDLE));
    finish(&api);
}

#[test]
fn crack_and_create_url() {
    let api = WinInet::new();
    let url = "http://user:pw@host.example:8080/path/x.html?q=1";
    let cracked = api.internet_crack_url(url, 0, &CrackRequest::all_pointers());
    assert!(cracked.ret, "{:?}", cracked.last_error);
    let parts = cracked.out.expect("cracked");
    let wide: Vec<u16> = url.encode_utf16().collect();
    let text = |c: &hinternet_net::url::Component| {
        String::from_utf16_lossy(&c.text(&wide).expect("present"))
    };
    assert_eq!(text(&parts.host_name), "host.example");
    assert_eq!(text(&parts.user_name), "user");
    assert_eq!(text(&parts.url_path), "/path/x.html");
    assert_eq!(text(&parts.extra_info), "?q=1");
    assert_eq!(parts.port, 8080);
    let bad = api.internet_crack_url("nonsense", 0, &CrackRequest::all_pointers());
    assert_eq!(
        (bad.ret, bad.last_error),
        (false, Some(wi::ERROR_INTERNET_UNRECOGNIZED_SCHEME))
    );
    let zero = api.internet_crack_url(url, 0, &CrackRequest::uniform(ComponentRequest::Buffer(0)));
    assert_eq!(zero.last_error, Some(ERROR_INVALID_PARAMETER));
    let host: Vec<u16> = "host.example".encode_utf16().collect();
    let path: Vec<u16> = "/a b".encode_utf16().collect();
    let components = UrlComponents {
        scheme: wi::INTERNET_SCHEME_HTTP,
        host_name: Some(&host),
        port: 80,
        url_path: Some(&path),
        ..UrlComponents::default()
    };
    let probe = api.internet_create_url(&components, 0, 0, false);
    assert_eq!(
        (probe.ret, probe.last_error),
        (false, Some(ERROR_INSUFFICIENT_BUFFER))
    );
    let made = api.internet_create_url(&components, 0, 256, true);
    assert!(made.ret, "{:?}", made.last_error);
    assert_eq!(
        String::from_utf16_lossy(&made.out.expect("url")),
        "http://host.example/a b"
    );
    finish(&api);
}
