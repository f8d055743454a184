//! WinINet lifecycle rules (WI-R1…R16 of `docs/behaviour.md` and seed `000`), one test
//! per rule, named by its id. Every step goes through `Driver`, which also checks the laws
//! and the machine's invariants after each input.

mod support;

use hinternet_core::{
    wininet as st, Api, CallbackRet, CreateApi, HandleKind, HandleValue, Info, Input, Lane,
    Outcome, Policy, Ret, Service, API_TABLE, ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
    ERROR_INVALID_HANDLE, ERROR_IO_PENDING,
};
use support::*;

#[test]
fn wi_r1_values_start_at_one_lowest_free_first() {
    let mut d = driver(Policy::wininet());
    let ([root, c, r], _) = wininet_tree(&mut d, false);
    assert_eq!([root, c, r], [1, 2, 3].map(HandleValue));
    close(&mut d, r);
    let (again, _) = create(&mut d, CreateApi::HttpOpenRequest, c, Some(4));
    assert_eq!(again, HandleValue(3));
}

#[test]
fn wi_r2_value_reserved_until_destruction() {
    let mut d = driver(Policy::wininet());
    let ([root, c, r], [_, _, ro]) = wininet_tree(&mut d, true);
    let sent = call(&mut d, Api::HttpSendRequest, r);
    assert_eq!(
        (sent.ret, sent.last_error),
        (Ret::Bool(false), Some(ERROR_IO_PENDING))
    );
    close(&mut d, r);
    // Closed but alive: lookups fail, the value stays reserved.
    assert!(is_rejected_with(
        &call(&mut d, Api::InternetReadFile, r),
        ERROR_INVALID_HANDLE
    ));
    let (next, _) = create(&mut d, CreateApi::HttpOpenRequest, c, Some(5));
    assert_ne!(next, r, "reserved value reissued");
    complete_ok(&mut d, ro, Lane::Main, 0);
    let (after, _) = create(&mut d, CreateApi::HttpOpenRequest, c, Some(6));
    assert_eq!(after, r, "released at destruction, lowest free again");
    close(&mut d, root);
}

#[test]
fn wi_r3_children_and_tasks_hold_their_parents() {
    let mut d = driver(Policy::wininet());
    let ([root, _, r], [rooto, co, ro]) = wininet_tree(&mut d, true);
    call(&mut d, Api::HttpSendRequest, r);
    close(&mut d, root);
    // Root and connect wait for the request, which waits for its task.
    assert!(d.machine.object(rooto).is_some() && d.machine.object(co).is_some());
    complete_ok(&mut d, ro, Lane::Main, 0);
    assert!(d.machine.is_empty());
}

#[test]
fn wi_r4_close_returns_true_last_error_untouched_when_idle() {
    for policy in [Policy::wininet(), Policy::wininet_wine_close()] {
        let mut d = driver(policy);
        let ([root, _, _], _) = wininet_tree(&mut d, true);
        let reply = close(&mut d, root);
        assert_eq!((reply.ret, reply.last_error), (Ret::Bool(true), None));
    }
}

#[test]
fn seed_000_close_with_outstanding_requests_reports_io_pending_knob() {
    // Seed 000: "If GetLastError returns ERROR_IO_PENDING, there were outstanding
    // requests when the handle was closed" — also for pending requests of children.
    let mut d = driver(Policy::wininet());
    let ([root, _, r], _) = wininet_tree(&mut d, true);
    call(&mut d, Api::HttpSendRequest, r);
    let reply = close(&mut d, root);
    assert_eq!(
        (reply.ret, reply.last_error),
        (Ret::Bool(true), Some(ERROR_IO_PENDING))
    );
    // Wine's close (WI-R4) never touches the last error.
    let mut d = driver(Policy::wininet_wine_close());
    let ([root, _, r], _) = wininet_tree(&mut d, true);
    call(&mut d, Api::HttpSendRequest, r);
    assert_eq!(close(&mut d, root).last_error, None);
}

#[test]
fn wi_r5_closing_the_root_invalidates_the_subtree_and_reports_childrens_closing() {
    let mut d = driver(Policy::wininet());
    let ([root, c, r], [rooto, co, ro]) = wininet_tree(&mut d, true);
    for h in [root, c, r] {
        set_callback(&mut d, h, 0);
    }
    call(&mut d, Api::HttpSendRequest, r);
    close(&mut d, root);
    for h in [c, r] {
        assert!(is_rejected_with(&close(&mut d, h), ERROR_INVALID_HANDLE));
        let q = d.step(Input::QueryContext { handle: h }).expect("query");
        assert!(is_rejected_with(&q, ERROR_INVALID_HANDLE), "{q:?}");
    }
    // Queries from inside late callbacks fail too.
    d.take_outputs();
    let start = d.trace.lines().len();
    let mut inner = Vec::new();
    d.step_with(success_of(&d.machine, ro, Lane::Main, 0), &mut |n| {
        inner.push(n.status);
        vec![Input::QueryContext { handle: r }]
    })
    .expect("complete");
    let rejected = d.trace.lines()[start..]
        .iter()
        .filter(|l| l.contains("rejected"))
        .count();
    assert_eq!(
        inner,
        [
            st::SENDING_REQUEST,
            st::REQUEST_SENT,
            st::RECEIVING_RESPONSE,
            st::RESPONSE_RECEIVED,
            st::REQUEST_COMPLETE,
            st::HANDLE_CLOSING,
            st::HANDLE_CLOSING,
        ]
    );
    assert_eq!(rejected, inner.len());
    // The root had context 0: only the children's HANDLE_CLOSING are delivered.
    let closing: Vec<_> = delivered(&d)
        .iter()
        .filter(|n| n.status == st::HANDLE_CLOSING)
        .map(|n| n.object)
        .collect();
    assert_eq!(closing, [ro, co]);
    assert_eq!(
        closing_of(&d, rooto),
        1,
        "logical stream still has the root's"
    );
}

#[test]
fn wi_r6_idle_tree_is_destroyed_deepest_first() {
    let mut d = driver(Policy::wininet());
    let ([root, _, _], [rooto, co, ro]) = wininet_tree(&mut d, false);
    close(&mut d, root);
    let order = closing_order(&d);
    assert_eq!(order, [ro, co, rooto]);
}

#[test]
fn wi_r7_pending_work_completes_with_request_complete_before_handle_closing() {
    let mut d = driver(Policy::wininet());
    let ([_, _, r], [_, _, ro]) = wininet_tree(&mut d, true);
    set_callback(&mut d, r, 0);
    // Seed 002: QueryDataAvailable follows the send.
    call(&mut d, Api::HttpSendRequest, r);
    complete_ok(&mut d, ro, Lane::Main, 0);
    call(&mut d, Api::InternetQueryDataAvailable, r);
    close(&mut d, r);
    d.take_outputs();
    complete_ok(&mut d, ro, Lane::Main, 10);
    let got: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.handle, n.context, n.info))
        .collect();
    assert_eq!(
        got,
        [
            // WI-R21: a pending QueryDataAvailable that completes reports
            // RESPONSE_RECEIVED first.
            (st::RESPONSE_RECEIVED, r, 3, Info::Bytes(10)),
            // WI-R19: after a pending QueryDataAvailable, dwError carries the byte count.
            (
                st::REQUEST_COMPLETE,
                r,
                3,
                Info::InternetResult {
                    result: 1,
                    error: 10
                }
            ),
            (st::HANDLE_CLOSING, r, 3, Info::Handle(r)),
        ]
    );
}

#[test]
fn wi_r8_close_from_a_callback_defers_destruction_to_its_return() {
    let mut d = driver(Policy::wininet());
    let ([_, _, r], [_, _, ro]) = wininet_tree(&mut d, true);
    set_callback(&mut d, r, 0);
    call(&mut d, Api::HttpSendRequest, r);
    d.take_outputs();
    let mut closed = false;
    d.step_with(success_of(&d.machine, ro, Lane::Main, 0), &mut |n| {
        if n.status == st::REQUEST_COMPLETE && !closed {
            closed = true;
            vec![Input::Close { handle: r }]
        } else {
            Vec::new()
        }
    })
    .expect("complete");
    assert!(closed);
    let lines: Vec<&str> = d.trace.lines().iter().map(String::as_str).collect();
    let close_at = lines
        .iter()
        .position(|l| l.starts_with("> Close"))
        .expect("close");
    let returned_at = close_at
        + lines[close_at..]
            .iter()
            .position(|l| l.starts_with("> CallbackReturned"))
            .expect("returned");
    let closing_at = lines
        .iter()
        .position(|l| l.contains("HANDLE_CLOSING"))
        .expect("closing");
    // Close (inside the callback) < the callback's return < HANDLE_CLOSING.
    assert!(
        close_at < returned_at && returned_at < closing_at,
        "{}",
        d.trace
    );
}

#[test]
fn wi_r9_double_close_child_after_parent_and_null_fail_with_invalid_handle() {
    let mut d = driver(Policy::wininet());
    let ([root, c, r], _) = wininet_tree(&mut d, false);
    assert!(is_rejected_with(
        &close(&mut d, HandleValue::NULL),
        ERROR_INVALID_HANDLE
    ));
    close(&mut d, r);
    assert!(is_rejected_with(&close(&mut d, r), ERROR_INVALID_HANDLE));
    close(&mut d, root);
    assert!(is_rejected_with(&close(&mut d, c), ERROR_INVALID_HANDLE));
}

/// One live handle of each WinINet kind.
fn every_wininet_kind(d: &mut hinternet_core::Driver) -> Vec<(HandleKind, HandleValue)> {
    let (root, _) = open(d, CreateApi::InternetOpen, false);
    let mut out = vec![(HandleKind::InternetRoot, root)];
    let (http, _) = create(d, CreateApi::InternetConnect(Service::Http), root, Some(1));
    let (ftp, _) = create(d, CreateApi::InternetConnect(Service::Ftp), root, Some(1));
    let (gopher, _) = create(
        d,
        CreateApi::InternetConnect(Service::Gopher),
        root,
        Some(1),
    );
    out.push((HandleKind::InternetConnect(Service::Http), http));
    out.push((HandleKind::InternetConnect(Service::Ftp), ftp));
    out.push((HandleKind::InternetConnect(Service::Gopher), gopher));
    out.push((
        HandleKind::UrlResource,
        create(d, CreateApi::InternetOpenUrl, root, Some(1)).0,
    ));
    out.push((
        HandleKind::HttpRequest,
        create(d, CreateApi::HttpOpenRequest, http, Some(1)).0,
    ));
    out.push((
        HandleKind::FtpFind,
        create(d, CreateApi::FtpFindFirstFile, ftp, Some(1)).0,
    ));
    // WI-R11: a session with an open find is busy; the file needs its own session.
    let (ftp2, _) = create(d, CreateApi::InternetConnect(Service::Ftp), root, Some(1));
    out.push((
        HandleKind::FtpFile,
        create(d, CreateApi::FtpOpenFile, ftp2, Some(1)).0,
    ));
    out.push((
        HandleKind::GopherFind,
        create(d, CreateApi::GopherFindFirstFile, gopher, Some(1)).0,
    ));
    out.push((
        HandleKind::GopherFile,
        create(d, CreateApi::GopherOpenFile, gopher, Some(1)).0,
    ));
    out
}

#[test]
fn wi_r10_every_api_gives_its_own_code_for_null_stale_and_wrong_kind_handles() {
    let mut d = driver(Policy::wininet());
    let handles = every_wininet_kind(&mut d);
    // A stale value: issued, closed, destroyed, not reissued.
    let (root2, _) = open(&mut d, CreateApi::InternetOpen, false);
    close(&mut d, root2);
    let mut checked = 0;
    for rule in API_TABLE
        .iter()
        .filter(|r| r.api.family() == hinternet_core::Family::WinInet)
    {
        let null = call(&mut d, rule.api, HandleValue::NULL);
        assert!(
            is_rejected_with(&null, rule.bad_handle.null),
            "{} NULL: {null:?}",
            rule.api
        );
        let stale = call(&mut d, rule.api, root2);
        assert!(
            is_rejected_with(&stale, rule.bad_handle.invalid),
            "{} stale: {stale:?}",
            rule.api
        );
        for &(kind, h) in &handles {
            if rule.api.accepts(kind) {
                continue;
            }
            let reply = call(&mut d, rule.api, h);
            assert!(
                is_rejected_with(&reply, rule.bad_handle.wrong_kind),
                "{} on {kind}: {reply:?}",
                rule.api
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} wrong-kind cases");
    // The table's tested rows: read/set-pointer on a NULL handle give 6
    // [T InternetReadFile_test, InternetSetFilePointer_test]; FTP calls on non-FTP handles
    // give 12018 [T ftp.c].
    assert_eq!(
        Api::InternetReadFile.rule().bad_handle.null,
        ERROR_INVALID_HANDLE
    );
    assert_eq!(
        Api::InternetSetFilePointer.rule().bad_handle.null,
        ERROR_INVALID_HANDLE
    );
    assert_eq!(
        Api::FtpCreateDirectory.rule().bad_handle.wrong_kind,
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    );
    // InternetConnect needs the root: 6 for a wrong kind; HttpOpenRequest gives 12018.
    let http = handles[1].1;
    let r = d.step(Input::Create {
        api: CreateApi::InternetConnect(Service::Http),
        source: http,
        context: Some(1),
    });
    assert!(is_rejected_with(&r.expect("create"), ERROR_INVALID_HANDLE));
    let ftp = handles[2].1;
    let r = d.step(Input::Create {
        api: CreateApi::HttpOpenRequest,
        source: ftp,
        context: Some(1),
    });
    assert!(is_rejected_with(
        &r.expect("create"),
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    ));
    // InternetSetStatusCallback on a bad handle: INVALID_STATUS_CALLBACK, last error untouched.
    let cb = d
        .step(Input::SetStatusCallback {
            handle: root2,
            callback: Some(CB),
            mask: 0,
        })
        .expect("cb");
    assert_eq!(
        (cb.ret, cb.last_error),
        (Ret::Callback(CallbackRet::Invalid), None)
    );
}

#[test]
fn wi_r12_notifications_with_context_zero_are_dropped() {
    let mut d = driver(Policy::wininet());
    let (root, _) = open(&mut d, CreateApi::InternetOpen, false);
    set_callback(&mut d, root, 0);
    let (c0, _) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        Some(0),
    );
    let (c1, _) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        Some(1),
    );
    close(&mut d, root);
    let got: Vec<_> = d
        .notifications()
        .map(|n| (n.status, n.info, n.context, n.callback.is_some()))
        .collect();
    assert_eq!(
        got,
        [
            (st::HANDLE_CREATED, Info::Handle(c0), 0, false),
            (st::HANDLE_CREATED, Info::Handle(c1), 1, true),
            (st::HANDLE_CLOSING, Info::Handle(c0), 0, false),
            (st::HANDLE_CLOSING, Info::Handle(c1), 1, true),
            (st::HANDLE_CLOSING, Info::Handle(root), 0, false),
        ]
    );
}

#[test]
fn wi_r13_context_is_per_handle_never_inherited() {
    let mut d = driver(Policy::wininet());
    let (root, _) = open(&mut d, CreateApi::InternetOpen, false);
    d.step(Input::SetContext {
        handle: root,
        context: 1,
    })
    .expect("ctx");
    let (c, co) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        None,
    );
    d.step(Input::SetContext {
        handle: c,
        context: 2,
    })
    .expect("ctx");
    let (_, ro) = create(&mut d, CreateApi::HttpOpenRequest, c, None);
    assert_eq!(d.machine.object(co).map(|o| o.context()), Some(2));
    assert_eq!(d.machine.object(ro).map(|o| o.context()), Some(0));
}

#[test]
fn wi_r14_callback_is_copied_at_creation_and_set_returns_previous() {
    let mut d = driver(Policy::wininet());
    let (root, _) = open(&mut d, CreateApi::InternetOpen, false);
    let first = set_callback(&mut d, root, 0);
    assert_eq!(first.ret, Ret::Callback(CallbackRet::Previous(None)));
    let (c, co) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Ftp),
        root,
        Some(1),
    );
    let second = d
        .step(Input::SetStatusCallback {
            handle: root,
            callback: None,
            mask: 0,
        })
        .expect("cb");
    assert_eq!(second.ret, Ret::Callback(CallbackRet::Previous(Some(CB))));
    assert_eq!(d.machine.object(co).and_then(|o| o.callback()), Some(CB));
    d.step(Input::SetStatusCallback {
        handle: c,
        callback: Some(hinternet_core::CallbackId(9)),
        mask: 0,
    })
    .expect("cb");
    assert_eq!(
        d.machine
            .values()
            .live(root)
            .and_then(|o| d.machine.object(o))
            .and_then(|o| o.callback()),
        None
    );
}

#[test]
fn wi_r15_handle_created_routing_through_the_parent_with_the_new_context() {
    let mut d = driver(Policy::wininet());
    let (root, rooto) = open(&mut d, CreateApi::InternetOpen, true);
    set_callback(&mut d, root, 0);
    let (c, co) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        Some(0x11),
    );
    set_callback(&mut d, c, 0);
    let (r, _) = create(&mut d, CreateApi::HttpOpenRequest, c, Some(0x22));
    let got: Vec<_> = delivered(&d)
        .iter()
        .map(|n| (n.status, n.object, n.handle, n.context, n.info))
        .collect();
    assert_eq!(
        got,
        [
            (st::HANDLE_CREATED, rooto, root, 0x11, Info::Handle(c)),
            (st::HANDLE_CREATED, co, c, 0x22, Info::Handle(r)),
        ]
    );
    // Sent synchronously even in async mode: nothing pending, no REQUEST_COMPLETE.
    assert!(d.notifications().all(|n| n.status != st::REQUEST_COMPLETE));
}

#[test]
fn wi_r18_async_operations_return_false_with_io_pending() {
    let mut d = driver(Policy::wininet());
    let ([_, _, r], [_, _, ro]) = wininet_tree(&mut d, true);
    for api in [
        Api::HttpSendRequest,
        Api::HttpSendRequestEx,
        Api::HttpEndRequest,
    ] {
        let reply = call(&mut d, api, r);
        assert_eq!(
            (reply.ret, reply.last_error),
            (Ret::Bool(false), Some(ERROR_IO_PENDING)),
            "{api}"
        );
        assert!(
            matches!(
                reply.outcome,
                Outcome::Pending {
                    object,
                    lane: Lane::Main,
                    ..
                } if object == ro
            ),
            "{api}: {reply:?}"
        );
    }
}

#[test]
fn wi_r2_value_stays_reserved_until_the_handle_closing_callback_returned() {
    // A callback closes an idle connect (destroyed at once) and creates a new one in the
    // same callback: the old value must not be reissued while its HANDLE_CLOSING has not
    // been delivered — late callbacks may still carry it (WI-R2).
    let mut d = driver(Policy::wininet());
    let (root, _) = open(&mut d, CreateApi::InternetOpen, true);
    set_callback(&mut d, root, 0);
    let (http, _) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        Some(1),
    );
    let (idle, _) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        Some(2),
    );
    let (req, ro) = create(&mut d, CreateApi::HttpOpenRequest, http, Some(3));
    call(&mut d, Api::HttpSendRequest, req);
    let mut acted = false;
    d.step_with(success_of(&d.machine, ro, Lane::Main, 0), &mut |n| {
        if n.status == st::REQUEST_COMPLETE && !acted {
            acted = true;
            vec![
                Input::Close { handle: idle },
                Input::Create {
                    api: CreateApi::InternetConnect(Service::Http),
                    source: root,
                    context: Some(4),
                },
            ]
        } else {
            Vec::new()
        }
    })
    .expect("the laws hold");
    assert!(acted);
    let created = d
        .trace
        .lines()
        .iter()
        .rev()
        .find(|l| l.contains("created") && l.contains("connect-http"))
        .cloned()
        .expect("a connect was created");
    assert!(
        !created.contains(&format!("h={idle} ")),
        "reserved value reissued: {created}\n{}",
        d.trace
    );
    // Once the closing callback has returned, the value is free again.
    let (next, _) = create(
        &mut d,
        CreateApi::InternetConnect(Service::Http),
        root,
        Some(5),
    );
    assert_eq!(next, idle);
}
