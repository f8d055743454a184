//! The error type of the WinINet-side protocols (FTP and Gopher) and its Windows codes.
//!
//! [`InetError::code`] gives the `GetLastError` value WinINet reports for each failure, taken
//! from `windows-sys` (`ERROR_INTERNET_*`, `ERROR_FTP_*`, `ERROR_GOPHER_*` and a few generic
//! Win32 codes). Negative FTP replies are mapped as Wine's `FTP_SetResponseError` does
//! ([`InetError::from_ftp_reply`]): 425 → `ERROR_INTERNET_CANNOT_CONNECT`, 426 →
//! `ERROR_INTERNET_CONNECTION_ABORTED`, 530 → `ERROR_INTERNET_LOGIN_FAILURE`, anything else →
//! `ERROR_INTERNET_EXTENDED_ERROR`; the reply text itself is kept by the FTP session for
//! `InternetGetLastResponseInfo`.

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_FILE_EXISTS, ERROR_FILE_NOT_FOUND, ERROR_INVALID_PARAMETER,
    ERROR_NO_MORE_FILES,
};
use windows_sys::Win32::Networking::WinInet::{
    ERROR_FTP_TRANSFER_IN_PROGRESS, ERROR_GOPHER_ATTRIBUTE_NOT_FOUND,
    ERROR_GOPHER_INCORRECT_LOCATOR_TYPE, ERROR_GOPHER_INVALID_LOCATOR, ERROR_GOPHER_NOT_FILE,
    ERROR_GOPHER_NOT_GOPHER_PLUS, ERROR_GOPHER_PROTOCOL_ERROR, ERROR_INTERNET_CANNOT_CONNECT,
    ERROR_INTERNET_CONNECTION_ABORTED, ERROR_INTERNET_EXTENDED_ERROR,
    ERROR_INTERNET_INTERNAL_ERROR, ERROR_INTERNET_LOGIN_FAILURE, ERROR_INTERNET_NAME_NOT_RESOLVED,
    ERROR_INTERNET_TIMEOUT,
};

/// A failure of an FTP or Gopher operation. Each variant documents its Windows code.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum InetError {
    /// A connect, read or write did not finish in time: `ERROR_INTERNET_TIMEOUT` (12002).
    #[error("the operation timed out")]
    Timeout,
    /// The server (or an FTP data port) refused the connection, or the server answered 425:
    /// `ERROR_INTERNET_CANNOT_CONNECT` (12029).
    #[error("could not connect: {0}")]
    CannotConnect(String),
    /// The connection was reset or closed in the middle of an exchange, or the server answered
    /// 426: `ERROR_INTERNET_CONNECTION_ABORTED` (12030).
    #[error("the connection was aborted: {0}")]
    ConnectionAborted(String),
    /// The host name did not resolve: `ERROR_INTERNET_NAME_NOT_RESOLVED` (12007).
    #[error("the name {0:?} could not be resolved")]
    NameNotResolved(String),
    /// The FTP server answered with a negative reply (the code is kept here, the text in the
    /// session's last response), or sent a reply that cannot be used (a bad `PASV` address, a
    /// malformed line): `ERROR_INTERNET_EXTENDED_ERROR` (12003).
    #[error("the server answered {reply_code}")]
    ExtendedError {
        /// The three-digit reply code, 0 when the reply had none.
        reply_code: u16,
    },
    /// The FTP server refused the login (530): `ERROR_INTERNET_LOGIN_FAILURE` (12015), as Wine
    /// and Windows report it (not 12013/12014).
    #[error("the login failed")]
    LoginFailure,
    /// A transfer or find is open on the FTP session: `ERROR_FTP_TRANSFER_IN_PROGRESS` (12110).
    #[error("a transfer is in progress on this session")]
    TransferInProgress,
    /// A find has returned every entry: `ERROR_NO_MORE_FILES` (18).
    #[error("no more files")]
    NoMoreFiles,
    /// An argument cannot be used (CR/LF in a command or path, an empty user with a password,
    /// a transfer from another session): `ERROR_INVALID_PARAMETER` (87).
    #[error("invalid parameter: {0}")]
    InvalidParameter(&'static str),
    /// A local file to upload does not exist: `ERROR_FILE_NOT_FOUND` (2).
    #[error("the local file was not found")]
    LocalFileNotFound,
    /// A local file to download into exists and the caller asked to fail: `ERROR_FILE_EXISTS`
    /// (80).
    #[error("the local file exists")]
    LocalFileExists,
    /// A local file cannot be opened for lack of rights: `ERROR_ACCESS_DENIED` (5).
    #[error("access to the local file was denied")]
    LocalAccessDenied,
    /// Any other local I/O failure: `ERROR_INTERNET_INTERNAL_ERROR` (12004).
    #[error("internal error: {0}")]
    Internal(String),
    /// The Gopher server's bytes are not a valid reply (too large, or a Gopher+ header that
    /// does not parse): `ERROR_GOPHER_PROTOCOL_ERROR` (12130).
    #[error("gopher protocol error: {0}")]
    GopherProtocolError(&'static str),
    /// A file operation on a Gopher directory locator: `ERROR_GOPHER_NOT_FILE` (12131).
    #[error("the gopher locator is not a file")]
    GopherNotFile,
    /// A locator string that does not parse: `ERROR_GOPHER_INVALID_LOCATOR` (12134).
    #[error("invalid gopher locator")]
    GopherInvalidLocator,
    /// A find on a Gopher locator that is not a directory or index:
    /// `ERROR_GOPHER_INCORRECT_LOCATOR_TYPE` (12135).
    #[error("the gopher locator has the wrong type for this operation")]
    GopherIncorrectLocatorType,
    /// An attribute request for an item or server without Gopher+:
    /// `ERROR_GOPHER_NOT_GOPHER_PLUS` (12136).
    #[error("the gopher item or server is not gopher+")]
    GopherNotGopherPlus,
    /// The Gopher+ server refused the attribute request or has none of the asked names:
    /// `ERROR_GOPHER_ATTRIBUTE_NOT_FOUND` (12137).
    #[error("the gopher+ attribute was not found")]
    GopherAttributeNotFound,
}

/// Result of an FTP or Gopher operation.
pub type InetResult<T> = Result<T, InetError>;

impl InetError {
    /// The Windows error code (`GetLastError` value) for this failure.
    pub fn code(&self) -> u32 {
        match self {
            InetError::Timeout => ERROR_INTERNET_TIMEOUT,
            InetError::CannotConnect(_) => ERROR_INTERNET_CANNOT_CONNECT,
            InetError::ConnectionAborted(_) => ERROR_INTERNET_CONNECTION_ABORTED,
            InetError::NameNotResolved(_) => ERROR_INTERNET_NAME_NOT_RESOLVED,
            InetError::ExtendedError { .. } => ERROR_INTERNET_EXTENDED_ERROR,
            InetError::LoginFailure => ERROR_INTERNET_LOGIN_FAILURE,
            InetError::TransferInProgress => ERROR_FTP_TRANSFER_IN_PROGRESS,
            InetError::NoMoreFiles => ERROR_NO_MORE_FILES,
            InetError::InvalidParameter(_) => ERROR_INVALID_PARAMETER,
            InetError::LocalFileNotFound => ERROR_FILE_NOT_FOUND,
            InetError::LocalFileExists => ERROR_FILE_EXISTS,
            InetError::LocalAccessDenied => ERROR_ACCESS_DENIED,
            InetError::Internal(_) => ERROR_INTERNET_INTERNAL_ERROR,
            InetError::GopherProtocolError(_) => ERROR_GOPHER_PROTOCOL_ERROR,
            InetError::GopherNotFile => ERROR_GOPHER_NOT_FILE,
            InetError::GopherInvalidLocator => ERROR_GOPHER_INVALID_LOCATOR,
            InetError::GopherIncorrectLocatorType => ERROR_GOPHER_INCORRECT_LOCATOR_TYPE,
            InetError::GopherNotGopherPlus => ERROR_GOPHER_NOT_GOPHER_PLUS,
            InetError::GopherAttributeNotFound => ERROR_GOPHER_ATTRIBUTE_NOT_FOUND,
        }
    }

    /// The error for a negative (or unexpected) FTP reply code, as Wine maps it.
    pub fn from_ftp_reply(reply_code: u16) -> InetError {
        match reply_code {
            425 => InetError::CannotConnect(format!("the server answered {reply_code}")),
            426 => InetError::ConnectionAborted(format!("the server answered {reply_code}")),
            530 => InetError::LoginFailure,
            _ => InetError::ExtendedError { reply_code },
        }
    }

    /// Maps an I/O error on an established connection: a timeout becomes
    /// [`InetError::Timeout`], everything else (reset, abort, early end)
    /// [`InetError::ConnectionAborted`].
    pub(crate) fn from_io(err: &std::io::Error) -> InetError {
        match err.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => InetError::Timeout,
            _ => InetError::ConnectionAborted(err.to_string()),
        }
    }

    /// Maps an I/O error while opening a connection: refused or unreachable is
    /// [`InetError::CannotConnect`], a timeout [`InetError::Timeout`].
    ///
    /// A reset or abort is [`InetError::ConnectionAborted`]: the handshake completed (a
    /// refusal is `ECONNREFUSED`) and the server dropped the connection before the client
    /// looked at it. Tokio reports that through `SO_ERROR` when it checks the finished
    /// connect, while Windows lets the connect succeed and fails the first receive, so
    /// either order of events gives the code WinINet gives.
    pub(crate) fn from_connect_io(err: &std::io::Error) -> InetError {
        match err.kind() {
            std::io::ErrorKind::TimedOut => InetError::Timeout,
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                InetError::ConnectionAborted(err.to_string())
            }
            _ => InetError::CannotConnect(err.to_string()),
        }
    }

    /// Maps an I/O error on a local file.
    pub(crate) fn from_local_io(err: &std::io::Error) -> InetError {
        match err.kind() {
            std::io::ErrorKind::NotFound => InetError::LocalFileNotFound,
            std::io::ErrorKind::AlreadyExists => InetError::LocalFileExists,
            std::io::ErrorKind::PermissionDenied => InetError::LocalAccessDenied,
            _ => InetError::Internal(err.to_string()),
        }
    }
}

/// Runs `fut` under an optional timeout; running out is [`InetError::Timeout`].
pub(crate) async fn with_timeout<T>(
    limit: Option<std::time::Duration>,
    fut: impl std::future::Future<Output = InetResult<T>>,
) -> InetResult<T> {
    match limit {
        None => fut.await,
        Some(limit) => match tokio::time::timeout(limit, fut).await {
            Ok(result) => result,
            Err(_) => Err(InetError::Timeout),
        },
    }
}

/// Resolves `host` and connects to the first address that accepts, within `limit`.
pub(crate) async fn connect(
    host: &str,
    port: u16,
    limit: Option<std::time::Duration>,
) -> InetResult<tokio::net::TcpStream> {
    with_timeout(limit, async {
        let addrs: Vec<std::net::SocketAddr> = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => vec![std::net::SocketAddr::new(ip, port)],
            Err(_) => {
                let mut addrs: Vec<_> = tokio::net::lookup_host((host, port))
                    .await
                    .map_err(|_| InetError::NameNotResolved(host.to_owned()))?
                    .collect();
                addrs.sort_by_key(|a| a.is_ipv6());
                addrs
            }
        };
        let mut last = InetError::NameNotResolved(host.to_owned());
        for addr in addrs {
            match tokio::net::TcpStream::connect(addr).await {
                Ok(tcp) => {
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Err(err) => last = InetError::from_connect_io(&err),
            }
        }
        Err(last)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_its_windows_code() {
        let cases = [
            (InetError::Timeout, 12002),
            (InetError::CannotConnect("x".into()), 12029),
            (InetError::ConnectionAborted("x".into()), 12030),
            (InetError::NameNotResolved("h".into()), 12007),
            (InetError::ExtendedError { reply_code: 550 }, 12003),
            (InetError::LoginFailure, 12015),
            (InetError::TransferInProgress, 12110),
            (InetError::NoMoreFiles, 18),
            (InetError::InvalidParameter("x"), 87),
            (InetError::LocalFileNotFound, 2),
            (InetError::LocalFileExists, 80),
            (InetError::LocalAccessDenied, 5),
            (InetError::Internal("x".into()), 12004),
            (InetError::GopherProtocolError("x"), 12130),
            (InetError::GopherNotFile, 12131),
            (InetError::GopherInvalidLocator, 12134),
            (InetError::GopherIncorrectLocatorType, 12135),
            (InetError::GopherNotGopherPlus, 12136),
            (InetError::GopherAttributeNotFound, 12137),
        ];
        for (err, code) in cases {
            assert_eq!(err.code(), code, "{err}");
        }
    }

    #[test]
    fn connect_errors_tell_refusal_from_a_reset_after_the_handshake() {
        use std::io::{Error, ErrorKind};
        let code = |kind: ErrorKind| InetError::from_connect_io(&Error::from(kind)).code();
        assert_eq!(
            code(ErrorKind::ConnectionRefused),
            ERROR_INTERNET_CANNOT_CONNECT
        );
        assert_eq!(
            code(ErrorKind::HostUnreachable),
            ERROR_INTERNET_CANNOT_CONNECT
        );
        assert_eq!(code(ErrorKind::TimedOut), ERROR_INTERNET_TIMEOUT);
        assert_eq!(
            code(ErrorKind::ConnectionReset),
            ERROR_INTERNET_CONNECTION_ABORTED
        );
        assert_eq!(
            code(ErrorKind::ConnectionAborted),
            ERROR_INTERNET_CONNECTION_ABORTED
        );
    }

    #[test]
    fn ftp_replies_map_as_wine_does() {
        assert_eq!(InetError::from_ftp_reply(425).code(), 12029);
        assert_eq!(InetError::from_ftp_reply(426).code(), 12030);
        assert_eq!(InetError::from_ftp_reply(530).code(), 12015);
        for code in [
            421, 450, 451, 452, 500, 501, 502, 503, 504, 532, 550, 553, 0, 999,
        ] {
            assert_eq!(
                InetError::from_ftp_reply(code),
                InetError::ExtendedError { reply_code: code }
            );
        }
    }
}
