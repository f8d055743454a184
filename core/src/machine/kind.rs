//! Handle kinds of both API families and the hierarchy that creates them.
//!
//! Owns: [`Family`], [`Service`], [`HandleKind`], [`CreateApi`] and the one table
//! [`HIERARCHY`] that says which function creates which kind under which parent, through
//! which object `HANDLE_CREATED` is routed, and where the context comes from.
//!
//! Invariant: every creating function appears in [`HIERARCHY`] exactly once (tested), and
//! the machine consults nothing else to decide whether a creation is legal.

use core::fmt;

/// The API family a machine implements. Handles of one family are never valid in the
/// other (seed `001`: "cannot be interchanged").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `winhttp.dll`.
    WinHttp,
    /// `wininet.dll`.
    WinInet,
}

/// The service of a WinINet connect handle (`InternetConnect`'s `dwService`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// `INTERNET_SERVICE_HTTP`.
    Http,
    /// `INTERNET_SERVICE_FTP`.
    Ftp,
    /// `INTERNET_SERVICE_GOPHER`.
    Gopher,
}

/// Every kind of `HINTERNET` handle in the seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandleKind {
    /// WinHTTP session (`WinHttpOpen`).
    WinHttpSession,
    /// WinHTTP connection (`WinHttpConnect`).
    WinHttpConnect,
    /// WinHTTP request (`WinHttpOpenRequest`).
    WinHttpRequest,
    /// WinHTTP websocket (`WinHttpWebSocketCompleteUpgrade`).
    WinHttpWebSocket,
    /// WinINet root (`InternetOpen`).
    InternetRoot,
    /// WinINet connect handle of one service (`InternetConnect`).
    InternetConnect(Service),
    /// WinINet URL resource (`InternetOpenUrl`).
    UrlResource,
    /// WinINet HTTP request (`HttpOpenRequest`).
    HttpRequest,
    /// FTP find handle (`FtpFindFirstFile`).
    FtpFind,
    /// FTP file handle (`FtpOpenFile`).
    FtpFile,
    /// Gopher find handle (`GopherFindFirstFile`).
    GopherFind,
    /// Gopher file handle (`GopherOpenFile`).
    GopherFile,
}

impl HandleKind {
    /// Every kind, in a fixed order.
    pub const ALL: [HandleKind; 14] = [
        HandleKind::WinHttpSession,
        HandleKind::WinHttpConnect,
        HandleKind::WinHttpRequest,
        HandleKind::WinHttpWebSocket,
        HandleKind::InternetRoot,
        HandleKind::InternetConnect(Service::Http),
        HandleKind::InternetConnect(Service::Ftp),
        HandleKind::InternetConnect(Service::Gopher),
        HandleKind::UrlResource,
        HandleKind::HttpRequest,
        HandleKind::FtpFind,
        HandleKind::FtpFile,
        HandleKind::GopherFind,
        HandleKind::GopherFile,
    ];

    /// The family this kind belongs to.
    pub const fn family(self) -> Family {
        match self {
            HandleKind::WinHttpSession
            | HandleKind::WinHttpConnect
            | HandleKind::WinHttpRequest
            | HandleKind::WinHttpWebSocket => Family::WinHttp,
            _ => Family::WinInet,
        }
    }

    /// A short stable name used in traces.
    pub const fn name(self) -> &'static str {
        match self {
            HandleKind::WinHttpSession => "session",
            HandleKind::WinHttpConnect => "connect",
            HandleKind::WinHttpRequest => "request",
            HandleKind::WinHttpWebSocket => "websocket",
            HandleKind::InternetRoot => "internet",
            HandleKind::InternetConnect(Service::Http) => "connect-http",
            HandleKind::InternetConnect(Service::Ftp) => "connect-ftp",
            HandleKind::InternetConnect(Service::Gopher) => "connect-gopher",
            HandleKind::UrlResource => "url",
            HandleKind::HttpRequest => "http-request",
            HandleKind::FtpFind => "ftp-find",
            HandleKind::FtpFile => "ftp-file",
            HandleKind::GopherFind => "gopher-find",
            HandleKind::GopherFile => "gopher-file",
        }
    }
}

impl fmt::Display for HandleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A function that creates a handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CreateApi {
    /// `WinHttpOpen`.
    WinHttpOpen,
    /// `WinHttpConnect`.
    WinHttpConnect,
    /// `WinHttpOpenRequest`.
    WinHttpOpenRequest,
    /// `WinHttpWebSocketCompleteUpgrade`.
    WinHttpWebSocketCompleteUpgrade,
    /// `InternetOpen`.
    InternetOpen,
    /// `InternetConnect` with the given service.
    InternetConnect(Service),
    /// `InternetOpenUrl`.
    InternetOpenUrl,
    /// `HttpOpenRequest`.
    HttpOpenRequest,
    /// `FtpFindFirstFile`.
    FtpFindFirstFile,
    /// `FtpOpenFile`.
    FtpOpenFile,
    /// `GopherFindFirstFile`.
    GopherFindFirstFile,
    /// `GopherOpenFile`.
    GopherOpenFile,
    /// `FtpCommand` with `fExpectResponse = TRUE`: the data connection's FTP file handle
    /// (`phFtpCommand`), created inside the call on every session (WI-R30).
    FtpCommand,
}

/// Which object a `HANDLE_CREATED` notification is delivered through (WH-R14/R15, WI-R15).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CreatedRouting {
    /// No `HANDLE_CREATED` at all (roots: no callback can exist yet).
    None,
    /// Through the handle passed to the creating function, with that handle's context
    /// (WinHTTP connect through the session, websocket through the request).
    SourceWithSourceContext,
    /// Through the handle passed to the creating function, with the new handle's context
    /// (WinINet: connect through the root, request through the connect, WI-R15).
    SourceWithChildContext,
    /// Through the new handle itself (WinHTTP request, WH-R15).
    Child,
}

/// Where the new object's lifetime parent is, relative to the handle passed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LifetimeParent {
    /// No parent (a root).
    None,
    /// The handle passed to the creating function.
    Source,
    /// The parent of the handle passed in: a websocket holds its connection, not its
    /// request (WH-R3, WH-R38).
    SourceParent,
}

/// One row of the hierarchy table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreateRule {
    /// The creating function.
    pub api: CreateApi,
    /// The kinds of handle the function accepts as its source (empty for roots).
    pub source: &'static [HandleKind],
    /// The kind of the new handle.
    pub child: HandleKind,
    /// Which object holds the new one alive.
    pub parent: LifetimeParent,
    /// How `HANDLE_CREATED` is routed.
    pub created: CreatedRouting,
    /// Error for a NULL, unknown or closed source handle (WH-R8, WI-R10).
    pub invalid_handle: u32,
    /// Error for a source handle of the wrong kind (WH-R9, WI-R10).
    pub wrong_kind: u32,
    /// Evidence tag from `docs/behaviour.md`.
    pub evidence: &'static str,
}

use super::codes::{
    ERROR_INTERNET_INCORRECT_HANDLE_TYPE as WI_TYPE, ERROR_INVALID_HANDLE as INVALID,
    ERROR_WINHTTP_INCORRECT_HANDLE_TYPE as WH_TYPE,
};

/// The handle hierarchy of both families: which function creates which kind under which
/// parent (seeds `001`, `002`; WH-R3, WH-R14, WH-R15, WI-R3, WI-R10, WI-R15).
pub const HIERARCHY: &[CreateRule] = &[
    CreateRule {
        api: CreateApi::WinHttpOpen,
        source: &[],
        child: HandleKind::WinHttpSession,
        parent: LifetimeParent::None,
        created: CreatedRouting::None,
        invalid_handle: INVALID,
        wrong_kind: WH_TYPE,
        evidence: "seed 001",
    },
    CreateRule {
        api: CreateApi::WinHttpConnect,
        source: &[HandleKind::WinHttpSession],
        child: HandleKind::WinHttpConnect,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithSourceContext,
        invalid_handle: INVALID,
        wrong_kind: WH_TYPE,
        evidence: "WH-R9, WH-R15 [I]",
    },
    CreateRule {
        api: CreateApi::WinHttpOpenRequest,
        source: &[HandleKind::WinHttpConnect],
        child: HandleKind::WinHttpRequest,
        parent: LifetimeParent::Source,
        created: CreatedRouting::Child,
        invalid_handle: INVALID,
        wrong_kind: WH_TYPE,
        evidence: "WH-R9, WH-R15 [I]",
    },
    CreateRule {
        api: CreateApi::WinHttpWebSocketCompleteUpgrade,
        source: &[HandleKind::WinHttpRequest],
        child: HandleKind::WinHttpWebSocket,
        parent: LifetimeParent::SourceParent,
        created: CreatedRouting::SourceWithSourceContext,
        invalid_handle: INVALID,
        wrong_kind: WH_TYPE,
        evidence: "WH-R14 [I], WH-R38 [T]",
    },
    CreateRule {
        api: CreateApi::InternetOpen,
        source: &[],
        child: HandleKind::InternetRoot,
        parent: LifetimeParent::None,
        created: CreatedRouting::None,
        invalid_handle: INVALID,
        wrong_kind: INVALID,
        evidence: "seed 002",
    },
    CreateRule {
        api: CreateApi::InternetConnect(Service::Http),
        source: &[HandleKind::InternetRoot],
        child: HandleKind::InternetConnect(Service::Http),
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: INVALID,
        evidence: "WI-R10 [I], WI-R15 [I]",
    },
    CreateRule {
        api: CreateApi::InternetConnect(Service::Ftp),
        source: &[HandleKind::InternetRoot],
        child: HandleKind::InternetConnect(Service::Ftp),
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: INVALID,
        evidence: "WI-R10 [I], WI-R15 [I]",
    },
    CreateRule {
        api: CreateApi::InternetConnect(Service::Gopher),
        source: &[HandleKind::InternetRoot],
        child: HandleKind::InternetConnect(Service::Gopher),
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: INVALID,
        evidence: "seed 002 [D]; WI-R25: Wine has no Gopher",
    },
    CreateRule {
        api: CreateApi::InternetOpenUrl,
        source: &[HandleKind::InternetRoot],
        child: HandleKind::UrlResource,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: WI_TYPE,
        wrong_kind: WI_TYPE,
        evidence: "WI-R10 [I]; seed 002",
    },
    CreateRule {
        api: CreateApi::HttpOpenRequest,
        source: &[HandleKind::InternetConnect(Service::Http)],
        child: HandleKind::HttpRequest,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: WI_TYPE,
        wrong_kind: WI_TYPE,
        evidence: "WI-R10 [I], WI-R15 [I]",
    },
    CreateRule {
        api: CreateApi::FtpFindFirstFile,
        source: &[HandleKind::InternetConnect(Service::Ftp)],
        child: HandleKind::FtpFind,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: WI_TYPE,
        evidence: "WI-R10 [T ftp.c]",
    },
    CreateRule {
        api: CreateApi::FtpOpenFile,
        source: &[HandleKind::InternetConnect(Service::Ftp)],
        child: HandleKind::FtpFile,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: WI_TYPE,
        evidence: "WI-R10 [T ftp.c]",
    },
    CreateRule {
        api: CreateApi::GopherFindFirstFile,
        source: &[HandleKind::InternetConnect(Service::Gopher)],
        child: HandleKind::GopherFind,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: WI_TYPE,
        evidence: "seed 002 [D]",
    },
    CreateRule {
        api: CreateApi::GopherOpenFile,
        source: &[HandleKind::InternetConnect(Service::Gopher)],
        child: HandleKind::GopherFile,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: WI_TYPE,
        evidence: "seed 002 [D]",
    },
    // Last, so the earlier rows keep their positions (sequence and fuzz inputs index them).
    CreateRule {
        api: CreateApi::FtpCommand,
        source: &[HandleKind::InternetConnect(Service::Ftp)],
        child: HandleKind::FtpFile,
        parent: LifetimeParent::Source,
        created: CreatedRouting::SourceWithChildContext,
        invalid_handle: INVALID,
        wrong_kind: WI_TYPE,
        evidence: "WI-R30 [D FtpCommand: phFtpCommand]",
    },
];

impl CreateApi {
    /// Every creating function, in table order.
    pub fn all() -> impl Iterator<Item = CreateApi> {
        HIERARCHY.iter().map(|r| r.api)
    }

    /// This function's row of [`HIERARCHY`].
    pub fn rule(self) -> &'static CreateRule {
        HIERARCHY
            .iter()
            .find(|r| r.api == self)
            // Every CreateApi variant has a row: `hierarchy_is_complete` tests it.
            .unwrap_or(&HIERARCHY[0])
    }

    /// The family of this function.
    pub fn family(self) -> Family {
        self.rule().child.family()
    }

    /// The Windows name of the function.
    pub const fn name(self) -> &'static str {
        match self {
            CreateApi::WinHttpOpen => "WinHttpOpen",
            CreateApi::WinHttpConnect => "WinHttpConnect",
            CreateApi::WinHttpOpenRequest => "WinHttpOpenRequest",
            CreateApi::WinHttpWebSocketCompleteUpgrade => "WinHttpWebSocketCompleteUpgrade",
            CreateApi::InternetOpen => "InternetOpen",
            CreateApi::InternetConnect(Service::Http) => "InternetConnect(http)",
            CreateApi::InternetConnect(Service::Ftp) => "InternetConnect(ftp)",
            CreateApi::InternetConnect(Service::Gopher) => "InternetConnect(gopher)",
            CreateApi::InternetOpenUrl => "InternetOpenUrl",
            CreateApi::HttpOpenRequest => "HttpOpenRequest",
            CreateApi::FtpFindFirstFile => "FtpFindFirstFile",
            CreateApi::FtpOpenFile => "FtpOpenFile",
            CreateApi::FtpCommand => "FtpCommand",
            CreateApi::GopherFindFirstFile => "GopherFindFirstFile",
            CreateApi::GopherOpenFile => "GopherOpenFile",
        }
    }

    /// Parse a name produced by [`CreateApi::name`].
    pub fn from_name(name: &str) -> Option<CreateApi> {
        CreateApi::all().find(|a| a.name() == name)
    }

    /// The operation an asynchronous call of this function queues on its source when the
    /// protocol table pends the create (WI-R18): the [`Api`](crate::Api) of the same name.
    pub fn pending_part(self) -> Option<crate::Api> {
        crate::Api::from_name(self.name())
    }

    /// True when the function creates a root (no source handle).
    pub fn is_root(self) -> bool {
        self.rule().source.is_empty()
    }
}

impl fmt::Display for CreateApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_is_complete() {
        let all = [
            CreateApi::WinHttpOpen,
            CreateApi::WinHttpConnect,
            CreateApi::WinHttpOpenRequest,
            CreateApi::WinHttpWebSocketCompleteUpgrade,
            CreateApi::InternetOpen,
            CreateApi::InternetConnect(Service::Http),
            CreateApi::InternetConnect(Service::Ftp),
            CreateApi::InternetConnect(Service::Gopher),
            CreateApi::InternetOpenUrl,
            CreateApi::HttpOpenRequest,
            CreateApi::FtpFindFirstFile,
            CreateApi::FtpOpenFile,
            CreateApi::FtpCommand,
            CreateApi::GopherFindFirstFile,
            CreateApi::GopherOpenFile,
        ];
        assert_eq!(all.len(), HIERARCHY.len());
        for api in all {
            assert_eq!(
                HIERARCHY.iter().filter(|r| r.api == api).count(),
                1,
                "{api}"
            );
            assert_eq!(CreateApi::from_name(api.name()), Some(api));
        }
        // Every kind is created by exactly one function, except the FTP file handle, which
        // `FtpOpenFile` and `FtpCommand` (with a data connection) both create.
        for kind in HandleKind::ALL {
            let creators = if kind == HandleKind::FtpFile { 2 } else { 1 };
            assert_eq!(
                HIERARCHY.iter().filter(|r| r.child == kind).count(),
                creators,
                "{kind}"
            );
        }
        // Sources are of the same family as the child.
        for r in HIERARCHY {
            assert!(r.source.iter().all(|k| k.family() == r.child.family()));
        }
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{Family, HandleKind, Service};
    use crate::pack::{pack_fieldless, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    pack_fieldless!(Family { WinHttp, WinInet });
    pack_fieldless!(Service { Http, Ftp, Gopher });

    impl Pack for HandleKind {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            let tag = match self {
                HandleKind::WinHttpSession => 0,
                HandleKind::WinHttpConnect => 1,
                HandleKind::WinHttpRequest => 2,
                HandleKind::WinHttpWebSocket => 3,
                HandleKind::InternetRoot => 4,
                HandleKind::InternetConnect(service) => {
                    out.push(5);
                    service.pack(out);
                    return;
                }
                HandleKind::UrlResource => 6,
                HandleKind::HttpRequest => 7,
                HandleKind::FtpFind => 8,
                HandleKind::FtpFile => 9,
                HandleKind::GopherFind => 10,
                HandleKind::GopherFile => 11,
            };
            out.push(tag);
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(match r.byte()? {
                0 => HandleKind::WinHttpSession,
                1 => HandleKind::WinHttpConnect,
                2 => HandleKind::WinHttpRequest,
                3 => HandleKind::WinHttpWebSocket,
                4 => HandleKind::InternetRoot,
                5 => HandleKind::InternetConnect(Service::unpack(r)?),
                6 => HandleKind::UrlResource,
                7 => HandleKind::HttpRequest,
                8 => HandleKind::FtpFind,
                9 => HandleKind::FtpFile,
                10 => HandleKind::GopherFind,
                11 => HandleKind::GopherFile,
                _ => return Err(UnpackError),
            })
        }
    }
}
