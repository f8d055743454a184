//! The hostile-server catalogue: every malformed, truncated, reset or stalling reply gets the
//! exact WinHTTP error code, and nothing panics.

mod support;

use std::time::{Duration, Instant};

use hinternet_net::http::conn::{connect_tcp, resolve};
use hinternet_net::http::pool::{Pool, PoolKey};
use hinternet_net::http::request::{RequestHead, UploadFraming};
use hinternet_net::http::Exchange;
use hinternet_testservers::http as routes;
use hinternet_testservers::script::{self, Step};
use support::wire::*;
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_CANNOT_CONNECT, ERROR_WINHTTP_CONNECTION_ERROR,
    ERROR_WINHTTP_INVALID_SERVER_RESPONSE, ERROR_WINHTTP_TIMEOUT,
};

const SHORT: Option<Duration> = Some(Duration::from_millis(400));
/// Longest a test waits for a script server to reach a step (a loaded machine can starve
/// the server thread for a while; the wait ends as soon as the step is done).
const SERVER_PROGRESS_LIMIT: Duration = Duration::from_secs(10);
/// Time for loopback to hand a segment the server already sent to the client's socket.
const LOOPBACK_GRACE: Duration = Duration::from_millis(20);

/// Serves `reply` to one request, then follows `after`; returns the fetch's error code.
async fn code_for(reply: &[u8], after: Step) -> u32 {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(reply.to_vec()),
        after,
    ]]);
    fetch_error(server.handle.addr(), "/").await.code()
}

#[tokio::test]
async fn no_status_line() {
    assert_eq!(
        code_for(b"hello there\r\n\r\n", Step::Hang).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
    assert_eq!(
        code_for(b"<html>body only</html>", Step::Close).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
}

#[tokio::test]
async fn empty_reply_and_truncated_head() {
    assert_eq!(
        code_for(b"", Step::Close).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
    assert_eq!(
        code_for(b"HTTP/1.1 200 OK\r\nContent-", Step::Close).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
}

#[tokio::test]
async fn garbage_status() {
    for reply in [
        &b"HTTP/1.1 2x0 OK\r\n\r\n"[..],
        b"HTTP/9.9 200 OK\r\n\r\n",
        b"HTTP/1.1 20 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\x00\x01\r\n\r\n",
    ] {
        assert_eq!(
            code_for(reply, Step::Hang).await,
            ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            "{reply:?}"
        );
    }
}

#[tokio::test]
async fn bad_and_overflowing_chunk_sizes() {
    for chunks in [
        &b"xyz\r\nabc\r\n0\r\n\r\n"[..],
        b"FFFFFFFFFFFFFFFFFFFF\r\nabc",
        b"-1\r\n",
        b"3\r\nabcd\r\n0\r\n\r\n",
    ] {
        let mut reply = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        reply.extend_from_slice(chunks);
        assert_eq!(
            code_for(&reply, Step::Hang).await,
            ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            "{chunks:?}"
        );
    }
}

#[tokio::test]
async fn one_megabyte_of_headers() {
    let mut reply = b"HTTP/1.1 200 OK\r\n".to_vec();
    while reply.len() < 1 << 20 {
        reply.extend_from_slice(
            b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        );
    }
    reply.extend_from_slice(b"\r\n");
    assert_eq!(
        code_for(&reply, Step::Hang).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
}

#[tokio::test]
async fn header_line_without_colon() {
    let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nThis line has no colon\r\n\r\nok";
    assert_eq!(
        code_for(reply, Step::Hang).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
}

#[tokio::test]
async fn conflicting_content_length() {
    let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!";
    assert_eq!(
        code_for(reply, Step::Hang).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
}

#[tokio::test]
async fn endless_interim_responses() {
    let reply = b"HTTP/1.1 103 Early Hints\r\n\r\n".repeat(40);
    assert_eq!(
        code_for(&reply, Step::Hang).await,
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE
    );
}

#[tokio::test]
async fn reset_mid_headers() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nX-Half: ".to_vec()),
        Step::Sleep(Duration::from_millis(50)),
        Step::Reset,
    ]]);
    assert_eq!(
        fetch_error(server.handle.addr(), "/").await.code(),
        ERROR_WINHTTP_CONNECTION_ERROR
    );
}

#[tokio::test]
async fn reset_mid_body() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..".to_vec()),
        Step::Sleep(Duration::from_millis(100)),
        Step::Reset,
    ]]);
    let addr = server.handle.addr();
    let mut exchange = send(open(addr).await.expect("connect"), "GET", "/", addr)
        .await
        .expect("send");
    assert_eq!(
        exchange
            .read_head()
            .await
            .expect("head arrives before the reset")
            .status,
        200
    );
    let err = read_all(&mut exchange, 64).await.expect_err("reset");
    assert_eq!(err.code(), ERROR_WINHTTP_CONNECTION_ERROR);
    assert!(!exchange.is_reusable());
}

#[tokio::test]
async fn early_close_on_keep_alive_truncates_the_body() {
    for reply in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten.."[..],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ] {
        assert_eq!(
            code_for(reply, Step::Close).await,
            ERROR_WINHTTP_CONNECTION_ERROR,
            "{reply:?}"
        );
    }
}

#[tokio::test]
async fn early_close_of_a_pooled_connection_is_detected_at_checkout() {
    // The server promises keep-alive, then closes after the first response.
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()),
        Step::Sleep(Duration::from_millis(20)),
        Step::Close,
    ]]);
    let addr = server.handle.addr();
    let pool = Pool::new();
    let key = PoolKey::new(false, "127.0.0.1", addr.port(), None);
    let (_, body, exchange) = fetch(addr, "GET", "/").await.expect("first");
    assert_eq!(body, b"ok");
    pool.checkin(
        key.clone(),
        exchange.into_reusable().expect("looks reusable"),
        Instant::now(),
    );
    // ReadHead, Write, Sleep, Close: wait until the server has sent its FIN (bounded).
    assert!(
        server.wait_for_steps(0, 4, SERVER_PROGRESS_LIMIT),
        "server closed"
    );
    tokio::time::sleep(LOOPBACK_GRACE).await;
    assert!(
        pool.checkout(&key, Instant::now()).is_none(),
        "the closed connection is discarded"
    );
}

#[tokio::test]
async fn garbage_after_a_pooled_response_is_detected_at_checkout() {
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()),
        Step::Sleep(Duration::from_millis(20)),
        Step::Write(b"unsolicited".to_vec()),
        Step::Hang,
    ]]);
    let addr = server.handle.addr();
    let pool = Pool::new();
    let key = PoolKey::new(false, "127.0.0.1", addr.port(), None);
    let (_, _, exchange) = fetch(addr, "GET", "/").await.expect("first");
    pool.checkin(
        key.clone(),
        exchange.into_reusable().expect("looks reusable"),
        Instant::now(),
    );
    // ReadHead, Write, Sleep, Write: wait until the unsolicited bytes are sent (bounded).
    assert!(
        server.wait_for_steps(0, 4, SERVER_PROGRESS_LIMIT),
        "server wrote"
    );
    tokio::time::sleep(LOOPBACK_GRACE).await;
    assert!(
        pool.checkout(&key, Instant::now()).is_none(),
        "unexpected bytes: discarded"
    );
}

#[tokio::test]
async fn slowloris_head_is_bounded_by_the_receive_timeout() {
    let head = b"HTTP/1.1 200 OK\r\nX-Slow: the server sends one byte every 100 ms forever and ever\r\n\r\n";
    // About 9 s to send the whole head; the 400 ms timeout must cut it off long before.
    let server = script::start(vec![vec![
        Step::ReadHead,
        Step::Trickle(head.to_vec(), Duration::from_millis(100)),
    ]]);
    let addr = server.handle.addr();
    let mut conn = open(addr).await.expect("connect");
    conn.set_timeouts(LIMIT, SHORT);
    let mut exchange = send(conn, "GET", "/", addr).await.expect("send");
    let started = Instant::now();
    let err = exchange.read_head().await.expect_err("too slow");
    assert_eq!(err.code(), ERROR_WINHTTP_TIMEOUT);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "bounded by the timeout, not the trickle"
    );
}

#[tokio::test]
async fn silent_server_times_out() {
    let server = routes::start();
    let addr = server.addr();
    let mut conn = open(addr).await.expect("connect");
    conn.set_timeouts(LIMIT, SHORT);
    let mut exchange = send(conn, "GET", "/silent", addr).await.expect("send");
    assert_eq!(
        exchange.read_head().await.expect_err("silent").code(),
        ERROR_WINHTTP_TIMEOUT
    );

    let mut conn = open(addr).await.expect("connect");
    conn.set_timeouts(LIMIT, SHORT);
    let mut exchange = send(conn, "GET", "/slow-body?ms=5000", addr)
        .await
        .expect("send");
    assert_eq!(
        exchange
            .read_head()
            .await
            .expect("head comes at once")
            .status,
        200
    );
    let mut buf = [0u8; 16];
    assert_eq!(
        exchange.read_body(&mut buf).await.expect_err("slow").code(),
        ERROR_WINHTTP_TIMEOUT
    );
    assert_eq!(
        exchange
            .query_data_available()
            .await
            .expect_err("slow")
            .code(),
        ERROR_WINHTTP_TIMEOUT
    );
    assert!(!exchange.is_reusable());
}

#[tokio::test]
async fn send_timeout_when_the_server_never_reads() {
    let server = script::start(vec![vec![Step::Hang]]);
    let addr = server.handle.addr();
    let host = host(addr);
    let mut conn = open(addr).await.expect("connect");
    conn.set_timeouts(SHORT, SHORT);
    let mut exchange = Exchange::new(conn, "POST");
    let size = 256 << 20;
    let head = RequestHead {
        method: "POST",
        target: "/",
        host: &host,
        headers: &[],
        framing: UploadFraming::ContentLength(size),
    };
    exchange
        .send_head(&head)
        .await
        .expect("head fits in the socket buffer");
    let block = vec![0u8; 1 << 20];
    let mut code = 0;
    for _ in 0..256 {
        if let Err(err) = exchange.write_body(&block).await {
            code = err.code();
            break;
        }
    }
    assert_eq!(code, ERROR_WINHTTP_TIMEOUT);
}

#[tokio::test]
async fn refused_connection_cannot_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let addrs = resolve("127.0.0.1", port, LIMIT)
        .await
        .expect("literal resolves");
    let err = connect_tcp(&addrs, LIMIT).await.expect_err("refused");
    assert_eq!(err.code(), ERROR_WINHTTP_CANNOT_CONNECT);
}
