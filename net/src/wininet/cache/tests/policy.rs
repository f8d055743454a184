//! Tests of the pure parts beside the store: the W URL key, `FILETIME` conversions and the
//! request-side policy of the cache flags.

use super::*;

/// Wine `test_urlcacheW`: the W URL key.
#[test]
fn wide_url_encoding() {
    assert_eq!(
        encode_wide_url("http://T.pl/t").as_deref(),
        Ok("http://T.pl/t")
    );
    assert_eq!(encode_wide_url("www.T.pl/t").as_deref(), Ok("www.T.pl/t"));
    assert_eq!(
        encode_wide_url("http://www.test\u{15b}\u{107}.org/test.html").as_deref(),
        Ok("http://www.xn--test-ota71c.org/test.html")
    );
    assert_eq!(
        encode_wide_url("Https://\u{15b}\u{15b}\u{107}/t\u{107}/test?a=%20\u{106}").as_deref(),
        Ok("Https://xn--4da1oa/t\u{107}/test?a=%20\u{106}")
    );
    assert_eq!(
        encode_wide_url("https:////\u{107}.org/test"),
        Err(ERROR_INTERNET_INVALID_URL)
    );
    assert_eq!(
        encode_wide_url("Cookie: user@test.org/").as_deref(),
        Ok("Cookie: user@test.org/")
    );
}

#[test]
fn filetime_round_trips_through_systemtime() {
    // Fri, 07 Jan 2005 12:06:35 GMT (Wine InternetTimeFromSystemTime test value).
    let t = crate::time::SystemTime::new(2005, 1, 5, 7, 12, 6, 35, 0);
    let ft = filetime_from_system_time(&t).unwrap_or_default();
    assert_eq!(system_time_from_filetime(ft), t);
    assert_eq!(
        filetime_from_http_date("Fri, 07 Jan 2005 12:06:35 GMT"),
        Some(ft)
    );
    // 1601-01-01 is FILETIME 0.
    assert_eq!(
        filetime_from_system_time(&crate::time::SystemTime::new(1601, 1, 1, 1, 0, 0, 0, 0)),
        Some(0)
    );
}

/// The request-side policy of the cache flags.
#[test]
fn request_policy() {
    let fresh = CacheEntryInfo {
        expire: T0 + FILETIME_SECOND,
        last_modified: filetime_from_http_date("Fri, 07 Jan 2005 12:06:35 GMT").unwrap_or_default(),
        header_info: Some(b"HTTP/1.1 200 OK\r\nETag: \"abc\"\r\n\r\n".to_vec()),
        ..CacheEntryInfo::default()
    };
    let stale = CacheEntryInfo {
        expire: T0 - 1,
        ..fresh.clone()
    };
    let bare = CacheEntryInfo {
        expire: 0,
        last_modified: 0,
        header_info: None,
        ..fresh.clone()
    };

    let d = decide(0, "GET", None, T0);
    assert_eq!(
        (d.read, d.write, d.need_file, d.pragma_no_cache),
        (CacheRead::Network, true, false, false)
    );
    assert_eq!(decide(0, "GET", Some(&fresh), T0).read, CacheRead::Cached);
    let revalidate = CacheRead::Revalidate {
        if_modified_since: Some("Fri, 07 Jan 2005 12:06:35 GMT".to_owned()),
        if_none_match: Some("\"abc\"".to_owned()),
    };
    assert_eq!(decide(0, "GET", Some(&stale), T0).read, revalidate);
    assert_eq!(
        decide(INTERNET_FLAG_RESYNCHRONIZE, "GET", Some(&fresh), T0).read,
        revalidate
    );
    assert_eq!(
        decide(INTERNET_FLAG_RELOAD, "GET", Some(&fresh), T0).read,
        CacheRead::Network
    );
    let p = decide(INTERNET_FLAG_PRAGMA_NOCACHE, "GET", Some(&fresh), T0);
    assert!(p.pragma_no_cache && p.read == CacheRead::Network);
    assert_eq!(
        decide(INTERNET_FLAG_HYPERLINK, "GET", Some(&bare), T0).read,
        CacheRead::Network
    );
    // HYPERLINK looks at what the server gave: the ten-minute default of a response with
    // neither max-age nor Expires (and no Last-Modified) still reloads; a server's Expires
    // answers from the cache while fresh.
    let defaulted = CacheEntryInfo {
        expire: T0 + DEFAULT_FRESHNESS,
        last_modified: 0,
        header_info: Some(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n".to_vec()),
        ..fresh.clone()
    };
    assert!(!server_gave_expiry(&defaulted));
    assert_eq!(
        decide(0, "GET", Some(&defaulted), T0).read,
        CacheRead::Cached
    );
    assert_eq!(
        decide(INTERNET_FLAG_HYPERLINK, "GET", Some(&defaulted), T0).read,
        CacheRead::Network
    );
    let expires = CacheEntryInfo {
        header_info: Some(
            b"HTTP/1.1 200 OK\r\nExpires: Fri, 07 Jan 2105 12:06:35 GMT\r\n\r\n".to_vec(),
        ),
        ..defaulted.clone()
    };
    assert!(server_gave_expiry(&expires));
    assert_eq!(
        decide(INTERNET_FLAG_HYPERLINK, "GET", Some(&expires), T0).read,
        CacheRead::Cached
    );
    assert_eq!(
        decide(0, "GET", Some(&bare), T0).read,
        CacheRead::Revalidate {
            if_modified_since: None,
            if_none_match: None
        }
    );
    assert!(!decide(INTERNET_FLAG_NO_CACHE_WRITE, "GET", None, T0).write);
    let post = decide(0, "POST", Some(&fresh), T0);
    assert_eq!((post.read, post.write), (CacheRead::Network, false));
    assert!(
        decide(
            INTERNET_FLAG_NEED_FILE | INTERNET_FLAG_NO_CACHE_WRITE,
            "POST",
            None,
            T0
        )
        .write
    );
    assert_eq!(
        decide(INTERNET_FLAG_FROM_CACHE, "GET", None, T0).read,
        CacheRead::Unavailable
    );
    assert_eq!(
        decide(INTERNET_FLAG_FROM_CACHE, "GET", Some(&stale), T0).read,
        CacheRead::Cached
    );
    assert!(
        decide(INTERNET_FLAG_CACHE_IF_NET_FAIL, "GET", Some(&stale), T0)
            .fallback_on_network_failure
    );
    assert!(!decide(INTERNET_FLAG_CACHE_IF_NET_FAIL, "GET", None, T0).fallback_on_network_failure);
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any URL and extension: creation never panics, names stay inside the cache root and
        /// unique; the W URL encoder never panics.
        #[test]
        fn names_are_unique_and_inside(url in "\\PC{0,80}", ext in proptest::option::of("\\PC{0,12}")) {
            let mut cache = cache_in(Storage::Memory);
            let a = cache.create_entry(Some(&url), ext.as_deref());
            let b = cache.create_entry(Some(&url), ext.as_deref());
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert!(a.starts_with(MEMORY_ROOT) && b.starts_with(MEMORY_ROOT));
                prop_assert_ne!(a, b);
            }
            let _ = encode_wide_url(&url);
            let _ = base_name(&url);
        }
    }
}
