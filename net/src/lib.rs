//! `hinternet-net`: the real-network side of hinternet (WinHTTP and WinINet).
//!
//! This crate owns the bytes on the wire and the Windows-compatible data logic, and nothing
//! of the handle lifecycle (that is the engine's). Its rooms:
//!
//! * the two APIs, each in one room with everything specific to it:
//!   - [`winhttp`]: the typed WinHTTP API ([`winhttp::api::WinHttp`]), its executor
//!     ([`winhttp::exec`]), the names of its numbers, and the pure decisions (option
//!     catalogue and stores, redirects, authentication schemes, proxy configuration,
//!     argument conventions); the `winhttp-trace` binary drives the API from the command line;
//!   - [`wininet`]: the typed WinINet API ([`wininet::api::WinInet`]) with its network
//!     executor (HTTP, FTP, Gopher), and the pure decisions and stores (option catalogue and
//!     stores, the URL cache and cache policy, the cookie calls, connection state,
//!     `InternetErrorDlg` without UI, request-file locks); the `wininet-trace` binary;
//! * the executor core both share, [`executor`]: the per-handle data, the async operations
//!   (send, receive with redirects, reads, websocket) reporting wire progress as it happens,
//!   and [`executor::runtime`], the threads — one tokio runtime driven by an I/O thread and
//!   delivery threads that apply completions and protocol events to the engine, each
//!   object's in order;
//! * the wire protocols: [`http`] (TCP and TLS connections, HTTP/1.1 requests and responses,
//!   body framing, the keep-alive pool, proxies — the step-by-step functions of
//!   [`http::Exchange`] and [`http::conn`] between which the executor sends the
//!   notifications), [`ws`] (the websocket frame codec with WinHTTP buffer types and
//!   handshake helpers), [`ftp`] (a session on suppaftp) and [`gopher`] (a hand-written
//!   RFC 1436 / Gopher+ client);
//! * the pure data logic both APIs use: [`url`] (`WinHttpCrackUrl` / `WinHttpCreateUrl` and
//!   the WinINet URL functions), [`time`] (HTTP dates ⇄ `SYSTEMTIME` with Windows' lenient
//!   parsing), [`headers`] (the header store in wire order, the `QueryHeaders` /
//!   `HttpQueryInfo` engine, `AddRequestHeaders` modifiers), [`cookies`] (the session jar);
//! * [`error`]: [`NetError`] (WinHTTP codes) and [`InetError`] (WinINet codes, for FTP and
//!   Gopher: `ERROR_INTERNET_*`, `ERROR_FTP_*`, `ERROR_GOPHER_*`).
//!
//! The modules that used to sit at the crate root keep their paths as re-exports:
//! [`winhttp_api`], [`winhttp_exec`], [`winhttp_names`], [`wininet_api`], [`runtime`] and
//! [`inet_error`] name the same modules as their homes above.
//!
//! Invariants kept by every module: no `unsafe`, no panic on anything a peer sends, every
//! read bounded by a size limit and (on a socket) by a timeout that reports
//! `ERROR_WINHTTP_TIMEOUT`; every failure is a Windows error code taken from `windows-sys`
//! ([`NetError::code`], [`InetError::code`]).

pub mod cookies;
pub mod error;
pub mod executor;
pub mod ftp;
pub mod gopher;
pub mod headers;
pub mod http;
pub mod time;
pub mod url;
pub mod winhttp;
pub mod wininet;
pub mod ws;

pub use error::{InetError, InetResult, NetError, NetResult};

// The paths of the modules before they moved into their rooms (the C layer, the fuzz
// targets and embedders name them).
pub use error::inet as inet_error;
pub use executor::runtime;
pub use winhttp::{api as winhttp_api, exec as winhttp_exec, names as winhttp_names};
pub use wininet::api as wininet_api;
