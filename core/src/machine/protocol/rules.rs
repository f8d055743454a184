//! The vocabulary of the tables and the decision functions that read them.
//!
//! Owns: the row types ([`ProtoRule`], [`When`], [`Verdict`], [`Next`], [`Call`], …), the
//! row-building helpers the tables use, [`Facts`] (everything a decision looks at,
//! invariant P1) and the lookups [`decide`], [`completion_rule`], [`progress`],
//! [`inline_when`] and [`next_flags`]. Invariant: every function here is a pure function
//! of its arguments and the tables.

use super::*;

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
    pub(super) fn holds(self, arg: CallArg) -> bool {
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
            // `WINHTTP_QUERY_CUSTOM` lies above every numbered level but is valid (WH-R25).
            ArgIs::LevelAbove(x) => matches!(
                arg,
                CallArg::QueryLevel(l)
                    if l & !wh::QUERY_MODIFIERS > x && l & !wh::QUERY_MODIFIERS != wh::QUERY_CUSTOM
            ),
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

pub(super) const fn in_(phases: &'static [Phase]) -> When {
    When { phases, ..ALWAYS }
}
pub(super) const fn in_async(phases: &'static [Phase]) -> When {
    When {
        phases,
        mode: Mode::Async,
        ..ALWAYS
    }
}
pub(super) const fn flag_set(set: u8) -> When {
    When { set, ..ALWAYS }
}
pub(super) const fn busy(lane: Lane) -> When {
    When {
        lane_busy: Some(lane),
        ..ALWAYS
    }
}
pub(super) const fn arg(arg: ArgIs) -> When {
    When { arg, ..ALWAYS }
}
pub(super) const fn option(id: u32) -> When {
    When {
        arg: ArgIs::Exactly(CallArg::Option(id)),
        ..ALWAYS
    }
}
pub(super) const fn option_in(phases: &'static [Phase], id: u32) -> When {
    When {
        phases,
        arg: ArgIs::Exactly(CallArg::Option(id)),
        ..ALWAYS
    }
}
pub(super) const FTP_BUSY: When = When {
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

pub(super) const KEEP: Next = Next {
    phase: None,
    effect: Effect::None,
};
pub(super) const fn to(phase: Phase) -> Next {
    Next {
        phase: Some(phase),
        effect: Effect::None,
    }
}
pub(super) const fn to_with(phase: Phase, effect: Effect) -> Next {
    Next {
        phase: Some(phase),
        effect,
    }
}
pub(super) const fn effect(effect: Effect) -> Next {
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
    /// Evidence from `docs/behaviour.md` or the seeds.
    pub evidence: &'static str,
}

pub(super) const fn row(
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

/// The progress notifications an operation of `api` on `kind` emits before its
/// completion, in order: what [`ProtocolEvent::Progress`](crate::ProtocolEvent::Progress)
/// reports one by one as the wire steps happen (and the completion emits the rest of).
pub fn completion_progress(api: Api, kind: HandleKind) -> &'static [u32] {
    api.op_spec()
        .map_or(&[][..], |spec| progress(api, kind, spec.progress).1)
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

impl ProtoState {
    /// Apply an accepted row's next state: its phase, its flag effect and, for a new
    /// response, the buffered-data count.
    pub fn accept(&mut self, next: &Next, arg: CallArg) {
        if let Some(phase) = next.phase {
            self.phase = phase;
        }
        self.flags = next_flags(self.flags, next, arg);
        if next.effect == Effect::ResetResponse {
            self.avail = 0;
        }
    }

    /// True when an operation of `api`, accepted in this state with its lane empty,
    /// completes inside its call ([`INLINE_TABLE`]).
    pub fn ready_inline(&self, api: Api) -> bool {
        match inline_when(api) {
            Some(InlineWhen::DataReady) => self.data_ready(),
            Some(InlineWhen::ReplyReady) => self.phase == Phase::ReplyReady,
            Some(InlineWhen::CloseReceived) => self.has(flag::CLOSE_RECEIVED),
            None => false,
        }
    }

    /// The completion of an operation of `api` that [`ProtoState::ready_inline`] lets
    /// finish inside its call (accepted with argument `arg`): a read takes the buffered
    /// bytes, at most its buffer's length ([`CallArg::Buffer`]; none given: all of
    /// them); `QueryDataAvailable` reports them; a receive whose reply head the send
    /// already read reports no new status; a close answered by the peer is done.
    pub fn inline_completion(&self, api: Api, arg: CallArg) -> Completion {
        match inline_when(api) {
            Some(InlineWhen::DataReady) => match arg {
                CallArg::Buffer(len) if api.is_bounded_read() => {
                    Completion::Bytes(self.avail.min(len))
                }
                _ => Completion::Bytes(self.avail),
            },
            Some(InlineWhen::ReplyReady) => Completion::Http { status: None },
            Some(InlineWhen::CloseReceived) | None => Completion::Done,
        }
    }

    /// The protocol side of an operation's end (invariant P4) and its data accounting:
    /// a read consumes the bytes it reports from the buffered count; a receive (or a
    /// send that read the reply) with status 401/407 marks a challenge; a websocket
    /// frame of the `Close` type sets the close-received flag (WH-R39, WH-R41). `last`:
    /// nothing is queued behind the operation.
    pub fn complete(&mut self, api: Api, result: Completion, last: bool) {
        let phase = self.phase;
        self.flags &= !(flag::CONNECT_REPORTED | flag::RESOLVING);
        if api.op_spec().is_some_and(|s| s.lane == Lane::Main) {
            self.progressed = 0;
            self.flags &= !flag::RESENDING;
        }
        let rule = completion_rule(api, phase);
        match result {
            Completion::Error(_) => {
                if let Some(err) = rule.and_then(|r| r.err) {
                    self.phase = err;
                }
            }
            _ => {
                if matches!(
                    api,
                    Api::WinHttpReadData | Api::InternetReadFile | Api::InternetReadFileEx
                ) {
                    self.avail = self.avail.saturating_sub(result.count());
                }
                let challenged = matches!(
                    result,
                    Completion::Http { status: Some(s) }
                        if u32::from(s) == HTTP_STATUS_DENIED
                            || u32::from(s) == HTTP_STATUS_PROXY_AUTH_REQ
                );
                if matches!(api, Api::WinHttpReceiveResponse | Api::WinHttpSendRequest)
                    && challenged
                {
                    self.flags |= flag::CHALLENGED;
                }
                if matches!(
                    result,
                    Completion::WebSocket {
                        buffer_type: WsBufferType::Close,
                        ..
                    }
                ) {
                    self.flags |= flag::CLOSE_RECEIVED;
                }
                if let Some(r) = rule.filter(|r| last && r.from.contains(&phase)) {
                    self.phase = r.ok;
                }
            }
        }
    }
}
