//! `WinHttpCheckPlatform` and the argument conventions of the creating and sending calls
//! that are decided before any handle or socket is touched.
//!
//! Facts (Wine `dlls/winhttp/session.c` and `request.c`, with the conformance tests):
//! * `WinHttpCheckPlatform` is TRUE;
//! * `WinHttpConnect`: a NULL server name → 87 before the handle is looked at (WH-R9); an
//!   empty name is accepted (it fails later, at name resolution); port 0
//!   (`INTERNET_DEFAULT_PORT`) means the scheme's default, decided per request by
//!   `WINHTTP_FLAG_SECURE` (80 or 443);
//! * `WinHttpOpenRequest`: a NULL or empty verb is `GET`, a NULL or empty version
//!   `HTTP/1.1`, an object name without a leading `/` gets one (NULL → `/`), and each accept
//!   type is added to one `Accept` header, comma-coalesced;
//! * `WinHttpAddRequestHeaders`: NULL headers or length 0 → 87; length `-1` means
//!   NUL-terminated. `WinHttpSendRequest`: length 0 or `-1` with headers means NUL-terminated;
//! * `WinHttpSendRequest` body: `Content-Length: dwTotalLength` is added (unless the request
//!   already has one, or is chunked) when `dwTotalLength` is non-zero or the verb is `POST` or
//!   `PUT`; when the whole body (`Content-Length`, else `dwTotalLength`) fits in the optional
//!   data the reply is read inside the send, else the caller writes the rest with
//!   `WinHttpWriteData` (WH-R21).
//!
//! Invariants: nothing here allocates more than its input, and nothing panics on any input.

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp::{
    INTERNET_DEFAULT_HTTPS_PORT, INTERNET_DEFAULT_HTTP_PORT, INTERNET_DEFAULT_PORT,
};

use crate::url::to_wide;

/// `WinHttpCheckPlatform()`: this platform supports WinHTTP.
pub fn check_platform() -> bool {
    true
}

/// `WinHttpConnect`'s server-name check: NULL → `ERROR_INVALID_PARAMETER`.
pub fn validate_connect_server(server: Option<&[u16]>) -> Result<(), u32> {
    server.map(|_| ()).ok_or(ERROR_INVALID_PARAMETER)
}

/// The port a request connects to: the connect handle's port, or for 0
/// (`INTERNET_DEFAULT_PORT`) the default of the request's scheme.
pub fn effective_port(connect_port: u16, secure: bool) -> u16 {
    match (connect_port, secure) {
        (INTERNET_DEFAULT_PORT, true) => INTERNET_DEFAULT_HTTPS_PORT,
        (INTERNET_DEFAULT_PORT, false) => INTERNET_DEFAULT_HTTP_PORT,
        (port, _) => port,
    }
}

/// The verb of `WinHttpOpenRequest`: NULL or empty → `GET`.
pub fn request_verb(verb: Option<&[u16]>) -> Vec<u16> {
    match verb {
        Some(v) if !v.is_empty() => v.to_vec(),
        _ => to_wide("GET"),
    }
}

/// The version of `WinHttpOpenRequest`: NULL or empty → `HTTP/1.1`.
pub fn request_version(version: Option<&[u16]>) -> Vec<u16> {
    match version {
        Some(v) if !v.is_empty() => v.to_vec(),
        _ => to_wide("HTTP/1.1"),
    }
}

/// The path of `WinHttpOpenRequest`: a `/` is put in front unless the object starts with
/// one; NULL → `/`.
pub fn request_path(object: Option<&[u16]>) -> Vec<u16> {
    let object = object.unwrap_or(&[]);
    if object.first() == Some(&u16::from(b'/')) {
        object.to_vec()
    } else {
        let mut path = to_wide("/");
        path.extend_from_slice(object);
        path
    }
}

/// The `Accept` header value for `WinHttpOpenRequest`'s accept types (comma-coalesced, in
/// order); `None` when there are none.
pub fn accept_header(types: &[&[u16]]) -> Option<Vec<u16>> {
    let mut value: Option<Vec<u16>> = None;
    for accept in types {
        match &mut value {
            None => value = Some(accept.to_vec()),
            Some(v) => {
                v.extend_from_slice(&to_wide(", "));
                v.extend_from_slice(accept);
            }
        }
    }
    value
}

/// Which call a header-length convention is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadersApi {
    /// `WinHttpAddRequestHeaders(Ex)`.
    AddRequestHeaders,
    /// `WinHttpSendRequest`.
    SendRequest,
}

/// The headers a call really passes: `buffer` is the caller's memory up to (not including)
/// any NUL the caller vouches for, `len` the `dwHeadersLength` argument. `-1` (and 0 for
/// `SendRequest`) means "up to the NUL"; a length beyond the buffer is clipped. NULL headers
/// or length 0 for `AddRequestHeaders` → 87; NULL headers for `SendRequest` → none.
pub fn headers_argument(api: HeadersApi, buffer: Option<&[u16]>, len: u32) -> Result<&[u16], u32> {
    let Some(buffer) = buffer else {
        return match api {
            HeadersApi::AddRequestHeaders => Err(ERROR_INVALID_PARAMETER),
            HeadersApi::SendRequest => Ok(&[]),
        };
    };
    let until_nul = || {
        let end = buffer.iter().position(|&c| c == 0).unwrap_or(buffer.len());
        &buffer[..end]
    };
    match (api, len) {
        (HeadersApi::AddRequestHeaders, 0) => Err(ERROR_INVALID_PARAMETER),
        (_, u32::MAX) | (HeadersApi::SendRequest, 0) => Ok(until_nul()),
        (_, n) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX).min(buffer.len());
            Ok(&buffer[..n])
        }
    }
}

/// What `WinHttpSendRequest` does with the body arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyPlan {
    /// The `Content-Length` value to add (`ADD_IF_NEW`), if any.
    pub add_content_length: Option<u32>,
    /// The body length the exchange expects (the request's `Content-Length`, else
    /// `dwTotalLength`); `None` for a chunked upload.
    pub content_length: Option<u64>,
    /// Bytes the caller still has to send with `WinHttpWriteData` (0 when the optional data
    /// covers the body; unknown — `None` — for a chunked upload).
    pub remaining: Option<u64>,
    /// The reply is read inside the send (state REPLY_RECEIVED) rather than in
    /// `WinHttpReceiveResponse` (REQUEST_SENT), WH-R21.
    pub read_reply_in_send: bool,
}

/// The body plan of `WinHttpSendRequest(…, optional_len, total_len, …)` for a request with
/// `verb`, whose headers (after `AddRequestHeaders` and the send's own) carry
/// `existing_content_length` and `chunked` (`Transfer-Encoding: chunked`).
pub fn body_plan(
    verb: &str,
    optional_len: u32,
    total_len: u32,
    existing_content_length: Option<u64>,
    chunked: bool,
) -> BodyPlan {
    let wants_length = total_len != 0 || verb == "POST" || verb == "PUT";
    let add_content_length =
        (!chunked && wants_length && existing_content_length.is_none()).then_some(total_len);
    if chunked {
        return BodyPlan {
            add_content_length,
            content_length: None,
            remaining: None,
            read_reply_in_send: false,
        };
    }
    let content_length = existing_content_length.unwrap_or(u64::from(total_len));
    let remaining = content_length.saturating_sub(u64::from(optional_len));
    BodyPlan {
        add_content_length,
        content_length: Some(content_length),
        remaining: Some(remaining),
        read_reply_in_send: remaining == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_platform_is_true() {
        assert!(check_platform());
    }

    #[test]
    fn connect_arguments_wh_r9() {
        assert_eq!(validate_connect_server(None), Err(87));
        assert_eq!(validate_connect_server(Some(&[])), Ok(()));
        assert_eq!(effective_port(0, false), 80);
        assert_eq!(effective_port(0, true), 443);
        assert_eq!(effective_port(8080, true), 8080);
        assert_eq!(effective_port(443, false), 443);
    }

    #[test]
    fn open_request_defaults() {
        assert_eq!(request_verb(None), to_wide("GET"));
        assert_eq!(request_verb(Some(&[])), to_wide("GET"));
        assert_eq!(
            request_verb(Some(&to_wide("post"))),
            to_wide("post"),
            "verb kept as given"
        );
        assert_eq!(request_version(None), to_wide("HTTP/1.1"));
        assert_eq!(
            request_version(Some(&to_wide("HTTP/1.0"))),
            to_wide("HTTP/1.0")
        );
        assert_eq!(request_path(None), to_wide("/"));
        assert_eq!(request_path(Some(&to_wide("a/b?c"))), to_wide("/a/b?c"));
        assert_eq!(request_path(Some(&to_wide("/x"))), to_wide("/x"));
        assert_eq!(accept_header(&[]), None);
        let text = to_wide("text/*");
        let json = to_wide("application/json");
        assert_eq!(
            accept_header(&[&text, &json]),
            Some(to_wide("text/*, application/json"))
        );
    }

    #[test]
    fn header_length_conventions() {
        let h = to_wide("A: b\r\n\0junk");
        let nul_terminated = &h[..6];
        assert_eq!(
            headers_argument(HeadersApi::AddRequestHeaders, Some(&h), u32::MAX),
            Ok(nul_terminated)
        );
        assert_eq!(
            headers_argument(HeadersApi::SendRequest, Some(&h), 0),
            Ok(nul_terminated)
        );
        assert_eq!(
            headers_argument(HeadersApi::SendRequest, Some(&h), u32::MAX),
            Ok(nul_terminated)
        );
        assert_eq!(
            headers_argument(HeadersApi::AddRequestHeaders, Some(&h), 0),
            Err(87)
        );
        assert_eq!(
            headers_argument(HeadersApi::AddRequestHeaders, None, 4),
            Err(87)
        );
        assert_eq!(
            headers_argument(HeadersApi::SendRequest, None, 4),
            Ok(&[][..])
        );
        assert_eq!(
            headers_argument(HeadersApi::AddRequestHeaders, Some(&h), 4),
            Ok(&h[..4])
        );
        assert_eq!(
            headers_argument(HeadersApi::AddRequestHeaders, Some(&h), 1000),
            Ok(&h[..])
        );
    }

    #[test]
    fn body_plans_wh_r21() {
        // GET without a body: no Content-Length, reply read inside the send.
        assert_eq!(
            body_plan("GET", 0, 0, None, false),
            BodyPlan {
                add_content_length: None,
                content_length: Some(0),
                remaining: Some(0),
                read_reply_in_send: true
            }
        );
        // POST with all data in the send (test_SendRequest shape).
        let plan = body_plan("POST", 10, 10, None, false);
        assert_eq!(
            (
                plan.add_content_length,
                plan.remaining,
                plan.read_reply_in_send
            ),
            (Some(10), Some(0), true)
        );
        // POST with an empty body still announces Content-Length: 0.
        assert_eq!(
            body_plan("POST", 0, 0, None, false).add_content_length,
            Some(0)
        );
        // The rest comes by WriteData: REQUEST_SENT.
        let plan = body_plan("PUT", 3, 10, None, false);
        assert_eq!((plan.remaining, plan.read_reply_in_send), (Some(7), false));
        // A Content-Length header from the caller wins over dwTotalLength.
        let plan = body_plan("POST", 0, 0, Some(5), false);
        assert_eq!(
            (
                plan.add_content_length,
                plan.remaining,
                plan.read_reply_in_send
            ),
            (None, Some(5), false)
        );
        // Chunked upload: no Content-Length, never read inside the send.
        assert_eq!(
            body_plan("POST", 4, 100, None, true),
            BodyPlan {
                add_content_length: None,
                content_length: None,
                remaining: None,
                read_reply_in_send: false
            }
        );
        // More optional data than total length: nothing left to write.
        assert_eq!(body_plan("GET", 8, 4, None, false).remaining, Some(0));
    }
}
