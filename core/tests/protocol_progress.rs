//! Progress reported as it happens (docs/behaviour.md WH-R30, WH-R31, WH-R42, WI-R20, WI-R21):
//! `ProtocolEvent::Progress` emits the head operation's next progress notification at
//! once; the completion emits only what was not reported; the order of law 12 holds.

mod support;

use hinternet_core::{
    winhttp as wh, wininet as wi, Api, CreateApi, HandleValue, Info, Input, Lane, ObjectId, Output,
    Policy, ProtocolEvent, Service,
};
use support::*;

/// `ERROR_WINHTTP_NAME_NOT_RESOLVED`.
const NAME_NOT_RESOLVED: u32 =
    windows_sys::Win32::Networking::WinHttp::ERROR_WINHTTP_NAME_NOT_RESOLVED;

const STEP: ProtocolEvent = ProtocolEvent::Progress { bytes: 0 };

fn winhttp_request(async_mode: bool) -> (H, HandleValue, ObjectId) {
    let mut h = H::new(Policy::winhttp());
    let s = h.open(CreateApi::WinHttpOpen, async_mode);
    let c = h.create(CreateApi::WinHttpConnect, s);
    let r = h.create(CreateApi::WinHttpOpenRequest, c);
    let o = h.obj(r);
    h.clear();
    (h, r, o)
}

fn wininet_request(async_mode: bool) -> (H, HandleValue, ObjectId) {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, async_mode);
    let c = h.create(CreateApi::InternetConnect(Service::Http), root);
    let r = h.create(CreateApi::HttpOpenRequest, c);
    let o = h.obj(r);
    h.clear();
    (h, r, o)
}

fn refused(h: &mut H, object: ObjectId, event: ProtocolEvent) -> bool {
    h.d.step(Input::Protocol { object, event }).is_err()
}

#[test]
fn wh_r30_send_progress_is_emitted_when_each_step_happens() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    assert_eq!(statuses(&h.notes()), vec![]);
    h.event(o, ProtocolEvent::Connecting { resolve: true });
    h.event(o, STEP);
    // The server has not been written to yet, the app already saw SENDING_REQUEST.
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::RESOLVING_NAME,
            wh::NAME_RESOLVED,
            wh::CONNECTING_TO_SERVER,
            wh::CONNECTED_TO_SERVER,
            wh::SENDING_REQUEST
        ]
    );
    // Law 12: connecting after the send progress started is refused.
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
    h.event(o, STEP);
    assert_eq!(statuses(&h.notes()), vec![wh::REQUEST_SENT]);
    // Every step of the send was reported: another is refused.
    assert!(refused(&mut h, o, STEP));
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(statuses(&h.notes()), vec![wh::SENDREQUEST_COMPLETE]);
}

#[test]
fn wh_r30_unreported_steps_come_at_the_completion() {
    // One step live, the rest at the completion: the same sequence as all bunched.
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    // WH-R23: queued behind the running send, so it reads the reply itself.
    h.call(Api::WinHttpReceiveResponse, r);
    h.event(o, STEP);
    h.complete_ok(o, Lane::Main, 0);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::SENDING_REQUEST,
            wh::REQUEST_SENT,
            wh::SENDREQUEST_COMPLETE
        ]
    );
    // The next operation starts its own count: the receive's progress is reported again.
    h.event(o, STEP);
    assert_eq!(statuses(&h.notes()), vec![wh::RECEIVING_RESPONSE]);
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RESPONSE_RECEIVED, wh::HEADERS_AVAILABLE]
    );
}

#[test]
fn wh_r30_a_blocked_synchronous_send_reports_its_steps_before_it_returns() {
    let (mut h, r, o) = winhttp_request(false);
    h.call(Api::WinHttpSendRequest, r);
    h.event(o, STEP);
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::SENDING_REQUEST, wh::REQUEST_SENT]
    );
    h.complete_ok(o, Lane::Main, 200);
    let out = h.outputs();
    assert!(out.iter().all(|o| !matches!(o, Output::Notify(_))));
    assert!(matches!(out.last(), Some(Output::CallReturned { .. })));
}

#[test]
fn wh_r31_live_receive_progress_around_a_redirect() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.event(o, STEP);
    h.event(o, STEP);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    h.event(o, STEP);
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED]
    );
    // The redirect repeats nothing already reported; the re-send's request follows when
    // it is written.
    h.event(o, ProtocolEvent::Redirect);
    assert_eq!(statuses(&h.notes()), vec![wh::REDIRECT]);
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::SENDING_REQUEST, wh::REQUEST_SENT]
    );
    h.event(o, STEP);
    assert_eq!(statuses(&h.notes()), vec![wh::RECEIVING_RESPONSE]);
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RESPONSE_RECEIVED, wh::HEADERS_AVAILABLE]
    );
}

#[test]
fn wh_r30_progress_needs_an_operation_with_progress_at_the_head() {
    let (mut h, r, o) = winhttp_request(true);
    // Nothing pending.
    assert!(refused(&mut h, o, STEP));
    h.call(Api::WinHttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 200);
    // WH-R24: the reply was read inside the send, the receive completes inline.
    assert!(inline(&h.call(Api::WinHttpReceiveResponse, r)));
    h.clear();
    // A read has no progress in the API table.
    h.call(Api::WinHttpReadData, r);
    assert!(refused(&mut h, o, STEP));
    assert_eq!(statuses(&h.notes()), vec![]);
}

#[test]
fn wi_r20_send_request_reports_each_step_before_request_complete() {
    let (mut h, r, o) = wininet_request(true);
    h.call(Api::HttpSendRequest, r);
    h.event(o, ProtocolEvent::Connecting { resolve: false });
    h.event(o, STEP);
    h.event(o, STEP);
    h.event(o, STEP);
    // A server that has not answered yet: SENDING, SENT and RECEIVING are out.
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wi::CONNECTING_TO_SERVER,
            wi::CONNECTED_TO_SERVER,
            wi::SENDING_REQUEST,
            wi::REQUEST_SENT,
            wi::RECEIVING_RESPONSE
        ]
    );
    h.event(o, ProtocolEvent::Progress { bytes: 120 });
    assert_eq!(statuses(&h.notes()), vec![wi::RESPONSE_RECEIVED]);
    h.complete_ok(o, Lane::Main, 0);
    assert_eq!(statuses(&h.notes()), vec![wi::REQUEST_COMPLETE]);
}

#[test]
fn wi_r21_pending_query_data_available_reports_response_received_before_request_complete() {
    let (mut h, r, o) = wininet_request(true);
    h.call(Api::HttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    // WI-R18: RECEIVING_RESPONSE on the calling thread, then the call pends.
    assert!(pending(&h.call(Api::InternetQueryDataAvailable, r)));
    assert_eq!(statuses(&h.notes()), vec![wi::RECEIVING_RESPONSE]);
    // Bytes arrive: RESPONSE_RECEIVED (with the count), then the completion.
    h.event(o, ProtocolEvent::Progress { bytes: 10 });
    h.complete_ok(o, Lane::Main, 10);
    assert_eq!(
        h.notes(),
        vec![
            (wi::RESPONSE_RECEIVED, Info::Bytes(10)),
            (
                wi::REQUEST_COMPLETE,
                Info::InternetResult {
                    result: 1,
                    error: 10
                }
            )
        ]
    );
    // Not reported live: the same sequence at the completion.
    assert!(pending(&h.call(Api::InternetQueryDataAvailable, r)));
    h.complete_ok(o, Lane::Main, 4);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wi::RECEIVING_RESPONSE,
            wi::RESPONSE_RECEIVED,
            wi::REQUEST_COMPLETE
        ]
    );
}

#[test]
fn wi_r21_a_pending_read_reports_response_received_with_the_bytes_as_they_arrive() {
    let (mut h, r, o) = wininet_request(true);
    h.call(Api::HttpSendRequest, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    assert!(pending(&h.call(Api::InternetReadFile, r)));
    h.event(o, ProtocolEvent::Progress { bytes: 7 });
    assert_eq!(
        h.notes(),
        vec![
            (wi::RECEIVING_RESPONSE, Info::None),
            (wi::RESPONSE_RECEIVED, Info::Bytes(7))
        ]
    );
    assert!(refused(&mut h, o, STEP));
    h.complete_ok(o, Lane::Main, 7);
    assert_eq!(statuses(&h.notes()), vec![wi::REQUEST_COMPLETE]);
}

#[test]
fn wh_r30_a_name_that_does_not_resolve_shows_resolving_name_only() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.event(o, ProtocolEvent::Resolving);
    assert_eq!(statuses(&h.notes()), vec![wh::RESOLVING_NAME]);
    // Once per send.
    assert!(refused(&mut h, o, ProtocolEvent::Resolving));
    // WH-R22: 12007, asynchronously REQUEST_ERROR; no NAME_RESOLVED.
    h.complete(
        o,
        Lane::Main,
        hinternet_core::Completion::Error(NAME_NOT_RESOLVED),
    );
    assert_eq!(statuses(&h.notes()), vec![wh::REQUEST_ERROR]);
}

#[test]
fn wi_r20_resolution_then_connect_emit_each_status_once_in_order() {
    let (mut h, r, o) = wininet_request(true);
    h.call(Api::HttpSendRequest, r);
    h.event(o, ProtocolEvent::Resolving);
    // A started resolution goes on with the resolved name only.
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
    h.event(o, ProtocolEvent::Connecting { resolve: true });
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wi::RESOLVING_NAME,
            wi::NAME_RESOLVED,
            wi::CONNECTING_TO_SERVER,
            wi::CONNECTED_TO_SERVER,
            wi::SENDING_REQUEST
        ]
    );
    // Law 12: no resolution after the send progress started.
    assert!(refused(&mut h, o, ProtocolEvent::Resolving));
    h.complete_ok(o, Lane::Main, 0);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wi::REQUEST_SENT,
            wi::RECEIVING_RESPONSE,
            wi::RESPONSE_RECEIVED,
            wi::REQUEST_COMPLETE
        ]
    );
}

#[test]
fn wh_r42_an_authentication_resend_reports_its_progress_without_redirect() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    // The 401 as it is read.
    h.event(o, STEP);
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED]
    );
    // The re-send: no REDIRECT, the send progress again as the request is written.
    h.event(o, ProtocolEvent::Resend);
    assert_eq!(statuses(&h.notes()), vec![]);
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::SENDING_REQUEST, wh::REQUEST_SENT]
    );
    // Its response, live, then the completion.
    h.event(o, STEP);
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED]
    );
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(statuses(&h.notes()), vec![wh::HEADERS_AVAILABLE]);
}

#[test]
fn wh_r42_a_resend_emits_the_unreported_response_first() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    // Nothing reported live: the 401's steps, then (at the completion) the re-send's.
    h.event(o, ProtocolEvent::Resend);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED]
    );
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::SENDING_REQUEST,
            wh::REQUEST_SENT,
            wh::RECEIVING_RESPONSE,
            wh::RESPONSE_RECEIVED,
            wh::HEADERS_AVAILABLE
        ]
    );
}

#[test]
fn wh_r42_a_resend_needs_a_receive_at_the_head() {
    let (mut h, r, o) = winhttp_request(true);
    // Nothing pending.
    assert!(refused(&mut h, o, ProtocolEvent::Resend));
    // A send is not a receive.
    h.call(Api::WinHttpSendRequest, r);
    assert!(refused(&mut h, o, ProtocolEvent::Resend));
}

/// The monitor's copy of `h`, fed one more `SENDING_REQUEST` on `o` (law 12's verdict).
fn extra_sending_breaks_law_12(h: &H, o: ObjectId, r: HandleValue) -> bool {
    let mut monitor = h.d.monitor.clone();
    let extra = Output::Notify(hinternet_core::Notification {
        object: o,
        handle: r,
        context: 0,
        status: wh::SENDING_REQUEST,
        info: Info::None,
        callback: None,
        needs_return: false,
    });
    monitor.on_output(&extra).is_err_and(|v| v.law == 12)
}

#[test]
fn wh_r42_law_12_allows_one_restart_per_resend() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.complete_ok(o, Lane::Main, 0);
    h.event(o, STEP);
    h.event(o, STEP);
    // After RESPONSE_RECEIVED, a SENDING_REQUEST without a re-send breaks law 12.
    assert!(extra_sending_breaks_law_12(&h, o, r));
    // The re-send's own SENDING_REQUEST is allowed; once it is out, a second one is not.
    h.event(o, ProtocolEvent::Resend);
    assert!(!extra_sending_breaks_law_12(&h, o, r));
    h.event(o, STEP);
    assert!(extra_sending_breaks_law_12(&h, o, r));
}

/// The monitor's copy of `h`, fed one more `status` on `o`: law 12's verdict.
fn extra_status_breaks_law_12(h: &H, o: ObjectId, r: HandleValue, status: u32) -> bool {
    let mut monitor = h.d.monitor.clone();
    let extra = Output::Notify(hinternet_core::Notification {
        object: o,
        handle: r,
        context: 0,
        status,
        info: Info::None,
        callback: None,
        needs_return: false,
    });
    monitor.on_output(&extra).is_err_and(|v| v.law == 12)
}

/// A WinHTTP request with a receive pending after its send completed.
fn receiving(async_mode: bool) -> (H, HandleValue, ObjectId) {
    let (mut h, r, o) = winhttp_request(async_mode);
    h.call(Api::WinHttpSendRequest, r);
    h.call(Api::WinHttpReceiveResponse, r);
    h.complete_ok(o, Lane::Main, 0);
    h.clear();
    (h, r, o)
}

#[test]
fn wh_r30_a_redirect_to_a_new_connection_reports_its_connect_before_the_resend() {
    let (mut h, r, o) = receiving(true);
    h.event(o, STEP);
    h.event(o, STEP);
    h.event(o, ProtocolEvent::Redirect);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED, wh::REDIRECT]
    );
    // The new target's name and connection, then the re-send as it is written.
    h.event(o, ProtocolEvent::Connecting { resolve: true });
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::RESOLVING_NAME,
            wh::NAME_RESOLVED,
            wh::CONNECTING_TO_SERVER,
            wh::CONNECTED_TO_SERVER
        ]
    );
    // At most once per re-send.
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
    assert!(refused(&mut h, o, ProtocolEvent::Resolving));
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::SENDING_REQUEST, wh::REQUEST_SENT]
    );
    // Law 12: no connect after the re-send's request went out; the monitor agrees.
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
    assert!(extra_status_breaks_law_12(
        &h,
        o,
        r,
        wh::CONNECTING_TO_SERVER
    ));
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::RECEIVING_RESPONSE,
            wh::RESPONSE_RECEIVED,
            wh::HEADERS_AVAILABLE
        ]
    );
}

#[test]
fn wh_r42_a_resend_on_a_new_connection_reports_its_resolution_and_connect() {
    let (mut h, r, o) = receiving(true);
    h.event(o, ProtocolEvent::Resend);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::RECEIVING_RESPONSE, wh::RESPONSE_RECEIVED]
    );
    // The monitor takes the re-send's first status, a resolution, as a new start.
    assert!(!extra_status_breaks_law_12(&h, o, r, wh::RESOLVING_NAME));
    h.event(o, ProtocolEvent::Resolving);
    assert_eq!(statuses(&h.notes()), vec![wh::RESOLVING_NAME]);
    // A started resolution goes on with the resolved name only.
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
    h.event(o, ProtocolEvent::Connecting { resolve: true });
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::NAME_RESOLVED,
            wh::CONNECTING_TO_SERVER,
            wh::CONNECTED_TO_SERVER,
            wh::SENDING_REQUEST,
            wh::REQUEST_SENT
        ]
    );
}

#[test]
fn wh_r30_a_receive_reports_no_connect_outside_a_resend() {
    let (mut h, _r, o) = receiving(true);
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: true }
    ));
    assert!(refused(&mut h, o, ProtocolEvent::Resolving));
    h.event(o, STEP);
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
}

#[test]
fn wh_r30_a_resend_that_never_connects_reports_no_send() {
    let (mut h, _r, o) = receiving(true);
    h.event(o, ProtocolEvent::Redirect);
    h.event(o, ProtocolEvent::Resolving);
    h.clear();
    // The name does not resolve: RESOLVING_NAME without the rest, and no request.
    h.complete(
        o,
        Lane::Main,
        hinternet_core::Completion::Error(NAME_NOT_RESOLVED),
    );
    assert_eq!(statuses(&h.notes()), vec![wh::REQUEST_ERROR]);
}

#[test]
fn wh_r28_a_second_redirect_sends_the_first_resend_first() {
    let (mut h, _r, o) = receiving(true);
    h.event(o, ProtocolEvent::Redirect);
    h.clear();
    // The re-send's request was written (its response redirects again).
    h.event(o, ProtocolEvent::Redirect);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wh::SENDING_REQUEST,
            wh::REQUEST_SENT,
            wh::RECEIVING_RESPONSE,
            wh::RESPONSE_RECEIVED,
            wh::REDIRECT
        ]
    );
    // The second re-send connects on its own.
    h.event(o, ProtocolEvent::Connecting { resolve: false });
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::CONNECTING_TO_SERVER, wh::CONNECTED_TO_SERVER]
    );
}

#[test]
fn wi_r20_an_end_request_redirect_reports_its_new_connection_before_the_resend() {
    let (mut h, r, o) = wininet_request(true);
    h.call(Api::HttpSendRequestEx, r);
    h.complete_ok(o, Lane::Main, 0);
    h.call(Api::HttpEndRequest, r);
    h.clear();
    h.event(o, ProtocolEvent::Redirect);
    assert_eq!(statuses(&h.notes()).last(), Some(&wi::REDIRECT));
    h.event(o, ProtocolEvent::Connecting { resolve: false });
    h.event(o, STEP);
    assert_eq!(
        statuses(&h.notes()),
        vec![
            wi::CONNECTING_TO_SERVER,
            wi::CONNECTED_TO_SERVER,
            wi::SENDING_REQUEST,
            wi::REQUEST_SENT
        ]
    );
    assert!(refused(
        &mut h,
        o,
        ProtocolEvent::Connecting { resolve: false }
    ));
}

/// Found by the `machine_sequence` fuzz target: a second `WinHttpReceiveResponse`, queued
/// behind a send whose `SENDING_REQUEST` was already reported, fails inside its call
/// (REQUEST_ERROR, 12019). That completion ends only itself: the send's `REQUEST_SENT`
/// still follows, and law 12 accepts it.
#[test]
fn law_12_an_inline_failure_behind_a_running_send_keeps_its_progress() {
    let (mut h, r, o) = winhttp_request(true);
    h.call(Api::WinHttpSendRequest, r);
    h.event(o, STEP);
    assert_eq!(statuses(&h.notes()), vec![wh::SENDING_REQUEST]);
    h.call(Api::WinHttpReceiveResponse, r);
    h.call(Api::WinHttpReceiveResponse, r);
    assert_eq!(statuses(&h.notes()), vec![wh::REQUEST_ERROR]);
    h.complete_ok(o, Lane::Main, 200);
    assert_eq!(
        statuses(&h.notes()),
        vec![wh::REQUEST_SENT, wh::SENDREQUEST_COMPLETE]
    );
}
