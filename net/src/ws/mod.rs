//! WebSocket support for the WinHTTP websocket API (`WinHttpWebSocket*`).
//!
//! [`frame`] is pure: the frame codec on tungstenite's public frame layer, the mapping between
//! WinHTTP buffer types and RFC 6455 opcodes, and the upgrade-handshake key helpers. The
//! socket side (sending, receiving, close timers, cancellation — WH-R37…R41) lives with the
//! executor and drives this codec.
pub mod frame;
