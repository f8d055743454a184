//! Expectations from Wine's `winhttp/tests/winhttp.c :: test_WinHttpAddHeaders` and
//! `test_basic_request`/`test_WinHttpSendRequest` (they pass on Windows).
use super::query::{c_strtol, utf16_bytes, NAMED_LEVELS};
use super::*;
use crate::time::SystemTime;
use windows_sys::Win32::Networking::WinInet as wi;

fn req() -> HeaderStore {
    HeaderStore::request("POST", "/posttest.php", "HTTP/1.1")
}

fn custom<'a>(name: &'a str, index: Option<u32>, capacity: u32) -> QueryRequest<'a> {
    QueryRequest {
        api: Api::WinHttp,
        info_level: wh::WINHTTP_QUERY_CUSTOM | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        name: Some(name),
        buffer: OutBuffer::bytes(capacity),
        index,
    }
}

fn text(answer: &QueryAnswer) -> String {
    match &answer.value {
        QueryValue::Text(t) => String::from_utf16_lossy(t),
        other => panic!("not text: {other:?}"),
    }
}

fn warnings(store: &HeaderStore) -> Vec<String> {
    store.values("warning").map(str::to_owned).collect()
}

#[test]
fn custom_query_iterates_and_sizes_in_bytes() {
    let mut store = req();
    assert_eq!(
        query_headers(&store, None, "POST", &custom("Warning", Some(0), 520)).map_err(|e| e.code()),
        Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
    );
    store
        .add_request_headers(Api::WinHttp, "Warning:test1", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("adds");
    let got = query_headers(&store, None, "POST", &custom("Warning", Some(0), 520)).expect("found");
    assert_eq!(text(&got), "test1");
    assert_eq!(got.bytes, 10);
    assert_eq!(got.next_index, Some(1));
    assert_eq!(
        query_headers(&store, None, "POST", &custom("Warning", Some(1), 520)),
        Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND))
    );
    // Room for the string but not the NUL.
    assert_eq!(
        query_headers(&store, None, "POST", &custom("Warning", Some(0), 10)),
        Err(QueryError::InsufficientBuffer { required_bytes: 12 })
    );
    // No index pointer: first occurrence, nothing written back.
    let got = query_headers(&store, None, "POST", &custom("warning", None, 520)).expect("found");
    assert_eq!(got.next_index, None);
}

#[test]
fn raw_headers_crlf_and_nul_forms() {
    let mut store = req();
    store
        .add_request_headers(Api::WinHttp, "Warning:test1", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("adds");
    let crlf_query = |buffer| QueryRequest {
        api: Api::WinHttp,
        info_level: wh::WINHTTP_QUERY_RAW_HEADERS_CRLF | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        name: None,
        buffer,
        index: Some(0),
    };
    let expected = "POST /posttest.php HTTP/1.1\r\nWarning: test1\r\n\r\n";
    let need = utf16_bytes(expected.len() + 1);
    for probe in [
        OutBuffer::probe(520),
        OutBuffer::probe(10),
        OutBuffer::probe(0),
        OutBuffer::bytes(need - 1),
    ] {
        assert_eq!(
            query_headers(&store, None, "POST", &crlf_query(probe)),
            Err(QueryError::InsufficientBuffer {
                required_bytes: need
            })
        );
    }
    let got =
        query_headers(&store, None, "POST", &crlf_query(OutBuffer::bytes(need))).expect("fits");
    assert_eq!(text(&got), expected);
    assert_eq!(got.bytes, need - 2);
    assert_eq!(got.next_index, None, "RAW levels do not move the index");

    let nul = QueryRequest {
        info_level: wh::WINHTTP_QUERY_RAW_HEADERS | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        ..crlf_query(OutBuffer::bytes(520))
    };
    let got = query_headers(&store, None, "POST", &nul).expect("fits");
    assert_eq!(text(&got), "POST /posttest.php HTTP/1.1\0Warning: test1\0");
}

#[test]
fn add_modifiers_follow_windows_order() {
    let mut store = req();
    store
        .add_request_headers(Api::WinHttp, "Warning:test1", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("adds");
    store
        .add_request_headers(Api::WinHttp, "Warning:test2", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("duplicate");
    assert_eq!(warnings(&store), ["test1", "test2"]);
    store
        .add_request_headers(
            Api::WinHttp,
            "Warning:test3",
            wh::WINHTTP_ADDREQ_FLAG_REPLACE,
        )
        .expect("replaces");
    assert_eq!(
        warnings(&store),
        ["test3", "test2"],
        "first occurrence replaced in place"
    );
    assert_eq!(
        store.add_request_headers(
            Api::WinHttp,
            "Warning:test4",
            wh::WINHTTP_ADDREQ_FLAG_ADD_IF_NEW
        ),
        Err(wh::ERROR_WINHTTP_HEADER_ALREADY_EXISTS)
    );
    assert_eq!(warnings(&store), ["test3", "test2"]);
    store
        .add_request_headers(
            Api::WinHttp,
            "Warning:test4",
            wh::WINHTTP_ADDREQ_FLAG_COALESCE,
        )
        .expect("coalesces");
    assert_eq!(warnings(&store), ["test3, test4", "test2"]);
    store
        .add_request_headers(
            Api::WinHttp,
            "Warning:test5",
            wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
        )
        .expect("comma");
    assert_eq!(warnings(&store), ["test3, test4, test5", "test2"]);
    store
        .add_request_headers(
            Api::WinHttp,
            "Warning:test6",
            wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON,
        )
        .expect("semicolon");
    assert_eq!(warnings(&store), ["test3, test4, test5; test6", "test2"]);
    store
        .add_request_headers(
            Api::WinHttp,
            "Warning:test4",
            wh::WINHTTP_ADDREQ_FLAG_ADD | wh::WINHTTP_ADDREQ_FLAG_REPLACE,
        )
        .expect("add|replace");
    assert_eq!(warnings(&store), ["test4", "test2"]);
}

#[test]
fn wininet_replace_moves_the_line_to_the_end() {
    // Wine http.c :: HttpHeaders_test (passes on Windows).
    let mut store = req();
    let add = |s: &mut HeaderStore, line: &str, flags: u32| {
        s.add_request_headers(Api::WinInet, line, flags)
    };
    add(&mut store, "Warning:test1", wi::HTTP_ADDREQ_FLAG_ADD).expect("adds");
    add(&mut store, "Warning:test2", wi::HTTP_ADDREQ_FLAG_ADD).expect("adds");
    add(&mut store, "Warning:test3", wi::HTTP_ADDREQ_FLAG_REPLACE).expect("replaces");
    assert_eq!(warnings(&store), ["test2", "test3"]);
    assert_eq!(
        add(&mut store, "Warning:test4", wi::HTTP_ADDREQ_FLAG_ADD_IF_NEW),
        Err(wi::ERROR_HTTP_HEADER_ALREADY_EXISTS)
    );
    add(&mut store, "Warning:test4", wi::HTTP_ADDREQ_FLAG_COALESCE).expect("coalesces");
    add(
        &mut store,
        "Warning:test5",
        wi::HTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
    )
    .expect("comma");
    add(
        &mut store,
        "Warning:test6",
        wi::HTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON,
    )
    .expect("semicolon");
    assert_eq!(warnings(&store), ["test2, test4, test5; test6", "test3"]);
    add(
        &mut store,
        "Warning:test7",
        wi::HTTP_ADDREQ_FLAG_ADD | wi::HTTP_ADDREQ_FLAG_REPLACE,
    )
    .expect("add|replace");
    assert_eq!(warnings(&store), ["test3", "test7"]);
    add(
        &mut store,
        "\r\nBlankTest:value\r\n\r\n",
        wi::HTTP_ADDREQ_FLAG_ADD_IF_NEW,
    )
    .expect("blank lines skipped");
    assert_eq!(store.get("BlankTest"), Some("value"));
    add(
        &mut store,
        "\r\rMalformedTest:value\n\nMalformedTestTwo: value2\rMalformedTestThree: value3\n\n\r\r\n",
        wi::HTTP_ADDREQ_FLAG_ADD | wi::HTTP_ADDREQ_FLAG_REPLACE,
    )
    .expect("odd separators");
    assert_eq!(
        (
            store.get("MalformedTest"),
            store.get("MalformedTestTwo"),
            store.get("MalformedTestThree")
        ),
        (Some("value"), Some("value2"), Some("value3"))
    );
    add(
        &mut store,
        "Authorization: Basic\r\n",
        wi::HTTP_ADDREQ_FLAG_ADD,
    )
    .expect("adds");
    let auth = QueryRequest {
        api: Api::WinInet,
        info_level: wi::HTTP_QUERY_AUTHORIZATION | wi::HTTP_QUERY_FLAG_REQUEST_HEADERS,
        name: None,
        buffer: OutBuffer::bytes(256),
        index: Some(0),
    };
    assert_eq!(
        query_headers(&store, None, "POST", &auth).map(|a| (text(&a), a.next_index)),
        Ok(("Basic".into(), Some(1)))
    );
    add(
        &mut store,
        "Authorization:\r\n",
        wi::HTTP_ADDREQ_FLAG_REPLACE,
    )
    .expect("removes");
    assert_eq!(
        query_headers(&store, None, "POST", &auth),
        Err(QueryError::Code(wi::ERROR_HTTP_HEADER_NOT_FOUND))
    );
    // Before a response, the response head reads as CRLF CRLF.
    let raw = QueryRequest {
        info_level: wi::HTTP_QUERY_RAW_HEADERS_CRLF,
        index: None,
        ..auth
    };
    assert_eq!(
        query_headers(&store, None, "POST", &raw).map(|a| (text(&a), a.bytes)),
        Ok(("\r\n\r\n".into(), 8))
    );
}

#[test]
fn malformed_lines_and_empty_values() {
    let mut store = req();
    for bad in [":", ":b", "cd", " e :f", "a b: c", "x/y: z", "caf\u{e9}: 1"] {
        assert_eq!(
            store.add_request_headers(Api::WinHttp, bad, wh::WINHTTP_ADDREQ_FLAG_ADD),
            Err(wh::ERROR_WINHTTP_INVALID_HEADER),
            "{bad:?}"
        );
    }
    store
        .add_request_headers(Api::WinHttp, "a:", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("empty value is fine");
    let got = query_headers(&store, None, "POST", &custom("a", Some(0), 520)).expect("found");
    assert_eq!(text(&got), "");
    store
        .add_request_headers(Api::WinHttp, "field: value ", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("adds");
    assert_eq!(store.get("field"), Some("value"));
    assert_eq!(
        store.add_request_headers(Api::WinHttp, "", wh::WINHTTP_ADDREQ_FLAG_ADD),
        Err(ERROR_INVALID_PARAMETER)
    );
}

#[test]
fn replace_missing_remove_with_empty_and_multiline() {
    let mut store = req();
    store
        .add_request_headers(
            Api::WinHttp,
            "Range: bytes=0-773\r\n",
            wh::WINHTTP_ADDREQ_FLAG_ADD | wh::WINHTTP_ADDREQ_FLAG_REPLACE,
        )
        .expect("adds");
    let got = query_headers(&store, None, "GET", &custom("Range", Some(0), 520)).expect("found");
    assert_eq!(text(&got), "bytes=0-773");
    assert_eq!(got.bytes, 22);
    assert_eq!(
        store.add_request_headers(Api::WinHttp, "name: value", wh::WINHTTP_ADDREQ_FLAG_REPLACE),
        Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
    );
    store
        .add_request_headers(Api::WinHttp, "name: value", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("adds");
    store
        .add_request_headers(Api::WinHttp, "name:", wh::WINHTTP_ADDREQ_FLAG_REPLACE)
        .expect("removes");
    assert_eq!(store.get("name"), None);
    store
        .add_request_headers(Api::WinHttp, "name: value", 0)
        .expect("flags 0 adds");
    assert_eq!(store.get("name"), Some("value"));
    store
        .add_request_headers(
            Api::WinHttp,
            "A: 1\r\nB: 2\nC: 3\r\n\r\n",
            wh::WINHTTP_ADDREQ_FLAG_ADD,
        )
        .expect("three lines");
    assert_eq!(
        (store.get("a"), store.get("b"), store.get("c")),
        (Some("1"), Some("2"), Some("3"))
    );
}

fn response() -> HeaderStore {
    HeaderStore::parse_response_head(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  42\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nDate: Fri, 07 Jan 2005 12:06:35 GMT\r\nX-Odd:nospace\r\n\r\n",
        )
        .expect("valid head")
}

fn resp_query(info_level: u32, buffer: OutBuffer, index: Option<u32>) -> QueryRequest<'static> {
    QueryRequest {
        api: Api::WinHttp,
        info_level,
        name: None,
        buffer,
        index,
    }
}

#[test]
fn response_levels_and_modifiers() {
    let head = response();
    let q = |level, buffer, index| {
        query_headers(
            &req(),
            Some(&head),
            "GET",
            &resp_query(level, buffer, index),
        )
    };
    let big = OutBuffer::bytes(1024);
    assert_eq!(
        q(wh::WINHTTP_QUERY_CONTENT_TYPE, big, None).map(|a| text(&a)),
        Ok("text/plain".into())
    );
    assert_eq!(
        q(wh::WINHTTP_QUERY_STATUS_CODE, big, None).map(|a| text(&a)),
        Ok("200".into())
    );
    assert_eq!(
        q(wh::WINHTTP_QUERY_STATUS_TEXT, big, None).map(|a| text(&a)),
        Ok("OK".into())
    );
    assert_eq!(
        q(wh::WINHTTP_QUERY_VERSION, big, None).map(|a| text(&a)),
        Ok("HTTP/1.1".into())
    );
    let number = wh::WINHTTP_QUERY_STATUS_CODE | wh::WINHTTP_QUERY_FLAG_NUMBER;
    assert_eq!(
        q(number, big, None).map(|a| (a.value, a.bytes)),
        Ok((QueryValue::Number(200), 4))
    );
    assert_eq!(
        q(number, OutBuffer::bytes(3), None),
        Err(QueryError::InsufficientBuffer { required_bytes: 4 })
    );
    assert_eq!(
        q(number, OutBuffer::probe(4), None),
        Err(QueryError::InsufficientBuffer { required_bytes: 4 })
    );
    let length64 = wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER64;
    assert_eq!(
        q(length64, big, None).map(|a| a.value),
        Ok(QueryValue::Number64(42))
    );
    let text_number = wh::WINHTTP_QUERY_CONTENT_TYPE | wh::WINHTTP_QUERY_FLAG_NUMBER;
    assert_eq!(
        q(text_number, big, None).map(|a| a.value),
        Ok(QueryValue::Number(0))
    );
    let date = wh::WINHTTP_QUERY_DATE | wh::WINHTTP_QUERY_FLAG_SYSTEMTIME;
    assert_eq!(
        q(date, big, None).map(|a| (a.value, a.bytes)),
        Ok((
            QueryValue::SystemTime(SystemTime::new(2005, 1, 5, 7, 12, 6, 35, 0)),
            16
        ))
    );
    assert_eq!(
        q(date, OutBuffer::bytes(15), None),
        Err(QueryError::InsufficientBuffer { required_bytes: 16 })
    );
    let cookie = wh::WINHTTP_QUERY_SET_COOKIE;
    assert_eq!(
        q(cookie, big, Some(1)).map(|a| (text(&a), a.next_index)),
        Ok(("b=2".into(), Some(2)))
    );
    assert_eq!(
        q(cookie, big, Some(2)),
        Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND))
    );
    assert_eq!(
        q(wh::WINHTTP_QUERY_LOCATION, big, None),
        Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND))
    );
    assert_eq!(
        q(wh::WINHTTP_QUERY_MAX + 1, big, None),
        Err(QueryError::Code(ERROR_INVALID_PARAMETER))
    );
    let raw = q(wh::WINHTTP_QUERY_RAW_HEADERS_CRLF, big, None)
        .map(|a| text(&a))
        .expect("fits");
    assert!(
        raw.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  42\r\n"),
        "{raw:?}"
    );
    assert!(
        raw.ends_with("X-Odd:nospace\r\n\r\n"),
        "wire case and spacing kept: {raw:?}"
    );
}

/// WH-R25: response levels before a response → 12019; `REQUEST_METHOD` always answers.
#[test]
fn winhttp_response_levels_need_a_response_but_request_method_does_not() {
    let none = query_headers(
        &req(),
        None,
        "GET",
        &resp_query(wh::WINHTTP_QUERY_STATUS_CODE, OutBuffer::bytes(64), None),
    );
    assert_eq!(
        none,
        Err(QueryError::Code(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE))
    );
    let verb = query_headers(
        &req(),
        None,
        "GET",
        &resp_query(wh::WINHTTP_QUERY_REQUEST_METHOD, OutBuffer::bytes(64), None),
    );
    assert_eq!(verb.map(|a| text(&a)), Ok("GET".into()));
}

/// WI-R23: before a response WinINet answers `STATUS_CODE|NUMBER` with 0, `RAW_HEADERS`
/// with an empty string and `STATUS_TEXT` with 12150.
#[test]
fn wininet_before_response_and_request_status_levels() {
    let q = |level, buffer| {
        query_headers(
            &req(),
            None,
            "GET",
            &QueryRequest {
                api: Api::WinInet,
                info_level: level,
                name: None,
                buffer,
                index: None,
            },
        )
    };
    let status_number = wi::HTTP_QUERY_STATUS_CODE | wi::HTTP_QUERY_FLAG_NUMBER;
    assert_eq!(
        q(status_number, OutBuffer::bytes(4)).map(|a| a.value),
        Ok(QueryValue::Number(0))
    );
    assert_eq!(
        q(wi::HTTP_QUERY_RAW_HEADERS, OutBuffer::bytes(16)).map(|a| (text(&a), a.bytes)),
        Ok((String::new(), 0))
    );
    assert_eq!(
        q(wi::HTTP_QUERY_STATUS_TEXT, OutBuffer::bytes(64)),
        Err(QueryError::Code(wi::ERROR_HTTP_HEADER_NOT_FOUND))
    );
    let request_status = wi::HTTP_QUERY_STATUS_CODE | wi::HTTP_QUERY_FLAG_REQUEST_HEADERS;
    assert_eq!(
        q(request_status, OutBuffer::bytes(64)),
        Err(QueryError::Code(wi::ERROR_HTTP_INVALID_QUERY_REQUEST))
    );
    // WinINet's catalogue is longer than WinHTTP's.
    assert_eq!(
        level_of(Api::WinInet, wi::HTTP_QUERY_KEEP_ALIVE),
        Ok(Level::Header("Keep-Alive"))
    );
    assert_eq!(
        level_of(Api::WinHttp, wi::HTTP_QUERY_KEEP_ALIVE),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        level_of(Api::WinInet, wi::HTTP_QUERY_MAX + 1),
        Err(ERROR_INVALID_PARAMETER)
    );
}

#[test]
fn catalogue_is_unique_and_covers_every_level() {
    let mut levels: Vec<u32> = NAMED_LEVELS.iter().map(|(l, _)| *l).collect();
    levels.sort_unstable();
    let before = levels.len();
    levels.dedup();
    assert_eq!(before, levels.len(), "duplicate level in the catalogue");
    for level in 0..=wi::HTTP_QUERY_MAX {
        let answered = level_of(Api::WinInet, level).expect("in range");
        // Only the ECHO levels (71..=74) have no header name.
        assert_eq!(
            answered == Level::Unanswerable,
            (71..=74).contains(&level),
            "level {level}"
        );
    }
}

#[test]
fn query_headers_ex_levels() {
    let head = response();
    let all = query_headers_ex(
        &req(),
        Some(&head),
        wh::WINHTTP_QUERY_EX_ALL_HEADERS,
        None,
        Some(3),
    )
    .expect("all");
    assert_eq!(all.headers.len(), 6);
    assert_eq!(
        all.headers[1],
        ("content-length".to_owned(), "42".to_owned()),
        "wire case kept"
    );
    assert_eq!(all.next_index, None);
    let second = query_headers_ex(
        &req(),
        Some(&head),
        wh::WINHTTP_QUERY_SET_COOKIE,
        None,
        Some(1),
    )
    .expect("found");
    assert_eq!(
        second,
        ExAnswer {
            headers: vec![("Set-Cookie".into(), "b=2".into())],
            next_index: Some(2)
        }
    );
    let custom = query_headers_ex(
        &req(),
        Some(&head),
        wh::WINHTTP_QUERY_CUSTOM,
        Some("x-odd"),
        None,
    )
    .expect("found");
    assert_eq!(
        custom.headers,
        vec![("X-Odd".to_owned(), "nospace".to_owned())]
    );
    for excluded in [
        wh::WINHTTP_QUERY_VERSION,
        wh::WINHTTP_QUERY_STATUS_CODE,
        wh::WINHTTP_QUERY_STATUS_TEXT,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF,
        wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER,
        wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER64,
        wh::WINHTTP_QUERY_DATE | wh::WINHTTP_QUERY_FLAG_SYSTEMTIME,
    ] {
        assert_eq!(
            query_headers_ex(&req(), Some(&head), excluded, None, None),
            Err(ERROR_INVALID_PARAMETER),
            "{excluded:#x}"
        );
    }
    assert_eq!(
        query_headers_ex(
            &req(),
            Some(&head),
            wh::WINHTTP_QUERY_SET_COOKIE,
            None,
            Some(2)
        ),
        Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
    );
    assert_eq!(
        query_headers_ex(&req(), None, wh::WINHTTP_QUERY_EX_ALL_HEADERS, None, None),
        Err(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE)
    );
    let mut request = req();
    request
        .add_request_headers(Api::WinHttp, "A: 1", wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("adds");
    let own = query_headers_ex(
        &request,
        None,
        wh::WINHTTP_QUERY_EX_ALL_HEADERS | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        None,
        None,
    );
    assert_eq!(
        own.map(|a| a.headers),
        Ok(vec![("A".to_owned(), "1".to_owned())])
    );
}

#[test]
fn hostile_response_heads() {
    assert_eq!(
        HeaderStore::parse_response_head(""),
        Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
    );
    assert_eq!(
        HeaderStore::parse_response_head("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"),
        Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
    );
    assert_eq!(
        HeaderStore::parse_response_head("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n"),
        Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
    );
    let odd = HeaderStore::parse_response_head("garbage\r\n\r\n").expect("status line kept raw");
    let q = query_headers(
        &req(),
        Some(&odd),
        "GET",
        &resp_query(wh::WINHTTP_QUERY_STATUS_CODE, OutBuffer::bytes(64), None),
    );
    assert_eq!(q, Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)));
    assert_eq!(c_strtol("  -12abc"), -12);
    assert_eq!(c_strtol("99999999999999999999999"), i64::MAX);
}
