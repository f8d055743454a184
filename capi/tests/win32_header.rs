//! Every numeric `#define` of the hand-written `include/hinternet_win32.h` equals the
//! windows-sys constant of the same name, and every constant listed here is in the header.

use std::collections::BTreeMap;
use std::path::Path;

use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_OPERATION,
    ERROR_INVALID_PARAMETER, ERROR_SUCCESS, FALSE, TRUE,
};
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_INCORRECT_HANDLE_STATE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
    ERROR_WINHTTP_INTERNAL_ERROR, ERROR_WINHTTP_INVALID_URL, ERROR_WINHTTP_UNRECOGNIZED_SCHEME,
    ICU_BROWSER_MODE, ICU_DECODE, ICU_ENCODE_PERCENT, ICU_ENCODE_SPACES_ONLY, ICU_ESCAPE,
    ICU_NO_ENCODE, ICU_NO_META, INTERNET_DEFAULT_HTTPS_PORT, INTERNET_DEFAULT_HTTP_PORT,
    INTERNET_DEFAULT_PORT, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_ACCESS_TYPE_NO_PROXY,
    WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_TARGET_SERVER,
    WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
    WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE,
    WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
    WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
    WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
    WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, WINHTTP_FLAG_ASYNC, WINHTTP_INTERNET_SCHEME_FTP,
    WINHTTP_INTERNET_SCHEME_HTTP, WINHTTP_INTERNET_SCHEME_HTTPS, WINHTTP_INTERNET_SCHEME_SOCKS,
    WINHTTP_OPTION_CONNECT_TIMEOUT, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
    WINHTTP_QUERY_CONTENT_LENGTH, WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_QUERY_RAW_HEADERS_CRLF,
    WINHTTP_QUERY_STATUS_CODE, WINHTTP_TIME_FORMAT_BUFSIZE,
    WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
    WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
};
use windows_sys::Win32::Networking::WinInet::{
    ERROR_INTERNET_INTERNAL_ERROR, ERROR_INTERNET_INVALID_URL, ERROR_INTERNET_UNRECOGNIZED_SCHEME,
    INTERNET_DEFAULT_FTP_PORT, INTERNET_RFC1123_BUFSIZE, INTERNET_RFC1123_FORMAT,
    INTERNET_SCHEME_DEFAULT, INTERNET_SCHEME_FILE, INTERNET_SCHEME_FTP, INTERNET_SCHEME_GOPHER,
    INTERNET_SCHEME_HTTP, INTERNET_SCHEME_HTTPS, INTERNET_SCHEME_MAILTO, INTERNET_SCHEME_NEWS,
    INTERNET_SCHEME_SOCKS, INTERNET_SCHEME_UNKNOWN,
};

/// The WinINet handle functions' constants, each from the windows-sys module that has it.
mod wininet_consts {
    pub use windows_sys::Win32::Foundation::{
        ERROR_IO_PENDING, ERROR_NO_MORE_FILES, GENERIC_READ, GENERIC_WRITE,
    };
    pub use windows_sys::Win32::Networking::WinInet::{
        ERROR_FTP_TRANSFER_IN_PROGRESS, ERROR_GOPHER_NOT_GOPHER_PLUS,
        ERROR_INTERNET_EXTENDED_ERROR, ERROR_INTERNET_INCORRECT_HANDLE_STATE,
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE, FTP_TRANSFER_TYPE_ASCII, FTP_TRANSFER_TYPE_BINARY,
        GOPHER_ATTRIBUTE_ID_UNKNOWN, GOPHER_CATEGORY_ID_UNKNOWN, GOPHER_TYPE_DIRECTORY,
        GOPHER_TYPE_GOPHER_PLUS, GOPHER_TYPE_TEXT_FILE, HTTP_ADDREQ_FLAG_ADD,
        HTTP_QUERY_CONTENT_LENGTH, HTTP_QUERY_CUSTOM, HTTP_QUERY_FLAG_NUMBER,
        HTTP_QUERY_RAW_HEADERS_CRLF, HTTP_QUERY_STATUS_CODE, INTERNET_DEFAULT_GOPHER_PORT,
        INTERNET_FLAG_ASYNC, INTERNET_FLAG_PASSIVE, INTERNET_FLAG_RELOAD,
        INTERNET_OPEN_TYPE_DIRECT, INTERNET_OPEN_TYPE_PRECONFIG, INTERNET_OPTION_CONNECT_TIMEOUT,
        INTERNET_OPTION_CONTEXT_VALUE, INTERNET_OPTION_USER_AGENT, INTERNET_SERVICE_FTP,
        INTERNET_SERVICE_GOPHER, INTERNET_SERVICE_HTTP, INTERNET_STATUS_CONNECTED_TO_SERVER,
        INTERNET_STATUS_CONNECTING_TO_SERVER, INTERNET_STATUS_HANDLE_CLOSING,
        INTERNET_STATUS_HANDLE_CREATED, INTERNET_STATUS_NAME_RESOLVED,
        INTERNET_STATUS_REQUEST_COMPLETE, INTERNET_STATUS_RESOLVING_NAME,
    };
    pub use windows_sys::Win32::Storage::FileSystem::FILE_ATTRIBUTE_DIRECTORY;
}

/// The proxy and connection-info constants.
mod winhttp_more_consts {
    pub use windows_sys::Win32::Networking::WinHttp::{
        ERROR_WINHTTP_AUTODETECTION_FAILED, WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        WINHTTP_AUTOPROXY_AUTO_DETECT, WINHTTP_AUTO_DETECT_TYPE_DHCP,
        WINHTTP_AUTO_DETECT_TYPE_DNS_A, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE,
        WINHTTP_OPTION_CONNECTION_INFO, WINHTTP_OPTION_PROXY, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT,
        WINHTTP_QUERY_CUSTOM, WINHTTP_QUERY_EX_ALL_HEADERS,
    };
    pub use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6};
}

fn header_defines() -> BTreeMap<String, i64> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/hinternet_win32.h");
    let text = std::fs::read_to_string(path).expect("include/hinternet_win32.h is readable");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("#define") {
            continue;
        }
        let (Some(name), Some(value)) = (words.next(), words.next()) else {
            continue;
        };
        let value = value.trim_start_matches('(').trim_end_matches(')');
        let parsed = match value.strip_prefix("0x") {
            Some(hex) => i64::from_str_radix(hex, 16).ok(),
            None => value.parse::<i64>().ok(),
        };
        if let Some(v) = parsed {
            out.insert(name.to_owned(), v);
        }
    }
    out
}

#[test]
fn header_constants_match_windows_sys() {
    let expected: &[(&str, i64)] = &[
        ("TRUE", TRUE.into()),
        ("FALSE", FALSE.into()),
        ("ERROR_SUCCESS", ERROR_SUCCESS.into()),
        ("ERROR_INVALID_PARAMETER", ERROR_INVALID_PARAMETER.into()),
        (
            "ERROR_INSUFFICIENT_BUFFER",
            ERROR_INSUFFICIENT_BUFFER.into(),
        ),
        (
            "ERROR_WINHTTP_INTERNAL_ERROR",
            ERROR_WINHTTP_INTERNAL_ERROR.into(),
        ),
        (
            "ERROR_WINHTTP_INVALID_URL",
            ERROR_WINHTTP_INVALID_URL.into(),
        ),
        (
            "ERROR_WINHTTP_UNRECOGNIZED_SCHEME",
            ERROR_WINHTTP_UNRECOGNIZED_SCHEME.into(),
        ),
        (
            "ERROR_INTERNET_INTERNAL_ERROR",
            ERROR_INTERNET_INTERNAL_ERROR.into(),
        ),
        (
            "ERROR_INTERNET_INVALID_URL",
            ERROR_INTERNET_INVALID_URL.into(),
        ),
        (
            "ERROR_INTERNET_UNRECOGNIZED_SCHEME",
            ERROR_INTERNET_UNRECOGNIZED_SCHEME.into(),
        ),
        ("ICU_NO_ENCODE", ICU_NO_ENCODE.into()),
        ("ICU_DECODE", ICU_DECODE.into()),
        ("ICU_NO_META", ICU_NO_META.into()),
        ("ICU_ENCODE_SPACES_ONLY", ICU_ENCODE_SPACES_ONLY.into()),
        ("ICU_BROWSER_MODE", ICU_BROWSER_MODE.into()),
        ("ICU_ENCODE_PERCENT", ICU_ENCODE_PERCENT.into()),
        ("ICU_ESCAPE", ICU_ESCAPE.into()),
        ("INTERNET_SCHEME_UNKNOWN", INTERNET_SCHEME_UNKNOWN.into()),
        ("INTERNET_SCHEME_DEFAULT", INTERNET_SCHEME_DEFAULT.into()),
        ("INTERNET_SCHEME_FTP", INTERNET_SCHEME_FTP.into()),
        ("INTERNET_SCHEME_GOPHER", INTERNET_SCHEME_GOPHER.into()),
        ("INTERNET_SCHEME_HTTP", INTERNET_SCHEME_HTTP.into()),
        ("INTERNET_SCHEME_HTTPS", INTERNET_SCHEME_HTTPS.into()),
        ("INTERNET_SCHEME_FILE", INTERNET_SCHEME_FILE.into()),
        ("INTERNET_SCHEME_NEWS", INTERNET_SCHEME_NEWS.into()),
        ("INTERNET_SCHEME_MAILTO", INTERNET_SCHEME_MAILTO.into()),
        ("INTERNET_SCHEME_SOCKS", INTERNET_SCHEME_SOCKS.into()),
        (
            "WINHTTP_INTERNET_SCHEME_HTTP",
            WINHTTP_INTERNET_SCHEME_HTTP.into(),
        ),
        (
            "WINHTTP_INTERNET_SCHEME_HTTPS",
            WINHTTP_INTERNET_SCHEME_HTTPS.into(),
        ),
        (
            "WINHTTP_INTERNET_SCHEME_FTP",
            WINHTTP_INTERNET_SCHEME_FTP.into(),
        ),
        (
            "WINHTTP_INTERNET_SCHEME_SOCKS",
            WINHTTP_INTERNET_SCHEME_SOCKS.into(),
        ),
        ("INTERNET_DEFAULT_PORT", INTERNET_DEFAULT_PORT.into()),
        (
            "INTERNET_DEFAULT_FTP_PORT",
            INTERNET_DEFAULT_FTP_PORT.into(),
        ),
        (
            "INTERNET_DEFAULT_HTTP_PORT",
            INTERNET_DEFAULT_HTTP_PORT.into(),
        ),
        (
            "INTERNET_DEFAULT_HTTPS_PORT",
            INTERNET_DEFAULT_HTTPS_PORT.into(),
        ),
        ("INTERNET_RFC1123_FORMAT", INTERNET_RFC1123_FORMAT.into()),
        ("INTERNET_RFC1123_BUFSIZE", INTERNET_RFC1123_BUFSIZE.into()),
        (
            "WINHTTP_TIME_FORMAT_BUFSIZE",
            WINHTTP_TIME_FORMAT_BUFSIZE.into(),
        ),
        ("ERROR_INVALID_HANDLE", ERROR_INVALID_HANDLE.into()),
        (
            "ERROR_WINHTTP_INCORRECT_HANDLE_TYPE",
            ERROR_WINHTTP_INCORRECT_HANDLE_TYPE.into(),
        ),
        (
            "ERROR_WINHTTP_INCORRECT_HANDLE_STATE",
            ERROR_WINHTTP_INCORRECT_HANDLE_STATE.into(),
        ),
        (
            "WINHTTP_ACCESS_TYPE_DEFAULT_PROXY",
            WINHTTP_ACCESS_TYPE_DEFAULT_PROXY.into(),
        ),
        (
            "WINHTTP_ACCESS_TYPE_NO_PROXY",
            WINHTTP_ACCESS_TYPE_NO_PROXY.into(),
        ),
        ("WINHTTP_FLAG_ASYNC", WINHTTP_FLAG_ASYNC.into()),
        ("WINHTTP_ADDREQ_FLAG_ADD", WINHTTP_ADDREQ_FLAG_ADD.into()),
        (
            "WINHTTP_QUERY_CONTENT_LENGTH",
            WINHTTP_QUERY_CONTENT_LENGTH.into(),
        ),
        (
            "WINHTTP_QUERY_STATUS_CODE",
            WINHTTP_QUERY_STATUS_CODE.into(),
        ),
        (
            "WINHTTP_QUERY_RAW_HEADERS_CRLF",
            WINHTTP_QUERY_RAW_HEADERS_CRLF.into(),
        ),
        (
            "WINHTTP_QUERY_FLAG_NUMBER",
            WINHTTP_QUERY_FLAG_NUMBER.into(),
        ),
        (
            "WINHTTP_OPTION_CONNECT_TIMEOUT",
            WINHTTP_OPTION_CONNECT_TIMEOUT.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_HANDLE_CREATED",
            WINHTTP_CALLBACK_STATUS_HANDLE_CREATED.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING",
            WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE",
            WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE",
            WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_READ_COMPLETE",
            WINHTTP_CALLBACK_STATUS_READ_COMPLETE.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE",
            WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_REQUEST_ERROR",
            WINHTTP_CALLBACK_STATUS_REQUEST_ERROR.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE",
            WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE.into(),
        ),
        (
            "WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS",
            WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS.into(),
        ),
        ("ERROR_INVALID_OPERATION", ERROR_INVALID_OPERATION.into()),
        (
            "WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET",
            WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET.into(),
        ),
        (
            "WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE",
            WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE.into(),
        ),
        (
            "WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE",
            WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE.into(),
        ),
        (
            "WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS",
            WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS.into(),
        ),
        (
            "WINHTTP_AUTH_SCHEME_BASIC",
            WINHTTP_AUTH_SCHEME_BASIC.into(),
        ),
        (
            "WINHTTP_AUTH_TARGET_SERVER",
            WINHTTP_AUTH_TARGET_SERVER.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER",
            WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER.into(),
        ),
        (
            "WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER",
            WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER.into(),
        ),
        (
            "ERROR_NO_MORE_FILES",
            i64::from(wininet_consts::ERROR_NO_MORE_FILES),
        ),
        (
            "ERROR_IO_PENDING",
            i64::from(wininet_consts::ERROR_IO_PENDING),
        ),
        (
            "ERROR_INTERNET_EXTENDED_ERROR",
            i64::from(wininet_consts::ERROR_INTERNET_EXTENDED_ERROR),
        ),
        (
            "ERROR_FTP_TRANSFER_IN_PROGRESS",
            i64::from(wininet_consts::ERROR_FTP_TRANSFER_IN_PROGRESS),
        ),
        (
            "ERROR_INTERNET_INCORRECT_HANDLE_TYPE",
            i64::from(wininet_consts::ERROR_INTERNET_INCORRECT_HANDLE_TYPE),
        ),
        (
            "ERROR_INTERNET_INCORRECT_HANDLE_STATE",
            i64::from(wininet_consts::ERROR_INTERNET_INCORRECT_HANDLE_STATE),
        ),
        (
            "INTERNET_OPEN_TYPE_PRECONFIG",
            i64::from(wininet_consts::INTERNET_OPEN_TYPE_PRECONFIG),
        ),
        (
            "INTERNET_OPEN_TYPE_DIRECT",
            i64::from(wininet_consts::INTERNET_OPEN_TYPE_DIRECT),
        ),
        (
            "INTERNET_SERVICE_FTP",
            i64::from(wininet_consts::INTERNET_SERVICE_FTP),
        ),
        (
            "INTERNET_SERVICE_GOPHER",
            i64::from(wininet_consts::INTERNET_SERVICE_GOPHER),
        ),
        (
            "INTERNET_SERVICE_HTTP",
            i64::from(wininet_consts::INTERNET_SERVICE_HTTP),
        ),
        (
            "INTERNET_DEFAULT_GOPHER_PORT",
            i64::from(wininet_consts::INTERNET_DEFAULT_GOPHER_PORT),
        ),
        (
            "INTERNET_FLAG_ASYNC",
            i64::from(wininet_consts::INTERNET_FLAG_ASYNC),
        ),
        (
            "INTERNET_FLAG_RELOAD",
            i64::from(wininet_consts::INTERNET_FLAG_RELOAD),
        ),
        (
            "INTERNET_FLAG_PASSIVE",
            i64::from(wininet_consts::INTERNET_FLAG_PASSIVE),
        ),
        (
            "FTP_TRANSFER_TYPE_ASCII",
            i64::from(wininet_consts::FTP_TRANSFER_TYPE_ASCII),
        ),
        (
            "FTP_TRANSFER_TYPE_BINARY",
            i64::from(wininet_consts::FTP_TRANSFER_TYPE_BINARY),
        ),
        ("GENERIC_READ", i64::from(wininet_consts::GENERIC_READ)),
        ("GENERIC_WRITE", i64::from(wininet_consts::GENERIC_WRITE)),
        (
            "FILE_ATTRIBUTE_DIRECTORY",
            i64::from(wininet_consts::FILE_ATTRIBUTE_DIRECTORY),
        ),
        (
            "HTTP_QUERY_CONTENT_LENGTH",
            i64::from(wininet_consts::HTTP_QUERY_CONTENT_LENGTH),
        ),
        (
            "HTTP_QUERY_STATUS_CODE",
            i64::from(wininet_consts::HTTP_QUERY_STATUS_CODE),
        ),
        (
            "HTTP_QUERY_RAW_HEADERS_CRLF",
            i64::from(wininet_consts::HTTP_QUERY_RAW_HEADERS_CRLF),
        ),
        (
            "HTTP_QUERY_CUSTOM",
            i64::from(wininet_consts::HTTP_QUERY_CUSTOM),
        ),
        (
            "HTTP_QUERY_FLAG_NUMBER",
            i64::from(wininet_consts::HTTP_QUERY_FLAG_NUMBER),
        ),
        (
            "HTTP_ADDREQ_FLAG_ADD",
            i64::from(wininet_consts::HTTP_ADDREQ_FLAG_ADD),
        ),
        (
            "INTERNET_OPTION_CONNECT_TIMEOUT",
            i64::from(wininet_consts::INTERNET_OPTION_CONNECT_TIMEOUT),
        ),
        (
            "INTERNET_OPTION_USER_AGENT",
            i64::from(wininet_consts::INTERNET_OPTION_USER_AGENT),
        ),
        (
            "INTERNET_OPTION_CONTEXT_VALUE",
            i64::from(wininet_consts::INTERNET_OPTION_CONTEXT_VALUE),
        ),
        (
            "INTERNET_STATUS_RESOLVING_NAME",
            i64::from(wininet_consts::INTERNET_STATUS_RESOLVING_NAME),
        ),
        (
            "INTERNET_STATUS_NAME_RESOLVED",
            i64::from(wininet_consts::INTERNET_STATUS_NAME_RESOLVED),
        ),
        (
            "INTERNET_STATUS_CONNECTING_TO_SERVER",
            i64::from(wininet_consts::INTERNET_STATUS_CONNECTING_TO_SERVER),
        ),
        (
            "INTERNET_STATUS_CONNECTED_TO_SERVER",
            i64::from(wininet_consts::INTERNET_STATUS_CONNECTED_TO_SERVER),
        ),
        (
            "INTERNET_STATUS_HANDLE_CREATED",
            i64::from(wininet_consts::INTERNET_STATUS_HANDLE_CREATED),
        ),
        (
            "INTERNET_STATUS_HANDLE_CLOSING",
            i64::from(wininet_consts::INTERNET_STATUS_HANDLE_CLOSING),
        ),
        (
            "INTERNET_STATUS_REQUEST_COMPLETE",
            i64::from(wininet_consts::INTERNET_STATUS_REQUEST_COMPLETE),
        ),
        (
            "GOPHER_TYPE_TEXT_FILE",
            i64::from(wininet_consts::GOPHER_TYPE_TEXT_FILE),
        ),
        (
            "GOPHER_TYPE_DIRECTORY",
            i64::from(wininet_consts::GOPHER_TYPE_DIRECTORY),
        ),
        (
            "GOPHER_TYPE_GOPHER_PLUS",
            i64::from(wininet_consts::GOPHER_TYPE_GOPHER_PLUS),
        ),
        (
            "GOPHER_CATEGORY_ID_UNKNOWN",
            i64::from(wininet_consts::GOPHER_CATEGORY_ID_UNKNOWN),
        ),
        (
            "GOPHER_ATTRIBUTE_ID_UNKNOWN",
            i64::from(wininet_consts::GOPHER_ATTRIBUTE_ID_UNKNOWN),
        ),
        (
            "ERROR_GOPHER_NOT_GOPHER_PLUS",
            i64::from(wininet_consts::ERROR_GOPHER_NOT_GOPHER_PLUS),
        ),
        (
            "WINHTTP_ACCESS_TYPE_NAMED_PROXY",
            i64::from(winhttp_more_consts::WINHTTP_ACCESS_TYPE_NAMED_PROXY),
        ),
        (
            "WINHTTP_OPTION_PROXY",
            i64::from(winhttp_more_consts::WINHTTP_OPTION_PROXY),
        ),
        (
            "WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT",
            i64::from(winhttp_more_consts::WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT),
        ),
        (
            "WINHTTP_QUERY_EX_ALL_HEADERS",
            i64::from(winhttp_more_consts::WINHTTP_QUERY_EX_ALL_HEADERS),
        ),
        (
            "WINHTTP_QUERY_CUSTOM",
            i64::from(winhttp_more_consts::WINHTTP_QUERY_CUSTOM),
        ),
        (
            "WINHTTP_EXTENDED_HEADER_FLAG_UNICODE",
            i64::from(winhttp_more_consts::WINHTTP_EXTENDED_HEADER_FLAG_UNICODE),
        ),
        (
            "WINHTTP_OPTION_CONNECTION_INFO",
            i64::from(winhttp_more_consts::WINHTTP_OPTION_CONNECTION_INFO),
        ),
        (
            "WINHTTP_AUTOPROXY_AUTO_DETECT",
            i64::from(winhttp_more_consts::WINHTTP_AUTOPROXY_AUTO_DETECT),
        ),
        (
            "WINHTTP_AUTO_DETECT_TYPE_DHCP",
            i64::from(winhttp_more_consts::WINHTTP_AUTO_DETECT_TYPE_DHCP),
        ),
        (
            "WINHTTP_AUTO_DETECT_TYPE_DNS_A",
            i64::from(winhttp_more_consts::WINHTTP_AUTO_DETECT_TYPE_DNS_A),
        ),
        (
            "ERROR_WINHTTP_AUTODETECTION_FAILED",
            i64::from(winhttp_more_consts::ERROR_WINHTTP_AUTODETECTION_FAILED),
        ),
        ("AF_INET", i64::from(winhttp_more_consts::AF_INET)),
        ("AF_INET6", i64::from(winhttp_more_consts::AF_INET6)),
    ];
    let defines = header_defines();
    for (name, value) in expected {
        assert_eq!(
            defines.get(*name),
            Some(value),
            "{name} in hinternet_win32.h"
        );
    }
    let checked: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    let unchecked: Vec<&String> = defines
        .keys()
        .filter(|n| !checked.contains(&n.as_str()))
        .collect();
    assert!(
        unchecked.is_empty(),
        "numeric #defines without a windows-sys check: {unchecked:?}"
    );
}
