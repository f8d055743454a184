//! `WinHttpCrackUrl` / `WinHttpCreateUrl` on Rust types.
//!
//! This module owns URL splitting and assembly with WinHTTP's observable rules. Strings are
//! UTF-16 (`&[u16]`) because WinHTTP counts every component length, buffer capacity and
//! returned size in WCHARs; [`to_wide`] converts a `&str` for callers that start from Rust
//! strings.
//!
//! Invariants:
//! * a component the caller did not ask for is never produced (`ComponentRequest::NotWanted`
//!   gives `Component::NotWanted`);
//! * a component returned "in the URL" (pointer mode) is an offset and length into the very
//!   slice the caller passed, so `url[offset..offset + len]` is always in bounds;
//! * every failure is a Windows error code from `windows-sys`; nothing panics on any input.
//!
//! Behaviour follows the expectations of Wine's `dlls/winhttp/tests/url.c` (which are checked
//! against Windows): scheme `http`/`https` only (case-insensitive, else
//! `ERROR_WINHTTP_UNRECOGNIZED_SCHEME`), `//` required and a non-empty host (else
//! `ERROR_WINHTTP_INVALID_URL`), an empty port means the scheme's default, a port above 65535
//! is invalid, the extra info starts at the first `?` or `#` after the path's `/` — and when
//! the caller does not ask for the extra info, the path runs to the end of the URL.
//!
//! The WinINet variants (`InternetCrackUrl`, `InternetCreateUrl`, `InternetCanonicalizeUrl`,
//! `InternetCombineUrl`) are in [`wininet`].

pub mod wininet;

use windows_sys::Win32::Foundation::{ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_INVALID_URL, ERROR_WINHTTP_UNRECOGNIZED_SCHEME, ICU_DECODE, ICU_ESCAPE,
    INTERNET_DEFAULT_HTTPS_PORT, INTERNET_DEFAULT_HTTP_PORT, WINHTTP_INTERNET_SCHEME,
    WINHTTP_INTERNET_SCHEME_FTP, WINHTTP_INTERNET_SCHEME_HTTP, WINHTTP_INTERNET_SCHEME_HTTPS,
    WINHTTP_INTERNET_SCHEME_SOCKS,
};

/// UTF-16 encoding of a Rust string, as WinHTTP's wide-string APIs take it (no NUL).
pub fn to_wide(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// How the caller asked for one component (the `lpszX` / `dwXLength` pair of
/// `URL_COMPONENTS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentRequest {
    /// NULL pointer and length 0: the component is not wanted.
    NotWanted,
    /// NULL pointer and a non-zero length: return a position inside the URL.
    Pointer,
    /// A caller buffer of this many WCHARs (including room for the NUL terminator).
    Buffer(u32),
}

/// The six component requests of a `URL_COMPONENTS` passed to `WinHttpCrackUrl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrackRequest {
    /// `lpszScheme` / `dwSchemeLength`.
    pub scheme: ComponentRequest,
    /// `lpszHostName` / `dwHostNameLength`.
    pub host_name: ComponentRequest,
    /// `lpszUserName` / `dwUserNameLength`.
    pub user_name: ComponentRequest,
    /// `lpszPassword` / `dwPasswordLength`.
    pub password: ComponentRequest,
    /// `lpszUrlPath` / `dwUrlPathLength`.
    pub url_path: ComponentRequest,
    /// `lpszExtraInfo` / `dwExtraInfoLength`.
    pub extra_info: ComponentRequest,
}

impl CrackRequest {
    /// Every component requested in pointer mode (the common "no buffers" call).
    pub fn all_pointers() -> Self {
        Self::uniform(ComponentRequest::Pointer)
    }

    /// Every component requested the same way.
    pub fn uniform(request: ComponentRequest) -> Self {
        Self {
            scheme: request,
            host_name: request,
            user_name: request,
            password: request,
            url_path: request,
            extra_info: request,
        }
    }

    fn all(&self) -> [ComponentRequest; 6] {
        [
            self.scheme,
            self.host_name,
            self.user_name,
            self.password,
            self.url_path,
            self.extra_info,
        ]
    }
}

/// What `WinHttpCrackUrl` wrote for one component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Component {
    /// Not requested; the caller's pointer and length are left as they were.
    NotWanted,
    /// Pointer mode, component absent: pointer NULL, length 0 (user name and password).
    Absent,
    /// Pointer mode: the component is `url[offset..offset + len]`.
    InUrl {
        /// Offset in WCHARs from the start of the URL.
        offset: usize,
        /// Length in WCHARs.
        len: usize,
    },
    /// Buffer mode: the text copied into the caller's buffer (NUL not included; the length
    /// written back is `text.len()`).
    Copied(Vec<u16>),
    /// Buffer mode, buffer too small: the length written back is `required` (text + NUL).
    TooSmall {
        /// WCHARs needed including the NUL terminator.
        required: u32,
    },
}

impl Component {
    /// The component's text, resolving pointer mode against `url`.
    pub fn text(&self, url: &[u16]) -> Option<Vec<u16>> {
        match self {
            Component::InUrl { offset, len } => url.get(*offset..offset + len).map(<[u16]>::to_vec),
            Component::Copied(text) => Some(text.clone()),
            Component::Absent => Some(Vec::new()),
            Component::NotWanted | Component::TooSmall { .. } => None,
        }
    }

    /// The length WinHTTP writes back into `dwXLength` (`None` when left untouched).
    pub fn reported_len(&self) -> Option<u32> {
        match self {
            Component::NotWanted => None,
            Component::Absent => Some(0),
            Component::InUrl { len, .. } => Some(u32::try_from(*len).unwrap_or(u32::MAX)),
            Component::Copied(text) => Some(u32::try_from(text.len()).unwrap_or(u32::MAX)),
            Component::TooSmall { required } => Some(*required),
        }
    }
}

/// The out-values of a `WinHttpCrackUrl` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrackedUrl {
    /// `nScheme` (`WINHTTP_INTERNET_SCHEME_HTTP` or `_HTTPS`).
    pub scheme: WINHTTP_INTERNET_SCHEME,
    /// `nPort`: explicit port, or the scheme's default when none (or an empty one) is given.
    pub port: u16,
    /// Scheme name.
    pub scheme_name: Component,
    /// Host name (IPv6 literals keep their brackets).
    pub host_name: Component,
    /// User name.
    pub user_name: Component,
    /// Password.
    pub password: Component,
    /// URL path (from the first `/` after the host).
    pub url_path: Component,
    /// Extra info (from the first `?` or `#` of the path on).
    pub extra_info: Component,
}

/// A failed `WinHttpCrackUrl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrackError {
    /// The call failed with this error and left the caller's structure untouched.
    Code(u32),
    /// `ERROR_INSUFFICIENT_BUFFER`: the lengths were written back as described (each too
    /// small buffer gets its required size, the others their component's length).
    InsufficientBuffer(Box<CrackedUrl>),
}

impl CrackError {
    /// The Windows error code (`GetLastError`).
    pub fn code(&self) -> u32 {
        match self {
            CrackError::Code(code) => *code,
            CrackError::InsufficientBuffer(_) => ERROR_INSUFFICIENT_BUFFER,
        }
    }
}

const COLON: u16 = b':' as u16;
const SLASH: u16 = b'/' as u16;
const AT: u16 = b'@' as u16;
const QUESTION: u16 = b'?' as u16;
const HASH: u16 = b'#' as u16;
const PERCENT: u16 = b'%' as u16;
const OPEN_BRACKET: u16 = b'[' as u16;
const CLOSE_BRACKET: u16 = b']' as u16;

fn eq_ignore_ascii_case(wide: &[u16], ascii: &str) -> bool {
    wide.len() == ascii.len()
        && wide
            .iter()
            .zip(ascii.bytes())
            .all(|(&w, a)| u8::try_from(w).is_ok_and(|b| b.eq_ignore_ascii_case(&a)))
}

fn find(haystack: &[u16], needle: u16) -> Option<usize> {
    haystack.iter().position(|&c| c == needle)
}

/// Whether `WinHttpCreateUrl(ICU_ESCAPE)` (and the crack-time escape) percent-encodes `c`:
/// controls, DEL and the characters `space " # % < > [ \ ] ^ ` { | } ~`.
fn needs_escape(c: u16) -> bool {
    c <= 0x1f
        || c == 0x7f
        || matches!(
            u8::try_from(c),
            Ok(b' '
                | b'"'
                | b'#'
                | b'%'
                | b'<'
                | b'>'
                | b'['
                | b'\\'
                | b']'
                | b'^'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~')
        )
}

fn push_percent(out: &mut Vec<u16>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(PERCENT);
    out.push(u16::from(HEX[usize::from(byte >> 4)]));
    out.push(u16::from(HEX[usize::from(byte & 0xf)]));
}

/// Percent-encodes `text` the ICU_ESCAPE way. Non-ASCII characters are encoded as their
/// UTF-8 bytes (crack side); `None` for a lone surrogate.
fn escape_crack(text: &[u16]) -> Option<Vec<u16>> {
    let mut out = Vec::with_capacity(text.len());
    for decoded in char::decode_utf16(text.iter().copied()) {
        let ch = decoded.ok()?;
        let mut units = [0u16; 2];
        let encoded = ch.encode_utf16(&mut units);
        if encoded.len() == 1 && u32::from(ch) < 0x80 {
            if needs_escape(encoded[0]) {
                push_percent(&mut out, ch as u8);
            } else {
                out.push(encoded[0]);
            }
        } else {
            let mut bytes = [0u8; 4];
            for &b in ch.encode_utf8(&mut bytes).as_bytes() {
                push_percent(&mut out, b);
            }
        }
    }
    Some(out)
}

fn hex_value(c: u16) -> Option<u16> {
    match u8::try_from(c).ok()? {
        d @ b'0'..=b'9' => Some(u16::from(d - b'0')),
        d @ b'a'..=b'f' => Some(u16::from(d - b'a' + 10)),
        d @ b'A'..=b'F' => Some(u16::from(d - b'A' + 10)),
        _ => None,
    }
}

/// `ICU_DECODE`: each `%XX` becomes the character U+00XX; a `%` not followed by two hex
/// digits stays as it is.
pub fn percent_decode(text: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == PERCENT {
            if let (Some(hi), Some(lo)) = (
                text.get(i + 1).copied().and_then(hex_value),
                text.get(i + 2).copied().and_then(hex_value),
            ) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(text[i]);
        i += 1;
    }
    out
}

/// Parses a port: empty → `None` (the scheme's default), decimal ≤ 65535 → the value,
/// anything else → `ERROR_WINHTTP_INVALID_URL`.
fn parse_port(digits: &[u16]) -> Result<Option<u16>, u32> {
    if digits.is_empty() {
        return Ok(None);
    }
    let mut value: u32 = 0;
    for &c in digits {
        let digit = match u8::try_from(c) {
            Ok(d @ b'0'..=b'9') => u32::from(d - b'0'),
            _ => return Err(ERROR_WINHTTP_INVALID_URL),
        };
        value = value * 10 + digit;
        if value > u32::from(u16::MAX) {
            return Err(ERROR_WINHTTP_INVALID_URL);
        }
    }
    u16::try_from(value)
        .map(Some)
        .map_err(|_| ERROR_WINHTTP_INVALID_URL)
}

/// A component located in the URL: `start..end`, or absent.
type Span = Option<(usize, usize)>;

struct Layout {
    scheme: WINHTTP_INTERNET_SCHEME,
    scheme_span: (usize, usize),
    user: Span,
    password: Span,
    host: (usize, usize),
    port: u16,
    path: (usize, usize),
    extra: (usize, usize),
}

fn layout(url: &[u16], want_extra: bool) -> Result<Layout, u32> {
    let colon = find(url, COLON).ok_or(ERROR_WINHTTP_UNRECOGNIZED_SCHEME)?;
    let scheme_text = &url[..colon];
    let (scheme, default_port) = if eq_ignore_ascii_case(scheme_text, "http") {
        (WINHTTP_INTERNET_SCHEME_HTTP, INTERNET_DEFAULT_HTTP_PORT)
    } else if eq_ignore_ascii_case(scheme_text, "https") {
        (WINHTTP_INTERNET_SCHEME_HTTPS, INTERNET_DEFAULT_HTTPS_PORT)
    } else {
        return Err(ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    };
    let after_scheme = colon + 1;
    if url.get(after_scheme..after_scheme + 2) != Some(&[SLASH, SLASH][..]) {
        return Err(ERROR_WINHTTP_INVALID_URL);
    }
    let authority_start = after_scheme + 2;
    let authority_end =
        find(&url[authority_start..], SLASH).map_or(url.len(), |i| authority_start + i);
    let authority = &url[authority_start..authority_end];
    if authority.is_empty() {
        return Err(ERROR_WINHTTP_INVALID_URL);
    }
    let (user, password, host_start) = match find(authority, AT) {
        Some(at) => {
            let userinfo = &authority[..at];
            let (user, password) = match find(userinfo, COLON) {
                Some(c) => (
                    (authority_start, authority_start + c),
                    Some((authority_start + c + 1, authority_start + at)),
                ),
                None => ((authority_start, authority_start + at), None),
            };
            (Some(user), password, authority_start + at + 1)
        }
        None => (None, None, authority_start),
    };
    let hostport = &url[host_start..authority_end];
    // An IPv6 literal keeps its brackets; the port separator is the ':' after the ']'.
    let port_colon = if hostport.first() == Some(&OPEN_BRACKET) {
        let close = find(hostport, CLOSE_BRACKET).ok_or(ERROR_WINHTTP_INVALID_URL)?;
        match hostport.get(close + 1) {
            None => None,
            Some(&COLON) => Some(close + 1),
            Some(_) => return Err(ERROR_WINHTTP_INVALID_URL),
        }
    } else {
        find(hostport, COLON)
    };
    let (host, port) = match port_colon {
        Some(c) => (
            (host_start, host_start + c),
            parse_port(&hostport[c + 1..])?.unwrap_or(default_port),
        ),
        None => ((host_start, authority_end), default_port),
    };
    if host.0 == host.1 {
        return Err(ERROR_WINHTTP_INVALID_URL);
    }
    let rest = &url[authority_end..];
    let split = if want_extra {
        rest.iter()
            .position(|&c| c == QUESTION || c == HASH)
            .map_or(url.len(), |i| authority_end + i)
    } else {
        url.len()
    };
    Ok(Layout {
        scheme,
        scheme_span: (0, colon),
        user,
        password,
        host,
        port,
        path: (authority_end, split),
        extra: (split, url.len()),
    })
}

/// `WinHttpCrackUrl(url, len, flags, &components)`.
///
/// `flags` may hold `ICU_DECODE` (percent-decode the components) and `ICU_ESCAPE`
/// (percent-escape the path and extra info; takes precedence over `ICU_DECODE`). Both need
/// buffers: a non-empty component requested in pointer mode with either flag fails with
/// `ERROR_INVALID_PARAMETER`, as does a buffer of capacity 0.
pub fn win_http_crack_url(
    url: &[u16],
    flags: u32,
    request: &CrackRequest,
) -> Result<CrackedUrl, CrackError> {
    if request.all().contains(&ComponentRequest::Buffer(0)) {
        return Err(CrackError::Code(ERROR_INVALID_PARAMETER));
    }
    if url.is_empty() {
        return Err(CrackError::Code(ERROR_WINHTTP_UNRECOGNIZED_SCHEME));
    }
    let want_extra = request.extra_info != ComponentRequest::NotWanted;
    let parts = layout(url, want_extra).map_err(CrackError::Code)?;
    let transform = flags & (ICU_DECODE | ICU_ESCAPE) != 0;
    let escape = flags & ICU_ESCAPE != 0;

    let mut too_small = false;
    let mut produce =
        |req: ComponentRequest, span: Span, escapable: bool| -> Result<Component, u32> {
            let raw: &[u16] = span.map_or(&[], |(s, e)| &url[s..e]);
            match req {
                ComponentRequest::NotWanted => Ok(Component::NotWanted),
                ComponentRequest::Pointer => {
                    if transform && !raw.is_empty() {
                        return Err(ERROR_INVALID_PARAMETER);
                    }
                    Ok(match span {
                        Some((s, e)) => Component::InUrl {
                            offset: s,
                            len: e - s,
                        },
                        None => Component::Absent,
                    })
                }
                ComponentRequest::Buffer(capacity) => {
                    let text = if escape && escapable {
                        escape_crack(raw).ok_or(ERROR_INVALID_PARAMETER)?
                    } else if flags & ICU_DECODE != 0 && !escape {
                        percent_decode(raw)
                    } else {
                        raw.to_vec()
                    };
                    let needed = u32::try_from(text.len())
                        .unwrap_or(u32::MAX)
                        .saturating_add(1);
                    if needed > capacity {
                        too_small = true;
                        Ok(Component::TooSmall { required: needed })
                    } else {
                        Ok(Component::Copied(text))
                    }
                }
            }
        };
    let result = (|| -> Result<CrackedUrl, u32> {
        Ok(CrackedUrl {
            scheme: parts.scheme,
            port: parts.port,
            scheme_name: produce(request.scheme, Some(parts.scheme_span), false)?,
            user_name: produce(request.user_name, parts.user, false)?,
            password: produce(request.password, parts.password, false)?,
            host_name: produce(request.host_name, Some(parts.host), false)?,
            url_path: produce(request.url_path, Some(parts.path), true)?,
            extra_info: produce(request.extra_info, Some(parts.extra), true)?,
        })
    })()
    .map_err(CrackError::Code)?;
    if too_small {
        return Err(CrackError::InsufficientBuffer(Box::new(result)));
    }
    Ok(result)
}

/// The `URL_COMPONENTS` given to `WinHttpCreateUrl`: `None` is a NULL pointer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UrlComponents<'a> {
    /// `lpszScheme`: takes precedence over `scheme`.
    pub scheme_name: Option<&'a [u16]>,
    /// `nScheme` (0 means http).
    pub scheme: WINHTTP_INTERNET_SCHEME,
    /// `lpszHostName`.
    pub host_name: Option<&'a [u16]>,
    /// `nPort`: written unless it is the scheme's default.
    pub port: u16,
    /// `lpszUserName`.
    pub user_name: Option<&'a [u16]>,
    /// `lpszPassword` (a password without a user name is `ERROR_INVALID_PARAMETER`).
    pub password: Option<&'a [u16]>,
    /// `lpszUrlPath`.
    pub url_path: Option<&'a [u16]>,
    /// `lpszExtraInfo`.
    pub extra_info: Option<&'a [u16]>,
}

/// A failed `WinHttpCreateUrl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateUrlError {
    /// `ERROR_INSUFFICIENT_BUFFER`; `*lpdwUrlLength` becomes `required` (WCHARs incl. NUL).
    InsufficientBuffer {
        /// WCHARs needed including the NUL terminator.
        required: u32,
    },
    /// Another error (`ERROR_INVALID_PARAMETER`); the length is left untouched.
    Code(u32),
}

impl CreateUrlError {
    /// The Windows error code (`GetLastError`).
    pub fn code(&self) -> u32 {
        match self {
            CreateUrlError::InsufficientBuffer { .. } => ERROR_INSUFFICIENT_BUFFER,
            CreateUrlError::Code(code) => *code,
        }
    }
}

fn winhttp_scheme_name(scheme: WINHTTP_INTERNET_SCHEME) -> Option<&'static str> {
    match scheme {
        0 | WINHTTP_INTERNET_SCHEME_HTTP => Some("http"),
        WINHTTP_INTERNET_SCHEME_HTTPS => Some("https"),
        WINHTTP_INTERNET_SCHEME_FTP => Some("ftp"),
        WINHTTP_INTERNET_SCHEME_SOCKS => Some("socks"),
        _ => None,
    }
}

fn winhttp_default_port(scheme_name: &[u16]) -> Option<u16> {
    if eq_ignore_ascii_case(scheme_name, "http") {
        Some(INTERNET_DEFAULT_HTTP_PORT)
    } else if eq_ignore_ascii_case(scheme_name, "https") {
        Some(INTERNET_DEFAULT_HTTPS_PORT)
    } else {
        None
    }
}

/// ICU_ESCAPE on the create side: ASCII per [`needs_escape`]; a non-ASCII character is
/// `ERROR_INVALID_PARAMETER` (Windows with a non-UTF-8 ANSI code page).
fn escape_create(out: &mut Vec<u16>, text: &[u16]) -> Result<(), u32> {
    for &c in text {
        if c >= 0x80 {
            return Err(ERROR_INVALID_PARAMETER);
        }
        if needs_escape(c) {
            push_percent(out, c as u8);
        } else {
            out.push(c);
        }
    }
    Ok(())
}

/// `WinHttpCreateUrl(components, flags, url, &len)`.
///
/// `capacity` is `*lpdwUrlLength` on entry (WCHARs); `has_buffer` says whether `pwszUrl` is
/// non-NULL. On success returns the URL (its length, without NUL, is what Windows writes back).
/// A capacity that cannot hold the URL and its NUL gives `InsufficientBuffer` with the
/// required size; a large enough capacity without a buffer gives `ERROR_INVALID_PARAMETER`.
pub fn win_http_create_url(
    components: &UrlComponents<'_>,
    flags: u32,
    capacity: u32,
    has_buffer: bool,
) -> Result<Vec<u16>, CreateUrlError> {
    let invalid = CreateUrlError::Code(ERROR_INVALID_PARAMETER);
    if components.user_name.is_none() && components.password.is_some() {
        return Err(invalid);
    }
    let mut url = Vec::new();
    let default_port = match components.scheme_name {
        Some(name) => {
            url.extend_from_slice(name);
            winhttp_default_port(name)
        }
        None => {
            let name = winhttp_scheme_name(components.scheme).ok_or(invalid)?;
            url.extend(name.encode_utf16());
            winhttp_default_port(&to_wide(name))
        }
    };
    url.extend(to_wide("://"));
    if let Some(user) = components.user_name {
        url.extend_from_slice(user);
        if let Some(password) = components.password {
            url.push(COLON);
            url.extend_from_slice(password);
        }
        url.push(AT);
    }
    if let Some(host) = components.host_name {
        url.extend_from_slice(host);
        if default_port != Some(components.port) {
            url.push(COLON);
            url.extend(components.port.to_string().encode_utf16());
        }
        if components
            .url_path
            .is_some_and(|p| p.first() != Some(&SLASH))
        {
            url.push(SLASH);
        }
    }
    for part in [components.url_path, components.extra_info]
        .into_iter()
        .flatten()
    {
        if flags & ICU_ESCAPE != 0 {
            escape_create(&mut url, part).map_err(CreateUrlError::Code)?;
        } else {
            url.extend_from_slice(part);
        }
    }
    let len = u32::try_from(url.len()).map_err(|_| invalid)?;
    if capacity <= len {
        return Err(CreateUrlError::InsufficientBuffer {
            required: len.saturating_add(1),
        });
    }
    if !has_buffer {
        return Err(invalid);
    }
    Ok(url)
}

#[cfg(test)]
mod tests;
