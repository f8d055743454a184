//! The request side of the cache: from the `INTERNET_FLAG_*` cache flags, the verb and the
//! cached entry, whether a request is answered from the cache, revalidated or sent, and
//! whether its response is written to the cache; and the URL key of the W entry points.
//!
//! Invariants: pure functions, no panic on any URL or header bytes.

use windows_sys::Win32::Networking::WinInet::{
    ERROR_INTERNET_INVALID_URL, INTERNET_FLAG_CACHE_IF_NET_FAIL, INTERNET_FLAG_FROM_CACHE,
    INTERNET_FLAG_HYPERLINK, INTERNET_FLAG_NEED_FILE, INTERNET_FLAG_NO_CACHE_WRITE,
    INTERNET_FLAG_PRAGMA_NOCACHE, INTERNET_FLAG_RELOAD, INTERNET_FLAG_RESYNCHRONIZE,
};

use super::{system_time_from_filetime, CacheEntryInfo, FileTime};

/// The URL key the W entry points use (Wine `urlcache_encode_url`): for `http`/`https` URLs
/// a host with non-ASCII characters is converted to its IDNA (punycode) form and the rest is
/// kept as UTF-8; other URLs (`Visited:`, `Cookie:`, no scheme) are kept as they are. An
/// `http(s)` URL with an empty host → `ERROR_INTERNET_INVALID_URL` (12005).
pub fn encode_wide_url(url: &str) -> Result<String, u32> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Ok(url.to_owned());
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Ok(url.to_owned());
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_and_port = &authority[host_start..];
    let host_end = host_and_port.rfind(':').unwrap_or(host_and_port.len());
    let host = &host_and_port[..host_end];
    if host.is_empty() {
        return Err(ERROR_INTERNET_INVALID_URL);
    }
    if host.is_ascii() {
        return Ok(url.to_owned());
    }
    let ascii = match url::Host::parse(host) {
        Ok(url::Host::Domain(d)) => d,
        _ => return Err(ERROR_INTERNET_INVALID_URL),
    };
    Ok(format!(
        "{scheme}://{}{ascii}{}{}",
        &authority[..host_start],
        &host_and_port[host_end..],
        &rest[authority_end..]
    ))
}

/// How a request uses the cache ([`decide`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheRead {
    /// Send the request; the cache has nothing to offer (or the flags forbid using it).
    Network,
    /// Answer from the cached entry without touching the network.
    Cached,
    /// Send a conditional request; a 304 answer means the cached entry is used.
    Revalidate {
        /// `If-Modified-Since` value (RFC 1123), from the entry's last-modified time.
        if_modified_since: Option<String>,
        /// `If-None-Match` value, from the `ETag` in the entry's stored headers.
        if_none_match: Option<String>,
    },
    /// `INTERNET_FLAG_FROM_CACHE` / `OFFLINE` without a cached entry: fail with
    /// `ERROR_FILE_NOT_FOUND`, no network.
    Unavailable,
}

/// The cache decision of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheDecision {
    /// Whether (and how) the cache is read.
    pub read: CacheRead,
    /// Whether the response body is written to a cache entry.
    pub write: bool,
    /// Whether a file must be created even when the response is not cacheable
    /// (`INTERNET_FLAG_NEED_FILE`; `DATAFILE_NAME` then answers it).
    pub need_file: bool,
    /// Whether `Pragma: no-cache` and `Cache-Control: no-cache` are sent
    /// (`INTERNET_FLAG_PRAGMA_NOCACHE`).
    pub pragma_no_cache: bool,
    /// Whether a network failure falls back to the cached entry
    /// (`INTERNET_FLAG_CACHE_IF_NET_FAIL` with an entry present).
    pub fallback_on_network_failure: bool,
}

/// The `ETag` value in stored response headers, if any.
fn etag_of(headers: &[u8]) -> Option<String> {
    String::from_utf8_lossy(headers)
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("etag")
                .then(|| value.trim().to_owned())
        })
}

/// Whether the expiry of `entry` came from its server: it has one, and its stored head (when
/// it has one) carries `Cache-Control: max-age` or `Expires`. An entry committed from a
/// response without either has the ten-minute default ([`super::DEFAULT_FRESHNESS`]),
/// which is not the server's.
pub fn server_gave_expiry(entry: &CacheEntryInfo) -> bool {
    entry.expire != 0
        && entry.header_info.as_deref().is_none_or(|head| {
            super::server_expiry_from_head(&String::from_utf8_lossy(head), 0).is_some()
        })
}

/// The cache decision of a request sent with `flags` (`INTERNET_FLAG_*`) and `verb`, with
/// `cached` the entry for its URL, at time `now`. Documented semantics:
///
/// * only `GET` responses are cached; `NO_CACHE_WRITE` stops writing, `NEED_FILE` forces a
///   file;
/// * `FROM_CACHE` (= `OFFLINE`) uses only the cache ([`CacheRead::Unavailable`] without an
///   entry);
/// * `RELOAD` and `PRAGMA_NOCACHE` always go to the network (the latter also sends
///   `Pragma: no-cache`);
/// * `RESYNCHRONIZE` revalidates an existing entry;
/// * `HYPERLINK` reloads an entry for which the server gave neither an expiry nor a
///   last-modified time ([`server_gave_expiry`]: the ten-minute default does not count);
/// * otherwise a fresh entry (expiry in the future) is used and a stale one (or one without
///   an expiry) is revalidated.
pub fn decide(
    flags: u32,
    verb: &str,
    cached: Option<&CacheEntryInfo>,
    now: FileTime,
) -> CacheDecision {
    let is_get = verb.eq_ignore_ascii_case("GET");
    let need_file = flags & INTERNET_FLAG_NEED_FILE != 0;
    let pragma_no_cache = flags & INTERNET_FLAG_PRAGMA_NOCACHE != 0;
    let write = need_file || (is_get && flags & INTERNET_FLAG_NO_CACHE_WRITE == 0);
    let cached = cached.filter(|_| is_get);
    let read = match cached {
        _ if flags & INTERNET_FLAG_FROM_CACHE != 0 => {
            if cached.is_some() {
                CacheRead::Cached
            } else {
                CacheRead::Unavailable
            }
        }
        None => CacheRead::Network,
        Some(_) if flags & (INTERNET_FLAG_RELOAD | INTERNET_FLAG_PRAGMA_NOCACHE) != 0 => {
            CacheRead::Network
        }
        Some(entry) => {
            let revalidate = || CacheRead::Revalidate {
                if_modified_since: (entry.last_modified != 0)
                    .then(|| {
                        crate::time::format_rfc1123(&system_time_from_filetime(entry.last_modified))
                            .ok()
                    })
                    .flatten(),
                if_none_match: entry.header_info.as_deref().and_then(etag_of),
            };
            if flags & INTERNET_FLAG_RESYNCHRONIZE != 0 {
                revalidate()
            } else if flags & INTERNET_FLAG_HYPERLINK != 0
                && !server_gave_expiry(entry)
                && entry.last_modified == 0
            {
                CacheRead::Network
            } else if entry.expire > now {
                CacheRead::Cached
            } else {
                revalidate()
            }
        }
    };
    CacheDecision {
        fallback_on_network_failure: flags & INTERNET_FLAG_CACHE_IF_NET_FAIL != 0
            && cached.is_some()
            && read != CacheRead::Cached,
        read,
        write,
        need_file,
        pragma_no_cache,
    }
}
