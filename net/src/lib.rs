//! `hinternet-net`: the real-network side of hinternet (WinHTTP and WinINet).
//!
//! This crate owns the bytes on the wire and the Windows-compatible data logic, and nothing
//! of the handle lifecycle (that is the engine's):
//!
//! * [`http`]: TCP and TLS connections, HTTP/1.1 requests and responses, body framing, the
//!   keep-alive pool — the step-by-step functions of [`http::Exchange`] and [`http::conn`]
//!   between which the executor sends the WinHTTP notifications;
//! * [`url`]: `WinHttpCrackUrl` / `WinHttpCreateUrl` and the WinINet URL functions;
//! * [`time`]: HTTP dates ⇄ `SYSTEMTIME` with Windows' lenient parsing;
//! * [`headers`]: the header store in wire order and the `QueryHeaders` / `HttpQueryInfo`
//!   engine, plus `AddRequestHeaders` modifiers;
//! * [`ws`]: the websocket frame codec with WinHTTP buffer types and handshake helpers;
//! * [`cookies`]: the session cookie jar;
//! * [`winhttp`]: the pure decisions of the typed WinHTTP API (option catalogue and stores,
//!   redirects, authentication schemes, proxy configuration, argument conventions);
//! * [`executor`]: the per-handle data of a WinHTTP executor and its async operations
//!   (send, receive with redirects, reads, websocket), reporting wire progress as it happens;
//! * [`runtime`]: the executor's threads — one tokio runtime driven by an I/O thread and
//!   delivery threads (created through a replaceable [`runtime::ThreadSpawner`]) that apply
//!   completions and protocol events to the engine, each object's in order;
//! * [`winhttp_exec`] and [`winhttp_api`]: the engine's WinHTTP executor (tasks on the
//!   runtime, notification payloads) and the typed WinHTTP API over one engine (one method
//!   per WinHTTP function, Windows' return value, last error and out values); the
//!   `winhttp-trace` binary drives it from the command line; [`winhttp_names`] names
//!   statuses and errors for people;
//! * [`wininet`]: the pure decisions and stores of the typed WinINet API (option catalogue and
//!   stores, the URL cache and cache policy, the cookie calls, connection state,
//!   `InternetErrorDlg` without UI, request-file locks);
//! * [`wininet_api`]: the typed WinINet API ([`wininet_api::WinInet`]) over the engine with
//!   its network executor (HTTP, FTP, Gopher).
//!
//! For WinINet's FTP and Gopher functions, [`ftp`] (a session on suppaftp) and [`gopher`] (a
//! hand-written RFC 1436 / Gopher+ client) report failures as [`InetError`] with WinINet's
//! codes (`ERROR_INTERNET_*`, `ERROR_FTP_*`, `ERROR_GOPHER_*`).
//!
//! Invariants kept by every module: no `unsafe`, no panic on anything a peer sends, every
//! read bounded by a size limit and (on a socket) by a timeout that reports
//! `ERROR_WINHTTP_TIMEOUT`; every failure is a Windows error code taken from `windows-sys`
//! ([`NetError::code`]).

pub mod cookies;
pub mod error;
pub mod executor;
pub mod ftp;
pub mod gopher;
pub mod headers;
pub mod http;
pub mod inet_error;
pub mod runtime;
pub mod time;
pub mod url;
pub mod winhttp;
pub mod winhttp_api;
pub mod winhttp_exec;
pub mod winhttp_names;
pub mod wininet;
pub mod wininet_api;
pub mod ws;

pub use error::{NetError, NetResult};
pub use inet_error::{InetError, InetResult};
