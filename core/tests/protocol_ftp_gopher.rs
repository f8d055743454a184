//! FTP (WI-R11, seed 002) and Gopher (seed 002, WI-R25) protocol rules through the
//! checked driver.

mod support;

use hinternet_core::wininet::*;
use hinternet_core::{
    Api, Completion, CreateApi, HandleValue, Info, Input, Lane, Outcome, Policy, ProtocolEvent,
    Ret, Service, ERROR_FTP_TRANSFER_IN_PROGRESS as BUSY, ERROR_IO_PENDING,
};
use support::*;

const FAIL: Ret = Ret::Bool(false);

const CONNECT_LEVEL: [Api; 8] = [
    Api::FtpCreateDirectory,
    Api::FtpDeleteFile,
    Api::FtpGetCurrentDirectory,
    Api::FtpGetFile,
    Api::FtpPutFile,
    Api::FtpRemoveDirectory,
    Api::FtpRenameFile,
    Api::FtpSetCurrentDirectory,
];

fn ftp(async_mode: bool) -> (H, HandleValue) {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, async_mode);
    let c = h.create(CreateApi::InternetConnect(Service::Ftp), root);
    h.clear();
    (h, c)
}

#[test]
fn wi_r11_an_open_file_makes_every_other_ftp_call_fail_12110() {
    let (mut h, c) = ftp(true);
    let file = h.create(CreateApi::FtpOpenFile, c);
    h.clear();
    for api in CONNECT_LEVEL {
        let r = h.call(api, c);
        expect(&r, FAIL, Some(BUSY));
        assert!(rejected(&r, BUSY), "{api}");
    }
    for api in [CreateApi::FtpFindFirstFile, CreateApi::FtpOpenFile] {
        let r = h.create_reply(api, c);
        expect(&r, Ret::Handle(HandleValue::NULL), Some(BUSY));
    }
    assert_eq!(h.notes(), vec![]);
    // The transfer ends: the session is free again.
    h.step(Input::Close { handle: file });
    for api in CONNECT_LEVEL {
        let r = h.call(api, c);
        expect(&r, FAIL, Some(ERROR_IO_PENDING));
        let o = h.obj(c);
        h.complete_ok(o, Lane::Main, 0);
    }
    let notes = h.notes();
    assert_eq!(notes.len(), 1 + CONNECT_LEVEL.len());
    assert_eq!(notes[0], (HANDLE_CLOSING, Info::Handle(file)));
    let ok = (
        REQUEST_COMPLETE,
        Info::InternetResult {
            result: 1,
            error: 0,
        },
    );
    assert!(notes[1..].iter().all(|n| *n == ok), "{notes:?}");
}

#[test]
fn wi_r11_a_second_find_first_file_while_a_find_is_open_gives_12110() {
    for async_mode in [false, true] {
        let (mut h, c) = ftp(async_mode);
        let find = h.create(CreateApi::FtpFindFirstFile, c);
        let r = h.create_reply(CreateApi::FtpFindFirstFile, c);
        expect(&r, Ret::Handle(HandleValue::NULL), Some(BUSY));
        expect(h.call(Api::FtpGetCurrentDirectory, c), FAIL, Some(BUSY));
        h.step(Input::Close { handle: find });
        let again = h.create_reply(CreateApi::FtpFindFirstFile, c);
        if async_mode {
            // WI-R18: NULL + 997, the handle comes with REQUEST_COMPLETE.
            expect(
                &again,
                Ret::Handle(HandleValue::NULL),
                Some(ERROR_IO_PENDING),
            );
            let o = h.obj(c);
            let done = h.complete_ok(o, Lane::Main, 0);
            assert!(matches!(done.outcome, Outcome::Created { .. }), "{done:?}");
        } else {
            assert!(matches!(again.outcome, Outcome::Created { .. }));
        }
    }
}

/// WI-R18 on an asynchronous FTP or Gopher session: a find or open returns NULL + 997 and
/// queues its pending part on the connect; its completion creates the handle
/// (HANDLE_CREATED through the connect with the new handle's context) and REQUEST_COMPLETE
/// carries the handle as dwResult. A failed pending part creates nothing.
#[test]
fn wi_r18_async_ftp_and_gopher_creates_pend_and_deliver_the_handle() {
    for (service, creates) in [
        (
            Service::Ftp,
            [CreateApi::FtpFindFirstFile, CreateApi::FtpOpenFile],
        ),
        (
            Service::Gopher,
            [CreateApi::GopherFindFirstFile, CreateApi::GopherOpenFile],
        ),
    ] {
        for api in creates {
            let mut h = H::new(Policy::wininet());
            let root = h.open(CreateApi::InternetOpen, true);
            let c = h.create(CreateApi::InternetConnect(service), root);
            let o = h.obj(c);
            h.clear();
            let r = h.step(Input::Create {
                api,
                source: c,
                context: Some(7),
            });
            expect(&r, Ret::Handle(HandleValue::NULL), Some(ERROR_IO_PENDING));
            assert_eq!(h.notes(), vec![], "{api}: nothing before the completion");
            let done = h.complete_ok(o, Lane::Main, 0);
            let Outcome::Created { value, kind, .. } = done.outcome else {
                panic!("{api}: {done:?}");
            };
            assert_eq!(kind, api.rule().child);
            assert_eq!(
                h.notes(),
                vec![
                    (HANDLE_CREATED, Info::Handle(value)),
                    (
                        REQUEST_COMPLETE,
                        Info::InternetResult {
                            result: u64::from(value.0),
                            error: 0
                        }
                    ),
                ],
                "{api}"
            );
            // A failure creates nothing and reports the error.
            let again = h.create_reply(api, c);
            if api == CreateApi::FtpFindFirstFile || api == CreateApi::FtpOpenFile {
                // The handle just created keeps the session busy (WI-R11).
                expect(&again, Ret::Handle(HandleValue::NULL), Some(BUSY));
                continue;
            }
            expect(
                &again,
                Ret::Handle(HandleValue::NULL),
                Some(ERROR_IO_PENDING),
            );
            h.clear();
            let failed = h.complete(o, Lane::Main, Completion::Error(12_004));
            assert!(!matches!(failed.outcome, Outcome::Created { .. }));
            assert_eq!(
                h.notes(),
                vec![(
                    REQUEST_COMPLETE,
                    Info::InternetResult {
                        result: 0,
                        error: 12_004
                    }
                )]
            );
        }
    }
}

/// WI-R11 judged again at the end of a pending create: a second asynchronous find queued
/// while the first was still pending completes with 12110 once the first has its handle.
#[test]
fn wi_r11_a_queued_async_find_completes_busy_when_the_first_opened() {
    let (mut h, c) = ftp(true);
    let o = h.obj(c);
    let first = h.create_reply(CreateApi::FtpFindFirstFile, c);
    expect(
        &first,
        Ret::Handle(HandleValue::NULL),
        Some(ERROR_IO_PENDING),
    );
    let second = h.create_reply(CreateApi::FtpFindFirstFile, c);
    expect(
        &second,
        Ret::Handle(HandleValue::NULL),
        Some(ERROR_IO_PENDING),
    );
    let made = h.complete_ok(o, Lane::Main, 0);
    assert!(matches!(made.outcome, Outcome::Created { .. }));
    h.clear();
    let refused = h.complete_ok(o, Lane::Main, 0);
    assert!(!matches!(refused.outcome, Outcome::Created { .. }));
    assert_eq!(
        h.notes(),
        vec![(
            REQUEST_COMPLETE,
            Info::InternetResult {
                result: 0,
                error: BUSY
            }
        )]
    );
}

#[test]
fn wi_r11_other_sessions_are_not_busy() {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, false);
    let a = h.create(CreateApi::InternetConnect(Service::Ftp), root);
    let b = h.create(CreateApi::InternetConnect(Service::Ftp), root);
    h.create(CreateApi::FtpOpenFile, a);
    assert_eq!(h.call(Api::FtpDeleteFile, b).ret, Ret::Blocked);
}

#[test]
fn seed_002_ftp_find_first_then_find_next() {
    let (mut h, c) = ftp(true);
    let find = h.create(CreateApi::FtpFindFirstFile, c);
    let o = h.obj(find);
    h.clear();
    let r = h.call(Api::InternetFindNextFile, find);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    h.complete(o, Lane::Main, Completion::Error(18));
    assert_eq!(
        h.notes(),
        vec![(
            REQUEST_COMPLETE,
            Info::InternetResult {
                result: 0,
                error: 18
            }
        )]
    );
}

#[test]
fn seed_002_ftp_open_file_then_read_and_write_without_http_progress() {
    let (mut h, c) = ftp(true);
    let file = h.create(CreateApi::FtpOpenFile, c);
    let o = h.obj(file);
    h.clear();
    expect(h.call(Api::InternetWriteFile, file), Ret::Bool(true), None);
    let r = h.call(Api::InternetReadFile, file);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    h.complete_ok(o, Lane::Main, 8);
    assert_eq!(
        h.notes(),
        vec![(
            REQUEST_COMPLETE,
            Info::InternetResult {
                result: 1,
                error: 0
            }
        )]
    );
    h.event(o, ProtocolEvent::DataBuffered(8));
    expect(h.call(Api::InternetReadFile, file), Ret::Bool(true), None);
    assert_eq!(h.notes(), vec![]);
}

fn gopher() -> (H, HandleValue) {
    let mut h = H::new(Policy::wininet());
    let root = h.open(CreateApi::InternetOpen, true);
    let c = h.create(CreateApi::InternetConnect(Service::Gopher), root);
    h.clear();
    (h, c)
}

#[test]
fn wi_r25_gopher_follows_the_documented_tree() {
    // GopherGetAttribute on the connect handle.
    let (mut h, c) = gopher();
    let r = h.call(Api::GopherGetAttribute, c);
    expect(&r, FAIL, Some(ERROR_IO_PENDING));
    // It completes before the finds below queue behind it on the connect (WI-R18).
    let co = h.obj(c);
    h.complete_ok(co, Lane::Main, 0);
    // GopherFindFirstFile -> InternetFindNextFile.
    let find = h.create(CreateApi::GopherFindFirstFile, c);
    expect(
        h.call(Api::InternetFindNextFile, find),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
    // GopherOpenFile -> InternetQueryDataAvailable / InternetReadFile; no busy rule.
    let file = h.create(CreateApi::GopherOpenFile, c);
    let o = h.obj(file);
    h.clear();
    expect(
        h.call(Api::InternetQueryDataAvailable, file),
        FAIL,
        Some(ERROR_IO_PENDING),
    );
    h.complete_ok(o, Lane::Main, 4);
    assert_eq!(
        h.notes(),
        vec![(
            REQUEST_COMPLETE,
            Info::InternetResult {
                result: 1,
                error: 4
            }
        )]
    );
    h.event(o, ProtocolEvent::DataBuffered(4));
    expect(h.call(Api::InternetReadFile, file), Ret::Bool(true), None);
    // Writing a Gopher file is not in the tree: wrong kind.
    expect(
        h.call(Api::InternetWriteFile, file),
        FAIL,
        Some(hinternet_core::ERROR_INVALID_HANDLE),
    );
}
