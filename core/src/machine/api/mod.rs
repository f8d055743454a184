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

use crate::machine::codes::{
    winhttp as wh, wininet as wi, ERROR_INTERNET_INCORRECT_HANDLE_TYPE as WI_TYPE,
    ERROR_INVALID_HANDLE as INVALID, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE as WH_TYPE,
};
use crate::machine::io::{Completion, WsBufferType};
use crate::machine::kind::{CreateApi, Family, HandleKind, Service};

mod table;

pub use table::{API_TABLE, COMPLETION_FIT};

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

/// Which completions an operation accepts ([`Input::Complete`](crate::Input::Complete)):
/// the variants of [`Completion`] its API reports. [`Completion::Error`] fits every
/// operation. One row per operation in [`COMPLETION_FIT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionFit {
    /// `Http { status }` with or without a status: the request was sent, and the reply
    /// head may have been read (`WinHttpSendRequest`, `HttpSendRequestEx`).
    HttpMaybeHead,
    /// `Http { status: Some(_) }`: the reply head was read (`WinHttpReceiveResponse`,
    /// `HttpSendRequest`, `HttpEndRequest`).
    HttpHead,
    /// `Bytes(n)`: read, written, available or transferred.
    Bytes,
    /// `WebSocket { .. }`: a received frame (`WinHttpWebSocketReceive`).
    WebSocket,
    /// `Done`, or `WebSocket` with the `Close` buffer type: our close completed, or the
    /// peer's close frame answered it (`WinHttpWebSocketClose`).
    DoneOrPeerClose,
    /// `Http { status: Some(_) }` for an HTTP URL, `Done` for another scheme
    /// (`InternetOpenUrl`).
    HttpHeadOrDone,
    /// `Done`: no value.
    Done,
}

impl CompletionFit {
    /// True when `completion` fits an operation of this kind.
    pub const fn fits(self, completion: Completion) -> bool {
        use Completion as C;
        match (self, completion) {
            (_, C::Error(_)) => true,
            (CompletionFit::HttpMaybeHead, C::Http { .. }) => true,
            (CompletionFit::HttpHead | CompletionFit::HttpHeadOrDone, C::Http { status }) => {
                status.is_some()
            }
            (CompletionFit::Bytes, C::Bytes(_)) => true,
            (CompletionFit::WebSocket, C::WebSocket { .. }) => true,
            (CompletionFit::DoneOrPeerClose, C::WebSocket { buffer_type, .. }) => {
                matches!(buffer_type, WsBufferType::Close)
            }
            (CompletionFit::DoneOrPeerClose | CompletionFit::HttpHeadOrDone, C::Done) => true,
            (CompletionFit::Done, C::Done) => true,
            _ => false,
        }
    }

    /// A successful completion of this kind carrying `n` (the status code, byte count or
    /// frame length; ignored where there is no value), for generators and harnesses:
    /// `Http { status: None }` for 0 where a status is optional, else `Some(n)` (clamped
    /// to `u16`); `Bytes(n)`; a `BinaryMessage` frame of `n` bytes; `Done`.
    pub const fn success(self, n: u32) -> Completion {
        let status = if n > u16::MAX as u32 {
            u16::MAX
        } else {
            n as u16
        };
        match self {
            CompletionFit::HttpMaybeHead if n == 0 => Completion::Http { status: None },
            CompletionFit::HttpMaybeHead | CompletionFit::HttpHead => Completion::Http {
                status: Some(status),
            },
            CompletionFit::Bytes => Completion::Bytes(n),
            CompletionFit::WebSocket => Completion::WebSocket {
                buffer_type: WsBufferType::BinaryMessage,
                bytes: n,
            },
            CompletionFit::HttpHeadOrDone if n != 0 => Completion::Http {
                status: Some(status),
            },
            CompletionFit::DoneOrPeerClose
            | CompletionFit::HttpHeadOrDone
            | CompletionFit::Done => Completion::Done,
        }
    }
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
    FtpFindFirstFile,
    FtpOpenFile,
    GopherFindFirstFile,
    GopherOpenFile,
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

    /// Which completions an operation of this function accepts ([`COMPLETION_FIT`]);
    /// `None` for an immediate function.
    pub fn completion_fit(self) -> Option<CompletionFit> {
        COMPLETION_FIT
            .iter()
            .find(|(api, _)| *api == self)
            .map(|&(_, fit)| fit)
    }

    /// True for the reads whose completion is bounded by the application's buffer
    /// ([`CallArg::Buffer`](crate::CallArg::Buffer)).
    pub const fn is_bounded_read(self) -> bool {
        matches!(
            self,
            Api::WinHttpReadData
                | Api::InternetReadFile
                | Api::InternetReadFileEx
                | Api::WinHttpWebSocketReceive
        )
    }

    /// The creating function whose asynchronous pending part this is (`InternetOpenUrl`,
    /// `FtpFindFirstFile`, `FtpOpenFile`, `GopherFindFirstFile`, `GopherOpenFile`: the
    /// operation a pending create queues on its source, named like the creator; WI-R18).
    /// `None` for every function an application calls.
    pub fn pending_create(self) -> Option<CreateApi> {
        CreateApi::from_name(self.name())
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
            assert_eq!(
                COMPLETION_FIT.iter().filter(|(a, _)| *a == api).count(),
                usize::from(api.op_spec().is_some()),
                "{api}: one completion-fit row per operation, none for immediate functions"
            );
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

#[cfg(feature = "pack")]
mod packing {
    use super::{Api, Lane};
    use crate::pack::{pack_fieldless, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    pack_fieldless!(Lane { Main, Receive });

    /// Its position in [`Api::ALL`] (declaration order), as a LEB128 integer.
    impl Pack for Api {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            (*self as u16).pack(out); // fieldless; `Api::ALL` has fewer than 65,536
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            let at = usize::from(u16::unpack(r)?);
            Api::ALL.get(at).copied().ok_or(UnpackError)
        }
    }
}
