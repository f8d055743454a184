//! The machine's inputs, replies and outputs: everything that crosses its boundary.
//!
//! Owns: [`Input`] (API calls and environment events), [`Reply`] (what an input returns
//! synchronously: the Win32 return value, the last error and what happened),
//! [`Output`] (the one ordered stream: notifications, I/O to start or cancel, blocked
//! calls to release), [`Notification`] and its typed [`Info`], and the errors
//! [`ApiError`] (the application's fault: rejected, state unchanged) and [`InputError`]
//! (the embedder's fault: an event that does not match the machine's state).

use super::api::{Api, Lane};
use super::kind::{CreateApi, HandleKind};
use super::values::HandleValue;
use super::{ObjectId, OpId};

/// A short list of objects (inline up to four, then on the heap).
pub type ObjectList = smallvec::SmallVec<[ObjectId; 4]>;

/// An opaque token for a status callback function: the embedder maps it to the real
/// function pointer. The machine only compares and copies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallbackId(pub u32);

/// How an operation ended, reported by the executor with [`Input::Complete`] (and handed
/// back to a blocked caller in [`Output::CallReturned`]). Each operation accepts only the
/// variants its API reports (the fit table [`Api::completion_fit`], data next to the op
/// spec); [`Completion::Error`] fits every operation. A completion that does not fit is
/// rejected with [`InputError::WrongCompletion`] and changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Completion {
    /// An HTTP exchange finished. `WinHttpSendRequest`: `None` when the request was sent
    /// and the reply not read yet, `Some(code)` when the reply head was read inside the
    /// send (headers available). `WinHttpReceiveResponse`, `HttpSendRequest`,
    /// `HttpEndRequest` and an `InternetOpenUrl` of an HTTP URL: `Some(code)`, the status
    /// code of the reply (`HttpSendRequestEx` may give `None`: nothing read yet). A 401
    /// or 407 marks the request challenged.
    Http {
        /// The reply's status code, when its head was read.
        status: Option<u16>,
    },
    /// Bytes transferred: read (`WinHttpReadData`, `InternetReadFile(Ex)`), written
    /// (`WinHttpWriteData`, `InternetWriteFile`, `WinHttpWebSocketSend`), or available
    /// (`WinHttpQueryDataAvailable`, `InternetQueryDataAvailable`); FTP and Gopher
    /// transfers and directory listings report their byte count too. A read never
    /// reports more than the buffer it was given ([`CallArg::Buffer`]).
    Bytes(u32),
    /// `WinHttpWebSocketReceive`: a frame (or fragment) of this buffer type and length
    /// arrived. A `Close` buffer type means the peer's close frame arrived (sets the
    /// close-received flag, WH-R41). `WinHttpWebSocketClose` may also complete this way,
    /// with a `Close` buffer type: the peer's close frame answered ours.
    WebSocket {
        /// The frame's buffer type.
        buffer_type: WsBufferType,
        /// Its length in bytes.
        bytes: u32,
    },
    /// Finished with no value: `WinHttpWebSocketClose` and `WinHttpWebSocketShutdown`,
    /// FTP commands (`FtpCreateDirectory`, `FtpDeleteFile`, …), `InternetSetFilePointer`,
    /// an `InternetOpenUrl` of a non-HTTP URL.
    Done,
    /// Failed with this Win32 error code.
    Error(u32),
}

impl Completion {
    /// True unless it is an [`Completion::Error`].
    pub const fn is_success(self) -> bool {
        !matches!(self, Completion::Error(_))
    }

    /// The number a success reports in notifications and progress: the status code, the
    /// byte count or frame length; 0 for `Done` and errors.
    pub const fn count(self) -> u32 {
        match self {
            Completion::Http { status: Some(s) } => s as u32,
            Completion::Bytes(n) | Completion::WebSocket { bytes: n, .. } => n,
            Completion::Http { status: None } | Completion::Done | Completion::Error(_) => 0,
        }
    }
}

/// One input to the machine: an API call or an environment event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    /// `WinHttpOpen` / `InternetOpen`: create a root.
    Open {
        /// The creating function (must be a root creator).
        api: CreateApi,
        /// `WINHTTP_FLAG_ASYNC` / `INTERNET_FLAG_ASYNC`.
        async_mode: bool,
    },
    /// A function that creates a child of `source`.
    Create {
        /// The creating function.
        api: CreateApi,
        /// The handle passed to it.
        source: HandleValue,
        /// The context argument, if the function has one (WinINet creators,
        /// `WinHttpWebSocketCompleteUpgrade`). `None` inherits per policy.
        context: Option<u64>,
    },
    /// Any other function on a handle, with the one extra argument its protocol rule
    /// looks at ([`CallArg::None`] when there is none).
    Call {
        /// The function.
        api: Api,
        /// The handle passed to it.
        handle: HandleValue,
        /// The argument the protocol rules depend on.
        arg: CallArg,
    },
    /// `WinHttpCloseHandle` / `InternetCloseHandle`.
    Close {
        /// The handle to close.
        handle: HandleValue,
    },
    /// `WinHttpSetStatusCallback` / `InternetSetStatusCallback`.
    SetStatusCallback {
        /// The handle.
        handle: HandleValue,
        /// The new callback (`None` = NULL).
        callback: Option<CallbackId>,
        /// WinHTTP notification mask (ignored by WinINet, which has none).
        mask: u32,
    },
    /// Set the `*_OPTION_CONTEXT_VALUE` option.
    SetContext {
        /// The handle.
        handle: HandleValue,
        /// The new context.
        context: u64,
    },
    /// Query the `*_OPTION_CONTEXT_VALUE` option.
    QueryContext {
        /// The handle.
        handle: HandleValue,
    },
    /// Environment: the operation `op` of `object` finished. `op` must be the started
    /// head of one of `object`'s lanes (it is then completed, exactly that operation); a
    /// completion for an operation already cancelled or finished is benign and changes
    /// nothing ([`Outcome::Stale`], law 13); one still queued behind another, or never
    /// issued, is an [`InputError`].
    Complete {
        /// The object whose operation finished.
        object: ObjectId,
        /// The operation, as named by its [`Output::StartIo`].
        op: OpId,
        /// How it ended (must fit the operation's API).
        completion: Completion,
    },
    /// Environment: the callback delivering one notification of `object` returned.
    CallbackReturned {
        /// The object the notification was delivered through.
        object: ObjectId,
    },
    /// Environment: a protocol fact about `object` that the executor observed
    /// (data buffered, end of body, a redirect, a connect, a closed connection).
    Protocol {
        /// The object.
        object: ObjectId,
        /// What happened.
        event: ProtocolEvent,
    },
}

/// `WINHTTP_WEB_SOCKET_BUFFER_TYPE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WsBufferType {
    /// `WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE` (0).
    BinaryMessage,
    /// `WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE` (1).
    BinaryFragment,
    /// `WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE` (2).
    Utf8Message,
    /// `WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE` (3).
    Utf8Fragment,
    /// `WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE` (4).
    Close,
}

impl WsBufferType {
    /// Every buffer type, in value order.
    pub const ALL: [WsBufferType; 5] = [
        WsBufferType::BinaryMessage,
        WsBufferType::BinaryFragment,
        WsBufferType::Utf8Message,
        WsBufferType::Utf8Fragment,
        WsBufferType::Close,
    ];

    /// The numeric value (a `windows-sys` constant).
    pub const fn value(self) -> u32 {
        use super::codes::winhttp as c;
        match self {
            WsBufferType::BinaryMessage => c::WS_BINARY_MESSAGE,
            WsBufferType::BinaryFragment => c::WS_BINARY_FRAGMENT,
            WsBufferType::Utf8Message => c::WS_UTF8_MESSAGE,
            WsBufferType::Utf8Fragment => c::WS_UTF8_FRAGMENT,
            WsBufferType::Close => c::WS_CLOSE,
        }
    }

    /// Trace name.
    pub const fn name(self) -> &'static str {
        match self {
            WsBufferType::BinaryMessage => "binary-message",
            WsBufferType::BinaryFragment => "binary-fragment",
            WsBufferType::Utf8Message => "utf8-message",
            WsBufferType::Utf8Fragment => "utf8-fragment",
            WsBufferType::Close => "close",
        }
    }

    /// Parse a name produced by [`WsBufferType::name`].
    pub fn from_name(name: &str) -> Option<WsBufferType> {
        WsBufferType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// True for the two UTF-8 types.
    pub const fn is_utf8(self) -> bool {
        matches!(self, WsBufferType::Utf8Message | WsBufferType::Utf8Fragment)
    }

    /// True for the two binary types.
    pub const fn is_binary(self) -> bool {
        matches!(
            self,
            WsBufferType::BinaryMessage | WsBufferType::BinaryFragment
        )
    }
}

/// The one extra argument of a call that its protocol rule depends on. Everything
/// else about the arguments (buffers, header names) is the executor's business.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CallArg {
    /// No argument the protocol looks at (the default of [`Input::Call`]).
    #[default]
    None,
    /// `WinHttpSendRequest` whose `dwTotalLength` exceeds the optional data passed with
    /// it: the body is still to be written with `WinHttpWriteData`, so the reply is not
    /// read inside the send (WH-R21). Without it the whole body goes with the call.
    BodyToWrite,
    /// `WinHttpQueryHeaders` with `WINHTTP_QUERY_FLAG_REQUEST_HEADERS` (or
    /// `WINHTTP_QUERY_REQUEST_METHOD`): legal in every state (WH-R25).
    RequestHeaders,
    /// `WinHttpWebSocketSend`'s buffer type (WH-R39); [`CallArg::None`] means
    /// `BINARY_MESSAGE`. Also what a pending receive records when a frame completes it.
    WsBuffer(WsBufferType),
    /// `WinHttpQueryOption` / `WinHttpSetOption` / `InternetQueryOption` /
    /// `InternetSetOption` with this option id (WH-R29, WI-R10, WI-R23).
    Option(u32),
    /// `WinHttpQueryHeaders` / `HttpQueryInfo` with this info level (modifier flags
    /// included) (WH-R25, WI-R23).
    QueryLevel(u32),
    /// The application's buffer length of a read: `dwNumberOfBytesToRead` of
    /// `WinHttpReadData`, `InternetReadFile(Ex)`, or the buffer length of
    /// `WinHttpWebSocketReceive`. A read completing inside its call takes at most this
    /// many of the buffered bytes; the executor completes it with at most this many.
    /// [`CallArg::None`] on a read means "as many as are buffered".
    Buffer(u32),
    /// The context of an asynchronous `InternetOpenUrl`, carried by its pending
    /// operation until the handle is created (WI-R18). Not meaningful on a call.
    Context(u64),
}

/// A protocol fact the executor reports about an object ([`Input::Protocol`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolEvent {
    /// This many bytes of response data are buffered and can be consumed without
    /// blocking (replaces the previous count). Reads and `QueryDataAvailable` then
    /// complete inline (WH-R20, WI-R18).
    DataBuffered(u32),
    /// The response body has ended: reads and `QueryDataAvailable` complete at once
    /// with 0 bytes.
    EndOfData,
    /// The operation at the head of the main lane (a receive, `HttpSendRequest` or
    /// `HttpEndRequest`) got a redirect response and follows it: the progress of the
    /// response so far and `REDIRECT` (WH-R28, WH-R31, WI-R20). The operation stays
    /// pending. The re-send's request may then open a new connection
    /// ([`ProtocolEvent::Resolving`], [`ProtocolEvent::Connecting`]); its
    /// `SENDING_REQUEST`, `REQUEST_SENT` come with the next [`ProtocolEvent::Progress`]
    /// (or the next redirect, re-send or the successful completion). An operation whose
    /// own progress starts with `SENDING_REQUEST` (WinINet's `HttpSendRequest`) reports
    /// the re-send as its own steps instead.
    Redirect,
    /// The operation at the head of the main lane (as for [`ProtocolEvent::Redirect`])
    /// re-sends the request to the same target to answer an authentication challenge
    /// (401/407) itself: the progress of the response so far, with no `REDIRECT`, and
    /// the re-send's connect and send progress as after a redirect (WH-R42). The
    /// operation stays pending.
    Resend,
    /// The send at the head of the main lane (or the re-send of a redirect or an
    /// authentication re-send, before its `SENDING_REQUEST`) resolves the server name
    /// (when `resolve`) and opens a new connection: `[RESOLVING_NAME, NAME_RESOLVED]`,
    /// `CONNECTING_TO_SERVER`, `CONNECTED_TO_SERVER`, before its send progress (WH-R30,
    /// WH-R42, WI-R20). Whether to resolve or connect at all (caches, pooled
    /// connections) is the executor's decision; at most once per send or re-send.
    Connecting {
        /// The name is resolved first.
        resolve: bool,
    },
    /// The send at the head of the main lane starts resolving the server name:
    /// `RESOLVING_NAME` now, as it happens, so a name that does not resolve shows
    /// `RESOLVING_NAME` without `NAME_RESOLVED` (WH-R30, WI-R20). A later
    /// `Connecting { resolve: true }` emits the rest (`NAME_RESOLVED` onwards). At most
    /// once per send (or re-send, as for [`ProtocolEvent::Connecting`]), before its
    /// connect and send progress.
    Resolving,
    /// The request's connection is being closed (the body ended on a connection that
    /// cannot be kept): `CLOSING_CONNECTION`, `CONNECTION_CLOSED` (WH-R32, WI-R21).
    ConnectionClosed,
    /// The operation at the head of the main lane reached its next wire step: the machine
    /// emits the next of its progress notifications not yet emitted (`SENDING_REQUEST`,
    /// `REQUEST_SENT`, `RECEIVING_RESPONSE`, `RESPONSE_RECEIVED`, in the order of its
    /// completion progress), as it happens (WH-R30, WH-R31, WI-R20, WI-R21). Whatever is
    /// still unemitted comes at the completion, so an executor that never reports this
    /// keeps the bunched sequences. Refused when every step was already reported. While
    /// a redirect's or re-send's request is held back (after [`ProtocolEvent::Redirect`]
    /// or [`ProtocolEvent::Resend`]), this step is that request being written: it emits
    /// the re-send's `SENDING_REQUEST`, `REQUEST_SENT` instead.
    Progress {
        /// The bytes of the step, carried by WinINet's `RESPONSE_RECEIVED` of a read (the
        /// bytes taken); ignored for the other statuses.
        bytes: u32,
    },
}

impl Input {
    /// True for API calls, false for environment events.
    pub fn is_api_call(&self) -> bool {
        !matches!(
            self,
            Input::Complete { .. } | Input::CallbackReturned { .. } | Input::Protocol { .. }
        )
    }
}

/// What a `SetStatusCallback` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallbackRet {
    /// The previous callback (`None` = NULL).
    Previous(Option<CallbackId>),
    /// `WINHTTP_INVALID_STATUS_CALLBACK` / `INTERNET_INVALID_STATUS_CALLBACK`.
    Invalid,
}

/// The Win32 return value of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ret {
    /// A BOOL.
    Bool(bool),
    /// An `HINTERNET` (NULL on failure).
    Handle(HandleValue),
    /// A DWORD error code (websocket functions).
    Dword(u32),
    /// A status callback pointer.
    Callback(CallbackRet),
    /// The caller is blocked in a synchronous call; its return value arrives as
    /// [`Output::CallReturned`].
    Blocked,
    /// Nothing: the input was an environment event.
    None,
}

/// What an accepted input did, or why it was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Rejected; the machine's state is unchanged (law 8).
    Rejected(ApiError),
    /// A new handle was created.
    Created {
        /// The new object.
        object: ObjectId,
        /// Its kind.
        kind: HandleKind,
        /// Its lifetime parent.
        parent: Option<ObjectId>,
        /// Its value.
        value: HandleValue,
    },
    /// An immediate call on `object` completed.
    Done {
        /// The object the call addressed.
        object: ObjectId,
    },
    /// An asynchronous operation was accepted and is pending on `object` (law 3: it will
    /// complete exactly once).
    Pending {
        /// The object.
        object: ObjectId,
        /// The queue it waits in.
        lane: Lane,
        /// The operation's identity (its `StartIo`, `CancelIo` and completion name it).
        op: OpId,
    },
    /// A synchronous operation is in flight: the calling thread is blocked until
    /// [`Output::CallReturned`] for `op`.
    InFlight {
        /// The object.
        object: ObjectId,
        /// The queue it waits in.
        lane: Lane,
        /// The operation's identity.
        op: OpId,
    },
    /// `object`'s handle was closed.
    Closed {
        /// The object.
        object: ObjectId,
        /// Every object whose handle the close invalidated: `object` first, then the
        /// cascade in post-order (deepest first); just `[object]` under keep-children.
        /// Inline up to [`ObjectList`]'s room, so a close allocates nothing.
        invalidated: ObjectList,
    },
    /// The context of `object` was read.
    Context {
        /// The object.
        object: ObjectId,
        /// Its context value.
        context: u64,
    },
    /// An environment event was applied.
    Event,
    /// An asynchronous operation was accepted and completed inside the call: its
    /// completion notification (success or error) was emitted in this same step
    /// (WH-R20, WH-R23, WH-R24, WH-R40, WI-R22). Law 3 counts it as accepted and then
    /// completed.
    CompletedInline {
        /// The object.
        object: ObjectId,
        /// The operation's identity (already finished; a completion naming it is stale).
        op: OpId,
    },
    /// A completion named an operation that was already cancelled or finished: benign,
    /// nothing changed (law 13).
    Stale {
        /// The object the completion named.
        object: ObjectId,
        /// The operation it named.
        op: OpId,
    },
    /// A synchronous call that blocked returned: the final reply of the engine's
    /// blocking call (`hinternet-engine`), once the operation's [`Output::CallReturned`]
    /// arrived. The machine itself never answers it (it answers [`Ret::Blocked`] and
    /// [`Outcome::InFlight`]).
    Returned {
        /// The object.
        object: ObjectId,
        /// The operation.
        op: OpId,
        /// How it ended (the value the call reports: bytes read, status code…).
        result: Completion,
    },
}

/// The synchronous answer to an input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reply {
    /// The Win32 return value.
    pub ret: Ret,
    /// The thread's last error after the call; `None` leaves it untouched.
    pub last_error: Option<u32>,
    /// What happened.
    pub outcome: Outcome,
}

impl Reply {
    /// True when the call was rejected.
    pub fn is_rejected(&self) -> bool {
        matches!(self.outcome, Outcome::Rejected(_))
    }

    /// The object the input addressed or created, if any.
    pub fn object(&self) -> Option<ObjectId> {
        match self.outcome {
            Outcome::Created { object, .. }
            | Outcome::Done { object }
            | Outcome::Pending { object, .. }
            | Outcome::InFlight { object, .. }
            | Outcome::Closed { object, .. }
            | Outcome::Context { object, .. }
            | Outcome::CompletedInline { object, .. }
            | Outcome::Stale { object, .. }
            | Outcome::Returned { object, .. } => Some(object),
            Outcome::Rejected(_) | Outcome::Event => None,
        }
    }

    /// The operation the input accepted (pending, in flight or completed inline) or
    /// named (stale), if any.
    pub fn op(&self) -> Option<OpId> {
        match self.outcome {
            Outcome::Pending { op, .. }
            | Outcome::InFlight { op, .. }
            | Outcome::CompletedInline { op, .. }
            | Outcome::Stale { op, .. }
            | Outcome::Returned { op, .. } => Some(op),
            _ => None,
        }
    }
}

/// Why an API call was rejected: the application's fault. The state is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ApiError {
    /// The handle was NULL.
    #[error("NULL handle")]
    NullHandle,
    /// The handle addresses no live object (never issued, closed, or invalidated).
    #[error("handle {0} does not address a live object")]
    InvalidHandle(HandleValue),
    /// The handle addresses a live object of a kind this function does not accept.
    #[error("handle {value} is a {kind} handle, which this function does not accept")]
    WrongKind {
        /// The handle.
        value: HandleValue,
        /// Its kind.
        kind: HandleKind,
    },
    /// Every handle value (or object identity) is in use.
    #[error("out of handle values")]
    OutOfHandles,
    /// The call is not legal in the handle's protocol state; the code is the Win32
    /// error it gives (see the protocol table).
    #[error("not legal in the handle's protocol state (error {0})")]
    Protocol(u32),
}

/// An environment event that does not match the machine's state: the embedder's fault.
/// The state is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum InputError {
    /// The function belongs to the other API family.
    #[error("{0} belongs to the other API family")]
    WrongFamily(&'static str),
    /// `Open` named a function that is not a root creator, or `Create` a root creator.
    #[error("{0} is not used that way: roots come from Open, children from Create")]
    NotACreator(&'static str),
    /// `Complete` whose completion does not fit the operation's API (see
    /// [`Api::completion_fit`]), or a read reporting more bytes than its buffer.
    #[error("{completion:?} does not fit {api} ({op} of object {object})")]
    WrongCompletion {
        /// The operation's function.
        api: Api,
        /// The object.
        object: ObjectId,
        /// The operation.
        op: OpId,
        /// The completion given.
        completion: Completion,
    },
    /// `Complete` for an operation of `object` still queued behind another: its I/O has
    /// not been started.
    #[error("{op} of object {object} has not been started")]
    NotStarted {
        /// The object.
        object: ObjectId,
        /// The operation.
        op: OpId,
    },
    /// `Complete` for an operation this machine never issued, or one pending on another
    /// object.
    #[error("{op} is not an operation of object {object}")]
    UnknownOperation {
        /// The object named.
        object: ObjectId,
        /// The operation named.
        op: OpId,
    },
    /// `CallbackReturned` for an object with no callback running.
    #[error("object {0} has no callback running")]
    NoRunningCallback(ObjectId),
    /// A protocol event that does not apply to the object in its state (no such
    /// object, no operation it could affect, or the wrong kind of handle).
    #[error("protocol event does not apply to object {0}")]
    UnexpectedEvent(ObjectId),
}

/// The typed information a notification carries (`lpvStatusInformation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Info {
    /// NULL / 0.
    None,
    /// A handle: the new one for `HANDLE_CREATED`, the dying one for `HANDLE_CLOSING`.
    Handle(HandleValue),
    /// A DWORD byte count.
    Bytes(u32),
    /// WinHTTP `WINHTTP_ASYNC_RESULT { dwResult: api id, dwError }`.
    AsyncResult {
        /// `API_*` id.
        api: u32,
        /// Error code.
        error: u32,
    },
    /// WinHTTP `WINHTTP_WEB_SOCKET_ASYNC_RESULT`.
    WebSocketResult {
        /// `AsyncResult.dwResult`.
        result: u32,
        /// `AsyncResult.dwError`.
        error: u32,
        /// `WINHTTP_WEB_SOCKET_*_OPERATION`.
        operation: u32,
    },
    /// WinHTTP `WINHTTP_WEB_SOCKET_STATUS { dwBytesTransferred, eBufferType }`
    /// (websocket `READ_COMPLETE` / `WRITE_COMPLETE`).
    WebSocketStatus {
        /// Bytes transferred.
        bytes: u32,
        /// The buffer type.
        buffer_type: WsBufferType,
    },
    /// WinINet `INTERNET_ASYNC_RESULT { dwResult, dwError }`.
    InternetResult {
        /// `dwResult` (1/0, or a handle value).
        result: u64,
        /// `dwError` (or a byte count after `InternetQueryDataAvailable`, WI-R19).
        error: u32,
    },
}

/// One notification in the logical stream (before filtering): the laws are stated over
/// these. `callback` says whether and to whom it is actually delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Notification {
    /// The object it is delivered through (whose callback and context it uses).
    pub object: ObjectId,
    /// `hInternet` as passed to the callback (possibly stale or reissued, WH-R2).
    pub handle: HandleValue,
    /// `dwContext`.
    pub context: u64,
    /// `dwInternetStatus`, a `windows-sys` constant.
    pub status: u32,
    /// `lpvStatusInformation`.
    pub info: Info,
    /// The callback that must be invoked, or `None` when filtered out (no callback,
    /// masked out, or context 0 under WinINet).
    pub callback: Option<CallbackId>,
    /// True when the embedder must report [`Input::CallbackReturned`] when this
    /// delivery's callback returns. Every delivered notification holds its object until
    /// then, except `HANDLE_CLOSING` (the object no longer exists); a delivered
    /// `HANDLE_CLOSING` needs the return only under `ValueRelease::AtDestroy`, where it
    /// frees the object's reserved value (law 7).
    pub needs_return: bool,
}

/// One item of the machine's single ordered output stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Output {
    /// Deliver a notification (or record that it was filtered out).
    Notify(Notification),
    /// Start the I/O of operation `op`, now at the head of `object`'s `lane`; report its
    /// end with [`Input::Complete`] naming `op`.
    StartIo {
        /// The object.
        object: ObjectId,
        /// The lane.
        lane: Lane,
        /// The operation.
        op: OpId,
        /// The function whose I/O it is.
        api: Api,
        /// True when a synchronous caller is blocked on it (its end comes back as
        /// [`Output::CallReturned`]).
        blocking: bool,
        /// The argument the call was accepted with (the buffer length of a read).
        arg: CallArg,
    },
    /// Abandon the I/O of operation `op` (the head of `object`'s `lane`): it was cancelled
    /// and has already been reported; a completion still sent for it is stale.
    CancelIo {
        /// The object.
        object: ObjectId,
        /// The lane.
        lane: Lane,
        /// The operation.
        op: OpId,
        /// The function whose I/O it was.
        api: Api,
    },
    /// The blocked synchronous call `op` finished: return TRUE (or 0 for DWORD
    /// functions) on success, FALSE with the error (or the error as DWORD) on
    /// [`Completion::Error`].
    CallReturned {
        /// The object.
        object: ObjectId,
        /// The operation.
        op: OpId,
        /// The function.
        api: Api,
        /// How it ended.
        result: Completion,
    },
}

#[cfg(feature = "pack")]
mod packing {
    use super::{CallArg, CallbackId, Completion, Info, Notification, Output, WsBufferType};
    use crate::pack::{pack_fieldless, pack_struct, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    impl Pack for CallbackId {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            self.0.pack(out);
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(CallbackId(u32::unpack(r)?))
        }
    }

    pack_fieldless!(WsBufferType {
        BinaryMessage,
        BinaryFragment,
        Utf8Message,
        Utf8Fragment,
        Close,
    });

    impl Pack for Completion {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            match self {
                Completion::Http { status } => {
                    out.push(0);
                    status.pack(out);
                }
                Completion::Bytes(n) => {
                    out.push(1);
                    n.pack(out);
                }
                Completion::WebSocket { buffer_type, bytes } => {
                    out.push(2);
                    buffer_type.pack(out);
                    bytes.pack(out);
                }
                Completion::Done => out.push(3),
                Completion::Error(code) => {
                    out.push(4);
                    code.pack(out);
                }
            }
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(match r.byte()? {
                0 => Completion::Http {
                    status: Pack::unpack(r)?,
                },
                1 => Completion::Bytes(Pack::unpack(r)?),
                2 => Completion::WebSocket {
                    buffer_type: Pack::unpack(r)?,
                    bytes: Pack::unpack(r)?,
                },
                3 => Completion::Done,
                4 => Completion::Error(Pack::unpack(r)?),
                _ => return Err(UnpackError),
            })
        }
    }

    impl Pack for CallArg {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            match self {
                CallArg::None => out.push(0),
                CallArg::BodyToWrite => out.push(1),
                CallArg::RequestHeaders => out.push(2),
                CallArg::WsBuffer(t) => {
                    out.push(3);
                    t.pack(out);
                }
                CallArg::Option(n) => {
                    out.push(4);
                    n.pack(out);
                }
                CallArg::QueryLevel(n) => {
                    out.push(5);
                    n.pack(out);
                }
                CallArg::Buffer(n) => {
                    out.push(6);
                    n.pack(out);
                }
                CallArg::Context(c) => {
                    out.push(7);
                    c.pack(out);
                }
            }
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(match r.byte()? {
                0 => CallArg::None,
                1 => CallArg::BodyToWrite,
                2 => CallArg::RequestHeaders,
                3 => CallArg::WsBuffer(Pack::unpack(r)?),
                4 => CallArg::Option(Pack::unpack(r)?),
                5 => CallArg::QueryLevel(Pack::unpack(r)?),
                6 => CallArg::Buffer(Pack::unpack(r)?),
                7 => CallArg::Context(Pack::unpack(r)?),
                _ => return Err(UnpackError),
            })
        }
    }

    impl Pack for Info {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            match self {
                Info::None => out.push(0),
                Info::Handle(h) => {
                    out.push(1);
                    h.pack(out);
                }
                Info::Bytes(n) => {
                    out.push(2);
                    n.pack(out);
                }
                Info::AsyncResult { api, error } => {
                    out.push(3);
                    api.pack(out);
                    error.pack(out);
                }
                Info::WebSocketResult {
                    result,
                    error,
                    operation,
                } => {
                    out.push(4);
                    result.pack(out);
                    error.pack(out);
                    operation.pack(out);
                }
                Info::WebSocketStatus { bytes, buffer_type } => {
                    out.push(5);
                    bytes.pack(out);
                    buffer_type.pack(out);
                }
                Info::InternetResult { result, error } => {
                    out.push(6);
                    result.pack(out);
                    error.pack(out);
                }
            }
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(match r.byte()? {
                0 => Info::None,
                1 => Info::Handle(Pack::unpack(r)?),
                2 => Info::Bytes(Pack::unpack(r)?),
                3 => Info::AsyncResult {
                    api: Pack::unpack(r)?,
                    error: Pack::unpack(r)?,
                },
                4 => Info::WebSocketResult {
                    result: Pack::unpack(r)?,
                    error: Pack::unpack(r)?,
                    operation: Pack::unpack(r)?,
                },
                5 => Info::WebSocketStatus {
                    bytes: Pack::unpack(r)?,
                    buffer_type: Pack::unpack(r)?,
                },
                6 => Info::InternetResult {
                    result: Pack::unpack(r)?,
                    error: Pack::unpack(r)?,
                },
                _ => return Err(UnpackError),
            })
        }
    }

    pack_struct!(Notification {
        object,
        handle,
        context,
        status,
        info,
        callback,
        needs_return,
    });

    impl Pack for Output {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            match self {
                Output::Notify(n) => {
                    out.push(0);
                    n.pack(out);
                }
                Output::StartIo {
                    object,
                    lane,
                    op,
                    api,
                    blocking,
                    arg,
                } => {
                    out.push(1);
                    object.pack(out);
                    lane.pack(out);
                    op.pack(out);
                    api.pack(out);
                    blocking.pack(out);
                    arg.pack(out);
                }
                Output::CancelIo {
                    object,
                    lane,
                    op,
                    api,
                } => {
                    out.push(2);
                    object.pack(out);
                    lane.pack(out);
                    op.pack(out);
                    api.pack(out);
                }
                Output::CallReturned {
                    object,
                    op,
                    api,
                    result,
                } => {
                    out.push(3);
                    object.pack(out);
                    op.pack(out);
                    api.pack(out);
                    result.pack(out);
                }
            }
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(match r.byte()? {
                0 => Output::Notify(Pack::unpack(r)?),
                1 => Output::StartIo {
                    object: Pack::unpack(r)?,
                    lane: Pack::unpack(r)?,
                    op: Pack::unpack(r)?,
                    api: Pack::unpack(r)?,
                    blocking: Pack::unpack(r)?,
                    arg: Pack::unpack(r)?,
                },
                2 => Output::CancelIo {
                    object: Pack::unpack(r)?,
                    lane: Pack::unpack(r)?,
                    op: Pack::unpack(r)?,
                    api: Pack::unpack(r)?,
                },
                3 => Output::CallReturned {
                    object: Pack::unpack(r)?,
                    op: Pack::unpack(r)?,
                    api: Pack::unpack(r)?,
                    result: Pack::unpack(r)?,
                },
                _ => return Err(UnpackError),
            })
        }
    }
}
