//! `WinHttpQueryOption`: the checks in Windows' order and the answer each store gives.
//!
//! Invariant: a query never reports a size smaller than the value it would write.

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp::*;

use super::stores::lookup;
use super::*;

fn dword(value: u32) -> Result<QueryAnswer, QueryError> {
    Ok(QueryAnswer {
        value: OptionValue::Dword(value),
        size: DWORD_SIZE,
    })
}

fn pointer(value: u64) -> Result<QueryAnswer, QueryError> {
    Ok(QueryAnswer {
        value: OptionValue::Pointer(value),
        size: POINTER_SIZE,
    })
}

/// Bytes a wide string answer needs: the text and its NUL.
fn wide_required(text: &[u16]) -> u32 {
    u32::try_from(text.len().saturating_add(1).saturating_mul(2)).unwrap_or(u32::MAX)
}

/// Default values of the plain `DWORD` options kept in the `dwords` lists, as Microsoft
/// documents them (retries 5, informational responses 10, header bound 64 KB, drain bound
/// 1 MB); the deprecated read/write buffer sizes answer what was set, 0 before.
fn dword_default(option: u32) -> u32 {
    match option {
        WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE => 10,
        WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE => 64 * 1024,
        WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE => 1024 * 1024,
        WINHTTP_OPTION_CONNECT_RETRIES => 5,
        _ => 0,
    }
}

/// `WinHttpQueryOption(handle, option, buffer, &len)` where `buffer_len` is `None` for a
/// NULL length pointer and `Some(0)` for a NULL buffer. See the module documentation for
/// the check order.
pub fn query_option(
    target: QueryTarget<'_>,
    option: u32,
    buffer_len: Option<u32>,
) -> Result<QueryAnswer, QueryError> {
    let capacity = buffer_len.ok_or(QueryError::Code(ERROR_INVALID_PARAMETER))?;
    let spec = spec(option).ok_or(QueryError::Code(ERROR_INVALID_PARAMETER))?;
    if spec.query.is_empty() {
        return Err(QueryError::Code(ERROR_INVALID_PARAMETER));
    }
    if !spec.query.contains(target.kind()) {
        return Err(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
    }
    // Fixed-size values: the buffer is checked before the state (Wine `validate_buffer`
    // comes first, so a short buffer reports the size even with no connection yet).
    let fixed = match spec.kind {
        ValueKind::Dword => Some(DWORD_SIZE),
        ValueKind::Pointer => Some(POINTER_SIZE),
        ValueKind::Struct(size) => Some(size),
        ValueKind::Proxy => Some(PROXY_INFO_SIZE),
        ValueKind::Wide | ValueKind::Bytes | ValueKind::NoBuffer => None,
    };
    if let Some(required) = fixed.filter(|&required| capacity < required) {
        return Err(QueryError::InsufficientBuffer { required });
    }
    let answer = answer(target, option)?;
    let required = match &answer.value {
        OptionValue::Wide(text) => wide_required(text),
        _ => answer.size,
    };
    if capacity < required {
        return Err(QueryError::InsufficientBuffer { required });
    }
    Ok(answer)
}

fn wide_answer(text: Option<&[u16]>) -> Result<QueryAnswer, QueryError> {
    let text = text.unwrap_or(&[]).to_vec();
    let size = u32::try_from(text.len().saturating_mul(2)).unwrap_or(u32::MAX);
    Ok(QueryAnswer {
        value: OptionValue::Wide(text),
        size,
    })
}

fn request_answer(request: &RequestOptions, option: u32) -> Result<QueryAnswer, QueryError> {
    let facts = &request.connection;
    match option {
        WINHTTP_OPTION_PARENT_HANDLE => pointer(request.parent),
        WINHTTP_OPTION_SECURITY_FLAGS => {
            let mut flags = request.security_flags;
            if let Some(bits) = facts.cipher_bits {
                flags |= if bits >= 128 {
                    SECURITY_FLAG_STRENGTH_STRONG
                } else if bits >= 56 {
                    SECURITY_FLAG_STRENGTH_MEDIUM
                } else {
                    SECURITY_FLAG_STRENGTH_WEAK
                };
            }
            dword(flags)
        }
        WINHTTP_OPTION_SECURITY_KEY_BITNESS => dword(facts.cipher_bits.unwrap_or(0)),
        WINHTTP_OPTION_SERVER_CERT_CONTEXT
        | WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT
        | WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT => {
            // Without a certificate there is nothing to answer; Windows fails the query on
            // a request that has no TLS connection (the exact code is not asserted by Wine's
            // tests; 12019 is the one WinHTTP uses for "not in that state yet").
            let certs = facts
                .server_certificates
                .clone()
                .ok_or(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_STATE))?;
            let size = match spec(option).map(|s| s.kind) {
                Some(ValueKind::Struct(size)) => size,
                _ => POINTER_SIZE,
            };
            Ok(QueryAnswer {
                value: OptionValue::Certificates(certs),
                size,
            })
        }
        WINHTTP_OPTION_CONNECTION_INFO => {
            let info = facts
                .info
                .ok_or(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_STATE))?;
            Ok(QueryAnswer {
                value: OptionValue::Connection(info),
                size: CONNECTION_INFO_SIZE,
            })
        }
        WINHTTP_OPTION_USERNAME => wide_answer(request.username.as_deref()),
        WINHTTP_OPTION_PASSWORD => wide_answer(request.password.as_deref()),
        WINHTTP_OPTION_PROXY_USERNAME => wide_answer(request.proxy_username.as_deref()),
        WINHTTP_OPTION_PROXY_PASSWORD => wide_answer(request.proxy_password.as_deref()),
        WINHTTP_OPTION_URL => wide_answer(Some(&request.url)),
        WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => dword(request.max_redirects),
        WINHTTP_OPTION_REDIRECT_POLICY => dword(request.redirect_policy),
        WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
            dword(request.websocket_receive_buffer_size)
        }
        WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => dword(request.websocket_send_buffer_size),
        WINHTTP_OPTION_HTTP_PROTOCOL_USED => dword(0),
        WINHTTP_OPTION_EXTENDED_ERROR => dword(facts.extended_error),
        WINHTTP_OPTION_CALLBACK => pointer(request.callback),
        WINHTTP_OPTION_PROXY => Ok(QueryAnswer {
            value: OptionValue::Proxy(request.proxy.clone().unwrap_or_default()),
            size: PROXY_INFO_SIZE,
        }),
        WINHTTP_OPTION_HTTP_VERSION => http_version(request.http_version),
        WINHTTP_OPTION_CONNECTION_STATS_V0 | WINHTTP_OPTION_CONNECTION_STATS_V1 => {
            // The engine does not record TCP statistics.
            Err(QueryError::Code(ERROR_WINHTTP_INCORRECT_HANDLE_STATE))
        }
        _ => match request.timeouts.get(option) {
            Some(value) => dword(value),
            None => dword(lookup(&request.dwords, option, dword_default(option))),
        },
    }
}

fn http_version(version: Option<(u32, u32)>) -> Result<QueryAnswer, QueryError> {
    let (major, minor) = version.unwrap_or((1, 1));
    Ok(QueryAnswer {
        value: OptionValue::HttpVersion { major, minor },
        size: HTTP_VERSION_INFO_SIZE,
    })
}

fn session_answer(session: &SessionOptions, option: u32) -> Result<QueryAnswer, QueryError> {
    match option {
        WINHTTP_OPTION_REDIRECT_POLICY => dword(session.redirect_policy),
        WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
            dword(session.websocket_receive_buffer_size)
        }
        WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => dword(session.websocket_send_buffer_size),
        WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => dword(session.max_redirects),
        WINHTTP_OPTION_PARENT_HANDLE => pointer(0),
        WINHTTP_OPTION_SECURE_PROTOCOLS => dword(session.secure_protocols),
        WINHTTP_OPTION_MAX_CONNS_PER_SERVER => dword(session.max_conns_per_server),
        WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER => dword(session.max_conns_per_1_0_server),
        WINHTTP_OPTION_USER_AGENT => wide_answer(session.user_agent.as_deref()),
        WINHTTP_OPTION_CALLBACK => pointer(session.callback),
        WINHTTP_OPTION_PROXY => Ok(QueryAnswer {
            value: OptionValue::Proxy(session.proxy.clone()),
            size: PROXY_INFO_SIZE,
        }),
        WINHTTP_OPTION_HTTP_VERSION => http_version(session.http_version),
        WINHTTP_OPTION_EXTENDED_ERROR => dword(0),
        _ => match session.timeouts.get(option) {
            Some(value) => dword(value),
            None => dword(lookup(&session.dwords, option, dword_default(option))),
        },
    }
}

fn answer(target: QueryTarget<'_>, option: u32) -> Result<QueryAnswer, QueryError> {
    // Options every handle kind answers the same way.
    match (option, target.kind()) {
        (WINHTTP_OPTION_HANDLE_TYPE, Some(kind)) => return dword(kind.handle_type()),
        (WINHTTP_OPTION_WORKER_THREAD_COUNT, Some(_)) => return dword(0),
        _ => {}
    }
    match target {
        QueryTarget::Global(global) => match option {
            WINHTTP_OPTION_ENABLETRACING => dword(global.enable_tracing),
            WINHTTP_OPTION_EXTENDED_ERROR => dword(global.extended_error),
            WINHTTP_OPTION_PROXY => Ok(QueryAnswer {
                value: OptionValue::Proxy(global.default_proxy.clone()),
                size: PROXY_INFO_SIZE,
            }),
            WINHTTP_OPTION_HTTP_VERSION => http_version(global.http_version),
            _ => Err(QueryError::Code(ERROR_INVALID_PARAMETER)),
        },
        QueryTarget::Session(session) => {
            if option == WINHTTP_OPTION_CONTEXT_VALUE {
                return pointer(session.context);
            }
            session_answer(session, option)
        }
        QueryTarget::Connect { connect, session } => match option {
            WINHTTP_OPTION_CONTEXT_VALUE => pointer(connect.context),
            WINHTTP_OPTION_PARENT_HANDLE => pointer(connect.parent),
            WINHTTP_OPTION_CALLBACK => pointer(connect.callback),
            WINHTTP_OPTION_EXTENDED_ERROR => dword(0),
            // Timeouts: the session's current values (WH-R12).
            _ => session
                .timeouts
                .get(option)
                .map_or(Err(QueryError::Code(ERROR_INVALID_PARAMETER)), dword),
        },
        QueryTarget::Request(request) => {
            if option == WINHTTP_OPTION_CONTEXT_VALUE {
                return pointer(request.context);
            }
            request_answer(request, option)
        }
        QueryTarget::WebSocket(socket) => match option {
            WINHTTP_OPTION_CONTEXT_VALUE => pointer(socket.context),
            WINHTTP_OPTION_CALLBACK => pointer(socket.callback),
            WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT => dword(socket.close_timeout),
            WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL => dword(socket.keepalive_interval),
            WINHTTP_OPTION_EXTENDED_ERROR => dword(0),
            _ => Err(QueryError::Code(ERROR_INVALID_PARAMETER)),
        },
    }
}
