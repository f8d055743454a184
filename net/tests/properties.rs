//! Property tests of the pure net modules: splitting invariance of the websocket decoder,
//! URL create/crack round trips, date format/parse round trips, and query sizing.

use hinternet_net::headers::{
    query_headers, Api, HeaderStore, OutBuffer, QueryError, QueryRequest, QueryValue,
};
use hinternet_net::time::{day_of_week, format_rfc1123, parse_http_date, SystemTime};
use hinternet_net::url::wininet::{
    internet_canonicalize_url, internet_crack_url, internet_create_url,
};
use hinternet_net::url::{
    to_wide, win_http_crack_url, win_http_create_url, Component, CrackRequest, UrlComponents,
};
use hinternet_net::ws::frame::{BufferType, Decoder, Received};
use proptest::prelude::*;
use windows_sys::Win32::Networking::WinHttp as wh;

const MASK: [u8; 4] = [1, 2, 3, 4];

/// Drains every event the decoder can produce with `buffer_len`; stops at the first error.
fn drain(decoder: &mut Decoder, buffer_len: usize, out: &mut Vec<Result<Received, u32>>) {
    for _ in 0..10_000 {
        match decoder.poll(buffer_len, MASK) {
            Ok(Some(event)) => out.push(Ok(event)),
            Ok(None) => return,
            Err(e) => {
                out.push(Err(e.error));
                return;
            }
        }
    }
}

/// A server frame with FIN/opcode byte `first` and `payload` (unmasked).
fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    if payload.len() < 126 {
        out.push(payload.len() as u8);
    } else {
        out.push(126);
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Feeding the same bytes in any split gives the same messages (as long as the caller
    /// polls after every feed).
    #[test]
    fn decoder_events_do_not_depend_on_how_bytes_arrive(
        frames in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..300)), 1..6),
        cuts in prop::collection::vec(1usize..64, 1..40),
        buffer_len in 1usize..200,
    ) {
        let mut wire = Vec::new();
        for (text, payload) in &frames {
            // Text frames carry ASCII so that they are valid UTF-8.
            let body: Vec<u8> = if *text { payload.iter().map(|b| b % 128).collect() } else { payload.clone() };
            wire.extend(frame(if *text { 0x81 } else { 0x82 }, &body));
        }
        let mut whole = Decoder::new(1 << 20);
        whole.feed(&wire);
        let mut expected = Vec::new();
        drain(&mut whole, buffer_len, &mut expected);

        let mut split = Decoder::new(1 << 20);
        let mut got = Vec::new();
        let mut rest = &wire[..];
        for cut in cuts.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let n = (*cut).min(rest.len());
            split.feed(&rest[..n]);
            rest = &rest[n..];
            drain(&mut split, buffer_len, &mut got);
        }
        // Chunk boundaries follow the arrival of bytes (like a socket read), so compare the
        // messages: their concatenated payloads and where each one ends.
        let summarize = |events: &[Result<Received, u32>]| {
            let mut messages: Vec<Vec<u8>> = vec![Vec::new()];
            for event in events {
                if let Ok(Received::Data { buffer_type, payload }) = event {
                    messages.last_mut().expect("never empty").extend_from_slice(payload);
                    if matches!(buffer_type, BufferType::BinaryMessage | BufferType::Utf8Message) {
                        messages.push(Vec::new());
                    }
                }
            }
            messages
        };
        prop_assert_eq!(summarize(&got), summarize(&expected));
        let within = got.iter().all(|e| match e {
            Ok(Received::Data { payload, .. }) => payload.len() <= buffer_len,
            _ => true,
        });
        prop_assert!(within, "a chunk exceeded the caller's buffer");
    }

    /// Arbitrary bytes never panic the decoder and never make it report more data than fed.
    #[test]
    fn decoder_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048), buffer_len in 1usize..100) {
        let mut decoder = Decoder::new(4096);
        decoder.feed(&bytes);
        let mut events = Vec::new();
        drain(&mut decoder, buffer_len, &mut events);
        let data: usize = events.iter().map(|e| match e { Ok(Received::Data { payload, .. }) => payload.len(), _ => 0 }).sum();
        prop_assert!(data <= bytes.len());
    }

    /// WinHttpCreateUrl then WinHttpCrackUrl gives the components back.
    #[test]
    fn create_then_crack_round_trips(
        host in "[a-z][a-z0-9-]{0,20}(\\.[a-z]{2,5}){0,2}",
        port in 1u16..,
        path in "(/[A-Za-z0-9._~-]{0,8}){1,4}",
        query in "(\\?[A-Za-z0-9=&]{0,12})?",
        https in any::<bool>(),
    ) {
        let (h, p, q) = (to_wide(&host), to_wide(&path), to_wide(&query));
        let scheme = if https { wh::WINHTTP_INTERNET_SCHEME_HTTPS } else { wh::WINHTTP_INTERNET_SCHEME_HTTP };
        let components = UrlComponents {
            scheme,
            host_name: Some(&h),
            port,
            url_path: Some(&p),
            extra_info: (!q.is_empty()).then_some(&q[..]),
            ..UrlComponents::default()
        };
        let url = win_http_create_url(&components, 0, 4096, true).expect("valid components");
        let cracked = win_http_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("created URL cracks");
        prop_assert_eq!(cracked.scheme, scheme);
        prop_assert_eq!(cracked.port, port);
        let text = |c: &Component| String::from_utf16_lossy(&c.text(&url).expect("pointer mode"));
        prop_assert_eq!(text(&cracked.host_name), host);
        prop_assert_eq!(text(&cracked.url_path), path);
        prop_assert_eq!(text(&cracked.extra_info), query);
    }

    /// InternetCreateUrl then InternetCrackUrl gives the components back, for any scheme name
    /// with an authority; canonicalising the result twice changes nothing more.
    #[test]
    fn wininet_create_crack_round_trip_and_canonical_idempotence(
        scheme in "(http|https|ftp|gopher|res|[a-z][a-z0-9+.-]{0,6})",
        user in "([a-z0-9]{1,8})?",
        host in "[a-z][a-z0-9-]{0,15}(\\.[a-z]{2,4}){0,2}",
        port in 1u16..,
        path in "(/[A-Za-z0-9._~-]{1,8}){0,4}",
        extra in "(\\?[A-Za-z0-9=&]{0,12})?",
    ) {
        // file: URLs carry no host by design (covered by the unit tests).
        prop_assume!(scheme != "file");
        let (s, u, h, p, e) = (to_wide(&scheme), to_wide(&user), to_wide(&host), to_wide(&path), to_wide(&extra));
        let components = UrlComponents {
            scheme_name: Some(&s),
            host_name: Some(&h),
            port,
            user_name: (!u.is_empty()).then_some(&u[..]),
            url_path: Some(&p),
            extra_info: (!e.is_empty()).then_some(&e[..]),
            ..UrlComponents::default()
        };
        let url = internet_create_url(&components, 0, 4096, true).expect("valid components");
        let cracked = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("created URL cracks");
        let text = |c: &Component| c.text(&url).map(|t| String::from_utf16_lossy(&t));
        prop_assert_eq!(text(&cracked.scheme_name), Some(scheme.clone()));
        prop_assert_eq!(text(&cracked.host_name), Some(host.clone()));
        prop_assert_eq!(text(&cracked.user_name), Some(user.clone()));
        prop_assert_eq!(text(&cracked.url_path), Some(path.clone()));
        prop_assert_eq!(text(&cracked.extra_info), Some(extra.clone()));
        // A port equal to the scheme's default is left out and comes back as that default.
        prop_assert_eq!(cracked.port, port);
        let url_text = String::from_utf16_lossy(&url);
        let once = internet_canonicalize_url(&url_text, 0).expect("canonicalises");
        let twice = internet_canonicalize_url(&once, 0).expect("canonicalises");
        prop_assert_eq!(once, twice);
    }

    /// RFC 1123 formatting then lenient parsing is the identity for valid times.
    #[test]
    fn date_format_parse_round_trip(year in 1970u16..2100, month in 1u16..=12, day in 1u16..=28, hour in 0u16..24, minute in 0u16..60, second in 0u16..60) {
        let time = SystemTime::new(year, month, day_of_week(year, month, day), day, hour, minute, second, 0);
        let text = format_rfc1123(&time).expect("valid fields");
        prop_assert_eq!(parse_http_date(&text), Some(time));
    }

    /// A size probe asks for exactly the bytes the successful call then uses plus the NUL, and
    /// every index below the count answers while the count itself is 12150.
    #[test]
    fn query_sizing_and_index_iteration(values in prop::collection::vec("[ -~&&[^\\r\\n]]{0,20}", 1..6)) {
        let mut head = String::from("HTTP/1.1 200 OK\r\n");
        for v in &values {
            head.push_str(&format!("X-Test: {v}\r\n"));
        }
        head.push_str("\r\n");
        let response = HeaderStore::parse_response_head(&head).expect("valid head");
        let request = HeaderStore::request("GET", "/", "HTTP/1.1");
        for level in [wh::WINHTTP_QUERY_RAW_HEADERS_CRLF, wh::WINHTTP_QUERY_RAW_HEADERS] {
            let probe = QueryRequest { api: Api::WinHttp, info_level: level, name: None, buffer: OutBuffer::probe(0), index: None };
            let Err(QueryError::InsufficientBuffer { required_bytes }) = query_headers(&request, Some(&response), "GET", &probe) else {
                panic!("a probe must report the size");
            };
            let fill = QueryRequest { buffer: OutBuffer::bytes(required_bytes), ..probe };
            let answer = query_headers(&request, Some(&response), "GET", &fill).expect("fits exactly");
            prop_assert_eq!(answer.bytes + 2, required_bytes);
        }
        for (i, v) in values.iter().enumerate() {
            let q = QueryRequest {
                api: Api::WinHttp,
                info_level: wh::WINHTTP_QUERY_CUSTOM,
                name: Some("x-test"),
                buffer: OutBuffer::bytes(1024),
                index: Some(i as u32),
            };
            let answer = query_headers(&request, Some(&response), "GET", &q).expect("present");
            prop_assert_eq!(answer.value, QueryValue::Text(v.trim().encode_utf16().collect()));
            prop_assert_eq!(answer.next_index, Some(i as u32 + 1));
        }
        let past = QueryRequest {
            api: Api::WinHttp,
            info_level: wh::WINHTTP_QUERY_CUSTOM,
            name: Some("X-Test"),
            buffer: OutBuffer::bytes(1024),
            index: Some(values.len() as u32),
        };
        prop_assert_eq!(query_headers(&request, Some(&response), "GET", &past), Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)));
    }
}
