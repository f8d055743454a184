//! `InternetOpenUrl`'s work: open an `http`, `https`, `ftp` or `gopher` URL into the
//! network state of a URL-resource handle.
//!
//! Owns [`OpenUrlArgs`] and [`open_resource`], shared by the synchronous call (run before
//! the handle is created) and the asynchronous one (run as the root's pending operation,
//! the handle created by its completion, WI-R18). Invariant: on failure nothing is left
//! open (the sessions and connections are dropped with the error).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_core::Completion;
use windows_sys::Win32::Networking::WinInet as wi;

use super::executor::{
    CacheFill, CachedResponse, FtpConnect, InetKind, InetObject, InetProgress, Reporter, StaleEntry,
};
use super::ops::send_and_receive;
use crate::executor::state::{limit_from_millis, lock, RedirectPolicy, Timeouts};
use crate::executor::{ConnectState, LiveSteps, RequestState, SessionState};
use crate::ftp::{Direction, FtpConfig, FtpSession, TransferType};
use crate::gopher::locator::type_flags;
use crate::gopher::{GopherConfig, GopherLocator, GopherSession};
use crate::headers;
use crate::wininet::options::HandleOptions;
use windows_sys::Win32::Foundation::ERROR_FILE_NOT_FOUND;

/// The arguments of one `InternetOpenUrl`.
pub struct OpenUrlArgs {
    /// `lpszUrl`.
    pub url: String,
    /// `lpszHeaders` (HTTP only).
    pub headers: Option<String>,
    /// `dwFlags`.
    pub flags: u32,
    /// The root's HTTP session.
    pub session: Arc<SessionState>,
    /// The new handle's options (a child of the root's, WI-R16).
    pub options: HandleOptions,
    /// The root's `INTERNET_FLAG_ASYNC`.
    pub async_mode: bool,
    /// The API object's URL cache (an HTTP GET's response is written to it, per `flags`).
    pub cache: Arc<std::sync::Mutex<crate::wininet::cache::UrlCache>>,
}

/// Prepares the cache side of an HTTP request about to be sent with `flags` (the
/// `INTERNET_FLAG_*` cache flags, [`crate::wininet::cache::decide`]): with
/// `INTERNET_FLAG_PRAGMA_NOCACHE` the request carries `Pragma: no-cache` and
/// `Cache-Control: no-cache`; a response the policy writes (a GET without
/// `INTERNET_FLAG_NO_CACHE_WRITE`, or `INTERNET_FLAG_NEED_FILE`) is copied into `cache`.
/// A fresh entry (or `INTERNET_FLAG_FROM_CACHE` with an entry) answers the request from
/// the cache without the network; `FROM_CACHE` without an entry is
/// `ERROR_FILE_NOT_FOUND`. A stale entry makes the request conditional (`If-Modified-Since`
/// from its last-modified time, `If-None-Match` from its `ETag`) and is kept to answer a 304
/// (which refreshes the entry, `UrlCache::refresh_entry`); with `INTERNET_FLAG_CACHE_IF_NET_FAIL` an entry also answers a send the network fails.
pub(crate) fn prepare_cache(
    req: &mut RequestState,
    data: &InetObject,
    flags: u32,
    cache: &Arc<std::sync::Mutex<crate::wininet::cache::UrlCache>>,
) -> Result<(), u32> {
    use crate::wininet::cache::CacheRead;
    let url = req.url();
    let cached = {
        let cache = lock(cache);
        cache
            .get_entry_info(
                Some(&url),
                crate::wininet::Charset::Ansi,
                Some(crate::wininet::options::QueryBuffer::of(u32::MAX)),
                false,
                0,
            )
            .ok()
            .flatten()
            .map(|sized| sized.info)
            .filter(|info| info.local_file_name.is_some() && info.header_info.is_some())
    };
    let decision = crate::wininet::cache::decide(
        flags,
        &req.verb,
        cached.as_ref(),
        crate::wininet::cache::now(),
    );
    *lock(&data.from_cache) = None;
    *lock(&data.stale) = None;
    let load = |info: crate::wininet::cache::CacheEntryInfo| {
        let file = info.local_file_name.unwrap_or_default();
        let body = lock(cache).read_file(&file).ok()?;
        let head = info
            .header_info
            .map(|h| String::from_utf8_lossy(&h).into_owned());
        Some(CachedResponse {
            head,
            file,
            body: body.into(),
        })
    };
    let fallback = decision.fallback_on_network_failure;
    match (decision.read, cached) {
        (CacheRead::Unavailable, _) => return Err(ERROR_FILE_NOT_FOUND),
        (CacheRead::Cached, Some(info)) => {
            if let Some(cached) = load(info) {
                *lock(&data.from_cache) = Some(cached);
                *lock(&data.cache_fill) = None;
                return Ok(());
            }
        }
        (
            CacheRead::Revalidate {
                if_modified_since,
                if_none_match,
            },
            Some(info),
        ) => {
            // A stale entry: the request asks whether it changed; a 304 answers the send
            // from the entry (ops::answer_stale).
            let conditional: String = [
                ("If-Modified-Since", if_modified_since),
                ("If-None-Match", if_none_match),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| format!("{name}: {v}\r\n")))
            .collect();
            let on_not_modified = !conditional.is_empty()
                && req
                    .headers
                    .add_request_headers(
                        headers::Api::WinInet,
                        &conditional,
                        wi::HTTP_ADDREQ_FLAG_ADD_IF_NEW,
                    )
                    .is_ok();
            if on_not_modified || fallback {
                *lock(&data.stale) = load(info).map(|cached| StaleEntry {
                    cached,
                    cache: cache.clone(),
                    url: url.clone(),
                    on_not_modified,
                    on_network_failure: fallback,
                });
            }
        }
        (_, Some(info)) if fallback => {
            *lock(&data.stale) = load(info).map(|cached| StaleEntry {
                cached,
                cache: cache.clone(),
                url: url.clone(),
                on_not_modified: false,
                on_network_failure: true,
            });
        }
        _ => {}
    }
    if decision.pragma_no_cache {
        // ADD_IF_NEW: an application's own value stays.
        let _ = req.headers.add_request_headers(
            headers::Api::WinInet,
            "Pragma: no-cache\r\nCache-Control: no-cache",
            wi::HTTP_ADDREQ_FLAG_ADD_IF_NEW,
        );
    }
    *lock(&data.cache_fill) = decision.write.then(|| CacheFill {
        cache: cache.clone(),
        head: None,
        body: Vec::new(),
        need_file: decision.need_file,
    });
    Ok(())
}

/// What failed: the error and the server's last reply (FTP).
pub type OpenFailure = (u32, String);

fn decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn http_timeouts(options: &HandleOptions) -> Timeouts {
    let t = options.timeouts;
    Timeouts {
        resolve: None,
        connect: limit_from_millis(t.connect),
        send: limit_from_millis(t.send),
        receive: limit_from_millis(t.receive),
        receive_response: limit_from_millis(t.receive),
    }
}

fn limit(ms: u32) -> Option<Duration> {
    limit_from_millis(ms)
}

/// A new HTTP request state for `path` on `host:port` with the WinINet `flags`.
pub(crate) fn new_request(
    connect: Arc<ConnectState>,
    verb: Option<&str>,
    path: Option<&str>,
    version: Option<&str>,
    flags: u32,
    options: &HandleOptions,
) -> RequestState {
    let secure = flags & wi::INTERNET_FLAG_SECURE;
    let mut req = RequestState::new(connect, verb, path, version, secure);
    req.timeouts = http_timeouts(options);
    req.redirect_policy = if flags & wi::INTERNET_FLAG_NO_AUTO_REDIRECT != 0 {
        RedirectPolicy::Never
    } else if flags & wi::INTERNET_FLAG_IGNORE_REDIRECT_TO_HTTP != 0 {
        RedirectPolicy::Always
    } else {
        RedirectPolicy::DisallowHttpsToHttp
    };
    req.security_flags = options.security_flags;
    if flags & wi::INTERNET_FLAG_NO_COOKIES != 0 {
        // No Cookie header from the jar and Set-Cookie not stored.
        req.disabled.0 |= windows_sys::Win32::Networking::WinHttp::WINHTTP_DISABLE_COOKIES;
    }
    req
}

/// Opens `args.url`: the handle's data and the completion the operation reports.
pub(crate) async fn open_resource(
    args: OpenUrlArgs,
    reporter: Option<Reporter>,
) -> Result<(InetObject, Completion), OpenFailure> {
    let fail = |code: u32| (code, String::new());
    let parsed = url::Url::parse(&args.url).map_err(|_| fail(wi::ERROR_INTERNET_INVALID_URL))?;
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or(fail(wi::ERROR_INTERNET_INVALID_URL))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let mut options = args.options;
    options.url = Some(args.url.clone());
    let t = options.timeouts;
    match parsed.scheme() {
        "http" | "https" => {
            let secure = parsed.scheme() == "https";
            let port = parsed.port().unwrap_or(if secure { 443 } else { 80 });
            let connect = ConnectState::new(args.session.clone(), &host, port);
            let mut path = parsed.path().to_owned();
            if let Some(q) = parsed.query() {
                path = format!("{path}?{q}");
            }
            let flags = args.flags | if secure { wi::INTERNET_FLAG_SECURE } else { 0 };
            // The URL's user name and password answer a Basic challenge (as InternetConnect's).
            if !parsed.username().is_empty() {
                options.username = Some(decode(parsed.username()));
                options.password = parsed.password().map(decode);
            }
            let mut req = new_request(connect, Some("GET"), Some(&path), None, flags, &options);
            if let Some(h) = args.headers.as_deref().filter(|h| !h.is_empty()) {
                req.headers
                    .add_request_headers(headers::Api::WinInet, h, wi::HTTP_ADDREQ_FLAG_ADD)
                    .map_err(fail)?;
            }
            let object = InetObject::new(
                InetKind::Request(Arc::new(tokio::sync::Mutex::new(req))),
                options,
                args.async_mode,
            );
            let object = Arc::new(object);
            // The handle does not exist yet: its progress comes at the completion.
            let progress = InetProgress::new(reporter, object.clone(), LiveSteps::none());
            let completion = {
                let InetKind::Request(req) = &object.kind else {
                    return Err(fail(wi::ERROR_INTERNET_INTERNAL_ERROR));
                };
                let mut req = req.lock().await;
                if let Err(code) = prepare_cache(&mut req, &object, flags, &args.cache) {
                    return Err(fail(code));
                }
                send_and_receive(&mut req, &progress, Vec::new(), 0, true).await
            };
            drop(progress);
            if let Completion::Error(code) = completion {
                return Err(fail(code));
            }
            let object =
                Arc::try_unwrap(object).map_err(|_| fail(wi::ERROR_INTERNET_INTERNAL_ERROR))?;
            Ok((object, completion))
        }
        "ftp" => {
            let port = parsed.port().unwrap_or(21);
            let user = Some(decode(parsed.username())).filter(|u| !u.is_empty());
            let password = parsed.password().map(decode);
            let config = FtpConfig {
                connect_timeout: limit(t.connect),
                receive_timeout: limit(t.receive),
                send_timeout: limit(t.send),
            };
            let session =
                FtpSession::connect(&host, port, user.as_deref(), password.as_deref(), config)
                    .await
                    .map_err(|e| (e.error.code(), e.last_response))?;
            let path = decode(parsed.path());
            let connect = Arc::new(FtpConnect {
                last_response: Mutex::new(session.last_response().to_owned()),
                session: tokio::sync::Mutex::new(session),
            });
            let kind = {
                let mut session = connect.session.lock().await;
                let result = if path.is_empty() || path.ends_with('/') {
                    session
                        .find_first(Some(path.as_str()).filter(|p| *p != "/"))
                        .await
                        .map(|find| InetKind::FtpFind(Mutex::new(find), None))
                } else {
                    session
                        .open_file(&path, Direction::Download, TransferType::Binary)
                        .await
                        .map(|tr| {
                            InetKind::FtpFile(
                                Arc::new(tokio::sync::Mutex::new(Some(tr))),
                                connect.clone(),
                            )
                        })
                };
                let last = session.last_response().to_owned();
                *crate::executor::state::lock(&connect.last_response) = last.clone();
                result.map_err(|e| (e.code(), last))?
            };
            let kind = match kind {
                InetKind::FtpFind(find, None) => InetKind::FtpFind(find, Some(connect)),
                kind => kind,
            };
            Ok((
                InetObject::new(kind, options, args.async_mode),
                Completion::Done,
            ))
        }
        "gopher" => {
            let port = parsed.port().unwrap_or(70);
            let path = decode(parsed.path());
            let rest = path.strip_prefix('/').unwrap_or(&path);
            let (type_char, selector) = match rest.as_bytes().first() {
                None => (b'1', String::new()),
                Some(&c) => (c, rest[1..].to_owned()),
            };
            let locator =
                GopherLocator::create(&host, port, None, Some(&selector), type_flags(type_char))
                    .map_err(|e| fail(e.code()))?
                    .to_string();
            let config = GopherConfig {
                connect_timeout: limit(t.connect),
                receive_timeout: limit(t.receive),
                send_timeout: limit(t.send),
            };
            let session = GopherSession::new(&host, port, config);
            let kind = if type_char == b'1' || type_char == b'7' {
                let find = session
                    .find_first(Some(&locator), None)
                    .await
                    .map_err(|e| fail(e.code()))?;
                InetKind::GopherFind(Mutex::new(find))
            } else {
                let file = session
                    .open_file(&locator)
                    .await
                    .map_err(|e| fail(e.code()))?;
                InetKind::GopherFile(Arc::new(tokio::sync::Mutex::new(file)))
            };
            Ok((
                InetObject::new(kind, options, args.async_mode),
                Completion::Done,
            ))
        }
        _ => Err(fail(wi::ERROR_INTERNET_UNRECOGNIZED_SCHEME)),
    }
}

/// The asynchronous `InternetOpenUrl` operation: the handle comes with the completion.
pub(crate) async fn run_open_url(args: OpenUrlArgs, reporter: Reporter) {
    match open_resource(args, None).await {
        Ok((object, completion)) => reporter.complete_with(completion, Some(object)),
        Err((code, _)) => reporter.complete_with(Completion::Error(code), None),
    }
}
