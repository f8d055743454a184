//! `hinternet-net`: the real-network layer under hinternet's WinHTTP executor.
//!
//! This crate owns the bytes on the wire and nothing of the handle lifecycle: it opens TCP and
//! TLS connections, writes HTTP/1.1 requests, parses responses and decodes their bodies, keeps
//! idle connections for reuse, and reports every failure as the Windows error code WinHTTP
//! would report ([`NetError::code`]). The executor that drives the lifecycle engine calls the
//! step-by-step functions of [`http::Exchange`] and [`http::conn`] and sends the WinHTTP
//! notifications between the steps.
//!
//! For WinINet's FTP and Gopher functions, [`ftp`] (a session on suppaftp) and [`gopher`] (a
//! hand-written RFC 1436 / Gopher+ client) report failures as [`InetError`] with WinINet's
//! codes (`ERROR_INTERNET_*`, `ERROR_FTP_*`, `ERROR_GOPHER_*`).
//!
//! Invariants kept by every module: no `unsafe`, no panic on anything a peer sends, every
//! read bounded by a size limit and (on a socket) by a timeout that reports
//! `ERROR_WINHTTP_TIMEOUT`.

pub mod error;
pub mod ftp;
pub mod gopher;
pub mod http;
pub mod inet_error;

pub use error::{NetError, NetResult};
pub use inet_error::{InetError, InetResult};
