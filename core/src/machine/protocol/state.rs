//! The small protocol state every object carries: its [`Phase`] and its [`flag`]s.
//!
//! Owns: [`Phase`] (one enum for every handle kind, each kind using its own subset),
//! the [`flag`] bits and [`ProtoState`]. Invariant: a fresh object starts in
//! [`Phase::initial`] of its kind with no flags set.

use super::*;

/// The protocol phase of one object. One enum for every kind keeps the state small
/// and the table uniform; each kind uses its own subset (see [`Phase::initial`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// No protocol state (sessions, roots, connects, find handles).
    None,
    /// Request never sent, or its last send or receive failed (Wine's `NONE`).
    Idle,
    /// A send is accepted and not finished; its body is still to be written.
    Sending,
    /// A WinHTTP send carrying its whole body is accepted and not finished: the reply
    /// is read inside it (WH-R21).
    SendingFull,
    /// WinHTTP `REQUEST_SENT`: headers sent, body to be written with `WriteData`.
    Sent,
    /// WinHTTP `REPLY_RECEIVED`: the reply was read during the send (WH-R21, WH-R24).
    ReplyReady,
    /// A `WinHttpReceiveResponse` is accepted and not finished.
    Receiving,
    /// A response is available: headers can be queried, the body read.
    Response,
    /// WinINet: `HttpSendRequestEx` accepted and not finished.
    ExSending,
    /// WinINet: after `HttpSendRequestEx`: the body is written with
    /// `InternetWriteFile`, then `HttpEndRequest`.
    ExOpen,
    /// WinINet: `HttpEndRequest` accepted and not finished.
    Ending,
    /// WinINet: the last send failed (no connection exists).
    Failed,
    /// A data stream (FTP or Gopher file): read (or written) at will.
    Stream,
    /// Websocket `OPEN`.
    WsOpen,
    /// Websocket `SHUTDOWN`: our close frame is sent (or being sent).
    WsShutdown,
    /// Websocket `CLOSED`: `WinHttpWebSocketClose` was called.
    WsClosed,
}

impl Phase {
    /// Every phase, in declaration order.
    pub const ALL: [Phase; 16] = [
        Phase::None,
        Phase::Idle,
        Phase::Sending,
        Phase::SendingFull,
        Phase::Sent,
        Phase::ReplyReady,
        Phase::Receiving,
        Phase::Response,
        Phase::ExSending,
        Phase::ExOpen,
        Phase::Ending,
        Phase::Failed,
        Phase::Stream,
        Phase::WsOpen,
        Phase::WsShutdown,
        Phase::WsClosed,
    ];

    /// The phase a new object of `kind` starts in.
    pub const fn initial(kind: HandleKind) -> Phase {
        match kind {
            HandleKind::WinHttpRequest | HandleKind::HttpRequest => Phase::Idle,
            // InternetOpenUrl returns a handle whose response has arrived.
            HandleKind::UrlResource => Phase::Response,
            HandleKind::FtpFile | HandleKind::GopherFile => Phase::Stream,
            HandleKind::WinHttpWebSocket => Phase::WsOpen,
            _ => Phase::None,
        }
    }

    /// Its name in the table.
    pub const fn name(self) -> &'static str {
        match self {
            Phase::None => "None",
            Phase::Idle => "Idle",
            Phase::Sending => "Sending",
            Phase::SendingFull => "SendingFull",
            Phase::Sent => "Sent",
            Phase::ReplyReady => "ReplyReady",
            Phase::Receiving => "Receiving",
            Phase::Response => "Response",
            Phase::ExSending => "ExSending",
            Phase::ExOpen => "ExOpen",
            Phase::Ending => "Ending",
            Phase::Failed => "Failed",
            Phase::Stream => "Stream",
            Phase::WsOpen => "WsOpen",
            Phase::WsShutdown => "WsShutdown",
            Phase::WsClosed => "WsClosed",
        }
    }

    /// What the phase means, for the generated table.
    pub const fn meaning(self) -> &'static str {
        match self {
            Phase::None => "no protocol state (sessions, roots, connects, find handles)",
            Phase::Idle => "request never sent, or its last send/receive failed (Wine `NONE`)",
            Phase::Sending => "a send is pending; the body is still to be written",
            Phase::SendingFull => {
                "a WinHTTP send with its whole body is pending; the reply is read inside it"
            }
            Phase::Sent => "WinHTTP `REQUEST_SENT`: body to be written with WinHttpWriteData",
            Phase::ReplyReady => "WinHTTP `REPLY_RECEIVED`: the reply was read during the send",
            Phase::Receiving => "a WinHttpReceiveResponse is pending",
            Phase::Response => "a response is available (headers, body)",
            Phase::ExSending => "WinINet HttpSendRequestEx pending",
            Phase::ExOpen => "WinINet between HttpSendRequestEx and HttpEndRequest",
            Phase::Ending => "WinINet HttpEndRequest pending",
            Phase::Failed => "WinINet: the last send failed (no connection)",
            Phase::Stream => "FTP/Gopher file: a data stream",
            Phase::WsOpen => "websocket `OPEN`",
            Phase::WsShutdown => "websocket `SHUTDOWN` (our close frame sent)",
            Phase::WsClosed => "websocket `CLOSED` (WinHttpWebSocketClose called)",
        }
    }
}

/// Protocol flags of [`ProtoState`].
pub mod flag {
    /// The response carried an authentication challenge (401/407): WinHttpQueryAuthSchemes
    /// has something to report (WH-R29).
    pub const CHALLENGED: u8 = 1;
    /// The response body has ended: reads complete at once with 0 bytes.
    pub const EOF: u8 = 2;
    /// Websocket: the peer's close frame was received (WH-R39).
    pub const CLOSE_RECEIVED: u8 = 4;
    /// Websocket: the last send was a `BINARY_FRAGMENT` (WH-R39).
    pub const FRAG_BINARY: u8 = 8;
    /// Websocket: the last send was a `UTF8_FRAGMENT`.
    pub const FRAG_UTF8: u8 = 16;

    /// The running send has reported its resolve/connect progress (cleared when an
    /// operation ends or a redirect re-sends).
    pub const CONNECT_REPORTED: u8 = 32;

    /// The running send has reported `RESOLVING_NAME` as the resolution started
    /// ([`ProtocolEvent::Resolving`](crate::ProtocolEvent::Resolving)); its `Connecting`
    /// then emits the rest (cleared with [`CONNECT_REPORTED`]).
    pub const RESOLVING: u8 = 64;

    /// A redirect or an authentication re-send of the operation at the head of the main
    /// lane has started and its `SENDING_REQUEST` is not out yet: the re-send's new
    /// connection may report its resolve/connect progress now (WH-R30, WH-R42); the next
    /// `ProtocolEvent::Progress`, redirect, re-send or successful completion emits the
    /// re-send's `SENDING_REQUEST`, `REQUEST_SENT` first (cleared then, or when the
    /// operation ends).
    pub const RESENDING: u8 = 128;

    /// `(flag, name)` for the generated table.
    pub const NAMES: [(u8, &str); 8] = [
        (CHALLENGED, "CHALLENGED"),
        (EOF, "EOF"),
        (CLOSE_RECEIVED, "CLOSE_RECEIVED"),
        (FRAG_BINARY, "FRAG_BINARY"),
        (FRAG_UTF8, "FRAG_UTF8"),
        (CONNECT_REPORTED, "CONNECT_REPORTED"),
        (RESOLVING, "RESOLVING"),
        (RESENDING, "RESENDING"),
    ];
}

/// The protocol state of one object: small, because the model checker hashes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProtoState {
    /// The phase.
    pub phase: Phase,
    /// [`flag`] bits.
    pub flags: u8,
    /// Response bytes buffered and readable without blocking (reported by
    /// [`ProtocolEvent::DataBuffered`](crate::ProtocolEvent::DataBuffered)).
    pub avail: u32,
    /// How many of the completion progress notifications of the operation at the head of
    /// the main lane were already emitted as they happened
    /// ([`ProtocolEvent::Progress`](crate::ProtocolEvent::Progress)); the completion emits
    /// only the rest. Zero between operations (reset when an operation ends or a redirect
    /// starts the re-send).
    pub progressed: u8,
}

impl ProtoState {
    /// The state of a new object of `kind`.
    pub const fn new(kind: HandleKind) -> ProtoState {
        ProtoState {
            phase: Phase::initial(kind),
            flags: 0,
            avail: 0,
            progressed: 0,
        }
    }

    /// True when every bit of `f` is set.
    pub const fn has(&self, f: u8) -> bool {
        self.flags & f == f
    }

    /// True when a read or `QueryDataAvailable` cannot block: data is buffered or the
    /// body has ended.
    pub const fn data_ready(&self) -> bool {
        self.avail > 0 || self.has(flag::EOF)
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{Phase, ProtoState};
    use crate::pack::{pack_fieldless, pack_struct};

    pack_fieldless!(Phase {
        None,
        Idle,
        Sending,
        SendingFull,
        Sent,
        ReplyReady,
        Receiving,
        Response,
        ExSending,
        ExOpen,
        Ending,
        Failed,
        Stream,
        WsOpen,
        WsShutdown,
        WsClosed,
    });
    pack_struct!(ProtoState {
        phase,
        flags,
        avail,
        progressed,
    });
}
