//! Exchanges against the hyper loopback server and byte-exact scripted servers.

mod support;

use std::time::{Duration, Instant};

use hinternet_net::http::body::BodyFraming;
use hinternet_net::http::exchange::ContinueOutcome;
use hinternet_net::http::pool::{Pool, PoolKey};
use hinternet_net::http::request::{RequestHead, UploadFraming};
use hinternet_net::http::response::HttpVersion;
use hinternet_net::http::Exchange;
use hinternet_testservers::http::{self as routes, FIXED_BODY, LARGE_BODY_LEN};
use hinternet_testservers::script::{self, Step};
use support::wire::*;

#[tokio::test]
async fn get_fixed_body_with_content_length() {
    let server = routes::start();
    let (status, body, exchange) = fetch(server.addr(), "GET", "/fixed").await.expect("fetch");
    assert_eq!(status, 200);
    assert_eq!(body, FIXED_BODY);
    assert_eq!(
        exchange.body_framing(),
        Some(BodyFraming::Length(FIXED_BODY.len() as u64))
    );
    let head = exchange.head().expect("head");
    assert_eq!(head.version, HttpVersion::Http11);
    assert_eq!(head.status_line, "HTTP/1.1 200 OK");
    assert_eq!(head.header("content-length"), Some("12"));
    assert!(exchange.is_reusable());
}

#[tokio::test]
async fn get_chunked_body() {
    let server = routes::start();
    let (status, body, exchange) = fetch(server.addr(), "GET", "/chunked")
        .await
        .expect("fetch");
    assert_eq!(status, 200);
    assert_eq!(body, b"hello, world");
    assert_eq!(exchange.body_framing(), Some(BodyFraming::Chunked));
    assert!(exchange.is_reusable());
}

#[tokio::test]
async fn get_close_delimited_body_is_not_reusable() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nX-Kind: close-delimited\r\n\r\nuntil the end".to_vec()),
        Step::Close,
    ]]);
    let (status, body, exchange) = fetch(server.handle.addr(), "GET", "/")
        .await
        .expect("fetch");
    assert_eq!(status, 200);
    assert_eq!(body, b"until the end");
    assert_eq!(exchange.body_framing(), Some(BodyFraming::CloseDelimited));
    assert!(!exchange.is_reusable());
}

#[tokio::test]
async fn head_204_and_304_have_no_body() {
    let server = routes::start();
    let (status, body, exchange) = fetch(server.addr(), "HEAD", "/fixed").await.expect("HEAD");
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(
        exchange.head().and_then(|h| h.header("content-length")),
        Some("12")
    );
    assert!(exchange.is_reusable(), "HEAD leaves the connection clean");
    for code in [204u16, 304] {
        let (status, body, exchange) = fetch(server.addr(), "GET", &format!("/status?code={code}"))
            .await
            .expect("status");
        assert_eq!((status, body.len()), (code, 0));
        assert_eq!(exchange.body_framing(), Some(BodyFraming::Empty));
    }
}

#[tokio::test]
async fn large_body_reads_never_exceed_the_buffer() {
    let server = routes::start();
    let conn = open(server.addr()).await.expect("connect");
    let mut exchange = send(conn, "GET", "/large", server.addr())
        .await
        .expect("send");
    assert_eq!(exchange.read_head().await.expect("head").status, 200);
    let available = exchange.query_data_available().await.expect("available");
    assert!(available > 0 && available <= LARGE_BODY_LEN as u64);
    let body = read_all(&mut exchange, 1000).await.expect("body");
    assert_eq!(body.len(), LARGE_BODY_LEN);
    assert!(body
        .iter()
        .enumerate()
        .all(|(i, &b)| b == routes::large_body_byte(i)));
    assert_eq!(exchange.query_data_available().await.expect("end"), 0);
}

#[tokio::test]
async fn query_data_available_reports_buffered_body() {
    let server = routes::start();
    let conn = open(server.addr()).await.expect("connect");
    let mut exchange = send(conn, "GET", "/fixed", server.addr())
        .await
        .expect("send");
    assert_eq!(
        exchange.query_data_available().await.expect("available"),
        12
    );
    let mut five = [0u8; 5];
    assert_eq!(exchange.read_body(&mut five).await.expect("read"), 5);
    assert_eq!(&five, b"hello");
    assert_eq!(exchange.query_data_available().await.expect("available"), 7);
}

#[tokio::test]
async fn post_with_content_length_and_chunked_upload() {
    let server = routes::start();
    let addr = server.addr();
    let host = host(addr);
    let conn = open(addr).await.expect("connect");
    let mut exchange = Exchange::new(conn, "POST");
    let head = RequestHead {
        method: "POST",
        target: "/echo",
        host: &host,
        headers: &[],
        framing: UploadFraming::ContentLength(11),
    };
    exchange.send_head(&head).await.expect("head");
    exchange.write_body(b"hello").await.expect("part 1");
    exchange.write_body(b" world").await.expect("part 2");
    exchange.finish_body().await.expect("finish");
    let response = exchange.read_head().await.expect("response").clone();
    assert_eq!(response.header("x-echo-method"), Some("POST"));
    assert_eq!(response.header("x-echo-content-length"), Some("11"));
    assert_eq!(
        read_all(&mut exchange, 64).await.expect("body"),
        b"hello world"
    );
    assert!(exchange.is_reusable());

    let conn = open(addr).await.expect("connect");
    let mut exchange = Exchange::new(conn, "PUT");
    let head = RequestHead {
        framing: UploadFraming::Chunked,
        method: "PUT",
        ..head
    };
    exchange.send_head(&head).await.expect("head");
    for part in [&b"chunk one, "[..], b"", b"chunk two"] {
        exchange.write_body(part).await.expect("chunk");
    }
    exchange.finish_body().await.expect("finish");
    let response = exchange.read_head().await.expect("response").clone();
    assert_eq!(response.header("x-echo-method"), Some("PUT"));
    assert_eq!(response.header("x-echo-transfer-encoding"), Some("chunked"));
    assert_eq!(
        read_all(&mut exchange, 7).await.expect("body"),
        b"chunk one, chunk two"
    );
}

#[tokio::test]
async fn request_bytes_are_exact_on_the_wire() {
    let server = script::start(vec![vec![
        Step::ReadUntil(b"0\r\n\r\n".to_vec()),
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()),
        Step::Hang,
    ]]);
    let addr = server.handle.addr();
    let host = host(addr);
    let headers = vec![
        ("X-Order".to_string(), "1".to_string()),
        ("accept".to_string(), "*/*".to_string()),
    ];
    let mut exchange = Exchange::new(open(addr).await.expect("connect"), "POST");
    let head = RequestHead {
        method: "POST",
        target: "/up",
        host: &host,
        headers: &headers,
        framing: UploadFraming::Chunked,
    };
    let sent = exchange.send_head(&head).await.expect("head");
    exchange.write_body(b"abc").await.expect("chunk");
    exchange.finish_body().await.expect("finish");
    assert_eq!(exchange.read_head().await.expect("response").status, 200);
    let expected = format!(
        "POST /up HTTP/1.1\r\nX-Order: 1\r\naccept: */*\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&server.received(0)), expected);
    assert_eq!(sent, expected.find("\r\n\r\n").expect("head end") + 4);
}

#[tokio::test]
async fn expect_continue_then_interim_skipped() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 100 Continue\r\n\r\n".to_vec()),
        Step::ReadUntil(b"data".to_vec()),
        Step::Write(
            b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
                .to_vec(),
        ),
        Step::Hang,
    ]]);
    let addr = server.handle.addr();
    let host = host(addr);
    let headers = vec![("Expect".to_string(), "100-continue".to_string())];
    let mut exchange = Exchange::new(open(addr).await.expect("connect"), "PUT");
    let head = RequestHead {
        method: "PUT",
        target: "/",
        host: &host,
        headers: &headers,
        framing: UploadFraming::ContentLength(4),
    };
    exchange.send_head(&head).await.expect("head");
    assert_eq!(
        exchange
            .await_continue(Duration::from_secs(5))
            .await
            .expect("continue"),
        ContinueOutcome::Continue
    );
    exchange.write_body(b"data").await.expect("body");
    assert_eq!(exchange.read_head().await.expect("final").status, 201);
    assert_eq!(read_all(&mut exchange, 16).await.expect("body"), b"ok");
    assert!(exchange.is_reusable());
}

#[tokio::test]
async fn await_continue_without_reply_times_out_softly() {
    let server = script::start(vec![vec![Step::ReadHead, Step::Hang]]);
    let addr = server.handle.addr();
    let mut exchange = send(open(addr).await.expect("connect"), "GET", "/", addr)
        .await
        .expect("send");
    let outcome = exchange
        .await_continue(Duration::from_millis(100))
        .await
        .expect("no error");
    assert_eq!(outcome, ContinueOutcome::NoReply);
}

#[tokio::test]
async fn keep_alive_connection_is_reused_from_the_pool() {
    let server = routes::start();
    let addr = server.addr();
    let pool = Pool::new();
    let key = PoolKey::new(false, "127.0.0.1", addr.port(), None);
    let now = Instant::now();
    let (_, _, first) = fetch(addr, "GET", "/fixed").await.expect("first");
    assert!(!first.connection().was_reused());
    pool.checkin(key.clone(), first.into_reusable().expect("reusable"), now);
    assert_eq!(pool.idle_count(&key), 1);
    let conn = pool.checkout(&key, now).expect("pooled connection");
    assert!(conn.was_reused());
    let mut second = send(conn, "GET", "/chunked", addr).await.expect("send");
    assert_eq!(second.read_head().await.expect("head").status, 200);
    assert_eq!(
        read_all(&mut second, 64).await.expect("body"),
        b"hello, world"
    );
    assert_eq!(
        server.accepted(),
        1,
        "the second request used the first connection"
    );
    pool.checkin(key.clone(), second.into_reusable().expect("reusable"), now);
    assert!(
        pool.checkout(&key, now + Duration::from_secs(31)).is_none(),
        "expired after 30 s"
    );
    assert_eq!(pool.idle_count(&key), 0);
}

#[tokio::test]
async fn pool_is_lifo_keyed_and_drops_dead_connections() {
    let server = routes::start();
    let addr = server.addr();
    let pool = Pool::new();
    let key = PoolKey::new(false, "127.0.0.1", addr.port(), None);
    let now = Instant::now();
    let a = open(addr).await.expect("a");
    let b = open(addr).await.expect("b");
    let (a_local, b_local) = (a.local_addr(), b.local_addr());
    assert_ne!(a_local, b_local);
    pool.checkin(key.clone(), a, now);
    pool.checkin(key.clone(), b, now);
    let other = PoolKey::new(true, "127.0.0.1", addr.port(), None);
    assert!(
        pool.checkout(&other, now).is_none(),
        "a secure key is a different pool"
    );
    let got = pool.checkout(&key, now).expect("last in");
    assert_eq!(got.local_addr(), b_local, "last in, first out");
    assert_eq!(pool.idle_count(&key), 1);
    drop(got);
    // Stop the server: the idle connection's peer closes, so checkout must discard it.
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        pool.checkout(&key, now).is_none(),
        "a closed peer is not handed out"
    );
    assert_eq!(pool.idle_count(&key), 0);
    assert!(a_local.is_some());
}

#[tokio::test]
async fn no_reuse_after_connection_close_or_http10() {
    let server = routes::start();
    let (status, body, exchange) = fetch(server.addr(), "GET", "/close").await.expect("close");
    assert_eq!((status, body.as_slice()), (200, &b"closing"[..]));
    assert!(!exchange.is_reusable());
    assert!(exchange.into_reusable().is_none());

    let script = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()),
        Step::Hang,
    ]]);
    let (status, _, exchange) = fetch(script.handle.addr(), "GET", "/").await.expect("1.0");
    assert_eq!(status, 200);
    assert_eq!(
        exchange.head().map(|h| h.version),
        Some(HttpVersion::Http10)
    );
    assert!(!exchange.is_reusable());

    let keep = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        ),
        Step::Hang,
    ]]);
    let (_, _, exchange) = fetch(keep.handle.addr(), "GET", "/")
        .await
        .expect("1.0 keep-alive");
    assert!(
        exchange.is_reusable(),
        "HTTP/1.0 with keep-alive may be reused"
    );
}

#[tokio::test]
async fn redirect_response_is_drained_for_reuse() {
    let server = routes::start();
    let addr = server.addr();
    let conn = open(addr).await.expect("connect");
    let mut exchange = send(conn, "GET", "/redirect?code=307&to=/fixed", addr)
        .await
        .expect("send");
    let head = exchange.read_head().await.expect("head").clone();
    assert_eq!(head.status, 307);
    assert_eq!(head.header("location"), Some("/fixed"));
    exchange.drain(1 << 20).await.expect("drain");
    let conn = exchange
        .into_reusable()
        .expect("drained connection is reusable");
    let mut next = send(conn, "GET", "/fixed", addr).await.expect("send");
    assert_eq!(read_all(&mut next, 64).await.expect("body"), FIXED_BODY);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn basic_auth_challenge_then_success() {
    let server = routes::start();
    let addr = server.addr();
    let (status, _, exchange) = fetch(addr, "GET", "/auth").await.expect("challenge");
    assert_eq!(status, 401);
    assert_eq!(
        exchange.head().and_then(|h| h.header("www-authenticate")),
        Some("Basic realm=\"hinternet\"")
    );
    let credentials = routes::base64(b"user:secret");
    let headers = vec![("Authorization".to_string(), format!("Basic {credentials}"))];
    let conn = open(addr).await.expect("connect");
    let mut exchange = send_with(conn, "GET", "/auth", addr, &headers)
        .await
        .expect("send");
    assert_eq!(exchange.read_head().await.expect("head").status, 200);
    assert_eq!(read_all(&mut exchange, 64).await.expect("body"), b"welcome");
}

#[tokio::test]
async fn websocket_upgrade_hands_over_the_connection() {
    let server = routes::start();
    let addr = server.addr();
    let headers = vec![
        ("Upgrade".to_string(), "websocket".to_string()),
        ("Connection".to_string(), "Upgrade".to_string()),
        (
            "Sec-WebSocket-Key".to_string(),
            "dGhlIHNhbXBsZSBub25jZQ==".to_string(),
        ),
        ("Sec-WebSocket-Version".to_string(), "13".to_string()),
    ];
    let conn = open(addr).await.expect("connect");
    let mut exchange = send_with(conn, "GET", "/upgrade", addr, &headers)
        .await
        .expect("send");
    let head = exchange.read_head().await.expect("head").clone();
    assert_eq!(head.status, 101);
    assert_eq!(
        head.header("sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
    assert!(!exchange.is_reusable());
    let mut conn = exchange.into_connection();
    // A masked text frame "hi": FIN+text, mask bit + length 2, key, masked payload.
    let key = [1u8, 2, 3, 4];
    let frame = [
        0x81,
        0x82,
        key[0],
        key[1],
        key[2],
        key[3],
        b'h' ^ key[0],
        b'i' ^ key[1],
    ];
    conn.write_all(&frame).await.expect("send frame");
    for _ in 0..100 {
        if conn.buffered().len() >= 4 {
            break;
        }
        assert!(conn.fill().await.expect("echo") > 0, "server closed early");
    }
    assert_eq!(&conn.take_read_ahead()[..], &[0x81, 0x02, b'h', b'i']);
}

#[tokio::test]
async fn http10_response_from_hyper_is_not_reused() {
    let server = routes::start();
    let (status, body, exchange) = fetch(server.addr(), "GET", "/http10").await.expect("fetch");
    assert_eq!((status, body.as_slice()), (200, &b"old school"[..]));
    let head = exchange.head().expect("head");
    assert_eq!(head.version, HttpVersion::Http10);
    assert!(head.status_line.starts_with("HTTP/1.0 200"));
    assert!(!exchange.is_reusable());
}

#[tokio::test]
async fn uploads_beyond_their_framing_are_refused_before_the_wire() {
    let server = script::start(vec![vec![Step::ReadUntil(b"abc".to_vec()), Step::Hang]]);
    let addr = server.handle.addr();
    let host = host(addr);
    let mut exchange = Exchange::new(open(addr).await.expect("connect"), "POST");
    assert_eq!(
        exchange
            .write_body(b"early")
            .await
            .expect_err("no head")
            .code(),
        87
    );
    let head = RequestHead {
        method: "POST",
        target: "/",
        host: &host,
        headers: &[],
        framing: UploadFraming::ContentLength(3),
    };
    exchange.send_head(&head).await.expect("head");
    assert_eq!(
        exchange
            .write_body(b"abcd")
            .await
            .expect_err("too long")
            .code(),
        87
    );
    assert_eq!(exchange.write_body(b"abc").await.expect("fits"), 3);
    assert_eq!(
        exchange.write_body(b"x").await.expect_err("beyond").code(),
        87
    );
    // The server's one read step ends once it has seen "abc" (bounded wait, no sleep).
    assert!(
        server.wait_for_steps(0, 1, Duration::from_secs(10)),
        "the server read the body: {:?}",
        String::from_utf8_lossy(&server.received(0))
    );
    let received = String::from_utf8_lossy(&server.received(0)).into_owned();
    assert!(
        received.ends_with("\r\n\r\nabc"),
        "only the declared bytes went out: {received:?}"
    );

    let mut exchange = Exchange::new(open(addr).await.expect("connect"), "GET");
    let head = RequestHead {
        method: "GET",
        framing: UploadFraming::None,
        ..head
    };
    exchange.send_head(&head).await.expect("head");
    assert_eq!(
        exchange
            .write_body(b"data")
            .await
            .expect_err("no body")
            .code(),
        87
    );

    let mut exchange = Exchange::new(open(addr).await.expect("connect"), "PUT");
    let head = RequestHead {
        method: "PUT",
        framing: UploadFraming::Chunked,
        ..head
    };
    exchange.send_head(&head).await.expect("head");
    exchange.write_body(b"one").await.expect("chunk");
    exchange.finish_body().await.expect("finish");
    assert_eq!(
        exchange
            .write_body(b"late")
            .await
            .expect_err("finished")
            .code(),
        87
    );
}

#[tokio::test]
async fn nothing_received_tells_a_stale_connection_from_a_bad_reply() {
    let server = script::start(vec![
        vec![Step::ReadHead, Step::Close],
        vec![
            Step::ReadHead,
            Step::Write(b"HTTP/1.1 2".to_vec()),
            Step::Close,
        ],
    ]);
    let addr = server.handle.addr();
    for expect_nothing in [true, false] {
        let mut exchange = send(open(addr).await.expect("connect"), "GET", "/", addr)
            .await
            .expect("send");
        assert_eq!(
            exchange.read_head().await.expect_err("closed").code(),
            12152
        );
        assert_eq!(exchange.nothing_received(), expect_nothing);
    }
}
