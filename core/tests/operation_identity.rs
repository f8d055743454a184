//! Operation identity (law 13) and typed completions: every accepted operation has an
//! [`OpId`]; a completion names its operation; a late one is stale and changes nothing;
//! completions must fit their API; inline reads are bounded by the application's buffer.

mod support;

use hinternet_core::winhttp::*;
use hinternet_core::{
    Api, CallArg, Completion, CompletionFit, CreateApi, HandleValue, Info, Input, InputError, Lane,
    Machine, ObjectId, OpId, Outcome, Output, Policy, ProtocolEvent, Ret, WsBufferType, API_TABLE,
    COMPLETION_FIT,
};
use support::*;

/// An asynchronous WinHTTP websocket (session, connect, request upgraded), outputs
/// cleared.
fn socket() -> (H, HandleValue, ObjectId) {
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, true);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let ro = h.obj(r);
    h.call(Api::WinHttpSetOption, r);
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(ro, Lane::Main, 101);
    h.call(Api::WinHttpReceiveResponse, r);
    let ws = handle_of(&h.create_reply(CreateApi::WinHttpWebSocketCompleteUpgrade, r));
    let o = h.obj(ws);
    h.clear();
    (h, ws, o)
}

/// A WinHTTP request whose reply head was read (phase `Response`), outputs cleared.
fn responded(async_mode: bool) -> (H, HandleValue, ObjectId) {
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, async_mode);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let o = h.obj(r);
    h.call(Api::WinHttpSendRequest, r);
    h.complete(o, Lane::Main, Completion::Http { status: Some(200) });
    h.call(Api::WinHttpReceiveResponse, r);
    h.clear();
    (h, r, o)
}

/// Apply `input` to a copy of the machine and require the embedder error `want` with the
/// state unchanged.
#[track_caller]
fn refused(m: &Machine, input: Input, want: InputError) {
    let mut after = m.clone();
    assert_eq!(after.handle_input(input), Err(want));
    assert_eq!(&after, m, "a refused completion changed the machine");
}

/// The defect: queue a receive, close the socket (the receive is cancelled, the
/// close started in the same lane), then report the abandoned receive as finished. It
/// used to complete the close (`CLOSE_COMPLETE`); it is now stale and changes nothing.
#[test]
fn law_13_abandoned_receive_reported_after_close_is_stale_and_does_not_finish_the_close() {
    let (mut h, ws, o) = socket();
    let receive = h
        .call(Api::WinHttpWebSocketReceive, ws)
        .op()
        .expect("receive op");
    let close = h
        .call(Api::WinHttpWebSocketClose, ws)
        .op()
        .expect("close op");
    assert_ne!(receive, close);
    let io: Vec<Output> = h
        .outputs()
        .into_iter()
        .filter(|o| !matches!(o, Output::Notify(_)))
        .collect();
    assert!(
        matches!(
            io[..],
            [
                Output::StartIo { op: a, .. },
                Output::CancelIo { op: b, .. },
                Output::StartIo { op: c, api: Api::WinHttpWebSocketClose, lane: Lane::Receive, .. },
            ] if a == receive && b == receive && c == close
        ),
        "{io:?}"
    );
    let before = h.d.machine.clone();
    let late = h.step(Input::Complete {
        object: o,
        op: receive,
        completion: Completion::WebSocket {
            buffer_type: WsBufferType::BinaryMessage,
            bytes: 42,
        },
    });
    assert_eq!(
        late,
        hinternet_core::Reply {
            ret: Ret::None,
            last_error: None,
            outcome: Outcome::Stale {
                object: o,
                op: receive
            },
        }
    );
    assert_eq!(h.d.machine, before, "a stale completion changes nothing");
    assert_eq!(h.outputs(), vec![], "no CLOSE_COMPLETE, no output at all");
    // The close completes with its own id.
    h.complete(o, Lane::Receive, Completion::Done);
    assert_eq!(h.notes(), vec![(CLOSE_COMPLETE, Info::None)]);
}

#[test]
fn law_13_a_finished_operation_reported_again_is_stale_with_another_pending_in_its_lane() {
    let (mut h, r, o) = responded(true);
    let read = h.call(Api::WinHttpReadData, r).op().expect("read op");
    h.complete(o, Lane::Main, Completion::Bytes(3));
    let next = h
        .call(Api::WinHttpReadData, r)
        .op()
        .expect("second read op");
    h.clear();
    let before = h.d.machine.clone();
    for completion in [Completion::Bytes(3), Completion::Error(12030)] {
        let late = h.step(Input::Complete {
            object: o,
            op: read,
            completion,
        });
        assert_eq!(
            late.outcome,
            Outcome::Stale {
                object: o,
                op: read
            }
        );
        assert_eq!(h.d.machine, before);
    }
    assert_eq!(h.outputs(), vec![]);
    assert_eq!(head_op(&h.d.machine, o, Lane::Main).id, next);
}

#[test]
fn law_13_late_completions_after_the_object_is_gone_are_stale() {
    let (mut h, ws, o) = socket();
    let receive = h
        .call(Api::WinHttpWebSocketReceive, ws)
        .op()
        .expect("receive op");
    h.step(Input::Close { handle: ws });
    assert!(h.d.machine.object(o).is_none(), "cancelled and destroyed");
    let before = h.d.machine.clone();
    let late = h.step(Input::Complete {
        object: o,
        op: receive,
        completion: Completion::Error(12030),
    });
    assert_eq!(
        late.outcome,
        Outcome::Stale {
            object: o,
            op: receive
        }
    );
    assert_eq!(h.d.machine, before);
}

#[test]
fn completions_of_ops_not_started_or_never_issued_are_embedder_errors() {
    let mut h = H::new(Policy::winhttp());
    let sess = h.open(CreateApi::WinHttpOpen, true);
    let c = h.create(CreateApi::WinHttpConnect, sess);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let o = h.obj(r);
    let first = h.call(Api::WinHttpSendRequest, r).op().expect("send");
    let second = h
        .call(Api::WinHttpReceiveResponse, r)
        .op()
        .expect("receive, queued behind the send");
    assert!(first < second);
    let m = h.d.machine.clone();
    let done = Completion::Bytes(1);
    refused(
        &m,
        Input::Complete {
            object: o,
            op: second,
            completion: done,
        },
        InputError::NotStarted {
            object: o,
            op: second,
        },
    );
    let unissued = m.next_op();
    refused(
        &m,
        Input::Complete {
            object: o,
            op: unissued,
            completion: done,
        },
        InputError::UnknownOperation {
            object: o,
            op: unissued,
        },
    );
    // An operation pending on another object is not this object's.
    let other = ObjectId(o.0 + 100);
    refused(
        &m,
        Input::Complete {
            object: other,
            op: first,
            completion: done,
        },
        InputError::UnknownOperation {
            object: other,
            op: first,
        },
    );
}

#[test]
fn completions_that_do_not_fit_the_api_are_refused() {
    let (mut h, ws, o) = socket();
    let receive = h
        .call(Api::WinHttpWebSocketReceive, ws)
        .op()
        .expect("receive");
    let m = h.d.machine.clone();
    for completion in [
        Completion::Bytes(1),
        Completion::Done,
        Completion::Http { status: None },
    ] {
        refused(
            &m,
            Input::Complete {
                object: o,
                op: receive,
                completion,
            },
            InputError::WrongCompletion {
                api: Api::WinHttpWebSocketReceive,
                object: o,
                op: receive,
                completion,
            },
        );
    }
    // A receive response must say what status it read.
    let (mut h, r, o) = {
        let mut h = H::new(Policy::winhttp());
        let s = h.open(CreateApi::WinHttpOpen, true);
        let c = h.create(CreateApi::WinHttpConnect, s);
        let r = h.create(CreateApi::WinHttpOpenRequest, c);
        let o = h.obj(r);
        (h, r, o)
    };
    h.call_with(Api::WinHttpSendRequest, r, CallArg::BodyToWrite);
    h.complete(o, Lane::Main, Completion::Http { status: None });
    let receive = h
        .call(Api::WinHttpReceiveResponse, r)
        .op()
        .expect("receive");
    let headless = Completion::Http { status: None };
    refused(
        &h.d.machine.clone(),
        Input::Complete {
            object: o,
            op: receive,
            completion: headless,
        },
        InputError::WrongCompletion {
            api: Api::WinHttpReceiveResponse,
            object: o,
            op: receive,
            completion: headless,
        },
    );
}

#[test]
fn a_read_completes_with_at_most_its_buffer() {
    let (mut h, r, o) = responded(true);
    let read = h
        .call_with(Api::WinHttpReadData, r, CallArg::Buffer(4))
        .op()
        .expect("read");
    let too_many = Completion::Bytes(5);
    refused(
        &h.d.machine.clone(),
        Input::Complete {
            object: o,
            op: read,
            completion: too_many,
        },
        InputError::WrongCompletion {
            api: Api::WinHttpReadData,
            object: o,
            op: read,
            completion: too_many,
        },
    );
    h.complete(o, Lane::Main, Completion::Bytes(4));
    assert_eq!(h.notes(), vec![(READ_COMPLETE, Info::Bytes(4))]);
}

#[test]
fn an_inline_read_takes_at_most_its_buffer_and_leaves_the_rest_buffered() {
    let (mut h, r, o) = responded(true);
    h.event(o, ProtocolEvent::DataBuffered(10));
    h.clear();
    let avail = |h: &H| h.d.machine.object(o).expect("request").protocol().avail;
    let first = h.call_with(Api::WinHttpReadData, r, CallArg::Buffer(4));
    assert!(inline(&first), "{first:?}");
    assert_eq!(h.notes(), vec![(READ_COMPLETE, Info::Bytes(4))]);
    assert_eq!(avail(&h), 6, "DataBuffered decreases by what the read took");
    // Without a buffer length, a read takes everything buffered.
    let second = h.call(Api::WinHttpReadData, r);
    assert!(inline(&second), "{second:?}");
    assert_eq!(h.notes(), vec![(READ_COMPLETE, Info::Bytes(6))]);
    assert_eq!(avail(&h), 0);
    // Nothing left: the next read pends.
    assert!(pending(&h.call_with(
        Api::WinHttpReadData,
        r,
        CallArg::Buffer(4)
    )));
}

#[test]
fn wininet_inline_reads_are_bounded_too() {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, true);
    let c = h.create(
        CreateApi::InternetConnect(hinternet_core::Service::Http),
        root,
    );
    let r = h.create(CreateApi::HttpOpenRequest, c);
    let o = h.obj(r);
    h.call(Api::HttpSendRequest, r);
    h.complete(o, Lane::Main, Completion::Http { status: Some(200) });
    h.event(o, ProtocolEvent::DataBuffered(7));
    let read = h.call_with(Api::InternetReadFile, r, CallArg::Buffer(5));
    assert_eq!(read.ret, Ret::Bool(true), "{read:?}");
    assert_eq!(h.d.machine.object(o).expect("request").protocol().avail, 2);
}

#[test]
fn synchronous_calls_return_through_their_own_op() {
    let (mut h, r, o) = responded(false);
    let reply = h.call_with(Api::WinHttpReadData, r, CallArg::Buffer(8));
    assert_eq!(reply.ret, Ret::Blocked);
    let Outcome::InFlight { op, lane, .. } = reply.outcome else {
        panic!("in flight: {reply:?}");
    };
    assert_eq!(
        h.outputs(),
        vec![Output::StartIo {
            object: o,
            lane,
            op,
            api: Api::WinHttpReadData,
            blocking: true,
            arg: CallArg::Buffer(8),
        }]
    );
    h.complete(o, lane, Completion::Bytes(8));
    assert_eq!(
        h.outputs(),
        vec![Output::CallReturned {
            object: o,
            op,
            api: Api::WinHttpReadData,
            result: Completion::Bytes(8),
        }]
    );
}

#[test]
fn op_ids_are_issued_in_order_and_never_reused() {
    let (mut h, r, o) = responded(true);
    let mut seen: Vec<OpId> = Vec::new();
    for _ in 0..4 {
        h.event(o, ProtocolEvent::DataBuffered(1));
        let inline_read = h.call(Api::WinHttpReadData, r);
        seen.push(inline_read.op().expect("inline op"));
        let pending_read = h.call(Api::WinHttpReadData, r);
        seen.push(pending_read.op().expect("pending op"));
        h.complete(o, Lane::Main, Completion::Bytes(0));
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!(seen.iter().all(|&op| op < h.d.machine.next_op()));
}

#[test]
fn close_reports_every_invalidated_object_closed_one_first() {
    let mut h = H::new(Policy::winhttp_documented());
    let s = h.open(CreateApi::WinHttpOpen, true);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let (so, co, ro) = (h.obj(s), h.obj(c), h.obj(r));
    let closed = h.step(Input::Close { handle: s });
    assert_eq!(
        closed.outcome,
        Outcome::Closed {
            object: so,
            invalidated: vec![so, ro, co].into(),
        }
    );
    // Keep-children: just the closed object.
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, true);
    let c = h.create(CreateApi::WinHttpConnect, s);
    h.create(CreateApi::WinHttpOpenRequest, c);
    let so = h.obj(s);
    let closed = h.step(Input::Close { handle: s });
    assert_eq!(
        closed.outcome,
        Outcome::Closed {
            object: so,
            invalidated: vec![so].into(),
        }
    );
}

/// The fit table as data: one row per operation; each row accepts its own successes and
/// every error, and refuses the other shapes.
#[test]
fn the_completion_fit_table_covers_every_operation() {
    let all = [
        Completion::Http { status: None },
        Completion::Http { status: Some(200) },
        Completion::Bytes(1),
        Completion::WebSocket {
            buffer_type: WsBufferType::BinaryMessage,
            bytes: 1,
        },
        Completion::WebSocket {
            buffer_type: WsBufferType::Close,
            bytes: 0,
        },
        Completion::Done,
        Completion::Error(12030),
    ];
    for rule in API_TABLE {
        let fit = rule.api.completion_fit();
        assert_eq!(fit.is_some(), rule.api.op_spec().is_some(), "{}", rule.api);
        let Some(fit) = fit else { continue };
        for n in [0, 1, 200] {
            assert!(
                fit.fits(fit.success(n)),
                "{}: {:?}",
                rule.api,
                fit.success(n)
            );
        }
        let fitting = all.iter().filter(|c| fit.fits(**c)).count();
        let want = match fit {
            CompletionFit::HttpMaybeHead | CompletionFit::HttpHeadOrDone => 3,
            CompletionFit::WebSocket => 3,
            CompletionFit::DoneOrPeerClose => 3,
            CompletionFit::HttpHead | CompletionFit::Bytes | CompletionFit::Done => 2,
        };
        assert_eq!(fitting, want, "{}: {fit:?}", rule.api);
    }
    assert_eq!(
        COMPLETION_FIT.len(),
        API_TABLE
            .iter()
            .filter(|r| r.api.op_spec().is_some())
            .count()
    );
}

/// `Machine::compact_op_ids` renumbers the queued operations onto `0..n` (main lane, then
/// receive lane), and on a numbering that is already canonical (its one-pass check) moves
/// nothing and leaves the machine as it was; a kept id ahead of the queued ones is
/// numbered first, which moves them again.
#[test]
fn compacting_op_ids_renames_once_then_recognises_the_canonical_numbering() {
    let (mut h, ws, o) = socket();
    h.call(Api::WinHttpWebSocketReceive, ws);
    h.call(Api::WinHttpWebSocketSend, ws);
    let mut m = h.d.machine.clone();
    let queued = |m: &Machine| -> Vec<OpId> {
        let obj = m.object(o).expect("the websocket lives");
        obj.queues().ops().map(|p| p.id).collect()
    };
    let before = queued(&m);
    assert_eq!(before.len(), 2, "{before:?}");
    assert!(before.iter().all(|id| id.0 >= 2), "{before:?}");
    let renamed = m.compact_op_ids(&[]);
    assert_eq!(renamed.len(), 2, "{renamed:?}");
    assert_eq!(queued(&m), [OpId(0), OpId(1)]);
    assert_eq!(m.next_op(), OpId(2));
    let canonical = m.clone();
    assert!(m.compact_op_ids(&[]).is_empty());
    assert_eq!(m, canonical);
    // A remembered id first: it takes number 0.
    assert_eq!(
        m.compact_op_ids(&[OpId(1)]),
        [(OpId(1), OpId(0)), (OpId(0), OpId(1))]
    );
    assert_eq!(queued(&m), [OpId(1), OpId(0)]);
    assert_eq!(m.next_op(), OpId(2));
}
