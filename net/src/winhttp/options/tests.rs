//! Tests of the option catalogue and stores; each cites the rule id or the Wine test whose
//! (Windows-checked) expectation it encodes.

use super::*;
use crate::url::to_wide;
use windows_sys::Win32::Foundation::{ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY};

fn session() -> SessionOptions {
    SessionOptions::new(Some(to_wide("agent")), ProxyInfo::default(), 0)
}

fn d(v: u32) -> OptionValue {
    OptionValue::Dword(v)
}

fn query_dword(target: QueryTarget<'_>, option: u32) -> Result<u32, u32> {
    match query_option(target, option, Some(4)) {
        Ok(QueryAnswer {
            value: OptionValue::Dword(v),
            size: 4,
        }) => Ok(v),
        Ok(other) => panic!("unexpected answer {other:?}"),
        Err(e) => Err(e.code()),
    }
}

#[test]
fn catalogue_has_every_needed_option_once() {
    let needed = [
        WINHTTP_OPTION_CALLBACK,
        WINHTTP_OPTION_RESOLVE_TIMEOUT,
        WINHTTP_OPTION_CONNECT_TIMEOUT,
        WINHTTP_OPTION_CONNECT_RETRIES,
        WINHTTP_OPTION_SEND_TIMEOUT,
        WINHTTP_OPTION_RECEIVE_TIMEOUT,
        WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
        WINHTTP_OPTION_HANDLE_TYPE,
        WINHTTP_OPTION_READ_BUFFER_SIZE,
        WINHTTP_OPTION_WRITE_BUFFER_SIZE,
        WINHTTP_OPTION_PARENT_HANDLE,
        WINHTTP_OPTION_EXTENDED_ERROR,
        WINHTTP_OPTION_SECURITY_FLAGS,
        WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT,
        WINHTTP_OPTION_URL,
        WINHTTP_OPTION_SECURITY_KEY_BITNESS,
        WINHTTP_OPTION_PROXY,
        WINHTTP_OPTION_USER_AGENT,
        WINHTTP_OPTION_CONTEXT_VALUE,
        WINHTTP_OPTION_CLIENT_CERT_CONTEXT,
        WINHTTP_OPTION_REQUEST_PRIORITY,
        WINHTTP_OPTION_HTTP_VERSION,
        WINHTTP_OPTION_DISABLE_FEATURE,
        WINHTTP_OPTION_ENABLE_FEATURE,
        WINHTTP_OPTION_CODEPAGE,
        WINHTTP_OPTION_MAX_CONNS_PER_SERVER,
        WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER,
        WINHTTP_OPTION_AUTOLOGON_POLICY,
        WINHTTP_OPTION_SERVER_CERT_CONTEXT,
        WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT,
        WINHTTP_OPTION_SECURE_PROTOCOLS,
        WINHTTP_OPTION_REDIRECT_POLICY,
        WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,
        WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE,
        WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE,
        WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE,
        WINHTTP_OPTION_CONNECTION_INFO,
        WINHTTP_OPTION_USERNAME,
        WINHTTP_OPTION_PASSWORD,
        WINHTTP_OPTION_PROXY_USERNAME,
        WINHTTP_OPTION_PROXY_PASSWORD,
        WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
        WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT,
        WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
        WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE,
        WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
        WINHTTP_OPTION_ENABLETRACING,
        WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT,
        WINHTTP_OPTION_DECOMPRESSION,
        WINHTTP_OPTION_CONNECTION_STATS_V0,
        WINHTTP_OPTION_CONNECTION_STATS_V1,
    ];
    for id in needed {
        assert_eq!(
            CATALOGUE.iter().filter(|s| s.id == id).count(),
            1,
            "option {id}"
        );
    }
    assert_eq!(
        spec(WINHTTP_OPTION_CONNECTION_INFO).map(|s| s.kind),
        Some(Struct(CONNECTION_INFO_SIZE))
    );
}

#[test]
fn session_defaults_wh_r11() {
    let s = session();
    let t = QueryTarget::Session(&s);
    assert_eq!(query_dword(t, WINHTTP_OPTION_RESOLVE_TIMEOUT), Ok(0));
    assert_eq!(query_dword(t, WINHTTP_OPTION_CONNECT_TIMEOUT), Ok(20_000));
    assert_eq!(query_dword(t, WINHTTP_OPTION_SEND_TIMEOUT), Ok(30_000));
    assert_eq!(query_dword(t, WINHTTP_OPTION_RECEIVE_TIMEOUT), Ok(30_000));
    assert_eq!(
        query_dword(t, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT),
        Ok(u32::MAX)
    );
    assert_eq!(
        query_dword(t, WINHTTP_OPTION_REDIRECT_POLICY),
        Ok(WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP)
    );
    assert_eq!(
        query_dword(t, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE),
        Ok(32_768)
    );
    assert_eq!(
        query_dword(t, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE),
        Ok(32_768)
    );
    assert_eq!(
        query_dword(t, WINHTTP_OPTION_HANDLE_TYPE),
        Ok(WINHTTP_HANDLE_TYPE_SESSION)
    );
    assert_eq!(s.timeouts.effective_receive_response(), 90_000);
    assert_eq!(
        DEFAULT_RECEIVE_RESPONSE_TIMEOUT_MS, 90_000,
        "Microsoft's documented default"
    );
}

#[test]
fn redirect_policy_buffer_rules_test_winhttpqueryoption() {
    let mut s = session();
    // Query with a larger buffer succeeds and reports 4; with a smaller one → 122 + 4.
    let answer = query_option(
        QueryTarget::Session(&s),
        WINHTTP_OPTION_REDIRECT_POLICY,
        Some(5),
    );
    assert_eq!(answer.map(|a| a.size), Ok(4));
    assert_eq!(
        query_option(
            QueryTarget::Session(&s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            Some(3)
        ),
        Err(QueryError::InsufficientBuffer { required: 4 })
    );
    assert_eq!(
        query_option(
            QueryTarget::Session(&s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            None
        ),
        Err(QueryError::Code(ERROR_INVALID_PARAMETER))
    );
    let always = d(WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS);
    // NULL buffer with a length → 87; length ±1 → 122; exact → ok.
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            None,
            4
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            Some(&always),
            3
        ),
        Err(122)
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            Some(&always),
            5
        ),
        Err(122)
    );
    assert_eq!(
        s.redirect_policy, WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP,
        "failed sets change nothing"
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            Some(&always),
            4
        ),
        Ok(())
    );
    assert_eq!(
        query_dword(QueryTarget::Session(&s), WINHTTP_OPTION_REDIRECT_POLICY),
        Ok(2)
    );
    // A policy beyond the last one is rejected.
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_REDIRECT_POLICY,
            Some(&d(3)),
            4
        ),
        Err(87)
    );
}

#[test]
fn disable_feature_only_on_requests_and_set_only_wh_r10() {
    let mut s = session();
    let mut c = ConnectOptions::new(&s, 1);
    let cookies = d(WINHTTP_DISABLE_COOKIES);
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(&cookies),
            4
        ),
        Err(12018)
    );
    assert_eq!(
        set_option(
            SetTarget::Connect(&mut c),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(&cookies),
            4
        ),
        Err(12018)
    );
    let mut r = RequestOptions::new(&s, &c, 0, to_wide("http://h/"), 2);
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(4)
        ),
        Err(QueryError::Code(87))
    );
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(0)
        ),
        Err(QueryError::Code(87))
    );
    // 0 and 0xffffffff are accepted (test_WinHttpQueryOption); bits accumulate.
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(&d(0)),
            4
        ),
        Ok(())
    );
    assert!(!r.is_disabled(WINHTTP_DISABLE_COOKIES));
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(&cookies),
            4
        ),
        Ok(())
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_DISABLE_FEATURE,
            Some(&d(WINHTTP_DISABLE_REDIRECTS)),
            4
        ),
        Ok(())
    );
    assert!(r.is_disabled(WINHTTP_DISABLE_COOKIES) && r.is_disabled(WINHTTP_DISABLE_REDIRECTS));
    assert!(!r.is_disabled(WINHTTP_DISABLE_KEEP_ALIVE));
}

#[test]
fn connect_handle_reads_session_timeouts_live_request_snapshots_wh_r12_r13() {
    let mut s = session();
    let c = ConnectOptions::new(&s, 1);
    let r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(
        set_timeouts(
            HandleKind::Session,
            &mut s.timeouts,
            0x0123,
            0x4567,
            0x89ab,
            0xcdef
        ),
        Ok(())
    );
    let ct = QueryTarget::Connect {
        connect: &c,
        session: &s,
    };
    assert_eq!(query_dword(ct, WINHTTP_OPTION_RESOLVE_TIMEOUT), Ok(0x0123));
    assert_eq!(query_dword(ct, WINHTTP_OPTION_CONNECT_TIMEOUT), Ok(0x4567));
    assert_eq!(query_dword(ct, WINHTTP_OPTION_SEND_TIMEOUT), Ok(0x89ab));
    assert_eq!(query_dword(ct, WINHTTP_OPTION_RECEIVE_TIMEOUT), Ok(0xcdef));
    // The request created before keeps the defaults; one created now copies the new values.
    assert_eq!(
        query_dword(QueryTarget::Request(&r), WINHTTP_OPTION_CONNECT_TIMEOUT),
        Ok(20_000)
    );
    let mut r2 = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(
        query_dword(QueryTarget::Request(&r2), WINHTTP_OPTION_SEND_TIMEOUT),
        Ok(0x89ab)
    );
    // Request changes do not flow back.
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r2),
            WINHTTP_OPTION_SEND_TIMEOUT,
            Some(&d(7)),
            4
        ),
        Ok(())
    );
    assert_eq!(
        query_dword(QueryTarget::Session(&s), WINHTTP_OPTION_SEND_TIMEOUT),
        Ok(0x89ab)
    );
    assert_eq!(
        query_dword(QueryTarget::Request(&r2), WINHTTP_OPTION_SEND_TIMEOUT),
        Ok(7)
    );
}

#[test]
fn connect_handle_sets_nothing_but_context_wh_r10() {
    let s = session();
    let mut c = ConnectOptions::new(&s, 1);
    for option in [
        WINHTTP_OPTION_RESOLVE_TIMEOUT,
        WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
        WINHTTP_OPTION_SECURE_PROTOCOLS,
        WINHTTP_OPTION_REDIRECT_POLICY,
    ] {
        assert_eq!(
            set_option(SetTarget::Connect(&mut c), option, Some(&d(1)), 4),
            Err(12018),
            "{option}"
        );
    }
    assert_eq!(
        set_option(
            SetTarget::Connect(&mut c),
            WINHTTP_OPTION_CONTEXT_VALUE,
            Some(&OptionValue::Pointer(9)),
            8
        ),
        Ok(())
    );
    assert_eq!(
        query_option(
            QueryTarget::Connect {
                connect: &c,
                session: &s
            },
            WINHTTP_OPTION_CONTEXT_VALUE,
            Some(8)
        )
        .map(|a| a.value),
        Ok(OptionValue::Pointer(9))
    );
    // Unknown options: 12009 on set (Windows, also on a connect handle), 87 on query.
    assert_eq!(
        set_option(SetTarget::Connect(&mut c), 0xdead, Some(&d(1)), 4),
        Err(12009)
    );
    assert_eq!(
        query_option(
            QueryTarget::Connect {
                connect: &c,
                session: &s
            },
            0xdead,
            Some(4)
        ),
        Err(QueryError::Code(87))
    );
    // Websocket buffer options queried on a connect handle → 12018 (Windows, WH-R10).
    assert_eq!(
        query_option(
            QueryTarget::Connect {
                connect: &c,
                session: &s
            },
            WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
            Some(4)
        ),
        Err(QueryError::Code(12018))
    );
}

#[test]
fn set_timeouts_validation_and_clamping_wh_r9() {
    let mut t = Timeouts::default();
    for args in [(-2, 0, 0, 0), (0, -2, 0, 0), (0, 0, -2, 0), (0, 0, 0, -2)] {
        assert_eq!(
            set_timeouts(HandleKind::Session, &mut t, args.0, args.1, args.2, args.3),
            Err(87)
        );
        // Validation comes before the handle-type check.
        assert_eq!(
            set_timeouts(HandleKind::Connect, &mut t, args.0, args.1, args.2, args.3),
            Err(87)
        );
    }
    assert_eq!(t, Timeouts::default());
    assert_eq!(
        set_timeouts(HandleKind::Connect, &mut t, 0, 0, 0, 0),
        Err(12018)
    );
    assert_eq!(
        set_timeouts(HandleKind::WebSocket, &mut t, 0, 0, 0, 0),
        Err(12018)
    );
    assert_eq!(
        set_timeouts(HandleKind::Request, &mut t, -1, -1, -1, -1),
        Ok(())
    );
    assert_eq!(
        (t.resolve, t.connect, t.send, t.receive),
        (0, u32::MAX, 0, 0)
    );
    assert_eq!(
        t.receive_response,
        u32::MAX,
        "SetTimeouts leaves receive-response alone"
    );
}

#[test]
fn context_value_needs_exactly_a_pointer_wh_r16() {
    let mut s = session();
    let v = OptionValue::Pointer(0xdead_bef0);
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_CONTEXT_VALUE,
            Some(&v),
            4
        ),
        Err(122)
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_CONTEXT_VALUE,
            Some(&v),
            8
        ),
        Ok(())
    );
    assert_eq!(
        query_option(
            QueryTarget::Session(&s),
            WINHTTP_OPTION_CONTEXT_VALUE,
            Some(4)
        ),
        Err(QueryError::InsufficientBuffer { required: 8 })
    );
    // Context is inherited by connect and request at creation (WH-R12/R13).
    let c = ConnectOptions::new(&s, 1);
    let r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(r.context, 0xdead_bef0);
}

#[test]
fn security_flags_only_ignore_bits_and_strength_on_query() {
    let s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, WINHTTP_FLAG_SECURE, Vec::new(), 2);
    let ok = d(SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID);
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_SECURITY_FLAGS,
            Some(&ok),
            2
        ),
        Err(122)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_SECURITY_FLAGS,
            Some(&d(SECURITY_FLAG_STRENGTH_STRONG)),
            4
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_SECURITY_FLAGS,
            Some(&ok),
            4
        ),
        Ok(())
    );
    r.connection.cipher_bits = Some(256);
    assert_eq!(
        query_dword(QueryTarget::Request(&r), WINHTTP_OPTION_SECURITY_FLAGS),
        Ok(SECURITY_FLAG_IGNORE_UNKNOWN_CA
            | SECURITY_FLAG_IGNORE_CERT_CN_INVALID
            | SECURITY_FLAG_STRENGTH_STRONG)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_SECURITY_KEY_BITNESS
        ),
        Ok(256)
    );
}

#[test]
fn connection_info_and_client_cert_state_wh_r29() {
    let s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    // Buffer checked first, then the state.
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_CONNECTION_INFO,
            Some(4)
        ),
        Err(QueryError::InsufficientBuffer {
            required: CONNECTION_INFO_SIZE
        })
    );
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_CONNECTION_INFO,
            Some(CONNECTION_INFO_SIZE)
        ),
        Err(QueryError::Code(12019))
    );
    let info = ConnectionInfo {
        local: "127.0.0.1:5000".parse().expect("literal address"),
        remote: "127.0.0.1:80".parse().expect("literal address"),
    };
    r.connection.info = Some(info);
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_CONNECTION_INFO,
            Some(4)
        ),
        Err(QueryError::InsufficientBuffer {
            required: CONNECTION_INFO_SIZE
        })
    );
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_CONNECTION_INFO,
            Some(CONNECTION_INFO_SIZE)
        )
        .map(|a| a.value),
        Ok(OptionValue::Connection(info))
    );
    let cert = OptionValue::Pointer(0x1000);
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_CLIENT_CERT_CONTEXT,
            Some(&cert),
            8
        ),
        Err(12019)
    );
    let mut secure = RequestOptions::new(&s, &c, WINHTTP_FLAG_SECURE, Vec::new(), 2);
    assert_eq!(
        set_option(
            SetTarget::Request(&mut secure),
            WINHTTP_OPTION_CLIENT_CERT_CONTEXT,
            Some(&cert),
            4
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut secure),
            WINHTTP_OPTION_CLIENT_CERT_CONTEXT,
            Some(&cert),
            8
        ),
        Ok(())
    );
    assert_eq!(secure.client_cert, Some(0x1000));
    assert_eq!(
        set_option(
            SetTarget::Request(&mut secure),
            WINHTTP_OPTION_CLIENT_CERT_CONTEXT,
            None,
            0
        ),
        Ok(())
    );
    assert_eq!(secure.client_cert, None);
}

mod values;
