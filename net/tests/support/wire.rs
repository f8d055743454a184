//! Helpers of the wire-layer tests: open a connection to a loopback server and run one
//! exchange to the end; the executor tests' runtime and session state.

use std::net::SocketAddr;
use std::time::Duration;

use hinternet_net::executor::state::Timeouts;
use hinternet_net::http::conn::{connect_tcp, resolve, start_tls, Connection};
use hinternet_net::http::request::{RequestHead, UploadFraming};
use hinternet_net::http::tls::{client_config, TlsSettings};
use hinternet_net::http::Exchange;
use hinternet_net::{NetError, NetResult};

pub const LIMIT: Option<Duration> = Some(Duration::from_secs(5));

pub async fn open(addr: SocketAddr) -> NetResult<Connection> {
    let addrs = resolve("127.0.0.1", addr.port(), LIMIT).await?;
    let mut conn = connect_tcp(&addrs, LIMIT).await?;
    conn.set_timeouts(LIMIT, LIMIT);
    Ok(conn)
}

pub async fn open_tls(
    addr: SocketAddr,
    settings: &TlsSettings,
    flags: u32,
) -> NetResult<Connection> {
    let conn = open(addr).await?;
    start_tls(conn, "127.0.0.1", client_config(settings, flags), LIMIT).await
}

pub fn host(addr: SocketAddr) -> String {
    format!("127.0.0.1:{}", addr.port())
}

/// Sends a bodiless request.
pub async fn send(
    conn: Connection,
    method: &str,
    target: &str,
    addr: SocketAddr,
) -> NetResult<Exchange> {
    send_with(conn, method, target, addr, &[]).await
}

pub async fn send_with(
    conn: Connection,
    method: &str,
    target: &str,
    addr: SocketAddr,
    headers: &[(String, String)],
) -> NetResult<Exchange> {
    let mut exchange = Exchange::new(conn, method);
    let host = host(addr);
    let head = RequestHead {
        method,
        target,
        host: &host,
        headers,
        framing: UploadFraming::None,
    };
    exchange.send_head(&head).await?;
    Ok(exchange)
}

/// Reads the whole body with `buf_len`-byte reads, checking no read exceeds its buffer.
pub async fn read_all(exchange: &mut Exchange, buf_len: usize) -> NetResult<Vec<u8>> {
    let mut body = Vec::new();
    let mut buf = vec![0u8; buf_len];
    for _ in 0..10_000_000 {
        let n = exchange.read_body(&mut buf).await?;
        assert!(n <= buf_len);
        if n == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&buf[..n]);
    }
    panic!("body did not end");
}

/// One GET (or other bodiless verb) on a fresh connection: status, body, and the exchange.
pub async fn fetch(
    addr: SocketAddr,
    method: &str,
    target: &str,
) -> NetResult<(u16, Vec<u8>, Exchange)> {
    let conn = open(addr).await?;
    let mut exchange = send(conn, method, target, addr).await?;
    let status = exchange.read_head().await?.status;
    let body = read_all(&mut exchange, 4096).await?;
    Ok((status, body, exchange))
}

/// The Windows code of a failed fetch (panics if it succeeded).
pub async fn fetch_error(addr: SocketAddr, target: &str) -> NetError {
    match fetch(addr, "GET", target).await {
        Ok((status, body, _)) => {
            panic!("expected an error, got {status} with {} bytes", body.len())
        }
        Err(err) => err,
    }
}

/// Runs `fut` to its end on a new current-thread tokio runtime (the executor tests drive
/// the async operations directly, without the engine).
pub fn block_on<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test runtime")
        .block_on(fut)
}

/// Every phase of an exchange limited to `limit`.
pub fn timeouts(limit: Duration) -> Timeouts {
    Timeouts {
        resolve: Some(limit),
        connect: Some(limit),
        send: Some(limit),
        receive: Some(limit),
        receive_response: Some(limit),
    }
}
