//! A small forwarding HTTP proxy for tests: absolute-form requests (`GET http://…`) and
//! `CONNECT` tunnels, to servers on 127.0.0.1 only.
//!
//! Every request head the proxy receives is recorded ([`ProxyServer::heads`]) so a test can
//! prove its request went through the proxy and see exactly what the client sent to it.
//! With [`ProxyServer::start_with_basic`], a request without the expected
//! `Proxy-Authorization` is answered `407` with `Proxy-Authenticate: Basic realm="proxy"`
//! (the connection stays open for the next request).
//!
//! Rules and bounds: a target whose host is not `127.0.0.1` or `localhost` gets `403`; a
//! head is at most 64 KiB and must arrive within 10 s; a forwarded request is sent with
//! `Connection: close` and the answer relayed until the server closes (then the client's
//! connection is closed too); a tunnel lives at most 30 s.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{spawn_server, ServerHandle};

const MAX_HEAD: usize = 64 * 1024;
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const TUNNEL_LIFETIME: Duration = Duration::from_secs(30);
/// The most requests one client connection may send (a bound on the per-connection loop).
const MAX_REQUESTS_PER_CONNECTION: usize = 1000;

/// A running proxy.
#[derive(Debug)]
pub struct ProxyServer {
    /// The server handle (address, accepted count; drop to stop).
    pub handle: ServerHandle,
    heads: Arc<Mutex<Vec<String>>>,
}

impl ProxyServer {
    /// A proxy that forwards everything (no authentication).
    pub fn start() -> Self {
        Self::start_inner(None)
    }

    /// A proxy that wants `Proxy-Authorization: Basic base64(user:password)`; `expected` is
    /// the whole header value.
    pub fn start_with_basic(expected: &str) -> Self {
        Self::start_inner(Some(expected.to_owned()))
    }

    fn start_inner(expected: Option<String>) -> Self {
        let heads = Arc::new(Mutex::new(Vec::new()));
        let log = heads.clone();
        let expected = Arc::new(expected);
        let handle = spawn_server(
            "proxy",
            Arc::new(move |stream, _index, _shutdown| {
                let log = log.clone();
                let expected = expected.clone();
                Box::pin(async move { serve(stream, log, expected).await })
            }),
        );
        ProxyServer { handle, heads }
    }

    /// Every request head received so far, in order (text up to, without, the blank line).
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// How many request heads the proxy received.
    pub fn requests(&self) -> usize {
        self.heads.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Reads one request head (and keeps any bytes after it in `buffer`). `None`: closed,
/// too long, too slow.
async fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<String> {
    let read = async {
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                buffer.drain(..end + 4);
                return Some(head);
            }
            if buffer.len() > MAX_HEAD {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(HEAD_TIMEOUT, read)
        .await
        .ok()
        .flatten()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// `host:port` → the port when the host is loopback.
fn loopback_port(authority: &str) -> Option<u16> {
    let (host, port) = authority.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host != "127.0.0.1" && !host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    port.parse().ok()
}

async fn reply(stream: &mut TcpStream, status: &str, extra: &str) -> bool {
    let text = format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\n\r\n");
    stream.write_all(text.as_bytes()).await.is_ok()
}

async fn serve(mut client: TcpStream, log: Arc<Mutex<Vec<String>>>, expected: Arc<Option<String>>) {
    let mut buffer = Vec::new();
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let Some(head) = read_head(&mut client, &mut buffer).await else {
            return;
        };
        log.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(head.clone());
        let mut parts = head.split("\r\n").next().unwrap_or("").split(' ');
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if let Some(expected) = expected.as_deref() {
            if header(&head, "Proxy-Authorization") != Some(expected) {
                let challenge = "Proxy-Authenticate: Basic realm=\"proxy\"\r\n";
                if !reply(&mut client, "407 Proxy Authentication Required", challenge).await {
                    return;
                }
                continue;
            }
        }
        if method.eq_ignore_ascii_case("CONNECT") {
            tunnel(client, target).await;
            return;
        }
        forward(client, &head, method, target, buffer).await;
        return;
    }
}

async fn tunnel(mut client: TcpStream, authority: &str) {
    let Some(port) = loopback_port(authority) else {
        reply(&mut client, "403 Forbidden", "").await;
        return;
    };
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", port)).await else {
        reply(&mut client, "502 Bad Gateway", "").await;
        return;
    };
    let established = b"HTTP/1.1 200 Connection established\r\n\r\n";
    if client.write_all(established).await.is_err() {
        return;
    }
    let pipe = tokio::io::copy_bidirectional(&mut client, &mut server);
    let _ = tokio::time::timeout(TUNNEL_LIFETIME, pipe).await;
}

async fn forward(mut client: TcpStream, head: &str, method: &str, target: &str, rest: Vec<u8>) {
    let Some(after_scheme) = target.strip_prefix("http://") else {
        reply(&mut client, "400 Bad Request", "").await;
        return;
    };
    let (authority, path) = match after_scheme.find('/') {
        Some(i) => after_scheme.split_at(i),
        None => (after_scheme, "/"),
    };
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let Some(port) = loopback_port(&authority) else {
        reply(&mut client, "403 Forbidden", "").await;
        return;
    };
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", port)).await else {
        reply(&mut client, "502 Bad Gateway", "").await;
        return;
    };
    let version = head.split("\r\n").next().and_then(|l| l.rsplit(' ').next());
    let mut out = format!("{method} {path} {}\r\n", version.unwrap_or("HTTP/1.1"));
    for line in head.split("\r\n").skip(1) {
        let name = line.split(':').next().unwrap_or("").trim();
        let hop = [
            "Connection",
            "Proxy-Connection",
            "Proxy-Authorization",
            "Keep-Alive",
        ];
        if !hop.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    let length: usize = header(head, "Content-Length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(16 << 20);
    let mut body = rest;
    let relay = async {
        while body.len() < length {
            let mut chunk = [0u8; 8192];
            match client.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
            }
        }
        body.truncate(length);
        if server.write_all(out.as_bytes()).await.is_err() || server.write_all(&body).await.is_err()
        {
            return;
        }
        let _ = tokio::io::copy(&mut server, &mut client).await;
        let _ = client.shutdown().await;
    };
    let _ = tokio::time::timeout(TUNNEL_LIFETIME, relay).await;
}
