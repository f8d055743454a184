//! The redirect policy of `ReceiveResponse`: what a [`RedirectDecider`] sees of a 3xx
//! response and answers, WinHTTP's default decider, and the method a redirect turns
//! into. Split from [`request_ops`](super::request_ops), which re-exports it.

use crate::error::NetError;

use super::state::RedirectPolicy;

/// The most redirects one `ReceiveResponse` follows whatever a [`RedirectDecider`] says
/// (a guard against a decider that never stops); past it: `ERROR_WINHTTP_REDIRECT_FAILED`.
pub const HARD_REDIRECT_LIMIT: u32 = 1000;

/// What a [`RedirectDecider`] sees about one 3xx response.
#[derive(Debug, Clone, Copy)]
pub struct RedirectContext<'a> {
    /// The status code (300..=399).
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<&'a str>,
    /// The request's URL now.
    pub url: &'a str,
    /// The verb of the request that got this response.
    pub method: &'a str,
    /// Redirects already followed in this `ReceiveResponse`.
    pub redirects_followed: u32,
    /// `WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS`.
    pub max_redirects: u32,
    /// The redirect policy.
    pub policy: RedirectPolicy,
    /// `WINHTTP_DISABLE_REDIRECTS` is set.
    pub redirects_disabled: bool,
}

/// Where to go next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTarget {
    /// The absolute `http`/`https` URL to request (also the REDIRECT notification's info).
    pub url: String,
    /// The verb to use.
    pub method: String,
    /// Whether the optional data is sent again (307/308 keep it; a rewrite to GET drops it).
    pub keep_body: bool,
}

/// The decision about one 3xx response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectDecision {
    /// Do not follow: the 3xx is the response the application gets.
    Stop,
    /// Follow.
    Follow(RedirectTarget),
    /// Fail `ReceiveResponse` with this error.
    Fail(NetError),
}

/// Decides whether and where a redirect is followed inside `ReceiveResponse` (the option,
/// policy and URL logic plugs in here).
pub trait RedirectDecider: Send + Sync {
    /// The decision for `context`.
    fn decide(&self, context: &RedirectContext<'_>) -> RedirectDecision;
}

/// The verb after a redirect with `status`: 307 and 308 keep it; 303 turns anything but
/// HEAD into GET; 301 and 302 turn POST into GET.
pub fn redirected_method(status: u16, method: &str) -> String {
    match status {
        307 | 308 => method.to_owned(),
        303 if !method.eq_ignore_ascii_case("HEAD") => "GET".to_owned(),
        301 | 302 if method == "POST" => "GET".to_owned(),
        _ => method.to_owned(),
    }
}

/// WinHTTP's default redirect handling (WH-R28, Wine's `receive_response` and
/// `handle_redirect`): follows 301, 302, 307 and 308 (not 303, which Wine does not follow)
/// unless redirects are disabled or the policy is NEVER; past `max_redirects` →
/// `ERROR_WINHTTP_REDIRECT_FAILED`; no `Location` → `ERROR_WINHTTP_HEADER_NOT_FOUND`; the
/// `Location` is resolved against the request URL; HTTPS → HTTP under the default policy →
/// `ERROR_WINHTTP_REDIRECT_FAILED`; the verb follows [`redirected_method`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRedirects {
    /// Also follow 303 (what Windows does; Wine does not).
    pub follow_303: bool,
}

impl RedirectDecider for DefaultRedirects {
    fn decide(&self, cx: &RedirectContext<'_>) -> RedirectDecision {
        let followed =
            matches!(cx.status, 301 | 302 | 307 | 308) || (self.follow_303 && cx.status == 303);
        if !followed || cx.redirects_disabled || cx.policy == RedirectPolicy::Never {
            return RedirectDecision::Stop;
        }
        if cx.redirects_followed >= cx.max_redirects {
            return RedirectDecision::Fail(NetError::RedirectFailed("too many redirects"));
        }
        let Some(location) = cx.location else {
            return RedirectDecision::Fail(NetError::HeaderNotFound);
        };
        let Ok(base) = url::Url::parse(cx.url) else {
            return RedirectDecision::Fail(NetError::RedirectFailed("the request URL is bad"));
        };
        let Ok(next) = base.join(location.trim()) else {
            return RedirectDecision::Fail(NetError::RedirectFailed("bad Location"));
        };
        if !matches!(next.scheme(), "http" | "https") || next.host_str().is_none() {
            return RedirectDecision::Fail(NetError::RedirectFailed("Location is not http(s)"));
        }
        if base.scheme() == "https"
            && next.scheme() == "http"
            && cx.policy == RedirectPolicy::DisallowHttpsToHttp
        {
            return RedirectDecision::Fail(NetError::RedirectFailed("HTTPS to HTTP refused"));
        }
        let method = redirected_method(cx.status, cx.method);
        RedirectDecision::Follow(RedirectTarget {
            url: next.to_string(),
            keep_body: method == cx.method && matches!(cx.status, 307 | 308),
            method,
        })
    }
}
