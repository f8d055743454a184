//! URL cache tests: Wine `urlcache.c` expectations (which pass on Windows) and the request
//! policy of the `INTERNET_FLAG_*` cache flags.

use super::*;
use windows_sys::Win32::Foundation::{ERROR_INVALID_HANDLE, ERROR_NO_MORE_ITEMS};
use windows_sys::Win32::Networking::WinInet::{
    ERROR_INTERNET_INVALID_URL, INTERNET_FLAG_CACHE_IF_NET_FAIL, INTERNET_FLAG_FROM_CACHE,
    INTERNET_FLAG_HYPERLINK, INTERNET_FLAG_NEED_FILE, INTERNET_FLAG_NO_CACHE_WRITE,
    INTERNET_FLAG_PRAGMA_NOCACHE, INTERNET_FLAG_RELOAD, INTERNET_FLAG_RESYNCHRONIZE,
};

mod policy;

const URL: &str = "http://urlcachetest.winehq.org/index.html";
const VISITED: &str = "Visited: user@http://urlcachetest.winehq.org/index.html";
const T0: FileTime = 133_000_000_000_000_000;

fn fixed_clock() -> FileTime {
    T0
}

fn later_clock() -> FileTime {
    T0 + 2 * LOCK_LIFETIME
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "hinternet-urlcache-{}-{tag}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cache_in(storage: Storage) -> UrlCache {
    let mut cache = UrlCache::new(storage);
    cache.set_clock(fixed_clock);
    cache
}

fn commit<'a>(
    url: &'a str,
    file: Option<&'a str>,
    entry_type: u32,
    headers: Option<&'a [u8]>,
    ext: Option<&'a str>,
) -> Commit<'a> {
    Commit {
        url: Some(url),
        local_file: file,
        expire: 0,
        last_modified: 0,
        entry_type,
        header_info: headers,
        file_extension: ext,
    }
}

fn info(cache: &UrlCache, url: &str) -> CacheEntryInfo {
    cache
        .get_entry_info(
            Some(url),
            Charset::Ansi,
            Some(QueryBuffer::of(100_000)),
            false,
            0,
        )
        .ok()
        .flatten()
        .map(|s| s.info)
        .unwrap_or_default()
}

/// Wine `test_urlcacheA` on both storages: unique names, files on disk in directory mode,
/// commit, retrieve/lock, delete while locked, unlock deletes.
#[test]
fn create_commit_retrieve_delete_lifecycle() {
    let dir = TempDir::new("lifecycle");
    for storage in [Storage::Memory, Storage::Directory(dir.0.clone())] {
        let mut cache = cache_in(storage.clone());
        let a = cache
            .create_entry(Some(URL), Some("html"))
            .unwrap_or_default();
        let b = cache
            .create_entry(Some(URL), Some("html"))
            .unwrap_or_default();
        assert_ne!(a, b, "expected a different file name");
        assert!(a.ends_with(".html") && a.contains("index["), "{a}");
        if let Storage::Directory(d) = &storage {
            assert!(std::path::Path::new(&a).starts_with(d) && std::path::Path::new(&a).exists());
        }
        cache.write_file(&a, b"\0").unwrap_or_default();
        assert_eq!(
            cache.commit_entry(commit(
                URL,
                Some(&a),
                NORMAL_CACHE_ENTRY,
                None,
                Some("html")
            )),
            Ok(())
        );
        let got = info(&cache, URL);
        assert_eq!(got.source_url, URL);
        assert_eq!(got.local_file_name.as_deref(), Some(a.as_str()));
        assert_eq!(got.file_extension.as_deref(), Some("html"));
        assert_eq!(got.size, 1);
        assert_eq!(got.hit_rate, 1);

        // Retrieve: NULL buffer → 122 with the size, then success locks the entry.
        let probe = cache.retrieve_entry_file(Some(URL), Charset::Ansi, QueryBuffer::null(0));
        let needed = match probe {
            Err(QueryFailure {
                code: ERROR_INSUFFICIENT_BUFFER,
                length: Some(n),
            }) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            info(&cache, URL).use_count,
            0,
            "a failed retrieve locks nothing"
        );
        let got = cache.retrieve_entry_file(Some(URL), Charset::Ansi, QueryBuffer::of(needed));
        assert!(matches!(&got, Ok(s) if s.size == needed && s.info.use_count == 1));
        assert_eq!(cache.delete_entry(Some(URL)), Err(ERROR_SHARING_VIOLATION));
        assert_ne!(info(&cache, URL).entry_type & PENDING_DELETE_CACHE_ENTRY, 0);
        assert!(cache.read_file(&a).is_ok(), "the file stays while locked");
        assert_eq!(cache.unlock_entry_file(Some(URL), 0), Ok(true));
        assert!(
            cache.read_file(&a).is_err(),
            "the last unlock deleted the file"
        );
        assert_eq!(cache.delete_entry(Some(URL)), Err(ERROR_FILE_NOT_FOUND));
        assert_eq!(
            cache.unlock_entry_file(Some(URL), 0),
            Err(ERROR_FILE_NOT_FOUND)
        );
    }
}

/// Wine `test_urlcacheA`: `Visited:` entries without a file, a recommit with headers keeps
/// the entry but bumps the hit rate, replaces headers and times, drops the extension;
/// retrieving a file-less entry → ERROR_INVALID_DATA.
#[test]
fn history_entries_and_recommit() {
    let mut cache = cache_in(Storage::Memory);
    assert_eq!(
        cache.commit_entry(commit(
            VISITED,
            None,
            NORMAL_CACHE_ENTRY,
            None,
            Some("html")
        )),
        Ok(())
    );
    let first = info(&cache, VISITED);
    assert_eq!(
        first.entry_type,
        NORMAL_CACHE_ENTRY | URLHISTORY_CACHE_ENTRY
    );
    assert_eq!(
        (first.expire, first.last_modified, first.exempt_delta),
        (0, 0, 0)
    );
    cache.set_clock(later_clock);
    let mut again = commit(
        VISITED,
        None,
        NORMAL_CACHE_ENTRY,
        Some(b"HTTP/1.0 200 OK\r\n\r\n"),
        None,
    );
    again.expire = T0 + 5;
    again.last_modified = T0 + 1;
    assert_eq!(cache.commit_entry(again), Ok(()));
    let second = info(&cache, VISITED);
    assert_eq!(second.header_info.as_ref().map(Vec::len), Some(19));
    assert_eq!(second.hit_rate, first.hit_rate + 1);
    assert_ne!(second.last_access, first.last_access);
    assert_eq!(second.file_extension, None);
    assert_ne!(second.expire, 0);
    assert_eq!(
        cache
            .retrieve_entry_file(Some(VISITED), Charset::Ansi, QueryBuffer::null(0))
            .map_err(|f| f.code),
        Err(ERROR_INVALID_DATA)
    );
}

/// Wine `test_urlcacheA`: committing the same URL with another file deletes the old file,
/// keeps the old type bits, and overwrites the headers; sticky entries need a file (87),
/// get an exempt delta of 86400 which a recommit keeps once set.
#[test]
fn recommit_replaces_file_and_sticky_rules() {
    let dir = TempDir::new("sticky");
    let mut cache = cache_in(Storage::Directory(dir.0.clone()));
    let a = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    let b = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&a),
            NORMAL_CACHE_ENTRY,
            Some(b"HTTP/1.0 200 OK\r\n\r\n"),
            Some("html")
        )),
        Ok(())
    );
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&b),
            COOKIE_CACHE_ENTRY,
            None,
            Some("html")
        )),
        Ok(())
    );
    let got = info(&cache, URL);
    assert_ne!(got.entry_type & NORMAL_CACHE_ENTRY, 0);
    assert_eq!(got.header_info, None);
    assert!(
        !std::path::Path::new(&a).exists(),
        "the previous file is deleted"
    );
    assert!(std::path::Path::new(&b).exists());
    assert_eq!(cache.delete_entry(Some(URL)), Ok(()));
    assert!(!std::path::Path::new(&b).exists());

    assert_eq!(
        cache.commit_entry(commit(URL, None, STICKY_CACHE_ENTRY, None, Some("html"))),
        Err(ERROR_INVALID_PARAMETER)
    );
    let c = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&c),
            NORMAL_CACHE_ENTRY | STICKY_CACHE_ENTRY,
            None,
            Some("html")
        )),
        Ok(())
    );
    let mut got = info(&cache, URL);
    assert_eq!(got.exempt_delta, STICKY_EXEMPT_DELTA);
    got.exempt_delta = 8600;
    assert_eq!(
        cache.set_entry_info(Some(URL), &got, CACHE_ENTRY_EXEMPT_DELTA_FC),
        Ok(())
    );
    let d = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&d),
            NORMAL_CACHE_ENTRY | STICKY_CACHE_ENTRY,
            None,
            Some("html")
        )),
        Ok(())
    );
    assert_eq!(info(&cache, URL).exempt_delta, 8600);

    // A file that does not exist → 2; a file outside the cache → 87.
    let missing = format!("{}missing.html", cache.root());
    assert_eq!(
        cache.commit_entry(commit(URL, Some(&missing), NORMAL_CACHE_ENTRY, None, None)),
        Err(ERROR_FILE_NOT_FOUND)
    );
    let outside = dir.0.with_extension("outside");
    let _ = std::fs::write(&outside, b"x");
    let outside_name = outside.to_string_lossy().into_owned();
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&outside_name),
            NORMAL_CACHE_ENTRY,
            None,
            None
        )),
        Err(ERROR_INVALID_PARAMETER)
    );
    let _ = std::fs::remove_file(&outside);
    // `..` cannot reach outside the cache either: the file exists, the commit is refused
    // and a later delete cannot remove it.
    let victim_name = format!("hinternet-victim-{}", std::process::id());
    let victim = std::env::temp_dir().join(&victim_name);
    let _ = std::fs::write(&victim, b"keep");
    let escape = format!(
        "{}..{}{victim_name}",
        cache.root(),
        std::path::MAIN_SEPARATOR
    );
    assert_eq!(
        cache.commit_entry(commit(URL, Some(&escape), NORMAL_CACHE_ENTRY, None, None)),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        cache.write_file(&escape, b"x"),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(cache.read_file(&escape), Err(ERROR_INVALID_PARAMETER));
    assert_eq!(std::fs::read(&victim).ok().as_deref(), Some(&b"keep"[..]));
    let _ = std::fs::remove_file(&victim);
}

/// Wine `test_GetUrlCacheEntryInfoExA`, `test_RetrieveUrlCacheEntryA`, `test_trailing_slash`.
#[test]
fn entry_info_argument_rules() {
    let mut cache = cache_in(Storage::Memory);
    let file = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&file),
            NORMAL_CACHE_ENTRY,
            None,
            Some("html")
        )),
        Ok(())
    );
    assert_eq!(
        cache
            .get_entry_info(None, Charset::Ansi, None, false, 0)
            .map_err(|f| f.code),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        cache
            .get_entry_info(
                Some(""),
                Charset::Ansi,
                Some(QueryBuffer::null(200)),
                false,
                0
            )
            .map_err(|f| f.code),
        Err(ERROR_FILE_NOT_FOUND)
    );
    assert_eq!(
        cache.get_entry_info(Some(URL), Charset::Ansi, None, false, 0),
        Ok(None)
    );
    let need = info(&cache, URL).required_size(Charset::Ansi);
    assert_eq!(
        cache.get_entry_info(
            Some(URL),
            Charset::Ansi,
            Some(QueryBuffer::null(100_000)),
            false,
            0
        ),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(need)
        })
    );
    assert_eq!(
        cache
            .get_entry_info(Some(URL), Charset::Ansi, Some(QueryBuffer::of(0)), true, 0)
            .map_err(|f| f.code),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        cache
            .get_entry_info(Some(URL), Charset::Ansi, None, false, GET_INSTALLED_ENTRY)
            .map_err(|f| f.code),
        Err(ERROR_FILE_NOT_FOUND)
    );
    assert_eq!(
        cache.get_entry_info(Some(URL), Charset::Wide, None, false, GET_INSTALLED_ENTRY),
        Ok(None)
    );
    let mut e = info(&cache, URL);
    e.entry_type |= INSTALLED_CACHE_ENTRY;
    assert_eq!(
        cache.set_entry_info(Some(URL), &e, CACHE_ENTRY_ATTRIBUTE_FC),
        Ok(())
    );
    assert_eq!(
        cache.get_entry_info(Some(URL), Charset::Ansi, None, false, GET_INSTALLED_ENTRY),
        Ok(None)
    );
    assert_eq!(
        cache
            .retrieve_entry_file(None, Charset::Ansi, QueryBuffer::null(0))
            .map_err(|f| f.code),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        cache
            .retrieve_entry_file(Some(URL), Charset::Ansi, QueryBuffer::null(100_000))
            .map_err(|f| f.code),
        Err(ERROR_INVALID_PARAMETER)
    );
    // Lookups are exact: a trailing slash matters.
    assert_eq!(
        cache.commit_entry(commit(
            "Visited: http://testing.cache.com/",
            None,
            NORMAL_CACHE_ENTRY,
            None,
            None
        )),
        Ok(())
    );
    assert!(cache
        .get_entry_info(
            Some("Visited: http://testing.cache.com/"),
            Charset::Ansi,
            None,
            false,
            0
        )
        .is_ok());
    assert!(cache
        .get_entry_info(
            Some("Visited: http://testing.cache.com"),
            Charset::Ansi,
            None,
            false,
            0
        )
        .is_err());
}

/// The entry-info size follows Wine's layout: header, then DWORD-aligned strings.
#[test]
fn required_size_layout() {
    let e = CacheEntryInfo {
        source_url: "http://a/".to_owned(), // 9 + 1 = 10 → align
        local_file_name: Some("/c/x[1].htm".to_owned()), // 11 + 1
        header_info: Some(b"HTTP/1.0 200 OK\r\n\r\n".to_vec()), // 19
        file_extension: Some("htm".to_owned()), // 3 + 1
        ..CacheEntryInfo::default()
    };
    let a = ENTRY_INFO_SIZE_A;
    let expect_a = align4(align4(align4(align4(a + 10) + 12) + 19) + 4);
    assert_eq!(e.required_size(Charset::Ansi), expect_a);
    let w = ENTRY_INFO_SIZE_W;
    let expect_w = align4(align4(align4(align4(w + 20) + 24) + 38) + 8);
    assert_eq!(e.required_size(Charset::Wide), expect_w);
    assert_eq!(ENTRY_INFO_SIZE_A % 4, 0);
}

/// Wine `test_find_url_cache_entriesA` / `test_FindCloseUrlCache`: enumeration, retry after
/// a short buffer, end, and closing.
#[test]
fn find_enumeration() {
    let mut cache = cache_in(Storage::Memory);
    assert_eq!(
        cache
            .find_first(None, Charset::Ansi, QueryBuffer::of(10_000))
            .map_err(|f| f.code),
        Err(ERROR_NO_MORE_ITEMS)
    );
    for url in [
        "http://a.example/1",
        "http://b.example/2",
        "http://c.example/3",
    ] {
        let f = cache.create_entry(Some(url), None).unwrap_or_default();
        assert_eq!(
            cache.commit_entry(commit(url, Some(&f), NORMAL_CACHE_ENTRY, None, None)),
            Ok(())
        );
    }
    assert_eq!(
        cache.commit_entry(commit(VISITED, None, NORMAL_CACHE_ENTRY, None, None)),
        Ok(())
    );
    let need = match cache.find_first(None, Charset::Ansi, QueryBuffer::of(0)) {
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(n),
        }) => n,
        other => panic!("{other:?}"),
    };
    let (handle, first) = match cache.find_first(None, Charset::Ansi, QueryBuffer::of(need)) {
        Ok(found) => found,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(first.info.source_url, "http://a.example/1");
    let small = cache.find_next(handle, Charset::Ansi, QueryBuffer::of(8));
    assert!(matches!(
        small,
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            ..
        })
    ));
    let mut seen = vec![first.info.source_url];
    for _ in 0..10 {
        match cache.find_next(handle, Charset::Wide, QueryBuffer::of(10_000)) {
            Ok(s) => seen.push(s.info.source_url),
            Err(f) => {
                assert_eq!(f.code, ERROR_NO_MORE_ITEMS);
                break;
            }
        }
    }
    assert_eq!(
        seen,
        [
            "http://a.example/1",
            "http://b.example/2",
            "http://c.example/3"
        ],
        "history entries are another container"
    );
    let (h2, hist) =
        match cache.find_first(Some("visited:"), Charset::Ansi, QueryBuffer::of(10_000)) {
            Ok(found) => found,
            Err(e) => panic!("{e:?}"),
        };
    assert_eq!(hist.info.source_url, VISITED);
    assert_eq!(cache.find_close(handle), Ok(()));
    assert_eq!(cache.find_close(handle), Err(ERROR_INVALID_HANDLE));
    assert_eq!(cache.find_close(0), Err(ERROR_INVALID_HANDLE));
    assert_eq!(
        cache
            .find_next(handle, Charset::Ansi, QueryBuffer::of(10_000))
            .map_err(|f| f.code),
        Err(ERROR_INVALID_HANDLE)
    );
    assert_eq!(cache.find_close(h2), Ok(()));
}

/// Wine `test_IsUrlCacheEntryExpiredA` (IE10+ answers).
#[test]
fn expiry() {
    let mut cache = cache_in(Storage::Memory);
    assert_eq!(cache.is_entry_expired(None), (false, 0));
    assert_eq!(
        cache.is_entry_expired(Some("What's the airspeed velocity of an unladen swallow?")),
        (false, 0)
    );
    let f = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(URL, Some(&f), NORMAL_CACHE_ENTRY, None, None)),
        Ok(())
    );
    assert_eq!(cache.is_entry_expired(Some(URL)), (false, 0));
    let mut e = info(&cache, URL);
    e.expire = T0 - 600 * FILETIME_SECOND;
    assert_eq!(
        cache.set_entry_info(Some(URL), &e, CACHE_ENTRY_EXPTIME_FC),
        Ok(())
    );
    assert_eq!(cache.is_entry_expired(Some(URL)), (true, 0));
    e.expire = T0 + 600 * FILETIME_SECOND;
    e.last_modified = T0 - 1;
    assert_eq!(
        cache.set_entry_info(Some(URL), &e, CACHE_ENTRY_EXPTIME_FC),
        Ok(())
    );
    assert_eq!(cache.is_entry_expired(Some(URL)), (false, 0));
    assert_eq!(
        cache.set_entry_info(Some(URL), &e, CACHE_ENTRY_MODTIME_FC),
        Ok(())
    );
    assert_eq!(cache.is_entry_expired(Some(URL)), (false, T0 - 1));
}

/// A lock older than a day no longer blocks a delete (Wine `urlcache_hash_entry_is_locked`).
#[test]
fn stale_locks_expire() {
    let mut cache = cache_in(Storage::Memory);
    let f = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(URL, Some(&f), NORMAL_CACHE_ENTRY, None, None)),
        Ok(())
    );
    assert!(cache
        .retrieve_entry_file(Some(URL), Charset::Ansi, QueryBuffer::of(10_000))
        .is_ok());
    assert_eq!(cache.delete_entry(Some(URL)), Err(ERROR_SHARING_VIOLATION));
    cache.set_clock(later_clock);
    assert_eq!(cache.delete_entry(Some(URL)), Ok(()));
}

/// A 304 refreshes the entry it revalidated (WI-R28): head fields, expiry from the refreshed
/// head at the cache's clock, last-modified and last-sync times; the file, size, use count
/// and hit rate stay; the refreshed entry is fresh until its new expiry and the request
/// policy answers it from the cache.
#[test]
fn a_304_refreshes_head_expiry_and_sync_time() {
    let mut cache = cache_in(Storage::Memory);
    let f = cache
        .create_entry(Some(URL), Some("html"))
        .unwrap_or_default();
    assert_eq!(cache.write_file(&f, b"hello"), Ok(()));
    let stored: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"v1\"\r\n\r\n";
    assert_eq!(
        cache.commit_entry(commit(
            URL,
            Some(&f),
            NORMAL_CACHE_ENTRY,
            Some(stored),
            None
        )),
        Ok(())
    );
    let mut e = info(&cache, URL);
    e.last_sync = T0 - 3_600 * FILETIME_SECOND;
    assert_eq!(
        cache.set_entry_info(Some(URL), &e, CACHE_ENTRY_SYNCTIME_FC),
        Ok(())
    );
    let before = info(&cache, URL);
    assert_eq!(
        decide(0, "GET", Some(&before), T0).read,
        CacheRead::Revalidate {
            if_modified_since: None,
            if_none_match: Some("\"v1\"".into()),
        }
    );
    let not_modified = "HTTP/1.1 304 Not Modified\r\nETag: \"v2\"\r\nCache-Control: max-age=60\r\n\
                        Last-Modified: Tue, 01 Oct 2024 10:00:00 GMT\r\n\r\n";
    let head = cache
        .refresh_entry(Some(URL), not_modified)
        .expect("the entry is refreshed");
    let after = info(&cache, URL);
    assert_eq!(after.header_info.as_deref(), Some(head.as_bytes()));
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("ETag: \"v2\"\r\n") && !head.contains("\"v1\""),
        "{head}"
    );
    assert_eq!(after.expire, T0 + 60 * FILETIME_SECOND);
    assert_eq!(after.last_sync, T0);
    assert_eq!(
        Some(after.last_modified),
        filetime_from_http_date("Tue, 01 Oct 2024 10:00:00 GMT")
    );
    assert_eq!(
        (
            &after.local_file_name,
            after.size,
            after.use_count,
            after.hit_rate
        ),
        (
            &before.local_file_name,
            5,
            before.use_count,
            before.hit_rate
        )
    );
    assert_eq!(decide(0, "GET", Some(&after), T0).read, CacheRead::Cached);
    assert_eq!(
        decide(0, "GET", Some(&after), after.expire).read,
        CacheRead::Revalidate {
            if_modified_since: crate::time::format_rfc1123(&system_time_from_filetime(
                after.last_modified
            ))
            .ok(),
            if_none_match: Some("\"v2\"".into()),
        },
        "stale again at the new expiry, revalidated with the refreshed validators"
    );
    // A 304 without freshness fields leaves the entry without a new lifetime.
    let bare = cache
        .refresh_entry(
            Some(URL),
            "HTTP/1.1 304 Not Modified\r\nETag: \"v3\"\r\n\r\n",
        )
        .expect("refreshed");
    assert!(bare.contains("Cache-Control: max-age=60\r\n"), "{bare}");
    assert_eq!(info(&cache, URL).expire, T0 + 60 * FILETIME_SECOND);
    // Errors change nothing.
    let kept = info(&cache, URL);
    assert_eq!(
        cache.refresh_entry(Some(URL), "HTTP/1.1 304\r\nno colon\r\n\r\n"),
        Err(ERROR_INVALID_DATA)
    );
    assert_eq!(info(&cache, URL), kept);
    assert_eq!(
        cache.refresh_entry(Some("http://other/"), not_modified),
        Err(ERROR_FILE_NOT_FOUND)
    );
    assert_eq!(
        cache.refresh_entry(None, not_modified),
        Err(ERROR_INVALID_PARAMETER)
    );
    let g = cache.create_entry(Some(VISITED), None).unwrap_or_default();
    assert_eq!(
        cache.commit_entry(commit(VISITED, Some(&g), 0, None, None)),
        Ok(())
    );
    assert_eq!(
        cache.refresh_entry(Some(VISITED), not_modified),
        Err(ERROR_INVALID_DATA),
        "no stored head"
    );
}
