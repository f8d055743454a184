//! Connections: TCP or TLS (or an in-memory stream) with a read-ahead buffer and timeouts.
//!
//! Opening a connection is split into separate steps so the executor can notify between
//! them: [`resolve`] (RESOLVING_NAME → NAME_RESOLVED, with [`ip_string`] for the info),
//! [`connect_tcp`] (CONNECTING_TO_SERVER → CONNECTED_TO_SERVER) and [`start_tls`]. Every
//! step and every read or write runs under its timeout; running out is
//! `ERROR_WINHTTP_TIMEOUT`. `None` means no limit (WinHTTP's 0 / infinite).
//!
//! Invariant: bytes read from the socket but not yet used by the parser stay in the
//! read-ahead buffer ([`Connection::buffered`]); nothing is lost between a head and its body
//! or between a response and a websocket upgrade ([`Connection::take_read_ahead`]).

use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::error::{NetError, NetResult, TimeoutPhase};
use crate::http::tls::handshake_error;

/// How many bytes one socket read asks for.
const READ_CHUNK: usize = 32 * 1024;

/// Runs `fut` under an optional timeout; running out is `Timeout(phase)`.
pub(crate) async fn with_timeout<T>(
    limit: Option<Duration>,
    phase: TimeoutPhase,
    fut: impl Future<Output = NetResult<T>>,
) -> NetResult<T> {
    match limit {
        None => fut.await,
        Some(limit) => match tokio::time::timeout(limit, fut).await {
            Ok(result) => result,
            Err(_) => Err(NetError::Timeout(phase)),
        },
    }
}

/// Resolves `host` (a name or an IP literal) to socket addresses, IPv4 first (as Wine does).
/// No address or a lookup failure is `ERROR_WINHTTP_NAME_NOT_RESOLVED`.
pub async fn resolve(host: &str, port: u16, limit: Option<Duration>) -> NetResult<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let lookup = async {
        let addrs =
            tokio::net::lookup_host((host, port))
                .await
                .map_err(|_| NetError::NameNotResolved {
                    host: host.to_owned(),
                })?;
        let mut addrs: Vec<SocketAddr> = addrs.collect();
        addrs.sort_by_key(|a| a.is_ipv6());
        if addrs.is_empty() {
            return Err(NetError::NameNotResolved {
                host: host.to_owned(),
            });
        }
        Ok(addrs)
    };
    with_timeout(limit, TimeoutPhase::Resolve, lookup).await
}

/// The address as WinHTTP writes it in NAME_RESOLVED / CONNECTED_TO_SERVER (no port).
pub fn ip_string(addr: &SocketAddr) -> String {
    addr.ip().to_string()
}

/// Connects to the first address that accepts, trying them in order within one overall
/// timeout. Refused or unreachable everywhere is `ERROR_WINHTTP_CANNOT_CONNECT`.
pub async fn connect_tcp(addrs: &[SocketAddr], limit: Option<Duration>) -> NetResult<Connection> {
    let attempt = async {
        let mut last = String::from("no address to connect to");
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(tcp) => {
                    let _ = tcp.set_nodelay(true);
                    let local = tcp.local_addr().ok();
                    let mut conn = Connection::new(Transport::Tcp(tcp), Some(*addr));
                    conn.local = local;
                    return Ok(conn);
                }
                Err(err) if is_reset_after_handshake(&err) => {
                    return Err(NetError::ConnectionError(format!("{addr}: {err}")));
                }
                Err(err) => last = format!("{addr}: {err}"),
            }
        }
        Err(NetError::CannotConnect(last))
    };
    with_timeout(limit, TimeoutPhase::Connect, attempt).await
}

/// Whether a failed connect means the handshake completed and the server then reset or
/// aborted the connection (a refusal is `ECONNREFUSED`). Tokio reports such a reset
/// through `SO_ERROR` when it checks the finished connect; on Windows the connect succeeds
/// and the first receive fails, so this is `ERROR_WINHTTP_CONNECTION_ERROR`, not a failure
/// to connect, and no other address is tried.
fn is_reset_after_handshake(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
    )
}

/// Runs the TLS handshake on a fresh TCP connection, verifying the certificate for
/// `server_name` with `config` (see [`crate::http::tls`]). Failures are mapped by
/// [`handshake_error`]; running out of time is `ERROR_WINHTTP_TIMEOUT`.
pub async fn start_tls(
    conn: Connection,
    server_name: &str,
    config: Arc<ClientConfig>,
    limit: Option<Duration>,
) -> NetResult<Connection> {
    let Connection {
        transport,
        peer,
        local,
        send_timeout,
        receive_timeout,
        ..
    } = conn;
    let Transport::Tcp(tcp) = transport else {
        return Err(NetError::SecureChannelError(
            "TLS needs a fresh TCP connection".into(),
        ));
    };
    let name = ServerName::try_from(server_name.to_owned()).map_err(|_| NetError::SecureFailure {
        flags: windows_sys::Win32::Networking::WinHttp::WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID,
    })?;
    let handshake = async {
        TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|err| match err.kind() {
                io::ErrorKind::TimedOut => NetError::Timeout(TimeoutPhase::Connect),
                _ => handshake_error(&err),
            })
    };
    let tls = with_timeout(limit, TimeoutPhase::Connect, handshake).await?;
    let certificates = tls
        .get_ref()
        .1
        .peer_certificates()
        .map(|certs| certs.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default();
    let mut conn = Connection::new(Transport::Tls(Box::new(tls)), peer);
    conn.peer_certificates = certificates;
    conn.local = local;
    conn.send_timeout = send_timeout;
    conn.receive_timeout = receive_timeout;
    Ok(conn)
}

/// An in-memory peer for tests and fuzzing: reads come from `input` at most `read_chunk`
/// bytes at a time, then end of stream; writes are collected in `written`.
#[derive(Debug, Clone)]
pub struct MemoryStream {
    input: Bytes,
    read_chunk: usize,
    /// Every byte written to the stream.
    pub written: Vec<u8>,
}

impl MemoryStream {
    /// A stream that serves `input`, `read_chunk` (at least 1) bytes per read.
    pub fn new(input: impl Into<Bytes>, read_chunk: usize) -> Self {
        MemoryStream {
            input: input.into(),
            read_chunk: read_chunk.max(1),
            written: Vec::new(),
        }
    }
}

/// The byte stream under a connection.
#[derive(Debug)]
pub enum Transport {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS over TCP.
    Tls(Box<TlsStream<TcpStream>>),
    /// In-memory bytes (tests, fuzzing).
    Memory(MemoryStream),
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Transport::Memory(m) => {
                let n = m.input.len().min(m.read_chunk).min(buf.remaining());
                buf.put_slice(&m.input[..n]);
                m.input.advance(n);
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Tcp(s) => Pin::new(s).poll_write(cx, data),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
            Transport::Memory(m) => {
                m.written.extend_from_slice(data);
                Poll::Ready(Ok(data.len()))
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Tcp(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Transport::Memory(_) => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Transport::Memory(_) => Poll::Ready(Ok(())),
        }
    }
}

/// An open connection with its read-ahead buffer and I/O timeouts.
#[derive(Debug)]
pub struct Connection {
    transport: Transport,
    read_ahead: BytesMut,
    peer: Option<SocketAddr>,
    local: Option<SocketAddr>,
    peer_certificates: Vec<CertificateDer<'static>>,
    reused: bool,
    send_timeout: Option<Duration>,
    receive_timeout: Option<Duration>,
    bytes_received: u64,
}

impl Connection {
    fn new(transport: Transport, peer: Option<SocketAddr>) -> Self {
        Connection {
            transport,
            read_ahead: BytesMut::new(),
            peer,
            local: None,
            peer_certificates: Vec::new(),
            reused: false,
            send_timeout: None,
            receive_timeout: None,
            bytes_received: 0,
        }
    }

    /// A connection over an in-memory stream (never pooled as alive once its input is used).
    pub fn from_memory(stream: MemoryStream) -> Self {
        Connection::new(Transport::Memory(stream), None)
    }

    /// Sets the send and receive timeouts (`None` = no limit).
    pub fn set_timeouts(&mut self, send: Option<Duration>, receive: Option<Duration>) {
        self.send_timeout = send;
        self.receive_timeout = receive;
    }

    /// Sets only the receive timeout (e.g. WinHTTP's receive-response timeout for the head).
    pub fn set_receive_timeout(&mut self, receive: Option<Duration>) {
        self.receive_timeout = receive;
    }

    /// The receive timeout in force.
    pub fn receive_timeout(&self) -> Option<Duration> {
        self.receive_timeout
    }

    /// The server's address, if this is a socket.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// The local address of the socket, if this is a socket.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local
    }

    /// Whether the connection runs TLS.
    pub fn is_secure(&self) -> bool {
        matches!(self.transport, Transport::Tls(_))
    }

    /// The server's certificate chain, end entity first, as DER (empty unless TLS).
    pub fn peer_certificates(&self) -> &[CertificateDer<'static>] {
        &self.peer_certificates
    }

    /// Whether this connection came out of the pool (no RESOLVING / CONNECTING
    /// notifications are due for it).
    pub fn was_reused(&self) -> bool {
        self.reused
    }

    pub(crate) fn mark_reused(&mut self) {
        self.reused = true;
    }

    /// The in-memory stream, if this connection runs over one.
    pub fn memory(&self) -> Option<&MemoryStream> {
        match &self.transport {
            Transport::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// Bytes read from the peer and not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        &self.read_ahead
    }

    /// Drops the first `n` buffered bytes (at most all of them).
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.read_ahead.len());
        self.read_ahead.advance(n);
    }

    /// Takes every buffered byte (for a websocket upgrade: frames that arrived with the
    /// `101` response).
    pub fn take_read_ahead(&mut self) -> Bytes {
        self.read_ahead.split().freeze()
    }

    /// Reads more bytes into the buffer under the receive timeout. Returns how many arrived;
    /// 0 means the peer closed its side. A reset is `ERROR_WINHTTP_CONNECTION_ERROR`.
    pub async fn fill(&mut self) -> NetResult<usize> {
        let limit = self.receive_timeout;
        let Connection {
            transport,
            read_ahead,
            ..
        } = self;
        let read = async {
            read_ahead.reserve(READ_CHUNK);
            match transport.read_buf(read_ahead).await {
                Ok(n) => Ok(n),
                // A TLS peer closing without close_notify: treat as the end of the stream;
                // the body decoder decides whether that end came too early.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                Err(e) => Err(NetError::from_io(&e, TimeoutPhase::Receive)),
            }
        };
        let n = with_timeout(limit, TimeoutPhase::Receive, read).await?;
        self.bytes_received = self.bytes_received.saturating_add(n as u64);
        Ok(n)
    }

    /// Every byte read from the peer on this connection so far (for the byte counts of
    /// RESPONSE_RECEIVED).
    pub fn bytes_received(&self) -> u64 {
        self.bytes_received
    }

    /// Writes some of `data` (at least one byte unless `data` is empty) under the send
    /// timeout; returns how many bytes were taken. Cancel-safe: when the future is dropped
    /// before it finishes, no byte of `data` was taken, so a caller that keeps its unsent
    /// bytes never tears a frame. Follow with [`flush`](Self::flush).
    pub async fn write_some(&mut self, data: &[u8]) -> NetResult<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        let limit = self.send_timeout;
        let transport = &mut self.transport;
        let write = async {
            let n = transport
                .write(data)
                .await
                .map_err(|e| NetError::from_io(&e, TimeoutPhase::Send))?;
            if n == 0 {
                return Err(NetError::ConnectionError(
                    "the peer stopped accepting data".into(),
                ));
            }
            Ok(n)
        };
        with_timeout(limit, TimeoutPhase::Send, write).await
    }

    /// Writes all of `data` and flushes, under the send timeout.
    pub async fn write_all(&mut self, data: &[u8]) -> NetResult<()> {
        let limit = self.send_timeout;
        let transport = &mut self.transport;
        let write = async {
            transport
                .write_all(data)
                .await
                .map_err(|e| NetError::from_io(&e, TimeoutPhase::Send))?;
            transport
                .flush()
                .await
                .map_err(|e| NetError::from_io(&e, TimeoutPhase::Send))
        };
        with_timeout(limit, TimeoutPhase::Send, write).await
    }

    /// Flushes bytes the transport still holds (TLS records), under the send timeout.
    /// Cancel-safe and idempotent.
    pub async fn flush(&mut self) -> NetResult<()> {
        let limit = self.send_timeout;
        let transport = &mut self.transport;
        let flush = async {
            transport
                .flush()
                .await
                .map_err(|e| NetError::from_io(&e, TimeoutPhase::Send))
        };
        with_timeout(limit, TimeoutPhase::Send, flush).await
    }

    /// Liveness check for an idle connection, without blocking: alive only when nothing is
    /// buffered and a non-blocking `MSG_PEEK` on the socket finds no byte and no error. A
    /// peer that closed, reset, or sent anything unasked (even a TLS alert) is not alive.
    pub fn is_alive(&self) -> bool {
        if !self.read_ahead.is_empty() {
            return false;
        }
        let tcp = match &self.transport {
            Transport::Tcp(tcp) => tcp,
            Transport::Tls(tls) => tls.get_ref().0,
            Transport::Memory(m) => return m.input.is_empty(),
        };
        let mut probe = [MaybeUninit::<u8>::uninit(); 1];
        matches!(
            socket2::SockRef::from(tcp).peek(&mut probe),
            Err(ref e) if e.kind() == io::ErrorKind::WouldBlock
        )
    }

    /// Shuts down the write side (TLS: sends close_notify), bounded by the send timeout.
    pub async fn shutdown(&mut self) {
        let limit = self.send_timeout.or(Some(Duration::from_secs(5)));
        let transport = &mut self.transport;
        let _ = with_timeout(limit, TimeoutPhase::Send, async {
            transport
                .shutdown()
                .await
                .map_err(|e| NetError::from_io(&e, TimeoutPhase::Send))
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_reset_or_abort_counts_as_a_connection_that_was_made() {
        for kind in [
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::ConnectionAborted,
        ] {
            assert!(is_reset_after_handshake(&io::Error::from(kind)), "{kind:?}");
        }
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::HostUnreachable,
            io::ErrorKind::NetworkUnreachable,
            io::ErrorKind::TimedOut,
        ] {
            assert!(
                !is_reset_after_handshake(&io::Error::from(kind)),
                "{kind:?}"
            );
        }
    }
}
