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

#[test]
fn query_only_options_are_not_settable() {
    let s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, 0, to_wide("http://h/p"), 2);
    for option in [
        WINHTTP_OPTION_URL,
        WINHTTP_OPTION_SECURITY_KEY_BITNESS,
        WINHTTP_OPTION_HANDLE_TYPE,
        WINHTTP_OPTION_PARENT_HANDLE,
    ] {
        assert_eq!(
            set_option(SetTarget::Request(&mut r), option, Some(&d(1)), 4),
            Err(12011),
            "{option}"
        );
    }
    // URL query: 122 + (len + 1) * 2 when short; the size without the NUL on success.
    assert_eq!(
        query_option(QueryTarget::Request(&r), WINHTTP_OPTION_URL, Some(4)),
        Err(QueryError::InsufficientBuffer { required: 22 })
    );
    assert_eq!(
        query_option(QueryTarget::Request(&r), WINHTTP_OPTION_URL, Some(22)),
        Ok(QueryAnswer {
            value: OptionValue::Wide(to_wide("http://h/p")),
            size: 20
        })
    );
    assert_eq!(
        query_option(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_PARENT_HANDLE,
            Some(8)
        )
        .map(|a| a.value),
        Ok(OptionValue::Pointer(2))
    );
}

#[test]
fn credentials_options_and_string_lengths() {
    let s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    // Empty user name before a set: an empty string (size 0), or 122 + 2 for no buffer.
    assert_eq!(
        query_option(QueryTarget::Request(&r), WINHTTP_OPTION_USERNAME, Some(0)),
        Err(QueryError::InsufficientBuffer { required: 2 })
    );
    let user = OptionValue::Wide(to_wide("user\0junk"));
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_USERNAME,
            Some(&user),
            9
        ),
        Ok(())
    );
    assert_eq!(r.username.as_deref(), Some(&to_wide("user")[..]));
    let pass = OptionValue::Wide(to_wide("secret"));
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_PASSWORD,
            Some(&pass),
            3
        ),
        Ok(())
    );
    assert_eq!(r.password.as_deref(), Some(&to_wide("sec")[..]));
}

#[test]
fn websocket_options_wh_r10_r22() {
    let s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
            None,
            0
        ),
        Ok(())
    );
    assert!(r.websocket_upgrade);
    assert_eq!(r.check_upgrade_send(), Ok(()));
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
            Some(&d(15)),
            4
        ),
        Ok(())
    );
    assert_eq!(r.check_upgrade_send(), Err(ERROR_NOT_ENOUGH_MEMORY));
    // Keep-alive interval set on a request → 12018 (Windows); below 15 s → 87.
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
            Some(&d(20_000)),
            4
        ),
        Err(12018)
    );
    let mut w = WebSocketOptions::new(&r, 77);
    assert_eq!(w.context, 77);
    assert_eq!(w.send_buffer_size, 15);
    assert_eq!(
        set_option(
            SetTarget::WebSocket(&mut w),
            WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
            Some(&d(1000)),
            4
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::WebSocket(&mut w),
            WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
            Some(&d(15_000)),
            4
        ),
        Ok(())
    );
    // Websocket buffer sizes set on a websocket handle → 12018 (Windows, WH-R10).
    assert_eq!(
        set_option(
            SetTarget::WebSocket(&mut w),
            WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
            Some(&d(64)),
            4
        ),
        Err(12018)
    );
    assert_eq!(
        query_dword(QueryTarget::WebSocket(&w), WINHTTP_OPTION_HANDLE_TYPE),
        Ok(WINHTTP_HANDLE_TYPE_WEBSOCKET)
    );
}

#[test]
fn max_redirects_and_enable_feature_use_87_for_bad_lengths() {
    let s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(
        query_dword(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS
        ),
        Ok(10)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,
            Some(&d(2)),
            2
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,
            Some(&d(2)),
            4
        ),
        Ok(())
    );
    assert_eq!(r.max_redirects, 2);
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_ENABLE_FEATURE,
            Some(&d(WINHTTP_ENABLE_SSL_REVOCATION)),
            8
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_ENABLE_FEATURE,
            Some(&d(0x40)),
            4
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_ENABLE_FEATURE,
            Some(&d(WINHTTP_ENABLE_SSL_REVOCATION)),
            4
        ),
        Ok(())
    );
    assert!(r.check_revocation);
}

#[test]
fn global_options_and_decode() {
    let mut g = GlobalOptions::default();
    assert_eq!(
        set_option(
            SetTarget::Global(&mut g),
            WINHTTP_OPTION_ENABLETRACING,
            Some(&d(1)),
            4
        ),
        Ok(())
    );
    assert_eq!(
        query_dword(QueryTarget::Global(&g), WINHTTP_OPTION_ENABLETRACING),
        Ok(1)
    );
    assert_eq!(
        set_option(
            SetTarget::Global(&mut g),
            WINHTTP_OPTION_REDIRECT_POLICY,
            Some(&d(1)),
            4
        ),
        Err(12018)
    );
    assert_eq!(OptionValue::decode(Dword, &[1, 0, 0, 0, 9]), d(1));
    assert_eq!(
        OptionValue::decode(Dword, &[1, 0]),
        OptionValue::Bytes(vec![1, 0])
    );
    assert_eq!(
        OptionValue::decode(Pointer, &5u64.to_le_bytes()),
        OptionValue::Pointer(5)
    );
    assert_eq!(
        OptionValue::decode(Wide, &[b'a', 0, b'b', 0, 7]),
        OptionValue::Wide(to_wide("ab"))
    );
}

#[test]
fn proxy_user_agent_and_http_version_options() {
    let mut s = session();
    let named = OptionValue::Proxy(ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: Some(to_wide("p:8080")),
        bypass: Some(to_wide("<local>")),
    });
    let len = PROXY_INFO_SIZE;
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_PROXY,
            Some(&named),
            len
        ),
        Ok(())
    );
    assert_eq!(
        query_option(QueryTarget::Session(&s), WINHTTP_OPTION_PROXY, Some(len)).map(|a| a.value),
        Ok(named.clone())
    );
    // A named proxy without a proxy string is invalid.
    let broken = OptionValue::Proxy(ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: None,
        bypass: None,
    });
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_PROXY,
            Some(&broken),
            len
        ),
        Err(87)
    );
    // User agent: query sizes in bytes, set length in WCHARs.
    assert_eq!(
        query_option(
            QueryTarget::Session(&s),
            WINHTTP_OPTION_USER_AGENT,
            Some(64)
        ),
        Ok(QueryAnswer {
            value: OptionValue::Wide(to_wide("agent")),
            size: 10
        })
    );
    let agent = OptionValue::Wide(to_wide("other"));
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_USER_AGENT,
            Some(&agent),
            5
        ),
        Ok(())
    );
    assert_eq!(s.user_agent, Some(to_wide("other")));
    // HTTP version: 1.1 unless set.
    let v = query_option(
        QueryTarget::Session(&s),
        WINHTTP_OPTION_HTTP_VERSION,
        Some(HTTP_VERSION_INFO_SIZE),
    );
    assert_eq!(
        v.map(|a| a.value),
        Ok(OptionValue::HttpVersion { major: 1, minor: 1 })
    );
    let v10 = OptionValue::HttpVersion { major: 1, minor: 0 };
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_HTTP_VERSION,
            Some(&v10),
            HTTP_VERSION_INFO_SIZE
        ),
        Ok(())
    );
    assert_eq!(s.http_version, Some((1, 0)));
    // A value of the wrong type for the option is a parameter error.
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_CONNECT_TIMEOUT,
            Some(&agent),
            4
        ),
        Err(87)
    );
}

#[test]
fn session_limits_flow_into_new_requests_and_documented_defaults() {
    let mut s = session();
    let c = ConnectOptions::new(&s, 1);
    let before = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(
        query_dword(
            QueryTarget::Request(&before),
            WINHTTP_OPTION_CONNECT_RETRIES
        ),
        Ok(5)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Request(&before),
            WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE
        ),
        Ok(10)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Request(&before),
            WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE
        ),
        Ok(64 * 1024)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Request(&before),
            WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE
        ),
        Ok(1024 * 1024)
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,
            Some(&d(3)),
            4
        ),
        Ok(())
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE,
            Some(&d(999)),
            4
        ),
        Ok(())
    );
    let after = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(after.max_redirects, 3);
    assert_eq!(
        query_dword(
            QueryTarget::Request(&after),
            WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE
        ),
        Ok(999)
    );
    assert_eq!(before.max_redirects, 10, "requests snapshot at creation");
    // Set-only session options answer 87 on query; the enable feature of a session is the
    // impersonation one only.
    assert_eq!(
        query_option(
            QueryTarget::Session(&s),
            WINHTTP_OPTION_SECURE_PROTOCOLS,
            Some(4)
        ),
        Err(QueryError::Code(87))
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_SECURE_PROTOCOLS,
            Some(&d(WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2)),
            4
        ),
        Ok(())
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_ENABLE_FEATURE,
            Some(&d(WINHTTP_ENABLE_SSL_REVOCATION)),
            4
        ),
        Err(87)
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_ENABLE_FEATURE,
            Some(&d(WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION)),
            4
        ),
        Ok(())
    );
}

#[test]
fn null_handle_options() {
    let mut g = GlobalOptions {
        default_proxy: ProxyInfo {
            access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
            proxy: None,
            bypass: None,
        },
        ..GlobalOptions::default()
    };
    assert_eq!(
        query_option(
            QueryTarget::Global(&g),
            WINHTTP_OPTION_PROXY,
            Some(PROXY_INFO_SIZE)
        )
        .map(|a| a.value),
        Ok(OptionValue::Proxy(g.default_proxy.clone()))
    );
    assert_eq!(
        query_dword(QueryTarget::Global(&g), WINHTTP_OPTION_EXTENDED_ERROR),
        Ok(0)
    );
    assert_eq!(
        set_option(
            SetTarget::Global(&mut g),
            WINHTTP_OPTION_WORKER_THREAD_COUNT,
            Some(&d(4)),
            4
        ),
        Ok(())
    );
    assert_eq!(g.worker_thread_count, 4);
    // Worker thread count can only be set on the NULL handle; any handle answers 0.
    let mut s = session();
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_WORKER_THREAD_COUNT,
            Some(&d(4)),
            4
        ),
        Err(12018)
    );
    assert_eq!(
        query_dword(QueryTarget::Session(&s), WINHTTP_OPTION_WORKER_THREAD_COUNT),
        Ok(0)
    );
    // A proxy cannot be set through the NULL handle (that is SetDefaultProxyConfiguration).
    assert_eq!(
        set_option(SetTarget::Global(&mut g), WINHTTP_OPTION_PROXY, None, 0),
        Err(12018)
    );
}

#[test]
fn boolean_switches_are_stored_per_handle() {
    let mut s = session();
    let c = ConnectOptions::new(&s, 1);
    let mut r = RequestOptions::new(&s, &c, 0, Vec::new(), 2);
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_REJECT_USERPWD_IN_URL,
            Some(&d(1)),
            4
        ),
        Ok(())
    );
    assert_eq!(r.dwords, vec![(WINHTTP_OPTION_REJECT_USERPWD_IN_URL, 1)]);
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_REJECT_USERPWD_IN_URL,
            Some(&d(1)),
            4
        ),
        Err(12018)
    );
    assert_eq!(
        set_option(
            SetTarget::Session(&mut s),
            WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS,
            Some(&d(1)),
            4
        ),
        Ok(())
    );
    assert_eq!(
        query_option(
            QueryTarget::Session(&s),
            WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS,
            Some(4)
        ),
        Err(QueryError::Code(87))
    );
    assert_eq!(
        query_dword(
            QueryTarget::Request(&r),
            WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE
        ),
        Ok(0)
    );
    assert_eq!(
        set_option(
            SetTarget::Request(&mut r),
            WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE,
            Some(&d(1)),
            4
        ),
        Err(12011)
    );
}
