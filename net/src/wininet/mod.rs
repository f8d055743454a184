//! Everything WinINet-specific: the typed API and the pure decisions and stores it uses.
//!
//! The typed WinINet API answers each call with "return value + last error + out values":
//!
//! * [`api`]: [`api::WinInet`], one method per WinINet function over one engine with its
//!   network executor (HTTP on the shared [`crate::executor`] operations, FTP on
//!   [`crate::ftp`], Gopher on [`crate::gopher`]).
//!
//! What in an answer depends only on the call's arguments and on data the API keeps lives in
//! the pure modules:
//!
//! * [`options`]: the `INTERNET_OPTION_*` catalogue (which handle kinds accept each option for
//!   query and for set, the NULL-handle options, the buffer-size rules) and the option stores
//!   with WinINet's inheritance: every child takes a snapshot of its parent's timeouts when it
//!   is created (WI-R16);
//! * [`cache`]: the URL cache (`CreateUrlCacheEntry` … `FindNextUrlCacheEntry`) in memory or in
//!   a directory, the request-side cache policy of the `INTERNET_FLAG_*` cache flags, and the
//!   refresh of an entry a `304 Not Modified` revalidated;
//! * [`cookies_ex`]: `InternetSetCookie(Ex)` / `InternetGetCookie(Ex)` over the session jar,
//!   with `HttpOnly`, the privacy decision and the A/W buffer sizing;
//! * [`misc`]: `InternetGetConnectedState(Ex)`, `InternetCheckConnection`,
//!   `InternetAttemptConnect`, `InternetErrorDlg` without UI, request-file locks and
//!   `InternetGetLastResponseInfo` sizing.
//!
//! Invariants: the pure modules keep no global state (what WinINet keeps per process is a
//! value the caller owns) and touch no engine; no module panics on any input; every failure
//! is a Windows error code from `windows-sys`. Where Wine and Windows differ, the Windows
//! behaviour asserted by Wine's conformance tests is chosen and the item's documentation says
//! so.

pub mod api;
pub mod cache;
pub mod cookies_ex;
pub mod misc;
pub mod options;

use windows_sys::Win32::Networking::WinInet::{
    INTERNET_HANDLE_TYPE_CONNECT_FTP, INTERNET_HANDLE_TYPE_CONNECT_GOPHER,
    INTERNET_HANDLE_TYPE_CONNECT_HTTP, INTERNET_HANDLE_TYPE_FTP_FILE,
    INTERNET_HANDLE_TYPE_FTP_FIND, INTERNET_HANDLE_TYPE_GOPHER_FILE,
    INTERNET_HANDLE_TYPE_GOPHER_FIND, INTERNET_HANDLE_TYPE_HTTP_REQUEST,
    INTERNET_HANDLE_TYPE_INTERNET,
};

/// The kind of a WinINet handle, as the option checks and the API see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleKind {
    /// An `InternetOpen` handle.
    Root,
    /// An `InternetConnect` handle for `INTERNET_SERVICE_HTTP`.
    ConnectHttp,
    /// An `InternetConnect` handle for `INTERNET_SERVICE_FTP`.
    ConnectFtp,
    /// An `InternetConnect` handle for `INTERNET_SERVICE_GOPHER`.
    ConnectGopher,
    /// An `HttpOpenRequest` (or HTTP `InternetOpenUrl`) handle.
    HttpRequest,
    /// An `FtpFindFirstFile` handle.
    FtpFind,
    /// An `FtpOpenFile` (or FTP `InternetOpenUrl`) handle.
    FtpFile,
    /// A `GopherFindFirstFile` handle.
    GopherFind,
    /// A `GopherOpenFile` (or Gopher `InternetOpenUrl`) handle.
    GopherFile,
}

impl HandleKind {
    /// The `INTERNET_HANDLE_TYPE_*` value `INTERNET_OPTION_HANDLE_TYPE` reports.
    pub fn handle_type(self) -> u32 {
        match self {
            HandleKind::Root => INTERNET_HANDLE_TYPE_INTERNET,
            HandleKind::ConnectHttp => INTERNET_HANDLE_TYPE_CONNECT_HTTP,
            HandleKind::ConnectFtp => INTERNET_HANDLE_TYPE_CONNECT_FTP,
            HandleKind::ConnectGopher => INTERNET_HANDLE_TYPE_CONNECT_GOPHER,
            HandleKind::HttpRequest => INTERNET_HANDLE_TYPE_HTTP_REQUEST,
            HandleKind::FtpFind => INTERNET_HANDLE_TYPE_FTP_FIND,
            HandleKind::FtpFile => INTERNET_HANDLE_TYPE_FTP_FILE,
            HandleKind::GopherFind => INTERNET_HANDLE_TYPE_GOPHER_FIND,
            HandleKind::GopherFile => INTERNET_HANDLE_TYPE_GOPHER_FILE,
        }
    }

    /// Whether this is an `InternetConnect` handle (any service).
    pub fn is_connect(self) -> bool {
        matches!(
            self,
            HandleKind::ConnectHttp | HandleKind::ConnectFtp | HandleKind::ConnectGopher
        )
    }
}

/// Which character set an `A` or `W` entry point works in; it decides how string lengths
/// are counted in the buffer-size answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// The `A` entry point: one byte per character.
    Ansi,
    /// The `W` entry point: two bytes per UTF-16 unit.
    Wide,
}

impl Charset {
    /// Bytes `text` takes in this character set, without a terminator (UTF-8 bytes for `A`,
    /// UTF-16 units × 2 for `W`).
    pub fn byte_len(self, text: &str) -> u32 {
        let bytes = match self {
            Charset::Ansi => text.len(),
            Charset::Wide => text.encode_utf16().count().saturating_mul(2),
        };
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }

    /// Characters (bytes for `A`, UTF-16 units for `W`) of `text`, without a terminator.
    pub fn char_len(self, text: &str) -> u32 {
        let chars = match self {
            Charset::Ansi => text.len(),
            Charset::Wide => text.encode_utf16().count(),
        };
        u32::try_from(chars).unwrap_or(u32::MAX)
    }

    /// Size of one character unit in bytes.
    pub fn unit(self) -> u32 {
        match self {
            Charset::Ansi => 1,
            Charset::Wide => 2,
        }
    }
}
