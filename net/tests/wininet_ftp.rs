//! The typed WinINet API's FTP and Gopher functions against the loopback FTP and Gopher
//! servers: find/next, open + read/write, get/put, directory commands, the busy rule,
//! the last response, `InternetOpenUrl` of ftp and gopher URLs, Gopher menus and files.

mod support;

use hinternet_net::wininet::api::ftp::{GENERIC_READ, GENERIC_WRITE};
use hinternet_net::wininet::api::{slot, FoundEntry, HandleValue, WinInet};
use hinternet_net::wininet::options::QueryBuffer;
use hinternet_testservers::{ftp, gopher};
use support::wininet::*;
use windows_sys::Win32::Foundation::{ERROR_IO_PENDING, ERROR_NO_MORE_FILES};
use windows_sys::Win32::Networking::WinInet as wi;

fn ftp_connect(api: &WinInet, port: u16, flags: u32) -> (HandleValue, HandleValue) {
    let root = api.internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, flags);
    let c = api.internet_connect(
        root.ret,
        Some("127.0.0.1"),
        port,
        None,
        None,
        wi::INTERNET_SERVICE_FTP,
        wi::INTERNET_FLAG_PASSIVE,
        1,
    );
    assert_ne!(c.ret, HandleValue::NULL, "{:?}", c.last_error);
    (root.ret, c.ret)
}

#[test]
fn find_first_next_and_no_more_files() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let (root, c) = ftp_connect(&api, server.handle.port(), 0);
    let f = api.ftp_find_first_file(c, Some("/pub"), 0, 2, slot());
    assert_ne!(f.ret, HandleValue::NULL, "{:?}", f.last_error);
    let mut names = vec![f.out.expect("first entry").file_name];
    for _ in 0..10 {
        let n = api.internet_find_next_file(f.ret, slot());
        if !n.ret {
            assert_eq!(n.last_error, Some(ERROR_NO_MORE_FILES));
            break;
        }
        match n.out {
            Some(FoundEntry::Ftp(e)) => names.push(e.file_name),
            other => panic!("{other:?}"),
        }
    }
    names.sort();
    assert_eq!(names, ["data.bin", "notes.txt"]);
    // The busy rule: a second find while this one is open.
    let second = api.ftp_find_first_file(c, Some("/pub"), 0, 3, slot());
    assert_eq!(
        (second.ret, second.last_error),
        (HandleValue::NULL, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS))
    );
    let busy = api.ftp_create_directory(c, "/x");
    assert_eq!(
        (busy.ret, busy.last_error),
        (false, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS))
    );
    assert!(api.internet_close_handle(f.ret).ret);
    assert!(api.ftp_create_directory(c, "/x").ret);
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn open_read_write_get_put_and_directory_commands() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let (root, c) = ftp_connect(&api, server.handle.port(), 0);
    // Read.
    let f = api.ftp_open_file(
        c,
        "/pub/notes.txt",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        0,
    );
    assert_ne!(f.ret, HandleValue::NULL, "{:?}", f.last_error);
    let size = api.ftp_get_file_size(f.ret);
    assert_eq!((size.ret, size.out), (20, 0));
    assert_eq!(read_all(&api, f.ret), b"line one\r\nline two\r\n");
    // Busy while the file is open.
    let busy = api.ftp_open_file(
        c,
        "/pub/data.bin",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        0,
    );
    assert_eq!(busy.last_error, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS));
    assert!(api.internet_close_handle(f.ret).ret);
    assert!(api.engine().wait_quiescent());
    // Write.
    let w = api.ftp_open_file(c, "/up.txt", GENERIC_WRITE, wi::FTP_TRANSFER_TYPE_BINARY, 0);
    assert_ne!(w.ret, HandleValue::NULL, "{:?}", w.last_error);
    let wr = api.internet_write_file(w.ret, b"uploaded");
    assert!(wr.ret && wr.out == 8, "{wr:?}");
    assert!(api.internet_close_handle(w.ret).ret);
    assert!(api.engine().wait_quiescent());
    // Directory commands.
    assert!(api.ftp_create_directory(c, "/new").ret);
    assert!(server.is_dir("/new"));
    assert!(api.ftp_set_current_directory(c, "/new").ret);
    let pwd = api.ftp_get_current_directory(c, slot());
    assert_eq!(pwd.out.as_deref(), Some("/new"));
    assert!(api.ftp_set_current_directory(c, "/").ret);
    assert!(api.ftp_remove_directory(c, "/new").ret);
    assert!(!server.is_dir("/new"));
    // Get / put through local files.
    let dir = std::env::temp_dir().join(format!("wininet-ftp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("present");
    let local = dir.join("data.bin");
    let _ = std::fs::remove_file(&local);
    let g = api.ftp_get_file(
        c,
        "/pub/data.bin",
        local.clone(),
        true,
        wi::FTP_TRANSFER_TYPE_BINARY,
    );
    assert!(g.ret, "{:?}", g.last_error);
    assert_eq!(
        std::fs::read(&local).expect("present"),
        server.file("/pub/data.bin").expect("present")
    );
    let p = api.ftp_put_file(c, local.clone(), "/copy.bin", wi::FTP_TRANSFER_TYPE_BINARY);
    assert!(p.ret, "{:?}", p.last_error);
    assert_eq!(server.file("/copy.bin"), server.file("/pub/data.bin"));
    let _ = std::fs::remove_dir_all(&dir);
    // Rename and delete; the uploaded file is there.
    assert_eq!(server.file("/up.txt").as_deref(), Some(&b"uploaded"[..]));
    assert!(api.ftp_rename_file(c, "/up.txt", "/moved.txt").ret);
    assert!(server.file("/moved.txt").is_some());
    assert!(api.ftp_delete_file(c, "/moved.txt").ret);
    assert!(server.file("/moved.txt").is_none());
    // A failing command: the server's reply is the last response.
    let bad = api.ftp_delete_file(c, "/does-not-exist");
    assert!(!bad.ret);
    assert_eq!(bad.last_error, Some(wi::ERROR_INTERNET_EXTENDED_ERROR));
    let info = api.internet_get_last_response_info(QueryBuffer::of(512));
    assert!(info.ret);
    let text = info.out.1.expect("present").text;
    assert!(text.starts_with("550"), "{text}");
    // FtpCommand.
    let noop = api.ftp_command(c, false, 0, "NOOP", 0);
    assert_eq!(
        (noop.ret, noop.last_error, noop.out),
        (true, None, HandleValue::NULL)
    );
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn ftp_command_with_a_data_connection_returns_a_readable_file_handle() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let (root, c) = ftp_connect(&api, server.handle.port(), 0);
    // WI-R30: FtpCommand(c, TRUE, ASCII, "NLST /pub", ctx, &h).
    let cmd = api.ftp_command(c, true, wi::FTP_TRANSFER_TYPE_ASCII, "NLST /pub", 5);
    assert_eq!((cmd.ret, cmd.last_error), (true, None));
    assert_ne!(cmd.out, HandleValue::NULL);
    // The busy rule while the data handle is open: every FTP function on the connect,
    // FtpCommand itself (with and without data) included.
    let busy = api.ftp_create_directory(c, "/x");
    assert_eq!(
        (busy.ret, busy.last_error),
        (false, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS))
    );
    let busy = api.ftp_command(c, false, 0, "NOOP", 0);
    assert_eq!(
        (busy.ret, busy.last_error, busy.out),
        (
            false,
            Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS),
            HandleValue::NULL
        )
    );
    let busy = api.ftp_command(c, true, wi::FTP_TRANSFER_TYPE_ASCII, "LIST", 6);
    assert_eq!(
        (busy.ret, busy.last_error, busy.out),
        (
            false,
            Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS),
            HandleValue::NULL
        )
    );
    let busy = api.ftp_open_file(c, "/pub/notes.txt", GENERIC_READ, 0, 7);
    assert_eq!(
        (busy.ret, busy.last_error),
        (HandleValue::NULL, Some(wi::ERROR_FTP_TRANSFER_IN_PROGRESS))
    );
    assert_eq!(read_all(&api, cmd.out), b"data.bin\r\nnotes.txt\r\n");
    assert!(api.internet_close_handle(cmd.out).ret);
    // Closed: the connect is usable again, and a LIST carries both entries.
    let list = api.ftp_command(c, true, wi::FTP_TRANSFER_TYPE_BINARY, "LIST /pub", 8);
    assert_eq!((list.ret, list.last_error), (true, None));
    let text = String::from_utf8(read_all(&api, list.out)).expect("ASCII listing");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains(" data.bin") && text.contains(" notes.txt"),
        "{text}"
    );
    assert!(api.internet_close_handle(list.out).ret);
    assert!(api.ftp_create_directory(c, "/after").ret);
    assert!(server.is_dir("/after"));
    // A refused command: FALSE, ERROR_INTERNET_EXTENDED_ERROR, the reply as the last
    // response, no handle, and the connect not busy.
    let bad = api.ftp_command(c, true, wi::FTP_TRANSFER_TYPE_ASCII, "LIST /nope", 9);
    assert_eq!(
        (bad.ret, bad.last_error, bad.out),
        (
            false,
            Some(wi::ERROR_INTERNET_EXTENDED_ERROR),
            HandleValue::NULL
        )
    );
    let info = api.internet_get_last_response_info(QueryBuffer::of(512));
    assert!(info.ret);
    assert_eq!(info.out.0, 550);
    let text = info.out.1.expect("present").text;
    assert!(text.starts_with("550"), "{text}");
    // Bad arguments: an unknown transfer type, an empty command.
    let bad = api.ftp_command(c, true, 3, "LIST", 10);
    assert_eq!(
        (bad.ret, bad.last_error),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER)
        )
    );
    let bad = api.ftp_command(c, true, 0, "", 10);
    assert_eq!(
        (bad.ret, bad.last_error),
        (
            false,
            Some(windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER)
        )
    );
    assert!(api.ftp_command(c, false, 0, "NOOP", 0).ret);
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn async_ftp_command_completes_with_request_complete() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let (root, c) = ftp_connect(&api, server.handle.port(), wi::INTERNET_FLAG_ASYNC);
    let (cb, rec, rx) = recording();
    api.internet_set_status_callback(c, Some(cb)).ret.ok();
    let a = api.ftp_create_directory(c, "/async");
    assert_eq!((a.ret, a.last_error), (false, Some(ERROR_IO_PENDING)));
    let done = next_complete(&rx);
    assert_eq!(
        done.info,
        hinternet_net::wininet::api::StatusInfo::AsyncResult {
            result: 1,
            error: 0
        }
    );
    assert!(server.is_dir("/async"));
    assert_eq!(names(&rec.statuses()), ["REQUEST_COMPLETE"]);
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn open_url_ftp_file_and_directory() {
    let server = ftp::start(vec![]);
    let api = WinInet::new();
    let root = sync_root(&api);
    let url = format!("ftp://127.0.0.1:{}/pub/data.bin", server.handle.port());
    let h = api.internet_open_url(root, &url, None, 0, 0);
    assert_ne!(h.ret, HandleValue::NULL, "{:?}", h.last_error);
    assert_eq!(
        read_all(&api, h.ret),
        server.file("/pub/data.bin").expect("present")
    );
    let dir = format!("ftp://127.0.0.1:{}/pub/", server.handle.port());
    let d = api.internet_open_url(root, &dir, None, 0, 0);
    assert_ne!(d.ret, HandleValue::NULL, "{:?}", d.last_error);
    assert_eq!(api.remaining_entries(d.ret).map(|e| e.len()), Some(2));
    let missing = format!("ftp://127.0.0.1:{}/nope.bin", server.handle.port());
    let m = api.internet_open_url(root, &missing, None, 0, 0);
    assert_eq!(m.ret, HandleValue::NULL);
    assert_eq!(m.last_error, Some(wi::ERROR_INTERNET_EXTENDED_ERROR));
    api.internet_close_handle(root);
    finish(&api);
}

#[test]
fn gopher_menu_find_and_file_read() {
    let server = gopher::start();
    let api = WinInet::new();
    let root = sync_root(&api);
    let c = api.internet_connect(
        root,
        Some("127.0.0.1"),
        server.port(),
        None,
        None,
        wi::INTERNET_SERVICE_GOPHER,
        0,
        1,
    );
    assert_ne!(c.ret, HandleValue::NULL);
    let f = api.gopher_find_first_file(c.ret, None, None, 0, 2, slot());
    assert_ne!(f.ret, HandleValue::NULL, "{:?}", f.last_error);
    let mut count = 1;
    for _ in 0..100 {
        let n = api.internet_find_next_file(f.ret, slot());
        if !n.ret {
            assert_eq!(n.last_error, Some(ERROR_NO_MORE_FILES));
            break;
        }
        count += 1;
    }
    assert_eq!(count, gopher::ROOT_ITEMS);
    let loc = api.gopher_create_locator(
        "127.0.0.1",
        server.port(),
        Some("about"),
        Some("/about.txt"),
        wi::GOPHER_TYPE_TEXT_FILE,
    );
    let loc = loc.out.expect("locator");
    assert_eq!(
        api.gopher_get_locator_type(&loc).out & wi::GOPHER_TYPE_TEXT_FILE,
        wi::GOPHER_TYPE_TEXT_FILE
    );
    let file = api.gopher_open_file(c.ret, &loc, None, 0, 3);
    assert_ne!(file.ret, HandleValue::NULL, "{:?}", file.last_error);
    assert_eq!(read_all(&api, file.ret), gopher::ABOUT_TEXT);
    // Through InternetOpenUrl too.
    let url = format!("gopher://127.0.0.1:{}/0/about.txt", server.port());
    let u = api.internet_open_url(root, &url, None, 0, 0);
    assert_ne!(u.ret, HandleValue::NULL, "{:?}", u.last_error);
    assert_eq!(read_all(&api, u.ret), gopher::ABOUT_TEXT);
    api.internet_close_handle(root);
    finish(&api);
}
