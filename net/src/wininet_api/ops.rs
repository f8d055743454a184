//! The bodies of the WinINet operations the engine starts: each runs on the I/O runtime
//! over the handle's network state and ends with exactly one report.
//!
//! Owns nothing but the mapping from (function, handle kind, call data) to the network
//! layers: `request_ops` for HTTP, [`crate::ftp`] for FTP, [`crate::gopher`] for Gopher.
//! Invariant: the application's buffer and out slots are written before the completion is
//! reported, and a buffer only under the operation's guard while it is not cancelled.

use std::sync::{Arc, Mutex};

use hinternet_core::{Api, Completion, HandleKind};
use windows_sys::Win32::Networking::WinInet as wi;

use super::executor::{
    no_more_files, FoundEntry, FtpConnect, FtpOp, InetCall, InetKind, InetObject, InetProgress,
    Reporter,
};
use crate::executor::request_ops::{self, DefaultRedirects};
use crate::executor::state::lock;
use crate::executor::{LiveSteps, RequestState};
use crate::ftp::FtpSession;
use crate::InetError;

/// Error completion from a WinINet code.
pub(crate) fn error(code: u32) -> Completion {
    Completion::Error(code)
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// WinINet's redirect handling: follows 301, 302, 303, 307, 308 (unless
/// `INTERNET_FLAG_NO_AUTO_REDIRECT`, mapped to the request's policy at creation).
pub(crate) const REDIRECTS: DefaultRedirects = DefaultRedirects { follow_303: true };

/// Sends the request and, when `receive`, reads the response (following redirects);
/// the request's options learn the response.
pub(crate) async fn send_and_receive(
    req: &mut RequestState,
    progress: &InetProgress,
    optional: Vec<u8>,
    total: u64,
    receive: bool,
) -> Completion {
    match request_ops::send_request(req, progress, optional, total).await {
        Err(err) => return error(err.code()),
        // HttpSendRequestEx: the response is read by HttpEndRequest.
        Ok(_) if !receive => return Completion::Http { status: None },
        Ok(_) => {}
    }
    receive_into(req, progress).await
}

async fn receive_into(req: &mut RequestState, progress: &InetProgress) -> Completion {
    match request_ops::receive_response(req, progress, &REDIRECTS).await {
        Ok(status) => {
            let mut options = lock(&progress.data.options);
            options.request_flags &= !wi::INTERNET_REQFLAG_NO_HEADERS;
            options.url = Some(req.url());
            Completion::Http {
                status: Some(status),
            }
        }
        Err(err) => error(err.code()),
    }
}

/// Reads up to `len` bytes of the handle's data (fills the buffer unless the data ends).
pub(crate) async fn read_bytes(data: &InetObject, len: usize) -> Result<Vec<u8>, u32> {
    let mut out = vec![0u8; len];
    let mut filled = 0;
    let progress = crate::executor::NoProgress;
    while filled < len {
        let n = match &data.kind {
            InetKind::Request(req) => {
                let mut req = req.lock().await;
                request_ops::read_data(&mut req, &progress, &mut out[filled..])
                    .await
                    .map_err(|e| e.code())?
            }
            InetKind::FtpFile(transfer, _) => match transfer.lock().await.as_mut() {
                Some(t) => t.read(&mut out[filled..]).await.map_err(|e| e.code())?,
                None => 0,
            },
            InetKind::GopherFile(file) => file
                .lock()
                .await
                .read(&mut out[filled..])
                .await
                .map_err(|e| e.code())?,
            _ => return Err(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE),
        };
        if n == 0 {
            break;
        }
        filled += n;
    }
    out.truncate(filled);
    Ok(out)
}

/// Runs one FTP command on a logged-in session and records its reply.
pub(crate) async fn ftp_command(connect: &FtpConnect, op: FtpOp) -> Result<u64, InetError> {
    let mut session = connect.session.lock().await;
    let result = run_ftp(&mut session, op).await;
    *lock(&connect.last_response) = session.last_response().to_owned();
    result
}

async fn run_ftp(session: &mut FtpSession, op: FtpOp) -> Result<u64, InetError> {
    let done = |r: Result<(), InetError>| r.map(|()| 0);
    match op {
        FtpOp::CreateDirectory(dir) => done(session.create_directory(&dir).await),
        FtpOp::RemoveDirectory(dir) => done(session.remove_directory(&dir).await),
        FtpOp::SetCurrentDirectory(dir) => done(session.set_current_directory(&dir).await),
        FtpOp::GetCurrentDirectory(out) => {
            let dir = session.current_directory().await?;
            *lock(&out) = Some(dir);
            Ok(0)
        }
        FtpOp::DeleteFile(path) => done(session.delete_file(&path).await),
        FtpOp::Rename(from, to) => done(session.rename(&from, &to).await),
        FtpOp::GetFile(remote, local, fail_if_exists, ty) => {
            session.get_file(&remote, &local, fail_if_exists, ty).await
        }
        FtpOp::PutFile(local, remote, ty) => session.put_file(&local, &remote, ty).await,
    }
}

/// The operation `api` with `call` on the handle whose data is `data`.
pub(crate) async fn run(
    api: Api,
    data: Arc<InetObject>,
    call: InetCall,
    reporter: Reporter,
    guard: Arc<Mutex<bool>>,
) {
    let completion = match (call, &data.kind) {
        (
            InetCall::Send {
                optional,
                total,
                receive,
            },
            InetKind::Request(req),
        ) => {
            let live = LiveSteps::new(api, HandleKind::HttpRequest);
            let progress = InetProgress::new(Some(reporter.clone()), data.clone(), live);
            let mut req = req.lock().await;
            send_and_receive(&mut req, &progress, optional, total, receive).await
        }
        (InetCall::End, InetKind::Request(req)) => {
            let live = LiveSteps::new(api, HandleKind::HttpRequest);
            let progress = InetProgress::new(Some(reporter.clone()), data.clone(), live);
            let mut req = req.lock().await;
            receive_into(&mut req, &progress).await
        }
        (InetCall::ReadTaken(n), _) => Completion::Bytes(n),
        (InetCall::Read(buffer, out), _) => match read_bytes(&data, buffer.len()).await {
            Ok(bytes) => {
                let cancelled = lock(&guard);
                if !*cancelled {
                    buffer.write(0, &bytes);
                    *lock(&out) = Some(clamp(bytes.len() as u64));
                }
                Completion::Bytes(clamp(bytes.len() as u64))
            }
            Err(code) => error(code),
        },
        (InetCall::Available(out), InetKind::Request(req)) => {
            // WI-R21: a pending query reports RESPONSE_RECEIVED when the bytes arrive.
            let live = LiveSteps::new(api, HandleKind::HttpRequest);
            let progress = InetProgress::new(Some(reporter.clone()), data.clone(), live);
            let mut req = req.lock().await;
            match request_ops::query_data_available(&mut req, &progress).await {
                Ok(n) => {
                    *lock(&out) = Some(clamp(n));
                    Completion::Bytes(clamp(n))
                }
                Err(err) => error(err.code()),
            }
        }
        (InetCall::FindNext(out), InetKind::FtpFind(find, _)) => match lock(find).next_entry() {
            Ok(entry) => {
                *lock(&out) = Some(FoundEntry::Ftp(entry));
                Completion::Done
            }
            Err(InetError::NoMoreFiles) => no_more_files(),
            Err(err) => error(err.code()),
        },
        (InetCall::FindNext(out), InetKind::GopherFind(find)) => match lock(find).next_entry() {
            Ok(entry) => {
                *lock(&out) = Some(FoundEntry::Gopher(entry));
                Completion::Done
            }
            Err(InetError::NoMoreFiles) => no_more_files(),
            Err(err) => error(err.code()),
        },
        (InetCall::Ftp(op), InetKind::FtpConnect(connect)) => {
            match ftp_command(connect, op).await {
                Ok(n) => api
                    .completion_fit()
                    .map_or(Completion::Done, |fit| fit.success(clamp(n))),
                Err(err) => error(err.code()),
            }
        }
        (InetCall::GopherAttribute(locator, names, out), InetKind::GopherConnect(session)) => {
            match session.get_attribute(&locator, names.as_deref()).await {
                Ok(attrs) => {
                    let n: usize = attrs.iter().map(|a| a.name.len() + a.text.len()).sum();
                    *lock(&out) = Some(attrs);
                    Completion::Bytes(clamp(n as u64))
                }
                Err(err) => error(err.code()),
            }
        }
        // Not supported on this kind of handle (InternetQueryDataAvailable on FTP and
        // Gopher files included: the layers below have no non-consuming peek).
        _ => error(wi::ERROR_INTERNET_INVALID_OPERATION),
    };
    // Every completion must fit its operation (else the engine refuses it and the call
    // would never end): one that does not is reported as an internal error.
    let fits = api.completion_fit().is_some_and(|fit| fit.fits(completion));
    reporter.complete(if fits {
        completion
    } else {
        error(wi::ERROR_INTERNET_INTERNAL_ERROR)
    });
}
