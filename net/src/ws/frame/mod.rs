//! The websocket frame codec with WinHTTP's buffer-type semantics, on tungstenite's public
//! frame layer (`FrameHeader::parse`, `Frame::format`).
//!
//! Owns:
//! * [`BufferType`] ⇄ `WINHTTP_WEB_SOCKET_*_BUFFER_TYPE` and the opcode/FIN mapping;
//! * [`Encoder`]: client frames (always masked) for `WinHttpWebSocketSend`, enforcing that a
//!   fragmented message keeps its kind (WH-R39: after a BINARY fragment a UTF8 type is
//!   `ERROR_INVALID_PARAMETER`), plus close and pong frames;
//! * [`Decoder`]: an incremental receive decoder fed raw bytes that yields
//!   `(buffer type, payload chunk)` no larger than the caller's buffer — a message larger than
//!   the buffer (or arriving in pieces) comes back as `*_FRAGMENT` chunks and its last chunk as
//!   `*_MESSAGE`, the way `WinHttpWebSocketReceive` reports it — plus pings (with the pong to send) and the peer's
//!   close (status 1005 when the frame has no body; delivered as buffer type CLOSE, WH-R41);
//! * the upgrade-handshake helpers (`Sec-WebSocket-Key`, `Sec-WebSocket-Accept`).
//!
//! Invariants: the decoder never panics on any input; it holds only the bytes fed and not yet
//! consumed, and a frame's declared length is checked against the limit before any of its
//! payload is awaited; a protocol violation is reported once as
//! `ERROR_WINHTTP_INVALID_SERVER_RESPONSE` together with the close status a client should send
//! (1002 protocol error, 1007 invalid UTF-8, 1009 too big) and the decoder then stays failed.

use crate::headers::HeaderStore;
use base64::Engine as _;
use sha1::{Digest, Sha1};
use std::io::Cursor;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode};
use tungstenite::protocol::frame::{Frame, FrameHeader};
use tungstenite::Bytes;
use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp as wh;

/// The WinHTTP buffer types of `WinHttpWebSocketSend` / `Receive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferType {
    /// A whole binary message, or the last chunk of one.
    BinaryMessage,
    /// A chunk of a binary message with more to come.
    BinaryFragment,
    /// A whole UTF-8 message, or the last chunk of one.
    Utf8Message,
    /// A chunk of a UTF-8 message with more to come.
    Utf8Fragment,
    /// A close frame.
    Close,
}

impl BufferType {
    /// The `WINHTTP_WEB_SOCKET_BUFFER_TYPE` value.
    pub fn to_winhttp(self) -> wh::WINHTTP_WEB_SOCKET_BUFFER_TYPE {
        match self {
            BufferType::BinaryMessage => wh::WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
            BufferType::BinaryFragment => wh::WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
            BufferType::Utf8Message => wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
            BufferType::Utf8Fragment => wh::WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
            BufferType::Close => wh::WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
        }
    }

    /// From a `WINHTTP_WEB_SOCKET_BUFFER_TYPE` value; an unknown value is
    /// `ERROR_INVALID_PARAMETER`.
    pub fn from_winhttp(value: wh::WINHTTP_WEB_SOCKET_BUFFER_TYPE) -> Result<Self, u32> {
        match value {
            wh::WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE => Ok(BufferType::BinaryMessage),
            wh::WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE => Ok(BufferType::BinaryFragment),
            wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE => Ok(BufferType::Utf8Message),
            wh::WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE => Ok(BufferType::Utf8Fragment),
            wh::WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE => Ok(BufferType::Close),
            _ => Err(ERROR_INVALID_PARAMETER),
        }
    }

    fn kind(self) -> Option<MessageKind> {
        match self {
            BufferType::BinaryMessage | BufferType::BinaryFragment => Some(MessageKind::Binary),
            BufferType::Utf8Message | BufferType::Utf8Fragment => Some(MessageKind::Utf8),
            BufferType::Close => None,
        }
    }

    fn is_fragment(self) -> bool {
        matches!(self, BufferType::BinaryFragment | BufferType::Utf8Fragment)
    }

    fn of(kind: MessageKind, last: bool) -> Self {
        match (kind, last) {
            (MessageKind::Binary, true) => BufferType::BinaryMessage,
            (MessageKind::Binary, false) => BufferType::BinaryFragment,
            (MessageKind::Utf8, true) => BufferType::Utf8Message,
            (MessageKind::Utf8, false) => BufferType::Utf8Fragment,
        }
    }
}

/// Text or binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// Binary data (opcode 2).
    Binary,
    /// UTF-8 text (opcode 1).
    Utf8,
}

/// Longest close reason in bytes (`WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH`).
pub const MAX_CLOSE_REASON: usize = wh::WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH as usize;

/// Longest control-frame payload (RFC 6455 §5.5).
const MAX_CONTROL_PAYLOAD: u64 = 125;

/// Close status of a close frame without a body.
pub const EMPTY_CLOSE_STATUS: u16 = wh::WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS as u16;

fn encode(header: FrameHeader, payload: &[u8]) -> Vec<u8> {
    let frame = Frame::from_payload(header, Bytes::copy_from_slice(payload));
    let mut out = Vec::with_capacity(frame.len());
    // Writing into a Vec cannot fail (io::Write for Vec<u8> is infallible); keep the bytes
    // written so far if it ever did.
    let _ = frame.format(&mut out);
    out
}

fn client_header(opcode: OpCode, is_final: bool, mask: [u8; 4]) -> FrameHeader {
    FrameHeader {
        is_final,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode,
        mask: Some(mask),
    }
}

/// Send-side state of one websocket: whether a fragmented message is open, and of which kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encoder {
    open_fragment: Option<MessageKind>,
}

impl Encoder {
    /// A fresh encoder (no message open).
    pub fn new() -> Self {
        Self::default()
    }

    /// The kind of the fragmented message currently open, if any.
    pub fn open_fragment(&self) -> Option<MessageKind> {
        self.open_fragment
    }

    /// Checks a `WinHttpWebSocketSend` buffer type against the open message without changing
    /// state: `CLOSE` is not sendable this way and a fragmented message cannot change kind
    /// (both `ERROR_INVALID_PARAMETER`, WH-R39).
    pub fn check_send(&self, buffer_type: BufferType) -> Result<MessageKind, u32> {
        let kind = buffer_type.kind().ok_or(ERROR_INVALID_PARAMETER)?;
        match self.open_fragment {
            Some(open) if open != kind => Err(ERROR_INVALID_PARAMETER),
            _ => Ok(kind),
        }
    }

    /// Encodes one `WinHttpWebSocketSend` as a masked client frame: the first chunk of a
    /// message gets the text/binary opcode, later ones the continuation opcode; FIN is set
    /// for the `*_MESSAGE` types.
    pub fn encode_send(
        &mut self,
        buffer_type: BufferType,
        payload: &[u8],
        mask: [u8; 4],
    ) -> Result<Vec<u8>, u32> {
        let kind = self.check_send(buffer_type)?;
        let opcode = match (self.open_fragment, kind) {
            (Some(_), _) => OpCode::Data(Data::Continue),
            (None, MessageKind::Binary) => OpCode::Data(Data::Binary),
            (None, MessageKind::Utf8) => OpCode::Data(Data::Text),
        };
        let is_final = !buffer_type.is_fragment();
        self.open_fragment = if is_final { None } else { Some(kind) };
        Ok(encode(client_header(opcode, is_final, mask), payload))
    }
}

/// Encodes a client close frame with `status` and `reason` (`WinHttpWebSocketClose` /
/// `Shutdown`). A reason over 123 bytes is `ERROR_INVALID_PARAMETER`; status 1005 with no
/// reason sends a close frame without a body (1005 must not appear on the wire), and 1005
/// with a reason is `ERROR_INVALID_PARAMETER`.
pub fn encode_close(status: u16, reason: &[u8], mask: [u8; 4]) -> Result<Vec<u8>, u32> {
    if reason.len() > MAX_CLOSE_REASON {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let header = client_header(OpCode::Control(Control::Close), true, mask);
    if status == EMPTY_CLOSE_STATUS {
        if !reason.is_empty() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        return Ok(encode(header, &[]));
    }
    let mut payload = Vec::with_capacity(2 + reason.len());
    payload.extend_from_slice(&status.to_be_bytes());
    payload.extend_from_slice(reason);
    Ok(encode(header, &payload))
}

/// Encodes the masked pong answering a ping with `payload`.
pub fn encode_pong(payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    encode(
        client_header(OpCode::Control(Control::Pong), true, mask),
        payload,
    )
}

/// What the decoder produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// A data chunk for `WinHttpWebSocketReceive`.
    Data {
        /// Its buffer type (fragment while more of the message follows).
        buffer_type: BufferType,
        /// The bytes (at most the caller's buffer length).
        payload: Vec<u8>,
    },
    /// The peer's close frame (reported to the caller as buffer type CLOSE with 0 bytes).
    Close {
        /// Status (1005 when the frame had no body).
        status: u16,
        /// Reason bytes (valid UTF-8, at most 123 bytes).
        reason: Vec<u8>,
    },
    /// A ping; `pong` is the masked frame to send back.
    Ping {
        /// The encoded pong frame.
        pong: Vec<u8>,
    },
    /// An unsolicited or answering pong (nothing to do).
    Pong,
}

/// A receive-side failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The Windows error reported to the caller.
    pub error: u32,
    /// The close status the client should send before aborting, if any.
    pub close_status: Option<u16>,
}

impl DecodeError {
    fn protocol(close_status: wh::WINHTTP_WEB_SOCKET_CLOSE_STATUS) -> Self {
        Self {
            error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            close_status: u16::try_from(close_status).ok(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct OpenFrame {
    control: Option<Control>,
    is_final: bool,
    remaining: u64,
}

/// Incremental UTF-8 validation across chunks (a character may straddle two chunks).
#[derive(Clone, Debug, Default)]
struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    fn push(&mut self, chunk: &[u8], last: bool) -> bool {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(chunk);
        match std::str::from_utf8(&data) {
            Ok(_) => true,
            Err(e) if e.error_len().is_some() => false,
            Err(e) => {
                self.pending = data[e.valid_up_to()..].to_vec();
                !last
            }
        }
    }
}

/// Receive-side decoder for one websocket.
#[derive(Clone, Debug)]
pub struct Decoder {
    input: Vec<u8>,
    frame: Option<OpenFrame>,
    message: Option<MessageKind>,
    utf8: Utf8Stream,
    max_frame_payload: u64,
    failed: Option<DecodeError>,
}

impl Decoder {
    /// A decoder refusing frames whose payload exceeds `max_frame_payload` bytes (close 1009).
    pub fn new(max_frame_payload: u64) -> Self {
        Self {
            input: Vec::new(),
            frame: None,
            message: None,
            utf8: Utf8Stream::default(),
            max_frame_payload,
            failed: None,
        }
    }

    /// Appends bytes read from the socket.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
    }

    /// Bytes fed but not yet consumed.
    pub fn buffered(&self) -> usize {
        self.input.len()
    }

    /// Whether the decoder sits between frames with nothing buffered (a peer that closes the
    /// connection in any other state broke a frame: `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`).
    pub fn is_idle(&self) -> bool {
        self.input.is_empty() && self.frame.is_none()
    }

    /// Whether a data message is partly delivered.
    pub fn in_message(&self) -> bool {
        self.message.is_some()
    }

    fn fail(&mut self, error: DecodeError) -> DecodeError {
        self.failed = Some(error);
        error
    }

    /// Produces the next event for a receive with a buffer of `buffer_len` bytes, or `None`
    /// when more input is needed. A zero `buffer_len` is `ERROR_INVALID_PARAMETER`. A data
    /// chunk is produced as soon as any of the frame's payload is buffered (up to
    /// `buffer_len` bytes), like the socket read behind `WinHttpWebSocketReceive`; it is a
    /// `*_FRAGMENT` unless it ends the message.
    pub fn poll(
        &mut self,
        buffer_len: usize,
        pong_mask: [u8; 4],
    ) -> Result<Option<Received>, DecodeError> {
        if let Some(failed) = self.failed {
            return Err(failed);
        }
        if buffer_len == 0 {
            return Err(DecodeError {
                error: ERROR_INVALID_PARAMETER,
                close_status: None,
            });
        }
        loop {
            let frame = match self.frame {
                Some(frame) => frame,
                None => match self.parse_header()? {
                    Some(frame) => frame,
                    None => return Ok(None),
                },
            };
            if let Some(control) = frame.control {
                let len = usize::try_from(frame.remaining).unwrap_or(usize::MAX);
                if self.input.len() < len {
                    return Ok(None);
                }
                let payload: Vec<u8> = self.input.drain(..len).collect();
                self.frame = None;
                match control {
                    Control::Ping => {
                        return Ok(Some(Received::Ping {
                            pong: encode_pong(&payload, pong_mask),
                        }))
                    }
                    Control::Pong => return Ok(Some(Received::Pong)),
                    Control::Close => return self.close_frame(&payload).map(Some),
                    Control::Reserved(_) => {
                        return Err(self.fail(DecodeError::protocol(
                            wh::WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS,
                        )))
                    }
                }
            }
            let Some(kind) = self.message else {
                // parse_header only opens a data frame together with its message.
                return Err(self.fail(DecodeError::protocol(
                    wh::WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS,
                )));
            };
            let want = usize::try_from(frame.remaining)
                .unwrap_or(usize::MAX)
                .min(buffer_len);
            if want == 0 && !frame.is_final {
                // An empty non-final fragment carries nothing to report.
                self.frame = None;
                continue;
            }
            // Like a socket read (and Wine's receive path): whatever part of the frame has
            // arrived is returned at once, at most `buffer_len` bytes, at least one.
            let want = want.min(self.input.len());
            if want == 0 && frame.remaining > 0 {
                return Ok(None);
            }
            let chunk: Vec<u8> = self.input.drain(..want).collect();
            let remaining = frame.remaining - want as u64;
            let last = remaining == 0 && frame.is_final;
            if kind == MessageKind::Utf8 && !self.utf8.push(&chunk, last) {
                return Err(self.fail(DecodeError::protocol(
                    wh::WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS,
                )));
            }
            self.frame = if remaining == 0 {
                None
            } else {
                Some(OpenFrame { remaining, ..frame })
            };
            if last {
                self.message = None;
            }
            return Ok(Some(Received::Data {
                buffer_type: BufferType::of(kind, last),
                payload: chunk,
            }));
        }
    }

    fn parse_header(&mut self) -> Result<Option<OpenFrame>, DecodeError> {
        let protocol = DecodeError::protocol(wh::WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS);
        let mut cursor = Cursor::new(&self.input[..]);
        let (header, length) = match FrameHeader::parse(&mut cursor) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => return Ok(None),
            Err(_) => return Err(self.fail(protocol)),
        };
        let consumed = usize::try_from(cursor.position())
            .unwrap_or(usize::MAX)
            .min(self.input.len());
        if header.mask.is_some() || header.rsv1 || header.rsv2 || header.rsv3 {
            return Err(self.fail(protocol));
        }
        let frame = match header.opcode {
            OpCode::Control(control) => {
                if !header.is_final || length > MAX_CONTROL_PAYLOAD {
                    return Err(self.fail(protocol));
                }
                OpenFrame {
                    control: Some(control),
                    is_final: true,
                    remaining: length,
                }
            }
            OpCode::Data(data) => {
                if length > self.max_frame_payload {
                    return Err(self.fail(DecodeError::protocol(
                        wh::WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS,
                    )));
                }
                match (data, self.message) {
                    (Data::Continue, Some(_)) => {}
                    (Data::Text, None) => self.message = Some(MessageKind::Utf8),
                    (Data::Binary, None) => self.message = Some(MessageKind::Binary),
                    _ => return Err(self.fail(protocol)),
                }
                OpenFrame {
                    control: None,
                    is_final: header.is_final,
                    remaining: length,
                }
            }
        };
        self.input.drain(..consumed);
        self.frame = Some(frame);
        Ok(Some(frame))
    }

    fn close_frame(&mut self, payload: &[u8]) -> Result<Received, DecodeError> {
        match payload {
            [] => Ok(Received::Close {
                status: EMPTY_CLOSE_STATUS,
                reason: Vec::new(),
            }),
            [_] => Err(self.fail(DecodeError::protocol(
                wh::WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS,
            ))),
            [hi, lo, reason @ ..] => {
                if std::str::from_utf8(reason).is_err() {
                    return Err(self.fail(DecodeError::protocol(
                        wh::WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS,
                    )));
                }
                Ok(Received::Close {
                    status: u16::from_be_bytes([*hi, *lo]),
                    reason: reason.to_vec(),
                })
            }
        }
    }
}

/// The GUID RFC 6455 appends to the key.
const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Random bytes from the OS; a failing source is `ERROR_WINHTTP_INTERNAL_ERROR`.
fn random<const N: usize>() -> Result<[u8; N], u32> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| wh::ERROR_WINHTTP_INTERNAL_ERROR)?;
    Ok(bytes)
}

/// A fresh random frame mask.
pub fn random_mask() -> Result<[u8; 4], u32> {
    random::<4>()
}

/// A fresh `Sec-WebSocket-Key` (16 random bytes, base64).
pub fn generate_key() -> Result<String, u32> {
    Ok(base64::engine::general_purpose::STANDARD.encode(random::<16>()?))
}

/// The `Sec-WebSocket-Accept` a server must answer to `key`.
pub fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(WEBSOCKET_GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// The request headers WinHTTP adds at send time to a request with
/// `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` (WH-R37: they are absent before the send), in the
/// order they go on the wire.
pub fn upgrade_request_headers(key: &str) -> [(&'static str, String); 4] {
    [
        ("Upgrade", "websocket".to_owned()),
        ("Connection", "Upgrade".to_owned()),
        ("Sec-WebSocket-Version", "13".to_owned()),
        ("Sec-WebSocket-Key", key.to_owned()),
    ]
}

/// Checks the upgrade response for `key`: status 101, `Upgrade: websocket`, a `Connection`
/// containing `upgrade`, and the right `Sec-WebSocket-Accept`. Any mismatch is
/// `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`.
pub fn verify_upgrade(status: u16, response: &HeaderStore, key: &str) -> Result<(), u32> {
    let bad = wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    if status != 101 {
        return Err(bad);
    }
    let upgrade_ok = response
        .get("Upgrade")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("websocket"));
    let connection_ok = response.get("Connection").is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
    });
    let accept_ok = response
        .get("Sec-WebSocket-Accept")
        .is_some_and(|v| v.trim() == accept_key(key));
    if upgrade_ok && connection_ok && accept_ok {
        Ok(())
    } else {
        Err(bad)
    }
}

#[cfg(test)]
mod tests;
