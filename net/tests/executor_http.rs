//! The executor's request operations driven directly (no engine) against the loopback
//! servers: framing, keep-alive reuse, redirects (WH-R28, WH-R31), cookies, reads with small
//! buffers, timeouts, and the exact progress sequences (WH-R30..R33).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hinternet_net::executor::progress::{ProgressEvent as P, RecordingProgress};
use hinternet_net::executor::request_ops::{
    query_data_available, read_data, read_data_vec, receive_response, send_request, write_data,
    DefaultRedirects,
};
use hinternet_net::executor::state::{
    ConnectState, DisabledFeatures, RequestState, SessionSettings, SessionState,
};
use hinternet_net::headers::{Api, HeaderStore};
use hinternet_net::http::tls::TlsSettings;
use hinternet_net::NetError;
use hinternet_testservers::http::{self, large_body_byte, FIXED_BODY, LARGE_BODY_LEN};
use hinternet_testservers::script::{self, Step};
use hinternet_testservers::tls::{self, CertKind};
use support::wire::{block_on, timeouts};
use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp as wh;

const LOCAL: &str = "127.0.0.1";

fn session_with(is_async: bool) -> Arc<SessionState> {
    SessionState::new(SessionSettings {
        user_agent: Some("hinternet-test".into()),
        is_async,
        timeouts: timeouts(Duration::from_secs(5)),
        ..SessionSettings::default()
    })
}

fn session() -> Arc<SessionState> {
    session_with(false)
}

fn request(connect: &Arc<ConnectState>, verb: &str, path: &str) -> RequestState {
    RequestState::new(connect.clone(), Some(verb), Some(path), None, 0)
}

fn add_header(req: &mut RequestState, line: &str) {
    req.headers
        .add_request_headers(Api::WinHttp, line, wh::WINHTTP_ADDREQ_FLAG_ADD)
        .expect("header");
}

/// Reads the whole body with `buf_len`-byte reads, checking no read exceeds its buffer.
async fn read_all(req: &mut RequestState, progress: &RecordingProgress, buf_len: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..10_000_000 {
        let chunk = read_data_vec(req, progress, buf_len).await.expect("read");
        assert!(chunk.len() <= buf_len, "a read returned more than asked");
        if chunk.is_empty() {
            return body;
        }
        body.extend_from_slice(&chunk);
    }
    panic!("the body did not end");
}

/// Send + receive + read all; returns the status and body.
async fn exchange(
    req: &mut RequestState,
    progress: &RecordingProgress,
    optional: &[u8],
) -> (u16, Vec<u8>) {
    send_request(req, progress, optional.to_vec(), optional.len() as u64)
        .await
        .expect("send");
    let status = receive_response(req, progress, &DefaultRedirects::default())
        .await
        .expect("receive");
    let body = read_all(req, progress, 4096).await;
    (status, body)
}

fn header_of(store: &HeaderStore, name: &str) -> Option<String> {
    store.get(name).map(str::to_owned)
}

fn response_header(req: &RequestState, name: &str) -> Option<String> {
    req.response
        .as_ref()
        .and_then(|r| header_of(&r.store, name))
}

/// The notifications only (engine events left out).
fn notes(events: &[P]) -> Vec<P> {
    events
        .iter()
        .filter(|e| e.notification().is_some())
        .cloned()
        .collect()
}

#[test]
fn get_on_a_new_connection_reports_resolve_connect_send_receive_in_order() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    let mut req = request(&connect, "GET", "/fixed");
    block_on(async {
        // GET without a body: the reply head is read inside the send (WH-R21).
        let status = send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        assert_eq!(status, Some(200));
        let send_events = progress.take();
        let sent = match send_events.as_slice() {
            [P::Resolving(name), P::Resolved(ip), P::Connecting(c1), P::Connected(c2), P::Sending, P::Sent(n)] =>
            {
                assert_eq!(name, LOCAL);
                assert_eq!(
                    (ip.as_str(), c1.as_str(), c2.as_str()),
                    (LOCAL, LOCAL, LOCAL)
                );
                *n
            }
            other => panic!("send progress {other:?}"),
        };
        assert!(sent > 40, "REQUEST_SENT counts the head bytes ({sent})");
        assert!(req.connection_is_new());

        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 200);
        match progress.take().as_slice() {
            [P::Receiving, P::Received(n), P::DataBuffered(b)] => {
                assert!(*n > 20, "RESPONSE_RECEIVED carries the head length ({n})");
                assert_eq!(*b, FIXED_BODY.len() as u64);
            }
            other => panic!("receive progress {other:?}"),
        }
        let body = read_all(&mut req, &progress, 4096).await;
        assert_eq!(body, FIXED_BODY);
        // The end of the body is reported and the connection pooled silently.
        assert_eq!(progress.take(), vec![P::EndOfData]);
        assert_eq!(
            connect.session.pool.idle_count(&req.target.pool_key(None)),
            1
        );
    });
}

#[test]
fn keep_alive_reuse_sends_no_resolve_or_connect_progress() {
    let server = http::start();
    let session = session();
    let connect = ConnectState::new(session.clone(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut first = request(&connect, "GET", "/fixed");
        let (status, body) = exchange(&mut first, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, FIXED_BODY));
        progress.take();

        // Second request on the same connect: the pooled connection, no RESOLVING/CONNECTING.
        let mut second = request(&connect, "GET", "/chunked");
        let (status, body) = exchange(&mut second, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, &b"hello, world"[..]));
        match notes(&progress.take()).as_slice() {
            [P::Sending, P::Sent(_), P::Receiving, P::Received(_)] => {}
            other => panic!("reused-connection progress {other:?}"),
        }

        // A new connect to the same server in the same session also takes the pooled one.
        let other_connect = ConnectState::new(session.clone(), LOCAL, server.port());
        let mut third = request(&other_connect, "HEAD", "/fixed");
        let (status, body) = exchange(&mut third, &progress, b"").await;
        assert_eq!(status, 200);
        assert!(body.is_empty(), "HEAD has no body");
        assert_eq!(
            notes(&progress.take())[0],
            P::Sending,
            "no resolve/connect on reuse"
        );
    });
    assert_eq!(
        server.accepted(),
        1,
        "all three requests used one connection"
    );
}

#[test]
fn a_closed_connection_is_not_reused_and_the_name_is_not_resolved_twice() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut first = request(&connect, "GET", "/close");
        let (status, body) = exchange(&mut first, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, &b"closing"[..]));
        // The server asked for close, not the request: no CLOSING/CLOSED notifications.
        assert!(!progress
            .events()
            .iter()
            .any(|e| matches!(e, P::ClosingConnection | P::ConnectionClosed)));
        progress.take();

        let mut second = request(&connect, "GET", "/http10");
        let (status, _) = exchange(&mut second, &progress, b"").await;
        assert_eq!(status, 200);
        match notes(&progress.take()).as_slice() {
            [P::Connecting(_), P::Connected(_), P::Sending, P::Sent(_), P::Receiving, P::Received(_)] =>
                {}
            other => panic!("new connection on a resolved connect {other:?}"),
        }
        let key = second.target.pool_key(None);
        assert_eq!(
            connect.session.pool.idle_count(&key),
            0,
            "HTTP/1.0 is not pooled"
        );
    });
    assert_eq!(server.accepted(), 2);
}

#[test]
fn a_request_with_connection_close_reports_closing_and_closed_after_the_body() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "GET", "/fixed");
        add_header(&mut req, "Connection: close");
        let (status, body) = exchange(&mut req, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, FIXED_BODY));
        let events = progress.take();
        let tail: Vec<P> = events[events.len() - 3..].to_vec();
        assert_eq!(
            tail,
            vec![P::EndOfData, P::ClosingConnection, P::ConnectionClosed]
        );
        assert_eq!(
            connect.session.pool.idle_count(&req.target.pool_key(None)),
            0
        );
    });
}

#[test]
fn post_with_the_whole_body_in_the_send_reads_the_reply_inside_the_send() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "POST", "/echo");
        let status = send_request(&mut req, &progress, b"ping pong".to_vec(), 9)
            .await
            .expect("send");
        assert_eq!(status, Some(200));
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 200);
        assert_eq!(
            response_header(&req, "X-Echo-Method").as_deref(),
            Some("POST")
        );
        assert_eq!(
            response_header(&req, "X-Echo-Content-Length").as_deref(),
            Some("9")
        );
        assert_eq!(read_all(&mut req, &progress, 4).await, b"ping pong");
        // Content-Length and the defaults were added to the request headers at send.
        assert_eq!(req.headers.get("Content-Length"), Some("9"));
        assert_eq!(req.headers.get("User-Agent"), Some("hinternet-test"));
        assert_eq!(req.headers.get("Connection"), Some("Keep-Alive"));
    });
}

#[test]
fn post_with_write_data_sends_the_rest_and_refuses_more_than_declared() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "POST", "/echo");
        let status = send_request(&mut req, &progress, b"abc".to_vec(), 10)
            .await
            .expect("send");
        assert_eq!(
            status, None,
            "the body is incomplete: the reply is not read yet"
        );
        assert_eq!(write_data(&mut req, b"defg").await.expect("write"), 4);
        let too_much = write_data(&mut req, b"hijkl")
            .await
            .expect_err("beyond length");
        assert_eq!(too_much.code(), ERROR_INVALID_PARAMETER);
        assert_eq!(write_data(&mut req, b"hij").await.expect("write"), 3);
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 200);
        assert_eq!(read_all(&mut req, &progress, 3).await, b"abcdefghij");
    });
}

#[test]
fn a_chunked_upload_is_written_as_the_application_frames_it() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "PUT", "/echo");
        add_header(&mut req, "Transfer-Encoding: chunked");
        let status = send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        assert_eq!(status, None);
        write_data(&mut req, b"5\r\nhello\r\n")
            .await
            .expect("chunk");
        write_data(&mut req, b"6\r\n world\r\n")
            .await
            .expect("chunk");
        write_data(&mut req, b"0\r\n\r\n")
            .await
            .expect("last chunk");
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 200);
        assert_eq!(
            response_header(&req, "X-Echo-Transfer-Encoding").as_deref(),
            Some("chunked")
        );
        assert_eq!(req.headers.get("Content-Length"), None);
        assert_eq!(read_all(&mut req, &progress, 64).await, b"hello world");
    });
}

#[test]
fn query_data_and_read_loops_with_small_buffers() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "GET", "/chunked");
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        let mut body = Vec::new();
        for _ in 0..1000 {
            let available = query_data_available(&mut req, &progress)
                .await
                .expect("qda");
            if available == 0 {
                break;
            }
            let chunk = read_data_vec(&mut req, &progress, 3).await.expect("read");
            assert!(!chunk.is_empty() && chunk.len() <= 3);
            assert!(chunk.len() as u64 <= available);
            body.extend_from_slice(&chunk);
        }
        assert_eq!(body, b"hello, world");
        assert_eq!(
            query_data_available(&mut req, &progress)
                .await
                .expect("end"),
            0
        );
        assert_eq!(
            read_data_vec(&mut req, &progress, 3).await.expect("end"),
            b""
        );

        let mut large = request(&connect, "GET", "/large");
        send_request(&mut large, &progress, Vec::new(), 0)
            .await
            .expect("send");
        receive_response(&mut large, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        let mut buf = [0u8; 1000];
        let mut offset = 0usize;
        for _ in 0..10_000 {
            let n = read_data(&mut large, &progress, &mut buf)
                .await
                .expect("read");
            if n == 0 {
                break;
            }
            for (i, byte) in buf[..n].iter().enumerate() {
                assert_eq!(*byte, large_body_byte(offset + i), "byte {}", offset + i);
            }
            offset += n;
        }
        assert_eq!(offset, LARGE_BODY_LEN);
    });
}

#[test]
fn async_sessions_report_receiving_and_received_around_body_reads() {
    let server = http::start();
    let connect = ConnectState::new(session_with(true), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "GET", "/slow-body?ms=100");
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        progress.take();
        let body = read_all(&mut req, &progress, 4096).await;
        assert_eq!(body, b"late body");
        let events = progress.take();
        let first_two: Vec<P> = events.iter().take(2).cloned().collect();
        assert!(
            matches!(first_two.as_slice(), [P::Receiving, P::Received(n)] if *n > 0),
            "a network read is surrounded by RECEIVING/RECEIVED in async mode: {events:?}"
        );
    });
}

#[test]
fn redirects_are_followed_inside_receive_response_with_their_progress() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        for code in [301, 302, 307, 308] {
            let mut req = request(&connect, "GET", &format!("/redirect?code={code}&to=/fixed"));
            send_request(&mut req, &progress, Vec::new(), 0)
                .await
                .expect("send");
            progress.take();
            let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
                .await
                .expect("receive");
            assert_eq!(status, 200, "code {code}");
            let expected_url = format!("http://{LOCAL}:{}/fixed", server.port());
            // WH-R31: RECEIVING, RECEIVED, REDIRECT, the re-send (on the pooled connection:
            // no resolve/connect), RECEIVING, RECEIVED.
            match notes(&progress.take()).as_slice() {
                [P::Receiving, P::Received(_), P::Redirect(url), P::Sending, P::Sent(_), P::Receiving, P::Received(_)] =>
                {
                    assert_eq!(url, &expected_url, "code {code}")
                }
                other => panic!("redirect progress for {code}: {other:?}"),
            }
            assert_eq!(req.url(), expected_url);
            assert_eq!(req.redirect_count, 1);
            assert_eq!(read_all(&mut req, &progress, 5).await, FIXED_BODY);
        }
    });
    assert_eq!(
        server.accepted(),
        1,
        "redirects drained and reused the connection"
    );
}

#[test]
fn redirect_303_is_not_followed_by_default_and_rewrites_to_get_when_followed() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "POST", "/redirect?code=303&to=/echo");
        send_request(&mut req, &progress, b"data".to_vec(), 4)
            .await
            .expect("send");
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 303, "Wine does not follow 303");
        assert_eq!(response_header(&req, "Location").as_deref(), Some("/echo"));

        let mut req = request(&connect, "POST", "/redirect?code=303&to=/echo");
        send_request(&mut req, &progress, b"data".to_vec(), 4)
            .await
            .expect("send");
        let follow = DefaultRedirects { follow_303: true };
        let status = receive_response(&mut req, &progress, &follow)
            .await
            .expect("receive");
        assert_eq!(status, 200);
        assert_eq!(
            response_header(&req, "X-Echo-Method").as_deref(),
            Some("GET")
        );
        assert_eq!(read_all(&mut req, &progress, 64).await, b"");
    });
}

#[test]
fn post_becomes_get_on_301_and_302_but_stays_post_with_its_body_on_307_and_308() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        for (code, method, body) in [
            (301, "GET", &b""[..]),
            (302, "GET", &b""[..]),
            (307, "POST", &b"payload"[..]),
            (308, "POST", &b"payload"[..]),
        ] {
            let mut req = request(&connect, "POST", &format!("/redirect?code={code}&to=/echo"));
            send_request(&mut req, &progress, b"payload".to_vec(), 7)
                .await
                .expect("send");
            let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
                .await
                .expect("receive");
            assert_eq!(status, 200, "code {code}");
            assert_eq!(
                response_header(&req, "X-Echo-Method").as_deref(),
                Some(method),
                "code {code}"
            );
            assert_eq!(req.verb, method);
            assert_eq!(read_all(&mut req, &progress, 64).await, body, "code {code}");
        }
    });
}

#[test]
fn an_absolute_cross_port_redirect_connects_to_the_new_server() {
    let first = http::start();
    let second = http::start();
    let connect = ConnectState::new(session(), LOCAL, first.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let target = format!("http://{LOCAL}:{}/chunked", second.port());
        let mut req = request(&connect, "GET", &format!("/redirect?code=302&to={target}"));
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        progress.take();
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 200);
        match notes(&progress.take()).as_slice() {
            [P::Receiving, P::Received(_), P::Redirect(url), P::Resolving(name), P::Resolved(_), P::Connecting(_), P::Connected(_), P::Sending, P::Sent(_), P::Receiving, P::Received(_)] =>
            {
                assert_eq!(url, &target);
                assert_eq!(name, LOCAL);
            }
            other => panic!("cross-port redirect progress {other:?}"),
        }
        assert_eq!(req.target.port, second.port());
        assert_eq!(
            req.headers.get("Host"),
            Some(format!("{LOCAL}:{}", second.port()).as_str())
        );
        assert_eq!(read_all(&mut req, &progress, 4).await, b"hello, world");
    });
    assert_eq!(second.accepted(), 1);
}

#[test]
fn too_many_redirects_fail_with_redirect_failed() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "GET", "/loop");
        req.max_redirects = 3;
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        let err = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect_err("a redirect loop");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_REDIRECT_FAILED);
        let redirects = progress
            .events()
            .iter()
            .filter(|e| matches!(e, P::Redirect(_)))
            .count();
        assert_eq!(redirects, 3, "three redirects followed, the fourth refused");
        assert!(
            !req.has_connection(),
            "a failed request holds no connection"
        );

        // Disabled redirects return the 302 itself.
        let mut req = request(&connect, "GET", "/loop");
        req.disabled = DisabledFeatures(wh::WINHTTP_DISABLE_REDIRECTS);
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 302);
    });
}

#[test]
fn cookies_round_trip_unless_disabled() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut set = request(&connect, "GET", "/set-cookie?name=sid&value=abc");
        let (status, _) = exchange(&mut set, &progress, b"").await;
        assert_eq!(status, 200);

        let mut echo = request(&connect, "GET", "/headers");
        add_header(&mut echo, "Cookie: app=1");
        let (_, body) = exchange(&mut echo, &progress, b"").await;
        let text = String::from_utf8_lossy(&body).to_string();
        assert!(
            text.contains("cookie: app=1; sid=abc"),
            "the jar's cookie follows the application's: {text}"
        );

        let mut disabled = request(&connect, "GET", "/headers");
        disabled.disabled = DisabledFeatures(wh::WINHTTP_DISABLE_COOKIES);
        let (_, body) = exchange(&mut disabled, &progress, b"").await;
        let text = String::from_utf8_lossy(&body).to_string();
        assert!(!text.contains("cookie:"), "no cookie when disabled: {text}");
    });
}

#[test]
fn a_silent_server_times_out_with_12002() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "GET", "/silent");
        req.timeouts.receive_response = Some(Duration::from_millis(300));
        let started = Instant::now();
        // The head read inside the send fails; the send itself succeeded (Wine keeps the
        // read's failure for ReceiveResponse).
        let status = send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        assert_eq!(status, None);
        let err = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect_err("silent");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_TIMEOUT);
        assert!(started.elapsed() < Duration::from_secs(4));

        // The same when the head is read by ReceiveResponse (body sent with WriteData).
        let mut req = request(&connect, "POST", "/silent");
        req.timeouts.receive_response = Some(Duration::from_millis(300));
        send_request(&mut req, &progress, Vec::new(), 2)
            .await
            .expect("send");
        write_data(&mut req, b"hi").await.expect("write");
        let err = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect_err("silent");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_TIMEOUT);

        // A body that stops coming times out on the receive timeout.
        let mut req = request(&connect, "GET", "/slow-body?ms=2000");
        req.timeouts.receive = Some(Duration::from_millis(200));
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        let err = read_data_vec(&mut req, &progress, 16)
            .await
            .expect_err("slow");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_TIMEOUT);
    });
}

#[test]
fn operations_out_of_order_are_incorrect_handle_state() {
    let server = http::start();
    let connect = ConnectState::new(session(), LOCAL, server.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = request(&connect, "GET", "/fixed");
        let err = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect_err("no send");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        let err = query_data_available(&mut req, &progress)
            .await
            .expect_err("no response");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        let err = write_data(&mut req, b"x").await.expect_err("no send");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        assert!(progress.events().is_empty());

        let (status, _) = exchange(&mut req, &progress, b"").await;
        assert_eq!(status, 200);
        let err = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect_err("second receive");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    });
}

#[test]
fn hostile_and_dead_servers_give_the_wire_layer_codes() {
    let garbage = script::start(vec![vec![
        Step::ReadHead,
        Step::Write(b"HTTX/1.1 200 OK\r\n\r\n".to_vec()),
        Step::Close,
    ]]);
    let progress = RecordingProgress::new();
    block_on(async {
        let connect = ConnectState::new(session(), LOCAL, garbage.handle.port());
        let mut req = request(&connect, "GET", "/");
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        let err = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect_err("garbage");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    });
    // A port nobody listens on: CONNECTING is reported, then 12029.
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    block_on(async {
        let connect = ConnectState::new(session(), LOCAL, closed_port);
        let mut req = request(&connect, "GET", "/");
        progress.take();
        let err = send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect_err("refused");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_CANNOT_CONNECT);
        assert!(matches!(
            progress.take().as_slice(),
            [P::Resolving(_), P::Resolved(_), P::Connecting(_)]
        ));
        assert!(matches!(err, NetError::CannotConnect(_)));
    });
}

#[test]
fn https_requests_run_tls_on_new_connections_and_reuse_them() {
    let server = tls::start(CertKind::Valid);
    let session = SessionState::new(SessionSettings {
        timeouts: timeouts(Duration::from_secs(5)),
        tls: TlsSettings {
            webpki_roots: false,
            extra_roots: vec![server.ca_der()],
        },
        ..SessionSettings::default()
    });
    let connect = ConnectState::new(session, LOCAL, server.handle.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut req = RequestState::new(
            connect.clone(),
            None,
            Some("/fixed"),
            None,
            wh::WINHTTP_FLAG_SECURE,
        );
        let (status, body) = exchange(&mut req, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, FIXED_BODY));
        assert!(req.target.secure);
        assert_eq!(
            req.url(),
            format!("https://{LOCAL}:{}/fixed", server.handle.port())
        );
        assert!(matches!(
            notes(&progress.take()).as_slice(),
            [
                P::Resolving(_),
                P::Resolved(_),
                P::Connecting(_),
                P::Connected(_),
                ..
            ]
        ));
        let mut again = RequestState::new(
            connect.clone(),
            None,
            Some("/chunked"),
            None,
            wh::WINHTTP_FLAG_SECURE,
        );
        send_request(&mut again, &progress, Vec::new(), 0)
            .await
            .expect("send");
        assert_eq!(again.peer_certificates().len(), 2, "leaf and CA as sent");
        receive_response(&mut again, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(read_all(&mut again, &progress, 7).await, b"hello, world");
        assert_eq!(
            notes(&progress.take())[0],
            P::Sending,
            "reused TLS connection"
        );
    });
    assert_eq!(server.handle.accepted(), 1);

    // An untrusted certificate fails the send with 12175.
    let untrusted = tls::start(CertKind::Valid);
    block_on(async {
        let connect = ConnectState::new(
            SessionState::new(SessionSettings {
                timeouts: timeouts(Duration::from_secs(5)),
                tls: TlsSettings::default(),
                ..SessionSettings::default()
            }),
            LOCAL,
            untrusted.handle.port(),
        );
        let mut req = RequestState::new(connect, None, None, None, wh::WINHTTP_FLAG_SECURE);
        let err = send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect_err("untrusted");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_SECURE_FAILURE);
    });
}

#[test]
fn a_pooled_connection_closed_by_the_server_is_replaced_once() {
    let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec();
    let server = script::start(vec![
        // The first connection answers once, then closes while the next request arrives.
        vec![
            Step::ReadHead,
            Step::Write(reply.clone()),
            Step::Sleep(Duration::from_millis(300)),
            Step::Close,
        ],
        vec![Step::ReadHead, Step::Write(reply)],
    ]);
    let connect = ConnectState::new(session(), LOCAL, server.handle.port());
    let progress = RecordingProgress::new();
    block_on(async {
        let mut first = request(&connect, "GET", "/one");
        let (status, body) = exchange(&mut first, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, &b"ok"[..]));
        progress.take();
        let mut second = request(&connect, "GET", "/two");
        let (status, body) = exchange(&mut second, &progress, b"").await;
        assert_eq!((status, body.as_slice()), (200, &b"ok"[..]));
        // Sent on the pooled connection, nothing came back, sent again on a new one.
        match notes(&progress.take()).as_slice() {
            [P::Sending, P::Sent(_), P::Connecting(_), P::Connected(_), P::Sending, P::Sent(_), P::Receiving, P::Received(_)] =>
                {}
            other => panic!("stale connection progress {other:?}"),
        }
    });
    assert_eq!(server.handle.accepted(), 2);
    assert!(String::from_utf8_lossy(&server.received(1)).starts_with("GET /two "));
}
