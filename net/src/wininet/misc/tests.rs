//! Tests of the small calls: Wine `internet.c` (`test_InternetGetConnectedStateEx{A,W}`,
//! `test_InternetErrorDlg`) and the documented answers.

use super::*;
use crate::wininet::cache::{Commit, Storage};

fn iface(name: &str, up: bool, loopback: bool) -> Interface {
    Interface {
        name: name.to_owned(),
        up,
        loopback,
    }
}

#[test]
fn connected_state_from_interfaces() {
    let lan = [iface("lo", true, true), iface("eth0", true, false)];
    let only_lo = [iface("lo", true, true), iface("eth0", false, false)];
    let s = connected_state(&lan, false);
    assert!(s.connected);
    assert_eq!(s.flags, INTERNET_CONNECTION_LAN | INTERNET_RAS_INSTALLED);
    assert_eq!(
        s.flags & INTERNET_CONNECTION_MODEM,
        0,
        "never mixed with MODEM"
    );
    let s = connected_state(&only_lo, false);
    assert_eq!((s.connected, s.flags), (false, INTERNET_RAS_INSTALLED));
    let s = connected_state(&lan, true);
    assert_eq!(
        (s.connected, s.flags),
        (false, INTERNET_RAS_INSTALLED | INTERNET_CONNECTION_OFFLINE)
    );
    assert!(!connected_state(&[], false).connected);
}

/// Wine `test_InternetGetConnectedStateExA/W`: name truncation to len-1, len 0 leaves the
/// buffer, reserved ≠ 0 → 87, no connection → FALSE with an empty name.
#[test]
fn connected_state_ex_name_rules() {
    let lan = [iface("eth0", true, false)];
    let full = connected_state_ex(&lan, false, Some(256), 0);
    let Ok(full) = full else { panic!("{full:?}") };
    assert!(full.state.connected);
    assert_eq!(full.name.as_deref(), Some(LAN_CONNECTION_NAME));
    let sz = LAN_CONNECTION_NAME.len() as u32;
    let name = |len| {
        connected_state_ex(&lan, false, len, 0)
            .ok()
            .and_then(|s| s.name)
    };
    assert_eq!(name(Some(sz)).map(|n| n.len() as u32), Some(sz - 1));
    assert_eq!(name(Some(sz / 2)).map(|n| n.len() as u32), Some(sz / 2 - 1));
    assert_eq!(name(Some(2)).map(|n| n.len()), Some(1));
    assert_eq!(name(Some(1)).as_deref(), Some(""));
    assert_eq!(name(Some(0)), None);
    assert_eq!(name(None), None);
    assert_eq!(
        connected_state_ex(&lan, false, None, 1),
        Err(ERROR_INVALID_PARAMETER)
    );
    let down = connected_state_ex(&[], false, Some(256), 0);
    assert!(
        matches!(down, Ok(ConnectedStateEx { state: ConnectedState { connected: false, flags }, name: Some(ref n) }) if n.is_empty() && flags & INTERNET_RAS_INSTALLED != 0)
    );
}

#[test]
fn sysfs_interfaces() {
    let root = std::env::temp_dir().join(format!("hinternet-sysfs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let make = |name: &str, operstate: &str, carrier: &str, kind: &str| {
        let dir = root.join(name);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("operstate"), format!("{operstate}\n"));
        let _ = std::fs::write(dir.join("carrier"), format!("{carrier}\n"));
        let _ = std::fs::write(dir.join("type"), format!("{kind}\n"));
    };
    make("lo", "unknown", "1", "772");
    make("eth0", "up", "1", "1");
    make("wlan0", "down", "0", "1");
    make("tun0", "unknown", "1", "65534");
    let found = interfaces_from_sysfs(&root);
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(
        found,
        vec![
            iface("eth0", true, false),
            iface("lo", true, true),
            iface("tun0", true, false),
            iface("wlan0", false, false),
        ]
    );
    assert!(interfaces_from_sysfs(Path::new("/nonexistent/hinternet")).is_empty());
}

#[test]
fn check_connection_plans() {
    assert_eq!(
        check_connection(None, FLAG_ICC_FORCE_CONNECTION),
        Ok(CheckPlan::AssumeConnected)
    );
    assert_eq!(
        check_connection(Some("http://127.0.0.1:8080/x"), FLAG_ICC_FORCE_CONNECTION),
        Ok(CheckPlan::Connect {
            host: "127.0.0.1".to_owned(),
            port: 8080
        })
    );
    assert_eq!(
        check_connection(Some("https://example.org/"), 0),
        Ok(CheckPlan::Connect {
            host: "example.org".to_owned(),
            port: 443
        })
    );
    assert_eq!(
        check_connection(Some("ftp://[::1]/pub"), 0),
        Ok(CheckPlan::Connect {
            host: "::1".to_owned(),
            port: 21
        })
    );
    assert_eq!(
        check_connection(Some("not a url"), 0),
        Err(ERROR_NOT_CONNECTED)
    );
    assert_eq!(
        check_connection(Some("mailto:someone"), 0),
        Err(ERROR_NOT_CONNECTED)
    );
    assert_eq!(check_connection_result(false), Err(ERROR_NOT_CONNECTED));
    assert_eq!(check_connection_result(true), Ok(()));
    assert_eq!(attempt_connect(0), ERROR_SUCCESS);
}

/// The check runs against a real listener on 127.0.0.1 and a closed port (the executor's
/// part done inline with std, bounded by a timeout).
#[test]
fn check_connection_against_loopback() {
    let probe = |plan: CheckPlan| match plan {
        CheckPlan::AssumeConnected => true,
        CheckPlan::Connect { host, port } => {
            let addr = std::net::SocketAddr::new(
                host.parse().unwrap_or(std::net::Ipv4Addr::LOCALHOST.into()),
                port,
            );
            std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)).is_ok()
        }
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0");
    let Ok(listener) = listener else {
        panic!("bind: {listener:?}")
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let url = format!("http://127.0.0.1:{port}/");
    let plan = check_connection(Some(&url), FLAG_ICC_FORCE_CONNECTION);
    assert_eq!(
        plan.clone().map(probe).map(check_connection_result),
        Ok(Ok(()))
    );
    drop(listener);
    let closed = check_connection(Some(&url), FLAG_ICC_FORCE_CONNECTION).map(probe);
    assert_eq!(
        closed.map(check_connection_result),
        Ok(Err(ERROR_NOT_CONNECTED))
    );
}

/// Wine `test_InternetErrorDlg`: every code in INTERNET_ERROR_BASE..INTERNET_ERROR_LAST with
/// NO_UI and with FILTER|NO_UI, with a request and with NULL, against the test's table.
#[test]
fn error_dlg_matches_wine_table() {
    const NEEDREQ: u32 = 1;
    let table: &[(u32, u32, u32)] = &[
        (ERROR_INTERNET_INCORRECT_PASSWORD, ERROR_SUCCESS, NEEDREQ),
        (ERROR_INTERNET_SEC_CERT_DATE_INVALID, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_SEC_CERT_CN_INVALID, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_HTTP_TO_HTTPS_ON_REDIR, ERROR_SUCCESS, 0),
        (ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR, ERROR_SUCCESS, 0),
        (ERROR_INTERNET_MIXED_SECURITY, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_CHG_POST_IS_NON_SECURE, ERROR_SUCCESS, 0),
        (ERROR_INTERNET_POST_IS_NON_SECURE, ERROR_SUCCESS, 0),
        (
            ERROR_INTERNET_CLIENT_AUTH_CERT_NEEDED,
            ERROR_CANCELLED,
            NEEDREQ,
        ),
        (ERROR_INTERNET_INVALID_CA, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_HTTPS_HTTP_SUBMIT_REDIR, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_INSERT_CDROM, ERROR_CANCELLED, NEEDREQ),
        (ERROR_INTERNET_SEC_CERT_ERRORS, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_SEC_CERT_REV_FAILED, ERROR_CANCELLED, 0),
        (
            ERROR_HTTP_COOKIE_NEEDS_CONFIRMATION,
            ERROR_HTTP_COOKIE_DECLINED,
            0,
        ),
        (ERROR_INTERNET_BAD_AUTO_PROXY_SCRIPT, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_UNABLE_TO_DOWNLOAD_SCRIPT, ERROR_CANCELLED, 0),
        (ERROR_HTTP_REDIRECT_NEEDS_CONFIRMATION, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_SEC_CERT_REVOKED, ERROR_CANCELLED, 0),
        (ERROR_INTERNET_SEC_CERT_WEAK_SIGNATURE, ERROR_CANCELLED, 0),
    ];
    assert_eq!(
        error_dlg(
            false,
            DialogRequest::None,
            ERROR_INTERNET_SEC_CERT_ERRORS,
            0
        ),
        ERROR_INVALID_HANDLE
    );
    let request = DialogRequest::Request { status: 0 };
    for code in INTERNET_ERROR_BASE..INTERNET_ERROR_LAST {
        let (mut expected, mut expected_filter, needreq) = table
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or((ERROR_CANCELLED, ERROR_SUCCESS, 0), |&(_, r, f)| (r, r, f));
        assert_eq!(
            error_dlg(
                true,
                DialogRequest::Invalid,
                code,
                FLAGS_ERROR_UI_FLAGS_NO_UI
            ),
            ERROR_INVALID_HANDLE,
            "{code}"
        );
        assert_eq!(
            error_dlg(true, request, code, FLAGS_ERROR_UI_FLAGS_NO_UI),
            expected,
            "{code}"
        );
        assert_eq!(
            error_dlg(false, request, code, FLAGS_ERROR_UI_FLAGS_NO_UI),
            expected,
            "{code}"
        );
        assert_eq!(
            error_dlg(
                false,
                request,
                code,
                FLAGS_ERROR_UI_FILTER_FOR_ERRORS | FLAGS_ERROR_UI_FLAGS_NO_UI
            ),
            expected_filter,
            "{code}"
        );
        if needreq != 0 {
            expected = ERROR_INVALID_PARAMETER;
            expected_filter = ERROR_INVALID_PARAMETER;
        }
        assert_eq!(
            error_dlg(true, DialogRequest::None, code, FLAGS_ERROR_UI_FLAGS_NO_UI),
            expected,
            "{code}"
        );
        assert_eq!(
            error_dlg(
                false,
                DialogRequest::None,
                code,
                FLAGS_ERROR_UI_FILTER_FOR_ERRORS | FLAGS_ERROR_UI_FLAGS_NO_UI
            ),
            expected_filter,
            "{code}"
        );
    }
    let filter_no_ui = FLAGS_ERROR_UI_FILTER_FOR_ERRORS | FLAGS_ERROR_UI_FLAGS_NO_UI;
    assert_eq!(
        error_dlg(false, request, 0xdead_beef, filter_no_ui),
        ERROR_SUCCESS
    );
    assert_eq!(
        error_dlg(false, DialogRequest::None, 0xdead_beef, filter_no_ui),
        ERROR_SUCCESS
    );
    assert_eq!(
        error_dlg(
            false,
            DialogRequest::OtherHandle,
            ERROR_INTERNET_SEC_CERT_ERRORS,
            FLAGS_ERROR_UI_FLAGS_NO_UI
        ),
        ERROR_SUCCESS
    );
    // The password dialog for a 401 is never filled in: cancelled.
    assert_eq!(
        error_dlg(
            false,
            DialogRequest::Request { status: 401 },
            ERROR_INTERNET_INCORRECT_PASSWORD,
            FLAGS_ERROR_UI_FLAGS_NO_UI
        ),
        ERROR_CANCELLED
    );
    assert_eq!(
        error_dlg(
            false,
            DialogRequest::Request { status: 407 },
            ERROR_SUCCESS,
            filter_no_ui
        ),
        ERROR_CANCELLED
    );
    assert_eq!(
        error_dlg(
            false,
            DialogRequest::Request { status: 200 },
            ERROR_SUCCESS,
            filter_no_ui
        ),
        ERROR_SUCCESS
    );
    assert_eq!(
        error_dlg(
            false,
            DialogRequest::None,
            ERROR_SUCCESS,
            FLAGS_ERROR_UI_FLAGS_NO_UI
        ),
        ERROR_SUCCESS
    );
    // A window but no NO_UI flag: the dialogs Wine would show are cancelled.
    assert_eq!(
        error_dlg(true, request, ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR, 0),
        ERROR_CANCELLED
    );
    assert_eq!(
        error_dlg(true, request, ERROR_HTTP_COOKIE_NEEDS_CONFIRMATION, 0),
        ERROR_CANCELLED
    );
}

#[test]
fn request_file_locks_hold_cache_entries() {
    let mut cache = UrlCache::new(Storage::Memory);
    let url = "http://h.example/file.bin";
    let file = cache
        .create_entry(Some(url), Some("bin"))
        .unwrap_or_default();
    assert_eq!(
        cache.commit_entry(Commit {
            url: Some(url),
            local_file: Some(&file),
            expire: 0,
            last_modified: 0,
            entry_type: NORMAL_CACHE_ENTRY,
            header_info: None,
            file_extension: None
        }),
        Ok(())
    );
    let mut locks = RequestFileLocks::new();
    assert_eq!(locks.lock(&mut cache, url, None), Err(ERROR_FILE_NOT_FOUND));
    let handle = locks.lock(&mut cache, url, Some(&file));
    let Ok(handle) = handle else {
        panic!("{handle:?}")
    };
    assert_ne!(handle, 0);
    assert!(locks.is_locked(&file));
    // Wine InternetLockRequestFile_test: a second lock is the same handle, and the file
    // stays locked until both are released.
    assert_eq!(locks.lock(&mut cache, url, Some(&file)), Ok(handle));
    assert_eq!(locks.unlock(&mut cache, handle), Ok(()));
    assert!(locks.is_locked(&file));
    assert_eq!(
        cache.delete_entry(Some(url)),
        Err(windows_sys::Win32::Foundation::ERROR_SHARING_VIOLATION)
    );
    assert_eq!(locks.unlock(&mut cache, handle), Ok(()));
    assert!(!locks.is_locked(&file));
    assert_eq!(
        cache.delete_entry(Some(url)),
        Err(ERROR_FILE_NOT_FOUND),
        "the pending delete ran at unlock"
    );
    assert_eq!(locks.unlock(&mut cache, handle), Err(ERROR_INVALID_HANDLE));
    // A file that is not a cache entry is still locked by handle.
    let other = locks.lock(&mut cache, "http://h.example/x", Some("/tmp/not-cached"));
    assert!(other.is_ok_and(|h| locks.get(h).is_some_and(|l| l.cache_url.is_none())));
}

#[test]
fn last_response_info_sizes() {
    let last = LastResponse {
        error: 550,
        text: "550 No such file\r\n".to_owned(),
    };
    let n = last.text.len() as u32;
    assert_eq!(
        last_response_info(&last, Charset::Ansi, QueryBuffer::null(0)),
        (
            550,
            Err(QueryFailure {
                code: ERROR_INSUFFICIENT_BUFFER,
                length: Some(n + 1)
            })
        )
    );
    assert_eq!(
        last_response_info(&last, Charset::Wide, QueryBuffer::of(n)),
        (
            550,
            Err(QueryFailure {
                code: ERROR_INSUFFICIENT_BUFFER,
                length: Some(n + 1)
            })
        )
    );
    assert_eq!(
        last_response_info(&last, Charset::Wide, QueryBuffer::of(n + 1)),
        (
            550,
            Ok(ResponseText {
                text: last.text.clone(),
                length: n
            })
        )
    );
    assert_eq!(
        last_response_info(
            &last,
            Charset::Ansi,
            QueryBuffer {
                length: None,
                has_buffer: true
            }
        )
        .1
        .map_err(|f| f.code),
        Err(ERROR_INVALID_PARAMETER)
    );
    let empty = LastResponse::default();
    assert_eq!(
        last_response_info(&empty, Charset::Ansi, QueryBuffer::of(1)),
        (
            0,
            Ok(ResponseText {
                text: String::new(),
                length: 0
            })
        )
    );
}
