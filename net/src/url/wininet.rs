//! WinINet's URL functions: `InternetCrackUrl`, `InternetCreateUrl`,
//! `InternetCanonicalizeUrl` and `InternetCombineUrl`.
//!
//! They share the component-request model of the parent module ([`CrackRequest`],
//! [`Component`], [`CrackedUrl`] — whose `scheme` field then holds a WinINet
//! `INTERNET_SCHEME` value) but differ from WinHTTP in what they accept: any scheme (known
//! ones get their `INTERNET_SCHEME_*` value and default port, others
//! `INTERNET_SCHEME_UNKNOWN` and port 0), opaque URLs without `//` (`about:blank`: no host,
//! path `blank`), `//` written by `InternetCreateUrl` only when there is a host, and a NULL
//! output buffer answered with `ERROR_INSUFFICIENT_BUFFER` rather than 87. Expectations come
//! from Wine's `wininet/tests/url.c` and `internet.c` (checked against Windows).
//!
//! Canonicalisation and combination work on `&str` (the W entry points convert) and
//! implement the common paths of the `ICU_*` flags: `ICU_DECODE`, `ICU_NO_ENCODE`,
//! `ICU_ENCODE_SPACES_ONLY`, `ICU_ENCODE_PERCENT`, `ICU_NO_META` (keep `.`/`..` segments) and
//! `ICU_BROWSER_MODE` (nothing after `?` or `#` is encoded).

use super::{
    eq_ignore_ascii_case, escape_crack, find, parse_port, percent_decode, push_percent, Component,
    ComponentRequest, CrackError, CrackRequest, CrackedUrl, CreateUrlError, UrlComponents, AT,
    CLOSE_BRACKET, COLON, HASH, OPEN_BRACKET, QUESTION, SLASH,
};
use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp::{
    ICU_BROWSER_MODE, ICU_DECODE, ICU_ENCODE_PERCENT, ICU_ENCODE_SPACES_ONLY, ICU_ESCAPE,
    ICU_NO_ENCODE, ICU_NO_META, INTERNET_DEFAULT_HTTPS_PORT, INTERNET_DEFAULT_HTTP_PORT,
};
use windows_sys::Win32::Networking::WinInet::{
    ERROR_INTERNET_INVALID_URL, ERROR_INTERNET_UNRECOGNIZED_SCHEME, INTERNET_DEFAULT_FTP_PORT,
    INTERNET_SCHEME, INTERNET_SCHEME_DEFAULT, INTERNET_SCHEME_FILE, INTERNET_SCHEME_FTP,
    INTERNET_SCHEME_GOPHER, INTERNET_SCHEME_HTTP, INTERNET_SCHEME_HTTPS,
    INTERNET_SCHEME_JAVASCRIPT, INTERNET_SCHEME_MAILTO, INTERNET_SCHEME_NEWS, INTERNET_SCHEME_RES,
    INTERNET_SCHEME_SOCKS, INTERNET_SCHEME_UNKNOWN, INTERNET_SCHEME_VBSCRIPT,
};

/// Known schemes: name, `INTERNET_SCHEME` value, default port.
const SCHEMES: &[(&str, INTERNET_SCHEME, u16)] = &[
    ("ftp", INTERNET_SCHEME_FTP, INTERNET_DEFAULT_FTP_PORT),
    // Windows reports port 0 for a gopher URL without a port (Wine crack_url_tests); only
    // http, https and ftp get a default.
    ("gopher", INTERNET_SCHEME_GOPHER, 0),
    ("http", INTERNET_SCHEME_HTTP, INTERNET_DEFAULT_HTTP_PORT),
    ("https", INTERNET_SCHEME_HTTPS, INTERNET_DEFAULT_HTTPS_PORT),
    ("file", INTERNET_SCHEME_FILE, 0),
    ("news", INTERNET_SCHEME_NEWS, 0),
    ("mailto", INTERNET_SCHEME_MAILTO, 0),
    ("socks", INTERNET_SCHEME_SOCKS, 0),
    ("javascript", INTERNET_SCHEME_JAVASCRIPT, 0),
    ("vbscript", INTERNET_SCHEME_VBSCRIPT, 0),
    ("res", INTERNET_SCHEME_RES, 0),
];

/// The `INTERNET_SCHEME` and default port of a scheme name (`INTERNET_SCHEME_UNKNOWN`, 0
/// for names WinINet does not know).
pub fn scheme_of(name: &[u16]) -> (INTERNET_SCHEME, u16) {
    SCHEMES
        .iter()
        .find(|(n, _, _)| eq_ignore_ascii_case(name, n))
        .map_or((INTERNET_SCHEME_UNKNOWN, 0), |(_, s, p)| (*s, *p))
}

fn scheme_name(scheme: INTERNET_SCHEME) -> Option<&'static str> {
    if scheme == INTERNET_SCHEME_DEFAULT {
        return Some("http");
    }
    SCHEMES
        .iter()
        .find(|(_, s, _)| *s == scheme)
        .map(|(n, _, _)| *n)
}

/// Length of a valid scheme prefix (`ALPHA *( ALPHA / DIGIT / + / - / . )` before `:`).
fn scheme_len_u16(url: &[u16]) -> Option<usize> {
    let colon = find(url, COLON)?;
    let name = &url[..colon];
    let first_alpha = name
        .first()
        .is_some_and(|&c| u8::try_from(c).is_ok_and(|b| b.is_ascii_alphabetic()));
    let rest_ok = name.iter().all(|&c| {
        u8::try_from(c).is_ok_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    (first_alpha && rest_ok).then_some(colon)
}

type Span = Option<(usize, usize)>;

/// `InternetCrackUrl(url, len, flags, &components)`.
///
/// Same component-request rules as `WinHttpCrackUrl` (pointer mode, buffers with their
/// required size on `ERROR_INSUFFICIENT_BUFFER`, the path running to the end when the extra
/// info is not requested; `ICU_DECODE`/`ICU_ESCAPE` need buffers), with WinINet's answers
/// (Wine's `crack_url_tests`, which pass on Windows):
/// * the URL ends at its first NUL (the length is a maximum);
/// * any scheme name is accepted (`C:\file.txt` has scheme `C`); no `:` is
///   `ERROR_INTERNET_UNRECOGNIZED_SCHEME`;
/// * the authority ends at `/`, `?` or `#`; an empty host is `ERROR_INTERNET_INVALID_URL` for
///   http, https, ftp and gopher only; a bad port is `ERROR_INTERNET_INVALID_URL`; only http
///   (80), https (443) and ftp (21) get a default port;
/// * a missing extra info is a NULL pointer (pointer mode), a missing path an empty one at the
///   end of the URL;
/// * `file:` URLs have no host; the path is everything after `file://`, and in buffer mode it
///   is returned as a DOS path (`/` → `\\`, a trailing `.`/`..` segment gets its `\\`, and the
///   `file:///X:` form is also percent-decoded).
pub fn internet_crack_url(
    url: &[u16],
    flags: u32,
    request: &CrackRequest,
) -> Result<CrackedUrl, CrackError> {
    if request.all().contains(&ComponentRequest::Buffer(0)) {
        return Err(CrackError::Code(ERROR_INVALID_PARAMETER));
    }
    let url = &url[..find(url, 0).unwrap_or(url.len())];
    let colon = scheme_len_u16(url).ok_or(CrackError::Code(ERROR_INTERNET_UNRECOGNIZED_SCHEME))?;
    let (scheme, default_port) = scheme_of(&url[..colon]);
    let invalid = CrackError::Code(ERROR_INTERNET_INVALID_URL);
    let mut user: Span = None;
    let mut password: Span = None;
    let mut host: Span = None;
    let mut port = default_port;
    let mut rest_start = colon + 1;
    let has_authority = url.get(colon + 1..colon + 3) == Some(&[SLASH, SLASH][..]);
    let file_path = scheme == INTERNET_SCHEME_FILE && has_authority;
    if file_path {
        rest_start = colon + 3;
    } else if has_authority {
        let auth_start = colon + 3;
        let auth_end = url[auth_start..]
            .iter()
            .position(|&c| c == SLASH || c == QUESTION || c == HASH)
            .map_or(url.len(), |i| auth_start + i);
        let authority = &url[auth_start..auth_end];
        let host_start = match authority.iter().rposition(|&c| c == AT) {
            Some(at) => {
                let userinfo = &authority[..at];
                match find(userinfo, COLON) {
                    Some(c) => {
                        user = Some((auth_start, auth_start + c));
                        password = Some((auth_start + c + 1, auth_start + at));
                    }
                    None => user = Some((auth_start, auth_start + at)),
                }
                auth_start + at + 1
            }
            None => auth_start,
        };
        let hostport = &url[host_start..auth_end];
        let port_colon = if hostport.first() == Some(&OPEN_BRACKET) {
            let close = find(hostport, CLOSE_BRACKET).ok_or(invalid.clone())?;
            match hostport.get(close + 1) {
                None => None,
                Some(&COLON) => Some(close + 1),
                Some(_) => return Err(invalid),
            }
        } else {
            find(hostport, COLON)
        };
        let host_end = port_colon.map_or(auth_end, |c| host_start + c);
        if let Some(c) = port_colon {
            port = parse_port(&hostport[c + 1..])
                .map_err(|_| invalid.clone())?
                .unwrap_or(default_port);
        }
        let needs_host = [
            INTERNET_SCHEME_HTTP,
            INTERNET_SCHEME_HTTPS,
            INTERNET_SCHEME_FTP,
            INTERNET_SCHEME_GOPHER,
        ]
        .contains(&scheme);
        if host_start == host_end && needs_host {
            return Err(invalid);
        }
        host = Some((host_start, host_end));
        rest_start = auth_end;
    } else {
        port = 0;
    }
    let want_extra = request.extra_info != ComponentRequest::NotWanted;
    let split = if want_extra && !file_path {
        url[rest_start..]
            .iter()
            .position(|&c| c == QUESTION || c == HASH)
            .map_or(url.len(), |i| rest_start + i)
    } else {
        url.len()
    };
    let extra: Span = (split < url.len()).then_some((split, url.len()));
    let transform = flags & (ICU_DECODE | ICU_ESCAPE) != 0;
    let mut too_small = false;
    let mut produce = |req: ComponentRequest,
                       span: Span,
                       escapable: bool,
                       shape: &dyn Fn(Vec<u16>) -> Vec<u16>|
     -> Result<Component, CrackError> {
        let raw: &[u16] = span.map_or(&[], |(s, e)| &url[s..e]);
        match req {
            ComponentRequest::NotWanted => Ok(Component::NotWanted),
            ComponentRequest::Pointer => {
                if transform && !raw.is_empty() {
                    return Err(CrackError::Code(ERROR_INVALID_PARAMETER));
                }
                Ok(span.map_or(Component::Absent, |(s, e)| Component::InUrl {
                    offset: s,
                    len: e - s,
                }))
            }
            ComponentRequest::Buffer(capacity) => {
                let text = if flags & ICU_ESCAPE != 0 && escapable {
                    escape_crack(raw).ok_or(CrackError::Code(ERROR_INVALID_PARAMETER))?
                } else if flags & ICU_DECODE != 0 {
                    percent_decode(raw)
                } else {
                    raw.to_vec()
                };
                let text = shape(text);
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
    let keep = |text: Vec<u16>| text;
    let dos_path = |text: Vec<u16>| {
        if file_path {
            file_url_path_to_dos(&text)
        } else {
            text
        }
    };
    let cracked = CrackedUrl {
        scheme,
        port,
        scheme_name: produce(request.scheme, Some((0, colon)), false, &keep)?,
        user_name: produce(request.user_name, user, false, &keep)?,
        password: produce(request.password, password, false, &keep)?,
        host_name: produce(request.host_name, host, false, &keep)?,
        url_path: produce(request.url_path, Some((rest_start, split)), true, &dos_path)?,
        extra_info: produce(request.extra_info, extra, true, &keep)?,
    };
    if too_small {
        return Err(CrackError::InsufficientBuffer(Box::new(cracked)));
    }
    Ok(cracked)
}

/// The DOS path WinINet returns for the part of a `file://` URL after `file://`:
/// `/X:/a%20b/..` → `X:\\a b\\..\\` (the `///X:` form is percent-decoded, the `//X:` form is not).
fn file_url_path_to_dos(path: &[u16]) -> Vec<u16> {
    let is_drive = |p: &[u16]| {
        p.len() >= 2 && u8::try_from(p[0]).is_ok_and(|b| b.is_ascii_alphabetic()) && p[1] == COLON
    };
    let (body, decode) = match path.split_first() {
        Some((&SLASH, rest)) if is_drive(rest) => (rest, true),
        _ => (path, false),
    };
    let body = if decode {
        percent_decode(body)
    } else {
        body.to_vec()
    };
    let backslash = u16::from(b'\\');
    let mut out: Vec<u16> = body
        .iter()
        .map(|&c| if c == SLASH { backslash } else { c })
        .collect();
    let last_segment = out.rsplit(|&c| c == backslash).next().unwrap_or(&[]);
    if last_segment == [u16::from(b'.')] || last_segment == [u16::from(b'.'), u16::from(b'.')] {
        out.push(backslash);
    }
    out
}

fn escape_into(out: &mut Vec<u16>, text: &[u16]) -> Result<(), CreateUrlError> {
    let escaped = escape_crack(text).ok_or(CreateUrlError::Code(ERROR_INVALID_PARAMETER))?;
    out.extend(escaped);
    Ok(())
}

/// `InternetCreateUrl(components, flags, url, &len)`: `components.scheme` is an
/// `INTERNET_SCHEME`. `capacity` is `*lpdwUrlLength` on entry; a capacity that cannot hold the
/// URL plus NUL — or no buffer at all — is `InsufficientBuffer` with the required size.
pub fn internet_create_url(
    components: &UrlComponents<'_>,
    flags: u32,
    capacity: u32,
    has_buffer: bool,
) -> Result<Vec<u16>, CreateUrlError> {
    let invalid = CreateUrlError::Code(ERROR_INVALID_PARAMETER);
    if components.user_name.is_none() && components.password.is_some() {
        return Err(invalid);
    }
    let mut url: Vec<u16> = Vec::new();
    match components.scheme_name {
        Some(name) => url.extend_from_slice(name),
        None => url.extend(
            scheme_name(components.scheme)
                .ok_or(invalid)?
                .encode_utf16(),
        ),
    }
    let (_, default_port) = scheme_of(&url);
    url.push(COLON);
    if let Some(host) = components.host_name {
        url.extend([SLASH, SLASH]);
        if let Some(user) = components.user_name {
            url.extend_from_slice(user);
            if let Some(password) = components.password {
                url.push(COLON);
                url.extend_from_slice(password);
            }
            url.push(AT);
        }
        url.extend_from_slice(host);
        if components.port != 0 && components.port != default_port {
            url.push(COLON);
            url.extend(components.port.to_string().encode_utf16());
        }
        if components
            .url_path
            .is_some_and(|p| !p.is_empty() && p.first() != Some(&SLASH))
        {
            url.push(SLASH);
        }
    }
    for part in [components.url_path, components.extra_info]
        .into_iter()
        .flatten()
    {
        if flags & ICU_ESCAPE != 0 {
            escape_into(&mut url, part)?;
        } else {
            url.extend_from_slice(part);
        }
    }
    let len = u32::try_from(url.len()).map_err(|_| invalid)?;
    if !has_buffer || capacity <= len {
        return Err(CreateUrlError::InsufficientBuffer {
            required: len.saturating_add(1),
        });
    }
    Ok(url)
}

/// Fits a result into a caller buffer the way `InternetCanonicalizeUrl` /
/// `InternetCombineUrl` do: no buffer is `ERROR_INVALID_PARAMETER`; a capacity (characters)
/// without room for the NUL is `InsufficientBuffer` with the length + 1; on success the length
/// written back is the length without the NUL.
pub fn fit_result(result: &str, capacity: u32, has_buffer: bool) -> Result<u32, CreateUrlError> {
    if !has_buffer {
        return Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER));
    }
    let len = u32::try_from(result.encode_utf16().count())
        .map_err(|_| CreateUrlError::Code(ERROR_INVALID_PARAMETER))?;
    if capacity <= len {
        return Err(CreateUrlError::InsufficientBuffer {
            required: len.saturating_add(1),
        });
    }
    Ok(len)
}

/// Splits `scheme:` off a URL string when it has a valid scheme.
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (name, rest) = url.split_once(':')?;
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((name, rest))
}

/// RFC 3986 §5.2.4 remove_dot_segments.
fn remove_dot_segments(path: &str) -> String {
    let mut output: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let count = segments.len();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == count;
        match *seg {
            "." => {
                if last {
                    output.push("");
                }
            }
            ".." => {
                if output.len() > usize::from(absolute) {
                    output.pop();
                }
                if last {
                    output.push("");
                }
            }
            s => output.push(s),
        }
    }
    let joined = output.join("/");
    if absolute && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Splits `//authority` + path + suffix (query/fragment) of a hierarchical URL tail.
fn split_hierarchical(rest: &str) -> Option<(&str, &str, &str)> {
    let after = rest.strip_prefix("//")?;
    let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, tail) = after.split_at(auth_end);
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let (path, suffix) = tail.split_at(path_end);
    Some((authority, path, suffix))
}

fn decode_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || !c.is_ascii()
        || matches!(c, ' ' | '"' | '<' | '>' | '^' | '`' | '{' | '|' | '}')
}

fn encode(text: &str, flags: u32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut units: Vec<u16> = Vec::new();
    let mut special_seen = false;
    for c in text.chars() {
        if flags & ICU_BROWSER_MODE != 0 && (c == '?' || c == '#') {
            special_seen = true;
        }
        let encode_this = !special_seen
            && if flags & ICU_ENCODE_SPACES_ONLY != 0 {
                c == ' '
            } else if flags & ICU_NO_ENCODE != 0 {
                false
            } else {
                unsafe_char(c) || (c == '%' && flags & ICU_ENCODE_PERCENT != 0)
            };
        if encode_this {
            units.clear();
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                push_percent(&mut units, b);
            }
            out.push_str(&String::from_utf16_lossy(&units));
        } else {
            out.push(c);
        }
    }
    out
}

/// `InternetCanonicalizeUrl(url, buffer, &len, flags)` (the string; size it with
/// [`fit_result`]). Leading and trailing blanks/controls are removed; `ICU_DECODE` decodes
/// `%XX` first (a `file:///X:/…` URL then becomes `file://X:\…`); unless `ICU_NO_META`, `.`
/// and `..` path segments are resolved; a bare `scheme://host` gets its `/`; then characters
/// are encoded according to the flags.
pub fn internet_canonicalize_url(url: &str, flags: u32) -> Result<String, u32> {
    let trimmed = url.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if trimmed.is_empty() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let mut text = if flags & ICU_DECODE != 0 {
        decode_percent(trimmed)
    } else {
        trimmed.to_owned()
    };
    if let Some((scheme, rest)) = split_scheme(&text) {
        if scheme.eq_ignore_ascii_case("file") && flags & ICU_DECODE != 0 {
            if let Some(path) = rest.strip_prefix("///") {
                let bytes = path.as_bytes();
                if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
                    text = format!("{scheme}://{}", path.replace('/', "\\"));
                }
            }
        } else if let Some((authority, path, suffix)) = split_hierarchical(rest) {
            let path = if flags & ICU_NO_META != 0 {
                path.to_owned()
            } else {
                remove_dot_segments(path)
            };
            let path = if path.is_empty() {
                "/".to_owned()
            } else {
                path
            };
            text = format!("{scheme}://{authority}{path}{suffix}");
        }
    }
    Ok(encode(&text, flags))
}

/// `InternetCombineUrl(base, relative, buffer, &len, flags)` (the string; size it with
/// [`fit_result`]): RFC 3986 reference resolution, then canonicalisation with `flags`. A base
/// without a scheme is `ERROR_INTERNET_INVALID_URL`.
pub fn internet_combine_url(base: &str, relative: &str, flags: u32) -> Result<String, u32> {
    let base = base.trim();
    let relative = relative.trim();
    if split_scheme(relative).is_some() {
        return internet_canonicalize_url(relative, flags);
    }
    let (scheme, rest) = split_scheme(base).ok_or(ERROR_INTERNET_INVALID_URL)?;
    let without_fragment = |s: &str| s.split('#').next().unwrap_or("").to_owned();
    let target = match split_hierarchical(rest) {
        None => {
            // Opaque base: only fragments and queries can be resolved against it.
            if relative.starts_with('#') || relative.is_empty() {
                format!("{scheme}:{}{relative}", without_fragment(rest))
            } else {
                return Err(ERROR_INTERNET_INVALID_URL);
            }
        }
        Some((authority, path, suffix)) => {
            let base_query = without_fragment(suffix);
            if let Some(net_path) = relative.strip_prefix("//") {
                format!("{scheme}://{net_path}")
            } else if relative.is_empty() {
                format!("{scheme}://{authority}{path}{base_query}")
            } else if relative.starts_with('#') {
                format!("{scheme}://{authority}{path}{base_query}{relative}")
            } else if relative.starts_with('?') {
                format!("{scheme}://{authority}{path}{relative}")
            } else if relative.starts_with('/') {
                format!("{scheme}://{authority}{relative}")
            } else {
                let directory = match path.rfind('/') {
                    Some(i) => &path[..=i],
                    None => "/",
                };
                format!("{scheme}://{authority}{directory}{relative}")
            }
        }
    };
    internet_canonicalize_url(&target, flags)
}

#[cfg(test)]
mod tests;
