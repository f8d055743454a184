//! The executor's websocket operations driven directly (no engine): the upgrade on a
//! request (WH-R37), echo of text, binary and fragments, the close handshake with status
//! and reason on the wire, shutdown then the peer's close, the close status query and the
//! socket-state errors (WH-R39..R41), and cancellation of a pending receive.

mod support;

use std::sync::Arc;
use std::time::Duration;

use hinternet_net::executor::progress::RecordingProgress;
use hinternet_net::executor::request_ops::{receive_response, send_request, DefaultRedirects};
use hinternet_net::executor::state::{ConnectState, RequestState, SessionSettings, SessionState};
use hinternet_net::executor::websocket_ops::{
    close, complete_upgrade, query_close_status, receive, send, shutdown, SocketPhase,
};
use hinternet_net::executor::WebSocketState;
use hinternet_net::ws::frame::BufferType;
use hinternet_testservers::http;
use hinternet_testservers::ws::{self, Seen};
use support::wire::{block_on, timeouts};
use windows_sys::Win32::Foundation::{ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinHttp as wh;

const LOCAL: &str = "127.0.0.1";

fn session() -> Arc<SessionState> {
    SessionState::new(SessionSettings {
        timeouts: timeouts(Duration::from_secs(5)),
        ..SessionSettings::default()
    })
}

/// Upgrades a request to `path` on `port` and completes the upgrade.
async fn open(port: u16, path: &str) -> (RequestState, WebSocketState) {
    let connect = ConnectState::new(session(), LOCAL, port);
    let mut req = RequestState::new(connect, Some("GET"), Some(path), None, 0);
    req.upgrade_to_websocket = true;
    let progress = RecordingProgress::new();
    send_request(&mut req, &progress, Vec::new(), 0)
        .await
        .expect("send");
    let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
        .await
        .expect("receive");
    assert_eq!(status, 101);
    let socket = complete_upgrade(&mut req).expect("upgrade");
    (req, socket)
}

#[test]
fn the_upgrade_adds_the_headers_at_send_and_echoes_text_and_binary() {
    let server = http::start();
    block_on(async {
        let (req, mut socket) = open(server.port(), "/upgrade").await;
        assert_eq!(req.headers.get("Upgrade"), Some("websocket"));
        assert_eq!(req.headers.get("Sec-WebSocket-Version"), Some("13"));
        assert_eq!(
            req.headers.get("Sec-WebSocket-Key"),
            req.websocket_key.as_deref()
        );
        assert!(!req.has_connection(), "the socket took the connection");

        send(&mut socket, BufferType::Utf8Message, b"hello")
            .await
            .expect("send text");
        assert_eq!(
            receive(&mut socket, 64).await.expect("receive"),
            (BufferType::Utf8Message, b"hello".to_vec())
        );
        send(&mut socket, BufferType::BinaryMessage, &[0, 1, 2, 255])
            .await
            .expect("send binary");
        assert_eq!(
            receive(&mut socket, 64).await.expect("receive"),
            (BufferType::BinaryMessage, vec![0, 1, 2, 255])
        );
    });
}

#[test]
fn fragments_go_out_as_one_message_and_small_buffers_receive_fragments() {
    let server = ws::start();
    block_on(async {
        let (_req, mut socket) = open(server.port(), "/").await;
        send(&mut socket, BufferType::Utf8Fragment, b"hel")
            .await
            .expect("fragment");
        // WH-R39: a fragmented message keeps its kind.
        let err = send(&mut socket, BufferType::BinaryMessage, b"x")
            .await
            .expect_err("kind change");
        assert_eq!(err.code(), ERROR_INVALID_PARAMETER);
        send(&mut socket, BufferType::Utf8Message, b"lo world")
            .await
            .expect("last fragment");
        let mut chunks = Vec::new();
        for _ in 0..20 {
            let (kind, data) = receive(&mut socket, 4).await.expect("receive");
            assert!(data.len() <= 4);
            chunks.push((kind, data));
            if kind == BufferType::Utf8Message {
                break;
            }
        }
        let text: Vec<u8> = chunks.iter().flat_map(|(_, d)| d.clone()).collect();
        assert_eq!(text, b"hello world");
        assert!(chunks[..chunks.len() - 1]
            .iter()
            .all(|(kind, _)| *kind == BufferType::Utf8Fragment));
        assert_eq!(chunks.last().map(|c| c.0), Some(BufferType::Utf8Message));
    });
}

#[test]
fn close_sends_status_and_reason_and_waits_for_the_peer() {
    let server = ws::start_recording();
    block_on(async {
        let (_req, mut socket) = open(server.handle.port(), "/").await;
        let err = query_close_status(&socket).expect_err("before any close");
        assert_eq!(err.code(), ERROR_INVALID_OPERATION);
        send(&mut socket, BufferType::Utf8Message, b"last words")
            .await
            .expect("send");
        // The echo of "last words" is still unread: Close drops it while waiting.
        close(&mut socket, 1000, b"bye").await.expect("close");
        assert_eq!(socket.phase(), SocketPhase::Closed);
        let peer = query_close_status(&socket).expect("close status");
        assert_eq!(peer.status, 1000, "the server answered our close");
        let err = close(&mut socket, 1000, b"").await.expect_err("closed");
        assert_eq!(err.code(), ERROR_INVALID_OPERATION);
        let err = send(&mut socket, BufferType::BinaryMessage, b"x")
            .await
            .expect_err("closed");
        assert_eq!(err.code(), ERROR_INVALID_OPERATION);
    });
    // The server saw the message, then our close frame with the status and reason.
    let mut seen = Vec::new();
    // Bounded (10 s): a loaded machine can keep the server thread from running for a while.
    for _ in 0..500 {
        seen = server.seen();
        if seen.len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        seen,
        vec![
            Seen::Text("last words".into()),
            Seen::Close(Some((1000, "bye".into())))
        ]
    );
}

#[test]
fn shutdown_then_the_peers_close_arrives_as_a_close_buffer() {
    let server = ws::start_recording();
    block_on(async {
        let (_req, mut socket) = open(server.handle.port(), "/").await;
        shutdown(&mut socket, 1001, b"going away")
            .await
            .expect("shutdown");
        assert_eq!(socket.phase(), SocketPhase::Shutdown);
        let err = shutdown(&mut socket, 1001, b"").await.expect_err("twice");
        assert_eq!(err.code(), ERROR_INVALID_OPERATION);
        let err = send(&mut socket, BufferType::Utf8Message, b"x")
            .await
            .expect_err("after shutdown");
        assert_eq!(err.code(), ERROR_INVALID_OPERATION);
        // WH-R41: the peer's close comes back as buffer type CLOSE with 0 bytes.
        let (kind, data) = receive(&mut socket, 64).await.expect("peer close");
        assert_eq!(kind, BufferType::Close);
        assert!(data.is_empty());
        assert_eq!(kind.to_winhttp(), wh::WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
        assert_eq!(query_close_status(&socket).expect("status").status, 1001);
        let err = receive(&mut socket, 64)
            .await
            .expect_err("after close frame");
        assert_eq!(err.code(), ERROR_INVALID_OPERATION);
        // Close after the peer's close: nothing more to wait for.
        close(&mut socket, 1000, b"").await.expect("close");
        assert_eq!(socket.phase(), SocketPhase::Closed);
        assert_eq!(socket.close_sent().map(|c| c.status), Some(1001));
    });
    let seen = server.seen();
    assert_eq!(seen, vec![Seen::Close(Some((1001, "going away".into())))]);
}

#[test]
fn a_dropped_receive_loses_nothing_for_the_next_one() {
    let server = ws::start();
    block_on(async {
        let (_req, mut socket) = open(server.port(), "/").await;
        // A receive pending on a silent socket, abandoned (its future dropped).
        let pending = tokio::time::timeout(Duration::from_millis(100), receive(&mut socket, 64));
        assert!(
            pending.await.is_err(),
            "nothing was sent, the receive must wait"
        );
        send(&mut socket, BufferType::Utf8Message, b"after")
            .await
            .expect("send");
        // Abandon a receive after the echo may already be on its way, repeatedly, with a
        // tiny buffer: every byte must still come out exactly once, in order.
        let mut text = Vec::new();
        // At most 2000 abandoned 5 ms receives (10 s): on a loaded machine the echo can take
        // far longer than a second to come back.
        for _ in 0..2000 {
            match tokio::time::timeout(Duration::from_millis(5), receive(&mut socket, 1)).await {
                Ok(result) => {
                    let (kind, data) = result.expect("receive");
                    text.extend_from_slice(&data);
                    if kind == BufferType::Utf8Message {
                        break;
                    }
                }
                Err(_) => continue,
            }
        }
        assert_eq!(text, b"after");
        close(&mut socket, 1000, b"").await.expect("close");
    });
}

#[test]
fn complete_upgrade_needs_an_upgrade_request_and_a_valid_101() {
    let server = http::start();
    block_on(async {
        let connect = ConnectState::new(session(), LOCAL, server.port());
        let progress = RecordingProgress::new();
        // No upgrade asked: 12019.
        let mut req = RequestState::new(connect.clone(), None, Some("/fixed"), None, 0);
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        let err = complete_upgrade(&mut req).expect_err("not an upgrade");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);

        // Upgrade asked, but the server answers 200: not a websocket.
        let mut req = RequestState::new(connect, None, Some("/fixed"), None, 0);
        req.upgrade_to_websocket = true;
        send_request(&mut req, &progress, Vec::new(), 0)
            .await
            .expect("send");
        let status = receive_response(&mut req, &progress, &DefaultRedirects::default())
            .await
            .expect("receive");
        assert_eq!(status, 200);
        let err = complete_upgrade(&mut req).expect_err("200 is no upgrade");
        assert_eq!(err.code(), wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    });
}
