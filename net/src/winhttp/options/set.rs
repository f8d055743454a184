//! `WinHttpSetOption`: the checks in Windows' order, the value decoding and the store update.
//!
//! Invariant: a failed set changes nothing.

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp::*;

use super::stores::{lookup, store};
use super::*;

fn check_size(rule: SetSize, len: u32) -> Result<(), u32> {
    let ok_or = |ok: bool, code: u32| if ok { Ok(()) } else { Err(code) };
    match rule {
        SetSize::Dword122 => ok_or(len == DWORD_SIZE, ERROR_INSUFFICIENT_BUFFER),
        SetSize::AtLeastDword122 => ok_or(len >= DWORD_SIZE, ERROR_INSUFFICIENT_BUFFER),
        SetSize::Dword87 => ok_or(len == DWORD_SIZE, ERROR_INVALID_PARAMETER),
        SetSize::Pointer122 => ok_or(len == POINTER_SIZE, ERROR_INSUFFICIENT_BUFFER),
        SetSize::AtLeastPointer87 => ok_or(len >= POINTER_SIZE, ERROR_INVALID_PARAMETER),
        SetSize::Any => Ok(()),
    }
}

fn want_dword(value: Option<&OptionValue>) -> Result<u32, u32> {
    match value {
        Some(OptionValue::Dword(v)) => Ok(*v),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_pointer(value: Option<&OptionValue>) -> Result<u64, u32> {
    match value {
        Some(OptionValue::Pointer(v)) => Ok(*v),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

/// A wide string set: the buffer length is the WCHAR count; a NUL inside ends the string.
fn want_wide(value: Option<&OptionValue>, len: u32) -> Result<Vec<u16>, u32> {
    match value {
        Some(OptionValue::Wide(text)) => {
            let count = usize::try_from(len).unwrap_or(usize::MAX).min(text.len());
            let text = &text[..count];
            let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
            Ok(text[..end].to_vec())
        }
        None => Ok(Vec::new()),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_proxy(value: Option<&OptionValue>) -> Result<ProxyInfo, u32> {
    match value {
        Some(OptionValue::Proxy(info)) => {
            crate::winhttp::proxy::validate_proxy_info(info)?;
            Ok(info.clone())
        }
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

fn want_version(value: Option<&OptionValue>) -> Result<(u32, u32), u32> {
    match value {
        Some(OptionValue::HttpVersion { major, minor }) => Ok((*major, *minor)),
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

/// Value checks shared by session and request sets.
fn validate_dword(option: u32, value: u32) -> Result<(), u32> {
    match option {
        // Three policies exist; Wine stores any value, Windows rejects one it does not know
        // (not asserted by Wine's tests — see the report).
        WINHTTP_OPTION_REDIRECT_POLICY if value > WINHTTP_OPTION_REDIRECT_POLICY_LAST => {
            Err(ERROR_INVALID_PARAMETER)
        }
        // Documented: below 15 s (WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE) → 87.
        WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL
            if value < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE =>
        {
            Err(ERROR_INVALID_PARAMETER)
        }
        _ => Ok(()),
    }
}

/// `WinHttpSetOption(handle, option, buffer, len)`: `value` is the decoded buffer (`None` =
/// NULL; see [`OptionValue::decode`]) and `len` the caller's length (bytes, or WCHARs for
/// strings). On failure nothing changed. See the module documentation for the check order.
pub fn set_option(
    target: SetTarget<'_>,
    option: u32,
    value: Option<&OptionValue>,
    len: u32,
) -> Result<(), u32> {
    if value.is_none() && len != 0 {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let kind = target.kind();
    if option == WINHTTP_OPTION_CONTEXT_VALUE && kind.is_some() {
        check_size(SetSize::Pointer122, len)?;
        let context = want_pointer(value)?;
        match target {
            SetTarget::Session(s) => s.context = context,
            SetTarget::Connect(c) => c.context = context,
            SetTarget::Request(r) => r.context = context,
            SetTarget::WebSocket(w) => w.context = context,
            SetTarget::Global(_) => {}
        }
        return Ok(());
    }
    let spec = spec(option).ok_or(ERROR_WINHTTP_INVALID_OPTION)?;
    if kind == Some(HandleKind::Connect) {
        return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    if spec.set.is_empty() {
        return Err(ERROR_WINHTTP_OPTION_NOT_SETTABLE);
    }
    if !spec.set.contains(kind) {
        return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    if option == WINHTTP_OPTION_CLIENT_CERT_CONTEXT {
        // Wine checks the state first and lets a NULL buffer clear the certificate
        // whatever the length (WH-R29).
        if let SetTarget::Request(request) = &target {
            if request.flags & WINHTTP_FLAG_SECURE == 0 {
                return Err(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
            }
        }
    }
    if !(option == WINHTTP_OPTION_CLIENT_CERT_CONTEXT && value.is_none()) {
        check_size(spec.set_size, len)?;
    }
    match target {
        SetTarget::Global(global) => match option {
            WINHTTP_OPTION_ENABLETRACING => global.enable_tracing = want_dword(value)?,
            WINHTTP_OPTION_WORKER_THREAD_COUNT => global.worker_thread_count = want_dword(value)?,
            WINHTTP_OPTION_HTTP_VERSION => global.http_version = Some(want_version(value)?),
            _ => return Err(ERROR_WINHTTP_INVALID_OPTION),
        },
        SetTarget::Session(session) => set_session(session, option, value, len)?,
        SetTarget::Request(request) => set_request(request, option, value, len)?,
        SetTarget::WebSocket(socket) => {
            let v = want_dword(value)?;
            validate_dword(option, v)?;
            match option {
                WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT => socket.close_timeout = v,
                WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL => socket.keepalive_interval = v,
                _ => return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
            }
        }
        SetTarget::Connect(_) => return Err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
    }
    Ok(())
}

fn set_session(
    session: &mut SessionOptions,
    option: u32,
    value: Option<&OptionValue>,
    len: u32,
) -> Result<(), u32> {
    match option {
        WINHTTP_OPTION_USER_AGENT => session.user_agent = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY => session.proxy = want_proxy(value)?,
        WINHTTP_OPTION_CALLBACK => session.callback = want_pointer(value)?,
        WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT => session.unload_event = want_pointer(value)?,
        WINHTTP_OPTION_HTTP_VERSION => session.http_version = Some(want_version(value)?),
        _ => {
            let v = want_dword(value)?;
            validate_dword(option, v)?;
            match option {
                WINHTTP_OPTION_REDIRECT_POLICY => session.redirect_policy = v,
                WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
                    session.websocket_receive_buffer_size = v
                }
                WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => {
                    session.websocket_send_buffer_size = v
                }
                WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => session.max_redirects = v,
                WINHTTP_OPTION_ENABLE_FEATURE => {
                    // Only the impersonation feature is a session one (Microsoft's table).
                    if v != WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    let old = lookup(&session.dwords, option, 0);
                    store(&mut session.dwords, option, old | v);
                }
                WINHTTP_OPTION_SECURE_PROTOCOLS => session.secure_protocols = v,
                WINHTTP_OPTION_MAX_CONNS_PER_SERVER => session.max_conns_per_server = v,
                WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER => session.max_conns_per_1_0_server = v,
                _ => match session.timeouts.slot(option) {
                    Some(slot) => *slot = v,
                    None => store(&mut session.dwords, option, v),
                },
            }
        }
    }
    Ok(())
}

fn set_request(
    request: &mut RequestOptions,
    option: u32,
    value: Option<&OptionValue>,
    len: u32,
) -> Result<(), u32> {
    match option {
        WINHTTP_OPTION_USERNAME => request.username = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PASSWORD => request.password = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY_USERNAME => request.proxy_username = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY_PASSWORD => request.proxy_password = Some(want_wide(value, len)?),
        WINHTTP_OPTION_PROXY => request.proxy = Some(want_proxy(value)?),
        WINHTTP_OPTION_CALLBACK => request.callback = want_pointer(value)?,
        WINHTTP_OPTION_HTTP_VERSION => request.http_version = Some(want_version(value)?),
        // NULL/0 is the documented call; any buffer is ignored (WH-R37).
        WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET => request.websocket_upgrade = true,
        WINHTTP_OPTION_CLIENT_CERT_CONTEXT => {
            // Only a secure request takes a client certificate (WH-R29); NULL clears it.
            if request.flags & WINHTTP_FLAG_SECURE == 0 {
                return Err(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
            }
            request.client_cert = match value {
                None => None,
                Some(_) => Some(want_pointer(value)?),
            };
        }
        _ => {
            let v = want_dword(value)?;
            validate_dword(option, v)?;
            match option {
                WINHTTP_OPTION_DISABLE_FEATURE => request.disable_flags |= v,
                WINHTTP_OPTION_ENABLE_FEATURE => {
                    if v != WINHTTP_ENABLE_SSL_REVOCATION {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    request.check_revocation = true;
                }
                WINHTTP_OPTION_SECURITY_FLAGS => {
                    if v & !SETTABLE_SECURITY_FLAGS != 0 {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    request.security_flags = v;
                }
                WINHTTP_OPTION_AUTOLOGON_POLICY => request.autologon_policy = v,
                WINHTTP_OPTION_REDIRECT_POLICY => request.redirect_policy = v,
                WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS => request.max_redirects = v,
                WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE => {
                    request.websocket_receive_buffer_size = v
                }
                WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE => {
                    request.websocket_send_buffer_size = v
                }
                _ => match request.timeouts.slot(option) {
                    Some(slot) => *slot = v,
                    None => store(&mut request.dwords, option, v),
                },
            }
        }
    }
    Ok(())
}
