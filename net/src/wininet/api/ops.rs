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
    no_more_files, CacheFill, FoundEntry, FtpConnect, FtpOp, InetCall, InetKind, InetObject,
    InetProgress, Reporter,
};
use crate::executor::request_ops::{self, DefaultRedirects};
use crate::executor::state::lock;
use crate::executor::{LiveSteps, RequestState};
use crate::ftp::FtpSession;
use crate::wininet::cache::Commit;
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
/// the request's options learn the response. A 401 that asks for Basic authentication is
/// answered once with the handle's credentials (see [`basic_credentials`]).
pub(crate) async fn send_and_receive(
    req: &mut RequestState,
    progress: &InetProgress,
    optional: Vec<u8>,
    total: u64,
    receive: bool,
) -> Completion {
    if let Some(completion) = answer_from_cache(req, progress) {
        return completion;
    }
    let completion = send_and_receive_network(req, progress, optional, total, receive).await;
    answer_stale(req, progress, completion).unwrap_or(completion)
}

/// Network failures that `INTERNET_FLAG_CACHE_IF_NET_FAIL` answers from the cache.
const NETWORK_FAILURES: [u32; 6] = [
    wi::ERROR_INTERNET_CANNOT_CONNECT,
    wi::ERROR_INTERNET_TIMEOUT,
    wi::ERROR_INTERNET_CONNECTION_ABORTED,
    wi::ERROR_INTERNET_CONNECTION_RESET,
    wi::ERROR_INTERNET_NAME_NOT_RESOLVED,
    wi::ERROR_HTTP_INVALID_SERVER_RESPONSE,
];

/// A send that kept a cached entry (`prepare_cache`): a 304 to its conditional request, or
/// a network failure with `INTERNET_FLAG_CACHE_IF_NET_FAIL`, is answered from the entry
/// (its head becomes the response, the body is read from the cache, no new entry is
/// written). A 304 first refreshes the entry with the fields it carries and a new expiry
/// (`UrlCache::refresh_entry`, WI-R28), and the refreshed head is the response; should the
/// refresh fail, the entry answers as it was. `None`: `completion` stands.
fn answer_stale(
    req: &mut RequestState,
    progress: &InetProgress,
    completion: Completion,
) -> Option<Completion> {
    let mut stale = lock(&progress.data.stale).take()?;
    let use_entry = match completion {
        Completion::Http { status: Some(304) } => stale.on_not_modified,
        Completion::Error(code) => stale.on_network_failure && NETWORK_FAILURES.contains(&code),
        _ => false,
    };
    if !use_entry {
        return None;
    }
    if completion == (Completion::Http { status: Some(304) }) {
        if let Some(not_modified) = req.response.as_ref().map(|r| r.store.raw_crlf()) {
            if let Ok(head) = lock(&stale.cache).refresh_entry(Some(&stale.url), &not_modified) {
                stale.cached.head = Some(head);
            }
        }
    }
    *lock(&progress.data.cache_fill) = None;
    *lock(&progress.data.from_cache) = Some(stale.cached);
    answer_from_cache(req, progress)
}

/// The network part of [`send_and_receive`].
async fn send_and_receive_network(
    req: &mut RequestState,
    progress: &InetProgress,
    optional: Vec<u8>,
    total: u64,
    receive: bool,
) -> Completion {
    let resend = optional.clone();
    // INTERNET_OPTION_SECURITY_FLAGS set after the handle was created apply to this send.
    req.security_flags = lock(&progress.data.options).security_flags;
    match request_ops::send_request(req, progress, optional, total).await {
        Err(err) => return net_error(&err, progress),
        // HttpSendRequestEx: the response is read by HttpEndRequest.
        Ok(_) if !receive => return Completion::Http { status: None },
        Ok(_) => {}
    }
    let completion = receive_into(req, progress).await;
    let Some(authorization) = basic_credentials(req, progress, completion) else {
        return completion;
    };
    if let Err(code) = req.headers.push("Authorization", &authorization) {
        return error(code);
    }
    if let Err(err) = request_ops::send_request(req, progress, resend, total).await {
        return net_error(&err, progress);
    }
    receive_into(req, progress).await
}

/// A send answered from the URL cache: the stored head becomes the response (no network,
/// no progress), `REQUEST_FLAGS` says `INTERNET_REQFLAG_FROM_CACHE` and `DATAFILE_NAME`
/// names the entry's file. `None`: the request goes to the network.
fn answer_from_cache(req: &mut RequestState, progress: &InetProgress) -> Option<Completion> {
    let (head, file) = {
        let mut slot = lock(&progress.data.from_cache);
        let cached = slot.as_mut()?;
        match cached.head.take() {
            Some(head) => (head, cached.file.clone()),
            None => {
                // A new send after a cached answer (HttpSendRequestEx, a re-send that was
                // not prepared): the old body is not this response's.
                *slot = None;
                return None;
            }
        }
    };
    let Ok(store) = crate::headers::HeaderStore::parse_response_head(&head) else {
        *lock(&progress.data.from_cache) = None;
        return None;
    };
    let status = store
        .first_line()
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(200);
    req.response = Some(crate::executor::state::ResponseHeaders { status, store });
    let mut options = lock(&progress.data.options);
    options.request_flags &= !wi::INTERNET_REQFLAG_NO_HEADERS;
    options.request_flags |= wi::INTERNET_REQFLAG_FROM_CACHE;
    options.url = Some(req.url());
    options.datafile = Some(file);
    Some(Completion::Http {
        status: Some(status),
    })
}

/// The `Authorization` value WinINet sends by itself after `completion`: only for a 401
/// whose `WWW-Authenticate` offers `Basic`, on a request sent without an `Authorization`
/// header and without `INTERNET_FLAG_NO_AUTH`, when the handle has a user name
/// (`InternetConnect`'s, or `INTERNET_OPTION_USERNAME` / `PASSWORD`) — Wine
/// `HTTP_HttpSendRequestW` retries with `HTTP_DoAuthorization` in the same way. `None`:
/// the 401 goes to the application.
fn basic_credentials(
    req: &RequestState,
    progress: &InetProgress,
    completion: Completion,
) -> Option<String> {
    use base64::Engine as _;
    if completion != (Completion::Http { status: Some(401) }) {
        return None;
    }
    let (user, password, flags) = {
        let options = lock(&progress.data.options);
        (
            options.username.clone(),
            options.password.clone(),
            options.flags,
        )
    };
    let user = user.filter(|u| !u.is_empty())?;
    if flags & wi::INTERNET_FLAG_NO_AUTH != 0
        || req.headers.values("Authorization").next().is_some()
    {
        return None;
    }
    let offers_basic = req.response.as_ref().is_some_and(|r| {
        r.store.values("WWW-Authenticate").any(|v| {
            v.split_whitespace()
                .next()
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("Basic"))
        })
    });
    if !offers_basic {
        return None;
    }
    let pair = format!("{user}:{}", password.unwrap_or_default());
    Some(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    ))
}

async fn receive_into(req: &mut RequestState, progress: &InetProgress) -> Completion {
    match request_ops::receive_response(req, progress, &REDIRECTS).await {
        Ok(status) => {
            {
                // Only a 200 answer is cached, and not one whose Cache-Control says
                // no-cache or no-store (WI-R28, Wine create_cache_entry) unless NEED_FILE;
                // its head becomes the entry's header info.
                let mut fill = lock(&progress.data.cache_fill);
                match (status, req.response.as_ref(), fill.as_mut()) {
                    (200, Some(response), Some(f)) => {
                        let head = response.store.raw_crlf();
                        if f.need_file || !crate::wininet::cache::forbids_storing(&head) {
                            f.head = Some(head);
                        } else {
                            *fill = None;
                        }
                    }
                    _ => *fill = None,
                }
            }
            let mut options = lock(&progress.data.options);
            options.request_flags &= !wi::INTERNET_REQFLAG_NO_HEADERS;
            options.url = Some(req.url());
            Completion::Http {
                status: Some(status),
            }
        }
        Err(err) => net_error(&err, progress),
    }
}

/// The WinINet completion of a wire-layer failure. The wire layer speaks WinHTTP's numbers,
/// which WinINet shares (12002, 12007, 12029, 12030, 12152, …) except for certificate
/// failures: WinINet names the first problem found — an unknown CA (12045), then an
/// expired certificate (12037), then a wrong name (12038) (Wine `netconn_verify_cert`) —
/// and the handle's `SECURITY_FLAGS` learn the `SECURITY_FLAG_CERT_*` bits.
fn net_error(err: &crate::error::NetError, progress: &InetProgress) -> Completion {
    use windows_sys::Win32::Networking::WinHttp as wh;
    let flags = err.secure_failure_flags();
    if err.code() != wh::ERROR_WINHTTP_SECURE_FAILURE || flags == 0 {
        return error(err.code());
    }
    let options_bits = [
        (
            wh::WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
            crate::wininet::options::SECURITY_FLAG_CERT_INVALID_CA,
        ),
        (
            wh::WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID,
            crate::wininet::options::SECURITY_FLAG_CERT_INVALID_DATE,
        ),
        (
            wh::WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID,
            crate::wininet::options::SECURITY_FLAG_CERT_INVALID_CN,
        ),
    ];
    let learned = options_bits
        .iter()
        .filter(|(failure, _)| flags & failure != 0)
        .fold(0, |acc, (_, bit)| acc | bit);
    lock(&progress.data.options).server_security_flags |= learned;
    let code = if flags & wh::WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA != 0 {
        wi::ERROR_INTERNET_INVALID_CA
    } else if flags & wh::WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID != 0 {
        wi::ERROR_INTERNET_SEC_CERT_DATE_INVALID
    } else if flags & wh::WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID != 0 {
        wi::ERROR_INTERNET_SEC_CERT_CN_INVALID
    } else {
        wi::ERROR_INTERNET_SECURITY_CHANNEL_ERROR
    };
    error(code)
}

/// Reads up to `len` bytes of the handle's data (fills the buffer unless the data ends).
pub(crate) async fn read_bytes(data: &InetObject, len: usize) -> Result<Vec<u8>, u32> {
    read_bytes_until(data, len, true).await
}

/// Reads up to `len` bytes of `data`'s body or file: until `len` or the end when
/// `fill` (a plain read), else only the bytes of the first read that yields any (a read
/// with `IRF_NO_WAIT`, WI-R31). Fewer than `len` means the end when `fill`.
pub(crate) async fn read_bytes_until(
    data: &InetObject,
    len: usize,
    fill: bool,
) -> Result<Vec<u8>, u32> {
    let mut out = vec![0u8; len];
    let mut filled = 0;
    let progress = crate::executor::NoProgress;
    while filled < len {
        let from_cache = {
            let mut cached = lock(&data.from_cache);
            cached.as_mut().map(|c| {
                let n = c.body.len().min(len - filled);
                for (slot, byte) in out[filled..].iter_mut().zip(c.body.drain(..n)) {
                    *slot = byte;
                }
                n
            })
        };
        let n = match &data.kind {
            _ if from_cache.is_some() => from_cache.unwrap_or(0),
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
            if matches!(data.kind, InetKind::Request(_)) {
                commit_cache_fill(data);
            }
            break;
        }
        record_cache_bytes(data, out.get(filled..filled + n).unwrap_or_default());
        filled += n;
        if !fill {
            break;
        }
    }
    out.truncate(filled);
    Ok(out)
}

/// Body bytes the application read (by an operation or inline from the buffer) go into
/// the response's cache file when it is being cached.
pub(super) fn record_cache_bytes(data: &InetObject, bytes: &[u8]) {
    if let Some(fill) = lock(&data.cache_fill).as_mut().filter(|f| f.head.is_some()) {
        fill.body.extend_from_slice(bytes);
    }
}

/// The end of a cached response's body: the bytes go into a new cache file, the entry is
/// committed (expiry from `Cache-Control: max-age` or `Expires`, else ten minutes;
/// last-modified time from the head), and the request's
/// `DATAFILE_NAME` names the file. A failure leaves the cache without the entry (the
/// response itself is unaffected, as when Windows cannot write its cache).
pub(super) fn commit_cache_fill(data: &InetObject) {
    let Some(CacheFill {
        cache,
        head: Some(head),
        body,
        ..
    }) = lock(&data.cache_fill).take()
    else {
        return;
    };
    let Some(url) = lock(&data.options).url.clone() else {
        return;
    };
    let mut cache = lock(&cache);
    let expire = crate::wininet::cache::expiry_from_head(&head, cache.clock_now());
    let last_modified = crate::wininet::cache::last_modified_from_head(&head).unwrap_or(0);
    let Ok(file) = cache.create_entry(Some(&url), None) else {
        return;
    };
    let committed = cache.write_file(&file, &body).and_then(|()| {
        cache.commit_entry(Commit {
            url: Some(&url),
            local_file: Some(&file),
            expire,
            last_modified,
            entry_type: wi::NORMAL_CACHE_ENTRY,
            header_info: Some(head.as_bytes()),
            file_extension: None,
        })
    });
    if committed.is_ok() {
        lock(&data.options).datafile = Some(file);
    }
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
        (InetCall::ReadNoWait(_, _), InetKind::Request(req))
            if data.async_mode && lock(&data.from_cache).is_none() =>
        {
            // WI-R31 (Wine's HTTPREQ_ReadFile: async_read without a buffer): wait for
            // bytes, leave them buffered; REQUEST_COMPLETE {1, 0}, no count written.
            let live = LiveSteps::new(api, HandleKind::HttpRequest);
            let progress = InetProgress::new(Some(reporter.clone()), data.clone(), live);
            let mut req = req.lock().await;
            match request_ops::query_data_available(&mut req, &progress).await {
                Ok(_) => Completion::Bytes(0),
                Err(err) => error(err.code()),
            }
        }
        (InetCall::ReadNoWait(buffer, out), _) => {
            match read_bytes_until(&data, buffer.len(), false).await {
                Ok(bytes) => {
                    let cancelled = lock(&guard);
                    if !*cancelled {
                        buffer.write(0, &bytes);
                        *lock(&out) = Some(clamp(bytes.len() as u64));
                    }
                    Completion::Bytes(clamp(bytes.len() as u64))
                }
                Err(code) => error(code),
            }
        }
        (InetCall::Available(out), InetKind::Request(_)) if lock(&data.from_cache).is_some() => {
            let n = lock(&data.from_cache)
                .as_ref()
                .map_or(0, |c| c.body.len() as u64);
            *lock(&out) = Some(clamp(n));
            Completion::Bytes(clamp(n))
        }
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
