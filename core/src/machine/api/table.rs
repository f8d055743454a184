//! The API table: one row per non-creating function, with the helpers that build rows.
//!
//! Owns: [`API_TABLE`] and its named pieces (accepted kinds, bad-handle codes, progress
//! lists). Invariant: every [`Api`] variant has exactly one row (tested in the parent).

use super::*;

const WH_REQ: &[HandleKind] = &[HandleKind::WinHttpRequest];
const WH_WS: &[HandleKind] = &[HandleKind::WinHttpWebSocket];
const WI_REQ: &[HandleKind] = &[HandleKind::HttpRequest];
const WI_READABLE: &[HandleKind] = &[
    HandleKind::HttpRequest,
    HandleKind::UrlResource,
    HandleKind::FtpFile,
    HandleKind::GopherFile,
];
const WI_FTP: &[HandleKind] = &[HandleKind::InternetConnect(Service::Ftp)];
const ANY: &[HandleKind] = &[];

const fn op(lane: Lane, progress: &'static [u32], success: u32, api_id: u32) -> Shape {
    Shape::Operation(OpSpec {
        lane,
        progress,
        success,
        api_id,
        ws_operation: None,
        cancel_on_close: false,
    })
}

const fn ws_op(lane: Lane, success: u32, api_id: u32, operation: u32) -> Shape {
    Shape::Operation(OpSpec {
        lane,
        progress: &[],
        success,
        api_id,
        ws_operation: Some(operation),
        cancel_on_close: true,
    })
}

/// A WinINet operation: completion is always `REQUEST_COMPLETE`.
const fn wi_op(progress: &'static [u32]) -> Shape {
    op(Lane::Main, progress, wi::REQUEST_COMPLETE, 0)
}

const fn row(
    api: Api,
    accepts: &'static [HandleKind],
    bad_handle: BadHandleCodes,
    shape: Shape,
    returns: ReturnStyle,
    evidence: &'static str,
) -> ApiRule {
    ApiRule {
        api,
        accepts,
        bad_handle,
        shape,
        returns,
        evidence,
    }
}

use ReturnStyle::{Bool, Dword};
use Shape::Immediate;

/// WinHTTP: `ERROR_INVALID_HANDLE`, or the wrong-type code for a live handle.
const WH_CODES: BadHandleCodes = BadHandleCodes {
    null: INVALID,
    invalid: INVALID,
    wrong_kind: WH_TYPE,
};
/// WinINet functions that check the handle's existence before its type.
const WI_CODES: BadHandleCodes = BadHandleCodes {
    null: INVALID,
    invalid: INVALID,
    wrong_kind: WI_TYPE,
};
/// WinINet functions that answer the wrong-type code for every bad handle.
const WI_TYPE_CODES: BadHandleCodes = BadHandleCodes::all(WI_TYPE);
/// Functions that answer `ERROR_INVALID_HANDLE` for every bad handle.
const INVALID_CODES: BadHandleCodes = BadHandleCodes::all(INVALID);
/// A NULL handle gives the wrong-type code, any other bad handle `ERROR_INVALID_HANDLE`.
const WI_NULL_TYPE_CODES: BadHandleCodes = BadHandleCodes {
    null: WI_TYPE,
    invalid: INVALID,
    wrong_kind: WI_TYPE,
};
const SEND_PROGRESS_WH: &[u32] = &[wh::SENDING_REQUEST, wh::REQUEST_SENT];
const RECV_PROGRESS_WH: &[u32] = &[wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED];
const SEND_PROGRESS_WI: &[u32] = &[wi::SENDING_REQUEST, wi::REQUEST_SENT];
const SEND_RECV_PROGRESS_WI: &[u32] = &[
    wi::SENDING_REQUEST,
    wi::REQUEST_SENT,
    wi::RECEIVING_RESPONSE,
    wi::RESPONSE_RECEIVED,
];
const RECV_PROGRESS_WI: &[u32] = &[wi::RECEIVING_RESPONSE, wi::RESPONSE_RECEIVED];

/// Every non-creating function of both families (WH-R8/R9, WI-R10, WH-R19/R40).
pub const API_TABLE: &[ApiRule] = &[
    row(
        Api::WinHttpAddRequestHeaders,
        WH_REQ,
        WH_CODES,
        Immediate,
        Bool,
        "WH-R9 [I]",
    ),
    row(
        Api::WinHttpSetCredentials,
        WH_REQ,
        WH_CODES,
        Immediate,
        Bool,
        "WH-R9 [I]",
    ),
    row(
        Api::WinHttpSendRequest,
        WH_REQ,
        WH_CODES,
        op(
            Lane::Main,
            SEND_PROGRESS_WH,
            wh::SENDREQUEST_COMPLETE,
            wh::API_SEND_REQUEST,
        ),
        Bool,
        "WH-R9, WH-R30",
    ),
    row(
        Api::WinHttpWriteData,
        WH_REQ,
        WH_CODES,
        op(Lane::Main, &[], wh::WRITE_COMPLETE, wh::API_WRITE_DATA),
        Bool,
        "WH-R27",
    ),
    row(
        Api::WinHttpReceiveResponse,
        WH_REQ,
        WH_CODES,
        op(
            Lane::Main,
            RECV_PROGRESS_WH,
            wh::HEADERS_AVAILABLE,
            wh::API_RECEIVE_RESPONSE,
        ),
        Bool,
        "WH-R23, WH-R31",
    ),
    row(
        Api::WinHttpQueryHeaders,
        WH_REQ,
        WH_CODES,
        Immediate,
        Bool,
        "WH-R9 [T test_websocket]",
    ),
    row(
        Api::WinHttpQueryAuthSchemes,
        WH_REQ,
        WH_CODES,
        Immediate,
        Bool,
        "WH-R8 [T]",
    ),
    row(
        Api::WinHttpQueryDataAvailable,
        WH_REQ,
        WH_CODES,
        op(
            Lane::Main,
            &[],
            wh::DATA_AVAILABLE,
            wh::API_QUERY_DATA_AVAILABLE,
        ),
        Bool,
        "WH-R26",
    ),
    row(
        Api::WinHttpReadData,
        WH_REQ,
        WH_CODES,
        op(Lane::Main, &[], wh::READ_COMPLETE, wh::API_READ_DATA),
        Bool,
        "WH-R26, WH-R32",
    ),
    row(
        Api::WinHttpSetTimeouts,
        &[HandleKind::WinHttpSession, HandleKind::WinHttpRequest],
        WH_CODES,
        Immediate,
        Bool,
        "WH-R9 [T test_timeouts]",
    ),
    row(
        Api::WinHttpGetProxyForUrl,
        &[HandleKind::WinHttpSession],
        WH_CODES,
        op(
            Lane::Main,
            &[],
            wh::GETPROXYFORURL_COMPLETE,
            wh::API_GET_PROXY_FOR_URL,
        ),
        Bool,
        "WH-R9 [I]",
    ),
    row(
        Api::WinHttpQueryOption,
        ANY,
        WH_CODES,
        Immediate,
        Bool,
        "WH-R9, WH-R10",
    ),
    row(
        Api::WinHttpSetOption,
        ANY,
        WH_CODES,
        Immediate,
        Bool,
        "WH-R9, WH-R10",
    ),
    row(
        Api::WinHttpWebSocketSend,
        WH_WS,
        WH_CODES,
        ws_op(
            Lane::Main,
            wh::WRITE_COMPLETE,
            wh::API_WRITE_DATA,
            wh::WS_SEND_OPERATION,
        ),
        Dword,
        "WH-R8, WH-R39, WH-R40",
    ),
    row(
        Api::WinHttpWebSocketReceive,
        WH_WS,
        WH_CODES,
        ws_op(
            Lane::Receive,
            wh::READ_COMPLETE,
            0,
            wh::WS_RECEIVE_OPERATION,
        ),
        Dword,
        "WH-R8, WH-R39, WH-R40",
    ),
    row(
        Api::WinHttpWebSocketShutdown,
        WH_WS,
        WH_CODES,
        ws_op(
            Lane::Main,
            wh::SHUTDOWN_COMPLETE,
            wh::API_WRITE_DATA,
            wh::WS_SHUTDOWN_OPERATION,
        ),
        Dword,
        "WH-R8, WH-R39",
    ),
    row(
        Api::WinHttpWebSocketClose,
        WH_WS,
        WH_CODES,
        // Windows reports dwResult 0 for a failed close; Wine 3 (a FIXME) [TW].
        ws_op(Lane::Receive, wh::CLOSE_COMPLETE, 0, wh::WS_CLOSE_OPERATION),
        Dword,
        "WH-R8, WH-R40, §2.5 [TW]",
    ),
    row(
        Api::WinHttpWebSocketQueryCloseStatus,
        WH_WS,
        WH_CODES,
        Immediate,
        Dword,
        "WH-R39",
    ),
    row(
        Api::HttpAddRequestHeaders,
        WI_REQ,
        WI_TYPE_CODES,
        Immediate,
        Bool,
        "WI-R10 [I, by analogy]",
    ),
    row(
        Api::HttpSendRequest,
        WI_REQ,
        WI_TYPE_CODES,
        wi_op(SEND_RECV_PROGRESS_WI),
        Bool,
        "WI-R10 [I], WI-R18, WI-R20",
    ),
    row(
        Api::HttpSendRequestEx,
        WI_REQ,
        WI_TYPE_CODES,
        wi_op(SEND_PROGRESS_WI),
        Bool,
        "WI-R10 [I], WI-R20 [T]",
    ),
    row(
        Api::HttpEndRequest,
        WI_REQ,
        WI_TYPE_CODES,
        wi_op(RECV_PROGRESS_WI),
        Bool,
        "WI-R10 [I], WI-R20 [T]",
    ),
    row(
        Api::HttpQueryInfo,
        &[HandleKind::HttpRequest, HandleKind::UrlResource],
        WI_TYPE_CODES,
        Immediate,
        Bool,
        "WI-R10 [I, by analogy]",
    ),
    row(
        Api::InternetReadFile,
        WI_READABLE,
        WI_CODES,
        wi_op(RECV_PROGRESS_WI),
        Bool,
        "WI-R10 [T InternetReadFile_test], WI-R21",
    ),
    row(
        Api::InternetReadFileEx,
        WI_READABLE,
        WI_CODES,
        wi_op(RECV_PROGRESS_WI),
        Bool,
        "WI-R10, WI-R21",
    ),
    row(
        Api::InternetQueryDataAvailable,
        WI_READABLE,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10, WI-R19",
    ),
    row(
        Api::InternetSetFilePointer,
        &[HandleKind::HttpRequest, HandleKind::UrlResource],
        INVALID_CODES,
        Immediate,
        Bool,
        "WI-R10 [T InternetSetFilePointer_test]",
    ),
    row(
        Api::InternetWriteFile,
        &[HandleKind::HttpRequest, HandleKind::FtpFile],
        INVALID_CODES,
        Immediate,
        Bool,
        "WI-R10 [I]; WI-R20 (progress on the calling thread)",
    ),
    row(
        Api::InternetFindNextFile,
        &[
            HandleKind::FtpFind,
            HandleKind::GopherFind,
            HandleKind::UrlResource,
        ],
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10; WI-R26 [D]: also a URL handle of an FTP directory or a Gopher menu",
    ),
    row(
        Api::InternetQueryOption,
        ANY,
        WI_NULL_TYPE_CODES,
        Immediate,
        Bool,
        "WI-R10 [T test_InternetQueryOptionA]",
    ),
    row(
        Api::InternetSetOption,
        ANY,
        WI_TYPE_CODES,
        Immediate,
        Bool,
        "WI-R10 [T test_InternetSetOption]",
    ),
    row(
        Api::FtpCreateDirectory,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T test_createdir]",
    ),
    row(
        Api::FtpDeleteFile,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T test_deletefile]",
    ),
    row(
        Api::FtpGetCurrentDirectory,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T test_get_current_dir]",
    ),
    row(
        Api::FtpGetFile,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T ftp.c]",
    ),
    row(
        Api::FtpPutFile,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T ftp.c]",
    ),
    row(
        Api::FtpRemoveDirectory,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T ftp.c]",
    ),
    row(
        Api::FtpRenameFile,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T ftp.c]",
    ),
    row(
        Api::FtpSetCurrentDirectory,
        WI_FTP,
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10 [T ftp.c]",
    ),
    row(
        Api::GopherGetAttribute,
        &[HandleKind::InternetConnect(Service::Gopher)],
        WI_CODES,
        wi_op(&[]),
        Bool,
        "seed 002 [D]",
    ),
    row(
        Api::InternetOpenUrl,
        &[HandleKind::InternetRoot],
        WI_TYPE_CODES,
        wi_op(&[]),
        Bool,
        "WI-R18 [T test_open_url_async]: the pending part of an asynchronous \
         InternetOpenUrl, started by Input::Create; never legal as a call",
    ),
    row(
        Api::FtpFindFirstFile,
        WI_FTP,
        WI_TYPE_CODES,
        wi_op(&[]),
        Bool,
        "WI-R18 [I ftp.c :: FtpFindFirstFileW async task]: the pending part of an \
         asynchronous FtpFindFirstFile, started by Input::Create; never legal as a call",
    ),
    row(
        Api::FtpOpenFile,
        WI_FTP,
        WI_TYPE_CODES,
        wi_op(&[]),
        Bool,
        "WI-R18 [I ftp.c :: FtpOpenFileW async task]: the pending part of an asynchronous \
         FtpOpenFile, started by Input::Create; never legal as a call",
    ),
    row(
        Api::GopherFindFirstFile,
        &[HandleKind::InternetConnect(Service::Gopher)],
        WI_TYPE_CODES,
        wi_op(&[]),
        Bool,
        "WI-R18 [D]: the pending part of an asynchronous GopherFindFirstFile, started by \
         Input::Create; never legal as a call",
    ),
    row(
        Api::GopherOpenFile,
        &[HandleKind::InternetConnect(Service::Gopher)],
        WI_TYPE_CODES,
        wi_op(&[]),
        Bool,
        "WI-R18 [D]: the pending part of an asynchronous GopherOpenFile, started by \
         Input::Create; never legal as a call",
    ),
];

/// Which completions each operation accepts (one row per operation; errors fit all).
/// [`Completion`](crate::Completion) documents which API reports which variant.
pub const COMPLETION_FIT: &[(Api, CompletionFit)] = &[
    (Api::WinHttpSendRequest, CompletionFit::HttpMaybeHead),
    (Api::WinHttpWriteData, CompletionFit::Bytes),
    (Api::WinHttpReceiveResponse, CompletionFit::HttpHead),
    (Api::WinHttpQueryDataAvailable, CompletionFit::Bytes),
    (Api::WinHttpReadData, CompletionFit::Bytes),
    (Api::WinHttpGetProxyForUrl, CompletionFit::Done),
    (Api::WinHttpWebSocketSend, CompletionFit::Bytes),
    (Api::WinHttpWebSocketReceive, CompletionFit::WebSocket),
    (Api::WinHttpWebSocketShutdown, CompletionFit::Done),
    (Api::WinHttpWebSocketClose, CompletionFit::DoneOrPeerClose),
    (Api::HttpSendRequest, CompletionFit::HttpHead),
    (Api::HttpSendRequestEx, CompletionFit::HttpMaybeHead),
    (Api::HttpEndRequest, CompletionFit::HttpHead),
    (Api::InternetReadFile, CompletionFit::Bytes),
    (Api::InternetReadFileEx, CompletionFit::Bytes),
    (Api::InternetQueryDataAvailable, CompletionFit::Bytes),
    (Api::InternetFindNextFile, CompletionFit::Done),
    (Api::FtpCreateDirectory, CompletionFit::Done),
    (Api::FtpDeleteFile, CompletionFit::Done),
    (Api::FtpGetCurrentDirectory, CompletionFit::Done),
    (Api::FtpGetFile, CompletionFit::Bytes),
    (Api::FtpPutFile, CompletionFit::Bytes),
    (Api::FtpRemoveDirectory, CompletionFit::Done),
    (Api::FtpRenameFile, CompletionFit::Done),
    (Api::FtpSetCurrentDirectory, CompletionFit::Done),
    (Api::GopherGetAttribute, CompletionFit::Bytes),
    (Api::InternetOpenUrl, CompletionFit::HttpHeadOrDone),
    (Api::FtpFindFirstFile, CompletionFit::Done),
    (Api::FtpOpenFile, CompletionFit::Done),
    (Api::GopherFindFirstFile, CompletionFit::Done),
    (Api::GopherOpenFile, CompletionFit::Done),
];
