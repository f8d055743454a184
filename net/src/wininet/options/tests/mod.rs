//! Option catalogue and store tests; each cites the Wine test (or rule id) it reproduces.

use super::*;
use crate::wininet::HandleKind;
use windows_sys::Win32::Networking::WinHttp::SECURITY_FLAG_IGNORE_UNKNOWN_CA;

mod handles;

fn root(global: &GlobalOptions) -> HandleOptions {
    HandleOptions::root(
        global,
        Some("Wininet Test".to_owned()),
        ProxyInfo::default(),
        0,
    )
}

fn dword_of(outcome: Result<QueryOutcome, QueryFailure>) -> u32 {
    match outcome {
        Ok(QueryOutcome::Value {
            value: OptionValue::Dword(v),
            length,
        }) => {
            assert_eq!(length, DWORD_SIZE);
            v
        }
        other => panic!("expected a DWORD answer, got {other:?}"),
    }
}

fn query_dword(target: QueryTarget<'_>, option: u32) -> u32 {
    dword_of(query_option(
        target,
        option,
        Charset::Ansi,
        QueryBuffer::of(4),
    ))
}

fn set_dword(target: SetTarget<'_>, option: u32, v: u32) -> Result<SetOutcome, u32> {
    set_option(target, option, Some(&OptionValue::Dword(v)), 4)
}

/// Wine `test_InternetQueryOptionA`: USER_AGENT on NULL → 12018 and length 0; on the root:
/// NULL buffer → 122 with strlen+1, success length strlen; on a connect handle → 12018 with
/// the length untouched; "" agent → 122 with 1.
#[test]
fn user_agent_lengths_and_handle_kinds() {
    let global = GlobalOptions::default();
    let r = root(&global);
    assert_eq!(
        query_option(
            QueryTarget::Global(&global),
            INTERNET_OPTION_USER_AGENT,
            Charset::Ansi,
            QueryBuffer::null(100)
        ),
        Err(QueryFailure {
            code: ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
            length: Some(0)
        })
    );
    let q = |buf| {
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_USER_AGENT,
            Charset::Ansi,
            buf,
        )
    };
    assert_eq!(
        q(QueryBuffer::null(13)),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(13)
        })
    );
    assert_eq!(
        q(QueryBuffer::of(0)),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(13)
        })
    );
    assert_eq!(
        q(QueryBuffer::of(13)),
        Ok(QueryOutcome::Value {
            value: OptionValue::Text("Wininet Test".to_owned()),
            length: 12
        })
    );
    // The W entry point counts bytes of UTF-16.
    assert_eq!(
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_USER_AGENT,
            Charset::Wide,
            QueryBuffer::of(10)
        ),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(26)
        })
    );
    // ... and on success reports WCHARs without the terminator (12, not 24 or 26).
    assert_eq!(
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_USER_AGENT,
            Charset::Wide,
            QueryBuffer::of(26)
        ),
        Ok(QueryOutcome::Value {
            value: OptionValue::Text("Wininet Test".to_owned()),
            length: 12
        })
    );
    let connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    assert_eq!(
        query_option(
            QueryTarget::Handle(&connect),
            INTERNET_OPTION_USER_AGENT,
            Charset::Ansi,
            QueryBuffer::null(0)
        ),
        Err(QueryFailure {
            code: ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
            length: None
        })
    );
    let empty = HandleOptions::root(&global, Some(String::new()), ProxyInfo::default(), 0);
    assert_eq!(
        query_option(
            QueryTarget::Handle(&empty),
            INTERNET_OPTION_USER_AGENT,
            Charset::Ansi,
            QueryBuffer::null(0)
        ),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(1)
        })
    );
}

/// Wine `test_InternetQueryOptionA`: REQUEST_FLAGS on a connect handle → 12018 (length kept),
/// on NULL → 12018 with length 0; WI-R23: a fresh request reports NO_HEADERS.
#[test]
fn request_flags_only_on_requests() {
    let global = GlobalOptions::default();
    let r = root(&global);
    let connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    assert_eq!(
        query_option(
            QueryTarget::Handle(&connect),
            INTERNET_OPTION_REQUEST_FLAGS,
            Charset::Ansi,
            QueryBuffer::null(4)
        ),
        Err(QueryFailure {
            code: ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
            length: None
        })
    );
    assert_eq!(
        query_option(
            QueryTarget::Global(&global),
            INTERNET_OPTION_REQUEST_FLAGS,
            Charset::Ansi,
            QueryBuffer::null(4)
        ),
        Err(QueryFailure {
            code: ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
            length: Some(0)
        })
    );
    let request = HandleOptions::child(&connect, HandleKind::HttpRequest, 0, 2, 0);
    assert_eq!(
        query_dword(QueryTarget::Handle(&request), INTERNET_OPTION_REQUEST_FLAGS),
        INTERNET_REQFLAG_NO_HEADERS
    );
}

/// WI-R16 (Wine `test_InternetQueryOptionA`, "Timeout inheritance"): the five timeouts are
/// copied into a new connect handle; later sets on the root do not reach it, and a root
/// opened after a NULL-handle set starts with the process-wide value.
#[test]
fn timeouts_are_snapshotted_at_creation() {
    let mut global = GlobalOptions::default();
    assert_eq!(
        set_dword(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_CONNECT_TIMEOUT,
            12345
        ),
        Ok(SetOutcome::Stored)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Global(&global),
            INTERNET_OPTION_CONNECT_TIMEOUT
        ),
        12345
    );
    assert_eq!(
        set_dword(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_DATA_SEND_TIMEOUT,
            12345
        ),
        Ok(SetOutcome::Stored)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Global(&global),
            INTERNET_OPTION_DATA_SEND_TIMEOUT
        ),
        12345
    );
    let mut r = root(&global);
    assert_eq!(
        query_dword(QueryTarget::Handle(&r), INTERNET_OPTION_CONNECT_TIMEOUT),
        12345
    );
    let options = [
        INTERNET_OPTION_CONNECT_TIMEOUT,
        INTERNET_OPTION_SEND_TIMEOUT,
        INTERNET_OPTION_RECEIVE_TIMEOUT,
        INTERNET_OPTION_DATA_SEND_TIMEOUT,
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT,
    ];
    for option in options {
        assert_eq!(
            set_dword(SetTarget::Handle(&mut r), option, 15000),
            Ok(SetOutcome::Stored)
        );
    }
    let connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    for option in options {
        assert_eq!(query_dword(QueryTarget::Handle(&connect), option), 15000);
        assert_eq!(
            set_dword(SetTarget::Handle(&mut r), option, 12345),
            Ok(SetOutcome::Stored)
        );
        assert_eq!(
            query_dword(QueryTarget::Handle(&connect), option),
            15000,
            "child kept its copy"
        );
        assert_eq!(
            query_dword(QueryTarget::Handle(&r), option),
            12345,
            "parent not touched by the child"
        );
    }
    // CONTROL_* are the same options.
    assert_eq!(
        INTERNET_OPTION_CONTROL_SEND_TIMEOUT,
        INTERNET_OPTION_SEND_TIMEOUT
    );
    assert_eq!(
        INTERNET_OPTION_CONTROL_RECEIVE_TIMEOUT,
        INTERNET_OPTION_RECEIVE_TIMEOUT
    );
}

/// Wine `test_max_conns` and `test_InternetQueryOptionA`: MAX_CONNS_* are NULL-handle only
/// (12016 on a root for query and set), 0 → ERROR_BAD_ARGUMENTS, length ±1 → 12010.
#[test]
fn max_conns_are_process_wide() {
    let mut global = GlobalOptions::default();
    let mut r = root(&global);
    assert_eq!(
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            Charset::Ansi,
            QueryBuffer::of(4)
        ),
        Err(QueryFailure {
            code: ERROR_INTERNET_INVALID_OPERATION,
            length: None
        })
    );
    assert_eq!(
        set_dword(
            SetTarget::Handle(&mut r),
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            2
        ),
        Err(ERROR_INTERNET_INVALID_OPERATION)
    );
    assert_eq!(
        set_dword(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            3
        ),
        Ok(SetOutcome::Stored)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Global(&global),
            INTERNET_OPTION_MAX_CONNS_PER_SERVER
        ),
        3
    );
    assert_eq!(
        set_dword(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            0
        ),
        Err(ERROR_BAD_ARGUMENTS)
    );
    for len in [3, 5] {
        assert_eq!(
            set_option(
                SetTarget::Global(&mut global),
                INTERNET_OPTION_MAX_CONNS_PER_SERVER,
                Some(&OptionValue::Dword(2)),
                len
            ),
            Err(ERROR_INTERNET_BAD_OPTION_LENGTH)
        );
    }
    assert_eq!(global.max_conns_per_server, 3, "failed sets change nothing");
    assert_eq!(
        query_dword(
            QueryTarget::Global(&global),
            INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER
        ),
        4
    );
}

/// Wine `test_InternetSetOption`: ERROR_MASK and friends.
#[test]
fn error_mask_settings_changed_refresh_policy() {
    let mut global = GlobalOptions::default();
    let mut r = root(&global);
    let mut connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    let mut request = HandleOptions::child(&connect, HandleKind::HttpRequest, 0, 2, 0);
    assert_eq!(
        set_option(SetTarget::Handle(&mut r), INTERNET_OPTION_POLICY, None, 0),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_POLICY,
            Charset::Wide,
            QueryBuffer {
                length: None,
                has_buffer: false
            }
        ),
        Err(QueryFailure::code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        query_option(
            QueryTarget::Global(&global),
            INTERNET_OPTION_ERROR_MASK,
            Charset::Wide,
            QueryBuffer::of(4)
        )
        .map_err(|f| f.code),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    assert_eq!(
        set_dword(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_ERROR_MASK,
            11
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    assert_eq!(
        set_option(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_ERROR_MASK,
            Some(&OptionValue::Dword(11)),
            20
        ),
        Err(ERROR_INTERNET_BAD_OPTION_LENGTH)
    );
    assert_eq!(
        set_dword(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_ERROR_MASK,
            11
        ),
        Ok(SetOutcome::Stored)
    );
    for bad in [4, 16] {
        assert_eq!(
            set_dword(
                SetTarget::Handle(&mut request),
                INTERNET_OPTION_ERROR_MASK,
                bad
            ),
            Err(ERROR_INVALID_PARAMETER)
        );
    }
    assert_eq!(request.error_mask, 11);
    for target in [
        SetTarget::Handle(&mut request),
        SetTarget::Handle(&mut connect),
        SetTarget::Handle(&mut r),
    ] {
        assert_eq!(
            set_option(target, INTERNET_OPTION_SETTINGS_CHANGED, None, 0),
            Ok(SetOutcome::Engine(EngineAction::SettingsChanged))
        );
    }
    assert_eq!(
        set_option(SetTarget::Handle(&mut r), INTERNET_OPTION_REFRESH, None, 0),
        Ok(SetOutcome::Engine(EngineAction::Refresh))
    );
    for target in [
        SetTarget::Handle(&mut request),
        SetTarget::Handle(&mut connect),
    ] {
        assert_eq!(
            set_option(target, INTERNET_OPTION_REFRESH, None, 0),
            Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
        );
    }
    // Wine test_InternetCanonicalizeUrlA: an unknown option on NULL → 12009.
    assert_eq!(
        set_option(
            SetTarget::Global(&mut global),
            0xdead_beef,
            Some(&OptionValue::Dword(0)),
            256
        ),
        Err(ERROR_INTERNET_INVALID_OPTION)
    );
    // Wine test_end_browser_session: accepted on NULL, the engine clears session cookies.
    assert_eq!(
        set_option(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_END_BROWSER_SESSION,
            None,
            0
        ),
        Ok(SetOutcome::Engine(EngineAction::EndBrowserSession))
    );
}
