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
mod tests {
    use super::super::to_wide;
    use super::*;

    fn w(s: &str) -> Vec<u16> {
        to_wide(s)
    }

    fn text(c: &Component, url: &[u16]) -> String {
        String::from_utf16_lossy(&c.text(url).expect("component present"))
    }

    #[test]
    fn crack_fragment_is_extra_info_and_userless_pointers_are_null() {
        let url = w("http://www.winehq.org/site/about#hi");
        let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
        assert_eq!(got.scheme, INTERNET_SCHEME_HTTP);
        assert_eq!(got.port, 80);
        assert_eq!(text(&got.host_name, &url), "www.winehq.org");
        assert_eq!(text(&got.url_path, &url), "/site/about");
        assert_eq!(text(&got.extra_info, &url), "#hi");
        assert_eq!(got.user_name, Component::Absent);
        assert_eq!(got.password, Component::Absent);
    }

    #[test]
    fn crack_path_includes_query_when_extra_not_requested() {
        let url = w("http://www.myserver.com/myscript.php?arg=1");
        let mut req = CrackRequest::uniform(ComponentRequest::NotWanted);
        req.host_name = ComponentRequest::Pointer;
        req.url_path = ComponentRequest::Pointer;
        let got = internet_crack_url(&url, 0, &req).expect("cracks");
        assert_eq!(text(&got.url_path, &url), "/myscript.php?arg=1");
        req.extra_info = ComponentRequest::Pointer;
        let got = internet_crack_url(&url, 0, &req).expect("cracks");
        assert_eq!(text(&got.url_path, &url), "/myscript.php");
        assert_eq!(text(&got.extra_info, &url), "?arg=1");
    }

    #[test]
    fn crack_w_lengths_from_wine() {
        let url = w("http://192.168.0.22/CFIDE/main.cfm?CFSVR=IDE&ACTION=IDE_DEFAULT");
        let got = internet_crack_url(
            &url,
            0,
            &CrackRequest::uniform(ComponentRequest::Buffer(50)),
        )
        .expect("cracks");
        let lens = [
            &got.scheme_name,
            &got.host_name,
            &got.user_name,
            &got.password,
            &got.url_path,
            &got.extra_info,
        ]
        .map(|c| c.reported_len());
        assert_eq!(
            lens,
            [Some(4), Some(12), Some(0), Some(0), Some(15), Some(29)]
        );
        let mut req = CrackRequest::uniform(ComponentRequest::NotWanted);
        req.host_name = ComponentRequest::Buffer(20);
        req.url_path = ComponentRequest::Buffer(50);
        let got = internet_crack_url(&url, 0, &req).expect("cracks");
        assert_eq!(got.url_path.reported_len(), Some(44));
        assert_eq!(got.scheme_name.reported_len(), None);
        let bare = w("http://x.org");
        let got = internet_crack_url(
            &bare,
            0,
            &CrackRequest::uniform(ComponentRequest::Buffer(20)),
        )
        .expect("cracks");
        assert_eq!(got.url_path, Component::Copied(Vec::new()));
        assert_eq!(got.host_name, Component::Copied(w("x.org")));
    }

    #[test]
    fn crack_unknown_and_opaque_schemes() {
        let url = w("about://host/blank");
        let got = internet_crack_url(
            &url,
            0,
            &CrackRequest::uniform(ComponentRequest::Buffer(32)),
        )
        .expect("cracks");
        assert_eq!(got.scheme, INTERNET_SCHEME_UNKNOWN);
        assert_eq!(got.scheme_name, Component::Copied(w("about")));
        assert_eq!(got.host_name, Component::Copied(w("host")));
        assert_eq!(got.url_path, Component::Copied(w("/blank")));
        let opaque = w("about:blank");
        let got = internet_crack_url(&opaque, 0, &CrackRequest::all_pointers()).expect("cracks");
        assert_eq!(got.host_name, Component::Absent);
        assert_eq!(text(&got.url_path, &opaque), "blank");
        assert_eq!(got.port, 0);
        let ftp = w("ftp://u:p@ftp.example.test/pub/file.txt");
        let got = internet_crack_url(&ftp, 0, &CrackRequest::all_pointers()).expect("cracks");
        assert_eq!((got.scheme, got.port), (INTERNET_SCHEME_FTP, 21));
        assert_eq!(text(&got.password, &ftp), "p");
        let gopher = w("gopher://g.example.test:7070/1");
        let got = internet_crack_url(&gopher, 0, &CrackRequest::all_pointers()).expect("cracks");
        assert_eq!((got.scheme, got.port), (INTERNET_SCHEME_GOPHER, 7070));
    }

    #[test]
    fn crack_errors_and_nul_termination() {
        for (bad, code) in [
            ("", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
            ("file.txt", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
            ("www.winehq.org", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
            ("http://", ERROR_INTERNET_INVALID_URL),
            ("http://host:99999/", ERROR_INTERNET_INVALID_URL),
        ] {
            let err = internet_crack_url(&w(bad), 0, &CrackRequest::all_pointers());
            assert_eq!(err.map_err(|e| e.code()).err(), Some(code), "{bad:?}");
        }
        // The length is a maximum: the URL stops at a NUL.
        let mut with_nul = w("http://x.org");
        with_nul.push(0);
        let got = internet_crack_url(
            &with_nul,
            0,
            &CrackRequest::uniform(ComponentRequest::Buffer(64)),
        )
        .expect("cracks");
        assert_eq!(got.host_name.reported_len(), Some(5));
        let mut nul_path = w("http://x.org");
        nul_path.push(0);
        nul_path.extend(w("/x"));
        let got = internet_crack_url(
            &nul_path,
            0,
            &CrackRequest::uniform(ComponentRequest::Buffer(64)),
        )
        .expect("cracks");
        assert_eq!(got.url_path.reported_len(), Some(0));
    }

    /// One row of Wine's `crack_url_tests` (wininet/tests/url.c, passes on Windows): pointer
    /// mode offsets/lengths (`None` = NULL pointer) and the buffer-mode strings.
    struct Row {
        url: &'static str,
        scheme: (Option<usize>, usize),
        n_scheme: INTERNET_SCHEME,
        host: (Option<usize>, usize),
        port: u16,
        path: (Option<usize>, usize),
        extra: (Option<usize>, usize),
        buffers: [&'static str; 4],
    }

    #[test]
    fn crack_table_from_wine() {
        let rows = [
            Row {
                url: "http://www.winehq.org/site/about#hi",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_HTTP,
                host: (Some(7), 14),
                port: 80,
                path: (Some(21), 11),
                extra: (Some(32), 3),
                buffers: ["http", "www.winehq.org", "/site/about", "#hi"],
            },
            Row {
                url: "http://www.myserver.com/myscript.php?arg=1",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_HTTP,
                host: (Some(7), 16),
                port: 80,
                path: (Some(23), 13),
                extra: (Some(36), 6),
                buffers: ["http", "www.myserver.com", "/myscript.php", "?arg=1"],
            },
            Row {
                url: "http://www.winehq.org?test=123",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_HTTP,
                host: (Some(7), 14),
                port: 80,
                path: (Some(21), 0),
                extra: (Some(21), 9),
                buffers: ["http", "www.winehq.org", "", "?test=123"],
            },
            Row {
                url: "http://www.winehq.org/myscript.php;test=123",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_HTTP,
                host: (Some(7), 14),
                port: 80,
                path: (Some(21), 22),
                extra: (None, 0),
                buffers: ["http", "www.winehq.org", "/myscript.php;test=123", ""],
            },
            Row {
                url: "HtTp://www.winehq.org/scheme",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_HTTP,
                host: (Some(7), 14),
                port: 80,
                path: (Some(21), 7),
                extra: (None, 0),
                buffers: ["HtTp", "www.winehq.org", "/scheme", ""],
            },
            Row {
                url: "http://www.winehq.org",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_HTTP,
                host: (Some(7), 14),
                port: 80,
                path: (Some(21), 0),
                extra: (None, 0),
                buffers: ["http", "www.winehq.org", "", ""],
            },
            Row {
                url: "file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 55),
                extra: (None, 0),
                buffers: [
                    "file",
                    "",
                    "C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml",
                    "",
                ],
            },
            Row {
                url: "fide:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_UNKNOWN,
                host: (Some(7), 0),
                port: 0,
                path: (Some(7), 55),
                extra: (None, 0),
                buffers: [
                    "fide",
                    "",
                    "/C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml",
                    "",
                ],
            },
            Row {
                url: "file://C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 54),
                extra: (None, 0),
                buffers: [
                    "file",
                    "",
                    "C:\\Program%20Files\\Atmel\\AVR%20Tools\\STK500\\STK500.xml",
                    "",
                ],
            },
            Row {
                url: "file://C:/Program%20Files/Atmel/..",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 27),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program%20Files\\Atmel\\..\\", ""],
            },
            Row {
                url: "file://C:/Program%20Files/Atmel/../Asdf.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 36),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program%20Files\\Atmel\\..\\Asdf.xml", ""],
            },
            Row {
                url: "file:///C:/Program%20Files/Atmel/..",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 28),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program Files\\Atmel\\..\\", ""],
            },
            Row {
                url: "file:///C:/Program%20Files/Atmel/../Asdf.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 37),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program Files\\Atmel\\..\\Asdf.xml", ""],
            },
            Row {
                url: "file://C:/Program%20Files/Atmel/.",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 26),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program%20Files\\Atmel\\.\\", ""],
            },
            Row {
                url: "file://C:/Program%20Files/Atmel/./Asdf.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 35),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program%20Files\\Atmel\\.\\Asdf.xml", ""],
            },
            Row {
                url: "file:///C:/Program%20Files/Atmel/.",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 27),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program Files\\Atmel\\.\\", ""],
            },
            Row {
                url: "file:///C:/Program%20Files/Atmel/./Asdf.xml",
                scheme: (Some(0), 4),
                n_scheme: INTERNET_SCHEME_FILE,
                host: (None, 0),
                port: 0,
                path: (Some(7), 36),
                extra: (None, 0),
                buffers: ["file", "", "C:\\Program Files\\Atmel\\.\\Asdf.xml", ""],
            },
            Row {
                url: "C:\\file.txt",
                scheme: (Some(0), 1),
                n_scheme: INTERNET_SCHEME_UNKNOWN,
                host: (None, 0),
                port: 0,
                path: (Some(2), 9),
                extra: (None, 0),
                buffers: ["C", "", "\\file.txt", ""],
            },
            Row {
                url: "res://IELib.dll/test.htm",
                scheme: (Some(0), 3),
                n_scheme: INTERNET_SCHEME_RES,
                host: (Some(6), 9),
                port: 0,
                path: (Some(15), 9),
                extra: (None, 0),
                buffers: ["res", "IELib.dll", "/test.htm", ""],
            },
            Row {
                url: "gopher://www.winehq.org/site/about#hi",
                scheme: (Some(0), 6),
                n_scheme: INTERNET_SCHEME_GOPHER,
                host: (Some(9), 14),
                port: 0,
                path: (Some(23), 11),
                extra: (Some(34), 3),
                buffers: ["gopher", "www.winehq.org", "/site/about", "#hi"],
            },
        ];
        let pointer = |(offset, len): (Option<usize>, usize)| match offset {
            Some(offset) => Component::InUrl { offset, len },
            None => Component::Absent,
        };
        for row in rows {
            let url = w(row.url);
            let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers())
                .unwrap_or_else(|e| panic!("{}: {e:?}", row.url));
            assert_eq!(got.scheme, row.n_scheme, "{}", row.url);
            assert_eq!(got.port, row.port, "{}", row.url);
            assert_eq!(got.scheme_name, pointer(row.scheme), "{} scheme", row.url);
            assert_eq!(got.host_name, pointer(row.host), "{} host", row.url);
            assert_eq!(got.user_name, Component::Absent, "{} user", row.url);
            assert_eq!(got.password, Component::Absent, "{} password", row.url);
            assert_eq!(got.url_path, pointer(row.path), "{} path", row.url);
            assert_eq!(got.extra_info, pointer(row.extra), "{} extra", row.url);

            let capacity = u32::try_from(url.len()).expect("short") + 1;
            let got = internet_crack_url(
                &url,
                0,
                &CrackRequest::uniform(ComponentRequest::Buffer(capacity)),
            )
            .expect("cracks");
            let [scheme, host, path, extra] = row.buffers;
            assert_eq!(got.scheme_name, Component::Copied(w(scheme)), "{}", row.url);
            assert_eq!(got.host_name, Component::Copied(w(host)), "{}", row.url);
            assert_eq!(got.user_name, Component::Copied(Vec::new()), "{}", row.url);
            assert_eq!(got.url_path, Component::Copied(w(path)), "{}", row.url);
            assert_eq!(got.extra_info, Component::Copied(w(extra)), "{}", row.url);
        }
    }

    #[test]
    fn crack_long_url_and_short_buffers() {
        let long_path: String = std::iter::once('/')
            .chain(std::iter::repeat_n('x', 5998))
            .collect();
        let url = w(&format!("http://www.winehq.org{long_path}"));
        let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
        assert_eq!(
            got.url_path,
            Component::InUrl {
                offset: 21,
                len: 5999
            }
        );
        let long_extra: String = std::iter::once('#')
            .chain(std::iter::repeat_n('x', 5998))
            .collect();
        let url = w(&format!("http://www.winehq.org/path/{long_extra}"));
        let got = internet_crack_url(&url, 0, &CrackRequest::all_pointers()).expect("cracks");
        assert_eq!(got.url_path, Component::InUrl { offset: 21, len: 6 });
        assert_eq!(
            got.extra_info,
            Component::InUrl {
                offset: 27,
                len: 5999
            }
        );
        let mut small = CrackRequest::uniform(ComponentRequest::NotWanted);
        small.extra_info = ComponentRequest::Buffer(100);
        let err = internet_crack_url(&url, 0, &small).expect_err("too small");
        assert_eq!(
            err.code(),
            windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER
        );
        let mut small = CrackRequest::uniform(ComponentRequest::NotWanted);
        small.scheme = ComponentRequest::Buffer(4);
        assert_eq!(
            internet_crack_url(&url, 0, &small)
                .map_err(|e| e.code())
                .err(),
            Some(windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER)
        );
    }

    fn comps<'a>(
        scheme: Option<&'a [u16]>,
        host: Option<&'a [u16]>,
        user: Option<&'a [u16]>,
        pass: Option<&'a [u16]>,
        path: Option<&'a [u16]>,
    ) -> UrlComponents<'a> {
        UrlComponents {
            scheme_name: scheme,
            scheme: INTERNET_SCHEME_HTTP,
            host_name: host,
            port: 80,
            user_name: user,
            password: pass,
            url_path: path,
            extra_info: None,
        }
    }

    #[test]
    fn create_url_expectations_from_wine() {
        let (http, host, user, pass, path) = (
            w("http"),
            w("www.winehq.org"),
            w("username"),
            w("password"),
            w("/site/about"),
        );
        let full = comps(
            Some(&http),
            Some(&host),
            Some(&user),
            Some(&pass),
            Some(&path),
        );
        assert_eq!(
            internet_create_url(&full, 0, 0, false),
            Err(CreateUrlError::InsufficientBuffer { required: 51 })
        );
        assert_eq!(
            internet_create_url(&full, 0, 49, true),
            Err(CreateUrlError::InsufficientBuffer { required: 51 })
        );
        let url = internet_create_url(
            &UrlComponents {
                scheme_name: None,
                ..full
            },
            0,
            51,
            true,
        )
        .expect("nScheme used");
        assert_eq!(url, w("http://username:password@www.winehq.org/site/about"));
        let ignored = UrlComponents { scheme: -3, ..full };
        assert_eq!(
            internet_create_url(&ignored, 0, 51, true).map(|u| u.len()),
            Ok(50)
        );
        assert_eq!(
            internet_create_url(
                &UrlComponents {
                    password: None,
                    ..full
                },
                0,
                42,
                true
            ),
            Ok(w("http://username@www.winehq.org/site/about"))
        );
        assert_eq!(
            internet_create_url(
                &UrlComponents {
                    user_name: None,
                    ..full
                },
                0,
                42,
                true
            ),
            Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
        );
        assert_eq!(
            internet_create_url(
                &UrlComponents {
                    user_name: None,
                    password: None,
                    ..full
                },
                0,
                42,
                true
            ),
            Ok(w("http://www.winehq.org/site/about"))
        );
        let nhttp = w("nhttp");
        assert_eq!(
            internet_create_url(
                &UrlComponents {
                    scheme_name: Some(&nhttp),
                    ..full
                },
                ICU_ESCAPE,
                100,
                true
            ),
            Ok(w("nhttp://username:password@www.winehq.org:80/site/about"))
        );
        let url = internet_create_url(&UrlComponents { port: 42, ..full }, ICU_ESCAPE, 100, true)
            .expect("creates");
        assert_eq!(
            url,
            w("http://username:password@www.winehq.org:42/site/about")
        );
        assert_eq!(url.len(), 53);
        let https = w("https");
        assert_eq!(
            internet_create_url(
                &UrlComponents {
                    scheme_name: Some(&https),
                    port: 443,
                    ..full
                },
                ICU_ESCAPE,
                100,
                true
            ),
            Ok(w("https://username:password@www.winehq.org/site/about"))
        );
    }

    #[test]
    fn create_url_opaque_and_port_cases() {
        let (about, blank, host, http, winehq, localhost, root, extra) = (
            w("about"),
            w("blank"),
            w("host"),
            w("http"),
            w("www.winehq.org"),
            w("localhost"),
            w("/"),
            w("?test=123"),
        );
        let blank_url = UrlComponents {
            scheme_name: Some(&about),
            url_path: Some(&blank),
            ..UrlComponents::default()
        };
        assert_eq!(
            internet_create_url(&blank_url, ICU_ESCAPE, 64, true),
            Ok(w("about:blank"))
        );
        let with_host = UrlComponents {
            host_name: Some(&host),
            ..blank_url
        };
        assert_eq!(
            internet_create_url(&with_host, ICU_ESCAPE, 64, true),
            Ok(w("about://host/blank"))
        );
        let bare = UrlComponents {
            scheme_name: Some(&about),
            port: 8080,
            ..UrlComponents::default()
        };
        assert_eq!(
            internet_create_url(&bare, ICU_ESCAPE, 64, true),
            Ok(w("about:"))
        );
        let max_port = UrlComponents {
            scheme_name: Some(&http),
            host_name: Some(&winehq),
            port: 65535,
            ..UrlComponents::default()
        };
        assert_eq!(
            internet_create_url(&max_port, ICU_ESCAPE, 64, true),
            Ok(w("http://www.winehq.org:65535"))
        );
        let query = UrlComponents {
            scheme_name: Some(&http),
            host_name: Some(&localhost),
            port: 80,
            url_path: Some(&root),
            extra_info: Some(&extra),
            ..UrlComponents::default()
        };
        assert_eq!(
            internet_create_url(&query, ICU_ESCAPE, 256, true),
            Ok(w("http://localhost/?test=123"))
        );
        let spaced = w("/a b");
        let escaped = UrlComponents {
            url_path: Some(&spaced),
            ..query
        };
        assert_eq!(
            internet_create_url(&escaped, ICU_ESCAPE, 256, true),
            Ok(w("http://localhost/a%20b?test=123"))
        );
    }

    #[test]
    fn canonicalize_sizes_and_flags() {
        let url = "http://swupmf.adobe.com/manifest/50/win/AdobeUpdater.upd";
        let canon = internet_canonicalize_url(url, 0).expect("canonicalizes");
        assert_eq!(canon, url);
        let len = url.len() as u32;
        assert_eq!(
            fit_result(&canon, 1, true),
            Err(CreateUrlError::InsufficientBuffer { required: len + 1 })
        );
        assert_eq!(
            fit_result(&canon, len, true),
            Err(CreateUrlError::InsufficientBuffer { required: len + 1 })
        );
        assert_eq!(fit_result(&canon, len + 1, true), Ok(len));
        assert_eq!(fit_result(&canon, len + 2, true), Ok(len));
        assert_eq!(
            fit_result(&canon, len + 1, false),
            Err(CreateUrlError::Code(ERROR_INVALID_PARAMETER))
        );
        assert_eq!(
            internet_canonicalize_url(
                "file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml",
                ICU_DECODE | ICU_NO_ENCODE
            )
            .as_deref(),
            Ok("file://C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml")
        );
        assert_eq!(
            internet_canonicalize_url("http://www.winehq.org/index.php?x= ", ICU_BROWSER_MODE)
                .as_deref(),
            Ok("http://www.winehq.org/index.php?x=")
        );
    }

    #[test]
    fn canonicalize_meta_and_encoding_flags() {
        let c = |u: &str, f: u32| internet_canonicalize_url(u, f).expect("canonicalizes");
        assert_eq!(c("http://h/a/./b/../c", 0), "http://h/a/c");
        assert_eq!(c("http://h/a/./b/../c", ICU_NO_META), "http://h/a/./b/../c");
        assert_eq!(c("http://h/../../x", 0), "http://h/x");
        assert_eq!(c("http://h", 0), "http://h/");
        assert_eq!(c("http://h/a b<c>", 0), "http://h/a%20b%3Cc%3E");
        assert_eq!(
            c("http://h/a b<c>", ICU_ENCODE_SPACES_ONLY),
            "http://h/a%20b<c>"
        );
        assert_eq!(c("http://h/a b", ICU_NO_ENCODE), "http://h/a b");
        assert_eq!(c("http://h/a%20b", ICU_DECODE), "http://h/a%20b");
        assert_eq!(
            c("http://h/a%20b", ICU_DECODE | ICU_NO_ENCODE),
            "http://h/a b"
        );
        assert_eq!(c("http://h/100%", 0), "http://h/100%");
        assert_eq!(
            c("http://h/a%+fb", ICU_DECODE | ICU_NO_ENCODE),
            "http://h/a%+fb",
            "a sign is not a hex digit"
        );
        assert_eq!(
            c("http://h/%e2%82%ac", ICU_DECODE | ICU_NO_ENCODE),
            "http://h/\u{20ac}",
            "UTF-8 sequences decode"
        );
        assert_eq!(c("http://h/100%", ICU_ENCODE_PERCENT), "http://h/100%25");
        assert_eq!(
            c("http://h/a b?q=x y", ICU_BROWSER_MODE),
            "http://h/a%20b?q=x y"
        );
        assert_eq!(c("http://h/é", 0), "http://h/%C3%A9");
        assert_eq!(
            internet_canonicalize_url("   ", 0),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn combine_resolves_rfc3986_references() {
        let base = "http://a/b/c/d;p?q";
        let r = |rel: &str| internet_combine_url(base, rel, 0).expect("combines");
        // RFC 3986 §5.4.1 normal examples.
        assert_eq!(r("g"), "http://a/b/c/g");
        assert_eq!(r("./g"), "http://a/b/c/g");
        assert_eq!(r("g/"), "http://a/b/c/g/");
        assert_eq!(r("/g"), "http://a/g");
        assert_eq!(r("//g"), "http://g/");
        assert_eq!(r("?y"), "http://a/b/c/d;p?y");
        assert_eq!(r("g?y"), "http://a/b/c/g?y");
        assert_eq!(r("#s"), "http://a/b/c/d;p?q#s");
        assert_eq!(r(""), "http://a/b/c/d;p?q");
        assert_eq!(r(".."), "http://a/b/");
        assert_eq!(r("../g"), "http://a/b/g");
        assert_eq!(r("../../g"), "http://a/g");
        assert_eq!(r("../../../g"), "http://a/g");
        assert_eq!(r("https://other/x"), "https://other/x");
        assert_eq!(
            internet_combine_url("http://a/b", "c d", 0).as_deref(),
            Ok("http://a/c%20d")
        );
        assert_eq!(
            internet_combine_url("http://a/b", "../x", ICU_NO_META).as_deref(),
            Ok("http://a/../x")
        );
        assert_eq!(
            internet_combine_url("relative/base", "x", 0),
            Err(ERROR_INTERNET_INVALID_URL)
        );
        assert_eq!(
            internet_combine_url("about:blank", "#top", 0).as_deref(),
            Ok("about:blank#top")
        );
    }
}
