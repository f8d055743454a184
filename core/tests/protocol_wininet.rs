//! WinINet HTTP protocol (docs/behaviour.md WI-R10, WI-R17…R24): return value, last
//! error and the exact notification sequence of each rule, through the checked driver.

mod support;

use hinternet_core::wininet::*;
use hinternet_core::{
    Api, Completion, CreateApi, HandleValue, Info, Input, Lane, ObjectId, Outcome, Phase, Policy,
    ProtocolEvent, Ret, Service, ERROR_HTTP_HEADER_NOT_FOUND,
    ERROR_INTERNET_INCORRECT_HANDLE_STATE as STATE, ERROR_INTERNET_INCORRECT_HANDLE_TYPE as TYPE,
    ERROR_INTERNET_INTERNAL_ERROR, ERROR_INTERNET_OPERATION_CANCELLED as CANCELLED,
    ERROR_INVALID_HANDLE, ERROR_IO_PENDING,
};
use support::*;

const OK: Ret = Ret::Bool(true);
const FAIL: Ret = Ret::Bool(false);

fn done(result: u64, error: u32) -> (u32, Info) {
    (REQUEST_COMPLETE, Info::InternetResult { result, error })
}
fn none(status: u32) -> (u32, Info) {
    (status, Info::None)
}

struct Tree {
    h: H,
    root: HandleValue,
    connect: HandleValue,
    req: HandleValue,
    o: ObjectId,
}

/// A root (callback on), an HTTP connect and a request, all with context 1.
fn request(async_mode: bool) -> Tree {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, async_mode);
    let connect = h.create(CreateApi::InternetConnect(Service::Http), root);
    let req = h.create(CreateApi::HttpOpenRequest, connect);
    let o = h.obj(req);
    h.clear();
    Tree {
        h,
        root,
        connect,
        req,
        o,
    }
}

fn phase(t: &Tree) -> Phase {
    t.h.d.machine.object(t.o).expect("request").protocol().phase
}

/// Send and let the response arrive.
fn responded(t: &mut Tree) {
    t.h.call(Api::HttpSendRequest, t.req);
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(phase(t), Phase::Response);
    t.h.clear();
}

#[test]
fn wi_r10_read_family_codes_for_bad_and_wrong_kind_handles() {
    let mut t = request(true);
    let never = HandleValue(77);
    for api in [
        Api::InternetReadFile,
        Api::InternetQueryDataAvailable,
        Api::InternetSetFilePointer,
    ] {
        expect(t.h.call(api, never), FAIL, Some(ERROR_INVALID_HANDLE));
    }
    // Wrong kind: 12018 for read/QDA/find, 6 for write and set-pointer.
    expect(t.h.call(Api::InternetReadFile, t.connect), FAIL, Some(TYPE));
    expect(
        t.h.call(Api::InternetQueryDataAvailable, t.connect),
        FAIL,
        Some(TYPE),
    );
    expect(t.h.call(Api::InternetFindNextFile, t.req), FAIL, Some(TYPE));
    expect(
        t.h.call(Api::InternetWriteFile, t.connect),
        FAIL,
        Some(ERROR_INVALID_HANDLE),
    );
    expect(
        t.h.call(Api::InternetSetFilePointer, t.connect),
        FAIL,
        Some(ERROR_INVALID_HANDLE),
    );
    // Ftp* on a non-FTP handle: 12018; on NULL: 6.
    expect(
        t.h.call(Api::FtpCreateDirectory, t.connect),
        FAIL,
        Some(TYPE),
    );
    expect(
        t.h.call(Api::FtpCreateDirectory, HandleValue::NULL),
        FAIL,
        Some(ERROR_INVALID_HANDLE),
    );
    // Per-handle options on NULL: 12018.
    let q = t.h.step(Input::QueryContext {
        handle: HandleValue::NULL,
    });
    expect(&q, FAIL, Some(TYPE));
    let s = t.h.step(Input::SetContext {
        handle: HandleValue::NULL,
        context: 5,
    });
    expect(&s, FAIL, Some(TYPE));
    assert_eq!(t.h.notes(), vec![]);
}

#[test]
fn wi_r17_asynchrony_is_a_property_of_the_root() {
    let mut t = request(true);
    let r = t.h.call(Api::HttpSendRequest, t.req);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    assert!(pending(&r));
    let mut t = request(false);
    assert_eq!(t.h.call(Api::HttpSendRequest, t.req).ret, Ret::Blocked);
    let _ = t.root;
}

#[test]
fn wi_r18_send_request_async_returns_false_io_pending_then_request_complete() {
    let mut t = request(true);
    let r = t.h.call(Api::HttpSendRequest, t.req);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        t.h.notes(),
        vec![
            none(SENDING_REQUEST),
            none(REQUEST_SENT),
            none(RECEIVING_RESPONSE),
            (RESPONSE_RECEIVED, Info::Bytes(0)),
            done(1, 0),
        ]
    );
    // Re-sending on the same handle is legal (WI-R23) and behaves the same.
    expect(
        t.h.call(Api::HttpSendRequest, t.req),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
}

#[test]
fn wi_r18_send_request_ex_and_end_request_return_false_io_pending() {
    let mut t = request(true);
    expect(
        t.h.call(Api::HttpSendRequestEx, t.req),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(phase(&t), Phase::ExOpen);
    expect(
        t.h.call(Api::HttpEndRequest, t.req),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        statuses(&t.h.notes()),
        vec![
            SENDING_REQUEST,
            REQUEST_SENT,
            REQUEST_COMPLETE,
            RECEIVING_RESPONSE,
            RESPONSE_RECEIVED,
            REQUEST_COMPLETE
        ]
    );
    assert_eq!(phase(&t), Phase::Response);
}

#[test]
fn wi_r18_open_url_async_returns_null_io_pending_and_delivers_the_handle() {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, true);
    let ro = h.obj(root);
    h.clear();
    let r = h.create_reply(CreateApi::InternetOpenUrl, root);
    expect(&r, Ret::Handle(HandleValue::NULL), Some(ERROR_IO_PENDING));
    assert!(matches!(
        r.outcome,
        Outcome::Pending {
            object,
            lane: Lane::Main,
            ..
        } if object == ro
    ));
    assert_eq!(h.notes(), vec![], "nothing before the I/O");
    let c = h.complete_ok(ro, Lane::Main, 0);
    let Outcome::Created { value, .. } = c.outcome else {
        panic!("no handle created: {c:?}");
    };
    assert_eq!(
        h.notes(),
        vec![
            (HANDLE_CREATED, Info::Handle(value)),
            done(u64::from(value.0), 0),
        ]
    );
    // The handle is a response: readable at once.
    let url = h.obj(value);
    h.event(url, ProtocolEvent::DataBuffered(3));
    expect(h.call(Api::InternetReadFile, value), OK, None);
    // A failing InternetOpenUrl creates nothing.
    let before = h.d.machine.objects().count();
    h.create_reply(CreateApi::InternetOpenUrl, root);
    h.clear();
    let c = h.complete(ro, Lane::Main, Completion::Error(12007));
    assert_eq!(c.outcome, Outcome::Event);
    assert_eq!(h.notes(), vec![done(0, 12007)]);
    assert_eq!(h.d.machine.objects().count(), before);
    // The internal operation is never a call.
    expect(
        h.call(Api::InternetOpenUrl, root),
        FAIL,
        Some(hinternet_core::ERROR_INVALID_PARAMETER),
    );
}

#[test]
fn wi_r18_read_with_buffered_data_returns_true_at_once_without_notifications() {
    let mut t = request(true);
    responded(&mut t);
    t.h.event(t.o, ProtocolEvent::DataBuffered(16));
    t.h.clear();
    let r = t.h.call(Api::InternetReadFile, t.req);
    expect(&r, OK, None);
    assert_eq!(r.outcome, Outcome::Done { object: t.o });
    assert_eq!(t.h.notes(), vec![]);
    // QueryDataAvailable at the end of the body: TRUE at once as well.
    t.h.event(t.o, ProtocolEvent::EndOfData);
    expect(t.h.call(Api::InternetQueryDataAvailable, t.req), OK, None);
    assert_eq!(t.h.notes(), vec![]);
}

#[test]
fn wi_r18_read_that_must_wait_sends_receiving_response_then_pends() {
    let mut t = request(true);
    responded(&mut t);
    let r = t.h.call(Api::InternetReadFile, t.req);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    assert_eq!(t.h.notes(), vec![none(RECEIVING_RESPONSE)]);
    t.h.complete_ok(t.o, Lane::Main, 16);
    assert_eq!(
        t.h.notes(),
        vec![(RESPONSE_RECEIVED, Info::Bytes(16)), done(1, 0)]
    );
}

#[test]
fn wi_r19_pending_query_data_available_reports_the_count_in_dw_error() {
    let mut t = request(true);
    responded(&mut t);
    let r = t.h.call(Api::InternetQueryDataAvailable, t.req);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    assert_eq!(t.h.notes(), vec![none(RECEIVING_RESPONSE)]);
    t.h.complete_ok(t.o, Lane::Main, 10);
    // WI-R21: RESPONSE_RECEIVED comes before the completion, as for a pending read.
    assert_eq!(
        t.h.notes(),
        vec![(RESPONSE_RECEIVED, Info::Bytes(10)), done(1, 10)]
    );
}

#[test]
fn wi_r19_failed_send_ex_then_end_request_gives_12017() {
    let mut t = request(true);
    t.h.call(Api::HttpSendRequestEx, t.req);
    t.h.complete(t.o, Lane::Main, Completion::Error(12007));
    assert_eq!(t.h.notes(), vec![done(0, 12007)]);
    let r = t.h.call(Api::HttpEndRequest, t.req);
    expect(&r, FAIL, Some(CANCELLED));
    assert!(inline(&r));
    assert_eq!(t.h.notes(), vec![done(0, CANCELLED)]);
    // Synchronous: the same error, returned.
    let mut t = request(false);
    t.h.call(Api::HttpSendRequestEx, t.req);
    t.h.complete(t.o, Lane::Main, Completion::Error(12007));
    t.h.clear();
    let r = t.h.call(Api::HttpEndRequest, t.req);
    expect(&r, FAIL, Some(CANCELLED));
    assert!(rejected(&r, CANCELLED));
    assert_eq!(t.h.notes(), vec![]);
}

#[test]
fn wi_r20_send_request_ex_write_end_close_in_order() {
    let mut t = request(true);
    t.h.call(Api::HttpSendRequestEx, t.req);
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        t.h.notes(),
        vec![none(SENDING_REQUEST), none(REQUEST_SENT), done(1, 0)]
    );
    for _ in 0..2 {
        let w = t.h.call(Api::InternetWriteFile, t.req);
        expect(&w, OK, None);
        assert_eq!(
            t.h.notes(),
            vec![none(SENDING_REQUEST), none(REQUEST_SENT)],
            "on the calling thread, inside the call"
        );
    }
    t.h.call(Api::HttpEndRequest, t.req);
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        t.h.notes(),
        vec![
            none(RECEIVING_RESPONSE),
            (RESPONSE_RECEIVED, Info::Bytes(0)),
            done(1, 0)
        ]
    );
    for h in [t.req, t.connect, t.root] {
        t.h.step(Input::Close { handle: h });
    }
    assert_eq!(
        statuses(&t.h.notes()),
        vec![HANDLE_CLOSING, HANDLE_CLOSING, HANDLE_CLOSING]
    );
}

#[test]
fn wi_r20_redirect_repeats_the_send_progress() {
    let mut t = request(true);
    t.h.call(Api::HttpSendRequest, t.req);
    t.h.event(t.o, ProtocolEvent::Redirect);
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        statuses(&t.h.notes()),
        vec![
            SENDING_REQUEST,
            REQUEST_SENT,
            RECEIVING_RESPONSE,
            RESPONSE_RECEIVED,
            REDIRECT,
            SENDING_REQUEST,
            REQUEST_SENT,
            RECEIVING_RESPONSE,
            RESPONSE_RECEIVED,
            REQUEST_COMPLETE
        ]
    );
}

#[test]
fn wi_r20_sync_mode_sends_the_progress_but_no_request_complete() {
    let mut t = request(false);
    t.h.call(Api::HttpSendRequest, t.req);
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        statuses(&t.h.notes()),
        vec![
            SENDING_REQUEST,
            REQUEST_SENT,
            RECEIVING_RESPONSE,
            RESPONSE_RECEIVED
        ]
    );
}

#[test]
fn wi_r21_read_at_the_end_of_the_body_returns_true_with_nothing() {
    let mut t = request(true);
    responded(&mut t);
    t.h.event(t.o, ProtocolEvent::EndOfData);
    t.h.clear();
    for _ in 0..2 {
        let r = t.h.call(Api::InternetReadFileEx, t.req);
        expect(&r, OK, None);
    }
    assert_eq!(t.h.notes(), vec![]);
    // Sync, data not yet there: RECEIVING_RESPONSE, blocked, RESPONSE_RECEIVED, return.
    let mut t = request(false);
    responded(&mut t);
    assert_eq!(t.h.call(Api::InternetReadFile, t.req).ret, Ret::Blocked);
    t.h.complete_ok(t.o, Lane::Main, 4);
    assert_eq!(
        t.h.notes(),
        vec![
            none(RECEIVING_RESPONSE),
            (RESPONSE_RECEIVED, Info::Bytes(4))
        ]
    );
}

#[test]
fn wi_r22_query_info_between_send_ex_and_end_request_gives_12019() {
    let mut t = request(true);
    t.h.call(Api::HttpSendRequestEx, t.req);
    let q = t.h.call(Api::HttpQueryInfo, t.req);
    expect(&q, FAIL, Some(STATE));
    t.h.complete_ok(t.o, Lane::Main, 0);
    expect(t.h.call(Api::HttpQueryInfo, t.req), FAIL, Some(STATE));
    t.h.call(Api::HttpEndRequest, t.req);
    expect(t.h.call(Api::HttpQueryInfo, t.req), FAIL, Some(STATE));
    t.h.complete_ok(t.o, Lane::Main, 0);
    expect(t.h.call(Api::HttpQueryInfo, t.req), OK, None);
}

#[test]
fn wi_r22_query_info_after_a_failed_resolve_gives_12150() {
    let mut t = request(true);
    t.h.call(Api::HttpSendRequestEx, t.req);
    t.h.complete(t.o, Lane::Main, Completion::Error(12007));
    let q = t.h.call(Api::HttpQueryInfo, t.req);
    expect(&q, FAIL, Some(ERROR_HTTP_HEADER_NOT_FOUND));
    assert!(rejected(&q, ERROR_HTTP_HEADER_NOT_FOUND));
}

#[test]
fn wi_r23_before_sending_query_info_succeeds_and_reads_need_the_send() {
    let mut t = request(true);
    expect(t.h.call(Api::HttpQueryInfo, t.req), OK, None);
    expect(t.h.call(Api::HttpAddRequestHeaders, t.req), OK, None);
    expect(t.h.call(Api::InternetReadFile, t.req), FAIL, Some(STATE));
    expect(
        t.h.call(Api::InternetQueryDataAvailable, t.req),
        FAIL,
        Some(STATE),
    );
    expect(
        t.h.call(Api::InternetSetFilePointer, t.req),
        FAIL,
        Some(STATE),
    );
    expect(t.h.call(Api::InternetWriteFile, t.req), FAIL, Some(STATE));
    assert_eq!(t.h.notes(), vec![]);
    // After the response: readable; SetFilePointer legal; re-send legal and drains.
    responded(&mut t);
    expect(t.h.call(Api::InternetSetFilePointer, t.req), OK, None);
    t.h.event(t.o, ProtocolEvent::DataBuffered(50));
    expect(
        t.h.call(Api::HttpSendRequest, t.req),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
    let p = t.h.d.machine.object(t.o).expect("request").protocol();
    assert_eq!((p.phase, p.avail), (Phase::Sending, 0));
}

#[test]
fn wi_r24_read_while_a_read_is_pending_gives_12004() {
    let mut t = request(true);
    responded(&mut t);
    t.h.call(Api::InternetReadFile, t.req);
    t.h.clear();
    for api in [
        Api::InternetReadFile,
        Api::InternetReadFileEx,
        Api::InternetQueryDataAvailable,
    ] {
        let r = t.h.call(api, t.req);
        expect(&r, FAIL, Some(ERROR_INTERNET_INTERNAL_ERROR));
    }
    assert_eq!(t.h.notes(), vec![]);
    t.h.complete_ok(t.o, Lane::Main, 1);
    expect(
        t.h.call(Api::InternetReadFile, t.req),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
}

#[test]
fn wi_r23_status_text_before_the_send_gives_12150_status_code_succeeds() {
    use hinternet_core::CallArg;
    let mut t = request(true);
    let q = t.h.call_with(
        Api::HttpQueryInfo,
        t.req,
        CallArg::QueryLevel(QUERY_STATUS_TEXT),
    );
    expect(&q, FAIL, Some(ERROR_HTTP_HEADER_NOT_FOUND));
    let flag_number = 0x2000_0000;
    let q = t.h.call_with(
        Api::HttpQueryInfo,
        t.req,
        CallArg::QueryLevel(QUERY_STATUS_CODE | flag_number),
    );
    expect(&q, OK, None);
    responded(&mut t);
    let q = t.h.call_with(
        Api::HttpQueryInfo,
        t.req,
        CallArg::QueryLevel(QUERY_STATUS_TEXT),
    );
    expect(&q, OK, None);
}

#[test]
fn wi_r23_certificate_options_before_a_connection() {
    use hinternet_core::{CallArg, ERROR_INTERNET_INVALID_OPERATION};
    let mut t = request(true);
    let cert = CallArg::Option(OPTION_SECURITY_CERTIFICATE);
    let chain = CallArg::Option(OPTION_SERVER_CERT_CHAIN_CONTEXT);
    expect(
        t.h.call_with(Api::InternetQueryOption, t.req, cert),
        FAIL,
        Some(ERROR_INTERNET_INVALID_OPERATION),
    );
    expect(
        t.h.call_with(Api::InternetQueryOption, t.req, chain),
        FAIL,
        Some(STATE),
    );
    responded(&mut t);
    expect(
        t.h.call_with(Api::InternetQueryOption, t.req, cert),
        OK,
        None,
    );
}

#[test]
fn wi_r10_options_not_valid_for_the_kind_give_12018() {
    use hinternet_core::{CallArg, ERROR_INTERNET_OPTION_NOT_SETTABLE};
    let mut t = request(false);
    for o in [OPTION_USER_AGENT, OPTION_REQUEST_FLAGS] {
        expect(
            t.h.call_with(Api::InternetQueryOption, t.connect, CallArg::Option(o)),
            FAIL,
            Some(TYPE),
        );
        expect(
            t.h.call_with(Api::InternetQueryOption, t.root, CallArg::Option(o)),
            OK,
            None,
        );
    }
    for h in [t.connect, t.req] {
        let r =
            t.h.call_with(Api::InternetSetOption, h, CallArg::Option(OPTION_REFRESH));
        expect(&r, FAIL, Some(TYPE));
    }
    expect(
        t.h.call_with(
            Api::InternetSetOption,
            t.root,
            CallArg::Option(OPTION_REFRESH),
        ),
        OK,
        None,
    );
    // WI-R14: the callback cannot be set as an option on a handle (12011).
    let r = t.h.call_with(
        Api::InternetSetOption,
        t.req,
        CallArg::Option(OPTION_CALLBACK),
    );
    expect(&r, FAIL, Some(ERROR_INTERNET_OPTION_NOT_SETTABLE));
    assert_eq!(t.h.notes(), vec![]);
}

#[test]
fn wi_r10_ftp_get_file_with_a_null_session_gives_invalid_handle() {
    // Windows may answer 12172 before any InternetOpen; 6 is the other accepted answer.
    let mut h = H::new(Policy::wininet());
    expect(
        h.call(Api::FtpGetFile, HandleValue::NULL),
        FAIL,
        Some(ERROR_INVALID_HANDLE),
    );
}

#[test]
fn wi_r20_send_request_ex_strict_order_with_a_new_connection() {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, true);
    let connect = h.create(CreateApi::InternetConnect(Service::Http), root);
    let req = h.create(CreateApi::HttpOpenRequest, connect);
    let o = h.obj(req);
    h.call(Api::HttpSendRequestEx, req);
    h.event(o, ProtocolEvent::Connecting { resolve: false });
    h.complete_ok(o, Lane::Main, 0);
    h.call(Api::InternetWriteFile, req);
    h.call(Api::HttpEndRequest, req);
    h.complete_ok(o, Lane::Main, 0);
    for v in [req, connect, root] {
        h.step(Input::Close { handle: v });
    }
    assert_eq!(
        statuses(&h.notes()),
        vec![
            HANDLE_CREATED,
            HANDLE_CREATED,
            CONNECTING_TO_SERVER,
            CONNECTED_TO_SERVER,
            SENDING_REQUEST,
            REQUEST_SENT,
            REQUEST_COMPLETE,
            SENDING_REQUEST,
            REQUEST_SENT,
            RECEIVING_RESPONSE,
            RESPONSE_RECEIVED,
            REQUEST_COMPLETE,
            HANDLE_CLOSING,
            HANDLE_CLOSING,
            HANDLE_CLOSING,
        ]
    );
}

#[test]
fn wi_r21_a_connection_that_cannot_be_kept_closes_before_the_completion() {
    let mut t = request(true);
    responded(&mut t);
    t.h.call(Api::InternetReadFile, t.req);
    t.h.event(t.o, ProtocolEvent::ConnectionClosed);
    t.h.complete_ok(t.o, Lane::Main, 0);
    assert_eq!(
        t.h.notes(),
        vec![
            none(RECEIVING_RESPONSE),
            none(CLOSING_CONNECTION),
            none(CONNECTION_CLOSED),
            (RESPONSE_RECEIVED, Info::Bytes(0)),
            done(1, 0)
        ]
    );
}
