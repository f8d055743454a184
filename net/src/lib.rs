//! hinternet-net (pure part): URL, date, header, websocket-frame and cookie logic.
pub mod cookies;
pub mod headers;
pub mod time;
pub mod url;
pub mod ws;
