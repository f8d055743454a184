//! The typed WinINet API's remaining calls: `HttpQueryInfo` with `FLAG_SYSTEMTIME` and an
//! index, `InternetQueryDataAvailable`, `InternetReadFileEx` flags, `GopherGetAttribute`,
//! and the handle-less functions (URL, time, cookies).

mod support;

use hinternet_net::headers::{OutBuffer, QueryValue};
use hinternet_net::wininet::api::{slot, HandleValue, VecBuffer, WinInet};
use hinternet_net::wininet::options::QueryBuffer;
use hinternet_testservers::{gopher, http};
use support::wininet::*;
use windows_sys::Win32::Foundation::{ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinInet as wi;

#[test]
fn query_info_systemtime_index_and_available_data() {
    let server = http::start();
    let api = WinInet::new();
    let root = sync_root(&api);
    let url = format!("http://127.0.0.1:{}/fixed", server.port());
    let h = api.internet_open_url(root, &url, None, 0, 0).ret;
    assert_ne!(h, HandleValue::NULL);
    // FLAG_SYSTEMTIME: 16 bytes; a smaller buffer asks for 16.
    let small = api.http_query_info(
        h,
        wi::HTTP_QUERY_DATE | wi::HTTP_QUERY_FLAG_SYSTEMTIME,
        None,
        OutBuffer::bytes(8),
        None,
    );
    assert_eq!(
        (small.ret, small.last_error, small.out.required),
        (false, Some(ERROR_INSUFFICIENT_BUFFER), Some(16))
    );
    let date = api.http_query_info(
        h,
        wi::HTTP_QUERY_DATE | wi::HTTP_QUERY_FLAG_SYSTEMTIME,
        None,
        OutBuffer::bytes(16),
        None,
    );
    match date.out.answer.map(|a| a.value) {
        Some(QueryValue::SystemTime(t)) => assert!(t.year >= 2024, "{t:?}"),
        other => panic!("{other:?}"),
    }
    // Index: the first Content-Length, then the index moves on; past the last, 12150.
    let first = api.http_query_info(
        h,
        wi::HTTP_QUERY_CONTENT_LENGTH,
        None,
        OutBuffer::bytes(64),
        Some(0),
    );
    let answer = first.out.answer.expect("content-length");
    assert_eq!(answer.next_index, Some(1));
    let second = api.http_query_info(
        h,
        wi::HTTP_QUERY_CONTENT_LENGTH,
        None,
        OutBuffer::bytes(64),
        Some(1),
    );
    assert_eq!(second.last_error, Some(wi::ERROR_HTTP_HEADER_NOT_FOUND));
    // A level above HTTP_QUERY_MAX: 87.
    let bad = api.http_query_info(h, wi::HTTP_QUERY_MAX + 1, None, OutBuffer::bytes(64), None);
    assert_eq!(bad.last_error, Some(ERROR_INVALID_PARAMETER));
    // Data available, then read with InternetReadFileEx.
    let avail = api.internet_query_data_available(h, slot());
    assert!(avail.ret, "{:?}", avail.last_error);
    assert_eq!(avail.out as usize, http::FIXED_BODY.len());
    let unknown = api.internet_read_file_ex(h, VecBuffer::new(64), slot(), 0x8000_0000);
    assert_eq!(unknown.last_error, Some(ERROR_INVALID_PARAMETER));
    let buf = VecBuffer::new(64);
    let r = api.internet_read_file_ex(h, buf.clone(), slot(), wi::IRF_NO_WAIT);
    assert!(r.ret);
    assert_eq!(buf.prefix(r.out as usize), http::FIXED_BODY);
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn gopher_plus_attributes() {
    let server = gopher::start();
    let api = WinInet::new();
    let root = sync_root(&api);
    let c = api
        .internet_connect(
            root,
            Some("127.0.0.1"),
            server.port(),
            None,
            None,
            wi::INTERNET_SERVICE_GOPHER,
            0,
            1,
        )
        .ret;
    let plus = api
        .gopher_create_locator(
            "127.0.0.1",
            server.port(),
            Some("plus"),
            Some("/plus.txt"),
            wi::GOPHER_TYPE_TEXT_FILE | wi::GOPHER_TYPE_GOPHER_PLUS,
        )
        .out
        .expect("locator");
    let a = api.gopher_get_attribute(c, &plus, Some("+ADMIN"), slot());
    assert!(a.ret, "{:?}", a.last_error);
    let attrs = a.out.expect("attributes");
    assert_eq!(attrs.len(), 1);
    assert_eq!(attrs[0].name, "ADMIN");
    let plain = api
        .gopher_create_locator(
            "127.0.0.1",
            server.port(),
            Some("about"),
            Some("/about.txt"),
            wi::GOPHER_TYPE_TEXT_FILE,
        )
        .out
        .expect("locator");
    let n = api.gopher_get_attribute(c, &plain, None, slot());
    assert_eq!(
        (n.ret, n.last_error),
        (false, Some(wi::ERROR_GOPHER_NOT_GOPHER_PLUS))
    );
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn handleless_functions() {
    let api = WinInet::new();
    let c = api.internet_canonicalize_url("http://host/a b", 0);
    assert_eq!(c.out.as_deref(), Some("http://host/a%20b"));
    let j = api.internet_combine_url("http://host/a/b", "../c", 0);
    assert_eq!(j.out.as_deref(), Some("http://host/c"));
    let t = api.internet_time_to_system_time("Sun, 06 Nov 1994 08:49:37 GMT");
    let t = t.out.expect("time");
    assert_eq!((t.year, t.month, t.day, t.hour), (1994, 11, 6, 8));
    let back = api.internet_time_from_system_time(&t, wi::INTERNET_RFC1123_FORMAT, 128);
    assert_eq!(back.out.as_deref(), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
    assert!(
        api.internet_set_cookie(Some("http://example.test/"), Some("a"), Some("1"))
            .ret
    );
    let got = api.internet_get_cookie(Some("http://example.test/"), None, QueryBuffer::of(256));
    assert_eq!(got.out.expect("cookie").text, "a=1");
    let none = api.internet_set_cookie(None, None, Some("x"));
    assert_eq!(none.last_error, Some(ERROR_INVALID_PARAMETER));
    finish(&api);
}

/// Counts the threads it is asked for, and creates them (or refuses every one).
struct CountingSpawner {
    spawned: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    refuse: bool,
}

impl hinternet_net::executor::runtime::ThreadSpawner for CountingSpawner {
    fn spawn(
        &self,
        name: String,
        body: hinternet_net::executor::runtime::Job,
    ) -> std::io::Result<()> {
        if self.refuse {
            return Err(std::io::Error::other("refused"));
        }
        self.spawned
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        hinternet_net::executor::runtime::ThreadSpawner::spawn(
            &hinternet_net::executor::runtime::StdSpawner,
            name,
            body,
        )
    }
}

/// `WinInet::with_runtime`: the executor's threads come from the given spawner (a host's
/// thread hook); a spawner that refuses leaves an API whose network calls fail with
/// `ERROR_INTERNET_INTERNAL_ERROR`.
#[test]
fn with_runtime_creates_the_executor_threads_through_the_spawner() {
    let server = http::start();
    let spawned = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let config = hinternet_net::executor::runtime::RuntimeConfig {
        spawner: std::sync::Arc::new(CountingSpawner {
            spawned: spawned.clone(),
            refuse: false,
        }),
        ..WinInet::default_runtime()
    };
    let api = WinInet::with_runtime(hinternet_net::wininet::cache::Storage::Memory, config);
    // One I/O thread and the default two delivery threads.
    assert_eq!(spawned.load(std::sync::atomic::Ordering::SeqCst), 3);
    let root = sync_root(&api);
    let url = format!("http://127.0.0.1:{}/fixed", server.port());
    let h = api.internet_open_url(root, &url, None, 0, 0);
    assert_ne!(h.ret, HandleValue::NULL, "{:?}", h.last_error);
    let buf = VecBuffer::new(64);
    let read = api.internet_read_file(h.ret, buf.clone(), slot());
    assert!(read.ret, "{:?}", read.last_error);
    assert_eq!(buf.prefix(read.out as usize), http::FIXED_BODY);
    api.internet_close_handle(h.ret);
    api.internet_close_handle(root);
    finish(&api);

    let refused = hinternet_net::executor::runtime::RuntimeConfig {
        spawner: std::sync::Arc::new(CountingSpawner {
            spawned: spawned.clone(),
            refuse: true,
        }),
        ..WinInet::default_runtime()
    };
    let api = WinInet::with_runtime(hinternet_net::wininet::cache::Storage::Memory, refused);
    let root = sync_root(&api);
    let h = api.internet_open_url(root, &url, None, 0, 0);
    assert_eq!(
        (h.ret, h.last_error),
        (HandleValue::NULL, Some(wi::ERROR_INTERNET_INTERNAL_ERROR))
    );
    api.internet_close_handle(root);
}
