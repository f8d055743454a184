//! Reaching a server through a named HTTP proxy: the route, the request target of a plain
//! request, and the `CONNECT` tunnel of a secure one.
//!
//! This module owns the wire side of a proxy; which proxy a request uses (the proxy list,
//! the bypass list with `<local>`) is decided by [`crate::winhttp::proxy::choose_proxy`].
//!
//! * A plain (`http`) request goes to the proxy with an absolute-form request line
//!   (`GET http://host:port/path HTTP/1.1`) and the origin's `Host`; the headers are the
//!   request's own, `Connection: Keep-Alive` included (Wine's `send_request` adds no
//!   `Proxy-Connection`). The proxy's connection is pooled under its own key.
//! * A secure request first sends `CONNECT host:port HTTP/1.1` with `Host: host:port`, the
//!   session's `User-Agent` and any `Proxy-Authorization` to the proxy ([`open_tunnel`]); on
//!   a 2xx the TLS handshake runs inside the tunnel with the origin's name. Any other answer
//!   is handed back as a finished exchange so that the application sees the proxy's status
//!   (for a 407: `Proxy-Authenticate`, then `WinHttpSetCredentials` for the proxy).
//!
//! Invariant: no byte of the application's request reaches a proxy before its tunnel is
//! established; an established tunnel has nothing buffered (the server speaks first in TLS
//! only after the client hello).

use crate::error::{NetError, NetResult};
use crate::http::conn::Connection;
use crate::http::request::{RequestHead, UploadFraming};
use crate::http::Exchange;

/// The proxy a request goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy's host name or address.
    pub host: String,
    /// The proxy's port.
    pub port: u16,
}

impl ProxyRoute {
    /// `host:port`, the pool key's proxy part.
    pub fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// The absolute-form request target of a plain request sent to a proxy: `origin` is
/// `http://host[:port]` as the request's URL has it, `path` the origin-form target.
pub fn absolute_target(origin: &str, path: &str) -> String {
    format!("{origin}{path}")
}

/// What a proxy answered to `CONNECT`.
#[derive(Debug)]
pub enum TunnelReply {
    /// 2xx: the connection is now a byte pipe to the origin.
    Established(Box<Connection>),
    /// Anything else: the exchange holds the proxy's response head (its body unread).
    Refused(Box<Exchange>),
}

/// Sends `CONNECT authority HTTP/1.1` on `conn` (a fresh connection to the proxy) with
/// `headers` (`User-Agent`, `Proxy-Authorization`, …) and reads the proxy's answer under the
/// connection's receive timeout. A proxy that closes or answers garbage fails as any server
/// does (`ERROR_WINHTTP_INVALID_SERVER_RESPONSE`, `ERROR_WINHTTP_CONNECTION_ERROR`, 12002).
pub async fn open_tunnel(
    conn: Connection,
    authority: &str,
    headers: &[(String, String)],
) -> NetResult<TunnelReply> {
    let mut exchange = Exchange::new(conn, "CONNECT");
    let head = RequestHead {
        method: "CONNECT",
        target: authority,
        host: authority,
        headers,
        framing: UploadFraming::None,
    };
    exchange.send_head(&head).await?;
    let status = exchange.read_head().await?.status;
    if (200..300).contains(&status) {
        let conn = exchange.into_connection();
        if !conn.buffered().is_empty() {
            return Err(NetError::InvalidServerResponse(
                "the proxy sent bytes before the tunnel was used",
            ));
        }
        return Ok(TunnelReply::Established(Box::new(conn)));
    }
    Ok(TunnelReply::Refused(Box::new(exchange)))
}

/// `host:port` of a `CONNECT` (IPv6 literals in brackets).
pub fn connect_authority(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::conn::MemoryStream;

    fn run<T>(fut: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime builds")
            .block_on(fut)
    }

    #[test]
    fn connect_request_and_established_reply() {
        let conn = Connection::from_memory(MemoryStream::new(
            &b"HTTP/1.1 200 Connection established\r\n\r\n"[..],
            7,
        ));
        let headers = vec![("User-Agent".to_owned(), "t".to_owned())];
        let reply = run(open_tunnel(conn, "example.com:443", &headers)).expect("tunnel");
        let TunnelReply::Established(conn) = reply else {
            panic!("a 200 establishes the tunnel");
        };
        let written = conn.memory().expect("memory stream").written.clone();
        assert_eq!(
            String::from_utf8_lossy(&written),
            "CONNECT example.com:443 HTTP/1.1\r\nUser-Agent: t\r\nHost: example.com:443\r\n\r\n"
        );
    }

    #[test]
    fn refusal_keeps_the_proxy_response() {
        let conn = Connection::from_memory(MemoryStream::new(
            &b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n"[..],
            64,
        ));
        let reply = run(open_tunnel(conn, "h:1", &[])).expect("an answer");
        let TunnelReply::Refused(exchange) = reply else {
            panic!("a 407 is not a tunnel");
        };
        let head = exchange.head().expect("head read");
        assert_eq!(head.status, 407);
        assert_eq!(head.header("Proxy-Authenticate"), Some("Basic realm=\"p\""));
    }

    #[test]
    fn garbage_or_early_bytes_fail() {
        let conn = Connection::from_memory(MemoryStream::new(&b"nonsense\r\n\r\n"[..], 64));
        assert!(run(open_tunnel(conn, "h:1", &[])).is_err());
        let conn =
            Connection::from_memory(MemoryStream::new(&b"HTTP/1.1 200 OK\r\n\r\nextra"[..], 64));
        let err = run(open_tunnel(conn, "h:1", &[])).expect_err("early bytes");
        assert_eq!(
            err.code(),
            windows_sys::Win32::Networking::WinHttp::ERROR_WINHTTP_INVALID_SERVER_RESPONSE
        );
    }

    #[test]
    fn authority_and_target_forms() {
        assert_eq!(connect_authority("::1", 443), "[::1]:443");
        assert_eq!(connect_authority("a.b", 8443), "a.b:8443");
        assert_eq!(absolute_target("http://a:81", "/x?y"), "http://a:81/x?y");
        let route = ProxyRoute {
            host: "p".into(),
            port: 3128,
        };
        assert_eq!(route.label(), "p:3128");
    }
}
