//! The header store and the query engine of `WinHttpQueryHeaders` / `HttpQueryInfo`, and the
//! modifier semantics of `WinHttpAddRequestHeaders` / `HttpAddRequestHeaders`.
//!
//! A [`HeaderStore`] keeps one message head exactly as it is on the wire: the first line (the
//! request line or the raw status line) and the header lines in wire case and wire order.
//! Names compare case-insensitively; nothing is ever re-ordered except by an explicit
//! `REPLACE`/`COALESCE` (which edit the first occurrence in place, as Windows does — Wine's
//! tests call this the "reverse" order and accept it).
//!
//! Invariants: stored names are non-empty and contain no whitespace or `:`; stored values
//! contain no CR or LF; every error is a `windows-sys` constant; sizes are in bytes of UTF-16
//! as WinHTTP reports them (`lpdwBufferLength`), the required size including the NUL.
//!
//! Rules: WH-R25 (missing header → 12150, level > `WINHTTP_QUERY_MAX` → 87, response levels
//! need a received response → 12019; request headers and `REQUEST_METHOD` always allowed),
//! WI-R23 (WinINet before a response: `STATUS_CODE|NUMBER` is 0, `RAW_HEADERS` is empty,
//! other levels 12150).

use crate::time::{parse_http_date, SystemTime};
use windows_sys::Win32::Foundation::{ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinHttp as wh;
use windows_sys::Win32::Networking::WinInet as wi;

/// Which API family a query or add comes from (they share numbering; errors differ a little).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// WinHTTP (`WINHTTP_QUERY_*`, `ERROR_WINHTTP_*`).
    WinHttp,
    /// WinINet (`HTTP_QUERY_*`, `ERROR_HTTP_*`).
    WinInet,
}

/// One header line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderLine {
    /// Field name in wire case.
    pub name: String,
    /// Field value, surrounding blanks removed.
    pub value: String,
    /// The exact received line (response lines), or `None` once the line is built or edited
    /// locally (then it is rendered `Name: value`).
    raw: Option<String>,
}

impl HeaderLine {
    /// The line as WinHTTP renders it in `RAW_HEADERS(_CRLF)`.
    pub fn render(&self) -> String {
        match &self.raw {
            Some(raw) => raw.clone(),
            None => format!("{}: {}", self.name, self.value),
        }
    }
}

/// One message head: first line plus header lines in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderStore {
    first_line: String,
    lines: Vec<HeaderLine>,
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Whether `c` may appear in a field name (an RFC 7230 token character: no controls, blanks
/// or separators).
fn is_token_char(c: char) -> bool {
    c.is_ascii()
        && !c.is_ascii_control()
        && !matches!(
            c,
            '(' | ')'
                | '<'
                | '>'
                | '@'
                | ','
                | ';'
                | ':'
                | '\\'
                | '"'
                | '/'
                | '['
                | ']'
                | '?'
                | '='
                | '{'
                | '}'
                | ' '
                | '\t'
        )
}

/// Splits `Name: value` (the `AddRequestHeaders` syntax). `None` for a line without a colon,
/// an empty name, or a name that is not a token (e.g. `:b`, `cd`, ` e :f`).
fn split_header_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    if name.is_empty() || !name.chars().all(is_token_char) {
        return None;
    }
    Some((name, value.trim_matches(is_blank)))
}

impl HeaderStore {
    /// A request head: `VERB path HTTP/1.1`.
    pub fn request(verb: &str, path: &str, version: &str) -> Self {
        Self {
            first_line: format!("{verb} {path} {version}"),
            lines: Vec::new(),
        }
    }

    /// A response head from its raw status line and raw header lines (as read off the wire,
    /// without CRLF). A line without a colon is `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`.
    pub fn response<'a>(
        status_line: &str,
        lines: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, u32> {
        let mut store = Self {
            first_line: status_line.to_owned(),
            lines: Vec::new(),
        };
        for line in lines {
            let (name, value) = line
                .split_once(':')
                .ok_or(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)?;
            let name = name.trim_end_matches(is_blank);
            if name.is_empty() {
                return Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
            }
            store.lines.push(HeaderLine {
                name: name.to_owned(),
                value: value.trim_matches(is_blank).to_owned(),
                raw: Some(line.to_owned()),
            });
        }
        Ok(store)
    }

    /// Parses a whole response head (`status\r\nline\r\n...\r\n\r\n`; LF alone accepted).
    pub fn parse_response_head(head: &str) -> Result<Self, u32> {
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let status = lines
            .next()
            .filter(|s| !s.is_empty())
            .ok_or(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)?;
        Self::response(status, lines.take_while(|l| !l.is_empty()))
    }

    /// Replaces the first line (a redirect changes the request line; a new response its
    /// status line).
    pub fn set_first_line(&mut self, line: &str) {
        line.clone_into(&mut self.first_line);
    }

    /// The first line (request line or status line) as on the wire.
    pub fn first_line(&self) -> &str {
        &self.first_line
    }

    /// The header lines in wire order.
    pub fn lines(&self) -> &[HeaderLine] {
        &self.lines
    }

    /// Appends a header line (no checks beyond the store invariants: CR/LF in the value and
    /// an invalid name are `ERROR_INVALID_PARAMETER`).
    pub fn push(&mut self, name: &str, value: &str) -> Result<(), u32> {
        if split_header_line(&format!("{name}:")).is_none() || value.contains(['\r', '\n']) {
            return Err(ERROR_INVALID_PARAMETER);
        }
        self.lines.push(HeaderLine {
            name: name.to_owned(),
            value: value.trim_matches(is_blank).to_owned(),
            raw: None,
        });
        Ok(())
    }

    /// The values of `name` (case-insensitive) in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.lines
            .iter()
            .filter(move |l| l.name.eq_ignore_ascii_case(name))
            .map(|l| l.value.as_str())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
            .map(|l| l.value.as_str())
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| l.name.eq_ignore_ascii_case(name))
    }

    /// Removes every line called `name`; returns how many went.
    pub fn remove_all(&mut self, name: &str) -> usize {
        let before = self.lines.len();
        self.lines.retain(|l| !l.name.eq_ignore_ascii_case(name));
        before - self.lines.len()
    }

    /// `RAW_HEADERS_CRLF`: first line, each line, each followed by CRLF, then a final CRLF.
    pub fn raw_crlf(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.first_line);
        out.push_str("\r\n");
        for line in &self.lines {
            out.push_str(&line.render());
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out
    }

    /// `RAW_HEADERS`: each line followed by a NUL (the terminating second NUL is added by the
    /// output step, not counted in the returned length).
    pub fn raw_nul(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.first_line);
        out.push('\0');
        for line in &self.lines {
            out.push_str(&line.render());
            out.push('\0');
        }
        out
    }

    fn status_parts(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        let mut parts = self.first_line.splitn(3, ' ');
        (parts.next(), parts.next(), parts.next())
    }

    /// `WinHttpAddRequestHeaders` / `HttpAddRequestHeaders`: `headers` may hold several lines
    /// separated by any mix of CR and LF; empty lines are skipped. Empty input is
    /// `ERROR_INVALID_PARAMETER`; a malformed line `ERROR_WINHTTP_INVALID_HEADER`; lines before
    /// a failing one stay applied.
    ///
    /// `REPLACE` differs between the APIs (both observed on Windows by Wine's tests): WinHTTP
    /// replaces the first occurrence in place, WinINet removes it and appends the new line.
    pub fn add_request_headers(
        &mut self,
        api: Api,
        headers: &str,
        modifiers: u32,
    ) -> Result<(), u32> {
        if headers.is_empty() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        for line in headers.split(['\r', '\n']).filter(|l| !l.is_empty()) {
            let (name, value) = split_header_line(line).ok_or(wh::ERROR_WINHTTP_INVALID_HEADER)?;
            self.apply_modifier(api, name, value, modifiers)?;
        }
        Ok(())
    }

    fn apply_modifier(
        &mut self,
        api: Api,
        name: &str,
        value: &str,
        modifiers: u32,
    ) -> Result<(), u32> {
        let existing = self.position(name);
        if modifiers & wh::WINHTTP_ADDREQ_FLAG_ADD_IF_NEW != 0 && existing.is_some() {
            return Err(wh::ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
        }
        let new_line = || HeaderLine {
            name: name.to_owned(),
            value: value.to_owned(),
            raw: None,
        };
        if modifiers & wh::WINHTTP_ADDREQ_FLAG_REPLACE != 0 {
            return match existing {
                Some(i) if value.is_empty() => {
                    self.lines.remove(i);
                    Ok(())
                }
                Some(i) => {
                    match api {
                        Api::WinHttp => self.lines[i] = new_line(),
                        Api::WinInet => {
                            self.lines.remove(i);
                            self.lines.push(new_line());
                        }
                    }
                    Ok(())
                }
                None if modifiers & wh::WINHTTP_ADDREQ_FLAG_ADD != 0 => {
                    if !value.is_empty() {
                        self.lines.push(new_line());
                    }
                    Ok(())
                }
                None => Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND),
            };
        }
        let separator = if modifiers & wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON != 0 {
            Some("; ")
        } else if modifiers & wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA != 0 {
            Some(", ")
        } else {
            None
        };
        match (separator, existing) {
            (Some(sep), Some(i)) => {
                let line = &mut self.lines[i];
                line.value = format!("{}{sep}{value}", line.value);
                line.raw = None;
            }
            _ => self.lines.push(new_line()),
        }
        Ok(())
    }
}

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
const NAMED_LEVELS: &[(u32, &str)] = &[
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
fn c_strtol(value: &str) -> i64 {
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

fn utf16_bytes(units: usize) -> u32 {
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

#[cfg(test)]
mod tests {
    //! Expectations from Wine's `winhttp/tests/winhttp.c :: test_WinHttpAddHeaders` and
    //! `test_basic_request`/`test_WinHttpSendRequest` (they pass on Windows).
    use super::*;

    fn req() -> HeaderStore {
        HeaderStore::request("POST", "/posttest.php", "HTTP/1.1")
    }

    fn custom<'a>(name: &'a str, index: Option<u32>, capacity: u32) -> QueryRequest<'a> {
        QueryRequest {
            api: Api::WinHttp,
            info_level: wh::WINHTTP_QUERY_CUSTOM | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
            name: Some(name),
            buffer: OutBuffer::bytes(capacity),
            index,
        }
    }

    fn text(answer: &QueryAnswer) -> String {
        match &answer.value {
            QueryValue::Text(t) => String::from_utf16_lossy(t),
            other => panic!("not text: {other:?}"),
        }
    }

    fn warnings(store: &HeaderStore) -> Vec<String> {
        store.values("warning").map(str::to_owned).collect()
    }

    #[test]
    fn custom_query_iterates_and_sizes_in_bytes() {
        let mut store = req();
        assert_eq!(
            query_headers(&store, None, "POST", &custom("Warning", Some(0), 520))
                .map_err(|e| e.code()),
            Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
        );
        store
            .add_request_headers(Api::WinHttp, "Warning:test1", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("adds");
        let got =
            query_headers(&store, None, "POST", &custom("Warning", Some(0), 520)).expect("found");
        assert_eq!(text(&got), "test1");
        assert_eq!(got.bytes, 10);
        assert_eq!(got.next_index, Some(1));
        assert_eq!(
            query_headers(&store, None, "POST", &custom("Warning", Some(1), 520)),
            Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND))
        );
        // Room for the string but not the NUL.
        assert_eq!(
            query_headers(&store, None, "POST", &custom("Warning", Some(0), 10)),
            Err(QueryError::InsufficientBuffer { required_bytes: 12 })
        );
        // No index pointer: first occurrence, nothing written back.
        let got =
            query_headers(&store, None, "POST", &custom("warning", None, 520)).expect("found");
        assert_eq!(got.next_index, None);
    }

    #[test]
    fn raw_headers_crlf_and_nul_forms() {
        let mut store = req();
        store
            .add_request_headers(Api::WinHttp, "Warning:test1", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("adds");
        let crlf_query = |buffer| QueryRequest {
            api: Api::WinHttp,
            info_level: wh::WINHTTP_QUERY_RAW_HEADERS_CRLF | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
            name: None,
            buffer,
            index: Some(0),
        };
        let expected = "POST /posttest.php HTTP/1.1\r\nWarning: test1\r\n\r\n";
        let need = utf16_bytes(expected.len() + 1);
        for probe in [
            OutBuffer::probe(520),
            OutBuffer::probe(10),
            OutBuffer::probe(0),
            OutBuffer::bytes(need - 1),
        ] {
            assert_eq!(
                query_headers(&store, None, "POST", &crlf_query(probe)),
                Err(QueryError::InsufficientBuffer {
                    required_bytes: need
                })
            );
        }
        let got =
            query_headers(&store, None, "POST", &crlf_query(OutBuffer::bytes(need))).expect("fits");
        assert_eq!(text(&got), expected);
        assert_eq!(got.bytes, need - 2);
        assert_eq!(got.next_index, None, "RAW levels do not move the index");

        let nul = QueryRequest {
            info_level: wh::WINHTTP_QUERY_RAW_HEADERS | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
            ..crlf_query(OutBuffer::bytes(520))
        };
        let got = query_headers(&store, None, "POST", &nul).expect("fits");
        assert_eq!(text(&got), "POST /posttest.php HTTP/1.1\0Warning: test1\0");
    }

    #[test]
    fn add_modifiers_follow_windows_order() {
        let mut store = req();
        store
            .add_request_headers(Api::WinHttp, "Warning:test1", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("adds");
        store
            .add_request_headers(Api::WinHttp, "Warning:test2", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("duplicate");
        assert_eq!(warnings(&store), ["test1", "test2"]);
        store
            .add_request_headers(
                Api::WinHttp,
                "Warning:test3",
                wh::WINHTTP_ADDREQ_FLAG_REPLACE,
            )
            .expect("replaces");
        assert_eq!(
            warnings(&store),
            ["test3", "test2"],
            "first occurrence replaced in place"
        );
        assert_eq!(
            store.add_request_headers(
                Api::WinHttp,
                "Warning:test4",
                wh::WINHTTP_ADDREQ_FLAG_ADD_IF_NEW
            ),
            Err(wh::ERROR_WINHTTP_HEADER_ALREADY_EXISTS)
        );
        assert_eq!(warnings(&store), ["test3", "test2"]);
        store
            .add_request_headers(
                Api::WinHttp,
                "Warning:test4",
                wh::WINHTTP_ADDREQ_FLAG_COALESCE,
            )
            .expect("coalesces");
        assert_eq!(warnings(&store), ["test3, test4", "test2"]);
        store
            .add_request_headers(
                Api::WinHttp,
                "Warning:test5",
                wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
            )
            .expect("comma");
        assert_eq!(warnings(&store), ["test3, test4, test5", "test2"]);
        store
            .add_request_headers(
                Api::WinHttp,
                "Warning:test6",
                wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON,
            )
            .expect("semicolon");
        assert_eq!(warnings(&store), ["test3, test4, test5; test6", "test2"]);
        store
            .add_request_headers(
                Api::WinHttp,
                "Warning:test4",
                wh::WINHTTP_ADDREQ_FLAG_ADD | wh::WINHTTP_ADDREQ_FLAG_REPLACE,
            )
            .expect("add|replace");
        assert_eq!(warnings(&store), ["test4", "test2"]);
    }

    #[test]
    fn wininet_replace_moves_the_line_to_the_end() {
        // Wine http.c :: HttpHeaders_test (passes on Windows).
        let mut store = req();
        let add = |s: &mut HeaderStore, line: &str, flags: u32| {
            s.add_request_headers(Api::WinInet, line, flags)
        };
        add(&mut store, "Warning:test1", wi::HTTP_ADDREQ_FLAG_ADD).expect("adds");
        add(&mut store, "Warning:test2", wi::HTTP_ADDREQ_FLAG_ADD).expect("adds");
        add(&mut store, "Warning:test3", wi::HTTP_ADDREQ_FLAG_REPLACE).expect("replaces");
        assert_eq!(warnings(&store), ["test2", "test3"]);
        assert_eq!(
            add(&mut store, "Warning:test4", wi::HTTP_ADDREQ_FLAG_ADD_IF_NEW),
            Err(wi::ERROR_HTTP_HEADER_ALREADY_EXISTS)
        );
        add(&mut store, "Warning:test4", wi::HTTP_ADDREQ_FLAG_COALESCE).expect("coalesces");
        add(
            &mut store,
            "Warning:test5",
            wi::HTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
        )
        .expect("comma");
        add(
            &mut store,
            "Warning:test6",
            wi::HTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON,
        )
        .expect("semicolon");
        assert_eq!(warnings(&store), ["test2, test4, test5; test6", "test3"]);
        add(
            &mut store,
            "Warning:test7",
            wi::HTTP_ADDREQ_FLAG_ADD | wi::HTTP_ADDREQ_FLAG_REPLACE,
        )
        .expect("add|replace");
        assert_eq!(warnings(&store), ["test3", "test7"]);
        add(
            &mut store,
            "\r\nBlankTest:value\r\n\r\n",
            wi::HTTP_ADDREQ_FLAG_ADD_IF_NEW,
        )
        .expect("blank lines skipped");
        assert_eq!(store.get("BlankTest"), Some("value"));
        add(
            &mut store,
            "\r\rMalformedTest:value\n\nMalformedTestTwo: value2\rMalformedTestThree: value3\n\n\r\r\n",
            wi::HTTP_ADDREQ_FLAG_ADD | wi::HTTP_ADDREQ_FLAG_REPLACE,
        )
        .expect("odd separators");
        assert_eq!(
            (
                store.get("MalformedTest"),
                store.get("MalformedTestTwo"),
                store.get("MalformedTestThree")
            ),
            (Some("value"), Some("value2"), Some("value3"))
        );
        add(
            &mut store,
            "Authorization: Basic\r\n",
            wi::HTTP_ADDREQ_FLAG_ADD,
        )
        .expect("adds");
        let auth = QueryRequest {
            api: Api::WinInet,
            info_level: wi::HTTP_QUERY_AUTHORIZATION | wi::HTTP_QUERY_FLAG_REQUEST_HEADERS,
            name: None,
            buffer: OutBuffer::bytes(256),
            index: Some(0),
        };
        assert_eq!(
            query_headers(&store, None, "POST", &auth).map(|a| (text(&a), a.next_index)),
            Ok(("Basic".into(), Some(1)))
        );
        add(
            &mut store,
            "Authorization:\r\n",
            wi::HTTP_ADDREQ_FLAG_REPLACE,
        )
        .expect("removes");
        assert_eq!(
            query_headers(&store, None, "POST", &auth),
            Err(QueryError::Code(wi::ERROR_HTTP_HEADER_NOT_FOUND))
        );
        // Before a response, the response head reads as CRLF CRLF.
        let raw = QueryRequest {
            info_level: wi::HTTP_QUERY_RAW_HEADERS_CRLF,
            index: None,
            ..auth
        };
        assert_eq!(
            query_headers(&store, None, "POST", &raw).map(|a| (text(&a), a.bytes)),
            Ok(("\r\n\r\n".into(), 8))
        );
    }

    #[test]
    fn malformed_lines_and_empty_values() {
        let mut store = req();
        for bad in [":", ":b", "cd", " e :f", "a b: c", "x/y: z", "caf\u{e9}: 1"] {
            assert_eq!(
                store.add_request_headers(Api::WinHttp, bad, wh::WINHTTP_ADDREQ_FLAG_ADD),
                Err(wh::ERROR_WINHTTP_INVALID_HEADER),
                "{bad:?}"
            );
        }
        store
            .add_request_headers(Api::WinHttp, "a:", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("empty value is fine");
        let got = query_headers(&store, None, "POST", &custom("a", Some(0), 520)).expect("found");
        assert_eq!(text(&got), "");
        store
            .add_request_headers(Api::WinHttp, "field: value ", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("adds");
        assert_eq!(store.get("field"), Some("value"));
        assert_eq!(
            store.add_request_headers(Api::WinHttp, "", wh::WINHTTP_ADDREQ_FLAG_ADD),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn replace_missing_remove_with_empty_and_multiline() {
        let mut store = req();
        store
            .add_request_headers(
                Api::WinHttp,
                "Range: bytes=0-773\r\n",
                wh::WINHTTP_ADDREQ_FLAG_ADD | wh::WINHTTP_ADDREQ_FLAG_REPLACE,
            )
            .expect("adds");
        let got =
            query_headers(&store, None, "GET", &custom("Range", Some(0), 520)).expect("found");
        assert_eq!(text(&got), "bytes=0-773");
        assert_eq!(got.bytes, 22);
        assert_eq!(
            store.add_request_headers(Api::WinHttp, "name: value", wh::WINHTTP_ADDREQ_FLAG_REPLACE),
            Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
        );
        store
            .add_request_headers(Api::WinHttp, "name: value", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("adds");
        store
            .add_request_headers(Api::WinHttp, "name:", wh::WINHTTP_ADDREQ_FLAG_REPLACE)
            .expect("removes");
        assert_eq!(store.get("name"), None);
        store
            .add_request_headers(Api::WinHttp, "name: value", 0)
            .expect("flags 0 adds");
        assert_eq!(store.get("name"), Some("value"));
        store
            .add_request_headers(
                Api::WinHttp,
                "A: 1\r\nB: 2\nC: 3\r\n\r\n",
                wh::WINHTTP_ADDREQ_FLAG_ADD,
            )
            .expect("three lines");
        assert_eq!(
            (store.get("a"), store.get("b"), store.get("c")),
            (Some("1"), Some("2"), Some("3"))
        );
    }

    fn response() -> HeaderStore {
        HeaderStore::parse_response_head(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  42\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nDate: Fri, 07 Jan 2005 12:06:35 GMT\r\nX-Odd:nospace\r\n\r\n",
        )
        .expect("valid head")
    }

    fn resp_query(info_level: u32, buffer: OutBuffer, index: Option<u32>) -> QueryRequest<'static> {
        QueryRequest {
            api: Api::WinHttp,
            info_level,
            name: None,
            buffer,
            index,
        }
    }

    #[test]
    fn response_levels_and_modifiers() {
        let head = response();
        let q = |level, buffer, index| {
            query_headers(
                &req(),
                Some(&head),
                "GET",
                &resp_query(level, buffer, index),
            )
        };
        let big = OutBuffer::bytes(1024);
        assert_eq!(
            q(wh::WINHTTP_QUERY_CONTENT_TYPE, big, None).map(|a| text(&a)),
            Ok("text/plain".into())
        );
        assert_eq!(
            q(wh::WINHTTP_QUERY_STATUS_CODE, big, None).map(|a| text(&a)),
            Ok("200".into())
        );
        assert_eq!(
            q(wh::WINHTTP_QUERY_STATUS_TEXT, big, None).map(|a| text(&a)),
            Ok("OK".into())
        );
        assert_eq!(
            q(wh::WINHTTP_QUERY_VERSION, big, None).map(|a| text(&a)),
            Ok("HTTP/1.1".into())
        );
        let number = wh::WINHTTP_QUERY_STATUS_CODE | wh::WINHTTP_QUERY_FLAG_NUMBER;
        assert_eq!(
            q(number, big, None).map(|a| (a.value, a.bytes)),
            Ok((QueryValue::Number(200), 4))
        );
        assert_eq!(
            q(number, OutBuffer::bytes(3), None),
            Err(QueryError::InsufficientBuffer { required_bytes: 4 })
        );
        assert_eq!(
            q(number, OutBuffer::probe(4), None),
            Err(QueryError::InsufficientBuffer { required_bytes: 4 })
        );
        let length64 = wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER64;
        assert_eq!(
            q(length64, big, None).map(|a| a.value),
            Ok(QueryValue::Number64(42))
        );
        let text_number = wh::WINHTTP_QUERY_CONTENT_TYPE | wh::WINHTTP_QUERY_FLAG_NUMBER;
        assert_eq!(
            q(text_number, big, None).map(|a| a.value),
            Ok(QueryValue::Number(0))
        );
        let date = wh::WINHTTP_QUERY_DATE | wh::WINHTTP_QUERY_FLAG_SYSTEMTIME;
        assert_eq!(
            q(date, big, None).map(|a| (a.value, a.bytes)),
            Ok((
                QueryValue::SystemTime(SystemTime::new(2005, 1, 5, 7, 12, 6, 35, 0)),
                16
            ))
        );
        assert_eq!(
            q(date, OutBuffer::bytes(15), None),
            Err(QueryError::InsufficientBuffer { required_bytes: 16 })
        );
        let cookie = wh::WINHTTP_QUERY_SET_COOKIE;
        assert_eq!(
            q(cookie, big, Some(1)).map(|a| (text(&a), a.next_index)),
            Ok(("b=2".into(), Some(2)))
        );
        assert_eq!(
            q(cookie, big, Some(2)),
            Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND))
        );
        assert_eq!(
            q(wh::WINHTTP_QUERY_LOCATION, big, None),
            Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND))
        );
        assert_eq!(
            q(wh::WINHTTP_QUERY_MAX + 1, big, None),
            Err(QueryError::Code(ERROR_INVALID_PARAMETER))
        );
        let raw = q(wh::WINHTTP_QUERY_RAW_HEADERS_CRLF, big, None)
            .map(|a| text(&a))
            .expect("fits");
        assert!(
            raw.starts_with(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  42\r\n"
            ),
            "{raw:?}"
        );
        assert!(
            raw.ends_with("X-Odd:nospace\r\n\r\n"),
            "wire case and spacing kept: {raw:?}"
        );
    }

    /// WH-R25: response levels before a response → 12019; `REQUEST_METHOD` always answers.
    #[test]
    fn winhttp_response_levels_need_a_response_but_request_method_does_not() {
        let none = query_headers(
            &req(),
            None,
            "GET",
            &resp_query(wh::WINHTTP_QUERY_STATUS_CODE, OutBuffer::bytes(64), None),
        );
        assert_eq!(
            none,
            Err(QueryError::Code(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE))
        );
        let verb = query_headers(
            &req(),
            None,
            "GET",
            &resp_query(wh::WINHTTP_QUERY_REQUEST_METHOD, OutBuffer::bytes(64), None),
        );
        assert_eq!(verb.map(|a| text(&a)), Ok("GET".into()));
    }

    /// WI-R23: before a response WinINet answers `STATUS_CODE|NUMBER` with 0, `RAW_HEADERS`
    /// with an empty string and `STATUS_TEXT` with 12150.
    #[test]
    fn wininet_before_response_and_request_status_levels() {
        let q = |level, buffer| {
            query_headers(
                &req(),
                None,
                "GET",
                &QueryRequest {
                    api: Api::WinInet,
                    info_level: level,
                    name: None,
                    buffer,
                    index: None,
                },
            )
        };
        let status_number = wi::HTTP_QUERY_STATUS_CODE | wi::HTTP_QUERY_FLAG_NUMBER;
        assert_eq!(
            q(status_number, OutBuffer::bytes(4)).map(|a| a.value),
            Ok(QueryValue::Number(0))
        );
        assert_eq!(
            q(wi::HTTP_QUERY_RAW_HEADERS, OutBuffer::bytes(16)).map(|a| (text(&a), a.bytes)),
            Ok((String::new(), 0))
        );
        assert_eq!(
            q(wi::HTTP_QUERY_STATUS_TEXT, OutBuffer::bytes(64)),
            Err(QueryError::Code(wi::ERROR_HTTP_HEADER_NOT_FOUND))
        );
        let request_status = wi::HTTP_QUERY_STATUS_CODE | wi::HTTP_QUERY_FLAG_REQUEST_HEADERS;
        assert_eq!(
            q(request_status, OutBuffer::bytes(64)),
            Err(QueryError::Code(wi::ERROR_HTTP_INVALID_QUERY_REQUEST))
        );
        // WinINet's catalogue is longer than WinHTTP's.
        assert_eq!(
            level_of(Api::WinInet, wi::HTTP_QUERY_KEEP_ALIVE),
            Ok(Level::Header("Keep-Alive"))
        );
        assert_eq!(
            level_of(Api::WinHttp, wi::HTTP_QUERY_KEEP_ALIVE),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            level_of(Api::WinInet, wi::HTTP_QUERY_MAX + 1),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn catalogue_is_unique_and_covers_every_level() {
        let mut levels: Vec<u32> = NAMED_LEVELS.iter().map(|(l, _)| *l).collect();
        levels.sort_unstable();
        let before = levels.len();
        levels.dedup();
        assert_eq!(before, levels.len(), "duplicate level in the catalogue");
        for level in 0..=wi::HTTP_QUERY_MAX {
            let answered = level_of(Api::WinInet, level).expect("in range");
            // Only the ECHO levels (71..=74) have no header name.
            assert_eq!(
                answered == Level::Unanswerable,
                (71..=74).contains(&level),
                "level {level}"
            );
        }
    }

    #[test]
    fn query_headers_ex_levels() {
        let head = response();
        let all = query_headers_ex(
            &req(),
            Some(&head),
            wh::WINHTTP_QUERY_EX_ALL_HEADERS,
            None,
            Some(3),
        )
        .expect("all");
        assert_eq!(all.headers.len(), 6);
        assert_eq!(
            all.headers[1],
            ("content-length".to_owned(), "42".to_owned()),
            "wire case kept"
        );
        assert_eq!(all.next_index, None);
        let second = query_headers_ex(
            &req(),
            Some(&head),
            wh::WINHTTP_QUERY_SET_COOKIE,
            None,
            Some(1),
        )
        .expect("found");
        assert_eq!(
            second,
            ExAnswer {
                headers: vec![("Set-Cookie".into(), "b=2".into())],
                next_index: Some(2)
            }
        );
        let custom = query_headers_ex(
            &req(),
            Some(&head),
            wh::WINHTTP_QUERY_CUSTOM,
            Some("x-odd"),
            None,
        )
        .expect("found");
        assert_eq!(
            custom.headers,
            vec![("X-Odd".to_owned(), "nospace".to_owned())]
        );
        for excluded in [
            wh::WINHTTP_QUERY_VERSION,
            wh::WINHTTP_QUERY_STATUS_CODE,
            wh::WINHTTP_QUERY_STATUS_TEXT,
            wh::WINHTTP_QUERY_RAW_HEADERS_CRLF,
            wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER,
            wh::WINHTTP_QUERY_CONTENT_LENGTH | wh::WINHTTP_QUERY_FLAG_NUMBER64,
            wh::WINHTTP_QUERY_DATE | wh::WINHTTP_QUERY_FLAG_SYSTEMTIME,
        ] {
            assert_eq!(
                query_headers_ex(&req(), Some(&head), excluded, None, None),
                Err(ERROR_INVALID_PARAMETER),
                "{excluded:#x}"
            );
        }
        assert_eq!(
            query_headers_ex(
                &req(),
                Some(&head),
                wh::WINHTTP_QUERY_SET_COOKIE,
                None,
                Some(2)
            ),
            Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)
        );
        assert_eq!(
            query_headers_ex(&req(), None, wh::WINHTTP_QUERY_EX_ALL_HEADERS, None, None),
            Err(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE)
        );
        let mut request = req();
        request
            .add_request_headers(Api::WinHttp, "A: 1", wh::WINHTTP_ADDREQ_FLAG_ADD)
            .expect("adds");
        let own = query_headers_ex(
            &request,
            None,
            wh::WINHTTP_QUERY_EX_ALL_HEADERS | wh::WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
            None,
            None,
        );
        assert_eq!(
            own.map(|a| a.headers),
            Ok(vec![("A".to_owned(), "1".to_owned())])
        );
    }

    #[test]
    fn hostile_response_heads() {
        assert_eq!(
            HeaderStore::parse_response_head(""),
            Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        );
        assert_eq!(
            HeaderStore::parse_response_head("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"),
            Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        );
        assert_eq!(
            HeaderStore::parse_response_head("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n"),
            Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        );
        let odd =
            HeaderStore::parse_response_head("garbage\r\n\r\n").expect("status line kept raw");
        let q = query_headers(
            &req(),
            Some(&odd),
            "GET",
            &resp_query(wh::WINHTTP_QUERY_STATUS_CODE, OutBuffer::bytes(64), None),
        );
        assert_eq!(q, Err(QueryError::Code(wh::ERROR_WINHTTP_HEADER_NOT_FOUND)));
        assert_eq!(c_strtol("  -12abc"), -12);
        assert_eq!(c_strtol("99999999999999999999999"), i64::MAX);
    }
}
