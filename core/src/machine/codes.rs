//! Numeric Windows values used by the machine, taken from `windows-sys` so that no
//! status or error number is typed by hand.
//!
//! Owns: the names of every error code and notification status the machine produces,
//! and [`status_name`] for the text trace. Invariant: every constant here is a
//! re-export or a widening cast of a `windows-sys` constant.

use windows_sys::Win32::Foundation as f;
use windows_sys::Win32::Networking::WinHttp as wh;
use windows_sys::Win32::Networking::WinInet as wi;

use super::kind::Family;

/// `ERROR_SUCCESS` (0).
pub const ERROR_SUCCESS: u32 = f::ERROR_SUCCESS;
/// `ERROR_INVALID_HANDLE` (6).
pub const ERROR_INVALID_HANDLE: u32 = f::ERROR_INVALID_HANDLE;
/// `ERROR_NOT_ENOUGH_MEMORY` (8).
pub const ERROR_NOT_ENOUGH_MEMORY: u32 = f::ERROR_NOT_ENOUGH_MEMORY;
/// `ERROR_INVALID_PARAMETER` (87).
pub const ERROR_INVALID_PARAMETER: u32 = f::ERROR_INVALID_PARAMETER;
/// `ERROR_INSUFFICIENT_BUFFER` (122).
pub const ERROR_INSUFFICIENT_BUFFER: u32 = f::ERROR_INSUFFICIENT_BUFFER;
/// `ERROR_IO_PENDING` (997).
pub const ERROR_IO_PENDING: u32 = f::ERROR_IO_PENDING;
/// `ERROR_INVALID_OPERATION` (4317).
pub const ERROR_INVALID_OPERATION: u32 = f::ERROR_INVALID_OPERATION;

/// `ERROR_WINHTTP_OUT_OF_HANDLES` (12001).
pub const ERROR_WINHTTP_OUT_OF_HANDLES: u32 = wh::ERROR_WINHTTP_OUT_OF_HANDLES;
/// `ERROR_WINHTTP_OPERATION_CANCELLED` (12017).
pub const ERROR_WINHTTP_OPERATION_CANCELLED: u32 = wh::ERROR_WINHTTP_OPERATION_CANCELLED;
/// `ERROR_WINHTTP_INCORRECT_HANDLE_TYPE` (12018).
pub const ERROR_WINHTTP_INCORRECT_HANDLE_TYPE: u32 = wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
/// `ERROR_WINHTTP_INCORRECT_HANDLE_STATE` (12019).
pub const ERROR_WINHTTP_INCORRECT_HANDLE_STATE: u32 = wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
/// `ERROR_INTERNET_OUT_OF_HANDLES` (12001).
pub const ERROR_INTERNET_OUT_OF_HANDLES: u32 = wi::ERROR_INTERNET_OUT_OF_HANDLES;
/// `ERROR_INTERNET_OPERATION_CANCELLED` (12017).
pub const ERROR_INTERNET_OPERATION_CANCELLED: u32 = wi::ERROR_INTERNET_OPERATION_CANCELLED;
/// `ERROR_INTERNET_INCORRECT_HANDLE_TYPE` (12018).
pub const ERROR_INTERNET_INCORRECT_HANDLE_TYPE: u32 = wi::ERROR_INTERNET_INCORRECT_HANDLE_TYPE;
/// `ERROR_INTERNET_INCORRECT_HANDLE_STATE` (12019).
pub const ERROR_INTERNET_INCORRECT_HANDLE_STATE: u32 = wi::ERROR_INTERNET_INCORRECT_HANDLE_STATE;
/// `ERROR_INTERNET_INTERNAL_ERROR` (12004).
pub const ERROR_INTERNET_INTERNAL_ERROR: u32 = wi::ERROR_INTERNET_INTERNAL_ERROR;
/// `ERROR_HTTP_HEADER_NOT_FOUND` (12150).
pub const ERROR_HTTP_HEADER_NOT_FOUND: u32 = wi::ERROR_HTTP_HEADER_NOT_FOUND;
/// `HTTP_STATUS_DENIED` (401).
pub const HTTP_STATUS_DENIED: u32 = wh::HTTP_STATUS_DENIED;
/// `HTTP_STATUS_PROXY_AUTH_REQ` (407).
pub const HTTP_STATUS_PROXY_AUTH_REQ: u32 = wh::HTTP_STATUS_PROXY_AUTH_REQ;
/// `ERROR_INTERNET_INVALID_OPERATION` (12016).
pub const ERROR_INTERNET_INVALID_OPERATION: u32 = wi::ERROR_INTERNET_INVALID_OPERATION;
/// `ERROR_INTERNET_OPTION_NOT_SETTABLE` (12011).
pub const ERROR_INTERNET_OPTION_NOT_SETTABLE: u32 = wi::ERROR_INTERNET_OPTION_NOT_SETTABLE;
/// `ERROR_FTP_TRANSFER_IN_PROGRESS` (12110).
pub const ERROR_FTP_TRANSFER_IN_PROGRESS: u32 = wi::ERROR_FTP_TRANSFER_IN_PROGRESS;

/// WinHTTP `WINHTTP_CALLBACK_STATUS_*` values.
pub mod winhttp {
    use super::wh;
    /// `RESOLVING_NAME`.
    pub const RESOLVING_NAME: u32 = wh::WINHTTP_CALLBACK_STATUS_RESOLVING_NAME;
    /// `NAME_RESOLVED`.
    pub const NAME_RESOLVED: u32 = wh::WINHTTP_CALLBACK_STATUS_NAME_RESOLVED;
    /// `CONNECTING_TO_SERVER`.
    pub const CONNECTING_TO_SERVER: u32 = wh::WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER;
    /// `CONNECTED_TO_SERVER`.
    pub const CONNECTED_TO_SERVER: u32 = wh::WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER;
    /// `SENDING_REQUEST`.
    pub const SENDING_REQUEST: u32 = wh::WINHTTP_CALLBACK_STATUS_SENDING_REQUEST;
    /// `REQUEST_SENT`.
    pub const REQUEST_SENT: u32 = wh::WINHTTP_CALLBACK_STATUS_REQUEST_SENT;
    /// `RECEIVING_RESPONSE`.
    pub const RECEIVING_RESPONSE: u32 = wh::WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE;
    /// `RESPONSE_RECEIVED`.
    pub const RESPONSE_RECEIVED: u32 = wh::WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED;
    /// `CLOSING_CONNECTION`.
    pub const CLOSING_CONNECTION: u32 = wh::WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION;
    /// `CONNECTION_CLOSED`.
    pub const CONNECTION_CLOSED: u32 = wh::WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED;
    /// `HANDLE_CREATED`.
    pub const HANDLE_CREATED: u32 = wh::WINHTTP_CALLBACK_STATUS_HANDLE_CREATED;
    /// `HANDLE_CLOSING`.
    pub const HANDLE_CLOSING: u32 = wh::WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING;
    /// `REDIRECT`.
    pub const REDIRECT: u32 = wh::WINHTTP_CALLBACK_STATUS_REDIRECT;
    /// `HEADERS_AVAILABLE`.
    pub const HEADERS_AVAILABLE: u32 = wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
    /// `DATA_AVAILABLE`.
    pub const DATA_AVAILABLE: u32 = wh::WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE;
    /// `READ_COMPLETE`.
    pub const READ_COMPLETE: u32 = wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE;
    /// `WRITE_COMPLETE`.
    pub const WRITE_COMPLETE: u32 = wh::WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE;
    /// `REQUEST_ERROR`.
    pub const REQUEST_ERROR: u32 = wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
    /// `SENDREQUEST_COMPLETE`.
    pub const SENDREQUEST_COMPLETE: u32 = wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE;
    /// `GETPROXYFORURL_COMPLETE`.
    pub const GETPROXYFORURL_COMPLETE: u32 = wh::WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE;
    /// `CLOSE_COMPLETE`.
    pub const CLOSE_COMPLETE: u32 = wh::WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE;
    /// `SHUTDOWN_COMPLETE`.
    pub const SHUTDOWN_COMPLETE: u32 = wh::WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE;
    /// `WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS`.
    pub const FLAG_ALL_NOTIFICATIONS: u32 = wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS;
    /// `WINHTTP_CALLBACK_FLAG_HANDLES` (HANDLE_CREATED | HANDLE_CLOSING).
    pub const FLAG_HANDLES: u32 = HANDLE_CREATED | HANDLE_CLOSING;
    /// `API_RECEIVE_RESPONSE` (1).
    pub const API_RECEIVE_RESPONSE: u32 = wh::API_RECEIVE_RESPONSE;
    /// `API_QUERY_DATA_AVAILABLE` (2).
    pub const API_QUERY_DATA_AVAILABLE: u32 = wh::API_QUERY_DATA_AVAILABLE;
    /// `API_READ_DATA` (3).
    pub const API_READ_DATA: u32 = wh::API_READ_DATA;
    /// `API_WRITE_DATA` (4).
    pub const API_WRITE_DATA: u32 = wh::API_WRITE_DATA;
    /// `API_SEND_REQUEST` (5).
    pub const API_SEND_REQUEST: u32 = wh::API_SEND_REQUEST;
    /// `API_GET_PROXY_FOR_URL` (6).
    pub const API_GET_PROXY_FOR_URL: u32 = wh::API_GET_PROXY_FOR_URL;
    /// `WINHTTP_WEB_SOCKET_SEND_OPERATION` (0).
    pub const WS_SEND_OPERATION: u32 = wh::WINHTTP_WEB_SOCKET_SEND_OPERATION as u32;
    /// `WINHTTP_WEB_SOCKET_RECEIVE_OPERATION` (1).
    pub const WS_RECEIVE_OPERATION: u32 = wh::WINHTTP_WEB_SOCKET_RECEIVE_OPERATION as u32;
    /// `WINHTTP_WEB_SOCKET_CLOSE_OPERATION` (2).
    pub const WS_CLOSE_OPERATION: u32 = wh::WINHTTP_WEB_SOCKET_CLOSE_OPERATION as u32;
    /// `WINHTTP_QUERY_MAX` (78).
    pub const QUERY_MAX: u32 = wh::WINHTTP_QUERY_MAX;
    /// `WINHTTP_QUERY_CUSTOM` (65535): a header named by the caller; a valid level although
    /// it is above `WINHTTP_QUERY_MAX`.
    pub const QUERY_CUSTOM: u32 = wh::WINHTTP_QUERY_CUSTOM;
    /// `WINHTTP_QUERY_REQUEST_METHOD` (45).
    pub const QUERY_REQUEST_METHOD: u32 = wh::WINHTTP_QUERY_REQUEST_METHOD;
    /// `WINHTTP_QUERY_FLAG_REQUEST_HEADERS` (0x80000000).
    pub const QUERY_FLAG_REQUEST_HEADERS: u32 = wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS;
    /// The modifier bits of a query level (`WINHTTP_QUERY_FLAG_*`, the same bits as
    /// WinINet's `HTTP_QUERY_FLAG_*`); the rest is the header index.
    pub const QUERY_MODIFIERS: u32 = wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS
        | wh::WINHTTP_QUERY_FLAG_SYSTEMTIME
        | wh::WINHTTP_QUERY_FLAG_NUMBER
        | wh::WINHTTP_QUERY_FLAG_NUMBER64;
    /// `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` (114).
    pub const OPTION_UPGRADE_TO_WEB_SOCKET: u32 = wh::WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET;
    /// `WINHTTP_OPTION_CONNECTION_INFO` (93).
    pub const OPTION_CONNECTION_INFO: u32 = wh::WINHTTP_OPTION_CONNECTION_INFO;
    /// `WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE` (0).
    pub const WS_BINARY_MESSAGE: u32 = wh::WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE as u32;
    /// `WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE` (1).
    pub const WS_BINARY_FRAGMENT: u32 = wh::WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE as u32;
    /// `WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE` (2).
    pub const WS_UTF8_MESSAGE: u32 = wh::WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE as u32;
    /// `WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE` (3).
    pub const WS_UTF8_FRAGMENT: u32 = wh::WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE as u32;
    /// `WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE` (4).
    pub const WS_CLOSE: u32 = wh::WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE as u32;
    /// `WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION` (3).
    pub const WS_SHUTDOWN_OPERATION: u32 = wh::WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION as u32;
}

/// WinINet `INTERNET_STATUS_*` values.
pub mod wininet {
    use super::wi;
    /// `INTERNET_STATUS_RESOLVING_NAME`.
    pub const RESOLVING_NAME: u32 = wi::INTERNET_STATUS_RESOLVING_NAME;
    /// `INTERNET_STATUS_NAME_RESOLVED`.
    pub const NAME_RESOLVED: u32 = wi::INTERNET_STATUS_NAME_RESOLVED;
    /// `INTERNET_STATUS_CONNECTING_TO_SERVER`.
    pub const CONNECTING_TO_SERVER: u32 = wi::INTERNET_STATUS_CONNECTING_TO_SERVER;
    /// `INTERNET_STATUS_CONNECTED_TO_SERVER`.
    pub const CONNECTED_TO_SERVER: u32 = wi::INTERNET_STATUS_CONNECTED_TO_SERVER;
    /// `INTERNET_STATUS_SENDING_REQUEST`.
    pub const SENDING_REQUEST: u32 = wi::INTERNET_STATUS_SENDING_REQUEST;
    /// `INTERNET_STATUS_REQUEST_SENT`.
    pub const REQUEST_SENT: u32 = wi::INTERNET_STATUS_REQUEST_SENT;
    /// `INTERNET_STATUS_RECEIVING_RESPONSE`.
    pub const RECEIVING_RESPONSE: u32 = wi::INTERNET_STATUS_RECEIVING_RESPONSE;
    /// `INTERNET_STATUS_RESPONSE_RECEIVED`.
    pub const RESPONSE_RECEIVED: u32 = wi::INTERNET_STATUS_RESPONSE_RECEIVED;
    /// `INTERNET_STATUS_CLOSING_CONNECTION`.
    pub const CLOSING_CONNECTION: u32 = wi::INTERNET_STATUS_CLOSING_CONNECTION;
    /// `INTERNET_STATUS_CONNECTION_CLOSED`.
    pub const CONNECTION_CLOSED: u32 = wi::INTERNET_STATUS_CONNECTION_CLOSED;
    /// `INTERNET_STATUS_HANDLE_CREATED`.
    pub const HANDLE_CREATED: u32 = wi::INTERNET_STATUS_HANDLE_CREATED;
    /// `INTERNET_STATUS_HANDLE_CLOSING`.
    pub const HANDLE_CLOSING: u32 = wi::INTERNET_STATUS_HANDLE_CLOSING;
    /// `INTERNET_STATUS_REQUEST_COMPLETE`.
    pub const REQUEST_COMPLETE: u32 = wi::INTERNET_STATUS_REQUEST_COMPLETE;
    /// `INTERNET_STATUS_REDIRECT`.
    pub const REDIRECT: u32 = wi::INTERNET_STATUS_REDIRECT;
    /// `HTTP_QUERY_STATUS_CODE` (19).
    pub const QUERY_STATUS_CODE: u32 = wi::HTTP_QUERY_STATUS_CODE;
    /// `HTTP_QUERY_STATUS_TEXT` (20).
    pub const QUERY_STATUS_TEXT: u32 = wi::HTTP_QUERY_STATUS_TEXT;
    /// `INTERNET_OPTION_CALLBACK` (1).
    pub const OPTION_CALLBACK: u32 = wi::INTERNET_OPTION_CALLBACK;
    /// `INTERNET_OPTION_REQUEST_FLAGS` (23).
    pub const OPTION_REQUEST_FLAGS: u32 = wi::INTERNET_OPTION_REQUEST_FLAGS;
    /// `INTERNET_OPTION_SECURITY_CERTIFICATE` (35).
    pub const OPTION_SECURITY_CERTIFICATE: u32 = wi::INTERNET_OPTION_SECURITY_CERTIFICATE;
    /// `INTERNET_OPTION_REFRESH` (37).
    pub const OPTION_REFRESH: u32 = wi::INTERNET_OPTION_REFRESH;
    /// `INTERNET_OPTION_USER_AGENT` (41).
    pub const OPTION_USER_AGENT: u32 = wi::INTERNET_OPTION_USER_AGENT;
    /// `INTERNET_OPTION_SERVER_CERT_CHAIN_CONTEXT` (105).
    pub const OPTION_SERVER_CERT_CHAIN_CONTEXT: u32 = wi::INTERNET_OPTION_SERVER_CERT_CHAIN_CONTEXT;
}

/// The symbolic name of a notification status of `family`, for traces; `None` when the
/// value is not one the machine emits.
pub fn status_name(family: Family, status: u32) -> Option<&'static str> {
    let table: &[(u32, &str)] = match family {
        Family::WinHttp => &[
            (winhttp::RESOLVING_NAME, "RESOLVING_NAME"),
            (winhttp::NAME_RESOLVED, "NAME_RESOLVED"),
            (winhttp::CONNECTING_TO_SERVER, "CONNECTING_TO_SERVER"),
            (winhttp::CONNECTED_TO_SERVER, "CONNECTED_TO_SERVER"),
            (winhttp::SENDING_REQUEST, "SENDING_REQUEST"),
            (winhttp::REQUEST_SENT, "REQUEST_SENT"),
            (winhttp::RECEIVING_RESPONSE, "RECEIVING_RESPONSE"),
            (winhttp::RESPONSE_RECEIVED, "RESPONSE_RECEIVED"),
            (winhttp::CLOSING_CONNECTION, "CLOSING_CONNECTION"),
            (winhttp::CONNECTION_CLOSED, "CONNECTION_CLOSED"),
            (winhttp::HANDLE_CREATED, "HANDLE_CREATED"),
            (winhttp::HANDLE_CLOSING, "HANDLE_CLOSING"),
            (winhttp::REDIRECT, "REDIRECT"),
            (winhttp::HEADERS_AVAILABLE, "HEADERS_AVAILABLE"),
            (winhttp::DATA_AVAILABLE, "DATA_AVAILABLE"),
            (winhttp::READ_COMPLETE, "READ_COMPLETE"),
            (winhttp::WRITE_COMPLETE, "WRITE_COMPLETE"),
            (winhttp::REQUEST_ERROR, "REQUEST_ERROR"),
            (winhttp::SENDREQUEST_COMPLETE, "SENDREQUEST_COMPLETE"),
            (winhttp::GETPROXYFORURL_COMPLETE, "GETPROXYFORURL_COMPLETE"),
            (winhttp::CLOSE_COMPLETE, "CLOSE_COMPLETE"),
            (winhttp::SHUTDOWN_COMPLETE, "SHUTDOWN_COMPLETE"),
        ],
        Family::WinInet => &[
            (wininet::RESOLVING_NAME, "RESOLVING_NAME"),
            (wininet::NAME_RESOLVED, "NAME_RESOLVED"),
            (wininet::CONNECTING_TO_SERVER, "CONNECTING_TO_SERVER"),
            (wininet::CONNECTED_TO_SERVER, "CONNECTED_TO_SERVER"),
            (wininet::SENDING_REQUEST, "SENDING_REQUEST"),
            (wininet::REQUEST_SENT, "REQUEST_SENT"),
            (wininet::RECEIVING_RESPONSE, "RECEIVING_RESPONSE"),
            (wininet::RESPONSE_RECEIVED, "RESPONSE_RECEIVED"),
            (wininet::CLOSING_CONNECTION, "CLOSING_CONNECTION"),
            (wininet::CONNECTION_CLOSED, "CONNECTION_CLOSED"),
            (wininet::HANDLE_CREATED, "HANDLE_CREATED"),
            (wininet::HANDLE_CLOSING, "HANDLE_CLOSING"),
            (wininet::REQUEST_COMPLETE, "REQUEST_COMPLETE"),
            (wininet::REDIRECT, "REDIRECT"),
        ],
    };
    table.iter().find(|(v, _)| *v == status).map(|(_, n)| *n)
}

/// The notification statuses both families emit, by meaning: one table per family
/// ([`Family::statuses`]) instead of a `match family` at every use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Statuses {
    /// `RESOLVING_NAME`.
    pub resolving_name: u32,
    /// `NAME_RESOLVED`.
    pub name_resolved: u32,
    /// `CONNECTING_TO_SERVER`.
    pub connecting_to_server: u32,
    /// `CONNECTED_TO_SERVER`.
    pub connected_to_server: u32,
    /// `SENDING_REQUEST`.
    pub sending_request: u32,
    /// `REQUEST_SENT`.
    pub request_sent: u32,
    /// `RECEIVING_RESPONSE`.
    pub receiving_response: u32,
    /// `RESPONSE_RECEIVED`.
    pub response_received: u32,
    /// `CLOSING_CONNECTION`.
    pub closing_connection: u32,
    /// `CONNECTION_CLOSED`.
    pub connection_closed: u32,
    /// `HANDLE_CREATED`.
    pub handle_created: u32,
    /// `HANDLE_CLOSING`.
    pub handle_closing: u32,
    /// `REDIRECT`.
    pub redirect: u32,
    /// `ERROR_*_OPERATION_CANCELLED` (both are 12017).
    pub operation_cancelled: u32,
    /// `ERROR_*_OUT_OF_HANDLES` (both are 12001).
    pub out_of_handles: u32,
}

const WINHTTP_STATUSES: Statuses = Statuses {
    resolving_name: winhttp::RESOLVING_NAME,
    name_resolved: winhttp::NAME_RESOLVED,
    connecting_to_server: winhttp::CONNECTING_TO_SERVER,
    connected_to_server: winhttp::CONNECTED_TO_SERVER,
    sending_request: winhttp::SENDING_REQUEST,
    request_sent: winhttp::REQUEST_SENT,
    receiving_response: winhttp::RECEIVING_RESPONSE,
    response_received: winhttp::RESPONSE_RECEIVED,
    closing_connection: winhttp::CLOSING_CONNECTION,
    connection_closed: winhttp::CONNECTION_CLOSED,
    handle_created: winhttp::HANDLE_CREATED,
    handle_closing: winhttp::HANDLE_CLOSING,
    redirect: winhttp::REDIRECT,
    operation_cancelled: ERROR_WINHTTP_OPERATION_CANCELLED,
    out_of_handles: ERROR_WINHTTP_OUT_OF_HANDLES,
};

const WININET_STATUSES: Statuses = Statuses {
    resolving_name: wininet::RESOLVING_NAME,
    name_resolved: wininet::NAME_RESOLVED,
    connecting_to_server: wininet::CONNECTING_TO_SERVER,
    connected_to_server: wininet::CONNECTED_TO_SERVER,
    sending_request: wininet::SENDING_REQUEST,
    request_sent: wininet::REQUEST_SENT,
    receiving_response: wininet::RECEIVING_RESPONSE,
    response_received: wininet::RESPONSE_RECEIVED,
    closing_connection: wininet::CLOSING_CONNECTION,
    connection_closed: wininet::CONNECTION_CLOSED,
    handle_created: wininet::HANDLE_CREATED,
    handle_closing: wininet::HANDLE_CLOSING,
    redirect: wininet::REDIRECT,
    operation_cancelled: ERROR_INTERNET_OPERATION_CANCELLED,
    out_of_handles: ERROR_INTERNET_OUT_OF_HANDLES,
};

impl Family {
    /// The family's status table.
    pub const fn statuses(self) -> &'static Statuses {
        match self {
            Family::WinHttp => &WINHTTP_STATUSES,
            Family::WinInet => &WININET_STATUSES,
        }
    }
}

/// The status value of `HANDLE_CREATED` in `family`.
pub const fn handle_created(family: Family) -> u32 {
    family.statuses().handle_created
}

/// The status value of `HANDLE_CLOSING` in `family`.
pub const fn handle_closing(family: Family) -> u32 {
    family.statuses().handle_closing
}

/// `ERROR_*_OPERATION_CANCELLED` of `family` (both are 12017).
pub const fn operation_cancelled(family: Family) -> u32 {
    family.statuses().operation_cancelled
}

/// `ERROR_*_OUT_OF_HANDLES` of `family` (both are 12001).
pub const fn out_of_handles(family: Family) -> u32 {
    family.statuses().out_of_handles
}

/// True for the statuses that end an asynchronous operation (law 3).
pub fn is_completion(family: Family, status: u32) -> bool {
    match family {
        Family::WinHttp => matches!(
            status,
            winhttp::HEADERS_AVAILABLE
                | winhttp::DATA_AVAILABLE
                | winhttp::READ_COMPLETE
                | winhttp::WRITE_COMPLETE
                | winhttp::REQUEST_ERROR
                | winhttp::SENDREQUEST_COMPLETE
                | winhttp::GETPROXYFORURL_COMPLETE
                | winhttp::CLOSE_COMPLETE
                | winhttp::SHUTDOWN_COMPLETE
        ),
        Family::WinInet => status == wininet::REQUEST_COMPLETE,
    }
}
