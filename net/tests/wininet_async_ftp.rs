//! Asynchronous FTP and Gopher creates through the typed WinINet API (WI-R27) and
//! `InternetFindNextFile` on URL handles (WI-R26), against the loopback FTP and Gopher
//! servers: NULL + 997, the handle as the `dwResult` of `REQUEST_COMPLETE` after its
//! `HANDLE_CREATED`, the first entry written before the completion, and the handle usable.

mod support;

use hinternet_net::wininet::api::ftp::GENERIC_READ;
use hinternet_net::wininet::api::{slot, FoundEntry, HandleValue, StatusInfo, VecBuffer, WinInet};
use hinternet_testservers::{ftp, gopher};
use support::wininet::*;
use windows_sys::Win32::Foundation::{ERROR_IO_PENDING, ERROR_NO_MORE_FILES};
use windows_sys::Win32::Networking::WinInet as wi;

fn connect(api: &WinInet, root: HandleValue, port: u16, service: u32) -> HandleValue {
    let c = api.internet_connect(
        root,
        Some("127.0.0.1"),
        port,
        None,
        None,
        service,
        wi::INTERNET_FLAG_PASSIVE,
        1,
    );
    // WI-R27: InternetConnect logs in inside the call even on an asynchronous session.
    assert_ne!(c.ret, HandleValue::NULL, "{:?}", c.last_error);
    c.ret
}

/// The handle in a successful REQUEST_COMPLETE.
fn created_handle(done: &hinternet_net::wininet::api::Status) -> HandleValue {
    match done.info {
        StatusInfo::AsyncResult { result, error: 0 } if result != 0 => {
            HandleValue(u32::try_from(result).expect("a handle value fits 32 bits"))
        }
        ref other => panic!("REQUEST_COMPLETE without a handle: {other:?}"),
    }
}

/// Reads `h` to its end, waiting for each pending read (bounded).
fn read_all_async(
    api: &WinInet,
    h: HandleValue,
    rx: &std::sync::mpsc::Receiver<hinternet_net::wininet::api::Status>,
) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let buf = VecBuffer::new(4096);
        let count = slot();
        let a = api.internet_read_file(h, buf.clone(), count.clone());
        let n = if a.ret {
            a.out
        } else {
            assert_eq!(a.last_error, Some(ERROR_IO_PENDING));
            let done = next_complete(rx);
            assert!(
                matches!(
                    done.info,
                    StatusInfo::AsyncResult {
                        result: 1,
                        error: 0
                    }
                ),
                "{done:?}"
            );
            count.lock().expect("not poisoned").unwrap_or(0)
        };
        if n == 0 {
            return out;
        }
        out.extend(buf.prefix(n as usize));
    }
    panic!("no end of data within 10,000 reads");
}

#[test]
fn async_ftp_find_first_file_delivers_the_handle_and_the_first_entry() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let root = async_root(&api);
    let c = connect(&api, root, server.handle.port(), wi::INTERNET_SERVICE_FTP);
    let (cb, rec, rx) = recording();
    api.internet_set_status_callback(c, Some(cb)).ret.ok();
    let first = slot();
    let f = api.ftp_find_first_file(c, Some("/pub"), 0, 9, first.clone());
    assert_eq!(
        (f.ret, f.last_error, f.out),
        (HandleValue::NULL, Some(ERROR_IO_PENDING), None)
    );
    let done = next_complete(&rx);
    let find = created_handle(&done);
    assert_eq!(done.context, 9, "the completion carries the find's context");
    let all = rec.all();
    assert_eq!(
        names(&rec.statuses()),
        ["HANDLE_CREATED", "REQUEST_COMPLETE"]
    );
    assert_eq!(all[0].info, StatusInfo::Handle(find));
    assert_eq!((all[0].handle, all[0].context), (c, 9));
    let entry = first
        .lock()
        .expect("not poisoned")
        .clone()
        .expect("first entry written before REQUEST_COMPLETE");
    let mut names_seen = vec![entry.file_name];
    for _ in 0..10 {
        let out = slot();
        let n = api.internet_find_next_file(find, out.clone());
        assert_eq!((n.ret, n.last_error), (false, Some(ERROR_IO_PENDING)));
        let done = next_complete(&rx);
        match done.info {
            StatusInfo::AsyncResult {
                result: 1,
                error: 0,
            } => match out.lock().expect("not poisoned").clone() {
                Some(FoundEntry::Ftp(e)) => names_seen.push(e.file_name),
                other => panic!("{other:?}"),
            },
            StatusInfo::AsyncResult {
                result: 0,
                error: ERROR_NO_MORE_FILES,
            } => break,
            other => panic!("{other:?}"),
        }
    }
    names_seen.sort();
    assert_eq!(names_seen, ["data.bin", "notes.txt"]);
    // WI-R11 still holds: the open find keeps the session busy, judged inside the call.
    let busy = api.ftp_find_first_file(c, Some("/pub"), 0, 10, slot());
    assert_eq!(
        (busy.ret, busy.last_error),
        (HandleValue::NULL, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS))
    );
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn async_ftp_open_file_then_read_and_a_failed_open() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let root = async_root(&api);
    let c = connect(&api, root, server.handle.port(), wi::INTERNET_SERVICE_FTP);
    let (cb, _rec, rx) = recording();
    api.internet_set_status_callback(c, Some(cb)).ret.ok();
    let f = api.ftp_open_file(
        c,
        "/pub/data.bin",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        4,
    );
    assert_eq!(
        (f.ret, f.last_error),
        (HandleValue::NULL, Some(ERROR_IO_PENDING))
    );
    let file = created_handle(&next_complete(&rx));
    assert_eq!(
        read_all_async(&api, file, &rx),
        server.file("/pub/data.bin").expect("present")
    );
    assert!(api.internet_close_handle(file).ret);
    // A missing file: REQUEST_COMPLETE with the error and no handle.
    let m = api.ftp_open_file(
        c,
        "/nope.bin",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        5,
    );
    assert_eq!(
        (m.ret, m.last_error),
        (HandleValue::NULL, Some(ERROR_IO_PENDING))
    );
    let done = next_complete(&rx);
    assert_eq!(
        done.info,
        StatusInfo::AsyncResult {
            result: 0,
            error: wi::ERROR_INTERNET_EXTENDED_ERROR
        }
    );
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn async_gopher_find_and_open_deliver_their_handles() {
    let server = gopher::start();
    let api = WinInet::new();
    let root = async_root(&api);
    let c = connect(&api, root, server.port(), wi::INTERNET_SERVICE_GOPHER);
    let (cb, _rec, rx) = recording();
    api.internet_set_status_callback(c, Some(cb)).ret.ok();
    let first = slot();
    let f = api.gopher_find_first_file(c, None, None, 0, 2, first.clone());
    assert_eq!(
        (f.ret, f.last_error),
        (HandleValue::NULL, Some(ERROR_IO_PENDING))
    );
    let find = created_handle(&next_complete(&rx));
    assert!(first.lock().expect("not poisoned").is_some());
    let mut count = 1;
    for _ in 0..100 {
        let n = api.internet_find_next_file(find, slot());
        assert_eq!(n.last_error, Some(ERROR_IO_PENDING));
        match next_complete(&rx).info {
            StatusInfo::AsyncResult { result: 1, .. } => count += 1,
            StatusInfo::AsyncResult {
                error: ERROR_NO_MORE_FILES,
                ..
            } => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(count, gopher::ROOT_ITEMS);
    let loc = api
        .gopher_create_locator(
            "127.0.0.1",
            server.port(),
            Some("about"),
            Some("/about.txt"),
            wi::GOPHER_TYPE_TEXT_FILE,
        )
        .out
        .expect("locator");
    let o = api.gopher_open_file(c, &loc, None, 0, 3);
    assert_eq!(
        (o.ret, o.last_error),
        (HandleValue::NULL, Some(ERROR_IO_PENDING))
    );
    let file = created_handle(&next_complete(&rx));
    assert_eq!(read_all_async(&api, file, &rx), gopher::ABOUT_TEXT);
    api.internet_close_handle(root);
    finish(&api);
}

/// WI-R26: InternetFindNextFile walks the listing behind an InternetOpenUrl of an FTP
/// directory or a Gopher menu; a URL handle of a file is the wrong kind (12018).
#[test]
fn find_next_file_on_url_handles() {
    let ftp_server = ftp::start(vec![]);
    let gopher_server = gopher::start();
    let api = WinInet::new();
    let root = sync_root(&api);
    let dir = format!("ftp://127.0.0.1:{}/pub/", ftp_server.handle.port());
    let d = api.internet_open_url(root, &dir, None, 0, 0);
    assert_ne!(d.ret, HandleValue::NULL, "{:?}", d.last_error);
    let mut names_seen = Vec::new();
    for _ in 0..10 {
        let n = api.internet_find_next_file(d.ret, slot());
        if !n.ret {
            assert_eq!(n.last_error, Some(ERROR_NO_MORE_FILES));
            break;
        }
        match n.out {
            Some(FoundEntry::Ftp(e)) => names_seen.push(e.file_name),
            other => panic!("{other:?}"),
        }
    }
    names_seen.sort();
    assert_eq!(names_seen, ["data.bin", "notes.txt"]);
    let menu = format!("gopher://127.0.0.1:{}/", gopher_server.port());
    let g = api.internet_open_url(root, &menu, None, 0, 0);
    assert_ne!(g.ret, HandleValue::NULL, "{:?}", g.last_error);
    let mut items = 0;
    for _ in 0..100 {
        let n = api.internet_find_next_file(g.ret, slot());
        if !n.ret {
            assert_eq!(n.last_error, Some(ERROR_NO_MORE_FILES));
            break;
        }
        assert!(matches!(n.out, Some(FoundEntry::Gopher(_))));
        items += 1;
    }
    assert_eq!(items, gopher::ROOT_ITEMS);
    let file = format!("ftp://127.0.0.1:{}/pub/data.bin", ftp_server.handle.port());
    let f = api.internet_open_url(root, &file, None, 0, 0);
    assert_ne!(f.ret, HandleValue::NULL, "{:?}", f.last_error);
    let n = api.internet_find_next_file(f.ret, slot());
    assert_eq!(
        (n.ret, n.last_error),
        (false, Some(wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE))
    );
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn async_ftp_command_with_data_runs_inside_the_call() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let root = async_root(&api);
    let c = connect(&api, root, server.handle.port(), wi::INTERNET_SERVICE_FTP);
    let (cb, rec, rx) = recording();
    api.internet_set_status_callback(c, Some(cb)).ret.ok();
    // WI-R30 with WI-R27: the handle is returned by the call, not by REQUEST_COMPLETE.
    let cmd = api.ftp_command(c, true, wi::FTP_TRANSFER_TYPE_ASCII, "NLST /pub", 7);
    assert_eq!((cmd.ret, cmd.last_error), (true, None));
    assert_ne!(cmd.out, HandleValue::NULL);
    let all = rec.all();
    assert_eq!(names(&rec.statuses()), ["HANDLE_CREATED"]);
    assert_eq!(all[0].info, StatusInfo::Handle(cmd.out));
    assert_eq!((all[0].handle, all[0].context), (c, 7));
    let busy = api.ftp_find_first_file(c, Some("/pub"), 0, 8, slot());
    assert_eq!(
        (busy.ret, busy.last_error),
        (HandleValue::NULL, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS))
    );
    assert_eq!(
        read_all_async(&api, cmd.out, &rx),
        b"data.bin\r\nnotes.txt\r\n"
    );
    assert!(api.internet_close_handle(cmd.out).ret);
    // A refused command fails inside the call too.
    let bad = api.ftp_command(c, true, wi::FTP_TRANSFER_TYPE_ASCII, "LIST /nope", 9);
    assert_eq!(
        (bad.ret, bad.last_error, bad.out),
        (
            false,
            Some(wi::ERROR_INTERNET_EXTENDED_ERROR),
            HandleValue::NULL
        )
    );
    api.internet_close_handle(root);
    finish(&api);
}
