//! hinternet-net: the real-network side of hinternet (WinHTTP and WinINet).
//!
//! This part of the crate is pure — no sockets, no runtime — and holds the Windows-compatible
//! logic the executor and the typed API build on:
//!
//! * [`url`]: `WinHttpCrackUrl` / `WinHttpCreateUrl` and the WinINet URL functions;
//! * [`time`]: HTTP dates ⇄ `SYSTEMTIME` with Windows' lenient parsing;
//! * [`headers`]: the header store in wire order and the `QueryHeaders` / `HttpQueryInfo`
//!   engine, plus `AddRequestHeaders` modifiers;
//! * [`ws`]: the websocket frame codec with WinHTTP buffer types and handshake helpers;
//! * [`cookies`]: the session cookie jar.
//!
//! Every failure is a Windows error code taken from `windows-sys`.
pub mod cookies;
pub mod headers;
pub mod time;
pub mod url;
pub mod ws;
