//! The two error types of the crate and their mapping to Windows error codes.
//!
//! * this module: [`NetError`], the one error of the wire layer (HTTP, TLS, websocket) that
//!   the executor reports to the application; every variant names a failure,
//!   [`NetError::code`] gives the `ERROR_WINHTTP_*` number WinHTTP uses for it (taken from
//!   `windows-sys`), and [`NetError::secure_failure_flags`] the
//!   `WINHTTP_CALLBACK_STATUS_FLAG_*` bits that go with `ERROR_WINHTTP_SECURE_FAILURE` in the
//!   `SECURE_FAILURE` notification;
//! * [`inet`]: [`InetError`], the error of the WinINet-side protocols (FTP, Gopher) with
//!   WinINet's codes.
//!
//! Invariant: every code either type reports is a `windows-sys` constant.

pub mod inet;

pub use inet::{InetError, InetResult};

use windows_sys::Win32::Foundation::{ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_CANNOT_CONNECT, ERROR_WINHTTP_CONNECTION_ERROR, ERROR_WINHTTP_HEADER_NOT_FOUND,
    ERROR_WINHTTP_INCORRECT_HANDLE_STATE, ERROR_WINHTTP_INVALID_HEADER,
    ERROR_WINHTTP_INVALID_SERVER_RESPONSE, ERROR_WINHTTP_NAME_NOT_RESOLVED,
    ERROR_WINHTTP_OPERATION_CANCELLED, ERROR_WINHTTP_REDIRECT_FAILED,
    ERROR_WINHTTP_SECURE_CHANNEL_ERROR, ERROR_WINHTTP_SECURE_FAILURE, ERROR_WINHTTP_TIMEOUT,
};

/// Which phase of an exchange ran out of time; all phases report `ERROR_WINHTTP_TIMEOUT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// Name resolution (`WinHttpSetTimeouts` resolve timeout).
    Resolve,
    /// TCP connect or the TLS handshake (connect timeout).
    Connect,
    /// Writing request bytes (send timeout).
    Send,
    /// Waiting for response bytes (receive / receive-response timeout).
    Receive,
}

/// A failure of the wire layer. Each variant documents the Windows code it maps to.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The host name did not resolve to any address: `ERROR_WINHTTP_NAME_NOT_RESOLVED` (12007).
    #[error("the name {host:?} could not be resolved")]
    NameNotResolved {
        /// The name that was looked up.
        host: String,
    },
    /// No address of the server accepted a TCP connection: `ERROR_WINHTTP_CANNOT_CONNECT`
    /// (12029).
    #[error("could not connect to the server: {0}")]
    CannotConnect(String),
    /// The connection was reset, aborted or closed before the exchange ended (including a
    /// body cut short): `ERROR_WINHTTP_CONNECTION_ERROR` (12030).
    #[error("the connection with the server was terminated abnormally: {0}")]
    ConnectionError(String),
    /// The server's bytes are not a valid HTTP/1.x response (status line, headers, framing,
    /// or a size limit exceeded): `ERROR_WINHTTP_INVALID_SERVER_RESPONSE` (12152).
    #[error("invalid server response: {0}")]
    InvalidServerResponse(&'static str),
    /// A phase did not finish within its timeout: `ERROR_WINHTTP_TIMEOUT` (12002).
    #[error("the operation timed out ({0:?})")]
    Timeout(TimeoutPhase),
    /// The server certificate failed a check that the security flags do not forgive, or the
    /// TLS protocol failed: `ERROR_WINHTTP_SECURE_FAILURE` (12175). `flags` holds the
    /// `WINHTTP_CALLBACK_STATUS_FLAG_*` bits of every failed check.
    #[error("secure failure (flags {flags:#x})")]
    SecureFailure {
        /// `WINHTTP_CALLBACK_STATUS_FLAG_*` bits, as in the `SECURE_FAILURE` notification.
        flags: u32,
    },
    /// The peer closed or reset the connection in the middle of the TLS handshake:
    /// `ERROR_WINHTTP_SECURE_CHANNEL_ERROR` (12157), as Wine reports a failed handshake read.
    #[error("the secure channel failed during the handshake: {0}")]
    SecureChannelError(String),
    /// The operation was cancelled (its handle closed): `ERROR_WINHTTP_OPERATION_CANCELLED`
    /// (12017).
    #[error("the operation was cancelled")]
    Cancelled,
    /// A request header name or value cannot be put on the wire (CR, LF or NUL inside, or an
    /// empty or non-token name): `ERROR_WINHTTP_INVALID_HEADER` (12153).
    #[error("invalid request header: {0}")]
    InvalidHeader(String),
    /// The caller asked for something the exchange cannot do (upload data beyond the declared
    /// `Content-Length`, after the last chunk, or for a request without a body; a step out
    /// of order): `ERROR_INVALID_PARAMETER` (87). Nothing was written.
    #[error("invalid parameter: {0}")]
    InvalidParameter(&'static str),
    /// A response header that was asked for is absent: `ERROR_WINHTTP_HEADER_NOT_FOUND`
    /// (12150).
    #[error("the header was not found")]
    HeaderNotFound,
    /// A redirect could not be followed (too many redirects, a refused HTTPS → HTTP
    /// downgrade, an unusable `Location`): `ERROR_WINHTTP_REDIRECT_FAILED` (12156).
    #[error("the redirect failed: {0}")]
    RedirectFailed(&'static str),
    /// The operation does not fit the handle's state (e.g. `ReceiveResponse` before a send):
    /// `ERROR_WINHTTP_INCORRECT_HANDLE_STATE` (12019).
    #[error("incorrect handle state: {0}")]
    IncorrectHandleState(&'static str),
    /// The operation is not allowed now (a websocket send after the close frame, a second
    /// shutdown, a close status query before any close frame): `ERROR_INVALID_OPERATION`
    /// (4317).
    #[error("invalid operation: {0}")]
    InvalidOperation(&'static str),
    /// A failure a pure module (the websocket codec, the header store) already expressed as
    /// its Windows code; the code is reported unchanged.
    #[error("failed with Windows error {0}")]
    Code(u32),
}

/// Result of a wire-layer step.
pub type NetResult<T> = Result<T, NetError>;

impl NetError {
    /// The Windows error code (`GetLastError` value) for this failure.
    pub fn code(&self) -> u32 {
        match self {
            NetError::NameNotResolved { .. } => ERROR_WINHTTP_NAME_NOT_RESOLVED,
            NetError::CannotConnect(_) => ERROR_WINHTTP_CANNOT_CONNECT,
            NetError::ConnectionError(_) => ERROR_WINHTTP_CONNECTION_ERROR,
            NetError::InvalidServerResponse(_) => ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            NetError::Timeout(_) => ERROR_WINHTTP_TIMEOUT,
            NetError::SecureFailure { .. } => ERROR_WINHTTP_SECURE_FAILURE,
            NetError::SecureChannelError(_) => ERROR_WINHTTP_SECURE_CHANNEL_ERROR,
            NetError::Cancelled => ERROR_WINHTTP_OPERATION_CANCELLED,
            NetError::InvalidHeader(_) => ERROR_WINHTTP_INVALID_HEADER,
            NetError::InvalidParameter(_) => ERROR_INVALID_PARAMETER,
            NetError::HeaderNotFound => ERROR_WINHTTP_HEADER_NOT_FOUND,
            NetError::RedirectFailed(_) => ERROR_WINHTTP_REDIRECT_FAILED,
            NetError::IncorrectHandleState(_) => ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
            NetError::InvalidOperation(_) => ERROR_INVALID_OPERATION,
            NetError::Code(code) => *code,
        }
    }

    /// The `WINHTTP_CALLBACK_STATUS_FLAG_*` bits for a secure failure, 0 for anything else.
    pub fn secure_failure_flags(&self) -> u32 {
        match self {
            NetError::SecureFailure { flags } => *flags,
            _ => 0,
        }
    }

    /// Maps an I/O error on an established connection: resets, aborts and early ends become
    /// [`NetError::ConnectionError`], a socket timeout becomes [`NetError::Timeout`].
    pub(crate) fn from_io(err: &std::io::Error, phase: TimeoutPhase) -> NetError {
        match err.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                NetError::Timeout(phase)
            }
            _ => NetError::ConnectionError(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_its_windows_code() {
        let cases = [
            (NetError::NameNotResolved { host: "h".into() }, 12007),
            (NetError::CannotConnect("x".into()), 12029),
            (NetError::ConnectionError("x".into()), 12030),
            (NetError::InvalidServerResponse("x"), 12152),
            (NetError::Timeout(TimeoutPhase::Receive), 12002),
            (NetError::SecureFailure { flags: 8 }, 12175),
            (NetError::SecureChannelError("x".into()), 12157),
            (NetError::Cancelled, 12017),
            (NetError::InvalidHeader("x".into()), 12153),
            (NetError::InvalidParameter("x"), 87),
            (NetError::HeaderNotFound, 12150),
        ];
        for (err, code) in cases {
            assert_eq!(err.code(), code, "{err}");
        }
        assert_eq!(
            NetError::SecureFailure { flags: 8 }.secure_failure_flags(),
            8
        );
        assert_eq!(NetError::Cancelled.secure_failure_flags(), 0);
    }
}
