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
mod tests {
    use super::*;

    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    /// A server (unmasked) frame.
    fn server_frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        match payload.len() {
            n @ 0..=125 => out.push(n as u8),
            n @ 126..=65535 => {
                out.push(126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(payload);
        out
    }

    fn data(buffer_type: BufferType, payload: &[u8]) -> Option<Received> {
        Some(Received::Data {
            buffer_type,
            payload: payload.to_vec(),
        })
    }

    #[test]
    fn buffer_types_map_both_ways() {
        for t in [
            BufferType::BinaryMessage,
            BufferType::BinaryFragment,
            BufferType::Utf8Message,
            BufferType::Utf8Fragment,
            BufferType::Close,
        ] {
            assert_eq!(BufferType::from_winhttp(t.to_winhttp()), Ok(t));
        }
        assert_eq!(BufferType::from_winhttp(5), Err(ERROR_INVALID_PARAMETER));
    }

    #[test]
    fn rfc_6455_masked_hello_example() {
        // RFC 6455 §5.7: a masked "Hello" from a client.
        let mut enc = Encoder::new();
        let bytes = enc
            .encode_send(BufferType::Utf8Message, b"Hello", MASK)
            .expect("encodes");
        assert_eq!(
            bytes,
            [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        );
    }

    #[test]
    fn fragments_use_continuation_and_keep_their_kind() {
        let mut enc = Encoder::new();
        let first = enc
            .encode_send(BufferType::BinaryFragment, b"ab", MASK)
            .expect("first");
        assert_eq!(first[0], 0x02, "binary opcode, FIN clear");
        assert_eq!(enc.open_fragment(), Some(MessageKind::Binary));
        // WH-R39: a UTF8 type after a binary fragment is 87.
        assert_eq!(
            enc.encode_send(BufferType::Utf8Message, b"x", MASK),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            enc.encode_send(BufferType::Close, b"", MASK),
            Err(ERROR_INVALID_PARAMETER)
        );
        let middle = enc
            .encode_send(BufferType::BinaryFragment, b"cd", MASK)
            .expect("middle");
        assert_eq!(middle[0], 0x00, "continuation, FIN clear");
        let last = enc
            .encode_send(BufferType::BinaryMessage, b"ef", MASK)
            .expect("last");
        assert_eq!(last[0], 0x80, "continuation, FIN set");
        assert_eq!(enc.open_fragment(), None);
        let text = enc
            .encode_send(BufferType::Utf8Message, b"x", MASK)
            .expect("new message");
        assert_eq!(text[0], 0x81);
        assert_eq!(text[1] & 0x80, 0x80, "client frames are masked");
    }

    /// WH-R9 table: a close reason over 123 bytes is 87 (WinHttpWebSocketShutdown / Close).
    #[test]
    fn close_frame_encoding() {
        let bytes = encode_close(1000, b"bye", MASK).expect("encodes");
        assert_eq!(bytes[0], 0x88);
        assert_eq!(bytes[1], 0x80 | 5);
        let unmasked: Vec<u8> = bytes[6..]
            .iter()
            .zip(MASK.iter().cycle())
            .map(|(b, m)| b ^ m)
            .collect();
        assert_eq!(unmasked, [0x03, 0xe8, b'b', b'y', b'e']);
        assert_eq!(
            encode_close(1000, &[b'a'; 124], MASK),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert!(encode_close(1000, &[b'a'; 123], MASK).is_ok());
        assert_eq!(
            encode_close(EMPTY_CLOSE_STATUS, b"", MASK).map(|b| b[1]),
            Ok(0x80)
        );
        assert_eq!(
            encode_close(EMPTY_CLOSE_STATUS, b"r", MASK),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn large_message_comes_back_in_buffer_sized_fragments() {
        let mut dec = Decoder::new(1 << 20);
        dec.feed(&server_frame(0x82, b"0123456789"));
        assert_eq!(
            dec.poll(4, MASK),
            Ok(data(BufferType::BinaryFragment, b"0123"))
        );
        assert_eq!(
            dec.poll(4, MASK),
            Ok(data(BufferType::BinaryFragment, b"4567"))
        );
        assert_eq!(
            dec.poll(4, MASK),
            Ok(data(BufferType::BinaryMessage, b"89"))
        );
        assert_eq!(dec.poll(4, MASK), Ok(None));
        assert!(!dec.in_message());
    }

    #[test]
    fn server_fragmented_text_message_and_partial_input() {
        let mut dec = Decoder::new(1 << 20);
        let mut wire = server_frame(0x01, b"he");
        wire.extend(server_frame(0x80, b"llo"));
        // Byte by byte: every payload byte comes back as soon as it arrives; only the very
        // last byte of the message is a MESSAGE, the others are FRAGMENTs.
        let mut got = Vec::new();
        for b in &wire {
            dec.feed(&[*b]);
            while let Some(event) = dec.poll(64, MASK).expect("valid") {
                got.push(event);
            }
        }
        let expected: Vec<Received> = [
            (BufferType::Utf8Fragment, b"h"),
            (BufferType::Utf8Fragment, b"e"),
            (BufferType::Utf8Fragment, b"l"),
            (BufferType::Utf8Fragment, b"l"),
            (BufferType::Utf8Message, b"o"),
        ]
        .into_iter()
        .filter_map(|(t, p)| data(t, p))
        .collect();
        assert_eq!(got, expected);
        assert!(dec.is_idle());

        // The same bytes fed at once: one chunk per frame.
        let mut whole = Decoder::new(1 << 20);
        whole.feed(&wire);
        assert_eq!(
            whole.poll(64, MASK),
            Ok(data(BufferType::Utf8Fragment, b"he"))
        );
        assert_eq!(
            whole.poll(64, MASK),
            Ok(data(BufferType::Utf8Message, b"llo"))
        );
        // A frame cut in its header is not idle: EOF there is a broken frame.
        whole.feed(&[0x82]);
        assert_eq!(whole.poll(64, MASK), Ok(None));
        assert!(!whole.is_idle());
    }

    #[test]
    fn utf8_split_across_chunks_is_valid_but_invalid_bytes_are_1007() {
        let mut dec = Decoder::new(1 << 20);
        dec.feed(&server_frame(0x81, "é!".as_bytes()));
        assert_eq!(
            dec.poll(1, MASK),
            Ok(data(BufferType::Utf8Fragment, &[0xc3]))
        );
        assert_eq!(
            dec.poll(8, MASK),
            Ok(data(BufferType::Utf8Message, &[0xa9, b'!']))
        );

        let mut bad = Decoder::new(1 << 20);
        bad.feed(&server_frame(0x81, &[b'a', 0xff]));
        let err = DecodeError {
            error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            close_status: Some(wh::WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS as u16),
        };
        assert_eq!(bad.poll(8, MASK), Err(err));
        assert_eq!(bad.poll(8, MASK), Err(err), "stays failed");

        let mut truncated = Decoder::new(1 << 20);
        truncated.feed(&server_frame(0x81, &[0xc3]));
        assert_eq!(
            truncated.poll(8, MASK),
            Err(err),
            "message ends inside a character"
        );
    }

    #[test]
    fn protocol_violations_are_12152_with_1002_or_1009() {
        let protocol = DecodeError {
            error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            close_status: Some(wh::WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS as u16),
        };
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("masked server frame", vec![0x82, 0x81, 1, 2, 3, 4, 0]),
            ("reserved opcode", vec![0x83, 0x00]),
            ("rsv bit", vec![0xc2, 0x00]),
            ("continuation without message", vec![0x80, 0x00]),
            ("fragmented ping", vec![0x09, 0x00]),
            ("long ping", server_frame(0x89, &[0; 126])),
            ("one-byte close", vec![0x88, 0x01, 0x03]),
            (
                "new message inside fragmented one",
                [server_frame(0x02, b"a"), server_frame(0x82, b"b")].concat(),
            ),
        ];
        for (what, wire) in cases {
            let mut dec = Decoder::new(1 << 20);
            dec.feed(&wire);
            let mut result = dec.poll(64, MASK);
            // Let a first, valid fragment through.
            if matches!(result, Ok(Some(_))) {
                result = dec.poll(64, MASK);
            }
            assert_eq!(result, Err(protocol), "{what}");
        }
        let mut dec = Decoder::new(16);
        dec.feed(&server_frame(0x82, &[0; 17]));
        assert_eq!(
            dec.poll(64, MASK),
            Err(DecodeError {
                error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
                close_status: Some(wh::WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS as u16)
            })
        );
        // A 64-bit length far beyond memory is refused from the header alone.
        let mut huge = Decoder::new(1 << 20);
        huge.feed(&[0x82, 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert!(huge.poll(64, MASK).is_err());
    }

    #[test]
    fn control_frames_between_fragments() {
        let mut dec = Decoder::new(1 << 20);
        let wire = [
            server_frame(0x01, b"a"),
            server_frame(0x89, b"hi"),
            server_frame(0x8a, b""),
            server_frame(0x80, b"b"),
            server_frame(0x88, &[0x03, 0xe8, b'o', b'k']),
        ]
        .concat();
        dec.feed(&wire);
        assert_eq!(dec.poll(64, MASK), Ok(data(BufferType::Utf8Fragment, b"a")));
        let pong = encode_pong(b"hi", MASK);
        assert_eq!(pong[0], 0x8a);
        assert_eq!(dec.poll(64, MASK), Ok(Some(Received::Ping { pong })));
        assert_eq!(dec.poll(64, MASK), Ok(Some(Received::Pong)));
        assert_eq!(dec.poll(64, MASK), Ok(data(BufferType::Utf8Message, b"b")));
        assert_eq!(
            dec.poll(64, MASK),
            Ok(Some(Received::Close {
                status: 1000,
                reason: b"ok".to_vec()
            }))
        );
    }

    /// WH-R41: the peer's close is reported as buffer type CLOSE; a body-less close frame
    /// reads as status 1005 (`WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS`).
    #[test]
    fn close_without_body_is_1005_and_bad_reason_is_1007() {
        let mut dec = Decoder::new(1 << 20);
        dec.feed(&server_frame(0x88, b""));
        assert_eq!(
            dec.poll(8, MASK),
            Ok(Some(Received::Close {
                status: EMPTY_CLOSE_STATUS,
                reason: Vec::new()
            }))
        );
        let mut bad = Decoder::new(1 << 20);
        bad.feed(&server_frame(0x88, &[0x03, 0xe8, 0xff]));
        assert_eq!(
            bad.poll(8, MASK).map_err(|e| e.close_status),
            Err(Some(1007))
        );
    }

    #[test]
    fn empty_messages_and_zero_buffer() {
        let mut dec = Decoder::new(1 << 20);
        dec.feed(
            &[
                server_frame(0x81, b""),
                server_frame(0x02, b""),
                server_frame(0x80, b"z"),
            ]
            .concat(),
        );
        assert_eq!(dec.poll(8, MASK), Ok(data(BufferType::Utf8Message, b"")));
        assert_eq!(
            dec.poll(8, MASK),
            Ok(data(BufferType::BinaryMessage, b"z")),
            "empty non-final fragment skipped"
        );
        assert_eq!(
            dec.poll(0, MASK).map_err(|e| e.error),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn sixteen_bit_lengths_round_trip_through_tungstenite() {
        let payload = vec![7u8; 300];
        let mut dec = Decoder::new(1 << 20);
        dec.feed(&server_frame(0x82, &payload));
        assert_eq!(
            dec.poll(1000, MASK),
            Ok(data(BufferType::BinaryMessage, &payload))
        );
        let mut enc = Encoder::new();
        let bytes = enc
            .encode_send(BufferType::BinaryMessage, &payload, MASK)
            .expect("encodes");
        assert_eq!(bytes[1], 0x80 | 126);
        assert_eq!(bytes.len(), 2 + 2 + 4 + 300);
    }

    #[test]
    fn handshake_keys() {
        // RFC 6455 §1.3 example.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        let key = generate_key().expect("OS randomness");
        assert_eq!(key.len(), 24);
        assert_ne!(key, generate_key().expect("OS randomness"));
        let good = HeaderStore::parse_response_head(&format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
            accept_key(&key)
        ))
        .expect("head");
        assert_eq!(verify_upgrade(101, &good, &key), Ok(()));
        assert_eq!(
            verify_upgrade(200, &good, &key),
            Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        );
        let wrong = HeaderStore::parse_response_head(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
        )
        .expect("head");
        assert_eq!(
            verify_upgrade(101, &wrong, &key),
            Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        );
        assert_eq!(random_mask().map(|m| m.len()), Ok(4));
        let headers = upgrade_request_headers(&key);
        assert_eq!(headers[2], ("Sec-WebSocket-Version", "13".to_owned()));
        assert_eq!(headers[3], ("Sec-WebSocket-Key", key.clone()));
    }

    #[test]
    fn hostile_byte_soup_never_panics() {
        // A deterministic pseudo-random stream (xorshift), bounded in length.
        let mut state: u32 = 0x9e37_79b9;
        for round in 0..200 {
            let mut dec = Decoder::new(4096);
            let len = 1 + round * 3;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as u8
                })
                .collect();
            dec.feed(&bytes);
            for _ in 0..64 {
                match dec.poll(7, MASK) {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            assert!(dec.buffered() <= bytes.len());
        }
    }
}
