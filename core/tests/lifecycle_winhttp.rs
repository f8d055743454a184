//! WinHTTP lifecycle rules (WH-R1…R19, WH-R33…R36 of `docs/behaviour.md`), one test per
//! rule, named by its id. Every step goes through `Driver`, which also checks the laws and
//! the machine's invariants after each input.

mod support;

use hinternet_core::{
    winhttp as st, Api, CallbackRet, Completion, CreateApi, HandleValue, Info, Input, Lane, OpId,
    Outcome, Policy, Ret, ERROR_INVALID_HANDLE, ERROR_IO_PENDING, ERROR_SUCCESS,
    ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, ERROR_WINHTTP_OPERATION_CANCELLED,
};
use support::*;

#[test]
fn wh_r1_values_are_small_and_lowest_free_is_reissued_next() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], _) = winhttp_tree(&mut d, false);
    assert_eq!([s, c, r], [1, 2, 3].map(HandleValue));
    close(&mut d, r);
    close(&mut d, s);
    // The very next creation takes the lowest free value: 1 (the session's).
    let (s2, _) = open(&mut d, CreateApi::WinHttpOpen, false);
    assert_eq!(s2, HandleValue(1));
    let (r2, _) = create(&mut d, CreateApi::WinHttpOpenRequest, c, None);
    assert_eq!(r2, HandleValue(3));
}

#[test]
fn wh_r2_value_released_at_close_while_object_lives_and_late_notifications_carry_old_value() {
    let mut d = driver(Policy::winhttp());
    let ([s, _, r], [_, _, ro]) = winhttp_tree(&mut d, true);
    set_callback(&mut d, r, u32::MAX);
    let sent = call(&mut d, Api::WinHttpSendRequest, r);
    assert_eq!(
        sent.outcome,
        Outcome::Pending {
            object: ro,
            lane: Lane::Main,
            op: OpId(0),
        }
    );
    close(&mut d, r);
    // The object lives (pending send) but its value is free: reissued at once.
    assert!(d.machine.object(ro).is_some());
    let (again, new_obj) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    assert_eq!(again, r);
    assert_ne!(new_obj, ro);
    d.take_outputs();
    complete_ok(&mut d, ro, Lane::Main, 0);
    let late: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.handle, n.object))
        .collect();
    assert_eq!(
        late,
        [
            (st::SENDING_REQUEST, r, ro),
            (st::REQUEST_SENT, r, ro),
            (st::SENDREQUEST_COMPLETE, r, ro),
            (st::HANDLE_CLOSING, r, ro),
        ]
    );
}

#[test]
fn wh_r3_children_pending_tasks_and_websockets_hold_their_objects() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], [so, co, ro]) = winhttp_tree(&mut d, true);
    let (ws, wso) = create(
        &mut d,
        CreateApi::WinHttpWebSocketCompleteUpgrade,
        r,
        Some(9),
    );
    // The websocket holds the connection, not the request.
    assert_eq!(d.machine.object(wso).map(|o| o.parent()), Some(Some(co)));
    assert_eq!(d.machine.object(co).map(|o| o.children()), Some(2));
    call(&mut d, Api::WinHttpSendRequest, r);
    close(&mut d, r);
    close(&mut d, c);
    close(&mut d, s);
    // The request is held by its pending send; nothing closed yet.
    assert_eq!(closing_of(&d, ro), 0);
    complete_ok(&mut d, ro, Lane::Main, 0);
    assert_eq!(closing_of(&d, ro), 1);
    // The connect and session are still held by the websocket.
    assert_eq!(closing_of(&d, co), 0);
    assert_eq!(closing_of(&d, so), 0);
    close(&mut d, ws);
    assert_eq!(
        [closing_of(&d, wso), closing_of(&d, co), closing_of(&d, so)],
        [1, 1, 1]
    );
    assert!(d.machine.is_empty());
}

#[test]
fn wh_r4_close_returns_true_and_error_success_even_with_io_pending() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, r], _) = winhttp_tree(&mut d, true);
    call(&mut d, Api::WinHttpReceiveResponse, r);
    let reply = close(&mut d, r);
    assert_eq!(reply.ret, Ret::Bool(true));
    assert_eq!(reply.last_error, Some(ERROR_SUCCESS));
    assert_ne!(reply.last_error, Some(ERROR_IO_PENDING));
}

#[test]
fn wh_r5_handle_closing_is_last_carries_value_context_and_cascades_to_parent_in_same_step() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], [so, co, ro]) = winhttp_tree(&mut d, true);
    for h in [s, c, r] {
        set_callback(&mut d, h, u32::MAX);
        d.step(Input::SetContext {
            handle: h,
            context: 0x100 + u64::from(h.0),
        })
        .expect("ctx");
    }
    close(&mut d, s);
    close(&mut d, c);
    assert_eq!(
        closing_of(&d, so) + closing_of(&d, co),
        0,
        "held by the request"
    );
    d.take_outputs();
    close(&mut d, r);
    let got: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.object, n.handle, n.context, n.info))
        .collect();
    assert_eq!(
        got,
        [
            (st::HANDLE_CLOSING, ro, r, 0x103, Info::Handle(r)),
            (st::HANDLE_CLOSING, co, c, 0x102, Info::Handle(c)),
            (st::HANDLE_CLOSING, so, s, 0x101, Info::Handle(s)),
        ]
    );
}

#[test]
fn wh_r6_closing_parents_leaves_children_usable_in_the_observed_preset() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], _) = winhttp_tree(&mut d, false);
    close(&mut d, c);
    close(&mut d, s);
    let q = d.step(Input::QueryContext { handle: r }).expect("query");
    assert_eq!(q.ret, Ret::Bool(true));
    assert_eq!(close(&mut d, r).ret, Ret::Bool(true));
    assert!(d.machine.is_empty());
}

#[test]
fn wh_r6_documented_knob_invalidates_children() {
    let mut d = driver(Policy::winhttp_documented());
    let ([s, c, r], [so, co, ro]) = winhttp_tree(&mut d, false);
    close(&mut d, s);
    for h in [c, r] {
        let q = d.step(Input::QueryContext { handle: h }).expect("query");
        assert!(is_rejected_with(&q, ERROR_INVALID_HANDLE));
        assert!(is_rejected_with(&close(&mut d, h), ERROR_INVALID_HANDLE));
    }
    let order = closing_order(&d);
    assert_eq!(order, [ro, co, so]);
}

#[test]
fn wh_r7_double_close_fails_unless_the_value_was_reissued() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], [_, _, ro]) = winhttp_tree(&mut d, false);
    close(&mut d, r);
    assert!(is_rejected_with(&close(&mut d, r), ERROR_INVALID_HANDLE));
    // Any call on the closed value fails with 6 (test_no_content).
    assert!(is_rejected_with(
        &call(&mut d, Api::WinHttpQueryDataAvailable, r),
        ERROR_INVALID_HANDLE
    ));
    // Reissued: the second close closes the new, unrelated handle.
    let (again, other) = create(&mut d, CreateApi::WinHttpOpenRequest, c, None);
    assert_eq!(again, r);
    let reply = close(&mut d, r);
    assert_eq!(
        reply.outcome,
        Outcome::Closed {
            object: other,
            invalidated: vec![other].into()
        }
    );
    assert_ne!(other, ro);
    close(&mut d, c);
    close(&mut d, s);
}

#[test]
fn wh_r8_null_and_garbage_handles_give_invalid_handle() {
    let mut d = driver(Policy::winhttp());
    let ([s, _, _], _) = winhttp_tree(&mut d, false);
    for h in [HandleValue(0), HandleValue(99), HandleValue(u32::MAX)] {
        assert!(is_rejected_with(&close(&mut d, h), ERROR_INVALID_HANDLE));
        assert!(is_rejected_with(
            &call(&mut d, Api::WinHttpQueryAuthSchemes, h),
            ERROR_INVALID_HANDLE
        ));
        let cb = d
            .step(Input::SetStatusCallback {
                handle: h,
                callback: Some(CB),
                mask: 0,
            })
            .expect("cb");
        assert_eq!(cb.ret, Ret::Callback(CallbackRet::Invalid));
        assert_eq!(cb.last_error, Some(ERROR_INVALID_HANDLE));
        // Websocket functions return the error as their DWORD result.
        let ws = call(&mut d, Api::WinHttpWebSocketSend, h);
        assert_eq!(ws.ret, Ret::Dword(ERROR_INVALID_HANDLE));
        let created = d
            .step(Input::Create {
                api: CreateApi::WinHttpConnect,
                source: h,
                context: None,
            })
            .expect("create");
        assert_eq!(created.ret, Ret::Handle(HandleValue::NULL));
        assert_eq!(created.last_error, Some(ERROR_INVALID_HANDLE));
    }
    close(&mut d, s);
}

#[test]
fn wh_r9_wrong_kind_gives_incorrect_handle_type() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], _) = winhttp_tree(&mut d, false);
    let (ws, _) = create(
        &mut d,
        CreateApi::WinHttpWebSocketCompleteUpgrade,
        r,
        Some(1),
    );
    let cases = [
        (Api::WinHttpSetTimeouts, c),   // [T test_timeouts]
        (Api::WinHttpQueryHeaders, ws), // [T test_websocket]
        (Api::WinHttpSendRequest, s),
        (Api::WinHttpReadData, c),
        (Api::WinHttpWebSocketSend, r),
        (Api::WinHttpGetProxyForUrl, r),
    ];
    for (api, h) in cases {
        let reply = call(&mut d, api, h);
        assert!(
            is_rejected_with(&reply, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
            "{api}: {reply:?}"
        );
    }
    for (api, h) in [
        (CreateApi::WinHttpConnect, c),
        (CreateApi::WinHttpOpenRequest, s),
    ] {
        let reply = d
            .step(Input::Create {
                api,
                source: h,
                context: None,
            })
            .expect("create");
        assert!(
            is_rejected_with(&reply, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
            "{api}"
        );
    }
    // Options, callbacks and close take any kind.
    for h in [s, c, r, ws] {
        assert_eq!(
            call(&mut d, Api::WinHttpQueryOption, h).ret,
            Ret::Bool(true)
        );
    }
}

#[test]
fn wh_r11_successful_creation_sets_last_error_zero() {
    let mut d = driver(Policy::winhttp());
    let r = d
        .step(Input::Open {
            api: CreateApi::WinHttpOpen,
            async_mode: false,
        })
        .expect("open");
    assert_eq!(r.last_error, Some(ERROR_SUCCESS));
    let s = handle_of(&r);
    let c = d
        .step(Input::Create {
            api: CreateApi::WinHttpConnect,
            source: s,
            context: None,
        })
        .expect("c");
    assert_eq!(c.last_error, Some(ERROR_SUCCESS));
}

#[test]
fn wh_r12_wh_r13_children_snapshot_callback_mask_context_and_async_flag() {
    let mut d = driver(Policy::winhttp());
    let (s, so) = open(&mut d, CreateApi::WinHttpOpen, true);
    set_callback(&mut d, s, st::HANDLE_CREATED);
    d.step(Input::SetContext {
        handle: s,
        context: 0x55,
    })
    .expect("ctx");
    let (c, co) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    // Later changes on the session do not reach the existing connect.
    d.step(Input::SetContext {
        handle: s,
        context: 0x66,
    })
    .expect("ctx");
    d.step(Input::SetStatusCallback {
        handle: s,
        callback: None,
        mask: 0,
    })
    .expect("cb");
    let (_, ro) = create(&mut d, CreateApi::WinHttpOpenRequest, c, None);
    for o in [co, ro] {
        let obj = d.machine.object(o).expect("live");
        assert_eq!(
            (obj.callback(), obj.mask(), obj.context(), obj.is_async()),
            (Some(CB), st::HANDLE_CREATED, 0x55, true)
        );
    }
    assert_eq!(d.machine.object(so).map(|o| o.context()), Some(0x66));
}

#[test]
fn wh_r14_websocket_takes_callback_from_request_context_from_argument_created_through_request() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, r], [_, _, ro]) = winhttp_tree(&mut d, true);
    set_callback(&mut d, r, u32::MAX);
    d.step(Input::SetContext {
        handle: r,
        context: 0x10,
    })
    .expect("ctx");
    d.take_outputs();
    let (ws, wso) = create(
        &mut d,
        CreateApi::WinHttpWebSocketCompleteUpgrade,
        r,
        Some(0x20),
    );
    let got: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.object, n.handle, n.context, n.info))
        .collect();
    assert_eq!(got, [(st::HANDLE_CREATED, ro, r, 0x10, Info::Handle(ws))]);
    let obj = d.machine.object(wso).expect("live");
    assert_eq!(
        (obj.callback(), obj.context(), obj.is_async()),
        (Some(CB), 0x20, true)
    );
}

#[test]
fn wh_r15_handle_created_routing_connect_through_session_request_through_itself() {
    let mut d = driver(Policy::winhttp());
    let (s, so) = open(&mut d, CreateApi::WinHttpOpen, false);
    set_callback(&mut d, s, u32::MAX);
    d.step(Input::SetContext {
        handle: s,
        context: 0xab,
    })
    .expect("ctx");
    let (c, _) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    let (r, ro) = create(&mut d, CreateApi::WinHttpOpenRequest, c, None);
    let got: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.object, n.handle, n.context, n.info))
        .collect();
    assert_eq!(
        got,
        [
            (st::HANDLE_CREATED, so, s, 0xab, Info::Handle(c)),
            (st::HANDLE_CREATED, ro, r, 0xab, Info::Handle(r)),
        ]
    );
}

#[test]
fn wh_r16_context_option_set_and_query() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, r], [_, _, ro]) = winhttp_tree(&mut d, false);
    d.step(Input::SetContext {
        handle: r,
        context: 0xdead_bef0,
    })
    .expect("set");
    let q = d.step(Input::QueryContext { handle: r }).expect("query");
    assert_eq!(
        q.outcome,
        Outcome::Context {
            object: ro,
            context: 0xdead_bef0
        }
    );
    assert_eq!(q.last_error, Some(ERROR_SUCCESS));
}

#[test]
fn wh_r17_set_status_callback_returns_previous_and_children_keep_their_copy() {
    let mut d = driver(Policy::winhttp());
    let (s, _) = open(&mut d, CreateApi::WinHttpOpen, false);
    let first = set_callback(&mut d, s, u32::MAX);
    assert_eq!(first.ret, Ret::Callback(CallbackRet::Previous(None)));
    assert_eq!(first.last_error, Some(ERROR_SUCCESS));
    let (_, co) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    let second = d
        .step(Input::SetStatusCallback {
            handle: s,
            callback: Some(hinternet_core::CallbackId(8)),
            mask: 1,
        })
        .expect("cb");
    assert_eq!(second.ret, Ret::Callback(CallbackRet::Previous(Some(CB))));
    assert_eq!(d.machine.object(co).and_then(|o| o.callback()), Some(CB));
    let (_, co2) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    assert_eq!(
        d.machine.object(co2).and_then(|o| o.callback()),
        Some(hinternet_core::CallbackId(8))
    );
}

#[test]
fn wh_r18_delivery_needs_callback_and_mask_but_not_context() {
    let mut d = driver(Policy::winhttp());
    let (s, _) = open(&mut d, CreateApi::WinHttpOpen, false);
    // No callback: the notification exists in the logical stream but is not delivered.
    let (c1, _) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    set_callback(&mut d, s, st::HANDLE_CLOSING); // HANDLE_CREATED masked out
    let (c2, _) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    set_callback(&mut d, s, st::HANDLE_CREATED); // context stays 0
    let (c3, _) = create(&mut d, CreateApi::WinHttpConnect, s, None);
    let created: Vec<_> = d
        .notifications()
        .filter(|n| n.status == st::HANDLE_CREATED)
        .map(|n| (n.info, n.callback.is_some(), n.context))
        .collect();
    assert_eq!(
        created,
        [
            (Info::Handle(c1), false, 0),
            (Info::Handle(c2), false, 0),
            (Info::Handle(c3), true, 0)
        ]
    );
}

#[test]
fn wh_r19_one_fifo_queue_per_request_two_per_websocket() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, r], [_, _, ro]) = winhttp_tree(&mut d, true);
    let (ws, wso) = create(
        &mut d,
        CreateApi::WinHttpWebSocketCompleteUpgrade,
        r,
        Some(1),
    );
    d.take_outputs();
    call(&mut d, Api::WinHttpSendRequest, r);
    call(&mut d, Api::WinHttpReceiveResponse, r);
    call(&mut d, Api::WinHttpWebSocketSend, ws);
    call(&mut d, Api::WinHttpWebSocketReceive, ws);
    let started: Vec<_> = d
        .take_outputs()
        .into_iter()
        .filter_map(|o| match o {
            hinternet_core::Output::StartIo {
                object, lane, api, ..
            } => Some((object, lane, api)),
            _ => None,
        })
        .collect();
    // The receive waits behind the send; the websocket's two lanes run side by side.
    assert_eq!(
        started,
        [
            (ro, Lane::Main, Api::WinHttpSendRequest),
            (wso, Lane::Main, Api::WinHttpWebSocketSend),
            (wso, Lane::Receive, Api::WinHttpWebSocketReceive),
        ]
    );
    complete_ok(&mut d, ro, Lane::Main, 0);
    assert!(d.outputs.iter().any(|o| matches!(
        o,
        hinternet_core::Output::StartIo {
            api: Api::WinHttpReceiveResponse,
            ..
        }
    )));
}

#[test]
fn wh_r33_close_order_and_websocket_cancellations_before_handle_closing() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], [so, co, ro]) = winhttp_tree(&mut d, true);
    let (ws, wso) = create(
        &mut d,
        CreateApi::WinHttpWebSocketCompleteUpgrade,
        r,
        Some(1),
    );
    set_callback(&mut d, ws, u32::MAX);
    call(&mut d, Api::WinHttpWebSocketReceive, ws);
    d.take_outputs();
    let reply = close(&mut d, ws);
    assert_eq!(reply.ret, Ret::Bool(true));
    let got: Vec<_> = d
        .notifications()
        .map(|n| (n.status, n.object, n.info))
        .collect();
    assert_eq!(
        got,
        [
            (
                st::REQUEST_ERROR,
                wso,
                Info::WebSocketResult {
                    result: 0,
                    error: ERROR_WINHTTP_OPERATION_CANCELLED,
                    operation: st::WS_RECEIVE_OPERATION
                }
            ),
            (st::HANDLE_CLOSING, wso, Info::Handle(ws)),
        ]
    );
    // Request, connect, session in that order give three HANDLE_CLOSING in that order.
    d.take_outputs();
    close(&mut d, r);
    close(&mut d, c);
    close(&mut d, s);
    let order = closing_order(&d);
    assert_eq!(order, [ro, co, so]);
}

#[test]
fn wh_r34_closing_a_request_with_a_running_task_lets_it_finish_with_the_old_value() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, r], [_, _, ro]) = winhttp_tree(&mut d, true);
    set_callback(&mut d, r, u32::MAX);
    call(&mut d, Api::WinHttpReadData, r);
    close(&mut d, r);
    // The value is invalid at once.
    assert!(is_rejected_with(
        &call(&mut d, Api::WinHttpReadData, r),
        ERROR_INVALID_HANDLE
    ));
    d.take_outputs();
    complete(&mut d, ro, Lane::Main, Completion::Error(12030));
    let got: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.handle, n.info))
        .collect();
    assert_eq!(
        got,
        [
            (
                st::REQUEST_ERROR,
                r,
                Info::AsyncResult {
                    api: st::API_READ_DATA,
                    error: 12030
                }
            ),
            (st::HANDLE_CLOSING, r, Info::Handle(r)),
        ]
    );
}

#[test]
fn wh_r35_close_inside_a_callback_delivers_handle_closing_after_it_returns() {
    let mut d = driver(Policy::winhttp());
    let ([_, c, _], _) = winhttp_tree(&mut d, false);
    set_callback(&mut d, c, u32::MAX);
    d.take_outputs();
    // The application closes the new request from inside its HANDLE_CREATED callback.
    let mut closed = None;
    let reply = d
        .step_with(
            Input::Create {
                api: CreateApi::WinHttpOpenRequest,
                source: c,
                context: None,
            },
            &mut |n| {
                if n.status == st::HANDLE_CREATED && closed.is_none() {
                    closed = Some(n.handle);
                    vec![Input::Close { handle: n.handle }]
                } else {
                    Vec::new()
                }
            },
        )
        .expect("create");
    let r = handle_of(&reply);
    assert_eq!(closed, Some(r));
    // The create "returned" an already-dead value.
    assert!(is_rejected_with(
        &call(&mut d, Api::WinHttpSendRequest, r),
        ERROR_INVALID_HANDLE
    ));
    let lines: Vec<&str> = d
        .trace
        .lines()
        .iter()
        .map(String::as_str)
        .filter(|l| !l.starts_with('='))
        .collect();
    let created_at = lines
        .iter()
        .position(|l| l.contains("HANDLE_CREATED"))
        .expect("created");
    let close_at = lines
        .iter()
        .position(|l| l.starts_with("> Close"))
        .expect("close");
    let returned_at = lines
        .iter()
        .position(|l| l.starts_with("> CallbackReturned"))
        .expect("returned");
    let closing_at = lines
        .iter()
        .position(|l| l.contains("HANDLE_CLOSING"))
        .expect("closing");
    assert!(
        created_at < close_at && close_at < returned_at && returned_at < closing_at,
        "{}",
        d.trace
    );
}

#[test]
fn wh_r36_closing_the_parent_while_a_child_is_busy_does_not_affect_the_child() {
    let mut d = driver(Policy::winhttp());
    let ([s, c, r], [_, _, ro]) = winhttp_tree(&mut d, true);
    call(&mut d, Api::WinHttpSendRequest, r);
    close(&mut d, c);
    close(&mut d, s);
    complete_ok(&mut d, ro, Lane::Main, 0);
    let again = call(&mut d, Api::WinHttpReceiveResponse, r);
    // WH-R24: the reply was read during the send, so the receive completes inline.
    assert!(matches!(again.outcome, Outcome::CompletedInline { object, .. } if object == ro));
    close(&mut d, r);
    assert!(d.machine.is_empty());
}

#[test]
fn sync_mode_call_is_in_flight_until_the_io_returns_and_holds_the_object() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, r], [_, _, ro]) = winhttp_tree(&mut d, false);
    let reply = call(&mut d, Api::WinHttpSendRequest, r);
    assert_eq!(reply.ret, Ret::Blocked);
    assert_eq!(
        reply.outcome,
        Outcome::InFlight {
            object: ro,
            lane: Lane::Main,
            op: OpId(0),
        }
    );
    // Another thread closes the handle while the call is in flight.
    close(&mut d, r);
    assert_eq!(closing_of(&d, ro), 0);
    complete(&mut d, ro, Lane::Main, Completion::Error(12029));
    let tail: Vec<_> = d.outputs.iter().rev().take(2).rev().copied().collect();
    assert!(matches!(
        tail[0],
        hinternet_core::Output::CallReturned { object, result: Completion::Error(12029), .. } if object == ro
    ));
    assert_eq!(closing_of(&d, ro), 1);
}

#[test]
fn environment_events_that_do_not_match_the_state_are_input_errors() {
    let mut d = driver(Policy::winhttp());
    let ([_, _, _], [_, _, ro]) = winhttp_tree(&mut d, true);
    let before = d.machine.clone();
    assert!(d
        .machine
        .handle_input(Input::Complete {
            object: ro,
            op: d.machine.next_op(),
            completion: Completion::Done,
        })
        .is_err());
    assert!(d
        .machine
        .handle_input(Input::CallbackReturned { object: ro })
        .is_err());
    assert!(d
        .machine
        .handle_input(Input::Open {
            api: CreateApi::InternetOpen,
            async_mode: false
        })
        .is_err());
    assert!(d
        .machine
        .handle_input(Input::Create {
            api: CreateApi::WinHttpOpen,
            source: HandleValue(1),
            context: None
        })
        .is_err());
    assert_eq!(d.machine, before);
}
