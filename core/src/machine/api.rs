//! The non-creating API functions of both families, as data.
//!
//! Owns: [`Api`] and the table [`API_TABLE`]: for every function, the handle kinds it
//! accepts, the error it gives for a NULL, an unknown/closed, and a wrong-kind handle
//! (WH-R8, WH-R9, WI-R10), and its shape: an immediate call, or an operation that may
//! pend (and then completes exactly once, law 3).
//!
//! Invariant: every [`Api`] variant has exactly one row (tested); the machine takes
//! every validation decision from this table.

use core::fmt;

use super::codes::{
    winhttp as wh, wininet as wi, ERROR_INTERNET_INCORRECT_HANDLE_TYPE as WI_TYPE,
    ERROR_INVALID_HANDLE as INVALID, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE as WH_TYPE,
};
use super::kind::{Family, HandleKind, Service};

/// A queue of pending operations on one object. A request has one FIFO queue (WH-R19); a
/// websocket has two, one for sending and one for receiving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// The one queue of requests and other handles; a websocket's send queue.
    Main,
    /// A websocket's receive queue.
    Receive,
}

impl Lane {
    /// Both lanes.
    pub const ALL: [Lane; 2] = [Lane::Main, Lane::Receive];
    /// Index into per-lane arrays.
    pub const fn index(self) -> usize {
        match self {
            Lane::Main => 0,
            Lane::Receive => 1,
        }
    }
    /// Trace name.
    pub const fn name(self) -> &'static str {
        match self {
            Lane::Main => "main",
            Lane::Receive => "recv",
        }
    }
}

/// What a function does with its handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Works on the handle and returns at once (options, headers, credentials).
    Immediate,
    /// Network work: in async mode it is accepted, pends and completes exactly once with
    /// a notification; in sync mode the call is in flight until the I/O finishes.
    Operation(OpSpec),
}

/// How an operation reports its progress and completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpSpec {
    /// The queue it waits in.
    pub lane: Lane,
    /// Progress notifications emitted, in this order, when it completes (law 12).
    pub progress: &'static [u32],
    /// WinHTTP success status (`SENDREQUEST_COMPLETE`, …); WinINet uses `REQUEST_COMPLETE`.
    pub success: u32,
    /// WinHTTP `WINHTTP_ASYNC_RESULT.dwResult` API id, or for websockets the
    /// `dwResult` of `WINHTTP_WEB_SOCKET_ASYNC_RESULT`.
    pub api_id: u32,
    /// WinHTTP websocket operation (`WINHTTP_WEB_SOCKET_*_OPERATION`), if a websocket call.
    pub ws_operation: Option<u32>,
    /// Cancelled with `REQUEST_ERROR`/`OPERATION_CANCELLED` when its handle closes
    /// (websocket operations, WH-R40); otherwise it runs to completion (WH-R34, WI-R7).
    pub cancel_on_close: bool,
}

/// How the function reports its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnStyle {
    /// BOOL, with the error in the thread's last error.
    Bool,
    /// DWORD error code as the return value (WinHTTP websocket functions, WH-R8).
    Dword,
}

macro_rules! apis {
    ($($variant:ident),* $(,)?) => {
        /// A function that uses an existing handle (every function that is not a creator,
        /// a close, a status-callback setter or the context option).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Api {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant,
            )*
        }
        impl Api {
            /// Every function, in declaration order.
            pub const ALL: &'static [Api] = &[$(Api::$variant),*];
            /// The Windows name of the function.
            pub const fn name(self) -> &'static str {
                match self { $(Api::$variant => stringify!($variant)),* }
            }
        }
    };
}

apis!(
    WinHttpAddRequestHeaders,
    WinHttpSetCredentials,
    WinHttpSendRequest,
    WinHttpWriteData,
    WinHttpReceiveResponse,
    WinHttpQueryHeaders,
    WinHttpQueryAuthSchemes,
    WinHttpQueryDataAvailable,
    WinHttpReadData,
    WinHttpSetTimeouts,
    WinHttpGetProxyForUrl,
    WinHttpQueryOption,
    WinHttpSetOption,
    WinHttpWebSocketSend,
    WinHttpWebSocketReceive,
    WinHttpWebSocketShutdown,
    WinHttpWebSocketClose,
    WinHttpWebSocketQueryCloseStatus,
    HttpAddRequestHeaders,
    HttpSendRequest,
    HttpSendRequestEx,
    HttpEndRequest,
    HttpQueryInfo,
    InternetReadFile,
    InternetReadFileEx,
    InternetQueryDataAvailable,
    InternetSetFilePointer,
    InternetWriteFile,
    InternetFindNextFile,
    InternetQueryOption,
    InternetSetOption,
    FtpCreateDirectory,
    FtpDeleteFile,
    FtpGetCurrentDirectory,
    FtpGetFile,
    FtpPutFile,
    FtpRemoveDirectory,
    FtpRenameFile,
    FtpSetCurrentDirectory,
    GopherGetAttribute,
    InternetOpenUrl,
);

/// The last errors a function gives for a handle it cannot use (law 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BadHandleCodes {
    /// Error for a NULL handle.
    pub null: u32,
    /// Error for an unknown, closed or invalidated handle.
    pub invalid: u32,
    /// Error for a live handle of the wrong kind.
    pub wrong_kind: u32,
}

impl BadHandleCodes {
    /// The same code for every bad handle.
    pub const fn all(code: u32) -> BadHandleCodes {
        BadHandleCodes {
            null: code,
            invalid: code,
            wrong_kind: code,
        }
    }
}

/// One row of [`API_TABLE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiRule {
    /// The function.
    pub api: Api,
    /// The kinds it accepts; empty means every kind of its family.
    pub accepts: &'static [HandleKind],
    /// The errors for a handle it cannot use.
    pub bad_handle: BadHandleCodes,
    /// Immediate or operation.
    pub shape: Shape,
    /// BOOL or DWORD.
    pub returns: ReturnStyle,
    /// Evidence tag from `docs/behaviour.md`.
    pub evidence: &'static str,
}

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
        &[HandleKind::FtpFind, HandleKind::GopherFind],
        WI_CODES,
        wi_op(&[]),
        Bool,
        "WI-R10",
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
];

impl Api {
    /// This function's row of [`API_TABLE`].
    pub fn rule(self) -> &'static ApiRule {
        API_TABLE
            .iter()
            .find(|r| r.api == self)
            // Every Api variant has a row: `api_table_is_complete` tests it.
            .unwrap_or(&API_TABLE[0])
    }

    /// The family of this function.
    pub fn family(self) -> Family {
        if self.name().starts_with("WinHttp") {
            Family::WinHttp
        } else {
            Family::WinInet
        }
    }

    /// True when `kind` is accepted by this function.
    pub fn accepts(self, kind: HandleKind) -> bool {
        let rule = self.rule();
        kind.family() == self.family() && (rule.accepts.is_empty() || rule.accepts.contains(&kind))
    }

    /// The error a handle that does not address a live object gives (`null` for 0).
    pub fn bad_handle_error(self, null: bool) -> u32 {
        let rule = self.rule();
        if null {
            rule.bad_handle.null
        } else {
            rule.bad_handle.invalid
        }
    }

    /// Parse a name produced by [`Api::name`].
    pub fn from_name(name: &str) -> Option<Api> {
        Api::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The operation spec, if this function is an operation.
    pub fn op_spec(self) -> Option<OpSpec> {
        match self.rule().shape {
            Shape::Operation(spec) => Some(spec),
            Shape::Immediate => None,
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_table_is_complete() {
        assert_eq!(Api::ALL.len(), API_TABLE.len());
        for &api in Api::ALL {
            assert_eq!(
                API_TABLE.iter().filter(|r| r.api == api).count(),
                1,
                "{api}"
            );
            assert_eq!(Api::from_name(api.name()), Some(api));
            assert!(
                api.rule()
                    .accepts
                    .iter()
                    .all(|k| k.family() == api.family()),
                "{api} accepts a kind of the other family"
            );
        }
    }
}
