//! The request operations of a WinHTTP executor, over a [`RequestState`], independent of
//! the engine: `SendRequest`, `WriteData`, `ReceiveResponse`, `QueryDataAvailable`,
//! `ReadData`.
//!
//! Each operation is one `async fn` that reports its progress to a [`Progress`] as it
//! happens and returns a typed result or a [`NetError`] (whose [`NetError::code`] is the
//! Windows error). They follow Wine's `request.c`:
//!
//! * **send** ([`send_request`]): drain and release the previous response's connection
//!   (silently), add the send-time headers (`Host`, `User-Agent`, `Content-Length` for a
//!   body or a POST/PUT, `Connection: Keep-Alive` or the websocket upgrade headers with a
//!   new key, the session's cookies), take a live pooled connection or open a new one —
//!   RESOLVING_NAME/NAME_RESOLVED only when this connect has not resolved the name yet,
//!   CONNECTING_TO_SERVER/CONNECTED_TO_SERVER only for a new connection, nothing for a
//!   pooled one — then SENDING_REQUEST, the head and the optional data, REQUEST_SENT. When
//!   the whole body came with the call, the reply head is read inside the send without
//!   progress (`Ok(Some(status))`); a failure of that read is kept and reported by
//!   `ReceiveResponse`, as Wine does. A pooled connection the server closed just as it was
//!   reused (nothing received) is replaced once by a new one.
//! * **receive** ([`receive_response`]): RECEIVING_RESPONSE, the head (read now or found
//!   read), RESPONSE_RECEIVED with the head's length; cookies stored unless disabled; a
//!   3xx asks the [`RedirectDecider`] and a followed redirect reports REDIRECT, drains the
//!   body, re-sends (with the new send's progress) and loops. Interim responses (100
//!   Continue) are skipped by the wire layer. A 401/407 with a Basic challenge is answered once
//!   per target and send when the request has credentials (set before the send): the
//!   request is re-sent with the header, reported as a re-send (`Progress::resend`, then
//!   the re-send's progress and its response's, WH-R42); otherwise it is returned to the
//!   application.
//! * **reads** ([`query_data_available`], [`read_data`], in
//!   [`body_ops`](super::body_ops) and re-exported here): buffered bytes are answered
//!   without waiting; otherwise one network read under the receive timeout, with
//!   RECEIVING_RESPONSE/RESPONSE_RECEIVED around it in async sessions only. At the end of
//!   the body the connection goes back to the pool when reusable; it is closed otherwise,
//!   with CLOSING_CONNECTION/CONNECTION_CLOSED only when the request itself sent
//!   `Connection: close` (Wine's `finished_reading`).
//!
//! Invariant: after any failure the request holds no connection (a failed connection is
//! never pooled), and its phase says what may follow.

use std::time::Instant;

use windows_sys::Win32::Networking::WinHttp as wh;

use crate::error::{NetError, NetResult};
use crate::headers::HeaderStore;
use crate::http::conn::{connect_tcp, ip_string, resolve, start_tls, Connection};
use crate::http::proxy::{absolute_target, connect_authority, open_tunnel, TunnelReply};
use crate::http::request::{RequestHead, UploadFraming};
use crate::http::response::wire_text;
use crate::http::tls::client_config;
use crate::http::Exchange;
use crate::ws::frame::{generate_key, upgrade_request_headers};

use super::progress::Progress;
use super::state::{lock, RequestState, ResponseHeaders, ResponsePhase, Target};

pub(crate) use super::body_ops::take_exchange;
pub(super) use super::body_ops::{check_response_received, finish_body};
pub use super::body_ops::{query_data_available, read_data, read_data_vec};
pub use super::redirect_policy::{
    redirected_method, DefaultRedirects, RedirectContext, RedirectDecider, RedirectDecision,
    RedirectTarget, HARD_REDIRECT_LIMIT,
};

/// The most body bytes drained to keep a connection before a re-send; a longer rest closes
/// the connection instead.
pub const MAX_DRAIN_BYTES: u64 = 1 << 20;

fn code_error(code: u32) -> NetError {
    NetError::Code(code)
}

pub(super) fn is_async(req: &RequestState) -> bool {
    lock(&req.session().settings).is_async
}

/// What [`acquire`] got: a connection ready for the request (and whether it is new), or a
/// proxy that refused the `CONNECT` (its response becomes the request's response).
enum Acquired {
    Ready(Box<Connection>, bool),
    ProxyRefused(Box<Exchange>),
}

/// The headers of a `CONNECT` to the proxy: `User-Agent` and `Proxy-Authorization` (the
/// request's own, else Basic proxy credentials set before the send).
fn tunnel_headers(req: &RequestState) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if let Some(agent) = req.headers.get("User-Agent") {
        headers.push(("User-Agent".to_owned(), agent.to_owned()));
    }
    let authorization = req
        .headers
        .get("Proxy-Authorization")
        .map(str::to_owned)
        .or_else(|| req.auth.proxy_basic());
    if let Some(value) = authorization {
        headers.push(("Proxy-Authorization".to_owned(), value));
    }
    headers
}

/// Opens a connection for the request: a live pooled one (no progress) unless `fresh`, or a
/// new one with the resolve (first time on this connect) and connect progress — to the
/// proxy when the request goes through one (then a `CONNECT` tunnel for a secure request).
async fn acquire(req: &RequestState, progress: &dyn Progress, fresh: bool) -> NetResult<Acquired> {
    let session = req.session();
    let target = &req.target;
    let route = req.proxy_route();
    let key = req.pool_key();
    let pooled = if fresh || req.disabled.keep_alive() {
        None
    } else {
        session.pool.checkout(&key, Instant::now())
    };
    let (dial_host, dial_port) = match &route {
        Some(route) => (route.host.as_str(), route.port),
        None => (target.host.as_str(), target.port),
    };
    let cached = req.connect.cached_address(dial_host, dial_port);
    if let Some(mut conn) = pooled {
        if cached.is_none() {
            if let Some(peer) = conn.peer_addr() {
                req.connect.cache_address(dial_host, dial_port, peer);
            }
        }
        conn.set_timeouts(req.timeouts.send, req.timeouts.receive_response);
        return Ok(Acquired::Ready(Box::new(conn), false));
    }
    let addr = match cached {
        Some(addr) => addr,
        None => {
            progress.resolving(dial_host);
            let addrs = resolve(dial_host, dial_port, req.timeouts.resolve).await?;
            let addr = *addrs.first().ok_or_else(|| NetError::NameNotResolved {
                host: dial_host.to_owned(),
            })?;
            req.connect.cache_address(dial_host, dial_port, addr);
            progress.resolved(&ip_string(&addr));
            addr
        }
    };
    let ip = ip_string(&addr);
    progress.connecting(&ip);
    let mut conn = connect_tcp(&[addr], req.timeouts.connect).await?;
    if target.secure {
        if route.is_some() {
            conn.set_timeouts(req.timeouts.send, req.timeouts.receive_response);
            let authority = connect_authority(&target.host, target.port);
            match open_tunnel(conn, &authority, &tunnel_headers(req)).await? {
                TunnelReply::Established(tunnel) => conn = *tunnel,
                TunnelReply::Refused(mut exchange) => {
                    progress.connected(&ip);
                    exchange.forbid_reuse();
                    return Ok(Acquired::ProxyRefused(exchange));
                }
            }
        }
        let config = {
            let settings = lock(&session.settings);
            client_config(&settings.tls, req.security_flags)
        };
        conn = start_tls(conn, &target.host, config, req.timeouts.connect).await?;
    }
    progress.connected(&ip);
    conn.set_timeouts(req.timeouts.send, req.timeouts.receive_response);
    Ok(Acquired::Ready(Box::new(conn), true))
}

/// Drains what is left of the current response and gives its connection back to the pool
/// when it is reusable (closes it otherwise). No progress (Wine's `drain_content`).
async fn release_connection(req: &mut RequestState) {
    let Some(mut exchange) = req.exchange.take() else {
        return;
    };
    if exchange.head().is_some() && exchange.drain(MAX_DRAIN_BYTES).await.is_err() {
        return;
    }
    let keep = !req.disabled.keep_alive() && !req.request_asks_close();
    if let Some(conn) = exchange.into_reusable().filter(|_| keep) {
        let key = req.pool_key();
        req.session().pool.checkin(key, conn, Instant::now());
    }
}

fn set_header(store: &mut HeaderStore, name: &str, value: &str) -> NetResult<()> {
    store.remove_all(name);
    store.push(name, value).map_err(code_error)
}

fn add_if_new(store: &mut HeaderStore, name: &str, value: &str) -> NetResult<()> {
    if store.get(name).is_none() {
        store.push(name, value).map_err(code_error)?;
    }
    Ok(())
}

/// Whether the request headers declare a chunked upload (the application frames it).
fn is_chunked(req: &RequestState) -> bool {
    req.headers
        .values("Transfer-Encoding")
        .any(|v| v.trim().eq_ignore_ascii_case("chunked"))
}

/// The send-time headers of Wine's `send_request` (added only when absent, except the
/// websocket key, which is new for every send).
fn add_send_headers(req: &mut RequestState) -> NetResult<()> {
    let user_agent = lock(&req.session().settings).user_agent.clone();
    if let Some(agent) = user_agent.filter(|a| !a.is_empty()) {
        add_if_new(&mut req.headers, "User-Agent", &agent)?;
    }
    let host = req.target.host_header();
    add_if_new(&mut req.headers, "Host", &host)?;
    if !is_chunked(req) && (req.total_length > 0 || req.verb == "POST" || req.verb == "PUT") {
        let length = req.total_length.to_string();
        add_if_new(&mut req.headers, "Content-Length", &length)?;
    }
    if req.upgrade_to_websocket {
        let key = generate_key().map_err(code_error)?;
        for (name, value) in upgrade_request_headers(&key) {
            if name == "Sec-WebSocket-Key" {
                set_header(&mut req.headers, name, &value)?;
            } else {
                add_if_new(&mut req.headers, name, &value)?;
            }
        }
        req.websocket_key = Some(key);
    } else if !req.disabled.keep_alive() {
        add_if_new(&mut req.headers, "Connection", "Keep-Alive")?;
    }
    Ok(())
}

/// The upload framing and whether the whole body is in the optional data.
fn upload_framing(req: &RequestState) -> (UploadFraming, bool) {
    if is_chunked(req) {
        return (UploadFraming::None, false);
    }
    let declared = req
        .headers
        .get("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) => (
            UploadFraming::ContentLength(n),
            n <= req.optional.len() as u64,
        ),
        None => (
            UploadFraming::None,
            req.total_length <= req.optional.len() as u64,
        ),
    }
}

/// The header lines as they go on the wire: the request headers in order with the
/// session's cookies merged into `Cookie` (unless cookies are disabled).
fn wire_headers(req: &RequestState) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = req
        .headers
        .lines()
        .iter()
        .filter(|l| !l.name.eq_ignore_ascii_case("Cookie"))
        .map(|l| (l.name.clone(), l.value.clone()))
        .collect();
    let app_cookie = req.headers.values("Cookie").collect::<Vec<_>>().join("; ");
    let cookie = if req.disabled.cookies() {
        (!app_cookie.is_empty()).then_some(app_cookie)
    } else {
        let jar = lock(&req.session().cookies);
        jar.cookie_header_with(&req.url(), Some(&app_cookie))
    };
    if let Some(cookie) = cookie {
        lines.push(("Cookie".to_owned(), cookie));
    }
    lines
}

fn store_head(head: &crate::http::response::ResponseHead) -> NetResult<ResponseHeaders> {
    let store = HeaderStore::parse_response_head(&wire_text(&head.raw)).map_err(code_error)?;
    Ok(ResponseHeaders {
        status: head.status,
        store,
    })
}

/// Sends on a connection (pooled unless `fresh`); on success the exchange is stored.
async fn send_once(
    req: &mut RequestState,
    progress: &dyn Progress,
    fresh: bool,
) -> Result<(Exchange, bool, bool), (NetError, bool)> {
    let acquired = acquire(req, progress, fresh)
        .await
        .map_err(|e| (e, false))?;
    let (conn, new) = match acquired {
        Acquired::Ready(conn, new) => (*conn, new),
        Acquired::ProxyRefused(exchange) => {
            // Nothing of the request went out; the proxy's answer is the response.
            progress.sending();
            progress.sent(0);
            return Ok((*exchange, true, false));
        }
    };
    let reused = !new;
    let mut exchange = Exchange::new(conn, &req.verb);
    let (framing, _) = upload_framing(req);
    let route = req.proxy_route();
    let mut headers = wire_headers(req);
    if req.target.secure && route.is_some() {
        // The proxy's credentials stay with the proxy (they went in the CONNECT).
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("Proxy-Authorization"));
    }
    let request_target = match route {
        Some(_) if !req.target.secure => absolute_target(&req.target.origin(), &req.path),
        _ => req.path.clone(),
    };
    let host = req.target.host_header();
    let head = RequestHead {
        method: &req.verb,
        target: &request_target,
        host: &host,
        headers: &headers,
        framing,
    };
    progress.sending();
    let head_len = exchange.send_head(&head).await.map_err(|e| (e, reused))?;
    let mut sent = head_len;
    if !req.optional.is_empty() {
        let written = if framing == UploadFraming::None {
            exchange.write_unframed(&req.optional).await
        } else {
            exchange.write_body(&req.optional).await
        };
        sent += written.map_err(|e| (e, reused))?;
    }
    progress.sent(u32::try_from(sent).unwrap_or(u32::MAX));
    Ok((exchange, new, reused))
}

/// The send proper (after the previous response is released and the headers are set):
/// used by [`send_request`] and by a redirect's re-send.
async fn send_inner(req: &mut RequestState, progress: &dyn Progress) -> NetResult<Option<u16>> {
    req.phase = ResponsePhase::None;
    req.response = None;
    let (_, whole) = upload_framing(req);
    let mut fresh = false;
    // At most two attempts: the second only after a pooled connection turned out closed.
    for _ in 0..2 {
        let (mut exchange, new, reused) = match send_once(req, progress, fresh).await {
            Ok(sent) => sent,
            Err((_, true)) if !fresh => {
                fresh = true;
                continue;
            }
            Err((err, _)) => return Err(err),
        };
        if !whole {
            req.exchange = Some(exchange);
            req.new_connection = new;
            req.phase = ResponsePhase::RequestSent;
            return Ok(None);
        }
        exchange
            .connection_mut()
            .set_receive_timeout(req.timeouts.receive_response);
        let read = exchange.read_head().await.map(|head| {
            (
                head.status,
                u32::try_from(head.raw.len()).unwrap_or(u32::MAX),
            )
        });
        match read {
            Ok((status, head_bytes)) => {
                req.exchange = Some(exchange);
                req.new_connection = new;
                req.phase = ResponsePhase::ReplyReceived {
                    head_bytes,
                    error: None,
                };
                return Ok(Some(status));
            }
            Err(_) if reused && !fresh && exchange.nothing_received() => {
                fresh = true;
                continue;
            }
            Err(err) => {
                req.phase = ResponsePhase::ReplyReceived {
                    head_bytes: 0,
                    error: Some(err),
                };
                return Ok(None);
            }
        }
    }
    Err(NetError::ConnectionError(
        "the pooled and the new connection both failed".into(),
    ))
}

/// `WinHttpSendRequest` (see the module docs). `optional` is the data passed with the call,
/// `total_length` the call's `dwTotalLength`. Returns `Some(status)` when the reply head
/// was read inside the send (the whole body came with the call), `None` when the reply is
/// still to be read (by `ReceiveResponse`, after `WriteData` if the body is incomplete, or
/// when reading it failed — the failure is then reported by `ReceiveResponse`).
pub async fn send_request(
    req: &mut RequestState,
    progress: &dyn Progress,
    optional: Vec<u8>,
    total_length: u64,
) -> NetResult<Option<u16>> {
    release_connection(req).await;
    req.phase = ResponsePhase::None;
    req.response = None;
    req.pending_read_error = None;
    req.redirect_count = 0;
    req.optional = optional;
    req.total_length = total_length;
    add_send_headers(req)?;
    let has_auth = req.headers.get("Authorization").is_some();
    let has_proxy_auth = req.headers.get("Proxy-Authorization").is_some();
    req.auth.begin_send(has_auth, has_proxy_auth);
    send_inner(req, progress).await
}

/// `WinHttpWriteData`: writes `data` as part of the body (checked against a declared
/// `Content-Length`: more than declared is `ERROR_INVALID_PARAMETER` and nothing is
/// written; a chunked upload is written as the application framed it). Returns the bytes
/// written. Without a sent request: `ERROR_WINHTTP_INCORRECT_HANDLE_STATE`.
pub async fn write_data(req: &mut RequestState, data: &[u8]) -> NetResult<u32> {
    if req.phase != ResponsePhase::RequestSent {
        return Err(NetError::IncorrectHandleState("no request is being sent"));
    }
    let chunked = is_chunked(req);
    let Some(exchange) = req.exchange.as_mut() else {
        return Err(NetError::IncorrectHandleState("no connection"));
    };
    let result = if chunked {
        exchange.write_unframed(data).await
    } else {
        exchange.write_body(data).await
    };
    match result {
        Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
        Err(err @ NetError::InvalidParameter(_)) => Err(err),
        Err(err) => {
            req.exchange = None;
            req.phase = ResponsePhase::None;
            Err(err)
        }
    }
}

pub(super) fn fail(req: &mut RequestState, err: NetError) -> NetError {
    req.exchange = None;
    req.phase = ResponsePhase::None;
    err
}

/// Reports the body bytes already buffered with the head (for inline reads).
fn report_buffered(req: &mut RequestState, progress: &dyn Progress) {
    let Some(exchange) = req.exchange.as_mut() else {
        return;
    };
    if exchange.settle().is_err() {
        return;
    }
    if let Ok(n) = exchange.available_now() {
        if n > 0 {
            progress.data_buffered(n);
        }
    }
}

/// `WinHttpReceiveResponse` (see the module docs): returns the final status. Legal after a
/// send (reply read or not); otherwise `ERROR_WINHTTP_INCORRECT_HANDLE_STATE`.
pub async fn receive_response(
    req: &mut RequestState,
    progress: &dyn Progress,
    redirects: &dyn RedirectDecider,
) -> NetResult<u16> {
    // Each pass handles one response; a followed redirect or an answered challenge starts
    // the next pass. Bounded by the decider's limit and, whatever the decider does, by
    // HARD_REDIRECT_LIMIT; a challenge is answered at most once per target and send.
    loop {
        match std::mem::take(&mut req.phase) {
            ResponsePhase::RequestSent => {
                progress.receiving();
                let limit = req.timeouts.receive_response;
                let Some(exchange) = req.exchange.as_mut() else {
                    return Err(fail(req, NetError::IncorrectHandleState("no connection")));
                };
                exchange.connection_mut().set_receive_timeout(limit);
                let head_bytes = match exchange.read_head().await {
                    Ok(head) => u32::try_from(head.raw.len()).unwrap_or(u32::MAX),
                    Err(err) => return Err(fail(req, err)),
                };
                progress.received(head_bytes);
            }
            ResponsePhase::ReplyReceived { head_bytes, error } => {
                progress.receiving();
                progress.received(head_bytes);
                if let Some(err) = error {
                    return Err(fail(req, err));
                }
            }
            phase => {
                req.phase = phase;
                return Err(NetError::IncorrectHandleState(
                    "no request was sent for a response",
                ));
            }
        }
        let receive = req.timeouts.receive;
        let Some(exchange) = req.exchange.as_mut() else {
            return Err(fail(req, NetError::IncorrectHandleState("no connection")));
        };
        exchange.connection_mut().set_receive_timeout(receive);
        let parsed = match exchange.head() {
            Some(head) => store_head(head),
            None => Err(NetError::InvalidServerResponse("no response head")),
        };
        let response = match parsed {
            Ok(response) => response,
            Err(err) => return Err(fail(req, err)),
        };
        let status = response.status;
        if !req.disabled.cookies() {
            let url = req.url();
            let mut jar = lock(&req.session().cookies);
            jar.store_response_cookies(&url, response.store.values("Set-Cookie"));
        }
        req.response = Some(response);
        req.phase = ResponsePhase::ResponseReceived;
        if let Some((header, value)) = authorization_answer(req, status) {
            // WinHTTP answers a Basic challenge itself when it has credentials, inside
            // ReceiveResponse (Wine's receive_response → handle_authorization), and
            // reports the re-send and its response (WH-R42).
            release_connection(req).await;
            if let Err(err) = set_header(&mut req.headers, header, &value) {
                return Err(fail(req, err));
            }
            progress.resend();
            send_inner(req, progress).await?;
            continue;
        }
        if !(300..400).contains(&status) {
            report_buffered(req, progress);
            return Ok(status);
        }
        let url = req.url();
        let location = req
            .response
            .as_ref()
            .and_then(|r| r.store.get("Location"))
            .map(str::to_owned);
        let decision = redirects.decide(&RedirectContext {
            status,
            location: location.as_deref(),
            url: &url,
            method: &req.verb,
            redirects_followed: req.redirect_count,
            max_redirects: req.max_redirects,
            policy: req.redirect_policy,
            redirects_disabled: req.disabled.redirects(),
        });
        let next = match decision {
            RedirectDecision::Stop => {
                report_buffered(req, progress);
                return Ok(status);
            }
            RedirectDecision::Fail(err) => return Err(fail(req, err)),
            RedirectDecision::Follow(_) if req.redirect_count >= HARD_REDIRECT_LIMIT => {
                return Err(fail(req, NetError::RedirectFailed("redirect limit")));
            }
            RedirectDecision::Follow(next) => next,
        };
        let Ok(parsed) = url::Url::parse(&next.url) else {
            return Err(fail(req, NetError::RedirectFailed("bad redirect URL")));
        };
        let (Some(host), Some(port)) = (parsed.host_str(), parsed.port_or_known_default()) else {
            return Err(fail(
                req,
                NetError::RedirectFailed("redirect URL has no host"),
            ));
        };
        req.redirect_count = req.redirect_count.saturating_add(1);
        progress.redirect(&next.url);
        release_connection(req).await;
        let secure = parsed.scheme() == "https";
        req.target = Target {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
            secure,
        };
        if secure {
            req.flags |= wh::WINHTTP_FLAG_SECURE;
        } else {
            req.flags &= !wh::WINHTTP_FLAG_SECURE;
        }
        req.path = match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_owned(),
        };
        if !next.keep_body {
            req.optional.clear();
            req.total_length = 0;
            req.headers.remove_all("Content-Length");
        }
        req.verb = next.method;
        let first = format!("{} {} {}", req.verb, req.path, req.version);
        req.headers.set_first_line(&first);
        let host = req.target.host_header();
        if let Err(err) = set_header(&mut req.headers, "Host", &host) {
            return Err(fail(req, err));
        }
        if req.upgrade_to_websocket {
            if let Err(err) = add_send_headers(req) {
                return Err(fail(req, err));
            }
        }
        send_inner(req, progress).await?;
    }
}

/// The header that answers a 401/407 automatically, if the request has credentials for it.
fn authorization_answer(req: &mut RequestState, status: u16) -> Option<(&'static str, String)> {
    if !matches!(status, 401 | 407) {
        return None;
    }
    let store = &req.response.as_ref()?.store;
    let www: Vec<String> = store
        .values("WWW-Authenticate")
        .map(str::to_owned)
        .collect();
    let proxy: Vec<String> = store
        .values("Proxy-Authenticate")
        .map(str::to_owned)
        .collect();
    let www: Vec<&str> = www.iter().map(String::as_str).collect();
    let proxy: Vec<&str> = proxy.iter().map(String::as_str).collect();
    let disabled = req.disabled.0;
    req.auth.answer(status, &www, &proxy, disabled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::state::RedirectPolicy;

    fn context<'a>(status: u16, location: Option<&'a str>, url: &'a str) -> RedirectContext<'a> {
        RedirectContext {
            status,
            location,
            url,
            method: "POST",
            redirects_followed: 0,
            max_redirects: 10,
            policy: RedirectPolicy::DisallowHttpsToHttp,
            redirects_disabled: false,
        }
    }

    #[test]
    fn default_redirects_follow_wines_codes_and_resolve_relative_locations() {
        let decider = DefaultRedirects::default();
        for status in [301, 302, 307, 308] {
            let decision = decider.decide(&context(status, Some("b?x=1"), "http://h:81/a/c"));
            let RedirectDecision::Follow(target) = decision else {
                panic!("{status} not followed");
            };
            assert_eq!(target.url, "http://h:81/a/b?x=1");
            let keeps = matches!(status, 307 | 308);
            assert_eq!(target.method, if keeps { "POST" } else { "GET" });
            assert_eq!(target.keep_body, keeps);
        }
        for status in [300, 303, 304, 305, 399] {
            assert_eq!(
                decider.decide(&context(status, Some("/x"), "http://h/")),
                RedirectDecision::Stop,
                "{status}"
            );
        }
    }

    #[test]
    fn default_redirects_refuse_what_winhttp_refuses() {
        let decider = DefaultRedirects::default();
        let code = |d: RedirectDecision| match d {
            RedirectDecision::Fail(err) => err.code(),
            other => panic!("expected a failure, got {other:?}"),
        };
        // HTTPS → HTTP under the default policy (WH-R28).
        assert_eq!(
            code(decider.decide(&context(302, Some("http://h/"), "https://h/"))),
            wh::ERROR_WINHTTP_REDIRECT_FAILED
        );
        let mut always = context(302, Some("http://h/"), "https://h/");
        always.policy = RedirectPolicy::Always;
        assert!(matches!(
            decider.decide(&always),
            RedirectDecision::Follow(_)
        ));
        // No Location: the header query fails (Wine's get_redirect_url).
        assert_eq!(
            code(decider.decide(&context(301, None, "http://h/"))),
            wh::ERROR_WINHTTP_HEADER_NOT_FOUND
        );
        // Limit reached.
        let mut limit = context(301, Some("/x"), "http://h/");
        limit.redirects_followed = 10;
        assert_eq!(
            code(decider.decide(&limit)),
            wh::ERROR_WINHTTP_REDIRECT_FAILED
        );
        // A scheme WinHTTP cannot request.
        assert_eq!(
            code(decider.decide(&context(301, Some("ftp://h/x"), "http://h/"))),
            wh::ERROR_WINHTTP_REDIRECT_FAILED
        );
        // Policy NEVER and DISABLE_REDIRECTS return the 3xx to the application.
        let mut never = context(301, Some("/x"), "http://h/");
        never.policy = RedirectPolicy::Never;
        assert_eq!(decider.decide(&never), RedirectDecision::Stop);
        let mut disabled = context(301, Some("/x"), "http://h/");
        disabled.redirects_disabled = true;
        assert_eq!(decider.decide(&disabled), RedirectDecision::Stop);
    }

    #[test]
    fn redirected_method_rules() {
        assert_eq!(redirected_method(301, "POST"), "GET");
        assert_eq!(redirected_method(302, "POST"), "GET");
        assert_eq!(redirected_method(301, "PUT"), "PUT");
        assert_eq!(redirected_method(303, "PUT"), "GET");
        assert_eq!(redirected_method(303, "HEAD"), "HEAD");
        assert_eq!(redirected_method(307, "POST"), "POST");
        assert_eq!(redirected_method(308, "DELETE"), "DELETE");
    }
}
