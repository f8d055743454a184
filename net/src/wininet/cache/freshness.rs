//! How long a cached response stays fresh, whether a response may be stored at all, and how
//! a `304 Not Modified` refreshes a stored one.
//!
//! * [`expiry_from_head`]: the expiry time an entry is committed (or refreshed) with, from
//!   the response head: a `Cache-Control: max-age` directive takes precedence over
//!   `Expires`, as in Wine's `HTTP_ProcessExpires`; without either the entry is fresh for
//!   [`DEFAULT_FRESHNESS`] (ten minutes, Wine's default when the server gives no age). An
//!   `Expires` that does not parse (`0` included) is a time in the past: expiry 0,
//!   revalidated on its next use (RFC 9111 section 5.3; Wine maps `0` to 0 too).
//!   [`server_expiry_from_head`] is the same without the default (`None`: the server gave
//!   no expiry), which `INTERNET_FLAG_HYPERLINK` looks at.
//! * [`forbids_storing`]: a response whose `Cache-Control` has a `no-cache` or `no-store`
//!   directive is not written to the cache (Wine's `create_cache_entry`); `private` and a
//!   response's `Pragma: no-cache` do not stop it (Wine looks at neither).
//! * [`refresh_head`]: the stored head after a `304`: every field the 304 carries (`Date`,
//!   `Expires`, `Cache-Control`, `ETag`, `Last-Modified`, …) replaces all stored fields of
//!   that name, the others stay, and the stored status line stays (RFC 9111 section 4.3.4,
//!   "Freshening Stored Responses upon Validation"), except the fields that describe the
//!   connection or the stored body's framing ([`NOT_REFRESHED`]), which the 304 cannot change.
//!
//! Invariants: pure functions; no panic on any header bytes; a head that does not parse is
//! never half-merged (the stored head stays as it was).

use super::time::{filetime_from_http_date, FileTime, FILETIME_SECOND};
use crate::headers::HeaderStore;

/// Fields a 304 never changes in a stored head: the hop-by-hop fields (RFC 9110 section
/// 7.6.1) and those the stored body depends on (RFC 9111 section 3.2: `Content-Length`; the
/// body's coding and range).
pub const NOT_REFRESHED: [&str; 11] = [
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Proxy-Authenticate",
    "Content-Length",
    "Content-Encoding",
    "Content-Range",
];

/// How long a response without `Cache-Control: max-age` or `Expires` stays fresh: ten
/// minutes (Wine `HTTP_ProcessExpires`).
pub const DEFAULT_FRESHNESS: FileTime = 10 * 60 * FILETIME_SECOND;

/// The directive names of a `Cache-Control` value, trimmed (spaces and tabs), without
/// their `=argument`.
fn directive_names(cache_control: &str) -> impl Iterator<Item = &str> {
    cache_control.split(',').map(|directive| {
        directive
            .split_once('=')
            .map_or(directive, |(name, _)| name)
            .trim_matches([' ', '\t'])
    })
}

/// Whether the response whose head is `head` must not be written to the cache: a
/// `Cache-Control` field (any of them) has a `no-cache` or `no-store` directive, names
/// compared without case (a `no-cache="field"` form counts too). A head that does not parse
/// forbids nothing.
pub fn forbids_storing(head: &str) -> bool {
    let Ok(store) = HeaderStore::parse_response_head(head) else {
        return false;
    };
    let mut cache_controls = store.values("Cache-Control");
    cache_controls.any(|value| {
        directive_names(value).any(|name| {
            name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store")
        })
    })
}

/// The `max-age` of a `Cache-Control` value in seconds, if it has a well-formed one.
fn max_age(cache_control: &str) -> Option<u64> {
    cache_control.split(',').find_map(|directive| {
        let (name, value) = directive.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("max-age") {
            return None;
        }
        let value = value.trim().trim_matches('"');
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Larger than any u64 is "forever": saturate.
        Some(value.parse::<u64>().unwrap_or(u64::MAX))
    })
}

/// The expiry the server gave the response whose head is `head` (status line, fields,
/// CRLF-separated), received at `now`: `now + max-age` when a `Cache-Control` field has a
/// `max-age` directive, else the `Expires` date, or 0 (already expired) when `Expires` does
/// not parse; `None` when the head has neither (or does not parse).
pub fn server_expiry_from_head(head: &str, now: FileTime) -> Option<FileTime> {
    let store = HeaderStore::parse_response_head(head).ok()?;
    if let Some(age) = store.values("Cache-Control").find_map(max_age) {
        return Some(now.saturating_add(age.saturating_mul(FILETIME_SECOND)));
    }
    let expires = store.get("Expires")?;
    Some(filetime_from_http_date(expires).unwrap_or(0))
}

/// The expiry time of a response whose head is `head`, received at `now`: the server's
/// ([`server_expiry_from_head`]), else `now +` [`DEFAULT_FRESHNESS`]; 0 for a head that
/// does not parse.
pub fn expiry_from_head(head: &str, now: FileTime) -> FileTime {
    if HeaderStore::parse_response_head(head).is_err() {
        return 0;
    }
    server_expiry_from_head(head, now).unwrap_or_else(|| now.saturating_add(DEFAULT_FRESHNESS))
}

/// The `Last-Modified` time of `head`, if it has one that parses.
pub fn last_modified_from_head(head: &str) -> Option<FileTime> {
    HeaderStore::parse_response_head(head)
        .ok()?
        .get("Last-Modified")
        .and_then(filetime_from_http_date)
}

/// The stored head `stored` refreshed by the head of a `304 Not Modified`, `not_modified`
/// (see the module documentation). `None` when either head does not parse.
pub fn refresh_head(stored: &str, not_modified: &str) -> Option<String> {
    let mut merged = HeaderStore::parse_response_head(stored).ok()?;
    let fresh = HeaderStore::parse_response_head(not_modified).ok()?;
    let refreshed = |name: &str| !NOT_REFRESHED.iter().any(|n| n.eq_ignore_ascii_case(name));
    // Every name the 304 carries replaces all stored lines of that name, keeping the 304's
    // own repeated lines (in its order).
    let mut replaced: Vec<&str> = Vec::new();
    for line in fresh.lines().iter().filter(|l| refreshed(&l.name)) {
        if !replaced.iter().any(|n| n.eq_ignore_ascii_case(&line.name)) {
            merged.remove_all(&line.name);
            replaced.push(&line.name);
        }
        merged.push(&line.name, &line.value).ok()?;
    }
    Some(merged.raw_crlf())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORED: &str = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"v1\"\r\n\
                          Expires: Tue, 01 Oct 2024 10:00:00 GMT\r\nX-Kept: yes\r\n\r\n";

    #[test]
    fn max_age_takes_precedence_over_expires() {
        let now = 1_000 * FILETIME_SECOND;
        let head = "HTTP/1.1 200 OK\r\nExpires: Tue, 01 Oct 2024 10:00:00 GMT\r\n\
                    Cache-Control: public, max-age=60\r\n\r\n";
        assert_eq!(expiry_from_head(head, now), now + 60 * FILETIME_SECOND);
        let expires_only = "HTTP/1.1 200 OK\r\nExpires: Tue, 01 Oct 2024 10:00:00 GMT\r\n\r\n";
        let expected = filetime_from_http_date("Tue, 01 Oct 2024 10:00:00 GMT").expect("date");
        assert_eq!(expiry_from_head(expires_only, now), expected);
    }

    #[test]
    fn missing_freshness_gives_ten_minutes_and_a_bad_expires_none() {
        let now = 5 * FILETIME_SECOND;
        let ten_minutes = now + DEFAULT_FRESHNESS;
        assert_eq!(DEFAULT_FRESHNESS, 600 * FILETIME_SECOND);
        for head in [
            "HTTP/1.1 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nCache-Control: no-cache, max-age=\r\n\r\n",
            "HTTP/1.1 200 OK\r\nCache-Control: private\r\n\r\n",
        ] {
            assert_eq!(expiry_from_head(head, now), ten_minutes, "{head:?}");
            assert_eq!(server_expiry_from_head(head, now), None, "{head:?}");
        }
        // An Expires that does not parse (`0` too) is in the past; no max-age falls back.
        for head in [
            "HTTP/1.1 200 OK\r\nCache-Control: max-age=-3\r\nExpires: soon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nExpires: 0\r\n\r\n",
        ] {
            assert_eq!(expiry_from_head(head, now), 0, "{head:?}");
            assert_eq!(server_expiry_from_head(head, now), Some(0), "{head:?}");
        }
        // A head that does not parse has no expiry at all.
        assert_eq!(expiry_from_head("", now), 0);
        assert_eq!(server_expiry_from_head("", now), None);
        // A max-age beyond any FILETIME saturates instead of wrapping.
        let huge = "HTTP/1.1 200 OK\r\nCache-Control: max-age=99999999999999999999999\r\n\r\n";
        assert_eq!(expiry_from_head(huge, now), u64::MAX);
        // A bad max-age falls back to Expires.
        let fallback = "HTTP/1.1 200 OK\r\nCache-Control: max-age=x\r\n\
                        Expires: Tue, 01 Oct 2024 10:00:00 GMT\r\n\r\n";
        let expected = filetime_from_http_date("Tue, 01 Oct 2024 10:00:00 GMT").expect("date");
        assert_eq!(expiry_from_head(fallback, now), expected);
    }

    #[test]
    fn no_cache_and_no_store_forbid_storing() {
        for head in [
            "HTTP/1.1 200 OK\r\nCache-Control: no-cache\r\n\r\n",
            // Wine's test_no_cache: another directive first, a tab, mixed case.
            "HTTP/1.1 200 OK\r\nCache-Control: junk, \t No-StOrE\r\n\r\n",
            "HTTP/1.1 200 OK\r\nCache-Control: no-cache=\"Set-Cookie\"\r\n\r\n",
            "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nCache-Control: no-store\r\n\r\n",
        ] {
            assert!(forbids_storing(head), "{head:?}");
        }
        for head in [
            "HTTP/1.1 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nCache-Control: private, max-age=60\r\n\r\n",
            "HTTP/1.1 200 OK\r\nPragma: no-cache\r\n\r\n",
            "HTTP/1.1 200 OK\r\nCache-Control: no-cachex, public\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-Cache-Control: no-store\r\n\r\n",
            "",
        ] {
            assert!(!forbids_storing(head), "{head:?}");
        }
    }

    #[test]
    fn a_304_replaces_the_fields_it_carries_and_keeps_the_rest() {
        let not_modified = "HTTP/1.1 304 Not Modified\r\nDate: Wed, 02 Oct 2024 10:00:00 GMT\r\n\
                            ETag: \"v2\"\r\nCache-Control: max-age=30\r\nContent-Length: 0\r\n\
                            Connection: close\r\n\r\n";
        let merged = refresh_head(STORED, not_modified).expect("both parse");
        let store = HeaderStore::parse_response_head(&merged).expect("merged parses");
        assert_eq!(store.first_line(), "HTTP/1.1 200 OK", "status line kept");
        assert_eq!(store.values("ETag").collect::<Vec<_>>(), ["\"v2\""]);
        assert_eq!(store.get("Cache-Control"), Some("max-age=30"));
        assert_eq!(store.get("Date"), Some("Wed, 02 Oct 2024 10:00:00 GMT"));
        assert_eq!(store.get("Content-Length"), Some("5"), "framing kept");
        assert_eq!(store.get("Connection"), None, "hop-by-hop not stored");
        assert_eq!(store.get("X-Kept"), Some("yes"));
        assert_eq!(
            store.get("Expires"),
            Some("Tue, 01 Oct 2024 10:00:00 GMT"),
            "a field the 304 does not carry stays"
        );
    }

    #[test]
    fn repeated_fields_of_the_304_are_all_kept() {
        let not_modified = "HTTP/1.1 304 Not Modified\r\nWarning: 1\r\nWarning: 2\r\n\r\n";
        let stored = "HTTP/1.1 200 OK\r\nWarning: old\r\n\r\n";
        let merged = refresh_head(stored, not_modified).expect("both parse");
        let store = HeaderStore::parse_response_head(&merged).expect("merged parses");
        assert_eq!(store.values("Warning").collect::<Vec<_>>(), ["1", "2"]);
    }

    #[test]
    fn an_unparsable_head_merges_nothing() {
        assert_eq!(
            refresh_head(STORED, "HTTP/1.1 304\r\nbroken line\r\n\r\n"),
            None
        );
        assert_eq!(refresh_head("", "HTTP/1.1 304 Not Modified\r\n\r\n"), None);
    }
}
