//! The query engine of `WinHttpQueryHeaders(Ex)` / `HttpQueryInfo`: which level a query asks
//! for ([`level_of`]), and the answer — text, number, `SYSTEMTIME` or raw block — sized in bytes
//! of UTF-16 as WinHTTP reports them ([`query_headers`], [`query_headers_ex`]).
//!
//! Invariants: an answer never claims fewer bytes than it writes; a too-small buffer answers
//! 122 with the required size including the NUL; every error is a `windows-sys` constant.

use super::{Api, HeaderStore};
use crate::time::{parse_http_date, SystemTime};
use windows_sys::Win32::Foundation::{ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinHttp as wh;
use windows_sys::Win32::Networking::WinInet as wi;

/// Which level a query asks for, after the modifiers are masked off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// A named header (catalogue level or `CUSTOM`).
    Header(&'static str),
    /// `CUSTOM` with the caller's name.
    Custom,
    /// `VERSION` (from the first line).
    Version,
    /// `STATUS_CODE`.
    StatusCode,
    /// `STATUS_TEXT`.
    StatusText,
    /// `RAW_HEADERS`.
    RawHeaders,
    /// `RAW_HEADERS_CRLF`.
    RawHeadersCrlf,
    /// `REQUEST_METHOD`.
    RequestMethod,
    /// A level that exists but names no header Windows answers (e.g. the ECHO levels).
    Unanswerable,
}

/// The header name of each numeric level (`WINHTTP_QUERY_*` = `HTTP_QUERY_*` below 79).
pub(super) const NAMED_LEVELS: &[(u32, &str)] = &[
    (wh::WINHTTP_QUERY_MIME_VERSION, "Mime-Version"),
    (wh::WINHTTP_QUERY_CONTENT_TYPE, "Content-Type"),
    (
        wh::WINHTTP_QUERY_CONTENT_TRANSFER_ENCODING,
        "Content-Transfer-Encoding",
    ),
    (wh::WINHTTP_QUERY_CONTENT_ID, "Content-ID"),
    (wh::WINHTTP_QUERY_CONTENT_DESCRIPTION, "Content-Description"),
    (wh::WINHTTP_QUERY_CONTENT_LENGTH, "Content-Length"),
    (wh::WINHTTP_QUERY_CONTENT_LANGUAGE, "Content-Language"),
    (wh::WINHTTP_QUERY_ALLOW, "Allow"),
    (wh::WINHTTP_QUERY_PUBLIC, "Public"),
    (wh::WINHTTP_QUERY_DATE, "Date"),
    (wh::WINHTTP_QUERY_EXPIRES, "Expires"),
    (wh::WINHTTP_QUERY_LAST_MODIFIED, "Last-Modified"),
    (wh::WINHTTP_QUERY_MESSAGE_ID, "Message-ID"),
    (wh::WINHTTP_QUERY_URI, "URI"),
    (wh::WINHTTP_QUERY_DERIVED_FROM, "Derived-From"),
    (wh::WINHTTP_QUERY_COST, "Cost"),
    (wh::WINHTTP_QUERY_LINK, "Link"),
    (wh::WINHTTP_QUERY_PRAGMA, "Pragma"),
    (wh::WINHTTP_QUERY_CONNECTION, "Connection"),
    (wh::WINHTTP_QUERY_ACCEPT, "Accept"),
    (wh::WINHTTP_QUERY_ACCEPT_CHARSET, "Accept-Charset"),
    (wh::WINHTTP_QUERY_ACCEPT_ENCODING, "Accept-Encoding"),
    (wh::WINHTTP_QUERY_ACCEPT_LANGUAGE, "Accept-Language"),
    (wh::WINHTTP_QUERY_AUTHORIZATION, "Authorization"),
    (wh::WINHTTP_QUERY_CONTENT_ENCODING, "Content-Encoding"),
    (wh::WINHTTP_QUERY_FORWARDED, "Forwarded"),
    (wh::WINHTTP_QUERY_FROM, "From"),
    (wh::WINHTTP_QUERY_IF_MODIFIED_SINCE, "If-Modified-Since"),
    (wh::WINHTTP_QUERY_LOCATION, "Location"),
    (wh::WINHTTP_QUERY_ORIG_URI, "Orig-Uri"),
    (wh::WINHTTP_QUERY_REFERER, "Referer"),
    (wh::WINHTTP_QUERY_RETRY_AFTER, "Retry-After"),
    (wh::WINHTTP_QUERY_SERVER, "Server"),
    (wh::WINHTTP_QUERY_TITLE, "Title"),
    (wh::WINHTTP_QUERY_USER_AGENT, "User-Agent"),
    (wh::WINHTTP_QUERY_WWW_AUTHENTICATE, "WWW-Authenticate"),
    (wh::WINHTTP_QUERY_PROXY_AUTHENTICATE, "Proxy-Authenticate"),
    (wh::WINHTTP_QUERY_ACCEPT_RANGES, "Accept-Ranges"),
    (wh::WINHTTP_QUERY_SET_COOKIE, "Set-Cookie"),
    (wh::WINHTTP_QUERY_COOKIE, "Cookie"),
    (wh::WINHTTP_QUERY_REFRESH, "Refresh"),
    (wh::WINHTTP_QUERY_CONTENT_DISPOSITION, "Content-Disposition"),
    (wh::WINHTTP_QUERY_AGE, "Age"),
    (wh::WINHTTP_QUERY_CACHE_CONTROL, "Cache-Control"),
    (wh::WINHTTP_QUERY_CONTENT_BASE, "Content-Base"),
    (wh::WINHTTP_QUERY_CONTENT_LOCATION, "Content-Location"),
    (wh::WINHTTP_QUERY_CONTENT_MD5, "Content-MD5"),
    (wh::WINHTTP_QUERY_CONTENT_RANGE, "Content-Range"),
    (wh::WINHTTP_QUERY_ETAG, "ETag"),
    (wh::WINHTTP_QUERY_HOST, "Host"),
    (wh::WINHTTP_QUERY_IF_MATCH, "If-Match"),
    (wh::WINHTTP_QUERY_IF_NONE_MATCH, "If-None-Match"),
    (wh::WINHTTP_QUERY_IF_RANGE, "If-Range"),
    (wh::WINHTTP_QUERY_IF_UNMODIFIED_SINCE, "If-Unmodified-Since"),
    (wh::WINHTTP_QUERY_MAX_FORWARDS, "Max-Forwards"),
    (wh::WINHTTP_QUERY_PROXY_AUTHORIZATION, "Proxy-Authorization"),
    (wh::WINHTTP_QUERY_RANGE, "Range"),
    (wh::WINHTTP_QUERY_TRANSFER_ENCODING, "Transfer-Encoding"),
    (wh::WINHTTP_QUERY_UPGRADE, "Upgrade"),
    (wh::WINHTTP_QUERY_VARY, "Vary"),
    (wh::WINHTTP_QUERY_VIA, "Via"),
    (wh::WINHTTP_QUERY_WARNING, "Warning"),
    (wh::WINHTTP_QUERY_EXPECT, "Expect"),
    (wh::WINHTTP_QUERY_PROXY_CONNECTION, "Proxy-Connection"),
    (
        wh::WINHTTP_QUERY_UNLESS_MODIFIED_SINCE,
        "Unless-Modified-Since",
    ),
    (wh::WINHTTP_QUERY_PROXY_SUPPORT, "Proxy-Support"),
    (wh::WINHTTP_QUERY_AUTHENTICATION_INFO, "Authentication-Info"),
    (wh::WINHTTP_QUERY_PASSPORT_URLS, "PassportURLs"),
    (wh::WINHTTP_QUERY_PASSPORT_CONFIG, "PassportConfig"),
    // WinINet only (above WINHTTP_QUERY_MAX).
    (
        wi::HTTP_QUERY_X_CONTENT_TYPE_OPTIONS,
        "X-Content-Type-Options",
    ),
    (wi::HTTP_QUERY_P3P, "P3P"),
    (wi::HTTP_QUERY_X_P2P_PEERDIST, "X-P2P-PeerDist"),
    (wi::HTTP_QUERY_TRANSLATE, "Translate"),
    (wi::HTTP_QUERY_X_UA_COMPATIBLE, "X-UA-Compatible"),
    (wi::HTTP_QUERY_DEFAULT_STYLE, "Default-Style"),
    (wi::HTTP_QUERY_X_FRAME_OPTIONS, "X-Frame-Options"),
    (wi::HTTP_QUERY_X_XSS_PROTECTION, "X-XSS-Protection"),
    (wi::HTTP_QUERY_SET_COOKIE2, "Set-Cookie2"),
    (wi::HTTP_QUERY_DO_NOT_TRACK, "DNT"),
    (wi::HTTP_QUERY_KEEP_ALIVE, "Keep-Alive"),
    (wi::HTTP_QUERY_HTTP2_SETTINGS, "HTTP2-Settings"),
    (
        wi::HTTP_QUERY_STRICT_TRANSPORT_SECURITY,
        "Strict-Transport-Security",
    ),
    (wi::HTTP_QUERY_TOKEN_BINDING, "Sec-Token-Binding"),
    (
        wi::HTTP_QUERY_INCLUDE_REFERER_TOKEN_BINDING_ID,
        "Include-Referer-Token-Binding-ID",
    ),
    (wi::HTTP_QUERY_PUBLIC_KEY_PINS, "Public-Key-Pins"),
    (
        wi::HTTP_QUERY_PUBLIC_KEY_PINS_REPORT_ONLY,
        "Public-Key-Pins-Report-Only",
    ),
];

/// The low 16 bits of an info level (`WINHTTP_QUERY_HEADER_MASK`).
const LEVEL_MASK: u32 = 0xffff;

/// Maps the level bits of `info_level` to what they ask for; `ERROR_INVALID_PARAMETER` for
/// a level above the API's maximum (WH-R25: `> WINHTTP_QUERY_MAX` → 87).
pub fn level_of(api: Api, info_level: u32) -> Result<Level, u32> {
    let level = info_level & LEVEL_MASK;
    let max = match api {
        Api::WinHttp => wh::WINHTTP_QUERY_MAX,
        Api::WinInet => wi::HTTP_QUERY_MAX,
    };
    Ok(match level {
        wh::WINHTTP_QUERY_CUSTOM => Level::Custom,
        wh::WINHTTP_QUERY_VERSION => Level::Version,
        wh::WINHTTP_QUERY_STATUS_CODE => Level::StatusCode,
        wh::WINHTTP_QUERY_STATUS_TEXT => Level::StatusText,
        wh::WINHTTP_QUERY_RAW_HEADERS => Level::RawHeaders,
        wh::WINHTTP_QUERY_RAW_HEADERS_CRLF => Level::RawHeadersCrlf,
        wh::WINHTTP_QUERY_REQUEST_METHOD => Level::RequestMethod,
        l if l > max => return Err(ERROR_INVALID_PARAMETER),
        l => NAMED_LEVELS
            .iter()
            .find(|(n, _)| *n == l)
            .map_or(Level::Unanswerable, |(_, name)| Level::Header(name)),
    })
}

/// What the query returns on success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryValue {
    /// A string (UTF-16, without the final NUL; `RAW_HEADERS` has embedded NULs).
    Text(Vec<u16>),
    /// `FLAG_NUMBER`.
    Number(u32),
    /// `FLAG_NUMBER64`.
    Number64(u64),
    /// `FLAG_SYSTEMTIME`.
    SystemTime(SystemTime),
}

/// A successful query: the value, the length written back (bytes; text without its NUL),
/// and the index written back when the caller passed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryAnswer {
    /// The value.
    pub value: QueryValue,
    /// `*lpdwBufferLength` after the call.
    pub bytes: u32,
    /// `*lpdwIndex` after the call (`None` when no index was passed or the level does not
    /// iterate).
    pub next_index: Option<u32>,
}

/// A failed query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// `ERROR_INSUFFICIENT_BUFFER`; `*lpdwBufferLength` becomes `required_bytes`, nothing is
    /// written into the buffer and the index is unchanged.
    InsufficientBuffer {
        /// Bytes needed (text: including the NUL).
        required_bytes: u32,
    },
    /// Any other error; outputs untouched.
    Code(u32),
}

impl QueryError {
    /// The Windows error code.
    pub fn code(&self) -> u32 {
        match self {
            QueryError::InsufficientBuffer { .. } => ERROR_INSUFFICIENT_BUFFER,
            QueryError::Code(code) => *code,
        }
    }
}

/// The caller's output buffer: `has_buffer` is `lpBuffer != NULL`, `capacity_bytes` is
/// `*lpdwBufferLength` on entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutBuffer {
    /// Whether a buffer was passed.
    pub has_buffer: bool,
    /// Its size in bytes.
    pub capacity_bytes: u32,
}

impl OutBuffer {
    /// A buffer of `capacity_bytes`.
    pub fn bytes(capacity_bytes: u32) -> Self {
        Self {
            has_buffer: true,
            capacity_bytes,
        }
    }

    /// A NULL buffer with the given length (the size-probing call).
    pub fn probe(capacity_bytes: u32) -> Self {
        Self {
            has_buffer: false,
            capacity_bytes,
        }
    }
}

/// Everything one `QueryHeaders` / `HttpQueryInfo` call needs.
#[derive(Clone, Copy, Debug)]
pub struct QueryRequest<'a> {
    /// Which API.
    pub api: Api,
    /// `dwInfoLevel` with modifiers.
    pub info_level: u32,
    /// `pwszName` for `CUSTOM` (or WinINet's name-in-buffer custom query).
    pub name: Option<&'a str>,
    /// Output buffer.
    pub buffer: OutBuffer,
    /// `*lpdwIndex` on entry, `None` for a NULL index pointer.
    pub index: Option<u32>,
}

/// C `wcstol(value, NULL, 10)` as Windows uses for `FLAG_NUMBER`: leading blanks, optional
/// sign, digits; nothing numeric gives 0; out of range saturates.
pub(super) fn c_strtol(value: &str) -> i64 {
    let trimmed = value.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if negative {
        -n
    } else {
        n
    }
}

pub(super) fn utf16_bytes(units: usize) -> u32 {
    u32::try_from(units.saturating_mul(2)).unwrap_or(u32::MAX)
}

fn fixed_size(buffer: OutBuffer, size: u32) -> Result<(), QueryError> {
    if !buffer.has_buffer || buffer.capacity_bytes < size {
        return Err(QueryError::InsufficientBuffer {
            required_bytes: size,
        });
    }
    Ok(())
}

/// `WinHttpQueryHeaders` / `HttpQueryInfoW` over a request head and (once received) a
/// response head. `verb` answers `REQUEST_METHOD`.
///
/// * `FLAG_REQUEST_HEADERS` selects the request head; otherwise the response head, and for
///   WinHTTP a missing response is `ERROR_WINHTTP_INCORRECT_HANDLE_STATE` (WH-R25) while
///   WinINet answers as if an empty response was there (WI-R23).
/// * `FLAG_NUMBER` / `FLAG_NUMBER64` / `FLAG_SYSTEMTIME` convert the value; their sizes are
///   4 / 8 / 16 bytes and a smaller (or NULL) buffer is `InsufficientBuffer` with that size.
/// * For named levels the index picks the Nth occurrence and comes back incremented; past the
///   last one is `ERROR_WINHTTP_HEADER_NOT_FOUND`.
pub fn query_headers(
    request_head: &HeaderStore,
    response_head: Option<&HeaderStore>,
    verb: &str,
    query: &QueryRequest<'_>,
) -> Result<QueryAnswer, QueryError> {
    let code = QueryError::Code;
    let info = query.info_level;
    let level = level_of(query.api, info).map_err(code)?;
    let from_request = info & wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS != 0;
    let not_found = wh::ERROR_WINHTTP_HEADER_NOT_FOUND;
    let empty_response = HeaderStore::default();
    let store = if from_request || level == Level::RequestMethod {
        request_head
    } else {
        match (response_head, query.api) {
            (Some(head), _) => head,
            (None, Api::WinHttp) => return Err(code(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE)),
            (None, Api::WinInet) => &empty_response,
        }
    };
    let pre_response = response_head.is_none() && !from_request && query.api == Api::WinInet;
    let mut iterates = false;
    let value: String = match level {
        Level::RequestMethod => verb.to_owned(),
        // WI-R23: before a response WinINet answers an empty head (Windows 10 gives CRLF CRLF).
        Level::RawHeaders if pre_response => String::new(),
        Level::RawHeadersCrlf if pre_response => "\r\n\r\n".to_owned(),
        Level::RawHeaders => store.raw_nul(),
        Level::RawHeadersCrlf => store.raw_crlf(),
        Level::StatusCode if pre_response => "0".to_owned(),
        Level::Version | Level::StatusCode | Level::StatusText => {
            if from_request && level != Level::Version {
                // A request head has no status; WinINet calls that an invalid query.
                return Err(code(match query.api {
                    Api::WinHttp => not_found,
                    Api::WinInet => wi::ERROR_HTTP_INVALID_QUERY_REQUEST,
                }));
            }
            let (first, second, third) = store.status_parts();
            let part = match level {
                Level::Version if from_request => third,
                Level::Version => first,
                Level::StatusCode => second,
                // A status line with a code but no reason phrase has an empty status text.
                _ => third.or(second.map(|_| "")),
            };
            let part = part.ok_or(code(not_found))?;
            if part.is_empty() && level != Level::StatusText {
                return Err(code(not_found));
            }
            part.to_owned()
        }
        Level::Unanswerable => return Err(code(not_found)),
        Level::Header(_) | Level::Custom => {
            let name = match level {
                Level::Header(name) => name,
                _ => query
                    .name
                    .filter(|n| !n.is_empty())
                    .ok_or(code(ERROR_INVALID_PARAMETER))?,
            };
            iterates = true;
            let wanted = query.index.unwrap_or(0);
            let nth = usize::try_from(wanted).map_err(|_| code(not_found))?;
            store
                .values(name)
                .nth(nth)
                .ok_or(code(not_found))?
                .to_owned()
        }
    };
    let next_index = if iterates {
        query.index.map(|i| i.saturating_add(1))
    } else {
        None
    };
    let buffer = query.buffer;
    if info & wh::WINHTTP_QUERY_FLAG_NUMBER != 0 {
        fixed_size(buffer, 4)?;
        // Windows stores the C conversion into a DWORD: truncation to 32 bits is the behaviour.
        let n = c_strtol(&value) as u32;
        return Ok(QueryAnswer {
            value: QueryValue::Number(n),
            bytes: 4,
            next_index,
        });
    }
    if info & wh::WINHTTP_QUERY_FLAG_NUMBER64 != 0 {
        fixed_size(buffer, 8)?;
        let n = c_strtol(&value) as u64;
        return Ok(QueryAnswer {
            value: QueryValue::Number64(n),
            bytes: 8,
            next_index,
        });
    }
    if info & wh::WINHTTP_QUERY_FLAG_SYSTEMTIME != 0 {
        fixed_size(buffer, SystemTime::BYTES)?;
        let time = parse_http_date(&value).ok_or(code(match query.api {
            Api::WinHttp => wh::ERROR_WINHTTP_INVALID_QUERY_REQUEST,
            Api::WinInet => wi::ERROR_HTTP_INVALID_QUERY_REQUEST,
        }))?;
        return Ok(QueryAnswer {
            value: QueryValue::SystemTime(time),
            bytes: SystemTime::BYTES,
            next_index,
        });
    }
    let text: Vec<u16> = value.encode_utf16().collect();
    // RAW_HEADERS ends with a second NUL that the returned length does not count.
    let required = utf16_bytes(text.len() + 1);
    if !buffer.has_buffer || buffer.capacity_bytes < required {
        return Err(QueryError::InsufficientBuffer {
            required_bytes: required,
        });
    }
    let bytes = utf16_bytes(text.len());
    Ok(QueryAnswer {
        value: QueryValue::Text(text),
        bytes,
        next_index,
    })
}

/// What `WinHttpQueryHeadersEx` returns: parsed `(name, value)` pairs in wire order and the
/// index written back. (Packing them into the caller's buffer as `WINHTTP_EXTENDED_HEADER`
/// records is the C layer's job.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExAnswer {
    /// The headers, names in wire case.
    pub headers: Vec<(String, String)>,
    /// `*pdwIndex` after the call (`None` when no index was passed or all headers were asked).
    pub next_index: Option<u32>,
}

/// `WinHttpQueryHeadersEx` level handling: `WINHTTP_QUERY_EX_ALL_HEADERS` answers every line;
/// a named level or `CUSTOM` answers the `index`-th occurrence; the levels and modifiers the
/// documentation excludes (`VERSION`, `STATUS_CODE`, `STATUS_TEXT`, `RAW_HEADERS_CRLF`,
/// `FLAG_NUMBER(64)`, `FLAG_SYSTEMTIME`) are `ERROR_INVALID_PARAMETER`. The response head must
/// be there (WH-R25: `ERROR_WINHTTP_INCORRECT_HANDLE_STATE`) unless `FLAG_REQUEST_HEADERS`.
pub fn query_headers_ex(
    request_head: &HeaderStore,
    response_head: Option<&HeaderStore>,
    info_level: u32,
    name: Option<&str>,
    index: Option<u32>,
) -> Result<ExAnswer, u32> {
    let excluded_modifiers = wh::WINHTTP_QUERY_FLAG_NUMBER
        | wh::WINHTTP_QUERY_FLAG_NUMBER64
        | wh::WINHTTP_QUERY_FLAG_SYSTEMTIME;
    if info_level & excluded_modifiers != 0 {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let level = level_of(Api::WinHttp, info_level)?;
    let store = if info_level & wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS != 0 {
        request_head
    } else {
        response_head.ok_or(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE)?
    };
    let wanted = match level {
        Level::RawHeaders => {
            let headers = store
                .lines()
                .iter()
                .map(|l| (l.name.clone(), l.value.clone()))
                .collect();
            return Ok(ExAnswer {
                headers,
                next_index: None,
            });
        }
        Level::Header(name) => name,
        Level::Custom => name
            .filter(|n| !n.is_empty())
            .ok_or(ERROR_INVALID_PARAMETER)?,
        Level::Version | Level::StatusCode | Level::StatusText | Level::RawHeadersCrlf => {
            return Err(ERROR_INVALID_PARAMETER)
        }
        Level::RequestMethod | Level::Unanswerable => {
            return Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
        }
    };
    let nth =
        usize::try_from(index.unwrap_or(0)).map_err(|_| wh::ERROR_WINHTTP_HEADER_NOT_FOUND)?;
    let line = store
        .lines()
        .iter()
        .filter(|l| l.name.eq_ignore_ascii_case(wanted))
        .nth(nth)
        .ok_or(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)?;
    Ok(ExAnswer {
        headers: vec![(line.name.clone(), line.value.clone())],
        next_index: index.map(|i| i.saturating_add(1)),
    })
}
