//! `InternetSetCookie(Ex)` / `InternetGetCookie(Ex)` and `END_BROWSER_SESSION` over the
//! session [`CookieJar`].
//!
//! This module owns the WinINet argument conventions around the jar: NULL and malformed
//! arguments, the `HttpOnly` rules of the `Ex` calls, the privacy decision for third-party
//! and restricted-zone cookies ([`CookiePolicy`]) and the A/W buffer sizing of the get calls.
//! Matching follows the jar's WinINet rules (a missing `Path` is the URL's directory; a cookie
//! path need only be a string prefix of the request's directory).
//!
//! Facts from Wine's `internet.c` tests (which pass on Windows): a NULL URL or NULL data →
//! 87; a URL without a scheme → `ERROR_INTERNET_UNRECOGNIZED_SCHEME`; `about:blank` → 87; data
//! without `=` is a cookie of that name with an empty value (IE11 answers `server=`); an
//! `HttpOnly` cookie can only be set by the `Ex` call with `INTERNET_COOKIE_HTTPONLY`, cannot
//! be overwritten by a plain cookie (`ERROR_INVALID_OPERATION`, `COOKIE_STATE_REJECT` from the
//! `Ex` call), and is returned only by `InternetGetCookieEx` with `INTERNET_COOKIE_HTTPONLY`;
//! no cookie → `ERROR_NO_MORE_ITEMS` with the length set to 0. Sizes: the A call reports the
//! text length + 1 in every case; the W call reports (length + 1) × 2 bytes when the buffer is
//! NULL or too small, and length + 1 characters on success.
//!
//! Invariants: a rejected set leaves the jar as it was; nothing panics on any string.

use cookie_store::{Cookie, RawCookie};
use url::Url;
use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER,
    ERROR_NO_MORE_ITEMS,
};
use windows_sys::Win32::Networking::WinInet::{
    COOKIE_STATE_ACCEPT, COOKIE_STATE_REJECT, COOKIE_STATE_UNKNOWN,
    ERROR_INTERNET_UNRECOGNIZED_SCHEME, INTERNET_COOKIE_HTTPONLY, INTERNET_COOKIE_THIRD_PARTY,
    INTERNET_FLAG_RESTRICTED_ZONE,
};

use super::options::{QueryBuffer, QueryFailure};
use super::Charset;
use crate::cookies::{directory_of, CookieJar};

/// The privacy decisions the `Ex` calls apply (Internet Explorer's privacy settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookiePolicy {
    /// Whether cookies set with `INTERNET_COOKIE_THIRD_PARTY` are accepted.
    pub accept_third_party: bool,
    /// Whether cookies set with `INTERNET_FLAG_RESTRICTED_ZONE` are accepted.
    pub accept_restricted_zone: bool,
}

impl Default for CookiePolicy {
    /// Third-party cookies accepted (a shim has no compact-policy evaluation; Windows'
    /// "Medium" setting would refuse those without one), restricted-zone cookies refused
    /// (the Restricted Sites zone blocks all cookies).
    fn default() -> Self {
        CookiePolicy {
            accept_third_party: true,
            accept_restricted_zone: false,
        }
    }
}

/// The URL of a cookie call: NULL → 87, no scheme → 12006, not http/https or no host → 87.
fn cookie_url(url: Option<&str>) -> Result<Url, u32> {
    let url = url.ok_or(ERROR_INVALID_PARAMETER)?;
    let Some((scheme, _)) = url.split_once(':') else {
        return Err(ERROR_INTERNET_UNRECOGNIZED_SCHEME);
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let parsed = Url::parse(url).map_err(|_| ERROR_INVALID_PARAMETER)?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(ERROR_INVALID_PARAMETER);
    }
    Ok(parsed)
}

/// The cookie text a set call stores: `name=data` with a name, else `data`; a first
/// segment without `=` becomes `segment=` (a name with an empty value).
fn cookie_text(name: Option<&str>, data: &str) -> String {
    match name {
        Some(name) if !name.is_empty() => format!("{name}={data}"),
        _ => {
            let (first, rest) = data
                .split_once(';')
                .map_or((data, None), |(f, r)| (f, Some(r)));
            if first.contains('=') {
                data.to_owned()
            } else {
                match rest {
                    Some(rest) => format!("{}=;{rest}", first.trim()),
                    None => format!("{}=", first.trim()),
                }
            }
        }
    }
}

/// Why a set was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// An argument error (the plain call's FALSE + code; the `Ex` call's 0 + code).
    Error(u32),
    /// `HttpOnly` rules (`ERROR_INVALID_OPERATION`, `COOKIE_STATE_REJECT`).
    HttpOnly,
}

fn store_cookie(
    jar: &mut CookieJar,
    url: &Url,
    text: &str,
    http_only_allowed: bool,
) -> Result<(), Refusal> {
    let mut raw =
        RawCookie::parse(text.to_owned()).map_err(|_| Refusal::Error(ERROR_INVALID_PARAMETER))?;
    let wants_http_only = raw.http_only() == Some(true);
    if wants_http_only && !http_only_allowed {
        return Err(Refusal::HttpOnly);
    }
    if raw.path().is_none() {
        raw.set_path(directory_of(url).to_owned());
    }
    let cookie = Cookie::try_from_raw_cookie(&raw, url)
        .map_err(|_| Refusal::Error(ERROR_INVALID_PARAMETER))?;
    if let Some(domain) = cookie.domain.as_cow() {
        let existing = jar.store().get(&domain, &cookie.path, cookie.name());
        // A plain set cannot replace an HttpOnly cookie (Wine `test_cookie_attrs`).
        if existing.is_some_and(|c| c.http_only() == Some(true))
            && !(wants_http_only && http_only_allowed)
        {
            return Err(Refusal::HttpOnly);
        }
    }
    jar.store_mut()
        .insert_raw(&raw, url)
        .map(|_| ())
        .map_err(|_| Refusal::Error(ERROR_INVALID_PARAMETER))
}

/// `InternetSetCookie(url, name, data)`. Errors: NULL URL or data → 87 (before the URL is
/// looked at); no scheme → 12006;
/// not http(s) or empty host → 87; a cookie the URL's host may not set (foreign `Domain`) →
/// 87; an `HttpOnly` cookie, or one replacing an `HttpOnly` cookie → `ERROR_INVALID_OPERATION`.
pub fn set_cookie(
    jar: &mut CookieJar,
    url: Option<&str>,
    name: Option<&str>,
    data: Option<&str>,
) -> Result<(), u32> {
    if url.is_none() || data.is_none() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let url = cookie_url(url)?;
    let data = data.unwrap_or_default();
    store_cookie(jar, &url, &cookie_text(name, data), false).map_err(|r| match r {
        Refusal::Error(code) => code,
        Refusal::HttpOnly => ERROR_INVALID_OPERATION,
    })
}

/// What `InternetSetCookieEx` returns: the `COOKIE_STATE_*` value (0 = FALSE) and, when it is
/// not `COOKIE_STATE_ACCEPT`, the last error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetCookieExResult {
    /// The return value (`InternetCookieState`).
    pub state: i32,
    /// `GetLastError` after a refusal (`None` = untouched).
    pub error: Option<u32>,
}

/// `InternetSetCookieEx(url, name, data, flags, reserved)`: as [`set_cookie`], plus
/// `INTERNET_COOKIE_HTTPONLY` allowing an `HttpOnly` cookie; `HttpOnly` refusals return
/// `COOKIE_STATE_REJECT` with `ERROR_INVALID_OPERATION`, argument errors 0 with their code,
/// and the privacy policy `COOKIE_STATE_REJECT` for a refused third-party or
/// restricted-zone cookie.
pub fn set_cookie_ex(
    jar: &mut CookieJar,
    url: Option<&str>,
    name: Option<&str>,
    data: Option<&str>,
    flags: u32,
    policy: CookiePolicy,
) -> SetCookieExResult {
    let refuse = |state, error| SetCookieExResult {
        state,
        error: Some(error),
    };
    let Some(data) = data else {
        return refuse(COOKIE_STATE_UNKNOWN, ERROR_INVALID_PARAMETER);
    };
    let url = match cookie_url(url) {
        Ok(url) => url,
        Err(code) => return refuse(COOKIE_STATE_UNKNOWN, code),
    };
    if (flags & INTERNET_COOKIE_THIRD_PARTY != 0 && !policy.accept_third_party)
        || (flags & INTERNET_FLAG_RESTRICTED_ZONE != 0 && !policy.accept_restricted_zone)
    {
        return SetCookieExResult {
            state: COOKIE_STATE_REJECT,
            error: None,
        };
    }
    let http_only = flags & INTERNET_COOKIE_HTTPONLY != 0;
    match store_cookie(jar, &url, &cookie_text(name, data), http_only) {
        Ok(()) => SetCookieExResult {
            state: COOKIE_STATE_ACCEPT,
            error: None,
        },
        Err(Refusal::HttpOnly) => refuse(COOKIE_STATE_REJECT, ERROR_INVALID_OPERATION),
        Err(Refusal::Error(code)) => refuse(COOKIE_STATE_UNKNOWN, code),
    }
}

/// A successful get: the cookie text and the length the call reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieAnswer {
    /// `a=1; b=2`.
    pub text: String,
    /// `*lpdwSize` after the call (see the module documentation).
    pub length: u32,
}

/// The cookies WinINet returns for `url`; `HttpOnly` ones only when `include_http_only`.
fn matching(jar: &CookieJar, url: &Url, include_http_only: bool) -> Vec<String> {
    let directory = directory_of(url);
    let secure = url.scheme().eq_ignore_ascii_case("https");
    jar.store()
        .iter_unexpired()
        .filter(|c| c.domain.matches(url))
        .filter(|c| secure || c.secure() != Some(true))
        .filter(|c| directory.starts_with(c.path.as_ref()))
        .filter(|c| include_http_only || c.http_only() != Some(true))
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect()
}

fn get(
    jar: &CookieJar,
    url: Option<&str>,
    charset: Charset,
    buffer: QueryBuffer,
    flags: u32,
) -> Result<CookieAnswer, QueryFailure> {
    let length_in = buffer.length.ok_or(QueryFailure {
        code: ERROR_INVALID_PARAMETER,
        length: None,
    })?;
    let url = cookie_url(url).map_err(|code| QueryFailure { code, length: None })?;
    let pairs = matching(jar, &url, flags & INTERNET_COOKIE_HTTPONLY != 0);
    if pairs.is_empty() {
        return Err(QueryFailure {
            code: ERROR_NO_MORE_ITEMS,
            length: Some(0),
        });
    }
    let text = pairs.join("; ");
    let chars = charset.char_len(&text).saturating_add(1);
    let too_small = QueryFailure {
        code: ERROR_INSUFFICIENT_BUFFER,
        length: Some(chars.saturating_mul(charset.unit())),
    };
    if !buffer.has_buffer {
        // A NULL buffer is a size query: TRUE with the size (bytes for W).
        return Ok(CookieAnswer {
            text,
            length: too_small.length.unwrap_or(chars),
        });
    }
    if length_in < chars {
        return Err(too_small);
    }
    Ok(CookieAnswer {
        text,
        length: chars,
    })
}

/// `InternetGetCookie{A,W}(url, name, buffer, &size)`: the `name` argument is ignored, as on
/// Windows. A NULL buffer answers the size (TRUE); see the module documentation for sizes.
pub fn get_cookie(
    jar: &CookieJar,
    url: Option<&str>,
    _name: Option<&str>,
    charset: Charset,
    buffer: QueryBuffer,
) -> Result<CookieAnswer, QueryFailure> {
    get(jar, url, charset, buffer, 0)
}

/// `InternetGetCookieEx{A,W}(url, name, buffer, &size, flags, reserved)`: as
/// [`get_cookie`], with `INTERNET_COOKIE_HTTPONLY` including `HttpOnly` cookies.
pub fn get_cookie_ex(
    jar: &CookieJar,
    url: Option<&str>,
    _name: Option<&str>,
    charset: Charset,
    buffer: QueryBuffer,
    flags: u32,
) -> Result<CookieAnswer, QueryFailure> {
    get(jar, url, charset, buffer, flags)
}

/// `InternetSetOption(NULL, INTERNET_OPTION_END_BROWSER_SESSION)`: forgets the session
/// (non-persistent) cookies; persistent ones stay (Wine `test_end_browser_session`). Returns
/// how many were removed.
pub fn end_browser_session(jar: &mut CookieJar) -> usize {
    let session: Vec<(String, String, String)> = jar
        .store()
        .iter_any()
        .filter(|c| !c.is_persistent())
        .filter_map(|c| {
            let domain = c.domain.as_cow()?.into_owned();
            Some((domain, c.path.to_string(), c.name().to_owned()))
        })
        .collect();
    session
        .iter()
        .filter(|(domain, path, name)| jar.store_mut().remove(domain, path, name).is_some())
        .count()
}

#[cfg(test)]
mod tests;
