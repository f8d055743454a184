//! Cookie call tests: Wine `internet.c` (`test_get_cookie`, `test_complicated_cookie`,
//! `test_cookie_attrs`, `test_cookie_url`, `test_null`, `test_end_browser_session`).

use super::*;

fn get_a(jar: &CookieJar, url: &str, len: u32) -> Result<CookieAnswer, QueryFailure> {
    get_cookie(jar, Some(url), None, Charset::Ansi, QueryBuffer::of(len))
}

#[test]
fn no_cookie_is_no_more_items_with_length_zero() {
    let jar = CookieJar::new();
    assert_eq!(
        get_cookie(
            &jar,
            Some("http://www.example.com"),
            None,
            Charset::Ansi,
            QueryBuffer::null(1024)
        ),
        Err(QueryFailure {
            code: ERROR_NO_MORE_ITEMS,
            length: Some(0)
        })
    );
}

/// Wine `test_complicated_cookie`: which cookies match, and the A/W sizes (19 / 38 / 19).
#[test]
fn complicated_cookie_matching_and_sizes() {
    let mut jar = CookieJar::new();
    for (url, data) in [
        ("http://www.example.com/bar", "A=B; domain=.example.com"),
        (
            "http://www.example.com/bar",
            "C=D; domain=.example.com; path=/",
        ),
        ("http://www.example.com", "E=F; domain=example.com"),
        (
            "http://www.example.com",
            "G=H; domain=.example.com; invalid=attr; path=/foo",
        ),
        (
            "http://www.example.com/bar.html",
            "I=J; domain=.example.com",
        ),
        ("http://www.example.com/bar/", "K=L; domain=.example.com"),
        (
            "http://www.example.com/bar/",
            "M=N; domain=.example.com; path=/foo/",
        ),
        ("http://www.example.com/bar/", "O=P; secure; path=/bar"),
    ] {
        assert_eq!(
            set_cookie(&mut jar, Some(url), None, Some(data)),
            Ok(()),
            "{data}"
        );
    }
    let url = "http://testing.example.com";
    let null = get_cookie(
        &jar,
        Some(url),
        None,
        Charset::Ansi,
        QueryBuffer::null(1024),
    );
    assert_eq!(null.as_ref().map(|a| a.length), Ok(19));
    let answer = get_a(&jar, url, 1024);
    let Ok(answer) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!((answer.length, answer.text.len()), (19, 18));
    for present in ["A=B", "C=D", "E=F", "I=J"] {
        assert!(answer.text.contains(present), "{present} missing");
    }
    for absent in ["G=H", "K=L", "M=N", "O=P"] {
        assert!(!answer.text.contains(absent), "{absent} present");
    }
    assert_eq!(
        get_a(&jar, url, 10),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(19)
        })
    );
    let w = |buf| get_cookie(&jar, Some(url), None, Charset::Wide, buf);
    assert_eq!(w(QueryBuffer::null(1024)).map(|a| a.length), Ok(38));
    assert_eq!(w(QueryBuffer::of(1024)).map(|a| a.length), Ok(19));
    assert_eq!(
        w(QueryBuffer::of(10)),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(38)
        })
    );
    let bar_foo = get_a(&jar, "http://testing.example.com/bar/foo", 1024);
    assert_eq!(bar_foo.as_ref().map(|a| a.length), Ok(24));
    assert!(bar_foo.is_ok_and(|a| a.text.contains("K=L")));
    // The name argument is not implemented.
    assert_eq!(
        get_cookie(
            &jar,
            Some("http://testing.example.com/bar/foo"),
            Some("A"),
            Charset::Ansi,
            QueryBuffer::of(1024)
        )
        .map(|a| a.length),
        Ok(24)
    );
    assert!(get_a(&jar, "http://testing.example.com/foo/bar", 1024)
        .is_ok_and(|a| a.text.contains("M=N") && a.text.contains("G=H")));
    // Persistent cookie, then an empty `expires` (a session cookie): 29 with both A=B.
    assert_eq!(
        set_cookie(
            &mut jar,
            Some("http://testing.example.com"),
            None,
            Some("A=B; expires=Fri, 01-Jan-2038 00:00:00 GMT")
        ),
        Ok(())
    );
    assert_eq!(
        set_cookie(
            &mut jar,
            Some("http://testing.example.com"),
            None,
            Some("Q=R; expires=")
        ),
        Ok(())
    );
    let all = get_a(&jar, "http://testing.example.com/", 1024);
    assert_eq!(all.as_ref().map(|a| a.length), Ok(29));
    assert!(all.is_ok_and(|a| a.text.contains("Q=R")));
    assert_eq!(
        get_a(&jar, "http://testing.example.com/foobar", 1024).map(|a| a.length),
        Ok(29)
    );
    // A foreign domain is refused.
    assert_eq!(
        set_cookie(
            &mut jar,
            Some("http://www.aaa.example.com/bar"),
            None,
            Some("E=F; domain=different.com")
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
}

/// Wine `test_cookie_attrs`.
#[test]
fn http_only_rules() {
    let mut jar = CookieJar::new();
    let url = Some("http://cookie.attrs.com/bar");
    let root = Some("http://cookie.attrs.com/");
    assert_eq!(
        set_cookie(&mut jar, url, None, Some("A=data; httponly")),
        Err(ERROR_INVALID_OPERATION)
    );
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            url,
            None,
            Some("A=data; httponly"),
            0,
            CookiePolicy::default()
        ),
        SetCookieExResult {
            state: COOKIE_STATE_REJECT,
            error: Some(ERROR_INVALID_OPERATION)
        }
    );
    assert_eq!(
        get_cookie_ex(
            &jar,
            root,
            None,
            Charset::Ansi,
            QueryBuffer::of(100),
            INTERNET_COOKIE_HTTPONLY
        )
        .map_err(|f| f.code),
        Err(ERROR_NO_MORE_ITEMS)
    );
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            url,
            None,
            Some("A=data; httponly"),
            INTERNET_COOKIE_HTTPONLY,
            CookiePolicy::default()
        )
        .state,
        COOKIE_STATE_ACCEPT
    );
    assert_eq!(
        get_a(&jar, "http://cookie.attrs.com/", 100).map_err(|f| f.code),
        Err(ERROR_NO_MORE_ITEMS)
    );
    assert_eq!(
        get_cookie_ex(&jar, root, None, Charset::Ansi, QueryBuffer::of(100), 0).map_err(|f| f.code),
        Err(ERROR_NO_MORE_ITEMS)
    );
    let with_flag = || {
        get_cookie_ex(
            &jar,
            root,
            None,
            Charset::Ansi,
            QueryBuffer::of(100),
            INTERNET_COOKIE_HTTPONLY,
        )
        .map(|a| a.text)
    };
    assert_eq!(with_flag().as_deref(), Ok("A=data"));
    assert_eq!(
        set_cookie(&mut jar, url, None, Some("A=test")),
        Err(ERROR_INVALID_OPERATION)
    );
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            url,
            None,
            Some("A=data"),
            0,
            CookiePolicy::default()
        ),
        SetCookieExResult {
            state: COOKIE_STATE_REJECT,
            error: Some(ERROR_INVALID_OPERATION)
        }
    );
    let with_flag = get_cookie_ex(
        &jar,
        root,
        None,
        Charset::Ansi,
        QueryBuffer::of(100),
        INTERNET_COOKIE_HTTPONLY,
    )
    .map(|a| a.text);
    assert_eq!(with_flag.as_deref(), Ok("A=data"));
}

/// Wine `test_cookie_url` and `test_null`.
#[test]
fn url_and_null_arguments() {
    let mut jar = CookieJar::new();
    for charset in [Charset::Ansi, Charset::Wide] {
        assert_eq!(
            get_cookie(
                &jar,
                Some("about:blank"),
                None,
                charset,
                QueryBuffer::of(512)
            )
            .map_err(|f| f.code),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            get_cookie_ex(
                &jar,
                Some("about:blank"),
                None,
                charset,
                QueryBuffer::of(512),
                0
            )
            .map_err(|f| f.code),
            Err(ERROR_INVALID_PARAMETER)
        );
    }
    let long_url = format!("http://long.url.test.com/{}/x", "x".repeat(4970));
    assert_eq!(
        set_cookie(&mut jar, Some(&long_url), None, Some("A=B")),
        Ok(())
    );
    assert_eq!(
        get_a(&jar, &long_url, 512).map(|a| a.text).as_deref(),
        Ok("A=B")
    );
    assert_eq!(
        get_a(&jar, "http://long.url.test.com/", 512).map_err(|f| f.code),
        Err(ERROR_NO_MORE_ITEMS)
    );

    assert_eq!(
        set_cookie(&mut jar, None, None, None),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        set_cookie(&mut jar, Some("server"), None, None),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        set_cookie(&mut jar, Some("http://a.b.c"), Some("server"), None),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        set_cookie(
            &mut jar,
            Some("http://a.b.c"),
            Some("server"),
            Some("server")
        ),
        Ok(())
    );
    assert_eq!(
        set_cookie(&mut jar, Some("http://a.b.c"), None, Some("server")),
        Ok(())
    );
    assert_eq!(
        set_cookie(&mut jar, Some("http://a.b.c"), Some("server"), Some("")),
        Ok(())
    );
    assert!(set_cookie(&mut jar, Some("http://"), Some("server"), Some("server")).is_err());
    assert_eq!(
        set_cookie(&mut jar, Some("server"), None, Some("server")),
        Err(ERROR_INTERNET_UNRECOGNIZED_SCHEME)
    );
    assert_eq!(
        get_cookie(&jar, None, None, Charset::Wide, QueryBuffer::null(0)).map_err(|f| f.code),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        get_cookie(
            &jar,
            Some("server"),
            None,
            Charset::Wide,
            QueryBuffer::null(0)
        )
        .map_err(|f| f.code),
        Err(ERROR_INTERNET_UNRECOGNIZED_SCHEME)
    );
    assert!(get_cookie(
        &jar,
        Some("http://"),
        Some("server"),
        Charset::Wide,
        QueryBuffer::null(0)
    )
    .is_err());
    // IE11: "server=" — 16 bytes for a NULL buffer, 8 characters on success.
    let null = get_cookie(
        &jar,
        Some("http://a.b.c"),
        Some("server"),
        Charset::Wide,
        QueryBuffer::null(0),
    );
    assert_eq!(
        null.map(|a| (a.text, a.length)),
        Ok(("server=".to_owned(), 16))
    );
    let full = get_cookie(
        &jar,
        Some("http://a.b.c"),
        Some("server"),
        Charset::Wide,
        QueryBuffer::of(0x20),
    );
    assert_eq!(full.map(|a| a.length), Ok(8));
}

/// Wine `test_end_browser_session`: session cookies go, persistent ones stay.
#[test]
fn end_browser_session_forgets_session_cookies() {
    let mut jar = CookieJar::new();
    assert_eq!(
        set_cookie(
            &mut jar,
            Some("http://www.example.com/test_end"),
            None,
            Some("A=B")
        ),
        Ok(())
    );
    assert_eq!(
        set_cookie(
            &mut jar,
            Some("http://www.example.com/test_end"),
            None,
            Some("P=Q; expires=Fri, 01-Jan-2100 00:00:00 GMT")
        ),
        Ok(())
    );
    assert!(get_cookie(
        &jar,
        Some("http://www.example.com/test_end"),
        None,
        Charset::Ansi,
        QueryBuffer::null(1024)
    )
    .is_ok());
    assert_eq!(end_browser_session(&mut jar), 1);
    assert_eq!(
        get_cookie(
            &jar,
            Some("http://www.example.com/test_end"),
            None,
            Charset::Ansi,
            QueryBuffer::null(1024)
        )
        .map(|a| a.text),
        Ok("P=Q".to_owned())
    );
}

#[test]
fn privacy_policy() {
    let mut jar = CookieJar::new();
    let url = Some("http://third.example/");
    let strict = CookiePolicy {
        accept_third_party: false,
        accept_restricted_zone: false,
    };
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            url,
            None,
            Some("T=1"),
            INTERNET_COOKIE_THIRD_PARTY,
            strict
        ),
        SetCookieExResult {
            state: COOKIE_STATE_REJECT,
            error: None
        }
    );
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            url,
            None,
            Some("T=1"),
            INTERNET_COOKIE_THIRD_PARTY,
            CookiePolicy::default()
        )
        .state,
        COOKIE_STATE_ACCEPT
    );
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            url,
            None,
            Some("R=1"),
            INTERNET_FLAG_RESTRICTED_ZONE,
            CookiePolicy::default()
        )
        .state,
        COOKIE_STATE_REJECT
    );
    assert_eq!(
        set_cookie_ex(
            &mut jar,
            Some("server"),
            None,
            Some("R=1"),
            0,
            CookiePolicy::default()
        ),
        SetCookieExResult {
            state: COOKIE_STATE_UNKNOWN,
            error: Some(ERROR_INTERNET_UNRECOGNIZED_SCHEME)
        }
    );
    assert_eq!(
        get_a(&jar, "http://third.example/", 100)
            .map(|a| a.text)
            .as_deref(),
        Ok("T=1")
    );
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// No URL or cookie string makes the calls panic; a refused set leaves the jar alone.
        #[test]
        fn never_panics(url in "\\PC{0,40}", data in "\\PC{0,40}", flags in any::<u32>()) {
            let mut jar = CookieJar::new();
            let _ = set_cookie(&mut jar, Some("http://h.example/"), None, Some("keep=1"));
            let before = get_cookie(&jar, Some("http://h.example/"), None, Charset::Ansi, QueryBuffer::of(100));
            if set_cookie(&mut jar, Some(&url), None, Some(&data)).is_err() {
                let after = get_cookie(&jar, Some("http://h.example/"), None, Charset::Ansi, QueryBuffer::of(100));
                prop_assert_eq!(before, after);
            }
            let _ = set_cookie_ex(&mut jar, Some(&url), Some(&data), Some(&data), flags, CookiePolicy::default());
            let _ = get_cookie_ex(&jar, Some(&url), None, Charset::Wide, QueryBuffer::of(8), flags);
        }
    }
}
