//! Per-handle protocol states: which call is legal when, for every handle kind — as data.
//!
//! Owns: [`Phase`] and [`ProtoState`] (the small protocol state every object carries),
//! the legality table [`PROTOCOL_TABLE`] (call × handle kind × state → verdict and next
//! state), the completion table [`COMPLETION_TABLE`] (how the end of an operation moves
//! the state), the progress table [`PROGRESS_TABLE`] (progress emitted at accept and at
//! completion where it differs from the API table), the inline table [`INLINE_TABLE`]
//! (when an operation completes inside its call), and [`render_markdown`], which
//! generates `docs/protocol-table.md` from these tables.
//!
//! # How a call is decided
//!
//! [`decide`] scans [`PROTOCOL_TABLE`] in order; the first row whose call and handle
//! kind match and whose [`When`] holds decides. A call no row matches is legal and
//! leaves the protocol state alone. The machine consults nothing else: no `if` on the
//! protocol state lives outside this module's tables (the handle kind checks stay in
//! the API table, law 8).
//!
//! # Invariants
//!
//! * P1 — a decision is a pure function of the call, the handle kind, the
//!   [`ProtoState`], the async mode, which lanes hold operations, whether an FTP session
//!   has an open transfer or find, and the call's [`CallArg`] ([`Facts`]).
//! * P2 — a [`Verdict::Fail`] changes nothing (law 8).
//! * P3 — the phase moves only at accept (the row's [`Next`]), at completion
//!   ([`COMPLETION_TABLE`]), or on a protocol event.
//! * P4 — accept-time transitions give the state after every queued operation
//!   succeeds; a completion moves the phase only when nothing was accepted after it
//!   (the lane is empty and the phase is the one the operation left). A failed
//!   operation sets its error phase, and the operations queued behind it are decided
//!   again when they reach the head of their lane (a `ReceiveResponse` queued behind a
//!   failed send then fails with `REQUEST_ERROR{1, 12019}`, WH-R22).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use core::fmt::Write as _;

use super::api::{Api, Lane, Shape};
use super::codes::{
    winhttp as wh, wininet as wi, ERROR_FTP_TRANSFER_IN_PROGRESS, ERROR_HTTP_HEADER_NOT_FOUND,
    ERROR_INTERNET_INCORRECT_HANDLE_STATE, ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
    ERROR_INTERNET_INTERNAL_ERROR, ERROR_INTERNET_INVALID_OPERATION,
    ERROR_INTERNET_OPERATION_CANCELLED, ERROR_INTERNET_OPTION_NOT_SETTABLE,
    ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER, ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
};
use super::io::{CallArg, WsBufferType};
use super::kind::{CreateApi, HandleKind, Service};

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

    /// `(flag, name)` for the generated table.
    pub const NAMES: [(u8, &str); 6] = [
        (CHALLENGED, "CHALLENGED"),
        (EOF, "EOF"),
        (CLOSE_RECEIVED, "CLOSE_RECEIVED"),
        (FRAG_BINARY, "FRAG_BINARY"),
        (FRAG_UTF8, "FRAG_UTF8"),
        (CONNECT_REPORTED, "CONNECT_REPORTED"),
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
    /// [`ProtocolEvent::DataBuffered`](super::ProtocolEvent::DataBuffered)).
    pub avail: u32,
}

impl ProtoState {
    /// The state of a new object of `kind`.
    pub const fn new(kind: HandleKind) -> ProtoState {
        ProtoState {
            phase: Phase::initial(kind),
            flags: 0,
            avail: 0,
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

/// Which mode a row applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Both.
    Any,
    /// Synchronous handles only.
    Sync,
    /// Asynchronous handles only.
    Async,
}

/// A condition on the call's [`CallArg`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgIs {
    /// Any argument.
    Any,
    /// Exactly this argument.
    Exactly(CallArg),
    /// A websocket send of a UTF-8 type.
    WsUtf8,
    /// A websocket send of a binary type (the default when no type is given).
    WsBinary,
    /// A websocket send of the `CLOSE` type.
    WsClose,
    /// A query level with this modifier flag set.
    LevelFlag(u32),
    /// A query level whose header index (modifiers removed) is this one.
    Level(u32),
    /// A query level whose header index is above this one.
    LevelAbove(u32),
}

impl ArgIs {
    fn holds(self, arg: CallArg) -> bool {
        let ws = match arg {
            CallArg::WsBuffer(t) => Some(t),
            CallArg::None => Some(WsBufferType::BinaryMessage),
            _ => None,
        };
        match self {
            ArgIs::Any => true,
            ArgIs::Exactly(a) => a == arg,
            ArgIs::WsUtf8 => ws.is_some_and(WsBufferType::is_utf8),
            ArgIs::WsBinary => ws.is_some_and(WsBufferType::is_binary),
            ArgIs::WsClose => ws == Some(WsBufferType::Close),
            ArgIs::LevelFlag(f) => matches!(arg, CallArg::QueryLevel(l) if l & f != 0),
            ArgIs::Level(x) => {
                matches!(arg, CallArg::QueryLevel(l) if l & !wh::QUERY_MODIFIERS == x)
            }
            ArgIs::LevelAbove(x) => {
                matches!(arg, CallArg::QueryLevel(l) if l & !wh::QUERY_MODIFIERS > x)
            }
        }
    }
}

/// The condition of a row: all of its parts must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct When {
    /// The phase is one of these (empty: any phase).
    pub phases: &'static [Phase],
    /// The handle's mode.
    pub mode: Mode,
    /// Flags that must be set.
    pub set: u8,
    /// An operation is queued in this lane.
    pub lane_busy: Option<Lane>,
    /// The FTP session (the handle itself, or the source of a creating call) has an
    /// open file (transfer) or find handle (WI-R11).
    pub ftp_busy: bool,
    /// The call's argument.
    pub arg: ArgIs,
}

/// The condition that always holds.
pub const ALWAYS: When = When {
    phases: &[],
    mode: Mode::Any,
    set: 0,
    lane_busy: None,
    ftp_busy: false,
    arg: ArgIs::Any,
};

const fn in_(phases: &'static [Phase]) -> When {
    When { phases, ..ALWAYS }
}
const fn in_async(phases: &'static [Phase]) -> When {
    When {
        phases,
        mode: Mode::Async,
        ..ALWAYS
    }
}
const fn flag_set(set: u8) -> When {
    When { set, ..ALWAYS }
}
const fn busy(lane: Lane) -> When {
    When {
        lane_busy: Some(lane),
        ..ALWAYS
    }
}
const fn arg(arg: ArgIs) -> When {
    When { arg, ..ALWAYS }
}
const fn option(id: u32) -> When {
    When {
        arg: ArgIs::Exactly(CallArg::Option(id)),
        ..ALWAYS
    }
}
const fn option_in(phases: &'static [Phase], id: u32) -> When {
    When {
        phases,
        arg: ArgIs::Exactly(CallArg::Option(id)),
        ..ALWAYS
    }
}
const FTP_BUSY: When = When {
    ftp_busy: true,
    ..ALWAYS
};

/// What a matching row decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Legal: the call proceeds as its API-table shape says (immediate, or an operation
    /// that may complete inline, see [`INLINE_TABLE`]).
    Proceed,
    /// Rejected synchronously with this error in both modes; nothing changes (law 8).
    Fail(u32),
    /// Synchronous: rejected with this error. Asynchronous: accepted, and its error
    /// completion is delivered inline, inside the call — WinHTTP returns TRUE with last
    /// error 0 and `REQUEST_ERROR{api id, code}` (WH-R23); WinINet returns FALSE with the
    /// code and `REQUEST_COMPLETE{0, code}` (WI-R22).
    FailInline(u32),
    /// A creating call accepted as an asynchronous operation on its source: it returns
    /// NULL with `ERROR_IO_PENDING`, and the new handle is created and delivered as
    /// `dwResult` of `REQUEST_COMPLETE` when it completes (WI-R18).
    PendCreate,
}

/// An extra effect of an accepted call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// None.
    None,
    /// Forget the previous response: buffered data, end of body, challenge (a re-send
    /// drains the previous body, WH-R21, WI-R23).
    ResetResponse,
    /// Websocket send: remember whether a binary or UTF-8 message is being fragmented.
    TrackFragment,
    /// Websocket close: cancel the pending receive inside the call with
    /// `REQUEST_ERROR{0, 12017, RECEIVE}` (WH-R40).
    CancelReceive,
}

/// The state after an accepted call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Next {
    /// The new phase (`None`: unchanged).
    pub phase: Option<Phase>,
    /// The extra effect.
    pub effect: Effect,
}

const KEEP: Next = Next {
    phase: None,
    effect: Effect::None,
};
const fn to(phase: Phase) -> Next {
    Next {
        phase: Some(phase),
        effect: Effect::None,
    }
}
const fn to_with(phase: Phase, effect: Effect) -> Next {
    Next {
        phase: Some(phase),
        effect,
    }
}
const fn effect(effect: Effect) -> Next {
    Next {
        phase: None,
        effect,
    }
}

/// A call the protocol table can name: a function on a handle, or a creating function
/// (judged on its source handle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// A function on a handle.
    Api(Api),
    /// A creating function.
    Create(CreateApi),
}

impl Call {
    /// The Windows name.
    pub const fn name(self) -> &'static str {
        match self {
            Call::Api(a) => a.name(),
            Call::Create(c) => c.name(),
        }
    }
}

/// One row of [`PROTOCOL_TABLE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtoRule {
    /// The call.
    pub call: Call,
    /// The handle kinds the row is about (empty: every kind the call accepts).
    pub kinds: &'static [HandleKind],
    /// The condition.
    pub when: When,
    /// The decision.
    pub verdict: Verdict,
    /// The state after an accepted call.
    pub next: Next,
    /// Evidence from `hinternet-rules.md` or the seeds.
    pub evidence: &'static str,
}

const fn row(
    call: Call,
    kinds: &'static [HandleKind],
    when: When,
    verdict: Verdict,
    next: Next,
    evidence: &'static str,
) -> ProtoRule {
    ProtoRule {
        call,
        kinds,
        when,
        verdict,
        next,
        evidence,
    }
}

const WHR: &[HandleKind] = &[HandleKind::WinHttpRequest];
const WS: &[HandleKind] = &[HandleKind::WinHttpWebSocket];
const WIR: &[HandleKind] = &[HandleKind::HttpRequest];
const WI_HTTP: &[HandleKind] = &[HandleKind::HttpRequest, HandleKind::UrlResource];
const FTPC: &[HandleKind] = &[HandleKind::InternetConnect(Service::Ftp)];
const GOPHERC: &[HandleKind] = &[HandleKind::InternetConnect(Service::Gopher)];
const ROOT: &[HandleKind] = &[HandleKind::InternetRoot];
const CONNECTS: &[HandleKind] = &[
    HandleKind::InternetConnect(Service::Http),
    HandleKind::InternetConnect(Service::Ftp),
    HandleKind::InternetConnect(Service::Gopher),
];
const CONNECTS_AND_REQUESTS: &[HandleKind] = &[
    HandleKind::InternetConnect(Service::Http),
    HandleKind::InternetConnect(Service::Ftp),
    HandleKind::InternetConnect(Service::Gopher),
    HandleKind::HttpRequest,
    HandleKind::UrlResource,
];
const WI_TYPE: u32 = ERROR_INTERNET_INCORRECT_HANDLE_TYPE;
const ANY_KIND: &[HandleKind] = &[];

const WH_STATE: u32 = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
const WI_STATE: u32 = ERROR_INTERNET_INCORRECT_HANDLE_STATE;

use Call::{Api as A, Create as C};
use Phase::{
    Ending, ExOpen, ExSending, Failed, Idle, Receiving, ReplyReady, Response, Sending, SendingFull,
    Sent, WsClosed, WsShutdown,
};
use Verdict::{Fail, FailInline, PendCreate, Proceed};

/// Which call is legal when, for every handle kind (first matching row decides; no row:
/// legal, state unchanged). Rendered into `docs/protocol-table.md`.
#[rustfmt::skip]
pub const PROTOCOL_TABLE: &[ProtoRule] = &[
    // ----- WinHTTP request (WH-R21…R32) ------------------------------------------------
    row(A(Api::WinHttpAddRequestHeaders), WHR, ALWAYS, Proceed, KEEP,
        "seed 001 [D]; no state check in Wine [I]"),
    row(A(Api::WinHttpSetCredentials), WHR, ALWAYS, Proceed, KEEP,
        "seed 001 [D]; no state check in Wine [I]"),
    row(A(Api::WinHttpSendRequest), WHR, arg(ArgIs::Exactly(CallArg::BodyToWrite)), Proceed,
        to_with(Sending, Effect::ResetResponse),
        "WH-R21 [I]: legal in any state, re-send drains [T test_websocket, test_basic_authentication]"),
    row(A(Api::WinHttpSendRequest), WHR, ALWAYS, Proceed,
        to_with(SendingFull, Effect::ResetResponse),
        "WH-R21 [I]: whole body with the call, the reply is read inside the send"),
    row(A(Api::WinHttpWriteData), WHR, in_(&[Sending, Sent]), Proceed, KEEP,
        "WH-R21, WH-R27"),
    row(A(Api::WinHttpWriteData), WHR, in_(&[SendingFull, ReplyReady]),
        Fail(ERROR_INVALID_PARAMETER), KEEP,
        "WH-R27 [T test_WinHttpSendRequest]: all data already passed, Windows >= Win7 gives 87"),
    row(A(Api::WinHttpWriteData), WHR, ALWAYS, Fail(WH_STATE), KEEP,
        "seed 001 [D]: WriteData follows the send"),
    row(A(Api::WinHttpReceiveResponse), WHR, in_async(&[Sending, SendingFull]), Proceed,
        to(Receiving), "WH-R23 [I]: async, queued behind the running send"),
    row(A(Api::WinHttpReceiveResponse), WHR, in_(&[Sent, ReplyReady]), Proceed, to(Receiving),
        "WH-R23, WH-R24 [T test_async]"),
    row(A(Api::WinHttpReceiveResponse), WHR, ALWAYS, FailInline(WH_STATE), KEEP,
        "WH-R22 [T test_resolve_timeout], WH-R23 [T test_async, test_recursion]"),
    row(A(Api::WinHttpQueryHeaders), WHR, arg(ArgIs::LevelAbove(wh::QUERY_MAX)),
        Fail(ERROR_INVALID_PARAMETER), KEEP,
        "WH-R25 [T test_WinHttpSendRequest]: level above WINHTTP_QUERY_MAX"),
    row(A(Api::WinHttpQueryHeaders), WHR, arg(ArgIs::LevelFlag(wh::QUERY_FLAG_REQUEST_HEADERS)),
        Proceed, KEEP, "WH-R25 [T test_WinHttpSendRequest]: request headers always"),
    row(A(Api::WinHttpQueryHeaders), WHR, arg(ArgIs::Level(wh::QUERY_REQUEST_METHOD)),
        Proceed, KEEP, "WH-R25 [T test_WinHttpSendRequest]: the request method always"),
    row(A(Api::WinHttpQueryHeaders), WHR, arg(ArgIs::Exactly(CallArg::RequestHeaders)),
        Proceed, KEEP, "WH-R25 [T test_WinHttpSendRequest]: request headers always"),
    row(A(Api::WinHttpQueryHeaders), WHR, in_(&[Response]), Proceed, KEEP, "WH-R25"),
    row(A(Api::WinHttpQueryHeaders), WHR, ALWAYS, Fail(WH_STATE), KEEP,
        "WH-R25 [T test_websocket]: response headers need a response"),
    row(A(Api::WinHttpQueryAuthSchemes), WHR,
        When { phases: &[Response], set: flag::CHALLENGED, ..ALWAYS }, Proceed, KEEP,
        "WH-R29"),
    row(A(Api::WinHttpQueryAuthSchemes), WHR, ALWAYS, Fail(ERROR_INVALID_OPERATION), KEEP,
        "WH-R29 [T test_basic_request]: no challenge"),
    row(A(Api::WinHttpQueryDataAvailable), WHR, in_(&[Idle]), Fail(WH_STATE), KEEP,
        "WH-R26 [TW test_no_content]: Windows fails before the send; later states: no check [I]"),
    // WinHttpReadData: no state check in Wine and unknown on Windows (WH-R26): legal.
    row(A(Api::WinHttpQueryOption), WHR,
        When { phases: &[Idle], arg: ArgIs::Exactly(CallArg::Option(wh::OPTION_CONNECTION_INFO)), ..ALWAYS },
        Fail(WH_STATE), KEEP, "WH-R29 [T test_connection_info]: no connection yet"),
    // ----- WinHTTP websocket (WH-R37…R41) ---------------------------------------------
    row(A(Api::WinHttpWebSocketSend), WS, in_(&[WsShutdown, WsClosed]),
        Fail(ERROR_INVALID_OPERATION), KEEP, "WH-R39 [T test_websocket]: send only while OPEN"),
    row(A(Api::WinHttpWebSocketSend), WS, flag_set(flag::CLOSE_RECEIVED),
        Fail(ERROR_INVALID_OPERATION), KEEP, "WH-R39 [T test_websocket]: close frame received"),
    row(A(Api::WinHttpWebSocketSend), WS, busy(Lane::Main), Fail(ERROR_INVALID_OPERATION), KEEP,
        "WH-R39 [I]: one pending send"),
    row(A(Api::WinHttpWebSocketSend), WS,
        When { set: flag::FRAG_BINARY, arg: ArgIs::WsUtf8, ..ALWAYS },
        Fail(ERROR_INVALID_PARAMETER), KEEP,
        "WH-R39 [T test_websocket]: UTF8 after BINARY_FRAGMENT"),
    row(A(Api::WinHttpWebSocketSend), WS,
        When { set: flag::FRAG_UTF8, arg: ArgIs::WsBinary, ..ALWAYS },
        Fail(ERROR_INVALID_PARAMETER), KEEP,
        "WH-R39 by symmetry [I]: BINARY after UTF8_FRAGMENT"),
    row(A(Api::WinHttpWebSocketSend), WS, arg(ArgIs::WsClose), Fail(ERROR_INVALID_PARAMETER),
        KEEP, "[I]: close frames go through Shutdown/Close"),
    row(A(Api::WinHttpWebSocketSend), WS, ALWAYS, Proceed, effect(Effect::TrackFragment),
        "WH-R39"),
    row(A(Api::WinHttpWebSocketReceive), WS, in_(&[WsClosed]), Fail(ERROR_INVALID_OPERATION),
        KEEP, "WH-R39 [T test_websocket]"),
    row(A(Api::WinHttpWebSocketReceive), WS, flag_set(flag::CLOSE_RECEIVED),
        Fail(ERROR_INVALID_OPERATION), KEEP, "WH-R39 [T test_websocket]: close frame received"),
    row(A(Api::WinHttpWebSocketReceive), WS, busy(Lane::Receive),
        Fail(ERROR_INVALID_OPERATION), KEEP, "WH-R39 [T test_websocket (test5)]: one pending receive"),
    row(A(Api::WinHttpWebSocketReceive), WS, ALWAYS, Proceed, KEEP, "WH-R39"),
    row(A(Api::WinHttpWebSocketShutdown), WS, in_(&[WsShutdown, WsClosed]),
        Fail(ERROR_INVALID_OPERATION), KEEP, "WH-R39 [T test_websocket]"),
    row(A(Api::WinHttpWebSocketShutdown), WS, ALWAYS, Proceed, to(WsShutdown), "WH-R39"),
    row(A(Api::WinHttpWebSocketClose), WS, in_(&[WsClosed]), Fail(ERROR_INVALID_OPERATION),
        KEEP, "WH-R39 [I]"),
    row(A(Api::WinHttpWebSocketClose), WS, ALWAYS, Proceed,
        to_with(WsClosed, Effect::CancelReceive), "WH-R40 [T test_websocket (websocket_test2)]"),
    row(A(Api::WinHttpWebSocketQueryCloseStatus), WS, flag_set(flag::CLOSE_RECEIVED), Proceed,
        KEEP, "WH-R39"),
    row(A(Api::WinHttpWebSocketQueryCloseStatus), WS, ALWAYS, Fail(ERROR_INVALID_OPERATION),
        KEEP, "WH-R39 [T test_websocket]: before a close frame"),
    // ----- WinINet HTTP request (WI-R17…R24, seed 002) --------------------------------
    row(A(Api::HttpAddRequestHeaders), WIR, ALWAYS, Proceed, KEEP, "seed 002 [D]"),
    row(A(Api::HttpSendRequest), WIR, ALWAYS, Proceed, to_with(Sending, Effect::ResetResponse),
        "WI-R18 [T]; WI-R23 [T test_persistent_connection]: legal in any state, re-send drains"),
    row(A(Api::HttpSendRequestEx), WIR, ALWAYS, Proceed,
        to_with(ExSending, Effect::ResetResponse), "WI-R18 [T test_async_HttpSendRequestEx]"),
    row(A(Api::InternetWriteFile), WIR, busy(Lane::Main), Fail(ERROR_INTERNET_INTERNAL_ERROR),
        KEEP, "WI-R24 by analogy [I]: the request is in use by a pending read"),
    row(A(Api::InternetWriteFile), WIR, in_(&[ExOpen]), Proceed, KEEP,
        "WI-R20 [T test_async_HttpSendRequestEx]; seed 002"),
    row(A(Api::InternetWriteFile), WIR, ALWAYS, Fail(WI_STATE), KEEP,
        "seed 002 [D]: only between HttpSendRequestEx and HttpEndRequest"),
    row(A(Api::HttpEndRequest), WIR, in_(&[ExOpen]), Proceed, to(Ending),
        "WI-R18, WI-R20 [T test_async_HttpSendRequestEx]"),
    row(A(Api::HttpEndRequest), WIR, in_async(&[ExSending]), Proceed, to(Ending),
        "[I] by analogy with WH-R23: async, queued behind the running HttpSendRequestEx"),
    row(A(Api::HttpEndRequest), WIR, in_(&[Idle, Failed]),
        FailInline(ERROR_INTERNET_OPERATION_CANCELLED), KEEP,
        "WI-R19 [T resolve failure], WI-R22 [I]: no connection exists"),
    row(A(Api::HttpEndRequest), WIR, ALWAYS, Fail(WI_STATE), KEEP,
        "seed 002 [D]: after HttpSendRequestEx"),
    row(A(Api::HttpQueryInfo), WIR, in_(&[ExSending, ExOpen, Ending]), Fail(WI_STATE), KEEP,
        "WI-R22 [TW test_async_HttpSendRequestEx]"),
    row(A(Api::HttpQueryInfo), WIR, in_(&[Failed]), Fail(ERROR_HTTP_HEADER_NOT_FOUND), KEEP,
        "WI-R22 [T]: after a failed resolve"),
    row(A(Api::HttpQueryInfo), WIR,
        When { phases: &[Idle], arg: ArgIs::Level(wi::QUERY_STATUS_TEXT), ..ALWAYS },
        Fail(ERROR_HTTP_HEADER_NOT_FOUND), KEEP,
        "WI-R23 [T test_HttpQueryInfo]: STATUS_TEXT before the send"),
    row(A(Api::HttpQueryInfo), WIR, ALWAYS, Proceed, KEEP,
        "WI-R23 [T InternetReadFile_test]: before the send STATUS_CODE is 0, RAW_HEADERS empty"),
    row(A(Api::InternetReadFile), WI_HTTP, busy(Lane::Main), Fail(ERROR_INTERNET_INTERNAL_ERROR),
        KEEP, "WI-R24 [I]: a read is already in progress"),
    row(A(Api::InternetReadFile), WIR, in_(&[Response]), Proceed, KEEP, "WI-R21; seed 002"),
    row(A(Api::InternetReadFile), WIR, ALWAYS, Fail(WI_STATE), KEEP,
        "seed 002 [D]: after HttpSendRequest or HttpEndRequest"),
    row(A(Api::InternetReadFileEx), WI_HTTP, busy(Lane::Main),
        Fail(ERROR_INTERNET_INTERNAL_ERROR), KEEP, "WI-R24 [I]"),
    row(A(Api::InternetReadFileEx), WIR, in_(&[Response, ExOpen]), Proceed, KEEP,
        "WI-R21; seed 002 [D]: also after HttpSendRequestEx"),
    row(A(Api::InternetReadFileEx), WIR, ALWAYS, Fail(WI_STATE), KEEP, "seed 002 [D]"),
    row(A(Api::InternetQueryDataAvailable), WI_HTTP, busy(Lane::Main),
        Fail(ERROR_INTERNET_INTERNAL_ERROR), KEEP, "WI-R24 [I]"),
    row(A(Api::InternetQueryDataAvailable), WIR, in_(&[Response]), Proceed, KEEP,
        "WI-R19, WI-R21; seed 002"),
    row(A(Api::InternetQueryDataAvailable), WIR, ALWAYS, Fail(WI_STATE), KEEP,
        "seed 002 [D]: after HttpSendRequest or HttpEndRequest"),
    row(A(Api::InternetSetFilePointer), WIR, in_(&[Response]), Proceed, KEEP, "seed 002"),
    row(A(Api::InternetSetFilePointer), WIR, ALWAYS, Fail(WI_STATE), KEEP,
        "seed 002 [D]: after HttpSendRequest or HttpEndRequest"),
    // ----- WinINet options by kind and state (WI-R10, WI-R14, WI-R23) ----------------
    row(A(Api::InternetQueryOption), WIR,
        option_in(&[Idle, Failed], wi::OPTION_SECURITY_CERTIFICATE),
        Fail(ERROR_INTERNET_INVALID_OPERATION), KEEP,
        "WI-R23 [T test_cert_string]: SECURITY_CERTIFICATE before a connection"),
    row(A(Api::InternetQueryOption), WIR,
        option_in(&[Idle, Failed], wi::OPTION_SERVER_CERT_CHAIN_CONTEXT), Fail(WI_STATE), KEEP,
        "WI-R23 [T test_cert_string]: SERVER_CERT_CHAIN_CONTEXT before a connection"),
    row(A(Api::InternetQueryOption), CONNECTS, option(wi::OPTION_USER_AGENT), Fail(WI_TYPE),
        KEEP, "WI-R10 [T test_InternetQueryOptionA]: USER_AGENT on a connect handle"),
    row(A(Api::InternetQueryOption), CONNECTS, option(wi::OPTION_REQUEST_FLAGS), Fail(WI_TYPE),
        KEEP, "WI-R10 [T test_InternetQueryOptionA]: REQUEST_FLAGS on a connect handle"),
    row(A(Api::InternetSetOption), CONNECTS_AND_REQUESTS, option(wi::OPTION_REFRESH),
        Fail(WI_TYPE), KEEP, "WI-R10 [T test_InternetSetOption]: REFRESH on connect/request"),
    row(A(Api::InternetSetOption), ANY_KIND, option(wi::OPTION_CALLBACK),
        Fail(ERROR_INTERNET_OPTION_NOT_SETTABLE), KEEP,
        "WI-R14 [T test_open_url_async]: CALLBACK is not settable through InternetSetOption"),
    // ----- WinINet InternetOpenUrl (WI-R18) -------------------------------------------
    row(C(CreateApi::InternetOpenUrl), ROOT, in_async(&[]), PendCreate, KEEP,
        "WI-R18 [T test_open_url_async]: NULL + 997, handle in REQUEST_COMPLETE"),
    row(A(Api::InternetOpenUrl), ANY_KIND, ALWAYS, Fail(ERROR_INVALID_PARAMETER), KEEP,
        "internal: the pending part of InternetOpenUrl is started by Create only"),
    // ----- FTP (WI-R11, seed 002) -----------------------------------------------------
    row(C(CreateApi::FtpFindFirstFile), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS),
        KEEP, "WI-R11 [T test_find_first_file]; a second find [TW]"),
    row(C(CreateApi::FtpOpenFile), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpCreateDirectory), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpDeleteFile), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpGetCurrentDirectory), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS),
        KEEP, "WI-R11 [T test_openfile]"),
    row(A(Api::FtpGetFile), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpPutFile), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpRemoveDirectory), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpRenameFile), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R11 [T test_openfile]"),
    row(A(Api::FtpSetCurrentDirectory), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS),
        KEEP, "WI-R11 [T test_openfile]"),
    row(A(Api::InternetFindNextFile), &[HandleKind::FtpFind], ALWAYS, Proceed, KEEP,
        "seed 002: FtpFindFirstFile -> InternetFindNextFile"),
    row(A(Api::InternetReadFile), &[HandleKind::FtpFile], ALWAYS, Proceed, KEEP,
        "seed 002: FtpOpenFile -> InternetReadFile"),
    row(A(Api::InternetWriteFile), &[HandleKind::FtpFile], ALWAYS, Proceed, KEEP,
        "seed 002: FtpOpenFile -> InternetWriteFile"),
    // ----- Gopher (seed 002, documentation only: WI-R25) ------------------------------
    row(A(Api::GopherGetAttribute), GOPHERC, ALWAYS, Proceed, KEEP,
        "seed 002 [D]; WI-R25: Wine has no Gopher"),
    row(A(Api::InternetFindNextFile), &[HandleKind::GopherFind], ALWAYS, Proceed, KEEP,
        "seed 002 [D]: GopherFindFirstFile -> InternetFindNextFile"),
    row(A(Api::InternetQueryDataAvailable), &[HandleKind::GopherFile], ALWAYS, Proceed, KEEP,
        "seed 002 [D]: GopherOpenFile -> InternetQueryDataAvailable"),
    row(A(Api::InternetReadFile), &[HandleKind::GopherFile], ALWAYS, Proceed, KEEP,
        "seed 002 [D]: GopherOpenFile -> InternetReadFile"),
];

/// How the end of an operation moves the phase (invariant P4): on success to `ok` when
/// the phase is one of `from` and nothing was queued after it; on failure to `err`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletionRule {
    /// The operation.
    pub api: Api,
    /// The phases the success transition applies in.
    pub from: &'static [Phase],
    /// The phase after success.
    pub ok: Phase,
    /// The phase after failure (`None`: unchanged).
    pub err: Option<Phase>,
    /// Evidence.
    pub evidence: &'static str,
}

/// Phase changes at completion.
pub const COMPLETION_TABLE: &[CompletionRule] = &[
    CompletionRule {
        api: Api::WinHttpSendRequest,
        from: &[Sending],
        ok: Sent,
        err: Some(Idle),
        evidence: "WH-R21, WH-R22 [T test_resolve_timeout]",
    },
    CompletionRule {
        api: Api::WinHttpSendRequest,
        from: &[SendingFull],
        ok: ReplyReady,
        err: Some(Idle),
        evidence: "WH-R21",
    },
    CompletionRule {
        api: Api::WinHttpReceiveResponse,
        from: &[Receiving],
        ok: Response,
        err: Some(Idle),
        evidence: "WH-R23, WH-R24",
    },
    CompletionRule {
        api: Api::HttpSendRequest,
        from: &[Sending],
        ok: Response,
        err: Some(Failed),
        evidence: "WI-R18, WI-R19",
    },
    CompletionRule {
        api: Api::HttpSendRequestEx,
        from: &[ExSending],
        ok: ExOpen,
        err: Some(Failed),
        evidence: "WI-R19 [T test_async_HttpSendRequestEx]",
    },
    CompletionRule {
        api: Api::HttpEndRequest,
        from: &[Ending],
        ok: Response,
        err: Some(Failed),
        evidence: "WI-R18, WI-R20",
    },
];

/// Progress notifications of an operation on some kinds, where they differ from the
/// API table's `OpSpec::progress` (which is emitted at completion).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressRule {
    /// The function.
    pub api: Api,
    /// The kinds.
    pub kinds: &'static [HandleKind],
    /// Emitted when the operation is accepted and pends (or blocks), before the call
    /// returns; for an immediate call, emitted by the call.
    pub at_accept: &'static [u32],
    /// Emitted at a successful completion, before the completion notification.
    pub at_completion: &'static [u32],
    /// Evidence.
    pub evidence: &'static str,
}

const WI_RECV: &[u32] = &[wi::RECEIVING_RESPONSE];
const WI_RECVD: &[u32] = &[wi::RESPONSE_RECEIVED];
const FILES: &[HandleKind] = &[HandleKind::FtpFile, HandleKind::GopherFile];

/// Progress that differs from the API table.
pub const PROGRESS_TABLE: &[ProgressRule] = &[
    ProgressRule {
        api: Api::InternetReadFile,
        kinds: WI_HTTP,
        at_accept: WI_RECV,
        at_completion: WI_RECVD,
        evidence: "WI-R18, WI-R21 [T test_async_read, test_http_read]",
    },
    ProgressRule {
        api: Api::InternetReadFileEx,
        kinds: WI_HTTP,
        at_accept: WI_RECV,
        at_completion: WI_RECVD,
        evidence: "WI-R18, WI-R21 [T test_async_read]",
    },
    ProgressRule {
        api: Api::InternetQueryDataAvailable,
        kinds: WI_HTTP,
        at_accept: WI_RECV,
        at_completion: &[],
        evidence: "WI-R18, WI-R21 [T test_http_read]: REQUEST_COMPLETE alone at completion",
    },
    ProgressRule {
        api: Api::InternetReadFile,
        kinds: FILES,
        at_accept: &[],
        at_completion: &[],
        evidence: "FTP/Gopher data connection: no HTTP progress [I]",
    },
    ProgressRule {
        api: Api::InternetReadFileEx,
        kinds: FILES,
        at_accept: &[],
        at_completion: &[],
        evidence: "FTP/Gopher data connection: no HTTP progress [I]",
    },
    ProgressRule {
        api: Api::InternetQueryDataAvailable,
        kinds: FILES,
        at_accept: &[],
        at_completion: &[],
        evidence: "FTP/Gopher data connection: no HTTP progress [I]",
    },
    ProgressRule {
        api: Api::InternetWriteFile,
        kinds: WIR,
        at_accept: &[wi::SENDING_REQUEST, wi::REQUEST_SENT],
        at_completion: &[],
        evidence: "WI-R20 [T test_async_HttpSendRequestEx]: on the calling thread",
    },
];

/// When an operation can complete inside its call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InlineWhen {
    /// Data is buffered or the body has ended ([`ProtoState::data_ready`]).
    DataReady,
    /// The reply was read during the send (phase `ReplyReady` before the call).
    ReplyReady,
    /// The peer's close frame was already received.
    CloseReceived,
}

/// One row of [`INLINE_TABLE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlineRule {
    /// The operation.
    pub api: Api,
    /// When it completes inline.
    pub when: InlineWhen,
    /// Evidence.
    pub evidence: &'static str,
}

/// How deep WinHTTP callbacks of one object may nest for an asynchronous operation to
/// still complete inline (WH-R20: 3 on Windows 7 and later). The machine's measure of
/// the nesting depth is the number of delivered notifications of the object whose
/// callback has not returned.
pub const INLINE_NESTING_LIMIT: u16 = 3;

/// Operations that complete inside the call when they cannot block — with an empty
/// lane only (FIFO), and for asynchronous WinHTTP only below [`INLINE_NESTING_LIMIT`]
/// (otherwise they are queued and return `ERROR_IO_PENDING`).
pub const INLINE_TABLE: &[InlineRule] = &[
    InlineRule {
        api: Api::WinHttpReadData,
        when: InlineWhen::DataReady,
        evidence: "WH-R20 [I skip_async_queue; T test_recursion]",
    },
    InlineRule {
        api: Api::WinHttpQueryDataAvailable,
        when: InlineWhen::DataReady,
        evidence: "WH-R20 [I; T test_recursion]",
    },
    InlineRule {
        api: Api::WinHttpReceiveResponse,
        when: InlineWhen::ReplyReady,
        evidence: "WH-R24 [T test_async, test_connection_cache (NF_MAIN_THREAD)]",
    },
    InlineRule {
        api: Api::WinHttpWebSocketClose,
        when: InlineWhen::CloseReceived,
        evidence: "WH-R40 [T websocket_test5]",
    },
    InlineRule {
        api: Api::InternetReadFile,
        when: InlineWhen::DataReady,
        evidence: "WI-R18, WI-R21 [T test_http_read]: TRUE at once, no notification",
    },
    InlineRule {
        api: Api::InternetReadFileEx,
        when: InlineWhen::DataReady,
        evidence: "WI-R18, WI-R21 [T test_async_read]",
    },
    InlineRule {
        api: Api::InternetQueryDataAvailable,
        when: InlineWhen::DataReady,
        evidence: "WI-R18 [T test_http_read]",
    },
];

/// Operations whose queued (not inline) acceptance sets `ERROR_IO_PENDING` as the last
/// error in asynchronous WinHTTP (WH-R20); the others return TRUE with 0 (WH-R22/R23).
pub const WINHTTP_PENDING_997: &[Api] = &[Api::WinHttpReadData, Api::WinHttpQueryDataAvailable];

/// Everything a decision looks at (invariant P1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Facts {
    /// The kind of the handle (for a creating call: of its source).
    pub kind: HandleKind,
    /// Its protocol state.
    pub state: ProtoState,
    /// Asynchronous mode.
    pub async_mode: bool,
    /// Which lanes hold operations (`Lane::index` order).
    pub lanes_busy: [bool; 2],
    /// An FTP session with an open file or find handle (WI-R11).
    pub ftp_busy: bool,
    /// The call's argument.
    pub arg: CallArg,
}

impl When {
    /// True when the condition holds for `facts`.
    pub fn holds(&self, f: &Facts) -> bool {
        (self.phases.is_empty() || self.phases.contains(&f.state.phase))
            && match self.mode {
                Mode::Any => true,
                Mode::Sync => !f.async_mode,
                Mode::Async => f.async_mode,
            }
            && f.state.has(self.set)
            && match self.lane_busy {
                None => true,
                Some(l) => f.lanes_busy[l.index()],
            }
            && (!self.ftp_busy || f.ftp_busy)
            && self.arg.holds(f.arg)
    }
}

/// The row deciding `call` given `facts`, or `None` (legal, state unchanged).
pub fn decide(call: Call, facts: &Facts) -> Option<&'static ProtoRule> {
    PROTOCOL_TABLE.iter().find(|r| {
        r.call == call
            && (r.kinds.is_empty() || r.kinds.contains(&facts.kind))
            && r.when.holds(facts)
    })
}

/// True when no row can reject `call` on `kind` or change its state: the call's answer
/// does not depend on the protocol state (an engine may answer it without the machine).
pub fn is_state_free(call: Call, kind: HandleKind) -> bool {
    !PROTOCOL_TABLE.iter().any(|r| {
        r.call == call
            && (r.kinds.is_empty() || r.kinds.contains(&kind))
            && !(r.verdict == Proceed && r.next == KEEP)
    })
}

/// The completion row of `api` whose success transition applies in `phase`, or the
/// first row of `api` (for its error transition).
pub fn completion_rule(api: Api, phase: Phase) -> Option<&'static CompletionRule> {
    COMPLETION_TABLE
        .iter()
        .find(|r| r.api == api && r.from.contains(&phase))
        .or_else(|| COMPLETION_TABLE.iter().find(|r| r.api == api))
}

/// `(at_accept, at_completion)` progress of `api` on `kind`; `default` (the API
/// table's) at completion when no row overrides it.
pub fn progress(
    api: Api,
    kind: HandleKind,
    default: &'static [u32],
) -> (&'static [u32], &'static [u32]) {
    PROGRESS_TABLE
        .iter()
        .find(|r| r.api == api && r.kinds.contains(&kind))
        .map_or((&[], default), |r| (r.at_accept, r.at_completion))
}

/// When `api` may complete inline, if ever.
pub fn inline_when(api: Api) -> Option<InlineWhen> {
    INLINE_TABLE.iter().find(|r| r.api == api).map(|r| r.when)
}

/// The new flags after an accepted call with `next` and `arg`.
pub fn next_flags(flags: u8, next: &Next, arg: CallArg) -> u8 {
    match next.effect {
        Effect::ResetResponse => flags & !(flag::EOF | flag::CHALLENGED),
        Effect::TrackFragment => {
            let cleared = flags & !(flag::FRAG_BINARY | flag::FRAG_UTF8);
            match arg {
                CallArg::WsBuffer(WsBufferType::BinaryFragment) => cleared | flag::FRAG_BINARY,
                CallArg::WsBuffer(WsBufferType::Utf8Fragment) => cleared | flag::FRAG_UTF8,
                _ => cleared,
            }
        }
        Effect::None | Effect::CancelReceive => flags,
    }
}

// ----- rendering ------------------------------------------------------------------

fn code_name(code: u32) -> &'static str {
    match code {
        ERROR_INVALID_PARAMETER => "ERROR_INVALID_PARAMETER",
        ERROR_INVALID_OPERATION => "ERROR_INVALID_OPERATION",
        WH_STATE => "ERROR_*_INCORRECT_HANDLE_STATE",
        ERROR_INTERNET_INTERNAL_ERROR => "ERROR_INTERNET_INTERNAL_ERROR",
        ERROR_INTERNET_OPERATION_CANCELLED => "ERROR_*_OPERATION_CANCELLED",
        ERROR_HTTP_HEADER_NOT_FOUND => "ERROR_HTTP_HEADER_NOT_FOUND",
        ERROR_FTP_TRANSFER_IN_PROGRESS => "ERROR_FTP_TRANSFER_IN_PROGRESS",
        WI_TYPE => "ERROR_*_INCORRECT_HANDLE_TYPE",
        ERROR_INTERNET_INVALID_OPERATION => "ERROR_INTERNET_INVALID_OPERATION",
        ERROR_INTERNET_OPTION_NOT_SETTABLE => "ERROR_INTERNET_OPTION_NOT_SETTABLE",
        _ => "?",
    }
}

fn flags_text(flags: u8) -> String {
    flag::NAMES
        .iter()
        .filter(|(f, _)| flags & f != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join("+")
}

fn phases_text(phases: &[Phase]) -> String {
    phases
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn kinds_text(kinds: &[HandleKind]) -> String {
    if kinds.is_empty() {
        "any".into()
    } else {
        kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn arg_text(arg: CallArg) -> String {
    match arg {
        CallArg::None => "none".into(),
        CallArg::BodyToWrite => "body to write".into(),
        CallArg::RequestHeaders => "request headers".into(),
        CallArg::WsBuffer(t) => format!("buffer type {}", t.name()),
        CallArg::Option(o) => format!("option {o}"),
        CallArg::QueryLevel(l) => format!("level {l:#x}"),
        CallArg::Context(c) => format!("context {c:#x}"),
    }
}

fn when_text(w: &When) -> String {
    let mut parts = Vec::new();
    if !w.phases.is_empty() {
        parts.push(format!("phase in {{{}}}", phases_text(w.phases)));
    }
    match w.mode {
        Mode::Any => {}
        Mode::Sync => parts.push("sync".into()),
        Mode::Async => parts.push("async".into()),
    }
    if w.set != 0 {
        parts.push(format!("{} set", flags_text(w.set)));
    }
    if let Some(l) = w.lane_busy {
        parts.push(format!("{} lane busy", l.name()));
    }
    if w.ftp_busy {
        parts.push("FTP session has an open file/find".into());
    }
    match w.arg {
        ArgIs::Any => {}
        ArgIs::Exactly(a) => parts.push(format!("arg = {}", arg_text(a))),
        ArgIs::WsUtf8 => parts.push("UTF8 buffer type".into()),
        ArgIs::WsBinary => parts.push("BINARY buffer type".into()),
        ArgIs::WsClose => parts.push("CLOSE buffer type".into()),
        ArgIs::LevelFlag(f) => parts.push(format!("level has flag {f:#x}")),
        ArgIs::Level(l) => parts.push(format!("level {l}")),
        ArgIs::LevelAbove(l) => parts.push(format!("level above {l}")),
    }
    if parts.is_empty() {
        "always".into()
    } else {
        parts.join("; ")
    }
}

fn verdict_text(v: Verdict) -> String {
    match v {
        Proceed => "legal".into(),
        Fail(c) => format!("fail {c} ({})", code_name(c)),
        FailInline(c) => format!(
            "fail {c} ({}); async: accepted, error completion inline",
            code_name(c)
        ),
        PendCreate => "async: NULL + 997, handle via REQUEST_COMPLETE".into(),
    }
}

fn next_text(n: &Next) -> String {
    let phase = n.phase.map(|p| format!("-> {}", p.name()));
    let effect = match n.effect {
        Effect::None => None,
        Effect::ResetResponse => Some("reset response"),
        Effect::TrackFragment => Some("track fragment"),
        Effect::CancelReceive => Some("cancel pending receive"),
    };
    match (phase, effect) {
        (None, None) => "=".into(),
        (Some(p), None) => p,
        (None, Some(e)) => e.into(),
        (Some(p), Some(e)) => format!("{p}; {e}"),
    }
}

fn status_list(family_winhttp: bool, statuses: &[u32]) -> String {
    use super::kind::Family;
    let family = if family_winhttp {
        Family::WinHttp
    } else {
        Family::WinInet
    };
    if statuses.is_empty() {
        return "-".into();
    }
    statuses
        .iter()
        .map(|&s| super::codes::status_name(family, s).unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The generated `docs/protocol-table.md`: every table of this module as markdown.
pub fn render_markdown() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Protocol table (generated)");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Generated from `hinternet_core::machine::protocol` by `render_markdown()`; do not edit.\n\
         Regenerate with `UPDATE_DOCS=1 cargo test -p hinternet-core --test protocol_table`."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "For each call the rows are scanned in order; the first row whose kind and condition \
         match decides. A call no row matches is legal in every state and leaves the \
         protocol state unchanged (handle-kind checks come first, from the API table). \
         `fail` verdicts are synchronous rejections that change nothing."
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "## Phases\n");
    let _ = writeln!(s, "| phase | meaning |\n|---|---|");
    for p in Phase::ALL {
        let _ = writeln!(s, "| {} | {} |", p.name(), p.meaning());
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Initial phase per kind:\n");
    let _ = writeln!(s, "| kind | initial phase |\n|---|---|");
    for k in HandleKind::ALL {
        let _ = writeln!(s, "| {} | {} |", k.name(), Phase::initial(k).name());
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "## Legality (call x kind x state -> result, next state)\n"
    );
    let _ = writeln!(
        s,
        "| # | call | kinds | when | result | next | evidence |\n|---|---|---|---|---|---|---|"
    );
    for (i, r) in PROTOCOL_TABLE.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            r.call.name(),
            kinds_text(r.kinds),
            when_text(&r.when),
            verdict_text(r.verdict),
            next_text(&r.next),
            r.evidence
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "## Completion (phase after an operation ends)\n");
    let _ = writeln!(
        s,
        "Success moves the phase only when the phase is one of `from` and no operation was \
         queued after it; failure always sets `err`, and operations queued behind it are \
         decided again when they reach the head of their lane.\n"
    );
    let _ = writeln!(
        s,
        "| operation | from | ok | err | evidence |\n|---|---|---|---|---|"
    );
    for r in COMPLETION_TABLE {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.api,
            phases_text(r.from),
            r.ok.name(),
            r.err.map_or("=", |p| p.name()),
            r.evidence
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "## Progress notifications that differ from the API table\n"
    );
    let _ = writeln!(
        s,
        "| call | kinds | at accept | at completion | evidence |\n|---|---|---|---|---|"
    );
    for r in PROGRESS_TABLE {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.api,
            kinds_text(r.kinds),
            status_list(false, r.at_accept),
            status_list(false, r.at_completion),
            r.evidence
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Operations of the API table (progress at completion):\n");
    let _ = writeln!(s, "| call | progress | completion |\n|---|---|---|");
    for rule in super::api::API_TABLE {
        if let Shape::Operation(spec) = rule.shape {
            let winhttp = rule.api.name().starts_with("WinHttp");
            let done = if winhttp {
                status_list(true, &[spec.success])
            } else {
                "REQUEST_COMPLETE".into()
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                rule.api,
                status_list(winhttp, spec.progress),
                done
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "## Inline completion\n");
    let _ = writeln!(
        s,
        "Completes inside the call when its lane is empty and, for asynchronous WinHTTP, \
         fewer than {INLINE_NESTING_LIMIT} notifications of the object are being delivered \
         (WH-R20); otherwise queued (async WinHTTP ReadData/QueryDataAvailable then return \
         TRUE with last error 997).\n"
    );
    let _ = writeln!(s, "| operation | when | evidence |\n|---|---|---|");
    for r in INLINE_TABLE {
        let when = match r.when {
            InlineWhen::DataReady => "data buffered or end of body",
            InlineWhen::ReplyReady => "phase ReplyReady",
            InlineWhen::CloseReceived => "CLOSE_RECEIVED set",
        };
        let _ = writeln!(s, "| {} | {} | {} |", r.api, when, r.evidence);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_a_kind_its_call_accepts() {
        for r in PROTOCOL_TABLE {
            for &k in r.kinds {
                let ok = match r.call {
                    Call::Api(a) => a.accepts(k),
                    Call::Create(c) => c.rule().source.contains(&k),
                };
                assert!(ok, "{} does not accept {k}", r.call.name());
            }
        }
    }

    #[test]
    fn every_completion_row_is_an_operation() {
        for r in COMPLETION_TABLE {
            assert!(r.api.op_spec().is_some(), "{}", r.api);
        }
        for r in INLINE_TABLE {
            assert!(r.api.op_spec().is_some(), "{}", r.api);
        }
    }

    #[test]
    fn no_row_is_shadowed_by_an_unconditional_row_before_it() {
        for (i, r) in PROTOCOL_TABLE.iter().enumerate() {
            let shadow = PROTOCOL_TABLE[..i].iter().find(|e| {
                e.call == r.call
                    && e.when == ALWAYS
                    && (e.kinds.is_empty() || r.kinds.iter().all(|k| e.kinds.contains(k)))
                    && !r.kinds.is_empty()
            });
            assert!(
                shadow.is_none(),
                "row {} ({}) is unreachable",
                i + 1,
                r.call.name()
            );
        }
    }
}
