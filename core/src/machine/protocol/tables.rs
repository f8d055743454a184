//! The protocol as data: the legality, completion, progress and inline tables.
//!
//! Owns: [`PROTOCOL_TABLE`], [`COMPLETION_TABLE`], [`PROGRESS_TABLE`], [`INLINE_TABLE`]
//! and [`WINHTTP_PENDING_997`]. Invariant: the first matching row of
//! [`PROTOCOL_TABLE`] decides (the tests in the parent module check that no row is
//! shadowed by an unconditional row before it).

use super::*;

pub(super) const WHR: &[HandleKind] = &[HandleKind::WinHttpRequest];
pub(super) const WS: &[HandleKind] = &[HandleKind::WinHttpWebSocket];
pub(super) const WIR: &[HandleKind] = &[HandleKind::HttpRequest];
pub(super) const WI_HTTP: &[HandleKind] = &[HandleKind::HttpRequest, HandleKind::UrlResource];
pub(super) const FTPC: &[HandleKind] = &[HandleKind::InternetConnect(Service::Ftp)];
pub(super) const GOPHERC: &[HandleKind] = &[HandleKind::InternetConnect(Service::Gopher)];
pub(super) const ROOT: &[HandleKind] = &[HandleKind::InternetRoot];
pub(super) const CONNECTS: &[HandleKind] = &[
    HandleKind::InternetConnect(Service::Http),
    HandleKind::InternetConnect(Service::Ftp),
    HandleKind::InternetConnect(Service::Gopher),
];
pub(super) const CONNECTS_AND_REQUESTS: &[HandleKind] = &[
    HandleKind::InternetConnect(Service::Http),
    HandleKind::InternetConnect(Service::Ftp),
    HandleKind::InternetConnect(Service::Gopher),
    HandleKind::HttpRequest,
    HandleKind::UrlResource,
];
pub(super) const WI_TYPE: u32 = ERROR_INTERNET_INCORRECT_HANDLE_TYPE;
pub(super) const ANY_KIND: &[HandleKind] = &[];

pub(super) const WH_STATE: u32 = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
pub(super) const WI_STATE: u32 = ERROR_INTERNET_INCORRECT_HANDLE_STATE;

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
    row(C(CreateApi::FtpCommand), FTPC, FTP_BUSY, Fail(ERROR_FTP_TRANSFER_IN_PROGRESS), KEEP,
        "WI-R30 [I ftp.c :: FtpCommandW (download_in_progress)]"),
    row(C(CreateApi::FtpFindFirstFile), FTPC, in_async(&[]), PendCreate, KEEP,
        "WI-R27 [I ftp.c :: FtpFindFirstFileW]: async: NULL + 997, handle in REQUEST_COMPLETE"),
    row(C(CreateApi::FtpOpenFile), FTPC, in_async(&[]), PendCreate, KEEP,
        "WI-R27 [I ftp.c :: FtpOpenFileW]: async: NULL + 997, handle in REQUEST_COMPLETE"),
    row(A(Api::FtpFindFirstFile), ANY_KIND, ALWAYS, Fail(ERROR_INVALID_PARAMETER), KEEP,
        "internal: the pending part of FtpFindFirstFile is started by Create only"),
    row(A(Api::FtpOpenFile), ANY_KIND, ALWAYS, Fail(ERROR_INVALID_PARAMETER), KEEP,
        "internal: the pending part of FtpOpenFile is started by Create only"),
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
    row(C(CreateApi::GopherFindFirstFile), GOPHERC, in_async(&[]), PendCreate, KEEP,
        "WI-R27 [D]: async: NULL + 997, handle in REQUEST_COMPLETE"),
    row(C(CreateApi::GopherOpenFile), GOPHERC, in_async(&[]), PendCreate, KEEP,
        "WI-R27 [D]: async: NULL + 997, handle in REQUEST_COMPLETE"),
    row(A(Api::GopherFindFirstFile), ANY_KIND, ALWAYS, Fail(ERROR_INVALID_PARAMETER), KEEP,
        "internal: the pending part of GopherFindFirstFile is started by Create only"),
    row(A(Api::GopherOpenFile), ANY_KIND, ALWAYS, Fail(ERROR_INVALID_PARAMETER), KEEP,
        "internal: the pending part of GopherOpenFile is started by Create only"),
    row(A(Api::GopherGetAttribute), GOPHERC, ALWAYS, Proceed, KEEP,
        "seed 002 [D]; WI-R25: Wine has no Gopher"),
    row(A(Api::InternetFindNextFile), &[HandleKind::GopherFind], ALWAYS, Proceed, KEEP,
        "seed 002 [D]: GopherFindFirstFile -> InternetFindNextFile"),
    row(A(Api::InternetFindNextFile), &[HandleKind::UrlResource], ALWAYS, Proceed, KEEP,
        "WI-R26 [D]: InternetOpenUrl of an FTP directory or a Gopher menu -> InternetFindNextFile"),
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
/// API table's `OpSpec::progress`. The completion progress is emitted as the executor
/// reports each step (`ProtocolEvent::Progress`); what it did not report comes at the
/// completion.
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

pub(super) const WI_RECV: &[u32] = &[wi::RECEIVING_RESPONSE];
pub(super) const WI_RECVD: &[u32] = &[wi::RESPONSE_RECEIVED];
pub(super) const FILES: &[HandleKind] = &[HandleKind::FtpFile, HandleKind::GopherFile];

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
        at_completion: WI_RECVD,
        evidence: "WI-R18, WI-R21: a pending query that completes reports RESPONSE_RECEIVED \
                   before REQUEST_COMPLETE, as a pending read [issue 11]",
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
