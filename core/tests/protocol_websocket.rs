//! WinHTTP websocket protocol (docs/behaviour.md WH-R37…R41): return value, last error
//! and the exact notification sequence of each rule, through the checked driver.

mod support;

use hinternet_core::winhttp::*;
use hinternet_core::{
    Api, CallArg, Completion, CreateApi, HandleValue, Info, Input, Lane, ObjectId, Outcome, Output,
    Phase, Policy, ProtocolEvent, Ret, WsBufferType, ERROR_INVALID_OPERATION,
    ERROR_INVALID_PARAMETER, ERROR_WINHTTP_OPERATION_CANCELLED as CANCELLED,
};
use support::*;

const ZERO: Ret = Ret::Dword(0);
const INVALID_OP: Ret = Ret::Dword(ERROR_INVALID_OPERATION);

struct Ws {
    h: H,
    s: HandleValue,
    c: HandleValue,
    r: HandleValue,
    ws: HandleValue,
    o: ObjectId,
}

/// Upgrade a request and complete it into a websocket.
fn upgrade(h: &mut H, r: HandleValue) -> HandleValue {
    let ro = h.obj(r);
    h.call(Api::WinHttpSetOption, r);
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(ro, Lane::Main, 101);
    h.call(Api::WinHttpReceiveResponse, r);
    handle_of(&h.create_reply(CreateApi::WinHttpWebSocketCompleteUpgrade, r))
}

fn socket(async_mode: bool) -> Ws {
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, async_mode);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let ws = upgrade(&mut h, r);
    let o = h.obj(ws);
    h.clear();
    Ws { h, s, c, r, ws, o }
}

fn status(bytes: u32, buffer_type: WsBufferType) -> Info {
    Info::WebSocketStatus { bytes, buffer_type }
}

fn ws_error(result: u32, error: u32, operation: u32) -> (u32, Info) {
    (
        REQUEST_ERROR,
        Info::WebSocketResult {
            result,
            error,
            operation,
        },
    )
}

fn send(w: &mut Ws, t: WsBufferType) -> hinternet_core::Reply {
    w.h.call_with(Api::WinHttpWebSocketSend, w.ws, CallArg::WsBuffer(t))
}

fn frame(w: &mut Ws, buffer_type: WsBufferType, bytes: u32) {
    w.h.frame(w.o, buffer_type, bytes);
}

fn ws_phase(w: &Ws) -> Phase {
    w.h.d.machine.object(w.o).expect("socket").protocol().phase
}

#[test]
fn wh_r37_upgrade_path_send_receive_then_complete_upgrade() {
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, true);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let ro = h.obj(r);
    expect(h.call(Api::WinHttpSetOption, r), Ret::Bool(true), Some(0));
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(ro, Lane::Main, 101);
    h.call(Api::WinHttpReceiveResponse, r);
    // A 101 response has no body: QueryDataAvailable reports 0.
    h.event(ro, ProtocolEvent::EndOfData);
    h.clear();
    let q = h.call(Api::WinHttpQueryDataAvailable, r);
    assert!(inline(&q));
    assert_eq!(h.notes(), vec![(DATA_AVAILABLE, Info::Bytes(0))]);
    let ws = handle_of(&h.create_reply(CreateApi::WinHttpWebSocketCompleteUpgrade, r));
    // HANDLE_CREATED through the request.
    assert_eq!(h.notes(), vec![(HANDLE_CREATED, Info::Handle(ws))]);
    let o = h.obj(ws);
    assert_eq!(
        h.d.machine.object(o).expect("socket").protocol().phase,
        Phase::WsOpen
    );
}

#[test]
fn wh_r38_the_socket_outlives_its_request_connection_and_session() {
    let mut w = socket(true);
    for h in [w.r, w.c, w.s] {
        w.h.step(Input::Close { handle: h });
    }
    assert_eq!(statuses(&w.h.notes()), vec![HANDLE_CLOSING], "the request");
    expect(send(&mut w, WsBufferType::BinaryMessage), ZERO, None);
    w.h.complete_ok(w.o, Lane::Main, 5);
    expect(w.h.call(Api::WinHttpWebSocketReceive, w.ws), ZERO, None);
    w.h.complete_ok(w.o, Lane::Receive, 3);
    expect(w.h.call(Api::WinHttpWebSocketShutdown, w.ws), ZERO, None);
    w.h.complete_ok(w.o, Lane::Main, 0);
    expect(w.h.call(Api::WinHttpWebSocketClose, w.ws), ZERO, None);
    frame(&mut w, WsBufferType::Close, 0);
    assert_eq!(
        w.h.notes(),
        vec![
            (WRITE_COMPLETE, status(5, WsBufferType::BinaryMessage)),
            (READ_COMPLETE, status(3, WsBufferType::BinaryMessage)),
            (SHUTDOWN_COMPLETE, Info::None),
            (CLOSE_COMPLETE, Info::None),
        ]
    );
    w.h.step(Input::Close { handle: w.ws });
    // The socket, then the connection and the session it kept alive.
    assert_eq!(
        statuses(&w.h.notes()),
        vec![HANDLE_CLOSING, HANDLE_CLOSING, HANDLE_CLOSING]
    );
    assert!(w.h.d.machine.is_empty());
}

#[test]
fn wh_r38_resending_and_upgrading_again_gives_a_second_socket() {
    let mut w = socket(true);
    let second = upgrade(&mut w.h, w.r);
    assert_ne!(second, w.ws);
    let (a, b) = (w.h.obj(w.ws), w.h.obj(second));
    assert_ne!(a, b);
    expect(send(&mut w, WsBufferType::Utf8Message), ZERO, None);
    expect(w.h.call(Api::WinHttpWebSocketSend, second), ZERO, None);
}

#[test]
fn wh_r39_send_only_while_open() {
    let mut w = socket(true);
    expect(w.h.call(Api::WinHttpWebSocketShutdown, w.ws), ZERO, None);
    assert_eq!(ws_phase(&w), Phase::WsShutdown);
    let r = send(&mut w, WsBufferType::BinaryMessage);
    expect(&r, INVALID_OP, None);
    assert!(rejected(&r, ERROR_INVALID_OPERATION));
    // Receive is still allowed after our shutdown.
    expect(w.h.call(Api::WinHttpWebSocketReceive, w.ws), ZERO, None);
    assert_eq!(w.h.notes(), vec![]);
}

#[test]
fn wh_r39_after_the_peers_close_frame_send_and_receive_give_4317() {
    let mut w = socket(true);
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    frame(&mut w, WsBufferType::Close, 0);
    assert_eq!(
        w.h.notes(),
        vec![(READ_COMPLETE, status(0, WsBufferType::Close))]
    );
    expect(send(&mut w, WsBufferType::BinaryMessage), INVALID_OP, None);
    expect(
        w.h.call(Api::WinHttpWebSocketReceive, w.ws),
        INVALID_OP,
        None,
    );
}

#[test]
fn wh_r39_one_pending_receive_and_one_pending_send() {
    let mut w = socket(true);
    expect(w.h.call(Api::WinHttpWebSocketReceive, w.ws), ZERO, None);
    expect(
        w.h.call(Api::WinHttpWebSocketReceive, w.ws),
        INVALID_OP,
        None,
    );
    expect(send(&mut w, WsBufferType::BinaryMessage), ZERO, None);
    expect(send(&mut w, WsBufferType::BinaryMessage), INVALID_OP, None);
    w.h.complete_ok(w.o, Lane::Main, 1);
    expect(send(&mut w, WsBufferType::BinaryMessage), ZERO, None);
}

#[test]
fn wh_r39_utf8_after_a_binary_fragment_gives_87() {
    let mut w = socket(true);
    expect(send(&mut w, WsBufferType::BinaryFragment), ZERO, None);
    w.h.complete_ok(w.o, Lane::Main, 2);
    for t in [WsBufferType::Utf8Message, WsBufferType::Utf8Fragment] {
        let r = send(&mut w, t);
        expect(&r, Ret::Dword(ERROR_INVALID_PARAMETER), None);
        assert!(rejected(&r, ERROR_INVALID_PARAMETER));
    }
    // The binary message ends the fragmented one; UTF-8 is allowed again.
    expect(send(&mut w, WsBufferType::BinaryMessage), ZERO, None);
    w.h.complete_ok(w.o, Lane::Main, 2);
    expect(send(&mut w, WsBufferType::Utf8Message), ZERO, None);
    w.h.complete_ok(w.o, Lane::Main, 2);
    assert_eq!(
        w.h.notes(),
        vec![
            (WRITE_COMPLETE, status(2, WsBufferType::BinaryFragment)),
            (WRITE_COMPLETE, status(2, WsBufferType::BinaryMessage)),
            (WRITE_COMPLETE, status(2, WsBufferType::Utf8Message)),
        ]
    );
}

#[test]
fn wh_r39_shutdown_and_close_states() {
    let mut w = socket(true);
    expect(w.h.call(Api::WinHttpWebSocketShutdown, w.ws), ZERO, None);
    expect(
        w.h.call(Api::WinHttpWebSocketShutdown, w.ws),
        INVALID_OP,
        None,
    );
    expect(w.h.call(Api::WinHttpWebSocketClose, w.ws), ZERO, None);
    assert_eq!(ws_phase(&w), Phase::WsClosed);
    expect(
        w.h.call(Api::WinHttpWebSocketShutdown, w.ws),
        INVALID_OP,
        None,
    );
    expect(w.h.call(Api::WinHttpWebSocketClose, w.ws), INVALID_OP, None);
    expect(
        w.h.call(Api::WinHttpWebSocketReceive, w.ws),
        INVALID_OP,
        None,
    );
}

#[test]
fn wh_r39_query_close_status_needs_the_close_frame() {
    let mut w = socket(true);
    let q = w.h.call(Api::WinHttpWebSocketQueryCloseStatus, w.ws);
    expect(&q, INVALID_OP, None);
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    frame(&mut w, WsBufferType::Close, 0);
    // Immediate calls report success through the last error too (machine convention).
    expect(
        w.h.call(Api::WinHttpWebSocketQueryCloseStatus, w.ws),
        ZERO,
        Some(0),
    );
}

#[test]
fn wh_r40_close_cancels_a_pending_receive_inside_the_call_then_close_completes() {
    let mut w = socket(true);
    let receive =
        w.h.call(Api::WinHttpWebSocketReceive, w.ws)
            .op()
            .expect("receive op");
    w.h.clear();
    let close =
        w.h.call(Api::WinHttpWebSocketClose, w.ws)
            .op()
            .expect("close op");
    assert_eq!(
        w.h.outputs(),
        vec![
            Output::CancelIo {
                object: w.o,
                lane: Lane::Receive,
                op: receive,
                api: Api::WinHttpWebSocketReceive
            },
            Output::Notify(hinternet_core::Notification {
                object: w.o,
                handle: w.ws,
                context: 1,
                status: REQUEST_ERROR,
                info: Info::WebSocketResult {
                    result: 0,
                    error: CANCELLED,
                    operation: WS_RECEIVE_OPERATION
                },
                callback: Some(CB),
                needs_return: true,
            }),
            Output::StartIo {
                object: w.o,
                lane: Lane::Receive,
                op: close,
                api: Api::WinHttpWebSocketClose,
                blocking: false,
                arg: CallArg::None,
            },
        ]
    );
    // The peer's close frame finishes the close handshake.
    frame(&mut w, WsBufferType::Close, 0);
    assert_eq!(w.h.notes(), vec![(CLOSE_COMPLETE, Info::None)]);
}

#[test]
fn wh_r40_close_after_the_close_frame_completes_inline() {
    let mut w = socket(true);
    w.h.call(Api::WinHttpWebSocketShutdown, w.ws);
    w.h.complete_ok(w.o, Lane::Main, 0);
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    frame(&mut w, WsBufferType::Close, 0);
    assert_eq!(
        w.h.notes(),
        vec![
            (SHUTDOWN_COMPLETE, Info::None),
            (READ_COMPLETE, status(0, WsBufferType::Close))
        ]
    );
    let r = w.h.call(Api::WinHttpWebSocketClose, w.ws);
    expect(&r, ZERO, None);
    assert!(matches!(r.outcome, Outcome::CompletedInline { object, .. } if object == w.o));
    assert_eq!(w.h.notes(), vec![(CLOSE_COMPLETE, Info::None)]);
}

#[test]
fn wh_r40_closing_the_socket_handle_cancels_pending_operations_before_handle_closing() {
    let mut w = socket(true);
    for h in [w.r, w.c, w.s] {
        w.h.step(Input::Close { handle: h });
    }
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    w.h.clear();
    w.h.step(Input::Close { handle: w.ws });
    assert_eq!(
        w.h.notes(),
        vec![
            ws_error(0, CANCELLED, WS_RECEIVE_OPERATION),
            (HANDLE_CLOSING, Info::Handle(w.ws)),
            (HANDLE_CLOSING, Info::Handle(w.c)),
            (HANDLE_CLOSING, Info::Handle(w.s)),
        ]
    );
    // A pending close is cancelled the same way.
    let mut w = socket(true);
    w.h.call(Api::WinHttpWebSocketClose, w.ws);
    w.h.clear();
    w.h.step(Input::Close { handle: w.ws });
    assert_eq!(
        w.h.notes(),
        vec![
            ws_error(0, CANCELLED, WS_CLOSE_OPERATION),
            (HANDLE_CLOSING, Info::Handle(w.ws)),
        ]
    );
}

#[test]
fn wh_r41_sync_websocket_returns_results_directly() {
    let mut w = socket(false);
    assert_eq!(
        w.h.call(Api::WinHttpWebSocketReceive, w.ws).ret,
        Ret::Blocked
    );
    w.h.clear();
    let op = head_op(&w.h.d.machine, w.o, Lane::Receive).id;
    w.h.complete_ok(w.o, Lane::Receive, 3);
    assert_eq!(
        w.h.outputs(),
        vec![Output::CallReturned {
            object: w.o,
            op,
            api: Api::WinHttpWebSocketReceive,
            result: Completion::WebSocket {
                buffer_type: WsBufferType::BinaryMessage,
                bytes: 3
            }
        }]
    );
    // The peer's close frame ends a blocked receive the same way.
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    let op = head_op(&w.h.d.machine, w.o, Lane::Receive).id;
    w.h.clear();
    frame(&mut w, WsBufferType::Close, 0);
    assert_eq!(
        w.h.outputs(),
        vec![Output::CallReturned {
            object: w.o,
            op,
            api: Api::WinHttpWebSocketReceive,
            result: Completion::WebSocket {
                buffer_type: WsBufferType::Close,
                bytes: 0
            }
        }]
    );
    expect(
        w.h.call(Api::WinHttpWebSocketQueryCloseStatus, w.ws),
        ZERO,
        Some(0),
    );
}

#[test]
fn wh_r41_peer_close_frame_arrives_as_read_complete_with_close_type() {
    let mut w = socket(true);
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    frame(&mut w, WsBufferType::Utf8Fragment, 9);
    w.h.call(Api::WinHttpWebSocketReceive, w.ws);
    frame(&mut w, WsBufferType::Close, 0);
    assert_eq!(
        w.h.notes(),
        vec![
            (READ_COMPLETE, status(9, WsBufferType::Utf8Fragment)),
            (READ_COMPLETE, status(0, WsBufferType::Close)),
        ]
    );
    // A frame naming an operation never issued is the embedder's error.
    assert!(w
        .h
        .d
        .step(Input::Complete {
            object: w.o,
            op: w.h.d.machine.next_op(),
            completion: Completion::WebSocket {
                buffer_type: WsBufferType::BinaryMessage,
                bytes: 1
            }
        })
        .is_err());
}
