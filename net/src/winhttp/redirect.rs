//! WinHTTP's redirect decision inside `WinHttpReceiveResponse` (WH-R28), as a pure function.
//!
//! Given the response status, its `Location` header, the request's current URL, verb, redirect
//! policy, disable flags and redirect count, [`decide`] says whether the response is handed to
//! the application as it is ([`RedirectDecision::Deliver`]), or followed
//! ([`RedirectDecision::Follow`] with the new URL, verb, body and connection handling), or
//! fails (`ERROR_WINHTTP_REDIRECT_FAILED` and friends).
//!
//! Order of the checks (Wine `receive_response` / `handle_redirect`): status not followed →
//! deliver; `WINHTTP_DISABLE_REDIRECTS` or policy `NEVER` → deliver; one more redirect than
//! `max_redirects` → 12156; no `Location` → 12150; the target resolves to an HTTPS → HTTP
//! downgrade under policy `DISALLOW_HTTPS_TO_HTTP` → 12156; otherwise follow.
//!
//! Status set: 301, 302, 303, 307 and 308. Wine follows only 301, 302, 307 and 308; 303 is in
//! the `HTTP_STATUS_*` set Windows documents for automatic redirection and is followed here
//! as a "see other" (any verb but `HEAD` becomes `GET`). Verb rewriting otherwise follows
//! Wine: `POST` becomes `GET` for 301 and 302, and the body is dropped; 307 and 308 keep the
//! verb and the body.
//!
//! Invariants: the resolved URL is always an `http` or `https` URL with a host; the plan's
//! `reuse_connection` is true only for the same scheme, host (ASCII case-insensitive) and
//! port.

use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_HEADER_NOT_FOUND, ERROR_WINHTTP_REDIRECT_FAILED, HTTP_STATUS_MOVED,
    HTTP_STATUS_PERMANENT_REDIRECT, HTTP_STATUS_REDIRECT, HTTP_STATUS_REDIRECT_KEEP_VERB,
    HTTP_STATUS_REDIRECT_METHOD, ICU_NO_ENCODE, INTERNET_DEFAULT_HTTPS_PORT,
    INTERNET_DEFAULT_HTTP_PORT, WINHTTP_DISABLE_REDIRECTS, WINHTTP_INTERNET_SCHEME_HTTPS,
    WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP, WINHTTP_OPTION_REDIRECT_POLICY_NEVER,
};

use crate::url::wininet::internet_combine_url;
use crate::url::{to_wide, win_http_crack_url, CrackRequest};

/// The statuses WinHTTP follows automatically.
pub const FOLLOWED_STATUSES: [u32; 5] = [
    HTTP_STATUS_MOVED,
    HTTP_STATUS_REDIRECT,
    HTTP_STATUS_REDIRECT_METHOD,
    HTTP_STATUS_REDIRECT_KEEP_VERB,
    HTTP_STATUS_PERMANENT_REDIRECT,
];

/// Whether `status` is one WinHTTP follows automatically.
pub fn is_followed_status(status: u32) -> bool {
    FOLLOWED_STATUSES.contains(&status)
}

/// Everything [`decide`] looks at.
#[derive(Clone, Copy, Debug)]
pub struct RedirectInput<'a> {
    /// The response status code.
    pub status: u32,
    /// The first `Location` response header, if any.
    pub location: Option<&'a str>,
    /// The request's current absolute URL (`http://host:port/path?query`).
    pub current_url: &'a str,
    /// The request's current verb.
    pub verb: &'a str,
    /// `WINHTTP_OPTION_REDIRECT_POLICY` of the request.
    pub policy: u32,
    /// `WINHTTP_OPTION_DISABLE_FEATURE` bits of the request.
    pub disable_flags: u32,
    /// Redirects already followed by this `ReceiveResponse` chain.
    pub redirects_followed: u32,
    /// `WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS`.
    pub max_redirects: u32,
}

/// Where a followed redirect goes and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectPlan {
    /// The `REDIRECT` notification's information: the `Location` value as received.
    pub location: String,
    /// The resolved absolute URL of the next request.
    pub url: String,
    /// Whether the next request is HTTPS (`WINHTTP_FLAG_SECURE` is set or cleared to match).
    pub secure: bool,
    /// The next request's host name.
    pub host: String,
    /// The next request's port (the scheme's default when none is given).
    pub port: u16,
    /// The next request's path and query (what goes on the request line).
    pub path: String,
    /// The `Host` header value of the next request (`host` or `host:port` when the port is
    /// not the scheme's default).
    pub host_header: String,
    /// The next request's verb.
    pub verb: String,
    /// Whether the request body (optional data) is sent again.
    pub keep_body: bool,
    /// Same scheme, host and port: the kept-alive connection may be reused, and no new
    /// RESOLVING/CONNECTING notifications are due.
    pub reuse_connection: bool,
    /// The origin changes: the `Authorization` header (and any credentials bound to the old
    /// server) must not be sent to the new one.
    pub drop_authorization: bool,
}

/// The outcome of [`decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectDecision {
    /// Hand this response to the application (not a redirect, or following is off).
    Deliver,
    /// Follow the redirect.
    Follow(Box<RedirectPlan>),
}

/// Scheme, host, port and path of an absolute `http`/`https` URL, through `WinHttpCrackUrl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// `https`.
    pub secure: bool,
    /// Host name as written.
    pub host: String,
    /// Port (the scheme's default when none).
    pub port: u16,
    /// Path with query (`/` when empty).
    pub path: String,
}

impl Origin {
    /// Cracks `url`; fails with the `WinHttpCrackUrl` error (12005, 12006).
    pub fn parse(url: &str) -> Result<Origin, u32> {
        let wide = to_wide(url);
        let cracked =
            win_http_crack_url(&wide, 0, &CrackRequest::all_pointers()).map_err(|e| e.code())?;
        let text = |c: &crate::url::Component| {
            c.text(&wide)
                .map(|t| String::from_utf16_lossy(&t))
                .unwrap_or_default()
        };
        let mut path = text(&cracked.url_path);
        path.push_str(&text(&cracked.extra_info));
        if path.is_empty() {
            path.push('/');
        }
        Ok(Origin {
            secure: cracked.scheme == WINHTTP_INTERNET_SCHEME_HTTPS,
            host: text(&cracked.host_name),
            port: cracked.port,
            path,
        })
    }

    /// Whether `other` is the same scheme, host (ASCII case-insensitive) and port.
    pub fn same_origin(&self, other: &Origin) -> bool {
        self.secure == other.secure
            && self.port == other.port
            && self.host.eq_ignore_ascii_case(&other.host)
    }

    /// The `Host` header value.
    pub fn host_header(&self) -> String {
        let default = if self.secure {
            INTERNET_DEFAULT_HTTPS_PORT
        } else {
            INTERNET_DEFAULT_HTTP_PORT
        };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The verb of the redirected request and whether the body goes with it.
pub fn rewrite_verb(status: u32, verb: &str) -> (String, bool) {
    match status {
        HTTP_STATUS_REDIRECT_KEEP_VERB | HTTP_STATUS_PERMANENT_REDIRECT => (verb.to_owned(), true),
        HTTP_STATUS_REDIRECT_METHOD if verb != "HEAD" => ("GET".to_owned(), false),
        HTTP_STATUS_MOVED | HTTP_STATUS_REDIRECT if verb == "POST" => ("GET".to_owned(), false),
        _ => (verb.to_owned(), true),
    }
}

/// Resolves a `Location` value against the current URL (RFC 3986 reference resolution via
/// `InternetCombineUrl`, without re-encoding what the server sent).
pub fn resolve_location(current_url: &str, location: &str) -> Result<String, u32> {
    internet_combine_url(current_url, location, ICU_NO_ENCODE)
}

/// The redirect decision for one response. See the module documentation for the order.
pub fn decide(input: &RedirectInput<'_>) -> Result<RedirectDecision, u32> {
    if !is_followed_status(input.status) {
        return Ok(RedirectDecision::Deliver);
    }
    if input.disable_flags & WINHTTP_DISABLE_REDIRECTS != 0
        || input.policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER
    {
        return Ok(RedirectDecision::Deliver);
    }
    if u64::from(input.redirects_followed) + 1 > u64::from(input.max_redirects) {
        return Err(ERROR_WINHTTP_REDIRECT_FAILED);
    }
    let location = input.location.ok_or(ERROR_WINHTTP_HEADER_NOT_FOUND)?;
    let current = Origin::parse(input.current_url)?;
    let url = resolve_location(input.current_url, location)?;
    let next = Origin::parse(&url)?;
    if current.secure
        && !next.secure
        && input.policy == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP
    {
        return Err(ERROR_WINHTTP_REDIRECT_FAILED);
    }
    let (verb, keep_body) = rewrite_verb(input.status, input.verb);
    let same = current.same_origin(&next);
    Ok(RedirectDecision::Follow(Box::new(RedirectPlan {
        location: location.to_owned(),
        host_header: next.host_header(),
        secure: next.secure,
        host: next.host,
        port: next.port,
        path: next.path,
        url,
        verb,
        keep_body,
        reuse_connection: same,
        drop_authorization: !same,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Networking::WinHttp::{
        HTTP_STATUS_NOT_MODIFIED, HTTP_STATUS_OK, WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS,
    };

    fn input<'a>(status: u32, location: &'a str, url: &'a str, verb: &'a str) -> RedirectInput<'a> {
        RedirectInput {
            status,
            location: Some(location),
            current_url: url,
            verb,
            policy: WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP,
            disable_flags: 0,
            redirects_followed: 0,
            max_redirects: 10,
        }
    }

    fn plan(i: &RedirectInput<'_>) -> RedirectPlan {
        match decide(i) {
            Ok(RedirectDecision::Follow(plan)) => *plan,
            other => panic!("expected a followed redirect, got {other:?}"),
        }
    }

    #[test]
    fn followed_statuses_wh_r28() {
        for status in [301, 302, 303, 307, 308] {
            assert!(is_followed_status(status), "{status}");
        }
        for status in [HTTP_STATUS_OK, 300, HTTP_STATUS_NOT_MODIFIED, 305, 306, 401] {
            assert!(!is_followed_status(status), "{status}");
            let i = input(status, "/x", "http://h/", "GET");
            assert_eq!(decide(&i), Ok(RedirectDecision::Deliver));
        }
    }

    #[test]
    fn relative_and_absolute_locations_resolve_against_the_current_url() {
        let p = plan(&input(302, "/new/place?q=1", "http://Host:8080/a/b", "GET"));
        assert_eq!(p.url, "http://Host:8080/new/place?q=1");
        assert_eq!(
            (p.host.as_str(), p.port, p.path.as_str()),
            ("Host", 8080, "/new/place?q=1")
        );
        assert!(p.reuse_connection && !p.drop_authorization);
        assert_eq!(p.host_header, "Host:8080");
        assert_eq!(p.location, "/new/place?q=1");

        let p = plan(&input(301, "c", "http://h/a/b", "GET"));
        assert_eq!(p.url, "http://h/a/c");

        let p = plan(&input(301, "http://other:81/", "http://h/a", "GET"));
        assert_eq!((p.host.as_str(), p.port), ("other", 81));
        assert!(!p.reuse_connection && p.drop_authorization);

        // Cross-port on the same host is a different origin too.
        let p = plan(&input(307, "http://h:8081/x", "http://h/x", "GET"));
        assert!(!p.reuse_connection && p.drop_authorization);
        // Host comparison ignores case.
        let p = plan(&input(307, "http://H/y", "http://h/x", "GET"));
        assert!(p.reuse_connection);
    }

    #[test]
    fn method_rewriting_wh_r28() {
        for status in [301, 302] {
            let p = plan(&input(status, "/x", "http://h/", "POST"));
            assert_eq!((p.verb.as_str(), p.keep_body), ("GET", false), "{status}");
            let p = plan(&input(status, "/x", "http://h/", "PUT"));
            assert_eq!((p.verb.as_str(), p.keep_body), ("PUT", true), "{status}");
        }
        for status in [307, 308] {
            let p = plan(&input(status, "/x", "http://h/", "POST"));
            assert_eq!((p.verb.as_str(), p.keep_body), ("POST", true), "{status}");
        }
        let p = plan(&input(303, "/x", "http://h/", "PUT"));
        assert_eq!((p.verb.as_str(), p.keep_body), ("GET", false));
        let p = plan(&input(303, "/x", "http://h/", "HEAD"));
        assert_eq!(p.verb, "HEAD");
    }

    #[test]
    fn policy_and_disable_flag_stop_following_wh_r28() {
        let mut i = input(302, "/x", "http://h/", "GET");
        i.policy = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
        assert_eq!(decide(&i), Ok(RedirectDecision::Deliver));
        let mut i = input(302, "/x", "http://h/", "GET");
        i.disable_flags = WINHTTP_DISABLE_REDIRECTS;
        assert_eq!(decide(&i), Ok(RedirectDecision::Deliver));
    }

    #[test]
    fn https_to_http_needs_policy_always_wh_r28() {
        let i = input(302, "http://h/x", "https://h/", "GET");
        assert_eq!(decide(&i), Err(ERROR_WINHTTP_REDIRECT_FAILED));
        let mut i = input(302, "http://h/x", "https://h/", "GET");
        i.policy = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS;
        let p = plan(&i);
        assert!(!p.secure && !p.reuse_connection && p.drop_authorization);
        assert_eq!(p.port, 80);
        // HTTP → HTTPS is always allowed.
        let p = plan(&input(302, "https://h/x", "http://h/", "GET"));
        assert!(p.secure);
        assert_eq!(p.port, 443);
        assert_eq!(p.host_header, "h");
    }

    #[test]
    fn redirect_limit_wh_r28() {
        let mut i = input(302, "/x", "http://h/", "GET");
        i.max_redirects = 2;
        i.redirects_followed = 1;
        assert!(matches!(decide(&i), Ok(RedirectDecision::Follow(_))));
        i.redirects_followed = 2;
        assert_eq!(decide(&i), Err(ERROR_WINHTTP_REDIRECT_FAILED));
        i.max_redirects = 0;
        i.redirects_followed = 0;
        assert_eq!(decide(&i), Err(ERROR_WINHTTP_REDIRECT_FAILED));
        // No overflow on a huge count.
        i.max_redirects = u32::MAX;
        i.redirects_followed = u32::MAX;
        assert_eq!(decide(&i), Err(ERROR_WINHTTP_REDIRECT_FAILED));
    }

    #[test]
    fn missing_or_unusable_location() {
        let mut i = input(302, "", "http://h/", "GET");
        i.location = None;
        assert_eq!(decide(&i), Err(ERROR_WINHTTP_HEADER_NOT_FOUND));
        // A non-HTTP target cannot be followed by WinHTTP.
        let i = input(302, "ftp://h/file", "http://h/", "GET");
        assert!(decide(&i).is_err());
    }
}
