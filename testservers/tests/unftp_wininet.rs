//! Opt-in conformance: the typed WinINet API's FTP functions against a real FTP server
//! (libunftp over a temporary directory): anonymous login, a listing through
//! `FtpFindFirstFile` / `InternetFindNextFile` (synchronous and asynchronous) and through
//! `InternetOpenUrl` of the directory, `FtpOpenFile` + `InternetReadFile`, `FtpGetFile`,
//! `FtpPutFile`, `FtpRenameFile`, `FtpDeleteFile`, `FtpCreateDirectory`,
//! `FtpRemoveDirectory`, `FtpSetCurrentDirectory` / `FtpGetCurrentDirectory`, and a refused
//! command with its reply in `InternetGetLastResponseInfo`. Built only with
//! `--features libunftp-conformance` (`.ci/run` runs it).
#![cfg(feature = "libunftp-conformance")]

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_net::wininet::options::QueryBuffer;
use hinternet_net::wininet_api::ftp::GENERIC_READ;
use hinternet_net::wininet_api::{
    slot, FoundEntry, HandleValue, Status, StatusCallback, StatusInfo, VecBuffer, WinInet,
};
use hinternet_testservers::unftp;
use windows_sys::Win32::Foundation::{ERROR_IO_PENDING, ERROR_NO_MORE_FILES};
use windows_sys::Win32::Networking::WinInet as wi;

const HELLO: &[u8] = b"hello, real server\r\n";

fn listing(api: &WinInet, find: HandleValue, first: Option<String>) -> Vec<String> {
    let mut names: Vec<String> = first.into_iter().collect();
    for _ in 0..20 {
        let n = api.internet_find_next_file(find, slot());
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
    names
}

fn connect(api: &WinInet, root: HandleValue, port: u16) -> HandleValue {
    let c = api.internet_connect(
        root,
        Some("127.0.0.1"),
        port,
        None,
        None,
        wi::INTERNET_SERVICE_FTP,
        wi::INTERNET_FLAG_PASSIVE,
        1,
    );
    assert_ne!(c.ret, HandleValue::NULL, "login: {:?}", c.last_error);
    c.ret
}

#[test]
fn wininet_against_libunftp() {
    let root_dir = std::env::temp_dir().join(format!("hinternet-unftp-wi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root_dir);
    std::fs::create_dir_all(root_dir.join("pub")).expect("root");
    std::fs::write(root_dir.join("hello.txt"), HELLO).expect("file");
    let local = root_dir.with_extension("local");
    let _ = std::fs::remove_dir_all(&local);
    std::fs::create_dir_all(&local).expect("local dir");
    let server = unftp::start(root_dir.clone());
    let port = server.port();
    let api = WinInet::new();
    let root = api
        .internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0)
        .ret;
    let c = connect(&api, root, port);
    // Listing.
    let f = api.ftp_find_first_file(c, None, 0, 2, slot());
    assert_ne!(f.ret, HandleValue::NULL, "{:?}", f.last_error);
    let first = f.out.map(|e| e.file_name);
    assert_eq!(listing(&api, f.ret, first), ["hello.txt", "pub"]);
    assert!(api.internet_close_handle(f.ret).ret);
    // Read through FtpOpenFile.
    let o = api.ftp_open_file(
        c,
        "hello.txt",
        GENERIC_READ,
        wi::FTP_TRANSFER_TYPE_BINARY,
        3,
    );
    assert_ne!(o.ret, HandleValue::NULL, "{:?}", o.last_error);
    let mut body = Vec::new();
    for _ in 0..1000 {
        let buf = VecBuffer::new(7);
        let r = api.internet_read_file(o.ret, buf.clone(), slot());
        assert!(r.ret, "{:?}", r.last_error);
        if r.out == 0 {
            break;
        }
        body.extend(buf.prefix(r.out as usize));
    }
    assert_eq!(body, HELLO);
    assert!(api.internet_close_handle(o.ret).ret);
    // Get, put, rename, delete.
    let got = local.join("got.txt");
    let g = api.ftp_get_file(
        c,
        "hello.txt",
        got.clone(),
        true,
        wi::FTP_TRANSFER_TYPE_BINARY,
    );
    assert!(g.ret, "{:?}", g.last_error);
    assert_eq!(std::fs::read(&got).expect("downloaded"), HELLO);
    let up = local.join("up.bin");
    std::fs::write(&up, vec![42u8; 100_000]).expect("local file");
    let p = api.ftp_put_file(c, up, "pub/up.bin", wi::FTP_TRANSFER_TYPE_BINARY);
    assert!(p.ret, "{:?}", p.last_error);
    assert_eq!(
        std::fs::read(root_dir.join("pub/up.bin"))
            .expect("uploaded")
            .len(),
        100_000
    );
    assert!(api.ftp_rename_file(c, "pub/up.bin", "pub/moved.bin").ret);
    assert!(root_dir.join("pub/moved.bin").is_file());
    assert!(api.ftp_delete_file(c, "pub/moved.bin").ret);
    assert!(!root_dir.join("pub/moved.bin").exists());
    // Directories.
    assert!(api.ftp_create_directory(c, "made").ret);
    assert!(root_dir.join("made").is_dir());
    assert!(api.ftp_set_current_directory(c, "made").ret);
    let cwd = api.ftp_get_current_directory(c, slot());
    assert!(cwd.ret, "{:?}", cwd.last_error);
    assert_eq!(cwd.out.as_deref(), Some("/made"));
    assert!(api.ftp_set_current_directory(c, "/").ret);
    assert!(api.ftp_remove_directory(c, "made").ret);
    assert!(!root_dir.join("made").exists());
    // A refused command: FALSE, 12003, the 550 reply kept.
    let missing = api.ftp_delete_file(c, "nope.txt");
    assert_eq!((missing.ret, missing.last_error), (false, Some(12003)));
    let info = api.internet_get_last_response_info(QueryBuffer::of(4096));
    let text = info.out.1.map(|t| t.text).unwrap_or_default();
    assert!(text.starts_with("550"), "{text}");
    // InternetOpenUrl of the directory, walked with InternetFindNextFile (WI-R26).
    let url = format!("ftp://127.0.0.1:{port}/");
    let d = api.internet_open_url(root, &url, None, 0, 0);
    assert_ne!(d.ret, HandleValue::NULL, "{:?}", d.last_error);
    assert_eq!(listing(&api, d.ret, None), ["hello.txt", "pub"]);
    assert!(api.internet_close_handle(root).ret);
    // Asynchronous: the find handle comes with REQUEST_COMPLETE (WI-R27).
    let aroot = api
        .internet_open(
            None,
            wi::INTERNET_OPEN_TYPE_DIRECT,
            None,
            None,
            wi::INTERNET_FLAG_ASYNC,
        )
        .ret;
    let ac = connect(&api, aroot, port);
    let (tx, rx) = mpsc::channel::<Status>();
    let tx = Mutex::new(tx);
    let cb: Arc<StatusCallback> = Arc::new(move |_api: &WinInet, s: &Status| {
        if s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE {
            let _ = tx.lock().map(|t| t.send(s.clone()));
        }
    });
    api.internet_set_status_callback(ac, Some(cb)).ret.ok();
    let first = slot();
    let af = api.ftp_find_first_file(ac, None, 0, 4, first.clone());
    assert_eq!(af.last_error, Some(ERROR_IO_PENDING));
    let done = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("REQUEST_COMPLETE within 20 s");
    let StatusInfo::AsyncResult { result, error: 0 } = done.info else {
        panic!("{done:?}");
    };
    assert_ne!(result, 0);
    assert!(first.lock().map(|f| f.is_some()).unwrap_or(false));
    assert!(api.internet_close_handle(aroot).ret);
    assert!(api.engine().wait_quiescent());
    assert!(api.engine().is_empty());
    drop(server);
    let _ = std::fs::remove_dir_all(&root_dir);
    let _ = std::fs::remove_dir_all(&local);
}
