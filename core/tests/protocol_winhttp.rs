//! WinHTTP request protocol (docs/behaviour.md WH-R20…R32): return value, last error
//! and the exact notification sequence of each rule, through the checked driver.

mod support;

use hinternet_core::winhttp::*;
use hinternet_core::{
    Api, CallArg, Completion, CreateApi, HandleValue, Info, Input, Lane, ObjectId, Outcome, Output,
    Phase, Policy, ProtocolEvent, Ret, ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER,
    ERROR_IO_PENDING, ERROR_SUCCESS, ERROR_WINHTTP_INCORRECT_HANDLE_STATE as STATE,
};
use support::*;

const OK: Ret = Ret::Bool(true);
const FAIL: Ret = Ret::Bool(false);

fn err(api: u32, error: u32) -> (u32, Info) {
    (REQUEST_ERROR, Info::AsyncResult { api, error })
}
fn none(status: u32) -> (u32, Info) {
    (status, Info::None)
}

/// A session (callback on, all notifications), a connection and a request.
fn request(async_mode: bool) -> (H, HandleValue, ObjectId) {
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, async_mode);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let o = h.obj(r);
    h.clear();
    (h, r, o)
}

fn phase(h: &H, o: ObjectId) -> Phase {
    h.d.machine.object(o).expect("object").protocol().phase
}

/// Async: send with the whole body and let it finish (the reply is read inside).
fn sent_full(h: &mut H, r: HandleValue, o: ObjectId) {
    assert!(pending(&h.call(Api::WinHttpSendRequest, r)));
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(phase(h, o), Phase::ReplyReady);
    h.clear();
}

/// Async: send, receive inline: a response is available.
fn responded(h: &mut H, r: HandleValue, o: ObjectId) {
    sent_full(h, r, o);
    assert!(inline(&h.call(Api::WinHttpReceiveResponse, r)));
    assert_eq!(phase(h, o), Phase::Response);
    h.clear();
}

#[test]
fn wh_r20_read_data_with_buffered_data_completes_inline() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    h.event(o, ProtocolEvent::DataBuffered(10));
    h.clear();
    let reply = h.call(Api::WinHttpReadData, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert!(inline(&reply));
    assert_eq!(h.notes(), vec![(READ_COMPLETE, Info::Bytes(10))]);
    // The data was consumed: the next read pends.
    let reply = h.call(Api::WinHttpReadData, r);
    expect(&reply, OK, Some(ERROR_IO_PENDING));
    assert!(pending(&reply));
}

#[test]
fn wh_r20_query_data_available_at_end_of_data_completes_inline() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    h.event(o, ProtocolEvent::EndOfData);
    h.clear();
    let reply = h.call(Api::WinHttpQueryDataAvailable, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert!(inline(&reply));
    assert_eq!(h.notes(), vec![(DATA_AVAILABLE, Info::Bytes(0))]);
}

#[test]
fn wh_r20_read_data_that_must_wait_is_queued_with_io_pending() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    let reply = h.call(Api::WinHttpReadData, r);
    expect(&reply, OK, Some(ERROR_IO_PENDING));
    assert!(pending(&reply));
    assert_eq!(
        h.outputs(),
        vec![Output::StartIo {
            object: o,
            lane: Lane::Main,
            op: reply.op().expect("pending op"),
            api: Api::WinHttpReadData,
            blocking: false,
            arg: CallArg::None,
        }]
    );
    h.complete_ok(o, Lane::Main, 5);
    assert_eq!(h.notes(), vec![(READ_COMPLETE, Info::Bytes(5))]);
}

#[test]
fn wh_r20_inline_completion_nests_at_most_three_callbacks_deep() {
    // Build without callbacks (no holds), then install one on the request only, with
    // callbacks left running: a call from inside a callback is nested in it.
    let mut hh = H::leave_running(Policy::winhttp());
    let s = handle_of(&hh.step(Input::Open {
        api: CreateApi::WinHttpOpen,
        async_mode: true,
    }));
    let c = handle_of(&hh.step(Input::Create {
        api: CreateApi::WinHttpConnect,
        source: s,
        context: None,
    }));
    let r = handle_of(&hh.step(Input::Create {
        api: CreateApi::WinHttpOpenRequest,
        source: c,
        context: None,
    }));
    let o = hh.obj(r);
    hh.call(Api::WinHttpSendRequest, r);
    hh.complete_ok(o, Lane::Main, 200);
    hh.call(Api::WinHttpReceiveResponse, r);
    hh.event(o, ProtocolEvent::EndOfData);
    hh.step(Input::SetStatusCallback {
        handle: r,
        callback: Some(CB),
        mask: u32::MAX,
    });
    hh.clear();
    let read = Input::Call {
        api: Api::WinHttpReadData,
        handle: r,
        arg: CallArg::None,
    };
    // Every READ_COMPLETE callback reads again.
    let reply = hh.step_with(read, &mut |n| {
        if n.status == READ_COMPLETE {
            vec![read]
        } else {
            Vec::new()
        }
    });
    assert!(inline(&reply));
    let out = hh.outputs();
    let completes = out
        .iter()
        .filter(|o| matches!(o, Output::Notify(n) if n.status == READ_COMPLETE))
        .count();
    // Depth 0, 1, 2 complete inline; the call made three callbacks deep is queued.
    assert_eq!(completes, 3, "{}", hh.d.trace);
    assert!(matches!(
        out.last(),
        Some(&Output::StartIo {
            object,
            lane: Lane::Main,
            api: Api::WinHttpReadData,
            ..
        }) if object == o
    ));
    let obj = hh.d.machine.object(o).expect("request");
    assert_eq!(obj.running_callbacks(), 3);
    assert_eq!(obj.queue(Lane::Main).len(), 1);
    assert!(hh
        .d
        .trace
        .lines()
        .iter()
        .any(|l| l.contains("err=997 pending")));
    // Unwind: the callbacks return, the queued read completes.
    for _ in 0..3 {
        hh.step(Input::CallbackReturned { object: o });
    }
    hh.complete_ok(o, Lane::Main, 0);
    assert_eq!(hh.notes(), vec![(READ_COMPLETE, Info::Bytes(0))]);
}

#[test]
fn wh_r21_send_request_is_legal_in_every_state_and_resends() {
    let (mut h, r, o) = request(true);
    // Before any send, after a response, and while a send runs: always accepted.
    responded(&mut h, r, o);
    h.event(o, ProtocolEvent::DataBuffered(100));
    let reply = h.call(Api::WinHttpSendRequest, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert!(pending(&reply));
    let p = h.d.machine.object(o).expect("request").protocol();
    assert_eq!(
        (p.phase, p.avail),
        (Phase::SendingFull, 0),
        "re-send drains"
    );
    let again = h.call(Api::WinHttpSendRequest, r);
    assert!(pending(&again));
    h.complete_ok(o, Lane::Main, 200);
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        h.notes(),
        vec![
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(SENDREQUEST_COMPLETE),
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(SENDREQUEST_COMPLETE),
        ]
    );
    assert_eq!(phase(&h, o), Phase::ReplyReady);
}

#[test]
fn wh_r21_send_with_body_to_write_leaves_request_sent_then_write_and_receive() {
    let (mut h, r, o) = request(true);
    let reply = h.call_with(Api::WinHttpSendRequest, r, CallArg::BodyToWrite);
    assert!(pending(&reply));
    h.complete_ok(o, Lane::Main, 0);
    assert_eq!(phase(&h, o), Phase::Sent);
    let w = h.call(Api::WinHttpWriteData, r);
    expect(&w, OK, Some(ERROR_SUCCESS));
    h.complete_ok(o, Lane::Main, 4);
    // The reply was not read during the send: the receive is queued, not inline.
    let rr = h.call(Api::WinHttpReceiveResponse, r);
    expect(&rr, OK, Some(ERROR_SUCCESS));
    assert!(pending(&rr));
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        h.notes(),
        vec![
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(SENDREQUEST_COMPLETE),
            (WRITE_COMPLETE, Info::Bytes(4)),
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(HEADERS_AVAILABLE),
        ]
    );
    assert_eq!(phase(&h, o), Phase::Response);
}

#[test]
fn wh_r22_async_send_failure_gives_request_error_then_receive_fails_12019() {
    let (mut h, r, o) = request(true);
    let reply = h.call(Api::WinHttpSendRequest, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    h.complete(o, Lane::Main, Completion::Error(12007));
    assert_eq!(h.notes(), vec![err(API_SEND_REQUEST, 12007)]);
    assert_eq!(phase(&h, o), Phase::Idle);
    let rr = h.call(Api::WinHttpReceiveResponse, r);
    expect(&rr, OK, Some(ERROR_SUCCESS));
    assert!(inline(&rr));
    assert_eq!(h.notes(), vec![err(API_RECEIVE_RESPONSE, STATE)]);
}

#[test]
fn wh_r22_sync_send_failure_returns_the_error() {
    let (mut h, r, o) = request(false);
    let reply = h.call(Api::WinHttpSendRequest, r);
    assert_eq!(reply.ret, Ret::Blocked);
    h.clear();
    h.complete(o, Lane::Main, Completion::Error(12029));
    assert_eq!(
        h.outputs(),
        vec![Output::CallReturned {
            object: o,
            op: reply.op().expect("in-flight op"),
            api: Api::WinHttpSendRequest,
            result: Completion::Error(12029)
        }]
    );
    let rr = h.call(Api::WinHttpReceiveResponse, r);
    expect(&rr, FAIL, Some(STATE));
    assert!(rejected(&rr, STATE));
    assert_eq!(h.notes(), vec![]);
}

#[test]
fn wh_r22_receive_queued_behind_a_failing_send_fails_12019() {
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    let rr = h.call(Api::WinHttpReceiveResponse, r);
    assert!(pending(&rr), "queued behind the running send");
    h.clear();
    h.complete(o, Lane::Main, Completion::Error(12029));
    assert_eq!(
        h.notes(),
        vec![
            err(API_SEND_REQUEST, 12029),
            err(API_RECEIVE_RESPONSE, STATE)
        ]
    );
    assert_eq!(h.d.machine.object(o).expect("req").pending_ops(), 0);
}

#[test]
fn wh_r23_receive_response_before_send_async_gives_inline_request_error() {
    let (mut h, r, _o) = request(true);
    let reply = h.call(Api::WinHttpReceiveResponse, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert!(inline(&reply));
    // Delivered in the same step, before the next input.
    assert_eq!(h.notes(), vec![err(API_RECEIVE_RESPONSE, STATE)]);
}

#[test]
fn wh_r23_receive_response_before_send_sync_fails_12019() {
    let (mut h, r, _o) = request(false);
    let reply = h.call(Api::WinHttpReceiveResponse, r);
    expect(&reply, FAIL, Some(STATE));
    assert!(rejected(&reply, STATE));
    assert_eq!(h.notes(), vec![]);
}

#[test]
fn wh_r23_second_receive_response_async_gives_inline_request_error() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    let reply = h.call(Api::WinHttpReceiveResponse, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert!(inline(&reply));
    assert_eq!(h.notes(), vec![err(API_RECEIVE_RESPONSE, STATE)]);
    assert_eq!(phase(&h, o), Phase::Response, "the error changes nothing");
}

#[test]
fn wh_r23_receive_response_while_the_send_runs_is_queued_async_only() {
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    let rr = h.call(Api::WinHttpReceiveResponse, r);
    expect(&rr, OK, Some(ERROR_SUCCESS));
    assert!(pending(&rr));
    h.complete_ok(o, Lane::Main, 200);
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            SENDING_REQUEST,
            REQUEST_SENT,
            SENDREQUEST_COMPLETE,
            RECEIVING_RESPONSE,
            RESPONSE_RECEIVED,
            HEADERS_AVAILABLE
        ]
    );
    // Sync mode: a receive while the send still runs (from another thread) is 12019.
    let (mut h, r, _o) = request(false);
    h.call(Api::WinHttpSendRequest, r);
    let rr = h.call(Api::WinHttpReceiveResponse, r);
    expect(&rr, FAIL, Some(STATE));
}

#[test]
fn wh_r24_receive_after_reply_read_during_send_completes_inline() {
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![SENDING_REQUEST, REQUEST_SENT, SENDREQUEST_COMPLETE]
    );
    let reply = h.call(Api::WinHttpReceiveResponse, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert!(inline(&reply));
    assert_eq!(
        h.notes(),
        vec![
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(HEADERS_AVAILABLE)
        ]
    );
    // Sync: the same progress before the call returns, no completion.
    let (mut h, r, o) = request(false);
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 200);
    h.clear();
    let reply = h.call(Api::WinHttpReceiveResponse, r);
    expect(&reply, OK, Some(ERROR_SUCCESS));
    assert_eq!(reply.outcome, Outcome::Done { object: o });
    assert_eq!(
        h.notes(),
        vec![none(RECEIVING_RESPONSE), none(RESPONSE_RECEIVED)]
    );
}

#[test]
fn wh_r25_response_headers_need_a_response_request_headers_never() {
    let (mut h, r, o) = request(true);
    expect(h.call(Api::WinHttpQueryHeaders, r), FAIL, Some(STATE));
    let q = h.call_with(Api::WinHttpQueryHeaders, r, CallArg::RequestHeaders);
    expect(&q, OK, Some(ERROR_SUCCESS));
    sent_full(&mut h, r, o);
    // After the send but before the receive: still 12019.
    let q = h.call(Api::WinHttpQueryHeaders, r);
    expect(&q, FAIL, Some(STATE));
    assert!(rejected(&q, STATE));
    h.call(Api::WinHttpReceiveResponse, r);
    expect(h.call(Api::WinHttpQueryHeaders, r), OK, Some(ERROR_SUCCESS));
    h.clear();
    h.call(Api::WinHttpQueryHeaders, r);
    assert_eq!(h.notes(), vec![]);
}

#[test]
fn wh_r26_query_data_available_before_send_fails_12019() {
    for async_mode in [false, true] {
        let (mut h, r, _o) = request(async_mode);
        let q = h.call(Api::WinHttpQueryDataAvailable, r);
        expect(&q, FAIL, Some(STATE));
        assert!(rejected(&q, STATE));
        assert_eq!(h.notes(), vec![]);
    }
}

#[test]
fn wh_r26_read_errors_are_request_errors_async_and_returns_sync() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    h.call(Api::WinHttpQueryDataAvailable, r);
    h.complete(o, Lane::Main, Completion::Error(12030));
    h.call(Api::WinHttpReadData, r);
    h.complete(o, Lane::Main, Completion::Error(12030));
    assert_eq!(
        h.notes(),
        vec![
            err(API_QUERY_DATA_AVAILABLE, 12030),
            err(API_READ_DATA, 12030)
        ]
    );
    // ReadData before a response: no state check in Wine, unknown on Windows: legal.
    let (mut h, r, _o) = request(false);
    assert_eq!(h.call(Api::WinHttpReadData, r).ret, Ret::Blocked);
    // QueryDataAvailable after the send: no check either.
    let (mut h, r, o) = request(true);
    sent_full(&mut h, r, o);
    expect(
        h.call(Api::WinHttpQueryDataAvailable, r),
        OK,
        Some(ERROR_IO_PENDING),
    );
}

#[test]
fn wh_r27_write_data_completes_with_bytes_and_after_a_full_send_gives_87() {
    let (mut h, r, o) = request(true);
    expect(h.call(Api::WinHttpWriteData, r), FAIL, Some(STATE));
    sent_full(&mut h, r, o);
    let w = h.call(Api::WinHttpWriteData, r);
    expect(&w, FAIL, Some(ERROR_INVALID_PARAMETER));
    assert!(rejected(&w, ERROR_INVALID_PARAMETER));
    let (mut h, r, o) = request(true);
    h.call_with(Api::WinHttpSendRequest, r, CallArg::BodyToWrite);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    expect(h.call(Api::WinHttpWriteData, r), OK, Some(ERROR_SUCCESS));
    h.complete(o, Lane::Main, Completion::Error(12030));
    assert_eq!(h.notes(), vec![err(API_WRITE_DATA, 12030)]);
}

/// A receive that has to wait (queued behind the send), with `redirects` redirects.
fn redirected(redirects: usize) -> Vec<(u32, Info)> {
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    for _ in 0..redirects {
        h.event(o, ProtocolEvent::Redirect);
    }
    h.complete_ok(o, Lane::Main, 200);
    h.notes()
}

#[test]
fn wh_r28_redirects_are_a_loop_of_progress_notifications() {
    assert_eq!(
        redirected(2),
        vec![
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(REDIRECT),
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(REDIRECT),
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(HEADERS_AVAILABLE),
        ]
    );
    // Too many redirects: the executor fails the receive with 12156.
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    h.event(o, ProtocolEvent::Redirect);
    // The re-send's request is written (its response is one redirect too many).
    h.event(o, ProtocolEvent::Progress { bytes: 0 });
    h.complete(o, Lane::Main, Completion::Error(12156));
    assert_eq!(
        h.notes(),
        vec![
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(REDIRECT),
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            err(API_RECEIVE_RESPONSE, 12156),
        ]
    );
    // A redirect with nothing to redirect is the embedder's error.
    assert!(h
        .d
        .step(Input::Protocol {
            object: o,
            event: ProtocolEvent::Redirect
        })
        .is_err());
}

#[test]
fn wh_r29_query_auth_schemes_needs_a_challenge() {
    let (mut h, r, o) = request(true);
    expect(
        h.call(Api::WinHttpQueryAuthSchemes, r),
        FAIL,
        Some(ERROR_INVALID_OPERATION),
    );
    responded(&mut h, r, o);
    let q = h.call(Api::WinHttpQueryAuthSchemes, r);
    expect(&q, FAIL, Some(ERROR_INVALID_OPERATION));
    // A 401 reply carries a challenge.
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 401);
    h.call(Api::WinHttpReceiveResponse, r);
    h.clear();
    expect(
        h.call(Api::WinHttpQueryAuthSchemes, r),
        OK,
        Some(ERROR_SUCCESS),
    );
    assert_eq!(h.notes(), vec![]);
}

#[test]
fn wh_r29_connection_info_before_a_connection_gives_12019() {
    let (mut h, r, o) = request(false);
    let info = CallArg::Option(hinternet_core::winhttp::OPTION_CONNECTION_INFO);
    let q = h.call_with(Api::WinHttpQueryOption, r, info);
    expect(&q, FAIL, Some(STATE));
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 200);
    expect(
        h.call_with(Api::WinHttpQueryOption, r, info),
        OK,
        Some(ERROR_SUCCESS),
    );
}

#[test]
fn wh_r30_send_path_progress_then_completion() {
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    assert_eq!(h.notes(), vec![], "nothing before the I/O");
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        h.notes(),
        vec![
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(SENDREQUEST_COMPLETE)
        ]
    );
    // Sync: the progress only, then the call returns.
    let (mut h, r, o) = request(false);
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 200);
    let out = h.outputs();
    assert_eq!(
        statuses(
            &out.iter()
                .filter_map(|o| match o {
                    Output::Notify(n) => Some((n.status, n.info)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        ),
        vec![SENDING_REQUEST, REQUEST_SENT]
    );
    assert!(matches!(
        out.last(),
        Some(Output::CallReturned {
            result: Completion::Http { .. },
            ..
        })
    ));
}

#[test]
fn wh_r31_receive_path_in_order() {
    assert_eq!(
        redirected(0),
        vec![
            none(RECEIVING_RESPONSE),
            none(RESPONSE_RECEIVED),
            none(HEADERS_AVAILABLE)
        ]
    );
    assert_eq!(statuses(&redirected(1))[2], REDIRECT);
}

#[test]
fn wh_r32_read_path_completion() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    h.call(Api::WinHttpReadData, r);
    h.complete_ok(o, Lane::Main, 16);
    h.call(Api::WinHttpReadData, r);
    h.complete_ok(o, Lane::Main, 0);
    assert_eq!(
        h.notes(),
        vec![
            (READ_COMPLETE, Info::Bytes(16)),
            (READ_COMPLETE, Info::Bytes(0))
        ]
    );
}

#[test]
fn wh_r25_query_levels_above_max_give_87_request_method_is_always_allowed() {
    use hinternet_core::winhttp::{QUERY_FLAG_REQUEST_HEADERS, QUERY_MAX, QUERY_REQUEST_METHOD};
    let (mut h, r, o) = request(false);
    let level = |l| CallArg::QueryLevel(l);
    let q = h.call_with(Api::WinHttpQueryHeaders, r, level(QUERY_MAX + 1));
    expect(&q, FAIL, Some(ERROR_INVALID_PARAMETER));
    assert!(rejected(&q, ERROR_INVALID_PARAMETER));
    // Before any send: the request method and request headers, never response headers.
    expect(
        h.call_with(Api::WinHttpQueryHeaders, r, level(QUERY_REQUEST_METHOD)),
        OK,
        Some(ERROR_SUCCESS),
    );
    expect(
        h.call_with(
            Api::WinHttpQueryHeaders,
            r,
            level(QUERY_FLAG_REQUEST_HEADERS | 1),
        ),
        OK,
        Some(ERROR_SUCCESS),
    );
    expect(
        h.call_with(Api::WinHttpQueryHeaders, r, level(1)),
        FAIL,
        Some(STATE),
    );
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 200);
    h.call(Api::WinHttpReceiveResponse, r);
    expect(
        h.call_with(Api::WinHttpQueryHeaders, r, level(1)),
        OK,
        Some(ERROR_SUCCESS),
    );
    expect(
        h.call_with(Api::WinHttpQueryHeaders, r, level(QUERY_MAX + 1)),
        FAIL,
        Some(ERROR_INVALID_PARAMETER),
    );
    // WINHTTP_QUERY_CUSTOM is above QUERY_MAX but valid: a header named by the caller.
    expect(
        h.call_with(
            Api::WinHttpQueryHeaders,
            r,
            level(hinternet_core::winhttp::QUERY_CUSTOM),
        ),
        OK,
        Some(ERROR_SUCCESS),
    );
}

#[test]
fn wh_r30_resolve_and_connect_come_before_the_send_progress() {
    let (mut h, r, o) = request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.event(o, ProtocolEvent::Connecting { resolve: true });
    // At most once per send.
    assert!(h
        .d
        .step(Input::Protocol {
            object: o,
            event: ProtocolEvent::Connecting { resolve: false }
        })
        .is_err());
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            RESOLVING_NAME,
            NAME_RESOLVED,
            CONNECTING_TO_SERVER,
            CONNECTED_TO_SERVER,
            SENDING_REQUEST,
            REQUEST_SENT,
            SENDREQUEST_COMPLETE
        ]
    );
    // Re-send: the name is cached, a new connection is made.
    h.call(Api::WinHttpSendRequest, r);
    h.event(o, ProtocolEvent::Connecting { resolve: false });
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            CONNECTING_TO_SERVER,
            CONNECTED_TO_SERVER,
            SENDING_REQUEST,
            REQUEST_SENT,
            SENDREQUEST_COMPLETE
        ]
    );
    // Connect progress only belongs to a send.
    h.call(Api::WinHttpReceiveResponse, r);
    assert!(h
        .d
        .step(Input::Protocol {
            object: o,
            event: ProtocolEvent::Connecting { resolve: false }
        })
        .is_err());
}

#[test]
fn wh_r32_read_path_closes_the_connection_before_read_complete() {
    let (mut h, r, o) = request(true);
    responded(&mut h, r, o);
    h.call(Api::WinHttpReadData, r);
    h.event(o, ProtocolEvent::ConnectionClosed);
    h.complete_ok(o, Lane::Main, 0);
    assert_eq!(
        h.notes(),
        vec![
            none(CLOSING_CONNECTION),
            none(CONNECTION_CLOSED),
            (READ_COMPLETE, Info::Bytes(0))
        ]
    );
}
