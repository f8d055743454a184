//! The hostile-server catalogue through the typed WinINet API: malformed and cut FTP
//! replies, a bad PASV address, a data connection that never opens, one that stays silent
//! and one that drops mid-file, an unknown LIST line, Gopher menus with bad lines and
//! without their terminator, and HTTP faults (reset, garbage, silence). Each case checks
//! the exact return value and last error (and the `InternetGetLastResponseInfo` text for
//! FTP); at the end the engine is empty and the descriptors are back to the baseline.
//!
//! One test on purpose: it counts this process's descriptors, so nothing else in this
//! binary may open any meanwhile. The codes are the lower layers' (`net/tests/ftp.rs`,
//! `net/tests/gopher.rs`, `net/tests/hostile.rs`), now seen through the API.

mod support;

use std::time::Duration;

use hinternet_net::wininet::api::ftp::GENERIC_READ;
use hinternet_net::wininet::api::{slot, FoundEntry, HandleValue, VecBuffer, WinInet};
use hinternet_net::wininet::options::{OptionValue, QueryBuffer};
use hinternet_testservers::ftp::{self, FtpFault, FTP_PASSWORD, FTP_USER};
use hinternet_testservers::gopher;
use hinternet_testservers::script::{self, Step};
use support::fds::{open_descriptors, settle_descriptors};
use support::wininet::{finish, sync_root};
use windows_sys::Win32::Foundation::ERROR_NO_MORE_FILES;
use windows_sys::Win32::Networking::WinInet as wi;

/// A synchronous root whose children time out after `ms` (WI-R16 snapshots).
fn root(api: &WinInet, ms: u32) -> HandleValue {
    let r = sync_root(api);
    for option in [
        wi::INTERNET_OPTION_CONNECT_TIMEOUT,
        wi::INTERNET_OPTION_RECEIVE_TIMEOUT,
        wi::INTERNET_OPTION_SEND_TIMEOUT,
    ] {
        let set = api.internet_set_option(r, option, Some(&OptionValue::Dword(ms)), 4);
        assert!(set.ret, "{option}: {:?}", set.last_error);
    }
    r
}

fn ftp_login(api: &WinInet, r: HandleValue, port: u16) -> Result<HandleValue, u32> {
    let c = api.internet_connect(
        r,
        Some("127.0.0.1"),
        port,
        Some(FTP_USER),
        Some(FTP_PASSWORD),
        wi::INTERNET_SERVICE_FTP,
        wi::INTERNET_FLAG_PASSIVE,
        1,
    );
    if c.ret == HandleValue::NULL {
        Err(c.last_error.unwrap_or(0))
    } else {
        Ok(c.ret)
    }
}

/// The calling thread's `InternetGetLastResponseInfo` text.
fn last_response(api: &WinInet) -> String {
    let a = api.internet_get_last_response_info(QueryBuffer::of(4096));
    assert!(a.ret, "{:?}", a.last_error);
    a.out.1.map(|t| t.text).unwrap_or_default()
}

/// Reads until the end or the first failure; the bytes and the failure's code.
fn read_until_failure(api: &WinInet, h: HandleValue) -> (Vec<u8>, Option<u32>) {
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let buf = VecBuffer::new(4096);
        let a = api.internet_read_file(h, buf.clone(), slot());
        if !a.ret {
            return (out, a.last_error);
        }
        if a.out == 0 {
            return (out, None);
        }
        out.extend(buf.prefix(a.out as usize));
    }
    panic!("no end within 10,000 reads");
}

fn ftp_cases(api: &WinInet) {
    // A 421 greeting: no connect, 12003, the reply kept.
    let busy = ftp::start(vec![FtpFault::Reply {
        command: "GREETING",
        reply: b"421 Too many users, try later.\r\n",
    }]);
    let r = root(api, 5000);
    assert_eq!(ftp_login(api, r, busy.handle.port()), Err(12003));
    assert_eq!(last_response(api), "421 Too many users, try later.\r\n");
    // A multi-line greeting cut short: 12030.
    let cut = ftp::start(vec![FtpFault::CutShort {
        command: "GREETING",
        partial: b"220-Welcome to a greeting that never ends\r\n",
    }]);
    assert_eq!(ftp_login(api, r, cut.handle.port()), Err(12030));
    // A malformed reply to PWD: 12003.
    let garbage = ftp::start(vec![FtpFault::Reply {
        command: "PWD",
        reply: b"hello, I am not an FTP reply\r\n",
    }]);
    let c = ftp_login(api, r, garbage.handle.port()).expect("login");
    let pwd = api.ftp_get_current_directory(c, slot());
    assert_eq!((pwd.ret, pwd.last_error), (false, Some(12003)));
    // A multi-line PWD reply cut short: 12030, and the session is gone.
    let cut_pwd = ftp::start(vec![FtpFault::CutShort {
        command: "PWD",
        partial: b"257-first line of a reply that never ends\r\n",
    }]);
    let c = ftp_login(api, r, cut_pwd.handle.port()).expect("login");
    let pwd = api.ftp_get_current_directory(c, slot());
    assert_eq!((pwd.ret, pwd.last_error), (false, Some(12030)));
    let again = api.ftp_create_directory(c, "/x");
    assert_eq!((again.ret, again.last_error), (false, Some(12030)));
    // PASV with four numbers: 12003 for an open and for a find, the 227 kept.
    let pasv = ftp::start(vec![FtpFault::BadPasvAddress]);
    let c = ftp_login(api, r, pasv.handle.port()).expect("login");
    let o = api.ftp_open_file(
        c,
        "/readme.txt",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        2,
    );
    assert_eq!((o.ret, o.last_error), (HandleValue::NULL, Some(12003)));
    assert_eq!(
        last_response(api),
        "227 Entering Passive Mode (127,0,0,1).\r\n"
    );
    let f = api.ftp_find_first_file(c, None, 0, 3, slot());
    assert_eq!((f.ret, f.last_error), (HandleValue::NULL, Some(12003)));
    // A data connection that never opens: 12029.
    let closed = ftp::start(vec![FtpFault::PasvClosedPort]);
    let c = ftp_login(api, r, closed.handle.port()).expect("login");
    let o = api.ftp_open_file(
        c,
        "/readme.txt",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        2,
    );
    assert_eq!((o.ret, o.last_error), (HandleValue::NULL, Some(12029)));
    assert!(last_response(api).starts_with("227 "));
    api.internet_close_handle(r);
    // A silent data connection: the read times out (12002).
    let r = root(api, 700);
    let silent = ftp::start(vec![FtpFault::SilentData]);
    let c = ftp_login(api, r, silent.handle.port()).expect("login");
    let o = api.ftp_open_file(
        c,
        "/readme.txt",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        2,
    );
    assert_ne!(o.ret, HandleValue::NULL, "{:?}", o.last_error);
    assert_eq!(read_until_failure(api, o.ret).1, Some(12002));
    api.internet_close_handle(r);
    // A drop mid-file: some bytes, then 12030.
    let r = root(api, 5000);
    let drop = ftp::start(vec![FtpFault::DropMidFile]);
    let c = ftp_login(api, r, drop.handle.port()).expect("login");
    let o = api.ftp_open_file(
        c,
        "/pub/data.bin",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        2,
    );
    assert_ne!(o.ret, HandleValue::NULL, "{:?}", o.last_error);
    let (bytes, failure) = read_until_failure(api, o.ret);
    assert_eq!(failure, Some(12030));
    assert!(bytes.len() < drop.file("/pub/data.bin").expect("present").len());
    // LIST lines in no known format (no MLSD): skipped, the known entries listed.
    let odd = ftp::start(vec![FtpFault::NoMlsd, FtpFault::UnknownListLine]);
    let c = ftp_login(api, r, odd.handle.port()).expect("login");
    let f = api.ftp_find_first_file(c, Some("/pub"), 0, 3, slot());
    assert_ne!(f.ret, HandleValue::NULL, "{:?}", f.last_error);
    let mut names = vec![f.out.expect("first").file_name];
    loop {
        let n = api.internet_find_next_file(f.ret, slot());
        if !n.ret {
            assert_eq!(n.last_error, Some(ERROR_NO_MORE_FILES));
            break;
        }
        match n.out {
            Some(FoundEntry::Ftp(e)) => names.push(e.file_name),
            other => panic!("{other:?}"),
        }
        assert!(names.len() < 10, "{names:?}");
    }
    names.sort();
    assert_eq!(names, ["data.bin", "notes.txt"]);
    api.internet_close_handle(r);
}

fn gopher_cases(api: &WinInet) {
    let server = gopher::start();
    let r = root(api, 5000);
    let c = api.internet_connect(
        r,
        Some("127.0.0.1"),
        server.port(),
        None,
        None,
        wi::INTERNET_SERVICE_GOPHER,
        0,
        1,
    );
    assert_ne!(c.ret, HandleValue::NULL);
    let list = |selector: &str| -> Vec<String> {
        let loc = api
            .gopher_create_locator(
                "127.0.0.1",
                server.port(),
                None,
                Some(selector),
                wi::GOPHER_TYPE_DIRECTORY,
            )
            .out
            .expect("locator");
        let f = api.gopher_find_first_file(c.ret, Some(&loc), None, 0, 2, slot());
        assert_ne!(f.ret, HandleValue::NULL, "{selector}: {:?}", f.last_error);
        let mut names = vec![f.out.expect("first").display_string];
        loop {
            let n = api.internet_find_next_file(f.ret, slot());
            if !n.ret {
                assert_eq!(n.last_error, Some(ERROR_NO_MORE_FILES), "{selector}");
                break;
            }
            match n.out {
                Some(FoundEntry::Gopher(e)) => names.push(e.display_string),
                other => panic!("{other:?}"),
            }
            assert!(names.len() < 20, "{names:?}");
        }
        api.internet_close_handle(f.ret);
        names
    };
    // Bad lines are skipped; a missing terminator is tolerated.
    assert_eq!(list("/bad-menu"), ["Good one", "Good two"]);
    assert_eq!(list("/no-terminator"), ["First", "Second"]);
    // Not a locator: 12134, nothing sent.
    let bad = api.gopher_find_first_file(c.ret, Some("not a locator"), None, 0, 2, slot());
    assert_eq!(
        (bad.ret, bad.last_error),
        (HandleValue::NULL, Some(wi::ERROR_GOPHER_INVALID_LOCATOR))
    );
    api.internet_close_handle(r);
}

fn http_cases(api: &WinInet) {
    let server = script::start(vec![
        vec![
            Step::ReadHead,
            Step::Write(b"HTTP/1.1 200 OK\r\nX-Half: ".to_vec()),
            Step::Sleep(Duration::from_millis(50)),
            Step::Reset,
        ],
        vec![
            Step::ReadHead,
            Step::Write(b"HTTP/1.1 2x0 OK\r\n\r\n".to_vec()),
            Step::Hang,
        ],
        vec![Step::ReadHead, Step::Hang],
    ]);
    let r = root(api, 700);
    let url = format!("http://127.0.0.1:{}/", server.handle.port());
    for expected in [
        wi::ERROR_INTERNET_CONNECTION_ABORTED,
        wi::ERROR_HTTP_INVALID_SERVER_RESPONSE,
        wi::ERROR_INTERNET_TIMEOUT,
    ] {
        let h = api.internet_open_url(r, &url, None, wi::INTERNET_FLAG_RELOAD, 0);
        assert_eq!((h.ret, h.last_error), (HandleValue::NULL, Some(expected)));
    }
    api.internet_close_handle(r);
}

#[test]
fn hostile_servers_through_the_api() {
    let api = WinInet::new();
    // Warm the executor's threads up so that their descriptors are in the baseline.
    let warm = root(&api, 1000);
    api.internet_close_handle(warm);
    assert!(api.engine().wait_quiescent());
    let baseline = open_descriptors();
    ftp_cases(&api);
    gopher_cases(&api);
    http_cases(&api);
    finish(&api);
    let now = settle_descriptors(baseline, Duration::from_secs(10));
    assert!(now <= baseline, "descriptors: {now} now, {baseline} before");
}
