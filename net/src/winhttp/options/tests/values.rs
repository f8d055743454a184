//! Option values and per-kind rules: query-only options, credentials, websocket buffers,
//! redirect limits, global (NULL-handle) options, proxy/user agent/HTTP version, boolean
//! switches; each cites the rule id or the Wine test whose expectation it encodes.

use super::*;

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
