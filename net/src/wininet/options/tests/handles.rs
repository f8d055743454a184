//! Option tests of per-handle answers: contexts and the callback, certificates, security
//! flags, the NULL-handle-only answers, handle types and the catalogue's own consistency.

use super::*;

/// WI-R13 / WI-R14 (Wine `test_options`, `test_open_url_async`): context per handle, never
/// inherited; set with NULL or a wrong size → 87; query with NULL size → 87, too small →
/// 122 with 8; CALLBACK not settable (12011 on a handle, 12018 on NULL) and answered by the
/// engine.
#[test]
fn context_and_callback() {
    let mut global = GlobalOptions::default();
    let mut r = root(&global);
    assert_eq!(
        set_option(
            SetTarget::Handle(&mut r),
            INTERNET_OPTION_CONTEXT_VALUE,
            Some(&OptionValue::Pointer(1)),
            8
        ),
        Ok(SetOutcome::Stored)
    );
    let connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    let mut request = HandleOptions::child(&connect, HandleKind::HttpRequest, 0, 2, 0);
    let context = |h: &HandleOptions| {
        query_option(
            QueryTarget::Handle(h),
            INTERNET_OPTION_CONTEXT_VALUE,
            Charset::Ansi,
            QueryBuffer::of(8),
        )
    };
    assert_eq!(
        context(&r),
        Ok(QueryOutcome::Value {
            value: OptionValue::Pointer(1),
            length: 8
        })
    );
    assert_eq!(
        context(&connect),
        Ok(QueryOutcome::Value {
            value: OptionValue::Pointer(0),
            length: 8
        })
    );
    assert_eq!(
        set_option(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_CONTEXT_VALUE,
            None,
            8
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        set_option(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_CONTEXT_VALUE,
            Some(&OptionValue::Pointer(3)),
            4
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&request),
            INTERNET_OPTION_CONTEXT_VALUE,
            Charset::Ansi,
            QueryBuffer {
                length: None,
                has_buffer: true
            }
        ),
        Err(QueryFailure::code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&request),
            INTERNET_OPTION_CONTEXT_VALUE,
            Charset::Ansi,
            QueryBuffer::of(4)
        ),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(8)
        })
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&request),
            INTERNET_OPTION_CONTEXT_VALUE,
            Charset::Ansi,
            QueryBuffer::null(8)
        ),
        Err(QueryFailure::code(ERROR_INVALID_PARAMETER))
    );
    assert_eq!(
        set_option(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_CALLBACK,
            Some(&OptionValue::Pointer(7)),
            8
        ),
        Err(ERROR_INTERNET_OPTION_NOT_SETTABLE)
    );
    assert_eq!(
        set_option(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_CALLBACK,
            Some(&OptionValue::Pointer(7)),
            8
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&request),
            INTERNET_OPTION_CALLBACK,
            Charset::Ansi,
            QueryBuffer::of(8)
        ),
        Ok(QueryOutcome::Engine)
    );
    assert_eq!(
        spec(INTERNET_OPTION_CALLBACK).map(|s| s.route),
        Some(Route::Engine)
    );
}

/// WI-R23 (Wine `test_cert_string`): certificate options before a connection → 12016, the
/// chain context → 12019; with a TLS connection the engine answers.
#[test]
fn certificate_options_before_and_after_a_connection() {
    let global = GlobalOptions::default();
    let r = root(&global);
    let connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    let mut request = HandleOptions::child(
        &connect,
        HandleKind::HttpRequest,
        0,
        2,
        INTERNET_FLAG_SECURE,
    );
    let q = |h: &HandleOptions, option| {
        query_option(
            QueryTarget::Handle(h),
            option,
            Charset::Ansi,
            QueryBuffer::of(4096),
        )
        .map_err(|f| f.code)
    };
    assert_eq!(
        q(&request, INTERNET_OPTION_SECURITY_CERTIFICATE),
        Err(ERROR_INTERNET_INVALID_OPERATION)
    );
    assert_eq!(
        q(&request, INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT),
        Err(ERROR_INTERNET_INVALID_OPERATION)
    );
    assert_eq!(
        q(&request, INTERNET_OPTION_SERVER_CERT_CHAIN_CONTEXT),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_STATE)
    );
    assert_eq!(
        q(&connect, INTERNET_OPTION_SECURITY_CERTIFICATE),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    let flags = |h: &HandleOptions| {
        dword_of(query_option(
            QueryTarget::Handle(h),
            INTERNET_OPTION_SECURITY_FLAGS,
            Charset::Ansi,
            QueryBuffer::of(4),
        ))
    };
    assert_eq!(flags(&request), 0, "no SECURE bit before a TLS connection");
    // Wine test_security_flags: after a failed handshake, the error bits without SECURE.
    request.server_security_flags = SECURITY_FLAG_CERT_INVALID_CA;
    request.security_flags = SECURITY_FLAG_IGNORE_REVOCATION;
    assert_eq!(
        flags(&request),
        SECURITY_FLAG_CERT_INVALID_CA | SECURITY_FLAG_IGNORE_REVOCATION
    );
    request.server_security_flags = 0;
    request.security_flags = 0;
    request.tls = Some(TlsFacts {
        certificates: vec![vec![0x30]],
        cipher_bits: 256,
    });
    assert_eq!(
        q(&request, INTERNET_OPTION_SECURITY_CERTIFICATE),
        Ok(QueryOutcome::Engine)
    );
    assert_eq!(
        q(&request, INTERNET_OPTION_SERVER_CERT_CHAIN_CONTEXT),
        Ok(QueryOutcome::Engine)
    );
    assert_eq!(
        dword_of(query_option(
            QueryTarget::Handle(&request),
            INTERNET_OPTION_SECURITY_FLAGS,
            Charset::Ansi,
            QueryBuffer::of(4)
        )),
        SECURITY_FLAG_SECURE | SECURITY_FLAG_STRENGTH_STRONG
    );
    assert_eq!(
        dword_of(query_option(
            QueryTarget::Handle(&request),
            INTERNET_OPTION_SECURITY_KEY_BITNESS,
            Charset::Ansi,
            QueryBuffer::of(4)
        )),
        256
    );
}

/// Security flags: only the IGNORE_* bits are kept; wrong size → 87; not on a connect handle.
#[test]
fn security_flags_set() {
    let global = GlobalOptions::default();
    let r = root(&global);
    let mut connect = HandleOptions::child(&r, HandleKind::ConnectHttp, 0, 1, 0);
    let mut request = HandleOptions::child(&connect, HandleKind::HttpRequest, 0, 2, 0);
    let wanted = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_REVOCATION;
    assert_eq!(
        set_dword(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_SECURITY_FLAGS,
            wanted | SECURITY_FLAG_SECURE
        ),
        Ok(SetOutcome::Stored)
    );
    assert_eq!(request.security_flags, wanted);
    assert_eq!(
        set_option(
            SetTarget::Handle(&mut request),
            INTERNET_OPTION_SECURITY_FLAGS,
            Some(&OptionValue::Dword(0)),
            8
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        set_dword(
            SetTarget::Handle(&mut connect),
            INTERNET_OPTION_SECURITY_FLAGS,
            wanted
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
}

/// Wine `test_version`, `test_null` (CONNECTED_STATE), `test_InternetQueryOptionA` (PROXY on
/// NULL with a NULL buffer → 122 and at least sizeof(INTERNET_PROXY_INFO)).
#[test]
fn global_only_answers() {
    let global = GlobalOptions::default();
    assert_eq!(
        query_option(
            QueryTarget::Global(&global),
            INTERNET_OPTION_VERSION,
            Charset::Ansi,
            QueryBuffer::of(8)
        ),
        Ok(QueryOutcome::Value {
            value: OptionValue::Version { major: 1, minor: 2 },
            length: 8
        })
    );
    assert_eq!(
        query_option(
            QueryTarget::Global(&global),
            INTERNET_OPTION_VERSION,
            Charset::Ansi,
            QueryBuffer::of(7)
        ),
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(8)
        })
    );
    assert_eq!(
        query_dword(
            QueryTarget::Global(&global),
            INTERNET_OPTION_CONNECTED_STATE
        ),
        INTERNET_STATE_CONNECTED
    );
    let failure = query_option(
        QueryTarget::Global(&global),
        INTERNET_OPTION_PROXY,
        Charset::Ansi,
        QueryBuffer::null(0xdead_beef),
    );
    match failure {
        Err(QueryFailure {
            code: ERROR_INSUFFICIENT_BUFFER,
            length: Some(len),
        }) => {
            assert!(len >= size_of::<INTERNET_PROXY_INFO>() as u32 && len != 0xdead_beef);
            let answer = query_option(
                QueryTarget::Global(&global),
                INTERNET_OPTION_PROXY,
                Charset::Ansi,
                QueryBuffer::of(len),
            );
            assert!(
                matches!(answer, Ok(QueryOutcome::Value { value: OptionValue::Proxy(_), length }) if length == len)
            );
        }
        other => panic!("{other:?}"),
    }
    let r = root(&global);
    assert_eq!(
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_VERSION,
            Charset::Ansi,
            QueryBuffer::of(8)
        )
        .map_err(|f| f.code),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
}

/// Handle types, parent handles, set-only / query-only / unsupported options, DATAFILE_NAME.
#[test]
fn handle_type_parent_and_unsupported() {
    let global = GlobalOptions::default();
    let mut r = root(&global);
    let connect = HandleOptions::child(&r, HandleKind::ConnectFtp, 0, 0x10, 0);
    let mut file = HandleOptions::child(&connect, HandleKind::FtpFile, 0, 0x20, 0);
    assert_eq!(
        query_dword(QueryTarget::Handle(&connect), INTERNET_OPTION_HANDLE_TYPE),
        INTERNET_HANDLE_TYPE_CONNECT_FTP
    );
    assert_eq!(
        query_dword(QueryTarget::Handle(&file), INTERNET_OPTION_HANDLE_TYPE),
        INTERNET_HANDLE_TYPE_FTP_FILE
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&file),
            INTERNET_OPTION_PARENT_HANDLE,
            Charset::Ansi,
            QueryBuffer::of(8)
        ),
        Ok(QueryOutcome::Value {
            value: OptionValue::Pointer(0x20),
            length: 8
        })
    );
    assert_eq!(
        set_dword(SetTarget::Handle(&mut file), INTERNET_OPTION_HANDLE_TYPE, 1),
        Err(ERROR_INTERNET_OPTION_NOT_SETTABLE)
    );
    assert_eq!(
        query_option(
            QueryTarget::Handle(&r),
            INTERNET_OPTION_SETTINGS_CHANGED,
            Charset::Ansi,
            QueryBuffer::of(4)
        )
        .map_err(|f| f.code),
        Err(ERROR_INTERNET_INVALID_OPTION)
    );
    for option in [
        INTERNET_OPTION_ASYNC,
        INTERNET_OPTION_KEEP_CONNECTION,
        INTERNET_OPTION_ASYNC_PRIORITY,
        INTERNET_OPTION_OFFLINE_MODE,
    ] {
        assert_eq!(
            set_dword(SetTarget::Handle(&mut r), option, 1),
            Err(ERROR_INTERNET_INVALID_OPTION)
        );
    }
    assert_eq!(
        query_option(
            QueryTarget::Handle(&file),
            INTERNET_OPTION_DATAFILE_NAME,
            Charset::Ansi,
            QueryBuffer::of(260)
        ),
        Err(QueryFailure {
            code: ERROR_INTERNET_ITEM_NOT_FOUND,
            length: Some(0)
        })
    );
    file.datafile = Some("/cache/a[1].txt".to_owned());
    assert_eq!(
        query_option(
            QueryTarget::Handle(&file),
            INTERNET_OPTION_DATAFILE_NAME,
            Charset::Ansi,
            QueryBuffer::of(260)
        ),
        Ok(QueryOutcome::Value {
            value: OptionValue::Text("/cache/a[1].txt".to_owned()),
            length: 15
        })
    );
}

/// Catalogue invariants: unique ids, every store-routed queryable option has an answer for
/// every handle kind it claims, NULL-handle answers for every global query.
#[test]
fn catalogue_is_consistent() {
    let mut ids: Vec<u32> = CATALOGUE.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CATALOGUE.len(), "duplicate option ids");
    let global = GlobalOptions::default();
    let r = root(&global);
    let kinds = [
        HandleKind::Root,
        HandleKind::ConnectHttp,
        HandleKind::ConnectFtp,
        HandleKind::ConnectGopher,
        HandleKind::HttpRequest,
        HandleKind::FtpFind,
        HandleKind::FtpFile,
        HandleKind::GopherFind,
        HandleKind::GopherFile,
    ];
    for spec in CATALOGUE.iter().filter(|s| s.route == Route::Store) {
        if spec.query.contains(None) {
            assert!(
                global_value(&global, spec.id).is_some(),
                "{} has no NULL-handle answer",
                spec.name
            );
        }
        for kind in kinds {
            if spec.query.contains(Some(kind)) {
                let mut h = HandleOptions::child(&r, kind, 0, 1, 0);
                h.datafile = Some(String::new());
                assert!(
                    handle_value(&h, spec.id).is_some(),
                    "{} has no answer on {kind:?}",
                    spec.name
                );
            }
        }
    }
}

/// Set buffers decode per kind and entry point; short buffers give `None`.
#[test]
fn decode_set_buffers() {
    let d = |option: u32, bytes: &[u8], charset, len| {
        spec(option).and_then(|s| OptionValue::decode(s.kind, option, bytes, charset, len))
    };
    assert_eq!(
        d(
            INTERNET_OPTION_CONNECT_TIMEOUT,
            &[0x39, 0x30, 0, 0],
            Charset::Ansi,
            4
        ),
        Some(OptionValue::Dword(12345))
    );
    assert_eq!(
        d(
            INTERNET_OPTION_CONNECT_TIMEOUT,
            &[1, 2, 3],
            Charset::Ansi,
            3
        ),
        None
    );
    assert_eq!(
        d(
            INTERNET_OPTION_CONTEXT_VALUE,
            &7u64.to_le_bytes(),
            Charset::Ansi,
            8
        ),
        Some(OptionValue::Pointer(7))
    );
    assert_eq!(
        d(INTERNET_OPTION_USER_AGENT, b"agent\0junk", Charset::Ansi, 0),
        Some(OptionValue::Text("agent".to_owned()))
    );
    assert_eq!(
        d(INTERNET_OPTION_USER_AGENT, b"agent", Charset::Ansi, 2),
        Some(OptionValue::Text("ag".to_owned()))
    );
    let wide: Vec<u8> = "h\u{e9}!"
        .encode_utf16()
        .chain([0, 0x41])
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(
        d(INTERNET_OPTION_USERNAME, &wide, Charset::Wide, 0),
        Some(OptionValue::Text("h\u{e9}!".to_owned()))
    );
    let version: Vec<u8> = [1u32, 0].iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(
        d(INTERNET_OPTION_HTTP_VERSION, &version, Charset::Ansi, 8),
        Some(OptionValue::Version { major: 1, minor: 0 })
    );
    let info: Vec<u8> = [INTERNET_STATE_DISCONNECTED_BY_USER, 1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let decoded = d(INTERNET_OPTION_CONNECTED_STATE, &info, Charset::Ansi, 8);
    assert_eq!(
        decoded,
        Some(OptionValue::ConnectedInfo {
            state: INTERNET_STATE_DISCONNECTED_BY_USER,
            flags: 1
        })
    );
    let mut global = GlobalOptions::default();
    assert_eq!(
        set_option(
            SetTarget::Global(&mut global),
            INTERNET_OPTION_CONNECTED_STATE,
            decoded.as_ref(),
            8
        ),
        Ok(SetOutcome::Stored)
    );
    assert_eq!(
        query_dword(
            QueryTarget::Global(&global),
            INTERNET_OPTION_CONNECTED_STATE
        ),
        INTERNET_STATE_DISCONNECTED_BY_USER
    );
    assert_eq!(d(INTERNET_OPTION_PROXY, &[0; 24], Charset::Ansi, 24), None);
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Decoding any bytes for any catalogued option never panics.
        #[test]
        fn decode_never_panics(index in 0usize..64, bytes in proptest::collection::vec(any::<u8>(), 0..24), len in 0u32..40) {
            if let Some(spec) = CATALOGUE.get(index % CATALOGUE.len()) {
                for charset in [Charset::Ansi, Charset::Wide] {
                    let _ = OptionValue::decode(spec.kind, spec.id, &bytes, charset, len);
                }
            }
        }

        /// No option number, buffer or value makes the checks panic, a failed set changes
        /// nothing, and a successful value query never reports more than the buffer holds.
        #[test]
        fn never_panics_and_failed_sets_change_nothing(
            option in prop_oneof![0u32..200, Just(0xdead_beef)],
            len in prop_oneof![Just(None), (0u32..64).prop_map(Some)],
            has_buffer in any::<bool>(),
            v in any::<u32>(),
            set_len in 0u32..16,
        ) {
            let mut global = GlobalOptions::default();
            let mut h = root(&global);
            let buffer = QueryBuffer { length: len, has_buffer };
            for charset in [Charset::Ansi, Charset::Wide] {
                if let Ok(QueryOutcome::Value { length, .. }) = query_option(QueryTarget::Handle(&h), option, charset, buffer) {
                    prop_assert!(length <= len.unwrap_or(0));
                }
                let _ = query_option(QueryTarget::Global(&global), option, charset, buffer);
            }
            let before = (global.clone(), h.clone());
            if set_option(SetTarget::Handle(&mut h), option, Some(&OptionValue::Dword(v)), set_len).is_err() {
                prop_assert_eq!(&before.1, &h);
            }
            if set_option(SetTarget::Global(&mut global), option, Some(&OptionValue::Dword(v)), set_len).is_err() {
                prop_assert_eq!(&before.0, &global);
            }
        }
    }
}
