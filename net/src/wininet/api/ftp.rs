//! The FTP and Gopher functions of [`WinInet`], `InternetFindNextFile` and
//! `InternetGetLastResponseInfo`.
//!
//! The find and file handles are created after their network step succeeded (the listing
//! read, the transfer opened), so a failure leaves no handle and sends no notification;
//! the engine's create then applies the handle rules (the busy rule, 12110). A create the
//! engine refuses drops what was opened. The last response is per thread, as in Windows:
//! it is recorded on the calling thread when a call returns.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use hinternet_core::{Api, CallArg, Completion, CreateApi, Outcome};
use windows_sys::Win32::Foundation::{ERROR_INVALID_PARAMETER, ERROR_NO_MORE_FILES};
use windows_sys::Win32::Networking::WinInet as wi;

use super::executor::{
    FoundEntry, FtpConnect, FtpOp, InetCall, InetKind, InetObject, Reporter, Slot,
};
use super::{fail_bool, fail_handle, handle_answer, Answer, HandleValue, WinInet};
use crate::executor::state::lock;
use crate::ftp::{Direction, FindData, TransferType};
use crate::gopher::locator::locator_type;
use crate::gopher::{GopherAttribute, GopherFindData, GopherLocator};
use crate::wininet::misc::{last_response_info, LastResponse, ResponseText};
use crate::wininet::options::{QueryBuffer, QueryFailure};
use crate::wininet::{Charset, HandleKind as OptKind};
use crate::InetError;

/// `GENERIC_READ`.
pub const GENERIC_READ: u32 = 0x8000_0000;
/// `GENERIC_WRITE`.
pub const GENERIC_WRITE: u32 = 0x4000_0000;

thread_local! {
    static LAST_RESPONSE: RefCell<LastResponse> = const {
        RefCell::new(LastResponse {
            error: 0,
            text: String::new(),
        })
    };
}

/// Records the calling thread's last response (`InternetGetLastResponseInfo`).
pub(crate) fn set_last_response(error: u32, text: &str) {
    LAST_RESPONSE.with(|l| {
        *l.borrow_mut() = LastResponse {
            error,
            text: text.to_owned(),
        }
    });
}

/// The FTP reply code an error came from (the `lpdwError` of
/// `InternetGetLastResponseInfo`), 0 for errors that are not a server's reply.
fn reply_code_of(error: &InetError) -> u32 {
    match error {
        InetError::ExtendedError { reply_code } => u32::from(*reply_code),
        _ => 0,
    }
}

fn ftp_connect(object: &InetObject) -> Option<Arc<FtpConnect>> {
    match &object.kind {
        InetKind::FtpConnect(c) => Some(c.clone()),
        _ => None,
    }
}

impl WinInet {
    fn child_options(
        &self,
        parent: &InetObject,
        parent_value: HandleValue,
        kind: OptKind,
        context: u64,
        flags: u32,
    ) -> crate::wininet::options::HandleOptions {
        let opts = lock(&parent.options).clone();
        crate::wininet::options::HandleOptions::child(
            &opts,
            kind,
            context,
            u64::from(parent_value.0),
            flags,
        )
    }

    /// Creates `api`'s handle after `step`, the network part of a find or an open on
    /// `connect`, has made its data. On a synchronous session the step runs inside the call
    /// and the handle is created after it succeeded (the engine then applies the handle
    /// rules, such as the busy rule, and a refused create drops what was opened). On an
    /// asynchronous session (WI-R27) the engine judges the create first; an accepted one
    /// returns NULL + `ERROR_IO_PENDING`, the step runs as the create's pending part, and
    /// the handle comes as the `dwResult` of `REQUEST_COMPLETE`.
    fn create_after_step<F>(
        &self,
        api: CreateApi,
        connect: HandleValue,
        parent: &InetObject,
        context: u64,
        step: F,
    ) -> Answer<HandleValue>
    where
        F: std::future::Future<Output = Result<InetObject, u32>> + Send + 'static,
    {
        if parent.async_mode {
            // The connect's main lane starts the pending parts in call order; the order
            // lock makes the steps' queue order the same.
            let _order = lock(&self.0.pending_order);
            parent.push_pending_create(Box::new(move |reporter: Reporter| {
                Box::pin(async move {
                    match step.await {
                        Ok(object) => reporter.complete_with(Completion::Done, Some(object)),
                        Err(code) => reporter.complete_with(Completion::Error(code), None),
                    }
                })
            }));
            let reply = self.0.engine.create(api, connect, Some(context));
            let pending = matches!(&reply, Ok(r) if matches!(r.outcome, Outcome::Pending { .. }));
            if !pending {
                parent.pop_pending_create_back();
            }
            return handle_answer(reply);
        }
        match self.0.engine.executor().io.block_on(step) {
            Some(Ok(object)) => handle_answer(self.0.engine.create_with(
                api,
                connect,
                Some(context),
                move |_, _| object,
            )),
            Some(Err(code)) => fail_handle(code),
            None => fail_handle(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// `FtpFindFirstFile(connect, search, &find_data, flags, context)`: the find handle and
    /// its first entry, written to `first` before the call returns (synchronous; also in
    /// `out`) or before `REQUEST_COMPLETE` (asynchronous, WI-R27). An empty listing is NULL
    /// with `ERROR_NO_MORE_FILES`.
    pub fn ftp_find_first_file(
        &self,
        connect: HandleValue,
        search: Option<&str>,
        flags: u32,
        context: u64,
        first: Slot<FindData>,
    ) -> Answer<HandleValue, Option<FindData>> {
        let api = CreateApi::FtpFindFirstFile;
        let parent = self.data(connect);
        let Some((parent, ftp)) = parent.and_then(|p| ftp_connect(&p).map(|c| (p, c))) else {
            let a = handle_answer(self.0.engine.create(api, connect, Some(context)));
            return Answer {
                ret: a.ret,
                last_error: a.last_error,
                out: None,
            };
        };
        let search = search.filter(|s| !s.is_empty()).map(str::to_owned);
        let options = self.child_options(&parent, connect, OptKind::FtpFind, context, flags);
        let async_mode = parent.async_mode;
        let (conn, slot_in) = (ftp.clone(), first.clone());
        let step = async move {
            let found = {
                let mut session = conn.session.lock().await;
                let result = session.find_first(search.as_deref()).await;
                *lock(&conn.last_response) = session.last_response().to_owned();
                result.and_then(|mut find| find.next_entry().map(|first| (find, first)))
            };
            match found {
                Ok((find, entry)) => {
                    *lock(&slot_in) = Some(entry);
                    Ok(InetObject::new(
                        InetKind::FtpFind(Mutex::new(find), Some(conn)),
                        options,
                        async_mode,
                    ))
                }
                Err(InetError::NoMoreFiles) => Err(ERROR_NO_MORE_FILES),
                Err(e) => Err(e.code()),
            }
        };
        let a = self.create_after_step(api, connect, &parent, context, step);
        if !async_mode {
            set_last_response(0, &lock(&ftp.last_response));
        }
        let out = (a.ret != HandleValue::NULL)
            .then(|| lock(&first).clone())
            .flatten();
        Answer {
            ret: a.ret,
            last_error: a.last_error,
            out,
        }
    }

    /// `FtpOpenFile(connect, path, access, flags, context)`: `access` is `GENERIC_READ` or
    /// `GENERIC_WRITE`; `flags` carry the `FTP_TRANSFER_TYPE_*`. Asynchronous: NULL +
    /// `ERROR_IO_PENDING`, the handle in `REQUEST_COMPLETE` (WI-R27).
    pub fn ftp_open_file(
        &self,
        connect: HandleValue,
        path: &str,
        access: u32,
        flags: u32,
        context: u64,
    ) -> Answer<HandleValue> {
        let api = CreateApi::FtpOpenFile;
        let parent = self.data(connect);
        let Some((parent, ftp)) = parent.and_then(|p| ftp_connect(&p).map(|c| (p, c))) else {
            return handle_answer(self.0.engine.create(api, connect, Some(context)));
        };
        let direction = match access {
            GENERIC_READ => Direction::Download,
            GENERIC_WRITE => Direction::Upload,
            _ => return fail_handle(ERROR_INVALID_PARAMETER),
        };
        let Ok(ty) = TransferType::from_flags(flags) else {
            return fail_handle(ERROR_INVALID_PARAMETER);
        };
        let options = self.child_options(&parent, connect, OptKind::FtpFile, context, flags);
        let async_mode = parent.async_mode;
        let conn = ftp.clone();
        let path = path.to_owned();
        let step = async move {
            let opened = {
                let mut session = conn.session.lock().await;
                let result = session.open_file(&path, direction, ty).await;
                *lock(&conn.last_response) = session.last_response().to_owned();
                result
            };
            match opened {
                Ok(transfer) => {
                    let transfer = Arc::new(tokio::sync::Mutex::new(Some(transfer)));
                    Ok(InetObject::new(
                        InetKind::FtpFile(transfer, conn),
                        options,
                        async_mode,
                    ))
                }
                Err(e) => Err(e.code()),
            }
        };
        let a = self.create_after_step(api, connect, &parent, context, step);
        if !async_mode {
            set_last_response(0, &lock(&ftp.last_response));
        }
        a
    }

    fn ftp_op(&self, api: Api, connect: HandleValue, op: FtpOp) -> Answer<bool> {
        let reply = self
            .0
            .engine
            .call(api, connect, CallArg::None, Some(InetCall::Ftp(op)));
        let answer = Self::bool_answer(reply);
        if let Some(ftp) = self.data(connect).and_then(|d| ftp_connect(&d)) {
            let code = if answer.ret {
                0
            } else {
                answer.last_error.unwrap_or(0)
            };
            set_last_response(code, &lock(&ftp.last_response));
        }
        answer
    }

    /// `FtpCreateDirectory(connect, dir)`.
    pub fn ftp_create_directory(&self, connect: HandleValue, dir: &str) -> Answer<bool> {
        self.ftp_op(
            Api::FtpCreateDirectory,
            connect,
            FtpOp::CreateDirectory(dir.to_owned()),
        )
    }

    /// `FtpRemoveDirectory(connect, dir)`.
    pub fn ftp_remove_directory(&self, connect: HandleValue, dir: &str) -> Answer<bool> {
        self.ftp_op(
            Api::FtpRemoveDirectory,
            connect,
            FtpOp::RemoveDirectory(dir.to_owned()),
        )
    }

    /// `FtpSetCurrentDirectory(connect, dir)`.
    pub fn ftp_set_current_directory(&self, connect: HandleValue, dir: &str) -> Answer<bool> {
        let op = FtpOp::SetCurrentDirectory(dir.to_owned());
        self.ftp_op(Api::FtpSetCurrentDirectory, connect, op)
    }

    /// `FtpGetCurrentDirectory(connect, buffer, &length)`: `dir` is the out buffer (filled
    /// before the call returns, or before `REQUEST_COMPLETE` when async); `out` holds it
    /// too for a synchronous call.
    pub fn ftp_get_current_directory(
        &self,
        connect: HandleValue,
        dir: Slot<String>,
    ) -> Answer<bool, Option<String>> {
        let a = self.ftp_op(
            Api::FtpGetCurrentDirectory,
            connect,
            FtpOp::GetCurrentDirectory(dir.clone()),
        );
        let out = if a.ret { lock(&dir).clone() } else { None };
        Answer {
            ret: a.ret,
            last_error: a.last_error,
            out,
        }
    }

    /// `FtpDeleteFile(connect, path)`.
    pub fn ftp_delete_file(&self, connect: HandleValue, path: &str) -> Answer<bool> {
        self.ftp_op(
            Api::FtpDeleteFile,
            connect,
            FtpOp::DeleteFile(path.to_owned()),
        )
    }

    /// `FtpRenameFile(connect, from, to)`.
    pub fn ftp_rename_file(&self, connect: HandleValue, from: &str, to: &str) -> Answer<bool> {
        self.ftp_op(
            Api::FtpRenameFile,
            connect,
            FtpOp::Rename(from.to_owned(), to.to_owned()),
        )
    }

    /// `FtpGetFile(connect, remote, local, fail_if_exists, attributes, flags, context)`.
    pub fn ftp_get_file(
        &self,
        connect: HandleValue,
        remote: &str,
        local: PathBuf,
        fail_if_exists: bool,
        flags: u32,
    ) -> Answer<bool> {
        let Ok(ty) = TransferType::from_flags(flags) else {
            return fail_bool(ERROR_INVALID_PARAMETER);
        };
        let op = FtpOp::GetFile(remote.to_owned(), local, fail_if_exists, ty);
        self.ftp_op(Api::FtpGetFile, connect, op)
    }

    /// `FtpPutFile(connect, local, remote, flags, context)`.
    pub fn ftp_put_file(
        &self,
        connect: HandleValue,
        local: PathBuf,
        remote: &str,
        flags: u32,
    ) -> Answer<bool> {
        let Ok(ty) = TransferType::from_flags(flags) else {
            return fail_bool(ERROR_INVALID_PARAMETER);
        };
        self.ftp_op(
            Api::FtpPutFile,
            connect,
            FtpOp::PutFile(local, remote.to_owned(), ty),
        )
    }

    /// `FtpGetFileSize(file, &high)`: `ret` is the low DWORD, `out` the high one; a size the
    /// server did not tell is `INVALID_FILE_SIZE` (0xFFFFFFFF) with
    /// `ERROR_INTERNET_EXTENDED_ERROR`. A handle that is not an FTP file:
    /// `ERROR_INTERNET_INCORRECT_HANDLE_TYPE`; an invalid one `ERROR_INVALID_HANDLE`.
    pub fn ftp_get_file_size(&self, file: HandleValue) -> Answer<u32, u32> {
        let bad = |code| Answer {
            ret: u32::MAX,
            last_error: Some(code),
            out: 0,
        };
        let Some(data) = self.data(file) else {
            return bad(windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE);
        };
        let InetKind::FtpFile(transfer, _) = &data.kind else {
            return bad(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
        };
        let size = transfer.blocking_lock().as_ref().and_then(|t| t.size());
        match size {
            Some(size) => Answer {
                ret: (size & 0xffff_ffff) as u32,
                last_error: None,
                out: (size >> 32) as u32,
            },
            None => bad(wi::ERROR_INTERNET_EXTENDED_ERROR),
        }
    }

    /// `FtpCommand(connect, expect_response, flags, command, context, &handle)`.
    ///
    /// Without a data connection (`expect_response` FALSE) it sends `command` and reads its
    /// reply: `out` is NULL. With one (WI-R30) it sets the transfer type from `flags`
    /// (`FTP_TRANSFER_TYPE_*`), opens a passive data connection and sends `command`; `out` is
    /// the new FTP file handle (`*phFtpCommand`), read with `InternetReadFile`, and the busy
    /// rule holds until it is closed. Both run inside the call, on an asynchronous session
    /// too (WI-R27). A reply of 400 or more is `FALSE` with `ERROR_INTERNET_EXTENDED_ERROR`
    /// (the text in `InternetGetLastResponseInfo`); an open transfer on the connect
    /// `ERROR_FTP_TRANSFER_IN_PROGRESS`; an empty command or unknown transfer type
    /// `ERROR_INVALID_PARAMETER`.
    pub fn ftp_command(
        &self,
        connect: HandleValue,
        expect_response: bool,
        flags: u32,
        command: &str,
        context: u64,
    ) -> Answer<bool, HandleValue> {
        let fail = |code| Answer {
            ret: false,
            last_error: Some(code),
            out: HandleValue::NULL,
        };
        let Some(data) = self.data(connect) else {
            return fail(windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE);
        };
        let Some(ftp) = ftp_connect(&data) else {
            return fail(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
        };
        if command.is_empty() {
            return fail(ERROR_INVALID_PARAMETER);
        }
        if expect_response {
            return self.ftp_command_with_data(connect, &data, &ftp, flags, command, context);
        }
        let conn = ftp.clone();
        let command = command.to_owned();
        let reply = self.0.engine.executor().io.block_on(async move {
            let mut session = conn.session.lock().await;
            let result = session.command(&command).await;
            *lock(&conn.last_response) = session.last_response().to_owned();
            result
        });
        let text = lock(&ftp.last_response).clone();
        match reply {
            Some(Ok(r)) if r.code < 400 => {
                set_last_response(0, &text);
                Answer {
                    ret: true,
                    last_error: None,
                    out: HandleValue::NULL,
                }
            }
            Some(Ok(r)) => {
                set_last_response(u32::from(r.code), &text);
                fail(wi::ERROR_INTERNET_EXTENDED_ERROR)
            }
            Some(Err(e)) => {
                set_last_response(reply_code_of(&e), &text);
                fail(e.code())
            }
            None => fail(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// The data-connection half of [`WinInet::ftp_command`] (WI-R30): the network step runs
    /// inside the call, then the machine creates the FTP file handle (`CreateApi::FtpCommand`,
    /// which never pends); a create the machine refuses drops the transfer.
    fn ftp_command_with_data(
        &self,
        connect: HandleValue,
        parent: &InetObject,
        ftp: &Arc<FtpConnect>,
        flags: u32,
        command: &str,
        context: u64,
    ) -> Answer<bool, HandleValue> {
        let fail = |code| Answer {
            ret: false,
            last_error: Some(code),
            out: HandleValue::NULL,
        };
        let Ok(ty) = TransferType::from_flags(flags) else {
            return fail(ERROR_INVALID_PARAMETER);
        };
        let options = self.child_options(parent, connect, OptKind::FtpFile, context, flags);
        let async_mode = parent.async_mode;
        let conn = ftp.clone();
        let command = command.to_owned();
        let opened = self.0.engine.executor().io.block_on(async move {
            let mut session = conn.session.lock().await;
            let result = session.command_with_data(&command, ty).await;
            *lock(&conn.last_response) = session.last_response().to_owned();
            drop(session);
            result.map(|transfer| {
                let transfer = Arc::new(tokio::sync::Mutex::new(Some(transfer)));
                InetObject::new(InetKind::FtpFile(transfer, conn), options, async_mode)
            })
        });
        let text = lock(&ftp.last_response).clone();
        match opened {
            Some(Ok(object)) => {
                set_last_response(0, &text);
                let a = handle_answer(self.0.engine.create_with(
                    CreateApi::FtpCommand,
                    connect,
                    Some(context),
                    move |_, _| object,
                ));
                Answer {
                    ret: a.ret != HandleValue::NULL,
                    last_error: a.last_error,
                    out: a.ret,
                }
            }
            Some(Err(e)) => {
                set_last_response(reply_code_of(&e), &text);
                fail(e.code())
            }
            None => fail(wi::ERROR_INTERNET_INTERNAL_ERROR),
        }
    }

    /// `InternetGetLastResponseInfo(&error, buffer, &length)` (`W` lengths in characters)
    /// of the calling thread: `ret` TRUE unless the buffer is too small; `out` is
    /// `(*lpdwError, text or failure)`.
    pub fn internet_get_last_response_info(
        &self,
        buffer: QueryBuffer,
    ) -> Answer<bool, (u32, Result<ResponseText, QueryFailure>)> {
        let (error, result) =
            LAST_RESPONSE.with(|l| last_response_info(&l.borrow(), Charset::Wide, buffer));
        let last_error = result.as_ref().err().map(|f| f.code);
        Answer {
            ret: result.is_ok(),
            last_error,
            out: (error, result),
        }
    }

    /// `InternetFindNextFile(find, &data)`: the next FTP or Gopher entry; past the last,
    /// `FALSE` with `ERROR_NO_MORE_FILES`. `entry` is the out structure (filled before
    /// the call returns, or before `REQUEST_COMPLETE` when async). `find` may also be the
    /// handle of an `InternetOpenUrl` of an FTP directory or a Gopher menu; a URL handle of
    /// a file or an HTTP resource is `ERROR_INTERNET_INCORRECT_HANDLE_TYPE` (WI-R26).
    pub fn internet_find_next_file(
        &self,
        find: HandleValue,
        entry: Slot<FoundEntry>,
    ) -> Answer<bool, Option<FoundEntry>> {
        let not_a_listing = self.data(find).is_some_and(|d| {
            matches!(
                d.kind,
                InetKind::Request(_) | InetKind::FtpFile(..) | InetKind::GopherFile(_)
            )
        });
        if not_a_listing {
            return fail_bool(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
        }
        let call = InetCall::FindNext(entry.clone());
        let reply = self
            .0
            .engine
            .call(Api::InternetFindNextFile, find, CallArg::None, Some(call));
        let a: Answer<bool> = Self::bool_answer(reply);
        let out = if a.ret { lock(&entry).clone() } else { None };
        Answer {
            ret: a.ret,
            last_error: a.last_error,
            out,
        }
    }

    /// `GopherCreateLocator(host, port, display, selector, type)`: the locator text.
    pub fn gopher_create_locator(
        &self,
        host: &str,
        port: u16,
        display: Option<&str>,
        selector: Option<&str>,
        gopher_type: u32,
    ) -> Answer<bool, Option<String>> {
        match GopherLocator::create(host, port, display, selector, gopher_type) {
            Ok(l) => Answer {
                ret: true,
                last_error: None,
                out: Some(l.to_string()),
            },
            Err(e) => fail_bool(e.code()),
        }
    }

    /// `GopherGetLocatorType(locator, &type)`.
    pub fn gopher_get_locator_type(&self, locator: &str) -> Answer<bool, u32> {
        match locator_type(locator) {
            Ok(t) => Answer {
                ret: true,
                last_error: None,
                out: t,
            },
            Err(e) => fail_bool(e.code()),
        }
    }

    /// `GopherFindFirstFile(connect, locator, search, &data, flags, context)`: the find
    /// handle and the menu's first item, written to `first` before the call returns
    /// (synchronous; also in `out`) or before `REQUEST_COMPLETE` (asynchronous, WI-R27).
    pub fn gopher_find_first_file(
        &self,
        connect: HandleValue,
        locator: Option<&str>,
        search: Option<&str>,
        flags: u32,
        context: u64,
        first: Slot<GopherFindData>,
    ) -> Answer<HandleValue, Option<GopherFindData>> {
        let api = CreateApi::GopherFindFirstFile;
        let parent = self.data(connect);
        let Some((parent, session)) = parent.and_then(|p| match &p.kind {
            InetKind::GopherConnect(s) => Some((p.clone(), s.clone())),
            _ => None,
        }) else {
            let a = handle_answer(self.0.engine.create(api, connect, Some(context)));
            return Answer {
                ret: a.ret,
                last_error: a.last_error,
                out: None,
            };
        };
        let (locator, search) = (locator.map(str::to_owned), search.map(str::to_owned));
        let options = self.child_options(&parent, connect, OptKind::GopherFind, context, flags);
        let async_mode = parent.async_mode;
        let slot_in = first.clone();
        let step = async move {
            let found = async {
                let mut find = session
                    .find_first(locator.as_deref(), search.as_deref())
                    .await?;
                find.next_entry().map(|first| (find, first))
            }
            .await;
            match found {
                Ok((find, entry)) => {
                    *lock(&slot_in) = Some(entry);
                    Ok(InetObject::new(
                        InetKind::GopherFind(Mutex::new(find)),
                        options,
                        async_mode,
                    ))
                }
                Err(e) => Err(e.code()),
            }
        };
        let a = self.create_after_step(api, connect, &parent, context, step);
        let out = (a.ret != HandleValue::NULL)
            .then(|| lock(&first).clone())
            .flatten();
        Answer {
            ret: a.ret,
            last_error: a.last_error,
            out,
        }
    }

    /// `GopherOpenFile(connect, locator, view, flags, context)` (`view` other than NULL is
    /// not implemented: `ERROR_INVALID_PARAMETER`). Asynchronous: NULL +
    /// `ERROR_IO_PENDING`, the handle in `REQUEST_COMPLETE` (WI-R27).
    pub fn gopher_open_file(
        &self,
        connect: HandleValue,
        locator: &str,
        view: Option<&str>,
        flags: u32,
        context: u64,
    ) -> Answer<HandleValue> {
        let api = CreateApi::GopherOpenFile;
        let parent = self.data(connect);
        let Some((parent, session)) = parent.and_then(|p| match &p.kind {
            InetKind::GopherConnect(s) => Some((p.clone(), s.clone())),
            _ => None,
        }) else {
            return handle_answer(self.0.engine.create(api, connect, Some(context)));
        };
        if view.is_some_and(|v| !v.is_empty()) {
            return fail_handle(ERROR_INVALID_PARAMETER);
        }
        let locator = locator.to_owned();
        let options = self.child_options(&parent, connect, OptKind::GopherFile, context, flags);
        let async_mode = parent.async_mode;
        let step = async move {
            match session.open_file(&locator).await {
                Ok(file) => {
                    let file = Arc::new(tokio::sync::Mutex::new(file));
                    Ok(InetObject::new(
                        InetKind::GopherFile(file),
                        options,
                        async_mode,
                    ))
                }
                Err(e) => Err(e.code()),
            }
        };
        self.create_after_step(api, connect, &parent, context, step)
    }

    /// `GopherGetAttribute(connect, locator, names, buffer, ...)`: the Gopher+ attribute
    /// blocks (`attributes` filled before the call returns or before `REQUEST_COMPLETE`).
    pub fn gopher_get_attribute(
        &self,
        connect: HandleValue,
        locator: &str,
        names: Option<&str>,
        attributes: Slot<Vec<GopherAttribute>>,
    ) -> Answer<bool, Option<Vec<GopherAttribute>>> {
        let call = InetCall::GopherAttribute(
            locator.to_owned(),
            names.map(str::to_owned),
            attributes.clone(),
        );
        let reply = self
            .0
            .engine
            .call(Api::GopherGetAttribute, connect, CallArg::None, Some(call));
        let a: Answer<bool> = Self::bool_answer(reply);
        let out = if a.ret {
            lock(&attributes).clone()
        } else {
            None
        };
        Answer {
            ret: a.ret,
            last_error: a.last_error,
            out,
        }
    }

    /// The entries left in a find handle, or the listing behind an `InternetOpenUrl` of an
    /// FTP directory or Gopher menu, taken at once (not a WinINet function: a diagnostic
    /// shortcut for tests; applications call `InternetFindNextFile`, WI-R26).
    pub fn remaining_entries(&self, handle: HandleValue) -> Option<Vec<FoundEntry>> {
        let data = self.data(handle)?;
        let mut out = Vec::new();
        match &data.kind {
            InetKind::FtpFind(find, _) => {
                let mut find = lock(find);
                while let Ok(e) = find.next_entry() {
                    out.push(FoundEntry::Ftp(e));
                }
            }
            InetKind::GopherFind(find) => {
                let mut find = lock(find);
                while let Ok(e) = find.next_entry() {
                    out.push(FoundEntry::Gopher(e));
                }
            }
            _ => return None,
        }
        Some(out)
    }
}
